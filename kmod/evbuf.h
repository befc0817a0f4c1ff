/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event data builder: a fixed-capacity text buffer that records overflow
 * instead of truncating, with the escaping the ABI's grammar asks for.
 */
#ifndef CIMA_EVBUF_H
#define CIMA_EVBUF_H

#include <linux/types.h>
#include <linux/compiler_attributes.h>
#include <linux/gfp.h>

struct seq_file;

struct cima_buf {
	char *p;
	size_t len;
	size_t cap;
	bool overflow;
};

/* CIMA_EVENT_DATA_MAX bytes from kmalloc(@gfp); NULL when out of memory. */
char *cima_buf_alloc(struct cima_buf *b, gfp_t gfp);
/* The caller's @cap bytes at @p (on its stack, say). */
void cima_buf_init(struct cima_buf *b, char *p, size_t cap);
void cima_buf_put(struct cima_buf *b, const char *s, size_t n);
void cima_buf_puts(struct cima_buf *b, const char *s);
void cima_buf_u64(struct cima_buf *b, u64 v);	/* decimal */
void cima_buf_printf(struct cima_buf *b, const char *fmt, ...) __printf(2, 3);
void cima_buf_escape(struct cima_buf *b, const char *s, size_t n);
void cima_buf_hex(struct cima_buf *b, const u8 *p, size_t n);
void cima_put_hex(struct seq_file *m, const u8 *p, size_t n);
/* [A-Za-z0-9][A-Za-z0-9._-]*, 1..max bytes: container ids, event names. */
bool cima_valid_word(const char *s, size_t n, size_t max);

#endif /* CIMA_EVBUF_H */
