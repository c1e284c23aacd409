#!/usr/bin/env python3
"""IMAP benchmark: Heron side by side with Dovecot, on loopback, serving the same messages.

Targets (BENCH_TARGETS, any of "dovecot heron"):
  dovecot  Debian's Dovecot 2.3 (package dovecot-imapd), a private instance: its own config,
           base_dir, log and Maildir under a temp dir, started as `dovecot -F -c <conf>`,
           plaintext LOGIN on 127.0.0.1:<free port>, one passwd-file user.
  heron    `$HERON_BIN serve` with one `imap` listener (tls = "none") on 127.0.0.1:<free port>,
           [auth] plaintext_on_loopback = true, domain and user made with the real CLI.

What it measures, the same way for both (one IMAP client written here on plain sockets):
  APPEND   the corpus (bench/imap_corpus.py: BENCH_IMAP_MESSAGES varied messages, seeded) is
           APPENDed to INBOX by BENCH_IMAP_APPEND_CLIENTS concurrent connections: msgs/s from
           the first APPEND to the last tagged OK. This is also how each server is populated;
           SELECT must then report exactly that many messages.
  FETCH    `FETCH 1:* (FLAGS ENVELOPE BODYSTRUCTURE)` on a fresh connection after a server
           restart (first = nothing computed yet in the server), then BENCH_IMAP_RUNS warm runs
           on fresh connections (median). Every run must return one FETCH response per message,
           each with FLAGS, ENVELOPE and BODYSTRUCTURE.
  SEARCH   `SEARCH BODY <word>` and `UID SEARCH TEXT <word>`: first run, then warm runs
           (median). The hit count must equal the number of messages the word was planted in.
  IDLE     after a restart, BENCH_IMAP_IDLE connections each LOGIN, SELECT INBOX (the full
           mailbox) and IDLE; each must get its "+" continuation. Then the server's memory is
           read from /proc: RSS (VmRSS) and PSS (smaps_rollup) summed over every process of the
           instance (Dovecot: master and all descendants; Heron: its one process), minus the
           same sum before the connections, divided by the number of connections.

Any check that fails marks that figure as failed in the table (never a number).

Ratios: > 1 means Heron is better. Rates: heron/dovecot. Times and memory: dovecot/heron.

Environment (all optional):
  HERON_BIN                  heron binary (default build/release/heron); skipped if absent
  BENCH_TARGETS              subset of "dovecot heron" (other words are ignored)
  BENCH_IMAP_MESSAGES        messages in the mailbox (default 10000)
  BENCH_IMAP_IDLE            IDLE connections (default 1000)
  BENCH_IMAP_APPEND_CLIENTS  concurrent APPEND connections (default 4)
  BENCH_IMAP_RUNS            warm FETCH/SEARCH runs; the table shows medians (default 3)
  BENCH_IMAP_IDLE_BATCH      connections being set up at once in the IDLE test (default 20)
  BENCH_IMAP_IDLE_MAILBOX    mailbox the IDLE connections select (default INBOX, the full
                             one); another name is CREATEd empty first (a diagnostic knob)
  BENCH_IMAP_SEED            corpus seed (default 1)
  BENCH_IMAP_DROP_CACHES     1 = sync and drop the kernel page cache before each "first" run
                             (root only; slows everyone else on the machine; default 0)
  BENCH_TIMEOUT              seconds allowed for one step (default 600)
  BENCH_RESULTS_DIR          where the results go (default bench/results)
  BENCH_TMPDIR               where the Maildir and Heron's data live (default /tmp; real disk)
  BENCH_KEEP_TMP             1 = keep the temp dir (configs, logs, data)
  DOVECOT                    dovecot binary (default /usr/sbin/dovecot)

Files: imap_corpus.py (the messages), imap_client.py (the client), imap_servers.py (starting,
stopping and measuring the two servers); this file runs the phases and writes the table.

Loopback only. Every process started here is stopped at exit (also on Ctrl-C or SIGTERM; the
servers also get SIGTERM from the kernel if this script dies, through PR_SET_PDEATHSIG).
Python standard library only. Needs root for the Dovecot side as Debian configures it (mail is
stored as `nobody`, login processes run as `dovenull`); without root Dovecot runs everything as
the current user. See docs/bench.md.
"""

