/*
 * test_render.c - the view model and the claude and copilot renderers,
 * rendered through the cache.
 *
 * Expected output is derived from the source files on disk: the bytes for
 * identity renders, the frontmatter fields for the others (read back with
 * fm_parse), descriptions through the markdown module as DESIGN.md defines
 * them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/cache.h"
#include "aiwgfs/frontmatter.h"
#include "aiwgfs/log.h"
#include "aiwgfs/markdown.h"
#include "aiwgfs/registry.h"
#include "aiwgfs/render.h"
#include "aiwgfs/source.h"
#include "aiwgfs/util.h"
#include "aiwgfs/vtree.h"
#include "check.h"
#include "fixture.h"
#include "tmptree.h"

#define DESC_LIMIT  1024
#define INDEX_LIMIT (32 * 1024)

static const char *const both[] = { "claude", "copilot", NULL };

static char *aiwg_root, *flat_root, *tmp;

/*
 * The text a view shows for a source file, as include/aiwgfs/refs.h defines
 * reference rewriting, worked out here on its own: the frontmatter (the
 * first `body_off` bytes) as it is, and in the body, outside code, each
 * AIWG-root reference whose target exists becomes its absolute path in
 * SOURCE and each "@.claude/<kind>/<id>..." of an artifact becomes its path
 * in `platform`'s view (claude or copilot, per DESIGN.md's table). Code here
 * is what the example trees and the fixtures of this file hold: fenced
 * blocks (``` or ~~~, fence lines included) and code spans within a line.
 * Without rewriting, or for a file that is not Markdown, the text itself.
 */
static bool ref_word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z') || c >= 0x80 ||
	       (c && strchr("-_./~@$%+\\", c));
}

static bool ref_stop_byte(unsigned char c)
{
	return c <= ' ' || c == 0x7f || strchr("\"'`<>()[]*", c);
}

/* A skill folder's name as a skill name: lower case, runs to one "-". */
static void skill_name_of(const char *id, struct buf *out)
{
	bool dash = false;

	for (const char *p = id; *p; p++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && out->len)
				buf_addch(out, '-');
			buf_addch(out, c);
			dash = false;
		} else {
			dash = true;
		}
	}
}

/* "@" and where `platform` shows an artifact, per DESIGN.md; false: none. */
static bool want_artifact_ref(const struct model *m, const char *platform,
			      const char *p, size_t n, struct buf *out)
{
	/* where each kind goes: before and after the id, per platform */
	static const struct {
		enum artifact_kind kind;
		const char *dir, *claude[2], *copilot[2];
	} kinds[] = {
		{ ARTIFACT_AGENT,
		  "agents/",
		  { ".claude/agents/", ".md" },
		  { ".github/agents/", ".agent.md" } },
		{ ARTIFACT_COMMAND,
		  "commands/",
		  { ".claude/commands/", ".md" },
		  { ".github/prompts/", ".prompt.md" } },
		{ ARTIFACT_RULE,
		  "rules/",
		  { ".claude/rules/", ".md" },
		  { ".github/instructions/", ".instructions.md" } },
		{ ARTIFACT_SKILL,
		  "skills/",
		  { ".claude/skills/", "" },
		  { ".github/skills/", "" } },
	};
	bool claude = !strcmp(platform, "claude");

	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		size_t dl = strlen(kinds[k].dir);
		const char *id = p + dl, *slash;
		size_t id_len, rest_len = 0;
		struct buf idb = BUF_INIT, name = BUF_INIT;
		bool ok;

		if (n <= dl || memcmp(p, kinds[k].dir, dl))
			continue;
		slash = memchr(id, '/', n - dl);
		if (kinds[k].kind == ARTIFACT_SKILL) {
			id_len = slash ? (size_t)(slash - id) : n - dl;
			rest_len = n - dl - id_len;
		} else {
			if (slash || n - dl <= 3 || memcmp(p + n - 3, ".md", 3))
				return false;
			id_len = n - dl - 3;
		}
		buf_add(&idb, id, id_len);
		ok = id_len && source_find(&m->src, kinds[k].kind, idb.data);
		if (ok) {
			if (kinds[k].kind == ARTIFACT_SKILL)
				skill_name_of(idb.data, &name);
			else
				buf_adds(&name, idb.data);
			const char *const *at =
				claude ? kinds[k].claude : kinds[k].copilot;

			buf_addch(out, '@');
			buf_adds(out, at[0]);
			buf_adds(out, name.data);
			buf_adds(out, at[1]);
			/* "/rest" of a skill reference, as it was */
			buf_add(out, id + id_len, rest_len);
		}
		buf_release(&idb);
		buf_release(&name);
		return ok;
	}
	return false;
}

/* The absolute path of an AIWG-root reference's target; false: none. */
static bool want_root_ref(const struct model *m, const char *sub, bool at,
			  const char *p, size_t n, struct buf *out)
{
	struct buf path = BUF_INIT;
	struct stat st;
	bool ok;

	if (!n || p[0] == '/')
		return false;
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && p[j] != '/')
			j++;
		if (j - i == 2 && p[i] == '.' && p[i + 1] == '.')
			return false;
		i = j + 1;
	}
	buf_addf(&path, "%s/%s", m->src.root, sub);
	buf_add(&path, p, n);
	ok = !stat(path.data, &st) &&
	     (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode));
	if (ok) {
		if (at)
			buf_addch(out, '@');
		buf_add(out, path.data, path.len);
	}
	buf_release(&path);
	return ok;
}

/* One line outside fenced code, with its code spans kept as they are. */
static void want_line(const struct model *m, const char *platform,
		      const char *body, size_t ls, size_t le, struct buf *out)
{
	static const struct {
		const char *text, *sub;
		bool at, artifact;
	} refs[] = {
		{ "@agentic/code/", "agentic/code/", true, false },
		{ "$AIWG_ROOT/", "", false, false },
		{ "${AIWG_ROOT}/", "", false, false },
		{ "{AIWG_ROOT}/", "", false, false },
		{ "~/.local/share/ai-writing-guide/", "", false, false },
		{ "@.claude/", "", false, true },
	};
	size_t i = ls;

	while (i < le) {
		size_t k, run = 0;

		if (body[i] == '`') {
			/* A code span: to the next run of as many backticks */
			size_t j;

			while (i + run < le && body[i + run] == '`')
				run++;
			for (j = i + run; j < le;) {
				size_t r = 0;

				while (j + r < le && body[j + r] == '`')
					r++;
				if (r == run)
					break;
				j += r ? r : 1;
			}
			if (j < le)
				run = j + run - i;
			buf_add(out, body + i, run);
			i += run;
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(refs); k++) {
			size_t pl = strlen(refs[k].text), end;
			bool done;

			if (le - i < pl || memcmp(body + i, refs[k].text, pl) ||
			    (i > 0 &&
			     ref_word_byte((unsigned char)body[i - 1])))
				continue;
			end = i + pl;
			while (end < le &&
			       !ref_stop_byte((unsigned char)body[end]))
				end++;
			while (end > i + pl && strchr(".,:;!?", body[end - 1]))
				end--;
			done = refs[k].artifact
				       ? want_artifact_ref(m, platform,
							   body + i + pl,
							   end - i - pl, out)
				       : want_root_ref(m, refs[k].sub,
						       refs[k].at,
						       body + i + pl,
						       end - i - pl, out);
			if (done) {
				i = end;
				break;
			}
		}
		if (k == ARRAY_SIZE(refs))
			buf_addch(out, body[i++]);
	}
}

/* The length of a fence run at the start of a line (0: none), its byte. */
static size_t fence_run(const char *p, size_t n, char *ch)
{
	size_t i = 0, run = 0;

	while (i < n && i < 3 && p[i] == ' ')
		i++;
	if (i < n && (p[i] == '`' || p[i] == '~')) {
		*ch = p[i];
		while (i + run < n && p[i + run] == *ch)
			run++;
	}
	return run >= 3 ? run : 0;
}

static void want_rewritten(const struct model *m, const char *platform,
			   const char *text, size_t len, size_t body_off,
			   bool markdown, struct buf *out)
{
	const char *body = text + body_off;
	size_t n = len - body_off, ls = 0, open = 0;
	char open_ch = 0;

	buf_reset(out);
	buf_add(out, text, body_off);
	if (!m->opts.rewrite_refs || !markdown) {
		buf_add(out, body, n);
		return;
	}
	while (ls < n) {
		const char *nl = memchr(body + ls, '\n', n - ls);
		size_t le = nl ? (size_t)(nl - body) : n, run;
		char ch = 0;

		run = fence_run(body + ls, le - ls, &ch);
		if (open) {
			/* inside a fence: closed by a run as long or longer */
			if (run >= open && ch == open_ch)
				open = 0;
			buf_add(out, body + ls, le - ls);
		} else if (run) {
			open = run;
			open_ch = ch;
			buf_add(out, body + ls, le - ls);
		} else {
			want_line(m, platform, body, ls, le, out);
		}
		if (nl)
			buf_addch(out, '\n');
		ls = le + 1;
	}
}

