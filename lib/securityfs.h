/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to libcima: the one reader of every text file the cima module
 * writes in securityfs (formats in include/uapi/cima.h), and the one
 * container-id check.  lib/securityfs.c.
 */
#ifndef CIMA_SECURITYFS_H
#define CIMA_SECURITYFS_H

#include "internal.h"

/* "<alg> <hex>\n" lines: one value per active bank, in the file's order. */
struct cima__sfs_values {
	unsigned int nbanks;
	uint16_t alg[CIMA_MAX_BANKS];
	uint8_t val[CIMA_MAX_BANKS][CIMA_MAX_DIGEST_SIZE];
};

/* register: "backend <name>\nindex <n>\n" then the values. */
struct cima__sfs_register {
	char backend[32];
	uint32_t index;
	struct cima__sfs_values v;	/* banks the library knows */
};

/* snapshot: "version 1\ncount <n>\n" then the values. */
struct cima__sfs_snapshot {
	uint64_t count;
	struct cima__sfs_values v;
};

/*
 * Each reader returns 0, or -errno with the message set (-EBADMSG names
 * the file and line).  @path is the file itself.
 */
int cima__sfs_read_register(const char *path, struct cima__sfs_register *out);
int cima__sfs_read_snapshot(const char *path, struct cima__sfs_snapshot *out);
/* containers/<id>/register: the values only. */
int cima__sfs_read_values(const char *path, struct cima__sfs_values *out);
/* containers/<id>/cgroup: "path <escaped path>\nid <cgid>\n"; *cgpath malloc'd, still escaped. */
int cima__sfs_read_cgroup(const char *path, char **cgpath, uint64_t *cgid);

/* The value of bank @alg, or NULL. */
const uint8_t *cima__sfs_value(const struct cima__sfs_values *v, uint16_t alg);

/*
 * Container id grammar of include/uapi/cima.h: [A-Za-z0-9][A-Za-z0-9._-]*,
 * at most CIMA_ID_MAX bytes.  0 or -EINVAL with the message set.
 */
int cima__check_container_id(const char *id);

/*
 * Escape @s as the module writes values in event data and in the cgroup
 * file: '\\', ' ', '=' and bytes outside 0x21..0x7e become "\\xHH".
 * malloc'd, NULL on ENOMEM.
 */
char *cima__sfs_escape(const char *s);

/* "<fsroot>/containers/<id>/<file>" (fsroot NULL: CIMA_FS_ROOT); -ENAMETOOLONG. */
int cima__sfs_container_path(char *buf, size_t size, const char *fsroot,
			     const char *id, const char *file);

/*
 * The cima self/ directory this process opens: $CIMA_SELF_DIR (a container
 * that has self/ bind-mounted elsewhere, e.g. where AppArmor's
 * docker-default profile denies /sys/kernel/security), else
 * CIMA_FS_ROOT/self.
 */
const char *cima__self_dir(void);

#endif /* CIMA_SECURITYFS_H */
