/*
 * refs.c - rewriting the references of canonical bodies, outside code.
 *
 * md4c finds what must not change: it hands its text callback pointers into
 * the body, so the code, HTML and math it reports are byte ranges of the
 * body. Everything else is scanned for references and copied as it is.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <md4c.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/refs.h"
#include "aiwgfs/source.h"
#include "aiwgfs/util.h"

#define NONE SIZE_MAX

/* A byte range of the body, [beg, end). */
struct span {
	size_t beg;
	size_t end;
};

/*
 * A fenced code block. md4c reports the lines inside it but not the fence
 * lines, so those are looked for afterwards, between `lo` (where the text
 * before the block ends) and `hi` (where the text after it begins). `first`
 * and `last` bound the lines inside, NONE while there are none.
 */
struct fence {
	char ch;
	size_t lo, first, last, hi;
};

/*
 * The body as md4c saw it. `len` is what was parsed, `total` the whole
 * body: md4c sizes are 32 bits, and what lies past them is only copied.
 * `spans` are the protected ranges; after scan_parse() they are sorted and
 * do not overlap.
 */
struct scan {
	const char *body;
	size_t len, total;
	struct span *spans;
	size_t nspans, spans_cap;
	struct fence *fences;
	size_t nfences, fences_cap;
	size_t open_fences; /* fences[open_fences..] still lack `hi` */
	bool in_fence;
	size_t last_end; /* where the last text md4c reported ends */
	int err;
};

/*
 * What a callback returns to stop md4c: only a negative value stops every
 * version (md4c issue #266).
 */
#define SCAN_STOP (-1)

static const struct prefix {
	const char *text;
	bool artifact;	 /* "@.claude/", else an AIWG-root reference */
	const char *sub; /* the folder below SOURCE that the path is in */
} prefixes[] = {
	{ "@agentic/code/", false, "agentic/code/" },
	{ "$AIWG_ROOT/", false, "" },
	{ "${AIWG_ROOT}/", false, "" },
	{ "{AIWG_ROOT}/", false, "" },
	{ "~/.local/share/ai-writing-guide/", false, "" },
	{ "@.claude/", true, "" },
};

static int add_span(struct scan *s, size_t beg, size_t end)
{
	struct span *last = s->nspans ? &s->spans[s->nspans - 1] : NULL;

	if (beg >= end)
		return 0;
	if (last && beg >= last->beg && beg <= last->end) {
		if (end > last->end)
			last->end = end;
		return 0;
	}
	if (array_reserve(&s->spans, &s->spans_cap, s->nspans + 1,
			  sizeof(*s->spans)))
		return -ENOMEM;
	s->spans[s->nspans++] = (struct span){ beg, end };
	return 0;
}

static int scan_enter(MD_BLOCKTYPE type, void *detail, void *data)
{
	const MD_BLOCK_CODE_DETAIL *code = detail;
	struct scan *s = data;

	if (type != MD_BLOCK_CODE || !code->fence_char)
		return 0;
	if (array_reserve(&s->fences, &s->fences_cap, s->nfences + 1,
			  sizeof(*s->fences))) {
		s->err = -ENOMEM;
		return SCAN_STOP;
	}
	s->fences[s->nfences++] = (struct fence){
		.ch = code->fence_char,
		.lo = s->last_end,
		.first = NONE,
		.last = NONE,
		.hi = NONE,
	};
	s->in_fence = true;
	return 0;
}

static int scan_leave(MD_BLOCKTYPE type, void *detail, void *data)
{
	struct scan *s = data;

	if (type == MD_BLOCK_CODE)
		s->in_fence = false;
	return 0;
}

/* md4c calls these without checking for NULL; spans change nothing here. */
static int scan_span(MD_SPANTYPE type, void *detail, void *data)
{
	return 0;
}

/* Line ends and indentation come from static strings, not from the body. */
static bool in_body(const struct scan *s, const char *p, size_t n)
{
	uintptr_t b = (uintptr_t)s->body, q = (uintptr_t)p;

	return q >= b && q - b <= s->len && n <= s->len - (q - b);
}

