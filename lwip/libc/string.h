/* string.h: lwIP's sources include <string.h>; in a skiff guest that is the bindings' libc. */
#ifndef SKIFF_LWIP_STRING_H
#define SKIFF_LWIP_STRING_H
#include "skiff_libc.h"
#endif
