/*
 * test_config.c - reading the repository config, .aiwgfs.yaml: every key
 * with its values, lists in both forms, paths taken from the file's
 * folder, booleans, sizes, the errors (each naming the file and line), and
 * the starting config that `aiwgfs init` writes read back.
 *
 * Each case writes a real file in a scratch folder and loads it; the
 * expected values and line numbers are counted in the text written.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/config.h"
#include "aiwgfs/util.h"
#include "check.h"
#include "tmptree.h"

static char *tmp;

/* The config file of case `tag`: tmp/tag/.aiwgfs.yaml; caller frees. */
static char *case_file(const char *tag)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s/%s/%s", tmp, tag, CONFIG_FILE);
	return buf_detach(&b, NULL);
}

/* tmp/tag/rel; caller frees. */
static char *case_path(const char *tag, const char *rel)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s/%s/%s", tmp, tag, rel);
	return buf_detach(&b, NULL);
}

/* Write `text` as the config of case `tag` and load it into *c. */
static int load_text(const char *tag, const char *text, struct config *c,
		     char **err)
{
	char *dir = path_join(tmp, tag);
	char *file = case_file(tag);
	int rc;

	CHECK(tmp_write_str(dir, CONFIG_FILE, text) == 0);
	rc = config_load(c, file, true, err);
	free(dir);
	free(file);
	return rc;
}

/* Every setting is unset. */
static void check_unset(const struct config *c)
{
	CHECK(c->source == NULL);
	CHECK(c->registry == NULL);
	CHECK(!c->platforms.set && c->platforms.n == 0);
	CHECK(!c->frameworks.set && c->frameworks.n == 0);
	CHECK(!c->addons.set && c->addons.n == 0);
	CHECK(c->nmodels == 0 && c->models == NULL);
	CHECK(c->rewrite_refs == -1);
	CHECK(c->git_exclude == -1);
	CHECK(c->cache_size == -1);
}

/* The list is exactly `want` (n names). */
static void check_list(const struct config_list *l, const char *const *want,
		       size_t n)
{
	CHECK(l->set);
	CHECK(l->n == n);
	for (size_t i = 0; i < n && i < l->n; i++)
		CHECK_STR(l->v[i], want[i]);
}

static void check_model(const struct config *c, size_t i, const char *platform,
			const char *from, const char *to, size_t line)
{
	CHECK(i < c->nmodels);
	if (i >= c->nmodels)
		return;
	CHECK_STR(c->models[i].platform, platform);
	CHECK_STR(c->models[i].from, from);
	CHECK_STR(c->models[i].to, to);
	CHECK(c->models[i].line == line);
}

/*
 * Loading `text` fails with -EINVAL and a message that starts with the
 * file and `line` ("FILE:LINE: ") and holds `word` and `word2` (if any).
 */
static void check_error(const char *tag, const char *text, size_t line,
			const char *word, const char *word2)
{
	char *file = case_file(tag);
	struct buf head = BUF_INIT;
	struct config c;
	char *err = NULL;
	int rc = load_text(tag, text, &c, &err);
	bool ok;

	buf_addf(&head, "%s:%zu: ", file, line);
	CHECK(rc == -EINVAL);
	ok = err && !strncmp(err, head.data, head.len) && strstr(err, word) &&
	     (!word2 || strstr(err, word2));
	CHECK(ok);
	if (!ok)
		fprintf(stderr, "  case '%s': want \"%s...%s...%s\", got %s\n",
			tag, head.data, word, word2 ? word2 : "",
			err ? err : "(no message)");
	/* a message is one line */
	CHECK(!err || !strchr(err, '\n'));
	free(err);
	config_release(&c);
	buf_release(&head);
	free(file);
}

