/*
 * vtree.c - building the synthesized tree of every view from the platform
 * table and the scanned source.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/log.h"
#include "aiwgfs/render.h"
#include "render_impl.h"
#include "aiwgfs/util.h"
#include "aiwgfs/vtree.h"

#define VNODE_INO_BIT (1ULL << 63)

static void set_err(char **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_err(char **err, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	free(*err);
	*err = buf_detach(&b, NULL);
}

static uint64_t node_ino(const char *view, const char *path)
{
	XXH3_state_t st;

	XXH3_64bits_reset(&st);
	XXH3_64bits_update(&st, view, strlen(view) + 1);
	XXH3_64bits_update(&st, path, strlen(path));
	return XXH3_64bits_digest(&st) | VNODE_INO_BIT;
}

static struct vnode *vnode_new(const struct view *v, struct vnode *parent,
			       const char *name, enum vnode_type type)
{
	struct vnode *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strdup(name);
	n->path = parent && *parent->path ? path_join(parent->path, name)
					  : strdup(name);
	if (!n->name || !n->path) {
		free(n->name);
		free(n->path);
		free(n);
		return NULL;
	}
	n->type = type;
	n->parent = parent;
	n->ino = node_ino(v->path, n->path);
	return n;
}

static void vnode_free(struct vnode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nchildren; i++)
		vnode_free(n->children[i]);
	free(n->children);
	free(n->name);
	free(n->path);
	free(n);
}

/*
 * Children are kept sorted as they are added, so that a folder of
 * hundreds of files is built in n log n comparisons.
 */
