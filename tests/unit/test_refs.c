/*
 * test_refs.c - rewriting references outside code, byte for byte elsewhere.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/frontmatter.h"
#include "aiwgfs/refs.h"
#include "aiwgfs/util.h"
#include "check.h"
#include "tmptree.h"

#define PLAN "frameworks/x/templates/plan.md"

static char *root;
static int calls;

/* The view of a copilot-like layout; rules and the id "gone" it lacks. */
static char *view_path(void *arg, enum artifact_kind kind, const char *id,
		       const char *rest)
{
	struct buf b = BUF_INIT;

	calls++;
	if (!strcmp(id, "gone"))
		return NULL;
	switch (kind) {
	case ARTIFACT_AGENT:
		buf_addf(&b, ".github/agents/%s.agent.md", id);
		break;
	case ARTIFACT_COMMAND:
		buf_addf(&b, ".github/prompts/%s.prompt.md", id);
		break;
	case ARTIFACT_SKILL:
		buf_addf(&b, ".github/skills/%s%s%s", id, *rest ? "/" : "",
			 rest);
		break;
	default:
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/*
 * Rewrite a copy of `len` bytes of `s` without a NUL, so that reading past
 * the end shows up under AddressSanitizer. Returns a new string or NULL.
 */
static char *rewrite_n(const char *s, size_t len, size_t body_off,
		       bool with_view, size_t *out_len)
{
	struct refs_ctx ctx = {
		.source_root = root,
		.artifact_path = with_view ? view_path : NULL,
	};
	struct buf out = BUF_INIT;
	char *copy = malloc(len ? len : 1);
	int rc;

	if (!copy)
		return NULL;
	memcpy(copy, s, len);
	rc = refs_rewrite(copy, len, body_off, &ctx, &out);
	free(copy);
	if (rc) {
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out, out_len);
}

static char *rewrite(const char *s)
{
	return rewrite_n(s, strlen(s), 0, true, NULL);
}

/* `fmt` with every "%s" the source root. */
static char *expect(const char *fmt)
{
	struct buf b = BUF_INIT;
	const char *p;

	for (p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] == 's') {
			buf_adds(&b, root);
			p++;
		} else {
			buf_addch(&b, *p);
		}
	}
	return buf_detach(&b, NULL);
}

/* Rewriting `in` gives `want` (with "%s" for the root). */
static void check_rewrite(const char *in, const char *want, int line)
{
	char *got = rewrite(in), *exp = expect(want);

	if (!got || strcmp(got, exp))
		fprintf(stderr, "test_refs.c:%d: mismatch for input\n%s\n",
			line, in);
	CHECK_STR(got, exp);
	free(got);
	free(exp);
}

#define SAME(in)	 check_rewrite(in, in, __LINE__)
#define BECOMES(in, out) check_rewrite(in, out, __LINE__)

static void test_prose(void)
{
	BECOMES("See @agentic/code/" PLAN " now.\n",
		"See @%s/agentic/code/" PLAN " now.\n");
	BECOMES("@agentic/code/" PLAN, "@%s/agentic/code/" PLAN);
	/* a folder is a target too */
	BECOMES("In @agentic/code/frameworks/x/templates/ and "
		"@agentic/code/frameworks/x\n",
		"In @%s/agentic/code/frameworks/x/templates/ and "
		"@%s/agentic/code/frameworks/x\n");
	BECOMES("# Head @agentic/code/" PLAN "\n\n* item @agentic/code/" PLAN
		"\n",
		"# Head @%s/agentic/code/" PLAN
		"\n\n* item @%s/agentic/code/" PLAN "\n");
	BECOMES("A [link](@agentic/code/" PLAN ") and\n\n"
		"[def]: @agentic/code/" PLAN "\n",
		"A [link](@%s/agentic/code/" PLAN ") and\n\n"
		"[def]: @%s/agentic/code/" PLAN "\n");
	BECOMES("| a | @agentic/code/" PLAN " |\n|---|---|\n",
		"| a | @%s/agentic/code/" PLAN " |\n|---|---|\n");
}

static void test_code(void)
{
	SAME("Use `@agentic/code/" PLAN "` here.\n");
	SAME("Use ``x @agentic/code/" PLAN " y`` here.\n");
	SAME("```\n@agentic/code/" PLAN "\n```\n");
	SAME("~~~\n@agentic/code/" PLAN "\n~~~\n");
	SAME("````md\nx\n```\n@agentic/code/" PLAN "\n````\n");
	SAME("Para.\n\n    @agentic/code/" PLAN "\n    more\n");
	SAME("  - item\n\n        @agentic/code/" PLAN "\n");
	/* unclosed: the block runs to the end */
	SAME("```\n@agentic/code/" PLAN "\n");
	SAME("> ```\n> @agentic/code/" PLAN "\n> ```\n");
	SAME("1. step\n\n   ```\n   @agentic/code/" PLAN "\n   ```\n");
}

