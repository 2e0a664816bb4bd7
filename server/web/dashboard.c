/* SPDX-License-Identifier: EUPL-1.2 */
/* The manager's pages: the dashboard (/panel/pulpit) with its figures,
 * lists, workload and charts, and the statistics of a period
 * (/panel/statystyki, .csv, .json). A manager with a unit sees that unit,
 * one without a unit the whole organisation. Every figure links to the
 * clerk's queue filtered to the same cases. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/dashboard.h"
#include "cases/inbox.h"
#include "cases/stats.h"
#include "law/calendar.h"
#include "render/svg.h"
#include "render/tmpl.h"
#include "web/outcome.h"
#include "web/scache.h"
#include "web/web.h"

/* ---- Links to the queue ----------------------------------------------------- */

/* "/panel?<filter>" narrowed to the manager's unit. */
static const char *queue_url(http_req_t *req, const struct dash_scope *s, const char *filter)
{
	if (s->unit_id)
		return arena_printf(req->arena, "/panel?%s%skomorka=%lld", filter,
				    *filter ? "&" : "", s->unit_id);
	return arena_printf(req->arena, "/panel%s%s", *filter ? "?" : "", filter);
}

static const struct {
	const char *key, *label, *filter;
	bool alert; /* shown as a warning when not zero */
} figures[] = {
    {"overdue", "Po terminie", "termin=po", true},
    {"today", "Termin dziś", "od=0&termin=0", true},
    {"next1", "W ciągu 1 dnia roboczego", "od=1&termin=1", false},
    {"next3", "W ciągu 3 dni roboczych", "od=1&termin=3", false},
    {"next5", "W ciągu 5 dni roboczych", "od=1&termin=5", false},
};

static json_t *figure(http_req_t *req, const struct dash_scope *s, const char *key,
		      const char *label, long long count, const char *filter, bool alert)
{
	return json_pack("{s:s, s:s, s:I, s:s, s:b}", "key", key, "label", label, "count",
			 (json_int_t)count, "url", queue_url(req, s, filter), "alert",
			 alert && count > 0);
}

static long long count_of(json_t *doc, const char *a, const char *b)
{
	json_t *v = json_object_get(doc, a);
	return json_integer_value(b ? json_object_get(v, b) : v);
}

static void add_figures(http_req_t *req, const struct dash_scope *s, json_t *doc)
{
	json_t *list = json_array(), *deadlines = json_object_get(doc, "deadlines");
	for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++)
		json_array_append_new(list, figure(req, s, figures[i].key, figures[i].label,
						   count_of(deadlines, figures[i].key, "count"),
						   figures[i].filter, figures[i].alert));
	json_object_set_new(doc, "figures", list);
	json_t *more = json_array();
	json_array_append_new(more, figure(req, s, "waiting", "Czeka na wnioskodawcę",
					   count_of(doc, "waiting", "count"), "oczekuje=1", false));
	json_array_append_new(more, figure(req, s, "remedies", "Odwołania i skargi w toku",
					   count_of(doc, "remedies", "count"), "srodki=1", false));
	/* The drafts not issued yet: a step waits for each (issue 21 item 1). */
	long long drafts = count_of(doc, "drafts", "count");
	json_array_append_new(
	    more, json_pack("{s:s, s:s, s:I, s:s, s:b}", "key", "drafts", "label",
			    "Pisma do wystawienia", "count", (json_int_t)drafts, "url",
			    s->unit_id ? arena_printf(req->arena, "/panel/pisma?stan=projekt&komorka=%lld",
						      s->unit_id)
				       : "/panel/pisma?stan=projekt",
			    "alert", drafts > 0));
	json_object_set_new(doc, "figures_more", more);
	json_object_set_new(json_object_get(doc, "waiting"), "url",
			    json_string(queue_url(req, s, "oczekuje=1")));
	json_object_set_new(json_object_get(doc, "remedies"), "url",
			    json_string(queue_url(req, s, "srodki=1")));
}

