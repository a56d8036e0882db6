/* arch/cc.h: lwIP's platform hooks for fuzz_netif, which builds lwIP (with the guests'
 * lwipopts.h) as part of a host program: the host's C library, and an lwIP assertion is a
 * crash the fuzzer reports. */
#ifndef SKIFF_FUZZ_LWIP_ARCH_CC_H
#define SKIFF_FUZZ_LWIP_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

#define LWIP_PLATFORM_DIAG(x)                                                                      \
    do {                                                                                           \
        printf x;                                                                                  \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                                    \
    do {                                                                                           \
        fprintf(stderr, "lwIP assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__);         \
        abort();                                                                                   \
    } while (0)

#endif /* SKIFF_FUZZ_LWIP_ARCH_CC_H */
