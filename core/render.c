/*
 * render.c - the renderers, and rendering a view file through the cache.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "aiwgfs/frontmatter.h"
#include "aiwgfs/log.h"
#include "aiwgfs/markdown.h"
#include "aiwgfs/refs.h"
#include "aiwgfs/render.h"
#include "aiwgfs/util.h"
#include "render_impl.h"

/* Index pages stay under this size unless the platform says otherwise:
 * Codex stops reading at 32 KiB. */
#define INDEX_LIMIT (32u * 1024)
/* Descriptions in index lines are cut to this many bytes. */
#define INDEX_DESCRIPTION_LIMIT 160

static int inputs_alloc(struct render_job *job, size_t n)
{
	job->inputs = calloc(n ? n : 1, sizeof(*job->inputs));
	if (!job->inputs)
		return -ENOMEM;
	job->ninputs = n;
	for (size_t i = 0; i < n; i++)
		buf_init(&job->inputs[i].data);
	return 0;
}

static void inputs_free(struct render_job *job)
{
	for (size_t i = 0; i < job->ninputs; i++) {
		buf_release(&job->inputs[i].data);
		free((char *)job->inputs[i].path);
	}
	free(job->inputs);
	job->inputs = NULL;
	job->ninputs = 0;
}

/* The one input of renderers that read the artifact's own file. */
static int inputs_artifact(struct render_job *job)
{
	const struct vnode *n = job->node;
	int rc = inputs_alloc(job, 1);

	if (rc)
		return rc;
	job->inputs[0].artifact = n->artifact;
	job->inputs[0].path = n->sub ? path_join(n->artifact->path, n->sub)
				     : strdup(n->artifact->path);
	return job->inputs[0].path ? 0 : -ENOMEM;
}

/* The main file of an artifact: its Markdown file, or a skill's SKILL.md. */
static char *artifact_main_path(const struct artifact *a)
{
	if (a->kind == ARTIFACT_SKILL)
		return path_join(a->path, "SKILL.md");
	return strdup(a->path);
}

/* Index pages read the main file of every artifact. */
static int inputs_all(struct render_job *job)
{
	const struct source *src = &job->model->src;
	int rc = inputs_alloc(job, src->nartifacts);

	for (size_t i = 0; !rc && i < src->nartifacts; i++) {
		job->inputs[i].artifact = &src->artifacts[i];
		job->inputs[i].path = artifact_main_path(&src->artifacts[i]);
		if (!job->inputs[i].path)
			rc = -ENOMEM;
	}
	return rc;
}

int render_doc_parse(struct doc *d, const struct buf *b)
{
	int rc = fm_parse(&d->fm, b->data, b->len);

	if (rc)
		return rc;
	d->text = b->data;
	d->len = b->len;
	d->body = b->data + d->fm.body_off;
	d->body_len = b->len - d->fm.body_off;
	return 0;
}

int render_description(const char *text, size_t len, size_t limit,
		       struct buf *out)
{
	struct frontmatter fm;
	const char *desc;
	struct buf para = BUF_INIT;
	int rc;

	rc = fm_parse(&fm, text, len);
	if (rc)
		return rc;
	desc = fm_get_str(&fm, "description");
	if (desc && *desc) {
		rc = md_clean_text(desc, strlen(desc), limit, out);
	} else {
		rc = md_first_paragraph(text + fm.body_off, len - fm.body_off,
					&para);
		if (!rc)
			rc = md_clean_text(para.data, para.len, limit, out);
	}
	buf_release(&para);
	fm_release(&fm);
	return rc;
}

/* The description of a parsed doc, or a fallback naming the artifact. */
int render_doc_description(const struct doc *d, const struct artifact *a,
			   size_t limit, struct buf *out)
{
	int rc = render_description(d->text, d->len, 0, out);
	char *clean = NULL;

	if (!rc && !out->len) {
		const char *name = fm_get_str(&d->fm, "name");

		rc = buf_addf(out, "The %s %s", artifact_kind_name(a->kind),
			      name && *name ? name : a->id);
	}
	/*
	 * Cut only once bad bytes are U+FFFD, three bytes each, as YAML and
	 * TOML will show them; the fallback's name may span lines.
	 */
	if (!rc && !str_utf8_valid(out->data, out->len)) {
		clean = str_utf8_sanitize(out->data);
		rc = clean ? 0 : -ENOMEM;
	}
	if (!rc)
		rc = md_clean_text(clean ? clean : out->data,
				   clean ? strlen(clean) : out->len, limit,
				   out);
	free(clean);
	return rc;
}

