// SPDX-License-Identifier: GPL-2.0
/*
 * fake_sev_guest: a FAKE of the SEV-SNP guest driver's /dev/sev-guest, for
 * tests only.  SNP_GET_REPORT is answered with a synthetic, unsigned
 * ATTESTATION_REPORT: no PSP, no VMPCK, no hardware.  Other ioctls fail
 * with -ENOTTY.
 *
 * Synthetic content: MSG_REPORT_RSP status 0, report_size 1184, then the
 * report: VERSION 2, SIGNATURE_ALGO 1, VMPL = the request's, REPORT_DATA =
 * the request's user_data, MEASUREMENT = 48 x 0x55, CHIP_ID = 64 x 0x66,
 * zero signature.  msg_version 0 is rejected with -EINVAL like the driver.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/sev-guest.h>

static long fake_sev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct snp_guest_request_ioctl io;
	struct snp_report_req req;
	struct snp_report_resp *resp;
	u8 *r;
	int ret = 0;

	if (cmd != SNP_GET_REPORT)
		return -ENOTTY;
	if (copy_from_user(&io, (void __user *)arg, sizeof(io)))
		return -EFAULT;
	if (!io.msg_version)
		return -EINVAL;
	if (!io.req_data || !io.resp_data)
		return -EINVAL;
	if (copy_from_user(&req, (void __user *)io.req_data, sizeof(req)))
		return -EFAULT;
	resp = kzalloc(sizeof(*resp), GFP_KERNEL);
	if (!resp)
		return -ENOMEM;
	resp->data[4] = 0xA0;			/* report_size 0x4A0, LE */
	resp->data[5] = 0x04;
	r = resp->data + 0x20;
	r[0] = 2;				/* VERSION */
	memcpy(r + 0x30, &req.vmpl, 4);		/* VMPL */
	r[0x34] = 1;				/* SIGNATURE_ALGO */
	memcpy(r + 0x50, req.user_data, 64);	/* REPORT_DATA */
	memset(r + 0x90, 0x55, 48);		/* MEASUREMENT */
	memset(r + 0x1A0, 0x66, 64);		/* CHIP_ID */
	io.exitinfo2 = 0;
	if (copy_to_user((void __user *)io.resp_data, resp, sizeof(*resp)) ||
	    copy_to_user((void __user *)arg, &io, sizeof(io)))
		ret = -EFAULT;
	kfree(resp);
	return ret;
}

static const struct file_operations fake_sev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = fake_sev_ioctl,
};

static struct miscdevice fake_sev_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "sev-guest",
	.fops = &fake_sev_fops,
	.mode = 0600,
};

static int __init fake_sev_init(void)
{
	int ret = misc_register(&fake_sev_dev);

	if (!ret)
		pr_info("FAKE /dev/sev-guest for tests: synthetic unsigned reports, no SNP\n");
	return ret;
}

static void __exit fake_sev_exit(void)
{
	misc_deregister(&fake_sev_dev);
}

module_init(fake_sev_init);
module_exit(fake_sev_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("FAKE sev-guest device for CIMA tests (synthetic report, no hardware)");
