// SPDX-License-Identifier: GPL-2.0-or-later
/* Base64 command-line arguments of the evidence commands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cima/cima.h>

#include "../../lib/b64.h"
#include "b64arg.h"
#include "util.h"

int tool_b64_arg(const char *ctx, const char *opt, const char *in, uint8_t **out,
		 size_t *len)
{
	size_t n = strlen(in);
	char why[128];
	ssize_t r;

	*out = malloc(n / 4 * 3 + 1);
	if (!*out) {
		tool_err(ctx, "out of memory");
		return -ENOMEM;
	}
	r = cima__b64_decode(in, n, *out, n / 4 * 3 + 1, why, sizeof(why));
	if (r < 0) {
		tool_err(ctx, "%s: base64: %s", opt, why);
		free(*out);
		*out = NULL;
		return (int)r;
	}
	if (r > CIMA_REPORT_INPUT_MAX) {
		tool_err(ctx, "%s: %zd bytes decoded, at most %d allowed", opt, r,
			 CIMA_REPORT_INPUT_MAX);
		free(*out);
		*out = NULL;
		return -E2BIG;
	}
	*len = (size_t)r;
	return 0;
}