/* want_rewritten() of a source file read into `src`, for `platform`. */
static void want_view_text(const struct model *m, const char *platform,
			   const char *path, const struct buf *src,
			   struct buf *out)
{
	want_rewritten(m, platform, src->data, src->len,
		       fm_body_offset(src->data, src->len),
		       str_ends_with(path, ".md"), out);
}

static void test_renderers_known(void)
{
	static const char *const names[] = {
		"identity",
		"skill",
		"copilot-agent",
		"copilot-prompt",
		"copilot-instructions",
		"index",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const struct renderer *r = renderer_find(names[i]);

		CHECK(r != NULL);
		CHECK(r && !strcmp(r->name, names[i]));
	}
	CHECK(renderer_find("no-such-renderer") == NULL);
	CHECK(registry_find("claude") != NULL);
	CHECK(registry_find("copilot") != NULL);
	CHECK(registry_find("nope") == NULL);
}

/* Where each kind goes, per the table in DESIGN.md. */
static void test_dest_paths(void)
{
	struct model m;
	char *err = NULL;

	CHECK(build(&m, aiwg_root, both, false, &err) == 0);
	for (size_t i = 0; i < m.src.nartifacts; i++) {
		const struct artifact *a = &m.src.artifacts[i];
		struct buf cl = BUF_INIT, gh = BUF_INIT;
		char *got_cl = dest_of("claude", a);
		char *got_gh = dest_of("copilot", a);

		switch (a->kind) {
		case ARTIFACT_AGENT:
			buf_addf(&cl, ".claude/agents/%s.md", a->id);
			buf_addf(&gh, ".github/agents/%s.agent.md", a->id);
			break;
		case ARTIFACT_COMMAND:
			buf_addf(&cl, ".claude/commands/%s.md", a->id);
			buf_addf(&gh, ".github/prompts/%s.prompt.md", a->id);
			break;
		case ARTIFACT_SKILL:
			buf_addf(&cl, ".claude/skills/%s/SKILL.md", a->id);
			buf_addf(&gh, ".github/skills/%s/SKILL.md", a->id);
			break;
		case ARTIFACT_RULE:
			buf_addf(&cl, ".claude/rules/%s.md", a->id);
			buf_addf(&gh, ".github/instructions/%s.instructions.md",
				 a->id);
			break;
		default:
			CHECK(0);
		}
		CHECK_STR(got_cl, cl.data);
		CHECK_STR(got_gh, gh.data);
		/* Each destination is a file of the model, for that artifact.
		 */
		{
			const struct vnode *n =
				got_gh ? model_lookup(&m, got_gh, NULL) : NULL;

			CHECK(n && n->type == VNODE_FILE && n->artifact == a);
			n = got_cl ? model_lookup(&m, got_cl, NULL) : NULL;
			CHECK(n && n->type == VNODE_FILE && n->artifact == a);
		}
		free(got_cl);
		free(got_gh);
		buf_release(&cl);
		buf_release(&gh);
	}
	model_release(&m);
	free(err);
}

static void count_files(const struct vnode *file, void *arg)
{
	(*(size_t *)arg)++;
}

static void test_model_shape(void)
{
	const struct view *cl, *gh;
	size_t want = 0, walked = 0;
	struct model m, m2;
	char *err = NULL;

	CHECK(build(&m, aiwg_root, both, false, &err) == 0);
	CHECK(err == NULL);
	CHECK(m.nplatforms == 2);
	CHECK(m.nviews == 2);
	cl = model_view(&m, ".claude");
	gh = model_view(&m, ".github");
	CHECK(cl && !cl->is_file);
	CHECK(gh && !gh->is_file);
	CHECK(model_view(&m, ".cursor") == NULL);
	for (size_t i = 0; i < m.src.nartifacts; i++)
		want += m.src.artifacts[i].kind == ARTIFACT_SKILL
				? m.src.artifacts[i].nfiles
				: 1;
	CHECK(cl && cl->nfiles == want);
	CHECK(gh && gh->nfiles == want + 1);
	if (cl)
		vnode_walk(cl->root, count_files, &walked);
	CHECK(walked == want);

	/* Inode numbers are stable across builds of the same source. */
	CHECK(build(&m2, aiwg_root, both, false, &err) == 0);
	{
		const struct vnode *a = model_lookup(
			&m, ".github/skills/readability/scripts/score.sh",
			NULL);
		const struct vnode *b = model_lookup(
			&m2, ".github/skills/readability/scripts/score.sh",
			NULL);
		const struct vnode *c = model_lookup(
			&m2, ".claude/skills/readability/scripts/score.sh",
			NULL);

		CHECK(a && b && a->ino == b->ino);
		CHECK(b && c && b->ino != c->ino);
	}
	model_release(&m2);
	model_release(&m);

	/* NULL platforms: every platform of the registry. */
	CHECK(build(&m, aiwg_root, NULL, false, &err) == 0);
	{
		size_t np;

		registry_platforms(&np);
		CHECK(m.nplatforms == np);
	}
	CHECK(model_view(&m, ".claude") && model_view(&m, ".github"));
	model_release(&m);
	free(err);
}

static void test_lookup(void)
{
	const struct view *v = NULL, *cl, *gh;
	const struct vnode *n;
	struct model m;

	CHECK(build(&m, aiwg_root, both, false, NULL) == 0);
	cl = model_view(&m, ".claude");
	gh = model_view(&m, ".github");
	/* Files, folders, a leading slash, and misses. */
	n = model_lookup(&m, ".github/agents/test-engineer.agent.md", &v);
	CHECK(n && n->type == VNODE_FILE);
	CHECK(v == gh);
	CHECK(n && n->artifact && !strcmp(n->artifact->id, "test-engineer"));
	CHECK(n && n->artifact && n->artifact->kind == ARTIFACT_AGENT);
	CHECK(n && n->renderer && !strcmp(n->renderer->name, "copilot-agent"));
	CHECK(n && n->platform && !strcmp(n->platform->name, "copilot"));
	CHECK(n && !strcmp(n->path, "agents/test-engineer.agent.md"));
	CHECK(n && !strcmp(n->name, "test-engineer.agent.md"));
	CHECK(n && (n->ino >> 63) == 1);
	CHECK(model_lookup(&m, "/.github/agents/test-engineer.agent.md",
			   NULL) == n);
	n = model_lookup(&m, ".github", NULL);
	CHECK(n && n->type == VNODE_DIR && gh && n == gh->root);
	n = model_lookup(&m, ".github/agents", NULL);
	CHECK(n && n->type == VNODE_DIR);
	CHECK(n && vnode_child(n, "security-auditor.agent.md") != NULL);
	CHECK(n && vnode_child(n, "nope.agent.md") == NULL);
	/* Children sorted by name. */
	for (size_t i = 1; n && i < n->nchildren; i++)
		CHECK(strcmp(n->children[i - 1]->name, n->children[i]->name) <
		      0);
	n = model_lookup(&m, ".github/copilot-instructions.md", NULL);
	CHECK(n && n->type == VNODE_FILE && !n->artifact);
	CHECK(n && n->renderer && !strcmp(n->renderer->name, "index"));
	CHECK(model_lookup(&m, ".github/agents/nope.agent.md", NULL) == NULL);
	CHECK(model_lookup(&m, ".github/agents/test-engineer.md", NULL) ==
	      NULL);
	CHECK(model_lookup(&m, ".github/agents/test-engineer.agent.md/x",
			   NULL) == NULL);
	CHECK(model_lookup(&m, ".githubx/agents", NULL) == NULL);
	CHECK(model_lookup(&m, ".githubagents", NULL) == NULL);
	CHECK(model_lookup(&m, ".claudeagents/test-engineer.md", NULL) == NULL);
	CHECK(model_lookup(&m, ".cursor/agents/x.md", NULL) == NULL);
	CHECK(model_lookup(&m, "nothing", NULL) == NULL);
	CHECK(model_lookup(&m, ".claude/agents/test-engineer.agent.md", NULL) ==
	      NULL);
	n = model_lookup(&m, ".claude/agents/test-engineer.md", &v);
	CHECK(n && n->renderer && !strcmp(n->renderer->name, "identity"));
	CHECK(v == cl);

	/* Skill files: sub-paths and execute bits from the source. */
	n = model_lookup(&m, ".claude/skills/test-coverage/scripts/check.sh",
			 NULL);
	CHECK(n && n->sub && !strcmp(n->sub, "scripts/check.sh"));
	CHECK(n && n->executable);
	n = model_lookup(&m, ".github/skills/test-coverage/SKILL.md", NULL);
	CHECK(n && n->sub && !strcmp(n->sub, "SKILL.md"));
	CHECK(n && !n->executable);
	CHECK(n && n->renderer && !strcmp(n->renderer->name, "skill"));

	model_release(&m);
}

