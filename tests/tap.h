/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small TAP (Test Anything Protocol) harness in the spirit of the kernel's
 * kselftest_harness.h, for the host tests (tests/), which build without a
 * kernel source tree; the VM selftests (selftests/) use the kernel's own
 * kselftest_harness.h.  Same macro names where the two overlap:
 *
 *	#include "tap.h"
 *
 *	TEST(replay_matches_pcr)
 *	{
 *		ASSERT_EQ(0, do_something());
 *		EXPECT_STREQ("sha256", name);
 *		if (!have_tpm)
 *			SKIP("no TPM: /dev/tpmrm0 missing");
 *	}
 *
 *	TAP_MAIN();
 *
 * Each TEST runs in a forked child, so a crash fails that test alone.
 * ASSERT_* ends the test on failure; EXPECT_* records it and goes on.
 * Output: "1..N", then "ok n - name", "not ok n - name" or
 * "ok n - name # SKIP reason"; the exit status is 1 when any test failed.
 * Run one test with: ./prog NAME.
 */
#ifndef CIMA_TAP_H
#define CIMA_TAP_H

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct tap_test {
	const char *name;
	void (*fn)(void);
	struct tap_test *next;
};

/* Shared with the forked child so it can report a skip or a soft failure. */
struct tap_result {
	int failed;
	int skipped;
	char reason[256];
};

static struct tap_test *tap_head, **tap_tail = &tap_head;
static struct tap_result *tap_res;

static inline void tap_register(struct tap_test *t)
{
	*tap_tail = t;
	tap_tail = &t->next;
}

#define TEST(name)							\
	static void tap_fn_##name(void);				\
	static struct tap_test tap_t_##name = { #name, tap_fn_##name, NULL }; \
	__attribute__((constructor)) static void tap_reg_##name(void)	\
	{ tap_register(&tap_t_##name); }				\
	static void tap_fn_##name(void)

static inline void tap_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

#define TH_LOG(fmt, ...) tap_diag(fmt, ##__VA_ARGS__)

#define SKIP(...) do {							\
	tap_res->skipped = 1;						\
	snprintf(tap_res->reason, sizeof(tap_res->reason), __VA_ARGS__); \
	fflush(stdout);							\
	_exit(0);							\
} while (0)

#define TAP_FAIL_(hard, fmt, ...) do {					\
	tap_diag("%s:%d: " fmt, __FILE__, __LINE__, ##__VA_ARGS__);	\
	tap_res->failed = 1;						\
	if (hard) { fflush(stdout); _exit(1); }				\
} while (0)

#define TAP_CMP_(hard, a, op, b) do {					\
	intmax_t _a = (intmax_t)(a), _b = (intmax_t)(b);		\
	if (!(_a op _b))						\
		TAP_FAIL_(hard, "expected %s %s %s (%jd %s %jd)",	\
			  #a, #op, #b, _a, #op, _b);			\
} while (0)

#define ASSERT_EQ(a, b) TAP_CMP_(1, a, ==, b)
#define ASSERT_NE(a, b) TAP_CMP_(1, a, !=, b)
#define ASSERT_LT(a, b) TAP_CMP_(1, a, <, b)
#define ASSERT_LE(a, b) TAP_CMP_(1, a, <=, b)
#define ASSERT_GT(a, b) TAP_CMP_(1, a, >, b)
#define ASSERT_GE(a, b) TAP_CMP_(1, a, >=, b)
#define EXPECT_EQ(a, b) TAP_CMP_(0, a, ==, b)
#define EXPECT_NE(a, b) TAP_CMP_(0, a, !=, b)
#define EXPECT_GE(a, b) TAP_CMP_(0, a, >=, b)
#define EXPECT_LE(a, b) TAP_CMP_(0, a, <=, b)
#define ASSERT_TRUE(c) TAP_CMP_(1, !!(c), ==, 1)
#define ASSERT_FALSE(c) TAP_CMP_(1, !!(c), ==, 0)
#define EXPECT_TRUE(c) TAP_CMP_(0, !!(c), ==, 1)
#define EXPECT_FALSE(c) TAP_CMP_(0, !!(c), ==, 0)

#define TAP_STR_(hard, a, b) do {					\
	const char *_a = (a), *_b = (b);				\
	if (!_a || !_b || strcmp(_a, _b))				\
		TAP_FAIL_(hard, "expected %s == %s (\"%s\" vs \"%s\")",	\
			  #a, #b, _a ? _a : "(null)", _b ? _b : "(null)"); \
} while (0)
#define ASSERT_STREQ(a, b) TAP_STR_(1, a, b)
#define EXPECT_STREQ(a, b) TAP_STR_(0, a, b)

#define TAP_MEM_(hard, a, b, n) do {					\
	if (memcmp((a), (b), (n)))					\
		TAP_FAIL_(hard, "expected %s and %s to hold the same %zu bytes", \
			  #a, #b, (size_t)(n));				\
} while (0)
#define ASSERT_MEMEQ(a, b, n) TAP_MEM_(1, a, b, n)
#define EXPECT_MEMEQ(a, b, n) TAP_MEM_(0, a, b, n)

static inline int tap_run(int argc, char **argv)
{
	struct tap_test *t;
	int n = 0, i = 0, failed = 0;

	tap_res = mmap(NULL, sizeof(*tap_res), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tap_res == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (t = tap_head; t; t = t->next)
		if (argc < 2 || !strcmp(argv[1], t->name))
			n++;
	printf("1..%d\n", n);
	for (t = tap_head; t; t = t->next) {
		int status;
		pid_t pid;

		if (argc >= 2 && strcmp(argv[1], t->name))
			continue;
		i++;
		memset(tap_res, 0, sizeof(*tap_res));
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			t->fn();
			fflush(stdout);
			_exit(tap_res->failed);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0) {
			printf("not ok %d - %s # fork: %s\n", i, t->name,
			       strerror(errno));
			failed++;
			continue;
		}
		if (WIFSIGNALED(status)) {
			printf("# %s: killed by signal %d\n", t->name,
			       WTERMSIG(status));
			tap_res->failed = 1;
		} else if (WEXITSTATUS(status)) {
			tap_res->failed = 1;
		}
		if (tap_res->failed) {
			printf("not ok %d - %s\n", i, t->name);
			failed++;
		} else if (tap_res->skipped) {
			printf("ok %d - %s # SKIP %s\n", i, t->name,
			       tap_res->reason);
		} else {
			printf("ok %d - %s\n", i, t->name);
		}
		fflush(stdout);
	}
	return failed ? 1 : 0;
}

#define TAP_MAIN()							\
	int main(int argc, char **argv) { return tap_run(argc, argv); }

#endif /* CIMA_TAP_H */
