/* SPDX-License-Identifier: EUPL-1.2 */
#include "mail/parse.h"

#include <ctype.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "core/utf8.h"
#include "mail/classify.h"
#include "mail/html.h"
#include "mail/text.h"

const struct mail_limits mail_limits_default = {
    .depth = 16,
    .parts = 500,
    .decoded = 64u * 1024 * 1024,
    .text = 2u * 1024 * 1024,
};

/* Header values and addresses longer than a line of RFC 5322 (998) are
 * cut there. */
#define HEADER_MAX 998
#define REFS_MAX 100

static const char note_tnef[] =
    "Załącznik w formacie Microsoft Outlook (winmail.dat, TNEF), którego system nie potrafi "
    "otworzyć; poproś nadawcę o przesłanie plików jako zwykłych załączników.";
static const char note_encrypted[] =
    "Zaszyfrowana lub podpisana część wiadomości (S/MIME lub PGP), której system nie potrafi "
    "odczytać.";
static const char marker_forward[] = "---------- Wiadomość przekazana ----------";

const char *mail_kind_name(enum mail_kind k)
{
	switch (k) {
	case MAIL_AUTO_REPLY:
		return "auto_reply";
	case MAIL_BOUNCE:
		return "bounce";
	case MAIL_UNREADABLE:
		return "unreadable";
	case MAIL_MESSAGE:
		break;
	}
	return "message";
}

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_ready(void)
{
	g_mime_init();
}

/* A made-up file name's extension by media type, for a part that has no
 * name. */
static const struct {
	const char *type, *ext;
} extensions[] = {
    {"application/pdf", "pdf"},   {"image/jpeg", "jpg"},      {"image/png", "png"},
    {"image/gif", "gif"},         {"image/tiff", "tif"},      {"image/bmp", "bmp"},
    {"image/webp", "webp"},       {"image/heic", "heic"},     {"text/plain", "txt"},
    {"text/html", "html"},        {"text/calendar", "ics"},   {"text/csv", "csv"},
    {"application/zip", "zip"},   {"application/msword", "doc"},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
    {"application/vnd.ms-excel", "xls"},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
    {"application/vnd.oasis.opendocument.text", "odt"},
    {"application/vnd.oasis.opendocument.spreadsheet", "ods"},
    {"application/ms-tnef", "dat"}, {"application/vnd.ms-tnef", "dat"},
    {"application/pkcs7-signature", "p7s"}, {"application/pkcs7-mime", "p7m"},
    {"application/pgp-signature", "asc"}, {"message/delivery-status", "txt"},
    {"text/rfc822-headers", "txt"}, {"message/rfc822", "eml"},
};

struct walk {
	arena_t *a;
	const struct mail_limits *lim;
	GMimeParserOptions *opts;
	struct mail *m;
	strbuf_t text;
	strbuf_t notes;
	struct mail_part *parts;
	size_t cap;
	int objects;
	size_t decoded;
	bool noted_depth, noted_parts, noted_decoded, noted_text;
	/* The top-level report. */
	bool dsn, dsn_failed, mdn;
	const char *bounce_recipient, *original_id;
};

static void note(struct walk *w, bool *once, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(struct walk *w, bool *once, const char *fmt, ...)
{
	if (once && *once)
		return;
	if (once)
		*once = true;
	if (w->notes.len)
		sb_puts(&w->notes, " ");
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&w->notes, fmt, ap);
	va_end(ap);
}

/* A header value (decoded by GMime) as one clean line of at most
 * HEADER_MAX bytes; "" for NULL. */
static const char *one_line(struct walk *w, const char *s)
{
	if (!s)
		return "";
	char *c = mail_clean(w->a, s, strlen(s), true, NULL);
	mail_truncate(c, HEADER_MAX);
	return c;
}

/* Lower-case "type/subtype" of an object; only token characters. */
static const char *media_type(struct walk *w, GMimeObject *o)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	const char *t = ct ? g_mime_content_type_get_media_type(ct) : NULL;
	const char *s = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;
	/* At most 255 bytes with the '/' kept. */
	char *r = arena_printf(w->a, "%.100s/%.150s", t && *t ? t : "application",
	                       s && *s ? s : "octet-stream");
	for (char *p = r; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (!isalnum((unsigned char)*p) && !strchr("/!#$&^_.+-", *p))
			*p = '_';
	}
	return r;
}

