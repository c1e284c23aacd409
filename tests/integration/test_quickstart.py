"""`heron quickstart` on an empty directory, then the server it sets up: mail in over the MX,
out of the mailbox over IMAPS and POP3S, a message submitted and DKIM-signed, and (run as root,
as CI does) the drop to an unprivileged user with the data directory handed over to it."""

import imaplib
import os
import poplib
import pwd
import random
import re
import signal
import smtplib
import socket
import ssl
import time
import unittest

from harness import HeronTestCase, free_port

ROOT = os.geteuid() == 0
DOMAIN = "example.test"
HOSTNAME = "mail.example.test"


def port_offset():
    """An offset that puts 25, 465, 587, 143, 993 and 995 on free loopback ports."""
    while True:
        offset = random.randrange(20000, 40000)
        try:
            for base in (25, 465, 587, 143, 993, 995):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", base + offset))
            return offset
        except OSError:
            continue


def tls_client():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # quickstart's placeholder certificate is self-signed
    return context


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def ids(pid):
    """(real, effective, saved) uid and gid of a process, from /proc."""
    status = read(f"/proc/{pid}/status")
    uid = tuple(int(v) for v in re.search(r"^Uid:\s+(.*)$", status, re.M).group(1).split()[:3])
    gid = tuple(int(v) for v in re.search(r"^Gid:\s+(.*)$", status, re.M).group(1).split()[:3])
    return uid, gid


