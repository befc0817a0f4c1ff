// SPDX-License-Identifier: GPL-2.0
/*
 * fake_tsm: a FAKE configfs-tsm provider, for tests only (kernel v6.7+
 * with the tsm module).  It registers with tsm_register() and answers
 * every outblob read with a synthetic blob that embeds the 64-byte inblob
 * as report data; nothing is signed and no hardware is involved.
 *
 *   kind=tdx (default): a TDX-quote-shaped blob: quote v4 header (key type
 *     2, TEE 0x81), TD body with MRTD = 48 x 0x11, RTMRn = 48 x (0x20 + n),
 *     REPORTDATA = inblob, then 128 zero bytes of "signature data".
 *   kind=snp: an SNP-report-shaped blob (1184 bytes, version 2, signature
 *     algorithm 1, MEASUREMENT = 48 x 0x33, CHIP_ID = 64 x 0x44,
 *     REPORT_DATA = inblob, zero signature).
 *   provider=NAME: the name configfs shows (default tdx_guest / sev_guest,
 *     which the library checks; anything else tests that check).
 *   delay_ms=N: sleep N ms in each report (widens races for tests).
 *   signer=PATH: the blob is not made here but by the user-space program
 *     PATH, run as "PATH tdx|snp REPORTDATA-HEX OUTFILE" (a usermode
 *     helper); its OUTFILE becomes the outblob and OUTFILE.aux, when it
 *     exists, the auxblob.  Tests use it to get blobs signed with a TEST
 *     key chain (selftests/report/cc_evidence_fake.py), which prove
 *     nothing about hardware either.
 */
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/tsm.h>
#include <linux/umh.h>

static char *kind = "tdx";
module_param(kind, charp, 0444);
MODULE_PARM_DESC(kind, "tdx or snp: shape of the synthetic blob");
static char *provider;
module_param(provider, charp, 0444);
MODULE_PARM_DESC(provider, "provider name (default tdx_guest or sev_guest)");
static unsigned int delay_ms;
module_param(delay_ms, uint, 0644);
MODULE_PARM_DESC(delay_ms, "delay per report, in ms");
static char *signer;
module_param(signer, charp, 0444);
MODULE_PARM_DESC(signer, "user-space program that writes the blob (tests of signed evidence)");

#define FAKE_QUOTE_LEN	(48 + 584 + 4 + 128)
#define FAKE_SNP_LEN	1184

static bool fake_snp;
static atomic_t fake_seq = ATOMIC_INIT(0);

/*
 * The whole of file @path (at most 1 MiB) in a kvmalloc'd *@buf, as the tsm
 * core frees blobs.  A plain read: kernel_read_file() would ask the LSMs
 * about a read of no known kind (IPE warns).
 */
static ssize_t fake_read(const char *path, void **buf)
{
	struct file *f = filp_open(path, O_RDONLY, 0);
	loff_t size, pos = 0;
	ssize_t n;

	*buf = NULL;
	if (IS_ERR(f))
		return PTR_ERR(f);
	size = i_size_read(file_inode(f));
	if (size <= 0 || size > SZ_1M) {
		fput(f);
		return -EFBIG;
	}
	*buf = kvmalloc(size, GFP_KERNEL);
	n = *buf ? kernel_read(f, *buf, size, &pos) : -ENOMEM;
	fput(f);
	if (n != size) {
		kvfree(*buf);
		*buf = NULL;
		return n < 0 ? n : -EIO;
	}
	return n;
}

