/*
 * test_platforms.c - the renderers of each platform's own format, rendered
 * through the view model and the cache over the example tree and scratch
 * trees.
 *
 * Expectations come from the source files and DESIGN.md: frontmatter is
 * read back with fm_parse, TOML with Python's tomllib, bodies compared
 * byte for byte with the source (models are built without reference
 * rewriting, so the body is the source's).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/cache.h"
#include "aiwgfs/frontmatter.h"
#include "aiwgfs/markdown.h"
#include "aiwgfs/registry.h"
#include "aiwgfs/render.h"
#include "aiwgfs/source.h"
#include "aiwgfs/util.h"
#include "aiwgfs/vtree.h"
#include "check.h"
#include "fixture.h"
#include "tmptree.h"

#define SKILL_DESC_LIMIT 1024
#define RULE_LIMIT	 6000
#define WORKFLOW_LIMIT	 12000

static char *aiwg_root, *tmp;
static bool python;

/* build() for one platform (NULL: every one), saying why it failed. */
static int build_for(struct model *m, const char *root, const char *platform,
		     bool rewrite)
{
	const char *const plats[] = { platform, NULL };
	char *err = NULL;
	int rc = build(m, root, platform ? plats : NULL, rewrite, &err);

	if (rc)
		fprintf(stderr, "  building '%s': %s\n", root,
			err ? err : strerror(-rc));
	free(err);
	return rc;
}

/* A list of field names built up as expectations are found. */
struct keys {
	const char *v[16];
	size_t n;
};

static void keys_add(struct keys *k, const char *key)
{
	if (k->n < ARRAY_SIZE(k->v))
		k->v[k->n++] = key;
}

/* The source's tools: `tools`, else `allowed-tools`. */
static int src_tools(const struct frontmatter *fm, char ***out)
{
	int n = fm_get_list(fm, "tools", out);

	return n ? n : fm_get_list(fm, "allowed-tools", out);
}

/* Whether the source has a tools list at all, even "tools: []". */
static bool src_listed(const struct frontmatter *fm)
{
	const struct fm_field *t = fm_get(fm, "tools");
	const struct fm_field *at = fm_get(fm, "allowed-tools");
	char **tools = NULL;
	int n = src_tools(fm, &tools);

	fm_list_free(tools);
	return n > 0 || (t && t->type == FM_LIST) ||
	       (at && at->type == FM_LIST);
}

struct grants {
	bool all, write, edit, bash;
};

static struct grants want_grants(const struct frontmatter *fm)
{
	struct grants g = { 0 };
	char **tools = NULL;
	int n = src_tools(fm, &tools);

	g.all = !src_listed(fm);
	for (int i = 0; i < n; i++) {
		char *t = tools[i], *paren = strchr(t, '(');

		if (paren)
			*paren = '\0';
		g.write |= !strcmp(t, "Write");
		g.edit |= !strcmp(t, "Edit") || !strcmp(t, "MultiEdit");
		g.bash |= !strcmp(t, "Bash");
	}
	fm_list_free(tools);
	return g;
}

/* A source model as DESIGN.md maps it; NULL for "none". */
static const char *want_model(const char *platform, const char *model)
{
	static const struct {
		const char *platform, *from, *to;
	} map[] = {
		{ "cursor", "haiku", "fast" },
		{ "codex", "opus", "gpt-5.3-codex" },
		{ "codex", "haiku", "gpt-5-codex-mini" },
		{ "codex", "*", "codex-mini-latest" },
		{ "opencode", "opus", "anthropic/claude-opus-4-20250514" },
		{ "opencode", "sonnet", "anthropic/claude-sonnet-4-20250514" },
		{ "opencode", "haiku", "anthropic/claude-haiku-4-20250514" },
		{ "factory", "opus", "anthropic/claude-opus-4-20250514" },
		{ "factory", "sonnet", "anthropic/claude-sonnet-4-20250514" },
		{ "factory", "haiku", "anthropic/claude-haiku-4-20250514" },
	};
	const char *any = NULL;

	if (!model || !*model || !strcmp(model, "inherit"))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (strcmp(map[i].platform, platform))
			continue;
		if (!strcmp(map[i].from, model))
			return map[i].to;
		if (!strcmp(map[i].from, "*"))
			any = map[i].to;
	}
	return any;
}

/*
 * TOML read back by tomllib: the output must hold exactly the keys and
 * string values given, in order. Each value is compared as bytes.
 */
static const char toml_py[] =
	"import sys, tomllib\n"
	"d = tomllib.load(open(sys.argv[1], \"rb\"))\n"
	"raw = open(sys.argv[2], \"rb\").read()\n"
	"want = []\n"
	"i = 0\n"
	"while i < len(raw):\n"
	"    n = int.from_bytes(raw[i:i + 4], \"big\")\n"
	"    want.append(raw[i + 4:i + 4 + n])\n"
	"    i += 4 + n\n"
	"got = []\n"
	"for k, v in d.items():\n"
	"    got += [k.encode(), v.encode()]\n"
	"if got == want:\n"
	"    print(\"ok\")\n"
	"else:\n"
	"    print(\"differs:\", repr(got)[:300], repr(want)[:300])\n";

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f)
		return -1;
	if (fwrite(data, 1, len, f) != len)
		rc = -1;
	return fclose(f) ? -1 : rc;
}

static void add_record(struct buf *b, const char *s, size_t len)
{
	unsigned char n[4] = { (unsigned char)(len >> 24),
			       (unsigned char)(len >> 16),
			       (unsigned char)(len >> 8), (unsigned char)len };

	buf_add(b, n, 4);
	buf_add(b, s, len);
}

/* `want` holds key, value, key, value... records; true when equal. */
static bool toml_is(const struct cache_entry *e, const struct buf *want)
{
	char *toml = path_join(tmp, "out.toml"), *exp = path_join(tmp, "want");
	struct buf cmd = BUF_INIT;
	char line[1024] = "";
	FILE *p;

	if (!python)
		return true;
	CHECK(write_file(toml, e->data, e->size) == 0);
	CHECK(write_file(exp, want->data, want->len) == 0);
	/* the script has no single quotes, so it is quoted as it is */
	buf_addf(&cmd, "python3 -c '%s' '%s' '%s' 2>&1", toml_py, toml, exp);
	p = popen(cmd.data, "r");
	if (p) {
		if (!fgets(line, sizeof(line), p))
			line[0] = '\0';
		pclose(p);
	}
	if (strcmp(line, "ok\n"))
		fprintf(stderr, "  toml: %s", line);
	buf_release(&cmd);
	free(toml);
	free(exp);
	return !strcmp(line, "ok\n");
}

