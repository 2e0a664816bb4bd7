// SPDX-License-Identifier: EUPL-1.2
// The public register in headless Chromium: the list with its filter form,
// an item's page with the BIP metadata and change register, an archival
// version, the statistics and "Jak uzyskać informację publiczną", each
// checked by axe-core against WCAG 2.1 A/AA; a clerk publishes a case from
// the panel (preview, publish 1.0, change, 1.1) and the public sees it; and a
// browser with JavaScript disabled uses the same pages.
//
// Run by tests/browser/run.sh with JAWNOSC_URL=http://127.0.0.1:PORT (a
// server on a fresh database loaded with `seed --demo`, which publishes the
// closed demo cases). Prints "[ RUN      ]", "[       OK ]" and
// "[  FAILED  ]" lines per test and "# pass N" / "# fail N" at the end; exits
// 1 when anything failed.
import { base, state, need, test, check, equal, finish, axeCheck, checkPage, submitForm, launch } from './lib.mjs';

// The demo clerk and a published demo case (server/cli/cmd_seed.c).
const CLERK = { email: 'urzednik@mon.example', password: 'jawnosc-demo', name: 'Tomasz Zieliński' };
const PUBLISHED_SUBJECT = 'Zasady przyznawania patronatów honorowych';
const NEW_SUBJECT = 'Wykaz patronatów honorowych Ministra (temat do publikacji)';
const CHANGED_SUBJECT = 'Wykaz patronatów honorowych Ministra — po korekcie';
const VERSION_DATE = /^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/;

// The register's rows: cells by column heading, with the item's link.
async function registerRows(page) {
	return page.evaluate(() => {
		const table = document.querySelector('table.register');
		if (!table) return [];
		const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
		return [...table.querySelectorAll('tbody tr')].map((tr) => {
			const cells = [...tr.children].map((td) => td.textContent.trim());
			const row = Object.fromEntries(heads.map((h, i) => [h, cells[i]]));
			row.href = tr.querySelector('a').getAttribute('href');
			return row;
		});
	});
}

// The change register in the BIP footer: [{title, version, date, who, href}].
async function changeRegister(page) {
	return page.evaluate(() => {
		const table = document.querySelector('table.bip-versions');
		if (!table) return [];
		return [...table.querySelectorAll('tbody tr')].map((tr) => {
			const td = tr.querySelectorAll('td');
			const a = td[0].querySelector('a');
			return {
				title: td[0].textContent.trim(),
				version: td[1].textContent.trim(),
				date: td[2].textContent.trim(),
				who: td[3].textContent.trim(),
				href: a ? a.getAttribute('href') : null,
			};
		});
	});
}

