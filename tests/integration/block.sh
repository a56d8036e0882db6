# block.sh: block devices: patterns written and read back, the file holding them, bad setups.
. "$(dirname "$0")/../lib.sh"
G=$BUILD/tests/guest

# word W of block B of disk D as the guest writes it, as od prints a little-endian u64
word() { printf '%016x' $(( ($1 << 56) | ($2 << 16) | $3 )); }
at() { od -An -t x8 -j "$2" -N 8 "$1" | tr -d ' '; }

# The cases of tests/cases/block.txt; afterwards the files must hold what the guest wrote.
# block 16, word 3 sits at byte 16*512 + 24; block 2047 (the last) word 0 at 2047*512
after_blk_512() {
    if [ "$(at "$TMP/disk.img" $((16 * 512 + 24)))" = "$(word 0 16 3)" ] &&
        [ "$(at "$TMP/disk.img" $((2047 * 512)))" = "$(word 0 2047 0)" ]; then
        pass blk-file-holds-writes
    else
        fail blk-file-holds-writes "backing file lacks the guest's pattern"
    fi
}
after_blk_abort() {
    [ "$(at "$TMP/abort.img" $((2047 * 512)))" = "$(word 0 2047 0)" ] && pass blk-abort-writes-kept ||
        fail blk-abort-writes-kept "last write lost"
}
after_blk_two_disks() {
    [ "$(at "$TMP/d1.img" $((32 * 512)))" = "$(word 1 32 0)" ] &&
        [ "$(at "$TMP/d0.img" $((32 * 512)))" = "$(word 0 32 0)" ] && pass blk-two-disks-separate ||
        fail blk-two-disks-separate "disk contents mixed up"
}
run_cases block

echo "-- bad setups"
expect blk-not-attached 64 "^skiff: device 'storage' of type BLOCK_BASIC declared but not attached; all declared devices must be attached" -- "$SKIFF" --mem=32 "$G/blk.hvt"
expect blk-missing-file 66 "cannot open block device: $TMP/nope.img: No such file" -- "$SKIFF" --mem=32 --block:storage="$TMP/nope.img" "$G/blk.hvt"
cp "$TMP/disk.img" "$TMP/ro.img"
chmod 0444 "$TMP/ro.img"
if [ "$(id -u)" = 0 ]; then
    # root ignores file modes; a read-only bind of the file is what a user would hit
    mkdir -p "$TMP/romnt" && touch "$TMP/romnt/ro.img"
    if unshare -m sh -c "mount --bind -o ro '$TMP/ro.img' '$TMP/romnt/ro.img' 2>/dev/null && mount -o remount,bind,ro '$TMP/romnt/ro.img' && exec '$SKIFF' --mem=32 --block:storage='$TMP/romnt/ro.img' '$G/blk.hvt'" >"$TMP/out" 2>&1; then
        fail blk-read-only "a read-only file was accepted"
    elif grep -q 'cannot open block device: .*Read-only file system (it must be writable)' "$TMP/out"; then
        pass blk-read-only
    else
        fail blk-read-only "unexpected output"
    fi
else
    expect blk-read-only 66 'Permission denied \(it must be writable\)' -- "$SKIFF" --mem=32 --block:storage="$TMP/ro.img" "$G/blk.hvt"
fi
truncate -s 6K "$TMP/six.img"
expect blk-unaligned 66 'backing storage size must be block aligned \(4096 bytes\)' -- "$SKIFF" --mem=32 --block-sector-size:storage=4096 --block:storage="$TMP/six.img" "$G/blk.hvt"
: >"$TMP/empty.img"
expect blk-empty 66 'backing storage must be at least 1 block' -- "$SKIFF" --mem=32 --block:storage="$TMP/empty.img" "$G/blk.hvt"
expect blk-sector-size 64 'block size must be a power of 2' -- "$SKIFF" --mem=32 --block-sector-size:storage=521 --block:storage="$TMP/disk.img" "$G/blk.hvt"
expect blk-twice 64 "block device 'storage' is attached twice" -- "$SKIFF" --mem=32 --block:storage="$TMP/disk.img" --block:storage="$TMP/disk.img" "$G/blk.hvt"

# The README's first unikernel (examples/counter, built by make as the README builds it), twice
# on one new disk: the second boot reads what the first wrote.
truncate -s 64K "$TMP/counter.img"
expect readme-example 0 '^Hello, reader! This disk has seen 1 boot' -- \
    "$SKIFF" --mem=64 --block:storage="$TMP/counter.img" "$BUILD/examples/counter.hvt" reader &&
    expect readme-example-again 0 '^Hello, world! This disk has seen 2 boot' -- \
        "$SKIFF" --mem=64 --block:storage="$TMP/counter.img" "$BUILD/examples/counter.hvt"
# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
