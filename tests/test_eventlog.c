// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Event-log parser, replay and verify tests on real published logs
 * (../shared/testdata, expected values from their .expected.json, which
 * come from the logs' own projects or hardware) and on hand-made edge
 * cases whose digests are computed here with OpenSSL directly.
 */
#include <json-c/json.h>
#include <openssl/evp.h>

#include <cima/cima.h>

#include "tap.h"

#define TESTDATA_ENV "CIMA_TESTDATA"

static const char *testdata_dir(void)
{
	const char *d = getenv(TESTDATA_ENV);

	return d ? d : "../shared/testdata";
}

static uint8_t *slurp(const char *rel, size_t *len)
{
	char path[512];
	uint8_t *buf;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", testdata_dir(), rel);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static json_object *expected_json(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.expected.json", testdata_dir(), rel);
	return json_object_from_file(path);
}

static json_object *jget(json_object *o, const char *path)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && o; tok = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, tok, &o))
			return NULL;
	return o;
}

static int unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = strlen(s) / 2;

	if (n > max)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = (uint8_t)b;
	}
	return (int)n;
}

/*
 * Compare every value in @banks ({"sha256": {"0": hex, ...}}) with the
 * replay.  @rtmr: keys are "RTMRn", IMR index n.  Returns mismatches.
 */
static int compare_banks(const struct cima_replay *r, json_object *banks, bool rtmr,
			 int *compared)
{
	int bad = 0;

	json_object_object_foreach(banks, alg_name, regs) {
		int alg = cima_alg_from_name(alg_name);

		json_object_object_foreach(regs, key, val) {
			uint8_t want[64], zero[64] = { 0 };
			const uint8_t *got;
			uint32_t index = rtmr ? (uint32_t)atoi(key + 4) : (uint32_t)atoi(key);
			size_t len = 0;
			int n = unhex(json_object_get_string(val), want, sizeof(want));

			got = cima_replay_value(r, index, (uint16_t)alg, &len);
			if (!got && !memcmp(want, zero, (size_t)n)) {
				got = zero;	/* never extended: still zero */
				len = (size_t)n;
			}
			(*compared)++;
			if (!got || len != (size_t)n || memcmp(got, want, len)) {
				tap_diag("%s register %s (index %u) differs", alg_name, key, index);
				bad++;
			}
		}
	}
	return bad;
}

static void check_tcg_file(const char *rel, int source)
{
	json_object *exp = expected_json(rel), *banks;
	struct cima_eventlog *log;
	struct cima_replay *r;
	int compared = 0;
	uint8_t *buf;
	size_t len;

	buf = slurp(rel, &len);
	if (!buf || !exp)
		SKIP("%s/%s not found (set %s)", testdata_dir(), rel, TESTDATA_ENV);
	log = cima_eventlog_parse(buf, len, source);
	ASSERT_TRUE(log != NULL);
	EXPECT_EQ((size_t)json_object_get_int(jget(exp, "parse.records_total")),
		  cima_eventlog_count(log));
	if (json_object_get_type(jget(exp, "parse.startup_locality")) == json_type_object)
		EXPECT_EQ(json_object_get_int(jget(exp, "parse.startup_locality.0")),
			  cima_eventlog_startup_locality(log));
	r = cima_replay_cc_eventlog(log);
	ASSERT_TRUE(r != NULL);
	banks = jget(exp, "expected.pcrs");
	if (banks)
		EXPECT_EQ(0, compare_banks(r, banks, false, &compared));
	banks = jget(exp, "expected.rtmrs");
	if (banks)
		EXPECT_EQ(0, compare_banks(r, banks, true, &compared));
	EXPECT_TRUE(compared > 0);
	tap_diag("%s: %zu events, %d register values as expected", rel,
		 cima_eventlog_count(log), compared);
	cima_replay_free(r);
	cima_eventlog_free(log);
	json_object_put(exp);
	free(buf);
}

TEST(gce_ubuntu_three_banks) { check_tcg_file("tpm2-tools/event-gce-ubuntu-2104-log.bin", CIMA_SOURCE_FIRMWARE); }
TEST(fedora_sd_boot_sha256) { check_tcg_file("tpm2-tools/event-sd-boot-fedora37.bin", CIMA_SOURCE_FIRMWARE); }
TEST(legacy_sha1_log) { check_tcg_file("tpm2-tools/event-uefi-sha1-log.bin", CIMA_SOURCE_FIRMWARE); }
TEST(startup_locality_h_crtm) { check_tcg_file("go-tpm-tools/glinux-alex.bin", CIMA_SOURCE_FIRMWARE); }
TEST(tdx_ccel_padded) { check_tcg_file("go-eventlog/cos-113-intel-tdx.bin", CIMA_SOURCE_CCEL); }

