/* net-blast.c: sends Ethernet frames of SIZE bytes into a network interface for SECONDS, as
 * fast as the kernel takes them, to measure a guest's receive rate (a tap drops what its
 * reader does not keep up with). usage: net-blast IFACE SECONDS SIZE */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

int main(int argc, char **argv)
{
    struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_protocol = htons(0x88b5)};
    unsigned char frame[9018];
    long seconds, size, sent = 0;
    time_t end;
    int fd;

    if (argc != 4)
        errx(2, "usage: net-blast IFACE SECONDS SIZE");
    seconds = atol(argv[2]);
    size = atol(argv[3]);
    if (size < 60 || size > (long)sizeof(frame))
        errx(2, "SIZE must be 60 to %zu", sizeof(frame));
    if (!(to.sll_ifindex = (int)if_nametoindex(argv[1])))
        err(1, "%s", argv[1]);
    if ((fd = socket(AF_PACKET, SOCK_RAW, htons(0x88b5))) < 0)
        err(1, "socket");
    memset(frame, 0xff, 12);
    frame[12] = 0x88;
    frame[13] = 0xb5;
    end = time(NULL) + seconds;
    while (time(NULL) < end)
        for (int i = 0; i < 1000; i++, sent++)
            if (sendto(fd, frame, (size_t)size, 0, (struct sockaddr *)&to, sizeof(to)) < 0 &&
                errno != ENOBUFS)
                err(1, "sendto");
    printf("net-blast: %ld frames offered\n", sent);
    return 0;
}