static bool type_is(const char *type, const char *want)
{
	return !strcmp(type, want);
}

/* The decoded content of a leaf part (GMime undoes base64 and
 * quoted-printable; broken encodings give what can be read) in `a`. */
static const unsigned char *decode(struct walk *w, GMimePart *p, size_t *len)
{
	*len = 0;
	GMimeDataWrapper *dw = g_mime_part_get_content(p);
	if (!dw)
		return (const unsigned char *)"";
	GMimeStream *ms = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(dw, ms);
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
	unsigned char *out = arena_alloc(w->a, ba && ba->len ? ba->len + 1 : 1);
	if (ba && ba->len) {
		memcpy(out, ba->data, ba->len);
		*len = ba->len;
	}
	out[*len] = '\0';
	g_object_unref(ms);
	return out;
}

/* Text appended to the message's text, within the limit. */
static void add_text(struct walk *w, const char *s, size_t n)
{
	if (w->text.len >= w->lim->text) {
		if (n)
			note(w, &w->noted_text, "Tekst wiadomości skrócono do %zu kB; pełna treść jest w "
			     "oryginale wiadomości.", w->lim->text / 1024);
		return;
	}
	sb_append(&w->text, s, n);
	if (w->text.len > w->lim->text) {
		mail_truncate(w->text.data, w->lim->text);
		w->text.len = strlen(w->text.data);
		note(w, &w->noted_text, "Tekst wiadomości skrócono do %zu kB; pełna treść jest w "
		     "oryginale wiadomości.", w->lim->text / 1024);
	}
}

static void add_block(struct walk *w, const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	while (n > 0 && s[0] == '\n')
		s++, n--;
	if (n == 0)
		return;
	if (w->text.len)
		add_text(w, "\n\n", 2);
	add_text(w, s, n);
}

/* RFC 3676 format=flowed: a line ending in a space goes on in the next
 * (with DelSp=yes, without that space); "-- " (the signature) stays. */
static char *unflow(arena_t *a, const char *s, size_t n, bool delsp, size_t *len)
{
	strbuf_t sb;
	sb_init(&sb, a);
	sb_append(&sb, "", 0);
	size_t i = 0;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t l = nl ? (size_t)(nl - (s + i)) : n - i;
		const char *line = s + i;
		i += l + (nl != NULL);
		/* Space-stuffing. */
		if (l > 0 && line[0] == ' ')
			line++, l--;
		bool soft = nl && l > 0 && line[l - 1] == ' ' && !(l == 3 && !strncmp(line, "-- ", 3));
		sb_append(&sb, line, soft && delsp ? l - 1 : l);
		if (nl && !soft)
			sb_putc(&sb, '\n');
	}
	*len = sb.len;
	return sb.data;
}

/* A text/plain or text/html leaf as UTF-8 text; NULL when it is blank. */
static const char *leaf_text(struct walk *w, GMimeObject *o, const char *type, size_t *len)
{
	size_t n;
	const unsigned char *raw = decode(w, GMIME_PART(o), &n);
	const char *cs = g_mime_object_get_content_type_parameter(o, "charset");
	char sniffed[64];
	bool html = type_is(type, "text/html");
	if (html && (!cs || !*cs)) {
		mail_html_charset(raw, n, sniffed, sizeof sniffed);
		cs = sniffed;
	}
	size_t ul;
	char *u = mail_to_utf8(w->a, cs, raw, n, &ul);
	char *t = u;
	if (html) {
		/* Clean again: entities are the HTML's own characters. */
		t = mail_html_text(w->a, u, ul, w->lim->text, &ul);
		t = mail_clean(w->a, t, ul, false, &ul);
	} else {
		const char *fmt = g_mime_object_get_content_type_parameter(o, "format");
		const char *delsp = g_mime_object_get_content_type_parameter(o, "delsp");
		if (fmt && !strcasecmp(fmt, "flowed"))
			t = unflow(w->a, u, ul, delsp && !strcasecmp(delsp, "yes"), &ul);
	}
	for (size_t i = 0; i < ul; i++)
		if (!isspace((unsigned char)t[i])) {
			*len = ul;
			return t;
		}
	return NULL;
}

