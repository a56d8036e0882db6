# tests/sockclients.sh: real clients (nc, socat, Python's socket module) against
# tests/guest/sockecho.c's echo server ("serve 7"), sourced after lib.sh by the scripts that run
# that server (sockets.sh on this host's KVM, aarch64serve.sh in the aarch64 test VM).
# The caller sets:
#   IN          the command prefix that runs a client in the server's network namespace
#   GUEST       the server's address
#   SOCK_SLOW   how many times longer than on this host's KVM a client may take (1)
#   SOCK_SOCAT  socat clients at once (20); SOCK_CONNS: connections open at once (100)
# and defines sock_alive, which succeeds while the server runs.

# sock_clients P: the cases P-nc-line, P-1MiB-round-trip, P-N-socat-clients,
# P-N-concurrent, P-udp-echo, P-udp-socat and P-serves-after-resets.
sock_clients() {
    local p=$1 w=${SOCK_SLOW:-1} nsocat=${SOCK_SOCAT:-20} nconns=${SOCK_CONNS:-100} got bad i
    # One line with nc, which half-closes after its input (-N) and prints what came back.
    got=$(echo "hello, sockets" | $IN timeout $((10 * w)) nc -N "$GUEST" 7 2>&1)
    [ "$got" = "hello, sockets" ] && pass "$p-nc-line" || fail "$p-nc-line" "nc: '$got'"

    # 1 MiB of random bytes through socat: many windows each way, flow control on both sides.
    head -c 1048576 /dev/urandom >"$TMP/big"
    $IN timeout $((60 * w)) socat -t $((10 * w)) - TCP:"$GUEST":7 <"$TMP/big" >"$TMP/big.out" \
        2>"$TMP/socat.err"
    cmp -s "$TMP/big" "$TMP/big.out" && pass "$p-1MiB-round-trip" ||
        fail "$p-1MiB-round-trip" "$(cat "$TMP/socat.err") got $(wc -c <"$TMP/big.out") bytes"

    # socat clients at once, 64 KiB each, different bytes: every one gets its own back.
    local pids=()
    for i in $(seq "$nsocat"); do
        head -c 65536 /dev/urandom >"$TMP/c$i"
        $IN timeout $((60 * w)) socat -t $((10 * w)) - TCP:"$GUEST":7 <"$TMP/c$i" \
            >"$TMP/c$i.out" 2>/dev/null &
        pids+=($!)
    done
    wait "${pids[@]}"
    bad=0
    for i in $(seq "$nsocat"); do cmp -s "$TMP/c$i" "$TMP/c$i.out" || bad=$((bad + 1)); done
    [ $bad = 0 ] && pass "$p-$nsocat-socat-clients" ||
        fail "$p-$nsocat-socat-clients" "$bad of $nsocat differ"

    # Connections open at the same time (Python, non-blocking, one selector), each sending
    # 8 KiB of its own and reading them back before any closes.
    cat >"$TMP/many.py" <<'PY'
import os, selectors, socket, sys
host, n, wait = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sel, conns = selectors.DefaultSelector(), []
for i in range(n):
    s = socket.create_connection((host, 7), timeout=wait)
    s.setblocking(False)
    conns.append([s, os.urandom(8192), 0, b""])
for c in conns:
    sel.register(c[0], selectors.EVENT_READ | selectors.EVENT_WRITE, c)
left = n
while left:
    ev = sel.select(timeout=wait)
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
    $IN timeout $((120 * w)) python3 "$TMP/many.py" "$GUEST" "$nconns" $((20 * w)) >"$TMP/out" 2>&1 &&
        pass "$p-$nconns-concurrent" || fail "$p-$nconns-concurrent" "$(tail -2 "$TMP/out")"

    # UDP: datagrams of several sizes, one of 4000 bytes (fragmented, reassembled both ways).
    cat >"$TMP/udp.py" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(int(sys.argv[2]))
for size in (1, 100, 1472, 4000):
    d = os.urandom(size)
    s.sendto(d, (sys.argv[1], 7))
    got, peer = s.recvfrom(65536)
    if got != d or peer != (sys.argv[1], 7):
        sys.exit("datagram of %d bytes: %d back from %s" % (size, len(got), peer))
print("udp ok")
PY
    $IN timeout $((30 * w)) python3 "$TMP/udp.py" "$GUEST" $((5 * w)) >"$TMP/out" 2>&1 &&
        pass "$p-udp-echo" || fail "$p-udp-echo" "$(tail -2 "$TMP/out")"
    got=$(echo udp-line | $IN timeout $((10 * w)) socat -T $((3 * w)) - UDP:"$GUEST":7 2>&1)
    [ "$got" = udp-line ] && pass "$p-udp-socat" || fail "$p-udp-socat" "socat: '$got'"

    # Clients that reset: five after their echo came back, one in the middle of 512 KiB it
    # does not read (once the echo has begun), one before sending anything. The server counts
    # them and keeps serving.
    cat >"$TMP/reset.py" <<'PY'
import socket, struct, sys, time
host, wait = sys.argv[1], int(sys.argv[2])
def rst(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
for i in range(5):
    s = socket.create_connection((host, 7), timeout=wait)
    s.sendall(b"x" * 1000)
    got = b""
    while len(got) < 1000:
        got += s.recv(4096)
    rst(s)
s = socket.create_connection((host, 7), timeout=wait)
s.setblocking(False)
try:
    s.send(b"y" * 524288)
except BlockingIOError:
    pass
s.setblocking(True)
s.recv(1)  # the server has it and is echoing
time.sleep(0.2)
rst(s)
rst(socket.create_connection((host, 7), timeout=wait))
print("reset 7 connections")
PY
    $IN timeout $((60 * w)) python3 "$TMP/reset.py" "$GUEST" $((10 * w)) >"$TMP/out" 2>&1 ||
        fail "$p-resets" "$(tail -2 "$TMP/out")"
    got=$(echo "still there" | $IN timeout $((10 * w)) nc -N "$GUEST" 7 2>&1)
    [ "$got" = "still there" ] && sock_alive && pass "$p-serves-after-resets" ||
        fail "$p-serves-after-resets" "nc: '$got'"
}

# sock_quit: the datagram "quit", which ends the server.
sock_quit() { printf quit | $IN timeout 5 socat -T 1 - UDP:"$GUEST":7 >/dev/null 2>&1; }

# sock_counters NAME STATUS LOG: the server, ended by sock_quit with STATUS, reported in LOG
# every connection sock_clients made and every reset among them.
sock_counters() {
    local line
    line=$(grep '^served ' "$3" | tr -d '\r')
    if [ "$2" = 0 ] && [[ $line =~ ^served\ ([0-9]+)\ connections.*\ ([0-9]+)\ resets ]] &&
        [ "${BASH_REMATCH[1]}" -ge $((9 + ${SOCK_SOCAT:-20} + ${SOCK_CONNS:-100})) ] &&
        [ "${BASH_REMATCH[2]}" -ge 6 ]; then
        pass "$1"
    else
        fail "$1" "status $2: '$line'"
    fi
}