/* Each workload row gets links to its open, due-soon and overdue cases. */
static void add_workload_links(http_req_t *req, const struct dash_scope *s, json_t *doc)
{
	json_t *w = json_object_get(doc, "workload");
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(w, "clerks"), i, row)
	{
		json_int_t id = json_integer_value(json_object_get(row, "id"));
		const char *base =
		    id ? arena_printf(req->arena, "prowadzi=%" JSON_INTEGER_FORMAT, id)
		       : "moje=brak";
		if (!id)
			json_object_set_new(row, "name", json_string("nieprzydzielone"));
		json_object_set_new(row, "url_open", json_string(queue_url(req, s, base)));
		json_object_set_new(
		    row, "url_soon",
		    json_string(
			queue_url(req, s, arena_printf(req->arena, "%s&od=0&termin=3", base))));
		json_object_set_new(
		    row, "url_overdue",
		    json_string(queue_url(req, s, arena_printf(req->arena, "%s&termin=po", base))));
	}
	json_array_foreach(json_object_get(w, "units"), i, row)
	{
		/* The unit's own link: komorka is the filter itself. */
		struct dash_scope unit = {s->org_id,
					  json_integer_value(json_object_get(row, "id"))};
		json_object_set_new(row, "url_open", json_string(queue_url(req, &unit, "")));
		json_object_set_new(row, "url_soon",
				    json_string(queue_url(req, &unit, "od=0&termin=3")));
		json_object_set_new(row, "url_overdue",
				    json_string(queue_url(req, &unit, "termin=po")));
	}
	json_object_set_new(doc, "has_workload",
			    json_boolean(json_array_size(json_object_get(w, "clerks")) > 0));
}

/* ---- Charts ------------------------------------------------------------------ */

static const char *const month_abbr[] = {"sty", "lut", "mar", "kwi", "maj", "cze",
					 "lip", "sie", "wrz", "paź", "lis", "gru"};

/* 7.5 -> "7,5"; NaN -> "—" (Polish decimal comma in tables). */
static const char *decimal(http_req_t *req, double v, const char *unit)
{
	if (isnan(v))
		return "—";
	char *s = fabs(v - round(v)) < 0.05 ? arena_printf(req->arena, "%.0f%s", round(v), unit)
					    : arena_printf(req->arena, "%.1f%s", v, unit);
	char *dot = strchr(s, '.');
	if (dot)
		*dot = ',';
	return s;
}

static double real_or_nan(json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : NAN;
}

struct chart_data {
	int n;
	const char *labels[SVG_LABELS_MAX];
	const char *long_labels[SVG_LABELS_MAX];
	struct svg_series series[SVG_SERIES_MAX];
	double values[SVG_SERIES_MAX][SVG_LABELS_MAX];
	/* The queue showing the cases a value counts; NULL: no such filter. */
	const char *hrefs[SVG_SERIES_MAX][SVG_LABELS_MAX];
	int nseries;
};

/* The block the template shows: heading, the SVG, and the same figures as
 * a table (columns: one per series). */
static json_t *chart_block(http_req_t *req, const char *id, const char *title, const char *desc,
			   const char *first_col, struct chart_data *d, const char *unit,
			   double max, void (*draw)(strbuf_t *, const struct svg_chart *))
{
	for (int s = 0; s < d->nseries; s++) {
		d->series[s].values = d->values[s];
		d->series[s].hrefs = d->hrefs[s];
	}
	struct svg_chart c = {id,	 title, desc, d->labels, d->n, d->series, d->nseries,
			      unit, max,	 "pokaż te sprawy w kolejce"};
	strbuf_t svg;
	sb_init(&svg, req->arena);
	draw(&svg, &c);
	json_t *head = json_pack("[s]", first_col), *rows = json_array();
	for (int s = 0; s < d->nseries; s++)
		json_array_append_new(head, json_string(d->series[s].name));
	for (int i = 0; i < d->n; i++) {
		json_t *cells = json_array();
		for (int s = 0; s < d->nseries; s++) {
			json_t *cell = json_pack("{s:s}", "text",
						 decimal(req, d->values[s][i], unit ? unit : ""));
			if (d->hrefs[s][i])
				json_object_set_new(cell, "url", json_string(d->hrefs[s][i]));
			json_array_append_new(cells, cell);
		}
		json_array_append_new(
		    rows, json_pack("{s:s, s:o}", "label", d->long_labels[i], "cells", cells));
	}
	return json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:o}", "id", id, "title", title, "desc",
			 desc, "svg", tmpl_safe(svg.data), "caption",
			 arena_printf(req->arena, "%s — dane wykresu", title), "head", head, "rows",
			 rows);
}

