/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/caseview.h"
#include "cases/dashboard.h"
#include "cases/service.h"
#include "db/db.h"
#include "law/lifecycle.h"
#include "render/csv.h"

const struct stats_label stats_kinds[] = {
    {"public_information", "informacja publiczna"},
    {"reuse", "ponowne wykorzystywanie"},
    {NULL, NULL},
};

const struct stats_label stats_channels[] = {
    {"web", "formularz"},
    {"api", "API"},
    {"email", "e-mail"},
    {"post", "poczta"},
    {"epuap", "ePUAP / e-Doręczenia"},
    {"phone", "telefon"},
    {"in_person", "osobiście"},
    {NULL, NULL},
};

const char *stats_label_of(const struct stats_label *list, const char *id)
{
	for (; list->id; list++)
		if (!strcmp(list->id, id))
			return list->label;
	return id;
}

/* The cohort (requests received in the period) and each case's figures,
 * counted four ways and in total in one pass. */
static const char COHORT_SQL[] =
    "WITH c AS ("
    "  SELECT r.kind, r.channel, un.symbol AS unit, un.name AS unit_name,"
    "    CASE WHEN r.closed_on IS NOT NULL OR r.state IN ('appeal_pending', 'at_court')"
    "      THEN r.state ELSE 'open' END AS outcome,"
    "    (r.closed_on - r.received_on)::float8 AS days,"
    "    CASE WHEN r.closed_on IS NOT NULL OR r.state IN ('appeal_pending', 'at_court')"
    "      THEN r.answered_on_time END AS answer"
    "  FROM requests r JOIN units un ON un.id = r.unit_id"
    "  WHERE r.org_id = $1 AND r.received_on >= $2 AND r.received_on <= $3"
    "    AND ($4::bigint = 0 OR r.unit_id = $4)"
    ") "
    "SELECT GROUPING(kind), GROUPING(channel), GROUPING(outcome), GROUPING(unit),"
    "  kind, channel, outcome, unit, unit_name, count(*), count(days),"
    "  percentile_cont(0.5) WITHIN GROUP (ORDER BY days), count(answer),"
    "  count(*) FILTER (WHERE answer) "
    "FROM c GROUP BY GROUPING SETS ((kind), (channel), (outcome), (unit, unit_name), ()) "
    "ORDER BY 10 DESC, 8, 7";

/* Steps recorded in the cohort's cases: fee notices with their amounts
 * (checked before the cast, so a stray text never fails the report),
 * appeals and requests for reconsideration, court complaints. */
static const char EVENTS_SQL[] =
    "SELECT count(*) FILTER (WHERE e.action = 'fee_notice'),"
    "  coalesce(sum(CASE WHEN e.action = 'fee_notice'"
    "    AND e.data->>'amount' ~ '^[0-9]{1,7}([.,][0-9]{1,2})?$'"
    "    THEN replace(e.data->>'amount', ',', '.')::numeric END), 0)::numeric(14, 2)::text,"
    "  count(*) FILTER (WHERE e.action IN ('appeal', 'request_reconsideration')),"
    "  count(*) FILTER (WHERE e.action = 'court_complaint') "
    "FROM events e JOIN requests r ON r.id = e.request_id "
    "WHERE r.org_id = $1 AND r.received_on >= $2 AND r.received_on <= $3"
    "  AND ($4::bigint = 0 OR r.unit_id = $4)"
    "  AND e.action IN ('fee_notice', 'appeal', 'request_reconsideration', 'court_complaint')";

static long long num(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static json_t *labelled(const struct stats_label *list)
{
	json_t *a = json_array();
	for (; list->id; list++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:i}", "key", list->id, "label",
						   list->label, "count", 0));
	return a;
}

static void set_count(json_t *list, const char *key, const char *label, long long n)
{
	size_t i;
	json_t *it;
	json_array_foreach(list, i, it)
	{
		if (!strcmp(json_string_value(json_object_get(it, "key")), key)) {
			json_object_set_new(it, "count", json_integer(n));
			return;
		}
	}
	json_array_append_new(
	    list, json_pack("{s:s, s:s, s:I}", "key", key, "label", label, "count", (json_int_t)n));
}

