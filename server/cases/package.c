/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/package.h"

#include <errno.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/strbuf.h"
#include "core/unzip.h"
#include "core/zip.h"

bool package_name_safe(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n && name[n - 1] == '/')
		n--;
	return n && zip_name_problem(name, n) == NULL;
}

void package_event_hash(const struct package_event *e, const unsigned char *prev, size_t prev_len,
                        unsigned char out[32])
{
	char head[128];
	int k = snprintf(head, sizeof head, "%lld|%lld|", e->id, e->org_id);
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, prev, prev_len);
	crypto_hash_sha256_update(&st, (const unsigned char *)head, (size_t)k);
	char num[32];
	k = e->request_id ? snprintf(num, sizeof num, "%lld", e->request_id) : 0;
	crypto_hash_sha256_update(&st, (const unsigned char *)num, (size_t)k);
	const char *mid[] = {e->at, e->actor};
	for (size_t i = 0; i < 2; i++) {
		crypto_hash_sha256_update(&st, (const unsigned char *)"|", 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)(mid[i] ? mid[i] : ""),
		                          mid[i] ? strlen(mid[i]) : 0);
	}
	k = e->actor_user_id ? snprintf(num, sizeof num, "|%lld", e->actor_user_id)
	                     : snprintf(num, sizeof num, "|");
	crypto_hash_sha256_update(&st, (const unsigned char *)num, (size_t)k);
	const char *tail[] = {e->action, e->from_state, e->to_state, e->data};
	for (size_t i = 0; i < 4; i++) {
		crypto_hash_sha256_update(&st, (const unsigned char *)"|", 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)(tail[i] ? tail[i] : ""),
		                          tail[i] ? strlen(tail[i]) : 0);
	}
	crypto_hash_sha256_final(&st, out);
}

/* ---- the report ---------------------------------------------------------- */

struct verify {
	arena_t *a;
	unzip_t z;
	struct package_report *r;
	int shown;
};

