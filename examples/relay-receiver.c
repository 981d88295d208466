/*
 * relay-receiver: registers itself with `upcall relay serve` and prints the pid of every process
 * born while it listens, one per line, from the value the relay queues with each signal.
 *
 *   cc -O2 -Wall -o relay-receiver relay-receiver.c
 *   ./relay-receiver [-s SOCKET] [-t TREE_PID] [-n COUNT] [-g SIGNAL_OFFSET]
 *
 * -t: only forks inside that process's subtree; -n: exit after COUNT signals; -g: use SIGRTMIN+OFFSET.
 * It prints "ready" on stderr once registered. It speaks the relay's one-line protocol (docs/relay.md)
 * itself; `upcall relay register --pid $PID` does the same from a shell.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int request(const char *path, const char *line, char *reply, size_t size)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	size_t got = 0;
	ssize_t n;

	if (fd < 0 || strlen(path) >= sizeof(addr.sun_path))
		return -1;
	strcpy(addr.sun_path, path);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		close(fd);
		return -1;
	}
	/* The relay answers one line and closes the connection. */
	while (got + 1 < size && (n = read(fd, reply + got, size - 1 - got)) > 0)
		got += n;
	reply[got] = '\0';
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = "/run/upcall/relay.sock";
	long tree = 0, count = -1, received = 0;
	int offset = 0, opt, sig;
	char line[256], reply[1024];
	sigset_t set;
	siginfo_t info;

	while ((opt = getopt(argc, argv, "s:t:n:g:")) != -1) {
		switch (opt) {
		case 's': path = optarg; break;
		case 't': tree = atol(optarg); break;
		case 'n': count = atol(optarg); break;
		case 'g': offset = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-s SOCKET] [-t TREE_PID] [-n COUNT] [-g SIGNAL_OFFSET]\n", argv[0]);
			return 2;
		}
	}
	sig = SIGRTMIN + offset;

	/* Block first: a signal that arrives between registering and waiting must queue, not kill us. */
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	/* No pid=: the relay registers whoever connects, as the kernel tells it (SO_PEERCRED). */
	if (tree > 0)
		snprintf(line, sizeof(line), "register signal=%d events=fork tree=%ld\n", sig, tree);
	else
		snprintf(line, sizeof(line), "register signal=%d events=fork\n", sig);
	if (request(path, line, reply, sizeof(reply)) < 0) {
		fprintf(stderr, "relay-receiver: cannot reach the relay at %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (strncmp(reply, "ok", 2) != 0) {
		fprintf(stderr, "relay-receiver: %s", reply);
		return 1;
	}
	fprintf(stderr, "ready\n");

	while (count < 0 || received < count) {
		if (sigwaitinfo(&set, &info) < 0) {
			if (errno == EINTR)
				continue;
			perror("sigwaitinfo");
			return 1;
		}
		if (info.si_signo != sig)
			break; /* SIGINT or SIGTERM: stop */
		printf("%d\n", info.si_value.sival_int);
		fflush(stdout);
		received++;
	}
	return 0;
}
