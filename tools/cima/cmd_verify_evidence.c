// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cima verify --evidence: one-step offline verification of an evidence
 * bundle (cima_evidence_verify()).  Usage text: cmd_verify.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cima/cima.h>

#include "b64arg.h"
#include "cmds.h"
#include "util.h"

static void print_text(const struct cima_evidence_result *res)
{
	const struct cima_eventlog *evs;
	int failed = cima_evidence_result_failed(res);

	for (int i = 0; i < CIMA_ECHECK_COUNT; i++) {
		static const char *const st[] = { "not run", "ok", "FAILED", "skipped" };
		const char *note;
		int s = cima_evidence_result_check(res, i, &note);

		if (s == CIMA_ESTATUS_NOT_RUN)
			continue;
		printf("%-12s %-8s %s\n", cima_evidence_check_name(i), st[s], note);
	}
	for (size_t i = 0; i < cima_evidence_result_uncovered_count(res); i++)
		printf("not covered: %s\n", cima_evidence_result_uncovered(res, i));
	if (failed >= 0) {
		printf("not verified: %s failed\n", cima_evidence_check_name(failed));
		return;
	}
	evs = cima_evidence_result_events(res);
	printf("verified%s\n", evs ? "; events:" : "");
	for (size_t i = 0; evs && i < cima_eventlog_count(evs); i++) {
		const struct cima_event *e = cima_eventlog_event(evs, i);
		size_t len;
		const uint8_t *d = cima_event_data(e, &len);

		printf("%zu %.*s\n", cima_event_number(e), (int)len, (const char *)d);
	}
}

int cmd_verify_evidence(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "evidence", required_argument, NULL, 'E' },
		{ "nonce", required_argument, NULL, 'n' },
		{ "no-nonce", no_argument, NULL, 'N' },
		{ "data", required_argument, NULL, 'd' },
		{ "ak-pem", required_argument, NULL, 'K' },
		{ "root-ca", required_argument, NULL, 'R' },
		{ "container", required_argument, NULL, 'C' },
		{ "reference", required_argument, NULL, 'F' },
		{ "time", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	CIMA_OPTS(cima_evidence_verify_opts, vo);
	struct cima_evidence_result *res = NULL;
	struct cima_evidence *ev = NULL;
	uint8_t *nonce = NULL, *data = NULL;
	const char *path = NULL;
	bool json = false;
	int c, ret = CIMA_EXIT_USAGE;

	while ((c = getopt_long(argc, argv, "n:d:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'E':
			path = optarg;
			break;
		case 'n':
			free(nonce);
			if (tool_b64_arg("verify", "--nonce", optarg, &nonce, &vo.nonce_len))
				goto out;
			vo.nonce = nonce;
			break;
		case 'N':
			vo.no_nonce = true;
			break;
		case 'd':
			free(data);
			if (tool_b64_arg("verify", "--data", optarg, &data, &vo.data_len))
				goto out;
			vo.data = data;
			break;
		case 'K':
			vo.ak_pem_path = optarg;
			break;
		case 'R':
			vo.root_ca_path = optarg;
			break;
		case 'C':
			vo.container = optarg;
			break;
		case 'F':
			vo.reference_path = optarg;
			break;
		case 't': {
			char *end;
			long long t;

			errno = 0;
			t = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg || t <= 0) {
				tool_err("verify", "--time %s: not a positive epoch second count", optarg);
				goto out;
			}
			vo.at_time = (time_t)t;
			break;
		}
		case 'j':
			json = true;
			break;
		case 'h':
			/* The one usage text is cmd_verify()'s. */
			printf("Usage: cima verify --evidence FILE --nonce B64|--no-nonce [--data B64]\n"
			       "                   [--ak-pem FILE] [--root-ca FILE] [--container ID]\n"
			       "                   [--reference FILE] [--time EPOCH] [--json]\n"
			       "'cima verify --help' explains every option.\n");
			ret = CIMA_EXIT_OK;
			goto out;
		default:
			tool_err("verify", "with --evidence only the evidence options apply (see cima verify --help)");
			goto out;
		}
	}
	if (optind < argc) {
		tool_err("verify", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (!path) {
		tool_err("verify", "--evidence FILE is required");
		goto out;
	}
	if (vo.no_nonce == !!nonce) {
		tool_err("verify", nonce ? "--nonce and --no-nonce exclude each other" :
			 "--nonce B64 is required (freshness); --no-nonce skips that check explicitly");
		goto out;
	}
	if (nonce && !vo.nonce_len) {
		tool_err("verify", "--nonce: empty");
		goto out;
	}
	ev = cima_evidence_load_file(path);
	if (!ev) {
		tool_lib_err("verify", errno);
		ret = CIMA_EXIT_ERROR;
		goto out;
	}
	c = cima_evidence_verify(ev, &vo, &res);
	if (c && c != -EKEYREJECTED) {
		tool_lib_err("verify", c);
		ret = c == -EINVAL ? CIMA_EXIT_USAGE : CIMA_EXIT_ERROR;
		goto out;
	}
	if (json)
		cima_evidence_result_dump_json(res, stdout);
	else
		print_text(res);
	if (c)
		tool_err("verify", "%s", cima_strerror_last());
	ret = c ? CIMA_EXIT_MISMATCH : CIMA_EXIT_OK;
out:
	cima_evidence_result_free(res);
	cima_evidence_free(ev);
	free(nonce);
	free(data);
	return ret;
}
