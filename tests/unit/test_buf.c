/*
 * test_buf.c - growable byte buffers and reading whole files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aiwgfs/buf.h"
#include "check.h"
#include "aiwgfs/util.h"
#include "tmptree.h"

/* The invariants of buf.h: never NULL, NUL-terminated, len < cap. */
static bool buf_ok(const struct buf *b)
{
	if (!b->data || b->data[b->len] != '\0')
		return false;
	return b->cap ? b->len < b->cap : b->len == 0;
}

static void test_init(void)
{
	struct buf a = BUF_INIT, b;

	CHECK(buf_ok(&a));
	CHECK_STR(a.data, "");
	buf_init(&b);
	CHECK(buf_ok(&b));
	CHECK(b.len == 0 && b.cap == 0);
	/* Releasing a buffer that owns nothing is fine, and repeatable. */
	buf_release(&b);
	buf_release(&b);
	CHECK(buf_ok(&b));
	buf_reset(&a);
	CHECK(buf_ok(&a));
}

static void test_add(void)
{
	struct buf b = BUF_INIT;
	const char bin[] = { 'x', '\0', 'y' };

	CHECK(buf_add(&b, "abc", 3) == 0);
	CHECK(buf_adds(&b, "def") == 0);
	CHECK(buf_addch(&b, 'g') == 0);
	CHECK(buf_add(&b, NULL, 0) == 0);
	CHECK_STR(b.data, "abcdefg");
	CHECK(b.len == 7);
	CHECK(buf_ok(&b));

	/* Bytes, NUL included, are kept; the terminator follows them. */
	CHECK(buf_add(&b, bin, sizeof(bin)) == 0);
	CHECK(b.len == 10);
	CHECK(!memcmp(b.data + 7, bin, 3));
	CHECK(buf_ok(&b));

	buf_reset(&b);
	CHECK(b.len == 0);
	CHECK_STR(b.data, "");
	CHECK(b.cap > 0);
	CHECK(buf_ok(&b));
	buf_release(&b);
	CHECK(b.cap == 0 && b.len == 0);
}

/* Many small appends cross several reallocations; nothing is lost. */
static void test_add_many(void)
{
	struct buf b = BUF_INIT;
	char expect[5000];
	bool ok = true;

	for (size_t i = 0; i < sizeof(expect) - 1; i++) {
		expect[i] = (char)('a' + i % 26);
		ok &= buf_addch(&b, expect[i]) == 0 && buf_ok(&b);
	}
	expect[sizeof(expect) - 1] = '\0';
	CHECK(ok);
	CHECK(b.len == sizeof(expect) - 1);
	CHECK_STR(b.data, expect);
	buf_release(&b);
}

static void test_addf(void)
{
	struct buf b = BUF_INIT;
	char expect[512], word[101];
	size_t cap;

	/* From nothing: the first allocation must already hold it all. */
	CHECK(buf_addf(&b, "%d-%s", 42, "x") == 0);
	CHECK_STR(b.data, "42-x");
	CHECK(buf_ok(&b));

	/* Past the first 64 bytes in one call. */
	memset(word, 'w', 100);
	word[100] = '\0';
	CHECK(buf_addf(&b, "[%s]", word) == 0);
	snprintf(expect, sizeof(expect), "42-x[%s]", word);
	CHECK_STR(b.data, expect);
	CHECK(b.len == strlen(expect));
	CHECK(buf_ok(&b));

	/* Exactly filling what is left, then one byte more. */
	buf_reset(&b);
	cap = b.cap;
	CHECK(cap > 1 && cap <= sizeof(expect));
	memset(expect, 'e', cap - 1);
	expect[cap - 1] = '\0';
	CHECK(buf_addf(&b, "%s", expect) == 0);
	CHECK(b.cap == cap);
	CHECK_STR(b.data, expect);
	CHECK(buf_addf(&b, "%c", 'z') == 0);
	CHECK(b.cap > cap);
	CHECK(b.len == cap);
	CHECK(b.data[cap - 1] == 'z');
	CHECK(buf_ok(&b));
	buf_release(&b);

	/* Partly full, then a piece that does not fit: no stale bytes. */
	buf_adds(&b, "0123456789012345678901234567890123456789012345678");
	CHECK(buf_addf(&b, "<%s|%05d|%.3f>", "abcdefghijklmnopqrstuvwxyz", -12,
		       1.5) == 0);
	CHECK_STR(b.data, "0123456789012345678901234567890123456789012345678"
			  "<abcdefghijklmnopqrstuvwxyz|-0012|1.500>");
	CHECK(buf_ok(&b));

	/* An empty format appends nothing but still terminates. */
	CHECK(buf_addf(&b, "%s", "") == 0);
	CHECK(buf_ok(&b));
	buf_release(&b);

	{
		struct buf e = BUF_INIT;

		CHECK(buf_addf(&e, "%s", "") == 0);
		CHECK(e.len == 0);
		CHECK(buf_ok(&e));
		buf_release(&e);
	}
}

