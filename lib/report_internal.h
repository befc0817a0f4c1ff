/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private to libcima: the report object, shared by the platform backends,
 * the snapshot protocol and the dumps. */
#ifndef CIMA_REPORT_INTERNAL_H
#define CIMA_REPORT_INTERNAL_H

#include <stdio.h>
#include <string.h>

#include <uapi/cima.h>

#include "platform.h"
#include "securityfs.h"

/* The report object. */
struct cima_report {
	int kind;
	char source[96];
	uint8_t report_data[64];
	uint8_t *blob;
	size_t blob_len;
	uint8_t *aux;
	size_t aux_len;
	/* TPM */
	uint8_t *sig;
	size_t sig_len;
	uint8_t *akpub;
	size_t akpub_len;
	uint8_t *pcrs;
	size_t pcrs_len;
	uint16_t pcr_alg;
	uint32_t pcr_mask;
	/* evidence snapshot (lib/snapshot.c) */
	bool has_snapshot;
	struct cima__sfs_snapshot snap;
	/* from the report broker (lib/broker.h): what it bound, and the view */
	uint8_t *binding;
	size_t binding_len;
	uint8_t *view;
	size_t view_len;
	char container[CIMA_ID_MAX + 1];
};

/*
 * The evidence-snapshot protocol (lib/snapshot.c).  cima__snapshot_begin()
 * reads the module's snapshot into @r and sets r->report_data; the hook it
 * fills lets the backend take the snapshot again right before each quote
 * and hold the module's register to it; cima__snapshot_end() compares
 * the finished report with the snapshot when the backend could not.
 */
struct cima__snapshot_ctx {
	const void *nonce, *data;
	size_t nonce_len, data_len;
	const char *path;		/* the snapshot file */
	struct cima_report *r;
	bool have_hw;			/* the module names a hardware register */
	bool hw_tdx;
	uint32_t hw_index;
	bool held;			/* the backend compared the register */
};
int cima__snapshot_begin(struct cima__snapshot_ctx *c, struct cima_report *r,
			 struct cima__quote_hook *hook);
int cima__snapshot_end(struct cima__snapshot_ctx *c);

#endif /* CIMA_REPORT_INTERNAL_H */
