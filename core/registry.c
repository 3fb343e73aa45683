/*
 * registry.c - loading the platform table from YAML: the built-in one
 * compiled from core/platforms.yaml, and a user's file merged over it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/registry.h"
#include "aiwgfs/render.h"
#include "aiwgfs/util.h"

/* Generated from core/platforms.yaml at build time. */
extern const char registry_builtin_text[];

#define REGISTRY_MAX_FILE (1u << 20)

static struct platform *platforms;
static size_t nplatforms, cap_platforms;
static bool loaded;

/* What a parse is working on, for messages. */
struct loader {
	const char *file;
	yaml_document_t doc;
	struct buf err;
};

static int fail(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&l->err);
	buf_addf(&l->err, "%s:%zu: ", l->file,
		 n ? n->start_mark.line + 1 : (size_t)1);
	va_start(ap, fmt);
	buf_vaddf(&l->err, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static yaml_node_t *node(struct loader *l, int index)
{
	return yaml_document_get_node(&l->doc, index);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE
		       ? (const char *)n->data.scalar.value
		       : NULL;
}

static int want_scalar(struct loader *l, const yaml_node_t *n, const char *what,
		       const char **out)
{
	*out = scalar(n);
	if (!*out)
		return fail(l, n, "%s must be a single value", what);
	return 0;
}

static int set_str(char **dst, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -ENOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

static void map_free(struct name_map *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].from);
		free(m[i].to);
	}
	free(m);
}

static void rule_free(struct platform_rule *r)
{
	free(r->view);
	free(r->dest);
	free(r->renderer);
}

static void file_free(struct platform_file *f)
{
	free(f->view);
	free(f->path);
	free(f->renderer);
}

static void platform_free(struct platform *p)
{
	for (size_t i = 0; i < p->nrules; i++)
		rule_free(&p->rules[i]);
	for (size_t i = 0; i < p->nfiles; i++)
		file_free(&p->files[i]);
	free(p->rules);
	free(p->files);
	map_free(p->tools, p->ntools);
	map_free(p->models, p->nmodels);
	free(p->name);
	free(p->summary);
	memset(p, 0, sizeof(*p));
}

/*
 * Split "view/rest" into its view (the first component) and the rest.
 * A path must be relative, without "." or ".." components or empty ones.
 */
/*
 * Names no view may show or export may write, at any depth: git's own
 * folder (a file there can be a hook that runs), and aiwgfs's own files.
 * Compared without case, for file systems that ignore it.
 */
