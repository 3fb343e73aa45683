/*
 * util.c - small helpers shared by core and fs.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
