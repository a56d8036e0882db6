# tender.sh: the skiff command line, exit codes, and guests that break the rules.
. "$(dirname "$0")/../lib.sh"
G=$BUILD/tests/guest

echo "-- command line"
expect help 0 '^usage: skiff' '--block:NAME=PATH' 'Exit status' 'status, class, guest' -- "$SKIFF" --help
expect version 0 '^skiff [0-9.]+ \(Solo5 hvt ABI version 2\)' -- "$SKIFF" --version
expect version-wins 0 'ABI version 2' -- "$SKIFF" -x --version
expect no-kernel 64 '^skiff: missing KERNEL operand \(see skiff --help\)$' -- "$SKIFF" --mem=64
expect no-kernel-dash 64 'missing KERNEL operand' -- "$SKIFF" --mem=64 --
expect bad-option 64 "^skiff: unknown option '-x' \(see skiff --help\)$" -- "$SKIFF" -x "$G/hello.hvt" &&
    one_line bad-option
expect exec-heap 64 "unknown option '--x-exec-heap'" -- "$SKIFF" --x-exec-heap "$G/hello.hvt"
expect devopt-no-value 64 '^skiff: --block:storage: expected --block:NAME=VALUE' -- "$SKIFF" --block:storage "$G/hello.hvt"
expect mem-zero 64 'malformed argument to --mem' -- "$SKIFF" --mem=0 "$G/hello.hvt"
expect mem-junk 64 'malformed argument to --mem' -- "$SKIFF" --mem=12abc "$G/hello.hvt"
expect mem-too-big 64 'exceeds the max size 4294967296' -- "$SKIFF" --mem=4098 "$G/hello.hvt"
expect no-such-kernel 66 "skiff: $TMP/nope.hvt: cannot open: No such file" -- "$SKIFF" "$TMP/nope.hvt"
# KERNEL must be a regular file; a FIFO without a writer must not block open() (timeout 5:
# a hang fails fast).
expect kernel-directory 66 "^skiff: $TMP: is a directory, not an image file$" -- "$SKIFF" "$TMP" &&
    one_line kernel-directory
mkfifo "$TMP/fifo.hvt"
expect kernel-fifo 66 "^skiff: $TMP/fifo.hvt: is a FIFO, not an image file$" -- timeout 5 "$SKIFF" "$TMP/fifo.hvt" &&
    one_line kernel-fifo
expect kernel-device 66 '^skiff: /dev/null: is a character device, not an image file$' -- "$SKIFF" /dev/null
expect not-elf 65 '/etc/passwd: ' -- "$SKIFF" /etc/passwd
expect json-image 65 '"status": 65, "class": "image", "message": "/etc/passwd: not an ELF file' -- "$SKIFF" --json /etc/passwd
long=$(head -c 8191 /dev/zero | tr '\0' x)
expect cmdline-8191 0 'SUCCESS' -- "$SKIFF" --mem=32 "$G/hello.hvt" "$long"
expect cmdline-8192 64 'guest command line too long \(max=8191 characters\)' -- "$SKIFF" --mem=32 "$G/hello.hvt" "${long}x"
expect block-undeclared 64 "resource not declared in manifest: 'nosuch'" -- "$SKIFF" --block:nosuch=/etc/hostname "$G/hello.hvt"
expect net-undeclared 64 "resource not declared in manifest: 'service0'" -- "$SKIFF" --net:service0=tap0 "$G/hello.hvt"

echo "-- the cases of tests/cases/tender.txt (and ARCH/tender.txt)"
# A refused BLOCK_WRITE must not have written the disk.
after_ro_blockwrite_arg() {
    if cmp -s "$TMP/ro.img" <(head -c 65536 /dev/zero); then
        pass ro-blockwrite-disk-untouched
    else
        fail ro-blockwrite-disk-untouched "the refused request wrote the disk"
    fi
}
run_cases tender

echo "-- signals"
# signal_case NAME SIGNAL STATUS [PATTERN]: a sleeping guest's tender gets SIGNAL and must exit
# with STATUS, its output matching PATTERN.
signal_case() {
    "$SKIFF" --mem=32 "$G/yield.hvt" >"$TMP/sig.out" 2>&1 &
    local pid=$! st n mask
    n=$(kill -l "$2")
    # Once the tender catches the signal (SigCgt; a slow start, under ASan say, has not yet,
    # and a background job of this shell starts with SIGINT ignored), or after 5 s.
    for _ in $(seq 50); do
        mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' /proc/$pid/status 2>/dev/null)
        [ -n "$mask" ] && (((0x$mask >> (n - 1)) & 1)) && break
        sleep 0.1
    done
    kill -"$2" $pid
    wait $pid
    st=$?
    if [ $st = "$3" ] && grep -q "${4:-}" "$TMP/sig.out"; then pass "$1"; else fail "$1" "status $st"; fi
}
if need_kvm signals; then
    signal_case sigterm TERM 143 'skiff: exiting on signal 15'
    signal_case sigint INT 130
fi

# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
