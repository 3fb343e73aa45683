/*
 * source.c - scanning the canonical tree into units and artifacts.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/source.h"
#include "aiwgfs/util.h"

/* Folders deeper than this below a unit are not scanned. */
#define SCAN_MAX_DEPTH 32

static const char *const excluded_names[] = {
	"README.md",	      "manifest.md",
	"agent-template.md",  "DEVELOPMENT_GUIDE.md",
	"openai-compat.md",   "factory-compat.md",
	"windsurf-compat.md",
};

static const struct {
	const char *alias;
	const char *name;
} unit_aliases[] = {
	{ "sdlc", "sdlc-complete" },
	{ "marketing", "media-marketing-kit" },
	{ "mmk", "media-marketing-kit" },
	{ "research", "research-complete" },
};

static const char *const kind_names[] = { "agent", "command", "skill", "rule" };
static const char *const kind_dirs[] = { "agents", "commands", "skills",
					 "rules" };

const char *artifact_kind_name(enum artifact_kind kind)
{
	return kind_names[kind];
}

const char *artifact_kind_dir(enum artifact_kind kind)
{
	return kind_dirs[kind];
}

bool source_is_excluded_name(const char *name)
{
	return str_list_has(excluded_names, ARRAY_SIZE(excluded_names), name);
}

const char *source_unit_alias(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(unit_aliases); i++)
		if (!strcmp(unit_aliases[i].alias, name))
			return unit_aliases[i].name;
	return name;
}

/* A growing list of strings. */
struct names {
	char **v;
	size_t n, cap;
};

static int names_add(struct names *l, char *s)
{
	if (!s || array_reserve(&l->v, &l->cap, l->n + 1, sizeof(*l->v))) {
		free(s);
		return -ENOMEM;
	}
	l->v[l->n++] = s;
	return 0;
}

static void names_free(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static void names_sort(struct names *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), str_ptr_cmp);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !lstat(path, &st) && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;

	return !lstat(path, &st) && S_ISREG(st.st_mode);
}

/*
 * The entries of folder `dir` whose type is `type` (DT_REG or DT_DIR), by
 * lstat so that symlinks are never taken for what they point at; sorted.
 * A folder that does not exist gives an empty list.
 */
static int list_dir(const char *dir, unsigned char type, struct names *out)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, rc = 0;

	/* A symlinked folder is never followed: it may lead out of SOURCE. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP
			       ? 0
			       : -errno;
	d = fdopendir(fd);
	if (!d) {
		rc = -errno;
		close(fd);
		return rc;
	}
	while ((de = readdir(d))) {
		unsigned char t = de->d_type;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		/* d_type is lstat's answer where the file system gives it */
		if (t == DT_UNKNOWN) {
			if (fstatat(dirfd(d), de->d_name, &st,
				    AT_SYMLINK_NOFOLLOW))
				continue;
			t = S_ISREG(st.st_mode)	  ? DT_REG
			    : S_ISDIR(st.st_mode) ? DT_DIR
						  : DT_UNKNOWN;
		}
		if (t != type)
			continue;
		rc = names_add(out, strdup(de->d_name));
		if (rc)
			break;
	}
	closedir(d);
	names_sort(out);
	return rc;
}

struct scan {
	struct source *src;
	size_t cap_art, cap_shadow;
};

static int add_shadow(struct scan *s, const struct artifact *winner,
		      enum artifact_kind kind, const char *id, const char *path)
{
	struct source *src = s->src;
	struct shadowed *sh;

	if (array_reserve(&src->shadowed, &s->cap_shadow, src->nshadowed + 1,
			  sizeof(*src->shadowed)))
		return -ENOMEM;
	sh = &src->shadowed[src->nshadowed];
	sh->kind = kind;
	sh->id = strdup(id);
	sh->path = strdup(path);
	sh->winner = strdup(winner->path);
	if (!sh->id || !sh->path || !sh->winner) {
		free(sh->id);
		free(sh->path);
		free(sh->winner);
		return -ENOMEM;
	}
	src->nshadowed++;
	return 0;
}

/*
 * Add an artifact unless one of the same kind and id exists; then record
 * the newcomer as shadowed. Takes ownership of `files`.
 */
