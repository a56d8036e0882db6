/* arch/cc.h: lwIP's compiler and platform hooks for skiff guests (freestanding GCC, x86_64
 * and aarch64, little endian). */
#ifndef SKIFF_LWIP_ARCH_CC_H
#define SKIFF_LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>

#include "skiff_libc.h"
#include "solo5.h"

/* Freestanding: no <inttypes.h> (lwIP's own format macros), no <ctype.h> (its own helpers). */
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H    1
#define BYTE_ORDER         LITTLE_ENDIAN

/* There is no errno: nothing here uses the socket API that would need it. */
#define LWIP_PROVIDE_ERRNO 1

#define LWIP_PLATFORM_DIAG(x)                                                                      \
    do {                                                                                           \
        printf x;                                                                                  \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                                    \
    do {                                                                                           \
        printf("lwIP assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__);                  \
        solo5_abort();                                                                             \
    } while (0)

#endif /* SKIFF_LWIP_ARCH_CC_H */
