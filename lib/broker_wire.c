// SPDX-License-Identifier: LGPL-2.1-or-later
/* Report broker messages (lib/broker.h): building, parsing, sending. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "broker.h"
#include "internal.h"

static void put_le(uint8_t *p, uint32_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int cima__msg_put(struct cima__msg *m, uint16_t tag, const void *p, size_t len)
{
	if (len > CIMA_REPORTD_MAX || m->len + 6 + len > CIMA_REPORTD_MAX)
		return cima__err(-E2BIG, "reportd: message over %u bytes", CIMA_REPORTD_MAX);
	if (m->len + 6 + len > m->cap) {
		size_t cap = (m->len + 6 + len) * 2;
		uint8_t *b = realloc(m->buf, cap);

		if (!b)
			return cima__err(-ENOMEM, "out of memory");
		m->buf = b;
		m->cap = cap;
	}
	put_le(m->buf + m->len, tag, 2);
	put_le(m->buf + m->len + 2, (uint32_t)len, 4);
	if (len)
		memcpy(m->buf + m->len + 6, p, len);
	m->len += 6 + len;
	return 0;
}

int cima__msg_put_u32(struct cima__msg *m, uint16_t tag, uint32_t v)
{
	uint8_t b[4];

	put_le(b, v, 4);
	return cima__msg_put(m, tag, b, 4);
}

int cima__msg_get(const uint8_t *b, size_t blen, uint16_t tag,
		  const uint8_t **p, size_t *len)
{
	for (size_t off = 0; off < blen;) {
		uint16_t t;
		uint32_t l;

		if (blen - off < 6)
			return cima__err(-EBADMSG, "reportd: truncated item at %zu", off);
		t = (uint16_t)(b[off] | b[off + 1] << 8);
		l = cima__le32(b + off + 2);
		if (l > blen - off - 6)
			return cima__err(-EBADMSG, "reportd: item at %zu overruns the message", off);
		if (t == tag) {
			*p = b + off + 6;
			*len = l;
			return 0;
		}
		off += 6 + l;
	}
	return -ENOENT;
}

int cima__msg_get_u32(const uint8_t *b, size_t blen, uint16_t tag, uint32_t *v)
{
	const uint8_t *p;
	size_t len;
	int ret = cima__msg_get(b, blen, tag, &p, &len);

	if (ret)
		return ret;
	if (len != 4)
		return cima__err(-EBADMSG, "reportd: item %u is %zu bytes, not 4", tag, len);
	*v = cima__le32(p);
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return cima__err(-errno ? -errno : -EIO, "reportd: send: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cima__msg_send(int fd, const struct cima__msg *m, const int *fds, int nfds)
{
	uint8_t hdr[12];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} u;
	struct iovec iov = { .iov_base = hdr, .iov_len = sizeof(hdr) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	memcpy(hdr, CIMA_REPORTD_MAGIC, 4);
	put_le(hdr + 4, CIMA_REPORTD_VERSION, 4);
	put_le(hdr + 8, (uint32_t)m->len, 4);
	if (nfds > 4)
		return cima__err(-EINVAL, "reportd: too many descriptors");
	if (nfds) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		u.h.cmsg_level = SOL_SOCKET;
		u.h.cmsg_type = SCM_RIGHTS;
		u.h.cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(&u.h), fds, nfds * sizeof(int));
	}
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(hdr))
		return cima__err(n < 0 ? -errno : -EIO, "reportd: sendmsg: %s",
				 n < 0 ? strerror(errno) : "short write");
	return write_all(fd, m->buf, m->len);
}

static int read_all(int fd, uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = recv(fd, p, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cima__err(-errno, "reportd: recv: %s", strerror(errno));
		if (n == 0)
			return cima__err(-EPIPE, "reportd: connection closed mid-message");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cima__msg_recv(int fd, uint8_t **body, size_t *blen, int *fds, int maxfds,
		   int *nfds)
{
	uint8_t hdr[12];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(8 * sizeof(int))];
	} u;
	struct iovec iov = { .iov_base = hdr, .iov_len = sizeof(hdr) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	uint32_t len;
	ssize_t n;
	int got = 0, ret;

	*body = NULL;
	*nfds = 0;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	while (n < 0 && errno == EINTR);
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		int k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (int i = 0; i < k; i++) {
			int d;

			memcpy(&d, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (got < maxfds)
				fds[got++] = d;
			else
				close(d);
		}
	}
	*nfds = got;
	if (n < 0)
		return cima__err(-errno, "reportd: recvmsg: %s", strerror(errno));
	if (n != (ssize_t)sizeof(hdr) || memcmp(hdr, CIMA_REPORTD_MAGIC, 4) ||
	    cima__le32(hdr + 4) != CIMA_REPORTD_VERSION)
		return cima__err(-EPROTO, "reportd: not a version %d message", CIMA_REPORTD_VERSION);
	len = cima__le32(hdr + 8);
	if (len > CIMA_REPORTD_MAX)
		return cima__err(-E2BIG, "reportd: message of %u bytes", len);
	*body = malloc(len ? len : 1);
	if (!*body)
		return cima__err(-ENOMEM, "out of memory");
	ret = read_all(fd, *body, len);
	if (ret) {
		free(*body);
		*body = NULL;
		return ret;
	}
	*blen = len;
	return 0;
}

const char *cima__broker_socket(void)
{
	const char *e = getenv(CIMA_REPORTD_ENV);

	return e && *e ? e : CIMA_REPORTD_SOCKET;
}
