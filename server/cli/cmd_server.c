/* SPDX-License-Identifier: EUPL-1.2 */
/* serve, migrate, config. */
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cases/jobs.h"
#include "cases/org.h"
#include "cases/search.h"
#include "cases/signature.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/cache.h"
#include "core/config.h"
#include "core/log.h"
#include "db/db.h"
#include "db/migrate.h"
#include "http/server.h"
#include "http/static.h"
#include "web/web.h"

/* Loads configuration and checks the database URL: shared first steps. */
static bool setup(bool need_db)
{
	char err[512];
	if (!config_load(err, sizeof err)) {
		fprintf(stderr, "jawnosc: %s\n", err);
		return false;
	}
	log_set_level(cfg.log_level);
	if (sodium_init() < 0) {
		fprintf(stderr, "jawnosc: libsodium cannot be initialised\n");
		return false;
	}
	if (need_db && !cfg.database_url[0]) {
		fprintf(stderr, "jawnosc: DATABASE_URL is not set (make run and make db set it for "
		                "the private cluster under var/)\n");
		return false;
	}
	db_set_url(cfg.database_url);
	return true;
}

/* The migrations in JAWNOSC_MIGRATIONS; false after saying why. */
static bool load_migrations(const char *cmd, struct migration_set *set)
{
	char err[1024];
	if (migrate_load(cfg.migrations_dir, set, err, sizeof err))
		return true;
	fprintf(stderr, "jawnosc %s: %s\n", cmd, err);
	return false;
}

/* A connection of its own to DATABASE_URL; NULL after saying why. */
static PGconn *connect_for(const char *cmd)
{
	char err[1024];
	PGconn *c = db_connect(cfg.database_url, err, sizeof err);
	if (!c)
		fprintf(stderr, "jawnosc %s: cannot connect to the database: %s\n", cmd, err);
	return c;
}

int cmd_config(int argc, char **argv)
{
	if (cli_help(argc, argv,
	             "Usage: jawnosc config\n\nPrints every setting with its effective value and "
	             "description.\nSettings are environment variables; unset ones take their "
	             "defaults."))
		return 0;
	if (!setup(false))
		return 1;
	config_print(stdout);
	return 0;
}

int cmd_migrate(int argc, char **argv)
{
	if (cli_help(argc, argv,
	             "Usage: jawnosc migrate\n\nApplies the migrations in JAWNOSC_MIGRATIONS "
	             "(NNNN_name.sql) that the database\nat DATABASE_URL does not have yet, in order, "
	             "each in its own transaction.\nA file changed after it was applied is an error. "
	             "Concurrent runs wait for each other."))
		return 0;
	struct migration_set set;
	if (!setup(true) || !load_migrations("migrate", &set))
		return 1;
	PGconn *c = connect_for("migrate");
	if (!c) {
		migrate_free(&set);
		return 1;
	}
	char err[1024];
	/* The search's dictionary: migration 0045 reads the setting; any run
	 * takes the dictionary once its files are installed (cases/search.h). */
	bool ok = search_migrate_prepare(c, cfg.search_dictionary) == DB_OK;
	if (!ok)
		snprintf(err, sizeof err, "%s", PQerrorMessage(c));
	ok = ok && migrate_apply(c, &set, stdout, err, sizeof err);
	ok = ok && search_migrate_finish(c, cfg.search_dictionary, stdout, err, sizeof err);
	if (!ok)
		fprintf(stderr, "jawnosc migrate: %s\n", err);
	PQfinish(c);
	migrate_free(&set);
	return ok ? 0 : 1;
}

/* serve refuses a database that is behind the code it runs. */
static bool database_current(const struct migration_set *set)
{
	PGconn *c = connect_for("serve");
	if (!c)
		return false;
	char err[1024];
	long pending = migrate_pending(c, set, err, sizeof err);
	if (pending == 0) {
		org_startup_note(c);
		search_startup_note(c);
	}
	PQfinish(c);
	if (pending < 0) {
		fprintf(stderr, "jawnosc serve: %s\n", err);
		return false;
	}
	if (pending > 0) {
		fprintf(stderr,
		        "jawnosc serve: the database is behind: %ld migration(s) not applied; "
		        "run 'jawnosc migrate' first\n",
		        pending);
		return false;
	}
	return true;
}

