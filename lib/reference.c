// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reference values for cima events (format: Documentation/ABI/evidence-v1.md,
 * "Reference values"): which file digests (exec, mmap), oci.config digests,
 * image annotations and other runtime events are allowed, per container id
 * or for every container.  Parsing, coverage, and making a reference file
 * from a trusted log.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog_internal.h"
#include "evidence_internal.h"
#include "securityfs.h"

#define CIMA_EVENT_PREFIX	"cima/1 "
#define IMAGE_PREFIX		"org.opencontainers.image."

enum ref_kind { REF_FILE, REF_CONFIG, REF_IMAGE, REF_RUNTIME };

struct ref_entry {
	char *section;		/* container id, or "*" */
	int kind;
	char *a, *b;		/* value (runtime: name, value) */
};

struct cima__reference {
	struct ref_entry *e;
	size_t n, cap;
};

void cima__reference_free(struct cima__reference *ref)
{
	if (!ref)
		return;
	for (size_t i = 0; i < ref->n; i++) {
		free(ref->e[i].section);
		free(ref->e[i].a);
		free(ref->e[i].b);
	}
	free(ref->e);
	free(ref);
}

static const char *const kind_names[] = { "file", "config", "image", "runtime" };

/* A value as it appears in event data: bytes 0x21..0x7e. */
static bool value_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < 0x21 || *s > 0x7e)
			return false;
	return true;
}

/* <alg>:<hex> with a known algorithm and the digest's length. */
static bool digest_ok(const char *s)
{
	const char *colon = strchr(s, ':');
	char alg[16];
	int a;

	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(alg))
		return false;
	memcpy(alg, s, (size_t)(colon - s));
	alg[colon - s] = '\0';
	a = cima_alg_from_name(alg);
	if (a <= 0 || strcmp(alg, cima_alg_name((uint16_t)a)))
		return false;
	return strlen(colon + 1) == 2 * cima_alg_digest_size((uint16_t)a) &&
	       strspn(colon + 1, "0123456789abcdef") == strlen(colon + 1);
}

