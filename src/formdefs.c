/* formdefs.c - every form the server shows, described once (formdef.h).
 * A handler reads its form with form_read and shows it with form_view;
 * checks between fields (an end after its start, a date not in the
 * future, a personnummer) stay in the handler and use view_error.
 * page/action/user say where the generated test finds and sends the form:
 * {name} is an id the test looks up (tests/http/forms.test.mjs). */
#include "formdef.h"

#include <string.h>

/* ---------- choices ---------- */

const struct fchoice sex_choices[] = {
	{ "K", "Kvinna" }, { "M", "Man" }, { "X", "Annat eller okänt" }, { NULL, NULL }
};

const struct fchoice apartment_statuses[] = {
	{ "available", "Ledig" }, { "let", "Uthyrd" }, { "blocked", "Spärrad" }, { NULL, NULL }
};

const struct fchoice incident_kinds[] = {
	{ "disturbance", "Störning" }, { "damage", "Skada" }, { "rent_arrears", "Hyresskuld" }, { "threat", "Hot" },
	{ "sanitary", "Sanitär olägenhet" }, { "other", "Annat" }, { NULL, NULL }
};

static const struct fchoice housing_related_choices[] = {
	{ "1", "Ja – fastighetskontoret ser typ, datum, beskrivning och åtgärd" },
	{ "0", "Nej – bara socialtjänsten och teamet" }, { NULL, NULL }
};

/* The roles as auth.c names and labels them (test_formdef checks they agree). */
const struct fchoice role_choices[] = {
	{ "socialsekreterare", "Socialsekreterare" }, { "case_manager", "Case manager" },
	{ "landlord", "Fastighetskontoret" }, { "manager", "Chef" }, { "admin", "Systemförvaltare" }, { NULL, NULL }
};

/* ---------- persons ---------- */

#define PERSON_NAME_FIELDS \
	{ .name = "first_name", .label = "Förnamn", .kind = FK_TEXT, .required = 1, .max_chars = 100, \
	  .required_msg = "Ange förnamn.", .sample = "Åsa" }, \
	{ .name = "last_name", .label = "Efternamn", .kind = FK_TEXT, .required = 1, .max_chars = 100, \
	  .required_msg = "Ange efternamn.", .sample = "Öberg" }, \
	{ .name = "phone", .label = "Telefon", .kind = FK_TEXT, .max_chars = 50, .inputmode = "tel", .sample = "070-123 45 67" }, \
	{ .name = "email", .label = "E-post", .kind = FK_TEXT, .max_chars = 200, .inputmode = "email", \
	  .sample = "asa@exempel.se" }, \
	{ .name = "address", .label = "Adress eller var personen kan nås", .kind = FK_TEXT, .max_chars = 300, \
	  .sample = "Storgatan 1" }

static const struct fdef person_new_fields[] = {
	{ .name = "personnummer", .label = "Personnummer", .kind = FK_TEXT, .max_chars = 20, .inputmode = "numeric",
	  .hint = "ÅÅÅÅMMDD-NNNN. Samordningsnummer går också bra.", .sample = "19900101-0017" },
	{ .name = "reserve", .label = "Ge personen en reservidentitet (flaggas tills personnumret är känt)", .kind = FK_CHECK },
	{ .name = "birth_date", .label = "Födelsedatum om det är känt", .kind = FK_DATE },
	{ .name = "sex", .label = "Kön", .kind = FK_CHOICE, .choices = sex_choices, .hint = "För reservidentiteten." },
	PERSON_NAME_FIELDS,
	{ .name = NULL }
};

static const struct fdef person_edit_fields[] = { PERSON_NAME_FIELDS, { .name = NULL } };

static const struct formdef person_new = {
	.id = "person_new", .page = "/persons/new", .action = "/persons", .user = "soc1", .fields = person_new_fields
};
static const struct formdef person_edit = {
	.id = "person_edit", .page = "/persons/{person}/edit", .action = "/persons/{person}", .user = "soc1",
	.fields = person_edit_fields
};

/* ---------- apartments ---------- */

static const struct fdef apartment_fields[] = {
	{ .name = "address", .label = "Adress", .kind = FK_TEXT, .required = 1, .max_chars = 300,
	  .required_msg = "Ange adressen.", .sample = "Ågatan 5" },
	{ .name = "district_id", .label = "Stadsdel", .kind = FK_REF, .required = 1, .required_msg = "Välj en stadsdel." },
	{ .name = "rooms", .label = "Antal rum", .kind = FK_NUMBER, .required = 1, .min = 1, .max = 10,
	  .bad_msg = "Ange antal rum som ett heltal, 1–10.", .required_msg = "Ange antal rum som ett heltal, 1–10.", .sample = "2" },
	{ .name = "area_m2", .label = "Yta (m²)", .kind = FK_NUMBER, .required = 1, .min = 5, .max = 500, .decimals = 1,
	  .bad_msg = "Ange ytan i kvadratmeter, 5–500, till exempel 38 eller 38,5.",
	  .required_msg = "Ange ytan i kvadratmeter, 5–500, till exempel 38 eller 38,5.", .sample = "38,5" },
	{ .name = "rent", .label = "Hyra (kr per månad)", .kind = FK_NUMBER, .required = 1, .min = 0, .max = 100000,
	  .bad_msg = "Ange hyran i hela kronor per månad, till exempel 6 200.",
	  .required_msg = "Ange hyran i hela kronor per månad, till exempel 6 200.", .sample = "6 200" },
	{ .name = "housing_company", .label = "Bostadsbolag", .kind = FK_TEXT, .max_chars = 200, .sample = "Bostadsbolaget" },
	{ .name = "contract_number", .label = "Kontraktsnummer (förstahandskontraktet)", .kind = FK_TEXT, .max_chars = 100,
	  .sample = "K-123" },
	{ .name = "status", .label = "Status", .kind = FK_CHOICE, .required = 1, .choices = apartment_statuses,
	  .required_msg = "Välj status.", .bad_msg = "Välj status.", .sample = "available" },
	{ .name = NULL }
};