/*
 * Add `key: value` to `w`, with bytes that are not UTF-8 shown as U+FFFD:
 * YAML must be UTF-8, and a bad byte in a source must not hide the file.
 */
int render_put_str(struct fm_writer *w, const char *key, const char *value)
{
	char *clean;
	int rc;

	if (str_utf8_valid(value, strlen(value)))
		return fm_writer_str(w, key, value);
	clean = str_utf8_sanitize(value);
	if (!clean)
		return -ENOMEM;
	rc = fm_writer_str(w, key, clean);
	free(clean);
	return rc;
}

int render_identity(const struct render_job *job, struct buf *out)
{
	const struct buf *in = &job->inputs[0].data;

	return buf_add(out, in->data, in->len);
}

/*
 * A valid Agent Skills name from a folder name: lower case, runs of other
 * characters to one "-", no "-" at either end, at most 64 bytes.
 */
void render_skill_name(const char *id, char *out, size_t size)
{
	size_t n = 0, max = size - 1 < RENDER_SKILL_NAME_MAX
				    ? size - 1
				    : RENDER_SKILL_NAME_MAX;
	bool dash = false;

	for (const char *p = id; *p && n < max; p++) {
		char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n && n < max - 1)
				out[n++] = '-';
			dash = false;
			out[n++] = c;
		} else {
			dash = true;
		}
	}
	out[n] = '\0';
	if (!n && max >= 5)
		memcpy(out, "skill", 6);
}

/*
 * The top-level entry of a raw YAML block that starts at `p`: its key line
 * and every following line that is indented, blank or a "- " item. Returns
 * the end of the entry.
 */
static const char *yaml_entry_end(const char *p, const char *end)
{
	const char *line = memchr(p, '\n', (size_t)(end - p));

	line = line ? line + 1 : end;
	while (line < end) {
		const char *next = memchr(line, '\n', (size_t)(end - line));

		next = next ? next + 1 : end;
		if (*line != ' ' && *line != '\t' && *line != '\n' &&
		    *line != '\r' && *line != '-' && *line != '#')
			break;
		line = next;
	}
	return line;
}

/* Whether a raw YAML line starts entry `key`. */
static bool yaml_entry_is(const char *p, const char *end, const char *key)
{
	size_t kl = strlen(key);

	return (size_t)(end - p) > kl && !memcmp(p, key, kl) && p[kl] == ':';
}

/* Whether the entry [p, e) is one line. */
static bool yaml_entry_one_line(const char *p, const char *e)
{
	const char *nl = memchr(p, '\n', (size_t)(e - p));

	return !nl || nl + 1 == e;
}

/*
 * SKILL.md as the Agent Skills format requires: `name` equal to the folder
 * name and valid, `description` on one line within the limit. A file that
 * has both right is shown as it is; otherwise the two fields are written
 * first and every other field follows byte for byte.
 */
