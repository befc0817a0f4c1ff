// SPDX-License-Identifier: GPL-2.0
/*
 * Vendor-signature checks on real published evidence: the go-tdx-guest TDX
 * quote (PCK chain to Intel's SGX Root CA) and the go-sev-guest SNP report
 * with its VCEK (chain to AMD's Milan ARK).  That both verify was first
 * established with the openssl command (tests/test_tool_vendor.sh repeats
 * it on every run); the root fingerprints come from the certificates in
 * tests/data/vendor/ (see its README for where they were taken from).
 * Every byte of both is flipped (XOR 0x01; 0x80 and 0xff too on every
 * 5th byte outside the PEM text; every 7th byte of the unsigned padding):
 * each signed byte must fail, at the check that covers it; unsigned
 * padding must not matter.
 */
#include <cima/cima.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tap.h"
#include "report_testutil.h"

#define QUOTE "go-tdx-guest/cos-113-tdx-quote.dat"
#define SNP "go-sev-guest/attestation.bin"
#define VCEK "go-sev-guest/vcek.testcer"
/*
 * Certificates are checked at 2026-01-01 00:00 UTC, not at the time the
 * test runs, so the result does not change when the published VCEK
 * (valid until 2029-09-24) or PCK leaf (2031-07-02) expire.
 */
#define AT 1767225600

static unsigned char *must_load(const char *rel, size_t *len)
{
	unsigned char *b = rt_load(rel, len);

	if (!b)
		SKIP("%s/%s not readable (shared test data missing)",
		     rt_testdata(), rel);
	return b;
}

/* tests/data/vendor/<name> in the source tree. */
static const char *vendor_file(const char *name)
{
	static char path[4][1024];
	static int k;
	const char *top = getenv("CIMA_TOP");
	char *p = path[k++ % 4];

	snprintf(p, sizeof(path[0]), "%.900s/tests/data/vendor/%.100s", top ? top : ".", name);
	return p;
}

static const char *testdata_file(const char *rel)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/%s", rt_testdata(), rel);
	return path;
}

