/* test_transfer.c - where each entry was made: the district on the instant
 * an entry was written, from the person's transfers (oldest first). */
#include "transfer.h"
#include "check.h"

/* The district set on an entry written at t. Borrowed from rows. */
static const char *district_at(json_t *transfers, long long t)
{
	json_t *rows = json_pack("[{s:I}]", "at", (json_int_t)t);
	transfer_label_districts(rows, "at", transfers);
	static char out[64];
	const char *d = json_string_value(json_object_get(json_array_get(rows, 0), "district"));
	snprintf(out, sizeof out, "%s", d ? d : "(none)");
	json_decref(rows);
	return out;
}

int main(void)
{
	json_t *none = json_array();
	CHECK_STR(district_at(none, 100), "(none)");	/* never transferred: nothing is said */
	json_t *one = json_pack("[{s:I, s:s, s:s}]", "created_at", (json_int_t)1000, "from_district", "Centrum",
	    "to_district", "Hisingen");
	CHECK_STR(district_at(one, 999), "Centrum");
	CHECK_STR(district_at(one, 1000), "Hisingen");	/* the transfer itself: in the new district */
	CHECK_STR(district_at(one, 5000), "Hisingen");
	json_t *two = json_pack("[{s:I, s:s, s:s}, {s:I, s:s, s:s}]",
	    "created_at", (json_int_t)1000, "from_district", "Centrum", "to_district", "Hisingen",
	    "created_at", (json_int_t)2000, "from_district", "Hisingen", "to_district", "Angered");
	CHECK_STR(district_at(two, 10), "Centrum");
	CHECK_STR(district_at(two, 1500), "Hisingen");
	CHECK_STR(district_at(two, 2500), "Angered");
	json_decref(none);
	json_decref(one);
	json_decref(two);
	return check_done();
}
