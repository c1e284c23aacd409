"""Operations: the HTTP endpoint (/metrics checked by promtool, /healthz, /status), `heron
status`, --log-format, SIGHUP reloads (good and bad config, sessions kept) and the graceful
SIGTERM (in-flight transactions finish; every acknowledged message is in the store after a
restart).
"""

import http.client
import imaplib
import json
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import threading
import time
import unittest

from harness import HeronTestCase

USER = "alice@example.test"


def message(tag, sender="load@remote.test"):
    return (f"From: {sender}\r\nTo: {USER}\r\nSubject: {tag}\r\n"
            f"Message-ID: <{tag}@remote.test>\r\n\r\nbody of {tag}\r\n").encode()


def read_reply(sock):
    """One SMTP reply (all its lines), or b"" when the peer closed."""
    data = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return data
        data += chunk
        lines = data.split(b"\r\n")
        if len(lines) >= 2 and len(lines[-2]) >= 4 and lines[-2][3:4] == b" ":
            return data


class OperationsTestCase(HeronTestCase):
    def start_heron(self, **kwargs):
        kwargs.setdefault("http", True)
        kwargs.setdefault("tls", False)
        h = self.heron(**kwargs)
        h.add_domain("example.test")
        h.add_user(USER)
        h.start()
        return h

    def get(self, h, path, method="GET", headers=None):
        conn = http.client.HTTPConnection(h.address, h.http_port, timeout=10)
        try:
            conn.request(method, path, headers=headers or {})
            res = conn.getresponse()
            return res.status, res.getheader("Content-Type"), res.read()
        finally:
            conn.close()

    def wait_for_log(self, h, text, count=1, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if h.log_text().count(text) >= count:
                return
            time.sleep(0.05)
        self.fail(f"{text!r} not logged:\n{h.log_tail()}")

    def subjects(self, h):
        out = h.cli("message", "list", USER).stdout.decode()
        return out


class EndpointTest(OperationsTestCase):
    def test_metrics_pass_promtool_and_cover_traffic(self):
        h = self.start_heron()
        with smtplib.SMTP(h.address, h.smtp_port, timeout=10) as s:
            s.sendmail("load@remote.test", [USER], message("m1"))
            with self.assertRaises(smtplib.SMTPRecipientsRefused):
                s.sendmail("load@remote.test", ["nobody@example.test"], message("m2"))
        status, ctype, body = self.get(h, "/metrics")
        self.assertEqual(status, 200)
        self.assertEqual(ctype, "text/plain; version=0.0.4; charset=utf-8")
        text = body.decode()
        for line in ('heron_connections_total{listener="mx"} 1',
                     'heron_smtp_transactions_total{listener="mx"} 1',
                     "heron_smtp_messages_accepted_total 1",
                     'heron_smtp_rejects_total{reason="unknown_user"} 1',
                     'heron_store_commit_seconds_count{scope="store"} 1',
                     "heron_queue_messages 0",
                     "# TYPE heron_store_commit_seconds histogram",
                     "# TYPE heron_connections_active gauge"):
            self.assertIn(line + "\n", text)
        promtool = shutil.which("promtool")
        if promtool is None:
            self.skipTest("promtool is not installed (Debian package prometheus)")
        check = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True,
                               timeout=60)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertEqual(check.stdout + check.stderr, b"")

    def test_tls_versions_are_counted(self):
        h = self.start_heron(tls=True)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_2
        with smtplib.SMTP(h.address, h.smtp_port, timeout=10) as s:
            s.starttls(context=context)
            s.ehlo()
        text = self.get(h, "/metrics")[2].decode()
        self.assertIn('heron_tls_handshakes_total{version="TLSv1.2"} 1\n', text)

    def test_healthz_404_405_and_limits(self):
        h = self.start_heron()
        self.assertEqual(self.get(h, "/healthz")[::2], (200, b"ok\n"))
        self.assertEqual(self.get(h, "/nothing")[0], 404)
        self.assertEqual(self.get(h, "/metrics", method="POST")[0], 405)
        status, _, body = self.get(h, "/healthz", method="HEAD")
        self.assertEqual((status, body), (200, b""))
        # An oversized request header is refused with 431 (RFC 6585 5).
        self.assertEqual(self.get(h, "/healthz", headers={"X-Big": "a" * 20000})[0], 431)
        # A client that says nothing is not answered, and the endpoint keeps serving.
        with socket.create_connection((h.address, h.http_port)) as idle:
            self.assertEqual(self.get(h, "/healthz")[0], 200)
            idle.sendall(b"GARBAGE\r\n\r\n")
            self.assertTrue(idle.recv(100).startswith(b"HTTP/1.1 400"))

    def test_status_document_and_command(self):
        h = self.start_heron(imap=True)
        with smtplib.SMTP(h.address, h.smtp_port, timeout=10) as s:
            s.sendmail("load@remote.test", [USER], message("m1"))
        status, ctype, body = self.get(h, "/status")
        self.assertEqual((status, ctype), (200, "application/json"))
        doc = json.loads(body)
        self.assertEqual(doc["hostname"], "mx.example.test")
        self.assertGreaterEqual(doc["uptime_seconds"], 0)
        self.assertFalse(doc["shutting_down"])
        by_name = {l["name"]: l for l in doc["listeners"]}
        self.assertEqual(by_name["mx"]["port"], h.smtp_port)
        self.assertEqual(by_name["mx"]["role"], "mx")
        self.assertEqual(by_name["imap"]["port"], h.imap_port)
        self.assertEqual(doc["queue"]["messages"], 0)
        self.assertGreater(doc["store"]["bytes"], 0)

        # One open IMAP connection shows up in the listener's count.
        imap = imaplib.IMAP4(h.address, h.imap_port)
        try:
            deadline = time.time() + 5
            while time.time() < deadline:
                doc = json.loads(self.get(h, "/status")[2])
                if {l["name"]: l for l in doc["listeners"]}["imap"]["connections"] == 1:
                    break
                time.sleep(0.05)
            self.assertEqual(doc["connections"], 1)
        finally:
            imap.logout()

        out = h.cli("status").stdout.decode()
        self.assertIn("heron ", out)
        self.assertIn("on mx.example.test, up ", out)
        self.assertRegex(out, rf"\n  mx +mx +127\.0\.0\.1:{h.smtp_port}  \d+ connections\n")
        self.assertIn("queue: 0 messages", out)
        as_json = json.loads(h.cli("status", "--json").stdout)
        self.assertEqual(as_json["hostname"], "mx.example.test")

        h.stop()
        gone = h.cli("status", check=False)
        self.assertEqual(gone.returncode, 1)
        self.assertIn(b"is it running?", gone.stderr)

    def test_queue_gauges(self):
        # A message for a remote domain waits in the queue (no DNS answers here).
        h = self.start_heron(submission=True, auth={"plaintext_on_loopback": True,
                                                    "failure_delay": 0})
        with smtplib.SMTP(h.address, h.submission_port, timeout=10) as s:
            s.login(USER, "secret-password")
            s.sendmail(USER, ["bob@remote.test"], message("queued", sender=USER))
        text = self.get(h, "/metrics")[2].decode()
        self.assertIn("heron_queue_messages 1\n", text)
        self.assertIn("heron_queue_recipients 1\n", text)
        self.assertIn('heron_store_commit_seconds_count{scope="queue"}', text)
        doc = json.loads(self.get(h, "/status")[2])
        self.assertEqual(doc["queue"]["messages"], 1)

    def test_log_format_json_from_the_command_line(self):
        h = self.heron(tls=False)
        h.start(serve_args=("--log-format", "json"))
        ready = [l for l in h.log_text().splitlines() if '"server.ready"' in l]
        self.assertEqual(len(ready), 1)
        doc = json.loads(ready[0])
        self.assertEqual((doc["level"], doc["event"]), ("info", "server.ready"))
        self.assertIn("ts", doc)