static int scan_text(MD_TEXTTYPE type, const MD_CHAR *p, MD_SIZE n, void *data)
{
	struct scan *s = data;
	size_t beg, end, done = s->nfences - (s->in_fence ? 1 : 0);

	if (!n || !in_body(s, p, n))
		return 0;
	beg = (size_t)(p - s->body);
	end = beg + n;
	for (; s->open_fences < done; s->open_fences++)
		s->fences[s->open_fences].hi = beg;
	if (s->in_fence) {
		struct fence *f = &s->fences[s->nfences - 1];

		if (f->first == NONE)
			f->first = beg;
		f->last = end;
	}
	s->last_end = end;
	if (type != MD_TEXT_CODE && type != MD_TEXT_HTML &&
	    type != MD_TEXT_LATEXMATH)
		return 0;
	s->err = add_span(s, beg, end);
	return s->err ? SCAN_STOP : 0;
}

static bool is_line_end(char c)
{
	return c == '\n' || c == '\r';
}

static size_t line_start(const struct scan *s, size_t off)
{
	while (off > 0 && !is_line_end(s->body[off - 1]))
		off--;
	return off;
}

static size_t line_end(const struct scan *s, size_t off)
{
	while (off < s->len && !is_line_end(s->body[off]))
		off++;
	return off;
}

/* The first run of three or more `ch` in [from, to), or NONE. */
static size_t find_fence(const struct scan *s, size_t from, size_t to, char ch)
{
	size_t i, run = 0;

	for (i = from; i < to && i < s->len; i++) {
		run = s->body[i] == ch ? run + 1 : 0;
		if (run == 3)
			return i - 2;
	}
	return NONE;
}

/*
 * The opening fence is the first fence run after the text before the
 * block (or after the previous block's closing fence, `after`); the closing
 * one the first after the last line inside it. Only blank lines, link
 * definitions and the like lie in between. Sets *end to where the block's
 * range ends.
 */
static int protect_fence(struct scan *s, const struct fence *f, size_t after,
			 size_t *end)
{
	size_t lo = f->lo > after ? f->lo : after;
	size_t stop = f->first != NONE ? f->first : f->hi;
	size_t open = find_fence(s, lo, stop, f->ch);
	size_t beg, from, close;

	beg = open != NONE ? line_start(s, open) : lo;
	if (f->last != NONE)
		from = f->last;
	else
		from = open != NONE ? line_end(s, open) : lo;
	close = find_fence(s, from, f->hi, f->ch);
	*end = close != NONE ? line_end(s, close) : from;
	return add_span(s, beg, *end);
}

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->beg < y->beg ? -1 : x->beg > y->beg;
}

/* Sort the protected ranges and merge those that overlap. */
static void sort_spans(struct scan *s)
{
	size_t i, n = 0;

	if (!s->nspans)
		return;
	qsort(s->spans, s->nspans, sizeof(*s->spans), span_cmp);
	for (i = 1; i < s->nspans; i++) {
		if (s->spans[i].beg <= s->spans[n].end) {
			if (s->spans[i].end > s->spans[n].end)
				s->spans[n].end = s->spans[i].end;
			continue;
		}
		s->spans[++n] = s->spans[i];
	}
	s->nspans = n + 1;
}

static int scan_parse(struct scan *s)
{
	MD_PARSER parser = {
		.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH,
		.enter_block = scan_enter,
		.leave_block = scan_leave,
		.enter_span = scan_span,
		.leave_span = scan_span,
		.text = scan_text,
	};
	size_t i, after = 0;
	int rc;

	rc = md_parse(s->body, (MD_SIZE)s->len, &parser, s);
	if (s->err)
		return s->err;
	/* otherwise md4c itself failed, which it does only for memory */
	if (rc)
		return -ENOMEM;
	for (i = s->open_fences; i < s->nfences; i++)
		s->fences[i].hi = s->len;
	for (i = 0; i < s->nfences; i++) {
		if (protect_fence(s, &s->fences[i], after, &after))
			return -ENOMEM;
	}
	sort_spans(s);
	return 0;
}

