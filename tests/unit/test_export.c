/*
 * test_export.c - the views written out as real files: what an export
 * writes and records in its manifest, what --check reports, what --clean
 * removes and what it spares, files and folders that are not export's,
 * symlinks on the way, and manifests export did not write.
 *
 * A small flat canonical tree is made in a scratch folder and exported for
 * every platform into other scratch folders. What each file must hold is
 * what render_node() gives for its vnode; the manifest is read back here
 * line by line.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "aiwgfs/export.h"
#include "aiwgfs/log.h"
#include "check.h"
#include "fixture.h"
#include "tmptree.h"

static char *tmp;

static const char *const event_names[] = {
	[EXPORT_WROTE] = "wrote",     [EXPORT_REMOVED] = "removed",
	[EXPORT_CONFLICT] = "own",    [EXPORT_KEPT] = "kept",
	[EXPORT_CHANGED] = "changed", [EXPORT_MISSING] = "missing",
	[EXPORT_EXTRA] = "extra",     [EXPORT_FAILED] = "failed",
};

/* The paths in the tree below; the tests name them. */
#define AGENT	 ".claude/agents/alpha.md"
#define COMMAND	 ".claude/commands/go.md"
#define PROMPT	 ".github/prompts/go.prompt.md"
#define SCRIPT	 ".claude/skills/tool/scripts/run.sh"
#define CURSOR	 ".cursor/rules/style.mdc"
#define AGENTSMD "AGENTS.md"

/* A flat canonical tree: an agent, a command, a skill, a rule. */
static void write_source(const char *root)
{
	char *script = path_join(root, "skills/tool/scripts/run.sh");

	CHECK(tmp_write_str(root, "agents/alpha.md",
			    "---\nname: alpha\ndescription: Reviews "
			    "changes.\n---\n\nAlpha reads every diff.\n") == 0);
	CHECK(tmp_write_str(root, "commands/go.md",
			    "---\ndescription: Go somewhere.\n---\n\nGo "
			    "now.\n") == 0);
	CHECK(tmp_write_str(root, "skills/tool/SKILL.md",
			    "---\nname: tool\ndescription: A tool.\n---\n\n"
			    "Run `scripts/run.sh`.\n") == 0);
	CHECK(tmp_write_str(root, "skills/tool/scripts/run.sh",
			    "#!/bin/sh\necho tool\n") == 0);
	CHECK(script && chmod(script, 0755) == 0);
	CHECK(tmp_write_str(root, "rules/style.md",
			    "# Style\n\nShort lines; plain words.\n") == 0);
	free(script);
}

static int build_model(struct model *m, const char *root)
{
	char *err = NULL;
	int rc = build(m, root, NULL, false, &err);

	CHECK(rc == 0);
	if (rc)
		fprintf(stderr, "  building '%s': %s\n", root,
			err ? err : strerror(-rc));
	free(err);
	return rc;
}

/* One file of the views: its path below the repository and its bytes. */
struct vfile {
	char *path;
	char *data;
	size_t size;
	bool exec;
};

struct vfiles {
	struct vfile *v;
	size_t n, cap;
};

struct collect {
	const struct model *m;
	const struct view *view;
	struct cache *cache;
	struct vfiles *out;
};

static void collect_one(const struct vnode *file, void *arg)
{
	struct collect *c = arg;
	struct cache_entry *e = NULL;
	struct vfile *f;
	int rc = render_node(c->m, file, c->cache, &e);

	CHECK(rc == 0);
	if (rc)
		return;
	if (array_reserve(&c->out->v, &c->out->cap, c->out->n + 1,
			  sizeof(*f))) {
		cache_release(c->cache, e);
		return;
	}
	f = &c->out->v[c->out->n++];
	f->path = *file->path ? path_join(c->view->path, file->path)
			      : strdup(c->view->path);
	f->data = malloc(e->size + 1);
	if (f->data)
		memcpy(f->data, e->data, e->size + 1);
	f->size = e->size;
	f->exec = file->executable;
	cache_release(c->cache, e);
}

/* Every file the views of `m` show, rendered, in walk order. */
static void model_files(const struct model *m, struct vfiles *out)
{
	struct collect c = { .m = m, .out = out };

	memset(out, 0, sizeof(*out));
	c.cache = cache_new(16u << 20);
	for (size_t i = 0; c.cache && i < m->nviews; i++) {
		c.view = &m->views[i];
		vnode_walk(c.view->root, collect_one, &c);
	}
	cache_free(c.cache);
}

static void vfiles_release(struct vfiles *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].path);
		free(fs->v[i].data);
	}
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}

static const struct vfile *vfiles_find(const struct vfiles *fs,
				       const char *path)
{
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->v[i].path, path))
			return &fs->v[i];
	return NULL;
}

/* What the export reported, in order. */
struct event {
	enum export_event ev;
	char *path;
	int err;
};

struct events {
	struct event *v;
	size_t n, cap;
};

static void on_report(enum export_event ev, const char *path, int err,
		      void *arg)
{
	struct events *evs = arg;

	if (array_reserve(&evs->v, &evs->cap, evs->n + 1, sizeof(*evs->v)))
		return;
	evs->v[evs->n].ev = ev;
	evs->v[evs->n].path = strdup(path);
	evs->v[evs->n].err = err;
	evs->n++;
}

static void events_reset(struct events *evs)
{
	for (size_t i = 0; i < evs->n; i++)
		free(evs->v[i].path);
	evs->n = 0;
}

static void events_release(struct events *evs)
{
	events_reset(evs);
	free(evs->v);
	memset(evs, 0, sizeof(*evs));
}

static void events_print(const struct events *evs)
{
	fprintf(stderr, "  %zu events:\n", evs->n);
	for (size_t i = 0; i < evs->n; i++)
		fprintf(stderr, "    %s %s%s%s\n", event_names[evs->v[i].ev],
			evs->v[i].path, evs->v[i].err ? ": " : "",
			evs->v[i].err ? strerror(-evs->v[i].err) : "");
}

static size_t events_count(const struct events *evs, enum export_event ev)
{
	size_t n = 0;

	for (size_t i = 0; i < evs->n; i++)
		n += evs->v[i].ev == ev;
	return n;
}

