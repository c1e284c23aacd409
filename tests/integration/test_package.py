"""The Debian package end to end, as root on a machine with dpkg (CI): cpack builds the .deb
from the build directory of $HERON_BIN, `dpkg -i` installs it, the layout and what postinst
made are checked, the installed server is started as the unit would start it (systemd when it
is PID 1; otherwise /usr/bin/heron under the unit's capability bounding set and
no_new_privs), it drops to the heron user, takes mail over SMTP and hands it back through the
CLI; then `dpkg --purge` removes it and the machine is cleaned up as it was.

The installed config listens on 0.0.0.0 and the standard ports, which another MTA of the test
machine may hold: the server runs on a copy with free loopback ports, same data directory."""

import grp
import os
import pwd
import re
import shutil
import signal
import smtplib
import ssl
import subprocess
import tempfile
import time
import unittest

from harness import HERON_BIN, free_port, stop_process

ROOT = os.geteuid() == 0
TOOLS = all(shutil.which(t) for t in ("dpkg", "cpack", "setpriv"))
# systemd as PID 1: the unit itself is started; deb-systemd-invoke keeps postinst from starting
# it with the installed config (policy-rc.d).
SYSTEMD = os.path.isdir("/run/systemd/system") and bool(shutil.which("deb-systemd-invoke"))

# A container without CAP_SYS_ADMIN cannot make one.
MOUNT_NAMESPACES = ROOT and subprocess.run(["unshare", "--mount", "true"],
                                           capture_output=True).returncode == 0

CONFIG = "/etc/heron/heron.toml"
TEST_CONFIG = "/etc/heron/heron-test.toml"  # under /etc: the unit's PrivateTmp hides /tmp
UNIT = "/lib/systemd/system/heron.service"
DROP_IN_DIR = "/run/systemd/system/heron.service.d"
DATA_DIR = "/var/lib/heron"
TLS_DIR = "/etc/heron/tls"
WANTS_LINK = "/etc/systemd/system/multi-user.target.wants/heron.service"
POLICY_RC_D = "/usr/sbin/policy-rc.d"


def run(*args, check=True, timeout=120, **kwargs):
    result = subprocess.run(list(args), capture_output=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({result.returncode}):\n"
                             f"{result.stdout.decode(errors='replace')}"
                             f"{result.stderr.decode(errors='replace')}")
    return result


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def proc_status(pid):
    """(real, effective, saved uid), (the same gids), CapEff, CapBnd of a process."""
    status = read(f"/proc/{pid}/status")
    field = lambda name: re.search(rf"^{name}:\s+(.*)$", status, re.M).group(1).split()
    uid = tuple(int(v) for v in field("Uid")[:3])
    gid = tuple(int(v) for v in field("Gid")[:3])
    return uid, gid, int(field("CapEff")[0], 16), int(field("CapBnd")[0], 16)


CAP_NUMBERS = {"CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_DAC_READ_SEARCH": 2, "CAP_FOWNER": 3,
               "CAP_SETGID": 6, "CAP_SETUID": 7, "CAP_NET_BIND_SERVICE": 10}


def unit_capabilities():
    line = re.search(r"^CapabilityBoundingSet=(.*)$", read(UNIT), re.M).group(1)
    return line.split()


def machine_has_heron():
    """Anything a previous install left: the test would clobber it, so it refuses to run."""
    try:
        pwd.getpwnam("heron")
        return "user heron"
    except KeyError:
        pass
    for path in ("/usr/bin/heron", "/etc/heron", DATA_DIR):
        if os.path.lexists(path):
            return path
    if run("dpkg", "-s", "heron", check=False).returncode == 0:
        return "package heron"
    return None


