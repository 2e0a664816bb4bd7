/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/export_meta.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cases/package.h"
#include "core/strbuf.h"

#define NDAP_NS "http://www.mswia.gov.pl/standardy/ndap"
#define SAFE_MAX 80

static bool plain(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/* `n` bytes of `s` as a safe stem into `out` (room for SAFE_MAX + 1);
 * one '_' for each UTF-8 character that is not kept. */
static size_t stem(const char *s, size_t n, char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < SAFE_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xC0) == 0x80)
			continue; /* a continuation byte: its lead gave the '_' */
		out[k++] = plain((char)c) ? (char)c : '_';
	}
	out[k] = '\0';
	return k;
}

const char *export_safe_name(arena_t *a, const char *s)
{
	char buf[SAFE_MAX + 1];
	size_t k = stem(s ? s : "", s ? strlen(s) : 0, buf);
	return arena_strdup(a, k ? buf : "sprawa");
}

const char *export_safe_file(arena_t *a, const char *s)
{
	s = s ? s : "";
	size_t n = strlen(s);
	const char *dot = strrchr(s, '.');
	size_t ext = dot ? n - (size_t)(dot - s) - 1 : 0;
	bool ok = dot && dot > s && ext >= 1 && ext <= 8;
	for (size_t i = 0; ok && i < ext; i++)
		ok = isalnum((unsigned char)dot[1 + i]);
	char buf[SAFE_MAX + 1];
	size_t k = stem(s, ok ? (size_t)(dot - s) : n, buf);
	if (k > SAFE_MAX - 9)
		k = SAFE_MAX - 9;
	buf[k] = '\0';
	return ok ? arena_printf(a, "%s.%s", k ? buf : "plik", dot + 1) : arena_strdup(a, k ? buf : "plik");
}

void export_number(arena_t *a, const struct export_case *c, struct export_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct export_item *it = &items[i];
		it->no = (int)i + 1;
		const char *name = export_safe_file(a, it->name);
		const char *dot = strrchr(name, '.');
		size_t stem_len = dot ? (size_t)(dot - name) : strlen(name);
		it->file = arena_printf(a, "dokumenty/%03d-%s", it->no, name);
		it->meta = arena_printf(a, "metadane/%03d-%.*s.xml", it->no, (int)stem_len, name);
		it->id = arena_printf(a, "%s:%s:%lld", c->org_slug, it->kind, it->key);
	}
}

/* ---- XML text -------------------------------------------------------------- */

/* Text for an element or an attribute: & < > " escaped; characters XML
 * 1.0 cannot hold (controls other than tab and line breaks) left out. */
static void esc(strbuf_t *sb, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': sb_puts(sb, "&amp;"); break;
		case '<': sb_puts(sb, "&lt;"); break;
		case '>': sb_puts(sb, "&gt;"); break;
		case '"': sb_puts(sb, "&quot;"); break;
		case '\r': sb_puts(sb, "&#13;"); break;
		default:
			if (c >= 0x20 || c == '\t' || c == '\n')
				sb_putc(sb, (char)c);
		}
	}
}

/* <name>text</name> on a line of its own at `depth`; nothing for NULL or
 * "" unless `always`. */
static void el(strbuf_t *sb, int depth, const char *name, const char *text)
{
	if (!text || !*text)
		return;
	sb_printf(sb, "%*s<%s>", depth * 2, "", name);
	esc(sb, text);
	sb_printf(sb, "</%s>\n", name);
}

static void open_el(strbuf_t *sb, int depth, const char *name)
{
	sb_printf(sb, "%*s<%s>\n", depth * 2, "", name);
}

static void close_el(strbuf_t *sb, int depth, const char *name)
{
	sb_printf(sb, "%*s</%s>\n", depth * 2, "", name);
}

/* A whole name split as NDAP wants it: the surname is the last word, the
 * given names the words before it. */
static void person_names(strbuf_t *sb, int depth, const char *name, const char *surname_el,
                         const char *given_el)
{
	const char *s = name && *name ? name : "nieznany";
	const char *sp = strrchr(s, ' ');
	el(sb, depth, surname_el, sp && sp[1] ? sp + 1 : s);
	if (sp && sp[1] && sp > s) {
		sb_printf(sb, "%*s<%s>", depth * 2, "", given_el);
		char *given = arena_strndup(sb->arena, s, (size_t)(sp - s));
		esc(sb, given);
		sb_printf(sb, "</%s>\n", given_el);
	}
}