import atexit
import os
import platform
import re
import resource
import selectors
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imap_corpus  # noqa: E402
from imap_client import BenchError, IdleConn, Imap  # noqa: E402
from imap_servers import PASSWORD, USER, Dovecot, Heron, memory_kb  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

HERON_BIN = os.environ.get("HERON_BIN") or os.path.join(REPO, "build", "release", "heron")
DOVECOT = os.environ.get("DOVECOT", "/usr/sbin/dovecot")
KNOWN_TARGETS = ("dovecot", "heron")
TARGETS = [t for t in os.environ.get("BENCH_TARGETS", "dovecot heron").split()
           if t in KNOWN_TARGETS]
MESSAGES = int(os.environ.get("BENCH_IMAP_MESSAGES", "10000"))
IDLE_CONNS = int(os.environ.get("BENCH_IMAP_IDLE", "1000"))
APPEND_CLIENTS = int(os.environ.get("BENCH_IMAP_APPEND_CLIENTS", "4"))
WARM_RUNS = int(os.environ.get("BENCH_IMAP_RUNS", "3"))
IDLE_BATCH = int(os.environ.get("BENCH_IMAP_IDLE_BATCH", "20"))
IDLE_MAILBOX = os.environ.get("BENCH_IMAP_IDLE_MAILBOX", "INBOX")
SEED = int(os.environ.get("BENCH_IMAP_SEED", "1"))
DROP_CACHES = os.environ.get("BENCH_IMAP_DROP_CACHES", "0") == "1"
STEP_TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "600"))
RESULTS_DIR = os.environ.get("BENCH_RESULTS_DIR") or os.path.join(REPO, "bench", "results")
TMP_PARENT = os.environ.get("BENCH_TMPDIR", "/tmp")
KEEP_TMP = os.environ.get("BENCH_KEEP_TMP", "0") == "1"

WORD = imap_corpus.SEARCH_WORD


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, file=sys.stderr, flush=True)


def drop_caches():
    if not DROP_CACHES:
        return
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


# -- the measurements -----------------------------------------------------------------------------

def connect(server):
    return Imap(server.port, STEP_TIMEOUT)


def bench_append(server, corpus):
    """APPENDs the corpus with APPEND_CLIENTS connections; returns (msgs/s, seconds)."""
    clients = [connect(server) for _ in range(APPEND_CLIENTS)]
    for c in clients:
        c.login(USER, PASSWORD)
    errors = []
    barrier = threading.Barrier(len(clients) + 1)

    def work(k, c):
        try:
            barrier.wait(timeout=60)
            for i in range(k, len(corpus), len(clients)):
                flags = b"(\\Seen)" if i % 5 < 3 else (b"(\\Flagged)" if i % 5 == 3 else b"()")
                c.command(b"APPEND INBOX " + flags, literal=corpus[i])
        except Exception as e:  # noqa: BLE001 - any failure fails the step
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k, c), daemon=True)
               for k, c in enumerate(clients)]
    for t in threads:
        t.start()
    barrier.wait(timeout=60)
    t0 = time.perf_counter()
    for t in threads:
        t.join(timeout=STEP_TIMEOUT)
    elapsed = time.perf_counter() - t0
    if any(t.is_alive() for t in threads):
        raise BenchError(f"APPEND did not finish within {STEP_TIMEOUT}s")
    for c in clients:
        c.close()
    if errors:
        raise BenchError(f"APPEND failed: {errors[0]}")
    c = connect(server)
    c.login(USER, PASSWORD)
    exists = c.select()
    c.close()
    if exists != len(corpus):
        raise BenchError(f"after APPEND the mailbox holds {exists} messages, not {len(corpus)}")
    return len(corpus) / elapsed, elapsed


