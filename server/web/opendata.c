/* SPDX-License-Identifier: EUPL-1.2 */
/* The feed for the dane.gov.pl harvester (render/harvester.h, format
 * 1.10): /opendata/katalog.xml lists one dataset for the body the Host
 * names, "Rejestr wniosków o udostępnienie informacji publicznej", whose
 * resources are the register's CSV and JSON exports and the statistics'
 * CSV; /opendata/katalog.md5 holds the MD5 of exactly the bytes
 * katalog.xml serves. The feed is always the whole catalogue: the
 * harvester deletes a dataset the file no longer lists.
 *
 * The identifiers (extIdent) are made from the body's slug and the
 * resource's name, so they stay the same from one request, deployment or
 * server to the next and differ between bodies. The addresses are
 * absolute, from JAWNOSC_BASE_URL, always https (the format takes no
 * other). Both files are kept in memory until anything of the body
 * changes (web/pcache.c); their tag is the digest of the feed, so a change
 * of the register or of the licence gives a new one. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cases/context.h"
#include "cases/register.h"
#include "http/conditional.h"
#include "law/date.h"
#include "law/warsaw.h"
#include "render/harvester.h"
#include "web/outcome.h"
#include "web/pcache.h"
#include "web/web.h"

/* As the register's pages: caches may keep a copy and must ask. */
#define PUBLIC_CACHE "public, no-cache"

/* Rząd i sektor publiczny. */
static const char *const categories[] = {"GOVE"};

static const struct harvester_tag tags[] = {
    {"pl", "informacja publiczna"},
    {"pl", "dostęp do informacji publicznej"},
    {"pl", "wnioski"},
    {"pl", "rejestr"},
    {"pl", "BIP"},
    {"pl", "statystyka"},
    {"en", "public information"},
    {"en", "freedom of information"},
    {"en", "requests"},
};

/* The register's exports as the harvester links to them. */
enum { RES_CSV, RES_JSON, RES_STATS, NRES };
static const struct {
	const char *name, *path; /* the identifier's part; the address */
	struct harvester_text title, description;
	bool dated; /* its last change is the register's */
} resources[NRES] = {
    [RES_CSV] = {"rejestr-csv", "/rejestr.csv",
                 {"Rejestr wniosków — plik CSV", "Register of requests — CSV file"},
                 {"Sprawy opublikowane w rejestrze, od najnowszych: znak sprawy, adres strony "
                  "sprawy, data wpływu, rodzaj wniosku, komórka, temat, stan, rozstrzygnięcie, "
                  "data zakończenia, podstawa prawna, odpowiedź, wersja i daty publikacji. "
                  "CSV według RFC 4180, UTF-8, z wierszem nagłówka; najwyżej 5000 spraw w pliku, "
                  "adres następnej części podaje nagłówek Link (rel=\"next\"). Filtry strony "
                  "rejestru działają i tu, np. ?rok=2025.",
                  "The cases published in the register, newest first. RFC 4180 CSV, UTF-8, with a "
                  "header row; at most 5000 cases a file, the next part in the Link header "
                  "(rel=\"next\")."},
                 true},
    [RES_JSON] = {"rejestr-json", "/rejestr.json",
                  {"Rejestr wniosków — plik JSON", "Register of requests — JSON file"},
                  {"Te same sprawy co w pliku CSV, w formacie JSON: obiekt z wydawcą, adresem "
                   "rejestru i listą spraw (items); najwyżej 5000 spraw w pliku, adres następnej "
                   "części w polu next.",
                   "The same cases as the CSV file, as JSON: the publisher, the register's "
                   "address and the cases (items); at most 5000 a file, the next part in "
                   "\"next\"."},
                  true},
    [RES_STATS] = {"statystyki-csv", "/rejestr/statystyki.csv",
                   {"Statystyka wniosków — plik CSV", "Statistics of requests — CSV file"},
                   {"Wszystkie wnioski złożone do urzędu (także nieopublikowane) według roku "
                    "wpływu: liczba wniosków, spraw zakończonych, zakończonych w terminie i "
                    "wnioski według rozstrzygnięcia. Zestawienie odświeżane co najwyżej co 10 "
                    "minut.",
                    "All requests the body received (published or not) by year of receipt: "
                    "requests, cases closed, closed on time, and requests by outcome. Refreshed "
                    "at most every 10 minutes."},
                   false},
};

/* "<name>-<16 hex digits of the body's slug>": at most 36 characters (the
 * format's limit), the same for the body whatever its id or host. */
static const char *ext_ident(http_req_t *req, const char *slug, const char *name)
{
	static const char ctx[] = "jawnosc opendata";
	unsigned char h[8];
	crypto_generichash(h, sizeof h, (const unsigned char *)slug, strlen(slug),
	                   (const unsigned char *)ctx, sizeof ctx - 1);
	char hex[2 * sizeof h + 1];
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	return arena_printf(req->arena, "%s-%s", name, hex);
}

/* The body's address (web_org_base_url()) with https: dane.gov.pl takes
 * no other scheme, and a site open to the public is behind TLS. */
static const char *https_base(http_req_t *req, const struct org *o)
{
	const char *b = web_org_base_url(req->arena, o);
	return !strncmp(b, "http://", 7) ? arena_printf(req->arena, "https://%s", b + 7) : b;
}

/* An instant in µs as RFC 3339 in UTC, to the microsecond: every change
 * of the register shows, however soon after the one before. */
