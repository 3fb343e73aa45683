/*
 * buf.h - growable byte buffers.
 *
 * Invariants: once initialized with BUF_INIT or buf_init(), `data` is never
 * NULL and data[len] is always a NUL byte (so a buffer of text is also a C
 * string), len < cap. Functions that grow the buffer abort the process on
 * allocation failure only through buf_grow(); callers on a request path use
 * the checked variants, which return -ENOMEM and leave the buffer unchanged.
 */
#ifndef AIWGFS_BUF_H
#define AIWGFS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

extern char buf_empty[];
#define BUF_INIT                                                               \
	{                                                                      \
		buf_empty, 0, 0                                                \
	}

/* Make `b` an empty buffer that owns no memory. */
void buf_init(struct buf *b);

/* Free what `b` owns and make it empty again. */
void buf_release(struct buf *b);

/* Ensure room for `extra` more bytes. Returns 0 or -ENOMEM. */
int buf_grow(struct buf *b, size_t extra);

/* Append bytes, a C string, or formatted text. Return 0 or -ENOMEM. */
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Forget the contents, keep the memory. */
void buf_reset(struct buf *b);

/*
 * Hand the bytes to the caller, who frees them with free(); `b` is left
 * empty. Never returns NULL unless memory runs out (then the buffer is
 * unchanged).
 */
char *buf_detach(struct buf *b, size_t *len);

/*
 * Read a whole file below `dirfd` (AT_FDCWD for a path) into `b`, which is
 * reset first. Symlinks at the last component are not followed, and only
 * regular files are read, so a FIFO never blocks. Files over `limit` bytes
 * are refused with -EFBIG. Returns 0 or a negative errno.
 */
int buf_read_file(struct buf *b, int dirfd, const char *path, size_t limit);

/*
 * Like buf_read_file(), for `path` below the folder `root` (both absolute,
 * `path` starting with `root` and "/"), reached without following any
 * symlink on the way: a folder swapped for a symlink to somewhere else
 * gives -ELOOP instead of that other file. A path outside `root` gives
 * -EXDEV.
 */
int buf_read_file_beneath(struct buf *b, const char *root, const char *path,
			  size_t limit);

#endif