static void check_ima_file(const char *rel)
{
	json_object *exp = expected_json(rel), *tmpls, *pcr10;
	struct cima_eventlog *log;
	struct cima_replay *r;
	int violations = 0, compared = 0;
	uint8_t *buf;
	size_t len;

	buf = slurp(rel, &len);
	if (!buf || !exp)
		SKIP("%s/%s not found (set %s)", testdata_dir(), rel, TESTDATA_ENV);
	log = cima_eventlog_parse(buf, len, CIMA_SOURCE_IMA);
	ASSERT_TRUE(log != NULL);
	ASSERT_EQ((size_t)json_object_get_int(jget(exp, "expected.entries")),
		  cima_eventlog_count(log));
	tmpls = jget(exp, "expected.templates");
	json_object_object_foreach(tmpls, name, cnt) {
		int n = 0;

		for (size_t i = 0; i < cima_eventlog_count(log); i++)
			n += !strcmp(cima_event_ima_template(cima_eventlog_event(log, i)), name);
		EXPECT_EQ(json_object_get_int(cnt), n);
	}
	for (size_t i = 0; i < cima_eventlog_count(log); i++) {
		const struct cima_event *ev = cima_eventlog_event(log, i);

		violations += cima_event_is_violation(ev);
		/* template_hash_mismatches is 0 for both files */
		EXPECT_EQ(0, cima_event_check(ev));
	}
	EXPECT_EQ(json_object_get_int(jget(exp, "expected.violations")), violations);
	r = cima_replay_cc_eventlog(log);
	ASSERT_TRUE(r != NULL);
	pcr10 = jget(exp, "expected.pcr10");
	json_object_object_foreach(pcr10, alg_name, val) {
		json_object *one = json_object_new_object(), *wrap = json_object_new_object();

		json_object_object_add(one, "10", json_object_get(val));
		json_object_object_add(wrap, alg_name, one);
		EXPECT_EQ(0, compare_banks(r, wrap, false, &compared));
		json_object_put(wrap);
	}
	EXPECT_EQ(4, compared);
	cima_replay_free(r);
	cima_eventlog_free(log);
	json_object_put(exp);
	free(buf);
}

TEST(ima_every_template_and_violation) { check_ima_file("ibmtss/imatest.log"); }
TEST(ima_sig_sha1_list_four_banks) { check_ima_file("ibmtss/sha1.log"); }

TEST(bogus_file_rejected)
{
	const char *rel = "keylime/binary_bios_measurements-bogus";
	struct cima_eventlog *log;
	uint8_t *buf;
	size_t len;

	buf = slurp(rel, &len);
	if (!buf)
		SKIP("%s not found", rel);
	errno = 0;
	log = cima_eventlog_parse(buf, len, CIMA_SOURCE_FIRMWARE);
	EXPECT_TRUE(log == NULL);
	EXPECT_EQ(EBADMSG, errno);
	tap_diag("message: %s", cima_strerror_last());
	EXPECT_TRUE(strstr(cima_strerror_last(), "offset 28") != NULL);
	EXPECT_TRUE(strstr(cima_strerror_last(), "overruns") != NULL);
	/* Not an IMA list either. */
	EXPECT_TRUE(cima_eventlog_parse(buf, len, CIMA_SOURCE_IMA) == NULL);
	free(buf);
}

/*
 * Every prefix of a real log: an error, or (exactly at a record boundary)
 * a shorter valid log.  Under ASan any overread aborts the test.
 */
static void truncations(const char *rel, int source, size_t limit)
{
	struct cima_eventlog *full, *log;
	size_t len, errors = 0, ok = 0, unlocated = 0;
	uint8_t *buf;

	buf = slurp(rel, &len);
	if (!buf)
		SKIP("%s not found", rel);
	if (limit && limit < len)
		len = limit;
	full = cima_eventlog_parse(buf, len, source);
	ASSERT_TRUE(full != NULL);
	for (size_t cut = 0; cut < len; cut++) {
		log = cima_eventlog_parse(buf, cut, source);
		if (!log) {
			errors++;
			if (!strstr(cima_strerror_last(), "offset") &&
			    !strstr(cima_strerror_last(), "empty")) {
				if (!unlocated++)
					tap_diag("cut %zu: message without an offset: %s", cut,
						 cima_strerror_last());
			}
			continue;
		}
		/* Success only where a record of the full log starts. */
		bool boundary = false;

		for (size_t i = 0; i < cima_eventlog_count(full); i++)
			if (cima_event_offset(cima_eventlog_event(full, i)) == cut)
				boundary = true;
		if (!boundary)
			tap_diag("cut %zu parsed although no record starts there", cut);
		EXPECT_TRUE(boundary);
		ok++;
		cima_eventlog_free(log);
	}
	tap_diag("%s: %zu cuts rejected, %zu at record boundaries accepted", rel, errors, ok);
	/* Every rejected cut says where: the byte offset (or "empty" at 0). */
	EXPECT_EQ(unlocated, 0);
	/* A prefix of a log is mostly not a log: most cuts must be refused. */
	EXPECT_TRUE(errors > ok);
	cima_eventlog_free(full);
	free(buf);
}