static void month_labels(http_req_t *req, json_t *months, struct chart_data *d)
{
	size_t i;
	json_t *m;
	d->n = 0;
	json_array_foreach(months, i, m)
	{
		if (d->n >= SVG_LABELS_MAX)
			break;
		int year = (int)json_integer_value(json_object_get(m, "year"));
		int number = (int)json_integer_value(json_object_get(m, "number"));
		if (number < 1 || number > 12)
			number = 1;
		d->labels[d->n] =
		    arena_printf(req->arena, "%s %02d", month_abbr[number - 1], year % 100);
		d->long_labels[d->n] =
		    arena_printf(req->arena, "%s %d", law_month_name(number), year);
		d->n++;
	}
}

/* The series of the month charts: members of each month row (dashboard.h). */
static const struct stats_label days_series[] = {
    {"median_days", "mediana (dni)"}, {"p90_days", "90. percentyl (dni)"}, {NULL, NULL}};
static const struct stats_label on_time_series[] = {{"on_time_pct", "załatwione w terminie (%)"},
						    {NULL, NULL}};

static const struct {
	const char *id, *title, *desc;
	const struct stats_label *series;
	const char *unit;
	double max;
	void (*draw)(strbuf_t *, const struct svg_chart *);
	/* The queue's filter for a series' id (rodzaj=, kanal=): each bar then
	 * links to the cases it counts, received in its month in any state.
	 * NULL: the queue has no filter for what the chart counts (cases
	 * closed in a month). */
	const char *filter;
} month_charts[] = {
    {"wykres-rodzaj", "Wnioski złożone w miesiącu według rodzaju",
     "Słupki: liczba wniosków złożonych w każdym z ostatnich 12 miesięcy, z podziałem na wnioski "
     "o informację publiczną i o ponowne wykorzystywanie.",
     stats_kinds, NULL, 0, svg_bar_chart, "rodzaj"},
    {"wykres-kanal", "Wnioski złożone w miesiącu według kanału",
     "Słupki: liczba wniosków złożonych w każdym z ostatnich 12 miesięcy, z podziałem na drogę, "
     "którą wpłynęły.",
     stats_channels, NULL, 0, svg_bar_chart, "kanal"},
    {"wykres-czas", "Czas załatwienia spraw zakończonych w miesiącu",
     "Linie: mediana i 90. percentyl liczby dni od wpływu wniosku do zakończenia sprawy, dla "
     "spraw zakończonych w każdym z ostatnich 12 miesięcy; brak punktu: w danym miesiącu nie "
     "zakończono żadnej sprawy.",
     days_series, NULL, 0, svg_line_chart, NULL},
    {"wykres-terminowosc", "Odsetek spraw załatwionych w terminie",
     "Słupki: jaki odsetek spraw zakończonych w miesiącu załatwiono przed upływem terminu "
     "ustawowego (także przedłużonego); brak słupka: w danym miesiącu nie załatwiono żadnej "
     "sprawy z terminem odpowiedzi.",
     on_time_series, "%", 100, svg_bar_chart, NULL},
};

/* The queue of the cases received in month row `m` whose `filter` is `id`,
 * in any state, in the manager's scope. */
static const char *month_queue_url(http_req_t *req, const struct dash_scope *s, json_t *m,
				   const char *filter, const char *id)
{
	int y = (int)json_integer_value(json_object_get(m, "year"));
	int mo = (int)json_integer_value(json_object_get(m, "number"));
	if (mo < 1 || mo > 12)
		return NULL;
	return queue_url(req, s,
			 arena_printf(req->arena,
				      "stan=wszystkie&%s=%s&wplynal_od=%04d-%02d-01&"
				      "wplynal_do=%04d-%02d-%02d",
				      filter, id, y, mo, y, mo, law_days_in_month(y, mo)));
}

