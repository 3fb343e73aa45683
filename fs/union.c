/*
 * union.c - the FUSE operations of one view: the real folder under the mount
 * point, filled in with synthesized entries.
 *
 * Real entries win over synthesized ones of the same name and pass through
 * for every operation, always relative to a descriptor (never by a path that
 * could leave the real folder). Synthesized files are read-only: every
 * change to one fails with EROFS, also for root, whom the kernel's
 * permission check lets through.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/log.h"
#include "aiwgfs/render.h"
#include "aiwgfs/util.h"
#include "inode.h"

/*
 * A name that does not exist is cached for a second only, however long
 * other answers live: a lookup can be answered just before the watcher
 * adds the name and announces it, and the kernel may record the miss
 * after the announcement, which would then hide the file for good.
 */
#define NEGATIVE_TIMEOUT 1.0

/* The handle of an open synthesized file: one whole rendered version. */
struct synth_handle {
	struct handle h;
	struct cache_entry *entry;
};

/* An open folder: a sorted snapshot of its merged entries. */
struct dir_entry {
	char *name;
	ino_t ino;
	mode_t type;
};

struct dir_handle {
	struct handle h;
	struct dir_entry *v;
	size_t n;
};

void ufs_handles_init(struct ufs *fs)
{
	pthread_mutex_init(&fs->handles_lock, NULL);
	fs->handles.prev = fs->handles.next = &fs->handles;
}

static void handle_link(struct ufs *fs, struct handle *h,
			void (*free_fn)(struct ufs *fs, struct handle *h))
{
	h->free = free_fn;
	pthread_mutex_lock(&fs->handles_lock);
	h->next = fs->handles.next;
	h->prev = &fs->handles;
	h->next->prev = h;
	fs->handles.next = h;
	pthread_mutex_unlock(&fs->handles_lock);
}

static void handle_unlink(struct ufs *fs, struct handle *h)
{
	pthread_mutex_lock(&fs->handles_lock);
	h->prev->next = h->next;
	h->next->prev = h->prev;
	pthread_mutex_unlock(&fs->handles_lock);
}

void ufs_handles_free(struct ufs *fs)
{
	if (!fs->handles.next)
		return;
	while (fs->handles.next != &fs->handles) {
		struct handle *h = fs->handles.next;

		handle_unlink(fs, h);
		h->free(fs, h);
	}
	pthread_mutex_destroy(&fs->handles_lock);
}

static void synth_handle_free(struct ufs *fs, struct handle *h)
{
	struct synth_handle *sh = (struct synth_handle *)h;

	cache_release(fs->cache, sh->entry);
	free(sh);
}

static struct ufs *req_fs(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* "/proc/self/fd/N" for a descriptor, to act on an O_PATH inode. */
static void fd_path(int fd, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
}

static bool is_synth_file(const struct inode *in)
{
	return in->fd < 0 && in->vn && in->vn->type == VNODE_FILE;
}

static void log_read_only(struct ufs *fs, const struct vnode *vn)
{
	const struct artifact *a = vn->artifact;
	char *src = NULL;

	if (a && vn->sub)
		src = path_join(a->path, vn->sub);
	log_limited(vn, LOG_LEVEL_INFO,
		    "'%s/%s' is synthesized and read-only; edit '%s' instead",
		    fs->mountpoint, vn->path,
		    src ? src
		    : a ? a->path
			: ufs_model(fs)->src.root);
	free(src);
}

/* The attributes of a synthesized node; for a file, of version `e`. */
static void synth_attr(struct ufs *fs, const struct vnode *vn,
		       const struct cache_entry *e, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = vn->ino;
	st->st_uid = fs->uid;
	st->st_gid = fs->gid;
	st->st_atim = st->st_mtim = st->st_ctim = fs->time;
	st->st_blksize = 4096;
	if (vn->type == VNODE_DIR) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return;
	}
	st->st_mode = S_IFREG | (vn->executable ? 0555 : 0444);
	st->st_nlink = 1;
	st->st_size = (off_t)e->size;
	st->st_blocks = (blkcnt_t)((e->size + 511) / 512);
}

/*
 * Render (or find in the cache) a synthesized file, so that its size is
 * exact. *out gets a reference the caller drops.
 */
static int synth_render(struct ufs *fs, const struct vnode *vn,
			struct cache_entry **out)
{
	if (vn == &vnode_gone)
		return -ENOENT;
	return render_node(ufs_model(fs), vn, fs->cache, out);
}

/*
 * The current version of a synthesized file inode, with a reference for
 * the caller: while the watcher runs, the one the inode holds (the watcher
 * replaces it when the source changes); otherwise rendered now.
 */
