// SPDX-License-Identifier: GPL-2.0
/*
 * cima.ko global log: the binary log replays (with OpenSSL, parsed here) to
 * the register file, to the TPM's own PCR values in sysfs (tpm backend), and
 * to what tpm2_eventlog (tpm2-tools) computes from the same bytes; every
 * digest is the hash of its event data; the ascii log and the count file say
 * the same as the binary log.
 */
#include "kmod_util.h"

/* Every test reads the one global log; nothing to set up per test. */
FIXTURE(log) {};
FIXTURE_SETUP(log) {}
FIXTURE_TEARDOWN(log) {}

/* Put a few events of every kind in the log: start, exec, runtime, stop. */
static void make_events(struct __test_metadata *_metadata)
{
	char id[65], cg[256], ev[512];
	char *argv[] = { "/usr/bin/true", NULL };
	int err;

	random_id(id);
	err = cg_create(id, cg, sizeof(cg));
	ASSERT_EQ(0, err) TH_LOG("mkdir %s: %s", cg, strerror(-err));
	EXPECT_EQ(0, cg_run(cg, argv, true));
	snprintf(ev, sizeof(ev), FS "/containers/%s/event", id);
	EXPECT_EQ(0, write_str(ev, "test.log value:1", 16));
	EXPECT_EQ(0, rmdir(cg));
}

/* Snapshot, then the log: replay the snapshot's prefix. */
TEST_F_TIMEOUT(log, global_replay_matches_register_and_snapshot, KMOD_TEST_TIMEOUT)
{
	uint8_t val[MAX_BANKS][MAX_DIGEST];
	struct regs snap, reg;
	struct tlog l;
	const char *why;

	REQUIRE_MODULE();
	make_events(_metadata);
	ASSERT_EQ(0, regs_read(FS "/snapshot", &snap));
	ASSERT_EQ(0, tlog_read(&l, FS "/binary_runtime_measurements", &why));
	ASSERT_EQ(0, regs_read(FS "/register", &reg));
	ASSERT_GE(snap.count, 4);
	ASSERT_GE((long)l.n, snap.count);
	tlog_replay(&l, snap.count, val);
	EXPECT_EQ(0, regs_cmp_replay(&snap, &l, val, "snapshot"));
	/* Nothing else runs in the VM: the register is the whole log's. */
	tlog_replay(&l, l.n, val);
	EXPECT_EQ(0, regs_cmp_replay(&reg, &l, val, "register"));
	TH_LOG("backend %s index %d, %zu records, %u banks", reg.backend,
	       reg.index, l.n, l.nbanks);
	tlog_free(&l);
}

/* The TPM itself (sysfs, the kernel TPM driver) against our replay. */
TEST_F_TIMEOUT(log, tpm_sysfs_pcr_matches_replay, KMOD_TEST_TIMEOUT)
{
	uint8_t val[MAX_BANKS][MAX_DIGEST];
	struct regs reg;
	struct tlog l;
	const char *why;
	unsigned int k;

	REQUIRE_MODULE();
	ASSERT_EQ(0, regs_read(FS "/register", &reg));
	if (strcmp(reg.backend, "tpm"))
		SKIP(return, "backend is %s, not tpm", reg.backend);
	if (access(TPM_SYSFS "/pcr-sha256", F_OK))
		SKIP(return, "no %s/pcr-sha256 (kernel without per-bank PCR sysfs)",
		     TPM_SYSFS);
	make_events(_metadata);
	ASSERT_EQ(0, tlog_read(&l, FS "/binary_runtime_measurements", &why));
	tlog_replay(&l, l.n, val);
	for (k = 0; k < l.nbanks; k++) {
		char path[128], hex[2 * MAX_DIGEST + 1], *pcr = NULL;

		snprintf(path, sizeof(path), TPM_SYSFS "/pcr-%s/%d",
			 l.bank[k]->name, reg.index);
		EXPECT_EQ(0, read_all(path, &pcr, NULL))
			TH_LOG("cannot read %s", path);
		if (!pcr)
			continue;
		pcr[strcspn(pcr, "\n")] = 0;
		lower(pcr);
		to_hex(val[k], l.bank[k]->size, hex);
		EXPECT_STREQ(hex, pcr)
			TH_LOG("%s against the replay of %zu records", path, l.n);
		free(pcr);
	}
	tlog_free(&l);
}

