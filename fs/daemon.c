/*
 * daemon.c - mounting every view of a repository and serving them.
 *
 * One process serves all views of a repository. Each view is its own FUSE
 * session on its own mount point, served by a thread of its own running
 * libfuse's single-threaded loop: views never wait on each other, and a
 * view's inode table is touched by one thread only for requests. The main
 * thread waits on a signalfd and on an eventfd that session threads poke
 * when their session ends. On SIGTERM, SIGINT or SIGHUP it detaches every
 * view lazily, so readers holding files open finish, and the sessions end
 * when the kernel lets go of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/check.h"
#include "aiwgfs/log.h"
#include "aiwgfs/render.h"
#include "aiwgfs/util.h"
#include "fs.h"
#include "inode.h"
#include "watch.h"

struct daemon {
	struct live live;
	struct watch *watch;
	const char *repo;
	const struct daemon_options *opts;
	struct cache *cache;
	struct ufs *views;
	size_t nviews;
	int event_fd;
	int report_fd;	    /* pipe to the waiting parent, or -1 */
	struct buf skipped; /* "skipped VIEW: why" lines, for status */
	atomic_bool linted; /* the whole source was checked once, and logged */
};

/*
 * How long the kernel may keep names and attributes: long while the
 * watcher announces every change, a second when there is no watcher.
 */
#define VIEW_TIMEOUT_WATCHED   86400.0
#define VIEW_TIMEOUT_UNWATCHED 1.0

static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/*
 * Prepare the mount point of a folder view: open the real folder there, or
 * create an empty one as a placeholder. Other kinds of view wait for the
 * platforms that need them.
 */
/*
 * The mount point of a file view (AGENTS.md): an empty file that aiwgfs
 * creates and marks, since the view is mounted only where the repository
 * has no such file.
 */
static int prepare_file_view(struct ufs *fs, struct buf *err)
{
	struct stat st;
	int rc;

	rc = mounts_make_placeholder_file(fs->mountpoint);
	if (rc) {
		buf_addf(err, "cannot create '%s': %s", fs->mountpoint,
			 strerror(-rc));
		return rc;
	}
	fs->placeholder = true;
	if (stat(fs->mountpoint, &st))
		return -errno;
	fs->uid = st.st_uid;
	fs->gid = st.st_gid;
	return 0;
}

/*
 * Prepare the mount point of a folder view: open the real folder there, or
 * create an empty one as a placeholder.
 */
static int prepare_dir_view(struct ufs *fs, struct buf *err)
{
	struct stat st;

	if (lstat(fs->mountpoint, &st)) {
		int rc = errno == ENOENT
				 ? mounts_make_placeholder(fs->mountpoint)
				 : -errno;

		/* one that appeared since (a daemon killed as it forked) */
		if (rc == -EEXIST && !lstat(fs->mountpoint, &st))
			rc = 0;
		else if (!rc)
			fs->placeholder = true;
		if (rc) {
			buf_addf(err, "cannot create '%s': %s", fs->mountpoint,
				 strerror(-rc));
			return rc;
		}
	}
	if (!fs->placeholder && !S_ISDIR(st.st_mode)) {
		buf_addf(err,
			 "'%s' exists and is not a folder; move it away to "
			 "mount the view there",
			 fs->mountpoint);
		return -ENOTDIR;
	}
	fs->root_fd = open(fs->mountpoint,
			   O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fs->root_fd < 0 || fstat(fs->root_fd, &st)) {
		buf_addf(err, "cannot open '%s': %s", fs->mountpoint,
			 strerror(errno));
		return -errno;
	}
	fs->uid = st.st_uid;
	fs->gid = st.st_gid;
	return 0;
}

static int prepare_view(struct daemon *d, struct ufs *fs, const struct view *v,
			struct buf *err)
{
	int rc;

	fs->live = &d->live;
	fs->view_index = (size_t)(v - d->live.model->views);
	fs->timeout = VIEW_TIMEOUT_UNWATCHED;
	fs->cache = d->cache;
	fs->root_fd = -1;
	fs->mountpoint = path_join(d->repo, v->path);
	if (!fs->mountpoint)
		return -ENOMEM;
	rc = v->is_file ? prepare_file_view(fs, err)
			: prepare_dir_view(fs, err);
	if (rc)
		return rc;
	clock_gettime(CLOCK_REALTIME, &fs->time);
	fs->fsname = mounts_fsname(d->live.model->src.root);
	fs->inodes = inode_table_new(fs);
	ufs_handles_init(fs);
	return fs->fsname && fs->inodes ? 0 : -ENOMEM;
}

