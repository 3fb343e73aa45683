/*
 * export.h - the views written out as real files, for machines without
 * FUSE and for drift checks in CI.
 *
 * An export renders every file of a model's views with the same renderers
 * as the mount, so the bytes equal what the mount shows, and writes them
 * below a folder (the repository). What it wrote is recorded in a manifest,
 * EXPORT_MANIFEST in that folder: one line per file with the XXH3-64 hash
 * of the bytes written, one per folder it created. The manifest is what
 * lets a later export replace or remove its own files and never a file
 * somebody wrote by hand:
 *
 *   - a file that is not there is written;
 *   - a file that already holds the bytes is left as it is;
 *   - a file the manifest lists, unchanged since, is replaced;
 *   - a file the manifest lists that was edited since is left alone and
 *     reported, unless `force`;
 *   - any other file (the repository's own, or a symlink) wins, as a real
 *     file wins over a synthesized one in the mount: it is left alone and
 *     reported as the repository's own, unless `force`;
 *   - a file the manifest lists that the views no longer show is removed,
 *     unless it was edited since (then reported and kept);
 *   - folders the manifest lists are removed once empty.
 *
 * Nothing is followed out of the folder: every path is opened one part at a
 * time without following symlinks. Files are written to a temporary name in
 * their folder and renamed into place, so a reader never sees half a file.
 */
#ifndef AIWGFS_EXPORT_H
#define AIWGFS_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "aiwgfs/vtree.h"

#define EXPORT_MANIFEST ".aiwgfs-manifest"

enum export_mode {
	EXPORT_WRITE, /* write the views, remove what they no longer show */
	EXPORT_CHECK, /* write nothing; report every difference */
	EXPORT_CLEAN, /* remove every file and folder the manifest lists */
};

/* What happened to one path, as reported to export_options.report. */
enum export_event {
	EXPORT_WROTE,	 /* written, new or replacing an earlier export */
	EXPORT_REMOVED,	 /* an earlier export's file, removed */
	EXPORT_CONFLICT, /* the repository's own file stands there */
	EXPORT_KEPT,	 /* edited since it was exported: left alone */
	EXPORT_CHANGED,	 /* check: not what would be written (listed in
			     the manifest, or there is none) */
	EXPORT_MISSING,	 /* check: would be written */
	EXPORT_EXTRA,	 /* check: an earlier export's, would be removed */
	EXPORT_FAILED,	 /* a system error or a render that failed */
};

struct export_options {
	enum export_mode mode;
	bool force; /* replace and remove edited and hand-written files too */
	/*
	 * Called for each path that is not already as it should be, in
	 * path order within a view; `path` is relative to the folder, `err`
	 * a negative errno for EXPORT_FAILED (else 0). May be NULL.
	 */
	void (*report)(enum export_event ev, const char *path, int err,
		       void *arg);
	void *arg;
};

struct export_counts {
	size_t files;	  /* files the views show */
	size_t written;	  /* EXPORT_WROTE */
	size_t removed;	  /* EXPORT_REMOVED and folders removed */
	size_t differ;	  /* check: CHANGED, MISSING and EXTRA */
	size_t conflicts; /* KEPT */
	size_t own;	  /* CONFLICT */
	size_t failed;	  /* FAILED */
};

/*
 * Export the views of `m` below `dir` (created if missing, for
 * EXPORT_WRITE), checking or cleaning as `o` says, and count what was done
 * in *n. Per-path trouble is reported and counted, not returned: the
 * result is 0, or a negative errno when nothing could be done (the folder
 * cannot be opened, the manifest is malformed or cannot be written, out of
 * memory) with a message naming the file (and line) in *err (free it).
 * For EXPORT_CLEAN the model may have no views.
 */
int export_run(const struct model *m, const char *dir,
	       const struct export_options *o, struct export_counts *n,
	       char **err);

#endif