static const char *outcome_label(const char *state)
{
	law_state_t s;
	if (!strcmp(state, "open"))
		return "w toku (niezakończone)";
	return law_state_from_id(state, &s) ? law_states[s].label : state;
}

static enum db_status cohort(PGconn *c, const char *const *p, json_t *doc)
{
	enum db_status st;
	PGresult *r = db_exec(c, &st, COHORT_SQL, 4, p);
	json_t *kinds = labelled(stats_kinds), *channels = labelled(stats_channels);
	json_t *outcomes = json_array(), *units = json_array();
	json_object_set_new(doc, "by_kind", kinds);
	json_object_set_new(doc, "by_channel", channels);
	json_object_set_new(doc, "by_outcome", outcomes);
	json_object_set_new(doc, "by_unit", units);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		long long n = num(r, i, 9);
		if (num(r, i, 0) == 0) {
			const char *k = PQgetvalue(r, i, 4);
			set_count(kinds, k, stats_label_of(stats_kinds, k), n);
		} else if (num(r, i, 1) == 0) {
			const char *k = PQgetvalue(r, i, 5);
			set_count(channels, k, stats_label_of(stats_channels, k), n);
		} else if (num(r, i, 2) == 0) {
			const char *k = PQgetvalue(r, i, 6);
			set_count(outcomes, k, outcome_label(k), n);
		} else if (num(r, i, 3) == 0) {
			set_count(units, PQgetvalue(r, i, 7), PQgetvalue(r, i, 8), n);
		} else {
			/* The grand total. */
			long long closed = num(r, i, 10), answered = num(r, i, 12),
				  met = num(r, i, 13);
			json_object_set_new(doc, "requests", json_integer(n));
			json_object_set_new(doc, "closed", json_integer(closed));
			json_object_set_new(doc, "answered", json_integer(answered));
			json_object_set_new(doc, "on_time", json_integer(met));
			json_object_set_new(doc, "on_time_rate",
					    answered ? json_real((double)met / (double)answered)
						     : json_null());
			json_object_set_new(doc, "median_days",
					    closed ? json_real(atof(PQgetvalue(r, i, 11)))
						   : json_null());
		}
	}
	PQclear(r);
	return st;
}

static enum db_status steps(PGconn *c, const char *const *p, json_t *doc)
{
	enum db_status st;
	PGresult *r = db_exec(c, &st, EVENTS_SQL, 4, p);
	if (st == DB_OK && PQntuples(r) == 1) {
		json_object_set_new(doc, "fee_notices", json_integer(num(r, 0, 0)));
		json_object_set_new(doc, "fees_total", json_string(PQgetvalue(r, 0, 1)));
		json_object_set_new(doc, "appeals", json_integer(num(r, 0, 2)));
		json_object_set_new(doc, "court_complaints", json_integer(num(r, 0, 3)));
	}
	PQclear(r);
	return st;
}

#define PERIOD_MAX_DAYS 3700 /* ten years and some */

/* The period as typed; false with a field error when it is not one. */
static bool period_of(const char *f, const char *t, law_date_t today, law_date_t *from,
		      law_date_t *to, struct problem *p)
{
	*from = (law_date_t){today.y, 1, 1};
	*to = today;
	bool from_ok = !(f && *f) || law_date_parse(f, from);
	bool to_ok = !(t && *t) || law_date_parse(t, to);
	if (!from_ok || !law_date_in_range(*from))
		problem_field(p, "od", "Podaj daty w formacie RRRR-MM-DD (lata 1990-2100).");
	else if (!to_ok || !law_date_in_range(*to))
		problem_field(p, "do", "Podaj daty w formacie RRRR-MM-DD (lata 1990-2100).");
	else if (law_date_cmp(*from, *to) > 0)
		problem_field(p, "do", "Początek okresu nie może być późniejszy niż jego koniec.");
	else if (law_date_diff(*from, *to) > PERIOD_MAX_DAYS)
		problem_field(p, "do", "Okres może obejmować najwyżej dziesięć lat.");
	else
		return true;
	return false;
}

