"""Integration harness: boots the real `heron` binary on free loopback ports.

Every protocol test reuses it. A Heron instance writes its own config into a fresh temporary
directory, prepares domains and users through the real CLI, starts `heron serve`, waits until
the log says `server.ready`, and stops it afterwards. When a test fails, the instance's
directory (config, data, log) is kept and its path and log tail are printed.

Only loopback addresses are used. The binary comes from $HERON_BIN (set by ctest), or
build/release/heron.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERON_BIN = os.environ.get("HERON_BIN", os.path.join(REPO, "build", "release", "heron"))


_handed_out = set()


def free_port(address="127.0.0.1"):
    """A TCP port that was free a moment ago on `address`, and not handed out before by this
    process (the kernel may offer a just-closed ephemeral port again, and one server's
    listeners are all chosen before any of them binds)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((address, 0))
            port = s.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def common_port(addresses):
    """A TCP port free on every one of `addresses` (loopback, 127.0.0.x) a moment ago: servers
    on several test addresses that must share one port (MX delivery always uses port 25's
    stand-in)."""
    for _ in range(100):
        with socket.socket() as s:
            s.bind((addresses[0], 0))
            port = s.getsockname()[1]
        ok = True
        for address in addresses:
            with socket.socket() as t:
                try:
                    t.bind((address, port))
                except OSError:
                    ok = False
                    break
        if ok:
            return port
    raise RuntimeError("no common free port")


def stop_process(proc, timeout=15):
    """SIGTERM (Heron drains gracefully), then SIGKILL if it has not exited after `timeout`."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_for(predicate, timeout=20, what="condition"):
    """Polls predicate() until it returns something true, and returns that."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def toml_value(value):
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


