/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private to libcima's platform / report sources. */
#ifndef CIMA_REPORT_INTERNAL_H
#define CIMA_REPORT_INTERNAL_H

#include <stdio.h>
#include <string.h>

#include "internal.h"

static inline uint16_t cima__le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t cima__le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t cima__le64(const uint8_t *p)
{
	return (uint64_t)cima__le32(p) | (uint64_t)cima__le32(p + 4) << 32;
}

/* "label: <hex>\n" with the label padded to a column. */
void cima__dump_hex(FILE *out, const char *label, const uint8_t *p, size_t n);
/* Lower-case hex of @n bytes into @buf (2n+1 bytes). */
void cima__rep_hex(char *buf, const uint8_t *p, size_t n);
/* JSON: "key": "<hex>" (with a leading comma unless first). */
void cima__json_hex(FILE *out, const char *key, const uint8_t *p, size_t n);

/* Read a whole small file (at most @max bytes) into a malloc'd buffer. */
int cima__rep_read_file(const char *path, uint8_t **buf, size_t *len, size_t max);

/* Platform resolution shared by the platform and report code. */
struct cima__plat {
	int platform;
	char root[200];
	char tsm_dir[512];
	char tcti[256];
	bool no_tsm;
	bool tsm;		/* configfs-tsm with the right provider found */
};
int cima__plat_resolve(const struct cima_platform_opts *opts,
		       struct cima__plat *p);
/* Path under the configured root. */
void cima__path(const struct cima__plat *p, char *buf, size_t size,
		const char *path);

/* TPM backend (lib/tpm.c). */
int cima__tpm_banks(const struct cima__plat *p, uint16_t *algs, size_t max);
int cima__tpm_pcr_read(const struct cima__plat *p, int index, uint16_t alg,
		       uint8_t *digest);
struct cima_report;
int cima__tpm_quote(const struct cima__plat *p, struct cima_report *r,
		    const struct cima_report_opts *opts);

/* TDX and SNP backends. */
int cima__tdx_measurement(const struct cima__plat *p, int index,
			  uint8_t *digest);
int cima__tdx_tdreport(const struct cima__plat *p, const uint8_t *rd,
		       uint8_t *out);
int cima__snp_ioctl_report(const struct cima__plat *p, const uint8_t *rd,
			   uint8_t **out, size_t *len);
int cima__tsm_report(const struct cima__plat *p, const char *provider,
		     const uint8_t *rd, const struct cima_report_opts *opts,
		     uint8_t **out, size_t *out_len, uint8_t **aux,
		     size_t *aux_len);

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
	/* evidence snapshot */
	bool has_snapshot;
	uint64_t snap_count;
	unsigned int snap_nbanks;
	uint16_t snap_alg[8];
	uint8_t snap_val[8][64];
	/*
	 * While the report is taken (cima_get_cc_report only): take the
	 * snapshot again and recompute report_data, right before the quote,
	 * so that few events can slip in between; and the module's hardware
	 * register (index, or -1) that the quote must show at the snapshot's
	 * value.
	 */
	int (*snap_refresh)(struct cima_report *r);
	int snap_tpm_index;
};

/* The snapshot's value in bank @alg, or NULL. */
const uint8_t *cima__snapshot_value(const struct cima_report *r, uint16_t alg);

#endif /* CIMA_REPORT_INTERNAL_H */
