"""Submission (MSA) end to end: ports 587 (STARTTLS) and 465 (implicit TLS) of the real binary
(RFC 6409, RFC 8314, RFC 4954 AUTH, RFC 5802/7677 SCRAM-SHA-256, RFC 3461 DSN parameters).

Clients: Python's smtplib (starttls + login, SMTP_SSL), swaks (Debian's package) with --tls and
--auth PLAIN/LOGIN, a raw socket for what those will not send, and a small SCRAM-SHA-256 client
written here from RFC 5802 with hashlib/hmac, independent of the server's code. What the server
did is read back from the store (`heron message get`) and the queue (`heron queue show`).
"""

import base64
import glob
import hashlib
import hmac
import os
import re
import shutil
import smtplib
import ssl
import subprocess
import unittest

from harness import HeronTestCase, RawSmtp

USER = "alice@example.test"
PASSWORD = "alice-password"
BOB = "bob@example.test"


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


def message(sender=USER, to=BOB, subject="hello", extra=""):
    headers = ""
    if sender is not None:
        headers += f"From: Alice <{sender}>\r\n"
    return (headers + f"To: <{to}>\r\nSubject: {subject}\r\n{extra}\r\n"
            "Body line.\r\n").encode()


def scram_login(s, user, password):
    """RFC 5802 client over a RawSmtp session in TLS; returns the final reply code."""
    cnonce = b64(os.urandom(18))
    bare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + cnonce
    code, text = s.cmd("AUTH SCRAM-SHA-256 " + b64("n,," + bare))
    if code != 334:
        return code
    server_first = base64.b64decode(text).decode()
    attrs = dict(kv.split("=", 1) for kv in server_first.split(","))
    assert attrs["r"].startswith(cnonce), server_first
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(attrs["s"]),
                                 int(attrs["i"]))
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    without_proof = "c=" + b64("n,,") + ",r=" + attrs["r"]
    auth_message = f"{bare},{server_first},{without_proof}".encode()
    signature = hmac.new(stored_key, auth_message, "sha256").digest()
    proof = bytes(a ^ b for a, b in zip(client_key, signature))
    code, text = s.cmd(b64(without_proof + ",p=" + b64(proof)))
    if code != 334:
        return code
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    expected = "v=" + b64(hmac.new(server_key, auth_message, "sha256").digest())
    assert base64.b64decode(text).decode() == expected, "server signature does not verify"
    code, _ = s.cmd("")
    return code


class SubmissionBase(HeronTestCase):
    heron_kwargs = {}

    def setUp(self):
        super().setUp()
        self.h = self.heron(submission=True, **self.heron_kwargs)
        self.h.add_domain("example.test")
        self.h.add_user(USER, PASSWORD)
        self.h.add_user(BOB, "bob-password")
        self.h.add_alias("sales@example.test", USER)
        self.h.start()

    def smtp(self):
        """smtplib on 587, after STARTTLS and EHLO, not logged in."""
        s = smtplib.SMTP(self.h.address, self.h.submission_port, timeout=15)
        s.starttls(context=tls_context())
        s.ehlo()
        return s

    def raw_tls(self):
        """A raw session on 587 after STARTTLS and EHLO."""
        s = RawSmtp(self.h.address, self.h.submission_port)
        self.addCleanup(s.close)
        s.reply()
        s.cmd("EHLO client.test")
        self.assertEqual(s.cmd("STARTTLS")[0], 220)
        s.sock = tls_context().wrap_socket(s.sock, server_hostname=self.h.hostname)
        self.assertEqual(s.cmd("EHLO client.test")[0], 250)
        return s

    def queue_ids(self):
        out = self.h.cli("queue", "list").stdout.decode()
        return [int(line.split()[0]) for line in out.splitlines()[1:] if line.strip()]


