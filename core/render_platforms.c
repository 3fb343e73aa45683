/*
 * render_platforms.c - the renderers that write one platform's own format.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <md4c.h>

#include "aiwgfs/frontmatter.h"
#include "aiwgfs/registry.h"
#include "aiwgfs/render.h"
#include "aiwgfs/toml.h"
#include "aiwgfs/util.h"
#include "render_impl.h"

static int copilot_agent_fields(const struct render_job *job,
				const struct doc *d, struct fm_writer *w)
{
	const char **mapped = NULL;
	char **tools = NULL;
	size_t nmapped = 0;
	int n, rc;

	rc = render_put_str(w, "name", job->node->artifact->id);
	if (!rc)
		rc = render_add_description(job, d, w);
	if (rc)
		return rc;
	n = fm_get_list(&d->fm, "tools", &tools);
	if (n < 0)
		return n;
	if (n > 0)
		rc = render_map_tools(job->node->platform, tools, (size_t)n,
				      &mapped, &nmapped);
	if (!rc && nmapped)
		rc = fm_writer_list(w, "tools", mapped, nmapped);
	free(mapped);
	fm_list_free(tools);
	return rc;
}

static int copilot_prompt_fields(const struct render_job *job,
				 const struct doc *d, struct fm_writer *w)
{
	const char *hint = fm_get_str(&d->fm, "argument-hint");
	int rc = render_add_description(job, d, w);

	if (!rc && hint && *hint)
		rc = render_put_str(w, "argument-hint", hint);
	if (!rc)
		rc = render_put_str(w, "agent", "agent");
	return rc;
}

/* A rule's `paths` globs joined with commas, or NULL when it has none. */
int render_rule_globs(const struct doc *d, struct buf *out)
{
	char **paths = NULL;
	int n = fm_get_list(&d->fm, "paths", &paths);

	for (int i = 0; i < n; i++)
		if (buf_addf(out, "%s%s", i ? "," : "", paths[i])) {
			n = -ENOMEM;
			break;
		}
	fm_list_free(paths);
	return n < 0 ? n : 0;
}

static int copilot_instructions_fields(const struct render_job *job,
				       const struct doc *d, struct fm_writer *w)
{
	struct buf globs = BUF_INIT;
	int rc = render_rule_globs(d, &globs);

	if (!rc)
		rc = render_put_str(w, "applyTo",
				    globs.len ? globs.data : "**");
	if (!rc)
		rc = render_add_description(job, d, w);
	buf_release(&globs);
	return rc;
}

int render_copilot_agent(const struct render_job *job, struct buf *out)
{
	return render_with_fields(job, out, copilot_agent_fields);
}

int render_copilot_prompt(const struct render_job *job, struct buf *out)
{
	return render_with_fields(job, out, copilot_prompt_fields);
}

int render_copilot_instructions(const struct render_job *job, struct buf *out)
{
	return render_with_fields(job, out, copilot_instructions_fields);
}

/*
 * What the source's tools grant, for platforms that only say what an agent
 * may not do. An agent without a tools list inherits every tool; one with
 * an empty list ("tools: []") has none.
 */
struct grants {
	bool all;
	bool write;
	bool edit;
	bool bash;
};

/* Whether field `key` is an explicit empty list. */
static bool empty_list(const struct doc *d, const char *key)
{
	const struct fm_field *f = fm_get(&d->fm, key);

	return f && f->type == FM_LIST && !f->nitems;
}

/*
 * The source's tool list: `tools`, else `allowed-tools` (commands). The
 * count, with the list in *out (fm_list_free it), or -ENOMEM. *listed
 * tells a list, even an empty one, from none, which grants every tool.
 */
static int source_tools(const struct doc *d, char ***out, bool *listed)
{
	int n = fm_get_list(&d->fm, "tools", out);

	if (!n)
		n = fm_get_list(&d->fm, "allowed-tools", out);
	*listed = n > 0 || empty_list(d, "tools") ||
		  empty_list(d, "allowed-tools");
	return n;
}

/* Whether list entry `t` is tool `name`, maybe narrowed: "Bash(git:*)". */
static bool tool_is(const char *t, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(t, name, n) && (t[n] == '\0' || t[n] == '(');
}

