/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Register backends: one const ops table each, chosen at init.
 */
#ifndef CIMA_BACKEND_H
#define CIMA_BACKEND_H

#include <linux/types.h>

#include "bank.h"

/*
 * probe() describes the banks in @banks (at most CIMA_MAX_BANKS, *@n on
 * return), may adjust *index (-1 on entry: pick the default) and keeps
 * the register number for extend() and read(); it returns -ENODEV when
 * the platform does not have it.  extend() gets one digest per bank
 * (cima_bank order) and may sleep; read() returns the current values.
 * Both are called with the log mutex held.
 */
struct cima_backend_ops {
	const char *name;
	bool hardware;			/* extending it outlives the module */
	int (*probe)(int *index, struct cima_bank_desc *banks, unsigned int *n);
	int (*extend)(const cima_regs_t digests);
	int (*read)(cima_regs_t out);
	void (*release)(void);
	u32 (*log_index)(u32 index);	/* pcrIndex written in the log */
};

extern const struct cima_backend_ops cima_backend_sim;
extern const struct cima_backend_ops cima_backend_tpm;
extern const struct cima_backend_ops cima_backend_tdx;

extern const struct cima_backend_ops *cima_backend;
extern u32 cima_index;			/* backend register number */
extern u32 cima_log_pcr;		/* pcrIndex in log records */

/* Chooses the backend and sets up the banks it described. */
int cima_backend_init(const char *which, int index);
void cima_backend_exit(void);

#endif /* CIMA_BACKEND_H */
