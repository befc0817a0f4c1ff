// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading event logs: bytes through the source's parser, a file given by
 * path, the live files and their default paths, a container's view, and
 * the merge of every live source.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uapi/cima.h>

#include "eventlog_internal.h"
#include "securityfs.h"

/* Parse @buf (ownership passes to the log, even on failure). */
static struct cima_eventlog *parse_owned(uint8_t *buf, size_t len, int source,
					 uint16_t ima_alg)
{
	struct cima_eventlog *log = cima__eventlog_new();
	int ret;

	if (!log) {
		free(buf);
		return NULL;
	}
	ret = cima__eventlog_take_buffer(log, buf);
	if (ret) {
		free(buf);
		goto fail;
	}
	switch (source) {
	case CIMA_SOURCE_FIRMWARE:
	case CIMA_SOURCE_CCEL:
	case CIMA_SOURCE_CIMA:
		ret = cima__tcg_parse(log, buf, len, source);
		break;
	case CIMA_SOURCE_IMA:
		/* No algorithm given (nor in the file's name): from the list itself. */
		ret = cima__ima_parse(log, buf, len,
				      ima_alg ? ima_alg : cima__ima_detect_alg(buf, len));
		break;
	default:
		ret = cima__err(-EINVAL, "cannot parse source %d from bytes", source);
	}
	if (ret)
		goto fail;
	log->sources = 1u << source;
	log->cc = source == CIMA_SOURCE_CCEL;
	return log;
fail:
	cima_eventlog_free(log);
	errno = -ret;
	return NULL;
}

struct cima_eventlog *cima_eventlog_parse(const void *buf, size_t len, int source)
{
	uint8_t *copy;

	if (!buf && len)
		return cima__err_ptr(-EINVAL, "NULL buffer");
	copy = malloc(len ? len : 1);
	if (!copy)
		return cima__err_ptr(-ENOMEM, "out of memory for a %zu-byte log", len);
	if (len)
		memcpy(copy, buf, len);
	return parse_owned(copy, len, source, 0);
}

/* IMA's per-bank lists are named binary_runtime_measurements_<alg>. */
static uint16_t ima_alg_from_path(const char *path)
{
	const char *base = strrchr(path, '/'), *us;
	int alg;

	base = base ? base + 1 : path;
	us = strrchr(base, '_');
	if (!us || strncmp(base, "binary_runtime_measurements_", 28))
		return 0;
	alg = cima_alg_from_name(us + 1);
	return alg > 0 ? (uint16_t)alg : 0;
}

static struct cima_eventlog *open_file(const char *path, int source,
				       uint16_t ima_alg)
{
	struct cima_eventlog *log;
	const char *msg;
	uint8_t *buf;
	size_t len;
	int ret;

	ret = cima__read_file(path, &buf, &len);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	if (source == CIMA_SOURCE_IMA && !ima_alg)
		ima_alg = ima_alg_from_path(path);
	log = parse_owned(buf, len, source, ima_alg);
	if (!log) {
		/* Prefix the parser's message with the file name. */
		char tmp[512];
		int err = errno;

		msg = cima_strerror_last();
		snprintf(tmp, sizeof(tmp), "%s", msg);
		cima__err(-err, "%s: %s", path, tmp);
		errno = err;
	}
	return log;
}

static bool file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static const char *default_path(int source)
{
	switch (source) {
	case CIMA_SOURCE_FIRMWARE:
		return CIMA_PATH_FIRMWARE_LOG;
	case CIMA_SOURCE_CCEL:
		return CIMA_PATH_CCEL_LOG;
	case CIMA_SOURCE_IMA:
		return CIMA_PATH_IMA_LOG;
	case CIMA_SOURCE_CIMA:
		return CIMA_PATH_CIMA_LOG;
	}
	return NULL;
}


/*
 * The cima view this process gets: inside a tracked container the module
 * resolves self/ to the container's own view (every event, others' data
 * redacted) and refuses the global log; elsewhere self/ gives -ENOENT.
 * Returns the parsed view, or NULL with errno ENOENT when not in a
 * container (or the module is absent).
 */
static struct cima_eventlog *open_self(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", cima__self_dir(), CIMA_CFILE_BINARY_LOG);
	if (!file_exists(path)) {
		errno = ENOENT;
		return NULL;
	}
	return open_file(path, CIMA_SOURCE_CIMA, 0);
}

