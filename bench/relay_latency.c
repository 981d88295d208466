/*
 * relay_latency.c - a relay-fork receiver that measures what it receives.
 *
 * It registers with `upcall relay serve` for the forks of one subtree (the storm's), takes the
 * relay's signals through a signalfd, and listens to the proc connector itself to learn each
 * fork's kernel timestamp (proc_event.timestamp_ns, CLOCK_MONOTONIC). Fork-to-signal latency is
 * the time the signal was dequeued here minus the fork's timestamp: everything from the kernel
 * emitting the event, through Upcall, to the receiver, including this receiver's own wake-up.
 *
 * Output (stdout, one line): signals, matched (latency known), rate (signals/s between the first
 * and the last), latency_us p50/p90/p99/max, dups (a second signal for a pid before
 * its fork was read), unmatched (signals for a
 * pid no fork in the tree announced: a value out of range, or a fork this listener lost).
 *
 * Build: cc -O2 -Wall -o relay_latency relay_latency.c
 * Usage: relay_latency -s SOCKET -t TREE_PID [-T] [-i idle_secs] [-d max_secs] [-w readyfile]
 *   -T  also new threads (registers with `threads`)
 *   -i  exit after S seconds without a signal once one came (default 3)
 *   -w  create this file once registered (lets a script release the load)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define PID_MAX (1 << 22)

/*
 * Per pid, whichever of the pair came first waits for the other: the fork's kernel timestamp (its signal not
 * taken yet) or the signal's arrival (the fork not read yet). Pids recycle within a long storm, so a slot is
 * cleared as soon as its pair is complete.
 */
