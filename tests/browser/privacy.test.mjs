// SPDX-License-Identifier: EUPL-1.2
// The GDPR pages in headless Chromium (issue 17 §3): a citizen files a request
// on /wniosek, which carries the art. 13 information and asks for no consent,
// and finds the same information on the case's tracking page; the demo's data
// protection officer signs in, lands on /panel/iod, finds the citizen by her
// name in another case form and by her e-mail address, downloads her data as a
// ZIP, and is refused the erasure of her still open case with the reason shown
// at the case; an administrator opens the privacy settings. axe-core checks
// every one of these pages against WCAG 2.1 A/AA, with the art. 13 information
// opened (closed, most of it would be skipped).
//
// Run by tests/browser/run.sh with JAWNOSC_URL=http://127.0.0.1:PORT (a
// server on a fresh database loaded with `seed --demo`). Prints
// "[ RUN      ]", "[       OK ]" and "[  FAILED  ]" lines per test and
// "# pass N" / "# fail N" at the end; exits 1 when anything failed.
import { readFileSync } from 'node:fs';
import { base, state, need, test, check, equal, finish, axeCheck, checkPage, submitForm, signIn, launch } from './lib.mjs';

// The demo's officer and administrator (server/cli/cmd_seed.c).
const OFFICER = { email: 'iod@mon.example', password: 'jawnosc-demo' };
const ADMIN = { email: 'admin@mon.example', password: 'jawnosc-demo' };
// A person nobody else in the demo is: her name in the genitive and the
// instrumental must find her, and nobody else.
const PERSON = { name: 'Halina Przybylska-Żuk', email: 'halina.pz@example.pl' };
const NAME_FORMS = ['Haliny Przybylskiej-Żuk', 'halina przybylskiej-zuk', 'Haliną Przybylską-Żuk'];
const SUBJECT = 'Koszty tłumaczeń dokumentów w 2025 r. (test RODO)';
const NOTICE_SUMMARY = 'Informacja o przetwarzaniu danych osobowych'; // templates/partials/privacy_notice.html

// The art. 13 information on the page: there once, found by its summary,
// opened, and naming what art. 13 requires. Left open for axe.
async function checkNotice(page) {
	const notice = page.locator('details#informacja-rodo');
	equal(await notice.count(), 1, 'the art. 13 information');
	const summary = notice.locator('summary');
	equal((await summary.textContent()).trim(), NOTICE_SUMMARY, 'its summary');
	check(await summary.isVisible(), 'the summary is visible');
	if ((await notice.getAttribute('open')) === null) await summary.click();
	check((await notice.getAttribute('open')) !== null, 'it opens');
	const text = await notice.textContent();
	for (const part of ['Administrator danych', 'Ministerstwo Obrony Narodowej', 'Inspektor ochrony danych',
		'Cel przetwarzania', 'Art. 6 ust. 1 lit. c RODO', 'Odbiorcy danych', 'Okres przechowywania',
		'Prezesa Urzędu Ochrony Danych Osobowych'])
		check(text.includes(part), `the information names "${part}"`);
	check(await notice.locator('dd').last().isVisible(), 'its content is shown once opened');
}

