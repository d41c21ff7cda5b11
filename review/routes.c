/*
 * routes.c: the route table - method, path, flags, permission, handler:
 * the one place to read to know what the server answers.
 */
#include "review/screens-internal.h"

/* ---- the route table -------------------------------------------------------------------------- */

const struct route review_routes[] = {
    { "GET", "/login", ROUTE_PUBLIC, -1, review_h_login_form },
    { "POST", "/login", ROUTE_PUBLIC, -1, review_h_login },
    { "GET", "/static/", ROUTE_PUBLIC | ROUTE_PREFIX, -1, review_h_static },
    { "POST", "/logout", 0, -1, review_h_logout },
    { "GET", "/", 0, -1, review_h_home },
    { "GET", "/queue", 0, PERM_REVIEW, review_h_queue },
    { "GET", "/item/", ROUTE_PREFIX, PERM_REVIEW, review_h_item },
    { "POST", "/item/", ROUTE_PREFIX, PERM_REVIEW, review_h_item_post },
    { "GET", "/field", 0, PERM_REVIEW, review_h_field },
    { "POST", "/field", 0, PERM_REVIEW, review_h_field_post },
    { "GET", "/page/", ROUTE_PREFIX, PERM_REVIEW, review_h_page },
    { "POST", "/page/", ROUTE_PREFIX, PERM_REVIEW, review_h_page_post },
    { "GET", "/img/crop/", ROUTE_PREFIX, PERM_REVIEW, review_h_img_crop },
    { "POST", "/img/crop/", ROUTE_PREFIX, PERM_MYNUMBER_REVEAL, review_h_img_crop_reveal },
    { "GET", "/img/page/", ROUTE_PREFIX, PERM_REVIEW, review_h_img_page },
    { "GET", "/alert/", ROUTE_PREFIX, PERM_REVIEW, review_h_alert },
    { "POST", "/alert/", ROUTE_PREFIX, PERM_REVIEW, review_h_alert_post },
    { "GET", "/person/", ROUTE_PREFIX, PERM_RECORDS_READ, review_h_person_ask },
    { "POST", "/person/", ROUTE_PREFIX, PERM_RECORDS_READ, review_h_person },
    { "GET", "/audit", 0, PERM_AUDIT_READ, review_h_audit },
    { "POST", "/audit/mark", 0, PERM_AUDIT_READ, review_h_audit_mark },
    { NULL, NULL, 0, -1, NULL },
};
