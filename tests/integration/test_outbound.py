"""Outbound delivery end to end: the delivery loop of one Heron sends to another Heron, and to
small SMTP sinks (smtp_sink.py), with routes from a real Knot DNS server (dns_server.py).

    a.test      Heron A on 127.0.0.2 (alice@a.test), the sender
    b.test      Heron B on 127.0.0.3 (bob@b.test)
    pref.test   MX 10 -> sink on 127.0.0.5, MX 20 -> sink on 127.0.0.6
    fallback.test  MX 10 -> 127.0.0.8 (nothing listens), MX 20 -> sink on 127.0.0.6
    retry.test  sink on 127.0.0.7 answering 451 to the first DATA, then 250
    slow.test   sink on 127.0.0.9 answering 451 to every RCPT
    null.test   null MX (RFC 7505)
    bare.test   no MX, an A record for 127.0.0.6 (implicit MX)
    limit.test  sink on 127.0.0.10 that takes 0.3 s per message (connection limits, reuse)
    badtls.test sink on 127.0.0.11 offering STARTTLS with a broken handshake

Every server listens on one port, which is Heron's [queue] smtp_port. Mail goes in through
`heron queue inject`, and in one test through A's submission listener (smtplib, AUTH over
implicit TLS); retries are 1 s apart and delay notices come after 2 s, so the whole class runs
in seconds.
"""

import os
import re
import smtplib
import socket
import ssl
import time
import unittest

from dns_server import DnsServer, Zone
from harness import Heron, common_port, wait_for
from smtp_sink import SmtpSink

ADDRESSES = ["127.0.0.%d" % i for i in range(2, 13)]



def zones():
    a = Zone("a.test").add("@", "MX", "10 mx").add("mx", "A", "127.0.0.2")
    b = Zone("b.test").add("@", "MX", "10 mx").add("mx", "A", "127.0.0.3")
    pref = (Zone("pref.test").add("@", "MX", "20 mx2").add("@", "MX", "10 mx1")
            .add("mx1", "A", "127.0.0.5").add("mx2", "A", "127.0.0.6"))
    fallback = (Zone("fallback.test").add("@", "MX", "10 mx1").add("@", "MX", "20 mx2")
                .add("mx1", "A", "127.0.0.8").add("mx2", "A", "127.0.0.6"))
    retry = Zone("retry.test").add("@", "MX", "10 mx").add("mx", "A", "127.0.0.7")
    slow = Zone("slow.test").add("@", "MX", "10 mx").add("mx", "A", "127.0.0.9")
    null = Zone("null.test").add("@", "MX", "0 .")
    bare = Zone("bare.test").add("@", "A", "127.0.0.6")
    limit = Zone("limit.test").add("@", "MX", "10 mx").add("mx", "A", "127.0.0.10")
    badtls = Zone("badtls.test").add("@", "MX", "10 mx").add("mx", "A", "127.0.0.11")
    return [a, b, pref, fallback, retry, slow, null, bare, limit, badtls]



class OutboundTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = common_port(ADDRESSES)
        cls.dns = DnsServer(zones())
        cls.dns.start()
        queue = {"smtp_port": cls.port, "retry_intervals": ["1s"], "delay_warning": "2s",
                 "max_age": "1h", "connection_cache_time": "1s", "connect_timeout": "5s",
                 "max_connections_per_destination": 2}
        cls.a = Heron(hostname="mx.a.test", address="127.0.0.2", smtp_port=cls.port,
                      dns=cls.dns.heron_config(), sections={"queue": queue}, submission=True)
        cls.b = Heron(hostname="mx.b.test", address="127.0.0.3", smtp_port=cls.port,
                      dns=cls.dns.heron_config(), sections={"queue": queue})
        cls.a.add_domain("a.test")
        cls.a.add_user("alice@a.test", "alice-password")
        cls.b.add_domain("b.test")
        cls.b.add_user("bob@b.test")
        cls.sinks = {
            "pref1": SmtpSink("127.0.0.5", cls.port).start(),
            "pref2": SmtpSink("127.0.0.6", cls.port).start(),
            "retry": SmtpSink("127.0.0.7", cls.port,
                              data=["451 4.3.0 Temporary failure, try again", None]).start(),
            "slow": SmtpSink("127.0.0.9", cls.port, rcpt=["451 4.2.0 Mailbox busy"]).start(),
            "limit": SmtpSink("127.0.0.10", cls.port, pause_before_reply=[0.3]).start(),
            "badtls": SmtpSink("127.0.0.11", cls.port, broken_tls=True).start(),
        }
        cls.a.start()
        cls.b.start()
        cls.failed = False

    @classmethod
    def tearDownClass(cls):
        for sink in cls.sinks.values():
            sink.stop()
        cls.a.cleanup(failed=cls.failed)
        cls.b.cleanup(failed=cls.failed)
        cls.dns.cleanup(failed=cls.failed)

    def run(self, result=None):
        result = super().run(result)
        if result is not None and (result.failures or result.errors):
            type(self).failed = True
        return result

    # -- helpers ---------------------------------------------------------------------------

    def inject(self, h, sender, *rcpts, subject, extra=b"", args=()):
        data = (f"From: <{sender or 'mailer-daemon@a.test'}>\r\n"
                f"To: {', '.join(rcpts)}\r\n"
                f"Subject: {subject}\r\n"
                f"Message-ID: <{subject}@a.test>\r\n\r\n").encode() + b"Hello.\r\n" + extra
        path = os.path.join(h.dir, subject + ".eml")
        with open(path, "wb") as f:
            f.write(data)
        to = [x for r in rcpts for x in ("--to", r)]
        out = h.cli("queue", "inject", "--from", sender or "<>", *to, *args, path).stdout.decode()
        m = re.fullmatch(r"queued as (\d+)\n", out)
        self.assertIsNotNone(m, out)
        return int(m.group(1))

    def queue_ids(self, h):
        out = h.cli("queue", "list").stdout.decode()
        return [int(line.split()[0]) for line in out.splitlines()[1:] if line.strip()]

    def inbox_with(self, h, user, token, timeout=20):
        """The messages of user's INBOX that contain token, once there is at least one."""
        def find():
            return [m for m in h.messages(user) if token.encode() in m]
        return wait_for(find, timeout, f"a message with {token} in {user}'s INBOX")

    def sink_with(self, sink, token, timeout=20):
        def find():
            return [m for m in list(sink.messages) if token.encode() in m[2]]
        return wait_for(find, timeout, f"a message with {token} at the sink")

    def assert_gone_from_queue(self, h, qid, timeout=20):
        wait_for(lambda: qid not in self.queue_ids(h), timeout, f"queue id {qid} to leave")

    # -- tests -----------------------------------------------------------------------------

    def test_a_to_b_and_back(self):
        qid = self.inject(self.a, "alice@a.test", "bob@b.test", subject="a-to-b")
        got = self.inbox_with(self.b, "bob@b.test", "a-to-b")
        self.assertEqual(len(got), 1)
        self.assertIn(b"Subject: a-to-b\r\n", got[0])
        self.assertIn(b"Hello.\r\n", got[0])
        self.assert_gone_from_queue(self.a, qid)
        log = self.a.log_text()
        self.assertRegex(log, r"delivery\.delivered .*to=bob@b\.test.*relay=mx\.b\.test.*tls=true")

        qid = self.inject(self.b, "bob@b.test", "alice@a.test", subject="b-to-a")
        got = self.inbox_with(self.a, "alice@a.test", "b-to-a")
        self.assertEqual(len(got), 1)
        self.assert_gone_from_queue(self.b, qid)

    def test_submitted_mail_goes_out(self):
        # The MSA queues through the same store the loop claims from: a client's message to a
        # remote recipient reaches B's mailbox with nothing but the server running.
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        body = ("From: Alice <alice@a.test>\r\nTo: bob@b.test\r\nSubject: submitted-a-to-b\r\n"
                "\r\nSent from a client.\r\n")
        with smtplib.SMTP_SSL(self.a.address, self.a.submissions_port, timeout=15,
                              context=ctx) as s:
            s.login("alice@a.test", "alice-password")
            self.assertEqual(s.sendmail("alice@a.test", ["bob@b.test"], body), {})
        got = self.inbox_with(self.b, "bob@b.test", "submitted-a-to-b")
        self.assertEqual(len(got), 1)
        self.assertIn(b"Sent from a client.\r\n", got[0])
        # A's MSA added what the client left out (RFC 6409 8), and B recorded A's hop.
        self.assertRegex(got[0], rb"Message-I[Dd]: <")
        self.assertIn(b"Received: from mx.a.test", got[0])
        self.assertRegex(self.a.log_text(),
                         r"delivery\.delivered .*to=bob@b\.test.*relay=mx\.b\.test")

    def test_alias_with_a_remote_target_is_forwarded(self):
        # Mail arriving on B's MX for an alias with a local and a remote target: bob gets his
        # copy at once, the remote copy goes out through B's queue with the sender kept.
        self.b.add_alias("team@b.test", "bob@b.test", "x@pref.test")
        body = "From: carol@a.test\r\nSubject: forwarded-team\r\n\r\nTo the team.\r\n"
        with smtplib.SMTP(self.b.address, self.port, timeout=15) as s:
            self.assertEqual(s.sendmail("carol@a.test", ["team@b.test"], body), {})
        self.inbox_with(self.b, "bob@b.test", "forwarded-team")
        got = self.sink_with(self.sinks["pref1"], "forwarded-team")
        self.assertEqual(got[0][0], "carol@a.test")
        self.assertEqual(got[0][1], ["x@pref.test"])
        self.assertIn(b"Received: from ", got[0][2])  # B's trace header travels with it
        self.assertRegex(self.b.log_text(),
                         r"smtp\.delivery .*rcpt=x@pref\.test.*route=queue.*result=250")

    def test_mx_preference(self):
        self.inject(self.a, "alice@a.test", "x@pref.test", subject="pref-order")
        got = self.sink_with(self.sinks["pref1"], "pref-order")
        self.assertEqual(got[0][0], "alice@a.test")
        self.assertEqual(got[0][1], ["x@pref.test"])
        self.assertFalse([m for m in self.sinks["pref2"].messages if b"pref-order" in m[2]])

    def test_fallback_when_first_mx_is_down(self):
        qid = self.inject(self.a, "alice@a.test", "y@fallback.test", subject="fallback")
        got = self.sink_with(self.sinks["pref2"], "fallback")
        self.assertEqual(got[0][1], ["y@fallback.test"])
        self.assert_gone_from_queue(self.a, qid)
        self.assertRegex(self.a.log_text(),
                         r"delivery\.connect\.failed .*host=mx1\.fallback\.test.*127\.0\.0\.8")

    def test_implicit_mx(self):
        self.inject(self.a, "alice@a.test", "z@bare.test", subject="implicit-mx")
        got = self.sink_with(self.sinks["pref2"], "implicit-mx")
        self.assertEqual(got[0][1], ["z@bare.test"])

    def test_4xx_then_success_delivered_once(self):
        sink = self.sinks["retry"]
        qid = self.inject(self.a, "alice@a.test", "r@retry.test", subject="retry-once")
        self.sink_with(sink, "retry-once")
        self.assert_gone_from_queue(self.a, qid)
        time.sleep(2.5)  # more than two retry intervals: nothing is sent again
        self.assertEqual(len([m for m in sink.messages if b"retry-once" in m[2]]), 1)
        self.assertEqual(sink.data_count, 2)  # one 451, one 250
        self.assertRegex(self.a.log_text(), r"delivery\.deferred .*to=r@retry\.test.*status=4\.3\.0")

    def test_5xx_bounces_to_sender(self):
        qid = self.inject(self.a, "alice@a.test", "nobody@b.test", subject="bounce-me")
        bounces = self.inbox_with(self.a, "alice@a.test", "bounce-me")
        self.assertEqual(len(bounces), 1)
        dsn = bounces[0]
        self.assertIn(b"Content-Type: multipart/report; report-type=delivery-status;", dsn)
        self.assertIn(b"Content-Type: message/delivery-status", dsn)
        self.assertIn(b"Content-Type: text/rfc822-headers", dsn)
        self.assertIn(b"Return-Path: <>", dsn)
        self.assertIn(b"Auto-Submitted: auto-replied", dsn)
        self.assertIn(b"Final-Recipient: rfc822; nobody@b.test", dsn)
        self.assertIn(b"Action: failed", dsn)
        self.assertRegex(dsn, rb"Status: 5\.\d\.\d")
        self.assertIn(b"Remote-MTA: dns; mx.b.test", dsn)
        self.assertIn(b"Diagnostic-Code: smtp; 550", dsn)
        self.assertIn(b"Subject: bounce-me", dsn)  # the original's headers
        self.assert_gone_from_queue(self.a, qid)

    def test_each_recipient_gets_its_own_result(self):
        qid = self.inject(self.a, "alice@a.test", "bob@b.test", "nobody2@b.test",
                          subject="half-and-half")
        self.inbox_with(self.b, "bob@b.test", "half-and-half")
        bounce = self.inbox_with(self.a, "alice@a.test", "half-and-half")[0]
        self.assertIn(b"Final-Recipient: rfc822; nobody2@b.test", bounce)
        self.assertNotIn(b"Final-Recipient: rfc822; bob@b.test", bounce)
        self.assert_gone_from_queue(self.a, qid)

    def test_smtputf8_message_bounces_when_the_peer_lacks_it(self):
        # The sinks do not offer SMTPUTF8 (RFC 6531 3.4: no downgrade, a bounce).
        qid = self.inject(self.a, "alice@a.test", "u@pref.test", subject="needs-utf8",
                          args=("--smtputf8",))
        bounce = self.inbox_with(self.a, "alice@a.test", "needs-utf8")[0]
        self.assertIn(b"Status: 5.6.7", bounce)
        self.assertIn(b"Action: failed", bounce)
        self.assertFalse([m for m in self.sinks["pref1"].received if b"needs-utf8" in m[2]])
        self.assert_gone_from_queue(self.a, qid)

    def test_no_bounce_loop(self):
        # The null sender is never sent a notice...
        qid = self.inject(self.a, "", "nobody@b.test", subject="null-sender")
        self.assert_gone_from_queue(self.a, qid)
        # ...and a notice that cannot be delivered (ghost@a.test does not exist) is dropped.
        before = set(self.queue_ids(self.a))
        qid = self.inject(self.a, "ghost@a.test", "nobody@b.test", subject="ghost-sender")
        wait_for(lambda: not (set(self.queue_ids(self.a)) - before), 20, "the queue to drain")
        time.sleep(1.5)
        self.assertFalse(set(self.queue_ids(self.a)) - before)
        self.assertFalse([m for m in self.a.messages("alice@a.test")
                          if b"null-sender" in m or b"ghost-sender" in m])

    def test_null_mx_bounces_at_once(self):
        qid = self.inject(self.a, "alice@a.test", "x@null.test", subject="null-mx")
        bounces = self.inbox_with(self.a, "alice@a.test", "null-mx")
        self.assertIn(b"Final-Recipient: rfc822; x@null.test", bounces[0])
        self.assertIn(b"Action: failed", bounces[0])
        self.assertIn(b"null MX", bounces[0])
        self.assert_gone_from_queue(self.a, qid)
        self.assertRegex(self.a.log_text(), r"delivery\.failed .*to=x@null\.test")

    def test_connection_limit_and_reuse(self):
        sink = self.sinks["limit"]
        qids = [self.inject(self.a, "alice@a.test", f"l{i}@limit.test", subject=f"limit-{i}")
                for i in range(6)]
        wait_for(lambda: len(sink.messages) == 6, 30, "six messages at the sink")
        for qid in qids:
            self.assert_gone_from_queue(self.a, qid)
        # max_connections_per_destination = 2: two connections at most, each kept open for
        # the next message (RSET between messages) instead of one connection per message.
        # (Injects arrive one by one, so how many connections it took depends on timing; on
        # an idle machine it is 2.)
        self.assertLessEqual(sink.max_active, 2)
        self.assertLess(len(sink.sessions), 6)
        self.assertEqual(sum(c == "RSET" for s in sink.sessions for c in s),
                         6 - len(sink.sessions))

    def test_failed_tls_handshake_falls_back_to_plaintext(self):
        sink = self.sinks["badtls"]
        qid = self.inject(self.a, "alice@a.test", "t@badtls.test", subject="tls-fallback")
        got = self.sink_with(sink, "tls-fallback")
        self.assertEqual(got[0][1], ["t@badtls.test"])
        self.assert_gone_from_queue(self.a, qid)
        # First connection: STARTTLS, broken; second: plaintext, no STARTTLS at all.
        self.assertIn("STARTTLS", sink.sessions[0])
        self.assertNotIn("STARTTLS", sink.sessions[-1])
        log = self.a.log_text()
        self.assertRegex(log, r"delivery\.tls\.failed host=mx\.badtls\.test\[127\.0\.0\.11\]")
        self.assertRegex(log, r"delivery\.tls\.fallback host=mx\.badtls\.test")
        self.assertRegex(log, r"delivery\.delivered .*to=t@badtls\.test.*tls=false")

    def test_delayed_notice(self):
        qid = self.inject(self.a, "alice@a.test", "d@slow.test", subject="slow-delay")
        notices = self.inbox_with(self.a, "alice@a.test", "slow-delay", timeout=30)
        dsn = notices[0]
        self.assertIn(b"Action: delayed", dsn)
        self.assertIn(b"Final-Recipient: rfc822; d@slow.test", dsn)
        self.assertIn(b"Will-Retry-Until:", dsn)
        self.assertIn(b"Status: 4.2.0", dsn)
        self.assertIn(qid, self.queue_ids(self.a))  # still trying
        time.sleep(2.5)
        self.assertEqual(len(self.inbox_with(self.a, "alice@a.test", "slow-delay")), 1)  # once
        self.a.cli("queue", "delete", str(qid))