/* The fence lines themselves are never reported as text by md4c. */
static void test_fence_lines(void)
{
	SAME("```@agentic/code/" PLAN "\ncode\n```\n");
	SAME("``` sh @agentic/code/" PLAN "\n\n\ncode\n\n```\n");
	SAME("~~~ @agentic/code/" PLAN "\n~~~\n");
	SAME("Text\n\n```js title=@agentic/code/" PLAN "\n```\n");
	SAME("```a &amp; @agentic/code/" PLAN "\n```\n");
	BECOMES("x @agentic/code/" PLAN "\n\n```sh @agentic/code/" PLAN
		"\n@agentic/code/" PLAN "\n```\n\n@agentic/code/" PLAN "\n",
		"x @%s/agentic/code/" PLAN "\n\n```sh @agentic/code/" PLAN
		"\n@agentic/code/" PLAN "\n```\n\n@%s/agentic/code/" PLAN "\n");
	BECOMES("```\na\n```\n[d]: @agentic/code/" PLAN "\n```\nb\n```\n",
		"```\na\n```\n[d]: @%s/agentic/code/" PLAN "\n```\nb\n```\n");
	/* a link definition between the text and the fence still counts */
	BECOMES("x\n\n[d]: @agentic/code/" PLAN "\n```\n```\n~~~\n~~~\n"
		"@agentic/code/" PLAN "\n",
		"x\n\n[d]: @%s/agentic/code/" PLAN "\n```\n```\n~~~\n~~~\n"
		"@%s/agentic/code/" PLAN "\n");
}

static void test_html(void)
{
	SAME("<div>\n@agentic/code/" PLAN "\n</div>\n");
	SAME("<!-- @agentic/code/" PLAN " -->\n");
	BECOMES("A <a href=\"@agentic/code/" PLAN "\">x</a> "
		"@agentic/code/" PLAN "\n",
		"A <a href=\"@agentic/code/" PLAN "\">x</a> "
		"@%s/agentic/code/" PLAN "\n");
}

static void test_boundaries(void)
{
	SAME("See @agentic/code/frameworks/x/templates/none.md now.\n");
	SAME("See @agentic/code/ and @agentic/code/x\n");
	SAME("mail foo@agentic/code/" PLAN " x$AIWG_ROOT/" PLAN "\n");
	SAME("a/@agentic/code/" PLAN " \\@agentic/code/" PLAN "\n");
	/* no way out of SOURCE */
	SAME("@agentic/code/../code/" PLAN " $AIWG_ROOT/../x\n");
	SAME("@agentic/code/" PLAN "#top @agentic/code/" PLAN "x\n");
	BECOMES("(@agentic/code/" PLAN ").\n",
		"(@%s/agentic/code/" PLAN ").\n");
	BECOMES("@agentic/code/" PLAN ", @agentic/code/" PLAN ":\n"
		"@agentic/code/" PLAN "?! [@agentic/code/" PLAN "]\n"
		"\"@agentic/code/" PLAN "\"; '@agentic/code/" PLAN "'...\n",
		"@%s/agentic/code/" PLAN ", @%s/agentic/code/" PLAN ":\n"
		"@%s/agentic/code/" PLAN "?! [@%s/agentic/code/" PLAN "]\n"
		"\"@%s/agentic/code/" PLAN "\"; '@%s/agentic/code/" PLAN
		"'...\n");
	BECOMES("x @agentic/code/" PLAN "<br>\n",
		"x @%s/agentic/code/" PLAN "<br>\n");
}

static void test_root_forms(void)
{
	BECOMES("At $AIWG_ROOT/agentic/code/" PLAN ".\n",
		"At %s/agentic/code/" PLAN ".\n");
	BECOMES("At {AIWG_ROOT}/agentic/code/" PLAN " and "
		"${AIWG_ROOT}/agentic/code/frameworks\n",
		"At %s/agentic/code/" PLAN " and %s/agentic/code/frameworks\n");
	BECOMES("Read ~/.local/share/ai-writing-guide/agentic/code/" PLAN "\n",
		"Read %s/agentic/code/" PLAN "\n");
	SAME("$AIWG_ROOT/nothing {AIWG_ROOT}/no ~/.local/share/"
	     "ai-writing-guide/no $AIWG_ROOT/\n");
	SAME("`$AIWG_ROOT/agentic/code/" PLAN "`\n");
}

