"""Heron and a real Postfix (postfix_server.py) as MTA peers on loopback:

    a.test   Heron on 127.0.0.2 (alice@a.test)
    c.test   Postfix on 127.0.0.4 (carol@c.test, virtual(8) Maildir), STARTTLS offered

Heron finds Postfix through the c.test MX record of the test DNS server and delivers over
STARTTLS; Postfix reaches Heron through a transport_maps entry (its resolver cannot be pointed
at the test DNS server). Skipped unless run as root with the postfix package installed.
"""

import os
import re
import smtplib
import unittest

import postfix_server
from dns_server import DnsServer, Zone
from harness import Heron, common_port, wait_for
from test_outbound import ADDRESSES


@unittest.skipUnless(postfix_server.available(), "needs root and Debian's postfix")
class PostfixPeerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = common_port(ADDRESSES)
        cls.dns = DnsServer([
            Zone("a.test").add("@", "MX", "10 mx").add("mx", "A", "127.0.0.2"),
            Zone("c.test").add("@", "MX", "10 mx").add("mx", "A", "127.0.0.4"),
        ])
        cls.dns.start()
        cls.heron = Heron(hostname="mx.a.test", address="127.0.0.2", smtp_port=cls.port,
                          dns=cls.dns.heron_config(),
                          sections={"queue": {"smtp_port": cls.port, "retry_intervals": ["1s"]}})
        cls.heron.add_domain("a.test")
        cls.heron.add_user("alice@a.test")
        cls.heron.start()
        cls.postfix = postfix_server.PostfixServer(
            "127.0.0.4", cls.port, "c.test", ["carol@c.test"],
            transports={"a.test": f"[127.0.0.2]:{cls.port}"},
            cert=cls.heron.cert, key=cls.heron.key)
        os.chmod(cls.heron.dir, 0o755)  # postfix's smtpd reads the certificate as root anyway
        cls.postfix.start()
        cls.failed = False

    @classmethod
    def tearDownClass(cls):
        cls.postfix.cleanup(failed=cls.failed)
        cls.heron.cleanup(failed=cls.failed)
        cls.dns.cleanup()

    def run(self, result=None):
        result = super().run(result)
        if result is not None and (result.failures or result.errors):
            type(self).failed = True
        return result

    def test_heron_delivers_to_postfix(self):
        path = os.path.join(self.heron.dir, "to-postfix.eml")
        with open(path, "wb") as f:
            f.write(b"From: alice@a.test\r\nTo: carol@c.test\r\nSubject: heron-to-postfix\r\n"
                    b"\r\nHello Carol.\r\n")
        out = self.heron.cli("queue", "inject", "--from", "alice@a.test", "--to",
                             "carol@c.test", path).stdout
        qid = int(re.search(rb"queued as (\d+)", out).group(1))
        got = wait_for(lambda: [m for m in self.postfix.maildir_messages("carol@c.test")
                                if b"heron-to-postfix" in m], 30, "the message in carol's Maildir")
        self.assertEqual(len(got), 1)
        self.assertIn(b"Hello Carol.", got[0])
        self.assertIn(b"Return-Path: <alice@a.test>", got[0])
        self.assertRegex(self.heron.log_text(),
                         r"delivery\.delivered .*to=carol@c\.test.*relay=mx\.c\.test.*tls=true")
        self.assertIn("TLS connection established from", self.postfix.log_text())
        wait_for(lambda: not self.heron.cli("queue", "list").stdout.decode().splitlines()[1:],
                 10, "Heron's queue to drain")

    def test_postfix_delivers_to_heron(self):
        with smtplib.SMTP("127.0.0.4", self.port, timeout=10) as s:
            s.sendmail("carol@c.test", ["alice@a.test"],
                       b"From: carol@c.test\r\nTo: alice@a.test\r\nSubject: postfix-to-heron\r\n"
                       b"\r\nHello Alice.\r\n")
        got = wait_for(lambda: [m for m in self.heron.messages("alice@a.test")
                                if b"postfix-to-heron" in m], 30, "the message in alice's INBOX")
        self.assertEqual(len(got), 1)
        self.assertIn(b"Hello Alice.", got[0])
        self.assertRegex(self.postfix.log_text(), r"to=<alice@a\.test>.*status=sent")


if __name__ == "__main__":
    unittest.main()
