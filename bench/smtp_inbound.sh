#!/usr/bin/env bash
# SMTP inbound benchmark: the same smtp-source load against three targets, side by side.
#
#   1. smtp-sink  - Postfix's test server; accepts and keeps nothing (the protocol ceiling).
#   2. Postfix    - a private instance under a temp dir, virtual(8) delivery into a Maildir.
#   3. Heron      - $HERON_BIN serve, MX listener, delivery into its store.
#
# For each target and message size it reports:
#   accept/s   messages / wall time of smtp-source (first connect .. last 250 + QUIT)
#   durable/s  messages / (first connect .. last message delivered into the mailbox)
# smtp-sink keeps nothing, so it has no durable figure.
#
# Loopback only (127.0.0.1). Every run is bounded by `timeout`, every process started here is
# stopped by the EXIT trap. See docs/bench.md.
#
# Environment (all optional):
#   HERON_BIN          heron binary (default ./build/release/heron); Heron is skipped if absent
#   BENCH_COUNT_2K     messages in the 2 KB run   (default 5000)
#   BENCH_COUNT_100K   messages in the 100 KB run (default 1000)
#   BENCH_SESSIONS     concurrent SMTP sessions   (default 20)
#   BENCH_REUSE        1 = several messages per session (smtp-source -d), 0 = one per session (default 1)
#   BENCH_TARGETS      subset of "sink postfix heron" (default all three)
#   BENCH_RUNS         runs per target and size, interleaved; the table shows medians (default 1)
#   BENCH_TIMEOUT      seconds allowed for one load run (default 600)
#   BENCH_DRAIN_TIMEOUT seconds allowed for delivery to finish after the load (default 300)
#   BENCH_RESULTS_DIR  where the raw results go (default bench/results)
#   BENCH_TMPDIR       where the instances' data, queues and Maildirs live (default /tmp); it
#                      must be a real disk (not tmpfs) for the durable figures to mean anything
#   BENCH_POSTFIX_EXTRA lines appended to the private Postfix main.cf (tuning experiments)
#   BENCH_KEEP_TMP     1 = keep the temp dirs for inspection (default 0)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)

HERON_BIN=${HERON_BIN:-./build/release/heron}
COUNT_2K=${BENCH_COUNT_2K:-5000}
COUNT_100K=${BENCH_COUNT_100K:-1000}
SESSIONS=${BENCH_SESSIONS:-20}
REUSE=${BENCH_REUSE:-1}
TARGETS=${BENCH_TARGETS:-sink postfix heron}
RUNS=${BENCH_RUNS:-1}
RUN_TIMEOUT=${BENCH_TIMEOUT:-600}
DRAIN_TIMEOUT=${BENCH_DRAIN_TIMEOUT:-300}
RESULTS_DIR=${BENCH_RESULTS_DIR:-$REPO_DIR/bench/results}
KEEP_TMP=${BENCH_KEEP_TMP:-0}

SMTP_SOURCE=${SMTP_SOURCE:-/usr/sbin/smtp-source}
SMTP_SINK=${SMTP_SINK:-/usr/sbin/smtp-sink}
POSTFIX=${POSTFIX:-/usr/sbin/postfix}
POSTQUEUE=${POSTQUEUE:-/usr/sbin/postqueue}
POSTCONF=${POSTCONF:-/usr/sbin/postconf}

RCPT=bench@bench.test
SENDER=sender@source.test
SIZES=("2048:$COUNT_2K" "102400:$COUNT_100K")   # payload bytes : message count

# ---------------------------------------------------------------- state and cleanup

BENCH_TMP=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/heron-bench.XXXXXX")
chmod 755 "$BENCH_TMP"                # the Postfix and Heron trees below must be reachable
SINK_PID=""
HERON_PID=""
LOAD_PID=""
LOAD_START=""
LOAD_WALL=""
POSTFIX_CONF=""                       # non-empty while a private Postfix instance may be up
declare -a RESULT_LINES=()            # one line per run, columns as in the results file header

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

