// SPDX-License-Identifier: EUPL-1.2
// The clerk's case page and a letter's draft (issue 21 items 2-4) in
// headless Chromium: a new case shows its usual steps first, the others
// under „Inne czynności” and the court's collapsed apart; the clerk refuses
// from „Inne czynności”, opens the decision's draft, whose gaps are named
// Polish fields above the text and marked in the preview; issuing with a
// gap left names it and keeps what was typed; with them filled the
// confirmation page says the number, that the letter cannot change and the
// channel, and the keyboard alone confirms it; the letter then says
// „Wystawiono pismo nr … dnia …”. axe-core checks every page state.
//
// Run by tests/browser/run.sh with JAWNOSC_URL=http://127.0.0.1:PORT (a
// server on a fresh database loaded with `seed --demo`).
import { base, state, need, test, check, equal, finish, axeCheck, submitForm, signIn, launch } from './lib.mjs';

const CLERK = { email: 'urzednik@mon.example', password: 'jawnosc-demo' };
const SUBJECT = `Umowy na sprzątanie (test pism ${process.pid})`;
const SCOPE = 'danych osobowych pracowników wykonawcy';

async function main() {
	const browser = await launch();
	try {
		const ctx = await browser.newContext({ bypassCSP: true, locale: 'pl-PL' });
		ctx.setDefaultTimeout(15000);
		const page = await ctx.newPage();

		await test('a_request_is_filed', async () => {
			const resp = await ctx.request.post(`${base}/api/v1/requests`, {
				data: {
					kind: 'public_information', subject: SUBJECT,
					content: 'Proszę o kopie umów na sprzątanie wraz z listą pracowników.',
					delivery: 'email',
					requester: { name: 'Jan Próbny', email: 'jan.probny@example.pl',
						postal_address: 'ul. Testowa 1, 00-001 Warszawa' },
				},
			});
			equal(resp.status(), 201, 'filed');
			state.number = (await resp.json()).case_number;
			const signed = await signIn(page, CLERK);
			equal(signed.status(), 303, 'signed in');
		});

		await test('the_case_shows_its_usual_steps_first', async () => {
			const number = need('number');
			await page.goto(`${base}/panel?q=${encodeURIComponent(number)}`);
			await Promise.all([page.waitForLoadState('load'),
				page.getByRole('link', { name: number }).first().click()]);
			state.casePath = new URL(page.url()).pathname;
			const first = page.locator('details.action:not(.step-group details)');
			const n = await first.count();
			check(n >= 2 && n <= 4, `two to four steps first, got ${n}`);
			equal(await page.locator('.step-group details#czynnosc-provide').count(), 0,
				'the release is among the first');
			check(await page.locator('details#czynnosc-provide > summary').isVisible(), 'and visible');
			const other = page.locator('details#inne-czynnosci');
			check(await other.isVisible(), '„Inne czynności” is shown');
			equal(await other.getAttribute('open'), null, 'collapsed');
			check(!(await page.locator('details#czynnosc-refuse > summary').isVisible()), 'refusing is inside it');
			const court = page.locator('details#sad-i-srodki');
			equal(await court.getAttribute('open'), null, 'the court\'s steps collapsed');
			equal(await court.locator('details#czynnosc-answer_court_complaint').count(), 1, 'the court\'s answer there');
			equal(await other.locator('details#czynnosc-court_complaint').count(), 1,
				'the complaint on inaction under „Inne czynności”');
			const summaries = (await page.locator('details.action > summary').allTextContents()).join(' | ');
			check(!/pismo: pismo|— pismo:/i.test(summaries), `no label says "pismo" twice: ${summaries}`);
			await axeCheck(page, 'the case page with its groups');
		});

		await test('the_clerk_refuses_from_the_other_steps', async () => {
			const casePath = need('casePath');
			await page.locator('details#inne-czynnosci > summary').click();
			const action = page.locator('details#czynnosc-refuse');
			await action.locator('summary').click();
			await action.locator('select[name=legal_basis]').selectOption('privacy');
			await action.getByLabel(/^Uzasadnienie decyzji/).fill('Lista pracowników zawiera dane osób fizycznych.');
			await action.getByLabel(/^Tylko przy odmowie/).fill('Anna Nowak, kierownik');
			const resp = await submitForm(page, action.getByRole('button', { name: 'Zapisz: odmowa (decyzja)' }),
				`${casePath}/czynnosc`);
			equal(resp.status(), 303, 'the step is taken');
			// It waits for its letter: the page goes on to the draft.
			await page.waitForLoadState('load');
			const letter = new URL(page.url()).pathname;
			check(new RegExp(`^${casePath}/pisma/\\d+$`).test(letter), `on the decision's draft: ${letter}`);
			const title = (await page.locator('h1').first().textContent()).replace(/\s+/g, ' ');
			check(title.includes('Decyzja o odmowie'), `the draft is the refusal: ${title}`);
			state.letterPath = letter;
		});

		await test('the_gaps_are_named_fields_above_the_text', async () => {
			need('letterPath');
			const scope = page.getByLabel('Zakres odmowy', { exact: true });
			check(await scope.isVisible(), 'the scope is a field');
			const grounds = page.getByLabel('Uzasadnienie prawne', { exact: true });
			check(await grounds.isVisible(), 'the legal grounds are a field');
			const hint = await page.locator('#luka-legal_grounds-hint').textContent();
			check(hint.includes('art. 107 § 3 KPA'), `its hint: ${hint}`);
			const text = await page.getByLabel('Treść do wystawienia').inputValue();
			check(text.includes('[DO UZUPEŁNIENIA: Zakres odmowy]'), 'the mark in the text names it');
			check(!text.includes('\\[') && !text.includes('legal_grounds'), 'no escapes, no English names');
			const box = (sel) => page.locator(sel).evaluate((e) => e.getBoundingClientRect().top);
			check(await box('#luka-refusal-scope') < await box('#markdown'), 'the fields stand above the text');
			const marks = page.locator('.letter-preview mark.letter-gap');
			check(await marks.count() >= 2, 'the preview marks the gaps');
			equal(await page.locator('.letter-preview mark.letter-gap a[href="#luka-refusal-scope"]').count(), 1,
				'linked to the field');
			await axeCheck(page, 'the draft with its gaps');
		});

		await test('issuing_with_a_gap_left_names_it_and_keeps_what_was_typed', async () => {
			const path = need('letterPath');
			await page.getByLabel('Zakres odmowy', { exact: true }).fill(SCOPE);
			const resp = await submitForm(page, page.getByRole('button', { name: 'Wystaw pismo…' }), `${path}/wystaw`);
			equal(resp.status(), 422, 'refused');
			const said = (await page.locator('.error-summary').textContent()).replace(/\s+/g, ' ');
			check(said.includes('„Uzasadnienie prawne”'), `the missing field is named: ${said}`);
			check(!said.includes('„Zakres odmowy”'), 'the one filled is not');
			equal(await page.getByLabel('Zakres odmowy', { exact: true }).inputValue(), SCOPE, 'what was typed is kept');
			equal(await page.locator('#luka-legal_grounds').getAttribute('aria-invalid'), 'true', 'the field is marked');
			await axeCheck(page, 'the draft with the gaps named');
		});

		await test('the_confirmation_says_what_issuing_does', async () => {
			const path = need('letterPath');
			for (const f of await page.locator('fieldset.letter-gaps').locator('textarea, input').all())
				if (!(await f.inputValue())) await f.fill('Treść uzupełniona w teście.');
			const channel = (await page.locator('#channel option:checked').textContent()).split(' (')[0];
			const resp = await submitForm(page, page.getByRole('button', { name: 'Wystaw pismo…' }), `${path}/wystaw`);
			equal(resp.status(), 200, 'the confirmation page');
			const seq = path.split('/').pop();
			equal((await page.locator('h1').first().textContent()).trim(), `Wystawić pismo nr ${seq}?`, 'its question');
			const body = (await page.locator('main').textContent()).replace(/\s+/g, ' ');
			check(body.includes('Wystawienia nie można cofnąć.'), 'it cannot be undone');
			check(body.includes('nie mogą się już zmienić'), 'the letter will not change');
			const facts = await page.locator('dl.issue-facts').evaluate((dl) => Object.fromEntries(
				[...dl.querySelectorAll('dt')].map((dt) => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()])));
			check((facts['Sposób doręczenia'] || '').startsWith(`${channel} (`), `by ${channel}: ${JSON.stringify(facts)}`);
			equal(facts['Numer pisma w sprawie'], seq, 'the number');
			check(body.includes(need('number')), 'the case number');
			await axeCheck(page, 'the confirmation before issuing');
			state.seq = seq;
		});

		await test('the_keyboard_confirms_and_the_letter_says_it_is_issued', async () => {
			const path = need('letterPath');
			const seq = need('seq');
			const button = page.getByRole('button', { name: `Wystaw pismo nr ${seq}` });
			await button.focus();
			const [resp] = await Promise.all([
				page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `${path}/wystaw`),
				page.keyboard.press('Enter'),
			]);
			await page.waitForLoadState('load');
			equal(resp.status(), 303, 'issued');
			const said = (await page.locator('.issued-state').textContent()).replace(/\s+/g, ' ');
			check(new RegExp(`Wystawiono pismo nr ${seq} dnia \\d{4}-\\d{2}-\\d{2}`).test(said), `the state: ${said}`);
			equal(await page.locator('.issued-state').getAttribute('role'), 'status', 'announced');
			equal(await page.locator('fieldset.letter-gaps').count(), 0, 'no fields to fill any more');
			await axeCheck(page, 'the issued letter');
		});
		await ctx.close();
	} finally {
		await browser.close();
	}
}

await finish('letters_session', main);
