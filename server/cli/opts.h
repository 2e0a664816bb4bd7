/* Small helpers shared by the subcommands. */
#ifndef JAWNOSC_CLI_OPTS_H
#define JAWNOSC_CLI_OPTS_H

#include <stdbool.h>

/* True when argv holds --help or -h; the caller prints its usage. */
bool cli_wants_help(int argc, char **argv);

#endif
