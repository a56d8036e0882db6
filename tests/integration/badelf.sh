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

# Device entries, from an image declaring two block devices (disk0, disk1): each a refusal
# before anything is attached, whatever the command line attaches.
if "$MKBADELF" "$BUILD/tests/guest/blk2.hvt" "$TMP/bad" >"$TMP/out" 2>&1; then
    devs=(--block:disk0="$TMP/d0.img" --block:disk1="$TMP/d1.img")
    truncate -s 64K "$TMP/d0.img" "$TMP/d1.img"
    bad_dev() { # VARIANT REGEX
        expect "badelf/$1" "$SKIFF_IMAGE" "$2" '!SUCCESS|Solo5:' -- \
            "$SKIFF" --mem=32 "${devs[@]}" "$TMP/bad/$1.hvt" && one_line "badelf/$1"
    }
    bad_dev duplicate-name "duplicate device name 'disk0' \(entries 1 and 2\)"
    bad_dev unknown-type "entry 2 \('disk1'\): unknown device type 3"
    bad_dev preset-block-size "entry 1 \('disk0'\): fields the tender fills in are set in the image"
    # A name from the image is printed escaped: one line, no escape sequence (disk0 renamed,
    # so only disk1 is attached).
    expect badelf/control-name 64 "device 'st.x1b\[31mRED.x0aFAKE: line' of type BLOCK_BASIC declared but not attached" \
        "!"$'\e' -- "$SKIFF" --mem=32 "${devs[1]}" "$TMP/bad/control-name.hvt" && one_line badelf/control-name
else
    fail badelf/device-setup "mkbadelf failed on $BUILD/tests/guest/blk2.hvt"
fi

# The good image still boots, so the failures above come from the edits alone.
expect badelf/good-image 0 'SUCCESS' -- "$SKIFF" --mem=32 "$GOOD"

expect badelf/no-such-file "$SKIFF_NOINPUT" 'cannot open: No such file' -- \
    "$SKIFF" --mem=32 "$TMP/no-such-kernel.hvt"
# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
