// SPDX-License-Identifier: LGPL-2.1-or-later
// C helpers of the Go binding (compiled by cgo with the package).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cima_go.h"

typedef int (*dump_fn)(const void *obj, FILE *out);

/* Run a libcima dump function into a malloc'd string (caller frees). */
static char *dump(dump_fn fn, const void *obj, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		*rc = -errno;
		return NULL;
	}
	*rc = fn(obj, f);
	if (fclose(f) && *rc >= 0)
		*rc = -EIO;
	return buf;
}

char *cima_go_event_dump(const struct cima_event *ev, int *rc)
{
	return dump((dump_fn)cima_event_dump, ev, rc);
}

char *cima_go_report_dump(const struct cima_report *r, int json, int *rc)
{
	return dump(json ? (dump_fn)cima_report_dump_json : (dump_fn)cima_report_dump, r, rc);
}

char *cima_go_verify_dump(const struct cima_verify_result *r, int *rc)
{
	return dump((dump_fn)cima_verify_dump, r, rc);
}

char *cima_go_evidence_save(const struct cima_evidence *ev, int *rc, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f) {
		*rc = -errno;
		return NULL;
	}
	*rc = cima_evidence_save(ev, f);
	if (fclose(f) && *rc >= 0)
		*rc = -EIO;
	return buf;
}

char *cima_go_evidence_result_json(const struct cima_evidence_result *res, int *rc)
{
	return dump((dump_fn)cima_evidence_result_dump_json, res, rc);
}
