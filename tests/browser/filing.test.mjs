// SPDX-License-Identifier: EUPL-1.2
// A citizen files a request through the real form in headless Chromium, makes
// a mistake, corrects it, follows the private tracking link and withdraws the
// request; axe-core checks each page against WCAG 2.1 A/AA. A second context
// with JavaScript disabled files a request too. The API is checked against
// templates/static/openapi.json on the same server.
//
// Run by tests/browser/run.sh with JAWNOSC_URL=http://127.0.0.1:PORT (a
// server on a fresh, seeded database). Prints "[ RUN      ]", "[       OK ]"
// and "[  FAILED  ]" lines per test and "# pass N" / "# fail N" at the end;
// exits 1 when anything failed.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { base, state, need, test, check, equal, finish, axeCheck, launch } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const openapi = JSON.parse(readFileSync(join(here, '../../templates/static/openapi.json'), 'utf8'));

const CASE_NUMBER = /^[A-Z0-9-]+\.\d{1,4}\.\d+\.\d{4}$/;
const RECEIVED_LABEL = 'przyjęty'; // law_states[LAW_STATE_RECEIVED].label, server/law/lifecycle.c
const WITHDRAWN_LABEL = 'wycofany'; // law_states[LAW_STATE_WITHDRAWN].label

// ---- The form --------------------------------------------------------------
const typed = {
	subject: 'Umowy na odśnieżanie dróg gminnych w 2024 r.',
	content:
		'Proszę o udostępnienie kopii umów na odśnieżanie dróg gminnych zawartych w 2024 r.\n' +
		'Wraz z aneksami — jeśli „były” zawierane.',
	badEmail: 'jan@',
	goodEmail: 'jan.kowalski@example.pl',
};

async function submit(page) {
	const [resp] = await Promise.all([
		page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/wniosek'),
		page.getByRole('button', { name: 'Wyślij wniosek' }).click(),
	]);
	await page.waitForLoadState('load');
	return resp;
}

async function fillValid(page, subject) {
	await page.getByLabel('o udostępnienie informacji publicznej').check();
	await page.getByLabel('Temat wniosku').fill(subject);
	await page.getByLabel('Jakiej informacji dotyczy wniosek?').fill(typed.content);
	await page.getByLabel('pocztą elektroniczną (e-mail)').check();
	await page.getByLabel('Adres e-mail').fill(typed.goodEmail);
}

async function confirmationFacts(page) {
	const heading = (await page.locator('h1').first().textContent()).trim();
	const caseNumber = (await page.locator('.case-number').first().textContent()).trim();
	const link = page.locator('.tracking-link a').first();
	const href = await link.getAttribute('href');
	const text = (await link.textContent()).trim();
	return { heading, caseNumber, href, text };
}

