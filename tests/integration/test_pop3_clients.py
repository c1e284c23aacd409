"""POP3 with the clients users run, from Debian's packages: fetchmail and getmail6.

Mail is delivered over SMTP (smtplib to the MX listener), collected by the client over POP3
(STLS or implicit TLS), and what the client delivered locally is compared with the store's
bytes. Both clients hand messages on with LF line ends (local convention), so the comparison
is on the bytes with CRLF turned into LF; nothing else may differ.
"""

import os
import shutil
import smtplib
import stat
import subprocess
import unittest

from harness import HeronTestCase

USER = "alice@example.test"
PASSWORD = "alice-password"
FETCHMAIL = shutil.which("fetchmail")
GETMAIL = shutil.which("getmail")


def message(n):
    return (b"From: Sender <sender@remote.test>\r\n"
            b"To: Alice <alice@example.test>\r\n"
            b"Subject: client test " + str(n).encode() + b"\r\n"
            b"Message-ID: <c" + str(n).encode() + b"@remote.test>\r\n"
            b"\r\n"
            b"Line one of " + str(n).encode() + b".\r\n"
            b".A line that starts with a dot\r\n"
            b"\r\n"
            b"Last line.\r\n")


def lf(data):
    return data.replace(b"\r\n", b"\n")


class Pop3ClientsTest(HeronTestCase):
    def setUp(self):
        super().setUp()
        self.h = self.heron(pop3=True)
        self.h.add_domain("example.test")
        self.h.add_user(USER, PASSWORD)
        self.h.start()
        self.work = os.path.join(self.h.dir, "client")
        os.makedirs(self.work)

    def deliver(self, *numbers):
        with smtplib.SMTP(self.h.address, self.h.smtp_port, timeout=10) as s:
            for n in numbers:
                self.assertEqual(s.sendmail("sender@remote.test", [USER], message(n)), {})

    def stored(self):
        return sorted(lf(m) for m in self.h.messages(USER))

    # -- fetchmail ---------------------------------------------------------------------------

    def fetchmail(self, keep, implicit_tls):
        out = os.path.join(self.work, "fetched")
        os.makedirs(out, exist_ok=True)
        mda = os.path.join(self.work, "mda.sh")
        with open(mda, "w") as f:
            f.write(f'#!/bin/sh\nexec cat > "{out}/$(date +%s%N)-$$.eml"\n')
        os.chmod(mda, 0o755)
        rc = os.path.join(self.work, "fetchmailrc")
        port = self.h.pop3s_port if implicit_tls else self.h.pop3_port
        tls = "ssl" if implicit_tls else "sslproto TLS1.2+"
        with open(rc, "w") as f:
            f.write(f'set idfile "{self.work}/fetchids"\n'
                    "set no bouncemail\n"
                    "set invisible\n"
                    f"poll {self.h.address} protocol pop3 port {port} uidl\n"
                    f'  user "{USER}" there with password "{PASSWORD}" is "nobody" here\n'
                    f"  {tls} no sslcertck\n"
                    f"  {'keep' if keep else 'no keep'} no rewrite\n"
                    f'  mda "{mda}"\n')
        os.chmod(rc, stat.S_IRUSR | stat.S_IWUSR)
        env = dict(os.environ, HOME=self.work)
        result = subprocess.run([FETCHMAIL, "-f", rc, "--nodetach", "-v"], capture_output=True,
                                env=env, timeout=120)
        # 0: mail retrieved, 1: no mail.
        self.assertIn(result.returncode, (0, 1), result.stdout.decode(errors="replace") +
                      result.stderr.decode(errors="replace"))
        return result

    def fetched_files(self):
        out = os.path.join(self.work, "fetched")
        names = sorted(os.listdir(out)) if os.path.isdir(out) else []
        data = []
        for name in names:
            with open(os.path.join(out, name), "rb") as f:
                data.append(f.read())
        return data

    @unittest.skipUnless(FETCHMAIL, "fetchmail is not installed (tools/install-deps.sh)")
    def test_fetchmail_stls_uidl_then_delete(self):
        self.deliver(1, 2)
        stored = self.stored()
        # keep + uidl: fetches both, leaves them on the server, remembers their UIDLs.
        self.fetchmail(keep=True, implicit_tls=False)
        self.assertEqual(sorted(self.fetched_files()), stored)
        self.assertEqual(len(self.h.uids(USER)), 2)
        # A new message: only it is fetched the second time (the UIDLs did not change).
        self.deliver(3)
        stored = self.stored()
        self.fetchmail(keep=True, implicit_tls=False)
        files = self.fetched_files()
        self.assertEqual(len(files), 3)
        self.assertEqual(sorted(files), stored)
        # Implicit TLS, no keep: everything is fetched again (fetchall is off, but the uidl
        # list only skips seen ones, so nothing new) and then deleted from the server.
        shutil.rmtree(os.path.join(self.work, "fetched"))
        os.remove(os.path.join(self.work, "fetchids"))
        self.fetchmail(keep=False, implicit_tls=True)
        self.assertEqual(sorted(self.fetched_files()), stored)
        self.assertEqual(self.h.uids(USER), [])

    # -- getmail6 ----------------------------------------------------------------------------

    @unittest.skipUnless(GETMAIL, "getmail6 is not installed (tools/install-deps.sh)")
    def test_getmail_implicit_tls_delete(self):
        self.deliver(1, 2, 3)
        stored = self.stored()
        out = os.path.join(self.work, "fetched")
        os.makedirs(out)
        mda = os.path.join(self.work, "mda.sh")
        with open(mda, "w") as f:
            f.write(f'#!/bin/sh\nexec cat > "{out}/$(date +%s%N)-$$.eml"\n')
        os.chmod(mda, 0o755)
        rc = os.path.join(self.work, "getmailrc")
        with open(rc, "w") as f:
            f.write("[retriever]\n"
                    "type = SimplePOP3SSLRetriever\n"
                    f"server = {self.h.address}\n"
                    f"port = {self.h.pop3s_port}\n"
                    f"username = {USER}\n"
                    f"password = {PASSWORD}\n"
                    # An external MDA rather than Maildir: getmail refuses Maildir delivery
                    # as root, which is how CI runs.
                    "\n[destination]\n"
                    "type = MDA_external\n"
                    f"path = {mda}\n"
                    "allow_root_commands = true\n"
                    "\n[options]\n"
                    "read_all = true\n"
                    "delete = true\n"
                    "received = false\n"
                    "delivered_to = false\n"
                    "verbose = 1\n")
        result = subprocess.run([GETMAIL, "--getmaildir", self.work, "--rcfile", rc],
                                capture_output=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout.decode(errors="replace") +
                         result.stderr.decode(errors="replace"))
        got = self.fetched_files()
        self.assertEqual(sorted(got), stored)
        self.assertEqual(self.h.uids(USER), [])


if __name__ == "__main__":
    unittest.main()