static void party(strbuf_t *sb, int depth, const struct export_party *p)
{
	open_el(sb, depth, "ndap:podmiot");
	if (p->person) {
		open_el(sb, depth + 1, "ndap:osoba");
		person_names(sb, depth + 2, p->name, "ndap:nazwisko", "ndap:imie");
		close_el(sb, depth + 1, "ndap:osoba");
	} else {
		open_el(sb, depth + 1, "ndap:instytucja");
		el(sb, depth + 2, "ndap:nazwa", p->name && *p->name ? p->name : "nieznana");
		if (p->unit && *p->unit) {
			open_el(sb, depth + 2, "ndap:jednostka");
			el(sb, depth + 3, "ndap:nazwa", p->unit);
			if (p->employee && *p->employee) {
				open_el(sb, depth + 3, "ndap:pracownik");
				person_names(sb, depth + 4, p->employee, "ndap:nazwisko", "ndap:imie");
				el(sb, depth + 4, "ndap:funkcja", p->position);
				close_el(sb, depth + 3, "ndap:pracownik");
			}
			close_el(sb, depth + 2, "ndap:jednostka");
		}
		close_el(sb, depth + 1, "ndap:instytucja");
	}
	close_el(sb, depth, "ndap:podmiot");
}

static void identifier(strbuf_t *sb, int depth, const char *type, const char *value,
                       const struct export_case *c)
{
	open_el(sb, depth, "ndap:identyfikator");
	el(sb, depth + 1, "ndap:typ", type);
	el(sb, depth + 1, "ndap:wartosc", value);
	party(sb, depth + 1, &(struct export_party){.name = c->org_name});
	close_el(sb, depth, "ndap:identyfikator");
}

/* The elements in the order of dokument-typ's sequence. */
const char *export_ndap_xml(arena_t *a, const struct export_case *c, const struct export_item *it,
                            const struct export_item *items, size_t n, size_t *len)
{
	strbuf_t sb;
	sb_init(&sb, a);
	sb_puts(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ndap:dokument xmlns:ndap=\"" NDAP_NS "\">\n");
	if (it->has_recipient) {
		open_el(&sb, 1, "ndap:odbiorca");
		party(&sb, 2, &it->recipient);
		el(&sb, 2, "ndap:rodzaj", "glowny");
		close_el(&sb, 1, "ndap:odbiorca");
	}
	open_el(&sb, 1, "ndap:data");
	el(&sb, 2, "ndap:typ", it->date_kind);
	el(&sb, 2, "ndap:czas", it->at);
	close_el(&sb, 1, "ndap:data");
	/* Case files name the requester: their content is for those the law
	 * lets see it (UDIP art. 5 ust. 2, RODO), the metadata are not. */
	open_el(&sb, 1, "ndap:dostep");
	el(&sb, 2, "ndap:dostepnosc", "metadane");
	el(&sb, 2, "ndap:uwagi",
	   "Akta sprawy zawierają dane osobowe wnioskodawcy; treść dostępna na zasadach art. 5 "
	   "ustawy o dostępie do informacji publicznej i RODO.");
	close_el(&sb, 1, "ndap:dostep");
	open_el(&sb, 1, "ndap:format");
	el(&sb, 2, "ndap:typ", it->content_type);
	el(&sb, 2, "ndap:specyfikacja", it->spec);
	if (it->data)
		sb_printf(&sb, "    <ndap:wielkosc jednostka=\"bajt\">%zu</ndap:wielkosc>\n", it->len);
	close_el(&sb, 1, "ndap:format");
	open_el(&sb, 1, "ndap:grupowanie");
	el(&sb, 2, "ndap:typ", "akta sprawy");
	el(&sb, 2, "ndap:kod", c->case_number);
	el(&sb, 2, "ndap:opis", c->subject && *c->subject ? c->subject : c->case_number);
	close_el(&sb, 1, "ndap:grupowanie");
	identifier(&sb, 1, "SystemID", it->id, c);
	identifier(&sb, 1, "znak sprawy", c->case_number, c);
	sb_puts(&sb, "  <ndap:jezyk kod=\"pol\">polski</ndap:jezyk>\n");
	open_el(&sb, 1, "ndap:kwalifikacja");
	el(&sb, 2, "ndap:kategoria", c->category);
	el(&sb, 2, "ndap:data", c->received_on);
	party(&sb, 2, &(struct export_party){.name = c->org_name});
	close_el(&sb, 1, "ndap:kwalifikacja");
	if (it->rel_kind) {
		const char *other = NULL;
		for (size_t i = 0; i < n && !other; i++)
			if (!strcmp(items[i].kind, it->rel_kind) && items[i].key == it->rel_key)
				other = items[i].id;
		if (other) {
			open_el(&sb, 1, "ndap:relacja");
			identifier(&sb, 2, "SystemID", other, c);
			el(&sb, 2, "ndap:typ", it->rel_word);
			close_el(&sb, 1, "ndap:relacja");
		}
	}
	open_el(&sb, 1, "ndap:tworca");
	el(&sb, 2, "ndap:funkcja", "utworzył");
	party(&sb, 2, &it->author);
	close_el(&sb, 1, "ndap:tworca");
	if (it->signer && *it->signer) {
		open_el(&sb, 1, "ndap:tworca");
		el(&sb, 2, "ndap:funkcja", "podpisał");
		party(&sb, 2, &(struct export_party){.person = true, .name = it->signer});
		close_el(&sb, 1, "ndap:tworca");
	}
	open_el(&sb, 1, "ndap:typ");
	el(&sb, 2, "ndap:kategoria", "tekst");
	el(&sb, 2, "ndap:rodzaj", it->rodzaj);
	close_el(&sb, 1, "ndap:typ");
	open_el(&sb, 1, "ndap:tytul");
	sb_puts(&sb, "    <ndap:oryginalny jezyk=\"pol\">");
	esc(&sb, it->title && *it->title ? it->title : it->name);
	sb_puts(&sb, "</ndap:oryginalny>\n");
	close_el(&sb, 1, "ndap:tytul");
	sb_puts(&sb, "</ndap:dokument>\n");
	*len = sb.len;
	return sb.data;
}

