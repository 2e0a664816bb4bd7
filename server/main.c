/* SPDX-License-Identifier: EUPL-1.2 */
/* bin/jawnosc: one binary, one subcommand per task. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
    {"serve", cmd_serve, "serve HTTP and run the background jobs"},
    {"migrate", cmd_migrate, "apply the database migrations that are missing"},
    {"config", cmd_config, "print the effective configuration"},
    {"seed", cmd_seed, "load demo data (--demo)"},
    {"audit", cmd_audit, "verify the hash chain of the event log (verify), or a case package"},
    {"user", cmd_user, "manage staff accounts (add, passwd, disable, enable, list)"},
    {"org", cmd_org, "manage the public bodies (add, list, set)"},
    {"holidays", cmd_holidays, "list the Polish days off of a year"},
    {"deadline", cmd_deadline, "compute a statutory term (KPA art. 57) with its reasoning"},
    {"lifecycle", cmd_lifecycle, "print the lifecycle of a request as Markdown or Graphviz"},
    {"letter", cmd_letter, "letters and decisions: types, sample, render, docs, bench"},
    {"pdf", cmd_pdf, "redaction of PDFs: pages, text, page image, find, redact"},
    {"edoreczenia", cmd_edor, "e-Doręczenia: check the credentials, look up an address"},
    {"mailin", cmd_mailin, "store one e-mail message from standard input (an MTA's pipe)"},
    {"mail", cmd_mail, "inbound mail: unrouted, assign, parse, show"},
    {"export", cmd_export, "the case package for a court or an archive: case, year, category"},
};

static void usage(FILE *out)
{
	fputs("Usage: jawnosc COMMAND [OPTIONS]\n\n"
	      "Jawność: requests for public information and re-use, for Polish public bodies.\n\n"
	      "Commands:\n",
	      out);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fputs("\nRun 'jawnosc COMMAND --help' for a command's options.\n"
	      "Configuration comes from environment variables: see 'jawnosc config'.\n",
	      out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "jawnosc: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
