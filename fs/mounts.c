/*
 * mounts.c - finding, detaching and cleaning up after aiwgfs mounts, and
 * the block aiwgfs keeps in git's exclude file while mounted.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/log.h"
#include "aiwgfs/util.h"
#include "fs.h"

#define FSNAME_PREFIX "aiwgfs:"

/* Undo the octal escapes of /proc/self/mountinfo (\040 for a space). */
static char *unescape_octal(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	if (!out)
		return NULL;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/* Whether `path` is `dir` or below it. */
static bool path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return true;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/*
 * Parse one mountinfo line: "id parent major:minor root mountpoint opts
 * [optional fields] - fstype source superopts".
 */
static int parse_line(char *line, char **mnt, char **fstype, char **source)
{
	char *field[5], *sep, *save = NULL, *tok;
	int i = 0;

	for (tok = strtok_r(line, " ", &save); tok && i < 5;
	     tok = strtok_r(NULL, " ", &save))
		field[i++] = tok;
	if (i < 5)
		return -1;
	*mnt = field[4];
	sep = strstr(save ? save : "", "- ");
	if (!sep)
		return -1;
	*fstype = strtok_r(sep + 2, " ", &save);
	*source = strtok_r(NULL, " ", &save);
	return *fstype && *source ? 0 : -1;
}

int mounts_list(const char *repo, struct mount_entry **out)
{
	struct mount_entry *v = NULL;
	size_t cap = 0, n = 0;
	char *line = NULL;
	size_t linecap = 0;
	FILE *f;

	*out = NULL;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	while (getline(&line, &linecap, f) > 0) {
		char *mnt, *fstype, *source, *p;
		struct mount_entry *e;

		line[strcspn(line, "\n")] = '\0';
		if (parse_line(line, &mnt, &fstype, &source) ||
		    strcmp(fstype, "fuse.aiwgfs"))
			continue;
		p = unescape_octal(mnt);
		if (!p || !path_within(p, repo) ||
		    array_reserve(&v, &cap, n + 1, sizeof(*v))) {
			free(p);
			continue;
		}
		e = &v[n++];
		e->mountpoint = p;
		source = strchr(source, ':');
		e->source = unescape_octal(source ? source + 1 : "");
	}
	free(line);
	fclose(f);
	*out = v;
	return (int)n;
}

void mounts_free(struct mount_entry *m, int n)
{
	for (int i = 0; i < n; i++) {
		free(m[i].mountpoint);
		free(m[i].source);
	}
	free(m);
}

char *mounts_fsname(const char *source)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, FSNAME_PREFIX);
	for (const char *p = source; *p; p++) {
		/* libfuse splits options at commas; a backslash escapes. */
		if (*p == ',' || *p == '\\')
			buf_addch(&b, '\\');
		buf_addch(&b, *p);
	}
	return buf_detach(&b, NULL);
}

bool mounts_helper_running(const char *repo)
{
	size_t rlen = strlen(repo);
	struct dirent *de;
	bool found = false;
	DIR *proc = opendir("/proc");

	while (proc && !found && (de = readdir(proc))) {
		char path[300], args[8192];
		const char *arg, *end;
		ssize_t n;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, args, sizeof(args) - 1);
		close(fd);
		if (n <= 0)
			continue;
		args[n] = '\0';
		end = args + n;
		arg = strrchr(args, '/') ? strrchr(args, '/') + 1 : args;
		if (strcmp(arg, "fusermount3"))
			continue;
		for (arg = args; arg < end; arg += strlen(arg) + 1)
			if (!strncmp(arg, repo, rlen) &&
			    (arg[rlen] == '/' || !arg[rlen]))
				found = true;
	}
	if (proc)
		closedir(proc);
	return found;
}

