/*
 * test_toml.c - the TOML string writer.
 *
 * Expected output for tricky inputs is written out by hand from the TOML
 * 1.0 grammar. Then many generated strings are read back by a real TOML
 * parser, Python's tomllib, and must come back byte for byte.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/toml.h"
#include "aiwgfs/util.h"
#include "check.h"
#include "tmptree.h"

#define FFFD "\xEF\xBF\xBD"

struct expect {
	const char *in;
	size_t len;
	const char *out;
};

/* A string literal with its length, NUL bytes inside included. */
#define IN(s) s, sizeof(s) - 1

static void check_one(int (*fn)(struct buf *, const char *, size_t),
		      const struct expect *e)
{
	struct buf b = BUF_INIT;

	CHECK(fn(&b, e->in, e->len) == 0);
	CHECK_STR(b.data, e->out);
	buf_release(&b);
}

static void test_basic_string(void)
{
	static const struct expect cases[] = {
		{ IN(""), "\"\"" },
		{ IN("plain text"), "\"plain text\"" },
		{ IN("say \"hi\""), "\"say \\\"hi\\\"\"" },
		{ IN("C:\\path\\"), "\"C:\\\\path\\\\\"" },
		{ IN("a\nb\tc\rd\be\ff"), "\"a\\nb\\tc\\rd\\be\\ff\"" },
		{ IN("\x01\x1f\x7f"), "\"\\u0001\\u001F\\u007F\"" },
		{ IN("a\0b"), "\"a\\u0000b\"" },
		{ IN("'''"), "\"'''\"" },
		{ IN("\"\"\""), "\"\\\"\\\"\\\"\"" },
		/* valid UTF-8 stays as it is */
		{ IN("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
		  "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"" },
		/* a stray byte, an overlong form, a surrogate, a cut end */
		{ IN("a\xFFz"), "\"a" FFFD "z\"" },
		{ IN("\xC0\xAF"), "\"" FFFD FFFD "\"" },
		{ IN("\xED\xA0\x80"), "\"" FFFD FFFD FFFD "\"" },
		{ IN("x\xE2\x82"), "\"x" FFFD FFFD "\"" },
		{ IN("\xF4\x90\x80\x80"), "\"" FFFD FFFD FFFD FFFD "\"" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		check_one(toml_add_string, &cases[i]);
}

static void test_multiline(void)
{
	static const struct expect cases[] = {
		{ IN(""), "\"\"\"\n\"\"\"" },
		{ IN("line one\nline two\n"),
		  "\"\"\"\nline one\nline two\n\"\"\"" },
		/* the first line feed after the quotes is dropped by readers */
		{ IN("\nlead"), "\"\"\"\n\nlead\"\"\"" },
		{ IN("tab\there"), "\"\"\"\ntab\there\"\"\"" },
		/* CR is escaped, so CRLF survives newline normalization */
		{ IN("a\r\nb\r"), "\"\"\"\na\\r\nb\\r\"\"\"" },
		{ IN("back\\slash \\\n"),
		  "\"\"\"\nback\\\\slash \\\\\n\"\"\"" },
		{ IN("nul\0 del\x7f bell\x07"),
		  "\"\"\"\nnul\\u0000 del\\u007F bell\\u0007\"\"\"" },
		/* one or two quotes are fine, the third of a run is not */
		{ IN("a\"b\"\"c"), "\"\"\"\na\"b\"\"c\"\"\"" },
		{ IN("x\"\"\"y"), "\"\"\"\nx\"\"\\\"y\"\"\"" },
		{ IN("x\"\"\"\"y"), "\"\"\"\nx\"\"\\\"\"y\"\"\"" },
		/* quotes that end the text are escaped, all of them */
		{ IN("end\""), "\"\"\"\nend\\\"\"\"\"" },
		{ IN("\"\"\"\"\"\""),
		  "\"\"\"\n\\\"\\\"\\\"\\\"\\\"\\\"\"\"\"" },
		{ IN("'''"), "\"\"\"\n'''\"\"\"" },
		{ IN("bad\xFF"), "\"\"\"\nbad" FFFD "\"\"\"" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		check_one(toml_add_multiline, &cases[i]);
}

static void test_keys(void)
{
	static const struct {
		const char *key, *out;
	} cases[] = {
		{ "name", "name = " },
		{ "developer_instructions", "developer_instructions = " },
		{ "argument-hint", "argument-hint = " },
		{ "a b", "\"a b\" = " },
		{ "", "\"\" = " },
		{ "x.y", "\"x.y\" = " },
		{ "q\"", "\"q\\\"\" = " },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf b = BUF_INIT;

		CHECK(toml_add_key(&b, cases[i].key) == 0);
		CHECK_STR(b.data, cases[i].out);
		buf_release(&b);
	}
}

/*
 * Python reads the TOML file argv[1] and the expected values in argv[2]
 * (each a 4-byte big-endian length and the bytes) and prints "ok", or
 * the first key that differs.
 */
static const char round_trip_py[] =
	"import sys, tomllib\n"
	"d = tomllib.load(open(sys.argv[1], \"rb\"))\n"
	"raw = open(sys.argv[2], \"rb\").read()\n"
	"i = 0\n"
	"k = 0\n"
	"bad = None\n"
	"while i < len(raw):\n"
	"    n = int.from_bytes(raw[i:i + 4], \"big\")\n"
	"    want = raw[i + 4:i + 4 + n]\n"
	"    i += 4 + n\n"
	"    for key in (\"s%d\" % k, \"m%d\" % k):\n"
	"        if d[key].encode(\"utf-8\") != want and bad is None:\n"
	"            bad = key\n"
	"    k += 1\n"
	"if len(d) != 2 * k:\n"
	"    bad = \"count\"\n"
	"print(\"ok\" if bad is None else \"differs: \" + bad)\n";

/* Characters the generator draws from: the hard ones, often. */
static const char *const pieces[] = {
	"\"",
	"\"\"",
	"\"\"\"",
	"'",
	"'''",
	"\\",
	"\\\\",
	"\\n",
	"\\u0041",
	"\n",
	"\r\n",
	"\r",
	"\t",
	"\b",
	"\f",
	"\x01",
	"\x1b",
	"\x7f",
	"a",
	"Z",
	" ",
	"=",
	"#",
	"[x]",
	"{",
	"}",
	"\xC3\xA9",
	"\xE2\x80\xA8",
	"\xF0\x9F\x90\x8D",
	"\xEF\xBB\xBF",
	"${x}",
};

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* A random valid UTF-8 string with NUL bytes now and then. */
static void gen_string(struct buf *b)
{
	size_t n = rng() % 40;

	buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		if (rng() % 23 == 0)
			buf_add(b, "", 1);
		else
			buf_adds(b, pieces[rng() % ARRAY_SIZE(pieces)]);
	}
}

static bool have_python(void)
{
	return system("python3 -c 'import tomllib' >/dev/null 2>&1") == 0;
}

static int write_file(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f)
		return -1;
	if (fwrite(b->data, 1, b->len, f) != b->len)
		rc = -1;
	return fclose(f) ? -1 : rc;
}

/* Run the round-trip script over the two files; its first output line. */
static void run_python(const char *toml, const char *want, char *line,
		       size_t size)
{
	struct buf cmd = BUF_INIT;
	FILE *p;

	/* the script has no single quotes, so it can be quoted as it is */
	buf_addf(&cmd, "python3 -c '%s' '%s' '%s'", round_trip_py, toml, want);
	line[0] = '\0';
	p = popen(cmd.data, "r");
	if (p) {
		if (!fgets(line, (int)size, p))
			line[0] = '\0';
		pclose(p);
	}
	buf_release(&cmd);
}

static void test_round_trip(const char *dir)
{
	struct buf doc = BUF_INIT, want = BUF_INIT, s = BUF_INIT;
	char *toml = path_join(dir, "t.toml"), *exp = path_join(dir, "want");
	char line[256];

	if (!have_python()) {
		printf("python3 with tomllib not found: round trip skipped\n");
		goto out;
	}
	for (int k = 0; k < 400; k++) {
		unsigned char len[4];

		gen_string(&s);
		if (k == 0)
			buf_reset(&s);
		buf_addf(&doc, "s%d = ", k);
		CHECK(toml_add_string(&doc, s.data, s.len) == 0);
		buf_addf(&doc, "\nm%d = ", k);
		CHECK(toml_add_multiline(&doc, s.data, s.len) == 0);
		buf_addch(&doc, '\n');
		len[0] = (unsigned char)(s.len >> 24);
		len[1] = (unsigned char)(s.len >> 16);
		len[2] = (unsigned char)(s.len >> 8);
		len[3] = (unsigned char)s.len;
		buf_add(&want, len, 4);
		buf_add(&want, s.data, s.len);
	}
	CHECK(write_file(toml, &doc) == 0);
	CHECK(write_file(exp, &want) == 0);
	run_python(toml, exp, line, sizeof(line));
	CHECK_STR(line, "ok\n");
out:
	buf_release(&doc);
	buf_release(&want);
	buf_release(&s);
	free(toml);
	free(exp);
}

int main(void)
{
	char *dir = tmp_dir("toml");

	CHECK(dir != NULL);
	test_basic_string();
	test_multiline();
	test_keys();
	if (dir)
		test_round_trip(dir);
	tmp_rm_tree(dir);
	free(dir);
	return check_done();
}
