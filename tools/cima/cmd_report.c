// SPDX-License-Identifier: GPL-2.0-or-later
/* cima report: get a signed report (TPM quote, TDX quote, SNP report). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cima/cima.h>
#include <tss2/tss2_tpm2_types.h>

#include "../../lib/b64.h"
#include "cmds.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: cima report [--nonce B64] [--data B64] [-o FILE] [--json]\n"
"                   [--tpm2-files DIR] [--snapshot] [--pcrs LIST] [--alg NAME]\n"
"                   [--platform P] [--no-tsm] [--verify]\n"
"\n"
"Ask the platform for a report that binds 64 bytes of report data:\n"
"    report data = SHA-512(nonce || data)\n"
"over the DECODED bytes of --nonce and --data, which are base64 (RFC 4648,\n"
"with padding; anything else is an error).  Both are optional.\n"
"  TPM: TPM2_Quote of the PCRs (default: all 24 of the sha256 bank) with the\n"
"       report data as qualifying data, signed by the AK at 0x81010002 if\n"
"       provisioned, else by a transient ECC P-256 AK.\n"
"  TDX: a quote through configfs-tsm; without it an UNSIGNED TDREPORT.\n"
"  SNP: an attestation report through configfs-tsm or /dev/sev-guest.\n"
"\n"
"Options:\n"
"  -n, --nonce B64       verifier's nonce (base64)\n"
"  -d, --data B64        user data (base64)\n"
"  -o, --output FILE     write the raw evidence (quote / report / TPMS_ATTEST)\n"
"  -j, --json            print JSON (with \"version\": 1) instead of text\n"
"  -t, --tpm2-files DIR  TPM: write into DIR, for tpm2_checkquote -u DIR/ak.pem\n"
"                        -m DIR/message -s DIR/signature -f DIR/pcrs\n"
"                        -q DIR/qualification:\n"
"                          message        TPMS_ATTEST (what the AK signed)\n"
"                          signature      TPMT_SIGNATURE\n"
"                          ak.pem         AK public key\n"
"                          pcrs           PCR values as tpm2_quote -o writes\n"
"                          pcrs.values    PCR values concatenated (as\n"
"                                         tpm2_pcrread -o), pcrlist names them\n"
"                          qualification  the 64 bytes of report data\n"
"  -s, --snapshot        fold the cima module's event count and register\n"
"                        values (its snapshot file) into the report data\n"
"                        (versioned rule: Documentation/library.md)\n"
"  -p, --pcrs LIST       TPM: PCRs to quote, e.g. 0,1,7 or 0-7 or all\n"
"  -a, --alg NAME        TPM: PCR bank (sha256, sha384)\n"
"  --platform P          tpm, tdx or snp instead of detecting\n"
"  --no-tsm              do not use configfs-tsm\n"
"  --verify              TPM: verify the quote with the library as well\n"
"  -h, --help            this text\n"
"\n"
"Example: cima report --nonce $(head -c 32 /dev/urandom | base64 -w0) --json\n"
"Exit status: 0 ok, 1 verification failed, 2 usage, 3 platform error.\n");
}

static int decode_arg(const char *opt, const char *in, uint8_t **out, size_t *len)
{
	size_t n = strlen(in);
	char why[128];
	ssize_t r;

	*out = malloc(n / 4 * 3 + 1);
	if (!*out) {
		tool_err("report", "out of memory");
		return -ENOMEM;
	}
	r = cima__b64_decode(in, n, *out, n / 4 * 3 + 1, why, sizeof(why));
	if (r < 0) {
		tool_err("report", "%s: %s", opt, why);
		return (int)r;
	}
	if (r > CIMA_REPORT_INPUT_MAX) {
		tool_err("report", "%s: %zd bytes decoded, at most %d allowed", opt, r,
			 CIMA_REPORT_INPUT_MAX);
		return -E2BIG;
	}
	*len = (size_t)r;
	return 0;
}

static bool parse_pcrs(const char *s, uint32_t *mask)
{
	char *copy, *tok, *save = NULL;
	bool ok = true;

	*mask = 0;
	if (!strcmp(s, "all")) {
		*mask = 0xffffff;
		return true;
	}
	copy = strdup(s);
	if (!copy)
		return false;
	for (tok = strtok_r(copy, ",", &save); tok && ok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		uint32_t a, b;

		if (dash)
			*dash = '\0';
		ok = tool_parse_u32(tok, &a) && a < 24;
		b = a;
		if (ok && dash)
			ok = tool_parse_u32(dash + 1, &b) && b < 24 && b >= a;
		for (uint32_t i = a; ok && i <= b; i++)
			*mask |= 1u << i;
	}
	free(copy);
	return ok && *mask;
}

static int write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		tool_err(path, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * PCR values in the file format tpm2_quote -o writes and tpm2_checkquote -f
 * reads without -l: the TSS structures as laid out in memory (host byte
 * order): TPML_PCR_SELECTION, UINT32 n, then n TPML_DIGEST of at most 8
 * digests each, in selection order.  (tpm2-tools 5.4 fails to check 8 or
 * more PCRs given as raw values with -l, so this is the portable form.)
 */
