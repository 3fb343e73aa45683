/*
 * render_impl.h - what the renderers share inside core: parsed sources,
 * frontmatter helpers, and every renderer's entry point. Not installed;
 * the public interface is include/aiwgfs/render.h.
 */
#ifndef AIWGFS_RENDER_IMPL_H
#define AIWGFS_RENDER_IMPL_H

#include <stddef.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/frontmatter.h"
#include "aiwgfs/render.h"

/* Agent Skills names and descriptions are at most this long. */
#define RENDER_SKILL_NAME_MAX	     64
#define RENDER_SKILL_DESCRIPTION_MAX 1024

/* A parsed input: frontmatter plus where the body starts. */
struct doc {
	struct frontmatter fm;
	const char *text;
	size_t len;
	const char *body;
	size_t body_len;
};

/* Parse `b` into `d`; fm_release(&d->fm) frees it. 0 or -ENOMEM. */
int render_doc_parse(struct doc *d, const struct buf *b);

/*
 * The description of `a` from its parsed source, or a fallback naming the
 * artifact when it has none: on one line, valid UTF-8 (bad bytes shown as
 * U+FFFD) and cut to `limit` bytes (0: no limit). Replaces `out`.
 */
int render_doc_description(const struct doc *d, const struct artifact *a,
			   size_t limit, struct buf *out);

/* `key: value` into `w`, bytes that are not UTF-8 shown as U+FFFD. */
int render_put_str(struct fm_writer *w, const char *key, const char *value);

/* Emit `w`'s frontmatter, then the body of `d`, into `out`. */
int render_emit_with_body(struct fm_writer *w, const struct doc *d,
			  struct buf *out);

/*
 * Map n source tool names through the platform's `tools` table, dropping
 * unknown names and duplicates. *out (free it; the strings are the
 * table's) gets *nout names.
 */
int render_map_tools(const struct platform *p, char **tools, size_t n,
		     const char ***out, size_t *nout);

/* Fill a frontmatter writer from the job and its parsed source. */
typedef int fields_fn(const struct render_job *job, const struct doc *d,
		      struct fm_writer *w);

/*
 * The frame of renderers that write new frontmatter, then the body:
 * parse the job's first input, call `fields`, emit. 0 or -errno.
 */
int render_with_fields(const struct render_job *job, struct buf *out,
		       fields_fn *fields);

/* Add the job's artifact description, within the platform's limit. */
int render_add_description(const struct render_job *job, const struct doc *d,
			   struct fm_writer *w);

/* A rule's `paths` globs joined with commas into `out` (nothing if none). */
int render_rule_globs(const struct doc *d, struct buf *out);

/* A valid Agent Skills name for a folder name, into out (size bytes). */
void render_skill_name(const char *id, char *out, size_t size);

/*
 * The renderers. Each writes the view file of `job` from its inputs into
 * `out` and returns 0 or a negative errno (-ENOMEM, or -EIO for a source
 * it cannot render).
 */
typedef int render_fn(const struct render_job *job, struct buf *out);

render_fn render_identity, render_body, render_skill, render_command_skill,
	render_index;
render_fn render_cursor_agent, render_cursor_rule;
render_fn render_copilot_agent, render_copilot_prompt,
	render_copilot_instructions;
render_fn render_codex_agent;
render_fn render_windsurf_rule, render_windsurf_workflow;
render_fn render_opencode_agent, render_opencode_command;
render_fn render_factory_droid, render_factory_command;
render_fn render_gemini_command;
render_fn render_kiro_agent, render_kiro_steering;
render_fn render_cline_rule;

/* How a windsurf workflow cut to its limit says so, in its last line. */
#define WORKFLOW_CUT_MARK "This workflow is cut to fit"

/* How many files a windsurf rule becomes under the platform's limit. */
int render_windsurf_rule_parts(const struct render_job *job);

#endif