static int add_artifact(struct scan *s, enum artifact_kind kind, const char *id,
			const char *path, size_t unit, struct names *files)
{
	struct source *src = s->src;
	const struct artifact *old = source_find(src, kind, id);
	struct artifact *a;

	if (old) {
		names_free(files);
		return add_shadow(s, old, kind, id, path);
	}
	if (array_reserve(&src->artifacts, &s->cap_art, src->nartifacts + 1,
			  sizeof(*src->artifacts)))
		goto out_nomem;
	a = &src->artifacts[src->nartifacts];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->unit = unit;
	a->id = strdup(id);
	a->path = strdup(path);
	if (!a->id || !a->path) {
		free(a->id);
		free(a->path);
		goto out_nomem;
	}
	a->files = files->v;
	a->nfiles = files->n;
	files->v = NULL;
	files->n = files->cap = 0;
	src->nartifacts++;
	return 0;
out_nomem:
	names_free(files);
	return -ENOMEM;
}

/* Add every "*.md" file of `dir` that is not an excluded name. */
static int scan_md_files(struct scan *s, enum artifact_kind kind,
			 const char *dir, size_t unit)
{
	struct names files = { 0 }, none = { 0 };
	int rc;

	rc = list_dir(dir, DT_REG, &files);
	for (size_t i = 0; !rc && i < files.n; i++) {
		const char *name = files.v[i];
		size_t len = strlen(name);
		char *id, *path;

		if (len <= 3 || !str_ends_with(name, ".md") ||
		    source_is_excluded_name(name))
			continue;
		id = str_ndup(name, len - 3);
		path = path_join(dir, name);
		rc = id && path ? add_artifact(s, kind, id, path, unit, &none)
				: -ENOMEM;
		free(id);
		free(path);
	}
	names_free(&files);
	return rc;
}

/* Commands: recursive, folders named "templates" skipped, ids flattened. */
static int scan_commands(struct scan *s, const char *dir, size_t unit,
			 int depth)
{
	struct names subdirs = { 0 };
	int rc;

	if (depth > SCAN_MAX_DEPTH)
		return 0;
	rc = scan_md_files(s, ARTIFACT_COMMAND, dir, unit);
	if (!rc)
		rc = list_dir(dir, DT_DIR, &subdirs);
	for (size_t i = 0; !rc && i < subdirs.n; i++) {
		char *sub;

		if (!strcmp(subdirs.v[i], "templates"))
			continue;
		sub = path_join(dir, subdirs.v[i]);
		rc = sub ? scan_commands(s, sub, unit, depth + 1) : -ENOMEM;
		free(sub);
	}
	names_free(&subdirs);
	return rc;
}

/* Every regular file below `dir`, as paths relative to `base`. */
static int list_tree(const char *dir, const char *rel, struct names *out,
		     int depth)
{
	struct names files = { 0 }, subdirs = { 0 };
	int rc;

	if (depth > SCAN_MAX_DEPTH)
		return 0;
	rc = list_dir(dir, DT_REG, &files);
	for (size_t i = 0; !rc && i < files.n; i++)
		rc = names_add(out, path_join(rel, files.v[i]));
	if (!rc)
		rc = list_dir(dir, DT_DIR, &subdirs);
	for (size_t i = 0; !rc && i < subdirs.n; i++) {
		char *sub = path_join(dir, subdirs.v[i]);
		char *subrel = path_join(rel, subdirs.v[i]);

		rc = sub && subrel ? list_tree(sub, subrel, out, depth + 1)
				   : -ENOMEM;
		free(sub);
		free(subrel);
	}
	names_free(&files);
	names_free(&subdirs);
	return rc;
}

/*
 * Which files of the skill just added (if it was: a shadowed one is not)
 * have an execute bit, read once here rather than by every view.
 */
