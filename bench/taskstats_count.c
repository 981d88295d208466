/*
 * taskstats_count.c - minimal reference listener for taskstats exit records (generic netlink).
 *
 * Resolves the TASKSTATS generic netlink family (CTRL_CMD_GETFAMILY), registers for exit records
 * on every possible CPU (TASKSTATS_CMD_ATTR_REGISTER_CPUMASK with /sys/devices/system/cpu/possible),
 * counts what arrives and deregisters on exit. What it counts:
 *   msgs      : TASKSTATS_CMD_NEW messages
 *   aggr_pid  : TASKSTATS_TYPE_AGGR_PID records (one per task that exits)
 *   aggr_tgid : TASKSTATS_TYPE_AGGR_TGID records (a multi-threaded group's last exit)
 *   enobufs   : recv() calls that failed with ENOBUFS (one per overflow episode, not per record)
 *   sk_drops  : the socket's own drop counter (Drops column of /proc/net/netlink): one per message
 *               the kernel could not queue, i.e. the exact number of lost exit messages
 * taskstats carries no sequence number, so sk_drops is the only per-message loss count.
 * At exit (SIGINT/SIGTERM, -d, -n or -i bound) it deregisters and prints one key=value line on
 * stderr with the counts, loss and CPU use (getrusage) per million records.
 *
 * With -P PID it also counts "matched" records, those of one process tree: the record of PID
 * itself, of its children (ac_ppid == PID) and of its grandchildren (the parent of ac_ppid, read
 * once per ac_ppid from /proc/<ac_ppid>/stat while that parent is alive, is PID). That is exactly forkstorm's
 * storm (the storm, its workers, their children) on a machine where other processes exit too.
 * The record's ac_pid, ac_ppid and ac_comm are read, like a listener that keeps them would.
 *
 * Build: cc -O2 -Wall -o taskstats_count taskstats_count.c
 * Usage: taskstats_count [-b rcvbuf_bytes] [-d max_secs] [-i idle_secs] [-n max_records] [-m] [-P pid] [-w readyfile]
 *   -b N  set SO_RCVBUFFORCE to N bytes (root; default 8 MiB); 0 = kernel default
 *   -d S  hard bound on run time (default 300 s)
 *   -i S  exit after S seconds without any (matched, with -P) record once one was seen
 *   -n N  exit after N records (AGGR_PID) (default: no bound but -d)
 *   -m    read with recvmmsg() in batches of 64 instead of one recv() per message
 *   -P N  also count the records of process N, its children and grandchildren (see above)
 *   -w F  create file F once registered (lets a script start the load at the right time)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef SO_RCVBUFFORCE
#define SO_RCVBUFFORCE 33
#endif
#define BATCH 64
#define BUFSZ 8192 /* a group's last exit: two aggregates of a 560-byte struct, about 1.2 KiB */
#define PIDMAX_LIMIT 4194304

static volatile sig_atomic_t stop;
static void on_sig(int s) { (void)s; stop = 1; }

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Drops column of /proc/net/netlink for the socket with this inode (-1 if not found). */
static long sk_drops(int fd)
{
	struct stat st;
	char line[512];
	long drops = -1;
	if (fstat(fd, &st)) return -1;
	FILE *f = fopen("/proc/net/netlink", "r");
	if (!f) return -1;
	while (fgets(line, sizeof line, f)) {
		unsigned long long sk, ino;
		int eth, pid, dump, locks;
		unsigned groups, rmem, wmem;
		long dr;
		if (sscanf(line, "%llx %d %d %x %u %u %d %d %ld %llu", &sk, &eth, &pid, &groups,
			   &rmem, &wmem, &dump, &locks, &dr, &ino) == 10 &&
		    ino == (unsigned long long)st.st_ino) {
			drops = dr;
			break;
		}
	}
	fclose(f);
	return drops;
}