/* tpm2_eventlog parses the same bytes and prints its own PCR values. */
TEST_F_TIMEOUT(log, tpm2_eventlog_agrees, KMOD_TEST_TIMEOUT)
{
	uint8_t val[MAX_BANKS][MAX_DIGEST];
	char tmp[] = "/tmp/cima-log-XXXXXX", cmd[256], *line = NULL, bank[16] = "";
	unsigned int k, found = 0, nevents = 0;
	size_t cap = 0;
	bool in_pcrs = false;
	struct regs reg;
	struct tlog l;
	const char *why;
	FILE *f;
	int fd;

	REQUIRE_MODULE();
	if (system("command -v tpm2_eventlog >/dev/null 2>&1"))
		SKIP(return, "tpm2_eventlog (tpm2-tools) is not installed");
	make_events(_metadata);
	ASSERT_EQ(0, regs_read(FS "/register", &reg));
	ASSERT_EQ(0, tlog_read(&l, FS "/binary_runtime_measurements", &why));
	fd = mkstemp(tmp);
	ASSERT_GE(fd, 0);
	ASSERT_EQ((ssize_t)l.rawlen, write(fd, l.raw, l.rawlen));
	close(fd);
	tlog_replay(&l, l.n, val);
	snprintf(cmd, sizeof(cmd), "tpm2_eventlog %s 2>&1", tmp);
	f = popen(cmd, "r");
	ASSERT_TRUE(f != NULL);
	while (getline(&line, &cap, f) > 0) {
		char alg[16];
		unsigned int idx;
		char hex[2 * MAX_DIGEST + 8];

		if (!strncmp(line, "- EventNum:", 11))
			nevents++;
		if (!strncmp(line, "pcrs:", 5)) {
			in_pcrs = true;
			continue;
		}
		if (!in_pcrs)
			continue;
		if (!strstr(line, " : ")) {
			if (sscanf(line, " %15[a-z0-9_]:", alg) == 1)
				snprintf(bank, sizeof(bank), "%s", alg);
			continue;
		}
		if (sscanf(line, " %u : 0x%130s", &idx, hex) == 2 && (int)idx == reg.index) {
			for (k = 0; k < l.nbanks; k++) {
				char want[2 * MAX_DIGEST + 1];

				if (strcmp(bank, l.bank[k]->name))
					continue;
				lower(hex);
				to_hex(val[k], l.bank[k]->size, want);
				EXPECT_STREQ(want, hex)
					TH_LOG("tpm2_eventlog %s pcr %u against the replay",
					       bank, idx);
				found++;
			}
		}
	}
	free(line);
	EXPECT_EQ(0, pclose(f));
	unlink(tmp);
	/* EventNum counts the Spec ID header too. */
	EXPECT_EQ(l.n + 1, nevents);
	EXPECT_EQ(l.nbanks, found);
	tlog_free(&l);
}

