/* ping2.c: the ping server of ping.c with two network devices. */
#define PING_NICS 2
#include "ping.c"
