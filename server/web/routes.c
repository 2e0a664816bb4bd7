/* Every URL the server answers, one row each. */
#include "http/static.h"
#include "web/web.h"

const route_t web_routes[] = {
    {"GET", "/", web_home, ROLE_ANY, "home"},
    {"GET", "/healthz", web_healthz, ROLE_ANY, "healthz"},
    {"GET", "/readyz", web_readyz, ROLE_ANY, "readyz"},
    {"GET", "/static/{*path}", static_handler, ROLE_ANY, "static"},
    /* Citizens */
    {"GET", "/wniosek", web_request_form, ROLE_ANY, "request.form"},
    {"POST", "/wniosek", web_request_submit, ROLE_ANY, "request.submit"},
    {"GET", "/sprawa/{token}", web_case_show, ROLE_ANY, "case.show"},
    {"GET", "/sprawa/{token}/potwierdzenie", web_case_confirmation, ROLE_ANY, "case.confirmation"},
    {"POST", "/sprawa/{token}/czynnosc", web_case_act, ROLE_ANY, "case.act"},
    {"GET", "/sprawa/{token}/pismo/{seq}", web_case_document, ROLE_ANY, "case.document"},
    /* Staff */
    {"GET", "/panel/logowanie", web_login_form, ROLE_ANY, "auth.login.form"},
    {"POST", "/panel/logowanie", web_login, ROLE_ANY, "auth.login"},
    {"POST", "/panel/wyloguj", web_logout, ROLE_CLERK, "auth.logout"},
    {"GET", "/panel/konto", web_account, ROLE_CLERK, "auth.account"},
    {"GET", "/panel", web_panel_queue, ROLE_CLERK, "panel.queue"},
    {"GET", "/panel/sprawy/{id}", web_panel_case, ROLE_CLERK, "panel.case"},
    {"POST", "/panel/sprawy/{id}/czynnosc", web_panel_act, ROLE_CLERK, "panel.case.act"},
    {"POST", "/panel/sprawy/{id}/notatka", web_panel_note, ROLE_CLERK, "panel.case.note"},
    {"GET", "/panel/rejestracja", web_panel_register_form, ROLE_CLERK, "panel.register.form"},
    {"POST", "/panel/rejestracja", web_panel_register, ROLE_CLERK, "panel.register"},
    /* JSON API */
    {"GET", "/api/v1/openapi.json", api_openapi, ROLE_ANY, "api.openapi"},
    {"POST", "/api/v1/requests", api_requests_create, ROLE_ANY, "api.requests.create"},
    {"GET", "/api/v1/requests/{token}", api_request_show, ROLE_ANY, "api.requests.show"},
    {"POST", "/api/v1/requests/{token}/actions/{action}", api_request_act, ROLE_ANY,
     "api.requests.act"},
};
const size_t web_nroutes = sizeof web_routes / sizeof web_routes[0];
