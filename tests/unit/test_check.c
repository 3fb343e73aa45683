/*
 * test_check.c - what `aiwgfs check` reports: the notes of the scan and of
 * the views, what reading each artifact's main file finds, the one-line
 * form of a finding, and the string helpers it escapes names with.
 *
 * Trees are built in a scratch folder; expectations are written out by
 * hand (lines counted in the text each test writes).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aiwgfs/check.h"
/* the assertions' header uses the same include guard as the module's */
#undef AIWGFS_CHECK_H
#include "check.h"
#include "fixture.h"
#include "tmptree.h"

static char *tmp;

static void test_str_escape(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "plain name.md", "plain name.md" },
		{ "a\nb", "a\\nb" },
		{ "\t\r\n", "\\t\\r\\n" },
		{ "back\\slash", "back\\\\slash" },
		{ "\x01\x1f", "\\x01\\x1f" },
		{ "del\x7f", "del\\x7f" },
		{ "\x1b[31mred", "\\x1b[31mred" },
		{ "caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80",
		  "caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80" },
		{ "lat\xE9n", "lat\\xe9n" },
		{ "\xFF\xFE", "\\xff\\xfe" },
		/* overlong, surrogate, past U+10FFFF, cut short */
		{ "\xC0\xAF", "\\xc0\\xaf" },
		{ "\xED\xA0\x80", "\\xed\\xa0\\x80" },
		{ "\xF4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" },
		{ "end\xE2\x82", "end\\xe2\\x82" },
		/* a bad lead byte does not swallow the good bytes after it */
		{ "\xE2x\xC3\xA9", "\\xe2x\xC3\xA9" },
		/* C1 controls (NEL here) are control characters too; the
		 * rest of Latin-1 stays as it is */
		{ "nel\xC2\x85", "nel\\u0085" },
		{ "\xC2\x80\xC2\x9F", "\\u0080\\u009f" },
		{ "\xC2\xA0nbsp \xC2\xA9", "\xC2\xA0nbsp \xC2\xA9" },
		/* every escape is a whole byte: the worst case grows fourfold
		 */
		{ "\x01\x02\x03\x04", "\\x01\\x02\\x03\\x04" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *out = str_escape(cases[i].in);

		CHECK_STR(out, cases[i].out);
		free(out);
	}
}

