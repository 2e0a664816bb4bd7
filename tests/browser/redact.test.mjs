// SPDX-License-Identifier: EUPL-1.2
// Public copies of attachments in headless Chromium (issue 17 §1): a clerk
// adds a PDF naming the requester (with her PESEL) to a case, the redaction
// page shows its pages as images and suggests the name and the PESEL, the
// clerk draws a box on page 2 (the page's small script), previews the copy
// (its pages as the public will see them), saves it, and on the
// publication page chooses the copy, sees it page by page and publishes;
// the register's PDF holds none of the hidden text. axe-core checks the
// redaction page (as opened, after the preview, after saving) and the
// publication page with the copy's preview against WCAG 2.1 A/AA. A browser
// with JavaScript disabled makes a copy by search terms and a typed box. The
// script is also run under the server's own Content-Security-Policy.
//
// Run by tests/browser/run.sh with JAWNOSC_URL=http://127.0.0.1:PORT (a
// server on a fresh database loaded with `seed --demo`). Prints
// "[ RUN      ]", "[       OK ]" and "[  FAILED  ]" lines per test and
// "# pass N" / "# fail N" at the end; exits 1 when anything failed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base, state, need, test, check, equal, finish, axeCheck, submitForm, signIn, launch } from './lib.mjs';

// The demo clerk (server/cli/cmd_seed.c).
const CLERK = { email: 'urzednik@mon.example', password: 'jawnosc-demo' };
const SUBJECT = 'Oświetlenie ulic w gminie (test anonimizacji)';
const REQUESTER = 'Zenobia Kwiatkowska';
const PESEL = '44051401359';
const FILE_NAME = 'wniosek-Kwiatkowska.pdf';
const PAGE2 = 'Zestawienie kosztow oswietlenia ulic';

async function signInClerk(page) {
	await signIn(page, CLERK);
	equal(new URL(page.url()).pathname, '/panel', 'signed in');
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

// ---- A two-page PDF with the requester's name and PESEL on page 1 ------------
// Written by hand (the standard Helvetica, ASCII text), with its cross-reference
// table computed, so the test needs nothing but Node.
function makePdf() {
	const page = (lines) => {
		const ops = lines.map((l, i) => `BT /F1 12 Tf 72 ${742 - 30 * i} Td (${l}) Tj ET`).join('\n');
		return `<< /Length ${Buffer.byteLength(ops, 'latin1')} >>\nstream\n${ops}\nendstream`;
	};
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 7 0 R >> >> /Contents 4 0 R >>',
		page(['Wniosek o udostepnienie informacji publicznej', `Wnioskodawca: ${REQUESTER}`, `PESEL ${PESEL}`,
			'Prosze o zestawienie kosztow oswietlenia ulic.']),
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 7 0 R >> >> /Contents 6 0 R >>',
		page([PAGE2, 'Razem: 120 000 zl']),
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
	];
	let out = '%PDF-1.4\n';
	const offsets = [];
	objects.forEach((o, i) => {
		offsets.push(Buffer.byteLength(out, 'latin1'));
		out += `${i + 1} 0 obj\n${o}\nendobj\n`;
	});
	const xref = Buffer.byteLength(out, 'latin1');
	out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
	out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(out, 'latin1');
}

