/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* C helpers of the Go binding: libcima dumps captured into malloc'd text. */
#ifndef CIMA_GO_H
#define CIMA_GO_H
#include <cima/cima.h>

char *cima_go_event_dump(const struct cima_event *ev, int *rc);
char *cima_go_report_dump(const struct cima_report *r, int json, int *rc);
char *cima_go_verify_dump(const struct cima_verify_result *r, int *rc);

char *cima_go_evidence_save(const struct cima_evidence *ev, int *rc, size_t *len);
char *cima_go_evidence_result_json(const struct cima_evidence_result *res, int *rc);
#endif
