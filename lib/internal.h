/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private to libcima: helpers every source file of the library may use. */
#ifndef CIMA_INTERNAL_H
#define CIMA_INTERNAL_H

#include <cima/cima.h>

#ifndef CIMA_VERSION
#define CIMA_VERSION "0.1.0"
#endif

void cima__log(enum cima_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Record a precise message for cima_strerror_last() and return -|err|, so a
 * failure path reads: return cima__err(-EINVAL, "%s: offset %zu: ...", ...);
 */
int cima__err(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* CIMA_INTERNAL_H */
