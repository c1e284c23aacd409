"""Golden IMAP dialogues (tests/transcripts/imap/*.txt) replayed against the live server.

Each file is the whole conversation: "C: " lines are sent (with CRLF), "S: " lines must be what
the server sends, line for line; "{*}" in an S line matches any text. The first S line is the
greeting. Lines starting with "#" are comments."""

import os
import re
import socket
import unittest

from harness import HeronTestCase

TRANSCRIPTS = os.path.join(os.path.dirname(__file__), "..", "transcripts", "imap")


def pattern(line):
    parts = [re.escape(p) for p in line.split("{*}")]
    return re.compile(("(?s)^" + ".*".join(parts) + "$").encode())


class TestImapTranscripts(HeronTestCase):
    def replay(self, name):
        h = self.heron(imap=True)
        h.add_domain("example.test")
        h.add_user("ann@example.test", "ann-password-1")
        h.start()
        with open(os.path.join(TRANSCRIPTS, name), encoding="utf-8") as f:
            steps = [line.rstrip("\n") for line in f if not line.startswith("#")]
        sock = socket.create_connection(("127.0.0.1", h.imap_port), timeout=10)
        self.addCleanup(sock.close)
        buf = b""
        pending = b""
        for number, step in enumerate(steps, 1):
            kind, text = step[:3], step[3:]
            if kind == "C: ":
                pending += text.encode() + b"\r\n"
                continue
            self.assertEqual(kind, "S: ", f"{name}:{number}: bad line {step!r}")
            if pending:
                sock.sendall(pending)
                pending = b""
            while b"\r\n" not in buf:
                data = sock.recv(65536)
                self.assertTrue(data, f"{name}:{number}: connection closed, expected {text!r}")
                buf += data
            line, buf = buf.split(b"\r\n", 1)
            self.assertRegex(line, pattern(text), f"{name}:{number}")
        if pending:
            sock.sendall(pending)

    def test_select_fetch_store(self):
        self.replay("select_fetch_store.txt")

    def test_mailboxes(self):
        self.replay("mailboxes.txt")

    def test_errors_and_literals(self):
        self.replay("errors_literals.txt")


if __name__ == "__main__":
    unittest.main()
