"""Real IMAP clients against Heron: mbsync (isync) syncing a Maildir both ways, twice to show
it stays stable, and fetchmail collecting mail that arrived over SMTP. Each test checks the
messages on both sides, byte for byte where the client keeps them unchanged."""

import imaplib
import os
import shutil
import smtplib
import subprocess
import tempfile
import unittest

from harness import HeronTestCase

USER = "ann@example.test"
PASSWORD = "ann-password-1"


def message(n, subject=None):
    return (f"From: sender{n}@remote.test\r\nTo: {USER}\r\n"
            f"Subject: {subject or f'message {n}'}\r\nMessage-ID: <m{n}@remote.test>\r\n\r\n"
            f"body number {n}\r\n").encode()


def lf(data):
    """mbsync keeps Maildir files with LF line ends; the IMAP side has CRLF."""
    return data.replace(b"\r\n", b"\n")


def is_message(data, n):
    """mbsync adds an X-TUID header field and changes line ends, so messages are recognised by
    their Message-ID and body rather than compared byte for byte."""
    return f"<m{n}@remote.test>".encode() in data and lf(data).endswith(f"body number {n}\n".encode())


def maildir_files(root, folder):
    out = {}
    for sub in ("cur", "new"):
        d = os.path.join(root, folder, sub)
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            with open(os.path.join(d, name), "rb") as f:
                out[name] = f.read()
    return out