static int tool_grants(const struct doc *d, struct grants *g)
{
	char **tools = NULL;
	bool listed;
	int n = source_tools(d, &tools, &listed);

	memset(g, 0, sizeof(*g));
	if (n < 0)
		return n;
	g->all = !listed;
	for (int i = 0; i < n; i++) {
		g->write |= tool_is(tools[i], "Write");
		g->edit |= tool_is(tools[i], "Edit") ||
			   tool_is(tools[i], "MultiEdit");
		g->bash |= tool_is(tools[i], "Bash");
	}
	fm_list_free(tools);
	return 0;
}

/*
 * The source `model` through the platform's table, or NULL when there is
 * none to map: absent, or "inherit", which keeps the caller's model on
 * every platform and must not pick up a table's "*" entry.
 */
static const char *mapped_model(const struct render_job *job,
				const struct doc *d)
{
	const struct platform *p = job->node->platform;
	const char *m = fm_get_str(&d->fm, "model");

	if (!m || !*m || !strcmp(m, "inherit"))
		return NULL;
	return registry_map(p->models, p->nmodels, m);
}

/* `key: [items]` into `w`, bytes that are not UTF-8 shown as U+FFFD. */
static int put_list(struct fm_writer *w, const char *key, char **items,
		    size_t n)
{
	char **clean = calloc(n ? n : 1, sizeof(*clean));
	int rc = clean ? 0 : -ENOMEM;

	for (size_t i = 0; !rc && i < n; i++) {
		if (!str_utf8_valid(items[i], strlen(items[i])))
			clean[i] = str_utf8_sanitize(items[i]);
		else
			clean[i] = strdup(items[i]);
		if (!clean[i])
			rc = -ENOMEM;
	}
	if (!rc)
		rc = fm_writer_list(w, key, (const char *const *)clean, n);
	for (size_t i = 0; clean && i < n; i++)
		free(clean[i]);
	free(clean);
	return rc;
}

/* The source's tools, as they are, when it has a list. */
static int put_source_tools(const struct doc *d, struct fm_writer *w)
{
	char **tools = NULL;
	bool listed;
	int n = source_tools(d, &tools, &listed);

	if (n >= 0 && listed)
		n = put_list(w, "tools", tools, (size_t)n);
	fm_list_free(tools);
	return n < 0 ? n : 0;
}

/* The description without the platform's limit, for shared renderers. */
static int put_description(const struct render_job *job, const struct doc *d,
			   size_t limit, struct fm_writer *w)
{
	struct buf desc = BUF_INIT;
	int rc = render_doc_description(d, job->node->artifact, limit, &desc);

	if (!rc)
		rc = render_put_str(w, "description", desc.data);
	buf_release(&desc);
	return rc;
}

int render_body(const struct render_job *job, struct buf *out)
{
	const struct buf *in = &job->inputs[0].data;
	size_t off = fm_body_offset(in->data, in->len);

	return buf_add(out, in->data + off, in->len - off);
}

static int command_skill_fields(const struct render_job *job,
				const struct doc *d, struct fm_writer *w)
{
	char name[RENDER_SKILL_NAME_MAX + 1];
	int rc;

	render_skill_name(job->node->artifact->id, name, sizeof(name));
	rc = render_put_str(w, "name", name);
	if (!rc)
		rc = put_description(job, d, RENDER_SKILL_DESCRIPTION_MAX, w);
	return rc;
}

int render_command_skill(const struct render_job *job, struct buf *out)
{
	return render_with_fields(job, out, command_skill_fields);
}

static int cursor_agent_fields(const struct render_job *job,
			       const struct doc *d, struct fm_writer *w)
{
	const char *model = mapped_model(job, d);
	struct grants g;
	int rc;

	rc = render_put_str(w, "name", job->node->artifact->id);
	if (!rc)
		rc = render_add_description(job, d, w);
	if (!rc)
		rc = render_put_str(w, "model", model ? model : "inherit");
	if (!rc)
		rc = tool_grants(d, &g);
	if (!rc && !g.all && !g.write && !g.edit && !g.bash)
		rc = fm_writer_bool(w, "readonly", true);
	return rc;
}

int render_cursor_agent(const struct render_job *job, struct buf *out)
{
	return render_with_fields(job, out, cursor_agent_fields);
}

