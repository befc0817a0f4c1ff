/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcima: offline verification of vendor-signed evidence.
 *
 *  - An Intel TDX quote (v4 or v5, ECDSA P-256 attestation key): the quote
 *    signature over header + body under the attestation key, the QE
 *    report's signature under the PCK certificate's key, the QE report's
 *    REPORTDATA binding (SHA-256(attestation key || QE auth data) || 32
 *    zero bytes), and the PCK certificate chain up to Intel's SGX Root CA.
 *  - An AMD SEV-SNP attestation report: the ECDSA P-384 signature over
 *    bytes [0, 0x2A0) under the VCEK (or VLEK), and the chain
 *    VCEK -> ASK -> ARK (RSA-PSS).
 *
 * Everything is local: no network, no collateral.  What that leaves
 * unchecked (TCB status, QE identity, revocation) is listed in
 * Documentation/library.md, "Vendor signatures".
 *
 * Trust anchors.  Unless the caller names its own, the root is one of the
 * certificates built into the library, pinned by the SHA-256 of its DER
 * encoding (CIMA_INTEL_SGX_ROOT_CA_SHA256, the AMD ARKs listed in the
 * documentation).  A caller-given root file replaces the pins completely.
 */
#ifndef CIMA_VERIFY_H
#define CIMA_VERIFY_H

#include <time.h>

#include <cima/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * SHA-256 of the DER of Intel's "Intel SGX Root CA" (valid 2018-05-21 to
 * 2049-12-31), the certificate Intel publishes as
 * Intel_SGX_Provisioning_Certification_RootCA.pem.
 */
#define CIMA_INTEL_SGX_ROOT_CA_SHA256 \
	"44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3"

/* The check that failed, in the order the checks run. */
enum cima_vendor_step {
	CIMA_VSTEP_NONE = 0,		/* nothing failed */
	CIMA_VSTEP_INPUT = 1,		/* a caller-given file unreadable/unusable */
	CIMA_VSTEP_FORMAT = 2,		/* evidence or certificates malformed */
	CIMA_VSTEP_SIGNATURE = 3,	/* quote / report signature */
	CIMA_VSTEP_ROOT = 4,		/* no pinned (or given) root in reach */
	CIMA_VSTEP_CHAIN = 5,		/* certificate chain to the root */
	CIMA_VSTEP_QE_REPORT = 6,	/* TDX: QE report signature (PCK key) */
	CIMA_VSTEP_BINDING = 7,		/* TDX: QE REPORTDATA vs attestation key */
	CIMA_VSTEP_REVOCATION = 8,	/* with crl_path: a CRL missing, bad, or revoking */
};

/* "none", "input", "format", "signature", "root", "chain", "qe-report",
 * "binding", "revocation"; NULL for an unknown step. */
CIMA_API const char *cima_vendor_step_name(int step);

/* Filled by the verify calls when given (set sz = sizeof first). */
struct cima_vendor_result {
	size_t sz;
	int step;			/* CIMA_VSTEP_*: the first check that failed */
	/* The trust anchor the chain ended at (when the chain step ran). */
	char root_subject[256];		/* one-line subject, e.g. "CN=ARK-Milan, ..." */
	uint8_t root_sha256[32];	/* SHA-256 of its DER */
	bool root_pinned;		/* a built-in pin (false: caller's file) */
	/* Leaf certificate: PCK (TDX) or VCEK/VLEK (SNP). */
	char leaf_subject[256];
	int chain_len;			/* certificates in the verified chain */
};
#define cima_vendor_result__last_field chain_len

struct cima_vendor_verify_opts {
	size_t sz;
	/*
	 * TDX: PEM file of trusted root certificate(s) used instead of the
	 * pinned Intel SGX Root CA.  SNP: PEM file holding the ARK (trusted)
	 * and optionally the ASK (untrusted intermediate), as AMD's KDS
	 * cert_chain file does, used instead of the built-in pinned ones.
	 */
	const char *root_path;
	/* TDX: PEM PCK chain (leaf first) when the quote carries none. */
	const char *pck_chain_path;
	/* SNP: the VCEK (or VLEK), DER or PEM. */
	const char *vcek_path;
	/*
	 * SNP: the extended report's certificate table (GHCB / configfs-tsm
	 * auxblob): 24-byte entries {GUID, u32 offset, u32 length}, ended by
	 * an all-zero entry, offsets from the table's start.  The VCEK, VLEK
	 * and ASK are taken from it; an ARK in it is used only when its
	 * fingerprint is pinned (or equals one in root_path).
	 */
	const uint8_t *cert_table;
	size_t cert_table_len;
	/*
	 * CRLs (PEM, one or more; or one DER CRL).  When given, every
	 * certificate of the chain, the root included, must be covered by a
	 * valid CRL of its issuer and not be revoked (OpenSSL's CRL_CHECK_ALL):
	 * TDX the Intel root CA CRL and the PCK Platform/Processor CA CRL, SNP
	 * the ARK-signed CRL from AMD's KDS.  NULL: revocation not checked.
	 */
	const char *crl_path;
	/* Validity time for the certificates and CRLs; 0 = now. */
	time_t at_time;
	/* Optional: which step failed, the root reached. */
	struct cima_vendor_result *result;
};
#define cima_vendor_verify_opts__last_field result

/*
 * Verify the TDX quote in @buf (@len may include trailing padding).
 * Returns 0 when every check passes; otherwise a negative errno with a
 * message for cima_strerror_last() naming the step:
 *   -EINVAL bad arguments; -ENOENT/-EACCES... a given file unreadable;
 *   -EBADMSG malformed quote or certificate data; -EOPNOTSUPP a key type or
 *   certification data type this library cannot check;
 *   -EKEYREJECTED a signature, binding or chain check failed;
 *   -EKEYEXPIRED a certificate is outside its validity at at_time;
 *   -EKEYREVOKED a certificate is revoked (crl_path);
 *   -ENOKEY the pinned root is not in the chain.
 */
CIMA_API int cima_tdx_quote_verify(const void *buf, size_t len,
				   const struct cima_vendor_verify_opts *opts);

/*
 * Verify the SNP ATTESTATION_REPORT in @buf (at least 1184 bytes; more is
 * ignored).  The VCEK comes from vcek_path, else the certificate table.
 * Same return values as cima_tdx_quote_verify(); -ENOKEY also when no
 * VCEK is given.
 */
CIMA_API int cima_snp_report_verify(const void *buf, size_t len,
				    const struct cima_vendor_verify_opts *opts);

#ifdef __cplusplus
}
#endif

#endif /* CIMA_VERIFY_H */
