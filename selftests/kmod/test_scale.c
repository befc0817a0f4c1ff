// SPDX-License-Identifier: GPL-2.0
/*
 * cima.ko under load: N containers (default 200, env CIMA_SCALE_N) created
 * in parallel, all live at once, each exec'ing three distinct programs (one
 * of them twice): every start, exec and stop is in the log exactly once,
 * the count grows by exactly 5 N, nothing is a violation, and the log still
 * replays to the register.  Meanwhile a reader reads the global log again
 * and again: each read parses whole and extends the previous one.
 */
#include <signal.h>
#include "kmod_util.h"

/* One test, its own containers; nothing to set up. */
FIXTURE(scale) {};
FIXTURE_SETUP(scale) {}
FIXTURE_TEARDOWN(scale) {}

#define PROGS 3

static char prog[PROGS][64] = { "/usr/bin/busybox", "/tmp/cima-scale/bb-a", "/tmp/cima-scale/bb-b" };

/* One worker: mkdir, report, wait for the go, run the programs, rmdir. */
static int worker(const char *id, int ready, int go)
{
	char cg[256], c;
	char *argv[PROGS][2];
	int i, err = cg_create(id, cg, sizeof(cg));

	if (err)
		return 10;
	if (write(ready, "r", 1) != 1)
		return 11;
	if (read(go, &c, 1) < 0)	/* EOF when the parent closes it */
		return 12;
	for (i = 0; i < PROGS; i++) {
		argv[i][0] = "true";	/* busybox picks the applet by argv[0] */
		argv[i][1] = NULL;
		if (cg_exec(cg, prog[i], argv[i], true))
			return 20 + i;
	}
	if (cg_exec(cg, prog[1], argv[1], true))	/* unchanged re-exec: not logged again */
		return 30;
	if (rmdir(cg))
		return 31;
	return 0;
}

static volatile sig_atomic_t reader_stop;

static void on_usr1(int sig)
{
	(void)sig;
	reader_stop = 1;
}

/*
 * Read the global log over and over while it grows: every read must parse
 * whole (no torn record) and begin with the bytes of the previous read
 * (append-only, consistent prefix).  Exit status: 0 ok, 1 torn, 2 not a
 * prefix, 3 read error.  Prints how many reads it did.
 */
static int reader(void)
{
	char *prev = NULL, *cur;
	size_t plen = 0, clen, reads = 0;
	const char *why;
	struct tlog l;

	signal(SIGUSR1, on_usr1);
	while (!reader_stop) {
		if (read_all(FS "/binary_runtime_measurements", &cur, &clen))
			return 3;
		if (tlog_parse_buf(&l, cur, clen, &why)) {
			printf("# reader: read %zu torn: %s (%zu bytes)\n", reads, why, clen);
			return 1;
		}
		if (clen < plen || memcmp(prev, cur, plen)) {
			printf("# reader: read %zu (%zu bytes) does not extend the previous (%zu bytes)\n",
			       reads, clen, plen);
			return 2;
		}
		free(prev);
		l.raw = NULL;	/* keep the bytes as prev */
		tlog_free(&l);
		prev = cur;
		plen = clen;
		reads++;
		usleep(20000);	/* sample, do not hog a vCPU */
	}
	printf("# reader: %zu consistent reads while containers ran\n", reads);
	free(prev);
	return 0;
}

struct per {
	int start, stop, exec[PROGS], other, seen;
	size_t first, last;
};

