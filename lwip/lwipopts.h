/* lwipopts.h: how skiff builds lwIP for its guests: IPv4 with ARP, ICMP, UDP and TCP, raw
 * (callback) API only, no operating system (NO_SYS), one thread, no DHCP. */
#ifndef SKIFF_LWIPOPTS_H
#define SKIFF_LWIPOPTS_H

/* No threads, no sockets, no netconn: the application runs lwIP's callbacks from its own loop
 * (skiff_lwip_poll). */
#define NO_SYS               1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET          0
#define LWIP_NETCONN         0
#define LWIP_TIMERS          1

#define LWIP_IPV4     1
#define LWIP_IPV6     0
#define LWIP_ARP      1
#define LWIP_ETHERNET 1
#define LWIP_ICMP     1
#define LWIP_UDP      1
#define LWIP_TCP      1
#define LWIP_RAW      0
#define LWIP_DHCP     0
#define LWIP_AUTOIP   0
#define LWIP_IGMP     0
#define LWIP_DNS      0
#define IP_REASSEMBLY 1
#define IP_FRAG       1

/* Memory: lwIP's own heap (a static array in mem.c) for PBUF_RAM frames and the
 * applications' mem_malloc; pools for the control blocks. */
#define MEM_ALIGNMENT           8
#define MEMP_NUM_TCP_PCB_LISTEN 8
#define MEMP_NUM_UDP_PCB        8
#define PBUF_POOL_SIZE          64

/* Sized for examples/web's 1,000+ concurrent connections (docs/web.md): a pcb each (~200
 * bytes), queued segments and references to file data shared between them (a tcp_write that
 * finds none left waits for the sent or poll callback), a 4 MiB heap for frames and copied
 * headers. The pools and the heap are static (.bss): ~6.5 MiB of guest memory in all. */
#define MEM_SIZE         (4 * 1024 * 1024)
#define MEMP_NUM_TCP_PCB 1100
#define MEMP_NUM_TCP_SEG 8192
#define MEMP_NUM_PBUF    4096
/* TIME_WAIT lasts 2 * TCP_MSL. lwIP (unlike Linux) does not let a new SYN take over a pcb in
 * TIME_WAIT: a client that reuses the port of a connection the server closed first cannot
 * connect until it ends, which lwIP's 2 minutes make common under load. 4 s on local links. */
#define TCP_MSL 2000UL

#define TCP_MSS            1460
#define TCP_WND            (32 * TCP_MSS)
#define TCP_SND_BUF        (32 * TCP_MSS)
#define TCP_SND_QUEUELEN   (4 * TCP_SND_BUF / TCP_MSS)
#define LWIP_WND_SCALE     1
#define TCP_RCV_SCALE      2
#define TCP_LISTEN_BACKLOG 1
/* SO_REUSEADDR for the socket module (docs/sockets.md): a listener may bind its port again
 * while connections of an earlier one linger in TIME_WAIT. */
#define SO_REUSE 1

/* Every checksum is computed and checked in software: a tap carries complete frames. */
/* Counters of the heap and the pools (lwip_stats), for examples/web's status page. */
#define LWIP_STATS               1
#define LWIP_STATS_DISPLAY       0
#define LWIP_NETIF_HOSTNAME      0
#define LWIP_SINGLE_NETIF        1
#define LWIP_NETIF_LINK_CALLBACK 0

/* Random numbers (local ports, ISNs): the bindings' monotonic clock, mixed (skiff_lwip.c). */
unsigned int skiff_lwip_rand(void);
#define LWIP_RAND() skiff_lwip_rand()

#endif /* SKIFF_LWIPOPTS_H */