class ReloadTest(OperationsTestCase):
    def test_sighup_good_config_applies_log_level_and_keeps_sessions(self):
        h = self.start_heron()
        s = smtplib.SMTP(h.address, h.smtp_port, timeout=10)
        s.ehlo()
        self.assertNotIn(" debug ", h.log_text())
        h.sections["log"] = {"level": "debug"}
        h.limits["max_recipients"] = 5
        h.write_config()
        h.proc.send_signal(signal.SIGHUP)
        self.wait_for_log(h, "config.reloaded")
        self.assertIn("restart_needed=limits", h.log_text())
        # The session opened before the reload goes on; the new level is in effect.
        self.assertEqual(s.sendmail("load@remote.test", [USER], message("after-hup")), {})
        s.quit()
        self.wait_for_log(h, " debug ")
        self.assertIsNone(h.proc.poll())
        self.assertIn("after-hup", self.subjects(h))
        self.assertIn('heron_config_reloads_total{result="ok"} 1',
                      self.get(h, "/metrics")[2].decode())

    def test_sighup_bad_config_is_refused_and_old_one_kept(self):
        h = self.start_heron()
        s = smtplib.SMTP(h.address, h.smtp_port, timeout=10)
        s.ehlo()
        with open(h.config_path, "a", encoding="utf-8") as f:
            f.write("\n[limits]\nmax_recipients = \"many\"\n")
        h.proc.send_signal(signal.SIGHUP)
        self.wait_for_log(h, "config.reload.failed")
        line = [l for l in h.log_text().splitlines() if "config.reload.failed" in l][0]
        self.assertIn(" error ", line)
        self.assertIn("heron.toml:", line)
        self.assertIsNone(h.proc.poll())
        # Old and new sessions both work.
        self.assertEqual(s.sendmail("load@remote.test", [USER], message("old-session")), {})
        s.quit()
        with smtplib.SMTP(h.address, h.smtp_port, timeout=10) as s2:
            self.assertEqual(s2.sendmail("load@remote.test", [USER], message("new-session")), {})
        self.assertEqual(self.get(h, "/healthz")[0], 200)
        self.assertIn('heron_config_reloads_total{result="failed"} 1',
                      self.get(h, "/metrics")[2].decode())


