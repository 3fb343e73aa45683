/*
 * fixture.h - what the tests of the renderers share: a view model built
 * over a source tree, a file of it rendered through the cache, the source
 * read back, and a rendered file held next to its parsed source.
 *
 * Expectations are derived the same way everywhere: frontmatter read back
 * with fm_parse, descriptions through the markdown module as DESIGN.md
 * defines them. A CHECK in a helper reports a line of this file, so the
 * helpers print which file they were at where a failure would not say.
 */
#ifndef AIWGFS_FIXTURE_H
#define AIWGFS_FIXTURE_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/cache.h"
#include "aiwgfs/frontmatter.h"
#include "aiwgfs/markdown.h"
#include "aiwgfs/registry.h"
#include "aiwgfs/render.h"
#include "aiwgfs/source.h"
#include "aiwgfs/util.h"
#include "aiwgfs/vtree.h"
#include "check.h"

/* A model of the tree at `root` for `plats` (NULL: every platform). */
static inline int build(struct model *m, const char *root,
			const char *const *plats, bool rewrite, char **err)
{
	struct model_options o = { .rewrite_refs = rewrite };
	struct source src;
	int rc;

	rc = source_scan(&src, root, NULL, err);
	if (rc)
		return rc;
	return model_build(m, &src, plats, &o, err);
}

/* Render the file at `path` of the model; NULL (and a message) on failure. */
static inline struct cache_entry *render_at(const struct model *m,
					    struct cache *c, const char *path)
{
	const struct vnode *n = model_lookup(m, path, NULL);
	struct cache_entry *e = NULL;
	int rc;

	if (!n) {
		fprintf(stderr, "  no node '%s'\n", path);
		return NULL;
	}
	rc = render_node(m, n, c, &e);
	if (rc) {
		fprintf(stderr, "  rendering '%s': %s\n", path, strerror(-rc));
		return NULL;
	}
	return e;
}

/*
 * render_at() and the output's frontmatter parsed into `fm`, which must
 * succeed. With an entry returned, release both with release_fm().
 */
static inline struct cache_entry *render_fm(const struct model *m,
					    struct cache *c, const char *path,
					    struct frontmatter *fm)
{
	struct cache_entry *e = render_at(m, c, path);
	bool parsed = e && fm_parse(fm, e->data, e->size) == 0;

	CHECK(parsed);
	if (e && !parsed)
		fprintf(stderr, "  '%s': frontmatter does not parse\n", path);
	return e;
}

static inline void release_fm(struct cache *c, struct cache_entry *e,
			      struct frontmatter *fm)
{
	fm_release(fm);
	cache_release(c, e);
}

static inline int read_source(const char *path, struct buf *b)
{
	return buf_read_file(b, AT_FDCWD, path, RENDER_MAX_INPUT);
}

static inline bool same_bytes(const char *a, size_t alen, const char *b,
			      size_t blen)
{
	return alen == blen && !memcmp(a, b, alen);
}

static inline char *dest_of(const char *platform, const struct artifact *a)
{
	return render_dest_path(registry_find(platform), a);
}

/*
 * The description DESIGN.md defines for a source file: the field, else the
 * first paragraph, cleaned and cut to `limit` bytes (0: no limit).
 */
static inline void want_description(const char *text, size_t len, size_t limit,
				    struct buf *out)
{
	struct buf para = BUF_INIT;
	struct frontmatter fm;
	const char *d;

	buf_reset(out);
	if (fm_parse(&fm, text, len))
		return;
	d = fm_get_str(&fm, "description");
	if (d && *d) {
		md_clean_text(d, strlen(d), limit, out);
	} else {
		md_first_paragraph(text + fm.body_off, len - fm.body_off,
				   &para);
		md_clean_text(para.data, para.len, limit, out);
	}
	buf_release(&para);
	fm_release(&fm);
}

