# net.sh: network devices: a ping server unikernel on taps inside a private network namespace.
# No packet leaves the namespace this script creates.
. "$(dirname "$0")/../lib.sh"
G=$BUILD/tests/guest
NS=skiff-net-$$
trap 'jobs -p | xargs -r kill 2>/dev/null; ip netns del $NS 2>/dev/null; rm -rf "$TMP"' EXIT
IN="ip netns exec $NS"

ip netns add $NS || { fail net-setup "cannot create a network namespace"; exit 0; }
$IN ip link set lo up
add_tap() { # NAME ADDRESS [MTU]
    $IN ip tuntap add "$1" mode tap && $IN ip addr add "$2" dev "$1" &&
        $IN ip link set "$1" ${3:+mtu $3} up
}
add_tap tap0 10.10.0.1/24
add_tap tap1 10.10.1.1/24
add_tap tap9k 10.10.9.1/24 9000

# start_server LOG ARGS...: boots the ping server in the namespace and waits until it serves.
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

# ping_case NAME PING_ARGS...: pings and requires 0% loss.
ping_case() {
    local name=$1
    shift
    if $IN ping "$@" >"$TMP/out" 2>&1 && grep -q ' 0% packet loss' "$TMP/out"; then
        pass "$name"
    else
        fail "$name" "ping $*"
    fi
}

echo "-- bad setups"
expect net-missing-tap 69 'cannot attach interface: nosuchtap: no such network interface' -- $IN "$SKIFF" --net:service0=nosuchtap "$G/ping.hvt" 10.10.0.2
expect net-not-tap 69 'cannot attach interface: lo: not a tap interface' -- $IN "$SKIFF" --net:service0=lo "$G/ping.hvt" 10.10.0.2
expect net-bad-mac 64 "MAC address '02:00:zz:00:00:01' does not parse" -- $IN "$SKIFF" --net:service0=tap0 --net-mac:service0=02:00:zz:00:00:01 "$G/ping.hvt" 10.10.0.2
expect net-multicast-mac 64 'is a multicast address' -- $IN "$SKIFF" --net:service0=tap0 --net-mac:service0=01:00:00:00:00:01 "$G/ping.hvt" 10.10.0.2
expect net-not-attached 64 "^skiff: device 'service0' of type NET_BASIC declared but not attached; all declared" -- "$SKIFF" "$G/ping.hvt" 10.10.0.2
expect net-long-name 64 'is too long' -- $IN "$SKIFF" --net:service0=abcdefghijklmnopq "$G/ping.hvt" 10.10.0.2

# Everything below boots the ping server.
need_kvm net-ping-server || exit 0

echo "-- one NIC, ring I/O"
if start_server "$TMP/srv.log" --net:service0=tap0 --net-mac:service0=02:00:00:00:00:2a "$G/ping.hvt" --solo5:debug 10.10.0.2; then
    grep -q 'mac 02:00:00:00:00:2a mtu 1500' "$TMP/srv.log" && pass net-mac-mtu || fail net-mac-mtu "$(head -3 "$TMP/srv.log")"
    ping_case ping -c 5 -i 0.2 -W 2 10.10.0.2
    ping_case ping-mtu-frames -c 3 -i 0.2 -W 2 -M do -s 1472 10.10.0.2
    ping_case ping-flood -f -c 3000 -w 60 10.10.0.2
    $IN ip neigh show dev tap0 | grep -q '02:00:00:00:00:2a' && pass arp || fail arp "no neighbour entry"
    stop_server
    grep -q 'net: using ring I/O' "$TMP/srv.log" && pass net-ring-used || fail net-ring-used "guest did not use the ring"
    grep -q 'exiting on signal 15' "$TMP/srv.log" && pass net-stop || fail net-stop "$(tail -2 "$TMP/srv.log")"
else
    fail ping "server did not start"
fi

echo "-- one NIC, per-packet hypercalls"
if start_server "$TMP/srvh.log" --no-net-ring --net:service0=tap0 "$G/ping.hvt" --solo5:debug 10.10.0.2; then
    ping_case ping-hypercalls -c 5 -i 0.2 -W 2 10.10.0.2
    ping_case ping-flood-hypercalls -f -c 3000 -w 60 10.10.0.2
    stop_server
    grep -q 'ring I/O' "$TMP/srvh.log" && fail net-no-ring "ring used despite --no-net-ring" || pass net-no-ring
else
    fail ping-hypercalls "server did not start"
fi