TEST_F_TIMEOUT(scale, parallel_containers_all_logged, KMOD_TEST_TIMEOUT)
{
	int n = getenv("CIMA_SCALE_N") ? atoi(getenv("CIMA_SCALE_N")) : 200;
	int ready[2], go[2], i, failed = 0, live = 0;
	char (*ids)[65];
	struct per *per;
	long c0, v0, c1;
	struct tlog l;
	struct regs snap;
	const char *why;
	char *sum, expect_file[200], expect_256[200];
	uint8_t val[MAX_BANKS][MAX_DIGEST];
	struct dirent *de;
	DIR *d;
	size_t r;
	pid_t *pids, reader_pid;
	int rstatus;

	REQUIRE_MODULE();
	ASSERT_GT(n, 0);
	ASSERT_EQ(0, system("mkdir -p /tmp/cima-scale && cp /bin/busybox /tmp/cima-scale/bb-a && "
			    "cp /bin/busybox /tmp/cima-scale/bb-b"));
	/* Expected file digest: sha384sum (coreutils) of busybox. */
	sum = cmd_line("sha384sum /bin/busybox | cut -d' ' -f1");
	ASSERT_TRUE(sum != NULL);
	snprintf(expect_file, sizeof(expect_file), "file=sha384:%s", sum);
	free(sum);
	/* test_container checks the algorithm; accept sha256 here too */
	sum = cmd_line("sha256sum /bin/busybox | cut -d' ' -f1");
	ASSERT_TRUE(sum != NULL);
	snprintf(expect_256, sizeof(expect_256), "file=sha256:%s", sum);
	free(sum);

	ids = calloc(n, sizeof(*ids));
	per = calloc(n, sizeof(*per));
	pids = calloc(n, sizeof(*pids));
	ASSERT_TRUE(ids && per && pids);
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	c0 = read_long(FS "/runtime_measurements_count");
	v0 = read_long(FS "/violations");
	for (i = 0; i < n; i++) {
		random_id(ids[i]);
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0) {
			close(ready[0]);
			close(go[1]);
			_exit(worker(ids[i], ready[1], go[0]));
		}
	}
	close(ready[1]);
	close(go[0]);
	for (i = 0; i < n; i++) {
		char c;

		if (read(ready[0], &c, 1) != 1)
			break;
	}
	/* Every container is live now: count the directories. */
	d = opendir(FS "/containers");
	ASSERT_TRUE(d != NULL);
	while ((de = readdir(d)))
		for (i = 0; i < n; i++)
			if (!strcmp(de->d_name, ids[i]))
				live++;
	closedir(d);
	EXPECT_EQ(n, live);
	signal(SIGUSR1, on_usr1);	/* before fork: no early-signal race */
	reader_pid = fork();
	ASSERT_GE(reader_pid, 0);
	if (reader_pid == 0) {
		close(go[1]);	/* or the workers never see EOF */
		close(ready[0]);
		_exit(reader());
	}
	close(go[1]);	/* go */
	for (i = 0; i < n; i++) {
		int status;

		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			if (failed++ < 5)
				TH_LOG("worker %d failed: status 0x%x", i, status);
		}
	}
	EXPECT_EQ(0, failed);
	kill(reader_pid, SIGUSR1);
	ASSERT_EQ(reader_pid, waitpid(reader_pid, &rstatus, 0));
	EXPECT_TRUE(WIFEXITED(rstatus) && WEXITSTATUS(rstatus) == 0);

	c1 = read_long(FS "/runtime_measurements_count");
	EXPECT_EQ(c0 + 5L * n, c1);
	EXPECT_EQ(v0, read_long(FS "/violations"));
	ASSERT_EQ(0, regs_read(FS "/snapshot", &snap));
	ASSERT_EQ(0, tlog_read(&l, FS "/binary_runtime_measurements", &why));
	ASSERT_EQ(c1, (long)l.n);
	tlog_replay(&l, snap.count, val);
	EXPECT_EQ(0, regs_cmp_replay(&snap, &l, val, "snapshot after load"))
		TH_LOG("the log's first %ld records do not replay to the snapshot",
		       snap.count);

	for (r = (size_t)c0; r < l.n; r++) {
		const char *data = l.r[r].data;
		char id[CIMA_ID_MAX + 1], path[128];
		int k;

		if (ev_is(data, "violation"))
			TH_LOG("record %zu: %s", r, data);
		if (!ev_get(data, "id", id, sizeof(id)))
			continue;
		for (i = 0; i < n && strcmp(ids[i], id); i++)
			;
		if (i == n)
			continue;
		if (!per[i].seen++)
			per[i].first = r;
		per[i].last = r;
		if (ev_is(data, "start")) {
			per[i].start++;
		} else if (ev_is(data, "stop")) {
			per[i].stop++;
		} else if (ev_is(data, "exec") && ev_get(data, "path", path, sizeof(path))) {
			for (k = 0; k < PROGS && strcmp(path, prog[k]); k++)
				;
			if (k < PROGS && (strstr(data, expect_file) || strstr(data, expect_256)))
				per[i].exec[k]++;
			else
				per[i].other++;
		} else {
			per[i].other++;
		}
	}
	failed = 0;
	for (i = 0; i < n; i++) {
		const struct per *p = &per[i];
		bool ok = p->start == 1 && p->stop == 1 && !p->other &&
			  p->exec[0] == 1 && p->exec[1] == 1 && p->exec[2] == 1 &&
			  ev_is(l.r[p->first].data, "start") && ev_is(l.r[p->last].data, "stop");

		if (!ok && failed++ < 5)
			TH_LOG("container %s: start %d stop %d exec %d/%d/%d other %d",
			       ids[i], p->start, p->stop, p->exec[0], p->exec[1],
			       p->exec[2], p->other);
	}
	EXPECT_EQ(0, failed);
	TH_LOG("%d containers, %ld new events, %zu records in the log", n, c1 - c0, l.n);
	tlog_free(&l);
	system("rm -rf /tmp/cima-scale");
}

TEST_HARNESS_MAIN
