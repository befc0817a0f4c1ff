// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * configfs-tsm reports (/sys/kernel/config/tsm/report, kernel v6.7+).
 *
 * Protocol: make an entry (a private one, named after the process and a
 * counter, unless the caller names a shared one), check its provider,
 * read generation G, write the 64-byte inblob (committed on close), read
 * outblob, read generation again: anything but G + 1 means another writer
 * changed inblob in between, so the outblob may not be ours: try again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform.h"

#define TSM_OUTBLOB_MAX	(32 * 1024)

static int read_text(const char *dir, const char *name, char *buf, size_t size)
{
	char path[700];
	uint8_t *b;
	size_t n;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ret = cima__read_file_max(path, &b, &n, size - 1);
	if (ret)
		return ret;
	while (n && (b[n - 1] == '\n' || b[n - 1] == '\0'))
		n--;
	memcpy(buf, b, n);
	buf[n] = '\0';
	free(b);
	return 0;
}

static int read_gen(const char *dir, unsigned long long *gen)
{
	char buf[32], *end;
	int ret = read_text(dir, "generation", buf, sizeof(buf));

	if (ret)
		return ret;
	errno = 0;
	*gen = strtoull(buf, &end, 10);
	if (errno || end == buf || *end)
		return cima__err(-EIO, "%s/generation: \"%s\" is not a number", dir, buf);
	return 0;
}

static int write_inblob(const char *dir, const uint8_t *rd)
{
	char path[700];
	ssize_t w;
	int fd, err;

	snprintf(path, sizeof(path), "%s/inblob", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return cima__err(-errno, "%s: %s", path, strerror(errno));
	do
		w = write(fd, rd, 64);
	while (w < 0 && errno == EINTR);
	err = w < 0 ? errno : w != 64 ? EIO : 0;
	/* configfs commits a binary attribute on close(). */
	if (close(fd) && !err)
		err = errno;
	if (err)
		return cima__err(-err, "%s: write: %s", path, strerror(err));
	return 0;
}

/*
 * Provider of the configfs-tsm report interface, found by creating (and
 * removing) a scratch entry: "" when configfs-tsm is absent or disabled.
 */
void cima__tsm_provider(const struct cima__plat *p, char *prov, size_t size)
{
	char dir[640];

	prov[0] = '\0';
	if (p->no_tsm || access(p->tsm_dir, W_OK))
		return;
	snprintf(dir, sizeof(dir), "%s/cima-probe-%d", p->tsm_dir, (int)getpid());
	if (mkdir(dir, 0700) && errno != EEXIST)
		return;
	if (read_text(dir, "provider", prov, size))
		prov[0] = '\0';
	rmdir(dir);
}

int cima__tsm_report(const struct cima__plat *p, const char *provider,
		     const uint8_t *rd, const struct cima_report_opts *opts,
		     uint8_t **out, size_t *out_len, uint8_t **aux,
		     size_t *aux_len)
{
	static atomic_uint counter;
	unsigned int retries = opts && opts->tsm_retries ? opts->tsm_retries : 10;
	bool priv = !(opts && opts->tsm_entry);
	char dir[640], path[700], prov[64];
	unsigned long long g0, g1;
	int ret;

	*out = *aux = NULL;
	*out_len = *aux_len = 0;
	if (priv) {
		snprintf(dir, sizeof(dir), "%s/cima-%d-%u", p->tsm_dir, (int)getpid(),
			 atomic_fetch_add(&counter, 1));
		if (mkdir(dir, 0700))
			return cima__err(-errno, "configfs-tsm: mkdir %s: %s", dir,
					 strerror(errno));
	} else {
		if (strchr(opts->tsm_entry, '/') || !*opts->tsm_entry ||
		    !strcmp(opts->tsm_entry, ".") || !strcmp(opts->tsm_entry, ".."))
			return cima__err(-EINVAL, "configfs-tsm: entry name \"%s\" invalid",
					 opts->tsm_entry);
		snprintf(dir, sizeof(dir), "%s/%s", p->tsm_dir, opts->tsm_entry);
	}
	ret = read_text(dir, "provider", prov, sizeof(prov));
	if (ret)
		goto out;
	if (strcmp(prov, provider)) {
		ret = cima__err(-ENODEV, "configfs-tsm: provider is \"%s\", not \"%s\"",
				prov, provider);
		goto out;
	}
	for (unsigned int i = 0; ; i++) {
		ret = read_gen(dir, &g0);
		if (!ret)
			ret = write_inblob(dir, rd);
		if (!ret) {
			snprintf(path, sizeof(path), "%s/outblob", dir);
			ret = cima__read_file_max(path, out, out_len, TSM_OUTBLOB_MAX);
		}
		if (!ret)
			ret = read_gen(dir, &g1);
		if (ret)
			goto out;
		if (g1 == g0 + 1)
			break;
		free(*out);
		*out = NULL;
		cima__log(CIMA_LOG_DEBUG, "configfs-tsm: %s: generation %llu -> %llu, another writer; retrying",
			  dir, g0, g1);
		if (i + 1 >= retries) {
			ret = cima__err(-EBUSY, "configfs-tsm: %s: another writer changed inblob in each of %u attempts (generation check)",
					dir, retries);
			goto out;
		}
	}
	if (*out_len == 0) {
		ret = cima__err(-EIO, "configfs-tsm: %s: empty outblob", dir);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/auxblob", dir);
	if (!strcmp(provider, "sev_guest") && !access(path, R_OK)) {
		if (cima__read_file_max(path, aux, aux_len, TSM_OUTBLOB_MAX)) {
			*aux = NULL;
			*aux_len = 0;
		}
	}
out:
	if (ret) {
		free(*out);
		*out = NULL;
		*out_len = 0;
	}
	if (priv)
		rmdir(dir);
	return ret;
}