/* Whether tomllib reads the output at all. */
static bool toml_valid(const char *data, size_t len)
{
	char *toml = path_join(tmp, "any.toml");
	struct buf cmd = BUF_INIT;
	int rc;

	if (!python)
		return true;
	CHECK(write_file(toml, data, len) == 0);
	buf_addf(&cmd,
		 "python3 -c 'import sys, tomllib; "
		 "tomllib.load(sys.stdin.buffer)' < '%s'",
		 toml);
	rc = system(cmd.data);
	buf_release(&cmd);
	free(toml);
	return rc == 0;
}

static void record_str(struct buf *b, const char *key, const char *value)
{
	add_record(b, key, strlen(key));
	add_record(b, value, strlen(value));
}

/* --- cursor --- */

static void cursor_agent(const struct model *m, struct cache *c,
			 const struct artifact *a)
{
	char *path = dest_of("cursor", a);
	struct keys k = { 0 };
	struct rendered r;
	struct grants g;
	const char *model;

	if (!rendered_open(&r, m, c, path, a->path, true))
		goto out;
	g = want_grants(&r.sfm);
	model = want_model("cursor", fm_get_str(&r.sfm, "model"));
	keys_add(&k, "name");
	keys_add(&k, "description");
	keys_add(&k, "model");
	if (!g.all && !g.write && !g.edit && !g.bash)
		keys_add(&k, "readonly");
	CHECK(keys_are(&r.ofm, k.v, k.n));
	CHECK_STR(fm_get_str(&r.ofm, "name"), a->id);
	check_description(&r, 0);
	CHECK_STR(fm_get_str(&r.ofm, "model"), model ? model : "inherit");
	if (k.n == 4)
		CHECK(fm_get_bool(&r.ofm, "readonly"));
	CHECK(same_body(&r, &r.src));
	rendered_close(&r);
out:
	free(path);
}

/* Commands are their body alone. */
static void body_only(const struct model *m, struct cache *c,
		      const struct artifact *a, const char *platform)
{
	char *path = dest_of(platform, a);
	struct rendered r;

	if (!rendered_open(&r, m, c, path, a->path, false))
		goto out;
	CHECK(same_bytes(r.e->data, r.e->size, r.src.data + r.sfm.body_off,
			 r.src.len - r.sfm.body_off));
	rendered_close(&r);
out:
	free(path);
}

static void cursor_command(const struct model *m, struct cache *c,
			   const struct artifact *a)
{
	body_only(m, c, a, "cursor");
}

/* A rule's paths joined with commas, as every platform writes them. */
static void want_globs(const struct frontmatter *fm, struct buf *out)
{
	char **paths = NULL;
	int n = fm_get_list(fm, "paths", &paths);

	buf_reset(out);
	for (int i = 0; i < n; i++)
		buf_addf(out, "%s%s", i ? "," : "", paths[i]);
	fm_list_free(paths);
}

static void cursor_rule(const struct model *m, struct cache *c,
			const struct artifact *a)
{
	static const char *const scoped[] = { "description", "globs" };
	static const char *const always[] = { "description", "alwaysApply" };
	char *path = dest_of("cursor", a);
	struct buf globs = BUF_INIT;
	struct rendered r;

	CHECK(path && str_ends_with(path, ".mdc"));
	if (!rendered_open(&r, m, c, path, a->path, true))
		goto out;
	want_globs(&r.sfm, &globs);
	if (globs.len) {
		CHECK(keys_are(&r.ofm, scoped, 2));
		CHECK_STR(fm_get_str(&r.ofm, "globs"), globs.data);
	} else {
		CHECK(keys_are(&r.ofm, always, 2));
		CHECK(fm_get_bool(&r.ofm, "alwaysApply"));
	}
	check_description(&r, 0);
	CHECK(same_body(&r, &r.src));
	rendered_close(&r);
out:
	buf_release(&globs);
	free(path);
}

static void test_cursor(void)
{
	struct cache *c = cache_new(0);
	struct cache_entry *e;
	struct frontmatter fm;
	struct model m;

	if (build_for(&m, aiwg_root, "cursor", false))
		goto out;
	CHECK(each_of(&m, c, ARTIFACT_AGENT, cursor_agent) == 11);
	CHECK(each_of(&m, c, ARTIFACT_COMMAND, cursor_command) == 8);
	CHECK(each_of(&m, c, ARTIFACT_RULE, cursor_rule) == 5);

	/* Read, Grep, Glob: read-only; haiku is "fast" in Cursor. */
	e = render_fm(&m, c, ".cursor/agents/security-auditor.md", &fm);
	if (e) {
		CHECK(fm_get_bool(&fm, "readonly"));
		CHECK_STR(fm_get_str(&fm, "model"), "fast");
		CHECK(strstr(e->data, "\nreadonly: true\n") != NULL);
		release_fm(c, e, &fm);
	}
	/* Bash grants enough to write: not read-only; sonnet is inherited. */
	e = render_fm(&m, c, ".cursor/agents/change-gatekeeper.md", &fm);
	if (e) {
		CHECK(fm_get(&fm, "readonly") == NULL);
		CHECK_STR(fm_get_str(&fm, "model"), "inherit");
		release_fm(c, e, &fm);
	}
	e = render_fm(&m, c, ".cursor/rules/prose-style.mdc", &fm);
	if (e) {
		CHECK_STR(fm_get_str(&fm, "globs"),
			  "docs/**/*.md,**/*.mdx,README.md");
		release_fm(c, e, &fm);
	}
	e = render_at(&m, c, ".cursor/rules/plain-language.mdc");
	CHECK(e && strstr(e->data, "\nalwaysApply: true\n---\n"));
	if (e)
		cache_release(c, e);
	model_release(&m);
out:
	cache_free(c);
}

/* --- codex and the other command-as-skill platforms --- */

