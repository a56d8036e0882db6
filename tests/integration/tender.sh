# tender.sh: the skiff command line, exit codes, and guests that break the rules.
. "$(dirname "$0")/../lib.sh"
G=$BUILD/tests/guest
X=$G/x86_64

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
expect mem-adjust 0 'adjusting memory to 33554432 bytes' 'SUCCESS' -- "$SKIFF" --mem=33 "$G/hello.hvt"
expect mem-4g 0 'SUCCESS' -- "$SKIFF" --mem=4096 "$G/hello.hvt"
expect mem-quiet 0 '!adjusting' 'SUCCESS' -- "$SKIFF" --quiet --mem=33 "$G/hello.hvt"
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
expect guest-args 0 'a -b --help c' -- "$SKIFF" --mem=32 "$G/hello.hvt" a -b --help c
expect dashdash 0 'SUCCESS' -- "$SKIFF" --mem=32 -- "$G/hello.hvt"
long=$(head -c 8191 /dev/zero | tr '\0' x)
expect cmdline-8191 0 'SUCCESS' -- "$SKIFF" --mem=32 "$G/hello.hvt" "$long"
expect cmdline-8192 64 'guest command line too long \(max=8191 characters\)' -- "$SKIFF" --mem=32 "$G/hello.hvt" "${long}x"
expect block-undeclared 64 "resource not declared in manifest: 'nosuch'" -- "$SKIFF" --block:nosuch=/etc/hostname "$G/hello.hvt"
expect net-undeclared 64 "resource not declared in manifest: 'service0'" -- "$SKIFF" --net:service0=tap0 "$G/hello.hvt"

echo "-- guests that break the rules"
expect hlt 83 'skiff: KVM: unhandled exit: exit_reason=0x5' -- "$SKIFF" --mem=32 "$X/hlt.hvt"
expect triple-fault 82 'skiff: KVM: guest triple fault' -- "$SKIFF" --mem=32 "$X/triplefault.hvt"
if [ "$GUEST_MODE" = user ]; then
    # At CPL3 the TSS I/O bitmap closes every port but the hypercalls and the ring kick.
    expect port-out 255 'type=#GP' '!invalid guest port' -- "$SKIFF" --mem=32 "$X/badport.hvt" out
else
    expect port-out 80 'invalid guest port access: port=0x515' -- "$SKIFF" --mem=32 "$X/badport.hvt" out
fi
expect port-byte 80 'invalid guest port access: port=0x502, size=1' -- "$SKIFF" --mem=32 "$X/badport.hvt" byte
expect port-in 80 'invalid guest port access: port=0x500, size=4, in' -- "$SKIFF" --mem=32 "$X/badport.hvt" in
expect port-kick 80 'invalid guest port access: port=0x600' -- "$SKIFF" --mem=32 "$X/badport.hvt" kick
expect hypercall-zero 80 'invalid guest hypercall: num=0' -- "$SKIFF" --mem=32 "$X/badport.hvt" zero
expect wild-data 80 'invalid guest access: gpa=0xfffffff0, sz=100' -- "$SKIFF" --mem=32 "$X/wildptr.hvt" data
expect wild-wrap 80 'invalid guest access: gpa=0x100000, sz=' -- "$SKIFF" --mem=32 "$X/wildptr.hvt" wrap
expect wild-arg 80 'invalid guest access: gpa=0xfffffff8, sz=16' -- "$SKIFF" --mem=32 "$X/wildptr.hvt" arg
expect wild-cookie 80 'invalid guest access: .*sz=512' -- "$SKIFF" --mem=32 "$X/wildptr.hvt" cookie
expect edge-of-memory 0 'EDGE_OK' -- "$SKIFF" --mem=32 "$X/wildptr.hvt" edge
expect write-text 81 'host/guest translation fault' '!NOT_REACHED' -- "$SKIFF" --mem=32 "$X/writetext.hvt" text
expect write-rodata 81 'host/guest translation fault' '!NOT_REACHED' -- "$SKIFF" --mem=32 "$X/writetext.hvt" rodata

echo "-- memory registered on first touch (tender/memslots.c)"
# A large guest starts with the image's and the top chunk registered (2 x 32 MiB); every other
# chunk the first time the guest touches it, by any kind of access; a small guest, all at once.
reg='"mem_registered_mib": '
expect lazy-hello-4G 0 '^SUCCESS$' "${reg}64," -- "$SKIFF" --json --mem=4096 "$G/hello.hvt" --solo5:quiet
expect eager-hello-32M 0 '^SUCCESS$' "${reg}32," -- "$SKIFF" --json --mem=32 "$G/hello.hvt" --solo5:quiet
expect lazy-write-text-4G 81 'host/guest translation fault' '!NOT_REACHED' -- "$SKIFF" --mem=4096 "$X/writetext.hvt" text
if [ "$GUEST_MODE" = user ]; then
    # memtouch's own asm uses SSE, which this host cannot emulate at CPL0.
    expect lazy-memtouch-4G 0 '^memtouch: 126 chunks ok$' '^SUCCESS$' "${reg}4096," -- "$SKIFF" --json --mem=4096 "$X/memtouch.hvt"
    expect lazy-memtouch-512M 0 '^memtouch: 14 chunks ok$' '^SUCCESS$' "${reg}512," -- "$SKIFF" --json --mem=512 "$X/memtouch.hvt"
