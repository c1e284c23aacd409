#!/usr/bin/env bash
# Runs every fuzz target in BUILD_DIR for SECONDS each, on its seed corpus in fuzz/corpus/<name>.
# New inputs go to a scratch corpus so the checked-in seeds stay small; crashes land in
# fuzz/artifacts/ and fail the run.
set -euo pipefail
build_dir=${1:-build/fuzz/fuzz}
seconds=${2:-60}
mkdir -p fuzz/artifacts
status=0
for target in "$build_dir"/*_fuzz; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  scratch=$(mktemp -d)
  seeds="fuzz/corpus/$name"
  mkdir -p "$seeds"
  echo "== $name for ${seconds}s"
  if ! "$target" -max_total_time="$seconds" -artifact_prefix=fuzz/artifacts/ \
      -print_final_stats=1 "$scratch" "$seeds" 2>&1 | tail -n 12; then
    status=1
  fi
  rm -rf "$scratch"
done
exit $status
