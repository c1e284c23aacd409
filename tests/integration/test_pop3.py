"""POP3 end to end: Python's poplib against the real binary (RFC 1939, 2449, 2595, 5034).

Mail arrives over SMTP (smtplib to the MX listener); every POP3 command is then driven with
poplib, and what POP3 returns is compared byte for byte with the store (`heron message get`).
"""

import base64
import imaplib
import poplib
import smtplib
import socket
import ssl
import time
import unittest

from harness import HeronTestCase

USER = "alice@example.test"
PASSWORD = "alice-password"


def message(n, extra=b""):
    return (b"From: Sender <sender@remote.test>\r\n"
            b"To: Alice <alice@example.test>\r\n"
            b"Subject: message " + str(n).encode() + b"\r\n"
            b"Message-ID: <m" + str(n).encode() + b"@remote.test>\r\n"
            b"\r\n"
            b"Body of message " + str(n).encode() + b".\r\n" + extra)


def tls_client_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def drop(p):
    """Closes a poplib session's connection without QUIT."""
    p.file.close()
    p.sock.close()


def plain_b64(authzid, authcid, password):
    return base64.b64encode(f"{authzid}\0{authcid}\0{password}".encode()).decode()


class Pop3Base(HeronTestCase):
    heron_kwargs = {}

    def setUp(self):
        super().setUp()
        self.h = self.heron(pop3=True, **self.heron_kwargs)
        self.h.add_domain("example.test")
        self.h.add_user(USER, PASSWORD)
        self.h.add_user("bob@example.test", "bob-password")
        self.h.start()

    def deliver(self, *bodies, rcpt=USER):
        with smtplib.SMTP(self.h.address, self.h.smtp_port, timeout=10) as s:
            for body in bodies:
                self.assertEqual(s.sendmail("sender@remote.test", [rcpt], body), {})

    def pop3(self):
        """A POP3 session on the STLS port, after STLS, not yet logged in."""
        p = poplib.POP3(self.h.address, self.h.pop3_port, timeout=15)
        p.stls(tls_client_context())
        return p

    def pop3s(self):
        return poplib.POP3_SSL(self.h.address, self.h.pop3s_port, timeout=15,
                               context=tls_client_context())

    def login(self, p, user=USER, password=PASSWORD):
        p.user(user)
        return p.pass_(password)

    def stored(self, user=USER):
        return {uid: self.h.message(user, uid) for uid in self.h.uids(user)}


