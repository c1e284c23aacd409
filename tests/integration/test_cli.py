"""The `heron` command line: config errors, administration commands, and the demo."""

import imaplib
import os
import poplib
import re
import shutil
import signal
import smtplib
import ssl
import subprocess
import tempfile
import time
import unittest

from harness import HERON_BIN, HeronTestCase, free_port


class ConfigErrorTest(HeronTestCase):
    def test_invalid_config_is_refused_with_position(self):
        h = self.heron(tls=False)
        h.write_config('hostname = "mx.example.test"\n[[listener]]\nrole = "mx"\nport = 70000\n')
        result = h.cli("serve", check=False)
        self.assertNotEqual(result.returncode, 0)
        err = result.stderr.decode()
        self.assertRegex(err, r"heron\.toml:4:\d+: listener\[0\]\.port: expected .*70000")

    def test_unknown_key_is_refused(self):
        h = self.heron(tls=False)
        h.write_config('hostname = "mx.example.test"\nlistner = 1\n')
        err = h.cli("domain", "list", check=False).stderr.decode()
        self.assertRegex(err, r"heron\.toml:2:1: .*listner")

    def test_missing_file(self):
        result = subprocess.run([HERON_BIN, "-c", "/nonexistent/heron.toml", "domain", "list"],
                                capture_output=True)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("/nonexistent/heron.toml", result.stderr.decode())


class AdminTest(HeronTestCase):
    def test_domains_users_aliases(self):
        h = self.heron(tls=False)
        h.add_domain("Example.TEST")
        self.assertEqual(h.cli("domain", "list").stdout, b"example.test\n")
        out = h.cli("user", "add", "alice@example.test").stdout.decode()
        self.assertRegex(out, r"password: \S{12,}")
        h.add_user("bob@example.test")
        self.assertEqual(h.cli("user", "list").stdout, b"alice@example.test\nbob@example.test\n")
        self.assertNotEqual(h.cli("user", "add", "x@unknown.test", "--password", "p",
                                  check=False).returncode, 0)
        self.assertNotEqual(h.cli("user", "add", "bob@example.test", "--password", "p",
                                  check=False).returncode, 0)
        h.add_alias("team@example.test", "alice@example.test", "bob@example.test")
        h.add_alias("@example.test", "alice@example.test")
        aliases = h.cli("alias", "list").stdout.decode()
        self.assertIn("team@example.test -> alice@example.test", aliases)
        self.assertIn("@example.test -> alice@example.test", aliases)
        h.cli("alias", "del", "team@example.test", "bob@example.test")
        self.assertNotIn("team@example.test -> bob", h.cli("alias", "list").stdout.decode())
        boxes = h.cli("mailbox", "list", "alice@example.test").stdout.decode()
        for name, special in (("INBOX", "-"), ("Sent", "\\Sent"), ("Drafts", "\\Drafts"),
                              ("Trash", "\\Trash"), ("Junk", "\\Junk"), ("Archive", "\\Archive")):
            self.assertRegex(boxes, rf"(?m)^{name}\s+{re.escape(special)}\s")
        # The domain cannot go while it has users.
        self.assertNotEqual(h.cli("domain", "del", "example.test", check=False).returncode, 0)
        h.cli("user", "del", "bob@example.test")
        self.assertEqual(h.cli("user", "list").stdout, b"alice@example.test\n")

    def test_password_is_hashed(self):
        h = self.heron(tls=False)
        h.add_domain("example.test")
        h.add_user("alice@example.test", "correct horse battery staple")
        db = open(os.path.join(h.dir, "data", "heron.db"), "rb").read()
        self.assertNotIn(b"correct horse battery staple", db)
        self.assertIn(b"$argon2id$", db)
        h.cli("user", "passwd", "alice@example.test", "--password-stdin", input=b"new one\n")

    def test_help(self):
        out = subprocess.run([HERON_BIN, "--help"], capture_output=True).stdout.decode()
        for sub in ("serve", "domain", "user", "alias", "mailbox", "message"):
            self.assertIn(sub, out)


class DemoTest(unittest.TestCase):
    def run_demo(self, workdir):
        proc = subprocess.Popen([HERON_BIN, "serve", "--demo"], cwd=workdir,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        output = b""
        deadline = time.time() + 20
        os.set_blocking(proc.stdout.fileno(), False)
        while time.time() < deadline and b"server.ready" not in output:
            chunk = proc.stdout.read()
            if chunk:
                output += chunk
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        return proc, output.decode(errors="replace")

    def stop(self, proc):
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)

    def test_demo_starts_and_reuses_data(self):
        workdir = tempfile.mkdtemp(prefix="heron-demo-")
        if free_port() is None or not all(_port_free(p) for p in (2525, 1143, 1993, 1100)):
            self.skipTest("a demo port (2525, 1143, 1993, 1100) is busy")
        try:
            proc, out = self.run_demo(workdir)
            try:
                self.assertIn("server.ready", out)
                match = re.search(r"user demo@example\.test password (\S+)", out)
                self.assertIsNotNone(match, out)
                self.assertIn("127.0.0.1:2525", out)
                self.assertIn("pop3 on 127.0.0.1:1100 (starttls)", out)
                with smtplib.SMTP("127.0.0.1", 2525, timeout=10) as s:
                    s.sendmail("someone@remote.test", ["demo@example.test"],
                               b"Subject: demo\r\n\r\nhi\r\n")
                # The printed password works over IMAP on the demo's loopback listener.
                m = imaplib.IMAP4("127.0.0.1", 1143, timeout=10)
                m.login("demo@example.test", match.group(1))
                typ, data = m.select("INBOX")
                self.assertEqual(data, [b"1"])
                m.logout()
                # The printed password works over POP3 after STLS.
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                p = poplib.POP3("127.0.0.1", 1100, timeout=10)
                p.stls(ctx)
                p.user("demo@example.test")
                p.pass_(match.group(1))
                _, lines, _ = p.retr(1)
                self.assertEqual(lines[-1], b"hi")
                p.quit()
            finally:
                self.stop(proc)
            proc, out = self.run_demo(workdir)
            try:
                self.assertIn("server.ready", out)
                self.assertNotRegex(out, r"password \S+  \(shown once")
            finally:
                self.stop(proc)
            config = os.path.join(workdir, "demo-data", "heron.toml")
            listing = subprocess.run([HERON_BIN, "-c", config, "message", "list",
                                      "demo@example.test"], capture_output=True).stdout.decode()
            self.assertIn("demo", listing)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def _port_free(port):
    import socket
    with socket.socket() as s:
        # As the server binds: connections of an earlier run in TIME_WAIT do not block it.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


if __name__ == "__main__":
    unittest.main()
