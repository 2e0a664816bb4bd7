/* SPDX-License-Identifier: EUPL-1.2 */
/* The public copy of an issued letter (render/letter_public.h): the body's
 * Markdown is parsed, its text cleaned of the requester's data node by
 * node, read again for anything left, and written back as CommonMark. */
#include "render/letter_public.h"

#include <cmark.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "law/personal.h"
#include "render/letter_internal.h"

/* ---- Folded text ------------------------------------------------------- */

/* Text compared without case, Polish diacritics or runs of blanks; map[i]
 * is the source offset of folded byte i, map[n] the source's length. */
struct folded {
	char *s;
	size_t *map;
	size_t n;
};

static char fold_cp(unsigned cp)
{
	static const struct {
		unsigned cp;
		char to;
	} pl[] = {{0x104, 'a'}, {0x105, 'a'}, {0x106, 'c'}, {0x107, 'c'}, {0x118, 'e'},
	          {0x119, 'e'}, {0x141, 'l'}, {0x142, 'l'}, {0x143, 'n'}, {0x144, 'n'},
	          {0xD3, 'o'},  {0xF3, 'o'},  {0x15A, 's'}, {0x15B, 's'}, {0x179, 'z'},
	          {0x17A, 'z'}, {0x17B, 'z'}, {0x17C, 'z'}};
	for (size_t i = 0; i < sizeof pl / sizeof pl[0]; i++)
		if (pl[i].cp == cp)
			return pl[i].to;
	return 0;
}

static bool blank_cp(unsigned cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 || cp == 0x202F;
}

static void fold(const char *src, size_t len, struct folded *f)
{
	f->s = xmalloc(len + 1);
	f->map = xmalloc((len + 1) * sizeof *f->map);
	f->n = 0;
	bool space = false;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = utf8_decode((const unsigned char *)src + i, len - i, &cp);
		if (k == 0)
			k = 1;
		if (blank_cp(cp)) {
			if (!space) {
				f->map[f->n] = i;
				f->s[f->n++] = ' ';
			}
			space = true;
			i += k;
			continue;
		}
		space = false;
		char to = cp < 0x80 ? (char)tolower((int)cp) : fold_cp(cp);
		if (to) {
			f->map[f->n] = i;
			f->s[f->n++] = to;
		} else {
			for (size_t b = 0; b < k; b++) {
				f->map[f->n] = i;
				f->s[f->n++] = src[i + b];
			}
		}
		i += k;
	}
	f->map[f->n] = len;
	f->s[f->n] = '\0';
}

static void folded_free(struct folded *f)
{
	free(f->s);
	free(f->map);
}

/* The folded text of `s`, without blanks at either end (malloc'd). */
static char *fold_str(const char *s)
{
	struct folded f;
	fold(s ? s : "", s ? strlen(s) : 0, &f);
	free(f.map);
	size_t start = 0, end = f.n;
	while (start < end && f.s[start] == ' ')
		start++;
	while (end > start && f.s[end - 1] == ' ')
		end--;
	memmove(f.s, f.s + start, end - start);
	f.s[end - start] = '\0';
	return f.s;
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || (unsigned char)c >= 0x80;
}

/* ---- What to look for -------------------------------------------------- */

#define MAX_PARTS 8
#define LETTER_REFS_MAX 24
#define FINDINGS_MAX 128

struct needles {
	char *email, *name, *first;
	char *surnames[MAX_PARTS]; /* a stem found as a word's start, or a whole word */
	bool stem[MAX_PARTS];
	int nsurnames;
	char *address[MAX_PARTS];
	int naddress;
	char phone[10]; /* the last nine digits, or "" */
	/* For the detector (law/personal.h): the requester as a known person,
	 * and what the body itself says of itself (its address, e-mail, phone,
	 * account, the appeal body's address, the signer), which is no one's
	 * personal data. */
	law_person_t person;
	const char *refs[LETTER_REFS_MAX];
	size_t nrefs;
};