static int note_executables(struct source *src, const char *sdir)
{
	struct artifact *a = &src->artifacts[src->nartifacts - 1];
	struct stat st;
	int dfd;

	if (!src->nartifacts || strcmp(a->path, sdir) || a->exec)
		return 0;
	a->exec = calloc(a->nfiles ? a->nfiles : 1, 1);
	if (!a->exec)
		return -ENOMEM;
	dfd = open(sdir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	for (size_t i = 0; dfd >= 0 && i < a->nfiles; i++)
		a->exec[i] =
			!fstatat(dfd, a->files[i], &st, AT_SYMLINK_NOFOLLOW) &&
			(st.st_mode & S_IXUSR);
	if (dfd >= 0)
		close(dfd);
	return 0;
}

static int scan_skills(struct scan *s, const char *dir, size_t unit)
{
	struct names subdirs = { 0 };
	int rc;

	rc = list_dir(dir, DT_DIR, &subdirs);
	for (size_t i = 0; !rc && i < subdirs.n; i++) {
		struct names files = { 0 };
		char *sdir = path_join(dir, subdirs.v[i]);
		char *skill_md = sdir ? path_join(sdir, "SKILL.md") : NULL;

		if (!skill_md) {
			rc = -ENOMEM;
		} else if (is_file(skill_md)) {
			rc = list_tree(sdir, "", &files, 0);
			if (!rc) {
				names_sort(&files);
				rc = add_artifact(s, ARTIFACT_SKILL,
						  subdirs.v[i], sdir, unit,
						  &files);
			}
			if (!rc)
				rc = note_executables(s->src, sdir);
			names_free(&files);
		}
		free(skill_md);
		free(sdir);
	}
	names_free(&subdirs);
	return rc;
}

static int scan_rules(struct scan *s, const char *dir, size_t unit)
{
	struct names none = { 0 };
	char *index = path_join(dir, "RULES-INDEX.md");
	int rc;

	if (!index)
		return -ENOMEM;
	if (is_file(index))
		rc = add_artifact(s, ARTIFACT_RULE, "RULES-INDEX", index, unit,
				  &none);
	else
		rc = scan_md_files(s, ARTIFACT_RULE, dir, unit);
	free(index);
	return rc;
}

typedef int scan_kind_fn(struct scan *s, const char *dir, size_t unit);

static int scan_agents(struct scan *s, const char *dir, size_t unit)
{
	return scan_md_files(s, ARTIFACT_AGENT, dir, unit);
}

static int artifact_id_cmp(const void *a, const void *b)
{
	return strcmp(((const struct artifact *)a)->id,
		      ((const struct artifact *)b)->id);
}

/* Commands are found folder by folder; a unit's ids end up sorted. */
static int scan_commands_top(struct scan *s, const char *dir, size_t unit)
{
	size_t first = s->src->nartifacts;
	int rc = scan_commands(s, dir, unit, 0);

	if (!rc && s->src->nartifacts - first > 1)
		qsort(s->src->artifacts + first, s->src->nartifacts - first,
		      sizeof(*s->src->artifacts), artifact_id_cmp);
	return rc;
}

static scan_kind_fn *const kind_scanners[] = {
	[ARTIFACT_AGENT] = scan_agents,
	[ARTIFACT_COMMAND] = scan_commands_top,
	[ARTIFACT_SKILL] = scan_skills,
	[ARTIFACT_RULE] = scan_rules,
};

static int add_unit(struct source *src, size_t *cap, const char *name,
		    const char *path, enum unit_type type)
{
	struct unit *u;

	if (array_reserve(&src->units, cap, src->nunits + 1,
			  sizeof(*src->units)))
		return -ENOMEM;
	u = &src->units[src->nunits];
	u->name = strdup(name);
	u->path = strdup(path);
	u->type = type;
	if (!u->name || !u->path) {
		free(u->name);
		free(u->path);
		return -ENOMEM;
	}
	src->nunits++;
	return 0;
}

static int fail(char **err, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char **err, int rc, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		buf_vaddf(&b, fmt, ap);
		va_end(ap);
		*err = buf_detach(&b, NULL);
	}
	return rc;
}

/* Check the names asked for exist among `have`; say which do if not. */
static int check_selection(const char *what, const char *dir,
			   const char *const *want, size_t nwant,
			   const struct names *have, char **err)
{
	struct buf list = BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < nwant; i++) {
		const char *name = source_unit_alias(want[i]);

		if (str_list_has((const char *const *)have->v, have->n, name))
			continue;
		for (size_t j = 0; j < have->n; j++)
			buf_addf(&list, "%s%s", j ? ", " : "", have->v[j]);
		rc = fail(err, -ENOENT, "no %s named '%s' in '%s' (there: %s)",
			  what, want[i], dir, list.len ? list.data : "none");
		break;
	}
	buf_release(&list);
	return rc;
}

static bool selected(const char *name, const char *const *want, size_t n)
{
	if (!want)
		return true;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(source_unit_alias(want[i]), name))
			return true;
	return false;
}

static int add_units_of(struct source *src, size_t *cap, const char *base,
			const char *sub, enum unit_type type,
			const char *const *want, size_t nwant, char **err)
{
	struct names names = { 0 };
	char *dir = path_join(base, sub);
	int rc;

	if (!dir)
		return -ENOMEM;
	rc = list_dir(dir, DT_DIR, &names);
	if (!rc && want)
		rc = check_selection(type == UNIT_FRAMEWORK ? "framework"
							    : "addon",
				     dir, want, nwant, &names, err);
	for (size_t i = 0; !rc && i < names.n; i++) {
		char *path;

		if (!selected(names.v[i], want, nwant))
			continue;
		path = path_join(dir, names.v[i]);
		rc = path ? add_unit(src, cap, names.v[i], path, type)
			  : -ENOMEM;
		free(path);
	}
	names_free(&names);
	free(dir);
	return rc;
}

