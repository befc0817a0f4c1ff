// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cima-oci-hook: an OCI createRuntime hook that records the container's
 * declared identity in its cima log before the container's process runs.
 *
 * The runtime writes the container state (OCI runtime spec, "State") to
 * stdin.  The hook finds the container's cima directory by the cgroup of
 * the state's pid (/proc/<pid>/cgroup, then libcima's
 * cima_container_find()) and writes runtime events to its "event" file,
 * one write() each:
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

#include <cima/cima.h>
#include <uapi/cima.h>

#include "msg.h"

#define HOOK_VERSION	"0.1.0"
#define STATE_MAX	(1u << 20)	/* state JSON: 1 MiB */
#define CONFIG_MAX	(16u << 20)	/* config.json: 16 MiB */
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
#define NDEFAULT_KEYS	(sizeof(default_keys) / sizeof(default_keys[0]))

struct event {
	char name[CIMA_RUNTIME_NAME_MAX + 1];
	char *value;
};

/* Everything one run of the hook learns, step by step. */
struct hook {
	/* options */
	const char *alg, *fsroot, *proc;
	const char *extra[MAX_EVENTS];
	int nextra, verbose;
	bool optional, quiet;
	/* the state */
	char *sbuf;
	json_object *state, *config, *ann;
	const char *cid, *bundle;
	long pid;
	/* the bundle's config.json */
	char *cbuf;
	size_t clen;
	/* the events, and where they go */
	struct event ev[MAX_EVENTS];
	int nev;
	char *cgroup, *id;
};

static void info(const struct hook *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void info(const struct hook *h, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	if (!h->verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tool_msg("%s", buf);
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
		tool_err(ctx, "out of memory");
		return NULL;
	}
	if (strlen(buf) != len) {
		tool_err(ctx, "invalid JSON: NUL byte at offset %zu", strlen(buf));
		json_tokener_free(tok);
		return NULL;
	}
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!obj || jerr != json_tokener_success) {
		if (jerr == json_tokener_continue)
			tool_err(ctx, "invalid JSON: truncated (%zu bytes)", len);
		else
			tool_err(ctx, "invalid JSON at offset %zu: %s",
				 json_tokener_get_parse_end(tok),
				 json_tokener_error_desc(jerr));
		json_object_put(obj);
		json_tokener_free(tok);
		return NULL;
	}
	/* Nothing but white space may follow the object. */
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++) {
		if (!isspace((unsigned char)buf[i])) {
			tool_err(ctx, "invalid JSON: trailing data at offset %zu", i);
			json_object_put(obj);
			json_tokener_free(tok);
			return NULL;
		}
	}
	json_tokener_free(tok);
	if (!json_object_is_type(obj, json_type_object)) {
		tool_err(ctx, "expected a JSON object, got %s",
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
			tool_err("state", "missing \"%s\"", key);
		return NULL;
	}
	if (!json_object_is_type(v, json_type_string)) {
		tool_err("state", "\"%s\" is a %s, not a string", key,
			 json_type_to_name(json_object_get_type(v)));
		return NULL;
	}
	return json_object_get_string(v);
}

/* "annotations" of @o: an object, absent or null; false if anything else. */
static bool get_annotations(json_object *o, const char *ctx, json_object **ann)
{
	if (json_object_object_get_ex(o, "annotations", ann) &&
	    !json_object_is_type(*ann, json_type_object) &&
	    !json_object_is_type(*ann, json_type_null)) {
		tool_err(ctx, "\"annotations\" is not an object");
		return false;
	}
	return true;
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

/* Runtime event name: [A-Za-z0-9][A-Za-z0-9._-]*, CIMA_RUNTIME_NAME_MAX. */
static bool valid_name(const char *n)
{
	size_t len = strlen(n);

	if (len == 0 || len > CIMA_RUNTIME_NAME_MAX || !isalnum((unsigned char)n[0]))
		return false;
	for (; *n; n++)
		if (!isalnum((unsigned char)*n) && !strchr("._-", *n))
			return false;
	return true;
}

static int add_event(struct hook *h, const char *name, const char *raw)
{
	char *v;

	if (h->nev >= MAX_EVENTS) {
		tool_err("events", "more than %d events", MAX_EVENTS);
		return -1;
	}
	if (!valid_name(name)) {
		tool_err("events", "\"%s\" is not a valid event name "
			 "([A-Za-z0-9][A-Za-z0-9._-]*, at most %d bytes)", name,
			 CIMA_RUNTIME_NAME_MAX);
		return -1;
	}
	if (!*raw) {
		tool_err("events", "%s: empty value", name);
		return -1;
	}
	v = value_encode(raw);
	if (!v) {
		tool_err("events", "out of memory");
		return -1;
	}
	if (strlen(name) + 1 + strlen(v) > CIMA_RUNTIME_EVENT_MAX) {
		tool_err("events", "%s: value too long (%zu bytes encoded, at most %zu)",
			 name, strlen(v), CIMA_RUNTIME_EVENT_MAX - strlen(name) - 1);
		free(v);
		return -1;
	}
	memcpy(h->ev[h->nev].name, name, strlen(name) + 1);	/* valid_name: fits */
	h->ev[h->nev].value = v;
	h->nev++;
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
	      "      --securityfs DIR   cima directory (default " CIMA_FS_ROOT ")\n"
	      "      --proc DIR         proc mount (default /proc)\n"
	      "  -v, --verbose          say what is written\n"
	      "  -q, --quiet            no warnings\n"
	      "  -V, --version          print the version\n"
	      "  -h, --help             this help\n"
	      "Exit status: 0 recorded (or skipped with --optional), 1 error, 2 usage.\n", f);
}

