// SPDX-License-Identifier: GPL-2.0-or-later
/* cima verify: replay event logs and compare with live or given registers. */
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
"Usage: cima verify [OPTIONS]\n"
"       cima verify --evidence FILE --nonce B64|--no-nonce [--data B64]\n"
"                   [--ak-pem FILE] [--root-ca FILE] [--container ID]\n"
"                   [--reference FILE] [--time EPOCH] [--json]\n"
"\n"
"Replay event logs (as 'cima replay' does) and compare every replayed\n"
"register with the real one: TPM PCRs as the kernel reports them in\n"
"/sys/class/tpm/tpm0/pcr-<alg>/<n>, the cima module's register file for\n"
"its software (sim) backend, or values given with --expected.  Every event\n"
"whose digest can be recomputed from its data (IMA template digests, cima\n"
"events that are not redacted) is checked as well.\n"
"\n"
"Each mismatch is printed on stdout as\n"
"  index <n> <alg>: MISMATCH replayed <hex>, <where> <hex>\n"
"and each inconsistent event with its number, register index and offset.\n"
"A replayed register with no live value (for example a bank the TPM does\n"
"not have) is reported as skipped; at least one value must be compared.\n"
"\n"
"Options:\n"
LOG_ARGS_HELP
"  -e, --expected FILE  compare with \"<index> <alg> <hex>\" lines from FILE\n"
"                       instead of the live registers\n"
"      --live           with --file: compare with THIS machine's registers\n"
"                       (a log file needs -e or --live, never a silent default)\n"
"  -j, --json           print the result as JSON\n"
"\n"
"Evidence bundles (see 'cima evidence'; no TPM, module or network needed):\n"
"      --evidence FILE  verify the bundle: signature, freshness, report data,\n"
"                       quoted registers, logs parse, replay, cima snapshot,\n"
"                       container view, reference values; stops at the first\n"
"                       failure and names it\n"
"  -n, --nonce B64      the nonce the verifier gave (required)...\n"
"      --no-nonce       ...unless freshness is skipped explicitly\n"
"  -d, --data B64       expected user data (default: the bundle's, still bound)\n"
"      --ak-pem FILE    TPM: the pinned AK public key\n"
"      --root-ca FILE   TPM: root of the AK certificate; TDX: root CA instead\n"
"                       of the pinned Intel root; SNP: ARK (and ASK) file\n"
"      --container ID   check this container's view and print its events\n"
"      --reference FILE reference values; every event not covered is listed\n"
"      --time EPOCH     certificate validity time (default now)\n"
"      --tpm-sysfs DIR  read PCRs from DIR/pcr-<alg>/<n> (default\n"
"                       /sys/class/tpm/tpm0)\n"
"      --no-event-check do not recompute event digests from event data\n"
"  -a, --all            print every compared register, not only mismatches\n"
"  -h, --help           show this help\n"
"\n"
"Examples:\n"
"  cima verify                       # every live log against the TPM\n"
"  cima verify --source ima          # IMA's list against PCR 10\n"
"  cima verify -s firmware -f log.bin -e pcrs.txt\n"
"\n"
"Exit status: 0 every compared register equals the replayed one and every\n"
"event is consistent (bundle: verified); 1 something differs (bundle: not\n"
"verified); 2 bad arguments; 3 a log, bundle or register could not be read,\n"
"or nothing could be compared.\n", f);
}

/* Highest register index an -e file may name (TPM PCRs; CC indexes are lower). */
#define EXPECTED_INDEX_MAX	31