static void codex_agent(const struct model *m, struct cache *c,
			const struct artifact *a)
{
	char *path = dest_of("codex", a);
	struct buf want = BUF_INIT, desc = BUF_INIT;
	struct rendered r;
	const char *model;

	CHECK(path && str_ends_with(path, ".toml"));
	if (!rendered_open(&r, m, c, path, a->path, false))
		goto out;
	CHECK(!r.ofm.present);
	model = want_model("codex", fm_get_str(&r.sfm, "model"));
	want_description(r.src.data, r.src.len, 0, &desc);
	record_str(&want, "name", a->id);
	record_str(&want, "description", desc.data);
	if (model)
		record_str(&want, "model", model);
	add_record(&want, "developer_instructions", 22);
	add_record(&want, r.src.data + r.sfm.body_off,
		   r.src.len - r.sfm.body_off);
	CHECK(toml_is(r.e, &want));
	rendered_close(&r);
out:
	buf_release(&want);
	buf_release(&desc);
	free(path);
}

/* A command shown as skills/<id>/SKILL.md. */
static void command_skill(const struct model *m, struct cache *c,
			  const struct artifact *a, const char *platform)
{
	static const char *const keys[] = { "name", "description" };
	char *path = dest_of(platform, a);
	struct buf want = BUF_INIT;
	struct rendered r;

	CHECK(path && str_ends_with(path, "/SKILL.md"));
	if (!rendered_open(&r, m, c, path, a->path, true))
		goto out;
	CHECK(keys_are(&r.ofm, keys, 2));
	/* the examples' ids are valid skill names already */
	CHECK_STR(fm_get_str(&r.ofm, "name"), a->id);
	check_description(&r, SKILL_DESC_LIMIT);
	CHECK(same_body(&r, &r.src));
	/* both fields on one line each */
	buf_addf(&want, "---\nname: %s\ndescription: ", a->id);
	CHECK(!strncmp(r.e->data, want.data, want.len));
	CHECK(memchr(r.e->data + want.len, '\n',
		     r.ofm.body_off - want.len - 4) ==
	      r.e->data + r.ofm.body_off - 5);
	rendered_close(&r);
out:
	buf_release(&want);
	free(path);
}

static void codex_command(const struct model *m, struct cache *c,
			  const struct artifact *a)
{
	command_skill(m, c, a, "codex");
}

static void warp_command(const struct model *m, struct cache *c,
			 const struct artifact *a)
{
	command_skill(m, c, a, "warp");
}

static void test_codex(void)
{
	struct cache *c = cache_new(0);
	struct cache_entry *e;
	struct model m;

	if (build_for(&m, aiwg_root, "codex", false))
		goto out;
	CHECK(each_of(&m, c, ARTIFACT_AGENT, codex_agent) == 11);
	CHECK(each_of(&m, c, ARTIFACT_COMMAND, codex_command) == 8);
	/* opus maps to gpt-5.3-codex; inherit stays unset */
	e = render_at(&m, c, ".codex/agents/executive-orchestrator.toml");
	CHECK(e && strstr(e->data, "\nmodel = \"gpt-5.3-codex\"\n"));
	if (e)
		cache_release(c, e);
	e = render_at(&m, c, ".codex/agents/technical-writer.toml");
	CHECK(e && !strstr(e->data, "\nmodel = "));
	if (e)
		cache_release(c, e);
	model_release(&m);

	if (build_for(&m, aiwg_root, "warp", false))
		goto out;
	CHECK(each_of(&m, c, ARTIFACT_COMMAND, warp_command) == 8);
	model_release(&m);
out:
	cache_free(c);
}

/* Every hard case of a TOML string in one agent body. */
static const char nasty_body[] =
	"\nTriple single: ''' and triple double: \"\"\" and more \"\"\"\"\"\n"
	"Backslashes: \\ \\\\ \\n \\u0041 \\\n"
	"Controls: \x01\x07\x08\x0b\x0c\x1b\x7f tab\there\n"
	"CRLF line\r\nlone CR\rend\n"
	"NUL:\0:after\n"
	"Non-ASCII: caf\xC3\xA9 \xE2\x80\xA8 \xF0\x9F\x90\x8D\n"
	"Ends in quotes \"\"";

static void test_codex_nasty(void)
{
	static const char head[] = "---\nname: Nasty\ndescription: "
				   "\"Quotes \\\" and ''' too\"\n"
				   "model: sonnet\ntools: Read\n---\n";
	char *root = path_join(tmp, "nasty");
	struct cache *c = cache_new(0);
	struct buf text = BUF_INIT, want = BUF_INIT;
	struct cache_entry *e;
	struct model m;

	buf_adds(&text, head);
	buf_add(&text, nasty_body, sizeof(nasty_body) - 1);
	CHECK(tmp_write(root, "agents/nasty.md", text.data, text.len) == 0);
	if (build_for(&m, root, "codex", false))
		goto out;
	e = render_at(&m, c, ".codex/agents/nasty.toml");
	CHECK(e != NULL);
	record_str(&want, "name", "nasty");
	record_str(&want, "description", "Quotes \" and ''' too");
	record_str(&want, "model", "codex-mini-latest");
	add_record(&want, "developer_instructions", 22);
	add_record(&want, nasty_body, sizeof(nasty_body) - 1);
	CHECK(!python || (e && toml_is(e, &want)));
	if (e)
		cache_release(c, e);
	model_release(&m);
out:
	buf_release(&text);
	buf_release(&want);
	cache_free(c);
	free(root);
}

/* --- opencode --- */

/* The `tools` block that turns off what the source does not grant. */
static void want_opencode_tools(const struct grants *g, struct buf *out)
{
	buf_reset(out);
	if (g->all || (g->write && g->edit && g->bash))
		return;
	buf_adds(out, "\ntools:\n");
	if (!g->write)
		buf_adds(out, "  write: false\n");
	if (!g->edit)
		buf_adds(out, "  edit: false\n");
	if (!g->bash)
		buf_adds(out, "  bash: false\n");
	buf_adds(out, "---\n");
}

static void opencode_agent(const struct model *m, struct cache *c,
			   const struct artifact *a)
{
	char *path = dest_of("opencode", a);
	struct buf tools = BUF_INIT;
	struct keys k = { 0 };
	struct rendered r;
	struct grants g;
	const char *model;
	bool primary;

	if (!rendered_open(&r, m, c, path, a->path, true))
		goto out;
	g = want_grants(&r.sfm);
	want_opencode_tools(&g, &tools);
	model = want_model("opencode", fm_get_str(&r.sfm, "model"));
	primary = fm_get_bool(&r.sfm, "orchestration");
	keys_add(&k, "description");
	keys_add(&k, "mode");
	if (model)
		keys_add(&k, "model");
	if (tools.len)
		keys_add(&k, "tools");
	CHECK(keys_are(&r.ofm, k.v, k.n));
	check_description(&r, 0);
	CHECK_STR(fm_get_str(&r.ofm, "mode"), primary ? "primary" : "subagent");
	if (model)
		CHECK_STR(fm_get_str(&r.ofm, "model"), model);
	if (tools.len) {
		CHECK(fm_get(&r.ofm, "tools") &&
		      fm_get(&r.ofm, "tools")->type == FM_OTHER);
		CHECK(memmem(r.e->data, r.ofm.body_off, tools.data,
			     tools.len) != NULL);
	}
	CHECK(same_body(&r, &r.src));
	rendered_close(&r);
out:
	buf_release(&tools);
	free(path);
}

