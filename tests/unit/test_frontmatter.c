/*
 * test_frontmatter.c - finding, reading and writing frontmatter.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/frontmatter.h"
#include "check.h"

/*
 * Parse a copy of `s` without its NUL, so that reading past the end shows
 * up under AddressSanitizer.
 */
static int parse(struct frontmatter *fm, const char *s)
{
	size_t len = strlen(s);
	char *copy = malloc(len ? len : 1);
	int rc;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, s, len);
	rc = fm_parse(fm, copy, len);
	free(copy);
	return rc;
}

static void test_absent(void)
{
	struct frontmatter fm;

	CHECK(parse(&fm, "# Title\n\nBody.\n") == 0);
	CHECK(!fm.present);
	CHECK(fm.nfields == 0 && fm.raw_len == 0 && fm.body_off == 0);
	CHECK(fm_get(&fm, "name") == NULL);
	fm_release(&fm);

	CHECK(parse(&fm, "") == 0);
	CHECK(!fm.present && fm.body_off == 0);
	fm_release(&fm);

	/* the opening line must be the first line, and exactly "---" */
	CHECK(parse(&fm, "\n---\nname: x\n---\n") == 0);
	CHECK(!fm.present);
	fm_release(&fm);
	CHECK(parse(&fm, "--- \nname: x\n---\n") == 0);
	CHECK(!fm.present);
	fm_release(&fm);
	CHECK(parse(&fm, "----\nname: x\n---\n") == 0);
	CHECK(!fm.present);
	fm_release(&fm);
	CHECK(parse(&fm, "---") == 0);
	CHECK(!fm.present);
	fm_release(&fm);
}

static void test_offsets(void)
{
	const char *s = "---\nname: x\n---\nBody\n";
	struct frontmatter fm;

	CHECK(parse(&fm, s) == 0);
	CHECK(fm.present && !fm.lenient && fm.error == NULL);
	CHECK(fm.raw_off == 4 && fm.raw_len == 8);
	CHECK(!memcmp(s + fm.raw_off, "name: x\n", 8));
	CHECK_STR(s + fm.body_off, "Body\n");
	CHECK_STR(fm_get_str(&fm, "name"), "x");
	fm_release(&fm);

	/* a closing line at the very end, with no line end */
	CHECK(parse(&fm, "---\nname: x\n---") == 0);
	CHECK(fm.present && fm.body_off == 15);
	CHECK_STR(fm_get_str(&fm, "name"), "x");
	fm_release(&fm);

	/* "--- " and "----" do not close it; the next "---" does */
	s = "---\na: 1\n--- \n----\n---\nrest";
	CHECK(parse(&fm, s) == 0);
	CHECK(fm.present);
	CHECK_STR(s + fm.body_off, "rest");
	fm_release(&fm);
}

static void test_bom_crlf(void)
{
	const char *s = "\xEF\xBB\xBF---\nname: x\n---\nBody";
	struct frontmatter fm;

	CHECK(parse(&fm, s) == 0);
	CHECK(fm.present && fm.raw_off == 7);
	CHECK_STR(s + fm.body_off, "Body");
	CHECK_STR(fm_get_str(&fm, "name"), "x");
	fm_release(&fm);

	CHECK(parse(&fm, "\xEF\xBB\xBFNo frontmatter") == 0);
	CHECK(!fm.present && fm.body_off == 3);
	fm_release(&fm);

	s = "---\r\nname: x\r\ntools: [a, b]\r\n---\r\nBody\r\n";
	CHECK(parse(&fm, s) == 0);
	CHECK(fm.present && !fm.lenient);
	CHECK_STR(fm_get_str(&fm, "name"), "x");
	CHECK(fm_get(&fm, "tools") && fm_get(&fm, "tools")->nitems == 2);
	CHECK_STR(s + fm.body_off, "Body\r\n");
	fm_release(&fm);

	/* CRLF also in a file that needs the lenient reader */
	s = "---\r\nd: \"a \"b\" c\"\r\nm: x\r\n---\r\n";
	CHECK(parse(&fm, s) == 0);
	CHECK(fm.lenient);
	CHECK_STR(fm_get_str(&fm, "d"), "a \"b\" c");
	CHECK_STR(fm_get_str(&fm, "m"), "x");
	fm_release(&fm);
}

static void test_unclosed_empty(void)
{
	struct frontmatter fm;

	CHECK(parse(&fm, "---\nname: x\nBody\n") == 0);
	CHECK(!fm.present && fm.nfields == 0 && fm.body_off == 0);
	CHECK(fm.raw_len == 0);
	fm_release(&fm);

	CHECK(parse(&fm, "\xEF\xBB\xBF---\nname: x\n") == 0);
	CHECK(!fm.present && fm.body_off == 3);
	fm_release(&fm);

	CHECK(parse(&fm, "---\n---\nBody") == 0);
	CHECK(fm.present && !fm.lenient && fm.nfields == 0);
	CHECK(fm.raw_off == 4 && fm.raw_len == 0 && fm.body_off == 8);
	fm_release(&fm);

	CHECK(parse(&fm, "---\n# only a comment\n\n---\n") == 0);
	CHECK(fm.present && !fm.lenient && fm.nfields == 0);
	fm_release(&fm);
}

