// SPDX-License-Identifier: GPL-2.0
/*
 * The library's real TDX and SNP code paths against FAKE kernel interfaces
 * (selftests/fakes: fake_tdx_guest.ko, fake_tsm.ko).  The fakes return
 * synthetic evidence with documented contents; these tests check the
 * library's device/configfs-tsm handling, provider and generation checks,
 * parsing and report-data binding.  They say nothing about TDX or SNP
 * hardware.  Run as root in the test VM; each test loads and unloads the
 * fake it needs and SKIPs when it cannot (no fake built for this kernel,
 * a real device present, no configfs-tsm).
 */
#include <openssl/evp.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <cima/cima.h>

#include "kselftest_harness.h"

#define TSM_DIR "/sys/kernel/config/tsm/report"

static char fakedir[200];

/* Each test loads and unloads its own fake; the fixture gives the time limit. */
FIXTURE(cc_fakes) {};
FIXTURE_SETUP(cc_fakes) {}
FIXTURE_TEARDOWN(cc_fakes) {}
#define FAKES_TEST_TIMEOUT	300

/*
 * The helpers below return false when they mark the test skipped; the test
 * then returns.
 */
static bool find_fakes(struct __test_metadata *_metadata)
{
	char exe[900];
	struct utsname u;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	uname(&u);
	if (n <= 0)
		SKIP(return false, "cannot find myself");
	exe[n] = 0;
	/* exe: $O/selftests/report/test_cc_fakes -> $O/fakes/<release>/ */
	for (int i = 0; i < 3; i++)
		*strrchr(exe, '/') = 0;
	if (snprintf(fakedir, sizeof(fakedir), "%s/fakes/%s", exe, u.release) >=
	    (int)sizeof(fakedir))
		SKIP(return false, "build directory path too long");
	return true;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static bool load_tdx_fake(struct __test_metadata *_metadata)
{
	if (!find_fakes(_metadata))
		return false;
	if (geteuid())
		SKIP(return false, "needs root");
	if (!access("/dev/tdx_guest", F_OK))
		SKIP(return false, "a tdx_guest device exists already; not faking over it");
	if (sh("insmod %s/fake_tdx_guest.ko 2>&1", fakedir))
		SKIP(return false, "cannot insmod %s/fake_tdx_guest.ko (run make fakes)",
		     fakedir);
	for (int i = 0; i < 50 && access("/dev/tdx_guest", F_OK); i++)
		usleep(20000);
	return true;
}

static bool load_tsm_fake(struct __test_metadata *_metadata, const char *args)
{
	if (!find_fakes(_metadata))
		return false;
	if (geteuid())
		SKIP(return false, "needs root");
	if (access("/sys/kernel/config/tsm", F_OK)) {
		sh("modprobe tsm 2>/dev/null");
		if (access("/sys/kernel/config", F_OK) == 0)
			mount("none", "/sys/kernel/config", "configfs", 0, NULL);
	}
	if (access(TSM_DIR, F_OK))
		SKIP(return false, "no configfs-tsm on this kernel (v6.7+, module tsm)");
	if (access("/dev/tdx_guest", F_OK) == 0 || access("/dev/sev-guest", F_OK) == 0)
		SKIP(return false, "a real CC guest device exists; not faking");
	if (sh("insmod %s/fake_tsm.ko %s 2>&1", fakedir, args))
		SKIP(return false, "cannot insmod %s/fake_tsm.ko (6.12 only; run make fakes)",
		     fakedir);
	return true;
}

static void unload(const char *mod)
{
	sh("rmmod %s", mod);
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

static bool all(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* Fake /dev/tdx_guest: TDREPORT path, registers from TDREPORT, errors. */
TEST_F_TIMEOUT(cc_fakes, tdx_ioctl_fake, FAKES_TEST_TIMEOUT)
{
	struct cima_platform_opts po = { .sz = sizeof(po), .platform = CIMA_PLATFORM_TDX,
					 .no_tsm = true };
	struct cima_report_opts o = { .sz = sizeof(o), .platform = &po };
	struct cima_tdx_tdreport t;
	struct cima_report *r;
	uint8_t expect[64], d[64];
	const uint8_t *blob;
	size_t len;

	if (!load_tdx_fake(_metadata))
		return;
	EXPECT_EQ(CIMA_PLATFORM_TDX, cima_detect_platform(NULL));
	EXPECT_EQ(CIMA_ALG_SHA384, cima_get_default_algorithm(&po));
	/* The original SDK's numbering: 4 IMRs, IMR n = RTMR n. */
	EXPECT_EQ(4, cima_get_measurement_count(&po));
	r = cima_get_cc_report("n1", 2, "d1", 2, &o);
	if (!r)
		TH_LOG("%s", cima_strerror_last());
	ASSERT_TRUE(r != NULL);
	EXPECT_EQ(CIMA_REPORT_TDX_TDREPORT, cima_report_kind(r));
	TH_LOG("kind %s, source %s", cima_report_kind_name(cima_report_kind(r)),
	       cima_report_source(r));
	sha512_2("n1", 2, "d1", 2, expect);
	blob = cima_report_blob(r, &len);
	ASSERT_EQ(1024, len);
	ASSERT_EQ(0, cima_tdx_tdreport_parse(blob, len, &t));
	EXPECT_EQ(0, memcmp(expect, t.body.report_data, 64));
	EXPECT_TRUE(all(t.body.mr_td, 48, 0x11));
	EXPECT_EQ(-EOPNOTSUPP, cima_report_verify(r, NULL));
	cima_report_free(r);
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(48, cima_get_cc_measurement(i, 0, d, &po));
		EXPECT_TRUE(all(d, 48, 0x20 + i));
		ASSERT_EQ(48, cima_get_cc_mr(i + 1, 0, d, &po));
		EXPECT_TRUE(all(d, 48, 0x20 + i));
	}
	/* MRTD by CC MR index only. */
	ASSERT_EQ(48, cima_get_cc_mr(CIMA_CC_MR_MRTD, 0, d, &po));
	EXPECT_TRUE(all(d, 48, 0x11));
	EXPECT_EQ(-EINVAL, cima_get_cc_measurement(4, 0, d, &po));
	EXPECT_EQ(-EOPNOTSUPP, cima_get_cc_measurement(1, CIMA_ALG_SHA256, d, &po));
	unload("fake_tdx_guest");
	/* Device gone: a clear error naming it. */
	EXPECT_EQ(-ENOENT, cima_get_cc_measurement(0, 0, d, &po));
	EXPECT_TRUE(strstr(cima_strerror_last(), "/dev/tdx_guest") != NULL);
}

/* Fake /dev/sev-guest: SNP_GET_REPORT path (no configfs-tsm). */
TEST_F_TIMEOUT(cc_fakes, snp_ioctl_fake, FAKES_TEST_TIMEOUT)
{
	struct cima_platform_opts po = { .sz = sizeof(po), .no_tsm = true };
	struct cima_report_opts o = { .sz = sizeof(o), .platform = &po };
	struct cima_snp_report s;
	struct cima_report *r;
	uint8_t expect[64], d[64];
	const uint8_t *blob;
	size_t len;

	if (!find_fakes(_metadata))
		return;
	if (geteuid())
		SKIP(return, "needs root");
	if (!access("/dev/sev-guest", F_OK) || !access("/dev/tdx_guest", F_OK))
		SKIP(return, "a CC guest device exists already; not faking over it");
	if (sh("insmod %s/fake_sev_guest.ko 2>&1", fakedir))
		SKIP(return, "cannot insmod %s/fake_sev_guest.ko (run make fakes)", fakedir);
	for (int i = 0; i < 50 && access("/dev/sev-guest", F_OK); i++)
		usleep(20000);
	unsetenv("CIMA_PLATFORM");
	EXPECT_EQ(CIMA_PLATFORM_SNP, cima_detect_platform(&po));
	r = cima_get_cc_report("snp-nonce", 9, "u", 1, &o);
	if (!r)
		TH_LOG("%s", cima_strerror_last());
	ASSERT_TRUE(r != NULL);
	EXPECT_EQ(CIMA_REPORT_SNP, cima_report_kind(r));
	EXPECT_STREQ("ioctl:/dev/sev-guest", cima_report_source(r));
	blob = cima_report_blob(r, &len);
	ASSERT_EQ(1184, len);
	ASSERT_EQ(0, cima_snp_report_parse(blob, len, &s));
	sha512_2("snp-nonce", 9, "u", 1, expect);
	EXPECT_EQ(0, memcmp(expect, s.report_data, 64));
	EXPECT_TRUE(all(s.chip_id, 64, 0x66));
	cima_report_free(r);
	ASSERT_EQ(48, cima_get_cc_measurement(0, CIMA_ALG_SHA384, d, &po));
	EXPECT_TRUE(all(d, 48, 0x55));
	unload("fake_sev_guest");
	EXPECT_EQ(-ENOENT, cima_get_cc_measurement(0, 0, d, &(struct cima_platform_opts){
		.sz = sizeof(po), .platform = CIMA_PLATFORM_SNP, .no_tsm = true }));
	EXPECT_TRUE(strstr(cima_strerror_last(), "/dev/sev-guest") != NULL);
}

/* Fake configfs-tsm provider tdx_guest: quote path with provider check. */
TEST_F_TIMEOUT(cc_fakes, tsm_tdx_fake, FAKES_TEST_TIMEOUT)
{
	struct cima_report_opts o = { .sz = sizeof(o) };
	struct cima_tdx_quote q;
	struct cima_report *r;
	uint8_t expect[64], d[64];
	const uint8_t *blob;
	size_t len;

	if (!load_tsm_fake(_metadata, "kind=tdx"))
		return;
	unsetenv("CIMA_PLATFORM");
	EXPECT_EQ(CIMA_PLATFORM_TDX, cima_detect_platform(NULL));
	r = cima_get_cc_report("nonce", 5, NULL, 0, &o);
	if (!r)
		TH_LOG("%s", cima_strerror_last());
	ASSERT_TRUE(r != NULL);
	EXPECT_EQ(CIMA_REPORT_TDX_QUOTE, cima_report_kind(r));
	EXPECT_STREQ("configfs-tsm:tdx_guest", cima_report_source(r));
	blob = cima_report_blob(r, &len);
	ASSERT_EQ(0, cima_tdx_quote_parse(blob, len, &q));
	sha512_2("nonce", 5, "", 0, expect);
	EXPECT_EQ(0, memcmp(expect, q.body.report_data, 64));
	EXPECT_TRUE(all(q.body.rtmr[3], 48, 0x23));
	EXPECT_EQ(0, cima_report_dump(r, fopen("/dev/null", "w")));
	cima_report_free(r);
	/* No /dev/tdx_guest and no sysfs MRs: registers need a TDREPORT. */
	EXPECT_EQ(-ENOENT, cima_get_cc_measurement(0, 0, d, NULL));
	/* The private entry was removed. */
	EXPECT_EQ(0, sh("[ -z \"$(ls %s)\" ]", TSM_DIR));
	unload("fake_tsm");
}

/* Fake provider sev_guest: SNP detection, report and MEASUREMENT. */
TEST_F_TIMEOUT(cc_fakes, tsm_snp_fake, FAKES_TEST_TIMEOUT)
{
	struct cima_report_opts o = { .sz = sizeof(o) };
	struct cima_snp_report s;
	struct cima_report *r;
	uint8_t expect[64], d[64];
	const uint8_t *blob;
	size_t len;

	if (!load_tsm_fake(_metadata, "kind=snp"))
		return;
	unsetenv("CIMA_PLATFORM");
	EXPECT_EQ(CIMA_PLATFORM_SNP, cima_detect_platform(NULL));
	EXPECT_EQ(1, cima_get_measurement_count(NULL));
	r = cima_get_cc_report(NULL, 0, "data", 4, &o);
	if (!r)
		TH_LOG("%s", cima_strerror_last());
	ASSERT_TRUE(r != NULL);
	EXPECT_EQ(CIMA_REPORT_SNP, cima_report_kind(r));
	blob = cima_report_blob(r, &len);
	ASSERT_EQ(0, cima_snp_report_parse(blob, len, &s));
	sha512_2("", 0, "data", 4, expect);
	EXPECT_EQ(0, memcmp(expect, s.report_data, 64));
	EXPECT_TRUE(all(s.chip_id, 64, 0x44));
	cima_report_free(r);
	ASSERT_EQ(48, cima_get_cc_measurement(0, 0, d, NULL));
	EXPECT_TRUE(all(d, 48, 0x33));
	EXPECT_EQ(-EINVAL, cima_get_cc_measurement(1, 0, d, NULL));
	unload("fake_tsm");
}

/* A provider that is neither tdx_guest nor sev_guest is not used. */
TEST_F_TIMEOUT(cc_fakes, tsm_wrong_provider, FAKES_TEST_TIMEOUT)
{
	struct cima_platform_opts po = { .sz = sizeof(po), .platform = CIMA_PLATFORM_TDX };
	struct cima_report_opts o = { .sz = sizeof(o), .platform = &po };

	if (!load_tsm_fake(_metadata, "kind=tdx provider=fake_other"))
		return;
	unsetenv("CIMA_PLATFORM");
	EXPECT_TRUE(cima_detect_platform(NULL) != CIMA_PLATFORM_TDX);
	errno = 0;
	EXPECT_TRUE(cima_get_cc_report(NULL, 0, NULL, 0, &o) == NULL);
	TH_LOG("forced tdx with provider fake_other: %s", cima_strerror_last());
	EXPECT_TRUE(strstr(cima_strerror_last(), "tdx_guest") != NULL);
	/* Naming the entry directly reaches the provider check itself. */
	ASSERT_EQ(0, mkdir(TSM_DIR "/shared-wrong", 0700));
	po.platform = CIMA_PLATFORM_SNP;
	o.tsm_entry = "shared-wrong";
	EXPECT_TRUE(cima_get_cc_report(NULL, 0, NULL, 0, &o) == NULL);
	EXPECT_EQ(ENODEV, errno);
	TH_LOG("entry of provider fake_other, asked for snp: %s", cima_strerror_last());
	EXPECT_TRUE(strstr(cima_strerror_last(), "fake_other") != NULL);
	rmdir(TSM_DIR "/shared-wrong");
	unload("fake_tsm");
}

static int retries_seen;

static void count_retries(enum cima_log_level l, const char *msg, void *ctx)
{
	(void)l; (void)ctx;
	if (strstr(msg, "another writer"))
		retries_seen++;
}

/*
 * Generation check: a second process keeps writing inblob of a shared
 * entry while the library asks for reports through it.  Every report the
 * library returns must carry its own report data (the library re-checks it
 * and would fail with EIO), and the race must really have happened.
 */
TEST_F_TIMEOUT(cc_fakes, tsm_generation_race, FAKES_TEST_TIMEOUT)
{
	struct cima_report_opts o = { .sz = sizeof(o), .tsm_entry = "race",
				      .tsm_retries = 100 };
	int ok = 0, busy = 0, wrong = 0;
	pid_t child;

	if (!load_tsm_fake(_metadata, "kind=tdx delay_ms=5"))
		return;
	ASSERT_EQ(0, mkdir(TSM_DIR "/race", 0700));
	child = fork();
	if (child == 0) {
		uint8_t junk[64];

		memset(junk, 0xee, sizeof(junk));
		for (;;) {
			int fd = open(TSM_DIR "/race/inblob", O_WRONLY);

			if (fd >= 0) {
				if (write(fd, junk, 64) != 64)
					_exit(1);
				close(fd);
			}
			usleep(2000);
		}
	}
	cima_set_log_fn(count_retries, NULL);
	for (int i = 0; i < 40; i++) {
		char nonce[16];
		uint8_t expect[64];
		struct cima_report *r;

		snprintf(nonce, sizeof(nonce), "race-%d", i);
		r = cima_get_cc_report(nonce, strlen(nonce), NULL, 0, &o);
		if (r) {
			struct cima_tdx_quote q;
			size_t len;
			const uint8_t *b = cima_report_blob(r, &len);

			sha512_2(nonce, strlen(nonce), "", 0, expect);
			if (!cima_tdx_quote_parse(b, len, &q) &&
			    !memcmp(q.body.report_data, expect, 64))
				ok++;
			else
				wrong++;
			cima_report_free(r);
		} else if (errno == EBUSY) {
			busy++;
		} else {
			TH_LOG("report %d: %s", i, cima_strerror_last());
			wrong++;
		}
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	rmdir(TSM_DIR "/race");
	unload("fake_tsm");
	TH_LOG("40 reports under a concurrent writer: %d ok, %d busy, %d wrong; %d retries",
	       ok, busy, wrong, retries_seen);
	EXPECT_EQ(0, wrong);
	EXPECT_GE(ok, 20);
	EXPECT_GE(retries_seen, 1);
}

TEST_HARNESS_MAIN
