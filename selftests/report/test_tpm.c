// SPDX-License-Identifier: GPL-2.0
/*
 * libcima on a real TPM (swtpm in the test VM, /dev/tpmrm0): PCR reads
 * against the kernel's /sys/class/tpm/tpm0/pcr-<alg>/<n>, quotes verified
 * by the library and broken by changing the nonce, a PCR value or one byte
 * of the signature, report data against SHA-512 computed here with OpenSSL.
 * Outside the VM set CIMA_TPM_TCTI (e.g. swtpm:port=2321); the sysfs
 * comparison then SKIPs.
 */
#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <cima/cima.h>

#include "kselftest_harness.h"

/*
 * Every test talks to the VM's TPM on its own; the fixture only gives them
 * a time limit above the harness's 30 s default (TCG is slow).
 */
FIXTURE(tpm) {};
FIXTURE_SETUP(tpm) {}
FIXTURE_TEARDOWN(tpm) {}
#define TPM_TEST_TIMEOUT	300

static struct cima_platform_opts popts = {
	.sz = sizeof(struct cima_platform_opts),
	.platform = CIMA_PLATFORM_TPM,
};

/* False (the test is marked skipped) when there is no TPM to talk to. */
static bool need_tpm(struct __test_metadata *_metadata)
{
	if (!getenv("CIMA_TPM_TCTI") && access("/dev/tpmrm0", R_OK | W_OK))
		SKIP(return false, "no TPM: /dev/tpmrm0 missing and CIMA_TPM_TCTI unset");
	return true;
}

static int read_sysfs_pcr(const char *alg, int i, uint8_t *out, size_t n)
{
	char path[128], hex[200];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/tpm/tpm0/pcr-%s/%d", alg, i);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(hex, sizeof(hex), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	for (size_t k = 0; k < n; k++)
		if (sscanf(hex + 2 * k, "%2hhx", &out[k]) != 1)
			return -1;
	return 0;
}

TEST_F_TIMEOUT(tpm, platform_and_counts, TPM_TEST_TIMEOUT)
{
	uint16_t algs[8];
	int n;

	if (!need_tpm(_metadata))
		return;
	EXPECT_EQ(CIMA_PLATFORM_TPM, cima_detect_platform(&popts));
	EXPECT_EQ(24, cima_get_measurement_count(&popts));
	n = cima_get_algorithms(algs, 8, &popts);
	ASSERT_GE(n, 1);
	for (int i = 0; i < n; i++)
		TH_LOG("bank %s", cima_alg_name(algs[i]));
	EXPECT_EQ(CIMA_ALG_SHA256, cima_get_default_algorithm(&popts));
}

/* Every PCR of both banks equals the kernel's sysfs value. */
TEST_F_TIMEOUT(tpm, pcr_read_matches_sysfs, TPM_TEST_TIMEOUT)
{
	static const struct { uint16_t alg; const char *name; } banks[] = {
		{ CIMA_ALG_SHA256, "sha256" }, { CIMA_ALG_SHA384, "sha384" },
	};
	uint8_t a[64], b[64];
	int checked = 0;

	if (!need_tpm(_metadata))
		return;
	if (access("/sys/class/tpm/tpm0/pcr-sha256/0", R_OK))
		SKIP(return, "no /sys/class/tpm/tpm0/pcr-sha256 (kernel TPM driver absent)");
	for (size_t k = 0; k < 2; k++) {
		for (int i = 0; i < 24; i++) {
			int n = cima_get_cc_measurement(i, banks[k].alg, a, &popts);

			ASSERT_EQ((int)cima_alg_digest_size(banks[k].alg), n);
			ASSERT_EQ(0, read_sysfs_pcr(banks[k].name, i, b, (size_t)n));
			if (memcmp(a, b, (size_t)n))
				TH_LOG("%s PCR %d differs", banks[k].name, i);
			EXPECT_EQ(0, memcmp(a, b, (size_t)n));
			checked++;
		}
	}
	EXPECT_EQ(48, checked);
}

