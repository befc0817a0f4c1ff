// SPDX-License-Identifier: GPL-2.0-or-later
/* cima reference: make a reference-values file from a trusted run's log. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cima/cima.h>

#include "cmds.h"
#include "util.h"

static void usage(FILE *f)
{
	fputs(
"Usage: cima reference --from FILE [--container ID | --any-container] [-o OUT]\n"
"\n"
"Write reference values (Documentation/ABI/evidence-v1.md, \"Reference\n"
"values\") for 'cima verify --evidence ... --reference OUT' from a trusted\n"
"run: FILE is an evidence bundle (its cima log, as far as the snapshot\n"
"counts) or a binary cima log (global, or a container's view).  One\n"
"'container <id>' section per container with its file digests (exec,\n"
"mmap), oci.config digest, image annotations and other runtime events.\n"
"\n"
"Options:\n"
"      --from FILE       bundle or binary cima log\n"
"      --container ID    only this container's events\n"
"      --any-container   one 'container *' section that any container matches\n"
"  -o, --output OUT      write here instead of stdout\n"
"  -h, --help            this text\n"
"\n"
"Exit status: 0 written, 2 usage, 3 unreadable input.\n", f);
}

int cmd_reference(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'F' },
		{ "container", required_argument, NULL, 'C' },
		{ "any-container", no_argument, NULL, 'A' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *from = NULL, *container = NULL, *outpath = NULL;
	struct cima_eventlog *log = NULL;
	bool any = false;
	uint64_t count = 0;
	FILE *in, *out = stdout;
	int c, ret;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'F': from = optarg; break;
		case 'C': container = optarg; break;
		case 'A': any = true; break;
		case 'o': outpath = optarg; break;
		case 'h':
			usage(stdout);
			return CIMA_EXIT_OK;
		default:
			usage(stderr);
			return CIMA_EXIT_USAGE;
		}
	}
	if (optind < argc || !from) {
		tool_err("reference", optind < argc ? "unexpected argument" : "--from FILE is required");
		return CIMA_EXIT_USAGE;
	}
	in = fopen(from, "re");
	if (!in) {
		tool_err("reference", "%s: %s", from, strerror(errno));
		return CIMA_EXIT_ERROR;
	}
	c = fgetc(in);
	fclose(in);
	if (c == '{') {
		/* A bundle: its cima log, the snapshot's count of events. */
		struct cima_evidence *ev = cima_evidence_load_file(from);

		if (!ev) {
			tool_lib_err("reference", errno);
			return CIMA_EXIT_ERROR;
		}
		if (cima_evidence_snapshot_count(ev, &count)) {
			tool_err("reference", "%s: the bundle has no cima snapshot", from);
			cima_evidence_free(ev);
			return CIMA_EXIT_ERROR;
		}
		log = cima_evidence_log(ev, CIMA_SOURCE_CIMA);
		cima_evidence_free(ev);
		if (!log) {
			tool_lib_err("reference", errno);
			return CIMA_EXIT_ERROR;
		}
	} else {
		CIMA_OPTS(cima_eventlog_opts, lo, .source = CIMA_SOURCE_CIMA, .path = from);

		log = cima_eventlog_open(&lo);
		if (!log) {
			tool_lib_err("reference", errno);
			return CIMA_EXIT_ERROR;
		}
	}
	if (outpath) {
		out = fopen(outpath, "we");
		if (!out) {
			tool_err("reference", "%s: %s", outpath, strerror(errno));
			cima_eventlog_free(log);
			return CIMA_EXIT_ERROR;
		}
	}
	ret = cima_reference_from_log(log, (size_t)count, container, any, out);
	if (out != stdout && fclose(out) && !ret)
		ret = -EIO;
	cima_eventlog_free(log);
	if (ret) {
		tool_lib_err("reference", ret);
		return ret == -EINVAL ? CIMA_EXIT_USAGE : CIMA_EXIT_ERROR;
	}
	return CIMA_EXIT_OK;
}
