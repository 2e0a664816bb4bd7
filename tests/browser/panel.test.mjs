// SPDX-License-Identifier: EUPL-1.2
// A clerk works a case in the staff panel in headless Chromium: /panel sends
// an anonymous visitor to the sign-in page; the clerk signs in, sees the queue
// sorted by due date, filters it by state and text, opens a case, asks for an
// extension the law refuses (beyond 2 months from receipt), corrects the date,
// extends the answer term and sees the new due date, then signs out with the
// header's button. A second case is extended to a Saturday, which the page
// shows moved to the next working day (KPA art. 57 §4). axe-core checks the
// sign-in, queue and case pages (also with a filter applied, with the law's
// refusal shown, and after the step) against WCAG 2.1 A/AA.
//
// The new dates come from the calendar, not from today's date plus a
// constant: the server's own (`jawnosc holidays YEAR --json`, with Saturdays
// and Sundays), so the test passes whatever day it runs on.
//
// Run by tests/browser/run.sh with JAWNOSC_URL=http://127.0.0.1:PORT (a
// server on a fresh database loaded with `seed --demo`) and JAWNOSC_BIN (the
// server's binary, for its calendar; default bin/jawnosc). Prints
// "[ RUN      ]", "[       OK ]" and "[  FAILED  ]" lines per test and
// "# pass N" / "# fail N" at the end; exits 1 when anything failed.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { base, state, need, test, check, equal, finish, axeCheck, launch } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const jawnoscBin = process.env.JAWNOSC_BIN || join(here, '../../bin/jawnosc');
// The demo clerk (server/cli/cmd_seed.c).
const CLERK = { email: 'urzednik@mon.example', password: 'jawnosc-demo', name: 'Tomasz Zieliński' };
// Labels from server/law/lifecycle.c.
const IN_PROGRESS_LABEL = 'w toku'; // law_states[LAW_STATE_IN_PROGRESS].label
const RECEIVED_LABEL = 'przyjęty'; // law_states[LAW_STATE_RECEIVED].label
const EXTENDED_LABEL = 'termin przedłużony'; // law_states[LAW_STATE_EXTENDED].label
const ANSWER_TERM = 'termin załatwienia wniosku'; // law_terms[LAW_TERM_ANSWER].label
const ANSWER_EXTENDED_TERM = 'przedłużony termin załatwienia wniosku'; // law_terms[LAW_TERM_ANSWER_EXTENDED].label
const EXTEND_LABEL = 'przedłużenie terminu załatwienia wniosku'; // law_actions[LAW_ACT_EXTEND].label
// Term states, server/cases/caseview.c.
const TERM_OPEN = 'biegnie';
const TERM_CANCELLED = 'nie obowiązuje';

// The queue filter: seeded requests in progress whose subject has "resortu"
// in any of its forms (the search knows Polish inflection: "resortem").
const FILTER = {
	state: 'in_progress',
	q: 'resortu',
	stem: 'resort',
	// Every seeded request in progress with a form of "resort" in its subject.
	expected: [
		'Koszty utrzymania stron internetowych resortu',
		'Statystyki odwiedzin strony internetowej resortu',
		'Plan promocji resortu na 2026 r.',
		'Wykaz organizacji pozarządowych współpracujących z resortem',
	],
	// Matches the text but is only received; in progress but another subject.
	excluded: ['Wydatki na kampanie promocyjne resortu w 2025 r.', 'Wydatki na gadżety promocyjne'],
	// The case to extend: a request for public information (UDIP art. 13
	// ust. 2; the reuse request among the rows has its own term), within its
	// 14 days.
	open: 'Koszty utrzymania stron internetowych resortu',
};
// Another seeded request for public information in progress, filed 6 days
// ago: extended to a Saturday.
const SATURDAY_CASE = 'Raporty z badań społecznych dotyczących obronności';
const REASONS = 'Informacja wymaga zebrania danych z czterech komórek; „pełne” zestawienie potrwa dłużej.';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

