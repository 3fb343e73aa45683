/*
 * main.c - the aiwgfs command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "aiwgfs/buf.h"
#include "aiwgfs/check.h"
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
	"  mount SOURCE [REPO]      mount the views into REPO (default: .)\n"
	"  umount [REPO]            unmount every view under REPO\n"
	"  status [REPO]            what is mounted, from where, cache figures\n"
	"  ls SOURCE                the files each view would show\n"
	"  render SOURCE VIEW_PATH  one synthesized file to stdout\n"
	"  check SOURCE             lint the canonical tree\n"
	"  platforms                the platforms, their views and paths\n"
	"\n"
	"Run 'aiwgfs <command> --help' for a command's options.\n"
	"Exit codes: 0 success, 1 problems found, 2 usage error,\n"
	"3 mount or system failure.\n";

static const char usage_mount[] =
	"usage: aiwgfs mount SOURCE [REPO] [options]\n"
	"\n"
	"Mount the views of SOURCE (an AIWG tree or a flat tree of agents/,\n"
	"commands/, skills/, rules/) into REPO (default: the current folder).\n"
	"Returns once every view serves; the daemon stays in the background.\n"
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
	"  -o OPTIONS           extra FUSE mount options\n";

static const char usage_umount[] =
	"usage: aiwgfs umount [REPO] [--registry FILE]\n"
	"\n"
	"Unmount every aiwgfs view under REPO (default: the current folder),\n"
	"also those of a daemon that was killed, remove the folders aiwgfs\n"
	"created, and the lines it added to git's exclude file. Safe to run\n"
	"twice.\n";

static const char usage_status[] =
	"usage: aiwgfs status [REPO]\n"
	"\n"
	"List the aiwgfs views mounted under REPO (default: the current\n"
	"folder) with their source and the daemon's cache figures.\n";

static const char usage_ls[] =
	"usage: aiwgfs ls SOURCE [--platforms LIST] [--frameworks LIST]\n"
	"                 [--addons LIST] [--registry FILE] [-l]\n"
	"\n"
	"List every file the views would show, as paths in the repository;\n"
	"with -l, also the size of each.\n";

static const char usage_render[] =
	"usage: aiwgfs render SOURCE VIEW_PATH [--platforms LIST]\n"
	"                     [--frameworks LIST] [--addons LIST]\n"
	"                     [--registry FILE] [--no-rewrite-refs]\n"
	"\n"
	"Write one synthesized file, e.g. .github/agents/x.agent.md, to\n"
	"standard output, without mounting.\n";

static const char usage_check[] =
	"usage: aiwgfs check SOURCE [--platforms LIST] [--frameworks LIST]\n"
	"                    [--addons LIST] [--registry FILE]\n"
	"\n"
	"Lint the canonical tree for the chosen platforms (default: all):\n"
	"frontmatter that needed the lenient reader, ids hidden by an earlier\n"
	"unit, skill names that had to be normalized, descriptions and files\n"
	"over a platform's limits, files that cannot be read. Each finding\n"
	"names the file (and line). Exits 1 when a view would lose content,\n"
	"0 when there are only warnings or nothing.\n";

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
	 ALLOW(OPT_REGISTRY))

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

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'm':
	case 'M':
		v <<= 20;
		end++;
		break;
	case 'g':
	case 'G':
		v <<= 30;
		end++;
		break;
	default:
		break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end)
		return -EINVAL;
	*out = (size_t)v;
	return 0;
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
		if (log_get_level() < LOG_LEVEL_INFO)
			log_set_level(LOG_LEVEL_INFO);
		return 0;
	case OPT_NO_REWRITE:
		c->mopts.rewrite_refs = false;
		return 0;
	case OPT_NO_EXCLUDE:
		c->dopts.git_exclude = false;
		return 0;
	case OPT_CACHE_SIZE:
		if (parse_size(arg, &c->dopts.cache_size))
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
 * of them), then load the platform table (with --registry, if given).
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
	return load_registry(c->registry);
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

/* Scan SOURCE and build the model the options ask for. */
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

