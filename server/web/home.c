/* SPDX-License-Identifier: EUPL-1.2 */
/* The public front page. It answers whatever the Host; a body's shows the
 * BIP metadata of the body (issue 23 part 3). And robots.txt and
 * security.txt. */
#include <string.h>

#include "cases/context.h"
#include "cases/org.h"
#include "cases/register.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/strbuf.h"
#include "web/web.h"

void web_home(http_req_t *req)
{
	json_t *ctx = json_pack("{s:s}", "title", "Jawność — dostęp do informacji publicznej");
	struct svc_ctx sc;
	struct actor who;
	web_ctx(req, &sc, &who);
	struct org o;
	struct problem p;
	/* The body is kept in memory by host and dropped when any settings
	 * change (cases/org.c); a host no body lists, or a database that
	 * cannot be reached, leaves the page without it. */
	if (org_for_request(&sc, http_header(req, "Host"), &o, &p) == OUT_OK) {
		/* Its change register: the changes of the settings it shows,
		 * kept in memory as the body is (none shown when unreadable). */
		struct bip_changes ch;
		if (register_bip_changes(&sc, &o, BIP_PAGE_HOME, &ch, &p) != OUT_OK)
			ch.read = false;
		json_object_set_new(ctx, "bip", web_bip_composed(&o, "redakcja BIP", &ch));
	}
	/* Per body and per settings: no validators, asked again every time. */
	http_add_header(req, "Cache-Control", "no-cache");
	web_render(req, 200, "home", ctx);
}

/* For crawlers (RFC 9309): the private and staff pages (each private page
 * says noindex too), the API and the register's searches (q= anywhere in
 * the query, exports too) are not to be crawled; the body's sitemap on its
 * own host (web_org_base_url()), for a host a body answers. */
void web_robots(http_req_t *req)
{
	struct svc_ctx sc;
	struct actor who;
	web_ctx(req, &sc, &who);
	strbuf_t b;
	sb_init(&b, req->arena);
	sb_puts(&b, "User-agent: *\n"
	            "Disallow: /panel\n"
	            "Disallow: /sprawa/\n"
	            "Disallow: /api/\n"
	            "Disallow: /rejestr*q=\n");
	struct org o;
	struct problem p;
	if (org_for_request(&sc, http_header(req, "Host"), &o, &p) == OUT_OK)
		sb_printf(&b, "\nSitemap: %s/sitemap.xml\n", web_org_base_url(req->arena, &o));
	http_add_header(req, "Cache-Control", "public, max-age=3600");
	http_respond(req, 200, "text/plain; charset=utf-8", b.data, b.len);
}

/* Where to report a vulnerability (RFC 9116): JAWNOSC_SECURITY_CONTACT,
 * valid for a year from today (the day, so the text stays the same all
 * day), on the body's own address; 404 while no contact is set. */
void web_security_txt(http_req_t *req)
{
	if (!cfg.security_contact || !*cfg.security_contact) {
		http_respond_error(req, 404, NULL);
		return;
	}
	struct svc_ctx sc;
	struct actor who;
	web_ctx(req, &sc, &who);
	struct org o;
	struct problem p;
	bool found = org_for_request(&sc, http_header(req, "Host"), &o, &p) == OUT_OK;
	const char *base = found ? web_org_base_url(req->arena, &o) : web_base_url();
	time_t expires = (time_t)(clock_now() + 365 * 86400);
	struct tm tm;
	gmtime_r(&expires, &tm);
	char day[16];
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	strbuf_t b;
	sb_init(&b, req->arena);
	sb_printf(&b,
	          "Contact: %s\n"
	          "Expires: %sT00:00:00Z\n"
	          "Preferred-Languages: pl, en\n"
	          "Canonical: %s/.well-known/security.txt\n",
	          cfg.security_contact, day, base);
	/* Every other host the body answers is a place it is served from
	 * too (RFC 9116 2.5.2: a copy found at an address not named is not
	 * to be trusted). */
	const char *cursor = found ? o.hosts : NULL, *host;
	while ((host = org_next_host(req->arena, &cursor))) {
		const char *url = org_url_with_host(req->arena, web_base_url(), host);
		if (strcmp(url, base) != 0 && strcmp(url, web_base_url()) != 0)
			sb_printf(&b, "Canonical: %s/.well-known/security.txt\n", url);
	}
	http_add_header(req, "Cache-Control", "public, max-age=3600");
	http_respond(req, 200, "text/plain; charset=utf-8", b.data, b.len);
}