class SubmissionTest(SubmissionBase):
    def test_starttls_login_delivers_locally_with_fixups(self):
        with self.smtp() as s:
            self.assertIn("PLAIN", s.esmtp_features["auth"])
            self.assertIn("LOGIN", s.esmtp_features["auth"])
            self.assertIn("SCRAM-SHA-256", s.esmtp_features["auth"])
            self.assertTrue(s.has_extn("dsn"))
            self.assertEqual(s.login(USER, PASSWORD)[0], 235)
            self.assertEqual(s.sendmail(USER, [BOB], message()), {})
        msgs = self.h.messages(BOB)
        self.assertEqual(len(msgs), 1)
        m = msgs[0]
        received = m.split(b"\r\n\r\n")[0]
        self.assertRegex(received, rb"Received: from \S+ \(\[127\.0\.0\.1\]\)\r\n"
                                   rb"\tby mx\.example\.test \(Heron\) with ESMTPSA id (\w+)\r\n"
                                   rb"\t\(Authenticated sender: alice@example\.test\)")
        # RFC 6409 8.3: Date and Message-ID were missing and are added.
        self.assertRegex(m, rb"\r\nDate: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r\n")
        self.assertRegex(m, rb"\r\nMessage-ID: <\w+@mx\.example\.test>\r\n")
        self.assertIn(b"From: Alice <alice@example.test>\r\n", m)
        self.assertIn(b"Subject: hello\r\n\r\nBody line.\r\n", m)
        self.assertRegex(self.h.log_text(), r"smtp\.auth.*alice@example\.test.*PLAIN.*ok")

    def test_existing_date_and_message_id_are_kept(self):
        extra = "Date: Mon, 02 Nov 2026 10:00:00 +0000\r\nMessage-ID: <own@client.test>\r\n"
        with self.smtp() as s:
            s.login(USER, PASSWORD)
            s.sendmail(USER, [BOB], message(extra=extra))
        m = self.h.messages(BOB)[0]
        self.assertEqual(m.count(b"\r\nDate: "), 1)
        self.assertEqual(m.count(b"\r\nMessage-ID: "), 1)
        self.assertIn(b"Message-ID: <own@client.test>", m)

    def test_auth_login_mechanism(self):
        with self.smtp() as s:
            s.user, s.password = USER, PASSWORD
            code, _ = s.auth("LOGIN", s.auth_login, initial_response_ok=False)
            self.assertEqual(code, 235)
            s.sendmail(USER, [BOB], message())
        self.assertEqual(len(self.h.messages(BOB)), 1)

    def test_smtp_ssl_to_remote_recipient_is_queued_with_dsn(self):
        with smtplib.SMTP_SSL(self.h.address, self.h.submissions_port, timeout=15,
                              context=tls_context()) as s:
            s.ehlo()
            self.assertEqual(s.login(USER, PASSWORD)[0], 235)
            refused = s.sendmail(USER, ["carol@remote.example", BOB],
                                 message(to="carol@remote.example"),
                                 mail_options=["RET=HDRS", "ENVID=env+2B1"],
                                 rcpt_options=["NOTIFY=SUCCESS,FAILURE"])
            self.assertEqual(refused, {})
        self.assertEqual(len(self.h.messages(BOB)), 1)  # the local one, at once
        shows = [self.h.cli("queue", "show", str(i)).stdout.decode() for i in self.queue_ids()]
        self.assertEqual(len(shows), 2)
        # NOTIFY=SUCCESS on the local recipient: a "delivered" notice to the sender.
        notice = [s for s in shows if "origin: dsn\n" in s]
        self.assertEqual(len(notice), 1)
        self.assertIn("<alice@example.test>", notice[0])
        show = [s for s in shows if "origin: submission\n" in s][0]
        self.assertIn("sender: <alice@example.test>\n", show)
        self.assertIn("ret: HDRS\n", show)
        self.assertIn("envid: env+1\n", show)
        self.assertRegex(show, r"  <carol@remote\.example> queued .*\n    notify: SUCCESS,FAILURE")
        self.assertNotIn("bob@example.test", show)

    def test_swaks_plain_and_login(self):
        swaks = shutil.which("swaks")
        if swaks is None:
            self.skipTest("swaks is not installed (tools/install-deps.sh)")
        for mech in ("PLAIN", "LOGIN"):
            r = subprocess.run(
                [swaks, "--server", f"{self.h.address}:{self.h.submission_port}", "--tls",
                 "--auth", mech, "--auth-user", USER, "--auth-password", PASSWORD,
                 "--from", USER, "--to", BOB, "--header", f"Subject: swaks {mech}",
                 "--timeout", "15"],
                capture_output=True, timeout=60)
            out = r.stdout.decode(errors="replace")
            self.assertEqual(r.returncode, 0, out + r.stderr.decode(errors="replace"))
            self.assertIn("235 2.7.0 Authentication successful", out)
        r = subprocess.run(
            [swaks, "--server", f"{self.h.address}:{self.h.submissions_port}", "--tlsc",
             "--auth", "PLAIN", "--auth-user", USER, "--auth-password", PASSWORD,
             "--from", USER, "--to", BOB, "--header", "Subject: swaks 465", "--timeout", "15"],
            capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout.decode(errors="replace"))
        subjects = sorted(re.search(rb"Subject: (swaks \w+)", m).group(1)
                          for m in self.h.messages(BOB))
        self.assertEqual(subjects, [b"swaks 465", b"swaks LOGIN", b"swaks PLAIN"])

    def test_scram_sha256_independent_client(self):
        s = self.raw_tls()
        self.assertEqual(scram_login(s, USER, PASSWORD), 235)
        self.assertEqual(s.cmd(f"MAIL FROM:<{USER}>")[0], 250)
        self.assertEqual(s.cmd(f"RCPT TO:<{BOB}>")[0], 250)
        self.assertEqual(s.cmd("DATA")[0], 354)
        s.send(message() + b".\r\n")
        self.assertEqual(s.reply()[0], 250)
        self.assertEqual(len(self.h.messages(BOB)), 1)
        self.assertRegex(self.h.log_text(), r"smtp\.auth.*SCRAM-SHA-256.*ok")
        wrong = self.raw_tls()
        self.assertEqual(scram_login(wrong, USER, "not-the-password"), 535)
        unknown = self.raw_tls()
        self.assertEqual(scram_login(unknown, "nobody@example.test", PASSWORD), 535)

    def test_alias_sender_allowed(self):
        with self.smtp() as s:
            s.login(USER, PASSWORD)
            self.assertEqual(s.sendmail("sales@example.test", [BOB],
                                        message(sender="sales@example.test")), {})
            # plus-addressing resolves to the account too
            self.assertEqual(s.sendmail("alice+news@example.test", [BOB],
                                        message(sender="alice+news@example.test")), {})
        self.assertEqual(len(self.h.messages(BOB)), 2)