/* Formatted text of several kilobytes, in pieces. */
static void test_addf_long(void)
{
	struct buf b = BUF_INIT, want = BUF_INIT;

	for (int i = 0; i < 300; i++) {
		char line[128];

		CHECK(buf_addf(&b, "line %03d: %*s|\n", i, i % 70, "") == 0);
		snprintf(line, sizeof(line), "line %03d: %*s|\n", i, i % 70,
			 "");
		buf_adds(&want, line);
	}
	CHECK(b.len == want.len);
	CHECK_STR(b.data, want.data);
	CHECK(buf_ok(&b));
	buf_release(&b);
	buf_release(&want);
}

static void test_grow(void)
{
	struct buf b = BUF_INIT;

	CHECK(buf_grow(&b, 0) == 0);
	CHECK(buf_ok(&b));
	CHECK(buf_grow(&b, 1000) == 0);
	CHECK(b.cap >= 1001);
	CHECK(buf_ok(&b));
	buf_adds(&b, "keep");
	CHECK(buf_grow(&b, SIZE_MAX) == -ENOMEM);
	CHECK(buf_grow(&b, SIZE_MAX - 4) == -ENOMEM);
	CHECK_STR(b.data, "keep");
	CHECK(buf_ok(&b));
	buf_release(&b);
}

static void test_detach(void)
{
	struct buf b = BUF_INIT;
	size_t len = 99;
	char *p;

	/* An empty buffer still hands out a string the caller frees. */
	p = buf_detach(&b, &len);
	CHECK(p != NULL);
	CHECK(p != buf_empty);
	CHECK(len == 0);
	CHECK(p && p[0] == '\0');
	free(p);

	buf_adds(&b, "hello");
	p = buf_detach(&b, &len);
	CHECK_STR(p, "hello");
	CHECK(len == 5);
	CHECK(b.len == 0 && b.cap == 0);
	CHECK(buf_ok(&b));
	free(p);

	buf_adds(&b, "again");
	p = buf_detach(&b, NULL);
	CHECK_STR(p, "again");
	free(p);
}

static void test_read_file(const char *dir)
{
	struct buf b = BUF_INIT;
	char *path = path_join(dir, "hello.txt");
	char big[200000];
	int fd;

	CHECK(tmp_write_str(dir, "hello.txt", "hello\nworld\n") == 0);
	CHECK(buf_read_file(&b, AT_FDCWD, path, 100) == 0);
	CHECK_STR(b.data, "hello\nworld\n");
	CHECK(b.len == 12);
	CHECK(buf_ok(&b));

	/* The limit is inclusive. */
	CHECK(buf_read_file(&b, AT_FDCWD, path, 12) == 0);
	CHECK(b.len == 12);
	CHECK(buf_read_file(&b, AT_FDCWD, path, 11) == -EFBIG);
	CHECK(b.len == 0);
	CHECK(buf_ok(&b));

	/* Relative to a folder descriptor. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(buf_read_file(&b, fd, "hello.txt", 100) == 0);
	CHECK_STR(b.data, "hello\nworld\n");
	CHECK(buf_read_file(&b, fd, "missing", 100) == -ENOENT);
	CHECK(b.len == 0);
	close(fd);

	/* Larger than one read, binary bytes included. */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 % 251);
	CHECK(tmp_write(dir, "big.bin", big, sizeof(big)) == 0);
	free(path);
	path = path_join(dir, "big.bin");
	CHECK(buf_read_file(&b, AT_FDCWD, path, sizeof(big)) == 0);
	CHECK(b.len == sizeof(big));
	CHECK(b.len == sizeof(big) && !memcmp(b.data, big, sizeof(big)));
	CHECK(buf_ok(&b));
	CHECK(buf_read_file(&b, AT_FDCWD, path, sizeof(big) - 1) == -EFBIG);
	CHECK(b.len == 0);
	CHECK(buf_read_file(&b, AT_FDCWD, path, 65536) == -EFBIG);
	free(path);

	/* An empty file reads as an empty, terminated buffer. */
	CHECK(tmp_write(dir, "empty", "", 0) == 0);
	buf_adds(&b, "old contents");
	path = path_join(dir, "empty");
	CHECK(buf_read_file(&b, AT_FDCWD, path, 100) == 0);
	CHECK(b.len == 0);
	CHECK_STR(b.data, "");
	CHECK(buf_read_file(&b, AT_FDCWD, path, 0) == 0);
	CHECK(b.len == 0);
	CHECK(buf_ok(&b));
	free(path);

	/* Missing files and folders. */
	path = path_join(dir, "nope");
	buf_adds(&b, "old");
	CHECK(buf_read_file(&b, AT_FDCWD, path, 100) == -ENOENT);
	CHECK(b.len == 0);
	CHECK(buf_ok(&b));
	free(path);
	CHECK(buf_read_file(&b, AT_FDCWD, dir, 100) == -EISDIR);
	CHECK(b.len == 0);
	buf_release(&b);
}

/*
 * Files in /proc report a size of 0 but have contents: they are read to the
 * end, and the limit still holds for what is actually read.
 */