/* SHA-256 of the first certificate in a PEM file, as hex. */
static const char *pem_fingerprint(const char *path)
{
	static char hex[65];
	unsigned char md[32];
	unsigned int n = 32;
	FILE *f = fopen(path, "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;

	if (f)
		fclose(f);
	if (!x || !X509_digest(x, EVP_sha256(), md, &n))
		return "(unreadable)";
	X509_free(x);
	snprintf(hex, sizeof(hex), "%.64s", rt_hex(md, 32));
	return hex;
}

static int tdx(const unsigned char *q, size_t len, const char *root, int *step)
{
	struct cima_vendor_result res = { .sz = sizeof(res) };
	CIMA_OPTS(cima_vendor_verify_opts, o, .root_path = root, .result = &res,
		  .at_time = AT);
	int ret = cima_tdx_quote_verify(q, len, &o);

	*step = res.step;
	return ret;
}

static int snp(const unsigned char *r, size_t len, const char *vcek, const char *ark,
	       int *step)
{
	struct cima_vendor_result res = { .sz = sizeof(res) };
	CIMA_OPTS(cima_vendor_verify_opts, o, .vcek_path = vcek, .root_path = ark,
		  .result = &res, .at_time = AT);
	int ret = cima_snp_report_verify(r, len, &o);

	*step = res.step;
	return ret;
}

TEST(tdx_published_quote_verifies_to_pinned_intel_root)
{
	size_t len;
	unsigned char *q = must_load(QUOTE, &len);
	struct cima_vendor_result res = { .sz = sizeof(res) };
	CIMA_OPTS(cima_vendor_verify_opts, o, .result = &res, .at_time = AT);

	ASSERT_EQ(0, cima_tdx_quote_verify(q, len, &o));
	EXPECT_EQ(CIMA_VSTEP_NONE, res.step);
	EXPECT_TRUE(res.root_pinned);
	EXPECT_EQ(3, res.chain_len);
	EXPECT_STREQ(pem_fingerprint(vendor_file("intel-sgx-root-ca.pem")),
		     rt_hex(res.root_sha256, 32));
	EXPECT_STREQ(CIMA_INTEL_SGX_ROOT_CA_SHA256, rt_hex(res.root_sha256, 32));
	EXPECT_TRUE(strstr(res.root_subject, "CN=Intel SGX Root CA") != NULL);
	EXPECT_TRUE(strstr(res.leaf_subject, "CN=Intel SGX PCK Certificate") != NULL);
	/* The result may be left out. */
	{
		CIMA_OPTS(cima_vendor_verify_opts, o2, .at_time = AT);

		EXPECT_EQ(0, cima_tdx_quote_verify(q, len, &o2));
	}
	free(q);
}

TEST(tdx_root_given_as_file)
{
	size_t len;
	unsigned char *q = must_load(QUOTE, &len);
	struct cima_vendor_result res = { .sz = sizeof(res) };
	CIMA_OPTS(cima_vendor_verify_opts, o, .result = &res, .at_time = AT,
		  .root_path = vendor_file("intel-sgx-root-ca.pem"));
	int step;

	ASSERT_EQ(0, cima_tdx_quote_verify(q, len, &o));
	EXPECT_FALSE(res.root_pinned);
	EXPECT_STREQ(CIMA_INTEL_SGX_ROOT_CA_SHA256, rt_hex(res.root_sha256, 32));
	/* A wrong root (AMD's ARK) fails at the chain step. */
	EXPECT_EQ(-EKEYREJECTED, tdx(q, len, vendor_file("amd-milan-ark.pem"), &step));
	EXPECT_STREQ("chain", cima_vendor_step_name(step));
	EXPECT_TRUE(strstr(cima_strerror_last(), "chain") != NULL);
	/* An unreadable root file is an input error. */
	EXPECT_EQ(-ENOENT, tdx(q, len, "/nonexistent/root.pem", &step));
	EXPECT_EQ(CIMA_VSTEP_INPUT, step);
	free(q);
}

TEST(tdx_certificate_times)
{
	size_t len;
	unsigned char *q = must_load(QUOTE, &len);
	struct cima_vendor_result res = { .sz = sizeof(res) };
	CIMA_OPTS(cima_vendor_verify_opts, o, .result = &res, .at_time = AT);

	/* The PCK leaf is valid from 2024-07-02 12:07:37 UTC to 2031-07-02. */
	o.at_time = 1719922057 + 60;
	EXPECT_EQ(0, cima_tdx_quote_verify(q, len, &o));
	o.at_time = 1719922057 - 60;
	EXPECT_EQ(-EKEYEXPIRED, cima_tdx_quote_verify(q, len, &o));
	EXPECT_EQ(CIMA_VSTEP_CHAIN, res.step);
	o.at_time = 1940000000;		/* 2031-06-22: still valid */
	EXPECT_EQ(0, cima_tdx_quote_verify(q, len, &o));
	o.at_time = 1950000000;		/* 2031-10-16: leaf expired */
	EXPECT_EQ(-EKEYEXPIRED, cima_tdx_quote_verify(q, len, &o));
	free(q);
}

/* Byte ranges of the published quote (v4, body at 48, 4935 bytes used). */
#define SIG_DATA	636
#define CERT_DATA	(SIG_DATA + 128)	/* type 6 header */
#define QE_REPORT	(CERT_DATA + 6)
#define QE_AUTH_LEN	(QE_REPORT + 384 + 64)
#define QE_AUTH		(QE_AUTH_LEN + 2)

static bool step_in(int step, const char *allowed)
{
	const char *name = cima_vendor_step_name(step);
	char pat[40];

	snprintf(pat, sizeof(pat), ",%s,", name ? name : "?");
	return strstr(allowed, pat) != NULL;
}

/* DER of every certificate in @pem (@n bytes), concatenated; malloc'd. */
static unsigned char *pem_ders(const unsigned char *pem, size_t n, size_t *out_len)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)n);
	unsigned char *all = NULL;
	X509 *x;

	*out_len = 0;
	while (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		unsigned char *der = NULL;
		int dl = i2d_X509(x, &der);

		all = realloc(all, *out_len + (size_t)dl);
		memcpy(all + *out_len, der, (size_t)dl);
		*out_len += (size_t)dl;
		OPENSSL_free(der);
		X509_free(x);
	}
	BIO_free(bio);
	return all;
}

