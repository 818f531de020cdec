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

/* Prints the demo logins to stdout. */
void demo_print_logins(void);

#endif
