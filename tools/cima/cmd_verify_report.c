// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cima verify-report: check a TDX quote or an SNP report against its
 * vendor's certificate chain, offline (libcima's cima_tdx_quote_verify()
 * and cima_snp_report_verify()).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <cima/cima.h>

#include "cmds.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: cima verify-report --tdx QUOTE [--root-ca PEM] [--pck-chain PEM]\n"
"                          [--crl FILE] [--time EPOCH] [--json]\n"
"       cima verify-report --snp REPORT [--vcek CERT] [--cert-table FILE]\n"
"                          [--ark PEM] [--crl FILE] [--time EPOCH] [--json]\n"
"\n"
"Verify vendor-signed evidence offline, with no network and no collateral.\n"
"  TDX quote (v4/v5): the ECDSA P-256 quote signature, the PCK chain up to\n"
"      Intel's SGX Root CA (pinned by the SHA-256 of its DER unless --root-ca\n"
"      is given), the QE report signature under the PCK key, and the QE\n"
"      report data binding the attestation key.\n"
"  SNP report: the ECDSA P-384 signature under the VCEK, the chain\n"
"      VCEK -> ASK -> ARK (built-in, pinned Milan/Genoa/Turin ARKs unless\n"
"      --ark is given), and the VCEK's hwID/TCB against the report.\n"
"With --crl, every certificate must be covered by a valid CRL of its issuer\n"
"and not be revoked.  NOT checked (needs Intel/AMD collateral): TCB status\n"
"(up to date or not), QE identity, revocation unless --crl is given, and any\n"
"policy on the report's fields (debug bit, measurements, report data).\n"
"\n"
"Options:\n"
"      --tdx FILE         TDX quote (raw bytes; trailing padding is ignored)\n"
"      --snp FILE         SNP ATTESTATION_REPORT (1184 bytes)\n"
"      --root-ca PEM      TDX: trusted root certificate(s) instead of the pin\n"
"      --pck-chain PEM    TDX: PCK chain when the quote carries none\n"
"      --vcek CERT        SNP: the VCEK (or VLEK), DER or PEM\n"
"      --cert-table FILE  SNP: extended report certificate table (auxblob)\n"
"      --ark PEM          SNP: trusted ARK (and optionally the ASK) instead\n"
"                         of the built-in ones\n"
"      --crl FILE         CRLs (PEM, several; or one DER) of every issuer in\n"
"                         the chain, root included\n"
"      --time EPOCH       check certificate validity at this time (seconds)\n"
"  -j, --json             print one JSON object (\"version\": 1)\n"
"  -h, --help             this text\n"
"\n"
"The first check that fails is named: format, signature, root, chain,\n"
"qe-report, binding, revocation (or input for an unusable --root-ca,\n"
"--vcek, --crl... file).\n"
"Exit status: 0 verified, 1 not verified, 2 usage, 3 an input could not be\n"
"read or parsed (step input or format).\n");
}

enum {
	OPT_TDX = 0x200, OPT_SNP, OPT_ROOT, OPT_PCK, OPT_VCEK, OPT_TABLE,
	OPT_ARK, OPT_TIME, OPT_CRL,
};

