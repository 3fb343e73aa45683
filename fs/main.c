/*
 * main.c - the aiwgfs command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/check.h"
#include "aiwgfs/config.h"
#include "aiwgfs/export.h"
#include "aiwgfs/log.h"
#include "aiwgfs/render.h"
#include "aiwgfs/util.h"
#include "fs.h"

#define DEFAULT_CACHE_SIZE (64u << 20)
#define MAX_LIST	   64

static const char usage_main[] =
	"usage: aiwgfs <command> [options]\n"
	"\n"
	"Show one canonical tree of agents, commands, skills and rules as the\n"
	"files every AI coding tool reads, rendered on read, never copied.\n"
	"\n"
	"commands:\n"
	"  mount [SOURCE] [REPO]    mount the views into REPO (default: .)\n"
	"  umount [REPO]            unmount every view under REPO\n"
	"  status [REPO]            what is mounted, from where, cache figures\n"
	"  ls [SOURCE]              the files each view would show\n"
	"  render [SOURCE] VIEW_PATH  one synthesized file to stdout\n"
	"  check [SOURCE]           lint the canonical tree\n"
	"  export [SOURCE] DIR      write the views as real files\n"
	"  init [REPO]              write a starting .aiwgfs.yaml\n"
	"  platforms                the platforms, their views and paths\n"
	"\n"
	"SOURCE may be left out where the repository's .aiwgfs.yaml names\n"
	"it. Run 'aiwgfs <command> --help' for a command's options.\n"
	"Exit codes: 0 success, 1 problems found, 2 usage error,\n"
	"3 mount or system failure.\n";

static const char usage_mount[] =
	"usage: aiwgfs mount [SOURCE] [REPO] [options]\n"
	"\n"
	"Mount the views of SOURCE (an AIWG tree or a flat tree of agents/,\n"
	"commands/, skills/, rules/) into REPO (default: the current folder).\n"
	"Without SOURCE, the 'source' of REPO/.aiwgfs.yaml, whose other\n"
	"settings the options below override. Returns once every view\n"
	"serves; the daemon stays in the background and logs to syslog.\n"
	"\n"
	"  --platforms LIST     platforms to mount, comma-separated (default: "
	"all)\n"
	"  --frameworks LIST    frameworks to include (names or aliases)\n"
	"  --addons LIST        addons to include\n"
	"  --foreground         stay in the foreground, log to stderr\n"
	"  --debug              log every request (implies --foreground)\n"
	"  --no-rewrite-refs    show bodies exactly as in SOURCE\n"
	"  --no-git-exclude     do not list the views in .git/info/exclude\n"
	"  --cache-size BYTES   render cache bound, e.g. 64M (default 64M)\n"
	"  --registry FILE      merge FILE over the built-in platform table\n"
	"  --config FILE        read FILE instead of REPO/.aiwgfs.yaml\n"
	"  -o OPTIONS           extra FUSE mount options\n";

static const char usage_umount[] =
	"usage: aiwgfs umount [REPO] [--registry FILE]\n"
	"\n"
	"Unmount every aiwgfs view under REPO (default: the current folder),\n"
	"also those of a daemon that was killed, remove the folders aiwgfs\n"
	"created, and the lines it added to git's exclude file. Safe to run\n"
	"twice.\n";

static const char usage_status[] =
	"usage: aiwgfs status [REPO] [--json]\n"
	"\n"
	"List the aiwgfs views mounted under REPO (default: the current\n"
	"folder) with their source and the daemon's cache figures; with\n"
	"--json, as one JSON object for scripts. Exits 1 when a view does\n"
	"not answer.\n";

static const char usage_ls[] =
	"usage: aiwgfs ls [SOURCE] [--platforms LIST] [--frameworks LIST]\n"
	"                 [--addons LIST] [--registry FILE] [--config FILE]\n"
	"                 [-l]\n"
	"\n"
	"List every file the views would show, as paths in the repository;\n"
	"with -l, also the size of each.\n";

static const char usage_render[] =
	"usage: aiwgfs render [SOURCE] VIEW_PATH [--platforms LIST]\n"
	"                     [--frameworks LIST] [--addons LIST]\n"
	"                     [--registry FILE] [--config FILE]\n"
	"                     [--no-rewrite-refs]\n"
	"\n"
	"Write one synthesized file, e.g. .github/agents/x.agent.md, to\n"
	"standard output, without mounting.\n";

static const char usage_check[] =
	"usage: aiwgfs check [SOURCE] [--platforms LIST] [--frameworks LIST]\n"
	"                    [--addons LIST] [--registry FILE] [--config FILE]\n"
	"\n"
	"Lint the canonical tree for the chosen platforms (default: all):\n"
	"frontmatter that needed the lenient reader, ids hidden by an earlier\n"
	"unit, skill names that had to be normalized, descriptions and files\n"
	"over a platform's limits, files that cannot be read. Each finding\n"
	"names the file (and line). Exits 1 when a view would lose content,\n"
	"0 when there are only warnings or nothing.\n";

static const char usage_export[] =
	"usage: aiwgfs export [SOURCE] DIR [--platforms LIST] [--frameworks LIST]\n"
	"                     [--addons LIST] [--registry FILE] [--config FILE]\n"
	"                     [--no-rewrite-refs] [--check | --clean] [--force]\n"
	"                     [-l]\n"
	"\n"
	"Write every file the views would show as a real file below DIR (a\n"
	"repository), byte for byte what the mount shows, for machines\n"
	"without FUSE. What it wrote is listed in DIR/" EXPORT_MANIFEST ",\n"
	"so that a later export replaces and removes only its own files: one\n"
	"edited since is left alone and listed as kept (exit 1), and a file\n"
	"it did not write is the repository's own and wins, as in the mount\n"
	"(listed as own); --force replaces both. Without SOURCE, the\n"
	"'source' of DIR/.aiwgfs.yaml.\n"
	"\n"
	"  --check   write nothing; list every file that is changed, missing\n"
	"            or extra (an earlier export's that would be removed) and\n"
	"            exit 1 if there is any: a drift check for CI\n"
	"  --clean   remove the files and folders the manifest lists, sparing\n"
	"            files edited since; SOURCE is not needed\n"
	"  --force   also replace or remove files export did not write or\n"
	"            that were edited since\n"
	"  -l        list every file written or removed\n";

static const char usage_init[] =
	"usage: aiwgfs init [REPO] [--source PATH] [--platforms LIST] "
	"[--force]\n"
	"\n"
	"Write REPO/.aiwgfs.yaml (default: the current folder), a commented\n"
	"starting config; --source and --platforms fill in those keys. An\n"
	"existing config is replaced only with --force.\n";

static const char usage_platforms[] =
	"usage: aiwgfs platforms [--registry FILE] [--yaml]\n"
	"\n"
	"Print every platform: where each kind of artifact goes and which\n"
	"renderer writes it, its index files, tool and model maps, limits.\n"
	"With --registry, the table as FILE changes it; with --yaml, the\n"
	"built-in table as YAML, a starting point for such a file.\n";

enum {
	OPT_PLATFORMS = 256,
	OPT_FRAMEWORKS,
	OPT_ADDONS,
	OPT_FOREGROUND,
	OPT_DEBUG,
	OPT_NO_REWRITE,
	OPT_NO_EXCLUDE,
	OPT_CACHE_SIZE,
	OPT_REGISTRY,
	OPT_YAML,
	OPT_CONFIG,
	OPT_JSON,
	OPT_CHECK,
	OPT_CLEAN,
	OPT_FORCE,
	OPT_SOURCE,
	OPT_FUSE = 'o',
	OPT_LONG = 'l',
	OPT_HELP = 'h',
};

/* The options a command takes, as a mask. */
#define ALLOW(opt)                                                             \
	((opt) >= OPT_PLATFORMS ? 1u << ((opt)-OPT_PLATFORMS)                  \
	 : (opt) == OPT_FUSE	? 1u << 20                                     \
	 : (opt) == OPT_LONG	? 1u << 21                                     \
				: 0u)