static void opencode_command(const struct model *m, struct cache *c,
			     const struct artifact *a)
{
	char *path = dest_of("opencode", a);
	struct keys k = { 0 };
	struct rendered r;
	const char *agent, *model, *mapped;

	if (!rendered_open(&r, m, c, path, a->path, true))
		goto out;
	agent = fm_get_str(&r.sfm, "agent");
	model = fm_get_str(&r.sfm, "model");
	mapped = want_model("opencode", model);
	if (model && (!*model || !strcmp(model, "inherit")))
		model = NULL;
	keys_add(&k, "description");
	if (agent && *agent)
		keys_add(&k, "agent");
	if (model)
		keys_add(&k, "model");
	CHECK(keys_are(&r.ofm, k.v, k.n));
	check_description(&r, 0);
	if (agent && *agent)
		CHECK_STR(fm_get_str(&r.ofm, "agent"), agent);
	if (model)
		CHECK_STR(fm_get_str(&r.ofm, "model"), mapped ? mapped : model);
	CHECK(same_body(&r, &r.src));
	rendered_close(&r);
out:
	free(path);
}

static void test_opencode(void)
{
	char *root = path_join(tmp, "opencode");
	struct cache *c = cache_new(0);
	struct cache_entry *e;
	struct model m;

	if (build_for(&m, aiwg_root, "opencode", false))
		goto out;
	CHECK(each_of(&m, c, ARTIFACT_AGENT, opencode_agent) == 11);
	CHECK(each_of(&m, c, ARTIFACT_COMMAND, opencode_command) == 8);
	e = render_at(&m, c, ".opencode/agents/security-auditor.md");
	CHECK(e && strstr(e->data, "\ntools:\n  write: false\n"
				   "  edit: false\n  bash: false\n---\n"));
	CHECK(e && strstr(e->data, "\nmode: subagent\n"));
	if (e)
		cache_release(c, e);
	e = render_at(&m, c, ".opencode/agents/executive-orchestrator.md");
	CHECK(e && strstr(e->data, "\nmode: primary\n"
				   "model: anthropic/claude-opus-4-20250514\n"
				   "tools:\n  edit: false\n---\n"));
	if (e)
		cache_release(c, e);
	/* Every tool granted: no map. */
	e = render_at(&m, c, ".opencode/agents/test-engineer.md");
	CHECK(e && !strstr(e->data, "tools"));
	if (e)
		cache_release(c, e);
	model_release(&m);

	/* An agent and an unmapped model pass through. */
	CHECK(tmp_write_str(root, "commands/ship.md",
			    "---\ndescription: Ship it\nagent: build\n"
			    "model: openai/gpt-5\n---\nShip $ARGUMENTS\n") ==
	      0);
	CHECK(tmp_write_str(root, "commands/bare.md",
			    "# Bare\n\nNo fields.\n") == 0);
	if (build_for(&m, root, "opencode", false))
		goto out;
	CHECK(each_of(&m, c, ARTIFACT_COMMAND, opencode_command) == 2);
	e = render_at(&m, c, ".opencode/commands/ship.md");
	CHECK(e && !strcmp(e->data, "---\ndescription: Ship it\nagent: build\n"
				    "model: openai/gpt-5\n---\n"
				    "Ship $ARGUMENTS\n"));
	if (e)
		cache_release(c, e);
	model_release(&m);
out:
	cache_free(c);
	free(root);
}

/* --- factory --- */

static const char *factory_tool(const char *t)
{
	static const struct {
		const char *from, *to;
	} map[] = {
		{ "Bash", "Execute" },	    { "Write", "Create" },
		{ "Edit", "Edit" },	    { "MultiEdit", "Edit" },
		{ "WebFetch", "FetchUrl" }, { "WebSearch", "WebSearch" },
		{ "Read", "Read" },	    { "Grep", "Grep" },
		{ "Glob", "Glob" },	    { "LS", "LS" },
		{ "Task", "Task" },	    { "TodoWrite", "TodoWrite" },
	};

	/* A narrowed tool, "Bash(git log:*)", maps as the whole tool. */
	size_t len = strcspn(t, "(");

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strlen(map[i].from) == len && !strncmp(map[i].from, t, len))
			return map[i].to;
	return NULL;
}

static void factory_droid(const struct model *m, struct cache *c,
			  const struct artifact *a)
{
	char *path = dest_of("factory", a);
	const char *tools[16], *model;
	struct keys k = { 0 };
	struct rendered r;
	char **src = NULL;
	size_t nt = 0;
	bool listed;
	int n;

	CHECK(path && strstr(path, "/droids/"));
	if (!rendered_open(&r, m, c, path, a->path, true))
		goto out;
	n = src_tools(&r.sfm, &src);
	listed = src_listed(&r.sfm);
	for (int i = 0; i < n; i++) {
		const char *t = factory_tool(src[i]);

		if (t && !str_list_has(tools, nt, t) && nt < ARRAY_SIZE(tools))
			tools[nt++] = t;
	}
	fm_list_free(src);
	model = want_model("factory", fm_get_str(&r.sfm, "model"));
	keys_add(&k, "name");
	keys_add(&k, "description");
	keys_add(&k, "model");
	if (listed)
		keys_add(&k, "tools");
	CHECK(keys_are(&r.ofm, k.v, k.n));
	CHECK_STR(fm_get_str(&r.ofm, "name"), a->id);
	check_description(&r, 0);
	CHECK_STR(fm_get_str(&r.ofm, "model"), model ? model : "inherit");
	if (listed)
		check_list(&r.ofm, "tools", tools, nt);
	CHECK(same_body(&r, &r.src));
	rendered_close(&r);
out:
	free(path);
}

