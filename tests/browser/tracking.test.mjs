// SPDX-License-Identifier: EUPL-1.2
// The requester's side of issue 21 (items 9-11) in headless Chromium: a
// citizen files a request and reads on the tracking page what happens next
// in each main state (the case is moved between states with SQL, as the
// office's steps would leave it), with the requester's own window and its
// last day while the office waits on them; withdraws only after a page that
// says it cannot be undone (also without JavaScript); and sends three 4 MB
// scans, over the server's limit, getting the form back with everything
// typed and the files named. axe-core checks each page (WCAG 2.1 A/AA).
//
// Run by tests/browser/run.sh with JAWNOSC_URL (a server on a fresh database
// loaded with `seed --demo`) and DATABASE_URL (its database, for psql).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { base, state, need, test, check, equal, finish, axeCheck, launch } from './lib.mjs';

function sql(statement) {
	return execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', process.env.DATABASE_URL, '-c', statement], {
		encoding: 'utf8',
	}).trim();
}

// ---- Dates as the page writes them: "9 grudnia 2026 r. (środa)" ---------------
const MONTHS = ['stycznia', 'lutego', 'marca', 'kwietnia', 'maja', 'czerwca', 'lipca', 'sierpnia', 'września',
	'października', 'listopada', 'grudnia'];