static bool is_text_body(GMimeObject *o, const char *type)
{
	if (!type_is(type, "text/plain") && !type_is(type, "text/html"))
		return false;
	const char *disp = g_mime_object_get_disposition(o);
	if (disp && !strcasecmp(disp, "attachment"))
		return false;
	return g_mime_part_get_filename(GMIME_PART(o)) == NULL;
}

/* A file name fit to keep: decoded by GMime, one clean line, no
 * directory, at most 255 bytes with its extension kept; NULL when nothing
 * is left. */
static const char *clean_filename(struct walk *w, const char *name)
{
	if (!name)
		return NULL;
	const char *s = one_line(w, name);
	const char *slash = strrchr(s, '/'), *back = strrchr(s, '\\');
	if (slash || back)
		s = (slash > back ? slash : back) + 1;
	while (*s == ' ')
		s++;
	if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return NULL;
	size_t n = strlen(s);
	if (n <= 255)
		return s;
	const char *dot = strrchr(s, '.');
	size_t ext = dot && strlen(dot) <= 16 ? strlen(dot) : 0;
	char *stem = arena_strndup(w->a, s, n - ext);
	mail_truncate(stem, 255 - ext);
	return arena_printf(w->a, "%s%s", stem, ext ? dot : "");
}

static struct mail_part *new_part(struct walk *w)
{
	if (w->m->nparts == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 8;
		struct mail_part *p = arena_alloc(w->a, cap * sizeof *p);
		if (w->m->nparts)
			memcpy(p, w->parts, w->m->nparts * sizeof *p);
		w->parts = p;
		w->cap = cap;
	}
	struct mail_part *p = &w->parts[w->m->nparts++];
	memset(p, 0, sizeof *p);
	p->note = "";
	p->readable = true;
	return p;
}

/* A part that is not the text: an attachment, an inline image, a file
 * nothing here can open. */
static void attachment(struct walk *w, GMimeObject *o, const char *type, bool encrypted,
                       bool related)
{
	size_t n;
	const unsigned char *data = decode(w, GMIME_PART(o), &n);
	if (n > w->lim->decoded - w->decoded || w->decoded > w->lim->decoded) {
		note(w, &w->noted_decoded, "Załączniki ponad %zu MB łącznie pominięto; są w oryginale "
		     "wiadomości.", w->lim->decoded / (1024 * 1024));
		return;
	}
	w->decoded += n;
	struct mail_part *p = new_part(w);
	p->content_type = type;
	p->data = data;
	p->size = n;
	const char *raw_name = g_mime_part_get_filename(GMIME_PART(o));
	p->filename = clean_filename(w, raw_name);
	if (!p->filename) {
		const char *ext = "bin";
		for (size_t i = 0; i < sizeof extensions / sizeof extensions[0]; i++)
			if (type_is(type, extensions[i].type))
				ext = extensions[i].ext;
		p->filename = arena_printf(w->a, "zalacznik-%zu.%s", w->m->nparts, ext);
	}
	const char *disp = g_mime_object_get_disposition(o);
	bool attached = disp && !strcasecmp(disp, "attachment");
	/* Shown inside an HTML text (a signature's logo, a pasted picture);
	 * a photo a phone attaches has no multipart/related around it. */
	p->inline_image = related && !attached && !strncmp(type, "image/", 6) &&
	                  g_mime_object_get_content_id(o);
	if (type_is(type, "application/ms-tnef") || type_is(type, "application/vnd.ms-tnef") ||
	    !strcasecmp(p->filename, "winmail.dat")) {
		p->readable = false;
		p->note = note_tnef;
	} else if (encrypted || type_is(type, "application/pkcs7-mime") ||
	           type_is(type, "application/x-pkcs7-mime") ||
	           type_is(type, "application/pgp-encrypted")) {
		p->readable = false;
		p->note = note_encrypted;
	}
}