/* Every record: EV_ACTION, our register index, digest_k = H_k(data). */
TEST_F_TIMEOUT(log, every_digest_is_hash_of_event_data, KMOD_TEST_TIMEOUT)
{
	struct regs reg;
	struct tlog l;
	const char *why;
	size_t i;
	unsigned int k, bad = 0;

	REQUIRE_MODULE();
	make_events(_metadata);
	ASSERT_EQ(0, regs_read(FS "/register", &reg));
	ASSERT_EQ(0, tlog_read(&l, FS "/binary_runtime_measurements", &why));
	ASSERT_GT(l.n, 0);
	ASSERT_EQ(reg.nbanks, l.nbanks);
	for (k = 0; k < l.nbanks; k++) {
		EXPECT_STREQ(reg.alg[k], l.bank[k]->name);
	}
	for (i = 0; i < l.n && bad < 5; i++) {
		const struct rec *r = &l.r[i];
		int expect_pcr = strcmp(reg.backend, "tdx") ? reg.index : reg.index + 1;

		bool ok = r->type == CIMA_EVENT_TYPE && (int)r->pcr == expect_pcr &&
			  !strncmp(r->data, "cima/1 ", 7) && strlen(r->data) == r->len &&
			  strcmp(r->data, CIMA_REDACTED_DATA);

		EXPECT_TRUE(ok)
			TH_LOG("record %zu: type %u pcr %u data '%.80s'",
			       i, r->type, r->pcr, r->data);
		if (!ok) {
			bad++;
			continue;
		}
		for (k = 0; k < l.nbanks; k++) {
			uint8_t d[MAX_DIGEST];
			char h1[2 * MAX_DIGEST + 1], h2[2 * MAX_DIGEST + 1];

			hash(l.bank[k], r->data, r->len, d);
			to_hex(r->dig[k], l.bank[k]->size, h1);
			to_hex(d, l.bank[k]->size, h2);
			EXPECT_STREQ(h2, h1)
				TH_LOG("record %zu %s: logged digest is not H(data) ('%.60s')",
				       i, l.bank[k]->name, r->data);
			if (strcmp(h1, h2))
				bad++;
		}
	}
	tlog_free(&l);
}

/* The ascii log and the count file describe the same records. */
TEST_F_TIMEOUT(log, ascii_log_and_count_match_binary, KMOD_TEST_TIMEOUT)
{
	char *ascii = NULL, *line, *save = NULL;
	struct tlog l;
	const char *why;
	long c1, c2;
	size_t i = 0;

	REQUIRE_MODULE();
	make_events(_metadata);
	c1 = read_long(FS "/runtime_measurements_count");
	ASSERT_EQ(0, tlog_read(&l, FS "/binary_runtime_measurements", &why));
	ASSERT_EQ(0, read_all(FS "/ascii_runtime_measurements", &ascii, NULL));
	c2 = read_long(FS "/runtime_measurements_count");
	ASSERT_EQ(c1, c2);	/* nothing else appends in the VM */
	EXPECT_EQ(c1, (long)l.n);
	for (line = strtok_r(ascii, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), i++) {
		char want[2 * CIMA_EVENT_DATA_MAX];
		int off;
		unsigned int k;

		if (i >= l.n)
			break;
		off = snprintf(want, sizeof(want), "%u", l.r[i].pcr);
		for (k = 0; k < l.nbanks; k++) {
			char hex[2 * MAX_DIGEST + 1];

			to_hex(l.r[i].dig[k], l.bank[k]->size, hex);
			off += snprintf(want + off, sizeof(want) - off, " %s:%s",
					l.bank[k]->name, hex);
		}
		snprintf(want + off, sizeof(want) - off, " %s", l.r[i].data);
		EXPECT_STREQ(want, line)
			TH_LOG("ascii line %zu differs from the binary record", i);
		if (strcmp(line, want))
			break;
	}
	EXPECT_EQ(l.n, i);
	free(ascii);
	tlog_free(&l);
}

/* The log read in small chunks is the same bytes as in one go. */
TEST_F_TIMEOUT(log, chunked_read_gives_same_bytes, KMOD_TEST_TIMEOUT)
{
	char *whole = NULL, *chunked;
	size_t n1 = 0, n2 = 0, cap;
	int fd;

	REQUIRE_MODULE();
	make_events(_metadata);
	ASSERT_EQ(0, read_all(FS "/binary_runtime_measurements", &whole, &n1));
	cap = n1 + 4096;
	chunked = malloc(cap);
	ASSERT_TRUE(chunked != NULL);
	fd = open(FS "/binary_runtime_measurements", O_RDONLY);
	ASSERT_GE(fd, 0);
	for (;;) {
		ssize_t r = read(fd, chunked + n2, n2 + 7 <= cap ? 7 : cap - n2);

		ASSERT_GE(r, 0);
		if (r == 0)
			break;
		n2 += r;
		ASSERT_LE(n2, cap);
	}
	close(fd);
	ASSERT_EQ(n1, n2);
	EXPECT_EQ(0, memcmp(whole, chunked, n1));
	free(whole);
	free(chunked);
}

TEST_HARNESS_MAIN
