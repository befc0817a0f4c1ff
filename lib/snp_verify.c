// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SEV-SNP attestation report verification against AMD's chain, offline.
 *
 * Checks, in order: format (the report parses; the signing certificate
 * is found and decodes), signature (ECDSA P-384 / SHA-384 over report
 * bytes [0, 0x2A0) under the VCEK or VLEK; R and S are 72-byte
 * little-endian fields at 0x2A0 and 0x2E8), chain (VCEK -> ASK -> ARK,
 * exactly three certificates, RSA-PSS signatures checked by OpenSSL; the
 * ARK is a built-in pinned one unless the caller gives its own), binding
 * (the VCEK's hwID extension equals CHIP_ID and, for Milan and Genoa, its
 * SPL extensions equal REPORTED_TCB).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cima/report.h>
#include "vendor_internal.h"
#include "snp_vendor_certs.h"

#define SNP_SIGNED_LEN		0x2A0
#define SNP_SIG_R		0x2A0
#define SNP_SIG_S		0x2E8
#define SNP_SIG_FIELD		72
#define CERT_ENTRY_LEN		24

/*
 * Certificate table GUIDs (GHCB spec, SNP extended guest request), as the
 * 16 bytes appear in the table: the string's byte order (RFC 4122), as
 * go-sev-guest's abi package reads them and virtee/sev's host side writes
 * them (not the mixed-endian UEFI order).
 */
static const uint8_t guid_vcek[16] = {
	0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64,
	0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd };	/* 63da758d-e664-4564-adc5-f4b93be8accd */
static const uint8_t guid_vlek[16] = {
	0xa8, 0x07, 0x4b, 0xc2, 0xa2, 0x5a, 0x48, 0x3e,
	0xaa, 0xe6, 0x39, 0xc0, 0x45, 0xa0, 0xb8, 0xa1 };	/* a8074bc2-a25a-483e-aae6-39c045a0b8a1 */
static const uint8_t guid_ask[16] = {
	0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4,
	0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82 };	/* 4ab7b379-bbac-4fe4-a02f-05aef327c782 */

struct snp_certs {
	X509 *key;			/* VCEK or VLEK */
	STACK_OF(X509) *untrusted;	/* ASKs */
	STACK_OF(X509) *anchors;	/* ARKs */
};

