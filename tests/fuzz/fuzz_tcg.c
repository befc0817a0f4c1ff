// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: TCG event logs (firmware crypto-agile or legacy SHA-1,
 * CCEL with padding, cima format).  The first input byte picks the source;
 * a parsed log is replayed, checked and rendered, so every path that reads
 * parsed events runs on hostile input.
 */
#include <stdio.h>

#include <cima/cima.h>

static void exercise(const uint8_t *data, size_t size, int source)
{
	struct cima_eventlog *log = cima_eventlog_parse(data, size, source);
	struct cima_replay *r;
	FILE *null;

	if (!log)
		return;
	r = cima_replay_cc_eventlog(log);
	cima_replay_free(r);
	for (size_t i = 0; i < cima_eventlog_count(log); i++)
		cima_event_check(cima_eventlog_event(log, i));
	null = fopen("/dev/null", "w");
	if (null) {
		cima_eventlog_dump(log, null);
		cima_eventlog_dump_json(log, null);
		cima_eventlog_dump_cel_json(log, null);
		fclose(null);
	}
	cima_eventlog_free(log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int sources[] = { CIMA_SOURCE_FIRMWARE, CIMA_SOURCE_CCEL,
				       CIMA_SOURCE_CIMA };

	if (size < 1)
		return 0;
	exercise(data + 1, size - 1, sources[data[0] % 3]);
	return 0;
}