TEST_F_TIMEOUT(tpm, measurement_errors, TPM_TEST_TIMEOUT)
{
	uint8_t d[64];

	if (!need_tpm(_metadata))
		return;
	EXPECT_EQ(-EINVAL, cima_get_cc_measurement(24, CIMA_ALG_SHA256, d, &popts));
	EXPECT_EQ(-EINVAL, cima_get_cc_measurement(-1, CIMA_ALG_SHA256, d, &popts));
	EXPECT_EQ(-EOPNOTSUPP, cima_get_cc_measurement(0, CIMA_ALG_SHA1, d, &popts));
	EXPECT_EQ(-EOPNOTSUPP, cima_get_cc_measurement(0, 0x7777, d, &popts));
	TH_LOG("%s", cima_strerror_last());
}

static void sha512_2(const void *a, size_t al, const void *b, size_t bl, uint8_t *out)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	EVP_DigestInit_ex(c, EVP_sha512(), NULL);
	EVP_DigestUpdate(c, a, al);
	EVP_DigestUpdate(c, b, bl);
	EVP_DigestFinal_ex(c, out, NULL);
	EVP_MD_CTX_free(c);
}

TEST_F_TIMEOUT(tpm, quote_verifies_and_breaks, TPM_TEST_TIMEOUT)
{
	static const char nonce[] = "a nonce from the verifier";
	static const char data[] = "user data";
	struct cima_report_opts o = { .sz = sizeof(o), .platform = &popts,
				      .transient_ak = true };
	struct cima_tpm_quote_check c = { .sz = sizeof(c) };
	struct cima_report *r;
	uint8_t expect[64], other[64], *sig, *pcrs;
	const uint8_t *p;
	size_t len;
	uint16_t alg;
	uint32_t mask;

	if (!need_tpm(_metadata))
		return;
	r = cima_get_cc_report(nonce, strlen(nonce), data, strlen(data), &o);
	if (!r)
		TH_LOG("%s", cima_strerror_last());
	ASSERT_TRUE(r != NULL);
	EXPECT_EQ(CIMA_REPORT_TPM_QUOTE, cima_report_kind(r));
	sha512_2(nonce, strlen(nonce), data, strlen(data), expect);
	EXPECT_EQ(0, memcmp(expect, cima_report_report_data(r), 64));
	EXPECT_EQ(0, cima_report_verify(r, expect));
	p = cima_report_tpm_pcr_values(r, &len, &alg, &mask);
	EXPECT_EQ(CIMA_ALG_SHA256, alg);
	EXPECT_EQ(0xffffff, mask);
	EXPECT_EQ(24 * 32, len);

	/* A different nonce. */
	sha512_2("another nonce", 13, data, strlen(data), other);
	EXPECT_EQ(-ESTALE, cima_report_verify(r, other));

	c.attest = cima_report_blob(r, &c.attest_len);
	c.signature = cima_report_tpm_signature(r, &c.signature_len);
	c.ak_public = cima_report_tpm_ak_public(r, &c.ak_public_len);
	c.qualifying_data = expect;
	c.qualifying_data_len = 64;
	pcrs = malloc(len);
	memcpy(pcrs, p, len);
	c.pcr_values = pcrs;
	c.pcr_values_len = len;
	EXPECT_EQ(0, cima_tpm_quote_verify(&c));

	/* One PCR value changed. */
	pcrs[10 * 32 + 5] ^= 1;
	EXPECT_EQ(-EILSEQ, cima_tpm_quote_verify(&c));
	pcrs[10 * 32 + 5] ^= 1;
	c.pcr_values_len = len - 32;
	EXPECT_EQ(-EILSEQ, cima_tpm_quote_verify(&c));
	c.pcr_values_len = len;

	/* One byte of the signature (inside R) changed. */
	sig = malloc(c.signature_len);
	memcpy(sig, c.signature, c.signature_len);
	sig[10] ^= 0x01;
	c.signature = sig;
	EXPECT_EQ(-EKEYREJECTED, cima_tpm_quote_verify(&c));
	/* Truncated signature / attest: malformed, not a crash. */
	c.signature_len -= 1;
	EXPECT_EQ(-EBADMSG, cima_tpm_quote_verify(&c));
	c.signature = cima_report_tpm_signature(r, &c.signature_len);
	c.attest_len -= 1;
	EXPECT_EQ(-EBADMSG, cima_tpm_quote_verify(&c));
	c.attest_len += 1;
	EXPECT_EQ(0, cima_tpm_quote_verify(&c));
	free(sig);
	free(pcrs);
	cima_report_free(r);
}

