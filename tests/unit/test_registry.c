/*
 * test_registry.c - merging a user's platform table over the built-in one,
 * and refusing tables that name a renderer where it cannot work.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aiwgfs/registry.h"
#include "aiwgfs/util.h"
#include "check.h"
#include "tmptree.h"

static char *dir;

/* Load `yaml` as the user's file; its result, with the message in *err. */
static int load(const char *yaml, char **err)
{
	char *file = path_join(dir, "platforms.yaml");
	int rc = -ENOMEM;

	*err = NULL;
	if (file && !tmp_write_str(dir, "platforms.yaml", yaml))
		rc = registry_load(file, err);
	free(file);
	return rc;
}

/* `yaml` is refused, at `line`, with a message that holds `words`. */
static void refused(const char *yaml, int line, const char *words)
{
	struct buf at = BUF_INIT;
	char *err;

	buf_addf(&at, "platforms.yaml:%d: ", line);
	CHECK(load(yaml, &err) == -EINVAL);
	CHECK(err && strstr(err, at.data));
	CHECK(err && strstr(err, words));
	if (err && (!strstr(err, at.data) || !strstr(err, words)))
		fprintf(stderr, "  message: %s\n", err);
	free(err);
	buf_release(&at);
	/* a refused file leaves no table; the next use loads the built-in */
	CHECK(registry_find("claude") != NULL);
	CHECK(registry_find("mytool") == NULL);
}

static void test_merge(void)
{
	const struct platform *p;
	char *err;

	CHECK(load("platforms:\n"
		   "  - name: mytool\n"
		   "    agents: { path: \".my/agents/{id}.md\", "
		   "renderer: identity }\n"
		   "    skills: { path: \".my/skills/{id}\", "
		   "renderer: skill }\n"
		   "    files: [ { path: MY.md, renderer: index } ]\n"
		   "  - name: codex\n"
		   "    models: { opus: other }\n",
		   &err) == 0);
	CHECK(err == NULL);
	p = registry_find("mytool");
	CHECK(p && p->nrules == 2 && p->nfiles == 1);
	CHECK(p && p->nfiles == 1 && !strcmp(p->files[0].view, "MY.md") &&
	      !*p->files[0].path);
	p = registry_find("codex");
	CHECK_STR(p ? registry_map(p->models, p->nmodels, "opus") : NULL,
		  "other");
	CHECK_STR(p ? registry_map(p->models, p->nmodels, "haiku") : NULL,
		  "gpt-5-codex-mini");
	free(err);
	registry_unload();
}

/*
 * A renderer that shows one artifact has nothing to read for a page of
 * `files`, the skill renderer needs the files of a skill folder, and a
 * skill must be named for its folder.
 */
static void test_renderer_misplaced(void)
{
	refused("platforms:\n"
		"  - name: mytool\n"
		"    files:\n"
		"      - { path: .my/x.md, renderer: index }\n"
		"      - { path: .my/y.md, renderer: identity }\n",
		5, "renderer 'identity' cannot write a page of 'files'");
	refused("platforms:\n"
		"  - name: mytool\n"
		"    commands: { path: \".my/{id}\", renderer: skill }\n",
		3, "renderer 'skill' cannot show commands");
	refused("platforms:\n"
		"  - name: claude\n"
		"    agents: { path: \".claude/agents/{id}\", "
		"renderer: skill }\n",
		3, "renderer 'skill' cannot show agents");
	refused("platforms:\n"
		"  - name: mytool\n"
		"    skills: { path: \".my/skills/s-{id}\", "
		"renderer: skill }\n",
		3, "path '.my/skills/s-{id}' must end in '/{id}'");
}

/* git's folder (where a file can be a hook) and aiwgfs's own files. */
static void test_reserved_paths(void)
{
	refused("platforms:\n"
		"  - name: evil\n"
		"    skills: { path: \".git/{id}\", renderer: skill }\n",
		3, "path '.git/{id}' reaches into '.git'");
	refused("platforms:\n"
		"  - name: evil\n"
		"    agents: { path: \".x/.Git/hooks/{id}\", "
		"renderer: identity }\n",
		3, "reaches into '.Git'");
	refused("platforms:\n"
		"  - name: evil\n"
		"    files:\n"
		"      - { path: .aiwgfs-manifest, renderer: index }\n",
		4, "reaches into '.aiwgfs-manifest'");
	refused("platforms:\n"
		"  - name: evil\n"
		"    files:\n"
		"      - { path: .my/.aiwgfs.yaml, renderer: index }\n",
		4, "reaches into '.aiwgfs.yaml'");
}

int main(void)
{
	dir = tmp_dir("registry");
	CHECK(dir != NULL);
	if (dir) {
		test_merge();
		test_renderer_misplaced();
		test_reserved_paths();
	}
	registry_unload();
	tmp_rm_tree(dir);
	free(dir);
	return check_done();
}
