// SPDX-License-Identifier: GPL-2.0-or-later
/* Argument helpers and notes for the cima tool (errors: msg.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cima/cima.h>

#include "util.h"

int cima_verbose;
bool cima_quiet;

void tool_note(const char *fmt, ...)
{
	va_list ap;

	if (cima_quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

bool tool_parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

bool tool_wants_help(int argc, char **argv)
{
	return argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
}

int log_args_option(struct log_args *a, int opt, const char *arg, const char *ctx)
{
	switch (opt) {
	case OPT_SOURCE:
		a->source = cima_source_from_name(arg);
		if (a->source < 0) {
			tool_err(ctx, "unknown source '%s' (firmware, ccel, ima, cima or all)", arg);
			return -1;
		}
		return 1;
	case OPT_FILE:
		a->file = arg;
		return 1;
	case OPT_START:
		if (!tool_parse_u32(arg, &a->start)) {
			tool_err(ctx, "--start: '%s' is not a number", arg);
			return -1;
		}
		return 1;
	case OPT_COUNT:
		if (!tool_parse_u32(arg, &a->count) || !a->count) {
			tool_err(ctx, "--count: '%s' is not a positive number", arg);
			return -1;
		}
		return 1;
	}
	return 0;
}

struct cima_eventlog *log_args_open(const struct log_args *a, const char *ctx)
{
	CIMA_OPTS(cima_eventlog_opts, o, .path = a->file, .container = a->container,
		  .start = a->start, .count = a->count);
	struct cima_eventlog *log;

	o.source = a->source >= 0 ? a->source :
		   a->file ? CIMA_SOURCE_FIRMWARE :
		   a->container ? CIMA_SOURCE_CIMA : CIMA_SOURCE_ALL;
	if (o.source == CIMA_SOURCE_ALL && a->file) {
		tool_err(ctx, "--file needs one --source (firmware, ccel, ima or cima)");
		return NULL;
	}
	log = cima_eventlog_open(&o);
	if (!log)
		tool_lib_err(ctx, errno);
	return log;
}
