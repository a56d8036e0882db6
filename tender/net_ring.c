/* net_ring.c: the network ring (abi.md 6): a host thread serving the guest's shared ring. */
/*
 * The guest queues frames in a ring in its own memory and kicks an ioeventfd only when this
 * thread has said it is going to sleep, so a busy guest sends and receives without any VM
 * exit. This file is the thread, its sleeping and waking; what it does with the entries the
 * guest queued, all of them written by a guest that may be hostile, is net_ring_serve.c.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arch.h"
#include "net.h"
#include "skiff.h"

static struct {
    struct skiff *s;
    struct hvt_ring *ring;
    int kick_fd;
    pthread_t thread;
    bool running;
    sem_t started;
    bool stop; /* atomic: set by teardown, read by the thread */
} ring;

/* Sleeps until the guest kicks or queues work. needs_kick is published before the last look
 * at the queue, so a guest that queued just before sees it and kicks. */
static void wait_for_work(uint32_t head)
{
    for (int i = 0; i < HVT_RING_POLL_ITERS; i++)
        if (SKIFF_LOAD_ACQUIRE(&ring.ring->ent_tail) != head ||
            __atomic_load_n(&ring.stop, __ATOMIC_ACQUIRE))
            return;
    SKIFF_STORE_RELEASE(&ring.ring->needs_kick, 1);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (SKIFF_LOAD_ACQUIRE(&ring.ring->ent_tail) == head &&
        !__atomic_load_n(&ring.stop, __ATOMIC_ACQUIRE)) {
        uint64_t v;

        while (read(ring.kick_fd, &v, sizeof(v)) < 0 && errno == EINTR)
            ;
    }
    SKIFF_STORE_RELEASE(&ring.ring->needs_kick, 0);
}

static void *ring_thread(void *arg)
{
    uint32_t head = 0;

    (void)arg;
    /* SIGINT and SIGTERM are the vCPU thread's to take: there they interrupt KVM_RUN. */
    skiff_stop_block_signals();
    /* glibc has finished the thread's own setup calls (rseq, robust list, signal mask) by
     * now; the sandbox, which forbids them, may go in once this is posted. */
    sem_post(&ring.started);
    /* After stop is set (the guest halted), entries it queued before halting are still
     * sent: a unikernel's last frames must not be lost. */
    for (;;) {
        int status;

        wait_for_work(head);
        if (__atomic_load_n(&ring.stop, __ATOMIC_ACQUIRE) &&
            SKIFF_LOAD_ACQUIRE(&ring.ring->ent_tail) == head)
            break;
        if ((status = skiff_ring_serve(ring.s, ring.ring, &head)) != 0) {
            /* A ring the guest broke ends the run; the vCPU thread stops the guest and
             * reports, as for every other way a run ends. This thread serves no more. */
            skiff_stop_request(status, "ring: %s", skiff_error());
            break;
        }
    }
    return NULL;
}

/* Zeroes the ring at ring_gpa, registers the kick ioeventfd and starts the thread; on success
 * advertises HVT_FEATURE_RING_IO and sets s->net_ring. Returns 0, or -1 (errno set) if the host
 * cannot, in which case guests use the hypercalls. */
static int ring_start(struct skiff *s, uint64_t ring_gpa)
{
    static const int kick_calls[] = {SYS_read, SYS_write, -1};
    struct kvm_ioeventfd kick = {0};
    int r;

    if (ioctl(s->kvm.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IOEVENTFD) <= 0)
        return -1;
    ring.kick_fd = eventfd(0, EFD_CLOEXEC);
    if (ring.kick_fd < 0)
        return -1;
    skiff_arch_ring_kick(&kick);
    kick.fd = ring.kick_fd;
    if (ioctl(s->kvm.vm_fd, KVM_IOEVENTFD, &kick) < 0) {
        close(ring.kick_fd);
        return -1;
    }
    ring.s = s;
    ring.ring = (struct hvt_ring *)(s->guest.mem + ring_gpa);
    memset(ring.ring, 0, sizeof(*ring.ring));
    sem_init(&ring.started, 0, 0);
    if ((r = pthread_create(&ring.thread, NULL, ring_thread, NULL)) != 0) {
        errno = r;
        return -1;
    }
    while (sem_wait(&ring.started) < 0 && errno == EINTR)
        ;
    ring.running = true;
    /* The thread sleeps on the kick eventfd; teardown writes it to wake the thread. */
    skiff_sandbox_allow_fd(ring.kick_fd, kick_calls);
    s->host_features |= HVT_FEATURE_RING_IO;
    s->net_ring = ring_gpa;
    return 0;
}

/* A network device gets a ring at the top of memory, above what the guest may use
 * (abi.md 6), unless --no-net-ring. */
static uint64_t ring_reserve(struct skiff *s, uint64_t mem_size)
{
    (void)mem_size;
    return skiff_net_attached(s) && !s->opts->no_net_ring ? HVT_RING_RESERVED : 0;
}

static int ring_setup(struct skiff *s)
{
    if (s->guest.alloc_size > s->guest.size && ring_start(s, s->guest.size) < 0 && !s->quiet)
        fprintf(stderr, "skiff: ring I/O unavailable (%s), falling back to hypercalls\n",
                strerror(errno));
    return 0;
}

/* Stops and joins the thread: entries the guest queued before it halted are still sent. */
static void ring_teardown(struct skiff *s)
{
    uint64_t one = 1;

    (void)s;
    if (!ring.running)
        return;
    __atomic_store_n(&ring.stop, true, __ATOMIC_RELEASE);
    if (write(ring.kick_fd, &one, sizeof(one)) < 0) {
        /* cannot happen for an eventfd below its maximum; the thread also polls stop */
    }
    pthread_join(ring.thread, NULL);
    ring.running = false;
}

const struct skiff_module skiff_module_net_ring = {
    .name = "net_ring",
    .reserve = ring_reserve,
    .setup = ring_setup,
    .teardown = ring_teardown,
};
