# iperf.sh: examples/iperf (lwIP's iperf 2 server, lwiperf) measured by Debian's iperf 2
# client from a private network namespace: every transfer completes, the client and the server
# count the same bytes, the server serves run after run, and parallel streams (-P 4).
# No packet leaves the namespace this script creates.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../iperfcheck.sh"
NETNS=skiff-iperf-$$
trap 'jobs -p | xargs -r kill 2>/dev/null; ip netns del $NETNS 2>/dev/null; rm -rf "$TMP"' EXIT
IN="ip netns exec $NETNS"
I=$BUILD/examples/iperf.hvt
ADDR=10.10.0.2
# Seconds each client sends: the shell VM (no KVM here) is slow, and 10 s shows a steady rate.
SEND_SECONDS=${SEND_SECONDS:-10}
IPERF_LOG=$TMP/srv.log

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
    wait_serving "$log" && return 0
    cat "$log"
    return 1
}

echo "-- lwiperf: iperf -c $ADDR -t $SEND_SECONDS from the namespace"
if start_server "$TMP/srv.log" --net:service0=tap0 "$I" --ipv4=$ADDR/24; then
    grep -q "^SERVING iperf $ADDR:5001" "$TMP/srv.log" && pass iperf-address ||
        fail iperf-address "$(head -3 "$TMP/srv.log")"
    iperf_run iperf-run-1 1
    iperf_run iperf-run-2 2
    iperf_run iperf-parallel-4 6 -P 4
    iperf_no_aborts iperf-no-aborts
    kill -0 $server 2>/dev/null && pass iperf-still-serving || fail iperf-still-serving "server exited"
    kill -TERM $server 2>/dev/null
    wait $server 2>/dev/null
else
    fail iperf-server "server did not start"
fi
true
