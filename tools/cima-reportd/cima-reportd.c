// SPDX-License-Identifier: GPL-2.0
/*
 * cima-reportd: the report broker for containers (lib/broker.h,
 * Documentation/container.md).  A container with no TPM device and no
 * right to extend the cima register connects to a bind-mounted unix
 * socket and passes descriptors of its own cima self/ files; the broker
 * takes the report on the host and binds the container the kernel
 * resolved, its view's prefix, the nonce and the data.
 *
 *   cima-reportd                 socket-activated (systemd, Accept=yes:
 *                                the connection is fd 0; or Accept=no:
 *                                LISTEN_FDS=1, fd 3 is the listener)
 *   cima-reportd --socket PATH   listen on PATH itself (mode 0666), serve
 *                                connections one after the other
 *   cima-reportd --fsroot DIR    cima securityfs directory (tests)
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cima/cima.h>

#include "../../lib/broker.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: cima-reportd [--socket PATH] [--fsroot DIR]\n"
"\n"
"Report broker for containers.  Without --socket it is socket-activated:\n"
"systemd passes the listening socket (LISTEN_FDS) or, with Accept=yes, the\n"
"connection on standard input.  The client is libcima's cima_get_cc_report()\n"
"inside a tracked container; see Documentation/container.md.\n");
}

static void serve(int conn, const char *fsroot)
{
	if (cima__broker_serve(conn, fsroot))
		fprintf(stderr, "cima-reportd: request refused: %s\n", cima_strerror_last());
	close(conn);
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "cima-reportd: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0666) ||
	    listen(s, 16)) {
		fprintf(stderr, "cima-reportd: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return s;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "fsroot", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *sock = NULL, *fsroot = NULL, *lf;
	int c, l;

	while ((c = getopt_long(argc, argv, "s:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': sock = optarg; break;
		case 'f': fsroot = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	lf = getenv("LISTEN_FDS");
	if (sock) {
		l = listen_on(sock);
		if (l < 0)
			return 1;
	} else if (lf && atoi(lf) == 1) {
		l = 3;
	} else {
		/* Accept=yes (inetd style): the connection is stdin. */
		int type = 0;
		socklen_t len = sizeof(type);

		if (getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &len) || type != SOCK_STREAM) {
			fprintf(stderr, "cima-reportd: no --socket, no LISTEN_FDS and stdin is not a stream socket\n");
			return 2;
		}
		serve(0, fsroot);
		return 0;
	}
	for (;;) {
		int conn = accept4(l, NULL, NULL, SOCK_CLOEXEC);

		if (conn < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fprintf(stderr, "cima-reportd: accept: %s\n", strerror(errno));
			return 1;
		}
		serve(conn, fsroot);
	}
}