static void test_full(void)
{
	/* one key or item a line, so that line n is the nth string */
	static const char text[] =
		"source: ../aiwg\n"
		"platforms: [claude, copilot]\n"
		"frameworks:\n"
		"  - sdlc-complete\n"
		"  - media-curator\n"
		"addons: []\n"
		"registry: platforms.local.yaml\n"
		"models:\n"
		"  codex: {opus: gpt-5.3-codex, sonnet: o4}\n"
		"  copilot:\n"
		"    haiku: gpt-4o-mini\n"
		"    \"*\": gpt-4.1\n"
		"options:\n"
		"  rewrite_refs: true\n"
		"  git_exclude: false\n"
		"  cache_size: 64M\n";
	static const char *const plats[] = { "claude", "copilot" };
	static const char *const fws[] = { "sdlc-complete", "media-curator" };
	char *file = case_file("full");
	char *source = case_path("full", "../aiwg");
	char *registry = case_path("full", "platforms.local.yaml");
	struct config c;
	char *err = NULL;

	CHECK(load_text("full", text, &c, &err) == 0);
	CHECK(err == NULL);
	CHECK_STR(c.file, file);
	CHECK_STR(c.source, source);
	CHECK(c.source_line == 1);
	check_list(&c.platforms, plats, ARRAY_SIZE(plats));
	CHECK(c.platforms.line == 2);
	check_list(&c.frameworks, fws, ARRAY_SIZE(fws));
	CHECK(c.frameworks.line == 4);
	check_list(&c.addons, NULL, 0);
	CHECK(c.addons.line == 6);
	CHECK_STR(c.registry, registry);
	CHECK(c.nmodels == 4);
	check_model(&c, 0, "codex", "opus", "gpt-5.3-codex", 9);
	check_model(&c, 1, "codex", "sonnet", "o4", 9);
	check_model(&c, 2, "copilot", "haiku", "gpt-4o-mini", 11);
	check_model(&c, 3, "copilot", "*", "gpt-4.1", 12);
	CHECK(c.rewrite_refs == 1);
	CHECK(c.git_exclude == 0);
	CHECK(c.cache_size == 64LL << 20);
	config_release(&c);
	/* released means emptied: a second release is harmless */
	CHECK(c.file == NULL && c.source == NULL && c.models == NULL);
	config_release(&c);
	free(err);
	free(file);
	free(source);
	free(registry);
}

/* Lists as a YAML sequence or as one comma-separated string, trimmed. */
static void test_lists(void)
{
	static const char *const three[] = { "claude", "copilot", "cursor" };
	static const char *const same[] = {
		"platforms: [claude, copilot, cursor]\n",
		"platforms:\n- claude\n- copilot\n- cursor\n",
		"platforms: claude,copilot,cursor\n",
		"platforms: claude, copilot , cursor\n",
		"platforms: '  claude ,copilot,\tcursor  '\n",
		"platforms: \"claude,, copilot,cursor,\"\n",
	};
	struct config c;
	char *err = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(same); i++) {
		CHECK(load_text("lists", same[i], &c, &err) == 0);
		check_list(&c.platforms, three, ARRAY_SIZE(three));
		CHECK(c.platforms.line == 1 || c.platforms.line == 2);
		if (c.platforms.n != 3)
			fprintf(stderr, "  case %zu: %zu names\n", i,
				c.platforms.n);
		free(err);
		config_release(&c);
	}

	/* a scalar of any kind is a comma string */
	CHECK(load_text("lists", "platforms: 3\n", &c, &err) == 0);
	check_list(&c.platforms, (const char *const[]){ "3" }, 1);
	config_release(&c);

	/* one name, and a list given empty: set, with no names */
	CHECK(load_text("lists", "addons: writing-quality\n", &c, &err) == 0);
	check_list(&c.addons, (const char *const[]){ "writing-quality" }, 1);
	CHECK(!c.frameworks.set && !c.platforms.set);
	config_release(&c);
	CHECK(load_text("lists", "frameworks: []\naddons: ''\n", &c, &err) ==
	      0);
	check_list(&c.frameworks, NULL, 0);
	check_list(&c.addons, NULL, 0);
	config_release(&c);
}