/* An attribute name="value" (nothing for NULL). */
static void at(strbuf_t *sb, const char *name, const char *value)
{
	if (!value)
		return;
	sb_printf(sb, " %s=\"", name);
	esc(sb, value);
	sb_putc(sb, '"');
}

const char *export_case_xml(arena_t *a, const struct export_case *c, const struct export_item *items,
                            size_t n, size_t *len)
{
	strbuf_t sb;
	sb_init(&sb, a);
	sb_puts(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sprawa xmlns=\"" PACKAGE_NS
	             "\" format=\"" PACKAGE_FORMAT "\">\n");
	el(&sb, 1, "znak", c->case_number);
	sb_puts(&sb, "  <organ");
	at(&sb, "slug", c->org_slug);
	sb_putc(&sb, '>');
	esc(&sb, c->org_name);
	sb_puts(&sb, "</organ>\n  <komorka");
	at(&sb, "symbol", c->unit_symbol);
	sb_putc(&sb, '>');
	esc(&sb, c->unit_name);
	sb_puts(&sb, "</komorka>\n  <klasa");
	at(&sb, "jrwa", c->jrwa_class);
	at(&sb, "kategoria", c->category);
	sb_puts(&sb, "/>\n  <rodzaj");
	at(&sb, "kod", c->kind);
	sb_putc(&sb, '>');
	esc(&sb, c->kind_label);
	sb_puts(&sb, "</rodzaj>\n");
	el(&sb, 1, "przedmiot", c->subject);
	sb_puts(&sb, "  <wplynela");
	at(&sb, "dnia", c->received_on);
	at(&sb, "kanal", c->channel);
	sb_putc(&sb, '>');
	esc(&sb, c->channel_label);
	sb_puts(&sb, "</wplynela>\n  <stan");
	at(&sb, "kod", c->state);
	at(&sb, "zakonczona", c->closed_on);
	sb_putc(&sb, '>');
	esc(&sb, c->state_label);
	sb_puts(&sb, "</stan>\n");
	el(&sb, 1, "wyeksportowano", c->exported_at);
	sb_puts(&sb, "  <rejestrZdarzen");
	at(&sb, "plik", c->events_file);
	at(&sb, "sha256", c->events_sha256);
	sb_printf(&sb, " zdarzen=\"%d\"/>\n  <dokumenty>\n", c->events);
	for (size_t i = 0; i < n; i++) {
		const struct export_item *it = &items[i];
		sb_printf(&sb, "    <dokument lp=\"%d\"", it->no);
		at(&sb, "id", it->id);
		at(&sb, "rodzaj", it->kind);
		if (it->data)
			at(&sb, "plik", it->file);
		else
			at(&sb, "usuniety", "tak");
		at(&sb, "metadane", it->meta);
		at(&sb, "typ", it->content_type);
		if (it->data)
			sb_printf(&sb, " rozmiar=\"%zu\"", it->len);
		at(&sb, "sha256", it->sha256[0] ? it->sha256 : NULL);
		at(&sb, "data", it->at);
		sb_puts(&sb, ">");
		esc(&sb, it->title && *it->title ? it->title : it->name);
		sb_puts(&sb, "</dokument>\n");
	}
	sb_puts(&sb, "  </dokumenty>\n</sprawa>\n");
	*len = sb.len;
	return sb.data;
}
