/*
 * fuzz_manifest.c - any bytes as an export's .aiwgfs-manifest.
 *
 * The input is the manifest of a scratch folder that holds a few files and
 * folders; export_run() checks, then cleans, that folder for a model with
 * no views. A refused manifest must be refused with a message naming it
 * and a line, touching nothing. A taken one may only lead to files and
 * folders inside the scratch folder, and --check never changes a thing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aiwgfs/export.h"
#include "fuzz_views.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *root, *dir, *outside, *manifest;

static void remove_root(void)
{
	tmp_rm_tree(root);
	free(root);
	free(dir);
	free(outside);
	free(manifest);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	root = tmp_dir("fuzz-manifest");
	fuzz_must(root != NULL, "cannot make a scratch folder");
	dir = path_join(root, "repo");
	outside = path_join(root, "outside");
	manifest = path_join(dir, EXPORT_MANIFEST);
	fuzz_must(dir && outside && manifest, "out of memory");
	atexit(remove_root);
	return 0;
}

/* The scratch repository, afresh: a few files, and a link outside. */
static void make_repo(void)
{
	static const char *const files[] = { ".claude/a.md",
					     ".claude/agents/x.md",
					     ".claude/y.md", "AGENTS.md" };
	char *link;

	tmp_rm_tree(dir);
	tmp_rm_tree(outside);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		fuzz_must(!tmp_write_str(dir, files[i], "text\n"),
			  "cannot write");
	fuzz_must(!tmp_write_str(outside, "x.md", "outside\n"), "cannot write");
	link = path_join(dir, ".github");
	fuzz_must(link && !symlink(outside, link), "cannot link");
	free(link);
}

static bool outside_intact(void)
{
	struct buf b = BUF_INIT;
	char *path = path_join(outside, "x.md");
	bool ok = path && !buf_read_file(&b, AT_FDCWD, path, 64) &&
		  !strcmp(b.data, "outside\n");

	buf_release(&b);
	free(path);
	return ok;
}

static void note(enum export_event ev, const char *path, int err, void *arg)
{
	fuzz_must(*path && path[0] != '/' && !strstr(path, "../") &&
			  strcmp(path, ".."),
		  "a path reported outside the folder");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct export_options o = { .report = note };
	struct export_counts n;
	struct model m = { 0 };
	char *err = NULL;
	struct stat st;
	int rc;

	make_repo();
	fuzz_must(!tmp_write(dir, EXPORT_MANIFEST, data, size), "cannot write");
	o.mode = EXPORT_CHECK;
	rc = export_run(&m, dir, &o, &n, &err);
	if (rc) {
		size_t len = strlen(manifest);

		fuzz_must(rc == -EINVAL || rc == -ENOMEM, "an odd error");
		fuzz_must(err && !strncmp(err, manifest, len) &&
				  err[len] == ':',
			  "a refusal that does not name the manifest");
		free(err);
		return 0;
	}
	fuzz_must(!n.written && !n.removed, "--check changed something");
	fuzz_must(!stat(manifest, &st), "--check removed the manifest");
	o.mode = EXPORT_CLEAN;
	o.force = size && data[0] & 1;
	rc = export_run(&m, dir, &o, &n, &err);
	fuzz_must(!rc || rc == -ENOMEM, "a manifest taken, then refused");
	fuzz_must(outside_intact(), "a file outside the folder was touched");
	free(err);
	return 0;
}
