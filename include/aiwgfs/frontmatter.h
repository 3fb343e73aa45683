/*
 * frontmatter.h - the YAML block at the top of a Markdown file.
 *
 * A file has frontmatter when its first line is exactly "---" (after an
 * optional UTF-8 byte order mark, with LF or CRLF line ends) and a later
 * line is exactly "---". The block between them is parsed with libyaml; when
 * libyaml refuses it, a lenient reader takes top-level "key: value" lines and
 * "- item" block lists instead, and the result is marked `lenient` with the
 * libyaml error kept for `aiwgfs check`.
 *
 * Only the top level is kept: scalars as strings, sequences of scalars as
 * lists, anything else (mappings, nested sequences) as a field of type
 * FM_OTHER with no value. A plain null (`key:`, `~`, `null`) is the scalar
 * "". Aliases are never expanded: a value, or a list holding an item, that
 * refers to a node met before (anywhere earlier, even inside a value that is
 * not kept) is FM_OTHER, and a key that is an alias is dropped. With
 * duplicate keys the first one wins; past 4096 fields the rest are ignored.
 * The first key given again and the first key that is an alias or whose
 * value holds one at any depth are kept, for `aiwgfs check`.
 */
#ifndef AIWGFS_FRONTMATTER_H
#define AIWGFS_FRONTMATTER_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

enum fm_type {
	FM_SCALAR,
	FM_LIST,
	FM_OTHER,
};

struct fm_field {
	char *key;
	enum fm_type type;
	char *value;  /* FM_SCALAR: the value, never NULL; else NULL */
	char **items; /* FM_LIST: nitems strings; else NULL */
	size_t nitems;
};

/*
 * Invariants: when `present` is false there are no fields, raw_len is 0 and
 * body_off is the offset just past a byte order mark (0 or 3). When it is
 * true, [raw_off, raw_off + raw_len) is the text between the two "---"
 * lines and body_off is the first byte after the closing line.
 */
struct frontmatter {
	bool present;
	bool unclosed;	   /* a "---" first line that no "---" line closes */
	bool lenient;	   /* libyaml refused it; the lenient reader was used */
	char *error;	   /* libyaml's complaint when lenient, else NULL */
	size_t error_line; /* 1-based line in the file of that complaint */
	char *repeated;	   /* the first key given twice, or NULL */
	size_t repeated_line; /* its second place, 1-based in the file */
	/*
	 * The first key whose value uses an alias, or that is one: then the
	 * anchored scalar's text, or "*alias" for an anchored collection.
	 */
	char *aliased;
	size_t aliased_line;
	size_t raw_off;
	size_t raw_len;
	size_t body_off;
	struct fm_field *fields;
	size_t nfields;
};

/*
 * Parse the frontmatter of `text` (`len` bytes, need not be NUL-terminated).
 * Never fails on bad input: a block that neither reader understands yields
 * no fields. Returns 0, or -ENOMEM (then `fm` holds nothing to free).
 */
int fm_parse(struct frontmatter *fm, const char *text, size_t len);

/*
 * Where the body of `text` starts: what fm_parse() gives as body_off, found
 * without parsing the YAML (cheap).
 */
size_t fm_body_offset(const char *text, size_t len);

/* Free everything fm_parse() allocated. */
void fm_release(struct frontmatter *fm);

/* The field named `key`, or NULL. */
const struct fm_field *fm_get(const struct frontmatter *fm, const char *key);

/* The value of scalar field `key`, or NULL when absent or not a scalar. */
const char *fm_get_str(const struct frontmatter *fm, const char *key);

/*
 * The field `key` as a list of strings: a YAML list as it is, a scalar split
 * at commas (each item trimmed, empty items dropped). Returns the number of
 * items and stores a NULL-terminated array in *out that the caller frees with
 * fm_list_free(); 0 with *out NULL when absent, not a scalar or list, or
 * empty. -ENOMEM on failure.
 */
int fm_get_list(const struct frontmatter *fm, const char *key, char ***out);
void fm_list_free(char **list);

/* Whether scalar field `key` is a YAML true (true, yes, on; any case). */
bool fm_get_bool(const struct frontmatter *fm, const char *key);

/*
 * Emitting frontmatter. A writer collects fields in order and renders them
 * with libyaml's emitter, so values are quoted exactly when YAML needs it and
 * every scalar stays on one line (no folding at any width).
 */
struct fm_writer;

struct fm_writer *fm_writer_new(void);
void fm_writer_free(struct fm_writer *w);

/*
 * Add `key: value` (a NULL value is ""), or `key: [items...]` as a block
 * list. 0 or -ENOMEM.
 */
int fm_writer_str(struct fm_writer *w, const char *key, const char *value);
int fm_writer_list(struct fm_writer *w, const char *key,
		   const char *const *items, size_t nitems);
/* Add `key: true` / `key: false` as a plain boolean. */
int fm_writer_bool(struct fm_writer *w, const char *key, bool value);
/*
 * Add `key:` holding a block mapping of n `keys[i]: values[i]` booleans,
 * in that order (n == 0 writes an empty flow mapping, `{}`). 0 or -ENOMEM.
 */
int fm_writer_map_bool(struct fm_writer *w, const char *key,
		       const char *const *keys, const bool *values, size_t n);

/*
 * Append "---\n", the fields, "---\n" to `out`. Returns 0, -ENOMEM, or -EIO
 * when libyaml refuses a value (not valid UTF-8, for one).
 */
int fm_writer_emit(struct fm_writer *w, struct buf *out);

#endif