static void test_plain_name(void)
{
	static const char *const plain[] = {
		"",
		"name",
		"two words.md",
		"caf\xC3\xA9",
		"\xF0\x9F\x98\x80",
		"back\\slash",
		"~!@#$%^&*()[]{}'\";:,<>?|`",
		"\xC2\xA0",
		"\xC2\xBF\xC3\x80",
	};
	static const char *const odd[] = {
		"a\nb",	    "tab\there",    "\r",	   "\x01",
		"del\x7f",  "\x1b[0m",	    "lat\xE9",	   "\xFF",
		"\xC0\xAF", "\xED\xA0\x80", "end\xE2\x82", "nel\xC2\x85",
		"\xC2\x80", "\xC2\x9F",
	};

	for (size_t i = 0; i < ARRAY_SIZE(plain); i++) {
		CHECK(str_is_plain_name(plain[i]));
		if (!str_is_plain_name(plain[i]))
			fprintf(stderr, "  not plain: '%s'\n", plain[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(odd); i++) {
		char *e = str_escape(odd[i]);

		CHECK(!str_is_plain_name(odd[i]));
		if (str_is_plain_name(odd[i]))
			fprintf(stderr, "  plain: '%s'\n", e ? e : "?");
		free(e);
	}
}

static void test_finding_line(void)
{
	struct check_finding f = {
		.level = CHECK_PROBLEM,
		.file = "/src/agents/a.md",
		.line = 12,
		.message = "is not valid UTF-8",
	};
	char *s;

	s = check_finding_line(&f);
	CHECK_STR(s, "/src/agents/a.md:12: problem: is not valid UTF-8");
	free(s);

	f.level = CHECK_WARNING;
	f.line = 0;
	f.message = "is empty";
	s = check_finding_line(&f);
	CHECK_STR(s, "/src/agents/a.md: warning: is empty");
	free(s);

	/* a name or message cannot break the line or the terminal */
	f.level = CHECK_PROBLEM;
	f.file = "/src/agents/bad\nname\xFF.md";
	f.line = 1;
	f.message = "key 'x\ty' is \x1b[1mbold\x1b[0m \\ caf\xC3\xA9";
	s = check_finding_line(&f);
	CHECK_STR(s, "/src/agents/bad\\nname\\xff.md:1: problem: key "
		     "'x\\ty' is \\x1b[1mbold\\x1b[0m \\\\ caf\xC3\xA9");
	CHECK(s && !strchr(s, '\n') && !strchr(s, '\t') && !strchr(s, 0x1b));
	free(s);
}

/* Where a test does not find the finding it wants, the ones there are. */
static void print_report(const struct check_report *r)
{
	fprintf(stderr, "  %zu findings, %zu problems:\n", r->n, r->problems);
	for (size_t i = 0; i < r->n; i++) {
		char *line = check_finding_line(&r->v[i]);

		fprintf(stderr, "    %s\n", line ? line : "?");
		free(line);
	}
}

static size_t count_problems(const struct check_report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->v[i].level == CHECK_PROBLEM;
	return n;
}

/* How many findings are about root/rel. */
static size_t findings_about(const struct check_report *r, const char *root,
			     const char *rel)
{
	char *path = path_join(root, rel);
	size_t n = 0;

	for (size_t i = 0; path && i < r->n; i++)
		n += !strcmp(r->v[i].file, path);
	free(path);
	return n;
}

/*
 * A finding about root/rel at `level` and `line` whose message holds
 * `word`; listed all when there is none.
 */
static void check_finding(const struct check_report *r, const char *root,
			  const char *rel, enum check_level level, size_t line,
			  const char *word)
{
	char *path = path_join(root, rel);
	bool found = false;

	for (size_t i = 0; path && i < r->n && !found; i++)
		found = !strcmp(r->v[i].file, path) && r->v[i].level == level &&
			r->v[i].line == line && strstr(r->v[i].message, word);
	CHECK(found);
	if (!found) {
		fprintf(stderr, "  no %s about '%s' at line %zu with '%s'\n",
			level == CHECK_PROBLEM ? "problem" : "warning", rel,
			line, word);
		print_report(r);
	}
	free(path);
}

/* A model of the tree at `root` for `plats` (NULL: every platform). */
static int build_model(struct model *m, const char *root,
		       const char *const *plats)
{
	char *err = NULL;
	int rc = build(m, root, plats, false, &err);

	CHECK(rc == 0);
	if (rc)
		fprintf(stderr, "  building '%s': %s\n", root,
			err ? err : strerror(-rc));
	free(err);
	return rc;
}

static void test_check_notes(void)
{
	struct check_report r;
	struct source src;

	memset(&src, 0, sizeof(src));
	memset(&r, 0, sizeof(r));
	CHECK(check_notes(&src, &r) == 0);
	CHECK(r.n == 0 && r.problems == 0);

	CHECK(source_note(&src, "/s/agents/p.md", true, "is a FIFO") == 0);
	CHECK(source_note(&src, "/s/agents/a\nb.md", false, "odd name") == 0);
	CHECK(check_notes(&src, &r) == 0);
	CHECK(r.n == 2 && r.problems == 1);
	if (r.n == 2) {
		CHECK(r.v[0].level == CHECK_PROBLEM);
		CHECK_STR(r.v[0].file, "/s/agents/p.md");
		CHECK(r.v[0].line == 0);
		CHECK_STR(r.v[0].message, "is a FIFO");
		CHECK(r.v[1].level == CHECK_WARNING);
		CHECK_STR(r.v[1].file, "/s/agents/a\nb.md");
		CHECK(r.v[1].line == 0);
		CHECK_STR(r.v[1].message, "odd name");
	}
	/* a part adds to what the report holds */
	CHECK(check_notes(&src, &r) == 0);
	CHECK(r.n == 4 && r.problems == 2);
	check_report_release(&r);
	CHECK(r.n == 0 && r.v == NULL && r.problems == 0);
	source_release(&src);
}

/*
 * The source files of test_check_files() and how many findings each must
 * have (check_all_files() says which).
 */
#define SRC(rel, n, text)                                                      \
	{                                                                      \
		rel, n, text, sizeof(text) - 1                                 \
	}

static const struct {
	const char *rel;
	size_t findings;
	const char *text;
	size_t len;
} files[] = {
	SRC("agents/clean.md", 0,
	    "---\nname: clean\ndescription: Fine.\n---\nBody.\n"),
	SRC("agents/bin.md", 1, "---\nname: b\n---\nline 4\nx\0y\n"),
	SRC("agents/nul-first.md", 1, "\0abc\n"),
	SRC("agents/latin.md", 1, "---\nname: l\n---\n\ncaf\xE9\n"),
	SRC("agents/both.md", 1, "ok\n\xFF\n\0\n"),
	SRC("agents/empty.md", 1, ""),
	SRC("agents/unclosed.md", 1, "---\nname: u\ndescription: d\nBody\n"),
	SRC("agents/repeated.md", 1,
	    "---\nname: r\ndescription: d\nname: again\n---\nBody\n"),
	SRC("agents/aliased.md", 1,
	    "---\nname: &n a\n\nalias: *n\n---\nBody\n"),
	SRC("commands/multi.md", 2, "---\nx: &v 1\ny: *v\nx: 2\n---\nBody\n"),
	SRC("commands/lenient.md", 1,
	    "---\nname: n\nd: \"a \"b\" c\"\n---\nB\n"),
	SRC("commands/crlf.md", 1,
	    "\xEF\xBB\xBF---\r\na: 1\r\n\r\na: 2\r\n---\r\n"),
	SRC("skills/s/SKILL.md", 1, "---\nname: s\n---\n\xC3\x28\n"),
	/* not a main file: never read */
	SRC("skills/s/ref.md", 0, "\0 not a main file\n"),
	SRC("rules/r.md", 1, "---\nname: r\n---\nok\nsurrogate \xED\xA0\x80\n"),
};

static void write_files(const char *root)
{
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		CHECK(tmp_write(root, files[i].rel, files[i].text,
				files[i].len) == 0);
	}
}

static void check_all_files(const struct check_report *r, const char *root)
{
	check_finding(r, root, "agents/bin.md", CHECK_PROBLEM, 5, "NUL");
	check_finding(r, root, "agents/nul-first.md", CHECK_PROBLEM, 1,
		      "binary");
	check_finding(r, root, "agents/latin.md", CHECK_PROBLEM, 5, "UTF-8");
	/* a NUL is what is said, where it is, even after bad UTF-8 */
	check_finding(r, root, "agents/both.md", CHECK_PROBLEM, 3, "binary");
	check_finding(r, root, "agents/empty.md", CHECK_WARNING, 0, "empty");
	check_finding(r, root, "agents/unclosed.md", CHECK_PROBLEM, 1,
		      "never closed");
	check_finding(r, root, "agents/repeated.md", CHECK_PROBLEM, 4,
		      "key 'name' is given again");
	check_finding(r, root, "agents/aliased.md", CHECK_PROBLEM, 4,
		      "key 'alias' uses a YAML alias");
	check_finding(r, root, "commands/multi.md", CHECK_PROBLEM, 4,
		      "key 'x' is given again");
	check_finding(r, root, "commands/multi.md", CHECK_PROBLEM, 3,
		      "key 'y' uses a YAML alias");
	check_finding(r, root, "commands/lenient.md", CHECK_WARNING, 3,
		      "not valid YAML");
	check_finding(r, root, "commands/crlf.md", CHECK_PROBLEM, 4,
		      "key 'a' is given again");
	check_finding(r, root, "skills/s/SKILL.md", CHECK_PROBLEM, 4, "UTF-8");
	check_finding(r, root, "rules/r.md", CHECK_PROBLEM, 5, "UTF-8");

	/* nothing more than that */
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		size_t n = findings_about(r, root, files[i].rel);

		CHECK(n == files[i].findings);
		if (n != files[i].findings)
			fprintf(stderr, "  %zu findings about '%s', want %zu\n",
				n, files[i].rel, files[i].findings);
	}
	CHECK(findings_about(r, root, "skills/s") == 0);
}