static bool has_plain(struct walk *w, GMimeObject *o, int depth)
{
	if (depth > w->lim->depth)
		return false;
	const char *type = media_type(w, o);
	if (GMIME_IS_MULTIPART(o)) {
		int n = g_mime_multipart_get_count(GMIME_MULTIPART(o));
		for (int i = 0; i < n && i < w->lim->parts; i++)
			if (has_plain(w, g_mime_multipart_get_part(GMIME_MULTIPART(o), i), depth + 1))
				return true;
		return false;
	}
	return GMIME_IS_PART(o) && type_is(type, "text/plain") && is_text_body(o, type);
}

/* Which alternative gives the text: plain text (alone or in a multipart)
 * before HTML, the first of equals; a blank plain part does not count. */
static int choose_alternative(struct walk *w, GMimeMultipart *mp, int depth)
{
	int n = g_mime_multipart_get_count(mp), best = -1, best_score = -1;
	for (int i = 0; i < n && i < w->lim->parts; i++) {
		GMimeObject *c = g_mime_multipart_get_part(mp, i);
		const char *type = media_type(w, c);
		int score = 0;
		if (GMIME_IS_MULTIPART(c)) {
			score = has_plain(w, c, depth + 1) ? 3 : 2;
		} else if (GMIME_IS_PART(c) && is_text_body(c, type)) {
			size_t len;
			if (type_is(type, "text/html"))
				score = 1;
			else if (leaf_text(w, c, type, &len))
				score = 3;
		}
		if (score > best_score) {
			best = i;
			best_score = score;
		}
	}
	return best;
}

static void walk(struct walk *w, GMimeObject *o, int depth, bool want_text, bool encrypted,
                 bool related);

static const char *address_line(struct walk *w, InternetAddressList *l)
{
	if (!l || internet_address_list_length(l) == 0)
		return "";
	char *s = internet_address_list_to_string(l, NULL, FALSE);
	const char *r = one_line(w, s);
	g_free(s);
	return r;
}

/* A forwarded message: its sender, date and subject under a marker, its
 * text after, its attachments listed with the others. */
static void forwarded(struct walk *w, GMimeMessage *msg, int depth, bool want_text,
                      bool encrypted)
{
	if (want_text) {
		const char *from = address_line(w, g_mime_message_get_from(msg));
		const char *date = one_line(w, g_mime_object_get_header(GMIME_OBJECT(msg), "Date"));
		const char *subject = one_line(w, g_mime_message_get_subject(msg));
		char *head = arena_printf(w->a, "%s%s%s%s%s%s%s", marker_forward, *from ? "\nOd: " : "",
		                          from, *date ? "\nData: " : "", date,
		                          *subject ? "\nTemat: " : "", subject);
		add_block(w, head, strlen(head));
	}
	GMimeObject *body = g_mime_message_get_mime_part(msg);
	if (body)
		walk(w, body, depth + 1, want_text, encrypted, false);
}

/* The top-level multipart/report: the notice's text, whether a recipient
 * failed, and the Message-ID of the message it reports on. */
static void report(struct walk *w, GMimeMultipart *mp, int depth)
{
	const char *rt = g_mime_object_get_content_type_parameter(GMIME_OBJECT(mp), "report-type");
	w->dsn = rt && !strcasecmp(rt, "delivery-status");
	w->mdn = rt && !strcasecmp(rt, "disposition-notification");
	int n = g_mime_multipart_get_count(mp);
	for (int i = 0; i < n && w->objects < w->lim->parts; i++) {
		GMimeObject *c = g_mime_multipart_get_part(mp, i);
		const char *type = media_type(w, c);
		if (GMIME_IS_PART(c) && (type_is(type, "message/delivery-status") ||
		                         type_is(type, "message/global-delivery-status"))) {
			w->objects++;
			size_t len;
			const unsigned char *body = decode(w, GMIME_PART(c), &len);
			const char *rcpt;
			if (mail_dsn_failed(w->a, (const char *)body, len, &rcpt)) {
				w->dsn_failed = true;
				w->bounce_recipient = rcpt;
			}
		} else if (GMIME_IS_MESSAGE_PART(c)) {
			w->objects++;
			GMimeMessage *orig = g_mime_message_part_get_message(GMIME_MESSAGE_PART(c));
			const char *id = orig ? g_mime_message_get_message_id(orig) : NULL;
			if (id && *id)
				w->original_id = one_line(w, id);
		} else if (GMIME_IS_PART(c) && (type_is(type, "text/rfc822-headers") ||
		                                type_is(type, "message/global-headers"))) {
			w->objects++;
			size_t len;
			const unsigned char *body = decode(w, GMIME_PART(c), &len);
			const char *id = mail_headers_message_id(w->a, (const char *)body, len);
			if (id)
				w->original_id = id;
		} else if (GMIME_IS_PART(c) && (type_is(type, "message/disposition-notification"))) {
			w->objects++;
		} else {
			walk(w, c, depth + 1, true, false, false);
		}
	}
}

