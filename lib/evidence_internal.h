/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private to libcima: the evidence bundle (lib/evidence*.c, lib/reference.c). */
#ifndef CIMA_EVIDENCE_INTERNAL_H
#define CIMA_EVIDENCE_INTERNAL_H

#include <cima/evidence.h>

#include "report_internal.h"

struct cima__evidence_log {
	int source;			/* enum cima_source */
	uint16_t tmpl_alg;		/* IMA: template digest algorithm */
	uint8_t *buf;
	size_t len;
};

struct cima_evidence {
	int version;
	int platform;			/* CIMA_PLATFORM_* */
	int kind;			/* CIMA_REPORT_* */
	char source[96];
	uint8_t *blob;			/* TPMS_ATTEST / quote / report */
	size_t blob_len;
	uint8_t *aux;			/* SNP certificate table */
	size_t aux_len;
	uint8_t *sig, *akpub, *pcrs;	/* TPM */
	size_t sig_len, akpub_len, pcrs_len;
	uint16_t pcr_alg;
	uint32_t pcr_mask;
	char *ak_pem, *ak_chain;
	uint8_t *nonce, *data;
	size_t nonce_len, data_len;
	bool rule_snapshot;
	uint8_t report_data[64];
	bool has_snapshot;
	uint64_t count;
	size_t nbanks;
	uint16_t algs[CIMA_MAX_BANKS];
	uint8_t vals[CIMA_MAX_BANKS][CIMA_MAX_DIGEST_SIZE];
	bool has_module_register;
	char *module_backend;
	uint32_t module_index;
	struct cima__evidence_log logs[4];
	size_t nlogs;
	char *container;
	uint8_t *view;
	size_t view_len;
	char *kernel, *module_version, *library_version;
};

/* "tpm-quote", "tdx-quote", "tdx-tdreport", "snp-report" (bundle keys). */
const char *cima__evidence_kind_key(int kind);

/* Parse an IMA list whose template digests are @alg's. */
struct cima_eventlog *cima__evidence_parse_ima(const uint8_t *buf, size_t len,
					       uint16_t alg);

/* Reference values (lib/reference.c). */
struct cima__reference;
/* Parse a reference file; 0 or -errno (-EBADMSG naming the line). */
int cima__reference_load(const char *path, struct cima__reference **out);
void cima__reference_free(struct cima__reference *ref);
/* Is cima event @ev (of container @cid, NULL for none) covered? */
bool cima__reference_covers(const struct cima__reference *ref, const char *cid,
			    const struct cima_event *ev);

/*
 * The container id of a cima event ("cima/1 <kind> id=<cid> ..."): copies
 * it into @cid (NUL-terminated) and returns the kind's length with *kind
 * pointing at it; -1 when the data is not such an event (policy events,
 * "id=-", redacted).
 */
int cima__cima_event_owner(const struct cima_event *ev, const char **kind,
			   char *cid, size_t cid_size);
/* The value of " <key>=" in a cima event's data, or NULL; *len its length. */
const char *cima__cima_event_field(const struct cima_event *ev, const char *key,
				   size_t *len);

#endif
