// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The cima module's securityfs text files, read in one place: register,
 * snapshot, containers/<id>/register and containers/<id>/cgroup (formats:
 * include/uapi/cima.h), and the container-id grammar.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uapi/cima.h>

#include "securityfs.h"

/* A line "<alg> <hex>"; @lenient skips banks the library does not know. */
static int parse_value_line(const char *path, int lineno, char *line,
			    struct cima__sfs_values *v, bool lenient)
{
	char *sp = strchr(line, ' ');
	size_t ds;
	int alg;

	if (!sp)
		return cima__err(-EBADMSG, "%s: line %d: not \"<alg> <hex>\"", path, lineno);
	*sp = '\0';
	alg = cima_alg_from_name(line);
	ds = alg > 0 ? cima_alg_digest_size((uint16_t)alg) : 0;
	if (!ds) {
		if (lenient)
			return 0;
		return cima__err(-EBADMSG, "%s: line %d: unknown bank \"%.32s\"", path,
				 lineno, line);
	}
	if (v->nbanks >= CIMA_MAX_BANKS)
		return cima__err(-EBADMSG, "%s: line %d: more than %d banks", path, lineno,
				 CIMA_MAX_BANKS);
	if (cima__unhex(sp + 1, strlen(sp + 1), v->val[v->nbanks], ds))
		return cima__err(-EBADMSG, "%s: line %d: %s value is not %zu bytes of hex",
				 path, lineno, line, ds);
	v->alg[v->nbanks++] = (uint16_t)alg;
	return 0;
}

/* Read @path and hand each non-empty line to @fn with its number. */
static int for_each_line(const char *path,
			 int (*fn)(const char *path, int lineno, char *line, void *arg),
			 void *arg)
{
	char *line, *save = NULL;
	uint8_t *buf;
	size_t len;
	int ret, lineno = 0;

	ret = cima__read_file_max(path, &buf, &len, CIMA__TEXT_FILE_MAX);
	if (ret)
		return ret;
	if (strlen((char *)buf) != len) {
		free(buf);
		return cima__err(-EBADMSG, "%s: NUL byte in a text file", path);
	}
	for (line = strtok_r((char *)buf, "\n", &save); line && !ret;
	     line = strtok_r(NULL, "\n", &save))
		ret = fn(path, ++lineno, line, arg);
	free(buf);
	return ret ? ret : lineno;
}

static int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

static int register_line(const char *path, int lineno, char *line, void *arg)
{
	struct cima__sfs_register *r = arg;
	uint64_t v;

	if (lineno == 1) {
		if (strncmp(line, "backend ", 8) || !line[8] ||
		    strlen(line + 8) >= sizeof(r->backend))
			return cima__err(-EBADMSG, "%s: line 1: not \"backend <name>\"", path);
		strcpy(r->backend, line + 8);
		return 0;
	}
	if (lineno == 2) {
		if (strncmp(line, "index ", 6) || parse_u64(line + 6, &v) || v > UINT32_MAX)
			return cima__err(-EBADMSG, "%s: line 2: not \"index <n>\"", path);
		r->index = (uint32_t)v;
		return 0;
	}
	return parse_value_line(path, lineno, line, &r->v, true);
}

int cima__sfs_read_register(const char *path, struct cima__sfs_register *out)
{
	int n;

	memset(out, 0, sizeof(*out));
	n = for_each_line(path, register_line, out);
	if (n < 0)
		return n;
	if (n < 2)
		return cima__err(-EBADMSG, "%s: no index line", path);
	return 0;
}

static int snapshot_line(const char *path, int lineno, char *line, void *arg)
{
	struct cima__sfs_snapshot *s = arg;
	uint64_t v;

	if (lineno == 1) {
		if (strncmp(line, "version ", 8) || parse_u64(line + 8, &v) ||
		    v != CIMA_SNAPSHOT_VERSION)
			return cima__err(-EBADMSG, "%s: line 1: not \"version %d\"", path,
					 CIMA_SNAPSHOT_VERSION);
		return 0;
	}
	if (lineno == 2) {
		if (strncmp(line, "count ", 6) || parse_u64(line + 6, &s->count))
			return cima__err(-EBADMSG, "%s: line 2: not \"count <n>\"", path);
		return 0;
	}
	return parse_value_line(path, lineno, line, &s->v, false);
}

int cima__sfs_read_snapshot(const char *path, struct cima__sfs_snapshot *out)
{
	int n;

	memset(out, 0, sizeof(*out));
	n = for_each_line(path, snapshot_line, out);
	if (n < 0)
		return n;
	if (n < 3)
		return cima__err(-EBADMSG, "%s: no register values", path);
	return 0;
}

static int values_line(const char *path, int lineno, char *line, void *arg)
{
	return parse_value_line(path, lineno, line, arg, false);
}

