// SPDX-License-Identifier: GPL-2.0
/*
 * Micro-benchmark of what cima.ko adds to container operations.  Run as
 * root inside the test VM, once per module state (bench/kmod/inner.sh):
 *
 *   bench_kmod [-n MKDIRS] [-e EXECS] [-f NEWFILES] [-v EVENTS] [-c CONTAINERS]
 *
 * Prints "key value" lines:
 *   mkdir_rmdir_us   mean wall time of mkdir+rmdir of a <64hex> cgroup
 *   rmdir_us         the rmdir part of it alone (a stop is logged after
 *                    rmdir returns, so this should not see the register)
 *   exec_us          mean fork+exec+wait of /bin/busybox true in a
 *                    container cgroup, file already measured (cache hit)
 *   exec_new_us      the same for a file never executed there (hashed)
 *   event_bytes      Slab growth per runtime event (module loaded only)
 *   container_bytes  Slab growth per live container cgroup (with the
 *                    cgroup's own kernel memory; subtract the no-module run)
 * Times use CLOCK_MONOTONIC; memory uses /proc/meminfo Slab after
 * dropping caches, so small figures are approximate.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CG	"/sys/fs/cgroup/cima-bench"
#define FS	"/sys/kernel/security/cima"

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_kmod: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void id_of(unsigned int i, unsigned int run, char out[65])
{
	/* 64 lower-case hex digits, unique per (run, i) */
	snprintf(out, 65, "%08x%08x%048x", run, i, 0xc1a);
}

static void write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die(path);
	close(fd);
}

static long slab_kb(void)
{
	char line[256];
	long v = -1;
	FILE *f;

	sync();
	f = fopen("/proc/sys/vm/drop_caches", "w");
	if (f) {
		fputs("3\n", f);
		fclose(f);
	}
	f = fopen("/proc/meminfo", "r");
	if (!f)
		die("/proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* fork, move into cg, exec path; returns after the child exits */
static void run_in(const char *cg, const char *path)
{
	char procs[256];
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char pidstr[32];

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
		snprintf(pidstr, sizeof(pidstr), "%d", getpid());
		write_str(procs, pidstr);
		execl(path, "true", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		die(path);
}

int main(int argc, char **argv)
{
	unsigned int nmk = 200, nex = 200, nnew = 10, nev = 2000, nct = 200, i;
	unsigned int run = (unsigned int)getpid();
	char id[65], path[512], cg[256];
	bool module = access(FS "/register", F_OK) == 0;
	double t0, trm;
	long s0, s1;
	int opt;

	while ((opt = getopt(argc, argv, "n:e:f:v:c:")) != -1) {
		switch (opt) {
		case 'n': nmk = atoi(optarg); break;
		case 'e': nex = atoi(optarg); break;
		case 'f': nnew = atoi(optarg); break;
		case 'v': nev = atoi(optarg); break;
		case 'c': nct = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: bench_kmod [-n N] [-e N] [-f N] [-v N] [-c N]\n");
			return 2;
		}
	}
	if (mkdir(CG, 0755) && errno != EEXIST)
		die(CG);

	/* mkdir + rmdir of a container cgroup */
	t0 = now_us();
	trm = 0;
	for (i = 0; i < nmk; i++) {
		double t1;

		id_of(i, run, id);
		snprintf(cg, sizeof(cg), CG "/%s", id);
		if (mkdir(cg, 0755))
			die(cg);
		t1 = now_us();
		if (rmdir(cg))
			die(cg);
		trm += now_us() - t1;
	}
	printf("mkdir_rmdir_us %.1f\n", (now_us() - t0) / nmk);
	printf("rmdir_us %.1f\n", trm / nmk);

	/* exec in a container: warm (cache hit) and new files */
	id_of(0xffffff, run, id);
	snprintf(cg, sizeof(cg), CG "/%s", id);
	if (mkdir(cg, 0755))
		die(cg);
	run_in(cg, "/bin/busybox");	/* first exec: measured once */
	t0 = now_us();
	for (i = 0; i < nex; i++)
		run_in(cg, "/bin/busybox");
	printf("exec_us %.1f\n", (now_us() - t0) / nex);
	if (system("mkdir -p /tmp/cima-bench"))
		die("mkdir /tmp/cima-bench");
	for (i = 0; i < nnew; i++) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "cp /bin/busybox /tmp/cima-bench/bb%u", i);
		if (system(cmd))
			die("cp");
	}
	t0 = now_us();
	for (i = 0; i < nnew; i++) {
		snprintf(path, sizeof(path), "/tmp/cima-bench/bb%u", i);
		run_in(cg, path);
	}
	printf("exec_new_us %.1f\n", (now_us() - t0) / nnew);
	if (system("rm -rf /tmp/cima-bench"))
		die("rm");

	/* kernel memory per runtime event */
	if (module) {
		snprintf(path, sizeof(path), FS "/containers/%s/event", id);
		s0 = slab_kb();
		for (i = 0; i < nev; i++) {
			char ev[128];

			snprintf(ev, sizeof(ev), "bench.event sha256:%064x", i);
			write_str(path, ev);
		}
		s1 = slab_kb();
		printf("event_bytes %.0f\n", (s1 - s0) * 1024.0 / nev);
	}
	if (rmdir(cg))
		die(cg);

	/* kernel memory per live container cgroup */
	s0 = slab_kb();
	for (i = 0; i < nct; i++) {
		id_of(i, run + 1, id);
		snprintf(cg, sizeof(cg), CG "/%s", id);
		if (mkdir(cg, 0755))
			die(cg);
	}
	s1 = slab_kb();
	printf("container_bytes %.0f\n", (s1 - s0) * 1024.0 / nct);
	for (i = 0; i < nct; i++) {
		id_of(i, run + 1, id);
		snprintf(cg, sizeof(cg), CG "/%s", id);
		if (rmdir(cg))
			die(cg);
	}
	rmdir(CG);
	return 0;
}