#define ALLOW_SCAN                                                             \
	(ALLOW(OPT_PLATFORMS) | ALLOW(OPT_FRAMEWORKS) | ALLOW(OPT_ADDONS) |    \
	 ALLOW(OPT_REGISTRY) | ALLOW(OPT_CONFIG))

static const struct option long_options[] = {
	{ "platforms", required_argument, NULL, OPT_PLATFORMS },
	{ "frameworks", required_argument, NULL, OPT_FRAMEWORKS },
	{ "addons", required_argument, NULL, OPT_ADDONS },
	{ "foreground", no_argument, NULL, OPT_FOREGROUND },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "no-rewrite-refs", no_argument, NULL, OPT_NO_REWRITE },
	{ "no-git-exclude", no_argument, NULL, OPT_NO_EXCLUDE },
	{ "cache-size", required_argument, NULL, OPT_CACHE_SIZE },
	{ "registry", required_argument, NULL, OPT_REGISTRY },
	{ "yaml", no_argument, NULL, OPT_YAML },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "clean", no_argument, NULL, OPT_CLEAN },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* Everything the commands' options can say. */
struct cli {
	const char *usage;
	unsigned allowed; /* ALLOW() of the options this command takes */
	const char *registry;
	bool yaml;
	char *platforms[MAX_LIST + 1];
	char *frameworks[MAX_LIST];
	size_t nframeworks;
	char *addons[MAX_LIST];
	size_t naddons;
	bool have_platforms, have_frameworks, have_addons;
	bool long_list;
	const char *config_file;
	struct config cfg;  /* what the config file says, read by cli_setup() */
	const char *source; /* SOURCE: an argument, or the config's */
	bool json, check, clean, force;
	const char *init_source;
	bool set_rewrite, set_exclude, set_cache; /* given as flags */
	struct model_options mopts;
	struct daemon_options dopts;
	char *args[3];
	int nargs;
};

static int usage_error(const struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int usage_error(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fputs("aiwgfs: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	fputs(c->usage, stderr);
	return EXIT_USAGE;
}

static int split_list(const struct cli *c, const char *opt, char *arg,
		      char **items, size_t *n)
{
	*n = str_split_commas(arg, items, MAX_LIST);
	if (!*n)
		return usage_error(c, "%s needs a comma-separated list", opt);
	return 0;
}

/* The spelling of option `opt`, for messages. */
static const char *optopt_name(int opt)
{
	static char letter[3] = "-?";

	for (size_t i = 0; long_options[i].name; i++)
		if (long_options[i].val == opt)
			return long_options[i].name;
	letter[1] = (char)opt;
	return letter;
}

static int parse_option(struct cli *c, int opt, char *arg)
{
	size_t n = 0;

	if (!(c->allowed & ALLOW(opt)))
		return usage_error(c,
				   "option '%s' is not one of this "
				   "command's",
				   optopt_name(opt));
	switch (opt) {
	case OPT_PLATFORMS:
		c->have_platforms = true;
		if (split_list(c, "--platforms", arg, c->platforms, &n))
			return EXIT_USAGE;
		c->platforms[n] = NULL;
		return 0;
	case OPT_FRAMEWORKS:
		c->have_frameworks = true;
		return split_list(c, "--frameworks", arg, c->frameworks,
				  &c->nframeworks);
	case OPT_ADDONS:
		c->have_addons = true;
		return split_list(c, "--addons", arg, c->addons, &c->naddons);
	case OPT_DEBUG:
		c->dopts.debug = true;
		log_set_level(LOG_LEVEL_DEBUG);
		/* fall through */
	case OPT_FOREGROUND:
		c->dopts.foreground = true;
		/* someone watching the terminal wants more, unless told */
		if (!getenv("AIWGFS_LOG") && log_get_level() < LOG_LEVEL_INFO)
			log_set_level(LOG_LEVEL_INFO);
		return 0;
	case OPT_NO_REWRITE:
		c->mopts.rewrite_refs = false;
		c->set_rewrite = true;
		return 0;
	case OPT_NO_EXCLUDE:
		c->dopts.git_exclude = false;
		c->set_exclude = true;
		return 0;
	case OPT_CACHE_SIZE:
		c->set_cache = true;
		if (config_parse_size(arg, &c->dopts.cache_size))
			return usage_error(c,
					   "--cache-size takes a size in "
					   "bytes such as 64M, not '%s'",
					   arg);
		return 0;
	case OPT_REGISTRY:
		c->registry = arg;
		return 0;
	case OPT_YAML:
		c->yaml = true;
		return 0;
	case OPT_CONFIG:
		c->config_file = arg;
		return 0;
	case OPT_JSON:
		c->json = true;
		return 0;
	case OPT_CHECK:
		c->check = true;
		return 0;
	case OPT_CLEAN:
		c->clean = true;
		return 0;
	case OPT_FORCE:
		c->force = true;
		return 0;
	case OPT_SOURCE:
		c->init_source = arg;
		return 0;
	case OPT_FUSE:
		c->dopts.fuse_options = arg;
		return 0;
	case OPT_LONG:
		c->long_list = true;
		return 0;
	default:
		return usage_error(c, "unknown or misplaced option");
	}
}

static int load_registry(const char *file)
{
	char *err = NULL;
	int rc = registry_load(file, &err);

	if (!rc)
		return EXIT_OK;
	fprintf(stderr, "aiwgfs: %s\n", err ? err : strerror(-rc));
	free(err);
	return rc == -ENOMEM ? EXIT_SYSTEM : EXIT_USAGE;
}

/*
 * Parse a command's options and positional arguments (between min and max
 * of them). cli_setup() then reads the config and the platform table.
 */
static int parse_cli(struct cli *c, int argc, char **argv, int min, int max)
{
	int opt, rc;

	c->mopts.rewrite_refs = true;
	c->dopts.git_exclude = true;
	c->dopts.cache_size = DEFAULT_CACHE_SIZE;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "o:lh", long_options, NULL)) !=
	       -1) {
		if (opt == OPT_HELP) {
			fputs(c->usage, stdout);
			exit(EXIT_OK);
		}
		if (opt == ':' || opt == '?')
			return usage_error(c,
					   "option '%s' is unknown or needs a "
					   "value",
					   argv[optind - 1]);
		rc = parse_option(c, opt, optarg);
		if (rc)
			return rc;
	}
	while (optind < argc) {
		if (c->nargs >= max)
			return usage_error(c, "too many arguments");
		c->args[c->nargs++] = argv[optind++];
	}
	if (c->nargs < min)
		return usage_error(c, "missing argument");
	return 0;
}