stop_sink() {
    if [[ -n $SINK_PID ]]; then
        kill "$SINK_PID" 2>/dev/null || true
        wait "$SINK_PID" 2>/dev/null || true
        SINK_PID=""
    fi
}

stop_postfix() {
    if [[ -n $POSTFIX_CONF ]]; then
        "$POSTFIX" -c "$POSTFIX_CONF" stop >/dev/null 2>&1 || true
        # master(8) exits after its children; give it a moment, then make sure.
        local pidfile="$POSTFIX_CONF/../queue/pid/master.pid" pid
        for _ in $(seq 50); do
            [[ -s $pidfile ]] || break
            pid=$(tr -dc 0-9 <"$pidfile")
            if [[ -z $pid ]] || ! kill -0 "$pid" 2>/dev/null; then break; fi
            sleep 0.1
        done
        if [[ -s $pidfile ]]; then
            pid=$(tr -dc 0-9 <"$pidfile")
            if [[ -n $pid ]]; then kill -9 "$pid" 2>/dev/null || true; fi
        fi
        POSTFIX_CONF=""
    fi
}

stop_heron() {
    if [[ -n $HERON_PID ]]; then
        kill -TERM "$HERON_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$HERON_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$HERON_PID" 2>/dev/null || true
        wait "$HERON_PID" 2>/dev/null || true
        HERON_PID=""
    fi
}

