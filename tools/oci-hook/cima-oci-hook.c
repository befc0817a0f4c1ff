// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cima-oci-hook: an OCI createRuntime hook that records the container's
 * declared identity in its cima log before the container's process runs.
 *
 * The runtime writes the container state (OCI runtime spec, "State") to
 * stdin.  The hook finds the container's cima directory by the cgroup of
 * the state's pid (/proc/<pid>/cgroup, matched against the "path" line of
 * every containers/<id>/cgroup file) and writes runtime events to its
 * "event" file, one write() each:
 *
 *	oci.config <alg>:<hex>		digest of <bundle>/config.json
 *	<annotation key> <value>	for each image annotation present
 *					(org.opencontainers.image.ref.name, ...)
 *
 * Everything is validated before the first write.  Any error (malformed
 * state, unreadable config, container not tracked by cima, write refused)
 * prints "cima-oci-hook: <context>: <reason>" on stderr and exits 1, so the
 * runtime does not start the container.  Documentation/oci-hook.md.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#define HOOK_VERSION	"0.1.0"
#define STATE_MAX	(1u << 20)	/* state JSON: 1 MiB */
#define CONFIG_MAX	(16u << 20)	/* config.json: 16 MiB */
#define EVENT_MAX	1024		/* CIMA_RUNTIME_EVENT_MAX */
#define NAME_MAX_LEN	64		/* CIMA_RUNTIME_NAME_MAX */
#define MAX_EVENTS	32

/* Image annotations recorded when present, in this order. */
static const char *const default_keys[] = {
	"org.opencontainers.image.ref.name",
	"org.opencontainers.image.base.name",
	"org.opencontainers.image.base.digest",
	"io.containerd.image.name",
	"io.kubernetes.cri.image-name",
	"io.kubernetes.cri-o.ImageName",
	"io.kubernetes.cri-o.ImageRef",
};

struct event {
	char name[NAME_MAX_LEN + 1];
	char *value;
};

static int verbose;
static bool quiet;

static void err(const char *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cima-oci-hook: %s: ", ctx);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	fputs("cima-oci-hook: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Read all of @fd (at most @max bytes) into a NUL-terminated buffer. */
static char *read_all(int fd, size_t max, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1), *p;
	ssize_t r;

	if (!buf)
		return NULL;
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			cap = cap * 2 > max ? max : cap * 2;
			p = realloc(buf, cap + 1);
			if (!p) {
				free(buf);
				return NULL;
			}
			buf = p;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(buf);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		n += r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static char *read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	int e;

	if (fd < 0)
		return NULL;
	buf = read_all(fd, max, len);
	e = errno;
	close(fd);
	errno = e;
	return buf;
}

/* Parse a whole buffer as one JSON object; NULL with a message on error. */
static json_object *parse_object(const char *ctx, const char *buf, size_t len)
{
	json_tokener *tok = json_tokener_new();
	enum json_tokener_error jerr;
	json_object *obj;

	if (!tok) {
		err(ctx, "out of memory");
		return NULL;
	}
	if (strlen(buf) != len) {
		err(ctx, "invalid JSON: NUL byte at offset %zu", strlen(buf));
		json_tokener_free(tok);
		return NULL;
	}
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!obj || jerr != json_tokener_success) {
		if (jerr == json_tokener_continue)
			err(ctx, "invalid JSON: truncated (%zu bytes)", len);
		else
			err(ctx, "invalid JSON at offset %zu: %s",
			    json_tokener_get_parse_end(tok),
			    json_tokener_error_desc(jerr));
		json_object_put(obj);
		json_tokener_free(tok);
		return NULL;
	}
	/* Nothing but white space may follow the object. */
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++) {
		if (!isspace((unsigned char)buf[i])) {
			err(ctx, "invalid JSON: trailing data at offset %zu", i);
			json_object_put(obj);
			json_tokener_free(tok);
			return NULL;
		}
	}
	json_tokener_free(tok);
	if (!json_object_is_type(obj, json_type_object)) {
		err(ctx, "expected a JSON object, got %s",
		    json_type_to_name(json_object_get_type(obj)));
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static const char *get_string(json_object *o, const char *key, bool required)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null)) {
		if (required)
			err("state", "missing \"%s\"", key);
		return NULL;
	}
	if (!json_object_is_type(v, json_type_string)) {
		err("state", "\"%s\" is a %s, not a string", key,
		    json_type_to_name(json_object_get_type(v)));
		return NULL;
	}
	return json_object_get_string(v);
}