@unittest.skipUnless(shutil.which("mbsync"), "mbsync (Debian isync) is not installed")
class TestMbsync(HeronTestCase):
    def setUp(self):
        super().setUp()
        self.h = self.heron(imap=True)
        self.h.add_domain("example.test")
        self.h.add_user(USER, PASSWORD)
        self.h.start()
        self.dir = tempfile.mkdtemp(prefix="heron-mbsync-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.maildir = os.path.join(self.dir, "mail") + "/"
        os.makedirs(self.maildir)
        self.rc = os.path.join(self.dir, "mbsyncrc")
        with open(self.rc, "w") as f:
            f.write(f"""IMAPAccount heron
Host localhost
Port {self.h.imap_port}
User {USER}
Pass {PASSWORD}
SSLType STARTTLS
CertificateFile {self.h.cert}
Timeout 20

IMAPStore heron-far
Account heron

MaildirStore near
Path {self.maildir}
Inbox {self.maildir}INBOX
SubFolders Verbatim

Channel sync
Far :heron-far:
Near :near:
Patterns *
Create Both
Remove None
Expunge Both
Sync All
SyncState *
""")

    def mbsync(self):
        r = subprocess.run(["mbsync", "-c", self.rc, "-a"], capture_output=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace") + self.h.log_tail())
        return r

    def imap(self):
        m = imaplib.IMAP4("127.0.0.1", self.h.imap_port, timeout=10)
        m.login(USER, PASSWORD)
        self.addCleanup(self._logout, m)
        return m

    @staticmethod
    def _logout(m):
        # Cleanups run after tearDown has stopped the server.
        try:
            m.logout()
        except (imaplib.IMAP4.error, OSError):
            pass

    def test_sync_both_ways_and_stay_stable(self):
        with smtplib.SMTP("127.0.0.1", self.h.smtp_port, timeout=10) as s:
            for n in range(1, 4):
                s.sendmail("bob@remote.test", [USER], message(n))
        self.mbsync()
        inbox = maildir_files(self.maildir, "INBOX")
        self.assertEqual(len(inbox), 3)
        for n in range(1, 4):
            self.assertTrue(any(is_message(body, n) for body in inbox.values()), n)
        for folder in ("Sent", "Drafts", "Trash", "Junk", "Archive"):
            self.assertTrue(os.path.isdir(os.path.join(self.maildir, folder, "cur")), folder)

        # Near side: mark message 1 seen, delete message 2, file a new message in Archive.
        cur = os.path.join(self.maildir, "INBOX", "cur")
        new = os.path.join(self.maildir, "INBOX", "new")
        for d in (cur, new):
            for name in os.listdir(d):
                body = open(os.path.join(d, name), "rb").read()
                base = name.split(":2,")[0]
                flags = name.split(":2,")[1] if ":2," in name else ""
                if is_message(body, 1):
                    os.rename(os.path.join(d, name), os.path.join(cur, base + ":2," + flags + "S"))
                elif is_message(body, 2):
                    os.remove(os.path.join(d, name))
        with open(os.path.join(self.maildir, "Archive", "new", "100.local.near"), "wb") as f:
            f.write(lf(message(9, "filed locally")))
        self.mbsync()

        m = self.imap()
        m.select("INBOX")
        typ, data = m.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        ids = [part[1] for part in data if isinstance(part, tuple)]
        flags = [part[0] for part in data if isinstance(part, tuple)]
        self.assertEqual(len(ids), 2)
        self.assertIn(b"<m1@remote.test>", ids[0])
        self.assertIn(b"\\Seen", flags[0])
        self.assertIn(b"<m3@remote.test>", ids[1])
        m.select("Archive")
        typ, data = m.fetch("1", "(BODY.PEEK[])")
        self.assertTrue(is_message(data[0][1], 9), data)
        self.assertIn(b"Subject: filed locally\r\n", data[0][1])

        # Far side: move message 3 to Archive and flag message 1, then sync again.
        m.select("INBOX")
        m.uid("MOVE", "3", "Archive")
        m.store("1", "+FLAGS", "(\\Flagged)")
        m.close()
        self.mbsync()
        inbox = maildir_files(self.maildir, "INBOX")
        self.assertEqual(len(inbox), 1)
        (name, body), = inbox.items()
        self.assertTrue(is_message(body, 1))
        self.assertIn("F", name.split(":2,")[1])
        archive = maildir_files(self.maildir, "Archive")
        self.assertEqual(len(archive), 2)

        # A sync with nothing to do changes nothing on either side.
        before_near = {f: sorted(maildir_files(self.maildir, f)) for f in ("INBOX", "Archive")}
        before_far = self.h.cli("message", "list", USER, "Archive").stdout
        self.mbsync()
        self.mbsync()
        after_near = {f: sorted(maildir_files(self.maildir, f)) for f in ("INBOX", "Archive")}
        self.assertEqual(before_near, after_near)
        self.assertEqual(self.h.cli("message", "list", USER, "Archive").stdout, before_far)


@unittest.skipUnless(shutil.which("fetchmail"), "fetchmail is not installed")
class TestFetchmailImap(HeronTestCase):
    def test_fetchmail_collects_and_deletes(self):
        h = self.heron(imap=True)
        h.add_domain("example.test")
        h.add_user(USER, PASSWORD)
        h.start()
        with smtplib.SMTP("127.0.0.1", h.smtp_port, timeout=10) as s:
            for n in range(1, 4):
                s.sendmail("bob@remote.test", [USER], message(n))
        d = tempfile.mkdtemp(prefix="heron-fetchmail-")
        self.addCleanup(shutil.rmtree, d, True)
        out = os.path.join(d, "collected")
        rc = os.path.join(d, "fetchmailrc")
        with open(rc, "w") as f:
            f.write(f'poll 127.0.0.1 service {h.imap_port} protocol IMAP\n'
                    f'  user "{USER}" password "{PASSWORD}"\n'
                    f'  sslproto "tls1.2+" no sslcertck\n'
                    f'  mda "/bin/sh -c \'cat >> {out}; echo ===END=== >> {out}\'"\n')
        os.chmod(rc, 0o600)
        env = dict(os.environ, HOME=d, FETCHMAILHOME=d)
        r = subprocess.run(["fetchmail", "-f", rc, "--nodetach", "--nosyslog", "-v"],
                           capture_output=True, timeout=120, env=env)
        self.assertEqual(r.returncode, 0, r.stdout.decode(errors="replace") +
                         r.stderr.decode(errors="replace"))
        with open(out, "rb") as f:
            collected = f.read()
        for n in range(1, 4):
            self.assertIn(f"body number {n}".encode(), collected)
        self.assertEqual(collected.count(b"===END==="), 3)
        # fetchmail deleted what it fetched (STORE \Deleted + EXPUNGE).
        self.assertEqual(h.uids(USER), [])


if __name__ == "__main__":
    unittest.main()
