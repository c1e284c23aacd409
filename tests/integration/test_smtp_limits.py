"""Timeouts and connection limits end sessions with a 4xx/421 and a clean close."""

import socket
import time
import unittest

from harness import HeronTestCase, RawSmtp


class LimitsTest(HeronTestCase):
    def test_idle_timeout(self):
        h = self.heron(limits={"idle_timeout": "2s"})
        h.start()
        s = RawSmtp(h.address, h.smtp_port)
        self.assertEqual(s.reply()[0], 220)
        s.cmd("EHLO client.remote.test")
        started = time.time()
        code, text = s.reply()
        self.assertEqual(code, 421, text)
        self.assertTrue(text.startswith("4.4.2"), text)
        self.assertTrue(s.closed())
        self.assertLess(time.time() - started, 10)

    def test_session_timeout(self):
        h = self.heron(limits={"idle_timeout": "10s", "session_timeout": "3s"})
        h.start()
        s = RawSmtp(h.address, h.smtp_port)
        s.reply()
        deadline = time.time() + 8
        code = None
        while time.time() < deadline:
            code, _ = s.cmd("NOOP")
            if code != 250:
                break
            time.sleep(0.5)
        self.assertEqual(code, 421)

    def test_connections_per_ip(self):
        h = self.heron(limits={"max_connections_per_ip": 2})
        h.start()
        first = RawSmtp(h.address, h.smtp_port)
        second = RawSmtp(h.address, h.smtp_port)
        self.assertEqual(first.reply()[0], 220)
        self.assertEqual(second.reply()[0], 220)
        third = RawSmtp(h.address, h.smtp_port)
        code, text = third.reply()
        self.assertEqual(code, 421)
        self.assertTrue(text.startswith("4.7.0"), text)
        self.assertTrue(third.closed())
        first.cmd("QUIT")
        first.close()
        time.sleep(0.2)
        fourth = RawSmtp(h.address, h.smtp_port)
        self.assertEqual(fourth.reply()[0], 220)

    def test_too_many_errors(self):
        h = self.heron(limits={"max_errors": 3})
        h.start()
        s = RawSmtp(h.address, h.smtp_port)
        s.reply()
        codes = [s.cmd("BOGUS")[0] for _ in range(3)]
        self.assertEqual(codes, [500, 500, 500])
        code, text = s.reply()  # the third error is followed by the 421
        self.assertEqual(code, 421)
        self.assertTrue(text.startswith("4.7.0"), text)
        self.assertTrue(s.closed())

    def test_binary_garbage_does_not_kill_server(self):
        h = self.heron()
        h.start()
        with socket.create_connection((h.address, h.smtp_port), timeout=5) as raw:
            raw.recv(1024)
            raw.sendall(bytes(range(256)) * 20 + b"\r\n")
            time.sleep(0.2)
        s = RawSmtp(h.address, h.smtp_port)
        self.assertEqual(s.reply()[0], 220)
        self.assertEqual(s.cmd("EHLO ok.test")[0], 250)


if __name__ == "__main__":
    unittest.main()
