#!/usr/bin/env bash
# Entry point for `make bench`: runs the SMTP inbound benchmark (smtp-sink, Postfix, Heron),
# then the POP3 benchmark (Dovecot, Heron). BENCH_SUITES picks a subset of "smtp pop3".
# Builds nothing; HERON_BIN should point at a release build (default build/release/heron,
# relative to the repository root). Needs root and the Debian postfix and dovecot-pop3d packages. See docs/bench.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export HERON_BIN=${HERON_BIN:-$PWD/build/release/heron}
suites=${BENCH_SUITES:-smtp pop3}
status=0
for suite in $suites; do
  case $suite in
    smtp) bench/smtp_inbound.sh "$@" || status=1 ;;
    pop3) python3 bench/pop3_bench.py || status=1 ;;
    *) echo "bench: unknown suite $suite" >&2; status=1 ;;
  esac
done
exit $status
