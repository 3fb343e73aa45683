/*
 * config.h - a repository's own choices: .aiwgfs.yaml at its root.
 *
 *     source: ../aiwg
 *     platforms: [claude, copilot]
 *     frameworks: [sdlc-complete]
 *     addons: []
 *     registry: platforms.local.yaml
 *     models:
 *       codex: {opus: gpt-5.3-codex}
 *     options:
 *       rewrite_refs: true
 *       git_exclude: true
 *       cache_size: 64M
 *
 * Every key is optional. Lists may also be one comma-separated string.
 * Relative paths are taken from the config file's folder. The command line
 * wins over the file: the file fills in what the flags leave unsaid.
 */
#ifndef AIWGFS_CONFIG_H
#define AIWGFS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_FILE ".aiwgfs.yaml"

/* A list of names; `set` when the file gives the key (even empty). */
struct config_list {
	char **v;
	size_t n;
	bool set;
	size_t line;
};

/* One entry of `models`: on `platform`, model `from` is called `to`. */
struct config_model {
	char *platform;
	char *from;
	char *to;
	size_t line;
};

/* A setting left out of the file is -1 (flags) or NULL (strings). */
struct config {
	char *file; /* the file read; NULL when there was none */
	char *source;
	size_t source_line;
	struct config_list platforms, frameworks, addons;
	char *registry;
	struct config_model *models;
	size_t nmodels;
	int rewrite_refs;
	int git_exclude;
	long long cache_size; /* bytes, or -1 */
};

/*
 * Read the config `file` into *c. A file that does not exist gives an
 * empty config (every setting unset) unless `must_exist`. Returns 0, or a
 * negative errno with a message in *err (free it) that names the file and
 * line: YAML that does not parse, an unknown key (listing the accepted
 * ones) or a value of the wrong type. *c is to be released either way.
 */
int config_load(struct config *c, const char *file, bool must_exist,
		char **err);

void config_release(struct config *c);

/*
 * A commented starting config, with `source` (may be NULL) and the list
 * `platforms` (NULL: all) filled in. NULL on ENOMEM; caller frees.
 */
char *config_template(const char *source, const char *platforms);

/*
 * Parse a size such as "64M", "512k", "1G" or "65536" (an optional B
 * after the unit) into *out. 0, or -EINVAL when `s` is not one.
 */
int config_parse_size(const char *s, size_t *out);

#endif