static void test_values(void)
{
	struct frontmatter fm;
	const struct fm_field *f;

	CHECK(parse(&fm, "---\n"
			 "name: Test Engineer\n"
			 "empty:\n"
			 "tilde: ~\n"
			 "quoted: 'null'\n"
			 "num: 3\n"
			 "nested:\n  a: 1\n"
			 "deep: [[a], b]\n"
			 "multi: \"a\\nb\"\n"
			 "---\n") == 0);
	CHECK(!fm.lenient && fm.nfields == 8);
	CHECK_STR(fm.fields[0].key, "name");
	CHECK_STR(fm_get_str(&fm, "name"), "Test Engineer");
	CHECK_STR(fm_get_str(&fm, "empty"), "");
	CHECK_STR(fm_get_str(&fm, "tilde"), "");
	CHECK_STR(fm_get_str(&fm, "quoted"), "null");
	CHECK_STR(fm_get_str(&fm, "num"), "3");
	CHECK_STR(fm_get_str(&fm, "multi"), "a\nb");
	f = fm_get(&fm, "nested");
	CHECK(f && f->type == FM_OTHER && !f->value && !f->items);
	CHECK(fm_get_str(&fm, "nested") == NULL);
	f = fm_get(&fm, "deep");
	CHECK(f && f->type == FM_OTHER);
	CHECK(fm_get(&fm, "a") == NULL);
	fm_release(&fm);
}

static void test_lists(void)
{
	struct frontmatter fm;
	const struct fm_field *f;
	char **list;

	CHECK(parse(&fm, "---\n"
			 "tools:\n  - read\n  - 'edit, write'\n"
			 "flow: [a, \"b c\"]\n"
			 "none: []\n"
			 "csv: Read,  Write , ,Bash,\n"
			 "blank: ''\n"
			 "other:\n  k: v\n"
			 "---\n") == 0);
	CHECK(!fm.lenient);
	f = fm_get(&fm, "tools");
	CHECK(f && f->type == FM_LIST && f->nitems == 2 && !f->value);
	CHECK(f && f->items[2] == NULL);
	CHECK_STR(f ? f->items[1] : NULL, "edit, write");

	/* a YAML list is taken as it is, commas and all */
	CHECK(fm_get_list(&fm, "tools", &list) == 2);
	CHECK_STR(list[0], "read");
	CHECK_STR(list[1], "edit, write");
	CHECK(list[2] == NULL);
	fm_list_free(list);

	CHECK(fm_get_list(&fm, "flow", &list) == 2);
	CHECK_STR(list[1], "b c");
	fm_list_free(list);

	f = fm_get(&fm, "none");
	CHECK(f && f->type == FM_LIST && f->nitems == 0 && f->items);
	CHECK(fm_get_list(&fm, "none", &list) == 0 && list == NULL);

	CHECK(fm_get_list(&fm, "csv", &list) == 3);
	CHECK_STR(list[0], "Read");
	CHECK_STR(list[1], "Write");
	CHECK_STR(list[2], "Bash");
	CHECK(list[3] == NULL);
	fm_list_free(list);

	list = (char **)&fm;
	CHECK(fm_get_list(&fm, "blank", &list) == 0 && list == NULL);
	list = (char **)&fm;
	CHECK(fm_get_list(&fm, "missing", &list) == 0 && list == NULL);
	list = (char **)&fm;
	CHECK(fm_get_list(&fm, "other", &list) == 0 && list == NULL);
	fm_list_free(NULL);
	fm_release(&fm);
}

static void test_bool_dup(void)
{
	struct frontmatter fm;

	CHECK(parse(&fm, "---\n"
			 "a: Yes\nb: TRUE\nc: on\nd: off\ne: 'true'\n"
			 "f: truthy\ng: [true]\n"
			 "name: first\nname: second\n"
			 "\"nu\\0l\": 1\n\"nu\\0ll\": 2\n"
			 "---\n") == 0);
	CHECK(!fm.lenient);
	CHECK(fm_get_bool(&fm, "a"));
	CHECK(fm_get_bool(&fm, "b"));
	CHECK(fm_get_bool(&fm, "c"));
	CHECK(!fm_get_bool(&fm, "d"));
	CHECK(fm_get_bool(&fm, "e"));
	CHECK(!fm_get_bool(&fm, "f"));
	CHECK(!fm_get_bool(&fm, "g"));
	CHECK(!fm_get_bool(&fm, "missing"));
	CHECK_STR(fm_get_str(&fm, "name"), "first");
	/* keys end at an escaped NUL, so these two are the same key */
	CHECK_STR(fm_get_str(&fm, "nu"), "1");
	CHECK(fm.nfields == 9);
	fm_release(&fm);
}

/* Frontmatter from real trees that libyaml refuses. */
static void test_lenient(void)
{
	struct frontmatter fm;
	char **list;

	CHECK(parse(&fm, "---\n"
			 "name: test\n"
			 "description: \"He said \"hi\" to me\"\n"
			 "model: sonnet\n"
			 "---\nBody\n") == 0);
	CHECK(fm.present && fm.lenient);
	CHECK(fm.error && *fm.error);
	CHECK(fm.error_line == 3);
	CHECK_STR(fm_get_str(&fm, "name"), "test");
	CHECK_STR(fm_get_str(&fm, "description"), "He said \"hi\" to me");
	CHECK_STR(fm_get_str(&fm, "model"), "sonnet");
	fm_release(&fm);

	CHECK(parse(&fm, "---\nname: x\ntools: [a] [b]\n---\n") == 0);
	CHECK(fm.lenient && fm.error_line == 3);
	CHECK_STR(fm_get_str(&fm, "tools"), "[a] [b]");
	fm_release(&fm);

	CHECK(parse(&fm, "---\ndescription: \"quoted\" and more\n"
			 "tools: Read, Grep\n---\n") == 0);
	CHECK(fm.lenient && fm.error_line == 2);
	CHECK_STR(fm_get_str(&fm, "description"), "\"quoted\" and more");
	CHECK(fm_get_list(&fm, "tools", &list) == 2);
	CHECK_STR(list[1], "Grep");
	fm_list_free(list);
	fm_release(&fm);
}