static int config_fail(const char *msg)
{
	fprintf(stderr, "aiwgfs: %s\n", msg);
	return EXIT_USAGE;
}

/* Take the config's list for a list the flags left unsaid. */
static int take_list(const struct config_list *from, char **to, size_t *n,
		     bool *have)
{
	if (*have || !from->set)
		return 0;
	if (from->n > MAX_LIST)
		return -E2BIG;
	for (size_t i = 0; i < from->n; i++)
		to[i] = from->v[i];
	*n = from->n;
	*have = true;
	return 0;
}

/*
 * Check the config's platform names (when the flags gave none) against the
 * loaded table, and apply its model maps.
 */
static int check_config_platforms(const struct cli *c, bool flag_platforms)
{
	const struct config *f = &c->cfg;
	char msg[512];

	for (size_t i = 0; !flag_platforms && i < f->platforms.n; i++) {
		if (registry_find(f->platforms.v[i]))
			continue;
		snprintf(msg, sizeof(msg),
			 "%s:%zu: unknown platform '%s'; 'aiwgfs platforms' "
			 "lists them",
			 f->file, f->platforms.line, f->platforms.v[i]);
		return config_fail(msg);
	}
	for (size_t i = 0; i < f->nmodels; i++) {
		const struct config_model *m = &f->models[i];
		int rc = registry_set_model(m->platform, m->from, m->to);

		if (rc == -ENOMEM)
			return EXIT_SYSTEM;
		if (!rc)
			continue;
		snprintf(msg, sizeof(msg),
			 "%s:%zu: 'models' names unknown platform '%s'; "
			 "'aiwgfs platforms' lists them",
			 f->file, m->line, m->platform);
		return config_fail(msg);
	}
	return 0;
}

/*
 * Read the config (--config, else DIR/.aiwgfs.yaml when `dir` is given),
 * let it fill in what the flags left unsaid, and load the platform table.
 */
static int cli_setup(struct cli *c, const char *dir)
{
	struct config *f = &c->cfg;
	char *file = NULL, *err = NULL;
	bool had_platforms = c->have_platforms;
	size_t platforms = 0;
	int rc = 0;

	if (c->config_file)
		rc = config_load(f, c->config_file, true, &err);
	else if (dir && (file = path_join(dir, CONFIG_FILE)))
		rc = config_load(f, file, false, &err);
	else if (dir)
		rc = -ENOMEM;
	free(file);
	if (rc) {
		rc = err ? config_fail(err) : EXIT_SYSTEM;
		free(err);
		return rc;
	}
	if (!c->source)
		c->source = f->source;
	if (!c->registry)
		c->registry = f->registry;
	if (!c->set_rewrite && f->rewrite_refs >= 0)
		c->mopts.rewrite_refs = f->rewrite_refs;
	if (!c->set_exclude && f->git_exclude >= 0)
		c->dopts.git_exclude = f->git_exclude;
	if (!c->set_cache && f->cache_size >= 0)
		c->dopts.cache_size = (size_t)f->cache_size;
	if (take_list(&f->platforms, c->platforms, &platforms,
		      &c->have_platforms) ||
	    take_list(&f->frameworks, c->frameworks, &c->nframeworks,
		      &c->have_frameworks) ||
	    take_list(&f->addons, c->addons, &c->naddons, &c->have_addons))
		return config_fail("the config lists more than 64 names");
	if (!had_platforms && c->have_platforms)
		c->platforms[platforms] = NULL;
	rc = load_registry(c->registry);
	return rc ? rc : check_config_platforms(c, had_platforms);
}

/* The SOURCE a command works on: an argument or the config's. */
static int need_source(const struct cli *c)
{
	if (c->source)
		return 0;
	if (c->cfg.file)
		fprintf(stderr,
			"aiwgfs: no SOURCE given, and '%s' names no "
			"'source'; give one or add it there\n",
			c->cfg.file);
	else
		fprintf(stderr,
			"aiwgfs: no SOURCE given and no %s here; give one, "
			"or write a config with 'aiwgfs init --source "
			"PATH'\n",
			CONFIG_FILE);
	return EXIT_USAGE;
}

/* An absolute, resolved folder from `arg` (or the current folder). */
static char *resolve_repo(const char *arg)
{
	char real[PATH_MAX];
	struct stat st;

	if (!realpath(arg ? arg : ".", real)) {
		fprintf(stderr, "aiwgfs: cannot open repository '%s': %s\n",
			arg ? arg : ".", strerror(errno));
		return NULL;
	}
	if (stat(real, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "aiwgfs: repository '%s' is not a folder\n",
			real);
		return NULL;
	}
	return strdup(real);
}

/* The units the options select. */
static struct source_filter cli_filter(const struct cli *c)
{
	struct source_filter f = {
		.frameworks = c->have_frameworks
				      ? (const char *const *)c->frameworks
				      : NULL,
		.nframeworks = c->nframeworks,
		.addons =
			c->have_addons ? (const char *const *)c->addons : NULL,
		.naddons = c->naddons,
	};

	return f;
}

/* Scan SOURCE and build the model the options ask for. */
static int load_model(struct cli *c, struct model *m)
{
	struct source_filter filter = cli_filter(c);
	struct source src;
	char *err = NULL;
	int rc;

	rc = need_source(c);
	if (rc)
		return rc;
	rc = source_scan(&src, c->source, &filter, &err);
	if (!rc)
		rc = model_build(m, &src,
				 c->have_platforms
					 ? (const char *const *)c->platforms
					 : NULL,
				 &c->mopts, &err);
	if (rc) {
		fprintf(stderr, "aiwgfs: %s\n", err ? err : strerror(-rc));
		free(err);
		return rc == -ENOMEM ? EXIT_SYSTEM : EXIT_USAGE;
	}
	return 0;
}

