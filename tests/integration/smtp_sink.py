"""A small SMTP server on loopback for the outbound tests: it records every message it
accepts and answers RCPT and DATA as a test script says (451 first, then 250; always 550; ...).

    sink = SmtpSink("127.0.0.7", port, rcpt=["451 4.3.0 try later", None])  # None: accept
    sink.start() ... sink.messages -> [(mail_from, [rcpt, ...], data_bytes), ...]

The script is consumed one reply per RCPT command in order (for data: per DATA command); when
it runs out, the last entry repeats. It offers EHLO with 8BITMIME, SIZE, PIPELINING and
ENHANCEDSTATUSCODES (and AUTH PLAIN LOGIN when users= is given; STARTTLS with certfile=).
Only the standard library is used.
"""

import base64
import socket
import socketserver
import ssl
import threading
import time


class SmtpSink:
    def __init__(self, address, port, rcpt=(None,), data=(None,), greeting=None, users=None,
                 certfile=None, keyfile=None, require_auth=False, mechanisms="PLAIN LOGIN",
                 pause_before_354=(0,), pause_before_reply=(0,), broken_tls=False):
        self.address = address
        self.port = port
        self.rcpt_script = list(rcpt)
        self.data_script = list(data)
        self.greeting = greeting or "220 sink.test ESMTP"
        self.users = dict(users or {})
        self.require_auth = require_auth
        self.mechanisms = mechanisms
        # Seconds to wait, per DATA command in order (the last entry repeats), before the 354
        # and before the reply to the final dot: time for a test to kill the client there.
        self.pause_before_354 = list(pause_before_354)
        self.pause_before_reply = list(pause_before_reply)
        # broken_tls: STARTTLS is offered and answered 220, then garbage instead of a
        # handshake (the peer's TLS setup is broken).
        self.broken_tls = broken_tls
        self.received = []  # every body that reached its final dot, answered or not
        self.certfile, self.keyfile = certfile, keyfile
        self.messages = []
        self.sessions = []  # one list of command lines per connection
        self.auth_logins = []
        self.lock = threading.Lock()
        self.rcpt_count = 0
        self.active = 0      # sessions open now
        self.max_active = 0  # the most sessions that were open at once
        self.data_count = 0
        self.server = None

    def _next(self, script, index):
        return script[min(index, len(script) - 1)]

    def start(self):
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                sink._serve(self.connection)

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = Server((self.address, self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _serve(self, conn):
        holder = [conn]
        with self.lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            self._session(holder)
        finally:
            with self.lock:
                self.active -= 1
            try:
                holder[0].close()
            except OSError:
                pass

    def _session(self, holder):
        conn = holder[0]
        commands = []
        with self.lock:
            self.sessions.append(commands)
        f = conn.makefile("rb")
        tls = False

        def send(line):
            conn.sendall(line.encode() + b"\r\n")

        send(self.greeting)
        if not self.greeting.startswith("220"):
            return
        mail_from, rcpts, authed = None, [], False
        while True:
            line = f.readline()
            if not line:
                return
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            commands.append(text)
            verb = text.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                exts = ["8BITMIME", "SIZE 10000000", "PIPELINING", "ENHANCEDSTATUSCODES"]
                if self.users:
                    exts.append("AUTH " + self.mechanisms)
                if (self.certfile or self.broken_tls) and not tls:
                    exts.append("STARTTLS")
                lines = ["sink.test"] + exts
                for i, l in enumerate(lines):
                    send(("250 " if i == len(lines) - 1 else "250-") + l)
            elif verb == "STARTTLS" and self.broken_tls:
                send("220 2.0.0 go ahead")
                conn.sendall(b"this is not a TLS server hello\r\n" * 4)
                return
            elif verb == "STARTTLS" and self.certfile and not tls:
                send("220 2.0.0 go ahead")
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.load_cert_chain(self.certfile, self.keyfile)
                conn = ctx.wrap_socket(conn, server_side=True)
                holder[0] = conn
                f = conn.makefile("rb")
                tls = True
            elif verb == "AUTH" and self.certfile and not tls:
                send("538 5.7.11 Encryption required for requested authentication mechanism")
            elif verb == "AUTH":
                parts = text.split(" ")
                user = password = None
                if len(parts) >= 2 and parts[1].upper() == "PLAIN":
                    if len(parts) >= 3:
                        blob = parts[2]
                    else:
                        send("334 ")
                        blob = f.readline().decode().strip()
                    _, user, password = base64.b64decode(blob).decode().split("\0")
                elif len(parts) >= 2 and parts[1].upper() == "LOGIN":
                    send("334 VXNlcm5hbWU6")
                    user = base64.b64decode(f.readline().strip()).decode()
                    send("334 UGFzc3dvcmQ6")
                    password = base64.b64decode(f.readline().strip()).decode()
                if user is not None and self.users.get(user) == password:
                    authed = True
                    with self.lock:
                        self.auth_logins.append((parts[1].upper(), user, tls))
                    send("235 2.7.0 Authentication successful")
                else:
                    send("535 5.7.8 Authentication credentials invalid")
            elif verb == "MAIL":
                if self.require_auth and not authed:
                    send("530 5.7.0 Authentication required")
                    continue
                mail_from = text[10:].split(">")[0].lstrip("<")
                rcpts = []
                send("250 2.1.0 Ok")
            elif verb == "RCPT":
                with self.lock:
                    reply = self._next(self.rcpt_script, self.rcpt_count)
                    self.rcpt_count += 1
                if reply is None:
                    rcpts.append(text[8:].split(">")[0].lstrip("<"))
                    send("250 2.1.5 Ok")
                else:
                    send(reply)
            elif verb == "DATA":
                if not rcpts:
                    send("554 5.5.1 No valid recipients")
                    continue
                with self.lock:
                    index = self.data_count
                    self.data_count += 1
                time.sleep(self._next(self.pause_before_354, index))
                send("354 End data with <CR><LF>.<CR><LF>")
                data, complete = b"", False
                while True:
                    l = f.readline()
                    if not l:
                        break
                    if l == b".\r\n":
                        complete = True
                        break
                    data += l[1:] if l.startswith(b"..") else l
                if not complete:
                    return  # the client went away mid-message: nothing was accepted
                with self.lock:
                    self.received.append((mail_from, list(rcpts), data))
                time.sleep(self._next(self.pause_before_reply, index))
                reply = self._next(self.data_script, index)
                try:
                    send(reply or "250 2.0.0 Ok: queued")
                except OSError:
                    return  # the client is gone: its side never saw the reply
                if reply is None:
                    with self.lock:
                        self.messages.append((mail_from, list(rcpts), data))
            elif verb == "RSET":
                mail_from, rcpts = None, []
                send("250 2.0.0 Ok")
            elif verb == "NOOP":
                send("250 2.0.0 Ok")
            elif verb == "QUIT":
                send("221 2.0.0 Bye")
                return
            else:
                send("502 5.5.2 Error: command not recognized")
