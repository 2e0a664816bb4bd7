/* The public register of requests and answers (UDIP art. 8; LAW.md §6, §7).
 *
 * Public side. A page's queries run between register_begin() and
 * register_end() in one transaction whose database role is jawnosc_public
 * (SET LOCAL ROLE): that role may read only the register_* views, which
 * hold no requester, no request text, no event data and no internal note,
 * and page_visits. Nothing on the public side can reach personal
 * data even through a bug in a query.
 *
 * Clerk side. A clerk edits what will be public (the subject as edited for
 * publication, the answer, the legal basis, which issued documents, who
 * produced the information and who answers for it), sees a preview built
 * by the same function from the same columns as the public page, and
 * publishes. Every publication, change and withdrawal is a new immutable
 * version: 1.0, 1.1, 1.2, ... (the BIP change register). A withdrawal takes
 * the item off the register and hides the content of every earlier
 * version; the change register keeps listing them.
 *
 * Every function returns JSON it owns through `out` (the caller decrefs)
 * and allocates strings in the arena `a`. */
#ifndef JAWNOSC_CASES_REGISTER_H
#define JAWNOSC_CASES_REGISTER_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "cases/clerk.h"
#include "cases/org.h"
#include "core/arena.h"
#include "core/jobs.h"
#include "db/db.h"

#define REGISTER_PAGE 50           /* rows of a page of the register */
#define REGISTER_EXPORT_PAGE 5000  /* rows of one CSV or JSON file */
#define REGISTER_FEED_ENTRIES 50   /* versions in the Atom feed */
#define REGISTER_SITEMAP_MAX 49000 /* register pages in sitemap.xml (the limit is 50,000 URLs) */
#define REGISTER_MAX_DOCS 32       /* documents one version may publish */

/* ---- Public side ------------------------------------------------------- */

/* Opens the public transaction and finds the organisation for `host` and
 * the register's stamp (org_for_host() with ORG_PUBLIC: a listed host,
 * else the first body; org->stamp_us is the last change of any of its
 * publications in microseconds since the epoch, 0 when nothing was ever
 * published). DB_OK with *found false when no organisation exists (the
 * transaction is then closed). */
enum db_status register_begin(PGconn *c, arena_t *a, const char *host, struct org *org,
                              bool *found);
/* Reads the count of visits of the page `path` written so far (NULL: not
 * a BIP page, 0) into *visits and commits. Visits are counted by
 * web/pcache.c, which writes them every second. */
enum db_status register_end(PGconn *c, long long org_id, const char *path, long long *visits);
/* Rolls the public transaction back (after an error or a page not found). */
void register_abort(PGconn *c);

struct register_filter {
	int year;            /* of receipt; 0: any */
	const char *kind;    /* "public_information", "reuse"; NULL: any */
	const char *outcome; /* a closing state id, "none" (no outcome yet); NULL: any */
	const char *unit;    /* unit symbol; NULL: any */
	const char *q;       /* words of the subject or answer, accents optional */
	/* Keyset: the last row of the previous page (newest first). */
	const char *after_date; /* "YYYY-MM-DD" received; NULL: first page */
	long long after_id;
};

/* Published items, newest first: {"items": [...], "next": {"date", "id"}}
 * ("next" only when there are more). Each item: case_number, path,
 * received_on, kind, kind_label, unit, unit_name, subject, state,
 * state_label, outcome (null when none), outcome_label, closed_on (null
 * when open), legal_basis, answer, version, first_published_at and
 * updated_at (RFC 3339). */
enum db_status register_list(PGconn *c, arena_t *a, long long org_id,
                             const struct register_filter *f, int limit, json_t **out);

/* The options of the register's filters: years, units and outcomes with
 * Polish labels ({"years": [...], "units": [...], "outcomes": [...], "kinds": [...]}),
 * the selected ones marked. */
enum db_status register_filter_options(PGconn *c, arena_t *a, long long org_id,
                                       const struct register_filter *f, json_t **out);

/* The last change of one item (µs since the epoch). *found false when no
 * item has that case number. */
enum db_status register_item_stamp(PGconn *c, long long org_id, const char *case_number,
                                   int64_t *changed_us, bool *found);

/* The public page of an item: the current version, or `version` ("1.0").
 * *found false when there is no such item or version. The object has
 * "item" (the view the template partials/register_item renders: facts,
 * answer, documents, terms, timeline), "bip" (the publication metadata and
 * the change register, each version with its address), and the flags
 * "withdrawn" (the item is off the register), "hidden" (this version's
 * content was withdrawn) and "old" (not the current version, with
 * "current_version"). */
enum db_status register_item(PGconn *c, arena_t *a, const struct org *org,
                             const char *case_number, const char *version, json_t **out,
                             bool *found);

/* A document the current version publishes: its PDF (in the arena) and
 * SHA-256 in hex. *found false otherwise. */
enum db_status register_document(PGconn *c, arena_t *a, long long org_id, const char *case_number,
                                 int seq, const char **pdf, size_t *len, char sha_hex[65],
                                 bool *found);

/* The latest readable versions, newest first: [{case_number, version,
 * title, subject, answer, published_at, first_published_at (RFC 3339),
 * first_published_on ("YYYY-MM-DD"), author}]. */