cleanup() {
    local rc=$?
    if [[ -n $LOAD_PID ]]; then
        kill "$LOAD_PID" 2>/dev/null || true     # timeout(1) passes it on to smtp-source
        wait "$LOAD_PID" 2>/dev/null || true
    fi
    stop_sink
    stop_postfix
    stop_heron
    if [[ $KEEP_TMP == 1 ]]; then
        log "temp files kept in $BENCH_TMP"
    else
        rm -rf "$BENCH_TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- helpers

now() { date +%s.%N; }

# rate COUNT SECONDS -> messages per second, one decimal
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", n / s; else print "-" }'; }

# A TCP port on 127.0.0.1 that nothing listens on.
free_port() {
    local port
    for _ in $(seq 200); do
        port=$((20000 + RANDOM % 20000))
        if ! ss -Hltn "sport = :$port" | grep -q .; then
            echo "$port"; return 0
        fi
    done
    echo "no free port found" >&2; return 1
}

# wait_port PORT SECONDS: until something listens on 127.0.0.1:PORT
wait_port() {
    local port=$1 deadline=$(( $(date +%s) + $2 ))
    while (( $(date +%s) < deadline )); do
        ss -Hltn "sport = :$port" | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------- targets

# start_sink PORT: smtp-sink, keeps nothing. Must drop root: -u nobody.
start_sink() {
    local port=$1
    "$SMTP_SINK" -u nobody -m 1000 "127.0.0.1:$port" 1000 >"$BENCH_TMP/sink.log" 2>&1 &
    SINK_PID=$!
    wait_port "$port" 10 || { log "smtp-sink did not start: $(cat "$BENCH_TMP/sink.log")"; return 1; }
}

# start_postfix PORT DIR: a private Postfix instance entirely under DIR, virtual(8) delivery
# of bench@bench.test into DIR/vmail/bench.test/bench/ (a Maildir), owned by nobody.
start_postfix() {
    local port=$1 dir=$2
    local conf=$dir/etc queue=$dir/queue data=$dir/data vmail=$dir/vmail
    local uid gid
    uid=$(id -u nobody); gid=$(id -g nobody)
    mkdir -p "$conf" "$queue" "$data" "$vmail"
    chmod 755 "$dir" "$conf" "$queue"
    chown postfix "$data"
    chown nobody:"$gid" "$vmail"
    printf '%s bench.test/bench/\n' "$RCPT" >"$dir/vmailbox"

    cat >"$conf/main.cf" <<EOF
# Private benchmark instance; generated by bench/smtp_inbound.sh
compatibility_level = 3.6
config_directory = $conf
queue_directory = $queue
data_directory = $data
myhostname = mx.bench.test
mydomain = bench.test
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtp_bind_address = 127.0.0.1
relayhost =
disable_dns_lookups = yes
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtpd_peername_lookup = no
smtpd_client_restrictions =
smtpd_helo_restrictions =
smtpd_sender_restrictions =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
alias_maps =
alias_database =
local_recipient_maps =
biff = no
append_dot_mydomain = no
virtual_mailbox_domains = bench.test
virtual_mailbox_base = $vmail
virtual_mailbox_maps = texthash:$dir/vmailbox
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
${BENCH_POSTFIX_EXTRA:-}
EOF

    # No chroot anywhere; smtpd only on 127.0.0.1:PORT; no pickup/postscreen/tlsmgr needed.
    cat >"$conf/master.cf" <<EOF
# service          type  private unpriv chroot wakeup maxproc command
127.0.0.1:$port    inet  n       -      n      -      -       smtpd
pickup             unix  n       -      n      60     1       pickup
cleanup            unix  n       -      n      -      0       cleanup
qmgr               unix  n       -      n      300    1       qmgr
rewrite            unix  -       -      n      -      -       trivial-rewrite
bounce             unix  -       -      n      -      0       bounce
defer              unix  -       -      n      -      0       bounce
trace              unix  -       -      n      -      0       bounce
verify             unix  -       -      n      -      1       verify
flush              unix  n       -      n      1000?  0       flush
proxymap           unix  -       -      n      -      -       proxymap
proxywrite         unix  -       -      n      -      1       proxymap
smtp               unix  -       -      n      -      -       smtp
relay              unix  -       -      n      -      -       smtp
showq              unix  n       -      n      -      -       showq
error              unix  -       -      n      -      -       error
retry              unix  -       -      n      -      -       error
discard            unix  -       -      n      -      -       discard
local              unix  -       n      n      -      -       local
virtual            unix  -       n      n      -      -       virtual
anvil              unix  -       -      n      -      1       anvil
scache             unix  -       -      n      -      1       scache
postlog            unix-dgram n  -      n      -      1       postlogd
EOF

    POSTFIX_CONF=$conf
    if ! "$POSTFIX" -c "$conf" start >"$dir/start.log" 2>&1; then
        log "postfix failed to start:"; sed 's/^/    /' "$dir/start.log" >&2
        return 1
    fi
    wait_port "$port" 20 || { log "postfix smtpd not listening on $port"; tail -20 "$dir/maillog" >&2 || true; return 1; }
}

# start_heron PORT DIR: Heron with a fresh data dir; domain and user created through its CLI.
start_heron() {
    local port=$1 dir=$2
    local cfg=$dir/heron.toml
    mkdir -p "$dir/heron-data"
    cat >"$cfg" <<EOF
hostname = "bench.test"
data_dir = "$dir/heron-data"

[[listener]]
role = "mx"
address = "127.0.0.1"
port = $port
tls = "none"

[limits]
max_connections_per_ip = 1000
EOF
    if ! { "$HERON_BIN" --config "$cfg" domain add bench.test &&
           "$HERON_BIN" --config "$cfg" user add "$RCPT" --password "bench-$RANDOM$RANDOM"; } \
         >"$dir/setup.log" 2>&1; then
        log "heron setup failed:"; sed 's/^/    /' "$dir/setup.log" >&2
        return 1
    fi

    "$HERON_BIN" --config "$cfg" serve >"$dir/serve.log" 2>&1 &
    HERON_PID=$!
    local deadline=$(( $(date +%s) + 20 ))
    while (( $(date +%s) < deadline )); do
        kill -0 "$HERON_PID" 2>/dev/null || { log "heron serve exited:"; tail -20 "$dir/serve.log" >&2; HERON_PID=""; return 1; }
        if grep -q 'server.ready' "$dir/serve.log" || ss -Hltn "sport = :$port" | grep -q .; then
            wait_port "$port" 5 && return 0
        fi
        sleep 0.1
    done
    log "heron did not listen on $port within 20 s:"; tail -20 "$dir/serve.log" >&2
    return 1
}

# ---------------------------------------------------------------- load and measurement

# run_load PORT SIZE COUNT LOG: smtp-source against 127.0.0.1:PORT; sets LOAD_START (epoch
# seconds) and LOAD_WALL (seconds). Fails if smtp-source fails (it aborts on any non-2xx
# reply) or runs past RUN_TIMEOUT.
run_load() {
    local port=$1 size=$2 count=$3 out=$4 t0 t1
    local -a args=(-s "$SESSIONS" -l "$size" -m "$count" -r 1
                   -f "$SENDER" -t "$RCPT" -M client.source.test)
    [[ $REUSE == 1 ]] && args=(-d "${args[@]}")
    echo "$SMTP_SOURCE ${args[*]} 127.0.0.1:$port" >"$out"
    t0=$(now)
    # In the background and waited for, so that a signal reaches the EXIT trap at once.
    timeout "$RUN_TIMEOUT" "$SMTP_SOURCE" "${args[@]}" "127.0.0.1:$port" >>"$out" 2>&1 &
    LOAD_PID=$!
    local rc=0
    wait "$LOAD_PID" || rc=$?
    LOAD_PID=""
    if (( rc != 0 )); then
        log "smtp-source exited $rc$( ((rc == 124)) && echo " (timeout ${RUN_TIMEOUT}s)"):"; tail -5 "$out" >&2
        return 1
    fi
    t1=$(now)
    LOAD_START=$t0
    LOAD_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}

# count_delivered TARGET DIR: messages that reached the bench mailbox.
count_delivered() {
    local target=$1 dir=$2
    case $target in
    postfix)
        local md=$dir/vmail/bench.test/bench
        { find "$md/new" "$md/cur" -type f 2>/dev/null || true; } | wc -l ;;
    heron)
        local db=$dir/heron-data/heron.db n=""
        if [[ -f $db ]] && command -v sqlite3 >/dev/null; then
            n=$(sqlite3 "file:$db?mode=ro" "select count(*) from messages" 2>/dev/null || true)
        fi
        if [[ -z $n ]]; then
            # One line per message, maybe after a header line.
            local out
            if out=$("$HERON_BIN" --config "$dir/heron.toml" message list "$RCPT" INBOX 2>/dev/null); then
                n=$(printf '%s\n' "$out" | grep -c . || true)
                head -1 <<<"$out" | grep -qiE '^[[:space:]]*(uid|id|#)' && n=$((n - 1))
            fi
        fi
        echo "${n:-0}" ;;
    *) echo 0 ;;
    esac
}

