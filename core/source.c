/*
 * source.c - scanning the canonical tree into units and artifacts.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
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

struct scan {
	struct source *src;
	size_t cap_art, cap_shadow;
};

int source_note(struct source *src, const char *path, bool left_out,
		const char *fmt, ...)
{
	struct source_note *n;
	struct buf reason = BUF_INIT;
	va_list ap;

	if (array_reserve(&src->notes, &src->notes_cap, src->nnotes + 1,
			  sizeof(*src->notes)))
		return -ENOMEM;
	va_start(ap, fmt);
	buf_vaddf(&reason, fmt, ap);
	va_end(ap);
	n = &src->notes[src->nnotes];
	n->path = strdup(path);
	n->reason = buf_detach(&reason, NULL);
	n->left_out = left_out;
	if (!n->path || !n->reason) {
		free(n->path);
		free(n->reason);
		return -ENOMEM;
	}
	src->nnotes++;
	return 0;
}

static bool beneath(const char *path, const char *root)
{
	size_t n = strlen(root);

	return !strncmp(path, root, n) && (path[n] == '/' || !path[n]);
}

#define NOT_FOLLOWED                                                           \
	"; links in the canonical tree are never followed, so views leave "    \
	"it out: put the file or folder itself here"

/* Say where a symlink leads, without opening anything. */
static int note_link(struct scan *s, const char *path)
{
	char target[PATH_MAX], real[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	struct stat st;
	const char *root = s->src->root;

	target[n > 0 ? n : 0] = '\0';
	if (stat(path, &st))
		return errno == ELOOP
			       ? source_note(s->src, path, true,
					     "is a symbolic link that loops "
					     "('%s': too many levels of "
					     "links)" NOT_FOLLOWED,
					     target)
			       : source_note(
					 s->src, path, true,
					 "is a symbolic link to '%s', "
					 "which does not exist" NOT_FOLLOWED,
					 target);
	if (!realpath(path, real) || !beneath(real, root))
		return source_note(s->src, path, true,
				   "is a symbolic link to '%s', outside "
				   "SOURCE" NOT_FOLLOWED,
				   target);
	return source_note(s->src, path, true,
			   "is a symbolic link (to '%s')" NOT_FOLLOWED, target);
}

/* A FIFO, socket, device or symlink where an artifact could be. */
static int note_odd(struct scan *s, const char *dir, const char *name,
		    unsigned char type)
{
	char *path = path_join(dir, name);
	const char *what;
	int rc;

	if (!path)
		return -ENOMEM;
	switch (type) {
	case DT_LNK:
		rc = note_link(s, path);
		free(path);
		return rc;
	case DT_FIFO:
		what = "a FIFO (named pipe)";
		break;
	case DT_SOCK:
		what = "a socket";
		break;
	case DT_CHR:
	case DT_BLK:
		what = "a device file";
		break;
	default:
		what = "of an unknown type";
		break;
	}
	rc = source_note(s->src, path, true,
			 "is %s, not a regular file; it is never opened, and "
			 "views leave it out",
			 what);
	free(path);
	return rc;
}

/* Which entries that are neither files nor folders a listing notes. */
enum {
	ODD_MD = 1,    /* those named like an artifact, "*.md" */
	ODD_LINKS = 2, /* every symlink: it may stand for a folder */
	ODD_ALL = 4,
};

static bool odd_noted(unsigned odd, const char *name, unsigned char type)
{
	if (odd & ODD_ALL)
		return true;
	if ((odd & ODD_LINKS) && type == DT_LNK)
		return true;
	return (odd & ODD_MD) && str_ends_with(name, ".md") &&
	       !source_is_excluded_name(name);
}

static unsigned char mode_type(mode_t mode)
{
	return S_ISREG(mode)	? DT_REG
	       : S_ISDIR(mode)	? DT_DIR
	       : S_ISLNK(mode)	? DT_LNK
	       : S_ISFIFO(mode) ? DT_FIFO
	       : S_ISSOCK(mode) ? DT_SOCK
	       : S_ISCHR(mode)	? DT_CHR
	       : S_ISBLK(mode)	? DT_BLK
				: DT_UNKNOWN;
}

/*
 * The regular files (into `files`, when not NULL) and the folders (into
 * `dirs`) of folder `dir`, by lstat so that symlinks are never taken for
 * what they point at; both sorted. Other entries are noted as `odd` asks.
 * A folder that does not exist, or is a symlink, gives empty lists.
 */
static int list_dir(struct scan *s, const char *dir, struct names *files,
		    struct names *dirs, unsigned odd)
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
	while (!rc && (de = readdir(d))) {
		unsigned char t = de->d_type;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		/* d_type is lstat's answer where the file system gives it */
		if (t == DT_UNKNOWN) {
			if (fstatat(dirfd(d), de->d_name, &st,
				    AT_SYMLINK_NOFOLLOW))
				continue;
			t = mode_type(st.st_mode);
		}
		if (t == DT_REG && files)
			rc = names_add(files, strdup(de->d_name));
		else if (t == DT_DIR && dirs)
			rc = names_add(dirs, strdup(de->d_name));
		else if (t != DT_REG && t != DT_DIR &&
			 odd_noted(odd, de->d_name, t))
			rc = note_odd(s, dir, de->d_name, t);
	}
	closedir(d);
	if (files)
		names_sort(files);
	if (dirs)
		names_sort(dirs);
	return rc;
}

