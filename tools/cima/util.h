/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the cima tool's subcommands. */
#ifndef CIMA_TOOL_UTIL_H
#define CIMA_TOOL_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "msg.h"

/*
 * Exit codes, the same for every subcommand (documented in cima.1):
 *   0  success (for verify: every register matched)
 *   1  verification failed: a replayed value differs from the live one
 *   2  usage error: unknown option, bad argument
 *   3  runtime error: a file or log could not be read or parsed
 */
enum {
	CIMA_EXIT_OK = 0,
	CIMA_EXIT_MISMATCH = 1,
	CIMA_EXIT_USAGE = 2,
	CIMA_EXIT_ERROR = 3,
};

/* Global options, set by the dispatcher before a subcommand runs. */
extern int cima_verbose;	/* -v: library debug messages to stderr */
extern bool cima_quiet;		/* -q: no diagnostics except errors */

/* Informational message on stderr unless -q. */
void tool_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse a non-negative decimal/hex number into *out; false when invalid. */
bool tool_parse_u32(const char *s, uint32_t *out);

/* True when argv[1] asks for help ("-h" or "--help"). */
bool tool_wants_help(int argc, char **argv);


struct cima_eventlog;

/* Options every log-reading subcommand shares. */
struct log_args {
	int source;		/* enum cima_source; -1 = not given */
	const char *file;
	const char *container;
	uint32_t start, count;
};

/*
 * Handle one of the shared long options (--source, --file, --start,
 * --count); returns 1 when handled, 0 when not ours, -1 on a bad value
 * (message printed).  @ctx names the subcommand.
 */
int log_args_option(struct log_args *a, int opt, const char *arg, const char *ctx);
/* Open the log the options describe; NULL after printing the error. */
struct cima_eventlog *log_args_open(const struct log_args *a, const char *ctx);

/* getopt values of the shared options. */
enum {
	OPT_SOURCE = 's',
	OPT_FILE = 'f',
	OPT_START = 0x100,
	OPT_COUNT = 'c',
};
#define LOG_ARGS_LONGOPTS						\
	{ "source", required_argument, NULL, OPT_SOURCE },		\
	{ "file", required_argument, NULL, OPT_FILE },			\
	{ "start", required_argument, NULL, OPT_START },		\
	{ "count", required_argument, NULL, OPT_COUNT }
#define LOG_ARGS_SHORTOPTS "s:f:c:"

#define LOG_ARGS_HELP							\
"  -s, --source SRC   firmware, ccel, ima, cima or all (default: all live\n" \
"                     sources in boot order; firmware when --file is given)\n" \
"  -f, --file FILE    read this file instead of the live log (offline use)\n" \
"      --start N      skip the first N events\n"			\
"  -c, --count N      keep at most N events\n"

#endif /* CIMA_TOOL_UTIL_H */