int cmd_serve(int argc, char **argv)
{
	if (cli_help(argc, argv,
	             "Usage: jawnosc serve\n\nServes HTTP on JAWNOSC_LISTEN until SIGTERM or SIGINT, "
	             "then finishes the\nrequests in flight and exits 0. Refuses to start when the "
	             "database is behind\nthe migrations. See 'jawnosc config' for every setting."))
		return 0;
	struct migration_set set;
	if (!setup(true) || !load_migrations("serve", &set))
		return 1;
	char err[1024];
	int rc = 1;
	char dir[1024];
	struct web_config wc = {.templates_dir = cfg.templates_dir, .migrations = &set};
	size_t bad_row;
	const char *why;
	if (!router_table_valid(web_routes, web_nroutes, &bad_row, &why)) {
		fprintf(stderr, "jawnosc serve: route %zu (%s): %s\n", bad_row,
		        web_routes[bad_row].pattern ? web_routes[bad_row].pattern : "?", why);
		goto out_set;
	}
	if (!database_current(&set))
		goto out_set;
	/* The trust roots for signed decisions: a bad path is a misconfiguration. */
	if (!signature_setup(err, sizeof err)) {
		fprintf(stderr, "jawnosc serve: %s\n", err);
		goto out_set;
	}
	if (!web_init(&wc, err, sizeof err)) {
		fprintf(stderr, "jawnosc serve: %s\n", err);
		goto out_set;
	}
	snprintf(dir, sizeof dir, "%s/static", cfg.templates_dir);
	if (!static_load(dir, err, sizeof err)) {
		fprintf(stderr, "jawnosc serve: %s\n", err);
		goto out_web;
	}
	/* Before any thread starts, so that only sigwait() sees the signals. */
	http_block_signals();
	/* The mail settings and the change listener, before any request. */
	if (!service_jobs_setup(err, sizeof err)) {
		fprintf(stderr, "jawnosc serve: %s\n", err);
		goto out_static;
	}
	/* What is kept between requests: on once the change listener hears. */
	cache_configure((size_t)cfg.page_cache_mb * 1024 * 1024);
	struct http_server_opts o = {
	    .routes = web_routes,
	    .nroutes = web_nroutes,
	    .listen = cfg.listen,
	    .threads = (unsigned)cfg.threads,
	    .max_body = (size_t)cfg.max_body,
	    .body_memory = (size_t)cfg.body_memory,
	    .max_header = (size_t)cfg.max_header,
	    .timeout = (unsigned)cfg.conn_timeout,
	    .max_connections = (unsigned)cfg.max_connections,
	    .max_per_ip = (unsigned)cfg.max_per_ip,
	    .header_timeout = (unsigned)cfg.header_timeout,
	    .trusted_proxy = cfg.trusted_proxy,
	    .shutdown_grace = (unsigned)cfg.shutdown_grace,
	    .access_log = cfg.access_log,
	    .error_page = web_error_page,
	    .authorize = web_authorize,
	    .begin = web_begin,
	};
	if (!http_server_start(&o, err, sizeof err)) {
		fprintf(stderr, "jawnosc serve: %s\n", err);
		goto out_jobs;
	}
	/* Links in reminders come from the configured base URL, known now that
	 * the server listens (the port may have been 0). */
	if (!service_jobs_start(web_base_url(), err, sizeof err)) {
		fprintf(stderr, "jawnosc serve: %s\n", err);
		/* HTTP is already up: stop it the usual way (the signal is blocked
		 * in this thread, so http_server_wait() takes it at once). */
		raise(SIGTERM);
		http_server_wait();
		goto out_jobs;
	}
	char host[128];
	snprintf(host, sizeof host, "%s", cfg.listen);
	char *colon = strrchr(host, ':');
	if (colon)
		*colon = '\0';
	printf("Jawność is serving on http://%s:%u/\n", host, http_server_port());
	fflush(stdout);
	log_info("listening on %s:%u", host, http_server_port());
	rc = http_server_wait() ? 0 : 1;
out_jobs:
	/* After the last request: the last visits and writes are told. */
	service_jobs_stop();
out_static:
	static_free();
out_web:
	web_shutdown();
out_set:
	signature_shutdown();
	migrate_free(&set);
	db_close();
	return rc;
}
