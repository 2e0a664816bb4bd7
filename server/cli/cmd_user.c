/* SPDX-License-Identifier: EUPL-1.2 */
/* user add | passwd | disable | enable | list: staff accounts. Passwords
 * come from standard input (the first line; typed without echo on a
 * terminal), never from the command line, where other users of the machine
 * could read them. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cases/auth.h"
#include "cases/users.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/clock.h"
#include "core/config.h"
#include "db/db.h"
#include "core/utf8.h"

static const char usage_all[] =
    "Usage: jawnosc user COMMAND [OPTIONS]\n\n"
    "Staff accounts of the panel. Commands:\n"
    "  add EMAIL --org SLUG --role ROLE [--name NAME] [--position TEXT] [--unit SYMBOL]\n"
    "  passwd EMAIL\n"
    "  disable EMAIL\n"
    "  enable EMAIL\n"
    "  list [--org SLUG]\n\n"
    "Run 'jawnosc user COMMAND --help' for the details of one.\n";

static const char usage_add[] =
    "Usage: jawnosc user add EMAIL --org SLUG --role clerk|manager|admin|iod\n"
    "                        [--name \"Full Name\"] [--position TEXT] [--unit SYMBOL]\n\n"
    "Adds a staff account to the organisation SLUG. The password is the first line\n"
    "of standard input (at least 12 characters), e.g.\n"
    "  printf '%s\\n' \"$PASSWORD\" | jawnosc user add anna@urzad.example --org mon --role clerk\n"
    "On a terminal it is asked for twice, without echo.\n"
    "Roles: clerk works cases, manager also sees the dashboards, admin also manages\n"
    "the organisation. --unit limits the account to one unit; without it the account\n"
    "covers the whole organisation. --name defaults to the e-mail address.\n";

static const char usage_passwd[] =
    "Usage: jawnosc user passwd EMAIL\n\n"
    "Sets a new password, read from standard input like 'user add', and ends every\n"
    "session of the account.\n";

static const char usage_disable[] =
    "Usage: jawnosc user disable EMAIL\n\n"
    "Disables the account: it can no longer sign in, and every session it has ends now.\n";

static const char usage_enable[] =
    "Usage: jawnosc user enable EMAIL\n\n"
    "Enables a disabled account again (with the password it had).\n";

static const char usage_list[] =
    "Usage: jawnosc user list [--org SLUG]\n\n"
    "Lists the staff accounts (of one organisation with --org): e-mail, name, role,\n"
    "organisation, unit and whether the account is disabled.\n";

/* ---- Arguments ---- */

struct opt {
	const char *name; /* "--org" */
	const char **value;
};

/* Parses `--name VALUE` / `--name=VALUE` options and up to `npos`
 * positional arguments (argv[0] is the subcommand). False after printing
 * the problem. */
static bool parse_args(int argc, char **argv, const struct opt *opts, size_t nopts,
                       const char **pos, int npos, int *got)
{
	*got = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0) {
			if (*got == npos) {
				fprintf(stderr, "jawnosc user %s: unexpected argument '%s'\n", argv[0], a);
				return false;
			}
			pos[(*got)++] = a;
			continue;
		}
		const struct opt *o = NULL;
		const char *eq = strchr(a, '=');
		size_t n = eq ? (size_t)(eq - a) : strlen(a);
		for (size_t k = 0; k < nopts; k++)
			if (strlen(opts[k].name) == n && !strncmp(opts[k].name, a, n))
				o = &opts[k];
		if (!o) {
			fprintf(stderr, "jawnosc user %s: unknown option '%.*s'\n", argv[0], (int)n, a);
			return false;
		}
		if (eq) {
			*o->value = eq + 1;
		} else if (i + 1 < argc) {
			*o->value = argv[++i];
		} else {
			fprintf(stderr, "jawnosc user %s: %s needs a value\n", argv[0], o->name);
			return false;
		}
	}
	return true;
}

/* Text for a column of the database: valid UTF-8 without control characters. */
static bool clean_text(const char *what, const char *s)
{
	if (!s)
		return true;
	bool ok = utf8_valid(s, strlen(s));
	for (const unsigned char *p = (const unsigned char *)s; ok && *p; p++)
		ok = *p >= 0x20 && *p != 0x7f;
	if (!ok)
		fprintf(stderr, "jawnosc user: %s must be UTF-8 text without control characters\n", what);
	return ok;
}

static bool check_email(const char *cmd, const char *email)
{
	if (users_email_valid(email))
		return true;
	fprintf(stderr, "jawnosc user %s: '%s' is not an e-mail address\n", cmd, email ? email : "");
	return false;
}

/* ---- The password ---- */

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* One line of standard input into buf, without its line end. */
static bool read_line(char *buf, size_t len, bool echo_off)
{
	struct termios old, quiet;
	bool tty = echo_off && tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	bool ok = fgets(buf, (int)len, stdin) != NULL;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!ok)
		return false;
	size_t n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (n == len - 1)
		return false; /* longer than the buffer */
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return true;
}

