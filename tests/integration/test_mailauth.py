"""Email authentication end to end: two Herons and a real DNS server (Knot) holding the records
`heron dns-records` prints.

    a.test   Heron A on 127.0.0.2: alice@a.test submits here; A signs with the keys made by
             `heron dkim keygen` (RSA and Ed25519) and sends to b.test. The zone is exactly
             what `heron dns-records a.test` printed (SPF "mx", DKIM keys, DMARC p=quarantine,
             SRV), plus the A record of mx.a.test.
    r.test   a domain that publishes p=reject (no server: only spoofers use it)
    b.test   Heron B on 127.0.0.3 (bob@b.test): checks SPF, DKIM, DMARC and iprev.
    127.0.0.4  a spoofer, with no PTR record
    127.0.0.5  a forwarder B trusts ([mailauth] trusted_forwarders)

The signed message must pass everything at B (and verify in dkimpy, an independent
implementation); a spoof of p=reject r.test gets 550 5.7.1 after DATA; a spoof of
p=quarantine a.test lands in Junk; a forged Authentication-Results claiming B's name is removed.
"""

import re
import smtplib
import socket
import ssl
import sys
import time
import unittest

try:
    import dkim
except ImportError:  # a non-Debian python3 (pyenv) running ctest: use Debian's module
    sys.path.append("/usr/lib/python3/dist-packages")
    import dkim

from dns_server import DnsServer, Zone, reverse_zone
from harness import Heron, common_port, wait_for

ADDRESSES = ["127.0.0.%d" % i for i in range(2, 6)]



def zone_from_records(origin, text):
    """A Zone holding every record of zone-file `text` (comments skipped, ( ) joined)."""
    zone = Zone(origin)
    records, pending = [], ""
    for line in text.splitlines():
        line = re.sub(r'\s*;[^"]*$', "", line) if '"' not in line else line
        if line.lstrip().startswith(";") or not line.strip():
            continue
        pending += " " + line.strip()
        if pending.count("(") > pending.count(")"):
            continue
        records.append(pending.replace("(", " ").replace(")", " ").strip())
        pending = ""
    for record in records:
        owner, ttl, klass, rtype, rdata = record.split(None, 4)
        assert klass == "IN", record
        zone.add(owner, rtype, rdata, int(ttl))
    return zone, records



class MailauthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = common_port(ADDRESSES)
        queue = {"smtp_port": cls.port, "retry_intervals": ["1s"], "connect_timeout": "5s"}
        # The DNS server's port is fixed before the Herons are configured; zones come later.
        cls.dns = DnsServer([])
        dns = cls.dns.heron_config()
        # A sends from its own address ([queue] bind_address), which SPF and iprev check.
        cls.a = Heron(hostname="mx.a.test", address="127.0.0.2", smtp_port=cls.port, dns=dns,
                      sections={"queue": dict(queue, bind_address="127.0.0.2"),
                                "mailauth": {"verify": True}}, submission=True)
        cls.b = Heron(hostname="mx.b.test", address="127.0.0.3", smtp_port=cls.port, dns=dns,
                      sections={"queue": queue,
                                "mailauth": {"verify": True,
                                             "trusted_forwarders": ["127.0.0.5/32"]}})
        cls.a.add_domain("a.test")
        cls.a.add_user("alice@a.test", "alice-password")
        cls.b.add_domain("b.test")
        cls.b.add_user("bob@b.test")
        cls.keygen = [cls.a.cli("dkim", "keygen", "a.test", "--selector", "rsa1").stdout.decode(),
                      cls.a.cli("dkim", "keygen", "a.test", "--selector", "ed1",
                                "--algo", "ed25519").stdout.decode()]
        cls.records_text = cls.a.cli("dns-records", "a.test").stdout.decode()
        a_zone, cls.records = zone_from_records("a.test", cls.records_text)
        a_zone.add("mx", "A", "127.0.0.2")
        b_zone = (Zone("b.test").add("@", "MX", "10 mx").add("mx", "A", "127.0.0.3")
                  .txt("@", "v=spf1 mx -all"))
        r_zone = (Zone("r.test").add("@", "MX", "10 mx.a.test.").txt("@", "v=spf1 mx -all")
                  .txt("_dmarc", "v=DMARC1; p=reject; rua=mailto:dmarc@r.test"))
        reverse = reverse_zone({"127.0.0.2": "mx.a.test.", "127.0.0.3": "mx.b.test.",
                                "127.0.0.5": "relay.b.test."})
        none = Zone("nodmarc.test").add("@", "MX", "10 mx.a.test.")  # no SPF, no DMARC
        for zone in (a_zone, b_zone, r_zone, none, reverse):
            cls.dns.set_zone(zone)
        cls.dns.start()
        cls.a.start()
        cls.b.start()
        cls.failed = False

    @classmethod
    def tearDownClass(cls):
        cls.a.cleanup(failed=cls.failed)
        cls.b.cleanup(failed=cls.failed)
        cls.dns.cleanup(failed=cls.failed)

    def run(self, result=None):
        result = super().run(result)
        if result is not None and (result.failures or result.errors):
            type(self).failed = True
        return result

    # -- helpers ---------------------------------------------------------------------------

    def mailbox_with(self, user, token, mailbox="INBOX", timeout=20):
        def find():
            return [m for m in self.b.messages(user, mailbox) if token.encode() in m]
        return wait_for(find, timeout, f"a message with {token} in {user}'s {mailbox}")

    def send_to_b(self, source, mail_from, body):
        """One message to B's MX from `source`; returns (code, reply) of the end of DATA."""
        with smtplib.SMTP(self.b.address, self.port, timeout=30,
                          source_address=(source, 0)) as s:
            s.ehlo("client.example")
            s.mail(mail_from)
            code, reply = s.rcpt("bob@b.test")
            self.assertEqual(code, 250, reply)
            return s.data(body.encode())

    @staticmethod
    def header(message, name):
        header = message.split(b"\r\n\r\n", 1)[0].decode()
        unfolded = re.sub(r"\r\n[ \t]", " ", header)
        return [line.split(":", 1)[1].strip() for line in unfolded.split("\r\n")
                if line.lower().startswith(name.lower() + ":")]

    # -- tests -----------------------------------------------------------------------------

    def test_dns_records_cover_what_the_admin_publishes(self):
        types = {(r.split()[0], r.split()[3]) for r in self.records}
        self.assertIn(("a.test.", "MX"), types)
        self.assertIn(("a.test.", "TXT"), types)                  # SPF
        self.assertIn(("mx.a.test.", "TXT"), types)               # SPF of the HELO name
        self.assertIn(("rsa1._domainkey.a.test.", "TXT"), types)  # both DKIM keys
        self.assertIn(("ed1._domainkey.a.test.", "TXT"), types)
        self.assertIn(("_dmarc.a.test.", "TXT"), types)
        self.assertIn(("_submissions._tcp.a.test.", "SRV"), types)
        self.assertIn(("_imaps._tcp.a.test.", "SRV"), types)
        self.assertIn("rua=mailto:postmaster@a.test", self.records_text)
        self.assertIn("PTR record", self.records_text)  # the rDNS advice
        # keygen printed the same records.
        self.assertIn("rsa1._domainkey.a.test.", self.keygen[0])
        self.assertIn("k=ed25519", self.keygen[1])
        # A second keygen with the same selector is refused, and the key is kept.
        again = self.a.cli("dkim", "keygen", "a.test", "--selector", "ed1", "--algo", "ed25519",
                           check=False)
        self.assertNotEqual(again.returncode, 0)
        self.assertIn(b"already exists", again.stderr)

    def test_signed_mail_passes_dmarc(self):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        body = ("From: Alice <alice@a.test>\r\nTo: bob@b.test\r\nSubject: signed-a-to-b\r\n"
                "\r\nSigned by A, checked by B.\r\n")
        with smtplib.SMTP_SSL(self.a.address, self.a.submissions_port, timeout=15,
                              context=ctx) as s:
            s.login("alice@a.test", "alice-password")
            self.assertEqual(s.sendmail("alice@a.test", ["bob@b.test"], body), {})
        got = self.mailbox_with("bob@b.test", "signed-a-to-b")[0]
        results = self.header(got, "Authentication-Results")
        self.assertEqual(len(results), 1, results)
        ar = results[0]
        self.assertTrue(ar.startswith("mx.b.test;"), ar)
        self.assertIn("iprev=pass policy.iprev=127.0.0.2 (mx.a.test)", ar)
        self.assertIn("spf=pass smtp.mailfrom=alice@a.test", ar)
        self.assertRegex(ar, r"dkim=pass header\.d=a\.test \S+ header\.s=rsa1 header\.a=rsa-sha256")
        self.assertRegex(ar, r"dkim=pass header\.d=a\.test \S+ header\.s=ed1 "
                             r"header\.a=ed25519-sha256")
        self.assertRegex(ar, r"dmarc=pass .*header\.from=a\.test")
        # B's Received names A by its confirmed reverse DNS name.
        self.assertIn(b"Received: from mx.a.test (mx.a.test [127.0.0.2])", got)
        # An independent verifier (dkimpy) accepts A's signatures, keys from the zone.
        keys = {r.split()[0].rstrip(".").encode(): r.split(None, 4)[4] for r in self.records
                if "._domainkey." in r}

        def dnsfunc(name, timeout=5):
            value = keys[name.rstrip(b".")]
            return "".join(re.findall(r'"([^"]*)"', value)).encode()
        d = dkim.DKIM(got)
        self.assertTrue(d.verify(idx=0, dnsfunc=dnsfunc), "dkimpy refused signature 0")
        self.assertTrue(d.verify(idx=1, dnsfunc=dnsfunc), "dkimpy refused signature 1")

    def test_spoofed_mail_from_a_reject_domain_gets_550(self):
        body = ("From: CEO <ceo@r.test>\r\nTo: bob@b.test\r\nSubject: spoof-reject\r\n\r\n"
                "Wire the money.\r\n")
        code, reply = self.send_to_b("127.0.0.4", "ceo@r.test", body)
        self.assertEqual(code, 550, reply)
        self.assertIn(b"5.7.1", reply)
        self.assertIn(b"DMARC", reply)
        time.sleep(0.3)
        self.assertFalse([m for m in self.b.messages("bob@b.test") if b"spoof-reject" in m])
        self.assertRegex(self.b.log_text(), r"smtp\.mailauth .*action=reject")

    def test_spoofed_mail_from_a_quarantine_domain_lands_in_junk(self):
        body = ("From: Alice <alice@a.test>\r\nTo: bob@b.test\r\nSubject: spoof-quarantine\r\n"
                "\r\nNot really Alice.\r\n")
        code, reply = self.send_to_b("127.0.0.4", "alice@a.test", body)
        self.assertEqual(code, 250, reply)
        got = self.mailbox_with("bob@b.test", "spoof-quarantine", mailbox="Junk")[0]
        ar = self.header(got, "Authentication-Results")[0]
        self.assertIn("iprev=permerror policy.iprev=127.0.0.4", ar)
        self.assertIn("spf=fail smtp.mailfrom=alice@a.test", ar)
        self.assertIn("dkim=none", ar)
        self.assertRegex(ar, r"dmarc=fail .*header\.from=a\.test")
        self.assertFalse([m for m in self.b.messages("bob@b.test") if b"spoof-quarantine" in m])

    def test_trusted_forwarder_is_not_rejected(self):
        body = ("From: CEO <ceo@r.test>\r\nTo: bob@b.test\r\nSubject: forwarded-reject\r\n\r\n"
                "Through a forwarder.\r\n")
        code, reply = self.send_to_b("127.0.0.5", "list@b.test", body)
        self.assertEqual(code, 250, reply)
        got = self.mailbox_with("bob@b.test", "forwarded-reject")[0]
        self.assertRegex(self.header(got, "Authentication-Results")[0], r"dmarc=fail")

    def test_forged_results_with_our_name_are_removed(self):
        body = ("Authentication-Results: mx.b.test; dmarc=pass header.from=r.test\r\n"
                "Authentication-Results: other.example; spf=pass smtp.mailfrom=x@y.test\r\n"
                "From: Someone <someone@nodmarc.test>\r\nTo: bob@b.test\r\n"
                "Subject: forged-results\r\n\r\nbody\r\n")
        code, reply = self.send_to_b("127.0.0.4", "someone@nodmarc.test", body)
        self.assertEqual(code, 250, reply)
        got = self.mailbox_with("bob@b.test", "forged-results")[0]
        results = self.header(got, "Authentication-Results")
        self.assertEqual(len(results), 2, results)
        self.assertTrue(results[0].startswith("mx.b.test;"))
        self.assertIn("dmarc=none", results[0])
        self.assertTrue(results[1].startswith("other.example;"))
        self.assertNotIn(b"dmarc=pass header.from=r.test", got)


if __name__ == "__main__":
    unittest.main()
