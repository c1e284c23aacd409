"""A private Postfix instance (Debian's `postfix`) on one loopback address, entirely under a
temporary directory (its own main.cf and master.cf, queue and maillog; /etc/postfix is not
touched), as bench/smtp_inbound.sh runs one. It receives mail for one domain into Maildirs
through virtual(8), and sends everything else by SMTP to fixed next hops (transport_maps), since
its resolver cannot be pointed at the test DNS server.

    pf = PostfixServer("127.0.0.4", port, "c.test", ["carol@c.test"],
                       transports={"a.test": "[127.0.0.2]:PORT"}, cert=..., key=...)
    pf.start(); pf.maildir_messages("carol@c.test"); pf.stop()

Needs root (postfix start) and the postfix package; tests skip themselves otherwise.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

POSTFIX = "/usr/sbin/postfix"


def available():
    return os.geteuid() == 0 and os.path.exists(POSTFIX)


class PostfixServer:
    def __init__(self, address, port, domain, users, transports=None, cert=None, key=None,
                 hostname=None, extra=""):
        self.address, self.port, self.domain = address, port, domain
        self.users = list(users)
        self.transports = dict(transports or {})
        self.cert, self.key = cert, key
        self.hostname = hostname or "mx." + domain
        self.extra = extra  # more main.cf lines
        self.dir = tempfile.mkdtemp(prefix="heron-postfix-")
        self.conf = os.path.join(self.dir, "etc")
        self.vmail = os.path.join(self.dir, "vmail")
        self.maillog = os.path.join(self.dir, "maillog")
        self.started = False

    def _write(self):
        d = self.dir
        queue, data = os.path.join(d, "queue"), os.path.join(d, "data")
        for p in (self.conf, queue, data, self.vmail):
            os.makedirs(p, exist_ok=True)
        os.chmod(d, 0o755)
        os.chmod(self.conf, 0o755)
        os.chmod(queue, 0o755)
        nobody = pwd.getpwnam("nobody")
        shutil.chown(data, user="postfix")
        os.chown(self.vmail, nobody.pw_uid, nobody.pw_gid)
        with open(os.path.join(d, "vmailbox"), "w") as f:
            for u in self.users:
                local = u.split("@")[0]
                f.write(f"{u} {self.domain}/{local}/\n")
        with open(os.path.join(d, "transport"), "w") as f:
            for dom, hop in self.transports.items():
                f.write(f"{dom} smtp:{hop}\n")
        tls = ""
        if self.cert:
            tls = (f"smtpd_tls_cert_file = {self.cert}\nsmtpd_tls_key_file = {self.key}\n"
                   "smtpd_tls_security_level = may\nsmtp_tls_security_level = may\nsmtpd_tls_loglevel = 1\n"
                   "smtpd_tls_session_cache_database =\nsmtp_tls_session_cache_database =\n")
        with open(os.path.join(self.conf, "main.cf"), "w") as f:
            f.write(f"""compatibility_level = 3.6
config_directory = {self.conf}
queue_directory = {queue}
data_directory = {data}
myhostname = {self.hostname}
mydomain = {self.domain}
myorigin = {self.domain}
mydestination =
# Postfix accepts only addresses configured on an interface here (127.0.0.1 on lo, not the
# rest of 127/8); the smtpd service in master.cf binds to the test address itself.
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtp_bind_address = {self.address}
disable_dns_lookups = yes
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtpd_peername_lookup = no
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
transport_maps = texthash:{d}/transport
alias_maps =
alias_database =
local_recipient_maps =
biff = no
append_dot_mydomain = no
virtual_mailbox_domains = {self.domain}
virtual_mailbox_base = {self.vmail}
virtual_mailbox_maps = texthash:{d}/vmailbox
virtual_uid_maps = static:{nobody.pw_uid}
virtual_gid_maps = static:{nobody.pw_gid}
maillog_file = {self.maillog}
maillog_file_prefixes = {d}
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
{tls}{self.extra}
""")
        with open(os.path.join(self.conf, "master.cf"), "w") as f:
            f.write(f"""{self.address}:{self.port} inet n - n - - smtpd
pickup     unix  n       -      n      60     1       pickup
cleanup    unix  n       -      n      -      0       cleanup
qmgr       unix  n       -      n      300    1       qmgr
tlsmgr     unix  -       -      n      1000?  1       tlsmgr
rewrite    unix  -       -      n      -      -       trivial-rewrite
bounce     unix  -       -      n      -      0       bounce
defer      unix  -       -      n      -      0       bounce
trace      unix  -       -      n      -      0       bounce
verify     unix  -       -      n      -      1       verify
flush      unix  n       -      n      1000?  0       flush
proxymap   unix  -       -      n      -      -       proxymap
proxywrite unix  -       -      n      -      1       proxymap
smtp       unix  -       -      n      -      -       smtp
relay      unix  -       -      n      -      -       smtp
showq      unix  n       -      n      -      -       showq
error      unix  -       -      n      -      -       error
retry      unix  -       -      n      -      -       error
discard    unix  -       -      n      -      -       discard
local      unix  -       n      n      -      -       local
virtual    unix  -       n      n      -      -       virtual
anvil      unix  -       -      n      -      1       anvil
scache     unix  -       -      n      -      1       scache
postlog    unix-dgram n  -      n      -      1       postlogd
""")

    def start(self, timeout=20):
        self._write()
        r = subprocess.run([POSTFIX, "-c", self.conf, "start"], capture_output=True, text=True)
        if r.returncode != 0:
            raise AssertionError("postfix start failed: " + r.stdout + r.stderr)
        self.started = True
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with socket.create_connection((self.address, self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError("postfix not listening:\n" + self.log_text()[-3000:])

    def queued(self):
        """Messages in the queue (files under incoming, active, deferred, maildrop, hold)."""
        n = 0
        for sub in ("maildrop", "incoming", "active", "deferred", "hold"):
            for _, _, files in os.walk(os.path.join(self.dir, "queue", sub)):
                n += len(files)
        return n

    def run(self, *args):
        """Runs a Postfix command (postconf, postqueue, postfix) on this instance."""
        return subprocess.run([args[0], "-c", self.conf, *args[1:]], capture_output=True,
                              text=True, check=True)

    def stop(self):
        if not self.started:
            return
        subprocess.run([POSTFIX, "-c", self.conf, "stop"], capture_output=True)
        pidfile = os.path.join(self.dir, "queue", "pid", "master.pid")
        for _ in range(50):
            try:
                pid = int(open(pidfile).read().strip() or 0)
                os.kill(pid, 0)
            except (OSError, ValueError):
                break
            time.sleep(0.1)
        else:
            try:
                os.kill(pid, 9)
            except OSError:
                pass
        self.started = False

    def cleanup(self, failed=False):
        self.stop()
        if failed:
            print(f"\n--- postfix kept in {self.dir}; maillog tail:\n{self.log_text()[-3000:]}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def log_text(self):
        try:
            with open(self.maillog, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def maildir_messages(self, user):
        local = user.split("@")[0]
        out = []
        for p in sorted(glob.glob(os.path.join(self.vmail, self.domain, local, "new", "*"))):
            with open(p, "rb") as f:
                out.append(f.read())
        return out
