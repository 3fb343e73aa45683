/*
 * registry.h - the platform table: which views each AI tool reads, where
 * each kind of artifact goes in them, and which renderer writes it.
 *
 * The table is data: adding a platform or moving a folder changes entries,
 * not code. Destination patterns use "{id}" for the artifact id; a skill's
 * destination names a folder that receives every file of the skill.
 */
#ifndef AIWGFS_REGISTRY_H
#define AIWGFS_REGISTRY_H

#include <stddef.h>

#include "aiwgfs/source.h"

/* Where one kind of artifact goes for a platform. */
struct platform_rule {
	enum artifact_kind kind;
	const char *view;     /* the mount point: ".claude", ".github" */
	const char *dest;     /* pattern below the view: "agents/{id}.md" */
	const char *renderer; /* a name known to render.h */
};

/* A file of a platform that depends on no single artifact (an index). */
struct platform_file {
	const char *view;
	const char *path;
	const char *renderer;
};

struct name_map {
	const char *from;
	const char *to;
};

struct platform {
	const char *name;
	const char *summary;
	const struct platform_rule *rules;
	size_t nrules;
	const struct platform_file *files;
	size_t nfiles;
	const struct name_map *tools; /* source tool -> platform alias */
	size_t ntools;
	const struct name_map *models; /* source model -> platform model */
	size_t nmodels;
	size_t description_limit; /* bytes; 0 for none */
};

/* Every platform known, in the table's order. */
const struct platform *registry_platforms(size_t *count);

/* The platform named `name`, or NULL. */
const struct platform *registry_find(const char *name);

/*
 * Map `name` through `map` (n entries, exact match): the mapped name, or
 * NULL when the map has no entry for it.
 */
const char *registry_map(const struct name_map *map, size_t n,
			 const char *name);

#endif