static X509 *der_cert(const uint8_t *p, size_t n)
{
	const unsigned char *q = p;
	X509 *x = d2i_X509(NULL, &q, (long)n);

	if (x && q != p + n) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

/* Entries of the GHCB certificate table: VCEK/VLEK (as @key_guid) and ASK. */
static int parse_table(struct cima__vctx *c, const uint8_t *guid_key,
		       struct snp_certs *sc)
{
	const uint8_t *t = c->o.cert_table;
	size_t n = c->o.cert_table_len, off;
	static const uint8_t zero[CERT_ENTRY_LEN];

	for (off = 0;; off += CERT_ENTRY_LEN) {
		const uint8_t *e = t + off;
		uint32_t co, cl;
		X509 *x;

		if (n - off < CERT_ENTRY_LEN)
			return cima__vfail(c, CIMA_VSTEP_FORMAT, -EBADMSG,
					   "certificate table: entry at %zu truncated (no all-zero end entry)",
					   off);
		if (!memcmp(e, zero, CERT_ENTRY_LEN))
			break;
		co = cima__v_le32(e + 16);
		cl = cima__v_le32(e + 20);
		if (co > n || cl > n - co || co < off + CERT_ENTRY_LEN)
			return cima__vfail(c, CIMA_VSTEP_FORMAT, -EBADMSG,
					   "certificate table: entry at %zu: offset %u length %u outside the %zu-byte table",
					   off, co, cl, n);
		if (memcmp(e, guid_key, 16) && memcmp(e, guid_ask, 16))
			continue;	/* ARK and unknown entries are not used */
		x = der_cert(t + co, cl);
		if (!x)
			return cima__vfail(c, CIMA_VSTEP_FORMAT, -EBADMSG,
					   "certificate table: entry at %zu: not one DER certificate",
					   off);
		if (!memcmp(e, guid_key, 16)) {
			if (sc->key) {
				X509_free(x);
				return cima__vfail(c, CIMA_VSTEP_FORMAT, -EBADMSG,
						   "certificate table: two signing-key entries");
			}
			sc->key = x;
		} else if (!sk_X509_push(sc->untrusted, x)) {
			X509_free(x);
			return -ENOMEM;
		}
	}
	return 0;
}

static X509 *pem_cert(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

	BIO_free(bio);
	return x;
}

/* The built-in ARKs (anchors) and ASKs, each checked against its pin. */
static int builtin_certs(struct cima__vctx *c, struct snp_certs *sc)
{
	for (size_t i = 0; i < ARRAY_SIZE(snp_vendor_certs); i++) {
		const struct snp_vendor_certs *v = &snp_vendor_certs[i];
		X509 *ark = pem_cert(v->ark_pem), *ask = pem_cert(v->ask_pem);
		uint8_t fp[32], pin[32];
		bool ok = ark && ask;

		if (ok) {
			cima__v_fingerprint(ark, fp);
			ok = !cima__unhex(v->ark_sha256, 64, pin, 32) && !memcmp(fp, pin, 32);
			cima__v_fingerprint(ask, fp);
			ok = ok && !cima__unhex(v->ask_sha256, 64, pin, 32) &&
			     !memcmp(fp, pin, 32);
		}
		if (!ok || !sk_X509_push(sc->anchors, ark)) {
			X509_free(ark);
			X509_free(ask);
			return cima__vfail(c, CIMA_VSTEP_ROOT, -EFAULT,
					   "built-in %s ARK/ASK does not match its pinned fingerprint",
					   v->product);
		}
		if (!sk_X509_push(sc->untrusted, ask)) {
			X509_free(ask);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Caller's file: self-signed certificates are anchors, others intermediates. */
static int file_roots(struct cima__vctx *c, struct snp_certs *sc)
{
	STACK_OF(X509) *given = NULL;
	int ret;

	ret = cima__v_file_certs(c, c->o.root_path, &given);
	if (ret)
		return ret;
	while (sk_X509_num(given)) {
		X509 *x = sk_X509_shift(given);
		STACK_OF(X509) *to = cima__v_self_signed(x) ? sc->anchors : sc->untrusted;

		if (!sk_X509_push(to, x)) {
			X509_free(x);
			sk_X509_pop_free(given, X509_free);
			return -ENOMEM;
		}
	}
	sk_X509_free(given);
	if (!sk_X509_num(sc->anchors))
		return cima__vfail(c, CIMA_VSTEP_INPUT, -ENOKEY,
				   "%s: no self-signed (ARK) certificate", c->o.root_path);
	return 0;
}

/* The integer inside an AMD VCEK extension's OCTET STRING, or -1. */
static long ext_int(X509 *x, const char *oid)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	int i = obj ? X509_get_ext_by_OBJ(x, obj, -1) : -1;
	ASN1_OCTET_STRING *os;
	const unsigned char *p;
	ASN1_INTEGER *ai;
	long v = -1;

	ASN1_OBJECT_free(obj);
	if (i < 0)
		return -1;
	os = X509_EXTENSION_get_data(X509_get_ext(x, i));
	p = ASN1_STRING_get0_data(os);
	ai = d2i_ASN1_INTEGER(NULL, &p, ASN1_STRING_length(os));
	if (ai)
		v = ASN1_INTEGER_get(ai);
	ASN1_INTEGER_free(ai);
	return v;
}

static const ASN1_OCTET_STRING *ext_octets(X509 *x, const char *oid)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	int i = obj ? X509_get_ext_by_OBJ(x, obj, -1) : -1;

	ASN1_OBJECT_free(obj);
	return i < 0 ? NULL : X509_EXTENSION_get_data(X509_get_ext(x, i));
}

/* hwID = CHIP_ID; Milan/Genoa: blSPL, teeSPL, snpSPL, ucodeSPL = REPORTED_TCB. */
static int check_binding(struct cima__vctx *c, X509 *key,
			 const struct cima_snp_report *r)
{
	static const struct { const char *oid; int byte; const char *name; } spl[] = {
		{ "1.3.6.1.4.1.3704.1.3.1", 0, "blSPL" },
		{ "1.3.6.1.4.1.3704.1.3.2", 1, "teeSPL" },
		{ "1.3.6.1.4.1.3704.1.3.3", 6, "snpSPL" },
		{ "1.3.6.1.4.1.3704.1.3.8", 7, "ucodeSPL" },
	};
	const ASN1_OCTET_STRING *hw = ext_octets(key, "1.3.6.1.4.1.3704.1.4");
	const ASN1_OCTET_STRING *prod = ext_octets(key, "1.3.6.1.4.1.3704.1.2");
	static const uint8_t zero[64];
	bool old_layout = false;

	if (hw && memcmp(r->chip_id, zero, sizeof(zero)) &&
	    (ASN1_STRING_length(hw) != 64 ||
	     memcmp(ASN1_STRING_get0_data(hw), r->chip_id, 64)))
		return cima__vfail(c, CIMA_VSTEP_BINDING, -EKEYREJECTED,
				   "the VCEK's hwID extension differs from the report's CHIP_ID");
	/* productName is an IA5String: 0x16 len "Milan-B0" / "Genoa-..." */
	if (prod && ASN1_STRING_length(prod) > 7) {
		const uint8_t *p = ASN1_STRING_get0_data(prod);

		old_layout = !memcmp(p + 2, "Milan", 5) || !memcmp(p + 2, "Genoa", 5);
	}
	for (size_t i = 0; old_layout && i < ARRAY_SIZE(spl); i++) {
		long v = ext_int(key, spl[i].oid);
		unsigned int want = (unsigned int)(r->reported_tcb >> (8 * spl[i].byte)) & 0xff;

		if (v >= 0 && (unsigned long)v != want)
			return cima__vfail(c, CIMA_VSTEP_BINDING, -EKEYREJECTED,
					   "the VCEK's %s extension (%ld) differs from REPORTED_TCB byte %d (%u)",
					   spl[i].name, v, spl[i].byte, want);
	}
	return 0;
}

static int verify(struct cima__vctx *c, const uint8_t *buf, size_t len,
		  struct snp_certs *sc)
{
	struct cima_snp_report r;
	uint8_t rb[SNP_SIG_FIELD], sb[SNP_SIG_FIELD];
	STACK_OF(X509) *leaf_only = NULL;
	unsigned int signing_key;
	EVP_PKEY *pub;
	int ret, ok;

	/* format */
	ret = cima_snp_report_parse(buf, len, &r);
	if (ret)
		return cima__vfail(c, CIMA_VSTEP_FORMAT, ret, "%s", cima__v_last(c));
	signing_key = (r.signer_info >> 2) & 7;
	sc->untrusted = sk_X509_new_null();
	sc->anchors = sk_X509_new_null();
	if (!sc->untrusted || !sc->anchors)
		return -ENOMEM;
	if (c->o.cert_table) {
		ret = parse_table(c, signing_key == 1 ? guid_vlek : guid_vcek, sc);
		if (ret)
			return ret;
	}
	if (c->o.vcek_path) {
		STACK_OF(X509) *given = NULL;

		ret = cima__v_file_certs(c, c->o.vcek_path, &given);
		if (ret)
			return ret;
		X509_free(sc->key);
		sc->key = sk_X509_shift(given);
		while (sk_X509_num(given)) {	/* an ASK after it is welcome */
			X509 *x = sk_X509_shift(given);

			if (!sk_X509_push(sc->untrusted, x))
				X509_free(x);
		}
		sk_X509_free(given);
	}
	if (!sc->key)
		return cima__vfail(c, CIMA_VSTEP_INPUT, -ENOKEY,
				   "no %s: give it as a file or in the certificate table",
				   signing_key == 1 ? "VLEK" : "VCEK");

	/* signature */
	if (signing_key != 0 && signing_key != 1)
		return cima__vfail(c, CIMA_VSTEP_SIGNATURE, -EKEYREJECTED,
				   "SIGNING_KEY %u in signer info (0x48) is neither VCEK (0) nor VLEK (1)",
				   signing_key);
	if (r.signature_algo != 1)
		return cima__vfail(c, CIMA_VSTEP_SIGNATURE, -EKEYREJECTED,
				   "SIGNATURE_ALGO %u at 0x34 is not ECDSA P-384 with SHA-384 (1)",
				   r.signature_algo);
	pub = X509_get0_pubkey(sc->key);
	if (!cima__v_key_is_ec(pub, NID_secp384r1))
		return cima__vfail(c, CIMA_VSTEP_SIGNATURE, -EKEYREJECTED,
				   "the VCEK's key is not ECDSA P-384");
	for (int i = 0; i < SNP_SIG_FIELD; i++) {
		rb[i] = buf[SNP_SIG_R + SNP_SIG_FIELD - 1 - i];
		sb[i] = buf[SNP_SIG_S + SNP_SIG_FIELD - 1 - i];
	}
	ok = cima__v_ecdsa(pub, EVP_sha384(), rb, sb, SNP_SIG_FIELD, buf, SNP_SIGNED_LEN);
	if (ok < 0)
		return -ENOMEM;
	if (!ok)
		return cima__vfail(c, CIMA_VSTEP_SIGNATURE, -EKEYREJECTED,
				   "ECDSA P-384 signature over bytes [0, 0x2a0) does not verify under the VCEK");

	/* chain */
	if (c->o.root_path)
		ret = file_roots(c, sc);
	else
		ret = builtin_certs(c, sc);
	if (ret)
		return ret;
	c->res.root_pinned = !c->o.root_path;
	leaf_only = sk_X509_new_null();
	if (!leaf_only || !sk_X509_push(leaf_only, sc->key)) {
		sk_X509_free(leaf_only);
		return -ENOMEM;
	}
	ret = cima__v_chain(c, sc->key, sc->untrusted, sc->anchors, leaf_only, 3);
	sk_X509_free(leaf_only);
	if (ret)
		return ret;

	/* binding */
	return check_binding(c, sc->key, &r);
}

int cima_snp_report_verify(const void *buf, size_t len,
			   const struct cima_vendor_verify_opts *opts)
{
	struct snp_certs sc = { 0 };
	struct cima__vctx c;
	int ret;

	ret = cima__vctx_init(&c, opts, "snp report");
	if (ret)
		return ret;
	if (!buf)
		return cima__vctx_done(&c, cima__vfail(&c, CIMA_VSTEP_INPUT, -EINVAL,
						       "NULL report"));
	ret = verify(&c, buf, len, &sc);
	if (ret == -ENOMEM)
		cima__err(-ENOMEM, "snp report: out of memory");
	X509_free(sc.key);
	sk_X509_pop_free(sc.untrusted, X509_free);
	sk_X509_pop_free(sc.anchors, X509_free);
	return cima__vctx_done(&c, ret);
}