/*
 * On a CC platform IMA measures PCR 10 into RTMR2 (IMR 2, CC MR index 3): a
 * CCEL log with IMA's list appended puts every IMA event at index 2
 * (keeping PCR 10 as its log index), leaves no register 10, and moves
 * index 2 away from the published RTMR2 of the CCEL log alone, while
 * RTMR0/1 stay as published.
 */
TEST(ccel_with_ima_maps_pcr10_to_rtmr2)
{
	const char *ccel = "go-eventlog/cos-113-intel-tdx.bin", *ima = "ibmtss/imatest.log";
	json_object *exp = expected_json(ccel);
	struct cima_eventlog *log, *il;
	struct cima_replay *r;
	uint8_t *b1, *b2, want[48];
	const uint8_t *v;
	size_t l1, l2, len, n_ima = 0, bad = 0;

	b1 = slurp(ccel, &l1);
	b2 = slurp(ima, &l2);
	if (!b1 || !b2 || !exp)
		SKIP("shared test data not found (set %s)", TESTDATA_ENV);
	log = cima_eventlog_parse(b1, l1, CIMA_SOURCE_CCEL);
	il = cima_eventlog_parse(b2, l2, CIMA_SOURCE_IMA);
	ASSERT_TRUE(log != NULL && il != NULL);
	ASSERT_EQ(0, cima_eventlog_append(log, il));
	for (size_t i = 0; i < cima_eventlog_count(log); i++) {
		const struct cima_event *ev = cima_eventlog_event(log, i);

		if (cima_event_source(ev) != CIMA_SOURCE_IMA)
			continue;
		n_ima++;
		if (cima_event_index(ev) != 2 || cima_event_log_index(ev) != 10)
			bad++;
	}
	EXPECT_TRUE(n_ima > 0);
	EXPECT_EQ(0, bad);
	r = cima_replay_cc_eventlog(log);
	ASSERT_TRUE(r != NULL);
	EXPECT_TRUE(cima_replay_value(r, 10, CIMA_ALG_SHA384, &len) == NULL);
	unhex(json_object_get_string(jget(exp, "expected.rtmrs.sha384.RTMR2")), want, sizeof(want));
	v = cima_replay_value(r, 2, CIMA_ALG_SHA384, &len);
	EXPECT_TRUE(v && len == 48 && memcmp(v, want, 48));
	unhex(json_object_get_string(jget(exp, "expected.rtmrs.sha384.RTMR0")), want, sizeof(want));
	v = cima_replay_value(r, 0, CIMA_ALG_SHA384, &len);
	EXPECT_TRUE(v && len == 48 && !memcmp(v, want, 48));
	tap_diag("%zu IMA events at IMR 2 (RTMR2)", n_ima);
	cima_replay_free(r);
	cima_eventlog_free(log);
	json_object_put(exp);
	free(b1);
	free(b2);
}

TEST(truncate_gce) { truncations("tpm2-tools/event-gce-ubuntu-2104-log.bin", CIMA_SOURCE_FIRMWARE, 0); }
TEST(truncate_glinux) { truncations("go-tpm-tools/glinux-alex.bin", CIMA_SOURCE_FIRMWARE, 0); }
TEST(truncate_legacy) { truncations("tpm2-tools/event-uefi-sha1-log.bin", CIMA_SOURCE_FIRMWARE, 0); }
TEST(truncate_ccel) { truncations("go-eventlog/cos-113-intel-tdx.bin", CIMA_SOURCE_CCEL, 18101); }
TEST(truncate_ima) { truncations("ibmtss/imatest.log", CIMA_SOURCE_IMA, 0); }

/* --- hand-made logs --- */

struct w {
	uint8_t b[8192];
	size_t n;
};