/* Step 0: the command line.  -1 to go on, else the exit status. */
static int parse_args(struct hook *h, int argc, char **argv)
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
	int c;

	while ((c = getopt_long(argc, argv, "a:A:vqVh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (strcmp(optarg, "sha256") && strcmp(optarg, "sha384") &&
			    strcmp(optarg, "sha512")) {
				tool_err("usage", "unsupported algorithm \"%s\"", optarg);
				return 2;
			}
			h->alg = optarg;
			break;
		case 'A':
			if (h->nextra == MAX_EVENTS / 2 || !valid_name(optarg)) {
				tool_err("usage", "bad or too many annotation keys: \"%s\"", optarg);
				return 2;
			}
			h->extra[h->nextra++] = optarg;
			break;
		case 'O': h->optional = true; break;
		case 'S': h->fsroot = optarg; break;
		case 'P': h->proc = optarg; break;
		case 'v': h->verbose++; break;
		case 'q': h->quiet = true; break;
		case 'V': puts("cima-oci-hook " HOOK_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		tool_err("usage", "unexpected argument \"%s\"", argv[optind]);
		return 2;
	}
	return -1;
}

/* Step 1: the state on stdin, fully validated. */
static int read_state(struct hook *h)
{
	json_object *v = NULL;
	size_t len;
	int64_t pid;

	h->sbuf = read_all(STDIN_FILENO, STATE_MAX, &len);
	if (!h->sbuf) {
		tool_err("state", "cannot read stdin: %s", strerror(errno));
		return -1;
	}
	if (len == 0) {
		tool_err("state", "empty input (expected the OCI state JSON on stdin)");
		return -1;
	}
	h->state = parse_object("state", h->sbuf, len);
	if (!h->state)
		return -1;
	h->cid = get_string(h->state, "id", true);
	h->bundle = get_string(h->state, "bundle", true);
	if (!h->cid || !h->bundle)
		return -1;
	if (!*h->cid) {
		tool_err("state", "empty \"id\"");
		return -1;
	}
	if (h->bundle[0] != '/') {
		tool_err("state", "\"bundle\" is not an absolute path: \"%s\"", h->bundle);
		return -1;
	}
	if (!json_object_object_get_ex(h->state, "pid", &v) ||
	    !json_object_is_type(v, json_type_int)) {
		tool_err("state", "container %s: \"pid\" %s", h->cid,
			 v ? "is not an integer" : "is missing (is this a createRuntime hook?)");
		return -1;
	}
	errno = 0;
	pid = json_object_get_int64(v);
	if (pid <= 0 || pid > INT_MAX || errno) {
		tool_err("state", "container %s: \"pid\" %lld out of range", h->cid,
			 (long long)pid);
		return -1;
	}
	h->pid = (long)pid;
	return get_annotations(h->state, "state", &h->ann) ? 0 : -1;
}

/*
 * Step 2: the bundle's config.json, whose exact bytes are digested; its
 * annotations when the runtime did not put them in the state (older ones).
 */
static int read_config(struct hook *h)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/config.json", h->bundle);
	h->cbuf = read_file(path, CONFIG_MAX, &h->clen);
	if (!h->cbuf) {
		tool_err("config", "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (h->ann && !json_object_is_type(h->ann, json_type_null))
		return 0;
	h->config = parse_object("config", h->cbuf, h->clen);
	if (!h->config)
		return -1;
	return get_annotations(h->config, "config", &h->ann) ? 0 : -1;
}

/* Step 3: every event, validated before any is written. */
static int collect_events(struct hook *h)
{
	char hex[2 * EVP_MAX_MD_SIZE + 1], val[2 * EVP_MAX_MD_SIZE + 16];
	json_object *v;

	if (digest_hex(h->alg, h->cbuf, h->clen, hex, sizeof(hex))) {
		tool_err("config", "cannot compute %s", h->alg);
		return -1;
	}
	snprintf(val, sizeof(val), "%s:%s", h->alg, hex);
	if (add_event(h, "oci.config", val))
		return -1;
	if (!h->ann || !json_object_is_type(h->ann, json_type_object))
		return 0;
	for (size_t k = 0; k < NDEFAULT_KEYS + (size_t)h->nextra; k++) {
		const char *key = k < NDEFAULT_KEYS ? default_keys[k] :
				  h->extra[k - NDEFAULT_KEYS];

		if (!json_object_object_get_ex(h->ann, key, &v))
			continue;
		if (!json_object_is_type(v, json_type_string)) {
			tool_err("annotations", "\"%s\" is not a string", key);
			return -1;
		}
		if (add_event(h, key, json_object_get_string(v)))
			return -1;
	}
	return 0;
}

/* The cgroup v2 path of the state's pid ("0::<path>" line), malloc'd. */
static char *pid_cgroup(const struct hook *h)
{
	char path[PATH_MAX], *buf, *line, *save, *res = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/%ld/cgroup", h->proc, h->pid);
	buf = read_file(path, 65536, &len);
	if (!buf) {
		tool_err("state", "pid %ld: cannot read %s: %s", h->pid, path, strerror(errno));
		return NULL;
	}
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "0::", 3) == 0) {
			res = strdup(line + 3);
			break;
		}
	}
	if (!res)
		tool_err("state", "pid %ld: no cgroup v2 entry in %s", h->pid, path);
	free(buf);
	return res;
}