# postfix_queue_empty DIR: nothing left in the private instance's queue.
postfix_queue_empty() {
    local q=$1/queue n
    n=$({ find "$q/incoming" "$q/active" "$q/deferred" "$q/maildrop" -type f 2>/dev/null || true; } | wc -l)
    [[ $n -eq 0 ]] || return 1
    "$POSTQUEUE" -c "$1/etc" -p 2>/dev/null | grep -q 'Mail queue is empty'
}

# wait_delivered TARGET DIR COUNT: poll until COUNT messages are in the mailbox; prints the
# time the last one landed: for Postfix the newest Maildir file's mtime (so polling costs no
# precision); otherwise the end of the load if all were there at once, else the poll time
# (0.2 s resolution). Fails on DRAIN_TIMEOUT.
wait_delivered() {
    local target=$1 dir=$2 count=$3 n deadline polls=0 t_done
    deadline=$(( $(date +%s) + DRAIN_TIMEOUT ))
    until n=$(count_delivered "$target" "$dir"); (( n >= count )); do
        if (( $(date +%s) >= deadline )); then
            log "$target: only $n of $count delivered after ${DRAIN_TIMEOUT}s"; return 1
        fi
        polls=$((polls + 1))
        sleep 0.2
    done
    if [[ $target == postfix ]]; then
        t_done=$(find "$dir/vmail/bench.test/bench/new" "$dir/vmail/bench.test/bench/cur" -type f \
                     -printf '%T@\n' 2>/dev/null | sort -n | tail -1)
        local w=0
        until postfix_queue_empty "$dir"; do
            (( ++w > 100 )) && { log "postfix queue not empty after delivery"; break; }
            sleep 0.1
        done
    elif (( polls == 0 )); then
        t_done=$(awk -v a="$LOAD_START" -v w="$LOAD_WALL" 'BEGIN { printf "%.6f", a + w }')
    else
        t_done=$(now)
    fi
    echo "$t_done"
}

