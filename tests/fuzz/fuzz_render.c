/*
 * fuzz_render.c - every renderer of every platform on any source file.
 *
 * The input becomes an agent, a command, a rule and a skill's SKILL.md of
 * a scratch flat tree that holds one well-formed artifact of each kind
 * besides. The tree is scanned, the views of every built-in platform are
 * built with references rewritten, and every file of every view made from
 * the input is rendered, and every index page, which reads it too. What a
 * file must then hold is in fuzz_check_output().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_views.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const inputs[] = {
	"agents/fuzzed.md",
	"commands/fuzzed.md",
	"rules/fuzzed.md",
	"skills/fuzzed/SKILL.md",
};

static char *root;

static void remove_root(void)
{
	tmp_rm_tree(root);
	free(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	root = fuzz_tree_new("fuzz-render");
	atexit(remove_root);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
		fuzz_must(!tmp_write(root, inputs[i], data, size),
			  "cannot write the input");
	fuzz_render_all(root, "fuzzed");
	return 0;
}