static void put(struct w *w, const void *p, size_t n)
{
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void put32(struct w *w, uint32_t v)
{
	uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

	put(w, b, 4);
}

static void put16(struct w *w, uint16_t v)
{
	uint8_t b[2] = { v, v >> 8 };

	put(w, b, 2);
}

/* Spec ID header listing @n banks. */
static void spec_id(struct w *w, const uint16_t *algs, const uint16_t *sizes, uint32_t n)
{
	uint8_t zero[20] = { 0 };

	put32(w, 0);
	put32(w, 3);
	put(w, zero, 20);
	put32(w, 28 + 4 * n + 1);
	put(w, "Spec ID Event03", 16);
	put32(w, 0);
	put(w, (uint8_t[]){ 0, 2, 0, 2 }, 4);
	put32(w, n);
	for (uint32_t i = 0; i < n; i++) {
		put16(w, algs[i]);
		put16(w, sizes[i]);
	}
	put(w, zero, 1);
}

static void sha(const char *name, const void *p, size_t n, uint8_t *out)
{
	unsigned int len;

	EVP_Digest(p, n, out, &len, EVP_get_digestbyname(name), NULL);
}

/* One cima record: sha256 + sha384 digests of @data. */
static void cima_event(struct w *w, uint32_t pcr, const char *data)
{
	uint8_t d[64];

	put32(w, pcr);
	put32(w, 5);
	put32(w, 2);
	put16(w, 0x000b);
	sha("SHA256", data, strlen(data), d);
	put(w, d, 32);
	put16(w, 0x000c);
	sha("SHA384", data, strlen(data), d);
	put(w, d, 48);
	put32(w, (uint32_t)strlen(data));
	put(w, data, strlen(data));
}

static const uint16_t two_algs[] = { 0x000b, 0x000c }, two_sizes[] = { 32, 48 };

TEST(zero_events)
{
	struct w w = { .n = 0 };
	struct cima_eventlog *log;
	struct cima_replay *r;

	errno = 0;
	EXPECT_TRUE(cima_eventlog_parse("", 0, CIMA_SOURCE_FIRMWARE) == NULL);
	EXPECT_EQ(ENODATA, errno);
	EXPECT_TRUE(cima_eventlog_parse("", 0, CIMA_SOURCE_IMA) == NULL);
	spec_id(&w, two_algs, two_sizes, 2);
	log = cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_CIMA);
	ASSERT_TRUE(log != NULL);
	EXPECT_EQ(1, cima_eventlog_count(log));	/* the header itself */
	r = cima_replay_cc_eventlog(log);
	ASSERT_TRUE(r != NULL);
	EXPECT_EQ(0, cima_replay_count(r));
	cima_replay_free(r);
	cima_eventlog_free(log);
}

TEST(unknown_algorithm)
{
	static const uint16_t algs[] = { 0x000b, 0x0099 }, sizes[] = { 32, 40 };
	static const uint16_t only[] = { 0x0099 }, only_size[] = { 40 };
	struct w w = { .n = 0 }, w2 = { .n = 0 };
	uint8_t d[40] = { 1 };
	struct cima_eventlog *log;
	struct cima_replay *r;
	uint16_t want = 0x0099;
	CIMA_OPTS(cima_replay_opts, ro, .banks = &want, .nbanks = 1);

	spec_id(&w, algs, sizes, 2);
	put32(&w, 4); put32(&w, 4); put32(&w, 2);
	put16(&w, 0x000b); put(&w, d, 32);
	put16(&w, 0x0099); put(&w, d, 40);
	put32(&w, 0);
	log = cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_FIRMWARE);
	ASSERT_TRUE(log != NULL);
	/* Default replay skips the bank nobody can hash... */
	r = cima_replay_cc_eventlog(log);
	ASSERT_TRUE(r != NULL);
	EXPECT_EQ(1, cima_replay_count(r));
	cima_replay_free(r);
	/* ...asking for it is a clear error. */
	errno = 0;
	EXPECT_TRUE(cima_replay_eventlog(log, &ro) == NULL);
	EXPECT_EQ(EOPNOTSUPP, errno);
	cima_eventlog_free(log);
	/* Only unknown banks: nothing to replay. */
	spec_id(&w2, only, only_size, 1);
	log = cima_eventlog_parse(w2.b, w2.n, CIMA_SOURCE_FIRMWARE);
	ASSERT_TRUE(log != NULL);
	EXPECT_TRUE(cima_replay_cc_eventlog(log) == NULL);
	cima_eventlog_free(log);
	/* A record with an algorithm the header does not declare. */
	w.n = 0;
	spec_id(&w, two_algs, two_sizes, 2);
	put32(&w, 4); put32(&w, 4); put32(&w, 1);
	put16(&w, 0x0004); put(&w, d, 20); put32(&w, 0);
	EXPECT_TRUE(cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_FIRMWARE) == NULL);
	EXPECT_TRUE(strstr(cima_strerror_last(), "not declared") != NULL);
}