static void vset(char *buf, size_t len, const char *fmt, va_list ap)
{
	vsnprintf(buf, len, fmt, ap);
	/* Names from the archive may hold anything printable in UTF-8, but
	 * never a line break or a terminal's escape. */
	for (char *c = buf; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
}

static enum package_result unreadable(struct verify *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static enum package_result unreadable(struct verify *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(v->r->why, sizeof v->r->why, fmt, ap);
	va_end(ap);
	return PACKAGE_UNREADABLE;
}

static void problem(struct verify *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct verify *v, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vset(line, sizeof line, fmt, ap);
	va_end(ap);
	if (!v->r->problems++)
		snprintf(v->r->why, sizeof v->r->why, "%s", line);
	if (v->shown++ < 20) {
		size_t used = strlen(v->r->detail);
		snprintf(v->r->detail + used, sizeof v->r->detail - used, "%s\n", line);
	}
}

/* ---- the event log ------------------------------------------------------- */

static bool hex32(const char *s, unsigned char out[32], size_t *len)
{
	size_t n = strlen(s);
	if (n != 0 && n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	size_t got = 0;
	if (n && sodium_hex2bin(out, 32, s, n, NULL, &got, NULL) != 0)
		return false;
	*len = got;
	return true;
}

/* A member that must be a string (or null when `nullable`): its value, ""
 * for null; NULL when it has another type. */
static const char *member_text(json_t *o, const char *key, bool nullable)
{
	json_t *m = json_object_get(o, key);
	if (json_is_string(m))
		return json_string_value(m);
	return nullable && (!m || json_is_null(m)) ? "" : NULL;
}

/* A positive integer member (or null: 0, when `nullable`); -1 otherwise. */
static long long member_id(json_t *o, const char *key, bool nullable)
{
	json_t *m = json_object_get(o, key);
	if (json_is_integer(m) && json_integer_value(m) > 0)
		return json_integer_value(m);
	return nullable && (!m || json_is_null(m)) ? 0 : -1;
}

struct seen {
	long long id, org_id, request_id;
	unsigned char hash[32];
};

static enum package_result one_event(struct verify *v, json_t *ev, size_t i, struct seen *prev)
{
	if (!json_is_object(ev))
		return unreadable(v, "event log: event %zu is not an object", i + 1);
	struct package_event e = {
	    .id = member_id(ev, "id", false),
	    .org_id = member_id(ev, "org_id", false),
	    .request_id = member_id(ev, "request_id", true),
	    .actor_user_id = member_id(ev, "actor_user_id", true),
	    .at = member_text(ev, "at", false),
	    .actor = member_text(ev, "actor", false),
	    .action = member_text(ev, "action", false),
	    .from_state = member_text(ev, "from_state", true),
	    .to_state = member_text(ev, "to_state", true),
	    .data = member_text(ev, "data", false),
	};
	long long prev_id = member_id(ev, "prev_id", true);
	const char *ph = member_text(ev, "prev_hash", false), *h = member_text(ev, "hash", false);
	if (e.id < 0 || e.org_id < 0 || e.request_id < 0 || e.actor_user_id < 0 || prev_id < 0 ||
	    !e.at || !e.actor || !e.action || !e.from_state || !e.to_state || !e.data || !ph || !h)
		return unreadable(v, "event log: event %zu lacks a member or has one of the wrong type", i + 1);
	unsigned char prev_hash[32], hash[32], want[32];
	size_t prev_len, hash_len;
	if (!hex32(ph, prev_hash, &prev_len) || !hex32(h, hash, &hash_len) || hash_len != 32)
		return unreadable(v, "event log: event %lld: a hash is not 64 hexadecimal digits", e.id);
	package_event_hash(&e, prev_hash, prev_len, want);
	if (sodium_memcmp(want, hash, 32) != 0)
		problem(v, "event %lld: its content does not match its hash", e.id);
	if (i > 0 && (e.id <= prev->id || e.org_id != prev->org_id || e.request_id != prev->request_id))
		problem(v, "event %lld: not in the chain's order, or of another case", e.id);
	if (prev_id && prev_id >= e.id)
		problem(v, "event %lld: its predecessor %lld comes after it", e.id, prev_id);
	else if (!prev_id) {
		/* The first event of the organisation's chain. */
		if (prev_len || i > 0)
			problem(v, "event %lld: said to begin the chain, but it does not", e.id);
		else
			v->r->links_inside++;
	} else if (i > 0 && prev_id == prev->id) {
		if (prev_len != 32 || sodium_memcmp(prev_hash, prev->hash, 32) != 0)
			problem(v, "event %lld: it does not follow event %lld before it", e.id, prev->id);
		else
			v->r->links_inside++;
	} else if (i > 0 && prev_id < prev->id) {
		problem(v, "event %lld: its predecessor %lld is before event %lld of the package", e.id,
		        prev_id, prev->id);
	} else {
		if (prev_len != 32)
			problem(v, "event %lld: its link to event %lld has no hash", e.id, prev_id);
		v->r->links_outside++;
	}
	*prev = (struct seen){e.id, e.org_id, e.request_id, {0}};
	memcpy(prev->hash, hash, 32);
	v->r->events++;
	return PACKAGE_OK;
}

static enum package_result verify_events(struct verify *v, const char *text, size_t len,
                                         const char *case_number)
{
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return unreadable(v, "event log: not JSON (line %d: %s)", jerr.line, jerr.text);
	enum package_result res = PACKAGE_OK;
	json_t *events = json_object_get(root, "events");
	const char *format = member_text(root, "format", false);
	const char *number = member_text(root, "case_number", false);
	if (!json_is_object(root) || !format || strcmp(format, PACKAGE_EVENTS_FORMAT) != 0)
		res = unreadable(v, "event log: not in the format %s", PACKAGE_EVENTS_FORMAT);
	else if (!json_is_array(events) || json_array_size(events) > PACKAGE_MAX_EVENTS)
		res = unreadable(v, "event log: no list of events, or too long a list");
	else if (!number || strcmp(number, case_number) != 0)
		problem(v, "event log: it is not the log of case %s", case_number);
	struct seen prev = {0};
	for (size_t i = 0; res == PACKAGE_OK && i < json_array_size(events); i++)
		res = one_event(v, json_array_get(events, i), i, &prev);
	if (res == PACKAGE_OK && !json_array_size(events))
		problem(v, "event log: it holds no event");
	json_decref(root);
	return res;
}

/* ---- the documents --------------------------------------------------------- */

static bool hash_sink(void *ctx, const unsigned char *p, size_t n)
{
	crypto_hash_sha256_update(ctx, p, n);
	return true;
}

/* SHA-256 of an entry's data, as hex; false with *why when it cannot be read. */
static bool entry_sha(const struct unzip_entry *e, char hex[65], const char **why)
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	if (!unzip_read(e, PACKAGE_MAX_ENTRY, hash_sink, &st, why))
		return false;
	unsigned char h[32];
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hex, 65, h, 32);
	return true;
}

static const char *attr(xmlNode *n, const char *name)
{
	for (xmlAttr *a = n->properties; a; a = a->next)
		if (!strcmp((const char *)a->name, name) && a->children && a->children->content)
			return (const char *)a->children->content;
	return NULL;
}

static bool is_element(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name) && n->ns &&
	       !strcmp((const char *)n->ns->href, PACKAGE_NS);
}

