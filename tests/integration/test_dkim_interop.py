"""DKIM interop: Heron's DKIM library against independent implementations.

Drives tests/tools/dkim_tool.cpp (the test-only `heron_dkim_tool`, path in $HERON_DKIM_TOOL)
and Debian's python3-dkim (dkimpy 1.1.4) and opendkim-tools:
  - mail Heron signs (rsa-sha256 and ed25519-sha256, with keys Heron generates) verifies with
    dkimpy's dkim.verify, keys served from the same records through dnsfunc;
  - mail dkimpy signs (rsa and ed25519, all four header/body canonicalisations) verifies in Heron;
  - mail opendkim-testmsg signs is reported as rsa-sha1 fail (it signs only with rsa-sha1,
    which RFC 8301 forbids accepting), while dkimpy accepts that very signature.
  - mail Heron signs verifies with opendkim-testmsg, which reads keys only through the system
    resolver: it runs in a private mount namespace whose /etc/resolv.conf names a Knot server
    on 127.0.0.153:53 (root and unshare(1) needed; skipped otherwise).
No network: DNS answers come from in-memory tables, files, or Knot on loopback.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from dns_server import DnsServer, Zone

try:
    import dkim
except ImportError:  # a non-Debian python3 (pyenv) running ctest: use Debian's module
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import dkim
    except ImportError:
        dkim = None

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOOL = os.environ.get("HERON_DKIM_TOOL",
                      os.path.join(REPO, "build", "release", "tests", "heron_dkim_tool"))
DATA = os.path.join(REPO, "tests", "data", "shared", "dkim", "dkimpy-1.1.4", "data")
def private_mounts_work():
    """Whether this process may make a private mount namespace (root, CAP_SYS_ADMIN)."""
    unshare = shutil.which("unshare")
    if unshare is None or os.geteuid() != 0:
        return None
    probe = subprocess.run([unshare, "-m", "--propagation", "private", "true"],
                           capture_output=True)
    return unshare if probe.returncode == 0 else None


UNSHARE = private_mounts_work()
OPENDKIM_TESTMSG = shutil.which("opendkim-testmsg") or (
    "/usr/sbin/opendkim-testmsg" if os.path.exists("/usr/sbin/opendkim-testmsg") else None)


def read(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


def crlf(data):
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def tool(*args, stdin=b""):
    proc = subprocess.run([TOOL, *args], input=stdin, capture_output=True, timeout=60)
    if proc.returncode != 0:
        raise AssertionError("heron_dkim_tool %s failed: %s" % (args[0], proc.stderr.decode()))
    return proc.stdout


def dnsfunc_for(zone):
    def dnsfunc(name, timeout=5):
        key = name.decode("ascii").rstrip(".") if isinstance(name, bytes) else name.rstrip(".")
        value = zone.get(key)
        return value.encode() if value is not None else None
    return dnsfunc


MESSAGE = read("test.message")


@unittest.skipUnless(os.path.exists(TOOL), "heron_dkim_tool not built (HERON_DKIM_TOOL)")
class DkimInterop(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="heron-dkim-")
        cls.zone = {
            "test._domainkey.example.com": read("test.txt").decode().strip(),
            "test._domainkey.example.net": read("ed25519test.dns").decode().strip(),
        }
        # Keys Heron generates itself.
        for kind in ("rsa", "ed25519"):
            pem = os.path.join(cls.dir, kind + ".pem")
            txt = tool("keygen", kind, pem).decode().strip()
            cls.zone["heron-%s._domainkey.heron.example" % kind] = txt
        cls.dns_file = os.path.join(cls.dir, "dns.txt")
        with open(cls.dns_file, "w") as f:
            for name, value in cls.zone.items():
                f.write("%s %s\n" % (name, value))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def heron_sign(self, kind, message=MESSAGE):
        algo = "rsa-sha256" if kind == "rsa" else "ed25519-sha256"
        return tool("sign", os.path.join(self.dir, kind + ".pem"), "heron.example",
                    "heron-" + kind, algo, stdin=message)

    def heron_verify(self, message):
        return tool("verify", self.dns_file, stdin=message).decode().splitlines()

    # --- Heron signs, dkimpy verifies -----------------------------------------------------

    @unittest.skipIf(dkim is None, "python3-dkim not installed")
    def test_heron_signed_verifies_in_dkimpy(self):
        for kind in ("rsa", "ed25519"):
            with self.subTest(kind=kind):
                signed = self.heron_sign(kind)
                self.assertTrue(signed.startswith(b"DKIM-Signature: v=1; a="), signed[:80])
                self.assertTrue(dkim.verify(signed, dnsfunc=dnsfunc_for(self.zone)))
                # And Heron agrees with itself.
                self.assertEqual(len(self.heron_verify(signed)), 1)
                self.assertTrue(self.heron_verify(signed)[0].startswith("dkim=pass header.d=heron.example"))
                # A changed body must fail in dkimpy too, or this test proves nothing.
                tampered = signed.replace(b"Hello", b"Jello", 1) if b"Hello" in signed else signed + b"x\r\n"
                self.assertFalse(dkim.verify(tampered, dnsfunc=dnsfunc_for(self.zone)))

    @unittest.skipIf(dkim is None, "python3-dkim not installed")
    def test_heron_signed_extra_headers_verify_in_dkimpy(self):
        # Repeated Received fields and headers above From (dkimpy's test_extra.message), and
        # a message with folded headers from a real MUA (test2.message, Debian bug 711751).
        for name in ("test_extra.message", "test2.message", "rfc6376.msg"):
            for kind in ("rsa", "ed25519"):
                with self.subTest(message=name, kind=kind):
                    signed = self.heron_sign(kind, crlf(read(name)))
                    self.assertTrue(dkim.verify(signed, dnsfunc=dnsfunc_for(self.zone)))

    # --- dkimpy signs, Heron verifies -----------------------------------------------------

    @unittest.skipIf(dkim is None, "python3-dkim not installed")
    def test_dkimpy_signed_verifies_in_heron(self):
        keys = {
            "rsa": (b"example.com", read("test.private"), b"rsa-sha256"),
            "ed25519": (b"example.net", read("ed25519test.key"), b"ed25519-sha256"),
        }
        for kind, (domain, key, algo) in keys.items():
            for header in (b"simple", b"relaxed"):
                for body in (b"simple", b"relaxed"):
                    with self.subTest(kind=kind, c=header + b"/" + body):
                        message = crlf(MESSAGE)
                        sig = dkim.sign(message, b"test", domain, key, canonicalize=(header, body),
                                        signature_algorithm=algo)
                        results = self.heron_verify(sig + message)
                        self.assertEqual(len(results), 1)
                        self.assertTrue(results[0].startswith("dkim=pass header.d=" + domain.decode()),
                                        results[0])
                        self.assertIn("header.a=" + algo.decode(), results[0])
                        bad = self.heron_verify(sig + message.replace(b"\r\n\r\n", b"\r\n\r\nX", 1))
                        self.assertTrue(bad[0].startswith("dkim=fail (body hash mismatch)"), bad[0])

    @unittest.skipIf(dkim is None, "python3-dkim not installed")
    def test_dkimpy_body_length_signature_verifies_in_heron(self):
        message = crlf(MESSAGE)
        sig = dkim.sign(message, b"test", b"example.com", read("test.private"), length=True)
        self.assertIn(b"l=", sig)
        results = self.heron_verify(sig + message)
        self.assertTrue(results[0].startswith("dkim=pass"), results[0])
        # l= lets text be appended after the signed part without breaking the signature.
        results = self.heron_verify(sig + message + b"appended\r\n")
        self.assertTrue(results[0].startswith("dkim=pass"), results[0])

    # --- OpenDKIM -------------------------------------------------------------------------

    @unittest.skipIf(OPENDKIM_TESTMSG is None, "opendkim-tools not installed")
    def test_opendkim_rsa_sha1_signature_is_refused_by_heron(self):
        key = os.path.join(self.dir, "opendkim.private")
        with open(key, "wb") as f:
            f.write(read("test.private"))
        proc = subprocess.run([OPENDKIM_TESTMSG, "-C", "-d", "example.com", "-s", "test", "-k", key],
                              input=crlf(MESSAGE), capture_output=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertIn(b"DKIM-Signature:", proc.stdout)
        # opendkim-testmsg has no algorithm option and signs with rsa-sha1, which RFC 8301 3.1
        # forbids verifiers to accept: Heron must say fail for that reason, not pass, while
        # dkimpy (which still accepts rsa-sha1) shows the signature itself is good.
        self.assertIn(b"a=rsa-sha1", proc.stdout)
        results = self.heron_verify(proc.stdout)
        self.assertEqual(len(results), 1)
        self.assertTrue(results[0].startswith("dkim=fail (rsa-sha1 is not accepted) header.d=example.com"),
                        results[0])
        if dkim is not None:
            self.assertTrue(dkim.verify(proc.stdout, dnsfunc=dnsfunc_for(self.zone)))

    @unittest.skipIf(OPENDKIM_TESTMSG is None, "opendkim-tools not installed")
    @unittest.skipUnless(UNSHARE, "needs a private mount namespace (root, unshare -m)")
    def test_opendkim_verifies_heron_signed(self):
        # opendkim-testmsg looks keys up through the system resolver only. Give it one: Knot
        # serves the zone on 127.0.0.153:53, and the command runs in a private mount namespace
        # whose /etc/resolv.conf names that server (the machine's own file is untouched).
        zone = Zone("heron.example")
        for kind in ("rsa", "ed25519"):
            zone.txt(f"heron-{kind}._domainkey", self.zone[f"heron-{kind}._domainkey.heron.example"])
        resolv = os.path.join(self.dir, "resolv.conf")
        with open(resolv, "w") as f:
            f.write("nameserver 127.0.0.153\noptions attempts:1 timeout:2\n")
        with DnsServer([zone], address="127.0.0.153", port=53):
            def opendkim_verify(message):
                script = ('mount --bind "$1" /etc/resolv.conf && exec "$2"')
                return subprocess.run(
                    [UNSHARE, "-m", "--propagation", "private", "sh", "-c", script, "sh",
                     resolv, OPENDKIM_TESTMSG], input=message, capture_output=True, timeout=60)
            for kind in ("rsa", "ed25519"):
                with self.subTest(kind=kind):
                    signed = self.heron_sign(kind)
                    ok = opendkim_verify(signed.replace(b"\r\n", b"\n"))
                    self.assertEqual(ok.returncode, 0, ok.stderr)
                    self.assertEqual(ok.stdout + ok.stderr, b"")
                    # The message with its body changed must fail, or this proves nothing
                    # (with the zone gone it would be "Key retrieval failed", exit 70).
                    tampered = signed.replace(b"\r\n\r\n", b"\r\n\r\nchanged\r\n", 1)
                    bad = opendkim_verify(tampered.replace(b"\r\n", b"\n"))
                    self.assertNotEqual(bad.returncode, 0)
                    self.assertIn(b"bad signature", (bad.stdout + bad.stderr).lower())

if __name__ == "__main__":
    unittest.main()
