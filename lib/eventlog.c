// SPDX-License-Identifier: LGPL-2.1-or-later
/* Event lists: reading sources, merging them, accessors, per-event checks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <uapi/cima.h>

#include "eventlog_internal.h"

static const char *const source_names[] = {
	[CIMA_SOURCE_ALL] = "all",
	[CIMA_SOURCE_FIRMWARE] = "firmware",
	[CIMA_SOURCE_CCEL] = "ccel",
	[CIMA_SOURCE_IMA] = "ima",
	[CIMA_SOURCE_CIMA] = "cima",
};

const char *cima_source_name(int source)
{
	if (source < 0 || source >= (int)ARRAY_SIZE(source_names))
		return NULL;
	return source_names[source];
}

int cima_source_from_name(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(source_names); i++)
		if (!strcasecmp(name, source_names[i]))
			return (int)i;
	return -EINVAL;
}

static struct cima_eventlog *eventlog_new(void)
{
	struct cima_eventlog *log = calloc(1, sizeof(*log));

	if (!log) {
		cima__err(-ENOMEM, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	log->locality = -1;
	return log;
}

void cima_eventlog_free(struct cima_eventlog *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->nbufs; i++)
		free(log->bufs[i]);
	free(log->bufs);
	for (size_t i = 0; i < log->nnames; i++)
		free(log->names[i]);
	free(log->names);
	free(log->ev);
	free(log);
}

struct cima_event *cima__eventlog_add(struct cima_eventlog *log)
{
	struct cima_event *ev;

	if (log->n == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 64;
		struct cima_event *tmp;

		if (cap > SIZE_MAX / sizeof(*tmp) ||
		    !(tmp = realloc(log->ev, cap * sizeof(*tmp)))) {
			cima__err(-ENOMEM, "out of memory for %zu events", cap);
			return NULL;
		}
		log->ev = tmp;
		log->cap = cap;
	}
	ev = &log->ev[log->n];
	memset(ev, 0, sizeof(*ev));
	ev->number = log->n++;
	return ev;
}

const char *cima__eventlog_intern(struct cima_eventlog *log, const uint8_t *name,
				  size_t len)
{
	char **tmp, *copy;

	for (size_t i = 0; i < log->nnames; i++)
		if (strlen(log->names[i]) == len && !memcmp(log->names[i], name, len))
			return log->names[i];
	tmp = realloc(log->names, (log->nnames + 1) * sizeof(*tmp));
	if (!tmp)
		return NULL;
	log->names = tmp;
	copy = strndup((const char *)name, len);
	if (!copy)
		return NULL;
	log->names[log->nnames++] = copy;
	return copy;
}

int cima__eventlog_add_bank(struct cima_eventlog *log, uint16_t alg)
{
	for (size_t i = 0; i < log->nbanks; i++)
		if (log->banks[i] == alg)
			return 0;
	if (log->nbanks == CIMA_MAX_BANKS)
		return cima__err(-E2BIG, "more than %d banks across sources", CIMA_MAX_BANKS);
	log->banks[log->nbanks++] = alg;
	return 0;
}

static int take_buffer(struct cima_eventlog *log, uint8_t *buf)
{
	uint8_t **tmp = realloc(log->bufs, (log->nbufs + 1) * sizeof(*tmp));

	if (!tmp)
		return cima__err(-ENOMEM, "out of memory");
	log->bufs = tmp;
	log->bufs[log->nbufs++] = buf;
	return 0;
}

/* Parse @buf (ownership passes to the log, even on failure). */
static struct cima_eventlog *parse_owned(uint8_t *buf, size_t len, int source,
					 uint16_t ima_alg)
{
	struct cima_eventlog *log = eventlog_new();
	int ret;

	if (!log) {
		free(buf);
		return NULL;
	}
	ret = take_buffer(log, buf);
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
		ret = cima__ima_parse(log, buf, len, ima_alg ? ima_alg : CIMA_ALG_SHA1);
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

	if (!buf && len) {
		cima__err(-EINVAL, "NULL buffer");
		errno = EINVAL;
		return NULL;
	}
	copy = malloc(len ? len : 1);
	if (!copy) {
		cima__err(-ENOMEM, "out of memory for a %zu-byte log", len);
		errno = ENOMEM;
		return NULL;
	}
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

int cima__pcr_to_mr(uint32_t pcr)
{
	if (pcr == 0)
		return 0;
	if (pcr == 1 || pcr == 7)
		return 1;
	if (pcr >= 2 && pcr <= 6)
		return 2;
	if (pcr >= 8 && pcr <= 15)
		return 3;
	return -1;
}

int cima_eventlog_append(struct cima_eventlog *log, struct cima_eventlog *other)
{
	size_t base;
	int ret = 0;

	if (!log || !other) {
		cima_eventlog_free(other);
		return cima__err(-EINVAL, "NULL event log");
	}
	for (size_t i = 0; i < other->nbanks && !ret; i++)
		ret = cima__eventlog_add_bank(log, other->banks[i]);
	if (ret)
		goto out;
	for (size_t i = 0; i < other->nbufs; i++) {
		ret = take_buffer(log, other->bufs[i]);
		if (ret)
			goto out;
		other->bufs[i] = NULL;
	}
	/* Template names: the events point at them; move them over. */
	if (other->nnames) {
		char **tmp = realloc(log->names, (log->nnames + other->nnames) * sizeof(*tmp));

		if (!tmp) {
			ret = cima__err(-ENOMEM, "out of memory");
			goto out;
		}
		log->names = tmp;
		memcpy(log->names + log->nnames, other->names, other->nnames * sizeof(*tmp));
		log->nnames += other->nnames;
		other->nnames = 0;
	}
	base = log->n;
	for (size_t i = 0; i < other->n; i++) {
		struct cima_event *ev = cima__eventlog_add(log);

		if (!ev) {
			/* Drop what was added: no partial effect. */
			log->n = base;
			ret = -ENOMEM;
			goto out;
		}
		*ev = other->ev[i];
		ev->number = base + i;
	}
	log->cc |= other->cc;
	log->sources |= other->sources;
	if (other->locality >= 0)
		log->locality = other->locality;
	/* IMA logs PCR numbers; on a CC platform they land in MR indexes. */
	if (log->cc) {
		for (size_t i = 0; i < log->n; i++) {
			struct cima_event *ev = &log->ev[i];
			int mr;

			if (ev->source != CIMA_SOURCE_IMA)
				continue;
			mr = cima__pcr_to_mr(ev->log_index);
			if (mr >= 0)
				ev->index = (uint32_t)mr;
		}
	}
out:
	cima_eventlog_free(other);
	return ret;
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

/* Keep events [start, start + count) of @log. */
static int slice(struct cima_eventlog *log, uint32_t start, uint32_t count)
{
	size_t keep;

	if (start > log->n)
		return cima__err(-ERANGE, "start %u is past the last event (the log has %zu)",
				 start, log->n);
	keep = log->n - start;
	if (count && count < keep)
		keep = count;
	memmove(log->ev, log->ev + start, keep * sizeof(*log->ev));
	log->n = keep;
	return 0;
}

static struct cima_eventlog *open_all(void)
{
	static const int order[] = { CIMA_SOURCE_FIRMWARE, CIMA_SOURCE_CCEL,
				     CIMA_SOURCE_IMA, CIMA_SOURCE_CIMA };
	struct cima_eventlog *log = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		const char *path = default_path(order[i]);
		struct cima_eventlog *one;
		int ret;

		if (!file_exists(path))
			continue;
		/* A TDX guest with a vTPM: the firmware log already covers boot. */
		if (order[i] == CIMA_SOURCE_CCEL && log &&
		    (log->sources & (1u << CIMA_SOURCE_FIRMWARE)))
			continue;
		one = open_file(path, order[i], 0);
		if (!one) {
			int err = errno;

			cima_eventlog_free(log);
			errno = err;
			return NULL;
		}
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
	if (!log) {
		cima__err(-ENOENT, "no event log found (%s, %s, %s, %s)",
			  CIMA_PATH_FIRMWARE_LOG, CIMA_PATH_CCEL_LOG,
			  CIMA_PATH_IMA_LOG, CIMA_PATH_CIMA_LOG);
		errno = ENOENT;
	}
	return log;
}

static bool valid_container_id(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > CIMA_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || (i && (c == '.' || c == '_' || c == '-'))))
			return false;
	}
	return true;
}

