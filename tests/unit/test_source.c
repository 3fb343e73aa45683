/*
 * test_source.c - scanning canonical trees into units and artifacts.
 *
 * The expectations for examples/ come from examples/README.md and the files
 * themselves; the edge cases are built in a scratch folder.
 */
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "aiwgfs/source.h"
#include "aiwgfs/util.h"
#include "check.h"
#include "tmptree.h"

#define FW "agentic/code/frameworks/"
#define AD "agentic/code/addons/"
#define MC FW "media-curator/"
#define SD FW "sdlc-complete/"
#define WQ AD "writing-quality/"

/* One artifact the example tree must define, by path below the root. */
struct want {
	enum artifact_kind kind;
	const char *id;
	size_t unit;
	const char *rel;
};

/* examples/aiwg, grouped by kind, in unit order, sorted by id in a unit. */
static const struct want aiwg_want[] = {
	{ ARTIFACT_AGENT, "archive-planner", 0,
	  MC "agents/archive-planner.md" },
	{ ARTIFACT_AGENT, "media-cataloger", 0,
	  MC "agents/media-cataloger.md" },
	{ ARTIFACT_AGENT, "metadata-curator", 0,
	  MC "agents/metadata-curator.md" },
	{ ARTIFACT_AGENT, "architecture-designer", 1,
	  SD "agents/architecture-designer.md" },
	{ ARTIFACT_AGENT, "change-gatekeeper", 1,
	  SD "agents/change-gatekeeper.md" },
	{ ARTIFACT_AGENT, "executive-orchestrator", 1,
	  SD "agents/executive-orchestrator.md" },
	{ ARTIFACT_AGENT, "security-auditor", 1,
	  SD "agents/security-auditor.md" },
	{ ARTIFACT_AGENT, "test-engineer", 1, SD "agents/test-engineer.md" },
	{ ARTIFACT_AGENT, "content-diversifier", 2,
	  WQ "agents/content-diversifier.md" },
	{ ARTIFACT_AGENT, "prose-editor", 2, WQ "agents/prose-editor.md" },
	{ ARTIFACT_AGENT, "technical-writer", 2,
	  WQ "agents/technical-writer.md" },
	{ ARTIFACT_COMMAND, "dedupe", 0, MC "commands/dedupe.md" },
	{ ARTIFACT_COMMAND, "import-collection", 0,
	  MC "commands/import-collection.md" },
	{ ARTIFACT_COMMAND, "status", 0, MC "commands/status.md" },
	{ ARTIFACT_COMMAND, "doc-review", 1, SD "commands/doc-review.md" },
	{ ARTIFACT_COMMAND, "flow-gate-check", 1,
	  SD "commands/flow/flow-gate-check.md" },
	{ ARTIFACT_COMMAND, "generate-tests", 1,
	  SD "commands/generate-tests.md" },
	{ ARTIFACT_COMMAND, "rewrite-section", 2,
	  WQ "commands/rewrite-section.md" },
	{ ARTIFACT_COMMAND, "style-audit", 2, WQ "commands/style-audit.md" },
	{ ARTIFACT_SKILL, "exif-audit", 0, MC "skills/exif-audit" },
	{ ARTIFACT_SKILL, "playlist-builder", 0, MC "skills/playlist-builder" },
	{ ARTIFACT_SKILL, "release-notes", 1, SD "skills/release-notes" },
	{ ARTIFACT_SKILL, "test-coverage", 1, SD "skills/test-coverage" },
	{ ARTIFACT_SKILL, "threat-model", 1, SD "skills/threat-model" },
	{ ARTIFACT_SKILL, "readability", 2, WQ "skills/readability" },
	{ ARTIFACT_SKILL, "voice-profiles", 2, WQ "skills/voice-profiles" },
	{ ARTIFACT_RULE, "file-naming", 0, MC "rules/file-naming.md" },
	{ ARTIFACT_RULE, "provenance", 0, MC "rules/provenance.md" },
	{ ARTIFACT_RULE, "RULES-INDEX", 1, SD "rules/RULES-INDEX.md" },
	{ ARTIFACT_RULE, "plain-language", 2, WQ "rules/plain-language.md" },
	{ ARTIFACT_RULE, "prose-style", 2, WQ "rules/prose-style.md" },
};

static const struct want flat_want[] = {
	{ ARTIFACT_AGENT, "api-reviewer", 0, "agents/api-reviewer.md" },
	{ ARTIFACT_AGENT, "migration-planner", 0,
	  "agents/migration-planner.md" },
	{ ARTIFACT_COMMAND, "add-endpoint", 0, "commands/add-endpoint.md" },
	{ ARTIFACT_COMMAND, "changelog", 0, "commands/changelog.md" },
	{ ARTIFACT_SKILL, "openapi-lint", 0, "skills/openapi-lint" },
	{ ARTIFACT_SKILL, "sql-style", 0, "skills/sql-style" },
	{ ARTIFACT_RULE, "api-conventions", 0, "rules/api-conventions.md" },
	{ ARTIFACT_RULE, "commit-messages", 0, "rules/commit-messages.md" },
};

static char *aiwg_root, *flat_root;

static bool path_is(const char *path, const char *root, const char *rel)
{
	char *want = *rel ? path_join(root, rel) : strdup(root);
	bool same = want && path && !strcmp(path, want);

	if (!same)
		fprintf(stderr, "  path '%s', expected '%s'\n",
			path ? path : "(null)", want ? want : "(null)");
	free(want);
	return same;
}

static size_t count_kind(const struct source *src, enum artifact_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < src->nartifacts; i++)
		n += src->artifacts[i].kind == kind;
	return n;
}

/* Every wanted artifact is there, in its unit and at its path; no more. */
static void check_wants(const struct source *src, const char *root,
			const struct want *w, size_t n)
{
	size_t per_kind[ARTIFACT_KIND_COUNT] = { 0 };

	for (size_t i = 0; i < n; i++) {
		const struct artifact *a = source_find(src, w[i].kind, w[i].id);

		per_kind[w[i].kind]++;
		CHECK(a != NULL);
		if (!a) {
			fprintf(stderr, "  missing %s '%s'\n",
				artifact_kind_name(w[i].kind), w[i].id);
			continue;
		}
		CHECK(a->kind == w[i].kind);
		CHECK_STR(a->id, w[i].id);
		CHECK(a->unit == w[i].unit);
		CHECK(path_is(a->path, root, w[i].rel));
		CHECK(a->kind == ARTIFACT_SKILL ? a->nfiles > 0
						: !a->nfiles && !a->files);
	}
	for (int k = 0; k < ARTIFACT_KIND_COUNT; k++) {
		size_t have = count_kind(src, (enum artifact_kind)k);

		CHECK(have == per_kind[k]);
		if (have != per_kind[k])
			fprintf(stderr, "  %zu %ss, expected %zu\n", have,
				artifact_kind_name((enum artifact_kind)k),
				per_kind[k]);
	}
	CHECK(src->nartifacts == n);
}

/*
 * The invariants of struct source: grouped by kind, in unit order within a
 * kind, sorted by id within a unit, no kind and id twice.
 */
static void check_order(const struct source *src)
{
	for (size_t i = 1; i < src->nartifacts; i++) {
		const struct artifact *p = &src->artifacts[i - 1];
		const struct artifact *a = &src->artifacts[i];
		bool ok = p->kind < a->kind ||
			  (p->kind == a->kind &&
			   (p->unit < a->unit ||
			    (p->unit == a->unit && strcmp(p->id, a->id) < 0)));

		CHECK(ok);
		if (!ok)
			fprintf(stderr,
				"  out of order: %s '%s' (unit %zu) before "
				"%s '%s' (unit %zu)\n",
				artifact_kind_name(p->kind), p->id, p->unit,
				artifact_kind_name(a->kind), a->id, a->unit);
	}
	for (size_t i = 0; i < src->nartifacts; i++)
		for (size_t j = i + 1; j < src->nartifacts; j++)
			CHECK(src->artifacts[i].kind !=
				      src->artifacts[j].kind ||
			      strcmp(src->artifacts[i].id,
				     src->artifacts[j].id));
}

/* Regular files below a folder, relative and sorted, found by nftw. */
static struct {
	char **v;
	size_t n, cap;
	size_t skip;
} walk;

static int walk_one(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	if (array_reserve(&walk.v, &walk.cap, walk.n + 1, sizeof(*walk.v)))
		return -1;
	walk.v[walk.n] = strdup(path + walk.skip);
	return walk.v[walk.n++] ? 0 : -1;
}

static void walk_free(void)
{
	for (size_t i = 0; i < walk.n; i++)
		free(walk.v[i]);
	free(walk.v);
	memset(&walk, 0, sizeof(walk));
}