static bool events_has(const struct events *evs, enum export_event ev,
		       const char *path)
{
	for (size_t i = 0; i < evs->n; i++)
		if (evs->v[i].ev == ev && !strcmp(evs->v[i].path, path))
			return true;
	return false;
}

/* `got` holds exactly the events of `want`, in any order. */
static void check_events(const struct events *got, const struct events *want)
{
	bool ok = got->n == want->n;

	for (size_t i = 0; i < want->n; i++)
		ok &= events_has(got, want->v[i].ev, want->v[i].path);
	/* an error comes only with a failure */
	for (size_t i = 0; i < got->n; i++)
		ok &= (got->v[i].ev == EXPORT_FAILED) == (got->v[i].err < 0);
	CHECK(ok);
	if (!ok) {
		fprintf(stderr, "  want");
		events_print(want);
		fprintf(stderr, "  got");
		events_print(got);
	}
}

/* Exactly one event, `ev` at `path`. */
static void check_one_event(const struct events *got, enum export_event ev,
			    const char *path)
{
	struct events want = { 0 };

	on_report(ev, path, 0, &want);
	check_events(got, &want);
	events_release(&want);
}

/*
 * Run an export of `m` into `dir`; the events land in *evs (reset first).
 * With `errp`, the message is handed back; else a failure prints it.
 */
static int run(const struct model *m, const char *dir, enum export_mode mode,
	       bool force, struct events *evs, struct export_counts *n,
	       char **errp)
{
	struct export_options o = {
		.mode = mode,
		.force = force,
		.report = on_report,
		.arg = evs,
	};
	char *err = NULL;
	int rc;

	events_reset(evs);
	rc = export_run(m, dir, &o, n, &err);
	if (errp) {
		*errp = err;
		return rc;
	}
	CHECK(rc == 0);
	CHECK(rc != 0 || err == NULL);
	if (rc)
		fprintf(stderr, "  export into '%s': %s\n", dir,
			err ? err : strerror(-rc));
	free(err);
	return rc;
}

static int read_rel(const char *dir, const char *rel, struct buf *b)
{
	char *path = path_join(dir, rel);
	int rc = buf_read_file(b, AT_FDCWD, path, 64u << 20);

	free(path);
	return rc;
}

/* dir/rel is a file of exactly the `size` bytes at `data`. */
static bool file_is(const char *dir, const char *rel, const char *data,
		    size_t size)
{
	struct buf b = BUF_INIT;
	bool same = !read_rel(dir, rel, &b) && b.len == size &&
		    !memcmp(b.data, data, size);

	buf_release(&b);
	return same;
}

static bool file_is_str(const char *dir, const char *rel, const char *text)
{
	return file_is(dir, rel, text, strlen(text));
}

static int unlink_rel(const char *dir, const char *rel)
{
	char *path = path_join(dir, rel);
	int rc = path ? unlink(path) : -1;

	free(path);
	return rc;
}

static bool exists(const char *dir, const char *rel)
{
	char *path = path_join(dir, rel);
	struct stat st;
	bool there = path && !lstat(path, &st);

	free(path);
	return there;
}

static bool is_exec(const char *dir, const char *rel)
{
	char *path = path_join(dir, rel);
	struct stat st;
	bool x = path && !lstat(path, &st) && (st.st_mode & S_IXUSR);

	free(path);
	return x;
}

/* Every file of `fs` is a regular file below `dir` with its bytes. */
static void check_tree(const char *dir, const struct vfiles *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		const struct vfile *f = &fs->v[i];
		char *path = path_join(dir, f->path);
		struct stat st;
		bool ok = !lstat(path, &st) && S_ISREG(st.st_mode) &&
			  file_is(dir, f->path, f->data, f->size) &&
			  !!(st.st_mode & S_IXUSR) == f->exec;

		CHECK(ok);
		if (!ok)
			fprintf(stderr, "  '%s' is not as the view shows it\n",
				f->path);
		free(path);
	}
}

/* A line of the manifest as read here. */
struct mline {
	char type;
	uint64_t hash;
	char *path;
};

struct mlines {
	struct mline *v;
	size_t n, cap;
	bool there;
};

static void mlines_release(struct mlines *ml)
{
	for (size_t i = 0; i < ml->n; i++)
		free(ml->v[i].path);
	free(ml->v);
	memset(ml, 0, sizeof(*ml));
}

static bool is_hex16(const char *s)
{
	for (int i = 0; i < 16; i++)
		if (!s[i] || !strchr("0123456789abcdef", s[i]))
			return false;
	return s[16] == ' ';
}

/* Parse "F HASH PATH" and "D PATH"; a line of neither form fails a check. */
static void mline_add(struct mlines *ml, const char *line)
{
	struct mline *l;

	if (array_reserve(&ml->v, &ml->cap, ml->n + 1, sizeof(*ml->v)))
		return;
	l = &ml->v[ml->n];
	l->type = line[0];
	l->hash = 0;
	if (!strncmp(line, "F ", 2) && is_hex16(line + 2)) {
		l->hash = strtoull(line + 2, NULL, 16);
		l->path = strdup(line + 19);
	} else if (!strncmp(line, "D ", 2)) {
		l->path = strdup(line + 2);
	} else {
		CHECK(!"a manifest line of a known form");
		fprintf(stderr, "  manifest line '%s'\n", line);
		return;
	}
	ml->n++;
}

