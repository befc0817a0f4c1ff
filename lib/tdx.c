// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The TDX platform: registers (IMR n = RTMR n; MRTD by CC MR index) from the measurement sysfs
 * or a TDREPORT, and reports: a quote through configfs-tsm (provider
 * tdx_guest) or an unsigned TDREPORT through /dev/tdx_guest
 * TDX_CMD_GET_REPORT0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#include "report_internal.h"

/* <linux/tdx-guest.h> is not in the installed uapi headers (kernel v6.2+). */
#define TDX_REPORTDATA_LEN	64
#define TDX_REPORT_LEN		1024

struct tdx_report_req {
	__u8 reportdata[TDX_REPORTDATA_LEN];
	__u8 tdreport[TDX_REPORT_LEN];
};

#define TDX_CMD_GET_REPORT0	_IOWR('T', 1, struct tdx_report_req)

#define TDX_DEV		"/dev/tdx_guest"
#define TDX_MR_DIR	"/sys/class/misc/tdx_guest/measurements"

static int tdx_tdreport(const struct cima__plat *p, const uint8_t *rd, uint8_t *out)
{
	struct tdx_report_req req;
	char dev[300];
	int fd, ret = 0;

	cima__path(p, dev, sizeof(dev), TDX_DEV);
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return cima__err(-errno, "tdx: %s: %s", dev, strerror(errno));
	memset(&req, 0, sizeof(req));
	memcpy(req.reportdata, rd, TDX_REPORTDATA_LEN);
	if (ioctl(fd, TDX_CMD_GET_REPORT0, &req) < 0)
		ret = cima__err(-errno, "tdx: %s: TDX_CMD_GET_REPORT0: %s", dev,
				strerror(errno));
	else
		memcpy(out, req.tdreport, TDX_REPORT_LEN);
	close(fd);
	return ret;
}

/*
 * Measurement-register sysfs (v6.16+) if present, else a TDREPORT.
 * @index: RTMR number (the IMR), or -1 for MRTD (cima_get_cc_mr()).
 */
static int tdx_measurement(const struct cima__plat *p, int index, uint16_t alg,
			   uint8_t *digest)
{
	static const char *const files[] = { "mrtd:sha384", "rtmr0:sha384",
		"rtmr1:sha384", "rtmr2:sha384", "rtmr3:sha384" };
	struct cima_tdx_tdreport t;
	uint8_t rd[64] = { 0 }, rep[CIMA_TDX_TDREPORT_SIZE];
	char path[640];
	uint8_t *b;
	size_t n;
	int ret;

	(void)alg;	/* sha384, checked by the caller */
	snprintf(path, sizeof(path), "%s%s/%s", p->root, TDX_MR_DIR, files[index + 1]);
	if (!access(path, R_OK)) {
		ret = cima__read_file_max(path, &b, &n, 96);
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
	ret = tdx_tdreport(p, rd, rep);
	if (ret)
		return ret;
	ret = cima_tdx_tdreport_parse(rep, sizeof(rep), &t);
	if (ret)
		return ret;
	memcpy(digest, index >= 0 ? t.body.rtmr[index] : t.body.mr_td, 48);
	return 48;
}

static int tdx_quote(const struct cima__plat *p, struct cima_report *r,
		     const struct cima_report_opts *o)
{
	struct cima_tdx_quote q;
	int ret;

	r->kind = CIMA_REPORT_TDX_QUOTE;
	snprintf(r->source, sizeof(r->source), "configfs-tsm:tdx_guest");
	ret = cima__tsm_report(p, "tdx_guest", r->report_data, o, &r->blob,
			       &r->blob_len, &r->aux, &r->aux_len);
	if (!ret)
		ret = cima_tdx_quote_parse(r->blob, r->blob_len, &q);
	if (!ret && memcmp(q.body.report_data, r->report_data, 64))
		ret = cima__err(-EIO, "tdx: the quote's REPORTDATA is not the one requested");
	return ret;
}

static int tdx_report_unsigned(const struct cima__plat *p, struct cima_report *r)
{
	struct cima_tdx_tdreport t;
	int ret;

	r->kind = CIMA_REPORT_TDX_TDREPORT;
	snprintf(r->source, sizeof(r->source), "ioctl:/dev/tdx_guest (unsigned)");
	r->blob = malloc(CIMA_TDX_TDREPORT_SIZE);
	if (!r->blob)
		return cima__err(-ENOMEM, "tdx: out of memory");
	r->blob_len = CIMA_TDX_TDREPORT_SIZE;
	ret = tdx_tdreport(p, r->report_data, r->blob);
	if (!ret)
		ret = cima_tdx_tdreport_parse(r->blob, r->blob_len, &t);
	if (!ret && memcmp(t.body.report_data, r->report_data, 64))
		ret = cima__err(-EIO, "tdx: the TDREPORT's REPORTDATA is not the one requested");
	return ret;
}

/* One report per call: the hook has nothing to hold between attempts. */
static int tdx_report(const struct cima__plat *p, struct cima_report *r,
		      const struct cima_report_opts *o,
		      const struct cima__quote_hook *hook)
{
	(void)hook;
	if (p->tsm || (o->tsm_entry && !p->no_tsm))
		return tdx_quote(p, r, o);
	return tdx_report_unsigned(p, r);
}

const struct cima_platform_ops cima__tdx_ops = {
	.id = CIMA_PLATFORM_TDX,
	.name = "tdx",
	.dev = TDX_DEV,
	.tsm_provider = "tdx_guest",
	.nregs = 4,
	.cc_mr_base = 1,
	.fixed_alg = CIMA_ALG_SHA384,
	.measurement = tdx_measurement,
	.report = tdx_report,
};