/* Not per platform: no table and no platform limit may shape it. */
static int cursor_rule_fields(const struct render_job *job, const struct doc *d,
			      struct fm_writer *w)
{
	struct buf globs = BUF_INIT;
	int rc = put_description(job, d, 0, w);

	if (!rc)
		rc = render_rule_globs(d, &globs);
	if (!rc && globs.len)
		rc = render_put_str(w, "globs", globs.data);
	else if (!rc)
		rc = fm_writer_bool(w, "alwaysApply", true);
	buf_release(&globs);
	return rc;
}

int render_cursor_rule(const struct render_job *job, struct buf *out)
{
	return render_with_fields(job, out, cursor_rule_fields);
}

/* `key = "value"` and a line feed. */
static int toml_pair(struct buf *out, const char *key, const char *value,
		     size_t len)
{
	int rc = toml_add_key(out, key);

	if (!rc)
		rc = toml_add_string(out, value, len);
	if (!rc)
		rc = buf_addch(out, '\n');
	return rc;
}

/* `key = """text"""` and a line feed. */
static int toml_text(struct buf *out, const char *key, const char *text,
		     size_t len)
{
	int rc = toml_add_key(out, key);

	if (!rc)
		rc = toml_add_multiline(out, text, len);
	if (!rc)
		rc = buf_addch(out, '\n');
	return rc;
}

static int toml_description(const struct render_job *job, const struct doc *d,
			    struct buf *out)
{
	struct buf desc = BUF_INIT;
	int rc = render_doc_description(d, job->node->artifact,
					job->node->platform->limits.description,
					&desc);

	if (!rc)
		rc = toml_pair(out, "description", desc.data, desc.len);
	buf_release(&desc);
	return rc;
}

static int codex_agent_toml(const struct render_job *job, const struct doc *d,
			    struct buf *out)
{
	const char *id = job->node->artifact->id;
	const char *model = mapped_model(job, d);
	int rc;

	rc = toml_pair(out, "name", id, strlen(id));
	if (!rc)
		rc = toml_description(job, d, out);
	if (!rc && model)
		rc = toml_pair(out, "model", model, strlen(model));
	if (!rc)
		rc = toml_text(out, "developer_instructions", d->body,
			       d->body_len);
	return rc;
}

int render_codex_agent(const struct render_job *job, struct buf *out)
{
	struct doc d;
	int rc = render_doc_parse(&d, &job->inputs[0].data);

	if (rc)
		return rc;
	rc = codex_agent_toml(job, &d, out);
	fm_release(&d.fm);
	return rc;
}

/* `from` with every `what` replaced by `with`, appended to `out`. */
static int replace_all(struct buf *out, const char *from, size_t len,
		       const char *what, const char *with)
{
	size_t wl = strlen(what);
	const char *end = from + len, *hit;
	int rc = 0;

	while (!rc && (hit = memmem(from, (size_t)(end - from), what, wl))) {
		rc = buf_add(out, from, (size_t)(hit - from));
		if (!rc)
			rc = buf_adds(out, with);
		from = hit + wl;
	}
	return rc ? rc : buf_add(out, from, (size_t)(end - from));
}

static int gemini_toml(const struct render_job *job, const struct doc *d,
		       struct buf *out)
{
	struct buf prompt = BUF_INIT;
	int rc;

	rc = replace_all(&prompt, d->body, d->body_len, "$ARGUMENTS",
			 "{{args}}");
	if (!rc)
		rc = toml_description(job, d, out);
	if (!rc)
		rc = toml_text(out, "prompt", prompt.data, prompt.len);
	buf_release(&prompt);
	return rc;
}

int render_gemini_command(const struct render_job *job, struct buf *out)
{
	struct doc d;
	int rc = render_doc_parse(&d, &job->inputs[0].data);

	if (rc)
		return rc;
	rc = gemini_toml(job, &d, out);
	fm_release(&d.fm);
	return rc;
}

/*
 * Section boundaries of a Markdown body: the offset of the first line of
 * every top-level heading, ATX or setext, in order. md4c reports no
 * offsets, but the text it hands over points into the input, so the first
 * text of a heading gives its line. A heading with no text is no boundary.
 */