static const struct formdef apartment_new = {
	.id = "apartment_new", .page = "/apartments/new", .action = "/apartments", .user = "fast1", .fields = apartment_fields
};
static const struct formdef apartment_edit = {
	.id = "apartment_edit", .page = "/apartments/{apartment}", .action = "/apartments/{apartment}", .user = "fast1",
	.fields = apartment_fields
};

/* ---------- incidents ---------- */

#define INCIDENT_COMMON_FIELDS \
	{ .name = "kind", .label = "Typ av händelse", .kind = FK_CHOICE, .required = 1, .choices = incident_kinds, \
	  .required_msg = "Välj typ av händelse.", .bad_msg = "Välj typ av händelse.", .sample = "damage" }, \
	{ .name = "date", .label = "Datum", .kind = FK_DATE, .required = 1 }, \
	{ .name = "reported_by", .label = "Rapporterad av", .kind = FK_TEXT, .max_chars = 200, \
	  .hint = "Till exempel granne, hyresvärd, personal.", .sample = "Granne på våning 3" }, \
	{ .name = "landlord_text", .label = "Beskrivning", .kind = FK_TEXTAREA, .required = 1, .max_chars = 4000, \
	  .required_msg = "Beskriv vad som hände.", .sample = "Vattenskada i badrummet." }, \
	{ .name = "action_taken", .label = "Åtgärd", .kind = FK_TEXTAREA, .max_chars = 4000, .sample = "Rörmokare bokad." }, \
	{ .name = "resolved_date", .label = "Löst datum (lämna tomt om den är öppen)", .kind = FK_DATE }

static const struct fdef incident_fields[] = {
	INCIDENT_COMMON_FIELDS,
	{ .name = "housing_related", .label = "Rör boendet", .kind = FK_CHOICE,
	  .choices = housing_related_choices, .sample = "1" },
	{ .name = "internal_note", .label = "Intern anteckning", .kind = FK_TEXTAREA, .max_chars = 4000,
	  .hint = "Syns aldrig för fastighetskontoret.", .sample = "Ringt kontaktpersonen." },
	{ .name = NULL }
};

static const struct fdef incident_landlord_fields[] = { INCIDENT_COMMON_FIELDS, { .name = NULL } };

static const struct formdef incident_new = {
	.id = "incident_new", .page = "/tenancies/{tenancy}/incidents/new", .action = "/tenancies/{tenancy}/incidents",
	.user = "cm1", .fields = incident_fields
};
static const struct formdef incident_new_landlord = {
	.id = "incident_new_landlord", .page = "/tenancies/{tenancy}/incidents/new",
	.action = "/tenancies/{tenancy}/incidents", .user = "fast1", .fields = incident_landlord_fields
};
static const struct formdef incident_edit = {
	.id = "incident_edit", .page = "/incidents/{incident}", .action = "/incidents/{incident}", .user = "cm1",
	.fields = incident_fields
};
static const struct formdef incident_edit_landlord = {
	.id = "incident_edit_landlord", .page = "/incidents/{incident}", .action = "/incidents/{incident}", .user = "fast1",
	.fields = incident_landlord_fields
};

/* ---------- users ---------- */

#define USER_FIELDS \
	{ .name = "name", .label = "Namn", .kind = FK_TEXT, .required = 1, .max_chars = 100, \
	  .required_msg = "Ange användarens namn.", .sample = "Åke Prov" }, \
	{ .name = "role", .label = "Roll", .kind = FK_CHOICE, .required = 1, .choices = role_choices, \
	  .required_msg = "Välj en roll.", .bad_msg = "Välj en roll.", .sample = "case_manager" }, \
	{ .name = "district_id", .label = "Stadsdel", .kind = FK_REF, .hint = "Krävs för socialsekreterare.", \
	  .bad_msg = "Välj en stadsdel i listan." }
#define PASSWORD_FIELDS(first_label) \
	{ .name = "password", .label = first_label, .kind = FK_PASSWORD, .required = 1, .hint = "12–128 tecken.", \
	  .sample = "ett långt lösenord" }, \
	{ .name = "password_again", .label = "Upprepa lösenordet", .kind = FK_PASSWORD, .required = 1, \
	  .sample = "ett långt lösenord" }

static const struct fdef user_new_fields[] = {
	{ .name = "username", .label = "Användarnamn", .kind = FK_TEXT, .required = 1, .max_chars = 64,
	  .required_msg = "Användarnamnet ska vara 2–64 tecken: a–z, 0–9, punkt, bindestreck eller understreck.",
	  .hint = "2–64 tecken: a–z, 0–9, punkt, bindestreck eller understreck.", .sample = "prov.anvandare" },
	USER_FIELDS,
	PASSWORD_FIELDS("Lösenord"),
	{ .name = NULL }
};
static const struct fdef user_edit_fields[] = {
	USER_FIELDS,
	{ .name = "active", .label = "Aktivt konto (avmarkera för att inaktivera; kontot raderas aldrig)", .kind = FK_CHECK },
	{ .name = NULL }
};
static const struct fdef user_password_fields[] = { PASSWORD_FIELDS("Nytt lösenord"), { .name = NULL } };

