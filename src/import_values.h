/*
 * import_values.h - readers for the values people really type into a
 * hand-kept statusrapport spreadsheet (saved as CSV): dates in several
 * spellings, ja/nej, "första gången?", anledning and the Personkod. Pure
 * functions: they write into the caller's buffers, allocate nothing and
 * touch no database. Every reader trims leading and trailing spaces and
 * tabs and ignores case, also for å ä ö (and the other Latin-1 letters).
 */
#ifndef BF_IMPORT_VALUES_H
#define BF_IMPORT_VALUES_H

#include <stddef.h>

/*
 * Reads a date written YYYY-MM-DD, YYYYMMDD, D/M YYYY (also D/M-YYYY,
 * DD/MM YYYY) or as an Excel serial day number (a whole number
 * 20000..80000 in the 1900 date system: 45352 is 2024-03-01). Writes
 * "YYYY-MM-DD" into out. Returns 0, or -1 (out = "") when s is no real
 * calendar date (2024-02-30, 31/4 2024) or is in none of these forms.
 */
int iv_date(const char *s, char out[11]);

/* Reads ja/nej ("Ja", " NEJ "). Returns 1 (ja), 0 (nej) or -1 (anything
 * else, "" included). */
int iv_yes_no(const char *s);

/*
 * Reads "första gången?": "ja" is 1; "nej, 2", "nej 2", "nej,2", "Nej, 3",
 * "2", "2:a", "3:e", "nej, 2:a" are that number (2..50). Returns 0 and sets
 * *out, or -1 (*out untouched) for anything else ("nej", "1", "0", "51",
 * "två", "ja, 2", "").
 */
int iv_ordinal(const char *s, long long *out);

/*
 * Reads anledning into reason ("evicted", "wanted", "other", "deceased"),
 * ground ("disturbance", "arrears", "other" or "" when none) and note (the
 * free text or "", notelen bytes with its NUL, cut at a UTF-8 character
 * boundary; note may be NULL when notelen is 0):
 *   "vräkt"                                   evicted, ground ""
 *   "vräkt (störningar)", "vräkt, störningar",
 *   "vräkt pga störningar" (also ": " or " - ") evicted, disturbance
 *   ... "hyresskuld", "skulder" in those places evicted, arrears
 *   ... any other text in those places        evicted, other, note = text
 *   "ville", "ville flytta"                   wanted
 *   "annat"                                   other
 *   "annat: text", "annat - text", "annat, text", "annat (text)"
 *                                             other, note = text
 *   "avliden", "död"                          deceased
 * A ground word alone ("hyresskuld") is no reason. Returns 0, or -1 with
 * every output "" (unknown word, "" included).
 */
int iv_reason(const char *s, char reason[16], char ground[16], char *note, size_t notelen);

/*
 * Reads a Personkod: ours "ANBE-45-K" (two letters each of first and last
 * name, age, sex) with an optional distinguishing suffix "ANBE-45-K-2", or
 * the seed's free form "namn-ålder-kön" with any name part: "Doris-62-K",
 * "doris - 62 - k", "Anna B-45-k", "Östen-75-M". Spaces around the dashes
 * (an en dash counts as one) are ignored; the name holds letters and may
 * hold spaces, '-', '.' and '\''; the age is 0..120, the sex K, M or X in
 * any case, the suffix 1..999. Writes the name normalised (upper case incl.
 * Å Ä Ö É, spaces removed: "ANNAB", "DORIS", "ÖSTEN") into name, and sets
 * *age, *sex ('K', 'M' or 'X') and *suffix (0 when none). Returns 0, or -1
 * (name "", the rest untouched) when s is no Personkod or the name does
 * not fit 63 bytes.
 */
int iv_personkod(const char *s, char name[64], int *age, char *sex, int *suffix);

#endif
