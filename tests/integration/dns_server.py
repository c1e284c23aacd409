"""A real authoritative DNS server (Knot DNS, Debian's `knot`) serving test zones on loopback.

Heron's resolver is pointed at it with `[dns] forwarders = ["127.0.0.1@PORT"]` and
`dnssec = false` (or a trust anchor for a signed zone, see Zone(signed=True)). Every test that
needs DNS builds its zones here: MX routing between Heron instances and a Postfix, null MX,
SPF/DKIM/DMARC TXT records, PTR records for 127.0.0.x.

    zone = Zone("a.test")
    zone.add("@", "MX", "10 mx.a.test.")
    zone.add("mx", "A", "127.0.0.2")
    zone.txt("@", "v=spf1 ip4:127.0.0.2 -all")      # long strings are split for you
    with DnsServer([zone, reverse_zone({"127.0.0.2": "mx.a.test."})]) as dns:
        heron = Heron(dns=dns.heron_config())        # forwarders = [dns.forwarder]

Names in records are written in zone-file syntax: end them with "." or they are relative to
the zone. The server runs as the current user with everything in a temporary directory (no
system config, no root needed); start() waits until every zone answers, stop() ends it, and
start() again brings it back on the same port. Only the standard library is used.

Knot was picked over NSD because it signs zones by itself (DNSSEC tests need no extra tool)
and starts in well under a second (docs/dns.md, "The test DNS server").
"""

import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

KNOTD = shutil.which("knotd") or "/usr/sbin/knotd"
KEYMGR = shutil.which("keymgr") or "/usr/sbin/keymgr"


def free_udp_tcp_port(address="127.0.0.1"):
    """A port free for both UDP and TCP on `address` a moment ago."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind((address, 0))
            port = u.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                try:
                    t.bind((address, port))
                except OSError:
                    continue
                return port
    raise RuntimeError("no free port")


def txt_strings(value):
    """A TXT value as zone-file character-strings of at most 255 octets (RFC 1035 3.3.14)."""
    data = value.encode() if isinstance(value, str) else bytes(value)
    chunks = [data[i:i + 255] for i in range(0, len(data), 255)] or [b""]
    return " ".join(quote(chunk) for chunk in chunks)


def quote(data):
    out = '"'
    for b in data:
        if b in (0x22, 0x5C) or b < 0x20 or b > 0x7E:
            out += "\\%03d" % b
        else:
            out += chr(b)
    return out + '"'


class Zone:
    """One zone's records. `add` takes zone-file fields; the SOA and NS are made for you."""

    def __init__(self, origin, ttl=300, negative_ttl=60, signed=False):
        self.origin = origin.rstrip(".").lower()
        self.ttl = ttl
        self.negative_ttl = negative_ttl
        self.signed = signed
        self.records = []

    def add(self, owner, rtype, rdata, ttl=None):
        self.records.append((owner, ttl, rtype.upper(), rdata))
        return self

    def txt(self, owner, *values, ttl=None):
        """One TXT record; several values make several character-strings."""
        if len(values) == 1:
            return self.add(owner, "TXT", txt_strings(values[0]), ttl)
        return self.add(owner, "TXT", " ".join(quote(v.encode()) for v in values), ttl)

    def text(self):
        origin = self.origin + "."
        lines = [f"$ORIGIN {origin}", f"$TTL {self.ttl}",
                 f"@ SOA ns.{origin} hostmaster.{origin} 1 3600 600 86400 {self.negative_ttl}",
                 f"@ NS ns.{origin}", "ns A 127.0.0.1"]
        for owner, ttl, rtype, rdata in self.records:
            lines.append(f"{owner} {'' if ttl is None else ttl} IN {rtype} {rdata}")
        return "\n".join(lines) + "\n"


def reverse_zone(names, ttl=300):
    """The zone 127.in-addr.arpa with a PTR for each {"127.0.0.2": "mx.a.test."}."""
    zone = Zone("127.in-addr.arpa", ttl=ttl)
    for address, name in names.items():
        octets = address.split(".")
        if octets[0] != "127":
            raise ValueError("reverse_zone holds 127/8 only: " + address)
        zone.add(".".join(reversed(octets[1:])), "PTR", name)
    return zone