static int mount_view(struct daemon *d, struct ufs *fs, struct buf *err)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct buf o = BUF_INIT;
	int rc = -ENOMEM;

	buf_addf(&o,
		 "default_permissions,fsname=%s,subtype=aiwgfs,"
		 "auto_unmount",
		 fs->fsname);
	if (d->opts->fuse_options)
		buf_addf(&o, ",%s", d->opts->fuse_options);
	if (fuse_opt_add_arg(&args, "aiwgfs") ||
	    fuse_opt_add_arg(&args, "-o") || fuse_opt_add_arg(&args, o.data))
		goto out;
	if (d->opts->debug && fuse_opt_add_arg(&args, "-d"))
		goto out;
	fs->se = fuse_session_new(&args, &ufs_ops, sizeof(ufs_ops), fs);
	if (!fs->se) {
		buf_addf(err,
			 "cannot start a FUSE session for '%s' (bad -o "
			 "options?)",
			 fs->mountpoint);
		rc = -EINVAL;
		goto out;
	}
	if (fuse_session_mount(fs->se, fs->mountpoint)) {
		buf_addf(err,
			 "cannot mount '%s': is /dev/fuse there and "
			 "fusermount3 installed?",
			 fs->mountpoint);
		fuse_session_destroy(fs->se);
		fs->se = NULL;
		rc = -EIO;
		goto out;
	}
	rc = 0;
out:
	fuse_opt_free_args(&args);
	buf_release(&o);
	return rc;
}

/*
 * libfuse's single-threaded loop, with every request run under the read
 * lock of the live model, so that the watcher can swap models between
 * requests.
 */
static void session_loop(struct ufs *fs)
{
	struct fuse_buf buf = { .mem = NULL };
	int rc;

	while (!fuse_session_exited(fs->se)) {
		rc = fuse_session_receive_buf(fs->se, &buf);
		if (rc == -EINTR)
			continue;
		if (rc <= 0)
			break;
		pthread_rwlock_rdlock(&fs->live->lock);
		fuse_session_process_buf(fs->se, &buf);
		pthread_rwlock_unlock(&fs->live->lock);
	}
	free(buf.mem);
}

struct thread_arg {
	struct ufs *fs;
	int event_fd;
};

static void *serve_view(void *arg)
{
	struct thread_arg *ta = arg;
	uint64_t one = 1;
	ssize_t n;

	session_loop(ta->fs);
	n = write(ta->event_fd, &one, sizeof(one));
	(void)n;
	free(ta);
	return NULL;
}

static int start_view(struct daemon *d, struct ufs *fs)
{
	struct thread_arg *ta = malloc(sizeof(*ta));
	int rc;

	if (!ta)
		return -ENOMEM;
	ta->fs = fs;
	ta->event_fd = d->event_fd;
	rc = pthread_create(&fs->thread, NULL, serve_view, ta);
	if (rc) {
		free(ta);
		return -rc;
	}
	fs->running = true;
	return 0;
}

/* The views' synthesized files that no real file shadows, for git. */
struct exclude_list {
	struct ufs *fs;
	char **v;
	size_t n, cap;
};

static void collect_exclude(const struct vnode *file, void *arg)
{
	struct exclude_list *l = arg;
	struct stat st;
	char *path;

	/* A real file of the same name wins and stays the repository's. */
	if (l->fs->root_fd >= 0 &&
	    !fstatat(l->fs->root_fd, file->path, &st, AT_SYMLINK_NOFOLLOW))
		return;
	path = *file->path ? path_join(ufs_view(l->fs)->path, file->path)
			   : strdup(ufs_view(l->fs)->path);
	if (!path || array_reserve(&l->v, &l->cap, l->n + 1, sizeof(*l->v))) {
		free(path);
		return;
	}
	l->v[l->n++] = path;
}