static bool is_vowel(char c)
{
	return strchr("aeiouy", c) != NULL;
}

/* "kowalski" and "kowalska" -> "kowalsk": the part of a Polish name that
 * its cases keep. */
static size_t stem_len(const char *w, size_t n, size_t min)
{
	while (n > min && is_vowel(w[n - 1]))
		n--;
	return n;
}

static void add_surname(struct needles *nd, const char *w, size_t n)
{
	if (n < 2 || nd->nsurnames == MAX_PARTS)
		return;
	size_t s = stem_len(w, n, 4);
	bool stem = s >= 4;
	nd->surnames[nd->nsurnames] = strndup(w, stem ? s : n);
	nd->stem[nd->nsurnames++] = stem;
}

/* The variables that hold the body's own data, not anyone's personal data:
 * its letterhead and authorities, the addressee of a letter the body
 * writes to an appeal body or a court, the signer in their public role,
 * and the account a fee is paid to. */
static bool own_var(const char *name)
{
	static const char *const prefixes[] = {"org.", "addressee.", "signer.", "fee.account"};
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static void needles_make(const letter_personal_t *who, json_t *vars, struct needles *nd)
{
	memset(nd, 0, sizeof *nd);
	nd->person = (law_person_t){who->name, who->email, who->phone, who->address};
	for (size_t i = 0; vars && i < letter_var_count && nd->nrefs < LETTER_REFS_MAX; i++) {
		json_t *v = own_var(letter_vars[i].name) ? letter_lookup(vars, letter_vars[i].name)
		                                         : NULL;
		if (json_is_string(v) && *json_string_value(v))
			nd->refs[nd->nrefs++] = json_string_value(v);
	}
	nd->email = fold_str(who->email);
	nd->name = fold_str(who->name);
	/* The words of the name: the first is the first name when there are
	 * more; every other part (also of a double-barrelled name) a surname. */
	const char *p = nd->name;
	bool first = strchr(nd->name, ' ') != NULL;
	while (*p) {
		size_t n = strcspn(p, " ");
		if (first) {
			size_t s = stem_len(p, n, 3);
			if (s >= 3)
				nd->first = strndup(p, s);
			first = false;
		} else {
			for (const char *q = p; q < p + n;) {
				size_t m = strcspn(q, "-");
				if (m > (size_t)(p + n - q))
					m = (size_t)(p + n - q);
				add_surname(nd, q, m);
				q += m + (q + m < p + n);
			}
		}
		p += n + (p[n] == ' ');
	}
	/* The parts of the address with a number: the street, the postcode
	 * with the town (the town alone names no one). */
	char *addr = xstrdup(who->address ? who->address : ""), *rest;
	for (char *part = strtok_r(addr, ",;\n", &rest); part && nd->naddress < MAX_PARTS;
	     part = strtok_r(NULL, ",;\n", &rest)) {
		char *f = fold_str(part);
		if (strpbrk(f, "0123456789") && strlen(f) >= 4)
			nd->address[nd->naddress++] = f;
		else
			free(f);
	}
	free(addr);
	char digits[32];
	size_t n = 0;
	for (const char *q = who->phone ? who->phone : ""; *q && n < sizeof digits - 1; q++)
		if (isdigit((unsigned char)*q))
			digits[n++] = *q;
	if (n >= 7) {
		const char *last = n > 9 ? digits + n - 9 : digits;
		memcpy(nd->phone, last, (size_t)(digits + n - last));
		nd->phone[digits + n - last] = '\0';
	}
}

static void needles_free(struct needles *nd)
{
	free(nd->email);
	free(nd->name);
	free(nd->first);
	for (int i = 0; i < nd->nsurnames; i++)
		free(nd->surnames[i]);
	for (int i = 0; i < nd->naddress; i++)
		free(nd->address[i]);
}

/* ---- Finding it -------------------------------------------------------- */

struct range {
	size_t start, end; /* folded offsets */
	const char *what;
};

struct ranges {
	struct range *r;
	size_t n, cap;
};

static void range_add(struct ranges *rs, size_t start, size_t end, const char *what)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 8;
		rs->r = xrealloc(rs->r, rs->cap * sizeof *rs->r);
	}
	rs->r[rs->n++] = (struct range){start, end, what};
}