/* One generic netlink request with one attribute (a string or a NUL-terminated name). */
static int genl_send(int fd, uint16_t type, uint8_t cmd, uint16_t attr, const char *value, uint32_t seq)
{
	struct {
		struct nlmsghdr nh;
		struct genlmsghdr gh;
		char buf[256];
	} req;
	size_t vlen = strlen(value) + 1;
	if (vlen > sizeof req.buf - NLA_HDRLEN) return -1;
	memset(&req, 0, sizeof req);
	struct nlattr *na = (struct nlattr *)req.buf;
	na->nla_type = attr;
	na->nla_len = NLA_HDRLEN + vlen;
	memcpy((char *)na + NLA_HDRLEN, value, vlen);
	req.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + NLA_ALIGN(na->nla_len));
	req.nh.nlmsg_type = type;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = seq;
	req.gh.cmd = cmd;
	req.gh.version = 1;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK }; /* the kernel */
	return sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&to, sizeof to) < 0 ? -1 : 0;
}

/* Waits (at most 2 s) for the answer to request `seq`: the family id for a GETFAMILY (want_id),
 * else 0 for an ACK; a negative errno when refused. Exit records that arrive meanwhile are skipped. */
static int genl_answer(int fd, uint32_t seq, int want_id)
{
	static char buf[BUFSZ];
	double end = mono() + 2;
	int id = -1;
	while (mono() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 100) <= 0) continue;
		ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n < 0) continue;
		for (struct nlmsghdr *nh = (void *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_seq != seq) continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				int err = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
				if (err) return err;
				return want_id ? id : 0; /* the ACK comes after the answer */
			}
			if (nh->nlmsg_type != GENL_ID_CTRL || !want_id) continue;
			int len = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			struct nlattr *na = (void *)((char *)NLMSG_DATA(nh) + GENL_HDRLEN);
			while (len >= NLA_HDRLEN && na->nla_len >= NLA_HDRLEN && na->nla_len <= len) {
				if ((na->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
					id = *(uint16_t *)((char *)na + NLA_HDRLEN);
				len -= NLA_ALIGN(na->nla_len);
				na = (void *)((char *)na + NLA_ALIGN(na->nla_len));
			}
		}
	}
	return -ETIMEDOUT;
}

/* Parent of `pid` from /proc/PID/stat, or -1 when it is gone. */
static int parent_of(int pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0) return -1;
	buf[n] = 0;
	char *rp = strrchr(buf, ')');
	int ppid;
	char state;
	if (!rp || sscanf(rp + 1, " %c %d", &state, &ppid) != 2) return -1;
	return ppid;
}

static int root_pid;
static unsigned char tree_yes[PIDMAX_LIMIT / 8]; /* live pids whose parent is root_pid (workers) */
static unsigned char tree_no[PIDMAX_LIMIT / 8];	 /* live pids whose parent is another process */

/* One /proc read per parent, not per record: a "no" is kept too, as the storm's workers are all
 * forked when it starts and a live pid cannot become one later (a gone pid is not kept). */
static int matches(uint32_t pid, uint32_t ppid)
{
	if ((int)pid == root_pid || (int)ppid == root_pid) return 1;
	if (ppid == 0 || ppid >= PIDMAX_LIMIT) return 0;
	unsigned char bit = 1 << (ppid & 7);
	if (tree_yes[ppid >> 3] & bit) return 1;
	if (tree_no[ppid >> 3] & bit) return 0;
	int parent = parent_of(ppid);
	if (parent == root_pid) tree_yes[ppid >> 3] |= bit;
	else if (parent > 0) tree_no[ppid >> 3] |= bit;
	return parent == root_pid;
}

struct stats {
	unsigned long long msgs, aggr_pid, aggr_tgid, other, errors, enobufs, matched;
	unsigned long long comm_bytes; /* keeps the comm read from being optimized away */
	double t_first, t_last, t_last_match;
};

/* One TASKSTATS_TYPE_STATS attribute: read pid, ppid and comm as a logger would. */
static void stats_record(struct stats *s, const struct nlattr *na, int aggr_pid)
{
	const struct taskstats *ts = (const void *)((const char *)na + NLA_HDRLEN);
	size_t len = na->nla_len - NLA_HDRLEN;
	if (len < offsetof(struct taskstats, ac_ppid) + sizeof ts->ac_ppid) return;
	s->comm_bytes += strnlen(ts->ac_comm, sizeof ts->ac_comm);
	if (aggr_pid && root_pid && matches(ts->ac_pid, ts->ac_ppid)) {
		s->matched++;
		s->t_last_match = s->t_last;
	}
}

