/*
 * fuzz_refs.c - reference rewriting changes references and nothing else.
 *
 * The input is rewritten against a scratch SOURCE that holds a few files,
 * with an artifact_path() that answers with a marked copy of what it was
 * asked ("\1<kind dir>/<id>...\2") or, for ids starting with "x", NULL.
 * Reading input and output side by side, every difference must then be a
 * rewrite: an AIWG-root prefix that became the scratch path of an existing
 * target with no ".." in it, or "@.claude/" that became "@\1". Bytes before
 * the end of the frontmatter never change. This runs with and without the
 * callback.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/frontmatter.h"
#include "aiwgfs/refs.h"
#include "aiwgfs/source.h"
#include "aiwgfs/util.h"
#include "tmptree.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *root;

static const struct {
	const char *prefix;
	const char *sub; /* below the root */
	bool at;	 /* the rewrite keeps a leading "@" */
} root_refs[] = {
	{ "@agentic/code/", "agentic/code/", true },
	{ "$AIWG_ROOT/", "", false },
	{ "${AIWG_ROOT}/", "", false },
	{ "{AIWG_ROOT}/", "", false },
	{ "~/.local/share/ai-writing-guide/", "", false },
};

static void must(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_refs: %s\n", what);
	abort();
}

static void remove_root(void)
{
	tmp_rm_tree(root);
	free(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const files[] = {
		"agentic/code/frameworks/x/templates/plan.md",
		"agentic/code/addons/a/README.md",
		"docs/guide.md",
		"agents/helper.md",
		"README.md",
	};

	root = tmp_dir("fuzz-refs");
	must(root != NULL, "cannot make a scratch folder");
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		must(!tmp_write_str(root, files[i], "x\n"),
		     "cannot fill the scratch folder");
	atexit(remove_root);
	return 0;
}

static char *answer(void *arg, enum artifact_kind kind, const char *id,
		    const char *rest)
{
	struct buf b = BUF_INIT;

	must(*id && !strchr(id, '/'), "artifact id empty or with '/'");
	must(kind == ARTIFACT_SKILL || !*rest, "rest for a single file");
	if (id[0] == 'x')
		return NULL;
	buf_addf(&b, "\001%s/%s", artifact_kind_dir(kind), id);
	if (kind != ARTIFACT_SKILL)
		buf_adds(&b, ".md");
	else if (*rest)
		buf_addf(&b, "/%s", rest);
	buf_addch(&b, '\002');
	return buf_detach(&b, NULL);
}

static bool starts(const char *s, size_t n, const char *prefix)
{
	size_t len = strlen(prefix);

	return n >= len && !memcmp(s, prefix, len);
}

/*
 * A rewritten artifact reference at in[*i] and out[*j]: step over both.
 * The marked answer names what it was asked; the input holds the same
 * after "@.claude/", and for a skill with no path inside it maybe a "/".
 */
static bool skip_artifact(const struct buf *in, size_t *i,
			  const struct buf *out, size_t *j)
{
	const char *o = out->data + *j, *end;
	const char *p = in->data + *i;
	size_t n, left = in->len - *i;

	if (!starts(o, out->len - *j, "@\001") || !starts(p, left, "@.claude/"))
		return false;
	end = memchr(o, '\002', out->len - *j);
	must(end != NULL, "unterminated marked answer");
	n = (size_t)(end - o) - 2;
	must(left - 9 >= n && !memcmp(p + 9, o + 2, n),
	     "artifact reference rewritten from something else");
	*i += 9 + n;
	if (starts(o + 2, n, "skills/") && !memchr(o + 9, '/', n - 7) &&
	    *i < in->len && in->data[*i] == '/')
		(*i)++;
	*j += n + 3;
	return true;
}

/* A path with no ".." component, as rewritten root references must be. */
static bool no_dotdot(const char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k = i;

		while (k < n && p[k] != '/')
			k++;
		if (k - i == 2 && p[i] == '.' && p[i + 1] == '.')
			return false;
		i = k + 1;
	}
	return true;
}