/* A comma string names as many as a sequence may: none is dropped. */
static void test_long_list(void)
{
	struct buf seq = BUF_INIT, commas = BUF_INIT, name = BUF_INIT;
	struct config a, b;
	char *err = NULL;
	const size_t n = 100;

	buf_adds(&seq, "frameworks: [");
	buf_adds(&commas, "frameworks: ");
	for (size_t i = 0; i < n; i++) {
		buf_addf(&seq, "%sfw-%zu", i ? ", " : "", i);
		buf_addf(&commas, "%sfw-%zu", i ? "," : "", i);
	}
	buf_adds(&seq, "]\n");
	buf_adds(&commas, "\n");
	CHECK(load_text("long-seq", seq.data, &a, &err) == 0);
	CHECK(load_text("long-commas", commas.data, &b, &err) == 0);
	CHECK(a.frameworks.n == n);
	CHECK(b.frameworks.n == n);
	if (b.frameworks.n != n)
		fprintf(stderr, "  %zu names in a comma string: %zu read\n", n,
			b.frameworks.n);
	for (size_t i = 0; i < n; i++) {
		buf_reset(&name);
		buf_addf(&name, "fw-%zu", i);
		if (i < a.frameworks.n)
			CHECK_STR(a.frameworks.v[i], name.data);
		if (i < b.frameworks.n)
			CHECK_STR(b.frameworks.v[i], name.data);
	}
	config_release(&a);
	config_release(&b);
	buf_release(&seq);
	buf_release(&commas);
	buf_release(&name);
}

/* Relative paths from the config file's folder; absolute ones kept. */
static void test_paths(void)
{
	char *cwd = getcwd(NULL, 0);
	char *src = case_path("paths", "sub/dir/aiwg");
	struct config c;
	char *err = NULL;

	CHECK(load_text("paths",
			"source: sub/dir/aiwg\nregistry: /etc/aiwgfs/p.yaml\n",
			&c, &err) == 0);
	CHECK_STR(c.source, src);
	CHECK_STR(c.registry, "/etc/aiwgfs/p.yaml");
	config_release(&c);

	CHECK(load_text("paths", "source: /srv/aiwg\nregistry: ./p.yaml\n", &c,
			&err) == 0);
	CHECK_STR(c.source, "/srv/aiwg");
	free(src);
	src = case_path("paths", "./p.yaml");
	CHECK_STR(c.registry, src);
	config_release(&c);

	/* a config named by a relative path: paths stay relative to it */
	CHECK(cwd && chdir(tmp) == 0);
	CHECK(config_load(&c, "paths/" CONFIG_FILE, true, &err) == 0);
	CHECK_STR(c.file, "paths/" CONFIG_FILE);
	CHECK_STR(c.source, "/srv/aiwg");
	CHECK_STR(c.registry, "paths/./p.yaml");
	config_release(&c);
	CHECK(chdir("paths") == 0);
	CHECK(config_load(&c, CONFIG_FILE, true, &err) == 0);
	CHECK_STR(c.source, "/srv/aiwg");
	CHECK_STR(c.registry, "./p.yaml");
	config_release(&c);
	CHECK(cwd && chdir(cwd) == 0);
	free(cwd);
	free(src);
}

static void test_booleans(void)
{
	static const struct {
		const char *word;
		int value;
	} words[] = {
		{ "true", 1 }, { "false", 0 }, { "yes", 1 },  { "no", 0 },
		{ "on", 1 },   { "off", 0 },   { "True", 1 }, { "FALSE", 0 },
		{ "Yes", 1 },  { "NO", 0 },    { "On", 1 },   { "Off", 0 },
	};
	struct buf text = BUF_INIT;
	struct config c;
	char *err = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		buf_reset(&text);
		buf_addf(&text,
			 "options:\n  rewrite_refs: %s\n"
			 "  git_exclude: %s\n",
			 words[i].word, words[i].word);
		CHECK(load_text("bool", text.data, &c, &err) == 0);
		CHECK(c.rewrite_refs == words[i].value);
		CHECK(c.git_exclude == words[i].value);
		if (c.rewrite_refs != words[i].value)
			fprintf(stderr, "  '%s' read as %d\n", words[i].word,
				c.rewrite_refs);
		config_release(&c);
	}
	/* a quoted word is a string, not a boolean */
	check_error("bool", "options:\n  rewrite_refs: \"true\"\n", 2,
		    "'rewrite_refs' must be true or false", NULL);
	check_error("bool", "options:\n  git_exclude: 'no'\n", 2,
		    "'git_exclude' must be true or false", NULL);
	check_error("bool", "options:\n  git_exclude: 1\n", 2,
		    "'git_exclude' must be true or false", NULL);
	check_error("bool", "options:\n  git_exclude: maybe\n", 2,
		    "'git_exclude' must be true or false", NULL);
	check_error("bool", "options:\n  rewrite_refs: [true]\n", 2,
		    "'rewrite_refs' must be true or false", NULL);
	buf_release(&text);
}