static int inode_version(struct ufs *fs, struct inode *in,
			 struct cache_entry **out)
{
	int rc;

	if (in->vn == &vnode_gone && in->entry) {
		*out = cache_ref(fs->cache, in->entry);
		return 0;
	}
	if (fs->watched && in->entry &&
	    !memcmp(&in->entry->key, &in->key, sizeof(in->key))) {
		*out = cache_ref(fs->cache, in->entry);
		return 0;
	}
	rc = synth_render(fs, in->vn, out);
	if (rc)
		return rc;
	in->key = (*out)->key;
	if (fs->watched)
		inode_set_entry(fs, in, *out);
	return 0;
}

static int inode_stat(struct ufs *fs, struct inode *in, struct stat *st)
{
	struct cache_entry *e = NULL;
	int rc;

	if (in->fd >= 0)
		return fstatat(in->fd, "", st,
			       AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)
			       ? -errno
			       : 0;
	if (in->vn == &vnode_gone && in->entry) {
		/* frozen at an old version, still open somewhere */
		struct vnode frozen = { .type = VNODE_FILE,
					.ino = in->frozen_ino,
					.executable = in->frozen_exec };

		synth_attr(fs, &frozen, in->entry, st);
		return 0;
	}
	if (!in->vn || in->vn == &vnode_gone)
		return in->vn ? -ENOENT : -ESTALE;
	if (in->vn->type == VNODE_FILE) {
		rc = inode_version(fs, in, &e);
		if (rc)
			return rc;
	}
	synth_attr(fs, in->vn, e, st);
	cache_release(fs->cache, e);
	return 0;
}

/* Look `name` up in `parent`: real first, then synthesized. */
static int do_lookup(struct ufs *fs, struct inode *parent, const char *name,
		     struct fuse_entry_param *e)
{
	const struct vnode *vn = NULL;
	struct cache_entry *version = NULL;
	struct inode *in;
	int fd = -1, rc;

	memset(e, 0, sizeof(*e));
	if (parent->vn && parent->vn->type == VNODE_DIR)
		vn = vnode_child(parent->vn, name);
	if (parent->fd >= 0) {
		fd = openat(parent->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno != ENOENT)
			return -errno;
	}
	if (fd >= 0) {
		if (fstatat(fd, "", &e->attr,
			    AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
			rc = -errno;
			close(fd);
			return rc;
		}
		/* A real entry wins; a real folder may merge with ours. */
		if (vn && (!S_ISDIR(e->attr.st_mode) || vn->type != VNODE_DIR))
			vn = NULL;
	} else if (vn) {
		if (vn->type == VNODE_FILE) {
			rc = synth_render(fs, vn, &version);
			if (rc)
				return rc;
		}
		synth_attr(fs, vn, version, &e->attr);
	} else {
		return -ENOENT;
	}
	in = inode_ref(fs, fd, &e->attr, vn);
	if (in && version) {
		in->key = version->key;
		if (fs->watched)
			inode_set_entry(fs, in, version);
	}
	cache_release(fs->cache, version);
	if (!in)
		return -ENOMEM;
	e->ino = inode_id(fs, in);
	e->attr_timeout = fs->timeout;
	e->entry_timeout = fs->timeout;
	return 0;
}

static void ufs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct ufs *fs = req_fs(req);
	struct fuse_entry_param e;
	int rc = do_lookup(fs, inode_get(fs, parent), name, &e);

	if (rc == -ENOENT) {
		/* A zero id makes the kernel cache the miss. */
		memset(&e, 0, sizeof(e));
		e.entry_timeout = NEGATIVE_TIMEOUT;
		fuse_reply_entry(req, &e);
		return;
	}
	if (rc)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_entry(req, &e);
}

static void ufs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	inode_forget(req_fs(req), ino, nlookup);
	fuse_reply_none(req);
}

static void ufs_forget_multi(fuse_req_t req, size_t count,
			     struct fuse_forget_data *forgets)
{
	struct ufs *fs = req_fs(req);

	for (size_t i = 0; i < count; i++)
		inode_forget(fs, forgets[i].ino, forgets[i].nlookup);
	fuse_reply_none(req);
}

static void ufs_getattr(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	struct ufs *fs = req_fs(req);
	struct stat st;
	int rc = inode_stat(fs, inode_get(fs, ino), &st);

	if (rc)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_attr(req, &st, fs->timeout);
}

static int real_setattr(struct inode *in, struct stat *attr, int valid,
			struct fuse_file_info *fi)
{
	char path[64];
	int fd = fi && fi->fh ? (int)fi->fh : -1;