class SubmissionRejectionTest(SubmissionBase):
    heron_kwargs = {"auth": {"failure_delay": 0, "max_failures": 3, "lockout": "1h"}}

    def test_auth_and_mail_before_starttls(self):
        s = RawSmtp(self.h.address, self.h.submission_port)
        self.addCleanup(s.close)
        s.reply()
        code, text = s.cmd("EHLO client.test")
        self.assertNotIn("AUTH", text)
        self.assertIn("STARTTLS", text)
        self.assertEqual(s.cmd("AUTH PLAIN " + b64(f"\0{USER}\0{PASSWORD}")),
                         (530, "5.7.0 Must issue a STARTTLS command first"))
        self.assertEqual(s.cmd(f"MAIL FROM:<{USER}>")[0], 530)

    def test_mail_without_auth_after_tls(self):
        s = self.raw_tls()
        self.assertEqual(s.cmd(f"MAIL FROM:<{USER}>"), (530, "5.7.0 Authentication required"))

    def test_not_offered_on_mx(self):
        s = RawSmtp(self.h.address, self.h.smtp_port)
        self.addCleanup(s.close)
        s.reply()
        s.cmd("EHLO client.test")
        s.cmd("STARTTLS")
        s.sock = tls_context().wrap_socket(s.sock, server_hostname=self.h.hostname)
        code, text = s.cmd("EHLO client.test")
        self.assertNotIn("AUTH", text)
        self.assertEqual(s.cmd("AUTH PLAIN " + b64(f"\0{USER}\0{PASSWORD}"))[0], 502)
        # and no relaying from the MX without it
        s.cmd(f"MAIL FROM:<{USER}>")
        self.assertEqual(s.cmd("RCPT TO:<carol@remote.example>")[0], 550)

    def test_wrong_password_then_throttled(self):
        for _ in range(3):
            s = self.raw_tls()
            self.assertEqual(s.cmd("AUTH PLAIN " + b64(f"\0{USER}\0wrong")),
                             (535, "5.7.8 Authentication credentials invalid"))
        s = self.raw_tls()
        code, text = s.cmd("AUTH PLAIN " + b64(f"\0{USER}\0{PASSWORD}"))
        self.assertEqual(code, 454, text)  # locked out, even with the right password
        self.assertIn("Too many failed logins", text)
        log = self.h.log_text()
        self.assertEqual(len(re.findall(r"smtp\.auth.*127\.0\.0\.1.*alice@example\.test.*failed",
                                        log)), 3, log[-3000:])
        self.assertRegex(log, r"smtp\.auth.*locked_out")

    def test_account_locked_across_addresses(self):
        # Three failures against one account, each from another loopback address: the account
        # is locked for every address, another account is not.
        def attempt(source, user, password):
            s = smtplib.SMTP(self.h.address, self.h.submission_port, timeout=15,
                             source_address=(source, 0))
            try:
                s.starttls(context=tls_context())
                s.ehlo()
                code, _ = s.docmd("AUTH", "PLAIN " + b64(f"\0{user}\0{password}"))
                return code
            finally:
                s.close()

        for n in (2, 3, 4):
            self.assertEqual(attempt(f"127.0.0.{n}", USER, "wrong"), 535)
        self.assertEqual(attempt("127.0.0.5", USER, PASSWORD), 454)
        self.assertEqual(attempt("127.0.0.5", BOB, "bob-password"), 235)

    def test_forged_envelope_sender(self):
        with self.smtp() as s:
            s.login(USER, PASSWORD)
            with self.assertRaises(smtplib.SMTPSenderRefused) as cm:
                s.sendmail(BOB, [BOB], message(sender=BOB))
            self.assertEqual(cm.exception.smtp_code, 553)
            self.assertIn(b"5.7.1", cm.exception.smtp_error)
        self.assertEqual(self.h.messages(BOB), [])

    def test_forged_from_header(self):
        with self.smtp() as s:
            s.login(USER, PASSWORD)
            with self.assertRaises(smtplib.SMTPDataError) as cm:
                s.sendmail(USER, [BOB], message(sender="ceo@example.test"))
            self.assertEqual(cm.exception.smtp_code, 553)
            self.assertIn(b"5.7.1", cm.exception.smtp_error)
        self.assertEqual(self.h.messages(BOB), [])

    def test_sender_check_off_per_account(self):
        out = self.h.cli("user", "sender-check", USER, "off").stdout.decode()
        self.assertIn("sender check off", out)
        self.assertIn("(sender check off)", self.h.cli("user", "list").stdout.decode())
        with self.smtp() as s:
            s.login(USER, PASSWORD)
            self.assertEqual(s.sendmail(BOB, [BOB], message(sender="ceo@example.test")), {})
        self.assertEqual(len(self.h.messages(BOB)), 1)

    def test_no_from_header(self):
        with self.smtp() as s:
            s.login(USER, PASSWORD)
            with self.assertRaises(smtplib.SMTPDataError) as cm:
                s.sendmail(USER, [BOB], message(sender=None))
            self.assertEqual(cm.exception.smtp_code, 550)
            self.assertIn(b"5.6.0", cm.exception.smtp_error)
        self.assertEqual(self.h.messages(BOB), [])

    def test_starttls_injection_is_discarded(self):
        s = RawSmtp(self.h.address, self.h.submission_port)
        self.addCleanup(s.close)
        s.reply()
        s.cmd("EHLO client.test")
        s.send(b"STARTTLS\r\nAUTH PLAIN " + b64(f"\0{USER}\0{PASSWORD}").encode() + b"\r\n")
        self.assertEqual(s.reply()[0], 220)
        self.assertEqual(s.buf, b"", "server answered the injected command before TLS")
        s.sock = tls_context().wrap_socket(s.sock, server_hostname=self.h.hostname)
        self.assertEqual(s.cmd("EHLO client.test")[0], 250)
        # Had the pipelined AUTH run, MAIL would be accepted.
        self.assertEqual(s.cmd(f"MAIL FROM:<{USER}>")[0], 530)


