# sockets.sh: BSD sockets over lwIP in a C unikernel (tests/guest/sockecho.c, an ordinary
# poll()-based program built with the C library; docs/sockets.md), driven by real clients (nc,
# socat, Python's socket module) on a tap inside a private network namespace. No packet
# leaves the namespace this script creates.
. "$(dirname "$0")/../lib.sh"
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
    for _ in $(seq 150); do
        grep -q SERVING "$1" && return 0
        kill -0 $server 2>/dev/null || break
        sleep 0.1
    done
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

# One line with nc, which half-closes after its input (-N) and prints what came back.
got=$(echo "hello, sockets" | $IN timeout 10 nc -N $GUEST 7 2>&1)
[ "$got" = "hello, sockets" ] && pass sock-nc-line || fail sock-nc-line "nc: '$got'"

# 1 MiB of random bytes through socat: many windows each way, flow control on both sides.
head -c 1048576 /dev/urandom >"$TMP/big"
$IN timeout 60 socat -t 10 - TCP:$GUEST:7 <"$TMP/big" >"$TMP/big.out" 2>"$TMP/socat.err"
cmp -s "$TMP/big" "$TMP/big.out" && pass sock-1MiB-round-trip ||
    fail sock-1MiB-round-trip "$(cat "$TMP/socat.err") got $(wc -c <"$TMP/big.out") bytes"

# 20 socat clients at once, 64 KiB each, different bytes: every one gets its own back.
pids=()
for i in $(seq 20); do
    head -c 65536 /dev/urandom >"$TMP/c$i"
    $IN timeout 60 socat -t 10 - TCP:$GUEST:7 <"$TMP/c$i" >"$TMP/c$i.out" 2>/dev/null &
    pids+=($!)
done
wait "${pids[@]}"
bad=0
for i in $(seq 20); do cmp -s "$TMP/c$i" "$TMP/c$i.out" || bad=$((bad + 1)); done
[ $bad = 0 ] && pass sock-20-socat-clients || fail sock-20-socat-clients "$bad of 20 differ"

# 100 connections open at the same time (Python, non-blocking, one selector), each sending
# 8 KiB of its own and reading them back before any closes.
cat >"$TMP/many.py" <<'PY'
import os, selectors, socket, sys
host, n = sys.argv[1], int(sys.argv[2])
sel, conns = selectors.DefaultSelector(), []
for i in range(n):
    s = socket.create_connection((host, 7), timeout=20)
    s.setblocking(False)
    conns.append([s, os.urandom(8192), 0, b""])
for c in conns:
    sel.register(c[0], selectors.EVENT_READ | selectors.EVENT_WRITE, c)
left = n
while left:
    ev = sel.select(timeout=20)
    if not ev:
        sys.exit("timed out with %d connections unfinished" % left)
    for key, mask in ev:
        c = key.data
        if mask & selectors.EVENT_WRITE and c[2] < len(c[1]):
            c[2] += c[0].send(c[1][c[2]:])
            if c[2] == len(c[1]):
                sel.modify(c[0], selectors.EVENT_READ, c)
        if mask & selectors.EVENT_READ:
            d = c[0].recv(65536)
            if not d:
                sys.exit("a connection ended early")
            c[3] += d
            if len(c[3]) >= len(c[1]):
                sel.unregister(c[0])
                left -= 1
bad = sum(1 for c in conns if c[3] != c[1])
for c in conns:
    c[0].close()
print("%d connections, %d echoed wrong" % (n, bad))
sys.exit(1 if bad else 0)
PY
$IN timeout 120 python3 "$TMP/many.py" $GUEST 100 >"$TMP/out" 2>&1 && pass sock-100-concurrent ||
    fail sock-100-concurrent "$(tail -2 "$TMP/out")"

# UDP: datagrams of several sizes, one of 4000 bytes (fragmented, reassembled both ways).
cat >"$TMP/udp.py" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
for size in (1, 100, 1472, 4000):
    d = os.urandom(size)
    s.sendto(d, (sys.argv[1], 7))
    got, peer = s.recvfrom(65536)
    if got != d or peer != (sys.argv[1], 7):
        sys.exit("datagram of %d bytes: %d back from %s" % (size, len(got), peer))
print("udp ok")
PY
$IN timeout 30 python3 "$TMP/udp.py" $GUEST >"$TMP/out" 2>&1 && pass sock-udp-echo ||
    fail sock-udp-echo "$(tail -2 "$TMP/out")"
got=$(echo udp-line | $IN timeout 10 socat -T 3 - UDP:$GUEST:7 2>&1)
[ "$got" = udp-line ] && pass sock-udp-socat || fail sock-udp-socat "socat: '$got'"

# Clients that reset: five after their echo came back, one in the middle of 512 KiB it does
# not read (once the echo has begun), one before sending anything. The server counts them and keeps serving.
cat >"$TMP/reset.py" <<'PY'
import socket, struct, sys, time
def rst(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
for i in range(5):
    s = socket.create_connection((sys.argv[1], 7), timeout=10)
    s.sendall(b"x" * 1000)
    got = b""
    while len(got) < 1000:
        got += s.recv(4096)
    rst(s)
s = socket.create_connection((sys.argv[1], 7), timeout=10)
s.setblocking(False)
try:
    s.send(b"y" * 524288)
except BlockingIOError:
    pass
s.setblocking(True)
s.recv(1)  # the server has it and is echoing
time.sleep(0.2)
rst(s)
rst(socket.create_connection((sys.argv[1], 7), timeout=10))
print("reset 7 connections")
PY
$IN timeout 60 python3 "$TMP/reset.py" $GUEST >"$TMP/out" 2>&1 || fail sock-resets "$(tail -2 "$TMP/out")"
got=$(echo "still there" | $IN timeout 10 nc -N $GUEST 7 2>&1)
[ "$got" = "still there" ] && kill -0 $server 2>/dev/null && pass sock-serves-after-resets ||
    fail sock-serves-after-resets "nc: '$got'"

# A datagram "quit" ends the server, which reports its counters: every reset was seen.
printf quit | $IN timeout 5 socat -T 1 - UDP:$GUEST:7 >/dev/null 2>&1
for _ in $(seq 100); do kill -0 $server 2>/dev/null || break; sleep 0.1; done
kill -TERM $server 2>/dev/null
wait $server
st=$?
line=$(grep '^served ' "$TMP/echo.log")
if [ $st = 0 ] && [[ $line =~ ^served\ ([0-9]+)\ connections.*\ ([0-9]+)\ resets ]] &&
    [ "${BASH_REMATCH[1]}" -ge 129 ] && [ "${BASH_REMATCH[2]}" -ge 6 ]; then
    pass sock-server-counters
else
    fail sock-server-counters "status $st: '$line'"
fi

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