static void update_git_exclude(struct daemon *d, bool add)
{
	struct exclude_list l = { 0 };

	if (!d->opts->git_exclude)
		return;
	for (size_t i = 0; add && i < d->nviews; i++) {
		l.fs = &d->views[i];
		vnode_walk(ufs_view(&d->views[i])->root, collect_exclude, &l);
	}
	git_exclude_update(d->repo, (const char *const *)l.v, l.n);
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
}

/* A name that appeared or vanished in a folder of a view. */
struct entry_change {
	size_t view;
	fuse_ino_t child; /* the inode the kernel knows there, or 0 */
	char *dir;	  /* path of the folder in the view, "" for its root */
	char *name;
};

/* What the kernel must be told after a swap. */
struct changes {
	struct entry_change *entries;
	size_t nentries, cap_entries;
	struct {
		size_t view;
		fuse_ino_t ino;
	} * inodes;
	size_t ninodes, cap_inodes;
	const struct watch_batch *batch;
	size_t view; /* the view being walked */
};

static void changes_release(struct changes *c)
{
	for (size_t i = 0; i < c->nentries; i++) {
		free(c->entries[i].dir);
		free(c->entries[i].name);
	}
	free(c->entries);
	free(c->inodes);
}

static void add_inode_change(struct changes *c, fuse_ino_t ino)
{
	if (array_reserve(&c->inodes, &c->cap_inodes, c->ninodes + 1,
			  sizeof(*c->inodes)))
		return;
	c->inodes[c->ninodes].view = c->view;
	c->inodes[c->ninodes].ino = ino;
	c->ninodes++;
}

static void add_entry_change(struct changes *c, size_t view, const char *dir,
			     const char *name)
{
	struct entry_change *e;

	if (array_reserve(&c->entries, &c->cap_entries, c->nentries + 1,
			  sizeof(*c->entries)))
		return;
	e = &c->entries[c->nentries];
	e->view = view;
	e->child = 0;
	e->dir = strdup(dir);
	e->name = strdup(name);
	if (!e->dir || !e->name) {
		free(e->dir);
		free(e->name);
		return;
	}
	c->nentries++;
}

/*
 * Compare two versions of a folder: names only in one of them, or of
 * another type, changed; folders in both are compared in turn. Children
 * are sorted, so one merge does it.
 */
static void diff_dirs(struct changes *c, size_t view, const struct vnode *a,
		      const struct vnode *b)
{
	size_t i = 0, j = 0;

	while (i < a->nchildren || j < b->nchildren) {
		const struct vnode *x =
			i < a->nchildren ? a->children[i] : NULL;
		const struct vnode *y =
			j < b->nchildren ? b->children[j] : NULL;
		int cmp = !x ? 1 : !y ? -1 : strcmp(x->name, y->name);

		if (cmp) {
			add_entry_change(c, view, a->path,
					 cmp < 0 ? x->name : y->name);
			i += cmp < 0;
			j += cmp > 0;
			continue;
		}
		if (x->type != y->type)
			add_entry_change(c, view, a->path, x->name);
		else if (x->type == VNODE_DIR)
			diff_dirs(c, view, x, y);
		i++;
		j++;
	}
}

/* Point an inode at the node of the same path in the new model. */
static bool remap_inode(struct ufs *fs, struct inode *in, void *arg)
{
	const struct view *v = ufs_view(fs);
	const struct vnode *n;

	if (!in->vn || in->vn == &vnode_gone)
		return false;
	n = *in->vn->path ? vnode_find(v->root, in->vn->path) : v->root;
	if (n && n->type != in->vn->type)
		n = NULL;
	/* A name the kernel knows is gone: it can drop the inode too. */
	if (!n && in->fd < 0 && in->vn->parent) {
		struct changes *c = arg;

		add_entry_change(c, c->view, in->vn->parent->path,
				 in->vn->name);
		if (c->nentries)
			c->entries[c->nentries - 1].child = inode_id(fs, in);
	}
	if (!n && in->fd < 0 && in->entry && in->vn->type == VNODE_FILE) {
		/* gone from the source: open readers keep their version */
		inode_freeze(in);
		return true;
	}
	in->vn = n ? n : in->fd >= 0 ? NULL : &vnode_gone;
	if (!n) {
		cache_release(fs->cache, in->entry);
		in->entry = NULL;
	}
	return true;
}