static void factory_command(const struct model *m, struct cache *c,
			    const struct artifact *a)
{
	char *path = dest_of("factory", a);
	struct keys k = { 0 };
	struct rendered r;
	const char *hint;

	if (!rendered_open(&r, m, c, path, a->path, true))
		goto out;
	hint = fm_get_str(&r.sfm, "argument-hint");
	keys_add(&k, "description");
	if (hint && *hint)
		keys_add(&k, "argument-hint");
	CHECK(keys_are(&r.ofm, k.v, k.n));
	check_description(&r, 0);
	if (hint && *hint)
		CHECK_STR(fm_get_str(&r.ofm, "argument-hint"), hint);
	CHECK(same_body(&r, &r.src));
	rendered_close(&r);
out:
	free(path);
}

static void test_factory(void)
{
	static const char *const orch[] = { "Task",   "TodoWrite", "Read",
					    "Create", "Execute",   "Grep",
					    "Glob" };
	struct cache *c = cache_new(0);
	struct cache_entry *e;
	struct frontmatter fm;
	struct model m;

	if (build_for(&m, aiwg_root, "factory", false))
		goto out;
	CHECK(each_of(&m, c, ARTIFACT_AGENT, factory_droid) == 11);
	CHECK(each_of(&m, c, ARTIFACT_COMMAND, factory_command) == 8);
	e = render_fm(&m, c, ".factory/droids/executive-orchestrator.md", &fm);
	if (e) {
		CHECK_STR(fm_get_str(&fm, "model"),
			  "anthropic/claude-opus-4-20250514");
		check_list(&fm, "tools", orch, ARRAY_SIZE(orch));
		release_fm(c, e, &fm);
	}
	e = render_at(&m, c, ".factory/droids/technical-writer.md");
	CHECK(e && strstr(e->data, "\nmodel: inherit\n"));
	if (e)
		cache_release(c, e);
	model_release(&m);
out:
	cache_free(c);
}

/* --- gemini --- */

static void gemini_command(const struct model *m, struct cache *c,
			   const struct artifact *a)
{
	char *path = dest_of("gemini", a);
	struct buf want = BUF_INIT, desc = BUF_INIT, prompt = BUF_INIT;
	struct rendered r;
	const char *p, *end, *hit;

	CHECK(path && str_ends_with(path, ".toml"));
	if (!rendered_open(&r, m, c, path, a->path, false))
		goto out;
	want_description(r.src.data, r.src.len, 0, &desc);
	p = r.src.data + r.sfm.body_off;
	end = r.src.data + r.src.len;
	while ((hit = memmem(p, (size_t)(end - p), "$ARGUMENTS", 10))) {
		buf_add(&prompt, p, (size_t)(hit - p));
		buf_adds(&prompt, "{{args}}");
		p = hit + 10;
	}
	buf_add(&prompt, p, (size_t)(end - p));
	CHECK(!strstr(prompt.data, "$ARGUMENTS"));
	record_str(&want, "description", desc.data);
	add_record(&want, "prompt", 6);
	add_record(&want, prompt.data, prompt.len);
	CHECK(toml_is(r.e, &want));
	CHECK(!memmem(r.e->data, r.e->size, "$ARGUMENTS", 10));
	rendered_close(&r);
out:
	buf_release(&want);
	buf_release(&desc);
	buf_release(&prompt);
	free(path);
}

static void test_gemini(void)
{
	struct cache *c = cache_new(0);
	struct cache_entry *e;
	struct model m;

	if (build_for(&m, aiwg_root, "gemini", false))
		goto out;
	CHECK(each_of(&m, c, ARTIFACT_COMMAND, gemini_command) == 8);
	e = render_at(&m, c, ".gemini/commands/generate-tests.toml");
	CHECK(e && strstr(e->data, "{{args}}"));
	CHECK(e && !strncmp(e->data, "description = \"", 15));
	if (e)
		cache_release(c, e);
	model_release(&m);
out:
	cache_free(c);
}

/* --- kiro and cline --- */

static void kiro_agent(const struct model *m, struct cache *c,
		       const struct artifact *a)
{
	char *path = dest_of("kiro", a);
	struct keys k = { 0 };
	struct rendered r;
	char **tools = NULL;
	int n;

	if (!rendered_open(&r, m, c, path, a->path, true))
		goto out;
	n = src_tools(&r.sfm, &tools);
	keys_add(&k, "name");
	keys_add(&k, "description");
	if (src_listed(&r.sfm))
		keys_add(&k, "tools");
	CHECK(keys_are(&r.ofm, k.v, k.n));
	CHECK_STR(fm_get_str(&r.ofm, "name"), a->id);
	check_description(&r, 0);
	if (src_listed(&r.sfm))
		check_list(&r.ofm, "tools", (const char *const *)tools,
			   (size_t)n);
	CHECK(same_body(&r, &r.src));
	fm_list_free(tools);
	rendered_close(&r);
out:
	free(path);
}

static void kiro_command(const struct model *m, struct cache *c,
			 const struct artifact *a)
{
	body_only(m, c, a, "kiro");
}

static void kiro_steering(const struct model *m, struct cache *c,
			  const struct artifact *a)
{
	static const char *const scoped[] = { "inclusion", "fileMatchPattern" };
	static const char *const always[] = { "inclusion" };
	char *path = dest_of("kiro", a);
	struct buf globs = BUF_INIT;
	struct rendered r;

	if (!rendered_open(&r, m, c, path, a->path, true))
		goto out;
	want_globs(&r.sfm, &globs);
	if (globs.len) {
		CHECK(keys_are(&r.ofm, scoped, 2));
		CHECK_STR(fm_get_str(&r.ofm, "inclusion"), "fileMatch");
		CHECK_STR(fm_get_str(&r.ofm, "fileMatchPattern"), globs.data);
	} else {
		CHECK(keys_are(&r.ofm, always, 1));
		CHECK_STR(fm_get_str(&r.ofm, "inclusion"), "always");
	}
	CHECK(same_body(&r, &r.src));
	rendered_close(&r);
out:
	buf_release(&globs);
	free(path);
}

static void cline_command(const struct model *m, struct cache *c,
			  const struct artifact *a)
{
	body_only(m, c, a, "cline");
}

