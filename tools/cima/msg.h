/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Diagnostics shared by the cima tool and cima-oci-hook (which builds
 * tools/cima/msg.c in): one line "<program>: <context>: <reason>" on
 * stderr, the reason being the library's precise message when a libcima
 * call failed.
 */
#ifndef CIMA_TOOL_MSG_H
#define CIMA_TOOL_MSG_H

#include <stdbool.h>

/* The program name that starts every line ("cima" unless set). */
extern const char *tool_name;

/* "<tool_name>: <ctx>: <reason>\n" on stderr. */
void tool_err(const char *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Like tool_err(), but the reason is the library's last error (or strerror). */
void tool_lib_err(const char *ctx, int err);
/* "<tool_name>: <message>\n" on stderr (no context). */
void tool_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* CIMA_TOOL_MSG_H */
