// SPDX-License-Identifier: GPL-2.0
/*
 * fake_tdx_guest: a FAKE of the TDX guest driver's /dev/tdx_guest, for
 * tests only.  It answers TDX_CMD_GET_REPORT0 with a synthetic TDREPORT:
 * no TDCALL is made, no TDX module exists, the MAC is zero.  Nothing it
 * returns says anything about hardware.
 *
 * Synthetic content (so tests know what to expect):
 *   REPORTTYPE = 81 00 00 00, REPORTDATA = the caller's 64 bytes,
 *   MRTD = 48 x 0x11, RTMRn = 48 x (0x20 + n), TD ATTRIBUTES = 0,
 *   every other byte 0.
 * Load it only where no real tdx_guest device exists (it takes the name).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

/* UAPI of drivers/virt/coco/tdx-guest (v6.2+), absent from 6.1's headers. */
#define FAKE_TDX_REPORTDATA_LEN	64
#define FAKE_TDX_REPORT_LEN	1024

struct fake_tdx_report_req {
	__u8 reportdata[FAKE_TDX_REPORTDATA_LEN];
	__u8 tdreport[FAKE_TDX_REPORT_LEN];
};

#define FAKE_TDX_CMD_GET_REPORT0 _IOWR('T', 1, struct fake_tdx_report_req)

static atomic_t fake_calls = ATOMIC_INIT(0);
module_param_named(calls, fake_calls.counter, int, 0444);
MODULE_PARM_DESC(calls, "number of GET_REPORT0 requests answered");

static long fake_tdx_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct fake_tdx_report_req *req;
	u8 *r;
	int i, ret = 0;

	if (cmd != FAKE_TDX_CMD_GET_REPORT0)
		return -ENOTTY;
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	if (copy_from_user(req->reportdata, (void __user *)arg,
			   FAKE_TDX_REPORTDATA_LEN)) {
		ret = -EFAULT;
		goto out;
	}
	r = req->tdreport;
	r[0] = 0x81;					/* REPORTTYPE: TDX */
	memcpy(r + 128, req->reportdata, 64);		/* REPORTDATA */
	memset(r + 528, 0x11, 48);			/* MRTD */
	for (i = 0; i < 4; i++)
		memset(r + 720 + 48 * i, 0x20 + i, 48);	/* RTMR0..3 */
	if (copy_to_user((u8 __user *)arg + FAKE_TDX_REPORTDATA_LEN, r,
			 FAKE_TDX_REPORT_LEN))
		ret = -EFAULT;
	else
		atomic_inc(&fake_calls);
out:
	kfree(req);
	return ret;
}

static const struct file_operations fake_tdx_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = fake_tdx_ioctl,
	.compat_ioctl = fake_tdx_ioctl,
};

static struct miscdevice fake_tdx_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "tdx_guest",
	.fops = &fake_tdx_fops,
	.mode = 0600,
};

static int __init fake_tdx_init(void)
{
	int ret = misc_register(&fake_tdx_dev);

	if (!ret)
		pr_info("FAKE /dev/tdx_guest for tests: synthetic TDREPORTs, no TDX\n");
	return ret;
}

static void __exit fake_tdx_exit(void)
{
	misc_deregister(&fake_tdx_dev);
}

module_init(fake_tdx_init);
module_exit(fake_tdx_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("FAKE tdx_guest device for CIMA tests (synthetic TDREPORT, no hardware)");
