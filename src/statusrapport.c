/* statusrapport.c - the statusrapport's rules (see statusrapport.h). */
#include "statusrapport.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const status_title = "Statusrapport Bostad först-verksamheten per 31/12";
const char *const status_group_a = "Lght i pågående insats från socialtjänsten";
const char *const status_group_b = "Lght förstahandskontraktet övertaget av hyresgästen";
const char *const status_headers[STATUS_COLS] = { "Personkod", "inflytt", "första gången?", "bor kvar", "utflyttad",
	"anledning", "avliden", "fortsatt insats soc", "om ej insats", "kontakt m team", "utflyttad", "anledning", "avliden",
	"annan info" };
const char *const status_hints[STATUS_COLS] = { "namn-ålder-kön", "datum", "om inte, vilken?", "ja/nej", "datum",
	"vräkt, ville, annat", "datum", "ja/nej", "ja/nej", "datum", "datum", "vräkt, ville, annat", "datum", "" };

const char *const status_rules[] = {
	"Registret per 31/12 ÅÅÅÅ tar med varje boende sedan verksamhetens start med inflyttning senast 31/12 ÅÅÅÅ, vart och ett med sitt läge den 31/12 ÅÅÅÅ. Med valet \"bara året\" tas bara de boenden med som pågick någon dag under året (inte avslutade före 1/1).",
	"Ett boende står i grupp B (förstahandskontraktet övertaget) om överlåtelsen skett senast 31/12, annars i grupp A.",
	"Bor kvar = ja om boendet pågår efter 31/12. Den som flyttar 31/12 bor inte kvar; den som flyttar 1/1 året efter bor kvar.",
	"Utflyttad och anledning (vräkt, ville, annat) fylls i om boendet avslutades senast 31/12; vid dödsfall fylls avliden i i stället. Vid vräkning står skälet inom parentes: vräkt (störningar), vräkt (hyresskuld), vräkt (annat).",
	"Bor kvar = uppgift saknas när boendet bara är känt från en importerad fil vars 31/12 ligger före rapportens: filen sa att personen bodde kvar då, men inget är känt efter det.",
	"Första gången? = ja för första boendet i Bostad först, annars vilken gång (2, 3 …).",
	"Fortsatt insats soc = ja om ett beslut om stödinsats gällde 31/12. Om ej insats: ja/nej om personen haft kontakt med teamet under året, och datum för den senaste kontakten.",
	"Annan info: datum för överlåtelsen (Övertaget ÅÅÅÅ-MM-DD), anteckningar från import och, när läget är okänt, till vilket datum det var känt (uppgift saknas efter ÅÅÅÅ-MM-DD).",
	"Personkod = två första bokstäverna i förnamn och efternamn, ålder vid första inflyttningen och kön (K, M, X), t.ex. ANAN-45-K. Koden ges en gång, vid första inflyttningen, och är sedan densamma varje år. Om två personer skulle få samma kod får den senare ett tillägg: ANAN-45-K-2. En importerad person behåller koden från verksamhetens egen fil. Koden går inte att föra tillbaka till ett personnummer.",
	NULL
};

int status_col_is_date(int col)
{
	return col == 1 || col == 4 || col == 6 || col == 9 || col == 10 || col == 12;
}

/* Appends the first two characters of name to out, upper case (ASCII and
 * å ä ö é), padded with X. */
static void two_letters(const char *name, char *out)
{
	const unsigned char *s = (const unsigned char *)(name ? name : "");
	int got = 0;
	while (*s && got < 2) {
		if (s[0] == 0xC3 && s[1]) {	/* two-byte Latin-1 supplement letter */
			unsigned char c = s[1];
			if (c >= 0xA0 && c <= 0xBE && c != 0xB7)
				c -= 0x20;	/* å -> Å, ä -> Ä, ö -> Ö, é -> É */
			*out++ = (char)0xC3, *out++ = (char)c;
			s += 2;
		} else if (*s >= 0x80) {
			int n = *s >= 0xF0 ? 4 : *s >= 0xE0 ? 3 : 2;
			for (int i = 0; i < n && *s; i++)
				*out++ = (char)*s++;
		} else if (*s >= 'a' && *s <= 'z') {
			*out++ = (char)(*s++ - 32);
		} else if ((*s >= 'A' && *s <= 'Z')) {
			*out++ = (char)*s++;
		} else {
			s++;
			continue;
		}
		got++;
	}
	while (got++ < 2)
		*out++ = 'X';
	*out = '\0';
}

void status_personkod(const char *first, const char *last, const char *birth, const char *sex, const char *on,
    char out[32])
{
	char a[12], b[12];
	two_letters(first, a);
	two_letters(last, b);
	int age = 0, y, m, d, oy, om, od;
	if (birth && on && sscanf(birth, "%4d-%2d-%2d", &y, &m, &d) == 3 && sscanf(on, "%4d-%2d-%2d", &oy, &om, &od) == 3 &&
	    y <= oy) {
		age = oy - y;
		if (om < m || (om == m && od < d))
			age--;	/* the birthday of that year had not come */
		if (age < 0)
			age = 0;
	}
	if (age > 99)
		age = 99;
	const char *sx = sex && (!strcmp(sex, "K") || !strcmp(sex, "M")) ? sex : "X";
	snprintf(out, 32, "%.8s%.8s-%02u-%.1s", a, b, (unsigned)age % 100u, sx);
}

