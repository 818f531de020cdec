/*
 * personnummer.h - Swedish personal identity numbers. Accepts
 * ÅÅÅÅMMDD-NNNN, ÅÅÅÅMMDDNNNN, ÅÅMMDD-NNNN, ÅÅMMDDNNNN and ÅÅMMDD+NNNN
 * (100 years or older), checks the Luhn digit and the date, accepts
 * samordningsnummer (day + 60), and normalises to ÅÅÅÅMMDD-NNNN.
 */
#ifndef BF_PERSONNUMMER_H
#define BF_PERSONNUMMER_H

struct pnr {
	char normalized[14];	/* "YYYYMMDD-NNNN" */
	char birth_date[11];	/* "YYYY-MM-DD" (day - 60 for samordningsnummer) */
	char sex;	/* 'K' (even) or 'M' (odd) from the third birth digit */
	int coordination;	/* samordningsnummer */
};

/*
 * Parses s as of today's date (today = "YYYY-MM-DD", which decides the
 * century of a 10-digit number). Returns NULL and fills out, or a Swedish
 * sentence saying what is wrong (static storage).
 */
const char *pnr_parse(const char *s, const char *today, struct pnr *out);

#endif
