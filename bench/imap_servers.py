"""The two servers of bench/imap_bench.py, each a process tree this script owns.

Dovecot: Debian's Dovecot 2.3 as a private instance (its own config, base_dir, state_dir, log
and Maildir under a temp dir; /etc/dovecot is not read), `dovecot -F -c <conf>`, plaintext
LOGIN on 127.0.0.1:<free port>, one passwd-file user. As root, mail is stored as `nobody` and
the login and internal services run as Debian's `dovenull` and `dovecot`; as another user,
everything runs as that user.

Heron: `heron -c <toml> serve` with one `imap` listener (tls = "none") on 127.0.0.1:<free port>,
`[auth] plaintext_on_loopback = true`, the domain and user made with the real CLI.

Both are started with PR_SET_PDEATHSIG (SIGTERM if the benchmark dies) and stopped with
SIGTERM, then SIGKILL to whatever is left of the process tree, by pid. Memory is read from
/proc (VmRSS, and Pss from smaps_rollup). Failures raise BenchError. Standard library only.
"""

import ctypes
import os
import pwd
import signal
import socket
import subprocess
import time

from imap_client import BenchError, Imap

USER = "bench@bench.test"
PASSWORD = "bench-password-7"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pdeathsig():
    """In the child before exec: SIGTERM when this script's process dies."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _children_map():
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def process_tree(pid):
    """pid and all its descendants."""
    children, out, todo = _children_map(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def memory_kb(pids):
    """(RSS, PSS, process count) summed over pids, in KB; processes that vanished are skipped."""
    rss = pss = n = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                r = next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
            with open(f"/proc/{pid}/smaps_rollup") as f:
                p = next((int(line.split()[1]) for line in f if line.startswith("Pss:")), 0)
        except (OSError, StopIteration):
            continue
        rss, pss, n = rss + r, pss + p, n + 1
    return rss, pss, n


class Server:
    name = "?"
    port = 0

    def pids(self):
        raise NotImplementedError

    def start(self):
        raise NotImplementedError

    def stop(self):
        raise NotImplementedError

    def restart(self):
        self.stop()
        self.start()

    def wait_ready(self, proc, logfile, timeout=30):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            if proc.poll() is not None:
                raise BenchError(f"{self.name} exited with {proc.returncode}:\n{tail(logfile)}")
            try:
                c = Imap(self.port, 5)
                c.close()
                return
            except (OSError, BenchError) as e:
                last = e
                time.sleep(0.1)
        raise BenchError(f"{self.name} not answering on {self.port} after {timeout}s ({last}):\n"
                         f"{tail(logfile)}")


def tail(path, lines=20):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return "(no log)"


def stop_process_tree(proc, grace=15):
    """SIGTERM to proc (Dovecot's master stops its children), then SIGKILL to anything left of
    the tree, by pid."""
    if proc is None or proc.poll() is not None:
        return
    tree = process_tree(proc.pid)
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    for pid in tree:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if proc.poll() is None:
        proc.wait(timeout=10)


class Dovecot(Server):
    """A private Dovecot instance under root/dovecot: config, base_dir, log, Maildir."""
    name = "dovecot"

    def __init__(self, root, binary, max_connections):
        self.binary = binary
        self.dir = os.path.join(root, "dovecot")
        self.port = free_port()
        self.proc = None
        self.conf = os.path.join(self.dir, "dovecot.conf")
        self.logfile = os.path.join(self.dir, "dovecot.log")
        self.home = os.path.join(self.dir, "home")
        for d in ("run", "state", "home"):
            os.makedirs(os.path.join(self.dir, d), exist_ok=True)
        os.chmod(self.dir, 0o755)
        if os.geteuid() == 0:
            internal, login = "dovecot", "dovenull"
            uid = gid = pwd.getpwnam("nobody").pw_uid
            gid = pwd.getpwnam("nobody").pw_gid
            os.chown(self.home, uid, gid)
        else:
            internal = login = pwd.getpwuid(os.getuid()).pw_name
            uid, gid = os.getuid(), os.getgid()
        passwd = os.path.join(self.dir, "passwd")
        with open(passwd, "w") as f:
            f.write(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{self.home}::\n")
        os.chmod(passwd, 0o644)
        limit = max_connections
        with open(self.conf, "w") as f:
            f.write(f"""# Private benchmark instance; generated by bench/imap_bench.py
base_dir = {self.dir}/run
state_dir = {self.dir}/state
instance_name = heron-bench-dovecot-{self.port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = {self.logfile}
info_log_path = {self.logfile}
mail_location = maildir:~/Maildir
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = {min(uid, 500)}
default_process_limit = {limit}
default_client_limit = {limit * 2}
namespace inbox {{
  inbox = yes
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {passwd}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  client_limit = {limit * 3}
}}
protocol imap {{
  mail_max_userip_connections = {limit}
}}
""")
        check = subprocess.run(["doveconf", "-c", self.conf, "-n"], capture_output=True,
                               timeout=30, text=True)
        if check.returncode != 0:
            raise BenchError(f"doveconf rejects the config: {check.stderr.strip()}")
        self.settings = check.stdout

    def version(self):
        return subprocess.run([self.binary, "--version"], capture_output=True, text=True,
                              timeout=30).stdout.strip()

    def start(self):
        out = open(os.path.join(self.dir, "stdout.log"), "ab")
        self.proc = subprocess.Popen([self.binary, "-F", "-c", self.conf], stdout=out, stderr=out,
                                     stdin=subprocess.DEVNULL, preexec_fn=_pdeathsig)
        out.close()
        self.wait_ready(self.proc, self.logfile)

    def stop(self):
        stop_process_tree(self.proc)
        self.proc = None

    def pids(self):
        return process_tree(self.proc.pid)


class Heron(Server):
    """`heron serve` with one imap listener; data dir, config and log under root/heron."""
    name = "heron"

    def __init__(self, root, binary, max_connections):
        self.binary = binary
        self.dir = os.path.join(root, "heron")
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.proc = None
        self.conf = os.path.join(self.dir, "heron.toml")
        self.logfile = os.path.join(self.dir, "heron.log")
        limit = max_connections
        with open(self.conf, "w") as f:
            f.write(f"""# Benchmark instance; generated by bench/imap_bench.py
hostname = "bench.test"
data_dir = "{self.dir}/data"

[server]
run_as_root = true   # the benchmark runs as whoever starts it

[mailauth]
verify = false       # no DNS here

[[listener]]
role = "imap"
address = "127.0.0.1"
port = {self.port}
tls = "none"

[auth]
plaintext_on_loopback = true

[limits]
max_connections = {limit}
max_connections_per_ip = {limit}
""")
        for args in (["domain", "add", "bench.test"],
                     ["user", "add", USER, "--password", PASSWORD]):
            r = subprocess.run([self.binary, "-c", self.conf, *args], capture_output=True,
                               timeout=120, text=True)
            if r.returncode != 0:
                raise BenchError(f"heron {' '.join(args[:2])} failed ({r.returncode}): "
                                 f"{(r.stderr or r.stdout).strip()}")

    def start(self):
        out = open(self.logfile, "ab")
        self.proc = subprocess.Popen([self.binary, "-c", self.conf, "serve"], stdout=out,
                                     stderr=out, stdin=subprocess.DEVNULL,
                                     preexec_fn=_pdeathsig)
        out.close()
        self.wait_ready(self.proc, self.logfile)

    def stop(self):
        stop_process_tree(self.proc)
        self.proc = None

    def pids(self):
        return [self.proc.pid]