int cima__reference_load(const char *path, struct cima__reference **out)
{
	struct cima__reference *ref;
	char *section = NULL;
	uint8_t *buf;
	size_t len;
	char *line, *save = NULL;
	unsigned int lineno = 0;
	bool header = false;
	int ret;

	*out = NULL;
	ret = cima__read_file_max(path, &buf, &len, (size_t)64 << 20);
	if (ret)
		return ret;
	if (memchr(buf, '\0', len)) {
		free(buf);
		return cima__err(-EBADMSG, "%s: NUL byte", path);
	}
	ref = calloc(1, sizeof(*ref));
	section = strdup("*");
	if (!ref || !section) {
		ret = cima__err(-ENOMEM, "out of memory");
		goto out;
	}
	/* strtok_r would merge empty lines: count them by hand. */
	for (line = (char *)buf; line; line = save) {
		char *nl = strchr(line, '\n'), *tok[4] = { NULL }, *p, *ts = NULL;
		int ntok = 0, kind = -1;

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		if (nl && nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		p = line + strspn(line, " \t");
		if (!*p || *p == '#') {
			if (!save)
				break;
			continue;
		}
		for (char *t = strtok_r(p, " \t", &ts); t; t = strtok_r(NULL, " \t", &ts)) {
			if (ntok == 4)
				break;
			tok[ntok++] = t;
		}
		if (!header) {
			if (ntok != 2 || strcmp(tok[0], "cima-reference") || strcmp(tok[1], "1")) {
				ret = cima__err(-EBADMSG, "%s:%u: expected \"cima-reference 1\" first",
						path, lineno);
				goto out;
			}
			header = true;
			continue;
		}
		if (!strcmp(tok[0], "container")) {
			if (ntok != 2 || (strcmp(tok[1], "*") && cima__check_container_id(tok[1]))) {
				ret = cima__err(-EBADMSG, "%s:%u: expected \"container <id>|*\"",
						path, lineno);
				goto out;
			}
			free(section);
			section = strdup(tok[1]);
			if (!section) {
				ret = cima__err(-ENOMEM, "out of memory");
				goto out;
			}
			continue;
		}
		for (int k = 0; k < (int)ARRAY_SIZE(kind_names); k++)
			if (!strcmp(tok[0], kind_names[k]))
				kind = k;
		/* file <digest> [path]: the path is a comment. */
		if (kind < 0 ||
		    (kind == REF_FILE && (ntok < 2 || ntok > 3 || !digest_ok(tok[1]))) ||
		    (kind == REF_CONFIG && (ntok != 2 || !digest_ok(tok[1]))) ||
		    (kind == REF_IMAGE && (ntok != 2 || !value_ok(tok[1]))) ||
		    (kind == REF_RUNTIME && (ntok != 3 || !value_ok(tok[1]) || !value_ok(tok[2])))) {
			ret = cima__err(-EBADMSG, "%s:%u: expected file <alg>:<hex> [path], config <alg>:<hex>, image <value>, runtime <name> <value> or container <id>|*",
					path, lineno);
			goto out;
		}
		if (ref->n == ref->cap) {
			size_t cap = ref->cap ? 2 * ref->cap : 64;
			struct ref_entry *tmp = realloc(ref->e, cap * sizeof(*tmp));

			if (!tmp) {
				ret = cima__err(-ENOMEM, "out of memory");
				goto out;
			}
			ref->e = tmp;
			ref->cap = cap;
		}
		ref->e[ref->n] = (struct ref_entry){
			.section = strdup(section), .kind = kind, .a = strdup(tok[1]),
			.b = kind == REF_RUNTIME ? strdup(tok[2]) : NULL,
		};
		ref->n++;
		if (!ref->e[ref->n - 1].section || !ref->e[ref->n - 1].a ||
		    (kind == REF_RUNTIME && !ref->e[ref->n - 1].b)) {
			ret = cima__err(-ENOMEM, "out of memory");
			goto out;
		}
		if (!save)
			break;
	}
	if (!header)
		ret = cima__err(-EBADMSG, "%s: empty (no \"cima-reference 1\" line)", path);
out:
	free(section);
	free(buf);
	if (ret)
		cima__reference_free(ref);
	else
		*out = ref;
	return ret;
}

const char *cima__cima_event_field(const struct cima_event *ev, const char *key,
				   size_t *len)
{
	const char *d = (const char *)ev->data, *end = d + ev->data_len;
	size_t kl = strlen(key);

	for (const char *p = d; p < end; p++) {
		if (*p != ' ' || (size_t)(end - p - 1) <= kl || memcmp(p + 1, key, kl) ||
		    p[1 + kl] != '=')
			continue;
		p += 2 + kl;
		*len = 0;
		while (p + *len < end && p[*len] != ' ')
			(*len)++;
		return p;
	}
	return NULL;
}

int cima__cima_event_owner(const struct cima_event *ev, const char **kind,
			   char *cid, size_t cid_size)
{
	const char *d = (const char *)ev->data, *k, *sp, *id;
	size_t len = ev->data_len, idl;

	if (ev->source != CIMA_SOURCE_CIMA || len < sizeof(CIMA_EVENT_PREFIX) ||
	    memcmp(d, CIMA_EVENT_PREFIX, sizeof(CIMA_EVENT_PREFIX) - 1))
		return -1;
	k = d + sizeof(CIMA_EVENT_PREFIX) - 1;
	sp = memchr(k, ' ', (size_t)(d + len - k));
	if (!sp || (size_t)(d + len - sp) < 5 || memcmp(sp, " id=", 4))
		return -1;
	id = sp + 4;
	idl = 0;
	while (id + idl < d + len && id[idl] != ' ')
		idl++;
	if (!idl || idl >= cid_size || (idl == 1 && id[0] == '-'))
		return -1;
	memcpy(cid, id, idl);
	cid[idl] = '\0';
	*kind = k;
	return (int)(sp - k);
}

static bool match(const struct cima__reference *ref, const char *cid, int kind,
		  const char *a, size_t alen, const char *b, size_t blen)
{
	for (size_t i = 0; i < ref->n; i++) {
		const struct ref_entry *e = &ref->e[i];

		if (e->kind != kind || (strcmp(e->section, "*") && (!cid || strcmp(e->section, cid))))
			continue;
		if (strlen(e->a) != alen || memcmp(e->a, a, alen))
			continue;
		if (kind == REF_RUNTIME && (strlen(e->b) != blen || memcmp(e->b, b, blen)))
			continue;
		return true;
	}
	return false;
}

static bool is_kind(const char *k, int kl, const char *name)
{
	return (size_t)kl == strlen(name) && !memcmp(k, name, (size_t)kl);
}

bool cima__reference_covers(const struct cima__reference *ref, const char *cid,
			    const struct cima_event *ev)
{
	char owner[128];
	const char *kind, *v, *name;
	size_t vl, nl;
	int kl = cima__cima_event_owner(ev, &kind, owner, sizeof(owner));

	if (kl < 0) {
		/* policy events belong to no container and carry no content. */
		return ev->data_len > sizeof(CIMA_EVENT_PREFIX "policy") &&
		       !memcmp(ev->data, CIMA_EVENT_PREFIX "policy ",
			       sizeof(CIMA_EVENT_PREFIX "policy ") - 1);
	}
	if (!cid)
		cid = owner;
	if (is_kind(kind, kl, "start") || is_kind(kind, kl, "stop"))
		return true;
	if (is_kind(kind, kl, "exec") || is_kind(kind, kl, "mmap")) {
		v = cima__cima_event_field(ev, "file", &vl);
		return v && match(ref, cid, REF_FILE, v, vl, NULL, 0);
	}
	if (is_kind(kind, kl, "runtime")) {
		name = cima__cima_event_field(ev, "name", &nl);
		v = cima__cima_event_field(ev, "value", &vl);
		if (!name || !v)
			return false;
		if (nl == strlen("oci.config") && !memcmp(name, "oci.config", nl))
			return match(ref, cid, REF_CONFIG, v, vl, NULL, 0);
		if (nl > strlen(IMAGE_PREFIX) && !memcmp(name, IMAGE_PREFIX, strlen(IMAGE_PREFIX)) &&
		    match(ref, cid, REF_IMAGE, v, vl, NULL, 0))
			return true;
		return match(ref, cid, REF_RUNTIME, name, nl, v, vl);
	}
	return false;	/* violations, unknown kinds */
}

/* ------------------------------------------------------------------ */

static void print_entry(FILE *out, const struct cima_event *ev, const char *kind, int kl)
{
	const char *v, *name, *path;
	size_t vl, nl, pl;

	if (is_kind(kind, kl, "exec") || is_kind(kind, kl, "mmap")) {
		v = cima__cima_event_field(ev, "file", &vl);
		path = cima__cima_event_field(ev, "path", &pl);
		if (v)
			fprintf(out, "file %.*s%s%.*s\n", (int)vl, v, path ? " " : "",
				path ? (int)pl : 0, path ? path : "");
	} else if (is_kind(kind, kl, "runtime")) {
		name = cima__cima_event_field(ev, "name", &nl);
		v = cima__cima_event_field(ev, "value", &vl);
		if (!name || !v)
			return;
		if (nl == strlen("oci.config") && !memcmp(name, "oci.config", nl))
			fprintf(out, "config %.*s\n", (int)vl, v);
		else if (nl > strlen(IMAGE_PREFIX) && !memcmp(name, IMAGE_PREFIX, strlen(IMAGE_PREFIX)))
			fprintf(out, "image %.*s\n", (int)vl, v);
		else
			fprintf(out, "runtime %.*s %.*s\n", (int)nl, name, (int)vl, v);
	}
}

int cima_reference_from_log(const struct cima_eventlog *log, size_t count,
			    const char *container, bool any_container, FILE *out)
{
	char **ids = NULL, owner[128];
	size_t nids = 0, n, hdr;
	int ret = 0;

	if (!log || !out)
		return cima__err(-EINVAL, "reference: NULL argument");
	if (container && cima__check_container_id(container))
		return -EINVAL;
	/* @count counts records: the Spec ID header is not one. */
	hdr = log->n && log->ev[0].type == EV_NO_ACTION && !log->ev[0].offset;
	if (count > log->n - hdr)
		return cima__err(-ERANGE, "reference: %zu records asked for, the log has %zu",
				 count, log->n - hdr);
	n = count ? count + hdr : log->n;
	fprintf(out, "cima-reference 1\n# made by libcima %s from %zu cima events\n",
		cima_version(), n);
	/* Sections in order of first appearance. */
	for (size_t i = 0; i < n; i++) {
		const char *kind;
		bool seen = false;

		if (log->ev[i].source != CIMA_SOURCE_CIMA ||
		    cima__cima_event_owner(&log->ev[i], &kind, owner, sizeof(owner)) < 0)
			continue;
		if (container && strcmp(owner, container))
			continue;
		for (size_t j = 0; j < nids && !seen; j++)
			seen = !strcmp(ids[j], owner);
		if (seen)
			continue;
		char **tmp = realloc(ids, (nids + 1) * sizeof(*tmp));

		if (!tmp || !(tmp[nids] = strdup(owner))) {
			ids = tmp ? tmp : ids;
			ret = cima__err(-ENOMEM, "out of memory");
			goto out;
		}
		ids = tmp;
		nids++;
	}
	if (any_container)
		fprintf(out, "container *\n");
	for (size_t s = 0; s < (any_container ? 1 : nids); s++) {
		if (!any_container)
			fprintf(out, "container %s\n", ids[s]);
		for (size_t i = 0; i < n; i++) {
			const char *kind;
			int kl;

			if (log->ev[i].source != CIMA_SOURCE_CIMA)
				continue;
			kl = cima__cima_event_owner(&log->ev[i], &kind, owner, sizeof(owner));
			if (kl < 0 || (container && strcmp(owner, container)) ||
			    (!any_container && strcmp(owner, ids[s])))
				continue;
			print_entry(out, &log->ev[i], kind, kl);
		}
	}
	if (ferror(out))
		ret = cima__err(-EIO, "reference: write failed");
out:
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	return ret;
}