static void test_read_proc(void)
{
	const char *path = "/proc/self/status";
	struct buf b = BUF_INIT;
	struct stat st;

	if (stat(path, &st) || st.st_size != 0)
		return;
	CHECK(buf_read_file(&b, AT_FDCWD, path, 1 << 20) == 0);
	CHECK(b.len > 16);
	CHECK(strstr(b.data, "Name:") != NULL);
	CHECK(buf_ok(&b));
	CHECK(buf_read_file(&b, AT_FDCWD, path, 16) == -EFBIG);
	CHECK(b.len == 0);
	CHECK(buf_ok(&b));
	buf_release(&b);
}

static void test_read_symlink(const char *dir)
{
	struct buf b = BUF_INIT;
	char *link = path_join(dir, "link.txt");
	char *linkdir = path_join(dir, "linkdir");
	char *through = path_join(linkdir, "inner.txt");
	char *dangling = path_join(dir, "dangling");
	int rc;

	CHECK(tmp_write_str(dir, "target.txt", "secret") == 0);
	CHECK(symlink("target.txt", link) == 0);
	buf_adds(&b, "old");
	rc = buf_read_file(&b, AT_FDCWD, link, 100);
	CHECK(rc == -ELOOP);
	CHECK(b.len == 0);
	CHECK(strstr(b.data, "secret") == NULL);

	CHECK(symlink("does-not-exist", dangling) == 0);
	rc = buf_read_file(&b, AT_FDCWD, dangling, 100);
	CHECK(rc == -ELOOP);

	/* Only the last component is guarded: a linked folder is fine. */
	CHECK(tmp_write_str(dir, "sub/inner.txt", "inner") == 0);
	CHECK(symlink("sub", linkdir) == 0);
	CHECK(buf_read_file(&b, AT_FDCWD, through, 100) == 0);
	CHECK_STR(b.data, "inner");
	CHECK(buf_read_file(&b, AT_FDCWD, linkdir, 100) == -ELOOP);
	buf_release(&b);
	free(link);
	free(linkdir);
	free(through);
	free(dangling);
}

static void test_read_fifo(const char *dir)
{
	struct buf b = BUF_INIT;
	char *fifo = path_join(dir, "fifo");
	int rc;

	CHECK(mkfifo(fifo, 0600) == 0);
	/* With no writer, a blocking open or read would hang: die instead. */
	alarm(10);
	buf_adds(&b, "old");
	rc = buf_read_file(&b, AT_FDCWD, fifo, 100);
	alarm(0);
	CHECK(rc < 0);
	CHECK(b.len == 0);
	CHECK(buf_ok(&b));
	buf_release(&b);
	free(fifo);
}

static void test_read_unreadable(const char *dir)
{
	struct buf b = BUF_INIT;
	char *path = path_join(dir, "locked");

	CHECK(tmp_write_str(dir, "locked", "x") == 0);
	CHECK(chmod(path, 0) == 0);
	/* root reads it anyway; everyone else gets EACCES. */
	if (geteuid() != 0)
		CHECK(buf_read_file(&b, AT_FDCWD, path, 100) == -EACCES);
	chmod(path, 0600);
	buf_release(&b);
	free(path);
}

/* Reads below a root never pass through a symlinked folder. */
static void test_read_beneath(const char *dir)
{
	struct buf b = BUF_INIT;
	char *root = path_join(dir, "root"), *out = path_join(dir, "outside");
	char *good = path_join(root, "a/b/file.md");
	char *via_link = path_join(root, "link/file.md");
	char *link = path_join(root, "link");

	CHECK(tmp_write_str(dir, "root/a/b/file.md", "inside") == 0);
	CHECK(tmp_write_str(dir, "outside/file.md", "secret") == 0);
	CHECK(symlink(out, link) == 0);
	CHECK(buf_read_file_beneath(&b, root, good, 1024) == 0);
	CHECK_STR(b.data, "inside");
	/* The same file by plain path is reachable; beneath, it is not. */
	CHECK(buf_read_file(&b, AT_FDCWD, via_link, 1024) == 0);
	CHECK(buf_read_file_beneath(&b, root, via_link, 1024) == -ELOOP);
	CHECK(b.len == 0);
	CHECK(buf_read_file_beneath(&b, root, out, 1024) == -EXDEV);
	CHECK(buf_read_file_beneath(&b, good, good, 1024) == -EXDEV);
	buf_release(&b);
	free(root);
	free(out);
	free(good);
	free(via_link);
	free(link);
}

int main(void)
{
	char *dir = tmp_dir("buf");

	CHECK(dir != NULL);
	if (!dir)
		return check_done();
	test_init();
	test_add();
	test_add_many();
	test_addf();
	test_addf_long();
	test_grow();
	test_detach();
	test_read_file(dir);
	test_read_proc();
	test_read_symlink(dir);
	test_read_fifo(dir);
	test_read_unreadable(dir);
	test_read_beneath(dir);
	CHECK(tmp_rm_tree(dir) == 0);
	free(dir);
	return check_done();
}
