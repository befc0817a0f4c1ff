/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers of the report host tests: test data paths and expected.json. */
#ifndef REPORT_TESTUTIL_H
#define REPORT_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Directory of the shared published test data, beside the repository:
 * $CIMA_TESTDATA, else "$top/../shared/testdata" where $top is found from
 * the test binary (build/tests/test_*) or the current directory.
 */
static inline const char *rt_testdata(void)
{
	static char dir[200];
	static const char *const rel[] = {
		"/../../../shared/testdata",	/* exe in $top/build/tests */
	};
	const char *d = getenv("CIMA_TESTDATA");
	char exe[800], probe[1100];
	ssize_t n;

	if (d)
		return d;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		*strrchr(exe, '/') = 0;
		if (snprintf(dir, sizeof(dir), "%s%s", exe, rel[0]) < (int)sizeof(dir) &&
		    snprintf(probe, sizeof(probe), "%s/README.md", dir) < (int)sizeof(probe) &&
		    access(probe, R_OK) == 0)
			return dir;
	}
	if (access("../shared/testdata/README.md", R_OK) == 0)
		return "../shared/testdata";
	return "../../shared/testdata";
}

static inline unsigned char *rt_load(const char *rel, size_t *len)
{
	char path[1024];
	unsigned char *b = NULL;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", rt_testdata(), rel);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		b = malloc((size_t)n + 1);
		if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
			free(b);
			b = NULL;
		}
		if (b) {
			b[n] = 0;
			*len = (size_t)n;
		}
	}
	fclose(f);
	return b;
}

/*
 * Value of the first "key": in a JSON text, as a string (quotes removed)
 * or the bare number.  Good enough for the flat expected.json files.
 */
static inline const char *rt_json(const char *json, const char *key)
{
	static char val[1024];
	char pat[128];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	if (*p == '"') {
		p++;
		while (p[n] && p[n] != '"' && n < sizeof(val) - 1)
			n++;
	} else {
		while (p[n] && p[n] != ',' && p[n] != '\n' && p[n] != '}' &&
		       n < sizeof(val) - 1)
			n++;
	}
	memcpy(val, p, n);
	val[n] = 0;
	return val;
}

static inline const char *rt_hex(const unsigned char *p, size_t n)
{
	static char buf[2 * 512 + 1];

	for (size_t i = 0; i < n && i < 512; i++)
		sprintf(buf + 2 * i, "%02x", p[i]);
	buf[2 * (n < 512 ? n : 512)] = 0;
	return buf;
}

#endif