static void test_lenient_shapes(void)
{
	struct frontmatter fm;
	const struct fm_field *f;

	CHECK(parse(&fm, "---\n"
			 "bad: \"x\" y\n"
			 "tools:\n  - read\n  - 'edit'\n\n- \"write\"\n"
			 "flow: [a, 'b, c', \"d\", , it's]\n"
			 "bad: second\n"
			 "  indented: ignored\n"
			 "sq: 'it''s'\n"
			 "esc: \"say \\\"hi\\\"\"\n"
			 "tilde: ~\n"
			 "empty:\n"
			 "map:\n  k: v\n  j: w\n"
			 "lit: |\n  one\n    two\n\n  three\n\n"
			 "fold: >-\n  one\n  two\n"
			 "# comment: ignored\n"
			 "url:http://x\n"
			 "last: v\n"
			 "---\n") == 0);
	CHECK(fm.lenient);
	CHECK_STR(fm_get_str(&fm, "bad"), "\"x\" y");
	f = fm_get(&fm, "tools");
	CHECK(f && f->type == FM_LIST && f->nitems == 3);
	CHECK_STR(f ? f->items[1] : NULL, "edit");
	CHECK_STR(f ? f->items[2] : NULL, "write");
	f = fm_get(&fm, "flow");
	CHECK(f && f->type == FM_LIST && f->nitems == 4);
	CHECK_STR(f ? f->items[1] : NULL, "b, c");
	CHECK_STR(f ? f->items[2] : NULL, "d");
	CHECK_STR(f ? f->items[3] : NULL, "it's");
	CHECK_STR(fm_get_str(&fm, "sq"), "it's");
	CHECK_STR(fm_get_str(&fm, "esc"), "say \"hi\"");
	CHECK_STR(fm_get_str(&fm, "tilde"), "");
	CHECK_STR(fm_get_str(&fm, "empty"), "");
	f = fm_get(&fm, "map");
	CHECK(f && f->type == FM_OTHER);
	CHECK(fm_get(&fm, "k") == NULL);
	CHECK_STR(fm_get_str(&fm, "lit"), "one\n  two\n\nthree");
	CHECK_STR(fm_get_str(&fm, "fold"), "one two");
	CHECK(fm_get(&fm, "indented") == NULL);
	CHECK(fm_get(&fm, "url") == NULL);
	CHECK_STR(fm_get_str(&fm, "last"), "v");
	CHECK(fm.nfields == 11);
	fm_release(&fm);
}

static void test_error_line(void)
{
	struct frontmatter fm;

	/* line 6 of the file; a byte order mark adds no line */
	CHECK(parse(&fm, "\xEF\xBB\xBF---\n"
			 "name: x\n"
			 "model: y\n"
			 "\n"
			 "tools: [a] [b]\n"
			 "description: d\n"
			 "---\n") == 0);
	CHECK(fm.lenient);
	CHECK(fm.error_line == 5);
	CHECK_STR(fm_get_str(&fm, "description"), "d");
	fm_release(&fm);

	/* a control character: libyaml's reader reports an offset, not a line
	 */
	CHECK(parse(&fm, "---\na: 1\nb: 2\nc: \x01\n---\n") == 0);
	CHECK(fm.lenient && fm.error_line == 4);
	CHECK_STR(fm_get_str(&fm, "a"), "1");
	fm_release(&fm);
}

