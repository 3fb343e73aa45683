/*
 * config.c - reading .aiwgfs.yaml; see config.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/config.h"
#include "aiwgfs/util.h"

#define CONFIG_MAX_FILE (1u << 20)
#define CONFIG_KEYS                                                            \
	"source, platforms, frameworks, addons, registry, models, options"
#define CONFIG_OPTIONS "rewrite_refs, git_exclude, cache_size"

struct parse {
	struct config *c;
	const char *file;
	yaml_document_t doc;
	struct buf err;
};

static int fail(struct parse *p, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parse *p, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&p->err);
	buf_addf(&p->err, "%s:%zu: ", p->file,
		 n ? n->start_mark.line + 1 : (size_t)1);
	va_start(ap, fmt);
	buf_vaddf(&p->err, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static yaml_node_t *node(struct parse *p, int index)
{
	return yaml_document_get_node(&p->doc, index);
}

/* The text of a scalar node, or NULL for any other node. */
static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE
		       ? (const char *)n->data.scalar.value
		       : NULL;
}

/* A path from the file, made relative to the config's folder. */
static int read_path(struct parse *p, const yaml_node_t *n, const char *key,
		     char **out)
{
	const char *v = scalar(n), *slash = strrchr(p->file, '/');
	char *dir;

	if (!v || !*v)
		return fail(p, n, "'%s' must be a path", key);
	free(*out);
	if (*v == '/' || !slash) {
		*out = strdup(v);
		return *out ? 0 : -ENOMEM;
	}
	/* "/x.yaml" keeps its "/" */
	dir = str_ndup(p->file, (size_t)(slash - p->file) + (slash == p->file));
	*out = dir ? path_join(dir, v) : NULL;
	free(dir);
	return *out ? 0 : -ENOMEM;
}

static int list_add(struct config_list *l, const char *name, size_t len)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	l->v = v;
	v[l->n] = str_ndup(name, len);
	if (!v[l->n])
		return -ENOMEM;
	l->n++;
	return 0;
}

/* A list of names: a YAML sequence, or one comma-separated string. */
static int read_list(struct parse *p, const yaml_node_t *n, const char *key,
		     struct config_list *l)
{
	const char *s = scalar(n);
	int rc = 0;

	l->set = true;
	l->line = n->start_mark.line + 1;
	while (s && !rc) {
		size_t len = strcspn(s, ",");
		size_t lead = strspn(s, " \t");

		while (len > lead && strchr(" \t", s[len - 1]))
			len--;
		if (len > lead)
			rc = list_add(l, s + lead, len - lead);
		s += strcspn(s, ",");
		s = *s ? s + 1 : NULL;
	}
	if (scalar(n))
		return rc;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(p, n, "'%s' must be a list of names", key);
	for (yaml_node_item_t *i = n->data.sequence.items.start;
	     !rc && i < n->data.sequence.items.top; i++) {
		const char *name = scalar(node(p, *i));

		if (!name || !*name)
			return fail(p, node(p, *i),
				    "'%s' must be a list of names", key);
		rc = list_add(l, name, strlen(name));
	}
	return rc;
}

/* YAML's words for yes and no; -1 for anything else. */
static int boolean(const yaml_node_t *n)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes",
					   "Yes",  "YES",  "on",   "On" };
	static const char *const no[] = { "false", "False", "FALSE", "no",
					  "No",	   "NO",    "off",   "Off" };
	const char *s = scalar(n);

	if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(s, yes[i]))
			return 1;
		if (!strcmp(s, no[i]))
			return 0;
	}
	return -1;
}

/* Refuse a mapping that gives a key twice, naming the second. */
static int no_repeats(struct parse *p, const yaml_node_t *m)
{
	for (yaml_node_pair_t *pair = m->data.mapping.pairs.start;
	     pair < m->data.mapping.pairs.top; pair++) {
		const yaml_node_t *kn = node(p, pair->key);
		const char *key = scalar(kn);

		for (yaml_node_pair_t *q = m->data.mapping.pairs.start;
		     key && q < pair; q++) {
			const char *a = scalar(node(p, q->key));

			if (a && !strcmp(a, key))
				return fail(p, kn, "'%s' is given twice", a);
		}
	}
	return 0;
}

