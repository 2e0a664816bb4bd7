/* SPDX-License-Identifier: EUPL-1.2 */
/* Small helpers shared by the subcommands. */
#ifndef JAWNOSC_CLI_OPTS_H
#define JAWNOSC_CLI_OPTS_H

#include <stdbool.h>

#include "cases/context.h"
#include "core/arena.h"

/* True when argv holds --help or -h; the caller prints its usage. */
bool cli_wants_help(int argc, char **argv);
/* True after putting `usage` on stdout when argv holds --help or -h. */
bool cli_help(int argc, char **argv, const char *usage);

/* "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i past it. NULL
 * when argv[*i] is not this option; *missing when it lacks its value. */
const char *cli_opt_value(int argc, char **argv, int *i, const char *name, bool *missing);

/* Loads the settings, points this thread's connection (db_conn(), which
 * the services take) at DATABASE_URL and fills the services' context with
 * `a` and the clock. False after saying why on stderr, as "jawnosc PROG
 * CMD: ...". */
bool cli_open_services(const char *prog, const char *cmd, arena_t *a, struct svc_ctx *ctx);

#endif
