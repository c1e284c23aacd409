#!/usr/bin/env bash
# Entry point for `make bench`: runs the SMTP inbound benchmark (smtp-sink, Postfix, Heron).
# Builds nothing; HERON_BIN should point at a release build (default build/release/heron,
# relative to the repository root). Needs root and the Debian postfix package. See docs/bench.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export HERON_BIN=${HERON_BIN:-$PWD/build/release/heron}
exec bench/smtp_inbound.sh "$@"
