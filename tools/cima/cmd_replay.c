// SPDX-License-Identifier: GPL-2.0-or-later
/* cima replay: replay event logs and print the register values. */
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
"Usage: cima replay [OPTIONS]\n"
"\n"
"Replay event logs: start every register at zero (PCR 0 at the firmware's\n"
"StartupLocality), extend it with the digest of each measured event in log\n"
"order, and print the final value of every (register index, bank).\n"
"IMA events are replayed as the kernel extends them: per bank, the hash of\n"
"the template data in that bank's algorithm; violations extend 0xff..ff.\n"
"Register indexes are TPM PCR numbers, or, when a CCEL log is read, IMR\n"
"indexes: RTMR n is n (a record's CC MR index minus 1).\n"
"\n"
"Options:\n"
LOG_ARGS_HELP
"  -b, --bank ALG     replay this bank (repeatable; default: the banks the\n"
"                     log declares; IMA alone: sha1 sha256 sha384 sha512)\n"
"      --container ID cima log of container ID: replay only its own events,\n"
"                     giving its virtual register\n"
"  -j, --json         the same as --format json\n"
"  -F, --format FMT   text (default): \"<index> <alg> <hex>\" lines;\n"
"                     json: {\"version\":1,\"registers\":{\"<index>\":{\"<alg>\":\"<hex>\"}}}\n"
"  -h, --help         show this help\n"
"\n"
"Examples:\n"
"  cima replay --source firmware\n"
"  cima replay --source ima --file ascii.bin --bank sha256\n"
"\n"
"Exit status: 0 printed, 2 bad arguments, 3 the log could not be read,\n"
"parsed or replayed.\n", f);
}

int cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
		LOG_ARGS_LONGOPTS,
		{ "bank", required_argument, NULL, 'b' },
		{ "container", required_argument, NULL, 'C' },
		{ "format", required_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	CIMA_OPTS(cima_replay_opts, ro);
	struct log_args a = { .source = -1 };
	uint16_t banks[CIMA_MAX_BANKS];
	const char *format = "text";
	struct cima_eventlog *log;
	struct cima_replay *r;
	int c, ret, alg;

	while ((c = getopt_long(argc, argv, LOG_ARGS_SHORTOPTS "b:F:jh", opts, NULL)) != -1) {
		ret = log_args_option(&a, c, optarg, "replay");
		if (ret < 0)
			return CIMA_EXIT_USAGE;
		if (ret)
			continue;
		switch (c) {
		case 'b':
			alg = cima_alg_from_name(optarg);
			if (alg < 0) {
				tool_err("replay", "unknown bank '%s' (sha1, sha256, sha384, sha512, sm3)", optarg);
				return CIMA_EXIT_USAGE;
			}
			if (ro.nbanks == CIMA_MAX_BANKS) {
				tool_err("replay", "at most %d banks", CIMA_MAX_BANKS);
				return CIMA_EXIT_USAGE;
			}
			banks[ro.nbanks++] = (uint16_t)alg;
			break;
		case 'C':
			a.container = optarg;
			ro.container = optarg;
			break;
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
		tool_err("replay", "unexpected argument '%s'", argv[optind]);
		return CIMA_EXIT_USAGE;
	}
	if (strcmp(format, "text") && strcmp(format, "json")) {
		tool_err("replay", "unknown format '%s' (text or json)", format);
		return CIMA_EXIT_USAGE;
	}
	if (a.container && a.file) {
		/* A saved container view: read the file, filter by id. */
		a.container = NULL;
		if (a.source < 0)
			a.source = CIMA_SOURCE_CIMA;
	}
	ro.banks = banks;
	log = log_args_open(&a, "replay");
	if (!log)
		return CIMA_EXIT_ERROR;
	r = cima_replay_eventlog(log, &ro);
	cima_eventlog_free(log);
	if (!r) {
		tool_lib_err("replay", errno);
		return CIMA_EXIT_ERROR;
	}
	ret = !strcmp(format, "json") ? cima_replay_dump_json(r, stdout) :
					cima_replay_dump(r, stdout);
	cima_replay_free(r);
	if (ret || fflush(stdout)) {
		tool_err("replay", "writing output: %s", strerror(ret ? -ret : errno));
		return CIMA_EXIT_ERROR;
	}
	return CIMA_EXIT_OK;
}