static void test_cache_size_key(void)
{
	static const struct {
		const char *value;
		long long bytes;
	} good[] = {
		{ "64M", 64LL << 20 },	{ "512k", 512LL << 10 },
		{ "1G", 1LL << 30 },	{ "65536", 65536 },
		{ "64MB", 64LL << 20 }, { "0", 0 },
	};
	static const char *const bad[] = { "12X",  "-1",    "\"\"",
					   "1.5M", "[64M]", "64 M" };
	struct buf text = BUF_INIT;
	struct config c;
	char *err = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		buf_reset(&text);
		buf_addf(&text, "options:\n  cache_size: %s\n", good[i].value);
		CHECK(load_text("size", text.data, &c, &err) == 0);
		CHECK(c.cache_size == good[i].bytes);
		config_release(&c);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		buf_reset(&text);
		buf_addf(&text, "# sizes\noptions:\n  cache_size: %s\n",
			 bad[i]);
		check_error("size", text.data, 3,
			    "'cache_size' must be a size in bytes", "64M");
	}
	buf_release(&text);
}

/* An unknown key names its line and lists the keys there are. */
static void test_unknown_key(void)
{
	static const char *const keys[] = { "source", "platforms", "frameworks",
					    "addons", "registry",  "models",
					    "options" };
	static const char text[] = "source: /a\n"
				   "platforms: [claude]\n"
				   "# a comment, then a blank line\n"
				   "\n"
				   "colour: blue\n";
	struct config c;
	char *err = NULL;

	check_error("unknown", text, 5, "unknown key 'colour'", "accepted");
	CHECK(load_text("unknown", text, &c, &err) == -EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		CHECK(err && strstr(err, keys[i]));
	free(err);
	config_release(&c);

	check_error("unknown",
		    "options:\n  rewrite_refs: true\n\n"
		    "  colour: blue\n",
		    4, "unknown option 'colour'",
		    "rewrite_refs, git_exclude, cache_size");
	/* a key that is not a name */
	check_error("unknown", "source: /a\n[a, b]: c\n", 2, "keys must be",
		    "source");
}

static void test_wrong_types(void)
{
	/* a scalar is a comma string; a mapping is no list */
	check_error("types", "source: /a\nplatforms: {claude: yes}\n", 2,
		    "'platforms' must be a list of names", NULL);
	check_error("types", "frameworks:\n  - a\n  - [b]\n", 3,
		    "'frameworks' must be a list of names", NULL);
	check_error("types", "addons:\n  - a\n  - ''\n", 3,
		    "'addons' must be a list of names", NULL);
	check_error("types", "\n\noptions: [rewrite_refs]\n", 3,
		    "'options' must be a mapping", "cache_size");
	check_error("types", "options: true\n", 1,
		    "'options' must be a mapping", NULL);
	check_error("types", "models: [codex]\n", 1,
		    "'models' must map platforms", NULL);
	check_error("types", "models:\n  codex: gpt-5\n", 2,
		    "'models' must map platforms", NULL);
	check_error("types", "models:\n  codex:\n    opus: [a, b]\n", 3,
		    "'models' must map platforms", NULL);
	check_error("types", "models:\n  codex:\n    opus: ''\n", 3,
		    "'models' must map platforms", NULL);
	check_error("types", "source: [a, b]\n", 1, "'source' must be a path",
		    NULL);
	check_error("types", "registry: ''\n", 1, "'registry' must be a path",
		    NULL);
	/* the whole file is not a mapping */
	check_error("types", "- source\n- platforms\n", 1,
		    "expected a mapping of keys", "options");
	check_error("types", "# just a word\nhello\n", 2,
		    "expected a mapping of keys", NULL);
}

static void test_twice(void)
{
	check_error("twice", "source: a\nplatforms: [claude]\nsource: b\n", 3,
		    "'source' is given twice", NULL);
	check_error("twice",
		    "options:\n  cache_size: 1M\nplatforms: x\noptions:\n"
		    "  cache_size: 2M\n",
		    4, "'options' is given twice", NULL);
}

/*
 * Keys inside `options` and `models` given twice are refused as at the
 * top: the file must not say two things and have one silently win.
 */
static void test_twice_nested(void)
{
	check_error("twice",
		    "options:\n  rewrite_refs: true\n  rewrite_refs: false\n",
		    3, "'rewrite_refs' is given twice", NULL);
	check_error("twice",
		    "models:\n  codex: {opus: a}\n  codex: {sonnet: b}\n", 3,
		    "'codex' is given twice", NULL);
}

static void test_bad_yaml(void)
{
	check_error("yaml", "source: a\nplatforms: [claude]\nregistry: a: b\n",
		    3, "", NULL);
	check_error("yaml", "source: a\n\nplatforms: [claude, copilot\n", 4, "",
		    NULL);
	check_error("yaml", "source: a\n  platforms: b\n", 2, "", NULL);
	check_error("yaml", "source: *nothing\n", 1, "", NULL);
}

static void test_empty(void)
{
	static const char *const texts[] = {
		"",
		"\n\n",
		"# only comments\n\n   # and more\n",
		"---\n",
	};
	char *file = case_file("empty");
	struct config c;
	char *err = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		CHECK(load_text("empty", texts[i], &c, &err) == 0);
		CHECK(err == NULL);
		CHECK_STR(c.file, file);
		check_unset(&c);
		config_release(&c);
	}
	free(file);
}

