/* Every URL the server answers, one row each. */
#include "http/static.h"
#include "web/web.h"

const route_t web_routes[] = {
    {"GET", "/", web_home, ROLE_ANY, "home"},
    {"GET", "/healthz", web_healthz, ROLE_ANY, "healthz"},
    {"GET", "/readyz", web_readyz, ROLE_ANY, "readyz"},
    {"GET", "/static/{*path}", static_handler, ROLE_ANY, "static"},
};
const size_t web_nroutes = sizeof web_routes / sizeof web_routes[0];
