// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Report broker server side (lib/broker.h), run by tools/cima-reportd: one
 * connection, one request, one reply.  The caller's container is whatever
 * the two passed descriptors say, and they are accepted only when they are
 * the cima module's self/ files: the module resolved them to the opener's
 * container at open time, so the caller cannot name another container.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cima/eventlog.h>
#include <uapi/cima.h>

#include "b64.h"
#include "broker.h"
#include "report_internal.h"

#define VIEW_MAX	(32u << 20)

/* @fd must be the inode of @fsroot/self/@name. */
static int check_self_fd(int fd, const char *fsroot, const char *name)
{
	char path[512];
	struct stat a, b;

	snprintf(path, sizeof(path), "%s/%s/%s", fsroot, CIMA_DIR_SELF, name);
	if (fstat(fd, &a))
		return cima__err(-errno, "descriptor for self/%s: %s", name, strerror(errno));
	if (stat(path, &b))
		return cima__err(-errno, "%s: %s", path, strerror(errno));
	if (a.st_dev != b.st_dev || a.st_ino != b.st_ino || !S_ISREG(a.st_mode))
		return cima__err(-EPERM, "refused: the descriptor passed for self/%s is not that cima securityfs file",
				 name);
	return 0;
}

/* Read @fd from its current position to EOF, appending to *buf. */
static int read_more(int fd, uint8_t **buf, size_t *len, size_t max)
{
	for (;;) {
		uint8_t *b;
		ssize_t n;

		b = realloc(*buf, *len + 65536);
		if (!b)
			return cima__err(-ENOMEM, "out of memory");
		*buf = b;
		n = read(fd, b + *len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cima__err(-errno, "read: %s", strerror(errno));
		if (n == 0)
			return 0;
		*len += (size_t)n;
		if (*len > max)
			return cima__err(-E2BIG, "more than %zu bytes", max);
	}
}

/*
 * The container whose containers/<id>/cgroup reads exactly @cg (the
 * "path <escaped path>\nid <cgroup id>\n" the module wrote for the
 * caller's descriptor): *id, malloc'd.
 */
static int find_container(const char *fsroot, const uint8_t *cg, size_t cglen, char **id)
{
	char dir[512], path[1024];
	struct dirent *de;
	DIR *d;
	int ret = -ENOENT;

	snprintf(dir, sizeof(dir), "%s/%s", fsroot, CIMA_DIR_CONTAINERS);
	d = opendir(dir);
	if (!d)
		return cima__err(-errno, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		uint8_t *b;
		size_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", dir, de->d_name, CIMA_CFILE_CGROUP);
		if (cima__read_file_max(path, &b, &n, 8192))
			continue;
		if (n == cglen && !memcmp(b, cg, n)) {
			*id = strdup(de->d_name);
			ret = *id ? 0 : -ENOMEM;
		}
		free(b);
		if (ret != -ENOENT)
			break;
	}
	closedir(d);
	if (ret == -ENOENT)
		return cima__err(-ENOENT, "the caller's container is not listed in %s (stopped?)", dir);
	return ret ? cima__err(ret, "out of memory") : 0;
}

/* Bytes of the view's header and first @count records. */
static int view_prefix(const uint8_t *view, size_t len, uint64_t count, size_t *plen)
{
	struct cima_eventlog *log = cima_eventlog_parse(view, len, CIMA_SOURCE_CIMA);
	size_t n;

	if (!log)
		return -errno;
	n = cima_eventlog_count(log);
	/* event 0 is the Spec ID header */
	if (count + 1 > n) {
		cima_eventlog_free(log);
		return cima__err(-EAGAIN, "view has %zu records, snapshot %llu", n ? n - 1 : 0,
				 (unsigned long long)count);
	}
	*plen = count + 1 < n ? cima_event_offset(cima_eventlog_event(log, (size_t)count + 1))
			      : len;
	cima_eventlog_free(log);
	return 0;
}

static int reply_error(int conn, int err, const char *msg)
{
	struct cima__msg m = { 0 };
	int ret = cima__msg_put_u32(&m, BT_STATUS, (uint32_t)(err < 0 ? -err : err));

	if (!ret)
		ret = cima__msg_put(&m, BT_MESSAGE, msg, strlen(msg));
	if (!ret)
		ret = cima__msg_send(conn, &m, NULL, 0);
	free(m.buf);
	return ret;
}

static int put_report(struct cima__msg *m, const struct cima_report *r, const char *id,
		      const char *binding, const uint8_t *view, size_t vlen)
{
	uint8_t snap[CIMA_MAX_BANKS * (4 + CIMA_MAX_DIGEST_SIZE)], cnt[8];
	size_t sl = 0;
	int ret;

	if ((ret = cima__msg_put_u32(m, BT_STATUS, 0)) ||
	    (ret = cima__msg_put_u32(m, BT_KIND, (uint32_t)r->kind)) ||
	    (ret = cima__msg_put(m, BT_SOURCE, r->source, strlen(r->source))) ||
	    (ret = cima__msg_put(m, BT_REPORT_DATA, r->report_data, 64)) ||
	    (ret = cima__msg_put(m, BT_BLOB, r->blob, r->blob_len)) ||
	    (ret = cima__msg_put(m, BT_CONTAINER, id, strlen(id))) ||
	    (ret = cima__msg_put(m, BT_BINDING, binding, strlen(binding))) ||
	    (ret = cima__msg_put(m, BT_VIEW, view, vlen)))
		return ret;
	if (r->aux && (ret = cima__msg_put(m, BT_AUX, r->aux, r->aux_len)))
		return ret;
	if (r->sig && ((ret = cima__msg_put(m, BT_SIG, r->sig, r->sig_len)) ||
		       (ret = cima__msg_put(m, BT_AKPUB, r->akpub, r->akpub_len)) ||
		       (ret = cima__msg_put(m, BT_PCRS, r->pcrs, r->pcrs_len)) ||
		       (ret = cima__msg_put_u32(m, BT_PCR_ALG, r->pcr_alg)) ||
		       (ret = cima__msg_put_u32(m, BT_PCR_MASK, r->pcr_mask))))
		return ret;
	if (!r->has_snapshot)
		return 0;
	for (int i = 0; i < 8; i++)
		cnt[i] = (uint8_t)(r->snap.count >> (8 * i));
	for (unsigned int b = 0; b < r->snap.v.nbanks; b++) {
		size_t sz = cima_alg_digest_size(r->snap.v.alg[b]);

		snap[sl] = (uint8_t)r->snap.v.alg[b];
		snap[sl + 1] = (uint8_t)(r->snap.v.alg[b] >> 8);
		snap[sl + 2] = (uint8_t)sz;
		snap[sl + 3] = 0;
		memcpy(snap + sl + 4, r->snap.v.val[b], sz);
		sl += 4 + sz;
	}
	if ((ret = cima__msg_put(m, BT_SNAP_COUNT, cnt, 8)))
		return ret;
	return cima__msg_put(m, BT_SNAP_VALUES, snap, sl);
}

int cima__broker_serve(int conn, const char *fsroot)
{
	CIMA_OPTS(cima_report_opts, ro, .evidence_snapshot = true);
	struct cima__msg m = { 0 };
	struct cima_report *r = NULL;
	uint8_t *body = NULL, *cg = NULL, *view = NULL;
	const uint8_t *nonce, *data;
	size_t blen, nlen, dlen, cglen = 0, vlen = 0, plen = 0;
	char *id = NULL, *b64 = NULL, *binding = NULL, snappath[512];
	int fds[2] = { -1, -1 }, nf = 0, ret;

	if (!fsroot)
		fsroot = CIMA_FS_ROOT;
	snprintf(snappath, sizeof(snappath), "%s/%s", fsroot, CIMA_FILE_SNAPSHOT);
	ro.snapshot_path = snappath;
	ret = cima__msg_recv(conn, &body, &blen, fds, 2, &nf);
	if (!ret && nf != 2)
		ret = cima__err(-EPERM, "refused: the request must carry two descriptors (self/cgroup, self/binary_runtime_measurements), it carried %d",
				nf);
	if (!ret && (cima__msg_get(body, blen, BT_NONCE, &nonce, &nlen) ||
		     cima__msg_get(body, blen, BT_DATA, &data, &dlen)))
		ret = cima__err(-EBADMSG, "request without nonce or data");
	if (!ret)
		ret = check_self_fd(fds[0], fsroot, CIMA_CFILE_CGROUP);
	if (!ret)
		ret = check_self_fd(fds[1], fsroot, CIMA_CFILE_BINARY_LOG);
	/* The kernel resolved these when the caller opened them. */
	if (!ret)
		ret = read_more(fds[0], &cg, &cglen, 4096);
	if (!ret)
		ret = find_container(fsroot, cg, cglen, &id);
	/* The cgroup path as the module escaped it: first line after "path ". */
	if (!ret) {
		char *nl;

		cg[cglen] = '\0';
		nl = memchr(cg, '\n', cglen);
		if (strncmp((char *)cg, "path ", 5) || !nl || memchr(cg, '\0', cglen))
			ret = cima__err(-EBADMSG, "self/cgroup: unexpected content");
		else
			*nl = '\0';
	}
	if (!ret) {
		b64 = cima__b64_encode(data, dlen);
		if (!b64 || asprintf(&binding, "cima-reportd/1\ncontainer %s\ncgroup %s\ndata %s\n",
				     id, (char *)cg + 5, b64) < 0) {
			binding = NULL;
			ret = cima__err(-ENOMEM, "out of memory");
		}
	}
	if (!ret)
		ret = read_more(fds[1], &view, &vlen, VIEW_MAX);
	if (!ret) {
		r = cima_get_cc_report(nonce, nlen, binding, strlen(binding), &ro);
		if (!r)
			ret = -errno;
	}
	/* Records appended since the first read: read on from there. */
	if (!ret)
		ret = read_more(fds[1], &view, &vlen, VIEW_MAX);
	if (!ret && r->has_snapshot)
		ret = view_prefix(view, vlen, r->snap.count, &plen);
	else if (!ret)
		plen = vlen;
	if (!ret)
		ret = put_report(&m, r, id, binding, view, plen);
	if (!ret)
		ret = cima__msg_send(conn, &m, NULL, 0);
	else
		reply_error(conn, ret, cima_strerror_last());
	cima_report_free(r);
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(m.buf);
	free(body);
	free(cg);
	free(view);
	free(id);
	free(b64);
	free(binding);
	return ret;
}