// ---- Dates (calendar arithmetic on YYYY-MM-DD, no time zones) ---------------
function parseDate(s) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
	check(m, `a date YYYY-MM-DD: ${JSON.stringify(s)}`);
	return { y: +m[1], m: +m[2], d: +m[3] };
}
function fmtDate({ y, m, d }) {
	return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
// The same day n months later; the month's last day when it has no such day.
function addMonths(s, n) {
	const { y, m, d } = parseDate(s);
	const k = y * 12 + (m - 1) + n;
	const ny = Math.floor(k / 12);
	const nm = (k % 12) + 1;
	const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
	return fmtDate({ y: ny, m: nm, d: Math.min(d, last) });
}
function addDays(s, n) {
	const { y, m, d } = parseDate(s);
	const t = new Date(Date.UTC(y, m - 1, d + n));
	return fmtDate({ y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() });
}
// 0 = Sunday ... 6 = Saturday.
function weekday(s) {
	const { y, m, d } = parseDate(s);
	return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

// ---- The calendar: the server's own, so the test and the law agree ----------
// KPA art. 57 §4: a term ending on a Saturday or a statutory day off ends on
// the next working day. The days off are those of `jawnosc holidays`.
const daysOffByYear = new Map();
function daysOff(year) {
	if (!daysOffByYear.has(year)) {
		const out = execFileSync(jawnoscBin, ['holidays', String(year), '--json'], { encoding: 'utf8' });
		const list = JSON.parse(out).map((h) => h.date);
		check(list.length >= 13 && list.every((d) => d.startsWith(`${year}-`)), `the days off of ${year}: ${out}`);
		daysOffByYear.set(year, new Set(list));
	}
	return daysOffByYear.get(year);
}
function isWorkingDay(s) {
	const w = weekday(s);
	return w !== 0 && w !== 6 && !daysOff(parseDate(s).y).has(s);
}
// The first day on or after s (and on or before last) that passes test.
function firstDay(s, last, test, what) {
	for (let d = s; d <= last; d = addDays(d, 1)) if (test(d)) return d;
	throw new Error(`no ${what} from ${s} to ${last}`);
}
function nextWorkingDay(s) {
	return firstDay(s, addDays(s, 14), isWorkingDay, 'working day');
}
// UDIP art. 13 ust. 2: the new date is later than the running 14-day term
// and no later than 2 months from receipt (the server's cap, 2 months moved
// by KPA art. 57 §4, is never earlier).
function extensionWindow(received, oldDue) {
	return { first: addDays(oldDue, 1), last: addMonths(received, 2) };
}

// ---- The pages ---------------------------------------------------------------
// The queue's rows: the cells by their column headings.
async function queueRows(page) {
	return page.evaluate(() => {
		const table = document.querySelector('table.queue');
		if (!table) return [];
		const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
		return [...table.querySelectorAll('tbody tr')].map((tr) => {
			const cells = [...tr.children].map((td) => td.textContent.trim());
			const row = Object.fromEntries(heads.map((h, i) => [h, cells[i]]));
			const a = tr.querySelector('a[href^="/panel/sprawy/"]');
			row.href = a ? a.getAttribute('href') : null;
			row.overdue = tr.classList.contains('overdue');
			return row;
		});
	});
}

// The facts at the top of the case page: <dt> text → <dd> text.
async function caseFacts(page) {
	return page.evaluate(() => {
		const out = {};
		const dl = document.querySelector('dl.case-facts');
		for (const dt of dl ? dl.querySelectorAll('dt') : []) {
			const dd = dt.nextElementSibling;
			out[dt.textContent.trim()] = dd ? dd.textContent.trim() : '';
		}
		return out;
	});
}

// The terms table: label (without the "Jak obliczono" details), start, due,
// state, and the steps of "Jak obliczono".
async function caseTerms(page) {
	return page.evaluate(() => {
		const cap = [...document.querySelectorAll('table caption')].find((c) =>
			c.textContent.includes('Terminy w sprawie'),
		);
		if (!cap) return null;
		return [...cap.closest('table').querySelectorAll('tbody tr')].map((tr) => {
			const td = tr.querySelectorAll('td');
			const labelCell = td[0].cloneNode(true);
			for (const d of labelCell.querySelectorAll('details')) d.remove();
			const due = /\d{4}-\d{2}-\d{2}/.exec(td[3].textContent);
			return {
				label: labelCell.textContent.trim(),
				start: td[2].textContent.trim(),
				due: due ? due[0] : '',
				state: td[4].textContent.trim(),
				steps: [...td[0].querySelectorAll('details li')].map((li) => li.textContent.replace(/\s+/g, ' ').trim()),
			};
		});
	});
}

async function postAction(page, button) {
	const [resp] = await Promise.all([
		page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/czynnosc')),
		button.click(),
	]);
	await page.waitForLoadState('load');
	return resp;
}

// A step with a letter goes on to its draft (issue 21 item 1): issued by the
// channel the page preselects and, for a registered letter, posted today;
// then back to the case page, where the step has taken effect.
async function sendLetter(page, casePath) {
	const letter = new URL(page.url()).pathname;
	check(new RegExp(`^${casePath}/pisma/\\d+$`).test(letter), `on the letter's draft: ${letter}`);
	const area = page.getByLabel('Treść do wystawienia');
	const text = await area.inputValue();
	if (text.includes('[DO UZUPEŁNIENIA'))
		await area.fill(text.replace(/\[DO UZUPEŁNIENIA:[^\]]*\]/g, 'uzupełniono'));
	await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Wystaw pismo…' }).click()]);
	// The confirmation page: issuing cannot be undone.
	await Promise.all([page.waitForEvent('load'),
		page.getByRole('button', { name: /^Wystaw pismo nr \d+$/ }).click()]);
	const post = page.getByRole('button', { name: 'Zapisz nadanie' });
	if (await post.count()) {
		await page.getByLabel('Numer nadawczy (z nalepki)').fill('RR123456789PL');
		await Promise.all([page.waitForEvent('load'), post.click()]);
	}
	await page.goto(`${base}${casePath}`);
}

// ---- The run ---------------------------------------------------------------
async function main() {
	const browser = await launch();
	try {
		// bypassCSP: axe is injected as an inline script, which the server's CSP forbids.
		const ctx = await browser.newContext({ bypassCSP: true, locale: 'pl-PL' });
		ctx.setDefaultTimeout(10000);
		const page = await ctx.newPage();
		const consoleErrors = [];
		page.on('pageerror', (e) => consoleErrors.push(String(e)));

		await test('panel_redirects_to_sign_in', async () => {
			const resp = await page.goto(`${base}/panel`);
			equal(resp.status(), 200, 'status at the end of the redirect');
			const u = new URL(page.url());
			equal(u.pathname, '/panel/logowanie', 'where /panel sends an anonymous visitor');
			equal(u.searchParams.get('next'), '/panel', 'the page to return to');
			equal(await page.locator('html').getAttribute('lang'), 'pl', 'html lang');
			equal((await page.locator('h1').textContent()).trim(), 'Logowanie dla pracowników', 'heading');
			equal(await page.locator('input[name=next]').inputValue(), '/panel', 'the form keeps next');
			equal(await page.getByRole('button', { name: 'Wyloguj' }).count(), 0, 'no sign-out button yet');
			state.signInPage = true;
		});

		await test('axe_sign_in', async () => {
			need('signInPage');
			await axeCheck(page, 'the sign-in page');
		});

		await test('sign_in', async () => {
			need('signInPage');
			await page.getByLabel('Adres e-mail').fill(CLERK.email);
			await page.getByLabel('Hasło').fill(CLERK.password);
			const [resp] = await Promise.all([
				page.waitForResponse(
					(r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/panel/logowanie',
				),
				page.getByRole('button', { name: 'Zaloguj się' }).click(),
			]);
			await page.waitForLoadState('load');
			equal(resp.status(), 303, 'status of the sign-in');
			equal(new URL(page.url()).pathname, '/panel', 'back to the page asked for');
			equal((await page.locator('h1').textContent()).trim(), 'Kolejka spraw', 'queue heading');
			const nav = page.getByRole('navigation', { name: 'Menu główne' });
			equal(await nav.getByRole('link', { name: CLERK.name }).count(), 1, 'the header names the clerk');
			equal(await nav.getByRole('button', { name: 'Wyloguj' }).count(), 1, 'the header has the sign-out button');
			const cookies = await ctx.cookies(base);
			const session = cookies.find((c) => c.name === 'jw_session');
			check(session && session.httpOnly, 'an HttpOnly session cookie');
			state.signedIn = true;
		});

		await test('queue_sorted_by_due_date', async () => {
			need('signedIn');
			const rows = await queueRows(page);
			check(rows.length >= 15, `the seeded open cases are listed: ${rows.length} row(s)`);
			const dues = rows.map((r) => r.Termin).filter((t) => DATE.test(t));
			check(dues.length >= 15, `rows with a due date: ${dues.length}`);
			for (let i = 1; i < dues.length; i++)
				check(dues[i - 1] <= dues[i], `due dates ascending: ${dues[i - 1]} then ${dues[i]}`);
			// Cases waiting for the requester (no running term) come after the dated ones.
			const firstUndated = rows.findIndex((r) => !DATE.test(r.Termin));
			if (firstUndated >= 0)
				check(rows.slice(firstUndated).every((r) => !DATE.test(r.Termin)), 'undated rows come last');
			check(rows.every((r) => r.href && /^\/panel\/sprawy\/\d+$/.test(r.href)), 'every row links to its case');
			check(!rows.some((r) => r.Stan === 'wycofany'), 'closed cases are not in the queue');
			check(rows.some((r) => r.overdue), 'an overdue case is marked');
			state.queue = true;
		});

		await test('axe_queue', async () => {
			need('queue');
			await axeCheck(page, 'the queue');
		});

		await test('queue_filter_by_state_and_text', async () => {
			need('signedIn');
			await page.goto(`${base}/panel`);
			await page.getByLabel('Stan', { exact: true }).selectOption(FILTER.state);
			await page.getByLabel('Szukaj we wszystkich sprawach').fill(FILTER.q);
			await Promise.all([
				page.waitForURL((u) => u.pathname === '/panel' && u.searchParams.get('stan') === FILTER.state),
				page.getByRole('button', { name: 'Filtruj' }).click(),
			]);
			const u = new URL(page.url());
			equal(u.searchParams.get('q'), FILTER.q, 'the text in the address');
			equal(await page.locator('#f-stan').inputValue(), FILTER.state, 'the state stays selected');
			equal(await page.locator('#f-q').inputValue(), FILTER.q, 'the text stays in the field');
			const rows = await queueRows(page);
			check(rows.length > 0, 'the filter finds cases');
			for (const r of rows) {
				equal(r.Stan, IN_PROGRESS_LABEL, `state of ${r['Znak sprawy']}`);
				check(r.Temat.toLowerCase().includes(FILTER.stem) || r['Znak sprawy'] === FILTER.q,
					`${r['Znak sprawy']} matches "${FILTER.q}": ${r.Temat}`);
			}
			const subjects = rows.map((r) => r.Temat);
			for (const s of FILTER.expected) check(subjects.includes(s), `listed: ${s}`);
			for (const s of FILTER.excluded) check(!subjects.includes(s), `not listed: ${s}`);
			equal(rows.length, FILTER.expected.length, 'rows');
			// A search is ranked by relevance (docs/register.md, "Search"), not by due date.
			const target = rows.find((r) => r.Temat === FILTER.open);
			check(target && !target.overdue, `${FILTER.open} is within its term`);
			state.target = target;
		});

		await test('axe_queue_filtered', async () => {
			need('target');
			await axeCheck(page, 'the filtered queue');
		});

		await test('open_case', async () => {
			const target = need('target');
			await Promise.all([
				page.waitForURL((u) => u.pathname === target.href),
				page.getByRole('link', { name: target['Znak sprawy'], exact: true }).click(),
			]);
			equal((await page.locator('h1').textContent()).trim(), `Sprawa ${target['Znak sprawy']}`, 'heading');
			equal(await page.title(), `Sprawa ${target['Znak sprawy']} — Jawność`, 'title');
			const facts = await caseFacts(page);
			check([IN_PROGRESS_LABEL, RECEIVED_LABEL].includes(facts.Stan), `state: ${facts.Stan}`);
			equal(facts.Rodzaj, 'informacja publiczna (UDIP)', 'kind');
			equal(facts.Temat, target.Temat, 'subject');
			const received = (facts['Wpłynął'] || '').slice(0, 10);
			check(DATE.test(received), `the receipt date: ${facts['Wpłynął']}`);
			equal(received, target['Wpłynął'], 'the receipt date as in the queue');
			equal(facts['Najbliższy termin'], target.Termin, 'the due date as in the queue');
			const terms = await caseTerms(page);
			check(terms, 'the terms table');
			const answer = terms.find((t) => t.label === ANSWER_TERM && t.state === TERM_OPEN);
			check(answer, `a running "${ANSWER_TERM}" in ${JSON.stringify(terms)}`);
			equal(answer.due, target.Termin, 'the answer term ends on the due date');
			// A working day in the window, about a month from receipt: the
			// page must show it as it was typed.
			const win = extensionWindow(received, answer.due);
			const from = addMonths(received, 1) > win.first ? addMonths(received, 1) : win.first;
			const valid = firstDay(from, win.last, isWorkingDay, 'working day in the extension window');
			console.log(`    received ${received}, due ${answer.due}: extending to ${valid}, a working day`);
			state.caseHref = target.href;
			state.caseNumber = target['Znak sprawy'];
			state.received = received;
			state.oldDue = answer.due;
			state.newDue = valid;
			state.tooLate = addMonths(received, 3);
		});

		await test('axe_case', async () => {
			need('caseHref');
			await axeCheck(page, 'the case page');
			// axe skips what is not rendered: the forms of every step (and the
			// "Jak obliczono" steps) once more, each <details> open.
			const opened = await page.evaluate(() => {
				const all = document.querySelectorAll('details');
				for (const d of all) d.open = true;
				return all.length;
			});
			await axeCheck(page, `the case page with its ${opened} <details> open`);
			await page.reload();
		});

		await test('extension_beyond_two_months_refused', async () => {
			need('caseHref');
			const action = page.locator('details#czynnosc-extend');
			equal(await action.count(), 1, 'the extension is offered');
			const summary = action.locator('summary');
			check((await summary.textContent()).includes(EXTEND_LABEL), 'the summary names the step');
			equal(await action.getAttribute('open'), null, 'closed at first');
			check(!(await page.getByLabel(/^Nowy termin załatwienia/).isVisible()), 'its fields are hidden');
			await summary.click();
			check((await action.getAttribute('open')) !== null, 'opened by its summary');
			const newDue = page.getByLabel(/^Nowy termin załatwienia/);
			check(await newDue.isVisible(), 'the new due date field is shown');
			await newDue.fill(need('tooLate'));
			await action.getByLabel(/^Powody opóźnienia/).fill(REASONS);
			const resp = await postAction(page, action.getByRole('button', { name: `Zapisz: ${EXTEND_LABEL}` }));
			// The law core's refusal (CLERK_REFUSED), not a malformed input: 409.
			equal(resp.status(), 409, 'status of the step the law refuses');

			// decide.c, guard_extension: "extension_beyond_two_months".
			const refusal =
				`Nowy termin ${state.tooLate} jest późniejszy niż 2 miesiące od otrzymania wniosku ` +
				`(${state.received} + 2 miesiące = `;
			const cap = /\+ 2 miesiące = (\d{4}-\d{2}-\d{2}), KPA art\. 57 §3 i §4\)/;
			const summaryBox = page.locator('.error-summary');
			check(await summaryBox.isVisible(), 'the error summary is shown');
			const said = (await summaryBox.textContent()).replace(/\s+/g, ' ');
			check(said.includes(refusal) && cap.test(said), `the summary gives the law's reason: ${said}`);
			const capDate = cap.exec(said)[1];
			check(capDate >= addMonths(state.received, 2) && capDate < state.tooLate, `the limit ${capDate}`);
			const again = page.locator('details#czynnosc-extend');
			check((await again.getAttribute('open')) !== null, 'the failed step stays open');
			const next = (await again.locator('.field-error').textContent()).replace(/\s+/g, ' ');
			check(next.includes(refusal), `the reason next to the form: ${next}`);
			equal(await again.getByLabel(/^Nowy termin załatwienia/).inputValue(), state.tooLate,
				'the date typed is kept');
			equal(await again.getByLabel(/^Powody opóźnienia/).inputValue(), REASONS, 'the reasons typed are kept');
			equal((await page.locator('.case-state').textContent()).trim(), IN_PROGRESS_LABEL,
				'the state is unchanged');
			equal(await page.locator('.notice').count(), 0, 'nothing says "Zapisano"');
			const terms = await caseTerms(page);
			check(!terms.some((t) => t.label === ANSWER_EXTENDED_TERM), 'no extended term');
			state.refused = true;
		});

		await test('axe_case_with_refusal', async () => {
			need('refused');
			await axeCheck(page, 'the case page with the refusal');
		});

		await test('extend', async () => {
			need('caseHref');
			const action = page.locator('details#czynnosc-extend');
			if ((await action.getAttribute('open')) === null) await action.locator('summary').click();
			await action.getByLabel(/^Nowy termin załatwienia/).fill(state.newDue);
			const reasons = action.getByLabel(/^Powody opóźnienia/);
			if ((await reasons.inputValue()) !== REASONS) await reasons.fill(REASONS);
			const resp = await postAction(page, action.getByRole('button', { name: `Zapisz: ${EXTEND_LABEL}` }));
			equal(resp.status(), 303, 'status of the step');
			// The notice waits for its letter: sent, the extension takes effect.
			await sendLetter(page, state.caseHref);
			equal(await page.locator('.error-summary').count(), 0, 'no error summary');
			equal((await page.locator('.case-state').textContent()).trim(), EXTENDED_LABEL, 'the state');
			const facts = await caseFacts(page);
			equal(facts['Najbliższy termin'], state.newDue, 'the nearest term is the new date');
			const terms = await caseTerms(page);
			const ext = terms.filter((t) => t.label === ANSWER_EXTENDED_TERM);
			equal(ext.length, 1, `one "${ANSWER_EXTENDED_TERM}" in ${JSON.stringify(terms)}`);
			equal(ext[0].due, state.newDue, 'the extended term ends on the new date');
			equal(ext[0].state, TERM_OPEN, 'the extended term runs');
			// KPA art. 57 §4 has nothing to move: the reasoning says so.
			check(ext[0].steps.some((t) => t.startsWith(`${state.newDue} (`) &&
				t.includes('nie jest sobotą ani dniem ustawowo wolnym od pracy') && t.includes('KPA art. 57 §1 i §4')),
			`the reasoning keeps ${state.newDue}: ${JSON.stringify(ext[0].steps)}`);
			const old = terms.find((t) => t.label === ANSWER_TERM);
			check(old && old.due === state.oldDue, 'the 14-day term is still listed');
			equal(old.state, TERM_CANCELLED, 'the 14-day term no longer applies');
			equal(await page.locator('details#czynnosc-extend').count(), 0, 'no second extension is offered');
			const timeline = await page.locator('.timeline').textContent();
			check(timeline.includes(EXTEND_LABEL), 'the step is in the timeline');
			check(timeline.includes(REASONS), 'the reasons are in the timeline');
			state.extended = true;
		});

		await test('axe_case_after_extension', async () => {
			need('extended');
			await axeCheck(page, 'the case page after the extension');
		});

		await test('queue_shows_new_due_date', async () => {
			need('extended');
			await Promise.all([
				page.waitForURL((u) => u.pathname === '/panel'),
				page.getByRole('link', { name: '← Kolejka spraw' }).click(),
			]);
			const row = (await queueRows(page)).find((r) => r.href === state.caseHref);
			check(row, `${state.caseNumber} is in the queue`);
			equal(row.Stan, EXTENDED_LABEL, 'state in the queue');
			equal(row.Termin, state.newDue, 'due date in the queue');
		});

		// KPA art. 57 §4 applies to a term's end whatever set it: a Saturday
		// named in the extension notice ends on the next working day.
		await test('extend_to_saturday_moves_to_next_working_day', async () => {
			need('signedIn');
			await page.goto(`${base}/panel`);
			const row = (await queueRows(page)).find((r) => r.Temat === SATURDAY_CASE);
			check(row && DATE.test(row.Termin) && !row.overdue, `${SATURDAY_CASE} is in the queue, within its term`);
			await page.goto(`${base}${row.href}`);
			const facts = await caseFacts(page);
			const received = (facts['Wpłynął'] || '').slice(0, 10);
			const answer = (await caseTerms(page)).find((t) => t.label === ANSWER_TERM && t.state === TERM_OPEN);
			check(answer, `a running "${ANSWER_TERM}"`);
			const win = extensionWindow(received, answer.due);
			// A plain Saturday: one that is also a holiday (26 December 2026) is
			// explained as the holiday.
			const saturday = firstDay(win.first, win.last, (d) => weekday(d) === 6 && !daysOff(parseDate(d).y).has(d),
				'Saturday (not a holiday) in the extension window');
			const expected = nextWorkingDay(saturday);
			check(expected > saturday && weekday(expected) !== 0 && weekday(expected) !== 6,
				`${expected} is a working day after ${saturday}`);
			console.log(`    received ${received}, due ${answer.due}: extending to Saturday ${saturday}, ends ${expected}`);

			const action = page.locator('details#czynnosc-extend');
			await action.locator('summary').click();
			await action.getByLabel(/^Nowy termin załatwienia/).fill(saturday);
			await action.getByLabel(/^Powody opóźnienia/).fill(REASONS);
			const resp = await postAction(page, action.getByRole('button', { name: `Zapisz: ${EXTEND_LABEL}` }));
			equal(resp.status(), 303, `status of the extension to ${saturday}`);
			await sendLetter(page, row.href);
			equal((await page.locator('.case-state').textContent()).trim(), EXTENDED_LABEL, 'the state');
			equal((await caseFacts(page))['Najbliższy termin'], expected, `the nearest term: ${saturday} moved`);
			const ext = (await caseTerms(page)).filter((t) => t.label === ANSWER_EXTENDED_TERM);
			equal(ext.length, 1, `one "${ANSWER_EXTENDED_TERM}"`);
			equal(ext[0].due, expected, 'the extended term ends on the next working day');
			const steps = ext[0].steps;
			check(steps.some((t) => t.includes(`Nowy termin wskazany w zawiadomieniu: ${saturday}`)),
				`the reasoning names the date of the notice: ${JSON.stringify(steps)}`);
			check(steps.includes(`${saturday} to sobota.`), `the reasoning says ${saturday} is a Saturday`);
			check(steps.some((t) => t.includes('(KPA art. 57 §4)') && t.includes(`: ${expected} (`)),
				`the reasoning moves it to ${expected} by KPA art. 57 §4: ${JSON.stringify(steps)}`);
			await page.goto(`${base}/panel`);
			const after = (await queueRows(page)).find((r) => r.href === row.href);
			equal(after && after.Termin, expected, 'due date in the queue');
		});

		await test('sign_out', async () => {
			need('signedIn');
			const [resp] = await Promise.all([
				page.waitForResponse(
					(r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/panel/wyloguj',
				),
				page.getByRole('navigation', { name: 'Menu główne' })
					.getByRole('button', { name: 'Wyloguj' })
					.click(),
			]);
			await page.waitForLoadState('load');
			equal(resp.status(), 303, 'status of the sign-out');
			equal(new URL(page.url()).pathname, '/panel/logowanie', 'the sign-in page after signing out');
			equal(await page.getByRole('button', { name: 'Wyloguj' }).count(), 0, 'no sign-out button');
			check(!(await ctx.cookies(base)).some((c) => c.name === 'jw_session'), 'the session cookie is gone');
			const again = await page.goto(`${base}/panel`);
			equal(again.status(), 200, 'status at the end of the redirect');
			equal(new URL(page.url()).pathname, '/panel/logowanie', 'the panel asks for sign-in again');
			const back = await page.goto(`${base}${state.caseHref || '/panel/sprawy/1'}`);
			equal(back.status(), 200, 'status at the end of the redirect');
			equal(new URL(page.url()).pathname, '/panel/logowanie', 'a case page asks for sign-in too');
		});

		await test('no_script_errors', async () => {
			equal(consoleErrors.length, 0, `JavaScript errors on the pages: ${consoleErrors.join('; ')}`);
		});
		await ctx.close();
	} finally {
		await browser.close();
	}
}

await finish('panel_session', main);
