/*
 * markdown.h - what aiwgfs needs to know about Markdown bodies, via md4c.
 */
#ifndef AIWGFS_MARKDOWN_H
#define AIWGFS_MARKDOWN_H

#include <stddef.h>

struct buf;

/*
 * Append to `out` the plain text of the first paragraph of `body` (headings,
 * code blocks, HTML blocks, paragraphs inside lists, block quotes and
 * tables, and paragraphs with no text are passed over; emphasis and link
 * markup and inline HTML are dropped; code spans keep their text; common
 * entities are decoded), with runs of white space collapsed to one space and
 * no leading or trailing space. A body with no such paragraph gives the
 * text of its first top-level heading instead, and one with neither gives
 * nothing. Returns 0 or -ENOMEM.
 */
int md_first_paragraph(const char *body, size_t len, struct buf *out);

/*
 * Collapse white space in `text` (runs of space, tab, CR, LF to one space,
 * trimmed) and cut it to at most `limit` bytes at a word boundary, never
 * splitting a UTF-8 sequence; a cut text ends with "..." within the limit
 * (a limit under 3 leaves no room for it). Only when no word fits is a word
 * cut. limit 0 means no limit. The result replaces the contents of `out`;
 * `text` may point into `out`. Returns 0 or -ENOMEM, then `out` is unchanged.
 */
int md_clean_text(const char *text, size_t len, size_t limit, struct buf *out);

#endif
