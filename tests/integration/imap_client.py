"""A raw IMAP client for tests that must see the exact bytes: sends a command, reads every
line (literals included) up to its tagged response. Python's imaplib hides too much of the
wire (untagged responses are collected into a dict) to check ordering rules."""

import re
import socket
import ssl

LITERAL_AT_END = re.compile(rb"~?\{(\d+)\}\r\n$")


class RawImap:
    def __init__(self, port, host="127.0.0.1", tls=False, timeout=10):
        sock = socket.create_connection((host, port), timeout=timeout)
        if tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            sock = ctx.wrap_socket(sock)
        self.sock = sock
        self.buf = b""
        self.counter = 0
        self.greeting = self.read_response()

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("server closed the connection")
        self.buf += data

    def read_line(self):
        """One response line, CRLF included, with any literal it announces appended."""
        while b"\r\n" not in self.buf:
            self._fill()
        i = self.buf.index(b"\r\n") + 2
        line, self.buf = self.buf[:i], self.buf[i:]
        m = LITERAL_AT_END.search(line)
        if m:
            n = int(m.group(1))
            while len(self.buf) < n:
                self._fill()
            line += self.buf[:n]
            self.buf = self.buf[n:]
            line += self.read_line()
        return line

    def read_response(self):
        return self.read_line()

    def send(self, data):
        self.sock.sendall(data)

    def command(self, text, tag=None):
        """Sends `tag text` and returns (untagged lines, tagged line)."""
        if tag is None:
            self.counter += 1
            tag = f"t{self.counter}"
        if isinstance(text, str):
            text = text.encode()
        self.send(tag.encode() + b" " + text + b"\r\n")
        return self.until(tag)

    def until(self, tag):
        lines = []
        prefix = tag.encode() + b" "
        while True:
            line = self.read_line()
            if line.startswith(prefix):
                return lines, line
            lines.append(line)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