async function main() {
	const browser = await launch();
	try {
		// bypassCSP: axe is injected as an inline script, which the server's CSP forbids.
		const ctx = await browser.newContext({ bypassCSP: true, locale: 'pl-PL' });
		const page = await ctx.newPage();
		const consoleErrors = [];
		// Script errors only: the 409 of a refused publication is a page, not an error.
		page.on('pageerror', (e) => consoleErrors.push(String(e)));

		await test('register_list', async () => {
			const resp = await page.goto(`${base}/rejestr`);
			equal(resp.status(), 200, 'status of /rejestr');
			equal((await page.locator('h1').textContent()).trim(),
				'Rejestr wniosków o udostępnienie informacji publicznej', 'heading');
			const rows = await registerRows(page);
			check(rows.length >= 5, `the published demo cases are listed: ${rows.length}`);
			check(rows.some((r) => r['Temat'] === PUBLISHED_SUBJECT), 'a published demo case is there');
			const dates = rows.map((r) => r['Data wpływu']);
			check(dates.every((d, i) => i === 0 || dates[i - 1] >= d), 'newest first');
			check((await page.locator('link[rel=alternate][type="application/atom+xml"]').count()) === 1,
				'the Atom feed is announced');
			check((await page.getByText('Liczba odwiedzin').count()) === 1, 'the visit counter');
			state.rows = rows;
		});

		await test('axe_register_list', async () => {
			need('rows');
			await axeCheck(page, 'the register');
		});

		await test('register_filter_and_search', async () => {
			need('rows');
			await page.getByLabel('Szukaj w temacie i odpowiedzi').fill('patronatow');
			await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Pokaż' }).click()]);
			await page.waitForURL(/\/rejestr\?/);
			const rows = await registerRows(page);
			check(rows.length >= 1, 'the search finds the case without diacritics');
			check(rows.every((r) => /patronat/i.test(r['Temat'])), 'only matching cases');
			await axeCheck(page, 'the register with a search');
			await page.getByLabel('Rozstrzygnięcie').selectOption('refused');
			await page.getByLabel('Szukaj w temacie i odpowiedzi').fill('');
			await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Pokaż' }).click()]);
			await page.waitForURL(/wynik=refused/);
			const refused = await registerRows(page);
			check(refused.length >= 1 && refused.every((r) => r['Rozstrzygnięcie'] === 'odmówiono (decyzja)'),
				'only refusals');
		});

		await test('register_item', async () => {
			const row = need('rows').find((r) => r['Temat'] === PUBLISHED_SUBJECT);
			const resp = await page.goto(`${base}${row.href}`);
			equal(resp.status(), 200, 'status of the item');
			equal((await page.locator('h1').textContent()).trim(), PUBLISHED_SUBJECT, 'heading');
			check((await page.getByRole('heading', { name: 'Informacje o publikacji dokumentu' }).count()) === 1,
				'the BIP metadata');
			const versions = await changeRegister(page);
			equal(versions.length, 1, 'one version');
			equal(versions[0].version, '1.0', 'version 1.0');
			check(VERSION_DATE.test(versions[0].date), `a date and time: ${versions[0].date}`);
			check((await page.locator('table.terms').count()) === 1, 'the terms');
			await axeCheck(page, 'an item of the register');
		});

		await test('procedure_page', async () => {
			const resp = await page.goto(`${base}/jak-uzyskac-informacje`);
			equal(resp.status(), 200, 'status');
			equal((await page.locator('h1').textContent()).trim(), 'Jak uzyskać informację publiczną', 'heading');
			check((await page.locator('main a[href="/wniosek"]').count()) >= 1, 'a link to the form');
			check((await page.locator('address').textContent()).includes('Ministerstwo Obrony Narodowej'),
				'the contact data');
			await axeCheck(page, 'Jak uzyskać informację publiczną');
		});

		// The accessibility declaration, reached as anyone would: the
		// footer's link on a public page (issue 23 part 3).
		await test('accessibility_declaration', async () => {
			await page.goto(`${base}/jak-uzyskac-informacje`);
			await page.locator('footer a[href="/deklaracja-dostepnosci"]').click();
			await page.waitForURL(/\/deklaracja-dostepnosci$/);
			equal((await page.locator('h1').textContent()).trim(), 'Deklaracja dostępności', 'heading');
			equal((await page.locator('#a11y-podmiot').textContent()).trim(), 'Ministerstwo Obrony Narodowej',
				'the body');
			for (const id of ['a11y-url', 'a11y-data-publikacja', 'a11y-status', 'a11y-kontakt', 'a11y-procedura',
				'a11y-architektura', 'a11y-aplikacje'])
				equal(await page.locator(`#${id}`).count(), 1, id);
			check(/^\d{4}-\d{2}-\d{2}$/.test(await page.locator('#a11y-data-publikacja').getAttribute('datetime')),
				'a date of publication');
			await axeCheck(page, 'the accessibility declaration');
		});

		await test('statistics_page', async () => {
			const resp = await page.goto(`${base}/rejestr/statystyki`);
			equal(resp.status(), 200, 'status');
			check((await page.getByText('Zakończone w terminie').count()) >= 1, 'the share on time');
			await axeCheck(page, 'the statistics');
		});

		// ---- A clerk publishes a case ------------------------------------------
		await test('clerk_publishes_with_preview', async () => {
			await page.goto(`${base}/panel/logowanie`);
			await page.getByLabel('Adres e-mail').fill(CLERK.email);
			await page.getByLabel('Hasło').fill(CLERK.password);
			await submitForm(page, page.getByRole('button', { name: 'Zaloguj się' }), '/panel/logowanie');
			equal(new URL(page.url()).pathname, '/panel', 'signed in');
			const caseHref = await page.locator('table.queue a[href^="/panel/sprawy/"]').first().getAttribute('href');
			await page.goto(`${base}${caseHref}`);
			await Promise.all([page.waitForLoadState('load'),
				page.getByRole('link', { name: 'Publikacja w rejestrze BIP' }).click()]);
			const path = new URL(page.url()).pathname;
			check(/^\/panel\/sprawy\/\d+\/publikacja$/.test(path), `the publication page: ${path}`);
			check((await page.locator('.preview article.register-item').count()) === 1, 'a preview from the start');
			await axeCheck(page, 'the publication page');
			await page.getByLabel('Temat do publikacji *').fill(NEW_SUBJECT);
			// No publishing of text that was not previewed.
			let resp = await submitForm(page, page.getByRole('button', { name: 'Opublikuj' }), path);
			equal(resp.status(), 409, 'publishing unpreviewed text is refused');
			equal((await page.locator('.preview h1').textContent()).trim(), NEW_SUBJECT, 'the preview shows it now');
			resp = await submitForm(page, page.getByRole('button', { name: 'Opublikuj' }), path);
			equal(resp.status(), 303, 'published');
			check((await page.getByText('Opublikowano wersję 1.0.').count()) === 1, 'the notice');
			const preview = await page.locator('.preview article.register-item').innerHTML();
			const publicHref = await page.getByRole('link', { name: 'strona publiczna' }).getAttribute('href');
			await page.getByLabel('Temat do publikacji *').fill(CHANGED_SUBJECT);
			await submitForm(page, page.getByRole('button', { name: 'Pokaż podgląd' }), path);
			resp = await submitForm(page, page.getByRole('button', { name: 'Opublikuj nową wersję' }), path);
			equal(resp.status(), 303, 'version 1.1 published');
			check((await page.getByText('Opublikowano wersję 1.1.').count()) === 1, 'the notice');
			state.publicHref = publicHref;
			state.preview10 = preview;
		});

		await test('public_sees_versions', async () => {
			const href = need('publicHref');
			await page.goto(`${base}${href}`);
			equal((await page.locator('h1').textContent()).trim(), CHANGED_SUBJECT, 'the current version');
			const versions = await changeRegister(page);
			equal(versions.map((v) => v.version).join(','), '1.1,1.0', 'the change register');
			check(versions.every((v) => v.who === CLERK.name && VERSION_DATE.test(v.date)), 'dates and authors');
			const old = versions.find((v) => v.version === '1.0');
			check(old.href, 'the old version has its address');
			await page.goto(`${base}${old.href}`);
			equal((await page.locator('h1').textContent()).trim(), NEW_SUBJECT, 'the old version is readable');
			equal(await page.locator('article.register-item').innerHTML(), state.preview10,
				'version 1.0 is what its preview showed');
			await axeCheck(page, 'an archival version');
		});

		// The Atom feed opened in a browser: its stylesheet (templates/static/feed.xsl)
		// makes it a page with the feed's entries, in the feed's order.
		await test('atom_feed_reads_as_a_page_in_the_browser', async () => {
			const raw = await (await page.request.get(`${base}/rejestr.atom`)).text();
			check(/^<\?xml [^>]*\?>\n<\?xml-stylesheet type="text\/xsl" href="\/static\/feed\.xsl[^"]*"\?>\n<feed /.test(raw),
				'the feed names its stylesheet before its root element');
			const unxml = (t) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
				.replace(/&apos;/g, "'").replace(/&amp;/g, '&');
			const entries = [...raw.matchAll(/<entry>[\s\S]*?<title>([^<]*)<\/title>[\s\S]*?<link rel="alternate" type="text\/html" href="([^"]*)"/g)]
				.map((m) => ({ title: unxml(m[1]), link: unxml(m[2]) }));
			check(entries.length >= 5, `the feed has the published cases: ${entries.length}`);
			const feedTitle = unxml(raw.match(/<title>([^<]*)<\/title>/)[1]);
			const resp = await page.goto(`${base}/rejestr.atom`);
			equal(resp.status(), 200, 'status');
			equal((await page.locator('h1').textContent()).trim(), feedTitle, 'the feed\'s title as the heading');
			const shown = await page.locator('ol.feed-entries > li h3 a').evaluateAll((as) =>
				as.map((a) => ({ title: a.textContent.trim(), link: a.getAttribute('href') })));
			equal(JSON.stringify(shown), JSON.stringify(entries), 'every entry with its title and link, in order');
			check((await page.getByText('To jest kanał Atom').count()) === 1, 'what a feed is, in Polish');
			equal(await page.locator('html').getAttribute('lang'), 'pl', 'the page\'s language');
			await checkPage(page, 'the Atom feed');
		});

		await test('no_script_errors', async () => {
			equal(consoleErrors.length, 0, `JavaScript errors on the pages: ${consoleErrors.join('; ')}`);
		});
		await ctx.close();

		// ---- Without JavaScript ------------------------------------------------
		await test('register_without_javascript', async () => {
			const noJs = await browser.newContext({ javaScriptEnabled: false, locale: 'pl-PL' });
			const p = await noJs.newPage();
			try {
				const resp = await p.goto(`${base}/rejestr`);
				equal(resp.status(), 200, 'status');
				await p.getByLabel('Rodzaj wniosku').selectOption('reuse');
				await Promise.all([p.waitForURL(/rodzaj=reuse/), p.getByRole('button', { name: 'Pokaż' }).click()]);
				const rows = await p.locator('table.register tbody tr').count();
				check(rows >= 1, 'the filter works as a plain form');
				check((await p.locator('table.register tbody tr', { hasText: 'ponowne wykorzystywanie' }).count()) === rows,
					'only re-use requests');
				await Promise.all([p.waitForLoadState('load'), p.locator('table.register tbody a').first().click()]);
				check(/^\/rejestr\/[^/]+$/.test(new URL(p.url()).pathname), 'the item by its link');
				check((await p.locator('table.bip-versions').count()) === 1, 'its change register');
				await p.goto(`${base}/jak-uzyskac-informacje`);
				await Promise.all([p.waitForLoadState('load'), p.locator('main a[href="/wniosek"]').first().click()]);
				equal(new URL(p.url()).pathname, '/wniosek', 'on to the form');
			} finally {
				await noJs.close();
			}
		});
	} finally {
		await browser.close();
	}
}

await finish('register_session', main);
