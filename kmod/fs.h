/* SPDX-License-Identifier: GPL-2.0 */
/* securityfs: /sys/kernel/security/cima/. */
#ifndef CIMA_FS_H
#define CIMA_FS_H

struct cima_container;

int cima_fs_init(void);
void cima_fs_exit(void);
/* A container started (its directory is owed), and stopped. */
void cima_fs_add_container(struct cima_container *c);
void cima_fs_remove_container(struct cima_container *c);

#endif /* CIMA_FS_H */