static struct cima_eventlog *open_all(void)
{
	static const int order[] = { CIMA_SOURCE_FIRMWARE, CIMA_SOURCE_CCEL,
				     CIMA_SOURCE_IMA, CIMA_SOURCE_CIMA };
	struct cima_eventlog *log = NULL, *self;
	bool in_container;

	self = open_self();
	if (!self && errno != ENOENT)
		return NULL;
	in_container = self != NULL;
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		const char *path = default_path(order[i]);
		struct cima_eventlog *one;
		int ret;

		if (order[i] == CIMA_SOURCE_CIMA && self) {
			one = self;
			self = NULL;
			goto add;
		}
		if (!file_exists(path))
			continue;
		/* A TDX guest with a vTPM: the firmware log already covers boot. */
		if (order[i] == CIMA_SOURCE_CCEL && log &&
		    (log->sources & (1u << CIMA_SOURCE_FIRMWARE)))
			continue;
		one = open_file(path, order[i], 0);
		/*
		 * In a container the platform logs are readable only with
		 * root's rights over a mounted securityfs: without them the
		 * container still gets its own view.
		 */
		if (!one && in_container && (errno == EACCES || errno == EPERM))
			continue;
		if (!one) {
			int err = errno;

			cima_eventlog_free(self);
			cima_eventlog_free(log);
			errno = err;
			return NULL;
		}
add:
		if (!log) {
			log = one;
			continue;
		}
		ret = cima_eventlog_append(log, one);
		if (ret) {
			cima_eventlog_free(log);
			errno = -ret;
			return NULL;
		}
	}
	if (!log)
		return cima__err_ptr(-ENOENT, "no event log found (%s, %s, %s, %s)",
				     CIMA_PATH_FIRMWARE_LOG, CIMA_PATH_CCEL_LOG,
				     CIMA_PATH_IMA_LOG, CIMA_PATH_CIMA_LOG);
	return log;
}

struct cima_eventlog *cima_eventlog_open(const struct cima_eventlog_opts *opts)
{
	struct cima_eventlog_opts o;
	struct cima_eventlog *log;
	char cpath[256];
	const char *path;
	int ret;

	ret = CIMA_OPTS_LOAD(cima_eventlog_opts, opts, &o);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	if (o.source < CIMA_SOURCE_ALL || o.source > CIMA_SOURCE_CIMA ||
	    (o.source == CIMA_SOURCE_ALL && (o.path || o.container)) ||
	    (o.container && (o.source != CIMA_SOURCE_CIMA || o.path)))
		return cima__err_ptr(-EINVAL, "invalid options: source %d%s%s", o.source,
				     o.path ? " with a path" : "",
				     o.container ? " with a container" : "");
	if (o.source == CIMA_SOURCE_ALL) {
		log = open_all();
	} else {
		path = o.path ? o.path : default_path(o.source);
		if (o.container) {
			ret = cima__check_container_id(o.container);
			if (!ret)
				ret = cima__sfs_container_path(cpath, sizeof(cpath), NULL,
							       o.container,
							       CIMA_CFILE_BINARY_LOG);
			if (ret) {
				errno = -ret;
				return NULL;
			}
			path = cpath;
		}
		log = NULL;
		/* The live cima log, from inside a container: its own view. */
		if (o.source == CIMA_SOURCE_CIMA && !o.path && !o.container) {
			log = open_self();
			if (!log && errno != ENOENT)
				return NULL;
		}
		if (!log)
			log = open_file(path, o.source, o.ima_alg);
	}
	if (!log)
		return NULL;
	/* Whole live logs: replay may consult the live registers (IMA banks). */
	log->live = !o.path && !o.container && !o.start && !o.count;
	if (o.start || o.count) {
		ret = cima__eventlog_slice(log, o.start, o.count);
		if (ret) {
			cima_eventlog_free(log);
			errno = -ret;
			return NULL;
		}
	}
	return log;
}

struct cima_eventlog *cima_get_cc_eventlog(uint32_t start, uint32_t count)
{
	CIMA_OPTS(cima_eventlog_opts, o, .start = start, .count = count);

	return cima_eventlog_open(&o);
}

