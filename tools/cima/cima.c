// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cima: read, replay and verify container integrity measurements.
 *
 * The dispatcher: global options, then one subcommand from the table below.
 * Each subcommand gets argv starting at its own name and parses its own
 * options (getopt_long), so "cima <cmd> --help" works everywhere.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cima/cima.h>

#include "cmds.h"
#include "util.h"

#ifndef CIMA_TOOL_VERSION
#define CIMA_TOOL_VERSION "0.1.0"
#endif

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

/* One line per subcommand. */
static const struct subcommand subcommands[] = {
	{ "eventlog", cmd_eventlog, "print event logs (firmware, CCEL, IMA, cima) as text, JSON or CEL-JSON" },
	{ "replay", cmd_replay, "replay event logs and print the register values they produce" },
	{ "verify", cmd_verify, "replay event logs and compare with the live (or given) registers" },
	{ "container", cmd_container, "list containers, print a container's log or virtual register" },
	{ "info", cmd_info, "platform, report backend, register banks and counts, module state" },
	{ "report", cmd_report, "get a signed report (TPM quote, TDX quote, SNP report) binding a nonce" },
	{ "measurement", cmd_measurement, "print measurement registers (TDX MRTD/RTMRs, SNP MEASUREMENT, TPM PCRs)" },
	{ "verify-report", cmd_verify_report, "check a TDX quote or SNP report against Intel's or AMD's chain, offline" },
	{ "evidence", cmd_evidence, "write an evidence bundle: report, cima snapshot, every log, a container's view" },
	{ "reference", cmd_reference, "make reference values for 'verify --evidence' from a trusted run" },
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: cima [-h] [-V] [-v] [-q] <command> [<args>]\n"
"\n"
"Read, replay and verify container integrity measurements: the firmware\n"
"event log, the TDX CCEL log, IMA's log and the log of the cima kernel\n"
"module, from the live system or from files.\n"
"\n"
"Commands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-12s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(f,
"\n"
"Global options:\n"
"  -h, --help      show this help; 'cima <command> --help' explains a command\n"
"  -V, --version   print the tool and library version\n"
"  -v, --verbose   print the library's debug messages on stderr\n"
"  -q, --quiet     print nothing on stderr but errors\n"
"\n"
"Exit status: 0 success, 1 verification failed, 2 usage error,\n"
"3 a file, log or device could not be read or parsed.\n"
"See cima(1).\n");
}

static void log_to_stderr(enum cima_log_level level, const char *msg, void *ctx)
{
	(void)ctx;
	if ((int)level <= cima_verbose + 1)
		fprintf(stderr, "cima: lib: %s\n", msg);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 }
	};
	int c;

	/* '+': stop at the first non-option, the subcommand's name. */
	while ((c = getopt_long(argc, argv, "+hVvq", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return CIMA_EXIT_OK;
		case 'V':
			printf("cima %s (libcima %s)\n", CIMA_TOOL_VERSION, cima_version());
			return CIMA_EXIT_OK;
		case 'v':
			cima_verbose++;
			break;
		case 'q':
			cima_quiet = true;
			break;
		default:
			usage(stderr);
			return CIMA_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CIMA_EXIT_USAGE;
	}
	if (cima_verbose)
		cima_set_log_fn(log_to_stderr, NULL);

	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (!strcmp(argv[optind], subcommands[i].name)) {
			int sub_argc = argc - optind;
			char **sub_argv = argv + optind;

			optind = 0;	/* full reset for the subcommand's getopt */
			return subcommands[i].fn(sub_argc, sub_argv);
		}
	}
	if (!strcmp(argv[optind], "help")) {
		usage(stdout);
		return CIMA_EXIT_OK;
	}
	tool_err(argv[optind], "unknown command; 'cima --help' lists them");
	return CIMA_EXIT_USAGE;
}
