// SPDX-License-Identifier: GPL-2.0
/*
 * Evidence bundles (include/cima/evidence.h): the snapshot report-data rule
 * against an independent construction of its bytes; the strict loader on
 * the bundle captured in the VM (tests/data/evidence/vm-6.12) and on
 * single-field edits of it; the verify call's argument checks; a
 * save/load round trip; reference files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <openssl/evp.h>

#include <cima/cima.h>

#include "tap.h"

#ifndef CIMA_TOP
#define CIMA_TOP "."
#endif
#define BUNDLE "tests/data/evidence/vm-6.12/bundle.json"

static char *slurp(const char *rel, size_t *len)
{
	const char *top = getenv("CIMA_TOP");
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", top ? top : CIMA_TOP, rel);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static void le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

TEST(report_data_rule_independent)
{
	static const uint8_t nonce[] = "fresh", data[] = { 1, 2, 3 };
	uint8_t v1[32], v2[48], buf[512], want[64], got[64];
	const uint8_t *vals[2] = { v1, v2 };
	const uint16_t algs[2] = { CIMA_ALG_SHA256, CIMA_ALG_SHA384 };
	size_t k = 0;
	unsigned int n;

	memset(v1, 0xa5, sizeof(v1));
	memset(v2, 0x5a, sizeof(v2));
	memcpy(buf, "CIMA-EVIDENCE-SNAPSHOT-V1", 25);
	k = 25;
	buf[k++] = 0;
	le(buf + k, 5, 8); k += 8;
	memcpy(buf + k, nonce, 5); k += 5;
	le(buf + k, 3, 8); k += 8;
	memcpy(buf + k, data, 3); k += 3;
	le(buf + k, 1234567890123ull, 8); k += 8;
	le(buf + k, 2, 4); k += 4;
	le(buf + k, 0x0b, 2); k += 2;
	le(buf + k, 32, 2); k += 2;
	memcpy(buf + k, v1, 32); k += 32;
	le(buf + k, 0x0c, 2); k += 2;
	le(buf + k, 48, 2); k += 2;
	memcpy(buf + k, v2, 48); k += 48;
	ASSERT_EQ(1, EVP_Digest(buf, k, want, &n, EVP_sha512(), NULL));
	ASSERT_EQ(0, cima_evidence_report_data(nonce, 5, data, 3, 1234567890123ull, algs,
					       vals, 2, got));
	EXPECT_MEMEQ(want, got, 64);
	/* Order of the banks matters; a bad bank is refused. */
	{
		const uint8_t *rv[2] = { v2, v1 };
		const uint16_t ra[2] = { CIMA_ALG_SHA384, CIMA_ALG_SHA256 };
		const uint16_t bad[1] = { 0x99 };

		ASSERT_EQ(0, cima_evidence_report_data(nonce, 5, data, 3, 1234567890123ull,
						       ra, rv, 2, got));
		EXPECT_NE(0, memcmp(want, got, 64));
		EXPECT_EQ(-EINVAL, cima_evidence_report_data(nonce, 5, data, 3, 0, bad, rv, 1, got));
		EXPECT_EQ(-EINVAL, cima_evidence_report_data(NULL, 5, data, 3, 0, NULL, NULL, 0, got));
	}
}

static struct cima_evidence *load_edit(const char *key, const char *sub, json_object *val)
{
	size_t len;
	char *s = slurp(BUNDLE, &len);
	json_object *j, *o;
	struct cima_evidence *ev;
	const char *out;

	if (!s)
		return NULL;
	j = json_tokener_parse(s);
	free(s);
	o = j;
	if (sub)
		json_object_object_get_ex(j, sub, &o);
	if (val)
		json_object_object_add(o, key, val);
	else
		json_object_object_del(o, key);
	out = json_object_to_json_string(j);
	ev = cima_evidence_load(out, strlen(out));
	json_object_put(j);
	return ev;
}

/* The same bytes in every log of @a and @b. */
static int same_logs(const struct cima_evidence *a, const struct cima_evidence *b)
{
	static const int src[] = { CIMA_SOURCE_FIRMWARE, CIMA_SOURCE_IMA, CIMA_SOURCE_CIMA };
	int same = 1;

	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		struct cima_eventlog *x = cima_evidence_log(a, src[i]), *y = cima_evidence_log(b, src[i]);

		if (!x != !y || cima_eventlog_count(x) != cima_eventlog_count(y))
			same = 0;
		for (size_t k = 0; same && k < cima_eventlog_count(x); k++) {
			size_t lx, ly;
			const uint8_t *dx = cima_event_data(cima_eventlog_event(x, k), &lx);
			const uint8_t *dy = cima_event_data(cima_eventlog_event(y, k), &ly);

			same = lx == ly && !memcmp(dx, dy, lx);
		}
		cima_eventlog_free(x);
		cima_eventlog_free(y);
	}
	return same;
}