static void test_claude(void)
{
	struct refs_ctx ctx = { .source_root = root };
	const char *s = "@.claude/agents/a.md\n";
	struct buf out = BUF_INIT;

	BECOMES("Ask @.claude/agents/test-engineer.md; then "
		"(@.claude/commands/flow.md).\n",
		"Ask @.github/agents/test-engineer.agent.md; then "
		"(@.github/prompts/flow.prompt.md).\n");
	BECOMES("@.claude/skills/pdf @.claude/skills/pdf/SKILL.md "
		"@.claude/skills/pdf/a/b.txt\n",
		"@.github/skills/pdf @.github/skills/pdf/SKILL.md "
		"@.github/skills/pdf/a/b.txt\n");
	calls = 0;
	SAME("@.claude/rules/r.md @.claude/agents/gone.md "
	     "@.claude/skills/gone\n");
	CHECK(calls == 3);
	calls = 0;
	SAME("@.claude/agents/x @.claude/agents/a/b.md @.claude/agents/.md "
	     "@.claude/other/x.md @.claude/skills/ @.claude/agents\n");
	SAME("`@.claude/agents/a.md`\n\n```\n@.claude/agents/a.md\n```\n");
	CHECK(calls == 0);

	/* no callback: nothing of the kind changes */
	CHECK(refs_rewrite(s, strlen(s), 0, &ctx, &out) == 0);
	CHECK_STR(out.data, s);
	buf_reset(&out);

	/* no root: only the artifact references change */
	ctx.source_root = NULL;
	ctx.artifact_path = view_path;
	s = "@agentic/code/" PLAN " @.claude/agents/a.md\n";
	CHECK(refs_rewrite(s, strlen(s), 0, &ctx, &out) == 0);
	CHECK_STR(out.data,
		  "@agentic/code/" PLAN " @.github/agents/a.agent.md\n");
	buf_release(&out);
}

static void test_frontmatter(void)
{
	const char *s = "---\nsee: @agentic/code/" PLAN "\nx: $AIWG_ROOT/" PLAN
			"\n---\nBody @agentic/code/" PLAN "\n";
	char *want =
		expect("---\nsee: @agentic/code/" PLAN "\nx: $AIWG_ROOT/" PLAN
		       "\n---\nBody @%s/agentic/code/" PLAN "\n");
	size_t off = fm_body_offset(s, strlen(s));
	char *got = rewrite_n(s, strlen(s), off, true, NULL);

	CHECK(off == (size_t)(strstr(s, "Body") - s));
	CHECK_STR(got, want);
	free(got);
	/* a body offset past the end is the end */
	got = rewrite_n(s, strlen(s), strlen(s) + 5, true, NULL);
	CHECK_STR(got, s);
	free(got);
	free(want);
}

static void test_lines(void)
{
	BECOMES("@agentic/code/" PLAN " @agentic/code/" PLAN
		" `@agentic/code/" PLAN "` @agentic/code/" PLAN "\n",
		"@%s/agentic/code/" PLAN " @%s/agentic/code/" PLAN
		" `@agentic/code/" PLAN "` @%s/agentic/code/" PLAN "\n");
	BECOMES("x\r\n@agentic/code/" PLAN "\r\n\r\n```\r\n@agentic/code/" PLAN
		"\r\n```\r\nend @agentic/code/" PLAN "\r\n",
		"x\r\n@%s/agentic/code/" PLAN
		"\r\n\r\n```\r\n@agentic/code/" PLAN
		"\r\n```\r\nend @%s/agentic/code/" PLAN "\r\n");
	SAME("```sh @agentic/code/" PLAN "\r\n```\r\n");
}

static void test_unchanged(void)
{
	SAME("");
	SAME("# Title\n\nNothing to see: agentic code, AIWG, @.claude.\n");
	SAME("Almost: agentic/code/" PLAN " AIWG_ROOT ai-writing-guide\n");
	SAME("@.claude/\n@agentic/code/\n$AIWG_ROOT\n");
}

/* Bytes that are mostly noise, with reference-like pieces thrown in. */
static void make_garbage(struct buf *b, unsigned seed, size_t n)
{
	static const char *const bits[] = {
		("@agentic/code/" PLAN),
		"$AIWG_ROOT/",
		"```",
		"~~~",
		"\n",
		"    ",
		"`",
		"<div>",
		"@.claude/skills/",
		"&amp;",
		"\r\n",
		"[x](",
		"> ",
		"- ",
		"\\",
	};
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		if ((seed >> 16) % 4 == 0)
			buf_adds(b, bits[(seed >> 8) % ARRAY_SIZE(bits)]);
		else
			buf_addch(b, (char)(seed >> 16));
	}
}

