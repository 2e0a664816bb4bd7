// SPDX-License-Identifier: EUPL-1.2
// Issue 21 item 1: a clerk answers a request from the queue to the
// dispatched letter in one action, in headless Chromium, and the case does
// not close before its letter exists. From the queue: open the case, open
// „udostępnienie informacji”, type the answer and save it — the page goes on
// to the letter, pre-filled, while the case keeps its state, stays in the
// queue marked „pismo do wystawienia”, its draft listed under „Pisma do
// wystawienia” and counted on the manager's dashboard — then issue it by
// the channel the requester chose (e-mail): the case is answered that day.
// The clicks are counted (page navigations and button presses; typing does
// not count; the confirmation before issuing is one) and must be at most 5.
// Every page goes through checkPage (axe-core, both widths): the draft's
// page, the case page and the queue with the letter waiting, the list of
// drafts, the dashboard and the confirmation.
//
// Run by tests/browser/run.sh with JAWNOSC_URL=http://127.0.0.1:PORT (a
// server on a fresh database loaded with `seed --demo`).
import { base, state, need, test, check, equal, finish, axeCheck, launch, signIn } from './lib.mjs';

// The demo clerk and manager (server/cli/cmd_seed.c).
const CLERK = { email: 'urzednik@mon.example', password: 'jawnosc-demo' };
const MANAGER = { email: 'kierownik@mon.example', password: 'jawnosc-demo' };
// Labels from server/law/lifecycle.c.
const PROVIDE = 'udostępnienie informacji'; // law_actions[LAW_ACT_PROVIDE].label
const PROVIDED = 'udostępniono'; // law_states[LAW_STATE_PROVIDED].label
const ANSWER = 'W załączeniu przekazuję zestawienie umów zawartych w 2026 r.';

// The first case of the queue that a clerk may answer now and whose
// requester chose e-mail: found by reading pages (not clicks of the test).
async function findCase(page) {
	const rows = await page.evaluate(() =>
		[...document.querySelectorAll('table.queue tbody tr')].map((tr) => {
			const a = tr.querySelector('a[href^="/panel/sprawy/"]');
			return { href: a ? a.getAttribute('href') : null, number: a ? a.textContent.trim() : '' };
		}),
	);
	for (const r of rows) {
		if (!r.href) continue;
		const html = await (await page.request.get(`${base}${r.href}`)).text();
		if (html.includes('value="provide"') && /<dt>Doręczenie<\/dt><dd>e-mail<\/dd>/.test(html) &&
			!html.includes('id="pismo-do-wystawienia"'))
			return r;
	}
	return null;
}

// The state shown on the case page, read without a click.
async function stateOf(page, href) {
	const html = await (await page.request.get(`${base}${href}`)).text();
	const m = /<dd class="case-state">([^<]*)<\/dd>/.exec(html);
	return { state: m ? m[1].trim() : '', html };
}