static void test_unknown_platform(void)
{
	static const char *const bad[] = { "claude", "bogus", NULL };
	static const char *const twice[] = { "claude", "claude", NULL };
	struct source src;
	struct model m;
	char *err = NULL;
	int rc;

	CHECK(source_scan(&src, aiwg_root, NULL, NULL) == 0);
	rc = model_build(&m, &src, bad, NULL, &err);
	CHECK(rc == -EINVAL);
	CHECK(err && strstr(err, "bogus"));
	CHECK(err && strstr(err, "claude"));
	CHECK(err && strstr(err, "copilot"));
	/* The model and the source it took are released. */
	CHECK(src.root == NULL && src.nartifacts == 0);
	CHECK(m.nviews == 0 && m.views == NULL);
	free(err);
	err = NULL;

	CHECK(source_scan(&src, aiwg_root, NULL, NULL) == 0);
	CHECK(model_build(&m, &src, bad, NULL, NULL) == -EINVAL);

	CHECK(source_scan(&src, aiwg_root, NULL, NULL) == 0);
	CHECK(model_build(&m, &src, twice, NULL, &err) == 0);
	CHECK(m.nplatforms == 1 && m.nviews == 1);
	model_release(&m);
	free(err);
}

struct walk_ctx {
	const struct model *m;
	struct cache *c;
	size_t compared, skipped, failed;
	size_t with_refs; /* compared files that hold references */
	size_t rewritten; /* compared files whose view text is not the source */
	size_t nfiles;	  /* files of the view walked */
};

/* Whether a SKILL.md already has a valid name and description. */
static bool skill_md_complete(const struct buf *b, const char *id)
{
	struct frontmatter fm;
	const char *name, *desc;
	bool ok;

	if (fm_parse(&fm, b->data, b->len))
		return false;
	name = fm_get_str(&fm, "name");
	desc = fm_get_str(&fm, "description");
	ok = name && !strcmp(name, id) && desc && *desc && !fm.lenient;
	fm_release(&fm);
	return ok;
}

static bool has_refs(const struct buf *b)
{
	static const char *const refs[] = {
		"@agentic/",	    "$AIWG_ROOT", "{AIWG_ROOT}",
		"ai-writing-guide", "@.claude/",
	};

	for (size_t i = 0; i < ARRAY_SIZE(refs); i++)
		if (strstr(b->data, refs[i]))
			return true;
	return false;
}

/*
 * A claude file equals its source, byte for byte; with rewriting on, the
 * source with its references rewritten (want_view_text()).
 */
static void identity_one(const struct vnode *n, void *arg)
{
	struct walk_ctx *ctx = arg;
	struct buf src = BUF_INIT, want = BUF_INIT;
	struct cache_entry *e = NULL;
	char *path;
	int rc;

	path = n->sub ? path_join(n->artifact->path, n->sub)
		      : strdup(n->artifact->path);
	CHECK(path && read_source(path, &src) == 0);
	if (n->sub && !strcmp(n->sub, "SKILL.md") &&
	    !skill_md_complete(&src, n->artifact->id)) {
		ctx->skipped++;
		goto out;
	}
	if (path)
		want_view_text(ctx->m, "claude", path, &src, &want);
	ctx->with_refs += has_refs(&src);
	ctx->rewritten += !same_bytes(want.data, want.len, src.data, src.len);
	rc = render_node(ctx->m, n, ctx->c, &e);
	CHECK(rc == 0);
	if (!rc && !same_bytes(e->data, e->size, want.data, want.len)) {
		ctx->failed++;
		fprintf(stderr, "  .claude/%s differs from '%s'%s\n", n->path,
			path,
			ctx->m->opts.rewrite_refs ? " (references rewritten)"
						  : "");
	}
	ctx->compared++;
	if (e)
		cache_release(ctx->c, e);
out:
	buf_release(&src);
	buf_release(&want);
	free(path);
}

/*
 * identity_one() on every file of the claude view of `root`, counted in
 * `ctx` from zero; whether the model had that view.
 */
static bool walk_claude(struct walk_ctx *ctx, const char *root, bool rewrite)
{
	static const char *const claude[] = { "claude", NULL };
	const struct view *v;
	struct model m;
	bool viewed;

	memset(ctx, 0, sizeof(*ctx));
	ctx->c = cache_new(0);
	CHECK(build(&m, root, claude, rewrite, NULL) == 0);
	ctx->m = &m;
	v = model_view(&m, ".claude");
	viewed = v != NULL;
	if (v) {
		vnode_walk(v->root, identity_one, ctx);
		ctx->nfiles = v->nfiles;
	}
	CHECK(ctx->failed == 0);
	model_release(&m);
	cache_free(ctx->c);
	ctx->m = NULL;
	ctx->c = NULL;
	return viewed;
}

static void test_claude_identity(void)
{
	struct walk_ctx ctx;
	bool v;

	v = walk_claude(&ctx, aiwg_root, false);
	CHECK(v);
	/* Only the three SKILL.md files that lack a field are not identity. */
	CHECK(ctx.skipped == 3);
	CHECK(v && ctx.compared + ctx.skipped == ctx.nfiles);
	/* References are left alone when rewriting is off. */
	CHECK(ctx.with_refs > 5 && ctx.rewritten == 0);

	/*
	 * With rewriting on, files without references stay identical, and
	 * those with references differ from the source in them only.
	 */
	v = walk_claude(&ctx, aiwg_root, true);
	CHECK(ctx.compared > 20);
	CHECK(ctx.skipped == 3);
	CHECK(v && ctx.compared + ctx.skipped == ctx.nfiles);
	CHECK(ctx.rewritten > 5);

	/* The flat tree too. */
	walk_claude(&ctx, flat_root, false);
	CHECK(ctx.skipped == 1); /* openapi-lint has no frontmatter */
	CHECK(ctx.compared == 8);
}