static void walk(struct walk *w, GMimeObject *o, int depth, bool want_text, bool encrypted,
                 bool related)
{
	if (depth > w->lim->depth) {
		note(w, &w->noted_depth, "Części zagnieżdżone głębiej niż %d poziomów pominięto; są w "
		     "oryginale wiadomości.", w->lim->depth);
		return;
	}
	if (w->objects >= w->lim->parts) {
		note(w, &w->noted_parts, "Wiadomość ma więcej niż %d części; pozostałe pominięto (są w "
		     "oryginale wiadomości).", w->lim->parts);
		return;
	}
	w->objects++;
	const char *type = media_type(w, o);
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		if (depth == 0 && type_is(type, "multipart/report")) {
			report(w, mp, depth);
			return;
		}
		bool alt = type_is(type, "multipart/alternative");
		int chosen = alt ? choose_alternative(w, mp, depth) : -1;
		encrypted = encrypted || type_is(type, "multipart/encrypted");
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n; i++) {
			if (w->objects >= w->lim->parts) {
				note(w, &w->noted_parts, "Wiadomość ma więcej niż %d części; pozostałe "
				     "pominięto (są w oryginale wiadomości).", w->lim->parts);
				return;
			}
			walk(w, g_mime_multipart_get_part(mp, i), depth + 1,
			     want_text && (!alt || i == chosen), encrypted,
			     type_is(type, "multipart/related"));
		}
		return;
	}
	if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage *msg = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
		if (msg)
			forwarded(w, msg, depth, want_text, encrypted);
		return;
	}
	if (!GMIME_IS_PART(o))
		return;
	if (!encrypted && is_text_body(o, type)) {
		size_t len;
		const char *t = want_text ? leaf_text(w, o, type, &len) : NULL;
		if (t)
			add_block(w, t, len);
		return;
	}
	attachment(w, o, type, encrypted, related);
}

/* The first mailbox of a list (a group's first member). */
static InternetAddressMailbox *first_mailbox(InternetAddressList *l)
{
	int n = l ? internet_address_list_length(l) : 0;
	for (int i = 0; i < n; i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			return INTERNET_ADDRESS_MAILBOX(a);
		if (INTERNET_ADDRESS_IS_GROUP(a)) {
			InternetAddressMailbox *m =
			    first_mailbox(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)));
			if (m)
				return m;
		}
	}
	return NULL;
}

static const char *msgid_list_first(struct walk *w, const char *value)
{
	if (!value)
		return "";
	GMimeReferences *r = g_mime_references_parse(w->opts, value);
	const char *id = r && g_mime_references_length(r) > 0 ? g_mime_references_get_message_id(r, 0)
	                                                     : NULL;
	const char *out = one_line(w, id);
	if (r)
		g_mime_references_free(r);
	return out;
}

static void headers(struct walk *w, GMimeMessage *msg)
{
	struct mail *m = w->m;
	InternetAddressMailbox *from = first_mailbox(g_mime_message_get_from(msg));
	if (!from)
		from = first_mailbox(g_mime_message_get_sender(msg));
	if (from) {
		m->from_address = one_line(w, internet_address_mailbox_get_addr(from));
		m->from_name = one_line(w, internet_address_get_name(INTERNET_ADDRESS(from)));
	}
	m->subject = one_line(w, g_mime_message_get_subject(msg));
	m->message_id = one_line(w, g_mime_message_get_message_id(msg));
	m->in_reply_to = msgid_list_first(w, g_mime_object_get_header(GMIME_OBJECT(msg), "In-Reply-To"));
	const char *refs = g_mime_object_get_header(GMIME_OBJECT(msg), "References");
	GMimeReferences *r = refs ? g_mime_references_parse(w->opts, refs) : NULL;
	int n = r ? g_mime_references_length(r) : 0;
	/* The newest REFS_MAX: the end of the chain is what a reply answers. */
	int from_i = n > REFS_MAX ? n - REFS_MAX : 0;
	m->refs = arena_alloc(w->a, (size_t)(n - from_i + 1) * sizeof *m->refs);
	for (int i = from_i; i < n; i++) {
		const char *id = one_line(w, g_mime_references_get_message_id(r, i));
		if (*id)
			m->refs[m->nrefs++] = id;
	}
	if (r)
		g_mime_references_free(r);
}

