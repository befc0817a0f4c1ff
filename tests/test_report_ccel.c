// SPDX-License-Identifier: GPL-2.0
/*
 * The published TDX quote and CCEL log come from the same TD boot
 * (go-tdx-guest / go-eventlog, COS 113 on GCE): replaying the log must give
 * the RTMRs inside the quote (their values also match the quote's
 * expected.json, checked in test_report_parse).  CC MR index n + 1 is
 * RTMR n, and the event's IMR index is n (as the original SDK).
 */
#include <cima/cima.h>

#include "tap.h"
#include "report_testutil.h"

TEST(ccel_replay_equals_quote_rtmrs)
{
	size_t qlen, llen, vlen;
	unsigned char *q = rt_load("go-tdx-guest/cos-113-tdx-quote.dat", &qlen);
	unsigned char *l = rt_load("go-eventlog/cos-113-intel-tdx.bin", &llen);
	struct cima_tdx_quote quote;
	struct cima_eventlog *log;
	struct cima_replay *rep;
	int compared = 0;

	if (!q || !l)
		SKIP("shared test data missing under %s", rt_testdata());
	ASSERT_EQ(0, cima_tdx_quote_parse(q, qlen, &quote));
	log = cima_eventlog_parse(l, llen, CIMA_SOURCE_CCEL);
	if (!log)
		TH_LOG("%s", cima_strerror_last());
	ASSERT_TRUE(log != NULL);
	rep = cima_replay_cc_eventlog(log);
	ASSERT_TRUE(rep != NULL);
	for (int i = 0; i < 4; i++) {
		const uint8_t *v = cima_replay_value(rep, (uint32_t)i,
						     CIMA_ALG_SHA384, &vlen);

		if (!v) {
			/* A register no event extended stays zero. */
			static const uint8_t zero[48];

			EXPECT_MEMEQ(zero, quote.body.rtmr[i], 48);
			continue;
		}
		ASSERT_EQ(48, vlen);
		if (memcmp(v, quote.body.rtmr[i], 48))
			TH_LOG("RTMR%d: replay %s", i, rt_hex(v, 48));
		EXPECT_MEMEQ(v, quote.body.rtmr[i], 48);
		compared++;
	}
	EXPECT_GE(compared, 3);
	cima_replay_free(rep);
	cima_eventlog_free(log);
}

TAP_MAIN();
