/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/accessibility.h"

#include <stdio.h>
#include <string.h>

#include "cases/org.h"
#include "law/date.h"
#include "law/warsaw.h"

/* The statuses of art. 10 ust. 2: the site is compliant, partly
 * compliant or not compliant with the act (migration 0050's check). */
static const struct {
	const char *id, *label;
} statuses[] = {
    {"zgodna", "zgodna"},
    {"czesciowo_zgodna", "częściowo zgodna"},
    {"niezgodna", "niezgodna"},
};

const char *a11y_status_label(const char *status)
{
	for (size_t i = 0; status && i < sizeof statuses / sizeof statuses[0]; i++)
		if (!strcmp(statuses[i].id, status))
			return statuses[i].label;
	return "";
}

/* `v` unless it is empty, else `fallback`. */
static const char *or(const char *v, const char *fallback)
{
	return v && *v ? v : fallback;
}

/* The day the body was set up in Jawność, in Warsaw: the site's first day. */
static const char *created_on(arena_t *a, const struct org *o)
{
	law_date_t d;
	char s[LAW_DATE_STRLEN] = "";
	if (law_warsaw_date(o->created_unix, &d))
		law_date_format(d, s);
	return arena_strdup(a, s);
}

enum db_status a11y_read(PGconn *c, arena_t *a, const struct org *o, const char *site,
                         struct a11y_declaration *out, bool *found)
{
	memset(out, 0, sizeof *out);
	*found = false;
	char id[24];
	snprintf(id, sizeof id, "%lld", o->id);
	const char *p[1] = {id};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT a11y_url, coalesce(to_char(a11y_published_on, 'YYYY-MM-DD'), ''), "
	                      "coalesce(to_char(a11y_updated_on, 'YYYY-MM-DD'), ''), "
	                      "coalesce(to_char(a11y_prepared_on, 'YYYY-MM-DD'), ''), "
	                      "coalesce(to_char(a11y_reviewed_on, 'YYYY-MM-DD'), ''), a11y_status, "
	                      "a11y_nonaccessible, a11y_exemption, a11y_burden_url, a11y_method, "
	                      "a11y_auditor, a11y_contact_name, a11y_contact_email, a11y_contact_phone, "
	                      "a11y_architecture, a11y_apps "
	                      "FROM register_accessibility WHERE org_id = $1",
	                      1, p);
	if (st == DB_OK && PQntuples(r) == 1) {
		*found = true;
#define V(i) arena_strdup(a, PQgetvalue(r, 0, (i)))
		out->url = or(V(0), site);
		out->published_on = or(V(1), created_on(a, o));
		out->updated_on = or(V(2), out->published_on);
		out->prepared_on = or(V(3), out->updated_on);
		out->reviewed_on = or(V(4), out->prepared_on);
		out->status = V(5);
		out->status_label = a11y_status_label(out->status);
		out->nonaccessible = V(6);
		out->exemption = V(7);
		out->burden_url = V(8);
		out->third_party = !strcmp(PQgetvalue(r, 0, 9), "podmiot_zewnetrzny");
		out->auditor = V(10);
		out->contact_name = V(11);
		out->contact_email = or(V(12), o->email);
		out->contact_phone = or(V(13), o->phone);
		out->architecture = V(14);
		out->apps = V(15);
#undef V
	}
	PQclear(r);
	return st;
}