static int read_all(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0, n = 0, r;
	uint8_t *b = NULL, *nb;

	if (!f)
		return -errno;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > (64u << 20)) {
				free(b);
				fclose(f);
				return -EFBIG;
			}
			nb = realloc(b, cap);
			if (!nb) {
				free(b);
				fclose(f);
				return -ENOMEM;
			}
			b = nb;
		}
		r = fread(b + n, 1, cap - n, f);
		n += r;
	} while (r);
	if (ferror(f)) {
		free(b);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*buf = b;
	*len = n;
	return 0;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

int cmd_verify_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tdx", required_argument, NULL, OPT_TDX },
		{ "snp", required_argument, NULL, OPT_SNP },
		{ "root-ca", required_argument, NULL, OPT_ROOT },
		{ "pck-chain", required_argument, NULL, OPT_PCK },
		{ "vcek", required_argument, NULL, OPT_VCEK },
		{ "cert-table", required_argument, NULL, OPT_TABLE },
		{ "ark", required_argument, NULL, OPT_ARK },
		{ "time", required_argument, NULL, OPT_TIME },
		{ "crl", required_argument, NULL, OPT_CRL },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *tdx = NULL, *snp = NULL, *root = NULL, *pck = NULL,
		   *vcek = NULL, *table = NULL, *ark = NULL, *file, *msg;
	struct cima_vendor_result res = { .sz = sizeof(res) };
	CIMA_OPTS(cima_vendor_verify_opts, o, .result = &res);
	uint8_t *buf = NULL, *tbuf = NULL;
	size_t len = 0, tlen = 0;
	bool json = false;
	long long t;
	char *end, fp[65];
	int c, ret, status;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_TDX: tdx = optarg; break;
		case OPT_SNP: snp = optarg; break;
		case OPT_ROOT: root = optarg; break;
		case OPT_PCK: pck = optarg; break;
		case OPT_VCEK: vcek = optarg; break;
		case OPT_TABLE: table = optarg; break;
		case OPT_ARK: ark = optarg; break;
		case OPT_CRL: o.crl_path = optarg; break;
		case OPT_TIME:
			errno = 0;
			t = strtoll(optarg, &end, 10);
			if (errno || *end || !*optarg || t <= 0) {
				tool_err("verify-report", "--time: '%s' is not a positive number of seconds",
					 optarg);
				return CIMA_EXIT_USAGE;
			}
			o.at_time = (time_t)t;
			break;
		case 'j': json = true; break;
		case 'h':
			usage(stdout);
			return CIMA_EXIT_OK;
		default:
			usage(stderr);
			return CIMA_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		tool_err("verify-report", "unexpected argument '%s'", argv[optind]);
		return CIMA_EXIT_USAGE;
	}
	if (!tdx == !snp) {
		tool_err("verify-report", "give exactly one of --tdx FILE and --snp FILE");
		return CIMA_EXIT_USAGE;
	}
	if (tdx && (vcek || table || ark)) {
		tool_err("verify-report", "--vcek, --cert-table and --ark apply to --snp only");
		return CIMA_EXIT_USAGE;
	}
	if (snp && (root || pck)) {
		tool_err("verify-report", "--root-ca and --pck-chain apply to --tdx only");
		return CIMA_EXIT_USAGE;
	}
	file = tdx ? tdx : snp;
	ret = read_all(file, &buf, &len);
	if (ret) {
		tool_err(file, "%s", strerror(-ret));
		return CIMA_EXIT_ERROR;
	}
	if (table) {
		ret = read_all(table, &tbuf, &tlen);
		if (ret) {
			tool_err(table, "%s", strerror(-ret));
			free(buf);
			return CIMA_EXIT_ERROR;
		}
		o.cert_table = tbuf;
		o.cert_table_len = tlen;
	}
	o.root_path = tdx ? root : ark;
	o.pck_chain_path = pck;
	o.vcek_path = vcek;
	ret = tdx ? cima_tdx_quote_verify(buf, len, &o)
		  : cima_snp_report_verify(buf, len, &o);
	free(buf);
	free(tbuf);
	msg = ret ? cima_strerror_last() : "";
	if (!ret)
		status = CIMA_EXIT_OK;
	else if (res.step == CIMA_VSTEP_INPUT || res.step == CIMA_VSTEP_FORMAT ||
		 res.step == CIMA_VSTEP_NONE)
		status = CIMA_EXIT_ERROR;
	else
		status = CIMA_EXIT_MISMATCH;
	hex(res.root_sha256, sizeof(res.root_sha256), fp);
	if (json) {
		printf("{\"version\": 1, \"kind\": \"%s\", \"verified\": %s, \"failed_step\": ",
		       tdx ? "tdx-quote" : "snp-report", ret ? "false" : "true");
		if (ret)
			json_str(cima_vendor_step_name(res.step));
		else
			printf("null");
		printf(", \"message\": ");
		json_str(msg);
		if (!ret) {
			printf(", \"root\": {\"subject\": ");
			json_str(res.root_subject);
			printf(", \"sha256\": \"%s\", \"pinned\": %s}, \"leaf\": ",
			       fp, res.root_pinned ? "true" : "false");
			json_str(res.leaf_subject);
			printf(", \"chain_length\": %d", res.chain_len);
		}
		printf(", \"not_checked\": [\"tcb-status\", \"qe-identity\", %s\"report-policy\"]}\n",
		       o.crl_path ? "" : "\"revocation\", ");
		return status;
	}
	if (ret) {
		tool_err("verify-report", "%s", msg);
		printf("not verified: %s failed\n", cima_vendor_step_name(res.step));
		return status;
	}
	printf("verified: %s\n", tdx ? "TDX quote (signature, root, chain, qe-report, binding)"
				     : "SNP report (signature, chain, binding)");
	printf("  root: %s\n  root sha256: %s (%s)\n  leaf: %s\n", res.root_subject, fp,
	       res.root_pinned ? "built-in pin" : "given by --root-ca/--ark", res.leaf_subject);
	printf("  revocation: %s\n", o.crl_path ? "checked (--crl)" : "NOT checked");
	printf("  not checked: TCB status, QE identity, report policy\n");
	return status;
}
