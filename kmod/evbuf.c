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

void cima_buf_init(struct cima_buf *b, char *p, size_t cap)
{
	b->p = p;
	b->cap = cap;
	b->len = 0;
	b->overflow = false;
}

char *cima_buf_alloc(struct cima_buf *b, gfp_t gfp)
{
	cima_buf_init(b, kmalloc(CIMA_EVENT_DATA_MAX, gfp),
		      CIMA_EVENT_DATA_MAX);
	return b->p;
}

void cima_put_hex(struct seq_file *m, const u8 *p, size_t n)
{
	seq_printf(m, "%*phN", (int)n, p);
}

void cima_buf_put(struct cima_buf *b, const char *s, size_t n)
{
	if (b->overflow || n > b->cap - b->len) {
		b->overflow = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void cima_buf_puts(struct cima_buf *b, const char *s)
{
	cima_buf_put(b, s, strlen(s));
}

void cima_buf_u64(struct cima_buf *b, u64 v)
{
	char tmp[20];	/* U64_MAX has 20 digits */
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - ++n] = '0' + v % 10;
		v /= 10;
	} while (v);
	cima_buf_put(b, tmp + sizeof(tmp) - n, n);
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

static bool cima_plain(unsigned char ch)
{
	return ch > 0x20 && ch < 0x7f && ch != '\\' && ch != '=';
}

/* Runs of plain bytes are copied whole: this is on a start's path. */
void cima_buf_escape(struct cima_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, run;

	while (i < n && !b->overflow) {
		for (run = i; run < n && cima_plain(s[run]); run++)
			;
		if (run > i) {
			cima_buf_put(b, s + i, run - i);
			i = run;
			continue;
		}
		if (b->cap - b->len < 4) {
			b->overflow = true;
			break;
		}
		b->p[b->len++] = '\\';
		b->p[b->len++] = 'x';
		b->p[b->len++] = hex[(unsigned char)s[i] >> 4];
		b->p[b->len++] = hex[s[i] & 15];
		i++;
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
