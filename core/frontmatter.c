/*
 * frontmatter.c - find, parse and emit the YAML block at the top of a file.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/frontmatter.h"
#include "aiwgfs/util.h"

/*
 * No real frontmatter comes near this; it bounds the quadratic cost of the
 * duplicate-key check on hostile input.
 */
#define FM_MAX_FIELDS 4096

/* The block starts on the line after the opening "---", line 2 of the file. */
#define FM_FIRST_LINE 2
/* Collections nested deeper make libyaml too slow; see too_deep(). */
#define FM_MAX_DEPTH 64

/* A NULL-terminated vector of strings it owns. */
struct strvec {
	char **v;
	size_t n;
	size_t cap;
};

/* Why libyaml's reading was refused, for `aiwgfs check`. */
struct refusal {
	const char *problem;
	size_t line; /* 0-based within the block */
};

struct span {
	const char *p;
	size_t n;
};

static void strvec_free(struct strvec *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
	sv->cap = 0;
}

/* Take over `s` (freed on failure). */
static int strvec_push_owned(struct strvec *sv, char *s)
{
	char **v;
	size_t cap;

	if (!s)
		return -ENOMEM;
	if (sv->n + 2 > sv->cap) {
		cap = sv->cap ? sv->cap * 2 : 8;
		/* fm_get_list() returns the count as an int */
		if (cap > INT_MAX)
			goto out_free;
		v = realloc(sv->v, cap * sizeof(*v));
		if (!v)
			goto out_free;
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
	return 0;

out_free:
	free(s);
	return -ENOMEM;
}

static int strvec_push(struct strvec *sv, const char *s, size_t len)
{
	return strvec_push_owned(sv, strndup(s, len));
}

/* The array, never NULL even when empty; `sv` is left empty. */
static char **strvec_take(struct strvec *sv)
{
	char **v = sv->v;

	if (!v)
		v = calloc(1, sizeof(*v));
	sv->v = NULL;
	sv->n = 0;
	sv->cap = 0;
	return v;
}

static bool is_blank_char(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static struct span span_trim(const char *p, size_t n)
{
	struct span s = { p, n };

	while (s.n && is_blank_char(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_blank_char(s.p[s.n - 1]))
		s.n--;
	return s;
}

/*
 * The length of the line at `off` without its LF or CRLF; *next is set to
 * the start of the following line, or `len`.
 */
static size_t line_span(const char *text, size_t len, size_t off, size_t *next)
{
	const char *nl = memchr(text + off, '\n', len - off);
	size_t end = nl ? (size_t)(nl - text) : len;

	*next = nl ? end + 1 : len;
	if (end > off && text[end - 1] == '\r')
		end--;
	return end - off;
}

static bool is_fence(const char *text, size_t len, size_t off, size_t *next)
{
	return line_span(text, len, off, next) == 3 &&
	       !memcmp(text + off, "---", 3);
}

/* Set the offsets of `fm`; false when there is no (closed) frontmatter. */
static bool fm_locate(struct frontmatter *fm, const char *text, size_t len)
{
	size_t off = 0, start, next;

	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		off = 3;
	fm->body_off = off;
	if (!is_fence(text, len, off, &next))
		return false;
	for (start = off = next; off < len; off = next) {
		if (is_fence(text, len, off, &next)) {
			fm->present = true;
			fm->raw_off = start;
			fm->raw_len = off - start;
			fm->body_off = next;
			return true;
		}
	}
	fm->unclosed = true;
	return false;
}

static void field_release(struct fm_field *f)
{
	size_t i;

	free(f->key);
	free(f->value);
	for (i = 0; i < f->nitems; i++)
		free(f->items[i]);
	free(f->items);
	memset(f, 0, sizeof(*f));
}

static void fm_clear_fields(struct frontmatter *fm)
{
	size_t i;

	for (i = 0; i < fm->nfields; i++)
		field_release(&fm->fields[i]);
	free(fm->fields);
	fm->fields = NULL;
	fm->nfields = 0;
}

static bool fm_has_key(const struct frontmatter *fm, const char *key,
		       size_t klen)
{
	size_t i;

	for (i = 0; i < fm->nfields; i++) {
		if (!strncmp(fm->fields[i].key, key, klen) &&
		    !fm->fields[i].key[klen])
			return true;
	}
	return false;
}

/* Take over `f`; on failure it is released. */
static int fm_append(struct frontmatter *fm, struct fm_field *f)
{
	struct fm_field *v;

	v = realloc(fm->fields, (fm->nfields + 1) * sizeof(*v));
	if (!v) {
		field_release(f);
		return -ENOMEM;
	}
	fm->fields = v;
	fm->fields[fm->nfields++] = *f;
	memset(f, 0, sizeof(*f));
	return 0;
}

static bool is_null_word(const char *s, size_t n)
{
	if (n == 1)
		return s[0] == '~';
	return n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) ||
			  !memcmp(s, "NULL", 4));
}

/*
 * Walking libyaml's document. Every node is taken at most once: a node met a
 * second time is reached through an alias, and is treated as something we do
 * not keep. That keeps the copied text no larger than the input however
 * many aliases point at one long scalar. The nodes of values that are not
 * kept are taken all the same, or a later alias to an anchor inside them
 * would be expanded.
 */
struct walk {
	yaml_document_t *doc;
	/* the block libyaml read, to find where an alias key stands */
	const char *raw;
	size_t len;
	unsigned char *taken;
	int *stack; /* room for every node, see walk_below() */
	bool alias; /* a node was met again since this was last cleared */
};

static yaml_node_t *walk_take(struct walk *w, int index)
{
	yaml_node_t *node = yaml_document_get_node(w->doc, index);

	if (node && w->taken[index - 1])
		w->alias = true;
	if (!node || w->taken[index - 1])
		return NULL;
	w->taken[index - 1] = 1;
	return node;
}

/* Take the node at `index`; a collection is kept on the stack to visit. */
static void walk_push(struct walk *w, size_t *depth, int index)
{
	yaml_node_t *node = walk_take(w, index);

	if (node && node->type != YAML_SCALAR_NODE)
		w->stack[(*depth)++] = index;
}

/*
 * Take every node below `node`, which is taken already, keeping none. A
 * node met again on the way sets the alias flag like any other. Values can
 * nest as deep as the block is long, so this keeps its own stack instead of
 * recursing; a node goes on it only when first taken, so the stack never
 * needs more room than the document has nodes, and the whole walk visits
 * each node once however the aliases point.
 */
static void walk_below(struct walk *w, yaml_node_t *node)
{
	yaml_node_pair_t *pair;
	yaml_node_item_t *it;
	size_t depth = 0;

	for (;;) {
		if (node->type == YAML_SEQUENCE_NODE) {
			for (it = node->data.sequence.items.start;
			     it < node->data.sequence.items.top; it++)
				walk_push(w, &depth, *it);
		} else if (node->type == YAML_MAPPING_NODE) {
			for (pair = node->data.mapping.pairs.start;
			     pair < node->data.mapping.pairs.top; pair++) {
				walk_push(w, &depth, pair->key);
				walk_push(w, &depth, pair->value);
			}
		}
		if (!depth)
			return;
		node = yaml_document_get_node(w->doc, w->stack[--depth]);
	}
}

/* Take the node at `index` and everything below it, keeping none. */
static void walk_skip(struct walk *w, int index)
{
	yaml_node_t *node = walk_take(w, index);

	if (node)
		walk_below(w, node);
}

static char *scalar_dup(const yaml_node_t *node)
{
	const char *s = (const char *)node->data.scalar.value;
	size_t n = node->data.scalar.length;

	if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    is_null_word(s, n))
		n = 0;
	return strndup(s, n);
}