static const struct formdef user_new = {
	.id = "user_new", .page = "/admin/users/new", .action = "/admin/users", .user = "admin1", .fields = user_new_fields
};
static const struct formdef user_edit = {
	.id = "user_edit", .page = "/admin/users/{user}", .action = "/admin/users/{user}", .user = "admin1",
	.fields = user_edit_fields
};
static const struct formdef user_password = {
	.id = "user_password", .page = "/admin/users/{user}", .action = "/admin/users/{user}/password", .user = "admin1",
	.fields = user_password_fields
};

/* ---------- districts ---------- */

#define DISTRICT_NAME_FIELD \
	{ .name = "name", .label = "Namn", .kind = FK_TEXT, .required = 1, .max_chars = 100, \
	  .required_msg = "Ange stadsdelens namn.", .sample = "Östra Åby" }

static const struct fdef district_new_fields[] = { DISTRICT_NAME_FIELD, { .name = NULL } };
static const struct fdef district_edit_fields[] = {
	DISTRICT_NAME_FIELD,
	{ .name = "active", .label = "Aktiv", .kind = FK_CHECK },
	{ .name = NULL }
};
static const struct formdef district_new = {
	.id = "district_new", .page = "/admin/districts", .action = "/admin/districts", .user = "admin1",
	.fields = district_new_fields
};
static const struct formdef district_edit = {
	.id = "district_edit", .page = "/admin/districts", .action = "/admin/districts/{district}", .user = "admin1",
	.fields = district_edit_fields
};

/* ---------- the admin's lists and settings ---------- */

#define CONFIG_ITEM_FIELDS \
	{ .name = "label", .label = "Benämning", .kind = FK_TEXT, .required = 1, .max_chars = 120, \
	  .required_msg = "Skriv en benämning.", .sample = "Fritid och umgänge" }, \
	{ .name = "position", .label = "Plats i ordningen", .kind = FK_NUMBER, .required = 1, .min = 1, .max = 999, \
	  .required_msg = "Ange plats i ordningen som ett heltal, 1–999.", \
	  .bad_msg = "Ange plats i ordningen som ett heltal, 1–999.", .sample = "50" }

static const struct fdef config_item_new_fields[] = { CONFIG_ITEM_FIELDS, { .name = NULL } };
static const struct fdef config_item_edit_fields[] = {
	CONFIG_ITEM_FIELDS,
	{ .name = "active", .label = "Aktiv", .kind = FK_CHECK },
	{ .name = NULL }
};
static const struct formdef life_area_new = {
	.id = "life_area_new", .page = "/admin/life-areas", .action = "/admin/life-areas", .user = "admin1",
	.fields = config_item_new_fields
};
static const struct formdef life_area_edit = {
	.id = "life_area_edit", .page = "/admin/life-areas", .action = "/admin/life-areas/{life_area}", .user = "admin1",
	.fields = config_item_edit_fields
};
static const struct formdef checklist_item_new = {
	.id = "checklist_item_new", .page = "/admin/checklist-items", .action = "/admin/checklist-items", .user = "admin1",
	.fields = config_item_new_fields
};
static const struct formdef checklist_item_edit = {
	.id = "checklist_item_edit", .page = "/admin/checklist-items", .action = "/admin/checklist-items/{checklist_item}",
	.user = "admin1", .fields = config_item_edit_fields
};

static const struct fdef settings_fields[] = {
	{ .name = "takeover_months", .label = "Månader från inflyttning till prövning av överlåtelse", .kind = FK_NUMBER,
	  .required = 1, .min = 1, .max = 60, .required_msg = "Ange antal månader som ett heltal, 1–60.",
	  .bad_msg = "Ange antal månader som ett heltal, 1–60.",
	  .hint = "Ett av villkoren för att ett boende visas som redo för överlåtelse av förstahandskontraktet.",
	  .sample = "9" },
	{ .name = "gallring_years", .label = "År efter senaste anteckningen till gallring", .kind = FK_NUMBER,
	  .min = 1, .max = 100, .required_msg = "Ange antal år som ett heltal, 1–100.",
	  .bad_msg = "Ange antal år som ett heltal, 1–100.",
	  .hint = "Socialtjänstens akter gallras fem år efter senaste anteckningen om inte kommunens gallringsbeslut "
	  "säger annat. Gallringen görs under Gallring.", .sample = "5" },
	{ .name = NULL }
};
static const struct formdef settings = {
	.id = "settings", .page = "/admin/settings", .action = "/admin/settings", .user = "admin1", .fields = settings_fields
};

/* ---------- assignments (uppdragsbeskrivning) ---------- */

static const struct fdef assignment_fields[] = {
	{ .name = "goals", .label = "Individuella mål", .kind = FK_TEXTAREA, .required = 1, .max_chars = 5000,
	  .required_msg = "Skriv de individuella målen.", .sample = "Behålla lägenheten. Kontakt med syster." },
	{ .name = "followup_dates", .label = "Uppföljningsdatum", .kind = FK_DATES,
	  .hint = "ÅÅÅÅ-MM-DD eller D/M, åtskilda med kommatecken.",
	  .bad_msg = "Skriv uppföljningsdatum som ÅÅÅÅ-MM-DD eller D/M, åtskilda med kommatecken.", .sample = "1/3 2027, 1/9 2027" },
	{ .name = NULL }
};
static const struct formdef assignment = {
	.id = "assignment", .page = "/decisions/{decision}/assignment/edit", .action = "/decisions/{decision}/assignment",
	.user = "soc1", .fields = assignment_fields
};

