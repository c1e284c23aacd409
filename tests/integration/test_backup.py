"""`heron backup DIR` and `heron restore DIR`: an online backup while mail flows is a complete,
byte-exact data directory.

Client threads send numbered messages to several users and record each one as acknowledged
when its 250 arrives. `heron backup` runs in the middle of the flow. A second server then runs
on the backup directory, and every message in it is compared, byte for byte, with the same
UID in the original (over IMAP, BODY.PEEK[]), and every message acknowledged before the backup
started must be there.
"""

import imaplib
import os
import re
import smtplib
import threading
import time
import unittest

from harness import HeronTestCase

USERS = [f"user{i}@example.test" for i in range(4)]
PASSWORD = "secret-password"
SENDERS = 3


def body(tag):
    return (f"From: load@remote.test\r\nSubject: {tag}\r\nMessage-ID: <{tag}@remote.test>\r\n"
            f"\r\n" + f"payload of {tag}\r\n" * 30).encode()


def mailbox(h, user):
    """uid -> the message as IMAP BODY.PEEK[] returns it, for the user's INBOX."""
    m = imaplib.IMAP4("127.0.0.1", h.imap_port, timeout=30)
    try:
        m.login(user, PASSWORD)
        typ, data = m.select("INBOX", readonly=True)
        assert typ == "OK", data
        out = {}
        if int(data[0]) == 0:
            return out
        typ, data = m.uid("FETCH", "1:*", "(UID BODY.PEEK[])")
        assert typ == "OK", data
        for item in data:
            if isinstance(item, tuple):
                uid = int(re.search(rb"UID (\d+)", item[0]).group(1))
                out[uid] = item[1]
        return out
    finally:
        m.logout()


def tag_of(message):
    return re.search(rb"Subject: (\S+)", message).group(1).decode()


class BackupTest(HeronTestCase):
    def server(self):
        h = self.heron(tls=False, imap=True)
        return h

    def prepare(self, h):
        h.add_domain("example.test")
        for user in USERS:
            h.add_user(user, PASSWORD)

    def test_online_backup_while_mail_flows(self):
        h = self.server()
        self.prepare(h)
        h.start()
        acked = []  # (tag, user) in order of their 250
        lock = threading.Lock()
        stop = threading.Event()
        errors = []

        def sender(n):
            seq = 0
            try:
                with smtplib.SMTP(h.address, h.smtp_port, timeout=10) as s:
                    while not stop.is_set():
                        seq += 1
                        tag = f"s{n}-m{seq}"
                        user = USERS[(n + seq) % len(USERS)]
                        s.sendmail("load@remote.test", [user], body(tag))
                        with lock:
                            acked.append((tag, user))
            except (OSError, smtplib.SMTPException) as e:
                errors.append(repr(e))

        threads = [threading.Thread(target=sender, args=(n,)) for n in range(SENDERS)]
        for t in threads:
            t.start()
        # The second server's data directory is the backup itself.
        restored = self.server()
        backup_dir = os.path.join(restored.dir, "data")
        try:
            time.sleep(1.5)
            with lock:
                before = list(acked)
            result = h.cli("backup", backup_dir)
            time.sleep(0.5)
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertEqual(errors, [])
        self.assertGreater(len(before), 20)
        self.assertGreater(len(acked), len(before))  # the flow went on during the backup
        summary = result.stdout.decode()
        self.assertIn("backup written to " + backup_dir, summary)
        self.assertRegex(summary, r"store +schema \d+, \d+ messages")
        self.assertIn("backup.started", result.stderr.decode())
        self.assertIn("backup.finished", result.stderr.decode())
        self.assertTrue(os.path.isfile(os.path.join(backup_dir, "backup.json")))
        self.assertEqual(h.cli("backup", "--verify", backup_dir).returncode, 0)

        restored.start()
        in_backup = set()
        for user in USERS:
            original = mailbox(h, user)
            copy = mailbox(restored, user)
            for uid, message in copy.items():
                self.assertIn(uid, original, f"{user} uid {uid} not in the original")
                self.assertEqual(message, original[uid], f"{user} uid {uid} differs")
                in_backup.add((tag_of(message), user))
        missing = [m for m in before if m not in in_backup]
        self.assertEqual(missing, [], "acknowledged before the backup but not in it")
        self.assertGreaterEqual(len(in_backup), len(before))

    def test_refuses_a_non_empty_directory(self):
        h = self.server()
        self.prepare(h)
        target = os.path.join(h.dir, "not-empty")
        os.makedirs(target)
        with open(os.path.join(target, "keep"), "w") as f:
            f.write("x")
        result = h.cli("backup", target, check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("not empty", result.stderr.decode())
        self.assertEqual(os.listdir(target), ["keep"])

    def test_backup_of_a_stopped_server_and_restore(self):
        h = self.server()
        self.prepare(h)
        h.start()
        with smtplib.SMTP(h.address, h.smtp_port, timeout=10) as s:
            for i in range(12):
                s.sendmail("load@remote.test", [USERS[i % 2]], body(f"quiet{i}"))
        original = {user: mailbox(h, user) for user in USERS[:2]}
        h.stop()
        h.cli("dkim", "keygen", "example.test", "--selector", "s1", "--algo", "ed25519")
        second = self.server()
        backup_dir = os.path.join(h.dir, "backup")
        h.cli("backup", backup_dir)
        key = os.path.join(backup_dir, "dkim", "example.test", "s1.pem")
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
        with open(key, "rb") as a, open(os.path.join(h.dir, "data", "dkim", "example.test",
                                                     "s1.pem"), "rb") as b:
            self.assertEqual(a.read(), b.read())
        # Restore into the (not yet existing) data_dir of a new server, and serve from it.
        second.cli("restore", backup_dir)
        second.start()
        for user in USERS[:2]:
            self.assertEqual(len(original[user]), 6)
            self.assertEqual(mailbox(second, user), original[user])
        self.assertIn("s1", second.cli("dkim", "list").stdout.decode())
        # A second restore over the now non-empty data_dir is refused.
        second.stop()
        result = second.cli("restore", backup_dir, check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("not empty", result.stderr.decode())


if __name__ == "__main__":
    unittest.main()
