/* Every URL the server answers, one row each. */
#include "http/static.h"
#include "web/web.h"

const route_t web_routes[] = {
    {"GET", "/", web_home, ROLE_ANY, "home"},
    {"GET", "/healthz", web_healthz, ROLE_ANY, "healthz"},
    {"GET", "/readyz", web_readyz, ROLE_ANY, "readyz"},
    {"GET", "/metrics", web_metrics, ROLE_ANY, "metrics"},
    {"GET", "/static/{*path}", static_handler, ROLE_ANY, "static"},
    /* Citizens */
    {"GET", "/wniosek", web_request_form, ROLE_ANY, "request.form"},
    {"POST", "/wniosek", web_request_submit, ROLE_ANY, "request.submit"},
    {"GET", "/sprawa/{token}", web_case_show, ROLE_ANY, "case.show"},
    {"GET", "/sprawa/{token}/potwierdzenie", web_case_confirmation, ROLE_ANY, "case.confirmation"},
    {"POST", "/sprawa/{token}/czynnosc", web_case_act, ROLE_ANY, "case.act"},
    {"GET", "/sprawa/{token}/pismo/{seq}", web_case_document, ROLE_ANY, "case.document"},
    /* The public register (BIP), its feeds and open data (register.c) */
    {"GET", "/rejestr", web_register_list, ROLE_ANY, "register.list"},
    {"GET", "/rejestr.atom", web_register_atom, ROLE_ANY, "register.atom"},
    {"GET", "/rejestr.csv", web_register_csv, ROLE_ANY, "register.csv"},
    {"GET", "/rejestr.json", web_register_json, ROLE_ANY, "register.json"},
    {"GET", "/rejestr/statystyki", web_register_stats, ROLE_ANY, "register.stats"},
    {"GET", "/rejestr/{number}", web_register_item, ROLE_ANY, "register.item"},
    {"GET", "/rejestr/{number}/wersja/{version}", web_register_version, ROLE_ANY, "register.version"},
    {"GET", "/rejestr/{number}/dokument/{seq}", web_register_document, ROLE_ANY, "register.document"},
    {"GET", "/jak-uzyskac-informacje", web_procedure, ROLE_ANY, "register.procedure"},
    {"GET", "/sitemap.xml", web_sitemap, ROLE_ANY, "sitemap"},
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
    {"GET", "/panel/sprawy/{id}/publikacja", web_panel_publication, ROLE_CLERK, "panel.case.publication"},
    {"POST", "/panel/sprawy/{id}/publikacja", web_panel_publish, ROLE_CLERK, "panel.case.publish"},
    /* Manager */
    {"GET", "/panel/pulpit", web_dashboard, ROLE_MANAGER, "manager.dashboard"},
    {"GET", "/panel/statystyki", web_stats, ROLE_MANAGER, "manager.stats"},
    {"GET", "/panel/statystyki.csv", web_stats_csv, ROLE_MANAGER, "manager.stats.csv"},
    {"GET", "/panel/statystyki.json", web_stats_json, ROLE_MANAGER, "manager.stats.json"},
    /* Administrator */
    {"GET", "/panel/admin", web_admin_home, ROLE_ADMIN, "admin.home"},
    {"GET", "/panel/admin/uzytkownicy", web_admin_users, ROLE_ADMIN, "admin.users"},
    {"POST", "/panel/admin/uzytkownicy", web_admin_user_add, ROLE_ADMIN, "admin.users.add"},
    {"GET", "/panel/admin/uzytkownicy/{id}", web_admin_user, ROLE_ADMIN, "admin.user"},
    {"POST", "/panel/admin/uzytkownicy/{id}", web_admin_user_change, ROLE_ADMIN, "admin.user.change"},
    {"GET", "/panel/admin/komorki", web_admin_units, ROLE_ADMIN, "admin.units"},
    {"POST", "/panel/admin/komorki", web_admin_units_post, ROLE_ADMIN, "admin.units.change"},
    {"GET", "/panel/admin/ustawienia", web_admin_settings_form, ROLE_ADMIN, "admin.settings"},
    {"POST", "/panel/admin/ustawienia", web_admin_settings, ROLE_ADMIN, "admin.settings.save"},
    /* JSON API */
    {"GET", "/api/v1/openapi.json", api_openapi, ROLE_ANY, "api.openapi"},
    {"POST", "/api/v1/requests", api_requests_create, ROLE_ANY, "api.requests.create"},
    {"GET", "/api/v1/requests/{token}", api_request_show, ROLE_ANY, "api.requests.show"},
    {"POST", "/api/v1/requests/{token}/actions/{action}", api_request_act, ROLE_ANY,
     "api.requests.act"},
};
const size_t web_nroutes = sizeof web_routes / sizeof web_routes[0];
