"""kill -9 of the sending Heron during a delivery: no message is lost, and the only duplicate
is the one RFC 5321 4.1.1.4 allows, when the receiver's reply to the final dot was lost.

The receiver is a sink (smtp_sink.py) that can stall before its 354 or before its reply to
the dot, which is where the test kills Heron. `received` at the sink holds every body that
reached its final dot; after a restart Heron must finish the job (the lease of the killed
process is released at start-up).
"""

import os
import re
import time
import unittest

from dns_server import DnsServer, Zone
from smtp_sink import SmtpSink
from harness import Heron, common_port, wait_for
from test_outbound import ADDRESSES


class DeliveryCrashTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dns = DnsServer([Zone("c9.test").add("@", "MX", "10 mx").add("mx", "A", "127.0.0.5")])
        cls.dns.start()

    @classmethod
    def tearDownClass(cls):
        cls.dns.cleanup()

    def setUp(self):
        self.port = common_port(ADDRESSES)
        self.h = Heron(hostname="mx.a.test", address="127.0.0.2", smtp_port=self.port,
                       dns=self.dns.heron_config(),
                       sections={"queue": {"smtp_port": self.port, "retry_intervals": ["1s"],
                                           "connect_timeout": "5s"}})
        self.sink = None

    def tearDown(self):
        if self.sink:
            self.sink.stop()
        failed = any(e for _, e in getattr(self._outcome, "errors", []) if e)
        self.h.cleanup(failed=failed)

    def inject(self, subject):
        path = os.path.join(self.h.dir, subject + ".eml")
        with open(path, "wb") as f:
            f.write(f"From: a@a.test\r\nSubject: {subject}\r\n\r\n".encode() + b"x" * 20000 + b"\r\n")
        out = self.h.cli("queue", "inject", "--from", "a@a.test", "--to", "r@c9.test", path)
        return int(re.search(rb"queued as (\d+)", out.stdout).group(1))

    def queue_ids(self):
        out = self.h.cli("queue", "list").stdout.decode()
        return [int(line.split()[0]) for line in out.splitlines()[1:] if line.strip()]

    def copies(self, subject, where):
        return len([m for m in where if subject.encode() in m[2]])

    def restart_and_drain(self, qid):
        self.h.start()
        wait_for(lambda: qid not in self.queue_ids(), 20, "the queue to drain after restart")
        time.sleep(1.5)  # longer than a retry interval: nothing more is sent

    def test_kill_before_the_dot_loses_nothing_and_duplicates_nothing(self):
        self.sink = SmtpSink("127.0.0.5", self.port, pause_before_354=[3, 0]).start()
        self.h.start()
        qid = self.inject("before-dot")
        wait_for(lambda: self.sink.data_count >= 1, 20, "DATA")
        self.h.kill9()
        self.assertIn(qid, self.queue_ids())  # still queued on disk
        self.restart_and_drain(qid)
        self.assertEqual(self.copies("before-dot", self.sink.received), 1)
        self.assertEqual(self.copies("before-dot", self.sink.messages), 1)

    def test_kill_after_the_dot_before_the_reply_sends_it_again(self):
        self.sink = SmtpSink("127.0.0.5", self.port, pause_before_reply=[3, 0]).start()
        self.h.start()
        qid = self.inject("lost-reply")
        wait_for(lambda: self.copies("lost-reply", self.sink.received) >= 1, 20, "the dot")
        self.h.kill9()
        self.assertIn(qid, self.queue_ids())
        self.restart_and_drain(qid)
        # The reply was lost in flight: the one duplicate RFC 5321 4.1.1.4 accepts.
        self.assertEqual(self.copies("lost-reply", self.sink.received), 2)

    def test_kill_after_the_result_is_recorded_sends_nothing_again(self):
        self.sink = SmtpSink("127.0.0.5", self.port).start()
        self.h.start()
        qid = self.inject("recorded")
        wait_for(lambda: qid not in self.queue_ids(), 20, "delivery")
        self.h.kill9()
        self.h.start()
        time.sleep(2)
        self.assertEqual(self.copies("recorded", self.sink.received), 1)
        self.assertEqual(self.queue_ids(), [])


if __name__ == "__main__":
    unittest.main()
