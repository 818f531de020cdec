// schema.mjs - reads the schema of a SQLite file and of a PostgreSQL
// database into one normalised form, and lists the differences.
//
//   const a = sqliteSchema('x.db'), b = pgSchema(pg, url);
//   diffSchemas(a, b)   // [] or ['column persons.x: only in PostgreSQL', ...]
//
// The form: { tables: { name: { columns: { col: { type, notnull, default,
// autoid } }, pk: [cols], uniques: ['a,b'], fks: ['a -> t(b)'], checks: N } },
// indexes: { name: { table, unique, columns: [..], partial } },
// views: { name: [columns] }, triggers: { name: table } }.
// Normalised so that the rules of migrations-pg/0001 compare equal:
//   types: SQLite INTEGER/TEXT/BLOB/REAL and PG bigint/text/bytea/double
//   precision become integer/text/blob/real (anything else stays itself:
//   a PG `integer` column is a difference);
//   SQLite INTEGER PRIMARY KEY and a PG identity column are autoid;
//   primary-key columns are NOT NULL on both (SQLite's pragma says 0);
//   defaults without PG's ::type casts;
//   a SQLite UNIQUE on a COLLATE NOCASE column is the unique "lower(col)",
//   which is how PG holds it: a unique index on lower(col) whose comment
//   starts 'UNIQUE COLLATE NOCASE' (it counts as the table's unique, not as
//   an index);
//   indexes made for a PRIMARY KEY or UNIQUE constraint are not indexes
//   here (they are the pk / uniques);
//   CHECK constraints are counted (SQLite: CHECK keywords in the table's
//   CREATE text, comments and strings skipped);
//   PG's <table>_no_truncate triggers are left out (SQLite has no TRUNCATE).
import { execFileSync } from 'node:child_process';

const TYPES = { INTEGER: 'integer', TEXT: 'text', BLOB: 'blob', REAL: 'real',
  bigint: 'integer', text: 'text', bytea: 'blob', 'double precision': 'real' };
const normType = (t) => TYPES[t] || `other:${t}`;
// Columns SQLite declares INTEGER while the application stores decimals in
// them (SQLite keeps a REAL in an INTEGER column; PostgreSQL's bigint would
// round it): PostgreSQL declares them double precision.
const HOLDS_DECIMALS = new Set(['apartments.area_m2']);
const normDefault = (d) => {
  if (d == null) return null;
  let s = String(d).trim();
  for (let m; (m = s.match(/^(.*)::[a-z ]+$/s)); ) s = m[1];
  if (/^\(.*\)$/s.test(s)) s = s.slice(1, -1);
  return s;
};

// Number of CHECK keywords in SQL text outside strings and comments.
export function countChecks(sqlText) {
  let n = 0;
  const s = sqlText;
  for (let i = 0; i < s.length; ) {
    if (s[i] === "'" || s[i] === '"') {
      const q = s[i++];
      while (i < s.length && !(s[i] === q && s[i + 1] !== q)) i += s[i] === q ? 2 : 1;
      i++;
    } else if (s.startsWith('--', i)) {
      while (i < s.length && s[i] !== '\n') i++;
    } else if (s.startsWith('/*', i)) {
      const e = s.indexOf('*/', i + 2);
      i = e < 0 ? s.length : e + 2;
    } else if (/[A-Za-z_]/.test(s[i])) {
      let j = i;
      while (j < s.length && /[A-Za-z0-9_]/.test(s[j])) j++;
      if (s.slice(i, j).toUpperCase() === 'CHECK') n++;
      i = j;
    } else i++;
  }
  return n;
}

