// SPDX-License-Identifier: GPL-2.0
/*
 * Platform detection order and overrides on a fake /dev tree (opts.root),
 * and the configfs-tsm client against a plain directory posing as a report
 * entry whose generation never moves: the generation check must refuse the
 * outblob (EBUSY after the retries) and leave no report.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <cima/cima.h>

#include "tap.h"

static char root[64];

static void mkroot(void)
{
	char p[128];

	strcpy(root, "/tmp/cima-plat-XXXXXX");
	if (!mkdtemp(root))
		SKIP("mkdtemp: %s", strerror(errno));
	snprintf(p, sizeof(p), "%s/dev", root);
	mkdir(p, 0755);
	unsetenv("CIMA_PLATFORM");
	unsetenv("CIMA_TPM_TCTI");
}

static void touch(const char *rel)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s%s", root, rel);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	if (fd >= 0)
		close(fd);
}

static void put(const char *path, const void *buf, size_t n)
{
	FILE *f = fopen(path, "w");

	fwrite(buf, 1, n, f);
	fclose(f);
}

TEST(detection_order)
{
	struct cima_platform_opts po = { .sz = sizeof(po) };

	mkroot();
	po.root = root;
	EXPECT_EQ(-ENODEV, cima_detect_platform(&po));
	touch("/dev/tpmrm0");
	EXPECT_EQ(CIMA_PLATFORM_TPM, cima_detect_platform(&po));
	touch("/dev/sev-guest");
	EXPECT_EQ(CIMA_PLATFORM_SNP, cima_detect_platform(&po));
	touch("/dev/tdx_guest");
	EXPECT_EQ(CIMA_PLATFORM_TDX, cima_detect_platform(&po));
	setenv("CIMA_PLATFORM", "tpm", 1);
	EXPECT_EQ(CIMA_PLATFORM_TPM, cima_detect_platform(&po));
	setenv("CIMA_PLATFORM", "SNP", 1);
	EXPECT_EQ(CIMA_PLATFORM_SNP, cima_detect_platform(&po));
	po.platform = CIMA_PLATFORM_TDX;	/* the option beats the variable */
	EXPECT_EQ(CIMA_PLATFORM_TDX, cima_detect_platform(&po));
	po.platform = 9;
	EXPECT_EQ(-EINVAL, cima_detect_platform(&po));
	po.platform = 0;
	po.sz = 2;
	EXPECT_EQ(-EINVAL, cima_detect_platform(&po));
	/* An older, smaller options struct: fields past sz (here root) count
	 * as zero, so it answers like no options at all. */
	po.sz = offsetof(struct cima_platform_opts, root);
	unsetenv("CIMA_PLATFORM");
	EXPECT_EQ(cima_detect_platform(NULL), cima_detect_platform(&po));
	po.sz = sizeof(po);
	EXPECT_EQ(CIMA_PLATFORM_TDX, cima_detect_platform(&po));
	EXPECT_STREQ("tdx", cima_platform_name(CIMA_PLATFORM_TDX));
	EXPECT_EQ(-EINVAL, cima_platform_from_name("sgx"));
	EXPECT_TRUE(cima_platform_name(7) == NULL);
}