	fd_path(in->fd, path, sizeof(path));
	if ((valid & FUSE_SET_ATTR_MODE) &&
	    (fd >= 0 ? fchmod(fd, attr->st_mode) : chmod(path, attr->st_mode)))
		return -errno;
	if (valid & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		uid_t uid =
			valid & FUSE_SET_ATTR_UID ? attr->st_uid : (uid_t)-1;
		gid_t gid =
			valid & FUSE_SET_ATTR_GID ? attr->st_gid : (gid_t)-1;

		if (fchownat(in->fd, "", uid, gid,
			     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
			return -errno;
	}
	if (valid & FUSE_SET_ATTR_SIZE) {
		int rc = 0;

		if (fd >= 0) {
			rc = ftruncate(fd, attr->st_size) ? -errno : 0;
		} else {
			rc = truncate(path, attr->st_size) ? -errno : 0;
		}
		if (rc)
			return rc;
	}
	if (valid & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME)) {
		struct timespec tv[2] = { { .tv_nsec = UTIME_OMIT },
					  { .tv_nsec = UTIME_OMIT } };

		if (valid & FUSE_SET_ATTR_ATIME_NOW)
			tv[0].tv_nsec = UTIME_NOW;
		else if (valid & FUSE_SET_ATTR_ATIME)
			tv[0] = attr->st_atim;
		if (valid & FUSE_SET_ATTR_MTIME_NOW)
			tv[1].tv_nsec = UTIME_NOW;
		else if (valid & FUSE_SET_ATTR_MTIME)
			tv[1] = attr->st_mtim;
		if (fd >= 0 ? futimens(fd, tv)
			    : utimensat(AT_FDCWD, path, tv, 0))
			return -errno;
	}
	return 0;
}

static void ufs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			int valid, struct fuse_file_info *fi)
{
	struct ufs *fs = req_fs(req);
	struct inode *in = inode_get(fs, ino);
	struct stat st;
	int rc;

	if (in->fd < 0) {
		if (in->vn)
			log_read_only(fs, in->vn);
		fuse_reply_err(req, in->vn ? EROFS : ESTALE);
		return;
	}
	rc = real_setattr(in, attr, valid, fi);
	if (!rc)
		rc = inode_stat(fs, in, &st);
	if (rc)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_attr(req, &st, fs->timeout);
}

static void ufs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct ufs *fs = req_fs(req);
	struct inode *in = inode_get(fs, ino);
	char buf[PATH_MAX + 1];
	ssize_t n;

	if (in->fd < 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	n = readlinkat(in->fd, "", buf, sizeof(buf) - 1);
	if (n < 0) {
		fuse_reply_err(req, errno);
		return;
	}
	buf[n] = '\0';
	fuse_reply_readlink(req, buf);
}

/*
 * Give a synthesized folder a real folder underneath, creating every
 * missing folder from the view root down, so that what a tool writes there
 * stays after unmount.
 */
static int make_real(struct ufs *fs, struct inode *in)
{
	const char *p;
	struct stat st;
	int dir, next;

	if (in->fd >= 0)
		return 0;
	if (!in->vn || in->vn->type != VNODE_DIR || fs->root_fd < 0)
		return -EROFS;
	dir = openat(fs->root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -errno;
	for (p = in->vn->path; *p;) {
		const char *end = strchrnul(p, '/');
		char *name = str_ndup(p, (size_t)(end - p));

		if (!name) {
			errno = ENOMEM;
			goto out_errno;
		}
		if (!mkdirat(dir, name, 0755)) {
			mounts_mark_placeholder(dir, name);
		} else if (errno != EEXIST) {
			free(name);
			goto out_errno;
		}
		next = openat(dir, name,
			      O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		free(name);
		if (next < 0)
			goto out_errno;
		close(dir);
		dir = next;
		p = *end ? end + 1 : end;
	}
	if (fstatat(dir, "", &st, AT_EMPTY_PATH))
		goto out_errno;
	inode_set_real(fs, in, dir, &st);
	return 0;
out_errno:
	next = -errno;
	close(dir);
	return next ? next : -ENOMEM;
}

/* Whether `name` in `parent` is synthesized and not shadowed by a real one. */
static bool names_synth(const struct inode *parent, const char *name)
{
	struct stat st;

	if (!parent->vn || !vnode_child(parent->vn, name))
		return false;
	return parent->fd < 0 ||
	       fstatat(parent->fd, name, &st, AT_SYMLINK_NOFOLLOW);
}

/* Common preamble of operations that create `name` in `parent`. */
static int prepare_create(struct ufs *fs, struct inode *parent,
			  const char *name)
{
	if (names_synth(parent, name))
		return -EEXIST;
	return make_real(fs, parent);
}

static void reply_new_entry(fuse_req_t req, struct ufs *fs,
			    struct inode *parent, const char *name)
{
	struct fuse_entry_param e;
	int rc = do_lookup(fs, parent, name, &e);

	if (rc)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_entry(req, &e);
}

static void ufs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, dev_t rdev)
{
	struct ufs *fs = req_fs(req);
	struct inode *p = inode_get(fs, parent);
	int rc = prepare_create(fs, p, name);

	if (!rc && mknodat(p->fd, name, mode, rdev))
		rc = -errno;
	if (rc)
		fuse_reply_err(req, -rc);
	else
		reply_new_entry(req, fs, p, name);
}

static void ufs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode)
{
	struct ufs *fs = req_fs(req);
	struct inode *p = inode_get(fs, parent);
	int rc = prepare_create(fs, p, name);

	if (!rc && mkdirat(p->fd, name, mode))
		rc = -errno;
	if (rc)
		fuse_reply_err(req, -rc);
	else
		reply_new_entry(req, fs, p, name);
}

