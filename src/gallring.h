/*
 * gallring.h - weeding old records (gallring), from the admin page
 * (/admin/gallring) and the command line (bostadforst gallra).
 *
 * The rule: a person is weeded when their last entry (any referral or
 * referral step, decision, assignment, visit, plan version, checklist,
 * incident, tenancy event, case-manager change, transfer, or a change of
 * the person's own record) is older than the cutoff, today minus N years
 * (the setting gallring_years, default 5), and they have no open decision
 * (GALLRING_OPEN_DECISION), no ongoing tenancy and no ongoing work
 * (GALLRING_ONGOING_WORK: an open referral or an active case manager).
 *
 * Weeding keeps what the statistics need, without identity: the person's
 * row with its district, sex, Personkod (given first when missing) and the
 * tenancy, decision, referral, visit and checklist rows with their dates
 * and states, so the statusrapport and kvarboende for past years do not
 * change. It removes the name, personnummer, birth date, contact details
 * and every journal text (notes, plans, checklist comments, incident
 * texts, referral texts, assignment goals, a decision's motivering, end
 * note, review clause and provider), in one transaction with
 * PRAGMA secure_delete on, then checkpoints the WAL (TRUNCATE) and
 * vacuums, so the old values are gone from the file's bytes too.
 */
#ifndef BF_GALLRING_H
#define BF_GALLRING_H

#include <stddef.h>

/*
 * "The person person_col has an open decision", the one definition (SQL,
 * :today bound to today's date): a granted decision (housing or support,
 * migration 0013) not replaced by a review, not ended, whose end date is
 * today or later - the rule of the view decisions_open, with the date
 * bound so a test can move "today".
 */
#define GALLRING_OPEN_DECISION(person_col) \
	"EXISTS (SELECT 1 FROM decisions od WHERE od.person_id = " person_col " " \
	"AND od.outcome = 'granted' AND od.replaced_by_id IS NULL AND od.ended_on IS NULL AND od.end_date >= :today)"

/*
 * "The person person_col has ongoing work" (SQL): a referral not closed
 * (any state but decided, rejected, declined, not_approved, withdrawn; see
 * referral_state.h) or a case manager still assigned. Such a person is
 * never weeded, however old the last entry: the referral waits on the
 * team's start page and the case manager lists the person among hers, so
 * weeding would leave "Gallrad person" there. Closing them is a person's
 * decision (a step with a reason, an ended assignment), not the run's.
 */
#define GALLRING_ONGOING_WORK(person_col) \
	"(EXISTS (SELECT 1 FROM referrals ow WHERE ow.person_id = " person_col " " \
	"AND ow.state NOT IN ('decided', 'rejected', 'declined', 'not_approved', 'withdrawn')) " \
	"OR EXISTS (SELECT 1 FROM person_case_managers oc WHERE oc.person_id = " person_col " AND oc.ended_at IS NULL))"

/* One person the rule finds: the id and the Personkod ("" when none). */
struct gallring_person {
	long long id;
	char personkod[48];
};

/* What a run found or did. */
struct gallring_result {
	char cutoff[11];	/* last entries before this date */
	struct gallring_person *persons;	/* malloc'd, n of them, by Personkod */
	size_t n;
	long long run_id;	/* gallring_runs row of a real run, 0 for a dry run */
	int vacuumed;	/* every page was written anew (VACUUM) */
	int checkpointed;	/* the WAL was checkpointed and truncated */
};

/* Returns the years setting (gallring_years, 1..100; default 5). */
int gallring_years(void);

/*
 * Finds (dry_run) or weeds the persons the rule finds with years (>= 1),
 * on this thread's connection. A real run writes one gallring_runs row and
 * one audit row ("update", "gallring", run id; by user_id, 0 for the
 * command line; via "web" or "cli:USER"). Fills *res (free it with
 * gallring_free). Returns 0, or -1 on a database error (nothing changed).
 */
int gallring_run(int years, int dry_run, long long user_id, const char *via, struct gallring_result *res);

/* Frees what gallring_run allocated in res. */
void gallring_free(struct gallring_result *res);

#endif