int mounts_detach(const char *mountpoint)
{
	pid_t pid;
	int status;

	if (geteuid() == 0) {
		if (!umount2(mountpoint, MNT_DETACH | UMOUNT_NOFOLLOW))
			return 0;
		/* Not a mount point (any more): fusermount3's auto_unmount
		 * may have taken it since the mount table was read. */
		if (errno == EINVAL || errno == ENOENT)
			return 0;
		if (errno != EPERM)
			return -errno;
	}
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execlp("fusermount3", "fusermount3", "-u", "-z", "-q", "--",
		       mountpoint, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -ENOENT
								       : -EPERM;
	return 0;
}

void mounts_mark_placeholder(int dirfd, const char *name)
{
	char path[64];
	int fd = openat(dirfd, name,
			O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	setxattr(path, MOUNTS_PLACEHOLDER_XATTR, "1", 1, 0);
	close(fd);
}

static bool is_marked(const char *path)
{
	char mark[8];

	return lgetxattr(path, MOUNTS_PLACEHOLDER_XATTR, mark, sizeof(mark)) >=
	       0;
}

/*
 * Remove the marked folders at and below `path` that are empty once their
 * own marked subfolders are gone. Unmarked folders are searched but never
 * removed; symlinks are not followed. Bounded in depth like the scanner.
 */
static bool remove_marked(const char *path, int depth)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	if (depth > 32 || lstat(path, &st))
		return false;
	if (S_ISREG(st.st_mode))
		return !depth && !st.st_size && is_marked(path) &&
		       !unlink(path);
	if (!S_ISDIR(st.st_mode))
		return false;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d && fd >= 0)
		close(fd);
	while (d && (de = readdir(d))) {
		char *child;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") ||
		    !strcmp(de->d_name, ".."))
			continue;
		child = path_join(path, de->d_name);
		if (child)
			remove_marked(child, depth + 1);
		free(child);
	}
	if (d)
		closedir(d);
	return is_marked(path) && !rmdir(path);
}

/*
 * A placeholder is made under a temporary name, marked, then renamed into
 * place without replacing anything: a daemon killed at any point leaves
 * either nothing at `path` or a marked placeholder that umount removes,
 * never an unmarked one that would look like the user's.
 */
static char *placeholder_tmp(const char *path)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s" MOUNTS_PLACEHOLDER_TMP, path);
	return buf_detach(&b, NULL);
}

static int place(const char *tmp, const char *path, bool dir)
{
	int rc = 0;

	if (lsetxattr(tmp, MOUNTS_PLACEHOLDER_XATTR, "1", 1, 0))
		log_warning("cannot mark '%s' as aiwgfs's own (%s); if the "
			    "daemon is killed, remove the empty %s by hand",
			    path, strerror(errno), dir ? "folder" : "file");
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE)) {
		rc = -errno;
		if (dir)
			rmdir(tmp);
		else
			unlink(tmp);
	}
	return rc;
}

int mounts_make_placeholder(const char *path)
{
	char *tmp = placeholder_tmp(path);
	int rc;

	if (!tmp)
		return -ENOMEM;
	/* one left by a daemon killed before its rename */
	remove_marked(tmp, 0);
	rc = mkdir(tmp, 0755) ? -errno : place(tmp, path, true);
	free(tmp);
	return rc;
}

int mounts_make_placeholder_file(const char *path)
{
	char *tmp = placeholder_tmp(path);
	int fd, rc;

	if (!tmp)
		return -ENOMEM;
	remove_marked(tmp, 0);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0) {
		rc = -errno;
	} else {
		close(fd);
		rc = place(tmp, path, false);
	}
	free(tmp);
	return rc;
}

bool mounts_remove_placeholder(const char *path)
{
	char *tmp = placeholder_tmp(path);

	if (tmp)
		remove_marked(tmp, 0);
	free(tmp);
	return remove_marked(path, 0);
}

/* Read the "gitdir: X" of a .git file, resolved against `repo`. */
static char *read_gitdir_file(const char *repo, const char *dotgit)
{
	struct buf b = BUF_INIT;
	char *dir = NULL;
	size_t n;

	if (buf_read_file(&b, AT_FDCWD, dotgit, 4096) ||
	    strncmp(b.data, "gitdir: ", 8))
		goto out;
	n = strcspn(b.data + 8, "\r\n");
	b.data[8 + n] = '\0';
	dir = b.data[8] == '/' ? strdup(b.data + 8)
			       : path_join(repo, b.data + 8);
out:
	buf_release(&b);
	return dir;
}

char *git_exclude_path(const char *repo)
{
	char *dotgit = path_join(repo, ".git"), *gitdir = NULL;
	char *common = NULL, *result = NULL;
	struct buf b = BUF_INIT;
	struct stat st;

	if (!dotgit || lstat(dotgit, &st))
		goto out;
	if (S_ISDIR(st.st_mode)) {
		gitdir = dotgit;
		dotgit = NULL;
	} else if (S_ISREG(st.st_mode)) {
		gitdir = read_gitdir_file(repo, dotgit);
	}
	if (!gitdir)
		goto out;
	/* A worktree shares info/exclude with the main repository. */
	common = path_join(gitdir, "commondir");
	if (common && !buf_read_file(&b, AT_FDCWD, common, 4096) && b.len) {
		b.data[strcspn(b.data, "\r\n")] = '\0';
		free(common);
		common = b.data[0] == '/' ? strdup(b.data)
					  : path_join(gitdir, b.data);
	} else {
		free(common);
		common = strdup(gitdir);
	}
	if (common)
		result = path_join(common, "info/exclude");
out:
	buf_release(&b);
	free(common);
	free(gitdir);
	free(dotgit);
	return result;
}

