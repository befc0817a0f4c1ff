// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Report broker client (lib/broker.h): inside a tracked container, with
 * the broker's socket mounted, cima_get_cc_report() asks the broker.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <uapi/cima.h>

#include "broker.h"
#include "report_internal.h"

/* A copy of item @tag into *dst (malloc'd; NULL when absent). */
static int take(const uint8_t *b, size_t blen, uint16_t tag, uint8_t **dst,
		size_t *dlen)
{
	const uint8_t *p;
	size_t len;
	int ret = cima__msg_get(b, blen, tag, &p, &len);

	*dst = NULL;
	*dlen = 0;
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	*dst = malloc(len ? len : 1);
	if (!*dst)
		return cima__err(-ENOMEM, "out of memory");
	memcpy(*dst, p, len);
	*dlen = len;
	return 0;
}

static void drop(struct cima_report *r)
{
	if (!r)
		return;
	free(r->blob);
	free(r->aux);
	free(r->sig);
	free(r->akpub);
	free(r->pcrs);
	free(r->binding);
	free(r->view);
	free(r);
}

static int fill(struct cima_report *r, const uint8_t *b, size_t blen, const char *sock)
{
	const uint8_t *p;
	size_t len;
	uint32_t v;
	int ret;

	if (cima__msg_get_u32(b, blen, BT_KIND, &v))
		return cima__err(-EBADMSG, "reportd: reply without a report kind");
	r->kind = (int)v;
	if (cima__msg_get(b, blen, BT_REPORT_DATA, &p, &len) || len != 64)
		return cima__err(-EBADMSG, "reportd: reply without 64 bytes of report data");
	memcpy(r->report_data, p, 64);
	if (!cima__msg_get(b, blen, BT_SOURCE, &p, &len))
		snprintf(r->source, sizeof(r->source), "reportd:%s (%.*s)", sock,
			 (int)(len < 40 ? len : 40), p);
	if (!cima__msg_get(b, blen, BT_CONTAINER, &p, &len) && len < sizeof(r->container))
		memcpy(r->container, p, len);
	if ((ret = take(b, blen, BT_BLOB, &r->blob, &r->blob_len)) ||
	    (ret = take(b, blen, BT_AUX, &r->aux, &r->aux_len)) ||
	    (ret = take(b, blen, BT_SIG, &r->sig, &r->sig_len)) ||
	    (ret = take(b, blen, BT_AKPUB, &r->akpub, &r->akpub_len)) ||
	    (ret = take(b, blen, BT_PCRS, &r->pcrs, &r->pcrs_len)) ||
	    (ret = take(b, blen, BT_BINDING, &r->binding, &r->binding_len)) ||
	    (ret = take(b, blen, BT_VIEW, &r->view, &r->view_len)))
		return ret;
	if (!r->blob || !r->binding)
		return cima__err(-EBADMSG, "reportd: reply without a report or binding");
	if (!cima__msg_get_u32(b, blen, BT_PCR_ALG, &v))
		r->pcr_alg = (uint16_t)v;
	if (!cima__msg_get_u32(b, blen, BT_PCR_MASK, &v))
		r->pcr_mask = v;
	if (!cima__msg_get(b, blen, BT_SNAP_COUNT, &p, &len) && len == 8) {
		r->has_snapshot = true;
		r->snap.count = cima__le64(p);
		if (!cima__msg_get(b, blen, BT_SNAP_VALUES, &p, &len)) {
			/* (u16 alg, u16 size, value) per bank */
			for (size_t off = 0; off + 4 <= len &&
			     r->snap.v.nbanks < CIMA_MAX_BANKS;) {
				uint16_t alg = (uint16_t)(p[off] | p[off + 1] << 8);
				size_t sz = (size_t)(p[off + 2] | p[off + 3] << 8);

				if (sz > CIMA_MAX_DIGEST_SIZE || off + 4 + sz > len)
					return cima__err(-EBADMSG, "reportd: bad snapshot value");
				r->snap.v.alg[r->snap.v.nbanks] = alg;
				memcpy(r->snap.v.val[r->snap.v.nbanks++], p + off + 4, sz);
				off += 4 + sz;
			}
		}
	}
	return 0;
}

int cima__broker_report(const void *nonce, size_t nonce_len, const void *data,
			size_t data_len, struct cima_report **out)
{
	const char *sock = cima__broker_socket();
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct cima__msg m = { 0 };
	struct cima_report *r = NULL;
	uint8_t *body = NULL;
	size_t blen = 0;
	int fds[2] = { -1, -1 }, s = -1, nf = 0, ret;
	char path[512];
	uint32_t status;

	*out = NULL;
	if (access(sock, F_OK))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", cima__self_dir(), CIMA_CFILE_CGROUP);
	fds[0] = open(path, O_RDONLY | O_CLOEXEC);
	if (fds[0] < 0)
		return 0;	/* not in a tracked container (or no module) */
	snprintf(path, sizeof(path), "%s/%s", cima__self_dir(), CIMA_CFILE_BINARY_LOG);
	fds[1] = open(path, O_RDONLY | O_CLOEXEC);
	if (fds[1] < 0) {
		ret = cima__err(-errno, "reportd: self/%s: %s", CIMA_CFILE_BINARY_LOG,
				strerror(errno));
		goto out;
	}
	if (strlen(sock) >= sizeof(sa.sun_path)) {
		ret = cima__err(-ENAMETOOLONG, "reportd: socket path %s too long", sock);
		goto out;
	}
	strcpy(sa.sun_path, sock);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = cima__err(-errno, "reportd: connect %s: %s", sock, strerror(errno));
		goto out;
	}
	ret = cima__msg_put(&m, BT_NONCE, nonce, nonce_len);
	if (!ret)
		ret = cima__msg_put(&m, BT_DATA, data, data_len);
	if (!ret)
		ret = cima__msg_send(s, &m, fds, 2);
	if (!ret)
		ret = cima__msg_recv(s, &body, &blen, NULL, 0, &nf);
	if (ret)
		goto out;
	if (cima__msg_get_u32(body, blen, BT_STATUS, &status)) {
		ret = cima__err(-EBADMSG, "reportd: reply without a status");
		goto out;
	}
	if (status) {
		const uint8_t *p;
		size_t len = 0;

		if (cima__msg_get(body, blen, BT_MESSAGE, &p, &len))
			p = (const uint8_t *)"";
		ret = cima__err(-(int)(status < 4096 ? status : EIO), "reportd (%s): %.*s",
				sock, (int)(len < 400 ? len : 400), p);
		goto out;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		ret = cima__err(-ENOMEM, "out of memory");
		goto out;
	}
	ret = fill(r, body, blen, sock);
	if (!ret) {
		*out = r;
		r = NULL;
		ret = 1;
	}
out:
	drop(r);
	free(body);
	free(m.buf);
	if (s >= 0)
		close(s);
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return ret;
}
