#!/usr/bin/env python3
"""Backup benchmark: `heron backup` of a live store, next to `cp -a` of the same directory.

A Heron server is filled over SMTP with MESSAGES messages of about SIZE octets spread over ten
accounts, and stays running. Then, one after the other on the same file system:

  - `heron backup DIR`: online and consistent (SQLite backup API, bodies hard-linked);
  - `heron backup --copy DIR`: the same with every body copied;
  - `cp -a data DIR`: the plain copy an admin might make of a stopped server (it is not
    consistent while the server runs; it is here as the yardstick for copying the bytes).

The table gives each one's wall time, messages per second and MB per second of the data
directory's size, and the ratio to `cp -a`. Everything is on loopback; the server and its
temporary directory are removed at the end. See docs/bench.md.

Environment (all optional):
  HERON_BIN            heron binary (default build/release/heron)
  BENCH_BACKUP_MESSAGES  messages (default 20000)
  BENCH_BACKUP_SIZE      approximate message size in octets (default 4000)
"""

import os
import shutil
import smtplib
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
os.environ.setdefault("HERON_BIN", os.path.join(HERE, "..", "build", "release", "heron"))
from harness import Heron  # noqa: E402

MESSAGES = int(os.environ.get("BENCH_BACKUP_MESSAGES", "20000"))
SIZE = int(os.environ.get("BENCH_BACKUP_SIZE", "4000"))
SENDERS = 16


def fill(h):
    sent = [0]
    lock = threading.Lock()
    line = "x" * 78 + "\r\n"

    def sender():
        with smtplib.SMTP(h.address, h.smtp_port, timeout=60) as s:
            while True:
                with lock:
                    if sent[0] >= MESSAGES:
                        return
                    sent[0] += 1
                    k = sent[0]
                body = f"Subject: m{k}\r\n\r\n" + line * max(1, SIZE // 80)
                s.sendmail("a@remote.test", [f"u{k % 10}@example.test"], body.encode())

    threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def du_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            total += os.lstat(os.path.join(root, name)).st_size
    return total


def warm(path):
    """Reads every file once, so that no method pays for a cold page cache the others skip."""
    for root, _, files in os.walk(path):
        for name in files:
            file = os.path.join(root, name)
            if not os.path.isfile(file):  # queue.trigger is a FIFO
                continue
            with open(file, "rb") as f:
                while f.read(1 << 20):
                    pass


def timed(args):
    start = time.monotonic()
    subprocess.run(args, check=True, capture_output=True)
    return time.monotonic() - start


def main():
    h = Heron(tls=False)
    try:
        h.add_domain("example.test")
        for i in range(10):
            h.add_user(f"u{i}@example.test")
        h.start()
        start = time.monotonic()
        fill(h)
        print(f"filled {MESSAGES} messages of ~{SIZE} octets in "
              f"{time.monotonic() - start:.1f} s", flush=True)
        data = os.path.join(h.dir, "data")
        mb = du_bytes(data) / 1e6
        heron = [os.environ["HERON_BIN"], "-c", h.config_path]
        runs = [
            ("cp -a (offline yardstick)", ["cp", "-a", data, os.path.join(h.dir, "cp")]),
            ("heron backup (hard links)", heron + ["backup", os.path.join(h.dir, "bk-link")]),
            ("heron backup --copy", heron + ["backup", "--copy", os.path.join(h.dir, "bk-copy")]),
        ]
        warm(data)
        times = {name: timed(args) for name, args in runs}
        base = times[runs[0][0]]
        print(f"\ndata directory: {mb:.1f} MB, {MESSAGES} messages; server running\n")
        print(f"| {'method':<28} | {'seconds':>8} | {'messages/s':>10} | {'MB/s':>7} | "
              f"{'vs cp -a':>8} |")
        print(f"|{'-' * 30}|{'-' * 9}:|{'-' * 11}:|{'-' * 8}:|{'-' * 9}:|")
        for name, _ in runs:
            t = times[name]
            print(f"| {name:<28} | {t:>8.2f} | {MESSAGES / t:>10,.0f} | {mb / t:>7.1f} | "
                  f"{base / t:>7.2f}x |")
    finally:
        h.stop()
        shutil.rmtree(h.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