TEST(tdx_every_byte_flipped)
{
	static const unsigned char masks[] = { 0x01, 0x80, 0xff };
	size_t len, pem_off, pem_len, root_off, ders_len;
	unsigned char *q = must_load(QUOTE, &len), *ders, *p;
	struct cima_tdx_quote t;
	int bad = 0, unsigned_pass = 0, same_der_pass = 0, counts[8] = { 0 };

	ASSERT_EQ(0, cima_tdx_quote_parse(q, len, &t));
	ASSERT_EQ(4935, (int)t.total_len);
	ASSERT_EQ(32, q[QE_AUTH_LEN] | q[QE_AUTH_LEN + 1] << 8);
	pem_off = QE_AUTH + 32 + 6;
	pem_len = t.total_len - pem_off;
	ASSERT_EQ(5, q[pem_off - 6]);
	/* The root is the third certificate of the PEM chain. */
	p = memmem(q + pem_off, pem_len, "-----BEGIN", 10);
	p = memmem(p + 1, q + t.total_len - p - 1, "-----BEGIN", 10);
	p = memmem(p + 1, q + t.total_len - p - 1, "-----BEGIN", 10);
	ASSERT_TRUE(p != NULL);
	root_off = (size_t)(p - q);
	ders = pem_ders(q + pem_off, pem_len, &ders_len);
	ASSERT_TRUE(ders_len > 1500);

	for (size_t off = 0; off < len; off++) {
		for (size_t m = 0; m < sizeof(masks); m++) {
			const char *allowed;
			int ret, step;

			if (m > 0 && off % 5 && off >= 8)
				continue;	/* the other masks on every 5th byte */
			if (off < 8)
				allowed = ",format,signature,";	/* version, key type, TEE type */
			else if (off < 632)
				allowed = ",signature,";	/* header + body */
			else if (off < SIG_DATA)
				allowed = ",format,";		/* signature data length */
			else if (off < CERT_DATA)
				allowed = ",signature,";	/* r, s, attestation key */
			else if (off < QE_REPORT)
				allowed = ",format,";		/* certification data header */
			else if (off < QE_AUTH_LEN)
				allowed = ",qe-report,";	/* QE report and its signature */
			else if (off < QE_AUTH)
				allowed = ",format,";		/* auth data length */
			else if (off < pem_off)
				allowed = off < QE_AUTH + 32 ? ",binding," : ",format,";
			else if (m > 0)
				continue;	/* PEM text and padding: one mask */
			else if (off < root_off)
				allowed = ",format,chain,";	/* PCK leaf, Platform CA */
			else if (off < t.total_len)
				allowed = ",format,root,";	/* the root's own copy */
			else if (off % 7 == 0)
				allowed = NULL;			/* padding: not signed */
			else
				continue;	/* every 7th padding byte is enough */
			q[off] ^= masks[m];
			ret = tdx(q, len, NULL, &step);
			if (!allowed) {
				if (ret) {
					TH_LOG("padding byte %zu ^%02x failed (%s)", off,
					       masks[m], cima_strerror_last());
					bad++;
				} else {
					unsigned_pass++;
				}
			} else if (ret == 0 && off >= pem_off) {
				/* Only if the certificates decode unchanged. */
				size_t l2;
				unsigned char *d2 = pem_ders(q + pem_off, pem_len, &l2);

				if (l2 != ders_len || memcmp(d2, ders, l2)) {
					TH_LOG("byte %zu ^%02x changed a certificate yet verified",
					       off, masks[m]);
					bad++;
				} else {
					same_der_pass++;
				}
				free(d2);
			} else if (ret == 0 || !step_in(step, allowed)) {
				TH_LOG("byte %zu ^%02x: ret %d step %s, expected one of %s (%s)",
				       off, masks[m], ret, cima_vendor_step_name(step), allowed,
				       cima_strerror_last());
				bad++;
			} else {
				counts[step]++;
			}
			q[off] ^= masks[m];
		}
		if (bad > 20)
			break;
	}
	TH_LOG("failed at: format %d, signature %d, root %d, chain %d, qe-report %d, binding %d; unsigned padding passed %d; PEM text with unchanged DER passed %d",
	       counts[CIMA_VSTEP_FORMAT], counts[CIMA_VSTEP_SIGNATURE], counts[CIMA_VSTEP_ROOT],
	       counts[CIMA_VSTEP_CHAIN], counts[CIMA_VSTEP_QE_REPORT], counts[CIMA_VSTEP_BINDING],
	       unsigned_pass, same_der_pass);
	EXPECT_EQ(0, bad);
	EXPECT_EQ((int)((len - 1) / 7 - (t.total_len - 1) / 7), unsigned_pass);
	/* Every step was reached by some flip. */
	for (int s = CIMA_VSTEP_FORMAT; s <= CIMA_VSTEP_BINDING; s++)
		EXPECT_TRUE(counts[s] > 0);
	/* Untouched, it still verifies. */
	EXPECT_EQ(0, tdx(q, len, NULL, &counts[0]));
	free(ders);
	free(q);
}