static void handle(struct stats *s, int family, const char *buf, ssize_t len)
{
	for (const struct nlmsghdr *nh = (const void *)buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
		if (nh->nlmsg_type == NLMSG_ERROR) { s->errors++; continue; }
		if (nh->nlmsg_type != family) { s->other++; continue; }
		const struct genlmsghdr *gh = NLMSG_DATA(nh);
		if (gh->cmd != TASKSTATS_CMD_NEW) { s->other++; continue; }
		double t = mono();
		if (!s->msgs) s->t_first = t;
		s->t_last = t;
		s->msgs++;
		int rest = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
		const struct nlattr *na = (const void *)((const char *)gh + GENL_HDRLEN);
		while (rest >= NLA_HDRLEN && na->nla_len >= NLA_HDRLEN && na->nla_len <= rest) {
			int type = na->nla_type & NLA_TYPE_MASK;
			if (type == TASKSTATS_TYPE_AGGR_PID || type == TASKSTATS_TYPE_AGGR_TGID) {
				int aggr_pid = type == TASKSTATS_TYPE_AGGR_PID;
				if (aggr_pid) s->aggr_pid++; else s->aggr_tgid++;
				int in = na->nla_len - NLA_HDRLEN;
				const struct nlattr *a = (const void *)((const char *)na + NLA_HDRLEN);
				while (in >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= in) {
					if ((a->nla_type & NLA_TYPE_MASK) == TASKSTATS_TYPE_STATS)
						stats_record(s, a, aggr_pid);
					in -= NLA_ALIGN(a->nla_len);
					a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
				}
			}
			rest -= NLA_ALIGN(na->nla_len);
			na = (const void *)((const char *)na + NLA_ALIGN(na->nla_len));
		}
	}
}

/* "0-1" from /sys/devices/system/cpu/possible (CPUs that may come online later included). */
static void possible_cpus(char *out, size_t size)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	if (f && fgets(out, (int)size, f)) {
		out[strcspn(out, "\n")] = 0;
		fclose(f);
		if (*out) return;
	} else if (f) {
		fclose(f);
	}
	snprintf(out, size, "0-%ld", sysconf(_SC_NPROCESSORS_CONF) - 1);
}