TEST_F_TIMEOUT(tpm, quote_subset_and_bank, TPM_TEST_TIMEOUT)
{
	struct cima_report_opts o = { .sz = sizeof(o), .platform = &popts,
				      .pcr_alg = CIMA_ALG_SHA384,
				      .pcr_mask = (1u << 0) | (1u << 7) | (1u << 23) };
	struct cima_report *r;
	size_t len;
	uint8_t d[64];

	if (!need_tpm(_metadata))
		return;
	r = cima_get_cc_report(NULL, 0, NULL, 0, &o);
	ASSERT_TRUE(r != NULL);
	cima_report_tpm_pcr_values(r, &len, NULL, NULL);
	EXPECT_EQ(3 * 48, len);
	EXPECT_EQ(0, cima_report_verify(r, NULL));
	ASSERT_EQ(48, cima_get_cc_measurement(23, CIMA_ALG_SHA384, d, &popts));
	EXPECT_EQ(0, memcmp(d, cima_report_tpm_pcr_values(r, &len, NULL, NULL) + 96, 48));
	cima_report_free(r);
}

TEST_F_TIMEOUT(tpm, report_bad_input, TPM_TEST_TIMEOUT)
{
	static uint8_t big[CIMA_REPORT_INPUT_MAX + 1];
	struct cima_report_opts o = { .sz = sizeof(o), .platform = &popts };
	struct cima_report_opts bad = o;

	errno = 0;
	EXPECT_TRUE(cima_get_cc_report(big, sizeof(big), NULL, 0, &o) == NULL);
	EXPECT_EQ(E2BIG, errno);
	EXPECT_TRUE(cima_get_cc_report(NULL, 5, NULL, 0, &o) == NULL);
	EXPECT_EQ(EINVAL, errno);
	bad.pcr_mask = 1u << 24;
	if (!need_tpm(_metadata))
		return;
	EXPECT_TRUE(cima_get_cc_report(NULL, 0, NULL, 0, &bad) == NULL);
	EXPECT_EQ(EINVAL, errno);
	bad = o;
	bad.pcr_alg = CIMA_ALG_SHA1;	/* no sha1 bank on the test TPM */
	EXPECT_TRUE(cima_get_cc_report(NULL, 0, NULL, 0, &bad) == NULL);
	TH_LOG("sha1: %s", cima_strerror_last());
}

TEST_F_TIMEOUT(tpm, no_platform_is_clear, TPM_TEST_TIMEOUT)
{
	struct cima_platform_opts p = { .sz = sizeof(p), .root = "/nonexistent-root" };
	uint8_t d[64];

	unsetenv("CIMA_PLATFORM");
	unsetenv("CIMA_TPM_TCTI");
	EXPECT_EQ(-ENODEV, cima_detect_platform(&p));
	TH_LOG("%s", cima_strerror_last());
	EXPECT_TRUE(strstr(cima_strerror_last(), "/dev/tpmrm0") != NULL);
	EXPECT_TRUE(strstr(cima_strerror_last(), "tdx_guest") != NULL);
	EXPECT_TRUE(strstr(cima_strerror_last(), "/dev/sev-guest") != NULL);
	EXPECT_EQ(-ENODEV, cima_get_cc_measurement(0, 0, d, &p));
	setenv("CIMA_PLATFORM", "bogus", 1);
	EXPECT_EQ(-EINVAL, cima_detect_platform(NULL));
	setenv("CIMA_PLATFORM", "snp", 1);
	EXPECT_EQ(CIMA_PLATFORM_SNP, cima_detect_platform(NULL));
}

/*
 * A persistent AK provisioned at 0x81010002 with tpm2-tools is used (and
 * verifies); a non-restricted key there is not used (transient instead).
 */