static void ufs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
			const char *name)
{
	struct ufs *fs = req_fs(req);
	struct inode *p = inode_get(fs, parent);
	int rc = prepare_create(fs, p, name);

	if (!rc && symlinkat(link, p->fd, name))
		rc = -errno;
	if (rc)
		fuse_reply_err(req, -rc);
	else
		reply_new_entry(req, fs, p, name);
}

static void ufs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		     const char *newname)
{
	struct ufs *fs = req_fs(req);
	struct inode *in = inode_get(fs, ino);
	struct inode *p = inode_get(fs, newparent);
	char path[64];
	int rc;

	if (in->fd < 0) {
		fuse_reply_err(req, in->vn ? EROFS : ESTALE);
		return;
	}
	rc = prepare_create(fs, p, newname);
	fd_path(in->fd, path, sizeof(path));
	if (!rc && linkat(AT_FDCWD, path, p->fd, newname, AT_SYMLINK_FOLLOW))
		rc = -errno;
	if (rc)
		fuse_reply_err(req, -rc);
	else
		reply_new_entry(req, fs, p, newname);
}

/* Remove a real entry; a synthesized one is read-only. */
static int remove_entry(struct ufs *fs, struct inode *p, const char *name,
			int flags)
{
	const struct vnode *vn = p->vn ? vnode_child(p->vn, name) : NULL;
	struct stat st;

	if (p->fd < 0 || fstatat(p->fd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		if (!vn)
			return -ENOENT;
		log_read_only(fs, vn);
		return vn->type == VNODE_DIR ? -ENOTEMPTY : -EROFS;
	}
	/* A real folder that the view also fills is never empty. */
	if ((flags & AT_REMOVEDIR) && vn && vn->type == VNODE_DIR &&
	    vn->nchildren)
		return -ENOTEMPTY;
	return unlinkat(p->fd, name, flags) ? -errno : 0;
}

static void ufs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct ufs *fs = req_fs(req);

	fuse_reply_err(req, -remove_entry(fs, inode_get(fs, parent), name, 0));
}

static void ufs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct ufs *fs = req_fs(req);

	fuse_reply_err(req, -remove_entry(fs, inode_get(fs, parent), name,
					  AT_REMOVEDIR));
}

static void ufs_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		       fuse_ino_t newparent, const char *newname,
		       unsigned int flags)
{
	struct ufs *fs = req_fs(req);
	struct inode *p = inode_get(fs, parent);
	struct inode *np = inode_get(fs, newparent);
	struct stat st;
	int rc = 0;

	if (p->fd < 0 || fstatat(p->fd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		const struct vnode *vn =
			p->vn ? vnode_child(p->vn, name) : NULL;

		if (vn)
			log_read_only(fs, vn);
		fuse_reply_err(req, vn ? EROFS : ENOENT);
		return;
	}
	/* A folder the view fills would leave its synthesized half behind. */
	if (S_ISDIR(st.st_mode) && p->vn && vnode_child(p->vn, name))
		rc = -EROFS;
	if (names_synth(np, newname))
		rc = -EROFS;
	if (!rc)
		rc = make_real(fs, np);
	if (!rc && renameat2(p->fd, name, np->fd, newname, flags))
		rc = -errno;
	fuse_reply_err(req, -rc);
}

/*
 * The descriptor to read or write a real file through. A file opened by
 * create() has its own; with zero-message open, the kernel sends no open
 * and so no handle, and the inode keeps one descriptor for all its I/O,
 * opened on first use: for reading and writing where the daemon may, else
 * for reading. The kernel has already checked the caller's access mode.
 */
static int real_io_fd(struct inode *in, const struct fuse_file_info *fi)
{
	char path[64];
	int fd;

	if (fi && fi->fh)
		return (int)fi->fh;
	if (in->io_fd >= 0 || in->fd < 0)
		return in->fd < 0 ? -EBADF : in->io_fd;
	fd_path(in->fd, path, sizeof(path));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM ||
		       errno == ETXTBSY))
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	in->io_fd = fd;
	return fd;
}