static void find_all(const char *t, const char *needle, bool whole, const char *what,
                     struct ranges *rs)
{
	size_t n = strlen(needle);
	for (const char *p = t; n && (p = strstr(p, needle)) != NULL; p++)
		if (!whole || ((p == t || !word_char(p[-1])) && !word_char(p[n])))
			range_add(rs, (size_t)(p - t), (size_t)(p - t) + n, what);
}

/* Words beginning with `stem`, whole. */
static void find_stem(const char *t, const char *stem, struct ranges *rs)
{
	size_t n = strlen(stem);
	for (const char *p = t; (p = strstr(p, stem)) != NULL; p++) {
		if (p > t && word_char(p[-1]))
			continue;
		const char *e = p + n;
		while (word_char(*e))
			e++;
		range_add(rs, (size_t)(p - t), (size_t)(e - t), "surname");
	}
}

const char *letter_phone_at(const char *t, const char *p, const char *digits)
{
	if (!*digits || *p != digits[0] || (p > t && isdigit((unsigned char)p[-1])))
		return NULL;
	const char *w = digits;
	while (*w && *p) {
		if (*p == *w) {
			p++;
			w++;
		} else if (strchr(" \t.-/()", *p)) {
			p++;
		} else {
			break;
		}
	}
	return !*w && !isdigit((unsigned char)*p) ? p : NULL;
}

/* Every place the phone's digits stand in `t`. */
static void find_phone(const char *t, const char *want, struct ranges *rs)
{
	for (const char *p = t; *want && *p; p++) {
		const char *end = letter_phone_at(t, p, want);
		if (end)
			range_add(rs, (size_t)(p - t), (size_t)(end - t), "phone");
	}
}

static int by_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Everything of `nd` in the folded `t`, sorted, overlapping and
 * blank-separated ranges merged. */
static void find_personal(const char *t, const struct needles *nd, struct ranges *rs)
{
	rs->n = 0;
	if (strlen(nd->email) >= 3)
		find_all(t, nd->email, false, "e-mail", rs);
	if (nd->phone[0])
		find_phone(t, nd->phone, rs);
	for (int i = 0; i < nd->naddress; i++)
		find_all(t, nd->address[i], true, "address", rs);
	if (strlen(nd->name) >= 4)
		find_all(t, nd->name, true, "name", rs);
	size_t before = rs->n;
	for (int i = 0; i < nd->nsurnames; i++) {
		if (nd->stem[i])
			find_stem(t, nd->surnames[i], rs);
		else
			find_all(t, nd->surnames[i], true, "surname", rs);
	}
	/* "Jana Kowalskiego": the first name just before a surname goes too. */
	for (size_t i = before; nd->first && i < rs->n; i++) {
		size_t s = rs->r[i].start;
		if (s < 2 || t[s - 1] != ' ')
			continue;
		size_t w = s - 1;
		while (w > 0 && word_char(t[w - 1]))
			w--;
		if (w < s - 1 && !strncmp(t + w, nd->first, strlen(nd->first)))
			rs->r[i].start = w;
	}
	if (rs->n < 2)
		return;
	qsort(rs->r, rs->n, sizeof *rs->r, by_start);
	size_t out = 0;
	for (size_t i = 1; i < rs->n; i++) {
		struct range *last = &rs->r[out];
		size_t gap = rs->r[i].start;
		while (gap > last->end && t[gap - 1] == ' ')
			gap--;
		if (gap <= last->end) {
			if (rs->r[i].end > last->end)
				last->end = rs->r[i].end;
		} else {
			rs->r[++out] = rs->r[i];
		}
	}
	rs->n = out + 1;
}

