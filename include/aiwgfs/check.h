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
 * Lint the source of model `m` (built for the platforms to check): what
 * the scan could not use, source files that are binary, empty or not
 * UTF-8, frontmatter never closed or with keys repeated or aliased, every
 * frontmatter that needed the lenient reader, ids shadowed by an earlier
 * unit, skill folder names that had to be normalized or collide once
 * normalized, descriptions cut to a platform's limit, windsurf rules split
 * into parts and workflows cut short, rules that do not fit in an index
 * page, and source files that cannot be read. Findings come in source
 * order, after the notes of the scan. Returns 0 or -ENOMEM.
 */
int check_run(const struct model *m, struct check_report *r);

/*
 * Parts of check_run(), adding to `r` (zeroed first by the caller): the
 * notes the scan and the views left (FIFOs, sockets, devices and symlinks
 * where artifacts could be, folders too deep, files too large, names that
 * are not plain or too long for a view); and what reading each artifact's
 * main file finds (unreadable, binary, not UTF-8, empty, frontmatter never
 * closed, keys repeated or aliased, the fallback reader, descriptions cut),
 * for every artifact or, with `paths` (npaths of them), for those whose
 * main file is among them. Return 0 or -ENOMEM.
 */
int check_notes(const struct source *src, struct check_report *r);
int check_files(const struct model *m, const char *const *paths, size_t npaths,
		struct check_report *r);

/*
 * "FILE:LINE: problem: MESSAGE" (or "warning", and no LINE when 0) on one
 * line, with control characters and bytes that are not UTF-8 escaped.
 * NULL on ENOMEM. Caller frees.
 */
char *check_finding_line(const struct check_finding *f);

void check_report_release(struct check_report *r);

#endif
