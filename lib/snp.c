// SPDX-License-Identifier: LGPL-2.1-or-later
/* SEV-SNP guest device: attestation report through /dev/sev-guest. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/sev-guest.h>

#include <cima/report.h>
#include "report_internal.h"

int cima__snp_ioctl_report(const struct cima__plat *p, const uint8_t *rd,
			   uint8_t **out, size_t *len)
{
	struct snp_report_req req;
	struct snp_report_resp *resp;
	struct snp_guest_request_ioctl io;
	char dev[300];
	uint32_t status, size;
	int fd, ret = 0;

	cima__path(p, dev, sizeof(dev), "/dev/sev-guest");
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return cima__err(-errno, "snp: %s: %s", dev, strerror(errno));
	resp = calloc(1, sizeof(*resp));
	if (!resp) {
		close(fd);
		return cima__err(-ENOMEM, "snp: out of memory");
	}
	memset(&req, 0, sizeof(req));
	memcpy(req.user_data, rd, 64);
	req.vmpl = 0;
	memset(&io, 0, sizeof(io));
	io.msg_version = 1;
	io.req_data = (uintptr_t)&req;
	io.resp_data = (uintptr_t)resp;
	if (ioctl(fd, SNP_GET_REPORT, &io) < 0) {
		ret = cima__err(-errno, "snp: %s: SNP_GET_REPORT: %s (firmware error 0x%x, VMM error 0x%x)",
				dev, strerror(errno), io.fw_error, io.vmm_error);
		goto out;
	}
	status = cima__le32(resp->data);
	size = cima__le32(resp->data + 4);
	if (status) {
		ret = cima__err(-EIO, "snp: report response status 0x%x", status);
		goto out;
	}
	if (size < CIMA_SNP_REPORT_SIZE || size > sizeof(resp->data) - 32) {
		ret = cima__err(-EIO, "snp: report size %u out of range", size);
		goto out;
	}
	*out = malloc(size);
	if (!*out) {
		ret = cima__err(-ENOMEM, "snp: out of memory");
		goto out;
	}
	memcpy(*out, resp->data + 32, size);
	*len = size;
out:
	free(resp);
	close(fd);
	return ret;
}