/* Escape as the module does in event data: '\', ' ', '=' and bytes outside
 * 0x21..0x7e become \xHH. */
static char *cima_escape(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(4 * n + 1), *p = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		unsigned char c = *s;

		if (c < 0x21 || c > 0x7e || c == '\\' || c == ' ' || c == '=')
			p += sprintf(p, "\\x%02x", c);
		else
			*p++ = c;
	}
	*p = '\0';
	return out;
}

/* Event values must be bytes 0x21..0x7e: '%' and anything else outside
 * that range are percent-encoded (%HH, upper-case hex). */
static char *value_encode(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(3 * n + 1), *p = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		unsigned char c = *s;

		if (c < 0x21 || c > 0x7e || c == '%')
			p += sprintf(p, "%%%02X", c);
		else
			*p++ = c;
	}
	*p = '\0';
	return out;
}

static bool valid_name(const char *n)
{
	size_t len = strlen(n);

	if (len == 0 || len > NAME_MAX_LEN || !isalnum((unsigned char)n[0]))
		return false;
	for (; *n; n++)
		if (!isalnum((unsigned char)*n) && !strchr("._-", *n))
			return false;
	return true;
}

/* The cgroup v2 path of @pid ("0::<path>" line), malloc'd. */
static char *pid_cgroup(const char *proc, long pid)
{
	char path[PATH_MAX], *buf, *line, *save, *res = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/%ld/cgroup", proc, pid);
	buf = read_file(path, 65536, &len);
	if (!buf) {
		err("state", "pid %ld: cannot read %s: %s", pid, path, strerror(errno));
		return NULL;
	}
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "0::", 3) == 0) {
			res = strdup(line + 3);
			break;
		}
	}
	if (!res)
		err("state", "pid %ld: no cgroup v2 entry in %s", pid, path);
	free(buf);
	return res;
}

/*
 * Find containers/<id>/ whose cgroup path is @cg or an ancestor of it.
 * Returns the id (malloc'd) or NULL (message printed unless *absent).
 */
static char *find_container(const char *fsroot, const char *cg, bool *absent)
{
	char dir[PATH_MAX], path[PATH_MAX + 300];
	char *esc = cima_escape(cg), *id = NULL;
	struct dirent *de;
	DIR *d;

	*absent = false;
	if (!esc) {
		err("cgroup", "out of memory");
		return NULL;
	}
	snprintf(dir, sizeof(dir), "%s/containers", fsroot);
	d = opendir(dir);
	if (!d) {
		*absent = errno == ENOENT;
		err("cima", "cannot open %s: %s%s", dir, strerror(errno),
		    errno == ENOENT ? " (is cima.ko loaded?)" : "");
		free(esc);
		return NULL;
	}
	while (!id && (de = readdir(d))) {
		char *buf, *p, *end;
		size_t len, plen;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/cgroup", dir, de->d_name);
		buf = read_file(path, 8192, &len);
		if (!buf)
			continue;	/* stopped meanwhile */
		if (strncmp(buf, "path ", 5) == 0) {
			p = buf + 5;
			end = strchr(p, '\n');
			if (end)
				*end = '\0';
			plen = strlen(p);
			if (strcmp(p, esc) == 0 ||
			    (strncmp(p, esc, plen) == 0 &&
			     (esc[plen] == '/' || strcmp(p, "/") == 0)))
				id = strdup(de->d_name);
		}
		free(buf);
	}
	closedir(d);
	if (!id) {
		*absent = true;
		err("cima", "cgroup %s is not a cima container (no %s/*/cgroup matches; "
		    "check the cgroupsPath against the policy)", cg, dir);
	}
	free(esc);
	return id;
}

