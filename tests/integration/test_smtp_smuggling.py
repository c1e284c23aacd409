"""SMTP smuggling: only <CRLF>.<CRLF> ends DATA.

For each variant a client tries to end the data early with a bare LF or CR and smuggle a
second message after it. By default Heron rejects the whole message with a 5xx after the real
end; with normalize_bare_line_ends it keeps it as one message. Either way exactly one
transaction happens and no smuggled message is ever delivered.
"""

import unittest

from harness import HeronTestCase, RawSmtp

VARIANTS = {
    "lf_dot_lf": b"\n.\n",
    "lf_dot_crlf": b"\n.\r\n",
    "crlf_dot_lf": b"\r\n.\n",
    "cr_dot_cr": b"\r.\r",
}

SMUGGLED = (b"MAIL FROM:<spoof@example.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n"
            b"From: spoof@example.test\r\nSubject: smuggled\r\n\r\nsmuggled\r\n")


class SmugglingTest(HeronTestCase):
    def start(self, normalize):
        h = self.heron(smtp={"normalize_bare_line_ends": normalize})
        h.add_domain("example.test")
        h.add_user("alice@example.test")
        return h.start()

    def attempt(self, h, marker):
        s = RawSmtp(h.address, h.smtp_port)
        s.reply()
        s.cmd("EHLO client.remote.test")
        self.assertEqual(s.cmd("MAIL FROM:<sender@remote.test>")[0], 250)
        self.assertEqual(s.cmd("RCPT TO:<alice@example.test>")[0], 250)
        self.assertEqual(s.cmd("DATA")[0], 354)
        s.send(b"Subject: outer\r\n\r\nouter" + marker + SMUGGLED + b"\r\n.\r\n")
        code, text = s.reply()
        # The smuggled commands were content: the next reply answers our NOOP, not them.
        self.assertEqual(s.cmd("NOOP")[0], 250)
        s.cmd("QUIT")
        s.close()
        return code, text

    def test_rejected_by_default(self):
        h = self.start(False)
        for name, marker in VARIANTS.items():
            with self.subTest(name):
                code, text = self.attempt(h, marker)
                self.assertGreaterEqual(code, 500, f"{name}: {code} {text}")
        self.assertEqual(h.uids("alice@example.test"), [])

    def test_normalized_is_one_message(self):
        h = self.start(True)
        for name, marker in VARIANTS.items():
            with self.subTest(name):
                code, text = self.attempt(h, marker)
                self.assertEqual(code, 250, f"{name}: {text}")
        messages = h.messages("alice@example.test")
        self.assertEqual(len(messages), len(VARIANTS))
        for msg in messages:
            self.assertIn(b"Subject: outer", msg)
            # The would-be second message is content of the first, with CRLF line ends.
            self.assertIn(b"\r\nMAIL FROM:<spoof@example.test>\r\n", msg)
            self.assertNotIn(b"\n\n", msg.replace(b"\r\n", b""))


if __name__ == "__main__":
    unittest.main()
