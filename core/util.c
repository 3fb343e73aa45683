/*
 * util.c - small helpers shared by core and fs.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aiwgfs/util.h"

int array_reserve(void *arr, size_t *cap, size_t want, size_t size)
{
	void **p = arr;
	size_t n = *cap ? *cap : 8;
	void *q;

	if (want <= *cap)
		return 0;
	while (n < want) {
		if (n > SIZE_MAX / 2 / size)
			return -ENOMEM;
		n *= 2;
	}
	q = realloc(*p, n * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

char *path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p;

	if (!dl)
		return strdup(name);
	p = malloc(dl + nl + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, name, nl + 1);
	return p;
}

bool str_ends_with(const char *s, const char *suffix)
{
	size_t sl = strlen(s), xl = strlen(suffix);

	return sl >= xl && !memcmp(s + sl - xl, suffix, xl);
}

char *str_ndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool str_list_has(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

size_t str_split_commas(char *s, char **items, size_t max)
{
	size_t n = 0;
	char *next;

	while (s && n < max) {
		next = strchr(s, ',');
		if (next)
			*next++ = '\0';
		s = trim(s);
		if (*s)
			items[n++] = s;
		s = next;
	}
	return n;
}

size_t str_utf8_seq(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0];
	size_t len;
	unsigned min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	{
		unsigned cp = c & (0x3f >> (len - 1));

		for (size_t i = 1; i < len; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return len;
}

bool str_utf8_valid(const char *s, size_t len)
{
	for (size_t i = 0, n; i < len; i += n) {
		n = str_utf8_seq(s + i, len - i);
		if (!n)
			return false;
	}
	return true;
}

char *str_utf8_sanitize(const char *s)
{
	size_t len = strlen(s), o = 0;
	char *out = malloc(len * 3 + 1);

	if (!out)
		return NULL;
	for (size_t i = 0, n; i < len; i += n) {
		n = str_utf8_seq(s + i, len - i);
		if (n) {
			memcpy(out + o, s + i, n);
			o += n;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			n = 1;
		}
	}
	out[o] = '\0';
	return out;
}

/*
 * Whether the n > 0 bytes at `s` start with a C1 control, U+0080 to U+009F.
 * A terminal takes some of them (NEL, CSI) as line breaks or escapes, as it
 * does the C0 controls, so they are no more fit to print as they are.
 */
static bool is_c1(const char *s, size_t n)
{
	return n >= 2 && (unsigned char)s[0] == 0xc2 &&
	       (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9f;
}

bool str_is_plain_name(const char *s)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
		    is_c1(s + i, len - i))
			return false;
	return str_utf8_valid(s, len);
}

char *str_escape(const char *s)
{
	size_t len = strlen(s), o = 0;
	char *out = malloc(len * 4 + 1);

	if (!out)
		return NULL;
	for (size_t i = 0, n; i < len; i += n) {
		unsigned char c = (unsigned char)s[i];

		n = str_utf8_seq(s + i, len - i);
		/* a C1 control is one character: its code point, not bytes */
		if (n && is_c1(s + i, n)) {
			o += (size_t)sprintf(out + o, "\\u%04x",
					     (unsigned char)s[i + 1]);
			continue;
		}
		if (n && c >= 0x20 && c != 0x7f && c != '\\') {
			memcpy(out + o, s + i, n);
			o += n;
			continue;
		}
		n = 1;
		out[o++] = '\\';
		if (c == '\\' || c == '\n' || c == '\t' || c == '\r') {
			out[o++] = c == '\n'   ? 'n'
				   : c == '\t' ? 't'
				   : c == '\r' ? 'r'
					       : '\\';
			continue;
		}
		o += (size_t)sprintf(out + o, "x%02x", c);
	}
	out[o] = '\0';
	return out;
}

int fd_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno != EINTR)
			return -errno;
		if (w > 0) {
			p += w;
			len -= (size_t)w;
		}
	}
	return 0;
}