static void test_check_files(void)
{
	static const char *const claude[] = { "claude", NULL };
	char *root = path_join(tmp, "files");
	char *bin = path_join(root, "agents/bin.md");
	char *skill = path_join(root, "skills/s/SKILL.md");
	char *skill_dir = path_join(root, "skills/s");
	char *missing = path_join(root, "agents/missing.md");
	char *clean = path_join(root, "agents/clean.md");
	struct check_report r;
	struct model m;

	write_files(root);
	if (build_model(&m, root, claude))
		goto out;
	CHECK(m.src.nartifacts == 14);
	CHECK(m.src.nnotes == 0);

	memset(&r, 0, sizeof(r));
	CHECK(check_files(&m, NULL, 0, &r) == 0);
	check_all_files(&r, root);
	CHECK(r.n == 14);
	CHECK(r.problems == 12);
	CHECK(r.problems == count_problems(&r));
	if (r.n != 14)
		print_report(&r);
	check_report_release(&r);

	/* check_run says the same, nothing more for this tree */
	CHECK(check_run(&m, &r) == 0);
	check_all_files(&r, root);
	CHECK(r.n == 14 && r.problems == 12);
	check_report_release(&r);

	/* only the files asked for; a skill is asked for by its SKILL.md */
	{
		const char *const paths[] = { bin, skill, missing };

		CHECK(check_files(&m, paths, ARRAY_SIZE(paths), &r) == 0);
		CHECK(r.n == 2 && r.problems == 2);
		check_finding(&r, root, "agents/bin.md", CHECK_PROBLEM, 5,
			      "NUL");
		check_finding(&r, root, "skills/s/SKILL.md", CHECK_PROBLEM, 4,
			      "UTF-8");
		check_report_release(&r);
	}
	{
		const char *const paths[] = { skill_dir, clean };

		CHECK(check_files(&m, paths, ARRAY_SIZE(paths), &r) == 0);
		CHECK(r.n == 0 && r.problems == 0);
		check_report_release(&r);
		/* a list of none checks nothing */
		CHECK(check_files(&m, paths, 0, &r) == 0);
		CHECK(r.n == 0);
		check_report_release(&r);
	}

	/*
	 * Files that change after the scan: gone, or now a FIFO (which must
	 * not be opened: main() sets an alarm), or grown binary.
	 */
	CHECK(unlink(clean) == 0);
	CHECK(mkfifo(clean, 0644) == 0);
	CHECK(unlink(bin) == 0);
	{
		const char *const paths[] = { bin, clean };

		CHECK(check_files(&m, paths, ARRAY_SIZE(paths), &r) == 0);
		check_finding(&r, root, "agents/bin.md", CHECK_PROBLEM, 0,
			      "cannot be read");
		check_finding(&r, root, "agents/clean.md", CHECK_PROBLEM, 0,
			      "cannot be read");
		CHECK(r.n == 2 && r.problems == 2);
		check_report_release(&r);
	}
	model_release(&m);
out:
	free(root);
	free(bin);
	free(skill);
	free(skill_dir);
	free(missing);
	free(clean);
}

