/* handlers.h - every handler named in the route table, by file. */
#ifndef BF_HANDLERS_H
#define BF_HANDLERS_H

#include "http.h"

/* home.c */
int home_page(struct req *r);
int access_change_ack(struct req *r);
int healthz(struct req *r);

/* login.c */
int login_form(struct req *r);
int login_submit(struct req *r);
int logout_submit(struct req *r);

/* audit.c */
int audit_list(struct req *r);

/* user.c */
int users_list(struct req *r);
int user_new_form(struct req *r);
int user_create(struct req *r);
int user_edit_form(struct req *r);
int user_update(struct req *r);
int user_password_reset(struct req *r);

/* district.c */
int districts_list(struct req *r);
int district_create(struct req *r);
int district_update(struct req *r);

/* person.c */
int persons_list(struct req *r);
int person_new_form(struct req *r);
int person_create(struct req *r);
int person_page(struct req *r);
int person_edit_form(struct req *r);
int person_update(struct req *r);
int person_assign_cm(struct req *r);
int person_end_cm(struct req *r);

/* transfer.c */
int transfer_form(struct req *r);
int transfer_confirm(struct req *r);
int transfer_submit(struct req *r);

/* gallring.c */
int gallring_page(struct req *r);
int gallring_confirm(struct req *r);
int gallring_submit(struct req *r);

/* referral.c */
int referrals_list(struct req *r);
int referral_new_form(struct req *r);
int referral_create(struct req *r);
int referral_page(struct req *r);
int referral_edit_form(struct req *r);
int referral_update(struct req *r);
int referral_step(struct req *r);
int referral_step_confirm(struct req *r);

/* decision.c */
int decisions_due(struct req *r);
int decision_new_form(struct req *r);
int decision_create(struct req *r);
int decision_page(struct req *r);
int decision_effective(struct req *r);
int decision_review_form(struct req *r);
int decision_review(struct req *r);
/* decision_end.c */
int decision_end_form(struct req *r);
int decision_end_confirm(struct req *r);
int decision_end(struct req *r);
int decision_letter(struct req *r);
int decisions_unenforced(struct req *r);
int decision_texts_form(struct req *r);
int decision_texts_save(struct req *r);
/* Decisions (viewer's scope) ending within days, soonest first. */
json_t *decisions_due_rows(const struct req *r, int within_days, int limit);

/* assignment.c */
int assignment_page(struct req *r);
int assignment_form(struct req *r);
int assignment_save(struct req *r);
int assignment_text_form(struct req *r);
int assignment_text_save(struct req *r);

/* apartment.c */
int apartments_list(struct req *r);
int apartment_new_form(struct req *r);
int apartment_create(struct req *r);
int apartment_page(struct req *r);
int apartment_update(struct req *r);

/* tenancy.c */
int tenancies_list(struct req *r);
int tenancy_page(struct req *r);
int tenancy_new_form(struct req *r);
int tenancy_create(struct req *r);
int tenancy_takeover(struct req *r);
int tenancy_takeover_confirm(struct req *r);
int tenancy_end(struct req *r);
int tenancy_end_confirm(struct req *r);
int persons_without_apartment(struct req *r);

/* incident.c */
int incidents_list(struct req *r);
int incident_new_form(struct req *r);
int incident_create(struct req *r);
int incident_page(struct req *r);
int incident_update(struct req *r);
/* Adds kind_label to incident rows. */
void incident_label_rows(json_t *rows);

/* visit.c */
int visits_page(struct req *r);
int visit_create(struct req *r);

/* checklist.c */
int checklists_list(struct req *r);
int checklist_create(struct req *r);
int checklist_page(struct req *r);
int checklist_save(struct req *r);
int checklist_review(struct req *r);
/* Adds state_label and month_label to checklist rows. */
void checklist_label_rows(json_t *rows);

/* plan.c */
int plan_new_form(struct req *r);
int plan_create(struct req *r);
int plan_page(struct req *r);
int plan_edit_form(struct req *r);
int plan_save(struct req *r);
int plan_compare(struct req *r);

/* config.c */
int config_list(struct req *r);
int config_create(struct req *r);
int config_update(struct req *r);
int settings_form(struct req *r);
int settings_save(struct req *r);

/* report.c */
int report_status(struct req *r);
int report_import_form(struct req *r);
int report_import(struct req *r);

/* kvarboende.c */
int kvarboende_page(struct req *r);
int kvarboende_summary(struct req *r);

#endif
