#!/usr/bin/env python3
"""Submission benchmark: authenticated submissions per second over TLS, beside the MX figure.

The load: SESSIONS clients at once (separate processes, so Python's GIL is not the limit), each
opening one SMTP session and sending MESSAGES messages of SIZE octets, then QUIT:

  - submission: port 465 role (implicit TLS), AUTH PLAIN, MAIL FROM the account's own address;
    the server checks the password (Argon2id), the sender and the From: header, adds Date: and
    Message-ID:, and files each message durably before its 250;
  - mx: the MX listener, STARTTLS, no AUTH, the same messages from a remote sender.

Both deliver to one local account, so the store work is the same and the difference is AUTH
and the submission rules. The figure is messages / wall time, from the moment all clients are
released (before they connect) until the last QUIT is answered. Loopback only; every process
started here is stopped at exit. Results go to bench/results/ and the table to stdout. See
docs/bench.md.

Environment (all optional):
  HERON_BIN              heron binary (default build/release/heron)
  BENCH_SUB_SESSIONS     concurrent sessions (default 20)
  BENCH_SUB_MESSAGES     messages per session (default 10)
  BENCH_SUB_SIZE         message size in octets (default 2048)
  BENCH_RUNS             runs per target, interleaved; the table shows medians (default 3)
  BENCH_TMPDIR           where the data lives (default /tmp; use a real disk)
  BENCH_RESULTS_DIR      default bench/results
"""

import multiprocessing as mp
import os
import platform
import shutil
import signal
import smtplib
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
HERON_BIN = os.environ.get("HERON_BIN", os.path.join(REPO, "build", "release", "heron"))
SESSIONS = int(os.environ.get("BENCH_SUB_SESSIONS", "20"))
MESSAGES = int(os.environ.get("BENCH_SUB_MESSAGES", "10"))
SIZE = int(os.environ.get("BENCH_SUB_SIZE", "2048"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
TMPDIR = os.environ.get("BENCH_TMPDIR", "/tmp")
RESULTS_DIR = os.environ.get("BENCH_RESULTS_DIR", os.path.join(REPO, "bench", "results"))
USER = "bench@bench.test"
PASSWORD = "bench-password-1"
HOST = "127.0.0.1"


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def body(sender, n):
    head = (f"From: <{sender}>\r\nTo: <{USER}>\r\nSubject: bench {n}\r\n"
            f"Message-ID: <b{n}.{os.getpid()}@bench.test>\r\n"
            "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\n")
    line = "x" * 76 + "\r\n"
    text = head + line * max(1, (SIZE - len(head)) // len(line))
    return text.encode()


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def client(target, port, barrier):
    barrier.wait()
    if target == "submission":
        s = smtplib.SMTP_SSL(HOST, port, timeout=120, context=tls_context())
        s.ehlo()
        s.login(USER, PASSWORD)
        sender = USER
    else:
        s = smtplib.SMTP(HOST, port, timeout=120)
        s.starttls(context=tls_context())
        s.ehlo()
        sender = "someone@remote.test"
    for n in range(MESSAGES):
        refused = s.sendmail(sender, [USER], body(sender, n))
        if refused:
            raise RuntimeError(f"refused: {refused}")
    s.quit()


def run_load(target, port):
    barrier = mp.Barrier(SESSIONS + 1)
    procs = [mp.Process(target=client, args=(target, port, barrier)) for _ in range(SESSIONS)]
    for p in procs:
        p.start()
    barrier.wait()
    start = time.monotonic()
    for p in procs:
        p.join(timeout=600)
    wall = time.monotonic() - start
    failed = [p.exitcode for p in procs if p.exitcode != 0]
    if failed:
        raise RuntimeError(f"{len(failed)} clients failed")
    return SESSIONS * MESSAGES / wall, wall


def main():
    if not os.path.exists(HERON_BIN):
        sys.exit(f"no heron binary at {HERON_BIN} (set HERON_BIN)")
    tmp = tempfile.mkdtemp(prefix="heron-subbench.", dir=TMPDIR)
    proc = None
    try:
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=bench.test"], check=True,
                       capture_output=True)
        mx, subs = free_port(), free_port()
        config = os.path.join(tmp, "heron.toml")
        with open(config, "w") as f:
            f.write(f'hostname = "mx.bench.test"\ndata_dir = "{tmp}/data"\n'
                    f'[tls]\ncert_file = "{cert}"\nkey_file = "{key}"\n'
                    f'[[listener]]\nrole = "mx"\naddress = "{HOST}"\nport = {mx}\n'
                    f'[[listener]]\nrole = "submissions"\naddress = "{HOST}"\nport = {subs}\n'
                    f'[limits]\nmax_connections_per_ip = {SESSIONS * 2}\n'
                    '[log]\nlevel = "warn"\n'
                    '[server]\nrun_as_root = true\n'
                    '[mailauth]\nverify = false\n')
        cli = [HERON_BIN, "-c", config]
        subprocess.run(cli + ["domain", "add", "bench.test"], check=True, capture_output=True)
        subprocess.run(cli + ["user", "add", USER, "--password", PASSWORD], check=True,
                       capture_output=True)
        proc = subprocess.Popen(cli + ["serve"], stdout=subprocess.DEVNULL,
                                stderr=open(os.path.join(tmp, "heron.log"), "wb"))
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection((HOST, subs), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        results = {"submission": [], "mx": []}
        for run in range(RUNS):
            for target, port in (("submission", subs), ("mx", mx)):
                rate, wall = run_load(target, port)
                results[target].append(rate)
                log(f"run {run + 1} {target}: {rate:.0f} msg/s ({wall:.2f} s)")
        os.makedirs(RESULTS_DIR, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        lines = [f"# {platform.node()} {os.cpu_count()} cpus; {SESSIONS} sessions x {MESSAGES} "
                 f"messages of {SIZE} octets, TLS, {RUNS} runs"]
        print(f"{'target':<12} {'msg/s (median)':>15} {'runs':>30}")
        for target, rates in results.items():
            runs = " ".join(f"{r:.0f}" for r in rates)
            print(f"{target:<12} {statistics.median(rates):>15.0f} {runs:>30}")
            lines.append(f"{target} {statistics.median(rates):.1f} {runs}")
        with open(os.path.join(RESULTS_DIR, f"submission-{stamp}.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
