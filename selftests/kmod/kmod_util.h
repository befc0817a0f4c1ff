/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the cima.ko selftests.  Everything here is written
 * independently of libcima on purpose: the tests parse the TCG log and
 * replay it with OpenSSL themselves, so a bug in libcima's parser cannot
 * hide a bug in the module (or the other way round).
 */
#ifndef CIMA_SELFTEST_KMOD_UTIL_H
#define CIMA_SELFTEST_KMOD_UTIL_H

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <openssl/evp.h>

#include "kselftest_harness.h"
#include <uapi/cima.h>

#define FS		CIMA_FS_ROOT
#define CG_ROOT		"/sys/fs/cgroup"
#define TPM_SYSFS	"/sys/class/tpm/tpm0"
#define MAX_BANKS	8
#define MAX_DIGEST	64

/* --- files ---------------------------------------------------------- */

/* Read a whole file; NUL-terminated (not counted in *len).  -errno. */
static inline int read_all(const char *path, char **buf, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *b = malloc(cap + 1);
	int fd, err;

	*buf = NULL;
	if (len)
		*len = 0;
	if (!b)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(b);
		return err;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb = realloc(b, cap * 2 + 1);

			if (!nb) {
				close(fd);
				free(b);
				return -ENOMEM;
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			close(fd);
			free(b);
			return err;
		}
		if (r == 0)
			break;
		n += r;
	}
	close(fd);
	b[n] = 0;
	*buf = b;
	if (len)
		*len = n;
	return 0;
}

/* One write() of the string; returns 0 or -errno. */
static inline int write_str(const char *path, const char *s, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = write(fd, s, len);
	if (r < 0)
		err = -errno;
	else if ((size_t)r != len)
		err = -EIO;
	close(fd);
	return err;
}

static inline long read_long(const char *path)
{
	char *b = NULL;
	long v;

	if (read_all(path, &b, NULL))
		return -1;
	v = strtol(b, NULL, 10);
	free(b);
	return v;
}

/* Run a shell command and return its first output line (malloc'd). */
static inline char *cmd_line(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline char *cmd_line(const char *fmt, ...)
{
	char cmd[4096], *line = NULL;
	size_t cap = 0;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (!f)
		return NULL;
	if (getline(&line, &cap, f) < 0) {
		free(line);
		line = NULL;
	} else {
		line[strcspn(line, "\n")] = 0;
	}
	pclose(f);
	return line;
}

/* --- hex and algorithms ------------------------------------------------ */

static inline void to_hex(const uint8_t *d, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
	out[2 * n] = 0;
}

/* Lower-cased copy of the hex string (for sysfs PCR files, upper case). */
static inline void lower(char *s)
{
	for (; *s; s++)
		*s = tolower((unsigned char)*s);
}

struct alg {
	uint16_t id;
	const char *name;	/* kernel / ascii log name */
	const char *ossl;	/* OpenSSL name */
	unsigned int size;
};

static const struct alg algs[] = {
	{ 0x0004, "sha1", "SHA1", 20 },
	{ 0x000b, "sha256", "SHA256", 32 },
	{ 0x000c, "sha384", "SHA384", 48 },
	{ 0x000d, "sha512", "SHA512", 64 },
	{ 0x0012, "sm3_256", "SM3", 32 },
};

static inline const struct alg *alg_by_id(uint16_t id)
{
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].id == id)
			return &algs[i];
	return NULL;
}

static inline const struct alg *alg_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (!strcmp(algs[i].name, name))
			return &algs[i];
	return NULL;
}

static inline int hash(const struct alg *a, const void *d, size_t n, uint8_t *out)
{
	const EVP_MD *md = EVP_get_digestbyname(a->ossl);
	unsigned int len = 0;

	if (!md || !EVP_Digest(d, n, out, &len, md, NULL) || len != a->size)
		return -EINVAL;
	return 0;
}

/* --- the TCG crypto-agile log, parsed here from the spec ---------------- */

struct rec {
	uint32_t pcr, type;
	uint8_t dig[MAX_BANKS][MAX_DIGEST];
	char *data;		/* NUL-terminated copy of the event data */
	uint32_t len;
	size_t off;		/* offset of the record in the log */
};

struct tlog {
	unsigned int nbanks;
	const struct alg *bank[MAX_BANKS];
	struct rec *r;
	size_t n;
	char *raw;
	size_t rawlen;
};

static inline uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static inline void tlog_free(struct tlog *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->r[i].data);
	free(l->r);
	free(l->raw);
	memset(l, 0, sizeof(*l));
}

/*
 * Parse a whole log.  Returns 0, or a negative errno with *why set: any
 * length that does not fit, an unknown algorithm or a bank list that does
 * not match the header is an error (a short trailing record too).
 */