struct heads {
	const char *text;
	size_t len;
	size_t *off;
	size_t n;
	size_t cap;
	unsigned depth; /* open blocks below the document */
	bool want;	/* in a top-level heading, its line not found yet */
	int err;
};

/* What a callback returns to stop md4c; see markdown.c. */
#define HEADS_STOP (-1)

static int heads_enter(MD_BLOCKTYPE type, void *detail, void *data)
{
	struct heads *h = data;

	if (type == MD_BLOCK_DOC)
		return 0;
	if (type == MD_BLOCK_H && !h->depth)
		h->want = true;
	h->depth++;
	return 0;
}

static int heads_leave(MD_BLOCKTYPE type, void *detail, void *data)
{
	struct heads *h = data;

	if (type == MD_BLOCK_DOC)
		return 0;
	h->depth--;
	if (type == MD_BLOCK_H)
		h->want = false;
	return 0;
}

static int heads_span(MD_SPANTYPE type, void *detail, void *data)
{
	return 0;
}

static int heads_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *data)
{
	struct heads *h = data;
	size_t at;

	/* line breaks and NUL come as md4c's own strings */
	if (!h->want || s < h->text || s >= h->text + h->len)
		return 0;
	at = (size_t)(s - h->text);
	while (at > 0 && h->text[at - 1] != '\n')
		at--;
	h->want = false;
	h->err = array_reserve(&h->off, &h->cap, h->n + 1, sizeof(*h->off));
	if (h->err)
		return HEADS_STOP;
	h->off[h->n++] = at;
	return 0;
}

static void heads_release(struct heads *h)
{
	free(h->off);
	h->off = NULL;
	h->n = h->cap = 0;
}

/*
 * Fill `h` with the heading lines of `text`; heads_release() it. 0, or
 * -ENOMEM with nothing to release.
 */
static int heads_find(struct heads *h, const char *text, size_t len)
{
	MD_PARSER parser = {
		.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH,
		.enter_block = heads_enter,
		.leave_block = heads_leave,
		.enter_span = heads_span,
		.leave_span = heads_span,
		.text = heads_text,
	};
	int rc;

	memset(h, 0, sizeof(*h));
	h->text = text;
	h->len = len;
	/* md4c sizes are 32 bits; past that there are no boundaries */
	if (len > UINT_MAX)
		return 0;
	rc = md_parse(text, (MD_SIZE)len, &parser, h);
	rc = h->err ? h->err : rc ? -ENOMEM : 0;
	if (rc)
		heads_release(h);
	return rc;
}

static bool is_continuation(char c)
{
	return ((unsigned char)c & 0xC0) == 0x80;
}

/*
 * Windsurf counts its limits in characters: code points of UTF-8 text,
 * so a byte that continues a sequence does not count.
 */
static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += !is_continuation(s[i]);
	return n;
}

/* The byte offset after `chars` characters from `start`, at most len. */
static size_t utf8_advance(const char *s, size_t len, size_t start,
			   size_t chars)
{
	size_t i = start;

	while (i < len) {
		if (!is_continuation(s[i]) && !chars--)
			break;
		i++;
	}
	return i;
}

/*
 * Where to end a piece of text[start, limit) that has no section boundary
 * inside: after its last line feed, else at `limit` moved back so that it
 * does not split a UTF-8 sequence (which may give `start` when the room
 * is under four bytes). text[limit] must exist.
 */
static size_t cut_at_line(const char *text, size_t start, size_t limit)
{
	const char *nl = memrchr(text + start, '\n', limit - start);
	size_t cut = limit;

	if (nl)
		return (size_t)(nl - text) + 1;
	for (int k = 0; k < 3 && cut > start && is_continuation(text[cut]); k++)
		cut--;
	/* more than three: not UTF-8 there anyway */
	return is_continuation(text[cut]) ? limit : cut;
}

/*
 * A windsurf rule being cut into parts: each part is `head` and a piece
 * of the body of at most `room` characters.
 */
struct rule_split {
	struct doc d;
	struct buf head;
	struct heads h;
	size_t next; /* first heading not yet passed */
	size_t room; /* 0: one part, whatever its size */
};

/* The smallest room that always fits a UTF-8 sequence. */
#define SPLIT_MIN_ROOM 4