static void cline_rule(const struct model *m, struct cache *c,
		       const struct artifact *a)
{
	static const char *const keys[] = { "paths" };
	char *path = dest_of("cline", a);
	struct rendered r;
	char **paths = NULL;
	int n;

	if (!rendered_open(&r, m, c, path, a->path, false))
		goto out;
	n = fm_get_list(&r.sfm, "paths", &paths);
	if (n > 0) {
		CHECK(r.ofm.present && !r.ofm.lenient);
		CHECK(keys_are(&r.ofm, keys, 1));
		check_list(&r.ofm, "paths", (const char *const *)paths,
			   (size_t)n);
		CHECK(same_body(&r, &r.src));
	} else {
		CHECK(same_bytes(r.e->data, r.e->size,
				 r.src.data + r.sfm.body_off,
				 r.src.len - r.sfm.body_off));
	}
	fm_list_free(paths);
	rendered_close(&r);
out:
	free(path);
}

static void test_kiro_cline(void)
{
	struct cache *c = cache_new(0);
	struct model m;

	if (build_for(&m, aiwg_root, "kiro", false))
		goto out;
	CHECK(each_of(&m, c, ARTIFACT_AGENT, kiro_agent) == 11);
	CHECK(each_of(&m, c, ARTIFACT_COMMAND, kiro_command) == 8);
	CHECK(each_of(&m, c, ARTIFACT_RULE, kiro_steering) == 5);
	model_release(&m);
	if (build_for(&m, aiwg_root, "cline", false))
		goto out;
	CHECK(each_of(&m, c, ARTIFACT_COMMAND, cline_command) == 8);
	CHECK(each_of(&m, c, ARTIFACT_RULE, cline_rule) == 5);
	model_release(&m);
out:
	cache_free(c);
}

/* Agents without tools grant all; an explicit list decides otherwise. */
static void test_tool_lists(void)
{
	char *root = path_join(tmp, "tool-lists");
	struct cache *c = cache_new(0);
	struct cache_entry *e;
	struct model m;
	static const struct {
		const char *file, *tools;
		bool readonly;
	} cases[] = {
		{ "agents/none.md", "", false },
		{ "agents/multi.md", "tools: [Read, MultiEdit]\n", false },
		{ "agents/narrow.md", "tools: Read, Bash(git log:*)\n", false },
		{ "agents/allowed.md", "allowed-tools: Read, Grep\n", true },
		{ "agents/web.md", "tools:\n  - WebFetch\n  - Read\n", true },
		{ "agents/empty.md", "tools: []\n", true },
		{ "agents/null.md", "tools:\n", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf t = BUF_INIT;

		buf_addf(&t, "---\ndescription: Case %zu\n%s---\nBody %zu\n", i,
			 cases[i].tools, i);
		CHECK(tmp_write_str(root, cases[i].file, t.data) == 0);
		buf_release(&t);
	}
	if (build_for(&m, root, "cursor", false))
		goto out;
	CHECK(each_of(&m, c, ARTIFACT_AGENT, cursor_agent) ==
	      ARRAY_SIZE(cases));
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf p = BUF_INIT;
		struct frontmatter fm;

		buf_addf(&p, ".cursor/%s", cases[i].file);
		e = render_fm(&m, c, p.data, &fm);
		if (e) {
			CHECK(fm_get_bool(&fm, "readonly") ==
			      cases[i].readonly);
			CHECK_STR(fm_get_str(&fm, "model"), "inherit");
			release_fm(c, e, &fm);
		}
		buf_release(&p);
	}
	model_release(&m);
	/* The other platforms read the same lists. */
	if (build_for(&m, root, "opencode", false))
		goto out;
	CHECK(each_of(&m, c, ARTIFACT_AGENT, opencode_agent) ==
	      ARRAY_SIZE(cases));
	model_release(&m);
	if (build_for(&m, root, "factory", false))
		goto out;
	CHECK(each_of(&m, c, ARTIFACT_AGENT, factory_droid) ==
	      ARRAY_SIZE(cases));
	e = render_at(&m, c, ".factory/droids/empty.md");
	CHECK(e && strstr(e->data, "\ntools: []\n---\n"));
	if (e)
		cache_release(c, e);
	model_release(&m);
	if (build_for(&m, root, "kiro", false))
		goto out;
	CHECK(each_of(&m, c, ARTIFACT_AGENT, kiro_agent) == ARRAY_SIZE(cases));
	model_release(&m);
out:
	cache_free(c);
	free(root);
}

/* --- windsurf --- */

/* The body of an output, after its frontmatter. */
static void split_body(const struct cache_entry *e, const char **body,
		       size_t *len)
{
	size_t off = fm_body_offset(e->data, e->size);

	*body = e->data + off;
	*len = e->size - off;
}

/*
 * Render every part of rule `id` into parts[] (at most max, the rest
 * NULL); the count, 0 when a part is missing. A rule in one part has no "-1"
 * file.
 */
static size_t rule_parts(const struct model *m, struct cache *c, const char *id,
			 struct cache_entry **parts, size_t max)
{
	struct buf p = BUF_INIT;
	size_t n = 0;

	memset(parts, 0, max * sizeof(*parts));
	buf_addf(&p, ".windsurf/rules/%s.md", id);
	if (model_lookup(m, p.data, NULL)) {
		parts[0] = render_at(m, c, p.data);
		buf_release(&p);
		return parts[0] ? 1 : 0;
	}
	for (n = 0; n < max; n++) {
		buf_reset(&p);
		buf_addf(&p, ".windsurf/rules/%s-%zu.md", id, n + 1);
		if (!model_lookup(m, p.data, NULL))
			break;
		parts[n] = render_at(m, c, p.data);
		if (!parts[n])
			break;
	}
	buf_release(&p);
	return n;
}

/* Parts of the big rule start at its headings, never at fenced lines. */
static bool starts_at_heading(const char *b, size_t len, size_t i)
{
	return !strncmp(b, i ? "## Section " : "# Big rule\n", 11);
}

static bool ends_at_line(const char *b, size_t len, size_t i)
{
	return b[len - 1] == '\n';
}

static bool whole_utf8(const char *b, size_t len, size_t i)
{
	return str_utf8_valid(b, len);
}

/*
 * Parts are as full as they can be: the next part's first section would
 * not have fitted.
 */
/* Windsurf's limits are characters: UTF-8 code points. */
static size_t chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* Whether the next part's first section would not have fit in this one. */
static bool packed(const char *next, size_t next_len, size_t len, size_t room)
{
	const char *h = memmem(next, next_len, "\n## ", 4);
	size_t first = h ? (size_t)(h - next) + 1 : next_len;

	return len + chars(next, first) > room;
}

static void release_parts(struct cache *c, struct cache_entry **parts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (parts[i])
			cache_release(c, parts[i]);
}

