"""MX role end to end: real clients deliver over SMTP, the message lands in the mailbox.

Each test checks the result in the store, byte for byte, through `heron message get`.
"""

import smtplib
import ssl
import subprocess
import unittest

from harness import HeronTestCase, RawSmtp, free_port

MESSAGE = (b"From: Sender <sender@remote.test>\r\n"
           b"To: Alice <alice@example.test>\r\n"
           b"Subject: hello\r\n"
           b"Message-ID: <m1@remote.test>\r\n"
           b"\r\n"
           b"Hello Alice.\r\n"
           b"Second line.\r\n")


class DeliveryTest(HeronTestCase):
    def setUp(self):
        super().setUp()
        self.h = self.heron()
        self.h.add_domain("example.test")
        self.h.add_domain("catchall.test")
        for user in ("alice", "bob", "carol"):
            self.h.add_user(f"{user}@example.test")
        self.h.add_alias("team@example.test", "alice@example.test", "bob@example.test")
        self.h.add_alias("@catchall.test", "carol@example.test")
        self.h.start()

    def smtp(self):
        return smtplib.SMTP(self.h.address, self.h.smtp_port, local_hostname="client.remote.test",
                            timeout=10)

    def assert_delivered(self, user, body, rcpt, sender="sender@remote.test", count=1):
        stored = self.h.messages(user + "@example.test")
        self.assertEqual(len(stored), count, f"{user} has {len(stored)} messages")
        msg = stored[-1]
        prefix = f"Return-Path: <{sender}>\r\nDelivered-To: {rcpt}\r\n".encode()
        self.assertTrue(msg.startswith(prefix), msg[:200])
        rest = msg[len(prefix):]
        self.assertTrue(rest.startswith(b"Received: from client.remote.test ([127.0.0.1])\r\n"
                                        b"\tby mx.example.test (Heron) with ESMTP id "), rest[:200])
        header_end = rest.index(b"\r\n", rest.index(b";\r\n\t") + 3) + 2
        self.assertEqual(rest[header_end:], body)
        return msg

    def test_smtplib_to_user(self):
        with self.smtp() as s:
            code, _ = s.ehlo()
            self.assertEqual(code, 250)
            for ext in ("pipelining", "8bitmime", "smtputf8", "size", "enhancedstatuscodes",
                        "chunking", "starttls"):
                self.assertTrue(s.has_extn(ext), ext)
            refused = s.sendmail("sender@remote.test", ["alice@example.test"], MESSAGE)
            self.assertEqual(refused, {})
        msg = self.assert_delivered("alice", MESSAGE, "alice@example.test")
        self.assertIn(b"\r\n\tfor <alice@example.test>;", msg)
        self.assertEqual(self.h.uids("bob@example.test"), [])
        self.assertIn("smtp.delivery", self.h.log_text())

    def test_too_many_hops_is_refused_as_a_loop(self):
        hop = b"Received: from a.remote.test by b.remote.test; Mon, 23 Nov 2026 10:00:00 +0000\r\n"
        body = b"Subject: loop\r\n\r\nround and round\r\n"
        with self.smtp() as s:
            # 49 earlier hops: ours makes 50, still accepted (the default max_hops is 50).
            self.assertEqual(s.sendmail("sender@remote.test", ["alice@example.test"],
                                        hop * 49 + body), {})
            with self.assertRaises(smtplib.SMTPDataError) as e:
                s.sendmail("sender@remote.test", ["bob@example.test"], hop * 50 + body)
            self.assertEqual(e.exception.smtp_code, 554)
            self.assertTrue(e.exception.smtp_error.startswith(b"5.4.6"), e.exception.smtp_error)
        self.assertEqual(len(self.h.uids("alice@example.test")), 1)
        self.assertEqual(self.h.uids("bob@example.test"), [])
        self.assertRegex(self.h.log_text(), r"smtp\.refused .*reason=hops")

    def test_swaks_to_user(self):
        result = subprocess.run(
            ["swaks", "--server", f"{self.h.address}:{self.h.smtp_port}", "--helo",
             "client.remote.test", "--from", "sender@remote.test", "--to", "bob@example.test",
             "--data", "Subject: via swaks\n\nbody from swaks"],
            capture_output=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stdout.decode() + result.stderr.decode())
        self.assert_delivered("bob", b"Subject: via swaks\r\n\r\nbody from swaks\r\n",
                              "bob@example.test")

    def test_alias_one_to_many_shares_one_body(self):
        with self.smtp() as s:
            s.sendmail("sender@remote.test", ["team@example.test"], MESSAGE)
        self.assert_delivered("alice", MESSAGE, "alice@example.test")
        self.assert_delivered("bob", MESSAGE, "bob@example.test")
        self.assertEqual(self.h.uids("carol@example.test"), [])

    def test_alias_and_member_get_one_copy(self):
        with self.smtp() as s:
            s.sendmail("sender@remote.test", ["team@example.test", "alice@example.test"], MESSAGE)
        self.assertEqual(len(self.h.uids("alice@example.test")), 1)
        self.assertEqual(len(self.h.uids("bob@example.test")), 1)

    def test_catch_all(self):
        with self.smtp() as s:
            s.sendmail("sender@remote.test", ["anything@catchall.test"], MESSAGE)
        self.assert_delivered("carol", MESSAGE, "carol@example.test")

    def test_plus_address(self):
        with self.smtp() as s:
            s.sendmail("sender@remote.test", ["Alice+Lists@Example.TEST"], MESSAGE)
        self.assert_delivered("alice", MESSAGE, "alice+lists@example.test")

    def test_null_sender(self):
        with self.smtp() as s:
            s.sendmail("<>", ["alice@example.test"], MESSAGE)
        self.assert_delivered("alice", MESSAGE, "alice@example.test", sender="")

    def test_uids_increase(self):
        with self.smtp() as s:
            for i in range(3):
                s.sendmail("sender@remote.test", ["alice@example.test"], MESSAGE)
        self.assertEqual(self.h.uids("alice@example.test"), [1, 2, 3])

    def test_dot_lines_round_trip(self):
        body = (b"Subject: dots\r\n\r\n.\r\n..\r\n...\r\n.leading\r\nmid . dle\r\n"
                b". space\r\n..\r\nend\r\n")
        with self.smtp() as s:
            s.sendmail("sender@remote.test", ["alice@example.test"], body)
        self.assert_delivered("alice", body, "alice@example.test")

    def test_eight_bit_body(self):
        body = "Subject: 8bit\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGrüße, ½ €\r\n"
        with self.smtp() as s:
            s.ehlo()
            s.sendmail("sender@remote.test", ["alice@example.test"], body.encode(),
                       mail_options=["BODY=8BITMIME"])
        self.assert_delivered("alice", body.encode(), "alice@example.test")

    def test_utf8_address(self):
        self.h.add_user("jörg@example.test")
        body = "From: Jörg <jörg@remote.test>\r\nSubject: ü\r\n\r\nhallo\r\n".encode()
        with self.smtp() as s:
            s.ehlo()
            s.sendmail("jörg@remote.test", ["jörg@example.test"], body,
                       mail_options=["SMTPUTF8", "BODY=8BITMIME"])
        msg = self.h.messages("jörg@example.test")
        self.assertEqual(len(msg), 1)
        self.assertTrue(msg[0].startswith("Return-Path: <jörg@remote.test>\r\n"
                                          "Delivered-To: jörg@example.test\r\n".encode()))
        self.assertIn(b"with UTF8SMTP id", msg[0])
        self.assertTrue(msg[0].endswith(body))

    def test_utf8_address_needs_smtputf8(self):
        s = RawSmtp(self.h.address, self.h.smtp_port)
        s.reply()
        s.cmd("EHLO client.remote.test")
        code, text = s.cmd("MAIL FROM:<jörg@remote.test>")
        self.assertEqual(code, 553, text)
        self.assertTrue(text.startswith("5.6.7"), text)

    def test_starttls(self):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with self.smtp() as s:
            s.starttls(context=context)
            code, _ = s.ehlo()
            self.assertEqual(code, 250)
            self.assertFalse(s.has_extn("starttls"))
            s.sendmail("sender@remote.test", ["alice@example.test"], MESSAGE)
        msg = self.h.messages("alice@example.test")[0]
        self.assertIn(b"with ESMTPS id", msg)
        self.assertRegex(msg, rb"\r\n\t\(TLSv1\.[23] [A-Z0-9_-]+\)\r\n")

    def test_starttls_injection_is_discarded(self):
        # CVE-2011-0411: commands pipelined behind STARTTLS in the same packet must not run
        # after the handshake as if the client had sent them over TLS.
        s = RawSmtp(self.h.address, self.h.smtp_port)
        s.reply()
        s.cmd("EHLO client.remote.test")
        s.send(b"STARTTLS\r\nMAIL FROM:<injected@remote.test>\r\n")
        code, _ = s.reply()
        self.assertEqual(code, 220)
        self.assertEqual(s.buf, b"", "server answered the injected command before TLS")
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        s.sock = context.wrap_socket(s.sock, server_hostname=self.h.hostname)
        self.assertEqual(s.cmd("EHLO client.remote.test")[0], 250)
        # Had MAIL FROM run, this RCPT would be accepted; it must be out of sequence.
        code, text = s.cmd("RCPT TO:<alice@example.test>")
        self.assertEqual(code, 503, text)
        s.close()

    def test_bdat(self):
        s = RawSmtp(self.h.address, self.h.smtp_port)
        s.reply()
        s.cmd("EHLO client.remote.test")
        self.assertEqual(s.cmd("MAIL FROM:<sender@remote.test>")[0], 250)
        self.assertEqual(s.cmd("RCPT TO:<alice@example.test>")[0], 250)
        first, second = MESSAGE[:40], MESSAGE[40:] + b".\r\n\r\n.\r\n"
        s.send(b"BDAT %d\r\n" % len(first) + first)
        self.assertEqual(s.reply()[0], 250)
        s.send(b"BDAT %d LAST\r\n" % len(second) + second)
        code, text = s.reply()
        self.assertEqual(code, 250, text)
        self.assertEqual(s.cmd("QUIT")[0], 221)
        self.assert_delivered("alice", MESSAGE + b".\r\n\r\n.\r\n", "alice@example.test")

    def test_pipelining(self):
        s = RawSmtp(self.h.address, self.h.smtp_port)
        s.reply()
        s.cmd("EHLO client.remote.test")
        s.send(b"MAIL FROM:<sender@remote.test>\r\nRCPT TO:<alice@example.test>\r\n"
               b"RCPT TO:<nobody@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n")
        self.assertEqual([s.reply()[0] for _ in range(5)], [250, 250, 550, 250, 354])
        s.send(MESSAGE + b".\r\nQUIT\r\n")
        self.assertEqual(s.reply()[0], 250)
        self.assertEqual(s.reply()[0], 221)
        self.assert_delivered("alice", MESSAGE, "alice@example.test")
        self.assert_delivered("bob", MESSAGE, "bob@example.test")


