# sandbox.sh: a running tender is under seccomp with no_new_privs, on every thread.
# (That a forbidden call kills it is shown by tests/unit/test_sandbox.c: a guest cannot make
# the tender issue an arbitrary syscall.)
. "$(dirname "$0")/../lib.sh"
G=$BUILD/tests/guest
need_kvm sandbox-running-tender || exit 0

# check_threads NAME PID: every thread of PID shows filter mode (2), one filter, no_new_privs.
check_threads() {
    local name=$1 pid=$2 n=0 bad=""
    for st in /proc/"$pid"/task/*/status; do
        n=$((n + 1))
        grep -q '^Seccomp:[[:space:]]*2$' "$st" && grep -q '^NoNewPrivs:[[:space:]]*1$' "$st" &&
            grep -q '^Seccomp_filters:[[:space:]]*1$' "$st" || bad="$bad ${st%/status}"
    done
    if [ $n = 0 ]; then
        fail "$name" "no such process"
    elif [ -n "$bad" ]; then
        bad=${bad# }
        grep -E 'Seccomp|NoNewPrivs' "${bad%% *}/status" >"$TMP/out"
        fail "$name" "not sandboxed:$bad"
    else
        pass "$name"
    fi
    echo "$n" >"$TMP/threads"
}

# A guest that counts for ever (until killed) is sampled once it has printed: a fixed delay
# could land after a short guest's end on a slow host.
"$SKIFF" --mem=32 "$G/count.hvt" 100000 50 >"$TMP/count.out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q '^COUNT 1' "$TMP/count.out" && break; sleep 0.1; done
check_threads sandbox-status $pid
kill $pid
wait $pid

# Sleeping in POLL, under the filter, works.
"$SKIFF" --mem=32 "$G/yield.hvt" >"$TMP/yield.out" 2>&1
st=$?
[ $st = 0 ] && grep -q SUCCESS "$TMP/yield.out" && pass sandbox-yield-ok ||
    fail sandbox-yield-ok "status $st"

# With a net device the ring thread exists before the filter goes in; TSYNC must cover it.
NS=skiff-sb-$$
if ip netns add $NS 2>/dev/null; then
    trap 'kill $pid 2>/dev/null; ip netns del $NS 2>/dev/null; rm -rf "$TMP"' EXIT
    ip netns exec $NS ip tuntap add tap0 mode tap && ip netns exec $NS ip link set tap0 up
    ip netns exec $NS "$SKIFF" --mem=32 --net:service0=tap0 "$G/ping.hvt" 10.10.0.2 >"$TMP/ping.out" 2>&1 &
    pid=$!
    for _ in $(seq 50); do grep -q SERVING "$TMP/ping.out" && break; sleep 0.1; done
    check_threads sandbox-ring-thread $pid
    [ "$(cat "$TMP/threads")" -ge 2 ] && pass sandbox-ring-thread-exists ||
        fail sandbox-ring-thread-exists "only $(cat "$TMP/threads") thread(s)"
    kill -TERM $pid
    wait $pid
    st=$?
    # The stop path (signal, ring thread join, exit) runs under the filter too.
    [ $st = 143 ] && pass sandbox-ring-stop || fail sandbox-ring-stop "status $st"
    ip netns del $NS
else
    fail sandbox-ring-thread "cannot create a network namespace"
fi
# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
