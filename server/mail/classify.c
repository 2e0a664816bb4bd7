/* SPDX-License-Identifier: EUPL-1.2 */
#include "mail/classify.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "mail/text.h"

/* Header fields that mark an automatic message. values NULL: any value
 * but those in `except`. */
static const struct auto_header {
	const char *name;
	const char *const *values; /* NULL-terminated; NULL: any */
	const char *except;        /* with values NULL: this value is not automatic */
} auto_headers[] = {
    /* RFC 3834 §5: "no" is the only value of a message a person wrote. */
    {"Auto-Submitted", NULL, "no"},
    /* Older responders (vacation, Exchange, cPanel). */
    {"X-Autoreply", NULL, "no"},
    {"X-Autorespond", NULL, "no"},
    {"X-Auto-Reply", NULL, "no"},
    {"Precedence", (const char *const[]){"auto_reply", "bulk", "junk", NULL}, NULL},
    {"X-Precedence", (const char *const[]){"auto_reply", "bulk", "junk", NULL}, NULL},
};

/* Subjects of out-of-office and automatic answers, lower case; `prefix`
 * only at the start (after "Re:"/"Odp:" and white space), else anywhere. */
static const struct auto_subject {
	const char *text;
	bool prefix;
} auto_subjects[] = {
    {"automatyczna odpowiedź", false},
    {"odpowiedź automatyczna", false},
    {"autoodpowiedź", false},
    {"automatyczna odpowiedz", false},
    {"odpowiedz automatyczna", false},
    {"nieobecność w biurze", true},
    {"nieobecnosc w biurze", true},
    {"jestem nieobecn", true},
    {"poza biurem", true},
    {"out of office", false},
    {"out of the office", false},
    {"automatic reply", false},
    {"auto reply", false},
    {"auto-reply", false},
    {"autoreply", false},
    {"auto-response", false},
    {"autosvar", false},
    {"abwesenheitsnotiz", false},
    {"auto:", true},
};

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

bool mail_auto_header(const char *name, const char *value)
{
	size_t n = strlen(value);
	trim(&value, &n);
	for (size_t i = 0; i < sizeof auto_headers / sizeof auto_headers[0]; i++) {
		const struct auto_header *h = &auto_headers[i];
		if (strcasecmp(name, h->name))
			continue;
		if (!h->values) {
			/* Auto-Submitted: auto-replied; comments and parameters
			 * may follow the keyword. */
			size_t k = 0;
			while (k < n && !isspace((unsigned char)value[k]) && value[k] != ';' &&
			       value[k] != '(')
				k++;
			return k > 0 && !(strlen(h->except) == k && !strncasecmp(value, h->except, k));
		}
		for (const char *const *v = h->values; *v; v++)
			if (strlen(*v) == n && !strncasecmp(value, *v, n))
				return true;
	}
	return false;
}

/* Lower case of UTF-8 text for matching: ASCII and the Polish capitals. */
static void fold(const char *s, char *out, size_t cap)
{
	static const char *const pairs[][2] = {{"Ą", "ą"}, {"Ć", "ć"}, {"Ę", "ę"}, {"Ł", "ł"},
	                                       {"Ń", "ń"}, {"Ó", "ó"}, {"Ś", "ś"}, {"Ź", "ź"},
	                                       {"Ż", "ż"}};
	size_t o = 0;
	while (*s && o + 3 < cap) {
		bool done = false;
		for (size_t k = 0; k < sizeof pairs / sizeof pairs[0] && !done; k++) {
			size_t l = strlen(pairs[k][0]);
			if (!strncmp(s, pairs[k][0], l)) {
				memcpy(out + o, pairs[k][1], l);
				o += l;
				s += l;
				done = true;
			}
		}
		if (!done)
			out[o++] = (char)tolower((unsigned char)*s++);
	}
	out[o] = '\0';
}

bool mail_auto_subject(const char *subject)
{
	char low[1024];
	fold(subject, low, sizeof low);
	const char *s = low;
	/* A reply to an automatic answer is a person's. */
	while (*s == ' ')
		s++;
	if (!strncmp(s, "re:", 3) || !strncmp(s, "odp:", 4) || !strncmp(s, "fw:", 3) ||
	    !strncmp(s, "fwd:", 4) || !strncmp(s, "pd:", 3))
		return false;
	for (size_t i = 0; i < sizeof auto_subjects / sizeof auto_subjects[0]; i++) {
		const struct auto_subject *a = &auto_subjects[i];
		if (a->prefix ? !strncmp(s, a->text, strlen(a->text)) : strstr(s, a->text) != NULL)
			return true;
	}
	return false;
}

