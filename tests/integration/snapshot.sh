# snapshot.sh: --snapshot and --restore (docs/snapshots.md): a counting guest saved mid-count
# by SIGUSR2 goes on counting from where it was when restored, once, ten times side by side,
# and again after a snapshot of a restored guest; hostile snapshot files each fail with one
# line naming the field and exit 65.
. "$(dirname "$0")/../lib.sh"
G=$BUILD/tests/guest
need_kvm snapshot || exit 0

# save NAME FILE [SKIFF ARGS...]: runs skiff --snapshot=FILE ARGS in the background, sends
# SIGUSR2 once it printed three counts, and checks it saved and exited 0. Sets $last, the last
# count it printed.
save() {
    local name=$1 file=$2 pid st
    shift 2
    "$SKIFF" --snapshot="$file" "$@" >"$TMP/save.out" 2>&1 &
    pid=$!
    for _ in $(seq 200); do [ "$(grep -c '^COUNT ' "$TMP/save.out")" -ge 3 ] && break; sleep 0.05; done
    kill -USR2 $pid
    wait $pid
    st=$?
    last=$(sed -n 's/^COUNT //p' "$TMP/save.out" | tail -1)
    if [ $st = 0 ] && grep -q "^skiff: snapshot saved to $file: " "$TMP/save.out" &&
        [ -n "$last" ] && [ "$last" -ge 3 ] && [ "$last" -lt 40 ]; then
        pass "$name"
    else
        fail "$name" "exit $st, last count '$last': $(tail -2 "$TMP/save.out" | tr '\n' ' ')"
        return 1
    fi
}

# continues NAME OUT FROM: OUT (a restore's output) counts on from FROM + 1 to 40 with no
# gap, then SUCCESS.
continues() {
    local want got
    want=$(seq $(($3 + 1)) 40 | sed 's/^/COUNT /')
    got=$(grep '^COUNT ' "$2")
    if [ "$got" = "$want" ] && grep -q '^SUCCESS$' "$2"; then
        pass "$1"
    else
        fail "$1" "expected COUNT $(($3 + 1))..40 then SUCCESS; got: $(head -c 300 "$2" | tr '\n' ' ')"
    fi
}

echo "-- save and restore"
S=$TMP/count.snap
save save-on-sigusr2 "$S" --mem=32 "$G/count.hvt" 40 50 || exit 0
from=$last
expect restore-exits-0 0 'SUCCESS' -- "$SKIFF" --restore="$S"
continues restore-continues-count "$TMP/out" "$from"
# The file is only read: a second restore of it continues from the same count.
expect restore-again 0 'SUCCESS' -- "$SKIFF" --restore="$S"
continues restore-again-continues "$TMP/out" "$from"

echo "-- ten restores side by side"
pids=()
for i in $(seq 10); do
    "$SKIFF" --restore="$S" >"$TMP/clone$i.out" 2>&1 &
    pids+=($!)
done
ok=0
for i in $(seq 10); do
    wait "${pids[$((i - 1))]}" && grep -q '^SUCCESS$' "$TMP/clone$i.out" &&
        [ "$(grep -m1 '^COUNT ' "$TMP/clone$i.out")" = "COUNT $((from + 1))" ] && ok=$((ok + 1))
done
[ $ok = 10 ] && pass ten-clones-continue || fail ten-clones-continue "$ok of 10 continued from $((from + 1))"

echo "-- a snapshot of a restored guest"
save save-restored "$TMP/second.snap" --restore="$S" && {
    second=$last
    expect restore-second 0 'SUCCESS' -- "$SKIFF" --restore="$TMP/second.snap"
    continues restore-second-continues "$TMP/out" "$second"
}

echo "-- bad command lines and hostile files"
expect restore-with-kernel 64 "hello.hvt: no KERNEL or guest arguments with --restore" -- \
    "$SKIFF" --restore="$S" "$G/hello.hvt"
# Devices are attached against the saved manifest: count declares none.
expect restore-undeclared-device 64 "resource not declared in manifest: 'storage'" -- \
    "$SKIFF" --restore="$S" --block:storage=/etc/hostname
expect snapshot-unwritable 66 "$TMP/nodir/x.snap: cannot open for the snapshot" -- \
    "$SKIFF" --mem=32 --snapshot="$TMP/nodir/x.snap" "$G/count.hvt" 1 1
expect restore-missing 66 "nope.snap: cannot open the snapshot" -- "$SKIFF" --restore="$TMP/nope.snap"
expect restore-directory 66 "cannot open the snapshot: not a regular file" -- "$SKIFF" --restore="$TMP"
expect restore-not-snapshot 65 "/etc/passwd: not a skiff snapshot \(magic\)" -- "$SKIFF" --restore=/etc/passwd &&
    one_line restore-not-snapshot
size=$(stat -c %s "$S")
# hostile NAME PATTERN: the file $TMP/bad restores with exit 65, one line matching PATTERN.
hostile() {
    expect "$1" 65 "^skiff: $TMP/bad: $2" -- "$SKIFF" --restore="$TMP/bad" && one_line "$1"
}
# poke OFFSET HEXBYTE: a copy of the snapshot with one byte replaced.
poke() {
    cp "$S" "$TMP/bad"
    printf "\\x$2" | dd of="$TMP/bad" bs=1 seek="$1" conv=notrunc status=none
}
head -c 50 "$S" >"$TMP/bad"
hostile truncated-header 'truncated: header of 50 bytes needs 96'
head -c 5000 "$S" >"$TMP/bad"
hostile truncated-metadata 'truncated: metadata ends at byte'
# Memory the ranges say is there but the file is shorter: refused before any mapping (which
# would fault in the tender).
head -c $((size - 4096)) "$S" >"$TMP/bad"
hostile memory-beyond-file 'truncated: range [0-9]+: file bytes from'
poke 8 02
hostile wrong-version 'version 2 not supported \(this skiff reads 1\)'
poke 12 b7
hostile wrong-arch 'arch: saved on ELF machine 183, this skiff runs 62'
poke 48 ff
hostile header-flipped 'header_crc mismatch'
poke 5000 5a
hostile metadata-flipped 'meta_crc mismatch'
poke $((size - 100)) 5a
hostile memory-flipped 'mem_crc mismatch'