class Heron:
    """One heron process with its own data directory and config."""

    def __init__(self, hostname="mx.example.test", address="127.0.0.1", tls=True,
                 limits=None, smtp=None, extra_listeners=(), keep=False, dns=None, pop3=False,
                 auth=None, imap=False, sections=None, submission=False, smtp_port=None,
                 http=False):
        self.dir = tempfile.mkdtemp(prefix="heron-it-")
        self.hostname = hostname
        self.address = address
        # smtp_port: a fixed port, for MTA-to-MTA tests where every server of a test listens on
        # one port ([queue] smtp_port) on its own loopback address.
        self.smtp_port = smtp_port or free_port(address)
        self.limits = dict(limits or {})
        self.smtp = dict(smtp or {})
        # [dns]: DnsServer.heron_config() from dns_server.py points Heron at a test server.
        # Without one, a forwarder on loopback where nothing answers: the delivery loop of a
        # test that queues remote mail must not ask the machine's resolver (no network).
        self.dns = dict(dns) if dns is not None else {"forwarders": ["127.0.0.1@9"],
                                                       "dnssec": False}
        self.extra_listeners = list(extra_listeners)
        # [auth]: e.g. {"plaintext_on_loopback": True, "failure_delay": 0}.
        self.auth = dict(auth or {})
        # pop3=True adds a POP3 listener (STLS when tls, else plain) on pop3_port and, with
        # tls, a POP3S listener (implicit TLS) on pop3s_port.
        self.pop3_port = self.pop3s_port = None
        if pop3:
            self.pop3_port = free_port(address)
            self.extra_listeners.append({"name": "pop3", "role": "pop3", "address": address,
                                         "port": self.pop3_port,
                                         "tls": "starttls" if tls else "none"})
            if tls:
                self.pop3s_port = free_port(address)
                self.extra_listeners.append({"name": "pop3s", "role": "pop3s",
                                             "address": address, "port": self.pop3s_port,
                                             "tls": "implicit"})
        # Other sections, e.g. {"imap": {"max_mailboxes": 10}}; an "auth" one joins [auth].
        self.sections = {k: dict(v) for k, v in (sections or {}).items()}
        self.auth.update(self.sections.pop("auth", {}))
        # [mailauth]: SPF, DKIM, DMARC and iprev on the MX need DNS; tests of other things
        # turn them off (their messages stay byte for byte as sent). test_mailauth.py and
        # others that serve zones pass sections={"mailauth": {...}}.
        self.sections.setdefault("mailauth", {"verify": False})
        # [server]: tests run as whoever runs them, root included (CI); a test of the
        # privilege drop sets [server] user itself.
        server = self.sections.setdefault("server", {})
        if os.geteuid() == 0 and "user" not in server:
            server.setdefault("run_as_root", True)
        # imap=True: an IMAP listener with STARTTLS (imap_port) and one with implicit TLS
        # (imaps_port), passwords allowed in the clear from loopback unless [auth] says no.
        if imap:
            self.imap_port = free_port(address)
            self.imaps_port = free_port(address)
            self.extra_listeners += [
                {"name": "imap", "role": "imap", "address": address, "port": self.imap_port,
                 "tls": "starttls" if tls else "none"}]
            if tls:
                self.extra_listeners += [
                    {"name": "imaps", "role": "imaps", "address": address,
                     "port": self.imaps_port, "tls": "implicit"}]
            self.auth.setdefault("plaintext_on_loopback", True)
        # submission=True: a submission listener (587 role, STARTTLS when tls) on
        # submission_port and, with tls, a submissions listener (465 role, implicit TLS) on
        # submissions_port.
        self.submission_port = self.submissions_port = None
        if submission:
            self.submission_port = free_port(address)
            self.extra_listeners.append({"name": "submission", "role": "submission",
                                         "address": address, "port": self.submission_port,
                                         "tls": "starttls" if tls else "none"})
            if tls:
                self.submissions_port = free_port(address)
                self.extra_listeners.append({"name": "submissions", "role": "submissions",
                                             "address": address, "port": self.submissions_port,
                                             "tls": "implicit"})
        self.tls = tls
        self.keep = keep
        self.proc = None
        self.log_path = os.path.join(self.dir, "heron.log")
        self.config_path = os.path.join(self.dir, "heron.toml")
        # http=True: the operator endpoint ([http]: /metrics, /healthz, /status) on http_port.
        self.http_port = None
        if http:
            self.http_port = free_port(address)
            self.sections = dict(self.sections)
            self.sections["http"] = {"address": address, "port": self.http_port,
                                     **self.sections.get("http", {})}
        if tls:
            self._make_certificate()
        self.write_config()

    # -- setup -----------------------------------------------------------------------------

    def _make_certificate(self):
        self.cert = os.path.join(self.dir, "cert.pem")
        self.key = os.path.join(self.dir, "key.pem")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", self.key, "-out", self.cert, "-days", "30",
             "-subj", "/CN=" + self.hostname, "-addext", "subjectAltName=DNS:" + self.hostname + ",DNS:localhost,IP:" + self.address],
            check=True, capture_output=True)

    def write_config(self, text=None):
        if text is None:
            lines = [f"hostname = {toml_value(self.hostname)}",
                     f"data_dir = {toml_value(os.path.join(self.dir, 'data'))}", ""]
            if self.tls:
                lines += ["[tls]", f"cert_file = {toml_value(self.cert)}",
                          f"key_file = {toml_value(self.key)}", ""]
            listeners = [{"name": "mx", "role": "mx", "address": self.address,
                          "port": self.smtp_port, "tls": "starttls" if self.tls else "none"}]
            listeners += self.extra_listeners
            for listener in listeners:
                lines.append("[[listener]]")
                lines += [f"{k} = {toml_value(v)}" for k, v in listener.items()]
                lines.append("")
            for section, values in (("limits", self.limits), ("smtp", self.smtp),
                                    ("auth", self.auth), ("dns", self.dns),
                                    *self.sections.items()):
                if values:
                    lines.append(f"[{section}]")
                    lines += [f"{k} = {toml_value(v)}" for k, v in values.items()]
                    lines.append("")
            text = "\n".join(lines)
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write(text)

    def cli(self, *args, check=True, input=None):
        """Runs `heron -c <config> args...`; returns the CompletedProcess (bytes)."""
        result = subprocess.run([HERON_BIN, "-c", self.config_path, *args], capture_output=True,
                                input=input, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"heron {' '.join(args)} failed ({result.returncode}): "
                                 f"{result.stderr.decode(errors='replace')}")
        return result

    def add_domain(self, name):
        self.cli("domain", "add", name)

    def add_user(self, address, password="secret-password"):
        self.cli("user", "add", address, "--password", password)

    def add_alias(self, source, *targets):
        self.cli("alias", "add", source, *targets)

    # -- process ---------------------------------------------------------------------------

    def start(self, timeout=20, serve_args=()):
        # The log is appended to across restarts: wait for this start's server.ready.
        ready_before = self.log_text().count("server.ready")
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([HERON_BIN, "-c", self.config_path, "serve", *serve_args],
                                     stdout=log, stderr=log)
        log.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"heron exited with {self.proc.returncode}:\n{self.log_tail()}")
            if self.log_text().count("server.ready") > ready_before:
                return self
            time.sleep(0.02)
        raise AssertionError("heron did not become ready:\n" + self.log_tail())

    def stop(self):
        stop_process(self.proc)
        self.proc = None

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def cleanup(self, failed=False):
        self.stop()
        if failed or self.keep:
            print(f"\n--- heron instance kept in {self.dir}; log tail:\n{self.log_tail()}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def log_text(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def log_tail(self, lines=60):
        return "\n".join(self.log_text().splitlines()[-lines:])

    # -- inspecting the store through the CLI ----------------------------------------------

    def uids(self, user, mailbox="INBOX"):
        out = self.cli("message", "list", user, mailbox).stdout.decode()
        return [int(line.split()[0]) for line in out.splitlines()[1:] if line.strip()]

    def message(self, user, uid, mailbox="INBOX"):
        return self.cli("message", "get", user, mailbox, str(uid)).stdout

    def messages(self, user, mailbox="INBOX"):
        return [self.message(user, uid, mailbox) for uid in self.uids(user, mailbox)]


class HeronTestCase(unittest.TestCase):
    """A TestCase whose instances are cleaned up, and kept for inspection when a test fails."""

    def setUp(self):
        self._instances = []

    def heron(self, **kwargs):
        instance = Heron(**kwargs)
        self._instances.append(instance)
        return instance

    def tearDown(self):
        outcome = getattr(self, "_outcome", None)
        failed = False
        if outcome is not None:
            result = getattr(outcome, "result", None)
            if result is not None:
                failed = any(test is self for test, _ in result.failures + result.errors)
            elif hasattr(outcome, "errors"):
                failed = any(exc for _, exc in outcome.errors)
        for instance in self._instances:
            instance.cleanup(failed=failed)


class RawSmtp:
    """A byte-exact SMTP client over a plain socket, for what smtplib will not send."""

    def __init__(self, host, port, timeout=10):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def reply(self):
        """Reads one (possibly multi-line) reply; returns (code, text)."""
        lines = []
        while True:
            while b"\r\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError("connection closed; got " + repr(self.buf))
                self.buf += chunk
            line, self.buf = self.buf.split(b"\r\n", 1)
            lines.append(line.decode("utf-8", errors="replace"))
            if len(line) < 4 or line[3:4] != b"-":
                return int(lines[-1][:3]), "\n".join(l[4:] for l in lines)

    def cmd(self, line):
        self.send(line.encode() + b"\r\n")
        return self.reply()

    def closed(self, timeout=5):
        """True if the server closes the connection within timeout."""
        self.sock.settimeout(timeout)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return True
                self.buf += data
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()
