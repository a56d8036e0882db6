# bootloop.sh: 200 boots in a row leave nothing behind (tools/boot-loop; run it with 10000 by
# hand for the full check).
. "$(dirname "$0")/../lib.sh"
need_kvm boot-loop-200 || exit 0
if tools/boot-loop 200 "$BUILD" >"$TMP/out" 2>&1; then
    sed 's/^/       /' "$TMP/out"
    pass boot-loop-200
else
    fail boot-loop-200 "$(tail -1 "$TMP/out")"
fi
# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