static int cmd_mount(int argc, char **argv)
{
	struct cli c = { .usage = usage_mount,
			 .allowed = ALLOW_SCAN | ALLOW(OPT_FOREGROUND) |
				    ALLOW(OPT_DEBUG) | ALLOW(OPT_NO_REWRITE) |
				    ALLOW(OPT_NO_EXCLUDE) |
				    ALLOW(OPT_CACHE_SIZE) | ALLOW(OPT_FUSE) };
	struct mount_entry *mounts;
	struct model m;
	char *repo;
	int rc, n;

	rc = parse_cli(&c, argc, argv, 0, 2);
	if (rc)
		return rc;
	repo = resolve_repo(c.nargs > 1 ? c.args[1] : NULL);
	if (!repo)
		return EXIT_USAGE;
	c.source = c.nargs ? c.args[0] : NULL;
	rc = cli_setup(&c, repo);
	if (rc) {
		free(repo);
		config_release(&c.cfg);
		return rc;
	}
	n = mounts_list(repo, &mounts);
	if (n > 0) {
		fprintf(stderr,
			"aiwgfs: '%s' already has aiwgfs views (%s from "
			"'%s'); run 'aiwgfs umount' first\n",
			repo, mounts[0].mountpoint, mounts[0].source);
		mounts_free(mounts, n);
		free(repo);
		config_release(&c.cfg);
		return EXIT_USAGE;
	}
	mounts_free(mounts, n > 0 ? n : 0);
	rc = load_model(&c, &m);
	if (rc) {
		free(repo);
		config_release(&c.cfg);
		return rc;
	}
	if (!m.nviews) {
		fprintf(stderr, "aiwgfs: the platforms chosen have no views\n");
		rc = EXIT_USAGE;
	} else {
		struct source_filter filter = cli_filter(&c);

		c.dopts.filter = &filter;
		rc = daemon_run(&m, repo, &c.dopts);
	}
	model_release(&m);
	free(repo);
	config_release(&c.cfg);
	return rc;
}

/* The value of `key` in the daemon's "key value" status lines, or "?". */
static const char *status_value(const char *text, const char *key, char *out,
				size_t size)
{
	size_t kl = strlen(key);

	for (const char *p = text; *p; p = strchrnul(p, '\n'), p += !!*p) {
		size_t n;

		if (strncmp(p, key, kl) || p[kl] != ' ')
			continue;
		n = strcspn(p + kl + 1, "\n");
		snprintf(out, size, "%.*s", (int)n, p + kl + 1);
		return out;
	}
	return "?";
}

/* How long a daemon may take to say how it is, in milliseconds. */
#define STATUS_TIMEOUT_MS 3000

/*
 * The daemon's status text of the view at `mountpoint` (up to size bytes),
 * or -1 with errno set. A stopped or stuck daemon would hold the asking
 * process forever, so a child asks, and is killed (SIGKILL ends a wait
 * for FUSE) if no answer comes in time: errno is then ETIMEDOUT.
 */
static ssize_t status_read(const char *mountpoint, char *buf, size_t size)
{
	struct pollfd pfd = { .events = POLLIN };
	int fds[2], status, err = 0;
	ssize_t len = -1, n;
	size_t got = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		ssize_t r = getxattr(mountpoint, UFS_STATUS_XATTR, buf, size);
		int e = r < 0 ? errno : 0;

		if (write(fds[1], &e, sizeof(e)) == sizeof(e) && r > 0 &&
		    write(fds[1], buf, (size_t)r) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	pfd.fd = fds[0];
	if (poll(&pfd, 1, STATUS_TIMEOUT_MS) <= 0) {
		kill(pid, SIGKILL);
		err = ETIMEDOUT;
	} else if (read(fds[0], &err, sizeof(err)) != sizeof(err)) {
		err = EIO;
	}
	while (!err && got < size &&
	       (n = read(fds[0], buf + got, size - got)) > 0)
		got += (size_t)n;
	if (!err)
		len = (ssize_t)got;
	close(fds[0]);
	waitpid(pid, &status, 0);
	errno = err;
	return len;
}

/* The pid of the daemon serving `mountpoint`, or 0 when it does not say. */
static pid_t serving_pid(const char *mountpoint)
{
	char text[4096], pid[32];
	ssize_t len;

	len = status_read(mountpoint, text, sizeof(text) - 1);
	if (len < 0)
		return 0;
	text[len] = '\0';
	return (pid_t)strtol(status_value(text, "pid", pid, sizeof(pid)), NULL,
			     10);
}

/*
 * Wait up to five seconds for a daemon to finish its own cleanup, so that
 * a mount right after `umount` never races with it.
 */
static bool process_gone(pid_t pid)
{
	char path[64], *paren;
	struct buf b = BUF_INIT;
	bool gone;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (buf_read_file(&b, AT_FDCWD, path, 4096))
		return true;
	/* "pid (comm) S ...": a zombie has done all it will do. */
	paren = strrchr(b.data, ')');
	gone = !paren || paren[1] != ' ' || paren[2] == 'Z' || paren[2] == 'X';
	buf_release(&b);
	return gone;
}

static void wait_for_exit(pid_t pid)
{
	for (int i = 0; pid > 0 && i < 500; i++) {
		if (process_gone(pid))
			return;
		usleep(10000);
	}
	if (pid > 0)
		fprintf(stderr, "aiwgfs: daemon %d is still running\n",
			(int)pid);
}

/*
 * Remove the placeholders aiwgfs made for any view a platform knows, also
 * those a killed daemon left behind once its mounts were taken away.
 */
static void remove_placeholders(const char *repo)
{
	size_t n;
	const struct platform *p = registry_platforms(&n);

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < platform_nviews(&p[i]); j++) {
			const char *view = platform_view(&p[i], j);
			char *path = path_join(repo, view);

			if (path)
				mounts_remove_placeholder(path);
			free(path);
		}
	}
}

/* Detach every view mounted under `repo`; the pid of a daemon seen. */
static int detach_all(const char *repo, pid_t *pid, int *found)
{
	struct mount_entry *mounts;
	int failed = 0, n = mounts_list(repo, &mounts);

	if (n < 0) {
		fprintf(stderr, "aiwgfs: cannot read the mount table: %s\n",
			strerror(-n));
		return -1;
	}
	*found += n;
	/* Deepest first, in case a view was ever mounted inside another. */
	for (int i = n - 1; i >= 0; i--) {
		pid_t p = serving_pid(mounts[i].mountpoint);
		int rc;

		if (p > 0)
			*pid = p;
		rc = mounts_detach(mounts[i].mountpoint);
		if (rc) {
			fprintf(stderr, "aiwgfs: cannot unmount '%s': %s\n",
				mounts[i].mountpoint, strerror(-rc));
			failed = 1;
			continue;
		}
		printf("unmounted %s\n", mounts[i].mountpoint);
	}
	mounts_free(mounts, n);
	return failed;
}

