// SPDX-License-Identifier: GPL-2.0
/* Host tests of the library's shared helpers (algorithm table, errors). */
#include <errno.h>

#include <cima/cima.h>
#include "tap.h"

TEST(alg_sizes_follow_tcg_registry)
{
	EXPECT_EQ(20, cima_alg_digest_size(CIMA_ALG_SHA1));
	EXPECT_EQ(32, cima_alg_digest_size(CIMA_ALG_SHA256));
	EXPECT_EQ(48, cima_alg_digest_size(CIMA_ALG_SHA384));
	EXPECT_EQ(64, cima_alg_digest_size(CIMA_ALG_SHA512));
	EXPECT_EQ(0, cima_alg_digest_size(0x0001));	/* TPM_ALG_RSA */
}

TEST(alg_names_round_trip)
{
	EXPECT_EQ(CIMA_ALG_SHA384, cima_alg_from_name("sha384"));
	EXPECT_EQ(CIMA_ALG_SHA384, cima_alg_from_name("SHA384"));
	EXPECT_EQ(CIMA_ALG_SHA256, cima_alg_from_name("11"));
	EXPECT_EQ(CIMA_ALG_SHA384, cima_alg_from_name("0xc"));
	EXPECT_STREQ("sha256", cima_alg_name(CIMA_ALG_SHA256));
}

TEST(alg_unknown_names_are_einval)
{
	EXPECT_EQ(-EINVAL, cima_alg_from_name("md5"));
	EXPECT_EQ(-EINVAL, cima_alg_from_name(""));
	EXPECT_EQ(-EINVAL, cima_alg_from_name(NULL));
	EXPECT_EQ(-EINVAL, cima_alg_from_name("1"));
	EXPECT_EQ(-EINVAL, cima_alg_from_name("12junk"));
	EXPECT_TRUE(cima_alg_name(0x0001) == NULL);
}

TAP_MAIN();