static void test_not_mapping(void)
{
	struct frontmatter fm;

	CHECK(parse(&fm, "---\n- a\n- b\n---\n") == 0);
	CHECK(fm.present && fm.lenient && fm.error && fm.nfields == 0);
	CHECK(fm.error_line == 2);
	fm_release(&fm);

	CHECK(parse(&fm, "---\njust some text\n---\n") == 0);
	CHECK(fm.present && fm.lenient && fm.nfields == 0);
	fm_release(&fm);

	/* a second document is not dropped silently */
	CHECK(parse(&fm, "---\na: 1\n...\nb: 2\n---\n") == 0);
	CHECK(fm.lenient && fm.error_line == 4);
	CHECK_STR(fm_get_str(&fm, "a"), "1");
	CHECK_STR(fm_get_str(&fm, "b"), "2");
	fm_release(&fm);
	CHECK(parse(&fm, "---\na: 1\n--- text\n---\n") == 0);
	CHECK(fm.lenient && fm.error_line == 3);
	CHECK(fm.error && strstr(fm.error, "document"));
	CHECK_STR(fm_get_str(&fm, "a"), "1");
	CHECK(fm.nfields == 1);
	fm_release(&fm);
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_aliases(void)
{
	struct buf b = BUF_INIT;
	struct frontmatter fm;
	const struct fm_field *f;
	char c, prev;
	double t;
	int i;

	/* billion laughs: nine levels of ten aliases each */
	buf_adds(&b, "---\na: &a [lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (c = 'b'; c <= 'i'; c++) {
		prev = (char)(c - 1);
		buf_addf(&b, "%c: &%c [", c, c);
		for (i = 0; i < 10; i++)
			buf_addf(&b, "%s*%c", i ? ", " : "", prev);
		buf_adds(&b, "]\n");
	}
	/* and many aliases of one long scalar */
	buf_adds(&b, "long: &l ");
	for (i = 0; i < 10000; i++)
		buf_addch(&b, 'x');
	buf_adds(&b, "\nmany: [");
	for (i = 0; i < 10000; i++)
		buf_adds(&b, i ? ", *l" : "*l");
	buf_adds(&b, "]\nref: *l\nwho: &w me\n---\n");

	t = seconds();
	CHECK(parse(&fm, b.data) == 0);
	CHECK(seconds() - t < 2.0);
	CHECK(fm.present && !fm.lenient);
	f = fm_get(&fm, "a");
	CHECK(f && f->type == FM_LIST && f->nitems == 8);
	f = fm_get(&fm, "i");
	CHECK(f && f->type == FM_OTHER);
	CHECK(strlen(fm_get_str(&fm, "long") ? fm_get_str(&fm, "long") : "") ==
	      10000);
	/* aliases are never expanded, so no copies of "long" either */
	f = fm_get(&fm, "many");
	CHECK(f && f->type == FM_OTHER);
	f = fm_get(&fm, "ref");
	CHECK(f && f->type == FM_OTHER);
	CHECK_STR(fm_get_str(&fm, "who"), "me");
	fm_release(&fm);
	buf_release(&b);

	CHECK(parse(&fm, "---\na: *nowhere\nb: 1\n---\n") == 0);
	CHECK(fm.lenient);
	CHECK_STR(fm_get_str(&fm, "b"), "1");
	fm_release(&fm);
}

/* A "---" first line that nothing closes is unclosed; nothing else is. */
static void test_unclosed_flag(void)
{
	static const char *const unclosed[] = {
		"---",
		"---\n",
		"---\r\n",
		"---\nname: x\nBody\n",
		"---\r\nname: x\r\nBody\r\n",
		"\xEF\xBB\xBF---\nname: x\n",
		/* neither "--- " nor "----" nor " ---" closes it */
		"---\nname: x\n--- \n----\n ---\nBody\n",
	};
	static const char *const not_unclosed[] = {
		"",
		"# Title\n\nBody.\n",
		"\n---\nname: x\n",
		"--- \nname: x\n",
		"----\nname: x\n",
		"Body\n---\n",
		"---\n---\n",
		"---\nname: x\n---",
		"\xEF\xBB\xBF---\r\nname: x\r\n---\r\nBody",
	};
	struct frontmatter fm;

	for (size_t i = 0; i < sizeof(unclosed) / sizeof(unclosed[0]); i++) {
		CHECK(parse(&fm, unclosed[i]) == 0);
		CHECK(fm.unclosed);
		CHECK(!fm.present && fm.nfields == 0 && fm.raw_len == 0);
		CHECK(!fm.lenient && !fm.repeated && !fm.aliased);
		if (!fm.unclosed)
			fprintf(stderr, "  not unclosed: '%s'\n", unclosed[i]);
		fm_release(&fm);
		CHECK(!fm.unclosed);
	}
	for (size_t i = 0; i < sizeof(not_unclosed) / sizeof(not_unclosed[0]);
	     i++) {
		CHECK(parse(&fm, not_unclosed[i]) == 0);
		CHECK(!fm.unclosed);
		if (fm.unclosed)
			fprintf(stderr, "  unclosed: '%s'\n", not_unclosed[i]);
		fm_release(&fm);
	}

	/* the body of an unclosed block is the whole file past a BOM */
	CHECK(parse(&fm, "\xEF\xBB\xBF---\nname: x\n") == 0);
	CHECK(fm.unclosed && fm.body_off == 3);
	fm_release(&fm);

	/* a struct that held an unclosed block is reset by the next parse */
	CHECK(parse(&fm, "---\nname: x\n") == 0);
	CHECK(fm.unclosed);
	CHECK(parse(&fm, "---\nname: x\n---\n") == 0);
	CHECK(fm.present && !fm.unclosed);
	fm_release(&fm);
}

/* The first key given again, and the line of its second place. */
static void test_repeated(void)
{
	struct frontmatter fm;

	CHECK(parse(&fm, "---\nname: x\ndescription: d\n---\n") == 0);
	CHECK(fm.present && fm.repeated == NULL && fm.repeated_line == 0);
	fm_release(&fm);

	CHECK(parse(&fm, "---\nname: first\ndescription: d\nname: second\n"
			 "---\nBody\n") == 0);
	CHECK(fm.present && !fm.lenient);
	CHECK_STR(fm.repeated, "name");
	CHECK(fm.repeated_line == 4);
	CHECK_STR(fm_get_str(&fm, "name"), "first");
	CHECK(fm.nfields == 2);
	CHECK(fm.aliased == NULL && fm.aliased_line == 0);
	fm_release(&fm);
	CHECK(fm.repeated == NULL && fm.repeated_line == 0);

	/* only the first key repeated is kept, at its second place */
	CHECK(parse(&fm, "---\na: 1\nb: 2\nb: 3\na: 4\nb: 5\n---\n") == 0);
	CHECK_STR(fm.repeated, "b");
	CHECK(fm.repeated_line == 4);
	fm_release(&fm);

	CHECK(parse(&fm, "---\nk: 1\nk: 2\nk: 3\n---\n") == 0);
	CHECK_STR(fm.repeated, "k");
	CHECK(fm.repeated_line == 3);
	fm_release(&fm);

	/* lines count from the file's first line: comments, blanks, block
	 * scalars, a BOM and CRLF line ends change nothing */
	CHECK(parse(&fm, "\xEF\xBB\xBF---\r\n# a comment\r\n\r\n"
			 "text: |\r\n  one\r\n  two\r\n"
			 "tools: [a, b]\r\ntext: again\r\n---\r\n") == 0);
	CHECK(fm.present && !fm.lenient);
	CHECK_STR(fm.repeated, "text");
	CHECK(fm.repeated_line == 8);
	CHECK_STR(fm_get_str(&fm, "text"), "one\ntwo\n");
	fm_release(&fm);

	/* quoting does not make another key; nested keys are not top level */
	CHECK(parse(&fm, "---\nmeta:\n  a: 1\n  a: 2\n'a': 3\n\"a\": 4\n"
			 "---\n") == 0);
	CHECK_STR(fm.repeated, "a");
	CHECK(fm.repeated_line == 6);
	CHECK_STR(fm_get_str(&fm, "a"), "3");
	fm_release(&fm);

	/* a key that ends at an escaped NUL is the key before it */
	CHECK(parse(&fm, "---\n\"nu\\0l\": 1\n\"nu\\0ll\": 2\n---\n") == 0);
	CHECK_STR(fm.repeated, "nu");
	CHECK(fm.repeated_line == 3);
	fm_release(&fm);

	/* a top-level flow mapping: the line the second key is on */
	CHECK(parse(&fm, "---\n{x: 1,\n y: 2,\n x: 3}\n---\n") == 0);
	CHECK(fm.present && !fm.lenient);
	CHECK_STR(fm.repeated, "x");
	CHECK(fm.repeated_line == 4);
	fm_release(&fm);
}

/* The first key whose value uses an alias, and its line. */
static void test_aliased(void)
{
	struct frontmatter fm;
	const struct fm_field *f;

	/* an anchor alone is no alias */
	CHECK(parse(&fm, "---\nname: &n x\nlist: &l [a, b]\n---\n") == 0);
	CHECK(fm.present && !fm.lenient);
	CHECK(fm.aliased == NULL && fm.aliased_line == 0);
	CHECK_STR(fm_get_str(&fm, "name"), "x");
	fm_release(&fm);

	CHECK(parse(&fm, "---\nname: &n x\ndescription: d\nalias: *n\n"
			 "again: *n\n---\n") == 0);
	CHECK(fm.present && !fm.lenient);
	CHECK_STR(fm.aliased, "alias");
	CHECK(fm.aliased_line == 4);
	f = fm_get(&fm, "alias");
	CHECK(f && f->type == FM_OTHER);
	CHECK(fm.repeated == NULL);
	fm_release(&fm);
	CHECK(fm.aliased == NULL && fm.aliased_line == 0);

	/* an alias inside a list */
	CHECK(parse(&fm, "---\nx: &v val\n\ntools: [Read, *v]\n---\n") == 0);
	CHECK_STR(fm.aliased, "tools");
	CHECK(fm.aliased_line == 4);
	f = fm_get(&fm, "tools");
	CHECK(f && f->type == FM_OTHER);
	fm_release(&fm);

	CHECK(parse(&fm, "---\nx: &v val\ntools:\n  - Read\n  - *v\n---\n") ==
	      0);
	CHECK_STR(fm.aliased, "tools");
	CHECK(fm.aliased_line == 3);
	fm_release(&fm);

	/* a merge key */
	CHECK(parse(&fm, "---\nbase: &b {a: 1}\n<<: *b\n---\n") == 0);
	CHECK(!fm.lenient);
	CHECK_STR(fm.aliased, "<<");
	CHECK(fm.aliased_line == 3);
	fm_release(&fm);

	/* a repeated key is noted as repeated, not as aliased */
	CHECK(parse(&fm, "---\nx: &v 1\nx: *v\ny: *v\n---\n") == 0);
	CHECK_STR(fm.repeated, "x");
	CHECK(fm.repeated_line == 3);
	CHECK_STR(fm.aliased, "y");
	CHECK(fm.aliased_line == 4);
	CHECK_STR(fm_get_str(&fm, "x"), "1");
	fm_release(&fm);

	/* the alias flag does not leak from one key to the next */
	CHECK(parse(&fm, "---\na: &v 1\nb: [x, y]\nc: z\n---\n") == 0);
	CHECK(fm.aliased == NULL);
	fm_release(&fm);
}

/*
 * An anchor inside a value that is not kept (a mapping, a list holding a
 * mapping or a list) is still a node met before: an alias to it later is
 * not expanded, and an alias inside such a value makes its key aliased.
 */
static void test_aliased_hidden(void)
{
	struct frontmatter fm;
	const struct fm_field *f;

	CHECK(parse(&fm, "---\nm: {a: &v 1}\nb: *v\n---\n") == 0);
	CHECK(fm.present && !fm.lenient);
	f = fm_get(&fm, "m");
	CHECK(f && f->type == FM_OTHER);
	f = fm_get(&fm, "b");
	CHECK(f && f->type == FM_OTHER && f->value == NULL);
	CHECK_STR(fm.aliased, "b");
	CHECK(fm.aliased_line == 3);
	fm_release(&fm);

	/* the items after the one that makes a list FM_OTHER */
	CHECK(parse(&fm, "---\nl: [{x: 1}, &v y]\nb: *v\n---\n") == 0);
	f = fm_get(&fm, "l");
	CHECK(f && f->type == FM_OTHER);
	f = fm_get(&fm, "b");
	CHECK(f && f->type == FM_OTHER);
	CHECK_STR(fm.aliased, "b");
	CHECK(fm.aliased_line == 3);
	fm_release(&fm);

	/* inside the item that does, and in a block list */
	CHECK(parse(&fm, "---\nl:\n  - a\n  - [&v y]\nb: [c, *v]\n---\n") == 0);
	f = fm_get(&fm, "b");
	CHECK(f && f->type == FM_OTHER);
	CHECK_STR(fm.aliased, "b");
	CHECK(fm.aliased_line == 5);
	fm_release(&fm);

	/* a list that holds an alias, with an anchor after it */
	CHECK(parse(&fm, "---\nx: &x 1\nl: [*x, &v y]\nb: *v\n---\n") == 0);
	CHECK_STR(fm.aliased, "l");
	CHECK(fm.aliased_line == 3);
	f = fm_get(&fm, "b");
	CHECK(f && f->type == FM_OTHER);
	fm_release(&fm);

	/* an alias deep inside a value that is not kept */
	CHECK(parse(&fm, "---\nx: &v 1\nm:\n  a:\n    - [b, *v]\n---\n") == 0);
	CHECK_STR(fm.aliased, "m");
	CHECK(fm.aliased_line == 3);
	CHECK_STR(fm_get_str(&fm, "x"), "1");
	fm_release(&fm);

	/* nor do the values of keys that are dropped hide their anchors */
	CHECK(parse(&fm, "---\nx: 1\nx: &v 2\nb: *v\n---\n") == 0);
	CHECK_STR(fm.repeated, "x");
	CHECK_STR(fm_get_str(&fm, "x"), "1");
	f = fm_get(&fm, "b");
	CHECK(f && f->type == FM_OTHER);
	CHECK_STR(fm.aliased, "b");
	CHECK(fm.aliased_line == 4);
	fm_release(&fm);

	CHECK(parse(&fm, "---\n? [&k a]\n: &v 1\nb: *k\nc: *v\n---\n") == 0);
	CHECK(fm.present && !fm.lenient);
	CHECK(fm.nfields == 2);
	CHECK(fm_get_str(&fm, "b") == NULL && fm_get_str(&fm, "c") == NULL);
	CHECK_STR(fm.aliased, "b");
	CHECK(fm.aliased_line == 4);
	fm_release(&fm);
}

/* A key that is an alias is noted as aliased, not dropped without a word. */
static void test_aliased_key(void)
{
	struct frontmatter fm;
	const struct fm_field *f;

	CHECK(parse(&fm, "---\nx: &k name\n*k : 1\n---\n") == 0);
	CHECK(fm.present && !fm.lenient);
	CHECK(fm.nfields == 1);
	CHECK(fm_get(&fm, "name") == NULL);
	CHECK(fm.repeated == NULL);
	CHECK_STR(fm.aliased, "name");
	CHECK(fm.aliased_line == 3);
	fm_release(&fm);

	/* an anchored collection has no text to name the key by */
	CHECK(parse(&fm, "---\nl: &k [a]\n\n*k : 1\n---\n") == 0);
	CHECK(fm.nfields == 1);
	CHECK_STR(fm.aliased, "*alias");
	CHECK(fm.aliased_line == 4);
	fm_release(&fm);

	/* the line is the alias's, not the anchor's, whatever the value */
	CHECK(parse(&fm, "---\n{x: &k a,\n y: &v b,\n\n *k : *v}\n---\n") == 0);
	CHECK(fm.present && !fm.lenient);
	CHECK_STR(fm.aliased, "a");
	CHECK(fm.aliased_line == 5);
	fm_release(&fm);

	CHECK(parse(&fm, "---\nx: &k a\n? *k\n:\n  - b\n---\n") == 0);
	CHECK_STR(fm.aliased, "a");
	CHECK(fm.aliased_line == 3);
	fm_release(&fm);

	/* the first note wins, and an alias key's value is not kept either */
	CHECK(parse(&fm, "---\nx: &k a\ny: *k\n*k : &v 1\nz: *v\n---\n") == 0);
	CHECK_STR(fm.aliased, "y");
	CHECK(fm.aliased_line == 3);
	f = fm_get(&fm, "z");
	CHECK(f && f->type == FM_OTHER);
	CHECK(fm.nfields == 3);
	fm_release(&fm);

	CHECK(parse(&fm, "---\nx: &k a\n*k : &v 1\nz: *v\n---\n") == 0);
	CHECK_STR(fm.aliased, "a");
	CHECK(fm.aliased_line == 3);
	fm_release(&fm);
}

/*
 * Values nested deep, and an alias bomb built of mappings: both are walked
 * in time linear in the input. (libyaml itself takes time quadratic in the
 * depth of flow nesting, which keeps the depth here modest.)
 */
static void test_aliased_deep(void)
{
	struct buf b = BUF_INIT;
	struct frontmatter fm;
	const struct fm_field *f;
	double t;
	char c;
	int i;

	/* as deep as libyaml is given (64 levels): the walk marks it all */
	buf_adds(&b, "---\nd: ");
	for (i = 0; i < 64; i++)
		buf_adds(&b, i % 2 ? "{k: " : "[");
	buf_adds(&b, "&v x");
	for (i = 64; i-- > 0;)
		buf_adds(&b, i % 2 ? "}" : "]");
	buf_adds(&b, "\nb: *v\n---\n");
	CHECK(parse(&fm, b.data) == 0);
	CHECK(fm.present && !fm.lenient);
	f = fm_get(&fm, "d");
	CHECK(f && f->type == FM_OTHER);
	f = fm_get(&fm, "b");
	CHECK(f && f->type == FM_OTHER);
	CHECK_STR(fm.aliased, "b");
	CHECK(fm.aliased_line == 3);
	fm_release(&fm);
	buf_reset(&b);

	/* deeper goes to the lenient reader at once, however deep */
	buf_adds(&b, "---\nname: deep\nd: ");
	for (i = 0; i < 1000000; i++)
		buf_adds(&b, i % 2 ? "{" : "[");
	buf_adds(&b, "\n---\n");
	t = seconds();
	CHECK(parse(&fm, b.data) == 0);
	CHECK(seconds() - t < 2.0);
	CHECK(fm.present && fm.lenient);
	CHECK(fm.error && strstr(fm.error, "nested too deep"));
	CHECK(fm.error_line == 3);
	CHECK_STR(fm_get_str(&fm, "name"), "deep");
	fm_release(&fm);
	buf_release(&b);

	buf_adds(&b, "---\na: &a {k: [lol, lol, lol, lol, lol, lol, lol]}\n");
	for (c = 'b'; c <= 'i'; c++) {
		buf_addf(&b, "%c: &%c {", c, c);
		for (i = 0; i < 10; i++)
			buf_addf(&b, "%sk%d: [*%c, *%c]", i ? ", " : "", i,
				 c - 1, c - 1);
		buf_adds(&b, "}\n");
	}
	buf_adds(&b, "---\n");
	t = seconds();
	CHECK(parse(&fm, b.data) == 0);
	CHECK(seconds() - t < 2.0);
	CHECK(fm.present && !fm.lenient && fm.nfields == 9);
	CHECK_STR(fm.aliased, "b");
	CHECK(fm.aliased_line == 3);
	fm_release(&fm);
	buf_release(&b);
}

/* What the notes said about libyaml's reading goes with the fallback. */
static void test_notes_cleared(void)
{
	struct frontmatter fm;

	/* libyaml read the first document (with a repeat and an alias) and
	 * then refused the second: the lenient reader's result is kept */
	CHECK(parse(&fm, "---\na: 1\na: 2\nx: &v 1\ny: *v\n...\nb: 3\n---\n") ==
	      0);
	CHECK(fm.present && fm.lenient);
	CHECK(fm.error != NULL);
	CHECK(fm.repeated == NULL && fm.repeated_line == 0);
	CHECK(fm.aliased == NULL && fm.aliased_line == 0);
	CHECK(!fm.unclosed);
	fm_release(&fm);

	/* refused outright */
	CHECK(parse(&fm, "---\nd: \"a \"b\" c\"\nd: 2\ny: *nowhere\n---\n") ==
	      0);
	CHECK(fm.present && fm.lenient);
	CHECK(fm.repeated == NULL && fm.repeated_line == 0);
	CHECK(fm.aliased == NULL && fm.aliased_line == 0);
	fm_release(&fm);
}

static const char *const tricky[] = {
	"plain words",
	"a: b",
	"key: value # not a comment",
	"#hash",
	"- leading dash",
	"-dash",
	"He said \"hi\" to me",
	"it's",
	"'single'",
	"\"double\"",
	"line one\nline two\n",
	"\r\n",
	"tab\there",
	"true",
	"False",
	"yes",
	"no",
	"on",
	"y",
	"null",
	"~",
	"123",
	"1.0",
	"-5",
	".5",
	".inf",
	"0x1F",
	"1e3",
	"2024-01-01",
	"12:30:00",
	"",
	"  leading and trailing  ",
	"[a, b]",
	"{a: b}",
	"*star",
	"&amp",
	"!tag",
	"%percent",
	"@at",
	"`tick",
	"|",
	">",
	"---",
	"...",
	"? question",
	"back\\slash",
	"caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80",
	"line\xE2\x80\xA8sep",
	"<<",
};

#define NTRICKY (sizeof(tricky) / sizeof(tricky[0]))

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_writer_round_trip(void)
{
	struct fm_writer *w = fm_writer_new();
	struct buf out = BUF_INIT, key = BUF_INIT;
	struct frontmatter fm;
	const struct fm_field *f;
	size_t i;

	CHECK(w != NULL);
	if (!w)
		return;
	for (i = 0; i < NTRICKY; i++) {
		buf_reset(&key);
		buf_addf(&key, "k%zu", i);
		CHECK(fm_writer_str(w, key.data, tricky[i]) == 0);
	}
	CHECK(fm_writer_list(w, "list", (const char *const *)tricky, NTRICKY) ==
	      0);
	CHECK(fm_writer_str(w, "true", "key that looks typed") == 0);
	CHECK(fm_writer_str(w, "a: b", "key with a colon") == 0);
	CHECK(fm_writer_bool(w, "flag", true) == 0);
	CHECK(fm_writer_emit(w, &out) == 0);

	/* every scalar on one line: the fences, one per scalar, one per item */
	CHECK(count_lines(out.data) == 2 + NTRICKY + 1 + NTRICKY + 3);
	CHECK(parse(&fm, out.data) == 0);
	CHECK(fm.present && !fm.lenient && fm.body_off == out.len);
	CHECK(fm.nfields == NTRICKY + 4);
	for (i = 0; i < NTRICKY; i++) {
		buf_reset(&key);
		buf_addf(&key, "k%zu", i);
		CHECK_STR(fm_get_str(&fm, key.data), tricky[i]);
	}
	f = fm_get(&fm, "list");
	CHECK(f && f->type == FM_LIST && f->nitems == NTRICKY);
	for (i = 0; f && i < f->nitems; i++)
		CHECK_STR(f->items[i], tricky[i]);
	CHECK_STR(fm_get_str(&fm, "true"), "key that looks typed");
	CHECK_STR(fm_get_str(&fm, "a: b"), "key with a colon");
	CHECK_STR(fm_get_str(&fm, "flag"), "true");
	fm_release(&fm);
	fm_writer_free(w);
	buf_release(&out);
	buf_release(&key);
}

static void test_writer_exact(void)
{
	static const char *const tools[] = { "read", "edit" };
	struct fm_writer *w = fm_writer_new();
	struct buf out = BUF_INIT;
	char long_value[2001];

	CHECK(w != NULL);
	if (!w)
		return;
	buf_adds(&out, "before\n");
	CHECK(fm_writer_str(w, "name", "foo") == 0);
	CHECK(fm_writer_str(w, "version", "1.0") == 0);
	CHECK(fm_writer_str(w, "on", "true") == 0);
	CHECK(fm_writer_str(w, "d", "a\nb") == 0);
	CHECK(fm_writer_str(w, "none", NULL) == 0);
	CHECK(fm_writer_list(w, "tools", tools, 2) == 0);
	CHECK(fm_writer_list(w, "empty", NULL, 0) == 0);
	CHECK(fm_writer_bool(w, "user-invocable", true) == 0);
	CHECK(fm_writer_bool(w, "hidden", false) == 0);
	CHECK(fm_writer_emit(w, &out) == 0);
	CHECK_STR(out.data, "before\n"
			    "---\n"
			    "name: foo\n"
			    "version: '1.0'\n"
			    "'on': 'true'\n"
			    "d: \"a\\nb\"\n"
			    "none: ''\n"
			    "tools:\n- read\n- edit\n"
			    "empty: []\n"
			    "user-invocable: true\n"
			    "hidden: false\n"
			    "---\n");
	fm_writer_free(w);

	/* no folding, however long the value */
	w = fm_writer_new();
	memset(long_value, 'w', sizeof(long_value) - 1);
	long_value[sizeof(long_value) - 1] = '\0';
	for (size_t i = 5; i < sizeof(long_value) - 1; i += 6)
		long_value[i] = ' ';
	buf_reset(&out);
	CHECK(fm_writer_str(w, "description", long_value) == 0);
	CHECK(fm_writer_emit(w, &out) == 0);
	CHECK(count_lines(out.data) == 3);
	fm_writer_free(w);

	w = fm_writer_new();
	buf_reset(&out);
	CHECK(fm_writer_emit(w, &out) == 0);
	CHECK_STR(out.data, "---\n---\n");
	fm_writer_free(w);
	fm_writer_free(NULL);
	buf_release(&out);
}

static void test_writer_invalid(void)
{
	static const char *const bad_items[] = { "ok", "\xC3\x28" };
	static const char *const bad[] = {
		"\xFF\xFE",	    "\xC0\xAF",	     "\xED\xA0\x80",
		"\xF4\x90\x80\x80", "trunc\xE2\x82",
	};
	struct fm_writer *w;
	struct buf out = BUF_INIT;
	size_t i;

	buf_adds(&out, "keep");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		w = fm_writer_new();
		CHECK(fm_writer_str(w, "name", "fine") == 0);
		CHECK(fm_writer_str(w, "bad", bad[i]) == 0);
		CHECK(fm_writer_emit(w, &out) == -EIO);
		fm_writer_free(w);
	}
	w = fm_writer_new();
	CHECK(fm_writer_list(w, "tools", bad_items, 2) == 0);
	CHECK(fm_writer_emit(w, &out) == -EIO);
	fm_writer_free(w);

	w = fm_writer_new();
	CHECK(fm_writer_str(w, "\xFF", "bad key") == 0);
	CHECK(fm_writer_emit(w, &out) == -EIO);
	fm_writer_free(w);
	CHECK_STR(out.data, "keep");
	buf_release(&out);
}

int main(void)
{
	test_absent();
	test_offsets();
	test_bom_crlf();
	test_unclosed_empty();
	test_values();
	test_lists();
	test_bool_dup();
	test_lenient();
	test_lenient_shapes();
	test_error_line();
	test_not_mapping();
	test_aliases();
	test_unclosed_flag();
	test_repeated();
	test_aliased();
	test_aliased_hidden();
	test_aliased_key();
	test_aliased_deep();
	test_notes_cleared();
	test_writer_round_trip();
	test_writer_exact();
	test_writer_invalid();
	return check_done();
}