class ImplicitTlsTest(HeronTestCase):
    def test_implicit_tls_listener(self):
        h = self.heron()
        port = free_port()
        h.extra_listeners.append({"name": "mx-tls", "role": "mx", "address": "127.0.0.1",
                                  "port": port, "tls": "implicit"})
        h.write_config()
        h.add_domain("example.test")
        h.add_user("alice@example.test")
        h.start()
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with smtplib.SMTP_SSL("127.0.0.1", port, context=context, timeout=10) as s:
            code, _ = s.ehlo("client.remote.test")
            self.assertEqual(code, 250)
            self.assertFalse(s.has_extn("starttls"))
            s.sendmail("sender@remote.test", ["alice@example.test"], MESSAGE)
        msg = h.messages("alice@example.test")[0]
        self.assertIn(b"with ESMTPS id", msg)
        self.assertTrue(msg.endswith(MESSAGE))


class RejectionTest(HeronTestCase):
    def setUp(self):
        super().setUp()
        self.h = self.heron(limits={"max_message_size": 10000, "max_recipients": 5})
        self.h.add_domain("example.test")
        self.h.add_user("alice@example.test")
        self.h.start()
        self.s = RawSmtp(self.h.address, self.h.smtp_port)
        self.assertEqual(self.s.reply()[0], 220)
        self.assertEqual(self.s.cmd("EHLO client.remote.test")[0], 250)

    def tearDown(self):
        self.s.close()
        super().tearDown()

    def rcpt(self, address):
        self.s.cmd("RSET")
        self.assertEqual(self.s.cmd("MAIL FROM:<sender@remote.test>")[0], 250)
        return self.s.cmd(f"RCPT TO:{address}")

    def test_relay_refused(self):
        code, text = self.rcpt("<victim@remote.test>")
        self.assertEqual(code, 550)
        self.assertTrue(text.startswith("5.7.1"), text)

    def test_relay_tricks_refused(self):
        # None of these may reach remote.test: each is either relaying (5.7.1) or a local
        # part that matches no user (5.1.1). Nothing is accepted.
        for address in ("<victim%remote.test@example.test>",
                        "<remote.test!victim@example.test>",
                        "<@example.test:victim@remote.test>",
                        "<@example.test,@other.test:victim@remote.test>",
                        '<"victim@remote.test"@example.test>',
                        '<"victim%remote.test"@example.test>',
                        "<victim@remote.test@example.test>",
                        "<victim@[127.0.0.1]>",
                        "<alice@example.test.>",
                        "<victim@remote.test>"):
            code, text = self.rcpt(address)
            self.assertIn(code, (550, 501, 553), f"{address}: {code} {text}")
        self.assertEqual(self.h.uids("alice@example.test"), [])

    def test_unknown_user(self):
        code, text = self.rcpt("<nobody@example.test>")
        self.assertEqual(code, 550)
        self.assertTrue(text.startswith("5.1.1"), text)

    def test_size_declared_too_big(self):
        code, text = self.s.cmd("MAIL FROM:<sender@remote.test> SIZE=20000")
        self.assertEqual(code, 552)
        self.assertTrue(text.startswith("5.3.4"), text)

    def test_size_actual_too_big(self):
        self.rcpt("<alice@example.test>")
        self.assertEqual(self.s.cmd("DATA")[0], 354)
        self.s.send(b"Subject: big\r\n\r\n" + (b"x" * 998 + b"\r\n") * 12 + b".\r\n")
        code, text = self.s.reply()
        self.assertEqual(code, 552)
        self.assertTrue(text.startswith("5.3.4"), text)
        self.assertEqual(self.s.cmd("NOOP")[0], 250)
        self.assertEqual(self.h.uids("alice@example.test"), [])

    def test_too_many_recipients(self):
        self.s.cmd("MAIL FROM:<sender@remote.test>")
        for _ in range(5):
            self.assertEqual(self.s.cmd("RCPT TO:<alice@example.test>")[0], 250)
        code, text = self.s.cmd("RCPT TO:<alice@example.test>")
        self.assertEqual(code, 452)
        self.assertTrue(text.startswith("4.5.3"), text)

    def test_line_too_long(self):
        code, text = self.s.cmd("NOOP " + "x" * 1200)
        self.assertEqual(code, 500)
        self.assertTrue(text.startswith("5.5.2"), text)
        self.assertEqual(self.s.cmd("NOOP")[0], 250)

    def test_out_of_sequence(self):
        for line in ("RCPT TO:<alice@example.test>", "DATA"):
            code, text = self.s.cmd(line)
            self.assertEqual(code, 503, line)
            self.assertTrue(text.startswith("5.5.1"), text)
        self.s.cmd("MAIL FROM:<sender@remote.test>")
        code, _ = self.s.cmd("MAIL FROM:<sender@remote.test>")
        self.assertEqual(code, 503)

    def test_vrfy_and_help(self):
        self.assertEqual(self.s.cmd("VRFY alice")[0], 252)
        self.assertEqual(self.s.cmd("HELP")[0], 214)
        self.assertEqual(self.s.cmd("QUIT")[0], 221)


if __name__ == "__main__":
    unittest.main()
