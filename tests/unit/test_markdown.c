/*
 * test_markdown.c - first paragraphs and cleaned, cut text.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/markdown.h"
#include "check.h"

/* The first paragraph of `md`, in a static buffer that the next call reuses. */
static const char *para(const char *md)
{
	static struct buf out = BUF_INIT;
	size_t len = strlen(md);
	char *copy = malloc(len ? len : 1);

	buf_reset(&out);
	if (!copy)
		return NULL;
	/* no NUL after the text, so that over-reads show under ASan */
	memcpy(copy, md, len);
	if (md_first_paragraph(copy, len, &out))
		buf_adds(&out, "(error)");
	free(copy);
	return out.data;
}

static void test_first_paragraph(void)
{
	CHECK_STR(para("# Title\n\nFirst para *with* **emphasis**, "
		       "[a link](http://x \"t\") and `code  span`.\n\n"
		       "Second.\n"),
		  "First para with emphasis, a link and code span.");
	CHECK_STR(para("Title\n=====\n\nAfter a setext heading."),
		  "After a setext heading.");
	CHECK_STR(para("```sh\nnot this\n```\n\n    nor this\n\nReal one."),
		  "Real one.");
	CHECK_STR(para("- item\n\n  item paragraph\n\n> quote\n\n"
		       "| a | b |\n|---|---|\n| c | d |\n\nAfter all that."),
		  "After all that.");
	CHECK_STR(para("<div>\nhtml block\n</div>\n\nAfter html."),
		  "After html.");
	CHECK_STR(para("Hello <b>bold</b> world"), "Hello bold world");
	CHECK_STR(para("<span></span>\n\nThe first with text."),
		  "The first with text.");
	CHECK_STR(para("line one\nline two  \nline three\\\nfour"),
		  "line one line two line three four");
	/* four columns of indent would make it a code block */
	CHECK_STR(para(" lots\t\tof   space \n\n"), "lots of space");
	CHECK_STR(para("~~old~~ new, ![alt text](x.png) and _under_"),
		  "old new, alt text and under");
	CHECK_STR(para("A &amp; B &lt;c&gt; &quot;q&quot; &#65;&#x42;&#X43; "
		       "&#0; &copy; &#1114112;"),
		  "A & B <c> \"q\" ABC \xEF\xBF\xBD &copy; \xEF\xBF\xBD");
	CHECK_STR(para("Caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC."),
		  "Caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC.");
}

static void test_no_paragraph(void)
{
	struct buf out = BUF_INIT;
	const char *md = "```\ncode\n```\n- list\n";

	CHECK_STR(para(""), "");
	CHECK_STR(para(md), "");
	CHECK_STR(para("> only a quote\n"), "");
	/* With no paragraph, the first top-level heading stands in. */
	CHECK_STR(para("# Only a *heading*\n\n```\ncode\n```\n- list\n"),
		  "Only a heading");
	CHECK_STR(para("> # quoted\n\n## Second `x`\n\n### Third\n"),
		  "Second x");
	CHECK_STR(para("# Title\n\nThe paragraph wins.\n"),
		  "The paragraph wins.");

	/* md_first_paragraph() appends, and appends nothing here */
	buf_adds(&out, "kept");
	CHECK(md_first_paragraph(md, strlen(md), &out) == 0);
	CHECK_STR(out.data, "kept");
	CHECK(md_first_paragraph("Text", 4, &out) == 0);
	CHECK_STR(out.data, "keptText");
	buf_release(&out);
}

static void test_nul(void)
{
	struct buf out = BUF_INIT;

	CHECK(md_first_paragraph("a\0b", 3, &out) == 0);
	CHECK(out.len == 5 && !memcmp(out.data,
				      "a\xEF\xBF\xBD"
				      "b",
				      5));
	buf_release(&out);
}

static const char *clean(const char *text, size_t limit)
{
	static struct buf out = BUF_INIT;

	if (md_clean_text(text, strlen(text), limit, &out))
		return "(error)";
	return out.data;
}

