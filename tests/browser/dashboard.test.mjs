// SPDX-License-Identifier: EUPL-1.2
// The manager's dashboard and statistics in headless Chromium: a manager
// signs in, reads the dashboard (figures, lists, workload, SVG charts with
// their data tables), follows a figure into the filtered queue, opens the
// statistics of a period, makes a mistake in the period, downloads the CSV;
// axe-core checks each page against WCAG 2.1 A/AA. A clerk gets no dashboard.
//
// Run by tests/browser/run.sh with JAWNOSC_URL=http://127.0.0.1:PORT (a
// server on a fresh database loaded with `seed --demo`). Prints
// "[ RUN      ]", "[       OK ]" and "[  FAILED  ]" lines per test and
// "# pass N" / "# fail N" at the end; exits 1 when anything failed.
import { base, state, need, test, check, equal, finish, axeCheck, signIn, launch } from './lib.mjs';

const MANAGER = { email: 'kierownik@mon.example', password: 'jawnosc-demo', name: 'Agnieszka Glapiak' };
const CLERK = { email: 'urzednik@mon.example', password: 'jawnosc-demo' };

async function signInAs(page, who) {
	const resp = await signIn(page, who);
	equal(resp.status(), 303, `sign-in of ${who.email}`);
}

async function main() {
	const browser = await launch();
	try {
		// bypassCSP: axe is injected as an inline script, which the server's CSP forbids.
		const ctx = await browser.newContext({ bypassCSP: true, locale: 'pl-PL' });
		ctx.setDefaultTimeout(10000);
		const page = await ctx.newPage();
		const consoleErrors = [];
		page.on('pageerror', (e) => consoleErrors.push(String(e)));

		await test('manager_signs_in_and_finds_the_dashboard', async () => {
			await signInAs(page, MANAGER);
			// Issue 21 item 8: a manager lands on the dashboard, not the queue.
			equal(new URL(page.url()).pathname, '/panel/pulpit', 'where a manager lands after signing in');
			const nav = page.getByRole('navigation', { name: 'Menu główne' });
			const link = nav.getByRole('link', { name: 'Pulpit' });
			equal(await link.count(), 1, 'the header links to the dashboard');
			await Promise.all([page.waitForLoadState('load'), link.click()]);
			equal(new URL(page.url()).pathname, '/panel/pulpit', 'the dashboard');
			equal((await page.locator('h1').textContent()).trim(), 'Pulpit kierownika', 'heading');
			state.dashboard = true;
		});

		await test('dashboard_figures_lists_and_charts', async () => {
			need('dashboard');
			for (const key of ['overdue', 'today', 'next1', 'next3', 'next5', 'waiting', 'remedies']) {
				const fig = page.locator(`#fig-${key} a`);
				equal(await fig.count(), 1, `figure ${key}`);
				check(/^\/panel\?/.test(await fig.getAttribute('href')), `figure ${key} links to the queue`);
			}
			// The demo has cases filed 16 and 20 days ago and not answered.
			const overdue = Number(await page.locator('#fig-overdue .figure-count').textContent());
			check(overdue >= 1, `overdue cases in the demo: ${overdue}`);
			equal(await page.locator('#lista-po-terminie tbody tr').count(), overdue, 'the overdue list');
			// Charts: inline SVG named by its title (a group of links when its
			// bars lead to the queue), each followed by its data, folded.
			check((await page.locator('svg.chart').count()) >= 4, `charts: ${await page.locator('svg.chart').count()}`);
			equal(await page.getByRole('group', { name: 'Wnioski złożone w miesiącu według rodzaju' }).count(), 1,
				'the chart of requests by kind, a group of links');
			equal(await page.getByRole('img', { name: 'Czas załatwienia spraw zakończonych w miesiącu' }).count(), 1,
				'the chart of days to close, an image');
			const tableName = 'Wnioski złożone w miesiącu według rodzaju — dane wykresu';
			equal(await page.getByRole('table', { name: tableName }).count(), 0, 'the data table is folded');
			equal(await page.locator('details.chart-details[open]').count(), 0, 'every data table folded');
			const box = await page.locator('svg.chart').first().boundingBox();
			check(box && box.width > 300 && box.height > 100, `the chart is drawn: ${JSON.stringify(box)}`);
			const first = page.locator('details.chart-details').first();
			await first.locator('summary').click();
			equal(await page.getByRole('table', { name: tableName }).count(), 1, 'the data table opens under its chart');
			await first.locator('summary').click();
			state.overdue = overdue;
		});

		await test('dashboard_is_short_and_its_series_differ_by_pattern', async () => {
			need('dashboard');
			// It was 6,900 px with every data table open (issue 21 item 8).
			const height = await page.evaluate(() => document.documentElement.scrollHeight);
			check(height < 5000, `the dashboard is ${height} px tall`);
			const kinds = page.getByRole('group', { name: 'Wnioski złożone w miesiącu według rodzaju' });
			const fills = await kinds.locator('rect[fill^="url(#"]').evaluateAll((rs) => [...new Set(rs.map((r) => r.getAttribute('fill')))]);
			check(fills.length >= 2, `the two kinds have patterns of their own: ${fills.join(', ')}`);
		});

		await test('a_bar_leads_to_the_same_filter_in_the_queue', async () => {
			need('dashboard');
			const kinds = page.getByRole('group', { name: 'Wnioski złożone w miesiącu według rodzaju' });
			const bar = kinds.getByRole('link').last();
			const label = await bar.getAttribute('aria-label');
			const count = Number(/: (\d+) —/.exec(label)[1]);
			const href = await bar.getAttribute('href');
			check(/^\/panel\?stan=wszystkie&rodzaj=[a-z_]+&wplynal_od=\d{4}-\d\d-01&wplynal_do=\d{4}-\d\d-\d\d/.test(href),
				`the bar's link: ${href}`);
			// By keyboard: the bar is a link of its own.
			await bar.focus();
			await Promise.all([page.waitForURL((u) => u.pathname === '/panel'), page.keyboard.press('Enter')]);
			equal(new URL(page.url()).pathname, '/panel', 'the queue');
			equal(new URL(page.url()).search, href.slice('/panel'.length), 'with the same filter');
			// The queue shows the cases the bar counts, once it searches every
			// state and dates of receipt (issue 21 item 5: its state filter
			// then offers "wszystkie").
			if (await page.locator('select[name=stan] option[value=wszystkie]').count()) {
				const rows = await page.locator('table.queue tbody tr').count();
				equal(rows, count, `the queue behind a bar of ${count}`);
			}
			await page.goBack();
		});

		await test('axe_dashboard', async () => {
			need('dashboard');
			await axeCheck(page, 'the dashboard');
		});

		await test('figure_leads_to_the_same_cases_in_the_queue', async () => {
			const overdue = need('overdue');
			await Promise.all([page.waitForLoadState('load'), page.locator('#fig-overdue a').click()]);
			equal(new URL(page.url()).pathname, '/panel', 'the queue');
			equal(await page.locator('table.queue tbody tr').count(), overdue, 'the same number of cases');
			check((await page.locator('.notice').first().textContent()).includes('pulpitu'), 'the queue says it is narrowed');
			await axeCheck(page, 'the queue narrowed from the dashboard');
		});

		await test('statistics_of_a_period', async () => {
			await page.goto(`${base}/panel/statystyki`);
			equal((await page.locator('h1').textContent()).trim(), 'Statystyki wniosków', 'heading');
			const year = new Date().getFullYear();
			await page.getByLabel('Od (data wpływu)').fill(`${year - 1}-01-01`);
			await page.getByLabel('Do (data wpływu)').fill(`${year}-12-31`);
			await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Pokaż' }).click()]);
			const requests = Number((await page.locator('#podsumowanie dd').first().textContent()).trim());
			check(requests >= 30, `the demo's requests are counted: ${requests}`);
			const csv = page.getByRole('link', { name: 'CSV' });
			const href = await csv.getAttribute('href');
			check(href.startsWith(`/panel/statystyki.csv?od=${year - 1}-01-01&do=${year}-12-31`), `CSV link ${href}`);
			state.csv = href;
			await axeCheck(page, 'the statistics');
		});

		await test('statistics_csv_download', async () => {
			const href = need('csv');
			const resp = await page.request.get(`${base}${href}`);
			equal(resp.status(), 200, 'CSV status');
			check(resp.headers()['content-type'].startsWith('text/csv'), 'CSV type');
			const text = await resp.text();
			check(text.startsWith('section,key,label,value\r\n'), 'header row and CRLF');
			check(text.includes('channel,epuap,ePUAP / e-Doręczenia,'), 'Polish labels in UTF-8');
		});

		await test('statistics_with_a_wrong_period', async () => {
			await page.goto(`${base}/panel/statystyki?od=2026-12-31&do=2026-01-01`);
			const alert = page.getByRole('alert');
			check((await alert.textContent()).includes('Początek okresu'), 'the error is said');
			equal(await page.getByLabel('Od (data wpływu)').inputValue(), '2026-12-31', 'the input is kept');
			await axeCheck(page, 'the statistics with an error');
		});

		await test('no_script_errors', async () => {
			equal(consoleErrors.length, 0, `JavaScript errors on the pages: ${consoleErrors.join('; ')}`);
		});
		await ctx.close();

		const clerkCtx = await browser.newContext({ bypassCSP: true, locale: 'pl-PL' });
		clerkCtx.setDefaultTimeout(10000);
		const clerkPage = await clerkCtx.newPage();
		await test('clerk_has_no_dashboard', async () => {
			await signInAs(clerkPage, CLERK);
			const nav = clerkPage.getByRole('navigation', { name: 'Menu główne' });
			equal(await nav.getByRole('link', { name: 'Pulpit' }).count(), 0, 'no dashboard link for a clerk');
			const resp = await clerkPage.goto(`${base}/panel/pulpit`);
			equal(resp.status(), 403, 'the dashboard is refused');
		});
		await clerkCtx.close();
	} finally {
		await browser.close();
	}
}

await finish('dashboard_session', main);