/* A skill lists exactly the regular files of its folder, sorted. */
static void check_skill_files(const struct artifact *a)
{
	walk_free();
	walk.skip = strlen(a->path) + 1;
	CHECK(nftw(a->path, walk_one, 16, FTW_PHYS) == 0);
	if (walk.n)
		qsort(walk.v, walk.n, sizeof(*walk.v), str_ptr_cmp);
	CHECK(a->nfiles == walk.n);
	for (size_t i = 0; i < a->nfiles && i < walk.n; i++)
		CHECK_STR(a->files[i], walk.v[i]);
	CHECK(str_list_has((const char *const *)a->files, a->nfiles,
			   "SKILL.md"));
	walk_free();
}

static void check_files(const struct source *src, const char *id,
			const char *const *files, size_t n)
{
	const struct artifact *a = source_find(src, ARTIFACT_SKILL, id);

	CHECK(a != NULL);
	if (!a)
		return;
	CHECK(a->nfiles == n);
	for (size_t i = 0; i < n && i < a->nfiles; i++)
		CHECK_STR(a->files[i], files[i]);
}

static const struct shadowed *find_shadowed(const struct source *src,
					    enum artifact_kind kind,
					    const char *id)
{
	for (size_t i = 0; i < src->nshadowed; i++)
		if (src->shadowed[i].kind == kind &&
		    !strcmp(src->shadowed[i].id, id))
			return &src->shadowed[i];
	return NULL;
}

static void check_unit(const struct source *src, size_t i, const char *name,
		       enum unit_type type, const char *rel)
{
	CHECK(i < src->nunits);
	if (i >= src->nunits)
		return;
	CHECK_STR(src->units[i].name, name);
	CHECK(src->units[i].type == type);
	CHECK(path_is(src->units[i].path, src->root, rel));
}

static void test_names(void)
{
	static const char *const excluded[] = {
		"README.md",	      "manifest.md",
		"agent-template.md",  "DEVELOPMENT_GUIDE.md",
		"openai-compat.md",   "factory-compat.md",
		"windsurf-compat.md",
	};

	CHECK_STR(artifact_kind_name(ARTIFACT_AGENT), "agent");
	CHECK_STR(artifact_kind_name(ARTIFACT_COMMAND), "command");
	CHECK_STR(artifact_kind_name(ARTIFACT_SKILL), "skill");
	CHECK_STR(artifact_kind_name(ARTIFACT_RULE), "rule");
	CHECK_STR(artifact_kind_dir(ARTIFACT_AGENT), "agents");
	CHECK_STR(artifact_kind_dir(ARTIFACT_COMMAND), "commands");
	CHECK_STR(artifact_kind_dir(ARTIFACT_SKILL), "skills");
	CHECK_STR(artifact_kind_dir(ARTIFACT_RULE), "rules");
	for (size_t i = 0; i < ARRAY_SIZE(excluded); i++)
		CHECK(source_is_excluded_name(excluded[i]));
	CHECK(!source_is_excluded_name("test-engineer.md"));
	CHECK(!source_is_excluded_name("README"));
	CHECK(!source_is_excluded_name("RULES-INDEX.md"));

	CHECK_STR(source_unit_alias("sdlc"), "sdlc-complete");
	CHECK_STR(source_unit_alias("marketing"), "media-marketing-kit");
	CHECK_STR(source_unit_alias("mmk"), "media-marketing-kit");
	CHECK_STR(source_unit_alias("research"), "research-complete");
	CHECK_STR(source_unit_alias("media-curator"), "media-curator");
	CHECK_STR(source_unit_alias("sdlc-complete"), "sdlc-complete");
	CHECK_STR(source_unit_alias("whatever"), "whatever");
}