const WEEKDAYS = ['niedziela', 'poniedziałek', 'wtorek', 'środa', 'czwartek', 'piątek', 'sobota'];
// Today as the server sees it: the database's clock, the one the server
// reads, in Warsaw (not this machine's, which may be on either side of
// midnight from it).
const todayIso = sql(`SELECT (now() AT TIME ZONE 'Europe/Warsaw')::date`);
function addDays(iso, n) {
	const d = new Date(`${iso}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}
function polish(iso) {
	const d = new Date(`${iso}T00:00:00Z`);
	return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} r. (${WEEKDAYS[d.getUTCDay()]})`;
}

// ---- The states ------------------------------------------------------------------
// Each: the state, its terms (kind, label, basis, side, days from today to
// the last day, state), what the sentence must say, and whether the
// requester's own window is named. {due} stands for the open term's date.
const T = {
	answer: ['termin załatwienia wniosku', 'UDIP art. 13 ust. 1', 'body'],
	answer_extended: ['przedłużony termin załatwienia wniosku', 'UDIP art. 13 ust. 2', 'body'],
	clarification_window: ['termin na doprecyzowanie wniosku', 'polityka organizacji (por. KPA art. 64 §2)', 'requester'],
	fee_window: ['termin na zmianę wniosku lub jego wycofanie po powiadomieniu o opłacie', 'UDIP art. 15 ust. 2', 'requester'],
	form_window: ['termin na wniosek o udostępnienie we wskazanej formie', 'UDIP art. 14 ust. 2', 'requester'],
	interest_window: ['termin na wykazanie szczególnej istotności dla interesu publicznego', 'UDIP art. 3 ust. 1 pkt 1', 'requester'],
	identity_window: ['termin na podanie imienia i nazwiska oraz adresu', 'KPA art. 64 §2 w zw. z art. 63 §2', 'requester'],
	appeal_window: ['termin na wniesienie odwołania', 'KPA art. 129 §2', 'requester'],
	forward_appeal: ['termin przekazania odwołania wraz z aktami', 'KPA art. 133', 'body'],
	court_answer: ['termin przekazania skargi z aktami i odpowiedzią na skargę', 'UDIP art. 21 pkt 1', 'body'],
};
const STATES = [
	{ state: 'in_progress', terms: [['answer', 9, 'open']], says: ['Urząd rozpatruje Twój wniosek', 'do {due}', 'nie musisz nic robić'] },
	{ state: 'extended', terms: [['answer', 3, 'cancelled'], ['answer_extended', 30, 'open']],
		says: ['przedłużył termin', 'do {due}'] },
	{ state: 'awaiting_clarification', terms: [['answer', 3, 'cancelled'], ['clarification_window', 7, 'open']],
		says: ['czeka na Twoje wyjaśnienia', 'do {due}', 'formularz niżej'], window: true },
	{ state: 'interest_called', terms: [['answer', 6, 'cancelled'], ['interest_window', 7, 'open']],
		says: ['interesu publicznego', 'do {due}'], window: true },
	{ state: 'awaiting_identity', terms: [['answer', 6, 'cancelled'], ['identity_window', 7, 'open']],
		says: ['imię i nazwisko', 'do {due}'], window: true },
	{ state: 'fee_notified', terms: [['answer', 6, 'met'], ['fee_window', 14, 'open']],
		says: ['o opłacie', 'do {due}', 'nie wycofasz wniosku'], window: true },
	{ state: 'form_notified', terms: [['answer', 6, 'met'], ['form_window', 14, 'open']],
		says: ['wskaż jedną z form', 'do {due}', 'umorzy'], window: true },
	{ state: 'refused', terms: [['answer', -20, 'met'], ['appeal_window', 10, 'open']],
		says: ['odmówił udostępnienia informacji decyzją', 'do {due} wnieść odwołanie'], window: true },
	{ state: 'appeal_pending', terms: [['answer', -20, 'met'], ['forward_appeal', 5, 'open']],
		says: ['przekaże Twoje odwołanie', 'do {due}', 'nie musisz nic robić'] },
	{ state: 'at_court', terms: [['answer', -40, 'met'], ['court_answer', 12, 'open']],
		says: ['wojewódzkiego sądu administracyjnego', 'do {due}'] },
	{ state: 'provided', terms: [['answer', -2, 'met']], says: ['udostępnił informację', 'Sprawa jest zakończona'], closed: true },
	{ state: 'not_held', terms: [['answer', -2, 'met']], says: ['nie posiada tej informacji'], closed: true },
	{ state: 'withdrawn', terms: [['answer', 5, 'cancelled']], says: ['wycofany', 'złóż nowy wniosek'], closed: true },
];

// Puts the case in `s`: its state and only the given terms.
function moveTo(id, s) {
	const values = s.terms.map(([kind, days, st]) => {
		const [label, basis, side] = T[kind];
		const due = addDays(todayIso, days);
		const closed = st === 'open' ? 'NULL::date' : `'${todayIso}'::date`;
		return `('${kind}', '${label}', '${basis}', '${side}', '${addDays(due, -14)}'::date, '${due}'::date, '${st}', ${closed})`;
	});
	sql(`BEGIN; UPDATE requests SET state = '${s.state}', closed_on = ${s.closed ? `'${todayIso}'` : 'NULL'} WHERE id = ${id};
		DELETE FROM terms WHERE request_id = ${id};
		INSERT INTO terms (org_id, request_id, kind, label, basis, side, start_on, unshifted_on, due_on, state, closed_on)
		SELECT r.org_id, r.id, v.kind, v.label, v.basis, v.side, v.start_on, v.due_on, v.due_on, v.state, v.closed_on
		FROM requests r, (VALUES ${values.join(', ')}) v(kind, label, basis, side, start_on, due_on, state, closed_on)
		WHERE r.id = ${id};
		COMMIT;`);
	const open = s.terms.find(([, , st]) => st === 'open');
	return open ? polish(addDays(todayIso, open[1])) : null;
}

// The page once it shows the case as the database has it (the server keeps
// tracking pages until their organisation changes, which it hears of at once).
async function nextStepOf(page, href, first) {
	for (let i = 0; i < 30; i++) {
		await page.goto(`${base}${href}`);
		const text = (await page.locator('#co-dalej-tekst').textContent()).trim();
		if (text.includes(first)) return text;
		await page.waitForTimeout(100);
	}
	return (await page.locator('#co-dalej-tekst').textContent()).trim();
}

async function fileThroughTheForm(page, subject) {
	await page.goto(`${base}/wniosek`);
	await page.getByLabel('o udostępnienie informacji publicznej').check();
	await page.getByLabel('Temat wniosku').fill(subject);
	await page.getByLabel('Jakiej informacji dotyczy wniosek?').fill('Proszę o kopie umów zawartych w 2025 r.');
	await page.getByLabel('tylko na prywatnej stronie sprawy').check();
	await Promise.all([page.waitForURL(/\/potwierdzenie$/), page.getByRole('button', { name: 'Wyślij wniosek' }).click()]);
	return page.locator('.tracking-link a').first().getAttribute('href');
}

async function main() {
	const browser = await launch();
	try {
		const ctx = await browser.newContext({ bypassCSP: true, locale: 'pl-PL' });
		ctx.setDefaultTimeout(10000);
		const page = await ctx.newPage();
		const consoleErrors = [];
		page.on('pageerror', (e) => consoleErrors.push(String(e)));

		await test('a_new_request_says_what_happens_next', async () => {
			const href = await fileThroughTheForm(page, 'Co dalej z moim wnioskiem');
			await page.goto(`${base}${href}`);
			const box = page.getByRole('region', { name: 'Co dalej' });
			equal(await box.count(), 1, 'the "Co dalej" section');
			// It comes before the facts and the terms.
			const order = await page.evaluate(() => {
				const a = document.getElementById('co-dalej'), b = document.querySelector('.case-facts');
				return !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
			});
			check(order, 'what happens next is at the top');
			const text = (await page.locator('#co-dalej-tekst').textContent()).trim();
			const due = (await page.locator('table tbody tr td:nth-child(3)').first().textContent()).trim().slice(0, 10);
			check(text.includes('Urząd rozpatruje Twój wniosek') && text.includes(`do ${polish(due)}`),
				`the sentence names the answer's last day (${polish(due)}): ${text}`);
			await axeCheck(page, 'the tracking page of a new request');
			state.href = href;
			state.id = sql(`SELECT id FROM requests WHERE subject = 'Co dalej z moim wnioskiem'`);
		});

		await test('what_happens_next_in_each_main_state', async () => {
			const href = need('href');
			const id = need('id');
			for (const s of STATES) {
				const due = moveTo(id, s);
				const says = s.says.map((p) => p.replace('{due}', due));
				const text = await nextStepOf(page, href, says[0]);
				for (const phrase of says)
					check(text.includes(phrase), `${s.state}: the page says „${phrase}”: ${text}`);
				check(!/[a-z]+_[a-z_]+|\{/.test(text), `${s.state}: no codes in the sentence: ${text}`);
				const win = page.locator('.requester-window');
				if (s.window) {
					equal(await win.count(), 1, `${s.state}: the requester's own window`);
					check((await win.textContent()).includes(due), `${s.state}: the window's last day ${due}`);
				} else {
					equal(await win.count(), 0, `${s.state}: no requester's window`);
				}
				// No rows saying "nie obowiązuje" in the table; each term once.
				const rows = await page.locator('table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.cells[0].firstChild.textContent.trim()));
				equal(new Set(rows).size, rows.length, `${s.state}: each term once (${rows.join('; ')})`);
				const table = page.locator('table').first();
				if (await table.count())
					check(!(await table.textContent()).includes('nie obowiązuje'), `${s.state}: nothing "nie obowiązuje" in the table`);
				const history = (await page.locator('.timeline').textContent()) || '';
				check(!/[a-z]+_[a-z_]+/.test(history), `${s.state}: no raw codes in the history: ${history}`);
				// axe on the page's kinds (each takes seconds): waiting on the
				// requester, a decision with its remedy, closed.
				if (['awaiting_clarification', 'refused', 'provided'].includes(s.state))
					await axeCheck(page, `the tracking page, ${s.state}`);
			}
		});

		await test('upload_over_the_limit_comes_back_with_the_files_named', async () => {
			await page.goto(`${base}/wniosek`);
			const hint = (await page.locator('#attachment-hint').textContent()).replace(/\s+/g, ' ');
			check(/każdy plik do \d+ MB, wszystkie razem do \d+ MB/.test(hint), `the limits are stated: ${hint}`);
			const subject = 'Trzy skany po 4 MB';
			const content = 'Proszę o kopie umów.\nW załączeniu skany pism.';
			await page.getByLabel('o udostępnienie informacji publicznej').check();
			await page.getByLabel('Temat wniosku').fill(subject);
			await page.getByLabel('Jakiej informacji dotyczy wniosek?').fill(content);
			await page.getByLabel('pocztą elektroniczną (e-mail)').check();
			await page.getByLabel('Adres e-mail').fill('ola@example.pl');
			const scan = (n) => {
				const file = join(process.env.TMPDIR || tmpdir(), `skan-${n}.pdf`);
				writeFileSync(file, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(4 * 1024 * 1024, 0x41)]));
				return file;
			};
			await page.locator('#attachment').setInputFiles([scan(1), scan(2), scan(3)]);
			const [resp] = await Promise.all([
				page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/wniosek'),
				page.getByRole('button', { name: 'Wyślij wniosek' }).click(),
			]);
			await page.waitForLoadState('load');
			equal(resp.status(), 413, 'the status says the body was too large');
			equal(await page.getByLabel('Temat wniosku').inputValue(), subject, 'the subject is kept');
			equal(await page.getByLabel('Jakiej informacji dotyczy wniosek?').inputValue(), content, 'the content is kept');
			equal(await page.getByLabel('Adres e-mail').inputValue(), 'ola@example.pl', 'the e-mail is kept');
			const error = (await page.locator('#attachment-error').textContent()).trim();
			for (const n of [1, 2, 3])
				check(error.includes(`„skan-${n}.pdf” (4,0 MB)`), `the message names skan-${n}.pdf: ${error}`);
			check(error.includes('razem 12,0 MB'), `the total: ${error}`);
			const summary = page.locator('.error-summary');
			check((await summary.textContent()).includes('skan-1.pdf'), 'the error summary says it too');
			await axeCheck(page, 'the form given back over the limit');
			equal(sql(`SELECT count(*) FROM requests WHERE subject = '${subject}'`), '0', 'nothing is filed');
		});

		await test('no_script_errors', async () => {
			equal(consoleErrors.length, 0, `JavaScript errors on the pages: ${consoleErrors.join('; ')}`);
		});
		await ctx.close();

		// ---- The withdrawal, without JavaScript ---------------------------------------
		const noJs = await browser.newContext({ javaScriptEnabled: false, locale: 'pl-PL' });
		noJs.setDefaultTimeout(10000);
		await test('withdrawal_asks_first_and_can_be_left', async () => {
			const p = await noJs.newPage();
			const href = await fileThroughTheForm(p, 'Wniosek do wycofania bez skryptów');
			await p.goto(`${base}${href}`);
			const form = p.locator('form:has(input[name=action][value=withdraw])');
			await form.locator('textarea[name=text]').fill('Nie jest już potrzebna.');
			await Promise.all([p.waitForLoadState('load'), form.getByRole('button', { name: 'Wycofaj wniosek' }).click()]);
			equal((await p.locator('h1').textContent()).trim(), 'Czy na pewno chcesz wycofać wniosek?', 'the confirmation page');
			check((await p.locator('main').textContent()).includes('Wycofania nie można cofnąć'), 'it cannot be undone');
			// Changing one's mind: back to the case, nothing withdrawn.
			await Promise.all([p.waitForLoadState('load'), p.getByRole('link', { name: 'Nie, wróć do sprawy' }).click()]);
			equal((await p.locator('.case-state').textContent()).trim(), 'przyjęty', 'still open');
			// Now confirmed.
			await form.locator('textarea[name=text]').fill('Nie jest już potrzebna.');
			await Promise.all([p.waitForLoadState('load'), form.getByRole('button', { name: 'Wycofaj wniosek' }).click()]);
			equal(await p.getByLabel('Powód wycofania (nieobowiązkowo)').inputValue(), 'Nie jest już potrzebna.', 'the reason kept');
			await Promise.all([p.waitForLoadState('load'), p.getByRole('button', { name: 'Tak, wycofuję wniosek' }).click()]);
			equal((await p.locator('.case-state').textContent()).trim(), 'wycofany', 'withdrawn');
			check((await p.locator('#co-dalej-tekst').textContent()).includes('Wniosek został wycofany'), 'what happens next says so');
		});
		await noJs.close();
	} finally {
		await browser.close();
	}
}

await finish('tracking_session', main);
