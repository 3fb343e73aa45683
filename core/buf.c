/*
 * buf.c - growable byte buffers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "aiwgfs/buf.h"

char buf_empty[1];

void buf_init(struct buf *b)
{
	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	buf_init(b);
}

int buf_grow(struct buf *b, size_t extra)
{
	size_t want, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return -ENOMEM;
	want = b->len + extra + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	p = b->cap ? realloc(b->data, cap) : malloc(cap);
	if (!p)
		return -ENOMEM;
	if (!b->cap)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return 0;
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	if (buf_grow(b, len))
		return -ENOMEM;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(b->data + b->len, b->cap ? b->cap - b->len : 0, fmt,
		      copy);
	va_end(copy);
	if (n < 0)
		return -EINVAL;
	if (b->len + (size_t)n + 1 > b->cap) {
		if (buf_grow(b, (size_t)n))
			return -ENOMEM;
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
	return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->data[0] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (!b->cap && buf_grow(b, 0))
		return NULL;
	p = b->data;
	if (len)
		*len = b->len;
	buf_init(b);
	return p;
}

int buf_read_file(struct buf *b, int dirfd, const char *path, size_t limit)
{
	struct stat st;
	ssize_t n;
	int fd, rc = 0;

	buf_reset(b);
	fd = openat(dirfd, path,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		rc = -errno;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out_close;
	}
	if ((size_t)st.st_size > limit) {
		rc = -EFBIG;
		goto out_close;
	}
	/*
	 * Room for the size seen and a byte more: one allocation of about
	 * the file's size (a fixed 64 KiB was an mmap() and a munmap() per
	 * small file in the daemon). The size may change while we read, so
	 * read on until end of file, growing as needed.
	 */
	if (buf_grow(b, (size_t)st.st_size + 1)) {
		rc = -ENOMEM;
		goto out_close;
	}
	for (;;) {
		if (b->len + 1 == b->cap && buf_grow(b, 65536)) {
			rc = -ENOMEM;
			goto out_close;
		}
		n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto out_close;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		if (b->len > limit) {
			rc = -EFBIG;
			goto out_close;
		}
	}
	b->data[b->len] = '\0';
out_close:
	close(fd);
	if (rc)
		buf_reset(b);
	return rc;
}

/*
 * The folder `dir` (relative to `root`, e.g. "a/b") opened as an O_PATH
 * descriptor without following any symlink on the way, part by part: for
 * kernels without openat2().
 */
static int open_beneath_walk(int root, const char *dir)
{
	char name[256];
	int fd = dup(root), next, rc;

	for (const char *p = dir; fd >= 0 && *p;) {
		size_t len = strcspn(p, "/");

		if (!len || len >= sizeof(name)) {
			close(fd);
			return -EINVAL;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		next = openat(fd, name,
			      O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		rc = -errno;
		close(fd);
		if (next < 0)
			return rc == -ENOTDIR ? -ELOOP : rc;
		fd = next;
		p += len + (p[len] == '/');
	}
	return fd < 0 ? -errno : fd;
}

/*
 * The folder `dir` below `root` as an O_PATH descriptor, reached without
 * following symlinks. openat2() resolves it in one call (a walk part by
 * part costs a system call per part, which showed in the time an edit
 * takes to show in large trees).
 */
static int open_beneath(int root, const char *dir)
{
	static int no_openat2;
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	if (!*dir) {
		fd = dup(root);
		return fd < 0 ? -errno : (int)fd;
	}
	if (!__atomic_load_n(&no_openat2, __ATOMIC_RELAXED)) {
		fd = syscall(SYS_openat2, root, dir, &how, sizeof(how));
		if (fd >= 0)
			return (int)fd;
		if (errno != ENOSYS)
			return errno == ENOTDIR ? -ELOOP : -errno;
		__atomic_store_n(&no_openat2, 1, __ATOMIC_RELAXED);
	}
	return open_beneath_walk(root, dir);
}

int buf_read_file_beneath(struct buf *b, const char *root, const char *path,
			  size_t limit)
{
	size_t rl = strlen(root);
	const char *rel = path + rl + 1, *last;
	char *dir;
	int top, fd, rc;

	buf_reset(b);
	if (strncmp(path, root, rl) || path[rl] != '/')
		return -EXDEV;
	/* no ".." at all: RESOLVE_BENEATH alone would allow one that stays */
	for (const char *p = rel; *p; p += strcspn(p, "/"), p += *p == '/')
		if (p[0] == '.' && p[1] == '.' && (!p[2] || p[2] == '/'))
			return -EINVAL;
	last = strrchr(rel, '/');
	dir = last ? strndup(rel, (size_t)(last - rel)) : strdup("");
	if (!dir)
		return -ENOMEM;
	top = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	fd = top < 0 ? -errno : open_beneath(top, dir);
	free(dir);
	if (top >= 0)
		close(top);
	if (fd < 0)
		return fd;
	rc = buf_read_file(b, fd, last ? last + 1 : rel, limit);
	close(fd);
	return rc;
}