/*
 * A quote whose certification data is not a PCK chain (type 5 changed to
 * 3, an encrypted PPID, lengths unchanged): the chain comes from a file.
 */
TEST(tdx_pck_chain_from_file)
{
	size_t len, pem_off = QE_AUTH + 32 + 6;
	unsigned char *q = must_load(QUOTE, &len);
	char full[] = "/tmp/cima-pck-XXXXXX", part[] = "/tmp/cima-pck2-XXXXXX";
	int fd1 = mkstemp(full), fd2 = mkstemp(part), step;
	unsigned char *root;
	struct cima_vendor_result res = { .sz = sizeof(res) };
	CIMA_OPTS(cima_vendor_verify_opts, o, .result = &res, .at_time = AT);

	ASSERT_TRUE(fd1 >= 0 && fd2 >= 0);
	ASSERT_EQ(5, q[pem_off - 6]);
	root = memmem(q + pem_off, 4935 - pem_off, "-----BEGIN", 10);
	root = memmem(root + 1, q + 4935 - root - 1, "-----BEGIN", 10);
	root = memmem(root + 1, q + 4935 - root - 1, "-----BEGIN", 10);
	ASSERT_TRUE(root != NULL);
	/* full: leaf, Platform CA, root; part: without the root. */
	ASSERT_EQ(4935 - (int)pem_off, (int)write(fd1, q + pem_off, 4935 - pem_off));
	ASSERT_EQ((int)(root - q - pem_off), (int)write(fd2, q + pem_off, root - q - pem_off));
	close(fd1);
	close(fd2);
	q[pem_off - 6] = 3;
	EXPECT_EQ(-EOPNOTSUPP, tdx(q, len, NULL, &step));
	EXPECT_EQ(CIMA_VSTEP_FORMAT, step);
	o.pck_chain_path = full;
	EXPECT_EQ(0, cima_tdx_quote_verify(q, len, &o));
	EXPECT_TRUE(res.root_pinned);
	/* Without the root the pin has nothing to match: give the root. */
	o.pck_chain_path = part;
	EXPECT_EQ(-ENOKEY, cima_tdx_quote_verify(q, len, &o));
	EXPECT_EQ(CIMA_VSTEP_ROOT, res.step);
	o.root_path = vendor_file("intel-sgx-root-ca.pem");
	EXPECT_EQ(0, cima_tdx_quote_verify(q, len, &o));
	EXPECT_FALSE(res.root_pinned);
	unlink(full);
	unlink(part);
	free(q);
}

TEST(tdx_truncated_fails_cleanly)
{
	size_t len;
	unsigned char *q = must_load(QUOTE, &len);
	int step, bad = 0;

	for (size_t n = 0; n < 4935; n++) {
		unsigned char *c = malloc(n ? n : 1);
		int ret;

		memcpy(c, q, n);
		ret = tdx(c, n, NULL, &step);
		if (ret != -EBADMSG || step != CIMA_VSTEP_FORMAT) {
			if (bad++ < 5)
				TH_LOG("length %zu: ret %d step %d", n, ret, step);
		}
		free(c);
	}
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, tdx(q, 4935, NULL, &step));
	EXPECT_EQ(-EINVAL, cima_tdx_quote_verify(NULL, 10, NULL));
	free(q);
}