static const struct fdef assignment_text_fields[] = {
	{ .name = "text", .label = "Standardtext", .kind = FK_TEXTAREA, .required = 1, .max_chars = 10000,
	  .required_msg = "Skriv standardtexten.", .sample = "Uppdraget gäller stöd i boendet." },
	{ .name = NULL }
};
static const struct formdef assignment_text = {
	.id = "assignment_text", .page = "/admin/assignment-text", .action = "/admin/assignment-text", .user = "admin1",
	.fields = assignment_text_fields
};

/* ---------- tenancies ---------- */

const struct fchoice end_reason_choices[] = {
	{ "evicted", "Vräkt" }, { "wanted", "Ville flytta" }, { "other", "Annat" }, { "deceased", "Avliden" }, { NULL, NULL }
};
/* why an eviction happened, as seed 004 reports them */
const struct fchoice end_ground_choices[] = {
	{ "disturbance", "Störningar" }, { "arrears", "Hyresskuld" }, { "other", "Annat skäl" }, { NULL, NULL }
};

static const struct fdef move_in_fields[] = {
	{ .name = "person_id", .label = "Hyresgäst", .kind = FK_REF, .required = 1,
	  .hint = "Personer med gällande beslut om Bostad först som inte har något pågående boende.",
	  .required_msg = "Välj en person med gällande beslut som inte redan har ett boende.",
	  .bad_msg = "Välj en person med gällande beslut som inte redan har ett boende." },
	{ .name = "move_in_date", .label = "Inflyttningsdatum (andrahandskontraktet börjar)", .kind = FK_DATE, .required = 1,
	  .required_msg = "Ange inflyttningsdatum som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ.",
	  .bad_msg = "Ange inflyttningsdatum som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ, och ett datum som finns." },
	{ .name = "support_effective_date", .label = "Stödinsatsen verkställd", .kind = FK_DATE,
	  .hint = "Fyll i om beslutet om stödinsats inte redan är verkställt. Tomt: verkställt samma dag som inflyttningen.",
	  .bad_msg = "Ange datum som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ, eller lämna tomt.", .sample = "" },
	{ .name = "ordinal", .label = "Vilken gång i Bostad först (lämna tomt)", .kind = FK_NUMBER, .min = 1, .max = 50,
	  .hint = "Räknas ut av tidigare boenden i systemet. Fyll bara i om personen bott i Bostad först innan systemet togs i bruk.",
	  .bad_msg = "Ange ordningen som ett heltal, 1–50.", .sample = "" },
	{ .name = "ordinal_reason", .label = "Skäl till angiven ordning", .kind = FK_TEXTAREA, .max_chars = 1000,
	  .sample = "Bodde i Bostad först 2019." },
	{ .name = NULL }
};
static const struct formdef move_in = {
	.id = "move_in", .page = "/apartments/{free_apartment}/tenancies/new", .action = "/apartments/{free_apartment}/tenancies",
	.user = "fast1", .fields = move_in_fields
};

static const struct fdef takeover_fields[] = {
	{ .name = "takeover_date", .label = "Datum för överlåtelsen", .kind = FK_DATE, .required = 1,
	  .required_msg = "Ange datum för överlåtelsen som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ.",
	  .bad_msg = "Ange datum för överlåtelsen som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ, och ett datum som finns." },
	{ .name = "takeover_reason", .label = "Skäl, om överlåtelsen skedde innan väntetiden var över", .kind = FK_TEXTAREA,
	  .max_chars = 2000, .sample = "Hyresvärden har godkänt överlåtelsen." },
	{ .name = NULL }
};
static const struct formdef takeover = {
	.id = "takeover", .page = "/tenancies/{open_tenancy}", .action = "/tenancies/{open_tenancy}/takeover/confirm",
	.user = "fast1", .fields = takeover_fields
};

static const struct fdef end_fields[] = {
	{ .name = "end_date", .label = "Datum (utflyttning eller dödsfall)", .kind = FK_DATE, .required = 1 },
	{ .name = "end_reason", .label = "Anledning", .kind = FK_CHOICE, .required = 1, .choices = end_reason_choices,
	  .required_msg = "Välj anledning: vräkt, ville flytta, annat eller avliden.",
	  .bad_msg = "Välj anledning: vräkt, ville flytta, annat eller avliden.", .sample = "wanted" },
	{ .name = "end_ground", .label = "Skäl vid vräkning", .kind = FK_CHOICE, .choices = end_ground_choices,
	  .hint = "Fylls i bara när anledningen är Vräkt.",
	  .bad_msg = "Välj skälet till vräkningen: störningar, hyresskuld eller annat skäl.", .sample = "" },
	{ .name = "end_note", .label = "Beskrivning (krävs vid Annat)", .kind = FK_TEXTAREA, .max_chars = 2000,
	  .sample = "Flyttade till en annan ort." },
	{ .name = NULL }
};
static const struct formdef tenancy_end_form = {
	.id = "tenancy_end", .page = "/tenancies/{open_tenancy}", .action = "/tenancies/{open_tenancy}/end/confirm",
	.user = "fast1", .fields = end_fields
};

/* ---------- visits ---------- */

const struct fchoice visit_kinds[] = {
	{ "home", "Hembesök" }, { "office", "Besök på kontoret" }, { "phone", "Telefon" }, { "accompaniment", "Ledsagning" },
	{ "other", "Annat" }, { NULL, NULL }
};
static const struct fchoice met_choices[] = {
	{ "1", "Ja, vi träffades" }, { "0", "Nej, vi träffades inte" }, { NULL, NULL }
};