static int read_options(struct parse *p, const yaml_node_t *m)
{
	if (m->type != YAML_MAPPING_NODE)
		return fail(p, m, "'options' must be a mapping of (%s)",
			    CONFIG_OPTIONS);
	if (no_repeats(p, m))
		return -EINVAL;
	for (yaml_node_pair_t *pair = m->data.mapping.pairs.start;
	     pair < m->data.mapping.pairs.top; pair++) {
		const yaml_node_t *kn = node(p, pair->key);
		const yaml_node_t *v = node(p, pair->value);
		const char *key = scalar(kn), *s = scalar(v);
		size_t size;

		if (key && !strcmp(key, "cache_size")) {
			if (!s || config_parse_size(s, &size))
				return fail(p, v,
					    "'cache_size' must be a size in "
					    "bytes such as 64M");
			p->c->cache_size = (long long)size;
			continue;
		}
		if (!key ||
		    (strcmp(key, "rewrite_refs") && strcmp(key, "git_exclude")))
			return fail(p, kn, "unknown option '%s' (accepted: %s)",
				    key ? key : "?", CONFIG_OPTIONS);
		if (boolean(v) < 0)
			return fail(p, v, "'%s' must be true or false", key);
		if (!strcmp(key, "rewrite_refs"))
			p->c->rewrite_refs = boolean(v);
		else
			p->c->git_exclude = boolean(v);
	}
	return 0;
}

static int model_add(struct config *c, const char *platform, const char *from,
		     const char *to, size_t line)
{
	struct config_model *v =
		realloc(c->models, (c->nmodels + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	c->models = v;
	v += c->nmodels;
	v->platform = strdup(platform);
	v->from = strdup(from);
	v->to = strdup(to);
	v->line = line;
	c->nmodels++;
	return v->platform && v->from && v->to ? 0 : -ENOMEM;
}

/* models: { platform: { from: to, ... }, ... } */
static int read_models(struct parse *p, const yaml_node_t *m)
{
	static const char shape[] =
		"'models' must map platforms to mappings of model names, "
		"such as 'codex: {opus: gpt-5.3-codex}'";
	int rc = 0;

	if (m->type != YAML_MAPPING_NODE)
		return fail(p, m, shape);
	rc = no_repeats(p, m);
	for (yaml_node_pair_t *pair = m->data.mapping.pairs.start;
	     !rc && pair < m->data.mapping.pairs.top; pair++) {
		const char *platform = scalar(node(p, pair->key));
		const yaml_node_t *map = node(p, pair->value);

		if (!platform || !map || map->type != YAML_MAPPING_NODE)
			return fail(p, map ? map : m, shape);
		if (no_repeats(p, map))
			return -EINVAL;
		for (yaml_node_pair_t *q = map->data.mapping.pairs.start;
		     !rc && q < map->data.mapping.pairs.top; q++) {
			const yaml_node_t *kn = node(p, q->key);
			const char *from = scalar(kn);
			const char *to = scalar(node(p, q->value));

			if (!from || !to || !*from || !*to)
				return fail(p, kn, shape);
			rc = model_add(p->c, platform, from, to,
				       kn->start_mark.line + 1);
		}
	}
	return rc;
}

static int read_key(struct parse *p, const yaml_node_t *kn,
		    const yaml_node_t *v)
{
	const char *key = scalar(kn);

	if (!key)
		return fail(p, kn, "keys must be names (accepted: %s)",
			    CONFIG_KEYS);
	if (!strcmp(key, "source")) {
		p->c->source_line = v->start_mark.line + 1;
		return read_path(p, v, key, &p->c->source);
	}
	if (!strcmp(key, "registry"))
		return read_path(p, v, key, &p->c->registry);
	if (!strcmp(key, "platforms"))
		return read_list(p, v, key, &p->c->platforms);
	if (!strcmp(key, "frameworks"))
		return read_list(p, v, key, &p->c->frameworks);
	if (!strcmp(key, "addons"))
		return read_list(p, v, key, &p->c->addons);
	if (!strcmp(key, "models"))
		return read_models(p, v);
	if (!strcmp(key, "options"))
		return read_options(p, v);
	return fail(p, kn, "unknown key '%s' (accepted: %s)", key, CONFIG_KEYS);
}

static int read_document(struct parse *p)
{
	yaml_node_t *root = yaml_document_get_root_node(&p->doc);
	int rc = 0;

	if (!root ||
	    (root->type == YAML_SCALAR_NODE && !root->data.scalar.length))
		return 0; /* an empty file */
	if (root->type != YAML_MAPPING_NODE)
		return fail(p, root,
			    "expected a mapping of keys (accepted: %s)",
			    CONFIG_KEYS);
	rc = no_repeats(p, root);
	for (yaml_node_pair_t *pair = root->data.mapping.pairs.start;
	     !rc && pair < root->data.mapping.pairs.top; pair++)
		rc = read_key(p, node(p, pair->key), node(p, pair->value));
	return rc;
}

static int parse_text(struct parse *p, const char *text, size_t len)
{
	yaml_parser_t parser;
	int rc;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &p->doc)) {
		buf_addf(&p->err, "%s:%zu: %s", p->file,
			 parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "not valid YAML");
		yaml_parser_delete(&parser);
		return -EINVAL;
	}
	rc = read_document(p);
	yaml_document_delete(&p->doc);
	yaml_parser_delete(&parser);
	return rc;
}

