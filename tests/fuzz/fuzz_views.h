/*
 * fuzz_views.h - what the view fuzz targets share: a scratch canonical
 * tree, and building every view over it and rendering each file.
 *
 * A render may fail, but only with a negative errno and never by a crash;
 * with AIWGFS_FUZZ_STRICT=1 in the environment a failure other than
 * -ENOMEM stops the run too, to look at sources that cannot be shown.
 */
#ifndef AIWGFS_FUZZ_VIEWS_H
#define AIWGFS_FUZZ_VIEWS_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/cache.h"
#include "aiwgfs/frontmatter.h"
#include "aiwgfs/log.h"
#include "aiwgfs/render.h"
#include "aiwgfs/source.h"
#include "aiwgfs/vtree.h"
#include "tmptree.h"

static inline void fuzz_must(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz: %s\n", what);
	abort();
}

/*
 * A flat tree with one artifact of each kind, a skill with a script, and
 * files that AIWG-root references can point at.
 */
static inline char *fuzz_tree_new(const char *tag)
{
	static const struct {
		const char *path, *text;
	} files[] = {
		{ "agents/reviewer.md",
		  "---\nname: Reviewer\ndescription: Reviews changes.\n"
		  "model: sonnet\ntools: Read, Grep, Bash\n---\n\n"
		  "# Reviewer\n\nSee @.claude/rules/style.md and "
		  "@agentic/code/docs/guide.md.\n" },
		{ "commands/ship.md",
		  "---\ndescription: Ship it\nargument-hint: \"<version>\"\n"
		  "allowed-tools: Read, Edit\n---\n\nShip $ARGUMENTS now.\n" },
		{ "rules/style.md", "---\npaths:\n  - \"src/**\"\n---\n\n"
				    "# Style\n\nKeep it short.\n" },
		{ "skills/lint/SKILL.md",
		  "---\nname: lint\ndescription: Lint things.\n---\n\n"
		  "Run `scripts/run.sh`.\n" },
		{ "skills/lint/scripts/run.sh", "#!/bin/sh\necho ok\n" },
		{ "agentic/code/docs/guide.md", "# Guide\n" },
		{ "docs/notes.md", "# Notes\n" },
	};
	char *root = tmp_dir(tag);

	fuzz_must(root != NULL, "cannot make a scratch folder");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		fuzz_must(!tmp_write_str(root, files[i].path, files[i].text),
			  "cannot fill the scratch folder");
	return root;
}

struct fuzz_render {
	const struct model *model;
	const struct view *view;
	struct cache *cache;
	const char *only; /* render only this artifact and index pages */
	bool strict;
};

/* Renderers that write the whole frontmatter of their file themselves. */
static inline bool fuzz_writes_frontmatter(const struct renderer *r)
{
	static const char *const names[] = {
		"command-skill",	"copilot-agent",     "copilot-prompt",
		"copilot-instructions", "cursor-agent",	     "cursor-rule",
		"windsurf-rule",	"windsurf-workflow", "opencode-agent",
		"opencode-command",	"factory-droid",     "factory-command",
		"kiro-agent",		"kiro-steering",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(r->name, names[i]))
			return true;
	return false;
}

/* Stop on a broken promise of a rendered file, naming it. */
static inline void fuzz_must_file(bool ok, const struct view *v,
				  const struct vnode *file, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz: %s/%s (%s): %s\n", v->path, file->path,
		file->renderer->name, what);
	abort();
}

/*
 * What a rendered Markdown file promises: frontmatter that libyaml reads
 * when the renderer wrote it, and a description on one line within the
 * limit (the platform's, or the Agent Skills 1024 bytes for skills). A
 * SKILL.md is named for its folder.
 */
static inline void fuzz_check_output(const struct view *v,
				     const struct vnode *file,
				     const struct cache_entry *e)
{
	const struct renderer *r = file->renderer;
	bool skill_md = !strcmp(r->name, "skill") && file->sub &&
			!strcmp(file->sub, "SKILL.md");
	size_t limit = r->per_platform ? file->platform->limits.description : 0;
	struct frontmatter fm;
	const char *desc, *name;

	if (!skill_md && !fuzz_writes_frontmatter(r))
		return;
	if (skill_md || !strcmp(r->name, "command-skill"))
		limit = 1024;
	fuzz_must(!fm_parse(&fm, e->data, e->size), "out of memory");
	fuzz_must_file(fm.present, v, file, "written frontmatter not found");
	if (!fm.lenient || !skill_md) {
		fuzz_must_file(!fm.lenient, v, file,
			       "libyaml refused written frontmatter");
		desc = fm_get_str(&fm, "description");
		name = fm_get_str(&fm, "name");
		fuzz_must_file(!desc || !strchr(desc, '\n'), v, file,
			       "description spans lines");
		fuzz_must_file(!desc || !limit || strlen(desc) <= limit, v,
			       file, "description over the limit");
		fuzz_must_file(!skill_md || (name &&
					     !strcmp(name, file->parent->name)),
			       v, file, "SKILL.md not named for its folder");
	}
	fm_release(&fm);
}

static inline void fuzz_render_file(const struct vnode *file, void *arg)
{
	struct fuzz_render *fr = arg;
	struct cache_entry *e = NULL;
	struct buf path = BUF_INIT;
	int rc;

	if (fr->only && file->artifact && strcmp(file->artifact->id, fr->only))
		return;
	rc = render_node(fr->model, file, fr->cache, &e);
	fuzz_must(rc <= 0 && rc > -4096, "render_node: not 0 or -errno");
	fuzz_must(!rc == !!e, "render_node: result and entry disagree");
	if (fr->strict && rc && rc != -ENOMEM) {
		fprintf(stderr, "fuzz: rendering '%s/%s': %s\n", fr->view->path,
			file->path, strerror(-rc));
		abort();
	}
	if (e) {
		fuzz_must(e->data && !e->data[e->size], "entry not terminated");
		fuzz_check_output(fr->view, file, e);
		cache_release(fr->cache, e);
	}
	/* every file is found again under its own path */
	buf_adds(&path, fr->view->path);
	if (*file->path)
		buf_addf(&path, "/%s", file->path);
	fuzz_must(model_lookup(fr->model, path.data, NULL) == file,
		  "a rendered file is not found under its path");
	buf_release(&path);
}

/*
 * Scan `root`, build every platform's views with references rewritten,
 * and render every file (with `only`, only the files of artifacts of that
 * id and the index pages). A model that cannot be built must say why.
 */
static inline void fuzz_render_all(const char *root, const char *only)
{
	struct model_options opts = { .rewrite_refs = true };
	struct fuzz_render fr = { 0 };
	const char *strict = getenv("AIWGFS_FUZZ_STRICT");
	struct source src;
	struct model m;
	char *err = NULL;
	int rc;

	fuzz_must(!source_scan(&src, root, NULL, &err), "source_scan failed");
	rc = model_build(&m, &src, NULL, &opts, &err);
	fuzz_must(!rc || (rc < 0 && err), "model_build failed without a word");
	free(err);
	if (rc)
		return;
	fr.model = &m;
	fr.only = only;
	fr.strict = strict && !strcmp(strict, "1");
	fr.cache = cache_new(0);
	fuzz_must(fr.cache != NULL, "out of memory");
	for (size_t i = 0; i < m.nviews; i++) {
		fr.view = &m.views[i];
		vnode_walk(m.views[i].root, fuzz_render_file, &fr);
	}
	cache_free(fr.cache);
	model_release(&m);
}

#endif
