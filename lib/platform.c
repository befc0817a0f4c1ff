// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Platform resolution and the register calls, by table lookup.
 *
 * Order: an explicit opts->platform, else $CIMA_PLATFORM, else the first
 * platform of detect_order whose device node exists or whose configfs-tsm
 * provider is present: TDX, SNP, then TPM (/dev/tpmrm0, or an explicit
 * TCTI).  What each platform does lives in its ops (lib/tpm.c, tdx.c,
 * snp.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform.h"

#define TSM_DIR		"/sys/kernel/config/tsm/report"

/* Indexed by CIMA_PLATFORM_*. */
static const struct cima_platform_ops *const platforms[] = {
	[CIMA_PLATFORM_TPM] = &cima__tpm_ops,
	[CIMA_PLATFORM_TDX] = &cima__tdx_ops,
	[CIMA_PLATFORM_SNP] = &cima__snp_ops,
};

/* Detection order when nothing names the platform. */
static const struct cima_platform_ops *const detect_order[] = {
	&cima__tdx_ops, &cima__snp_ops, &cima__tpm_ops,
};

const struct cima_platform_ops *cima__platform_ops(int id)
{
	if (id <= 0 || id >= (int)ARRAY_SIZE(platforms))
		return NULL;
	return platforms[id];
}

const char *cima_platform_name(int platform)
{
	const struct cima_platform_ops *ops = cima__platform_ops(platform);

	if (platform == CIMA_PLATFORM_AUTO)
		return "auto";
	return ops ? ops->name : NULL;
}

int cima_platform_from_name(const char *name)
{
	if (!name)
		return -EINVAL;
	if (!strcasecmp(name, "auto"))
		return CIMA_PLATFORM_AUTO;
	for (int i = 1; i < (int)ARRAY_SIZE(platforms); i++)
		if (platforms[i] && !strcasecmp(name, platforms[i]->name))
			return i;
	return -EINVAL;
}

static bool exists(const struct cima__plat *p, const char *path)
{
	char b[512];

	cima__path(p, b, sizeof(b), path);
	return access(b, F_OK) == 0;
}

static bool detected(const struct cima__plat *p, const struct cima_platform_ops *ops,
		     const char *prov, bool tcti_given)
{
	if (exists(p, ops->dev) || (ops->dev_alt && exists(p, ops->dev_alt)))
		return true;
	if (ops->tsm_provider && !strcmp(prov, ops->tsm_provider))
		return true;
	/* An explicit TCTI is a TPM somewhere else (a simulator). */
	return ops->id == CIMA_PLATFORM_TPM && tcti_given;
}

int cima__plat_resolve(const struct cima_platform_opts *uopts,
		       struct cima__plat *p)
{
	struct cima_platform_opts o;
	const char *env, *tcti;
	char prov[64] = "";
	int plat, ret;

	memset(p, 0, sizeof(*p));
	ret = CIMA_OPTS_LOAD(cima_platform_opts, uopts, &o);
	if (ret)
		return ret;
	plat = o.platform;
	if (o.root)
		snprintf(p->root, sizeof(p->root), "%s", o.root);
	tcti = o.tpm_tcti;
	p->no_tsm = o.no_tsm;
	if (o.tsm_dir)
		snprintf(p->tsm_dir, sizeof(p->tsm_dir), "%s", o.tsm_dir);
	else
		snprintf(p->tsm_dir, sizeof(p->tsm_dir), "%s%s", p->root, TSM_DIR);
	if (!tcti)
		tcti = getenv("CIMA_TPM_TCTI");
	if (tcti && *tcti)
		snprintf(p->tcti, sizeof(p->tcti), "%s", tcti);
	else
		snprintf(p->tcti, sizeof(p->tcti), "device:%s%s", p->root,
			 cima__tpm_ops.dev);
	if (plat != CIMA_PLATFORM_AUTO && !cima__platform_ops(plat))
		return cima__err(-EINVAL, "platform %d unknown", plat);
	if (!plat && (env = getenv("CIMA_PLATFORM")) && *env) {
		plat = cima_platform_from_name(env);
		if (plat < 0)
			return cima__err(-EINVAL, "CIMA_PLATFORM=%s: not one of auto, tpm, tdx, snp",
					 env);
	}
	if (plat != CIMA_PLATFORM_TPM)
		cima__tsm_provider(p, prov, sizeof(prov));
	if (plat) {
		p->ops = cima__platform_ops(plat);
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(detect_order) && !p->ops; i++)
			if (detected(p, detect_order[i], prov, tcti && *tcti))
				p->ops = detect_order[i];
		if (!p->ops)
			return cima__err(-ENODEV, "no platform found: looked for %s%s, %s%s, configfs-tsm provider tdx_guest or sev_guest in %s%s, and %s%s",
					 p->root, cima__tdx_ops.dev, p->root, cima__snp_ops.dev,
					 p->tsm_dir,
					 p->no_tsm ? " (disabled)" : prov[0] ? "" : " (absent)",
					 p->root, cima__tpm_ops.dev);
	}
	p->tsm = p->ops->tsm_provider && !strcmp(prov, p->ops->tsm_provider);
	return 0;
}

