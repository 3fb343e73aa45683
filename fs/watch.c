/*
 * watch.c - inotify over the canonical tree, changes coalesced in batches.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aiwgfs/log.h"
#include "aiwgfs/util.h"
#include "watch.h"

/* A batch closes after this long without events, or this long at most. */
#define QUIET_MS	3
#define BATCH_MAX_MS	50
#define WATCH_MAX_DEPTH 32

#define DIR_EVENTS                                                             \
	(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM |  \
	 IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF |             \
	 IN_DONT_FOLLOW | IN_ONLYDIR)
/*
 * Events after which the paths in a batch do not say all that changed: a
 * folder that came, went or moved (every file below it), or lost events.
 * A file that appears, vanishes or is renamed over (an editor's save) is
 * named by its path like any other change.
 */
#define STRUCTURAL (IN_DELETE_SELF | IN_MOVE_SELF | IN_Q_OVERFLOW)

struct watch {
	int fd;	     /* inotify */
	int stop_fd; /* eventfd */
	pthread_t thread;
	watch_fn *fn;
	void *arg;
	char **paths; /* by watch descriptor */
	size_t npaths;
	struct watch_batch batch;
	size_t batch_cap;
};

static int remember(struct watch *w, int wd, const char *path)
{
	size_t want = (size_t)wd + 1, cap = w->npaths;

	if (want > w->npaths) {
		if (array_reserve(&w->paths, &cap, want, sizeof(*w->paths)))
			return -ENOMEM;
		memset(w->paths + w->npaths, 0,
		       (want - w->npaths) * sizeof(*w->paths));
		w->npaths = want;
	}
	free(w->paths[wd]);
	w->paths[wd] = strdup(path);
	return w->paths[wd] ? 0 : -ENOMEM;
}

/* Watch `dir` and every folder below it. */
static int add_tree(struct watch *w, const char *dir, int depth)
{
	struct dirent *de;
	DIR *d;
	int wd, fd;

	if (depth > WATCH_MAX_DEPTH)
		return 0;
	wd = inotify_add_watch(w->fd, dir, DIR_EVENTS);
	if (wd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		log_error("cannot watch '%s': %s; edits there show only "
			  "after a remount (raise fs.inotify.max_user_watches)",
			  dir, strerror(errno));
		return -errno;
	}
	if (remember(w, wd, dir))
		return -ENOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((de = readdir(d))) {
		struct stat st;
		char *sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode))
			continue;
		sub = path_join(dir, de->d_name);
		if (sub)
			add_tree(w, sub, depth + 1);
		free(sub);
	}
	closedir(d);
	return 0;
}

static void batch_add(struct watch *w, const char *dir, const char *name)
{
	struct watch_batch *b = &w->batch;
	char *path = *name ? path_join(dir, name) : strdup(dir);

	if (!path)
		return;
	for (size_t i = 0; i < b->n; i++) {
		if (!strcmp(b->paths[i], path)) {
			free(path);
			return;
		}
	}
	if (array_reserve(&b->paths, &w->batch_cap, b->n + 1,
			  sizeof(*b->paths))) {
		free(path);
		b->structural = true;
		return;
	}
	b->paths[b->n++] = path;
}

static void batch_clear(struct watch *w)
{
	for (size_t i = 0; i < w->batch.n; i++)
		free(w->batch.paths[i]);
	w->batch.n = 0;
	w->batch.structural = false;
}

/* Take the events waiting on the inotify descriptor into the batch. */
static void read_events(struct watch *w)
{
	char buf[16384]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n = read(w->fd, buf, sizeof(buf));

	for (char *p = buf; n > 0 && p < buf + n;) {
		const struct inotify_event *ev = (const void *)p;
		const char *dir = ev->wd >= 0 && (size_t)ev->wd < w->npaths
					  ? w->paths[ev->wd]
					  : NULL;

		p += sizeof(*ev) + ev->len;
		if ((ev->mask & STRUCTURAL) ||
		    ((ev->mask & IN_ISDIR) &&
		     (ev->mask &
		      (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO))))
			w->batch.structural = true;
		if (!dir)
			continue;
		batch_add(w, dir, ev->len ? ev->name : "");
		/* A folder that appears is watched from now on. */
		if ((ev->mask & IN_ISDIR) &&
		    (ev->mask & (IN_CREATE | IN_MOVED_TO)) && ev->len) {
			char *sub = path_join(dir, ev->name);

			if (sub)
				add_tree(w, sub, 0);
			free(sub);
		}
		if (ev->mask & IN_IGNORED) {
			free(w->paths[ev->wd]);
			w->paths[ev->wd] = NULL;
		}
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *watch_thread(void *arg)
{
	struct watch *w = arg;
	struct pollfd pfd[2] = { { .fd = w->fd, .events = POLLIN },
				 { .fd = w->stop_fd, .events = POLLIN } };
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		int64_t first;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		if (!(pfd[0].revents & POLLIN))
			continue;
		read_events(w);
		/* Coalesce: an editor's save is several events. */
		first = now_ms();
		while (now_ms() - first < BATCH_MAX_MS &&
		       poll(pfd, 1, QUIET_MS) > 0)
			read_events(w);
		if (w->batch.n || w->batch.structural)
			w->fn(w->arg, &w->batch);
		batch_clear(w);
	}
	return NULL;
}

struct watch *watch_start(const char *const *dirs, size_t n, watch_fn *fn,
			  void *arg)
{
	struct watch *w = calloc(1, sizeof(*w));
	int rc = 0;

	if (!w)
		return NULL;
	w->fn = fn;
	w->arg = arg;
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	w->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (w->fd < 0 || w->stop_fd < 0) {
		log_error("cannot watch the source: %s; edits show only "
			  "after a remount",
			  strerror(errno));
		goto out_free;
	}
	for (size_t i = 0; !rc && i < n; i++)
		rc = add_tree(w, dirs[i], 0);
	if (rc || pthread_create(&w->thread, NULL, watch_thread, w))
		goto out_free;
	return w;
out_free:
	if (w->fd >= 0)
		close(w->fd);
	if (w->stop_fd >= 0)
		close(w->stop_fd);
	for (size_t i = 0; i < w->npaths; i++)
		free(w->paths[i]);
	free(w->paths);
	free(w);
	return NULL;
}

void watch_stop(struct watch *w)
{
	uint64_t one = 1;

	if (!w)
		return;
	if (write(w->stop_fd, &one, sizeof(one)) == sizeof(one))
		pthread_join(w->thread, NULL);
	close(w->fd);
	close(w->stop_fd);
	for (size_t i = 0; i < w->npaths; i++)
		free(w->paths[i]);
	batch_clear(w);
	free(w->batch.paths);
	free(w->paths);
	free(w);
}