static const char *reason_word(const char *reason, const char *ground)
{
	if (!reason)
		return "";
	if (!strcmp(reason, "evicted"))
		return str_eq(ground, "disturbance") ? "vräkt (störningar)" : str_eq(ground, "arrears") ? "vräkt (hyresskuld)" :
		    str_eq(ground, "other") ? "vräkt (annat)" : "vräkt";
	return !strcmp(reason, "wanted") ? "ville" : "annat";
}

/* The caller's cell store, filled front to back. */
struct store {
	char *p, *end;
};

/* Writes a formatted cell into st and returns it. A cell longer than
 * STATUS_CELL_MAX bytes (or than the room left) is cut at a character
 * boundary and ends in "…"; the store can never be overrun, and a cell
 * that finds no room is "". */
static const char *cellf(struct store *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *cellf(struct store *st, const char *fmt, ...)
{
	size_t room = (size_t)(st->end - st->p);
	if (room < 8)
		return "";
	size_t cap = room < STATUS_CELL_MAX + 1 ? room : STATUS_CELL_MAX + 1;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(st->p, cap, fmt, ap);
	va_end(ap);
	if (n < 0)
		return "";
	char *cell = st->p;
	size_t len = (size_t)n;
	if (len >= cap) {	/* cut: back to a character boundary, room for the ellipsis */
		len = cap - 1 - 3;
		while (len > 0 && ((unsigned char)cell[len] & 0xc0) == 0x80)
			len--;
		memcpy(cell + len, "\xE2\x80\xA6", 4);
		len += 3;
	}
	st->p += len + 1;
	return cell;
}

void status_cells(const struct status_row *row, int year, const char *cells[STATUS_COLS], char store[STATUS_STORE])
{
	char d[11];
	snprintf(d, sizeof d, "%04d-12-31", year);
	for (int i = 0; i < STATUS_COLS; i++)
		cells[i] = "";
	struct store st = { store, store + STATUS_STORE };
	if (row->personkod) {
		cells[0] = cellf(&st, "%s", row->personkod);
	} else {	/* not given yet (rows written outside the system): the same rule */
		char code[32];
		status_personkod(row->first_name, row->last_name, row->birth_date, row->sex, row->first_move_in, code);
		cells[0] = cellf(&st, "%s", code);
	}
	cells[1] = row->move_in ? row->move_in : "";
	cells[2] = row->ordinal <= 1 ? "ja" : cellf(&st, "%lld", row->ordinal);
	int group_b = row->takeover && strcmp(row->takeover, d) <= 0;
	int ended = row->end_date && strcmp(row->end_date, d) <= 0;
	int deceased = ended && row->end_reason && !strcmp(row->end_reason, "deceased");
	int unknown = !ended && row->known_until && strcmp(row->known_until, d) < 0;
	const char *reason = "";
	if (ended && !deceased) {
		if (row->end_reason && !strcmp(row->end_reason, "other") && row->end_note && *row->end_note)
			reason = cellf(&st, "annat: %s", row->end_note);
		else if (str_eq(row->end_reason, "evicted") && str_eq(row->end_ground, "other") && row->end_note && *row->end_note)
			reason = cellf(&st, "vräkt (%s)", row->end_note);	/* the ground in the words it was given */
		else
			reason = reason_word(row->end_reason, row->end_ground);
	}
	int note = row->import_note && *row->import_note;
	if (!group_b) {
		cells[3] = ended ? "nej" : unknown ? "uppgift saknas" : "ja";
		cells[4] = ended && !deceased ? row->end_date : "";
		cells[5] = reason;
		cells[6] = deceased ? row->end_date : "";
		if (unknown || note)	/* annan info is the sheet's last column, for both groups */
			cells[13] = cellf(&st, "%s%s%s%s", unknown ? "uppgift saknas efter " : "", unknown ? row->known_until : "",
			    unknown && note ? "; " : "", note ? row->import_note : "");
		return;
	}
	cells[7] = unknown ? "uppgift saknas" : row->insats ? "ja" : "nej";
	if (!row->insats && !unknown) {
		cells[8] = row->last_contact ? "ja" : "nej";
		cells[9] = row->last_contact ? row->last_contact : "";
	}
	cells[10] = ended && !deceased ? row->end_date : "";
	cells[11] = reason;
	cells[12] = deceased ? row->end_date : "";
	cells[13] = cellf(&st, "Övertaget %s%s%s%s%s", row->takeover, unknown ? "; uppgift saknas efter " : "",
	    unknown ? row->known_until : "", row->import_note && *row->import_note ? "; " : "", row->import_note ? row->import_note : "");
}