static int walk_list(struct walk *w, struct fm_field *f, yaml_node_t *seq)
{
	struct strvec sv = { 0 };
	yaml_node_item_t *it;
	yaml_node_t *node;
	int rc;

	for (it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		node = walk_take(w, *it);
		if (!node || node->type != YAML_SCALAR_NODE)
			goto other;
		rc = strvec_push_owned(&sv, scalar_dup(node));
		if (rc) {
			strvec_free(&sv);
			return rc;
		}
	}
	f->type = FM_LIST;
	f->nitems = sv.n;
	f->items = strvec_take(&sv);
	return f->items ? 0 : -ENOMEM;

other:
	/* what is left of the list is not kept, but its anchors still count */
	if (node)
		walk_below(w, node);
	for (it++; it < seq->data.sequence.items.top; it++)
		walk_skip(w, *it);
	strvec_free(&sv);
	f->type = FM_OTHER;
	return 0;
}

static int walk_value(struct walk *w, struct fm_field *f, int index)
{
	yaml_node_t *node = walk_take(w, index);

	f->type = FM_OTHER;
	if (!node)
		return 0;
	if (node->type == YAML_SEQUENCE_NODE)
		return walk_list(w, f, node);
	if (node->type != YAML_SCALAR_NODE) {
		walk_below(w, node);
		return 0;
	}
	f->type = FM_SCALAR;
	f->value = scalar_dup(node);
	return f->value ? 0 : -ENOMEM;
}

/* Keep the first key (of `klen` bytes) found wanting, with its line. */
static int fm_note(char **key, size_t *line, const char *k, size_t klen,
		   size_t yaml_line)
{
	if (*key)
		return 0;
	*key = strndup(k, klen);
	*line = FM_FIRST_LINE + yaml_line;
	return *key ? 0 : -ENOMEM;
}

/*
 * The line (0-based in the block) of node `nth` of the root mapping, counting
 * its keys and values in order, when that node is an alias. The document
 * keeps no place for an alias: it holds the anchored node instead, with the
 * anchor's marks. So the block, which libyaml has read once already, is read
 * again as events. Returns 1 when found, 0 when not, or -ENOMEM.
 */
