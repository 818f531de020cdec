// xlsx.mjs - reads a worksheet of an .xlsx file the way a person sees it:
// every cell by address ("A1" -> "Personkod"), strings from inline or the
// shared table, numbers as numbers, date-formatted numbers as ÅÅÅÅ-MM-DD.
// Uses Debian's unzip, so the file is read by a tool that is not ours.
import { execFileSync } from 'node:child_process';

const unxml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
  .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n))).replace(/&amp;/g, '&');

function part(file, name) {
  try {
    return execFileSync('unzip', ['-p', file, name], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

/* Excel's serial day number to "YYYY-MM-DD" (1900 date system). */
export function serialToDate(n) {
  return new Date(Date.UTC(1899, 11, 30) + Math.round(n) * 86400000).toISOString().slice(0, 10);
}

/* Returns { cells: Map(address -> value), merges: [ref], names: [sheet names] } for sheet `index` (1-based). */
export function readSheet(file, index = 1) {
  const shared = [...part(file, 'xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)]
    .map((m) => unxml([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
  const styles = part(file, 'xl/styles.xml');
  const customDate = new Set([...styles.matchAll(/<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/g)]
    .filter((m) => /[yd]/i.test(m[2])).map((m) => Number(m[1])));
  const xfs = (styles.match(/<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/) || ['', ''])[1];
  const dateStyle = [...xfs.matchAll(/<xf [^>]*?numFmtId="(\d+)"/g)].map((m) => {
    const id = Number(m[1]);
    return (id >= 14 && id <= 22) || customDate.has(id);
  });
  const xml = part(file, `xl/worksheets/sheet${index}.xml`);
  const cells = new Map();
  for (const m of xml.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const [, ref, attrs, inner = ''] = m;
    const t = (attrs.match(/ t="(\w+)"/) || [])[1];
    const s = Number((attrs.match(/ s="(\d+)"/) || [0, 0])[1]);
    const v = (inner.match(/<v>([\s\S]*?)<\/v>/) || [])[1];
    let value;
    if (t === 'inlineStr') value = unxml([...inner.matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((x) => x[1]).join(''));
    else if (t === 's') value = shared[Number(v)];
    else if (t === 'str') value = unxml(v ?? '');
    else if (v === undefined) continue;	// a styled blank
    else value = dateStyle[s] ? serialToDate(Number(v)) : Number(v);
    if (value === '') continue;
    cells.set(ref, value);
  }
  const merges = [...xml.matchAll(/<mergeCell ref="([^"]+)"/g)].map((x) => x[1]);
  const names = [...part(file, 'xl/workbook.xml').matchAll(/<sheet name="([^"]+)"/g)].map((x) => x[1]);
  return { cells, merges, names, xml };
}

/* Column letters for 0-based index i (0 -> A). */
export const colName = (i) => (i < 26 ? '' : String.fromCharCode(64 + Math.floor(i / 26))) + String.fromCharCode(65 + (i % 26));

/* The row's values as an array of n cells ('' for empty). */
export function rowOf(cells, row, n) {
  return Array.from({ length: n }, (_, i) => cells.get(`${colName(i)}${row}`) ?? '');
}