bool mail_system_sender(const char *address)
{
	static const char *const locals[] = {"mailer-daemon", "postmaster", "mail-daemon"};
	const char *at = strchr(address, '@');
	size_t n = at ? (size_t)(at - address) : strlen(address);
	for (size_t i = 0; i < sizeof locals / sizeof locals[0]; i++)
		if (strlen(locals[i]) == n && !strncasecmp(address, locals[i], n))
			return true;
	return false;
}

/* The next line of s[0..n) from *pos (without its line end); false at the
 * end. */
static bool next_line(const char *s, size_t n, size_t *pos, const char **line, size_t *len)
{
	if (*pos >= n)
		return false;
	const char *start = s + *pos;
	const char *nl = memchr(start, '\n', n - *pos);
	size_t l = nl ? (size_t)(nl - start) : n - *pos;
	*pos += l + (nl != NULL);
	if (l > 0 && start[l - 1] == '\r')
		l--;
	*line = start;
	*len = l;
	return true;
}

/* The value of `name:` in line[0..len), trimmed; NULL when the line is
 * another field. */
static const char *field(const char *line, size_t len, const char *name, size_t *vlen)
{
	size_t k = strlen(name);
	if (len <= k || strncasecmp(line, name, k) || line[k] != ':')
		return NULL;
	const char *v = line + k + 1;
	*vlen = len - k - 1;
	trim(&v, vlen);
	return v;
}

struct dsn_group {
	const char *action, *status, *final, *original;
	size_t action_n, status_n, final_n, original_n;
};

/* "rfc822; someone@example.org" -> "someone@example.org" (in `a`). */
static const char *dsn_address(arena_t *a, const char *v, size_t n)
{
	const char *semi = memchr(v, ';', n);
	if (semi) {
		n -= (size_t)(semi + 1 - v);
		v = semi + 1;
	}
	trim(&v, &n);
	if (n >= 2 && v[0] == '<' && v[n - 1] == '>')
		v++, n -= 2;
	if (n == 0)
		return NULL;
	char *s = mail_clean(a, v, n, true, NULL);
	mail_truncate(s, 998);
	return s[0] ? s : NULL;
}

static bool group_failed(const struct dsn_group *g)
{
	if (g->action)
		return g->action_n == 6 && !strncasecmp(g->action, "failed", 6);
	return g->status && g->status_n > 0 && g->status[0] == '5';
}

bool mail_dsn_failed(arena_t *a, const char *body, size_t n, const char **recipient)
{
	*recipient = NULL;
	struct dsn_group g = {0};
	size_t pos = 0;
	const char *line;
	size_t len;
	bool more = true;
	while (more) {
		more = next_line(body, n, &pos, &line, &len);
		if (!more || len == 0) {
			/* The end of a group: the first failed recipient. */
			if (group_failed(&g) && (g.final || g.original)) {
				*recipient = g.final ? dsn_address(a, g.final, g.final_n)
				                     : dsn_address(a, g.original, g.original_n);
				return true;
			}
			if (group_failed(&g))
				return true;
			memset(&g, 0, sizeof g);
			continue;
		}
		const char *v;
		size_t vn;
		if ((v = field(line, len, "Action", &vn)))
			g.action = v, g.action_n = vn;
		else if ((v = field(line, len, "Status", &vn)))
			g.status = v, g.status_n = vn;
		else if ((v = field(line, len, "Final-Recipient", &vn)))
			g.final = v, g.final_n = vn;
		else if ((v = field(line, len, "Original-Recipient", &vn)))
			g.original = v, g.original_n = vn;
	}
	return false;
}

const char *mail_headers_message_id(arena_t *a, const char *block, size_t n)
{
	size_t pos = 0, len;
	const char *line;
	while (next_line(block, n, &pos, &line, &len)) {
		if (len == 0)
			break;
		const char *v;
		size_t vn;
		if (!(v = field(line, len, "Message-ID", &vn)))
			continue;
		/* Folded: the identifier is on the next line. */
		if (vn == 0 && next_line(block, n, &pos, &line, &len)) {
			v = line;
			vn = len;
			trim(&v, &vn);
		}
		const char *lt = memchr(v, '<', vn);
		const char *gt = lt ? memchr(lt, '>', vn - (size_t)(lt - v)) : NULL;
		if (lt && gt) {
			v = lt + 1;
			vn = (size_t)(gt - lt - 1);
		}
		if (vn == 0 || vn > 998 || memchr(v, ' ', vn))
			return NULL;
		char *s = mail_clean(a, v, vn, true, NULL);
		return s[0] ? s : NULL;
	}
	return NULL;
}
