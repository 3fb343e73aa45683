/*
 * check.h - the assertions of the unit tests.
 *
 * CHECK(cond) records a failure with file and line and goes on; a test
 * program ends with `return check_done();`, which prints a summary and
 * returns non-zero when any check failed.
 */
#ifndef AIWGFS_CHECK_H
#define AIWGFS_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failed;
static int check_count;

#define CHECK(cond)                                                            \
	do {                                                                   \
		check_count++;                                                 \
		if (!(cond)) {                                                 \
			check_failed++;                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
		}                                                              \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *check_a_ = (a), *check_b_ = (b);                   \
		check_count++;                                                 \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_)) {    \
			check_failed++;                                        \
			fprintf(stderr,                                        \
				"%s:%d: expected \"%s\", got \"%s\"\n",        \
				__FILE__, __LINE__,                            \
				check_b_ ? check_b_ : "(null)",                \
				check_a_ ? check_a_ : "(null)");               \
		}                                                              \
	} while (0)

static inline int check_done(void)
{
	printf("%d checks, %d failed\n", check_count, check_failed);
	return check_failed ? 1 : 0;
}

#endif