static void read_manifest(const char *dir, struct mlines *ml)
{
	struct buf b = BUF_INIT;
	char *line, *save = NULL;

	memset(ml, 0, sizeof(*ml));
	if (read_rel(dir, EXPORT_MANIFEST, &b))
		return;
	ml->there = true;
	CHECK(b.len && b.data[b.len - 1] == '\n');
	for (line = strtok_r(b.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (*line != '#')
			mline_add(ml, line);
	buf_release(&b);
}

static const struct mline *mline_find(const struct mlines *ml, char type,
				      const char *path)
{
	for (size_t i = 0; i < ml->n; i++)
		if (ml->v[i].type == type && !strcmp(ml->v[i].path, path))
			return &ml->v[i];
	return NULL;
}

/* Whether `path` is a folder on the way to a file of `fs`. */
static bool is_parent_of_any(const struct vfiles *fs, const char *path)
{
	size_t len = strlen(path);

	for (size_t i = 0; i < fs->n; i++)
		if (!strncmp(fs->v[i].path, path, len) &&
		    fs->v[i].path[len] == '/')
			return true;
	return false;
}

/* Every folder on the way to a file of `fs` is listed. */
static void check_folders_listed(const struct mlines *ml,
				 const struct vfiles *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		char *p = strdup(fs->v[i].path), *slash;

		while (p && (slash = strrchr(p, '/'))) {
			*slash = '\0';
			if (!mline_find(ml, 'D', p)) {
				CHECK(!"every folder made is listed");
				fprintf(stderr, "  folder '%s' not listed\n",
					p);
			}
		}
		free(p);
	}
}

/*
 * The manifest of an export made into an empty folder: each file of `fs`
 * with the XXH3-64 of its bytes, each folder on the way, nothing else.
 */
static void check_manifest(const char *dir, const struct vfiles *fs)
{
	struct mlines ml;
	size_t files = 0;

	read_manifest(dir, &ml);
	CHECK(ml.there);
	for (size_t i = 0; i < fs->n; i++) {
		const struct mline *l = mline_find(&ml, 'F', fs->v[i].path);
		uint64_t h = XXH3_64bits(fs->v[i].data, fs->v[i].size);

		CHECK(l && l->hash == h);
		if (!l || l->hash != h)
			fprintf(stderr,
				"  '%s' not listed with %016" PRIx64 "\n",
				fs->v[i].path, h);
	}
	for (size_t i = 0; i < ml.n; i++) {
		if (ml.v[i].type == 'F') {
			files++;
			CHECK(vfiles_find(fs, ml.v[i].path) != NULL);
		} else {
			CHECK(is_parent_of_any(fs, ml.v[i].path));
		}
		/* sorted, no two alike */
		CHECK(!i || strcmp(ml.v[i - 1].path, ml.v[i].path) < 0);
	}
	CHECK(files == fs->n);
	check_folders_listed(&ml, fs);
	mlines_release(&ml);
}

/* The entries of a folder tree, relative, in nftw order. */
static const char *list_root;
static struct buf *list_out;

static int list_one(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	const char *rel = path + strlen(list_root);

	if (*rel == '/')
		buf_addf(list_out, "%s%s\n", rel + 1,
			 type == FTW_D	  ? "/"
			 : type == FTW_SL ? "@"
					  : "");
	return 0;
}

/* "a/\na/b\nc@\n": every entry below `dir`, sorted. */
static char *list_tree(const char *dir)
{
	struct buf b = BUF_INIT;
	char *lines[256], *text, *save = NULL;
	size_t n = 0;

	list_root = dir;
	list_out = &b;
	nftw(dir, list_one, 16, FTW_PHYS);
	text = buf_detach(&b, NULL);
	for (char *l = strtok_r(text, "\n", &save); l && n < 256;
	     l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	qsort(lines, n, sizeof(*lines), str_ptr_cmp);
	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "%s\n", lines[i]);
	free(text);
	return buf_detach(&b, NULL);
}

/*
 * What is below `dir` is the manifest (when `manifest`, sorted first as
 * its name starts with ".a") and the entries of `want` as list_tree()
 * writes them.
 */
static void check_listing(const char *dir, bool manifest, const char *want)
{
	struct buf all = BUF_INIT;
	char *got = list_tree(dir);

	if (manifest)
		buf_adds(&all, EXPORT_MANIFEST "\n");
	buf_adds(&all, want);
	CHECK_STR(got, all.data);
	buf_release(&all);
	free(got);
}

static void check_counts_zero(const struct export_counts *n)
{
	CHECK(n->written == 0 && n->removed == 0 && n->differ == 0 &&
	      n->conflicts == 0 && n->own == 0 && n->failed == 0);
}

/* A missing folder: an error to check or clean, made to write. */
static void test_missing_dir(const struct model *m, const char *out)
{
	struct events evs = { 0 };
	struct export_counts n;
	char *err = NULL;

	CHECK(run(m, out, EXPORT_CHECK, false, &evs, &n, &err) == -ENOENT);
	CHECK(err && strstr(err, out));
	CHECK(evs.n == 0);
	free(err);
	CHECK(run(m, out, EXPORT_CLEAN, false, &evs, &n, &err) == -ENOENT);
	CHECK(err && strstr(err, out));
	free(err);
	CHECK(!exists(out, ""));
	events_release(&evs);
}

/* Into an empty folder: every file written, the manifest lists them. */
static void test_first_export(const struct model *m, const struct vfiles *fs,
			      const char *out)
{
	struct events evs = { 0 };
	struct export_counts n;
	bool in_order = true;

	if (run(m, out, EXPORT_WRITE, false, &evs, &n, NULL))
		return;
	CHECK(n.files == fs->n);
	CHECK(n.written == fs->n);
	CHECK(n.removed == 0 && n.differ == 0 && n.conflicts == 0 &&
	      n.own == 0 && n.failed == 0);
	/* one event per file, in the order of the views */
	CHECK(evs.n == fs->n);
	for (size_t i = 0; i < evs.n && i < fs->n; i++)
		in_order &= evs.v[i].ev == EXPORT_WROTE && !evs.v[i].err &&
			    !strcmp(evs.v[i].path, fs->v[i].path);
	CHECK(in_order);
	if (!in_order)
		events_print(&evs);
	check_tree(out, fs);
	check_manifest(out, fs);
	CHECK(is_exec(out, SCRIPT));
	CHECK(!is_exec(out, AGENT));
	CHECK(!is_exec(out, EXPORT_MANIFEST));
	/* no temporary file is left behind */
	{
		char *listing = list_tree(out);

		CHECK(listing && !strstr(listing, ".tmp"));
		free(listing);
	}
	events_release(&evs);
}

/* A second export finds everything in place and writes nothing. */
static void test_again(const struct model *m, const struct vfiles *fs,
		       const char *out)
{
	struct events evs = { 0 };
	struct export_counts n;
	struct buf before = BUF_INIT, after = BUF_INIT;

	CHECK(read_rel(out, EXPORT_MANIFEST, &before) == 0);
	if (run(m, out, EXPORT_WRITE, false, &evs, &n, NULL))
		goto out;
	CHECK(n.files == fs->n);
	check_counts_zero(&n);
	CHECK(evs.n == 0);
	CHECK(read_rel(out, EXPORT_MANIFEST, &after) == 0);
	CHECK(same_bytes(before.data, before.len, after.data, after.len));

	if (run(m, out, EXPORT_CHECK, false, &evs, &n, NULL))
		goto out;
	CHECK(n.files == fs->n);
	check_counts_zero(&n);
	CHECK(evs.n == 0);
	check_tree(out, fs);
out:
	buf_release(&before);
	buf_release(&after);
	events_release(&evs);
}

/*
 * Check after editing a file, deleting one and clearing an execute bit;
 * then write: the edited one is kept, the others put back; with force the
 * edited one is replaced too.
 */
static void test_check_and_kept(const struct model *m, const struct vfiles *fs,
				const char *out)
{
	struct events evs = { 0 }, want = { 0 };
	struct export_counts n;
	char *script = path_join(out, SCRIPT);
	char *windsurf = path_join(out, ".windsurf");
	const char edited[] = "edited by hand\n";

	CHECK(tmp_write_str(out, AGENT, edited) == 0);
	CHECK(unlink_rel(out, PROMPT) == 0);
	CHECK(chmod(script, 0644) == 0);
	if (run(m, out, EXPORT_CHECK, false, &evs, &n, NULL))
		goto out;
	on_report(EXPORT_CHANGED, AGENT, 0, &want);
	on_report(EXPORT_MISSING, PROMPT, 0, &want);
	on_report(EXPORT_CHANGED, SCRIPT, 0, &want);
	check_events(&evs, &want);
	CHECK(n.differ == 3 && n.written == 0 && n.removed == 0);
	/* check writes nothing */
	CHECK(file_is_str(out, AGENT, edited));
	CHECK(!exists(out, PROMPT));
	CHECK(!is_exec(out, SCRIPT));

	if (run(m, out, EXPORT_WRITE, false, &evs, &n, NULL))
		goto out;
	events_reset(&want);
	on_report(EXPORT_KEPT, AGENT, 0, &want);
	on_report(EXPORT_WROTE, PROMPT, 0, &want);
	on_report(EXPORT_WROTE, SCRIPT, 0, &want);
	check_events(&evs, &want);
	CHECK(n.conflicts == 1 && n.written == 2 && n.own == 0);
	CHECK(file_is_str(out, AGENT, edited));
	CHECK(is_exec(out, SCRIPT));
	/* the kept file stays listed with the hash export wrote */
	check_manifest(out, fs);

	if (run(m, out, EXPORT_WRITE, true, &evs, &n, NULL))
		goto out;
	check_one_event(&evs, EXPORT_WROTE, AGENT);
	CHECK(n.written == 1 && n.conflicts == 0);
	check_tree(out, fs);
	check_manifest(out, fs);

	/* a whole folder export made, gone: missing, then made again */
	CHECK(tmp_rm_tree(windsurf) == 0);
	if (run(m, out, EXPORT_CHECK, false, &evs, &n, NULL))
		goto out;
	events_reset(&want);
	for (size_t i = 0; i < fs->n; i++)
		if (!strncmp(fs->v[i].path, ".windsurf/", 10))
			on_report(EXPORT_MISSING, fs->v[i].path, 0, &want);
	CHECK(want.n >= 3);
	check_events(&evs, &want);
	CHECK(!exists(out, ".windsurf"));
	if (run(m, out, EXPORT_WRITE, false, &evs, &n, NULL))
		goto out;
	CHECK(evs.n == want.n && n.written == want.n);
	check_tree(out, fs);
	check_manifest(out, fs);
out:
	free(windsurf);
	free(script);
	events_release(&evs);
	events_release(&want);
}

/*
 * A model built before a source file went: its files cannot be rendered
 * and fail, and what an earlier export wrote of them stays, still listed
 * with the hash it was written with.
 */
static void test_render_fails(const struct model *m, const struct vfiles *fs,
			      const char *out)
{
	struct events evs = { 0 };
	struct export_counts n;
	struct mlines ml;
	enum log_level level = log_get_level();
	size_t agents = 0;
	int rc;

	/* the render logs the source it cannot read; that is expected */
	log_set_level(LOG_LEVEL_ERROR);
	rc = run(m, out, EXPORT_WRITE, false, &evs, &n, NULL);
	log_set_level(level);
	if (rc)
		goto out;
	read_manifest(out, &ml);
	for (size_t i = 0; i < fs->n; i++) {
		const struct vfile *f = &fs->v[i];
		const struct mline *l = mline_find(&ml, 'F', f->path);

		if (!strstr(f->path, "/alpha."))
			continue;
		agents++;
		CHECK(events_has(&evs, EXPORT_FAILED, f->path));
		CHECK(file_is(out, f->path, f->data, f->size));
		CHECK(l && l->hash == XXH3_64bits(f->data, f->size));
	}
	CHECK(agents >= 7);
	CHECK(n.failed == agents);
	CHECK(events_count(&evs, EXPORT_FAILED) == agents);
	for (size_t i = 0; i < evs.n; i++)
		CHECK(evs.v[i].ev == EXPORT_WROTE ||
		      (evs.v[i].ev == EXPORT_FAILED && evs.v[i].err < 0));
	CHECK(n.removed == 0);
	mlines_release(&ml);
out:
	events_release(&evs);
}

/*
 * The agent taken out of the source: check reports its files as extra and
 * the files that change with it (indexes) as changed; a write removes the
 * former, rewrites the latter and removes the folders left empty.
 */
static void test_extra(const struct model *m, const char *root,
		       const struct vfiles *fs, const char *out,
		       const char *out2)
{
	struct events evs = { 0 }, want = { 0 };
	struct export_counts n;
	struct vfiles fs2;
	struct model m2;
	char *agent = path_join(root, "agents/alpha.md");
	size_t extra = 0;

	CHECK(unlink(agent) == 0);
	free(agent);

	test_render_fails(m, fs, out2);
	if (build_model(&m2, root))
		return;
	model_files(&m2, &fs2);
	for (size_t i = 0; i < fs->n; i++) {
		const struct vfile *f = &fs->v[i];
		const struct vfile *g = vfiles_find(&fs2, f->path);

		if (!g) {
			on_report(EXPORT_EXTRA, f->path, 0, &want);
			extra++;
		} else if (!same_bytes(f->data, f->size, g->data, g->size)) {
			on_report(EXPORT_CHANGED, f->path, 0, &want);
		}
	}
	for (size_t i = 0; i < fs2.n; i++)
		if (!vfiles_find(fs, fs2.v[i].path))
			on_report(EXPORT_MISSING, fs2.v[i].path, 0, &want);
	CHECK(events_has(&want, EXPORT_EXTRA, AGENT));
	CHECK(events_has(&want, EXPORT_EXTRA, ".codex/agents/alpha.toml"));
	CHECK(fs2.n + extra == fs->n);

	if (run(&m2, out, EXPORT_CHECK, false, &evs, &n, NULL))
		goto out;
	check_events(&evs, &want);
	CHECK(n.differ == want.n && n.files == fs2.n);
	CHECK(exists(out, AGENT));

	if (run(&m2, out, EXPORT_WRITE, false, &evs, &n, NULL))
		goto out;
	CHECK(events_count(&evs, EXPORT_REMOVED) == extra);
	CHECK(events_count(&evs, EXPORT_WROTE) == want.n - extra);
	CHECK(evs.n == want.n);
	for (size_t i = 0; i < want.n; i++)
		CHECK(events_has(&evs,
				 want.v[i].ev == EXPORT_EXTRA ? EXPORT_REMOVED
							      : EXPORT_WROTE,
				 want.v[i].path));
	/* the files and the folders they alone were in are gone */
	CHECK(!exists(out, AGENT));
	CHECK(!exists(out, ".claude/agents"));
	CHECK(!exists(out, ".codex"));
	CHECK(n.removed > extra);
	check_tree(out, &fs2);
	check_manifest(out, &fs2);

	if (run(&m2, out, EXPORT_CHECK, false, &evs, &n, NULL))
		goto out;
	CHECK(evs.n == 0 && n.differ == 0);
out:
	vfiles_release(&fs2);
	model_release(&m2);
	events_release(&evs);
	events_release(&want);
}

static void test_write_check_extra(void)
{
	char *root = path_join(tmp, "src");
	char *out = path_join(tmp, "out");
	char *out2 = path_join(tmp, "out-2");
	struct events evs = { 0 };
	struct export_counts n;
	struct vfiles fs;
	struct model m;

	write_source(root);
	if (build_model(&m, root))
		goto out;
	model_files(&m, &fs);
	CHECK(fs.n > 20);
	CHECK(vfiles_find(&fs, AGENT) && vfiles_find(&fs, PROMPT) &&
	      vfiles_find(&fs, AGENTSMD));
	CHECK(vfiles_find(&fs, SCRIPT) && vfiles_find(&fs, SCRIPT)->exec);

	test_missing_dir(&m, out);
	test_first_export(&m, &fs, out);
	CHECK(!run(&m, out2, EXPORT_WRITE, false, &evs, &n, NULL));
	CHECK(n.written == fs.n);
	events_release(&evs);
	test_again(&m, &fs, out);
	test_check_and_kept(&m, &fs, out);
	test_extra(&m, root, &fs, out, out2);
	vfiles_release(&fs);
	model_release(&m);
out:
	free(root);
	free(out);
	free(out2);
}

/* The model every test below exports; its source is never changed. */
static struct model base;
static struct vfiles base_files;

/* A new scratch folder tmp/tag for an export; caller frees. */
static char *out_dir(const char *tag)
{
	char *out = path_join(tmp, tag);

	CHECK(out && tmp_mkdirs(out) == 0);
	return out;
}

/*
 * A file of the repository's own at a view path wins: left alone byte
 * for byte and left out of the manifest, unless `force`.
 */
static void test_own_files(void)
{
	static const char mine[] = "my own command\n";
	static const char notes[] = "# Notes of my own\n";
	struct events evs = { 0 }, want = { 0 };
	char *out = out_dir("own");
	struct export_counts n;
	struct mlines ml;

	CHECK(tmp_write_str(out, COMMAND, mine) == 0);
	CHECK(tmp_write_str(out, AGENTSMD, notes) == 0);
	if (run(&base, out, EXPORT_WRITE, false, &evs, &n, NULL))
		goto out;
	on_report(EXPORT_CONFLICT, COMMAND, 0, &want);
	on_report(EXPORT_CONFLICT, AGENTSMD, 0, &want);
	for (size_t i = 0; i < base_files.n; i++)
		if (!events_has(&want, EXPORT_CONFLICT, base_files.v[i].path))
			on_report(EXPORT_WROTE, base_files.v[i].path, 0, &want);
	check_events(&evs, &want);
	CHECK(n.own == 2 && n.written == base_files.n - 2);
	CHECK(n.conflicts == 0 && n.failed == 0);
	CHECK(file_is_str(out, COMMAND, mine));
	CHECK(file_is_str(out, AGENTSMD, notes));
	read_manifest(out, &ml);
	CHECK(!mline_find(&ml, 'F', COMMAND) &&
	      !mline_find(&ml, 'F', AGENTSMD));
	/* folders that were there before are not export's */
	CHECK(!mline_find(&ml, 'D', ".claude"));
	CHECK(!mline_find(&ml, 'D', ".claude/commands"));
	CHECK(mline_find(&ml, 'D', ".claude/agents") != NULL);
	CHECK(mline_find(&ml, 'F', AGENT) != NULL);
	mlines_release(&ml);

	/* check says so too, and a second write leaves them again */
	if (run(&base, out, EXPORT_CHECK, false, &evs, &n, NULL))
		goto out;
	CHECK(evs.n == 2 && n.differ + n.own == 2);
	CHECK((events_has(&evs, EXPORT_CONFLICT, COMMAND) ||
	       events_has(&evs, EXPORT_CHANGED, COMMAND)) &&
	      (events_has(&evs, EXPORT_CONFLICT, AGENTSMD) ||
	       events_has(&evs, EXPORT_CHANGED, AGENTSMD)));
	if (run(&base, out, EXPORT_WRITE, false, &evs, &n, NULL))
		goto out;
	CHECK(evs.n == 2 && n.own == 2 && n.written == 0);
	CHECK(file_is_str(out, COMMAND, mine));

	/* with force they are replaced, and from then on export's */
	if (run(&base, out, EXPORT_WRITE, true, &evs, &n, NULL))
		goto out;
	events_reset(&want);
	on_report(EXPORT_WROTE, COMMAND, 0, &want);
	on_report(EXPORT_WROTE, AGENTSMD, 0, &want);
	check_events(&evs, &want);
	check_tree(out, &base_files);
	read_manifest(out, &ml);
	CHECK(mline_find(&ml, 'F', COMMAND) && mline_find(&ml, 'F', AGENTSMD));
	mlines_release(&ml);
out:
	events_release(&evs);
	events_release(&want);
	free(out);
}

/*
 * Clean removes what export wrote and the folders it made, spares an
 * edited file and a file of the repository's own (and the folders that
 * hold them, which stay listed), and with force removes the edited one.
 */
static void test_clean(void)
{
	static const char edited[] = "alwaysApply: maybe\n";
	static const char notes[] = "notes of my own\n";
	static const char left[] = ".cursor/\n"
				   ".cursor/rules/\n"
				   ".cursor/rules/style.mdc\n"
				   ".cursor/skills/\n"
				   ".cursor/skills/tool/\n"
				   ".cursor/skills/tool/notes.txt\n";
	static const char forced[] = ".cursor/\n"
				     ".cursor/skills/\n"
				     ".cursor/skills/tool/\n"
				     ".cursor/skills/tool/notes.txt\n";
	struct events evs = { 0 }, want = { 0 };
	char *out = out_dir("clean");
	struct export_counts n;
	const struct vfile *style = vfiles_find(&base_files, CURSOR);
	const struct mline *l;
	struct mlines ml;
	size_t folders = 0;

	if (run(&base, out, EXPORT_WRITE, false, &evs, &n, NULL))
		goto out;
	read_manifest(out, &ml);
	for (size_t i = 0; i < ml.n; i++)
		folders += ml.v[i].type == 'D';
	mlines_release(&ml);
	CHECK(tmp_write_str(out, CURSOR, edited) == 0);
	CHECK(tmp_write_str(out, ".cursor/skills/tool/notes.txt", notes) == 0);

	if (run(&base, out, EXPORT_CLEAN, false, &evs, &n, NULL))
		goto out;
	for (size_t i = 0; i < base_files.n; i++)
		on_report(strcmp(base_files.v[i].path, CURSOR) ? EXPORT_REMOVED
							       : EXPORT_KEPT,
			  base_files.v[i].path, 0, &want);
	check_events(&evs, &want);
	CHECK(n.conflicts == 1 && n.files == 0 && n.failed == 0);
	/* the files and every folder but the four still holding one */
	CHECK(n.removed == base_files.n - 1 + folders - 4);
	check_listing(out, true, left);
	CHECK(file_is_str(out, CURSOR, edited));
	CHECK(file_is_str(out, ".cursor/skills/tool/notes.txt", notes));
	read_manifest(out, &ml);
	CHECK(ml.n == 5);
	l = mline_find(&ml, 'F', CURSOR);
	CHECK(l && style && l->hash == XXH3_64bits(style->data, style->size));
	CHECK(mline_find(&ml, 'D', ".cursor") &&
	      mline_find(&ml, 'D', ".cursor/rules") &&
	      mline_find(&ml, 'D', ".cursor/skills") &&
	      mline_find(&ml, 'D', ".cursor/skills/tool"));
	mlines_release(&ml);

	/* again: the edited file is kept again, nothing else happens */
	if (run(&base, out, EXPORT_CLEAN, false, &evs, &n, NULL))
		goto out;
	check_one_event(&evs, EXPORT_KEPT, CURSOR);
	CHECK(n.removed == 0 && n.conflicts == 1);
	check_listing(out, true, left);

	/* force removes it; the file of our own stays, and its folders */
	if (run(&base, out, EXPORT_CLEAN, true, &evs, &n, NULL))
		goto out;
	check_one_event(&evs, EXPORT_REMOVED, CURSOR);
	CHECK(n.removed == 2);
	check_listing(out, true, forced);
	CHECK(file_is_str(out, ".cursor/skills/tool/notes.txt", notes));
	read_manifest(out, &ml);
	CHECK(ml.n == 3 && !mline_find(&ml, 'D', ".cursor/rules"));
	mlines_release(&ml);

	/* once nothing is left, the manifest goes too */
	CHECK(unlink_rel(out, ".cursor/skills/tool/notes.txt") == 0);
	if (run(&base, out, EXPORT_CLEAN, false, &evs, &n, NULL))
		goto out;
	CHECK(evs.n == 0 && n.removed == 3);
	check_listing(out, false, "");
	/* and a clean of nothing does nothing */
	if (run(&base, out, EXPORT_CLEAN, false, &evs, &n, NULL))
		goto out;
	CHECK(evs.n == 0);
	check_counts_zero(&n);
	check_listing(out, false, "");
out:
	events_release(&evs);
	events_release(&want);
	free(out);
}

/* Every event about a path below `prefix` is FAILED or CONFLICT. */
static size_t refused_below(const struct events *evs, const char *prefix)
{
	size_t len = strlen(prefix), n = 0;

	for (size_t i = 0; i < evs->n; i++) {
		if (strncmp(evs->v[i].path, prefix, len))
			continue;
		CHECK(evs->v[i].ev == EXPORT_FAILED ||
		      evs->v[i].ev == EXPORT_CONFLICT);
		n++;
	}
	return n;
}

static size_t files_below(const char *prefix)
{
	size_t len = strlen(prefix), n = 0;

	for (size_t i = 0; i < base_files.n; i++)
		n += !strncmp(base_files.v[i].path, prefix, len);
	return n;
}

/*
 * A symlink on the way, to a folder outside: nothing is written through
 * it, with or without force, and the rest of the views are written.
 */
static void test_symlinked_folders(void)
{
	char *out = out_dir("symlinked");
	char *outside = out_dir("outside-1");
	char *outside2 = out_dir("outside-2");
	char *link1 = path_join(out, ".claude");
	char *link2 = path_join(out, ".github/skills");
	struct events evs = { 0 };
	struct export_counts n;
	struct mlines ml;

	CHECK(symlink(outside, link1) == 0);
	CHECK(tmp_mkdirs(out) == 0);
	CHECK(tmp_write_str(out, ".github/.keep", "") == 0);
	CHECK(symlink(outside2, link2) == 0);
	for (int force = 0; force < 2; force++) {
		if (run(&base, out, EXPORT_WRITE, force, &evs, &n, NULL))
			break;
		CHECK(refused_below(&evs, ".claude/") ==
		      files_below(".claude/"));
		CHECK(refused_below(&evs, ".github/skills/") ==
		      files_below(".github/skills/"));
		CHECK(n.failed + n.own ==
		      files_below(".claude/") + files_below(".github/skills/"));
		check_listing(outside, false, "");
		check_listing(outside2, false, "");
		CHECK(exists(out, PROMPT) && exists(out, CURSOR));
		read_manifest(out, &ml);
		for (size_t i = 0; i < ml.n; i++)
			CHECK(strncmp(ml.v[i].path, ".claude", 7) &&
			      strncmp(ml.v[i].path, ".github/skills", 14));
		mlines_release(&ml);
	}
	/* clean leaves the links and what they point at */
	if (!run(&base, out, EXPORT_CLEAN, true, &evs, &n, NULL)) {
		CHECK(!n.failed);
		check_listing(out, false,
			      ".claude@\n"
			      ".github/\n"
			      ".github/.keep\n"
			      ".github/skills@\n");
	}
	events_release(&evs);
	free(link1);
	free(link2);
	free(out);
	free(outside);
	free(outside2);
}

/* A single-file view that is a symlink: replaced, never written through. */
static void test_symlinked_file(void)
{
	static const char theirs[] = "somebody else's file\n";
	char *out = out_dir("symlinked-file");
	char *outside = out_dir("outside-3");
	char *target = path_join(outside, "AGENTS.md");
	char *link = path_join(out, AGENTSMD);
	const struct vfile *f = vfiles_find(&base_files, AGENTSMD);
	struct events evs = { 0 };
	struct export_counts n;
	struct stat st;

	CHECK(tmp_write_str(outside, "AGENTS.md", theirs) == 0);
	CHECK(symlink(target, link) == 0);
	if (run(&base, out, EXPORT_WRITE, false, &evs, &n, NULL))
		goto out;
	CHECK(events_has(&evs, EXPORT_CONFLICT, AGENTSMD));
	CHECK(n.own == 1 && n.written == base_files.n - 1);
	CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(file_is_str(outside, "AGENTS.md", theirs));

	if (run(&base, out, EXPORT_WRITE, true, &evs, &n, NULL))
		goto out;
	check_one_event(&evs, EXPORT_WROTE, AGENTSMD);
	CHECK(lstat(link, &st) == 0 && S_ISREG(st.st_mode));
	CHECK(f && file_is(out, AGENTSMD, f->data, f->size));
	CHECK(file_is_str(outside, "AGENTS.md", theirs));
	check_listing(outside, false, "AGENTS.md\n");
out:
	events_release(&evs);
	free(target);
	free(link);
	free(out);
	free(outside);
}

/*
 * An exported folder swapped for a symlink to a copy of it outside: clean
 * removes nothing there, though the files hold the bytes export wrote.
 */
static void test_clean_through_symlink(void)
{
	char *out = out_dir("swapped");
	char *outside = out_dir("outside-4");
	char *skills = path_join(out, ".claude/skills");
	struct events evs = { 0 };
	struct export_counts n;
	char *before;

	if (run(&base, out, EXPORT_WRITE, false, &evs, &n, NULL))
		goto out;
	CHECK(tmp_copy_tree(skills, outside) == 0);
	before = list_tree(outside);
	CHECK(before && strstr(before, "tool/scripts/run.sh"));
	CHECK(tmp_rm_tree(skills) == 0);
	CHECK(symlink(outside, skills) == 0);

	for (int force = 0; force < 2; force++) {
		if (run(&base, out, EXPORT_CLEAN, force, &evs, &n, NULL))
			break;
		check_listing(outside, false, before);
		CHECK(is_exec(outside, "tool/scripts/run.sh"));
		CHECK(exists(out, ".claude/skills"));
		CHECK(!exists(out, AGENT));
	}
	/* a write does not go through it either */
	if (!run(&base, out, EXPORT_WRITE, true, &evs, &n, NULL)) {
		CHECK(refused_below(&evs, ".claude/skills/") ==
		      files_below(".claude/skills/"));
		check_listing(outside, false, before);
	}
	free(before);
out:
	events_release(&evs);
	free(skills);
	free(out);
	free(outside);
}

/*
 * A manifest export did not write: refused in every mode, naming it and
 * the line, and nothing is touched. The folder is emptied afterwards.
 */
static void check_bad_manifest(const char *out, const char *text, size_t line)
{
	static const enum export_mode modes[] = { EXPORT_WRITE, EXPORT_CHECK,
						  EXPORT_CLEAN };
	struct buf head = BUF_INIT;
	struct events evs = { 0 };
	struct export_counts n;
	bool ok = true;

	buf_addf(&head, "%s/%s:%zu:", out, EXPORT_MANIFEST, line);
	CHECK(tmp_write_str(out, EXPORT_MANIFEST, text) == 0);
	for (size_t i = 0; ok && i < ARRAY_SIZE(modes); i++) {
		char *err = NULL;
		int rc = run(&base, out, modes[i], true, &evs, &n, &err);

		ok = rc == -EINVAL && err && strstr(err, head.data);
		CHECK(ok);
		CHECK(evs.n == 0);
		if (!ok)
			fprintf(stderr,
				"  manifest:\n%s  want -EINVAL and '%s', got "
				"%d and '%s'\n",
				text, head.data, rc, err ? err : "(none)");
		free(err);
	}
	/* nothing was touched */
	if (ok) {
		check_listing(out, true, "");
		CHECK(file_is_str(out, EXPORT_MANIFEST, text));
	}
	CHECK(tmp_rm_tree(out) == 0 && tmp_mkdirs(out) == 0);
	buf_release(&head);
	events_release(&evs);
}

#define H "0123456789abcdef"

static void test_bad_manifest(void)
{
	char *out = out_dir("bad-manifest");

	check_bad_manifest(out, "# a comment\n\nnot a line\n", 3);
	check_bad_manifest(out, "F " H " .claude/a.md\nX " H " b.md\n", 2);
	check_bad_manifest(out, "F 0123 a.md\n", 1);
	check_bad_manifest(out, "D .claude\nF zzzzzzzzzzzzzzzz .claude/b.md\n",
			   2);
	check_bad_manifest(out, "F " H "0 a.md\n", 1);
	check_bad_manifest(out, "F " H "\n", 1);
	check_bad_manifest(out, "F " H "a.md\n", 1);
	check_bad_manifest(out, "D \n", 1);
	check_bad_manifest(out, "F " H " /etc/passwd\n", 1);
	check_bad_manifest(out, "D /tmp\n", 1);
	check_bad_manifest(out, "D .claude\nD ../outside\n", 2);
	check_bad_manifest(out, "F " H " a/../../b.md\n", 1);
	check_bad_manifest(out, "F " H " a/./b.md\n", 1);
	check_bad_manifest(out, "F " H " a//b.md\n", 1);
	check_bad_manifest(out, "F " H " ..\n", 1);
	/* a file outside every view, which export would otherwise remove */
	check_bad_manifest(out, "D .claude\nF " H " src/important.txt\n", 2);
	/* the second time a path is listed is the line named */
	check_bad_manifest(
		out, "F " H " .claude/a.md\nD .github\nF " H " .claude/a.md\n",
		3);
	check_bad_manifest(out,
			   "D .github\nF " H " .claude/a.md\n\nD .github\n", 4);
	free(out);
}

/*
 * A hash is 16 hex digits, as export writes it: not a C literal or a
 * signed number that strtoull() would also take.
 */
static void test_bad_manifest_hash(void)
{
	char *out = out_dir("bad-hash");

	check_bad_manifest(out, "F 0x0123456789abcd a.md\n", 1);
	check_bad_manifest(out, "F -123456789abcdef a.md\n", 1);
	check_bad_manifest(out, "F  123456789abcdef a.md\n", 1);
	free(out);
}

/* A manifest of comments and blank lines alone lists nothing. */
static void test_manifest_of_comments(void)
{
	char *out = out_dir("comments");
	struct events evs = { 0 };
	struct export_counts n;

	CHECK(tmp_write_str(out, EXPORT_MANIFEST,
			    "# Written by aiwgfs export\n\n# nothing yet\n") ==
	      0);
	if (!run(&base, out, EXPORT_CHECK, false, &evs, &n, NULL))
		CHECK(n.differ == base_files.n);
	if (!run(&base, out, EXPORT_WRITE, false, &evs, &n, NULL)) {
		CHECK(n.written == base_files.n);
		check_tree(out, &base_files);
		check_manifest(out, &base_files);
	}
	events_release(&evs);
	free(out);
}

/* A manifest that is a symlink or a folder is not read as one. */
static void test_manifest_not_a_file(void)
{
	char *out = out_dir("manifest-dir");
	char *outside = out_dir("outside-5");
	char *target = path_join(outside, "m");
	char *link = path_join(out, EXPORT_MANIFEST);
	struct events evs = { 0 };
	struct export_counts n;
	char *err = NULL;

	CHECK(tmp_mkdirs(out) == 0);
	CHECK(tmp_write_str(out, EXPORT_MANIFEST "/x", "") == 0);
	CHECK(run(&base, out, EXPORT_WRITE, false, &evs, &n, &err) < 0);
	CHECK(err && strstr(err, EXPORT_MANIFEST));
	CHECK(exists(out, EXPORT_MANIFEST "/x"));
	CHECK(evs.n == 0);
	free(err);

	/* a symlink is not followed, for reading or for writing */
	CHECK(tmp_rm_tree(out) == 0 && tmp_mkdirs(out) == 0);
	CHECK(tmp_write_str(outside, "m", "# theirs\n") == 0);
	CHECK(symlink(target, link) == 0);
	CHECK(run(&base, out, EXPORT_WRITE, false, &evs, &n, &err) < 0);
	CHECK(err && strstr(err, EXPORT_MANIFEST));
	CHECK(evs.n == 0);
	CHECK(file_is_str(outside, "m", "# theirs\n"));
	check_listing(out, false, EXPORT_MANIFEST "@\n");
	free(err);
	events_release(&evs);
	free(target);
	free(link);
	free(outside);
	free(out);
}

int main(void)
{
	char *root;

	tmp = tmp_dir("export");
	CHECK(tmp != NULL);
	if (!tmp)
		return check_done();
	test_write_check_extra();

	root = path_join(tmp, "base");
	write_source(root);
	if (build_model(&base, root) == 0) {
		model_files(&base, &base_files);
		test_own_files();
		test_clean();
		test_symlinked_folders();
		test_symlinked_file();
		test_clean_through_symlink();
		test_bad_manifest();
		test_bad_manifest_hash();
		test_manifest_of_comments();
		test_manifest_not_a_file();
		vfiles_release(&base_files);
		model_release(&base);
	}
	free(root);
	CHECK(tmp_rm_tree(tmp) == 0);
	free(tmp);
	return check_done();
}
