// SPDX-License-Identifier: EUPL-1.2
// Every HTML page the browser tests loaded went through checkPage (lib.mjs)
// in at least one of them: reads the pages-FILE.json each test file left in
// the log directory (the first argument). Run by tests/browser/run.sh after
// all the files; prints a cmocka-style line and exits 1 when a page was missed.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const visited = new Map(); // page key -> "path (file)"
const checked = new Set();
for (const f of readdirSync(dir).filter((n) => /^pages-.+\.json$/.test(n))) {
	const { visited: v, checked: c } = JSON.parse(readFileSync(join(dir, f), 'utf8'));
	const file = f.replace(/^pages-|\.json$/g, '');
	for (const [key, path] of Object.entries(v)) if (!visited.has(key)) visited.set(key, `${path} (${file})`);
	for (const key of c) checked.add(key);
}
const missed = [...visited].filter(([key]) => !checked.has(key)).map(([, where]) => where);
console.log(`    ${visited.size} page(s) visited, ${checked.size} checked at both widths`);
for (const m of missed) console.log(`    visited but never checked: ${m}`);
process.exit(missed.length ? 1 : 0);