static int write_pcrs_serialized(const char *dir, uint16_t alg, uint32_t mask,
				 const uint8_t *vals, size_t len)
{
	TPML_PCR_SELECTION sel;
	TPML_DIGEST dig[3];
	size_t ds = cima_alg_digest_size(alg), k = 0;
	uint32_t n = 0;
	char path[4096];
	FILE *f;
	bool ok;

	memset(&sel, 0, sizeof(sel));
	memset(dig, 0, sizeof(dig));
	sel.count = 1;
	sel.pcrSelections[0].hash = alg;
	sel.pcrSelections[0].sizeofSelect = 3;
	for (int b = 0; b < 3; b++)
		sel.pcrSelections[0].pcrSelect[b] = (uint8_t)(mask >> (8 * b));
	for (int i = 0; i < 24; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (!ds || (k + 1) * ds > len)
			return -1;
		if (dig[n].count == 8)
			n++;
		dig[n].digests[dig[n].count].size = (uint16_t)ds;
		memcpy(dig[n].digests[dig[n].count].buffer, vals + k * ds, ds);
		dig[n].count++;
		k++;
	}
	n++;
	snprintf(path, sizeof(path), "%s/pcrs", dir);
	f = fopen(path, "wb");
	ok = f && fwrite(&sel, sizeof(sel), 1, f) == 1 &&
	     fwrite(&n, sizeof(n), 1, f) == 1 &&
	     fwrite(dig, sizeof(dig[0]), n, f) == n;
	if (f && fclose(f))
		ok = false;
	if (!ok) {
		tool_err(path, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

static int tpm2_files(const struct cima_report *r, const char *dir)
{
	const uint8_t *p;
	size_t n;
	uint16_t alg;
	uint32_t mask;
	char *pem, list[128];
	int len;

	if (cima_report_kind(r) != CIMA_REPORT_TPM_QUOTE) {
		tool_err("report: --tpm2-files", "only for TPM quotes (this is %s)",
			 cima_report_kind_name(cima_report_kind(r)));
		return -1;
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		tool_err(dir, "%s", strerror(errno));
		return -1;
	}
	p = cima_report_blob(r, &n);
	if (write_file(dir, "message", p, n))
		return -1;
	p = cima_report_tpm_signature(r, &n);
	if (write_file(dir, "signature", p, n))
		return -1;
	p = cima_report_tpm_pcr_values(r, &n, &alg, &mask);
	if (write_file(dir, "pcrs.values", p, n) ||
	    write_pcrs_serialized(dir, alg, mask, p, n))
		return -1;
	if (write_file(dir, "qualification", cima_report_report_data(r), 64))
		return -1;
	len = snprintf(list, sizeof(list), "%s:", cima_alg_name(alg));
	for (int i = 0, first = 1; i < 24; i++)
		if (mask & (1u << i)) {
			len += snprintf(list + len, sizeof(list) - (size_t)len, "%s%d",
					first ? "" : ",", i);
			first = 0;
		}
	list[len++] = '\n';
	if (write_file(dir, "pcrlist", list, (size_t)len))
		return -1;
	pem = cima_report_tpm_ak_pem(r);
	if (!pem) {
		tool_lib_err("report: AK public key", -errno);
		return -1;
	}
	len = write_file(dir, "ak.pem", pem, strlen(pem));
	free(pem);
	return len;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nonce", required_argument, NULL, 'n' },
		{ "data", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "tpm2-files", required_argument, NULL, 't' },
		{ "snapshot", no_argument, NULL, 's' },
		{ "pcrs", required_argument, NULL, 'p' },
		{ "alg", required_argument, NULL, 'a' },
		{ "platform", required_argument, NULL, 'P' },
		{ "no-tsm", no_argument, NULL, 'T' },
		{ "verify", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	CIMA_OPTS(cima_platform_opts, po);
	CIMA_OPTS(cima_report_opts, ro, .platform = &po);
	const char *out = NULL, *tpmdir = NULL;
	uint8_t *nonce = NULL, *data = NULL;
	size_t nonce_len = 0, data_len = 0;
	bool json = false, verify = false;
	struct cima_report *r = NULL;
	int c, alg, ret = CIMA_EXIT_USAGE;

	/* libtss2 logs TPM errors on stderr itself; the library reports them. */
	if (!cima_verbose)
		setenv("TSS2_LOG", "all+NONE", 0);
	while ((c = getopt_long(argc, argv, "n:d:o:jt:sp:a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			free(nonce);
			if (decode_arg("--nonce", optarg, &nonce, &nonce_len))
				goto out;
			break;
		case 'd':
			free(data);
			if (decode_arg("--data", optarg, &data, &data_len))
				goto out;
			break;
		case 'o':
			out = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 't':
			tpmdir = optarg;
			break;
		case 's':
			ro.evidence_snapshot = true;
			break;
		case 'p':
			if (!parse_pcrs(optarg, &ro.pcr_mask)) {
				tool_err("report", "--pcrs %s: expected a list like 0,1,7 or 0-7 of PCRs 0-23, or all",
					 optarg);
				goto out;
			}
			break;
		case 'a':
			alg = cima_alg_from_name(optarg);
			if (alg < 0) {
				tool_err("report", "--alg %s: unknown algorithm", optarg);
				goto out;
			}
			ro.pcr_alg = (uint16_t)alg;
			break;
		case 'P':
			po.platform = cima_platform_from_name(optarg);
			if (po.platform < 0) {
				tool_err("report", "--platform %s: not one of tpm, tdx, snp", optarg);
				goto out;
			}
			break;
		case 'T':
			po.no_tsm = true;
			break;
		case 'V':
			verify = true;
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
		tool_err("report", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	ret = CIMA_EXIT_ERROR;
	r = cima_get_cc_report(nonce, nonce_len, data, data_len, &ro);
	if (!r) {
		tool_lib_err("report", -errno);
		goto out;
	}
	if (out) {
		size_t n;
		const uint8_t *p = cima_report_blob(r, &n);
		FILE *f = fopen(out, "wb");

		if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
			tool_err(out, "%s", strerror(errno));
			goto out;
		}
	}
	if (tpmdir && tpm2_files(r, tpmdir))
		goto out;
	if (json)
		cima_report_dump_json(r, stdout);
	else if (!out || tpmdir)
		cima_report_dump(r, stdout);
	if (verify) {
		int v = cima_report_verify(r, NULL);

		if (v) {
			tool_lib_err("report: verify", v);
			ret = v == -EOPNOTSUPP ? CIMA_EXIT_ERROR : CIMA_EXIT_MISMATCH;
			goto out;
		}
		tool_note("report: quote verified by libcima (signature, nonce, PCR digest)");
	}
	ret = fflush(stdout) ? CIMA_EXIT_ERROR : CIMA_EXIT_OK;
out:
	cima_report_free(r);
	free(nonce);
	free(data);
	return ret;
}
