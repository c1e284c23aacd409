"""Nothing acknowledged is lost: kill -9 the server while clients send mail.

Several client threads send numbered messages. Each records a message as acknowledged only
when the 250 after DATA arrived. The server is killed with SIGKILL at random moments and
restarted. At the end every acknowledged message is in the mailbox exactly once, byte for
byte; unacknowledged ones may or may not be there (the reply may have been lost in flight),
but never twice.
"""

import random
import smtplib
import threading
import time
import unittest

from harness import HeronTestCase

ROUNDS = 5
CLIENTS = 6


def body(tag):
    return (f"From: load@remote.test\r\nSubject: {tag}\r\nMessage-ID: <{tag}@remote.test>\r\n"
            f"\r\n" + f"payload of {tag}\r\n" * 40).encode()


class CrashTest(HeronTestCase):
    def test_kill9_loses_nothing_acknowledged(self):
        h = self.heron(tls=False)
        h.add_domain("example.test")
        h.add_user("alice@example.test")
        h.start()
        acked, attempted = set(), set()
        lock = threading.Lock()
        stop = threading.Event()

        def client(n):
            seq = 0
            while not stop.is_set():
                try:
                    with smtplib.SMTP(h.address, h.smtp_port, timeout=5) as s:
                        while not stop.is_set():
                            seq += 1
                            tag = f"c{n}-m{seq}"
                            with lock:
                                attempted.add(tag)
                            s.sendmail("load@remote.test", ["alice@example.test"], body(tag))
                            with lock:
                                acked.add(tag)
                except (OSError, smtplib.SMTPException):
                    time.sleep(0.05)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        try:
            for _ in range(ROUNDS):
                time.sleep(random.uniform(0.3, 1.2))
                h.kill9()
                h.start()
            time.sleep(0.5)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=30)
        h.stop()

        self.assertGreater(len(acked), 50, "too little load to mean anything")
        seen = {}
        for msg in h.messages("alice@example.test"):
            subject = [l for l in msg.split(b"\r\n") if l.startswith(b"Subject: ")][0]
            tag = subject[len(b"Subject: "):].decode()
            seen[tag] = seen.get(tag, 0) + 1
            self.assertTrue(msg.endswith(body(tag)), f"{tag} is not byte-exact")
        missing = sorted(acked - set(seen))
        self.assertEqual(missing, [], f"{len(missing)} acknowledged messages lost")
        duplicated = sorted(t for t, c in seen.items() if c > 1)
        self.assertEqual(duplicated, [], "duplicates")
        self.assertTrue(set(seen) <= attempted)
        print(f"\ncrash test: {len(acked)} acknowledged, {len(seen)} stored, "
              f"{len(attempted)} attempted, {ROUNDS} kills")


if __name__ == "__main__":
    unittest.main()