class MxAuthTest(SubmissionBase):
    heron_kwargs = {"smtp": {"auth_on_mx": True}}

    def test_auth_on_mx_when_enabled(self):
        s = RawSmtp(self.h.address, self.h.smtp_port)
        self.addCleanup(s.close)
        s.reply()
        self.assertNotIn("AUTH", s.cmd("EHLO client.test")[1])  # not before TLS
        s.cmd("STARTTLS")
        s.sock = tls_context().wrap_socket(s.sock, server_hostname=self.h.hostname)
        self.assertIn("AUTH PLAIN LOGIN SCRAM-SHA-256", s.cmd("EHLO client.test")[1])
        # Without AUTH the MX still takes mail for local domains, and only that.
        self.assertEqual(s.cmd("MAIL FROM:<x@remote.test>")[0], 250)
        self.assertEqual(s.cmd("RCPT TO:<carol@remote.example>")[0], 550)
        self.assertEqual(s.cmd(f"RCPT TO:<{BOB}>")[0], 250)
        self.assertEqual(s.cmd("RSET")[0], 250)
        self.assertEqual(s.cmd("AUTH PLAIN " + b64(f"\0{USER}\0{PASSWORD}"))[0], 235)
        self.assertEqual(s.cmd(f"MAIL FROM:<{USER}>")[0], 250)
        self.assertEqual(s.cmd("RCPT TO:<carol@remote.example>")[0], 250)
        self.assertEqual(s.cmd("DATA")[0], 354)
        s.send(message(to="carol@remote.example") + b".\r\n")
        self.assertEqual(s.reply()[0], 250)
        ids = self.queue_ids()
        self.assertEqual(len(ids), 1)
        show = self.h.cli("queue", "show", str(ids[0])).stdout.decode()
        self.assertIn("<carol@remote.example>", show)
        self.assertIn("origin: mx\n", show)


