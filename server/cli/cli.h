/* SPDX-License-Identifier: EUPL-1.2 */
/* Subcommands of bin/jawnosc. Each takes the arguments after its own name
 * (argv[0] is the subcommand name), prints its own --help, and returns the
 * process exit code: 0 success, 1 failure, 2 bad usage. */
#ifndef JAWNOSC_CLI_CLI_H
#define JAWNOSC_CLI_CLI_H

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_holidays(int argc, char **argv);
int cmd_deadline(int argc, char **argv);
int cmd_lifecycle(int argc, char **argv);
int cmd_seed(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_org(int argc, char **argv);
int cmd_letter(int argc, char **argv);
int cmd_pdf(int argc, char **argv);
int cmd_edor(int argc, char **argv);
int cmd_mailin(int argc, char **argv);
int cmd_mail(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