/* A name that views show as it is, though many tools will trip on it. */
static int note_name(struct scan *s, const char *path, const char *name)
{
	if (str_is_plain_name(name))
		return 0;
	return source_note(s->src, path, false,
			   "the name holds a control character (such as a "
			   "newline) or bytes that are not UTF-8; views show "
			   "it as it is, which many tools cannot open: rename "
			   "it");
}

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
	int rc;

	if (old) {
		names_free(files);
		return add_shadow(s, old, kind, id, path);
	}
	/* skill names are normalized (check says how); others shown as are */
	rc = kind == ARTIFACT_SKILL ? 0 : note_name(s, path, id);
	if (rc || array_reserve(&src->artifacts, &s->cap_art,
				src->nartifacts + 1, sizeof(*src->artifacts)))
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

/* Whether the Markdown file at `path` is small enough to be served. */
static int fits(struct scan *s, const char *path, bool *ok)
{
	struct stat st;

	*ok = !lstat(path, &st) && S_ISREG(st.st_mode);
	if (!*ok || st.st_size <= SOURCE_MAX_TEXT)
		return 0;
	*ok = false;
	return source_note(s->src, path, true,
			   "is %jd bytes; Markdown sources over %u bytes (%u "
			   "MiB) are left out of the views (each view would "
			   "keep a copy in memory): split it",
			   (intmax_t)st.st_size, SOURCE_MAX_TEXT,
			   SOURCE_MAX_TEXT >> 20);
}

/* Add every "*.md" file of `files` (in `dir`) that is not excluded. */
static int scan_md_files(struct scan *s, enum artifact_kind kind,
			 const char *dir, const struct names *files,
			 size_t unit)
{
	struct names none = { 0 };
	int rc = 0;

	for (size_t i = 0; !rc && i < files->n; i++) {
		const char *name = files->v[i];
		size_t len = strlen(name);
		char *id, *path;
		bool ok;

		if (len <= 3 || !str_ends_with(name, ".md") ||
		    source_is_excluded_name(name))
			continue;
		id = str_ndup(name, len - 3);
		path = path_join(dir, name);
		rc = id && path ? fits(s, path, &ok) : -ENOMEM;
		if (!rc && ok)
			rc = add_artifact(s, kind, id, path, unit, &none);
		free(id);
		free(path);
	}
	return rc;
}

static int note_deep(struct scan *s, const char *dir)
{
	return source_note(s->src, dir, true,
			   "is more than %d folders deep; deeper folders are "
			   "not scanned, so views leave out what they hold",
			   SCAN_MAX_DEPTH);
}

