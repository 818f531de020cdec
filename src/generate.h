/* generate.h - fictive data at scale for benchmarks. */
#ifndef BF_GENERATE_H
#define BF_GENERATE_H

/* Adds n generated persons (and their cases) to the open database, which
 * must already hold the demo (demo_seed). Returns 0 or -1. */
int generate_persons(long long n);

#endif