/* @s with @ins inserted after the first occurrence of @after. */
static char *insert_after(const char *s, const char *after, const char *ins)
{
	const char *at = strstr(s, after);
	char *out;

	if (!at)
		return NULL;
	at += strlen(after);
	out = malloc(strlen(s) + strlen(ins) + 1);
	sprintf(out, "%.*s%s%s", (int)(at - s), s, ins, at);
	return out;
}

/*
 * The loader's fast path (long base64 values decoded from the document,
 * json-c given stand-ins) against json-c reading every byte: a log value
 * with an escape, and a document holding the text \u0000 (whole parse),
 * load to the same logs; a refused document names the original's offset;
 * a long base64 string where text is expected is reported as text.
 */
TEST(loader_fast_path_same_as_whole_parse)
{
	size_t len;
	char *s = slurp(BUNDLE, &len), *v, *w;
	struct cima_evidence *ev, *ev2;
	const char *c;

	if (!s)
		SKIP("%s missing", BUNDLE);
	ev = cima_evidence_load(s, len);
	ASSERT_TRUE(ev != NULL);
	/* "content":"A... -> "content":"\u0041...: that value goes to json-c. */
	c = strstr(s, "\"content\":\"");
	ASSERT_TRUE(c != NULL);
	c += strlen("\"content\":\"");
	v = malloc(len + 8);
	sprintf(v, "%.*s\\u%04x%s", (int)(c - s), s, (unsigned char)*c, c + 1);
	ev2 = cima_evidence_load(v, strlen(v));
	ASSERT_TRUE(ev2 != NULL);
	EXPECT_TRUE(same_logs(ev, ev2));
	cima_evidence_free(ev2);
	/* The text \u0000 anywhere: json-c reads the whole document. */
	w = insert_after(s, "\"kernel\":\"", "\\u0000");
	ASSERT_TRUE(w != NULL);
	ev2 = cima_evidence_load(w, strlen(w));
	ASSERT_TRUE(ev2 != NULL);
	EXPECT_TRUE(same_logs(ev, ev2));
	cima_evidence_free(ev2);
	free(w);
	/* A document cut after its logs: the offset is the original's. */
	{
		struct json_tokener *tok = json_tokener_new();
		char want[64];
		size_t cut = len - 40;

		json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
		json_object_put(json_tokener_parse_ex(tok, s, (int)cut));
		snprintf(want, sizeof(want), "at byte %zu)", json_tokener_get_parse_end(tok));
		json_tokener_free(tok);
		errno = 0;
		EXPECT_TRUE(cima_evidence_load(s, cut) == NULL);
		EXPECT_EQ(EBADMSG, errno);
		EXPECT_TRUE(strstr(cima_strerror_last(), want) != NULL);
		if (!strstr(cima_strerror_last(), want))
			TH_LOG("got \"%s\", want \"%s\"", cima_strerror_last(), want);
	}
	/* 600 base64 characters as the platform name: refused, named as text. */
	{
		char name[601];
		json_object *o;

		memset(name, 'A', 600);
		name[600] = '\0';
		o = json_object_new_string(name);
		errno = 0;
		EXPECT_TRUE(load_edit("platform", NULL, o) == NULL);
		EXPECT_EQ(EBADMSG, errno);
		name[400] = '\0';	/* messages are cut at 512 bytes */
		EXPECT_TRUE(strstr(cima_strerror_last(), name) != NULL);
	}
	free(v);
	cima_evidence_free(ev);
	free(s);
}

