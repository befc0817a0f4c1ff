// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: IMA binary_runtime_measurements parser and replay. */
#include <stdio.h>

#include <cima/cima.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cima_eventlog *log = cima_eventlog_parse(data, size, CIMA_SOURCE_IMA);
	FILE *null;

	if (!log)
		return 0;
	cima_replay_free(cima_replay_cc_eventlog(log));
	for (size_t i = 0; i < cima_eventlog_count(log); i++)
		cima_event_check(cima_eventlog_event(log, i));
	null = fopen("/dev/null", "w");
	if (null) {
		cima_eventlog_dump(log, null);
		cima_eventlog_dump_cel_json(log, null);
		fclose(null);
	}
	cima_eventlog_free(log);
	return 0;
}
