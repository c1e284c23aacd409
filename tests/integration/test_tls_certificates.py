"""TLS certificates: per domain by SNI ([[tls.domain]]), TLS 1.2 as the floor, and reload on
SIGHUP without dropping sessions, on the real binary (tls/certificates.hpp, docs/config.md).

The certificate a server presents is compared in DER form with the file it should come from.
"""

import os
import signal
import socket
import ssl
import subprocess
import time
import unittest

from harness import HeronTestCase, RawSmtp, toml_value


def make_cert(directory, name, cn):
    cert = os.path.join(directory, name + ".pem")
    key = os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days",
                    "30", "-subj", "/CN=" + cn], check=True, capture_output=True)
    return cert, key


def der(cert_file):
    with open(cert_file) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


def context(minimum=None, maximum=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if minimum is not None:
        ctx.minimum_version = minimum
    if maximum is not None:
        ctx.maximum_version = maximum
    return ctx


class TlsCertificatesTest(HeronTestCase):
    def setUp(self):
        super().setUp()
        self.h = self.heron(submission=True)
        self.other = make_cert(self.h.dir, "other", "other.test")
        self.wild = make_cert(self.h.dir, "wild", "*.wild.test")
        with open(self.h.config_path, "a") as f:
            for name, (cert, key) in (("other.test", self.other), ("*.wild.test", self.wild)):
                f.write(f"\n[[tls.domain]]\nname = {toml_value(name)}\n"
                        f"cert_file = {toml_value(cert)}\nkey_file = {toml_value(key)}\n")
        self.h.add_domain("example.test")
        self.h.start()

    def presented(self, server_name, port=None):
        port = port or self.h.submissions_port
        with socket.create_connection((self.h.address, port), timeout=10) as raw:
            with context().wrap_socket(raw, server_hostname=server_name) as s:
                return s.getpeercert(binary_form=True)

    def test_certificate_by_sni(self):
        self.assertEqual(self.presented("other.test"), der(self.other[0]))
        self.assertEqual(self.presented("OTHER.test"), der(self.other[0]))
        self.assertEqual(self.presented("mail.wild.test"), der(self.wild[0]))
        self.assertEqual(self.presented("a.b.wild.test"), der(self.h.cert))  # one label only
        self.assertEqual(self.presented("mx.example.test"), der(self.h.cert))
        self.assertEqual(self.presented(None), der(self.h.cert))  # no SNI: the default

    def test_tls_1_1_refused_1_2_accepted(self):
        with socket.create_connection((self.h.address, self.h.submissions_port), timeout=10) as raw:
            ctx = context(maximum=ssl.TLSVersion.TLSv1_2)
            with ctx.wrap_socket(raw) as s:
                self.assertEqual(s.version(), "TLSv1.2")
        # openssl s_client at security level 0 really offers TLS 1.1 (Python's client would
        # refuse to before sending anything); the server must answer with a protocol alert.
        r = subprocess.run(["openssl", "s_client", "-connect",
                            f"{self.h.address}:{self.h.submissions_port}", "-tls1_1",
                            "-cipher", "DEFAULT@SECLEVEL=0"],
                           input=b"", capture_output=True, timeout=20)
        out = (r.stdout + r.stderr).decode(errors="replace")
        self.assertIn("alert protocol version", out)
        deadline = time.time() + 5
        while "unsupported protocol" not in self.h.log_text() and time.time() < deadline:
            time.sleep(0.05)
        self.assertRegex(self.h.log_text(), r"smtp\.tls\.failed .*unsupported protocol")

    def test_sighup_reloads_without_dropping_sessions(self):
        # A session in TLS before the reload.
        s = RawSmtp(self.h.address, self.h.smtp_port)
        self.addCleanup(s.close)
        s.reply()
        s.cmd("EHLO client.test")
        self.assertEqual(s.cmd("STARTTLS")[0], 220)
        s.sock = context().wrap_socket(s.sock, server_hostname="mx.example.test")
        self.assertEqual(s.cmd("EHLO client.test")[0], 250)
        old = der(self.h.cert)

        # New files in place of the default pair, then SIGHUP.
        renewed_cert, renewed_key = make_cert(self.h.dir, "renewed", "mx.example.test")
        os.replace(renewed_key, self.h.key)
        os.replace(renewed_cert, self.h.cert)
        self.assertNotEqual(der(self.h.cert), old)
        before = self.h.log_text().count("tls.reloaded")
        self.h.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 10
        while self.h.log_text().count("tls.reloaded") == before and time.time() < deadline:
            time.sleep(0.05)
        self.assertGreater(self.h.log_text().count("tls.reloaded"), before, self.h.log_tail())

        self.assertEqual(s.cmd("NOOP")[0], 250)  # the old session carries on
        self.assertEqual(self.presented("mx.example.test"), der(self.h.cert))
        self.assertEqual(self.presented(None), der(self.h.cert))
        self.assertEqual(self.presented("other.test"), der(self.other[0]))
        self.assertEqual(s.cmd("QUIT")[0], 221)

    def test_failed_reload_keeps_the_old_certificates(self):
        with open(self.h.key, "w") as f:
            f.write("not a key\n")
        self.h.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 10
        while "tls.reload.failed" not in self.h.log_text() and time.time() < deadline:
            time.sleep(0.05)
        self.assertIn("tls.reload.failed", self.h.log_text())
        self.assertEqual(self.presented("mx.example.test"), der(self.h.cert))
        self.assertIsNone(self.h.proc.poll())


class ListenerCertificateTest(HeronTestCase):
    def test_listener_with_its_own_certificate(self):
        h = self.heron(submission=True)
        own = make_cert(h.dir, "own", "submit.example.test")
        for listener in h.extra_listeners:
            if listener["name"] == "submissions":
                listener["cert_file"], listener["key_file"] = own
        h.write_config()
        h.start()
        with socket.create_connection((h.address, h.submissions_port), timeout=10) as raw:
            with context().wrap_socket(raw, server_hostname="mx.example.test") as tls:
                self.assertEqual(tls.getpeercert(binary_form=True), der(own[0]))
        # STARTTLS on the MX still presents the default certificate.
        s = RawSmtp(h.address, h.smtp_port)
        self.addCleanup(s.close)
        s.reply()
        s.cmd("EHLO client.test")
        s.cmd("STARTTLS")
        s.sock = context().wrap_socket(s.sock, server_hostname="mx.example.test")
        self.assertEqual(s.sock.getpeercert(binary_form=True), der(h.cert))


if __name__ == "__main__":
    unittest.main()
