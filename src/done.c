/* done.c - the table of confirmations after a change (see done.h). */
#include "done.h"

#include <stddef.h>
#include <string.h>

static const struct {
	const char *code;	/* ASCII, what the redirect carries */
	const char *text;	/* Swedish, what the page says */
} table[DONE_COUNT] = {
	[DONE_PERSON_CREATED] = { "person-registrerad", "Personen är registrerad." },
	[DONE_PERSON_SAVED] = { "person-sparad", "Personuppgifterna är sparade." },
	[DONE_CM_ASSIGNED] = { "case-manager-tilldelad", "Case managern är tilldelad." },
	[DONE_CM_ENDED] = { "case-manager-avslutad", "Case managerns uppdrag för personen är avslutat." },
	[DONE_REFERRAL_DRAFT] = { "remiss-utkast", "Remissen är sparad som utkast. Den skickas först när du väljer "
	    "”Skicka till Bostad först-teamet”." },
	[DONE_REFERRAL_SENT] = { "remiss-skickad", "Remissen är skickad till Bostad först-teamet." },
	[DONE_PRELIMINARY_POSITIVE] = { "forhandsbesked-positivt", "Positivt förhandsbesked är lämnat. Nästa steg är att boka informationsmötet." },
	[DONE_PRELIMINARY_NEGATIVE] = { "forhandsbesked-negativt", "Negativt förhandsbesked är lämnat. Remissen är avslutad." },
	[DONE_MEETING_BOOKED] = { "mote-bokat", "Informationsmötet är bokat." },
	[DONE_MEETING_HELD] = { "mote-hallet", "Informationsmötet är registrerat som hållet." },
	[DONE_CLIENT_ACCEPTS] = { "brukaren-accepterar", "Brukarens ja är registrerat. Remissen väntar nu på teamets besked." },
	[DONE_CLIENT_DECLINES] = { "brukaren-tackar-nej", "Brukarens nej är registrerat. Remissen är avslutad." },
	[DONE_TEAM_CAN] = { "teamet-kan", "Teamets besked är registrerat: behoven kan tillgodoses. Besluten kan nu fattas." },
	[DONE_TEAM_CANNOT] = { "teamet-kan-inte", "Teamets besked är registrerat: behoven kan inte tillgodoses. Remissen är avslutad." },
	[DONE_REFERRAL_WITHDRAWN] = { "remiss-atertagen", "Remissen är återtagen och avslutad." },
	[DONE_DECISIONS_MADE] = { "beslut-fattade", "Besluten är fattade: bostadsanskaffning och stödinsats, vart och ett med sitt beslutsmeddelande." },
	[DONE_SUPPORT_EFFECTIVE] = { "stodinsats-verkstalld", "Stödinsatsen är registrerad som verkställd." },
	[DONE_DECISIONS_REVIEWED] = { "beslut-omprovat", "Omprövningen är sparad. Det nya beslutet ersätter det tidigare." },
	[DONE_DECISION_ENDED] = { "beslut-avslutat", "Beslutet är avslutat." },
	[DONE_DECISION_TEXTS_SAVED] = { "beslutstexter-sparade", "Texterna är sparade. Redan fattade beslut behåller sina texter." },
	[DONE_ASSIGNMENT_SAVED] = { "uppdrag-sparat", "Uppdragsbeskrivningen är sparad." },
	[DONE_PLAN_SAVED] = { "plan-sparad", "Genomförandeplanen är sparad." },
	[DONE_PLAN_UNCHANGED] = { "plan-oandrad", "Inget är ändrat – ingen ny version sparades." },
	[DONE_VISIT_SAVED] = { "besok-sparat", "Besöket är sparat." },
	[DONE_VISIT_CORRECTED] = { "rattelse-sparad", "Rättelsen är sparad. Den tidigare anteckningen finns kvar." },
	[DONE_APARTMENT_CREATED] = { "lagenhet-registrerad", "Lägenheten är registrerad." },
	[DONE_APARTMENT_SAVED] = { "lagenhet-sparad", "Lägenhetens uppgifter är sparade." },
	[DONE_MOVE_IN] = { "inflyttning", "Inflyttningen är registrerad. Lägenheten är uthyrd." },
	[DONE_TAKEOVER] = { "overlatelse", "Överlåtelsen är registrerad: hyresgästen har tagit över förstahandskontraktet." },
	[DONE_TENANCY_ENDED] = { "boende-avslutat", "Boendet är avslutat." },
	[DONE_INCIDENT_CREATED] = { "handelse-registrerad", "Händelsen är registrerad." },
	[DONE_INCIDENT_SAVED] = { "handelse-sparad", "Händelsen är sparad." },
	[DONE_CHECKLIST_CREATED] = { "checklista-skapad", "Månadens checklista är skapad." },
	[DONE_CHECKLIST_SAVED] = { "checklista-sparad", "Checklistan är sparad som utkast." },
	[DONE_CHECKLIST_SENT] = { "checklista-skickad", "Checklistan är skickad till fastighetskontoret." },
	[DONE_CHECKLIST_REVIEWED] = { "checklista-granskad", "Checklistan är markerad som granskad." },
	[DONE_ACCESS_CHANGE_ACKED] = { "behorighet-granskad", "Ändringen är markerad som granskad." },
	[DONE_USER_CREATED] = { "anvandare-skapad", "Användaren är skapad." },
	[DONE_USER_SAVED] = { "anvandare-sparad", "Ändringen är sparad." },
	[DONE_PASSWORD_SET] = { "losenord-sparat", "Det nya lösenordet är sparat. Användarens inloggningar har avslutats." },
	[DONE_DISTRICT_CREATED] = { "stadsdel-skapad", "Stadsdelen är skapad." },
	[DONE_DISTRICT_SAVED] = { "stadsdel-sparad", "Ändringen är sparad." },
	[DONE_ASSIGNMENT_TEXT_SAVED] = { "standardtext-sparad", "En ny version av standardtexten är sparad." },
	[DONE_CONFIG_ITEM_ADDED] = { "punkt-tillagd", "Punkten är tillagd." },
	[DONE_CONFIG_ITEM_SAVED] = { "punkt-sparad", "Ändringen är sparad." },
	[DONE_SETTINGS_SAVED] = { "installningar-sparade", "Inställningarna är sparade." },
	[DONE_TRANSFERRED] = { "flyttad", "Personen är flyttad till den nya stadsdelen. Dess socialsekreterare ser nu ärendet." },
	[DONE_GALLRAD] = { "gallrat", "Gallringen är klar. Antalet gallrade personer står i åtkomstloggen och nedan." },
	[DONE_LOGGED_OUT] = { "utloggad", "Du är utloggad." },
};

const char *done_code(enum done d)
{
	return (unsigned)d < DONE_COUNT ? table[d].code : NULL;
}

const char *done_text(const char *code)
{
	for (size_t i = 0; code && i < DONE_COUNT; i++)
		if (table[i].code && strcmp(table[i].code, code) == 0)
			return table[i].text;
	return NULL;
}
