#!/bin/bash
# usage: dovecot_fetch.sh FILE [FETCH-ITEMS]: prints the FETCH answer of Debian Dovecot 2.3 (unpacked
# by setup.sh) for one message, by running its imap binary in PREAUTH mode as "nobody" on a
# throw-away Maildir. Needs root (for setpriv). No daemon is started.
D=${DOVECOT_REF:-/tmp/dovecot-ref}
W=$(mktemp -d "$D/w.XXXX")
mkdir -p $W/home/Maildir/{cur,new,tmp} $W/run
cp "$1" "$W/home/Maildir/cur/1.x:2,"
chown -R 65534:65534 $W
ITEMS=${2:-bodystructure body envelope rfc822.size}
printf 'a select inbox\r\nb fetch 1 (%s)\r\nc logout\r\n' "$ITEMS" | setpriv --reuid=65534 --regid=65534 --clear-groups env -i DOVECONF_ENV=1 LD_LIBRARY_PATH=$D/root/usr/lib/dovecot USER=nobody HOME=$W/home mail_uid=65534 mail_gid=65534 mail_location=maildir:$W/home/Maildir base_dir=$W/run log_path=/dev/stderr ${DV_EXTRA} $D/root/usr/lib/dovecot/imap 2>&1 | grep -a -v -E '^(\* (OK|FLAGS|[0-9]+ (EXISTS|RECENT))|a OK|c OK|\* BYE|\* PREAUTH|b OK)'
rm -rf $W
