/* SPDX-License-Identifier: GPL-2.0 */
/* Which cgroups are containers, what is measured, fail open or closed. */
#ifndef CIMA_POLICY_H
#define CIMA_POLICY_H

#include <linux/types.h>

struct seq_file;

int cima_policy_init(void);
void cima_policy_exit(void);
/* Atomic context: decides whether a new cgroup is a container. */
bool cima_policy_match(const char *path, char *id);
/* The pod a container's cgroup path names (CIMA_ID_MAX + 1 bytes). */
bool cima_policy_pod(const char *path, char *pod);
bool cima_policy_exec(void);
bool cima_policy_mmap(void);
bool cima_policy_fail_closed(void);
int cima_policy_show(struct seq_file *m);
int cima_policy_write(const char *text, size_t len);

#endif /* CIMA_POLICY_H */
