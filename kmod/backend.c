// SPDX-License-Identifier: GPL-2.0
/*
 * Backend selection and the TPM algorithm-id <-> kernel hash name table.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/tpm.h>

#include "cima.h"

const struct cima_backend_ops *cima_backend;
u32 cima_index;
u32 cima_log_pcr;

static const struct {
	u16 alg_id;
	const char *name;
} cima_algs[] = {
	{ TPM_ALG_SHA1, "sha1" },
	{ TPM_ALG_SHA256, "sha256" },
	{ TPM_ALG_SHA384, "sha384" },
	{ TPM_ALG_SHA512, "sha512" },
	{ TPM_ALG_SM3_256, "sm3" },
};

u16 cima_alg_id_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cima_algs); i++)
		if (!strcmp(cima_algs[i].name, name))
			return cima_algs[i].alg_id;
	return TPM_ALG_ERROR;
}

const char *cima_alg_name_by_id(u16 alg_id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cima_algs); i++)
		if (cima_algs[i].alg_id == alg_id)
			return cima_algs[i].name;
	return NULL;
}

static const struct cima_backend_ops *const cima_auto_order[] = {
	&cima_backend_tdx, &cima_backend_tpm, &cima_backend_sim,
};

static int cima_try_backend(const struct cima_backend_ops *ops, int index)
{
	int ret;

	cima_nbanks = 0;
	ret = ops->probe(&index);
	if (ret)
		return ret;
	if (!cima_nbanks) {
		ops->release();
		return -ENODEV;
	}
	cima_backend = ops;
	cima_index = index;
	cima_log_pcr = ops->log_index(index);
	return 0;
}

int cima_backend_init(const char *which, int index)
{
	bool any = !which || !strcmp(which, "auto");
	int ret = -EINVAL;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cima_auto_order); i++) {
		const struct cima_backend_ops *ops = cima_auto_order[i];

		if (!any && strcmp(which, ops->name))
			continue;
		ret = cima_try_backend(ops, index);
		if (!any || ret != -ENODEV)
			break;
	}
	if (i == ARRAY_SIZE(cima_auto_order) && !any)
		pr_err("unknown backend '%s'\n", which);
	else if (ret == -EINVAL)
		pr_err("backend %s: invalid parameters (index=%d banks=%s)\n",
		       cima_auto_order[i]->name, index,
		       cima_sim_banks ? cima_sim_banks : "");
	else if (ret == -ENODEV)
		pr_err("no usable register backend\n");
	else if (!ret)
		pr_info("backend %s, register %u, %u bank(s)\n",
			cima_backend->name, cima_index, cima_nbanks);
	return ret;
}

void cima_backend_exit(void)
{
	if (cima_backend)
		cima_backend->release();
	cima_backend = NULL;
}