TEST_F_TIMEOUT(tpm, persistent_ak, TPM_TEST_TIMEOUT)
{
	struct cima_report_opts o = { .sz = sizeof(o), .platform = &popts };
	struct cima_report *r;
	char cmd[1024];
	const char *tcti = getenv("CIMA_TPM_TCTI");

	if (!need_tpm(_metadata))
		return;
	if (system("command -v tpm2_evictcontrol >/dev/null"))
		SKIP(return, "tpm2-tools not installed");
	setenv("TPM2TOOLS_TCTI", tcti ? tcti : "device:/dev/tpmrm0", 1);
	system("tpm2_evictcontrol -Q -C o -c 0x81010002 >/dev/null 2>&1");
	snprintf(cmd, sizeof(cmd),
		 "tpm2_createprimary -Q -C e -G ecc256:ecdsa-sha256:null -g sha256 "
		 "-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign' "
		 "-c /tmp/cima-ak.ctx && tpm2_evictcontrol -Q -C o -c /tmp/cima-ak.ctx 0x81010002 >/dev/null"
		 " && tpm2_flushcontext -t");
	ASSERT_EQ(0, system(cmd));
	r = cima_get_cc_report("p", 1, NULL, 0, &o);
	ASSERT_TRUE(r != NULL);
	TH_LOG("%s", cima_report_source(r));
	EXPECT_TRUE(strstr(cima_report_source(r), "persistent AK 0x81010002") != NULL);
	EXPECT_EQ(0, cima_report_verify(r, NULL));
	cima_report_free(r);
	o.transient_ak = true;
	r = cima_get_cc_report("p", 1, NULL, 0, &o);
	ASSERT_TRUE(r != NULL);
	EXPECT_TRUE(strstr(cima_report_source(r), "transient") != NULL);
	cima_report_free(r);
	o.transient_ak = false;
	/* An unrestricted signing key at the handle must not be used. */
	system("tpm2_evictcontrol -Q -C o -c 0x81010002 >/dev/null 2>&1");
	ASSERT_EQ(0, system("tpm2_createprimary -Q -C e -G ecc256:ecdsa-sha256:null -g sha256 "
			    "-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign' "
			    "-c /tmp/cima-ak.ctx && tpm2_evictcontrol -Q -C o -c /tmp/cima-ak.ctx 0x81010002 >/dev/null"
			    " && tpm2_flushcontext -t"));
	r = cima_get_cc_report("p", 1, NULL, 0, &o);
	ASSERT_TRUE(r != NULL);
	TH_LOG("unrestricted key at the handle: %s", cima_report_source(r));
	EXPECT_TRUE(strstr(cima_report_source(r), "transient") != NULL);
	EXPECT_EQ(0, cima_report_verify(r, NULL));
	cima_report_free(r);
	system("tpm2_evictcontrol -Q -C o -c 0x81010002 >/dev/null 2>&1");
	unlink("/tmp/cima-ak.ctx");
}

