/*
 * toml.c - TOML strings escaped so that any bytes read back unchanged.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/toml.h"
#include "aiwgfs/util.h"

#define REPLACEMENT_CHAR "\xEF\xBF\xBD"

/* The escape of an ASCII control character, DEL, quote or backslash. */
static int add_escape(struct buf *out, unsigned char c)
{
	const char *e;

	switch (c) {
	case '\b':
		e = "\\b";
		break;
	case '\t':
		e = "\\t";
		break;
	case '\n':
		e = "\\n";
		break;
	case '\f':
		e = "\\f";
		break;
	case '\r':
		e = "\\r";
		break;
	case '"':
		e = "\\\"";
		break;
	case '\\':
		e = "\\\\";
		break;
	default:
		return buf_addf(out, "\\u%04X", c);
	}
	return buf_adds(out, e);
}

static bool needs_escape(unsigned char c, bool multiline)
{
	if (c == '\\' || c == 0x7F)
		return true;
	if (c == '\n' || c == '\t')
		return !multiline;
	if (c == '"')
		return !multiline;
	return c < 0x20;
}

/*
 * Append the character at s[i] (or the U+FFFD that replaces a bad byte)
 * and return how many bytes it took, or 0 when memory ran out.
 */
static size_t add_char(struct buf *out, const char *s, size_t len, size_t i,
		       bool multiline)
{
	const unsigned char *u = (const unsigned char *)s + i;
	size_t n;
	int rc;

	if (*u < 0x80) {
		if (needs_escape(*u, multiline))
			rc = add_escape(out, *u);
		else
			rc = buf_addch(out, (char)*u);
		return rc ? 0 : 1;
	}
	n = str_utf8_seq((const char *)u, len - i);
	if (!n)
		return buf_adds(out, REPLACEMENT_CHAR) ? 0 : 1;
	return buf_add(out, u, n) ? 0 : n;
}

int toml_add_string(struct buf *out, const char *s, size_t len)
{
	size_t i = 0, n;

	if (buf_addch(out, '"'))
		return -ENOMEM;
	while (i < len) {
		n = add_char(out, s, len, i, false);
		if (!n)
			return -ENOMEM;
		i += n;
	}
	return buf_addch(out, '"');
}

/*
 * Inside """...""" a quote is escaped when two raw quotes precede it, and
 * when only quotes follow it: a run of quotes before the closing delimiter
 * is legal TOML, but not every reader takes it.
 */
int toml_add_multiline(struct buf *out, const char *s, size_t len)
{
	size_t i = 0, n, quotes = 0, tail = len;

	while (tail > 0 && s[tail - 1] == '"')
		tail--;
	/* a line feed right after the opening quotes is not part of it */
	if (buf_adds(out, "\"\"\"\n"))
		return -ENOMEM;
	while (i < len) {
		if (s[i] == '"' && (quotes == 2 || i >= tail)) {
			if (buf_adds(out, "\\\""))
				return -ENOMEM;
			quotes = 0;
			i++;
			continue;
		}
		quotes = s[i] == '"' ? quotes + 1 : 0;
		n = add_char(out, s, len, i, true);
		if (!n)
			return -ENOMEM;
		i += n;
	}
	return buf_adds(out, "\"\"\"");
}

static bool is_bare_key(const char *key)
{
	if (!*key)
		return false;
	for (const char *p = key; *p; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

int toml_add_key(struct buf *out, const char *key)
{
	int rc;

	if (is_bare_key(key))
		rc = buf_adds(out, key);
	else
		rc = toml_add_string(out, key, strlen(key));
	if (!rc)
		rc = buf_adds(out, " = ");
	return rc;
}