/* Commands: recursive, folders named "templates" skipped, ids flattened. */
static int scan_commands(struct scan *s, const char *dir, size_t unit,
			 int depth)
{
	struct names files = { 0 }, subdirs = { 0 };
	int rc;

	if (depth > SCAN_MAX_DEPTH)
		return note_deep(s, dir);
	rc = list_dir(s, dir, &files, &subdirs, ODD_MD | ODD_LINKS);
	if (!rc)
		rc = scan_md_files(s, ARTIFACT_COMMAND, dir, &files, unit);
	for (size_t i = 0; !rc && i < subdirs.n; i++) {
		char *sub;

		if (!strcmp(subdirs.v[i], "templates"))
			continue;
		sub = path_join(dir, subdirs.v[i]);
		rc = sub ? scan_commands(s, sub, unit, depth + 1) : -ENOMEM;
		free(sub);
	}
	names_free(&files);
	names_free(&subdirs);
	return rc;
}

/* Every regular file below `dir`, as paths relative to `base`. */
static int list_tree(struct scan *s, const char *dir, const char *rel,
		     struct names *out, int depth)
{
	struct names files = { 0 }, subdirs = { 0 };
	int rc;

	if (depth > SCAN_MAX_DEPTH)
		return note_deep(s, dir);
	rc = list_dir(s, dir, &files, &subdirs, ODD_ALL);
	for (size_t i = 0; !rc && i < files.n; i++) {
		char *path = path_join(dir, files.v[i]);

		rc = path ? note_name(s, path, files.v[i]) : -ENOMEM;
		if (!rc)
			rc = names_add(out, path_join(rel, files.v[i]));
		free(path);
	}
	for (size_t i = 0; !rc && i < subdirs.n; i++) {
		char *sub = path_join(dir, subdirs.v[i]);
		char *subrel = path_join(rel, subdirs.v[i]);

		rc = sub && subrel ? note_name(s, sub, subdirs.v[i]) : -ENOMEM;
		if (!rc)
			rc = list_tree(s, sub, subrel, out, depth + 1);
		free(sub);
		free(subrel);
	}
	names_free(&files);
	names_free(&subdirs);
	return rc;
}

/*
 * Which files of the skill just added (if it was: a shadowed one is not)
 * have an execute bit, read once here rather than by every view; and
 * which are too large to be served.
 */
