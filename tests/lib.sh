# tests/lib.sh: helpers shared by the integration scripts (sourced, not run).
#
# Every script under tests/integration/ is run by tests/run-all with:
#   BUILD   the build directory (build/x86_64), holding skiff and tests/guest/*.hvt
#   SKIFF   the tender binary
#   RESULTS a file that collects one "PASS name" or "FAIL name" line per case
# A case runs one command under a timeout and checks its exit status and output.

: "${BUILD:?}" "${SKIFF:?}" "${RESULTS:?}"
CASE_TIMEOUT=${CASE_TIMEOUT:-30}
# How the test unikernels were built (skiff-cc --mode): user-mode images (x86_64) carry the
# CPL3 entry point. Cases whose expected outcome depends on the privilege level read this.
if nm "$BUILD/tests/guest/hello.hvt" 2>/dev/null | grep -q ' skiff_start_user$'; then
    GUEST_MODE=user
else
    GUEST_MODE=kernel
fi
# A host without a usable /dev/kvm (some CI machines offer none) cannot boot guests. On x86_64
# run-all then runs these scripts in the shell VM (tests/vm/shell), which has a KVM. Where that
# cannot be either, a case whose skiff stops with the "/dev/kvm" error (exit 69) is recorded
# as SKIP, not FAIL, and run-all counts it. With /dev/kvm present nothing is skipped this way.
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then HAVE_KVM=1; else HAVE_KVM=0; fi
NO_KVM="no usable /dev/kvm on this host"
TMP=$(mktemp -d /tmp/skiff-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# CASE_PREFIX (run-all sets "kernel/" for the kernel-mode rerun) keeps case names unique.
pass() { echo "PASS ${CASE_PREFIX:-}$1" >>"$RESULTS"; printf '  ok   %s\n' "$1"; }
fail() {
    echo "FAIL ${CASE_PREFIX:-}$1" >>"$RESULTS"
    printf '  FAIL %s: %s\n' "$1" "$2"
}

skip() {
    echo "SKIP ${CASE_PREFIX:-}$1" >>"$RESULTS"
    printf '  skip %s: %s\n' "$1" "$2"
}

# Without KVM, records NAME as skipped and returns 1; scripts guard checks that need a booted
# guest (but are not an expect) with it: need_kvm NAME && ...
need_kvm() {
    [ "$HAVE_KVM" = 1 ] && return 0
    skip "$1" "$NO_KVM"
    return 1
}

# The last expect's output, indented, for a failure report.
show_output() { sed 's/^/       | /' "$TMP/out" | cut -c1-160 | head -20; }

# expect NAME STATUS PATTERN [PATTERN...] -- COMMAND...
#   STATUS: the exit status the command must end with.
#   PATTERN: an extended regex that must match the combined stdout+stderr; a pattern
#   starting with '!' must not match.
expect() {
    local name=$1 status=$2 got
    shift 2
    local pats=()
    while [ "$1" != "--" ]; do pats+=("$1"); shift; done
    shift
    timeout -k 5 "$CASE_TIMEOUT" "$@" >"$TMP/out" 2>&1
    got=$?
    judge "$name" "$status" "$got" "${pats[@]}" && pass "$name"
}

# judge NAME STATUS GOT [PATTERN...]: whether a command that ended with status GOT and wrote
# $TMP/out meets STATUS and the PATTERNs (as expect's). Returns 0 if so, reporting nothing;
# else records NAME as failed, or as skipped when it could not boot for want of /dev/kvm.
judge() {
    local name=$1 status=$2 got=$3 p
    shift 3
    if [ "$HAVE_KVM" = 0 ] && [ "$got" = 69 ] && [ "$status" != 69 ] && grep -q '/dev/kvm' "$TMP/out"; then
        skip "$name" "$NO_KVM"
        return 1
    fi
    if [ "$got" != "$status" ]; then
        fail "$name" "exit status $got, expected $status"
        show_output
        return 1
    fi
    for p in "$@"; do
        if [ "${p:0:1}" = "!" ]; then
            if grep -qE -- "${p:1}" "$TMP/out"; then
                fail "$name" "output matches '${p:1}'"
                show_output
                return 1
            fi
        elif ! grep -qE -- "$p" "$TMP/out"; then
            fail "$name" "output lacks '$p'"
            show_output
            return 1
        fi
    done
}

# Last command's combined output, for extra checks after expect.
output() { cat "$TMP/out"; }

# one_line NAME: records "NAME: one line" as a case of its own, passing if the last expect's
# output is exactly one line (skiff's promise for each of its failures).
one_line() {
    local n
    n=$(output | wc -l)
    if [ "$n" = 1 ]; then pass "$1: one line"; else fail "$1: one line" "$n lines of output"; fi
}

# The cases of the tables in tests/cases: run_cases SUITE.
. "$(dirname "${BASH_SOURCE[0]}")/cases.sh"

# wait_serving LOG [TENTHS]: waits until the unikernel started as $server prints SERVING to
# LOG (default 10 s, in tenths of a second); returns 1 if it ends or the time runs out first.
wait_serving() {
    for _ in $(seq "${2:-100}"); do
        grep -q SERVING "$1" && return 0
        kill -0 $server 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
