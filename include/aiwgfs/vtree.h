/*
 * vtree.h - the synthesized side of every view: a tree of folders and files
 * per mount point, each file tied to the renderer that writes it.
 *
 * A model is built once from a scanned source and a list of platforms and is
 * immutable afterwards, so any number of threads may read it at once.
 */
#ifndef AIWGFS_VTREE_H
#define AIWGFS_VTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "aiwgfs/registry.h"
#include "aiwgfs/source.h"

struct renderer;

enum vnode_type {
	VNODE_DIR,
	VNODE_FILE,
};

/*
 * Invariants: `path` is relative to the view root ("" for the root itself)
 * and `ino` is a stable hash of the view and that path, with the top bit set
 * so it never equals a small real inode number. A folder's children are
 * sorted by name (strcmp) with no duplicates. A file has a renderer and,
 * unless it is an index, an artifact.
 */
struct vnode {
	char *name;
	char *path;
	enum vnode_type type;
	struct vnode *parent;
	uint64_t ino;
	struct vnode **children;
	size_t nchildren;
	/* files only */
	const struct renderer *renderer;
	const struct platform *platform;
	const struct artifact *artifact;
	const char *sub; /* skill files: path inside the skill folder */
	unsigned part;	 /* 1-based part of a split artifact; 0: whole */
	bool executable; /* a skill file with an execute bit */
};

struct view {
	char *path;   /* below the repository: ".claude", "AGENTS.md" */
	bool is_file; /* a single-file view; root is then a file */
	struct vnode *root;
	size_t nfiles; /* synthesized files in this view */
};

struct model_options {
	bool rewrite_refs;
};

struct model {
	struct source src;
	struct model_options opts;
	const struct platform **platforms;
	size_t nplatforms;
	struct view *views;
	size_t nviews;
};

/*
 * Build the views of `platforms` (NULL-terminated names; NULL for all) over
 * the scanned source `src`, which the model takes over. Returns 0 or a
 * negative errno with a message in *err (free it): an unknown platform name
 * lists the known ones. On failure `src` has been released.
 */
int model_build(struct model *m, struct source *src,
		const char *const *platforms, const struct model_options *opts,
		char **err);

void model_release(struct model *m);

/* The view mounted at `path` (relative to the repository), or NULL. */
struct view *model_view(const struct model *m, const char *path);

/* The child of folder `dir` named `name`, or NULL. */
struct vnode *vnode_child(const struct vnode *dir, const char *name);

/*
 * The node at `path` in the model: a view path, optionally followed by
 * "/" and a path inside it (".github/agents/x.agent.md"). NULL when absent.
 */
struct vnode *model_lookup(const struct model *m, const char *path,
			   const struct view **view);

/* The node at `path` ("a/b/c") below folder `dir`, or NULL. */
struct vnode *vnode_find(const struct vnode *dir, const char *path);

/* Call fn on every file below `dir`, depth first, in name order. */
void vnode_walk(const struct vnode *dir,
		void (*fn)(const struct vnode *file, void *arg), void *arg);

#endif
