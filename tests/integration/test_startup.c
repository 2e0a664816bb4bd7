/* SPDX-License-Identifier: EUPL-1.2 */
/* Start-up checks and the command line: what an operator sees when
 * something is wrong before the first request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/harness.h"

static void test_help_lists_every_subcommand(void **state)
{
	char *out = NULL;
	const char *args[] = {"--help", NULL};
	assert_int_equal(h_cli(&out, args), 0);
	const char *names[] = {"serve", "migrate", "config", "holidays", "deadline", "lifecycle", "seed", "audit", "user"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		assert_non_null(strstr(out, names[i]));
	free(out);
}

static void test_every_subcommand_has_help(void **state)
{
	const char *names[] = {"serve", "migrate", "config", "holidays", "deadline", "lifecycle", "seed", "audit", "user"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *out = NULL;
		const char *args[] = {names[i], "--help", NULL};
		int rc = h_cli(&out, args);
		if (rc != 0 || !strstr(out, "Usage:"))
			fprintf(stderr, "%s --help: rc %d: %s\n", names[i], rc, out);
		assert_int_equal(rc, 0);
		assert_non_null(strstr(out, "Usage:"));
		free(out);
	}
}

static void test_unknown_subcommand_is_usage_error(void **state)
{
	char *out = NULL;
	const char *args[] = {"frobnicate", NULL};
	assert_int_equal(h_cli(&out, args), 2);
	assert_non_null(strstr(out, "unknown command"));
	free(out);
}

static void test_invalid_setting_names_the_variable(void **state)
{
	setenv("JAWNOSC_MAX_BODY", "lots", 1);
	char *out = NULL;
	const char *args[] = {"serve", NULL};
	int rc = h_cli(&out, args);
	unsetenv("JAWNOSC_MAX_BODY");
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "JAWNOSC_MAX_BODY"));
	free(out);
}

static void test_config_prints_every_variable_and_masks_passwords(void **state)
{
	const char *saved = getenv("DATABASE_URL");
	char keep[512];
	snprintf(keep, sizeof keep, "%s", saved ? saved : "");
	unsetenv("JAWNOSC_LISTEN");
	setenv("DATABASE_URL", "postgresql://app:s3cret@db.example/jawnosc", 1);
	char *out = NULL;
	const char *args[] = {"config", NULL};
	assert_int_equal(h_cli(&out, args), 0);
	setenv("DATABASE_URL", keep, 1);
	assert_null(strstr(out, "s3cret"));
	assert_non_null(strstr(out, "JAWNOSC_LISTEN=127.0.0.1:8080"));
	assert_non_null(strstr(out, "DATABASE_URL=postgresql://app:***@db.example/jawnosc"));
	free(out);
}

/* A template syntax error names the file and line and stops start-up. */
static void test_template_syntax_error_names_file_and_line(void **state)
{
	char dir[] = "/tmp/jawnosc-tpl-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cmd[512];
	snprintf(cmd, sizeof cmd, "cp -r templates/. '%s'/ && printf '<h1>x</h1>\\n<p>\\n{{#open}}\\n' > '%s'/pages/home.html", dir, dir);
	assert_int_equal(system(cmd), 0);
	setenv("JAWNOSC_TEMPLATES", dir, 1);
	setenv("JAWNOSC_LISTEN", "127.0.0.1:0", 1);
	char *out = NULL;
	const char *args[] = {"serve", NULL};
	int rc = h_cli(&out, args);
	unsetenv("JAWNOSC_TEMPLATES");
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(rc, 1);
	if (!strstr(out, "pages/home.html:3"))
		fprintf(stderr, "got: %s\n", out);
	assert_non_null(strstr(out, "pages/home.html:3"));
	free(out);
}

static void test_serve_without_database_says_so(void **state)
{
	const char *saved = getenv("DATABASE_URL");
	char keep[512];
	snprintf(keep, sizeof keep, "%s", saved ? saved : "");
	setenv("DATABASE_URL", "postgresql:///no_such_database_here", 1);
	char *out = NULL;
	const char *args[] = {"serve", NULL};
	int rc = h_cli(&out, args);
	setenv("DATABASE_URL", keep, 1);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "cannot connect to the database"));
	free(out);
}

int main(void)
{
	h_setup_db("startup");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_help_lists_every_subcommand),
	    cmocka_unit_test(test_every_subcommand_has_help),
	    cmocka_unit_test(test_unknown_subcommand_is_usage_error),
	    cmocka_unit_test(test_invalid_setting_names_the_variable),
	    cmocka_unit_test(test_config_prints_every_variable_and_masks_passwords),
	    cmocka_unit_test(test_template_syntax_error_names_file_and_line),
	    cmocka_unit_test(test_serve_without_database_says_so),
	};
	int failed = cmocka_run_group_tests_name("startup", tests, NULL, NULL);
	h_teardown();
	return failed;
}
