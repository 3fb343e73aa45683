/*
 * markdown.c - plain text out of Markdown bodies, via md4c.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include <md4c.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/markdown.h"

#define REPLACEMENT_CHAR "\xEF\xBF\xBD"

struct para {
	struct buf text;
	unsigned nest;	    /* open lists, block quotes and tables */
	bool inside;	    /* in a top-level paragraph */
	bool done;	    /* `text` holds the first paragraph with text */
	bool in_heading;    /* in the first top-level heading */
	struct buf heading; /* its text, the fallback */
	int err;
};

/*
 * What a callback returns to stop md4c. Despite md4c.h, only a negative
 * value stops every version (md4c issue #266), and md_parse() then returns
 * it, which looks like its own failure: the outcome is read from struct para.
 */
#define PARA_STOP (-1)

static bool is_container(MD_BLOCKTYPE type)
{
	return type == MD_BLOCK_QUOTE || type == MD_BLOCK_UL ||
	       type == MD_BLOCK_OL || type == MD_BLOCK_TABLE;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool has_text(const struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++) {
		if (!is_space(b->data[i]))
			return true;
	}
	return false;
}

static int para_enter(MD_BLOCKTYPE type, void *detail, void *data)
{
	struct para *p = data;

	if (is_container(type))
		p->nest++;
	else if (type == MD_BLOCK_P && !p->nest)
		p->inside = true;
	else if (type == MD_BLOCK_H && !p->nest && !p->heading.len)
		p->in_heading = true;
	return 0;
}

/* The first paragraph with any text in it ends the search. */
static int para_leave(MD_BLOCKTYPE type, void *detail, void *data)
{
	struct para *p = data;

	if (is_container(type)) {
		p->nest--;
		return 0;
	}
	if (type == MD_BLOCK_H)
		p->in_heading = false;
	if (type != MD_BLOCK_P || !p->inside)
		return 0;
	p->inside = false;
	if (has_text(&p->text)) {
		p->done = true;
		return PARA_STOP;
	}
	buf_reset(&p->text);
	return 0;
}

/* md4c calls these without checking for NULL; markup is simply dropped. */
static int para_span(MD_SPANTYPE type, void *detail, void *data)
{
	return 0;
}