static int windsurf_rule_fields(const struct doc *d, struct fm_writer *w)
{
	struct buf globs = BUF_INIT;
	int rc = render_rule_globs(d, &globs);

	if (!rc && globs.len) {
		rc = render_put_str(w, "trigger", "glob");
		if (!rc)
			rc = render_put_str(w, "globs", globs.data);
	} else if (!rc) {
		rc = render_put_str(w, "trigger", "always_on");
	}
	buf_release(&globs);
	return rc;
}

static int split_head(struct rule_split *s)
{
	struct fm_writer *w = fm_writer_new();
	int rc = w ? windsurf_rule_fields(&s->d, w) : -ENOMEM;

	if (!rc)
		rc = fm_writer_emit(w, &s->head);
	fm_writer_free(w);
	return rc;
}

static void split_release(struct rule_split *s)
{
	heads_release(&s->h);
	buf_release(&s->head);
	fm_release(&s->d.fm);
}

/* Parse the job's rule and find what cutting it needs. 0 or -errno. */
static int split_open(const struct render_job *job, struct rule_split *s)
{
	size_t limit = job->node->platform->limits.rule, head;
	int rc;

	memset(s, 0, sizeof(*s));
	buf_init(&s->head);
	rc = render_doc_parse(&s->d, &job->inputs[0].data);
	if (rc)
		return rc;
	rc = split_head(s);
	head = utf8_chars(s->head.data, s->head.len);
	if (rc || !limit ||
	    head + utf8_chars(s->d.body, s->d.body_len) <= limit ||
	    limit < head + SPLIT_MIN_ROOM)
		goto out;
	s->room = limit - head;
	rc = heads_find(&s->h, s->d.body, s->d.body_len);
out:
	if (rc)
		split_release(s);
	return rc;
}

/*
 * The end of the part that starts at `start`: at the last section boundary
 * that fits, else inside the section. Parts are asked for in order.
 */
static size_t split_end(struct rule_split *s, size_t start)
{
	size_t limit, end = 0;

	if (!s->room)
		return s->d.body_len;
	limit = utf8_advance(s->d.body, s->d.body_len, start, s->room);
	if (limit >= s->d.body_len)
		return s->d.body_len;
	while (s->next < s->h.n && s->h.off[s->next] <= start)
		s->next++;
	while (s->next < s->h.n && s->h.off[s->next] <= limit)
		end = s->h.off[s->next++];
	if (!end)
		end = cut_at_line(s->d.body, start, limit);
	/* SPLIT_MIN_ROOM rules this out; never loop on it */
	return end > start ? end : s->d.body_len;
}

int render_windsurf_rule_parts(const struct render_job *job)
{
	struct rule_split s;
	size_t start = 0;
	int n = 0, rc;

	rc = split_open(job, &s);
	if (rc)
		return rc;
	do {
		start = split_end(&s, start);
		n++;
	} while (start < s.d.body_len && n < INT_MAX);
	split_release(&s);
	return n;
}

/*
 * Part k of n, or the whole rule for part 0. A part past the end (the
 * source shrank since the parts were counted) is the frontmatter alone.
 */
int render_windsurf_rule(const struct render_job *job, struct buf *out)
{
	unsigned part = job->node->part;
	size_t start = 0, end;
	struct rule_split s;
	int rc;

	rc = split_open(job, &s);
	if (rc)
		return rc;
	if (!part)
		s.room = 0;
	end = split_end(&s, start);
	for (unsigned k = 1; k < part; k++) {
		start = end;
		end = start < s.d.body_len ? split_end(&s, start) : start;
	}
	rc = buf_add(out, s.head.data, s.head.len);
	if (!rc)
		rc = buf_add(out, s.d.body + start, end - start);
	split_release(&s);
	return rc;
}

/*
 * Where the first section of a body ends: at the first heading that has
 * text before it, so a leading title stays with its section.
 */
static size_t first_section_end(const struct heads *h, const char *body,
				size_t len)
{
	size_t first = 0;

	while (first < len && (body[first] == ' ' || body[first] == '\t' ||
			       body[first] == '\r' || body[first] == '\n'))
		first++;
	for (size_t i = 0; i < h->n; i++)
		if (h->off[i] > first)
			return h->off[i];
	return len;
}

