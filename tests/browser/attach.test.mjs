// SPDX-License-Identifier: EUPL-1.2
// Attachments both ways (issue 19 §3; docs/inbound.md) in headless Chromium:
// a requester files a request through the form with a scan (a PNG); a clerk
// opens it from the case page — its page shows a preview the server drew and
// a download link that gives the file back byte for byte — takes the case
// and starts the answer; on the answer's draft the form states the limits
// before anything is sent, the clerk types the letter and attaches a small
// spreadsheet (a CSV built here: the letter lists it, the text typed stays),
// then picks a file over the limit: the page's script refuses it before it
// is sent, and where the script did not load the server refuses it (422) —
// both times the textarea still holds what was typed. The clerk issues the
// answer; the requester, with the tracking link, sees the file under the
// letter and downloads it, and the timeline shows none of the drafting.
// axe-core checks the attachment page, the letter page with its attachment
// (also with the server's refusal) and the tracking page against WCAG 2.1
// A/AA.
//
// Run by tests/browser/run.sh with JAWNOSC_URL=http://127.0.0.1:PORT (a
// server on a fresh database loaded with `seed --demo`, with the default
// limits). Prints "[ RUN      ]", "[       OK ]" and "[  FAILED  ]" lines per
// test and "# pass N" / "# fail N" at the end; exits 1 when anything failed.
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { base, state, need, test, check, equal, finish, axeCheck, submitForm, signIn, launch } from './lib.mjs';

// The demo clerk (server/cli/cmd_seed.c).
const CLERK = { email: 'urzednik@mon.example', password: 'jawnosc-demo' };
const MARK = `test załączników ${process.pid}`;
const SUBJECT = `Wydatki na łóżka polowe (${MARK})`;
const SCAN = 'skan-wniosku.png';
const SHEET = 'wydatki-2026.csv';
const BIG = 'wszystkie-umowy.csv';
const TYPED = 'W załączeniu przekazuję zestawienie wydatków — „pełne” dane za 2026 r.';
const TYPED_AGAIN = 'Dopisek przed drugim plikiem: nie wolno go zgubić.';
// Labels of the drafting steps (server/cases/caseview.c), which the
// requester's timeline leaves out.
const DRAFTING = ['załączenie pliku do pisma', 'usunięcie załącznika z projektu pisma', 'dodanie pliku PDF do sprawy'];

// ---- Files -----------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
function crc32(buf) {
	let c = 0xffffffff;
	for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'latin1');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
	return Buffer.concat([head, data, crc]);
}
// A 120×80 RGB PNG: stripes, so the preview has something to draw.
function makePng() {
	const w = 120, h = 80;
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // RGB
	const raw = Buffer.alloc((w * 3 + 1) * h);
	for (let y = 0; y < h; y++) {
		const row = y * (w * 3 + 1);
		raw[row] = 0; // filter: none
		for (let x = 0; x < w; x++) {
			const dark = Math.floor(x / 10) % 2 === 0;
			raw.set(dark ? [20, 60, 140] : [240, 240, 230], row + 1 + x * 3);
		}
	}
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(raw)),
		chunk('IEND', Buffer.alloc(0)),
	]);
}
// A CSV in UTF-8 with `rows` rows.
function makeCsv(rows) {
	const lines = ['umowa;kwota;źródło'];
	for (let i = 1; i <= rows; i++) lines.push(`${i}/DI/2026;${1000 + i},00;budżet`);
	return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

// Every image in `selector` loaded (a broken one has no natural width).
async function imagesLoaded(page, selector) {
	const imgs = page.locator(selector);
	const n = await imgs.count();
	for (let i = 0; i < n; i++) {
		await imgs.nth(i).scrollIntoViewIfNeeded();
		await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await imgs.nth(i).elementHandle(), {
			timeout: 10000,
		});
	}
	return n;
}

