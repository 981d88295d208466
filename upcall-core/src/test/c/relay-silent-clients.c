/*
 * relay-silent-clients: opens N connections to the relay and says nothing on them, as a user who wants to keep
 * everyone else from being served would. Prints "open K" (how many connected) once done, then holds them until
 * standard input closes. Connects without blocking, retrying for at most 5 s in all while the backlog is full.
 *
 *   relay-silent-clients SOCKET N
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int n, open = 0, fd;
	double deadline = now() + 5;
	char buf[64];

	if (argc != 3 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: relay-silent-clients SOCKET N\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	n = atoi(argv[2]);
	for (int i = 0; i < n && now() < deadline; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd < 0)
			break;
		while (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
			if (errno != EAGAIN || now() >= deadline) {
				close(fd);
				fd = -1;
				break;
			}
			usleep(1000); /* the backlog is full: the relay has not accepted yet */
		}
		if (fd >= 0)
			open++;
	}
	printf("open %d\n", open);
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
