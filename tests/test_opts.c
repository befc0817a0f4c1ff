// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Options structs (include/cima/common.h): every function that takes one
 * accepts an older caller's shorter struct, refuses one whose sz is not
 * set, and refuses one from a newer header whose fields this library does
 * not know (non-zero bytes past the last field it knows) instead of
 * silently ignoring them.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cima/cima.h>
#include "internal.h"
#include "tap.h"

#define CIMA_LOG "tests/data/vm-6.12/cima.bin"

/* A struct from a "newer header": ours followed by fields we do not know. */
#define NEWER(type)							\
	struct {							\
		struct type o;						\
		uint64_t later[2];					\
	}

static struct cima_eventlog *cima_log(void)
{
	CIMA_OPTS(cima_eventlog_opts, o, .source = CIMA_SOURCE_CIMA, .path = CIMA_LOG);

	return cima_eventlog_open(&o);
}

TEST(opts_load_unknown_trailing_byte_is_einval)
{
	NEWER(cima_replay_opts) big;
	struct cima_replay_opts o;

	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	EXPECT_EQ(0, CIMA_OPTS_LOAD(cima_replay_opts, &big, &o));
	EXPECT_EQ(sizeof(o), o.sz);
	big.later[1] = 1;
	EXPECT_EQ(-EINVAL, CIMA_OPTS_LOAD(cima_replay_opts, &big, &o));
	EXPECT_TRUE(strstr(cima_strerror_last(), "unknown non-zero byte") != NULL);
}

TEST(opts_load_short_sz_zeroes_the_rest)
{
	struct cima_replay_opts in, o;

	memset(&in, 0, sizeof(in));
	in.sz = offsetof(struct cima_replay_opts, container);
	in.nbanks = 3;
	in.container = "not-seen";	/* past the caller's sz: not read */
	in.ima_sha1_padded = true;
	EXPECT_EQ(0, CIMA_OPTS_LOAD(cima_replay_opts, &in, &o));
	EXPECT_EQ(3, o.nbanks);
	EXPECT_TRUE(o.container == NULL);
	EXPECT_FALSE(o.ima_sha1_padded);
	EXPECT_EQ(sizeof(o), o.sz);
}

TEST(opts_load_unset_sz_is_einval)
{
	struct cima_verify_opts in = { 0 }, o;

	EXPECT_EQ(-EINVAL, CIMA_OPTS_LOAD(cima_verify_opts, &in, &o));
	in.sz = 3;
	EXPECT_EQ(-EINVAL, CIMA_OPTS_LOAD(cima_verify_opts, &in, &o));
	EXPECT_EQ(0, CIMA_OPTS_LOAD(cima_verify_opts, NULL, &o));
	EXPECT_EQ(sizeof(o), o.sz);
}

TEST(eventlog_open_checks_opts)
{
	NEWER(cima_eventlog_opts) big;
	struct cima_eventlog *log;

	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.o.source = CIMA_SOURCE_CIMA;
	big.o.path = CIMA_LOG;
	log = cima_eventlog_open(&big.o);
	ASSERT_TRUE(log != NULL);
	cima_eventlog_free(log);
	big.later[0] = 0x100;
	errno = 0;
	EXPECT_TRUE(cima_eventlog_open(&big.o) == NULL);
	EXPECT_EQ(EINVAL, errno);
	big.later[0] = 0;
	big.o.sz = 0;
	errno = 0;
	EXPECT_TRUE(cima_eventlog_open(&big.o) == NULL);
	EXPECT_EQ(EINVAL, errno);
}

TEST(replay_without_sz_is_einval)
{
	struct cima_eventlog *log = cima_log();
	struct cima_replay_opts o = { .container = "web" };	/* no CIMA_OPTS */
	NEWER(cima_replay_opts) big;
	struct cima_replay *r;

	ASSERT_TRUE(log != NULL);
	errno = 0;
	EXPECT_TRUE(cima_replay_eventlog(log, &o) == NULL);
	EXPECT_EQ(EINVAL, errno);
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.later[1] = 7;
	errno = 0;
	EXPECT_TRUE(cima_replay_eventlog(log, &big.o) == NULL);
	EXPECT_EQ(EINVAL, errno);
	/* The same struct with its unknown fields zero is fine. */
	big.later[1] = 0;
	r = cima_replay_eventlog(log, &big.o);
	EXPECT_TRUE(r != NULL);
	cima_replay_free(r);
	cima_eventlog_free(log);
}

TEST(verify_without_sz_is_einval_not_live)
{
	struct cima_eventlog *log = cima_log();
	struct cima_replay *exp = cima_replay_new();
	/* Without sz the expected values would be dropped and live ones read. */
	struct cima_verify_opts o = { .expected = exp };
	NEWER(cima_verify_opts) big;
	struct cima_verify_result *res = (void *)1;

	ASSERT_TRUE(log != NULL);
	ASSERT_TRUE(exp != NULL);
	EXPECT_EQ(-EINVAL, cima_verify_eventlog(log, &o, &res));
	EXPECT_TRUE(res == NULL);
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.o.expected = exp;
	big.later[0] = 1;
	EXPECT_EQ(-EINVAL, cima_verify_eventlog(log, &big.o, NULL));
	cima_replay_free(exp);
	cima_eventlog_free(log);
}

TEST(platform_and_report_opts_checked)
{
	NEWER(cima_platform_opts) p;
	NEWER(cima_report_opts) r;
	struct cima_platform_opts unset = { .platform = CIMA_PLATFORM_TPM };

	memset(&p, 0, sizeof(p));
	p.o.sz = sizeof(p);
	p.o.platform = CIMA_PLATFORM_TPM;
	p.later[0] = 1;
	EXPECT_EQ(-EINVAL, cima_detect_platform(&p.o));
	p.later[0] = 0;
	EXPECT_EQ(CIMA_PLATFORM_TPM, cima_detect_platform(&p.o));
	EXPECT_EQ(-EINVAL, cima_detect_platform(&unset));

	memset(&r, 0, sizeof(r));
	r.o.sz = sizeof(r);
	r.later[1] = 1;
	errno = 0;
	EXPECT_TRUE(cima_get_cc_report(NULL, 0, NULL, 0, &r.o) == NULL);
	EXPECT_EQ(EINVAL, errno);
}

TEST(tpm_quote_check_opts_checked)
{
	NEWER(cima_tpm_quote_check) c;
	static const uint8_t junk[4];

	memset(&c, 0, sizeof(c));
	c.o.sz = sizeof(c);
	c.o.attest = c.o.signature = c.o.ak_public = junk;
	c.o.attest_len = c.o.signature_len = c.o.ak_public_len = sizeof(junk);
	/* No nonce and no explicit no_qualifying_data: refused. */
	EXPECT_EQ(-EINVAL, cima_tpm_quote_verify(&c.o));
	c.o.no_qualifying_data = true;
	/* Known fields only: the junk is looked at and refused as malformed. */
	EXPECT_EQ(-EBADMSG, cima_tpm_quote_verify(&c.o));
	c.later[0] = 1;
	EXPECT_EQ(-EINVAL, cima_tpm_quote_verify(&c.o));
}

TAP_MAIN();