/* Copilot's tool aliases, from DESIGN.md. */
static const char *copilot_tool(const char *t)
{
	static const struct {
		const char *from, *to;
	} map[] = {
		{ "Read", "read" },	 { "Write", "edit" },
		{ "Edit", "edit" },	 { "MultiEdit", "edit" },
		{ "Grep", "search" },	 { "Glob", "search" },
		{ "Bash", "execute" },	 { "WebFetch", "web" },
		{ "WebSearch", "web" },	 { "Task", "agent" },
		{ "TodoWrite", "todo" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(map[i].from, t))
			return map[i].to;
	return NULL;
}

/* The source tools, mapped, first appearance kept. */
static size_t want_tools(const struct frontmatter *fm, const char **out,
			 size_t max)
{
	char **tools = NULL;
	int n = fm_get_list(fm, "tools", &tools);
	size_t k = 0;

	for (int i = 0; i < n; i++) {
		const char *t = copilot_tool(tools[i]);

		if (t && !str_list_has(out, k, t) && k < max)
			out[k++] = t;
	}
	fm_list_free(tools);
	return k;
}

static void check_tools(const struct frontmatter *out, const char *const *want,
			size_t n)
{
	const struct fm_field *f = fm_get(out, "tools");

	if (!n) {
		CHECK(f == NULL);
		return;
	}
	check_list(out, "tools", want, n);
	if (!f || f->type != FM_LIST)
		return;
	/* each tool once */
	for (size_t i = 0; i < f->nitems; i++)
		for (size_t j = i + 1; j < f->nitems; j++)
			CHECK(strcmp(f->items[i], f->items[j]));
}

/* The output's body is its source's as the copilot view shows it. */
static bool copilot_body(const struct rendered *r, const struct model *m,
			 const struct artifact *a)
{
	struct buf want = BUF_INIT;
	bool same;

	want_view_text(m, "copilot", a->path, &r->src, &want);
	same = same_body(r, &want);
	buf_release(&want);
	return same;
}

static void copilot_agent(const struct model *m, struct cache *c,
			  const struct artifact *a)
{
	static const char *const keys[] = { "name", "description", "tools" };
	const char *tools[16];
	size_t ntools;
	char *path = dest_of("copilot", a);
	struct rendered r;

	if (!rendered_open(&r, m, c, path, a->path, true))
		goto out;
	ntools = want_tools(&r.sfm, tools, ARRAY_SIZE(tools));
	CHECK(keys_are(&r.ofm, keys, ntools ? 3 : 2));
	CHECK_STR(fm_get_str(&r.ofm, "name"), a->id);
	check_description(&r, DESC_LIMIT);
	check_tools(&r.ofm, tools, ntools);
	CHECK(copilot_body(&r, m, a));
	rendered_close(&r);
out:
	free(path);
}

static void test_copilot_agents(bool rewrite)
{
	static const char *const sec[] = { "read", "search" };
	static const char *const orch[] = { "agent", "todo",	"read",
					    "edit",  "execute", "search" };
	static const char *const writer[] = { "read", "edit", "search", "web" };
	struct cache *c = cache_new(0);
	struct frontmatter fm;
	struct cache_entry *e;
	struct model m;

	CHECK(build(&m, aiwg_root, both, rewrite, NULL) == 0);
	CHECK(each_of(&m, c, ARTIFACT_AGENT, copilot_agent) == 11);

	/* The README's named cases, spelled out. */
	e = render_fm(&m, c, ".github/agents/security-auditor.agent.md", &fm);
	if (e) {
		check_tools(&fm, sec, ARRAY_SIZE(sec));
		CHECK_STR(fm_get_str(&fm, "name"), "security-auditor");
		release_fm(c, e, &fm);
	}
	e = render_fm(&m, c, ".github/agents/executive-orchestrator.agent.md",
		      &fm);
	if (e) {
		check_tools(&fm, orch, ARRAY_SIZE(orch));
		CHECK(fm_get(&fm, "orchestration") == NULL);
		CHECK(fm_get(&fm, "model") == NULL);
		release_fm(c, e, &fm);
	}
	/* Write and Edit both map to edit, WebSearch to web: once each. */
	e = render_fm(&m, c, ".github/agents/technical-writer.agent.md", &fm);
	if (e) {
		check_tools(&fm, writer, ARRAY_SIZE(writer));
		release_fm(c, e, &fm);
	}
	/* Frontmatter libyaml refuses still yields valid output. */
	e = render_fm(&m, c, ".github/agents/change-gatekeeper.agent.md", &fm);
	if (e) {
		const char *d = fm_get_str(&fm, "description");

		CHECK(fm.present && !fm.lenient);
		CHECK(d && strstr(d, "risky"));
		release_fm(c, e, &fm);
	}
	model_release(&m);
	cache_free(c);
}

/* Prompts whose source has an argument hint, as copilot_prompt() finds. */
static size_t prompt_hints;

static void copilot_prompt(const struct model *m, struct cache *c,
			   const struct artifact *a)
{
	static const char *const with[] = { "description", "argument-hint",
					    "agent" };
	static const char *const without[] = { "description", "agent" };
	struct buf desc = BUF_INIT;
	const char *hint;
	char *path = dest_of("copilot", a);
	struct rendered r;

	if (!rendered_open(&r, m, c, path, a->path, true))
		goto out;
	hint = fm_get_str(&r.sfm, "argument-hint");
	if (hint && *hint) {
		CHECK(keys_are(&r.ofm, with, ARRAY_SIZE(with)));
		CHECK_STR(fm_get_str(&r.ofm, "argument-hint"), hint);
		prompt_hints++;
	} else {
		CHECK(keys_are(&r.ofm, without, ARRAY_SIZE(without)));
	}
	CHECK_STR(fm_get_str(&r.ofm, "agent"), "agent");
	want_description(r.src.data, r.src.len, DESC_LIMIT, &desc);
	CHECK_STR(fm_get_str(&r.ofm, "description"), desc.data);
	CHECK(copilot_body(&r, m, a));
	rendered_close(&r);
out:
	buf_release(&desc);
	free(path);
}

static void test_copilot_prompts(bool rewrite)
{
	struct cache *c = cache_new(0);
	struct model m;
	char *root = path_join(tmp, rewrite ? "prompts" : "prompts-plain");

	CHECK(build(&m, aiwg_root, both, rewrite, NULL) == 0);
	prompt_hints = 0;
	CHECK(each_of(&m, c, ARTIFACT_COMMAND, copilot_prompt) == 8);
	CHECK(prompt_hints == 8);
	model_release(&m);

	/* Commands without a hint, or with an empty one, get none. */
	CHECK(tmp_write_str(
		      root, "commands/no-hint.md",
		      "---\ndescription: Do it\n---\n\nBody $ARGUMENTS\n") ==
	      0);
	CHECK(tmp_write_str(root, "commands/empty-hint.md",
			    "---\ndescription: Do it\nargument-hint: \"\"\n"
			    "---\nBody\n") == 0);
	CHECK(tmp_write_str(root, "commands/no-fm.md",
			    "# Title\n\nWhat the command does.\n") == 0);
	CHECK(build(&m, root, both, rewrite, NULL) == 0);
	prompt_hints = 0;
	CHECK(each_of(&m, c, ARTIFACT_COMMAND, copilot_prompt) == 3);
	CHECK(prompt_hints == 0);
	model_release(&m);
	cache_free(c);
	free(root);
}

static void copilot_rule(const struct model *m, struct cache *c,
			 const struct artifact *a)
{
	static const char *const keys[] = { "applyTo", "description" };
	struct buf desc = BUF_INIT, globs = BUF_INIT;
	char **paths = NULL;
	int np;
	char *path = dest_of("copilot", a);
	struct rendered r;

	if (!rendered_open(&r, m, c, path, a->path, true))
		goto out;
	CHECK(keys_are(&r.ofm, keys, ARRAY_SIZE(keys)));
	np = fm_get_list(&r.sfm, "paths", &paths);
	for (int i = 0; i < np; i++)
		buf_addf(&globs, "%s%s", i ? "," : "", paths[i]);
	fm_list_free(paths);
	CHECK_STR(fm_get_str(&r.ofm, "applyTo"), np > 0 ? globs.data : "**");
	want_description(r.src.data, r.src.len, DESC_LIMIT, &desc);
	if (desc.len)
		CHECK_STR(fm_get_str(&r.ofm, "description"), desc.data);
	else
		CHECK(fm_get_str(&r.ofm, "description") &&
		      *fm_get_str(&r.ofm, "description"));
	CHECK(copilot_body(&r, m, a));
	rendered_close(&r);
out:
	buf_release(&desc);
	buf_release(&globs);
	free(path);
}

static void test_copilot_instructions(bool rewrite)
{
	struct cache *c = cache_new(0);
	struct frontmatter fm;
	struct cache_entry *e;
	struct model m;

	CHECK(build(&m, aiwg_root, both, rewrite, NULL) == 0);
	CHECK(each_of(&m, c, ARTIFACT_RULE, copilot_rule) == 5);
	e = render_fm(&m, c, ".github/instructions/prose-style.instructions.md",
		      &fm);
	if (e) {
		CHECK_STR(fm_get_str(&fm, "applyTo"),
			  "docs/**/*.md,**/*.mdx,README.md");
		release_fm(c, e, &fm);
	}
	e = render_fm(&m, c,
		      ".github/instructions/plain-language.instructions.md",
		      &fm);
	if (e) {
		CHECK_STR(fm_get_str(&fm, "applyTo"), "**");
		release_fm(c, e, &fm);
	}
	model_release(&m);

	CHECK(build(&m, flat_root, both, rewrite, NULL) == 0);
	each_of(&m, c, ARTIFACT_RULE, copilot_rule);
	model_release(&m);
	cache_free(c);
}

/*
 * The lines of the source frontmatter other than name and description
 * appear in the output frontmatter, byte for byte and in order.
 */
static void check_kept_fields(const struct rendered *r)
{
	const char *raw = r->src.data + r->sfm.raw_off;
	const char *end = raw + r->sfm.raw_len;
	const char *out = r->e->data + r->ofm.raw_off;
	size_t out_len = r->ofm.raw_len;
	bool skipping = false;

	for (const char *p = raw; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p + 1) : (size_t)(end - p);
		const char *hit;

		if (*p != ' ' && *p != '\t' && *p != '-')
			skipping = !strncmp(p, "name:", 5) ||
				   !strncmp(p, "description:", 12);
		if (!skipping) {
			hit = memmem(out, out_len, p, len);
			CHECK(hit != NULL);
			if (!hit) {
				fprintf(stderr, "  lost field line '%.*s'\n",
					(int)len, p);
			} else {
				out_len -= (size_t)(hit + len - out);
				out = hit + len;
			}
		}
		p += len;
	}
}