static void test_missing(void)
{
	char *file = case_file("missing");
	struct config c;
	char *err = NULL;

	CHECK(config_load(&c, file, false, &err) == 0);
	CHECK(err == NULL);
	CHECK(c.file == NULL);
	check_unset(&c);
	config_release(&c);

	CHECK(config_load(&c, file, true, &err) == -ENOENT);
	CHECK(err && strstr(err, file));
	CHECK(err && strstr(err, strerror(ENOENT)));
	CHECK(c.file == NULL);
	free(err);
	config_release(&c);

	/* a folder where the file should be is an error either way */
	CHECK(tmp_mkdirs(file) == 0);
	CHECK(config_load(&c, file, false, &err) < 0);
	CHECK(err && strstr(err, file));
	free(err);
	config_release(&c);
	free(file);
}

/* What config_template() writes reads back as what it was given. */
static void test_template(void)
{
	static const char *const plats[] = { "claude", "copilot", "cursor" };
	char *dir = path_join(tmp, "template");
	char *file = case_file("template");
	char *src = case_path("template", "../aiwg");
	char *text;
	struct config c;
	char *err = NULL;

	text = config_template("../aiwg", "claude, copilot, cursor");
	CHECK(text && tmp_write_str(dir, CONFIG_FILE, text) == 0);
	CHECK(config_load(&c, file, true, &err) == 0);
	if (err)
		fprintf(stderr, "  template: %s\n", err);
	CHECK_STR(c.source, src);
	check_list(&c.platforms, plats, ARRAY_SIZE(plats));
	CHECK(c.registry == NULL && c.nmodels == 0);
	CHECK(!c.frameworks.set && !c.addons.set);
	CHECK(c.rewrite_refs == -1 && c.git_exclude == -1 &&
	      c.cache_size == -1);
	config_release(&c);
	free(text);

	text = config_template("/srv/aiwg", "claude");
	CHECK(text && tmp_write_str(dir, CONFIG_FILE, text) == 0);
	CHECK(config_load(&c, file, true, &err) == 0);
	CHECK_STR(c.source, "/srv/aiwg");
	check_list(&c.platforms, plats, 1);
	config_release(&c);
	free(text);

	/* with nothing given, everything is left commented out */
	text = config_template(NULL, NULL);
	CHECK(text && tmp_write_str(dir, CONFIG_FILE, text) == 0);
	CHECK(text && strstr(text, "# source:") && strstr(text, "# options:"));
	CHECK(config_load(&c, file, true, &err) == 0);
	CHECK(c.file != NULL);
	check_unset(&c);
	config_release(&c);
	free(text);
	free(src);
	free(file);
	free(dir);
}

