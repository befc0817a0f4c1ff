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
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/tsm.h>

static char *kind = "tdx";
module_param(kind, charp, 0444);
MODULE_PARM_DESC(kind, "tdx or snp: shape of the synthetic blob");
static char *provider;
module_param(provider, charp, 0444);
MODULE_PARM_DESC(provider, "provider name (default tdx_guest or sev_guest)");
static unsigned int delay_ms;
module_param(delay_ms, uint, 0644);
MODULE_PARM_DESC(delay_ms, "delay per report, in ms");

#define FAKE_QUOTE_LEN	(48 + 584 + 4 + 128)
#define FAKE_SNP_LEN	1184

static bool fake_snp;

static int fake_report_new(struct tsm_report *report, void *data)
{
	const struct tsm_desc *desc = &report->desc;
	u8 *b;
	int i;

	if (desc->inblob_len != 64)
		return -EINVAL;
	if (delay_ms)
		msleep(delay_ms);
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
	return n == TSM_REPORT_INBLOB || n == TSM_REPORT_OUTBLOB;
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
