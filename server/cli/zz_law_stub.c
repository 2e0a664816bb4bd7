/* TEMPORARY: weak stand-ins until server/cli/cmd_law.c lands. */
#include <stdio.h>
#include "cli/cli.h"
__attribute__((weak)) int cmd_holidays(int argc, char **argv) { (void)argc; (void)argv; fputs("not yet\n", stderr); return 1; }
__attribute__((weak)) int cmd_deadline(int argc, char **argv) { (void)argc; (void)argv; fputs("not yet\n", stderr); return 1; }
__attribute__((weak)) int cmd_lifecycle(int argc, char **argv) { (void)argc; (void)argv; fputs("not yet\n", stderr); return 1; }
