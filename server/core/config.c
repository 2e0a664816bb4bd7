/* SPDX-License-Identifier: EUPL-1.2 */
#include "core/config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct config cfg;

#define OFF(field) offsetof(struct config, field)

const struct config_entry config_table[] = {
	{"DATABASE_URL", CONFIG_STRING, "", 0, 0, OFF(database_url),
	 "PostgreSQL connection URI. `make run` and the tests set it to the private cluster under var/."},
	{"JAWNOSC_LISTEN", CONFIG_STRING, "127.0.0.1:8080", 0, 0, OFF(listen),
	 "Address and port to serve HTTP on (port 0 picks a free one and prints it)."},
	{"JAWNOSC_THREADS", CONFIG_INT, "0", 0, 256, OFF(threads),
	 "HTTP worker threads; 0 means one per CPU."},
	{"JAWNOSC_MAX_BODY", CONFIG_BYTES, "8M", 1024, 1L << 30, OFF(max_body),
	 "Largest request body accepted, on the routes that take attachments (other routes take 64 KB, 256 KB or 1 MB, or none; the staff API's JSON with files in base64 this x 4/3 + 256 KB); larger ones get 413 as soon as the headers arrive."},
	{"JAWNOSC_BODY_MEMORY", CONFIG_BYTES, "64M", 64 * 1024, 1L << 40, OFF(body_memory),
	 "Memory for request bodies being received, all requests together; a request whose body does not fit gets 503 with Retry-After."},
	{"JAWNOSC_MAX_HEADER", CONFIG_BYTES, "32K", 4096, 1L << 20, OFF(max_header),
	 "Memory for one connection's request line and headers; more gets 431."},
	{"JAWNOSC_TIMEOUT", CONFIG_INT, "30", 1, 3600, OFF(conn_timeout),
	 "Seconds a connection may stay idle (slow clients are dropped)."},
	{"JAWNOSC_MAX_CONNECTIONS", CONFIG_INT, "1024", 1, 100000, OFF(max_connections),
	 "Simultaneous connections accepted; more are closed at once."},
	{"JAWNOSC_MAX_CONNECTIONS_PER_IP", CONFIG_INT, "64", 0, 100000, OFF(max_per_ip),
	 "Simultaneous connections from one IPv4 address or IPv6 /64 network; more are closed at once. JAWNOSC_TRUSTED_PROXY addresses are exempt. 0: no limit."},
	{"JAWNOSC_HEADER_TIMEOUT", CONFIG_INT, "10", 1, 3600, OFF(header_timeout),
	 "Seconds a connection has to send a whole request line and headers (from its opening, or from the end of its previous request); a connection that has not is closed, however often it sends. Not for JAWNOSC_TRUSTED_PROXY addresses (a proxy forwards whole heads)."},
	{"JAWNOSC_SHUTDOWN_GRACE", CONFIG_INT, "20", 0, 600, OFF(shutdown_grace),
	 "Seconds to let requests in flight finish after SIGTERM or SIGINT."},
	{"JAWNOSC_TEMPLATES", CONFIG_STRING, "templates", 0, 0, OFF(templates_dir),
	 "Directory of page templates (pages/), letters (letters/) and static files (static/)."},
	{"JAWNOSC_MIGRATIONS", CONFIG_STRING, "migrations", 0, 0, OFF(migrations_dir),
	 "Directory of the numbered SQL migrations."},
	{"JAWNOSC_SEARCH_DICTIONARY", CONFIG_STRING, "auto", 0, 0, OFF(search_dictionary),
	 "The search's Polish dictionary (deploy/search-dict.sh): auto (when its files are installed) "
	 "or off (unaccent and simple only); read by jawnosc migrate."},
	{"JAWNOSC_ACCESS_LOG", CONFIG_STRING, "-", 0, 0, OFF(access_log),
	 "Where JSON-lines access logs go: - for standard output, a file path, or empty for none."},
	{"JAWNOSC_LOG_LEVEL", CONFIG_STRING, "info", 0, 0, OFF(log_level),
	 "Least severe log level written to standard error: debug, info, warn or error."},
	{"JAWNOSC_BASE_URL", CONFIG_STRING, "", 0, 0, OFF(base_url),
	 "Public base URL used in links sent by e-mail and feeds; empty: derived from JAWNOSC_LISTEN."},
	{"JAWNOSC_SMTP_URL", CONFIG_STRING, "", 0, 0, OFF(smtp_url),
	 "SMTP server for outgoing mail (smtp://host:port or smtps://...); empty: mail is written as .eml files to JAWNOSC_MAIL_DIR."},
	{"JAWNOSC_MAIL_FROM", CONFIG_STRING, "Jawność <jawnosc@localhost>", 0, 0, OFF(mail_from),
	 "Sender of outgoing mail."},
	{"JAWNOSC_MAIL_DIR", CONFIG_STRING, "var/mail", 0, 0, OFF(mail_dir),
	 "Where mail goes as .eml files when no SMTP server is configured."},
	{"JAWNOSC_MAIL_POLL_MS", CONFIG_INT, "1000", 10, 600000, OFF(mail_poll_ms),
	 "How often the mail job looks at the outbox, in milliseconds."},
	{"JAWNOSC_INBOUND_POLL_MS", CONFIG_INT, "5000", 10, 600000, OFF(inbound_poll_ms),
	 "How often the route job looks for parsed inbound messages to match to their cases (replies, bounces, auto-replies), in milliseconds (docs/inbound.md)."},
	{"JAWNOSC_MAIL_RETRY_BASE", CONFIG_INT, "60", 1, 86400, OFF(mail_retry_base),
	 "Seconds before the first retry of a failed message; each further retry waits twice as long (at most an hour)."},
	{"JAWNOSC_FILING_RATE", CONFIG_INT, "20", 1, 1000000, OFF(filing_rate),
	 "Requests one address may file per hour through the form and the API."},
	{"JAWNOSC_SEARCH_RATE", CONFIG_INT, "30", 1, 1000000, OFF(search_rate),
	 "Searches and exports of the public register one address may ask for per minute that are not answered from memory; past it 429 until the minute is over."},
	{"JAWNOSC_INTEGRATION_RATE", CONFIG_INT, "300", 1, 1000000, OFF(integration_rate),
	 "Calls one integration token (an EZD system, /api/v1/staff) may make per minute; past it 429 with Retry-After until the minute is over."},
	{"JAWNOSC_SECURITY_CONTACT", CONFIG_STRING, "", 0, 0, OFF(security_contact),
	 "Where to report a vulnerability, as /.well-known/security.txt gives it (RFC 9116 Contact: a mailto: or https: URI, e.g. the body's CSIRT contact); empty: that address answers 404."},
	{"JAWNOSC_SITEMAP_URLS", CONFIG_INT, "10000", 10, 50000, OFF(sitemap_urls),
	 "Addresses in one part of the sitemap (/sitemap.xml lists the parts; the protocol allows 50,000)."},
	{"JAWNOSC_MAX_ATTACHMENT", CONFIG_BYTES, "5M", 1024, 1L << 30, OFF(max_attachment),
	 "Largest single attachment a requester may send."},
	{"JAWNOSC_LETTER_ATTACHMENT_MAX", CONFIG_BYTES, "5M", 1024, 1L << 30, OFF(letter_attachment_max),
	 "Largest file a clerk may attach to an outgoing letter (docs/letters.md, \"Attachments both ways\"). An upload also has to fit in JAWNOSC_MAX_BODY with the letter's text: the form shows the smaller of the two."},
	{"JAWNOSC_LETTER_ATTACHMENTS_TOTAL", CONFIG_BYTES, "15M", 1024, 1L << 30, OFF(letter_attachments_total),
	 "Largest total of the files attached to one outgoing letter; they travel in one e-mail, where base64 adds a third, and one e-Doręczenia message."},
	{"JAWNOSC_SIGNATURE_TRUST", CONFIG_STRING, "", 0, 0, OFF(signature_trust),
	 "Trusted roots for signed decisions (docs/signing.md): a file of PEM certificates (the qualified trust service providers' roots) or a directory prepared with `openssl rehash`. Empty: no signed PDF can be accepted."},
	{"JAWNOSC_SESSION_IDLE", CONFIG_INT, "480", 1, 43200, OFF(session_idle),
	 "Minutes after which an unused staff session ends (sign-in needed again)."},
	{"JAWNOSC_SESSION_MAX", CONFIG_INT, "12", 1, 720, OFF(session_max),
	 "Hours after which a staff session ends however much it is used."},
	{"JAWNOSC_REMIND_DAYS", CONFIG_INT, "2", 0, 30, OFF(remind_days),
	 "Working days before a statutory due date when the assignee is reminded by e-mail; 0: no such reminders."},
	{"JAWNOSC_DIGEST_HOUR", CONFIG_INT, "7", 0, 23, OFF(digest_hour),
	 "Hour (Warsaw time) after which each manager gets the morning digest of deadlines, once per working day."},
	{"JAWNOSC_REMIND_POLL_MS", CONFIG_INT, "60000", 10, 3600000, OFF(remind_poll_ms),
	 "How often the reminder job looks for reminders to send, in milliseconds."},
	{"JAWNOSC_RETENTION_POLL_MS", CONFIG_INT, "3600000", 10, 86400000, OFF(retention_poll_ms),
	 "How often the retention job looks for closed cases whose requesters' personal data are due for erasure, in milliseconds."},
	{"JAWNOSC_PAGE_CACHE_MB", CONFIG_INT, "32", 0, 4096, OFF(page_cache_mb),
	 "Memory for public register pages and tracking-page data kept between requests (each dropped as soon as its organisation changes); 0: nothing is kept."},
	{"JAWNOSC_PAGE_CACHE_TTL", CONFIG_INT, "300", 1, 86400, OFF(page_cache_ttl),
	 "Seconds a kept page is used at most, even when nothing changed."},
	{"JAWNOSC_DB_PREPARE", CONFIG_INT, "1", 0, 1, OFF(db_prepare),
	 "1: each connection prepares a statement the first time it runs it and only executes it afterwards; 0: every statement is parsed and planned each time (needed behind PgBouncer in transaction pooling mode)."},
	{"DATABASE_URL_REPLICA", CONFIG_STRING, "", 0, 0, OFF(database_url_replica),
	 "Read-only PostgreSQL URI (a streaming replica, e.g. HAProxy's replica port) for the public register pages; empty: they read from DATABASE_URL."},
	{"JAWNOSC_METRICS_PUBLIC", CONFIG_INT, "0", 0, 1, OFF(metrics_public),
	 "1: GET /metrics answers every client; 0: only direct loopback connections (others get 404)."},
	{"JAWNOSC_TRUSTED_PROXY", CONFIG_STRING, "", 0, 0, OFF(trusted_proxy),
	 "Reverse proxies (comma-separated addresses or CIDR ranges) whose X-Forwarded-For is believed: their requests count as coming from the last address in that header (rate limits, logs). Empty: the connection's address."},
	{"JAWNOSC_DEFAULT_ORG", CONFIG_STRING, "", 0, 0, OFF(default_org),
	 "Slug of the organisation that answers requests whose Host no organisation lists (a deployment for one body); empty: such requests get 421 Misdirected Request."},
	{"JAWNOSC_EDORECZENIA_URL", CONFIG_STRING, "", 0, 0, OFF(edor_url),
	 "Base URL of the e-Doręczenia User Agent API (up to /api/v1, without a trailing slash); empty: documents are not sent by e-Doręczenia (dispatches of that channel wait). docs/edoreczenia.md."},
	{"JAWNOSC_EDORECZENIA_TOKEN_URL", CONFIG_STRING, "", 0, 0, OFF(edor_token_url),
	 "OAuth2 token endpoint of e-Doręczenia (client_credentials with a signed JWT client assertion; also the assertion's aud)."},
	{"JAWNOSC_EDORECZENIA_SEARCH_URL", CONFIG_STRING, "", 0, 0, OFF(edor_search_url),
	 "Address lookup in the BAE search engine (GET ?identifier=&name=&address=, docs/edoreczenia.md); empty: no lookup, only addresses the requester gave."},
	{"JAWNOSC_EDORECZENIA_ADDRESS", CONFIG_STRING, "", 0, 0, OFF(edor_address),
	 "The body's electronic delivery address, AE:PL-NNNNN-NNNNN-XXXXX-NN."},
	{"JAWNOSC_EDORECZENIA_SYSTEM_NAME", CONFIG_STRING, "", 0, 0, OFF(edor_system_name),
	 "The system's name registered for the address: the client id is <address>.SYSTEM.<name>."},
	{"JAWNOSC_EDORECZENIA_KEY", CONFIG_STRING, "", 0, 0, OFF(edor_key),
	 "PEM file of the RSA private key of the system's certificate (TLS client key and the key that signs the assertion); readable by the server only."},
	{"JAWNOSC_EDORECZENIA_CERT", CONFIG_STRING, "", 0, 0, OFF(edor_cert),
	 "PEM file of the system's certificate, presented in TLS."},
	{"JAWNOSC_EDORECZENIA_CA", CONFIG_STRING, "", 0, 0, OFF(edor_ca),
	 "PEM bundle of the certificate authorities trusted for the service; empty: the system's store."},
	{"JAWNOSC_EDORECZENIA_POLL_MS", CONFIG_INT, "30000", 10, 3600000, OFF(edor_poll_ms),
	 "How often the e-Doręczenia job looks for dispatches to send, tasks to follow and evidences to fetch, in milliseconds."},
	{"JAWNOSC_EDORECZENIA_RETRY_BASE", CONFIG_INT, "60", 1, 86400, OFF(edor_retry_base),
	 "Seconds before the first retry when e-Doręczenia cannot be reached; each further retry waits twice as long, at most an hour. Nothing is ever given up."},
	{"JAWNOSC_EDORECZENIA_CHECK_SECONDS", CONFIG_INT, "900", 1, 86400, OFF(edor_check_s),
	 "Seconds between two looks for new evidences of a message sent and not yet delivered."},
	{"JAWNOSC_EDORECZENIA_LOOKUP_TTL", CONFIG_INT, "86400", 60, 2592000, OFF(edor_lookup_ttl),
	 "Seconds a BAE lookup's answer (an address found, or none) counts for a requester; after that the search engine is asked again before the next document is dispatched. docs/dispatch.md."},
	{"JAWNOSC_EDORECZENIA_INBOX_POLL_MS", CONFIG_INT, "60000", 0, 3600000, OFF(edor_inbox_poll_ms),
	 "How often the e-Doręczenia inbox job looks for messages received in the body's box, in milliseconds; each new one is stored in the incoming queue (docs/inbound.md). 0: the inbox is not read."},
	{"JAWNOSC_IMAP_URL", CONFIG_STRING, "", 0, 0, OFF(imap_url),
	 "IMAP mailbox the office's mail is fetched from, imaps://host[:port]/MAILBOX (or imap://, with STARTTLS when offered); empty: no polling (mail comes through `jawnosc mailin`). docs/inbound.md."},
	{"JAWNOSC_IMAP_USER", CONFIG_STRING, "", 0, 0, OFF(imap_user),
	 "User name for the IMAP mailbox."},
	{"JAWNOSC_IMAP_PASSWORD", CONFIG_STRING, "", 0, 0, OFF(imap_password),
	 "Password for the IMAP mailbox; prefer JAWNOSC_IMAP_PASSWORD_FILE."},
	{"JAWNOSC_IMAP_PASSWORD_FILE", CONFIG_STRING, "", 0, 0, OFF(imap_password_file),
	 "File whose first line is the IMAP password (readable by the server only), instead of JAWNOSC_IMAP_PASSWORD."},
	{"JAWNOSC_IMAP_ORG", CONFIG_STRING, "", 0, 0, OFF(imap_org),
	 "Slug of the organisation whose mailbox it is; empty: each message's organisation is recognised by the mailbox's address (JAWNOSC_IMAP_USER when it is one), else the only organisation."},
	{"JAWNOSC_IMAP_CA", CONFIG_STRING, "", 0, 0, OFF(imap_ca),
	 "PEM bundle of the certificate authorities trusted for the IMAP server; empty: the system's store. Certificates are always verified."},
	{"JAWNOSC_IMAP_POLL_MS", CONFIG_INT, "60000", 10, 3600000, OFF(imap_poll_ms),
	 "How often the IMAP job looks for unseen messages, in milliseconds."},
	{"JAWNOSC_IMAP_RETRY_BASE", CONFIG_INT, "30", 1, 3600, OFF(imap_retry_base),
	 "Seconds before the first retry when the IMAP mailbox cannot be reached; each further retry waits twice as long, at most 15 minutes. Nothing is lost meanwhile: messages stay unseen in the mailbox."},
};
const size_t config_table_len = sizeof config_table / sizeof config_table[0];

