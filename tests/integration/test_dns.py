"""The DNS layer through the real binary: `heron dns lookup` against a real Knot DNS server.

One Knot instance (dns_server.py) serves the zones below on a free 127.0.0.1 port for the
whole class; Heron's [dns] forwards to it. Each test runs `heron dns lookup TYPE NAME` and
reads its "status:", "secure:", "ttl:", "error:" lines and records.
"""

import os
import subprocess
import tempfile
import time
import unittest

from dns_server import DnsServer, Zone, free_udp_tcp_port, reverse_zone
from harness import HERON_BIN, toml_value

LONG_TXT = "v=DKIM1; k=rsa; p=" + "A" * 400  # longer than one 255-octet string


def a_test_zone():
    z = Zone("a.test")
    z.add("@", "MX", "10 mx1")
    z.add("@", "MX", "20 mx2.a.test.")
    z.add("mx1", "A", "127.0.0.2")
    z.add("mx2", "A", "127.0.0.3")
    z.add("mx2", "AAAA", "::1")
    z.txt("@", "v=spf1 ", "ip4:127.0.0.2 ", "-all")  # three character-strings
    z.txt("sel._domainkey", LONG_TXT)
    z.txt("_dmarc", "v=DMARC1; p=reject")
    z.add("www", "CNAME", "mx1")
    z.add("_25._tcp.mx1", "TLSA", "3 1 1 0a0b0c0d")
    z.txt("odd", b'say "hi"\\\x01')
    return z


def parse_output(text):
    out = {"records": []}
    for line in text.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key in ("status", "secure", "ttl", "error", "bogus", "query"):
            out[key] = value
        elif line:
            out["records"].append(line)
    return out


class DnsLookupTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="heron-dns-test-")
        cls.dns = DnsServer([
            a_test_zone(),
            Zone("null.test").add("@", "MX", "0 ."),  # RFC 7505
            Zone("s.test", signed=True).add("@", "A", "127.0.0.9").txt("@", "signed"),
            reverse_zone({"127.0.0.2": "mx1.a.test.", "127.0.0.3": "mx2.a.test."}),
        ], broken=["broken.test"])
        cls.dns.start()
        cls.config = cls.write_config("heron.toml", cls.dns.heron_config())

    @classmethod
    def tearDownClass(cls):
        cls.dns.cleanup()

    @classmethod
    def write_config(cls, name, dns):
        path = os.path.join(cls.dir, name)
        with open(path, "w") as f:
            f.write("[dns]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in dns.items()))
        return path

    def lookup(self, rtype, name, config=None, expect_rc=None):
        result = subprocess.run([HERON_BIN, "-c", config or self.config, "dns", "lookup", rtype,
                                 name], capture_output=True, text=True, timeout=60)
        out = parse_output(result.stdout)
        out["rc"] = result.returncode
        out["stderr"] = result.stderr
        if expect_rc is not None:
            self.assertEqual(result.returncode, expect_rc, result.stdout + result.stderr)
        return out

    # -- every type -------------------------------------------------------------------------

    def test_mx(self):
        r = self.lookup("MX", "a.test", expect_rc=0)
        self.assertEqual(r["status"], "ok")
        self.assertEqual(r["secure"], "no")
        self.assertEqual(r["ttl"], "300")
        self.assertEqual(sorted(r["records"]), ["10 mx1.a.test", "20 mx2.a.test"])

    def test_name_is_case_insensitive_and_may_end_in_a_dot(self):
        r = self.lookup("mx", "A.TEST.", expect_rc=0)
        self.assertEqual(sorted(r["records"]), ["10 mx1.a.test", "20 mx2.a.test"])

    def test_null_mx(self):
        r = self.lookup("MX", "null.test", expect_rc=0)
        self.assertEqual(r["records"], ["0 ."])

    def test_a_and_aaaa(self):
        self.assertEqual(self.lookup("A", "mx1.a.test", expect_rc=0)["records"], ["127.0.0.2"])
        self.assertEqual(self.lookup("AAAA", "mx2.a.test", expect_rc=0)["records"], ["::1"])

    def test_txt_strings_are_concatenated(self):
        r = self.lookup("TXT", "a.test", expect_rc=0)
        self.assertEqual(r["records"], ['"v=spf1 ip4:127.0.0.2 -all"'])
        r = self.lookup("TXT", "sel._domainkey.a.test", expect_rc=0)
        self.assertEqual(r["records"], ['"' + LONG_TXT + '"'])
        r = self.lookup("TXT", "_dmarc.a.test", expect_rc=0)
        self.assertEqual(r["records"], ['"v=DMARC1; p=reject"'])

    def test_txt_output_escapes_quotes_and_control_bytes(self):
        r = self.lookup("TXT", "odd.a.test", expect_rc=0)
        self.assertEqual(r["records"], ['"say \\"hi\\"\\\\\\001"'])

    def test_cname(self):
        self.assertEqual(self.lookup("CNAME", "www.a.test", expect_rc=0)["records"], ["mx1.a.test"])
        # An address lookup follows the alias.
        self.assertEqual(self.lookup("A", "www.a.test", expect_rc=0)["records"], ["127.0.0.2"])
        # CNAME at a name without one: no data, no chasing.
        self.assertEqual(self.lookup("CNAME", "mx1.a.test", expect_rc=1)["status"], "nodata")

    def test_ptr(self):
        self.assertEqual(self.lookup("PTR", "127.0.0.2", expect_rc=0)["records"], ["mx1.a.test"])
        self.assertEqual(self.lookup("PTR", "127.0.0.3", expect_rc=0)["records"], ["mx2.a.test"])
        self.assertEqual(self.lookup("PTR", "127.0.0.99", expect_rc=1)["status"], "nxdomain")
        r = self.lookup("PTR", "not-an-ip", expect_rc=1)
        self.assertEqual(r["status"], "perm_fail")

    def test_tlsa(self):
        r = self.lookup("TLSA", "_25._tcp.mx1.a.test", expect_rc=0)
        self.assertEqual(r["records"], ["3 1 1 0a0b0c0d"])

    # -- negative answers and failures -----------------------------------------------------

    def test_nxdomain_and_nodata_are_final_with_the_negative_ttl(self):
        r = self.lookup("MX", "nope.a.test", expect_rc=1)
        self.assertEqual((r["status"], r["ttl"], r["records"]), ("nxdomain", "60", []))
        r = self.lookup("AAAA", "mx1.a.test", expect_rc=1)
        self.assertEqual((r["status"], r["ttl"], r["records"]), ("nodata", "60", []))
        r = self.lookup("MX", "mx1.a.test", expect_rc=1)
        self.assertEqual(r["status"], "nodata")

    def test_servfail_is_temporary(self):
        # A zone the server has but cannot load: it answers SERVFAIL.
        r = self.lookup("MX", "broken.test", expect_rc=1)
        self.assertEqual(r["status"], "temp_fail")
        self.assertEqual(r["error"], "SERVFAIL")
        # A zone the server refuses (not its own): libunbound turns REFUSED into SERVFAIL.
        self.assertEqual(self.lookup("MX", "elsewhere.test", expect_rc=1)["status"], "temp_fail")

    def test_nothing_listening_times_out_as_temporary(self):
        dead = self.write_config("dead.toml", {"forwarders": [f"127.0.0.1@{free_udp_tcp_port()}"],
                                               "dnssec": False, "timeout": "2s"})
        start = time.time()
        r = self.lookup("MX", "a.test", config=dead, expect_rc=1)
        took = time.time() - start
        self.assertEqual(r["status"], "temp_fail")
        self.assertEqual(r["error"], "timed out")
        self.assertGreaterEqual(took, 1.9)
        self.assertLess(took, 15)

    def test_malformed_names_are_refused_before_sending(self):
        for name in ("a..test", "x" * 64 + ".test", ("a" * 60 + ".") * 5 + "test"):
            r = self.lookup("A", name, expect_rc=1)
            self.assertEqual((r["status"], r["error"]), ("perm_fail", "malformed name"), name)

    # -- cache ------------------------------------------------------------------------------

    def test_repeated_lookup_is_answered_from_the_cache(self):
        """One resolver (--batch), the DNS server stopped between two lookups of one name."""
        server = DnsServer([a_test_zone()])
        server.start()
        config = self.write_config("cache.toml", server.heron_config(timeout="2s"))
        proc = subprocess.Popen([HERON_BIN, "-c", config, "dns", "lookup", "--batch"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            def ask(line):
                proc.stdin.write(line + "\n")
                proc.stdin.flush()
                lines = []
                while True:
                    text = proc.stdout.readline()
                    self.assertTrue(text, "heron dns lookup --batch ended early")
                    if text == "\n":
                        return parse_output("".join(lines))
                    lines.append(text)

            first = ask("MX a.test")
            self.assertEqual(first["status"], "ok")
            server.stop()
            again = ask("MX a.test")
            self.assertEqual(again["query"], "MX a.test")
            self.assertEqual(again["status"], "ok")
            self.assertEqual(sorted(again["records"]), ["10 mx1.a.test", "20 mx2.a.test"])
            self.assertLessEqual(int(again["ttl"]), 300)
            # A name never asked is not in the cache: with the server gone it fails.
            self.assertEqual(ask("TXT a.test")["status"], "temp_fail")
            proc.stdin.close()
            self.assertEqual(proc.wait(timeout=30), 1)  # not every status was ok
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            server.cleanup()

    # -- DNSSEC -----------------------------------------------------------------------------

    def test_dnssec_secure_status_is_passed_up(self):
        anchor = os.path.join(self.dir, "anchor.key")
        with open(anchor, "w") as f:
            f.write(self.dns.trust_anchor("s.test"))
        config = self.write_config("dnssec.toml", {"forwarders": [self.dns.forwarder],
                                                   "dnssec": True, "trust_anchor_file": anchor,
                                                   "timeout": "5s"})
        r = self.lookup("A", "s.test", config=config, expect_rc=0)
        self.assertEqual((r["secure"], r["records"]), ("yes", ["127.0.0.9"]))
        # Authenticated denial is secure too.
        r = self.lookup("MX", "s.test", config=config, expect_rc=1)
        self.assertEqual((r["status"], r["secure"]), ("nodata", "yes"))
        r = self.lookup("A", "nope.s.test", config=config, expect_rc=1)
        self.assertEqual((r["status"], r["secure"]), ("nxdomain", "yes"))
        # A zone outside the anchor: an answer, insecure.
        r = self.lookup("A", "mx1.a.test", config=config, expect_rc=0)
        self.assertEqual(r["secure"], "no")
        # Without validation the same signed answer is not called secure.
        self.assertEqual(self.lookup("A", "s.test", expect_rc=0)["secure"], "no")

    def test_dnssec_bogus_is_temporary(self):
        # A trust anchor that matches no key: every answer from s.test fails validation.
        wrong = self.dns.trust_anchor("s.test").splitlines()[0].rsplit(" ", 1)[0] + " " + "00" * 32
        anchor = os.path.join(self.dir, "wrong.key")
        with open(anchor, "w") as f:
            f.write(wrong + "\n")
        config = self.write_config("bogus.toml", {"forwarders": [self.dns.forwarder],
                                                  "dnssec": True, "trust_anchor_file": anchor,
                                                  "timeout": "5s"})
        r = self.lookup("A", "s.test", config=config, expect_rc=1)
        self.assertEqual((r["status"], r["secure"], r.get("bogus")), ("temp_fail", "no", "yes"))
        self.assertIn("DNSSEC validation failed", r["error"])
        self.assertEqual(r["records"], [])

    # -- the command itself -----------------------------------------------------------------

    def test_bad_config_and_usage(self):
        bad = os.path.join(self.dir, "bad.toml")
        with open(bad, "w") as f:
            f.write('[dns]\nforwarders = ["ns1.example.com"]\n')
        r = self.lookup("MX", "a.test", config=bad, expect_rc=2)
        self.assertRegex(r["stderr"], r"bad\.toml:2:15: dns\.forwarders\[0\]: expected an IP")
        r = self.lookup("SOA", "a.test", expect_rc=2)
        self.assertIn("unknown record type SOA", r["stderr"])
        missing_anchor = self.write_config("noanchor.toml", {"dnssec": True,
                                                             "trust_anchor_file": "/nonexistent"})
        r = self.lookup("A", "a.test", config=missing_anchor, expect_rc=2)
        self.assertIn("/nonexistent", r["stderr"])
        help_text = subprocess.run([HERON_BIN, "dns", "lookup", "--help"], capture_output=True,
                                   text=True, timeout=30).stdout
        self.assertIn("A, AAAA, CNAME, MX, PTR, TLSA or TXT", help_text)


if __name__ == "__main__":
    unittest.main()