def fetch_once(server):
    """One timed FETCH 1:* (FLAGS ENVELOPE BODYSTRUCTURE) on a fresh connection: (s, bytes)."""
    c = connect(server)
    try:
        c.login(USER, PASSWORD)
        c.select()
        state = {"ok": 0, "bad": 0, "bytes": 0, "example": None}

        def untagged(line):
            state["bytes"] += len(line)
            if re.match(rb"\* \d+ FETCH ", line):
                if b"FLAGS" in line and b"ENVELOPE" in line and b"BODYSTRUCTURE" in line:
                    state["ok"] += 1
                else:
                    state["bad"] += 1
                    state["example"] = state["example"] or line[:300]
        t0 = time.perf_counter()
        c.command(b"FETCH 1:* (FLAGS ENVELOPE BODYSTRUCTURE)", untagged)
        elapsed = time.perf_counter() - t0
    finally:
        c.close()
    if state["ok"] != MESSAGES or state["bad"]:
        raise BenchError(f"FETCH returned {state['ok']} complete responses for {MESSAGES} "
                         f"messages, {state['bad']} incomplete (e.g. {state['example']!r})")
    return elapsed, state["bytes"]


def search_once(server, command):
    """One timed search on a fresh connection; checks the hit count. Returns seconds."""
    c = connect(server)
    try:
        c.login(USER, PASSWORD)
        c.select()
        hits = []

        def untagged(line):
            if line.startswith(b"* SEARCH"):
                hits.extend(line.split()[2:])
        t0 = time.perf_counter()
        c.command(command, untagged)
        elapsed = time.perf_counter() - t0
    finally:
        c.close()
    expected = imap_corpus.planted_count(MESSAGES)
    if len(hits) != expected:
        raise BenchError(f"{command.decode()} found {len(hits)} messages, expected {expected}")
    return elapsed


def bench_idle(server):
    """Opens IDLE_CONNS idling connections; returns a dict of memory figures."""
    if IDLE_MAILBOX.upper() != "INBOX":
        c = connect(server)
        try:
            c.login(USER, PASSWORD)
            c.command(b"CREATE " + IDLE_MAILBOX.encode())
        finally:
            c.close()
    time.sleep(1)
    pids = server.pids()
    rss0, pss0, n0 = memory_kb(pids)
    sel = selectors.DefaultSelector()
    conns, pending, idling = [], 0, 0
    deadline = time.time() + STEP_TIMEOUT
    t0 = time.perf_counter()
    try:
        while idling < IDLE_CONNS:
            while len(conns) < IDLE_CONNS and pending < IDLE_BATCH:
                conn = IdleConn(server.port, USER, PASSWORD, IDLE_MAILBOX)
                conns.append(conn)
                sel.register(conn.sock, selectors.EVENT_READ, conn)
                pending += 1
            if time.time() > deadline:
                raise BenchError(f"only {idling} of {IDLE_CONNS} connections idling after "
                                 f"{STEP_TIMEOUT}s")
            for key, _ in sel.select(timeout=1):
                conn = key.data
                try:
                    data = conn.sock.recv(65536)
                except BlockingIOError:
                    continue
                if not data:
                    raise BenchError(f"connection {conns.index(conn)} closed by the server in "
                                     f"state {conn.state} ({idling} idling so far)")
                if conn.feed(data):
                    sel.unregister(conn.sock)
                    pending -= 1
                    idling += 1
        setup = time.perf_counter() - t0
        time.sleep(3)   # let lazy work (caches, timers) settle
        pids = server.pids()
        rss1, pss1, n1 = memory_kb(pids)
        # Every connection must still be open (nothing closed while we measured).
        for conn in conns:
            try:
                if conn.sock.recv(65536) == b"":
                    raise BenchError("a connection was closed by the server while idling")
            except BlockingIOError:
                pass
    finally:
        for conn in conns:
            try:
                conn.sock.close()
            except OSError:
                pass
        sel.close()
    n = IDLE_CONNS
    return {"rss_kb": (rss1 - rss0) / n, "pss_kb": (pss1 - pss0) / n, "setup_s": setup,
            "rss_before_kb": rss0, "rss_after_kb": rss1, "pss_before_kb": pss0,
            "pss_after_kb": pss1, "procs_before": n0, "procs_after": n1}


