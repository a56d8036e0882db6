# tests/iperfcheck.sh: Debian's iperf 2 client against examples/iperf (lwiperf), checked
# stream by stream against the server's own reports; sourced after lib.sh by the scripts that
# run that server (iperf.sh on this host's KVM, aarch64serve.sh in the aarch64 test VM).
# The caller sets:
#   IN            the command prefix that runs a client in the server's network namespace
#   ADDR          the server's address
#   IPERF_LOG     the file the server's output goes to (its "iperf: test N ..." lines)
#   SEND_SECONDS  seconds each client sends (-t)
#   IPERF_WAIT    seconds the server may take to report a test after the client ends (10)

# iperf_wait_tests N: waits (IPERF_WAIT seconds at most) until the server has reported N
# finished tests; it reports one when the client's FIN arrives.
iperf_wait_tests() {
    local t0=$SECONDS
    while [ $((SECONDS - t0)) -lt "${IPERF_WAIT:-10}" ]; do
        [ "$(grep -c '^iperf: test [0-9]* from ' "$IPERF_LOG")" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

# iperf_run NAME TESTS IPERF_ARGS...: one client run, after which the server has finished TESTS
# tests in all. Passes if the client finished, and for each of its streams (matched by port)
# the server reported a test "done" with the bytes the client sent. lwiperf (lwIP 2.1.3) counts
# only the first 24 bytes (iperf's header) of the first segment it receives, so it may report
# up to TCP_MSS - 24 bytes fewer than were sent: iperf 2.1.8 sends a 60-byte header alone, 36
# fewer.
iperf_run() {
    local name=$1 tests=$2 st port sent got bad="" diffs=""
    shift 2
    # -y C: one CSV line per stream: local port in field 3, bytes (exact) in field 8.
    $IN timeout -k 5 $((SEND_SECONDS + 30)) iperf -c "$ADDR" -t "$SEND_SECONDS" -y C "$@" \
        >"$TMP/client" 2>&1
    st=$?
    iperf_wait_tests "$tests"
    while IFS=, read -r _ _ port _ _ id _ sent _; do
        [ "$id" = -1 ] && continue
        got=$(sed -n "s/^iperf: test [0-9]* from [0-9.]*:$port done: \([0-9]*\) bytes .*/\1/p" \
            "$IPERF_LOG")
        if [ -z "$got" ] || [ "$sent" -le 0 ] || [ "$got" -gt "$sent" ] ||
            [ $((sent - got)) -gt $((1460 - 24)) ]; then
            bad="$bad port $port: sent $sent, server ${got:-none};"
        fi
        diffs="$diffs $((sent - ${got:-0}))"
    done < <(grep -E '^[0-9]+,' "$TMP/client")
    if [ $st = 0 ] && [ -n "$diffs" ] && [ -z "$bad" ]; then
        pass "$name"
        printf '       %s stream(s), server counted fewer bytes by:%s; last: %s\n' \
            "$(echo $diffs | wc -w)" "$diffs" \
            "$(sed -n "s/^iperf: test $tests from .*: //p" "$IPERF_LOG" | tr -d '\r')"
    else
        fail "$name" "iperf exit $st;${bad:- no streams reported}"
        sed 's/^/       | /' "$TMP/client" "$IPERF_LOG" | head -20
    fi
}

# iperf_no_aborts NAME: every connection was ended by the client's FIN, none aborted.
iperf_no_aborts() {
    grep -q 'aborted' "$IPERF_LOG" && fail "$1" "$(grep aborted "$IPERF_LOG")" || pass "$1"
}
