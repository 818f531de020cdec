/* checklist.h - the monthly apartment checklist's deadline rule.
 *
 * The checklist for month M is due by the 10th of month M+1. At a date D
 * the month "due" is the month of D minus 10 days (on 10 November it is
 * October, on 11 November it is November), and the month "overdue" when
 * not sent is the month before that one (on 11 November: October). A
 * tenancy needs a checklist for a month when it is ongoing and began
 * before that month ended. */
#ifndef BF_CHECKLIST_H
#define BF_CHECKLIST_H

#include <jansson.h>

struct req;

/* Writes the due month and the overdue month ("YYYY-MM") at today. */
void checklist_months(const char *today, char due[8], char overdue[8]);

/* Returns 1 when a tenancy that began on move_in and ended on end (NULL:
 * ongoing) covers month "YYYY-MM" (any day of it), else 0. A checklist is
 * made only for a month the tenancy covers. */
int checklist_month_covered(const char *month, const char *move_in, const char *end);

/* Writes the month a checklist is offered for on the tenancy page into
 * out ("YYYY-MM"): the due month when the tenancy covers it, else this
 * month (a move-in after the due month). Returns 0, or -1 when neither is
 * covered (a move-in still ahead): nothing is offered. */
int checklist_offer_month(const char *today, const char *move_in, const char *end, char out[8]);

/* "oktober 2026" for "2026-10" into out (at least 24 bytes); the month
 * itself when it is not one. */
void checklist_month_name(const char *month, char out[24]);

/* Ongoing tenancies (viewer's scope) whose checklist for the overdue
 * month (overdue != 0) or the due month is not sent, as start-page items
 * {href, label, detail}. New reference, NULL on error. */
json_t *checklist_missing_items(struct req *r, int overdue, int limit);

#endif
