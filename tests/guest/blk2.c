/* blk2.c: the block test of blk.c with two disks at once. */
#define BLK_DISKS 2
#include "blk.c"
