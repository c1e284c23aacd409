#!/usr/bin/env python3
"""Outbound relay benchmark: how fast Heron's delivery loop empties its queue into Postfix's
smtp-sink, against a private Postfix relaying the same load to the same sink, in one run.

    smtp-sink   127.0.0.5:PORT, Postfix's test server (accepts and keeps nothing)
    Heron       127.0.0.2, $HERON_BIN serve; sink.test's MX (from a Knot DNS server on
                loopback, tests/integration/dns_server.py) points at the sink
    Postfix     127.0.0.4, private instance under a temp dir (tests/integration/postfix_server.py),
                transport_maps sends sink.test to [127.0.0.5]:PORT

Both start from a full queue of N messages (BENCH_RELAY_COUNT, default 2000, 2 KB each, one
recipient) that has not been tried yet: Heron's is filled with `heron queue inject` while the
server is stopped; Postfix's through smtp-source with defer_transports = smtp, then released
with postqueue -f. The figure is messages / (release .. queue empty). Both use 20 connections
to the destination (Postfix's default_destination_concurrency_limit; Heron's
max_connections_per_destination is set to match) and reuse connections.

Needs root (Postfix) and Debian's postfix and knot packages. Prints a table and writes the raw
figures to bench/results/relay-<time>.txt. See docs/bench.md.
"""

import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

HERON_BIN = os.environ.setdefault("HERON_BIN", os.path.join(REPO, "build", "release", "heron"))

import postfix_server  # noqa: E402
from dns_server import DnsServer, Zone  # noqa: E402
from harness import Heron, common_port  # noqa: E402
from test_outbound import ADDRESSES  # noqa: E402

COUNT = int(os.environ.get("BENCH_RELAY_COUNT", "2000"))
CONCURRENCY = int(os.environ.get("BENCH_RELAY_CONCURRENCY", "20"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "600"))
SMTP_SINK = "/usr/sbin/smtp-sink"
SMTP_SOURCE = "/usr/sbin/smtp-source"
RCPT = "rcpt@sink.test"
SENDER = "sender@a.test"


def log(*args):
    print("relay-bench:", *args, file=sys.stderr, flush=True)