/* The notes of the scan come first, as problems or warnings. */
static void test_check_run_notes(void)
{
	static const char *const claude[] = { "claude", NULL };
	char *root = path_join(tmp, "run-notes");
	char *pipe = path_join(root, "agents/pipe.md");
	struct check_report r;
	struct model m;

	CHECK(tmp_write(root, "agents/a-bin.md", "x\0", 2) == 0);
	CHECK(tmp_write_str(root, "agents/odd\x01.md", "# Odd\n\nFine.\n") ==
	      0);
	CHECK(mkfifo(pipe, 0644) == 0);
	if (build_model(&m, root, claude))
		goto out;
	CHECK(m.src.nnotes == 2);
	CHECK(check_run(&m, &r) == 0);
	CHECK(r.n == 3);
	CHECK(r.problems == 2);
	if (r.n == 3) {
		/* the notes in the order found, then the files */
		CHECK(strstr(r.v[0].file, "/agents/") != NULL);
		CHECK(strstr(r.v[1].file, "/agents/") != NULL);
		CHECK(r.v[0].line == 0 && r.v[1].line == 0);
		CHECK(strstr(r.v[0].message, "FIFO") ||
		      strstr(r.v[1].message, "FIFO"));
		check_finding(&r, root, "agents/pipe.md", CHECK_PROBLEM, 0,
			      "FIFO");
		check_finding(&r, root, "agents/odd\x01.md", CHECK_WARNING, 0,
			      "control character");
		check_finding(&r, root, "agents/a-bin.md", CHECK_PROBLEM, 1,
			      "binary");
		CHECK(str_ends_with(r.v[2].file, "/agents/a-bin.md"));
	} else {
		print_report(&r);
	}
	/* the line printed for the odd name escapes it */
	for (size_t i = 0; i < r.n; i++) {
		char *line = check_finding_line(&r.v[i]);

		CHECK(line && !strchr(line, '\x01'));
		if (line && strstr(r.v[i].file, "odd"))
			CHECK(strstr(line, "/agents/odd\\x01.md: warning: "));
		free(line);
	}
	check_report_release(&r);
	model_release(&m);
out:
	free(root);
	free(pipe);
}

