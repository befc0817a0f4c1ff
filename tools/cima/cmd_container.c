// SPDX-License-Identifier: GPL-2.0-or-later
/* cima container: list containers, a container's log or virtual register. */
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
"Usage: cima container list\n"
"       cima container log <id> [-F text|json|cel-json]\n"
"       cima container measurement <id> [-F text|json]\n"
"\n"
"Containers the cima module tracks (directories under\n"
"/sys/kernel/security/cima/containers/; root only).\n"
"\n"
"  list          print one container id per line\n"
"  log <id>      print the container's view of the log: every cima event in\n"
"                global order, with the data of other containers' events\n"
"                redacted (their digests kept, so the view still replays to\n"
"                the platform register)\n"
"  measurement <id>\n"
"                print the container's virtual register as the module\n"
"                reports it (\"<index> <alg> <hex>\"), and check it against a\n"
"                replay of the container's own events in its view\n"
"\n"
"Options:\n"
"  -j, --json         the same as --format json\n"
"  -F, --format FMT   output format (as for cima eventlog / cima replay)\n"
"  -h, --help         show this help\n"
"\n"
"Exit status: 0 success, 1 the virtual register differs from the replay,\n"
"2 bad arguments, 3 the module's files could not be read.\n", f);
}

static int do_list(void)
{
	char **ids;
	int n = cima_container_list(&ids);

	if (n < 0) {
		tool_lib_err("container list", n);
		return CIMA_EXIT_ERROR;
	}
	for (int i = 0; i < n; i++)
		printf("%s\n", ids[i]);
	cima_container_ids_free(ids);
	return CIMA_EXIT_OK;
}

static int do_log(const char *id, const char *format)
{
	struct cima_eventlog *log = cima_container_eventlog(id);
	int ret;

	if (!log) {
		tool_lib_err("container log", errno);
		return CIMA_EXIT_ERROR;
	}
	if (!strcmp(format, "json"))
		ret = cima_eventlog_dump_json(log, stdout);
	else if (!strcmp(format, "cel-json"))
		ret = cima_eventlog_dump_cel_json(log, stdout);
	else
		ret = cima_eventlog_dump(log, stdout);
	cima_eventlog_free(log);
	return ret ? CIMA_EXIT_ERROR : CIMA_EXIT_OK;
}

static int do_measurement(const char *id, const char *format)
{
	CIMA_OPTS(cima_replay_opts, ro, .container = id);
	struct cima_replay *live, *replayed = NULL;
	struct cima_eventlog *log;
	int rc = CIMA_EXIT_OK;

	live = cima_container_register(id);
	if (!live) {
		tool_lib_err("container measurement", errno);
		return CIMA_EXIT_ERROR;
	}
	if (!strcmp(format, "json"))
		cima_replay_dump_json(live, stdout);
	else
		cima_replay_dump(live, stdout);
	log = cima_container_eventlog(id);
	if (log)
		replayed = cima_replay_eventlog(log, &ro);
	if (!replayed) {
		tool_lib_err("container measurement", errno);
		rc = CIMA_EXIT_ERROR;
		goto out;
	}
	for (size_t i = 0; i < cima_replay_count(live); i++) {
		const uint8_t *v, *w;
		uint32_t index;
		uint16_t alg;
		size_t len, wlen;

		cima_replay_entry(live, i, &index, &alg, &v, &len);
		w = cima_replay_value(replayed, index, alg, &wlen);
		if (!w) {
			static const uint8_t zero[CIMA_MAX_DIGEST_SIZE];

			w = zero;	/* no own events yet: the register is zero */
			wlen = len;
		}
		if (wlen != len || memcmp(v, w, len)) {
			tool_err("container measurement", "%s: %s virtual register differs from the replay of its events",
				 id, cima_alg_name(alg));
			rc = CIMA_EXIT_MISMATCH;
		}
	}
out:
	cima_replay_free(replayed);
	cima_eventlog_free(log);
	cima_replay_free(live);
	return rc;
}

int cmd_container(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *format = "text", *verb, *id = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "F:jh", opts, NULL)) != -1) {
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
	if (optind >= argc) {
		usage(stderr);
		return CIMA_EXIT_USAGE;
	}
	verb = argv[optind++];
	if (strcmp(verb, "list")) {
		if (optind >= argc) {
			tool_err("container", "%s needs a container id", verb);
			return CIMA_EXIT_USAGE;
		}
		id = argv[optind++];
	}
	if (optind < argc) {
		tool_err("container", "unexpected argument '%s'", argv[optind]);
		return CIMA_EXIT_USAGE;
	}
	if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "cel-json")) {
		tool_err("container", "unknown format '%s'", format);
		return CIMA_EXIT_USAGE;
	}
	if (!strcmp(verb, "list"))
		return do_list();
	if (!strcmp(verb, "log"))
		return do_log(id, format);
	if (!strcmp(verb, "measurement"))
		return do_measurement(id, format);
	tool_err("container", "unknown subcommand '%s' (list, log, measurement)", verb);
	return CIMA_EXIT_USAGE;
}
