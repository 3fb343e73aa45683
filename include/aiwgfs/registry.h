/*
 * registry.h - the platform table: which views each AI tool reads, where
 * each kind of artifact goes in them, and which renderer writes it.
 *
 * The table is data: a YAML document compiled into the binary (see
 * core/platforms.yaml, which also documents the format), which a user's
 * file can extend or override with registry_load(). Adding a platform or
 * moving a folder changes the YAML, not the code.
 *
 * A destination is a path below the repository in which "{id}" stands for
 * the artifact id. Its first component is the view that holds it: a folder
 * (".claude") or a single file ("AGENTS.md"). A skill's destination names
 * a folder that receives every file of the skill.
 *
 * The loaded registry is immutable and shared by every thread.
 */
#ifndef AIWGFS_REGISTRY_H
#define AIWGFS_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "aiwgfs/source.h"

/* Where one kind of artifact goes for a platform. */
struct platform_rule {
	enum artifact_kind kind;
	char *view;	/* the mount point: ".claude", ".github" */
	char *dest;	/* pattern below the view: "agents/{id}.md" */
	char *renderer; /* a name known to render.h */
};

/*
 * A file of a platform that depends on no single artifact (an index). For
 * a file view ("AGENTS.md"), `path` is "".
 */
struct platform_file {
	char *view;
	char *path;
	char *renderer;
};

struct name_map {
	char *from; /* "*" matches any name that has no entry */
	char *to;
};

/* Size limits of what a platform reads; 0 means none. */
struct platform_limits {
	size_t description; /* bytes of a description field */
	size_t rule;	    /* characters of one rule file (windsurf) */
	size_t workflow;    /* characters of one workflow (windsurf) */
	size_t index;	    /* bytes of an index page (AGENTS.md) */
};

struct platform {
	char *name;
	char *summary;
	struct platform_rule *rules;
	size_t nrules;
	struct platform_file *files;
	size_t nfiles;
	struct name_map *tools; /* source tool -> platform tool */
	size_t ntools;
	struct name_map *models; /* source model -> platform model */
	size_t nmodels;
	struct platform_limits limits;
};

/*
 * Load the built-in table, then, when `user_file` is not NULL, merge that
 * file over it: a platform of a new name is added; one of a known name has
 * every key the file gives replaced (for `tools` and `models`, every entry
 * the file gives). Must be called before any other function here, from one
 * thread; calling it again replaces the table (earlier pointers die).
 * Returns 0, or a negative errno with a message naming the file, the line
 * and what is wrong in *err (free it).
 */
int registry_load(const char *user_file, char **err);

/* Free the loaded table. */
void registry_unload(void);

/*
 * Every platform known, in the table's order. Loads the built-in table if
 * nothing was loaded yet.
 */
const struct platform *registry_platforms(size_t *count);

/*
 * The views of platform `p`: view `j` (j < platform_nviews(p)) is the
 * mount point of its j-th rule or file. Several may name the same view.
 */
size_t platform_nviews(const struct platform *p);
const char *platform_view(const struct platform *p, size_t j);

/* The platform named `name`, or NULL. */
const struct platform *registry_find(const char *name);

/*
 * Map `name` through `map` (n entries, exact match, else the "*" entry):
 * the mapped name, or NULL when the map has neither.
 */
const char *registry_map(const struct name_map *map, size_t n,
			 const char *name);

/*
 * On platform `platform`, call model `from` ("*": any other) `to`, over
 * what the table says. Like registry_load(), for one thread before any
 * reader. 0, -ENOENT when there is no such platform, or -ENOMEM.
 */
int registry_set_model(const char *platform, const char *from, const char *to);

/* The built-in table's YAML text, for `aiwgfs platforms --yaml`. */
const char *registry_builtin_yaml(void);

#endif
