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

# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
