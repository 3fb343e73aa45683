/*
 * export.c - the views written out as real files; see export.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/cache.h"
#include "aiwgfs/export.h"
#include "aiwgfs/registry.h"
#include "aiwgfs/render.h"
#include "aiwgfs/util.h"

/* Renders memoize descriptions in the cache; bound what it keeps. */
#define EXPORT_CACHE_SIZE (64u << 20)
/* Largest file compared or hashed; a bigger one is not export's. */
#define EXPORT_MAX_FILE (256u << 20)
#define MANIFEST_HEADER                                                        \
	"# Written by aiwgfs export: the files it wrote here, with the\n"      \
	"# XXH3-64 hash of each, and the folders it made. 'aiwgfs export\n"    \
	"# --clean' removes them, sparing any file edited since.\n"

/* A line of the manifest: a file written ('F') or a folder made ('D'). */
struct entry {
	char *path;
	uint64_t hash;
	char type;
	bool seen;   /* the views still show it */
	size_t line; /* in the manifest read, for messages */
};

/* Entries sorted by path once `sorted` is set; no two alike. */
struct manifest {
	struct entry *v;
	size_t n, cap;
};

struct export_ctx {
	const struct model *m;
	const struct export_options *o;
	struct export_counts *n;
	struct cache *cache;
	int dirfd;
	const struct view *view; /* the view being walked */
	struct manifest old;	 /* as read, sorted */
	struct manifest next;	 /* what the new manifest will say */
	bool manifest;		 /* there is one */
	int error;		 /* -ENOMEM: stop */
};

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/* qsort() wants a real array even for none; and one needs no sorting */
static void manifest_sort(struct manifest *mf)
{
	if (mf->n > 1)
		qsort(mf->v, mf->n, sizeof(*mf->v), entry_cmp);
}

static int manifest_add(struct manifest *mf, const char *path, size_t len,
			char type, uint64_t hash)
{
	struct entry *e;

	if (array_reserve(&mf->v, &mf->cap, mf->n + 1, sizeof(*mf->v)))
		return -ENOMEM;
	e = &mf->v[mf->n];
	e->path = str_ndup(path, len);
	if (!e->path)
		return -ENOMEM;
	e->type = type;
	e->hash = hash;
	e->seen = false;
	e->line = 0;
	mf->n++;
	return 0;
}

static void manifest_release(struct manifest *mf)
{
	for (size_t i = 0; i < mf->n; i++)
		free(mf->v[i].path);
	free(mf->v);
	mf->v = NULL;
	mf->n = mf->cap = 0;
}

static struct entry *manifest_find(const struct manifest *mf, const char *path)
{
	struct entry key = { .path = (char *)path };

	if (!mf->n)
		return NULL;
	return bsearch(&key, mf->v, mf->n, sizeof(*mf->v), entry_cmp);
}

/* Whether `path` is relative, plain and fit for a manifest line. */
static bool path_ok(const char *path, size_t len)
{
	const char *p = path, *end = path + len;

	if (!len || *path == '/' || memchr(path, '\n', len) ||
	    memchr(path, '\0', len))
		return false;
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t n = (size_t)((slash ? slash : end) - p);

		if (!n || (n == 1 && *p == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n + 1;
	}
	return true;
}

/*
 * Whether `path` lies in a view some platform has: export writes nowhere
 * else, so a manifest that lists another file (which export would then
 * remove) was not written by it.
 */
static bool in_a_view(const char *path, size_t len)
{
	size_t n, first = strcspn(path, "/");
	const struct platform *p = registry_platforms(&n);

	if (first > len)
		first = len;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < platform_nviews(&p[i]); j++) {
			const char *view = platform_view(&p[i], j);

			if (strlen(view) == first &&
			    !strncmp(view, path, first))
				return true;
		}
	}
	return false;
}

static int manifest_error(char **err, const char *dir, size_t line,
			  const char *what)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s/%s:", dir, EXPORT_MANIFEST);
	if (line)
		buf_addf(&b, "%zu:", line);
	buf_addf(&b,
		 " %s; it is not a manifest aiwgfs export wrote (move it "
		 "away to export afresh)",
		 what);
	*err = buf_detach(&b, NULL);
	return -EINVAL;
}

