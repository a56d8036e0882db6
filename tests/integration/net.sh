# net.sh: network devices: a ping server unikernel on taps inside a private network namespace.
# No packet leaves the namespace this script creates.
. "$(dirname "$0")/../lib.sh"
G=$BUILD/tests/guest
NETNS=skiff-net-$$
trap 'jobs -p | xargs -r kill 2>/dev/null; ip netns del $NETNS 2>/dev/null; rm -rf "$TMP"' EXIT
IN="ip netns exec $NETNS"

ip netns add $NETNS || { fail net-setup "cannot create a network namespace"; exit 0; }
$IN ip link set lo up
add_tap tap0 10.10.0.1/24
add_tap tap9k 10.10.9.1/24 9000

echo "-- bad setups"
expect net-missing-tap 69 'cannot attach interface: nosuchtap: no such network interface' -- $IN "$SKIFF" --net:service0=nosuchtap "$G/ping.hvt" 10.10.0.2
expect net-not-tap 69 'cannot attach interface: lo: not a tap interface' -- $IN "$SKIFF" --net:service0=lo "$G/ping.hvt" 10.10.0.2
expect net-bad-mac 64 "MAC address '02:00:zz:00:00:01' does not parse" -- $IN "$SKIFF" --net:service0=tap0 --net-mac:service0=02:00:zz:00:00:01 "$G/ping.hvt" 10.10.0.2
expect net-multicast-mac 64 'is a multicast address' -- $IN "$SKIFF" --net:service0=tap0 --net-mac:service0=01:00:00:00:00:01 "$G/ping.hvt" 10.10.0.2
expect net-not-attached 64 "^skiff: device 'service0' of type NET_BASIC declared but not attached; all declared" -- "$SKIFF" "$G/ping.hvt" 10.10.0.2
expect net-long-name 64 'is too long' -- $IN "$SKIFF" --net:service0=abcdefghijklmnopq "$G/ping.hvt" 10.10.0.2

# Everything below boots the ping server.
need_kvm net-ping-server || exit 0

echo "-- the cases of tests/cases/net.txt, in the namespace"
# While sandbox-threads serves (after its pings): the host learnt the guest's MAC, and a second
# tender cannot take the tap.
serving_sandbox_threads() {
    $IN ip neigh show dev tap0 | grep -q '02:00:00:00:00:2a' && pass arp || fail arp "no neighbour entry"
    expect net-tap-busy 69 'cannot attach interface: tap0: already in use' -- $IN "$SKIFF" --net:service0=tap0 "$G/ping.hvt" 10.10.0.2
}
run_cases net

echo "-- jumbo frames"
# A tap of MTU 9000 (init in the test VMs makes taps of 1500 only).
$IN "$SKIFF" --mem=32 --net:service0=tap9k "$G/ping.hvt" 10.10.9.2 3 >"$TMP/srv9k.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q SERVING "$TMP/srv9k.log" && break; sleep 0.1; done
grep -q 'mtu 9000' "$TMP/srv9k.log" && pass net-mtu-9000 || fail net-mtu-9000 "mtu not reported"
$IN ping -c 3 -i 0.2 -W 2 -M do -s 8972 10.10.9.2 >"$TMP/out" 2>&1 && grep -q ' 0% packet loss' "$TMP/out" &&
    pass ping-9000 || fail ping-9000 "$(grep 'packet loss' "$TMP/out")"
for _ in $(seq 50); do kill -0 $server 2>/dev/null || break; sleep 0.1; done
kill -TERM $server 2>/dev/null
wait $server
st=$?
[ $st = 0 ] && grep -q 'answered 3 echo requests' "$TMP/srv9k.log" && pass net-count-exit || fail net-count-exit "status $st"

# start_server LOG ARGS...: boots a server unikernel in the namespace and waits until it serves.
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
stop_server() { kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; }

