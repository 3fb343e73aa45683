/*
 * watch.h - watching the canonical tree with inotify.
 *
 * A watcher thread follows every folder below the folders it is given
 * (folders that appear are followed too; symlinks are not), gathers events
 * until the tree has been quiet for a few milliseconds, and then calls the
 * callback once for the batch, from its own thread, which serves no FUSE
 * request: the place to send the kernel invalidations.
 */
#ifndef AIWGFS_WATCH_H
#define AIWGFS_WATCH_H

#include <stdbool.h>
#include <stddef.h>

struct watch_batch {
	char **paths; /* files and folders that changed, absolute */
	size_t n;
	bool structural; /* something appeared, vanished or was renamed */
};

typedef void watch_fn(void *arg, const struct watch_batch *batch);

struct watch;

/*
 * Start watching the folders in `dirs` (n of them, absolute) and their
 * subfolders. Returns NULL with a logged error when inotify cannot be had
 * (the limits of /proc/sys/fs/inotify): the caller goes on without.
 */
struct watch *watch_start(const char *const *dirs, size_t n, watch_fn *fn,
			  void *arg);

/* Stop the thread and free the watcher. */
void watch_stop(struct watch *w);

#endif