/* A SKILL.md that gets a name and a description added. */
static void check_fixed_skill(const struct model *m, struct cache *c,
			      const char *path, const char *src_path,
			      const char *name)
{
	struct buf want = BUF_INIT;
	struct rendered r;

	if (!rendered_open(&r, m, c, path, src_path, true))
		goto out;
	want_view_text(m, strncmp(path, ".claude/", 8) ? "copilot" : "claude",
		       src_path, &r.src, &want);
	CHECK_STR(fm_get_str(&r.ofm, "name"), name);
	check_description(&r, DESC_LIMIT);
	if (!r.sfm.present) {
		static const char *const keys[] = { "name", "description" };

		/*
		 * The whole source follows the new block, unchanged but for
		 * its references.
		 */
		CHECK(keys_are(&r.ofm, keys, 2));
		CHECK(same_bytes(r.body, r.body_len, want.data, want.len));
		CHECK(!strncmp(r.e->data, "---\n", 4));
	} else {
		CHECK(r.ofm.nfields == r.sfm.nfields + !fm_get(&r.sfm, "name") +
					       !fm_get(&r.sfm, "description"));
		check_kept_fields(&r);
		CHECK(same_body(&r, &want));
	}
	/* Both on one line each. */
	{
		const char *raw = r.e->data + r.ofm.raw_off;
		const char *d = strstr(raw, "\ndescription: ");
		const char *nl = d ? strchr(d + 1, '\n') : NULL;

		struct buf line = BUF_INIT;

		buf_addf(&line, "name: %s\n", name);
		CHECK(!strncmp(raw, line.data, line.len) ||
		      (strstr(raw, line.data) &&
		       strstr(raw, line.data)[-1] == '\n'));
		buf_release(&line);
		CHECK(nl && nl[1] != ' ' && nl[1] != '\t');
	}
	rendered_close(&r);
out:
	buf_release(&want);
}

static void test_skills(bool rewrite)
{
	static const char *const ids[] = { "release-notes", "playlist-builder",
					   "threat-model" };
	struct cache *c = cache_new(0);
	struct cache_entry *e;
	struct model m;

	CHECK(build(&m, aiwg_root, both, rewrite, NULL) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		const struct artifact *a =
			source_find(&m.src, ARTIFACT_SKILL, ids[i]);
		char *md = a ? path_join(a->path, "SKILL.md") : NULL;
		char *gh = a ? dest_of("copilot", a) : NULL;
		char *cl = a ? dest_of("claude", a) : NULL;

		CHECK(a != NULL);
		if (a) {
			check_fixed_skill(&m, c, gh, md, ids[i]);
			check_fixed_skill(&m, c, cl, md, ids[i]);
		}
		free(md);
		free(gh);
		free(cl);
	}
	/* threat-model keeps its version line exactly. */
	e = render_at(&m, c, ".github/skills/threat-model/SKILL.md");
	CHECK(e && strstr(e->data, "\nversion: 0.9.0\n"));
	if (e)
		cache_release(c, e);
	/* Other files of a skill are copied byte for byte. */
	{
		const struct artifact *a =
			source_find(&m.src, ARTIFACT_SKILL, "voice-profiles");
		char *p =
			a ? path_join(a->path, "references/voices.json") : NULL;
		struct buf want = BUF_INIT;

		e = render_at(
			&m, c,
			".github/skills/voice-profiles/references/voices.json");
		CHECK(p && read_source(p, &want) == 0);
		CHECK(e && same_bytes(e->data, e->size, want.data, want.len));
		if (e)
			cache_release(c, e);
		buf_release(&want);
		free(p);
	}
	model_release(&m);
	cache_free(c);
}

/*
 * check_fixed_skill() on the SKILL.md of skill `id`, which the view that
 * `path` is in (.claude, else .github) shows at `path`.
 */
static void check_fixed_id(const struct model *m, struct cache *c,
			   const char *id, const char *path, const char *name)
{
	const char *platform =
		strncmp(path, ".claude/", 8) ? "copilot" : "claude";
	const struct artifact *a = source_find(&m->src, ARTIFACT_SKILL, id);
	char *md = a ? path_join(a->path, "SKILL.md") : NULL;
	char *dest = a ? dest_of(platform, a) : NULL;

	CHECK(a != NULL);
	CHECK_STR(dest, path);
	if (md)
		check_fixed_skill(m, c, path, md, name);
	free(md);
	free(dest);
}

/* Skill folder names that are no skill names, and awkward fields. */
static void test_skill_names(void)
{
	char *root = path_join(tmp, "skills");
	struct cache *c = cache_new(0);
	const struct vnode *n;
	struct model m;

	CHECK(tmp_write_str(root, "skills/My_Skill Name/SKILL.md",
			    "---\nname: My Skill\ndescription: Does things.\n"
			    "version: 2\ntools:\n  - Read\n---\n\nBody.\n") ==
	      0);
	CHECK(tmp_write_str(root, "skills/My_Skill Name/ref docs/a b.md",
			    "ref\n") == 0);
	CHECK(tmp_write_str(root, "skills/folded/SKILL.md",
			    "---\nname: folded\ndescription: >\n  One\n  two "
			    "three.\n---\n# Folded\n") == 0);
	CHECK(tmp_write_str(root, "skills/_Lead--Trail_/SKILL.md",
			    "# Lead\n\nEdges of a name.\n") == 0);
	CHECK(tmp_write_str(root, "skills/multi/SKILL.md",
			    "---\nname: >-\n  multi\ndescription: One line.\n"
			    "---\nBody\n") == 0);
	CHECK(tmp_write_str(root, "skills/lenient/SKILL.md",
			    "---\nname: lenient\ndescription: \"a \"b\" c\"\n"
			    "x: 1\n---\nBody\n") == 0);
	CHECK(tmp_write_str(root, "skills/plain/SKILL.md",
			    "Just a paragraph, no heading.\n") == 0);
	CHECK(build(&m, root, both, true, NULL) == 0);
	check_fixed_id(&m, c, "My_Skill Name",
		       ".github/skills/my-skill-name/SKILL.md",
		       "my-skill-name");
	check_fixed_id(&m, c, "My_Skill Name",
		       ".claude/skills/my-skill-name/SKILL.md",
		       "my-skill-name");
	n = model_lookup(&m, ".github/skills/my-skill-name/ref docs/a b.md",
			 NULL);
	CHECK(n && n->type == VNODE_FILE && n->sub &&
	      !strcmp(n->sub, "ref docs/a b.md"));
	CHECK(model_lookup(&m, ".github/skills/My_Skill Name", NULL) == NULL);
	check_fixed_id(&m, c, "folded", ".github/skills/folded/SKILL.md",
		       "folded");
	check_fixed_id(&m, c, "plain", ".github/skills/plain/SKILL.md",
		       "plain");
	/* No dash at either end, one for a run. */
	check_fixed_id(&m, c, "_Lead--Trail_",
		       ".github/skills/lead-trail/SKILL.md", "lead-trail");
	/* Right fields in YAML that strict readers refuse: rewritten. */
	check_fixed_id(&m, c, "lenient", ".github/skills/lenient/SKILL.md",
		       "lenient");
	/* A name that is right but not on one line is rewritten. */
	check_fixed_id(&m, c, "multi", ".github/skills/multi/SKILL.md",
		       "multi");
	model_release(&m);
	cache_free(c);
	free(root);
}

static bool contains(const struct cache_entry *e, const char *s)
{
	return e && memmem(e->data, e->size, s, strlen(s)) != NULL;
}

/* Whether the file at `path` of `m` holds `text`, "%s" the SOURCE root. */
static bool shows(const struct model *m, struct cache *c, const char *path,
		  const char *fmt)
{
	struct cache_entry *e = render_at(m, c, path);
	struct buf want = BUF_INIT;
	const char *root = strstr(fmt, "%s");
	bool ok;

	if (root) {
		buf_add(&want, fmt, (size_t)(root - fmt));
		buf_adds(&want, m->src.root);
		buf_adds(&want, root + 2);
	} else {
		buf_adds(&want, fmt);
	}
	ok = contains(e, want.data);
	if (!ok)
		fprintf(stderr, "  %s lacks '%s'\n", path, want.data);
	if (e)
		cache_release(c, e);
	buf_release(&want);
	return ok;
}

/*
 * Reference rewriting on named files of the example tree, spelled out as
 * DESIGN.md and refs.h define it: AIWG-root references whose target exists
 * become absolute paths into SOURCE, "@.claude/..." the artifact's path in
 * the view; code spans, fenced blocks and missing targets stay as written.
 * Off, every reference stays as written.
 */