static void le(EVP_MD_CTX *c, uint64_t v, int n)
{
	uint8_t b[8];

	for (int i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	EVP_DigestUpdate(c, b, (size_t)n);
}

/*
 * Evidence snapshot: the report data must be the documented construction,
 * recomputed here byte by byte with OpenSSL, and the quote must verify
 * with it.  Malformed snapshot files give EBADMSG and no report.
 */
TEST_F_TIMEOUT(tpm, evidence_snapshot_rule, TPM_TEST_TIMEOUT)
{
	static const char *const bad[] = {
		"version 2\ncount 1\nsha256 00\n",
		"version 1\ncount x\n",
		"version 1\ncount 3\n",
		"version 1\ncount 3\nsha256 0011\n",
		"version 1\ncount 3\nsha256 zz00000000000000000000000000000000000000000000000000000000000000\n",
	};
	char path[] = "/tmp/cima-snap-XXXXXX";
	struct cima_report_opts o = { .sz = sizeof(o), .platform = &popts,
				      .evidence_snapshot = true, .snapshot_path = path };
	uint8_t v256[32], v384[48], expect[64];
	const uint8_t *vals[8];
	uint16_t algs[8];
	uint64_t count;
	struct cima_report *r;
	EVP_MD_CTX *c;
	FILE *f;
	int fd;

	if (!need_tpm(_metadata))
		return;
	for (int i = 0; i < 32; i++)
		v256[i] = (uint8_t)(0xa0 + i);
	for (int i = 0; i < 48; i++)
		v384[i] = (uint8_t)(0x10 + i);
	fd = mkstemp(path);
	ASSERT_GE(fd, 0);
	f = fdopen(fd, "w");
	fprintf(f, "version 1\ncount 42\nsha256 ");
	for (int i = 0; i < 32; i++)
		fprintf(f, "%02x", v256[i]);
	fprintf(f, "\nsha384 ");
	for (int i = 0; i < 48; i++)
		fprintf(f, "%02x", v384[i]);
	fprintf(f, "\n");
	fclose(f);

	c = EVP_MD_CTX_new();
	EVP_DigestInit_ex(c, EVP_sha512(), NULL);
	EVP_DigestUpdate(c, "CIMA-EVIDENCE-SNAPSHOT-V1", 26);	/* with its NUL */
	le(c, 3, 8); EVP_DigestUpdate(c, "abc", 3);
	le(c, 2, 8); EVP_DigestUpdate(c, "de", 2);
	le(c, 42, 8); le(c, 2, 4);
	le(c, 0x000b, 2); le(c, 32, 2); EVP_DigestUpdate(c, v256, 32);
	le(c, 0x000c, 2); le(c, 48, 2); EVP_DigestUpdate(c, v384, 48);
	EVP_DigestFinal_ex(c, expect, NULL);
	EVP_MD_CTX_free(c);

	r = cima_get_cc_report("abc", 3, "de", 2, &o);
	if (!r)
		TH_LOG("%s", cima_strerror_last());
	ASSERT_TRUE(r != NULL);
	EXPECT_EQ(0, memcmp(expect, cima_report_report_data(r), 64));
	EXPECT_EQ(0, cima_report_verify(r, expect));
	ASSERT_EQ(2, cima_report_snapshot(r, &count, algs, vals, 8));
	EXPECT_EQ(42, count);
	EXPECT_EQ(CIMA_ALG_SHA384, algs[1]);
	EXPECT_EQ(0, memcmp(v384, vals[1], 48));
	cima_report_free(r);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = fopen(path, "w");
		fputs(bad[i], f);
		fclose(f);
		errno = 0;
		r = cima_get_cc_report("abc", 3, NULL, 0, &o);
		EXPECT_TRUE(r == NULL);
		EXPECT_EQ(EBADMSG, errno);
		cima_report_free(r);
	}
	unlink(path);
	o.snapshot_path = "/nonexistent/snapshot";
	EXPECT_TRUE(cima_get_cc_report(NULL, 0, NULL, 0, &o) == NULL);
	EXPECT_EQ(ENOENT, errno);
}

/* With cima.ko loaded: the real snapshot file is accepted and folded in. */
TEST_F_TIMEOUT(tpm, evidence_snapshot_module, TPM_TEST_TIMEOUT)
{
	struct cima_report_opts o = { .sz = sizeof(o), .platform = &popts,
				      .evidence_snapshot = true };
	struct cima_report *r;
	uint64_t count;
	uint16_t algs[8];
	int n;

	if (!need_tpm(_metadata))
		return;
	if (access("/sys/kernel/security/cima/snapshot", R_OK))
		SKIP(return, "cima.ko not loaded (no /sys/kernel/security/cima/snapshot)");
	r = cima_get_cc_report("n", 1, NULL, 0, &o);
	if (!r)
		TH_LOG("%s", cima_strerror_last());
	ASSERT_TRUE(r != NULL);
	n = cima_report_snapshot(r, &count, algs, NULL, 8);
	EXPECT_GE(n, 1);
	TH_LOG("snapshot: %d banks, count %llu", n, (unsigned long long)count);
	EXPECT_EQ(0, cima_report_verify(r, NULL));
	cima_report_free(r);
}

/* "backend tpm" and "index N" of the module's register file, else -1. */
static int cima_tpm_index(void)
{
	char line[256];
	int idx = -1, tpm = 0;
	FILE *f = fopen("/sys/kernel/security/cima/register", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strcmp(line, "backend tpm\n"))
			tpm = 1;
		sscanf(line, "index %d", &idx);
	}
	fclose(f);
	return tpm ? idx : -1;
}

static volatile int writer_stop;
static long writer_events;

/* Runtime events into container @arg's event file, in bursts, until told to stop. */
static void *event_writer(void *arg)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/kernel/security/cima/containers/%s/event",
		 (const char *)arg);
	while (!writer_stop) {
		int fd = open(path, O_WRONLY);
		char ev[64];
		int len = snprintf(ev, sizeof(ev), "selftest.race %ld", writer_events);

		if (fd < 0)
			break;
		if (write(fd, ev, len) == len)
			writer_events++;
		close(fd);
		/*
		 * Bursts of 5 with quiet gaps, as containers starting and
		 * exec'ing give: against an endless stream of extends no quote
		 * can match a PCR read (the library then fails with EAGAIN, as
		 * it should); a burst that hits the window makes it retry.
		 */
		if (writer_events % 5 == 0)
			usleep(300000);
	}
	return NULL;
}

