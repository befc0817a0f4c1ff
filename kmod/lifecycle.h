/* SPDX-License-Identifier: GPL-2.0 */
/* A container's start and stop: its id, its publication, its directory. */
#ifndef CIMA_LIFECYCLE_H
#define CIMA_LIFECYCLE_H

struct cima_container;

int cima_container_add(struct cima_container *c);
void cima_container_remove(struct cima_container *c);
void cima_lifecycle_exit(void);

#endif /* CIMA_LIFECYCLE_H */
