/*
 * registry.c - the built-in platform table.
 */
#include <string.h>

#include "aiwgfs/registry.h"
#include "aiwgfs/util.h"

static const struct platform_rule claude_rules[] = {
	{ ARTIFACT_AGENT, ".claude", "agents/{id}.md", "identity" },
	{ ARTIFACT_COMMAND, ".claude", "commands/{id}.md", "identity" },
	{ ARTIFACT_SKILL, ".claude", "skills/{id}", "skill" },
	{ ARTIFACT_RULE, ".claude", "rules/{id}.md", "identity" },
};

static const struct platform_rule copilot_rules[] = {
	{ ARTIFACT_AGENT, ".github", "agents/{id}.agent.md", "copilot-agent" },
	{ ARTIFACT_COMMAND, ".github", "prompts/{id}.prompt.md",
	  "copilot-prompt" },
	{ ARTIFACT_SKILL, ".github", "skills/{id}", "skill" },
	{ ARTIFACT_RULE, ".github", "instructions/{id}.instructions.md",
	  "copilot-instructions" },
};

static const struct platform_file copilot_files[] = {
	{ ".github", "copilot-instructions.md", "index" },
};

static const struct name_map copilot_tools[] = {
	{ "Read", "read" },	 { "Write", "edit" },
	{ "Edit", "edit" },	 { "MultiEdit", "edit" },
	{ "Grep", "search" },	 { "Glob", "search" },
	{ "Bash", "execute" },	 { "WebFetch", "web" },
	{ "WebSearch", "web" },	 { "Task", "agent" },
	{ "TodoWrite", "todo" },
};

static const struct platform platforms[] = {
	{
		.name = "claude",
		.summary = "Claude Code",
		.rules = claude_rules,
		.nrules = ARRAY_SIZE(claude_rules),
		.description_limit = 1024,
	},
	{
		.name = "copilot",
		.summary = "GitHub Copilot",
		.rules = copilot_rules,
		.nrules = ARRAY_SIZE(copilot_rules),
		.files = copilot_files,
		.nfiles = ARRAY_SIZE(copilot_files),
		.tools = copilot_tools,
		.ntools = ARRAY_SIZE(copilot_tools),
		.description_limit = 1024,
	},
};

const struct platform *registry_platforms(size_t *count)
{
	*count = ARRAY_SIZE(platforms);
	return platforms;
}

const struct platform *registry_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(platforms); i++)
		if (!strcmp(platforms[i].name, name))
			return &platforms[i];
	return NULL;
}

const char *registry_map(const struct name_map *map, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(map[i].from, name))
			return map[i].to;
	return NULL;
}