const char *letter_personal_in(const char *text, const letter_personal_t *who)
{
	struct needles nd;
	needles_make(who, NULL, &nd);
	struct folded f;
	fold(text ? text : "", text ? strlen(text) : 0, &f);
	struct ranges rs = {0};
	find_personal(f.s, &nd, &rs);
	const char *what = rs.n ? rs.r[0].what : NULL;
	free(rs.r);
	folded_free(&f);
	needles_free(&nd);
	return what;
}

/* Whether the detector's finding is to go from the public copy: the
 * requester's name in any case form (LETTER_REDACTED), or data of a kind
 * that names someone whoever it belongs to (LETTER_ANONYMISED) unless the
 * body says it of itself. NIP and REGON stay: mostly a business's, which
 * is public (CEIDG, KRS). */
static const char *to_remove(const char *s, const law_personal_finding_t *f,
                             const struct needles *nd)
{
	switch (f->kind) {
	case LAW_PII_NAME:
		return LETTER_REDACTED;
	case LAW_PII_NIP:
	case LAW_PII_REGON:
	case LAW_PII_KIND_COUNT:
		return NULL;
	default:
		break;
	}
	for (size_t i = 0; i < nd->nrefs; i++)
		if (law_personal_same(f->kind, s + f->start, f->end - f->start, nd->refs[i]))
			return NULL;
	return LETTER_ANONYMISED;
}

/* What the detector (law/personal.h) finds in `s` that is to go: its
 * findings in `f`, each with its replacement in `with` (NULL: stays).
 * Returns how many there are; -1 when it could not look (then nothing is
 * known: no public copy). */
static long detect(const char *s, const struct needles *nd, law_personal_finding_t *f,
                   const char **with)
{
	long n = law_personal_find(s, strlen(s), &nd->person, 1, f, FINDINGS_MAX);
	if (n < 0 || n > FINDINGS_MAX)
		return -1;
	for (long i = 0; i < n; i++)
		with[i] = to_remove(s, &f[i], nd);
	return n;
}

/* `s` with what the detector finds replaced (malloc'd), or NULL when there
 * is nothing to replace or the detector could not look (*failed). */
static char *anonymise(const char *s, const struct needles *nd, bool *failed)
{
	law_personal_finding_t f[FINDINGS_MAX];
	const char *with[FINDINGS_MAX];
	long n = detect(s, nd, f, with);
	if (n < 0) {
		*failed = true;
		return NULL;
	}
	strbuf_t sb;
	sb_init(&sb, NULL);
	size_t at = 0;
	for (long i = 0; i < n; i++) {
		if (!with[i])
			continue;
		sb_append(&sb, s + at, f[i].start - at);
		sb_puts(&sb, with[i]);
		at = f[i].end;
	}
	if (at == 0) {
		sb_free(&sb);
		return NULL;
	}
	sb_puts(&sb, s + at);
	return sb.data;
}

static char *redact_requester(const char *s, const struct needles *nd);

/* `s` with everything of `nd` replaced by LETTER_REDACTED and what else
 * the detector finds by LETTER_ANONYMISED (malloc'd), or NULL when there
 * was nothing. */
static char *redact(const char *s, const struct needles *nd, bool *failed)
{
	char *first = redact_requester(s, nd);
	char *second = anonymise(first ? first : s, nd, failed);
	if (second) {
		free(first);
		return second;
	}
	return first;
}

/* `s` with everything of `nd` replaced by LETTER_REDACTED (malloc'd), or
 * NULL when there was nothing. */
static char *redact_requester(const char *s, const struct needles *nd)
{
	struct folded f;
	fold(s, strlen(s), &f);
	struct ranges rs = {0};
	find_personal(f.s, nd, &rs);
	char *out = NULL;
	if (rs.n) {
		strbuf_t sb;
		sb_init(&sb, NULL);
		size_t at = 0;
		for (size_t i = 0; i < rs.n; i++) {
			size_t from = f.map[rs.r[i].start], to = f.map[rs.r[i].end];
			sb_append(&sb, s + at, from - at);
			sb_puts(&sb, LETTER_REDACTED);
			at = to;
		}
		sb_puts(&sb, s + at);
		out = sb.data;
	}
	free(rs.r);
	folded_free(&f);
	return out;
}