static void test_references(void)
{
	const char *tengineer = ".claude/agents/test-engineer.md";
	struct cache *c = cache_new(0);
	struct cache_entry *on, *off;
	struct model m, plain;

	CHECK(build(&m, aiwg_root, both, true, NULL) == 0);
	CHECK(build(&plain, aiwg_root, both, false, NULL) == 0);

	/* "@agentic/code/..." keeps its "@"; "@.claude/" per view. */
	CHECK(shows(&m, c, tengineer,
		    "   from @%s/agentic/code/frameworks/sdlc-complete/"
		    "templates/test-plan.md and\n"));
	CHECK(shows(&m, c, tengineer,
		    "(@.claude/agents/architecture-designer.md)"));
	CHECK(shows(&m, c, ".github/agents/test-engineer.agent.md",
		    "(@.github/agents/architecture-designer.agent.md)"));
	CHECK(shows(&m, c, ".github/agents/test-engineer.agent.md",
		    "   from @%s/agentic/code/frameworks/sdlc-complete/"
		    "templates/test-plan.md and\n"));
	/* The other prefixes are replaced by the path. */
	CHECK(shows(&m, c, ".claude/agents/executive-orchestrator.md",
		    "1. Read the phase goals from %s/agentic/code/frameworks/"
		    "sdlc-complete/docs/phase-overview.md.\n"));
	CHECK(shows(&m, c, ".github/agents/executive-orchestrator.agent.md",
		    "   - tests and coverage to "
		    "@.github/agents/test-engineer.agent.md;\n"));
	CHECK(shows(&m, c, ".claude/agents/architecture-designer.md",
		    "- the phase overview at %s/agentic/code/frameworks/"
		    "sdlc-complete/docs/phase-overview.md.\n"));
	CHECK(shows(&m, c, ".claude/agents/prose-editor.md",
		    "   against %s/agentic/code/addons/writing-quality/docs/"
		    "banned-phrases.md.\n"));
	/* A folder is a target too; the "." after it is not part of it. */
	CHECK(shows(&m, c, ".claude/commands/doc-review.md",
		    "%s/agentic/code/frameworks/sdlc-complete/templates/.\n"));
	/* A fenced block stays, fence lines and all; prose around changes. */
	CHECK(shows(&m, c, ".claude/commands/flow-gate-check.md",
		    "```markdown\nExpected structure: @agentic/code/frameworks/"
		    "sdlc-complete/templates/test-plan.md\nOwner: "
		    "@.claude/agents/test-engineer.md\n```\n"));
	CHECK(shows(&m, c, ".github/prompts/flow-gate-check.prompt.md",
		    "```markdown\nExpected structure: @agentic/code/frameworks/"
		    "sdlc-complete/templates/test-plan.md\nOwner: "
		    "@.claude/agents/test-engineer.md\n```\n"));
	CHECK(shows(&m, c, ".github/prompts/flow-gate-check.prompt.md",
		    "   @%s/agentic/code/frameworks/sdlc-complete/docs/"
		    "phase-overview.md.\n"));
	/* A code span stays; the reference before it on the page changes. */
	CHECK(shows(&m, c, ".github/prompts/generate-tests.prompt.md",
		    "`@agentic/code/frameworks/sdlc-complete/templates/"
		    "test-plan.md`"));
	CHECK(shows(
		&m, c, ".github/prompts/generate-tests.prompt.md",
		"hand the work to @.github/agents/test-engineer.agent.md,"));
	/* A target that does not exist stays as written. */
	CHECK(shows(&m, c, ".claude/rules/RULES-INDEX.md",
		    "(@agentic/code/frameworks/sdlc-complete/templates/"
		    "deployment-plan.md)."));
	CHECK(shows(&m, c, ".claude/rules/RULES-INDEX.md",
		    "  @%s/agentic/code/frameworks/sdlc-complete/rules/"
		    "no-secrets.md\n"));
	CHECK(shows(&m, c, ".github/copilot-instructions.md",
		    "(@.github/agents/executive-orchestrator.agent.md)"));

	/* Off: as written, and a render of its own (the key differs). */
	CHECK(shows(&plain, c, tengineer,
		    "   from @agentic/code/frameworks/sdlc-complete/templates/"
		    "test-plan.md and\n"));
	CHECK(shows(&plain, c, ".github/agents/test-engineer.agent.md",
		    "(@.claude/agents/architecture-designer.md)"));
	CHECK(shows(&plain, c, ".claude/agents/executive-orchestrator.md",
		    "from {AIWG_ROOT}/agentic/code/frameworks/"));
	on = render_at(&m, c, tengineer);
	off = render_at(&plain, c, tengineer);
	CHECK(on && off && on != off);
	CHECK(on && off &&
	      !same_bytes(on->data, on->size, off->data, off->size));
	if (on)
		cache_release(c, on);
	if (off)
		cache_release(c, off);
	model_release(&m);
	model_release(&plain);
	cache_free(c);
}

static void test_index(bool rewrite)
{
	const char *path = ".github/copilot-instructions.md";
	struct cache *c1 = cache_new(0), *c2 = cache_new(0);
	struct cache_entry *e1, *e2;
	struct model m1, m2;
	const char *last = NULL;

	CHECK(build(&m1, aiwg_root, both, rewrite, NULL) == 0);
	CHECK(build(&m2, aiwg_root, both, rewrite, NULL) == 0);
	e1 = render_at(&m1, c1, path);
	e2 = render_at(&m2, c2, path);
	CHECK(e1 && e2);
	CHECK(e1 && e2 && same_bytes(e1->data, e1->size, e2->data, e2->size));
	CHECK(e1 && e1->size > 0 && e1->size < INDEX_LIMIT);
	CHECK(contains(e1, m1.src.root));
	for (size_t i = 0; e1 && i < m1.src.nartifacts; i++) {
		const struct artifact *a = &m1.src.artifacts[i];
		struct buf want = BUF_INIT, src = BUF_INIT, text = BUF_INIT;
		struct frontmatter fm;

		if (a->kind != ARTIFACT_RULE) {
			buf_addf(&want, "`%s`", a->id);
			CHECK(contains(e1, want.data));
			if (!contains(e1, want.data))
				fprintf(stderr, "  index lacks %s '%s'\n",
					artifact_kind_name(a->kind), a->id);
			buf_release(&want);
			continue;
		}
		/*
		 * Small rules are inlined whole, in unit order, with their
		 * references as the copilot view shows them.
		 */
		CHECK(read_source(a->path, &src) == 0);
		CHECK(fm_parse(&fm, src.data, src.len) == 0);
		want_view_text(&m1, "copilot", a->path, &src, &text);
		{
			const char *hit = memmem(e1->data, e1->size,
						 text.data + fm.body_off,
						 text.len - fm.body_off);

			CHECK(hit != NULL);
			if (!hit)
				fprintf(stderr,
					"  index lacks the body of rule '%s'\n",
					a->id);
			CHECK(!hit || !last || hit > last);
			last = hit ? hit : last;
		}
		fm_release(&fm);
		buf_release(&src);
		buf_release(&text);
	}
	if (e1)
		cache_release(c1, e1);
	if (e2)
		cache_release(c2, e2);
	model_release(&m1);
	model_release(&m2);
	cache_free(c1);
	cache_free(c2);
}

/* Rules too large to inline together: the page stays under 32 KiB. */
static void test_index_limit(void)
{
	char *root = path_join(tmp, "big-rules");
	struct cache *c = cache_new(0);
	struct cache_entry *e;
	struct model m;
	size_t inlined = 0, listed = 0;

	for (int i = 0; i < 24; i++) {
		struct buf name = BUF_INIT, text = BUF_INIT;

		buf_addf(&name, "rules/rule-%02d.md", i);
		buf_addf(&text, "# Rule %d\n\nRule number %d says this.\n\n", i,
			 i);
		while (text.len < 3000)
			buf_addf(&text,
				 "Line %zu of rule %d, padding it out.\n",
				 text.len, i);
		CHECK(tmp_write_str(root, name.data, text.data) == 0);
		buf_release(&name);
		buf_release(&text);
	}
	CHECK(tmp_write_str(root, "agents/one.md",
			    "---\ndescription: The one agent\n---\nBody\n") ==
	      0);
	CHECK(build(&m, root, both, true, NULL) == 0);
	e = render_at(&m, c, ".github/copilot-instructions.md");
	CHECK(e && e->size < INDEX_LIMIT);
	CHECK(contains(e, "`one`"));
	for (int i = 0; e && i < 24; i++) {
		struct buf head = BUF_INIT, line = BUF_INIT;

		buf_addf(&head, "### rule-%02d\n", i);
		buf_addf(&line, "- `rule-%02d` ", i);
		/* Inlined ones come first, then the listed ones. */
		if (contains(e, head.data) && !contains(e, line.data)) {
			CHECK(listed == 0);
			inlined++;
		} else if (contains(e, line.data) && !contains(e, head.data)) {
			listed++;
		} else {
			fprintf(stderr, "  index lacks rule-%02d\n", i);
		}
		buf_release(&head);
		buf_release(&line);
	}
	CHECK(inlined > 0 && listed > 0);
	CHECK(inlined + listed == 24);
	CHECK(contains(e, ".github/instructions/rule-23.instructions.md"));
	if (e)
		cache_release(c, e);
	model_release(&m);
	cache_free(c);
	free(root);
}

