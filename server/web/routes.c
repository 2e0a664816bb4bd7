/* Every URL the server answers, one row each: method, path, handler, who
 * may open it (http/router.h, route_role_allows()), the name in logs and
 * metrics, and the body it takes (how much the server reads for it:
 * http/server.h; none for GET). */
#include "http/static.h"
#include "web/web.h"

const route_t web_routes[] = {
    {"GET", "/", web_home, ROLE_ANY, "home", ROUTE_BODY_NONE},
    {"GET", "/healthz", web_healthz, ROLE_ANY, "healthz", ROUTE_BODY_NONE},
    {"GET", "/readyz", web_readyz, ROLE_ANY, "readyz", ROUTE_BODY_NONE},
    {"GET", "/metrics", web_metrics, ROLE_ANY, "metrics", ROUTE_BODY_NONE},
    {"GET", "/static/{*path}", static_handler, ROLE_ANY, "static", ROUTE_BODY_NONE},
    /* Citizens */
    {"GET", "/wniosek", web_request_form, ROLE_ANY, "request.form", ROUTE_BODY_NONE},
    {"POST", "/wniosek", web_request_submit, ROLE_ANY, "request.submit", ROUTE_BODY_UPLOAD},
    {"GET", "/sprawa/{token}", web_case_show, ROLE_ANY, "case.show", ROUTE_BODY_NONE},
    {"GET", "/sprawa/{token}/potwierdzenie", web_case_confirmation, ROLE_ANY, "case.confirmation", ROUTE_BODY_NONE},
    {"POST", "/sprawa/{token}/czynnosc", web_case_act, ROLE_ANY, "case.act", ROUTE_BODY_TEXT},
    {"GET", "/sprawa/{token}/pismo/{seq}", web_case_document, ROLE_ANY, "case.document", ROUTE_BODY_NONE},
    /* The public register (BIP), its feeds and open data (register.c) */
    {"GET", "/rejestr", web_register_list, ROLE_ANY, "register.list", ROUTE_BODY_NONE},
    {"GET", "/rejestr.atom", web_register_atom, ROLE_ANY, "register.atom", ROUTE_BODY_NONE},
    {"GET", "/rejestr.csv", web_register_csv, ROLE_ANY, "register.csv", ROUTE_BODY_NONE},
    {"GET", "/rejestr.json", web_register_json, ROLE_ANY, "register.json", ROUTE_BODY_NONE},
    {"GET", "/rejestr/statystyki", web_register_stats, ROLE_ANY, "register.stats", ROUTE_BODY_NONE},
    {"GET", "/rejestr/{number}", web_register_item, ROLE_ANY, "register.item", ROUTE_BODY_NONE},
    {"GET", "/rejestr/{number}/wersja/{version}", web_register_version, ROLE_ANY, "register.version", ROUTE_BODY_NONE},
    {"GET", "/rejestr/{number}/dokument/{seq}", web_register_document, ROLE_ANY, "register.document", ROUTE_BODY_NONE},
    {"GET", "/jak-uzyskac-informacje", web_procedure, ROLE_ANY, "register.procedure", ROUTE_BODY_NONE},
    {"GET", "/sitemap.xml", web_sitemap, ROLE_ANY, "sitemap", ROUTE_BODY_NONE},
    /* Staff */
    {"GET", "/panel/logowanie", web_login_form, ROLE_ANY, "auth.login.form", ROUTE_BODY_NONE},
    {"POST", "/panel/logowanie", web_login, ROLE_ANY, "auth.login", ROUTE_BODY_FORM},
    {"POST", "/panel/wyloguj", web_logout, ROLE_STAFF, "auth.logout", ROUTE_BODY_FORM},
    {"GET", "/panel/konto", web_account, ROLE_STAFF, "auth.account", ROUTE_BODY_NONE},
    {"GET", "/panel", web_panel_queue, ROLE_CLERK, "panel.queue", ROUTE_BODY_NONE},
    {"GET", "/panel/sprawy/{id}", web_panel_case, ROLE_CLERK, "panel.case", ROUTE_BODY_NONE},
    {"POST", "/panel/sprawy/{id}/czynnosc", web_panel_act, ROLE_CLERK, "panel.case.act", ROUTE_BODY_TEXT},
    {"POST", "/panel/sprawy/{id}/notatka", web_panel_note, ROLE_CLERK, "panel.case.note", ROUTE_BODY_TEXT},
    {"GET", "/panel/sprawy/{id}/pisma/{seq}", web_panel_document, ROLE_CLERK, "panel.document", ROUTE_BODY_NONE},
    {"POST", "/panel/sprawy/{id}/pisma/{seq}/zapisz", web_panel_document_save, ROLE_CLERK, "panel.document.save", ROUTE_BODY_TEXT},
    {"POST", "/panel/sprawy/{id}/pisma/{seq}/wystaw", web_panel_document_issue, ROLE_CLERK, "panel.document.issue", ROUTE_BODY_TEXT},
    {"POST", "/panel/sprawy/{id}/pisma/{seq}/korekta", web_panel_document_correct, ROLE_CLERK, "panel.document.correct", ROUTE_BODY_TEXT},
    {"POST", "/panel/sprawy/{id}/pisma/{seq}/doreczenie", web_panel_document_delivered, ROLE_CLERK, "panel.document.delivered", ROUTE_BODY_FORM},
    {"GET", "/panel/sprawy/{id}/pisma/{seq}/pdf", web_panel_document_pdf, ROLE_CLERK, "panel.document.pdf", ROUTE_BODY_NONE},
    {"POST", "/panel/sprawy/{id}/pisma/{seq}/wysylka", web_panel_dispatch_send, ROLE_CLERK, "panel.dispatch.send", ROUTE_BODY_FORM},
    {"POST", "/panel/sprawy/{id}/pisma/{seq}/wysylka/{did}/nadanie", web_panel_dispatch_posted, ROLE_CLERK, "panel.dispatch.posted", ROUTE_BODY_FORM},
    {"POST", "/panel/sprawy/{id}/pisma/{seq}/wysylka/{did}/odbior", web_panel_dispatch_receipt, ROLE_CLERK, "panel.dispatch.receipt", ROUTE_BODY_FORM},
    {"POST", "/panel/sprawy/{id}/pisma/{seq}/wysylka/{did}/zwrot", web_panel_dispatch_returned, ROLE_CLERK, "panel.dispatch.returned", ROUTE_BODY_FORM},
    {"GET", "/panel/sprawy/{id}/pisma/{seq}/wysylka/{did}/list.pdf", web_panel_dispatch_letter, ROLE_CLERK, "panel.dispatch.letter", ROUTE_BODY_NONE},
    {"GET", "/panel/pisma/ksiazka-nadawcza.csv", web_panel_book_csv, ROLE_CLERK, "panel.book.csv", ROUTE_BODY_NONE},
    {"GET", "/panel/pisma/ksiazka-nadawcza.pdf", web_panel_book_pdf, ROLE_CLERK, "panel.book.pdf", ROUTE_BODY_NONE},
    {"GET", "/panel/pisma", web_panel_outgoing, ROLE_CLERK, "panel.outgoing", ROUTE_BODY_NONE},
    {"GET", "/panel/pisma.csv", web_panel_outgoing_csv, ROLE_CLERK, "panel.outgoing.csv", ROUTE_BODY_NONE},
    {"GET", "/panel/pismo.css", web_letter_css, ROLE_CLERK, "panel.letter.css", ROUTE_BODY_NONE},
    {"GET", "/panel/rejestracja", web_panel_register_form, ROLE_CLERK, "panel.register.form", ROUTE_BODY_NONE},
    {"POST", "/panel/rejestracja", web_panel_register, ROLE_CLERK, "panel.register", ROUTE_BODY_UPLOAD},
    {"GET", "/panel/sprawy/{id}/publikacja", web_panel_publication, ROLE_CLERK, "panel.case.publication", ROUTE_BODY_NONE},
    {"POST", "/panel/sprawy/{id}/publikacja", web_panel_publish, ROLE_CLERK, "panel.case.publish", ROUTE_BODY_TEXT},
    /* Manager */
    {"GET", "/panel/pulpit", web_dashboard, ROLE_MANAGER, "manager.dashboard", ROUTE_BODY_NONE},
    {"GET", "/panel/statystyki", web_stats, ROLE_MANAGER, "manager.stats", ROUTE_BODY_NONE},
    {"GET", "/panel/statystyki.csv", web_stats_csv, ROLE_MANAGER, "manager.stats.csv", ROUTE_BODY_NONE},
    {"GET", "/panel/statystyki.json", web_stats_json, ROLE_MANAGER, "manager.stats.json", ROUTE_BODY_NONE},
    /* Administrator */
    {"GET", "/panel/admin", web_admin_home, ROLE_ADMIN, "admin.home", ROUTE_BODY_NONE},
    {"GET", "/panel/admin/uzytkownicy", web_admin_users, ROLE_ADMIN, "admin.users", ROUTE_BODY_NONE},
    {"POST", "/panel/admin/uzytkownicy", web_admin_user_add, ROLE_ADMIN, "admin.users.add", ROUTE_BODY_FORM},
    {"GET", "/panel/admin/uzytkownicy/{id}", web_admin_user, ROLE_ADMIN, "admin.user", ROUTE_BODY_NONE},
    {"POST", "/panel/admin/uzytkownicy/{id}", web_admin_user_change, ROLE_ADMIN, "admin.user.change", ROUTE_BODY_FORM},
    {"GET", "/panel/admin/komorki", web_admin_units, ROLE_ADMIN, "admin.units", ROUTE_BODY_NONE},
    {"POST", "/panel/admin/komorki", web_admin_units_post, ROLE_ADMIN, "admin.units.change", ROUTE_BODY_FORM},
    {"GET", "/panel/admin/ustawienia", web_admin_settings_form, ROLE_ADMIN, "admin.settings", ROUTE_BODY_NONE},
    {"POST", "/panel/admin/ustawienia", web_admin_settings, ROLE_ADMIN, "admin.settings.save", ROUTE_BODY_FORM},
    /* Data protection officer (or the administrator) */
    {"GET", "/panel/iod", web_iod, ROLE_IOD, "iod.page", ROUTE_BODY_NONE},
    {"POST", "/panel/iod", web_iod_search, ROLE_IOD, "iod.search", ROUTE_BODY_FORM},
    {"POST", "/panel/iod/eksport", web_iod_export, ROLE_IOD, "iod.export", ROUTE_BODY_FORM},
    {"POST", "/panel/iod/usuniecie", web_iod_erase, ROLE_IOD, "iod.erase", ROUTE_BODY_FORM},
    /* JSON API */
    {"GET", "/api/v1/openapi.json", api_openapi, ROLE_ANY, "api.openapi", ROUTE_BODY_NONE},
    {"POST", "/api/v1/requests", api_requests_create, ROLE_ANY, "api.requests.create", ROUTE_BODY_JSON},
    {"GET", "/api/v1/requests/{token}", api_request_show, ROLE_ANY, "api.requests.show", ROUTE_BODY_NONE},
    {"POST", "/api/v1/requests/{token}/actions/{action}", api_request_act, ROLE_ANY,
     "api.requests.act", ROUTE_BODY_JSON},
};
const size_t web_nroutes = sizeof web_routes / sizeof web_routes[0];