static json_t *charts(http_req_t *req, const struct dash_scope *scope, json_t *doc)
{
	json_t *months = json_object_get(doc, "months"), *list = json_array();
	struct chart_data *d = arena_calloc(req->arena, 1, sizeof *d);
	for (size_t c = 0; c < sizeof month_charts / sizeof month_charts[0]; c++) {
		month_labels(req, months, d);
		d->nseries = 0;
		for (const struct stats_label *k = month_charts[c].series;
		     k->id && d->nseries < SVG_SERIES_MAX; k++) {
			d->series[d->nseries].name = k->label;
			for (int i = 0; i < d->n; i++) {
				json_t *m = json_array_get(months, (size_t)i);
				d->values[d->nseries][i] = real_or_nan(json_object_get(m, k->id));
				d->hrefs[d->nseries][i] =
				    month_charts[c].filter && d->values[d->nseries][i] > 0
					? month_queue_url(req, scope, m, month_charts[c].filter, k->id)
					: NULL;
			}
			d->nseries++;
		}
		json_array_append_new(list, chart_block(req, month_charts[c].id,
							month_charts[c].title, month_charts[c].desc,
							"Miesiąc", d, month_charts[c].unit,
							month_charts[c].max, month_charts[c].draw));
	}
	/* Outcomes of the cases closed in those months. */
	json_t *outcomes = json_object_get(doc, "outcomes"), *m;
	size_t i;
	d->n = 0;
	d->nseries = 1;
	d->series[0].name = "liczba spraw";
	/* The queue cannot select cases by the month they closed in: no links. */
	memset(d->hrefs, 0, sizeof d->hrefs);
	json_array_foreach(outcomes, i, m)
	{
		if (d->n >= SVG_LABELS_MAX)
			break;
		d->labels[d->n] = d->long_labels[d->n] =
		    json_string_value(json_object_get(m, "label"));
		d->values[0][d->n] = (double)json_integer_value(json_object_get(m, "count"));
		d->n++;
	}
	if (d->n)
		json_array_append_new(
		    list,
		    chart_block(req, "wykres-wyniki", "Sposób zakończenia spraw",
				"Poziome słupki: ile spraw zakończonych w ostatnich 12 miesiącach "
				"zakończono w każdy ze sposobów.",
				"Sposób zakończenia", d, NULL, 0, svg_hbar_chart));
	return list;
}

/* The dashboard is kept drawn for its scope and day (web/scache.h), all
 * but its incoming mail (cases/inbox.h: read fresh at every request), the
 * hole in it. */
