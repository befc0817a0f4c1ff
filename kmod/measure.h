/* SPDX-License-Identifier: GPL-2.0 */
/* The event data of every kind, and the files behind exec and mmap events. */
#ifndef CIMA_MEASURE_H
#define CIMA_MEASURE_H

#include <linux/types.h>

#include "container.h"

struct file;

extern unsigned long cima_max_file_size;	/* bytes hashed at most; 0: no cap */
extern unsigned int cima_max_events;	/* per container; 0: no cap */
extern unsigned int cima_self_event_limit;

void cima_measure_start(struct cima_container *c, bool published, int err);
void cima_measure_stop(struct cima_container *c);
void cima_measure_file(struct cima_container *c, enum cima_file_kind kind,
		       struct file *file, u64 cgid, bool as_task);
int cima_measure_runtime(struct cima_container *c, bool self,
			 const char *text, size_t len);
void cima_measure_failed(struct cima_container *c, const char *what, int err,
			 const char *path, bool as_task);

#endif /* CIMA_MEASURE_H */
