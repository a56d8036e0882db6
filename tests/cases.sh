# tests/cases.sh: the host's runner of the case tables in tests/cases (sourced by tests/lib.sh).
# It runs each case as the test VMs' /init (tests/vm/init.c) does, with the same steps, status
# and EXPECT rules (tests/cases/README.md), and reports through pass/fail/skip.
#   NETNS   (set by net.sh) the network namespace that +tap= taps and the cases that use them
#           live in; without it such a case fails rather than touch the host's network
CASES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/cases
CASES_ARCH=${CASES_ARCH:-$(uname -m)}
STALL_DELAY=3 # s, as init: time for skiff to boot the guest and fill its stdout pipe
STOP_GRACE=5  # s that a stalled skiff may take to end after its signal

# run_cases SUITE: every case of tests/cases/SUITE.txt and tests/cases/ARCH/SUITE.txt.
run_cases() {
    local f line
    for f in "$CASES_DIR/$1.txt" "$CASES_DIR/$CASES_ARCH/$1.txt"; do
        [ -f "$f" ] || continue
        while IFS= read -r line <&3; do
            case $line in '' | '#'*) continue ;; esac
            run_case "$line"
        done 3<"$f"
    done
}

# add_tap NAME ADDRESS [MTU]: a tap in $NETNS, addressed and up, unless it is there already.
add_tap() {
    [ -n "${NETNS:-}" ] || return 1
    ip netns exec "$NETNS" ip link show "$1" >/dev/null 2>&1 && return 0
    ip netns exec "$NETNS" ip tuntap add "$1" mode tap &&
        ip netns exec "$NETNS" ip addr add "$2" dev "$1" &&
        ip netns exec "$NETNS" ip link set "$1" ${3:+mtu "$3"} up
}