struct cima_eventlog *cima_eventlog_open(const struct cima_eventlog_opts *opts)
{
	struct cima_eventlog_opts o = { 0 };
	struct cima_eventlog *log;
	char cpath[256];
	const char *path;
	int ret;

	if (opts) {
		if (opts->sz < sizeof(size_t)) {
			cima__err(-EINVAL, "cima_eventlog_opts.sz is not set");
			errno = EINVAL;
			return NULL;
		}
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	}
	if (o.source < CIMA_SOURCE_ALL || o.source > CIMA_SOURCE_CIMA ||
	    (o.source == CIMA_SOURCE_ALL && (o.path || o.container)) ||
	    (o.container && (o.source != CIMA_SOURCE_CIMA || o.path))) {
		cima__err(-EINVAL, "invalid options: source %d%s%s", o.source,
			  o.path ? " with a path" : "",
			  o.container ? " with a container" : "");
		errno = EINVAL;
		return NULL;
	}
	if (o.source == CIMA_SOURCE_ALL) {
		log = open_all();
	} else {
		path = o.path ? o.path : default_path(o.source);
		if (o.container) {
			if (!valid_container_id(o.container)) {
				cima__err(-EINVAL, "invalid container id '%s'", o.container);
				errno = EINVAL;
				return NULL;
			}
			snprintf(cpath, sizeof(cpath), "%s/%s/%s/%s", CIMA_FS_ROOT,
				 CIMA_DIR_CONTAINERS, o.container, CIMA_CFILE_BINARY_LOG);
			path = cpath;
		}
		log = open_file(path, o.source, o.ima_alg);
	}
	if (!log)
		return NULL;
	if (o.start || o.count) {
		ret = slice(log, o.start, o.count);
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

size_t cima_eventlog_count(const struct cima_eventlog *log)
{
	return log ? log->n : 0;
}

const struct cima_event *cima_eventlog_event(const struct cima_eventlog *log, size_t i)
{
	if (!log || i >= log->n) {
		errno = ERANGE;
		return NULL;
	}
	return &log->ev[i];
}

int cima_eventlog_banks(const struct cima_eventlog *log, uint16_t *algs, size_t max)
{
	if (!log)
		return -EINVAL;
	for (size_t i = 0; i < log->nbanks && i < max; i++)
		algs[i] = log->banks[i];
	return (int)log->nbanks;
}

bool cima_eventlog_is_cc(const struct cima_eventlog *log)
{
	return log && log->cc;
}

int cima_eventlog_startup_locality(const struct cima_eventlog *log)
{
	return log && log->locality >= 0 ? log->locality : -ENOENT;
}

/* --- events --- */

int cima_event_source(const struct cima_event *ev) { return ev->source; }
uint32_t cima_event_index(const struct cima_event *ev) { return ev->index; }
uint32_t cima_event_log_index(const struct cima_event *ev) { return ev->log_index; }
uint32_t cima_event_type(const struct cima_event *ev) { return ev->type; }
size_t cima_event_number(const struct cima_event *ev) { return ev->number; }
size_t cima_event_offset(const struct cima_event *ev) { return ev->offset; }
size_t cima_event_digest_count(const struct cima_event *ev) { return ev->ndig; }
bool cima_event_is_violation(const struct cima_event *ev) { return ev->flags & EVF_VIOLATION; }
bool cima_event_is_measured(const struct cima_event *ev) { return ev->flags & EVF_MEASURED; }

const char *cima_event_ima_template(const struct cima_event *ev)
{
	return ev->source == CIMA_SOURCE_IMA ? ev->tmpl : NULL;
}

static size_t digest_len(const struct cima_event *ev, size_t i)
{
	return ev->dlen[i];
}

const uint8_t *cima_event_digest(const struct cima_event *ev, size_t i,
				 uint16_t *alg, size_t *len)
{
	if (i >= ev->ndig) {
		errno = ERANGE;
		return NULL;
	}
	if (alg)
		*alg = ev->alg[i];
	if (len)
		*len = digest_len(ev, i);
	return ev->dig[i];
}

const uint8_t *cima_event_digest_by_alg(const struct cima_event *ev, uint16_t alg,
					size_t *len)
{
	for (size_t i = 0; i < ev->ndig; i++)
		if (ev->alg[i] == alg)
			return cima_event_digest(ev, i, NULL, len);
	errno = ENOENT;
	return NULL;
}

const uint8_t *cima_event_data(const struct cima_event *ev, size_t *len)
{
	static const uint8_t empty[1];

	if (len)
		*len = ev->data_len;
	return ev->data ? ev->data : empty;
}

/*
 * Firmware event types whose digest the PC Client spec defines as the hash
 * of the event data itself, so the data can be checked against it.
 */
static bool firmware_digest_is_data_hash(uint32_t type)
{
	switch (type) {
	case 0x4:		/* EV_SEPARATOR */
	case 0x5:		/* EV_ACTION */
	case 0x80000007:	/* EV_EFI_ACTION */
	case 0x80000001:	/* EV_EFI_VARIABLE_DRIVER_CONFIG */
		return true;
	}
	return false;
}

/*
 * cima records: a bank the kernel could not compute carries another bank's
 * hash of the data, truncated or zero-padded (include/uapi/cima.h).
 */
static bool other_bank_digest(const struct cima_event *ev, size_t i)
{
	uint8_t md[CIMA_MAX_DIGEST_SIZE], want[CIMA_MAX_DIGEST_SIZE];
	size_t size = ev->dlen[i];

	for (size_t j = 0; j < ev->ndig; j++) {
		int n;

		if (j == i || !cima__md(ev->alg[j]))
			continue;
		n = cima__hash(ev->alg[j], ev->data, ev->data_len, md);
		if (n < 0)
			continue;
		memset(want, 0, sizeof(want));
		memcpy(want, md, (size_t)n < size ? (size_t)n : size);
		if (!memcmp(want, ev->dig[i], size))
			return true;
	}
	return false;
}

int cima_event_check(const struct cima_event *ev)
{
	uint8_t md[CIMA_MAX_DIGEST_SIZE];
	int ret;

	if (ev->source == CIMA_SOURCE_IMA) {
		if (ev->flags & EVF_VIOLATION)
			return 0;
		ret = cima__ima_template_hash(ev, ev->alg[0], md);
		if (ret < 0)
			return ret;
		if (memcmp(md, ev->dig[0], ev->dlen[0]))
			return cima__err(-EBADMSG, "event %zu (ima, index %u, offset %zu): template digest does not match the template data",
					 ev->number, ev->index, ev->offset);
		return 0;
	}
	if (!(ev->flags & EVF_MEASURED))
		return 0;
	if (ev->source == CIMA_SOURCE_FIRMWARE || ev->source == CIMA_SOURCE_CCEL) {
		if (!firmware_digest_is_data_hash(ev->type))
			return 0;
	} else if (ev->data_len == strlen(CIMA_REDACTED_DATA) &&
		   !memcmp(ev->data, CIMA_REDACTED_DATA, ev->data_len)) {
		return 0;
	}
	for (size_t i = 0; i < ev->ndig; i++) {
		if (!cima__md(ev->alg[i]))
			continue;
		ret = cima__hash(ev->alg[i], ev->data, ev->data_len, md);
		if (ret < 0)
			return ret;
		if (memcmp(md, ev->dig[i], (size_t)ret) &&
		    (ev->source != CIMA_SOURCE_CIMA || !other_bank_digest(ev, i)))
			return cima__err(-EBADMSG, "event %zu (%s, index %u, offset %zu): %s digest does not match the event data",
					 ev->number, cima_source_name(ev->source),
					 ev->index, ev->offset, cima_alg_name(ev->alg[i]));
	}
	return 0;
}

/* --- TCG event type names (TCG PC Client PFP spec, section 10.4.1) --- */

static const struct {
	uint32_t type;
	const char *name;
} type_names[] = {
	{ 0x0, "EV_PREBOOT_CERT" }, { 0x1, "EV_POST_CODE" }, { 0x2, "EV_UNUSED" },
	{ 0x3, "EV_NO_ACTION" }, { 0x4, "EV_SEPARATOR" }, { 0x5, "EV_ACTION" },
	{ 0x6, "EV_EVENT_TAG" }, { 0x7, "EV_S_CRTM_CONTENTS" },
	{ 0x8, "EV_S_CRTM_VERSION" }, { 0x9, "EV_CPU_MICROCODE" },
	{ 0xa, "EV_PLATFORM_CONFIG_FLAGS" }, { 0xb, "EV_TABLE_OF_DEVICES" },
	{ 0xc, "EV_COMPACT_HASH" }, { 0xd, "EV_IPL" }, { 0xe, "EV_IPL_PARTITION_DATA" },
	{ 0xf, "EV_NONHOST_CODE" }, { 0x10, "EV_NONHOST_CONFIG" },
	{ 0x11, "EV_NONHOST_INFO" }, { 0x12, "EV_OMIT_BOOT_DEVICE_EVENTS" },
	{ 0x13, "EV_POST_CODE2" },
	{ 0x80000001, "EV_EFI_VARIABLE_DRIVER_CONFIG" },
	{ 0x80000002, "EV_EFI_VARIABLE_BOOT" },
	{ 0x80000003, "EV_EFI_BOOT_SERVICES_APPLICATION" },
	{ 0x80000004, "EV_EFI_BOOT_SERVICES_DRIVER" },
	{ 0x80000005, "EV_EFI_RUNTIME_SERVICES_DRIVER" },
	{ 0x80000006, "EV_EFI_GPT_EVENT" }, { 0x80000007, "EV_EFI_ACTION" },
	{ 0x80000008, "EV_EFI_PLATFORM_FIRMWARE_BLOB" },
	{ 0x80000009, "EV_EFI_HANDOFF_TABLES" },
	{ 0x8000000a, "EV_EFI_PLATFORM_FIRMWARE_BLOB2" },
	{ 0x8000000b, "EV_EFI_HANDOFF_TABLES2" },
	{ 0x8000000c, "EV_EFI_VARIABLE_BOOT2" }, { 0x8000000d, "EV_EFI_GPT_EVENT2" },
	{ 0x80000010, "EV_EFI_HCRTM_EVENT" },
	{ 0x800000e0, "EV_EFI_VARIABLE_AUTHORITY" },
	{ 0x800000e1, "EV_EFI_SPDM_FIRMWARE_BLOB" },
	{ 0x800000e2, "EV_EFI_SPDM_FIRMWARE_CONFIG" },
	{ 0x800000e3, "EV_EFI_SPDM_DEVICE_POLICY" },
	{ 0x800000e4, "EV_EFI_SPDM_DEVICE_AUTHORITY" },
};

const char *cima_event_type_name(uint32_t type)
{
	for (size_t i = 0; i < ARRAY_SIZE(type_names); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return "UNKNOWN";
}
