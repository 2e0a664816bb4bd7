// What every browser test shares: the server's address, a tiny runner, the
// axe-core check against WCAG 2.1 A/AA, form submission and sign-in, and
// headless Chromium.
//
// The runner prints "[ RUN      ]", "[       OK ]" and "[  FAILED  ]" lines per
// test and, from finish(), "# pass N" / "# fail N" at the end, exiting 1 when
// anything failed: tests/browser/run.sh counts these lines.
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');

// Set by run.sh: the server on a fresh database loaded with `seed --demo`.
export const base = (process.env.JAWNOSC_URL || '').replace(/\/$/, '');
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(base)) {
	console.log('[  ERROR   ] JAWNOSC_URL must be http://127.0.0.1:PORT');
	console.log('# pass 0');
	console.log('# fail 1');
	process.exit(1);
}

export const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// ---- A tiny runner ---------------------------------------------------------
let npass = 0;
let nfail = 0;
export const state = {}; // what earlier tests found, for the later ones

export class Skip extends Error {}
export function need(key) {
	if (state[key] === undefined) throw new Skip(`needs ${key}, which an earlier test did not produce`);
	return state[key];
}

export async function test(name, fn) {
	console.log(`[ RUN      ] ${name}`);
	const t0 = Date.now();
	try {
		await fn();
		npass++;
		console.log(`[       OK ] ${name} (${Date.now() - t0} ms)`);
	} catch (e) {
		nfail++;
		const msg = e instanceof Skip ? `not run: ${e.message}` : (e && e.stack) || String(e);
		for (const line of String(msg).split('\n').slice(0, 12)) console.log(`    ${line}`);
		console.log(`[  FAILED  ] ${name}`);
	}
}

export function check(cond, what) {
	if (!cond) throw new Error(what);
}
export function equal(actual, expected, what) {
	if (actual !== expected)
		throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// Runs `main`; what it throws outside a test() fails `session`. Then the
// summary, and out.
export async function finish(session, main) {
	try {
		await main();
	} catch (e) {
		nfail++;
		console.log(`    ${(e && e.stack) || e}`);
		console.log(`[  FAILED  ] ${session}`);
	}
	console.log(`# pass ${npass}`);
	console.log(`# fail ${nfail}`);
	process.exit(nfail ? 1 : 0);
}

// ---- Accessibility ---------------------------------------------------------
// The page against WCAG 2.1 A/AA; every violation printed with the nodes it
// was found on. The page's context needs bypassCSP: axe is injected as an
// inline script, which the server's CSP forbids.
export async function axeCheck(page, label) {
	await page.addScriptTag({ path: axePath });
	const result = await page.evaluate(
		async (tags) => {
			// eslint-disable-next-line no-undef
			const r = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
			return {
				passes: r.passes.length,
				incomplete: r.incomplete.map((v) => v.id),
				violations: r.violations.map((v) => ({
					id: v.id,
					impact: v.impact,
					help: v.help,
					helpUrl: v.helpUrl,
					nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
				})),
			};
		},
		WCAG,
	);
	console.log(
		`    axe ${label}: ${result.violations.length} violation(s), ${result.passes} rule(s) passed` +
			(result.incomplete.length ? `, needs review: ${result.incomplete.join(', ')}` : ''),
	);
	for (const v of result.violations) {
		console.log(`    - ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})`);
		for (const n of v.nodes) {
			console.log(`        ${n.target}`);
			if (n.summary) for (const l of n.summary.split('\n')) console.log(`          ${l}`);
		}
	}
	check(result.violations.length === 0, `axe found ${result.violations.length} violation(s) on ${label}`);
}

// ---- Pages -----------------------------------------------------------------
// Clicks `button` and waits for the answer to the POST to `path` and the page
// it leads to; the answer.
export async function submitForm(page, button, path) {
	const [resp] = await Promise.all([
		page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path),
		button.click(),
	]);
	await page.waitForLoadState('load');
	return resp;
}

// Signs `who` ({ email, password }) in through the sign-in form; the answer
// to the form's POST.
export async function signIn(page, who) {
	await page.goto(`${base}/panel/logowanie`);
	await page.getByLabel('Adres e-mail').fill(who.email);
	await page.getByLabel('Hasło').fill(who.password);
	return submitForm(page, page.getByRole('button', { name: 'Zaloguj się' }), '/panel/logowanie');
}

// ---- The browser -----------------------------------------------------------
const launchArgs = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];

// Debian's headless Chromium. Playwright gives each launch a new, empty
// profile (--user-data-dir) in TMPDIR, which run.sh points at a directory of
// its own.
export function launch() {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: launchArgs,
		timeout: 30000,
	});
}
