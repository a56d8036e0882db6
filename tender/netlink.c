/* netlink.c: the few rtnetlink requests --net-from needs (tc ingress + u32 mirred, gateway). */
/*
 * A FROM scratch container image holds no `ip` or `tc`, so skiff speaks rtnetlink itself.
 * Messages are built in one fixed buffer; every request asks for an acknowledgement, and the
 * kernel's error comes back as a negative errno.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdalign.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"
#include "skiff.h"

#define MSG_MAX 1024

struct msg {
    alignas(struct nlmsghdr) uint8_t buf[MSG_MAX];
};

static struct nlmsghdr *msg_start(struct msg *m, uint16_t type, uint16_t flags, const void *hdr,
                                  size_t hdr_len)
{
    struct nlmsghdr *h = (struct nlmsghdr *)m->buf;

    memset(m->buf, 0, sizeof(m->buf));
    h->nlmsg_len = (uint32_t)NLMSG_LENGTH(hdr_len);
    h->nlmsg_type = type;
    h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
    h->nlmsg_seq = 1;
    memcpy(NLMSG_DATA(h), hdr, hdr_len);
    return h;
}

/* Appends one attribute; returns it (so a nest can be closed), or NULL if full. */
static struct rtattr *put(struct nlmsghdr *h, uint16_t type, const void *data, size_t len)
{
    struct rtattr *a = (struct rtattr *)((uint8_t *)h + NLMSG_ALIGN(h->nlmsg_len));

    if (NLMSG_ALIGN(h->nlmsg_len) + RTA_SPACE(len) > MSG_MAX)
        return NULL;
    a->rta_type = type;
    a->rta_len = (uint16_t)RTA_LENGTH(len);
    if (len)
        memcpy(RTA_DATA(a), data, len);
    h->nlmsg_len = (uint32_t)(NLMSG_ALIGN(h->nlmsg_len) + RTA_SPACE(len));
    return a;
}

static void nest_end(struct nlmsghdr *h, struct rtattr *nest)
{
    nest->rta_len = (uint16_t)((uint8_t *)h + h->nlmsg_len - (uint8_t *)nest);
}

/* Sends the request and reads its acknowledgement. Returns 0 or a negative errno. */
static int talk(int fd, struct nlmsghdr *h)
{
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    alignas(struct nlmsghdr) uint8_t reply[4096];
    int n;

    h->nlmsg_flags |= NLM_F_ACK;
    if (sendto(fd, h, h->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
        return -errno;
    for (;;) {
        if ((n = (int)recv(fd, reply, sizeof(reply), 0)) < 0)
            return -errno;
        for (struct nlmsghdr *r = (struct nlmsghdr *)reply; NLMSG_OK(r, n); r = NLMSG_NEXT(r, n))
            if (r->nlmsg_type == NLMSG_ERROR && r->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
                return ((struct nlmsgerr *)NLMSG_DATA(r))->error;
    }
}

int skiff_netlink_open(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

    return fd < 0 ? -errno : fd;
}

int skiff_tc_ingress(int fd, int ifindex)
{
    struct tcmsg t = {.tcm_family = AF_UNSPEC,
                      .tcm_ifindex = ifindex,
                      .tcm_handle = TC_H_MAKE(TC_H_INGRESS, 0),
                      .tcm_parent = TC_H_INGRESS};
    struct msg m;
    struct nlmsghdr *h;
    int r;

    /* An earlier run in the same namespace may have left a qdisc whose filters point at a
     * tap that is gone: start from none. */
    h = msg_start(&m, RTM_DELQDISC, 0, &t, sizeof(t));
    r = talk(fd, h);
    if (r < 0 && r != -ENOENT && r != -EINVAL)
        return r;
    h = msg_start(&m, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, &t, sizeof(t));
    if (!put(h, TCA_KIND, "ingress", sizeof("ingress")))
        return -ENOBUFS;
    return talk(fd, h);
}

int skiff_tc_redirect(int fd, int from, int to)
{
    struct tcmsg t = {.tcm_family = AF_UNSPEC,
                      .tcm_ifindex = from,
                      .tcm_parent = TC_H_MAKE(TC_H_INGRESS, 0),
                      /* priority 1, every protocol */
                      .tcm_info = TC_H_MAKE(1U << 16, htons(ETH_P_ALL))};
    /* One key with mask 0 matches every frame: u32's way of saying "all" (this kernel has
     * no matchall classifier). */
    struct {
        struct tc_u32_sel sel;
        struct tc_u32_key key;
    } sel = {.sel = {.flags = TC_U32_TERMINAL, .nkeys = 1}};
    struct tc_mirred mirred = {.action = TC_ACT_STOLEN, .eaction = TCA_EGRESS_REDIR};
    struct rtattr *opts, *acts, *act, *act_opts;
    struct msg m;
    struct nlmsghdr *h;

    mirred.ifindex = (uint32_t)to;
    h = msg_start(&m, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, &t, sizeof(t));
    if (!put(h, TCA_KIND, "u32", sizeof("u32")) || !(opts = put(h, TCA_OPTIONS, NULL, 0)) ||
        !put(h, TCA_U32_SEL, &sel, sizeof(sel)) || !(acts = put(h, TCA_U32_ACT, NULL, 0)) ||
        !(act = put(h, 1, NULL, 0)) || !put(h, TCA_ACT_KIND, "mirred", sizeof("mirred")) ||
        !(act_opts = put(h, TCA_ACT_OPTIONS, NULL, 0)) ||
        !put(h, TCA_MIRRED_PARMS, &mirred, sizeof(mirred)))
        return -ENOBUFS;
    nest_end(h, act_opts);
    nest_end(h, act);
    nest_end(h, acts);
    nest_end(h, opts);
    return talk(fd, h);
}

/* The gateway of a main-table IPv4 default route through ifindex in one RTM_NEWROUTE, or 0. */
static uint32_t route_gateway(struct nlmsghdr *r, int ifindex)
{
    struct rtmsg *rt = NLMSG_DATA(r);
    int len = (int)RTM_PAYLOAD(r);
    uint32_t gw = 0;
    int oif = 0;

    if (rt->rtm_family != AF_INET || rt->rtm_dst_len != 0 || rt->rtm_table != RT_TABLE_MAIN)
        return 0;
    for (struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD(a) == 4)
            memcpy(&gw, RTA_DATA(a), 4);
        else if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) == 4)
            memcpy(&oif, RTA_DATA(a), 4);
    }
    return oif == ifindex ? gw : 0;
}

int skiff_route_gateway(int fd, int ifindex, uint32_t *gw)
{
    struct rtmsg rt = {.rtm_family = AF_INET};
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    alignas(struct nlmsghdr) uint8_t reply[8192];
    struct msg m;
    struct nlmsghdr *h = msg_start(&m, RTM_GETROUTE, NLM_F_DUMP, &rt, sizeof(rt));
    int n;

    *gw = 0;
    if (sendto(fd, h, h->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
        return -errno;
    for (;;) {
        if ((n = (int)recv(fd, reply, sizeof(reply), 0)) < 0)
            return -errno;
        for (struct nlmsghdr *r = (struct nlmsghdr *)reply; NLMSG_OK(r, n); r = NLMSG_NEXT(r, n)) {
            if (r->nlmsg_type == NLMSG_DONE)
                return 0;
            if (r->nlmsg_type == NLMSG_ERROR)
                return ((struct nlmsgerr *)NLMSG_DATA(r))->error;
            if (r->nlmsg_type == RTM_NEWROUTE && !*gw)
                *gw = route_gateway(r, ifindex);
        }
    }
}