def dns_query(address, port, name, rtype, timeout=0.2):
    """One UDP query; returns (rcode, answer_count, aa) or None when nothing came back."""
    qid = random.randrange(65536)
    header = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 0)
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.rstrip(".").split(".") if p)
    packet = header + qname + b"\0" + struct.pack("!HH", rtype, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        try:
            s.sendto(packet, (address, port))
            deadline = time.time() + timeout
            while time.time() < deadline:
                data = s.recv(4096)
                if len(data) >= 12 and struct.unpack("!H", data[:2])[0] == qid:
                    flags, _, ancount = struct.unpack("!HHH", data[2:8])
                    return flags & 0x0F, ancount, bool(flags & 0x0400)
        except OSError:
            return None
    return None


TYPE_SOA, TYPE_DNSKEY = 6, 48


class DnsServer:
    """knotd serving `zones` on address:port (port: a free one). `broken` names zones the
    server is configured for but cannot load, which it answers with SERVFAIL."""

    def __init__(self, zones=(), address="127.0.0.1", port=None, broken=(), keep=False):
        self.zones = {z.origin: z for z in zones}
        self.broken = [b.rstrip(".").lower() for b in broken]
        self.address = address
        self.port = port or free_udp_tcp_port(address)
        self.keep = keep
        self.dir = tempfile.mkdtemp(prefix="heron-dns-")
        self.conf = os.path.join(self.dir, "knot.conf")
        self.log_path = os.path.join(self.dir, "knot.log")
        self.proc = None

    @property
    def forwarder(self):
        """What Heron's [dns] forwarders takes: "127.0.0.1@PORT"."""
        return f"{self.address}@{self.port}"

    def heron_config(self, timeout="3s"):
        """A [dns] section (as a dict) that points Heron here, validation off."""
        return {"forwarders": [self.forwarder], "dnssec": False, "timeout": timeout}

    def set_zone(self, zone):
        """Adds or replaces a zone; takes effect at the next start() (or restart())."""
        self.zones[zone.origin] = zone

    # -- files ------------------------------------------------------------------------------

    def _write(self):
        for zone in self.zones.values():
            with open(os.path.join(self.dir, zone.origin + ".zone"), "w") as f:
                f.write(zone.text())
        lines = [
            "server:",
            f"    listen: {self.address}@{self.port}",
            f"    rundir: {self.dir}",
            "    udp-workers: 1",
            "    tcp-workers: 1",
            "    background-workers: 1",
            "log:",
            "  - target: stderr",
            "    any: info",
            "database:",
            f"    storage: {self.dir}",
            "policy:",
            "  - id: test",
            "    algorithm: ecdsap256sha256",
            "    nsec3: off",
            "template:",
            "  - id: default",
            f"    storage: {self.dir}",
            '    file: "%s.zone"',
            # Serve the files as written: no journal, no rewriting them on disk.
            "    zonefile-sync: -1",
            "    zonefile-load: whole",
            "    journal-content: none",
            "zone:",
        ]
        for zone in self.zones.values():
            lines.append(f"  - domain: {zone.origin}")
            if zone.signed:
                lines += ["    dnssec-signing: on", "    dnssec-policy: test"]
        for name in self.broken:
            # A zone file that does not parse: knot keeps the zone and answers SERVFAIL.
            with open(os.path.join(self.dir, name + ".zone"), "w") as f:
                f.write("this is not a zone file\n")
            lines.append(f"  - domain: {name}")
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")

    # -- process ----------------------------------------------------------------------------

    def start(self, timeout=15):
        self._write()
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([KNOTD, "-c", self.conf], stdout=log, stderr=log,
                                     stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.time() + timeout
        waiting = [(z.origin, TYPE_SOA) for z in self.zones.values()]
        waiting += [(z.origin, TYPE_DNSKEY) for z in self.zones.values() if z.signed]
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"knotd exited with {self.proc.returncode}:\n{self.log_tail()}")
            waiting = [(name, rtype) for name, rtype in waiting if not self._answers(name, rtype)]
            if not waiting:
                if self.zones or dns_query(self.address, self.port, ".", TYPE_SOA) is not None:
                    return self
            time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"knotd did not serve {waiting} in {timeout}s:\n{self.log_tail()}")

    def _answers(self, name, rtype):
        reply = dns_query(self.address, self.port, name, rtype)
        return reply is not None and reply[0] == 0 and reply[1] > 0 and reply[2]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self):
        self.stop()
        return self.start()

    def cleanup(self, failed=False):
        self.stop()
        if failed or self.keep:
            print(f"\n--- DNS server kept in {self.dir}; log tail:\n{self.log_tail()}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        self.cleanup(failed=exc_type is not None)

    # -- DNSSEC -----------------------------------------------------------------------------

    def trust_anchor(self, origin):
        """The DS record(s) of a signed zone, in zone-file form, to use as a trust anchor."""
        result = subprocess.run([KEYMGR, "-c", self.conf, origin, "ds"], capture_output=True,
                                text=True, timeout=30, check=True)
        return "".join(line + "\n" for line in result.stdout.splitlines() if " DS " in line)

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return "\n".join(f.read().splitlines()[-lines:])
        except FileNotFoundError:
            return ""