static inline int tlog_parse_buf(struct tlog *l, char *raw, size_t len, const char **why)
{
	const uint8_t *p = (const uint8_t *)raw, *end = p + len;
	uint32_t esz, nalg, i;
	size_t cap = 0;

	memset(l, 0, sizeof(*l));
	l->raw = raw;
	l->rawlen = len;
	*why = "header too short";
	if (len < 32)
		return -EINVAL;
	esz = le32(p + 28);
	if (le32(p) != 0 || le32(p + 4) != 3 || esz > len - 32 || esz < 29) {
		*why = "first record is not an EV_NO_ACTION header";
		return -EINVAL;
	}
	if (memcmp(p + 32, "Spec ID Event03", 16)) {
		*why = "no Spec ID Event03 signature";
		return -EINVAL;
	}
	nalg = le32(p + 32 + 24);
	if (nalg == 0 || nalg > MAX_BANKS || 28 + 4 * nalg + 1 > esz) {
		*why = "bad numberOfAlgorithms";
		return -EINVAL;
	}
	for (i = 0; i < nalg; i++) {
		const uint8_t *a = p + 32 + 28 + 4 * i;

		l->bank[i] = alg_by_id(le16(a));
		if (!l->bank[i] || l->bank[i]->size != le16(a + 2)) {
			*why = "unknown algorithm or size in Spec ID";
			return -EINVAL;
		}
	}
	l->nbanks = nalg;
	p += 32 + esz;
	while (p < end) {
		struct rec r = { .off = (size_t)(p - (const uint8_t *)raw) };

		*why = "truncated record";
		if (end - p < 12)
			return -EINVAL;
		r.pcr = le32(p);
		r.type = le32(p + 4);
		if (le32(p + 8) != nalg) {
			*why = "record digest count differs from header";
			return -EINVAL;
		}
		p += 12;
		for (i = 0; i < nalg; i++) {
			if ((size_t)(end - p) < 2 + l->bank[i]->size)
				return -EINVAL;
			if (le16(p) != l->bank[i]->id) {
				*why = "record bank order differs from header";
				return -EINVAL;
			}
			memcpy(r.dig[i], p + 2, l->bank[i]->size);
			p += 2 + l->bank[i]->size;
		}
		if (end - p < 4)
			return -EINVAL;
		r.len = le32(p);
		p += 4;
		if ((size_t)(end - p) < r.len)
			return -EINVAL;
		r.data = malloc(r.len + 1);
		if (!r.data)
			return -ENOMEM;
		memcpy(r.data, p, r.len);
		r.data[r.len] = 0;
		p += r.len;
		if (l->n == cap) {
			struct rec *nr;

			cap = cap ? cap * 2 : 256;
			nr = realloc(l->r, cap * sizeof(*nr));
			if (!nr) {
				free(r.data);
				return -ENOMEM;
			}
			l->r = nr;
		}
		l->r[l->n++] = r;
	}
	*why = NULL;
	return 0;
}

static inline int tlog_read(struct tlog *l, const char *path, const char **why)
{
	char *raw = NULL;
	size_t len = 0;
	int err = read_all(path, &raw, &len);

	if (err) {
		*why = "cannot read the log";
		memset(l, 0, sizeof(*l));
		return err;
	}
	err = tlog_parse_buf(l, raw, len, why);
	if (err) {
		ksft_print_msg("%s: %s (%zu bytes)\n", path, *why, len);
	}
	return err;
}

/*
 * Replay the first n records (all of them when n > l->n): every register
 * starts at zero, R = H(R || digest).  out[i] gets bank i's value.
 */
static inline void tlog_replay(const struct tlog *l, size_t n, uint8_t out[][MAX_DIGEST])
{
	size_t i, k;

	if (n > l->n)
		n = l->n;
	for (k = 0; k < l->nbanks; k++) {
		const struct alg *a = l->bank[k];
		uint8_t buf[2 * MAX_DIGEST];

		memset(out[k], 0, MAX_DIGEST);
		for (i = 0; i < n; i++) {
			memcpy(buf, out[k], a->size);
			memcpy(buf + a->size, l->r[i].dig[k], a->size);
			hash(a, buf, 2 * a->size, out[k]);
		}
	}
}

/* --- register / snapshot files ----------------------------------------- */

struct regs {
	char backend[16];
	int index;
	long count;		/* snapshot only */
	unsigned int nbanks;
	char alg[MAX_BANKS][16];
	char hex[MAX_BANKS][2 * MAX_DIGEST + 1];
};

