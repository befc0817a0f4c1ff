/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcima event logs: read, replay and verify.
 *
 * Sources (enum cima_source):
 *   firmware   TPM binary_bios_measurements: TCG crypto-agile (Spec ID
 *              header, any banks, StartupLocality) or legacy SHA-1 (TCG 1.2)
 *   ccel       TDX CCEL log area: crypto-agile, trailing padding allowed;
 *              event index = IMR = RTMR number (CC MR index - 1)
 *   ima        IMA binary_runtime_measurements (any template, violations)
 *   cima       the cima module's global log or a container's view
 *
 * A log (struct cima_eventlog) is an ordered list of events from one or
 * more sources, in boot order (firmware or ccel, then ima, then cima).
 * Replaying it gives one value per (register index, bank); verifying
 * compares those values with the live registers or with given ones.
 *
 * Every event keeps the byte offset where it starts in its source, and
 * parse errors name that offset (cima_strerror_last()).
 */
#ifndef CIMA_EVENTLOG_H
#define CIMA_EVENTLOG_H

#include <stdio.h>

#include <cima/common.h>

#ifdef __cplusplus
extern "C" {
#endif

enum cima_source {
	CIMA_SOURCE_ALL = 0,	/* every live source, in boot order */
	CIMA_SOURCE_FIRMWARE = 1,
	CIMA_SOURCE_CCEL = 2,
	CIMA_SOURCE_IMA = 3,
	CIMA_SOURCE_CIMA = 4,
};

/* "firmware", "ccel", "ima", "cima", "all"; NULL if out of range. */
CIMA_API const char *cima_source_name(int source);
/* Inverse of cima_source_name(); -EINVAL when unknown. */
CIMA_API int cima_source_from_name(const char *name);

/* Default live paths. */
#define CIMA_PATH_FIRMWARE_LOG	"/sys/kernel/security/tpm0/binary_bios_measurements"
#define CIMA_PATH_CCEL_LOG	"/sys/firmware/acpi/tables/data/CCEL"
#define CIMA_PATH_IMA_LOG	"/sys/kernel/security/ima/binary_runtime_measurements"
#define CIMA_PATH_CIMA_LOG	"/sys/kernel/security/cima/binary_runtime_measurements"
#define CIMA_PATH_TPM_PCRS	"/sys/class/tpm/tpm0"

/* Most banks a log may declare. */
#define CIMA_MAX_BANKS 8

struct cima_eventlog;
struct cima_event;

struct cima_eventlog_opts {
	size_t sz;		/* sizeof(struct cima_eventlog_opts) */
	int source;		/* enum cima_source; ALL needs path == NULL */
	const char *path;	/* read this file instead of the live one */
	const char *container;	/* cima source: this container's view */
	uint32_t start;		/* first event to keep (0-based) */
	uint32_t count;		/* events to keep; 0 = all from start */
	/*
	 * IMA: algorithm of the list's template digests (0: sha1, or the
	 * <alg> of a per-bank file binary_runtime_measurements_<alg>).
	 */
	uint16_t ima_alg;
};
#define cima_eventlog_opts__last_field ima_alg

/*
 * Read event logs.  With source ALL, every live source that exists is read
 * (firmware, else ccel; ima; cima) and at least one must exist.  Returns
 * NULL and sets errno on failure (message in cima_strerror_last()).
 */
CIMA_API struct cima_eventlog *cima_eventlog_open(const struct cima_eventlog_opts *opts);

/* SDK-style shortcut: every live source, events [start, start + count). */
CIMA_API struct cima_eventlog *cima_get_cc_eventlog(uint32_t start, uint32_t count);

/*
 * Parse one source from memory (the buffer is copied).  For firmware the
 * format is detected (crypto-agile or legacy SHA-1).  NULL + errno.
 */
CIMA_API struct cima_eventlog *cima_eventlog_parse(const void *buf, size_t len,
						   int source);

/*
 * Append the events of @other to @log (boot order is the caller's
 * business) and free @other.  0 or -errno (then @other is still freed).
 */
CIMA_API int cima_eventlog_append(struct cima_eventlog *log,
				  struct cima_eventlog *other);

CIMA_API void cima_eventlog_free(struct cima_eventlog *log);

CIMA_API size_t cima_eventlog_count(const struct cima_eventlog *log);
/* Event @i, or NULL (errno ERANGE) when out of range. */
CIMA_API const struct cima_event *cima_eventlog_event(const struct cima_eventlog *log,
						      size_t i);
/*
 * Banks the log's headers declare (union over sources, in first-seen order);
 * writes at most @max ids into @algs and returns how many there are.
 */
CIMA_API int cima_eventlog_banks(const struct cima_eventlog *log, uint16_t *algs,
				 size_t max);
/*
 * The register indexes of this log are TDX IMR indexes (RTMR n is n; a
 * CCEL source is present) rather than TPM PCR numbers.
 */
CIMA_API bool cima_eventlog_is_cc(const struct cima_eventlog *log);
/* StartupLocality found in the firmware log, or -ENOENT. */
CIMA_API int cima_eventlog_startup_locality(const struct cima_eventlog *log);

/* --- events --------------------------------------------------------- */

CIMA_API int cima_event_source(const struct cima_event *ev);
/*
 * Register the event extends (IMR index): PCR number (TPM), RTMR number on
 * TDX (a CCEL record's CC MR index minus 1; CIMA_IMR_NONE for an MRTD
 * record, which is not replayed).  cima_event_log_index() keeps the CC MR
 * index as written.
 */
#define CIMA_IMR_NONE UINT32_MAX
CIMA_API uint32_t cima_event_index(const struct cima_event *ev);
/* Register number exactly as written in the log. */
CIMA_API uint32_t cima_event_log_index(const struct cima_event *ev);
/* TCG event type (IMA events: 0, cima events: EV_ACTION). */
CIMA_API uint32_t cima_event_type(const struct cima_event *ev);
/* TCG name of a type ("EV_NO_ACTION"), or "UNKNOWN". */
CIMA_API const char *cima_event_type_name(uint32_t type);
/* Position in the whole log (0-based) and byte offset in its source. */
CIMA_API size_t cima_event_number(const struct cima_event *ev);
CIMA_API size_t cima_event_offset(const struct cima_event *ev);
/* Digests recorded in the log (IMA: the one template digest). */
CIMA_API size_t cima_event_digest_count(const struct cima_event *ev);
CIMA_API const uint8_t *cima_event_digest(const struct cima_event *ev, size_t i,
					  uint16_t *alg, size_t *len);
/* The recorded digest for @alg, or NULL (errno ENOENT). */
CIMA_API const uint8_t *cima_event_digest_by_alg(const struct cima_event *ev,
						 uint16_t alg, size_t *len);
/* Event data (IMA: the template data as hashed; may be empty, never NULL). */
CIMA_API const uint8_t *cima_event_data(const struct cima_event *ev, size_t *len);
/* IMA template name ("ima-ng"), or NULL for other sources. */
CIMA_API const char *cima_event_ima_template(const struct cima_event *ev);
/* IMA violation (all-zero template digest; extends 0xff..ff). */
CIMA_API bool cima_event_is_violation(const struct cima_event *ev);
/* Extended into a register (false for EV_NO_ACTION). */
CIMA_API bool cima_event_is_measured(const struct cima_event *ev);
/*
 * Check the recorded digests against the event data where the format
 * makes them computable (IMA template digest; cima events that are not
 * redacted; firmware EV_SEPARATOR, EV_ACTION, EV_EFI_ACTION and
 * EV_EFI_VARIABLE_DRIVER_CONFIG).  A cima digest may also be the record's
 * other bank's hash of the data truncated or zero-padded to its size, as
 * the module writes for a bank its kernel cannot compute.  0 when consistent or not checkable, -EBADMSG naming the
 * event, its index and the bank when a digest does not match.
 */
CIMA_API int cima_event_check(const struct cima_event *ev);

/* --- replay --------------------------------------------------------- */

struct cima_replay;

struct cima_replay_opts {
	size_t sz;		/* sizeof(struct cima_replay_opts) */
	const uint16_t *banks;	/* replay these banks; NULL: the log's banks
				 * (IMA alone: sha1, sha256, sha384, sha512) */
	size_t nbanks;
	const char *container;	/* only this container's own cima events
				 * (its virtual register) */
	/*
	 * IMA events extend the SHA-1 template digest zero-padded in every
	 * bank but SHA-1, as the kernel does for a bank whose hash it could
	 * not allocate when IMA started (for example sha384 when
	 * sha512_generic is a module that was not loaded yet).  Not needed:
	 * without it the replay finds the padded banks itself (see
	 * cima_replay_ima_padded()); true forces every bank padded.
	 */
	bool ima_sha1_padded;
};
#define cima_replay_opts__last_field ima_sha1_padded

/*
 * Replay the log: every measured event extends its register in every bank,
 * starting from zero (PCR 0 from the StartupLocality).  NULL + errno.
 *
 * IMA banks: a kernel extends a bank it could not hash when IMA started
 * with the SHA-1 template digest zero-padded.  Per bank (not SHA-1, not
 * the IMA list's own digest algorithm) the replay decides how the kernel
 * extended it: for a log read whole from the live files (cima_eventlog_open
 * without path, start or count; cima_get_cc_eventlog(0, 0)) by the live
 * TPM PCRs IMA extends (the bank is padded when every one equals the
 * padded replay and differs from the hashed one, and hashed in the
 * opposite case); otherwise, or when the PCRs do not decide (the log grew
 * since it was read), padded when a cima event of the same log carries a
 * zero-padded digest in that bank (the kernel had no implementation when
 * cima.ko started, so none when IMA started either); else hashed.
 * cima_replay_ima_padded() lists the banks replayed padded.
 */
CIMA_API struct cima_replay *cima_replay_cc_eventlog(const struct cima_eventlog *log);
CIMA_API struct cima_replay *cima_replay_eventlog(const struct cima_eventlog *log,
						  const struct cima_replay_opts *opts);
/*
 * Replay a list of events: @n events (from cima_eventlog_event() of @log,
 * or of another log read in the same boot, such as pages of the live log
 * read one after the other), in the order given, as the replay of the
 * whole @log would extend them: the same banks (those the replay of @log
 * gives values in, with @opts), and IMA's banks extended with zero-padded
 * SHA-1 template digests where the replay of @log found the kernel did so
 * (cima_replay_ima_padded() of the result names them when an IMA event is
 * among @events).  Violations extend ff..ff in every bank.  Registers
 * start at zero; PCR 0 at the StartupLocality only when that event is
 * among @events.  @opts as for cima_replay_eventlog() (container: only
 * that container's events of the list).  @n 0 gives no values.  The
 * events must stay valid (their logs not freed) during the call.
 * NULL + errno (EINVAL: NULL log, list or event).
 */
CIMA_API struct cima_replay *cima_replay_events(const struct cima_eventlog *log,
						const struct cima_event *const *events,
						size_t n,
						const struct cima_replay_opts *opts);
/* An empty set of values, to fill with cima_replay_set() (given values). */
CIMA_API struct cima_replay *cima_replay_new(void);
CIMA_API int cima_replay_set(struct cima_replay *r, uint32_t index, uint16_t alg,
			     const uint8_t *value, size_t len);
CIMA_API void cima_replay_free(struct cima_replay *r);
/* Number of (index, bank) values, sorted by index then bank. */
CIMA_API size_t cima_replay_count(const struct cima_replay *r);
CIMA_API int cima_replay_entry(const struct cima_replay *r, size_t i,
			       uint32_t *index, uint16_t *alg,
			       const uint8_t **value, size_t *len);
/* The value of (@index, @alg), or NULL (errno ENOENT). */
CIMA_API const uint8_t *cima_replay_value(const struct cima_replay *r,
					  uint32_t index, uint16_t alg, size_t *len);
/*
 * Banks in which IMA events were replayed as zero-padded SHA-1 template
 * digests (their IMA registers have SHA-1 strength): writes at most @max
 * ids to @algs and returns how many there are, or -EINVAL.
 */
CIMA_API int cima_replay_ima_padded(const struct cima_replay *r, uint16_t *algs,
				    size_t max);
/* Text ("index alg hex" lines) and JSON renderings. */
CIMA_API int cima_replay_dump(const struct cima_replay *r, FILE *out);
CIMA_API int cima_replay_dump_json(const struct cima_replay *r, FILE *out);

/* --- verify --------------------------------------------------------- */

struct cima_verify_opts {
	size_t sz;		/* sizeof(struct cima_verify_opts) */
	/* Compare with these values instead of the live registers. */
	const struct cima_replay *expected;
	/* Live TPM PCRs from here (default CIMA_PATH_TPM_PCRS). */
	const char *tpm_sysfs;
	/* Live cima register file (default CIMA_FS_ROOT "/register"). */
	const char *cima_register;
	/* Skip cima_event_check() on every event. */
	bool no_event_check;
};
#define cima_verify_opts__last_field no_event_check

struct cima_verify_result;

/*
 * Replay @log and compare every (index, bank) value with the expected one
 * (given, or read live: the cima module's register file for its index and
 * backend sim, the TPM's sysfs PCRs, or for a CC log on TDX the MRTD and
 * RTMRs through cima_get_cc_measurement()).  A value that differs is
 * compared again with the replay in which IMA extended zero-padded SHA-1
 * digests (see cima_replay_opts.ima_sha1_padded), the other way the kernel
 * extends IMA's banks.  Also checks every event's digests against its data
 * (cima_event_check).
 *
 * Returns 0 when everything compared equal, -EBADMSG when something differs
 * (details in *res and cima_strerror_last()), -ENODATA when no value could
 * be compared, other -errno on failure.  *res (may be NULL) receives the
 * result on 0 and -EBADMSG; free it with cima_verify_result_free().
 */
CIMA_API int cima_verify_eventlog(const struct cima_eventlog *log,
				  const struct cima_verify_opts *opts,
				  struct cima_verify_result **res);
CIMA_API void cima_verify_result_free(struct cima_verify_result *res);
/* Registers compared, mismatching, and not available live (skipped). */
CIMA_API size_t cima_verify_compared(const struct cima_verify_result *res);
CIMA_API size_t cima_verify_mismatches(const struct cima_verify_result *res);
CIMA_API size_t cima_verify_unavailable(const struct cima_verify_result *res);
/* Mismatch @i: index, bank, replayed and expected values. */
CIMA_API int cima_verify_mismatch(const struct cima_verify_result *res, size_t i,
				  uint32_t *index, uint16_t *alg,
				  const uint8_t **replayed, const uint8_t **expected,
				  size_t *len);
/* Events whose digests disagree with their data. */
CIMA_API size_t cima_verify_bad_events(const struct cima_verify_result *res);
CIMA_API const char *cima_verify_bad_event(const struct cima_verify_result *res,
					   size_t i);
/*
 * Banks whose IMA registers compared equal only as IMA extends a bank it
 * cannot hash (zero-padded SHA-1 template digests): they have SHA-1
 * strength.  Writes at most @max ids to @algs, returns the count or -EINVAL.
 */
CIMA_API int cima_verify_sha1_strength(const struct cima_verify_result *res,
				       uint16_t *algs, size_t max);
/* Human-readable report of everything compared, one line each. */
CIMA_API int cima_verify_dump(const struct cima_verify_result *res, FILE *out);

/*
 * Read one live register value: TPM PCR @index in bank @alg from sysfs
 * (@tpm_sysfs NULL: CIMA_PATH_TPM_PCRS).  Returns the digest size or -errno.
 */
CIMA_API int cima_read_tpm_pcr(const char *tpm_sysfs, uint32_t index, uint16_t alg,
			       uint8_t *out, size_t max);

/* --- output --------------------------------------------------------- */

/*
 * Print events in the SDK's layout: per event its number, register index,
 * type (number and TCG name), every digest with its algorithm, and the
 * event data as a hex + ASCII dump.
 */
CIMA_API int cima_eventlog_dump(const struct cima_eventlog *log, FILE *out);
CIMA_API int cima_event_dump(const struct cima_event *ev, FILE *out);
/*
 * JSON: {"version":1,"events":[{"number","source","offset","index",
 * "log_index","type","type_name","digests":[{"alg","digest"}],
 * "data" (hex), "template" (IMA), "violation" (IMA)}...]}
 */
CIMA_API int cima_eventlog_dump_json(const struct cima_eventlog *log, FILE *out);
/* TCG Canonical Event Log, JSON encoding: an array of CEL records. */
CIMA_API int cima_eventlog_dump_cel_json(const struct cima_eventlog *log, FILE *out);

/* --- containers (cima module) --------------------------------------- */

/*
 * Ids of the live containers (directories under containers/).  *ids is a
 * NULL-terminated array; free it with cima_container_ids_free().  Returns
 * the count or -errno.
 */
CIMA_API int cima_container_list(char ***ids);
CIMA_API void cima_container_ids_free(char **ids);
/* A container's view of the log (cima source). NULL + errno. */
CIMA_API struct cima_eventlog *cima_container_eventlog(const char *id);
/*
 * The container's virtual register as the module reports it (one value per
 * bank; index is the cima register index).  NULL + errno.
 */
CIMA_API struct cima_replay *cima_container_register(const char *id);
/*
 * The container that @cgroup (a cgroup v2 path, as after "0::" in
 * /proc/<pid>/cgroup) belongs to: the container whose cgroup is @cgroup
 * or the closest ancestor of it.  @fsroot is the cima securityfs
 * directory (NULL: CIMA_FS_ROOT).  Returns 0 and a malloc'd id in *id;
 * -ENOENT when the module is not loaded or no container matches (the
 * message says which), other -errno on failure.
 */
CIMA_API int cima_container_find(const char *fsroot, const char *cgroup, char **id);

#ifdef __cplusplus
}
#endif

#endif /* CIMA_EVENTLOG_H */