class QuickstartTest(HeronTestCase):
    def quickstart(self, *extra, user=None):
        h = self.heron(tls=False)
        os.chmod(h.dir, 0o755)  # the unprivileged user must reach its data directory
        os.remove(h.config_path)
        self.offset = port_offset()
        args = ["quickstart", "--domain", DOMAIN, "--hostname", HOSTNAME,
                "--data-dir", os.path.join(h.dir, "data"), "--listen", "127.0.0.1",
                "--port-offset", str(self.offset), *extra]
        if user is not None:
            args += ["--user", user]
        result = h.cli(*args)
        return h, result.stdout.decode()

    def use_dead_resolver(self, h):
        # No DNS off loopback: point the resolver at a loopback port nobody serves, so that the
        # SPF/DKIM/DMARC checks on the MX end in temperror at once instead of waiting.
        text = read(h.config_path)
        text = text.replace("forwarders = []", f'forwarders = ["127.0.0.1@{free_port()}"]', 1)
        with open(h.config_path, "w", encoding="utf-8") as f:
            f.write(text)

    def test_quickstart_then_mail_flows(self):
        user = "nobody" if ROOT else ""
        h, out = self.quickstart(user=user)
        password = re.search(r"admin\s+postmaster@example\.test\s+password (\S+)", out).group(1)
        # The DNS records to publish come with it.
        self.assertRegex(out, r"example\.test\.\s+3600 IN MX 10 mail\.example\.test\.")
        self.assertRegex(out, r'rsa1\._domainkey\.example\.test\.\s+3600 IN TXT \( "v=DKIM1; k=rsa;')
        self.assertRegex(out, r'ed1\._domainkey\.example\.test\.\s+3600 IN TXT "v=DKIM1; k=ed25519;')
        self.assertIn('"v=DMARC1; p=quarantine', out)
        config = read(h.config_path)
        for port in (25, 587, 465, 143, 993, 995):
            self.assertIn(f"port = {port + self.offset}\n", config)
        self.use_dead_resolver(h)
        h.start()

        data = os.path.join(h.dir, "data")
        if ROOT:
            nobody = pwd.getpwnam("nobody")
            uid, gid = ids(h.proc.pid)
            self.assertEqual(uid, (nobody.pw_uid,) * 3)
            self.assertEqual(gid, (nobody.pw_gid,) * 3)
            self.assertIn("server.privileges.dropped user=nobody", h.log_text())
            for name in ("heron.db", "queue.db", "queue", "blobs", "dkim"):
                self.assertEqual(os.stat(os.path.join(data, name)).st_uid, nobody.pw_uid, name)
            key = os.stat(os.path.join(os.path.dirname(h.config_path), "tls", "privkey.pem"))
            self.assertEqual((key.st_uid, key.st_gid, key.st_mode & 0o777),
                             (0, nobody.pw_gid, 0o640))

        # In from another server: abuse@ is an alias of the admin.
        with smtplib.SMTP("127.0.0.1", 25 + self.offset, timeout=30) as s:
            s.ehlo("peer.example.net")
            s.sendmail("someone@example.net", ["abuse@example.test"],
                       b"From: someone@example.net\r\nTo: abuse@example.test\r\n"
                       b"Subject: report\r\n\r\nspam came from you\r\n")
        # From the admin's own client on 465, to themselves: signed with the quickstart keys.
        with smtplib.SMTP_SSL("127.0.0.1", 465 + self.offset, context=tls_client(),
                              timeout=30) as s:
            s.login("postmaster@example.test", password)
            s.sendmail("postmaster@example.test", ["postmaster@example.test"],
                       b"From: postmaster@example.test\r\nTo: postmaster@example.test\r\n"
                       b"Subject: note to self\r\n\r\nhello\r\n")

        imap = imaplib.IMAP4_SSL("127.0.0.1", 993 + self.offset, ssl_context=tls_client())
        imap.login("postmaster@example.test", password)
        imap.select("INBOX")
        deadline = time.time() + 20
        while True:
            uids = imap.uid("SEARCH", "ALL")[1][0].split()
            if len(uids) == 2 or time.time() > deadline:
                break
            time.sleep(0.2)
            imap.noop()
        self.assertEqual(len(uids), 2)
        first = imap.uid("FETCH", uids[0], "(BODY.PEEK[])")[1][0][1]
        second = imap.uid("FETCH", uids[1], "(BODY.PEEK[])")[1][0][1]
        imap.logout()
        self.assertIn(b"spam came from you", first)
        self.assertIn(b"Authentication-Results: mail.example.test", first)
        self.assertRegex(second, rb"DKIM-Signature: [^\r]*d=example\.test")

        pop = poplib.POP3_SSL("127.0.0.1", 995 + self.offset, context=tls_client(), timeout=30)
        pop.user("postmaster@example.test")
        pop.pass_(password)
        self.assertEqual(pop.stat()[0], 2)
        pop.quit()

        if ROOT:
            # SIGHUP after the drop: the unprivileged server can still read its config and key.
            h.proc.send_signal(signal.SIGHUP)
            deadline = time.time() + 10
            while "config.reload" not in h.log_text() and time.time() < deadline:
                time.sleep(0.05)
            self.assertIn("config.reloaded", h.log_text())
            self.assertNotIn("config.reload.failed", h.log_text())
        h.stop()
        self.assertEqual(h.proc, None)

    def test_quickstart_never_overwrites(self):
        h, _ = self.quickstart(user="")
        config = os.path.join(h.dir, "heron.toml")
        before = read(config, "rb")
        keys = sorted(os.listdir(os.path.join(h.dir, "data", "dkim", DOMAIN)))
        # The same domain again: refused before anything is written.
        again = h.cli("quickstart", "--domain", DOMAIN, check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn(b"example.test is already set up", again.stderr)
        self.assertIn(b"never overwrites", again.stderr)
        self.assertEqual(read(config, "rb"), before)
        self.assertEqual(sorted(os.listdir(os.path.join(h.dir, "data", "dkim", DOMAIN))), keys)
        self.assertEqual(h.cli("user", "list").stdout, b"postmaster@example.test\n")
        # A host name other than the config's: the config is not edited, so refused.
        other = h.cli("quickstart", "--domain", "other.test", "--hostname", "mx.other.test",
                      check=False)
        self.assertEqual(other.returncode, 1)
        self.assertIn(b"names this server mail.example.test", other.stderr)
        self.assertEqual(h.cli("domain", "list").stdout, b"example.test\n")
        # No config, but a data directory in use: refused too.
        os.rename(config, config + ".old")
        fresh = h.cli("quickstart", "--domain", "other.test", "--hostname", "mx.other.test",
                      "--data-dir", os.path.join(h.dir, "data"), check=False)
        self.assertEqual(fresh.returncode, 1)
        self.assertIn(b"is not empty", fresh.stderr)
        self.assertFalse(os.path.exists(config))

    def test_quickstart_on_an_existing_config_adds_the_domain(self):
        # The package installs a config; quickstart then adds a domain, its admin and its keys
        # without touching the file.
        h, _ = self.quickstart(user="")
        config = os.path.join(h.dir, "heron.toml")
        before = read(config, "rb")
        out = h.cli("quickstart", "--domain", "second.test").stdout.decode()
        self.assertEqual(read(config, "rb"), before)
        self.assertIn("(kept as it was)", out)
        self.assertRegex(out, r"second\.test\.\s+3600 IN MX 10 mail\.example\.test\.")
        self.assertEqual(h.cli("domain", "list").stdout, b"example.test\nsecond.test\n")
        self.assertIn(b"postmaster@second.test", h.cli("user", "list").stdout)
        self.assertEqual(sorted(os.listdir(os.path.join(h.dir, "data", "dkim", "second.test"))),
                         ["ed1.pem", "rsa1.pem"])

    def test_bad_names_are_refused(self):
        h = self.heron(tls=False)
        os.remove(h.config_path)
        result = h.cli("quickstart", "--domain", "localhost", "--hostname", "mail.example.test",
                       "--data-dir", os.path.join(h.dir, "data"), check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn(b"--domain is not a domain name", result.stderr)
        self.assertFalse(os.path.exists(h.config_path))


@unittest.skipUnless(ROOT, "needs root to start as root")
class PrivilegesTest(HeronTestCase):
    def test_root_without_user_is_refused(self):
        h = self.heron(tls=False, sections={"server": {"run_as_root": False}})
        h.add_domain(DOMAIN)
        result = h.cli("serve", check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn(b"refusing to run as root", result.stderr)

    def test_unknown_user_is_refused(self):
        h = self.heron(tls=False, sections={"server": {"user": "no-such-user-heron"}})
        result = h.cli("serve", check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn(b"no such user: no-such-user-heron", result.stderr)

    def test_files_left_by_root_are_taken_over(self):
        # An admin ran the CLI as root while the server was down: the next start hands the
        # files over to the server's user, who can then write mail.
        h = self.heron(tls=False, sections={"server": {"user": "nobody"}})
        os.chmod(h.dir, 0o755)
        h.add_domain(DOMAIN)
        h.add_user("alice@example.test")
        self.assertEqual(os.stat(os.path.join(h.dir, "data", "heron.db")).st_uid, 0)
        h.start()
        with smtplib.SMTP("127.0.0.1", h.smtp_port, timeout=30) as s:
            s.sendmail("bob@example.net", ["alice@example.test"],
                       b"Subject: after the drop\r\n\r\nbody\r\n")
        h.stop()
        self.assertEqual(len(h.uids("alice@example.test")), 1)
        nobody = pwd.getpwnam("nobody").pw_uid
        for root, dirs, files in os.walk(os.path.join(h.dir, "data")):
            for name in dirs + files:
                path = os.path.join(root, name)
                if not name.endswith(("-wal", "-shm")):  # the CLI above may recreate these
                    self.assertEqual(os.lstat(path).st_uid, nobody, path)


if __name__ == "__main__":
    unittest.main()
