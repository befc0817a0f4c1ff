// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The evidence bundle: build it on the attested machine (report with the
 * cima snapshot, then the logs), write it as JSON, load it strictly.
 * The format is Documentation/ABI/evidence-v1.md; verification is
 * lib/evidence_verify.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <json-c/json.h>
#include <openssl/evp.h>

#include <uapi/cima.h>
#include <cima/evidence.h>

#include "eventlog_internal.h"
#include "evidence_internal.h"
#include "securityfs.h"

/* A bundle larger than this is refused before parsing. */
#define EVIDENCE_FILE_MAX	((size_t)1 << 30)

static void put_le(EVP_MD_CTX *c, uint64_t v, int n)
{
	uint8_t b[8];

	for (int i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	EVP_DigestUpdate(c, b, (size_t)n);
}

int cima_evidence_report_data(const void *nonce, size_t nonce_len,
			      const void *data, size_t data_len, uint64_t count,
			      const uint16_t *algs, const uint8_t *const *values,
			      size_t nbanks, uint8_t out[CIMA_REPORT_DATA_SIZE])
{
	EVP_MD_CTX *m;
	int ok;

	if ((!nonce && nonce_len) || (!data && data_len) || !out ||
	    (nbanks && (!algs || !values)))
		return cima__err(-EINVAL, "report data: NULL argument");
	if (nonce_len > CIMA_REPORT_INPUT_MAX || data_len > CIMA_REPORT_INPUT_MAX)
		return cima__err(-EINVAL, "report data: nonce or data longer than %d bytes",
				 CIMA_REPORT_INPUT_MAX);
	if (nbanks > CIMA_MAX_BANKS)
		return cima__err(-EINVAL, "report data: %zu banks, at most %d", nbanks,
				 CIMA_MAX_BANKS);
	for (size_t i = 0; i < nbanks; i++)
		if (!cima_alg_digest_size(algs[i]) || !values[i])
			return cima__err(-EINVAL, "report data: bank 0x%04x unknown or without a value",
					 algs[i]);
	m = EVP_MD_CTX_new();
	if (!m || !EVP_DigestInit_ex(m, EVP_sha512(), NULL)) {
		EVP_MD_CTX_free(m);
		return cima__err(-ENOMEM, "report data: SHA-512 failed");
	}
	EVP_DigestUpdate(m, CIMA_SNAPSHOT_DOMAIN, sizeof(CIMA_SNAPSHOT_DOMAIN));
	put_le(m, nonce_len, 8);
	if (nonce_len)
		EVP_DigestUpdate(m, nonce, nonce_len);
	put_le(m, data_len, 8);
	if (data_len)
		EVP_DigestUpdate(m, data, data_len);
	put_le(m, count, 8);
	put_le(m, nbanks, 4);
	for (size_t i = 0; i < nbanks; i++) {
		size_t ds = cima_alg_digest_size(algs[i]);

		put_le(m, algs[i], 2);
		put_le(m, ds, 2);
		EVP_DigestUpdate(m, values[i], ds);
	}
	ok = EVP_DigestFinal_ex(m, out, NULL);
	EVP_MD_CTX_free(m);
	return ok ? 0 : cima__err(-EIO, "report data: SHA-512 failed");
}

void cima_evidence_free(struct cima_evidence *ev)
{
	if (!ev)
		return;
	free(ev->blob);
	free(ev->sig);
	free(ev->akpub);
	free(ev->pcrs);
	free(ev->aux);
	free(ev->ak_pem);
	free(ev->ak_chain);
	free(ev->nonce);
	free(ev->data);
	for (size_t i = 0; i < ev->nlogs; i++)
		free(ev->logs[i].buf);
	free(ev->container);
	free(ev->view);
	free(ev->kernel);
	free(ev->module_version);
	free(ev->library_version);
	free(ev->module_backend);
	free(ev);
}

int cima_evidence_platform(const struct cima_evidence *ev)
{
	return ev ? ev->platform : -EINVAL;
}

const char *cima_evidence_container(const struct cima_evidence *ev)
{
	return ev ? ev->container : NULL;
}

int cima_evidence_snapshot_count(const struct cima_evidence *ev, uint64_t *count)
{
	if (!ev)
		return -EINVAL;
	if (!ev->has_snapshot)
		return -ENODATA;
	if (count)
		*count = ev->count;
	return 0;
}

struct cima_eventlog *cima__evidence_parse_ima(const uint8_t *buf, size_t len,
					       uint16_t alg)
{
	struct cima_eventlog *log = cima__eventlog_new();
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	if (!log || !copy) {
		free(copy);
		cima_eventlog_free(log);
		return cima__err_ptr(-ENOMEM, "out of memory");
	}
	if (len)
		memcpy(copy, buf, len);
	ret = cima__eventlog_take_buffer(log, copy);
	if (ret) {
		free(copy);
		cima_eventlog_free(log);
		errno = -ret;
		return NULL;
	}
	ret = cima__ima_parse(log, copy, len, alg);
	if (ret) {
		cima_eventlog_free(log);
		errno = -ret;
		return NULL;
	}
	log->sources = 1u << CIMA_SOURCE_IMA;
	return log;
}

struct cima_eventlog *cima_evidence_log(const struct cima_evidence *ev, int source)
{
	if (!ev)
		return cima__err_ptr(-EINVAL, "evidence: NULL bundle");
	for (size_t i = 0; i < ev->nlogs; i++) {
		const struct cima__evidence_log *l = &ev->logs[i];

		if (l->source != source)
			continue;
		if (source == CIMA_SOURCE_IMA)
			return cima__evidence_parse_ima(l->buf, l->len, l->tmpl_alg);
		return cima_eventlog_parse(l->buf, l->len, source);
	}
	return cima__err_ptr(-ENOENT, "evidence: no %s log in the bundle",
			     cima_source_name(source) ? cima_source_name(source) : "such");
}

static uint8_t *dup_bytes(const uint8_t *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (d && len)
		memcpy(d, p, len);
	return d;
}

static char *read_text(const char *path)
{
	uint8_t *buf;
	size_t len;

	if (cima__read_file_max(path, &buf, &len, CIMA__TEXT_FILE_MAX))
		return NULL;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	return (char *)buf;
}

static int add_log(struct cima_evidence *ev, int source, uint16_t tmpl_alg,
		   const char *path, bool required)
{
	struct cima__evidence_log *l;
	int ret;

	if (ev->nlogs == ARRAY_SIZE(ev->logs))
		return cima__err(-E2BIG, "evidence: too many logs");
	l = &ev->logs[ev->nlogs];
	if (!required && access(path, F_OK))
		return 0;
	ret = cima__read_file(path, &l->buf, &l->len);
	if (ret)
		return ret;
	l->source = source;
	l->tmpl_alg = tmpl_alg;
	ev->nlogs++;
	return 0;
}

struct cima_evidence *cima_evidence_build(const void *nonce, size_t nonce_len,
					  const void *data, size_t data_len,
					  const struct cima_evidence_opts *uopts)
{
	CIMA_OPTS(cima_report_opts, ro);
	struct cima_evidence_opts o;
	struct cima_evidence *ev;
	struct cima_report *r = NULL;
	struct cima__sfs_register reg;
	char path[4096];
	const char *root;
	struct utsname u;
	int ret, n;

	ret = CIMA_OPTS_LOAD(cima_evidence_opts, uopts, &o);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	if (o.report) {
		ret = CIMA_OPTS_LOAD(cima_report_opts, o.report, &ro);
		if (ret) {
			errno = -ret;
			return NULL;
		}
		ro.sz = sizeof(ro);
	}
	root = o.cima_root ? o.cima_root : CIMA_FS_ROOT;
	if (o.container) {
		ret = cima__check_container_id(o.container);
		if (ret) {
			errno = -ret;
			return NULL;
		}
	}
	snprintf(path, sizeof(path), "%s/%s", root, CIMA_FILE_SNAPSHOT);
	if (!access(path, F_OK)) {
		ro.evidence_snapshot = true;
		ro.snapshot_path = path;
	} else if (o.container) {
		return cima__err_ptr(-ENOENT, "evidence: %s: the cima module is not loaded, no container view",
				     path);
	}
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return cima__err_ptr(-ENOMEM, "evidence: out of memory");
	r = cima_get_cc_report(nonce, nonce_len, data, data_len, &ro);
	if (!r) {
		ret = -errno;
		goto fail;
	}
	/* Everything below is read after the report: the logs hold at least
	 * what it covers (the verifier finds the quoted IMA prefix, and keeps
	 * the snapshot's count of cima events). */
	ev->version = CIMA_EVIDENCE_VERSION;
	ev->kind = r->kind;
	ev->platform = r->kind == CIMA_REPORT_TPM_QUOTE ? CIMA_PLATFORM_TPM :
		       r->kind == CIMA_REPORT_SNP ? CIMA_PLATFORM_SNP : CIMA_PLATFORM_TDX;
	snprintf(ev->source, sizeof(ev->source), "%s", r->source);
	memcpy(ev->report_data, r->report_data, sizeof(ev->report_data));
	ev->blob = dup_bytes(r->blob, r->blob_len);
	ev->blob_len = r->blob_len;
	if (r->aux) {
		ev->aux = dup_bytes(r->aux, r->aux_len);
		ev->aux_len = r->aux_len;
	}
	if (r->kind == CIMA_REPORT_TPM_QUOTE) {
		ev->sig = dup_bytes(r->sig, r->sig_len);
		ev->sig_len = r->sig_len;
		ev->akpub = dup_bytes(r->akpub, r->akpub_len);
		ev->akpub_len = r->akpub_len;
		ev->pcrs = dup_bytes(r->pcrs, r->pcrs_len);
		ev->pcrs_len = r->pcrs_len;
		ev->pcr_alg = r->pcr_alg;
		ev->pcr_mask = r->pcr_mask;
		ev->ak_pem = cima_report_tpm_ak_pem(r);
		if (!ev->sig || !ev->akpub || !ev->pcrs || !ev->ak_pem) {
			ret = cima__err(-ENOMEM, "evidence: out of memory");
			goto fail;
		}
		if (o.ak_cert_path) {
			uint8_t *buf;
			size_t len;

			ret = cima__read_file_max(o.ak_cert_path, &buf, &len, CIMA__TEXT_FILE_MAX);
			if (ret)
				goto fail;
			ev->ak_chain = (char *)buf;
		}
	}
	ev->nonce = dup_bytes(nonce, nonce_len);
	ev->nonce_len = nonce_len;
	ev->data = dup_bytes(data, data_len);
	ev->data_len = data_len;
	if (!ev->blob || !ev->nonce || !ev->data) {
		ret = cima__err(-ENOMEM, "evidence: out of memory");
		goto fail;
	}
	if (r->has_snapshot) {
		ev->has_snapshot = true;
		ev->count = r->snap.count;
		ev->nbanks = r->snap.v.nbanks;
		for (size_t i = 0; i < ev->nbanks; i++) {
			ev->algs[i] = r->snap.v.alg[i];
			memcpy(ev->vals[i], r->snap.v.val[i], cima_alg_digest_size(ev->algs[i]));
		}
	}
	if (!o.no_firmware_log) {
		if (ev->platform == CIMA_PLATFORM_TDX)
			ret = add_log(ev, CIMA_SOURCE_CCEL, 0, CIMA_PATH_CCEL_LOG, false);
		else
			ret = add_log(ev, CIMA_SOURCE_FIRMWARE, 0, CIMA_PATH_FIRMWARE_LOG, false);
		if (ret)
			goto fail;
	}
	if (!o.no_ima_log) {
		ret = add_log(ev, CIMA_SOURCE_IMA, CIMA_ALG_SHA1, CIMA_PATH_IMA_LOG, false);
		if (ret)
			goto fail;
	}
	if (ev->has_snapshot) {
		snprintf(path, sizeof(path), "%s/%s", root, CIMA_FILE_BINARY_LOG);
		ret = add_log(ev, CIMA_SOURCE_CIMA, 0, path, true);
		if (ret)
			goto fail;
		snprintf(path, sizeof(path), "%s/%s", root, CIMA_FILE_REGISTER);
		if (!cima__sfs_read_register(path, &reg)) {
			ev->module_backend = strdup(reg.backend);
			ev->module_index = reg.index;
			ev->has_module_register = true;
		}
	}
	if (o.container) {
		n = snprintf(path, sizeof(path), "%s/containers/%s/%s", root, o.container,
			     CIMA_FILE_BINARY_LOG);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			ret = cima__err(-ENAMETOOLONG, "evidence: path too long");
			goto fail;
		}
		ev->container = strdup(o.container);
		ret = ev->container ? cima__read_file(path, &ev->view, &ev->view_len) : -ENOMEM;
		if (ret)
			goto fail;
	}
	if (!uname(&u)) {
		char k[sizeof(u.release) + sizeof(u.version) + 2];

		snprintf(k, sizeof(k), "%s %s", u.release, u.version);
		ev->kernel = strdup(k);
	}
	ev->module_version = read_text("/sys/module/cima/version");
	if (!ev->module_version)
		ev->module_version = read_text("/sys/module/cima/srcversion");
	ev->library_version = strdup(cima_version());
	cima_report_free(r);
	return ev;
fail:
	cima_report_free(r);
	cima_evidence_free(ev);
	errno = -ret;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* JSON writer                                                         */

static int add_b64(json_object *o, const char *key, const uint8_t *p, size_t len)
{
	char *s = cima__b64_encode(p, len);

	if (!s)
		return -ENOMEM;
	json_object_object_add(o, key, json_object_new_string(s));
	free(s);
	return 0;
}

static void add_hex(json_object *o, const char *key, const uint8_t *p, size_t len)
{
	char hex[2 * 64 + 1];

	cima__hex(p, len, hex);
	json_object_object_add(o, key, json_object_new_string(hex));
}

static void add_str(json_object *o, const char *key, const char *s)
{
	if (s)
		json_object_object_add(o, key, json_object_new_string(s));
}

static json_object *to_json(const struct cima_evidence *ev)
{
	json_object *root = json_object_new_object(), *rep, *logs, *o;
	char num[32];
	int ret = 0;

	if (!root)
		return NULL;
	json_object_object_add(root, "cima_evidence", json_object_new_int(ev->version));
	add_str(root, "platform", cima_platform_name(ev->platform));
	rep = json_object_new_object();
	json_object_object_add(root, "report", rep);
	add_str(rep, "kind", cima__evidence_kind_key(ev->kind));
	add_str(rep, "source", ev->source);
	ret |= add_b64(rep, "evidence", ev->blob, ev->blob_len);
	if (ev->aux)
		ret |= add_b64(rep, "cert_table", ev->aux, ev->aux_len);
	if (ev->kind == CIMA_REPORT_TPM_QUOTE) {
		ret |= add_b64(rep, "signature", ev->sig, ev->sig_len);
		ret |= add_b64(rep, "ak_public", ev->akpub, ev->akpub_len);
		add_str(rep, "ak_pem", ev->ak_pem);
		add_str(rep, "ak_cert_chain", ev->ak_chain);
		add_str(rep, "pcr_alg", cima_alg_name(ev->pcr_alg));
		snprintf(num, sizeof(num), "0x%06x", ev->pcr_mask);
		add_str(rep, "pcr_mask", num);
		ret |= add_b64(rep, "pcr_values", ev->pcrs, ev->pcrs_len);
	}
	ret |= add_b64(root, "nonce", ev->nonce, ev->nonce_len);
	ret |= add_b64(root, "data", ev->data, ev->data_len);
	o = json_object_new_object();
	json_object_object_add(root, "report_data", o);
	add_str(o, "rule", ev->has_snapshot ? CIMA_EVIDENCE_RULE_SNAPSHOT : CIMA_EVIDENCE_RULE_PLAIN);
	json_object_object_add(o, "rule_version", json_object_new_int(1));
	add_hex(o, "value", ev->report_data, sizeof(ev->report_data));
	if (ev->has_snapshot) {
		json_object *banks = json_object_new_array();

		o = json_object_new_object();
		json_object_object_add(root, "snapshot", o);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)ev->count);
		add_str(o, "count", num);
		json_object_object_add(o, "banks", banks);
		for (size_t i = 0; i < ev->nbanks; i++) {
			json_object *b = json_object_new_object();

			add_str(b, "alg", cima_alg_name(ev->algs[i]));
			add_hex(b, "value", ev->vals[i], cima_alg_digest_size(ev->algs[i]));
			json_object_array_add(banks, b);
		}
	}
	if (ev->has_module_register) {
		o = json_object_new_object();
		json_object_object_add(root, "module_register", o);
		add_str(o, "backend", ev->module_backend);
		json_object_object_add(o, "index", json_object_new_int((int)ev->module_index));
	}
	logs = json_object_new_array();
	json_object_object_add(root, "logs", logs);
	for (size_t i = 0; i < ev->nlogs; i++) {
		const struct cima__evidence_log *l = &ev->logs[i];

		o = json_object_new_object();
		add_str(o, "source", cima_source_name(l->source));
		if (l->source == CIMA_SOURCE_IMA)
			add_str(o, "template_alg", cima_alg_name(l->tmpl_alg));
		ret |= add_b64(o, "content", l->buf, l->len);
		json_object_array_add(logs, o);
	}
	if (ev->container) {
		o = json_object_new_object();
		json_object_object_add(root, "container", o);
		add_str(o, "id", ev->container);
		ret |= add_b64(o, "view", ev->view, ev->view_len);
	}
	o = json_object_new_object();
	json_object_object_add(root, "versions", o);
	add_str(o, "kernel", ev->kernel);
	add_str(o, "module", ev->module_version);
	add_str(o, "library", ev->library_version);
	if (ret) {
		json_object_put(root);
		return NULL;
	}
	return root;
}

