// SPDX-License-Identifier: GPL-2.0
/*
 * Backend selection: the first in cima_auto_order[] whose probe finds its
 * platform, or the one named; the banks it describes become the table.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/tpm.h>

#include "backend.h"
#include "bank.h"

const struct cima_backend_ops *cima_backend;
u32 cima_index;
u32 cima_log_pcr;

static const struct cima_backend_ops *const cima_auto_order[] = {
	&cima_backend_tdx, &cima_backend_tpm, &cima_backend_sim,
};

static int cima_try_backend(const struct cima_backend_ops *ops, int index)
{
	struct cima_bank_desc desc[CIMA_MAX_BANKS] = {};
	unsigned int n = 0;
	int ret;

	ret = ops->probe(&index, desc, &n);
	if (ret)
		return ret;
	ret = n ? cima_banks_init(desc, n, ops->hardware) : -ENODEV;
	if (ret) {
		ops->release();
		return ret;
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
		pr_err("backend %s: invalid parameters (index=%d)\n",
		       cima_auto_order[i]->name, index);
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
	cima_banks_exit();
}
