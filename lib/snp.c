// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The SEV-SNP platform: one register (the launch MEASUREMENT, read from a
 * report) and attestation reports through configfs-tsm (provider
 * sev_guest) or /dev/sev-guest SNP_GET_REPORT.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/sev-guest.h>

#include "report_internal.h"

#define SNP_DEV		"/dev/sev-guest"

static int snp_ioctl_report(const struct cima__plat *p, const uint8_t *rd,
			    uint8_t **out, size_t *len)
{
	struct snp_report_req req;
	struct snp_report_resp *resp;
	struct snp_guest_request_ioctl io;
	char dev[300];
	uint32_t status, size;
	int fd, ret = 0;

	cima__path(p, dev, sizeof(dev), SNP_DEV);
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

/* A report over @rd, through configfs-tsm when the provider is there. */
static int snp_get(const struct cima__plat *p, const uint8_t *rd,
		   const struct cima_report_opts *o, uint8_t **out, size_t *len,
		   uint8_t **aux, size_t *aux_len, bool *tsm)
{
	*tsm = p->tsm || (o->tsm_entry && !p->no_tsm);
	if (*tsm)
		return cima__tsm_report(p, "sev_guest", rd, o, out, len, aux, aux_len);
	return snp_ioctl_report(p, rd, out, len);
}

static int snp_measurement(const struct cima__plat *p, int index, uint16_t alg,
			   uint8_t *digest)
{
	CIMA_OPTS(cima_report_opts, ro);
	struct cima_snp_report s;
	uint8_t rd[64] = { 0 }, *rep = NULL, *aux = NULL;
	size_t len = 0, alen = 0;
	bool tsm;
	int ret;

	(void)index;	/* 0, checked by the caller */
	(void)alg;	/* sha384, checked by the caller */
	ret = snp_get(p, rd, &ro, &rep, &len, &aux, &alen, &tsm);
	if (!ret)
		ret = cima_snp_report_parse(rep, len, &s);
	free(rep);
	free(aux);
	if (ret)
		return ret;
	memcpy(digest, s.measurement, 48);
	return 48;
}

static int snp_report(const struct cima__plat *p, struct cima_report *r,
		      const struct cima_report_opts *o,
		      const struct cima__quote_hook *hook)
{
	struct cima_snp_report s;
	bool tsm;
	int ret;

	(void)hook;
	r->kind = CIMA_REPORT_SNP;
	ret = snp_get(p, r->report_data, o, &r->blob, &r->blob_len, &r->aux,
		      &r->aux_len, &tsm);
	snprintf(r->source, sizeof(r->source), "%s",
		 tsm ? "configfs-tsm:sev_guest" : "ioctl:/dev/sev-guest");
	if (!ret)
		ret = cima_snp_report_parse(r->blob, r->blob_len, &s);
	if (!ret && memcmp(s.report_data, r->report_data, 64))
		ret = cima__err(-EIO, "snp: the report's REPORT_DATA is not the one requested");
	return ret;
}

const struct cima_platform_ops cima__snp_ops = {
	.id = CIMA_PLATFORM_SNP,
	.name = "snp",
	.dev = SNP_DEV,
	.tsm_provider = "sev_guest",
	.nregs = 1,
	.fixed_alg = CIMA_ALG_SHA384,
	.measurement = snp_measurement,
	.report = snp_report,
};