static int render_skill_md(const struct render_job *job, struct buf *out)
{
	const struct buf *in = &job->inputs[0].data;
	const struct artifact *a = job->node->artifact;
	size_t limit = RENDER_SKILL_DESCRIPTION_MAX;
	struct fm_writer *w = NULL;
	struct buf desc = BUF_INIT;
	char name[RENDER_SKILL_NAME_MAX + 1];
	const char *raw, *end, *p, *have_name, *have_desc;
	bool name_ok = false, desc_ok = false;
	struct doc d;
	int rc;

	rc = render_doc_parse(&d, in);
	if (rc)
		return rc;
	render_skill_name(a->id, name, sizeof(name));
	raw = in->data + d.fm.raw_off;
	end = raw + d.fm.raw_len;
	have_name = fm_get_str(&d.fm, "name");
	have_desc = fm_get_str(&d.fm, "description");
	for (p = raw; d.fm.present && p < end; p = yaml_entry_end(p, end)) {
		const char *e = yaml_entry_end(p, end);

		if (yaml_entry_is(p, end, "name"))
			name_ok = have_name && !strcmp(have_name, name) &&
				  yaml_entry_one_line(p, e);
		if (yaml_entry_is(p, end, "description"))
			desc_ok = have_desc && *have_desc &&
				  strlen(have_desc) <= limit &&
				  !strchr(have_desc, '\n') &&
				  yaml_entry_one_line(p, e);
	}
	if (name_ok && desc_ok && !d.fm.lenient) {
		rc = buf_add(out, in->data, in->len);
		goto out;
	}
	rc = render_doc_description(&d, a, limit, &desc);
	w = fm_writer_new();
	if (!rc && !w)
		rc = -ENOMEM;
	if (!rc)
		rc = render_put_str(w, "name", name);
	if (!rc)
		rc = render_put_str(w, "description", desc.data);
	if (!rc)
		rc = fm_writer_emit(w, out);
	if (rc)
		goto out;
	/* The emitter closed the block; reopen it for the kept fields. */
	out->len -= strlen("---\n");
	out->data[out->len] = '\0';
	for (p = raw; d.fm.present && p < end;) {
		const char *e = yaml_entry_end(p, end);

		if (!yaml_entry_is(p, end, "name") &&
		    !yaml_entry_is(p, end, "description"))
			rc |= buf_add(out, p, (size_t)(e - p));
		p = e;
	}
	if (out->len && out->data[out->len - 1] != '\n')
		rc |= buf_addch(out, '\n');
	rc |= buf_adds(out, "---\n");
	rc |= buf_add(out, d.body, d.body_len);
	rc = rc ? -ENOMEM : 0;
out:
	fm_writer_free(w);
	buf_release(&desc);
	fm_release(&d.fm);
	return rc;
}

int render_skill(const struct render_job *job, struct buf *out)
{
	if (!strcmp(job->node->sub, "SKILL.md"))
		return render_skill_md(job, out);
	return render_identity(job, out);
}

/* Frontmatter from `w`, then the body of `d`. */
int render_emit_with_body(struct fm_writer *w, const struct doc *d,
			  struct buf *out)
{
	int rc = fm_writer_emit(w, out);

	if (!rc)
		rc = buf_add(out, d->body, d->body_len);
	return rc;
}

/* Map a list of source tools through a platform's table, no duplicates. */
int render_map_tools(const struct platform *p, char **tools, size_t n,
		     const char ***out, size_t *nout)
{
	const char **mapped = calloc(n ? n : 1, sizeof(*mapped));
	size_t k = 0;

	if (!mapped)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		/* "Bash(git log:*)" is Bash narrowed; platforms know Bash. */
		size_t len = strcspn(tools[i], "(");
		char *name = str_ndup(tools[i], len);
		const char *t;

		if (!name) {
			free(mapped);
			return -ENOMEM;
		}
		t = registry_map(p->tools, p->ntools, name);
		free(name);
		if (t && !str_list_has(mapped, k, t))
			mapped[k++] = t;
	}
	*out = mapped;
	*nout = k;
	return 0;
}

/* The shared frame of renderers that write new frontmatter, then the body. */
int render_with_fields(const struct render_job *job, struct buf *out,
		       fields_fn *fields)
{
	struct fm_writer *w;
	struct doc d;
	int rc;

	rc = render_doc_parse(&d, &job->inputs[0].data);
	if (rc)
		return rc;
	w = fm_writer_new();
	rc = w ? fields(job, &d, w) : -ENOMEM;
	if (!rc)
		rc = render_emit_with_body(w, &d, out);
	fm_writer_free(w);
	fm_release(&d.fm);
	return rc;
}

int render_add_description(const struct render_job *job, const struct doc *d,
			   struct fm_writer *w)
{
	struct buf desc = BUF_INIT;
	int rc = render_doc_description(d, job->node->artifact,
					job->node->platform->limits.description,
					&desc);

	if (!rc)
		rc = render_put_str(w, "description", desc.data);
	buf_release(&desc);
	return rc;
}

/* One "- `id` — description — `path`" line, or nothing if not shown. */
/*
 * An index line's description of an input, memoized in the cache by the
 * input's content hash: an index reads every source, and parsing them all
 * again after each edit of one would dominate the time to show the edit.
 */