/* The source file a synthesized file reads, or NULL for many (an index). */
static char *input_path(const struct vnode *n)
{
	if (!n->artifact)
		return NULL;
	if (n->sub)
		return path_join(n->artifact->path, n->sub);
	return strdup(n->artifact->path);
}

static bool batch_has(const struct watch_batch *b, const char *path)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->paths[i], path))
			return true;
	return false;
}

/*
 * A synthesized file whose rendered bytes changed. Like a file that an
 * editor saves by rename, the new version is a new inode: the old one is
 * frozen with the version it holds, so a reader that has it open (or
 * mapped) keeps reading one whole version, and the kernel is told to
 * forget the name, so the next lookup finds the new version. The root of a
 * file view cannot be replaced: the kernel is told to drop what it cached
 * of it instead. Only files whose inputs the batch names are rendered
 * again, unless the change was structural (then all of them).
 */
static bool check_inode(struct ufs *fs, struct inode *in, void *arg)
{
	struct changes *c = arg;
	const struct vnode *vn = in->vn;
	struct cache_entry *e;
	bool same, look;
	char *path;

	if (in->fd >= 0 || !vn || vn == &vnode_gone || vn->type != VNODE_FILE)
		return false;
	path = input_path(vn);
	look = c->batch->structural || !path || batch_has(c->batch, path);
	free(path);
	if (!look || render_node(ufs_model(fs), vn, fs->cache, &e))
		return false;
	same = !memcmp(&e->key, &in->key, sizeof(e->key));
	if (same || !vn->parent) {
		/* The table is locked here: swap the held version by hand. */
		in->key = e->key;
		cache_retire(fs->cache, in->entry);
		in->entry = e;
		if (!same)
			add_inode_change(c, inode_id(fs, in));
		return false;
	}
	cache_release(fs->cache, e);
	/*
	 * Announced as a deletion of this inode, so the kernel drops it as
	 * soon as the last reader closes it (an unlinked file), instead of
	 * keeping it, and the version it holds, until memory runs short.
	 */
	add_entry_change(c, c->view, vn->parent->path, vn->name);
	if (c->nentries)
		c->entries[c->nentries - 1].child = inode_id(fs, in);
	inode_freeze(in);
	return true;
}

/* Whether `path` is a file that the model reads as is (not a rule). */
static bool known_input(const struct model *m, const char *path)
{
	for (size_t i = 0; i < m->src.nartifacts; i++) {
		const struct artifact *a = &m->src.artifacts[i];
		size_t n = strlen(a->path);

		if (a->kind != ARTIFACT_SKILL) {
			if (!strcmp(a->path, path))
				return a->kind != ARTIFACT_RULE;
			continue;
		}
		if (strncmp(a->path, path, n) || path[n] != '/')
			continue;
		return str_list_has((const char *const *)a->files, a->nfiles,
				    path + n + 1);
	}
	return false;
}

/*
 * Whether the batch can change the model itself, not just the bytes of
 * files it already shows: a file that came or went, a folder, a rule (a
 * windsurf rule's parts depend on its size). Most edits do not, and then
 * the model is kept and only the changed files are rendered again.
 */
static bool needs_rebuild(const struct model *m, const struct watch_batch *b)
{
	struct stat st;

	if (b->structural)
		return true;
	for (size_t i = 0; i < b->n; i++) {
		const char *p = b->paths[i];

		if (!known_input(m, p)) {
			/* An editor's temporary or backup file ("x.md~",
			 * ".x.md.swp") can never be an artifact; anything
			 * in a skill folder, or named *.md, may be. */
			if (str_ends_with(p, ".md") || strstr(p, "/skills/"))
				return true;
			continue;
		}
		if (lstat(p, &st) || !S_ISREG(st.st_mode))
			return true;
	}
	return false;
}

