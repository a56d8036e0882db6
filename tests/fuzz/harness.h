/* harness.h: what the tender-side fuzz targets share (harness.c). */
#ifndef SKIFF_FUZZ_HARNESS_H
#define SKIFF_FUZZ_HARNESS_H

#include <stdint.h>

#include "net.h"
#include "skiff.h"

#define FUZZ_MEM_SIZE   0x10000 /* 64 KiB of guest memory: small enough for the fuzzer to fill */
#define FUZZ_DISK_SIZE  0x8000
#define FUZZ_HANDLE_BLK 1
#define FUZZ_HANDLE_NET 2
/* Guest memory the host maps read-only, as it does an image's text: [START, END). */
#define FUZZ_RO_START 0xe000
#define FUZZ_RO_END   0xf000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The tender as the run loop sees it, without KVM: FUZZ_MEM_SIZE bytes of guest memory
 * followed by extra_bytes the guest cannot name in a hypercall (where the network ring
 * lives), with [FUZZ_RO_START, FUZZ_RO_END) read-only, a block device on a memfd (handle
 * FUZZ_HANDLE_BLK) and a network device on one end of a datagram socketpair (FUZZ_HANDLE_NET), so
 * frames go somewhere. Built once. */
struct skiff *fuzz_tender_setup(size_t extra_bytes);

/* Zeroes the writable guest memory (and what lies above it) and copies at most the bytes below
 * the read-only range from data, from GPA 0. */
void fuzz_guest_fill(struct skiff *t, const uint8_t *data, size_t size);

/* Keeps the socketpair's queue from filling; with salt odd, queues one frame for the guest. */
void fuzz_net_traffic(uint8_t salt);

#endif /* SKIFF_FUZZ_HARNESS_H */