/* ---- The body ---------------------------------------------------------- */

static void set_redacted(cmark_node *n, const struct needles *nd, bool *failed)
{
	const char *lit = cmark_node_get_literal(n);
	char *r = lit ? redact(lit, nd, failed) : NULL;
	if (r)
		cmark_node_set_literal(n, r);
	free(r);
}

/* The visible text of `n` and what it holds: text, code, line breaks as
 * blanks, link targets (a PDF may keep them). */
static void visible_text(cmark_node *n, strbuf_t *out)
{
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(c);
		if (ev == CMARK_EVENT_EXIT) {
			if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
			    t == CMARK_NODE_ITEM)
				sb_putc(out, '\n');
			continue;
		}
		const char *lit = cmark_node_get_literal(c);
		if (lit && (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE ||
		            t == CMARK_NODE_CODE_BLOCK || t == CMARK_NODE_HTML_INLINE ||
		            t == CMARK_NODE_HTML_BLOCK))
			sb_puts(out, lit);
		else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
			sb_putc(out, ' ');
		if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) {
			const char *u = cmark_node_get_url(c), *ti = cmark_node_get_title(c);
			sb_printf(out, " %s %s ", u ? u : "", ti ? ti : "");
		}
	}
	cmark_iter_free(it);
}

/* The "Otrzymują:" paragraph (KPA art. 107: who receives the decision). */
static bool is_recipients(cmark_node *n)
{
	if (cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH)
		return false;
	strbuf_t sb;
	sb_init(&sb, NULL);
	visible_text(n, &sb);
	char *f = fold_str(sb.data ? sb.data : "");
	bool yes = !strncmp(f, "otrzymuja", 9) || !strncmp(f, "do wiadomosci", 13);
	free(f);
	sb_free(&sb);
	return yes;
}

struct nodes {
	cmark_node **v;
	size_t n, cap;
};

static void nodes_add(struct nodes *ns, cmark_node *n)
{
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 64;
		ns->v = xrealloc(ns->v, ns->cap * sizeof *ns->v);
	}
	ns->v[ns->n++] = n;
}

/* Cleans every node in place; what is to go entirely is added to `drop`
 * (top-level blocks, freed by the caller). Nothing is freed here, so the
 * list of nodes stays valid. */
static void clean_nodes(const struct nodes *all, const struct needles *nd, struct nodes *drop,
                        bool *failed)
{
	for (size_t i = 0; i < all->n; i++) {
		cmark_node *n = all->v[i];
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT: {
			/* A name may span text nodes ("jan\_kowalski@..." is three):
			 * join the run first. */
			const char *lit = cmark_node_get_literal(n);
			cmark_node *next = cmark_node_next(n);
			if (lit && next && cmark_node_get_type(next) == CMARK_NODE_TEXT) {
				strbuf_t sb;
				sb_init(&sb, NULL);
				sb_puts(&sb, lit);
				for (; next && cmark_node_get_type(next) == CMARK_NODE_TEXT;
				     next = cmark_node_next(next)) {
					const char *l = cmark_node_get_literal(next);
					sb_puts(&sb, l ? l : "");
					cmark_node_set_literal(next, "");
				}
				cmark_node_set_literal(n, sb.data ? sb.data : "");
				sb_free(&sb);
			}
			set_redacted(n, nd, failed);
			break;
		}
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK:
			set_redacted(n, nd, failed);
			break;
		case CMARK_NODE_HTML_INLINE:
		case CMARK_NODE_HTML_BLOCK:
			cmark_node_set_literal(n, "");
			break;
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			cmark_node_set_url(n, "");
			cmark_node_set_title(n, "");
			break;
		case CMARK_NODE_PARAGRAPH:
			if (cmark_node_parent(n) == NULL ||
			    cmark_node_get_type(cmark_node_parent(n)) != CMARK_NODE_DOCUMENT ||
			    !is_recipients(n))
				break;
			nodes_add(drop, n);
			cmark_node *list = cmark_node_next(n);
			if (list && cmark_node_get_type(list) == CMARK_NODE_LIST)
				nodes_add(drop, list);
			break;
		default:
			break;
		}
	}
}

