#!/usr/bin/env python3
"""POP3 benchmark: messages retrieved per second, Heron side by side with Dovecot's POP3.

The load: CLIENTS clients at once, each logged in to its own account whose maildrop holds
MESSAGES messages (a POP3 maildrop is locked by one session at a time, so concurrent clients
need one maildrop each). Each client runs RETR n then DELE n for every message, then QUIT, and
waits for QUIT's +OK (the deletions are then done: durable in Heron, and Dovecot has removed
the files). The figure is messages / wall time, from the moment all clients are released
(before they log in) until the last QUIT is answered.

  - Dovecot: Debian's dovecot-pop3d, a private instance started here with its own config in a
    temp dir (127.0.0.1 only, no TLS, plaintext auth from a passwd-file), serving Maildirs
    written directly by this script (LF line ends, as Dovecot's LDA stores them).
  - Heron: $HERON_BIN serve with an MX listener and a POP3 listener (no TLS,
    [auth] plaintext_on_loopback = true); the messages are delivered over SMTP beforehand.

Both serve the same message bodies (with Return-Path, Delivered-To and Received lines like a
real delivery). Nothing but this script's processes touch the servers; everything is on
loopback; every process started is stopped at exit. Results go to bench/results/ (one line
per run) and the table to stdout. See docs/bench.md.

Environment (all optional):
  HERON_BIN              heron binary (default build/release/heron)
  BENCH_POP3_CLIENTS     concurrent clients, one account each (default 20)
  BENCH_POP3_MESSAGES    messages per maildrop (default 1000)
  BENCH_POP3_SIZE        approximate message size in octets (default 4096)
  BENCH_POP3_PIPELINE    1: send RETR and DELE together (RFC 2449 PIPELINING); 0: one
                         command at a time, as fetchmail does (default 0)
  BENCH_POP3_TARGETS     subset of "dovecot heron" (default both)
  BENCH_RUNS             runs per target, interleaved; the table shows medians (default 1)
  BENCH_TMPDIR           where the data lives (default /tmp; use a real disk)
  BENCH_RESULTS_DIR      default bench/results
  BENCH_KEEP_TMP         1: keep the temp dir
"""

import multiprocessing as mp
import os
import platform
import pwd
import shutil
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
HERON_BIN = os.environ.get("HERON_BIN", os.path.join(REPO, "build", "release", "heron"))
CLIENTS = int(os.environ.get("BENCH_POP3_CLIENTS", "20"))
MESSAGES = int(os.environ.get("BENCH_POP3_MESSAGES", "1000"))
SIZE = int(os.environ.get("BENCH_POP3_SIZE", "4096"))
PIPELINE = os.environ.get("BENCH_POP3_PIPELINE", "0") == "1"
TARGETS = os.environ.get("BENCH_POP3_TARGETS", "dovecot heron").split()
RUNS = int(os.environ.get("BENCH_RUNS", "1"))
TMPDIR = os.environ.get("BENCH_TMPDIR", "/tmp")
RESULTS_DIR = os.environ.get("BENCH_RESULTS_DIR", os.path.join(REPO, "bench", "results"))
KEEP_TMP = os.environ.get("BENCH_KEEP_TMP", "0") == "1"
DOVECOT = shutil.which("dovecot", path="/usr/sbin:/usr/bin") or "/usr/sbin/dovecot"
DOMAIN = "bench.test"
PASSWORD = "bench-password-1"


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def user(i):
    return f"u{i}@{DOMAIN}"


def body(i, n):
    """A message of about SIZE octets, CRLF; some lines start with a dot (byte-stuffing)."""
    head = (f"From: Sender <sender@source.test>\r\nTo: <{user(i)}>\r\n"
            f"Subject: bench {i}/{n}\r\nMessage-ID: <b{i}.{n}@source.test>\r\n"
            f"Date: Mon, 23 Nov 2026 00:00:00 +0000\r\n\r\n").encode()
    line = b"." + b"x" * 70 + b"\r\n"
    plain = b"y" * 71 + b"\r\n"
    out = [head]
    size = len(head)
    k = 0
    while size < SIZE:
        chunk = line if k % 10 == 0 else plain
        out.append(chunk)
        size += len(chunk)
        k += 1
    return b"".join(out)