class ShutdownTest(OperationsTestCase):
    def wait_exit(self, h, timeout):
        try:
            return h.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.fail(f"heron did not exit within {timeout}s:\n{h.log_tail()}")

    def test_sigterm_under_load_loses_nothing_acknowledged(self):
        h = self.start_heron(sections={"server": {"shutdown_timeout": "10s"}},
                             limits={"max_connections_per_ip": 100})
        acknowledged = []
        errors = []
        lock = threading.Lock()
        stop = threading.Event()

        def client(n):
            i = 0
            while not stop.is_set():
                try:
                    with smtplib.SMTP(h.address, h.smtp_port, timeout=20) as s:
                        while not stop.is_set():
                            tag = f"load-{n}-{i}"
                            i += 1
                            s.sendmail("load@remote.test", [USER], message(tag))
                            with lock:
                                acknowledged.append(tag)
                except (smtplib.SMTPException, OSError) as e:
                    with lock:
                        errors.append(repr(e))
                    if h.proc.poll() is not None or stop.is_set():
                        return
                    time.sleep(0.01)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        deadline = time.time() + 20
        while len(acknowledged) < 30 and time.time() < deadline:
            time.sleep(0.05)
        self.assertGreaterEqual(len(acknowledged), 30, errors[:5])
        h.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.wait_exit(h, 15), 0, h.log_tail())
        stop.set()
        for t in threads:
            t.join(30)
        self.assertIn("server.stopping", h.log_text())
        self.assertIn("server.stopped", h.log_text())
        # Clients were told: 421 on their next command, or the connection went away.
        self.assertTrue(errors)

        h.start()
        stored = h.cli("message", "list", USER).stdout.decode()
        missing = [tag for tag in acknowledged if f" {tag}\n" not in stored + "\n"]
        self.assertEqual(missing, [], f"{len(missing)} of {len(acknowledged)} lost")

    def test_data_in_flight_finishes_then_421(self):
        h = self.start_heron()
        a = socket.create_connection((h.address, h.smtp_port), timeout=10)
        idle = socket.create_connection((h.address, h.smtp_port), timeout=10)
        self.assertTrue(read_reply(a).startswith(b"220"))
        self.assertTrue(read_reply(idle).startswith(b"220"))
        for cmd, code in ((b"EHLO client.test", b"250"), (b"MAIL FROM:<load@remote.test>", b"250"),
                          (f"RCPT TO:<{USER}>".encode(), b"250"), (b"DATA", b"354")):
            a.sendall(cmd + b"\r\n")
            self.assertTrue(read_reply(a).startswith(code), cmd)
        a.sendall(b"Subject: in-flight\r\n\r\nfirst half\r\n")
        time.sleep(0.2)
        h.proc.send_signal(signal.SIGTERM)
        # A session waiting for a command hears 421 at once.
        self.assertEqual(read_reply(idle), b"421 4.3.2 mx.example.test Service shutting down\r\n")
        self.assertEqual(idle.recv(100), b"")
        time.sleep(0.3)
        self.assertIsNone(h.proc.poll(), "exited with a transaction in flight")
        a.sendall(b"second half\r\n.\r\n")
        reply = read_reply(a)
        self.assertTrue(reply.startswith(b"250 2.0.0 "), reply)
        if b"421" not in reply:
            reply = read_reply(a)
        self.assertTrue(reply.endswith(b"421 4.3.2 mx.example.test Service shutting down\r\n"), reply)
        self.assertEqual(self.wait_exit(h, 10), 0)
        a.close()
        idle.close()
        body = h.message(USER, 1)
        self.assertTrue(body.endswith(b"Subject: in-flight\r\n\r\nfirst half\r\nsecond half\r\n"), body)

    def test_shutdown_timeout_cuts_a_stalled_transaction(self):
        h = self.start_heron(sections={"server": {"shutdown_timeout": "1s"}})
        a = socket.create_connection((h.address, h.smtp_port), timeout=10)
        read_reply(a)
        for cmd in (b"EHLO client.test", b"MAIL FROM:<load@remote.test>",
                    f"RCPT TO:<{USER}>".encode(), b"DATA"):
            a.sendall(cmd + b"\r\n")
            read_reply(a)
        a.sendall(b"Subject: stalled\r\n\r\nnever finished\r\n")
        started = time.time()
        h.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.wait_exit(h, 10), 0)
        self.assertLess(time.time() - started, 8)
        self.assertIn("server.shutdown.timeout", h.log_text())
        a.close()
        self.assertEqual(h.uids(USER), [])  # never acknowledged, so not there either

    def test_imap_bye_and_pop3_err_on_sigterm(self):
        h = self.start_heron(imap=True, pop3=True,
                             auth={"plaintext_on_loopback": True, "failure_delay": 0})
        imap = socket.create_connection((h.address, h.imap_port), timeout=10)
        self.assertTrue(imap.recv(4096).startswith(b"* OK"))
        imap.sendall(b"a LOGIN alice@example.test secret-password\r\n")
        self.assertIn(b"a OK", imap.recv(4096))
        imap.sendall(b"b SELECT INBOX\r\n")
        self.assertIn(b"b OK", imap.recv(4096))
        imap.sendall(b"c IDLE\r\n")
        self.assertTrue(imap.recv(4096).startswith(b"+ "))
        pop3 = socket.create_connection((h.address, h.pop3_port), timeout=10)
        self.assertTrue(pop3.recv(4096).startswith(b"+OK"))
        h.proc.send_signal(signal.SIGTERM)
        self.assertEqual(imap.recv(4096), b"* BYE shutting down\r\n")
        self.assertEqual(pop3.recv(4096), b"-ERR shutting down\r\n")
        self.assertEqual(self.wait_exit(h, 10), 0)
        imap.close()
        pop3.close()


if __name__ == "__main__":
    unittest.main()
