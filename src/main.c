/* SPDX-License-Identifier: MIT */
/*
 * main.c - the command line: serve, check, import, kickstart, version,
 * help.
 */
#include "boot/import.h"
#include "boot/kickstart.h"
#include "boot/oneshot.h"
#include "config.h"
#include "log.h"
#include "serve.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PXED_VERSION
#define PXED_VERSION "unknown"
#endif

struct command {
	const char *name;
	const char *summary;
	const char *usage;
	int (*run)(int argc, char **argv);
};

static int usage_error(const char *cmd, const char *what)
{
	fprintf(stderr, "pxed %s: %s\nTry 'pxed %s --help'.\n", cmd, what, cmd);
	return 2;
}

/* Options shared by serve and check: -c FILE, -v, -h. */
struct common_opts {
	const char *config_path;
	int verbose;
	bool help;
};

static int parse_common(const char *cmd, int argc, char **argv,
			struct common_opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config_path = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			o->help = true;
			return 0;
		default:
			return usage_error(cmd, "bad option");
		}
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument");
	if (!o->config_path)
		o->config_path = "/etc/pxed/pxed.conf";
	return 0;
}

static void print_diags(const struct config_diags *d)
{
	for (size_t i = 0; i < d->len; i++)
		fprintf(stderr, "%s:%u: %s\n", d->items[i].file,
			d->items[i].line, d->items[i].message);
}

static int cmd_check(int argc, char **argv);
static int cmd_serve(int argc, char **argv);
static int cmd_import(int argc, char **argv);
static int cmd_kickstart(int argc, char **argv);

