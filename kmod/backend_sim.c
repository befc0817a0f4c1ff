// SPDX-License-Identifier: GPL-2.0
/*
 * sim backend: software registers, one per bank, for machines with neither
 * a TPM nor TDX and for tests.  Banks come from the "banks" parameter.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/tpm.h>
#include <crypto/hash.h>

#include "backend.h"
#include "bank.h"

static char *cima_sim_banks = "sha256,sha384";
module_param_named(banks, cima_sim_banks, charp, 0444);
MODULE_PARM_DESC(banks, "sim backend: comma-separated hash banks (default sha256,sha384)");

#define CIMA_SIM_DEFAULT_INDEX	15
#define CIMA_SIM_MAX_INDEX	23

static cima_regs_t cima_sim_regs;	/* under the log mutex */

static int cima_sim_probe(int *index, struct cima_bank_desc *banks,
			  unsigned int *n)
{
	char *list, *p, *tok;
	int ret = 0;

	if (*index < 0)
		*index = CIMA_SIM_DEFAULT_INDEX;
	if (*index > CIMA_SIM_MAX_INDEX)
		return -EINVAL;

	list = kstrdup(cima_sim_banks ? cima_sim_banks : "", GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	p = list;
	while ((tok = strsep(&p, ",")) != NULL) {
		u16 alg = cima_alg_id_by_name(tok);
		unsigned int i;

		if (alg == TPM_ALG_ERROR || *n == CIMA_MAX_BANKS) {
			pr_err("sim: bad bank list '%s'\n", cima_sim_banks);
			ret = -EINVAL;
			break;
		}
		for (i = 0; i < *n; i++)
			if (banks[i].alg_id == alg)
				break;
		if (i < *n)
			continue;	/* listed twice */
		banks[*n].alg_id = alg;
		banks[*n].name = cima_alg_name_by_id(alg);
		banks[*n].size = 0;	/* from the tfm */
		(*n)++;
	}
	kfree(list);
	if (!ret && !*n)
		ret = -EINVAL;
	if (ret)
		*n = 0;
	memset(cima_sim_regs, 0, sizeof(cima_sim_regs));
	return ret;
}

static int cima_sim_extend(const cima_regs_t digests)
{
	u8 tmp[2 * CIMA_MAX_DIGEST];
	unsigned int i;
	int ret;

	for (i = 0; i < cima_nbanks; i++) {
		unsigned int n = cima_bank[i].size;

		memcpy(tmp, cima_sim_regs[i], n);
		memcpy(tmp + n, digests[i], n);
		ret = cima_hash_buf(i, tmp, 2 * n, cima_sim_regs[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int cima_sim_read(cima_regs_t out)
{
	memcpy(out, cima_sim_regs, sizeof(cima_sim_regs));
	return 0;
}

static void cima_sim_release(void)
{
}

static u32 cima_sim_log_index(u32 index)
{
	return index;
}

const struct cima_backend_ops cima_backend_sim = {
	.name = "sim",
	.hardware = false,
	.probe = cima_sim_probe,
	.extend = cima_sim_extend,
	.read = cima_sim_read,
	.release = cima_sim_release,
	.log_index = cima_sim_log_index,
};