/* Parse "key value" lines of register, snapshot or containers/<id>/register. */
static inline int regs_read(const char *path, struct regs *r)
{
	char *b = NULL, *line, *save = NULL;
	int err = read_all(path, &b, NULL);

	memset(r, 0, sizeof(*r));
	r->index = -1;
	r->count = -1;
	if (err)
		return err;
	for (line = strtok_r(b, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char k[32], v[2 * MAX_DIGEST + 2];

		if (sscanf(line, "%31s %129s", k, v) != 2) {
			err = -EINVAL;
			break;
		}
		if (!strcmp(k, "backend"))
			snprintf(r->backend, sizeof(r->backend), "%.15s", v);
		else if (!strcmp(k, "index"))
			r->index = atoi(v);
		else if (!strcmp(k, "count"))
			r->count = atol(v);
		else if (!strcmp(k, "version"))
			;
		else if (r->nbanks < MAX_BANKS && alg_by_name(k)) {
			snprintf(r->alg[r->nbanks], sizeof(r->alg[0]), "%.15s", k);
			snprintf(r->hex[r->nbanks], sizeof(r->hex[0]), "%.128s", v);
			r->nbanks++;
		} else {
			err = -EINVAL;
			break;
		}
	}
	free(b);
	return err;
}

/* Compare a replay with register lines; logs every mismatch.  0 = equal. */
static inline int regs_cmp_replay(const struct regs *r, const struct tlog *l,
			   uint8_t val[][MAX_DIGEST], const char *what)
{
	unsigned int k;
	int bad = 0;

	if (r->nbanks != l->nbanks) {
		ksft_print_msg("%s: %u banks, log has %u\n", what, r->nbanks,
			       l->nbanks);
		return -1;
	}
	for (k = 0; k < l->nbanks; k++) {
		char hex[2 * MAX_DIGEST + 1];

		to_hex(val[k], l->bank[k]->size, hex);
		if (strcmp(r->alg[k], l->bank[k]->name) || strcmp(r->hex[k], hex)) {
			ksft_print_msg("%s: %s %s, replay %s %s\n", what, r->alg[k],
				       r->hex[k], l->bank[k]->name, hex);
			bad = -1;
		}
	}
	return bad;
}

/* --- event data ---------------------------------------------------------- */

/* Value of key in "cima/1 kind k=v ..." copied to out; false if absent. */
static inline bool ev_get(const char *data, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);
	const char *p = data;

	while ((p = strchr(p, ' '))) {
		p++;
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			size_t vl = strcspn(p + kl + 1, " ");

			if (vl >= n)
				return false;
			memcpy(out, p + kl + 1, vl);
			out[vl] = 0;
			return true;
		}
	}
	return false;
}

static inline bool ev_is(const char *data, const char *kind)
{
	size_t kl = strlen(kind);

	return !strncmp(data, "cima/1 ", 7) && !strncmp(data + 7, kind, kl) &&
	       data[7 + kl] == ' ';
}

static inline bool ev_of(const char *data, const char *id)
{
	char v[CIMA_ID_MAX + 1];

	return ev_get(data, "id", v, sizeof(v)) && !strcmp(v, id);
}

/* --- containers ------------------------------------------------------------ */

static inline void random_id(char out[65])
{
	uint8_t b[32];
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd < 0 || read(fd, b, sizeof(b)) != sizeof(b))
		abort();
	close(fd);
	to_hex(b, 32, out);
}

#define TEST_PARENT	CG_ROOT "/cima-selftest"

static inline int cg_parent(void)
{
	if (mkdir(TEST_PARENT, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Create a tracked container cgroup <TEST_PARENT>/<id>; path into cg. */
static inline int cg_create(const char *id, char *cg, size_t n)
{
	int err = cg_parent();

	if (err)
		return err;
	snprintf(cg, n, "%s/%s", TEST_PARENT, id);
	if (mkdir(cg, 0755))
		return -errno;
	return 0;
}

/* Move the calling process into cgroup directory cg. */
static inline int cg_enter(const char *cg)
{
	char p[512], pid[32];

	snprintf(p, sizeof(p), "%s/cgroup.procs", cg);
	snprintf(pid, sizeof(pid), "%d", getpid());
	return write_str(p, pid, strlen(pid));
}

/*
 * Fork a child that enters cg and execs path with argv (stdout to
 * /dev/null when quiet).  Returns the exit status (0..255), or -1 on any
 * failure to run.
 */
static inline int cg_exec(const char *cg, const char *path, char *const argv[], bool quiet)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (cg && cg_enter(cg))
			_exit(126);
		if (quiet) {
			int fd = open("/dev/null", O_WRONLY);

			dup2(fd, 1);
		}
		execv(path, argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static inline int cg_run(const char *cg, char *const argv[], bool quiet)
{
	return cg_exec(cg, argv[0], argv, quiet);
}

static inline bool module_loaded(void)
{
	return access(FS "/register", F_OK) == 0;
}

/* In a test: skip it unless root with cima.ko loaded. */
#define REQUIRE_MODULE() do {						\
	if (geteuid() != 0)						\
		SKIP(return, "needs root");				\
	if (!module_loaded())						\
		SKIP(return, "cima.ko is not loaded (%s missing)", FS);	\
} while (0)

/*
 * Per-test time limit (seconds) of the kmod selftests' fixtures: under
 * TCG a test takes far longer than the harness's default of 30 s;
 * selftests/run.sh bounds the whole program.
 */
#define KMOD_TEST_TIMEOUT	300

#endif /* CIMA_SELFTEST_KMOD_UTIL_H */
