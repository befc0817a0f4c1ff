/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to libcima: the platform layer.  One const struct
 * cima_platform_ops per platform (lib/tpm.c, lib/tdx.c, lib/snp.c); the
 * platform-independent code (lib/platform.c, lib/report.c) looks the
 * table up and never switches on the platform.
 *
 * Dependencies run one way: report.c, snapshot.c -> platform.c -> tpm.c,
 * tdx.c, snp.c -> tsm.c and the pure parsers.  A backend calls nothing
 * above it; what it needs from the caller comes in as arguments (struct
 * cima__plat, struct cima__quote_hook).
 */
#ifndef CIMA_PLATFORM_H
#define CIMA_PLATFORM_H

#include <stdio.h>
#include <string.h>

#include <cima/report.h>

#include "internal.h"

/* The platform resolved from struct cima_platform_opts and the system. */
struct cima__plat {
	const struct cima_platform_ops *ops;
	char root[200];
	char tsm_dir[512];
	char tcti[256];
	bool no_tsm;
	bool tsm;		/* configfs-tsm with the platform's provider found */
};

/* Path under the configured root. */
static inline void cima__path(const struct cima__plat *p, char *buf, size_t size,
			      const char *path)
{
	snprintf(buf, size, "%s%s", p->root, path);
}

struct cima_report;

/*
 * What a backend's report() call gives the caller a say in, so it need not
 * know why: right before each attempt, refresh() may change the report
 * data (@rd, 64 bytes) the attempt binds; check() sees the register values
 * read for the attempt (bank @alg, registers of @mask in mask order, @size
 * bytes each) and returns 0 to go on, -EAGAIN to try again, or an error.
 * check() returns 1 when it compared something, so the caller knows the
 * report was held to its values.  Either may be NULL.
 */
struct cima__quote_hook {
	int (*refresh)(void *ctx, uint8_t *rd);
	int (*check)(void *ctx, uint16_t alg, uint32_t mask, const uint8_t *vals,
		     size_t size);
	void *ctx;
};

struct cima_platform_ops {
	int id;			/* CIMA_PLATFORM_* */
	const char *name;
	/* Device node whose presence selects the platform in detection. */
	const char *dev;
	/* Another path whose presence selects it (registers only), or NULL. */
	const char *dev_alt;
	/* configfs-tsm provider name, or NULL. */
	const char *tsm_provider;
	/* Registers: count, and their one algorithm (0: per-device banks). */
	int nregs;
	uint16_t fixed_alg;
	/*
	 * CC MR index of IMR 0 (TDX 1: MRTD comes first); 0 when CC MR and
	 * IMR indexes are the same.  measurement(-1) reads CC MR 0 then.
	 */
	int cc_mr_base;
	/* Active banks (only when fixed_alg is 0). */
	int (*algorithms)(const struct cima__plat *p, uint16_t *algs, size_t max);
	/* Read register @index (checked by the caller) in bank @alg. */
	int (*measurement)(const struct cima__plat *p, int index, uint16_t alg,
			   uint8_t *digest);
	/*
	 * Take a report binding r->report_data into @r (kind, source, blob,
	 * ...), honouring @hook (may be NULL).
	 */
	int (*report)(const struct cima__plat *p, struct cima_report *r,
		      const struct cima_report_opts *o,
		      const struct cima__quote_hook *hook);
};

extern const struct cima_platform_ops cima__tpm_ops;
extern const struct cima_platform_ops cima__tdx_ops;
extern const struct cima_platform_ops cima__snp_ops;

/* The ops for CIMA_PLATFORM_@id (> 0), or NULL. */
const struct cima_platform_ops *cima__platform_ops(int id);
/* Resolve options, environment and devices into @p (p->ops set). */
int cima__plat_resolve(const struct cima_platform_opts *opts,
		       struct cima__plat *p);

/* configfs-tsm report (lib/tsm.c), for the backends with a provider. */
int cima__tsm_report(const struct cima__plat *p, const char *provider,
		     const uint8_t *rd, const struct cima_report_opts *opts,
		     uint8_t **out, size_t *out_len, uint8_t **aux,
		     size_t *aux_len);
/* The provider of the configfs-tsm interface ("" when absent). */
void cima__tsm_provider(const struct cima__plat *p, char *prov, size_t size);

#endif /* CIMA_PLATFORM_H */