# -------------------------------------------------------------------------------- the client

def client(port, account, go, results):
    """One POP3 client: login, RETR+DELE every message, QUIT. Puts (retrieved, octets, end)."""
    go.wait()
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    buf = bytearray()

    def line():
        nonlocal buf
        while True:
            i = buf.find(b"\r\n")
            if i >= 0:
                out = bytes(buf[:i])
                del buf[:i + 2]
                return out
            chunk = sock.recv(262144)
            if not chunk:
                raise ConnectionError("closed")
            buf += chunk

    def multiline():
        nonlocal buf
        start = 0
        while True:
            i = buf.find(b"\r\n.\r\n", start)
            if i >= 0:
                n = i + 5
                del buf[:n]
                return n
            start = max(0, len(buf) - 4)
            chunk = sock.recv(262144)
            if not chunk:
                raise ConnectionError("closed")
            buf += chunk

    def ok(reply):
        if not reply.startswith(b"+OK"):
            raise RuntimeError(f"{account}: {reply!r}")
        return reply

    ok(line())
    t_login = time.time()
    sock.sendall(f"USER {account}\r\nPASS {PASSWORD}\r\n".encode())
    ok(line())
    ok(line())
    sock.sendall(b"STAT\r\n")
    count = int(ok(line()).split()[1])
    t_loop = time.time()
    octets = 0
    for n in range(1, count + 1):
        if PIPELINE:
            sock.sendall(f"RETR {n}\r\nDELE {n}\r\n".encode())
            ok(line())
            octets += multiline()
            ok(line())
        else:
            sock.sendall(f"RETR {n}\r\n".encode())
            ok(line())
            octets += multiline()
            sock.sendall(f"DELE {n}\r\n".encode())
            ok(line())
    t_quit = time.time()
    sock.sendall(b"QUIT\r\n")
    ok(line())
    end = time.time()
    sock.close()
    results.put((count, octets, end, t_loop - t_login, t_quit - t_loop, end - t_quit))


def run_load(port):
    ctx = mp.get_context("fork")
    go = ctx.Event()
    results = ctx.Queue()
    procs = [ctx.Process(target=client, args=(port, user(i), go, results))
             for i in range(CLIENTS)]
    for p in procs:
        p.start()
    time.sleep(0.5)  # all forked and waiting
    start = time.time()
    go.set()
    got = [results.get(timeout=3600) for _ in procs]
    for p in procs:
        p.join()
    if any(p.exitcode != 0 for p in procs):
        raise RuntimeError("a client failed")
    count = sum(g[0] for g in got)
    octets = sum(g[1] for g in got)
    wall = max(g[2] for g in got) - start
    log(f"  per client, longest: login {max(g[3] for g in got):.2f}s, RETR+DELE "
        f"{max(g[4] for g in got):.2f}s, QUIT {max(g[5] for g in got):.2f}s")
    return count, octets, wall


# -------------------------------------------------------------------------------- targets

def prefix(i):
    return (f"Return-Path: <sender@source.test>\r\nDelivered-To: {user(i)}\r\n"
            f"Received: from client.source.test ([127.0.0.1])\r\n\tby mx.bench.test with ESMTP "
            f"id 0123456789ab; Mon, 23 Nov 2026 00:00:00 +0000\r\n").encode()


