"""A small IMAP client on plain sockets, for bench/imap_bench.py.

`Imap` sends one command at a time and reads whole responses, literals included (RFC 9051
2.2.2), without parsing them further: the benchmark only counts and checks what it needs.
`IdleConn` is a non-blocking state machine (greeting, LOGIN, SELECT, IDLE) driven by a
selector, so that one process can hold a thousand idling connections. Loopback only; every
socket has a timeout. Failures raise BenchError. Python standard library only.
"""

import re
import socket


class BenchError(Exception):
    """A step failed or a check did not hold; the figure is reported as failed."""


_LITERAL_END = re.compile(rb"\{(\d+)\+?\}\r\n\Z")


class Imap:
    """One connection. Responses are read whole, literals included; no parsing beyond that."""

    def __init__(self, port, timeout):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.rfile = self.sock.makefile("rb", buffering=1 << 16)
        self.n = 0
        greeting = self.read_response()
        if not greeting.startswith(b"* OK"):
            raise BenchError(f"greeting: {greeting[:200]!r}")

    def read_response(self):
        """One response line with its literals (RFC 9051 2.2.2)."""
        parts = []
        while True:
            line = self.rfile.readline()
            if not line:
                raise BenchError("connection closed by the server")
            parts.append(line)
            m = _LITERAL_END.search(line)
            if not m:
                return b"".join(parts) if len(parts) > 1 else line
            parts.append(self.rfile.read(int(m.group(1))))

    def command(self, text, on_untagged=None, literal=None):
        """Sends a command (with one synchronizing literal if given); returns the tagged line.
        Untagged responses go to on_untagged. Raises BenchError unless the status is OK."""
        self.n += 1
        tag = b"b%d" % self.n
        if literal is None:
            self.sock.sendall(tag + b" " + text + b"\r\n")
        else:
            self.sock.sendall(tag + b" " + text + b" {%d}\r\n" % len(literal))
            while True:
                line = self.read_response()
                if line.startswith(b"+"):
                    break
                if line.startswith(tag + b" "):
                    raise BenchError(f"{text[:40]!r} refused: {line[:200]!r}")
                if on_untagged:
                    on_untagged(line)
            self.sock.sendall(literal + b"\r\n")
        prefix = tag + b" "
        while True:
            line = self.read_response()
            if line.startswith(prefix):
                if not line.startswith(prefix + b"OK"):
                    raise BenchError(f"{text[:60]!r}: {line[:300]!r}")
                return line
            if on_untagged:
                on_untagged(line)

    def login(self, user, password):
        self.command(b'LOGIN "%s" "%s"' % (user.encode(), password.encode()))

    def select(self, mailbox=b"INBOX"):
        exists = []

        def untagged(line):
            m = re.match(rb"\* (\d+) EXISTS", line)
            if m:
                exists.append(int(m.group(1)))
        self.command(b"SELECT " + mailbox, untagged)
        return exists[-1] if exists else 0

    def close(self):
        try:
            self.sock.settimeout(5)
            self.command(b"LOGOUT")
        except (OSError, BenchError):
            pass
        try:
            self.rfile.close()
            self.sock.close()
        except OSError:
            pass


class IdleConn:
    """State machine of one connection in the IDLE test: greeting, LOGIN, SELECT, IDLE."""

    def __init__(self, port, user, password, mailbox):
        self.login = b'l LOGIN "%s" "%s"' % (user.encode(), password.encode())
        self.mailbox = mailbox.encode()
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setblocking(False)
        self.buf = b""
        self.state = "greeting"

    def feed(self, data):
        """Returns True once idling; raises BenchError on a refusal."""
        self.buf += data
        while b"\r\n" in self.buf:
            line, self.buf = self.buf.split(b"\r\n", 1)
            if self.state == "greeting":
                if not line.startswith(b"* OK"):
                    raise BenchError(f"greeting: {line[:200]!r}")
                self._send(self.login, "login")
            elif self.state == "login" and line.startswith(b"l "):
                self._check(line, b"l OK")
                self._send(b"s SELECT " + self.mailbox, "select")
            elif self.state == "select" and line.startswith(b"s "):
                self._check(line, b"s OK")
                self._send(b"i IDLE", "idle")
            elif self.state == "idle" and line.startswith(b"+"):
                self.state = "idling"
                return True
            elif self.state == "idle" and line.startswith(b"i "):
                raise BenchError(f"IDLE refused: {line[:200]!r}")
        return False

    def _send(self, line, state):
        self.sock.setblocking(True)
        self.sock.sendall(line + b"\r\n")
        self.sock.setblocking(False)
        self.state = state

    @staticmethod
    def _check(line, expected):
        if not line.startswith(expected):
            raise BenchError(f"refused: {line[:200]!r}")