static int cmd_umount(int argc, char **argv)
{
	struct cli c = { .usage = usage_umount,
			 .allowed = ALLOW(OPT_REGISTRY) | ALLOW(OPT_CONFIG) };
	int rc, found = 0, failed = 0;
	pid_t pid = 0;
	char *repo;

	rc = parse_cli(&c, argc, argv, 0, 1);
	if (rc)
		return rc;
	repo = resolve_repo(c.nargs ? c.args[0] : NULL);
	if (!repo)
		return EXIT_USAGE;
	/*
	 * The config's registry may add views whose placeholders go too;
	 * with a broken config the built-in table stands in.
	 */
	cli_setup(&c, repo);
	config_release(&c.cfg);
	/*
	 * A daemon killed while it mounted may leave fusermount3 finishing
	 * a mount that appears only now; its auto_unmount takes it away
	 * soon after. Wait for such helpers (5 s at most), detaching again.
	 */
	for (int pass = 0; !failed; pass++) {
		failed = detach_all(repo, &pid, &found);
		if (failed || !mounts_helper_running(repo) || pass == 100)
			break;
		usleep(50000);
	}
	if (failed < 0) {
		free(repo);
		return EXIT_SYSTEM;
	}
	if (!found)
		printf("nothing of aiwgfs is mounted under %s\n", repo);
	wait_for_exit(pid);
	remove_placeholders(repo);
	if (!failed)
		git_exclude_update(repo, NULL, 0);
	free(repo);
	return failed ? EXIT_SYSTEM : EXIT_OK;
}

static void print_status(const char *text, bool with_cache)
{
	char a[64], b[64], c[64];

	printf("  %s files, %s inodes in use, daemon pid %s\n",
	       status_value(text, "files", a, sizeof(a)),
	       status_value(text, "inodes", b, sizeof(b)),
	       status_value(text, "pid", c, sizeof(c)));
	if (!with_cache)
		return;
	printf("  cache (shared by the daemon's views): %s entries, %s of %s "
	       "bytes\n",
	       status_value(text, "cache_entries", a, sizeof(a)),
	       status_value(text, "cache_bytes", b, sizeof(b)),
	       status_value(text, "cache_limit", c, sizeof(c)));
	for (const char *p = text; *p; p = strchrnul(p, '\n'), p += !!*p)
		if (!strncmp(p, "skipped ", 8))
			printf("  %.*s\n", (int)strcspn(p, "\n"), p);
	printf("  cache hits %s, misses %s, evictions %s\n",
	       status_value(text, "cache_hits", a, sizeof(a)),
	       status_value(text, "cache_misses", b, sizeof(b)),
	       status_value(text, "cache_evictions", c, sizeof(c)));
}

