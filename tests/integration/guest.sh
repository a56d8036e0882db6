#!/usr/bin/env bash
# tests/integration/guest.sh: boots the bindings' test unikernels and checks status and output:
# the cases of tests/cases/guest.txt (and ARCH/guest.txt), then what a case line cannot say.
. "$(dirname "$0")/../lib.sh"

G=$BUILD/tests/guest

run_cases guest

# An empty argument keeps its place in the command line (a case line has no empty words).
expect cmdline-empty-arg 0 '^cmdline: "Hello_Solo5 a  b"$' -- "$SKIFF" --mem=32 "$G/hello.hvt" Hello_Solo5 a '' b

# The manifest tool: 64 devices is one too many, with a message naming the field.
MFT=$BUILD/tools/skiff-mft
expect mft-toomany 1 'devices: too many entries, maximum 63' \
    -- "$MFT" gen tests/guest/toomany.json "$TMP/toomany.c"
expect mft-maxdevices 0 -- "$MFT" gen tests/guest/maxdevices.json "$TMP/max.c"
printf '{"type":"solo5.manifest","version":1,"devices":[{"name":"a-b","type":"NET_BASIC"}]}' \
    >"$TMP/badname.json"
expect mft-badname 1 "devices\\[0\\]\\.name: 'a-b' is not alphanumeric" \
    -- "$MFT" gen "$TMP/badname.json" "$TMP/x.c"
printf '{"type":"solo5.manifest","version":1,"devices":[],"extra":1}' >"$TMP/extra.json"
expect mft-unknown-key 1 "unknown key 'extra'" -- "$MFT" gen "$TMP/extra.json" "$TMP/x.c"
printf '{"type":"solo5.manifest","version":1,"devices":[{"name":"a","type":"BLOCK_BASIC"},
{"name":"a","type":"NET_BASIC"}]}' >"$TMP/dup.json"
expect mft-duplicate 1 "devices\\[1\\]\\.name: duplicate name 'a'" \
    -- "$MFT" gen "$TMP/dup.json" "$TMP/x.c"
expect mft-dump 0 '"target": 1' '"name": "blk63"' -- "$MFT" dump "$G/maxdevices.hvt"
# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