static int index_description(const struct render_job *job,
			     const struct render_input *in, struct buf *out)
{
	struct cache_key key = { in->hash.lo ^ 0x6465736372697074ULL,
				 in->hash.hi + INDEX_DESCRIPTION_LIMIT };
	struct cache_entry *e = job->cache ? cache_get(job->cache, &key) : NULL;
	char *data;
	size_t len;
	int rc;

	if (e) {
		rc = buf_add(out, e->data, e->size);
		cache_release(job->cache, e);
		return rc;
	}
	rc = render_description(in->data.data, in->data.len,
				INDEX_DESCRIPTION_LIMIT, out);
	if (rc || !job->cache)
		return rc;
	data = str_ndup(out->data, out->len);
	len = out->len;
	e = data ? cache_put(job->cache, &key, data, len) : NULL;
	cache_release(job->cache, e);
	return 0;
}

static int index_line(const struct render_job *job,
		      const struct render_input *in, struct buf *out)
{
	const struct artifact *a = in->artifact;
	struct buf desc = BUF_INIT;
	char *dest;
	int rc;

	/* What the platform shows no file for is pointed at in SOURCE. */
	dest = render_dest_path(job->node->platform, a);
	if (!dest)
		dest = a->kind == ARTIFACT_SKILL
			       ? path_join(a->path, "SKILL.md")
			       : strdup(a->path);
	if (!dest)
		return -ENOMEM;
	rc = index_description(job, in, &desc);
	if (!rc)
		rc = buf_addf(out, "- `%s` — %s — `%s`\n", a->id,
			      desc.len ? desc.data : "(no description)", dest);
	buf_release(&desc);
	free(dest);
	return rc;
}

static int index_section(const struct render_job *job, enum artifact_kind kind,
			 const char *title, struct buf *out)
{
	size_t start = out->len;
	int rc = buf_addf(out, "\n## %s\n\n", title);
	bool any = false;

	for (size_t i = 0; !rc && i < job->ninputs; i++) {
		const struct render_input *in = &job->inputs[i];

		if (in->error || in->artifact->kind != kind)
			continue;
		any = true;
		rc = index_line(job, in, out);
	}
	if (!rc && !any) {
		out->len = start;
		out->data[start] = '\0';
	}
	return rc;
}

/*
 * An index page: the source, the rules inlined while the page stays under
 * INDEX_LIMIT, the rest of the rules by path, then one line per agent,
 * skill and command. Deterministic: no times, no machine state.
 */
int render_index(const struct render_job *job, struct buf *out)
{
	size_t limit = job->node->platform->limits.index
			       ? job->node->platform->limits.index
			       : INDEX_LIMIT;
	struct buf lists = BUF_INIT, rest = BUF_INIT, inl = BUF_INIT;
	int rc;

	rc = index_section(job, ARTIFACT_AGENT, "Agents", &lists);
	if (!rc)
		rc = index_section(job, ARTIFACT_SKILL, "Skills", &lists);
	if (!rc)
		rc = index_section(job, ARTIFACT_COMMAND, "Commands", &lists);
	rc |= buf_addf(out,
		       "# Agent definitions\n\n"
		       "Rendered by aiwgfs from `%s`. Edit the files there; "
		       "this page follows them.\n",
		       job->model->src.root);
	for (size_t i = 0; !rc && i < job->ninputs; i++) {
		const struct render_input *in = &job->inputs[i];
		struct doc d;
		size_t need;

		if (in->error || in->artifact->kind != ARTIFACT_RULE)
			continue;
		rc = render_doc_parse(&d, &in->data);
		if (rc)
			break;
		need = out->len + inl.len + d.body_len + 64 + rest.len +
		       lists.len;
		if (need < limit && !rest.len)
			rc = buf_addf(&inl, "\n### %s\n\n%.*s",
				      in->artifact->id, (int)d.body_len,
				      d.body);
		else
			rc = index_line(job, in, &rest);
		fm_release(&d.fm);
	}
	if (!rc && inl.len)
		rc = buf_addf(out, "\n## Rules\n%s", inl.data);
	if (!rc && rest.len)
		rc = buf_addf(out, "\n## More rules\n\n%s", rest.data);
	if (!rc)
		rc = buf_add(out, lists.data, lists.len);
	buf_release(&lists);
	buf_release(&rest);
	buf_release(&inl);
	return rc ? -ENOMEM : 0;
}

#define ONE(name, platform, fn)                                                \
	{                                                                      \
		name, platform, false, RENDER_ARTIFACT, NULL, inputs_artifact, \
			fn                                                     \
	}

