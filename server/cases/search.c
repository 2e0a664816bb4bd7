/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/search.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"

const char *search_dictionary(PGconn *c)
{
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT CASE WHEN to_regproc('public.search_dictionary') IS NULL "
	                      "THEN 'unknown' WHEN search_dictionary() IS NULL THEN 'simple' "
	                      "ELSE 'polish' END",
	                      0, NULL);
	const char *v = "unknown";
	if (st == DB_OK && PQntuples(r) == 1)
		v = !strcmp(PQgetvalue(r, 0, 0), "polish")   ? "polish"
		    : !strcmp(PQgetvalue(r, 0, 0), "simple") ? "simple"
		                                             : "unknown";
	PQclear(r);
	return v;
}

static const char *want_of(const char *want)
{
	return want && !strcmp(want, "off") ? "off" : "auto";
}

enum db_status search_migrate_prepare(PGconn *c, const char *want)
{
	const char *p[1] = {want_of(want)};
	enum db_status st;
	PQclear(db_exec(c, &st, "SELECT set_config('jawnosc.search_dictionary', $1, false)", 1, p));
	return st;
}

bool search_migrate_finish(PGconn *c, const char *want, FILE *log, char *err, size_t errlen)
{
	const char *before = search_dictionary(c);
	if (!strcmp(before, "unknown"))
		return true; /* migrations without the search's */
	const char *p[1] = {want_of(want)};
	enum db_status st;
	PGresult *r = db_exec(c, &st, "SELECT search_dictionary_setup($1)", 1, p);
	bool ok = st == DB_OK && PQntuples(r) == 1;
	if (!ok)
		snprintf(err, errlen, "search: %s", PQresultErrorMessage(r));
	const char *now = ok ? PQgetvalue(r, 0, 0) : "";
	if (ok && log && !strcmp(now, "polish"))
		fprintf(log, "search: Polish dictionary (jawnosc_pl_ispell, from hunspell-pl)%s\n",
		        strcmp(before, now) ? "; every search vector was made again" : "");
	else if (ok && log)
		fprintf(log,
		        "search: without the Polish dictionary (unaccent and simple only: no "
		        "inflection)%s%s\n",
		        !strcmp(p[0], "off") ? ", as JAWNOSC_SEARCH_DICTIONARY=off asks"
		                             : "; install hunspell-pl, run deploy/search-dict.sh as "
		                               "root, then jawnosc migrate again",
		        strcmp(before, now) ? "; every search vector was made again" : "");
	PQclear(r);
	return ok;
}

void search_startup_note(PGconn *c)
{
	if (!strcmp(search_dictionary(c), "simple"))
		log_warn("search: without the Polish dictionary (unaccent and simple only: \"umowy\" "
		         "does not find \"umów\"); install hunspell-pl, run deploy/search-dict.sh as "
		         "root, then 'jawnosc migrate'");
}