echo "-- jumbo frames"
if start_server "$TMP/srv9k.log" --net:service0=tap9k "$G/ping.hvt" 10.10.9.2; then
    grep -q 'mtu 9000' "$TMP/srv9k.log" && pass net-mtu-9000 || fail net-mtu-9000 "mtu not reported"
    ping_case ping-9000 -c 3 -i 0.2 -W 2 -M do -s 8972 10.10.9.2
    stop_server
fi

echo "-- a large guest (memory registered on first touch, the ring at its top)"
if start_server "$TMP/srv4g.log" --mem=4096 --net:service0=tap0 "$G/ping.hvt" 10.10.0.2; then
    ping_case ping-4G -c 20 -i 0.05 -W 2 -s 1472 10.10.0.2
    stop_server
else
    fail ping-4G "server did not start"
fi

echo "-- two NICs"
if start_server "$TMP/srv2.log" --net:service0=tap0 --net:service1=tap1 "$G/ping2.hvt" 10.10.0.2; then
    ping_case ping-nic0 -c 3 -i 0.2 -W 2 10.10.0.2
    ping_case ping-nic1 -c 3 -i 0.2 -W 2 10.10.1.2
    stop_server
fi

echo "-- exit after COUNT replies"
start_server "$TMP/srv3.log" --net:service0=tap0 "$G/ping.hvt" 10.10.0.2 20 &&
    $IN ping -c 20 -i 0.05 -W 2 10.10.0.2 >/dev/null 2>&1
wait $server
st=$?
[ $st = 0 ] && grep -q 'answered 20 echo requests' "$TMP/srv3.log" && pass net-count-exit || fail net-count-exit "status $st"

echo "-- a guest that breaks its ring"
# The ring thread finds ent_tail far ahead; the run must end through the one exit path: the
# guest stopped at once (never "GUEST_CONTINUED"), exit 80, the one line and the --json line
# saying the same. "spin" makes no VM exit, so the vCPU must be kicked out of KVM_RUN.
for mode in yield spin; do
    expect ring-broken-$mode 80 '^skiff: ring: guest advanced ent_tail to [0-9]+, more than 1024 past ent_head' \
        '"status": 80, "class": "hypercall", "message": "ring: guest advanced ent_tail' '!GUEST_CONTINUED' \
        -- $IN "$SKIFF" --json --mem=32 --net:service0=tap0 "$G/ringbreak.hvt" $mode
done

echo "-- lwIP: examples/web, an HTTP/1.1 server on lwIP's raw TCP API, and real clients"
W=$BUILD/examples/web.hvt
WEB=http://10.10.0.2
expect lwip-no-ipv4 64 '^skiff-lwip: --ipv4=ADDR/PREFIX is missing$' -- $IN "$SKIFF" --mem=32 --net:service0=tap0 "$W"
expect lwip-bad-ipv4 64 '^skiff-lwip: --ipv4= takes ADDR/PREFIX' -- $IN "$SKIFF" --mem=32 --net:service0=tap0 "$W" --ipv4=10.10.0.256/24
expect lwip-bad-prefix 64 '^skiff-lwip: --ipv4= takes ADDR/PREFIX' -- $IN "$SKIFF" --mem=32 --net:service0=tap0 "$W" --ipv4=10.10.0.2/33
expect lwip-no-prefix 64 '^skiff-lwip: --ipv4= takes ADDR/PREFIX' -- $IN "$SKIFF" --mem=32 --net:service0=tap0 "$W" --ipv4=10.10.0.2
expect lwip-bad-gateway 64 '^skiff-lwip: --ipv4-gateway= takes an IPv4 address' -- $IN "$SKIFF" --mem=32 --net:service0=tap0 "$W" --ipv4=10.10.0.2/24 --ipv4-gateway=10.10.0
if start_server "$TMP/web.log" --net:service0=tap0 "$W" --ipv4=10.10.0.2/24 --ipv4-gateway=10.10.0.1; then
    grep -q "SERVING $WEB/" "$TMP/web.log" && pass lwip-address || fail lwip-address "$(head -3 "$TMP/web.log")"
    ping_case lwip-ping -c 5 -i 0.2 -W 2 10.10.0.2
    ping_case lwip-ping-mtu-frames -c 3 -i 0.2 -W 2 -M do -s 1472 10.10.0.2
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

echo "-- a tap in use"
if start_server "$TMP/busy.log" --net:service0=tap0 "$G/ping.hvt" 10.10.0.2; then
    expect net-tap-busy 69 'cannot attach interface: tap0: already in use' -- $IN "$SKIFF" --net:service0=tap0 "$G/ping.hvt" 10.10.0.2
    stop_server
fi
# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
