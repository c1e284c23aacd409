#!/usr/bin/env bash
# Records Dovecot's FETCH (BODYSTRUCTURE BODY ENVELOPE) answers for the MIME test messages into
# tests/data/mime/dovecot/, which tests/unit/proto_imap_render_dovecot_test.cpp compares Heron
# against. Needs the Dovecot reference unpacked by setup.sh. Messages are converted to CRLF
# first, like the test does. Usage: tools/dovecot-compare/record.sh (from the repository root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/tests/data/mime/dovecot
mkdir -p "$out"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
record() {  # record <id> <path shown in the file> <message file>
  python3 -c 'import re,sys; d=open(sys.argv[1],"rb").read(); open(sys.argv[2],"wb").write(re.sub(rb"\r?\n",b"\r\n",d))' "$3" "$tmp"
  { echo "message: $2"; "$here/dovecot_fetch.sh" "$tmp" "bodystructure body envelope" | grep -a '^\* 1 FETCH' -A1000 | grep -av ': Info: '; } > "$out/$1.txt"
}
for f in "$root"/tests/data/mime/*.eml; do
  record "local__$(basename "$f" .eml)" "tests/data/mime/$(basename "$f")" "$f"
done
shared=$root/../shared/testdata
for f in "$shared"/mime/stalwart-mail-parser/resources/eml/*/*.eml "$shared"/mime/cpython-test_email/*.txt; do
  rel=${f#"$shared"/}
  record "shared__$(echo "$rel" | sed 's|^mime/||; s|/resources/eml||; s|/|__|g; s|\.[a-z]*$||')" "shared:$rel" "$f"
done
echo "recorded $(ls "$out" | wc -l) answers in $out"
