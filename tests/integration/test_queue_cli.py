"""`heron queue`: inject, list, show, hold, release, retry, delete, on the real binary.

No producer fills the queue over the network yet, so messages go in through `heron queue
inject`, the operator's re-injection tool, which uses queue::submit() like the servers will.
The server's start-up reconcile of the queue is checked too.
"""

import glob
import os
import re
import smtplib
import subprocess

from harness import HeronTestCase

MESSAGE = (b"From: Alice <alice@example.org>\n"
           b"To: bob@example.net\n"
           b"Subject: queue test\n"
           b"\n"
           b"Hello Bob,\n"
           b".a line starting with a dot\n")


def queue_ids(h):
    out = h.cli("queue", "list").stdout.decode()
    return [int(line.split()[0]) for line in out.splitlines()[1:] if line.strip()]


def list_row(h, qid):
    out = h.cli("queue", "list").stdout.decode()
    for line in out.splitlines()[1:]:
        if line.split()[0] == str(qid):
            return line.split()
    return None


def body_files(h):
    return [p for p in glob.glob(os.path.join(h.dir, "data", "queue", "*", "*"))
            if ".tmp." not in p]


class QueueCliTest(HeronTestCase):
    def inject(self, h, *args, data=MESSAGE):
        path = os.path.join(h.dir, "message.eml")
        with open(path, "wb") as f:
            f.write(data)
        out = h.cli("queue", "inject", *args, path).stdout.decode()
        m = re.fullmatch(r"queued as (\d+)\n", out)
        self.assertIsNotNone(m, out)
        return int(m.group(1))

    def test_inject_list_show(self):
        h = self.heron(tls=False)
        qid = self.inject(h, "--from", "alice@example.org", "--to", "bob@example.net",
                          "--to", "carol@Example.COM", "--notify", "SUCCESS,FAILURE",
                          "--ret", "FULL", "--envid", "ENV-42")
        self.assertEqual(queue_ids(h), [qid])
        row = list_row(h, qid)
        self.assertEqual(row[3], "active")
        self.assertEqual(row[4], "2/2")
        self.assertEqual(row[-1], "<alice@example.org>")
        # The body is stored once, in canonical CRLF form, in a shard of data/queue.
        files = body_files(h)
        self.assertEqual(len(files), 1)
        with open(files[0], "rb") as f:
            stored = f.read()
        self.assertEqual(stored, MESSAGE.replace(b"\n", b"\r\n"))
        self.assertEqual(int(row[2]), len(stored))

        show = h.cli("queue", "show", str(qid)).stdout.decode()
        self.assertIn(f"id: {qid}\n", show)
        self.assertIn("state: active\n", show)
        self.assertIn("origin: inject\n", show)
        self.assertIn("sender: <alice@example.org>\n", show)
        self.assertIn("ret: FULL\n", show)
        self.assertIn("envid: ENV-42\n", show)
        self.assertIn("subject: queue test\n", show)
        self.assertRegex(show, r"  <bob@example\.net> queued attempts=0 next=\S+Z last=-\n"
                               r"    notify: SUCCESS,FAILURE\n")
        self.assertIn("  <carol@Example.COM> queued attempts=0", show)

    def test_hold_release_retry_delete(self):
        h = self.heron(tls=False)
        a = self.inject(h, "--from", "alice@example.org", "--to", "bob@example.net")
        b = self.inject(h, "--from", "alice@example.org", "--to", "dave@example.net")
        self.assertLess(a, b)
        self.assertEqual(h.cli("queue", "hold", str(a)).stdout, f"held {a}\n".encode())
        self.assertEqual(list_row(h, a)[3], "held")
        self.assertEqual(list_row(h, b)[3], "active")
        self.assertIn("state: held\n", h.cli("queue", "show", str(a)).stdout.decode())
        self.assertEqual(h.cli("queue", "release", str(a)).stdout, f"released {a}\n".encode())
        self.assertEqual(list_row(h, a)[3], "active")
        self.assertEqual(h.cli("queue", "retry", str(b)).stdout, f"retrying {b} now\n".encode())
        self.assertRegex(h.cli("queue", "retry", "all").stdout.decode(),
                         r"^retrying \d+ recipients now\n$")
        self.assertEqual(len(body_files(h)), 2)
        self.assertEqual(h.cli("queue", "delete", str(a)).stdout, f"deleted {a}\n".encode())
        self.assertEqual(queue_ids(h), [b])
        self.assertEqual(len(body_files(h)), 1)
        gone = h.cli("queue", "show", str(a), check=False)
        self.assertEqual(gone.returncode, 1)
        self.assertIn(f"no queued message {a}", gone.stderr.decode())
        for verb in ("hold", "release", "retry", "delete"):
            r = h.cli("queue", verb, str(a), check=False)
            self.assertEqual(r.returncode, 1, verb)
            self.assertIn(f"no queued message {a}", r.stderr.decode(), verb)
        # Ids are never reused.
        c = self.inject(h, "--from", "alice@example.org", "--to", "erin@example.net")
        self.assertGreater(c, b)

    def test_null_sender_and_stdin(self):
        h = self.heron(tls=False)
        out = h.cli("queue", "inject", "--from", "<>", "--to", "bob@example.net", "-",
                    input=MESSAGE).stdout.decode()
        qid = int(re.fullmatch(r"queued as (\d+)\n", out).group(1))
        self.assertEqual(list_row(h, qid)[-1], "<>")
        self.assertIn("sender: <>\n", h.cli("queue", "show", str(qid)).stdout.decode())

    def test_refusals_leave_nothing_behind(self):
        h = self.heron(tls=False)
        path = os.path.join(h.dir, "message.eml")
        with open(path, "wb") as f:
            f.write(MESSAGE)
        cases = [
            (["--from", "not an address", "--to", "bob@example.net"], "malformed sender"),
            (["--from", "alice@example.org", "--to", "bob"], "malformed recipient"),
            (["--from", "alice@example.org", "--to", "b\u00fcb@example.net"], "SMTPUTF8"),
            (["--from", "alice@example.org", "--to", "bob@example.net", "--notify", "NEVER,DELAY"],
             "--notify"),
            (["--from", "alice@example.org", "--to", "bob@example.net", "--ret", "ALL"], "--ret"),
        ]
        for args, why in cases:
            r = h.cli("queue", "inject", *args, path, check=False)
            self.assertEqual(r.returncode, 1, args)
            self.assertIn(why, r.stderr.decode(), args)
        empty = os.path.join(h.dir, "empty.eml")
        open(empty, "wb").close()
        r = h.cli("queue", "inject", "--from", "a@example.org", "--to", "b@example.net", empty,
                  check=False)
        self.assertEqual(r.returncode, 1)
        self.assertNotEqual(h.cli("queue", "inject", "--from", "a@example.org", path,
                                  check=False).returncode, 0)  # --to is required
        for bad in ("abc", "0", "-3", "12x"):
            r = h.cli("queue", "show", bad, check=False)
            self.assertNotEqual(r.returncode, 0, bad)
        self.assertEqual(queue_ids(h), [])
        self.assertEqual(body_files(h), [])

    def test_utf8_message(self):
        h = self.heron(tls=False)
        qid = self.inject(h, "--from", "j\u00f6rg@example.org", "--to", "b\u00fcb@example.net",
                          "--smtputf8", data="Subject: gr\u00fc\u00dfe\n\nx\n".encode())
        show = h.cli("queue", "show", str(qid)).stdout.decode()
        self.assertIn("smtputf8: yes\n", show)
        self.assertIn("8bitmime: yes\n", show)
        self.assertIn("<b\u00fcb@example.net> queued", show)