static int note_executables(struct scan *s, const char *sdir)
{
	struct source *src = s->src;
	struct artifact *a = &src->artifacts[src->nartifacts - 1];
	size_t kept = 0;
	struct stat st;
	int dfd, rc = 0;

	if (!src->nartifacts || strcmp(a->path, sdir) || a->exec)
		return 0;
	a->exec = calloc(a->nfiles ? a->nfiles : 1, 1);
	if (!a->exec)
		return -ENOMEM;
	dfd = open(sdir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	for (size_t i = 0; i < a->nfiles; i++) {
		bool have =
			!rc && dfd >= 0 &&
			!fstatat(dfd, a->files[i], &st, AT_SYMLINK_NOFOLLOW);
		char *path;

		if (!have || st.st_size <= SOURCE_MAX_FILE) {
			a->exec[kept] = have && (st.st_mode & S_IXUSR);
			a->files[kept++] = a->files[i];
			continue;
		}
		/* Too large to be read through a view: not listed at all. */
		path = path_join(sdir, a->files[i]);
		rc = path ? source_note(src, path, true,
					"is %jd bytes; files over %u bytes (%u "
					"MiB) are left out of the views",
					(intmax_t)st.st_size, SOURCE_MAX_FILE,
					SOURCE_MAX_FILE >> 20)
			  : -ENOMEM;
		free(path);
		free(a->files[i]);
	}
	a->nfiles = kept;
	if (dfd >= 0)
		close(dfd);
	return rc;
}

/* A skill folder whose SKILL.md is there but not a plain file. */
static int note_odd_skill_md(struct scan *s, const char *sdir)
{
	struct stat st;

	if (fstatat(AT_FDCWD, sdir, &st, AT_SYMLINK_NOFOLLOW) ||
	    !S_ISDIR(st.st_mode))
		return 0;
	{
		char *md = path_join(sdir, "SKILL.md");
		int rc = 0;

		if (!md)
			return -ENOMEM;
		if (!lstat(md, &st) && !S_ISREG(st.st_mode))
			rc = note_odd(s, sdir, "SKILL.md",
				      mode_type(st.st_mode));
		free(md);
		return rc;
	}
}

static int scan_skills(struct scan *s, const char *dir, size_t unit)
{
	struct names subdirs = { 0 };
	int rc;

	rc = list_dir(s, dir, NULL, &subdirs, ODD_LINKS);
	for (size_t i = 0; !rc && i < subdirs.n; i++) {
		struct names files = { 0 };
		char *sdir = path_join(dir, subdirs.v[i]);
		char *skill_md = sdir ? path_join(sdir, "SKILL.md") : NULL;
		bool ok;

		rc = skill_md ? fits(s, skill_md, &ok) : -ENOMEM;
		if (!rc && ok) {
			rc = list_tree(s, sdir, "", &files, 0);
			if (!rc) {
				names_sort(&files);
				rc = add_artifact(s, ARTIFACT_SKILL,
						  subdirs.v[i], sdir, unit,
						  &files);
			}
			if (!rc)
				rc = note_executables(s, sdir);
			names_free(&files);
		} else if (!rc) {
			rc = note_odd_skill_md(s, sdir);
		}
		free(skill_md);
		free(sdir);
	}
	names_free(&subdirs);
	return rc;
}

static int scan_rules(struct scan *s, const char *dir, size_t unit)
{
	struct names none = { 0 }, files = { 0 };
	char *index = path_join(dir, "RULES-INDEX.md");
	struct stat st;
	bool ok;
	int rc;

	if (!index)
		return -ENOMEM;
	if (lstat(index, &st)) {
		rc = list_dir(s, dir, &files, NULL, ODD_MD);
		if (!rc)
			rc = scan_md_files(s, ARTIFACT_RULE, dir, &files, unit);
	} else if (!S_ISREG(st.st_mode)) {
		/* An index stands for the whole folder, even unusable. */
		rc = note_odd(s, dir, "RULES-INDEX.md", mode_type(st.st_mode));
	} else {
		rc = fits(s, index, &ok);
		if (!rc && ok)
			rc = add_artifact(s, ARTIFACT_RULE, "RULES-INDEX",
					  index, unit, &none);
	}
	names_free(&files);
	free(index);
	return rc;
}

typedef int scan_kind_fn(struct scan *s, const char *dir, size_t unit);

static int scan_agents(struct scan *s, const char *dir, size_t unit)
{
	struct names files = { 0 };
	int rc = list_dir(s, dir, &files, NULL, ODD_MD);

	if (!rc)
		rc = scan_md_files(s, ARTIFACT_AGENT, dir, &files, unit);
	names_free(&files);
	return rc;
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

/* A folder of the tree's shape that is a symlink, and so never followed. */
static int note_if_link(struct scan *s, const char *dir)
{
	struct stat st;

	if (lstat(dir, &st) || !S_ISLNK(st.st_mode))
		return 0;
	return note_link(s, dir);
}

static int add_units_of(struct source *src, size_t *cap, const char *base,
			const char *sub, enum unit_type type,
			const char *const *want, size_t nwant, char **err)
{
	struct scan s = { .src = src };
	struct names names = { 0 };
	char *dir = path_join(base, sub);
	int rc;

	if (!dir)
		return -ENOMEM;
	rc = note_if_link(&s, dir);
	if (!rc)
		rc = list_dir(&s, dir, NULL, &names, ODD_LINKS);
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

			rc = dir ? note_if_link(&s, dir) : -ENOMEM;
			if (!rc)
				rc = kind_scanners[k](&s, dir, u);
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
	for (size_t i = 0; i < src->nnotes; i++) {
		free(src->notes[i].path);
		free(src->notes[i].reason);
	}
	free(src->units);
	free(src->artifacts);
	free(src->shadowed);
	free(src->notes);
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