/* A decimal register index: digits only (no sign, no wrap), at most 31. */
static bool parse_index(const char *s, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 3)
		return false;
	v = strtoul(s, &end, 10);
	if (v > EXPECTED_INDEX_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* @hex (optionally 0x-prefixed, either case) of exactly @n bytes. */
static bool parse_value(const char *hex, uint8_t *v, size_t n)
{
	if (!strncmp(hex, "0x", 2) || !strncmp(hex, "0X", 2))
		hex += 2;
	if (strlen(hex) != 2 * n || strspn(hex, "0123456789abcdefABCDEF") != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned int b;

		sscanf(hex + 2 * i, "%2x", &b);
		v[i] = (uint8_t)b;
	}
	return true;
}

/*
 * Expected values, strictly: "<index> <alg> <hex>" lines ('#' comments),
 * or tpm2_pcrread's YAML ("<alg>:" then "  <index> : 0x<HEX>" lines).
 * An index must be decimal 0..31 (no sign, nothing wrapped), each
 * (index, bank) given once.
 */
static struct cima_replay *read_expected(const char *path)
{
	struct cima_replay *r = cima_replay_new();
	char line[512], bank[32] = "";
	unsigned lineno = 0;
	FILE *f;

	if (!r)
		return NULL;
	f = fopen(path, "re");
	if (!f) {
		tool_err("verify", "%s: %s", path, strerror(errno));
		cima_replay_free(r);
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		char a[32], b[32], c[260], d[8];
		uint8_t v[CIMA_MAX_DIGEST_SIZE];
		const char *algname, *hex, *idx;
		char *t, *colon;
		uint32_t index;
		size_t n, len = strcspn(line, "\r\n");
		int alg, k;

		lineno++;
		if (!line[len] && !feof(f)) {
			tool_err("verify", "%s:%u: line too long", path, lineno);
			goto fail;
		}
		line[len] = '\0';
		if (line[strspn(line, " \t")] == '#' || line[strspn(line, " \t")] == '\0')
			continue;
		t = line + strspn(line, " \t");
		colon = strchr(t, ':');
		if (colon && colon[1] == '\0' && !strpbrk(t, " \t") &&
		    (size_t)(colon - t) < sizeof(bank)) {
			/* tpm2_pcrread YAML: "  <alg>:" opens a bank */
			memcpy(bank, t, (size_t)(colon - t));
			bank[colon - t] = '\0';
			if (cima_alg_from_name(bank) <= 0) {
				tool_err("verify", "%s:%u: unknown bank \"%s\"", path, lineno, bank);
				goto fail;
			}
			continue;
		}
		if (colon && t != line && *bank) {
			/* "    <index> : 0x<HEX>" in the current bank */
			*colon = '\0';
			k = sscanf(t, "%31s %7s", a, d) == 1 && sscanf(colon + 1, "%259s %7s", c, d) == 1;
			idx = a;
			algname = bank;
			hex = c;
		} else {
			k = t == line && sscanf(line, "%31s %31s %259s %7s", a, b, c, d) == 3;
			idx = a;
			algname = b;
			hex = c;
			*bank = '\0';
		}
		if (!k) {
			tool_err("verify", "%s:%u: expected \"<index> <alg> <hex>\" (or tpm2_pcrread YAML)",
				 path, lineno);
			goto fail;
		}
		alg = cima_alg_from_name(algname);
		n = alg > 0 ? cima_alg_digest_size((uint16_t)alg) : 0;
		if (!parse_index(idx, &index)) {
			tool_err("verify", "%s:%u: register index \"%s\" is not 0..%d", path, lineno,
				 idx, EXPECTED_INDEX_MAX);
			goto fail;
		}
		if (!n) {
			tool_err("verify", "%s:%u: unknown bank \"%s\"", path, lineno, algname);
			goto fail;
		}
		if (!parse_value(hex, v, n)) {
			tool_err("verify", "%s:%u: not %zu bytes of hex", path, lineno, n);
			goto fail;
		}
		if (cima_replay_value(r, index, (uint16_t)alg, NULL)) {
			tool_err("verify", "%s:%u: index %u %s given twice", path, lineno, index,
				 cima_alg_name((uint16_t)alg));
			goto fail;
		}
		if (cima_replay_set(r, index, (uint16_t)alg, v, n)) {
			tool_lib_err("verify", EINVAL);
			goto fail;
		}
	}
	fclose(f);
	return r;
fail:
	fclose(f);
	cima_replay_free(r);
	return NULL;
}

static void print_hex(FILE *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", p[i]);
}

static void print_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_json(const struct cima_verify_result *res, int ret)
{
	printf("{\"version\":1,\"verified\":%s,\"compared\":%zu,\"unavailable\":%zu,\"mismatches\":[",
	       ret ? "false" : "true", cima_verify_compared(res), cima_verify_unavailable(res));
	for (size_t i = 0; i < cima_verify_mismatches(res); i++) {
		const uint8_t *rv, *ev;
		uint32_t index;
		uint16_t alg;
		size_t len;

		cima_verify_mismatch(res, i, &index, &alg, &rv, &ev, &len);
		printf("%s{\"index\":%u,\"alg\":\"%s\",\"replayed\":\"", i ? "," : "", index,
		       cima_alg_name(alg));
		print_hex(stdout, rv, len);
		printf("\",\"expected\":\"");
		print_hex(stdout, ev, len);
		printf("\"}");
	}
	printf("],\"bad_events\":[");
	for (size_t i = 0; i < cima_verify_bad_events(res); i++) {
		if (i)
			putchar(',');
		print_json_str(cima_verify_bad_event(res, i));
	}
	printf("]}\n");
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		LOG_ARGS_LONGOPTS,
		{ "expected", required_argument, NULL, 'e' },
		{ "tpm-sysfs", required_argument, NULL, 'T' },
		{ "no-event-check", no_argument, NULL, 'N' },
		{ "all", no_argument, NULL, 'a' },
		{ "live", no_argument, NULL, 'L' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	CIMA_OPTS(cima_verify_opts, vo);
	struct log_args a = { .source = -1 };
	struct cima_verify_result *res = NULL;
	struct cima_replay *expected = NULL;
	const char *expected_path = NULL;
	struct cima_eventlog *log;
	bool all = false, live = false, json = false;
	int c, ret;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--evidence") || !strncmp(argv[i], "--evidence=", 11))
			return cmd_verify_evidence(argc, argv);
	while ((c = getopt_long(argc, argv, LOG_ARGS_SHORTOPTS "e:ajh", opts, NULL)) != -1) {
		ret = log_args_option(&a, c, optarg, "verify");
		if (ret < 0)
			return CIMA_EXIT_USAGE;
		if (ret)
			continue;
		switch (c) {
		case 'e':
			expected_path = optarg;
			break;
		case 'T':
			vo.tpm_sysfs = optarg;
			break;
		case 'N':
			vo.no_event_check = true;
			break;
		case 'a':
			all = true;
			break;
		case 'L':
			live = true;
			break;
		case 'j':
			json = true;
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
		tool_err("verify", "unexpected argument '%s'", argv[optind]);
		return CIMA_EXIT_USAGE;
	}
	if (a.file && !expected_path && !live) {
		tool_err("verify", "--file %s: compare with what? Give -e FILE (the attested machine's values) or --live (this machine's registers)",
			 a.file);
		return CIMA_EXIT_USAGE;
	}
	if (live && expected_path) {
		tool_err("verify", "--live and -e exclude each other");
		return CIMA_EXIT_USAGE;
	}
	if (expected_path) {
		expected = read_expected(expected_path);
		if (!expected)
			return CIMA_EXIT_ERROR;
		vo.expected = expected;
	}
	log = log_args_open(&a, "verify");
	if (!log) {
		cima_replay_free(expected);
		return CIMA_EXIT_ERROR;
	}
	ret = cima_verify_eventlog(log, &vo, &res);
	if (res && json) {
		print_json(res, ret);
	} else if (res) {
		if (all) {
			cima_verify_dump(res, stdout);
		} else {
			for (size_t i = 0; i < cima_verify_mismatches(res); i++) {
				const uint8_t *rv, *ev;
				uint32_t index;
				uint16_t alg;
				size_t len;

				cima_verify_mismatch(res, i, &index, &alg, &rv, &ev, &len);
				printf("index %u %s: MISMATCH replayed ", index, cima_alg_name(alg));
				print_hex(stdout, rv, len);
				printf(", %s ", expected ? "expected" : "live");
				print_hex(stdout, ev, len);
				putchar('\n');
			}
			for (size_t i = 0; i < cima_verify_bad_events(res); i++)
				printf("%s\n", cima_verify_bad_event(res, i));
		}
		printf("verify: %zu registers compared, %zu mismatches, %zu bad events, %zu without a live value\n",
		       cima_verify_compared(res), cima_verify_mismatches(res),
		       cima_verify_bad_events(res), cima_verify_unavailable(res));
	}
	cima_verify_result_free(res);
	cima_eventlog_free(log);
	cima_replay_free(expected);
	if (ret == -EBADMSG) {
		tool_err("verify", "%s", cima_strerror_last());
		return CIMA_EXIT_MISMATCH;
	}
	if (ret) {
		tool_lib_err("verify", ret);
		return CIMA_EXIT_ERROR;
	}
	return CIMA_EXIT_OK;
}
