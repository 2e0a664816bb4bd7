// SPDX-License-Identifier: EUPL-1.2
// The incoming queue (/panel/poczta) in headless Chromium: two e-mails
// reach the demo body's mailbox (written into inbound_messages and
// inbound_parts as the parse job leaves them); a clerk finds the queue from
// the panel's menu, opens a message (its text as text, its attachment as a
// download), marks the advertisement as not a request — first without a
// reason, which the page refuses keeping the form — and registers the
// request from its pre-filled form: the new case's date of receipt is the
// message's arrival, its attachment the case's, and the message leaves the
// queue for the "registered" tab. A manager sees the queue's count on the
// dashboard. axe-core checks the queue, the message (also with the error),
// the registration form and the dashboard against WCAG 2.1 A/AA.
//
// The messages arrived two days before the database's today (their dates
// are PostgreSQL's, read back), so the test passes whatever day it runs on.
//
// Run by tests/browser/run.sh with JAWNOSC_URL=http://127.0.0.1:PORT and
// DATABASE_URL (a server on a fresh database loaded with `seed --demo`).
// Prints "[ RUN      ]", "[       OK ]" and "[  FAILED  ]" lines per test
// and "# pass N" / "# fail N" at the end; exits 1 when anything failed.
import { execFileSync } from 'node:child_process';
import { base, state, need, test, check, equal, finish, axeCheck, submitForm, signIn, launch } from './lib.mjs';

const CLERK = { email: 'urzednik@mon.example', password: 'jawnosc-demo' };
const MANAGER = { email: 'kierownik@mon.example', password: 'jawnosc-demo' };
const REQUEST = {
	name: 'Halina Wiśniewska',
	from: 'halina.wisniewska@example.pl',
	subject: 'Wniosek o informację: remonty koszar w 2025 r.',
	body: 'Dzień dobry,\nwnoszę o udostępnienie zestawienia remontów koszar w 2025 r.\n<b>nie pogrubiaj</b>\nZ poważaniem\nHalina Wiśniewska',
	file: 'zalacznik-remonty.txt',
	fileText: 'Lista jednostek, których dotyczy wniosek.',
};
const SPAM = { name: 'Sklep', from: 'oferta@sklep.example', subject: 'Tylko dziś: rabat 50%', body: 'Kup teraz!' };

// One value from the test's database (run.sh exports DATABASE_URL and PG*).
function sql(statement) {
	return execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', process.env.DATABASE_URL, '-c', statement], {
		encoding: 'utf8',
	}).trim();
}

const lit = (s) => `$q$${s}$q$`;

// A message of the demo body, received two days ago, parsed and left in the
// queue; its id and its date of receipt.
function deliver(m, stamp) {
	const raw = `From: ${m.name} <${m.from}>\r\nSubject: ${m.subject}\r\nMessage-ID: <${stamp}@example.pl>\r\n\r\n${m.body}\r\n`;
	const row = sql(
		`WITH t AS (SELECT now() - interval '2 days' AS at) ` +
			`INSERT INTO inbound_messages (org_id, source, raw, sha256, message_id, envelope_from, envelope_to, ` +
			`received_at, received_on, parsed_at, kind, from_address, from_name, subject, body_text, routed_at) ` +
			`SELECT o.id, 'mailin', convert_to(${lit(raw)}, 'UTF8'), sha256(convert_to(${lit(raw)}, 'UTF8')), ` +
			`${lit(stamp + '@example.pl')}, ${lit(m.from)}, o.email, t.at, (t.at AT TIME ZONE 'Europe/Warsaw')::date, ` +
			`t.at, 'message', ${lit(m.from)}, ${lit(m.name)}, ${lit(m.subject)}, ${lit(m.body)}, t.at ` +
			`FROM organisations o, t WHERE o.slug = 'mon' RETURNING id || '|' || received_on`,
	);
	const [id, on] = row.split('|');
	return { id: Number(id), receivedOn: on };
}

function attach(id, name, text) {
	sql(
		`INSERT INTO inbound_parts (message_id, seq, filename, content_type, size, sha256, data) ` +
			`VALUES (${id}, 1, ${lit(name)}, 'text/plain', length(convert_to(${lit(text)}, 'UTF8')), ` +
			`sha256(convert_to(${lit(text)}, 'UTF8')), convert_to(${lit(text)}, 'UTF8'))`,
	);
}

