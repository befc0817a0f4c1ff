// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The cima module's containers: list, find by cgroup, per-container view
 * and register.  The files are read by lib/securityfs.c.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uapi/cima.h>

#include "securityfs.h"

void cima_container_ids_free(char **ids)
{
	if (!ids)
		return;
	for (size_t i = 0; ids[i]; i++)
		free(ids[i]);
	free(ids);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cima_container_list(char ***idsp)
{
	const char *path = CIMA_FS_ROOT "/" CIMA_DIR_CONTAINERS;
	char **ids = NULL, **tmp;
	size_t n = 0;
	struct dirent *de;
	DIR *d;
	int ret;

	if (!idsp)
		return cima__err(-EINVAL, "NULL output");
	d = opendir(path);
	if (!d) {
		ret = -errno;
		return cima__err(ret, "%s: %s", path, strerror(-ret));
	}
	ids = calloc(1, sizeof(*ids));
	if (!ids)
		goto nomem;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		tmp = realloc(ids, (n + 2) * sizeof(*ids));
		if (!tmp)
			goto nomem;
		ids = tmp;
		ids[n] = strdup(de->d_name);
		if (!ids[n])
			goto nomem;
		ids[++n] = NULL;
	}
	closedir(d);
	qsort(ids, n, sizeof(*ids), cmp_str);
	*idsp = ids;
	return (int)n;
nomem:
	closedir(d);
	cima_container_ids_free(ids);
	return cima__err(-ENOMEM, "out of memory");
}

/* Is @cg (escaped) the cgroup @mine (escaped) or below it? */
static bool cgroup_within(const char *cg, const char *mine)
{
	size_t n = strlen(mine);

	if (!strcmp(mine, "/"))
		return true;
	return !strncmp(cg, mine, n) && (cg[n] == '\0' || cg[n] == '/');
}

int cima_container_find(const char *fsroot, const char *cgroup, char **idp)
{
	char dir[4096], path[4096 + 300], *esc, *best = NULL;
	size_t best_len = 0;
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (!cgroup || !idp)
		return cima__err(-EINVAL, "container find: NULL argument");
	snprintf(dir, sizeof(dir), "%s/%s", fsroot ? fsroot : CIMA_FS_ROOT,
		 CIMA_DIR_CONTAINERS);
	esc = cima__sfs_escape(cgroup);
	if (!esc)
		return cima__err(-ENOMEM, "out of memory");
	d = opendir(dir);
	if (!d) {
		ret = -errno;
		free(esc);
		return cima__err(ret, "cannot open %s: %s%s", dir, strerror(-ret),
				 ret == -ENOENT ? " (is cima.ko loaded?)" : "");
	}
	while ((de = readdir(d))) {
		char *mine;

		if (de->d_name[0] == '.' || cima__check_container_id(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", dir, de->d_name, CIMA_CFILE_CGROUP);
		if (cima__sfs_read_cgroup(path, &mine, NULL))
			continue;	/* stopped meanwhile */
		if (cgroup_within(esc, mine) && (!best || strlen(mine) > best_len)) {
			free(best);
			best = strdup(de->d_name);
			best_len = strlen(mine);
			if (!best)
				ret = cima__err(-ENOMEM, "out of memory");
		}
		free(mine);
		if (ret)
			break;
	}
	closedir(d);
	free(esc);
	if (!ret && !best)
		ret = cima__err(-ENOENT, "cgroup %s is not a cima container (no %s/*/%s matches)",
				cgroup, dir, CIMA_CFILE_CGROUP);
	if (ret) {
		free(best);
		return ret;
	}
	*idp = best;
	return 0;
}

struct cima_eventlog *cima_container_eventlog(const char *id)
{
	CIMA_OPTS(cima_eventlog_opts, o, .source = CIMA_SOURCE_CIMA, .container = id);

	if (!id)
		return cima__err_ptr(-EINVAL, "NULL container id");
	return cima_eventlog_open(&o);
}

struct cima_replay *cima_container_register(const char *id)
{
	struct cima__sfs_register reg;
	struct cima__sfs_values v;
	struct cima_replay *r;
	char path[256];
	int ret;

	ret = cima__check_container_id(id);
	if (!ret)
		ret = cima__sfs_container_path(path, sizeof(path), NULL, id,
					       CIMA_CFILE_REGISTER);
	if (!ret)
		ret = cima__sfs_read_values(path, &v);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	/* The register index: the module's platform register. */
	if (cima__sfs_read_register(CIMA_FS_ROOT "/" CIMA_FILE_REGISTER, &reg))
		reg.index = 0;
	r = cima_replay_new();
	for (unsigned int i = 0; r && i < v.nbanks && !ret; i++)
		ret = cima_replay_set(r, reg.index, v.alg[i], v.val[i],
				      cima_alg_digest_size(v.alg[i]));
	if (ret) {
		cima_replay_free(r);
		errno = -ret;
		return NULL;
	}
	return r;
}