enum db_status register_feed(PGconn *c, arena_t *a, long long org_id, int limit, json_t **out);

/* Statistics per year of receipt: {"years": [{year, requests, closed,
 * on_time, on_time_percent, outcomes: [{id, label, count}]}]}, newest year
 * first, "as_of" (when the snapshot was taken, "DD.MM.YYYY HH:MM"),
 * "stale" (older than REGISTER_STATS_MAX_AGE) and "never" (not taken yet).
 * On time: closed on or before the due date of the answer term (the
 * extended one when extended); withdrawals do not count. */
enum db_status register_stats(PGconn *c, arena_t *a, long long org_id, json_t **out);

/* Refreshes the statistics' snapshot when it is older than `max_age`
 * seconds. Runs on the primary as the server's own role, in its own
 * transaction; when another instance or thread is refreshing it already,
 * returns at once (the pages show the snapshot a moment longer). */
#define REGISTER_STATS_MAX_AGE 600
enum db_status register_stats_refresh(PGconn *c, int max_age);
/* The job "register-stats" (on demand): one refresh as above on the
 * lane's connection to the primary. register_stats_kick() asks for it (a
 * page found the snapshot stale): the page does not wait, and one refresh
 * at a time runs in this process (the advisory lock: in the cluster). */
#define REGISTER_STATS_JOB "register-stats"
enum job_result register_stats_job(void);
void register_stats_kick(void);

/* Visits of BIP pages (register_visits.c): counts one visit of `path` in
 * memory and returns this process's visits of it not yet written to
 * page_visits. The job "visits" adds them to page_visits every second in
 * one statement (and once more at a stop); JOB_FAILED keeps them for the
 * next round. */
long long register_visit(long long org_id, const char *path);
enum job_result register_visits_job(void);

/* Items for sitemap.xml, newest first: [{case_number, lastmod}]. */
enum db_status register_sitemap(PGconn *c, arena_t *a, long long org_id, int limit, json_t **out);

/* Polish labels of kinds and outcomes (the closing states). */
const char *register_kind_label(const char *kind);
const char *register_outcome_label(const char *outcome);

/* ---- Clerk side -------------------------------------------------------- */

enum register_result {
	REGISTER_OK,
	REGISTER_NOT_FOUND, /* no such case in the clerk's organisation */
	REGISTER_INVALID,   /* see the errors */
	REGISTER_STALE,     /* someone published a version meanwhile */
	REGISTER_UNAVAILABLE,
	REGISTER_ERROR,
};

struct register_draft {
	const char *public_subject;      /* 1-300 characters, one line */
	const char *answer;              /* up to 20,000 characters */
	const char *legal_basis;         /* up to 500, one line */
	const char *produced_by;         /* who produced the information (UDIP art. 8 ust. 3) */
	const char *responsible;         /* who answers for its content */
	const char *produced_on;         /* "YYYY-MM-DD", not in the future */
	int doc_seqs[REGISTER_MAX_DOCS]; /* issued documents of the case to publish */
	int ndocs;
	/* The requester is not a natural person: its name may be public
	 * (LAW.md §7); otherwise a name found in the text is refused. */
	bool name_may_be_public;
};

#define REGISTER_MAX_ERRORS 12
struct register_errors {
	int n;
	struct {
		const char *field; /* the form field, for the message beside it */
		const char *message;
	} e[REGISTER_MAX_ERRORS];
};

/* The clerk's publication page of a case: {"id_case", "case_number",
 * "published", "withdrawn", "version_id" (0: never published), "version",
 * "public_path", "versions": the change register, "documents": the issued
 * documents to choose from ({seq, title, issued_on, checked}), "draft":
 * the current version's content, or proposals for a first publication}. */
enum register_result register_workspace(PGconn *c, arena_t *a, const struct clerk *who,
                                        long long request_id, int64_t now, json_t **out);

/* Checks a draft (lengths, dates, the documents, and that no public field
 * holds the requester's name, e-mail, phone or address) and builds the
 * public item exactly as the public page will show it (the "item" object
 * of register_item()). REGISTER_INVALID with errors, and still the item
 * when it could be built. */
enum register_result register_preview(PGconn *c, arena_t *a, const struct clerk *who,
                                      long long request_id, const struct register_draft *d,
                                      int64_t now, json_t **item, struct register_errors *errs);

/* Publishes the draft as a new version, in one transaction with its audit
 * event. `expected_version_id` is the current version the form showed (0:
 * none yet): REGISTER_STALE when it is no longer current. *version gets
 * the new version ("1.0", "1.1", ...). */
enum register_result register_publish(PGconn *c, arena_t *a, const struct clerk *who,
                                      long long request_id, const struct register_draft *d,
                                      long long expected_version_id, int64_t now,
                                      const char **version, struct register_errors *errs);

/* Takes the item off the register with a withdrawal version. */
enum register_result register_withdraw(PGconn *c, arena_t *a, const struct clerk *who,
                                       long long request_id, long long expected_version_id,
                                       int64_t now, const char **version,
                                       struct register_errors *errs);

/* A draft with the proposals for a first publication (demo data, tests). */
enum register_result register_proposal(PGconn *c, arena_t *a, const struct clerk *who,
                                       long long request_id, int64_t now,
                                       struct register_draft *out);

#endif