class TlsFallbackOffTest(unittest.TestCase):
    """[queue] plaintext_fallback = false: a failed handshake defers, nothing goes in clear."""

    def test_failed_handshake_defers(self):
        port = common_port(ADDRESSES)
        dns = DnsServer([Zone("badtls.test").add("@", "MX", "10 mx").add("mx", "A", "127.0.0.11")])
        dns.start()
        sink = SmtpSink("127.0.0.11", port, broken_tls=True).start()
        h = Heron(hostname="mx.a.test", address="127.0.0.12", smtp_port=port,
                  dns=dns.heron_config(),
                  sections={"queue": {"smtp_port": port, "plaintext_fallback": False,
                                      "retry_intervals": ["1h"]}})
        failed = True
        try:
            h.start()
            path = os.path.join(h.dir, "m.eml")
            with open(path, "wb") as f:
                f.write(b"Subject: no-fallback\r\n\r\nsecret\r\n")
            h.cli("queue", "inject", "--from", "alice@a.test", "--to", "t@badtls.test", path)
            wait_for(lambda: "delivery.deferred" in h.log_text(), 20, "a deferral")
            self.assertEqual(len(sink.sessions), 1)  # no second, plaintext connection
            self.assertFalse(sink.received)
            self.assertNotIn("delivery.tls.fallback", h.log_text())
            show = h.cli("queue", "show", "1").stdout.decode()
            self.assertIn("TLS handshake failed", show)
            failed = False
        finally:
            sink.stop()
            h.cleanup(failed=failed)
            dns.cleanup()


if __name__ == "__main__":
    unittest.main()