/* Reads and checks the new password, and hashes it into hash. */
static bool read_password(const char *cmd, char hash[AUTH_HASH_LEN])
{
	char pw[AUTH_PASSWORD_MAX + 2], again[AUTH_PASSWORD_MAX + 2];
	bool tty = isatty(STDIN_FILENO);
	bool ok = false;
	if (tty)
		fputs("New password: ", stderr);
	if (!read_line(pw, sizeof pw, tty)) {
		fprintf(stderr,
		        "jawnosc user %s: no password on standard input (or longer than %d bytes)\n",
		        cmd, AUTH_PASSWORD_MAX);
		goto out;
	}
	if (!*pw) {
		fprintf(stderr, "jawnosc user %s: the password is empty\n", cmd);
		goto out;
	}
	if (!utf8_valid(pw, strlen(pw))) {
		fprintf(stderr, "jawnosc user %s: the password is not valid UTF-8\n", cmd);
		goto out;
	}
	if (utf8_chars(pw) < AUTH_PASSWORD_MIN) {
		fprintf(stderr, "jawnosc user %s: the password must have at least %d characters\n", cmd,
		        AUTH_PASSWORD_MIN);
		goto out;
	}
	if (tty) {
		fputs("Repeat it: ", stderr);
		if (!read_line(again, sizeof again, true) || strcmp(pw, again) != 0) {
			fprintf(stderr, "jawnosc user %s: the passwords differ\n", cmd);
			goto out;
		}
	}
	ok = auth_password_hash(pw, hash);
	if (!ok)
		fprintf(stderr, "jawnosc user %s: not enough memory to hash the password\n", cmd);
out:
	sodium_memzero(pw, sizeof pw);
	sodium_memzero(again, sizeof again);
	return ok;
}

/* ---- Database ---- */

/* The message for a failed service call; returns the exit code. */
static int report(const char *cmd, enum outcome o, const struct problem *p, const char *email,
                  const char *org, const char *unit)
{
	switch (o) {
	case OUT_OK:
		return 0;
	case OUT_NOT_FOUND:
		fprintf(stderr, "jawnosc user %s: no user with e-mail %s\n", cmd, email);
		break;
	case OUT_INVALID:
		if (problem_field_message(p, "org"))
			fprintf(stderr, "jawnosc user %s: no organisation with slug '%s'\n", cmd, org);
		else
			fprintf(stderr, "jawnosc user %s: organisation '%s' has no unit '%s'\n", cmd, org,
			        unit);
		break;
	case OUT_CONFLICT:
		fprintf(stderr, "jawnosc user %s: a user with e-mail %s already exists\n", cmd, email);
		break;
	case OUT_UNAVAILABLE:
		fprintf(stderr, "jawnosc user %s: the database cannot be reached\n", cmd);
		break;
	default:
		fprintf(stderr, "jawnosc user %s: database error\n", cmd);
		break;
	}
	return 1;
}

/* ---- Subcommands ---- */

static int user_add(int argc, char **argv)
{
	const char *org = NULL, *role = NULL, *name = NULL, *position = NULL, *unit = NULL;
	const char *email = NULL;
	const struct opt opts[] = {{"--org", &org},       {"--role", &role}, {"--name", &name},
	                           {"--position", &position}, {"--unit", &unit}};
	int got;
	if (!parse_args(argc, argv, opts, sizeof opts / sizeof opts[0], &email, 1, &got))
		return 2;
	if (!got || !org || !role) {
		fputs(usage_add, stderr);
		return 2;
	}
	if (!check_email("add", email))
		return 2;
	if (!users_role_valid(role)) {
		fprintf(stderr, "jawnosc user add: unknown role '%s': expected clerk, manager, admin or iod\n",
		        role);
		return 2;
	}
	if (!clean_text("--name", name) || !clean_text("--position", position) ||
	    !clean_text("--unit", unit) || !clean_text("--org", org))
		return 2;
	if ((name && strlen(name) > 200) || (position && strlen(position) > 200)) {
		fprintf(stderr, "jawnosc user add: --name and --position take at most 200 bytes\n");
		return 2;
	}
	char hash[AUTH_HASH_LEN];
	if (!read_password("add", hash))
		return 1;
	arena_t *a = arena_new(4096);
	struct svc_ctx ctx;
	struct problem p;
	struct users_new u = {email, org, role, name, position, unit, hash};
	int rc = cli_open_services("user", "add", a, &ctx)
	             ? report("add", users_add(&ctx, &u, &p), &p, email, org, unit)
	             : 1;
	sodium_memzero(hash, sizeof hash);
	db_close();
	arena_free(a);
	if (rc == 0)
		printf("user %s added to %s as %s\n", email, org, role);
	return rc;
}