enum outcome stats_load(const struct svc_ctx *ctx, const char *from_text, const char *to_text,
			json_t **out, struct problem *pr)
{
	*out = NULL;
	problem_set(pr, OUT_OK, NULL, NULL);
	law_date_t from, to;
	if (!period_of(from_text, to_text, caseview_today(ctx->now), &from, &to, pr))
		return OUT_INVALID;
	PGconn *c = svc_conn(pr);
	if (!c)
		return OUT_UNAVAILABLE;
	arena_t *a = ctx->arena;
	struct dash_scope s = dashboard_scope(ctx->who);
	char *f = arena_alloc(a, LAW_DATE_STRLEN), *t = arena_alloc(a, LAW_DATE_STRLEN);
	law_date_format(from, f);
	law_date_format(to, t);
	const char *p[4] = {arena_printf(a, "%lld", s.org_id), f, t,
			    arena_printf(a, "%lld", s.unit_id)};
	json_t *doc = json_pack("{s:{s:s, s:s}, s:i, s:i, s:i, s:i, s:n, s:n}", "period", "from", f,
				"to", t, "requests", 0, "closed", 0, "answered", 0, "on_time", 0,
				"on_time_rate", "median_days");
	enum db_status st = dashboard_scope_names(c, a, &s, doc);
	if (st == DB_OK)
		st = cohort(c, p, doc);
	if (st == DB_OK)
		st = steps(c, p, doc);
	if (st != DB_OK) {
		json_decref(doc);
		return svc_outcome(st, pr);
	}
	*out = doc;
	return OUT_OK;
}

/* ---- Writing it out --------------------------------------------------------- */

#define REAL_FORMAT "%.10g"

static const char *value_text(strbuf_t *tmp, const json_t *v)
{
	sb_reset(tmp);
	if (json_is_integer(v))
		sb_printf(tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		sb_printf(tmp, REAL_FORMAT, json_real_value(v));
	else if (json_is_string(v))
		sb_puts(tmp, json_string_value(v));
	else
		sb_puts(tmp, "");
	return tmp->data ? tmp->data : "";
}

static void row(strbuf_t *out, strbuf_t *tmp, const char *section, const char *key,
		const char *label, const json_t *v)
{
	const char *f[4] = {section, key, label, value_text(tmp, v)};
	csv_row(out, f, 4);
}

static const struct {
	const char *key, *label;
} totals[] = {
    {"closed", "Sprawy zakończone"},
    {"answered", "Sprawy załatwione w terminie lub po terminie (z terminem odpowiedzi)"},
    {"on_time", "Sprawy załatwione w terminie"},
    {"on_time_rate", "Odsetek spraw załatwionych w terminie (0-1)"},
    {"median_days", "Mediana czasu załatwienia (dni)"},
    {"fee_notices", "Powiadomienia o opłacie"},
    {"fees_total", "Opłaty ogółem (zł)"},
    {"appeals", "Odwołania i wnioski o ponowne rozpatrzenie"},
    {"court_complaints", "Skargi do sądu administracyjnego"},
};

void stats_csv(const json_t *doc, strbuf_t *out)
{
	strbuf_t tmp;
	sb_init(&tmp, out->arena);
	const char *head[4] = {"section", "key", "label", "value"};
	csv_row(out, head, 4);
	json_t *period = json_object_get(doc, "period");
	row(out, &tmp, "period", "from", "Początek okresu", json_object_get(period, "from"));
	row(out, &tmp, "period", "to", "Koniec okresu", json_object_get(period, "to"));
	row(out, &tmp, "requests", "", "Wnioski złożone w okresie",
	    json_object_get(doc, "requests"));
	static const struct {
		const char *member, *section;
	} lists[] = {{"by_kind", "kind"},
		     {"by_channel", "channel"},
		     {"by_outcome", "outcome"},
		     {"by_unit", "unit"}};
	for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(doc, lists[l].member), i, it)
		{
			row(out, &tmp, lists[l].section,
			    json_string_value(json_object_get(it, "key")),
			    json_string_value(json_object_get(it, "label")),
			    json_object_get(it, "count"));
		}
	}
	for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++)
		row(out, &tmp, totals[i].key, "", totals[i].label,
		    json_object_get(doc, totals[i].key));
	if (!out->arena)
		sb_free(&tmp);
}

void stats_json(const json_t *doc, strbuf_t *out)
{
	char *s = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(10));
	if (!s)
		oom();
	sb_puts(out, s);
	free(s);
}