/* Whether [beg, end) touches a protected range; `cur` only moves on. */
static bool is_protected(const struct scan *s, size_t *cur, size_t beg,
			 size_t end)
{
	while (*cur < s->nspans && s->spans[*cur].end <= beg)
		(*cur)++;
	return *cur < s->nspans && s->spans[*cur].beg < end;
}

static bool is_word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z') || c >= 0x80 ||
	       (c && strchr("-_./~@$%+\\", c));
}

/*
 * Control characters end a reference like white space, and so does "*",
 * which no canonical path holds and Markdown uses for emphasis.
 */
static bool ends_ref(unsigned char c)
{
	return c <= ' ' || c == 0x7f || strchr("\"'`<>()[]*", c);
}

/*
 * The prefix of a reference that starts at `off`: at the start of the body
 * or after a byte that cannot be part of a word or path. NULL if none.
 */
static const struct prefix *ref_prefix(const struct scan *s, size_t off)
{
	const char *p = s->body + off;
	size_t i, n;

	if (!*p || !strchr("@${~", *p))
		return NULL;
	if (off > 0 && is_word_byte((unsigned char)p[-1]))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		n = strlen(prefixes[i].text);
		if (n <= s->len - off && !memcmp(p, prefixes[i].text, n))
			return &prefixes[i];
	}
	return NULL;
}

/*
 * Where the reference whose path starts at `off` ends, trailing
 * punctuation left out; NONE when it runs into the part md4c never saw.
 */
static size_t ref_end(const struct scan *s, size_t off)
{
	size_t end = off;

	while (end < s->len && !ends_ref((unsigned char)s->body[end]))
		end++;
	if (end == s->len && s->len < s->total)
		return NONE;
	while (end > off && strchr(".,:;!?", s->body[end - 1]))
		end--;
	return end;
}

/* A non-empty relative path with no ".." in it, so it stays in SOURCE. */
static bool is_inside_path(const char *path, size_t n)
{
	size_t i = 0, j;

	if (!n || path[0] == '/')
		return false;
	while (i < n) {
		for (j = i; j < n && path[j] != '/'; j++)
			;
		if (j - i == 2 && path[i] == '.' && path[i + 1] == '.')
			return false;
		i = j + 1;
	}
	return true;
}

/*
 * Put the rewritten AIWG-root reference in `rep`. Returns 1 when the
 * target exists, 0 to leave the reference, or -ENOMEM.
 */
