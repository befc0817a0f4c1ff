/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcima: the evidence bundle, and its one-step offline verification.
 *
 * A bundle is one versioned JSON document (Documentation/ABI/evidence-v1.md)
 * holding everything a remote verifier needs: the signed report (TPM quote
 * with its AK, TDX quote, SNP report and certificate table), the nonce and
 * user data, the report-data rule, the cima evidence snapshot, every event
 * log (firmware or CCEL, IMA, cima) and, when asked for, one container's
 * view.  cima_evidence_build() makes one on the attested machine;
 * cima_evidence_verify() checks one anywhere: it does no device, module or
 * network access.
 *
 * Verification runs the checks of enum cima_evidence_check in order and
 * stops at the first that fails.
 */
#ifndef CIMA_EVIDENCE_H
#define CIMA_EVIDENCE_H

#include <stdio.h>
#include <time.h>

#include <cima/common.h>
#include <cima/eventlog.h>
#include <cima/report.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The bundle format version this library writes and reads. */
#define CIMA_EVIDENCE_VERSION	1

/* Report-data rules a bundle may name (with their version, 1). */
#define CIMA_EVIDENCE_RULE_PLAIN	"sha512-nonce-data"	/* SHA-512(nonce || data) */
#define CIMA_EVIDENCE_RULE_SNAPSHOT	"cima-evidence-snapshot"	/* CIMA_SNAPSHOT_DOMAIN */

/*
 * The evidence-snapshot report-data rule (include/cima/report.h, struct
 * cima_report_opts; Documentation/library.md "The report-data rule"):
 * SHA-512 over the domain string and its NUL, the length-prefixed nonce and
 * user data, u64le(count), u32le(nbanks), then per bank u16le(alg),
 * u16le(size), value.  @values[i] holds the digest of bank @algs[i].
 * 0, or -EINVAL (unknown bank, too many banks, oversize input).
 */
CIMA_API int cima_evidence_report_data(const void *nonce, size_t nonce_len,
				       const void *data, size_t data_len,
				       uint64_t count, const uint16_t *algs,
				       const uint8_t *const *values, size_t nbanks,
				       uint8_t out[CIMA_REPORT_DATA_SIZE]);

struct cima_evidence;

struct cima_evidence_opts {
	size_t sz;
	/* Platform, PCR selection, AK...; evidence_snapshot is forced on
	 * when the cima module's snapshot file exists. */
	const struct cima_report_opts *report;
	/* Add this container's view of the cima log. */
	const char *container;
	/* TPM: PEM certificate chain of the AK (leaf first), copied in. */
	const char *ak_cert_path;
	/* cima securityfs directory (tests); NULL = CIMA_FS_ROOT. */
	const char *cima_root;
	/* Do not read the firmware / CCEL log, or IMA's list. */
	bool no_firmware_log;
	bool no_ima_log;
};
#define cima_evidence_opts__last_field no_ima_log

/*
 * Take a report binding @nonce and @data (raw bytes) and the cima
 * snapshot, then read the logs.  NULL + errno (as cima_get_cc_report(),
 * and ENOENT for a missing container).
 */
CIMA_API struct cima_evidence *cima_evidence_build(const void *nonce, size_t nonce_len,
						   const void *data, size_t data_len,
						   const struct cima_evidence_opts *opts);
CIMA_API void cima_evidence_free(struct cima_evidence *ev);

/* The bundle as JSON; 0 or -errno. */
CIMA_API int cima_evidence_save(const struct cima_evidence *ev, FILE *out);
/* Write atomically to @path (a temporary file renamed into place). */
CIMA_API int cima_evidence_save_file(const struct cima_evidence *ev, const char *path);

/*
 * Parse a bundle strictly: unknown keys, wrong types, a version other than
 * CIMA_EVIDENCE_VERSION, bad base64 or hex, inconsistent sizes, trailing
 * data are -EBADMSG with the field named.  (A key given twice is not
 * detected: json-c keeps the last.)  The content is not verified here.
 * NULL + errno.
 */
CIMA_API struct cima_evidence *cima_evidence_load(const void *buf, size_t len);
CIMA_API struct cima_evidence *cima_evidence_load_file(const char *path);

/* CIMA_PLATFORM_* of the bundle, its container id (or NULL), snapshot count. */
CIMA_API int cima_evidence_platform(const struct cima_evidence *ev);
CIMA_API const char *cima_evidence_container(const struct cima_evidence *ev);
CIMA_API int cima_evidence_snapshot_count(const struct cima_evidence *ev, uint64_t *count);
/*
 * The bundle's log of @source, parsed (NOT verified: use it after
 * cima_evidence_verify() passed, or to make reference values from a
 * trusted run).  NULL + errno (ENOENT: no such log).
 */
CIMA_API struct cima_eventlog *cima_evidence_log(const struct cima_evidence *ev, int source);