async function main() {
	const stamp = `poczta-${process.pid}-${Date.now()}`;
	const req = deliver(REQUEST, `${stamp}-1`);
	attach(req.id, REQUEST.file, REQUEST.fileText);
	const spam = deliver(SPAM, `${stamp}-2`);

	const browser = await launch();
	try {
		// bypassCSP: axe is injected as an inline script, which the server's CSP forbids.
		const ctx = await browser.newContext({ bypassCSP: true, locale: 'pl-PL', acceptDownloads: true });
		ctx.setDefaultTimeout(10000);
		const page = await ctx.newPage();
		const consoleErrors = [];
		page.on('pageerror', (e) => consoleErrors.push(String(e)));

		await test('clerk_finds_the_incoming_queue', async () => {
			const resp = await signIn(page, CLERK);
			equal(resp.status(), 303, 'sign-in');
			const link = page.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Poczta' });
			equal(await link.count(), 1, 'the menu links to the queue');
			await Promise.all([page.waitForLoadState('load'), link.click()]);
			equal(new URL(page.url()).pathname, '/panel/poczta', 'the queue');
			equal((await page.locator('h1').textContent()).trim(), 'Poczta przychodząca', 'heading');
			const rows = page.locator('table.inbox tbody tr');
			const row = rows.filter({ hasText: REQUEST.subject });
			equal(await row.count(), 1, 'the request is listed');
			check((await row.textContent()).includes(req.receivedOn), 'with its date of receipt');
			check((await row.textContent()).includes(REQUEST.from), 'and its sender');
			equal(await rows.filter({ hasText: SPAM.subject }).count(), 1, 'the advertisement is listed');
			const current = page.locator('.inbox-filters a[aria-current="page"]');
			check((await current.textContent()).startsWith('nowe'), 'the tab of new messages is current');
			state.queue = true;
		});

		await test('axe_queue', async () => {
			need('queue');
			await axeCheck(page, 'the incoming queue');
		});

		await test('not_a_request_needs_a_reason', async () => {
			need('queue');
			await page.goto(`${base}/panel/poczta/${spam.id}`);
			const button = page.getByRole('button', { name: 'Oznacz: to nie jest wniosek' });
			await page.getByLabel('Uzasadnienie (wymagane przy „inne”)').fill('Reklama sklepu internetowego');
			let resp = await submitForm(page, button, `/panel/poczta/${spam.id}/nie-wniosek`);
			equal(resp.status(), 422, 'refused without a reason');
			check((await page.getByRole('alert').textContent()).includes('Wybierz, dlaczego'), 'the page says why');
			equal(
				await page.getByLabel('Uzasadnienie (wymagane przy „inne”)').inputValue(),
				'Reklama sklepu internetowego',
				'what was typed is kept',
			);
			await axeCheck(page, 'a message with a refused form');
			await page.getByLabel('reklama', { exact: true }).check();
			resp = await submitForm(page, page.getByRole('button', { name: 'Oznacz: to nie jest wniosek' }), `/panel/poczta/${spam.id}/nie-wniosek`);
			equal(resp.status(), 303, 'marked');
			check((await page.getByRole('status').first().textContent()).includes('niebędącą wnioskiem'), 'the page says so');
			equal(sql(`SELECT status || '|' || handled_note FROM inbound_messages WHERE id = ${spam.id}`),
				'not_request|reklama: Reklama sklepu internetowego', 'stored with its reason');
		});

		await test('message_page_shows_the_text_and_the_attachment', async () => {
			need('queue');
			await page.goto(`${base}/panel/poczta`);
			await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: REQUEST.subject }).click()]);
			equal(new URL(page.url()).pathname, `/panel/poczta/${req.id}`, 'the message page');
			const text = await page.locator('.request-body').textContent();
			check(text.includes('<b>nie pogrubiaj</b>'), 'HTML in the text shown as text');
			equal(await page.locator('.request-body b').count(), 0, 'and not as markup');
			const file = page.getByRole('link', { name: REQUEST.file });
			equal(await file.count(), 1, 'the attachment is offered');
			const [download] = await Promise.all([page.waitForEvent('download'), file.click()]);
			equal(download.suggestedFilename(), REQUEST.file, 'it downloads under its name');
			await axeCheck(page, 'a message');
			state.message = true;
		});

		await test('register_it_as_a_request', async () => {
			need('message');
			await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Zarejestruj jako wniosek' }).click()]);
			equal(new URL(page.url()).pathname, `/panel/poczta/${req.id}/rejestracja`, 'the form');
			equal(await page.getByLabel('Temat *', { exact: true }).inputValue(), REQUEST.subject, 'the subject');
			equal(await page.getByLabel('Imię i nazwisko lub nazwa', { exact: true }).inputValue(), REQUEST.name, 'the requester');
			equal(await page.getByLabel('E-mail', { exact: true }).inputValue(), REQUEST.from, 'the address');
			check((await page.getByLabel('Treść wniosku *', { exact: true }).inputValue()).includes('remontów koszar'), 'the text');
			check((await page.locator('#received_on').textContent()).includes(req.receivedOn), 'the date of receipt is the message’s');
			check((await page.locator('main').textContent()).includes(REQUEST.file), 'its attachment is listed');
			await axeCheck(page, 'the registration form of a message');
			const resp = await submitForm(page, page.getByRole('button', { name: 'Zarejestruj wniosek' }), `/panel/poczta/${req.id}/rejestracja`);
			equal(resp.status(), 303, 'registered');
			check(/^\/panel\/sprawy\/\d+$/.test(new URL(page.url()).pathname), 'the new case');
			check((await page.locator('.case-facts').first().textContent()).includes(req.receivedOn), 'received on the message’s date');
			const id = new URL(page.url()).pathname.split('/').pop();
			equal(sql(`SELECT received_on || '|' || channel FROM requests WHERE id = ${id}`), `${req.receivedOn}|email`, 'the case');
			equal(sql(`SELECT string_agg(filename || ':' || source, ',') FROM attachments WHERE request_id = ${id}`), `${REQUEST.file}:mail`, 'its attachment');
			state.caseId = id;
		});

		await test('the_message_has_left_the_queue', async () => {
			const id = need('caseId');
			await page.goto(`${base}/panel/poczta`);
			equal(await page.locator('table.inbox tbody tr').filter({ hasText: REQUEST.subject }).count(), 0, 'not new any more');
			await page.goto(`${base}/panel/poczta?stan=zarejestrowane`);
			const row = page.locator('table.inbox tbody tr').filter({ hasText: REQUEST.subject });
			equal(await row.count(), 1, 'under registered');
			equal(await row.locator(`a[href="/panel/sprawy/${id}"]`).count(), 1, 'with its case');
			await axeCheck(page, 'the registered tab');
		});

		await test('no_script_errors', async () => {
			equal(consoleErrors.length, 0, `JavaScript errors on the pages: ${consoleErrors.join('; ')}`);
		});
		await ctx.close();

		const mctx = await browser.newContext({ bypassCSP: true, locale: 'pl-PL' });
		mctx.setDefaultTimeout(10000);
		const mpage = await mctx.newPage();
		await test('dashboard_counts_the_queue', async () => {
			const waiting = Number(sql(`SELECT count(*) FROM inbound_messages m JOIN organisations o ON o.id = m.org_id WHERE o.slug = 'mon' AND m.status = 'new'`));
			const later = deliver({ ...SPAM, subject: 'Jeszcze jedna wiadomość' }, `${stamp}-3`);
			check(later.id > 0, 'one more message');
			const resp = await signIn(mpage, MANAGER);
			equal(resp.status(), 303, 'sign-in');
			await mpage.goto(`${base}/panel/pulpit`);
			const fig = mpage.locator('#fig-poczta');
			equal(Number(await fig.locator('.figure-count').textContent()), waiting + 1, 'new messages waiting');
			equal(await fig.locator('a').getAttribute('href'), '/panel/poczta', 'a link to the queue');
			await axeCheck(mpage, 'the dashboard with mail waiting');
		});
		await mctx.close();
	} finally {
		await browser.close();
	}
}

await finish('poczta_session', main);