static const struct fdef visit_fields[] = {
	{ .name = "date", .label = "Datum", .kind = FK_DATE, .required = 1 },
	{ .name = "kind", .label = "Typ av kontakt", .kind = FK_CHOICE, .required = 1, .choices = visit_kinds,
	  .required_msg = "Välj typ av kontakt.", .bad_msg = "Välj typ av kontakt.", .sample = "home" },
	{ .name = "met", .label = "Träffades ni?", .kind = FK_CHOICE, .required = 1, .choices = met_choices,
	  .required_msg = "Ange om ni träffades.", .bad_msg = "Ange om ni träffades.", .sample = "1" },
	{ .name = "note", .label = "Anteckning", .kind = FK_TEXTAREA, .max_chars = 8000,
	  .hint = "Journalanteckningar kan inte ändras i efterhand. Ett fel rättas med en ny anteckning.",
	  .sample = "Hembesök, allt lugnt. Pratade om ekonomi." },
	{ .name = NULL }
};
static const struct formdef visit = {
	.id = "visit", .page = "/visits?person={cm_person}", .action = "/visits", .user = "cm1", .fields = visit_fields
};

/* ---------- checklists (the items themselves come from the admin's list) ---------- */

static const struct fdef checklist_fields[] = {
	{ .name = "done_date", .label = "Genomgången gjord (datum)", .kind = FK_DATE,
	  .bad_msg = "Ange datumet för genomgången som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ (inte i framtiden)." },
	{ .name = "agreed_actions", .label = "Överenskomna åtgärder", .kind = FK_TEXTAREA, .max_chars = 4000,
	  .sample = "Städa balkongen före nästa månad." },
	{ .name = "participant_comment", .label = "Hyresgästens egen kommentar", .kind = FK_TEXTAREA, .max_chars = 4000,
	  .sample = "Jag trivs i lägenheten." },
	{ .name = NULL }
};
static const struct formdef checklist = {
	.id = "checklist", .page = "/checklists/{draft_checklist}", .action = "/checklists/{draft_checklist}", .user = "cm1",
	.fields = checklist_fields
};

static const struct fdef checklist_review_fields[] = {
	{ .name = "review_date", .label = "Granskad (datum)", .kind = FK_DATE, .required = 1,
	  .required_msg = "Ange granskningsdatum som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ (inte i framtiden).",
	  .bad_msg = "Ange granskningsdatum som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ (inte i framtiden)." },
	{ .name = "review_comment", .label = "Fastighetskontorets kommentar", .kind = FK_TEXTAREA, .max_chars = 4000,
	  .sample = "Inga anmärkningar." },
	{ .name = NULL }
};
static const struct formdef checklist_review = {
	.id = "checklist_review", .page = "/checklists/{sent_checklist}", .action = "/checklists/{sent_checklist}/review",
	.user = "fast1", .fields = checklist_review_fields
};

/* ---------- the genomförandeplan (the life areas come from the admin's list) ---------- */

static const struct fdef plan_fields[] = {
	{ .name = "follow_up_dates", .label = "Uppföljningsdatum", .kind = FK_DATES, .required = 1,
	  .hint = "Ett eller flera datum, ÅÅÅÅ-MM-DD eller D/M, åtskilda med kommatecken.",
	  .required_msg = "Ange minst ett uppföljningsdatum.",
	  .bad_msg = "Skriv upp till tio datum som ÅÅÅÅ-MM-DD eller D/M, åtskilda med kommatecken.", .sample = "1/3 2027, 1/9 2027" },
	{ .name = "agreed_date", .label = "Deltagaren har godkänt planen (datum)", .kind = FK_DATE,
	  .bad_msg = "Ange datum för godkännandet som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ (inte i framtiden)." },
	{ .name = "agreed_how", .label = "Hur deltagaren godkände planen", .kind = FK_TEXT, .max_chars = 300,
	  .hint = "Till exempel: muntligt vid hembesök, med underskrift.", .sample = "Muntligt vid hembesök." },
	{ .name = NULL }
};
static const struct formdef plan_new = {
	.id = "plan_new", .page = "/persons/{person_without_plan}/plan/new", .action = "/persons/{person_without_plan}/plan",
	.user = "cm1", .fields = plan_fields
};
static const struct formdef plan_edit = {
	.id = "plan_edit", .page = "/plans/{plan}/edit", .action = "/plans/{plan}", .user = "cm1", .fields = plan_fields
};

/* ---------- referrals (the decisions are described in decision.c) ---------- */

#define CRITERION(key, text) \
	{ .name = key, .label = text, .kind = FK_YESNO, .bad_msg = "Svara ja eller nej.", .sample = "1" }, \
	{ .name = key "_note", .label = "Kommentar", .kind = FK_TEXTAREA, .max_chars = 5000, .sample = "Enligt brukaren själv." }
#define REFERRAL_TEXT(key, text, example) \
	{ .name = key, .label = text, .kind = FK_TEXTAREA, .max_chars = 5000, .sample = example }

