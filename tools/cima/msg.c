// SPDX-License-Identifier: GPL-2.0-or-later
/* Diagnostics shared by the cima tool and cima-oci-hook (msg.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cima/cima.h>

#include "msg.h"

const char *tool_name = "cima";

static void vline(const char *ctx, const char *fmt, va_list ap)
{
	if (ctx)
		fprintf(stderr, "%s: %s: ", tool_name, ctx);
	else
		fprintf(stderr, "%s: ", tool_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void tool_err(const char *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(ctx, fmt, ap);
	va_end(ap);
}

void tool_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(NULL, fmt, ap);
	va_end(ap);
}

void tool_lib_err(const char *ctx, int err)
{
	const char *msg = cima_strerror_last();

	if (err < 0)
		err = -err;
	if (msg && *msg)
		tool_err(ctx, "%s", msg);
	else
		tool_err(ctx, "%s", strerror(err));
}