function pdftotext(buffer) {
	const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'jawnosc-redact-'));
	try {
		const file = join(dir, 'kopia.pdf');
		writeFileSync(file, buffer);
		return execFileSync('pdftotext', ['-q', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

async function main() {
	// The case: filed through the API by the woman the PDF names.
	const created = await fetch(`${base}/api/v1/requests`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({
			kind: 'public_information',
			subject: SUBJECT,
			content: 'Proszę o zestawienie kosztów oświetlenia ulic.',
			delivery: 'email',
			requester: { name: REQUESTER, email: 'zenobia.k@example.pl', postal_address: 'ul. Lipowa 12/4, 00-950 Warszawa' },
		}),
	});
	if (created.status !== 201) throw new Error(`filing the case: ${created.status} ${await created.text()}`);
	const pdf = makePdf();

	const browser = await launch();
	try {
		// bypassCSP: axe is injected as an inline script, which the server's CSP forbids.
		const ctx = await browser.newContext({ bypassCSP: true, locale: 'pl-PL' });
		const page = await ctx.newPage();
		const scriptErrors = [];
		page.on('pageerror', (e) => scriptErrors.push(String(e)));

		await test('clerk_adds_a_pdf_to_the_case', async () => {
			await signInClerk(page);
			await page.goto(`${base}/panel?q=${encodeURIComponent('test anonimizacji')}`);
			const href = await page.locator('table.queue a[href^="/panel/sprawy/"]').first().getAttribute('href');
			await page.goto(`${base}${href}`);
			await page.setInputFiles('#plik', { name: FILE_NAME, mimeType: 'application/pdf', buffer: pdf });
			const resp = await submitForm(page, page.getByRole('button', { name: 'Dodaj plik PDF' }), `${href}/zalaczniki`);
			equal(resp.status(), 303, 'the upload');
			check((await page.getByText('Zapisano: dodany plik PDF.').count()) === 1, 'the notice');
			// The file's name is in the link's name (visually hidden), so each link says which file.
			const link = page.getByRole('link', {
				name: new RegExp(`^przygotuj kopię publiczną \\(anonimizacja\\)\\s*: ${FILE_NAME.replace('.', '\\.')}$`),
			});
			await Promise.all([page.waitForLoadState('load'), link.click()]);
			const path = new URL(page.url()).pathname;
			check(/^\/panel\/sprawy\/\d+\/zalaczniki\/\d+\/anonimizacja$/.test(path), `the redaction page: ${path}`);
			state.casePath = href;
			state.redactPath = path;
		});

		await test('redaction_page_shows_pages_and_suggests_the_personal_data', async () => {
			need('redactPath');
			const terms = await page.getByLabel('Teksty do ukrycia (jeden w wierszu)').inputValue();
			check(terms.includes('Kwiatkowska'), `the name suggested: ${JSON.stringify(terms)}`);
			check(terms.includes(PESEL), `the PESEL suggested: ${JSON.stringify(terms)}`);
			equal(await imagesLoaded(page, '#original-pages img'), 2, 'both pages as images');
			await axeCheck(page, 'the redaction page');
		});

		await test('clerk_draws_a_box_on_page_2', async () => {
			need('redactPath');
			const img = page.locator('.page-canvas[data-page="2"] img');
			// The page's top in view: the box goes over its first line.
			await img.evaluate((el) => el.scrollIntoView({ block: 'start' }));
			const bb = await img.boundingBox();
			await page.mouse.move(bb.x + bb.width * 0.1, bb.y + bb.height * 0.08);
			await page.mouse.down();
			await page.mouse.move(bb.x + bb.width * 0.6, bb.y + bb.height * 0.14, { steps: 5 });
			await page.mouse.up();
			const boxes = page.locator('#box-list input[name="box"]');
			equal(await boxes.count(), 1, 'one box drawn');
			const value = await boxes.first().getAttribute('value');
			check(/^2:\d+\.\d,\d+\.\d,\d+\.\d,\d+\.\d$/.test(value), `the box in points: ${value}`);
			check(await boxes.first().isChecked(), 'ticked');
			equal(await page.locator('.page-canvas[data-page="2"] .box').count(), 1, 'shown on the page');
		});

		await test('preview_shows_the_public_copy_page_by_page', async () => {
			const path = need('redactPath');
			const resp = await submitForm(page, page.getByRole('button', { name: 'Podgląd', exact: true }), path);
			equal(resp.status(), 200, 'the preview');
			const imgs = page.locator('#podglad img');
			equal(await imagesLoaded(page, '#podglad img'), 2, 'both pages of the copy');
			for (let i = 0; i < 2; i++)
				check((await imgs.nth(i).getAttribute('src')).startsWith('data:image/png;base64,'),
					`page ${i + 1} as the copy renders it`);
			equal(await page.locator('#podglad figcaption', { hasText: 'zaczerniona' }).count(), 2, 'both redacted');
			equal(await page.locator('#box-list input[name="box"]:checked').count(), 1, 'the drawn box kept');
			await axeCheck(page, 'the redaction page with its preview');
		});

		await test('clerk_saves_the_copy', async () => {
			const path = need('redactPath');
			const resp = await submitForm(page, page.getByRole('button', { name: 'Zapisz kopię publiczną' }), path);
			equal(resp.status(), 303, 'saved');
			check((await page.locator('.notice', { hasText: 'Zapisano kopię publiczną' }).count()) === 1, 'the notice');
			equal(await page.locator('table.copies tbody tr').count(), 1, 'the copy listed');
			await axeCheck(page, 'the redaction page after saving');
		});

		await test('publication_page_shows_the_copy_and_publishes_it', async () => {
			const casePath = need('casePath');
			need('redactPath');
			const path = `${casePath}/publikacja`;
			await page.goto(`${base}${path}`);
			await page.getByLabel(new RegExp(`^${FILE_NAME.replace('.', '\\.')} — kopia publiczna`)).check();
			let resp = await submitForm(page, page.getByRole('button', { name: 'Pokaż podgląd' }), path);
			equal(resp.status(), 200, 'the preview');
			equal(await imagesLoaded(page, 'figure.copy-pages img'), 2, 'the copy page by page');
			check((await page.locator('.preview article a', { hasText: 'Załącznik nr 1' }).count()) === 1,
				'the item lists the copy');
			check((await page.locator('.preview article').textContent()).indexOf(FILE_NAME) < 0,
				'no file name in what is public');
			await axeCheck(page, 'the publication page with a copy of an attachment');
			resp = await submitForm(page, page.getByRole('button', { name: 'Opublikuj' }), path);
			equal(resp.status(), 303, 'published');
			const publicHref = await page.getByRole('link', { name: 'strona publiczna' }).getAttribute('href');
			await page.goto(`${base}${publicHref}`);
			const href = await page.locator('article a', { hasText: 'Załącznik nr 1' }).getAttribute('href');
			check(/^\/rejestr\/[^/]+\/zalacznik\/\d+$/.test(href), `the copy's address: ${href}`);
			const file = await page.request.get(`${base}${href}`);
			equal(file.status(), 200, 'the copy is served');
			equal(file.headers()['content-type'], 'application/pdf', 'as a PDF');
			const body = await file.body();
			const text = pdftotext(body);
			for (const secret of ['Kwiatkowska', 'Zenobia', PESEL, 'Wnioskodawca'])
				check(!text.includes(secret) && !body.includes(Buffer.from(secret, 'latin1')), `"${secret}" is gone`);
			check(!text.includes(PAGE2), 'the box on page 2 hid its line too');
		});

		await test('no_script_errors', async () => {
			equal(scriptErrors.length, 0, `JavaScript errors on the pages: ${scriptErrors.join('; ')}`);
		});
		await ctx.close();

		// ---- The script under the server's own CSP ----------------------------
		await test('box_drawing_under_the_content_security_policy', async () => {
			const path = need('redactPath');
			const strict = await browser.newContext({ locale: 'pl-PL' });
			const p = await strict.newPage();
			const refused = [];
			p.on('console', (m) => {
				if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
			});
			p.on('pageerror', (e) => refused.push(String(e)));
			try {
				await signInClerk(p);
				await p.goto(`${base}${path}`);
				await imagesLoaded(p, '#original-pages img');
				const img = p.locator('.page-canvas[data-page="1"] img');
				await img.evaluate((el) => el.scrollIntoView({ block: 'start' }));
				const bb = await img.boundingBox();
				await p.mouse.move(bb.x + 20, bb.y + 20);
				await p.mouse.down();
				await p.mouse.move(bb.x + 120, bb.y + 60, { steps: 4 });
				await p.mouse.up();
				equal(await p.locator('#box-list input[name="box"]').count(), 1, 'the box drawn');
				equal(refused.length, 0, `refused by the CSP or failed: ${refused.join('; ')}`);
			} finally {
				await strict.close();
			}
		});

		// ---- Without JavaScript ------------------------------------------------
		await test('redaction_by_search_terms_without_javascript', async () => {
			const path = need('redactPath');
			const noJs = await browser.newContext({ javaScriptEnabled: false, locale: 'pl-PL' });
			const p = await noJs.newPage();
			try {
				await signInClerk(p);
				await p.goto(`${base}${path}`);
				const terms = await p.getByLabel('Teksty do ukrycia (jeden w wierszu)').inputValue();
				check(terms.includes(PESEL), 'the suggestions without a script');
				await p.getByLabel('Dodaj prostokąt').fill('1:60,40,400,60');
				let resp = await submitForm(p, p.getByRole('button', { name: 'Podgląd', exact: true }), path);
				equal(resp.status(), 200, 'the preview');
				equal(await p.locator('#podglad img').count(), 2, 'the copy page by page');
				equal(await p.locator('#box-list input[name="box"]:checked').count(), 1, 'the typed box kept as ticked');
				resp = await submitForm(p, p.getByRole('button', { name: 'Zapisz kopię publiczną' }), path);
				equal(resp.status(), 303, 'saved');
				equal(await p.locator('table.copies tbody tr').count(), 2, 'a second copy');
			} finally {
				await noJs.close();
			}
		});
	} finally {
		await browser.close();
	}
}

await finish('redact_session', main);