int cima_evidence_save(const struct cima_evidence *ev, FILE *out)
{
	json_object *j;
	const char *s;
	int ret = 0;

	if (!ev || !out)
		return cima__err(-EINVAL, "evidence save: NULL argument");
	j = to_json(ev);
	if (!j)
		return cima__err(-ENOMEM, "evidence save: out of memory");
	s = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s || fputs(s, out) < 0 || fputc('\n', out) < 0 || fflush(out))
		ret = cima__err(-EIO, "evidence save: write failed");
	json_object_put(j);
	return ret;
}

int cima_evidence_save_file(const struct cima_evidence *ev, const char *path)
{
	char tmp[4096];
	FILE *f;
	int ret;

	if (!ev || !path)
		return cima__err(-EINVAL, "evidence save: NULL argument");
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return cima__err(-ENAMETOOLONG, "%s: path too long", path);
	f = fopen(tmp, "wxe");
	if (!f)
		return cima__err(-errno, "%s: %s", tmp, strerror(errno));
	ret = cima_evidence_save(ev, f);
	if (fclose(f) && !ret)
		ret = cima__err(-EIO, "%s: write failed", tmp);
	if (!ret && rename(tmp, path))
		ret = cima__err(-errno, "%s: %s", path, strerror(errno));
	if (ret)
		unlink(tmp);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Strict loader                                                       */

const char *cima__evidence_kind_key(int kind)
{
	switch (kind) {
	case CIMA_REPORT_TPM_QUOTE: return "tpm-quote";
	case CIMA_REPORT_TDX_QUOTE: return "tdx-quote";
	case CIMA_REPORT_TDX_TDREPORT: return "tdx-tdreport";
	case CIMA_REPORT_SNP: return "snp-report";
	}
	return NULL;
}

static int kind_from_key(const char *s)
{
	for (int k = 1; k <= 4; k++)
		if (!strcmp(s, cima__evidence_kind_key(k)))
			return k;
	return -1;
}

/* Every key of @o must be in @allowed (NULL-terminated). */
static int only_keys(json_object *o, const char *what, const char *const *allowed)
{
	json_object_object_foreach(o, key, val) {
		bool ok = false;

		(void)val;
		for (size_t i = 0; allowed[i] && !ok; i++)
			ok = !strcmp(key, allowed[i]);
		if (!ok)
			return cima__err(-EBADMSG, "evidence: %s: unknown key \"%s\"", what, key);
	}
	return 0;
}

/*
 * Fast path for the bundle's long base64 values (the logs and the view are
 * nearly all of a bundle's bytes): cima_evidence_load() decodes each
 * string value of at least SPAN_MIN characters that is strict base64
 * straight from the document, and json-c parses a copy in which the value
 * is a stand-in: "\u0000" and the span's number.  json-c's tokeniser then
 * reads a few kilobytes instead of every byte of every log.  A document
 * that holds the text \u0000 anywhere is parsed whole (a stand-in could
 * not be told from its own strings), and so is one json-c refuses in its
 * reduced form (the error message gives the original's offset).  The spans
 * of the load under way are per thread.
 */
#define SPAN_MIN	512

struct span {
	const char *text;	/* the value in the document, unquoted */
	size_t len;
	uint8_t *bin;		/* decoded; NULL once taken */
	size_t bin_len;
	char *dup;		/* NUL-terminated copy, when asked as text */
};

struct spans {
	struct span *v;
	size_t n, cap;
};

static __thread struct spans *load_spans;

static void spans_free(struct spans *sp)
{
	for (size_t i = 0; i < sp->n; i++) {
		free(sp->v[i].bin);
		free(sp->v[i].dup);
	}
	free(sp->v);
	sp->v = NULL;
	sp->n = sp->cap = 0;
}

/* The span a stand-in string names, or NULL when @s is no stand-in. */
static struct span *stand_in(const char *s, size_t len)
{
	size_t i = 0;

	if (!load_spans || len < 2 || len > 12 || s[0])
		return NULL;
	for (size_t k = 1; k < len; k++) {
		if (s[k] < '0' || s[k] > '9')
			return NULL;
		i = i * 10 + (size_t)(s[k] - '0');
	}
	return i < load_spans->n ? &load_spans->v[i] : NULL;
}

/* End of the string whose text starts at @p (its closing quote), or NULL. */
static const char *string_end(const char *p, const char *end)
{
	for (;;) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		size_t bs = 0;

		if (!q)
			return NULL;
		while (q - bs > p && q[-1 - (ptrdiff_t)bs] == '\\')
			bs++;
		if (!(bs & 1))
			return q;
		p = q + 1;
	}
}