static size_t child_slot(const struct vnode *dir, const char *name, bool *found)
{
	size_t lo = 0, hi = dir->nchildren;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(dir->children[mid]->name, name);

		if (!cmp) {
			*found = true;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct vnode *find_child(const struct vnode *dir, const char *name)
{
	bool found;
	size_t i = child_slot(dir, name, &found);

	return found ? dir->children[i] : NULL;
}

static int add_child(struct vnode *dir, struct vnode *child)
{
	size_t n = dir->nchildren, at;
	bool found;

	/* The array has a power of two of slots, at least four. */
	if (n < 4 ? n == 0 : !(n & (n - 1))) {
		size_t want = n < 4 ? 4 : n * 2;
		struct vnode **p = realloc(dir->children, want * sizeof(*p));

		if (!p)
			return -ENOMEM;
		dir->children = p;
	}
	at = child_slot(dir, child->name, &found);
	memmove(dir->children + at + 1, dir->children + at,
		(n - at) * sizeof(*dir->children));
	dir->children[at] = child;
	dir->nchildren++;
	return 0;
}

/*
 * Put a file at `path` (below the view root) into view `v`, creating the
 * folders on the way. A path that is already taken keeps its first owner:
 * one path, one renderer. Returns the new file node, or NULL with *rc set
 * (0 when the path was taken, -ENAMETOOLONG when a name in it is empty or
 * over 255 bytes).
 */
static struct vnode *view_add_file(struct view *v, const char *path, int *rc)
{
	struct vnode *dir = v->root, *n;
	const char *p = path, *slash;
	char name[256];

	*rc = 0;
	for (;;) {
		size_t len;

		slash = strchr(p, '/');
		len = slash ? (size_t)(slash - p) : strlen(p);
		if (!len || len >= sizeof(name)) {
			*rc = -ENAMETOOLONG;
			return NULL;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		n = find_child(dir, name);
		if (!slash)
			break;
		if (n && n->type != VNODE_DIR)
			return NULL;
		if (!n) {
			n = vnode_new(v, dir, name, VNODE_DIR);
			if (!n || add_child(dir, n)) {
				vnode_free(n);
				*rc = -ENOMEM;
				return NULL;
			}
		}
		dir = n;
		p = slash + 1;
	}
	if (n)
		return NULL;
	n = vnode_new(v, dir, name, VNODE_FILE);
	if (!n || add_child(dir, n)) {
		vnode_free(n);
		*rc = -ENOMEM;
		return NULL;
	}
	v->nfiles++;
	return n;
}

static struct view *model_add_view(struct model *m, const char *path,
				   bool is_file, size_t *cap, char **err)
{
	struct view *v = model_view(m, path);

	if (v && v->is_file != is_file) {
		set_err(err,
			"'%s' is used both as a folder view and as a file "
			"view; fix the platform table",
			path);
		return NULL;
	}
	if (v)
		return v;
	if (array_reserve(&m->views, cap, m->nviews + 1, sizeof(*m->views)))
		return NULL;
	v = &m->views[m->nviews];
	memset(v, 0, sizeof(*v));
	v->path = strdup(path);
	if (!v->path)
		return NULL;
	v->is_file = is_file;
	v->root = vnode_new(v, NULL, "", is_file ? VNODE_FILE : VNODE_DIR);
	if (!v->root) {
		free(v->path);
		return NULL;
	}
	m->nviews++;
	return v;
}

static void vnode_set(struct vnode *n, const struct platform *p,
		      const struct renderer *r, const struct artifact *a)
{
	n->renderer = r;
	n->platform = p;
	n->artifact = a;
}

/* "name.ext" -> "name-k.ext" (or "name-k" with no extension). */
static char *part_name(const char *name, unsigned k)
{
	const char *dot = strrchr(name, '.');
	size_t stem = dot && dot != name ? (size_t)(dot - name) : strlen(name);
	struct buf b = BUF_INIT;

	buf_addf(&b, "%.*s-%u%s", (int)stem, name, k, name + stem);
	return buf_detach(&b, NULL);
}

/* Take the file `n`, just added, out of view `v` again. */
static void vnode_drop(struct view *v, struct vnode *n)
{
	struct vnode *dir = n->parent;

	for (size_t i = 0; i < dir->nchildren; i++) {
		if (dir->children[i] != n)
			continue;
		memmove(dir->children + i, dir->children + i + 1,
			(dir->nchildren - i - 1) * sizeof(*dir->children));
		dir->nchildren--;
		v->nfiles--;
		vnode_free(n);
		return;
	}
}

static int vnode_rename(struct view *v, struct vnode *n, char *name)
{
	char *path = n->parent && *n->parent->path
			     ? path_join(n->parent->path, name)
			     : strdup(name);

	if (!path) {
		free(name);
		return -ENOMEM;
	}
	free(n->name);
	free(n->path);
	n->name = name;
	n->path = path;
	n->ino = node_ino(v->path, path);
	return 0;
}

/*
 * After view_add_file(): a name too long for the view is noted against the
 * source file `path`, and the view goes on without it.
 */
static int name_fits(struct model *m, const struct view *v,
		     const struct platform *p, const char *vpath,
		     const char *path, int rc)
{
	if (rc != -ENAMETOOLONG)
		return rc;
	return source_note(&m->src, path, true,
			   "its name is too long for %s: '%s/%s' has a part "
			   "over 255 bytes, so %s leaves it out: shorten the "
			   "name",
			   p->name, v->path, vpath, p->name);
}

/*
 * Split the file `n` into the parts its renderer asks for: "x.md" becomes
 * "x-1.md" ... "x-N.md". The count comes from the source as it is now.
 */
static int split_parts(struct model *m, struct view *v, struct vnode *n)
{
	char *dir = n->parent && *n->parent->path ? n->parent->path : "";
	int parts = render_count_parts(m, n), rc = 0;
	char *base, *last;

	if (parts <= 1)
		return 0;
	base = strdup(n->name);
	last = base ? part_name(base, (unsigned)parts) : NULL;
	if (!last) {
		free(base);
		return -ENOMEM;
	}
	/* The last part has the longest name: if it fits, they all do. */
	if (strlen(last) > 255) {
		rc = source_note(&m->src, n->artifact->path, true,
				 "%s splits it into %d parts, and the name of "
				 "the last, '%s', is over 255 bytes, so %s "
				 "leaves it out: shorten the name",
				 n->platform->name, parts, last,
				 n->platform->name);
		vnode_drop(v, n);
		free(last);
		free(base);
		return rc;
	}
	free(last);
	for (int k = 2; !rc && k <= parts; k++) {
		char *name = part_name(base, (unsigned)k);
		char *path = name ? path_join(dir, name) : NULL;
		struct vnode *pn = path ? view_add_file(v, path, &rc) : NULL;

		if (!path)
			rc = -ENOMEM;
		if (pn) {
			vnode_set(pn, n->platform, n->renderer, n->artifact);
			pn->part = (unsigned)k;
		}
		free(name);
		free(path);
	}
	n->part = 1;
	if (!rc)
		rc = vnode_rename(v, n, part_name(base, 1));
	free(base);
	return rc;
}

static int add_skill_files(struct model *m, struct view *v,
			   const struct platform *p, const struct renderer *r,
			   const char *dir, const struct artifact *a)
{
	struct vnode *n;
	int rc = 0;

	for (size_t i = 0; !rc && i < a->nfiles; i++) {
		char *path = path_join(dir, a->files[i]);
		char *file = path_join(a->path, a->files[i]);

		n = path && file ? view_add_file(v, path, &rc) : NULL;
		rc = path && file ? name_fits(m, v, p, path, file, rc)
				  : -ENOMEM;
		free(path);
		free(file);
		if (!n)
			continue;
		vnode_set(n, p, r, a);
		n->sub = a->files[i];
		n->executable = a->exec && a->exec[i];
	}
	return rc;
}

static int add_artifact(struct model *m, struct view *v,
			const struct platform *p, const struct renderer *r,
			const struct artifact *a)
{
	char *dest = render_dest_path(p, a), *path;
	struct vnode *n;
	int rc = 0;

	if (!dest)
		return -ENOMEM;
	/* render_dest_path gives "<view>/<path>"; keep the path. */
	path = dest + strlen(v->path) + 1;
	if (r->folder && a->kind == ARTIFACT_SKILL) {
		path[strlen(path) - strlen("/SKILL.md")] = '\0';
		rc = add_skill_files(m, v, p, r, path, a);
	} else {
		n = view_add_file(v, path, &rc);
		rc = name_fits(m, v, p, path, a->path, rc);
		if (n) {
			vnode_set(n, p, r, a);
			if (r->parts)
				rc = split_parts(m, v, n);
		}
	}
	free(dest);
	return rc;
}

static int add_rule(struct model *m, const struct platform *p,
		    const struct platform_rule *rule, size_t *cap, char **err)
{
	const struct renderer *r = renderer_find(rule->renderer);
	struct view *v;
	int rc = 0;

	if (!r) {
		set_err(err, "platform '%s' names unknown renderer '%s'",
			p->name, rule->renderer);
		return -EINVAL;
	}
	v = model_add_view(m, rule->view, false, cap, err);
	if (!v)
		return err && *err ? -EINVAL : -ENOMEM;
	for (size_t i = 0; !rc && i < m->src.nartifacts; i++)
		if (m->src.artifacts[i].kind == rule->kind)
			rc = add_artifact(m, v, p, r, &m->src.artifacts[i]);
	return rc;
}

static int add_platform_file(struct model *m, const struct platform *p,
			     const struct platform_file *f, size_t *cap,
			     char **err)
{
	const struct renderer *r = renderer_find(f->renderer);
	bool is_file = !*f->path;
	struct view *v;
	struct vnode *n;
	int rc = 0;

	if (!r) {
		set_err(err, "platform '%s' names unknown renderer '%s'",
			p->name, f->renderer);
		return -EINVAL;
	}
	v = model_add_view(m, f->view, is_file, cap, err);
	if (!v)
		return err && *err ? -EINVAL : -ENOMEM;
	if (is_file) {
		/* One owner: the first platform that names the file. */
		if (!v->root->renderer) {
			vnode_set(v->root, p, r, NULL);
			v->nfiles = 1;
		}
		return 0;
	}
	n = view_add_file(v, f->path, &rc);
	if (n)
		vnode_set(n, p, r, NULL);
	if (rc == -ENAMETOOLONG) {
		log_warning("platform '%s': file '%s/%s' has a name that is "
			    "empty or over 255 bytes; it is left out",
			    p->name, v->path, f->path);
		rc = 0;
	}
	return rc;
}

static int vnode_name_cmp(const void *a, const void *b)
{
	const struct vnode *x = *(const struct vnode *const *)a;
	const struct vnode *y = *(const struct vnode *const *)b;

	return strcmp(x->name, y->name);
}

static void vnode_sort(struct vnode *dir)
{
	if (dir->nchildren)
		qsort(dir->children, dir->nchildren, sizeof(*dir->children),
		      vnode_name_cmp);
	for (size_t i = 0; i < dir->nchildren; i++)
		if (dir->children[i]->type == VNODE_DIR)
			vnode_sort(dir->children[i]);
}

static int select_platforms(struct model *m, const char *const *names,
			    char **err)
{
	size_t n, count = 0;
	const struct platform *all = registry_platforms(&n);
	struct buf known = BUF_INIT;

	while (names && names[count])
		count++;
	m->platforms = calloc(names ? count + 1 : n + 1, sizeof(*m->platforms));
	if (!m->platforms)
		return -ENOMEM;
	if (!names) {
		for (size_t i = 0; i < n; i++)
			m->platforms[m->nplatforms++] = &all[i];
		return 0;
	}
	/* In the table's order, which decides who owns a shared path. */
	for (size_t i = 0; i < n; i++)
		if (str_list_has(names, count, all[i].name))
			m->platforms[m->nplatforms++] = &all[i];
	for (size_t i = 0; i < count; i++) {
		if (registry_find(names[i]))
			continue;
		for (size_t j = 0; j < n; j++)
			buf_addf(&known, "%s%s", j ? ", " : "", all[j].name);
		set_err(err, "unknown platform '%s' (known: %s)", names[i],
			known.data);
		buf_release(&known);
		return -EINVAL;
	}
	return 0;
}

static const enum artifact_kind kind_order[] = {
	ARTIFACT_SKILL,
	ARTIFACT_AGENT,
	ARTIFACT_COMMAND,
	ARTIFACT_RULE,
};

/* Skill folder names that views show normalized (check tells of clashes). */
static int note_skill_names(struct model *m)
{
	char name[RENDER_SKILL_NAME_MAX + 1];
	int rc = 0;

	for (size_t i = 0; !rc && m->nplatforms && i < m->src.nartifacts; i++) {
		const struct artifact *a = &m->src.artifacts[i];

		if (a->kind != ARTIFACT_SKILL)
			continue;
		render_skill_name(a->id, name, sizeof(name));
		if (strcmp(name, a->id))
			rc = source_note(
				&m->src, a->path, false,
				"skill folder name '%s' is not a valid "
				"skill name; views show it as '%s'",
				a->id, name);
	}
	return rc;
}

int model_build(struct model *m, struct source *src,
		const char *const *platforms, const struct model_options *opts,
		char **err)
{
	size_t cap = 0;
	int rc;

	memset(m, 0, sizeof(*m));
	m->src = *src;
	memset(src, 0, sizeof(*src));
	if (opts)
		m->opts = *opts;
	if (err)
		*err = NULL;
	rc = select_platforms(m, platforms, err);
	for (size_t i = 0; !rc && i < m->nplatforms; i++) {
		const struct platform *p = m->platforms[i];

		/* Skills first: a real skill wins over a command shown as
		 * a skill of the same name. */
		for (size_t k = 0; k < ARRAY_SIZE(kind_order); k++)
			for (size_t j = 0; !rc && j < p->nrules; j++)
				if (p->rules[j].kind == kind_order[k])
					rc = add_rule(m, p, &p->rules[j], &cap,
						      err);
		for (size_t j = 0; !rc && j < p->nfiles; j++)
			rc = add_platform_file(m, p, &p->files[j], &cap, err);
	}
	if (!rc)
		rc = note_skill_names(m);
	if (rc) {
		if (err && !*err) {
			struct buf msg = BUF_INIT;

			buf_addf(&msg, "cannot build the views: %s",
				 strerror(-rc));
			*err = buf_detach(&msg, NULL);
		}
		model_release(m);
		return rc;
	}
	for (size_t i = 0; i < m->nviews; i++)
		vnode_sort(m->views[i].root);
	return 0;
}

void model_release(struct model *m)
{
	for (size_t i = 0; i < m->nviews; i++) {
		vnode_free(m->views[i].root);
		free(m->views[i].path);
	}
	free(m->views);
	free(m->platforms);
	source_release(&m->src);
	memset(m, 0, sizeof(*m));
}

struct view *model_view(const struct model *m, const char *path)
{
	for (size_t i = 0; i < m->nviews; i++)
		if (!strcmp(m->views[i].path, path))
			return &m->views[i];
	return NULL;
}

static int vnode_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct vnode *const *)elem)->name);
}

