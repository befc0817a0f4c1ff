// SPDX-License-Identifier: GPL-2.0
/*
 * Event data builder: text into a fixed-capacity buffer, with the ABI's
 * escaping; an overflow is recorded, never truncated silently.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/seq_file.h>
#include <linux/ctype.h>

#include <uapi/cima.h>

#include "evbuf.h"

char *cima_buf_alloc(struct cima_buf *b, gfp_t gfp)
{
	b->cap = CIMA_EVENT_DATA_MAX;
	b->len = 0;
	b->overflow = false;
	b->p = kmalloc(b->cap, gfp);
	return b->p;
}

void cima_put_hex(struct seq_file *m, const u8 *p, size_t n)
{
	seq_printf(m, "%*phN", (int)n, p);
}

void cima_buf_puts(struct cima_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->overflow || b->len + n > b->cap) {
		b->overflow = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void cima_buf_printf(struct cima_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	/* vsnprintf needs room for its NUL: keep one byte spare. */
	if (n < 0 || b->len + n >= b->cap) {
		b->overflow = true;
		return;
	}
	b->len += n;
}

void cima_buf_escape(struct cima_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n && !b->overflow; i++) {
		unsigned char ch = s[i];

		if (ch > 0x20 && ch < 0x7f && ch != '\\' && ch != '=') {
			if (b->len + 1 > b->cap) {
				b->overflow = true;
				break;
			}
			b->p[b->len++] = ch;
		} else {
			if (b->len + 4 > b->cap) {
				b->overflow = true;
				break;
			}
			b->p[b->len++] = '\\';
			b->p[b->len++] = 'x';
			b->p[b->len++] = hex[ch >> 4];
			b->p[b->len++] = hex[ch & 15];
		}
	}
}

void cima_buf_hex(struct cima_buf *b, const u8 *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (b->overflow || b->len + 2 * n > b->cap) {
		b->overflow = true;
		return;
	}
	for (i = 0; i < n; i++) {
		b->p[b->len++] = hex[p[i] >> 4];
		b->p[b->len++] = hex[p[i] & 15];
	}
}

bool cima_valid_word(const char *s, size_t n, size_t max)
{
	size_t i;

	if (!n || n > max || !isalnum(s[0]))
		return false;
	for (i = 1; i < n; i++)
		if (!isalnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}
