/*
 * source.h - the canonical tree: units and the artifacts they define.
 *
 * SOURCE is either an AIWG tree (agentic/code/frameworks/<fw>/ and
 * agentic/code/addons/<addon>/, or SOURCE pointing at agentic/code itself),
 * where each framework and addon is a unit, or a flat tree (agents/,
 * commands/, skills/, rules/ directly under SOURCE), which is one unit.
 *
 * Scanning lists what exists; it reads no file contents, so it is cheap and
 * the renderers always read the bytes that are there when they run.
 */
#ifndef AIWGFS_SOURCE_H
#define AIWGFS_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

enum artifact_kind {
	ARTIFACT_AGENT,
	ARTIFACT_COMMAND,
	ARTIFACT_SKILL,
	ARTIFACT_RULE,
	ARTIFACT_KIND_COUNT,
};

enum unit_type {
	UNIT_FRAMEWORK,
	UNIT_ADDON,
	UNIT_FLAT,
};

struct unit {
	char *name; /* folder name; "" for a flat tree */
	char *path; /* absolute */
	enum unit_type type;
};

/*
 * One agent, command, skill or rule. `path` is the absolute path of the
 * Markdown file (for a skill: of its folder). A skill lists its files,
 * relative to the folder, sorted, SKILL.md among them; other kinds have no
 * files.
 */
struct artifact {
	enum artifact_kind kind;
	char *id;
	char *path;
	size_t unit; /* index into source.units */
	char **files;
	size_t nfiles;
	unsigned char *exec; /* skills: 1 for each file with an execute bit */
};

/* An artifact that lost to one of the same kind and id in an earlier unit. */
struct shadowed {
	enum artifact_kind kind;
	char *id;
	char *path;   /* the loser */
	char *winner; /* the path that wins */
};

/*
 * Something in the tree that the views leave out or show other than it is:
 * a FIFO, socket, device or symlink where an artifact could be, a folder
 * too deep to scan, a file too large, a name that is not plain text or too
 * long for a view. Scanning finds most; building the views adds the names
 * too long for them.
 */
struct source_note {
	char *path; /* absolute */
	char *reason;
	bool left_out; /* no view shows it; else shown as it is */
};

/* Markdown sources (agents, commands, rules, SKILL.md) larger are left out. */
#define SOURCE_MAX_TEXT (1u << 20)
/* Other files of a skill larger cannot be read through the views. */
#define SOURCE_MAX_FILE (64u << 20)

/*
 * What to scan: with both lists NULL, every framework and addon; with
 * either given, only the units the lists name (aliases allowed).
 */
struct source_filter {
	const char *const *frameworks;
	size_t nframeworks;
	const char *const *addons;
	size_t naddons;
};

/*
 * Invariants: artifacts are grouped by kind, in unit order within a kind,
 * and within a unit sorted by id; no two artifacts share kind and id.
 */
struct source {
	char *root; /* absolute, as given (symlinks resolved) */
	/*
	 * Where AIWG-root references ("@agentic/code/...", "$AIWG_ROOT/...")
	 * point: the folder that holds agentic/code, also when `root` is
	 * agentic/code itself; `root` for a flat tree.
	 */
	char *aiwg_root;
	bool aiwg; /* AIWG shape, else flat */
	struct unit *units;
	size_t nunits;
	struct artifact *artifacts;
	size_t nartifacts;
	struct shadowed *shadowed;
	size_t nshadowed;
	struct source_note *notes; /* in the order found */
	size_t nnotes, notes_cap;
};

/*
 * Scan the tree at `root` with `filter` (NULL for everything). On failure
 * returns a negative errno and, when `err` is not NULL, a message for the
 * user in *err (free it): a root that is not a folder, a tree of neither
 * shape, a framework or addon name that does not exist (with the names that
 * do). An AIWG tree whose selection is empty is not an error.
 */
int source_scan(struct source *src, const char *root,
		const struct source_filter *filter, char **err);

void source_release(struct source *src);

/* Add a note about `path`. Returns 0 or -ENOMEM. */
int source_note(struct source *src, const char *path, bool left_out,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "agent", "command", "skill", "rule"; and the plural folder names. */
const char *artifact_kind_name(enum artifact_kind kind);
const char *artifact_kind_dir(enum artifact_kind kind);

/* Whether `name` is one of the file names that are never artifacts. */
bool source_is_excluded_name(const char *name);

/*
 * Resolve a user's unit name or alias to the folder name it stands for:
 * "sdlc" -> "sdlc-complete", "marketing" and "mmk" -> "media-marketing-kit",
 * "research" -> "research-complete", "media-curator" stays. Unknown names
 * are returned as they are.
 */
const char *source_unit_alias(const char *name);

/* The artifact of `kind` and `id`, or NULL. */
const struct artifact *source_find(const struct source *src,
				   enum artifact_kind kind, const char *id);

#endif