TEST(tsm_generation_never_moves)
{
	struct cima_platform_opts po = { .sz = sizeof(po), .platform = CIMA_PLATFORM_TDX };
	struct cima_report_opts o = { .sz = sizeof(o), .platform = &po,
				      .tsm_entry = "e", .tsm_retries = 3 };
	char dir[128], p[192];
	uint8_t blob[768] = { 4, 0, 2, 0, 0x81 };

	mkroot();
	snprintf(dir, sizeof(dir), "%s/tsm", root);
	mkdir(dir, 0755);
	po.tsm_dir = dir;
	snprintf(p, sizeof(p), "%s/e", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/e/provider", dir);
	put(p, "tdx_guest\n", 10);
	snprintf(p, sizeof(p), "%s/e/generation", dir);
	put(p, "7\n", 2);
	snprintf(p, sizeof(p), "%s/e/inblob", dir);
	put(p, "", 0);
	blob[48 + 584] = 128;
	snprintf(p, sizeof(p), "%s/e/outblob", dir);
	put(p, blob, sizeof(blob));
	errno = 0;
	EXPECT_TRUE(cima_get_cc_report("n", 1, NULL, 0, &o) == NULL);
	EXPECT_EQ(EBUSY, errno);
	TH_LOG("%s", cima_strerror_last());
	/* Wrong provider named by the entry. */
	snprintf(p, sizeof(p), "%s/e/provider", dir);
	put(p, "sev_guest\n", 10);
	EXPECT_TRUE(cima_get_cc_report("n", 1, NULL, 0, &o) == NULL);
	EXPECT_EQ(ENODEV, errno);
	/* Bad entry names are refused before any file access. */
	o.tsm_entry = "../e";
	EXPECT_TRUE(cima_get_cc_report("n", 1, NULL, 0, &o) == NULL);
	EXPECT_EQ(EINVAL, errno);
	/* A generation that is not a number. */
	o.tsm_entry = "e";
	snprintf(p, sizeof(p), "%s/e/provider", dir);
	put(p, "tdx_guest\n", 10);
	snprintf(p, sizeof(p), "%s/e/generation", dir);
	put(p, "seven\n", 6);
	EXPECT_TRUE(cima_get_cc_report("n", 1, NULL, 0, &o) == NULL);
	EXPECT_EQ(EIO, errno);
	snprintf(p, sizeof(p), "rm -rf %s", root);
	if (system(p))
		TH_LOG("cleanup failed");
}

/*
 * TDX measurement registers from the kernel's sysfs files (v6.16+:
 * /sys/class/misc/tdx_guest/measurements/<reg>:sha384, 48 raw bytes), on a
 * fake tree: IMR n = RTMR n (as the original SDK), MRTD by CC MR index
 * (cima_get_cc_mr: 0 MRTD, 1-4 RTMR0-3); a file of the wrong size is a
 * clear error, not a short digest.
 */
TEST(tdx_measurement_sysfs)
{
	static const char *const regs[] = { "mrtd", "rtmr0", "rtmr1", "rtmr2", "rtmr3" };
	struct cima_platform_opts po = { .sz = sizeof(po), .platform = CIMA_PLATFORM_TDX };
	uint8_t want[48], got[CIMA_MAX_DIGEST_SIZE];
	char p[512];

	mkroot();
	po.root = root;
	touch("/dev/tdx_guest");
	snprintf(p, sizeof(p), "mkdir -p %s/sys/class/misc/tdx_guest/measurements", root);
	ASSERT_EQ(0, system(p));
	for (int i = 0; i < 5; i++) {
		memset(want, 0x10 * i + 1, sizeof(want));
		want[0] = (uint8_t)i;
		snprintf(p, sizeof(p), "%s/sys/class/misc/tdx_guest/measurements/%s:sha384",
			 root, regs[i]);
		put(p, want, sizeof(want));
	}
	/* regs[i] is CC MR i: IMR i - 1 (RTMR i - 1). */
	for (int i = 0; i < 5; i++) {
		memset(want, 0x10 * i + 1, sizeof(want));
		want[0] = (uint8_t)i;
		memset(got, 0, sizeof(got));
		if (i) {
			EXPECT_EQ(48, cima_get_cc_measurement(i - 1, CIMA_ALG_SHA384, got, &po));
			EXPECT_EQ(0, memcmp(got, want, 48));
			EXPECT_EQ(i - 1, cima_cc_mr_to_imr(i));
			EXPECT_EQ(i, cima_imr_to_cc_mr(i - 1));
			memset(got, 0, sizeof(got));
		}
		EXPECT_EQ(48, cima_get_cc_mr(i, 0, got, &po));
		EXPECT_EQ(0, memcmp(got, want, 48));
	}
	EXPECT_EQ(-ENOENT, cima_cc_mr_to_imr(CIMA_CC_MR_MRTD));
	EXPECT_EQ(-EINVAL, cima_cc_mr_to_imr(5));
	EXPECT_EQ(-EINVAL, cima_imr_to_cc_mr(4));
	EXPECT_EQ(-EINVAL, cima_imr_to_cc_mr(-1));
	EXPECT_EQ(3, cima_cc_mr_to_imr(CIMA_CC_MR_RTMR3));
	EXPECT_EQ(-EINVAL, cima_get_cc_measurement(4, CIMA_ALG_SHA384, got, &po));
	EXPECT_EQ(-EINVAL, cima_get_cc_mr(5, 0, got, &po));
	EXPECT_EQ(-EOPNOTSUPP, cima_get_cc_mr(0, CIMA_ALG_SHA256, got, &po));
	EXPECT_EQ(CIMA_ALG_SHA384, cima_get_default_algorithm(&po));
	EXPECT_EQ(4, cima_get_measurement_count(&po));
	snprintf(p, sizeof(p), "%s/sys/class/misc/tdx_guest/measurements/rtmr3:sha384", root);
	put(p, want, 47);
	EXPECT_EQ(-EIO, cima_get_cc_measurement(3, CIMA_ALG_SHA384, got, &po));
	EXPECT_TRUE(strstr(cima_strerror_last(), "47 bytes, expected 48") != NULL);
	snprintf(p, sizeof(p), "rm -rf %s", root);
	if (system(p))
		TH_LOG("cleanup failed");
}

TAP_MAIN();