class Dovecot:
    name = "dovecot"

    def __init__(self, root):
        self.dir = os.path.join(root, "dovecot")
        self.port = free_port()
        self.proc = None

    def setup(self):
        d = self.dir
        nobody = pwd.getpwnam("nobody")
        for sub in ("run", "state", "mail"):
            os.makedirs(os.path.join(d, sub))
        os.chmod(d, 0o755)
        os.chmod(os.path.join(d, "run"), 0o755)
        with open(os.path.join(d, "passwd"), "w") as f:
            for i in range(CLIENTS):
                f.write(f"{user(i)}:{{PLAIN}}{PASSWORD}::::::\n")
        n = 0
        for i in range(CLIENTS):
            maildir = os.path.join(d, "mail", user(i), "Maildir")
            for sub in ("cur", "new", "tmp"):
                os.makedirs(os.path.join(maildir, sub))
            for k in range(MESSAGES):
                data = (prefix(i) + body(i, k)).replace(b"\r\n", b"\n")
                n += 1
                name = f"{1795000000 + k}.M{n}P1.bench,S={len(data)}"
                with open(os.path.join(maildir, "new", name), "wb") as f:
                    f.write(data)
            for root, dirs, files in os.walk(os.path.join(d, "mail", user(i))):
                os.chown(root, nobody.pw_uid, nobody.pw_gid)
                for name in files:
                    os.chown(os.path.join(root, name), nobody.pw_uid, nobody.pw_gid)
        os.sync()
        conf = os.path.join(d, "dovecot.conf")
        with open(conf, "w") as f:
            f.write(f"""# Private benchmark instance; generated by bench/pop3_bench.py
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:{d}/mail/%u/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid={nobody.pw_uid} gid={nobody.pw_gid} home={d}/mail/%u
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
pop3_uidl_format = %08Xu%08Xv
""")
        self.conf = conf

    def start(self):
        self.log = open(os.path.join(self.dir, "stdout.log"), "ab")
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", self.conf], stdout=self.log,
                                     stderr=self.log)
        if not wait_port(self.port, 20):
            raise RuntimeError("dovecot did not start: " + self.tail())

    def tail(self):
        try:
            with open(os.path.join(self.dir, "dovecot.log"), errors="replace") as f:
                return f.read()[-2000:]
        except OSError:
            return ""

    def remaining(self):
        n = 0
        for i in range(CLIENTS):
            maildir = os.path.join(self.dir, "mail", user(i), "Maildir")
            n += len(os.listdir(os.path.join(maildir, "cur")))
            n += len(os.listdir(os.path.join(maildir, "new")))
        return n

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def version(self):
        return subprocess.run([DOVECOT, "--version"], capture_output=True,
                              text=True).stdout.strip()


class Heron:
    name = "heron"

    def __init__(self, root):
        self.dir = os.path.join(root, "heron")
        self.port = free_port()
        self.smtp_port = free_port()
        self.proc = None

    def cli(self, *args):
        subprocess.run([HERON_BIN, "-c", self.conf, *args], check=True, capture_output=True)

    def setup(self):
        os.makedirs(self.dir)
        self.conf = os.path.join(self.dir, "heron.toml")
        with open(self.conf, "w") as f:
            f.write(f"""hostname = "mx.bench.test"
data_dir = "{self.dir}/data"

[server]
run_as_root = true   # the benchmark runs as whoever starts it

[mailauth]
verify = false       # no DNS here: the benchmark measures the store and POP3

[[listener]]
name = "mx"
role = "mx"
address = "127.0.0.1"
port = {self.smtp_port}
tls = "none"

[[listener]]
name = "pop3"
role = "pop3"
address = "127.0.0.1"
port = {self.port}
tls = "none"

[limits]
max_connections_per_ip = 100

[auth]
plaintext_on_loopback = true

[log]
level = "info"
""")
        self.cli("domain", "add", DOMAIN)
        for i in range(CLIENTS):
            self.cli("user", "add", user(i), "--password", PASSWORD)
        self.start()
        # Delivery over SMTP, one connection per account in parallel.
        errors = []

        def fill(i):
            try:
                with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=120) as s:
                    for k in range(MESSAGES):
                        s.sendmail("sender@source.test", [user(i)], body(i, k))
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=fill, args=(i,)) for i in range(CLIENTS)]
        t0 = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise RuntimeError(f"SMTP fill failed: {errors[0]}")
        log(f"heron: {CLIENTS * MESSAGES} messages delivered over SMTP in "
            f"{time.time() - t0:.1f}s")
        self.stop()

    def start(self):
        self.log = open(os.path.join(self.dir, "heron.log"), "ab")
        self.proc = subprocess.Popen([HERON_BIN, "-c", self.conf, "serve"], stdout=self.log,
                                     stderr=self.log)
        if not wait_port(self.port, 30):
            raise RuntimeError("heron did not start")

    def remaining(self):
        n = 0
        for i in range(CLIENTS):
            out = subprocess.run([HERON_BIN, "-c", self.conf, "message", "list", user(i)],
                                 capture_output=True, text=True, check=True).stdout
            n += max(0, len([l for l in out.splitlines() if l.strip()]) - 1)
        return n

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def version(self):
        return subprocess.run([HERON_BIN, "--version"], capture_output=True,
                              text=True).stdout.strip() or "heron"


