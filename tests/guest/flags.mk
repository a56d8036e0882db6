# tests/guest/flags.mk: what sets a test unikernel's build apart from the others' (read by the
# Makefile; NAME is its path under tests/guest without .c, e.g. x86_64/hlt).
#   CPL0_TESTS         x86_64: always built with skiff-cc --mode=kernel, whatever GUEST_MODE
#   SSE_TESTS          kernel mode keeps SSE for these (others: general registers only)
#   GUEST_CFLAGS_NAME  extra compiler flags for NAME, in every mode

# hlt and triplefault test how the tender meets HLT and a triple fault, which only CPL0 code
# can cause.
CPL0_TESTS := x86_64/hlt x86_64/triplefault

# At CPL0, nested KVM cannot emulate SSE (docs/user-mode.md), which GCC uses freely for struct
# copies and vectorised loops; so kernel-mode images keep to general registers and the
# kernel-mode suite tests the bindings rather than the host. fpu and memtouch (whose own asm
# uses SSE) are the exceptions; their cases run in user mode only, or are skipped where the
# host cannot emulate (+sse in tests/cases). So is libc: musl passes doubles in SSE registers,
# so it cannot be built without them (docs/libc.md).
SSE_TESTS := fpu libc sockecho x86_64/memtouch

# cpuwork is also built for the host (tools/bench-cpu); general registers only, so that the
# same code runs at CPL0 on nested KVM, which cannot emulate SSE.
GUEST_CFLAGS_cpuwork := -mgeneral-regs-only

# libc links the C library (docs/libc.md).
GUEST_CFLAGS_libc := --libc

# sockecho is an ordinary sockets program on the C library and the network stack
# (docs/sockets.md); the Makefile builds the others with --no-libc.
GUEST_CFLAGS_sockecho := --libc
