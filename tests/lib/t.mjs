// t.mjs - the JavaScript suites' tiny runner: test() registers, run()
// executes in order and prints the closing "N passed, N failed" line.
const tests = [];

export function test(name, fn) {
  tests.push({ name, fn });
}

export async function run({ after } = {}) {
  let passed = 0, failed = 0;
  const only = process.env.ONLY ? new RegExp(process.env.ONLY) : null;	// ONLY=regex: just the tests it names
  for (const t of tests) {
    if (only && !only.test(t.name)) continue;
    const t0 = Date.now();
    try {
      await t.fn();
      passed++;
      if (process.env.VERBOSE) console.log(`ok   ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      const lines = (e && e.stack || String(e)).split('\n');
      const where = lines.find((l) => /\.(test\.)?mjs:\d+/.test(l) && /^\s+at /.test(l));	// the test's own line
      console.log(`FAIL ${t.name}\n     ${lines.slice(0, 6).join('\n     ')}${where && !lines.slice(0, 6).includes(where) ? `\n     ${where.trim()}` : ''}`);
    }
  }
  if (after) {
    try {
      await after();
      passed++;
    } catch (e) {
      failed++;
      console.log(`FAIL teardown\n     ${e && e.stack || e}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
