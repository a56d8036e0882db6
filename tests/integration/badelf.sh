#!/usr/bin/env bash
# badelf.sh: broken variants of a good image are each rejected with exit 65 and one clear line.
. "$(dirname "$0")/../lib.sh"

GOOD="$BUILD/tests/guest/hello.hvt"
MKBADELF="$BUILD/tests/mkbadelf"
SKIFF_IMAGE=65   # SKIFF_EXIT_IMAGE
SKIFF_NOINPUT=66 # SKIFF_EXIT_NOINPUT

if [ ! -x "$MKBADELF" ] || [ ! -f "$GOOD" ]; then
    fail badelf/setup "missing $MKBADELF or $GOOD (run make first)"
    exit 0
fi
if ! "$MKBADELF" "$GOOD" "$TMP/bad" >"$TMP/out" 2>&1; then
    fail badelf/setup "mkbadelf failed on $GOOD"
    exit 0
fi

# bad VARIANT REGEX: the tender refuses $TMP/bad/VARIANT.hvt before running any guest code,
# with exit 65 and exactly one line of output that matches REGEX.
bad() {
    local name=badelf/$1
    expect "$name" "$SKIFF_IMAGE" "$2" '!Hello|SUCCESS|Solo5:' -- \
        "$SKIFF" --mem=32 "$TMP/bad/$1.hvt" || return 0
    one_line "$name"
}

bad truncated 'segment data .* beyond the end of the file'
bad truncated-phdrs 'program header table .* beyond the end of the file'
bad wrong-machine 'e_machine [0-9]+ .* not this host'
bad not-elf 'not an ELF file'
bad outside-memory 'outside guest memory'
bad overlapping 'overlaps the previous segment'
bad no-abi-note 'no Solo5 ABI information found in executable'
bad wrong-abi-target 'executable is not for the solo5-hvt target'
bad wrong-abi-version 'executable requests unsupported ABI version 1'
bad wx-segment 'requests WRITE and EXEC permissions'
bad no-manifest 'no Solo5 manifest found in executable'
bad bad-note-size 'note does not fall within valid size'
bad too-many-entries 'Solo5 manifest is invalid: .*65 entries'
bad bad-manifest-version 'Solo5 manifest is invalid: .*version 2'

: >"$TMP/bad/empty.hvt"
bad empty 'too short'

# The good image still boots, so the failures above come from the edits alone.
expect badelf/good-image 0 'SUCCESS' -- "$SKIFF" --mem=32 "$GOOD"

expect badelf/no-such-file "$SKIFF_NOINPUT" 'cannot open: No such file' -- \
    "$SKIFF" --mem=32 "$TMP/no-such-kernel.hvt"
# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
