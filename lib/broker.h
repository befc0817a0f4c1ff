/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to libcima: the report broker (tools/cima-reportd) and its
 * client, for a container that has no TPM device and no way to extend the
 * cima register.  Documentation/container.md describes the deployment.
 *
 * Transport: a unix stream socket (CIMA_REPORTD_SOCKET, or
 * $CIMA_REPORTD_SOCKET).  One request and one reply per connection.
 *
 * Request: a message (below) with the nonce and the user data, sent with
 * SCM_RIGHTS carrying exactly two descriptors the *client* opened:
 * self/cgroup and self/binary_runtime_measurements of the cima securityfs.
 * The module binds a self/ file to the opener's container when it is
 * opened, so these descriptors name the client's container and no other;
 * the broker accepts them only when they are those very securityfs
 * inodes (st_dev and st_ino of its own stat of the same paths).
 *
 * Reply: a message with the status (0 or a positive errno), a message
 * text, and on success the report fields, the binding text and the
 * container's view (the first `count` records of the snapshot).
 *
 * Message: "CIMB" | u32 version (1) | u32 body length | body; the body is a
 * sequence of (u16 tag, u32 length, bytes) items, little-endian.
 *
 * The report binds, by the evidence-snapshot rule (struct
 * cima_report_opts.evidence_snapshot), the caller's nonce and the
 * binding text:
 *
 *	cima-reportd/1\n
 *	container <id>\n
 *	cgroup <cgroup path as the module wrote it>\n
 *	data <base64 of the caller's data>\n
 */
#ifndef CIMA_BROKER_H
#define CIMA_BROKER_H

#include <stddef.h>
#include <stdint.h>

#include <cima/report.h>

#define CIMA_REPORTD_SOCKET	"/run/cima/reportd.sock"
#define CIMA_REPORTD_ENV	"CIMA_REPORTD_SOCKET"
#define CIMA_REPORTD_MAGIC	"CIMB"
#define CIMA_REPORTD_VERSION	1
/* Biggest message either side accepts (a view of many events). */
#define CIMA_REPORTD_MAX	(64u << 20)

enum cima__broker_tag {
	BT_NONCE = 1, BT_DATA, BT_STATUS, BT_MESSAGE, BT_KIND, BT_SOURCE,
	BT_REPORT_DATA, BT_BLOB, BT_AUX, BT_SIG, BT_AKPUB, BT_PCRS, BT_PCR_ALG,
	BT_PCR_MASK, BT_SNAP_COUNT, BT_SNAP_VALUES, BT_BINDING, BT_VIEW,
	BT_CONTAINER,
};

struct cima__msg {
	uint8_t *buf;
	size_t len, cap;
};

int cima__msg_put(struct cima__msg *m, uint16_t tag, const void *p, size_t len);
int cima__msg_put_u32(struct cima__msg *m, uint16_t tag, uint32_t v);
/* Item @tag of body @b (@blen bytes): 0 and *p, *len; -ENOENT; -EBADMSG. */
int cima__msg_get(const uint8_t *b, size_t blen, uint16_t tag,
		  const uint8_t **p, size_t *len);
int cima__msg_get_u32(const uint8_t *b, size_t blen, uint16_t tag, uint32_t *v);
/* Send header + body on @fd, with @fds (may be 0 of them) on the first part. */
int cima__msg_send(int fd, const struct cima__msg *m, const int *fds, int nfds);
/*
 * Receive one message: *body (malloc'd) and *blen; up to @maxfds received
 * descriptors into @fds, their number in *nfds (others are closed).
 */
int cima__msg_recv(int fd, uint8_t **body, size_t *blen, int *fds, int maxfds,
		   int *nfds);

/* The socket path the client uses: $CIMA_REPORTD_SOCKET, else the default. */
const char *cima__broker_socket(void);
/*
 * Client: when this process is in a tracked container (self/ opens) and
 * the broker's socket exists, ask the broker.  Returns 1 and *out when
 * the broker answered, 0 when the broker does not apply (not in a
 * container, no socket), -errno on failure (message set).
 */
int cima__broker_report(const void *nonce, size_t nonce_len, const void *data,
			size_t data_len, struct cima_report **out);
/* Server: answer one connection (used by tools/cima-reportd). */
int cima__broker_serve(int conn, const char *fsroot);

#endif /* CIMA_BROKER_H */