void web_dashboard(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	struct dash_scope s = dashboard_scope(ctx->who);
	json_t *inbox = NULL;
	struct problem p;
	if (inbox_counts(ctx, &inbox, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	const char *mail = scache_part(req, "partials/dashboard_inbox",
				       json_pack("{s:o}", "inbox", inbox));
	if (!mail) {
		web_error_page(req, 500, NULL);
		return;
	}
	struct scache_fill fill;
	if (scache_serve(req, scache_key(req, ctx, s.unit_id, 0, NULL, 0), s.org_id, mail, &fill))
		return;
	json_t *doc;
	if (dashboard_load(ctx, &doc, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	add_figures(req, &s, doc);
	add_workload_links(req, &s, doc);
	json_object_set_new(doc, "charts", charts(req, &s, doc));
	json_object_set_new(doc, "queue_url", json_string(queue_url(req, &s, "")));
	json_object_set_new(doc, "title", json_string("Pulpit kierownika — Jawność"));
	json_object_set_new(doc, "inbox_block", tmpl_safe(SCACHE_HOLE));
	scache_render(req, "dashboard", doc, &fill, mail);
}

/* ---- Statistics of a period ------------------------------------------------------- */

/* The statistics of the period in ?od= and ?do= for a staff member: false
 * after answering (not signed in, or the service failed); true with *doc,
 * or with NULL and the fields of a period that is not one in *p, which the
 * caller says in the format asked for. */
static bool load_stats(http_req_t *req, json_t **doc, struct problem *p)
{
	*doc = NULL;
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return false;
	stats_load(ctx, http_query(req, "od"), http_query(req, "do"), doc, p);
	if (!*doc && !p->nfields) {
		web_fail(req, p);
		return false;
	}
	return true;
}

void web_stats(http_req_t *req)
{
	struct problem p;
	json_t *doc;
	if (!load_stats(req, &doc, &p))
		return;
	if (!doc) {
		/* A period that is not one: the form again, as typed. */
		const char *f = http_query(req, "od"), *t = http_query(req, "do");
		doc = json_pack("{s:s, s:s, s:{s:s, s:s}}", "title", "Statystyki — Jawność", "error",
				web_problem_text(&p), "form", "from", f ? f : "", "to", t ? t : "");
		web_render(req, web_outcome_status(p.outcome), "stats", doc);
		return;
	}
	json_t *period = json_object_get(doc, "period");
	const char *f = json_string_value(json_object_get(period, "from"));
	const char *t = json_string_value(json_object_get(period, "to"));
	json_object_set_new(doc, "title", json_string("Statystyki — Jawność"));
	json_object_set_new(doc, "form", json_pack("{s:s, s:s}", "from", f, "to", t));
	json_object_set_new(
	    doc, "csv_url",
	    json_string(arena_printf(req->arena, "/panel/statystyki.csv?od=%s&do=%s", f, t)));
	json_object_set_new(
	    doc, "json_url",
	    json_string(arena_printf(req->arena, "/panel/statystyki.json?od=%s&do=%s", f, t)));
	json_t *rate = json_object_get(doc, "on_time_rate"),
	       *median = json_object_get(doc, "median_days");
	json_object_set_new(
	    doc, "on_time_text",
	    json_string(
		decimal(req, json_is_number(rate) ? 100 * json_number_value(rate) : NAN, " %")));
	json_object_set_new(doc, "median_text", json_string(decimal(req, real_or_nan(median), "")));
	json_object_set_new(
	    doc, "fees_text",
	    json_string(
		decimal(req, atof(json_string_value(json_object_get(doc, "fees_total"))), " zł")));
	json_object_set_new(doc, "ok", json_true());
	web_render(req, 200, "stats", doc);
}

static void export(http_req_t *req, bool csv)
{
	struct problem p;
	json_t *doc;
	if (!load_stats(req, &doc, &p))
		return;
	if (!doc) {
		/* A period that is not one, said in the format asked for. */
		const char *why = web_problem_text(&p);
		int status = web_outcome_status(p.outcome);
		if (csv)
			http_respond(req, status, "text/plain; charset=utf-8", why, strlen(why));
		else
			http_respond_problem(req, status, web_outcomes[p.outcome].title, why, NULL);
		return;
	}
	json_t *period = json_object_get(doc, "period");
	const char *f = arena_strdup(req->arena, json_string_value(json_object_get(period, "from")));
	const char *t = arena_strdup(req->arena, json_string_value(json_object_get(period, "to")));
	strbuf_t out;
	sb_init(&out, req->arena);
	if (csv)
		stats_csv(doc, &out);
	else
		stats_json(doc, &out);
	json_decref(doc);
	http_add_header(req, "Content-Disposition",
			arena_printf(req->arena, "%s; filename=\"statystyki-%s-%s.%s\"",
				     csv ? "attachment" : "inline", f, t, csv ? "csv" : "json"));
	http_respond(req, 200,
		     csv ? "text/csv; charset=utf-8; header=present"
			 : "application/json; charset=utf-8",
		     out.data ? out.data : "", out.len);
}

void web_stats_csv(http_req_t *req)
{
	export(req, true);
}

void web_stats_json(http_req_t *req)
{
	export(req, false);
}