/*
 * Zero-message open (DESIGN, "Kernel caching, measured"): while the
 * watcher keeps every inode's version current, the first open is answered
 * with ENOSYS, after which the kernel opens files without asking and
 * reads them from its page cache. A synthesized file then serves the
 * version its inode holds (a new version is a new inode, so a reader keeps
 * one whole version). The cost: root, whom the kernel's permission check
 * lets through, can open a synthesized file for writing; every write and
 * truncation still fails with EROFS.
 */
static bool want_no_open(const struct ufs *fs)
{
	return fs->watched && fs->no_open;
}

static void ufs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct ufs *fs = req_fs(req);
	struct inode *in = inode_get(fs, ino);
	struct synth_handle *h;
	char path[64];
	int fd, rc;

	if (want_no_open(fs)) {
		fuse_reply_err(req, ENOSYS);
		return;
	}
	if (in->vn == &vnode_gone && !in->entry) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (is_synth_file(in)) {
		if ((fi->flags & O_ACCMODE) != O_RDONLY ||
		    (fi->flags & O_TRUNC)) {
			log_read_only(fs, in->vn);
			fuse_reply_err(req, EROFS);
			return;
		}
		h = calloc(1, sizeof(*h));
		rc = h ? inode_version(fs, in, &h->entry) : -ENOMEM;
		if (rc) {
			free(h);
			fuse_reply_err(req, -rc);
			return;
		}
		handle_link(fs, &h->h, synth_handle_free);
		fi->fh = (uint64_t)(uintptr_t)h;
		fi->keep_cache = !memcmp(&in->opened, &h->entry->key,
					 sizeof(in->opened));
		in->opened = h->entry->key;
		fuse_reply_open(req, fi);
		return;
	}
	if (in->fd < 0) {
		fuse_reply_err(req, in->vn ? EISDIR : ESTALE);
		return;
	}
	fd_path(in->fd, path, sizeof(path));
	fd = open(path, (fi->flags & ~O_NOFOLLOW) | O_CLOEXEC);
	if (fd < 0) {
		fuse_reply_err(req, errno);
		return;
	}
	fi->fh = (uint64_t)fd;
	fi->keep_cache = 1;
	fuse_reply_open(req, fi);
}

static void ufs_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		       mode_t mode, struct fuse_file_info *fi)
{
	struct ufs *fs = req_fs(req);
	struct inode *p = inode_get(fs, parent);
	struct fuse_entry_param e;
	int fd, rc;

	rc = prepare_create(fs, p, name);
	if (rc == -EEXIST && !(fi->flags & O_EXCL))
		rc = -EROFS;
	if (rc) {
		fuse_reply_err(req, -rc);
		return;
	}
	fd = openat(p->fd, name,
		    (fi->flags | O_CREAT | O_NOFOLLOW | O_CLOEXEC) &
			    ~O_NONBLOCK,
		    mode);
	if (fd < 0) {
		fuse_reply_err(req, errno);
		return;
	}
	rc = do_lookup(fs, p, name, &e);
	if (rc) {
		close(fd);
		fuse_reply_err(req, -rc);
		return;
	}
	/*
	 * The kernel sends no release for files it opened without asking,
	 * a created one included: keep no descriptor of our own then, the
	 * inode's serves its I/O and goes with the inode.
	 */
	if (want_no_open(fs)) {
		close(fd);
		fd = 0;
	}
	fi->fh = (uint64_t)fd;
	fi->keep_cache = 1;
	fuse_reply_create(req, &e, fi);
}

static void ufs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct ufs *fs = req_fs(req);
	struct inode *in = inode_get(fs, ino);
	struct fuse_bufvec bv = FUSE_BUFVEC_INIT(size);

	struct cache_entry *e = NULL;
	int fd, rc;

	if (is_synth_file(in)) {
		/* an open handle's version, else (no open) the inode's */
		if (fi->fh) {
			e = ((struct synth_handle *)(uintptr_t)fi->fh)->entry;
		} else {
			rc = inode_version(fs, in, &e);
			if (rc) {
				fuse_reply_err(req, -rc);
				return;
			}
		}
		if ((size_t)off >= e->size)
			size = 0;
		else if (size > e->size - (size_t)off)
			size = e->size - (size_t)off;
		fuse_reply_buf(req, size ? e->data + off : NULL, size);
		if (!fi->fh)
			cache_release(fs->cache, e);
		return;
	}
	fd = real_io_fd(in, fi);
	if (fd < 0) {
		fuse_reply_err(req, -fd);
		return;
	}
	bv.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	bv.buf[0].fd = fd;
	bv.buf[0].pos = off;
	fuse_reply_data(req, &bv, FUSE_BUF_SPLICE_MOVE);
}

