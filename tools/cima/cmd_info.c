// SPDX-License-Identifier: GPL-2.0-or-later
/* cima info: platform, backend, banks, register counts, module state. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cima/cima.h>
#include <uapi/cima.h>

#include "cmds.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: cima info [--platform tpm|tdx|snp] [--no-tsm]\n"
"\n"
"Show what this machine offers for attestation:\n"
"  platform      TDX (/dev/tdx_guest or configfs-tsm provider tdx_guest),\n"
"                SNP (/dev/sev-guest or provider sev_guest) or TPM\n"
"                (/dev/tpmrm0), detected in that order\n"
"  backend       how reports are obtained (configfs-tsm, ioctl, TPM2_Quote)\n"
"  banks         hash algorithms of the measurement registers\n"
"  registers     how many (TDX 4: RTMR0-3; SNP 1; TPM 24 PCRs)\n"
"  module        whether cima.ko is loaded, and its register line\n"
"\n"
"Options:\n"
"  --platform P  use platform P instead of detecting (also: $CIMA_PLATFORM)\n"
"  --no-tsm      ignore configfs-tsm (TDX: unsigned TDREPORT via ioctl)\n"
"  -j, --json    print one JSON object (the event count as a string)\n"
"  -h, --help    this text\n"
"\n"
"$CIMA_TPM_TCTI selects another TPM (e.g. swtpm:port=2321).\n");
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "platform", required_argument, NULL, 'p' },
		{ "no-tsm", no_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	CIMA_OPTS(cima_platform_opts, po);
	uint16_t algs[8];
	char line[256], backend[160] = "";
	int c, plat, n, count;
	bool json = false;
	FILE *f;

	/* libtss2 logs TPM errors on stderr itself; the library reports them. */
	if (!cima_verbose)
		setenv("TSS2_LOG", "all+NONE", 0);
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			po.platform = cima_platform_from_name(optarg);
			if (po.platform < 0) {
				tool_err("info", "--platform %s: not one of tpm, tdx, snp", optarg);
				return CIMA_EXIT_USAGE;
			}
			break;
		case 'T':
			po.no_tsm = true;
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
		tool_err("info", "unexpected argument '%s'", argv[optind]);
		return CIMA_EXIT_USAGE;
	}
	plat = cima_detect_platform(&po);
	if (plat < 0) {
		tool_lib_err("info", plat);
		return CIMA_EXIT_ERROR;
	}
	switch (plat) {
	case CIMA_PLATFORM_TPM:
		snprintf(backend, sizeof(backend), "TPM2_Quote via libtss2-esys (%s)",
			 getenv("CIMA_TPM_TCTI") ? getenv("CIMA_TPM_TCTI") : "device:/dev/tpmrm0");
		break;
	case CIMA_PLATFORM_TDX:
	case CIMA_PLATFORM_SNP:
		if (!po.no_tsm && access("/sys/kernel/config/tsm/report", W_OK) == 0)
			snprintf(backend, sizeof(backend), "configfs-tsm (/sys/kernel/config/tsm/report)");
		else
			snprintf(backend, sizeof(backend), "ioctl (%s)%s",
				 plat == CIMA_PLATFORM_TDX ? "/dev/tdx_guest" : "/dev/sev-guest",
				 plat == CIMA_PLATFORM_TDX ? ", unsigned TDREPORT only" : "");
		break;
	}
	n = cima_get_algorithms(algs, 8, &po);
	if (n < 0) {
		tool_lib_err("info: banks", n);
		return CIMA_EXIT_ERROR;
	}
	c = cima_get_default_algorithm(&po);
	count = cima_get_measurement_count(&po);
	if (json) {
		/* {"version":1,"platform","backend","banks":[...],
		 *  "default_algorithm","registers","module":{...}|null} */
		printf("{\"version\":1,\"platform\":\"%s\",\"backend\":\"%s\",\"banks\":[",
		       cima_platform_name(plat), backend);
		for (int i = 0; i < n && i < 8; i++)
			printf("%s\"%s\"", i ? "," : "",
			       cima_alg_name(algs[i]) ? cima_alg_name(algs[i]) : "unknown");
		printf("],\"default_algorithm\":");
		if (c > 0)
			printf("\"%s\"", cima_alg_name((uint16_t)c));
		else
			printf("null");
		printf(",\"registers\":%d,\"module\":", count);
		f = fopen(CIMA_FS_ROOT "/" CIMA_FILE_REGISTER, "r");
		if (!f) {
			printf("null}\n");
			return CIMA_EXIT_OK;
		}
		printf("{\"register\":{");
		for (int k = 0; fgets(line, sizeof(line), f);) {
			char key[32], val[200];

			if (sscanf(line, "%31s %199s", key, val) != 2 ||
			    strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(key) ||
			    strspn(val, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(val))
				continue;
			printf("%s\"%s\":\"%s\"", k++ ? "," : "", key, val);
		}
		fclose(f);
		printf("},\"events\":");
		f = fopen(CIMA_FS_ROOT "/" CIMA_FILE_COUNT, "r");
		if (f && fgets(line, sizeof(line), f) && strspn(line, "0123456789") > 0) {
			line[strspn(line, "0123456789")] = '\0';
			printf("\"%s\"}}\n", line);
		} else {
			printf("null}}\n");
		}
		if (f)
			fclose(f);
		return CIMA_EXIT_OK;
	}
	printf("platform: %s\n", cima_platform_name(plat));
	if (*backend)
		printf("backend: %s\n", backend);
	printf("banks:");
	for (int i = 0; i < n && i < 8; i++)
		printf(" %s", cima_alg_name(algs[i]) ? cima_alg_name(algs[i]) : "unknown");
	printf("\n");
	if (c > 0)
		printf("default algorithm: %s\n", cima_alg_name((uint16_t)c));
	printf("registers: %d\n", count);
	f = fopen(CIMA_FS_ROOT "/" CIMA_FILE_REGISTER, "r");
	if (!f) {
		printf("module: %s\n", errno == ENOENT ? "not loaded (" CIMA_FS_ROOT " absent)"
						       : strerror(errno));
		return CIMA_EXIT_OK;
	}
	printf("module: loaded\n");
	while (fgets(line, sizeof(line), f))
		printf("module %s", line);
	fclose(f);
	f = fopen(CIMA_FS_ROOT "/" CIMA_FILE_COUNT, "r");
	if (f && fgets(line, sizeof(line), f))
		printf("module events: %s", line);
	if (f)
		fclose(f);
	return CIMA_EXIT_OK;
}
