/* stdlib.h: lwIP's netif.c includes <stdlib.h> for atoi; in a skiff guest that is the bindings'. */
#ifndef SKIFF_LWIP_STDLIB_H
#define SKIFF_LWIP_STDLIB_H
#include "skiff_libc.h"
#endif
