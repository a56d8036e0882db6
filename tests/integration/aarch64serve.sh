# aarch64serve.sh: examples/iperf and tests/guest/sockecho.c built for aarch64, each serving in
# the aarch64 test VM (tests/vm/serve: QEMU TCG, the unikernel on arm64 KVM inside), against
# the same real clients as iperf.sh and sockets.sh on x86_64 (tests/iperfcheck.sh,
# tests/sockclients.sh) from a network namespace this script creates: iperf 2 (-t 10, then
# -P 4), nc, socat and Python. No packet leaves the namespace. One VM boot per server (a
# minute or two each here); the times are shown.
# run-all: on the host
#   AARCH64_BUILD  the aarch64 build directory (default build/aarch64: make aarch64-vm-files)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../vmnet.sh"
. "$(dirname "$0")/../iperfcheck.sh"
. "$(dirname "$0")/../sockclients.sh"
A=${AARCH64_BUILD:-build/aarch64}
NETNS=skiff-a64srv-$$
IN="ip netns exec $NETNS"
trap 'stop_vm_server; ip netns del $NETNS 2>/dev/null; rm -rf "$TMP"' EXIT
# Each server has its own address, so that no stale ARP entry of the first reaches the second.
ADDR=10.10.0.2
GUEST=10.10.0.3
# -t 10 at the most: under TCG the VM's minutes are the budget of this script.
SEND_SECONDS=${SEND_SECONDS:-10}
IPERF_LOG=$TMP/iperf.log
IPERF_WAIT=60
# The client timeouts of sockets.sh, this many times over: every frame crosses the emulated VM.
SOCK_SLOW=${SOCK_SLOW:-6}

command -v qemu-system-aarch64 >/dev/null ||
    { skip aarch64-serve "qemu-system-aarch64 missing (tools/install-deps vm installs it)"; exit 0; }
for f in skiff tests/vm/init examples/iperf.hvt tests/guest/sockecho.hvt; do
    [ -e "$A/$f" ] || { fail aarch64-serve "$A lacks $f (make aarch64-vm-files)"; exit 0; }
done
ip netns add $NETNS || { fail aarch64-serve-setup "cannot create a network namespace"; exit 0; }
$IN ip link set lo up
add_tap vmtap0 10.10.0.1/24 || { fail aarch64-serve-setup "cannot create the tap vmtap0"; exit 0; }

# served_on_kvm NAME LOG: the unikernel of LOG ran on the VM's own KVM, not emulated there.
served_on_kvm() {
    grep -q 'SKIFF-SERVE-START.*kvm=yes' "$2" && pass "$1" ||
        fail "$1" "$(grep -m1 SKIFF-SERVE-START "$2")"
}

echo "-- lwiperf in the aarch64 VM: iperf -c $ADDR -t $SEND_SECONDS from the namespace"
t0=$SECONDS
if start_vm_server "$IPERF_LOG" aarch64 "$A" $NETNS vmtap0 -- --mem=32 --net:service0=tap0 \
    examples/iperf.hvt --ipv4=$ADDR/24; then
    served_on_kvm aarch64-iperf-on-kvm "$IPERF_LOG"
    grep -q "^SERVING iperf $ADDR:5001" "$IPERF_LOG" && pass aarch64-iperf-address ||
        fail aarch64-iperf-address "$(grep -m1 SERVING "$IPERF_LOG")"
    iperf_run aarch64-iperf-run 1
    iperf_run aarch64-iperf-parallel-4 5 -P 4
    iperf_no_aborts aarch64-iperf-no-aborts
    # Still serving after all that: stopped, skiff ends as a stopped server does.
    stop_vm_server
    [ "$VM_SERVER_STATUS" = 143 ] && pass aarch64-iperf-stop ||
        fail aarch64-iperf-stop "status $VM_SERVER_STATUS"
else
    fail aarch64-iperf "the server did not start in the aarch64 VM"
fi
echo "  (aarch64 iperf server: $((SECONDS - t0)) s in all)"

echo "-- the sockets echo server in the aarch64 VM, against host clients"
t0=$SECONDS
LOG=$TMP/echo.log
if start_vm_server "$LOG" aarch64 "$A" $NETNS vmtap0 -- --mem=64 --net:service0=tap0 \
    tests/guest/sockecho.hvt --ipv4=$GUEST/24 --ipv4-gateway=10.10.0.1 serve 7; then
    served_on_kvm aarch64-sock-on-kvm "$LOG"
    grep -q 'argv: \[serve\] \[7\]' "$LOG" && pass aarch64-sock-argv-without-net-options ||
        fail aarch64-sock-argv-without-net-options "$(grep -m1 argv "$LOG")"
    grep -q 'accept before any client: EAGAIN' "$LOG" && pass aarch64-sock-accept-eagain ||
        fail aarch64-sock-accept-eagain "$(grep -m1 accept "$LOG")"
    # Up while the VM runs and skiff in it has not ended.
    sock_alive() { kill -0 "$VM_SERVER_PID" 2>/dev/null && ! grep -q SKIFF-SERVE-EXIT "$LOG"; }
    sock_clients aarch64-sock
    # A datagram "quit" ends the server (and so the VM), which reports its counters.
    sock_quit
    for _ in $(seq 120); do kill -0 "$VM_SERVER_PID" 2>/dev/null || break; sleep 1; done
    stop_vm_server
    sock_counters aarch64-sock-server-counters "$VM_SERVER_STATUS" "$LOG"
else
    fail aarch64-sock "the server did not start in the aarch64 VM"
fi
echo "  (aarch64 echo server: $((SECONDS - t0)) s in all)"
true