/* A fresh model of the same source, platforms and options. */
static struct model *rebuild(const struct model *old,
			     const struct source_filter *filter)
{
	const char *names[64];
	struct model *m = calloc(1, sizeof(*m));
	struct source src;
	char *err = NULL;
	size_t n = 0;

	if (!m)
		return NULL;
	for (size_t i = 0; i < old->nplatforms && n + 1 < ARRAY_SIZE(names);
	     i++)
		names[n++] = old->platforms[i]->name;
	names[n] = NULL;
	if (source_scan(&src, old->src.root, filter, &err)) {
		/*
		 * The tree is gone (deleted, or its file system unmounted):
		 * the views turn empty rather than show what is no more.
		 */
		log_error("%s; the views are empty until the source is "
			  "back and aiwgfs is mounted again",
			  err ? err : "cannot read the source");
		free(err);
		err = NULL;
		memset(&src, 0, sizeof(src));
		src.root = strdup(old->src.root);
		src.aiwg_root = strdup(old->src.aiwg_root);
		src.aiwg = old->src.aiwg;
		if (!src.root || !src.aiwg_root) {
			source_release(&src);
			free(m);
			return NULL;
		}
	}
	if (model_build(m, &src, names, &old->opts, &err)) {
		log_limited(old, LOG_LEVEL_ERROR,
			    "cannot build the views again, views unchanged: %s",
			    err ? err : "out of memory");
		free(err);
		free(m);
		return NULL;
	}
	return m;
}

static bool has_note(const struct source *src, const struct source_note *n)
{
	for (size_t i = 0; i < src->nnotes; i++)
		if (!strcmp(src->notes[i].path, n->path) &&
		    !strcmp(src->notes[i].reason, n->reason))
			return true;
	return false;
}

/*
 * Warn in the log of what the views leave out or show changed, as `aiwgfs
 * check` would: the notes of model `m` that model `before` did not have
 * (all of them without one), and what reading the artifacts' files finds,
 * for the files of `batch` (all of them without one). A file that stays
 * bad is named again each time it changes, and only then.
 */
static void log_findings(const struct model *m, const struct model *before,
			 const struct watch_batch *batch)
{
	struct check_report r = { 0 };
	int rc = 0;

	for (size_t i = 0; !rc && i < m->src.nnotes && before != m; i++) {
		const struct source_note *n = &m->src.notes[i];

		struct check_finding f = {
			.level = n->left_out ? CHECK_PROBLEM : CHECK_WARNING,
			.file = n->path,
			.message = n->reason,
		};
		char *line;

		if (before && has_note(&before->src, n))
			continue;
		line = check_finding_line(&f);
		if (line)
			log_warning("%s", line);
		free(line);
	}
	rc = check_files(m, batch ? (const char *const *)batch->paths : NULL,
			 batch ? batch->n : 0, &r);
	for (size_t i = 0; !rc && i < r.n; i++) {
		char *line = check_finding_line(&r.v[i]);

		if (line)
			log_warning("%s", line);
		free(line);
	}
	check_report_release(&r);
}

static void notify(struct daemon *d, const struct changes *c)
{
	for (size_t i = 0; i < c->nentries; i++) {
		const struct entry_change *e = &c->entries[i];
		struct ufs *fs = &d->views[e->view];
		fuse_ino_t parent;

		pthread_rwlock_rdlock(&d->live.lock);
		parent = *e->dir ? inode_find_synth(
					   fs, vnode_find(ufs_view(fs)->root,
							  e->dir))
				 : FUSE_ROOT_ID;
		pthread_rwlock_unlock(&d->live.lock);
		if (!parent)
			continue;
		if (e->child)
			fuse_lowlevel_notify_delete(fs->se, parent, e->child,
						    e->name, strlen(e->name));
		else
			fuse_lowlevel_notify_inval_entry(
				fs->se, parent, e->name, strlen(e->name));
		/* and the listing the kernel may keep (cache_readdir) */
		fuse_lowlevel_notify_inval_inode(fs->se, parent, 0, 0);
	}
	for (size_t i = 0; i < c->ninodes; i++)
		fuse_lowlevel_notify_inval_inode(d->views[c->inodes[i].view].se,
						 c->inodes[i].ino, 0, 0);
}

/*
 * The watcher saw the source change: build a new model, swap it in under
 * the write lock with every inode pointed at its new node, then tell the
 * kernel which names and files changed. Runs on the watcher's thread,
 * which serves no request: libfuse forbids notifying from one.
 */