static int alias_line(const struct walk *w, size_t nth, size_t *line)
{
	yaml_parser_t parser;
	size_t depth = 0, seen = 0;
	bool node, done = false;
	yaml_event_t ev;
	int rc = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)w->raw,
				     w->len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			if (parser.error == YAML_MEMORY_ERROR)
				rc = -ENOMEM;
			break;
		}
		node = ev.type == YAML_SCALAR_EVENT ||
		       ev.type == YAML_ALIAS_EVENT ||
		       ev.type == YAML_SEQUENCE_START_EVENT ||
		       ev.type == YAML_MAPPING_START_EVENT;
		if (node && depth == 1 && seen++ == nth) {
			if (ev.type == YAML_ALIAS_EVENT) {
				*line = ev.start_mark.line;
				rc = 1;
			}
			done = true;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (ev.type == YAML_SEQUENCE_END_EVENT ||
			 ev.type == YAML_MAPPING_END_EVENT)
			done = --depth == 0;
		else if (ev.type == YAML_STREAM_END_EVENT)
			done = true;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return rc;
}

/*
 * A key that is an alias (`*k : 1`) stands for a key given elsewhere; it is
 * not kept, but noted as aliased so that `aiwgfs check` names it. It goes by
 * the anchored scalar's text, or "*alias" when the anchor is a collection.
 */
static int note_alias_key(struct frontmatter *fm, struct walk *w,
			  const yaml_node_t *map, const yaml_node_pair_t *pair)
{
	yaml_node_t *key = yaml_document_get_node(w->doc, pair->key);
	size_t nth = (size_t)(pair - map->data.mapping.pairs.start) * 2;
	const char *k = "*alias";
	size_t klen = strlen(k), line;
	int rc;

	if (fm->aliased || !key)
		return 0;
	/* the anchor's place, should the alias not be found again */
	line = key->start_mark.line;
	rc = alias_line(w, nth, &line);
	if (rc < 0)
		return rc;
	if (key->type == YAML_SCALAR_NODE) {
		k = (const char *)key->data.scalar.value;
		klen = strnlen(k, key->data.scalar.length);
	}
	return fm_note(&fm->aliased, &fm->aliased_line, k, klen, line);
}

static int walk_mapping(struct frontmatter *fm, struct walk *w,
			yaml_node_t *map)
{
	yaml_node_pair_t *pair;
	struct fm_field f;
	yaml_node_t *key;
	const char *k;
	size_t klen;
	int rc;

	for (pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++) {
		w->alias = false;
		key = walk_take(w, pair->key);
		if (!key && w->alias) {
			rc = note_alias_key(fm, w, map, pair);
			if (rc)
				return rc;
		}
		/* a pair not kept is taken all the same: its anchors count */
		if (!key || key->type != YAML_SCALAR_NODE) {
			if (key)
				walk_below(w, key);
			walk_skip(w, pair->value);
			continue;
		}
		k = (const char *)key->data.scalar.value;
		/* a "\0" escape ends the key, as it ends the copy kept */
		klen = strnlen(k, key->data.scalar.length);
		if (fm_has_key(fm, k, klen)) {
			rc = fm_note(&fm->repeated, &fm->repeated_line, k, klen,
				     key->start_mark.line);
			if (rc)
				return rc;
			walk_skip(w, pair->value);
			continue;
		}
		if (fm->nfields >= FM_MAX_FIELDS)
			break;
		memset(&f, 0, sizeof(f));
		f.key = strndup(k, klen);
		if (!f.key)
			return -ENOMEM;
		rc = walk_value(w, &f, pair->value);
		if (!rc && w->alias)
			rc = fm_note(&fm->aliased, &fm->aliased_line, k, klen,
				     key->start_mark.line);
		if (rc) {
			field_release(&f);
			return rc;
		}
		rc = fm_append(fm, &f);
		if (rc)
			return rc;
	}
	return 0;
}

static int refuse(struct refusal *why, const char *problem, size_t line)
{
	why->problem = problem;
	why->line = line;
	return 1;
}

static size_t count_lines(const char *s, size_t n)
{
	const char *end = s + n, *nl;
	size_t lines = 0;

	while ((nl = memchr(s, '\n', (size_t)(end - s)))) {
		lines++;
		s = nl + 1;
	}
	return lines;
}

static int parser_refusal(const yaml_parser_t *parser, const char *raw,
			  size_t len, struct refusal *why)
{
	size_t line = parser->problem_mark.line;

	if (parser->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	/* the reader reports a byte offset and leaves the mark unset */
	if (parser->error == YAML_READER_ERROR)
		line = count_lines(raw, parser->problem_offset < len
						? parser->problem_offset
						: len);
	return refuse(why, parser->problem ? parser->problem : "invalid YAML",
		      line);
}

/* Take the fields of the root mapping; 1 when the root is something else. */
static int load_root(struct frontmatter *fm, yaml_document_t *doc,
		     const char *raw, size_t len, struct refusal *why)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	struct walk w = { .doc = doc, .raw = raw, .len = len };
	size_t nodes = (size_t)(doc->nodes.top - doc->nodes.start);
	int rc = -ENOMEM;

	if (!root)
		return 0;
	if (root->type != YAML_MAPPING_NODE)
		return refuse(why, "the top level is not a mapping",
			      root->start_mark.line);
	w.taken = calloc(nodes, 1);
	w.stack = calloc(nodes, sizeof(*w.stack));
	if (w.taken && w.stack) {
		walk_take(&w, 1);
		rc = walk_mapping(fm, &w, root);
	}
	free(w.stack);
	free(w.taken);
	return rc;
}

