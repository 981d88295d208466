/*
 * relay-stale-client: the stale-credentials attack on the relay's "register this process". It connects to the
 * relay, forks, and exits at once, leaving the connection to its child: the kernel's record of who connected
 * (SO_PEERCRED) still names the parent's pid, which may by then belong to another process. The child waits until
 * the file GO exists (the test has reaped the parent and perhaps handed its pid to a victim), sends REQUEST on
 * the dead parent's connection and writes the relay's answer to ANSWER (complete once it exists: it is renamed
 * into place). The child gives up after 60 s.
 *
 *   relay-stale-client SOCKET REQUEST GO ANSWER
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char reply[4096], line[1024], partial[4096];
	FILE *out;
	ssize_t n;
	size_t got = 0;
	int fd;

	if (argc != 5 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: relay-stale-client SOCKET REQUEST GO ANSWER\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("relay-stale-client: connect");
		return 1;
	}
	if (fork() != 0)
		_exit(0); /* the parent: its pid is what SO_PEERCRED reports */
	for (int i = 0; access(argv[3], F_OK) != 0; i++) {
		if (i == 6000)
			return 1;
		usleep(10000);
	}
	snprintf(line, sizeof(line), "%s\n", argv[2]);
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		return 1;
	while (got + 1 < sizeof(reply) && (n = read(fd, reply + got, sizeof(reply) - 1 - got)) > 0)
		got += n;
	reply[got] = '\0';
	snprintf(partial, sizeof(partial), "%s.partial", argv[4]);
	out = fopen(partial, "w");
	if (!out || fputs(reply, out) < 0 || fclose(out) != 0)
		return 1;
	return rename(partial, argv[4]) == 0 ? 0 : 1;
}
