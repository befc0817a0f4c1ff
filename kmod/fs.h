/* SPDX-License-Identifier: GPL-2.0 */
/* securityfs: /sys/kernel/security/cima/. */
#ifndef CIMA_FS_H
#define CIMA_FS_H

struct cima_container;

int cima_fs_init(void);
void cima_fs_exit(void);
int cima_fs_add_container(struct cima_container *c);
void cima_fs_remove_container(struct cima_container *c);
/* A container directory queued to be made, and made (or failed). */
void cima_fs_dir_queued(void);
void cima_fs_dir_done(void);

#endif /* CIMA_FS_H */
