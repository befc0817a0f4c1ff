// SPDX-License-Identifier: GPL-2.0
/*
 * Report parsers on real published evidence: the go-tdx-guest TDX quote v4
 * and the go-sev-guest SNP report, against the values in their
 * expected.json (written by those projects / checked by other tools), plus
 * every truncation point and hostile lengths.  Base64 and report data use
 * RFC 4648 vectors and digests computed with the openssl command.
 */
#include <cima/cima.h>
#include "internal.h"	/* cima__b64_*: internal since it left the ABI */

#include "tap.h"
#include "report_testutil.h"

#define QUOTE "go-tdx-guest/cos-113-tdx-quote.dat"
#define SNP "go-sev-guest/attestation.bin"

static unsigned char *must_load(const char *rel, size_t *len)
{
	unsigned char *b = rt_load(rel, len);

	if (!b)
		SKIP("%s/%s not readable (shared test data missing)",
		     rt_testdata(), rel);
	return b;
}

#define EXPECT_HEX(json, key, p, n) do {				\
	const char *_e = rt_json(json, key);				\
	ASSERT_TRUE(_e != NULL);					\
	EXPECT_STREQ(rt_hex(p, n), _e);					\
} while (0)

static int tdx_dump(const void *q, FILE *f) { return cima_tdx_quote_dump(q, f); }
static int snp_dump(const void *r, FILE *f) { return cima_snp_report_dump(r, f); }

/*
 * Dump @obj with @dump into memory; the number of @keys whose value in the
 * expected JSON @j does not appear in the dump (each is logged).
 */
static int dump_shows(int (*dump)(const void *, FILE *), const void *obj, const char *j,
		      const char *const *keys)
{
	char *out = NULL;
	size_t olen = 0;
	int missing = 0;
	FILE *f = open_memstream(&out, &olen);

	if (!f)
		return -1;
	if (dump(obj, f))
		missing++;
	fclose(f);
	for (; *keys; keys++) {
		const char *want = rt_json(j, *keys);

		if (!want || !strstr(out, want)) {
			TH_LOG("dump lacks %s %s", *keys, want ? want : "(not in expected.json)");
			missing++;
		}
	}
	free(out);
	return missing;
}

TEST(tdx_quote_v4_published)
{
	size_t len, jlen;
	unsigned char *q = must_load(QUOTE, &len);
	char *j = (char *)must_load(QUOTE ".expected.json", &jlen);
	struct cima_tdx_quote t;
	char name[16];
	const char *e;

	ASSERT_EQ(0, cima_tdx_quote_parse(q, len, &t));
	EXPECT_EQ(atoi(rt_json(j, "version")), t.version);
	EXPECT_EQ(atoi(rt_json(j, "att_key_type")), t.att_key_type);
	EXPECT_EQ(strtoul(rt_json(j, "tee_type"), NULL, 0), t.tee_type);
	EXPECT_EQ(atoi(rt_json(j, "qe_svn")), t.qe_svn);
	EXPECT_EQ(atoi(rt_json(j, "pce_svn")), t.pce_svn);
	EXPECT_HEX(j, "qe_vendor_id", t.qe_vendor_id, 16);
	EXPECT_HEX(j, "user_data", t.user_data, 20);
	EXPECT_HEX(j, "tee_tcb_svn", t.body.tee_tcb_svn, 16);
	EXPECT_HEX(j, "mr_seam", t.body.mr_seam, 48);
	EXPECT_HEX(j, "mr_signer_seam", t.body.mr_signer_seam, 48);
	EXPECT_HEX(j, "seam_attributes", t.body.seam_attributes, 8);
	EXPECT_HEX(j, "td_attributes", t.body.td_attributes, 8);
	EXPECT_HEX(j, "xfam", t.body.xfam, 8);
	EXPECT_HEX(j, "mr_td", t.body.mr_td, 48);
	EXPECT_HEX(j, "mr_config_id", t.body.mr_config_id, 48);
	EXPECT_HEX(j, "mr_owner", t.body.mr_owner, 48);
	EXPECT_HEX(j, "mr_owner_config", t.body.mr_owner_config, 48);
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "rtmr%d", i);
		EXPECT_HEX(j, name, t.body.rtmr[i], 48);
	}
	EXPECT_HEX(j, "report_data", t.body.report_data, 64);
	e = rt_json(j, "signed_data_size");
	EXPECT_EQ(atoi(e), t.sig_data_len);
	e = rt_json(j, "quote_total_used");
	EXPECT_EQ(atoi(e), t.total_len);
	EXPECT_FALSE(t.body.has_tdx15);
	/* The dump shows MRTD, the RTMRs and REPORTDATA with the published values. */
	EXPECT_EQ(0, dump_shows(tdx_dump, &t, j,
				(const char *const[]){ "mr_td", "rtmr0", "rtmr1", "rtmr2",
						       "rtmr3", "report_data", NULL }));
}