/* The blob (and auxblob) from the signer program. */
static int fake_signed(struct tsm_report *report)
{
	static char *envp[] = { "HOME=/", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	char hex[2 * 64 + 1], out[64], aux[72];
	char *argv[] = { signer, fake_snp ? "snp" : "tdx", hex, out, NULL };
	void *buf = NULL;
	ssize_t n;
	int ret;

	bin2hex(hex, report->desc.inblob, 64);
	hex[128] = '\0';
	snprintf(out, sizeof(out), "/tmp/fake_tsm.%d.blob", atomic_inc_return(&fake_seq));
	snprintf(aux, sizeof(aux), "%s.aux", out);
	ret = call_usermodehelper(signer, argv, envp, UMH_WAIT_PROC);
	if (ret) {
		pr_warn("signer %s: exit status %d\n", signer, ret);
		return -EIO;
	}
	n = fake_read(out, &buf);
	if (n < 0)
		return n;
	report->outblob = buf;
	report->outblob_len = n;
	n = fake_read(aux, &buf);
	if (n > 0) {
		report->auxblob = buf;
		report->auxblob_len = n;
	}
	return 0;
}

static int fake_report_new(struct tsm_report *report, void *data)
{
	const struct tsm_desc *desc = &report->desc;
	u8 *b;
	int i;

	if (desc->inblob_len != 64)
		return -EINVAL;
	if (delay_ms)
		msleep(delay_ms);
	if (signer)
		return fake_signed(report);
	if (fake_snp) {
		b = kvzalloc(FAKE_SNP_LEN, GFP_KERNEL);
		if (!b)
			return -ENOMEM;
		b[0] = 2;				/* VERSION */
		b[0x08] = 0x00; b[0x0a] = 0x03;		/* POLICY: bit 17 | smt */
		b[0x34] = 1;				/* SIGNATURE_ALGO */
		memcpy(b + 0x50, desc->inblob, 64);	/* REPORT_DATA */
		memset(b + 0x90, 0x33, 48);		/* MEASUREMENT */
		memset(b + 0x1A0, 0x44, 64);		/* CHIP_ID */
		report->outblob_len = FAKE_SNP_LEN;
	} else {
		u8 *body;

		b = kvzalloc(FAKE_QUOTE_LEN, GFP_KERNEL);
		if (!b)
			return -ENOMEM;
		b[0] = 4;				/* version */
		b[2] = 2;				/* ECDSA P-256 */
		b[4] = 0x81;				/* TEE type TDX */
		body = b + 48;
		memset(body + 136, 0x11, 48);		/* MRTD */
		for (i = 0; i < 4; i++)
			memset(body + 328 + 48 * i, 0x20 + i, 48);
		memcpy(body + 520, desc->inblob, 64);	/* REPORTDATA */
		b[48 + 584] = 128;			/* signature data length */
		report->outblob_len = FAKE_QUOTE_LEN;
	}
	report->outblob = b;
	return 0;
}

static bool fake_attr_visible(int n)
{
	return n == TSM_REPORT_GENERATION || n == TSM_REPORT_PROVIDER ||
	       n == TSM_REPORT_PRIVLEVEL || n == TSM_REPORT_PRIVLEVEL_FLOOR;
}

static bool fake_bin_attr_visible(int n)
{
	return n == TSM_REPORT_INBLOB || n == TSM_REPORT_OUTBLOB ||
	       (signer && n == TSM_REPORT_AUXBLOB);
}

static struct tsm_ops fake_tsm_ops = {
	.report_new = fake_report_new,
	.report_attr_visible = fake_attr_visible,
	.report_bin_attr_visible = fake_bin_attr_visible,
};

static int __init fake_tsm_init(void)
{
	int ret;

	if (!strcmp(kind, "snp"))
		fake_snp = true;
	else if (strcmp(kind, "tdx"))
		return -EINVAL;
	fake_tsm_ops.name = provider ? provider : fake_snp ? "sev_guest" : "tdx_guest";
	ret = tsm_register(&fake_tsm_ops, NULL);
	if (!ret)
		pr_info("FAKE configfs-tsm provider \"%s\" (%s-shaped synthetic blobs, no hardware)\n",
			fake_tsm_ops.name, kind);
	return ret;
}

static void __exit fake_tsm_exit(void)
{
	tsm_unregister(&fake_tsm_ops);
}

module_init(fake_tsm_init);
module_exit(fake_tsm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("FAKE configfs-tsm provider for CIMA tests (synthetic blobs, no hardware)");
MODULE_SOFTDEP("pre: tsm");
