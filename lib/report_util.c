// SPDX-License-Identifier: LGPL-2.1-or-later
/* Small helpers of the platform and report code: hex output, file reads. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cima/report.h>
#include "report_internal.h"

void cima__rep_hex(char *buf, const uint8_t *p, size_t n)
{
	static const char x[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = x[p[i] >> 4];
		buf[2 * i + 1] = x[p[i] & 15];
	}
	buf[2 * n] = '\0';
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

int cima__rep_read_file(const char *path, uint8_t **buf, size_t *len, size_t max)
{
	uint8_t *b;
	size_t n = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cima__err(-errno, "%s: %s", path, strerror(errno));
	b = malloc(max + 1);
	if (!b) {
		close(fd);
		return cima__err(-ENOMEM, "%s: out of memory", path);
	}
	for (;;) {
		ssize_t r = read(fd, b + n, max + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errno;
			free(b);
			close(fd);
			return cima__err(-err, "%s: read: %s", path, strerror(err));
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			free(b);
			close(fd);
			return cima__err(-EFBIG, "%s: larger than %zu bytes", path, max);
		}
	}
	close(fd);
	b[n] = 0;
	*buf = b;
	*len = n;
	return 0;
}
