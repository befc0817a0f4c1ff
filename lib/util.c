// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library's one set of small helpers (declared in internal.h): hex in
 * and out, hex dumps, and whole-file reads with a size cap.  Errors and
 * options structs: lib/common.c; little-endian loads: inline in internal.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

void cima__hex(const uint8_t *buf, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[buf[i] >> 4];
		out[2 * i + 1] = digits[buf[i] & 15];
	}
	out[2 * len] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int cima__unhex(const char *hex, size_t hexlen, uint8_t *out, size_t len)
{
	if (hexlen != 2 * len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int cima__read_file_max(const char *path, uint8_t **bufp, size_t *lenp, size_t max)
{
	size_t cap = 65536, len = 0;
	struct stat st;
	uint8_t *buf, *tmp;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		return cima__err(err, "%s: %s", path, strerror(-err));
	}
	/* Regular files: read in one go; sysfs/securityfs report size 0. */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size < SIZE_MAX / 2)
		cap = (size_t)st.st_size + 1;
	if (cap > max + 1)
		cap = max + 1;
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return cima__err(-ENOMEM, "%s: out of memory", path);
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			size_t ncap = cap > max / 2 ? max + 1 : cap * 2;

			if (len > max) {
				err = cima__err(-EFBIG, "%s: larger than %zu bytes", path, max);
				goto fail;
			}
			if (!(tmp = realloc(buf, ncap + 1))) {
				err = cima__err(-ENOMEM, "%s: out of memory", path);
				goto fail;
			}
			buf = tmp;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			cima__err(err, "%s: read: %s", path, strerror(-err));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		err = cima__err(-EFBIG, "%s: larger than %zu bytes", path, max);
		goto fail;
	}
	close(fd);
	buf[len] = 0;
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	close(fd);
	free(buf);
	return err;
}

int cima__read_file(const char *path, uint8_t **bufp, size_t *lenp)
{
	return cima__read_file_max(path, bufp, lenp, CIMA__LOG_FILE_MAX);
}

void cima__dump_hex(FILE *out, const char *label, const uint8_t *p, size_t n)
{
	fprintf(out, "  %-16s ", label);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", p[i]);
	fputc('\n', out);
}

void cima__json_hex(FILE *out, const char *key, const uint8_t *p, size_t n)
{
	fprintf(out, ", \"%s\": \"", key);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", p[i]);
	fputc('"', out);
}