function sqliteJson(db, query) {
  const out = execFileSync('sqlite3', ['-json', db, query], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

// The schema of the SQLite file db (read with the sqlite3 CLI).
export function sqliteSchema(db) {
  const q = (s) => sqliteJson(db, s);
  const schema = { tables: {}, indexes: {}, views: {}, triggers: {} };
  for (const t of q("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")) {
    const cols = q(`SELECT * FROM pragma_table_info('${t.name}')`);
    const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    const table = { columns: {}, pk, uniques: [], fks: [], checks: countChecks(t.sql) };
    for (const c of cols) {
      const autoid = pk.length === 1 && c.pk === 1 && c.type.toUpperCase() === 'INTEGER';
      const type = HOLDS_DECIMALS.has(`${t.name}.${c.name}`) && c.type.toUpperCase() === 'INTEGER' ? 'REAL' : c.type.toUpperCase();
      table.columns[c.name] = { type: normType(type), notnull: !!c.notnull || c.pk > 0,
        default: normDefault(c.dflt_value), autoid };
    }
    const fkRows = q(`SELECT * FROM pragma_foreign_key_list('${t.name}') ORDER BY id, seq`);
    const fks = {};
    for (const f of fkRows) (fks[f.id] ||= { table: f.table, from: [], to: [] }) && (fks[f.id].from.push(f.from), fks[f.id].to.push(f.to));
    table.fks = Object.values(fks).map((f) => `${f.from.join(',')} -> ${f.table}(${f.to.join(',')})`).sort();
    for (const ix of q(`SELECT * FROM pragma_index_list('${t.name}')`)) {
      const keys = q(`SELECT name, coll FROM pragma_index_xinfo('${ix.name}') WHERE key = 1 ORDER BY seqno`);
      const columns = keys.map((k) => k.name === null ? '<expr>' :
        (ix.origin === 'u' && String(k.coll).toUpperCase() === 'NOCASE' ? `lower(${k.name})` : k.name));
      if (ix.origin === 'pk') continue;
      if (ix.origin === 'u') { table.uniques.push(columns.join(',')); continue; }
      schema.indexes[ix.name] = { table: t.name, unique: !!ix.unique, columns, partial: !!ix.partial };
    }
    table.uniques.sort();
    schema.tables[t.name] = table;
  }
  for (const v of q("SELECT name FROM sqlite_master WHERE type = 'view'"))
    schema.views[v.name] = q(`SELECT name FROM pragma_table_info('${v.name}') ORDER BY cid`).map((c) => c.name);
  for (const tr of q("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"))
    schema.triggers[tr.name] = tr.tbl_name;
  return schema;
}

const PG_QUERY = String.raw`
SELECT json_build_object(
 'tables', (SELECT coalesce(json_agg(c.relname), '[]') FROM pg_class c
   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')),
 'columns', (SELECT coalesce(json_agg(json_build_object('table', table_name, 'name', column_name,
   'type', data_type, 'nullable', is_nullable, 'default', column_default, 'identity', is_identity)
   ORDER BY table_name, ordinal_position), '[]') FROM information_schema.columns WHERE table_schema = 'public'),
 'constraints', (SELECT coalesce(json_agg(json_build_object('table', k.conrelid::regclass::text, 'type', k.contype,
   'cols', (SELECT json_agg(a.attname ORDER BY u.i) FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
     JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n),
   'ftable', k.confrelid::regclass::text,
   'fcols', (SELECT json_agg(a.attname ORDER BY u.i) FROM unnest(k.confkey) WITH ORDINALITY u(n, i)
     JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n))), '[]')
   FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = 'public'::regnamespace),
 'indexes', (SELECT coalesce(json_agg(json_build_object('name', ic.relname, 'table', tc.relname,
   'unique', i.indisunique, 'partial', i.indpred IS NOT NULL,
   'constraint', EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u')),
   'comment', obj_description(i.indexrelid, 'pg_class'),
   'columns', (SELECT json_agg(pg_get_indexdef(i.indexrelid, n, true) ORDER BY n) FROM generate_series(1, i.indnkeyatts) n))), '[]')
   FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid
   WHERE tc.relnamespace = 'public'::regnamespace),
 'views', (SELECT coalesce(json_agg(c.relname), '[]') FROM pg_class c
   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'v'),
 'triggers', (SELECT coalesce(json_agg(json_build_object('name', t.tgname, 'table', c.relname)), '[]')
   FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace))`;

// The schema of the PostgreSQL database at url (schema public), via pg.psqlOk.
export function pgSchema(pg, url) {
  const raw = JSON.parse(pg.psqlOk(url, ['-At', '-c', PG_QUERY]));
  const schema = { tables: {}, indexes: {}, views: {}, triggers: {} };
  for (const name of raw.tables) schema.tables[name] = { columns: {}, pk: [], uniques: [], fks: [], checks: 0 };
  for (const v of raw.views) schema.views[v] = [];
  for (const c of raw.columns) {
    if (schema.views[c.table]) { schema.views[c.table].push(c.name); continue; }
    const t = schema.tables[c.table];
    if (!t) continue;
    t.columns[c.name] = { type: normType(c.type), notnull: c.nullable === 'NO', default: normDefault(c.default),
      autoid: c.identity === 'YES' };
  }
  for (const k of raw.constraints) {
    const t = schema.tables[k.table];
    if (!t) continue;
    if (k.type === 'p') t.pk = k.cols;
    else if (k.type === 'u') t.uniques.push(k.cols.join(','));
    else if (k.type === 'f') t.fks.push(`${k.cols.join(',')} -> ${k.ftable}(${k.fcols.join(',')})`);
    else if (k.type === 'c') t.checks++;
  }
  for (const ix of raw.indexes) {
    if (ix.constraint) continue;
    if (ix.unique && ix.comment && ix.comment.startsWith('UNIQUE COLLATE NOCASE') && schema.tables[ix.table]) {
      schema.tables[ix.table].uniques.push(ix.columns.join(','));
      continue;
    }
    schema.indexes[ix.name] = { table: ix.table, unique: ix.unique, partial: ix.partial,
      columns: ix.columns.map((c) => c.replace(/^"([a-z_][a-z0-9_]*)"$/, '$1')) };	// "position" is a keyword
  }
  for (const t of Object.values(schema.tables)) { t.uniques.sort(); t.fks.sort(); }
  // <table>_no_truncate: TRUNCATE skips row triggers; SQLite has no TRUNCATE
  for (const tr of raw.triggers) if (!tr.name.endsWith('_no_truncate')) schema.triggers[tr.name] = tr.table;
  return schema;
}

// The differences between a (SQLite) and b (PostgreSQL), one line each,
// naming the table, column, index, view or trigger.
export function diffSchemas(a, b, an = 'SQLite', bn = 'PostgreSQL') {
  const out = [];
  const j = (x) => JSON.stringify(x);
  const both = (x, y, what, each) => {
    for (const k of Object.keys(x)) if (!(k in y)) out.push(`${what} ${k}: only in ${an}`);
    for (const k of Object.keys(y)) if (!(k in x)) out.push(`${what} ${k}: only in ${bn}`);
    for (const k of Object.keys(x)) if (k in y) each(k, x[k], y[k]);
  };
  both(a.tables, b.tables, 'table', (t, x, y) => {
    for (const c of Object.keys(x.columns)) {
      if (!(c in y.columns)) out.push(`column ${t}.${c}: only in ${an}`);
      else for (const p of ['type', 'notnull', 'default', 'autoid'])
        if (j(x.columns[c][p]) !== j(y.columns[c][p]))
          out.push(`column ${t}.${c}: ${p} ${j(x.columns[c][p])} in ${an}, ${j(y.columns[c][p])} in ${bn}`);
    }
    for (const c of Object.keys(y.columns)) if (!(c in x.columns)) out.push(`column ${t}.${c}: only in ${bn}`);
    for (const p of ['pk', 'uniques', 'fks', 'checks'])
      if (j(x[p]) !== j(y[p])) out.push(`table ${t}: ${p} ${j(x[p])} in ${an}, ${j(y[p])} in ${bn}`);
  });
  both(a.indexes, b.indexes, 'index', (n, x, y) => {
    for (const p of ['table', 'unique', 'columns', 'partial'])
      if (j(x[p]) !== j(y[p])) out.push(`index ${n}: ${p} ${j(x[p])} in ${an}, ${j(y[p])} in ${bn}`);
  });
  both(a.views, b.views, 'view', (n, x, y) => {
    if (j(x) !== j(y)) out.push(`view ${n}: columns ${j(x)} in ${an}, ${j(y)} in ${bn}`);
  });
  both(a.triggers, b.triggers, 'trigger', (n, x, y) => {
    if (x !== y) out.push(`trigger ${n}: on ${x} in ${an}, on ${y} in ${bn}`);
  });
  return out;
}