static void on_change(void *arg, const struct watch_batch *batch)
{
	struct timespec t0, t1;
	struct daemon *d = arg;
	struct changes c = { .batch = batch };
	struct model *old = d->live.model, *fresh = NULL;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (needs_rebuild(old, batch)) {
		fresh = rebuild(old, d->opts->filter);
		if (!fresh)
			return;
		pthread_rwlock_wrlock(&d->live.lock);
		d->live.model = fresh;
		for (c.view = 0; c.view < d->nviews; c.view++)
			inode_for_each(&d->views[c.view], remap_inode, &c);
		pthread_rwlock_unlock(&d->live.lock);
		for (size_t i = 0; i < d->nviews; i++) {
			const struct ufs *fs = &d->views[i];

			if (!ufs_view(fs)->is_file)
				diff_dirs(&c, i,
					  old->views[fs->view_index].root,
					  ufs_view(fs)->root);
		}
	}
	pthread_rwlock_rdlock(&d->live.lock);
	for (c.view = 0; c.view < d->nviews; c.view++)
		inode_for_each(&d->views[c.view], check_inode, &c);
	pthread_rwlock_unlock(&d->live.lock);
	notify(d, &c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_debug("source changed (%zu paths%s): %zu names and %zu files "
		  "announced in %.1f ms",
		  batch->n, batch->structural ? ", structural" : "", c.nentries,
		  c.ninodes,
		  (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			  (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	/* names came or went: keep git's view of the repository clean */
	if (fresh && c.nentries)
		update_git_exclude(d, true);
	changes_release(&c);
	/* Only the watcher's thread swaps models: this one stays put. */
	if (atomic_load(&d->linted))
		log_findings(d->live.model, old, batch);
	if (fresh) {
		model_release(old);
		free(old);
	}
}

/* Watch the folders of every unit, and where new units would appear. */
static void start_watch(struct daemon *d)
{
	const struct source *src = &d->live.model->src;
	const char **dirs = calloc(src->nunits + 3, sizeof(*dirs));
	char *fw = NULL, *ad = NULL;
	size_t n = 0;

	if (!dirs)
		return;
	if (src->aiwg && src->nunits) {
		for (size_t i = 0; i < src->nunits; i++)
			dirs[n++] = src->units[i].path;
	} else {
		dirs[n++] = src->root;
	}
	if (src->aiwg) {
		char *base = path_join(src->aiwg_root, "agentic/code");

		fw = base ? path_join(base, "frameworks") : NULL;
		ad = base ? path_join(base, "addons") : NULL;
		if (fw)
			dirs[n++] = fw;
		if (ad)
			dirs[n++] = ad;
		free(base);
	}
	d->watch = watch_start(dirs, n, on_change, d);
	for (size_t i = 0; d->watch && i < d->nviews; i++) {
		d->views[i].timeout = VIEW_TIMEOUT_WATCHED;
		d->views[i].watched = true;
	}
	free(fw);
	free(ad);
	free(dirs);
}

/* Unmount what is mounted, join the threads, undo placeholders. */
static void teardown(struct daemon *d)
{
	watch_stop(d->watch);
	d->watch = NULL;
	for (size_t i = 0; i < d->nviews; i++) {
		struct ufs *fs = &d->views[i];

		if (fs->se)
			mounts_detach(fs->mountpoint);
	}
	for (size_t i = 0; i < d->nviews; i++) {
		struct ufs *fs = &d->views[i];

		if (fs->running)
			pthread_join(fs->thread, NULL);
		if (fs->se) {
			fuse_session_unmount(fs->se);
			fuse_session_destroy(fs->se);
		}
		ufs_handles_free(fs);
		if (fs->root_fd >= 0)
			close(fs->root_fd);
		mounts_remove_placeholder(fs->mountpoint);
		inode_table_free(fs);
		free(fs->mountpoint);
		free(fs->fsname);
	}
	update_git_exclude(d, false);
	free(d->views);
	d->views = NULL;
	d->nviews = 0;
}

/* Check a view answers: a stat of its root goes through the daemon. */
/*
 * Whether the view answers: a stat of its mount point, made by a child
 * process that holds none of the daemon's descriptors. The daemon never
 * makes a request of its own mounts: killed while one of its threads had
 * taken such a request, it would wait for the answer in the kernel
 * forever, unkillable, and its mounts with it.
 */
static int check_serving(struct ufs *fs, struct buf *err)
{
	int status, rc;
	pid_t pid = fork();

	if (pid == 0) {
		struct stat st;

		/*
		 * Without the daemon's descriptors (of /dev/fuse above all),
		 * so that the daemon's death aborts its connections and this
		 * request with them.
		 */
		close_range(3, ~0U, 0);
		_exit(stat(fs->mountpoint, &st) ? (errno & 0xff ? errno : EIO)
						: 0);
	}
	if (pid < 0) {
		rc = errno;
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		rc = WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
	}
	if (rc)
		buf_addf(err, "view '%s' does not answer: %s", fs->mountpoint,
			 strerror(rc));
	return -rc;
}

/*
 * A file view is mounted only where the repository has no such file: the
 * repository's own AGENTS.md wins. Say so, now and in `status`.
 */
static bool skip_file_view(struct daemon *d, const struct view *v,
			   struct buf *report)
{
	char *path = path_join(d->repo, v->path);
	struct stat st;
	bool skip = path && !lstat(path, &st);

	if (skip) {
		buf_addf(&d->skipped,
			 "skipped %s: the repository has its own\n", v->path);
		buf_addf(report, "skipped %-12s the repository has its own\n",
			 v->path);
	}
	free(path);
	return skip;
}

static int mount_all(struct daemon *d, struct buf *err, struct buf *report)
{
	int rc = 0;

	d->views = calloc(d->live.model->nviews, sizeof(*d->views));
	if (!d->views)
		return -ENOMEM;
	for (size_t i = 0; i < d->live.model->nviews; i++) {
		const struct view *v = &d->live.model->views[i];

		if (v->is_file && skip_file_view(d, v, report))
			continue;
		rc = prepare_view(d, &d->views[d->nviews++], v, err);
		if (!rc)
			rc = mount_view(d, &d->views[d->nviews - 1], err);
		if (!rc)
			rc = start_view(d, &d->views[d->nviews - 1]);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < d->nviews; i++) {
		struct ufs *fs = &d->views[i];

		rc = check_serving(fs, err);
		if (rc)
			return rc;
		buf_addf(report, "mounted %-12s %5zu file%s  %s\n",
			 ufs_view(fs)->path, ufs_view(fs)->nfiles,
			 ufs_view(fs)->nfiles == 1 ? " " : "s",
			 ufs_view(fs)->is_file
				 ? "(new file, removed at unmount)"
			 : fs->placeholder ? "(new folder, removed at unmount)"
					   : "(over the real folder)");
	}
	return 0;
}

/* Tell the waiting parent how it went: a status byte and the text. */
static void report(struct daemon *d, int code, const struct buf *text)
{
	unsigned char c = (unsigned char)code;
	ssize_t n;

	if (d->report_fd < 0) {
		fputs(text->data, code ? stderr : stdout);
		fflush(NULL);
		return;
	}
	n = write(d->report_fd, &c, 1);
	if (n == 1 && text->len)
		n = write(d->report_fd, text->data, text->len);
	(void)n;
	close(d->report_fd);
	d->report_fd = -1;
}

static int signals_block(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	signal(SIGPIPE, SIG_IGN);
	return pthread_sigmask(SIG_BLOCK, set, NULL);
}

/* Wait until a signal comes or every session has ended. */
static void wait_for_end(struct daemon *d, int sig_fd)
{
	struct pollfd pfd[2] = { { .fd = sig_fd, .events = POLLIN },
				 { .fd = d->event_fd, .events = POLLIN } };
	size_t ended = 0;

	while (ended < d->nviews) {
		struct signalfd_siginfo si;
		uint64_t count;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll failed: %s", strerror(errno));
			return;
		}
		if ((pfd[0].revents & POLLIN) &&
		    read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
			log_info("unmounting on signal %u", si.ssi_signo);
			return;
		}
		if ((pfd[1].revents & POLLIN) &&
		    read(d->event_fd, &count, sizeof(count)) == sizeof(count))
			ended += count;
	}
	log_info("every view was unmounted");
}

static void detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

static int serve(struct daemon *d)
{
	struct buf err = BUF_INIT, text = BUF_INIT;
	sigset_t set;
	int sig_fd, rc;

	raise_fd_limit();
	/*
	 * A malloc arena per session thread holds freed memory apart for
	 * each view; one arena for the daemon keeps it smaller (measured
	 * after a full read of the generated large tree: 60 MB to 51 MB).
	 */
	mallopt(M_ARENA_MAX, 1);
	/*
	 * Rendered files of 64 KiB and more get pages of their own, given
	 * back when the version goes. By default the threshold rises with
	 * every such free, and then old versions of large index pages leave
	 * holes in the heap that are never given back (a soak of edits grew
	 * to twice the cache bound).
	 */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	signals_block(&set);
	sig_fd = signalfd(-1, &set, SFD_CLOEXEC);
	d->event_fd = eventfd(0, EFD_CLOEXEC);
	d->cache = cache_new(d->opts->cache_size);
	if (sig_fd < 0 || d->event_fd < 0 || !d->cache) {
		buf_addf(&err, "cannot start the daemon: %s", strerror(errno));
		rc = EXIT_SYSTEM;
		goto out;
	}
	rc = mount_all(d, &err, &text);
	if (rc) {
		if (!err.len)
			buf_addf(&err, "cannot mount the views: %s",
				 strerror(-rc));
		teardown(d);
		rc = EXIT_SYSTEM;
		goto out;
	}
	for (size_t i = 0; i < d->nviews; i++)
		d->views[i].notes = d->skipped.data;
	start_watch(d);
	if (d->watch) {
		/* What changed since the scan before mounting. */
		struct watch_batch all = { .structural = true };

		on_change(d, &all);
	}
	update_git_exclude(d, true);
	if (!d->opts->foreground) {
		log_to_syslog();
		detach_stdio();
	}
	report(d, EXIT_OK, &text);
	/* After the report: reading every source file must not slow mount. */
	pthread_rwlock_rdlock(&d->live.lock);
	log_findings(d->live.model, NULL, NULL);
	atomic_store(&d->linted, true);
	pthread_rwlock_unlock(&d->live.lock);
	wait_for_end(d, sig_fd);
	teardown(d);
	rc = EXIT_OK;
out:
	if (rc) {
		struct buf msg = BUF_INIT;

		buf_addf(&msg, "aiwgfs: %s\n", err.data);
		report(d, rc, &msg);
		buf_release(&msg);
	}
	if (sig_fd >= 0)
		close(sig_fd);
	if (d->event_fd >= 0)
		close(d->event_fd);
	if (d->cache)
		cache_free(d->cache);
	buf_release(&err);
	buf_release(&text);
	return rc;
}

/*
 * Detach: the child serves; the parent waits for the child's report (a
 * status byte, then text) and exits with it, so `mount` returns only once
 * every view answers, or has failed with nothing left mounted.
 */
static int detach_and_serve(struct daemon *d)
{
	int fds[2], status = EXIT_SYSTEM;
	unsigned char c;
	char buf[4096];
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC)) {
		fprintf(stderr, "aiwgfs: cannot create a pipe: %s\n",
			strerror(errno));
		return EXIT_SYSTEM;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "aiwgfs: cannot fork: %s\n", strerror(errno));
		return EXIT_SYSTEM;
	}
	if (pid == 0) {
		close(fds[0]);
		setsid();
		d->report_fd = fds[1];
		exit(serve(d));
	}
	close(fds[1]);
	if (read(fds[0], &c, 1) == 1)
		status = c;
	else
		fputs("aiwgfs: the daemon died while mounting\n", stderr);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, status ? stderr : stdout);
	close(fds[0]);
	return status;
}

int daemon_run(struct model *m, const char *repo,
	       const struct daemon_options *opts)
{
	struct daemon d = {
		.repo = repo,
		.opts = opts,
		.event_fd = -1,
		.report_fd = -1,
		.skipped = BUF_INIT,
	};
	pthread_rwlockattr_t attr;
	int rc;

	/* A waiting swap goes before new requests, or reads starve it. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(
		&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&d.live.lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	d.live.model = malloc(sizeof(*d.live.model));
	if (!d.live.model) {
		fprintf(stderr, "aiwgfs: out of memory\n");
		return EXIT_SYSTEM;
	}
	*d.live.model = *m;
	memset(m, 0, sizeof(*m));
	rc = opts->foreground ? serve(&d) : detach_and_serve(&d);
	buf_release(&d.skipped);
	model_release(d.live.model);
	free(d.live.model);
	pthread_rwlock_destroy(&d.live.lock);
	return rc;
}