# -------------------------------------------------------------------------------- main

def one_run(target_class, root, run):
    t = target_class(os.path.join(root, f"run{run}"))
    os.makedirs(os.path.dirname(t.dir), exist_ok=True)
    log(f"{t.name}: setting up {CLIENTS} maildrops of {MESSAGES} messages")
    t.setup()
    try:
        t.start()
        count, octets, wall = run_load(t.port)
    finally:
        t.stop()
    left = t.remaining()
    if count != CLIENTS * MESSAGES or left != 0:
        raise RuntimeError(f"{t.name}: retrieved {count}, {left} left in the maildrops")
    rate = count / wall
    log(f"{t.name}: {count} messages in {wall:.2f}s = {rate:.0f}/s "
        f"({octets / wall / 1e6:.1f} MB/s)")
    return {"target": t.name, "run": run, "messages": count, "octets": octets, "wall": wall,
            "rate": rate, "version": t.version()}


def main():
    if "heron" in TARGETS and not os.access(HERON_BIN, os.X_OK):
        sys.exit(f"pop3_bench: no heron binary at {HERON_BIN} (set HERON_BIN)")
    if "dovecot" in TARGETS and not os.access(DOVECOT, os.X_OK):
        sys.exit("pop3_bench: dovecot not installed (apt-get install dovecot-pop3d)")
    root = tempfile.mkdtemp(prefix="heron-pop3-bench.", dir=TMPDIR)
    os.chmod(root, 0o755)
    load_before = os.getloadavg()
    rows = []
    try:
        classes = {"dovecot": Dovecot, "heron": Heron}
        for run in range(RUNS):
            for name in TARGETS:
                rows.append(one_run(classes[name], root, run))
    finally:
        if KEEP_TMP:
            log(f"temp files kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    load_after = os.getloadavg()

    med = {name: statistics.median(r["rate"] for r in rows if r["target"] == name)
           for name in TARGETS}
    mode = "pipelined RETR+DELE" if PIPELINE else "RETR, then DELE"
    print(f"\nPOP3: {CLIENTS} clients x {MESSAGES} messages of ~{SIZE} octets, {mode}; "
          f"median of {RUNS} run(s)")
    print(f"{'target':<10} {'retrieved/s':>12}")
    for name in TARGETS:
        print(f"{name:<10} {med[name]:>12.0f}")
    if "heron" in med and "dovecot" in med:
        print(f"heron/dovecot: {med['heron'] / med['dovecot']:.2f}")

    os.makedirs(RESULTS_DIR, exist_ok=True)
    path = os.path.join(RESULTS_DIR, time.strftime("pop3-%Y%m%d-%H%M%S.txt"))
    with open(path, "w") as f:
        f.write(f"# host={platform.node()} cpus={os.cpu_count()} load_before={load_before} "
                f"load_after={load_after} clients={CLIENTS} messages={MESSAGES} size={SIZE} "
                f"pipeline={int(PIPELINE)} tmpdir={TMPDIR}\n")
        f.write("# target run messages octets wall_s rate version\n")
        for r in rows:
            f.write(f"{r['target']} {r['run']} {r['messages']} {r['octets']} {r['wall']:.3f} "
                    f"{r['rate']:.1f} {r['version']}\n")
    log(f"results in {path}")


if __name__ == "__main__":
    main()