int main(int argc, char **argv)
{
	long rcvbuf = 8L << 20;
	double dmax = 300, idle = 0;
	unsigned long long nmax = 0;
	int use_mmsg = 0, c;
	const char *ready = NULL;

	while ((c = getopt(argc, argv, "b:d:i:n:mP:w:h")) != -1) {
		switch (c) {
		case 'b': rcvbuf = atol(optarg); break;
		case 'd': dmax = atof(optarg); break;
		case 'i': idle = atof(optarg); break;
		case 'n': nmax = strtoull(optarg, NULL, 10); break;
		case 'm': use_mmsg = 1; break;
		case 'w': ready = optarg; break;
		case 'P': root_pid = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-b rcvbuf_bytes] [-d max_secs] [-i idle_secs] [-n max_records] [-m] [-P pid] [-w readyfile]\n",
				argv[0]);
			return 2;
		}
	}

	struct sigaction sa = { .sa_handler = on_sig }; /* no SA_RESTART: poll() returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0) { perror("socket"); return 1; }
	if (rcvbuf > 0) {
		int v = (int)rcvbuf;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof v) &&
		    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v))
			perror("setsockopt rcvbuf");
	}
	int eff = 0;
	socklen_t el = sizeof eff;
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &eff, &el);
	struct sockaddr_nl self = { .nl_family = AF_NETLINK };
	if (bind(fd, (struct sockaddr *)&self, sizeof self)) { perror("bind"); return 1; }

	if (genl_send(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME, TASKSTATS_GENL_NAME, 1)) {
		perror("send CTRL_CMD_GETFAMILY");
		return 1;
	}
	int family = genl_answer(fd, 1, 1);
	if (family < 0) {
		fprintf(stderr, "taskstats_count: no TASKSTATS family: %s\n", strerror(-family));
		return 1;
	}
	char cpus[256];
	possible_cpus(cpus, sizeof cpus);
	if (genl_send(fd, family, TASKSTATS_CMD_GET, TASKSTATS_CMD_ATTR_REGISTER_CPUMASK, cpus, 2)) {
		perror("send REGISTER_CPUMASK");
		return 1;
	}
	int err = genl_answer(fd, 2, 0);
	if (err) {
		fprintf(stderr, "taskstats_count: REGISTER_CPUMASK(%s) refused: %s\n", cpus, strerror(-err));
		return 1;
	}
	if (ready) {
		int rf = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (rf >= 0) close(rf);
	}
	fprintf(stderr, "taskstats_count: registered cpus=%s family=%d rcvbuf=%d\n", cpus, family, eff);

	static struct stats s;
	static char bufs[BATCH][BUFSZ];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = BUFSZ;
		memset(&mm[i], 0, sizeof mm[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	unsigned long long syscalls = 0;
	double t0 = mono(), deadline = t0 + dmax;

	while (!stop) {
		double t = mono();
		if (t > deadline) break;
		if (nmax && s.aggr_pid >= nmax) break;
		if (idle > 0 && !root_pid && s.msgs && t - s.t_last > idle) break;
		if (idle > 0 && root_pid && s.matched && t - s.t_last_match > idle) break;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 200) <= 0) continue;
		/* drain what is queued without going back to poll (bounded, so the checks above run) */
		for (int spin = 0; spin < 100000 && !stop; spin++) {
			syscalls++;
			if (use_mmsg) {
				int n = recvmmsg(fd, mm, BATCH, MSG_DONTWAIT, NULL);
				if (n < 0) {
					if (errno == ENOBUFS) { s.enobufs++; continue; }
					break;
				}
				for (int i = 0; i < n; i++) handle(&s, family, bufs[i], mm[i].msg_len);
			} else {
				ssize_t n = recv(fd, bufs[0], BUFSZ, MSG_DONTWAIT);
				if (n < 0) {
					if (errno == ENOBUFS) { s.enobufs++; continue; }
					break;
				}
				handle(&s, family, bufs[0], n);
			}
		}
	}
	long drops = sk_drops(fd);

	/* Deregister; its ACK may sit behind queued records, so read a little for it. */
	int dereg = genl_send(fd, family, TASKSTATS_CMD_GET, TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK, cpus, 3) ? -errno
		: genl_answer(fd, 3, 0);

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double ut = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	double st = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	double span = s.msgs > 1 ? s.t_last - s.t_first : 0;
	unsigned long long recs = s.aggr_pid + s.aggr_tgid;
	fprintf(stderr,
		"taskstats_count rcvbuf=%d family=%d msgs=%llu aggr_pid=%llu aggr_tgid=%llu other=%llu errors=%llu "
		"enobufs=%llu sk_drops=%ld loss_pct=%.3f span_s=%.3f rate=%.0f recv_calls=%llu mmsg=%d "
		"user_s=%.3f sys_s=%.3f cpu_s_per_Mrec=%.3f cpu_s_per_Mmsg=%.3f matched=%llu deregistered=%s\n",
		eff, family, s.msgs, s.aggr_pid, s.aggr_tgid, s.other, s.errors, s.enobufs, drops,
		drops > 0 && s.msgs + drops ? 100.0 * drops / (double)(s.msgs + drops) : 0.0, span,
		span > 0 ? s.msgs / span : 0.0, syscalls, use_mmsg, ut, st,
		recs ? (ut + st) / (recs / 1e6) : 0.0, s.msgs ? (ut + st) / (s.msgs / 1e6) : 0.0, s.matched,
		dereg == 0 ? "yes" : strerror(-dereg));
	close(fd);
	return 0;
}
