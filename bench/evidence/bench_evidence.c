// SPDX-License-Identifier: GPL-2.0
/*
 * Evidence-bundle verification throughput (bench/evidence/run.sh).
 *
 *   bench_evidence make DIR FIRMWARE_LOG    build a typical bundle on the
 *       TPM of $CIMA_TPM_TCTI: the firmware log given, 2,000 IMA ima-ng
 *       events and 1,000 cima events (sim backend, snapshot from a
 *       scratch securityfs directory), each extended into the TPM so the
 *       quote (PCR 0-7, 10; sha256) covers them; writes DIR/bundle.json,
 *       DIR/nonce (base64) and DIR/ak.pem
 *   bench_evidence verify DIR N             load + verify the bundle N times
 *       in one process (one core); prints "<bundles/s> <us per bundle>"
 *   bench_evidence floor DIR N              the bundle's hashing floor, N
 *       times: the hashing and the one signature check a verifier of this
 *       bundle cannot avoid (below), no parsing, JSON or base64; prints
 *       "<us per bundle>"
 *   bench_evidence floor-quoted DIR N       the same without the IMA template
 *       digests (the hashing the quoted registers alone need)
 *   bench_evidence both DIR N               verify and floor alternately, N
 *       times each in one process; prints "<verify best> <verify median>
 *       <floor best> <floor median>" in microseconds (best-of-N is the
 *       figure least moved by other load on the machine)
 *
 * The floor: the quote's signature verified once (SHA-256 of TPMS_ATTEST,
 * one ECDSA/RSA verification, the AK built from its TPM2B_PUBLIC); the
 * firmware log's SHA-256 digests extended (they are not hashes of the
 * event data); each IMA event's template data hashed with SHA-256 and
 * extended (PCR 10 of the quoted bank) and with SHA-1 (its template
 * digest, which the verification checks: see Documentation/benchmarks.md);
 * each cima event's text hashed and extended in both snapshot banks
 * (SHA-256, SHA-384).  Hashes use one EVP_MD_CTX per algorithm, reset
 * without a new fetch: the cheapest way through OpenSSL's EVP layer.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

#include <cima/cima.h>

#define N_IMA	2000
#define N_CIMA	1000

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_evidence: %s: %s\n", what, cima_strerror_last());
	exit(1);
}

static void put32(uint8_t **p, uint32_t v)
{
	memcpy(*p, &v, 4);	/* little-endian host */
	*p += 4;
}

/* Digests fetched once (OpenSSL 3 fetches implicitly on every call of
 * EVP_sha256() otherwise, which would inflate the floor). */
static const EVP_MD *fetched(const EVP_MD *m)
{
	static EVP_MD *cache[3];
	static const EVP_MD *keys[3];

	for (int i = 0; i < 3; i++) {
		if (keys[i] == m)
			return cache[i];
		if (!keys[i]) {
			keys[i] = m;
			cache[i] = EVP_MD_fetch(NULL, EVP_MD_get0_name(m), NULL);
			return cache[i];
		}
	}
	return m;
}

static void md(const EVP_MD *m, const void *d, size_t n, uint8_t *out)
{
	EVP_Digest(d, n, out, NULL, fetched(m), NULL);
}

static ESYS_CONTEXT *esys;

