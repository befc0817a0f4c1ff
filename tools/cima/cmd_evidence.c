// SPDX-License-Identifier: GPL-2.0-or-later
/* cima evidence: write an evidence bundle (report, snapshot, every log). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cima/cima.h>

#include "b64arg.h"
#include "cmds.h"
#include "util.h"

static void usage(FILE *f)
{
	fputs(
"Usage: cima evidence --nonce B64 [--data B64] [--container ID] -o FILE\n"
"                     [--platform P] [--ak-cert FILE] [--no-tsm] [--json]\n"
"\n"
"Take a signed report binding the nonce, the user data and the cima module's\n"
"snapshot (event count and register values), then read every event log\n"
"(firmware or CCEL, IMA, cima, and the container's view when --container is\n"
"given), and write them as one JSON evidence bundle\n"
"(Documentation/ABI/evidence-v1.md).  Verify it anywhere with\n"
"  cima verify --evidence FILE --nonce B64 [--ak-pem AK.pem | --root-ca CA]\n"
"\n"
"Options:\n"
"  -n, --nonce B64       the verifier's nonce (base64, required)\n"
"  -d, --data B64        user data (base64)\n"
"      --container ID    add this container's view of the cima log\n"
"  -o, --output FILE     write the bundle here ('-': stdout)\n"
"      --platform P      tpm, tdx or snp instead of detecting\n"
"      --ak-cert FILE    TPM: PEM certificate chain of the AK, leaf first\n"
"      --no-tsm          do not use configfs-tsm\n"
"  -j, --json            print a JSON summary on stdout (with -o FILE)\n"
"  -h, --help            this text\n"
"\n"
"Exit status: 0 written, 2 usage, 3 platform or file error.\n", f);
}

int cmd_evidence(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nonce", required_argument, NULL, 'n' },
		{ "data", required_argument, NULL, 'd' },
		{ "container", required_argument, NULL, 'C' },
		{ "output", required_argument, NULL, 'o' },
		{ "platform", required_argument, NULL, 'P' },
		{ "ak-cert", required_argument, NULL, 'A' },
		{ "no-tsm", no_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	CIMA_OPTS(cima_platform_opts, po);
	CIMA_OPTS(cima_report_opts, ro, .platform = &po);
	CIMA_OPTS(cima_evidence_opts, eo, .report = &ro);
	uint8_t *nonce = NULL, *data = NULL;
	size_t nonce_len = 0, data_len = 0;
	const char *out = NULL;
	struct cima_evidence *ev = NULL;
	bool json = false;
	int c, ret = CIMA_EXIT_USAGE;
	uint64_t count;

	while ((c = getopt_long(argc, argv, "n:d:o:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			free(nonce);
			if (tool_b64_arg("evidence", "--nonce", optarg, &nonce, &nonce_len))
				goto out;
			break;
		case 'd':
			free(data);
			if (tool_b64_arg("evidence", "--data", optarg, &data, &data_len))
				goto out;
			break;
		case 'C':
			eo.container = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'P':
			po.platform = cima_platform_from_name(optarg);
			if (po.platform <= 0) {
				tool_err("evidence", "--platform %s: not one of tpm, tdx, snp", optarg);
				goto out;
			}
			break;
		case 'A':
			eo.ak_cert_path = optarg;
			break;
		case 'T':
			po.no_tsm = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			ret = CIMA_EXIT_OK;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (optind < argc) {
		tool_err("evidence", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (!nonce || !nonce_len) {
		tool_err("evidence", "--nonce is required (the verifier's fresh nonce, base64)");
		goto out;
	}
	if (!out) {
		tool_err("evidence", "-o FILE is required ('-' for stdout)");
		goto out;
	}
	if (json && !strcmp(out, "-")) {
		tool_err("evidence", "--json prints a summary on stdout: give -o FILE");
		goto out;
	}
	ev = cima_evidence_build(nonce, nonce_len, data, data_len, &eo);
	if (!ev) {
		tool_lib_err("evidence", errno);
		ret = CIMA_EXIT_ERROR;
		goto out;
	}
	if (!strcmp(out, "-"))
		c = cima_evidence_save(ev, stdout);
	else
		c = cima_evidence_save_file(ev, out);
	if (c) {
		tool_lib_err("evidence", c);
		ret = CIMA_EXIT_ERROR;
		goto out;
	}
	if (json) {
		printf("{\"version\":1,\"file\":\"");
		for (const char *p = out; *p; p++)
			printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
		printf("\",\"platform\":\"%s\",\"snapshot_count\":",
		       cima_platform_name(cima_evidence_platform(ev)));
		if (!cima_evidence_snapshot_count(ev, &count))
			printf("\"%llu\"", (unsigned long long)count);
		else
			printf("null");
		printf(",\"container\":");
		if (cima_evidence_container(ev))
			printf("\"%s\"}\n", cima_evidence_container(ev));
		else
			printf("null}\n");
	} else if (strcmp(out, "-")) {
		tool_note("evidence: wrote %s", out);
	}
	ret = CIMA_EXIT_OK;
out:
	cima_evidence_free(ev);
	free(nonce);
	free(data);
	return ret;
}