bool letter_public_markdown(const char *markdown, const letter_personal_t *who, json_t *vars,
                            strbuf_t *out, char *err, size_t errlen)
{
	const char *md = markdown ? markdown : "";
	cmark_node *doc =
	    cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8);
	if (!doc)
		return letter_fail(err, errlen, "the letter's Markdown cannot be parsed");
	struct needles nd;
	needles_make(who, vars, &nd);
	struct nodes all = {0}, drop = {0};
	bool failed = false;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		if (ev == CMARK_EVENT_ENTER)
			nodes_add(&all, cmark_iter_get_node(it));
	cmark_iter_free(it);
	clean_nodes(&all, &nd, &drop, &failed);
	for (size_t i = 0; i < drop.n; i++) {
		cmark_node_unlink(drop.v[i]);
		cmark_node_free(drop.v[i]);
	}
	free(all.v);
	free(drop.v);
	/* Read the copy again, as a whole: what the cleaning missed (split
	 * across emphasis, say) means no public copy. */
	strbuf_t text;
	sb_init(&text, NULL);
	visible_text(doc, &text);
	const char *left = letter_personal_in(text.data ? text.data : "", who);
	law_personal_finding_t f[FINDINGS_MAX];
	const char *with[FINDINGS_MAX];
	long n = left || failed ? 0 : detect(text.data ? text.data : "", &nd, f, with);
	long first = 0; /* the first finding that should have gone */
	while (first < n && !with[first])
		first++;
	needles_free(&nd);
	bool ok = !left && !failed && n >= 0 && first == n;
	if (left) {
		letter_fail(err, errlen, "the requester's %s is still in the letter's text", left);
	} else if (failed || n < 0) {
		letter_fail(err, errlen, "the letter's text could not be checked for personal data");
	} else if (first < n) {
		letter_fail(err, errlen, "personal data (%s) is still in the letter's text",
		            law_personal_kind_name(f[first].kind));
	} else {
		char *cm = cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0);
		sb_puts(out, cm);
		cmark_get_default_mem_allocator()->free(cm);
	}
	sb_free(&text);
	cmark_node_free(doc);
	return ok;
}

/* ---- The frame --------------------------------------------------------- */

static void set_in(json_t *vars, const char *obj, const char *key, const char *value)
{
	json_t *o = json_object_get(vars, obj);
	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(vars, obj, o);
	}
	json_object_set_new(o, key, json_string(value));
}

json_t *letter_public_vars(json_t *vars, const letter_personal_t *who, char *err, size_t errlen)
{
	json_t *pub = json_deep_copy(vars);
	if (!json_is_object(pub)) {
		json_decref(pub);
		letter_fail(err, errlen, "variables must be a JSON object");
		return NULL;
	}
	set_in(pub, "requester", "name", LETTER_REDACTED);
	set_in(pub, "requester", "address", "");
	set_in(pub, "requester", "email", "");
	for (size_t i = 0; i < letter_var_count; i++) {
		if (!letter_vars[i].frame)
			continue;
		json_t *v = letter_lookup(pub, letter_vars[i].name);
		const char *what = json_is_string(v) ? letter_personal_in(json_string_value(v), who)
		                                     : NULL;
		if (what) {
			letter_fail(err, errlen, "the requester's %s is in the frame variable \"%s\"",
			            what, letter_vars[i].name);
			json_decref(pub);
			return NULL;
		}
	}
	return pub;
}
