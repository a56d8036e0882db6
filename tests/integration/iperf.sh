# iperf.sh: examples/iperf (lwIP's iperf 2 server, lwiperf) measured by Debian's iperf 2
# client from a private network namespace: every transfer completes, the client and the server
# count the same bytes, the server serves run after run, and parallel streams (-P 4).
# No packet leaves the namespace this script creates.
. "$(dirname "$0")/../lib.sh"
NETNS=skiff-iperf-$$
trap 'jobs -p | xargs -r kill 2>/dev/null; ip netns del $NETNS 2>/dev/null; rm -rf "$TMP"' EXIT
IN="ip netns exec $NETNS"
I=$BUILD/examples/iperf.hvt
ADDR=10.10.0.2
# Seconds each client sends: the shell VM (no KVM here) is slow, and 10 s shows a steady rate.
SEND_SECONDS=${SEND_SECONDS:-10}

ip netns add $NETNS || { fail iperf-setup "cannot create a network namespace"; exit 0; }
$IN ip link set lo up
add_tap tap0 10.10.0.1/24

expect iperf-no-ipv4 64 '^skiff-lwip: ' -- $IN "$SKIFF" --mem=32 --net:service0=tap0 "$I"
need_kvm iperf-server || exit 0

# start_server LOG ARGS...: boots the server in the namespace and waits until it serves.
start_server() {
    local log=$1
    shift
    $IN "$SKIFF" --mem=32 "$@" >"$log" 2>&1 &
    server=$!
    for _ in $(seq 100); do
        grep -q SERVING "$log" && return 0
        kill -0 $server 2>/dev/null || break
        sleep 0.1
    done
    cat "$log"
    return 1
}

# wait_tests N: waits (10 s at most) until the server has reported N finished tests; it reports
# one when the client's FIN arrives.
wait_tests() {
    for _ in $(seq 100); do
        [ "$(grep -c '^iperf: test [0-9]* from ' "$TMP/srv.log")" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

# run NAME TESTS IPERF_ARGS...: one client run, after which the server has finished TESTS tests
# in all. Passes if the client finished, and for each of its streams (matched by port) the
# server reported a test "done" with the bytes the client sent. lwiperf (lwIP 2.1.3) counts only
# the first 24 bytes (iperf's header) of the first segment it receives, so it may report up to
# TCP_MSS - 24 bytes fewer than were sent: iperf 2.1.8 sends a 60-byte header alone, 36 fewer.
run() {
    local name=$1 tests=$2 st port sent got bad="" diffs=""
    shift 2
    # -y C: one CSV line per stream: local port in field 3, bytes (exact) in field 8.
    $IN timeout -k 5 $((SEND_SECONDS + 30)) iperf -c $ADDR -t "$SEND_SECONDS" -y C "$@" \
        >"$TMP/client" 2>&1
    st=$?
    wait_tests "$tests"
    while IFS=, read -r _ _ port _ _ id _ sent _; do
        [ "$id" = -1 ] && continue
        got=$(sed -n "s/^iperf: test [0-9]* from [0-9.]*:$port done: \([0-9]*\) bytes .*/\1/p" \
            "$TMP/srv.log")
        if [ -z "$got" ] || [ "$sent" -le 0 ] || [ "$got" -gt "$sent" ] ||
            [ $((sent - got)) -gt $((1460 - 24)) ]; then
            bad="$bad port $port: sent $sent, server ${got:-none};"
        fi
        diffs="$diffs $((sent - ${got:-0}))"
    done < <(grep -E '^[0-9]+,' "$TMP/client")
    if [ $st = 0 ] && [ -n "$diffs" ] && [ -z "$bad" ]; then
        pass "$name"
        printf '       %s stream(s), server counted fewer bytes by:%s; last: %s\n' \
            "$(echo $diffs | wc -w)" "$diffs" "$(sed -n "s/^iperf: test $tests from .*: //p" "$TMP/srv.log")"
    else
        fail "$name" "iperf exit $st;${bad:- no streams reported}"
        sed 's/^/       | /' "$TMP/client" "$TMP/srv.log" | head -20
    fi
}

echo "-- lwiperf: iperf -c $ADDR -t $SEND_SECONDS from the namespace"
if start_server "$TMP/srv.log" --net:service0=tap0 "$I" --ipv4=$ADDR/24; then
    grep -q "^SERVING iperf $ADDR:5001" "$TMP/srv.log" && pass iperf-address ||
        fail iperf-address "$(head -3 "$TMP/srv.log")"
    run iperf-run-1 1
    run iperf-run-2 2
    run iperf-parallel-4 6 -P 4
    # Every connection ended by the client's FIN, none aborted; the server still up.
    grep -q 'aborted' "$TMP/srv.log" && fail iperf-no-aborts "$(grep aborted "$TMP/srv.log")" ||
        pass iperf-no-aborts
    kill -0 $server 2>/dev/null && pass iperf-still-serving || fail iperf-still-serving "server exited"
    kill -TERM $server 2>/dev/null
    wait $server 2>/dev/null
else
    fail iperf-server "server did not start"
fi
true