async function main() {
	const browser = await launch();
	try {
		const ctx = await browser.newContext({ bypassCSP: true, locale: 'pl-PL' });
		ctx.setDefaultTimeout(10000);
		const page = await ctx.newPage();
		let clicks = 0;
		// A click that leads to a page (a link, a form's button): counted.
		async function navigate(locator) {
			clicks++;
			await Promise.all([page.waitForEvent('load'), locator.click()]);
		}

		await test('clerk_signs_in_to_the_queue', async () => {
			const resp = await signIn(page, CLERK);
			equal(resp.status(), 303, 'signed in');
			await page.goto(`${base}/panel`);
			equal((await page.locator('h1').textContent()).trim(), 'Kolejka spraw', 'the queue');
			const c = await findCase(page);
			check(c, 'a case in the queue to answer, its requester chose e-mail');
			state.kase = c;
			state.before = (await stateOf(page, c.href)).state;
			check(state.before && state.before !== PROVIDED, `its state: ${state.before}`);
		});

		await test('clerk_asks_for_the_answer_and_lands_on_its_letter', async () => {
			const c = need('kase');
			// 1: the case from the queue.
			await navigate(page.locator(`table.queue a[href="${c.href}"]`));
			equal(new URL(page.url()).pathname, c.href, 'the case page');
			// 2: the step.
			const step = page.locator('details#czynnosc-provide');
			clicks++;
			await step.locator('summary').click();
			check((await step.getAttribute('open')) !== null, 'the step is open');
			check(!(await step.locator('input[type=date]').count()), 'no date: the letter gives it');
			await step.getByLabel(/^Udostępniana informacja/).fill(ANSWER);
			// 3: saved, on to the letter.
			await navigate(step.getByRole('button', { name: `Zapisz: ${PROVIDE}` }));
			const u = new URL(page.url());
			check(new RegExp(`^${c.href}/pisma/\\d+$`).test(u.pathname), `the draft's page: ${u.pathname}`);
			state.letter = u.pathname;
			const text = await page.getByLabel('Treść do wystawienia').inputValue();
			check(text.includes(ANSWER), 'the letter is written with the answer');
			const waits = (await page.locator('#czynnosc-czeka').textContent()).replace(/\s+/g, ' ');
			check(waits.includes(`Czynność „${PROVIDE}” czeka na to pismo`), `the page says what waits: ${waits}`);
			await axeCheck(page, 'the draft with its step waiting');
		});

		await test('the_case_does_not_close_before_its_letter_is_sent', async () => {
			const c = need('kase');
			need('letter');
			const now = await stateOf(page, c.href);
			equal(now.state, state.before, 'the state is unchanged while the letter is a draft');
			check(now.html.includes('Pismo do wystawienia'), 'the case page says a letter is to be issued');
			const queue = await (await page.request.get(`${base}/panel`)).text();
			const at = queue.indexOf(`href="${c.href}"`);
			check(at > 0, 'still in the queue');
			const row = queue.slice(at, queue.indexOf('</tr>', at));
			check(row.includes('pismo do wystawienia'), 'marked „pismo do wystawienia” in the queue');
			const drafts = await (await page.request.get(`${base}/panel/pisma?stan=projekt`)).text();
			check(drafts.includes(c.number), 'listed among the drafts to issue');
		});

		await test('axe_pages_with_a_letter_waiting', async () => {
			const c = need('kase');
			const other = await ctx.newPage();
			await other.goto(`${base}${c.href}`);
			await axeCheck(other, 'the case page with its letter waiting');
			await other.goto(`${base}/panel`);
			await axeCheck(other, 'the queue with a letter waiting');
			await other.goto(`${base}/panel/pisma?stan=projekt`);
			equal((await other.locator('h1').textContent()).trim(), 'Pisma do wystawienia', 'the list of drafts');
			await axeCheck(other, 'the list of drafts');
			await other.close();
		});

		await test('the_manager_sees_the_drafts_on_the_dashboard', async () => {
			need('letter');
			const mctx = await browser.newContext({ bypassCSP: true, locale: 'pl-PL' });
			const m = await mctx.newPage();
			await signIn(m, MANAGER);
			await m.goto(`${base}/panel/pulpit`);
			const fig = m.locator('#fig-drafts a');
			equal(await fig.count(), 1, 'the dashboard counts the drafts');
			const n = Number((await fig.locator('.figure-count').textContent()).trim());
			check(n >= 1, `drafts counted: ${n}`);
			await Promise.all([m.waitForEvent('load'), fig.click()]);
			equal(new URL(m.url()).searchParams.get('stan'), 'projekt', 'the link leads to the drafts');
			equal(await m.locator('table.drafts tbody tr').count(), n, 'the list has what was counted');
			await axeCheck(m, 'the dashboard with drafts to issue');
			await mctx.close();
		});

		await test('clerk_issues_and_sends_it_in_at_most_5_clicks', async () => {
			const c = need('kase');
			const letter = need('letter');
			const area = page.getByLabel('Treść do wystawienia');
			const text = await area.inputValue();
			if (text.includes('[DO UZUPEŁNIENIA'))
				await area.fill(text.replace(/\[DO UZUPEŁNIENIA:[^\]]*\]/g, 'zestawienie umów'));
			equal(await page.locator('#channel').inputValue(), 'email', 'the channel the requester chose');
			// 4: issue it.
			await navigate(page.getByRole('button', { name: 'Wystaw pismo…' }));
			equal(new URL(page.url()).pathname, `${letter}/wystaw`, 'the confirmation');
			await axeCheck(page, 'the confirmation before issuing the answer');
			// 5: confirmed, issued and sent.
			await navigate(page.getByRole('button', { name: /^Wystaw pismo nr \d+$/ }));
			equal(new URL(page.url()).pathname, letter, 'back on the letter');
			const sent = (await page.locator('table.dispatches').textContent()).replace(/\s+/g, ' ');
			check(sent.includes('wysłane'), `dispatched by e-mail: ${sent}`);
			console.log(`    ${clicks} click(s) from the queue to the dispatched letter`);
			check(clicks <= 5, `at most 5 clicks, took ${clicks}`);
			const now = await stateOf(page, c.href);
			equal(now.state, PROVIDED, 'the case is answered once its letter is sent');
			check(!now.html.includes('Pismo do wystawienia'), 'nothing waits any more');
			const queue = await (await page.request.get(`${base}/panel`)).text();
			check(!queue.includes(`href="${c.href}"`), 'out of the queue');
		});
	} finally {
		await browser.close();
	}
}

await finish('letter_browser_tests', main);