# bench_one TARGET SIZE COUNT RUN: fresh target, one load run, one line appended to RESULT_LINES.
bench_one() {
    local target=$1 size=$2 count=$3 run=$4 port dir wall t_done accept durable="-" drain="-" note=""
    port=$(free_port)
    dir=$(mktemp -d "$BENCH_TMP/$target-$size.XXXX")
    chmod 755 "$dir"
    local started=1
    case $target in
    sink)    start_sink "$port" || { stop_sink; started=0; } ;;
    postfix) start_postfix "$port" "$dir" || { stop_postfix; started=0; } ;;
    heron)   start_heron "$port" "$dir" || { stop_heron; started=0; } ;;
    esac
    if [[ $started == 0 ]]; then
        RESULT_LINES+=("$target $size $count $run - - - - start-failed")
        return 1
    fi
    log "$target: ${size} B x $count, $SESSIONS sessions, port $port"

    if ! run_load "$port" "$size" "$count" "$dir/source.log"; then
        note="load-failed"
    else
        wall=$LOAD_WALL
        accept=$(rate "$count" "$wall")
        if [[ $target != sink ]]; then
            if t_done=$(wait_delivered "$target" "$dir" "$count"); then
                # drain: how long after smtp-source finished the last message landed (<0: before)
                drain=$(awk -v a="$LOAD_START" -v b="$t_done" -v w="$LOAD_WALL" 'BEGIN { printf "%.3f", b - a - w }')
                # A message counts once it is both acknowledged and in the mailbox, so the
                # durable window ends no earlier than the load itself.
                durable=$(rate "$count" "$(awk -v a="$LOAD_START" -v b="$t_done" -v w="$LOAD_WALL" \
                                             'BEGIN { d = b - a; print (d > w ? d : w) }')")
            else
                note="not-all-delivered:$(count_delivered "$target" "$dir")"
            fi
        fi
    fi
    case $target in
    sink) stop_sink ;; postfix) stop_postfix ;; heron) stop_heron ;;
    esac
    RESULT_LINES+=("$target $size $count $run ${accept:--} $durable ${wall:--} $drain ${note:-ok}")
    log "$target: ${size} B: accept ${accept:--}/s, durable $durable/s ${note}"
    [[ -z $note ]]
}

# ---------------------------------------------------------------- main

preflight() {
    local ok=1
    [[ $(id -u) -eq 0 ]] || { log "run as root (smtp-sink -u, private Postfix instance)"; ok=0; }
    for b in "$SMTP_SOURCE" "$SMTP_SINK" "$POSTFIX" "$POSTQUEUE"; do
        [[ -x $b ]] || { log "missing $b (Debian package postfix)"; ok=0; }
    done
    [[ $ok == 1 ]]
}

heron_available() {
    if [[ ! -x $HERON_BIN ]]; then
        log "heron: SKIPPED - $HERON_BIN not found or not executable (set HERON_BIN)"; return 1
    fi
}