/* Whether the rewritten target at out[from, to) exists in the root. */
static bool target_exists(const struct buf *out, size_t from, size_t to)
{
	struct buf path = BUF_INIT;
	struct stat st;
	bool ok;

	buf_add(&path, out->data + from, to - from);
	ok = !stat(path.data, &st);
	buf_release(&path);
	return ok;
}

static bool ends_ref(unsigned char c)
{
	return c <= ' ' || c == 0x7f || strchr("\"'`<>()[]*", c);
}

/*
 * A rewritten AIWG-root reference at in[*i] and out[*j]: the prefix became
 * "[@]<root>/<sub>", the path after it is the same in both.
 */
static bool skip_root(const struct buf *in, size_t *i, const struct buf *out,
		      size_t *j)
{
	for (size_t k = 0; k < ARRAY_SIZE(root_refs); k++) {
		struct buf head = BUF_INIT;
		size_t plen = strlen(root_refs[k].prefix), start, end;
		bool hit;

		if (!starts(in->data + *i, in->len - *i, root_refs[k].prefix))
			continue;
		buf_addf(&head, "%s%s/%s", root_refs[k].at ? "@" : "", root,
			 root_refs[k].sub);
		hit = starts(out->data + *j, out->len - *j, head.data);
		start = *j + (root_refs[k].at ? 1 : 0);
		if (hit)
			*j += head.len;
		buf_release(&head);
		if (!hit)
			continue;
		*i += plen;
		/* the path: copied as it is, up to where the reference ends */
		for (end = *i;
		     end < in->len && !ends_ref((unsigned char)in->data[end]);
		     end++)
			;
		while (end > *i && strchr(".,:;!?", in->data[end - 1]))
			end--;
		must(out->len - *j >= end - *i &&
			     !memcmp(out->data + *j, in->data + *i, end - *i),
		     "root reference path changed");
		must(no_dotdot(in->data + *i, end - *i),
		     "root reference with '..' rewritten");
		*j += end - *i;
		must(target_exists(out, start, *j),
		     "root reference to nothing rewritten");
		*i = end;
		return true;
	}
	return false;
}

/* `out` is `in` with some references rewritten, none before `body_off`. */
static void check_rewrite(const struct buf *in, size_t body_off,
			  const struct buf *out)
{
	size_t i = 0, j = 0, at;

	while (i < in->len && j < out->len) {
		at = i;
		if (skip_artifact(in, &i, out, &j) ||
		    skip_root(in, &i, out, &j)) {
			must(at >= body_off, "frontmatter rewritten");
			continue;
		}
		must(in->data[i] == out->data[j], "a byte changed");
		i++;
		j++;
	}
	must(i == in->len && j == out->len, "output length is off");
}

/*
 * Rewrite `in` (a view of a copy with no NUL after it, so that reading
 * past the end shows) and check the result.
 */
static void rewrite(const struct buf *in, size_t body_off, bool with_view)
{
	struct refs_ctx ctx = {
		.source_root = root,
		.artifact_path = with_view ? answer : NULL,
	};
	struct buf out = BUF_INIT;

	must(!refs_rewrite(in->data, in->len, body_off, &ctx, &out),
	     "refs_rewrite failed");
	must(!in->len || out.len, "output empty");
	check_rewrite(in, body_off, &out);
	must(with_view || !memmem(out.data, out.len, "@\001", 2) ||
		     memmem(in->data, in->len, "@\001", 2),
	     "artifact rewritten without a callback");
	buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a view of a copy with nothing after it, never given to buf_*() */
	struct buf in = { malloc(size ? size : 1), size, size };
	size_t body_off;

	must(in.data != NULL, "out of memory");
	memcpy(in.data, data, size);
	body_off = fm_body_offset(in.data, size);
	rewrite(&in, body_off, true);
	rewrite(&in, body_off, false);
	rewrite(&in, 0, true);
	free(in.data);
	return 0;
}