/* Every byte outside the rewritten references is the input's. */
static void check_reversible(const char *in, size_t len)
{
	struct buf back = BUF_INIT;
	char *prefix = expect("@%s/agentic/code/");
	size_t plen = strlen(prefix), out_len = 0, i;
	char *out = rewrite_n(in, len, 0, false, &out_len);

	CHECK(out != NULL);
	if (!out)
		goto done;
	for (i = 0; i < out_len; i++) {
		if (out_len - i >= plen && !memcmp(out + i, prefix, plen)) {
			buf_adds(&back, "@agentic/code/");
			i += plen - 1;
		} else {
			buf_addch(&back, out[i]);
		}
	}
	CHECK(back.len == len && !memcmp(back.data, in, len));
done:
	buf_release(&back);
	free(prefix);
	free(out);
}

static void test_garbage(void)
{
	struct buf b = BUF_INIT;
	unsigned seed;

	for (seed = 1; seed <= 200; seed++) {
		buf_reset(&b);
		make_garbage(&b, seed, 2000);
		check_reversible(b.data, b.len);
	}
	buf_reset(&b);
	buf_add(&b, "x @agentic/code/" PLAN "\0@agentic/code/" PLAN "\0z",
		2 * strlen("@agentic/code/" PLAN) + 5);
	check_reversible(b.data, b.len);
	buf_release(&b);
}

/* A whole document: everything but the prose references stays. */
static void test_document(void)
{
	const char *doc =
		"# Plan @agentic/code/" PLAN "\n\n"
		"Text (@agentic/code/" PLAN "), `@agentic/code/" PLAN "`.\n\n"
		"```md @agentic/code/" PLAN "\n@agentic/code/" PLAN "\n```\n\n"
		"    @agentic/code/" PLAN "\n\n"
		"<p>@agentic/code/" PLAN "</p>\n\n"
		"> quote @agentic/code/" PLAN ".\n";
	char *out = rewrite(doc);
	size_t n = 0;
	const char *p;

	for (p = out; p && (p = strstr(p, root)); p++)
		n++;
	CHECK(n == 3);
	check_reversible(doc, strlen(doc));
	free(out);
}

static void test_example(const char *aiwg)
{
	char *file = path_join(aiwg, "agentic/code/frameworks/sdlc-complete/"
				     "commands/flow/flow-gate-check.md");
	struct refs_ctx ctx = { .source_root = aiwg };
	struct buf in = BUF_INIT, out = BUF_INIT, want = BUF_INIT;
	size_t off;

	CHECK(file && buf_read_file(&in, AT_FDCWD, file, 1 << 20) == 0);
	off = fm_body_offset(in.data, in.len);
	CHECK(off > 0);
	CHECK(refs_rewrite(in.data, in.len, off, &ctx, &out) == 0);
	buf_addf(&want,
		 "   @%s/agentic/code/frameworks/sdlc-complete/docs/"
		 "phase-overview.md.\n",
		 aiwg);
	CHECK(strstr(out.data, want.data) != NULL);
	CHECK(strstr(out.data,
		     "```markdown\nExpected structure: @agentic/code/frameworks/"
		     "sdlc-complete/templates/test-plan.md\n"
		     "Owner: @.claude/agents/test-engineer.md\n```\n") != NULL);
	CHECK(!memcmp(out.data, in.data, off));
	CHECK(out.len == in.len + strlen(aiwg) + 1);
	buf_release(&in);
	buf_release(&out);
	buf_release(&want);
	free(file);
}

int main(void)
{
	/* first, so that a missing examples folder leaves nothing behind */
	char *aiwg = tmp_examples("aiwg");

	root = tmp_dir("refs");
	CHECK(root != NULL);
	if (!root) {
		free(aiwg);
		return check_done();
	}
	CHECK(tmp_write_str(root, "agentic/code/" PLAN, "# Plan\n") == 0);
	CHECK(tmp_write_str(root, "agentic/code/addons/y/docs/z.md", "z\n") ==
	      0);

	test_prose();
	test_code();
	test_fence_lines();
	test_html();
	test_boundaries();
	test_root_forms();
	test_claude();
	test_frontmatter();
	test_lines();
	test_unchanged();
	test_garbage();
	test_document();
	test_example(aiwg);

	CHECK(tmp_rm_tree(root) == 0);
	free(root);
	free(aiwg);
	return check_done();
}