static void ufs_write_buf(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_bufvec *in_buf, off_t off,
			  struct fuse_file_info *fi)
{
	struct ufs *fs = req_fs(req);
	struct inode *in = inode_get(fs, ino);
	struct fuse_bufvec out = FUSE_BUFVEC_INIT(fuse_buf_size(in_buf));
	ssize_t n;
	int fd;

	/* Without open, a write to a synthesized file arrives here. */
	if (is_synth_file(in)) {
		log_read_only(fs, in->vn);
		fuse_reply_err(req, EROFS);
		return;
	}
	fd = real_io_fd(in, fi);
	if (fd < 0) {
		fuse_reply_err(req, -fd);
		return;
	}
	out.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	out.buf[0].fd = fd;
	out.buf[0].pos = off;
	n = fuse_buf_copy(&out, in_buf, 0);
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_write(req, (size_t)n);
}

static void ufs_release(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	struct ufs *fs = req_fs(req);
	struct inode *in = inode_get(fs, ino);

	if (!fi->fh) {
		/* opened without asking: nothing of ours to let go */
	} else if (is_synth_file(in)) {
		struct synth_handle *h = (void *)(uintptr_t)fi->fh;

		handle_unlink(fs, &h->h);
		synth_handle_free(fs, &h->h);
	} else {
		close((int)fi->fh);
	}
	fuse_reply_err(req, 0);
}

static void ufs_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		      struct fuse_file_info *fi)
{
	struct ufs *fs = req_fs(req);
	struct inode *in = inode_get(fs, ino);
	int fd, rc = 0;

	if (!is_synth_file(in)) {
		fd = real_io_fd(in, fi);
		rc = fd < 0				      ? -fd
		     : (datasync ? fdatasync(fd) : fsync(fd)) ? errno
							      : 0;
	}
	fuse_reply_err(req, rc);
}

static int dir_entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dir_entry *)a)->name,
		      ((const struct dir_entry *)b)->name);
}

static int dir_add(struct dir_handle *d, size_t *cap, const char *name,
		   ino_t ino, mode_t type)
{
	struct dir_entry *e;

	if (array_reserve(&d->v, cap, d->n + 1, sizeof(*d->v)))
		return -ENOMEM;
	e = &d->v[d->n];
	e->name = strdup(name);
	if (!e->name)
		return -ENOMEM;
	e->ino = ino;
	e->type = type;
	d->n++;
	return 0;
}

static void dir_free(struct dir_handle *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].name);
	free(d->v);
	free(d);
}

static void dir_handle_free(struct ufs *fs, struct handle *h)
{
	dir_free((struct dir_handle *)h);
}

static int read_real_dir(int fd, struct dir_handle *d, size_t *cap)
{
	struct dirent *de;
	DIR *dp;
	int dfd, rc = 0;

	dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	dp = fdopendir(dfd);
	if (!dp) {
		rc = -errno;
		close(dfd);
		return rc;
	}
	while (!rc && (de = readdir(dp))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		rc = dir_add(d, cap, de->d_name, de->d_ino,
			     (mode_t)DTTOIF(de->d_type));
	}
	closedir(dp);
	return rc;
}

/*
 * A sorted snapshot of the real entries and the synthesized ones that no
 * real entry shadows; both lists are sorted, so one merge does it.
 */
static int dir_snapshot(struct inode *in, struct dir_handle *d)
{
	const struct vnode *vn = in->vn;
	size_t cap = 0, nreal, i = 0, j = 0;
	int rc = 0;

	if (in->fd >= 0)
		rc = read_real_dir(in->fd, d, &cap);
	if (rc || !vn || vn->type != VNODE_DIR)
		goto out_sort;
	nreal = d->n;
	if (nreal)
		qsort(d->v, nreal, sizeof(*d->v), dir_entry_cmp);
	while (!rc && j < vn->nchildren) {
		const struct vnode *c = vn->children[j];
		int cmp = i < nreal ? strcmp(d->v[i].name, c->name) : 1;

		if (cmp < 0) {
			i++;
			continue;
		}
		if (cmp > 0)
			rc = dir_add(d, &cap, c->name, c->ino,
				     c->type == VNODE_DIR ? S_IFDIR : S_IFREG);
		j++;
	}
out_sort:
	if (!rc && d->n)
		qsort(d->v, d->n, sizeof(*d->v), dir_entry_cmp);
	return rc;
}