static bool utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int more;

	while (*p) {
		if (*p < 0x80)
			more = 0;
		else if ((*p & 0xE0) == 0xC0)
			more = 1;
		else if ((*p & 0xF0) == 0xE0)
			more = 2;
		else if ((*p & 0xF8) == 0xF0)
			more = 3;
		else
			return false;
		for (p++; more; more--, p++) {
			if ((*p & 0xC0) != 0x80)
				return false;
		}
	}
	return true;
}

static void test_clean(void)
{
	struct buf out = BUF_INIT;

	CHECK_STR(clean("  a \t b\r\n\nc  ", 0), "a b c");
	CHECK_STR(clean(" \t\r\n ", 0), "");
	CHECK_STR(clean("hello world", 11), "hello world");
	CHECK_STR(clean("  hello   world  ", 11), "hello world");
	CHECK_STR(clean("hello wonderful world", 15), "hello...");
	CHECK_STR(clean("hello world again", 14), "hello world...");
	CHECK_STR(clean("hello world again", 16), "hello world...");
	CHECK_STR(clean("abcdefghij", 6), "abc...");
	CHECK_STR(clean("abcdefghij", 3), "...");
	CHECK_STR(clean("abcdefghij", 2), "ab");
	/* five two-byte letters: a cut at byte 5 would split the third */
	CHECK_STR(clean("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 8),
		  "\xC3\xA9\xC3\xA9...");
	CHECK_STR(
		clean("\xE6\x97\xA5\xE6\x9C\xAC \xE8\xAA\x9E\xE3\x83\x86", 12),
		"\xE6\x97\xA5\xE6\x9C\xAC...");
	CHECK_STR(clean("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 7),
		  "\xF0\x9F\x98\x80...");
	CHECK_STR(clean("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 6), "...");

	/* the result replaces what was there, even when it is the input */
	buf_adds(&out, "  old \n text ");
	CHECK(md_clean_text(out.data, out.len, 0, &out) == 0);
	CHECK_STR(out.data, "old text");
	CHECK(md_clean_text("new", 3, 0, &out) == 0);
	CHECK_STR(out.data, "new");
	CHECK(md_clean_text("", 0, 5, &out) == 0);
	CHECK(out.len == 0 && out.data[0] == '\0');
	buf_release(&out);
}

/* Every limit on a mixed text: short enough, whole characters, a prefix. */
static void test_clean_limits(void)
{
	const char *text = "Ein  kurzer\tText \xC3\xBC"
			   "ber "
			   "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E und "
			   "\xF0\x9F\x98\x80 Emoji, "
			   "mitlangemwortohneleerzeichen.";
	const char *full = clean(text, 0);
	char whole[128];
	const char *got;
	size_t limit, len, keep;
	bool ok;

	CHECK(strlen(full) < sizeof(whole));
	snprintf(whole, sizeof(whole), "%s", full);
	for (limit = 1; limit <= strlen(whole) + 1; limit++) {
		got = clean(text, limit);
		len = strlen(got);
		ok = len <= limit && utf8_ok(got);
		if (len == strlen(whole)) {
			ok = ok && !strcmp(got, whole);
		} else if (limit >= 3) {
			keep = len - 3;
			ok = ok && !strcmp(got + keep, "...") &&
			     !strncmp(got, whole, keep) &&
			     (whole[keep] == ' ' || keep + 4 > limit ||
			      !strchr(whole, ' ') || keep == 0);
		} else {
			ok = ok && !strncmp(got, whole, len);
		}
		CHECK(ok);
		if (!ok)
			fprintf(stderr, "  limit %zu: \"%s\"\n", limit, got);
	}
}

int main(void)
{
	test_first_paragraph();
	test_no_paragraph();
	test_nul();
	test_clean();
	test_clean_limits();
	return check_done();
}