# case_pings SPEC: "A.B.C.D:COUNT[:SIZE],..." from $NETNS: exactly COUNT requests each (no -w,
# which would send more until COUNT are answered), every one answered.
case_pings() {
    local p addr count size
    for p in ${1//,/ }; do
        IFS=: read -r addr count size <<<"$p"
        ip netns exec "$NETNS" ping -q -f -c "$count" -W 2 -M do ${size:+-s "$size"} \
            "$addr" >"$TMP/ping.out" 2>&1 && grep -q ' 0% packet loss' "$TMP/ping.out" ||
            { echo "ping $p: $(grep -m1 'packet loss' "$TMP/ping.out")"; return 1; }
    done
}

# case_sandboxed PID N: PID has at least N threads, each under a seccomp filter with
# no_new_privs (as init's check_sandbox).
case_sandboxed() {
    local st n=0
    for st in /proc/"$1"/task/*/status; do
        [ -f "$st" ] || continue
        n=$((n + 1))
        grep -q '^Seccomp:[[:space:]]*2$' "$st" && grep -q '^NoNewPrivs:[[:space:]]*1$' "$st" ||
            { echo "thread ${st%/status}: not under the filter with no_new_privs"; return 1; }
    done
    [ $n -ge "$2" ] || { echo "$n thread(s), expected at least $2"; return 1; }
}

# case_hook KIND NAME: runs KIND_NAME (a script's extra checks) if the script defines it.
case_hook() {
    local f="$1_${2//-/_}"
    ! declare -F "$f" >/dev/null || "$f"
}

# case_serve NAME PID DEADLINE: once PID's output says SERVING, does the serving steps (pings,
# sandbox check, serving_NAME, signal). Prints what went wrong, if anything.
case_serve() {
    until grep -q SERVING "$TMP/case.out"; do
        if ! kill -0 "$2" 2>/dev/null || [ "$(date +%s)" -ge "$3" ]; then
            echo "no SERVING line, so the runner did not act"
            return
        fi
        sleep 0.1
    done
    [ -z "$ping" ] || case_pings "$ping" || return
    [ -z "$seccomp" ] || case_sandboxed "$2" "$seccomp" || return
    case_hook serving "$1" >&2
    [ -z "$signal" ] || kill -"$signal" "$2"
}

# case_wait PID DEADLINE: waits for PID until DEADLINE (epoch seconds); then kills it. Sets got
# to its status, or "timeout".
case_wait() {
    while kill -0 "$1" 2>/dev/null && [ "$(date +%s)" -lt "$2" ]; do sleep 0.1; done
    if kill -0 "$1" 2>/dev/null; then
        kill -KILL "$1"
        wait "$1"
        got=timeout
    else
        wait "$1"
        got=$?
    fi
}

# run_case LINE: one line of a case table.
run_case() {
    local line=$1 tag name status want args tok got err="" wall=0 sse=0 ping="" seccomp=""
    local signal="" stall="" pid skiff cpuwork guest
    local argv=() pre=() pats=()
    while [ "${line:0:1}" = @ ]; do
        tag=${line%% *}
        line=${line#* }
        case $tag in
        @user | @kernel) [ "$tag" = "@$GUEST_MODE" ] || return 0 ;;
        @vm) return 0 ;;
        @host) ;;
        *) fail "${line%%|*}" "unknown tag $tag"; return ;;
        esac
    done
    IFS='|' read -r name status want args <<<"$line"
    for tok in $args; do
        case $tok in
        +file=*)
            tok=${tok#+file=}
            tok=${tok/#\/tmp\//$TMP/}
            rm -f "${tok%:*}" && truncate -s "${tok##*:}" "${tok%:*}" || err="cannot create ${tok%:*}" ;;
        +tap=*)
            tok=${tok#+tap=}
            add_tap "${tok%%:*}" "${tok#*:}" || err="cannot create tap ${tok%%:*} (no NETNS?)" ;;
        +ping=*) ping=${tok#+ping=} ;;
        +seccomp=*) seccomp=${tok#+seccomp=} ;;
        +kill=*) signal=${tok#+kill=} ;;
        +stall=*) stall=${tok#+stall=} ;;
        +wall) wall=1 ;;
        +sse) sse=1 ;;
        +*) err="unknown step $tok" ;;
        *) argv+=("${tok//\/tmp\//$TMP/}") ;;
        esac
    done
    if [ -n "$err" ]; then
        fail "$name" "set-up: $err"
        return 1
    fi
    if [[ $want == *@CPUWORK16@* ]]; then
        cpuwork=$("$BUILD/tools/cpuwork-native" 16 | sed 's/ ns=.*//') ||
            { fail "$name" "no $BUILD/tools/cpuwork-native"; return 1; }
        want=${want//@CPUWORK16@/$cpuwork}
    fi
    [ -n "$want" ] && while :; do
        pats+=("${want%%&&*}")
        [[ $want == *'&&'* ]] || break
        want=${want#*&&}
    done
    [ -z "${NETNS:-}" ] || pre=(ip netns exec "$NETNS")
    skiff=$(realpath "$SKIFF")
    if [ -n "$stall" ]; then
        # stdout into a FIFO that this shell holds open and never reads
        rm -f "$TMP/stall" && mkfifo "$TMP/stall" && exec 7<>"$TMP/stall"
        (cd "$BUILD" && exec "${pre[@]}" "$skiff" "${argv[@]}") </dev/null >&7 2>"$TMP/case.out" &
        pid=$!
        sleep "$STALL_DELAY"
        kill -"$stall" $pid 2>/dev/null
        case_wait $pid $(($(date +%s) + STOP_GRACE))
        exec 7>&-
        [ "$got" != timeout ] || err="still running $STOP_GRACE s after signal $stall"
    elif [ -n "$ping$seccomp$signal" ]; then
        (cd "$BUILD" && exec "${pre[@]}" "$skiff" "${argv[@]}") </dev/null >"$TMP/case.out" 2>&1 &
        pid=$!
        err=$(case_serve "$name" $pid $(($(date +%s) + CASE_TIMEOUT)))
        case_wait $pid $(($(date +%s) + CASE_TIMEOUT))
    else
        (cd "$BUILD" && exec timeout -k 5 "$CASE_TIMEOUT" "${pre[@]}" "$skiff" "${argv[@]}") \
            </dev/null >"$TMP/case.out" 2>&1
        got=$?
    fi
    cp "$TMP/case.out" "$TMP/out"
    if [ $sse = 1 ] && [ "$GUEST_MODE" = kernel ] && [ "$got" = 83 ] && grep -q emulat "$TMP/out"; then
        skip "$name" "host cannot emulate SSE at CPL0 ($(grep -m1 emulat "$TMP/out"))"
        return 1
    fi
    judge "$name" "$status" "$got" "${pats[@]}" || return 1
    if [ -n "$err" ]; then
        fail "$name" "while serving: $err"
        show_output
        return 1
    fi
    if [ $wall = 1 ]; then
        guest=$(sed -n 's/^WALL //p' "$TMP/out")
        if [ -z "$guest" ] || [ $(($(date +%s) - guest)) -gt 2 ] || [ $((guest - $(date +%s))) -gt 2 ]; then
            fail "$name" "wall clock: guest says '$guest' s, the host $(date +%s) s"
            return 1
        fi
    fi
    pass "$name"
    case_hook after "$name"
}