async function main() {
	const browser = await launch();
	try {
		// bypassCSP: axe is injected as an inline script, which the server's CSP forbids.
		const ctx = await browser.newContext({ bypassCSP: true, locale: 'pl-PL', acceptDownloads: true });
		ctx.setDefaultTimeout(10000);
		const page = await ctx.newPage();
		const scriptErrors = [];
		page.on('pageerror', (e) => scriptErrors.push(String(e)));

		// ---- (a) The form ------------------------------------------------------
		await test('form_carries_the_art13_information_and_asks_no_consent', async () => {
			const resp = await page.goto(`${base}/wniosek`);
			equal(resp.status(), 200, 'GET /wniosek');
			// GDPR art. 6(1)(c): the basis is a legal obligation, so nothing to consent to.
			equal(await page.locator('form[action="/wniosek"] input[type=checkbox]').count(), 0, 'no checkbox on the form');
			equal(await page.getByLabel(/zgod/i).count(), 0, 'no field labelled with consent');
			await checkNotice(page);
			state.form = true;
		});

		await test('axe_form_with_the_information_open', async () => {
			need('form');
			await axeCheck(page, 'the filing form');
		});

		await test('filing_without_any_consent_goes_through', async () => {
			need('form');
			await page.getByLabel('o udostępnienie informacji publicznej').check();
			await page.getByLabel('Temat wniosku').fill(SUBJECT);
			await page.getByLabel('Jakiej informacji dotyczy wniosek?')
				.fill('Proszę o zestawienie kosztów tłumaczeń dokumentów zleconych w 2025 r.');
			await page.getByLabel('pocztą elektroniczną (e-mail)').check();
			await page.getByLabel('Imię i nazwisko lub nazwa').fill(PERSON.name);
			await page.getByLabel('Adres e-mail').fill(PERSON.email);
			const posted = [];
			page.on('request', (r) => {
				if (r.method() === 'POST' && new URL(r.url()).pathname === '/wniosek') posted.push(r.postData() || '');
			});
			const resp = await submitForm(page, page.getByRole('button', { name: 'Wyślij wniosek' }), '/wniosek');
			equal(resp.status(), 303, 'the filing');
			check(!/name="(consent|zgoda)[^"]*"/i.test(posted.join('')), 'no consent field was posted');
			check(/^\/sprawa\/[A-Za-z0-9_-]{43}\/potwierdzenie$/.test(new URL(page.url()).pathname),
				`the confirmation: ${page.url()}`);
			state.caseNumber = (await page.locator('.case-number').first().textContent()).trim();
			state.trackingHref = await page.locator('.tracking-link a').first().getAttribute('href');
		});

		// ---- (b) The tracking page ----------------------------------------------
		await test('tracking_page_carries_the_art13_information', async () => {
			const href = need('trackingHref');
			const resp = await page.goto(`${base}${href}`);
			equal(resp.status(), 200, 'the tracking page');
			equal((await page.locator('h1').textContent()).trim(), `Sprawa ${need('caseNumber')}`, 'its heading');
			await checkNotice(page);
			await axeCheck(page, 'the tracking page');
		});
		await ctx.clearCookies();

		// ---- (c) The officer finds the person and exports her data ----------------
		await test('officer_lands_on_the_data_protection_page', async () => {
			await signIn(page, OFFICER);
			equal(new URL(page.url()).pathname, '/panel/iod', 'where the officer lands');
			equal((await page.locator('h1').textContent()).trim(), 'Ochrona danych osobowych', 'the heading');
			await axeCheck(page, 'the officer\'s page');
			state.officer = true;
		});

		const search = async (q) => {
			await page.getByLabel('Adres e-mail albo imię i nazwisko osoby').fill(q);
			const resp = await submitForm(page, page.getByRole('button', { name: 'Szukaj' }), '/panel/iod');
			equal(resp.status(), 200, `the search for ${q}`);
			// The person searched for is posted, never in the address.
			equal(new URL(page.url()).search, '', 'nothing in the query string');
			const table = page.locator('table.iod-cases');
			equal(await table.count(), 1, `results for ${q}`);
			const numbers = await table.locator('tbody th[scope=row]').allTextContents();
			equal(JSON.stringify(numbers.map((s) => s.trim())), JSON.stringify([need('caseNumber')]),
				`the one case of ${q}`);
			check((await table.locator('tbody').textContent()).includes(PERSON.email), 'her address in the row');
		};

		await test('officer_finds_the_person_by_name_in_other_case_forms', async () => {
			need('officer');
			need('caseNumber');
			for (const q of NAME_FORMS) await search(q);
			await axeCheck(page, 'the results found by name');
		});

		await test('officer_finds_the_person_by_email', async () => {
			need('officer');
			await search(PERSON.email.toUpperCase());
			await axeCheck(page, 'the results found by e-mail');
			state.found = true;
		});

		await test('export_downloads_a_zip', async () => {
			need('found');
			const [resp, download] = await Promise.all([
				page.waitForResponse((r) => r.request().method() === 'POST' &&
					new URL(r.url()).pathname === '/panel/iod/eksport'),
				page.waitForEvent('download'),
				page.getByRole('button', { name: 'Pobierz dane osoby (ZIP)' }).click(),
			]);
			equal(resp.status(), 200, 'the export');
			equal(resp.headers()['content-type'], 'application/zip', 'its type');
			check(/attachment/.test(resp.headers()['content-disposition'] || ''), 'given as a download');
			equal(download.suggestedFilename(), 'dane-osobowe.zip', 'its name');
			const file = readFileSync(await download.path());
			equal(file.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'a ZIP (local file header)');
			check(file.includes(Buffer.from('dane.json')), 'dane.json in the archive');
			// The page stays as it was: the export is a download, not a navigation.
			equal(new URL(page.url()).pathname, '/panel/iod', 'still on the officer\'s page');
		});

		// ---- (d) Erasure of an open case: refused, said at the case -----------------
		await test('erasure_of_an_open_case_is_refused_in_place', async () => {
			need('found');
			const form = page.locator('form[action="/panel/iod/usuniecie"]');
			equal(await form.count(), 1, 'one erasure form, for her one case');
			const id = await form.locator('input[name=sprawa]').getAttribute('value');
			const reason = 'żądanie z 2.03.2026, art. 17 ust. 1 lit. a RODO';
			await form.getByLabel('Podstawa usunięcia').fill(reason);
			const resp = await submitForm(page, form.getByRole('button', { name: 'Usuń dane osobowe wnioskodawcy' }),
				'/panel/iod/usuniecie');
			equal(resp.status(), 409, 'refused by the law');
			const here = page.locator(`form#usun-${id}`);
			const error = here.locator(`#reason-${id}-error`);
			check(await error.isVisible(), 'the reason is shown at the case');
			check(/nie jest zakończona/.test(await error.textContent()),
				`it says the case is still open: ${await error.textContent()}`);
			const field = here.getByLabel('Podstawa usunięcia');
			equal(await field.inputValue(), reason, 'what was typed is kept');
			equal(await field.getAttribute('aria-invalid'), 'true', 'the field is marked');
			check((await field.getAttribute('aria-describedby')).split(/\s+/).includes(`reason-${id}-error`),
				'the field is described by the reason');
			check((await page.title()).startsWith('Błąd'), `the title says something failed: ${await page.title()}`);
			const summary = page.locator('.error-summary');
			equal(await summary.count(), 1, 'an error summary at the top');
			equal(await summary.locator(`a[href="#reason-${id}"]`).count(), 1, 'linking to the case\'s field');
			// Still there to find: nothing was erased.
			check((await page.locator('table.iod-cases tbody').textContent()).includes(PERSON.email), 'the data kept');
			await axeCheck(page, 'the refused erasure');
		});
		await ctx.clearCookies();

		// ---- (e) The administrator's privacy settings ------------------------------
		await test('admin_privacy_settings', async () => {
			await signIn(page, ADMIN);
			const resp = await page.goto(`${base}/panel/admin/ustawienia`);
			equal(resp.status(), 200, 'the settings page');
			const section = page.locator('fieldset', { hasText: 'Ochrona danych osobowych wnioskodawców (RODO)' });
			equal(await section.count(), 1, 'the privacy section');
			check(await section.getByLabel('Kontakt z inspektorem ochrony danych').isVisible(), 'the officer\'s contact');
			check(await section.getByLabel('Odbiorcy danych osobowych').isVisible(), 'the recipients');
			check((await section.locator('input[name=retention_period]').count()) >= 1, 'the retention periods');
			await axeCheck(page, 'the settings page');
		});

		// The administration's tables on a phone, and a refused form that puts
		// the keyboard on its error summary (issue 21 items 12 and 13).
		await test('admin_pages_fit_a_phone', async () => {
			for (const [path, label] of [['/panel/admin', 'the administration'],
				['/panel/admin/uzytkownicy', 'the staff accounts'], ['/panel/admin/komorki', 'the units']]) {
				const resp = await page.goto(`${base}${path}`);
				equal(resp.status(), 200, `status of ${path}`);
				await checkPage(page, label);
			}
		});

		await test('refused_form_puts_the_keyboard_on_its_error_summary', async () => {
			await page.goto(`${base}/panel/admin/uzytkownicy`);
			const resp = await submitForm(page, page.getByRole('button', { name: 'Dodaj konto' }),
				'/panel/admin/uzytkownicy');
			equal(resp.status(), 422, 'the empty form is refused');
			const focused = await page.evaluate(() => {
				const el = document.activeElement;
				return { summary: el.classList.contains('error-summary'), top: el.getBoundingClientRect().top };
			});
			check(focused.summary, 'the focus is on the error summary');
			check(focused.top >= 0 && focused.top < 800, `the summary is in view: ${focused.top}`);
			// The next Tab goes to the first error's link, which leads to its field.
			await page.keyboard.press('Tab');
			const link = await page.evaluate(() => document.activeElement.closest('.error-summary') &&
				document.activeElement.getAttribute('href'));
			check(link && link.startsWith('#'), `Tab goes to the summary's first link: ${link}`);
			await page.keyboard.press('Enter');
			equal(await page.evaluate(() => `#${document.activeElement.id}`), link,
				'Enter on the link puts the focus on its field');
			await checkPage(page, 'the staff accounts with errors');
		});

		await test('no_script_errors', async () => {
			equal(scriptErrors.length, 0, `JavaScript errors on the pages: ${scriptErrors.join('; ')}`);
		});
		await ctx.close();
	} finally {
		await browser.close();
	}
}

await finish('privacy_session', main);