/* Parse manifest lines "F HASH PATH" and "D PATH"; '#' starts a comment. */
static int manifest_parse(struct manifest *mf, const struct buf *b,
			  const char *dir, char **err)
{
	const char *p = b->data, *end = b->data + b->len;
	size_t line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		uint64_t hash = 0;
		const char *path;
		char *stop;

		line++;
		if (!len || *p == '#') {
			p += len + 1;
			continue;
		}
		if (len > 2 && p[0] == 'F' && p[1] == ' ') {
			if (len < 20 ||
			    strspn(p + 2, "0123456789abcdef") != 16 ||
			    p[18] != ' ')
				return manifest_error(err, dir, line,
						      "bad hash");
			hash = strtoull(p + 2, &stop, 16);
			path = p + 19;
		} else if (len > 2 && p[0] == 'D' && p[1] == ' ') {
			path = p + 2;
		} else {
			return manifest_error(err, dir, line,
					      "a line that is not 'F HASH "
					      "PATH' or 'D PATH'");
		}
		if (!path_ok(path, (size_t)(p + len - path)))
			return manifest_error(err, dir, line,
					      "a path that is not plain and "
					      "relative");
		if (!in_a_view(path, (size_t)(p + len - path)))
			return manifest_error(err, dir, line,
					      "a path in no platform's view");
		if (manifest_add(mf, path, (size_t)(p + len - path), p[0],
				 hash))
			return -ENOMEM;
		mf->v[mf->n - 1].line = line;
		p += len + 1;
	}
	manifest_sort(mf);
	for (size_t i = 1; i < mf->n; i++) {
		const struct entry *e1 = &mf->v[i - 1], *e2 = &mf->v[i];

		if (!strcmp(e1->path, e2->path))
			return manifest_error(err, dir,
					      e1->line > e2->line ? e1->line
								  : e2->line,
					      "a path listed before");
	}
	return 0;
}

static int manifest_read(struct export_ctx *x, const char *dir, char **err)
{
	struct buf b = BUF_INIT;
	int rc = buf_read_file(&b, x->dirfd, EXPORT_MANIFEST, EXPORT_MAX_FILE);

	if (rc == -ENOENT)
		return 0;
	if (rc) {
		struct buf msg = BUF_INIT;

		buf_addf(&msg, "cannot read '%s/%s': %s", dir, EXPORT_MANIFEST,
			 strerror(-rc));
		*err = buf_detach(&msg, NULL);
		return rc;
	}
	x->manifest = true;
	rc = manifest_parse(&x->old, &b, dir, err);
	buf_release(&b);
	return rc;
}

static void report(struct export_ctx *x, enum export_event ev, const char *path,
		   int err)
{
	switch (ev) {
	case EXPORT_WROTE:
		x->n->written++;
		break;
	case EXPORT_REMOVED:
		x->n->removed++;
		break;
	case EXPORT_CONFLICT:
		x->n->own++;
		break;
	case EXPORT_KEPT:
		x->n->conflicts++;
		break;
	case EXPORT_CHANGED:
	case EXPORT_MISSING:
	case EXPORT_EXTRA:
		x->n->differ++;
		break;
	case EXPORT_FAILED:
		x->n->failed++;
		break;
	}
	if (x->o->report)
		x->o->report(ev, path, err, x->o->arg);
}

/*
 * A descriptor of the folder holding `path`, reached one part at a time
 * without following symlinks; with `create`, missing folders are made and
 * recorded for the manifest. *name is set to the last part. Returns the
 * descriptor (x->dirfd itself for a path at the top, which the caller must
 * not close) or a negative errno.
 */