static const struct renderer renderers[] = {
	ONE("identity", false, render_identity),
	ONE("body", false, render_body),
	{ "skill", false, true, RENDER_SKILL, NULL, inputs_artifact,
	  render_skill },
	{ "command-skill", false, true, RENDER_ARTIFACT, NULL, inputs_artifact,
	  render_command_skill },
	{ "index", true, false, RENDER_INDEX, NULL, inputs_all, render_index },
	ONE("cursor-agent", true, render_cursor_agent),
	ONE("cursor-rule", false, render_cursor_rule),
	ONE("copilot-agent", true, render_copilot_agent),
	ONE("copilot-prompt", true, render_copilot_prompt),
	ONE("copilot-instructions", true, render_copilot_instructions),
	ONE("codex-agent", true, render_codex_agent),
	{ "windsurf-rule", true, false, RENDER_ARTIFACT,
	  render_windsurf_rule_parts, inputs_artifact, render_windsurf_rule },
	ONE("windsurf-workflow", true, render_windsurf_workflow),
	ONE("opencode-agent", true, render_opencode_agent),
	ONE("opencode-command", true, render_opencode_command),
	ONE("factory-droid", true, render_factory_droid),
	ONE("factory-command", true, render_factory_command),
	ONE("gemini-command", true, render_gemini_command),
	ONE("kiro-agent", true, render_kiro_agent),
	ONE("kiro-steering", true, render_kiro_steering),
	ONE("cline-rule", true, render_cline_rule),
};

const struct renderer *renderer_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(renderers); i++)
		if (!strcmp(renderers[i].name, name))
			return &renderers[i];
	return NULL;
}

char *render_dest_path(const struct platform *p, const struct artifact *a)
{
	char name[RENDER_SKILL_NAME_MAX + 1];
	const struct platform_rule *r = NULL;
	const struct renderer *rd;
	struct buf b = BUF_INIT;
	const char *t, *brace, *id = a->id;

	for (size_t i = 0; i < p->nrules && !r; i++)
		if (p->rules[i].kind == a->kind)
			r = &p->rules[i];
	rd = r ? renderer_find(r->renderer) : NULL;
	if (!rd)
		return NULL;
	if (rd->folder) {
		render_skill_name(a->id, name, sizeof(name));
		id = name;
	}
	buf_addf(&b, "%s/", r->view);
	for (t = r->dest; (brace = strstr(t, "{id}")); t = brace + 4) {
		buf_add(&b, t, (size_t)(brace - t));
		buf_adds(&b, id);
	}
	buf_adds(&b, t);
	if (rd->folder)
		buf_adds(&b, "/SKILL.md");
	return buf_detach(&b, NULL);
}

static void key_add_str(XXH3_state_t *st, const char *s)
{
	XXH3_128bits_update(st, s ? s : "", s ? strlen(s) + 1 : 1);
}

static void render_key(struct render_job *job, struct cache_key *key)
{
	const struct vnode *n = job->node;
	const unsigned version = RENDER_VERSION;
	XXH3_state_t st;
	XXH128_hash_t h;

	XXH3_128bits_reset(&st);
	key_add_str(&st, n->renderer->name);
	XXH3_128bits_update(&st, &version, sizeof(version));
	key_add_str(&st, n->renderer->per_platform ? n->platform->name : "");
	XXH3_128bits_update(&st, &job->model->opts.rewrite_refs, 1);
	key_add_str(&st, n->artifact ? n->artifact->id : "");
	key_add_str(&st, n->sub);
	XXH3_128bits_update(&st, &n->part, sizeof(n->part));
	if (!n->artifact)
		key_add_str(&st, job->model->src.root);
	for (size_t i = 0; i < job->ninputs; i++) {
		struct render_input *in = &job->inputs[i];

		h = XXH3_128bits(in->data.data, in->data.len);
		in->hash.lo = h.low64;
		in->hash.hi = h.high64;
		XXH3_128bits_update(&st, &in->error, sizeof(in->error));
		XXH3_128bits_update(&st, &h, sizeof(h));
	}
	h = XXH3_128bits_digest(&st);
	key->lo = h.low64;
	key->hi = h.high64;
}

/* Where the platform of a job shows another artifact, for references. */
static char *ref_artifact_path(void *arg, enum artifact_kind kind,
			       const char *id, const char *rest)
{
	const struct render_job *job = arg;
	const struct artifact *a = source_find(&job->model->src, kind, id);
	char *dest, *slash;

	if (!a || !job->node->platform)
		return NULL;
	dest = render_dest_path(job->node->platform, a);
	if (!dest || kind != ARTIFACT_SKILL ||
	    !str_ends_with(dest, "/SKILL.md"))
		return dest;
	/* A skill: its folder, or a file inside it. */
	slash = strrchr(dest, '/');
	*slash = '\0';
	if (*rest) {
		char *full = path_join(dest, rest);

		free(dest);
		return full;
	}
	return dest;
}