int cima_detect_platform(const struct cima_platform_opts *opts)
{
	struct cima__plat p;
	int ret = cima__plat_resolve(opts, &p);

	return ret ? ret : p.ops->id;
}

int cima_get_algorithms(uint16_t *algs, size_t max,
			const struct cima_platform_opts *opts)
{
	struct cima__plat p;
	int ret = cima__plat_resolve(opts, &p);

	if (ret)
		return ret;
	if (!algs && max)
		return cima__err(-EINVAL, "algorithms: NULL array");
	if (!p.ops->fixed_alg)
		return p.ops->algorithms(&p, algs, max);
	if (max)
		algs[0] = p.ops->fixed_alg;
	return 1;
}

int cima_get_default_algorithm(const struct cima_platform_opts *opts)
{
	uint16_t algs[8];
	int n = cima_get_algorithms(algs, ARRAY_SIZE(algs), opts);

	if (n < 0)
		return n;
	if (n == 0)
		return cima__err(-ENODATA, "tpm: no active PCR bank");
	for (int i = 0; i < n && i < (int)ARRAY_SIZE(algs); i++)
		if (algs[i] == CIMA_ALG_SHA256)
			return CIMA_ALG_SHA256;
	return algs[0];
}

int cima_get_measurement_count(const struct cima_platform_opts *opts)
{
	struct cima__plat p;
	int ret = cima__plat_resolve(opts, &p);

	return ret ? ret : p.ops->nregs;
}

int cima_get_cc_measurement(int index, uint16_t alg,
			    uint8_t digest[CIMA_MAX_DIGEST_SIZE],
			    const struct cima_platform_opts *opts)
{
	const struct cima_platform_ops *ops;
	struct cima__plat p;
	int ret = cima__plat_resolve(opts, &p);

	if (ret)
		return ret;
	ops = p.ops;
	if (!digest)
		return cima__err(-EINVAL, "measurement: NULL digest buffer");
	if (ops->fixed_alg && alg && alg != ops->fixed_alg)
		return cima__err(-EOPNOTSUPP, "%s: registers are %s only, not %s",
				 ops->name, cima_alg_name(ops->fixed_alg),
				 cima_alg_name(alg) ? cima_alg_name(alg) : "unknown");
	if (index < 0 || index >= ops->nregs)
		return cima__err(-EINVAL, "%s: register index %d out of range 0..%d",
				 ops->name, index, ops->nregs - 1);
	if (!alg) {
		ret = ops->fixed_alg ? ops->fixed_alg : cima_get_default_algorithm(opts);
		if (ret < 0)
			return ret;
		alg = (uint16_t)ret;
	}
	return ops->measurement(&p, index, alg, digest);
}

int cima_cc_mr_to_imr(int mr)
{
	if (mr < 0 || mr >= CIMA_CC_MR_COUNT)
		return cima__err(-EINVAL, "CC MR index %d out of range 0..%d", mr,
				 CIMA_CC_MR_COUNT - 1);
	if (mr == CIMA_CC_MR_MRTD)
		return cima__err(-ENOENT, "MRTD (CC MR 0) is not an IMR: it is in the report");
	return mr - 1;
}

int cima_imr_to_cc_mr(int imr)
{
	if (imr < 0 || imr >= CIMA_CC_MR_COUNT - 1)
		return cima__err(-EINVAL, "TDX IMR index %d out of range 0..%d", imr,
				 CIMA_CC_MR_COUNT - 2);
	return imr + 1;
}

int cima_get_cc_mr(int mr, uint16_t alg, uint8_t digest[CIMA_MAX_DIGEST_SIZE],
		   const struct cima_platform_opts *opts)
{
	struct cima__plat p;
	int ret = cima__plat_resolve(opts, &p);

	if (ret)
		return ret;
	if (!p.ops->cc_mr_base)
		return cima__err(-EOPNOTSUPP, "%s: no CC MR indexes (TDX only)", p.ops->name);
	if (mr < 0 || mr >= p.ops->nregs + p.ops->cc_mr_base)
		return cima__err(-EINVAL, "%s: CC MR index %d out of range 0..%d",
				 p.ops->name, mr, p.ops->nregs + p.ops->cc_mr_base - 1);
	if (mr >= p.ops->cc_mr_base)
		return cima_get_cc_measurement(mr - p.ops->cc_mr_base, alg, digest, opts);
	if (!digest)
		return cima__err(-EINVAL, "measurement: NULL digest buffer");
	if (alg && alg != p.ops->fixed_alg)
		return cima__err(-EOPNOTSUPP, "%s: registers are %s only", p.ops->name,
				 cima_alg_name(p.ops->fixed_alg));
	return p.ops->measurement(&p, mr - p.ops->cc_mr_base, p.ops->fixed_alg, digest);
}