static void ufs_opendir(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	struct ufs *fs = req_fs(req);
	struct dir_handle *d;
	int rc;

	/* As for files: while watched, folders open without asking. */
	if (fs->watched && fs->no_opendir) {
		fuse_reply_err(req, ENOSYS);
		return;
	}
	d = calloc(1, sizeof(*d));
	rc = d ? dir_snapshot(inode_get(fs, ino), d) : -ENOMEM;

	if (rc) {
		if (d)
			dir_free(d);
		fuse_reply_err(req, -rc);
		return;
	}
	handle_link(fs, &d->h, dir_handle_free);
	fi->fh = (uint64_t)(uintptr_t)d;
	/*
	 * The kernel may keep the listing: changes through the mount
	 * invalidate it, and the watcher does for the source's. (libfuse's
	 * header says keep_cache does nothing here; the kernel reads it.)
	 */
	if (fs->watched) {
		fi->cache_readdir = 1;
		fi->keep_cache = 1;
	}
	fuse_reply_open(req, fi);
}

static void ufs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi)
{
	struct dir_handle *d = (void *)(uintptr_t)fi->fh, tmp = { 0 };
	char *buf = malloc(size);
	size_t used = 0;

	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* Opened without asking: list the folder as it is now. */
	if (!d) {
		int rc = dir_snapshot(inode_get(req_fs(req), ino), &tmp);

		if (rc) {
			free(buf);
			fuse_reply_err(req, -rc);
			return;
		}
		d = &tmp;
	}
	for (size_t i = (size_t)off; i < d->n; i++) {
		struct stat st = { .st_ino = d->v[i].ino,
				   .st_mode = d->v[i].type };
		size_t n = fuse_add_direntry(req, buf + used, size - used,
					     d->v[i].name, &st, (off_t)i + 1);

		if (n > size - used)
			break;
		used += n;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
	for (size_t i = 0; i < tmp.n; i++)
		free(tmp.v[i].name);
	free(tmp.v);
}

static void ufs_releasedir(fuse_req_t req, fuse_ino_t ino,
			   struct fuse_file_info *fi)
{
	struct dir_handle *d = (void *)(uintptr_t)fi->fh;

	if (d) {
		handle_unlink(req_fs(req), &d->h);
		dir_free(d);
	}
	fuse_reply_err(req, 0);
}

static void ufs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct ufs *fs = req_fs(req);
	struct statvfs sv;
	char path[64];

	if (fs->root_fd >= 0) {
		fd_path(fs->root_fd, path, sizeof(path));
		if (!statvfs(path, &sv)) {
			fuse_reply_statfs(req, &sv);
			return;
		}
	}
	memset(&sv, 0, sizeof(sv));
	sv.f_bsize = sv.f_frsize = 4096;
	sv.f_namemax = 255;
	fuse_reply_statfs(req, &sv);
}

/* The daemon's figures, for `aiwgfs status`. */
static int status_text(struct ufs *fs, struct buf *b)
{
	struct cache_stats cs;

	cache_get_stats(fs->cache, &cs);
	return buf_addf(b,
			"pid %d\nsource %s\nview %s\nfiles %zu\ninodes %zu\n"
			"cache_entries %zu\ncache_bytes %zu\ncache_limit %zu\n"
			"cache_hits %" PRIu64 "\ncache_misses %" PRIu64
			"\ncache_evictions %" PRIu64 "\n",
			(int)getpid(), ufs_model(fs)->src.root,
			ufs_view(fs)->path, ufs_view(fs)->nfiles,
			inode_count(fs), cs.entries, cs.bytes, cs.limit,
			cs.hits, cs.misses, cs.evictions) ||
	       buf_adds(b, fs->notes ? fs->notes : "");
}

static void ufs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			 size_t size)
{
	struct ufs *fs = req_fs(req);
	struct inode *in = inode_get(fs, ino);
	struct buf b = BUF_INIT;
	char path[64];
	ssize_t n;

	if (ino == FUSE_ROOT_ID && !strcmp(name, UFS_STATUS_XATTR)) {
		if (status_text(fs, &b)) {
			fuse_reply_err(req, ENOMEM);
		} else if (!size) {
			fuse_reply_xattr(req, b.len);
		} else if (size < b.len) {
			fuse_reply_err(req, ERANGE);
		} else {
			fuse_reply_buf(req, b.data, b.len);
		}
		buf_release(&b);
		return;
	}
	if (in->fd < 0) {
		fuse_reply_err(req, ENODATA);
		return;
	}
	fd_path(in->fd, path, sizeof(path));
	if (buf_grow(&b, size)) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	n = getxattr(path, name, size ? b.data : NULL, size);
	if (n < 0)
		fuse_reply_err(req, errno);
	else if (!size)
		fuse_reply_xattr(req, (size_t)n);
	else
		fuse_reply_buf(req, b.data, (size_t)n);
	buf_release(&b);
}