# -- orchestration ----------------------------------------------------------------------------------

RESULTS = {}      # (target, metric) -> value, or a string starting "failed"/"skipped"
RAW = []          # lines for the results file
SERVERS = {}
TMP_ROOT = None
DOVECOT_SETTINGS = ""


def record(target, metric, value, detail=""):
    RESULTS[(target, metric)] = value
    text = f"{value:.4f}" if isinstance(value, float) else str(value)
    RAW.append(f"{target} {metric} {text} {detail}".rstrip())
    log(f"{target}: {metric} = {text} {detail}".rstrip())


def step(target, metrics, fn):
    """Runs fn(); on BenchError marks every metric in metrics as failed and logs why."""
    try:
        return fn()
    except (BenchError, OSError, subprocess.SubprocessError) as e:
        for m in metrics:
            if (target, m) not in RESULTS:
                record(target, m, "failed")
        log(f"{target}: FAILED {', '.join(metrics)}: {e}")
        return None


def cleanup():
    global TMP_ROOT
    for server in SERVERS.values():
        try:
            server.stop()
        except Exception as e:  # noqa: BLE001 - keep stopping the others
            log(f"stopping {server.name}: {e}")
    SERVERS.clear()
    if TMP_ROOT and os.path.isdir(TMP_ROOT):
        if KEEP_TMP:
            log(f"temp files kept in {TMP_ROOT}")
        else:
            shutil.rmtree(TMP_ROOT, ignore_errors=True)
    TMP_ROOT = None


def _on_signal(signum, _frame):
    raise SystemExit(128 + signum)


ALL_METRICS = ["append", "fetch_first", "fetch_warm", "search_body_first", "search_body_warm",
               "search_text_first", "search_text_warm", "idle_rss", "idle_pss"]


def setup_targets():
    for target in TARGETS:
        if target == "heron" and not (os.path.isfile(HERON_BIN) and os.access(HERON_BIN, os.X_OK)):
            for m in ALL_METRICS:
                record(target, m, "skipped:no-binary")
            log(f"heron: skipped, no binary at {HERON_BIN}")
            continue
        if target == "dovecot" and not os.access(DOVECOT, os.X_OK):
            for m in ALL_METRICS:
                record(target, m, "skipped:no-dovecot")
            log(f"dovecot: skipped, {DOVECOT} missing (apt-get install dovecot-imapd)")
            continue
        try:
            if target == "dovecot":
                server = Dovecot(TMP_ROOT, DOVECOT, IDLE_CONNS + 200)
            else:
                server = Heron(TMP_ROOT, HERON_BIN, IDLE_CONNS + 200)
            server.start()
            c = connect(server)
            try:
                c.login(USER, PASSWORD)
            except BenchError as e:
                raise BenchError(f"IMAP LOGIN failed ({e}); is the IMAP server in this binary?")
            finally:
                c.close()
            SERVERS[target] = server
            log(f"{target}: listening on 127.0.0.1:{server.port}, LOGIN works")
        except (BenchError, OSError, subprocess.SubprocessError) as e:
            try:
                server.stop()
            except Exception:  # noqa: BLE001
                pass
            for m in ALL_METRICS:
                record(target, m, "skipped:start-failed")
            log(f"{target}: SKIPPED, could not start or log in: {e}")