static int add_event(struct event *ev, int *n, const char *name, const char *raw)
{
	char *v;

	if (*n >= MAX_EVENTS) {
		err("events", "more than %d events", MAX_EVENTS);
		return -1;
	}
	if (!valid_name(name)) {
		err("events", "\"%s\" is not a valid event name "
		    "([A-Za-z0-9][A-Za-z0-9._-]*, at most %d bytes)", name, NAME_MAX_LEN);
		return -1;
	}
	if (!*raw) {
		err("events", "%s: empty value", name);
		return -1;
	}
	v = value_encode(raw);
	if (!v) {
		err("events", "out of memory");
		return -1;
	}
	if (strlen(name) + 1 + strlen(v) > EVENT_MAX) {
		err("events", "%s: value too long (%zu bytes encoded, at most %zu)",
		    name, strlen(v), EVENT_MAX - strlen(name) - 1);
		free(v);
		return -1;
	}
	memcpy(ev[*n].name, name, strlen(name) + 1);	/* valid_name: <= 64 */
	ev[*n].value = v;
	(*n)++;
	return 0;
}

static int digest_hex(const char *algname, const void *buf, size_t len,
		      char *hex, size_t hexmax)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	const EVP_MD *md_type = EVP_get_digestbyname(algname);
	unsigned int mdlen = 0;

	if (!md_type || !EVP_Digest(buf, len, md, &mdlen, md_type, NULL) ||
	    2 * mdlen + 1 > hexmax)
		return -1;
	for (unsigned int i = 0; i < mdlen; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: cima-oci-hook [options] < state.json\n"
	      "OCI createRuntime hook: records the digest of the bundle's config.json\n"
	      "and the image annotations as runtime events in the container's cima log.\n"
	      "\n"
	      "  -a, --alg ALG          config digest algorithm: sha256 (default), sha384, sha512\n"
	      "  -A, --annotation KEY   also record annotation KEY when present (repeatable)\n"
	      "      --optional         exit 0 when cima is not loaded or the container is\n"
	      "                         not tracked (default: fail, so it does not start)\n"
	      "      --securityfs DIR   cima directory (default /sys/kernel/security/cima)\n"
	      "      --proc DIR         proc mount (default /proc)\n"
	      "  -v, --verbose          say what is written\n"
	      "  -q, --quiet            no warnings\n"
	      "  -V, --version          print the version\n"
	      "  -h, --help             this help\n"
	      "Exit status: 0 recorded (or skipped with --optional), 1 error, 2 usage.\n", f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "alg", required_argument, NULL, 'a' },
		{ "annotation", required_argument, NULL, 'A' },
		{ "optional", no_argument, NULL, 'O' },
		{ "securityfs", required_argument, NULL, 'S' },
		{ "proc", required_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *alg = "sha256", *fsroot = "/sys/kernel/security/cima", *proc = "/proc";
	const char *extra[MAX_EVENTS];
	int nextra = 0, c, nev = 0, ret = 1, fd;
	bool optional = false, absent;
	json_object *state = NULL, *config = NULL, *ann = NULL, *v;
	char *sbuf = NULL, *cbuf = NULL, *cg = NULL, *id = NULL;
	char path[PATH_MAX], hex[2 * EVP_MAX_MD_SIZE + 1], val[2 * EVP_MAX_MD_SIZE + 16];
	struct event ev[MAX_EVENTS];
	const char *cid, *bundle;
	size_t slen, clen;
	int64_t pid;

	while ((c = getopt_long(argc, argv, "a:A:vqVh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (strcmp(optarg, "sha256") && strcmp(optarg, "sha384") &&
			    strcmp(optarg, "sha512")) {
				err("usage", "unsupported algorithm \"%s\"", optarg);
				return 2;
			}
			alg = optarg;
			break;
		case 'A':
			if (nextra == MAX_EVENTS / 2 || !valid_name(optarg)) {
				err("usage", "bad or too many annotation keys: \"%s\"", optarg);
				return 2;
			}
			extra[nextra++] = optarg;
			break;
		case 'O': optional = true; break;
		case 'S': fsroot = optarg; break;
		case 'P': proc = optarg; break;
		case 'v': verbose++; break;
		case 'q': quiet = true; break;
		case 'V': puts("cima-oci-hook " HOOK_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		err("usage", "unexpected argument \"%s\"", argv[optind]);
		return 2;
	}

	/* 1. The state, fully validated. */
	sbuf = read_all(STDIN_FILENO, STATE_MAX, &slen);
	if (!sbuf) {
		err("state", "cannot read stdin: %s", strerror(errno));
		goto out;
	}
	if (slen == 0) {
		err("state", "empty input (expected the OCI state JSON on stdin)");
		goto out;
	}
	state = parse_object("state", sbuf, slen);
	if (!state)
		goto out;
	cid = get_string(state, "id", true);
	bundle = get_string(state, "bundle", true);
	if (!cid || !bundle)
		goto out;
	if (!*cid) {
		err("state", "empty \"id\"");
		goto out;
	}
	if (bundle[0] != '/') {
		err("state", "\"bundle\" is not an absolute path: \"%s\"", bundle);
		goto out;
	}
	if (!json_object_object_get_ex(state, "pid", &v) ||
	    !json_object_is_type(v, json_type_int)) {
		err("state", "container %s: \"pid\" %s", cid,
		    v ? "is not an integer" : "is missing (is this a createRuntime hook?)");
		goto out;
	}
	errno = 0;
	pid = json_object_get_int64(v);
	if (pid <= 0 || pid > INT_MAX || errno) {
		err("state", "container %s: \"pid\" %lld out of range", cid, (long long)pid);
		goto out;
	}
	if (json_object_object_get_ex(state, "annotations", &ann) &&
	    !json_object_is_type(ann, json_type_object) &&
	    !json_object_is_type(ann, json_type_null)) {
		err("state", "\"annotations\" is not an object");
		goto out;
	}

	/* 2. The bundle's config.json: digest of its exact bytes. */
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	cbuf = read_file(path, CONFIG_MAX, &clen);
	if (!cbuf) {
		err("config", "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (digest_hex(alg, cbuf, clen, hex, sizeof(hex))) {
		err("config", "cannot compute %s", alg);
		goto out;
	}
	/* Runtimes put the config's annotations in the state; older ones may not. */
	if (!ann || json_object_is_type(ann, json_type_null)) {
		config = parse_object("config", cbuf, clen);
		if (!config)
			goto out;
		if (json_object_object_get_ex(config, "annotations", &ann) &&
		    !json_object_is_type(ann, json_type_object) &&
		    !json_object_is_type(ann, json_type_null)) {
			err("config", "\"annotations\" is not an object");
			goto out;
		}
	}

	/* 3. Every event, validated before any is written. */
	snprintf(val, sizeof(val), "%s:%s", alg, hex);
	if (add_event(ev, &nev, "oci.config", val))
		goto out;
	for (size_t k = 0; k < sizeof(default_keys) / sizeof(default_keys[0]) + nextra; k++) {
		const char *key = k < sizeof(default_keys) / sizeof(default_keys[0]) ?
			default_keys[k] : extra[k - sizeof(default_keys) / sizeof(default_keys[0])];

		if (!ann || !json_object_is_type(ann, json_type_object) ||
		    !json_object_object_get_ex(ann, key, &v))
			continue;
		if (!json_object_is_type(v, json_type_string)) {
			err("annotations", "\"%s\" is not a string", key);
			goto out;
		}
		if (add_event(ev, &nev, key, json_object_get_string(v)))
			goto out;
	}

	/* 4. The container's cima directory, by the cgroup of its pid. */
	cg = pid_cgroup(proc, (long)pid);
	if (!cg)
		goto out;
	id = find_container(fsroot, cg, &absent);
	if (!id) {
		if (optional && absent) {
			if (!quiet)
				fprintf(stderr, "cima-oci-hook: container %s not measured (--optional)\n", cid);
			ret = 0;
		}
		goto out;
	}
	info("container %s: cima id %s, cgroup %s", cid, id, cg);

	/* 5. Write: one write() per event; each returns once extended. */
	snprintf(path, sizeof(path), "%s/containers/%s/event", fsroot, id);
	for (int i = 0; i < nev; i++) {
		char line[EVENT_MAX + 1];
		int len = snprintf(line, sizeof(line), "%s %s", ev[i].name, ev[i].value);
		ssize_t w;

		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			err("event", "cannot open %s: %s", path, strerror(errno));
			goto out;
		}
		w = write(fd, line, len);
		if (w != len) {
			err("event", "%s: writing \"%s\" (%d of %d events written): %s", path,
			    ev[i].name, i, nev, w < 0 ? strerror(errno) : "short write");
			close(fd);
			goto out;
		}
		close(fd);
		info("recorded %s %s", ev[i].name, ev[i].value);
	}
	ret = 0;
out:
	for (int i = 0; i < nev; i++)
		free(ev[i].value);
	json_object_put(state);
	json_object_put(config);
	free(sbuf);
	free(cbuf);
	free(cg);
	free(id);
	return ret;
}
