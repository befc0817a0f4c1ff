/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcima: platforms, measurement registers and signed reports.
 *
 * A *platform* is where the registers and the signing key live: a TPM 2.0
 * (/dev/tpmrm0), an Intel TDX guest (/dev/tdx_guest or the configfs-tsm
 * provider "tdx_guest") or an AMD SEV-SNP guest (/dev/sev-guest or the
 * provider "sev_guest").  Every call takes an optional struct
 * cima_platform_opts; with none, the platform is detected (TDX, then SNP,
 * then TPM) unless the environment variable CIMA_PLATFORM names one.
 *
 * Register (IMR) indexes follow the original CIMA SDK: TDX n = RTMR n
 * (0 firmware, 1 kernel, 2 system, 3 container; MRTD is in the report and
 * readable by CC MR index, cima_get_cc_mr()); SNP 0 = the launch
 * MEASUREMENT; TPM the PCR number (0..23).
 *
 * Report data (the 64 bytes a report binds) is, by default,
 *	SHA-512(nonce || user_data)
 * over the raw bytes given (either may be empty; both empty gives
 * SHA-512 of the empty string).  With evidence_snapshot set it is the
 * versioned, length-prefixed construction described at struct
 * cima_report_opts.  Documentation/library.md states both rules.
 */
#ifndef CIMA_REPORT_H
#define CIMA_REPORT_H

#include <stdio.h>
#include <sys/types.h>

#include <cima/common.h>

