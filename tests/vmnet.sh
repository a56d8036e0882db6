# tests/vmnet.sh: servers in a test VM for the integration scripts (sourced after lib.sh): a
# unikernel run by skiff inside the QEMU VM of tests/vm/serve (aarch64 on this x86_64 host),
# which the script's real clients reach from its network namespace through a tap.
#   start_vm_server LOG ARCH BUILD NETNS HOSTTAP [--file SRC:DEST]... -- SKIFF_ARG...
#       tests/vm/serve with those arguments in the background, its output in LOG; waits until
#       the unikernel prints SERVING (at most VM_SERVE_WAIT seconds, default 400: the VM boots
#       under TCG), says how long that took and returns 0; else prints LOG's tail, stops the
#       VM and returns 1. One server at a time.
#   stop_vm_server
#       stops it (skiff in the VM gets SIGTERM, the VM powers off) and waits; sets
#       VM_SERVER_STATUS to tests/vm/serve's status: skiff's own, 143 after a clean stop.
# E.g., with NETNS holding the tap vmtap0 at 10.10.0.1/24 (cases.sh's add_tap) and a block
# device's image passed in:
#   start_vm_server "$TMP/srv.log" aarch64 build/aarch64 "$NETNS" vmtap0 \
#       --file "$TMP/site.img:/site.img" -- --mem=32 --net:service0=tap0 \
#       --block:storage=/site.img examples/web.hvt --ipv4=10.10.0.2/24 || ...
#   ip netns exec "$NETNS" curl http://10.10.0.2/ ...
#   stop_vm_server
VM_SERVE_WAIT=${VM_SERVE_WAIT:-400}
VM_SERVER_PID=""

start_vm_server() {
    local log=$1 arch=$2 build=$3 netns=$4 hosttap=$5 t0
    shift 5
    local files=()
    while [ "${1:-}" = --file ]; do files+=("$1" "$2"); shift 2; done
    t0=$(date +%s)
    "$(dirname "${BASH_SOURCE[0]}")/vm/serve" ${files[@]+"${files[@]}"} "$arch" "$build" "$netns" \
        "$hosttap" "$@" </dev/null >"$log" 2>&1 &
    VM_SERVER_PID=$!
    while [ $(($(date +%s) - t0)) -lt "$VM_SERVE_WAIT" ]; do
        if grep -qs SERVING "$log"; then
            echo "  ($arch VM up and serving after $(($(date +%s) - t0)) s)"
            return 0
        fi
        kill -0 $VM_SERVER_PID 2>/dev/null || break
        sleep 1
    done
    echo "  no SERVING from the $arch VM after $(($(date +%s) - t0)) s; its log ends:"
    tail -20 "$log" | sed 's/^/       | /'
    stop_vm_server
    return 1
}

stop_vm_server() {
    [ -n "$VM_SERVER_PID" ] || return 0
    kill -TERM $VM_SERVER_PID 2>/dev/null
    wait $VM_SERVER_PID
    VM_SERVER_STATUS=$?
    VM_SERVER_PID=""
}