/* The fields of `fm` are exactly `keys`, in that order. */
static inline bool keys_are(const struct frontmatter *fm,
			    const char *const *keys, size_t n)
{
	bool ok = fm->nfields == n;

	for (size_t i = 0; ok && i < n; i++)
		ok = !strcmp(fm->fields[i].key, keys[i]);
	if (!ok) {
		fprintf(stderr, "  fields:");
		for (size_t i = 0; i < fm->nfields; i++)
			fprintf(stderr, " %s", fm->fields[i].key);
		fprintf(stderr, "\n");
	}
	return ok;
}

/* The list field `key` of `fm` is exactly `want` (n items). */
static inline void check_list(const struct frontmatter *fm, const char *key,
			      const char *const *want, size_t n)
{
	const struct fm_field *f = fm_get(fm, key);

	CHECK(f && f->type == FM_LIST);
	if (!f || f->type != FM_LIST)
		return;
	CHECK(f->nitems == n);
	for (size_t i = 0; i < n && i < f->nitems; i++)
		CHECK_STR(f->items[i], want[i]);
}

/* The artifacts of `kind`, each checked by `fn`; returns how many. */
static inline size_t each_of(const struct model *m, struct cache *c,
			     enum artifact_kind kind,
			     void (*fn)(const struct model *, struct cache *,
					const struct artifact *))
{
	size_t n = 0;

	for (size_t i = 0; i < m->src.nartifacts; i++) {
		if (m->src.artifacts[i].kind != kind)
			continue;
		fn(m, c, &m->src.artifacts[i]);
		n++;
	}
	return n;
}

/* A rendered file next to its source, both parsed. */
struct rendered {
	struct cache *c;
	struct cache_entry *e;
	struct buf src;
	struct frontmatter sfm;
	struct frontmatter ofm;
	const char *body; /* the output's body */
	size_t body_len;
};

/*
 * Render `path` and read its source file `src_path`. With `fm`, the output
 * must carry frontmatter that libyaml reads. False when there is nothing
 * to check further (a failure was recorded); else release with
 * rendered_close().
 */
static inline bool rendered_open(struct rendered *r, const struct model *m,
				 struct cache *c, const char *path,
				 const char *src_path, bool fm)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->src);
	r->c = c;
	r->e = path ? render_at(m, c, path) : NULL;
	CHECK(r->e != NULL);
	CHECK(read_source(src_path, &r->src) == 0);
	if (!r->e || fm_parse(&r->sfm, r->src.data, r->src.len)) {
		if (r->e)
			cache_release(c, r->e);
		buf_release(&r->src);
		return false;
	}
	CHECK(fm_parse(&r->ofm, r->e->data, r->e->size) == 0);
	if (fm)
		CHECK(r->ofm.present && !r->ofm.lenient);
	r->body = r->e->data + r->ofm.body_off;
	r->body_len = r->e->size - r->ofm.body_off;
	return true;
}

static inline void rendered_close(struct rendered *r)
{
	fm_release(&r->ofm);
	fm_release(&r->sfm);
	cache_release(r->c, r->e);
	buf_release(&r->src);
}

/*
 * The output's body is `want` past the source's frontmatter: `want` is the
 * source itself (&r->src), or the source as the view shows it, whose
 * frontmatter is the source's.
 */
static inline bool same_body(const struct rendered *r, const struct buf *want)
{
	const char *w = want->data + r->sfm.body_off;
	size_t wlen = want->len - r->sfm.body_off;
	bool same = same_bytes(r->body, r->body_len, w, wlen);

	if (!same)
		fprintf(stderr,
			"  body differs:\n--- got\n%.*s\n--- want\n%.*s\n",
			(int)r->body_len, r->body, (int)wlen, w);
	return same;
}

/* The output's description is the source's, cut to `limit`, not empty. */
static inline void check_description(const struct rendered *r, size_t limit)
{
	struct buf want = BUF_INIT;

	want_description(r->src.data, r->src.len, limit, &want);
	CHECK(want.len > 0);
	CHECK_STR(fm_get_str(&r->ofm, "description"), want.data);
	buf_release(&want);
}

#endif