// ---- The API against the OpenAPI document -----------------------------------
function schema(name) {
	return openapi.components.schemas[name];
}
function requiredOf(name) {
	const s = schema(name);
	if (s.required) return s.required;
	return (s.allOf || []).flatMap((p) => (p.$ref ? requiredOf(p.$ref.split('/').pop()) : p.required || []));
}
function hasRequired(obj, name, what) {
	const missing = requiredOf(name).filter((k) => !(k in obj));
	check(missing.length === 0, `${what} lacks ${missing.join(', ')} required by ${name}`);
	const props = schema(name).properties;
	if (props) {
		const unknown = Object.keys(obj).filter((k) => !(k in props));
		check(unknown.length === 0, `${what} has members ${unknown.join(', ')} not in ${name}`);
	}
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

		await test('form_empty', async () => {
			const resp = await page.goto(`${base}/wniosek`);
			equal(resp.status(), 200, 'GET /wniosek status');
			equal(await page.locator('html').getAttribute('lang'), 'pl', 'html lang');
			check((await page.locator('h1').textContent()).includes('Wniosek'), 'the page has its heading');
			for (const id of ['subject', 'content', 'email'])
				check((await page.locator(`#${id}`).count()) === 1, `field #${id} exists`);
			// RODO art. 13: the information is there, no consent is asked
			// (the basis is a legal obligation, art. 6 ust. 1 lit. c).
			check((await page.locator('#consent').count()) === 0, 'no consent box');
			const notice = page.locator('details#informacja-rodo');
			equal(await notice.count(), 1, 'the art. 13 information');
			check((await notice.locator('summary').textContent()).includes('Informacja o przetwarzaniu danych osobowych'),
				'the information has its summary');
			await notice.locator('summary').click();
			check((await notice.textContent()).includes('Art. 6 ust. 1 lit. c RODO'), 'the legal basis is named');
			check((await notice.textContent()).includes('Prezesa Urzędu Ochrony Danych Osobowych'), 'the complaint to UODO');
			check((await page.locator('.error-summary').count()) === 0, 'no error summary on an empty form');
			state.formLoaded = true;
		});

		await test('axe_form_empty', async () => {
			need('formLoaded');
			await axeCheck(page, 'the empty form');
		});

		await test('form_errors_keep_input', async () => {
			need('formLoaded');
			await page.goto(`${base}/wniosek`);
			await page.getByLabel('o udostępnienie informacji publicznej').check();
			await page.getByLabel('Temat wniosku').fill(typed.subject);
			await page.getByLabel('Jakiej informacji dotyczy wniosek?').fill(typed.content);
			await page.getByLabel('pocztą elektroniczną (e-mail)').check();
			await page.getByLabel('Adres e-mail').fill(typed.badEmail);
			const resp = await submit(page);
			equal(resp.status(), 422, 'status of a form with errors');
			check((await page.title()).startsWith('Błędy w formularzu'), `title says there are errors: ${await page.title()}`);

			const summary = page.locator('#bledy');
			check(await summary.isVisible(), 'the error summary is shown');
			const summaryText = await summary.textContent();
			check(summaryText.includes('Popraw błędy w formularzu'), 'the error summary has its heading');
			check(summaryText.includes('Podaj poprawny adres e-mail'), 'the summary names the e-mail error');
			check((await summary.locator('a[href="#email"]').count()) === 1, 'the summary links to the e-mail field');

			const emailError = page.locator('#email-error');
			check(await emailError.isVisible(), 'the message next to the e-mail field is shown');
			check((await emailError.textContent()).includes('Podaj poprawny adres e-mail'), 'the e-mail message');
			const email = page.locator('#email');
			equal(await email.getAttribute('aria-invalid'), 'true', 'aria-invalid on the e-mail field');
			check((await email.getAttribute('aria-describedby') || '').split(/\s+/).includes('email-error'),
				'the e-mail field is described by its message');
			// "Next to": the message is between the field's label and the field.
			const order = await page.evaluate(() => {
				const l = document.querySelector('label[for=email]');
				const m = document.getElementById('email-error');
				const f = document.getElementById('email');
				return (l.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING) &&
					(m.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING) ? 'ok' : 'wrong';
			});
			equal(order, 'ok', 'the e-mail message sits between its label and the field');

			equal(await page.locator('#subject').inputValue(), typed.subject, 'subject kept');
			equal(await page.locator('#content').inputValue(), typed.content, 'content kept');
			equal(await email.inputValue(), typed.badEmail, 'the e-mail as typed kept');
			check(await page.getByLabel('o udostępnienie informacji publicznej').isChecked(), 'kind kept');
			check(await page.getByLabel('pocztą elektroniczną (e-mail)').isChecked(), 'delivery kept');
			check((await page.locator('#subject-error').count()) === 0, 'no message for a good subject');
			state.formWithErrors = true;
		});

		await test('axe_form_with_errors', async () => {
			need('formWithErrors');
			await axeCheck(page, 'the form with errors');
		});

		await test('form_corrected_is_filed', async () => {
			need('formWithErrors');
			await page.getByLabel('Adres e-mail').fill(typed.goodEmail);
			const resp = await submit(page);
			equal(resp.status(), 303, 'status of the accepted form');
			check(/^\/sprawa\/[A-Za-z0-9_-]{43}\/potwierdzenie$/.test(new URL(page.url()).pathname),
				`the confirmation address: ${page.url()}`);
			const c = await confirmationFacts(page);
			equal(c.heading, 'Wniosek został przyjęty', 'confirmation heading');
			check(CASE_NUMBER.test(c.caseNumber), `case number ${JSON.stringify(c.caseNumber)} has the form of a znak sprawy`);
			check(/^\/sprawa\/[A-Za-z0-9_-]{43}$/.test(c.href || ''), `tracking link ${c.href}`);
			equal(c.text, `${base}${c.href}`, 'the link shows its full address');
			check((await page.getByText('Termin odpowiedzi:').count()) >= 1, 'the answer term is shown');
			state.caseNumber = c.caseNumber;
			state.trackingHref = c.href;
		});

		await test('axe_confirmation', async () => {
			need('caseNumber');
			await axeCheck(page, 'the confirmation page');
		});

		await test('tracking_page', async () => {
			const href = need('trackingHref');
			await Promise.all([page.waitForURL((u) => u.pathname === href), page.locator('.tracking-link a').click()]);
			equal((await page.locator('h1').textContent()).trim(), `Sprawa ${need('caseNumber')}`, 'case page heading');
			equal((await page.locator('.case-state').textContent()).trim(), RECEIVED_LABEL, 'state label');
			check((await page.locator('.case-facts').textContent()).includes(typed.subject), 'the subject is shown');
			const withdraw = page.locator('form:has(input[name=action][value=withdraw])');
			equal(await withdraw.count(), 1, 'one withdraw form');
			equal(await withdraw.getAttribute('method'), 'post', 'withdraw form method');
			equal(await withdraw.getAttribute('action'), `${href}/czynnosc`, 'withdraw form action');
			const heading = (await page.locator('#act-withdraw').textContent()).trim();
			check(/wycofaj wniosek|wycofanie wniosku/i.test(heading), `the withdraw section's heading: ${heading}`);
			const button = (await withdraw.getByRole('button').textContent()).trim();
			check(/wycofaj/i.test(button), `the withdraw button says what it does: ${button}`);
			state.tracking = true;
		});

		await test('axe_tracking_page', async () => {
			need('tracking');
			await axeCheck(page, 'the tracking page');
		});

		await test('withdraw', async () => {
			need('tracking');
			const form = page.locator('form:has(input[name=action][value=withdraw])');
			await form.locator('textarea[name=text]').fill('Otrzymałem informację w inny sposób.');
			// Issue 21 item 10: first a page that says it cannot be undone.
			let [resp] = await Promise.all([
				page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/czynnosc')),
				form.getByRole('button').click(),
			]);
			await page.waitForLoadState('load');
			equal(resp.status(), 200, 'the withdrawal asks for confirmation');
			equal((await page.locator('h1').textContent()).trim(), 'Czy na pewno chcesz wycofać wniosek?', 'heading');
			check((await page.locator('main').textContent()).includes('Wycofania nie można cofnąć'), 'it cannot be undone');
			equal(await page.getByLabel('Powód wycofania (nieobowiązkowo)').inputValue(),
				'Otrzymałem informację w inny sposób.', 'the reason is kept');
			await axeCheck(page, 'the withdrawal confirmation');
			[resp] = await Promise.all([
				page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/czynnosc')),
				page.getByRole('button', { name: 'Tak, wycofuję wniosek' }).click(),
			]);
			await page.waitForLoadState('load');
			equal(resp.status(), 303, 'status of the confirmed action');
			equal((await page.locator('.case-state').textContent()).trim(), WITHDRAWN_LABEL, 'state after withdrawal');
			const notice = (await page.locator('.notice').textContent()).trim();
			check(/zapisano/i.test(notice) && /wycof/i.test(notice), `the page confirms the withdrawal: ${notice}`);
			equal(await page.locator('form:has(input[name=action][value=withdraw])').count(), 0,
				'no withdraw form on a withdrawn case');
			check((await page.locator('.timeline').textContent()).includes('Otrzymałem informację w inny sposób.'),
				'the reason is in the timeline');
			await axeCheck(page, 'the withdrawn case');
		});

		await test('no_script_errors', async () => {
			equal(consoleErrors.length, 0, `JavaScript errors on the pages: ${consoleErrors.join('; ')}`);
		});
		await ctx.close();

		// ---- Without JavaScript -------------------------------------------------
		const noJs = await browser.newContext({ javaScriptEnabled: false, locale: 'pl-PL' });
		noJs.setDefaultTimeout(10000);
		await test('form_without_javascript', async () => {
			const p = await noJs.newPage();
			await p.setContent('<title>no</title><script>document.title = "yes"</script>');
			equal(await p.title(), 'no', 'scripts do not run in this context');
			const resp = await p.goto(`${base}/wniosek`);
			equal(resp.status(), 200, 'GET /wniosek status');
			await fillValid(p, 'Wniosek bez JavaScriptu');
			const r = await submit(p);
			equal(r.status(), 303, 'status of the accepted form');
			const c = await confirmationFacts(p);
			equal(c.heading, 'Wniosek został przyjęty', 'confirmation heading');
			check(CASE_NUMBER.test(c.caseNumber), `case number ${c.caseNumber}`);
			check(c.caseNumber !== state.caseNumber, 'a new case, not the first one');
			await p.goto(`${base}${c.href}`);
			equal((await p.locator('.case-state').textContent()).trim(), RECEIVED_LABEL, 'state label');
		});
		await noJs.close();
	} finally {
		await browser.close();
	}

	// ---- The API ----------------------------------------------------------------
	await test('api_matches_openapi', async () => {
		const doc = await fetch(`${base}/api/v1/openapi.json`);
		equal(doc.status, 200, 'GET /api/v1/openapi.json');
		equal((await doc.json()).openapi, openapi.openapi, 'the served document is templates/static/openapi.json');

		const body = {
			kind: 'public_information',
			subject: 'Rejestr umów 2024',
			content: 'Proszę o rejestr umów zawartych w 2024 r.',
			delivery: 'tracking_page',
		};
		const post = (b, headers = {}) =>
			fetch(`${base}/api/v1/requests`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', ...headers },
				body: JSON.stringify(b),
			});
		const key = `browser-${process.pid}-${Date.now()}`;
		const created = await post(body, { 'Idempotency-Key': key });
		equal(created.status, 201, 'POST /api/v1/requests');
		const receipt = await created.json();
		hasRequired(receipt, 'FilingReceipt', 'the receipt');
		check(CASE_NUMBER.test(receipt.case_number), `case number ${receipt.case_number}`);
		equal(created.headers.get('location'), `/api/v1/requests/${receipt.tracking_token}`, 'Location');
		equal(receipt.duplicate, false, 'duplicate');
		state.apiReceipt = receipt;

		const again = await post(body, { 'Idempotency-Key': key });
		equal(again.status, 200, 'the same Idempotency-Key again');
		const receipt2 = await again.json();
		equal(receipt2.case_number, receipt.case_number, 'the same case');
		equal(receipt2.duplicate, true, 'duplicate');

		const show = await fetch(`${base}/api/v1/requests/${receipt.tracking_token}`);
		equal(show.status, 200, 'GET the case');
		const view = await show.json();
		hasRequired(view, 'CaseView', 'the case view');
		hasRequired(view.org, 'Organisation', 'org');
		for (const t of view.terms) hasRequired(t, 'Term', 'a term');
		for (const e of view.events) hasRequired(e, 'Event', 'an event');
		for (const a of view.actions) hasRequired(a, 'Action', 'an action');
		equal(view.state_label, RECEIVED_LABEL, 'state label');
		check(view.actions.some((a) => a.id === 'withdraw'), 'withdraw is offered');

		const bad = await post({ ...body, delivery: 'email', requester: { email: 'jan@' } });
		equal(bad.status, 422, 'an invalid request');
		equal(bad.headers.get('content-type'), 'application/problem+json', 'problem content type');
		const problem = await bad.json();
		hasRequired(problem, 'ValidationProblem', 'the problem');
		check(problem.errors.some((e) => e.field === 'requester.email'), 'the error names requester.email');

		const stale = await fetch(`${base}/api/v1/requests/${receipt.tracking_token}/actions/withdraw`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ version: view.version + 7 }),
		});
		equal(stale.status, 409, 'a stale version');
		equal((await stale.json()).code, 'stale_version', 'code');

		const done = await fetch(`${base}/api/v1/requests/${receipt.tracking_token}/actions/withdraw`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ version: view.version }),
		});
		equal(done.status, 200, 'withdraw');
		const after = await done.json();
		equal(after.state, 'withdrawn', 'state after withdrawal');
		equal(after.closed, true, 'closed');

		const refused = await fetch(`${base}/api/v1/requests/${receipt.tracking_token}/actions/withdraw`, {
			method: 'POST',
		});
		equal(refused.status, 409, 'withdrawing twice');
		check(typeof (await refused.json()).code === 'string', 'the refusal has a code');

		const missing = await fetch(`${base}/api/v1/requests/${'A'.repeat(43)}`);
		equal(missing.status, 404, 'an unknown token');
		equal(missing.headers.get('content-type'), 'application/problem+json', 'problem content type');
		hasRequired(await missing.json(), 'ProblemDetails', 'the 404 problem');

		const health = await fetch(`${base}/healthz`);
		equal(health.status, 200, '/healthz');
		const ready = await fetch(`${base}/readyz`);
		equal(ready.status, 200, '/readyz');
		hasRequired(await ready.json(), 'Readiness', '/readyz');
	});
}

// The receipt's link must open the case on this server (JAWNOSC_BASE_URL is
// unset, so the server derives it from where it listens).
async function apiTrackingUrl() {
	await test('api_tracking_url', async () => {
		const receipt = need('apiReceipt');
		equal(receipt.tracking_url, `${base}/sprawa/${receipt.tracking_token}`, 'tracking_url');
	});
}

await finish('browser_session', async () => {
	await main();
	await apiTrackingUrl();
});