class Pop3CommandsTest(Pop3Base):
    def test_every_command(self):
        bodies = [message(1), message(2, b".leading dot\r\n..two dots\r\n.\r\nend\r\n"),
                  message(3)]
        self.deliver(*bodies)
        stored = self.stored()
        uids = sorted(stored)
        self.assertEqual(len(uids), 3)

        p = poplib.POP3(self.h.address, self.h.pop3_port, timeout=15)
        self.assertTrue(p.getwelcome().startswith(b"+OK"))
        capa = p.capa()
        for cap in ("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "STLS",
                    "UTF8", "IMPLEMENTATION"):
            self.assertIn(cap, capa)
        self.assertNotIn("USER", capa)  # not before TLS
        self.assertNotIn("SASL", capa)
        p.stls(tls_client_context())
        capa = p.capa()
        self.assertIn("USER", capa)
        self.assertEqual(capa["SASL"], ["PLAIN"])
        self.assertNotIn("STLS", capa)
        self.assertEqual(p.utf8(), b"+OK UTF8 enabled")

        self.assertTrue(self.login(p).startswith(b"+OK Logged in, maildrop has 3 messages"))
        sizes = [len(stored[u]) for u in uids]
        self.assertEqual(p.stat(), (3, sum(sizes)))
        resp, listing, _ = p.list()
        self.assertTrue(resp.startswith(b"+OK"))
        self.assertEqual(listing, [f"{i + 1} {s}".encode() for i, s in enumerate(sizes)])
        self.assertEqual(p.list(2), f"+OK 2 {sizes[1]}".encode())
        resp, ids, _ = p.uidl()
        self.assertEqual(len(ids), 3)
        uidls = [line.split()[1] for line in ids]
        self.assertEqual(len(set(uidls)), 3)
        self.assertEqual([u.split(b"-")[1] for u in uidls], [str(u).encode() for u in uids])
        self.assertEqual(p.uidl(3), b"+OK 3 " + uidls[2])

        # RETR: byte-exact after poplib's un-stuffing, for each message.
        for i, uid in enumerate(uids):
            resp, lines, octets = p.retr(i + 1)
            self.assertEqual(resp, f"+OK {sizes[i]} octets".encode())
            self.assertEqual(b"\r\n".join(lines) + b"\r\n", stored[uid])
        # TOP n 0: the header and the blank line; TOP n 1: one body line more.
        header = stored[uids[1]].split(b"\r\n\r\n", 1)[0]
        _, lines, _ = p.top(2, 0)
        self.assertEqual(b"\r\n".join(lines), header + b"\r\n")
        _, lines, _ = p.top(2, 1)
        self.assertEqual(lines[-1], b"Body of message 2.")

        self.assertEqual(p.noop(), b"+OK")
        self.assertEqual(p.dele(1), b"+OK Message 1 deleted")
        with self.assertRaises(poplib.error_proto) as e:
            p.retr(1)
        self.assertEqual(e.exception.args[0], b"-ERR No such message")
        self.assertEqual(p.stat(), (2, sum(sizes[1:])))
        self.assertTrue(p.rset().startswith(b"+OK maildrop has 3 messages"))
        self.assertEqual(p.stat(), (3, sum(sizes)))
        p.dele(1)
        p.dele(3)
        self.assertEqual(p.quit(), b"+OK Logging out")
        self.assertEqual(self.h.uids(USER), [uids[1]])

    def test_wire_bytes_are_dot_stuffed_crlf(self):
        self.deliver(message(1, b".hidden\r\n"))
        (uid,) = self.h.uids(USER)
        stored = self.h.message(USER, uid)
        with socket.create_connection((self.h.address, self.h.pop3s_port), timeout=10) as raw:
            s = tls_client_context().wrap_socket(raw)
            buf = b""

            def until(marker):
                nonlocal buf
                while marker not in buf:
                    chunk = s.recv(65536)
                    self.assertTrue(chunk, buf)
                    buf += chunk
                head, _, buf = buf.partition(marker)
                return head + marker

            until(b"\r\n")
            s.sendall(b"AUTH PLAIN " + plain_b64("", USER, PASSWORD).encode() + b"\r\n"
                      b"RETR 1\r\n")  # pipelined
            self.assertTrue(until(b"\r\n").startswith(b"+OK Logged in"))
            reply = until(b"\r\n.\r\n")
            expected = (f"+OK {len(stored)} octets\r\n".encode() +
                        stored.replace(b"\r\n.", b"\r\n..") + b".\r\n")
            self.assertEqual(reply, expected)
            self.assertIn(b"\r\n..hidden\r\n", reply)
            s.sendall(b"QUIT\r\n")
            self.assertEqual(until(b"\r\n"), b"+OK Logging out\r\n")

    def test_auth_plain_implicit_tls_and_continuation(self):
        self.deliver(message(1))
        p = self.pop3s()
        self.assertIn("SASL", p.capa())
        resp = p._shortcmd("AUTH PLAIN " + plain_b64("", USER, PASSWORD))
        self.assertTrue(resp.startswith(b"+OK Logged in, maildrop has 1 messages"), resp)
        p.quit()
        # Without an initial response: "+ " then the response line (RFC 5034 4).
        p = self.pop3s()
        p._putcmd("AUTH PLAIN")
        self.assertEqual(p._getline()[0], b"+ ")
        resp = p._shortcmd(plain_b64(USER, USER, PASSWORD))
        self.assertTrue(resp.startswith(b"+OK Logged in"), resp)
        p.quit()
        # Cancelled, a foreign authzid, and a wrong password.
        p = self.pop3s()
        p._putcmd("AUTH PLAIN")
        p._getline()
        with self.assertRaises(poplib.error_proto) as e:
            p._shortcmd("*")
        self.assertEqual(e.exception.args[0], b"-ERR Authentication cancelled")
        with self.assertRaises(poplib.error_proto) as e:
            p._shortcmd("AUTH PLAIN " + plain_b64("bob@example.test", USER, PASSWORD))
        self.assertTrue(e.exception.args[0].startswith(b"-ERR [AUTH] Authorization identity"))
        with self.assertRaises(poplib.error_proto) as e:
            p._shortcmd("AUTH PLAIN " + plain_b64("", USER, "wrong"))
        self.assertEqual(e.exception.args[0], b"-ERR [AUTH] Authentication failed")
        p.quit()

    def test_wrong_password(self):
        p = self.pop3()
        p.user(USER)
        with self.assertRaises(poplib.error_proto) as e:
            p.pass_("not-the-password")
        self.assertEqual(e.exception.args[0], b"-ERR [AUTH] Authentication failed")
        self.assertIn("pop3.login", self.h.log_text())
        self.assertIn("result=failed", self.h.log_text())
        self.login(p)  # the same connection may try again
        p.quit()

    def test_user_refused_before_tls(self):
        p = poplib.POP3(self.h.address, self.h.pop3_port, timeout=15)
        with self.assertRaises(poplib.error_proto) as e:
            p.user(USER)
        self.assertTrue(e.exception.args[0].startswith(b"-ERR [AUTH] Plaintext authentication"))
        with self.assertRaises(poplib.error_proto):
            p._shortcmd("AUTH PLAIN " + plain_b64("", USER, PASSWORD))
        p.quit()

    def test_commands_pipelined_behind_stls_are_dropped(self):
        # CVE-2011-0411 for POP3 (RFC 2595 4): whatever came in the same read as STLS is
        # discarded, never run as if it had come over TLS.
        sock = socket.create_connection((self.h.address, self.h.pop3_port), timeout=10)
        self.addCleanup(sock.close)

        def line():
            data = b""
            while not data.endswith(b"\r\n"):
                chunk = sock.recv(1)
                if not chunk:
                    raise ConnectionError("closed after " + repr(data))
                data += chunk
            return data

        self.assertTrue(line().startswith(b"+OK"))
        sock.sendall(b"STLS\r\nUSER " + USER.encode() + b"\r\nPASS " + PASSWORD.encode() +
                     b"\r\n")
        self.assertTrue(line().startswith(b"+OK"))
        sock.settimeout(0.5)
        with self.assertRaises(socket.timeout):  # nothing answers USER/PASS in plaintext
            sock.recv(1)
        tls = tls_client_context().wrap_socket(sock, server_hostname=self.h.hostname)
        tls.settimeout(10)
        tls.sendall(b"STAT\r\n")
        reply = tls.recv(4096)
        # Had the injected USER/PASS run, STAT would answer +OK.
        self.assertTrue(reply.startswith(b"-ERR"), reply)
        tls.close()

    def test_in_use(self):
        self.deliver(message(1))
        first = self.pop3()
        self.login(first)
        second = self.pop3s()
        second.user(USER)
        with self.assertRaises(poplib.error_proto) as e:
            second.pass_(PASSWORD)
        self.assertTrue(e.exception.args[0].startswith(b"-ERR [IN-USE]"), e.exception.args[0])
        # Another account is not affected.
        other = self.pop3s()
        self.login(other, "bob@example.test", "bob-password")
        other.quit()
        # The lock is released when the first session ends, even without QUIT.
        drop(first)
        deadline = time.time() + 10
        while True:
            second.user(USER)
            try:
                second.pass_(PASSWORD)
                break
            except poplib.error_proto as err:
                self.assertTrue(err.args[0].startswith(b"-ERR [IN-USE]"))
                self.assertLess(time.time(), deadline, "lock never released")
                time.sleep(0.1)
        self.assertEqual(second.stat()[0], 1)
        second.quit()

    def test_no_quit_removes_nothing(self):
        self.deliver(message(1), message(2))
        before = self.h.uids(USER)
        p = self.pop3()
        self.login(p)
        p.dele(1)
        p.dele(2)
        drop(p)  # dropped without QUIT: RFC 1939 6, no UPDATE state
        # The session has ended once its lock is free again; only then is the check fair.
        deadline = time.time() + 10
        while "pop3.disconnect" not in self.h.log_text().split("pop3.login")[-1]:
            self.assertLess(time.time(), deadline, "session did not end")
            time.sleep(0.05)
        self.assertEqual(self.h.uids(USER), before)
        p = self.pop3()
        self.login(p)
        self.assertEqual(p.stat()[0], 2)
        p.quit()

    def test_deletes_durable_and_uidl_stable_across_kill9(self):
        self.deliver(message(1), message(2), message(3))
        p = self.pop3()
        self.login(p)
        _, ids, _ = p.uidl()
        uidls = [line.split()[1] for line in ids]
        p.dele(2)
        self.assertEqual(p.quit(), b"+OK Logging out")
        self.h.kill9()  # right after the +OK
        self.h.start()
        self.assertEqual(len(self.h.uids(USER)), 2)
        p = self.pop3()
        self.login(p)
        _, ids, _ = p.uidl()
        self.assertEqual([line.split()[1] for line in ids], [uidls[0], uidls[2]])
        p.quit()

    def test_pop3_deletes_disappear_for_other_readers(self):
        # The store is shared: what POP3 removes is gone from the CLI's view (and IMAP's).
        self.deliver(message(1), message(2))
        uids = self.h.uids(USER)
        p = self.pop3()
        self.login(p)
        p.dele(1)
        p.quit()
        self.assertEqual(self.h.uids(USER), uids[1:])