/* Whether `path` is root/rel. */
static bool path_is_below(const char *path, const char *root, const char *rel)
{
	char *want = path_join(root, rel);
	bool same = want && path && !strcmp(path, want);

	free(want);
	return same;
}

/* A name of `len` bytes of 'a', "agent-" first. */
static char *long_id(size_t len)
{
	char *s = malloc(len + 1);

	if (!s)
		return NULL;
	memset(s, 'a', len);
	memcpy(s, "agent-", 6);
	s[len] = '\0';
	return s;
}

/* The names of every file and folder below `n` fit in 255 bytes. */
static bool names_fit(const struct vnode *n)
{
	bool ok = strlen(n->name) <= 255;

	if (!ok)
		fprintf(stderr, "  name of %zu bytes at '%s'\n",
			strlen(n->name), n->path);
	for (size_t i = 0; i < n->nchildren; i++)
		ok &= names_fit(n->children[i]);
	return ok;
}

static bool model_names_fit(const struct model *m)
{
	bool ok = true;

	for (size_t i = 0; i < m->nviews; i++)
		ok &= names_fit(m->views[i].root);
	return ok;
}

/* Names too long for a view are left out of it and noted. */
static void test_long_names(void)
{
	static const char *const claude[] = { "claude", NULL };
	char *root = path_join(tmp, "long");
	char *id = long_id(247), *id2 = long_id(252);
	struct buf rel = BUF_INIT, vpath = BUF_INIT;
	const struct vnode *dir;
	const struct source_note *n;
	struct check_report r;
	struct model m;

	buf_addf(&rel, "agents/%s.md", id);
	CHECK(tmp_write_str(root, rel.data,
			    "---\nname: long\ndescription: Long.\n---\nB\n") ==
	      0);
	CHECK(tmp_write_str(root, "agents/short.md",
			    "---\nname: short\ndescription: S.\n---\nB\n") ==
	      0);
	if (build_model(&m, root, NULL))
		goto out;

	/* copilot's ".agent.md" makes 256 bytes; the others fit */
	CHECK(m.src.nnotes == 1);
	n = m.src.nnotes ? &m.src.notes[0] : NULL;
	CHECK(n && n->left_out);
	CHECK(n && path_is_below(n->path, root, rel.data));
	buf_addf(&vpath, ".github/agents/%s.agent.md", id);
	CHECK(n && strstr(n->reason, "too long for copilot"));
	CHECK(n && strstr(n->reason, vpath.data));
	CHECK(model_lookup(&m, vpath.data, NULL) == NULL);
	CHECK(model_lookup(&m, ".github/agents/short.agent.md", NULL) != NULL);
	dir = model_lookup(&m, ".github/agents", NULL);
	CHECK(dir && dir->nchildren == 1);
	buf_reset(&vpath);
	buf_addf(&vpath, ".claude/agents/%s.md", id);
	CHECK(model_lookup(&m, vpath.data, NULL) != NULL);
	buf_reset(&vpath);
	buf_addf(&vpath, ".codex/agents/%s.toml", id);
	CHECK(model_lookup(&m, vpath.data, NULL) != NULL);
	CHECK(model_names_fit(&m));

	/* check reports it, once, as a problem */
	CHECK(check_run(&m, &r) == 0);
	check_finding(&r, root, rel.data, CHECK_PROBLEM, 0, "copilot");
	CHECK(findings_about(&r, root, rel.data) == 1);
	check_report_release(&r);
	model_release(&m);

	/* a platform that has room: no note */
	if (build_model(&m, root, claude))
		goto out;
	CHECK(m.src.nnotes == 0);
	model_release(&m);

	/* 255 bytes in agents/: too long for copilot and codex both */
	CHECK(tmp_rm_tree(root) == 0);
	buf_reset(&rel);
	buf_addf(&rel, "agents/%s.md", id2);
	CHECK(tmp_write_str(root, rel.data, "# Long\n\nLonger.\n") == 0);
	if (build_model(&m, root, NULL))
		goto out;
	CHECK(m.src.nnotes == 2);
	for (size_t i = 0; i < m.src.nnotes; i++) {
		CHECK(path_is_below(m.src.notes[i].path, root, rel.data));
		CHECK(m.src.notes[i].left_out);
	}
	CHECK(m.src.nnotes == 2 &&
	      ((strstr(m.src.notes[0].reason, "too long for copilot") &&
		strstr(m.src.notes[1].reason, "too long for codex")) ||
	       (strstr(m.src.notes[0].reason, "too long for codex") &&
		strstr(m.src.notes[1].reason, "too long for copilot"))));
	buf_reset(&vpath);
	buf_addf(&vpath, ".codex/agents/%s.toml", id2);
	CHECK(model_lookup(&m, vpath.data, NULL) == NULL);
	buf_reset(&vpath);
	buf_addf(&vpath, ".claude/agents/%s.md", id2);
	CHECK(model_lookup(&m, vpath.data, NULL) != NULL);
	CHECK(model_names_fit(&m));
	model_release(&m);
out:
	buf_release(&rel);
	buf_release(&vpath);
	free(root);
	free(id);
	free(id2);
}

