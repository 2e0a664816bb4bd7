// SPDX-License-Identifier: EUPL-1.2
// A clerk finds a closed case (issue 21 item 5) in headless Chromium: the
// queue alone lists open cases only; the search field of the queue finds the
// demo's refused request by words typed without Polish letters ("zdjecia
// licencyjna" for "zdjęcia ... licencyjna"), then by a part of its case number
// (without the unit's symbol), shows its closed state, and opens it, with the
// way back to the queue. axe-core checks the results page against WCAG 2.1
// A/AA.
//
// Run by tests/browser/run.sh with JAWNOSC_URL (a server on a fresh database
// loaded with `seed --demo`); nothing here depends on today's date.
import { base, state, need, test, check, equal, finish, axeCheck, launch, signIn } from './lib.mjs';

const CLERK = { email: 'urzednik@mon.example', password: 'jawnosc-demo' };
// The demo's refused request (server/cli/cmd_seed.c) and its state's label
// (law_states[LAW_STATE_REFUSED].label, server/law/lifecycle.c).
const CLOSED_SUBJECT = 'Umowa licencyjna na zdjęcia wykorzystywane w kampaniach';
const REFUSED_LABEL = 'odmówiono (decyzja)';
const WORDS = 'zdjecia LICENCYJNA';
const SEARCH_LABEL = 'Szukaj we wszystkich sprawach';

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
			return row;
		});
	});
}

async function search(page, text) {
	await page.goto(`${base}/panel`);
	await page.getByLabel(SEARCH_LABEL).fill(text);
	await Promise.all([
		page.waitForURL((u) => u.pathname === '/panel' && u.searchParams.get('q') === text),
		page.getByRole('button', { name: 'Filtruj' }).click(),
	]);
	return queueRows(page);
}

async function main() {
	const browser = await launch();
	try {
		const ctx = await browser.newContext({ bypassCSP: true, locale: 'pl-PL' });
		ctx.setDefaultTimeout(10000);
		const page = await ctx.newPage();

		await test('search_sign_in', async () => {
			const resp = await signIn(page, CLERK);
			equal(resp.status(), 303, 'status of the sign-in');
			state.signedIn = true;
		});

		await test('queue_alone_hides_closed_cases', async () => {
			need('signedIn');
			await page.goto(`${base}/panel`);
			const rows = await queueRows(page);
			check(rows.length > 0, 'the queue lists cases');
			check(!rows.some((r) => r.Temat === CLOSED_SUBJECT), 'the refused request is not in the queue');
			const groups = await page.locator('#f-stan optgroup').evaluateAll((gs) => gs.map((g) => g.label));
			equal(groups.join(','), 'otwarte,zakończone', 'the state filter groups every state');
		});

		await test('closed_case_found_by_words_without_diacritics', async () => {
			need('signedIn');
			const rows = await search(page, WORDS);
			const row = rows.find((r) => r.Temat === CLOSED_SUBJECT);
			check(row, `"${WORDS}" finds "${CLOSED_SUBJECT}": ${JSON.stringify(rows.map((r) => r.Temat))}`);
			equal(row.Stan, REFUSED_LABEL, 'its state');
			check(/^zakończona \d{4}-\d{2}-\d{2}$/.test(row.Termin), `the day it closed: ${row.Termin}`);
			equal(await page.locator('#f-stan').inputValue(), 'wszystkie', 'the search looked at every state');
			state.number = row['Znak sprawy'];
			state.href = row.href;
		});

		await test('axe_search_results', async () => {
			need('number');
			await axeCheck(page, 'the queue with search results');
		});

		await test('closed_case_found_by_partial_number', async () => {
			need('number');
			// "COMON.1431.1.2026" as "1431.1.2026": without the unit's symbol.
			const part = state.number.slice(state.number.indexOf('.') + 1);
			check(part.length > 4 && part !== state.number, `a part of ${state.number}`);
			const rows = await search(page, part);
			const row = rows.find((r) => r['Znak sprawy'] === state.number);
			check(row, `"${part}" finds ${state.number}: ${JSON.stringify(rows.map((r) => r['Znak sprawy']))}`);
			state.found = true;
		});

		await test('open_found_case_and_back', async () => {
			need('found');
			await Promise.all([
				page.waitForURL((u) => u.pathname === state.href),
				page.getByRole('link', { name: state.number, exact: true }).click(),
			]);
			equal((await page.locator('h1').textContent()).trim(), `Sprawa ${state.number}`, 'the case page');
			const back = page.getByRole('link', { name: '← Kolejka spraw' });
			equal(await back.count(), 1, 'the way back to the queue');
		});

		await ctx.close();
	} finally {
		await browser.close();
	}
}

await finish('search_closed_case', main);
