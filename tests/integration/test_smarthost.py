"""Smarthost relaying ([[relay]]): mail goes to the configured relay instead of the
destination's MX hosts, always over STARTTLS, with AUTH PLAIN (or LOGIN when that is all the
relay offers). The relays are Python sinks (smtp_sink.py) that require AUTH, on loopback.

    [[relay]] domains = ["*"]           -> 127.0.0.5 (AUTH PLAIN LOGIN, STARTTLS)
    [[relay]] domains = ["login.test"]  -> 127.0.0.6 (AUTH LOGIN only)
    [[relay]] domains = ["wrong.test"]  -> 127.0.0.5 with a wrong password
    [[relay]] domains = ["notls.test"]  -> 127.0.0.7 (no STARTTLS): never used in plaintext
"""

import os
import re
import subprocess
import time
import unittest

from smtp_sink import SmtpSink
from harness import Heron, common_port, wait_for
from test_outbound import ADDRESSES


class SmarthostTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = common_port(ADDRESSES)
        cls.h = Heron(hostname="mx.a.test", address="127.0.0.2", tls=True)
        cert, key = cls.h.cert, cls.h.key
        cls.main = SmtpSink("127.0.0.5", cls.port, users={"relayuser": "s3cret"},
                            certfile=cert, keyfile=key, require_auth=True).start()
        cls.login = SmtpSink("127.0.0.6", cls.port, users={"loginuser": "pw2"},
                             certfile=cert, keyfile=key, require_auth=True,
                             mechanisms="LOGIN").start()
        cls.notls = SmtpSink("127.0.0.7", cls.port, users={"relayuser": "s3cret"},
                             require_auth=True).start()
        relays = [
            {"domains": ["login.test"], "host": "127.0.0.6", "port": cls.port,
             "username": "loginuser", "password": "pw2"},
            {"domains": ["wrong.test"], "host": "127.0.0.5", "port": cls.port,
             "username": "relayuser", "password": "not-it"},
            {"domains": ["notls.test"], "host": "127.0.0.7", "port": cls.port,
             "username": "relayuser", "password": "s3cret"},
            {"domains": ["*"], "host": "127.0.0.5", "port": cls.port,
             "username": "relayuser", "password": "s3cret"},
        ]
        cls.h.sections["queue"] = {"retry_intervals": ["1h"], "connect_timeout": "5s"}
        cls.h.write_config()
        with open(cls.h.config_path, "a", encoding="utf-8") as f:
            for r in relays:
                f.write("\n[[relay]]\n")
                for k, v in r.items():
                    if isinstance(v, list):
                        f.write(f'{k} = [{", ".join(chr(34) + x + chr(34) for x in v)}]\n')
                    elif isinstance(v, int):
                        f.write(f"{k} = {v}\n")
                    else:
                        f.write(f'{k} = "{v}"\n')
        cls.h.start()

    @classmethod
    def tearDownClass(cls):
        for sink in (cls.main, cls.login, cls.notls):
            sink.stop()
        cls.h.cleanup()

    def inject(self, rcpt, subject):
        path = os.path.join(self.h.dir, subject + ".eml")
        with open(path, "wb") as f:
            f.write(f"From: a@a.test\r\nTo: {rcpt}\r\nSubject: {subject}\r\n\r\nbody\r\n".encode())
        out = self.h.cli("queue", "inject", "--from", "a@a.test", "--to", rcpt, path)
        return int(re.search(rb"queued as (\d+)", out.stdout).group(1))

    def queue_ids(self):
        out = self.h.cli("queue", "list").stdout.decode()
        return [int(line.split()[0]) for line in out.splitlines()[1:] if line.strip()]

    def test_global_relay_with_auth_plain_over_tls(self):
        qid = self.inject("someone@example.net", "via-relay")
        got = wait_for(lambda: [m for m in self.main.messages if b"via-relay" in m[2]], 20,
                       "the relay to get the message")
        self.assertEqual(got[0][1], ["someone@example.net"])
        self.assertIn(("PLAIN", "relayuser", True), self.main.auth_logins)
        wait_for(lambda: qid not in self.queue_ids(), 10, "the queue to drain")
        self.assertRegex(self.h.log_text(),
                         r"delivery\.delivered .*to=someone@example\.net.*relay=127\.0\.0\.5.*tls=true")

    def test_per_domain_relay_with_auth_login(self):
        self.inject("x@login.test", "via-login")
        got = wait_for(lambda: [m for m in self.login.messages if b"via-login" in m[2]], 20,
                       "the LOGIN relay to get the message")
        self.assertEqual(got[0][1], ["x@login.test"])
        self.assertIn(("LOGIN", "loginuser", True), self.login.auth_logins)
        self.assertFalse([m for m in self.main.messages if b"via-login" in m[2]])

    def test_wrong_password_defers(self):
        qid = self.inject("y@wrong.test", "wrong-pass")
        wait_for(lambda: re.search(r"delivery\.deferred .*to=y@wrong\.test", self.h.log_text()),
                 20, "a deferral")
        self.assertIn(qid, self.queue_ids())
        self.assertFalse([m for m in self.main.messages if b"wrong-pass" in m[2]])
        show = self.h.cli("queue", "show", str(qid)).stdout.decode()
        self.assertIn("535", show)

    def test_relay_without_starttls_is_never_used_in_plaintext(self):
        qid = self.inject("z@notls.test", "no-tls")
        wait_for(lambda: re.search(r"delivery\.deferred .*to=z@notls\.test", self.h.log_text()),
                 20, "a deferral")
        self.assertIn(qid, self.queue_ids())
        self.assertFalse(self.notls.messages)
        # The password never went over the plaintext connection.
        self.assertFalse([c for s in self.notls.sessions for c in s if c.upper().startswith("AUTH")])


if __name__ == "__main__":
    unittest.main()