static int load_model(struct cli *c, const char *source, struct model *m)
{
	struct source_filter filter = cli_filter(c);
	struct source src;
	char *err = NULL;
	int rc;

	rc = source_scan(&src, source, &filter, &err);
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

	rc = parse_cli(&c, argc, argv, 1, 2);
	if (rc)
		return rc;
	repo = resolve_repo(c.nargs > 1 ? c.args[1] : NULL);
	if (!repo)
		return EXIT_USAGE;
	n = mounts_list(repo, &mounts);
	if (n > 0) {
		fprintf(stderr,
			"aiwgfs: '%s' already has aiwgfs views (%s from "
			"'%s'); run 'aiwgfs umount' first\n",
			repo, mounts[0].mountpoint, mounts[0].source);
		mounts_free(mounts, n);
		free(repo);
		return EXIT_USAGE;
	}
	mounts_free(mounts, n > 0 ? n : 0);
	rc = load_model(&c, c.args[0], &m);
	if (rc) {
		free(repo);
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

/* The pid of the daemon serving `mountpoint`, or 0 when it does not say. */
static pid_t serving_pid(const char *mountpoint)
{
	char text[4096], pid[32];
	ssize_t len;

	len = getxattr(mountpoint, UFS_STATUS_XATTR, text, sizeof(text) - 1);
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
		for (size_t j = 0; j < p[i].nrules + p[i].nfiles; j++) {
			const char *view =
				j < p[i].nrules
					? p[i].rules[j].view
					: p[i].files[j - p[i].nrules].view;
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
			 .allowed = ALLOW(OPT_REGISTRY) };
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

static int cmd_status(int argc, char **argv)
{
	struct cli c = { .usage = usage_status };
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
	if (n <= 0)
		printf("nothing of aiwgfs is mounted under %s\n", repo);
	for (int i = 0; i < n; i++) {
		ssize_t len = getxattr(mounts[i].mountpoint, UFS_STATUS_XATTR,
				       buf, sizeof(buf) - 1);

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

	rc = parse_cli(&c, argc, argv, 1, 1);
	if (!rc)
		rc = load_model(&c, c.args[0], &m);
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
	struct model m;
	int rc;

	rc = parse_cli(&c, argc, argv, 2, 2);
	if (!rc)
		rc = load_model(&c, c.args[0], &m);
	if (rc)
		return rc;
	node = model_lookup(&m, c.args[1], NULL);
	if (!node || node->type != VNODE_FILE) {
		fprintf(stderr,
			"aiwgfs: '%s' is not a synthesized file; 'aiwgfs ls "
			"%s' lists them\n",
			c.args[1], c.args[0]);
		model_release(&m);
		return EXIT_USAGE;
	}
	cache = cache_new(0);
	rc = cache ? render_node(&m, node, cache, &e) : -ENOMEM;
	if (rc) {
		fprintf(stderr, "aiwgfs: cannot render '%s': %s\n", c.args[1],
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
	return rc;
}

static int cmd_check(int argc, char **argv)
{
	struct cli c = { .usage = usage_check, .allowed = ALLOW_SCAN };
	struct check_report r;
	struct model m;
	int rc;

	rc = parse_cli(&c, argc, argv, 1, 1);
	if (!rc)
		rc = load_model(&c, c.args[0], &m);
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
};

int main(int argc, char **argv)
{
	const char *env = getenv("AIWGFS_LOG");

	if (env && !strcmp(env, "debug"))
		log_set_level(LOG_LEVEL_DEBUG);
	else if (env && !strcmp(env, "info"))
		log_set_level(LOG_LEVEL_INFO);
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
	fprintf(stderr, "aiwgfs: unknown command '%s'\n\n%s", argv[1],
		usage_main);
	return EXIT_USAGE;
}