/* `s` as a JSON string; bytes that are not UTF-8 become U+FFFD. */
static void json_string(const char *s)
{
	char *clean = str_utf8_sanitize(s);

	putchar('"');
	for (const char *p = clean ? clean : ""; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
	free(clean);
}

/* The number under `key` in status text, or null. */
static void json_number(const char *text, const char *key)
{
	char v[64];

	status_value(text, key, v, sizeof(v));
	if (*v && strspn(v, "0123456789") == strlen(v))
		fputs(v, stdout);
	else
		fputs("null", stdout);
}

static void json_mount(const struct mount_entry *me, const char *text)
{
	static const char *const cache_keys[] = { "entries", "bytes",
						  "limit",   "hits",
						  "misses",  "evictions" };
	const char *sep = "";

	fputs("{\"mountpoint\": ", stdout);
	json_string(me->mountpoint);
	fputs(", \"source\": ", stdout);
	json_string(me->source);
	printf(", \"serving\": %s", text ? "true" : "false");
	if (!text) {
		fputs("}", stdout);
		return;
	}
	fputs(", \"pid\": ", stdout);
	json_number(text, "pid");
	fputs(", \"files\": ", stdout);
	json_number(text, "files");
	fputs(", \"inodes\": ", stdout);
	json_number(text, "inodes");
	fputs(", \"cache\": {", stdout);
	for (size_t i = 0; i < ARRAY_SIZE(cache_keys); i++) {
		char key[32];

		snprintf(key, sizeof(key), "cache_%s", cache_keys[i]);
		printf("%s\"%s\": ", i ? ", " : "", cache_keys[i]);
		json_number(text, key);
	}
	fputs("}, \"skipped\": [", stdout);
	for (const char *p = text; *p; p = strchrnul(p, '\n'), p += !!*p) {
		char *line;

		if (strncmp(p, "skipped ", 8))
			continue;
		line = str_ndup(p + 8, strcspn(p + 8, "\n"));
		fputs(sep, stdout);
		json_string(line ? line : "");
		free(line);
		sep = ", ";
	}
	fputs("]}", stdout);
}

/* Status as one JSON object; see usage_status. */
static int status_json(const char *repo, struct mount_entry *mounts, int n)
{
	char buf[4096];
	int rc = EXIT_OK;

	fputs("{\"repo\": ", stdout);
	json_string(repo);
	fputs(", \"mounts\": [", stdout);
	for (int i = 0; i < n; i++) {
		ssize_t len =
			status_read(mounts[i].mountpoint, buf, sizeof(buf) - 1);

		if (len >= 0)
			buf[len] = '\0';
		else
			rc = EXIT_PROBLEMS;
		fputs(i ? ", " : "", stdout);
		json_mount(&mounts[i], len >= 0 ? buf : NULL);
	}
	fputs("]}\n", stdout);
	return rc;
}

static int cmd_status(int argc, char **argv)
{
	struct cli c = { .usage = usage_status, .allowed = ALLOW(OPT_JSON) };
	struct mount_entry *mounts;
	char *repo, buf[4096], pid[32], last_pid[32] = "";
	int rc, n;

	rc = parse_cli(&c, argc, argv, 0, 1);
	if (rc)
		return rc;
	repo = resolve_repo(c.nargs ? c.args[0] : NULL);
	if (!repo)
		return EXIT_USAGE;
	n = mounts_list(repo, &mounts);
	if (n < 0) {
		fprintf(stderr, "aiwgfs: cannot read the mount table: %s\n",
			strerror(-n));
		free(repo);
		return EXIT_SYSTEM;
	}
	if (c.json) {
		rc = status_json(repo, mounts, n);
		mounts_free(mounts, n);
		free(repo);
		return rc;
	}
	if (!n)
		printf("nothing of aiwgfs is mounted under %s\n", repo);
	for (int i = 0; i < n; i++) {
		ssize_t len =
			status_read(mounts[i].mountpoint, buf, sizeof(buf) - 1);

		printf("%s\n  source %s\n", mounts[i].mountpoint,
		       mounts[i].source);
		if (len < 0) {
			printf("  not answering (%s): run 'aiwgfs umount'\n",
			       strerror(errno));
			rc = EXIT_PROBLEMS;
			continue;
		}
		buf[len] = '\0';
		status_value(buf, "pid", pid, sizeof(pid));
		print_status(buf, strcmp(pid, last_pid) != 0);
		memcpy(last_pid, pid, sizeof(pid));
	}
	mounts_free(mounts, n > 0 ? n : 0);
	free(repo);
	return rc;
}

struct ls_state {
	const struct model *model;
	const struct view *view;
	struct cache *cache;
	bool sizes;
	int failed;
};

static void ls_file(const struct vnode *file, void *arg)
{
	struct ls_state *s = arg;
	struct cache_entry *e;

	const char *sep = *file->path ? "/" : "";

	if (!s->sizes) {
		printf("%s%s%s\n", s->view->path, sep, file->path);
		return;
	}
	if (render_node(s->model, file, s->cache, &e)) {
		printf("%10s  %s%s%s\n", "?", s->view->path, sep, file->path);
		s->failed = 1;
		return;
	}
	printf("%10zu  %s%s%s\n", e->size, s->view->path, sep, file->path);
	cache_release(s->cache, e);
}

static int cmd_ls(int argc, char **argv)
{
	struct cli c = { .usage = usage_ls,
			 .allowed = ALLOW_SCAN | ALLOW(OPT_NO_REWRITE) |
				    ALLOW(OPT_LONG) };
	struct ls_state s = { 0 };
	struct model m;
	int rc;

	rc = parse_cli(&c, argc, argv, 0, 1);
	c.source = c.nargs ? c.args[0] : NULL;
	if (!rc)
		rc = cli_setup(&c, ".");
	if (!rc)
		rc = load_model(&c, &m);
	config_release(&c.cfg);
	if (rc)
		return rc;
	s.model = &m;
	s.sizes = c.long_list;
	s.cache = cache_new(0);
	for (size_t i = 0; s.cache && i < m.nviews; i++) {
		s.view = &m.views[i];
		vnode_walk(m.views[i].root, ls_file, &s);
	}
	if (s.cache)
		cache_free(s.cache);
	model_release(&m);
	return s.failed ? EXIT_PROBLEMS : EXIT_OK;
}

static int cmd_render(int argc, char **argv)
{
	struct cli c = { .usage = usage_render,
			 .allowed = ALLOW_SCAN | ALLOW(OPT_NO_REWRITE) };
	struct cache_entry *e;
	struct vnode *node;
	struct cache *cache;
	const char *path;
	struct model m;
	int rc;

	rc = parse_cli(&c, argc, argv, 1, 2);
	c.source = c.nargs > 1 ? c.args[0] : NULL;
	if (!rc)
		rc = cli_setup(&c, ".");
	if (!rc)
		rc = load_model(&c, &m);
	if (rc) {
		config_release(&c.cfg);
		return rc;
	}
	path = c.args[c.nargs - 1];
	node = model_lookup(&m, path, NULL);
	if (!node || node->type != VNODE_FILE) {
		fprintf(stderr,
			"aiwgfs: '%s' is not a synthesized file; 'aiwgfs ls "
			"%s' lists them\n",
			path, c.source);
		model_release(&m);
		config_release(&c.cfg);
		return EXIT_USAGE;
	}
	cache = cache_new(0);
	rc = cache ? render_node(&m, node, cache, &e) : -ENOMEM;
	if (rc) {
		fprintf(stderr, "aiwgfs: cannot render '%s': %s\n", path,
			strerror(-rc));
		rc = EXIT_SYSTEM;
	} else {
		fwrite(e->data, 1, e->size, stdout);
		cache_release(cache, e);
		rc = fflush(stdout) ? EXIT_SYSTEM : EXIT_OK;
	}
	if (cache)
		cache_free(cache);
	model_release(&m);
	config_release(&c.cfg);
	return rc;
}

static int cmd_check(int argc, char **argv)
{
	struct cli c = { .usage = usage_check, .allowed = ALLOW_SCAN };
	struct check_report r;
	struct model m;
	int rc;

	rc = parse_cli(&c, argc, argv, 0, 1);
	c.source = c.nargs ? c.args[0] : NULL;
	if (!rc)
		rc = cli_setup(&c, ".");
	if (!rc)
		rc = load_model(&c, &m);
	config_release(&c.cfg);
	if (rc)
		return rc;
	if (check_run(&m, &r)) {
		fprintf(stderr, "aiwgfs: out of memory\n");
		model_release(&m);
		return EXIT_SYSTEM;
	}
	for (size_t i = 0; i < r.n; i++) {
		char *line = check_finding_line(&r.v[i]);

		printf("%s\n", line ? line : "(out of memory)");
		free(line);
	}
	printf("%zu problem%s, %zu warning%s in %zu artifacts\n", r.problems,
	       r.problems == 1 ? "" : "s", r.n - r.problems,
	       r.n - r.problems == 1 ? "" : "s", m.src.nartifacts);
	rc = r.problems ? EXIT_PROBLEMS : EXIT_OK;
	check_report_release(&r);
	model_release(&m);
	return rc;
}

static void export_report(enum export_event ev, const char *path, int err,
			  void *arg)
{
	static const char *const words[] = {
		[EXPORT_WROTE] = "wrote",     [EXPORT_REMOVED] = "removed",
		[EXPORT_CONFLICT] = "kept",   [EXPORT_KEPT] = "kept",
		[EXPORT_CHANGED] = "changed", [EXPORT_MISSING] = "missing",
		[EXPORT_EXTRA] = "extra",     [EXPORT_FAILED] = "failed",
	};
	char *shown = str_escape(path);
	const char *p = shown ? shown : path;
	bool verbose = *(bool *)arg;

	switch (ev) {
	case EXPORT_WROTE:
	case EXPORT_REMOVED:
		if (verbose)
			printf("%s %s\n", words[ev], p);
		break;
	case EXPORT_CONFLICT:
		printf("own %s: the repository's own file, which wins as in "
		       "the mount (--force replaces it)\n",
		       p);
		break;
	case EXPORT_KEPT:
		printf("kept %s: edited since it was exported (--force "
		       "replaces it)\n",
		       p);
		break;
	case EXPORT_FAILED:
		printf("failed %s: %s\n", p, strerror(-err));
		break;
	default:
		printf("%s %s\n", words[ev], p);
		break;
	}
	free(shown);
}

static int export_finish(const struct cli *c, const char *dir,
			 const struct export_counts *n)
{
	if (c->check) {
		if (n->differ)
			printf("%zu of %zu files differ from what aiwgfs "
			       "export would write; run 'aiwgfs export' to "
			       "bring %s up to date\n",
			       n->differ, n->files, dir);
		else
			printf("%s is up to date (%zu files)\n", dir, n->files);
	} else if (c->clean) {
		printf("removed %zu files and folders\n", n->removed);
	} else {
		printf("%zu files: %zu written, %zu removed, %zu edited "
		       "since export and %zu of the repository's own left "
		       "alone\n",
		       n->files, n->written, n->removed, n->conflicts, n->own);
	}
	if (n->failed)
		return EXIT_SYSTEM;
	return n->differ || n->conflicts ? EXIT_PROBLEMS : EXIT_OK;
}

/*
 * Export writes real files, so it must not look at a repository through
 * its views: a mounted view would pass for an export already done.
 */
static int refuse_mounted(const char *dir)
{
	struct mount_entry *mounts;
	char real[PATH_MAX];
	int n;

	if (!realpath(dir, real))
		return 0; /* not there yet: nothing is mounted in it */
	n = mounts_list(real, &mounts);
	if (n <= 0)
		return 0;
	fprintf(stderr,
		"aiwgfs: '%s' has aiwgfs views mounted (%s); export writes "
		"real files: run 'aiwgfs umount' first\n",
		dir, mounts[0].mountpoint);
	mounts_free(mounts, n);
	return EXIT_USAGE;
}

static int cmd_export(int argc, char **argv)
{
	struct cli c = { .usage = usage_export,
			 .allowed = ALLOW_SCAN | ALLOW(OPT_NO_REWRITE) |
				    ALLOW(OPT_CHECK) | ALLOW(OPT_CLEAN) |
				    ALLOW(OPT_FORCE) | ALLOW(OPT_LONG) };
	struct export_options o = { .report = export_report };
	struct export_counts n;
	struct model m = { 0 };
	const char *dir;
	char *err = NULL;
	int rc;

	rc = parse_cli(&c, argc, argv, 1, 2);
	if (rc)
		return rc;
	if (c.check && c.clean)
		return usage_error(&c,
				   "--check and --clean do not go together");
	dir = c.args[c.nargs - 1];
	c.source = c.nargs > 1 ? c.args[0] : NULL;
	o.mode = c.check ? EXPORT_CHECK : c.clean ? EXPORT_CLEAN : EXPORT_WRITE;
	o.force = c.force;
	o.arg = &c.long_list;
	rc = cli_setup(&c, dir);
	if (!rc)
		rc = refuse_mounted(dir);
	if (!rc && !c.clean)
		rc = load_model(&c, &m);
	if (rc) {
		config_release(&c.cfg);
		return rc;
	}
	rc = export_run(&m, dir, &o, &n, &err);
	if (rc) {
		fprintf(stderr, "aiwgfs: %s\n", err ? err : strerror(-rc));
		rc = rc == -EINVAL ? EXIT_USAGE : EXIT_SYSTEM;
	} else {
		rc = export_finish(&c, dir, &n);
	}
	free(err);
	if (!c.clean)
		model_release(&m);
	config_release(&c.cfg);
	return rc;
}

/* Write `text` to a new `file` (or over it, with `force`). 0 or -errno. */
static int write_config(const char *file, const char *text, bool force)
{
	size_t len = strlen(text);
	int fd, rc;

	fd = open(file,
		  O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
			  (force ? O_TRUNC : O_EXCL),
		  0644);
	if (fd < 0)
		return -errno;
	rc = fd_write_all(fd, text, len);
	if (close(fd) && !rc)
		rc = -errno;
	return rc;
}

/*
 * The config reads a relative source from its own folder, REPO; --source
 * is given from the current folder. Written as given when the two are the
 * same folder, else as an absolute path. A source not there is only
 * warned of: it may be cloned later.
 */
static int init_source_path(struct cli *c, const char *repo)
{
	static char abs[PATH_MAX];
	char here[PATH_MAX], cwd[PATH_MAX];
	struct stat st;

	if (stat(c->init_source, &st) || !S_ISDIR(st.st_mode))
		fprintf(stderr,
			"aiwgfs: warning: source '%s' is not a folder (yet)\n",
			c->init_source);
	if (c->init_source[0] == '/' || !getcwd(here, sizeof(here)) ||
	    !realpath(here, cwd) || !strcmp(cwd, repo))
		return 0;
	if (!realpath(c->init_source, abs) &&
	    snprintf(abs, sizeof(abs), "%s/%s", cwd, c->init_source) >=
		    (int)sizeof(abs))
		return usage_error(c, "--source is too long");
	c->init_source = abs;
	return 0;
}

static int cmd_init(int argc, char **argv)
{
	struct cli c = { .usage = usage_init,
			 .allowed = ALLOW(OPT_SOURCE) | ALLOW(OPT_PLATFORMS) |
				    ALLOW(OPT_FORCE) };
	char *repo, *file = NULL, *text = NULL, list[1024] = "";
	size_t len = 0;
	int rc;

	rc = parse_cli(&c, argc, argv, 0, 1);
	if (rc)
		return rc;
	repo = resolve_repo(c.nargs ? c.args[0] : NULL);
	if (!repo)
		return EXIT_USAGE;
	rc = load_registry(NULL);
	for (size_t i = 0; !rc && c.have_platforms && c.platforms[i]; i++) {
		if (!registry_find(c.platforms[i])) {
			rc = usage_error(&c,
					 "unknown platform '%s'; 'aiwgfs "
					 "platforms' lists them",
					 c.platforms[i]);
			break;
		}
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					i ? ", " : "", c.platforms[i]);
		if (len >= sizeof(list))
			rc = usage_error(&c, "too many platforms");
	}
	if (!rc && c.init_source)
		rc = init_source_path(&c, repo);
	if (!rc) {
		file = path_join(repo, CONFIG_FILE);
		text = config_template(c.init_source,
				       c.have_platforms ? list : NULL);
		rc = file && text ? 0 : EXIT_SYSTEM;
	}
	if (!rc) {
		rc = write_config(file, text, c.force);
		if (rc == -EEXIST)
			fprintf(stderr,
				"aiwgfs: '%s' exists; edit it, or pass "
				"--force to start it afresh\n",
				file);
		else if (rc)
			fprintf(stderr, "aiwgfs: cannot write '%s': %s\n", file,
				strerror(-rc));
		else
			printf("wrote %s\n", file);
		rc = !rc ? EXIT_OK : rc == -EEXIST ? EXIT_USAGE : EXIT_SYSTEM;
	}
	free(text);
	free(file);
	free(repo);
	return rc;
}