int config_load(struct config *c, const char *file, bool must_exist, char **err)
{
	struct parse p = { .c = c, .file = file, .err = BUF_INIT };
	struct buf text = BUF_INIT;
	int rc;

	memset(c, 0, sizeof(*c));
	c->rewrite_refs = c->git_exclude = -1;
	c->cache_size = -1;
	*err = NULL;
	rc = buf_read_file(&text, AT_FDCWD, file, CONFIG_MAX_FILE);
	if (rc == -ENOENT && !must_exist)
		return 0;
	if (rc) {
		buf_addf(&p.err, "cannot read config '%s': %s", file,
			 strerror(-rc));
		goto out;
	}
	c->file = strdup(file);
	rc = c->file ? parse_text(&p, text.data, text.len) : -ENOMEM;
out:
	if (rc)
		*err = p.err.len ? buf_detach(&p.err, NULL) : NULL;
	buf_release(&p.err);
	buf_release(&text);
	return rc;
}

static void list_release(struct config_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

void config_release(struct config *c)
{
	free(c->file);
	free(c->source);
	free(c->registry);
	list_release(&c->platforms);
	list_release(&c->frameworks);
	list_release(&c->addons);
	for (size_t i = 0; i < c->nmodels; i++) {
		free(c->models[i].platform);
		free(c->models[i].from);
		free(c->models[i].to);
	}
	free(c->models);
	memset(c, 0, sizeof(*c));
}

/*
 * `s` as a YAML double-quoted scalar, so that '#', ': ' or '[' stay in a
 * path, and line breaks (which YAML would fold) are written as escapes.
 */
static void add_quoted(struct buf *b, const char *s)
{
	static const struct {
		const char *utf8, *escape;
	} breaks[] = {
		{ "\xc2\x85", "\\N" },
		{ "\xe2\x80\xa8", "\\L" },
		{ "\xe2\x80\xa9", "\\P" },
	};

	buf_addch(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t i;

		for (i = 0; i < ARRAY_SIZE(breaks); i++)
			if (!strncmp(s, breaks[i].utf8, strlen(breaks[i].utf8)))
				break;
		if (i < ARRAY_SIZE(breaks)) {
			buf_adds(b, breaks[i].escape);
			s += strlen(breaks[i].utf8) - 1;
		} else if (c < 0x20 || c == 0x7f) {
			buf_addf(b, "\\x%02x", c);
		} else {
			if (c == '"' || c == '\\')
				buf_addch(b, '\\');
			buf_addch(b, (char)c);
		}
	}
	buf_addch(b, '"');
}

char *config_template(const char *source, const char *platforms)
{
	struct buf b = BUF_INIT;

	buf_adds(&b,
		 "# aiwgfs: the views this repository shows of a canonical "
		 "tree.\n"
		 "# Flags on the command line win over what is here. Relative "
		 "paths\n"
		 "# are taken from this file's folder. 'man aiwgfs' has "
		 "every key.\n\n"
		 "# The canonical tree: an AIWG checkout, or a folder of "
		 "agents/,\n"
		 "# commands/, skills/ and rules/.\n");
	if (source) {
		buf_adds(&b, "source: ");
		add_quoted(&b, source);
		buf_addch(&b, '\n');
	} else
		buf_adds(&b, "# source: ../aiwg\n");
	buf_adds(&b, "\n# The tools to show views for ('aiwgfs platforms' "
		     "lists them); all\n# when left out.\n");
	if (platforms)
		buf_addf(&b, "platforms: [%s]\n", platforms);
	else
		buf_adds(&b, "# platforms: [claude, copilot, cursor]\n");
	buf_adds(&b,
		 "\n# Which frameworks and addons of an AIWG tree to include; "
		 "all when\n# left out.\n"
		 "# frameworks: [sdlc-complete]\n"
		 "# addons: [writing-quality]\n"
		 "\n# A platform table of your own, merged over the built-in "
		 "one.\n"
		 "# registry: platforms.local.yaml\n"
		 "\n# Model names per platform, over the built-in maps.\n"
		 "# models:\n"
		 "#   codex: {opus: gpt-5.3-codex, \"*\": codex-mini-latest}\n"
		 "\n# options:\n"
		 "#   rewrite_refs: true   # point references at files that "
		 "exist\n"
		 "#   git_exclude: true    # keep the views out of git "
		 "status\n"
		 "#   cache_size: 64M      # bound of the render cache\n");
	return buf_detach(&b, NULL);
}

int config_parse_size(const char *s, size_t *out)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	default:
		break;
	}
	end += shift != 0;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || (shift && v > (~0ULL >> shift)))
		return -EINVAL;
	*out = (size_t)(v << shift);
	return 0;
}
