/*
 * fuzz_toml.c - the TOML string writers read back as the bytes given.
 *
 * The input is written with toml_add_string(), toml_add_multiline() and
 * (up to its first NUL) toml_add_key(), and each result is read back by
 * the small TOML string reader below, written from the TOML 1.0 grammar
 * rather than from toml.c. What it reads must be the input with every byte
 * that is not part of a valid UTF-8 sequence replaced by U+FFFD.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/toml.h"

#define REPLACEMENT "\xEF\xBF\xBD"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The length of the valid UTF-8 sequence at s (n bytes left), or 0:
 * shortest form only, no surrogates, nothing past U+10FFFF.
 */
static size_t seq_len(const unsigned char *s, size_t n)
{
	static const struct {
		unsigned char lo, hi; /* lead byte range */
		size_t len;
		unsigned char lo2, hi2; /* second byte range */
	} forms[] = {
		{ 0x00, 0x7F, 1, 0, 0 },       { 0xC2, 0xDF, 2, 0x80, 0xBF },
		{ 0xE0, 0xE0, 3, 0xA0, 0xBF }, { 0xE1, 0xEC, 3, 0x80, 0xBF },
		{ 0xED, 0xED, 3, 0x80, 0x9F }, { 0xEE, 0xEF, 3, 0x80, 0xBF },
		{ 0xF0, 0xF0, 4, 0x90, 0xBF }, { 0xF1, 0xF3, 4, 0x80, 0xBF },
		{ 0xF4, 0xF4, 4, 0x80, 0x8F },
	};

	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		size_t len = forms[f].len;

		if (s[0] < forms[f].lo || s[0] > forms[f].hi)
			continue;
		if (len == 1)
			return 1;
		if (n < len || s[1] < forms[f].lo2 || s[1] > forms[f].hi2)
			return 0;
		for (size_t k = 2; k < len; k++)
			if ((s[k] & 0xC0) != 0x80)
				return 0;
		return len;
	}
	return 0;
}

/* Stop with a message that names the broken promise. */
static void must(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_toml: %s\n", what);
	abort();
}