static bool reserved_name(const char *part, size_t len)
{
	static const char *const names[] = { ".git", ".aiwgfs.yaml",
					     ".aiwgfs-manifest" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (len == strlen(names[i]) &&
		    !strncasecmp(part, names[i], len))
			return true;
	return false;
}

static int split_path(struct loader *l, const yaml_node_t *n, const char *path,
		      char **view, char **rest)
{
	const char *slash = strchr(path, '/');
	const char *p;

	if (!*path || *path == '/')
		return fail(l, n,
			    "path '%s' must be relative to the "
			    "repository",
			    path);
	for (p = path; *p;) {
		size_t len = strcspn(p, "/");

		if (!len || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return fail(l, n,
				    "path '%s' has an empty, '.' or '..' "
				    "component",
				    path);
		if (reserved_name(p, len))
			return fail(l, n,
				    "path '%s' reaches into '%.*s', which "
				    "is not aiwgfs's to show or write",
				    path, (int)len, p);
		p += len + (p[len] == '/');
	}
	*view = slash ? str_ndup(path, (size_t)(slash - path)) : strdup(path);
	*rest = strdup(slash ? slash + 1 : "");
	if (!*view || !*rest) {
		free(*view);
		free(*rest);
		return -ENOMEM;
	}
	if (strstr(*view, "{id}")) {
		free(*view);
		free(*rest);
		return fail(l, n,
			    "path '%s' must start with a fixed folder or "
			    "file name, the view",
			    path);
	}
	return 0;
}

static int check_renderer(struct loader *l, const yaml_node_t *n,
			  const char *name)
{
	if (renderer_find(name))
		return 0;
	return fail(l, n,
		    "unknown renderer '%s' (see the list in 'aiwgfs "
		    "platforms --yaml')",
		    name);
}

/* Read the `path` and `renderer` of a mapping node. */
static int read_target(struct loader *l, yaml_node_t *n, const char **path,
		       const char **renderer, const yaml_node_t **path_node)
{
	yaml_node_pair_t *pair;

	*path = *renderer = NULL;
	if (n->type != YAML_MAPPING_NODE)
		return fail(l, n,
			    "expected a mapping with 'path' and "
			    "'renderer'");
	for (pair = n->data.mapping.pairs.start;
	     pair < n->data.mapping.pairs.top; pair++) {
		const char *key = scalar(node(l, pair->key));
		yaml_node_t *v = node(l, pair->value);
		int rc;

		if (key && !strcmp(key, "path")) {
			rc = want_scalar(l, v, "path", path);
			*path_node = v;
		} else if (key && !strcmp(key, "renderer")) {
			rc = want_scalar(l, v, "renderer", renderer);
		} else {
			rc = fail(l, node(l, pair->key),
				  "unknown key '%s' (known: path, renderer)",
				  key ? key : "?");
		}
		if (rc)
			return rc;
	}
	if (!*path || !*renderer)
		return fail(l, n, "both 'path' and 'renderer' are needed");
	return check_renderer(l, n, *renderer);
}

/* Whether the last component of `dest` is "{id}" and nothing else. */
static bool names_folder_by_id(const char *dest)
{
	size_t n = strlen(dest);

	return n >= 4 && !strcmp(dest + n - 4, "{id}") &&
	       (n == 4 || dest[n - 5] == '/');
}

static int read_kind(struct loader *l, struct platform *p,
		     enum artifact_kind kind, yaml_node_t *n)
{
	const yaml_node_t *pn = n;
	struct platform_rule r = { .kind = kind }, *slot = NULL;
	const char *path, *renderer;
	size_t cap = p->nrules;
	int rc;

	rc = read_target(l, n, &path, &renderer, &pn);
	if (rc)
		return rc;
	/* it reads the path inside a skill folder, which nothing else has */
	if (renderer_find(renderer)->scope == RENDER_SKILL &&
	    kind != ARTIFACT_SKILL)
		return fail(l, n,
			    "renderer '%s' cannot show %s: it renders the "
			    "files of a skill folder",
			    renderer, artifact_kind_dir(kind));
	if (!strstr(path, "{id}"))
		return fail(l, pn, "path '%s' needs '{id}'", path);
	rc = split_path(l, pn, path, &r.view, &r.dest);
	if (rc)
		return rc;
	r.renderer = strdup(renderer);
	if (!r.renderer || !*r.dest) {
		rule_free(&r);
		return r.renderer ? fail(l, pn,
					 "path '%s' must start with "
					 "the view folder",
					 path)
				  : -ENOMEM;
	}
	if (renderer_find(renderer)->folder && !names_folder_by_id(r.dest)) {
		rule_free(&r);
		return fail(l, pn,
			    "path '%s' must end in '/{id}': a skill is named "
			    "for its folder",
			    path);
	}
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].kind == kind)
			slot = &p->rules[i];
	if (slot) {
		rule_free(slot);
		*slot = r;
		return 0;
	}
	if (array_reserve(&p->rules, &cap, p->nrules + 1, sizeof(*p->rules))) {
		rule_free(&r);
		return -ENOMEM;
	}
	p->rules[p->nrules++] = r;
	return 0;
}