echo "-- lwIP: examples/web, an HTTP/1.1 server on lwIP's raw TCP API, and real clients"
# (Its ping and missing --ipv4= cases are in tests/cases/net.txt.)
W=$BUILD/examples/web.hvt
WEB=http://10.10.0.2
expect lwip-bad-ipv4 64 '^skiff-lwip: --ipv4= takes ADDR/PREFIX' -- $IN "$SKIFF" --mem=32 --net:service0=tap0 "$W" --ipv4=10.10.0.256/24
expect lwip-bad-prefix 64 '^skiff-lwip: --ipv4= takes ADDR/PREFIX' -- $IN "$SKIFF" --mem=32 --net:service0=tap0 "$W" --ipv4=10.10.0.2/33
expect lwip-no-prefix 64 '^skiff-lwip: --ipv4= takes ADDR/PREFIX' -- $IN "$SKIFF" --mem=32 --net:service0=tap0 "$W" --ipv4=10.10.0.2
expect lwip-bad-gateway 64 '^skiff-lwip: --ipv4-gateway= takes an IPv4 address' -- $IN "$SKIFF" --mem=32 --net:service0=tap0 "$W" --ipv4=10.10.0.2/24 --ipv4-gateway=10.10.0
if start_server "$TMP/web.log" --net:service0=tap0 "$W" --ipv4=10.10.0.2/24 --ipv4-gateway=10.10.0.1; then
    grep -q "SERVING $WEB/" "$TMP/web.log" && pass lwip-address || fail lwip-address "$(head -3 "$TMP/web.log")"
    # The page, byte for byte, and its headers.
    printf '%s\n' '<!DOCTYPE html>' '<html><head><title>skiff</title></head>' \
        '<body><p>Hello from a skiff unikernel, served by lwIP.</p></body>' '</html>' >"$TMP/page"
    if $IN curl -sS --max-time 10 -D "$TMP/headers" -o "$TMP/got" "$WEB/" 2>"$TMP/curl.err" &&
        cmp -s "$TMP/page" "$TMP/got" && grep -q '^HTTP/1.1 200 OK' "$TMP/headers" &&
        grep -qi "^Content-Length: $(wc -c <"$TMP/page")" "$TMP/headers"; then
        pass lwip-curl-page
    else
        fail lwip-curl-page "$(cat "$TMP/curl.err" "$TMP/headers" 2>/dev/null | head -5)"
    fi
    # Two requests, one connection: curl reuses it (num_connects 0 for the second).
    got=$($IN curl -sS --max-time 10 -o /dev/null -o /dev/null -w '%{http_code} %{num_connects};' \
        "$WEB/" "$WEB/" 2>&1)
    [ "$got" = "200 1;200 0;" ] && pass lwip-keep-alive || fail lwip-keep-alive "curl: $got"
    # HTTP/1.0 without keep-alive: the server closes after each response.
    got=$($IN curl -sS --http1.0 --max-time 10 -o /dev/null -o /dev/null \
        -w '%{http_code} %{num_connects};' "$WEB/" "$WEB/" 2>&1)
    [ "$got" = "200 1;200 1;" ] && pass lwip-http10-close || fail lwip-http10-close "curl: $got"
    # status NAME EXPECTED CURL_ARGS...: the status code curl sees.
    status() {
        local name=$1 want=$2 got
        shift 2
        got=$($IN curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$@" 2>&1)
        [ "$got" = "$want" ] && pass "$name" || fail "$name" "curl $*: $got, expected $want"
    }
    status lwip-404 404 "$WEB/no/such/page"
    status lwip-head 200 -I "$WEB/"
    status lwip-405 405 -X DELETE "$WEB/"
    status lwip-body-refused 400 -d x=1 "$WEB/"
    # 1 MiB: many windows, lwIP's flow control and the send buffer refilled from the sent callback.
    python3 -c 'import sys
sys.stdout.buffer.write(b"".join(bytes([97 + k % 26]) * 63 + b"\n" for k in range(16384)))' >"$TMP/big"
    $IN curl -sS --max-time 30 -o "$TMP/gotbig" "$WEB/big" 2>"$TMP/curl.err" &&
        cmp -s "$TMP/big" "$TMP/gotbig" && pass lwip-curl-1MiB ||
        fail lwip-curl-1MiB "$(head -2 "$TMP/curl.err") $(cmp "$TMP/big" "$TMP/gotbig" 2>&1 | head -1)"
    # Bursts: 500 requests, 10 at a time, a connection each (HTTP/1.0, the server closes), then
    # 2000 over kept-alive connections; every response complete and the right length.
    for k in "" -k; do
        n=$([ -z "$k" ] && echo 500 || echo 2000)
        $IN timeout 60 ab -q $k -n $n -c 10 -s 10 "$WEB/" >"$TMP/ab" 2>&1
        if grep -q "^Complete requests: *$n\$" "$TMP/ab" && grep -q '^Failed requests: *0$' "$TMP/ab" &&
            ! grep -q '^Non-2xx responses' "$TMP/ab"; then
            pass "lwip-ab$k-$n"
        else
            fail "lwip-ab$k-$n" "$(grep -E 'requests|responses|error|apr_' "$TMP/ab" | head -4 | tr '\n' ' ')"
        fi
    done
    $IN curl -sS --max-time 10 -o /dev/null "$WEB/" 2>/dev/null && pass lwip-after-bursts ||
        fail lwip-after-bursts "no answer after the bursts"
    stop_server
else
    fail lwip-web "server did not start"
fi
# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
