/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for [server] include: files a glob names are read after the
 * main one in sorted order, each from outside any section; their errors
 * name their own file and line; a unique section stays unique across
 * files (so [server], and with it `include`, is the main file's alone).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FILES 8

struct tree {
	char dir[64];
	char paths[MAX_FILES][128];
	size_t n;
	char conf_d[128];
};

static void tree_open(struct tree *t)
{
	memset(t, 0, sizeof(*t));
	strcpy(t->dir, "/tmp/pxed-include-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->conf_d, sizeof(t->conf_d), "%s/conf.d", t->dir);
	assert_int_equal(mkdir(t->conf_d, 0755), 0);
}

/* Writes NAME (relative to the tree) and returns its path. */
static const char *tree_write(struct tree *t, const char *name,
			      const char *text)
{
	char *path = t->paths[t->n++];
	char buf[sizeof(t->paths[0])];
	FILE *f;

	assert_true(t->n <= MAX_FILES);
	snprintf(buf, sizeof(buf), "%s/%s", t->dir, name);
	strcpy(path, buf);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void tree_close(struct tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		unlink(t->paths[i]);
	rmdir(t->conf_d);
	rmdir(t->dir);
}

static const char main_conf[] =
	"[server]\n"
	"interface = eth0\n"
	"state-dir = /var/lib/pxed\n"
	"include = conf.d/*.conf\n"
	"[subnet 172.25.254.0/24]\n"
	"range = 172.25.254.60 - 172.25.254.70\n"
	"[host main]\n"
	"mac = 52:54:00:00:00:01\n"
	"[tftp]\n";

/* Loads `main` expecting one error at file:line containing `needle`. */
static void expect_one_error(const char *main, const char *file,
			     unsigned line, const char *needle)
{
	struct config_diags d = { 0 };
	struct config *c = NULL;

	assert_int_equal(config_load(main, &c, &d), -EINVAL);
	assert_null(c);
	if (d.len != 1 || strcmp(d.items[0].file, file) ||
	    d.items[0].line != line || !strstr(d.items[0].message, needle)) {
		for (size_t i = 0; i < d.len; i++)
			print_error("got %s:%u: %s\n", d.items[i].file,
				    d.items[i].line, d.items[i].message);
		fail_msg("wanted one error at %s:%u containing '%s'", file,
			 line, needle);
	}
	config_diags_clear(&d);
}

static struct config *load_ok(const char *main)
{
	struct config_diags d = { 0 };
	struct config *c;

	assert_int_equal(config_load(main, &c, &d), 0);
	assert_int_equal(d.len, 0);
	return c;
}

static void test_sorted_glob_relative_to_main(void **state)
{
	struct config *c;
	struct tree t;
	const char *main;

	(void)state;
	tree_open(&t);
	main = tree_write(&t, "pxed.conf", main_conf);
	tree_write(&t, "conf.d/20-b.conf",
		   "[host b]\nmac = 52:54:00:00:00:0b\n");
	tree_write(&t, "conf.d/10-a.conf",
		   "; a comment first\n[host a]\nmac = 52:54:00:00:00:0a\n");
	tree_write(&t, "conf.d/notes.txt", "not a config\n");
	/* from another directory: the pattern is the main file's */
	assert_int_equal(chdir("/"), 0);
	c = load_ok(main);
	assert_int_equal(c->n_hosts, 3);
	assert_string_equal(c->hosts[0].name, "main");
	assert_string_equal(c->hosts[1].name, "a");
	assert_string_equal(c->hosts[2].name, "b");
	config_free(c);
	tree_close(&t);
}

/* An empty conf.d, or none at all, matches nothing: no error. */
static void test_no_match_is_fine(void **state)
{
	struct config *c;
	struct tree t;

	(void)state;
	tree_open(&t);
	c = load_ok(tree_write(&t, "pxed.conf", main_conf));
	assert_int_equal(c->n_hosts, 1);
	config_free(c);
	rmdir(t.conf_d);
	config_free(load_ok(t.paths[0]));
	tree_close(&t);
}

/* main_conf and one included file whose error is expected at `line`. */
static void expect_included_error(const char *name, const char *text,
				  unsigned line, const char *needle)
{
	struct tree t;
	const char *main, *inc;

	tree_open(&t);
	main = tree_write(&t, "pxed.conf", main_conf);
	inc = tree_write(&t, name, text);
	expect_one_error(main, inc, line, needle);
	tree_close(&t);
}

static void test_error_names_included_file(void **state)
{
	(void)state;
	expect_included_error("conf.d/web.conf",
			      "[host web]\n\nmac = not-a-mac\n", 3,
			      "not-a-mac");
}

static void test_unique_section_across_files(void **state)
{
	(void)state;
	expect_included_error("conf.d/tftp.conf", "# again\n[tftp]\n", 2,
			      "[tftp] appears twice");
	expect_included_error("conf.d/server.conf",
			      "[server]\ninclude = /etc/*\n", 1,
			      "[server] appears twice");
}

/* main_conf ends inside [tftp]; a key at the top of the next file must
 * not land there. */
static void test_each_file_starts_outside_sections(void **state)
{
	(void)state;
	expect_included_error("conf.d/stray.conf", "port = 6969\n", 1,
			      "outside any section");
}

/* A directory or a FIFO that matches is an error (a FIFO without a
 * writer must not hang the load). */
static void test_special_files_are_errors(void **state)
{
	struct tree t;
	const char *main;
	char other[160];

	(void)state;
	tree_open(&t);
	main = tree_write(&t, "pxed.conf", main_conf);
	snprintf(other, sizeof(other), "%s/sub.conf", t.conf_d);
	assert_int_equal(mkdir(other, 0755), 0);
	expect_one_error(main, main, 4, "not a regular file");
	rmdir(other);
	assert_int_equal(mkfifo(other, 0644), 0);
	expect_one_error(main, main, 4, "not a regular file");
	unlink(other);
	tree_close(&t);
}

/* As a user that may not read conf.d, as pxed is on a reload after the
 * privilege drop: an error, not a config without those hosts. */
static void test_unreadable_directory_is_an_error(void **state)
{
	struct tree t;
	const char *main;
	pid_t pid;
	int status;

	(void)state;
	tree_open(&t);
	assert_int_equal(chmod(t.dir, 0755), 0);
	assert_int_equal(chmod(t.conf_d, 0700), 0);
	main = tree_write(&t, "pxed.conf", main_conf);
	chmod(main, 0644);
	tree_write(&t, "conf.d/a.conf", "[host a]\nmac = 52:54:00:00:00:0a\n");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct config_diags d = { 0 };
		struct config *c = NULL;

		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(10);
		if (config_load(main, &c, &d) != -EINVAL || d.len != 1 ||
		    d.items[0].line != 4 ||
		    !strstr(d.items[0].message, "cannot read"))
			_exit(11);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	tree_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_glob_relative_to_main),
		cmocka_unit_test(test_no_match_is_fine),
		cmocka_unit_test(test_error_names_included_file),
		cmocka_unit_test(test_unique_section_across_files),
		cmocka_unit_test(test_each_file_starts_outside_sections),
		cmocka_unit_test(test_special_files_are_errors),
		cmocka_unit_test(test_unreadable_directory_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