/*
 * Split rule `id`: each part within the limit with the frontmatter
 * `head`, the bodies together the source's body, each part as `part_ok`
 * wants it. With `greedy`, parts hold as many sections as fit. Returns
 * the part count.
 */
static size_t check_split(const struct model *m, struct cache *c,
			  const char *id, const char *head, const char *body,
			  bool (*part_ok)(const char *, size_t, size_t),
			  bool greedy)
{
	struct cache_entry *parts[64];
	const char *b[64];
	size_t len[64], hl = strlen(head);
	struct buf all = BUF_INIT;
	size_t n = rule_parts(m, c, id, parts, ARRAY_SIZE(parts));

	CHECK(n > 0);
	for (size_t i = 0; i < n; i++) {
		CHECK(chars(parts[i]->data, parts[i]->size) <= RULE_LIMIT);
		CHECK(!strncmp(parts[i]->data, head, hl));
		split_body(parts[i], &b[i], &len[i]);
		CHECK(b[i] == parts[i]->data + hl);
		CHECK(len[i] > 0);
		CHECK(part_ok(b[i], len[i], i));
		buf_add(&all, b[i], len[i]);
	}
	for (size_t i = 0; greedy && i + 1 < n; i++)
		CHECK(packed(b[i + 1], len[i + 1], chars(b[i], len[i]),
			     RULE_LIMIT - chars(head, hl)));
	CHECK(!strcmp(all.data, body) && all.len == strlen(body));
	release_parts(c, parts, n);
	buf_release(&all);
	return n;
}

static void big_rule(struct buf *b)
{
	buf_adds(b, "# Big rule\n\nWhat this rule is about.\n\n");
	for (int s = 0; s < 60; s++) {
		buf_addf(b, "## Section %d\n\n", s);
		for (int l = 0; l < 4 + s % 7; l++)
			buf_addf(b,
				 "Line %d of section %d, saying a little "
				 "about it.\n",
				 l, s);
		if (s % 5 == 0)
			buf_adds(b, "\n```sh\n# not a heading\n"
				    "## not one either\n```\n");
		buf_adds(b, "\n");
	}
}

static void test_windsurf_rules(void)
{
	static const char always[] = "---\ntrigger: always_on\n---\n";
	char *root = path_join(tmp, "windsurf");
	struct buf big = BUF_INIT, lines = BUF_INIT, line = BUF_INIT,
		   setext = BUF_INIT, text = BUF_INIT;
	struct cache *c = cache_new(0);
	struct cache_entry *parts[8];
	struct model m;
	size_t n;

	big_rule(&big);
	CHECK(big.len > 20000);
	buf_adds(&lines, "# Long\n\n");
	while (lines.len < 15000)
		buf_addf(&lines, "A line of a section with no headings, %zu.\n",
			 lines.len);
	buf_adds(&line, "# Line\n\n");
	while (line.len < 14000)
		buf_adds(&line, "caf\xC3\xA9 \xE2\x82\xAC\xF0\x9F\x98\x80 ");
	buf_adds(&setext, "# First\n\n");
	while (setext.len < 4000)
		buf_adds(&setext, "Filler text for the first section.\n");
	buf_adds(&setext, "\nSecond title\n============\n\n");
	while (setext.len < 8000)
		buf_adds(&setext, "Filler text for the second section.\n");

	CHECK(tmp_write_str(root, "rules/big.md", big.data) == 0);
	CHECK(tmp_write_str(root, "rules/lines.md", lines.data) == 0);
	CHECK(tmp_write_str(root, "rules/line.md", line.data) == 0);
	CHECK(tmp_write_str(root, "rules/setext.md", setext.data) == 0);
	buf_addf(&text, "---\npaths:\n  - \"src/**\"\n  - \"*.c\"\n---\n%s",
		 big.data);
	CHECK(tmp_write_str(root, "rules/scoped.md", text.data) == 0);
	CHECK(tmp_write_str(root, "rules/short.md",
			    "# Short\n\nFits easily.\n") == 0);
	if (build_for(&m, root, "windsurf", false))
		goto out;

	n = check_split(&m, c, "big", always, big.data, starts_at_heading,
			true);
	CHECK(n >= 4);
	n = check_split(&m, c, "scoped",
			"---\ntrigger: glob\nglobs: src/**,*.c\n---\n",
			big.data, starts_at_heading, true);
	CHECK(n >= 4);
	n = check_split(&m, c, "lines", always, lines.data, ends_at_line,
			false);
	CHECK(n == 3);
	n = check_split(&m, c, "line", always, line.data, whole_utf8, false);
	CHECK(n >= 3);
	/* A setext heading is a boundary too. */
	CHECK(rule_parts(&m, c, "setext", parts, 8) == 2);
	CHECK(parts[1] && strstr(parts[1]->data, "---\nSecond title\n====") ==
				  parts[1]->data + strlen(always) - 4);
	release_parts(c, parts, 8);
	/* A rule that fits is one file, under its own name. */
	CHECK(rule_parts(&m, c, "short", parts, 8) == 1);
	CHECK(model_lookup(&m, ".windsurf/rules/short-1.md", NULL) == NULL);
	CHECK(parts[0] && !strcmp(parts[0]->data, "---\ntrigger: always_on\n"
						  "---\n# Short\n\nFits "
						  "easily.\n"));
	release_parts(c, parts, 8);
	CHECK(model_lookup(&m, ".windsurf/rules/big.md", NULL) == NULL);
	model_release(&m);

	/* The examples: every rule is small and one file. */
	if (build_for(&m, aiwg_root, "windsurf", false))
		goto out;
	for (size_t i = 0; i < m.src.nartifacts; i++) {
		const struct artifact *a = &m.src.artifacts[i];

		if (a->kind != ARTIFACT_RULE)
			continue;
		CHECK(rule_parts(&m, c, a->id, parts, 8) == 1);
		CHECK(parts[0] &&
		      !strncmp(parts[0]->data, "---\ntrigger: ", 13));
		release_parts(c, parts, 8);
	}
	model_release(&m);
out:
	buf_release(&big);
	buf_release(&lines);
	buf_release(&line);
	buf_release(&setext);
	buf_release(&text);
	cache_free(c);
	free(root);
}