/*
 * @doc with its long base64 values replaced by stand-ins (malloc'd, its
 * length in *outlen), the decoded values in @sp; NULL when the fast path
 * does not apply or on ENOMEM (the caller parses @doc itself).
 */
static char *reduce(const char *doc, size_t len, struct spans *sp, size_t *outlen)
{
	const char *p = doc, *end = doc + len;
	char *out, *o;

	if (len < SPAN_MIN)
		return NULL;
	for (const char *b = doc; b < end && (b = memchr(b, '\\', (size_t)(end - b))); b += 2)
		if (end - b >= 6 && !memcmp(b, "\\u0000", 6))
			return NULL;
	out = o = malloc(len + 1);
	if (!out)
		return NULL;
	/* @p: the next byte to copy; @from: where the next string may start. */
	for (const char *from = doc;;) {
		const char *q = memchr(from, '"', (size_t)(end - from)), *e, *a;
		struct span *s;
		ssize_t n;

		if (!q)
			break;
		e = string_end(q + 1, end);
		if (!e)
			break;
		from = a = e + 1;
		while (a < end && (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r'))
			a++;
		/* Values only (a key is followed by ':'), long, no escapes. */
		if ((size_t)(e - q - 1) < SPAN_MIN || (a < end && *a == ':') ||
		    memchr(q + 1, '\\', (size_t)(e - q - 1)))
			continue;
		/* Copy up to the opening quote; the closing one goes with what follows. */
		memcpy(o, p, (size_t)(q + 1 - p));
		o += q + 1 - p;
		p = e;
		if (sp->n == sp->cap) {
			size_t cap = sp->cap ? 2 * sp->cap : 16;
			struct span *v = realloc(sp->v, cap * sizeof(*v));

			if (!v)
				goto fail;
			sp->v = v;
			sp->cap = cap;
		}
		s = &sp->v[sp->n];
		memset(s, 0, sizeof(*s));
		s->text = q + 1;
		s->len = (size_t)(e - q - 1);
		s->bin = malloc(s->len / 4 * 3 + 1);
		if (!s->bin)
			goto fail;
		n = cima__b64_decode(s->text, s->len, s->bin, s->len / 4 * 3 + 1, NULL, 0);
		if (n < 0) {
			free(s->bin);
			p = q + 1;	/* not base64: json-c reads it */
			continue;
		}
		s->bin_len = (size_t)n;
		o += sprintf(o, "\\u0000%zu", sp->n++);
	}
	memcpy(o, p, (size_t)(end - p));
	o += end - p;
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
fail:
	free(out);
	spans_free(sp);
	return NULL;
}

static int get(json_object *o, const char *what, const char *key, json_type type,
	       bool required, json_object **out)
{
	*out = NULL;
	if (!json_object_object_get_ex(o, key, out) || !*out) {
		*out = NULL;
		return required ? cima__err(-EBADMSG, "evidence: %s: \"%s\" missing", what, key) : 0;
	}
	if (!json_object_is_type(*out, type))
		return cima__err(-EBADMSG, "evidence: %s: \"%s\" has the wrong type", what, key);
	return 1;
}

static int get_str(json_object *o, const char *what, const char *key, bool required,
		   const char **s)
{
	json_object *v;
	int ret = get(o, what, key, json_type_string, required, &v);

	*s = NULL;
	if (ret > 0) {
		struct span *sp = stand_in(json_object_get_string(v),
					   (size_t)json_object_get_string_len(v));

		if (!sp) {
			*s = json_object_get_string(v);
		} else {
			if (!sp->dup)
				sp->dup = strndup(sp->text, sp->len);
			if (!sp->dup)
				return cima__err(-ENOMEM, "evidence: out of memory");
			*s = sp->dup;
		}
	}
	return ret;
}

static int get_b64(json_object *o, const char *what, const char *key, bool required,
		   uint8_t **buf, size_t *len)
{
	const char *s;
	char why[128];
	size_t n;
	ssize_t r;
	json_object *v;
	struct span *sp;
	int ret = get(o, what, key, json_type_string, required, &v);

	*buf = NULL;
	*len = 0;
	if (ret <= 0)
		return ret;
	s = json_object_get_string(v);
	sp = stand_in(s, (size_t)json_object_get_string_len(v));
	if (sp) {
		/* Decoded by reduce() already; taken once. */
		if (!sp->bin) {
			sp->bin = malloc(sp->bin_len + 1);
			if (!sp->bin)
				return cima__err(-ENOMEM, "evidence: out of memory");
			r = cima__b64_decode(sp->text, sp->len, sp->bin, sp->bin_len + 1, NULL, 0);
			if (r < 0)
				return cima__err(-EIO, "evidence: base64 span changed");
		}
		*buf = sp->bin;
		*len = sp->bin_len;
		sp->bin = NULL;
		return 1;
	}
	n = strlen(s);
	*buf = malloc(n / 4 * 3 + 1);
	if (!*buf)
		return cima__err(-ENOMEM, "evidence: out of memory");
	r = cima__b64_decode(s, n, *buf, n / 4 * 3 + 1, why, sizeof(why));
	if (r < 0) {
		free(*buf);
		*buf = NULL;
		return cima__err(-EBADMSG, "evidence: %s: \"%s\": %s", what, key, why);
	}
	*len = (size_t)r;
	return 1;
}

static int get_hex(json_object *o, const char *what, const char *key, uint8_t *out,
		   size_t len)
{
	const char *s;
	int ret = get_str(o, what, key, true, &s);

	if (ret < 0)
		return ret;
	if (strlen(s) != 2 * len || cima__unhex(s, 2 * len, out, len))
		return cima__err(-EBADMSG, "evidence: %s: \"%s\" is not %zu bytes of hex",
				 what, key, len);
	return 0;
}

static int get_dup(json_object *o, const char *what, const char *key, char **out)
{
	const char *s;
	int ret = get_str(o, what, key, false, &s);

	*out = NULL;
	if (ret <= 0)
		return ret;
	*out = strdup(s);
	return *out ? 0 : cima__err(-ENOMEM, "evidence: out of memory");
}

static int get_alg(json_object *o, const char *what, const char *key, uint16_t *alg)
{
	const char *s;
	int ret = get_str(o, what, key, true, &s), a;

	if (ret < 0)
		return ret;
	a = cima_alg_from_name(s);
	if (a <= 0 || strcmp(s, cima_alg_name((uint16_t)a)))
		return cima__err(-EBADMSG, "evidence: %s: \"%s\": unknown algorithm \"%s\"",
				 what, key, s);
	*alg = (uint16_t)a;
	return 0;
}

/* A decimal unsigned 64-bit number written as a string. */
static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

static int load_report(struct cima_evidence *ev, json_object *rep)
{
	static const char *const keys[] = { "kind", "source", "evidence", "cert_table",
		"signature", "ak_public", "ak_pem", "ak_cert_chain", "pcr_alg",
		"pcr_mask", "pcr_values", NULL };
	const char *s;
	uint64_t mask;
	int ret;

	ret = only_keys(rep, "report", keys);
	if (ret)
		return ret;
	ret = get_str(rep, "report", "kind", true, &s);
	if (ret < 0)
		return ret;
	ev->kind = kind_from_key(s);
	if (ev->kind < 0)
		return cima__err(-EBADMSG, "evidence: report: unknown kind \"%s\"", s);
	if ((ev->kind == CIMA_REPORT_TPM_QUOTE) != (ev->platform == CIMA_PLATFORM_TPM) ||
	    (ev->kind == CIMA_REPORT_SNP) != (ev->platform == CIMA_PLATFORM_SNP))
		return cima__err(-EBADMSG, "evidence: report kind \"%s\" on platform %s",
				 s, cima_platform_name(ev->platform));
	ret = get_str(rep, "report", "source", false, &s);
	if (ret < 0)
		return ret;
	snprintf(ev->source, sizeof(ev->source), "%s", s ? s : "");
	ret = get_b64(rep, "report", "evidence", true, &ev->blob, &ev->blob_len);
	if (ret < 0)
		return ret;
	ret = get_b64(rep, "report", "cert_table", false, &ev->aux, &ev->aux_len);
	if (ret < 0)
		return ret;
	if (ev->kind != CIMA_REPORT_TPM_QUOTE) {
		static const char *const tpm_only[] = { "signature", "ak_public", "ak_pem",
			"ak_cert_chain", "pcr_alg", "pcr_mask", "pcr_values", NULL };
		json_object *v;

		for (size_t i = 0; tpm_only[i]; i++)
			if (json_object_object_get_ex(rep, tpm_only[i], &v))
				return cima__err(-EBADMSG, "evidence: report: \"%s\" in a %s report",
						 tpm_only[i], cima__evidence_kind_key(ev->kind));
		return 0;
	}
	ret = get_b64(rep, "report", "signature", true, &ev->sig, &ev->sig_len);
	if (ret >= 0)
		ret = get_b64(rep, "report", "ak_public", true, &ev->akpub, &ev->akpub_len);
	if (ret >= 0)
		ret = get_b64(rep, "report", "pcr_values", true, &ev->pcrs, &ev->pcrs_len);
	if (ret >= 0)
		ret = get_dup(rep, "report", "ak_pem", &ev->ak_pem);
	if (ret >= 0)
		ret = get_dup(rep, "report", "ak_cert_chain", &ev->ak_chain);
	if (ret >= 0)
		ret = get_alg(rep, "report", "pcr_alg", &ev->pcr_alg);
	if (ret >= 0)
		ret = get_str(rep, "report", "pcr_mask", true, &s);
	if (ret < 0)
		return ret;
	if (strncmp(s, "0x", 2) || !s[2] || strspn(s + 2, "0123456789abcdef") != strlen(s + 2) ||
	    strlen(s + 2) > 6 || (mask = strtoull(s + 2, NULL, 16)) > 0xffffff)
		return cima__err(-EBADMSG, "evidence: report: pcr_mask \"%s\" is not 0x<hex> below 0x1000000", s);
	ev->pcr_mask = (uint32_t)mask;
	return 0;
}

static int load_snapshot(struct cima_evidence *ev, json_object *o)
{
	static const char *const keys[] = { "count", "banks", NULL };
	static const char *const bkeys[] = { "alg", "value", NULL };
	json_object *banks;
	const char *s;
	size_t n;
	int ret;

	ret = only_keys(o, "snapshot", keys);
	if (!ret)
		ret = get_str(o, "snapshot", "count", true, &s);
	if (ret < 0)
		return ret;
	if (parse_u64(s, &ev->count))
		return cima__err(-EBADMSG, "evidence: snapshot: count \"%s\" is not a decimal number", s);
	ret = get(o, "snapshot", "banks", json_type_array, true, &banks);
	if (ret < 0)
		return ret;
	n = json_object_array_length(banks);
	if (n == 0 || n > CIMA_MAX_BANKS)
		return cima__err(-EBADMSG, "evidence: snapshot: %zu banks (1..%d)", n, CIMA_MAX_BANKS);
	for (size_t i = 0; i < n; i++) {
		json_object *b = json_object_array_get_idx(banks, i);

		if (!json_object_is_type(b, json_type_object))
			return cima__err(-EBADMSG, "evidence: snapshot: bank %zu is not an object", i);
		ret = only_keys(b, "snapshot bank", bkeys);
		if (!ret)
			ret = get_alg(b, "snapshot bank", "alg", &ev->algs[i]);
		if (!ret)
			ret = get_hex(b, "snapshot bank", "value", ev->vals[i],
				      cima_alg_digest_size(ev->algs[i]));
		if (ret)
			return ret;
		for (size_t j = 0; j < i; j++)
			if (ev->algs[j] == ev->algs[i])
				return cima__err(-EBADMSG, "evidence: snapshot: bank %s twice",
						 cima_alg_name(ev->algs[i]));
	}
	ev->nbanks = n;
	ev->has_snapshot = true;
	return 0;
}

static int load_logs(struct cima_evidence *ev, json_object *logs)
{
	static const char *const keys[] = { "source", "template_alg", "content", NULL };
	size_t n = json_object_array_length(logs);
	unsigned int seen = 0;

	if (n > ARRAY_SIZE(ev->logs))
		return cima__err(-EBADMSG, "evidence: %zu logs, at most %zu", n, ARRAY_SIZE(ev->logs));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(logs, i);
		struct cima__evidence_log *l = &ev->logs[i];
		const char *s;
		int ret, src;

		if (!json_object_is_type(o, json_type_object))
			return cima__err(-EBADMSG, "evidence: log %zu is not an object", i);
		ret = only_keys(o, "log", keys);
		if (!ret)
			ret = get_str(o, "log", "source", true, &s);
		if (ret < 0)
			return ret;
		src = cima_source_from_name(s);
		if (src <= 0)
			return cima__err(-EBADMSG, "evidence: log %zu: unknown source \"%s\"", i, s);
		if (seen & (1u << src))
			return cima__err(-EBADMSG, "evidence: log %zu: a second %s log", i, s);
		if ((seen & (1u << CIMA_SOURCE_FIRMWARE) && src == CIMA_SOURCE_CCEL) ||
		    (seen & (1u << CIMA_SOURCE_CCEL) && src == CIMA_SOURCE_FIRMWARE))
			return cima__err(-EBADMSG, "evidence: both a firmware and a CCEL log");
		if (seen >> (src + 1))
			return cima__err(-EBADMSG, "evidence: log %zu (%s) out of boot order", i, s);
		seen |= 1u << src;
		l->source = src;
		if (src == CIMA_SOURCE_IMA) {
			ret = get_alg(o, "ima log", "template_alg", &l->tmpl_alg);
		} else if (json_object_object_get_ex(o, "template_alg", NULL)) {
			ret = cima__err(-EBADMSG, "evidence: log %zu: template_alg on a %s log", i, s);
		}
		if (ret < 0)
			return ret;
		ev->nlogs = i + 1;
		ret = get_b64(o, "log", "content", true, &l->buf, &l->len);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int load_json(struct cima_evidence *ev, json_object *root)
{
	static const char *const keys[] = { "cima_evidence", "platform", "report", "nonce",
		"data", "report_data", "snapshot", "module_register", "logs", "container",
		"versions", NULL };
	static const char *const rdkeys[] = { "rule", "rule_version", "value", NULL };
	static const char *const ckeys[] = { "id", "view", NULL };
	static const char *const vkeys[] = { "kernel", "module", "library", NULL };
	static const char *const mkeys[] = { "backend", "index", NULL };
	json_object *o;
	const char *s;
	int ret, p;

	if (!json_object_is_type(root, json_type_object))
		return cima__err(-EBADMSG, "evidence: not a JSON object");
	ret = only_keys(root, "bundle", keys);
	if (!ret)
		ret = get(root, "bundle", "cima_evidence", json_type_int, true, &o);
	if (ret < 0)
		return ret;
	if (json_object_get_int64(o) != CIMA_EVIDENCE_VERSION)
		return cima__err(-EBADMSG, "evidence: format version %lld, this library reads %d",
				 (long long)json_object_get_int64(o), CIMA_EVIDENCE_VERSION);
	ev->version = CIMA_EVIDENCE_VERSION;
	ret = get_str(root, "bundle", "platform", true, &s);
	if (ret < 0)
		return ret;
	p = cima_platform_from_name(s);
	if (p <= 0)
		return cima__err(-EBADMSG, "evidence: unknown platform \"%s\"", s);
	ev->platform = p;
	ret = get(root, "bundle", "report", json_type_object, true, &o);
	if (ret >= 0)
		ret = load_report(ev, o);
	if (ret >= 0)
		ret = get_b64(root, "bundle", "nonce", true, &ev->nonce, &ev->nonce_len);
	if (ret >= 0)
		ret = get_b64(root, "bundle", "data", true, &ev->data, &ev->data_len);
	if (ret < 0)
		return ret;
	if (ev->nonce_len > CIMA_REPORT_INPUT_MAX || ev->data_len > CIMA_REPORT_INPUT_MAX)
		return cima__err(-EBADMSG, "evidence: nonce or data longer than %d bytes",
				 CIMA_REPORT_INPUT_MAX);
	ret = get(root, "bundle", "report_data", json_type_object, true, &o);
	if (ret >= 0)
		ret = only_keys(o, "report_data", rdkeys);
	if (ret >= 0)
		ret = get_str(o, "report_data", "rule", true, &s);
	if (ret < 0)
		return ret;
	if (!strcmp(s, CIMA_EVIDENCE_RULE_SNAPSHOT))
		ev->rule_snapshot = true;
	else if (strcmp(s, CIMA_EVIDENCE_RULE_PLAIN))
		return cima__err(-EBADMSG, "evidence: unknown report-data rule \"%s\"", s);
	{
		json_object *v;

		ret = get(o, "report_data", "rule_version", json_type_int, true, &v);
		if (ret < 0)
			return ret;
		if (json_object_get_int64(v) != 1)
			return cima__err(-EBADMSG, "evidence: report-data rule version %lld unknown",
					 (long long)json_object_get_int64(v));
	}
	ret = get_hex(o, "report_data", "value", ev->report_data, sizeof(ev->report_data));
	if (ret)
		return ret;
	ret = get(root, "bundle", "snapshot", json_type_object, ev->rule_snapshot, &o);
	if (ret < 0)
		return ret;
	if (ret > 0 && !ev->rule_snapshot)
		return cima__err(-EBADMSG, "evidence: a snapshot with the plain report-data rule");
	if (ret > 0) {
		ret = load_snapshot(ev, o);
		if (ret)
			return ret;
	}
	ret = get(root, "bundle", "module_register", json_type_object, false, &o);
	if (ret > 0) {
		json_object *v;

		ret = only_keys(o, "module_register", mkeys);
		if (!ret)
			ret = get_dup(o, "module_register", "backend", &ev->module_backend);
		if (!ret && !ev->module_backend)
			ret = cima__err(-EBADMSG, "evidence: module_register: \"backend\" missing");
		if (!ret)
			ret = get(o, "module_register", "index", json_type_int, true, &v);
		if (ret < 0)
			return ret;
		if (json_object_get_int64(v) < 0 || json_object_get_int64(v) > 255)
			return cima__err(-EBADMSG, "evidence: module_register: index out of range");
		ev->module_index = (uint32_t)json_object_get_int64(v);
		ev->has_module_register = true;
	}
	if (ret < 0)
		return ret;
	ret = get(root, "bundle", "logs", json_type_array, true, &o);
	if (ret >= 0)
		ret = load_logs(ev, o);
	if (ret < 0)
		return ret;
	ret = get(root, "bundle", "container", json_type_object, false, &o);
	if (ret > 0) {
		ret = only_keys(o, "container", ckeys);
		if (!ret)
			ret = get_dup(o, "container", "id", &ev->container);
		if (!ret && (!ev->container || cima__check_container_id(ev->container)))
			ret = cima__err(-EBADMSG, "evidence: container: no valid \"id\"");
		if (!ret)
			ret = get_b64(o, "container", "view", true, &ev->view, &ev->view_len);
	}
	if (ret < 0)
		return ret;
	ret = get(root, "bundle", "versions", json_type_object, false, &o);
	if (ret > 0) {
		ret = only_keys(o, "versions", vkeys);
		if (!ret)
			ret = get_dup(o, "versions", "kernel", &ev->kernel);
		if (!ret)
			ret = get_dup(o, "versions", "module", &ev->module_version);
		if (!ret)
			ret = get_dup(o, "versions", "library", &ev->library_version);
	}
	return ret < 0 ? ret : 0;
}

struct cima_evidence *cima_evidence_load(const void *buf, size_t len)
{
	struct json_tokener *tok;
	struct cima_evidence *ev;
	struct spans sp = { 0 };
	json_object *root;
	char *reduced;
	size_t rlen = 0;
	int ret;

	if (!buf)
		return cima__err_ptr(-EINVAL, "evidence: NULL buffer");
	if (len > EVIDENCE_FILE_MAX || len > INT32_MAX)
		return cima__err_ptr(-EFBIG, "evidence: %zu bytes is too large", len);
	if (memchr(buf, '\0', len))
		return cima__err_ptr(-EBADMSG, "evidence: NUL byte in the document");
	reduced = reduce(buf, len, &sp, &rlen);
	tok = json_tokener_new_ex(32);
	if (!tok) {
		free(reduced);
		spans_free(&sp);
		return cima__err_ptr(-ENOMEM, "evidence: out of memory");
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	if (reduced) {
		size_t end;

		root = json_tokener_parse_ex(tok, reduced, (int)rlen);
		end = root ? (size_t)json_tokener_get_parse_end(tok) : 0;
		while (root && end < rlen && strchr(" \t\r\n", reduced[end]))
			end++;
		if (!root || json_tokener_get_error(tok) != json_tokener_success || end != rlen) {
			/* Refused or trailing data: the original says where. */
			json_object_put(root);
			root = NULL;
			json_tokener_reset(tok);
			free(reduced);
			reduced = NULL;
			spans_free(&sp);
		}
	}
	if (!reduced)
		root = json_tokener_parse_ex(tok, buf, (int)len);
	if (!reduced && (!root || json_tokener_get_error(tok) != json_tokener_success ||
			 (size_t)json_tokener_get_parse_end(tok) != len)) {
		size_t end = json_tokener_get_parse_end(tok);
		bool trailing = root && end < len;

		/* Only whitespace may follow the document. */
		while (trailing && end < len && strchr(" \t\r\n", ((const char *)buf)[end]))
			end++;
		if (!root || end != len) {
			ret = cima__err(-EBADMSG, "evidence: not one JSON document (%s at byte %zu)",
					root ? "trailing data" :
					json_tokener_error_desc(json_tokener_get_error(tok)),
					(size_t)json_tokener_get_parse_end(tok));
			json_object_put(root);
			json_tokener_free(tok);
			errno = -ret;
			return NULL;
		}
	}
	json_tokener_free(tok);
	free(reduced);
	ev = calloc(1, sizeof(*ev));
	if (!ev) {
		json_object_put(root);
		spans_free(&sp);
		return cima__err_ptr(-ENOMEM, "evidence: out of memory");
	}
	load_spans = &sp;
	ret = load_json(ev, root);
	load_spans = NULL;
	spans_free(&sp);
	json_object_put(root);
	if (ret) {
		cima_evidence_free(ev);
		errno = -ret;
		return NULL;
	}
	return ev;
}

struct cima_evidence *cima_evidence_load_file(const char *path)
{
	struct cima_evidence *ev;
	uint8_t *buf;
	size_t len;
	int ret;

	if (!path)
		return cima__err_ptr(-EINVAL, "evidence: NULL path");
	ret = cima__read_file_max(path, &buf, &len, EVIDENCE_FILE_MAX);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	ev = cima_evidence_load(buf, len);
	if (!ev) {
		char tmp[512];
		int err = errno;

		snprintf(tmp, sizeof(tmp), "%s", cima_strerror_last());
		cima__err(-err, "%s: %s", path, tmp);
		errno = err;
	}
	free(buf);
	return ev;
}