class Pop3WithImapTest(Pop3Base):
    """POP3 and IMAP on the same maildrop, at the same time."""
    heron_kwargs = {"imap": True, "auth": {"failure_delay": 0, "max_failures": 3,
                                           "lockout": "1h"}}

    def imap(self):
        m = imaplib.IMAP4(self.h.address, self.h.imap_port, timeout=15)
        m.login(USER, PASSWORD)
        self.addCleanup(self._logout, m)
        return m

    @staticmethod
    def _logout(m):
        try:
            m.logout()
        except (imaplib.IMAP4.error, OSError):
            pass

    def test_pop3_deletions_vanish_in_imap_and_imap_flags_keep_uidls(self):
        self.deliver(message(1), message(2), message(3))
        m = self.imap()
        typ, data = m.select("INBOX")
        self.assertEqual((typ, data), ("OK", [b"3"]))
        # An IMAP flag change while a POP3 session holds the maildrop: the UIDLs stay.
        p = self.pop3()
        self.login(p)
        _, before, _ = p.uidl()
        self.assertEqual(m.uid("STORE", "1:*", "+FLAGS", r"(\Seen \Flagged)")[0], "OK")
        _, during, _ = p.uidl()
        self.assertEqual(during, before)
        # RETR through POP3 gives the bytes IMAP gives.
        _, lines, _ = p.retr(2)
        typ, data = m.fetch("2", "(BODY.PEEK[])")
        self.assertEqual(typ, "OK")
        self.assertEqual(b"\r\n".join(lines) + b"\r\n", data[0][1])
        p.dele(2)
        self.assertEqual(p.quit(), b"+OK Logging out")
        # The selected IMAP session learns of the removal, as an EXPUNGE of message 2.
        typ, data = m.noop()
        self.assertEqual(typ, "OK")
        self.assertIn(b"2", m.response("EXPUNGE")[1])
        typ, data = m.search(None, "ALL")
        self.assertEqual(data, [b"1 2"])
        typ, data = m.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        subjects = [part[1].strip() for part in data if isinstance(part, tuple)]
        self.assertEqual(subjects, [b"Subject: message 1", b"Subject: message 3"])
        # A new POP3 session: the same UIDLs for the two left, after IMAP changed their flags.
        p = self.pop3()
        self.login(p)
        _, after, _ = p.uidl()
        self.assertEqual([line.split()[1] for line in after],
                         [before[0].split()[1], before[2].split()[1]])
        p.quit()

    def test_imap_expunge_is_seen_by_the_next_pop3_session(self):
        self.deliver(message(1), message(2))
        m = self.imap()
        m.select("INBOX")
        m.store("1", "+FLAGS", r"(\Deleted)")
        m.expunge()
        p = self.pop3()
        self.login(p)
        self.assertEqual(p.stat()[0], 1)
        _, lines, _ = p.top(1, 0)
        self.assertIn(b"Subject: message 2", lines)
        p.quit()

    def test_failed_logins_count_across_imap_and_pop3(self):
        # Two failures over IMAP and one over POP3 reach max_failures (3) for the address:
        # both protocols then refuse even the right password.
        for _ in range(2):
            m = imaplib.IMAP4(self.h.address, self.h.imap_port, timeout=15)
            with self.assertRaises(imaplib.IMAP4.error):
                m.login(USER, "wrong")
            m.shutdown()
        p = self.pop3()
        p.user(USER)
        with self.assertRaises(poplib.error_proto):
            p.pass_("wrong")
        p.user(USER)
        with self.assertRaises(poplib.error_proto) as e:
            p.pass_(PASSWORD)
        self.assertTrue(e.exception.args[0].startswith(b"-ERR [SYS/TEMP] Too many failed"),
                        e.exception.args[0])
        p.quit()
        m = imaplib.IMAP4(self.h.address, self.h.imap_port, timeout=15)
        with self.assertRaises(imaplib.IMAP4.error) as e:
            m.login(USER, PASSWORD)
        self.assertIn("[UNAVAILABLE] Too many failed logins", str(e.exception))
        m.shutdown()


