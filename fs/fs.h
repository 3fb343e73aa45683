/*
 * fs.h - the FUSE side of aiwgfs: one union filesystem per view, the daemon
 * that serves them, and the mount table helpers the command line uses.
 */
#ifndef AIWGFS_FS_H
#define AIWGFS_FS_H

#define FUSE_USE_VERSION 314

#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#include "aiwgfs/cache.h"
#include "aiwgfs/vtree.h"

/* Exit codes of the command line. */
enum {
	EXIT_OK = 0,
	EXIT_PROBLEMS = 1,
	EXIT_USAGE = 2,
	EXIT_SYSTEM = 3,
};

/* The extended attribute on a view's root that reports the daemon's state. */
#define UFS_STATUS_XATTR "user.aiwgfs.status"

struct inode;
struct inode_table;
struct ufs;

/*
 * An open file or folder of a view. Every handle is on its view's list
 * until released, so that a teardown can free what the kernel never
 * released (a connection ended while a file was open).
 */
struct handle {
	struct handle *prev, *next;
	void (*free)(struct ufs *fs, struct handle *h);
};

/*
 * One mounted view. The real folder under the mount point is reached only
 * through `root_fd`, opened before mounting. Everything but `se` and the
 * inode table is immutable while the session runs.
 */
/*
 * The model that every view of a daemon serves. Each request holds `lock`
 * for reading while it runs (the session loop takes it), so a request sees
 * one model throughout; the watcher takes it for writing to swap in a
 * model built from the changed source, and remaps the inodes to it.
 */
struct live {
	pthread_rwlock_t lock;
	struct model *model;
};

struct ufs {
	struct live *live;
	size_t view_index; /* of this view in live->model->views */
	double timeout;	   /* seconds the kernel may cache names, attrs */
	bool watched;	   /* the watcher announces changes of the source */
	bool no_open;	   /* the kernel offers zero-message open */
	bool no_opendir;   /* and zero-message opendir */
	struct cache *cache;
	char *mountpoint; /* absolute */
	char *fsname;
	bool placeholder;  /* aiwgfs created the mount point */
	const char *notes; /* views the daemon skipped, for status; or NULL */
	int root_fd;	   /* O_PATH of the real folder, -1 for none */
	uid_t uid;	   /* owner of synthesized entries */
	gid_t gid;
	struct timespec time; /* times of synthesized folders */
	struct inode_table *inodes;
	pthread_mutex_t handles_lock;
	struct handle handles; /* list head of open handles */
	struct fuse_session *se;
	pthread_t thread;
	bool running;
};

/* The model and view of `fs`; valid while the caller holds live->lock. */
static inline struct model *ufs_model(const struct ufs *fs)
{
	return fs->live->model;
}

static inline const struct view *ufs_view(const struct ufs *fs)
{
	return &fs->live->model->views[fs->view_index];
}

/* The low-level operations of a union view (union.c). */
extern const struct fuse_lowlevel_ops ufs_ops;

/* Set up the handle list of a view, and free what is left on it. */
void ufs_handles_init(struct ufs *fs);
void ufs_handles_free(struct ufs *fs);

/* Inode table (inode.c); see there for the rules. */
struct inode_table *inode_table_new(struct ufs *fs);
void inode_table_free(struct ufs *fs);

/*
 * Mount table helpers (mounts.c).
 *
 * An aiwgfs mount has file system type "fuse.aiwgfs" and the source field
 * "aiwgfs:SOURCE". A mount point that aiwgfs created carries the extended
 * attribute MOUNTS_PLACEHOLDER_XATTR on the folder underneath, so that
 * `umount` can remove it even after the daemon was killed and the kernel
 * or fusermount3 already took the mount away.
 */
#define MOUNTS_PLACEHOLDER_XATTR "user.aiwgfs.placeholder"
/* The suffix of a placeholder's name until it is marked and in place. */
#define MOUNTS_PLACEHOLDER_TMP ".aiwgfs-new"

struct mount_entry {
	char *mountpoint;
	char *source;
};

/*
 * The aiwgfs mounts at or below `repo` (absolute), read from
 * /proc/self/mountinfo. Returns the count (0 or more) and an array in *out
 * to free with mounts_free(), or a negative errno.
 */
int mounts_list(const char *repo, struct mount_entry **out);
void mounts_free(struct mount_entry *m, int n);

/* Build the fsname for a view: "aiwgfs:SOURCE", escaped for -o. */
char *mounts_fsname(const char *source);

/*
 * Detach one mount (lazily: open files keep working until closed). Uses
 * umount2() as root and fusermount3 otherwise. 0 or a negative errno.
 */
int mounts_detach(const char *mountpoint);

/*
 * Whether a fusermount3 runs for a mount point at or below `repo`: one
 * still mounting for a daemon killed meanwhile, or one waiting to take a
 * dead mount away (auto_unmount).
 */
bool mounts_helper_running(const char *repo);

/*
 * Create an empty folder at `path` as a placeholder mount point and mark
 * it, atomically: under PATH.aiwgfs-new first, renamed into place only when
 * nothing is at `path` (else -EEXIST). 0 or a negative errno; a file
 * system without user extended attributes only costs the mark (logged).
 */
int mounts_make_placeholder(const char *path);

/* The same for the mount point of a file view: an empty, marked file. */
int mounts_make_placeholder_file(const char *path);

/*
 * Mark the folder `name` below `dirfd`, just created by aiwgfs because a
 * tool wrote into a synthesized folder, so that it goes at unmount if it is
 * empty then.
 */
void mounts_mark_placeholder(int dirfd, const char *name);

/*
 * Remove the marked placeholders at and below the view folder `path` that
 * are empty once their own marked subfolders are gone, and a marked
 * PATH.aiwgfs-new; anything else is left alone. Returns whether `path`
 * itself was removed.
 */
bool mounts_remove_placeholder(const char *path);

/*
 * The git "info/exclude" file of the repository at `repo`, also for
 * worktrees and submodules whose .git is a file; NULL when `repo` is not
 * the top of a git work tree. Caller frees.
 */
char *git_exclude_path(const char *repo);

/*
 * Replace the aiwgfs block for `repo` in the exclude file with `lines`
 * (each a repository-relative path), or remove it when n is 0. The file is
 * rewritten through a temporary file and rename. 0 or a negative errno.
 */
int git_exclude_update(const char *repo, const char *const *lines, size_t n);

/*
 * The daemon (daemon.c): mount every view of `m` into `repo`, serve them
 * until signalled or unmounted, then clean up. With `foreground` false the
 * process detaches once every view serves and the parent exits with the
 * result. Returns an exit code.
 */
struct daemon_options {
	const struct source_filter *filter; /* to scan the source again */
	bool foreground;
	bool debug;
	bool git_exclude;
	size_t cache_size;
	const char *fuse_options; /* extra -o options, or NULL */
};

/*
 * The daemon takes `m` over (the caller's copy is left empty) and swaps in
 * models built anew whenever the source changes.
 */
int daemon_run(struct model *m, const char *repo,
	       const struct daemon_options *opts);

#endif