static void ufs_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct ufs *fs = req_fs(req);
	struct inode *in = inode_get(fs, ino);
	struct buf b = BUF_INIT;
	char path[64];
	ssize_t n = 0;

	if (buf_grow(&b, size)) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (in->fd >= 0) {
		fd_path(in->fd, path, sizeof(path));
		n = listxattr(path, size ? b.data : NULL, size);
	}
	if (n < 0)
		fuse_reply_err(req, errno);
	else if (!size)
		fuse_reply_xattr(req, (size_t)n);
	else
		fuse_reply_buf(req, b.data, (size_t)n);
	buf_release(&b);
}

static void ufs_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			 const char *value, size_t size, int flags)
{
	struct ufs *fs = req_fs(req);
	struct inode *in = inode_get(fs, ino);
	char path[64];

	if (in->fd < 0) {
		fuse_reply_err(req, EROFS);
		return;
	}
	fd_path(in->fd, path, sizeof(path));
	fuse_reply_err(req,
		       setxattr(path, name, value, size, flags) ? errno : 0);
}

static void ufs_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct ufs *fs = req_fs(req);
	struct inode *in = inode_get(fs, ino);
	char path[64];

	if (in->fd < 0) {
		fuse_reply_err(req, EROFS);
		return;
	}
	fd_path(in->fd, path, sizeof(path));
	fuse_reply_err(req, removexattr(path, name) ? errno : 0);
}

static void ufs_fallocate(fuse_req_t req, fuse_ino_t ino, int mode,
			  off_t offset, off_t length, struct fuse_file_info *fi)
{
	struct ufs *fs = req_fs(req);
	struct inode *in = inode_get(fs, ino);
	int fd;

	if (is_synth_file(in)) {
		fuse_reply_err(req, EROFS);
		return;
	}
	fd = real_io_fd(in, fi);
	if (fd < 0)
		fuse_reply_err(req, -fd);
	else
		fuse_reply_err(req,
			       fallocate(fd, mode, offset, length) ? errno : 0);
}

static void ufs_init(void *userdata, struct fuse_conn_info *conn)
{
	struct ufs *fs = userdata;

	/* Writes go straight to the real file; see DESIGN on coherence. */
	conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
	if (conn->capable & FUSE_CAP_SPLICE_READ)
		conn->want |= FUSE_CAP_SPLICE_READ;
	if (conn->capable & FUSE_CAP_NO_OPENDIR_SUPPORT) {
		conn->want |= FUSE_CAP_NO_OPENDIR_SUPPORT;
		fs->no_opendir = true;
	}
	if (conn->capable & FUSE_CAP_NO_OPEN_SUPPORT) {
		conn->want |= FUSE_CAP_NO_OPEN_SUPPORT;
		/*
		 * With atomic O_TRUNC the kernel leaves truncation to the
		 * open it then never sends: a file opened with O_TRUNC
		 * would keep its old bytes. Without it, the kernel truncates
		 * through setattr, which also refuses synthesized files.
		 */
		conn->want &= ~FUSE_CAP_ATOMIC_O_TRUNC;
		fs->no_open = true;
	}
}

const struct fuse_lowlevel_ops ufs_ops = {
	.init = ufs_init,
	.lookup = ufs_lookup,
	.forget = ufs_forget,
	.forget_multi = ufs_forget_multi,
	.getattr = ufs_getattr,
	.setattr = ufs_setattr,
	.readlink = ufs_readlink,
	.mknod = ufs_mknod,
	.mkdir = ufs_mkdir,
	.unlink = ufs_unlink,
	.rmdir = ufs_rmdir,
	.symlink = ufs_symlink,
	.rename = ufs_rename,
	.link = ufs_link,
	.open = ufs_open,
	.read = ufs_read,
	.write_buf = ufs_write_buf,
	.release = ufs_release,
	.fsync = ufs_fsync,
	.opendir = ufs_opendir,
	.readdir = ufs_readdir,
	.releasedir = ufs_releasedir,
	.statfs = ufs_statfs,
	.setxattr = ufs_setxattr,
	.getxattr = ufs_getxattr,
	.listxattr = ufs_listxattr,
	.removexattr = ufs_removexattr,
	.create = ufs_create,
	.fallocate = ufs_fallocate,
};