TEST(absurd_sizes)
{
	struct w w = { .n = 0 };
	uint8_t d[64] = { 0 };
	size_t base;

	spec_id(&w, two_algs, two_sizes, 2);
	base = w.n;
	/* event size 0xffffffff */
	put32(&w, 1); put32(&w, 4); put32(&w, 1); put16(&w, 0x000b); put(&w, d, 32);
	put32(&w, 0xffffffffu);
	EXPECT_TRUE(cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_FIRMWARE) == NULL);
	EXPECT_TRUE(strstr(cima_strerror_last(), "overruns") != NULL);
	/* digest count 1000 */
	w.n = base;
	put32(&w, 1); put32(&w, 4); put32(&w, 1000);
	EXPECT_TRUE(cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_FIRMWARE) == NULL);
	/* Spec ID with 0 and with 100000 algorithms */
	w.n = 0;
	spec_id(&w, two_algs, two_sizes, 0);
	EXPECT_TRUE(cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_FIRMWARE) == NULL);
	w.b[32 + 24] = 0xa0; w.b[32 + 25] = 0x86; w.b[32 + 26] = 0x01;
	EXPECT_TRUE(cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_FIRMWARE) == NULL);
	/* Spec ID with a sha256 of size 31 */
	w.n = 0;
	spec_id(&w, two_algs, (uint16_t[]){ 31, 48 }, 2);
	EXPECT_TRUE(cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_FIRMWARE) == NULL);
	/* IMA: name length 0xffffffff, then template data length 0xfffffff0 */
	w.n = 0;
	put32(&w, 10); put(&w, d, 20); put32(&w, 0xffffffffu);
	EXPECT_TRUE(cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_IMA) == NULL);
	w.n = 0;
	put32(&w, 10); put(&w, d + 1, 20); put32(&w, 6); put(&w, "ima-ng", 6);
	put32(&w, 0xfffffff0u);
	EXPECT_TRUE(cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_IMA) == NULL);
	EXPECT_TRUE(strstr(cima_strerror_last(), "offset 34") != NULL);
	/* IMA: a field length inside the template data that overruns it */
	w.n = 0;
	put32(&w, 10); put(&w, d + 1, 20); put32(&w, 6); put(&w, "ima-ng", 6);
	put32(&w, 8); put32(&w, 100); put32(&w, 0);
	EXPECT_TRUE(cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_IMA) == NULL);
	/* CCEL: garbage (not uniform) after the last event */
	w.n = 0;
	spec_id(&w, two_algs, two_sizes, 2);
	put(&w, (uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1 }, 9);
	EXPECT_TRUE(cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_CCEL) == NULL);
	w.b[w.n - 1] = 0xff;
	struct cima_eventlog *log = cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_CCEL);
	EXPECT_TRUE(log != NULL);
	cima_eventlog_free(log);
}