def run_phases(corpus):
    live = list(SERVERS.items())
    # APPEND, interleaved by phase so that both servers see the same machine load.
    for target, server in live:
        log(f"{target}: APPEND {MESSAGES} messages with {APPEND_CLIENTS} clients")
        r = step(target, ALL_METRICS, lambda s=server: bench_append(s, corpus))
        if r:
            record(target, "append", r[0], f"({r[1]:.2f} s)")
    live = [(t, s) for t, s in live if RESULTS.get((t, "append")) != "failed"]

    # FETCH: the first run after a restart, then warm runs.
    for target, server in live:
        def first(s=server):
            s.restart()
            drop_caches()
            return fetch_once(s)
        r = step(target, ["fetch_first"], first)
        if r:
            record(target, "fetch_first", r[0], f"({r[1] / 1e6:.1f} MB of responses)")
    warm = {t: [] for t, _ in live}
    for _ in range(WARM_RUNS):
        for target, server in live:
            r = step(target, ["fetch_warm"], lambda s=server: fetch_once(s))
            if r:
                warm[target].append(r[0])
    for target, _ in live:
        if warm[target] and RESULTS.get((target, "fetch_warm")) != "failed":
            record(target, "fetch_warm", statistics.median(warm[target]),
                   "runs " + " ".join(f"{x:.3f}" for x in warm[target]))

    # SEARCH BODY and UID SEARCH TEXT.
    for metric, command in (("search_body", b"SEARCH BODY " + WORD.encode()),
                            ("search_text", b"UID SEARCH TEXT " + WORD.encode())):
        for target, server in live:
            def first(s=server, cmd=command):
                drop_caches()
                return search_once(s, cmd)
            r = step(target, [metric + "_first"], first)
            if r is not None:
                record(target, metric + "_first", r)
        warm = {t: [] for t, _ in live}
        for _ in range(WARM_RUNS):
            for target, server in live:
                r = step(target, [metric + "_warm"], lambda s=server, cmd=command: search_once(s, cmd))
                if r is not None:
                    warm[target].append(r)
        for target, _ in live:
            if warm[target] and RESULTS.get((target, metric + "_warm")) != "failed":
                record(target, metric + "_warm", statistics.median(warm[target]),
                       "runs " + " ".join(f"{x:.3f}" for x in warm[target]))

    # IDLE memory: one server at a time, each freshly restarted.
    for target, server in live:
        def idle(s=server):
            s.restart()
            return bench_idle(s)
        log(f"{target}: IDLE test with {IDLE_CONNS} connections")
        r = step(target, ["idle_rss", "idle_pss"], idle)
        if r:
            detail = (f"(RSS {r['rss_before_kb']} -> {r['rss_after_kb']} KB, PSS "
                      f"{r['pss_before_kb']} -> {r['pss_after_kb']} KB, processes "
                      f"{r['procs_before']} -> {r['procs_after']}, set-up {r['setup_s']:.1f} s)")
            record(target, "idle_rss", r["rss_kb"], detail)
            record(target, "idle_pss", r["pss_kb"])
        server.stop()


# label, unit, better ("rate": higher is better; "time"/"memory": lower is better), target
ROWS = [
    ("append", "APPEND (msgs/s)", "rate", "ratio>=1.5"),
    ("fetch_first", "FETCH 1:* first (s)", "time", "ratio>=1.5"),
    ("fetch_warm", "FETCH 1:* warm median (s)", "time", "ratio>=1.5"),
    ("search_body_first", "SEARCH BODY first (s)", "time", "ratio>=1.5"),
    ("search_body_warm", "SEARCH BODY warm median (s)", "time", "ratio>=1.5"),
    ("search_text_first", "UID SEARCH TEXT first (s)", "time", "ratio>=1.5"),
    ("search_text_warm", "UID SEARCH TEXT warm median (s)", "time", "ratio>=1.5"),
    ("idle_rss", "IDLE RSS per connection (KB)", "memory", "heron<50"),
    ("idle_pss", "IDLE PSS per connection (KB)", "memory", "heron<50"),
]


def fmt(value):
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:.3f}"
    return "-" if value is None else str(value).split(":")[0]   # "skipped:why" -> "skipped"