static void print_map(const char *what, const struct name_map *m, size_t n)
{
	if (!n)
		return;
	printf("  %-9s", what);
	for (size_t i = 0; i < n; i++)
		printf("%s %s -> %s", i ? "," : "", m[i].from, m[i].to);
	putchar('\n');
}

static void print_platform(const struct platform *p)
{
	const struct platform_limits *l = &p->limits;

	printf("%s (%s)\n", p->name, p->summary);
	for (size_t j = 0; j < p->nrules; j++) {
		const struct platform_rule *r = &p->rules[j];
		char *path = path_join(r->view, r->dest);

		printf("  %-9s %-44s %s\n", artifact_kind_dir(r->kind),
		       path ? path : "?", r->renderer);
		free(path);
	}
	for (size_t j = 0; j < p->nfiles; j++) {
		const struct platform_file *f = &p->files[j];
		char *path = path_join(f->view, f->path);

		printf("  %-9s %-44s %s\n", "file",
		       path && *f->path ? path : f->view, f->renderer);
		free(path);
	}
	print_map("tools", p->tools, p->ntools);
	print_map("models", p->models, p->nmodels);
	if (l->description || l->rule || l->workflow || l->index)
		printf("  %-9s description %zu, rule %zu, workflow %zu, "
		       "index %zu (0: none)\n",
		       "limits", l->description, l->rule, l->workflow,
		       l->index);
}

