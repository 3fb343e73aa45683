/*
 * refs.h - rewriting the references of canonical bodies for a project.
 *
 * Canonical bodies point at other files in ways that only work inside the
 * canonical tree: "@agentic/code/frameworks/...", "$AIWG_ROOT/...",
 * "${AIWG_ROOT}/...", "{AIWG_ROOT}/...",
 * "~/.local/share/ai-writing-guide/...", and
 * "@.claude/<kind>/<id>..." for another artifact. In a project those
 * targets do not exist. Outside code spans, code blocks and raw HTML (found
 * with md4c), such references are rewritten; every other byte is copied as
 * it is.
 */
#ifndef AIWGFS_REFS_H
#define AIWGFS_REFS_H

#include <stddef.h>

#include "aiwgfs/source.h"

struct buf;

struct refs_ctx {
	/* Absolute SOURCE: where AIWG-root references point. */
	const char *source_root;
	/*
	 * The repository path at which the view being rendered shows the
	 * artifact of `kind` and `id` (for a skill, with `rest` the path
	 * inside the skill folder, "" for the folder itself), as a new
	 * string; NULL to leave the reference as it is. NULL callback: no
	 * "@.claude/" reference is rewritten.
	 */
	char *(*artifact_path)(void *arg, enum artifact_kind kind,
			       const char *id, const char *rest);
	void *arg;
};

/*
 * Append `text` (`len` bytes) to `out` with the references after byte
 * `body_off` (the end of the frontmatter) rewritten:
 *
 * - An AIWG-root reference becomes the absolute path of its target inside
 *   `source_root` when that target exists there (a file or a folder); the
 *   leading "@" of "@agentic/..." is kept ("@/abs/path"), the other
 *   prefixes are replaced by the path. A target that does not exist is
 *   left as it is.
 * - "@.claude/agents/<id>.md", "@.claude/commands/<id>.md",
 *   "@.claude/rules/<id>.md" and "@.claude/skills/<id>[/<rest>]" become
 *   "@" and what artifact_path() answers.
 *
 * A reference starts at the start of the body or after a byte that cannot
 * be part of a word or path (not a letter, digit, non-ASCII byte or one of
 * "-_./~@$%+\\"), so "foo@agentic/..." stays. It ends at white space or
 * another control character, a quote, a backtick, "<", ">", "(" , ")",
 * "[", "]", "*" (emphasis), or the end of the line; trailing ".", ",",
 * ":", ";", "!" and "?" are not part of it. A path with a ".." component stays
 * as it is. Nothing inside code spans, fenced or indented code blocks (their
 * fence lines included), or raw HTML changes. Returns 0 or -ENOMEM (then `out`
 * holds a partial result to discard).
 */
int refs_rewrite(const char *text, size_t len, size_t body_off,
		 const struct refs_ctx *ctx, struct buf *out);

#endif
