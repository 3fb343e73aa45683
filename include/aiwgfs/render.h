/*
 * render.h - turning canonical sources into the bytes a view shows.
 *
 * Rendering a file of a view has two steps. First the renderer names the
 * source files it reads; they are read and hashed, and the cache key is the
 * XXH3-128 hash of the renderer's name and version, the platform (for
 * renderers whose output depends on it), the options that change output,
 * the artifact id and skill sub-path, and the content hash of every input.
 * If the cache holds that key, its bytes are the answer. Otherwise the
 * renderer writes the bytes from the inputs already read, and they are
 * published in the cache. So touching a file without changing it changes no
 * key, and an edit is seen by the next render with no invalidation needed
 * for correctness.
 */
#ifndef AIWGFS_RENDER_H
#define AIWGFS_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/cache.h"
#include "aiwgfs/vtree.h"

/* Bump when any renderer's output changes, so old keys die. */
#define RENDER_VERSION 1

/* Largest source file read, in bytes. */
#define RENDER_MAX_INPUT SOURCE_MAX_FILE

/* One source file, read whole. */
struct render_input {
	const char *path; /* absolute */
	const struct artifact *artifact;
	struct buf data;
	int error;	       /* 0, or the negative errno of reading it */
	struct cache_key hash; /* XXH3-128 of data, set with the job's key */
};

struct render_job {
	const struct model *model;
	struct cache *cache; /* for what renderers memoize, such as
				descriptions by content */
	const struct vnode *node;
	struct render_input *inputs;
	size_t ninputs;
};

/*
 * What a renderer writes from, which decides where the platform table may
 * name it (registry.c refuses the rest).
 */
enum render_scope {
	RENDER_ARTIFACT, /* a file of one artifact, of any kind */
	RENDER_SKILL,	 /* each file of a skill folder: skills only */
	RENDER_INDEX,	 /* a page of every artifact: also for `files` */
};

struct renderer {
	const char *name;
	bool per_platform; /* output depends on the platform's tables */
	/*
	 * The destination is a skill folder: "{id}" is the normalized skill
	 * name, and the artifact's file in it is SKILL.md.
	 */
	bool folder;
	enum render_scope scope;
	/*
	 * How many files one artifact becomes (>= 1), from a job whose
	 * inputs were read; NULL for always one. Part k of n > 1 is shown as
	 * "<name>-k<ext>" and rendered with node->part == k.
	 */
	int (*parts)(const struct render_job *job);
	/* Name the inputs: fill job->inputs (allocated by the callee). */
	int (*inputs)(struct render_job *job);
	/* Write the output of a job whose inputs were read. 0 or -errno. */
	int (*render)(const struct render_job *job, struct buf *out);
};

/* The renderer called `name`, or NULL. */
const struct renderer *renderer_find(const char *name);

/*
 * Render `node` of model `m` through cache `c`; on success *out holds a
 * reference that the caller drops with cache_release(). Returns 0 or a
 * negative errno: -ENOENT when a source file vanished, -EIO when it cannot
 * be read or rendered (logged, naming the source file).
 */
int render_node(const struct model *m, const struct vnode *node,
		struct cache *c, struct cache_entry **out);

/*
 * How many files the renderer of `node` makes of its artifact as the
 * source is now (1 when it does not split, or when the source cannot be
 * read; the render then reports the problem).
 */
int render_count_parts(const struct model *m, const struct vnode *node);

/*
 * The description of an artifact for platform lists: its `description`
 * field, else the first paragraph of its body, cleaned and cut to `limit`
 * bytes (0: no limit). For a skill, `text` is its SKILL.md. Result replaces
 * the contents of `out`. 0 or -ENOMEM.
 */
int render_description(const char *text, size_t len, size_t limit,
		       struct buf *out);

/*
 * The path, relative to the repository, at which `platform` shows artifact
 * `a` (for a skill: its SKILL.md), or NULL when it does not; caller frees.
 */
char *render_dest_path(const struct platform *platform,
		       const struct artifact *a);

#endif