/* What a TOML reader must give back for `s`: bad bytes as U+FFFD. */
static void expected(const unsigned char *s, size_t n, struct buf *out)
{
	size_t i = 0, k;

	while (i < n) {
		k = seq_len(s + i, n - i);
		if (k) {
			buf_add(out, s + i, k);
			i += k;
		} else {
			buf_adds(out, REPLACEMENT);
			i++;
		}
	}
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put_utf8(struct buf *out, unsigned long cp)
{
	unsigned char s[4];
	size_t n;

	if (cp < 0x80) {
		s[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		s[0] = (unsigned char)(0xC0 | cp >> 6);
		s[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		s[0] = (unsigned char)(0xE0 | cp >> 12);
		s[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		s[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		s[0] = (unsigned char)(0xF0 | cp >> 18);
		s[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		s[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		s[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_add(out, s, n);
}

/* One escape at s[*i] (just past the backslash). false: not TOML. */
static bool read_escape(const char *s, size_t n, size_t *i, struct buf *out)
{
	static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
	const char *e = *i < n ? memchr(from, s[*i], sizeof(from) - 1) : NULL;
	unsigned long cp = 0;
	size_t digits;

	if (e) {
		buf_addch(out, to[e - from]);
		(*i)++;
		return true;
	}
	if (*i >= n || (s[*i] != 'u' && s[*i] != 'U'))
		return false;
	digits = s[*i] == 'u' ? 4 : 8;
	if (n - *i - 1 < digits)
		return false;
	for (size_t k = 1; k <= digits; k++) {
		int d = hex(s[*i + k]);

		if (d < 0)
			return false;
		cp = cp << 4 | (unsigned long)d;
	}
	/* a Unicode scalar value: no surrogates, nothing past U+10FFFF */
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return false;
	put_utf8(out, cp);
	*i += digits + 1;
	return true;
}

/* Raw bytes a string may hold: no control characters but `allowed`. */
static bool raw_ok(unsigned char c, const char *allowed)
{
	if (c == 0x7F)
		return false;
	return c >= 0x20 || (c && strchr(allowed, c));
}

/*
 * Read the basic string that is all of `s`. false when it is not one, or
 * has anything after its closing quote.
 */
static bool read_basic(const char *s, size_t n, struct buf *out)
{
	size_t i = 1;

	if (n < 2 || s[0] != '"')
		return false;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"')
			return i == n - 1;
		if (c == '\\') {
			i++;
			if (!read_escape(s, n, &i, out))
				return false;
			continue;
		}
		if (!raw_ok(c, "\t"))
			return false;
		buf_addch(out, (char)c);
		i++;
	}
	return false;
}

/*
 * Read the multi-line basic string that is all of `s`: the line feed right
 * after the opening quotes trimmed, a backslash at the end of a line
 * trimming the white space after it, one or two quotes allowed before the
 * closing three. Raw carriage returns are refused: toml.c escapes them.
 */
static bool read_multiline(const char *s, size_t n, struct buf *out)
{
	size_t i = 3, run;

	if (n < 6 || memcmp(s, "\"\"\"", 3))
		return false;
	if (s[i] == '\n')
		i++;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"') {
			for (run = 0; i + run < n && s[i + run] == '"'; run++)
				;
			if (run < 3) {
				buf_add(out, s + i, run);
				i += run;
				continue;
			}
			if (run > 5)
				return false;
			buf_add(out, s + i, run - 3);
			return i + run == n;
		}
		if (c == '\\') {
			size_t j = i + 1;

			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			if (j < n && (s[j] == '\n' || s[j] == '\r')) {
				while (j < n && strchr(" \t\r\n", s[j]))
					j++;
				i = j;
				continue;
			}
			i++;
			if (!read_escape(s, n, &i, out))
				return false;
			continue;
		}
		/* toml.c escapes CR, so no reader's newline handling applies */
		if (!raw_ok(c, "\t\n"))
			return false;
		buf_addch(out, (char)c);
		i++;
	}
	return false;
}

/* Whether a reader gave back what it should. */
static bool same(const struct buf *got, const struct buf *want)
{
	return got->len == want->len &&
	       !memcmp(got->data, want->data, got->len);
}

static bool valid_utf8(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		k = seq_len((const unsigned char *)s + i, n - i);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

static void check_string(const uint8_t *data, size_t size,
			 const struct buf *want)
{
	struct buf out = BUF_INIT, got = BUF_INIT;

	must(!toml_add_string(&out, (const char *)data, size),
	     "toml_add_string failed");
	must(valid_utf8(out.data, out.len), "basic string is not UTF-8");
	must(read_basic(out.data, out.len, &got), "basic string is not TOML");
	must(same(&got, want), "basic string reads back changed");
	buf_release(&out);
	buf_release(&got);
}

static void check_multiline(const uint8_t *data, size_t size,
			    const struct buf *want)
{
	struct buf out = BUF_INIT, got = BUF_INIT;

	/* written after a key, as the renderers do */
	buf_adds(&out, "k = ");
	must(!toml_add_multiline(&out, (const char *)data, size),
	     "toml_add_multiline failed");
	must(valid_utf8(out.data, out.len), "multi-line string is not UTF-8");
	must(read_multiline(out.data + 4, out.len - 4, &got),
	     "multi-line string is not TOML");
	must(same(&got, want), "multi-line string reads back changed");
	buf_release(&out);
	buf_release(&got);
}

static bool is_bare(const char *k)
{
	if (!*k)
		return false;
	for (; *k; k++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
			    *k))
			return false;
	return true;
}

static void check_key(const uint8_t *data, size_t size)
{
	struct buf key = BUF_INIT, out = BUF_INIT, got = BUF_INIT;
	struct buf want = BUF_INIT;
	size_t len = strnlen((const char *)data, size);

	buf_add(&key, data, len);
	must(!toml_add_key(&out, key.data), "toml_add_key failed");
	must(out.len >= 3 && !memcmp(out.data + out.len - 3, " = ", 3),
	     "key does not end with \" = \"");
	out.len -= 3;
	if (is_bare(key.data)) {
		must(out.len == key.len && !memcmp(out.data, key.data, key.len),
		     "bare key changed");
	} else {
		expected((const unsigned char *)key.data, key.len, &want);
		must(read_basic(out.data, out.len, &got) && same(&got, &want),
		     "quoted key reads back changed");
	}
	buf_release(&key);
	buf_release(&out);
	buf_release(&got);
	buf_release(&want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf want = BUF_INIT;

	expected(data, size, &want);
	check_string(data, size, &want);
	check_multiline(data, size, &want);
	check_key(data, size);
	buf_release(&want);
	return 0;
}