static const struct fdef referral_fields[] = {
	CRITERION("crit_known", "Aktuell på vuxenenheten"),
	CRITERION("crit_far", "Står långt från ordinarie bostadsmarknad och har lång erfarenhet av hemlöshet"),
	CRITERION("crit_health", "Missbruk och/eller psykisk ohälsa"),
	CRITERION("crit_wants", "Vill bo i hyreslägenhet, ta hyresgästansvar och ta emot stöd"),
	CRITERION("crit_no_violence", "Inga hot- eller våldsincidenter nyligen som bedöms påverka grannar eller personal"),
	CRITERION("crit_no_risk", "Bedöms inte ha hög risk för överdos eller suicid"),
	{ .name = "client_participated", .label = "Brukaren har varit med och fyllt i remissen", .kind = FK_CHECK },
	REFERRAL_TEXT("client_wishes", "Brukarens egna önskemål, med brukarens egna ord", "Ett eget hem nära min syster."),
	REFERRAL_TEXT("homeless_duration", "Boendehistorik: hur länge hemlös", "Sju år, härbärgen och tillfälliga boenden."),
	REFERRAL_TEXT("current_situation", "Nuvarande situation", "Bor på härbärge."),
	REFERRAL_TEXT("needs", "Behov", "Stöd med ekonomi och kontakter med vården."),
	{ .name = NULL }
};
static const struct formdef referral_new = {
	.id = "referral_new", .page = "/persons/{person}/referrals/new", .action = "/persons/{person}/referrals",
	.user = "soc1", .fields = referral_fields
};
static const struct formdef referral_edit = {
	.id = "referral_edit", .page = "/referrals/{draft_referral}/edit", .action = "/referrals/{draft_referral}",
	.user = "soc1", .fields = referral_fields
};

/* ---------- the referral's steps (several forms on its page, ids NAME-ACTION) ---------- */

static const struct fdef step_book_meeting_fields[] = {
	{ .name = "date", .label = "Datum för mötet", .kind = FK_DATE, .required = 1 },
	{ .name = "time", .label = "Klockslag", .kind = FK_TIME, .required = 1, .hint = "TT:MM, till exempel 13:30",
	  .required_msg = "Ange klockslag för mötet som TT:MM, till exempel 13:30.",
	  .bad_msg = "Ange klockslag som TT:MM, mellan 00:00 och 23:59.", .sample = "13:30" },
	{ .name = "place", .label = "Plats", .kind = FK_TEXT, .required = 1, .max_chars = 200,
	  .hint = "Adress eller lokal, till exempel Bostad först SRF, Första Långgatan 28",
	  .required_msg = "Skriv var mötet hålls.", .sample = "Stadsmissionen, Götgatan 1" },
	{ .name = NULL }
};
static const struct formdef step_book_meeting = {
	.id = "step_book_meeting", .page = "/referrals/{referral_to_book}", .action = "/referrals/{referral_to_book}/steps",
	.user = "cm1", .match = "action=book_meeting", .fields = step_book_meeting_fields
};
static const struct fdef step_hold_meeting_fields[] = {
	{ .name = "date", .label = "Mötet hölls", .kind = FK_DATE, .required = 1 },
	{ .name = NULL }
};
static const struct formdef step_hold_meeting = {
	.id = "step_hold_meeting", .page = "/referrals/{referral_booked}", .action = "/referrals/{referral_booked}/steps",
	.user = "cm1", .match = "action=hold_meeting", .fields = step_hold_meeting_fields
};
static const struct fdef step_reason_fields[] = {
	{ .name = "reason", .label = "Motivering", .kind = FK_TEXTAREA, .required = 1, .max_chars = 5000,
	  .required_msg = "Skriv en motivering.", .sample = "Brukaren vill inte längre." },
	{ .name = NULL }
};
static const struct formdef step_reason = {
	.id = "step_reason", .page = "/referrals/{draft_referral}", .action = "/referrals/{draft_referral}/steps/confirm",
	.user = "soc1", .match = "action=withdraw", .fields = step_reason_fields
};

/* ---------- moving to another district (transfer.c) ---------- */

/* Checked in transfer.c besides: a district other than the person's, a
 * date not after today and not before the person's latest entry in the
 * district it leaves or the previous transfer. The POST goes to the
 * confirmation page first; its button sends the same fields on. */
static const struct fdef transfer_fields[] = {
	{ .name = "district_id", .label = "Ny stadsdel", .kind = FK_REF, .required = 1,
	  .required_msg = "Välj den stadsdel personen flyttar till i listan.",
	  .bad_msg = "Välj den stadsdel personen flyttar till i listan." },
	{ .name = "date", .label = "Från och med datum", .kind = FK_DATE, .required = 1,
	  .hint = "Den dag den nya stadsdelen tar över ärendet. Rapporter per stadsdel räknar personen i den nya stadsdelen "
	  "från och med det datumet.",
	  .required_msg = "Ange från vilket datum den nya stadsdelen ansvarar, som ÅÅÅÅ-MM-DD.",
	  .bad_msg = "Datumet ska vara ett riktigt datum skrivet ÅÅÅÅ-MM-DD, till exempel 2026-03-01." },
	{ .name = NULL }
};
static const struct formdef transfer = {
	.id = "transfer", .page = "/persons/{transfer_person}/transfer", .action = "/persons/{transfer_person}/transfer/confirm",
	.user = "chef1", .fields = transfer_fields
};

/* ---------- decisions (src/decision.c, src/decision_end.c) ---------- */

static const struct fchoice decision_outcomes[] = { { "granted", "Beviljat" }, { "refused", "Avslag" }, { NULL, NULL } };
static const struct fchoice support_kinds[] = {
	{ "internal", "Internt (egen regi)" }, { "external", "Externt" }, { NULL, NULL }
};
const struct fchoice decision_end_reasons[] = {
	{ "goal_reached", "Målet uppnått" }, { "declined", "Brukaren avböjer" }, { "moved", "Flyttat" },
	{ "deceased", "Avliden" }, { "other", "Annat" }, { NULL, NULL }
};

