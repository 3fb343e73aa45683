/*
 * check.c - linting a canonical tree for `aiwgfs check`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/check.h"
#include "aiwgfs/frontmatter.h"
#include "aiwgfs/render.h"
#include "aiwgfs/util.h"
#include "render_impl.h"

static int add(struct check_report *r, enum check_level level, const char *file,
	       size_t line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int add(struct check_report *r, enum check_level level, const char *file,
	       size_t line, const char *fmt, ...)
{
	struct check_finding *f;
	struct buf msg = BUF_INIT;
	va_list ap;

	if (array_reserve(&r->v, &r->cap, r->n + 1, sizeof(*r->v)))
		return -ENOMEM;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	f = &r->v[r->n];
	f->level = level;
	f->line = line;
	f->file = strdup(file);
	f->message = buf_detach(&msg, NULL);
	if (!f->file || !f->message) {
		free(f->file);
		free(f->message);
		return -ENOMEM;
	}
	r->n++;
	r->problems += level == CHECK_PROBLEM;
	return 0;
}

char *check_finding_line(const struct check_finding *f)
{
	char *file = str_escape(f->file), *msg = str_escape(f->message);
	struct buf b = BUF_INIT;

	if (file && msg) {
		buf_addf(&b, "%s", file);
		if (f->line)
			buf_addf(&b, ":%zu", f->line);
		buf_addf(&b, ": %s: %s",
			 f->level == CHECK_PROBLEM ? "problem" : "warning",
			 msg);
	}
	free(file);
	free(msg);
	return file && msg ? buf_detach(&b, NULL) : NULL;
}

void check_report_release(struct check_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].file);
		free(r->v[i].message);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static char *main_file(const struct artifact *a)
{
	return a->kind == ARTIFACT_SKILL ? path_join(a->path, "SKILL.md")
					 : strdup(a->path);
}

static size_t line_at(const struct buf *text, size_t off)
{
	size_t line = 1;

	for (const char *p = text->data;
	     (p = memchr(p, '\n', off - (size_t)(p - text->data))); p++)
		line++;
	return line;
}

/* Binary data, bytes that are not UTF-8, nothing at all. */
static int check_bytes(const char *file, const struct buf *text,
		       struct check_report *r)
{
	const char *nul;
	size_t off, n;

	if (!text->len)
		return add(r, CHECK_WARNING, file, 0,
			   "is empty, so views show it without instructions");
	nul = memchr(text->data, '\0', text->len);
	if (nul)
		return add(r, CHECK_PROBLEM, file,
			   line_at(text, (size_t)(nul - text->data)),
			   "holds binary data (a NUL byte); views show it as "
			   "text, with the bytes that are not UTF-8 replaced: "
			   "is it meant to be here?");
	for (off = 0; off < text->len; off += n) {
		n = str_utf8_seq(text->data + off, text->len - off);
		if (!n)
			return add(r, CHECK_PROBLEM, file, line_at(text, off),
				   "is not valid UTF-8; views replace the bad "
				   "bytes with U+FFFD: save it as UTF-8");
	}
	return 0;
}

/* What the frontmatter loses: no end, a key given twice, an alias. */
static int check_frontmatter(const char *file, const struct frontmatter *fm,
			     struct check_report *r)
{
	int rc = 0;

	if (fm->unclosed)
		rc = add(r, CHECK_PROBLEM, file, 1,
			 "the frontmatter opened here is never closed by a "
			 "second '---' line; views take the whole file as the "
			 "body and none of its fields");
	if (!rc && fm->repeated)
		rc = add(r, CHECK_PROBLEM, file, fm->repeated_line,
			 "key '%s' is given again (a duplicate key); views use "
			 "its first value and drop this one",
			 fm->repeated);
	if (!rc && fm->aliased)
		rc = add(r, CHECK_PROBLEM, file, fm->aliased_line,
			 "key '%s' uses a YAML alias; aliases are never "
			 "expanded, so views leave the field out",
			 fm->aliased);
	return rc;
}

/* The frontmatter of one source file: fallback, and descriptions cut. */
static int check_text(const struct model *m, const struct artifact *a,
		      const char *file, const struct buf *text,
		      struct check_report *r)
{
	struct frontmatter fm;
	const char *desc;
	int rc;

	rc = check_bytes(file, text, r);
	if (!rc)
		rc = fm_parse(&fm, text->data, text->len);
	if (rc)
		return rc;
	rc = check_frontmatter(file, &fm, r);
	if (!rc && fm.lenient)
		rc = add(r, CHECK_WARNING, file, fm.error_line,
			 "frontmatter is not valid YAML (%s); it was read "
			 "line by line instead: quote values that hold "
			 "quotes or colons",
			 fm.error ? fm.error : "libyaml refused it");
	desc = fm_get_str(&fm, "description");
	if (!rc && a->kind == ARTIFACT_SKILL && desc &&
	    strlen(desc) > RENDER_SKILL_DESCRIPTION_MAX)
		rc = add(r, CHECK_WARNING, file, 0,
			 "description has %zu bytes; skills show at most "
			 "%d, the rest is cut",
			 strlen(desc), RENDER_SKILL_DESCRIPTION_MAX);
	for (size_t i = 0; !rc && desc && i < m->nplatforms; i++) {
		size_t limit = m->platforms[i]->limits.description;

		if (limit && strlen(desc) > limit &&
		    a->kind != ARTIFACT_SKILL) {
			rc = add(r, CHECK_WARNING, file, 0,
				 "description has %zu bytes; %s shows at most "
				 "%zu, the rest is cut",
				 strlen(desc), m->platforms[i]->name, limit);
			break;
		}
	}
	fm_release(&fm);
	return rc;
}