/*
 * The point of the snapshot: the quote shows the cima PCR at exactly the
 * snapshot's value (so it covers exactly the first `count` events), also
 * while another thread keeps adding events (the library takes snapshot
 * and quote again when an event slips in between).  That the snapshot's
 * prefix replays to its values is test_log's (kmod) check.
 */
TEST_F_TIMEOUT(tpm, evidence_snapshot_matches_quote_under_writes, TPM_TEST_TIMEOUT)
{
	struct cima_report_opts o = { .sz = sizeof(o), .platform = &popts,
				      .evidence_snapshot = true };
	char id[65], cg[128];
	pthread_t w;
	int idx, good = 0;

	if (!need_tpm(_metadata))
		return;
	idx = cima_tpm_index();
	if (idx < 0)
		SKIP(return, "cima.ko not loaded with the tpm backend");
	for (int i = 0; i < 64; i++)
		id[i] = "0123456789abcdef"[(getpid() * 7 + i * 13) & 15];
	id[64] = '\0';
	snprintf(cg, sizeof(cg), "/sys/fs/cgroup/%s", id);
	ASSERT_EQ(0, mkdir(cg, 0755));
	writer_stop = 0;
	ASSERT_EQ(0, pthread_create(&w, NULL, event_writer, id));
	for (int i = 0; i < 6; i++) {
		struct cima_report *r = cima_get_cc_report("race", 4, NULL, 0, &o);
		const uint8_t *vals[8], *pcrs;
		uint16_t algs[8], palg;
		uint32_t mask;
		uint64_t count;
		size_t plen;
		int n, k = 0;

		if (!r) {
			TH_LOG("report %d: %s", i, cima_strerror_last());
			continue;
		}
		n = cima_report_snapshot(r, &count, algs, vals, 8);
		pcrs = cima_report_tpm_pcr_values(r, &plen, &palg, &mask);
		for (int b = 0; b < idx; b++)
			k += !!(mask & (1u << b));
		for (int b = 0; b < n; b++) {
			size_t ds = cima_alg_digest_size(algs[b]);

			if (algs[b] == palg && (mask & (1u << idx)) && (k + 1) * ds <= plen &&
			    !memcmp(pcrs + k * ds, vals[b], ds) &&
			    cima_report_verify(r, NULL) == 0)
				good++;
		}
		cima_report_free(r);
	}
	writer_stop = 1;
	pthread_join(w, NULL);
	rmdir(cg);
	TH_LOG("%d of 6 snapshot quotes show PCR %d at the snapshot value; %ld events written meanwhile",
	       good, idx, writer_events);
	EXPECT_TRUE(writer_events > 0);
	EXPECT_EQ(6, good);
}

static void *quote_thread(void *arg)
{
	long id = (long)arg;
	char nonce[32];
	struct cima_report_opts o = { .sz = sizeof(o), .platform = &popts };
	struct cima_report *r;
	uint8_t expect[64];
	long ok = 0;

	snprintf(nonce, sizeof(nonce), "thread-%ld", id);
	r = cima_get_cc_report(nonce, strlen(nonce), NULL, 0, &o);
	sha512_2(nonce, strlen(nonce), "", 0, expect);
	if (r && cima_report_verify(r, expect) == 0)
		ok = 1;
	cima_report_free(r);
	return (void *)ok;
}

/* Several quotes at once in one process (the resource manager serialises). */
TEST_F_TIMEOUT(tpm, concurrent_quotes_threads, TPM_TEST_TIMEOUT)
{
	pthread_t t[8];
	long ok = 0;

	if (!need_tpm(_metadata))
		return;
	for (long i = 0; i < 8; i++) {
		ASSERT_EQ(0, pthread_create(&t[i], NULL, quote_thread, (void *)i));
	}
	for (int i = 0; i < 8; i++) {
		void *v;

		pthread_join(t[i], &v);
		ok += (long)v;
	}
	EXPECT_EQ(8, ok);
}

TEST_HARNESS_MAIN