static xmlNode *child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n->children; c; c = c->next)
		if (is_element(c, name))
			return c;
	return NULL;
}

/* Entry `name` of the archive, checked against `sha` and `size` (NULL:
 * not checked). False when it cannot be read (the reason set). */
static bool check_file(struct verify *v, const char *what, const char *name, const char *sha,
                       const char *size, bool *read_error)
{
	*read_error = false;
	const struct unzip_entry *e = package_name_safe(name) ? unzip_find(&v->z, name) : NULL;
	if (!e || e->dir) {
		problem(v, "%s: the file %s is not in the package", what, name);
		return true;
	}
	char hex[65];
	const char *why = NULL;
	if (!entry_sha(e, hex, &why)) {
		unreadable(v, "%s: %s cannot be read: %s", what, name, why);
		*read_error = true;
		return false;
	}
	if (sha && strcmp(hex, sha) != 0)
		problem(v, "%s: the SHA-256 of %s does not match the list", what, name);
	if (size && strtoull(size, NULL, 10) != e->size)
		problem(v, "%s: the size of %s does not match the list", what, name);
	return true;
}

static enum package_result verify_documents(struct verify *v, xmlNode *list)
{
	bool rerr;
	for (xmlNode *d = list ? list->children : NULL; d; d = d->next) {
		if (d->type != XML_ELEMENT_NODE)
			continue;
		if (!is_element(d, "dokument"))
			return unreadable(v, "case file: an element other than <dokument> in <dokumenty>");
		const char *lp = attr(d, "lp"), *file = attr(d, "plik"), *meta = attr(d, "metadane");
		const char *sha = attr(d, "sha256"), *size = attr(d, "rozmiar");
		char what[96];
		snprintf(what, sizeof what, "document %.16s", lp ? lp : "?");
		if (!file) {
			const char *gone = attr(d, "usuniety");
			if (!gone || strcmp(gone, "tak") != 0)
				problem(v, "%s: listed without a file and not as erased", what);
			else
				v->r->erased++;
		} else {
			if (!sha || strlen(sha) != 64 || !size || strncmp(file, "dokumenty/", 10) != 0)
				return unreadable(v, "%s: no path under dokumenty/, SHA-256 or size", what);
			if (!check_file(v, what, file, sha, size, &rerr) && rerr)
				return PACKAGE_UNREADABLE;
			v->r->documents++;
		}
		if (!meta || strncmp(meta, "metadane/", 9) != 0)
			problem(v, "%s: no metadata file named", what);
		else if (!check_file(v, what, meta, NULL, NULL, &rerr) && rerr)
			return PACKAGE_UNREADABLE;
	}
	/* Every file under dokumenty/ is one the list names. */
	for (size_t i = 0; i < v->z.n; i++) {
		const struct unzip_entry *e = &v->z.e[i];
		if (e->dir || strncmp(e->name, "dokumenty/", 10) != 0)
			continue;
		bool listed = false;
		for (xmlNode *d = list ? list->children : NULL; d && !listed; d = d->next)
			listed = d->type == XML_ELEMENT_NODE && attr(d, "plik") && !strcmp(attr(d, "plik"), e->name);
		if (!listed)
			problem(v, "the file %s is not in the case file's list", e->name);
	}
	return PACKAGE_OK;
}

/* ---- the case file --------------------------------------------------------- */

static const struct unzip_entry *case_file(struct verify *v)
{
	const struct unzip_entry *found = NULL;
	for (size_t i = 0; i < v->z.n; i++) {
		const char *n = v->z.e[i].name;
		size_t len = strlen(n);
		if (strncmp(n, "sprawy/", 7) || len < 12 || strcmp(n + len - 4, ".xml") || strchr(n + 7, '/'))
			continue;
		if (found) {
			unreadable(v, "more than one case file under sprawy/");
			return NULL;
		}
		found = &v->z.e[i];
	}
	if (!found)
		unreadable(v, "no case file (sprawy/*.xml): not a case package");
	return found;
}