static int read_files(struct loader *l, struct platform *p, yaml_node_t *n)
{
	yaml_node_item_t *item;
	size_t cap = 0;

	if (n->type != YAML_SEQUENCE_NODE)
		return fail(l, n, "'files' must be a list");
	for (size_t i = 0; i < p->nfiles; i++)
		file_free(&p->files[i]);
	free(p->files);
	p->files = NULL;
	p->nfiles = 0;
	for (item = n->data.sequence.items.start;
	     item < n->data.sequence.items.top; item++) {
		yaml_node_t *v = node(l, *item);
		const yaml_node_t *pn = v;
		struct platform_file f = { 0 };
		const char *path, *renderer;
		int rc;

		rc = read_target(l, v, &path, &renderer, &pn);
		/* such a file belongs to no artifact */
		if (!rc && renderer_find(renderer)->scope != RENDER_INDEX)
			rc = fail(l, v,
				  "renderer '%s' cannot write a page of "
				  "'files': it shows one artifact (use index)",
				  renderer);
		if (!rc)
			rc = split_path(l, pn, path, &f.view, &f.path);
		if (rc)
			return rc;
		f.renderer = strdup(renderer);
		if (!f.renderer || array_reserve(&p->files, &cap, p->nfiles + 1,
						 sizeof(*p->files))) {
			file_free(&f);
			return -ENOMEM;
		}
		p->files[p->nfiles++] = f;
	}
	return 0;
}

/* Merge the entries of a mapping node into a name map. */
static int read_map(struct loader *l, struct name_map **map, size_t *n,
		    yaml_node_t *m, const char *what)
{
	yaml_node_pair_t *pair;
	size_t cap = *n;

	if (m->type != YAML_MAPPING_NODE)
		return fail(l, m, "'%s' must map names to names", what);
	for (pair = m->data.mapping.pairs.start;
	     pair < m->data.mapping.pairs.top; pair++) {
		const char *from = scalar(node(l, pair->key));
		const char *to = scalar(node(l, pair->value));
		struct name_map *slot = NULL;

		if (!from || !to)
			return fail(l, node(l, pair->key),
				    "'%s' must map names to names", what);
		for (size_t i = 0; i < *n; i++)
			if (!strcmp((*map)[i].from, from))
				slot = &(*map)[i];
		if (!slot) {
			if (array_reserve(map, &cap, *n + 1, sizeof(**map)))
				return -ENOMEM;
			slot = &(*map)[(*n)++];
			memset(slot, 0, sizeof(*slot));
			if (set_str(&slot->from, from))
				return -ENOMEM;
		}
		if (set_str(&slot->to, to))
			return -ENOMEM;
	}
	return 0;
}

static int read_size(struct loader *l, yaml_node_t *n, const char *what,
		     size_t *out)
{
	const char *s = scalar(n);
	char *end;
	unsigned long long v;

	if (!s)
		return fail(l, n, "limit '%s' must be a number", what);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		return fail(l, n, "limit '%s' must be a whole number, not '%s'",
			    what, s);
	*out = (size_t)v;
	return 0;
}