int cima__sfs_read_values(const char *path, struct cima__sfs_values *out)
{
	int n;

	memset(out, 0, sizeof(*out));
	n = for_each_line(path, values_line, out);
	if (n < 0)
		return n;
	if (n == 0)
		return cima__err(-EBADMSG, "%s: no register values", path);
	return 0;
}

struct cgroup_file {
	char *path;
	uint64_t id;
	bool have_id;
};

static int cgroup_line(const char *path, int lineno, char *line, void *arg)
{
	struct cgroup_file *c = arg;

	if (lineno == 1) {
		if (strncmp(line, "path ", 5) || !line[5])
			return cima__err(-EBADMSG, "%s: line 1: not \"path <path>\"", path);
		c->path = strdup(line + 5);
		return c->path ? 0 : cima__err(-ENOMEM, "out of memory");
	}
	if (lineno == 2) {
		if (strncmp(line, "id ", 3) || parse_u64(line + 3, &c->id))
			return cima__err(-EBADMSG, "%s: line 2: not \"id <cgroup id>\"", path);
		c->have_id = true;
		return 0;
	}
	return cima__err(-EBADMSG, "%s: line %d: unexpected", path, lineno);
}

int cima__sfs_read_cgroup(const char *path, char **cgpath, uint64_t *cgid)
{
	struct cgroup_file c = { 0 };
	int n = for_each_line(path, cgroup_line, &c);

	if (n >= 0 && !c.have_id)
		n = cima__err(-EBADMSG, "%s: no id line", path);
	if (n < 0) {
		free(c.path);
		return n;
	}
	*cgpath = c.path;
	if (cgid)
		*cgid = c.id;
	return 0;
}

const uint8_t *cima__sfs_value(const struct cima__sfs_values *v, uint16_t alg)
{
	for (unsigned int i = 0; i < v->nbanks; i++)
		if (v->alg[i] == alg)
			return v->val[i];
	return NULL;
}

static bool id_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') ||
	       (!first && (c == '.' || c == '_' || c == '-'));
}

int cima__check_container_id(const char *id)
{
	size_t n;

	if (!id)
		return cima__err(-EINVAL, "NULL container id");
	n = strlen(id);
	if (n == 0 || n > CIMA_ID_MAX)
		return cima__err(-EINVAL, "container id '%.80s': %zu bytes, not 1..%d",
				 id, n, CIMA_ID_MAX);
	for (size_t i = 0; i < n; i++)
		if (!id_char(id[i], i == 0))
			return cima__err(-EINVAL, "container id '%s': byte %zu not allowed (%s)",
					 id, i, "[A-Za-z0-9][A-Za-z0-9._-]*");
	return 0;
}

char *cima__sfs_escape(const char *s)
{
	char *out = malloc(4 * strlen(s) + 1), *p = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x21 || c > 0x7e || c == '\\' || c == ' ' || c == '=')
			p += sprintf(p, "\\x%02x", c);
		else
			*p++ = (char)c;
	}
	*p = '\0';
	return out;
}

int cima__sfs_container_path(char *buf, size_t size, const char *fsroot,
			     const char *id, const char *file)
{
	int n = snprintf(buf, size, "%s/%s/%s%s%s", fsroot ? fsroot : CIMA_FS_ROOT,
			 CIMA_DIR_CONTAINERS, id, file ? "/" : "", file ? file : "");

	if (n < 0 || (size_t)n >= size)
		return cima__err(-ENAMETOOLONG, "container %s: path too long", id);
	return 0;
}

/* A TPM PCR from sysfs (also used by replay.c, below verify.c). */
int cima_read_tpm_pcr(const char *tpm_sysfs, uint32_t index, uint16_t alg,
		      uint8_t *out, size_t max)
{
	char path[512], text[2 * CIMA_MAX_DIGEST_SIZE + 4];
	const char *name = cima_alg_name(alg);
	size_t n = cima_alg_digest_size(alg), tl;
	FILE *f;

	if (!name || !n || n > max)
		return cima__err(-EINVAL, "PCR %u: unsupported bank 0x%04x", index, alg);
	if (alg == CIMA_ALG_SM3_256)
		name = "sm3";
	snprintf(path, sizeof(path), "%s/pcr-%s/%u",
		 tpm_sysfs ? tpm_sysfs : CIMA_PATH_TPM_PCRS, name, index);
	f = fopen(path, "re");
	if (!f)
		return cima__err(-errno, "%s: %s", path, strerror(errno));
	if (!fgets(text, sizeof(text), f)) {
		fclose(f);
		return cima__err(-EIO, "%s: empty", path);
	}
	fclose(f);
	tl = strcspn(text, "\n");
	if (cima__unhex(text, tl, out, n))
		return cima__err(-EBADMSG, "%s: not %zu bytes of hex", path, n);
	return (int)n;
}

const char *cima__self_dir(void)
{
	const char *e = getenv("CIMA_SELF_DIR");

	return e && *e ? e : CIMA_FS_ROOT "/" CIMA_DIR_SELF;
}