static int resolve_root(const struct prefix *pfx, const char *path, size_t n,
			const struct refs_ctx *ctx, struct buf *rep)
{
	const char *root = ctx->source_root;
	size_t root_len, at = pfx->text[0] == '@';
	struct stat st;

	if (!root || !*root || !is_inside_path(path, n))
		return 0;
	root_len = strlen(root);
	while (root_len && root[root_len - 1] == '/')
		root_len--;
	if (buf_add(rep, "@", at) || buf_add(rep, root, root_len) ||
	    buf_addch(rep, '/') || buf_adds(rep, pfx->sub) ||
	    buf_add(rep, path, n))
		return -ENOMEM;
	if (stat(rep->data + at, &st) ||
	    !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
		return 0;
	return 1;
}

/* "agents/" and the like at the start of `path`: the kind, or -1. */
static int artifact_kind_of(const char *path, size_t n, size_t *skip)
{
	const char *dir;
	size_t len;
	int k;

	for (k = 0; k < ARTIFACT_KIND_COUNT; k++) {
		dir = artifact_kind_dir((enum artifact_kind)k);
		len = strlen(dir);
		if (len < n && !memcmp(path, dir, len) && path[len] == '/') {
			*skip = len + 1;
			return k;
		}
	}
	return -1;
}

/*
 * Split what follows "@.claude/<kind>/" into the id and, for a skill, the
 * path inside its folder. Returns false for no reference of that kind.
 */
static bool split_artifact(enum artifact_kind kind, const char *p, size_t n,
			   size_t *id_len, size_t *rest_off)
{
	const char *slash = memchr(p, '/', n);

	if (kind == ARTIFACT_SKILL) {
		*id_len = slash ? (size_t)(slash - p) : n;
		*rest_off = slash ? *id_len + 1 : n;
		return *id_len > 0;
	}
	if (slash || n <= 3 || memcmp(p + n - 3, ".md", 3))
		return false;
	*id_len = n - 3;
	*rest_off = n;
	return true;
}

/* As resolve_root(), for "@.claude/<kind>/..." with the view's answer. */
static int resolve_artifact(const char *path, size_t n,
			    const struct refs_ctx *ctx, struct buf *rep)
{
	size_t skip, id_len, rest_off;
	char *id, *rest, *answer = NULL;
	int kind, rc = -ENOMEM;

	if (!ctx->artifact_path)
		return 0;
	kind = artifact_kind_of(path, n, &skip);
	if (kind < 0 || !split_artifact((enum artifact_kind)kind, path + skip,
					n - skip, &id_len, &rest_off))
		return 0;
	id = str_ndup(path + skip, id_len);
	rest = str_ndup(path + skip + rest_off, n - skip - rest_off);
	if (!id || !rest)
		goto out;
	answer = ctx->artifact_path(ctx->arg, (enum artifact_kind)kind, id,
				    rest);
	rc = 0;
	if (answer)
		rc = buf_addch(rep, '@') || buf_adds(rep, answer) ? -ENOMEM : 1;
out:
	free(answer);
	free(rest);
	free(id);
	return rc;
}

static int resolve(const struct prefix *pfx, const char *path, size_t n,
		   const struct refs_ctx *ctx, struct buf *rep)
{
	if (pfx->artifact)
		return resolve_artifact(path, n, ctx, rep);
	return resolve_root(pfx, path, n, ctx, rep);
}

/*
 * Rewrite the body into `out`. Each reference that is not protected and
 * resolves is replaced; the bytes between are copied in runs.
 */
static int rewrite_body(const struct scan *s, const struct refs_ctx *ctx,
			struct buf *out)
{
	struct buf rep = BUF_INIT;
	const struct prefix *pfx;
	size_t i, path, end, copied = 0, cur = 0;
	int rc = 0;

	for (i = 0; i < s->len; i++) {
		pfx = ref_prefix(s, i);
		if (!pfx)
			continue;
		path = i + strlen(pfx->text);
		end = ref_end(s, path);
		if (end == NONE || is_protected(s, &cur, i, end))
			continue;
		buf_reset(&rep);
		rc = resolve(pfx, s->body + path, end - path, ctx, &rep);
		if (rc < 0)
			goto out;
		if (!rc)
			continue;
		if (buf_add(out, s->body + copied, i - copied) ||
		    buf_add(out, rep.data, rep.len)) {
			rc = -ENOMEM;
			goto out;
		}
		copied = end;
		i = end - 1;
	}
	rc = buf_add(out, s->body + copied, s->total - copied);
out:
	buf_release(&rep);
	return rc;
}

/* Whether the body holds anything that could be a reference at all. */
static bool may_have_refs(const char *body, size_t len,
			  const struct refs_ctx *ctx)
{
	static const char *const root_marks[] = {
		"agentic/code/",
		"AIWG_ROOT",
		"ai-writing-guide",
	};
	size_t i;

	if (ctx->artifact_path && memmem(body, len, "@.claude/", 9))
		return true;
	if (!ctx->source_root || !*ctx->source_root)
		return false;
	for (i = 0; i < ARRAY_SIZE(root_marks); i++) {
		if (memmem(body, len, root_marks[i], strlen(root_marks[i])))
			return true;
	}
	return false;
}

int refs_rewrite(const char *text, size_t len, size_t body_off,
		 const struct refs_ctx *ctx, struct buf *out)
{
	struct scan s = { 0 };
	int rc;

	if (body_off > len)
		body_off = len;
	if (buf_add(out, text, body_off))
		return -ENOMEM;
	s.body = text + body_off;
	s.total = len - body_off;
	if (!may_have_refs(s.body, s.total, ctx))
		return buf_add(out, s.body, s.total);
	s.len = s.total > UINT_MAX ? UINT_MAX : s.total;
	rc = scan_parse(&s);
	if (!rc)
		rc = rewrite_body(&s, ctx, out);
	free(s.spans);
	free(s.fences);
	return rc;
}