struct vnode *vnode_child(const struct vnode *dir, const char *name)
{
	struct vnode **hit;

	if (dir->type != VNODE_DIR || !dir->nchildren)
		return NULL;
	hit = bsearch(name, dir->children, dir->nchildren,
		      sizeof(*dir->children), vnode_key_cmp);
	return hit ? *hit : NULL;
}

struct vnode *vnode_find(const struct vnode *dir, const char *path)
{
	struct vnode *n = (struct vnode *)dir;
	char name[256];

	while (n && *path) {
		const char *end;
		size_t len;

		while (*path == '/')
			path++;
		if (!*path)
			break;
		end = strchrnul(path, '/');
		len = (size_t)(end - path);
		if (len >= sizeof(name))
			return NULL;
		memcpy(name, path, len);
		name[len] = '\0';
		n = vnode_child(n, name);
		path = end;
	}
	return n;
}

struct vnode *model_lookup(const struct model *m, const char *path,
			   const struct view **view)
{
	while (*path == '/')
		path++;
	for (size_t i = 0; i < m->nviews; i++) {
		const struct view *v = &m->views[i];
		size_t vl = strlen(v->path);
		struct vnode *n;

		if (strncmp(path, v->path, vl) || (path[vl] && path[vl] != '/'))
			continue;
		n = vnode_find(v->root, path + vl);
		if (n && view)
			*view = v;
		return n;
	}
	return NULL;
}

void vnode_walk(const struct vnode *dir,
		void (*fn)(const struct vnode *file, void *arg), void *arg)
{
	if (dir->type == VNODE_FILE) {
		fn(dir, arg);
		return;
	}
	for (size_t i = 0; i < dir->nchildren; i++)
		vnode_walk(dir->children[i], fn, arg);
}
