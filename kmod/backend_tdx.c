// SPDX-License-Identifier: GPL-2.0
/*
 * tdx backend: one RTMR of an Intel TDX guest (SHA-384 only).
 *
 * Debian's kernels export no RTMR extend helper (tdx_mcall_extend_rtmr is
 * v6.16), so this issues the TDCALLs itself:
 *   TDG.MR.RTMR.EXTEND (leaf 2): RCX = GPA of a 64-byte aligned buffer
 *     holding the 48-byte digest, RDX = RTMR index; RTMR = SHA384(RTMR||d).
 *   TDG.MR.REPORT (leaf 4): RCX = GPA of a 1024-byte aligned TDREPORT
 *     buffer, RDX = GPA of 64-byte REPORTDATA, R8 = subtype 0; RTMR n is
 *     at offset 720 + 48 n of the report.
 * Buffers come from kmalloc (power-of-two sizes are naturally aligned and
 * are private, directly mapped memory).  Only compile-tested: no TDX
 * hardware was available.  The probe refuses unless the kernel runs as a
 * TDX guest.
 *
 * RTMR 0 and 1 hold the firmware's and the boot loader's measurements
 * (the CCEL log): the cima register is RTMR 2 or 3.  Every TDCALL of this
 * backend runs under the log mutex, so they never race each other; the
 * tdx-guest driver (TDG.MR.REPORT for a quote) takes no lock we could
 * share, and the TDX module answers TDX_OPERAND_BUSY when the two meet:
 * such a call is retried a bounded number of times.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tpm.h>
#include <linux/delay.h>
#include <asm/io.h>

#include "backend.h"
#include "bank.h"
#include "compat.h"

#define CIMA_TDX_DEFAULT_RTMR	3
#define CIMA_TDX_NR_RTMR	4
#define CIMA_TDX_RTMR_SIZE	48
#define CIMA_TDX_REPORT_SIZE	1024
#define CIMA_TDX_REPORTDATA	64
#define CIMA_TDX_RTMR_OFFSET	720

#define CIMA_TDG_MR_RTMR_EXTEND	2
#define CIMA_TDG_MR_REPORT	4

#define CIMA_TDX_FIRST_RTMR	2	/* 0, 1: firmware and boot loader */
#define CIMA_TDX_BUSY_TRIES	100

static u32 cima_rtmr;

#ifdef CONFIG_X86_64
static u64 cima_tdcall(u64 leaf, u64 rcx, u64 rdx, u64 r8)
{
	register u64 r8_reg asm("r8") = r8;
	u64 rax = leaf;

	/* TDCALL: 66 0f 01 cc */
	asm volatile(".byte 0x66, 0x0f, 0x01, 0xcc"
		     : "+a" (rax), "+c" (rcx), "+d" (rdx), "+r" (r8_reg)
		     :
		     : "memory");
	return rax;
}

static int cima_tdx_status(u64 st)
{
	if (!st)
		return 0;
	switch (st >> 32) {
	case 0xC0000100:		/* TDX_OPERAND_INVALID */
		return -EINVAL;
	case 0x80000200:		/* TDX_OPERAND_BUSY */
		return -EBUSY;
	default:
		return -EIO;
	}
}

/* A TDCALL, retried while the TDX module reports the operand busy. */
static int cima_tdcall_retry(u64 leaf, u64 rcx, u64 rdx, u64 r8)
{
	unsigned int i;
	int ret;

	for (i = 0; i < CIMA_TDX_BUSY_TRIES; i++) {
		ret = cima_tdx_status(cima_tdcall(leaf, rcx, rdx, r8));
		if (ret != -EBUSY)
			break;
		usleep_range(100, 200);
	}
	return ret;
}
#else
static int cima_tdcall_retry(u64 leaf, u64 rcx, u64 rdx, u64 r8)
{
	return -ENODEV;
}

static u64 cima_tdcall(u64 leaf, u64 rcx, u64 rdx, u64 r8)
{
	return ~0ULL;
}

static int cima_tdx_status(u64 st)
{
	return -ENODEV;
}
#endif

static int cima_tdx_probe(int *index, struct cima_bank_desc *banks,
			  unsigned int *n)
{
	if (!cima_is_tdx_guest())
		return -ENODEV;
	if (*index < 0)
		*index = CIMA_TDX_DEFAULT_RTMR;
	if (*index < CIMA_TDX_FIRST_RTMR || *index >= CIMA_TDX_NR_RTMR)
		return -EINVAL;
	banks[0].alg_id = TPM_ALG_SHA384;
	banks[0].size = CIMA_TDX_RTMR_SIZE;
	banks[0].name = "sha384";
	*n = 1;
	cima_rtmr = *index;
	return 0;
}

static int cima_tdx_extend(const cima_regs_t digests)
{
	u8 *buf;
	int ret;

	buf = kzalloc(64, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, digests[0], CIMA_TDX_RTMR_SIZE);
	ret = cima_tdcall_retry(CIMA_TDG_MR_RTMR_EXTEND, virt_to_phys(buf),
				cima_rtmr, 0);
	kfree(buf);
	return ret;
}

static int cima_tdx_read(cima_regs_t out)
{
	u8 *report, *data;
	int ret = -ENOMEM;

	report = kzalloc(CIMA_TDX_REPORT_SIZE, GFP_KERNEL);
	data = kzalloc(CIMA_TDX_REPORTDATA, GFP_KERNEL);
	if (report && data) {
		ret = cima_tdcall_retry(CIMA_TDG_MR_REPORT,
					virt_to_phys(report),
					virt_to_phys(data), 0);
		if (!ret)
			memcpy(out[0], report + CIMA_TDX_RTMR_OFFSET +
			       CIMA_TDX_RTMR_SIZE * cima_rtmr,
			       CIMA_TDX_RTMR_SIZE);
	}
	kfree(data);
	kfree(report);
	return ret;
}

static void cima_tdx_release(void)
{
}

/* CC measurement-register index, as in the CCEL log: RTMR n is n + 1. */
static u32 cima_tdx_log_index(u32 index)
{
	return index + 1;
}

const struct cima_backend_ops cima_backend_tdx = {
	.name = "tdx",
	.hardware = true,
	.probe = cima_tdx_probe,
	.extend = cima_tdx_extend,
	.read = cima_tdx_read,
	.release = cima_tdx_release,
	.log_index = cima_tdx_log_index,
};
