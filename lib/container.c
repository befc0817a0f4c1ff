// SPDX-License-Identifier: LGPL-2.1-or-later
/* The cima module's containers: list, per-container view and register. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uapi/cima.h>

#include "eventlog_internal.h"

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

struct cima_eventlog *cima_container_eventlog(const char *id)
{
	CIMA_OPTS(cima_eventlog_opts, o, .source = CIMA_SOURCE_CIMA, .container = id);

	if (!id) {
		cima__err(-EINVAL, "NULL container id");
		errno = EINVAL;
		return NULL;
	}
	return cima_eventlog_open(&o);
}

/* The platform register's index from the module's register file. */
static uint32_t cima_register_index(void)
{
	char line[128];
	uint32_t index = 0;
	FILE *f = fopen(CIMA_FS_ROOT "/" CIMA_FILE_REGISTER, "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "index %u", &index) == 1)
			break;
	fclose(f);
	return index;
}

struct cima_replay *cima_container_register(const char *id)
{
	char path[256], line[256];
	struct cima_replay *r;
	uint32_t index;
	int ret = 0;
	FILE *f;

	if (!id || !*id || strchr(id, '/') || id[0] == '.' || strlen(id) > CIMA_ID_MAX) {
		cima__err(-EINVAL, "invalid container id '%s'", id ? id : "(null)");
		errno = EINVAL;
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/%s/%s/%s", CIMA_FS_ROOT, CIMA_DIR_CONTAINERS,
		 id, CIMA_CFILE_REGISTER);
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		cima__err(ret, "%s: %s", path, strerror(-ret));
		errno = -ret;
		return NULL;
	}
	index = cima_register_index();
	r = cima_replay_new();
	while (r && fgets(line, sizeof(line), f)) {
		char name[32], hex[160];
		uint8_t v[CIMA_MAX_DIGEST_SIZE];
		int alg;
		size_t n;

		if (sscanf(line, "%31s %159s", name, hex) != 2 ||
		    (alg = cima_alg_from_name(name)) < 0) {
			ret = cima__err(-EBADMSG, "%s: unexpected line '%.64s'", path, line);
			break;
		}
		n = cima_alg_digest_size((uint16_t)alg);
		if (cima__unhex(hex, strlen(hex), v, n)) {
			ret = cima__err(-EBADMSG, "%s: bad %s value", path, name);
			break;
		}
		ret = cima_replay_set(r, index, (uint16_t)alg, v, n);
		if (ret)
			break;
	}
	fclose(f);
	if (!r)
		return NULL;
	if (ret) {
		cima_replay_free(r);
		errno = -ret;
		return NULL;
	}
	return r;
}