class Pop3LoopbackPlaintextTest(Pop3Base):
    heron_kwargs = {"tls": False,
                    "auth": {"plaintext_on_loopback": True, "failure_delay": 0,
                             "max_failures": 3, "lockout": "1h"}}

    def test_plaintext_allowed_on_loopback(self):
        self.deliver(message(1))
        p = poplib.POP3(self.h.address, self.h.pop3_port, timeout=15)
        capa = p.capa()
        self.assertIn("USER", capa)
        self.assertNotIn("STLS", capa)
        self.login(p)
        self.assertEqual(p.stat()[0], 1)
        p.quit()

    def test_throttle_locks_out_after_failures(self):
        p = poplib.POP3(self.h.address, self.h.pop3_port, timeout=15)
        for _ in range(3):
            p.user(USER)
            with self.assertRaises(poplib.error_proto) as e:
                p.pass_("wrong")
            self.assertEqual(e.exception.args[0], b"-ERR [AUTH] Authentication failed")
        # Locked out now: even the right password is refused, on a new connection too.
        p.user(USER)
        with self.assertRaises(poplib.error_proto) as e:
            p.pass_(PASSWORD)
        self.assertTrue(e.exception.args[0].startswith(
            b"-ERR [SYS/TEMP] Too many failed logins, try again in "), e.exception.args[0])
        p.quit()
        p = poplib.POP3(self.h.address, self.h.pop3_port, timeout=15)
        with self.assertRaises(poplib.error_proto):
            p._shortcmd("AUTH PLAIN " + plain_b64("", USER, PASSWORD))
        p.quit()
        self.assertIn("result=locked_out", self.h.log_text())


class Pop3DelayTest(Pop3Base):
    heron_kwargs = {"auth": {"failure_delay": 1, "max_delay": 2}}

    def test_failed_login_is_answered_after_a_delay(self):
        p = self.pop3s()
        p.user(USER)
        start = time.monotonic()
        with self.assertRaises(poplib.error_proto):
            p.pass_("wrong")
        self.assertGreaterEqual(time.monotonic() - start, 0.9)
        p.quit()


if __name__ == "__main__":
    unittest.main()
