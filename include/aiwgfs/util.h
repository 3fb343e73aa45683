/*
 * util.h - small helpers shared by core and fs.
 */
#ifndef AIWGFS_UTIL_H
#define AIWGFS_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Make room in the array *arr (of elements of `size` bytes, *cap of them
 * allocated) for at least `want` elements. Returns 0 or -ENOMEM, leaving the
 * array as it was on failure.
 */
int array_reserve(void *arr, size_t *cap, size_t want, size_t size);

/* "dir/name" in a new string (a lone "name" when dir is ""), or NULL. */
char *path_join(const char *dir, const char *name);

/* Whether `s` ends with `suffix`. */
bool str_ends_with(const char *s, const char *suffix);

/* A copy of the first n bytes of s with a NUL, or NULL on ENOMEM. */
char *str_ndup(const char *s, size_t n);

/* qsort comparator for arrays of char *, by strcmp. */
int str_ptr_cmp(const void *a, const void *b);

/* Whether a list of n strings holds `s`. */
bool str_list_has(const char *const *list, size_t n, const char *s);

/*
 * Split a comma-separated list in place into at most `max` trimmed, non-empty
 * items; returns how many. `s` is modified.
 */
size_t str_split_commas(char *s, char **items, size_t max);

/*
 * The length of the valid UTF-8 sequence at `s` (n > 0 bytes left), or 0
 * when there is none: no overlong forms, surrogates, or code points past
 * U+10FFFF.
 */
size_t str_utf8_seq(const char *s, size_t n);

/*
 * Whether the first `len` bytes of `s` are valid UTF-8 (no overlong forms,
 * no surrogates, nothing past U+10FFFF).
 */
bool str_utf8_valid(const char *s, size_t len);

/*
 * A copy of the NUL-terminated `s` with every byte that is not part of a
 * valid UTF-8 sequence replaced by U+FFFD, or NULL on ENOMEM. Caller frees.
 */
char *str_utf8_sanitize(const char *s);

/*
 * Whether `s` is a name fit to show as it is: valid UTF-8 with no control
 * characters, C0 (U+0000 to U+001F), DEL or C1 (U+0080 to U+009F). A newline
 * in a file name breaks every line-based tool, and a terminal may take NEL
 * (U+0085) for one.
 */
bool str_is_plain_name(const char *s);

/*
 * A copy of `s` fit for one line of a message: C0 controls, DEL and bytes
 * that are not UTF-8 become C escapes ("\n", "\x7f", "\xff"), a C1 control
 * becomes "\u0085" (its code point; its two bytes are valid UTF-8), and a
 * backslash becomes "\\". NULL on ENOMEM. Caller frees.
 */
char *str_escape(const char *s);

/*
 * Write all `len` bytes of `data` to `fd`, going on after short writes and
 * EINTR. 0, or the negative errno of the write that failed.
 */
int fd_write_all(int fd, const void *data, size_t len);

#endif