static const struct command commands[] = {
	{ "serve", "run the DHCP, TFTP and HTTP servers",
	  "Usage: pxed serve [-c FILE] [-v]\n"
	  "       pxed serve --iso FILE.iso --interface IF [--proxy]\n"
	  "                  [--interactive] [--root-password-file F]\n"
	  "                  [--state-dir DIR] [--print-config] [-v]\n"
	  "Run in the foreground, logging to stderr.\n"
	  "  -c, --config FILE  configuration (default /etc/pxed/pxed.conf)\n"
	  "  -v, --verbose      more detail; twice for per-packet debugging\n"
	  "With --iso, no config file: the interface's address and subnet,\n"
	  "the image imported, a kickstart (or preseed) written for it, and\n"
	  "DHCP (--proxy: proxyDHCP beside the network's own server), TFTP\n"
	  "and HTTP served. --interactive boots the installer's own menu;\n"
	  "--print-config prints the equivalent config file and exits.\n"
	  "Signals: SIGTERM/SIGINT stop cleanly; SIGHUP reloads the config\n"
	  "(a bad new config is reported and the old one stays in force).\n",
	  cmd_serve },
	{ "check", "validate a configuration file",
	  "Usage: pxed check [-c FILE]\n"
	  "Print every problem as FILE:LINE: message; exit 1 if any.\n",
	  cmd_check },
	{ "import", "describe an install ISO as a [tree] and a [profile]",
	  "Usage: pxed import FILE.iso [--name NAME] [-c FILE] "
	  "[--kickstart FILE]\n"
	  "Recognise the distribution from the image (.treeinfo, .discinfo,\n"
	  ".disk/info), print what was found and the [tree] and [profile]\n"
	  "sections with the append line of that installer.\n"
	  "  --name NAME        tree and profile name (default from the image)\n"
	  "  -c, --config FILE  add the sections to FILE instead of printing:\n"
	  "                     at its end, or as NAME.conf in the directory\n"
	  "                     of its first include = DIR/*.conf\n"
	  "  --kickstart FILE   a kickstart (or preseed) template for the "
	  "profile\n",
	  cmd_import },
	{ "kickstart", "write a minimal automated install (kickstart, preseed)",
	  "Usage: pxed kickstart [OPTIONS]\n"
	  "Write a kickstart (or a Debian preseed) for the tree a profile\n"
	  "serves it with: url --url=${tree_url}, network by DHCP, the whole\n"
	  "disk, boot loader, reboot. Use it as a profile's `kickstart`.\n"
	  "  --root-password-hash H  a crypt(3) hash ($6$...)\n"
	  "  --root-password-file F  hash the first line of F (SHA-512)\n"
	  "                          (neither: root is locked)\n"
	  "  --timezone Z, --lang L, --keyboard K   (UTC, en_US.UTF-8, us)\n"
	  "  --packages LIST         comma-separated, beside @core\n"
	  "  --disk auto|DEV         install on every disk or on DEV (sda)\n"
	  "  --format kickstart|preseed\n"
	  "  --out FILE              write to FILE instead of stdout\n",
	  cmd_kickstart },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int cmd_check(int argc, char **argv)
{
	struct common_opts o = { 0 };
	struct config_diags diags = { 0 };
	struct config *config = NULL;
	int r;

	r = parse_common("check", argc, argv, &o);
	if (r)
		return r;
	if (o.help) {
		fputs(command_find("check")->usage, stdout);
		return 0;
	}
	r = config_load(o.config_path, &config, &diags);
	print_diags(&diags);
	config_diags_clear(&diags);
	if (r < 0)
		return 1;
	r = serve_check_resources(config);
	config_free(config);
	if (r < 0)
		return 1;
	printf("%s: ok\n", o.config_path);
	return 0;
}

/* Copy the config oneshot wrote to stdout. */
static int print_file(const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return 1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return 0;
}

enum {
	OPT_ISO = 256, OPT_INTERFACE, OPT_PROXY, OPT_INTERACTIVE,
	OPT_PASSWORD_FILE, OPT_STATE_DIR, OPT_PRINT_CONFIG,
};


/* Either -c, or --iso with its options. */
static int serve_opts_check(struct common_opts *c,
			    const struct oneshot_opts *o, bool print_config)
{
	if (!o->iso != !o->interface)
		return usage_error("serve", "--iso and --interface go together");
	if (o->iso && c->config_path)
		return usage_error("serve", "--iso replaces -c");
	if (!o->iso && (o->proxy || o->interactive || o->password_file ||
			o->state_dir || print_config))
		return usage_error("serve", "these options need --iso");
	if (!c->config_path)
		c->config_path = "/etc/pxed/pxed.conf";
	return 0;
}

static int parse_serve(int argc, char **argv, struct common_opts *c,
		       struct oneshot_opts *o, bool *print_config)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "iso", required_argument, NULL, OPT_ISO },
		{ "interface", required_argument, NULL, OPT_INTERFACE },
		{ "proxy", no_argument, NULL, OPT_PROXY },
		{ "interactive", no_argument, NULL, OPT_INTERACTIVE },
		{ "root-password-file", required_argument, NULL,
		  OPT_PASSWORD_FILE },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "print-config", no_argument, NULL, OPT_PRINT_CONFIG },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			c->config_path = optarg;
			break;
		case 'v':
			c->verbose++;
			break;
		case 'h':
			c->help = true;
			return 0;
		case OPT_ISO:
			o->iso = optarg;
			break;
		case OPT_INTERFACE:
			o->interface = optarg;
			break;
		case OPT_PROXY:
			o->proxy = true;
			break;
		case OPT_INTERACTIVE:
			o->interactive = true;
			break;
		case OPT_PASSWORD_FILE:
			o->password_file = optarg;
			break;
		case OPT_STATE_DIR:
			o->state_dir = optarg;
			break;
		case OPT_PRINT_CONFIG:
			*print_config = true;
			break;
		default:
			return usage_error("serve", "bad option");
		}
	}
	if (optind < argc)
		return usage_error("serve", "unexpected argument");
	return serve_opts_check(c, o, *print_config);
}