/*
 * The line (1-based, in the block) where collections first nest deeper
 * than FM_MAX_DEPTH, or 0. libyaml takes time that grows with the square
 * of the depth of flow collections: a block of a megabyte of "[" would
 * hold the daemon for minutes. No real frontmatter nests like that, so such
 * a block goes to the lenient reader at once. The parser's events tell
 * the depth exactly, and stop coming as soon as it is too deep; they are
 * asked for only when the block has enough brackets to be deep at all.
 */
static size_t too_deep(const char *raw, size_t len)
{
	size_t brackets = 0, depth = 0, line = 0;
	yaml_parser_t parser;
	yaml_event_t ev;

	for (size_t i = 0; i < len; i++)
		brackets += raw[i] == '[' || raw[i] == '{';
	if (brackets <= FM_MAX_DEPTH || !yaml_parser_initialize(&parser))
		return 0;
	yaml_parser_set_input_string(&parser, (const unsigned char *)raw, len);
	while (!line && yaml_parser_parse(&parser, &ev)) {
		bool end = ev.type == YAML_STREAM_END_EVENT;

		if (ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > FM_MAX_DEPTH)
				line = ev.start_mark.line + 1;
		} else if (ev.type == YAML_SEQUENCE_END_EVENT ||
			   ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		yaml_event_delete(&ev);
		if (end)
			break;
	}
	/* an error is the loader's to report */
	yaml_parser_delete(&parser);
	return line;
}

/* 0 when libyaml read the block, 1 when it refused (see *why), or -ENOMEM. */
static int fm_load_yaml(struct frontmatter *fm, const char *raw, size_t len,
			struct refusal *why)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *extra;
	size_t deep = too_deep(raw, len);
	int rc;

	if (deep)
		return refuse(why, "collections nested too deep", deep - 1);
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)raw, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = parser_refusal(&parser, raw, len, why);
		goto out_parser;
	}
	rc = load_root(fm, &doc, raw, len, why);
	yaml_document_delete(&doc);
	if (rc)
		goto out_parser;
	/* a second document would be dropped without a word */
	if (!yaml_parser_load(&parser, &doc)) {
		rc = parser_refusal(&parser, raw, len, why);
		goto out_parser;
	}
	extra = yaml_document_get_root_node(&doc);
	if (extra)
		rc = refuse(why, "more than one document",
			    extra->start_mark.line);
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
	return rc;
}

/*
 * The lenient reader, for blocks libyaml refuses: top-level "key: value"
 * lines, "key:" followed by "- item" lines, one-line "[a, b]" lists and
 * "|" or ">" block scalars. Everything else is passed over.
 */
struct cursor {
	const char *text;
	size_t len;
	size_t next; /* start of the first line not yet read */
};

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool is_indent(char c)
{
	return c == ' ' || c == '\t';
}

static size_t leading_ws(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_indent(s[i]))
		i++;
	return i;
}

/* The length of the key of a "key: value" line, or 0 when it is not one. */
static size_t lenient_key(const char *line, size_t n)
{
	size_t i = 0;

	while (i < n && is_key_char(line[i]))
		i++;
	if (!i || i == n || line[i] != ':')
		return 0;
	if (i + 1 < n && !is_indent(line[i + 1]))
		return 0;
	return i;
}

static char unescape_char(char c)
{
	switch (c) {
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case '"':
	case '\\':
	case '/':
		return c;
	default:
		return 0;
	}
}

/* The text between quotes `q`, with the simplest escapes undone. */
static char *unquote(const char *s, size_t n, char q)
{
	char *out = malloc(n + 1), *o = out;
	size_t i;
	char c;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		c = s[i];
		if (i + 1 < n && q == '\'' && c == '\'' && s[i + 1] == '\'')
			i++;
		else if (i + 1 < n && q == '"' && c == '\\' &&
			 unescape_char(s[i + 1]))
			c = unescape_char(s[++i]);
		*o++ = c;
	}
	*o = '\0';
	return out;
}

/* A value with quotes wholly around it removed; a plain null becomes "". */
static char *lenient_value(struct span v)
{
	if (v.n >= 2 && (v.p[0] == '"' || v.p[0] == '\'') &&
	    v.p[v.n - 1] == v.p[0])
		return unquote(v.p + 1, v.n - 2, v.p[0]);
	if (is_null_word(v.p, v.n))
		return strdup("");
	return strndup(v.p, v.n);
}

static bool is_item(struct span t)
{
	return t.n && t.p[0] == '-' && (t.n == 1 || is_indent(t.p[1]));
}