static int user_passwd(int argc, char **argv)
{
	const char *email = NULL;
	int got;
	if (!parse_args(argc, argv, NULL, 0, &email, 1, &got))
		return 2;
	if (!got) {
		fputs(usage_passwd, stderr);
		return 2;
	}
	if (!check_email("passwd", email))
		return 2;
	char hash[AUTH_HASH_LEN];
	if (!read_password("passwd", hash))
		return 1;
	arena_t *a = arena_new(4096);
	struct svc_ctx ctx;
	struct problem p;
	int rc = cli_open_services("user", "passwd", a, &ctx)
	             ? report("passwd", users_set_password(&ctx, email, hash, &p), &p, email, NULL, NULL)
	             : 1;
	sodium_memzero(hash, sizeof hash);
	db_close();
	arena_free(a);
	if (rc == 0)
		printf("password of %s changed; its sessions have ended\n", email);
	return rc;
}

static int set_disabled(int argc, char **argv, bool disabled)
{
	const char *cmd = argv[0], *email = NULL;
	int got;
	if (!parse_args(argc, argv, NULL, 0, &email, 1, &got))
		return 2;
	if (!got) {
		fputs(disabled ? usage_disable : usage_enable, stderr);
		return 2;
	}
	if (!check_email(cmd, email))
		return 2;
	arena_t *a = arena_new(4096);
	struct svc_ctx ctx;
	struct problem p;
	int rc = cli_open_services("user", cmd, a, &ctx)
	             ? report(cmd, users_set_disabled(&ctx, email, disabled, &p), &p, email, NULL, NULL)
	             : 1;
	db_close();
	arena_free(a);
	if (rc == 0 && disabled)
		printf("user %s disabled; its sessions have ended\n", email);
	else if (rc == 0)
		printf("user %s enabled\n", email);
	return rc;
}

static int user_disable(int argc, char **argv)
{
	return set_disabled(argc, argv, true);
}

static int user_enable(int argc, char **argv)
{
	return set_disabled(argc, argv, false);
}

/* Pads to `width` characters (not bytes: names are Polish). */
static void cell(const char *s, size_t width, bool last)
{
	fputs(s, stdout);
	if (last) {
		putchar('\n');
		return;
	}
	for (size_t n = utf8_chars(s); n < width + 2; n++)
		putchar(' ');
}

static int user_list(int argc, char **argv)
{
	const char *org = NULL;
	const struct opt opts[] = {{"--org", &org}};
	int got;
	if (!parse_args(argc, argv, opts, 1, NULL, 0, &got))
		return 2;
	arena_t *a = arena_new(16 * 1024);
	struct svc_ctx ctx;
	struct problem p;
	struct users_row *rows = NULL;
	size_t n = 0;
	int rc = cli_open_services("user", "list", a, &ctx)
	             ? report("list", users_list(&ctx, org, &rows, &n, &p), &p, NULL, org, NULL)
	             : 1;
	db_close();
	if (rc == 0) {
		static const char *const head[6] = {"EMAIL", "NAME", "ROLE", "ORG", "UNIT", "STATUS"};
		size_t w[6];
		for (int k = 0; k < 6; k++)
			w[k] = strlen(head[k]);
		for (size_t i = 0; i < n; i++) {
			const char *v[5] = {rows[i].email, rows[i].name, rows[i].role, rows[i].org_slug,
			                    rows[i].unit_symbol};
			for (int k = 0; k < 5; k++)
				if (utf8_chars(v[k]) > w[k])
					w[k] = utf8_chars(v[k]);
		}
		for (int k = 0; k < 6; k++)
			cell(head[k], w[k], k == 5);
		for (size_t i = 0; i < n; i++) {
			const char *v[6] = {rows[i].email,    rows[i].name,
			                    rows[i].role,     rows[i].org_slug,
			                    *rows[i].unit_symbol ? rows[i].unit_symbol : "-",
			                    rows[i].disabled ? "disabled" : "active"};
			for (int k = 0; k < 6; k++)
				cell(v[k], w[k], k == 5);
		}
	}
	arena_free(a);
	return rc;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} subcommands[] = {
    {"add", user_add, usage_add},
    {"passwd", user_passwd, usage_passwd},
    {"disable", user_disable, usage_disable},
    {"enable", user_enable, usage_enable},
    {"list", user_list, usage_list},
};

int cmd_user(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		bool help = cli_wants_help(argc, argv);
		fputs(usage_all, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++) {
		if (strcmp(argv[1], subcommands[i].name) != 0)
			continue;
		if (cli_wants_help(argc - 1, argv + 1)) {
			fputs(subcommands[i].usage, stdout);
			return 0;
		}
		if (sodium_init() < 0) {
			fprintf(stderr, "jawnosc user: libsodium cannot be initialised\n");
			return 1;
		}
		return subcommands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "jawnosc user: unknown command '%s'\n\n%s", argv[1], usage_all);
	return 2;
}