static void test_aiwg(void)
{
	static const char *const coverage[] = {
		"SKILL.md",
		"references/guide.md",
		"scripts/check.sh",
	};
	static const char *const voices[] = {
		"SKILL.md",
		"references/choosing.md",
		"references/voices.json",
	};
	static const char *const playlist[] = { "SKILL.md" };
	struct source src;
	const struct shadowed *sh;
	char *err = NULL;

	CHECK(source_scan(&src, aiwg_root, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK_STR(src.root, aiwg_root);
	CHECK(src.aiwg);
	CHECK(src.nunits == 3);
	check_unit(&src, 0, "media-curator", UNIT_FRAMEWORK,
		   FW "media-curator");
	check_unit(&src, 1, "sdlc-complete", UNIT_FRAMEWORK,
		   FW "sdlc-complete");
	check_unit(&src, 2, "writing-quality", UNIT_ADDON,
		   AD "writing-quality");

	check_wants(&src, aiwg_root, aiwg_want, ARRAY_SIZE(aiwg_want));
	check_order(&src);

	/* Not artifacts: README, manifest, templates, detail rules, shared. */
	CHECK(source_find(&src, ARTIFACT_AGENT, "README") == NULL);
	CHECK(source_find(&src, ARTIFACT_COMMAND, "command-template") == NULL);
	CHECK(source_find(&src, ARTIFACT_RULE, "no-secrets") == NULL);
	CHECK(source_find(&src, ARTIFACT_RULE, "test-before-merge") == NULL);
	CHECK(source_find(&src, ARTIFACT_SKILL, "shared") == NULL);
	for (int k = 0; k < ARTIFACT_KIND_COUNT; k++) {
		CHECK(!source_find(&src, (enum artifact_kind)k, "manifest"));
		CHECK(!source_find(&src, (enum artifact_kind)k, "README"));
		CHECK(!source_find(&src, (enum artifact_kind)k, "templates"));
	}
	/* RULES-INDEX makes it the only rule of sdlc-complete. */
	for (size_t i = 0; i < src.nartifacts; i++)
		if (src.artifacts[i].kind == ARTIFACT_RULE &&
		    src.artifacts[i].unit == 1)
			CHECK_STR(src.artifacts[i].id, "RULES-INDEX");

	/* Skills: every file of the folder, nested ones too, sorted. */
	check_files(&src, "test-coverage", coverage, ARRAY_SIZE(coverage));
	check_files(&src, "voice-profiles", voices, ARRAY_SIZE(voices));
	check_files(&src, "playlist-builder", playlist, ARRAY_SIZE(playlist));
	for (size_t i = 0; i < src.nartifacts; i++)
		if (src.artifacts[i].kind == ARTIFACT_SKILL)
			check_skill_files(&src.artifacts[i]);

	/* Shadowing: first unit wins, frameworks before addons. */
	CHECK(src.nshadowed == 2);
	sh = find_shadowed(&src, ARTIFACT_COMMAND, "status");
	CHECK(sh != NULL);
	if (sh) {
		CHECK(path_is(sh->path, aiwg_root, SD "commands/status.md"));
		CHECK(path_is(sh->winner, aiwg_root, MC "commands/status.md"));
	}
	sh = find_shadowed(&src, ARTIFACT_COMMAND, "doc-review");
	CHECK(sh != NULL);
	if (sh) {
		CHECK(path_is(sh->path, aiwg_root,
			      WQ "commands/doc-review.md"));
		CHECK(path_is(sh->winner, aiwg_root,
			      SD "commands/doc-review.md"));
	}
	source_release(&src);
	CHECK(src.nartifacts == 0 && src.artifacts == NULL);
	CHECK(src.root == NULL);
	free(err);
}

/* SOURCE may name agentic/code itself: same units, same artifacts. */
static void test_code_root(void)
{
	char *code = path_join(aiwg_root, "agentic/code");
	struct source src;
	char *err = NULL;

	CHECK(source_scan(&src, code, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK_STR(src.root, code);
	CHECK(src.aiwg);
	CHECK(src.nunits == 3);
	check_unit(&src, 0, "media-curator", UNIT_FRAMEWORK,
		   "frameworks/"
		   "media-curator");
	check_unit(&src, 2, "writing-quality", UNIT_ADDON,
		   "addons/writing-quality");
	check_wants(&src, aiwg_root, aiwg_want, ARRAY_SIZE(aiwg_want));
	CHECK(src.nshadowed == 2);
	source_release(&src);
	free(code);
	free(err);
}

static void test_flat(void)
{
	static const char *const lint[] = { "SKILL.md", "scripts/lint.sh" };
	struct source src;
	char *err = NULL;

	CHECK(source_scan(&src, flat_root, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK(!src.aiwg);
	CHECK(src.nunits == 1);
	check_unit(&src, 0, "", UNIT_FLAT, "");
	if (src.nunits)
		CHECK_STR(src.units[0].path, flat_root);
	check_wants(&src, flat_root, flat_want, ARRAY_SIZE(flat_want));
	check_order(&src);
	check_files(&src, "openapi-lint", lint, ARRAY_SIZE(lint));
	CHECK(src.nshadowed == 0);
	source_release(&src);
}

static int scan_with(struct source *src, const char *const *fw, size_t nfw,
		     const char *const *ad, size_t nad, char **err)
{
	struct source_filter f = {
		.frameworks = fw,
		.nframeworks = nfw,
		.addons = ad,
		.naddons = nad,
	};

	return source_scan(src, aiwg_root, &f, err);
}

static void test_filters(void)
{
	static const char *const sdlc[] = { "sdlc" };
	static const char *const full[] = { "sdlc-complete" };
	static const char *const both[] = { "sdlc", "media-curator" };
	static const char *const wq[] = { "writing-quality" };
	static const char *const none[] = { NULL };
	const struct artifact *a;
	struct source src;
	char *err = NULL;

	/* The alias; naming frameworks narrows to them, addons included. */
	CHECK(scan_with(&src, sdlc, 1, NULL, 0, &err) == 0);
	CHECK(err == NULL);
	CHECK(src.nunits == 1);
	check_unit(&src, 0, "sdlc-complete", UNIT_FRAMEWORK,
		   FW "sdlc-complete");
	CHECK(source_find(&src, ARTIFACT_AGENT, "archive-planner") == NULL);
	CHECK(source_find(&src, ARTIFACT_SKILL, "exif-audit") == NULL);
	CHECK(source_find(&src, ARTIFACT_AGENT, "prose-editor") == NULL);
	a = source_find(&src, ARTIFACT_COMMAND, "status");
	CHECK(a && path_is(a->path, aiwg_root, SD "commands/status.md"));
	CHECK(a && a->unit == 0);
	CHECK(src.nshadowed == 0);
	check_order(&src);
	source_release(&src);

	/* The full name does the same. */
	CHECK(scan_with(&src, full, 1, NULL, 0, &err) == 0);
	CHECK(src.nunits == 1);
	check_unit(&src, 0, "sdlc-complete", UNIT_FRAMEWORK,
		   FW "sdlc-complete");
	source_release(&src);

	/* The order of the list does not change the unit order. */
	CHECK(scan_with(&src, both, 2, NULL, 0, &err) == 0);
	CHECK(src.nunits == 2);
	check_unit(&src, 0, "media-curator", UNIT_FRAMEWORK,
		   FW "media-curator");
	check_unit(&src, 1, "sdlc-complete", UNIT_FRAMEWORK,
		   FW "sdlc-complete");
	a = source_find(&src, ARTIFACT_COMMAND, "status");
	CHECK(a && path_is(a->path, aiwg_root, MC "commands/status.md"));
	source_release(&src);

	/* Addons named: only they, no framework. */
	CHECK(scan_with(&src, NULL, 0, wq, 1, &err) == 0);
	CHECK(src.nunits == 1);
	check_unit(&src, 0, "writing-quality", UNIT_ADDON,
		   AD "writing-quality");
	source_release(&src);

	/* Both kinds named. */
	CHECK(scan_with(&src, sdlc, 1, wq, 1, &err) == 0);
	CHECK(src.nunits == 2);
	a = source_find(&src, ARTIFACT_AGENT, "prose-editor");
	CHECK(a && a->unit == 1);
	CHECK(src.nshadowed == 1);
	CHECK(find_shadowed(&src, ARTIFACT_COMMAND, "doc-review") != NULL);
	source_release(&src);

	/* An empty framework list selects none: doc-review is the addon's. */
	CHECK(scan_with(&src, none, 0, wq, 1, &err) == 0);
	CHECK(src.nunits == 1);
	check_unit(&src, 0, "writing-quality", UNIT_ADDON,
		   AD "writing-quality");
	a = source_find(&src, ARTIFACT_COMMAND, "doc-review");
	CHECK(a && path_is(a->path, aiwg_root, WQ "commands/doc-review.md"));
	CHECK(src.nshadowed == 0);
	CHECK(count_kind(&src, ARTIFACT_AGENT) == 3);
	source_release(&src);

	/* Selecting nothing at all is not an error. */
	CHECK(scan_with(&src, none, 0, none, 0, &err) == 0);
	CHECK(err == NULL);
	CHECK(src.nunits == 0 && src.nartifacts == 0);
	source_release(&src);
}

static void test_unknown_units(void)
{
	static const char *const nope[] = { "sdlc", "no-such-fw" };
	static const char *const badad[] = { "no-such-addon" };
	static const char *const mmk[] = { "marketing" };
	struct source src;
	char *err = NULL;

	CHECK(scan_with(&src, nope, 2, NULL, 0, &err) == -ENOENT);
	CHECK(err != NULL);
	CHECK(err && strstr(err, "no-such-fw"));
	CHECK(err && strstr(err, "framework"));
	CHECK(err && strstr(err, "media-curator"));
	CHECK(err && strstr(err, "sdlc-complete"));
	CHECK(err && !strstr(err, "writing-quality"));
	CHECK(src.nunits == 0 && src.nartifacts == 0 && !src.root);
	free(err);
	err = NULL;

	CHECK(scan_with(&src, NULL, 0, badad, 1, &err) == -ENOENT);
	CHECK(err && strstr(err, "no-such-addon"));
	CHECK(err && strstr(err, "addon"));
	CHECK(err && strstr(err, "writing-quality"));
	CHECK(src.nunits == 0 && !src.root);
	free(err);
	err = NULL;

	/* An alias of a unit this tree does not have. */
	CHECK(scan_with(&src, mmk, 1, NULL, 0, &err) == -ENOENT);
	CHECK(err && strstr(err, "marketing"));
	free(err);

	/* No message asked for: still fails, no crash. */
	CHECK(scan_with(&src, nope, 2, NULL, 0, NULL) == -ENOENT);
}

static void test_not_a_tree(const char *tmp)
{
	char *empty = path_join(tmp, "not-a-tree");
	char *file = path_join(tmp, "plain-file");
	char *missing = path_join(tmp, "missing");
	struct source src;
	char *err = NULL;
	int rc;

	/* A folder of neither shape: docs only, and a stray Markdown file. */
	CHECK(tmp_write_str(empty, "docs/guide.md", "# Guide\n") == 0);
	CHECK(tmp_write_str(empty, "notes.md", "notes\n") == 0);
	rc = source_scan(&src, empty, NULL, &err);
	CHECK(rc < 0);
	CHECK(err != NULL);
	CHECK(err && strstr(err, "not-a-tree"));
	CHECK(src.nunits == 0 && !src.root);
	free(err);
	err = NULL;

	CHECK(tmp_write_str(tmp, "plain-file", "x") == 0);
	CHECK(source_scan(&src, file, NULL, &err) == -ENOTDIR);
	CHECK(err && strstr(err, "plain-file"));
	free(err);
	err = NULL;

	CHECK(source_scan(&src, missing, NULL, &err) == -ENOENT);
	CHECK(err && strstr(err, "missing"));
	free(err);
	err = NULL;

	CHECK(source_scan(&src, missing, NULL, NULL) == -ENOENT);

	/* A root reached through a symlink is recorded resolved. */
	free(missing);
	missing = path_join(tmp, "link-to-aiwg");
	CHECK(symlink(aiwg_root, missing) == 0);
	CHECK(source_scan(&src, missing, NULL, &err) == 0);
	CHECK_STR(src.root, aiwg_root);
	CHECK(src.nunits == 3);
	source_release(&src);
	free(err);
	err = NULL;
	free(empty);
	free(file);
	free(missing);
}

/* Symlinked files and folders are never followed or listed. */
static void test_symlinks(const char *tmp)
{
	char *root = path_join(tmp, "sym");
	char *out = path_join(tmp, "elsewhere");
	const struct artifact *a;
	struct source src;
	char *err = NULL;
	struct {
		const char *target, *link;
	} links[] = {
		{ "real.md", "agents/alias.md" },
		{ "../../elsewhere/x.md", "agents/outside.md" },
		{ "../../elsewhere/cmds", "commands/linked" },
		{ "../../elsewhere/skill", "skills/linked-skill" },
		{ "../../../elsewhere/skill/SKILL.md",
		  "skills/file-link/SKILL.md" },
		{ "../../../elsewhere/x.md", "skills/real-skill/linked.md" },
		{ "../../../elsewhere/cmds", "skills/real-skill/linked-dir" },
		{ "r.md", "rules/lr.md" },
	};

	CHECK(tmp_write_str(out, "x.md", "---\nname: x\n---\nx\n") == 0);
	CHECK(tmp_write_str(out, "cmds/hidden.md", "hidden\n") == 0);
	CHECK(tmp_write_str(out, "skill/SKILL.md", "# S\n\nA skill.\n") == 0);
	CHECK(tmp_write_str(root, "agents/real.md", "real\n") == 0);
	CHECK(tmp_write_str(root, "commands/cmd.md", "cmd\n") == 0);
	CHECK(tmp_write_str(root, "skills/real-skill/SKILL.md", "# R\n") == 0);
	CHECK(tmp_write_str(root, "skills/file-link/notes.md", "n\n") == 0);
	CHECK(tmp_write_str(root, "rules/r.md", "rule\n") == 0);
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		char *l = path_join(root, links[i].link);

		CHECK(l && symlink(links[i].target, l) == 0);
		free(l);
	}

	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK(count_kind(&src, ARTIFACT_AGENT) == 1);
	CHECK(source_find(&src, ARTIFACT_AGENT, "real") != NULL);
	CHECK(source_find(&src, ARTIFACT_AGENT, "alias") == NULL);
	CHECK(source_find(&src, ARTIFACT_AGENT, "outside") == NULL);
	CHECK(count_kind(&src, ARTIFACT_COMMAND) == 1);
	CHECK(source_find(&src, ARTIFACT_COMMAND, "hidden") == NULL);
	CHECK(count_kind(&src, ARTIFACT_SKILL) == 1);
	CHECK(source_find(&src, ARTIFACT_SKILL, "linked-skill") == NULL);
	CHECK(source_find(&src, ARTIFACT_SKILL, "file-link") == NULL);
	a = source_find(&src, ARTIFACT_SKILL, "real-skill");
	CHECK(a && a->nfiles == 1);
	CHECK(a && a->nfiles && !strcmp(a->files[0], "SKILL.md"));
	CHECK(count_kind(&src, ARTIFACT_RULE) == 1);
	CHECK(source_find(&src, ARTIFACT_RULE, "lr") == NULL);
	source_release(&src);
	free(err);
	free(root);
	free(out);
}

/*
 * A unit folder or kind folder that is a symlink is not followed either:
 * the scanner checks frameworks/, addons/ and agentic/code with lstat and
 * lists with lstat, so a linked agents/ folder must not bring in agents.
 */
static void test_symlinked_folders(const char *tmp)
{
	char *root = path_join(tmp, "symunits");
	char *fwlink = path_join(root, "agentic/code/frameworks/linked-fw");
	char *kindlink =
		path_join(root, "agentic/code/frameworks/real-fw/agents");
	struct source src;
	char *err = NULL;

	CHECK(tmp_write_str(tmp, "other-fw/agents/foreign.md", "f\n") == 0);
	CHECK(tmp_write_str(root,
			    "agentic/code/frameworks/real-fw/commands/"
			    "c.md",
			    "c\n") == 0);
	CHECK(symlink("../../../../other-fw", fwlink) == 0);
	CHECK(symlink("../../../../../other-fw/agents", kindlink) == 0);

	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK(src.aiwg);
	CHECK(src.nunits == 1);
	if (src.nunits)
		CHECK_STR(src.units[0].name, "real-fw");
	CHECK(source_find(&src, ARTIFACT_COMMAND, "c") != NULL);
	CHECK(source_find(&src, ARTIFACT_AGENT, "foreign") == NULL);
	source_release(&src);
	free(err);
	free(root);
	free(fwlink);
	free(kindlink);
}

/* Empty or useless kind folders are no error and define nothing. */
static void test_empty_folders(const char *tmp)
{
	char *root = path_join(tmp, "empty-kinds");
	char *rules = path_join(root, "rules");
	char *skills = path_join(root, "skills");
	struct source src;
	char *err = NULL;

	CHECK(tmp_write_str(root, "agents/a.md", "a\n") == 0);
	CHECK(tmp_mkdirs(rules) == 0);
	CHECK(tmp_mkdirs(skills) == 0);
	CHECK(tmp_write_str(root, "commands/README.md", "readme\n") == 0);
	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK(src.nartifacts == 1);
	CHECK(count_kind(&src, ARTIFACT_RULE) == 0);
	source_release(&src);

	/* Only an empty rules folder: still a flat tree, with nothing in it. */
	free(root);
	root = path_join(tmp, "only-rules");
	free(rules);
	rules = path_join(root, "rules");
	CHECK(tmp_mkdirs(rules) == 0);
	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK(!src.aiwg && src.nunits == 1 && src.nartifacts == 0);
	source_release(&src);
	free(err);
	free(root);
	free(rules);
	free(skills);
}

static void test_skill_shapes(const char *tmp)
{
	char *root = path_join(tmp, "skills-shapes");
	char *dirmd = path_join(root, "skills/dir-skill/SKILL.md");
	char *emptydir = path_join(root, "skills/ok/empty-dir");
	const struct artifact *a;
	struct source src;
	char *err = NULL;

	CHECK(tmp_mkdirs(dirmd) == 0);
	CHECK(tmp_write_str(dirmd, "inner.md", "inner\n") == 0);
	CHECK(tmp_write_str(root, "skills/lower/skill.md", "lower\n") == 0);
	CHECK(tmp_write_str(root, "skills/nested-only/sub/SKILL.md", "x") == 0);
	CHECK(tmp_write_str(root, "skills/ok/SKILL.md", "# Ok\n") == 0);
	CHECK(tmp_write_str(root, "skills/ok/z.txt", "z") == 0);
	CHECK(tmp_write_str(root, "skills/ok/a/b/c.md", "c") == 0);
	CHECK(tmp_write_str(root, "skills/ok/B.md", "B") == 0);
	CHECK(tmp_mkdirs(emptydir) == 0);
	CHECK(tmp_write_str(root, "skills/stray.md", "stray") == 0);

	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK(count_kind(&src, ARTIFACT_SKILL) == 1);
	CHECK(source_find(&src, ARTIFACT_SKILL, "dir-skill") == NULL);
	CHECK(source_find(&src, ARTIFACT_SKILL, "lower") == NULL);
	CHECK(source_find(&src, ARTIFACT_SKILL, "nested-only") == NULL);
	CHECK(source_find(&src, ARTIFACT_SKILL, "sub") == NULL);
	a = source_find(&src, ARTIFACT_SKILL, "ok");
	CHECK(a != NULL);
	if (a) {
		static const char *const want[] = { "B.md", "SKILL.md",
						    "a/b/c.md", "z.txt" };

		CHECK(a->nfiles == ARRAY_SIZE(want));
		for (size_t i = 0; i < a->nfiles && i < ARRAY_SIZE(want); i++)
			CHECK_STR(a->files[i], want[i]);
		check_skill_files(a);
	}
	source_release(&src);
	free(err);
	free(root);
	free(dirmd);
	free(emptydir);
}

static void test_commands_deep(const char *tmp)
{
	char *root = path_join(tmp, "deep");
	struct buf rel = BUF_INIT;
	const struct artifact *a;
	const struct shadowed *sh;
	struct source src;
	char *err = NULL;

	buf_adds(&rel, "commands");
	for (int i = 1; i <= 20; i++)
		buf_addf(&rel, "/level-%02d", i);
	buf_adds(&rel, "/deep-command.md");
	CHECK(tmp_write_str(root, rel.data, "deep\n") == 0);
	CHECK(tmp_write_str(root, "commands/z-top.md", "z\n") == 0);
	CHECK(tmp_write_str(root, "commands/templates.md", "a file\n") == 0);
	CHECK(tmp_write_str(root, "commands/templates/t1.md", "t\n") == 0);
	CHECK(tmp_write_str(root, "commands/a/templates/t2.md", "t\n") == 0);
	CHECK(tmp_write_str(root, "commands/a/b/templates/c/t3.md", "t\n") ==
	      0);
	CHECK(tmp_write_str(root, "commands/a/templates-x/kept.md", "k\n") ==
	      0);
	CHECK(tmp_write_str(root, "commands/a/a-nested.md", "a\n") == 0);
	CHECK(tmp_write_str(root, "commands/a/manifest.md", "m\n") == 0);
	CHECK(tmp_write_str(root, "commands/a/notes.txt", "n\n") == 0);
	/* The same id twice in one unit: the top-level one wins. */
	CHECK(tmp_write_str(root, "commands/dup.md", "top\n") == 0);
	CHECK(tmp_write_str(root, "commands/a/dup.md", "nested\n") == 0);

	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	a = source_find(&src, ARTIFACT_COMMAND, "deep-command");
	CHECK(a && path_is(a->path, root, rel.data));
	CHECK(source_find(&src, ARTIFACT_COMMAND, "z-top") != NULL);
	CHECK(source_find(&src, ARTIFACT_COMMAND, "templates") != NULL);
	CHECK(source_find(&src, ARTIFACT_COMMAND, "t1") == NULL);
	CHECK(source_find(&src, ARTIFACT_COMMAND, "t2") == NULL);
	CHECK(source_find(&src, ARTIFACT_COMMAND, "t3") == NULL);
	a = source_find(&src, ARTIFACT_COMMAND, "kept");
	CHECK(a && path_is(a->path, root, "commands/a/templates-x/kept.md"));
	CHECK(source_find(&src, ARTIFACT_COMMAND, "a-nested") != NULL);
	CHECK(source_find(&src, ARTIFACT_COMMAND, "manifest") == NULL);
	CHECK(source_find(&src, ARTIFACT_COMMAND, "notes") == NULL);
	a = source_find(&src, ARTIFACT_COMMAND, "dup");
	CHECK(a && path_is(a->path, root, "commands/dup.md"));
	CHECK(count_kind(&src, ARTIFACT_COMMAND) == 6);
	CHECK(src.nshadowed == 1);
	sh = find_shadowed(&src, ARTIFACT_COMMAND, "dup");
	CHECK(sh && path_is(sh->path, root, "commands/a/dup.md"));
	CHECK(sh && path_is(sh->winner, root, "commands/dup.md"));
	check_order(&src);
	source_release(&src);
	buf_release(&rel);
	free(err);
	free(root);
}

static void test_odd_names(const char *tmp)
{
	char *root = path_join(tmp, "spaces");
	const struct artifact *a;
	struct source src;
	char *err = NULL;

	CHECK(tmp_write_str(root, "agents/my agent.md", "a\n") == 0);
	CHECK(tmp_write_str(root, "agents/.md", "no name\n") == 0);
	CHECK(tmp_write_str(root, "agents/x.md.bak", "backup\n") == 0);
	CHECK(tmp_write_str(root, "agents/agent-template.md", "t\n") == 0);
	CHECK(tmp_write_str(root, "agents/caf\xC3\xA9.md", "utf8\n") == 0);
	CHECK(tmp_write_str(root, "commands/sub dir/do thing.md", "c\n") == 0);
	CHECK(tmp_write_str(root, "skills/My_Skill Name/SKILL.md", "# S\n") ==
	      0);
	CHECK(tmp_write_str(root, "skills/My_Skill Name/ref docs/a b.md",
			    "r\n") == 0);
	CHECK(tmp_write_str(root, "rules/two words.md", "r\n") == 0);
	CHECK(tmp_write_str(root, "rules/windsurf-compat.md", "w\n") == 0);

	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	a = source_find(&src, ARTIFACT_AGENT, "my agent");
	CHECK(a && path_is(a->path, root, "agents/my agent.md"));
	CHECK(source_find(&src, ARTIFACT_AGENT, "caf\xC3\xA9") != NULL);
	CHECK(source_find(&src, ARTIFACT_AGENT, "") == NULL);
	CHECK(source_find(&src, ARTIFACT_AGENT, "agent-template") == NULL);
	CHECK(count_kind(&src, ARTIFACT_AGENT) == 2);
	a = source_find(&src, ARTIFACT_COMMAND, "do thing");
	CHECK(a && path_is(a->path, root, "commands/sub dir/do thing.md"));
	a = source_find(&src, ARTIFACT_SKILL, "My_Skill Name");
	CHECK(a && path_is(a->path, root, "skills/My_Skill Name"));
	CHECK(a && a->nfiles == 2);
	CHECK(a && a->nfiles == 2 && !strcmp(a->files[0], "SKILL.md") &&
	      !strcmp(a->files[1], "ref docs/a b.md"));
	CHECK(source_find(&src, ARTIFACT_RULE, "two words") != NULL);
	CHECK(count_kind(&src, ARTIFACT_RULE) == 1);
	check_order(&src);
	source_release(&src);
	free(err);
	free(root);
}

/* An AIWG tree with addons and no frameworks folder. */
static void test_addons_only(const char *tmp)
{
	char *root = path_join(tmp, "addons-only");
	struct source src;
	char *err = NULL;

	CHECK(tmp_write_str(root, AD "solo/agents/solo-agent.md", "s\n") == 0);
	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK(src.aiwg);
	CHECK(src.nunits == 1);
	check_unit(&src, 0, "solo", UNIT_ADDON, AD "solo");
	CHECK(source_find(&src, ARTIFACT_AGENT, "solo-agent") != NULL);
	source_release(&src);
	free(err);
	free(root);
}

/* A RULES-INDEX in one unit hides the other rules of that unit only. */
static void test_rules_index_scope(const char *tmp)
{
	char *root = path_join(tmp, "rules-index");
	const struct artifact *a;
	struct source src;
	char *err = NULL;

	CHECK(tmp_write_str(root, FW "a-fw/rules/RULES-INDEX.md", "i\n") == 0);
	CHECK(tmp_write_str(root, FW "a-fw/rules/detail.md", "d\n") == 0);
	CHECK(tmp_write_str(root, FW "b-fw/rules/b-rule.md", "b\n") == 0);
	CHECK(tmp_write_str(root, FW "b-fw/rules/detail.md", "d\n") == 0);
	CHECK(tmp_write_str(root, AD "c-ad/rules/RULES-INDEX.md", "i2\n") == 0);

	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK(src.nunits == 3);
	CHECK(count_kind(&src, ARTIFACT_RULE) == 3);
	a = source_find(&src, ARTIFACT_RULE, "RULES-INDEX");
	CHECK(a && a->unit == 0);
	a = source_find(&src, ARTIFACT_RULE, "detail");
	CHECK(a && path_is(a->path, root, FW "b-fw/rules/detail.md"));
	CHECK(source_find(&src, ARTIFACT_RULE, "b-rule") != NULL);
	/* The addon's index loses to the framework's. */
	CHECK(src.nshadowed == 1);
	CHECK(src.nshadowed == 1 && path_is(src.shadowed[0].path, root,
					    AD "c-ad/rules/RULES-INDEX.md"));
	source_release(&src);
	free(err);
	free(root);
}

/* The notes of a scan, listed when a test does not find the one it wants. */
static void print_notes(const struct source *src)
{
	fprintf(stderr, "  %zu notes:\n", src->nnotes);
	for (size_t i = 0; i < src->nnotes; i++)
		fprintf(stderr, "    '%s' (%s): %s\n", src->notes[i].path,
			src->notes[i].left_out ? "left out" : "shown",
			src->notes[i].reason);
}

/* How many notes are about root/rel. */
static size_t notes_about(const struct source *src, const char *root,
			  const char *rel)
{
	char *path = path_join(root, rel);
	size_t n = 0;

	for (size_t i = 0; path && i < src->nnotes; i++)
		n += !strcmp(src->notes[i].path, path);
	free(path);
	return n;
}

/*
 * The one note about root/rel, which must be there once, left out or not
 * as `left_out` says, with a reason that holds every one of `words`
 * (NULL-terminated).
 */
static void check_note(const struct source *src, const char *root,
		       const char *rel, bool left_out, const char *const *words)
{
	char *path = path_join(root, rel);
	const struct source_note *n = NULL;
	size_t count = 0;

	for (size_t i = 0; path && i < src->nnotes; i++) {
		if (strcmp(src->notes[i].path, path))
			continue;
		n = &src->notes[i];
		count++;
	}
	CHECK(count == 1);
	if (count != 1) {
		fprintf(stderr, "  %zu notes about '%s'\n", count, rel);
		print_notes(src);
	}
	if (n) {
		CHECK(n->left_out == left_out);
		CHECK(n->reason != NULL);
		for (size_t i = 0; n->reason && words && words[i]; i++) {
			CHECK(strstr(n->reason, words[i]) != NULL);
			if (!strstr(n->reason, words[i]))
				fprintf(stderr,
					"  note about '%s' lacks '%s': %s\n",
					rel, words[i], n->reason);
		}
	}
	free(path);
}

/* A note names no file twice, and every one is below `root`. */
static void check_notes_sane(const struct source *src, const char *root)
{
	for (size_t i = 0; i < src->nnotes; i++) {
		CHECK(src->notes[i].path && src->notes[i].reason);
		CHECK(src->notes[i].path[0] == '/');
		CHECK(!strncmp(src->notes[i].path, root, strlen(root)) &&
		      src->notes[i].path[strlen(root)] == '/');
		CHECK(*src->notes[i].reason);
		for (size_t j = i + 1; j < src->nnotes; j++)
			CHECK(strcmp(src->notes[i].path, src->notes[j].path));
	}
}

static int make_fifo(const char *root, const char *rel)
{
	char *path = path_join(root, rel);
	char *slash = path ? strrchr(path, '/') : NULL;
	int rc = -1;

	if (slash) {
		*slash = '\0';
		rc = tmp_mkdirs(path);
		*slash = '/';
	}
	if (!rc)
		rc = mkfifo(path, 0644);
	free(path);
	return rc;
}

/* A socket file, bound and closed: it stays behind in the folder. */
static int make_socket(const char *root, const char *rel)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *path = path_join(root, rel);
	int fd, rc = -1;

	if (!path || strlen(path) >= sizeof(sa.sun_path)) {
		free(path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
		close(fd);
	}
	free(path);
	return rc;
}

static int make_device(const char *root, const char *rel, mode_t type)
{
	char *path = path_join(root, rel);
	int rc = path ? mknod(path, type | 0600,
			      type == S_IFCHR ? makedev(1, 3) : makedev(7, 0))
		      : -1;

	free(path);
	return rc;
}

static int make_link(const char *root, const char *rel, const char *target)
{
	char *path = path_join(root, rel);
	char *slash = path ? strrchr(path, '/') : NULL;
	int rc = -1;

	if (slash) {
		*slash = '\0';
		rc = tmp_mkdirs(path);
		*slash = '/';
	}
	if (!rc)
		rc = symlink(target, path);
	free(path);
	return rc;
}

/* A file of `size` bytes that starts with frontmatter (sparse past it). */
static int make_sized(const char *root, const char *rel, off_t size)
{
	char *path = path_join(root, rel);
	int rc = tmp_write_str(root, rel, "---\nname: sized\n---\n");

	if (!rc)
		rc = path ? truncate(path, size) : -1;
	free(path);
	return rc;
}

/* A scratch note, and one more: what source_note() keeps. */
static void test_note_api(void)
{
	struct source src;

	memset(&src, 0, sizeof(src));
	CHECK(source_note(&src, "/some/where.md", true, "is %d deep, %s", 7,
			  "too") == 0);
	CHECK(source_note(&src, "/else", false, "plain") == 0);
	CHECK(src.nnotes == 2);
	if (src.nnotes == 2) {
		CHECK_STR(src.notes[0].path, "/some/where.md");
		CHECK_STR(src.notes[0].reason, "is 7 deep, too");
		CHECK(src.notes[0].left_out);
		CHECK_STR(src.notes[1].path, "/else");
		CHECK_STR(src.notes[1].reason, "plain");
		CHECK(!src.notes[1].left_out);
	}
	source_release(&src);
	CHECK(src.nnotes == 0 && src.notes == NULL);

	/* the example trees are clean */
	CHECK(source_scan(&src, aiwg_root, NULL, NULL) == 0);
	CHECK(src.nnotes == 0);
	if (src.nnotes)
		print_notes(&src);
	source_release(&src);
	CHECK(source_scan(&src, flat_root, NULL, NULL) == 0);
	CHECK(src.nnotes == 0);
	source_release(&src);
}

/*
 * FIFOs, sockets and devices where artifacts could be are noted and never
 * opened: opening the FIFO would hang the scan (main() sets an alarm).
 */
static void test_notes_special(const char *tmp)
{
	static const char *const fifo[] = { "FIFO", "never opened", NULL };
	static const char *const sock[] = { "socket", "never opened", NULL };
	static const char *const dev[] = { "device file", "never opened",
					   NULL };
	static const char *const s_files[] = { "SKILL.md", "ref/doc.md" };
	char *root = path_join(tmp, "special");
	bool root_user = geteuid() == 0;
	const struct artifact *a;
	struct source src;
	char *err = NULL;

	CHECK(tmp_write_str(root, "agents/real.md", "real\n") == 0);
	CHECK(make_fifo(root, "agents/pipe.md") == 0);
	CHECK(make_fifo(root, "agents/pipe") == 0);
	CHECK(make_fifo(root, "agents/README.md") == 0);
	CHECK(make_socket(root, "agents/sock.md") == 0);
	CHECK(make_socket(root, "agents/sock") == 0);
	if (root_user) {
		CHECK(make_device(root, "agents/chr.md", S_IFCHR) == 0);
		CHECK(make_device(root, "agents/blk.md", S_IFBLK) == 0);
		CHECK(make_device(root, "agents/chr", S_IFCHR) == 0);
	} else {
		printf("not root: device files not tried\n");
	}
	CHECK(tmp_write_str(root, "commands/c.md", "c\n") == 0);
	CHECK(make_fifo(root, "commands/pipe.md") == 0);
	CHECK(make_fifo(root, "commands/pipe.txt") == 0);
	CHECK(make_fifo(root, "commands/sub/deep-pipe.md") == 0);
	CHECK(tmp_write_str(root, "rules/r.md", "r\n") == 0);
	CHECK(make_fifo(root, "rules/pipe.md") == 0);
	CHECK(tmp_write_str(root, "skills/s/SKILL.md", "# S\n") == 0);
	CHECK(tmp_write_str(root, "skills/s/ref/doc.md", "doc\n") == 0);
	CHECK(make_fifo(root, "skills/s/pipe") == 0);
	CHECK(make_socket(root, "skills/s/ref/sock") == 0);
	CHECK(make_fifo(root, "skills/p/SKILL.md") == 0);

	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	/* only the regular files are artifacts */
	CHECK(count_kind(&src, ARTIFACT_AGENT) == 1);
	CHECK(source_find(&src, ARTIFACT_AGENT, "real") != NULL);
	CHECK(count_kind(&src, ARTIFACT_COMMAND) == 1);
	CHECK(source_find(&src, ARTIFACT_COMMAND, "c") != NULL);
	CHECK(count_kind(&src, ARTIFACT_RULE) == 1);
	CHECK(source_find(&src, ARTIFACT_RULE, "r") != NULL);
	CHECK(count_kind(&src, ARTIFACT_SKILL) == 1);
	CHECK(source_find(&src, ARTIFACT_SKILL, "p") == NULL);
	a = source_find(&src, ARTIFACT_SKILL, "s");
	CHECK(a && a->nfiles == ARRAY_SIZE(s_files));
	for (size_t i = 0; a && i < a->nfiles && i < ARRAY_SIZE(s_files); i++)
		CHECK_STR(a->files[i], s_files[i]);

	check_note(&src, root, "agents/pipe.md", true, fifo);
	check_note(&src, root, "agents/sock.md", true, sock);
	check_note(&src, root, "commands/pipe.md", true, fifo);
	check_note(&src, root, "commands/sub/deep-pipe.md", true, fifo);
	check_note(&src, root, "rules/pipe.md", true, fifo);
	check_note(&src, root, "skills/s/pipe", true, fifo);
	check_note(&src, root, "skills/s/ref/sock", true, sock);
	check_note(&src, root, "skills/p/SKILL.md", true, fifo);
	if (root_user) {
		check_note(&src, root, "agents/chr.md", true, dev);
		check_note(&src, root, "agents/blk.md", true, dev);
	}
	/* not named like an artifact: no note */
	CHECK(notes_about(&src, root, "agents/pipe") == 0);
	CHECK(notes_about(&src, root, "agents/sock") == 0);
	CHECK(notes_about(&src, root, "agents/chr") == 0);
	CHECK(notes_about(&src, root, "agents/README.md") == 0);
	CHECK(notes_about(&src, root, "commands/pipe.txt") == 0);
	CHECK(src.nnotes == (root_user ? 10u : 8u));
	check_notes_sane(&src, root);
	source_release(&src);

	/* a RULES-INDEX.md that is a FIFO stands for nothing: no rules */
	free(root);
	root = path_join(tmp, "special-index");
	CHECK(make_fifo(root, "rules/RULES-INDEX.md") == 0);
	CHECK(tmp_write_str(root, "rules/detail.md", "d\n") == 0);
	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(source_find(&src, ARTIFACT_RULE, "RULES-INDEX") == NULL);
	CHECK(count_kind(&src, ARTIFACT_RULE) == 0);
	check_note(&src, root, "rules/RULES-INDEX.md", true, fifo);
	CHECK(src.nnotes == 1);
	source_release(&src);
	free(err);
	free(root);
}

/* Symlinks where artifacts could be: noted with where they lead. */
static void test_notes_links(const char *tmp)
{
	static const char *const inside[] = {
		"is a symbolic link (to 'real.md')", "never followed", NULL
	};
	static const char *const up[] = { "(to '../rules/r.md')",
					  "never followed", NULL };
	static const char *const outside[] = { "'../../links-out/x.md'",
					       "outside SOURCE",
					       "never followed", NULL };
	static const char *const out_any[] = { "outside SOURCE",
					       "never followed", NULL };
	static const char *const dangling[] = { "'nowhere.md'",
						"does not exist", NULL };
	static const char *const loop[] = { "loop", "never followed", NULL };
	static const char *const in_any[] = { "is a symbolic link (to",
					      "never followed", NULL };
	char *root = path_join(tmp, "links");
	char *out = path_join(tmp, "links-out");
	char *abs_x = path_join(out, "x.md");
	const struct artifact *a;
	struct source src;
	char *err = NULL;
	struct {
		const char *rel, *target;
	} links[] = {
		{ "agents/inside.md", "real.md" },
		{ "agents/up.md", "../rules/r.md" },
		{ "agents/outside.md", "../../links-out/x.md" },
		{ "agents/abs.md", abs_x },
		{ "agents/dangling.md", "nowhere.md" },
		{ "agents/self.md", "self.md" },
		{ "agents/ping.md", "pong.md" },
		{ "agents/pong.md", "ping.md" },
		{ "agents/plain-link", "real.md" },
		{ "commands/linked", "../../links-out/cmds" },
		{ "commands/sub/inner.md", "../c.md" },
		{ "skills/real/linked.md", "../../../links-out/x.md" },
		{ "skills/real/linked-dir", "../../../links-out/cmds" },
		{ "skills/real/self-ref", "SKILL.md" },
		{ "skills/linked-skill", "../../links-out/skill" },
		{ "skills/alias-skill", "real" },
		{ "skills/file-link/SKILL.md",
		  "../../../links-out/skill/SKILL.md" },
		{ "rules/lr.md", "r.md" },
	};

	CHECK(tmp_write_str(out, "x.md", "---\nname: x\n---\nx\n") == 0);
	CHECK(tmp_write_str(out, "cmds/hidden.md", "hidden\n") == 0);
	CHECK(tmp_write_str(out, "skill/SKILL.md", "# S\n\nA skill.\n") == 0);
	CHECK(tmp_write_str(root, "agents/real.md", "real\n") == 0);
	CHECK(tmp_write_str(root, "commands/c.md", "cmd\n") == 0);
	CHECK(tmp_write_str(root, "skills/real/SKILL.md", "# R\n") == 0);
	CHECK(tmp_write_str(root, "skills/file-link/notes.md", "n\n") == 0);
	CHECK(tmp_write_str(root, "rules/r.md", "rule\n") == 0);
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		CHECK(make_link(root, links[i].rel, links[i].target) == 0);

	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK(count_kind(&src, ARTIFACT_AGENT) == 1);
	CHECK(count_kind(&src, ARTIFACT_COMMAND) == 1);
	CHECK(count_kind(&src, ARTIFACT_RULE) == 1);
	CHECK(count_kind(&src, ARTIFACT_SKILL) == 1);
	a = source_find(&src, ARTIFACT_SKILL, "real");
	CHECK(a && a->nfiles == 1);

	check_note(&src, root, "agents/inside.md", true, inside);
	check_note(&src, root, "agents/up.md", true, up);
	check_note(&src, root, "agents/outside.md", true, outside);
	check_note(&src, root, "agents/abs.md", true, out_any);
	check_note(&src, root, "agents/dangling.md", true, dangling);
	check_note(&src, root, "agents/self.md", true, loop);
	check_note(&src, root, "agents/ping.md", true, loop);
	check_note(&src, root, "agents/pong.md", true, loop);
	CHECK(notes_about(&src, root, "agents/plain-link") == 0);
	check_note(&src, root, "commands/linked", true, out_any);
	check_note(&src, root, "commands/sub/inner.md", true, in_any);
	check_note(&src, root, "skills/real/linked.md", true, out_any);
	check_note(&src, root, "skills/real/linked-dir", true, out_any);
	check_note(&src, root, "skills/real/self-ref", true, in_any);
	check_note(&src, root, "skills/linked-skill", true, out_any);
	check_note(&src, root, "skills/alias-skill", true, in_any);
	check_note(&src, root, "skills/file-link/SKILL.md", true, out_any);
	check_note(&src, root, "rules/lr.md", true, in_any);
	CHECK(src.nnotes == 17);
	check_notes_sane(&src, root);
	/* an inside link is not called outside, nor a loop dangling */
	for (size_t i = 0; i < src.nnotes; i++) {
		const char *p = src.notes[i].path, *why = src.notes[i].reason;

		if (str_ends_with(p, "/inside.md") ||
		    str_ends_with(p, "/lr.md") || str_ends_with(p, "/up.md"))
			CHECK(!strstr(why, "outside") &&
			      !strstr(why, "does not exist") &&
			      !strstr(why, "loop"));
		if (str_ends_with(p, "/self.md"))
			CHECK(!strstr(why, "does not exist") &&
			      !strstr(why, "outside"));
		if (str_ends_with(p, "/dangling.md"))
			CHECK(!strstr(why, "loop") && !strstr(why, "outside"));
	}
	source_release(&src);
	free(err);
	free(root);
	free(out);
	free(abs_x);
}

/* Kind folders, units, frameworks/ and addons/ that are symlinks. */
static void test_notes_linked_folders(const char *tmp)
{
	static const char *const outside[] = { "outside SOURCE",
					       "never followed", NULL };
	static const char *const dangling[] = { "does not exist", NULL };
	static const char *const loop[] = { "loop", NULL };
	static const char *const to_commands[] = { "(to 'commands')", NULL };
	static const char *const to_real[] = { "(to 'real-fw')", NULL };
	static const char *const to_fw[] = { "(to 'frameworks')", NULL };
	char *root = path_join(tmp, "linked-kinds");
	struct source src;
	char *err = NULL;

	/* a flat tree */
	CHECK(tmp_write_str(tmp, "linked-out/agents/x.md", "x\n") == 0);
	CHECK(tmp_write_str(root, "commands/c.md", "c\n") == 0);
	CHECK(make_link(root, "agents", "../linked-out/agents") == 0);
	CHECK(make_link(root, "rules", "commands") == 0);
	CHECK(make_link(root, "skills", "gone") == 0);
	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK(src.nartifacts == 1);
	CHECK(source_find(&src, ARTIFACT_COMMAND, "c") != NULL);
	check_note(&src, root, "agents", true, outside);
	check_note(&src, root, "rules", true, to_commands);
	check_note(&src, root, "skills", true, dangling);
	CHECK(src.nnotes == 3);
	source_release(&src);

	/* units and kind folders of an AIWG tree */
	free(root);
	root = path_join(tmp, "linked-units");
	CHECK(tmp_write_str(root, FW "real-fw/commands/c.md", "c\n") == 0);
	CHECK(tmp_write_str(root, AD "ad/rules/r.md", "r\n") == 0);
	CHECK(make_link(root, FW "linked-fw", "../../../../linked-out") == 0);
	CHECK(make_link(root, FW "alias-fw", "real-fw") == 0);
	CHECK(make_link(root, FW "real-fw/agents",
			"../../../../../linked-out/agents") == 0);
	CHECK(make_link(root, FW "real-fw/skills", "gone") == 0);
	CHECK(make_link(root, AD "loop-ad", "loop-ad") == 0);
	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK(src.aiwg && src.nunits == 2);
	check_unit(&src, 0, "real-fw", UNIT_FRAMEWORK, FW "real-fw");
	check_unit(&src, 1, "ad", UNIT_ADDON, AD "ad");
	CHECK(src.nartifacts == 2);
	CHECK(source_find(&src, ARTIFACT_AGENT, "x") == NULL);
	check_note(&src, root, FW "linked-fw", true, outside);
	check_note(&src, root, FW "alias-fw", true, to_real);
	check_note(&src, root, FW "real-fw/agents", true, outside);
	check_note(&src, root, FW "real-fw/skills", true, dangling);
	check_note(&src, root, AD "loop-ad", true, loop);
	CHECK(src.nnotes == 5);
	check_notes_sane(&src, root);
	source_release(&src);

	/* frameworks/ itself a link out of SOURCE; addons/ one inside */
	free(root);
	root = path_join(tmp, "linked-fwdir");
	CHECK(tmp_write_str(tmp, "linked-fws/fw/agents/a.md", "a\n") == 0);
	CHECK(tmp_write_str(root, AD "ad/agents/b.md", "b\n") == 0);
	CHECK(make_link(root, "agentic/code/frameworks",
			"../../../linked-fws") == 0);
	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK(src.aiwg && src.nunits == 1);
	check_unit(&src, 0, "ad", UNIT_ADDON, AD "ad");
	CHECK(source_find(&src, ARTIFACT_AGENT, "a") == NULL);
	CHECK(source_find(&src, ARTIFACT_AGENT, "b") != NULL);
	check_note(&src, root, "agentic/code/frameworks", true, outside);
	CHECK(src.nnotes == 1);
	source_release(&src);

	free(root);
	root = path_join(tmp, "linked-addir");
	CHECK(tmp_write_str(root, FW "fw/agents/a.md", "a\n") == 0);
	CHECK(make_link(root, "agentic/code/addons", "frameworks") == 0);
	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK(src.aiwg && src.nunits == 1);
	check_unit(&src, 0, "fw", UNIT_FRAMEWORK, FW "fw");
	CHECK(src.nartifacts == 1 && src.nshadowed == 0);
	check_note(&src, root, "agentic/code/addons", true, to_fw);
	CHECK(src.nnotes == 1);
	source_release(&src);
	free(err);
	free(root);
}

/* Folders more than 32 deep below commands/ or a skill are not scanned. */
static void test_notes_deep(const char *tmp)
{
	static const char *const deep[] = { "more than 32 folders deep", NULL };
	char *root = path_join(tmp, "too-deep");
	struct buf cmd = BUF_INIT, skill = BUF_INIT, rel = BUF_INIT;
	const struct artifact *a;
	struct source src;
	char *err = NULL;

	buf_adds(&cmd, "commands");
	buf_adds(&skill, "skills/s");
	for (int i = 1; i <= 32; i++) {
		buf_addf(&cmd, "/d%02d", i);
		buf_addf(&skill, "/e%02d", i);
	}
	buf_addf(&rel, "%s/ok.md", cmd.data);
	CHECK(tmp_write_str(root, rel.data, "ok\n") == 0);
	buf_reset(&rel);
	buf_addf(&rel, "%s/d33/too-deep.md", cmd.data);
	CHECK(tmp_write_str(root, rel.data, "no\n") == 0);
	buf_reset(&rel);
	buf_addf(&rel, "%s/d33/d34/deeper.md", cmd.data);
	CHECK(tmp_write_str(root, rel.data, "no\n") == 0);
	CHECK(tmp_write_str(root, "skills/s/SKILL.md", "# S\n") == 0);
	buf_reset(&rel);
	buf_addf(&rel, "%s/ok.txt", skill.data);
	CHECK(tmp_write_str(root, rel.data, "ok\n") == 0);
	buf_reset(&rel);
	buf_addf(&rel, "%s/e33/x.txt", skill.data);
	CHECK(tmp_write_str(root, rel.data, "no\n") == 0);

	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	a = source_find(&src, ARTIFACT_COMMAND, "ok");
	buf_reset(&rel);
	buf_addf(&rel, "%s/ok.md", cmd.data);
	CHECK(a && path_is(a->path, root, rel.data));
	CHECK(source_find(&src, ARTIFACT_COMMAND, "too-deep") == NULL);
	CHECK(source_find(&src, ARTIFACT_COMMAND, "deeper") == NULL);
	CHECK(count_kind(&src, ARTIFACT_COMMAND) == 1);
	a = source_find(&src, ARTIFACT_SKILL, "s");
	CHECK(a && a->nfiles == 2);
	CHECK(a && a->nfiles == 2 && !strcmp(a->files[0], "SKILL.md") &&
	      !strncmp(a->files[1], "e01/e02/", 8) &&
	      str_ends_with(a->files[1], "/e32/ok.txt"));

	buf_reset(&rel);
	buf_addf(&rel, "%s/d33", cmd.data);
	check_note(&src, root, rel.data, true, deep);
	buf_reset(&rel);
	buf_addf(&rel, "%s/e33", skill.data);
	check_note(&src, root, rel.data, true, deep);
	CHECK(src.nnotes == 2);
	source_release(&src);
	buf_release(&cmd);
	buf_release(&skill);
	buf_release(&rel);
	free(err);
	free(root);
}

/* Markdown sources over 1 MiB are left out; skill files over 64 MiB noted. */
static void test_notes_large(const char *tmp)
{
	static const char *const big_md[] = { "over 1048576 bytes (1 MiB)",
					      "left out", NULL };
	static const char *const big_file[] = { "over 67108864 bytes (64 MiB)",
						"left out", NULL };
	char *root = path_join(tmp, "large");
	const struct artifact *a;
	struct source src;
	char *err = NULL;

	CHECK(make_sized(root, "agents/edge.md", SOURCE_MAX_TEXT) == 0);
	CHECK(make_sized(root, "agents/big.md", SOURCE_MAX_TEXT + 1) == 0);
	CHECK(make_sized(root, "commands/sub/big.md", SOURCE_MAX_TEXT + 1) ==
	      0);
	CHECK(tmp_write_str(root, "commands/small.md", "s\n") == 0);
	CHECK(make_sized(root, "rules/big.md", 3 * SOURCE_MAX_TEXT) == 0);
	CHECK(tmp_write_str(root, "rules/ok.md", "ok\n") == 0);
	CHECK(make_sized(root, "skills/big/SKILL.md", SOURCE_MAX_TEXT + 1) ==
	      0);
	CHECK(tmp_write_str(root, "skills/ok/SKILL.md", "# Ok\n") == 0);
	CHECK(make_sized(root, "skills/ok/data.bin", 2 * SOURCE_MAX_TEXT) == 0);
	CHECK(make_sized(root, "skills/ok/edge.bin", SOURCE_MAX_FILE) == 0);
	CHECK(make_sized(root, "skills/ok/huge.bin",
			 (off_t)SOURCE_MAX_FILE + 1) == 0);

	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	CHECK(source_find(&src, ARTIFACT_AGENT, "edge") != NULL);
	CHECK(source_find(&src, ARTIFACT_AGENT, "big") == NULL);
	CHECK(count_kind(&src, ARTIFACT_AGENT) == 1);
	CHECK(source_find(&src, ARTIFACT_COMMAND, "big") == NULL);
	CHECK(count_kind(&src, ARTIFACT_COMMAND) == 1);
	CHECK(source_find(&src, ARTIFACT_RULE, "big") == NULL);
	CHECK(count_kind(&src, ARTIFACT_RULE) == 1);
	CHECK(source_find(&src, ARTIFACT_SKILL, "big") == NULL);
	a = source_find(&src, ARTIFACT_SKILL, "ok");
	/* huge.bin is left out of the listing, not just noted */
	CHECK(a && a->nfiles == 3);
	for (size_t i = 0; a && i < a->nfiles; i++)
		CHECK(strcmp(a->files[i], "huge.bin") != 0);

	check_note(&src, root, "agents/big.md", true, big_md);
	check_note(&src, root, "commands/sub/big.md", true, big_md);
	check_note(&src, root, "rules/big.md", true, big_md);
	check_note(&src, root, "skills/big/SKILL.md", true, big_md);
	check_note(&src, root, "skills/ok/huge.bin", true, big_file);
	CHECK(notes_about(&src, root, "agents/edge.md") == 0);
	CHECK(notes_about(&src, root, "skills/ok/data.bin") == 0);
	CHECK(notes_about(&src, root, "skills/ok/edge.bin") == 0);
	CHECK(src.nnotes == 5);
	source_release(&src);

	/* an index too large: noted, not a rule */
	free(root);
	root = path_join(tmp, "large-index");
	CHECK(make_sized(root, "rules/RULES-INDEX.md", SOURCE_MAX_TEXT + 1) ==
	      0);
	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(source_find(&src, ARTIFACT_RULE, "RULES-INDEX") == NULL);
	check_note(&src, root, "rules/RULES-INDEX.md", true, big_md);
	CHECK(src.nnotes == 1);
	source_release(&src);
	free(err);
	free(root);
}

/* Names with control characters or bytes that are not UTF-8: kept, noted. */
static void test_notes_names(const char *tmp)
{
	static const char *const odd[] = { "control character", "not UTF-8",
					   NULL };
	static const char *const noted[] = {
		"agents/bad\nname.md",	"agents/lat\xE9.md",
		"agents/del\x7F.md",	"agents/tab\there.md",
		"agents/ov\xC0\xAF.md", "commands/c\x01.md",
		"rules/r\xFF.md",	"skills/ok/f\nile.txt",
		"skills/ok/d\xFFir",	"skills/ok/d\xFFir/y\tz",
	};
	char *root = path_join(tmp, "odd-bytes");
	const struct artifact *a;
	struct source src;
	char *err = NULL;

	/* the folder "d\xFFir" comes with the file in it */
	for (size_t i = 0; i < ARRAY_SIZE(noted); i++)
		if (!str_ends_with(noted[i], "d\xFFir"))
			CHECK(tmp_write_str(root, noted[i], "x\n") == 0);
	CHECK(tmp_write_str(root, "agents/caf\xC3\xA9 \xF0\x9F\x98\x80.md",
			    "fine\n") == 0);
	CHECK(tmp_write_str(root, "skills/sk\nill/SKILL.md", "# S\n") == 0);
	CHECK(tmp_write_str(root, "skills/ok/SKILL.md", "# Ok\n") == 0);
	CHECK(tmp_write_str(root, "skills/ok/d\xFFir/x.txt", "x\n") == 0);

	CHECK(source_scan(&src, root, NULL, &err) == 0);
	CHECK(err == NULL);
	/* all kept, under their names as they are */
	CHECK(count_kind(&src, ARTIFACT_AGENT) == 6);
	CHECK(source_find(&src, ARTIFACT_AGENT, "bad\nname") != NULL);
	CHECK(source_find(&src, ARTIFACT_AGENT, "lat\xE9") != NULL);
	CHECK(source_find(&src, ARTIFACT_COMMAND, "c\x01") != NULL);
	CHECK(source_find(&src, ARTIFACT_RULE, "r\xFF") != NULL);
	CHECK(source_find(&src, ARTIFACT_SKILL, "sk\nill") != NULL);
	a = source_find(&src, ARTIFACT_SKILL, "ok");
	CHECK(a && a->nfiles == 4);

	for (size_t i = 0; i < ARRAY_SIZE(noted); i++)
		check_note(&src, root, noted[i], false, odd);
	/* plain UTF-8 is fine; skill ids are normalized, not noted */
	CHECK(notes_about(&src, root,
			  "agents/caf\xC3\xA9 \xF0\x9F\x98\x80.md") == 0);
	CHECK(notes_about(&src, root, "skills/sk\nill") == 0);
	CHECK(notes_about(&src, root, "skills/sk\nill/SKILL.md") == 0);
	CHECK(notes_about(&src, root, "skills/ok/d\xFFir/x.txt") == 0);
	CHECK(src.nnotes == ARRAY_SIZE(noted));
	check_notes_sane(&src, root);
	source_release(&src);
	free(err);
	free(root);
}

int main(void)
{
	char *tmp = tmp_dir("source");

	/* a scan that opens a FIFO hangs: fail instead of waiting */
	alarm(60);
	aiwg_root = tmp_examples("aiwg");
	flat_root = tmp_examples("flat");
	CHECK(tmp != NULL);
	if (!tmp)
		return check_done();
	test_names();
	test_aiwg();
	test_code_root();
	test_flat();
	test_filters();
	test_unknown_units();
	test_not_a_tree(tmp);
	test_symlinks(tmp);
	test_symlinked_folders(tmp);
	test_empty_folders(tmp);
	test_skill_shapes(tmp);
	test_commands_deep(tmp);
	test_odd_names(tmp);
	test_rules_index_scope(tmp);
	test_addons_only(tmp);
	test_note_api();
	test_notes_special(tmp);
	test_notes_links(tmp);
	test_notes_linked_folders(tmp);
	test_notes_deep(tmp);
	test_notes_large(tmp);
	test_notes_names(tmp);
	CHECK(tmp_rm_tree(tmp) == 0);
	free(tmp);
	free(aiwg_root);
	free(flat_root);
	return check_done();
}