TEST(snp_published_report_verifies_to_pinned_milan_ark)
{
	size_t len;
	unsigned char *r = must_load(SNP, &len);
	struct cima_vendor_result res = { .sz = sizeof(res) };
	CIMA_OPTS(cima_vendor_verify_opts, o, .result = &res, .at_time = AT,
		  .vcek_path = testdata_file(VCEK));

	ASSERT_EQ(0, cima_snp_report_verify(r, len, &o));
	EXPECT_TRUE(res.root_pinned);
	EXPECT_EQ(3, res.chain_len);
	EXPECT_STREQ(pem_fingerprint(vendor_file("amd-milan-ark.pem")),
		     rt_hex(res.root_sha256, 32));
	EXPECT_TRUE(strstr(res.root_subject, "CN=ARK-Milan") != NULL);
	EXPECT_TRUE(strstr(res.leaf_subject, "CN=SEV-VCEK") != NULL);
	free(r);
}

TEST(snp_roots_given_as_file)
{
	size_t len;
	unsigned char *r = must_load(SNP, &len);
	int step;

	/* AMD's cert_chain file (ASK then ARK) as the caller's anchor. */
	EXPECT_EQ(0, snp(r, len, testdata_file(VCEK), vendor_file("amd-milan-ask-ark.pem"),
			 &step));
	/* The ARK alone: no ASK to link the VCEK to it. */
	EXPECT_EQ(-EKEYREJECTED, snp(r, len, testdata_file(VCEK),
				     vendor_file("amd-milan-ark.pem"), &step));
	EXPECT_STREQ("chain", cima_vendor_step_name(step));
	/* Wrong roots: Genoa's chain, Intel's root. */
	EXPECT_EQ(-EKEYREJECTED, snp(r, len, testdata_file(VCEK),
				     vendor_file("amd-genoa-ask-ark.pem"), &step));
	EXPECT_STREQ("chain", cima_vendor_step_name(step));
	EXPECT_EQ(-EKEYREJECTED, snp(r, len, testdata_file(VCEK),
				     vendor_file("intel-sgx-root-ca.pem"), &step));
	EXPECT_STREQ("chain", cima_vendor_step_name(step));
	/* No VCEK at all; an unreadable one. */
	EXPECT_EQ(-ENOKEY, snp(r, len, NULL, NULL, &step));
	EXPECT_EQ(CIMA_VSTEP_INPUT, step);
	EXPECT_EQ(-ENOENT, snp(r, len, "/nonexistent/vcek.der", NULL, &step));
	EXPECT_EQ(CIMA_VSTEP_INPUT, step);
	/* The Intel root is not a VCEK: P-256 key, the signature step fails. */
	EXPECT_EQ(-EKEYREJECTED, snp(r, len, vendor_file("intel-sgx-root-ca.pem"), NULL,
				     &step));
	EXPECT_STREQ("signature", cima_vendor_step_name(step));
	free(r);
}

