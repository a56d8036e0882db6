# skiff: one Makefile for the tender, the guest bindings, the tools and the tests.
#   make                 build the tender, bindings, tools and test unikernels for ARCH
#   make demo            boot the web server unikernel and reach it with curl
#   make check           every test, one summary line: unit (plain and ASan), integration on
#                        /dev/kvm (x86_64 guests in user mode, then in kernel mode, see
#                        docs/user-mode.md), fuzzing (bounded), both test VMs
#   make check-x86_64-vm the x86_64 guests on nested KVM in a QEMU VM (tests/vm/run)
#   make GUEST_MODE=kernel  x86_64 test unikernels all at CPL0, in build/x86_64-kernel
#   make static          the static skiff alone (build/ARCH/skiff), for container images
#   make check-aarch64   cross-build for aarch64 and run its tests on arm64 KVM inside QEMU
#   make check-aarch64-net  the aarch64 servers in that VM against real clients on this host
#   make V=1             show full commands
# Cross builds: make ARCH=aarch64 CROSS_COMPILE=aarch64-linux-gnu-

ARCH ?= $(shell uname -m)
CROSS_COMPILE ?=
-include config.mak
.SECONDEXPANSION:

# CC builds what runs on ARCH (the tender, the bindings); HOSTCC what runs on the build
# machine (tools, unit tests).
HOSTCC ?= cc
CC := $(CROSS_COMPILE)gcc
# x86_64 guests run at CPL3 after a short CPL0 prologue (user, the default) or all at CPL0
# (kernel); see docs/user-mode.md.
GUEST_MODE ?= user
# The tender is static unless sanitized (see TENDER_LDFLAGS); STATIC=0 links it dynamically.
STATIC ?= $(if $(SANITIZE),0,1)
# One directory per variant, named for what differs from the default (static, user mode):
# build/ARCH, build/ARCH-kernel, build/ARCH-dynamic, build/ARCH-asan (make asan: a sanitizer
# build never shares a directory with the sandboxed tender).
BUILD := build/$(ARCH)$(if $(filter kernel,$(GUEST_MODE)),-kernel)$(if $(filter 0,$(STATIC)),-dynamic)
ifneq ($(SANITIZE),)
BUILD := build/$(ARCH)-asan
endif

ifeq ($(V),1)
Q :=
say := @true
SUBMAKE := $(MAKE) --no-print-directory
else
Q := @
say := @printf '  %-8s %s\n'
endif
# Recursive builds print their own CC lines but no "Nothing to be done" or directory noise.
SUBMAKE = $(MAKE) --no-print-directory $(if $(Q),-s)

WARN := -std=c11 -Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual -Wwrite-strings \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wimplicit-fallthrough
ifneq ($(WERROR),0)
WARN += -Werror
endif

# ---- tender (host) ----
TENDER_CFLAGS := $(WARN) -O2 -g -D_GNU_SOURCE -D_FORTIFY_SOURCE=3 -fstack-protector-strong \
	-fstack-clash-protection -Iinclude -Itender -MMD -MP
ifeq ($(ARCH),x86_64)
TENDER_CFLAGS += -fcf-protection=full
endif
TENDER_LDFLAGS := -Wl,-z,relro,-z,now -Wl,-z,noexecstack
# zlib: libelf's own dependency, and the CRC-32 of snapshot files (tender/snapshot*.c).
TENDER_LIBS := -lelf -lz
# ASan's runtime needs calls the seccomp allow-list forbids, so a sanitized tender is built
# without it (SKIFF_NO_SANDBOX, sandbox.c); there is no runtime switch.
ifneq ($(SANITIZE),)
TENDER_CFLAGS += $(SANITIZE) -DSKIFF_NO_SANDBOX
TENDER_LDFLAGS += $(SANITIZE)
endif
# Static (position-independent, so ASLR still applies) unless sanitized: the dynamic loader
# resolving libelf, libz, libzstd (and libseccomp, then) cost ~0.9 ms of every start here, more
# than a third of what the bare KVM floor costs in all (tools/README.md).
ifeq ($(STATIC),1)
TENDER_LDFLAGS += -static-pie
TENDER_LIBS += -lz -lzstd
endif

