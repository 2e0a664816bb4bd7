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
    /* JSON API */
    {"GET", "/api/v1/openapi.json", api_openapi, ROLE_ANY, "api.openapi"},
    {"POST", "/api/v1/requests", api_requests_create, ROLE_ANY, "api.requests.create"},
    {"GET", "/api/v1/requests/{token}", api_request_show, ROLE_ANY, "api.requests.show"},
    {"POST", "/api/v1/requests/{token}/actions/{action}", api_request_act, ROLE_ANY,
     "api.requests.act"},
};
const size_t web_nroutes = sizeof web_routes / sizeof web_routes[0];
