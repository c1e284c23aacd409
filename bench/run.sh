#!/usr/bin/env bash
# Entry point for `make bench`:
#   bench/run.sh            every benchmark: SMTP inbound, then IMAP, then POP3
#   bench/run.sh smtp       SMTP inbound only (smtp-sink, Postfix, Heron; bench/smtp_inbound.sh)
#   bench/run.sh imap       IMAP only (Dovecot, Heron; bench/imap_bench.py)
#   bench/run.sh pop3       POP3 only (Dovecot, Heron; bench/pop3_bench.py)
#   bench/run.sh submission authenticated submission over TLS beside the MX (bench/submission_bench.py)
#   bench/run.sh relay      outbound relay to smtp-sink (Postfix, Heron; bench/relay_bench.py)
# Builds nothing; HERON_BIN should point at a release build (default build/release/heron,
# relative to the repository root). Needs root and the Debian postfix, dovecot-imapd and
# dovecot-pop3d packages (tools/install-deps.sh). BENCH_TARGETS may name targets of either benchmark
# ("sink postfix dovecot heron"); each benchmark takes the names it knows and is skipped if
# none is left. See docs/bench.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export HERON_BIN=${HERON_BIN:-$PWD/build/release/heron}

# targets_for KNOWN...: the words of $BENCH_TARGETS that are in KNOWN (all KNOWN if unset).
targets_for() {
    if [[ -z ${BENCH_TARGETS:-} ]]; then echo "$*"; return; fi
    local t k out=()
    for t in $BENCH_TARGETS; do
        for k in "$@"; do [[ $t == "$k" ]] && out+=("$t"); done
    done
    echo "${out[*]}"
}

benches=("$@")
[[ ${#benches[@]} -eq 0 ]] && benches=(smtp imap pop3 submission relay)
rc=0
for bench in "${benches[@]}"; do
    case $bench in
    smtp)
        targets=$(targets_for sink postfix heron)
        if [[ -z $targets ]]; then echo "bench: smtp skipped (BENCH_TARGETS=$BENCH_TARGETS)" >&2; continue; fi
        BENCH_TARGETS=$targets bench/smtp_inbound.sh || rc=1 ;;
    imap)
        targets=$(targets_for dovecot heron)
        if [[ -z $targets ]]; then echo "bench: imap skipped (BENCH_TARGETS=$BENCH_TARGETS)" >&2; continue; fi
        BENCH_TARGETS=$targets python3 bench/imap_bench.py || rc=1 ;;
    pop3)
        python3 bench/pop3_bench.py || rc=1 ;;
    submission)
        python3 bench/submission_bench.py || rc=1 ;;
    relay)
        python3 bench/relay_bench.py || rc=1 ;;
    *)
        echo "usage: bench/run.sh [smtp|imap|pop3|submission|relay]..." >&2
        exit 2 ;;
    esac
done
exit "$rc"
