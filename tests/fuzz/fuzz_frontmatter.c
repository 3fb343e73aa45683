/*
 * fuzz_frontmatter.c - the frontmatter reader, its lenient fallback, and
 * the writer read back.
 *
 * Any bytes parse without a crash into a result that keeps the invariants
 * of frontmatter.h. The fields found are then written with fm_writer and
 * parsed again: libyaml must take the writer's text, and give the same
 * keys, types and values in the same order.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/frontmatter.h"
#include "aiwgfs/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_frontmatter: %s\n", what);
	abort();
}

static void check_field(const struct fm_field *f)
{
	must(f->key != NULL, "field without a key");
	switch (f->type) {
	case FM_SCALAR:
		must(f->value && !f->items && !f->nitems, "bad scalar field");
		break;
	case FM_LIST:
		must(f->items && !f->value, "bad list field");
		for (size_t i = 0; i < f->nitems; i++)
			must(f->items[i] != NULL, "NULL list item");
		break;
	case FM_OTHER:
		must(!f->value && !f->items && !f->nitems, "bad other field");
		break;
	default:
		must(false, "unknown field type");
	}
}

/* fm_get_list() as frontmatter.h defines it. */
static void check_list(const struct frontmatter *fm, const struct fm_field *f)
{
	char **list = NULL;
	int n = fm_get_list(fm, f->key, &list);

	must(n >= 0, "fm_get_list failed");
	must(!n == !list, "fm_get_list count and list disagree");
	for (int i = 0; i < n; i++)
		must(list[i] != NULL, "fm_get_list item NULL");
	must(!list || !list[n], "fm_get_list list not NULL-terminated");
	if (f->type == FM_LIST) {
		must((size_t)n == f->nitems, "fm_get_list lost list items");
		for (int i = 0; i < n; i++)
			must(!strcmp(list[i], f->items[i]),
			     "fm_get_list changed a list item");
	} else if (f->type == FM_SCALAR) {
		for (int i = 0; i < n; i++)
			must(*list[i] && !strchr(list[i], ','),
			     "fm_get_list item empty or holds a comma");
	} else {
		must(n == 0, "fm_get_list of a mapping");
	}
	fm_list_free(list);
	fm_get_bool(fm, f->key);
}

static void check_parse(const struct frontmatter *fm, const uint8_t *data,
			size_t size)
{
	must(fm_body_offset((const char *)data, size) == fm->body_off,
	     "fm_body_offset disagrees with fm_parse");
	if (!fm->present) {
		must(!fm->nfields && !fm->raw_len && !fm->lenient,
		     "fields without frontmatter");
		must(fm->body_off == 0 || fm->body_off == 3, "bad body_off");
		return;
	}
	must(fm->raw_off + fm->raw_len <= fm->body_off && fm->body_off <= size,
	     "offsets out of order");
	must(!fm->lenient == !fm->error, "lenient without an error");
	must(fm->nfields <= 4096, "more than 4096 fields");
	for (size_t i = 0; i < fm->nfields; i++) {
		const struct fm_field *f = &fm->fields[i];

		check_field(f);
		must(fm_get(fm, f->key) == f, "duplicate key");
		check_list(fm, f);
	}
}

/* Write what `fm` holds; false when a text is not UTF-8 (-EIO). */
static bool write_fields(const struct frontmatter *fm, struct buf *out)
{
	struct fm_writer *w = fm_writer_new();
	bool utf8 = true;
	int rc = w ? 0 : -ENOMEM;

	for (size_t i = 0; !rc && i < fm->nfields; i++) {
		const struct fm_field *f = &fm->fields[i];

		utf8 &= str_utf8_valid(f->key, strlen(f->key));
		if (f->type == FM_SCALAR) {
			utf8 &= str_utf8_valid(f->value, strlen(f->value));
			rc = fm_writer_str(w, f->key, f->value);
		} else if (f->type == FM_LIST) {
			for (size_t k = 0; k < f->nitems; k++)
				utf8 &= str_utf8_valid(f->items[k],
						       strlen(f->items[k]));
			rc = fm_writer_list(w, f->key,
					    (const char *const *)f->items,
					    f->nitems);
		}
	}
	must(!rc, "fm_writer failed");
	rc = fm_writer_emit(w, out);
	fm_writer_free(w);
	must(utf8 ? !rc : rc == -EIO, "fm_writer_emit: unexpected result");
	return !rc;
}

/* The fields of `b` are the scalar and list fields of `a`, in order. */
static void check_same(const struct frontmatter *a, const struct frontmatter *b)
{
	size_t j = 0;

	for (size_t i = 0; i < a->nfields; i++) {
		const struct fm_field *f = &a->fields[i], *g;

		if (f->type == FM_OTHER)
			continue;
		must(j < b->nfields, "a field was lost");
		g = &b->fields[j++];
		must(!strcmp(f->key, g->key), "a key changed");
		must(f->type == g->type, "a type changed");
		if (f->type == FM_SCALAR) {
			must(!strcmp(f->value, g->value), "a value changed");
			continue;
		}
		must(f->nitems == g->nitems, "a list changed length");
		for (size_t k = 0; k < f->nitems; k++)
			must(!strcmp(f->items[k], g->items[k]),
			     "a list item changed");
	}
	must(j == b->nfields, "a field was added");
}

static void round_trip(const struct frontmatter *fm)
{
	struct frontmatter again;
	struct buf out = BUF_INIT;

	if (write_fields(fm, &out)) {
		must(out.len >= 8 && !memcmp(out.data, "---\n", 4) &&
			     !memcmp(out.data + out.len - 4, "---\n", 4),
		     "emitted frontmatter is not fenced");
		must(!fm_parse(&again, out.data, out.len), "re-parse failed");
		if (!again.present || again.lenient ||
		    again.body_off != out.len)
			fprintf(stderr, "emitted:\n%s\nlibyaml: %s\n", out.data,
				again.error ? again.error : "-");
		must(again.present && !again.lenient, "libyaml refused it");
		must(again.body_off == out.len, "a line closed the block");
		check_same(fm, &again);
		fm_release(&again);
	}
	buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frontmatter fm;

	must(!fm_parse(&fm, (const char *)data, size), "fm_parse failed");
	check_parse(&fm, data, size);
	round_trip(&fm);
	fm_release(&fm);
	return 0;
}
