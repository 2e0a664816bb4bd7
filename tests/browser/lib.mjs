// SPDX-License-Identifier: EUPL-1.2
// What every browser test shares: the server's address, a tiny runner, the
// page check (checkPage: axe-core against WCAG 2.1 A/AA, no sideways
// scrolling, no cut-off text, the focus indicator's contrast, at a phone's
// and a desktop's width, with a screenshot of each), form submission and
// sign-in, and headless Chromium.
//
// The runner prints "[ RUN      ]", "[       OK ]" and "[  FAILED  ]" lines per
// test and, from finish(), "# pass N" / "# fail N" at the end, exiting 1 when
// anything failed: tests/browser/run.sh counts these lines.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
	writePages();
	console.log(`# pass ${npass}`);
	console.log(`# fail ${nfail}`);
	process.exit(nfail ? 1 : 0);
}

// ---- The page check ------------------------------------------------------
// Every page a test visits goes through checkPage(page, label): at a phone's
// width (390 px) and a desktop's (1280 px), in that order,
//  - nothing is wider than the viewport (no sideways scrolling of the page:
//    a wide table scrolls inside its own box);
//  - no text is cut off by a box that hides its overflow;
//  - every element a keyboard reaches shows a focus outline of at least 2 px
//    whose colour has at least 3:1 contrast against the background around
//    it (WCAG 2.1 1.4.11);
//  - axe-core finds no WCAG 2.1 A/AA violation;
//  - a full-page screenshot goes to build/test-logs/browser/, named by the
//    test file, the label and the width (filing-the-empty-form-390.png).
// A page answered with 422 must also have put the keyboard focus on its
// error summary. The viewport is set back afterwards. The page's context
// needs bypassCSP: axe is injected as an inline script, which the server's
// CSP forbids.
//
// The browser from launch() notes every HTML page its pages load (by path,
// numbers and tokens folded); finish() writes them and the checked ones to
// pages-FILE.json beside the screenshots, and every_page_checked.mjs (run by
// run.sh after all the files) fails the stage when a page was visited but
// never went through checkPage in any file, so no page slips past the checks.
export const WIDTHS = [
	{ width: 390, height: 844 },
	{ width: 1280, height: 800 },
];

const root = fileURLToPath(new URL('../..', import.meta.url));
const shotDir = process.env.JAWNOSC_SHOTS || join(root, 'build/test-logs/browser');
const script = basename(process.argv[1] || 'browser', '.mjs').replace(/\.test$/, '');
const shotNames = new Set();
const visited = new Map(); // page key -> an address that had it
const checked = new Set();

// "/panel/sprawy/12/pisma/3" -> "/panel/sprawy/#/pisma/#": a page, not one
// visit of it. Segments with a digit (ids, case numbers, dates) or long ones
// (tracking tokens) are the variable parts.
function pageKey(url) {
	const u = new URL(url);
	return u.pathname
		.split('/')
		.map((seg) => (/\d/.test(seg) || seg.length >= 24 ? '#' : seg))
		.join('/');
}

function watch(page) {
	page.on('response', (r) => {
		const req = r.request();
		if (!req.isNavigationRequest() || r.frame() !== page.mainFrame()) return;
		if (r.status() >= 300 && r.status() < 400) return;
		const type = r.headers()['content-type'] || '';
		if (!/^(text\/html|application\/atom\+xml)/.test(type)) return;
		const key = pageKey(r.url());
		if (!visited.has(key)) visited.set(key, new URL(r.url()).pathname);
	});
}

// "the case page with its 3 <details> open" -> "the-case-page-with-its-3-details-open".
function slug(label) {
	return label
		.toLowerCase()
		.replace(/ł/g, 'l')
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '')
		.slice(0, 60);
}

function shotPath(label, width) {
	let name = `${script}-${slug(label)}`;
	for (let n = 2; shotNames.has(`${name}-${width}`); n++) name = `${script}-${slug(label)}-${n}`;
	shotNames.add(`${name}-${width}`);
	return join(shotDir, `${name}-${width}.png`);
}

