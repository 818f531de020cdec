/*
 * transfer.h - moving a person to another stadsdel (överflyttning).
 *
 * The manager transfers a person, with the date the new district takes
 * over. In one transaction: a row in person_transfers (the district
 * history, migrations/0014), the person's district, and the district of
 * the person's referrals and decisions (the district responsible for them
 * now: the scope and the district lists read it). From then the new
 * district's socialsekreterare sees and writes the case and the old one
 * gets 404. What was made before the transfer was registered is shown as
 * made in the old district (transfer_label_districts); the reports count
 * the person where they were on the report's date (DISTRICT_ON in scope.h).
 */
#ifndef BF_TRANSFER_H
#define BF_TRANSFER_H

#include <jansson.h>

/* Returns the person's transfers, oldest first: [{id, date, created_at,
 * from_district, to_district, by_name}], or NULL on a database error. New
 * reference. */
json_t *transfer_history(long long person_id);

/* Sets "district" (the name of the district the person belonged to when
 * the entry was written) on each object of rows, from its integer member
 * at_key (Unix seconds), given the person's transfers (transfer_history).
 * Does nothing when there are no transfers. */
void transfer_label_districts(json_t *rows, const char *at_key, json_t *transfers);

#endif