/* The checks, in the order they run. */
enum cima_evidence_check {
	CIMA_ECHECK_SIGNATURE = 0,	/* report signature / AK / vendor chain */
	CIMA_ECHECK_FRESHNESS = 1,	/* the bundle's nonce is the verifier's */
	CIMA_ECHECK_REPORT_DATA = 2,	/* report data = rule(nonce, data, snapshot) */
	CIMA_ECHECK_REGISTERS = 3,	/* quoted register values match the signed digest */
	CIMA_ECHECK_LOGS = 4,		/* every log parses */
	CIMA_ECHECK_REPLAY = 5,		/* logs replayed together = quoted registers */
	CIMA_ECHECK_SNAPSHOT = 6,	/* cima log prefix = the snapshot */
	CIMA_ECHECK_CONTAINER = 7,	/* the view agrees with the global log */
	CIMA_ECHECK_REFERENCE = 8,	/* every event covered by reference values */
	CIMA_ECHECK_COUNT = 9,
};

/* "signature", "freshness", "report-data", "registers", "logs", "replay",
 * "snapshot", "container", "reference"; NULL when out of range. */
CIMA_API const char *cima_evidence_check_name(int check);

enum cima_evidence_status {
	CIMA_ESTATUS_NOT_RUN = 0,	/* an earlier check failed */
	CIMA_ESTATUS_PASS = 1,
	CIMA_ESTATUS_FAIL = 2,
	CIMA_ESTATUS_SKIPPED = 3,	/* not asked for, or nothing to check (see note) */
};

struct cima_evidence_verify_opts {
	size_t sz;
	/* The verifier's nonce (required unless no_nonce). */
	const uint8_t *nonce;
	size_t nonce_len;
	/* Accept the bundle's nonce: freshness is reported as skipped. */
	bool no_nonce;
	/* Expected user data; NULL = the bundle's (bound by the report data). */
	const uint8_t *data;
	size_t data_len;
	/* TPM: the pinned AK public key (PEM SubjectPublicKeyInfo). */
	const char *ak_pem_path;
	/* TPM: root CA of the bundle's AK certificate chain; TDX: the root CA
	 * instead of the pinned Intel root; SNP: the ARK (and ASK) file. */
	const char *root_ca_path;
	/* Check this container's view (NULL = the bundle's, if any). */
	const char *container;
	/* Reference values file (Documentation/ABI/evidence-v1.md). */
	const char *reference_path;
	/* Certificate validity time; 0 = now. */
	time_t at_time;
};
#define cima_evidence_verify_opts__last_field at_time

struct cima_evidence_result;

/*
 * Verify @ev.  Returns 0 when every check passed (or was skipped),
 * -EKEYREJECTED when one failed (*res says which and why), other -errno
 * when the request itself is bad (-EINVAL: no nonce and no no_nonce) or
 * a given file is unreadable (-ENOENT...).  *res (may be NULL) is set on
 * 0 and -EKEYREJECTED; free it with cima_evidence_result_free().
 */
CIMA_API int cima_evidence_verify(const struct cima_evidence *ev,
				  const struct cima_evidence_verify_opts *opts,
				  struct cima_evidence_result **res);
CIMA_API void cima_evidence_result_free(struct cima_evidence_result *res);
/* The first failed check (enum cima_evidence_check), or -1 when none. */
CIMA_API int cima_evidence_result_failed(const struct cima_evidence_result *res);
/* Status (enum cima_evidence_status) of @check, and its note (never NULL). */
CIMA_API int cima_evidence_result_check(const struct cima_evidence_result *res,
					int check, const char **note);
/*
 * The verified events: the container's own cima events when a view was
 * checked, else every cima event the snapshot covers.  NULL when the
 * checks did not get that far.
 */
CIMA_API const struct cima_eventlog *cima_evidence_result_events(const struct cima_evidence_result *res);
/* Events the reference values do not cover ("event <n>: <data>"). */
CIMA_API size_t cima_evidence_result_uncovered_count(const struct cima_evidence_result *res);
CIMA_API const char *cima_evidence_result_uncovered(const struct cima_evidence_result *res,
						    size_t i);
/*
 * {"version":1,"verified":bool,"failed":"<check>"|null,
 *  "checks":[{"check","status","note"}...],"uncovered":[...],
 *  "events":[{"number","index","data","digests":[...]}]}
 */
CIMA_API int cima_evidence_result_dump_json(const struct cima_evidence_result *res,
					    FILE *out);

/*
 * Reference values: make a reference file from a cima log (binary, global
 * or a view; its first @count events, 0 = all): one section per container
 * (or only @container), with every file digest (exec, mmap), oci.config
 * digest and image annotation; @any_container writes one "container *"
 * section instead.  0 or -errno.
 */
CIMA_API int cima_reference_from_log(const struct cima_eventlog *log, size_t count,
				     const char *container, bool any_container,
				     FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* CIMA_EVIDENCE_H */