/*
 * A workflow over the limit: its first section, cut at a line to fit when
 * needed, then a line naming the source file that holds all of it.
 */
static int workflow_cut(const struct render_job *job, const struct doc *d,
			size_t room, struct buf *out)
{
	size_t limit = job->node->platform->limits.workflow, end, note_chars;
	struct buf note = BUF_INIT;
	struct heads h;
	int rc;

	rc = buf_addf(&note,
		      "\n> " WORKFLOW_CUT_MARK " the %zu characters "
		      "Windsurf reads; the full text is in `%s`.\n",
		      limit, job->node->artifact->path);
	if (!rc)
		rc = heads_find(&h, d->body, d->body_len);
	if (rc)
		goto out_note;
	/* one character for the line feed that may end the kept text */
	note_chars = utf8_chars(note.data, note.len) + 1;
	room = room > note_chars ? room - note_chars : 0;
	/* from characters to the bytes of the body they cover */
	room = utf8_advance(d->body, d->body_len, 0, room);
	end = first_section_end(&h, d->body, d->body_len);
	if (end > room)
		end = room ? cut_at_line(d->body, 0, room) : 0;
	rc = buf_add(out, d->body, end);
	if (!rc && end && d->body[end - 1] != '\n')
		rc = buf_addch(out, '\n');
	if (!rc)
		rc = buf_add(out, note.data, note.len);
	heads_release(&h);
out_note:
	buf_release(&note);
	return rc;
}

static int windsurf_workflow(const struct render_job *job, const struct doc *d,
			     struct fm_writer *w, struct buf *out)
{
	size_t limit = job->node->platform->limits.workflow, start = out->len;
	size_t head;
	int rc = render_add_description(job, d, w);

	if (!rc)
		rc = fm_writer_emit(w, out);
	if (rc)
		return rc;
	head = utf8_chars(out->data + start, out->len - start);
	if (!limit || head + utf8_chars(d->body, d->body_len) <= limit)
		return buf_add(out, d->body, d->body_len);
	return workflow_cut(job, d, limit > head ? limit - head : 0, out);
}

int render_windsurf_workflow(const struct render_job *job, struct buf *out)
{
	struct fm_writer *w;
	struct doc d;
	int rc = render_doc_parse(&d, &job->inputs[0].data);

	if (rc)
		return rc;
	w = fm_writer_new();
	rc = w ? windsurf_workflow(job, &d, w, out) : -ENOMEM;
	fm_writer_free(w);
	fm_release(&d.fm);
	return rc;
}

/* The tools an agent lacks, as the `tools` map that turns them off. */
static int opencode_tools(const struct doc *d, struct fm_writer *w)
{
	const char *keys[3];
	bool off[3] = { false, false, false };
	struct grants g;
	size_t n = 0;
	int rc = tool_grants(d, &g);

	if (rc || g.all)
		return rc;
	if (!g.write)
		keys[n++] = "write";
	if (!g.edit)
		keys[n++] = "edit";
	if (!g.bash)
		keys[n++] = "bash";
	return n ? fm_writer_map_bool(w, "tools", keys, off, n) : 0;
}

static int opencode_agent_fields(const struct render_job *job,
				 const struct doc *d, struct fm_writer *w)
{
	bool primary = fm_get_bool(&d->fm, "orchestration");
	const char *model = mapped_model(job, d);
	int rc = render_add_description(job, d, w);

	if (!rc)
		rc = render_put_str(w, "mode",
				    primary ? "primary" : "subagent");
	if (!rc && model)
		rc = render_put_str(w, "model", model);
	if (!rc)
		rc = opencode_tools(d, w);
	return rc;
}

int render_opencode_agent(const struct render_job *job, struct buf *out)
{
	return render_with_fields(job, out, opencode_agent_fields);
}

/* A command's model: mapped when the table knows it, else as written. */
static const char *command_model(const struct render_job *job,
				 const struct doc *d)
{
	const char *m = fm_get_str(&d->fm, "model");
	const char *mapped = mapped_model(job, d);

	if (!m || !*m || !strcmp(m, "inherit"))
		return NULL;
	return mapped ? mapped : m;
}