fi

echo "-- guests that point the tender at their own read-only memory"
# Text and rodata are mapped read-only on the host too: a hypercall that would write there
# ends the run with 81 and the hypercall's name before the tender does anything for it (a
# write into them would otherwise kill the tender with SIGSEGV, and a disk read into them was
# reported as a host I/O error).
ro_case() { # NAME HYPERCALL MODE
    expect "$1" 81 "^skiff: hypercall $2: guest memory at gpa=0x[0-9a-f]+, sz=[0-9]+ is read-only \(image text or rodata\)$" \
        '!NOT_REACHED' -- "$SKIFF" --mem=32 --block:disk="$TMP/ro.img" "$G/rotarget.hvt" "$3"
}
head -c 65536 /dev/zero >"$TMP/ro.img"
ro_case ro-walltime-rodata WALLTIME walltime-rodata
ro_case ro-walltime-text WALLTIME walltime-text
ro_case ro-poll-rodata POLL poll-rodata
ro_case ro-blockread-text BLOCK_READ blockread-text
ro_case ro-blockwrite-arg BLOCK_WRITE blockwrite-arg &&
    if cmp -s "$TMP/ro.img" <(head -c 65536 /dev/zero); then pass ro-blockwrite-disk-untouched; else fail ro-blockwrite-disk-untouched "the refused request wrote the disk"; fi
expect ro-puts-rodata 0 'RODATA_PUTS_OK' -- "$SKIFF" --mem=32 --block:disk="$TMP/ro.img" "$G/rotarget.hvt" puts-rodata
expect json-readonly 81 '"status": 81, "class": "fault", "message": "hypercall WALLTIME: guest memory at gpa=0x[0-9a-f]+, sz=8 is read-only' -- "$SKIFF" --json --mem=32 --block:disk="$TMP/ro.img" "$G/rotarget.hvt" walltime-rodata

echo "-- signals"
# signal_case NAME SIGNAL STATUS [PATTERN]: a sleeping guest's tender gets SIGNAL and must exit
# with STATUS, its output matching PATTERN.
signal_case() {
    "$SKIFF" --mem=32 "$G/yield.hvt" >"$TMP/sig.out" 2>&1 &
    local pid=$! st
    sleep 0.3
    kill -"$2" $pid
    wait $pid
    st=$?
    if [ $st = "$3" ] && grep -q "${4:-}" "$TMP/sig.out"; then pass "$1"; else fail "$1" "status $st"; fi
}
# A guest whose one PUTS fills a pipe nobody reads (fd 7: a FIFO this shell holds open for
# reading and never reads): the write blocks, and SIGTERM must still end the run within 5 s,
# not wait for a reader (docker stop would wait out its grace period).
sigterm_blocked_console() {
    local pid st i
    mkfifo "$TMP/stall" && exec 7<>"$TMP/stall"
    "$SKIFF" --mem=64 "$G/bigputs.hvt" 32 >&7 2>"$TMP/sig.out" &
    pid=$!
    sleep 1
    kill -TERM $pid
    for i in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
    if kill -0 $pid 2>/dev/null; then
        kill -KILL $pid
        fail sigterm-blocked-console "still running 5 s after SIGTERM"
    else
        wait $pid
        st=$?
        if [ $st = 143 ] && grep -q 'skiff: exiting on signal 15' "$TMP/sig.out"; then
            pass sigterm-blocked-console
        else
            fail sigterm-blocked-console "status $st: $(head -c 200 "$TMP/sig.out")"
        fi
    fi
    exec 7>&-
}
if need_kvm signals; then
    signal_case sigterm TERM 143 'skiff: exiting on signal 15'
    signal_case sigint INT 130
    sigterm_blocked_console
fi

echo "-- --json"
expect json-guest 0 '^\{"skiff": "[0-9.]+", "status": 0, "class": "guest", "guest_status": 0, "exits": [0-9]+, "mem_registered_mib": [0-9]+, "setup_us": [0-9]+, "run_us": [0-9]+, "total_us": [0-9]+\}$' -- "$SKIFF" --json --mem=32 "$G/hello.hvt" --solo5:quiet
expect json-exit-300 44 '"status": 44, "class": "guest", "guest_status": 300' -- "$SKIFF" --json --mem=32 "$G/exit.hvt" 300
expect json-image 65 '"status": 65, "class": "image", "message": "/etc/passwd: not an ELF file' -- "$SKIFF" --json /etc/passwd
expect json-hypercall 80 '"class": "hypercall", "message": "hypercall PUTS: invalid guest access: gpa=0xfffffff0, sz=100"' -- "$SKIFF" --json --mem=32 "$X/wildptr.hvt" data
# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