/* expected.json: "quote_signature": "valid under embedded attestation key" */
TEST(tdx_quote_signature)
{
	size_t len;
	unsigned char *q = must_load(QUOTE, &len);

	ASSERT_EQ(0, cima_tdx_quote_check_signature(q, len));
	q[0x238] ^= 1;		/* one bit of REPORTDATA */
	EXPECT_EQ(-EKEYREJECTED, cima_tdx_quote_check_signature(q, len));
	q[0x238] ^= 1;
	q[0x27C + 5] ^= 0x80;	/* one bit of the signature r */
	EXPECT_EQ(-EKEYREJECTED, cima_tdx_quote_check_signature(q, len));
}

/* Every length short of the used quote fails cleanly (ASan checks reads). */
TEST(tdx_quote_truncations)
{
	size_t len;
	unsigned char *q = must_load(QUOTE, &len);
	struct cima_tdx_quote t;

	ASSERT_EQ(0, cima_tdx_quote_parse(q, len, &t));
	for (size_t n = 0; n < t.total_len; n++) {
		unsigned char *c = malloc(n ? n : 1);
		struct cima_tdx_quote u;

		memcpy(c, q, n);
		ASSERT_EQ(-EBADMSG, cima_tdx_quote_parse(c, n, &u));
		free(c);
	}
	{
		unsigned char *c = malloc(t.total_len);
		struct cima_tdx_quote u;

		memcpy(c, q, t.total_len);
		EXPECT_EQ(0, cima_tdx_quote_parse(c, t.total_len, &u));
		EXPECT_EQ(0, cima_tdx_quote_check_signature(c, t.total_len));
		free(c);
	}
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

TEST(tdx_quote_hostile)
{
	size_t len;
	unsigned char *q = must_load(QUOTE, &len);
	struct cima_tdx_quote t;
	unsigned char *c = malloc(len);

	memcpy(c, q, len);
	put32(c + 0x278, 0xffffffff);
	EXPECT_EQ(-EBADMSG, cima_tdx_quote_parse(c, len, &t));
	put32(c + 0x278, (uint32_t)(len - 0x27C + 1));
	EXPECT_EQ(-EBADMSG, cima_tdx_quote_parse(c, len, &t));
	put32(c + 0x278, (uint32_t)(len - 0x27C));	/* exactly fits */
	EXPECT_EQ(0, cima_tdx_quote_parse(c, len, &t));
	put32(c + 0x278, 127);
	EXPECT_EQ(-EBADMSG, cima_tdx_quote_parse(c, len, &t));
	memcpy(c, q, len);
	c[0] = 3;
	EXPECT_EQ(-EPROTONOSUPPORT, cima_tdx_quote_parse(c, len, &t));
	c[0] = 0xff; c[1] = 0xff;
	EXPECT_EQ(-EPROTONOSUPPORT, cima_tdx_quote_parse(c, len, &t));
	memcpy(c, q, len);
	c[4] = 0;		/* SGX TEE type */
	EXPECT_EQ(-EBADMSG, cima_tdx_quote_parse(c, len, &t));
	EXPECT_EQ(-EINVAL, cima_tdx_quote_parse(NULL, 10, &t));
	free(c);
}

/*
 * A v5 quote built from the v4 one by inserting the body descriptor (type
 * 2, 584 bytes): the fields must come out the same, and v5 with a body
 * type/size mismatch or a truncated TDX 1.5 body must fail.
 */
TEST(tdx_quote_v5)
{
	size_t len;
	unsigned char *q = must_load(QUOTE, &len);
	struct cima_tdx_quote a, b;
	unsigned char *c = calloc(1, len + 6 + 64);

	ASSERT_EQ(0, cima_tdx_quote_parse(q, len, &a));
	memcpy(c, q, 48);
	c[0] = 5;
	c[48] = 2;
	put32(c + 50, 584);
	memcpy(c + 54, q + 48, len - 48);
	ASSERT_EQ(0, cima_tdx_quote_parse(c, len + 6, &b));
	EXPECT_EQ(5, b.version);
	EXPECT_EQ(2, b.body_type);
	EXPECT_MEMEQ(&a.body, &b.body, sizeof(a.body));
	EXPECT_EQ(a.sig_data_len, b.sig_data_len);
	EXPECT_EQ(a.total_len + 6, b.total_len);
	for (size_t n = 0; n < b.total_len; n++)
		ASSERT_NE(0, cima_tdx_quote_parse(c, n, &b));
	c[48] = 3;		/* TDX 1.5 type with a 1.0 size */
	EXPECT_EQ(-EBADMSG, cima_tdx_quote_parse(c, len + 6, &b));
	put32(c + 50, 648);	/* 1.5 body: 64 more bytes, then sig length */
	memmove(c + 54 + 648, c + 54 + 584, len - 48 - 584);
	memset(c + 54 + 584, 0xab, 16);
	memset(c + 54 + 600, 0xcd, 48);
	ASSERT_EQ(0, cima_tdx_quote_parse(c, len + 6 + 64, &b));
	EXPECT_TRUE(b.body.has_tdx15);
	EXPECT_EQ(0xab, b.body.tee_tcb_svn2[15]);
	EXPECT_EQ(0xcd, b.body.mr_servicetd[0]);
	EXPECT_MEMEQ(a.body.rtmr, b.body.rtmr, sizeof(a.body.rtmr));
	free(c);
}

/* Synthetic TDREPORT: distinct bytes at the documented offsets. */
TEST(tdreport_layout)
{
	unsigned char r[1024];
	struct cima_tdx_tdreport t;

	for (int i = 0; i < 1024; i++)
		r[i] = (unsigned char)(i * 7 + 3);
	r[0] = 0x81; r[1] = 0; r[2] = 1;
	ASSERT_EQ(0, cima_tdx_tdreport_parse(r, sizeof(r), &t));
	EXPECT_MEMEQ(t.body.report_data, r + 128, 64);
	EXPECT_MEMEQ(t.mac, r + 224, 32);
	EXPECT_MEMEQ(t.body.tee_tcb_svn, r + 264, 16);
	EXPECT_MEMEQ(t.body.mr_seam, r + 280, 48);
	EXPECT_MEMEQ(t.body.td_attributes, r + 512, 8);
	EXPECT_MEMEQ(t.body.xfam, r + 520, 8);
	EXPECT_MEMEQ(t.body.mr_td, r + 528, 48);
	EXPECT_MEMEQ(t.body.mr_config_id, r + 576, 48);
	EXPECT_MEMEQ(t.body.rtmr[0], r + 720, 48);
	EXPECT_MEMEQ(t.body.rtmr[1], r + 768, 48);
	EXPECT_MEMEQ(t.body.rtmr[2], r + 816, 48);
	EXPECT_MEMEQ(t.body.rtmr[3], r + 864, 48);
	EXPECT_MEMEQ(t.body.mr_servicetd, r + 912, 48);
	EXPECT_TRUE(t.body.has_tdx15);
	for (size_t n = 0; n < 1024; n++)
		ASSERT_EQ(-EBADMSG, cima_tdx_tdreport_parse(r, n, &t));
	EXPECT_EQ(-EBADMSG, cima_tdx_tdreport_parse(r, 1025, &t));
	r[0] = 0;
	EXPECT_EQ(-EBADMSG, cima_tdx_tdreport_parse(r, 1024, &t));
}

TEST(snp_report_published)
{
	size_t len, jlen;
	unsigned char *r = must_load(SNP, &len);
	char *j = (char *)must_load(SNP ".expected.json", &jlen);
	struct cima_snp_report s;
	unsigned char be[48];

	ASSERT_EQ(0, cima_snp_report_parse(r, len, &s));
	EXPECT_EQ(atoi(rt_json(j, "version")), s.version);
	EXPECT_EQ(atoi(rt_json(j, "guest_svn")), s.guest_svn);
	EXPECT_EQ(strtoull(rt_json(j, "policy"), NULL, 0), s.policy);
	EXPECT_HEX(j, "family_id", s.family_id, 16);
	EXPECT_HEX(j, "image_id", s.image_id, 16);
	EXPECT_EQ(atoi(rt_json(j, "vmpl")), s.vmpl);
	EXPECT_EQ(atoi(rt_json(j, "signature_algo")), s.signature_algo);
	EXPECT_EQ(strtoull(rt_json(j, "current_tcb"), NULL, 0), s.current_tcb);
	EXPECT_EQ(strtoull(rt_json(j, "platform_info"), NULL, 0), s.platform_info);
	EXPECT_EQ(strtoull(rt_json(j, "author_key_en_etc"), NULL, 0), s.signer_info);
	EXPECT_HEX(j, "report_data", s.report_data, 64);
	EXPECT_HEX(j, "measurement", s.measurement, 48);
	EXPECT_HEX(j, "host_data", s.host_data, 32);
	EXPECT_HEX(j, "id_key_digest", s.id_key_digest, 48);
	EXPECT_HEX(j, "author_key_digest", s.author_key_digest, 48);
	EXPECT_HEX(j, "report_id", s.report_id, 32);
	EXPECT_HEX(j, "report_id_ma", s.report_id_ma, 32);
	EXPECT_EQ(strtoull(rt_json(j, "reported_tcb"), NULL, 0), s.reported_tcb);
	EXPECT_HEX(j, "chip_id", s.chip_id, 64);
	EXPECT_EQ(strtoull(rt_json(j, "committed_tcb"), NULL, 0), s.committed_tcb);
	EXPECT_EQ(strtoull(rt_json(j, "launch_tcb"), NULL, 0), s.launch_tcb);
	EXPECT_EQ(atoi(rt_json(j, "current_build")), s.current_build);
	EXPECT_EQ(atoi(rt_json(j, "current_minor")), s.current_minor);
	EXPECT_EQ(atoi(rt_json(j, "current_major")), s.current_major);
	EXPECT_EQ(atoi(rt_json(j, "committed_build")), s.committed_build);
	EXPECT_EQ(atoi(rt_json(j, "committed_minor")), s.committed_minor);
	EXPECT_EQ(atoi(rt_json(j, "committed_major")), s.committed_major);
	/* expected.json gives R and S big-endian, 48 bytes (P-384). */
	for (int i = 0; i < 48; i++)
		be[i] = s.signature_r[47 - i];
	EXPECT_HEX(j, "signature_r", be, 48);
	for (int i = 0; i < 48; i++)
		be[i] = s.signature_s[47 - i];
	EXPECT_HEX(j, "signature_s", be, 48);
	/* The dump shows the fields with the published values. */
	EXPECT_EQ(0, dump_shows(snp_dump, &s, j,
				(const char *const[]){ "measurement", "chip_id", "host_data",
						       "report_data", NULL }));
}

TEST(snp_report_truncations)
{
	size_t len;
	unsigned char *r = must_load(SNP, &len);
	struct cima_snp_report s;

	for (size_t n = 0; n < len; n++) {
		unsigned char *c = malloc(n ? n : 1);

		memcpy(c, r, n);
		ASSERT_EQ(-EBADMSG, cima_snp_report_parse(c, n, &s));
		free(c);
	}
	r[0] = 1;
	EXPECT_EQ(-EPROTONOSUPPORT, cima_snp_report_parse(r, len, &s));
	EXPECT_EQ(-EINVAL, cima_snp_report_parse(NULL, len, &s));
}

/* RFC 4648 section 10 vectors. */
TEST(base64)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	static const char *const bad[] = { "Zg=", "Z===", "Zm9v\n", "Zm 9", "Zh==", "Zm9=", "=Zm9", "Zg==Zg==", "Zm9v!A==" };
	uint8_t out[16];

	for (size_t i = 0; i < 7; i++) {
		char *e = cima__b64_encode(plain[i], strlen(plain[i]));

		EXPECT_STREQ(enc[i], e);
		free(e);
		EXPECT_EQ((ssize_t)strlen(plain[i]),
			  cima__b64_decode(enc[i], strlen(enc[i]), out, sizeof(out), NULL, 0));
		EXPECT_MEMEQ(plain[i], out, strlen(plain[i]));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ssize_t r = cima__b64_decode(bad[i], strlen(bad[i]), out, sizeof(out), NULL, 0);

		if (r != -EINVAL)
			TH_LOG("\"%s\" gave %zd", bad[i], r);
		EXPECT_EQ(-EINVAL, r);
	}
	EXPECT_EQ(-ENOBUFS, cima__b64_decode("Zm9vYmFy", 8, out, 5, NULL, 0));
	{
		char why[80] = "";

		EXPECT_EQ(-EINVAL, cima__b64_decode("Zm9v!A==", 8, out, sizeof(out), why, sizeof(why)));
		EXPECT_STREQ("base64: invalid character 0x21 at offset 4", why);
	}
}

