/*
 * vtree.c - building the synthesized tree of every view from the platform
 * table and the scanned source.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/log.h"
#include "aiwgfs/render.h"
#include "aiwgfs/util.h"
#include "aiwgfs/vtree.h"

#define VNODE_INO_BIT (1ULL << 63)

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

/* While building, children are unsorted; lookups are linear. */
static struct vnode *find_child_linear(const struct vnode *dir,
				       const char *name)
{
	for (size_t i = 0; i < dir->nchildren; i++)
		if (!strcmp(dir->children[i]->name, name))
			return dir->children[i];
	return NULL;
}

static int add_child(struct vnode *dir, struct vnode *child)
{
	size_t n = dir->nchildren;

	/* The array has a power of two of slots, at least four. */
	if (n < 4 ? n == 0 : !(n & (n - 1))) {
		size_t want = n < 4 ? 4 : n * 2;
		struct vnode **p = realloc(dir->children, want * sizeof(*p));

		if (!p)
			return -ENOMEM;
		dir->children = p;
	}
	dir->children[dir->nchildren++] = child;
	return 0;
}

/*
 * Put a file at `path` (below the view root) into view `v`, creating the
 * folders on the way. A path that is already taken keeps its first owner:
 * one path, one renderer. Returns the new file node, or NULL with *rc set
 * (0 when the path was taken).
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
			log_warning("skipping '%s/%s': a name in it is empty "
				    "or longer than 255 bytes",
				    v->path, path);
			return NULL;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		n = find_child_linear(dir, name);
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
				   size_t *cap)
{
	struct view *v = model_view(m, path);

	if (v)
		return v;
	if (array_reserve(&m->views, cap, m->nviews + 1, sizeof(*m->views)))
		return NULL;
	v = &m->views[m->nviews];
	memset(v, 0, sizeof(*v));
	v->path = strdup(path);
	if (!v->path)
		return NULL;
	v->is_file = !strchr(path, '/') && str_ends_with(path, ".md");
	v->root = vnode_new(v, NULL, "", VNODE_DIR);
	if (!v->root) {
		free(v->path);
		return NULL;
	}
	m->nviews++;
	return v;
}

static int add_artifact_files(struct view *v, const struct platform *p,
			      const struct renderer *r, const char *dest,
			      const struct artifact *a)
{
	struct vnode *n;
	int rc;

	if (a->kind != ARTIFACT_SKILL) {
		n = view_add_file(v, dest, &rc);
		if (n) {
			n->renderer = r;
			n->platform = p;
			n->artifact = a;
		}
		return rc;
	}
	for (size_t i = 0; i < a->nfiles; i++) {
		char *path = path_join(dest, a->files[i]);
		struct stat st;

		if (!path)
			return -ENOMEM;
		n = view_add_file(v, path, &rc);
		free(path);
		if (rc)
			return rc;
		if (!n)
			continue;
		n->renderer = r;
		n->platform = p;
		n->artifact = a;
		n->sub = a->files[i];
		path = path_join(a->path, a->files[i]);
		n->executable =
			path && !stat(path, &st) && (st.st_mode & S_IXUSR);
		free(path);
	}
	return 0;
}

static int add_rule(struct model *m, const struct platform *p,
		    const struct platform_rule *rule, size_t *cap)
{
	const struct renderer *r = renderer_find(rule->renderer);
	struct view *v;
	int rc = 0;

	if (!r) {
		log_error("platform '%s' names unknown renderer '%s'", p->name,
			  rule->renderer);
		return -EINVAL;
	}
	v = model_add_view(m, rule->view, cap);
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; !rc && i < m->src.nartifacts; i++) {
		const struct artifact *a = &m->src.artifacts[i];
		char *dest, *slash;

		if (a->kind != rule->kind)
			continue;
		dest = render_dest_path(p, a);
		if (!dest)
			return -ENOMEM;
		/* render_dest_path gives "<view>/<path>"; keep the path. */
		slash = dest + strlen(rule->view);
		if (a->kind == ARTIFACT_SKILL)
			slash[strlen(slash) - strlen("/SKILL.md")] = '\0';
		rc = add_artifact_files(v, p, r, slash + 1, a);
		free(dest);
	}
	return rc;
}

static int add_platform_file(struct model *m, const struct platform *p,
			     const struct platform_file *f, size_t *cap)
{
	const struct renderer *r = renderer_find(f->renderer);
	struct view *v;
	struct vnode *n;
	int rc;

	if (!r) {
		log_error("platform '%s' names unknown renderer '%s'", p->name,
			  f->renderer);
		return -EINVAL;
	}
	v = model_add_view(m, f->view, cap);
	if (!v)
		return -ENOMEM;
	n = view_add_file(v, f->path, &rc);
	if (n) {
		n->renderer = r;
		n->platform = p;
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

	if (!names) {
		m->platforms = calloc(n, sizeof(*m->platforms));
		if (!m->platforms)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			m->platforms[i] = &all[i];
		m->nplatforms = n;
		return 0;
	}
	while (names[count])
		count++;
	m->platforms = calloc(count ? count : 1, sizeof(*m->platforms));
	if (!m->platforms)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		const struct platform *p = registry_find(names[i]);

		if (p) {
			bool dup = false;

			for (size_t j = 0; j < m->nplatforms; j++)
				dup |= m->platforms[j] == p;
			if (!dup)
				m->platforms[m->nplatforms++] = p;
			continue;
		}
		for (size_t j = 0; j < n; j++)
			buf_addf(&known, "%s%s", j ? ", " : "", all[j].name);
		if (err)
			*err = NULL;
		{
			struct buf msg = BUF_INIT;

			buf_addf(&msg, "unknown platform '%s' (known: %s)",
				 names[i], known.data);
			if (err)
				*err = buf_detach(&msg, NULL);
			buf_release(&msg);
		}
		buf_release(&known);
		return -EINVAL;
	}
	return 0;
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

		for (size_t j = 0; !rc && j < p->nrules; j++)
			rc = add_rule(m, p, &p->rules[j], &cap);
		for (size_t j = 0; !rc && j < p->nfiles; j++)
			rc = add_platform_file(m, p, &p->files[j], &cap);
	}
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

struct vnode *model_lookup(const struct model *m, const char *path,
			   const struct view **view)
{
	char name[256];

	while (*path == '/')
		path++;
	for (size_t i = 0; i < m->nviews; i++) {
		const struct view *v = &m->views[i];
		size_t vl = strlen(v->path);
		struct vnode *n = v->root;
		const char *p;

		if (strncmp(path, v->path, vl) || (path[vl] && path[vl] != '/'))
			continue;
		p = path + vl;
		while (n && *p) {
			const char *end;
			size_t len;

			while (*p == '/')
				p++;
			if (!*p)
				break;
			end = strchrnul(p, '/');
			len = (size_t)(end - p);
			if (len >= sizeof(name))
				return NULL;
			memcpy(name, p, len);
			name[len] = '\0';
			n = vnode_child(n, name);
			p = end;
		}
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