# Generic files plus this architecture's; other architectures' files are left out by name.
TENDER_SRCS := $(filter-out %_x86_64.c %_aarch64.c,$(wildcard tender/*.c)) \
	$(wildcard tender/*_$(ARCH).c)
TENDER_OBJS := $(TENDER_SRCS:%.c=$(BUILD)/%.o)

# ---- bindings (guest) ----
GUEST_CFLAGS := $(WARN) -O2 -g -ffreestanding -fno-pie -fstack-protector-strong \
	-fno-asynchronous-unwind-tables -Iinclude -Ibindings -MMD -MP
ifeq ($(ARCH),x86_64)
# GCC's x86_64 default reads the canary from %fs:40, which faults before TLS is set up.
GUEST_ARCH_CFLAGS := -mno-red-zone -mcmodel=small -mstack-protector-guard=global
GUEST_CFLAGS += $(GUEST_ARCH_CFLAGS)
BINDINGS_CFLAGS := -mgeneral-regs-only
endif
ifeq ($(ARCH),aarch64)
BINDINGS_CFLAGS := -mgeneral-regs-only
endif
# Generic bindings files reach the arch hooks through this header, never through arch macros.
BINDINGS_CFLAGS += -DSKIFF_ARCH_H='"arch_$(ARCH).h"'
BINDINGS_SRCS := $(filter-out %_x86_64.c %_aarch64.c %_x86_64.S %_aarch64.S, \
	$(wildcard bindings/*.c bindings/*.S)) $(wildcard bindings/*_$(ARCH).c bindings/*_$(ARCH).S)
BINDINGS_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(BINDINGS_SRCS)))
BINDINGS_LIB := $(BUILD)/bindings/libskiff.a
LDSCRIPT := bindings/skiff_$(ARCH).lds

# ---- lwIP (guest): Debian's lwIP sources, fetched into build/src (never committed), and the
# port in lwip/ (options, arch hooks, the netif on a solo5 net device) -> $(BUILD)/lwip/liblwip.a.
# Compiled like the bindings (general registers only, so it serves user- and kernel-mode
# images alike); lwIP's own sources without -Werror, since its warnings are not ours to fix.
LWIP_VERSION := 2.1.3+dfsg1-2
LWIP_SHA256 := 0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
LWIP_SRC := build/src/lwip
LWIP_STAMP := $(LWIP_SRC)/.skiff-fetched
LWIP_CORE := init def inet_chksum ip mem memp netif pbuf raw stats sys tcp tcp_in tcp_out \
	timeouts udp ipv4/etharp ipv4/icmp ipv4/ip4 ipv4/ip4_addr ipv4/ip4_frag
LWIP_C := $(LWIP_CORE:%=$(LWIP_SRC)/src/core/%.c) $(LWIP_SRC)/src/netif/ethernet.c
LWIP_OBJS := $(LWIP_CORE:%=$(BUILD)/lwip/core/%.o) $(BUILD)/lwip/netif/ethernet.o
# (lwip/sock*.c are the socket module: SOCK_LIB below.)
LWIP_PORT_OBJS := $(patsubst lwip/%.c,$(BUILD)/lwip/port/%.o,\
	$(filter-out lwip/sock%,$(wildcard lwip/*.c)))
LWIP_LIB := $(BUILD)/lwip/liblwip.a
# Where a lwIP unikernel finds the headers: the port's first (its string.h is the bindings').
LWIP_INCLUDES := -Ilwip/libc -Ilwip -I$(LWIP_SRC)/src/include
LWIP_CFLAGS := $(filter-out -Werror,$(GUEST_CFLAGS)) -mgeneral-regs-only $(LWIP_INCLUDES)
# lwIP's iperf 2 server (src/apps/lwiperf), for examples/iperf: archived with the rest, so
# only images that call it link it.
LWIP_APP_OBJS := $(BUILD)/lwip/apps/lwiperf/lwiperf.o

# ---- C library (docs/libc.md): musl from Debian's source package, fetched and hash-checked by
# tools/fetch-src (never committed), built as a static libc.a for the guest with its system
# calls sent to libc/ (libc/overlay/syscall_arch.h); skiff-cc --libc links both ----
MUSL_VERSION := 1.2.3-1
MUSL_SHA256 := 7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4
MUSL_SRC := build/src/musl
# One build per architecture: musl is built the same for user- and kernel-mode images.
LIBC_DIR := build/$(ARCH)/libc
LIBC_A := $(LIBC_DIR)/lib/libc.a
LIBC_GLUE := $(LIBC_DIR)/lib/libskiff-libc.a
LIBC_FILES := $(LIBC_A) $(LIBC_GLUE)
# musl chooses its own optimisation and warnings; these are the guest's code-model flags.
MUSL_CFLAGS := -ffreestanding -fno-pie -fstack-protector-strong -fno-asynchronous-unwind-tables \
	$(GUEST_ARCH_CFLAGS) -iquote $(CURDIR)/libc/overlay
# The glue is built against musl's headers; general registers only, like the bindings.
LIBC_GLUE_CFLAGS := $(WARN) -O2 -g -D_GNU_SOURCE -ffreestanding -fno-pie -fstack-protector-strong \
	-fno-asynchronous-unwind-tables $(GUEST_ARCH_CFLAGS) -mgeneral-regs-only \
	-nostdinc -isystem $(LIBC_DIR)/include -Iinclude -Ilibc -MMD -MP
LIBC_GLUE_OBJS := $(patsubst libc/%.c,$(LIBC_DIR)/glue/%.o,$(wildcard libc/*.c))

# ---- sockets (docs/sockets.md): lwip/sock*.c -> $(BUILD)/lwip/libskiff-sock.a, which skiff-cc
# links with liblwip.a and the C library for a manifest with a net device. sock_syscall.c
# takes musl's system calls, so it is built with musl's headers; the rest with lwIP's ----
SOCK_LIB := $(BUILD)/lwip/libskiff-sock.a
SOCK_OBJS := $(patsubst lwip/%.c,$(BUILD)/lwip/sock/%.o,$(wildcard lwip/sock*.c))

# ---- tools ----
SKIFF := $(BUILD)/skiff
MFTGEN := $(BUILD)/tools/skiff-mft
CPUWORK_NATIVE := $(BUILD)/tools/cpuwork-native

# ---- test unikernels: tests/guest/[ARCH/]NAME.c [+ NAME.json manifest] -> NAME.hvt ----
GUEST_TESTS := $(patsubst tests/guest/%.c,%,$(wildcard tests/guest/*.c tests/guest/$(ARCH)/*.c))
GUEST_IMAGES := $(GUEST_TESTS:%=$(BUILD)/tests/guest/%.hvt)
# What differs between the guests (CPL0_TESTS, SSE_TESTS, GUEST_CFLAGS_NAME) lives with them.
include tests/guest/flags.mk
guest_mode = $(if $(filter x86_64,$(ARCH)),--mode=$(if $(filter $(1),$(CPL0_TESTS)),kernel,$\
	$(GUEST_MODE)))
kernel_cflags = $(if $(filter --mode=kernel,$(call guest_mode,$(1))),$\
	$(if $(filter $(SSE_TESTS),$(1)),,-mgeneral-regs-only))
# Tests that send raw hypercalls (blk.c) use the bindings' arch hooks, found the same way.
GUEST_TEST_CFLAGS += -DSKIFF_ARCH_H='"arch_$(ARCH).h"'

# ---- examples: examples/NAME/*.c + manifest.json -> NAME.hvt, built as the README shows ----
EXAMPLES := $(patsubst examples/%/app.c,$(BUILD)/examples/%.hvt,$(wildcard examples/*/app.c))
# The web example's sample site (examples/web/site), packed by tools/skiff-pack: what make
# demo and the container images serve. (Defined before "all", whose prerequisites are expanded
# as make reads them.)
WEB_SITE := $(BUILD)/examples/web-site.img

