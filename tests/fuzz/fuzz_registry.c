/*
 * fuzz_registry.c - a user's platform table merged over the built-in one.
 *
 * The input is written to a file and loaded with registry_load(). A file
 * that is refused must be refused with a message. A table that is taken
 * must hold what registry.h promises, and build views over a scratch tree
 * whose every file renders (or fails with a negative errno) without a
 * crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aiwgfs/registry.h"
#include "aiwgfs/render.h"
#include "fuzz_views.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *root, *file;

static void remove_root(void)
{
	registry_unload();
	tmp_rm_tree(root);
	free(root);
	free(file);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	root = fuzz_tree_new("fuzz-registry");
	file = path_join(root, "platforms.yaml");
	fuzz_must(file != NULL, "out of memory");
	atexit(remove_root);
	return 0;
}

/* A path as registry.c must have checked it: relative, clean, not empty. */
static bool clean_path(const char *p, bool may_be_empty)
{
	if (!*p)
		return may_be_empty;
	if (*p == '/')
		return false;
	while (*p) {
		size_t len = strcspn(p, "/");

		if (!len || (len == 1 && p[0] == '.') ||
		    (len == 2 && !strncmp(p, "..", 2)))
			return false;
		p += len + (p[len] == '/');
	}
	return true;
}

static void check_platform(const struct platform *p)
{
	fuzz_must(p->name && *p->name && p->summary, "platform without name");
	fuzz_must(registry_find(p->name) == p, "platform not found by name");
	for (size_t i = 0; i < p->nrules; i++) {
		const struct platform_rule *r = &p->rules[i];

		fuzz_must(r->kind < ARTIFACT_KIND_COUNT, "bad rule kind");
		fuzz_must(clean_path(r->view, false) && !strchr(r->view, '/'),
			  "bad rule view");
		fuzz_must(clean_path(r->dest, false) && strstr(r->dest, "{id}"),
			  "bad rule destination");
		fuzz_must(renderer_find(r->renderer) != NULL,
			  "rule with an unknown renderer");
		fuzz_must(renderer_find(r->renderer)->scope != RENDER_SKILL ||
				  r->kind == ARTIFACT_SKILL,
			  "skill renderer for another kind");
		fuzz_must(!renderer_find(r->renderer)->folder ||
				  !strcmp(r->dest, "{id}") ||
				  str_ends_with(r->dest, "/{id}"),
			  "skill folder not named by its id");
		for (size_t j = 0; j < i; j++)
			fuzz_must(p->rules[j].kind != r->kind,
				  "two rules for one kind");
	}
	for (size_t i = 0; i < p->nfiles; i++) {
		const struct platform_file *f = &p->files[i];

		fuzz_must(clean_path(f->view, false) && !strchr(f->view, '/'),
			  "bad file view");
		fuzz_must(clean_path(f->path, true), "bad file path");
		fuzz_must(renderer_find(f->renderer) != NULL &&
				  renderer_find(f->renderer)->scope ==
					  RENDER_INDEX,
			  "file with a renderer that is no index");
	}
	for (size_t i = 0; i < p->ntools; i++)
		fuzz_must(registry_map(p->tools, p->ntools, p->tools[i].from) ==
				  p->tools[i].to,
			  "tools map misses an entry");
	for (size_t i = 0; i < p->nmodels; i++)
		fuzz_must(registry_map(p->models, p->nmodels,
				       p->models[i].from) == p->models[i].to,
			  "models map misses an entry");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct platform *p;
	char *err = NULL;
	size_t n;
	int rc;

	fuzz_must(!tmp_write(root, "platforms.yaml", data, size),
		  "cannot write the input");
	rc = registry_load(file, &err);
	fuzz_must(rc <= 0 && (!rc || err), "refused without a message");
	fuzz_must(!rc || strstr(err, file) || strstr(err, "built-in"),
		  "message does not name the file");
	free(err);
	if (!rc) {
		p = registry_platforms(&n);
		for (size_t i = 0; i < n; i++)
			check_platform(&p[i]);
		fuzz_render_all(root, NULL);
	}
	registry_unload();
	return 0;
}