/*
 * Rewrite the references of a Markdown input for the view being rendered.
 * Done before the key is computed, so the key covers what rewriting
 * depends on besides the bytes: which targets exist, and the platform.
 */
static int rewrite_input(const struct render_job *job, struct render_input *in)
{
	struct refs_ctx ctx = {
		.source_root = job->model->src.aiwg_root,
		.artifact_path = ref_artifact_path,
		.arg = (void *)job,
	};
	struct buf out = BUF_INIT;
	int rc;

	if (!str_ends_with(in->path, ".md"))
		return 0;
	rc = refs_rewrite(in->data.data, in->data.len,
			  fm_body_offset(in->data.data, in->data.len), &ctx,
			  &out);
	if (rc) {
		buf_release(&out);
		return rc;
	}
	buf_release(&in->data);
	in->data = out;
	return 0;
}

/*
 * The error a reader of a view gets when a source cannot be read: what it
 * can act on (the file is gone, not readable, or the daemon is out of
 * memory or descriptors); EIO for the rest.
 */
static int pass_on(int error)
{
	switch (error) {
	case -ENOENT:
	case -EACCES:
	case -ENOMEM:
	case -EMFILE:
	case -ENFILE:
	case -EFBIG:
		return error;
	default:
		return -EIO;
	}
}

/* Read every input; one that fails is fatal unless the renderer lists. */
static int read_inputs(struct render_job *job)
{
	bool many = job->ninputs > 1 || !job->node->artifact;

	for (size_t i = 0; i < job->ninputs; i++) {
		struct render_input *in = &job->inputs[i];

		in->error =
			buf_read_file_beneath(&in->data, job->model->src.root,
					      in->path, RENDER_MAX_INPUT);
		/* An index shows only the rules' bodies: the others need no
		 * rewriting, which is most of the cost of reading them all. */
		if (!in->error && job->model->opts.rewrite_refs &&
		    (!many || in->artifact->kind == ARTIFACT_RULE) &&
		    rewrite_input(job, in))
			return -ENOMEM;
		if (!in->error || many)
			continue;
		log_limited(in->path, LOG_LEVEL_WARNING,
			    "cannot read source '%s': %s", in->path,
			    strerror(-in->error));
		return pass_on(in->error);
	}
	return 0;
}

int render_count_parts(const struct model *m, const struct vnode *node)
{
	struct render_job job = { .model = m, .node = node };
	int n = 1;

	if (!node->renderer || !node->renderer->parts)
		return 1;
	if (!node->renderer->inputs(&job) && !read_inputs(&job))
		n = node->renderer->parts(&job);
	inputs_free(&job);
	return n < 1 ? 1 : n;
}

int render_node(const struct model *m, const struct vnode *node,
		struct cache *c, struct cache_entry **out)
{
	struct render_job job = { .model = m, .node = node, .cache = c };
	struct buf b = BUF_INIT;
	struct cache_key key;
	char *data;
	size_t len;
	int rc;

	*out = NULL;
	if (node->type != VNODE_FILE || !node->renderer)
		return -EISDIR;
	rc = node->renderer->inputs(&job);
	if (!rc)
		rc = read_inputs(&job);
	if (rc)
		goto out;
	render_key(&job, &key);
	*out = cache_get(c, &key);
	if (*out)
		goto out;
	rc = node->renderer->render(&job, &b);
	if (rc) {
		log_limited(node, LOG_LEVEL_ERROR,
			    "cannot render '%s' from "
			    "'%s': %s",
			    node->path, job.inputs[0].path, strerror(-rc));
		rc = rc == -ENOMEM ? rc : -EIO;
		goto out;
	}
	data = buf_detach(&b, &len);
	/* The buffer grew by doubling; the cache keeps it for long. */
	if (data) {
		char *fit = realloc(data, len + 1);

		data = fit ? fit : data;
	}
	*out = data ? cache_put(c, &key, data, len) : NULL;
	if (!*out)
		rc = -ENOMEM;
out:
	buf_release(&b);
	inputs_free(&job);
	return rc;
}