static void extend(uint32_t pcr, const uint8_t *s256, const uint8_t *s384)
{
	TPML_DIGEST_VALUES v = { .count = 2 };

	v.digests[0].hashAlg = TPM2_ALG_SHA256;
	memcpy(v.digests[0].digest.sha256, s256, 32);
	v.digests[1].hashAlg = TPM2_ALG_SHA384;
	memcpy(v.digests[1].digest.sha384, s384, 48);
	if (Esys_PCR_Extend(esys, ESYS_TR_PCR0 + pcr, ESYS_TR_PASSWORD, ESYS_TR_NONE,
			    ESYS_TR_NONE, &v) != TSS2_RC_SUCCESS) {
		fprintf(stderr, "bench_evidence: PCR_Extend %u failed\n", pcr);
		exit(1);
	}
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n + 1);
	if (fread(b, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void spit(const char *dir, const char *name, const void *b, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static char *b64(const uint8_t *p, size_t n)
{
	char *s = malloc(4 * (n / 3 + 1) + 1);

	EVP_EncodeBlock((unsigned char *)s, p, (int)n);
	return s;
}

static void make(const char *dir, const char *fwpath)
{
	static uint8_t ima[N_IMA * 160], cl[N_CIMA * 300 + 100];
	uint8_t *p, r256[32] = { 0 }, r384[48] = { 0 }, *fw;
	char sfs[4096], text[1024];
	size_t fwlen, off;
	TSS2_TCTI_CONTEXT *tcti;
	json_object *j, *logs, *o;
	FILE *f;
	char *json = NULL;
	size_t jlen = 0;
	uint8_t nonce[32];

	if (Tss2_TctiLdr_Initialize(getenv("CIMA_TPM_TCTI"), &tcti) ||
	    Esys_Initialize(&esys, tcti, NULL)) {
		fprintf(stderr, "bench_evidence: cannot open the TPM\n");
		exit(1);
	}
	/* Firmware log: extend its measured events (crypto-agile, sha256 +
	 * sha384) into PCR 0-7. */
	fw = slurp(fwpath, &fwlen);
	if (!fw)
		die(fwpath);
	{
		uint32_t hsize;

		memcpy(&hsize, fw + 28, 4);
		off = 32 + hsize;
		while (off + 12 <= fwlen) {
			uint32_t pcr, type, cnt, esz;
			const uint8_t *d256 = NULL, *d384 = NULL;

			memcpy(&pcr, fw + off, 4);
			memcpy(&type, fw + off + 4, 4);
			memcpy(&cnt, fw + off + 8, 4);
			off += 12;
			for (uint32_t i = 0; i < cnt; i++) {
				uint16_t a;

				memcpy(&a, fw + off, 2);
				if (a == TPM2_ALG_SHA256)
					d256 = fw + off + 2;
				else if (a == TPM2_ALG_SHA384)
					d384 = fw + off + 2;
				off += 2 + (a == TPM2_ALG_SHA256 ? 32 : a == TPM2_ALG_SHA384 ? 48 :
					    a == TPM2_ALG_SHA1 ? 20 : 64);
			}
			memcpy(&esz, fw + off, 4);
			off += 4 + esz;
			if (type != 3 && d256 && d384 && pcr < 8)
				extend(pcr, d256, d384);
		}
	}
	/* IMA: ima-ng records, template digest SHA-1; banks get H_bank(data). */
	p = ima;
	for (int i = 0; i < N_IMA; i++) {
		uint8_t data[128], *q = data, h[32], s1[20], s256[32], s384[48];
		char path[64];
		int pl = snprintf(path, sizeof(path), "/usr/lib/bench/file%05d.so", i) + 1;

		RAND_bytes(h, sizeof(h));
		put32(&q, 8 + 32);
		memcpy(q, "sha256:", 8);
		memcpy(q + 8, h, 32);
		q += 40;
		put32(&q, (uint32_t)pl);
		memcpy(q, path, (size_t)pl);
		q += pl;
		md(EVP_sha1(), data, (size_t)(q - data), s1);
		md(EVP_sha256(), data, (size_t)(q - data), s256);
		md(EVP_sha384(), data, (size_t)(q - data), s384);
		put32(&p, 10);
		memcpy(p, s1, 20);
		p += 20;
		put32(&p, 6);
		memcpy(p, "ima-ng", 6);
		p += 6;
		put32(&p, (uint32_t)(q - data));
		memcpy(p, data, (size_t)(q - data));
		p += q - data;
		extend(10, s256, s384);
	}
	spit(dir, "ima.bin", ima, (size_t)(p - ima));
	/* cima log (sim backend, register 15): header, then N_CIMA events. */
	p = cl;
	{
		static const uint8_t spec[] = "Spec ID Event03";
		uint8_t hdr[16 + 4 + 4 + 4 + 8 + 1] = { 0 }, *h = hdr;

		put32(&p, 0);
		put32(&p, 3);
		memset(p, 0, 20);
		p += 20;
		memcpy(h, spec, 16);
		h += 16;
		put32(&h, 0);
		*h++ = 0; *h++ = 2; *h++ = 0; *h++ = 2;
		put32(&h, 2);
		*h++ = 0x0b; *h++ = 0; *h++ = 32; *h++ = 0;
		*h++ = 0x0c; *h++ = 0; *h++ = 48; *h++ = 0;
		*h++ = 0;
		put32(&p, (uint32_t)(h - hdr));
		memcpy(p, hdr, (size_t)(h - hdr));
		p += h - hdr;
	}
	for (int i = 0; i < N_CIMA; i++) {
		uint8_t h[48], s256[32], s384[48], buf[96];
		char hex[97];
		int n;

		RAND_bytes(h, sizeof(h));
		for (int k = 0; k < 48; k++)
			sprintf(hex + 2 * k, "%02x", h[k]);
		n = snprintf(text, sizeof(text),
			     "cima/1 exec id=bench cg=42 file=sha384:%s path=/usr/bin/tool%04d", hex, i);
		md(EVP_sha256(), text, (size_t)n, s256);
		md(EVP_sha384(), text, (size_t)n, s384);
		put32(&p, 15);
		put32(&p, 5);
		put32(&p, 2);
		*p++ = 0x0b; *p++ = 0;
		memcpy(p, s256, 32);
		p += 32;
		*p++ = 0x0c; *p++ = 0;
		memcpy(p, s384, 48);
		p += 48;
		put32(&p, (uint32_t)n);
		memcpy(p, text, (size_t)n);
		p += n;
		memcpy(buf, r256, 32);
		memcpy(buf + 32, s256, 32);
		md(EVP_sha256(), buf, 64, r256);
		memcpy(buf, r384, 48);
		memcpy(buf + 48, s384, 48);
		md(EVP_sha384(), buf, 96, r384);
	}
	snprintf(sfs, sizeof(sfs), "%s/sfs", dir);
	mkdir(sfs, 0755);
	spit(sfs, "binary_runtime_measurements", cl, (size_t)(p - cl));
	{
		char h256[65], h384[97];
		int n;

		for (int k = 0; k < 32; k++)
			sprintf(h256 + 2 * k, "%02x", r256[k]);
		for (int k = 0; k < 48; k++)
			sprintf(h384 + 2 * k, "%02x", r384[k]);
		n = snprintf(text, sizeof(text), "version 1\ncount %d\nsha256 %s\nsha384 %s\n",
			     N_CIMA, h256, h384);
		spit(sfs, "snapshot", text, (size_t)n);
		n = snprintf(text, sizeof(text), "backend sim\nindex 15\nsha256 %s\nsha384 %s\n",
			     h256, h384);
		spit(sfs, "register", text, (size_t)n);
	}
	Esys_Finalize(&esys);
	Tss2_TctiLdr_Finalize(&tcti);

	RAND_bytes(nonce, sizeof(nonce));
	{
		CIMA_OPTS(cima_platform_opts, po, .platform = CIMA_PLATFORM_TPM);
		CIMA_OPTS(cima_report_opts, ro, .platform = &po, .pcr_alg = CIMA_ALG_SHA256,
			  .pcr_mask = 0x4ff, .transient_ak = true);
		CIMA_OPTS(cima_evidence_opts, eo, .report = &ro, .cima_root = sfs,
			  .no_firmware_log = true, .no_ima_log = true);
		struct cima_evidence *ev = cima_evidence_build(nonce, sizeof(nonce), NULL, 0, &eo);

		if (!ev)
			die("cima_evidence_build");
		f = open_memstream(&json, &jlen);
		if (cima_evidence_save(ev, f))
			die("save");
		fclose(f);
		cima_evidence_free(ev);
	}
	/* The logs the library did not read itself go in, in boot order. */
	j = json_tokener_parse(json);
	json_object_object_get_ex(j, "logs", &logs);
	o = json_object_new_object();
	json_object_object_add(o, "source", json_object_new_string("firmware"));
	json_object_object_add(o, "content", json_object_new_string(b64(fw, fwlen)));
	json_object_array_put_idx(logs, 2, json_object_get(json_object_array_get_idx(logs, 0)));
	json_object_array_put_idx(logs, 0, o);
	{
		size_t ilen;
		uint8_t *ib;
		char path[4096];

		snprintf(path, sizeof(path), "%s/ima.bin", dir);
		ib = slurp(path, &ilen);
		o = json_object_new_object();
		json_object_object_add(o, "source", json_object_new_string("ima"));
		json_object_object_add(o, "template_alg", json_object_new_string("sha1"));
		json_object_object_add(o, "content", json_object_new_string(b64(ib, ilen)));
		json_object_array_put_idx(logs, 1, o);
	}
	{
		const char *s = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE);
		json_object *rep, *pem;

		spit(dir, "bundle.json", s, strlen(s));
		json_object_object_get_ex(j, "report", &rep);
		json_object_object_get_ex(rep, "ak_pem", &pem);
		spit(dir, "ak.pem", json_object_get_string(pem), strlen(json_object_get_string(pem)));
	}
	{
		char *n64 = b64(nonce, sizeof(nonce));

		spit(dir, "nonce", n64, strlen(n64));
	}
	spit(dir, "firmware.bin", fw, fwlen);
	spit(dir, "cima.bin", cl, (size_t)(p - cl));
}

static void load_dir(const char *dir, uint8_t **b, size_t *blen, uint8_t nonce[64],
		     size_t *nlen, char *akpath, size_t aksz)
{
	char path[4096];
	uint8_t *n64;
	size_t l;

	snprintf(path, sizeof(path), "%s/bundle.json", dir);
	*b = slurp(path, blen);
	snprintf(path, sizeof(path), "%s/nonce", dir);
	n64 = slurp(path, &l);
	if (!*b || !n64)
		die("bundle or nonce missing");
	*nlen = (size_t)EVP_DecodeBlock(nonce, n64, (int)l) - (l > 1 && n64[l - 1] == '=') -
		(l > 2 && n64[l - 2] == '=');
	snprintf(akpath, aksz, "%s/ak.pem", dir);
	free(n64);
}

static void verify_once(const uint8_t *b, size_t blen, const uint8_t *nonce, size_t nlen,
			const char *ak)
{
	CIMA_OPTS(cima_evidence_verify_opts, vo, .nonce = nonce, .nonce_len = nlen,
		  .ak_pem_path = ak);
	struct cima_evidence *ev = cima_evidence_load(b, blen);
	struct cima_evidence_result *res = NULL;

	if (!ev)
		die("load");
	if (cima_evidence_verify(ev, &vo, &res)) {
		if (res)
			cima_evidence_result_dump_json(res, stderr);
		die("verify");
	}
	cima_evidence_result_free(res);
	cima_evidence_free(ev);
}

/* The floor's input, prepared outside the timing. */
struct floor_in {
	struct cima_evidence *ev;
	struct cima_eventlog *fw, *ima, *cl;
	uint8_t *attest, *sig, *akpub;
	size_t attest_len, sig_len, akpub_len;
};

static uint8_t *unb64(json_object *o, const char *key, size_t *len)
{
	json_object *v;
	const char *s;
	uint8_t *out;
	size_t l;
	int n;

	if (!json_object_object_get_ex(o, key, &v))
		die(key);
	s = json_object_get_string(v);
	l = strlen(s);
	out = malloc(l / 4 * 3 + 3);
	n = EVP_DecodeBlock(out, (const unsigned char *)s, (int)l);
	if (n < 0)
		die(key);
	*len = (size_t)n - (l > 1 && s[l - 1] == '=') - (l > 2 && s[l - 2] == '=');
	return out;
}

static void floor_setup(struct floor_in *in, const uint8_t *b, size_t blen)
{
	json_object *j = json_tokener_parse((const char *)b), *rep;

	if (!j || !json_object_object_get_ex(j, "report", &rep))
		die("bundle JSON");
	in->attest = unb64(rep, "evidence", &in->attest_len);
	in->sig = unb64(rep, "signature", &in->sig_len);
	in->akpub = unb64(rep, "ak_public", &in->akpub_len);
	json_object_put(j);
	in->ev = cima_evidence_load(b, blen);
	if (!in->ev)
		die("load");
	in->fw = cima_evidence_log(in->ev, CIMA_SOURCE_FIRMWARE);
	in->ima = cima_evidence_log(in->ev, CIMA_SOURCE_IMA);
	in->cl = cima_evidence_log(in->ev, CIMA_SOURCE_CIMA);
	if (!in->fw || !in->ima || !in->cl)
		die("logs");
}

static EVP_MD_CTX *ctx1, *ctx256, *ctx384;
/* false: the floor of the quoted registers alone ("floor-quoted"). */
static bool floor_sha1 = true;

/* @d (@n bytes) hashed with the context's digest, reset without a fetch. */
static void floor_hash(EVP_MD_CTX **ctx, const EVP_MD *m, const void *d, size_t n, uint8_t *out)
{
	if (!*ctx) {
		*ctx = EVP_MD_CTX_new();
		EVP_DigestInit_ex(*ctx, fetched(m), NULL);
	} else {
		EVP_DigestInit_ex(*ctx, NULL, NULL);
	}
	EVP_DigestUpdate(*ctx, d, n);
	EVP_DigestFinal_ex(*ctx, out, NULL);
}

static void floor_extend(EVP_MD_CTX **ctx, const EVP_MD *m, uint8_t *reg, const uint8_t *d, size_t ds)
{
	uint8_t buf[128];

	memcpy(buf, reg, ds);
	memcpy(buf + ds, d, ds);
	floor_hash(ctx, m, buf, 2 * ds, reg);
}

static void floor_once(const struct floor_in *in)
{
	CIMA_OPTS(cima_tpm_quote_check, qc, .attest = in->attest, .attest_len = in->attest_len,
		  .signature = in->sig, .signature_len = in->sig_len,
		  .ak_public = in->akpub, .ak_public_len = in->akpub_len,
		  .no_qualifying_data = true);
	uint8_t r256[32] = { 0 }, r384[48] = { 0 }, out[64];
	size_t l;

	if (cima_tpm_quote_verify(&qc))
		die("floor: quote signature");
	for (size_t i = 0; i < cima_eventlog_count(in->fw); i++) {
		const uint8_t *d = cima_event_digest_by_alg(cima_eventlog_event(in->fw, i),
							    CIMA_ALG_SHA256, &l);
		if (d)
			floor_extend(&ctx256, EVP_sha256(), r256, d, 32);
	}
	for (size_t i = 0; i < cima_eventlog_count(in->ima); i++) {
		const struct cima_event *e = cima_eventlog_event(in->ima, i);
		const uint8_t *d = cima_event_data(e, &l);

		floor_hash(&ctx256, EVP_sha256(), d, l, out);
		floor_extend(&ctx256, EVP_sha256(), r256, out, 32);
		if (!floor_sha1)
			continue;
		floor_hash(&ctx1, EVP_sha1(), d, l, out);
		if (memcmp(out, cima_event_digest(e, 0, NULL, &l), 20))
			die("floor: IMA template digest");
	}
	for (size_t i = 1; i < cima_eventlog_count(in->cl); i++) {
		const uint8_t *d = cima_event_data(cima_eventlog_event(in->cl, i), &l);

		floor_hash(&ctx256, EVP_sha256(), d, l, out);
		floor_extend(&ctx256, EVP_sha256(), r256, out, 32);
		floor_hash(&ctx384, EVP_sha384(), d, l, out);
		floor_extend(&ctx384, EVP_sha384(), r384, out, 48);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	uint8_t *b, nonce[64];
	size_t blen, nlen;
	char ak[4096];
	int n;

	if (argc == 4 && !strcmp(argv[1], "make")) {
		make(argv[2], argv[3]);
		return 0;
	}
	if (argc != 4)
		return 2;
	n = atoi(argv[3]);
	load_dir(argv[2], &b, &blen, nonce, &nlen, ak, sizeof(ak));
	if (!strcmp(argv[1], "verify")) {
		double t0 = now_us(), dt;

		for (int i = 0; i < n; i++)
			verify_once(b, blen, nonce, nlen, ak);
		dt = (now_us() - t0) / n;
		printf("%.1f %.0f\n", 1e6 / dt, dt);
		return 0;
	}
	if (!strcmp(argv[1], "floor-quoted")) {
		floor_sha1 = false;
		argv[1] = "floor";
	}
	if (!strcmp(argv[1], "floor")) {
		struct floor_in in;
		double t0, dt;

		floor_setup(&in, b, blen);
		t0 = now_us();
		for (int it = 0; it < n; it++)
			floor_once(&in);
		dt = (now_us() - t0) / n;
		printf("%.0f\n", dt);
		return 0;
	}
	if (!strcmp(argv[1], "both")) {
		double *tv = calloc((size_t)n, sizeof(*tv)), *tf = calloc((size_t)n, sizeof(*tf));
		struct floor_in in;

		floor_setup(&in, b, blen);
		for (int it = 0; it < n; it++) {
			double t0 = now_us();

			verify_once(b, blen, nonce, nlen, ak);
			tv[it] = now_us() - t0;
			t0 = now_us();
			floor_once(&in);
			tf[it] = now_us() - t0;
		}
		qsort(tv, (size_t)n, sizeof(*tv), cmp_double);
		qsort(tf, (size_t)n, sizeof(*tf), cmp_double);
		printf("%.0f %.0f %.0f %.0f\n", tv[0], tv[n / 2], tf[0], tf[n / 2]);
		return 0;
	}
	return 2;
}
