/*
 * workday.h: the office calendar - which days a 保健センター works.  Not a
 * working day: Saturday, Sunday, a national holiday (jpdate_holiday in
 * base.h: 国民の祝日, 振替休日 and 国民の休日) and 年末年始 (12/29 to 1/3).
 * And Japan time for people (JST is UTC+9 all year).  Pure functions.
 */
#ifndef BOSHI_BASE_WORKDAY_H
#define BOSHI_BASE_WORKDAY_H

#include "base/base.h"

/* 1 if the office works on d. */
int workday_is(struct ymd d);
/* The first working day after d. */
struct ymd workday_next(struct ymd d);
/*
 * A stored UTC instant ("2026-12-02T19:31:46.968Z") as Japan time for
 * people: "令和8年12月3日 4:31"; 0 (out untouched) if it is not one.
 */
int jptime_format(const char *iso_utc, char *out, size_t n);

#endif