/* Expected digests: printf ... | openssl dgst -sha512 */
TEST(report_data_rule)
{
	uint8_t rd[64];
	static uint8_t big[CIMA_REPORT_INPUT_MAX + 1];

	ASSERT_EQ(0, cima_report_data("nonce-123", 9, "user-data", 9, rd));
	EXPECT_STREQ("dee72f91c163817e31232eaa1c046cc0412eb3d2d9846192ed91b40d934279458774ee8b47862eeef7845a68c381cce88e05584117a70ce65c48d3067a3c9e86",
		     rt_hex(rd, 64));
	ASSERT_EQ(0, cima_report_data(NULL, 0, NULL, 0, rd));
	EXPECT_STREQ("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
		     rt_hex(rd, 64));
	EXPECT_EQ(-E2BIG, cima_report_data(big, sizeof(big), NULL, 0, rd));
	EXPECT_EQ(-E2BIG, cima_report_data(NULL, 0, big, sizeof(big), rd));
	EXPECT_EQ(0, cima_report_data(big, sizeof(big) - 1, big, sizeof(big) - 1, rd));
	EXPECT_EQ(-EINVAL, cima_report_data(NULL, 3, NULL, 0, rd));
	EXPECT_EQ(-EINVAL, cima_report_data(NULL, 0, NULL, 3, rd));
}

TAP_MAIN();