static void cache_counts(struct cache *c, uint64_t *hits, uint64_t *misses,
			 size_t *entries)
{
	struct cache_stats st;

	cache_get_stats(c, &st);
	*hits = st.hits;
	*misses = st.misses;
	*entries = st.entries;
}

static int rewrite(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	size_t len = strlen(text);
	int rc = 0;

	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len)
		rc = -1;
	return close(fd) ? -1 : rc;
}

/* The agent the cache tests edit, its source bytes read into `orig`. */
static const struct artifact *cache_subject(const struct model *m,
					    struct buf *orig)
{
	const struct artifact *a =
		source_find(&m->src, ARTIFACT_AGENT, "test-engineer");

	CHECK(a != NULL);
	if (a)
		CHECK(read_source(a->path, orig) == 0);
	return a;
}

/* Same key, same entry: a second render, a touch, the same bytes again. */
static void test_cache_hits(const char *copy, bool refs)
{
	const char *agent = ".claude/agents/test-engineer.md";
	struct cache *c = cache_new(0);
	struct cache_entry *e1, *e2;
	struct buf orig = BUF_INIT;
	const struct artifact *a;
	uint64_t h0, h1, m0, m1;
	size_t n0, n1;
	struct model m;
	struct timespec ts[2] = { { .tv_sec = 1000000000 },
				  { .tv_sec = 1000000000 } };

	CHECK(build(&m, copy, both, refs, NULL) == 0);
	a = cache_subject(&m, &orig);
	if (!a)
		goto out;
	e1 = render_at(&m, c, agent);
	cache_counts(c, &h0, &m0, &n0);
	e2 = render_at(&m, c, agent);
	cache_counts(c, &h1, &m1, &n1);
	CHECK(e1 && e1 == e2);
	CHECK(h1 == h0 + 1 && m1 == m0 && n1 == n0);
	if (e2)
		cache_release(c, e2);

	/* Touching changes no key. */
	CHECK(utimensat(AT_FDCWD, a->path, ts, 0) == 0);
	e2 = render_at(&m, c, agent);
	cache_counts(c, &h1, &m1, &n1);
	CHECK(e2 == e1);
	CHECK(h1 == h0 + 2 && m1 == m0 && n1 == n0);
	if (e2)
		cache_release(c, e2);

	/* Nor does writing the same bytes again. */
	CHECK(rewrite(a->path, orig.data) == 0);
	e2 = render_at(&m, c, agent);
	CHECK(e2 == e1);
	if (e2)
		cache_release(c, e2);
	if (e1)
		cache_release(c, e1);
out:
	model_release(&m);
	cache_free(c);
	buf_release(&orig);
}

/* Two sources with the same bytes still render as two artifacts. */
static void test_cache_twins(void)
{
	static const char *const text = "---\nname: Twin\ndescription: Same "
					"bytes\ntools: Read\n---\nBody\n";
	char *root = path_join(tmp, "twins");
	struct cache *c = cache_new(0);
	struct cache_entry *a, *b;
	struct frontmatter fm;
	struct model m;

	CHECK(tmp_write_str(root, "agents/twin-a.md", text) == 0);
	CHECK(tmp_write_str(root, "agents/twin-b.md", text) == 0);
	CHECK(build(&m, root, both, true, NULL) == 0);
	a = render_at(&m, c, ".github/agents/twin-a.agent.md");
	b = render_at(&m, c, ".github/agents/twin-b.agent.md");
	CHECK(a && b && a != b);
	CHECK(b && fm_parse(&fm, b->data, b->size) == 0);
	if (b) {
		CHECK_STR(fm_get_str(&fm, "name"), "twin-b");
		fm_release(&fm);
	}
	if (a)
		cache_release(c, a);
	if (b)
		cache_release(c, b);
	model_release(&m);
	cache_free(c);
	free(root);
}

/* `orig` with a new description and an added line. */
static void edit_agent(const struct buf *orig, struct buf *edited)
{
	char *d;

	buf_adds(edited, orig->data);
	d = strstr(edited->data, "description: ");
	CHECK(d != NULL);
	if (d)
		memcpy(d + 13, "EDITED", 6);
	buf_adds(edited, "\nAn added line.\n");
}

/* An edit shows in the next render of every file that reads the source. */
static void test_cache_edits(const char *copy, bool refs)
{
	const char *agent = ".claude/agents/test-engineer.md";
	const char *gh_agent = ".github/agents/test-engineer.agent.md";
	const char *index = ".github/copilot-instructions.md";
	struct cache *c = cache_new(0);
	struct cache_entry *e1, *e2, *e3, *g1, *g2, *i1, *i2;
	struct buf orig = BUF_INIT, edited = BUF_INIT;
	struct buf want_orig = BUF_INIT, want_edited = BUF_INIT;
	const struct artifact *a;
	uint64_t h0, h1, m0, m1;
	size_t n0, n1;
	struct frontmatter fm;
	struct model m;

	CHECK(build(&m, copy, both, refs, NULL) == 0);
	a = cache_subject(&m, &orig);
	if (!a)
		goto out;
	e1 = render_at(&m, c, agent);
	g1 = render_at(&m, c, gh_agent);
	i1 = render_at(&m, c, index);

	edit_agent(&orig, &edited);
	/* What the claude view shows of each: the bytes, or rewritten. */
	want_view_text(&m, "claude", a->path, &orig, &want_orig);
	want_view_text(&m, "claude", a->path, &edited, &want_edited);
	CHECK(refs ==
	      !same_bytes(want_orig.data, want_orig.len, orig.data, orig.len));
	CHECK(rewrite(a->path, edited.data) == 0);
	e3 = render_at(&m, c, agent);
	CHECK(e3 && e3 != e1);
	CHECK(e3 && same_bytes(e3->data, e3->size, want_edited.data,
			       want_edited.len));
	/* The old reference still reads the old bytes. */
	CHECK(e1 &&
	      same_bytes(e1->data, e1->size, want_orig.data, want_orig.len));
	g2 = render_at(&m, c, gh_agent);
	CHECK(g2 && g2 != g1);
	CHECK(g2 && fm_parse(&fm, g2->data, g2->size) == 0);
	if (g2) {
		const char *d = fm_get_str(&fm, "description");

		CHECK(d && !strncmp(d, "EDITED", 6));
		fm_release(&fm);
	}
	i2 = render_at(&m, c, index);
	CHECK(i2 && i2 != i1);
	CHECK(contains(i2, "EDITED"));
	CHECK(!contains(i1, "EDITED"));

	/* Back to the original bytes: the first entry again, a hit. */
	CHECK(rewrite(a->path, orig.data) == 0);
	cache_counts(c, &h0, &m0, &n0);
	e2 = render_at(&m, c, agent);
	cache_counts(c, &h1, &m1, &n1);
	CHECK(e2 == e1);
	CHECK(h1 == h0 + 1 && m1 == m0 && n1 == n0);
	{
		struct cache_entry *held[] = { e1, e2, e3, g1, g2, i1, i2 };

		for (size_t i = 0; i < ARRAY_SIZE(held); i++)
			if (held[i])
				cache_release(c, held[i]);
	}
out:
	model_release(&m);
	cache_free(c);
	buf_release(&orig);
	buf_release(&edited);
	buf_release(&want_orig);
	buf_release(&want_edited);
}