static int add_utf8(struct buf *b, unsigned long cp)
{
	char s[4];

	if (!cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return buf_adds(b, REPLACEMENT_CHAR);
	if (cp < 0x80)
		return buf_addch(b, (char)cp);
	if (cp < 0x800) {
		s[0] = (char)(0xC0 | cp >> 6);
		s[1] = (char)(0x80 | (cp & 0x3F));
		return buf_add(b, s, 2);
	}
	if (cp < 0x10000) {
		s[0] = (char)(0xE0 | cp >> 12);
		s[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		s[2] = (char)(0x80 | (cp & 0x3F));
		return buf_add(b, s, 3);
	}
	s[0] = (char)(0xF0 | cp >> 18);
	s[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	s[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	s[3] = (char)(0x80 | (cp & 0x3F));
	return buf_add(b, s, 4);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "&#65;" or "&#x41;", as md4c hands them over: digits, then ';'. */
static int add_numeric_entity(struct buf *b, const char *s, size_t n)
{
	bool hex = n > 3 && (s[2] == 'x' || s[2] == 'X');
	unsigned long cp = 0;
	size_t i;
	int d;

	for (i = hex ? 3 : 2; i < n && s[i] != ';'; i++) {
		d = hex_digit(s[i]);
		if (d < 0 || (!hex && d > 9))
			return buf_add(b, s, n);
		/* anything this large is out of range anyway */
		if (cp <= 0x10FFFF)
			cp = cp * (hex ? 16 : 10) + (unsigned long)d;
	}
	return add_utf8(b, cp);
}

static int add_entity(struct buf *b, const char *s, size_t n)
{
	static const struct {
		const char *name;
		const char *text;
	} named[] = {
		{ "&amp;", "&" },   { "&lt;", "<" },   { "&gt;", ">" },
		{ "&quot;", "\"" }, { "&apos;", "'" }, { "&nbsp;", " " },
	};
	size_t i;

	if (n > 3 && s[1] == '#')
		return add_numeric_entity(b, s, n);
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (strlen(named[i].name) == n && !memcmp(named[i].name, s, n))
			return buf_adds(b, named[i].text);
	}
	return buf_add(b, s, n);
}

static int para_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *data)
{
	struct para *p = data;
	struct buf *b = &p->text;

	if (p->in_heading && (type == MD_TEXT_NORMAL || type == MD_TEXT_CODE))
		b = &p->heading;
	else if (!p->inside)
		return 0;
	switch (type) {
	case MD_TEXT_NORMAL:
	case MD_TEXT_CODE:
	case MD_TEXT_LATEXMATH:
		p->err = buf_add(b, s, n);
		break;
	case MD_TEXT_BR:
	case MD_TEXT_SOFTBR:
		p->err = buf_addch(b, ' ');
		break;
	case MD_TEXT_NULLCHAR:
		p->err = buf_adds(b, REPLACEMENT_CHAR);
		break;
	case MD_TEXT_ENTITY:
		p->err = add_entity(b, s, n);
		break;
	case MD_TEXT_HTML:
		break;
	}
	return p->err ? PARA_STOP : 0;
}

int md_first_paragraph(const char *body, size_t len, struct buf *out)
{
	MD_PARSER parser = {
		.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH,
		.enter_block = para_enter,
		.leave_block = para_leave,
		.enter_span = para_span,
		.leave_span = para_span,
		.text = para_text,
	};
	struct para p = { .text = BUF_INIT, .heading = BUF_INIT };
	struct buf clean = BUF_INIT;
	int rc;

	/* md4c sizes are 32 bits; the first paragraph comes well before */
	if (len > UINT_MAX)
		len = UINT_MAX;
	rc = md_parse(body, (MD_SIZE)len, &parser, &p);
	if (!p.err && !p.done && has_text(&p.heading)) {
		/* No paragraph: the first heading says what it is about. */
		buf_release(&p.text);
		p.text = p.heading;
		buf_init(&p.heading);
		p.done = true;
	}
	if (p.err || !p.done) {
		/* otherwise md4c itself failed, which it does only for memory
		 */
		rc = p.err ? p.err : rc ? -ENOMEM : 0;
		goto out;
	}
	rc = md_clean_text(p.text.data, p.text.len, 0, &clean);
	if (!rc)
		rc = buf_add(out, clean.data, clean.len);
out:
	buf_release(&clean);
	buf_release(&p.text);
	buf_release(&p.heading);
	return rc;
}

static int collapse_space(struct buf *b, const char *s, size_t n)
{
	size_t i = 0, start;

	if (buf_grow(b, n))
		return -ENOMEM;
	while (i < n) {
		while (i < n && is_space(s[i]))
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && !is_space(s[i]))
			i++;
		if ((b->len && buf_addch(b, ' ')) ||
		    buf_add(b, s + start, i - start))
			return -ENOMEM;
	}
	return 0;
}

/*
 * Cut `b` (longer than `limit`) at the last space that leaves room for
 * "...", or when there is none at the last character boundary.
 */
static int cut_text(struct buf *b, size_t limit)
{
	size_t dots = limit >= 3 ? 3 : 0, room = limit - dots, cut, k;

	for (cut = room; cut > 0 && b->data[cut] != ' '; cut--)
		;
	if (!cut) {
		cut = room;
		/* back over at most three UTF-8 continuation bytes */
		for (k = 0; k < 3 && cut > 0 &&
			    ((unsigned char)b->data[cut] & 0xC0) == 0x80;
		     k++)
			cut--;
	}
	b->len = cut;
	b->data[cut] = '\0';
	return buf_add(b, "...", dots);
}

int md_clean_text(const char *text, size_t len, size_t limit, struct buf *out)
{
	struct buf b = BUF_INIT;
	int rc;

	/* built aside, so `text` may point into `out` */
	rc = collapse_space(&b, text, len);
	if (!rc && limit && b.len > limit)
		rc = cut_text(&b, limit);
	if (rc) {
		buf_release(&b);
		return rc;
	}
	buf_release(out);
	*out = b;
	return 0;
}
