# sockets.sh: BSD sockets over lwIP in a C unikernel (tests/guest/sockecho.c, an ordinary
# poll()-based program built with the C library; docs/sockets.md), driven by real clients (nc,
# socat, Python's socket module) on a tap inside a private network namespace. No packet
# leaves the namespace this script creates.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../sockclients.sh"
G=$BUILD/tests/guest
E=$G/sockecho.hvt
NETNS=skiff-sock-$$
trap 'jobs -p | xargs -r kill 2>/dev/null; ip netns del $NETNS 2>/dev/null; rm -rf "$TMP"' EXIT
IN="ip netns exec $NETNS"
GUEST=10.10.0.2

ip netns add $NETNS || { fail sock-setup "cannot create a network namespace"; exit 0; }
$IN ip link set lo up
add_tap tap0 10.10.0.1/24

echo "-- what skiff-cc links"
# The stack only for a manifest with a net device: libc.hvt (no devices) has neither lwIP nor
# the socket module, sockecho.hvt (NET_BASIC) both; hello.hvt (--no-libc) not even musl.
has() { nm "$1" 2>/dev/null | grep -q " [TtDdBbRr] $2\$"; }
if has "$G/sockecho.hvt" skiff_sock_syscall && has "$G/sockecho.hvt" tcp_input &&
    ! has "$G/libc.hvt" skiff_sock_syscall && ! has "$G/libc.hvt" tcp_input &&
    has "$G/libc.hvt" __libc_start_main && ! has "$G/hello.hvt" __libc_start_main; then
    pass sock-stack-only-with-net-device
else
    fail sock-stack-only-with-net-device "symbols of sockecho.hvt, libc.hvt, hello.hvt"
fi

echo "-- the cases of tests/cases/sockets.txt, in the namespace"
run_cases sockets

need_kvm sock-clients || exit 0

# start_echo LOG: boots the echo server and waits until it serves (its first lines say how
# accept() behaved before any client).
start_echo() {
    $IN "$SKIFF" --mem=64 --net:service0=tap0 "$E" --ipv4=$GUEST/24 --ipv4-gateway=10.10.0.1 \
        serve 7 >"$1" 2>&1 &
    server=$!
    wait_serving "$1" 150 && return 0
    cat "$1"
    return 1
}

echo "-- the echo server, against host clients"
if ! start_echo "$TMP/echo.log"; then
    fail sock-echo-start "the echo server did not start"
    exit 0
fi
grep -q '^argv: \[serve\] \[7\]$' "$TMP/echo.log" && pass sock-argv-without-net-options ||
    fail sock-argv-without-net-options "$(grep argv "$TMP/echo.log")"
grep -q '^accept before any client: EAGAIN$' "$TMP/echo.log" && pass sock-accept-eagain ||
    fail sock-accept-eagain "$(head -5 "$TMP/echo.log")"

sock_alive() { kill -0 $server 2>/dev/null; }
sock_clients sock

# A datagram "quit" ends the server, which reports its counters: every reset was seen.
sock_quit
for _ in $(seq 100); do kill -0 $server 2>/dev/null || break; sleep 0.1; done
kill -TERM $server 2>/dev/null
wait $server
sock_counters sock-server-counters $? "$TMP/echo.log"

echo "-- the unikernel as a client of a host server"
# -t: cat may take a while to start under emulation; socat waits for its answer after our FIN.
$IN socat -t 10 -T 20 TCP-LISTEN:9000,reuseaddr EXEC:cat >/dev/null 2>&1 &
listener=$!
for _ in $(seq 50); do $IN ss -ltn | grep -q ':9000 ' && break; sleep 0.1; done
expect sock-client 0 '^echoed: hello through a socket$' \
    '^connect 10\.10\.0\.1:9001: Connection refused \(ECONNREFUSED\)$' \
    '^non-blocking connect: EINPROGRESS$' '^then poll: POLLOUT\|POLLERR, SO_ERROR ECONNREFUSED$' \
    -- $IN "$SKIFF" --mem=32 --net:service0=tap0 "$E" --ipv4=$GUEST/24 client 10.10.0.1 9000 9001
kill $listener 2>/dev/null
wait $listener 2>/dev/null
# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
