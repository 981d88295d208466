/*
 * relay-uid-changer: a process that an unprivileged user registers with the relay and that later becomes root,
 * as a program does that a user starts from a setuid-root file. Run as a setuid-root copy by that user: it first
 * sets its effective uid back to its real one (its saved uid stays 0), blocks SIGRTMIN, registers itself for the
 * forks of its own subtree and prints the relay's answer. Then it obeys commands on standard input:
 *
 *   fork    forks a child that exits at once; prints "forked PID"
 *   count   takes the SIGRTMIN signals pending now, without waiting; prints "signals N"
 *   root    sets its real, effective and saved uid to 0 (its saved uid allows it); prints "uids R E S"
 *
 *   relay-uid-changer SOCKET
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timespec zero = { 0, 0 };
	char line[256], reply[1024];
	uid_t r, e, s;
	size_t got = 0;
	ssize_t n;
	sigset_t set;
	int fd, count;
	pid_t child;

	if (argc != 2 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: relay-uid-changer SOCKET\n");
		return 2;
	}
	if (seteuid(getuid()) < 0) {
		perror("relay-uid-changer: seteuid");
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);

	strcpy(addr.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("relay-uid-changer: connect");
		return 1;
	}
	snprintf(line, sizeof(line), "register signal=%d events=fork tree=%d\n", SIGRTMIN, getpid());
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		return 1;
	while (got + 1 < sizeof(reply) && (n = read(fd, reply + got, sizeof(reply) - 1 - got)) > 0)
		got += n;
	reply[got] = '\0';
	close(fd);
	printf("registered: %s", reply);
	fflush(stdout);

	while (fgets(line, sizeof(line), stdin)) {
		if (strncmp(line, "fork", 4) == 0) {
			child = fork();
			if (child == 0)
				_exit(0);
			waitpid(child, NULL, 0);
			printf("forked %d\n", child);
		} else if (strncmp(line, "count", 5) == 0) {
			count = 0;
			while (sigtimedwait(&set, NULL, &zero) > 0)
				count++;
			printf("signals %d\n", count);
		} else if (strncmp(line, "root", 4) == 0) {
			if (setresuid(0, 0, 0) < 0)
				perror("relay-uid-changer: setresuid");
			getresuid(&r, &e, &s);
			printf("uids %d %d %d\n", r, e, s);
		}
		fflush(stdout);
	}
	return 0;
}
