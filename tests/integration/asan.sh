# asan.sh: the command-line, hostile-guest and block cases again, with the tender built with
# AddressSanitizer and UBSan (make asan; no seccomp filter in that build). A memory error or
# undefined behaviour in the tender ends it with a status no case expects, so the case fails.
. "$(dirname "$0")/../lib.sh"
ASAN_SKIFF=$BUILD-asan/skiff
if [ ! -x "$ASAN_SKIFF" ]; then
    echo "  skip: no $ASAN_SKIFF (make asan)"
    exit 0
fi
# A report goes to stderr (the case output) and ends the tender: ASan exits 1, UBSan aborts.
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
for s in tender block; do
    : >"$TMP/results"
    SKIFF=$ASAN_SKIFF RESULTS=$TMP/results bash "$(dirname "$0")/$s.sh" 2>&1 |
        sed -E 's/^  (ok  |FAIL|skip) /&asan\//'
    sed -E 's/^(PASS|FAIL|SKIP) /\1 asan\//' "$TMP/results" >>"$RESULTS"
done
# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