/* Sources that change shape after scanning: errors, never a crash. */
static void test_vanished(const char *copy)
{
	struct cache *c = cache_new(0);
	struct cache_entry *e = NULL;
	const struct artifact *a;
	const struct vnode *n;
	struct model m;
	char *p;

	CHECK(build(&m, copy, both, true, NULL) == 0);

	/*
	 * An empty file, then no file: a warm cache must answer what a cold
	 * one renders, though both read as zero bytes.
	 */
	a = source_find(&m.src, ARTIFACT_AGENT, "prose-editor");
	CHECK(a && rewrite(a->path, "") == 0);
	n = model_lookup(&m, ".github/copilot-instructions.md", NULL);
	CHECK(n && render_node(&m, n, c, &e) == 0);
	if (e)
		cache_release(c, e);
	CHECK(a && unlink(a->path) == 0);
	{
		struct cache *cold = cache_new(0);
		struct cache_entry *w = NULL, *f = NULL;

		CHECK(n && render_node(&m, n, c, &w) == 0);
		CHECK(n && render_node(&m, n, cold, &f) == 0);
		CHECK(w && f && same_bytes(w->data, w->size, f->data, f->size));
		if (w)
			cache_release(c, w);
		if (f)
			cache_release(cold, f);
		cache_free(cold);
	}
	/* A failed render leaves no entry behind: *out is cleared. */
	e = (struct cache_entry *)&e;
	n = model_lookup(&m, ".claude/agents/prose-editor.md", NULL);
	CHECK(n && render_node(&m, n, c, &e) == -ENOENT);
	CHECK(e == NULL);
	n = model_lookup(&m, ".github/agents/prose-editor.agent.md", NULL);
	e = (struct cache_entry *)&e;
	CHECK(n && render_node(&m, n, c, &e) == -ENOENT);
	CHECK(e == NULL);

	/* A skill's supporting file. */
	a = source_find(&m.src, ARTIFACT_SKILL, "test-coverage");
	p = a ? path_join(a->path, "scripts/check.sh") : NULL;
	CHECK(p && unlink(p) == 0);
	free(p);
	n = model_lookup(&m, ".github/skills/test-coverage/scripts/check.sh",
			 NULL);
	CHECK(n && render_node(&m, n, c, &e) == -ENOENT);

	/* A source that became a FIFO: refused at once, not read. */
	a = source_find(&m.src, ARTIFACT_COMMAND, "dedupe");
	CHECK(a && unlink(a->path) == 0 && mkfifo(a->path, 0644) == 0);
	n = model_lookup(&m, ".claude/commands/dedupe.md", NULL);
	alarm(10);
	CHECK(n && render_node(&m, n, c, &e) == -EIO);
	alarm(0);
	CHECK(e == NULL);

	/* A SKILL.md that became a folder. */
	a = source_find(&m.src, ARTIFACT_SKILL, "readability");
	p = a ? path_join(a->path, "SKILL.md") : NULL;
	CHECK(p && unlink(p) == 0 && mkdir(p, 0755) == 0);
	free(p);
	n = model_lookup(&m, ".github/skills/readability/SKILL.md", NULL);
	CHECK(n && render_node(&m, n, c, &e) == -EIO);

	/* The index lists what it can read and still renders. */
	n = model_lookup(&m, ".github/copilot-instructions.md", NULL);
	CHECK(n && render_node(&m, n, c, &e) == 0);
	CHECK(e && strstr(e->data, "`test-engineer`"));
	if (e)
		cache_release(c, e);

	/* A folder is not rendered. */
	n = model_lookup(&m, ".github/agents", NULL);
	CHECK(n && render_node(&m, n, c, &e) == -EISDIR);
	model_release(&m);
	cache_free(c);
}

/* Descriptions past Copilot's 1024 bytes are cut, in agents and skills. */
static void test_long_description(void)
{
	char *root = path_join(tmp, "long");
	struct buf words = BUF_INIT, text = BUF_INIT;
	struct cache *c = cache_new(0);
	const struct artifact *a;
	struct frontmatter fm;
	struct cache_entry *e;
	struct model m;
	char *md;

	for (int i = 0; words.len < 3000; i++)
		buf_addf(&words, "%sword%d", i ? " " : "", i);
	buf_addf(&text,
		 "---\nname: Long\ndescription: %s\ntools: Read\n---\n"
		 "Body\n",
		 words.data);
	CHECK(tmp_write_str(root, "agents/long.md", text.data) == 0);
	buf_reset(&text);
	buf_addf(&text,
		 "---\nname: long-skill\ndescription: %s\nversion: 1\n"
		 "---\nBody\n",
		 words.data);
	CHECK(tmp_write_str(root, "skills/long-skill/SKILL.md", text.data) ==
	      0);
	CHECK(build(&m, root, both, true, NULL) == 0);

	a = source_find(&m.src, ARTIFACT_AGENT, "long");
	CHECK(a != NULL);
	if (a)
		copilot_agent(&m, c, a);
	e = render_fm(&m, c, ".github/agents/long.agent.md", &fm);
	if (e) {
		const char *d = fm_get_str(&fm, "description");

		CHECK(d && strlen(d) <= DESC_LIMIT && strlen(d) > 900);
		CHECK(d && !strncmp(d, "word0 word1 ", 12));
		release_fm(c, e, &fm);
	}
	a = source_find(&m.src, ARTIFACT_SKILL, "long-skill");
	md = a ? path_join(a->path, "SKILL.md") : NULL;
	check_fixed_skill(&m, c, ".github/skills/long-skill/SKILL.md", md,
			  "long-skill");
	free(md);
	model_release(&m);
	cache_free(c);
	buf_release(&words);
	buf_release(&text);
	free(root);
}

/*
 * A source saved in Latin-1 is bad input, not a reason to lose the file:
 * the view still shows an agent and a skill, with frontmatter that parses.
 */
static void test_invalid_utf8(void)
{
	static const char *const paths[] = {
		".github/agents/latin.agent.md",
		".github/skills/latin-skill/SKILL.md",
		".claude/skills/latin-skill/SKILL.md",
	};
	char *root = path_join(tmp, "latin1");
	struct cache *c = cache_new(0);
	struct model m;

	CHECK(tmp_write_str(root, "agents/latin.md",
			    "---\nname: Latin\ndescription: Caf\xE9 "
			    "cr\xE8me\ntools: Read\n---\nBody\n") == 0);
	CHECK(tmp_write_str(root, "skills/latin-skill/SKILL.md",
			    "# Latin\n\nCaf\xE9 cr\xE8me, a skill.\n") == 0);
	CHECK(build(&m, root, both, true, NULL) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		const struct vnode *n = model_lookup(&m, paths[i], NULL);
		struct cache_entry *e = NULL;
		struct frontmatter fm;
		int rc = n ? render_node(&m, n, c, &e) : -ENOENT;

		CHECK(rc == 0);
		if (rc) {
			fprintf(stderr, "  '%s' gives %s\n", paths[i],
				strerror(-rc));
			continue;
		}
		CHECK(fm_parse(&fm, e->data, e->size) == 0);
		CHECK(fm.present && fm_get_str(&fm, "description"));
		release_fm(c, e, &fm);
	}
	model_release(&m);
	cache_free(c);
	free(root);
}

static void test_description(void)
{
	struct buf out = BUF_INIT;
	const char *fm = "---\ndescription: \"  From   the field \"\n---\n"
			 "Not this.\n";
	const char *para = "---\nname: x\n---\n# Title\n\nThe *first*\n"
			   "paragraph.\n\nSecond.\n";

	CHECK(render_description(fm, strlen(fm), 0, &out) == 0);
	CHECK_STR(out.data, "From the field");
	CHECK(render_description(para, strlen(para), 0, &out) == 0);
	CHECK_STR(out.data, "The first paragraph.");
	CHECK(render_description(para, strlen(para), 12, &out) == 0);
	CHECK(out.len <= 12);
	CHECK(!strncmp(out.data, "The", 3));
	CHECK(render_description("", 0, 0, &out) == 0);
	CHECK(out.len == 0);
	buf_release(&out);
}

int main(void)
{
	char *copy;

	log_set_level(LOG_LEVEL_ERROR);
	aiwg_root = tmp_examples("aiwg");
	flat_root = tmp_examples("flat");
	tmp = tmp_dir("render");
	CHECK(tmp != NULL);
	if (!tmp)
		return check_done();
	copy = path_join(tmp, "aiwg-copy");
	CHECK(copy && mkdir(copy, 0755) == 0);
	CHECK(tmp_copy_tree(aiwg_root, copy) == 0);

	test_renderers_known();
	test_dest_paths();
	test_model_shape();
	test_lookup();
	test_unknown_platform();
	test_claude_identity();
	test_references();
	for (int rw = 0; rw < 2; rw++) {
		test_copilot_agents(rw);
		test_copilot_prompts(rw);
		test_copilot_instructions(rw);
		test_skills(rw);
		test_index(rw);
	}
	test_skill_names();
	test_index_limit();
	test_description();
	test_long_description();
	test_invalid_utf8();
	test_cache_twins();
	for (int rw = 0; rw < 2; rw++) {
		test_cache_hits(copy, rw);
		test_cache_edits(copy, rw);
	}
	test_vanished(copy);

	CHECK(tmp_rm_tree(tmp) == 0);
	free(copy);
	free(tmp);
	free(aiwg_root);
	free(flat_root);
	return check_done();
}
