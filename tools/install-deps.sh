#!/usr/bin/env bash
# Installs every Debian package that building, testing, benchmarking and running the demo need.
# Idempotent: packages already present are skipped, so a second run costs one dpkg query.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git clang-14 clang-format
  # dpkg-shlibdeps computes the .deb's library Depends (make package, packaging/cpack.cmake)
  dpkg-dev
  libclang-rt-14-dev libfuzzer-14-dev
  # libraries (see DESIGN.md, Dependencies)
  libboost1.74-dev libssl-dev libsqlite3-dev libargon2-dev libspdlog-dev libfmt-dev
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  libunbound-dev dns-root-data
  # the Public Suffix List for DMARC Organizational Domains (src/mailauth/dmarc/org_domain.hpp)
  publicsuffix
  # tests, demo and benchmarks: real clients and a real foreign MTA
  python3 swaks postfix openssl sqlite3 procps
  # swaks --tls/--tlsc (tests/integration/test_smtp_submission.py) needs Perl's TLS modules
  libnet-ssleay-perl libio-socket-ssl-perl
  # mail clients the IMAP and POP3 interop tests drive
  isync fetchmail
  # the IMAP benchmark's reference server (bench/imap_bench.py runs a private instance)
  dovecot-imapd
  # a real authoritative DNS server serving the test zones (tests/integration/dns_server.py)
  knot
  # POP3 clients users run (tests/integration/test_pop3_clients.py), and Dovecot's POP3 for
  # bench/pop3_bench.py
  fetchmail getmail6 dovecot-pop3d
  # independent DKIM implementations for tests/integration/test_dkim_interop.py
  python3-dkim python3-nacl opendkim-tools
  # promtool checks the /metrics output (tests/integration/test_operations.py)
  prometheus
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
# Postfix asks debconf questions at install; answer them so CI never blocks on input.
echo "postfix postfix/main_mailer_type select No configuration" | "${sudo_cmd[@]}" debconf-set-selections
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
