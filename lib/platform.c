// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Platform detection and measurement registers.
 *
 * Order: an explicit opts->platform, else $CIMA_PLATFORM, else TDX
 * (/dev/tdx_guest or configfs-tsm provider tdx_guest), SNP (/dev/sev-guest
 * or provider sev_guest), TPM (/dev/tpmrm0, or an explicit TCTI).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cima/report.h>
#include "report_internal.h"

#define TSM_DIR		"/sys/kernel/config/tsm/report"
#define TPM_DEV		"/dev/tpmrm0"
#define TDX_DEV		"/dev/tdx_guest"
#define SNP_DEV		"/dev/sev-guest"
#define TDX_MR_DIR	"/sys/class/misc/tdx_guest/measurements"

static const char *const plat_names[] = { "auto", "tpm", "tdx", "snp" };

const char *cima_platform_name(int platform)
{
	if (platform < 0 || platform >= (int)ARRAY_SIZE(plat_names))
		return NULL;
	return plat_names[platform];
}

int cima_platform_from_name(const char *name)
{
	if (!name)
		return -EINVAL;
	for (int i = 0; i < (int)ARRAY_SIZE(plat_names); i++)
		if (!strcasecmp(name, plat_names[i]))
			return i;
	return -EINVAL;
}

void cima__path(const struct cima__plat *p, char *buf, size_t size,
		const char *path)
{
	snprintf(buf, size, "%s%s", p->root, path);
}

static bool exists(const struct cima__plat *p, const char *path)
{
	char b[512];

	cima__path(p, b, sizeof(b), path);
	return access(b, F_OK) == 0;
}

/*
 * Provider of the configfs-tsm report interface, found by creating (and
 * removing) a scratch entry: "" when configfs-tsm is absent.
 */
static void tsm_provider(const struct cima__plat *p, char *prov, size_t size)
{
	char dir[640], file[700];
	uint8_t *b;
	size_t n;

	prov[0] = '\0';
	if (p->no_tsm || access(p->tsm_dir, W_OK))
		return;
	snprintf(dir, sizeof(dir), "%s/cima-probe-%d", p->tsm_dir, (int)getpid());
	if (mkdir(dir, 0700) && errno != EEXIST)
		return;
	snprintf(file, sizeof(file), "%s/provider", dir);
	if (!cima__rep_read_file(file, &b, &n, 64)) {
		while (n && (b[n - 1] == '\n' || b[n - 1] == '\0'))
			n--;
		snprintf(prov, size, "%.*s", (int)n, (char *)b);
		free(b);
	}
	rmdir(dir);
}

int cima__plat_resolve(const struct cima_platform_opts *uopts,
		       struct cima__plat *p)
{
	struct cima_platform_opts o = { .sz = sizeof(o) };
	const struct cima_platform_opts *opts = NULL;
	const char *env, *tcti = NULL;
	char prov[64];
	int plat = 0;

	memset(p, 0, sizeof(*p));
	if (uopts) {
		/* An older caller's smaller struct: the missing fields are 0. */
		if (uopts->sz < sizeof(size_t) || uopts->sz > 4096)
			return cima__err(-EINVAL, "platform options: sz %zu invalid", uopts->sz);
		memcpy(&o, uopts, uopts->sz < sizeof(o) ? uopts->sz : sizeof(o));
		opts = &o;
	}
	if (opts) {
		plat = opts->platform;
		if (opts->root)
			snprintf(p->root, sizeof(p->root), "%s", opts->root);
		tcti = opts->tpm_tcti;
		p->no_tsm = opts->no_tsm;
		if (opts->tsm_dir)
			snprintf(p->tsm_dir, sizeof(p->tsm_dir), "%s", opts->tsm_dir);
	}
	if (!p->tsm_dir[0])
		snprintf(p->tsm_dir, sizeof(p->tsm_dir), "%s%s", p->root, TSM_DIR);
	if (!tcti)
		tcti = getenv("CIMA_TPM_TCTI");
	if (tcti && *tcti)
		snprintf(p->tcti, sizeof(p->tcti), "%s", tcti);
	else
		snprintf(p->tcti, sizeof(p->tcti), "device:%s%s", p->root, TPM_DEV);
	if (plat < 0 || plat > CIMA_PLATFORM_SNP)
		return cima__err(-EINVAL, "platform %d unknown", plat);
	if (!plat && (env = getenv("CIMA_PLATFORM")) && *env) {
		plat = cima_platform_from_name(env);
		if (plat < 0)
			return cima__err(-EINVAL, "CIMA_PLATFORM=%s: not one of auto, tpm, tdx, snp",
					 env);
	}
	if (plat != CIMA_PLATFORM_TPM)
		tsm_provider(p, prov, sizeof(prov));
	else
		prov[0] = '\0';
	if (!plat) {
		if (exists(p, TDX_DEV) || !strcmp(prov, "tdx_guest"))
			plat = CIMA_PLATFORM_TDX;
		else if (exists(p, SNP_DEV) || !strcmp(prov, "sev_guest"))
			plat = CIMA_PLATFORM_SNP;
		else if (exists(p, TPM_DEV) || (tcti && *tcti))
			plat = CIMA_PLATFORM_TPM;
		else
			return cima__err(-ENODEV, "no platform found: looked for %s%s, %s%s, configfs-tsm provider tdx_guest or sev_guest in %s%s, and %s%s",
					 p->root, TDX_DEV, p->root, SNP_DEV, p->tsm_dir,
					 p->no_tsm ? " (disabled)" : prov[0] ? "" : " (absent)",
					 p->root, TPM_DEV);
	}
	p->platform = plat;
	p->tsm = (plat == CIMA_PLATFORM_TDX && !strcmp(prov, "tdx_guest")) ||
		 (plat == CIMA_PLATFORM_SNP && !strcmp(prov, "sev_guest"));
	return 0;
}