/*
 * A windsurf rule split into parts: "x.md" becomes "x-1.md" and so on.
 * With a 250-byte id every part's name is 255 bytes: all shown, no note.
 */
static void test_long_parts(void)
{
	static const char *const windsurf[] = { "windsurf", NULL };
	char *root = path_join(tmp, "long-parts");
	char *id = long_id(250);
	struct buf rel = BUF_INIT, text = BUF_INIT, vpath = BUF_INIT;
	const struct vnode *dir;
	struct model m;

	buf_addf(&rel, "rules/%s.md", id);
	buf_adds(&text, "# Long\n\n");
	while (text.len < 15000)
		buf_addf(&text, "A line of a section with no headings, %zu.\n",
			 text.len);
	CHECK(tmp_write_str(root, rel.data, text.data) == 0);
	if (build_model(&m, root, windsurf))
		goto out;
	CHECK(m.src.nnotes == 0);
	dir = model_lookup(&m, ".windsurf/rules", NULL);
	CHECK(dir && dir->nchildren == 3);
	for (unsigned k = 1; k <= 3; k++) {
		const struct vnode *n;

		buf_reset(&vpath);
		buf_addf(&vpath, ".windsurf/rules/%s-%u.md", id, k);
		n = model_lookup(&m, vpath.data, NULL);
		CHECK(n && n->part == k && strlen(n->name) == 255);
	}
	CHECK(model_names_fit(&m));
	model_release(&m);
out:
	buf_release(&rel);
	buf_release(&text);
	buf_release(&vpath);
	free(root);
	free(id);
}

/*
 * With a 251-byte id the part names would be 256 bytes: the rule is left
 * out of windsurf whole, with one note, rather than shown cut or with an
 * over-long first part.
 */
static void test_long_parts_left_out(void)
{
	static const char *const windsurf[] = { "windsurf", NULL };
	char *root = path_join(tmp, "long-parts-out");
	char *id = long_id(251);
	struct buf rel = BUF_INIT, text = BUF_INIT;
	const struct vnode *dir;
	struct model m;

	buf_addf(&rel, "rules/%s.md", id);
	buf_adds(&text, "# Long\n\n");
	while (text.len < 70000)
		buf_addf(&text, "A line of a section with no headings, %zu.\n",
			 text.len);
	CHECK(tmp_write_str(root, rel.data, text.data) == 0);
	CHECK(tmp_write_str(root, "rules/short.md", "# Short\n\nFits.\n") == 0);
	if (build_model(&m, root, windsurf))
		goto out;
	CHECK(m.src.nnotes == 1);
	CHECK(m.src.nnotes && m.src.notes[0].left_out &&
	      strstr(m.src.notes[0].reason, "parts") &&
	      strstr(m.src.notes[0].reason, "over 255 bytes"));
	dir = model_lookup(&m, ".windsurf/rules", NULL);
	CHECK(dir && dir->nchildren == 1);
	CHECK(model_lookup(&m, ".windsurf/rules/short.md", NULL) != NULL);
	CHECK(model_names_fit(&m));
	model_release(&m);
out:
	buf_release(&rel);
	buf_release(&text);
	free(root);
	free(id);
}

int main(void)
{
	tmp = tmp_dir("check");
	CHECK(tmp != NULL);
	if (!tmp)
		return check_done();
	/* opening a FIFO would hang: fail instead of waiting */
	alarm(60);
	test_long_parts_left_out();
	test_str_escape();
	test_plain_name();
	test_finding_line();
	test_check_notes();
	test_check_files();
	test_check_run_notes();
	test_long_names();
	test_long_parts();
	CHECK(tmp_rm_tree(tmp) == 0);
	free(tmp);
	return check_done();
}