static int cmd_platforms(int argc, char **argv)
{
	struct cli c = { .usage = usage_platforms,
			 .allowed = ALLOW(OPT_REGISTRY) | ALLOW(OPT_YAML) };
	const struct platform *p;
	size_t n;
	int rc;

	rc = parse_cli(&c, argc, argv, 0, 0);
	if (!rc)
		rc = load_registry(c.registry);
	if (rc)
		return rc;
	if (c.yaml) {
		fputs(registry_builtin_yaml(), stdout);
		return EXIT_OK;
	}
	p = registry_platforms(&n);
	for (size_t i = 0; i < n; i++) {
		if (i)
			putchar('\n');
		print_platform(&p[i]);
	}
	return EXIT_OK;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "mount", cmd_mount },
	{ "umount", cmd_umount },
	{ "unmount", cmd_umount },
	{ "status", cmd_status },
	{ "ls", cmd_ls },
	{ "render", cmd_render },
	{ "platforms", cmd_platforms },
	{ "check", cmd_check },
	{ "export", cmd_export },
	{ "init", cmd_init },
};

/* Mount options that mount(8) and fstab use and that mean nothing here. */
static bool generic_mount_option(const char *o)
{
	static const char *const ignored[] = {
		"defaults", "rw",     "auto",	 "noauto", "user",  "users",
		"nouser",   "nofail", "_netdev", "dev",	   "nodev", "suid",
		"nosuid",   "exec",   "noexec",	 "async",  "atime", "noatime",
		"relatime", "owner",  "group",
	};

	if (!strncmp(o, "x-", 2) || !strncmp(o, "comment=", 8))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(ignored); i++)
		if (!strcmp(o, ignored[i]))
			return true;
	return false;
}

/* What an -o option of mount(8) means: a flag of `aiwgfs mount`, or NULL. */
static const char *helper_flag(const char *key, bool *takes_value)
{
	static const struct {
		const char *key, *flag;
		bool value;
	} map[] = {
		{ "platforms", "--platforms", true },
		{ "frameworks", "--frameworks", true },
		{ "addons", "--addons", true },
		{ "registry", "--registry", true },
		{ "config", "--config", true },
		{ "cache_size", "--cache-size", true },
		{ "no_rewrite_refs", "--no-rewrite-refs", false },
		{ "no_git_exclude", "--no-git-exclude", false },
		{ "debug", "--debug", false },
		{ "foreground", "--foreground", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (!strcmp(key, map[i].key)) {
			*takes_value = map[i].value;
			return map[i].flag;
		}
	}
	return NULL;
}

/* Lists in mount options may use ':' between names, as ',' is taken. */
static void colons_to_commas(char *s)
{
	for (; *s; s++)
		if (*s == ':')
			*s = ',';
}

/*
 * Turn the options of "-o OPTIONS" into flags of `aiwgfs mount` in *out
 * (values point into `opts`, which is changed); what is neither ours nor
 * generic goes to FUSE, in `fuse`. A bare name right after a list option
 * continues the list, so "platforms=claude,copilot" works as typed.
 */
static int helper_options(char *opts, char **out, int *n, struct buf *fuse)
{
	char *list_end = NULL, *save = NULL;

	for (char *o = strtok_r(opts, ",", &save); o;
	     o = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(o, '=');
		bool value = false;
		const char *flag;

		if (eq)
			*eq = '\0';
		flag = helper_flag(o, &value);
		if (!flag && !eq && list_end && !generic_mount_option(o)) {
			/* undo strtok_r's cut: the list runs on in place */
			for (char *p = o - 1; p > list_end && !*p; p--)
				*p = ',';
			colons_to_commas(o);
			continue;
		}
		list_end = NULL;
		if (eq)
			*eq = '=';
		if (!flag || value != !!eq) {
			if (!generic_mount_option(o))
				buf_addf(fuse, "%s%s", fuse->len ? "," : "", o);
			continue;
		}
		if (*n > 60)
			return -E2BIG;
		out[(*n)++] = (char *)flag;
		if (!value)
			continue;
		out[(*n)++] = eq + 1;
		*eq = '\0';
		if (!strcmp(o, "platforms") || !strcmp(o, "frameworks") ||
		    !strcmp(o, "addons")) {
			colons_to_commas(eq + 1);
			list_end = eq + 1;
		}
		*eq = '=';
	}
	return 0;
}

/*
 * mount(8) runs "aiwgfs SOURCE REPO -o OPTIONS" for a file system of type
 * fuse.aiwgfs (through mount.fuse3) and for fstab lines: mount the views
 * with the options turned into flags.
 */
static int mount_helper(int argc, char **argv)
{
	char *args[128] = { "mount" }, *opts[8];
	struct buf fuse = BUF_INIT;
	int n = 1, nopts = 0, npos = 0, rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc && nopts < 8)
			opts[nopts++] = argv[++i];
		else if (!strncmp(argv[i], "-o", 2) && argv[i][2] && nopts < 8)
			opts[nopts++] = argv[i] + 2;
		else if (argv[i][0] != '-' && npos < 2)
			args[n++] = argv[i], npos++;
		else if (strcmp(argv[i], "-n") && strcmp(argv[i], "-v") &&
			 strcmp(argv[i], "-s") && strcmp(argv[i], "-f")) {
			fprintf(stderr,
				"aiwgfs: as a mount helper, aiwgfs takes "
				"SOURCE REPO [-o OPTIONS], not '%s'\n",
				argv[i]);
			return EXIT_USAGE;
		}
	}
	if (npos != 2) {
		fprintf(stderr, "aiwgfs: as a mount helper, aiwgfs takes "
				"SOURCE REPO [-o OPTIONS]\n");
		return EXIT_USAGE;
	}
	for (int i = 0; !rc && i < nopts; i++)
		rc = helper_options(opts[i], args, &n, &fuse);
	if (!rc && fuse.len) {
		args[n++] = "-o";
		args[n++] = fuse.data;
	}
	args[n] = NULL;
	if (!rc)
		rc = cmd_mount(n, args);
	else
		fprintf(stderr, "aiwgfs: too many mount options\n");
	buf_release(&fuse);
	return rc;
}

/* AIWGFS_LOG=error|warning|info|debug sets the level of the log. */
static void log_level_from_env(void)
{
	static const char *const names[] = {
		[LOG_LEVEL_ERROR] = "error",
		[LOG_LEVEL_WARNING] = "warning",
		[LOG_LEVEL_INFO] = "info",
		[LOG_LEVEL_DEBUG] = "debug",
	};
	const char *env = getenv("AIWGFS_LOG");

	if (!env || !*env)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcasecmp(env, names[i])) {
			log_set_level((enum log_level)i);
			return;
		}
	}
	fprintf(stderr,
		"aiwgfs: AIWGFS_LOG='%s' is not a level (error, warning, "
		"info, debug); logging warnings\n",
		env);
}

int main(int argc, char **argv)
{
	log_level_from_env();
	if (argc < 2) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage_main, stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("aiwgfs %s\n", AIWGFS_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	if (argc >= 3 && argv[1][0] != '-' && argv[2][0] != '-')
		return mount_helper(argc, argv);
	fprintf(stderr, "aiwgfs: unknown command '%s'\n\n%s", argv[1],
		usage_main);
	return EXIT_USAGE;
}