static int cmd_serve(int argc, char **argv)
{
	struct common_opts c = { 0 };
	struct oneshot_opts o = { 0 };
	bool print_config = false;
	char *oneshot_path = NULL;
	int r;

	r = parse_serve(argc, argv, &c, &o, &print_config);
	if (r)
		return r;
	if (c.help) {
		fputs(command_find("serve")->usage, stdout);
		return 0;
	}
	if (o.iso) {
		if (oneshot_prepare(&o, &oneshot_path) < 0)
			return 1;
		c.config_path = oneshot_path;
	}
	if (print_config) {
		r = print_file(oneshot_path);
	} else {
		log_set_level(c.verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
		r = serve_run(c.config_path) < 0 ? 1 : 0;
	}
	free(oneshot_path);
	return r;
}

static int cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "kickstart", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *config_path = NULL, *kickstart = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'c':
			config_path = optarg;
			break;
		case 'k':
			kickstart = optarg;
			break;
		case 'h':
			fputs(command_find("import")->usage, stdout);
			return 0;
		default:
			return usage_error("import", "bad option");
		}
	}
	if (optind != argc - 1)
		return usage_error("import", "expected one ISO image");
	return import_run(argv[optind], name, config_path, kickstart) < 0 ? 1
									: 0;
}

static int kickstart_format(const char *s, struct kickstart_opts *o)
{
	if (!strcmp(s, "kickstart"))
		o->format = KICKSTART_ANACONDA;
	else if (!strcmp(s, "preseed"))
		o->format = KICKSTART_PRESEED;
	else
		return -EINVAL;
	return 0;
}

/* One option of `pxed kickstart`; -EINVAL for a bad --format. */
static int kickstart_opt(int c, struct kickstart_opts *o,
			 const char **password_file, const char **out)
{
	switch (c) {
	case 'H':
		o->root_hash = optarg;
		break;
	case 'P':
		*password_file = optarg;
		break;
	case 't':
		o->timezone = optarg;
		break;
	case 'l':
		o->lang = optarg;
		break;
	case 'k':
		o->keyboard = optarg;
		break;
	case 'p':
		o->packages = optarg;
		break;
	case 'd':
		o->disk = optarg;
		break;
	case 'o':
		*out = optarg;
		break;
	default:
		return kickstart_format(optarg, o);
	}
	return 0;
}

static int cmd_kickstart(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root-password-hash", required_argument, NULL, 'H' },
		{ "root-password-file", required_argument, NULL, 'P' },
		{ "timezone", required_argument, NULL, 't' },
		{ "lang", required_argument, NULL, 'l' },
		{ "keyboard", required_argument, NULL, 'k' },
		{ "packages", required_argument, NULL, 'p' },
		{ "disk", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kickstart_opts o = { 0 };
	const char *password_file = NULL, *out = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(command_find("kickstart")->usage, stdout);
			return 0;
		}
		if (c == '?')
			return usage_error("kickstart", "bad option");
		if (kickstart_opt(c, &o, &password_file, &out) < 0)
			return usage_error("kickstart", "--format is kickstart "
					   "or preseed");
	}
	if (optind < argc)
		return usage_error("kickstart", "unexpected argument");
	if (o.root_hash && password_file)
		return usage_error("kickstart", "--root-password-hash or "
				   "--root-password-file, not both");
	return kickstart_run(&o, password_file, out) < 0 ? 1 : 0;
}

static void print_help(FILE *out)
{
	fputs("Usage: pxed COMMAND [OPTIONS]\n"
	      "A network-boot server: DHCP, TFTP and HTTP in one daemon.\n\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fputs("\n  pxed COMMAND --help   options of one command\n"
	      "  pxed --version        print the version\n", out);
}

int main(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2) {
		print_help(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		print_help(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("pxed %s\n", PXED_VERSION);
		return 0;
	}
	cmd = command_find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "pxed: unknown command '%s'\n", argv[1]);
		print_help(stderr);
		return 2;
	}
	return cmd->run(argc - 1, argv + 1);
}
