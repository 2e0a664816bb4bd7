/* SPDX-License-Identifier: EUPL-1.2 */
#include "web/outcome.h"

#include <jansson.h>

const struct outcome_http web_outcomes[OUTCOME_COUNT] = {
    [OUT_OK] = {200, "about:blank", "OK", NULL},
    [OUT_INVALID] = {422, "urn:jawnosc:problem:invalid", "Nieprawidłowe dane",
                     "Popraw zaznaczone pola i wyślij ponownie."},
    [OUT_UNSUPPORTED] = {415, "urn:jawnosc:problem:unsupported-media-type",
                         "Nieobsługiwany typ treści", "Treść musi być w formacie application/json."},
    [OUT_MALFORMED] = {400, "urn:jawnosc:problem:malformed", "Nieprawidłowe żądanie",
                       "Przesłane żądanie jest uszkodzone."},
    [OUT_NOT_FOUND] = {404, "urn:jawnosc:problem:not-found", "Nie znaleziono",
                       "Nie ma tu takiej strony ani sprawy."},
    [OUT_REFUSED] = {409, "urn:jawnosc:problem:refused", "Czynność niedozwolona",
                     "Ta czynność nie jest teraz dozwolona."},
    [OUT_STALE] = {409, "urn:jawnosc:problem:stale", "Sprawa zmieniła się",
                   "Ktoś zmienił tę sprawę w międzyczasie. Sprawdź jej aktualny stan i spróbuj "
                   "ponownie."},
    [OUT_CONFLICT] = {409, "urn:jawnosc:problem:conflict", "Konflikt",
                      "To już istnieje albo nie może się już zmienić."},
    [OUT_DENIED] = {403, "urn:jawnosc:problem:denied", "Brak dostępu",
                    "Nie masz dostępu do tej strony."},
    [OUT_RATE_LIMITED] = {429, "urn:jawnosc:problem:rate-limited", "Zbyt wiele prób",
                          "Zbyt wiele prób w krótkim czasie. Spróbuj ponownie później."},
    /* RFC 9110 §15.5.20: this server does not answer for that host name. */
    [OUT_MISDIRECTED] = {421, "urn:jawnosc:problem:misdirected", "Nieznany adres urzędu",
                         "Pod tym adresem nie działa żaden urząd obsługiwany przez ten serwer. "
                         "Sprawdź adres strony urzędu, np. w jego Biuletynie Informacji "
                         "Publicznej."},
    [OUT_UNAVAILABLE] = {503, "urn:jawnosc:problem:unavailable", "Usługa niedostępna",
                         "Usługa jest chwilowo niedostępna. Spróbuj ponownie za chwilę."},
    [OUT_ERROR] = {500, "urn:jawnosc:problem:error", "Błąd serwera",
                   "Wystąpił błąd po naszej stronie. Spróbuj ponownie później."},
};

int web_outcome_status(enum outcome o)
{
	return web_outcomes[(unsigned)o < OUTCOME_COUNT ? o : OUT_ERROR].status;
}

const char *web_problem_text(const struct problem *p)
{
	enum outcome o = p && (unsigned)p->outcome < OUTCOME_COUNT ? p->outcome : OUT_ERROR;
	if (p && p->message)
		return p->message;
	if (p && p->nfields)
		return p->fields[0].message;
	return web_outcomes[o].message;
}

void web_fail(http_req_t *req, const struct problem *p)
{
	enum outcome o = p && (unsigned)p->outcome < OUTCOME_COUNT ? p->outcome : OUT_ERROR;
	const struct outcome_http *h = &web_outcomes[o];
	const char *message = p && p->message ? p->message : h->message;
	if (o == OUT_UNAVAILABLE)
		http_add_header(req, "Retry-After", "5");
	if (!http_is_api(req)) {
		http_respond_error(req, h->status, message);
		return;
	}
	json_t *extra = json_pack("{s:s}", "type", h->type);
	if (p && p->code)
		json_object_set_new(extra, "code", json_string(p->code));
	if (p && p->nfields) {
		json_t *errors = json_array();
		for (int i = 0; i < p->nfields; i++)
			json_array_append_new(errors, json_pack("{s:s, s:s}", "field", p->fields[i].field,
			                                        "message", p->fields[i].message));
		json_object_set_new(extra, "errors", errors);
	}
	http_respond_problem(req, h->status, h->title, message, extra);
}

bool web_form_errors(json_t *ctx, const struct problem *p)
{
	if (!p || !p->nfields)
		return false;
	json_t *list = json_array(), *by = json_object();
	for (int i = 0; i < p->nfields; i++) {
		const struct field_error *e = &p->fields[i];
		json_array_append_new(list, json_pack("{s:s, s:s}", "field", e->field, "message", e->message));
		if (!json_object_get(by, e->field))
			json_object_set_new(by, e->field, json_string(e->message));
	}
	json_object_set_new(ctx, "errors", list);
	json_object_set_new(ctx, "err", by);
	return true;
}