/*
 * A source path is any folder name: one with " #", ": ", quotes or a
 * leading "[" must read back as itself, not be cut at a YAML comment or
 * refused.
 */
static void test_template_odd_source(void)
{
	static const char *const sources[] = {
		"/home/me/proj #2/aiwg",
		"/srv/a: b/aiwg",
		"[draft] aiwg",
		"/srv/\"quoted\" 'and' \\ back",
		"- dash",
		"yes",
	};
	char *dir = path_join(tmp, "template-odd");
	char *file = case_file("template-odd");

	for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
		char *text = config_template(sources[i], NULL);
		char *want = *sources[i] == '/'
				     ? strdup(sources[i])
				     : case_path("template-odd", sources[i]);
		struct config c;
		char *err = NULL;
		int rc;

		CHECK(text && tmp_write_str(dir, CONFIG_FILE, text) == 0);
		rc = config_load(&c, file, true, &err);
		CHECK(rc == 0);
		CHECK_STR(c.source, want);
		if (rc || !c.source || strcmp(c.source, want))
			fprintf(stderr,
				"  source '%s' read back as '%s' (%s)\n",
				sources[i], c.source ? c.source : "(null)",
				err ? err : "no error");
		free(err);
		config_release(&c);
		free(want);
		free(text);
	}
	free(file);
	free(dir);
}

static void test_parse_size(void)
{
	static const struct {
		const char *s;
		size_t v;
	} good[] = {
		{ "0", 0 },
		{ "1", 1 },
		{ "65536", 65536 },
		{ "65536B", 65536 },
		{ "512k", 512u << 10 },
		{ "512K", 512u << 10 },
		{ "512KB", 512u << 10 },
		{ "64M", 64u << 20 },
		{ "64m", 64u << 20 },
		{ "64Mb", 64u << 20 },
		{ "1G", 1u << 30 },
		{ "1g", 1u << 30 },
		{ "007M", 7u << 20 },
		{ "18446744073709551615", SIZE_MAX },
		{ "17179869183G", (size_t)17179869183u << 30 },
		{ "17592186044415M", (size_t)17592186044415u << 20 },
	};
	static const char *const bad[] = {
		"",
		"12X",
		"-1",
		"+1",
		" 1",
		"\t1",
		"\n1",
		"1 ",
		"1M ",
		"M",
		"B",
		"KB",
		"1MM",
		"1BB",
		"1KiB",
		"1T",
		"1.5M",
		"0x10",
		"1e3",
		"99999999999999999999G",
		"99999999999999999999",
		"18446744073709551616",
		"17179869184G",
		"17592186044416M",
		"18014398509481984K",
	};

	_Static_assert(sizeof(size_t) == 8, "the cases assume 64-bit sizes");
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		size_t v = 12345;
		int rc = config_parse_size(good[i].s, &v);

		CHECK(rc == 0 && v == good[i].v);
		if (rc || v != good[i].v)
			fprintf(stderr, "  '%s': rc %d, %zu\n", good[i].s, rc,
				v);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		size_t v = 12345;
		int rc = config_parse_size(bad[i], &v);

		CHECK(rc == -EINVAL);
		if (rc != -EINVAL) {
			char *e = str_escape(bad[i]);

			fprintf(stderr, "  '%s' taken as %zu\n", e ? e : "?",
				v);
			free(e);
		}
	}
}

int main(void)
{
	tmp = tmp_dir("config");
	CHECK(tmp != NULL);
	if (!tmp)
		return check_done();
	test_full();
	test_lists();
	test_long_list();
	test_paths();
	test_booleans();
	test_cache_size_key();
	test_unknown_key();
	test_wrong_types();
	test_twice();
	test_twice_nested();
	test_bad_yaml();
	test_empty();
	test_missing();
	test_template();
	test_template_odd_source();
	test_parse_size();
	CHECK(tmp_rm_tree(tmp) == 0);
	free(tmp);
	return check_done();
}