@unittest.skipUnless(ROOT and TOOLS, "needs root, dpkg, cpack and setpriv")
class PackageTest(unittest.TestCase):
    def setUp(self):
        present = machine_has_heron()
        if present:
            self.skipTest(f"heron is already on this machine ({present}); not touching it")
        self.work = tempfile.mkdtemp(prefix="heron-pkg-")
        self.proc = None
        self.log_path = os.path.join(self.work, "serve.log")

    def tearDown(self):
        self.stop_server()
        if os.path.isdir(DROP_IN_DIR):
            shutil.rmtree(DROP_IN_DIR)
            run("systemctl", "daemon-reload", check=False)
        if run("dpkg", "-s", "heron", check=False).returncode == 0:
            run("dpkg", "--purge", "heron", check=False)
        shutil.rmtree(DATA_DIR, ignore_errors=True)
        shutil.rmtree("/etc/heron", ignore_errors=True)
        for db, remove in (("passwd", "userdel"), ("group", "groupdel")):
            if run("getent", db, "heron", check=False).returncode == 0:
                run(remove, "heron", check=False)
        shutil.rmtree(self.work, ignore_errors=True)

    def forbid_starts(self):
        """A policy-rc.d that refuses heron.service for the test's duration; one already there
        (Docker images have one) is put back afterwards."""
        if os.path.lexists(POLICY_RC_D):
            saved = POLICY_RC_D + ".heron-test"
            os.rename(POLICY_RC_D, saved)
            self.addCleanup(os.rename, saved, POLICY_RC_D)
        with open(POLICY_RC_D, "w", encoding="utf-8") as f:
            f.write('#!/bin/sh\n# heron test_package.py, removed by it\n'
                    '[ "$1" = heron.service ] && exit 101\nexit 0\n')
        os.chmod(POLICY_RC_D, 0o755)
        self.addCleanup(os.remove, POLICY_RC_D)

    # -- the server, started as the unit starts it -------------------------------------------

    def start_server(self):
        if SYSTEMD:
            os.makedirs(DROP_IN_DIR, exist_ok=True)
            with open(os.path.join(DROP_IN_DIR, "test.conf"), "w", encoding="utf-8") as f:
                f.write(f"[Service]\nExecStart=\nExecStart=/usr/bin/heron -c {TEST_CONFIG} serve\n")
            run("systemctl", "daemon-reload")
            run("systemctl", "start", "heron.service")
            self.pid = int(run("systemctl", "show", "-p", "MainPID", "--value",
                               "heron.service").stdout)
            self.invocation = run("systemctl", "show", "-p", "InvocationID", "--value",
                                  "heron.service").stdout.decode().strip()
        else:
            # No systemd here: the same binary and config under the unit's capability bounding
            # set and no_new_privs (setpriv, util-linux), so the unit's choice of capabilities
            # is what is tested; and, where a mount namespace can be made, with the file system
            # read-only but for the data directory and a private /tmp, as ProtectSystem=strict,
            # ReadWritePaths and PrivateTmp have it.
            caps = ",".join("+" + c.lower().removeprefix("cap_") for c in unit_capabilities())
            command = ["setpriv", "--bounding-set", "-all," + caps, "--no-new-privs",
                       "/usr/bin/heron", "-c", TEST_CONFIG, "serve"]
            if MOUNT_NAMESPACES:
                script = ("mount --make-rprivate / && "
                          f"mount --bind {DATA_DIR} {DATA_DIR} && "
                          "mount -t tmpfs tmpfs /tmp && "
                          "mount -o remount,bind,ro / && "
                          'exec "$@"')
                command = ["unshare", "--mount", "sh", "-c", script, "sh", *command]
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(command, stdout=log, stderr=log)
            log.close()
            self.pid = self.proc.pid
        deadline = time.time() + 20
        while "server.ready" not in self.log_text():
            if self.proc is not None and self.proc.poll() is not None:
                self.fail(f"heron exited with {self.proc.returncode}:\n{self.log_text()}")
            if time.time() > deadline:
                self.fail("heron did not become ready:\n" + self.log_text())
            time.sleep(0.05)

    def stop_server(self):
        if SYSTEMD:
            run("systemctl", "stop", "heron.service", check=False)
        else:
            stop_process(self.proc)

    def log_text(self):
        if SYSTEMD:
            return run("journalctl", "-o", "cat", f"_SYSTEMD_INVOCATION_ID={self.invocation}",
                       check=False).stdout.decode(errors="replace")
        try:
            return read(self.log_path)
        except FileNotFoundError:
            return ""

    def reload_server(self):
        if SYSTEMD:
            run("systemctl", "reload", "heron.service")
        else:
            os.kill(self.pid, signal.SIGHUP)

    def heron(self, *args):
        return run("/usr/bin/heron", "-c", TEST_CONFIG, *args, timeout=60)

    def write_test_config(self):
        """The installed config on free loopback ports, DNS on a loopback port nobody serves
        (no lookups leave the machine), no mail authentication checks; the rest as installed."""
        text = read(CONFIG).replace('address = "0.0.0.0"', 'address = "127.0.0.1"')
        self.ports = {}

        def new_port(match):
            port = free_port()
            self.ports[int(match.group(1))] = port
            return f"port = {port}"

        text = re.sub(r"^port = (\d+)$", new_port, text, flags=re.M)
        text = text.replace("forwarders = []", f'forwarders = ["127.0.0.1@{free_port()}"]', 1)
        # Without DNS the MX's SPF/DKIM/DMARC checks would wait out the resolver's timeouts.
        self.assertIn("\nverify = true\n", text)
        text = text.replace("\nverify = true\n", "\nverify = false\n", 1)
        with open(TEST_CONFIG, "w", encoding="utf-8") as f:
            f.write(text)
        heron_gid = grp.getgrnam("heron").gr_gid
        os.chown(TEST_CONFIG, 0, heron_gid)
        os.chmod(TEST_CONFIG, 0o640)
        self.assertEqual(sorted(self.ports), [25, 110, 143, 465, 587, 993, 995, 8025])

    # -- the test ------------------------------------------------------------------------------

    def test_install_serve_purge(self):
        started = time.time()
        # cpack in the build directory that holds $HERON_BIN (ctest built it); the .deb goes
        # to a scratch directory.
        build_dir = os.path.dirname(os.path.abspath(HERON_BIN))
        out = os.path.join(self.work, "deb")
        run("cpack", "-G", "DEB", "-B", out, cwd=build_dir, timeout=300)
        debs = [f for f in os.listdir(out) if re.fullmatch(r"heron_[\w.~+-]+_\w+\.deb", f)]
        self.assertEqual(len(debs), 1, os.listdir(out))
        deb = os.path.join(out, debs[0])

        fields = run("dpkg-deb", "-f", deb, "Package", "Depends").stdout.decode()
        self.assertIn("Package: heron", fields)
        for dep in ("adduser", "openssl", "libssl3", "libsqlite3-0"):
            self.assertIn(dep, fields)
        control = run("dpkg-deb", "-I", deb, "conffiles").stdout.decode()
        self.assertEqual(control.split(), [CONFIG])

        if SYSTEMD:
            # postinst would start the unit with the installed config, on 0.0.0.0 and the
            # standard ports; deb-systemd-invoke asks policy-rc.d, which says no (101) here.
            self.forbid_starts()
        run("dpkg", "-i", deb)

        # Layout.
        self.assertTrue(os.access("/usr/bin/heron", os.X_OK))
        self.assertIn("ExecStart=/usr/bin/heron -c /etc/heron/heron.toml serve", read(UNIT))
        self.assertTrue(os.path.isfile("/usr/share/doc/heron/docs/admin.md"))
        heron_user = pwd.getpwnam("heron")
        uid, gid = heron_user.pw_uid, heron_user.pw_gid
        self.assertEqual(grp.getgrgid(gid).gr_name, "heron")
        self.assertLess(uid, 1000)  # a system user
        self.assertEqual(heron_user.pw_dir, DATA_DIR)
        st = os.stat(DATA_DIR)
        self.assertEqual((st.st_uid, st.st_gid, st.st_mode & 0o777), (uid, gid, 0o750))
        st = os.stat(os.path.join(TLS_DIR, "privkey.pem"))
        self.assertEqual((st.st_uid, st.st_gid, st.st_mode & 0o777), (0, gid, 0o640))
        st = os.stat(CONFIG)
        self.assertEqual((st.st_uid, st.st_gid, st.st_mode & 0o777), (0, gid, 0o640))
        self.assertIn('\nuser = "heron"\n', read(CONFIG))
        subject = run("openssl", "x509", "-in", os.path.join(TLS_DIR, "fullchain.pem"),
                      "-noout", "-subject").stdout.decode()
        self.assertIn("Heron placeholder", subject)
        # Enabled as dh_installsystemd would, with or without systemd running.
        if shutil.which("deb-systemd-helper"):
            self.assertTrue(os.path.samefile(WANTS_LINK, UNIT))
        if shutil.which("systemd-analyze"):
            verify = run("systemd-analyze", "verify", UNIT, check=False)
            self.assertEqual(verify.returncode, 0, verify.stderr)
            self.assertNotIn(b"heron.service", verify.stdout + verify.stderr)
        # Reconfiguring is harmless: nothing is regenerated.
        key_before = read(os.path.join(TLS_DIR, "privkey.pem"))
        if shutil.which("dpkg-reconfigure"):
            run("dpkg-reconfigure", "heron")
        self.assertEqual(read(os.path.join(TLS_DIR, "privkey.pem")), key_before)

        # Serve: the drop to heron, mail in over SMTP, out through the CLI (run as root).
        self.write_test_config()
        self.start_server()
        uids, gids, cap_eff, cap_bnd = proc_status(self.pid)
        self.assertEqual(uids, (uid,) * 3)
        self.assertEqual(gids, (gid,) * 3)
        self.assertEqual(cap_eff, 0)
        wanted = sum(1 << CAP_NUMBERS[c] for c in unit_capabilities())
        self.assertEqual(cap_bnd, wanted)
        self.assertIn("server.privileges.dropped user=heron", self.log_text())
        if SYSTEMD or MOUNT_NAMESPACES:
            mounts = {line.split()[4]: line.split()[5].split(",")
                      for line in read(f"/proc/{self.pid}/mountinfo").splitlines()}
            self.assertIn("ro", mounts["/"])
            self.assertIn("rw", mounts[DATA_DIR])

        # quickstart on the installed config: the domain, postmaster@, its aliases and DKIM
        # keys are added to the running server; the config file is left as it was.
        config_before = read(TEST_CONFIG)
        out = self.heron("quickstart", "--domain", "example.test").stdout.decode()
        self.assertIn("(kept as it was)", out)
        self.assertIn("rsa1._domainkey.example.test.", out)
        self.assertEqual(read(TEST_CONFIG), config_before)
        with smtplib.SMTP("127.0.0.1", self.ports[25], timeout=30) as s:
            s.ehlo("peer.example.net")
            self.assertTrue(s.has_extn("starttls"))
            s.starttls(context=ssl._create_unverified_context())  # the self-signed placeholder
            s.ehlo("peer.example.net")
            s.sendmail("bob@example.net", ["abuse@example.test"],
                       b"From: bob@example.net\r\nTo: abuse@example.test\r\n"
                       b"Subject: packaged\r\n\r\ndelivered by the installed heron\r\n")
        listing = self.heron("message", "list", "postmaster@example.test", "INBOX").stdout.decode()
        rows = [line.split()[0] for line in listing.splitlines()[1:] if line.strip()]
        self.assertEqual(len(rows), 1, listing)
        message = self.heron("message", "get", "postmaster@example.test", "INBOX", rows[0]).stdout
        self.assertIn(b"delivered by the installed heron", message)
        self.assertIn(b"Subject: packaged", message)

        # SIGHUP after the drop: config and key are readable by the heron group.
        self.reload_server()
        deadline = time.time() + 10
        while "tls.reload" not in self.log_text() and time.time() < deadline:
            time.sleep(0.05)
        self.assertIn("config.reloaded", self.log_text())
        self.assertIn("tls.reloaded", self.log_text())
        self.assertNotIn("reload.failed", self.log_text())

        self.stop_server()
        for path, _, files in os.walk(DATA_DIR):
            for name in files:
                if not name.endswith(("-wal", "-shm")):  # the CLI as root may recreate these
                    self.assertEqual(os.stat(os.path.join(path, name)).st_uid, uid, name)

        # Purge: the program, the conffile, the placeholder certificate and the enablement go;
        # the mail and the user stay (packaging/debian/postrm).
        os.remove(TEST_CONFIG)
        run("dpkg", "--purge", "heron")
        for gone in ("/usr/bin/heron", UNIT, CONFIG, TLS_DIR, WANTS_LINK):
            self.assertFalse(os.path.lexists(gone), gone)
        self.assertTrue(os.path.isfile(os.path.join(DATA_DIR, "heron.db")))
        pwd.getpwnam("heron")
        self.assertLess(time.time() - started, 60)


if __name__ == "__main__":
    unittest.main()