static const char *rfc3339(http_req_t *req, int64_t us)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;
	char s[32];
	if (us < 0 || !gmtime_r(&t, &tm) || !strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm))
		return NULL;
	return arena_printf(req->arena, "%s.%06lldZ", s, (long long)(us % 1000000));
}

/* Writes the body's feed; false after answering (its failure). */
static bool catalog(http_req_t *req, struct register_page *pg, strbuf_t *out)
{
	struct svc_ctx sc;
	struct actor who;
	web_ctx(req, &sc, &who);
	struct register_ask ask = {.host = http_header(req, "Host")};
	struct problem p = {0};
	const char *licence;
	if (register_catalog_page(&sc, &ask, pg, &licence, &p) != OUT_OK) {
		web_fail(req, &p);
		return false;
	}
	if (!harvester_licence_valid(licence))
		licence = HARVESTER_LICENCE_DEFAULT;
	const struct org *o = &pg->org;
	const char *base = https_base(req, o);
	/* The register's last change; the body's creation before any. */
	const char *updated =
	    rfc3339(req, pg->stamp_us > 0 ? pg->stamp_us : (int64_t)o->created_unix * 1000000);
	/* Its data are as of each day from the body's start on. */
	char since[LAW_DATE_STRLEN] = "2000-01-01";
	law_date_t d;
	if (law_warsaw_date(o->created_unix, &d))
		law_date_format(d, since);
	struct harvester_resource res[NRES];
	for (int i = 0; i < NRES; i++)
		res[i] = (struct harvester_resource){
		    .ext_ident = ext_ident(req, o->slug, resources[i].name),
		    .url = arena_printf(req->arena, "%s%s", base, resources[i].path),
		    .title = resources[i].title,
		    .description = resources[i].description,
		    .auto_data_date_start = since,
		    .last_update = resources[i].dated ? updated : NULL,
		};
	struct harvester_dataset set = {
	    .ext_ident = ext_ident(req, o->slug, "rejestr"),
	    .title = {"Rejestr wniosków o udostępnienie informacji publicznej",
	              "Register of requests for access to public information"},
	    .description =
	        {arena_printf(
	             req->arena,
	             "Wnioski o udostępnienie informacji publicznej i o ponowne wykorzystywanie "
	             "informacji sektora publicznego rozpatrzone przez: %s — rejestr publikowany w "
	             "Biuletynie Informacji Publicznej (art. 8 ustawy o dostępie do informacji "
	             "publicznej): sprawy z tematem, rozstrzygnięciem, podstawą prawną i "
	             "odpowiedzią, bez danych osobowych wnioskodawców, oraz statystyka wszystkich "
	             "wniosków według roku wpływu.",
	             o->name),
	         arena_printf(req->arena,
	                      "Requests for access to public information and for re-use of public "
	                      "sector information handled by: %s — the register published in its "
	                      "Public Information Bulletin (BIP), without the requesters' personal "
	                      "data, and the statistics of all requests by year.",
	                      o->name)},
	    .url = arena_printf(req->arena, "%s/rejestr", base),
	    /* Each answer published is in the register the same day. */
	    .update_frequency = "daily",
	    .categories = categories,
	    .ncategories = sizeof categories / sizeof categories[0],
	    .licence = licence,
	    .db_conditions =
	        arena_printf(req->arena,
	                     "Rejestr jest bazą danych; można go ponownie wykorzystywać na warunkach "
	                     "licencji %s.",
	                     licence),
	    .resources = res,
	    .nresources = NRES,
	    .tags = tags,
	    .ntags = sizeof tags / sizeof tags[0],
	    .last_update = updated,
	};
	sb_init(out, req->arena);
	harvester_write(out, &set, 1);
	return true;
}

/* Answers from memory, or writes the feed and its digest: false after
 * answering. */
static bool feed_digest(http_req_t *req, struct register_page *pg, strbuf_t *out,
                        char md5[HARVESTER_MD5_HEX])
{
	if (pcache_serve(req, pcache_address(req, NULL, 0)) || !catalog(req, pg, out))
		return false;
	if (!harvester_md5_hex(out->data, out->len, md5)) {
		http_respond_error(req, 503, NULL);
		return false;
	}
	return true;
}

/* The client's copy is current (answered 304), else the response may be
 * kept under `etag`. */
static bool answered_fresh(http_req_t *req, const struct register_page *pg, const char *etag)
{
	if (http_fresh(req, pcache_etag(req, etag), 0, PUBLIC_CACHE)) {
		http_respond_not_modified(req);
		return true;
	}
	pcache_keep(req, pg->org.id, pg->mark, NULL, 0, etag, 0, PUBLIC_CACHE);
	return false;
}

void web_opendata_catalog(http_req_t *req)
{
	struct register_page pg;
	strbuf_t out;
	char md5[HARVESTER_MD5_HEX];
	if (!feed_digest(req, &pg, &out, md5) ||
	    answered_fresh(req, &pg, arena_printf(req->arena, "\"%s\"", md5)))
		return;
	pcache_respond(req, 200, "application/xml; charset=utf-8", out.data, out.len);
}

/* The digest alone, as the harvester reads it (32 hex digits, then white
 * space only). */
void web_opendata_md5(http_req_t *req)
{
	struct register_page pg;
	strbuf_t out;
	char md5[HARVESTER_MD5_HEX];
	if (!feed_digest(req, &pg, &out, md5) ||
	    answered_fresh(req, &pg, arena_printf(req->arena, "\"%s-md5\"", md5)))
		return;
	const char *body = arena_printf(req->arena, "%s\n", md5);
	pcache_respond(req, 200, "text/plain; charset=utf-8", body, strlen(body));
}