TEST(cima_log_events_checked_and_container_replay)
{
	struct w w = { .n = 0 };
	struct cima_eventlog *log;
	struct cima_replay *r, *own;
	uint8_t reg[48] = { 0 }, d[48], buf[96];
	const uint8_t *v;
	size_t len;
	unsigned int n;
	CIMA_OPTS(cima_replay_opts, ro, .container = "c1");

	spec_id(&w, two_algs, two_sizes, 2);
	cima_event(&w, 15, "cima/1 start id=c1 cg=100 path=/a");
	cima_event(&w, 15, "cima/1 start id=c10 cg=101 path=/b");
	cima_event(&w, 15, "cima/1 exec id=c1 cg=100 file=sha384:00 path=/bin/sh");
	log = cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_CIMA);
	ASSERT_TRUE(log != NULL);
	for (size_t i = 0; i < cima_eventlog_count(log); i++)
		EXPECT_EQ(0, cima_event_check(cima_eventlog_event(log, i)));
	/* sha384 PCR 15 computed here: fold of H(data) over the 3 events */
	for (const char *s = NULL, *all[] = { "cima/1 start id=c1 cg=100 path=/a",
				"cima/1 start id=c10 cg=101 path=/b",
				"cima/1 exec id=c1 cg=100 file=sha384:00 path=/bin/sh" }, **p = all;
	     p < all + 3; p++) {
		(void)s;
		sha("SHA384", *p, strlen(*p), d);
		memcpy(buf, reg, 48);
		memcpy(buf + 48, d, 48);
		EVP_Digest(buf, 96, reg, &n, EVP_sha384(), NULL);
	}
	r = cima_replay_cc_eventlog(log);
	ASSERT_TRUE(r != NULL);
	v = cima_replay_value(r, 15, CIMA_ALG_SHA384, &len);
	ASSERT_TRUE(v != NULL);
	EXPECT_MEMEQ(reg, v, 48);
	/* Container c1: its two events only (c10 must not match "c1"). */
	own = cima_replay_eventlog(log, &ro);
	ASSERT_TRUE(own != NULL);
	memset(reg, 0, 48);
	for (const char **p = (const char *[]){ "cima/1 start id=c1 cg=100 path=/a",
			"cima/1 exec id=c1 cg=100 file=sha384:00 path=/bin/sh", NULL }; *p; p++) {
		sha("SHA384", *p, strlen(*p), d);
		memcpy(buf, reg, 48);
		memcpy(buf + 48, d, 48);
		EVP_Digest(buf, 96, reg, &n, EVP_sha384(), NULL);
	}
	v = cima_replay_value(own, 15, CIMA_ALG_SHA384, &len);
	ASSERT_TRUE(v != NULL);
	EXPECT_MEMEQ(reg, v, 48);
	cima_replay_free(own);
	cima_replay_free(r);
	cima_eventlog_free(log);
	/* One byte of event data changed: the event check names it. */
	w.b[w.n - 1] ^= 1;
	log = cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_CIMA);
	ASSERT_TRUE(log != NULL);
	EXPECT_EQ(-EBADMSG, cima_event_check(cima_eventlog_event(log, 3)));
	EXPECT_TRUE(strstr(cima_strerror_last(), "event 3") != NULL);
	EXPECT_TRUE(strstr(cima_strerror_last(), "index 15") != NULL);
	cima_eventlog_free(log);
}

TEST(redacted_event_replays_by_digest)
{
	struct w w = { .n = 0 };
	uint8_t d[48] = { 7 };
	struct cima_eventlog *log;

	spec_id(&w, two_algs, two_sizes, 2);
	put32(&w, 15); put32(&w, 5); put32(&w, 2);
	put16(&w, 0x000b); put(&w, d, 32); put16(&w, 0x000c); put(&w, d, 48);
	put32(&w, 15); put(&w, "cima/1 redacted", 15);
	log = cima_eventlog_parse(w.b, w.n, CIMA_SOURCE_CIMA);
	ASSERT_TRUE(log != NULL);
	EXPECT_EQ(0, cima_event_check(cima_eventlog_event(log, 1)));
	cima_eventlog_free(log);
}

TEST(verify_against_given_values)
{
	const char *rel = "tpm2-tools/event-sd-boot-fedora37.bin";
	json_object *exp = expected_json(rel), *pcrs;
	CIMA_OPTS(cima_verify_opts, vo);
	struct cima_verify_result *res;
	struct cima_replay *given;
	struct cima_eventlog *log;
	const uint8_t *rv, *ev;
	uint32_t index;
	uint16_t alg;
	uint8_t *buf;
	size_t len;

	buf = slurp(rel, &len);
	if (!buf || !exp)
		SKIP("%s not found", rel);
	given = cima_replay_new();
	pcrs = jget(exp, "expected.pcrs.sha256");
	json_object_object_foreach(pcrs, key, val) {
		uint8_t v[32];

		unhex(json_object_get_string(val), v, 32);
		ASSERT_EQ(0, cima_replay_set(given, (uint32_t)atoi(key), CIMA_ALG_SHA256, v, 32));
	}
	vo.expected = given;
	log = cima_eventlog_parse(buf, len, CIMA_SOURCE_FIRMWARE);
	ASSERT_TRUE(log != NULL);
	ASSERT_EQ(0, cima_verify_eventlog(log, &vo, &res));
	EXPECT_EQ(10, cima_verify_compared(res));
	EXPECT_EQ(0, cima_verify_mismatches(res));
	cima_verify_result_free(res);
	cima_eventlog_free(log);
	/* One digest byte of the event at index 4 changed (event 20's offset
	 * is found through the parser; flip its first sha256 byte). */
	log = cima_eventlog_parse(buf, len, CIMA_SOURCE_FIRMWARE);
	for (size_t i = 0; i < cima_eventlog_count(log); i++) {
		const struct cima_event *e = cima_eventlog_event(log, i);

		if (cima_event_index(e) == 4) {
			buf[cima_event_offset(e) + 14] ^= 0x80;
			break;
		}
	}
	cima_eventlog_free(log);
	log = cima_eventlog_parse(buf, len, CIMA_SOURCE_FIRMWARE);
	ASSERT_TRUE(log != NULL);
	ASSERT_EQ(-EBADMSG, cima_verify_eventlog(log, &vo, &res));
	EXPECT_EQ(1, cima_verify_mismatches(res));
	ASSERT_EQ(0, cima_verify_mismatch(res, 0, &index, &alg, &rv, &ev, &len));
	EXPECT_EQ(4, index);
	EXPECT_EQ(CIMA_ALG_SHA256, alg);
	EXPECT_TRUE(strstr(cima_strerror_last(), "index 4 sha256") != NULL);
	cima_verify_result_free(res);
	cima_eventlog_free(log);
	cima_replay_free(given);
	json_object_put(exp);
	free(buf);
}

