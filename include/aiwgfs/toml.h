/*
 * toml.h - writing TOML strings that read back as exactly the text given.
 *
 * Only what the renderers need: keys and string values. Input is bytes,
 * not C strings: NUL bytes are written as \u0000. TOML text must be UTF-8,
 * so a byte that is not part of a valid UTF-8 sequence (overlong forms,
 * surrogates and code points past U+10FFFF included) is written as U+FFFD;
 * any other input reads back, through a TOML 1.0 parser, as the same bytes.
 */
#ifndef AIWGFS_TOML_H
#define AIWGFS_TOML_H

#include <stddef.h>

struct buf;

/*
 * Append `s` (`len` bytes) as a basic string, "...", to `out`: quote and
 * backslash escaped, control characters and DEL as \b \t \n \f \r or
 * \uXXXX, everything on one line. 0 or -ENOMEM (`out` may then hold part
 * of the string).
 */
int toml_add_string(struct buf *out, const char *s, size_t len);

/*
 * Append `s` as a multi-line basic string, """...""", to `out`: the text
 * starts on the line after the opening quotes and line feeds and tabs stay
 * as they are, so a long body remains readable. Backslashes, carriage
 * returns and other control characters are escaped, and so is every quote
 * that would make a run of three or end the text, so nothing in `s` can
 * close the string early or be changed by a reader's newline handling.
 * 0 or -ENOMEM.
 */
int toml_add_multiline(struct buf *out, const char *s, size_t len);

/*
 * Append `key = ` to `out`: the key bare when it is made of ASCII letters,
 * digits, '-' and '_', else quoted as a basic string. 0 or -ENOMEM.
 */
int toml_add_key(struct buf *out, const char *key);

#endif