def message(i, size=2048):
    head = f"From: <{SENDER}>\r\nTo: <{RCPT}>\r\nSubject: relay bench {i}\r\n\r\n"
    line = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\r\n"
    body = (line * (size // len(line) + 1))[: size - len(head)]
    return (head + body).encode()


def parse_stamp(text):
    """2026-11-23T09:53:04.858Z -> seconds."""
    import datetime
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def wait_until(predicate, timeout, what, step=0.02):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(step)
    raise RuntimeError("timed out: " + what)


def bench_heron(port, dns):
    h = Heron(hostname="mx.a.test", address="127.0.0.2", tls=False, dns=dns.heron_config(),
              sections={"queue": {"smtp_port": port, "max_connections": 100,
                                  "max_connections_per_destination": CONCURRENCY},
                        "log": {"level": "info"}})
    try:
        path = os.path.join(h.dir, "m.eml")
        with open(path, "wb") as f:
            f.write(message(0))
        log(f"heron: injecting {COUNT} messages")

        def inject(_):
            h.cli("queue", "inject", "--from", SENDER, "--to", RCPT, path)

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(inject, range(COUNT)))
        h.start()
        wait_until(lambda: h.log_text().count("delivery.delivered") >= COUNT, TIMEOUT,
                   "heron to deliver everything", step=0.05)
        # From the log's own timestamps: server.ready (the loop starts right after it) to
        # the last delivery.
        text = h.log_text()
        stamps = lambda event: [line.split(" ", 1)[0] for line in text.splitlines()
                                if f" {event} " in line]
        t0 = parse_stamp(stamps("server.ready")[-1])
        t1 = parse_stamp(stamps("delivery.delivered")[-1])
        deferred = text.count("delivery.deferred")
        return t1 - t0, deferred
    finally:
        h.cleanup()


def bench_postfix(port):
    pf = postfix_server.PostfixServer(
        "127.0.0.4", port, "c.test", [], transports={"sink.test": f"[127.0.0.5]:{port}"},
        # Deferred while loading, and no queue scan or retry of its own until the release.
        extra=f"defer_transports = smtp\ndefault_destination_concurrency_limit = {CONCURRENCY}\n"
              "smtp_connection_cache_on_demand = yes\nqueue_run_delay = 1000s\n"
              "minimal_backoff_time = 1000s\nmaximal_backoff_time = 4000s\n")
    try:
        pf.start()
        log(f"postfix: loading {COUNT} messages with smtp-source (deliveries deferred)")
        src = os.path.join(pf.dir, "m.eml")
        subprocess.run([SMTP_SOURCE, "-s", "20", "-m", str(COUNT), "-l", "2048", "-f", SENDER,
                        "-t", RCPT, f"127.0.0.4:{port}"], check=True, timeout=TIMEOUT)
        # Wait until all of them sit in the deferred queue, untried.
        def deferred_count():
            n = 0
            for _, _, files in os.walk(os.path.join(pf.dir, "queue", "deferred")):
                n += len(files)
            return n
        wait_until(lambda: deferred_count() >= COUNT, TIMEOUT, "postfix to defer the load", 0.1)
        # Release: no more deferral, every deferred message due, and a reload, whose new qmgr
        # scans the deferred queue at once. The reload is inside the measured time (a fraction of a
        # second; it slightly favours Heron).
        pf.run("/usr/sbin/postconf", "-e", "defer_transports =", "queue_run_delay = 1s",
               "minimal_backoff_time = 1s", "maximal_backoff_time = 2s")
        # A deferred file's mtime is its next retry time: make every one due now.
        past = time.time() - 3600
        for root, _, files in os.walk(os.path.join(pf.dir, "queue", "deferred")):
            for name in files:
                os.utime(os.path.join(root, name), (past, past))
        t0 = time.time()
        pf.run("/usr/sbin/postfix", "reload")
        wait_until(lambda: pf.queued() == 0, TIMEOUT, "postfix to empty its queue", 0.02)
        t1 = time.time()
        sent = len(re.findall(r"relay=127\.0\.0\.5\[127\.0\.0\.5\]:\d+, .*status=sent",
                              pf.log_text()))
        return t1 - t0, sent
    finally:
        pf.cleanup()


def main():
    if not postfix_server.available():
        log("needs root and Debian's postfix")
        return 2
    if not os.path.exists(HERON_BIN):
        log(f"no heron binary at {HERON_BIN}")
        return 2
    port = common_port(ADDRESSES)
    sink = subprocess.Popen([SMTP_SINK, "-u", "nobody", f"127.0.0.5:{port}", "1000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dns = DnsServer([Zone("sink.test").add("@", "MX", "10 mx").add("mx", "A", "127.0.0.5")])
    try:
        dns.start()
        heron_s, heron_deferred = bench_heron(port, dns)
        postfix_s, postfix_sent = bench_postfix(port)
    finally:
        dns.cleanup()
        sink.terminate()
        sink.wait()
    heron_rate, postfix_rate = COUNT / heron_s, COUNT / postfix_s
    lines = [
        f"# relay bench {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}: {COUNT} messages "
        f"of 2 KB, {CONCURRENCY} connections to the destination, smtp-sink on loopback",
        f"# heron: {HERON_BIN}",
        f"heron    {heron_s:8.2f} s  {heron_rate:8.1f} msg/s  (deferred attempts: {heron_deferred})",
        f"postfix  {postfix_s:8.2f} s  {postfix_rate:8.1f} msg/s  (sent: {postfix_sent})",
        f"ratio heron/postfix  {heron_rate / postfix_rate:.2f}",
    ]
    print("\n".join(lines))
    results = os.path.join(REPO, "bench", "results")
    os.makedirs(results, exist_ok=True)
    with open(os.path.join(results, time.strftime("relay-%Y%m%d-%H%M%S.txt")), "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