static int field_set_list(struct fm_field *f, struct strvec *sv)
{
	f->type = FM_LIST;
	f->nitems = sv->n;
	f->items = strvec_take(sv);
	return f->items ? 0 : -ENOMEM;
}

static int field_set_str(struct fm_field *f, char *value)
{
	f->type = FM_SCALAR;
	f->value = value;
	return value ? 0 : -ENOMEM;
}

/* "key:" alone: the "- item" lines after it, or an empty scalar. */
static int lenient_block_list(struct fm_field *f, struct cursor *c)
{
	struct strvec sv = { 0 };
	size_t at, n, after;
	bool other = false;
	struct span t;
	int rc;

	for (at = c->next; at < c->len; at = after) {
		n = line_span(c->text, c->len, at, &after);
		t = span_trim(c->text + at, n);
		if (!t.n)
			continue;
		if (is_item(t)) {
			t = span_trim(t.p + 1, t.n - 1);
			rc = strvec_push_owned(&sv, lenient_value(t));
			if (rc) {
				strvec_free(&sv);
				return rc;
			}
		} else if (is_indent(c->text[at])) {
			other = true;
		} else {
			break;
		}
	}
	c->next = at;
	if (sv.n)
		return field_set_list(f, &sv);
	if (other) {
		f->type = FM_OTHER;
		return 0;
	}
	return field_set_str(f, strdup(""));
}

static bool is_block_scalar(struct span v)
{
	static const char after[] = "-+0123456789 \t#";

	return (v.p[0] == '|' || v.p[0] == '>') &&
	       (v.n == 1 || memchr(after, v.p[1], sizeof(after) - 1));
}