static enum package_result verify_case(struct verify *v, xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	const char *format = root ? attr(root, "format") : NULL;
	if (!root || !is_element(root, "sprawa") || !format || strcmp(format, PACKAGE_FORMAT) != 0)
		return unreadable(v, "case file: its root is not <sprawa format=\"%s\"> in %s", PACKAGE_FORMAT,
		                  PACKAGE_NS);
	xmlNode *number = child(root, "znak"), *log = child(root, "rejestrZdarzen");
	xmlChar *num = number ? xmlNodeGetContent(number) : NULL;
	if (!num || !*num || strlen((const char *)num) >= sizeof v->r->case_number) {
		xmlFree(num);
		return unreadable(v, "case file: no case number (<znak>)");
	}
	snprintf(v->r->case_number, sizeof v->r->case_number, "%s", (const char *)num);
	xmlFree(num);
	enum package_result res = verify_documents(v, child(root, "dokumenty"));
	if (res != PACKAGE_OK)
		return res;
	const char *events = log ? attr(log, "plik") : NULL, *sha = log ? attr(log, "sha256") : NULL;
	if (!events || !sha || !package_name_safe(events))
		return unreadable(v, "case file: no event log named (<rejestrZdarzen plik sha256>)");
	const struct unzip_entry *e = unzip_find(&v->z, events);
	if (!e || e->dir)
		return unreadable(v, "the event log %s is not in the package", events);
	char *text;
	size_t len;
	const char *why;
	if (!unzip_read_all(e, v->a, PACKAGE_MAX_TEXT, &text, &len, &why))
		return unreadable(v, "the event log %s cannot be read: %s", events, why);
	unsigned char h[32];
	char hex[65];
	crypto_hash_sha256(h, (const unsigned char *)text, len);
	sodium_bin2hex(hex, sizeof hex, h, 32);
	if (strcmp(hex, sha) != 0)
		problem(v, "the SHA-256 of the event log %s does not match the case file", events);
	return verify_events(v, text, len, v->r->case_number);
}

static enum package_result verify_zip(struct verify *v, const void *data, size_t len)
{
	const char *why;
	if (!unzip_open(&v->z, v->a, data, len, PACKAGE_MAX_ENTRIES, &why))
		return unreadable(v, "not a package: %s", why);
	uint64_t total = 0;
	for (size_t i = 0; i < v->z.n; i++) {
		if (v->z.e[i].size > PACKAGE_MAX_ENTRY)
			return unreadable(v, "the entry %s is larger than %llu bytes", v->z.e[i].name,
			                  (unsigned long long)PACKAGE_MAX_ENTRY);
		total += v->z.e[i].size;
	}
	if (total > PACKAGE_MAX_TOTAL)
		return unreadable(v, "the entries add up to more than %llu bytes",
		                  (unsigned long long)PACKAGE_MAX_TOTAL);
	const struct unzip_entry *cf = case_file(v);
	if (!cf)
		return PACKAGE_UNREADABLE;
	char *text;
	size_t tlen;
	if (!unzip_read_all(cf, v->a, PACKAGE_MAX_TEXT, &text, &tlen, &why))
		return unreadable(v, "the case file %s cannot be read: %s", cf->name, why);
	/* No DTD, no entity expansion, no network: the file is data. */
	xmlDoc *doc = tlen <= (size_t)__INT_MAX__
	                  ? xmlReadMemory(text, (int)tlen, NULL, "UTF-8",
	                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
	                  : NULL;
	if (!doc)
		return unreadable(v, "the case file %s is not well-formed XML", cf->name);
	enum package_result res = doc->intSubset || doc->extSubset
	                              ? unreadable(v, "the case file %s declares a DTD", cf->name)
	                              : verify_case(v, doc);
	xmlFreeDoc(doc);
	return res;
}

enum package_result package_verify_buffer(const void *data, size_t len, struct package_report *r)
{
	memset(r, 0, sizeof *r);
	if (sodium_init() < 0) {
		snprintf(r->why, sizeof r->why, "libsodium cannot start");
		return PACKAGE_UNREADABLE;
	}
	struct verify v = {.a = arena_new(64 * 1024), .r = r};
	enum package_result res = verify_zip(&v, data, len);
	arena_free(v.a);
	if (res == PACKAGE_OK && r->problems)
		res = PACKAGE_FAILED;
	return res;
}

enum package_result package_verify_file(const char *path, struct package_report *r)
{
	memset(r, 0, sizeof *r);
	struct stat sb;
	FILE *f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(r->why, sizeof r->why, "cannot read %s: %s", path,
		         f ? "not a regular file" : strerror(errno));
		if (f)
			fclose(f);
		return PACKAGE_UNREADABLE;
	}
	/* Without ZIP64 an archive this reader takes is at most 4 GiB. */
	if ((unsigned long long)sb.st_size > 0xFFFFFFFFull) {
		fclose(f);
		snprintf(r->why, sizeof r->why, "%s is larger than 4 GiB (ZIP64 is not read)", path);
		return PACKAGE_UNREADABLE;
	}
	size_t len = (size_t)sb.st_size;
	char *buf = malloc(len ? len : 1);
	bool ok = buf && fread(buf, 1, len, f) == len;
	fclose(f);
	if (!ok) {
		free(buf);
		snprintf(r->why, sizeof r->why, "cannot read %s", path);
		return PACKAGE_UNREADABLE;
	}
	enum package_result res = package_verify_buffer(buf, len, r);
	free(buf);
	return res;
}