TEST(ima_tampered_template_data_and_digest)
{
	const char *rel = "ibmtss/sha1.log";
	struct cima_eventlog *log;
	const struct cima_event *e;
	const uint8_t *data;
	uint8_t *buf;
	size_t len, dlen;

	buf = slurp(rel, &len);
	if (!buf)
		SKIP("%s not found", rel);
	log = cima_eventlog_parse(buf, len, CIMA_SOURCE_IMA);
	ASSERT_TRUE(log != NULL);
	e = cima_eventlog_event(log, 100);
	data = cima_event_data(e, &dlen);
	/* a byte of the file digest inside the d-ng field (len, \"sha1:\\0\", digest) */
	size_t at = cima_event_offset(e) + 4 + (size_t)(data - cima_event_digest(e, 0, NULL, NULL)) + 4 + 6 + 3;
	(void)dlen;
	cima_eventlog_free(log);
	buf[at] ^= 1;
	log = cima_eventlog_parse(buf, len, CIMA_SOURCE_IMA);
	ASSERT_TRUE(log != NULL);
	EXPECT_EQ(-EBADMSG, cima_event_check(cima_eventlog_event(log, 100)));
	EXPECT_TRUE(strstr(cima_strerror_last(), "event 100 (ima, index 10") != NULL);
	cima_eventlog_free(log);
	free(buf);
}

static size_t count_events_json(const char *text)
{
	json_object *o = json_tokener_parse(text), *events;
	size_t n = 0;

	if (o && json_object_object_get_ex(o, "events", &events))
		n = json_object_array_length(events);
	else if (o && json_object_is_type(o, json_type_array))
		n = json_object_array_length(o);
	json_object_put(o);
	return n;
}

TEST(dump_text_json_cel)
{
	const char *files[][2] = { { "tpm2-tools/event-gce-ubuntu-2104-log.bin", "f" },
				   { "ibmtss/imatest.log", "i" },
				   { "go-eventlog/cos-113-intel-tdx.bin", "c" } };

	for (size_t k = 0; k < 3; k++) {
		int src = files[k][1][0] == 'f' ? CIMA_SOURCE_FIRMWARE :
			  files[k][1][0] == 'i' ? CIMA_SOURCE_IMA : CIMA_SOURCE_CCEL;
		struct cima_eventlog *log;
		char *text = NULL;
		size_t tlen = 0, len;
		uint8_t *buf = slurp(files[k][0], &len);
		FILE *f;

		if (!buf)
			SKIP("%s not found", files[k][0]);
		log = cima_eventlog_parse(buf, len, src);
		ASSERT_TRUE(log != NULL);
		f = open_memstream(&text, &tlen);
		ASSERT_EQ(0, cima_eventlog_dump_json(log, f));
		fclose(f);
		EXPECT_EQ(cima_eventlog_count(log), count_events_json(text));
		free(text);
		f = open_memstream(&text, &tlen);
		ASSERT_EQ(0, cima_eventlog_dump_cel_json(log, f));
		fclose(f);
		EXPECT_EQ(cima_eventlog_count(log), count_events_json(text));
		free(text);
		f = open_memstream(&text, &tlen);
		ASSERT_EQ(0, cima_eventlog_dump(log, f));
		fclose(f);
		EXPECT_TRUE(strstr(text, "Digest[0]") != NULL);
		free(text);
		cima_eventlog_free(log);
		free(buf);
	}
}

