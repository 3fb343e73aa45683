/*
 * tmptree.h - scratch folders for the unit tests: make one, fill it with
 * files, copy a tree into it, remove it again.
 *
 * Every helper returns 0 or -1 (errno set) or a malloc'ed string, and prints
 * nothing; the tests CHECK the results.
 */
#ifndef AIWGFS_TMPTREE_H
#define AIWGFS_TMPTREE_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/util.h"

/* A new empty folder below $TMPDIR (or /tmp), e.g. "aiwgfs-buf-XXXXXX". */
static inline char *tmp_dir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	struct buf b = BUF_INIT;
	char *p;

	if (!base || !*base)
		base = "/tmp";
	buf_addf(&b, "%s/aiwgfs-%s-XXXXXX", base, tag);
	p = buf_detach(&b, NULL);
	if (p && !mkdtemp(p)) {
		free(p);
		return NULL;
	}
	return p;
}

/* "a/b/c" made with every parent, like mkdir -p. */
static inline int tmp_mkdirs(const char *path)
{
	char tmp[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(tmp))
		return -1;
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

/* Write `len` bytes to dir/rel, creating the folders on the way. */
static inline int tmp_write(const char *dir, const char *rel, const void *data,
			    size_t len)
{
	char *path = path_join(dir, rel);
	char *slash = path ? strrchr(path, '/') : NULL;
	int fd, rc = -1;

	if (!path)
		return -1;
	if (slash) {
		*slash = '\0';
		rc = tmp_mkdirs(path);
		*slash = '/';
		if (rc)
			goto out;
	}
	rc = -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto out;
	if (write(fd, data, len) == (ssize_t)len)
		rc = 0;
	if (close(fd))
		rc = -1;
out:
	free(path);
	return rc;
}

static inline int tmp_write_str(const char *dir, const char *rel,
				const char *text)
{
	return tmp_write(dir, rel, text, strlen(text));
}

static inline int tmp_rm_one(const char *path, const struct stat *st, int type,
			     struct FTW *ftw)
{
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* Remove a tree; symlinks are removed, never followed. */
static inline int tmp_rm_tree(const char *path)
{
	if (!path)
		return -1;
	return nftw(path, tmp_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The copy in progress: nftw() takes no argument for its callback. */
static const char *tmp_copy_src, *tmp_copy_dst;

static inline int tmp_copy_file(const char *from, const char *to, mode_t mode)
{
	struct buf b = BUF_INIT;
	int fd, rc = -1;

	if (buf_read_file(&b, AT_FDCWD, from, 64u << 20))
		return -1;
	fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
	if (fd >= 0) {
		if (write(fd, b.data, b.len) == (ssize_t)b.len)
			rc = 0;
		if (fchmod(fd, mode & 07777) || close(fd))
			rc = -1;
	}
	buf_release(&b);
	return rc;
}

static inline int tmp_copy_one(const char *path, const struct stat *st,
			       int type, struct FTW *ftw)
{
	const char *rel = path + strlen(tmp_copy_src);
	char *to;
	int rc = -1;

	while (*rel == '/')
		rel++;
	to = *rel ? path_join(tmp_copy_dst, rel) : strdup(tmp_copy_dst);

	if (!to)
		return -1;
	if (type == FTW_D)
		rc = mkdir(to, st->st_mode & 07777) && errno != EEXIST ? -1 : 0;
	else if (type == FTW_F && S_ISREG(st->st_mode))
		rc = tmp_copy_file(path, to, st->st_mode);
	else if (type == FTW_SL || type == FTW_SLN) {
		char target[PATH_MAX];
		ssize_t n = readlink(path, target, sizeof(target) - 1);

		if (n >= 0) {
			target[n] = '\0';
			rc = symlink(target, to);
		}
	}
	free(to);
	return rc;
}

/* Copy the tree `src` into the existing folder `dst`, modes kept. */
static inline int tmp_copy_tree(const char *src, const char *dst)
{
	tmp_copy_src = src;
	tmp_copy_dst = dst;
	return nftw(src, tmp_copy_one, 16, FTW_PHYS);
}

/* The examples folder the test runner points at, resolved; caller frees. */
static inline char *tmp_examples(const char *sub)
{
	const char *dir = getenv("AIWGFS_EXAMPLES");
	char *path, *real;

	if (!dir) {
		fprintf(stderr, "AIWGFS_EXAMPLES is not set\n");
		exit(2);
	}
	path = path_join(dir, sub);
	real = path ? realpath(path, NULL) : NULL;
	free(path);
	if (!real) {
		fprintf(stderr, "cannot find examples '%s/%s'\n", dir, sub);
		exit(2);
	}
	return real;
}

#endif