TEST(loader_strict)
{
	struct cima_evidence *ev;
	size_t len;
	char *s = slurp(BUNDLE, &len);
	uint64_t count;

	if (!s)
		SKIP("%s missing", BUNDLE);
	ev = cima_evidence_load(s, len);
	ASSERT_TRUE(ev != NULL);
	EXPECT_EQ(CIMA_PLATFORM_TPM, cima_evidence_platform(ev));
	EXPECT_EQ(0, cima_evidence_snapshot_count(ev, &count));
	EXPECT_EQ(17, (int)count);
	EXPECT_TRUE(cima_evidence_container(ev) != NULL);
	cima_evidence_free(ev);
	/* Trailing whitespace is fine, trailing data and NUL bytes are not. */
	s = realloc(s, len + 4);
	memcpy(s + len, " \n", 2);
	ev = cima_evidence_load(s, len + 2);
	EXPECT_TRUE(ev != NULL);
	cima_evidence_free(ev);
	memcpy(s + len, " {}", 3);
	errno = 0;
	EXPECT_TRUE(cima_evidence_load(s, len + 3) == NULL);
	EXPECT_EQ(EBADMSG, errno);
	s[10] = '\0';
	EXPECT_TRUE(cima_evidence_load(s, len) == NULL);
	EXPECT_EQ(EBADMSG, errno);
	free(s);

	errno = 0;
	EXPECT_TRUE(load_edit("extra", NULL, json_object_new_int(1)) == NULL);
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_TRUE(load_edit("cima_evidence", NULL, json_object_new_int(2)) == NULL);
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_TRUE(load_edit("nonce", NULL, json_object_new_string("a")) == NULL);
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_TRUE(load_edit("nonce", NULL, NULL) == NULL);
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_TRUE(load_edit("platform", NULL, json_object_new_string("snp")) == NULL);
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_TRUE(load_edit("count", "snapshot", json_object_new_int(17)) == NULL);
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_TRUE(load_edit("count", "snapshot", json_object_new_string("017")) == NULL);
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_TRUE(load_edit("count", "snapshot", json_object_new_string("18446744073709551616")) == NULL);
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_TRUE(load_edit("pcr_mask", "report", json_object_new_string("0x1000000")) == NULL);
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_TRUE(load_edit("value", "report_data", json_object_new_string("00")) == NULL);
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_TRUE(load_edit("rule", "report_data", json_object_new_string("other")) == NULL);
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_TRUE(load_edit("id", "container", json_object_new_string("../x")) == NULL);
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_TRUE(load_edit("quote", "report", json_object_new_string("")) == NULL);
	EXPECT_EQ(EBADMSG, errno);
	ev = load_edit("versions", NULL, NULL);	/* optional */
	EXPECT_TRUE(ev != NULL);
	cima_evidence_free(ev);
}

TEST(verify_arguments)
{
	CIMA_OPTS(cima_evidence_verify_opts, vo);
	struct cima_evidence_result *res = (void *)1;
	struct cima_evidence *ev;
	size_t len;
	char *s = slurp(BUNDLE, &len);

	if (!s)
		SKIP("%s missing", BUNDLE);
	ev = cima_evidence_load(s, len);
	free(s);
	ASSERT_TRUE(ev != NULL);
	/* No nonce and no explicit no_nonce: refused, nothing checked. */
	EXPECT_EQ(-EINVAL, cima_evidence_verify(ev, &vo, &res));
	EXPECT_TRUE(res == NULL);
	vo.nonce = (const uint8_t *)"x";
	vo.nonce_len = 1;
	vo.no_nonce = true;
	EXPECT_EQ(-EINVAL, cima_evidence_verify(ev, &vo, &res));
	vo.no_nonce = false;
	vo.sz = 0;
	EXPECT_EQ(-EINVAL, cima_evidence_verify(ev, &vo, &res));
	vo.sz = sizeof(vo);
	/* No AK anchor: fails at signature and says so. */
	EXPECT_EQ(-EKEYREJECTED, cima_evidence_verify(ev, &vo, &res));
	ASSERT_TRUE(res != NULL);
	EXPECT_EQ(CIMA_ECHECK_SIGNATURE, cima_evidence_result_failed(res));
	EXPECT_EQ(CIMA_ESTATUS_FAIL, cima_evidence_result_check(res, CIMA_ECHECK_SIGNATURE, NULL));
	EXPECT_EQ(CIMA_ESTATUS_NOT_RUN, cima_evidence_result_check(res, CIMA_ECHECK_FRESHNESS, NULL));
	EXPECT_TRUE(cima_evidence_result_events(res) == NULL);
	cima_evidence_result_free(res);
	EXPECT_STREQ("report-data", cima_evidence_check_name(CIMA_ECHECK_REPORT_DATA));
	EXPECT_TRUE(cima_evidence_check_name(CIMA_ECHECK_COUNT) == NULL);
	cima_evidence_free(ev);
}