TEST(snp_vcek_times)
{
	size_t len;
	unsigned char *r = must_load(SNP, &len);
	struct cima_vendor_result res = { .sz = sizeof(res) };
	CIMA_OPTS(cima_vendor_verify_opts, o, .result = &res, .at_time = AT,
		  .vcek_path = testdata_file(VCEK));

	/* VCEK valid 2022-09-24 00:55:28 .. 2029-09-24 00:55:28 UTC. */
	o.at_time = 1663980928 + 60;
	EXPECT_EQ(0, cima_snp_report_verify(r, len, &o));
	o.at_time = 1663980928 - 60;
	EXPECT_EQ(-EKEYEXPIRED, cima_snp_report_verify(r, len, &o));
	EXPECT_EQ(CIMA_VSTEP_CHAIN, res.step);
	free(r);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

/* GHCB certificate table: VCEK and ASK entries (GUIDs in string byte order). */
TEST(snp_certificate_table)
{
	static const unsigned char vcek_guid[16] = {
		0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64,
		0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd };
	static const unsigned char ask_guid[16] = {
		0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4,
		0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82 };
	size_t len, vlen;
	unsigned char *r = must_load(SNP, &len), *v = must_load(VCEK, &vlen);
	unsigned char *t = calloc(1, 3 * 24 + vlen + 4096), *ask = NULL;
	struct cima_vendor_result res = { .sz = sizeof(res) };
	CIMA_OPTS(cima_vendor_verify_opts, o, .result = &res, .at_time = AT);
	FILE *f = fopen(vendor_file("amd-milan-ask-ark.pem"), "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	int alen, tlen;

	ASSERT_TRUE(x != NULL);
	fclose(f);
	alen = i2d_X509(x, &ask);
	X509_free(x);
	memcpy(t, vcek_guid, 16);
	put32(t + 16, 72);
	put32(t + 20, (uint32_t)vlen);
	memcpy(t + 24, ask_guid, 16);
	put32(t + 40, 72 + (uint32_t)vlen);
	put32(t + 44, (uint32_t)alen);
	memcpy(t + 72, v, vlen);
	memcpy(t + 72 + vlen, ask, (size_t)alen);
	tlen = 72 + (int)vlen + alen;
	o.cert_table = t;
	o.cert_table_len = (size_t)tlen;
	EXPECT_EQ(0, cima_snp_report_verify(r, len, &o));
	/* With the caller's ARK alone the table's ASK links the chain. */
	o.root_path = vendor_file("amd-milan-ark.pem");
	EXPECT_EQ(0, cima_snp_report_verify(r, len, &o));
	EXPECT_FALSE(res.root_pinned);
	o.root_path = NULL;
	/* Every truncation of the table fails cleanly. */
	for (int n = 0; n < tlen; n++) {
		o.cert_table_len = (size_t)n;
		if (cima_snp_report_verify(r, len, &o) != -EBADMSG ||
		    res.step != CIMA_VSTEP_FORMAT) {
			TH_LOG("table truncated to %d: step %d (%s)", n, res.step,
			       cima_strerror_last());
			EXPECT_TRUE(false);
			break;
		}
	}
	o.cert_table_len = (size_t)tlen;
	/* An entry pointing outside the table. */
	put32(t + 20, (uint32_t)tlen);
	EXPECT_EQ(-EBADMSG, cima_snp_report_verify(r, len, &o));
	put32(t + 20, (uint32_t)vlen);
	/* A flipped byte in the table's VCEK: never verifies. */
	for (size_t i = 0; i < vlen; i += 7) {
		t[72 + i] ^= 0x10;
		if (cima_snp_report_verify(r, len, &o) == 0) {
			TH_LOG("table VCEK byte %zu flipped, still verified", i);
			EXPECT_TRUE(false);
		}
		t[72 + i] ^= 0x10;
	}
	EXPECT_EQ(0, cima_snp_report_verify(r, len, &o));
	OPENSSL_free(ask);
	free(t);
	free(v);
	free(r);
}

TEST(snp_every_byte_flipped)
{
	static const unsigned char masks[] = { 0x01, 0x80, 0xff };
	size_t len;
	unsigned char *r = must_load(SNP, &len);
	int bad = 0, unsigned_pass = 0, counts[8] = { 0 };
	const char *vcek = testdata_file(VCEK);
	char vpath[1100];

	snprintf(vpath, sizeof(vpath), "%s", vcek);
	ASSERT_EQ(1184, (int)len);
	for (size_t off = 0; off < len; off++) {
		for (size_t m = 0; m < sizeof(masks); m++) {
			const char *allowed;
			int ret, step;

			if (m > 0 && off % 5 && off >= 4)
				continue;	/* the other masks on every 5th byte */
			if (off < 4)
				allowed = ",format,signature,";	/* VERSION */
			else if (off < 0x2A0 + 2 * 72)
				allowed = ",signature,";	/* signed bytes, R, S */
			else if (off % 7 == 0)
				allowed = NULL;	/* reserved rest of the signature field */
			else
				continue;	/* every 7th reserved byte is enough */
			r[off] ^= masks[m];
			ret = snp(r, len, vpath, NULL, &step);
			if (!allowed) {
				if (ret == 0)
					unsigned_pass++;
				else
					bad++;
			} else if (ret == 0 || !step_in(step, allowed)) {
				TH_LOG("byte 0x%zx ^%02x: ret %d step %s (%s)", off, masks[m], ret,
				       cima_vendor_step_name(step), cima_strerror_last());
				bad++;
			} else {
				counts[step]++;
			}
			r[off] ^= masks[m];
		}
		if (bad > 20)
			break;
	}
	TH_LOG("failed at: format %d, signature %d; reserved bytes passed %d",
	       counts[CIMA_VSTEP_FORMAT], counts[CIMA_VSTEP_SIGNATURE], unsigned_pass);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(1183 / 7 - 0x32f / 7 + (1183 / 35 - 0x32f / 35) * 2, unsigned_pass);
	EXPECT_EQ(0, snp(r, len, vpath, NULL, &counts[0]));
	free(r);
}

/* Every other byte of the VCEK file flipped: never verifies. */
TEST(snp_vcek_every_byte_flipped)
{
	size_t len, vlen;
	unsigned char *r = must_load(SNP, &len), *v = must_load(VCEK, &vlen);
	char path[] = "/tmp/cima-vcek-XXXXXX";
	int fd = mkstemp(path), bad = 0, counts[8] = { 0 }, step;

	ASSERT_TRUE(fd >= 0);
	close(fd);
	for (size_t off = 0; off < vlen; off += 2) {
		FILE *f = fopen(path, "wb");

		v[off] ^= 0x04;
		fwrite(v, 1, vlen, f);
		fclose(f);
		if (snp(r, len, path, NULL, &step) == 0) {
			TH_LOG("VCEK byte %zu flipped, still verified", off);
			bad++;
		} else if (!step_in(step, ",input,signature,chain,")) {
			TH_LOG("VCEK byte %zu: step %s", off, cima_vendor_step_name(step));
			bad++;
		} else {
			counts[step]++;
		}
		v[off] ^= 0x04;
	}
	unlink(path);
	TH_LOG("failed at: input %d, signature %d, chain %d", counts[CIMA_VSTEP_INPUT],
	       counts[CIMA_VSTEP_SIGNATURE], counts[CIMA_VSTEP_CHAIN]);
	EXPECT_EQ(0, bad);
	EXPECT_TRUE(counts[CIMA_VSTEP_CHAIN] > 0);
	free(v);
	free(r);
}

TEST(snp_truncated_fails_cleanly)
{
	size_t len;
	unsigned char *r = must_load(SNP, &len);
	int step;

	for (size_t n = 0; n < 1184; n++) {
		unsigned char *c = malloc(n ? n : 1);

		memcpy(c, r, n);
		if (snp(c, n, testdata_file(VCEK), NULL, &step) != -EBADMSG ||
		    step != CIMA_VSTEP_FORMAT) {
			TH_LOG("length %zu: step %d", n, step);
			EXPECT_TRUE(false);
			free(c);
			break;
		}
		free(c);
	}
	free(r);
}

TEST(options_and_names)
{
	struct { size_t sz; } tiny = { 2 };
	size_t len;
	unsigned char *q = must_load(QUOTE, &len);

	struct {
		struct cima_vendor_verify_opts o;
		uint64_t newer_field;
	} big = { .o = { .sz = sizeof(big), .at_time = AT }, .newer_field = 1 };

	EXPECT_EQ(-EINVAL, cima_tdx_quote_verify(q, len, (const void *)&tiny));
	/* A field from a newer header is never ignored; zero is fine. */
	EXPECT_EQ(-EINVAL, cima_tdx_quote_verify(q, len, &big.o));
	big.newer_field = 0;
	EXPECT_EQ(0, cima_tdx_quote_verify(q, len, &big.o));
	EXPECT_STREQ("qe-report", cima_vendor_step_name(CIMA_VSTEP_QE_REPORT));
	EXPECT_STREQ("binding", cima_vendor_step_name(CIMA_VSTEP_BINDING));
	EXPECT_TRUE(cima_vendor_step_name(99) == NULL);
	free(q);
}

TAP_MAIN()