static uint64_t *fork_ns;
static uint64_t *signal_ns;
static uint32_t *lat_us;
static long nlat, cap_lat = 1 << 20;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void record(uint64_t us)
{
	if (nlat == cap_lat) {
		cap_lat *= 2;
		lat_us = realloc(lat_us, cap_lat * sizeof(*lat_us));
	}
	lat_us[nlat++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static int cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int proc_connector(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC, .nl_pid = 0 };
	struct {
		struct nlmsghdr nl;
		struct cn_msg cn;
		enum proc_cn_mcast_op op;
	} __attribute__((packed)) req;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
	int buf = 8 << 20;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	memset(&req, 0, sizeof(req));
	req.nl.nlmsg_len = sizeof(req);
	req.nl.nlmsg_type = NLMSG_DONE;
	req.nl.nlmsg_pid = getpid();
	req.cn.id.idx = CN_IDX_PROC;
	req.cn.id.val = CN_VAL_PROC;
	req.cn.len = sizeof(enum proc_cn_mcast_op);
	req.op = PROC_CN_MCAST_LISTEN;
	return send(fd, &req, sizeof(req), 0) < 0 ? -1 : fd;
}

static int in_tree(char *tree, int pid)
{
	return pid > 0 && pid < PID_MAX && tree[pid];
}

int main(int argc, char **argv)
{
	const char *path = NULL, *ready = NULL;
	int root = 0, threads = 0, opt, idle = 3, max = 600;
	long signals = 0, dups = 0, enobufs = 0;
	uint64_t first = 0, last = 0, start;
	char *tree;
	char line[256], reply[512];
	sigset_t set;
	int sfd, nfd;

	while ((opt = getopt(argc, argv, "s:t:Ti:d:w:")) != -1) {
		switch (opt) {
		case 's': path = optarg; break;
		case 't': root = atoi(optarg); break;
		case 'T': threads = 1; break;
		case 'i': idle = atoi(optarg); break;
		case 'd': max = atoi(optarg); break;
		case 'w': ready = optarg; break;
		default: goto usage;
		}
	}
	if (!path || root <= 0 || root >= PID_MAX) {
usage:
		fprintf(stderr, "usage: relay_latency -s SOCKET -t TREE_PID [-T] [-i idle] [-d max] [-w readyfile]\n");
		return 2;
	}
	fork_ns = calloc(PID_MAX, sizeof(*fork_ns));
	signal_ns = calloc(PID_MAX, sizeof(*signal_ns));
	tree = calloc(PID_MAX, 1);
	lat_us = malloc(cap_lat * sizeof(*lat_us));
	tree[root] = 1;

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	nfd = proc_connector();
	if (sfd < 0 || nfd < 0) {
		perror("relay_latency: signalfd or proc connector (needs root)");
		return 1;
	}

	/* Register: the relay takes our pid from SO_PEERCRED. */
	{
		struct sockaddr_un addr = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		ssize_t n, got = 0;

		snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
		snprintf(line, sizeof(line), "register signal=%d events=fork tree=%d%s\n", SIGRTMIN, root,
			 threads ? " threads" : "");
		if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
		    write(fd, line, strlen(line)) < 0) {
			perror("relay_latency: relay socket");
			return 1;
		}
		while ((n = read(fd, reply + got, sizeof(reply) - 1 - got)) > 0)
			got += n;
		reply[got] = 0;
		close(fd);
		if (strncmp(reply, "ok", 2) != 0) {
			fprintf(stderr, "relay_latency: %s", reply);
			return 1;
		}
	}
	if (ready)
		close(open(ready, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	fprintf(stderr, "ready\n");

	start = now_ns();
	for (;;) {
		struct pollfd p[2] = { { .fd = sfd, .events = POLLIN }, { .fd = nfd, .events = POLLIN } };
		uint64_t t = now_ns();

		if ((last && t - last > (uint64_t)idle * 1000000000ull) || t - start > (uint64_t)max * 1000000000ull)
			break;
		if (poll(p, 2, 200) < 0 && errno != EINTR)
			break;
		/* The proc connector first, so a fork's timestamp is known before its signal when both wait. */
		for (;;) {
			char buf[8192];
			ssize_t len = recv(nfd, buf, sizeof(buf), 0);
			struct nlmsghdr *nl;

			if (len < 0) {
				if (errno == ENOBUFS) {
					enobufs++;
					continue;
				}
				break;
			}
			for (nl = (struct nlmsghdr *)buf; NLMSG_OK(nl, len); nl = NLMSG_NEXT(nl, len)) {
				struct cn_msg *cn = NLMSG_DATA(nl);
				struct proc_event *ev = (struct proc_event *)cn->data;
				int parent, child;

				if (ev->what == PROC_EVENT_EXIT &&
				    ev->event_data.exit.process_pid == ev->event_data.exit.process_tgid &&
				    ev->event_data.exit.process_pid > 0 && ev->event_data.exit.process_pid < PID_MAX &&
				    ev->event_data.exit.process_pid != root) {
					/* its pid may come back as someone else's: not in the tree then */
					tree[ev->event_data.exit.process_pid] = 0;
					continue;
				}
				if (ev->what != PROC_EVENT_FORK)
					continue;
				parent = ev->event_data.fork.parent_tgid;
				child = ev->event_data.fork.child_pid;
				if (!in_tree(tree, parent) || child <= 0 || child >= PID_MAX)
					continue;
				tree[ev->event_data.fork.child_tgid] = 1;
				if (signal_ns[child]) {
					record(signal_ns[child] > ev->timestamp_ns ? (signal_ns[child] - ev->timestamp_ns) / 1000 : 0);
					signal_ns[child] = 0;
				} else {
					fork_ns[child] = ev->timestamp_ns;
				}
			}
		}
		for (;;) {
			struct signalfd_siginfo si[64];
			ssize_t n = read(sfd, si, sizeof(si));
			uint64_t when = now_ns();

			if (n <= 0)
				break;
			for (long i = 0; i < n / (ssize_t)sizeof(si[0]); i++) {
				int pid = si[i].ssi_int;

				if (si[i].ssi_signo != (uint32_t)SIGRTMIN)
					goto done;
				signals++;
				if (!first)
					first = when;
				last = when;
				if (pid <= 0 || pid >= PID_MAX) {
					continue;
				} else if (fork_ns[pid]) {
					record(when > fork_ns[pid] ? (when - fork_ns[pid]) / 1000 : 0);
					fork_ns[pid] = 0;
				} else if (signal_ns[pid]) {
					dups++; /* a second signal for a pid whose fork was not read yet */
				} else {
					signal_ns[pid] = when;
				}
			}
		}
	}
done:
	qsort(lat_us, nlat, sizeof(*lat_us), cmp);
	printf("relay_latency signals=%ld matched=%ld dups=%ld unmatched=%ld enobufs=%ld secs=%.3f rate=%.0f",
	       signals, nlat, dups, signals - dups - nlat, enobufs, last > first ? (last - first) / 1e9 : 0.0,
	       last > first ? signals / ((last - first) / 1e9) : 0.0);
	if (nlat)
		printf(" p50_us=%u p90_us=%u p99_us=%u max_us=%u", lat_us[nlat / 2], lat_us[nlat * 9 / 10],
		       lat_us[nlat * 99 / 100], lat_us[nlat - 1]);
	printf("\n");
	return 0;
}