/* An automatic message by its header fields, its subject or its sender. */
static bool automatic(struct walk *w, GMimeMessage *msg)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	int n = hl ? g_mime_header_list_get_count(hl) : 0;
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h), *value = g_mime_header_get_value(h);
		if (name && value && mail_auto_header(name, value))
			return true;
	}
	return mail_auto_subject(w->m->subject) || mail_system_sender(w->m->from_address);
}

/* A raw header block that is not UTF-8 (a client that sent 8-bit bytes
 * without encoded words): read in the Polish charset that fits. */
static void header_charsets(GMimeParserOptions *opts, const unsigned char *raw, size_t len)
{
	size_t end = 0;
	while (end < len) {
		const unsigned char *nl = memchr(raw + end, '\n', len - end);
		if (!nl) {
			end = len;
			break;
		}
		end = (size_t)(nl - raw) + 1;
		if (end < len && (raw[end] == '\n' || (raw[end] == '\r' && end + 1 < len && raw[end + 1] == '\n')))
			break;
	}
	if (utf8_valid((const char *)raw, end))
		return;
	const char *cs[] = {"utf-8", mail_guess_charset(raw, end), NULL};
	g_mime_parser_options_set_fallback_charsets(opts, cs);
}

static void unreadable(struct mail *m, const char *why)
{
	m->kind = MAIL_UNREADABLE;
	m->parse_error = why;
}

void mail_parse(arena_t *a, const unsigned char *raw, size_t len,
                const struct mail_limits *limits, struct mail *m)
{
	pthread_once(&gmime_once, gmime_ready);
	memset(m, 0, sizeof *m);
	m->from_address = m->from_name = m->subject = m->message_id = m->in_reply_to = "";
	m->text = "";
	m->refs = arena_alloc(a, sizeof *m->refs);
	if (len == 0) {
		unreadable(m, "Pusta wiadomość: nie ma w niej nagłówków ani treści.");
		return;
	}
	struct walk w = {.a = a, .lim = limits ? limits : &mail_limits_default, .m = m};
	sb_init(&w.text, a);
	sb_init(&w.notes, a);
	w.opts = g_mime_parser_options_new();
	header_charsets(w.opts, raw, len);
	GMimeStream *s = g_mime_stream_mem_new_with_buffer((const char *)raw, len);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeMessage *msg = g_mime_parser_construct_message(p, w.opts);
	g_object_unref(p);
	g_object_unref(s);
	GMimeHeaderList *hl = msg ? g_mime_object_get_header_list(GMIME_OBJECT(msg)) : NULL;
	if (!msg || !hl || g_mime_header_list_get_count(hl) == 0) {
		unreadable(m, "Nie da się odczytać wiadomości: nie ma w niej nagłówków e-mail (to nie "
		              "jest wiadomość w formacie RFC 5322). Oryginał jest zachowany.");
	} else {
		headers(&w, msg);
		GMimeObject *body = g_mime_message_get_mime_part(msg);
		if (body)
			walk(&w, body, 0, true, false, false);
		m->text = w.text.data ? w.text.data : "";
		m->parts = w.parts;
		if (w.dsn && w.dsn_failed) {
			m->kind = MAIL_BOUNCE;
			m->bounce_of = w.original_id;
			m->bounce_recipient = w.bounce_recipient;
		} else if (w.dsn || w.mdn || automatic(&w, msg)) {
			m->kind = MAIL_AUTO_REPLY;
		}
		m->note = w.notes.len ? w.notes.data : NULL;
	}
	if (msg)
		g_object_unref(msg);
	g_mime_parser_options_free(w.opts);
}