static int open_parent(struct export_ctx *x, const char *path, bool create,
		       const char **name)
{
	const char *p = path, *slash;
	int fd = x->dirfd;

	while ((slash = strchr(p, '/'))) {
		char part[NAME_MAX + 1];
		size_t n = (size_t)(slash - p);
		int next;

		if (n > NAME_MAX) {
			next = -ENAMETOOLONG;
			goto out;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		next = openat(fd, part,
			      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create) {
			if (!mkdirat(fd, part, 0755)) {
				if (manifest_add(&x->next, path,
						 (size_t)(slash - path), 'D',
						 0))
					x->error = -ENOMEM;
			} else if (errno != EEXIST) {
				next = -errno;
				goto out;
			}
			next = openat(fd, part,
				      O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					      O_CLOEXEC);
		}
		if (next < 0)
			next = errno == ENOTDIR || errno == ELOOP ? -ENOTDIR
								  : -errno;
	out:
		if (fd != x->dirfd)
			close(fd);
		if (next < 0)
			return next;
		fd = next;
		p = slash + 1;
	}
	*name = p;
	return fd;
}

static void close_parent(const struct export_ctx *x, int fd)
{
	if (fd >= 0 && fd != x->dirfd)
		close(fd);
}

/*
 * What stands at `name` in `fd`: 0 with its bytes in `b` and its execute
 * bit in *exec, -ENOENT when nothing does, or another negative errno (a
 * symlink, a folder, something unreadable), which counts as not ours.
 */
static int read_existing(int fd, const char *name, struct buf *b, bool *exec)
{
	struct stat st;

	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	*exec = (st.st_mode & S_IXUSR) != 0;
	return buf_read_file(b, fd, name, EXPORT_MAX_FILE);
}

/* Write `data` to `name` in folder `fd` through a temporary file. */
static int write_file(int fd, const char *name, const char *data, size_t size,
		      bool exec)
{
	char tmp[64];
	int out = -1, rc = 0;

	for (int i = 0; out < 0 && i < 100; i++) {
		snprintf(tmp, sizeof(tmp), ".aiwgfs-export-%d.tmp", i);
		out = openat(fd, tmp,
			     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				     O_CLOEXEC,
			     exec ? 0755 : 0644);
		if (out < 0 && errno != EEXIST)
			return -errno;
	}
	if (out < 0)
		return -EEXIST;
	rc = fd_write_all(out, data, size);
	/* the mode asked for passed through the umask; exec must hold */
	if (!rc && exec && fchmod(out, 0755))
		rc = -errno;
	if (close(out) && !rc)
		rc = -errno;
	if (!rc && renameat(fd, tmp, fd, name))
		rc = -errno;
	if (rc)
		unlinkat(fd, tmp, 0);
	return rc;
}

/* Export (or check) one file of the views: `path` shows `data`. */
static void export_one(struct export_ctx *x, const char *path,
		       const struct cache_entry *data, bool exec)
{
	struct entry *old = manifest_find(&x->old, path);
	struct buf have = BUF_INIT;
	bool have_exec = false, same, ours;
	const char *name;
	uint64_t hash = XXH3_64bits(data->data, data->size);
	int fd, rc;

	if (old)
		old->seen = true;
	fd = open_parent(x, path, x->o->mode == EXPORT_WRITE, &name);
	if (fd < 0 && !(fd == -ENOENT && x->o->mode == EXPORT_CHECK)) {
		report(x, EXPORT_FAILED, path, fd);
		goto keep;
	}
	rc = fd < 0 ? fd : read_existing(fd, name, &have, &have_exec);
	same = !rc && have_exec == exec && have.len == data->size &&
	       !memcmp(have.data, data->data, data->size);
	if (x->o->mode == EXPORT_CHECK) {
		if (rc == -ENOENT)
			report(x, EXPORT_MISSING, path, 0);
		else if (!same && !old && x->manifest)
			report(x, EXPORT_CONFLICT, path, 0);
		else if (!same)
			report(x, EXPORT_CHANGED, path, 0);
		goto out;
	}
	ours = rc == -ENOENT || (!rc && old && old->type == 'F' &&
				 XXH3_64bits(have.data, have.len) == old->hash);
	if (!same && !ours && !x->o->force) {
		report(x, old ? EXPORT_KEPT : EXPORT_CONFLICT, path, 0);
		goto keep;
	}
	if (!same) {
		rc = write_file(fd, name, data->data, data->size, exec);
		if (rc) {
			report(x, EXPORT_FAILED, path, rc);
			goto keep;
		}
		report(x, EXPORT_WROTE, path, 0);
	}
	if (manifest_add(&x->next, path, strlen(path), 'F', hash))
		x->error = -ENOMEM;
	goto out;
keep:
	/* an earlier export's entry stays, so that --clean still knows it */
	if (old && manifest_add(&x->next, old->path, strlen(old->path), 'F',
				old->hash))
		x->error = -ENOMEM;
out:
	close_parent(x, fd);
	buf_release(&have);
}

static void export_node(const struct vnode *file, void *arg)
{
	struct export_ctx *x = arg;
	struct cache_entry *e;
	char *path;
	int rc;

	if (x->error)
		return;
	x->n->files++;
	path = *file->path ? path_join(x->view->path, file->path)
			   : strdup(x->view->path);
	if (!path) {
		x->error = -ENOMEM;
		return;
	}
	if (!path_ok(path, strlen(path))) {
		report(x, EXPORT_FAILED, path, -EINVAL);
		free(path);
		return;
	}
	rc = render_node(x->m, file, x->cache, &e);
	if (rc) {
		struct entry *old = manifest_find(&x->old, path);

		/* not shown now, but not gone either: its file stays */
		if (old) {
			old->seen = true;
			if (manifest_add(&x->next, old->path, strlen(path), 'F',
					 old->hash))
				x->error = -ENOMEM;
		}
		report(x, EXPORT_FAILED, path, rc);
	} else {
		export_one(x, path, e, file->executable);
		cache_release(x->cache, e);
	}
	free(path);
}

/* A file an earlier export wrote that the views no longer show. */
static void export_stale(struct export_ctx *x, const struct entry *old)
{
	struct buf have = BUF_INIT;
	const char *name;
	bool exec;
	int fd, rc;

	fd = open_parent(x, old->path, false, &name);
	rc = fd < 0 ? fd : read_existing(fd, name, &have, &exec);
	if (rc == -ENOENT || rc == -ENOTDIR)
		goto out; /* gone already */
	if (x->o->mode == EXPORT_CHECK) {
		report(x, EXPORT_EXTRA, old->path, 0);
		goto out;
	}
	if (!x->o->force &&
	    (rc || XXH3_64bits(have.data, have.len) != old->hash)) {
		report(x, EXPORT_KEPT, old->path, 0);
		goto keep;
	}
	if (unlinkat(fd, name, 0)) {
		report(x, EXPORT_FAILED, old->path, -errno);
		goto keep;
	}
	report(x, EXPORT_REMOVED, old->path, 0);
	goto out;
keep:
	if (manifest_add(&x->next, old->path, strlen(old->path), 'F',
			 old->hash))
		x->error = -ENOMEM;
out:
	close_parent(x, fd);
	buf_release(&have);
}

/* Drop the folder entries of `next`; remove_folders() adds back those kept. */
static void drop_folders(struct manifest *mf)
{
	size_t k = 0;

	for (size_t i = 0; i < mf->n; i++) {
		if (mf->v[i].type == 'D')
			free(mf->v[i].path);
		else
			mf->v[k++] = mf->v[i];
	}
	mf->n = k;
}

/*
 * Remove the folders the manifests list once they are empty, deepest
 * first; those still holding something stay listed.
 */
static void remove_folders(struct export_ctx *x)
{
	struct manifest dirs = { 0 };

	for (size_t i = 0; i < x->old.n; i++)
		if (x->old.v[i].type == 'D' &&
		    manifest_add(&dirs, x->old.v[i].path,
				 strlen(x->old.v[i].path), 'D', 0))
			x->error = -ENOMEM;
	for (size_t i = 0; i < x->next.n; i++)
		if (x->next.v[i].type == 'D' &&
		    manifest_add(&dirs, x->next.v[i].path,
				 strlen(x->next.v[i].path), 'D', 0))
			x->error = -ENOMEM;
	drop_folders(&x->next);
	manifest_sort(&dirs);
	for (size_t i = dirs.n; i-- > 0;) {
		const char *name, *path = dirs.v[i].path;
		int fd, rc = 0;

		if (i + 1 < dirs.n && !strcmp(path, dirs.v[i + 1].path))
			continue; /* listed in both */
		fd = open_parent(x, path, false, &name);
		if (fd < 0 || unlinkat(fd, name, AT_REMOVEDIR))
			rc = fd < 0 ? fd : -errno;
		close_parent(x, fd);
		if (!rc)
			x->n->removed++;
		if (rc == -ENOENT || rc == -ENOTDIR || !rc)
			continue;
		if (manifest_add(&x->next, path, strlen(path), 'D', 0))
			x->error = -ENOMEM;
	}
	manifest_release(&dirs);
}

static int manifest_write(struct export_ctx *x, const char *dir, char **err)
{
	struct buf b = BUF_INIT;
	struct stat st;
	int rc = 0;

	if (!x->next.n) {
		if (unlinkat(x->dirfd, EXPORT_MANIFEST, 0) && errno != ENOENT)
			rc = -errno;
		goto out;
	}
	manifest_sort(&x->next);
	buf_adds(&b, MANIFEST_HEADER);
	for (size_t i = 0; i < x->next.n; i++) {
		const struct entry *e = &x->next.v[i];

		if (e->type == 'F')
			buf_addf(&b, "F %016" PRIx64 " %s\n", e->hash, e->path);
		else
			buf_addf(&b, "D %s\n", e->path);
	}
	if (!fstatat(x->dirfd, EXPORT_MANIFEST, &st, AT_SYMLINK_NOFOLLOW) &&
	    !S_ISREG(st.st_mode))
		rc = -EEXIST;
	else
		rc = write_file(x->dirfd, EXPORT_MANIFEST, b.data, b.len,
				false);
out:
	if (rc) {
		struct buf msg = BUF_INIT;

		buf_addf(&msg, "cannot write '%s/%s': %s", dir, EXPORT_MANIFEST,
			 strerror(-rc));
		*err = buf_detach(&msg, NULL);
	}
	buf_release(&b);
	return rc;
}

static int open_dir(const char *dir, bool create, char **err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct buf msg = BUF_INIT;

	if (fd < 0 && errno == ENOENT && create && !mkdir(dir, 0755))
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	fd = -errno;
	buf_addf(&msg, "cannot open folder '%s': %s", dir, strerror(-fd));
	*err = buf_detach(&msg, NULL);
	return fd;
}

int export_run(const struct model *m, const char *dir,
	       const struct export_options *o, struct export_counts *n,
	       char **err)
{
	struct export_ctx x = { .m = m, .o = o, .n = n };
	int rc;

	*err = NULL;
	memset(n, 0, sizeof(*n));
	x.dirfd = open_dir(dir, o->mode == EXPORT_WRITE, err);
	if (x.dirfd < 0)
		return x.dirfd;
	rc = manifest_read(&x, dir, err);
	if (rc)
		goto out;
	x.cache = cache_new(EXPORT_CACHE_SIZE);
	if (!x.cache) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; o->mode != EXPORT_CLEAN && i < m->nviews; i++) {
		x.view = &m->views[i];
		vnode_walk(x.view->root, export_node, &x);
	}
	for (size_t i = 0; !x.error && i < x.old.n; i++)
		if (x.old.v[i].type == 'F' && !x.old.v[i].seen)
			export_stale(&x, &x.old.v[i]);
	if (o->mode != EXPORT_CHECK)
		remove_folders(&x);
	rc = x.error;
	if (!rc && o->mode != EXPORT_CHECK)
		rc = manifest_write(&x, dir, err);
	cache_free(x.cache);
out:
	if (rc == -ENOMEM && !*err)
		*err = strdup("out of memory");
	manifest_release(&x.old);
	manifest_release(&x.next);
	close(x.dirfd);
	return rc;
}