/* "8M", "32K", "1048576" -> bytes. */
static bool parse_bytes(const char *s, long *out)
{
	errno = 0;
	char *end;
	long v = strtol(s, &end, 10);
	if (errno || end == s || v < 0)
		return false;
	long mult = 1;
	if (*end == 'K' || *end == 'k')
		mult = 1024, end++;
	else if (*end == 'M' || *end == 'm')
		mult = 1024 * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mult = 1024L * 1024 * 1024, end++;
	if (*end != '\0' || v > LONG_MAX / mult)
		return false;
	*out = v * mult;
	return true;
}

static bool parse_int(const char *s, long *out)
{
	errno = 0;
	char *end;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0')
		return false;
	*out = v;
	return true;
}

/* RFC 9116's Contact: a mailto: or https: URI, printable ASCII without
 * blanks (it is written into a line of its own), or nothing. */
static bool security_contact_valid(const char *s)
{
	if (!s || !*s)
		return true;
	if (strncmp(s, "mailto:", 7) != 0 && strncmp(s, "https://", 8) != 0)
		return false;
	size_t n = strlen(s);
	if (n > 500 || n < 10)
		return false;
	for (; *s; s++)
		if (*s < 0x21 || *s > 0x7e)
			return false;
	return true;
}

/* Empty, or the form organisations.slug allows (migration 0002). */
static bool slug_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return true;
	if (n < 2 || n > 32 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

bool config_load(char *err, size_t errlen)
{
	for (size_t i = 0; i < config_table_len; i++) {
		const struct config_entry *e = &config_table[i];
		const char *v = getenv(e->env);
		if (!v)
			v = e->def;
		char *field = (char *)&cfg + e->offset;
		if (e->type == CONFIG_STRING) {
			*(const char **)field = v;
			continue;
		}
		long n;
		bool ok = e->type == CONFIG_INT ? parse_int(v, &n) : parse_bytes(v, &n);
		if (!ok || n < e->min || n > e->max) {
			snprintf(err, errlen, "%s=\"%s\" is not valid: expected %s from %ld to %ld",
			         e->env, v, e->type == CONFIG_INT ? "a whole number" : "a size such as 512K or 8M",
			         e->min, e->max);
			return false;
		}
		*(long *)field = n;
	}
	if (strcasecmp(cfg.log_level, "debug") && strcasecmp(cfg.log_level, "info") &&
	    strcasecmp(cfg.log_level, "warn") && strcasecmp(cfg.log_level, "error")) {
		snprintf(err, errlen, "JAWNOSC_LOG_LEVEL=\"%s\" is not valid: expected debug, info, warn or error",
		         cfg.log_level);
		return false;
	}
	if (!slug_valid(cfg.imap_org)) {
		snprintf(err, errlen, "JAWNOSC_IMAP_ORG=\"%s\" is not valid: expected an organisation's "
		         "slug (a-z, 0-9 and -, 2 to 32 characters) or nothing", cfg.imap_org);
		return false;
	}
	if (!security_contact_valid(cfg.security_contact)) {
		snprintf(err, errlen, "JAWNOSC_SECURITY_CONTACT=\"%s\" is not valid: expected a mailto: or "
		         "https:// URI without blanks, or nothing", cfg.security_contact);
		return false;
	}
	if (!slug_valid(cfg.default_org)) {
		snprintf(err, errlen, "JAWNOSC_DEFAULT_ORG=\"%s\" is not valid: expected an organisation's "
		         "slug (a-z, 0-9 and -, 2 to 32 characters) or nothing", cfg.default_org);
		return false;
	}
	return true;
}

/* Masks the password of a URI like postgresql://user:secret@host/db. */
static void print_masked(FILE *out, const char *v)
{
	const char *scheme = strstr(v, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
	if (at && colon && colon < at) {
		fprintf(out, "%.*s:***%s", (int)(colon - v), v, at);
		return;
	}
	fputs(v, out);
}

void config_print(FILE *out)
{
	for (size_t i = 0; i < config_table_len; i++) {
		const struct config_entry *e = &config_table[i];
		const char *field = (const char *)&cfg + e->offset;
		fprintf(out, "# %s\n%s=", e->help, e->env);
		size_t nl = strlen(e->env);
		if (e->type == CONFIG_STRING && nl > 9 && !strcmp(e->env + nl - 9, "_PASSWORD"))
			fputs(**(const char *const *)field ? "***" : "", out);
		else if (e->type == CONFIG_STRING)
			print_masked(out, *(const char *const *)field);
		else
			fprintf(out, "%ld", *(const long *)field);
		fputs(getenv(e->env) ? "\n" : "   (default)\n", out);
	}
}