/* A workflow over the limit: `keep` of the body, then the pointer line. */
static void check_cut_workflow(const struct model *m, struct cache *c,
			       const char *id, const char *body, size_t keep)
{
	const struct artifact *a = source_find(&m->src, ARTIFACT_COMMAND, id);
	struct buf path = BUF_INIT;
	struct cache_entry *e;
	const char *b, *note;
	size_t len;

	buf_addf(&path, ".windsurf/workflows/%s.md", id);
	e = render_at(m, c, path.data);
	CHECK(e && a);
	if (!e || !a)
		goto out;
	CHECK(chars(e->data, e->size) <= WORKFLOW_LIMIT);
	CHECK(!strncmp(e->data, "---\ndescription: ", 17));
	split_body(e, &b, &len);
	CHECK(len > keep && !memcmp(b, body, keep));
	note = b + keep;
	CHECK(strstr(note, a->path) != NULL);
	CHECK(a->path[0] == '/');
	/* one line after the kept text, the last of the file */
	CHECK(!strncmp(note, "\n> ", 3));
	CHECK(strchr(note + 1, '\n') == e->data + e->size - 1);
	cache_release(c, e);
out:
	buf_release(&path);
}

static void test_windsurf_workflows(void)
{
	char *root = path_join(tmp, "workflows");
	struct buf flow = BUF_INIT, huge = BUF_INIT, text = BUF_INIT;
	struct cache *c = cache_new(0);
	struct cache_entry *e;
	struct model m;
	size_t first, keep;

	buf_adds(&flow, "# Release flow\n\nRun the release.\n\n");
	first = flow.len;
	for (int s = 1; flow.len < 20000; s++) {
		buf_addf(&flow, "## Step %d\n\n", s);
		for (int l = 0; l < 12; l++)
			buf_addf(&flow, "Do part %d of step %d carefully.\n", l,
				 s);
		buf_adds(&flow, "\n");
	}
	buf_addf(&text, "---\ndescription: Release\n---\n%s", flow.data);
	CHECK(tmp_write_str(root, "commands/release.md", text.data) == 0);
	buf_adds(&huge, "Preamble line before any heading.\n\n");
	while (huge.len < 15000)
		buf_addf(&huge, "One long first section, line %zu.\n",
			 huge.len);
	buf_adds(&huge, "# Later\n\nNever shown.\n");
	CHECK(tmp_write_str(root, "commands/huge.md", huge.data) == 0);
	CHECK(tmp_write_str(root, "commands/small.md",
			    "---\ndescription: Small\n---\n# Small\n\nDo it "
			    "$ARGUMENTS.\n") == 0);
	if (build_for(&m, root, "windsurf", false))
		goto out;
	/* The title and its text: up to the second heading. */
	check_cut_workflow(&m, c, "release", flow.data, first);
	/* No heading in reach: cut at a line, as much as fits. */
	keep = WORKFLOW_LIMIT - 600;
	while (huge.data[keep - 1] != '\n')
		keep--;
	e = render_at(&m, c, ".windsurf/workflows/huge.md");
	if (e) {
		const char *b;
		size_t len;

		split_body(e, &b, &len);
		CHECK(chars(e->data, e->size) <= WORKFLOW_LIMIT);
		CHECK(len > keep && !memcmp(b, huge.data, keep));
		CHECK(!memmem(e->data, e->size, "# Later", 7));
		keep = (size_t)(strstr(b, "\n> ") - b);
		CHECK(b[keep - 1] == '\n' && !memcmp(b, huge.data, keep));
		cache_release(c, e);
	}
	check_cut_workflow(&m, c, "huge", huge.data, keep);
	e = render_at(&m, c, ".windsurf/workflows/small.md");
	CHECK(e && !strcmp(e->data, "---\ndescription: Small\n---\n# Small\n\n"
				    "Do it $ARGUMENTS.\n"));
	if (e)
		cache_release(c, e);
	model_release(&m);
out:
	buf_release(&flow);
	buf_release(&huge);
	buf_release(&text);
	cache_free(c);
	free(root);
}

/* --- every file of every platform --- */

struct walk_ctx {
	const struct model *m;
	struct cache *c;
	size_t files, toml;
};

/* Renderers that write all of the frontmatter, not copy the source's. */
static bool writes_frontmatter(const char *renderer)
{
	static const char *const copy[] = { "identity",	      "body",
					    "skill",	      "index",
					    "gemini-command", "codex-agent" };

	for (size_t i = 0; i < ARRAY_SIZE(copy); i++)
		if (!strcmp(copy[i], renderer))
			return false;
	return true;
}

static void render_one(const struct vnode *n, void *arg)
{
	struct walk_ctx *ctx = arg;
	struct cache_entry *e = NULL;
	struct frontmatter fm;

	CHECK(render_node(ctx->m, n, ctx->c, &e) == 0);
	if (!e) {
		fprintf(stderr, "  cannot render '%s'\n", n->path);
		return;
	}
	ctx->files++;
	if (str_ends_with(n->name, ".toml")) {
		ctx->toml++;
		CHECK(toml_valid(e->data, e->size));
	} else if (writes_frontmatter(n->renderer->name)) {
		/* what we write, libyaml reads */
		CHECK(fm_parse(&fm, e->data, e->size) == 0);
		CHECK(!fm.lenient);
		if (fm.lenient)
			fprintf(stderr, "  '%s': %s\n", n->path, fm.error);
		fm_release(&fm);
	}
	cache_release(ctx->c, e);
}

static void test_everything_renders(void)
{
	struct walk_ctx ctx = { 0 };
	struct model m;

	ctx.c = cache_new(0);
	if (build_for(&m, aiwg_root, NULL, true))
		goto out;
	ctx.m = &m;
	for (size_t i = 0; i < m.nviews; i++) {
		if (m.views[i].is_file)
			render_one(m.views[i].root, &ctx);
		else
			vnode_walk(m.views[i].root, render_one, &ctx);
	}
	CHECK(ctx.files > 100);
	CHECK(ctx.toml == 19);
	model_release(&m);
out:
	cache_free(ctx.c);
}

int main(void)
{
	aiwg_root = tmp_examples("aiwg");
	tmp = tmp_dir("platforms");
	CHECK(tmp != NULL);
	python = system("python3 -c 'import tomllib' >/dev/null 2>&1") == 0;
	if (!python)
		printf("python3 with tomllib not found: TOML not read back\n");
	test_cursor();
	test_tool_lists();
	test_codex();
	test_codex_nasty();
	test_opencode();
	test_factory();
	test_gemini();
	test_kiro_cline();
	test_windsurf_rules();
	test_windsurf_workflows();
	test_everything_renders();
	tmp_rm_tree(tmp);
	free(tmp);
	free(aiwg_root);
	return check_done();
}
