/* tap_io.c: moving frames to and from tap fds, shared by the NET hypercalls (net.c) and the
 * ring thread (net_ring_serve.c); no state of its own. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "skiff.h"

/* The fd behind a guest's handle, or -1 if the handle is not an attached network device. */
int skiff_net_fd(const struct skiff *s, uint64_t handle)
{
    if (handle >= s->mft->entries || s->mft->e[handle].type != MFT_DEV_NET_BASIC ||
        !s->mft->e[handle].attached)
        return -1;
    return s->dev_fds[handle];
}

int skiff_tap_send(int fd, const uint8_t *buf, uint64_t len, int32_t *ret)
{
    ssize_t n;

    *ret = HVT_R_OK;
    if (len < SKIFF_ETH_HLEN || len > SKIFF_NET_FRAME_MAX) {
        *ret = HVT_R_EINVAL;
        return 0;
    }
    do {
        n = write(fd, buf, len);
    } while (n < 0 && errno == EINTR);
    if (n >= 0)
        return 0;
    /* A full tap queue drops the frame, as a real NIC would, and the guest's protocols
     * recover (the reference tender dies instead, abi.md A12). A frame the kernel refuses
     * is the guest's error. Anything else is a host failure. */
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return 0;
    if (errno == EINVAL || errno == EMSGSIZE) {
        *ret = HVT_R_EINVAL;
        return 0;
    }
    skiff_set_error("net: tap write of %llu bytes failed: %s", (unsigned long long)len,
                    strerror(errno));
    return SKIFF_EXIT_IO;
}

int skiff_tap_recv(int fd, uint8_t *buf, uint64_t *len, int32_t *ret)
{
    ssize_t n;

    do {
        n = read(fd, buf, *len);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        *len = (uint64_t)n;
        *ret = HVT_R_OK;
    } else if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
        *ret = HVT_R_AGAIN;
    } else {
        skiff_set_error("net: tap read failed: %s", strerror(errno));
        return SKIFF_EXIT_IO;
    }
    return 0;
}

bool skiff_net_attached(const struct skiff *s)
{
    for (uint32_t i = 0; i < s->mft->entries; i++)
        if (s->mft->e[i].type == MFT_DEV_NET_BASIC && s->mft->e[i].attached)
            return true;
    return false;
}