/* Escape a path for a gitignore pattern anchored at the top. */
static int add_pattern(struct buf *b, const char *path)
{
	int rc = buf_addch(b, '/');

	for (const char *p = path; !rc && *p; p++) {
		if (strchr("\\*?[!# ", *p))
			rc = buf_addch(b, '\\');
		if (!rc)
			rc = buf_addch(b, *p);
	}
	return rc ? rc : buf_addch(b, '\n');
}

static int write_atomically(const char *path, const struct buf *b)
{
	char *tmp = NULL;
	struct buf name = BUF_INIT;
	int fd, rc = 0;

	buf_addf(&name, "%s.aiwgfs-%d", path, (int)getpid());
	tmp = name.data;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	if (write(fd, b->data, b->len) != (ssize_t)b->len || fsync(fd))
		rc = errno ? -errno : -EIO;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
out:
	buf_release(&name);
	return rc;
}

/*
 * The block that git_exclude_update() writes. When the file did not end in
 * a line break, the block brings one before it and its last line says so,
 * so that removing the block restores the file byte for byte.
 */
struct exclude_marks {
	struct buf begin;  /* "# >>> ...\n" */
	struct buf end;	   /* "# <<< ...\n" */
	struct buf end_nl; /* "# <<< ... line break ...\n" */
};

static void marks_init(struct exclude_marks *m, const char *repo)
{
	buf_init(&m->begin);
	buf_init(&m->end);
	buf_init(&m->end_nl);
	buf_addf(&m->begin, "# >>> aiwgfs views of %s (removed at unmount)\n",
		 repo);
	buf_addf(&m->end, "# <<< aiwgfs views of %s\n", repo);
	buf_addf(&m->end_nl,
		 "# <<< aiwgfs views of %s (and the line break before the "
		 "block)\n",
		 repo);
}

static void marks_release(struct exclude_marks *m)
{
	buf_release(&m->begin);
	buf_release(&m->end);
	buf_release(&m->end_nl);
}

/* Copy `old` to `out` without our block; whether there was one. */
static bool strip_block(const struct buf *old, const struct exclude_marks *m,
			struct buf *out)
{
	const char *p = strstr(old->data, m->begin.data), *q = NULL, *q_nl;
	size_t end_len = m->end.len;

	if (p) {
		q = strstr(p, m->end.data);
		q_nl = strstr(p, m->end_nl.data);
		if (q_nl && (!q || q_nl < q)) {
			q = q_nl;
			end_len = m->end_nl.len;
			if (p > old->data && p[-1] == '\n')
				p--;
		}
	}
	if (!q) {
		buf_add(out, old->data, old->len);
		return false;
	}
	buf_add(out, old->data, (size_t)(p - old->data));
	buf_adds(out, q + end_len);
	return true;
}

int git_exclude_update(const char *repo, const char *const *lines, size_t n)
{
	char *path = git_exclude_path(repo), *dir;
	struct buf old = BUF_INIT, out = BUF_INIT;
	struct exclude_marks m;
	bool had;
	int rc;

	if (!path)
		return 0;
	rc = buf_read_file(&old, AT_FDCWD, path, 64u << 20);
	if (rc == -ENOENT && n) {
		dir = strdup(path);
		if (dir) {
			*strrchr(dir, '/') = '\0';
			mkdir(dir, 0755);
			free(dir);
		}
	} else if (rc) {
		free(path);
		return rc == -ENOENT ? 0 : rc;
	}
	marks_init(&m, repo);
	had = strip_block(&old, &m, &out);
	rc = 0;
	if (!n && !had)
		goto out;
	if (n) {
		bool nl = out.len && out.data[out.len - 1] != '\n';

		if (nl)
			buf_addch(&out, '\n');
		buf_add(&out, m.begin.data, m.begin.len);
		for (size_t i = 0; i < n; i++)
			if (!strchr(lines[i], '\n'))
				add_pattern(&out, lines[i]);
		if (nl)
			buf_add(&out, m.end_nl.data, m.end_nl.len);
		else
			buf_add(&out, m.end.data, m.end.len);
	}
	rc = write_atomically(path, &out);
	if (rc)
		log_warning("cannot update '%s': %s", path, strerror(-rc));
out:
	marks_release(&m);
	buf_release(&old);
	buf_release(&out);
	free(path);
	return rc;
}