TEST(save_load_roundtrip)
{
	struct cima_evidence *ev, *ev2;
	char *s = NULL, *s2 = NULL;
	size_t len, l1 = 0, l2 = 0;
	FILE *f;
	char *in = slurp(BUNDLE, &len);

	if (!in)
		SKIP("%s missing", BUNDLE);
	ev = cima_evidence_load(in, len);
	free(in);
	ASSERT_TRUE(ev != NULL);
	f = open_memstream(&s, &l1);
	ASSERT_EQ(0, cima_evidence_save(ev, f));
	fclose(f);
	ev2 = cima_evidence_load(s, l1);
	ASSERT_TRUE(ev2 != NULL);
	f = open_memstream(&s2, &l2);
	ASSERT_EQ(0, cima_evidence_save(ev2, f));
	fclose(f);
	EXPECT_EQ(l1, l2);
	EXPECT_MEMEQ(s, s2, l1 < l2 ? l1 : l2);
	free(s);
	free(s2);
	cima_evidence_free(ev);
	cima_evidence_free(ev2);
}

TEST(reference_from_log)
{
	struct cima_evidence *ev;
	struct cima_eventlog *log;
	char *s = NULL, *in;
	size_t len, l = 0;
	FILE *f;

	in = slurp(BUNDLE, &len);
	if (!in)
		SKIP("%s missing", BUNDLE);
	ev = cima_evidence_load(in, len);
	free(in);
	ASSERT_TRUE(ev != NULL);
	log = cima_evidence_log(ev, CIMA_SOURCE_CIMA);
	ASSERT_TRUE(log != NULL);
	f = open_memstream(&s, &l);
	EXPECT_EQ(0, cima_reference_from_log(log, 17, NULL, true, f));
	fclose(f);
	EXPECT_TRUE(!strncmp(s, "cima-reference 1\n", 17));
	EXPECT_TRUE(strstr(s, "\ncontainer *\n") != NULL);
	EXPECT_TRUE(strstr(s, "\nconfig sha256:") != NULL);
	EXPECT_TRUE(strstr(s, "\nimage docker.io/library/busybox:1.36\n") != NULL);
	EXPECT_TRUE(strstr(s, "\nfile sha384:") != NULL);
	free(s);
	s = NULL;
	f = open_memstream(&s, &l);
	EXPECT_EQ(-ERANGE, cima_reference_from_log(log, 18, NULL, false, f));
	EXPECT_EQ(-EINVAL, cima_reference_from_log(log, 0, "../bad", false, f));
	fclose(f);
	free(s);
	EXPECT_TRUE(cima_evidence_log(ev, CIMA_SOURCE_CCEL) == NULL);
	EXPECT_EQ(ENOENT, errno);
	cima_eventlog_free(log);
	cima_evidence_free(ev);
}

/* The options-struct rule (include/cima/common.h) for the two new structs. */
TEST(opts_structs_checked)
{
	struct {
		struct cima_evidence_verify_opts o;
		uint8_t later[8];
	} v;
	struct {
		struct cima_evidence_opts o;
		uint8_t later[8];
	} b;
	struct cima_evidence_result *res = NULL;
	struct cima_evidence *ev;
	size_t len;
	char *s = slurp(BUNDLE, &len);

	if (!s)
		SKIP("%s missing", BUNDLE);
	ev = cima_evidence_load(s, len);
	free(s);
	ASSERT_TRUE(ev != NULL);
	memset(&v, 0, sizeof(v));
	v.o.sz = sizeof(v);
	v.o.no_nonce = true;
	v.later[3] = 1;		/* a field this library does not know */
	EXPECT_EQ(-EINVAL, cima_evidence_verify(ev, &v.o, &res));
	EXPECT_TRUE(res == NULL);
	v.later[3] = 0;		/* zero past the known fields: accepted */
	EXPECT_EQ(-EKEYREJECTED, cima_evidence_verify(ev, &v.o, &res));
	cima_evidence_result_free(res);
	cima_evidence_free(ev);

	memset(&b, 0, sizeof(b));
	b.o.sz = sizeof(b);
	b.later[0] = 1;
	errno = 0;
	EXPECT_TRUE(cima_evidence_build("n", 1, NULL, 0, &b.o) == NULL);
	EXPECT_EQ(EINVAL, errno);
	b.o.sz = 0;		/* sz unset */
	errno = 0;
	EXPECT_TRUE(cima_evidence_build("n", 1, NULL, 0, &b.o) == NULL);
	EXPECT_EQ(EINVAL, errno);
}

TAP_MAIN()
