/* elf_abi.h: the Solo5 ELF notes (ABI1 and MFT1) that identify and describe an hvt image. */
/*
 * Each note sits alone in its own PT_NOTE program header: a 12-byte note header, the name
 * "Solo5" padded to 8 bytes, then the descriptor. The descriptor's content starts at the next
 * multiple of the note type's internal alignment: byte 20 for ABI1 (4), byte 24 for MFT1 (8).
 */
#ifndef ELF_ABI_H
#define ELF_ABI_H

#include <stddef.h>
#include <stdint.h>

#include "mft_abi.h"

#define SOLO5_NOTE_NAME                "Solo5"
#define SOLO5_NOTE_NAMESZ              6           /* "Solo5" with its NUL */
#define SOLO5_NOTE_ABI                 0x31494241U /* "ABI1" */
#define SOLO5_NOTE_MANIFEST            0x3154464DU /* "MFT1" */
#define SOLO5_NOTE_ABI_ALIGN           4
#define SOLO5_NOTE_MANIFEST_ALIGN      8
#define SOLO5_NOTE_ABI_MAX_DESCSZ      32
#define SOLO5_NOTE_MANIFEST_MAX_DESCSZ (4 + MFT_MAX_SIZE) /* 6668 */
#define SOLO5_NOTE_HDR_SIZE            20

/* ABI targets carried in abi1_info.abi_target. */
#define SOLO5_ABI_TARGET_HVT 1

struct solo5_note_hdr {
    uint32_t namesz; /* SOLO5_NOTE_NAMESZ */
    uint32_t descsz; /* descriptor bytes, alignment padding included */
    uint32_t type;   /* SOLO5_NOTE_ABI or SOLO5_NOTE_MANIFEST */
    char name[8];    /* "Solo5\0\0\0" */
};

struct abi1_info {
    uint32_t abi_target;  /* SOLO5_ABI_TARGET_HVT */
    uint32_t abi_version; /* HVT_ABI_VERSION */
    uint32_t reserved0;
    uint32_t reserved1;
};

/* The ABI note as the bindings emit it: content right after the header. */
struct solo5_abi_note {
    struct solo5_note_hdr h;
    struct abi1_info info;
};

/* The manifest note as the build emits it: 4 bytes of padding, then the manifest. The
 * manifest's entry array is sized by the generator, so only the header is declared here. */
struct solo5_manifest_note_hdr {
    struct solo5_note_hdr h;
    uint32_t pad;
};

_Static_assert(sizeof(struct solo5_note_hdr) == SOLO5_NOTE_HDR_SIZE, "note header size");
_Static_assert(offsetof(struct solo5_note_hdr, type) == 8, "note type offset");
_Static_assert(offsetof(struct solo5_note_hdr, name) == 12, "note name offset");
_Static_assert(sizeof(struct abi1_info) == 16, "abi1_info size");
_Static_assert(offsetof(struct abi1_info, abi_version) == 4, "abi_version offset");
_Static_assert(sizeof(struct solo5_abi_note) == 36, "ABI note size");
_Static_assert(sizeof(struct solo5_manifest_note_hdr) == 24, "manifest note header size");

#endif /* ELF_ABI_H */