static int read_limits(struct loader *l, struct platform *p, yaml_node_t *m)
{
	static const char *const names[] = { "description", "rule", "workflow",
					     "index" };
	size_t *slots[] = { &p->limits.description, &p->limits.rule,
			    &p->limits.workflow, &p->limits.index };
	yaml_node_pair_t *pair;

	if (m->type != YAML_MAPPING_NODE)
		return fail(l, m, "'limits' must be a mapping");
	for (pair = m->data.mapping.pairs.start;
	     pair < m->data.mapping.pairs.top; pair++) {
		const char *key = scalar(node(l, pair->key));
		size_t i;
		int rc;

		for (i = 0; key && i < ARRAY_SIZE(names); i++)
			if (!strcmp(key, names[i]))
				break;
		if (!key || i == ARRAY_SIZE(names))
			return fail(l, node(l, pair->key),
				    "unknown limit '%s' (known: description, "
				    "rule, workflow, index)",
				    key ? key : "?");
		rc = read_size(l, node(l, pair->value), key, slots[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* Apply one key of a platform mapping to `p`. */
static int read_key(struct loader *l, struct platform *p, const char *key,
		    yaml_node_t *v, const yaml_node_t *kn)
{
	const char *s;

	for (int k = 0; k < ARTIFACT_KIND_COUNT; k++)
		if (!strcmp(key, artifact_kind_dir(k)))
			return read_kind(l, p, k, v);
	if (!strcmp(key, "name"))
		return 0;
	if (!strcmp(key, "summary")) {
		int rc = want_scalar(l, v, "summary", &s);

		return rc ? rc : set_str(&p->summary, s);
	}
	if (!strcmp(key, "files"))
		return read_files(l, p, v);
	if (!strcmp(key, "tools"))
		return read_map(l, &p->tools, &p->ntools, v, "tools");
	if (!strcmp(key, "models"))
		return read_map(l, &p->models, &p->nmodels, v, "models");
	if (!strcmp(key, "limits"))
		return read_limits(l, p, v);
	return fail(l, kn,
		    "unknown key '%s' (known: name, summary, agents, "
		    "commands, skills, rules, files, tools, models, limits)",
		    key);
}

/* The platform named in mapping `m`: found, or added empty. */
static int platform_for(struct loader *l, yaml_node_t *m, struct platform **out)
{
	const char *name = NULL;
	yaml_node_pair_t *pair;
	int rc;

	for (pair = m->data.mapping.pairs.start;
	     pair < m->data.mapping.pairs.top; pair++) {
		const char *key = scalar(node(l, pair->key));

		if (key && !strcmp(key, "name")) {
			rc = want_scalar(l, node(l, pair->value), "name",
					 &name);
			if (rc)
				return rc;
		}
	}
	if (!name || !*name ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz"
			 "0123456789-_") != strlen(name))
		return fail(l, m,
			    "a platform needs a 'name' of lower-case "
			    "letters, digits, '-' and '_'");
	for (size_t i = 0; i < nplatforms; i++) {
		if (!strcmp(platforms[i].name, name)) {
			*out = &platforms[i];
			return 0;
		}
	}
	if (array_reserve(&platforms, &cap_platforms, nplatforms + 1,
			  sizeof(*platforms)))
		return -ENOMEM;
	*out = &platforms[nplatforms];
	memset(*out, 0, sizeof(**out));
	if (set_str(&(*out)->name, name) || set_str(&(*out)->summary, name))
		return -ENOMEM;
	nplatforms++;
	return 0;
}

static int read_platform(struct loader *l, yaml_node_t *m)
{
	struct platform *p = NULL;
	yaml_node_pair_t *pair;
	int rc;

	if (m->type != YAML_MAPPING_NODE)
		return fail(l, m, "each platform must be a mapping");
	rc = platform_for(l, m, &p);
	for (pair = m->data.mapping.pairs.start;
	     !rc && pair < m->data.mapping.pairs.top; pair++) {
		yaml_node_t *kn = node(l, pair->key);
		const char *key = scalar(kn);

		rc = key ? read_key(l, p, key, node(l, pair->value), kn)
			 : fail(l, kn, "keys must be names");
	}
	return rc;
}

static int read_document(struct loader *l)
{
	yaml_node_t *root = yaml_document_get_root_node(&l->doc);
	yaml_node_pair_t *pair;
	yaml_node_t *list = NULL;
	yaml_node_item_t *item;
	int rc = 0;

	if (!root || root->type != YAML_MAPPING_NODE)
		return fail(l, root, "expected a mapping with 'platforms'");
	for (pair = root->data.mapping.pairs.start;
	     pair < root->data.mapping.pairs.top; pair++) {
		const char *key = scalar(node(l, pair->key));

		if (key && !strcmp(key, "platforms"))
			list = node(l, pair->value);
		else
			return fail(l, node(l, pair->key),
				    "unknown key '%s' (known: platforms)",
				    key ? key : "?");
	}
	if (!list || list->type != YAML_SEQUENCE_NODE)
		return fail(l, list ? list : root,
			    "'platforms' must be a list of platforms");
	for (item = list->data.sequence.items.start;
	     !rc && item < list->data.sequence.items.top; item++)
		rc = read_platform(l, node(l, *item));
	return rc;
}

static int load_text(const char *file, const char *text, size_t len, char **err)
{
	struct loader l = { .file = file, .err = BUF_INIT };
	yaml_parser_t parser;
	int rc;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &l.doc)) {
		rc = -EINVAL;
		buf_addf(&l.err, "%s:%zu: %s", file,
			 parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "not valid YAML");
		goto out_parser;
	}
	rc = read_document(&l);
	yaml_document_delete(&l.doc);
out_parser:
	yaml_parser_delete(&parser);
	if (rc && err) {
		if (!l.err.len)
			buf_addf(&l.err, "%s: %s", file, strerror(-rc));
		*err = buf_detach(&l.err, NULL);
	}
	buf_release(&l.err);
	return rc;
}

void registry_unload(void)
{
	for (size_t i = 0; i < nplatforms; i++)
		platform_free(&platforms[i]);
	free(platforms);
	platforms = NULL;
	nplatforms = cap_platforms = 0;
	loaded = false;
}

int registry_load(const char *user_file, char **err)
{
	struct buf text = BUF_INIT;
	int rc;

	if (err)
		*err = NULL;
	registry_unload();
	loaded = true;
	rc = load_text("built-in platforms.yaml", registry_builtin_text,
		       strlen(registry_builtin_text), err);
	if (rc || !user_file)
		goto out;
	rc = buf_read_file(&text, AT_FDCWD, user_file, REGISTRY_MAX_FILE);
	if (rc && err) {
		buf_addf(&text, "cannot read registry '%s': %s", user_file,
			 strerror(-rc));
		*err = buf_detach(&text, NULL);
	}
	if (rc)
		goto out;
	rc = load_text(user_file, text.data, text.len, err);
out:
	buf_release(&text);
	if (rc)
		registry_unload();
	return rc;
}

const struct platform *registry_platforms(size_t *count)
{
	if (!loaded)
		registry_load(NULL, NULL);
	*count = nplatforms;
	return platforms;
}

size_t platform_nviews(const struct platform *p)
{
	return p->nrules + p->nfiles;
}

const char *platform_view(const struct platform *p, size_t j)
{
	return j < p->nrules ? p->rules[j].view : p->files[j - p->nrules].view;
}

const struct platform *registry_find(const char *name)
{
	size_t n;
	const struct platform *p = registry_platforms(&n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(p[i].name, name))
			return &p[i];
	return NULL;
}

const char *registry_map(const struct name_map *map, size_t n, const char *name)
{
	const char *any = NULL;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(map[i].from, name))
			return map[i].to;
		if (!strcmp(map[i].from, "*"))
			any = map[i].to;
	}
	return any;
}

int registry_set_model(const char *platform, const char *from, const char *to)
{
	size_t n, cap;
	struct platform *p = NULL;
	struct name_map *slot = NULL;

	registry_platforms(&n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(platforms[i].name, platform))
			p = &platforms[i];
	if (!p)
		return -ENOENT;
	for (size_t i = 0; i < p->nmodels; i++)
		if (!strcmp(p->models[i].from, from))
			slot = &p->models[i];
	if (!slot) {
		cap = p->nmodels;
		if (array_reserve(&p->models, &cap, p->nmodels + 1,
				  sizeof(*p->models)))
			return -ENOMEM;
		slot = &p->models[p->nmodels++];
		memset(slot, 0, sizeof(*slot));
		if (set_str(&slot->from, from))
			return -ENOMEM;
	}
	return set_str(&slot->to, to);
}

const char *registry_builtin_yaml(void)
{
	return registry_builtin_text;
}