static int opencode_command_fields(const struct render_job *job,
				   const struct doc *d, struct fm_writer *w)
{
	const char *agent = fm_get_str(&d->fm, "agent");
	const char *model = command_model(job, d);
	int rc = render_add_description(job, d, w);

	if (!rc && agent && *agent)
		rc = render_put_str(w, "agent", agent);
	if (!rc && model)
		rc = render_put_str(w, "model", model);
	return rc;
}

int render_opencode_command(const struct render_job *job, struct buf *out)
{
	return render_with_fields(job, out, opencode_command_fields);
}

/*
 * A droid's tools, mapped. A source that lists tools of which none maps
 * gets an empty list rather than none, which would grant every tool.
 */
static int factory_tools(const struct render_job *job, const struct doc *d,
			 struct fm_writer *w)
{
	const char **mapped = NULL;
	char **tools = NULL;
	size_t nmapped = 0;
	bool listed;
	int n = source_tools(d, &tools, &listed), rc;

	if (n < 0 || !listed)
		return n < 0 ? n : 0;
	rc = render_map_tools(job->node->platform, tools, (size_t)n, &mapped,
			      &nmapped);
	if (!rc)
		rc = fm_writer_list(w, "tools", mapped, nmapped);
	free(mapped);
	fm_list_free(tools);
	return rc;
}

static int factory_droid_fields(const struct render_job *job,
				const struct doc *d, struct fm_writer *w)
{
	const char *model = mapped_model(job, d);
	int rc = render_put_str(w, "name", job->node->artifact->id);

	if (!rc)
		rc = render_add_description(job, d, w);
	if (!rc)
		rc = render_put_str(w, "model", model ? model : "inherit");
	if (!rc)
		rc = factory_tools(job, d, w);
	return rc;
}

int render_factory_droid(const struct render_job *job, struct buf *out)
{
	return render_with_fields(job, out, factory_droid_fields);
}

static int factory_command_fields(const struct render_job *job,
				  const struct doc *d, struct fm_writer *w)
{
	const char *hint = fm_get_str(&d->fm, "argument-hint");
	int rc = render_add_description(job, d, w);

	if (!rc && hint && *hint)
		rc = render_put_str(w, "argument-hint", hint);
	return rc;
}

int render_factory_command(const struct render_job *job, struct buf *out)
{
	return render_with_fields(job, out, factory_command_fields);
}

static int kiro_agent_fields(const struct render_job *job, const struct doc *d,
			     struct fm_writer *w)
{
	int rc = render_put_str(w, "name", job->node->artifact->id);

	if (!rc)
		rc = render_add_description(job, d, w);
	if (!rc)
		rc = put_source_tools(d, w);
	return rc;
}

int render_kiro_agent(const struct render_job *job, struct buf *out)
{
	return render_with_fields(job, out, kiro_agent_fields);
}

static int kiro_steering_fields(const struct render_job *job,
				const struct doc *d, struct fm_writer *w)
{
	struct buf globs = BUF_INIT;
	int rc = render_rule_globs(d, &globs);

	if (!rc && globs.len) {
		rc = render_put_str(w, "inclusion", "fileMatch");
		if (!rc)
			rc = render_put_str(w, "fileMatchPattern", globs.data);
	} else if (!rc) {
		rc = render_put_str(w, "inclusion", "always");
	}
	buf_release(&globs);
	return rc;
}

int render_kiro_steering(const struct render_job *job, struct buf *out)
{
	return render_with_fields(job, out, kiro_steering_fields);
}

/* A scoped rule gets `paths`; an unscoped one is its body alone. */
int render_cline_rule(const struct render_job *job, struct buf *out)
{
	struct fm_writer *w = NULL;
	char **paths = NULL;
	struct doc d;
	int n, rc;

	rc = render_doc_parse(&d, &job->inputs[0].data);
	if (rc)
		return rc;
	n = fm_get_list(&d.fm, "paths", &paths);
	if (n <= 0) {
		rc = n < 0 ? n : buf_add(out, d.body, d.body_len);
		goto out;
	}
	w = fm_writer_new();
	rc = w ? put_list(w, "paths", paths, (size_t)n) : -ENOMEM;
	if (!rc)
		rc = render_emit_with_body(w, &d, out);
out:
	fm_writer_free(w);
	fm_list_free(paths);
	fm_release(&d.fm);
	return rc;
}
