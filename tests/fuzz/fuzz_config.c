/*
 * fuzz_config.c - any bytes as a repository's .aiwgfs.yaml.
 *
 * The input is written to a file and read with config_load(). A refused
 * file must be refused with a message that starts with the file's name
 * and a line. A taken one must hold what config.h promises, and the
 * starting config that `aiwgfs init` would write for its source and
 * platforms must read back as that source and those platforms.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/config.h"
#include "fuzz_views.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *root, *file, *again;

static void remove_root(void)
{
	tmp_rm_tree(root);
	free(root);
	free(file);
	free(again);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	root = tmp_dir("fuzz-config");
	fuzz_must(root != NULL, "cannot make a scratch folder");
	file = path_join(root, CONFIG_FILE);
	again = path_join(root, "again.yaml");
	fuzz_must(file && again, "out of memory");
	atexit(remove_root);
	return 0;
}

static void check_list(const struct config_list *l)
{
	fuzz_must(l->set || !l->n, "names in a list not given");
	for (size_t i = 0; i < l->n; i++) {
		const char *s = l->v[i];

		fuzz_must(*s, "an empty name");
		fuzz_must(!strchr(s, ','), "a comma in a name");
		fuzz_must(s[0] != ' ' && s[strlen(s) - 1] != ' ',
			  "a name not trimmed");
	}
}

/* The names of `l` joined by ", ", if each is plain enough for a flow list. */
static char *joined(const struct config_list *l)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < l->n; i++) {
		if (strspn(l->v[i], "abcdefghijklmnopqrstuvwxyz0123456789-_") !=
		    strlen(l->v[i])) {
			buf_release(&b);
			return NULL;
		}
		buf_addf(&b, "%s%s", i ? ", " : "", l->v[i]);
	}
	return l->n ? buf_detach(&b, NULL) : NULL;
}

/* What init writes for the loaded source and platforms reads back. */
static void check_template(const struct config *c)
{
	char *list = joined(&c->platforms), *text, *err = NULL;
	struct config back;
	int rc;

	text = config_template(c->source, list);
	fuzz_must(text != NULL, "out of memory");
	fuzz_must(!tmp_write_str(root, "again.yaml", text), "cannot write");
	rc = config_load(&back, again, true, &err);
	if (rc) {
		fprintf(stderr, "template:\n%s\nerror: %s\n", text, err);
		fuzz_must(false, "the starting config does not read back");
	}
	fuzz_must(!c->source ||
			  (back.source && !strcmp(back.source, c->source)),
		  "the source does not read back");
	fuzz_must(!list || back.platforms.n == c->platforms.n,
		  "the platforms do not read back");
	config_release(&back);
	free(text);
	free(list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	char *err = NULL;
	int rc;

	fuzz_must(!tmp_write(root, CONFIG_FILE, data, size), "cannot write");
	rc = config_load(&c, file, true, &err);
	if (rc) {
		size_t n = strlen(file);

		fuzz_must(rc == -EINVAL || rc == -ENOMEM, "an odd error");
		fuzz_must(err != NULL, "refused without a message");
		fuzz_must(!strncmp(err, file, n) && err[n] == ':' &&
				  err[n + 1] >= '1' && err[n + 1] <= '9',
			  "a message without the file and line");
		fuzz_must(!strchr(err, '\n'), "a message of more than a line");
	} else {
		fuzz_must(err == NULL, "a message for a file taken");
		fuzz_must(c.file && !strcmp(c.file, file), "the file not kept");
		fuzz_must(c.rewrite_refs >= -1 && c.rewrite_refs <= 1 &&
				  c.git_exclude >= -1 && c.git_exclude <= 1,
			  "a flag neither set nor unset");
		fuzz_must(!c.source || c.source[0] == '/',
			  "a source not made absolute");
		check_list(&c.platforms);
		check_list(&c.frameworks);
		check_list(&c.addons);
		for (size_t i = 0; i < c.nmodels; i++)
			fuzz_must(*c.models[i].from && *c.models[i].to &&
					  c.models[i].line > 0,
				  "an empty model entry");
		check_template(&c);
	}
	free(err);
	config_release(&c);
	return 0;
}
