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

echo "-- a tap in use"
if start_server "$TMP/busy.log" --net:service0=tap0 "$G/ping.hvt" 10.10.0.2; then
    expect net-tap-busy 69 'cannot attach interface: tap0: already in use' -- $IN "$SKIFF" --net:service0=tap0 "$G/ping.hvt" 10.10.0.2
    stop_server
fi
# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