class QueueServerTest(HeronTestCase):
    def test_server_reconciles_the_queue_and_shares_it_with_the_cli(self):
        h = self.heron(tls=False)
        self.inject_one(h)
        # A write cut short by a crash: the server removes it at start-up.
        shard = os.path.join(h.dir, "data", "queue", "ab")
        stray = os.path.join(shard, "ab" * 16 + ".tmp.123456")
        with open(stray, "wb") as f:
            f.write(b"partial")
        h.start()
        self.assertRegex(h.log_text(), r"queue\.reconcile temp_files_removed=1 ")
        self.assertFalse(os.path.exists(stray))
        # The CLI works beside the running server.
        second = self.inject_one(h)
        self.assertEqual(len(queue_ids(h)), 2)
        h.cli("queue", "hold", str(second))
        self.assertEqual(list_row(h, second)[3], "held")
        # Mail accepted by the MX still goes to local mailboxes as before.
        h.add_domain("example.test")
        h.add_user("u@example.test")
        with smtplib.SMTP(h.address, h.smtp_port, timeout=10) as s:
            s.sendmail("a@example.org", ["u@example.test"], b"Subject: local\r\n\r\nx\r\n")
        self.assertEqual(len(h.uids("u@example.test")), 1)
        # kill -9 and restart: the queue is intact.
        h.kill9()
        h.start()
        self.assertEqual(len(queue_ids(h)), 2)
        self.assertEqual(list_row(h, second)[3], "held")

    def inject_one(self, h):
        out = h.cli("queue", "inject", "--from", "alice@example.org", "--to", "bob@example.net",
                    "-", input=MESSAGE).stdout.decode()
        return int(re.fullmatch(r"queued as (\d+)\n", out).group(1))


if __name__ == "__main__":
    import unittest
    unittest.main()