// Clicks `link` and returns the download's bytes and suggested name.
async function download(page, link) {
	const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
	const path = await dl.path();
	return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

// Appends `text` to the letter's textarea: what the clerk types.
async function typeIntoLetter(page, text) {
	const area = page.getByLabel('Treść do wystawienia');
	const now = await area.inputValue();
	await area.fill(`${now}\n\n${text}`);
}

async function main() {
	const png = makePng();
	const sheet = makeCsv(12);
	const browser = await launch();
	try {
		// ---- The requester files with a scan ---------------------------------
		// bypassCSP: axe is injected as an inline script, which the server's CSP forbids.
		const citizen = await browser.newContext({ bypassCSP: true, locale: 'pl-PL', acceptDownloads: true });
		citizen.setDefaultTimeout(10000);
		const cpage = await citizen.newPage();

		await test('requester_files_with_a_scan', async () => {
			await cpage.goto(`${base}/wniosek`);
			await cpage.getByLabel('o udostępnienie informacji publicznej').check();
			await cpage.getByLabel('Temat wniosku').fill(SUBJECT);
			await cpage.getByLabel('Jakiej informacji dotyczy wniosek?').fill('Proszę o zestawienie wydatków na łóżka polowe.');
			await cpage.getByLabel('pocztą elektroniczną (e-mail)').check();
			await cpage.getByLabel('Adres e-mail').fill('jadwiga.nowak@example.pl');
			await cpage.setInputFiles('#attachment', { name: SCAN, mimeType: 'image/png', buffer: png });
			const resp = await submitForm(cpage, cpage.getByRole('button', { name: 'Wyślij wniosek' }), '/wniosek');
			equal(resp.status(), 303, 'filed');
			const href = await cpage.locator('.tracking-link a').first().getAttribute('href');
			check(/^\/sprawa\/[A-Za-z0-9_-]{43}$/.test(href || ''), `the tracking link: ${href}`);
			state.tracking = href;
		});

		// ---- The clerk opens it ---------------------------------------------
		const ctx = await browser.newContext({ bypassCSP: true, locale: 'pl-PL', acceptDownloads: true });
		ctx.setDefaultTimeout(10000);
		const page = await ctx.newPage();
		const scriptErrors = [];
		page.on('pageerror', (e) => scriptErrors.push(String(e)));

		await test('clerk_opens_the_requesters_attachment', async () => {
			need('tracking');
			const resp = await signIn(page, CLERK);
			equal(resp.status(), 303, 'sign-in');
			await page.goto(`${base}/panel?q=${encodeURIComponent(MARK)}`);
			const casePath = await page.locator('table.queue a[href^="/panel/sprawy/"]').first().getAttribute('href');
			await page.goto(`${base}${casePath}`);
			state.casePath = casePath;
			const link = page.locator('#zalaczniki + ul').getByRole('link', { name: SCAN, exact: true });
			equal(await link.count(), 1, 'the scan is listed on the case page');
			await Promise.all([page.waitForLoadState('load'), link.click()]);
			const path = new URL(page.url()).pathname;
			check(new RegExp(`^${casePath}/zalaczniki/\\d+$`).test(path), `the attachment's page: ${path}`);
			equal((await page.locator('h1').textContent()).trim(), `Załącznik: ${SCAN}`, 'heading');
			state.attachmentPath = path;
		});

		await test('attachment_page_shows_a_preview_and_a_download', async () => {
			const path = need('attachmentPath');
			equal(await imagesLoaded(page, 'figure.attachment-preview img'), 1, 'one preview image, loaded');
			const img = page.locator('figure.attachment-preview img');
			const src = await img.getAttribute('src');
			check(src.startsWith(`${path}/podglad/`), `drawn by the server: ${src}`);
			check(((await img.getAttribute('alt')) || '').length > 0, 'the preview has a text alternative');
			const preview = await page.request.get(`${base}${src}`);
			equal(preview.status(), 200, 'the preview is served');
			equal(preview.headers()['content-type'], 'image/png', 'as a PNG');
			const link = page.getByRole('link', { name: 'Pobierz plik' });
			equal(await link.getAttribute('href'), `${path}/plik`, 'the download link');
			const file = await page.request.get(`${base}${path}/plik`);
			check(file.headers()['content-disposition'].startsWith('attachment;'), 'served as an attachment');
			equal(file.headers()['x-content-type-options'], 'nosniff', 'nosniff');
			const got = await download(page, link);
			equal(got.name, SCAN, 'downloaded under its name');
			check(got.bytes.equals(png), 'the file as the requester sent it');
			await axeCheck(page, 'the attachment page');
		});

		// ---- The answer's draft ---------------------------------------------
		await test('clerk_starts_the_answer', async () => {
			const casePath = need('casePath');
			await page.goto(`${base}${casePath}`);
			for (const [id, label] of [['assign', 'przydzielenie sprawy'], ['provide', 'udostępnienie informacji']]) {
				const details = page.locator(`details#czynnosc-${id}`);
				if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
				if (id === 'provide')
					await details.getByLabel(/^Udostępniana informacja/).fill('Zestawienie wydatków — w załączniku.');
				const resp = await submitForm(page, details.getByRole('button', { name: `Zapisz: ${label}` }),
					`${casePath}/czynnosc`);
				if (resp.status() !== 303)
					console.log(`    ${label}: ${await page.locator('[role=alert]').allTextContents()}`);
				equal(resp.status(), 303, label);
			}
			// The answer waits for its letter: the step leads to the draft
			// (issue 21 item 1).
			const path = new URL(page.url()).pathname;
			check(new RegExp(`^${casePath}/pisma/\\d+$`).test(path), `the draft's page: ${path}`);
			state.letterPath = path;
		});

		await test('the_form_states_the_limits_before_upload', async () => {
			need('letterPath');
			const limits = (await page.locator('#zalacznik-limits').textContent()).replace(/\s+/g, ' ');
			const m = /Każdy plik najwyżej (\d+(?:,\d+)? [kM]B), wszystkie pliki pisma razem najwyżej (\d+(?:,\d+)? [kM]B)/.exec(limits);
			check(m, `the limits are stated: ${limits}`);
			equal(await page.locator('#zalacznik').getAttribute('aria-describedby'), 'zalacznik-limits',
				'the file field is described by them');
			state.fileMax = m[1];
			state.fileMaxBytes = Number(await page.locator('#zalacznik').getAttribute('data-max-file'));
			check(state.fileMaxBytes > 0, 'the limit in bytes');
		});

		await test('clerk_attaches_a_spreadsheet', async () => {
			const path = need('letterPath');
			await typeIntoLetter(page, TYPED);
			await page.setInputFiles('#zalacznik', { name: SHEET, mimeType: 'text/csv', buffer: sheet });
			const resp = await submitForm(page, page.getByRole('button', { name: /^Załącz pliki/ }), `${path}/zalaczniki`);
			equal(resp.status(), 303, 'attached');
			check((await page.getByRole('status').first().textContent()).includes('Załączono'), 'the notice');
			const item = page.locator('ul.letter-attachments li', { hasText: SHEET });
			equal(await item.count(), 1, 'listed under the letter');
			const text = await page.getByLabel('Treść do wystawienia').inputValue();
			check(text.includes(TYPED), 'the text typed before the upload is kept');
			check(new RegExp(`1\\. ${SHEET.replace('.', '\\.')} \\(`).test(text), `the letter lists it: ${text}`);
			await axeCheck(page, 'the letter page with an attachment');
			state.attached = true;
		});

		await test('a_file_over_the_limit_is_refused_before_it_is_sent', async () => {
			const path = need('letterPath');
			need('attached');
			await typeIntoLetter(page, TYPED_AGAIN);
			const big = makeCsv(Math.ceil(need('fileMaxBytes') / 24) + 100);
			check(big.length > state.fileMaxBytes, 'the file is over the limit');
			let posted = 0;
			const count = (r) => {
				if (r.method() === 'POST' && new URL(r.url()).pathname === `${path}/zalaczniki`) posted++;
			};
			page.on('request', count);
			await page.setInputFiles('#zalacznik', { name: BIG, mimeType: 'text/csv', buffer: big });
			await page.getByRole('button', { name: /^Załącz pliki/ }).click();
			const alert = page.locator('#zalacznik-check');
			await alert.waitFor({ state: 'visible' });
			const msg = await alert.textContent();
			check(msg.includes(BIG) && msg.includes(`najwyżej ${state.fileMax}`), `the script says why: ${msg}`);
			page.off('request', count);
			equal(posted, 0, 'nothing was sent');
			equal(new URL(page.url()).pathname, path, 'still on the letter');
			const text = await page.getByLabel('Treść do wystawienia').inputValue();
			check(text.includes(TYPED) && text.includes(TYPED_AGAIN), 'the textarea holds what was typed');
		});

		await test('without_the_script_the_server_refuses_it_keeping_the_text', async () => {
			const path = need('letterPath');
			need('attached');
			// A browser where the page's script did not load.
			const bare = await browser.newContext({ bypassCSP: true, locale: 'pl-PL' });
			bare.setDefaultTimeout(15000);
			await bare.route(/\/attach\.js(\?|$)/, (r) => r.abort());
			const p = await bare.newPage();
			try {
				await signIn(p, CLERK);
				await p.goto(`${base}${path}`);
				await typeIntoLetter(p, TYPED_AGAIN);
				const typed = await p.getByLabel('Treść do wystawienia').inputValue();
				const big = makeCsv(Math.ceil(need('fileMaxBytes') / 24) + 100);
				await p.setInputFiles('#zalacznik', { name: BIG, mimeType: 'text/csv', buffer: big });
				const resp = await submitForm(p, p.getByRole('button', { name: /^Załącz pliki/ }), `${path}/zalaczniki`);
				equal(resp.status(), 422, 'refused');
				const err = (await p.locator('#zalacznik-error').textContent()).trim();
				check(err.includes(`najwyżej ${state.fileMax}`), `the reason at the field: ${err}`);
				equal(await p.locator('#zalacznik').getAttribute('aria-invalid'), 'true', 'the field is marked');
				const text = await p.getByLabel('Treść do wystawienia').inputValue();
				equal(text.replace(/\r\n/g, '\n'), typed.replace(/\r\n/g, '\n'), 'the textarea holds what was typed');
				equal(await p.locator('ul.letter-attachments li').count(), 1, 'only the spreadsheet is attached');
				await axeCheck(p, 'the letter page with a refused file');
			} finally {
				await bare.close();
			}
		});

		await test('clerk_issues_the_answer', async () => {
			const path = need('letterPath');
			need('attached');
			await page.goto(`${base}${path}`);
			const area = page.getByLabel('Treść do wystawienia');
			const text = await area.inputValue();
			// Saved with the spreadsheet; the refused uploads saved nothing.
			check(text.includes(TYPED) && !text.includes(TYPED_AGAIN), 'the text saved with the spreadsheet');
			await area.fill(text.replace(/\[DO UZUPEŁNIENIA:[^\]]*\]/g, 'uzupełniono'));
			// Issuing is confirmed on a page of its own (issue 21 item 4).
			const ask = await submitForm(page, page.getByRole('button', { name: 'Wystaw pismo…' }), `${path}/wystaw`);
			equal(ask.status(), 200, 'the confirmation page');
			const resp = await submitForm(page, page.getByRole('button', { name: /^Wystaw pismo nr \d+$/ }), `${path}/wystaw`);
			equal(resp.status(), 303, 'issued');
			await page.goto(`${base}${path}`);
			check((await page.locator('.case-facts').textContent()).includes('wystawione'), 'the letter is issued');
			equal(await page.locator('ul.letter-attachments li', { hasText: SHEET }).count(), 1, 'with its attachment');
			state.issued = true;
		});

		await test('no_script_errors', async () => {
			equal(scriptErrors.length, 0, `JavaScript errors on the pages: ${scriptErrors.join('; ')}`);
		});
		await ctx.close();

		// ---- The requester receives it --------------------------------------
		await test('requester_downloads_the_file_from_the_tracking_page', async () => {
			const href = need('tracking');
			need('issued');
			const resp = await cpage.goto(`${base}${href}`);
			equal(resp.status(), 200, 'the tracking page');
			const letter = cpage.locator('ul.documents > li').filter({ has: cpage.locator('ul.enclosures') });
			equal(await letter.count(), 1, 'the letter with its enclosure');
			const link = letter.locator('ul.enclosures').getByRole('link', { name: SHEET, exact: true });
			equal(await link.count(), 1, 'the file under the letter');
			check(new RegExp(`^${href}/pismo/\\d+/zalacznik/\\d+$`).test(await link.getAttribute('href')), 'its address');
			check((await cpage.locator('ul.documents').textContent()).indexOf(SCAN) < 0, 'not the requester\'s own scan');
			const got = await download(cpage, link);
			equal(got.name, SHEET, 'downloaded under its name');
			check(got.bytes.equals(sheet), 'the file as the clerk attached it');
			const page = (await cpage.locator('main').textContent()).replace(/\s+/g, ' ');
			for (const label of DRAFTING) check(!page.includes(label), `the timeline leaves out "${label}"`);
			await axeCheck(cpage, 'the tracking page with an attachment');
		});
		await citizen.close();
	} finally {
		await browser.close();
	}
}

await finish('attach_session', main);