/* the fields the decision form shares, made or reviewed */
#define DECISION_COMMON_FIELDS \
	{ .name = "decision_date", .label = "Beslutsdatum", .kind = FK_DATE, .required = 1, \
	  .required_msg = "Ange beslutsdatum som ÅÅÅÅ-MM-DD.", \
	  .bad_msg = "Ange beslutsdatum som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ, och ett datum som finns." }, \
	{ .name = "start_date", .label = "Gäller från", .kind = FK_DATE, .required = 1, \
	  .required_msg = "Ange startdatum som ÅÅÅÅ-MM-DD.", \
	  .bad_msg = "Ange startdatum som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ, och ett datum som finns." }, \
	{ .name = "end_date", .label = "Gäller till", .kind = FK_DATE, .hint = "Tomt blir 18 månader efter start.", \
	  .bad_msg = "Ange slutdatum som ÅÅÅÅ-MM-DD, eller lämna tomt för 18 månader.", .sample = "" }, \
	{ .name = "review_clause", .label = "Omprövningsförbehåll", .kind = FK_TEXTAREA, .required = 1, .max_chars = 2000, \
	  .required_msg = "Skriv omprövningsförbehållet." }
/* one decision's outcome and motivering; prefix "housing" or "support" */
#define DECISION_PART_FIELDS(prefix) \
	{ .name = prefix "_outcome", .label = "Beslut", .kind = FK_CHOICE, .choices = decision_outcomes, \
	  .bad_msg = "Välj beviljat eller avslag." }, \
	{ .name = prefix "_motivering", .label = "Motivering (krävs vid avslag)", .kind = FK_TEXTAREA, .max_chars = 5000, \
	  .hint = "Står i beslutsmeddelandet till personen." }
#define DECISION_SUPPORT_FIELDS \
	{ .name = "support_kind", .label = "Stödinsatsen utförs", .kind = FK_CHOICE, .required = 1, .choices = support_kinds, \
	  .required_msg = "Välj om stödinsatsen är intern eller extern.", \
	  .bad_msg = "Välj om stödinsatsen är intern eller extern." }, \
	{ .name = "provider", .label = "Utförare", .kind = FK_TEXT, .max_chars = 200, \
	  .hint = "Krävs när stödinsatsen är extern." }, \
	{ .name = "support_effective_date", .label = "Stödinsatsen verkställd", .kind = FK_DATE, \
	  .hint = "Kan vara före inflyttningen; tomt om den inte är verkställd än. Inte ett datum i framtiden.", \
	  .bad_msg = "Ange verkställighetsdatum som ÅÅÅÅ-MM-DD, eller lämna tomt.", .sample = "" }

static const struct fdef decision_new_fields[] = {
	DECISION_COMMON_FIELDS, DECISION_PART_FIELDS("housing"), DECISION_PART_FIELDS("support"), DECISION_SUPPORT_FIELDS,
	{ .name = NULL }
};
static const struct formdef decision_new = {
	.id = "decision_new", .page = "/referrals/{approved_referral}/decisions/new",
	.action = "/referrals/{approved_referral}/decisions", .user = "soc1", .fields = decision_new_fields
};
static const struct fdef decision_review_housing_fields[] = {
	DECISION_COMMON_FIELDS, DECISION_PART_FIELDS("housing"), { .name = NULL }
};
static const struct formdef decision_review_housing = {
	.id = "decision_review_housing", .page = "/decisions/{open_housing_decision}/review",
	.action = "/decisions/{open_housing_decision}/review", .user = "soc1", .fields = decision_review_housing_fields
};
static const struct fdef decision_review_support_fields[] = {
	DECISION_COMMON_FIELDS, DECISION_PART_FIELDS("support"), DECISION_SUPPORT_FIELDS, { .name = NULL }
};
static const struct formdef decision_review_support = {
	.id = "decision_review_support", .page = "/decisions/{open_support_decision}/review",
	.action = "/decisions/{open_support_decision}/review", .user = "soc1", .fields = decision_review_support_fields
};

static const struct fdef decision_end_fields[] = {
	{ .name = "ended_on", .label = "Datum då insatsen avslutas", .kind = FK_DATE, .required = 1,
	  .required_msg = "Ange datum som ÅÅÅÅ-MM-DD.", .bad_msg = "Ange datum som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ, "
	  "och ett datum som finns." },
	{ .name = "end_reason", .label = "Anledning", .kind = FK_CHOICE, .required = 1, .choices = decision_end_reasons,
	  .required_msg = "Välj anledning: målet uppnått, brukaren avböjer, flyttat, avliden eller annat.",
	  .bad_msg = "Välj anledning: målet uppnått, brukaren avböjer, flyttat, avliden eller annat." },
	{ .name = "end_note", .label = "Beskrivning (krävs vid Annat)", .kind = FK_TEXTAREA, .max_chars = 2000 },
	{ .name = NULL }
};
static const struct formdef decision_end = {
	.id = "decision_end", .page = "/decisions/{open_support_decision}/end",
	.action = "/decisions/{open_support_decision}/end/confirm", .user = "soc1", .fields = decision_end_fields
};

static const struct fdef decision_effective_fields[] = {
	{ .name = "date", .label = "Verkställd datum", .kind = FK_DATE, .required = 1,
	  .hint = "Dagen stödinsatsen började ges. Inte ett datum i framtiden.",
	  .required_msg = "Ange verkställighetsdatum som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ.",
	  .bad_msg = "Ange verkställighetsdatum som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ, och ett datum som finns." },
	{ .name = NULL }
};
static const struct formdef decision_effective = {
	.id = "decision_effective", .page = "/decisions/{unenforced_support}",
	.action = "/decisions/{unenforced_support}/effective", .user = "soc2", .fields = decision_effective_fields
};