class DsnTest(SubmissionBase):
    def test_notify_success_on_local_delivery_queues_a_delivered_notice(self):
        # RFC 3461 5.2.2, on the MX: the message is filed, and a "delivered" DSN for the one
        # recipient that asked is queued to the sender with the null reverse-path.
        with smtplib.SMTP(self.h.address, self.h.smtp_port, timeout=15) as s:
            s.ehlo()
            self.assertTrue(s.has_extn("dsn"))
            s.mail("someone@remote.test", ["RET=HDRS", "ENVID=track+2D1"])
            self.assertEqual(s.rcpt(BOB, ["NOTIFY=SUCCESS", "ORCPT=rfc822;Bob@example.test"])[0],
                             250)
            self.assertEqual(s.rcpt(USER, ["NOTIFY=FAILURE"])[0], 250)
            self.assertEqual(s.data(message(sender="someone@remote.test"))[0], 250)
        self.assertEqual(len(self.h.messages(BOB)), 1)
        self.assertEqual(len(self.h.messages(USER)), 1)
        ids = self.queue_ids()
        self.assertEqual(len(ids), 1)
        show = self.h.cli("queue", "show", str(ids[0])).stdout.decode()
        self.assertIn("origin: dsn\n", show)
        self.assertIn("sender: <>\n", show)
        self.assertIn("<someone@remote.test>", show)
        self.assertRegex(self.h.log_text(), r"smtp\.dsn .*to=someone@remote\.test.*recipients=1")
        body = self.queued_body()
        self.assertIn(b"Action: delivered", body)
        self.assertIn(b"Final-Recipient: rfc822; bob@example.test", body)
        self.assertIn(b"Original-Recipient: rfc822; Bob@example.test", body)
        self.assertIn(b"Original-Envelope-Id: track-1", body)
        self.assertNotIn(b"alice@example.test", body.split(b"Subject: hello")[0])

    def test_no_notice_without_notify_success(self):
        with smtplib.SMTP(self.h.address, self.h.smtp_port, timeout=15) as s:
            s.sendmail("someone@remote.test", [BOB], message(sender="someone@remote.test"),
                       rcpt_options=["NOTIFY=NEVER"])
            s.sendmail("", [BOB], message(sender="someone@remote.test"),
                       rcpt_options=["NOTIFY=SUCCESS"])  # null sender: never a notice
        self.assertEqual(len(self.h.messages(BOB)), 2)
        self.assertEqual(self.queue_ids(), [])

    def queued_body(self):
        files = [p for p in glob.glob(os.path.join(self.h.dir, "data", "queue", "*", "*"))
                 if ".tmp." not in p]
        self.assertEqual(len(files), 1, files)
        with open(files[0], "rb") as f:
            return f.read()


class SubmissionHiddenClientTest(SubmissionBase):
    heron_kwargs = {"sections": {"submission": {"hide_client_ip": True}}}

    def test_received_leaves_the_client_out(self):
        with self.smtp() as s:
            s.login(USER, PASSWORD)
            s.sendmail(USER, [BOB], message())
        m = self.h.messages(BOB)[0]
        self.assertRegex(m, rb"\r\nReceived: by mx\.example\.test \(Heron\) with ESMTPSA id \w+\r\n"
                            rb"\t\(Authenticated sender: alice@example\.test\)")
        self.assertNotIn(b"127.0.0.1", m)


if __name__ == "__main__":
    unittest.main()
