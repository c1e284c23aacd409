#!/usr/bin/env bash
# Unpacks Debian's Dovecot 2.3 (dovecot-core, dovecot-imapd) into /tmp/dovecot-ref without
# installing it (no service starts, nothing outside /tmp changes), for dovecot_fetch.sh.
set -euo pipefail
dest=${DOVECOT_REF:-/tmp/dovecot-ref}
mkdir -p "$dest"
cd "$dest"
apt-get download dovecot-core dovecot-imapd
for deb in dovecot-*.deb; do dpkg -x "$deb" root; done
echo "Dovecot unpacked in $dest/root"