def table():
    lines = [f"{'metric':<34} {'dovecot':>12} {'heron':>12} {'ratio':>7}  target"]
    for key, label, kind, target in ROWS:
        d, h = RESULTS.get(("dovecot", key)), RESULTS.get(("heron", key))
        ratio, verdict = "-", ""
        if isinstance(d, float) and isinstance(h, float) and d > 0 and h > 0:
            r = h / d if kind == "rate" else d / h
            ratio = f"{r:.2f}"
            if target == "ratio>=1.5":
                verdict = "met" if r >= 1.5 else "not met"
        if target == "heron<50" and isinstance(h, float):
            verdict = "met" if h < 50 else "not met"
        goal = "Heron >= 1.5x Dovecot" if target == "ratio>=1.5" else "Heron < 50 KB"
        lines.append(f"{label:<34} {fmt(d):>12} {fmt(h):>12} {ratio:>7}  {goal} {verdict}".rstrip())
    lines.append("ratio > 1 means Heron is better: heron/dovecot for rates, dovecot/heron for "
                 "times and memory.")
    for target in TARGETS:
        why = {v for (t, _), v in RESULTS.items() if t == target and isinstance(v, str)}
        if why:
            lines.append(f"{target}: {', '.join(sorted(why))} (see the log above for why)")
    return "\n".join(lines)


def main():
    global TMP_ROOT
    if not TARGETS:
        log("BENCH_TARGETS names neither dovecot nor heron: nothing to do for IMAP")
        return 0
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    atexit.register(cleanup)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = IDLE_CONNS * 2 + 1000
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
        if hard < want:
            log(f"warning: RLIMIT_NOFILE hard limit {hard} is below {want}")
    load_before = open("/proc/loadavg").read().split()[:3]
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")

    TMP_ROOT = tempfile.mkdtemp(prefix="heron-imap-bench.", dir=TMP_PARENT)
    os.chmod(TMP_ROOT, 0o755)
    log(f"generating {MESSAGES} messages (seed {SEED})")
    corpus = imap_corpus.make_corpus(MESSAGES, SEED)
    log(f"corpus: {sum(map(len, corpus)) / 1e6:.1f} MB, {imap_corpus.planted_count(MESSAGES)} "
        f"with the word {WORD!r}")

    setup_targets()
    global DOVECOT_SETTINGS
    versions = {}
    if "dovecot" in SERVERS:
        versions["dovecot"] = SERVERS["dovecot"].version()
        DOVECOT_SETTINGS = SERVERS["dovecot"].settings
    run_phases(corpus)
    cleanup()

    out = table()
    print()
    print(out)
    os.makedirs(RESULTS_DIR, exist_ok=True)
    path = os.path.join(RESULTS_DIR, "imap-" + time.strftime("%Y%m%d-%H%M%S") + ".txt")
    fs = subprocess.run(["findmnt", "-no", "FSTYPE,SOURCE", "-T", TMP_PARENT],
                        capture_output=True, text=True).stdout.split()
    with open(path, "w") as f:
        f.write(f"# Heron IMAP benchmark  {started}\n")
        f.write(f"# host: {platform.platform()}, {os.cpu_count()} cores, load before: "
                f"{' '.join(load_before)}, after: "
                f"{' '.join(open('/proc/loadavg').read().split()[:3])}\n")
        f.write(f"# data under: {TMP_PARENT} ({' '.join(fs)})\n")
        f.write(f"# dovecot: {versions.get('dovecot', '-')}  heron: "
                f"{HERON_BIN if 'heron' in TARGETS else '-'}\n")
        f.write(f"# messages {MESSAGES} (seed {SEED}, {sum(map(len, corpus))} bytes), idle "
                f"connections {IDLE_CONNS}, append clients {APPEND_CLIENTS}, warm runs "
                f"{WARM_RUNS}, drop caches {int(DROP_CACHES)}, idle mailbox {IDLE_MAILBOX}\n")
        if "dovecot" in versions:
            f.write("# dovecot settings (doveconf -n):\n")
            f.write("".join(f"#   {line}\n" for line in DOVECOT_SETTINGS.splitlines()))
        f.write(f"# command: {' '.join(sys.argv)}\n")
        f.write("# raw: target metric value detail (seconds, msgs/s or KB per connection)\n")
        f.write("\n".join(RAW) + "\n\n" + out + "\n")
    log(f"results: {path}")
    failed = [k for k, v in RESULTS.items() if v == "failed"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