static const struct fdef decision_texts_fields[] = {
	{ .name = "legal_basis", .label = "Lagrum", .kind = FK_TEXTAREA, .required = 1, .max_chars = 5000,
	  .hint = "Står i varje beslutsmeddelande, till exempel Socialtjänstlagen (2001:453) 4 kap. 1 §.",
	  .required_msg = "Skriv lagrummet.", .sample = "Socialtjänstlagen (2001:453) 4 kap. 1 §." },
	{ .name = "appeal", .label = "Besvärshänvisning (vid avslag)", .kind = FK_TEXTAREA, .required = 1, .max_chars = 5000,
	  .hint = "Hur man överklagar: inom tre veckor, till förvaltningsrätten, via socialtjänsten.",
	  .required_msg = "Skriv besvärshänvisningen.", .sample = "Överklaga inom tre veckor till förvaltningsrätten." },
	{ .name = NULL }
};
static const struct formdef decision_texts = {
	.id = "decision_texts", .page = "/admin/decision-texts", .action = "/admin/decision-texts", .user = "admin1",
	.fields = decision_texts_fields
};

/* ---------- the list ---------- */

const struct formdef *const formdefs[] = {
	&person_new, &person_edit,
	&apartment_new, &apartment_edit,
	&incident_new, &incident_new_landlord, &incident_edit, &incident_edit_landlord,
	&user_new, &user_edit, &user_password,
	&district_new, &district_edit,
	&life_area_new, &life_area_edit, &checklist_item_new, &checklist_item_edit, &settings,
	&assignment, &assignment_text,
	&decision_new, &decision_review_housing, &decision_review_support, &decision_end, &decision_effective,
	&decision_texts,
	&move_in, &takeover, &tenancy_end_form,
	&visit, &checklist, &checklist_review,
	&plan_new, &plan_edit,
	&referral_new, &referral_edit, &step_book_meeting, &step_hold_meeting, &step_reason,
	&transfer,
	NULL
};

const struct formdef *formdef_find(const char *id)
{
	for (size_t i = 0; id && formdefs[i]; i++)
		if (!strcmp(formdefs[i]->id, id))
			return formdefs[i];
	return NULL;
}

/* Returns 1 when route pattern a and form action b name the same path,
 * whatever their {placeholders} are called. */
static int same_pattern(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a == '{' && *b == '{') {
			a = strchr(a, '}');
			b = strchr(b, '}');
			if (!a || !b)
				return 0;
		} else if (*a != *b)
			return 0;
		a++;
		b++;
	}
	return !*a && !*b;
}

const struct formdef *formdef_for_action(const char *pattern)
{
	for (size_t i = 0; pattern && formdefs[i]; i++)
		if (formdefs[i]->action && same_pattern(formdefs[i]->action, pattern))
			return formdefs[i];
	return NULL;
}

const struct fdef *formdef_field(const struct formdef *d, const char *name)
{
	for (size_t i = 0; name && d->fields[i].name; i++)
		if (!strcmp(d->fields[i].name, name))
			return &d->fields[i];
	return NULL;
}

const char *fchoice_label(const struct fchoice *choices, const char *value)
{
	for (size_t i = 0; value && choices && choices[i].value; i++)
		if (!strcmp(choices[i].value, value))
			return choices[i].label;
	return "";
}

json_t *fchoice_options(const struct fchoice *choices, const char *selected)
{
	json_t *a = json_array();
	for (size_t i = 0; choices && choices[i].value; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", choices[i].value, "label", choices[i].label,
		    "selected", selected && !strcmp(selected, choices[i].value)));
	return a;
}

/* The name of a kind in the JSON list. */
static const char *kind_name(enum fkind k)
{
	static const char *const names[] = { "text", "textarea", "date", "time", "number", "choice", "ref", "yesno", "check", "password", "dates" };
	return names[k];
}

json_t *formdefs_json(void)
{
	json_t *a = json_array();
	for (size_t i = 0; formdefs[i]; i++) {
		const struct formdef *d = formdefs[i];
		json_t *fields = json_array();
		for (size_t j = 0; d->fields[j].name; j++) {
			const struct fdef *f = &d->fields[j];
			json_t *o = json_pack("{s:s, s:s, s:s, s:b}", "name", f->name, "label", f->label, "kind", kind_name(f->kind),
			    "required", f->required);
			if (f->kind == FK_TEXT || f->kind == FK_TEXTAREA)
				json_object_set_new(o, "max_chars", json_integer(f->max_chars ? f->max_chars : f->kind == FK_TEXT ? FORM_TEXT_MAX : FORM_TEXTAREA_MAX));
			if (f->min_chars)
				json_object_set_new(o, "min_chars", json_integer(f->min_chars));
			if (f->kind == FK_NUMBER) {
				json_object_set_new(o, "min", json_real(f->min));
				json_object_set_new(o, "max", json_real(f->max));
				json_object_set_new(o, "decimals", json_integer(f->decimals));
			}
			if (f->choices) {
				json_t *c = json_array();
				for (size_t k = 0; f->choices[k].value; k++)
					json_array_append_new(c, json_pack("{s:s, s:s}", "value", f->choices[k].value, "label", f->choices[k].label));
				json_object_set_new(o, "choices", c);
			}
			if (f->hint)
				json_object_set_new(o, "hint", json_string(f->hint));
			if (f->sample)
				json_object_set_new(o, "sample", json_string(f->sample));
			json_array_append_new(fields, o);
		}
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", d->id, "page", d->page, "action", d->action,
		    "user", d->user, "fields", fields);
		if (d->match)
			json_object_set_new(o, "match", json_string(d->match));
		json_array_append_new(a, o);
	}
	return a;
}