static int check_names(const struct model *m, struct check_report *r)
{
	const struct source *src = &m->src;
	char name[RENDER_SKILL_NAME_MAX + 1], other[RENDER_SKILL_NAME_MAX + 1];
	int rc = 0;

	for (size_t i = 0; !rc && i < src->nartifacts; i++) {
		const struct artifact *a = &src->artifacts[i];

		if (a->kind != ARTIFACT_SKILL)
			continue;
		render_skill_name(a->id, name, sizeof(name));
		for (size_t j = 0; !rc && j < i; j++) {
			const struct artifact *b = &src->artifacts[j];

			if (b->kind != ARTIFACT_SKILL)
				continue;
			render_skill_name(b->id, other, sizeof(other));
			if (!strcmp(name, other))
				rc = add(r, CHECK_PROBLEM, a->path, 0,
					 "skill '%s' is hidden: '%s' has the "
					 "same name '%s' once normalized",
					 a->id, b->path, name);
		}
	}
	return rc;
}

static int check_shadowed(const struct model *m, struct check_report *r)
{
	const struct source *src = &m->src;
	int rc = 0;

	for (size_t i = 0; !rc && i < src->nshadowed; i++) {
		const struct shadowed *s = &src->shadowed[i];

		rc = add(r, CHECK_PROBLEM, s->path, 0,
			 "%s '%s' is hidden by '%s' of an earlier unit; "
			 "rename one of them",
			 artifact_kind_name(s->kind), s->id, s->winner);
	}
	return rc;
}

struct limits_walk {
	const struct model *m;
	struct check_report *r;
	struct cache *cache;
	int rc;
};

/* Files that a view shows in parts or cut short. */
static void check_node(const struct vnode *n, void *arg)
{
	struct limits_walk *w = arg;
	const struct platform *p = n->platform;
	const struct renderer *rd = n->renderer;
	const struct artifact *a = n->artifact;
	struct cache_entry *e;

	if (w->rc || !a || !rd || n->part > 1)
		return;
	if (n->part == 1) {
		w->rc = add(w->r, CHECK_WARNING, a->path, 0,
			    "%s is over %zu characters; %s shows it in %d "
			    "parts",
			    artifact_kind_name(a->kind), p->limits.rule,
			    p->name, render_count_parts(w->m, n));
		return;
	}
	if (strcmp(rd->name, "windsurf-workflow") || !p->limits.workflow)
		return;
	/* The renderer knows best whether it had to cut: ask it. */
	if (!render_node(w->m, n, w->cache, &e)) {
		if (memmem(e->data, e->size, WORKFLOW_CUT_MARK,
			   strlen(WORKFLOW_CUT_MARK)))
			w->rc = add(w->r, CHECK_PROBLEM, a->path, 0,
				    "command is over %zu characters; %s shows "
				    "its first section and points at this "
				    "file for the rest",
				    p->limits.workflow, p->name);
		cache_release(w->cache, e);
	}
}

int check_notes(const struct source *src, struct check_report *r)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < src->nnotes; i++) {
		const struct source_note *n = &src->notes[i];

		rc = add(r, n->left_out ? CHECK_PROBLEM : CHECK_WARNING,
			 n->path, 0, "%s", n->reason);
	}
	return rc;
}

static bool wanted(const char *file, const char *const *paths, size_t n)
{
	return !paths || str_list_has(paths, n, file);
}

int check_files(const struct model *m, const char *const *paths, size_t npaths,
		struct check_report *r)
{
	struct buf text = BUF_INIT;
	int rc = 0;

	for (size_t i = 0; !rc && i < m->src.nartifacts; i++) {
		const struct artifact *a = &m->src.artifacts[i];
		char *file = main_file(a);
		int err;

		if (!file) {
			rc = -ENOMEM;
			break;
		}
		if (wanted(file, paths, npaths)) {
			err = buf_read_file_beneath(&text, m->src.root, file,
						    RENDER_MAX_INPUT);
			if (err)
				rc = add(r, CHECK_PROBLEM, file, 0,
					 "cannot be read (%s); views leave it "
					 "out",
					 strerror(-err));
			else
				rc = check_text(m, a, file, &text, r);
		}
		free(file);
	}
	buf_release(&text);
	return rc;
}

int check_run(const struct model *m, struct check_report *r)
{
	struct limits_walk w = { .m = m, .r = r };
	int rc;

	memset(r, 0, sizeof(*r));
	rc = check_notes(&m->src, r);
	if (!rc)
		rc = check_files(m, NULL, 0, r);
	if (!rc)
		rc = check_shadowed(m, r);
	if (!rc)
		rc = check_names(m, r);
	w.cache = rc ? NULL : cache_new(0);
	if (!rc && !w.cache)
		rc = -ENOMEM;
	for (size_t i = 0; !rc && i < m->nviews; i++)
		vnode_walk(m->views[i].root, check_node, &w);
	cache_free(w.cache);
	return rc ? rc : w.rc;
}