/* The indented lines after "key: |" (kept as lines) or "key: >" (joined). */
static int lenient_block_scalar(struct fm_field *f, struct cursor *c,
				bool literal)
{
	size_t at, n, after, ws, indent = 0;
	struct buf b = BUF_INIT;
	const char *start;
	struct span t;
	int rc = 0;

	for (at = c->next; at < c->len && !rc; at = after) {
		n = line_span(c->text, c->len, at, &after);
		ws = leading_ws(c->text + at, n);
		if (ws == n) {
			if (literal && b.len)
				rc = buf_addch(&b, '\n');
			continue;
		}
		if (!ws)
			break;
		if (!indent)
			indent = ws;
		t = span_trim(c->text + at, n);
		if (literal) {
			start = c->text + at + (ws < indent ? ws : indent);
			t.n += (size_t)(t.p - start);
			t.p = start;
		}
		if (b.len)
			rc = buf_addch(&b, literal ? '\n' : ' ');
		if (!rc)
			rc = buf_add(&b, t.p, t.n);
	}
	c->next = at;
	while (!rc && b.len && b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	if (!rc)
		rc = field_set_str(f, buf_detach(&b, NULL));
	buf_release(&b);
	return rc;
}

static bool is_simple_flow(struct span v)
{
	size_t i;

	if (v.n < 2 || v.p[0] != '[' || v.p[v.n - 1] != ']')
		return false;
	for (i = 1; i + 1 < v.n; i++) {
		if (memchr("[]{}", v.p[i], 4))
			return false;
	}
	return true;
}

/* "[a, 'b, c', d]" split at the commas outside quotes. */
static int lenient_flow_list(struct fm_field *f, struct span v)
{
	const char *s = v.p + 1;
	size_t n = v.n - 2, i, start = 0;
	struct strvec sv = { 0 };
	struct span t;
	char q = 0;
	int rc;

	for (i = 0; i <= n; i++) {
		if (i < n && q) {
			q = s[i] == q ? 0 : q;
			continue;
		}
		if (i < n && s[i] != ',') {
			if ((s[i] == '"' || s[i] == '\'') &&
			    !span_trim(s + start, i - start).n)
				q = s[i];
			continue;
		}
		t = span_trim(s + start, i - start);
		start = i + 1;
		if (!t.n)
			continue;
		rc = strvec_push_owned(&sv, lenient_value(t));
		if (rc) {
			strvec_free(&sv);
			return rc;
		}
	}
	return field_set_list(f, &sv);
}

static int lenient_field(struct frontmatter *fm, struct cursor *c,
			 const char *key, size_t klen, struct span v)
{
	struct fm_field f = { 0 };
	int rc;

	f.key = strndup(key, klen);
	if (!f.key)
		return -ENOMEM;
	if (!v.n)
		rc = lenient_block_list(&f, c);
	else if (is_block_scalar(v))
		rc = lenient_block_scalar(&f, c, v.p[0] == '|');
	else if (is_simple_flow(v))
		rc = lenient_flow_list(&f, v);
	else
		rc = field_set_str(&f, lenient_value(v));
	if (rc) {
		field_release(&f);
		return rc;
	}
	return fm_append(fm, &f);
}

static int lenient_read(struct frontmatter *fm, const char *raw, size_t len)
{
	struct cursor c = { raw, len, 0 };
	const char *line;
	size_t n, klen;
	int rc;

	while (c.next < len) {
		line = raw + c.next;
		n = line_span(raw, len, c.next, &c.next);
		klen = lenient_key(line, n);
		if (!klen || fm_has_key(fm, line, klen))
			continue;
		if (fm->nfields >= FM_MAX_FIELDS)
			break;
		rc = lenient_field(fm, &c, line, klen,
				   span_trim(line + klen + 1, n - klen - 1));
		if (rc)
			return rc;
	}
	return 0;
}

static void fm_clear_notes(struct frontmatter *fm)
{
	free(fm->repeated);
	free(fm->aliased);
	fm->repeated = fm->aliased = NULL;
	fm->repeated_line = fm->aliased_line = 0;
}

static int fm_fallback(struct frontmatter *fm, const char *raw,
		       const struct refusal *why)
{
	fm_clear_fields(fm);
	fm_clear_notes(fm);
	fm->lenient = true;
	fm->error = strdup(why->problem);
	if (!fm->error)
		return -ENOMEM;
	fm->error_line = FM_FIRST_LINE + why->line;
	return lenient_read(fm, raw, fm->raw_len);
}

size_t fm_body_offset(const char *text, size_t len)
{
	struct frontmatter fm;

	memset(&fm, 0, sizeof(fm));
	fm_locate(&fm, text, len);
	return fm.body_off;
}

int fm_parse(struct frontmatter *fm, const char *text, size_t len)
{
	struct refusal why = { 0 };
	const char *raw;
	int rc;

	memset(fm, 0, sizeof(*fm));
	if (!fm_locate(fm, text, len))
		return 0;
	raw = text + fm->raw_off;
	rc = fm_load_yaml(fm, raw, fm->raw_len, &why);
	if (rc > 0)
		rc = fm_fallback(fm, raw, &why);
	if (rc < 0) {
		fm_release(fm);
		return rc;
	}
	return 0;
}

void fm_release(struct frontmatter *fm)
{
	fm_clear_fields(fm);
	fm_clear_notes(fm);
	free(fm->error);
	memset(fm, 0, sizeof(*fm));
}

const struct fm_field *fm_get(const struct frontmatter *fm, const char *key)
{
	size_t i;

	for (i = 0; i < fm->nfields; i++) {
		if (!strcmp(fm->fields[i].key, key))
			return &fm->fields[i];
	}
	return NULL;
}

const char *fm_get_str(const struct frontmatter *fm, const char *key)
{
	const struct fm_field *f = fm_get(fm, key);

	return f && f->type == FM_SCALAR ? f->value : NULL;
}

static int split_commas(struct strvec *sv, const char *s)
{
	const char *comma;
	struct span t;
	int rc;

	for (;;) {
		comma = strchr(s, ',');
		t = span_trim(s, comma ? (size_t)(comma - s) : strlen(s));
		if (t.n) {
			rc = strvec_push(sv, t.p, t.n);
			if (rc)
				return rc;
		}
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

int fm_get_list(const struct frontmatter *fm, const char *key, char ***out)
{
	const struct fm_field *f = fm_get(fm, key);
	struct strvec sv = { 0 };
	size_t i;
	int rc = 0;

	*out = NULL;
	if (f && f->type == FM_LIST) {
		for (i = 0; i < f->nitems && !rc; i++)
			rc = strvec_push(&sv, f->items[i], strlen(f->items[i]));
	} else if (f && f->type == FM_SCALAR) {
		rc = split_commas(&sv, f->value);
	}
	if (rc) {
		strvec_free(&sv);
		return rc;
	}
	*out = sv.v;
	return (int)sv.n;
}

void fm_list_free(char **list)
{
	char **p;

	if (!list)
		return;
	for (p = list; *p; p++)
		free(*p);
	free(list);
}

bool fm_get_bool(const struct frontmatter *fm, const char *key)
{
	const char *v = fm_get_str(fm, key);

	return v && (!strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
		     !strcasecmp(v, "on"));
}

/*
 * The writer. Fields are kept as given and rendered in one go, so a value
 * libyaml refuses fails fm_writer_emit() without touching the output.
 */
enum fmw_kind {
	FMW_STR,
	FMW_LIST,
	FMW_BOOL,
	FMW_MAP,
};

struct fmw_field {
	char *key;
	enum fmw_kind kind;
	char *value;  /* FMW_STR */
	char **items; /* FMW_LIST, FMW_MAP (the keys): NULL-terminated */
	bool flag;    /* FMW_BOOL */
	bool *flags;  /* FMW_MAP: one value per key */
};

struct fm_writer {
	struct fmw_field *fields;
	size_t n;
	size_t cap;
};

struct fm_writer *fm_writer_new(void)
{
	return calloc(1, sizeof(struct fm_writer));
}

void fm_writer_free(struct fm_writer *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->n; i++) {
		free(w->fields[i].key);
		free(w->fields[i].value);
		fm_list_free(w->fields[i].items);
		free(w->fields[i].flags);
	}
	free(w->fields);
	free(w);
}

/* A new zeroed field named `key`, or NULL. */
static struct fmw_field *fmw_add(struct fm_writer *w, const char *key,
				 enum fmw_kind kind)
{
	struct fmw_field *v, *f;
	size_t cap;

	if (w->n == w->cap) {
		cap = w->cap ? w->cap * 2 : 8;
		v = realloc(w->fields, cap * sizeof(*v));
		if (!v)
			return NULL;
		w->fields = v;
		w->cap = cap;
	}
	f = &w->fields[w->n];
	memset(f, 0, sizeof(*f));
	f->key = strdup(key);
	if (!f->key)
		return NULL;
	f->kind = kind;
	w->n++;
	return f;
}

static void fmw_drop_last(struct fm_writer *w)
{
	w->n--;
	free(w->fields[w->n].key);
}

int fm_writer_str(struct fm_writer *w, const char *key, const char *value)
{
	struct fmw_field *f = fmw_add(w, key, FMW_STR);

	if (!f)
		return -ENOMEM;
	f->value = strdup(value ? value : "");
	if (!f->value) {
		fmw_drop_last(w);
		return -ENOMEM;
	}
	return 0;
}

/* The n strings of `items` as a NULL-terminated copy in *out. */
static int fmw_copy_items(const char *const *items, size_t nitems, char ***out)
{
	struct strvec sv = { 0 };
	size_t i;
	int rc = 0;

	for (i = 0; i < nitems && !rc; i++)
		rc = strvec_push(&sv, items[i] ? items[i] : "",
				 items[i] ? strlen(items[i]) : 0);
	if (!rc) {
		*out = strvec_take(&sv);
		rc = *out ? 0 : -ENOMEM;
	}
	if (rc)
		strvec_free(&sv);
	return rc;
}

int fm_writer_list(struct fm_writer *w, const char *key,
		   const char *const *items, size_t nitems)
{
	struct fmw_field *f = fmw_add(w, key, FMW_LIST);
	int rc;

	if (!f)
		return -ENOMEM;
	rc = fmw_copy_items(items, nitems, &f->items);
	if (rc)
		fmw_drop_last(w);
	return rc;
}

int fm_writer_map_bool(struct fm_writer *w, const char *key,
		       const char *const *keys, const bool *values, size_t n)
{
	struct fmw_field *f = fmw_add(w, key, FMW_MAP);
	int rc;

	if (!f)
		return -ENOMEM;
	f->flags = malloc(n ? n * sizeof(*f->flags) : 1);
	rc = f->flags ? fmw_copy_items(keys, n, &f->items) : -ENOMEM;
	if (rc) {
		free(f->flags);
		fmw_drop_last(w);
		return rc;
	}
	if (n)
		memcpy(f->flags, values, n * sizeof(*f->flags));
	return 0;
}

int fm_writer_bool(struct fm_writer *w, const char *key, bool value)
{
	struct fmw_field *f = fmw_add(w, key, FMW_BOOL);

	if (!f)
		return -ENOMEM;
	f->flag = value;
	return 0;
}

static bool fmw_text_ok(const char *s)
{
	return strlen(s) <= INT_MAX && str_utf8_valid(s, strlen(s));
}

static bool fmw_field_ok(const struct fmw_field *f)
{
	char **p;

	if (!fmw_text_ok(f->key))
		return false;
	if (f->kind == FMW_STR)
		return fmw_text_ok(f->value);
	for (p = f->items; p && *p; p++) {
		if (!fmw_text_ok(*p))
			return false;
	}
	return true;
}

static bool has_line_break(const char *s)
{
	return strpbrk(s, "\r\n") || strstr(s, "\xC2\x85") ||
	       strstr(s, "\xE2\x80\xA8") || strstr(s, "\xE2\x80\xA9");
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Whether `s` written plain would read back as something other than a
 * string under YAML 1.1 or 1.2: a boolean, null, number, date or merge key.
 * libyaml's emitter does not check this. Too wide a net only costs quotes.
 */
static bool looks_typed(const char *s)
{
	static const char *const words[] = {
		"y",	"n", "yes",  "no",    "true",  "false", "on", "off",
		"null", "~", ".inf", "+.inf", "-.inf", ".nan",	"<<", "=",
	};
	size_t i;

	if (!*s || is_digit(s[0]))
		return true;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!strcasecmp(s, words[i]))
			return true;
	}
	return (s[0] == '+' || s[0] == '-' || s[0] == '.') &&
	       (is_digit(s[1]) || s[1] == '.');
}

/*
 * Plain when libyaml allows it, quoted when the plain form would change
 * type, double-quoted (where line breaks are escapes) for anything that
 * would otherwise span lines.
 */
static yaml_scalar_style_t fmw_style(const char *s)
{
	if (has_line_break(s))
		return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	if (looks_typed(s))
		return YAML_SINGLE_QUOTED_SCALAR_STYLE;
	return YAML_ANY_SCALAR_STYLE;
}

static int emitter_errno(const yaml_emitter_t *em)
{
	if (em->error == YAML_MEMORY_ERROR || em->error == YAML_WRITER_ERROR)
		return -ENOMEM;
	return -EIO;
}

/* Hand `ev` to the emitter; `made` is what initializing it returned. */
static int fmw_event(yaml_emitter_t *em, yaml_event_t *ev, int made)
{
	if (!made)
		return -ENOMEM;
	return yaml_emitter_emit(em, ev) ? 0 : emitter_errno(em);
}

static int fmw_scalar(yaml_emitter_t *em, const char *s,
		      yaml_scalar_style_t style)
{
	yaml_event_t ev;
	int made;

	made = yaml_scalar_event_initialize(&ev, NULL, NULL,
					    (const yaml_char_t *)s,
					    (int)strlen(s), 1, 1, style);
	return fmw_event(em, &ev, made);
}

static int fmw_list(yaml_emitter_t *em, char **items)
{
	yaml_event_t ev;
	int rc;

	rc = fmw_event(em, &ev,
		       yaml_sequence_start_event_initialize(
			       &ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE));
	for (; !rc && *items; items++)
		rc = fmw_scalar(em, *items, fmw_style(*items));
	if (!rc)
		rc = fmw_event(em, &ev,
			       yaml_sequence_end_event_initialize(&ev));
	return rc;
}

static int fmw_bool(yaml_emitter_t *em, bool value)
{
	return fmw_scalar(em, value ? "true" : "false",
			  YAML_PLAIN_SCALAR_STYLE);
}

static int fmw_map(yaml_emitter_t *em, char **keys, const bool *values)
{
	yaml_event_t ev;
	int rc;

	rc = fmw_event(em, &ev,
		       yaml_mapping_start_event_initialize(
			       &ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
	for (size_t i = 0; !rc && keys[i]; i++) {
		rc = fmw_scalar(em, keys[i], fmw_style(keys[i]));
		if (!rc)
			rc = fmw_bool(em, values[i]);
	}
	if (!rc)
		rc = fmw_event(em, &ev, yaml_mapping_end_event_initialize(&ev));
	return rc;
}

static int fmw_field(yaml_emitter_t *em, const struct fmw_field *f)
{
	int rc = fmw_scalar(em, f->key, fmw_style(f->key));

	if (rc)
		return rc;
	switch (f->kind) {
	case FMW_STR:
		return fmw_scalar(em, f->value, fmw_style(f->value));
	case FMW_BOOL:
		return fmw_bool(em, f->flag);
	case FMW_LIST:
		return fmw_list(em, f->items);
	case FMW_MAP:
		return fmw_map(em, f->items, f->flags);
	}
	return -EIO;
}

/* One implicit document holding a block mapping: no "---" and no "...". */
static int fmw_stream(yaml_emitter_t *em, const struct fm_writer *w)
{
	yaml_event_t ev;
	size_t i;
	int rc;

	rc = fmw_event(
		em, &ev,
		yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	if (!rc)
		rc = fmw_event(em, &ev,
			       yaml_document_start_event_initialize(
				       &ev, NULL, NULL, NULL, 1));
	if (!rc)
		rc = fmw_event(
			em, &ev,
			yaml_mapping_start_event_initialize(
				&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
	for (i = 0; !rc && i < w->n; i++)
		rc = fmw_field(em, &w->fields[i]);
	if (!rc)
		rc = fmw_event(em, &ev, yaml_mapping_end_event_initialize(&ev));
	if (!rc)
		rc = fmw_event(em, &ev,
			       yaml_document_end_event_initialize(&ev, 1));
	if (!rc)
		rc = fmw_event(em, &ev, yaml_stream_end_event_initialize(&ev));
	return rc;
}

static int fmw_write(void *data, unsigned char *buffer, size_t size)
{
	return buf_add(data, buffer, size) ? 0 : 1;
}

static int fmw_render(const struct fm_writer *w, struct buf *text)
{
	yaml_emitter_t em;
	int rc;

	if (!yaml_emitter_initialize(&em))
		return -ENOMEM;
	yaml_emitter_set_output(&em, fmw_write, text);
	yaml_emitter_set_encoding(&em, YAML_UTF8_ENCODING);
	/* a negative width means never fold a line */
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_break(&em, YAML_LN_BREAK);
	rc = fmw_stream(&em, w);
	if (!rc && !yaml_emitter_flush(&em))
		rc = emitter_errno(&em);
	yaml_emitter_delete(&em);
	return rc;
}

int fm_writer_emit(struct fm_writer *w, struct buf *out)
{
	struct buf text = BUF_INIT;
	size_t i;
	int rc;

	for (i = 0; i < w->n; i++) {
		if (!fmw_field_ok(&w->fields[i]))
			return -EIO;
	}
	rc = buf_adds(&text, "---\n");
	/* libyaml writes an empty mapping as "{}" */
	if (!rc && w->n)
		rc = fmw_render(w, &text);
	if (!rc)
		rc = buf_adds(&text, "---\n");
	if (!rc)
		rc = buf_add(out, text.data, text.len);
	buf_release(&text);
	return rc;
}
