/* demo.h - fictive demo data for trying the system and for tests. */
#ifndef BF_DEMO_H
#define BF_DEMO_H

/* The demo password of every demo user. */
#define DEMO_PASSWORD "bostadforst-demo"

/*
 * Seeds the demo users and districts into the (migrated) database.
 * Returns 1 when seeded, 0 when the database already holds the demo, and
 * -2 when it holds real users (refused), -1 on errors.
 */
int demo_seed(void);

/* Writes a valid personnummer for demo person i (born 1960-1995). */
void demo_pnr(int i, char out[14]);

/* Returns the id of a demo user, or 0. */
long long demo_user_id(const char *username);

/* demo_living.c: participants living in their apartments, with tenancies
 * (taken over, ended, a second chance), plans, a year of visits, monthly
 * checklists and incidents, dated relative to today. Returns 0 or -1. */
int demo_living(void);

/* Prints the demo logins to stdout. */
void demo_print_logins(void);

#endif