/* Find the units: an AIWG tree (at root or root/agentic/code), or flat. */
static int find_units(struct source *src, const struct source_filter *f,
		      char **err)
{
	static const struct source_filter all = { 0 };
	size_t cap = 0;
	char *base;
	int rc;

	if (!f)
		f = &all;
	base = path_join(src->root, "agentic/code");
	if (!base)
		return -ENOMEM;
	if (!is_dir(base)) {
		free(base);
		base = strdup(src->root);
		if (!base)
			return -ENOMEM;
	}
	{
		char *fw = path_join(base, "frameworks");
		char *ad = path_join(base, "addons");

		src->aiwg = fw && ad && (is_dir(fw) || is_dir(ad));
		free(fw);
		free(ad);
	}
	if (src->aiwg) {
		/* Naming either kind of unit narrows to the units named. */
		static const char *const none[] = { NULL };
		bool narrow = f->frameworks || f->addons;
		const char *const *fw = f->frameworks ? f->frameworks
					: narrow      ? none
						      : NULL;
		const char *const *ad = f->addons ? f->addons
					: narrow  ? none
						  : NULL;

		rc = add_units_of(src, &cap, base, "frameworks", UNIT_FRAMEWORK,
				  fw, f->nframeworks, err);
		if (!rc)
			rc = add_units_of(src, &cap, base, "addons", UNIT_ADDON,
					  ad, f->naddons, err);
		free(base);
		return rc;
	}
	free(base);
	for (int k = 0; k < ARTIFACT_KIND_COUNT; k++) {
		char *dir = path_join(src->root, kind_dirs[k]);
		bool found = dir && is_dir(dir);

		free(dir);
		if (found)
			return add_unit(src, &cap, "", src->root, UNIT_FLAT);
	}
	return fail(err, -ENOENT,
		    "'%s' is not a canonical tree: it has neither "
		    "agentic/code/frameworks or addons, nor agents/, "
		    "commands/, skills/ or rules/",
		    src->root);
}

/* The folder that holds agentic/code when `root` is agentic/code itself. */
static char *aiwg_root_of(const char *root)
{
	static const char suffix[] = "/agentic/code";
	size_t len = strlen(root);

	if (len > strlen(suffix) && str_ends_with(root, suffix))
		return str_ndup(root, len - strlen(suffix));
	return strdup(root);
}

int source_scan(struct source *src, const char *root,
		const struct source_filter *filter, char **err)
{
	struct scan s = { .src = src };
	char real[PATH_MAX];
	int rc;

	memset(src, 0, sizeof(*src));
	if (err)
		*err = NULL;
	if (!realpath(root, real))
		return fail(err, -errno, "cannot open source '%s': %s", root,
			    strerror(errno));
	if (!is_dir(real))
		return fail(err, -ENOTDIR, "source '%s' is not a folder", root);
	src->root = strdup(real);
	src->aiwg_root = aiwg_root_of(real);
	if (!src->root || !src->aiwg_root) {
		source_release(src);
		return -ENOMEM;
	}
	rc = find_units(src, filter, err);
	for (int k = 0; !rc && k < ARTIFACT_KIND_COUNT; k++) {
		for (size_t u = 0; !rc && u < src->nunits; u++) {
			char *dir = path_join(src->units[u].path, kind_dirs[k]);

			rc = dir ? kind_scanners[k](&s, dir, u) : -ENOMEM;
			free(dir);
		}
	}
	if (rc) {
		if (err && !*err)
			fail(err, rc, "cannot scan source '%s': %s", root,
			     strerror(-rc));
		source_release(src);
	}
	return rc;
}

void source_release(struct source *src)
{
	for (size_t i = 0; i < src->nunits; i++) {
		free(src->units[i].name);
		free(src->units[i].path);
	}
	for (size_t i = 0; i < src->nartifacts; i++) {
		struct artifact *a = &src->artifacts[i];

		for (size_t j = 0; j < a->nfiles; j++)
			free(a->files[j]);
		free(a->files);
		free(a->exec);
		free(a->id);
		free(a->path);
	}
	for (size_t i = 0; i < src->nshadowed; i++) {
		free(src->shadowed[i].id);
		free(src->shadowed[i].path);
		free(src->shadowed[i].winner);
	}
	free(src->units);
	free(src->artifacts);
	free(src->shadowed);
	free(src->root);
	free(src->aiwg_root);
	memset(src, 0, sizeof(*src));
}

const struct artifact *source_find(const struct source *src,
				   enum artifact_kind kind, const char *id)
{
	for (size_t i = 0; i < src->nartifacts; i++) {
		const struct artifact *a = &src->artifacts[i];

		if (a->kind == kind && !strcmp(a->id, id))
			return a;
	}
	return NULL;
}