// In the page: what makes it wider than the viewport, and what text is cut
// off. Both lists are empty on a good page.
function layoutProblems() {
	const describe = (el) => {
		const cls = typeof el.className === 'string' && el.className.trim()
			? `.${el.className.trim().split(/\s+/).join('.')}` : '';
		const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
		return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls} "${text}"`;
	};
	const scrolls = (el) => {
		const o = getComputedStyle(el).overflowX;
		return o !== 'visible';
	};
	// Inside a box that scrolls or clips, an element does not widen the page.
	const contained = (el) => {
		for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
			if (scrolls(p)) return true;
		return false;
	};
	const hidden = (el) => el.closest('.visually-hidden, .hp, .skip') !== null;
	const overflow = [];
	const width = document.documentElement.scrollWidth;
	if (width > innerWidth) {
		const wide = [...document.body.querySelectorAll('*')].filter((el) => {
			const r = el.getBoundingClientRect();
			return r.width > 0 && r.right > innerWidth + 0.5 && !contained(el) && !hidden(el);
		});
		// The outermost of them: the boxes to fix.
		for (const el of wide)
			if (!wide.includes(el.parentElement))
				overflow.push(`${describe(el)} reaches ${Math.round(el.getBoundingClientRect().right)} px`);
		if (!overflow.length) overflow.push(`the page is ${width} px wide`);
	}
	const cut = [];
	for (const el of document.body.querySelectorAll('*')) {
		if (!(el instanceof HTMLElement) || hidden(el)) continue;
		if (/^(INPUT|SELECT|TEXTAREA|BUTTON|IMG|VIDEO|CANVAS|IFRAME|OBJECT|EMBED)$/.test(el.tagName)) continue;
		const cs = getComputedStyle(el);
		const clips = cs.overflowX === 'hidden' || cs.overflowX === 'clip' || cs.textOverflow === 'ellipsis';
		if (clips && el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1)
			cut.push(`${describe(el)}: ${el.scrollWidth} px of text in ${el.clientWidth} px`);
	}
	return { width, viewport: innerWidth, overflow: overflow.slice(0, 8), cut: cut.slice(0, 8) };
}

// In the page: every element the keyboard reaches is focused in turn and its
// outline measured against the background around it (its parent's, the
// first opaque one up the tree, over white). Focus and scrolling are put
// back. Returns the failures and how many elements were measured.
function focusProblems() {
	const rgba = (s) => {
		const m = s.match(/rgba?\(([^)]+)\)/);
		if (!m) return null;
		const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
		return { r, g, b, a };
	};
	const over = (top, under) => ({
		r: top.r * top.a + under.r * (1 - top.a),
		g: top.g * top.a + under.g * (1 - top.a),
		b: top.b * top.a + under.b * (1 - top.a),
		a: 1,
	});
	const background = (el) => {
		const layers = [];
		for (let p = el; p; p = p.parentElement) {
			const c = rgba(getComputedStyle(p).backgroundColor);
			if (c && c.a > 0) {
				layers.push(c);
				if (c.a >= 1) break;
			}
		}
		return layers.reverse().reduce((acc, c) => over(c, acc), { r: 255, g: 255, b: 255, a: 1 });
	};
	const lum = ({ r, g, b }) => {
		const f = (v) => {
			v /= 255;
			return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
		};
		return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
	};
	const ratio = (x, y) => {
		const [hi, lo] = [lum(x), lum(y)].sort((a, b) => b - a);
		return (hi + 0.05) / (lo + 0.05);
	};
	const hex = ({ r, g, b }) => '#' + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
	const before = document.activeElement;
	const scroll = [scrollX, scrollY];
	const sel = 'a[href], button, input, select, textarea, summary, [tabindex], .error-summary[tabindex="-1"]';
	const targets = [...document.querySelectorAll(sel)].filter(
		(el) => (el.tabIndex >= 0 || el.matches('.error-summary')) && !el.disabled && el.type !== 'hidden' &&
			el.checkVisibility({ visibilityProperty: true }),
	);
	const problems = [];
	let measured = 0;
	for (const el of targets) {
		el.focus({ preventScroll: true });
		if (document.activeElement !== el) continue;
		measured++;
		const cs = getComputedStyle(el);
		const name = `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} "${(el.textContent || el.value || el.name || '').trim().replace(/\s+/g, ' ').slice(0, 30)}"`;
		const width = parseFloat(cs.outlineWidth) || 0;
		const colour = rgba(cs.outlineColor);
		if (cs.outlineStyle === 'none' || width < 2 || !colour) {
			problems.push(`${name}: no focus outline of 2 px or more (${cs.outlineStyle} ${cs.outlineWidth})`);
			continue;
		}
		// The outline lies outside the element (outline-offset >= 0): what is
		// around it is the parent's background.
		const bg = background(el.parentElement || el);
		const c = over(colour, bg);
		const r = ratio(c, bg);
		if (r < 3) problems.push(`${name}: outline ${hex(c)} on ${hex(bg)} has contrast ${r.toFixed(2)}:1, below 3:1`);
		if (parseFloat(cs.outlineOffset) < 0) problems.push(`${name}: the outline lies inside the element`);
	}
	if (before && before !== document.body && before.focus) before.focus({ preventScroll: true });
	else if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
	scrollTo(scroll[0], scroll[1]);
	return { measured, problems: [...new Set(problems)].slice(0, 10) };
}

function writePages() {
	mkdirSync(shotDir, { recursive: true });
	writeFileSync(join(shotDir, `pages-${script}.json`),
		JSON.stringify({ visited: Object.fromEntries(visited), checked: [...checked] }, null, 1));
}

// axe-core on the page as it is; the violations printed with their nodes.
async function axeRun(page, label) {
	if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: axePath });
	const result = await page.evaluate(
		async (tags) => {
			// eslint-disable-next-line no-undef
			// Chromium's own banner on pages made by XSLT (it announces the
			// feature's removal; its white on red is the browser's, not ours).
			const context = { include: [document], exclude: [['xslt-warning-banner']] };
			const r = await axe.run(context, { runOnly: { type: 'tag', values: tags } });
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
	return result.violations.length;
}

export async function checkPage(page, label) {
	checked.add(pageKey(page.url()));
	const failures = [];
	// After a refused form (422) the keyboard lands on the error summary: the
	// focus is not left on the page as a whole (a test may since have moved it
	// on, e.g. through the summary's links).
	const lost = await page.evaluate(() => {
		const nav = performance.getEntriesByType('navigation')[0];
		const el = document.activeElement;
		return !!nav && nav.responseStatus === 422 && (!el || el === document.body);
	});
	if (lost) failures.push('the page answered 422 but nothing has the focus: the error summary should');
	const original = page.viewportSize();
	try {
		for (const vp of WIDTHS) {
			await page.setViewportSize(vp);
			await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
			const at = `${label} at ${vp.width} px`;
			const layout = await page.evaluate(layoutProblems);
			if (layout.overflow.length)
				failures.push(`${at}: the page is ${layout.width} px wide in ${layout.viewport} px:\n      ` +
					layout.overflow.join('\n      '));
			if (layout.cut.length) failures.push(`${at}: text cut off:\n      ${layout.cut.join('\n      ')}`);
			const focus = await page.evaluate(focusProblems);
			if (focus.problems.length)
				failures.push(`${at}: focus indicator:\n      ${focus.problems.join('\n      ')}`);
			const t0 = Date.now();
			const nv = await axeRun(page, at);
			if (nv) failures.push(`${at}: axe found ${nv} violation(s)`);
			const t1 = Date.now();
			mkdirSync(shotDir, { recursive: true });
			await page.screenshot({ path: shotPath(label, vp.width), fullPage: true, animations: 'disabled' });
			console.log(`    layout ${at}: ${layout.width} px wide, ${focus.measured} focus outline(s) measured` +
				` (axe ${t1 - t0} ms, screenshot ${Date.now() - t1} ms)`);
		}
	} finally {
		if (original) await page.setViewportSize(original);
	}
	check(failures.length === 0, failures.join('\n    '));
}

// The name the older tests use.
export const axeCheck = checkPage;

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
// Every page of every context it opens is watched (see checkPage).
export async function launch() {
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: launchArgs,
		timeout: 30000,
	});
	const newContext = browser.newContext.bind(browser);
	browser.newContext = async (options) => {
		const ctx = await newContext(options);
		ctx.on('page', watch);
		return ctx;
	};
	return browser;
}
