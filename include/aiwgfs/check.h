/*
 * check.h - linting a canonical tree: what the views would lose or change.
 */
#ifndef AIWGFS_CHECK_H
#define AIWGFS_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "aiwgfs/vtree.h"

enum check_level {
	CHECK_WARNING, /* shown, but changed: a fallback, a cut description */
	CHECK_PROBLEM, /* content that a view does not show at all */
};

struct check_finding {
	enum check_level level;
	char *file;  /* absolute path of the source file */
	size_t line; /* 1-based, 0 when the finding has no line */
	char *message;
};

struct check_report {
	struct check_finding *v;
	size_t n, cap;
	size_t problems;
};

/*
 * Lint the source of model `m` (built for the platforms to check): every
 * frontmatter that needed the lenient reader, ids shadowed by an earlier
 * unit, skill folder names that had to be normalized or collide once
 * normalized, descriptions cut to a platform's limit, windsurf rules split
 * into parts and workflows cut short, rules that do not fit in an index
 * page, and source files that cannot be read. Findings come in source
 * order. Returns 0 or -ENOMEM.
 */
int check_run(const struct model *m, struct check_report *r);

void check_report_release(struct check_report *r);

#endif