TEST(start_count_and_bad_options)
{
	CIMA_OPTS(cima_eventlog_opts, o, .source = CIMA_SOURCE_FIRMWARE, .start = 5, .count = 3);
	char path[1024];
	struct cima_eventlog *log;

	snprintf(path, sizeof(path), "%s/tpm2-tools/event-sd-boot-fedora37.bin", testdata_dir());
	o.path = path;
	log = cima_eventlog_open(&o);
	if (!log && errno == ENOENT)
		SKIP("fedora37 test log not found");
	ASSERT_TRUE(log != NULL);
	EXPECT_EQ(3, cima_eventlog_count(log));
	EXPECT_EQ(5, cima_event_number(cima_eventlog_event(log, 0)));
	EXPECT_TRUE(cima_eventlog_event(log, 3) == NULL);
	cima_eventlog_free(log);
	o.start = 1000;
	EXPECT_TRUE(cima_eventlog_open(&o) == NULL);
	EXPECT_EQ(ERANGE, errno);
	o.start = 0;
	o.source = CIMA_SOURCE_ALL;
	EXPECT_TRUE(cima_eventlog_open(&o) == NULL);
	EXPECT_EQ(EINVAL, errno);
	o.source = CIMA_SOURCE_FIRMWARE;
	o.path = "/nonexistent/log";
	EXPECT_TRUE(cima_eventlog_open(&o) == NULL);
	EXPECT_EQ(ENOENT, errno);
	EXPECT_TRUE(strstr(cima_strerror_last(), "/nonexistent/log") != NULL);
	o.path = NULL;
	o.source = CIMA_SOURCE_CIMA;
	o.container = "../../etc";
	EXPECT_TRUE(cima_eventlog_open(&o) == NULL);
	EXPECT_EQ(EINVAL, errno);
}

/*
 * A per-bank list (binary_runtime_measurements_sha256, kernels >= 6.10)
 * made from ibmtss's sha1.log by this test: each record's 20-byte digest
 * replaced by SHA-256 of its template data (OpenSSL here).  It must replay
 * to the same TPM-read PCR 10 values.
 */
TEST(ima_per_bank_sha256_list)
{
	const char *rel = "ibmtss/sha1.log";
	json_object *exp = expected_json(rel);
	CIMA_OPTS(cima_eventlog_opts, o, .source = CIMA_SOURCE_IMA);
	char path[] = "/tmp/cima-test-XXXXXX";
	char file[64];
	struct cima_eventlog *log;
	struct cima_replay *r;
	uint8_t *buf, *out, want[64];
	size_t len, p = 0, q = 0, n = 0;
	const uint8_t *v;
	FILE *f;

	buf = slurp(rel, &len);
	if (!buf || !exp)
		SKIP("%s not found", rel);
	out = malloc(len * 2);
	ASSERT_TRUE(out != NULL);
	while (p < len) {	/* ima-sig records: pcr, digest, name, data */
		uint32_t nlen, dlen;

		memcpy(out + q, buf + p, 4);
		nlen = buf[p + 24] | buf[p + 25] << 8;
		dlen = buf[p + 28 + nlen] | buf[p + 29 + nlen] << 8 | buf[p + 30 + nlen] << 16;
		sha("SHA256", buf + p + 32 + nlen, dlen, out + q + 4);
		memcpy(out + q + 36, buf + p + 24, 4 + nlen + 4 + dlen);
		q += 36 + 4 + nlen + 4 + dlen;
		p += 28 + nlen + 4 + dlen;
		n++;
	}
	ASSERT_TRUE(mkdtemp(path) != NULL);
	snprintf(file, sizeof(file), "%s/binary_runtime_measurements_sha256", path);
	f = fopen(file, "wb");
	ASSERT_TRUE(f != NULL);
	fwrite(out, 1, q, f);
	fclose(f);
	o.path = file;
	log = cima_eventlog_open(&o);
	ASSERT_TRUE(log != NULL);
	EXPECT_EQ(n, cima_eventlog_count(log));
	EXPECT_EQ(0, cima_event_check(cima_eventlog_event(log, 7)));
	r = cima_replay_cc_eventlog(log);
	ASSERT_TRUE(r != NULL);
	unhex(json_object_get_string(jget(exp, "expected.pcr10.sha256")), want, 64);
	v = cima_replay_value(r, 10, CIMA_ALG_SHA256, NULL);
	ASSERT_TRUE(v != NULL);
	EXPECT_MEMEQ(want, v, 32);
	unhex(json_object_get_string(jget(exp, "expected.pcr10.sha1")), want, 64);
	v = cima_replay_value(r, 10, CIMA_ALG_SHA1, NULL);
	ASSERT_TRUE(v != NULL);
	EXPECT_MEMEQ(want, v, 20);
	cima_replay_free(r);
	cima_eventlog_free(log);
	unlink(file);
	rmdir(path);
	json_object_put(exp);
	free(out);
	free(buf);
}

TAP_MAIN();
