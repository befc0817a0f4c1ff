// SPDX-License-Identifier: GPL-2.0-or-later
/* cima measurement: print measurement-register values. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>

#include <cima/cima.h>

#include "cmds.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: cima measurement [--index N] [--alg NAME] [--platform P]\n"
"\n"
"Print measurement registers as \"<index> <alg> <hex>\", one per line.\n"
"Indexes are the SDK's IMR indexes: on TDX n = RTMR n, 0-3 (read from\n"
"sysfs where the kernel has it, else from a TDREPORT; MRTD is in the\n"
"report, `cima report`); on SNP 0 = the\n"
"launch MEASUREMENT of a fresh report; on a TPM the PCR number 0-23.\n"
"\n"
"Options:\n"
"  -i, --index N   one register only (default: all)\n"
"  -a, --alg NAME  bank (sha256, sha384, ...; default: the platform's)\n"
"  --platform P    tpm, tdx or snp instead of detecting ($CIMA_PLATFORM)\n"
"  -j, --json      print {\"version\":1,\"alg\",\"registers\":[{\"index\",\"value\"}]}\n"
"  -h, --help      this text\n"
"\n"
"Example: cima measurement --index 10 --alg sha256   # IMA's PCR\n");
}

int cmd_measurement(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "alg", required_argument, NULL, 'a' },
		{ "platform", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	CIMA_OPTS(cima_platform_opts, po);
	uint8_t d[CIMA_MAX_DIGEST_SIZE];
	uint32_t index = 0;
	bool one = false, json = false;
	int c, alg = 0, count, n;

	/* libtss2 logs TPM errors on stderr itself; the library reports them. */
	if (!cima_verbose)
		setenv("TSS2_LOG", "all+NONE", 0);
	while ((c = getopt_long(argc, argv, "i:a:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'i':
			if (!tool_parse_u32(optarg, &index) || index > 1023) {
				tool_err("measurement", "--index %s: not a register number", optarg);
				return CIMA_EXIT_USAGE;
			}
			one = true;
			break;
		case 'a':
			alg = cima_alg_from_name(optarg);
			if (alg < 0) {
				tool_err("measurement", "--alg %s: unknown algorithm (sha1, sha256, sha384, sha512, sm3_256)",
					 optarg);
				return CIMA_EXIT_USAGE;
			}
			break;
		case 'p':
			po.platform = cima_platform_from_name(optarg);
			if (po.platform < 0) {
				tool_err("measurement", "--platform %s: not one of tpm, tdx, snp", optarg);
				return CIMA_EXIT_USAGE;
			}
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
		tool_err("measurement", "unexpected argument '%s'", argv[optind]);
		return CIMA_EXIT_USAGE;
	}
	if (!alg) {
		alg = cima_get_default_algorithm(&po);
		if (alg < 0) {
			tool_lib_err("measurement", alg);
			return CIMA_EXIT_ERROR;
		}
	}
	count = cima_get_measurement_count(&po);
	if (count < 0) {
		tool_lib_err("measurement", count);
		return CIMA_EXIT_ERROR;
	}
	if (json)
		printf("{\"version\":1,\"alg\":\"%s\",\"registers\":[", cima_alg_name((uint16_t)alg));
	for (int i = one ? (int)index : 0; i < (one ? (int)index + 1 : count); i++) {
		n = cima_get_cc_measurement(i, (uint16_t)alg, d, &po);
		if (n < 0) {
			char ctx[64];

			snprintf(ctx, sizeof(ctx), "measurement %d %s", i,
				 cima_alg_name((uint16_t)alg) ? cima_alg_name((uint16_t)alg) : "?");
			tool_lib_err(ctx, n);
			return n == -EINVAL ? CIMA_EXIT_USAGE : CIMA_EXIT_ERROR;
		}
		if (json)
			printf("%s{\"index\":%d,\"value\":\"", i > (one ? (int)index : 0) ? "," : "", i);
		else
			printf("%d %s ", i, cima_alg_name((uint16_t)alg));
		for (int k = 0; k < n; k++)
			printf("%02x", d[k]);
		printf(json ? "\"}" : "\n");
	}
	if (json)
		printf("]}\n");
	return CIMA_EXIT_OK;
}