all: $(SKIFF) $(BINDINGS_LIB) $(LWIP_LIB) $(LIBC_FILES) $(SOCK_LIB) $(MFTGEN) $(GUEST_IMAGES) \
	$(CPUWORK_NATIVE) $(EXAMPLES) $(WEB_SITE)

# Relinked when the Makefile changes, so that a change of STATIC or of the flags takes effect.
$(SKIFF): $(TENDER_OBJS) Makefile
	$(say) LD $@
	$(Q)$(CC) $(TENDER_LDFLAGS) -o $@ $(TENDER_OBJS) $(TENDER_LIBS)

$(BUILD)/tender/%.o: tender/%.c
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(CC) $(TENDER_CFLAGS) -c -o $@ $<

# ---- skiff-runtime (docs/runtime.md): the OCI runtime, static like the tender so it can be
# installed anywhere; built with the tender's hardening flags, json-c for config.json ----
RUNTIME := $(BUILD)/skiff-runtime
RUNTIME_OBJS := $(patsubst runtime/%.c,$(BUILD)/runtime/%.o,$(wildcard runtime/*.c))
# Native builds only by default: a cross build would need json-c for the target (make runtime
# still tries).
ifeq ($(CROSS_COMPILE),)
all: $(RUNTIME)
endif
runtime: $(RUNTIME) $(SKIFF)
$(RUNTIME): $(RUNTIME_OBJS) Makefile
	$(say) LD $@
	$(Q)$(CC) $(TENDER_LDFLAGS) -o $@ $(RUNTIME_OBJS) -ljson-c -lutil
$(BUILD)/runtime/%.o: runtime/%.c
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(CC) $(TENDER_CFLAGS) -Iruntime -c -o $@ $<
-include $(RUNTIME_OBJS:.o=.d)
.PHONY: runtime

$(BUILD)/bindings/%.o: bindings/%.c
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(CC) $(GUEST_CFLAGS) $(BINDINGS_CFLAGS) -c -o $@ $<

$(BUILD)/bindings/%.o: bindings/%.S
	@mkdir -p $(dir $@)
	$(say) AS $@
	$(Q)$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(BINDINGS_LIB): $(BINDINGS_OBJS)

# lwIP (see LWIP_SRC above).
$(LWIP_STAMP):
	$(say) FETCH $(LWIP_SRC)
	$(Q)tools/fetch-src lwip $(LWIP_VERSION) $(LWIP_SHA256) $(LWIP_SRC)

# lwIP's sources exist once fetched.
$(LWIP_C): | $(LWIP_STAMP) ;
$(BUILD)/lwip/core/%.o: $(LWIP_SRC)/src/core/%.c
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(CC) $(LWIP_CFLAGS) -c -o $@ $<

$(BUILD)/lwip/netif/%.o: $(LWIP_SRC)/src/netif/%.c
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(CC) $(LWIP_CFLAGS) -c -o $@ $<

$(BUILD)/lwip/port/%.o: lwip/%.c | $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(CC) $(GUEST_CFLAGS) -mgeneral-regs-only $(LWIP_INCLUDES) -c -o $@ $<

$(LWIP_LIB): $(LWIP_OBJS) $(LWIP_PORT_OBJS)

$(LWIP_SRC)/src/apps/lwiperf/lwiperf.c: | $(LWIP_STAMP) ;
$(BUILD)/lwip/apps/%.o: $(LWIP_SRC)/src/apps/%.c
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(CC) $(LWIP_CFLAGS) -c -o $@ $<

$(LWIP_LIB): $(LWIP_APP_OBJS)

$(BUILD)/lwip/sock/sock_syscall.o: lwip/sock_syscall.c $(LIBC_A)
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(CC) $(LIBC_GLUE_CFLAGS) -Ilwip -c -o $@ $<

$(BUILD)/lwip/sock/%.o: lwip/%.c | $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(CC) $(GUEST_CFLAGS) -mgeneral-regs-only $(LWIP_INCLUDES) -c -o $@ $<

$(SOCK_LIB): $(SOCK_OBJS)

# fetch-src does nothing when the sources are already there, at this version and hash.
$(MUSL_SRC)/.skiff-fetched: Makefile tools/fetch-src
	$(Q)tools/fetch-src musl $(MUSL_VERSION) $(MUSL_SHA256) $(MUSL_SRC)

# Out of musl's tree, in $(LIBC_DIR)/obj, on every CPU (1,341 files: minutes, once per
# architecture; make check does not wait for them twice). The two objects deleted from libc.a would enter
# Linux (__set_thread_area) or clash with the bindings' stack protector (__stack_chk_fail,
# __stack_chk_guard); libc/start.c replaces them.
$(LIBC_A): $(MUSL_SRC)/.skiff-fetched libc/overlay/syscall_arch.h
	$(say) MUSL $@
	$(Q)rm -rf $(LIBC_DIR)/obj $(LIBC_DIR)/include $@ && mkdir -p $(LIBC_DIR)/obj $(dir $@)
	$(Q)cd $(LIBC_DIR)/obj && $(CURDIR)/$(MUSL_SRC)/configure --prefix=$(CURDIR)/$(LIBC_DIR) \
		--disable-shared CC="$(CC)" CROSS_COMPILE="$(CROSS_COMPILE)" \
		CFLAGS="$(MUSL_CFLAGS)" >configure.log 2>&1 || { cat configure.log; exit 1; }
	$(Q)$(SUBMAKE) -j$$(nproc) -C $(LIBC_DIR)/obj lib/libc.a install-headers >$(LIBC_DIR)/obj/build.log 2>&1 \
		|| { tail -20 $(LIBC_DIR)/obj/build.log; exit 1; }
	$(Q)cp $(LIBC_DIR)/obj/lib/libc.a $@.tmp && \
		$(CROSS_COMPILE)ar d $@.tmp __set_thread_area.o __stack_chk_fail.o && mv $@.tmp $@

$(LIBC_DIR)/glue/%.o: libc/%.c $(LIBC_A)
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(CC) $(LIBC_GLUE_CFLAGS) -c -o $@ $<

$(LIBC_GLUE): $(LIBC_GLUE_OBJS)

# Every static library the guests link is an archive of its prerequisites.
$(BINDINGS_LIB) $(LWIP_LIB) $(LIBC_GLUE) $(SOCK_LIB):
	$(say) AR $@
	$(Q)rm -f $@ && $(CROSS_COMPILE)ar rcs $@ $^

$(MFTGEN): tools/skiff-mft.c
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(HOSTCC) $(WARN) -O2 -D_GNU_SOURCE -Iinclude -o $@ $< -ljson-c

# A unikernel is built the way users build theirs: with tools/skiff-cc.
SKIFF_CC := ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) SKIFF_BUILD=$(BUILD) tools/skiff-cc
$(BUILD)/tests/guest/%.hvt: tests/guest/%.c $$(wildcard tests/guest/%.json) $(BINDINGS_LIB) \
		$(MFTGEN) $(LDSCRIPT) tools/skiff-cc tests/guest/flags.mk
	@mkdir -p $(dir $@)
	$(say) UNIKERN $@
	$(Q)$(SKIFF_CC) --no-libc $(call guest_mode,$*) \
		-m $(or $(wildcard tests/guest/$*.json),tests/guest/none.json) -o $@ $< \
		$(GUEST_TEST_CFLAGS) $(GUEST_CFLAGS_$*) $(call kernel_cflags,$*)

$(BUILD)/tests/guest/libc.hvt: $(LIBC_FILES)
$(BUILD)/tests/guest/sockecho.hvt: $(LIBC_FILES) $(SOCK_LIB) $(LWIP_LIB)

# An example that includes skiff_lwip.h is a lwIP unikernel: built with lwIP's headers and
# linked with liblwip.a, as the README shows.
lwip_example = $(shell grep -l '"skiff_lwip.h"' examples/$(1)/app.c 2>/dev/null)
$(BUILD)/examples/%.hvt: examples/%/app.c $$(wildcard examples/%/*.c examples/%/*.h) \
		examples/%/manifest.json $(BINDINGS_LIB) $(MFTGEN) $(LDSCRIPT) tools/skiff-cc \
		$$(if $$(call lwip_example,$$*),$(LWIP_LIB) lwip/lwipopts.h)
	@mkdir -p $(dir $@)
	$(say) UNIKERN $@
	$(Q)$(SKIFF_CC) --no-libc $(call guest_mode,$*) -m examples/$*/manifest.json -o $@ \
		$(wildcard examples/$*/*.c) $(call kernel_cflags,$*) \
		$(if $(call lwip_example,$*),$(LWIP_INCLUDES) $(LWIP_LIB))

$(WEB_SITE): tools/skiff-pack $(wildcard examples/web/site/*)
	@mkdir -p $(dir $@)
	$(say) PACK $@
	$(Q)tools/skiff-pack examples/web/site $@ >/dev/null

# ---- unit tests (cmocka): tests/unit/test_X.c links only the modules it names ----
UNIT_CFLAGS := $(WARN) -Wno-write-strings -Wno-cast-qual -O1 -g -D_GNU_SOURCE -Iinclude -Itender -MMD -MP $(SANITIZE)
UNIT_DEPS_elf := tests/unit/elf_image.c tender/elf.c tender/error.c
UNIT_DEPS_elf_notes := $(UNIT_DEPS_elf)
UNIT_DEPS_mft := tender/mft.c tender/error.c
UNIT_DEPS_cli := tender/cli.c tender/error.c
UNIT_DEPS_error := tender/error.c
UNIT_DEPS_guest_mem := tender/guest_mem.c tender/error.c
UNIT_DEPS_pagetable := tender/pagetable_x86_64.c
# Pure arithmetic: checked on any build machine, whatever ARCH is.
UNIT_DEPS_pagetable_aarch64 := tender/pagetable_aarch64.c
UNIT_LIBS_elf := -lelf
UNIT_LIBS_elf_notes := -lelf
UNIT_DEPS_seccomp_prog := tender/seccomp_prog.c
UNIT_DEPS_sandbox := tender/sandbox.c tender/seccomp_prog.c tender/stop.c tender/error.c
# lwIP's command-line options, with lwIP's headers (and its byte-order helpers from def.c).
UNIT_DEPS_lwip_args := lwip/skiff_lwip_args.c $(LWIP_SRC)/src/core/def.c
UNIT_CFLAGS_lwip_args := -Ilwip -Ibindings -I$(LWIP_SRC)/src/include
UNIT_TESTS := $(basename $(notdir $(wildcard tests/unit/test_*.c)))
ifneq ($(ARCH),x86_64)
UNIT_TESTS := $(filter-out test_pagetable,$(UNIT_TESTS))
endif
UNIT_BINS := $(UNIT_TESTS:%=$(BUILD)/tests/unit/%)

$(BUILD)/tests/unit/test_%: tests/unit/test_%.c $$(UNIT_DEPS_$$*)
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) $(UNIT_CFLAGS_$*) -o $@ $(filter %.c,$^) -lcmocka $(UNIT_LIBS_$*)

# How long installing the seccomp filter takes (no KVM needed): the tender's own sandbox code.
$(BUILD)/tools/sandbox-time: tools/sandbox-time.c tender/sandbox.c tender/seccomp_prog.c \
		tender/stop.c tender/error.c tender/skiff.h tender/seccomp_prog.h
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(HOSTCC) $(WARN) -O2 -D_GNU_SOURCE -Iinclude -Itender -o $@ $(filter %.c,$^)

# The bare-KVM floor is linked like the tender (static-pie), so that the two compare fairly.
$(BUILD)/tools/kvm-floor: TOOL_LDFLAGS := -static-pie
$(BUILD)/tools/%: tools/%.c
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(HOSTCC) $(WARN) -O2 -D_GNU_SOURCE -Iinclude $(TOOL_LDFLAGS) -o $@ $<

# tests/guest/cpuwork.c as a host program: the native baseline of tools/bench-cpu. Same
# optimisation, stack protector and register restriction as the guest image.
$(CPUWORK_NATIVE): tools/cpuwork-host.c tests/guest/cpuwork.c
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(HOSTCC) $(WARN) -O2 -D_GNU_SOURCE -fstack-protector-strong -mgeneral-regs-only \
		-Iinclude -Ibindings -o $@ $^

# Builds deliberately broken variants of a good image for the integration tests.
MKBADELF := $(BUILD)/tests/mkbadelf
$(MKBADELF): tests/badelf/mkbadelf.c
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(HOSTCC) $(WARN) -O1 -g -D_GNU_SOURCE -Iinclude -o $@ $<

# ---- test VM (tests/vm/run): its /init, the test unikernels, the examples and, on aarch64, the
# hand-written guests of tests/aarch64 ----
VM_TEST_FILES := $(SKIFF) $(BUILD)/tests/vm/init $(GUEST_IMAGES) $(EXAMPLES) $(CPUWORK_NATIVE) \
	$(patsubst tests/$(ARCH)/%.S,$(BUILD)/tests/$(ARCH)/%.hvt,$(wildcard tests/$(ARCH)/*.S))

$(BUILD)/tests/vm/init: tests/vm/init.c tests/vm/init_serve.c tests/vm/setup.c tests/vm/setup.h
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(CC) $(WARN) -O2 -D_GNU_SOURCE -static -o $@ $(filter %.c,$^)

$(BUILD)/tests/aarch64/%.hvt: tests/aarch64/%.S tests/aarch64/%.lds
	@mkdir -p $(dir $@)
	$(say) AS $@
	$(Q)$(CC) -nostdlib -static -no-pie -Wl,-T,tests/aarch64/$*.lds -Wl,--build-id=none \
		-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -o $@ $<

vm-test-files: $(VM_TEST_FILES)

# ---- sanitizers: unit tests and the tender with ASan + UBSan, in build/ARCH-asan ----
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_BUILD := build/$(ARCH)-asan
asan:
	$(Q)$(SUBMAKE) SANITIZE="$(SANITIZE_FLAGS)" $(ASAN_BUILD)/skiff \
		$(UNIT_TESTS:%=$(ASAN_BUILD)/tests/unit/%)

check-unit-asan: asan
	$(Q)tests/run-all --unit-only $(ASAN_BUILD)

# ---- fuzzing (libFuzzer, clang): tests/fuzz/fuzz_X.c links only the modules it names ----
FUZZ_CC ?= clang
FUZZ_BUILD := build/$(ARCH)-fuzz
FUZZ_TIME ?= 600
# Like make asan, the fuzz targets link the sandbox's no-op build (they never enter it).
FUZZ_CFLAGS := $(WARN) -O1 -g -D_GNU_SOURCE -DSKIFF_NO_SANDBOX -Iinclude -Itender \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_DEPS_elf := tender/elf.c tender/mft.c tender/error.c
FUZZ_LIBS_elf := -lelf
FUZZ_DEPS_cli := tender/cli.c tender/error.c
FUZZ_DEPS_hypercall := tests/fuzz/harness.c tender/core.c tender/block.c tender/net.c \
	tender/tap_io.c tender/guest_mem.c tender/mft.c tender/stop.c tender/sandbox.c \
	tender/error.c
FUZZ_DEPS_ring := tests/fuzz/harness.c tender/net_ring_serve.c tender/core.c tender/block.c \
	tender/net.c tender/tap_io.c tender/guest_mem.c tender/mft.c tender/stop.c tender/sandbox.c \
	tender/error.c
# examples/web's request parser, with its own headers.
FUZZ_DEPS_http := examples/web/http.c
FUZZ_CFLAGS_http := -Iexamples/web
FUZZ_DEPS_snapshot := tender/snapshot_restore.c tender/snapshot.c tender/snapshot_$(ARCH).c \
	tender/guest_mem.c tender/mft.c tender/sandbox.c tender/error.c
FUZZ_LIBS_snapshot := -lz
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(wildcard tests/fuzz/fuzz_*.c))

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_DEPS_$$*) tender/skiff.h tests/fuzz/harness.h \
		$(wildcard include/*.h)
	@mkdir -p $(dir $@)
	$(say) FUZZCC $@
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CFLAGS_$*) -Itests/fuzz -o $@ $(filter %.c,$^) \
		$(FUZZ_LIBS_$*)

# lwIP's input path (ethernet_input and up), built for the host from the same sources and
# lwipopts.h as the guests', with host platform hooks (tests/fuzz/lwip-host); lwIP's own
# sources without -Werror, as in the guests' build.
FUZZ_NETIF_INCLUDES := -Itests/fuzz/lwip-host -Ilwip -I$(LWIP_SRC)/src/include
$(FUZZ_BUILD)/fuzz_netif: tests/fuzz/fuzz_netif.c tests/fuzz/lwip-host/arch/cc.h lwip/lwipopts.h \
		$(LWIP_C) | $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	$(say) FUZZCC $@
	$(Q)$(FUZZ_CC) $(filter-out -Werror -Itender,$(FUZZ_CFLAGS)) $(FUZZ_NETIF_INCLUDES) -o $@ \
		$(filter %.c,$^)

fuzz-build: $(FUZZ_BINS)

# Each target for FUZZ_TIME seconds (default 600); new inputs go to $(FUZZ_BUILD)/corpus.
fuzz: $(FUZZ_BINS)
	$(Q)tests/fuzz/run $(FUZZ_BUILD) $(FUZZ_TIME)

# ---- entry points ----
# The Debian packages each job needs are installed by tools/install-deps, on this host, from
# these entry points only: building (all) never runs apt-get.
deps:
	$(Q)tools/install-deps build

# Boots examples/web on its sample site in a network namespace of its own, shows curl reaching
# it, and stops it (examples/web/demo.sh), on this host's KVM or, on a host without a usable
# /dev/kvm, on the KVM of the shell VM (tests/vm/shell: QEMU, slower to start, but a real
# boot), and says so. Installs and builds only what that needs.
have_kvm = [ -r /dev/kvm ] && [ -w /dev/kvm ]
DEMO_SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
demo:
	$(Q)tools/install-deps build curl iproute2 $$($(have_kvm) || echo vm-x86_64)
	$(Q)$(SUBMAKE) $(SKIFF) $(BUILD)/examples/web.hvt $(WEB_SITE)
	$(Q)if $(have_kvm); then \
		echo "Booting the demo on this host's KVM."; \
		$(DEMO_SUDO) examples/web/demo.sh $(BUILD); \
	else \
		echo "This host has no usable /dev/kvm, so the demo boots on the KVM of a QEMU VM"; \
		echo "(tests/vm/shell; ~30 s, the first time longer: it fetches Debian's kernel)."; \
		tests/vm/shell -- examples/web/demo.sh $(BUILD); \
	fi

# Everything, with one summary line at the end: unit tests (also under ASan), the integration
# scripts on this host's /dev/kvm, the x86_64 guests again at CPL0, bounded fuzzing, and the
# test VMs: x86_64 guests on nested KVM (AMD SVM under QEMU) and the aarch64 suite on arm64
# KVM. An x86_64 host without /dev/kvm runs the integration scripts in the shell VM
# (tests/vm/shell) instead; elsewhere it skips (and counts) its guest cases.
ifeq ($(ARCH),x86_64)
check: export KERNEL_BUILD := build/x86_64-kernel
check: export VM_SUITES := x86_64:build/x86_64:build/x86_64-kernel:build/x86_64-asan/skiff \
	aarch64:build/aarch64
check: check-deps all vm-test-files $(UNIT_BINS) $(MKBADELF) asan fuzz-build
	$(Q)$(SUBMAKE) GUEST_MODE=kernel all
	$(Q)$(SUBMAKE) aarch64-vm-files
	$(Q)tests/run-all $(BUILD)
else
check: check-deps all $(UNIT_BINS) $(MKBADELF)
	$(Q)tests/run-all $(BUILD)
endif

# Everything make check needs, the Docker engine included, installed on this host before any
# test runs (the shell VM and the test VMs cannot install anything).
check-deps:
	$(Q)tools/install-deps build test vm docker

# The integration tests that boot test unikernels, again with all of them at CPL0 (unit,
# ELF-loader and container tests do not depend on the mode).
check-kernel:
	$(Q)$(SUBMAKE) GUEST_MODE=kernel all
	$(Q)tests/run-all --no-unit build/$(ARCH)-kernel guest tender block net web

# A statically linked tender for FROM scratch container images (tools/skiff-image).
static: $(SKIFF)
ifneq ($(STATIC),1)
	$(error make static: STATIC=$(STATIC) asks for a dynamic tender)
endif

check-unit: $(UNIT_BINS)
	$(Q)tests/run-all --unit-only $(BUILD)

# The test VMs alone (tests/vm/run): the aarch64 suite cross-built and run on arm64 KVM, the
# x86_64 guests (user mode, kernel mode, and with the ASan tender) on nested KVM; a minute or
# so each once the kernels are cached.
AARCH64_MAKE := $(SUBMAKE) ARCH=aarch64 CROSS_COMPILE=aarch64-linux-gnu-
vm-deps:
	$(Q)tools/install-deps build vm

aarch64-vm-files:
	$(Q)$(AARCH64_MAKE) vm-test-files

check-aarch64: vm-deps aarch64-vm-files
	$(Q)tests/vm/run aarch64 build/aarch64

# The aarch64 examples/web serving in the aarch64 test VM (tests/vm/serve), curl, ab and ping on
# this host against it (tests/integration/aarch64net.sh; make check runs it as one of the
# integration scripts); likewise examples/iperf and tests/guest/sockecho.c against iperf, nc,
# socat and Python (tests/integration/aarch64serve.sh).
check-aarch64-net: vm-deps aarch64-vm-files
	$(Q)tools/install-deps test
	$(Q)tests/run-all --no-unit $(BUILD) aarch64net aarch64serve

check-x86_64-vm: vm-deps
	$(Q)$(SUBMAKE) ARCH=x86_64 vm-test-files
	$(Q)$(SUBMAKE) ARCH=x86_64 GUEST_MODE=kernel all
	$(Q)$(SUBMAKE) ARCH=x86_64 asan
	$(Q)ASAN_SKIFF=build/x86_64-asan/skiff tests/vm/run x86_64 build/x86_64 build/x86_64-kernel

# Every figure of tools/bench, then tools/bench-web's; kernel-mode images are built too, to
# compare the two modes. Installs what it needs first (bench-deps): jq (results.json), gnuplot
# (ratios.png), wrk and nginx (bench-web), and QEMU for the shell VM that measures instead on a
# host without a usable /dev/kvm.
BENCH_KERNEL_FILES := $(addprefix build/$(ARCH)-kernel/,skiff tests/guest/cpuwork.hvt \
	tests/guest/hcbench.hvt)
bench: bench-deps all $(CPUWORK_NATIVE)
	$(Q)$(SUBMAKE) GUEST_MODE=kernel $(BENCH_KERNEL_FILES)
	$(Q)tools/bench $(BUILD)
	$(Q)tools/bench-web $(BUILD)

bench-deps:
	$(Q)tools/install-deps build test bench $$($(have_kvm) || echo vm-x86_64)

# The lwIP unikernels against Linux serving the same: examples/web against nginx (wrk),
# examples/iperf against iperf -s, image sizes, the tender's peak RSS (tools/bench-web).
bench-web: bench-deps $(SKIFF) $(EXAMPLES)
	$(Q)tools/bench-web $(BUILD)

# CPU-bound work natively, at CPL3 and at CPL0; hypercall round trips in both modes.
bench-cpu: all $(CPUWORK_NATIVE)
	$(Q)$(SUBMAKE) GUEST_MODE=kernel $(BENCH_KERNEL_FILES)
	$(Q)tools/bench-cpu $(BUILD) build/$(ARCH)-kernel

format:
	$(Q)clang-format -i $(wildcard include/*.h tender/*.[ch] bindings/*.[ch] tests/*/*.c tools/*.c \
		lwip/*.[ch] lwip/*/*.h examples/*/*.[ch] libc/*.[ch] libc/overlay/*.h)

clean:
	rm -rf build

.PHONY: asan check-unit-asan fuzz fuzz-build
.PHONY: all deps demo static check check-kernel check-unit check-aarch64 check-aarch64-net check-x86_64-vm \
	check-deps bench-deps vm-deps vm-test-files aarch64-vm-files \
	bench bench-cpu bench-web format clean
.DELETE_ON_ERROR:

-include $(TENDER_OBJS:.o=.d) $(BINDINGS_OBJS:.o=.d) $(LWIP_OBJS:.o=.d) $(LWIP_PORT_OBJS:.o=.d) \
	$(LWIP_APP_OBJS:.o=.d) \
	$(LIBC_GLUE_OBJS:.o=.d) $(SOCK_OBJS:.o=.d) $(UNIT_BINS:=.d)