main() {
    preflight
    mkdir -p "$RESULTS_DIR"
    local stamp results
    stamp=$(date +%Y%m%d-%H%M%S)
    results=$RESULTS_DIR/smtp_inbound-$stamp.txt

    local -a targets=()
    for t in $TARGETS; do
        if [[ $t == heron ]] && ! heron_available; then
            for spec in "${SIZES[@]}"; do
                RESULT_LINES+=("heron ${spec%%:*} ${spec##*:} - - - - - skipped:no-binary")
            done
            continue
        fi
        targets+=("$t")
    done

    # Runs are interleaved (run 1 of everything, then run 2, ...) so that a burst of
    # background load hurts all targets rather than one.
    local run spec t
    for run in $(seq "$RUNS"); do
        for spec in "${SIZES[@]}"; do
            for t in "${targets[@]}"; do
                bench_one "$t" "${spec%%:*}" "${spec##*:}" "$run" \
                    || log "$t: run $run failed; continuing with the others"
            done
        done
    done

    {
        echo "# Heron SMTP inbound benchmark  $(date -Is)"
        echo "# host: $(uname -srm), $(nproc) cores, load before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "# data under: $BENCH_TMP ($(findmnt -no FSTYPE,SOURCE -T "$BENCH_TMP" 2>/dev/null | tr -s ' '))"
        echo "# postfix: $("$POSTCONF" -dh mail_version 2>/dev/null)  heron: $HERON_BIN"
        echo "# load: $SMTP_SOURCE $([[ $REUSE == 1 ]] && echo "-d ")-s $SESSIONS -l SIZE -m COUNT -r 1 -f $SENDER -t $RCPT -M client.source.test 127.0.0.1:PORT"
        echo "# columns: target size_bytes count run accept_msgs_per_s durable_msgs_per_s load_wall_s drain_s status"
        printf '%s\n' "${RESULT_LINES[@]}"
    } >"$results"

    print_table "$results"
    log "raw results: $results"
}

# print_table RESULTS: median msgs/s per target and size over the runs that succeeded, then
# the Heron/Postfix, Heron/sink and Postfix/sink ratios.
print_table() {
    awk '
    /^#/ { next }
    {
      k = $1 "/" $2
      if (!(k in nrun)) { nrun[k] = 0; nok[k] = 0; st[k] = "" }
      if (!($2 in seen)) { seen[$2] = 1; sizes[++ns] = $2 }
      nrun[k]++
      if ($9 == "ok") { nok[k]++; acc[k, nok[k]] = $5; dur[k, nok[k]] = $6 }
      else if (st[k] == "") st[k] = $9
    }
    function kb(s) { return s >= 1024 ? int(s / 1024) " KB" : s " B" }
    function median(arr, k, n,    i, j, t, v) {
      if (n == 0 || arr[k, 1] == "-") return "-"
      for (i = 1; i <= n; i++) v[i] = arr[k, i] + 0
      for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j] < v[j - 1]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
      return n % 2 ? sprintf("%.1f", v[(n + 1) / 2]) : sprintf("%.1f", (v[n / 2] + v[n / 2 + 1]) / 2)
    }
    function ratio(a, b) { return (a != "" && a != "-" && b != "" && b != "-" && b > 0) ? sprintf("%.2f", a / b) : "-" }
    END {
      printf "\n%-8s %-7s %10s %10s  %s\n", "target", "size", "accept/s", "durable/s", "runs ok"
      n = split("sink postfix heron", T, " ")
      for (i = 1; i <= ns; i++) for (j = 1; j <= n; j++) {
        k = T[j] "/" sizes[i]
        if (!(k in nrun)) continue
        A[k] = median(acc, k, nok[k]); D[k] = median(dur, k, nok[k])
        printf "%-8s %-7s %10s %10s  %d/%d %s\n", T[j], kb(sizes[i]), A[k], D[k], nok[k], nrun[k], st[k]
      }
      printf "\nratios (medians; Heron and Postfix by durable/s, smtp-sink by accept/s):\n"
      for (i = 1; i <= ns; i++) {
        s = sizes[i]
        printf "  %-7s heron/postfix %5s   heron/sink %5s   postfix/sink %5s\n", kb(s),
               ratio(D["heron/" s], D["postfix/" s]), ratio(D["heron/" s], A["sink/" s]),
               ratio(D["postfix/" s], A["sink/" s])
      }
    }' "$1"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
main "$@"
