// SPDX-License-Identifier: GPL-2.0-or-later
/* cima eventlog: print event logs as text, JSON or CEL-JSON. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <cima/cima.h>

#include "cmds.h"
#include "util.h"

static void usage(FILE *f)
{
	fputs(
"Usage: cima eventlog [OPTIONS]\n"
"\n"
"Print the events of one or more event logs: the firmware's TCG log\n"
"(crypto-agile or legacy SHA-1), the TDX CCEL log, IMA's measurement list\n"
"and the cima module's log, live or from a file.\n"
"\n"
"Options:\n"
LOG_ARGS_HELP
"  -j, --json         the same as --format json\n"
"  -F, --format FMT   text (default): one block per event with its number,\n"
"                     register index, type and TCG name, every digest and the\n"
"                     event data as hex + ASCII;\n"
"                     json: {\"version\":1,\"events\":[...]} (see cima(1));\n"
"                     cel-json: TCG Canonical Event Log, JSON encoding\n"
"  -h, --help         show this help\n"
"\n"
"Examples:\n"
"  cima eventlog --source ima --count 5\n"
"  cima eventlog --file binary_bios_measurements --format json\n"
"  cima eventlog --source ccel --file CCEL --format cel-json\n"
"\n"
"Exit status: 0 printed, 2 bad arguments, 3 the log could not be read\n"
"or parsed (the error names the byte offset).\n", f);
}

int cmd_eventlog(int argc, char **argv)
{
	static const struct option opts[] = {
		LOG_ARGS_LONGOPTS,
		{ "format", required_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct log_args a = { .source = -1 };
	const char *format = "text";
	struct cima_eventlog *log;
	int c, ret;

	while ((c = getopt_long(argc, argv, LOG_ARGS_SHORTOPTS "F:jh", opts, NULL)) != -1) {
		ret = log_args_option(&a, c, optarg, "eventlog");
		if (ret < 0)
			return CIMA_EXIT_USAGE;
		if (ret)
			continue;
		switch (c) {
		case 'F':
			format = optarg;
			break;
		case 'j':
			format = "json";
			break;
		case 'h':
			usage(stdout);
			return CIMA_EXIT_OK;
		default:
			usage(stderr);
			return CIMA_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		tool_err("eventlog", "unexpected argument '%s'", argv[optind]);
		return CIMA_EXIT_USAGE;
	}
	if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "cel-json")) {
		tool_err("eventlog", "unknown format '%s' (text, json or cel-json)", format);
		return CIMA_EXIT_USAGE;
	}
	log = log_args_open(&a, "eventlog");
	if (!log)
		return CIMA_EXIT_ERROR;
	if (!strcmp(format, "json"))
		ret = cima_eventlog_dump_json(log, stdout);
	else if (!strcmp(format, "cel-json"))
		ret = cima_eventlog_dump_cel_json(log, stdout);
	else
		ret = cima_eventlog_dump(log, stdout);
	cima_eventlog_free(log);
	if (ret || fflush(stdout)) {
		tool_err("eventlog", "writing output: %s", strerror(ret ? -ret : errno));
		return CIMA_EXIT_ERROR;
	}
	return CIMA_EXIT_OK;
}
