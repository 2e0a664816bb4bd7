/* SPDX-License-Identifier: EUPL-1.2 */
#include "cli/opts.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/config.h"
#include "db/db.h"

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

bool cli_help(int argc, char **argv, const char *usage)
{
	if (!cli_wants_help(argc, argv))
		return false;
	puts(usage);
	return true;
}

const char *cli_opt_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

bool cli_open_services(const char *prog, const char *cmd, arena_t *a, struct svc_ctx *ctx)
{
	char err[512];
	if (!config_load(err, sizeof err)) {
		fprintf(stderr, "jawnosc %s %s: %s\n", prog, cmd, err);
		return false;
	}
	if (!cfg.database_url[0]) {
		fprintf(stderr, "jawnosc %s %s: DATABASE_URL is not set\n", prog, cmd);
		return false;
	}
	db_set_url(cfg.database_url);
	*ctx = (struct svc_ctx){.arena = a, .now = clock_now()};
	return true;
}