/*
 * Step 4: the container's cima id, by the cgroup of its pid.  0 found,
 * 1 not measured (the module is absent or the cgroup not tracked), -1
 * error; a message is printed unless found.
 */
static int find_cima_container(struct hook *h)
{
	int ret;

	h->cgroup = pid_cgroup(h);
	if (!h->cgroup)
		return -1;
	ret = cima_container_find(h->fsroot, h->cgroup, &h->id);
	if (ret) {
		tool_lib_err("cima", ret);
		return ret == -ENOENT ? 1 : -1;
	}
	info(h, "container %s: cima id %s, cgroup %s", h->cid, h->id, h->cgroup);
	return 0;
}

/* Step 5: one write() per event; each returns once extended. */
static int write_events(struct hook *h)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/%s/%s", h->fsroot, CIMA_DIR_CONTAINERS,
		 h->id, CIMA_CFILE_EVENT);
	for (int i = 0; i < h->nev; i++) {
		char line[CIMA_RUNTIME_EVENT_MAX + 1];
		int len = snprintf(line, sizeof(line), "%s %s", h->ev[i].name, h->ev[i].value);
		ssize_t w;
		int fd;

		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			tool_err("event", "cannot open %s: %s", path, strerror(errno));
			return -1;
		}
		w = write(fd, line, len);
		if (w != len) {
			tool_err("event", "%s: writing \"%s\" (%d of %d events written): %s", path,
				 h->ev[i].name, i, h->nev, w < 0 ? strerror(errno) : "short write");
			close(fd);
			return -1;
		}
		close(fd);
		info(h, "recorded %s %s", h->ev[i].name, h->ev[i].value);
	}
	return 0;
}

static void hook_free(struct hook *h)
{
	for (int i = 0; i < h->nev; i++)
		free(h->ev[i].value);
	json_object_put(h->state);
	json_object_put(h->config);
	free(h->sbuf);
	free(h->cbuf);
	free(h->cgroup);
	free(h->id);
}

int main(int argc, char **argv)
{
	struct hook h = { .alg = "sha256", .fsroot = CIMA_FS_ROOT, .proc = "/proc" };
	int ret;

	tool_name = "cima-oci-hook";
	ret = parse_args(&h, argc, argv);
	if (ret >= 0)
		return ret;
	ret = 1;
	if (read_state(&h) || read_config(&h) || collect_events(&h))
		goto out;
	switch (find_cima_container(&h)) {
	case 0:
		break;
	case 1:
		if (h.optional) {
			if (!h.quiet)
				tool_msg("container %s not measured (--optional)", h.cid);
			ret = 0;
		}
		goto out;
	default:
		goto out;
	}
	if (!write_events(&h))
		ret = 0;
out:
	hook_free(&h);
	return ret;
}
