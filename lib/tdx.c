// SPDX-License-Identifier: LGPL-2.1-or-later
/* TDX guest device: TDREPORT through /dev/tdx_guest TDX_CMD_GET_REPORT0. */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#include <cima/report.h>
#include "report_internal.h"

/* <linux/tdx-guest.h> is not in the installed uapi headers (kernel v6.2+). */
#define TDX_REPORTDATA_LEN	64
#define TDX_REPORT_LEN		1024

struct tdx_report_req {
	__u8 reportdata[TDX_REPORTDATA_LEN];
	__u8 tdreport[TDX_REPORT_LEN];
};

#define TDX_CMD_GET_REPORT0	_IOWR('T', 1, struct tdx_report_req)

int cima__tdx_tdreport(const struct cima__plat *p, const uint8_t *rd,
		       uint8_t *out)
{
	struct tdx_report_req req;
	char dev[300];
	int fd, ret = 0;

	cima__path(p, dev, sizeof(dev), "/dev/tdx_guest");
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