#ifdef __cplusplus
extern "C" {
#endif

enum cima_platform {
	CIMA_PLATFORM_AUTO = 0,	/* detect (or $CIMA_PLATFORM) */
	CIMA_PLATFORM_TPM = 1,
	CIMA_PLATFORM_TDX = 2,
	CIMA_PLATFORM_SNP = 3,
};

/* "tpm", "tdx", "snp" ("auto" for 0); NULL if unknown. */
CIMA_API const char *cima_platform_name(int platform);
/* Platform for a name (case-insensitive; "auto" gives 0); -EINVAL if unknown. */
CIMA_API int cima_platform_from_name(const char *name);

struct cima_platform_opts {
	size_t sz;
	/* CIMA_PLATFORM_*; 0 = $CIMA_PLATFORM if set, else detect. */
	int platform;
	/*
	 * TPM access as a TCTI configuration string for Tss2_TctiLdr
	 * (e.g. "swtpm:port=2321"); NULL = $CIMA_TPM_TCTI if set, else
	 * "device:/dev/tpmrm0".
	 */
	const char *tpm_tcti;
	/* configfs-tsm report directory; NULL = /sys/kernel/config/tsm/report. */
	const char *tsm_dir;
	/* Do not use configfs-tsm even when present (TDX: ioctl TDREPORT). */
	bool no_tsm;
	/* Path prefix for /dev and /sys lookups (tests); NULL = "". */
	const char *root;
};
#define cima_platform_opts__last_field root

/*
 * The platform the other calls will use: CIMA_PLATFORM_* (> 0), or -ENODEV
 * naming every device and provider that was looked for.
 */
CIMA_API int cima_detect_platform(const struct cima_platform_opts *opts);

/* Default hash algorithm (CIMA_ALG_*): TDX/SNP sha384; TPM sha256 if that
 * bank is active, else the TPM's first active bank. */
CIMA_API int cima_get_default_algorithm(const struct cima_platform_opts *opts);

/* Number of measurement registers (IMRs): TDX 4, SNP 1, TPM 24. */
CIMA_API int cima_get_measurement_count(const struct cima_platform_opts *opts);

/*
 * Hash algorithms with registers on the platform (TPM: its active PCR
 * banks).  Fills up to @max ids into @algs; returns how many there are.
 */
CIMA_API int cima_get_algorithms(uint16_t *algs, size_t max,
				 const struct cima_platform_opts *opts);

/*
 * Read register @index in bank @alg (0 = the default algorithm) into
 * @digest (CIMA_MAX_DIGEST_SIZE bytes).  Returns the digest size, or
 * -EINVAL (bad index), -EOPNOTSUPP (no such bank), -ENODEV, -EIO...
 */
CIMA_API int cima_get_cc_measurement(int index, uint16_t alg,
				     uint8_t digest[CIMA_MAX_DIGEST_SIZE],
				     const struct cima_platform_opts *opts);

/*
 * TDX CC measurement-register (CC MR) indexes, as a CCEL record and the
 * TD report order them: MRTD, then RTMR0..3.  IMR n is CC MR n + 1.
 */
enum cima_cc_mr {
	CIMA_CC_MR_MRTD = 0,
	CIMA_CC_MR_RTMR0 = 1,
	CIMA_CC_MR_RTMR1 = 2,
	CIMA_CC_MR_RTMR2 = 3,
	CIMA_CC_MR_RTMR3 = 4,
	CIMA_CC_MR_COUNT = 5,
};

/*
 * IMR index of TDX CC MR @mr (RTMRn: n), -ENOENT for MRTD (no IMR),
 * -EINVAL out of range; and the inverse (-EINVAL out of range).
 */
CIMA_API int cima_cc_mr_to_imr(int mr);
CIMA_API int cima_imr_to_cc_mr(int imr);

/*
 * Read a register by CC MR index (enum cima_cc_mr; TDX only, MRTD
 * included): as cima_get_cc_measurement(), -EOPNOTSUPP on other platforms.
 */
CIMA_API int cima_get_cc_mr(int mr, uint16_t alg,
			    uint8_t digest[CIMA_MAX_DIGEST_SIZE],
			    const struct cima_platform_opts *opts);

/* ------------------------------------------------------------------ */
/* Reports                                                             */

/* Longest nonce and longest user data accepted, in bytes. */
#define CIMA_REPORT_INPUT_MAX	4096
#define CIMA_REPORT_DATA_SIZE	64

/* Persistent AK handle used when provisioned (else a transient AK). */
#define CIMA_TPM_AK_HANDLE	0x81010002u

enum cima_report_kind {
	CIMA_REPORT_TPM_QUOTE = 1,	/* TPM2_Quote, signed by an AK */
	CIMA_REPORT_TDX_QUOTE = 2,	/* TDX quote from configfs-tsm */
	CIMA_REPORT_TDX_TDREPORT = 3,	/* TDREPORT via ioctl: UNSIGNED (MAC only) */
	CIMA_REPORT_SNP = 4,		/* SNP ATTESTATION_REPORT */
};

/*
 * Evidence snapshot (evidence_snapshot = true): the library reads the cima
 * module's snapshot file (/sys/kernel/security/cima/snapshot: event count
 * and register values taken under the log lock) and the report data becomes
 *
 *	SHA-512( "CIMA-EVIDENCE-SNAPSHOT-V1" 0x00
 *		 || u64le(len(nonce)) || nonce
 *		 || u64le(len(user_data)) || user_data
 *		 || u64le(count) || u32le(nbanks)
 *		 || { u16le(alg) || u16le(size) || value[size] } per bank,
 *		    in the snapshot file's order )
 *
 * The snapshot is kept in the report (cima_report_snapshot()).
 */
#define CIMA_SNAPSHOT_DOMAIN	"CIMA-EVIDENCE-SNAPSHOT-V1"

struct cima_report_opts {
	size_t sz;
	const struct cima_platform_opts *platform;	/* NULL = detect */
	bool evidence_snapshot;
	/* securityfs snapshot file; NULL = /sys/kernel/security/cima/snapshot */
	const char *snapshot_path;
	/* TPM: PCR bank (0 = default algorithm) and mask of PCRs (0 = all 24). */
	uint16_t pcr_alg;
	uint32_t pcr_mask;
	/* TPM: persistent AK handle to try (0 = CIMA_TPM_AK_HANDLE). */
	uint32_t ak_handle;
	/* TPM: never use a persistent AK, always create a transient one. */
	bool transient_ak;
	/* configfs-tsm: use this existing entry name instead of a private one. */
	const char *tsm_entry;
	/* configfs-tsm: attempts when the generation check sees a race (0 = 10). */
	unsigned int tsm_retries;
};
#define cima_report_opts__last_field tsm_retries

struct cima_report;

/* Compute the plain report data SHA-512(nonce || data) into @out. */
CIMA_API int cima_report_data(const void *nonce, size_t nonce_len,
			      const void *data, size_t data_len,
			      uint8_t out[CIMA_REPORT_DATA_SIZE]);

/*
 * Ask the platform for a report binding the report data of @nonce and
 * @data (raw bytes; NULL with length 0 when absent).  Returns NULL and sets
 * errno (E2BIG oversize input, EINVAL malformed, ENODEV no platform, EBUSY
 * configfs-tsm race not resolved in tsm_retries, EIO device error...).
 */
CIMA_API struct cima_report *cima_get_cc_report(const void *nonce,
						size_t nonce_len,
						const void *data,
						size_t data_len,
						const struct cima_report_opts *opts);
CIMA_API void cima_report_free(struct cima_report *r);

CIMA_API int cima_report_kind(const struct cima_report *r);
/* "tpm-quote", "tdx-quote", "tdx-tdreport (unsigned)", "snp-report". */
CIMA_API const char *cima_report_kind_name(int kind);
/* The 64 bytes of report data requested. */
CIMA_API const uint8_t *cima_report_report_data(const struct cima_report *r);
/* Raw evidence: the quote / TDREPORT / SNP report; TPM: the attest bytes. */
CIMA_API const uint8_t *cima_report_blob(const struct cima_report *r,
					 size_t *len);
/* configfs-tsm auxblob (SNP certificate table), or NULL. */
CIMA_API const uint8_t *cima_report_aux(const struct cima_report *r,
					size_t *len);
/* Where the report came from: "configfs-tsm:tdx_guest", "ioctl", "tpm:..." */
CIMA_API const char *cima_report_source(const struct cima_report *r);
/*
 * Reports from the report broker (a container's report, Documentation/
 * container.md): the text the report binds with the nonce ("cima-reportd/1"
 * lines naming the container the kernel resolved, its cgroup and the
 * caller's data), the container's view of the cima log (its first
 * snapshot-count records), and the container id.  NULL (errno ENOENT) for
 * other reports.
 */
CIMA_API const uint8_t *cima_report_binding(const struct cima_report *r, size_t *len);
CIMA_API const uint8_t *cima_report_container_view(const struct cima_report *r,
						   size_t *len);
CIMA_API const char *cima_report_container(const struct cima_report *r);
/* Evidence snapshot folded in (or NULL): count, banks, values. */
CIMA_API int cima_report_snapshot(const struct cima_report *r, uint64_t *count,
				  uint16_t *algs, const uint8_t **values,
				  size_t max_banks);

/*
 * TPM reports: marshalled TPMS_ATTEST (what the AK signed), TPMT_SIGNATURE,
 * TPM2B_PUBLIC of the AK, and the quoted PCR values (concatenated in the
 * selection's order: what tpm2_pcrread -o writes), their bank and mask.
 */
CIMA_API const uint8_t *cima_report_tpm_signature(const struct cima_report *r,
						  size_t *len);
CIMA_API const uint8_t *cima_report_tpm_ak_public(const struct cima_report *r,
						  size_t *len);
CIMA_API const uint8_t *cima_report_tpm_pcr_values(const struct cima_report *r,
						   size_t *len, uint16_t *alg,
						   uint32_t *mask);
/* AK public key as PEM (SubjectPublicKeyInfo); caller frees. */
CIMA_API char *cima_report_tpm_ak_pem(const struct cima_report *r);

/* Print a readable dump of @r (and its parsed fields) to @out. */
CIMA_API int cima_report_dump(const struct cima_report *r, FILE *out);
/* One JSON object (with "version": 1) describing @r. */
CIMA_API int cima_report_dump_json(const struct cima_report *r, FILE *out);

/* ------------------------------------------------------------------ */
/* TPM quote verification (software, OpenSSL)                          */

struct cima_tpm_quote_check {
	size_t sz;
	const uint8_t *attest;		/* marshalled TPMS_ATTEST */
	size_t attest_len;
	const uint8_t *signature;	/* marshalled TPMT_SIGNATURE */
	size_t signature_len;
	const uint8_t *ak_public;	/* marshalled TPM2B_PUBLIC */
	size_t ak_public_len;
	/* Expected extraData; NULL is refused unless no_qualifying_data. */
	const uint8_t *qualifying_data;
	size_t qualifying_data_len;
	/* Expected PCR values in selection order (NULL: digest not checked). */
	const uint8_t *pcr_values;
	size_t pcr_values_len;
	/* Check the signature without any nonce (the caller checks
	 * extraData itself, or freshness does not matter to it). */
	bool no_qualifying_data;
};
#define cima_tpm_quote_check__last_field no_qualifying_data

/*
 * 0 if the signature is valid under the AK, the attest is a quote, its
 * extraData equals qualifying_data and its PCR digest equals the hash of
 * pcr_values; else -EBADMSG (malformed), -EKEYREJECTED (bad signature),
 * -ESTALE (nonce differs), -EILSEQ (PCR digest differs), with a message.
 * Without qualifying_data it is -EINVAL, unless no_qualifying_data says
 * the extraData is deliberately not checked.
 */
CIMA_API int cima_tpm_quote_verify(const struct cima_tpm_quote_check *chk);
/* Verify a TPM report against @report_data (NULL: its own) and its PCRs. */
CIMA_API int cima_report_verify(const struct cima_report *r,
				const uint8_t *report_data);

/* ------------------------------------------------------------------ */
/* Parsers of platform evidence (pure: no device access)               */

/*
 * The output structs below (cima_tdx_td_info, cima_tdx_quote,
 * cima_tdx_tdreport, cima_snp_report) are FROZEN for node CIMA_0.1: the
 * caller allocates them, so their size and layout never change.  A field
 * a later format adds comes with a new struct and a new function in a new
 * symbol node, never by growing these.
 */

/* Fields shared by the TDX quote body and the TDREPORT (raw bytes). */
struct cima_tdx_td_info {
	uint8_t tee_tcb_svn[16];
	uint8_t mr_seam[48];
	uint8_t mr_signer_seam[48];
	uint8_t seam_attributes[8];
	uint8_t td_attributes[8];
	uint8_t xfam[8];
	uint8_t mr_td[48];
	uint8_t mr_config_id[48];
	uint8_t mr_owner[48];
	uint8_t mr_owner_config[48];
	uint8_t rtmr[4][48];
	uint8_t report_data[64];
	bool has_tdx15;			/* the two fields below are valid */
	uint8_t tee_tcb_svn2[16];
	uint8_t mr_servicetd[48];	/* TDREPORT: SERVTD_HASH */
};

struct cima_tdx_quote {
	uint16_t version;		/* 4 or 5 */
	uint16_t att_key_type;		/* 2 = ECDSA P-256 */
	uint32_t tee_type;		/* 0x81 = TDX */
	uint16_t qe_svn, pce_svn;
	uint8_t qe_vendor_id[16];
	uint8_t user_data[20];
	uint16_t body_type;		/* v5: 2 TDX 1.0, 3 TDX 1.5; v4: 2 */
	struct cima_tdx_td_info body;
	size_t signed_len;		/* header + body: what the QE key signs */
	uint32_t sig_data_len;
	size_t total_len;		/* bytes used: signed_len + 4 + sig_data_len */
	const uint8_t *sig_data;	/* points into the parsed buffer */
};

struct cima_tdx_tdreport {
	uint8_t report_type[4];		/* type 0x81 = TDX, subtype, version */
	uint8_t cpu_svn[16];
	uint8_t tee_tcb_info_hash[48];
	uint8_t tee_info_hash[48];
	uint8_t mac[32];
	uint8_t tee_tcb_valid[8];
	struct cima_tdx_td_info body;	/* report_data = REPORTMACSTRUCT's */
};

#define CIMA_TDX_TDREPORT_SIZE	1024
#define CIMA_SNP_REPORT_SIZE	1184

struct cima_snp_report {
	uint32_t version, guest_svn;
	uint64_t policy;
	uint8_t family_id[16], image_id[16];
	uint32_t vmpl, signature_algo;
	uint64_t current_tcb, platform_info;
	uint32_t signer_info;		/* AUTHOR_KEY_EN, MASK_CHIP_KEY, SIGNING_KEY */
	uint8_t report_data[64];
	uint8_t measurement[48];
	uint8_t host_data[32];
	uint8_t id_key_digest[48], author_key_digest[48];
	uint8_t report_id[32], report_id_ma[32];
	uint64_t reported_tcb;
	uint8_t cpuid_fam_id, cpuid_mod_id, cpuid_step;	/* version >= 3 */
	uint8_t chip_id[64];
	uint64_t committed_tcb;
	uint8_t current_build, current_minor, current_major;
	uint8_t committed_build, committed_minor, committed_major;
	uint64_t launch_tcb;
	uint8_t signature_r[72], signature_s[72];	/* little-endian */
};

/* Parse a TDX quote (v4 or v5); @len may exceed the quote (padding). */
CIMA_API int cima_tdx_quote_parse(const void *buf, size_t len,
				  struct cima_tdx_quote *out);
/*
 * Check the quote's ECDSA P-256 signature over header+body with the
 * attestation key embedded in the quote.  This is NOT a hardware
 * verification: the QE report and PCK chain are not checked.
 */
CIMA_API int cima_tdx_quote_check_signature(const void *buf, size_t len);
CIMA_API int cima_tdx_tdreport_parse(const void *buf, size_t len,
				     struct cima_tdx_tdreport *out);
CIMA_API int cima_snp_report_parse(const void *buf, size_t len,
				   struct cima_snp_report *out);

CIMA_API int cima_tdx_quote_dump(const struct cima_tdx_quote *q, FILE *out);
CIMA_API int cima_tdx_tdreport_dump(const struct cima_tdx_tdreport *t,
				    FILE *out);
CIMA_API int cima_snp_report_dump(const struct cima_snp_report *s, FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* CIMA_REPORT_H */