int cima_detect_platform(const struct cima_platform_opts *opts)
{
	struct cima__plat p;
	int ret = cima__plat_resolve(opts, &p);

	return ret ? ret : p.platform;
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
	if (p.platform == CIMA_PLATFORM_TPM)
		return cima__tpm_banks(&p, algs, max);
	if (max)
		algs[0] = CIMA_ALG_SHA384;
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

	if (ret)
		return ret;
	switch (p.platform) {
	case CIMA_PLATFORM_TDX:
		return 5;
	case CIMA_PLATFORM_SNP:
		return 1;
	default:
		return 24;
	}
}

/* TDX: measurement-register sysfs (v6.16+) if present, else a TDREPORT. */
int cima__tdx_measurement(const struct cima__plat *p, int index, uint8_t *digest)
{
	static const char *const files[] = { "mrtd:sha384", "rtmr0:sha384",
		"rtmr1:sha384", "rtmr2:sha384", "rtmr3:sha384" };
	struct cima_tdx_tdreport t;
	uint8_t rd[64] = { 0 }, rep[CIMA_TDX_TDREPORT_SIZE];
	char path[640];
	uint8_t *b;
	size_t n;
	int ret;

	snprintf(path, sizeof(path), "%s%s/%s", p->root, TDX_MR_DIR, files[index]);
	if (!access(path, R_OK)) {
		ret = cima__rep_read_file(path, &b, &n, 96);
		if (ret)
			return ret;
		if (n != 48) {
			free(b);
			return cima__err(-EIO, "%s: %zu bytes, expected 48", path, n);
		}
		memcpy(digest, b, 48);
		free(b);
		return 48;
	}
	ret = cima__tdx_tdreport(p, rd, rep);
	if (ret)
		return ret;
	ret = cima_tdx_tdreport_parse(rep, sizeof(rep), &t);
	if (ret)
		return ret;
	memcpy(digest, index ? t.body.rtmr[index - 1] : t.body.mr_td, 48);
	return 48;
}

int cima_get_cc_measurement(int index, uint16_t alg,
			    uint8_t digest[CIMA_MAX_DIGEST_SIZE],
			    const struct cima_platform_opts *opts)
{
	struct cima__plat p;
	int ret = cima__plat_resolve(opts, &p);

	if (ret)
		return ret;
	if (!digest)
		return cima__err(-EINVAL, "measurement: NULL digest buffer");
	switch (p.platform) {
	case CIMA_PLATFORM_TDX:
	case CIMA_PLATFORM_SNP:
		if (alg && alg != CIMA_ALG_SHA384)
			return cima__err(-EOPNOTSUPP, "%s: registers are sha384 only, not %s",
					 cima_platform_name(p.platform),
					 cima_alg_name(alg) ? cima_alg_name(alg) : "unknown");
		if (index < 0 || index >= (p.platform == CIMA_PLATFORM_TDX ? 5 : 1))
			return cima__err(-EINVAL, "%s: register index %d out of range 0..%d",
					 cima_platform_name(p.platform), index,
					 p.platform == CIMA_PLATFORM_TDX ? 4 : 0);
		if (p.platform == CIMA_PLATFORM_TDX)
			return cima__tdx_measurement(&p, index, digest);
		{
			struct cima_snp_report s;
			uint8_t rd[64] = { 0 }, *rep = NULL, *aux = NULL;
			size_t len = 0, alen = 0;

			CIMA_OPTS(cima_report_opts, ro);
			if (p.tsm)
				ret = cima__tsm_report(&p, "sev_guest", rd, &ro, &rep,
						       &len, &aux, &alen);
			else
				ret = cima__snp_ioctl_report(&p, rd, &rep, &len);
			if (!ret)
				ret = cima_snp_report_parse(rep, len, &s);
			free(rep);
			free(aux);
			if (ret)
				return ret;
			memcpy(digest, s.measurement, 48);
			return 48;
		}
	default:
		if (index < 0 || index > 23)
			return cima__err(-EINVAL, "tpm: PCR index %d out of range 0..23", index);
		if (!alg) {
			ret = cima_get_default_algorithm(opts);
			if (ret < 0)
				return ret;
			alg = (uint16_t)ret;
		}
		return cima__tpm_pcr_read(&p, index, alg, digest);
	}
}
