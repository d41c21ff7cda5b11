/*
 * review.test.mjs: the nurses' web UI in a real browser (Debian's headless
 * Chromium, driven by playwright-core), run by `make check` through
 * `node --test`.  One store is built from a simulated batch (fixture.mjs);
 * the tests run in order on it, as one nurse's morning would:
 *   - log in with the keyboard (a wrong password first);
 *   - settle one question across many sheets in the by-question grid;
 *   - work the whole queue with the keyboard only, typing what the simulator
 *     really wrote (its truth files) as a nurse reads it off the crop;
 *   - check the checkups landed with those values, and the access log;
 *   - a POST without the CSRF token, and after logout, changes nothing;
 *   - a clerk (事務) cannot open the queue;
 *   - a 管理者 given audit.read opens the access-log review and marks a finding
 *     確認済; a nurse without audit.read is refused.
 * No page may raise a script error or break the CSP.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, basename, dirname } from 'node:path';
import {
  boshi, buildStore, launchBrowser, login, removeStore, startServer, PASSWORD,
} from './fixture.mjs';

let store, server, browser, context, page;
const problems = [];     /* script errors and CSP reports seen by any page */

/* Rows of a read-only query on the store (sqlite3's JSON output). */
function sql(q) {
  const out = execFileSync('sqlite3', ['-readonly', '-json', store.db, q], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

/* The simulator's truth for a scanned page. */
function truthFile(source) {
  const dir = basename(dirname(source)) === 'todoke' ? 'todoke-' : '';
  return JSON.parse(readFileSync(join(store.truth, dir + basename(source).replace(/\.png$/, '.truth.json')), 'utf8'));
}

/* What the simulator wrote in a field of a scanned page (null: left blank). */
function truthOf(source, field) {
  const t = truthFile(source);
  const f = t.fields.find((x) => x.name === field);
  return f ? { kind: f.kind, value: f.value } : null;
}

/* Same value whatever the spelling: numbers by value, lists by set, any space. */
function same(a, b) {
  if (a === null || a === '' || a === undefined) return b === null || b === '' || b === undefined;
  if (b === null || b === '' || b === undefined) return false;
  a = String(a).replace(/[\s\u3000]+/g, ' ');
  b = String(b).replace(/[\s\u3000]+/g, ' ');
  if (/^-?[0-9.]+$/.test(a) && /^-?[0-9.]+$/.test(b)) return Number(a) === Number(b);
  if (a.includes(',') || b.includes(',')) return a.split(',').sort().join() === b.split(',').sort().join();
  return a === b;
}

function watch(p) {
  p.on('pageerror', (e) => problems.push(`script error on ${p.url()}: ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|Refused/.test(m.text()))
      problems.push(`CSP on ${p.url()}: ${m.text()}`);
  });
}

async function screen() {
  return page.locator('main').getAttribute('data-screen');
}

/* The item on screen, from its URL (/item/ID). */
function itemId() {
  const m = /\/item\/(\d+)/.exec(new URL(page.url()).pathname);
  return m ? Number(m[1]) : 0;
}

/* Waits until the item on screen is no longer `id` (the next one swapped in). */
async function waitPast(id, what) {
  await page.waitForFunction(
    (old) => {
      const m = document.querySelector('main');
      const s = m && m.dataset.screen;
      return s === 'done' || (s === 'item' && !location.pathname.endsWith(`/item/${old}`)) ||
        document.querySelector('.msg[role=alert]') !== null;
    }, id, { timeout: 20000 }).catch(async (err) => {
    const text = await page.locator('main').innerText().catch(() => '?');
    throw new Error(`item ${id} (${JSON.stringify(what)}): still on ${page.url()}: ${text.slice(0, 600)}\n${err.message}`);
  });
}

before(async () => {
  store = buildStore({ pages: 12, seed: 5, profile: 'office' });
  server = await startServer(store.db);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ja-JP' });
  page = await context.newPage();
  watch(page);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  removeStore(store);
});

test('login: a wrong password is refused, the right one opens the queue', async () => {
  await login(page, server.url, 'sato', 'wrong-password');
  assert.match(await page.locator('main').innerText(), /利用者名またはパスワードが違います|ログインできません/);
  await login(page, server.url);
  assert.equal(new URL(page.url()).pathname, '/queue');
  assert.equal(await screen(), 'queue');
  const open = sql("SELECT count(*) AS n FROM review_items WHERE status = 'open'")[0].n;
  assert.ok(open > 20, `the simulated batch should leave a queue (${open} open)`);
  /* the session cookie is out of the script's reach and strict */
  const sid = (await context.cookies()).find((c) => c.name === 'boshi_sid');
  assert.ok(sid && sid.httpOnly && sid.sameSite === 'Strict');
});

test('an EPDS item-10 mark on a scanned 産婦健診 voucher heads the queue; the follow-up closes it, logged', async () => {
  /* the 4か月 forms carry the EPDS too: their alerts are there as well */
  const all = sql("SELECT id FROM alerts WHERE closed_at IS NULL").length;
  const open = sql("SELECT id, person, reason FROM alerts WHERE closed_at IS NULL AND form = 'sanpu_jushinken'");
  assert.equal(open.length, 1, `one alert from the voucher: ${JSON.stringify(open)}`);
  assert.equal(open[0].person, store.mother);
  assert.match(open[0].reason, /項目10/);
  await page.goto(`${server.url}/queue`);
  const box = page.locator('section.alerts');
  assert.equal(await box.count(), 1, 'the alert box on top of the queue');
  /* above every review item */
  const above = await page.evaluate(() => {
    const a = document.querySelector('section.alerts'), t = document.querySelector('tr[data-href^="/item/"]');
    return !t || (a.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
  });
  assert.ok(above, 'alerts come before the review items');
  const text = await box.innerText();
  assert.match(text, new RegExp(`未対応 ${all} 件`));
  const mine = box.locator(`tr:has(a[href="/alert/${open[0].id}"])`);
  assert.match(await mine.innerText(), /項目10/);
  assert.equal(await mine.locator('img.acrop').count(), 1, 'the scanned item is shown');
  await box.locator(`a[href="/alert/${open[0].id}"]`).click();
  await page.waitForFunction(() => document.querySelector('main')?.dataset.screen === 'alert');
  /* all three are required: without the plan nothing closes */
  await page.fill('input[name=contacted_by]', '佐藤 花子');
  await page.fill('textarea[name=plan]', '');
  await page.locator('button.primary').click();
  assert.equal(sql(`SELECT closed_at FROM alerts WHERE id = ${open[0].id}`)[0].closed_at, null);
  await page.fill('textarea[name=plan]', '本人と電話で話した。明日 家庭訪問し、産後ケア事業を案内する');
  await Promise.all([page.waitForLoadState(), page.locator('button.primary').click()]);
  await page.waitForFunction((id) => document.querySelector('main')?.dataset.screen !== 'alert' ||
    /対応済み/.test(document.querySelector('h1')?.textContent || ''), open[0].id);
  const row = sql(`SELECT closed_at, contacted_by, plan FROM alerts WHERE id = ${open[0].id}`)[0];
  assert.ok(row.closed_at, 'closed');
  assert.equal(row.contacted_by, '佐藤 花子');
  assert.match(row.plan, /家庭訪問/);
  await page.goto(`${server.url}/queue`);
  assert.equal(await page.locator(`section.alerts a[href="/alert/${open[0].id}"]`).count(), 0,
    'gone from the open list');
  if (all > 1) assert.match(await page.locator('section.alerts').innerText(), new RegExp(`未対応 ${all - 1} 件`));
  const log = sql(`SELECT user FROM audit_log WHERE function = 'alerts.close' AND person = '${store.mother}'`);
  assert.deepEqual(log.map((x) => x.user), ['sato']);
});

test('by question: one field across the sheets settled with a few keys', async () => {
  /* the question with the most open sheets */
  const g = sql(`SELECT p.form, r.field, count(*) AS n FROM review_items r JOIN pages p ON p.id = r.page_id
                 WHERE r.status = 'open' AND r.kind = 'field' AND p.form = 'nyuyoji_4m'
                 GROUP BY 1, 2 ORDER BY n DESC, r.field LIMIT 1`)[0];
  assert.ok(g.n >= 3, `a question open on several sheets (${g.field}: ${g.n})`);
  await page.goto(`${server.url}/field?form=${g.form}&field=${g.field}`);
  assert.equal(await screen(), 'grid');
  const cells = page.locator('.cell');
  const n = await cells.count();
  assert.equal(n, g.n);
  const expect = new Map();
  for (let i = 0; i < n; i++) {
    const cell = cells.nth(i);
    const name = await cell.locator('select').getAttribute('name');
    const id = Number(name.slice(2));
    const row = sql(`SELECT r.suggested, p.source FROM review_items r JOIN pages p ON p.id = r.page_id WHERE r.id = ${id}`)[0];
    const truth = truthOf(row.source, g.field).value;
    await expect_focused(cell);
    if (truth === null) {
      await page.keyboard.press('Delete');            /* blank, and on to the next */
    } else if (same(row.suggested, truth)) {
      await page.keyboard.press('Enter');             /* the reading is right */
    } else if (await cell.locator('input').count() === 0) {
      /* a choice has no 訂正値: the option's digit ("2: …") picks it, and on to the next */
      const label = await cell.locator(`option[value="v:${truth}"]`).textContent();
      await page.keyboard.press(label.split(':')[0]);
    } else {
      await page.keyboard.type(truth);                /* typing goes to the cell's 訂正値 */
      await page.keyboard.press('Enter');             /* kept; on to the next sheet */
    }
    expect.set(id, truth);
  }
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Control+Enter')]);
  for (const [id, truth] of expect) {
    const r = sql(`SELECT status, value FROM review_items WHERE id = ${id}`)[0];
    assert.notEqual(r.status, 'open', `item ${id} settled from the grid`);
    assert.ok(same(r.value, truth), `item ${id}: stored ${r.value}, written ${truth}`);
  }
});

test('by question: a wrong value is refused on its own sheet, with why, and kept', async () => {
  const g = sql(`SELECT r.field FROM review_items r JOIN pages p ON p.id = r.page_id WHERE r.status = 'open'
                 AND r.kind = 'field' AND p.form = 'nyuyoji_4m' AND r.field IN ('height', 'weight', 'head', 'chest', 'epds')
                 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`)[0];
  await page.goto(`${server.url}/field?form=nyuyoji_4m&field=${g.field}`);
  const first = page.locator('.cell').first();
  const id = Number(await first.getAttribute('data-id'));
  await expect_focused(first);
  await page.keyboard.type('abc');
  await page.keyboard.press('Enter');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Control+Enter')]);
  const bad = page.locator('.cell.s-bad');
  assert.equal(await bad.count(), 1);
  assert.equal(Number(await bad.getAttribute('data-id')), id);
  assert.equal(await bad.locator('input').inputValue(), 'abc');
  assert.ok((await bad.locator('.msg').innerText()).length > 0, 'the sheet says why');
  assert.equal(sql(`SELECT status FROM review_items WHERE id = ${id}`)[0].status, 'open');
});

async function expect_focused(locator) {
  await page.waitForFunction((el) => document.activeElement === el, await locator.elementHandle());
}

/* One item, with the keys a nurse would press for what is written on the sheet. */
async function settle(id) {
  const it = sql(`SELECT r.kind, r.field, r.suggested, p.source, p.form FROM review_items r
                  JOIN pages p ON p.id = r.page_id WHERE r.id = ${id}`)[0];
  if (it.kind === 'identity') {
    const t = truthFile(it.source);
    if (t.page !== 1) {
      /* a later page waits for its first page's person: skip, it follows */
      await page.keyboard.press('Escape');
      return { id, skipped: true };
    }
    const v = (n) => t.fields.find((x) => x.name === n).value;
    let cand = page.locator(`.cand[value="${t.subject}"]`);
    if (!(await cand.count())) {
      /* not among what was read: search the master as she would */
      await page.keyboard.press('/');
      await page.keyboard.type(v('mother_kana'));
      await page.keyboard.press('Tab');
      await page.keyboard.type(v('birth_date'));
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      cand = page.locator(`.cand[value="${t.subject}"]`);
      assert.equal(await cand.count(), 1, `the search finds ${t.subject}`);
    }
    await page.keyboard.press(`Alt+${await cand.getAttribute('data-key')}`);
    return { id, truth: t.subject };
  }
  if (it.kind === 'issue') {
    /* a choice: a sheet taken in twice is dropped (2), anything else is used (1) */
    const reason = sql(`SELECT reason FROM review_items WHERE id = ${id}`)[0].reason;
    const dup = reason.startsWith('二重提出');
    await page.keyboard.press(dup ? '2' : '1');
    return { id, truth: null, rejected: dup, accepted: !dup };
  }
  if (it.kind !== 'field') {
    await page.keyboard.press('F8');
    return { id, truth: null, rejected: true };
  }
  const t = truthOf(it.source, it.field);
  const truth = t ? t.value : null;
  if (t && t.kind === 'printed') {
    await page.keyboard.press('Enter');               /* what boshi printed */
    return { id, truth: it.suggested };
  }
  if (truth === null) {
    await page.keyboard.press('F8');                  /* left blank on paper */
    return { id, truth: null };
  }
  const opt = page.locator(`.opt[value="${truth}"]`);
  if (await opt.count()) {
    await page.keyboard.press(await opt.getAttribute('data-key'));
    return { id, truth };
  }
  const boxes = page.locator('input[type=checkbox][name=m]');
  if (await boxes.count()) {
    const want = truth.split(',');
    for (let i = 0; i < await boxes.count(); i++) {
      const b = boxes.nth(i);
      if ((await b.isChecked()) !== want.includes(await b.getAttribute('value')))
        await page.keyboard.press(await b.getAttribute('data-key'));
    }
    await page.keyboard.press('Enter');
    return { id, truth };
  }
  if (!same(it.suggested, truth)) await page.keyboard.type(truth);
  await page.keyboard.press('Enter');
  /* a 個人番号 is checked, then kept as its last four digits only */
  return { id, truth: t.kind === 'mynumber' ? `********${truth.slice(-4)}` : truth };
}

test('the page screen fixes several readings of one sheet in one place', async () => {
  const pg = sql(`SELECT p.id, p.source FROM pages p JOIN review_items r ON r.page_id = p.id
                  WHERE r.status = 'open' AND r.kind = 'field' AND p.form = 'nyuyoji_4m'
                  GROUP BY p.id HAVING count(*) >= 3 ORDER BY p.id LIMIT 1`)[0];
  assert.ok(pg, 'a checkup page with several open readings');
  await page.goto(`${server.url}/page/${pg.id}`);
  assert.equal(await screen(), 'page');
  /* the page has more open readings than she will fix here */
  const items = sql(`SELECT id, field FROM review_items WHERE page_id = ${pg.id} AND status = 'open' AND kind = 'field'`);
  const want = new Map();
  /* (the handwriting models settle most measurements: 3 open readings a page is many) */
  for (const it of items.slice(0, 2)) {
    const truth = truthOf(pg.source, it.field);
    const control = page.locator(`[name="v_${it.id}"]`);
    if (truth.value === null) {
      await page.locator(`[name="x_${it.id}"]`).check();
    } else if (await control.evaluate((el) => el.tagName) === 'SELECT') {
      await control.selectOption(truth.value);
    } else {
      await control.fill(truth.value);
    }
    want.set(it.id, truth.value);
  }
  await Promise.all([page.waitForNavigation(), page.locator('form.readings button[type=submit]').click()]);
  for (const [id, v] of want) {
    const row = sql(`SELECT status, value FROM review_items WHERE id = ${id}`)[0];
    assert.notEqual(row.status, 'open', `item ${id} settled from the page`);
    assert.ok(same(row.value, v), `item ${id}: stored ${row.value}, written ${v}`);
  }
  /* what she did not touch is still waiting for her, not accepted as read */
  for (const it of items.slice(2))
    assert.equal(sql(`SELECT status FROM review_items WHERE id = ${it.id}`)[0].status, 'open', `item ${it.id} untouched`);
});

test('two nurses on one item: the second is told, nothing of hers is stored', async () => {
  const it = sql(`SELECT r.id, r.field, p.source FROM review_items r JOIN pages p ON p.id = r.page_id
                  WHERE r.status = 'open' AND r.kind = 'field' AND p.form = 'nyuyoji_4m'
                  AND r.field IN ('height', 'weight', 'head', 'chest') ORDER BY r.id`)
    .find((x) => truthOf(x.source, x.field).value !== null);
  const id = it.id, truth = truthOf(it.source, it.field).value;
  const ctx2 = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ja-JP' });
  const p2 = await ctx2.newPage();
  watch(p2);
  await login(p2, server.url, 'tanaka', PASSWORD);
  await page.goto(`${server.url}/item/${id}`);
  await p2.goto(`${server.url}/item/${id}`);
  await page.keyboard.type(truth);
  await page.keyboard.press('Enter');
  await waitPast(id, 'first nurse');
  await p2.keyboard.type('99.9');
  await p2.keyboard.press('Enter');
  await p2.waitForFunction(() => document.querySelector('main')?.dataset.screen === 'conflict');
  assert.match(await p2.locator('main').innerText(), /既に処理されています/);
  const row = sql(`SELECT value, resolved_by FROM review_items WHERE id = ${id}`)[0];
  assert.equal(row.resolved_by, 'sato');
  assert.ok(same(row.value, truth), `the first nurse's ${truth} stands (${row.value})`);
  /* her Enter on the conflict screen goes on to the next item */
  await p2.keyboard.press('Enter');
  await p2.waitForFunction(() => document.querySelector('main')?.dataset.screen === 'item');
  await ctx2.close();
});

/* From the queue at url: Enter opens the first item, then each is settled with keys. */
async function workQueue(url) {
  await page.goto(url);
  assert.equal(await screen(), 'queue');
  /* EPDS alerts head the list (their own screen); the review items follow in risk order */
  const alerts = await page.$$eval('tr.alert[data-href]', (x) => x.length);
  for (let k = 0; k <= alerts; k++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');                 /* the first item in risk order */
  await page.waitForFunction(() => document.querySelector('main')?.dataset.screen === 'item');
  const done = [];
  for (let guard = 0; guard < 400 && (await screen()) === 'item'; guard++) {
    const id = itemId();
    const r = await settle(id);
    await waitPast(id, r);
    const alert = page.locator('.msg[role=alert]');
    if (await alert.count())
      assert.fail(`item ${id} (${JSON.stringify(r)}) refused: ${await alert.innerText()}`);
    done.push(r);
  }
  assert.equal(await screen(), 'done', 'the queue ends on its done screen');
  return done;
}

test('a sheet taken in twice is a choice, both sheets side by side; free text is not taken', async () => {
  const it = sql(`SELECT r.id, r.page_id FROM review_items r WHERE r.status = 'open' AND r.kind = 'issue'
                  AND r.reason LIKE '二重提出%' ORDER BY r.id LIMIT 1`)[0];
  assert.ok(it, 'the fixture has a 二重提出');
  await page.goto(`${server.url}/item/${it.id}`);
  assert.equal(await screen(), 'item');
  assert.equal(await page.locator('#sheet-this').count(), 1);
  assert.equal(await page.locator('#sheet-before').count(), 1);
  assert.equal(await page.locator('#value').count(), 0, 'no text box for a choice');
  const reason = await page.locator('.reason').innerText();
  assert.doesNotMatch(reason, /\/|\.png/, 'no file path in the reason');
  /* free text sent anyway (as a form could be forged) is refused */
  const status = await page.evaluate(async () => {
    const f = document.querySelector('#resolve');
    const fd = new URLSearchParams(new FormData(f));
    fd.set('value', '123');
    const r = await fetch(f.action, { method: 'POST', body: fd,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    return r.status;
  });
  assert.equal(status, 422);
  assert.equal(sql(`SELECT status FROM review_items WHERE id = ${it.id}`)[0].status, 'open');
  await page.keyboard.press('2');                     /* drop this sheet, keep the first */
  await waitPast(it.id, 'drop');
  assert.equal(sql(`SELECT status FROM pages WHERE id = ${it.page_id}`)[0].status, 'rejected');
});

test('the identity screen shows what the sheet says beside the candidates', async () => {
  const it = sql(`SELECT r.id FROM review_items r JOIN pages p ON p.id = r.page_id WHERE r.status = 'open'
                  AND r.kind = 'identity' AND p.page_no = 1 ORDER BY r.id LIMIT 1`)[0];
  if (!it) return;
  await page.goto(`${server.url}/item/${it.id}`);
  const sheet = await page.locator('#sheet-readings').innerText();
  assert.match(sheet, /フリガナ/);
  assert.match(sheet, /生年月日/);
  assert.equal(await page.locator('#register').count(), 1, 'a 住登外 mother can be registered here');
});

test('the queue worked with the keyboard only lands the checkups as written', async () => {
  /* first only the 妊娠届出書 (a chip of the queue): "next" stays inside them */
  const open = (form) => sql(`SELECT count(*) AS n FROM review_items r JOIN pages p ON p.id = r.page_id
                              WHERE r.status = 'open' AND p.form = '${form}'`)[0].n;
  const left4m = open('nyuyoji_4m');
  const done = await workQueue(`${server.url}/queue?form=ninshin_todoke`);
  assert.match(await page.locator('main h1').innerText(), /この条件の確認待ちはすべて終わりました/);
  assert.equal(open('ninshin_todoke'), 0);
  assert.equal(open('nyuyoji_4m'), left4m, 'no checkup item was touched');
  done.push(...await workQueue(`${server.url}/queue`));
  assert.equal(sql("SELECT count(*) AS n FROM review_items WHERE status = 'open'")[0].n, 0);
  for (const r of done.filter((x) => !x.skipped)) {
    const row = sql(`SELECT status, value FROM review_items WHERE id = ${r.id}`)[0];
    assert.ok(r.rejected ? row.status === 'rejected' : r.accepted ? row.status === 'accepted' : same(row.value, r.truth),
      `item ${r.id}: stored ${row.status} ${row.value}, written ${r.truth}`);
  }
  /* every returned checkup page has landed; each field a nurse settled is
   * stored as written on paper (what the reader settled alone is the OCR
   * benchmark's business: bench/ocr.sh) */
  /* (a sheet taken in twice was dropped by the nurse: not landed, said why) */
  const pages = sql(`SELECT id, source, status, record_id FROM pages WHERE form = 'nyuyoji_4m' AND
                     NOT (status = 'rejected' AND reason LIKE '確認で却下: 二重提出%')`);
  assert.ok(pages.length >= 10);
  let settled = 0;
  for (const p of pages) {
    assert.equal(p.status, 'landed', `page ${p.source} landed`);
    for (const rd of sql(`SELECT g.field, g.value FROM readings g JOIN review_items r ON r.reading_id = g.id
                          WHERE g.page_id = ${p.id} AND r.status <> 'rejected'`)) {
      const t = truthOf(p.source, rd.field);
      if (!t || t.kind === 'printed') continue;
      assert.ok(same(rd.value, t.value), `${basename(p.source)} ${rd.field}: stored ${rd.value}, written ${t.value}`);
      settled++;
    }
  }
  /* (fewer since the handwriting models settle most measurements and 実施日) */
  assert.ok(settled >= 10, `${settled} fields settled by the nurse landed as written`);
  /* the 個人番号 a nurse typed from a 妊娠届出書 was checked, never kept */
  for (const f of readdirSync(store.truth).filter((x) => x.startsWith('todoke-'))) {
    const mn = JSON.parse(readFileSync(join(store.truth, f), 'utf8')).fields.find((x) => x.name === 'mynumber');
    if (!mn || !mn.value) continue;
    for (const file of [store.db, `${store.db}-wal`])
      if (existsSync(file))
        assert.ok(!readFileSync(file).includes(Buffer.from(mn.value)), `個人番号 in ${basename(file)}`);
    assert.equal(sql(`SELECT count(*) AS n FROM review_items WHERE value LIKE '%${mn.value}%' OR suggested LIKE '%${mn.value}%'`)[0].n, 0);
  }
  /* both 妊娠届出書 (two pages each) landed for the mothers who wrote them */
  const todoke = sql(`SELECT subject, status FROM pages WHERE form = 'ninshin_todoke'`);
  assert.equal(todoke.length, 4);
  for (const p of todoke) assert.equal(p.status, 'landed', `妊娠届 page of ${p.subject}`);
  assert.equal(sql(`SELECT count(*) AS n FROM pregnancies WHERE mother LIKE '199%'`)[0].n, 2);
  const c = sql(`SELECT count(DISTINCT person) AS n FROM checkups WHERE form = 'nyuyoji_4m'`)[0].n;
  assert.equal(c, new Set(sql(`SELECT subject FROM pages WHERE form = 'nyuyoji_4m'`).map((x) => x.subject)).size);
});

test('a landed value is changed on the page screen, with a reason, and the record lands again', async () => {
  const pg = sql(`SELECT p.id FROM pages p JOIN readings g ON g.page_id = p.id WHERE p.status = 'landed'
                  AND p.form = 'nyuyoji_4m' AND g.field = 'weight' AND g.value IS NOT NULL ORDER BY p.id LIMIT 1`)[0];
  assert.ok(pg, 'a landed 健診票 with a weight');
  await page.goto(`${server.url}/page/${pg.id}`);
  assert.match(await page.locator('#geometry').innerText(), /dpi/, 'how the scanner saw it');
  await Promise.all([page.waitForNavigation(), page.locator('#edit-weight').click()]);
  await page.locator('#edit-value').fill('7.12');
  await Promise.all([page.waitForNavigation(), page.locator('#edit-set').click()]);
  assert.equal(await page.locator('.msg[role=alert]').count(), 1, 'refused without a reason');
  await page.locator('#edit-reason').fill('体重計の読み違い (保護者に確認)');
  await Promise.all([page.waitForNavigation(), page.locator('#edit-set').click()]);
  assert.match(await page.locator('.flash').innerText(), /登録し直しました/);
  const rec = sql(`SELECT c.weight_kg FROM checkups c JOIN pages p ON p.record_id = c.id AND p.record_kind = 'checkup'
                   WHERE p.id = ${pg.id}`)[0];
  assert.equal(rec.weight_kg, 7.12);
  assert.equal(sql(`SELECT status FROM pages WHERE id = ${pg.id}`)[0].status, 'landed');
  assert.equal(sql(`SELECT count(*) AS n FROM review_log WHERE reason LIKE '体重計の読み違い%'`)[0].n, 2);
  assert.match(boshi(store.db, ['audit', 'list', '--user', 'sato', '--limit', '100000']), /review\.reopen/);
});

test('the person screen asks the reason first; the access log names the nurse', async () => {
  const person = sql(`SELECT person FROM checkups WHERE form = 'nyuyoji_4m' ORDER BY person LIMIT 1`)[0].person;
  await page.goto(`${server.url}/person/${person}`);
  assert.equal(await screen(), 'ask');
  assert.doesNotMatch(await page.locator('main').innerText(), /身長|体重/);
  await page.keyboard.press('1');                     /* the first 処理事由 */
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.equal(await screen(), 'person');
  const text = await page.locator('main').innerText();
  assert.match(text, /乳児健康診査/);
  assert.match(text, /令和\d+年\d+月\d+日/, 'dates in 和暦');
  assert.doesNotMatch(text, /yokansatsu|ijonashi|nyuyoji_4m|mimi|sonota/, 'labels, not codes');
  assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT\d\d:/, 'Japan time, not UTC ISO');
  assert.doesNotMatch(text, /\d{12}/, 'no 個人番号 in clear');
  const audit = boshi(store.db, ['audit', 'list', '--user', 'sato', '--limit', '100000']);
  assert.match(audit, new RegExp(`sato.*web\\.person.*${person}|sato.*${person}.*web\\.person`));
  assert.match(audit, /sato.*review\.(resolve|accept|correct|reject)/);
  assert.match(boshi(store.db, ['audit', 'verify']), /OK|正常|改ざん.*ありません|検証/);
});

test('revealing a 個人番号 needs the permission and a reason, and is logged', async () => {
  const person = sql(`SELECT subject FROM pages WHERE form = 'ninshin_todoke' AND page_no = 1 LIMIT 1`)[0].subject;
  /* a nurse without the permission is not offered it, and is refused if she asks */
  await page.goto(`${server.url}/person/${person}`);
  await page.keyboard.press('1');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.equal(await page.locator('input[name=act][value=reveal]').count(), 0);
  const csrf = await page.locator('input[name=csrf]').first().inputValue();
  const r = await page.request.post(`${server.url}/person/${person}`, {
    form: { csrf, act: 'reveal', reason: '確認' }, maxRedirects: 0,
  });
  assert.equal(r.status(), 403);
  /* (the CSRF token is hex: twelve digits in a row can happen there) */
  assert.doesNotMatch((await r.text()).replace(/value="[0-9a-f]{64}"/g, ''), /\d{12}/);
  /* the chief nurse with the permission: a reason, then the number, logged */
  const ctx3 = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ja-JP' });
  const p3 = await ctx3.newPage();
  watch(p3);
  await login(p3, server.url, 'yamada', PASSWORD);
  await p3.goto(`${server.url}/person/${person}`);
  await p3.keyboard.press('1');
  await Promise.all([p3.waitForNavigation(), p3.keyboard.press('Enter')]);
  assert.doesNotMatch(await p3.locator('main').innerText(), /\d{12}/);
  await p3.locator('input[name=reason][placeholder]').fill('本人からの届出内容の確認');
  await Promise.all([p3.waitForNavigation(), p3.locator('input[name=reason][placeholder]').press('Enter')]);
  const shown = await p3.locator('main').innerText();
  const real = readFileSync(join(store.dir, 'tennyu.csv'), 'utf8').split('\n').find((l) => l.startsWith(person)).split(',')[14];
  assert.ok(shown.replace(/ /g, '').includes(real), 'the number is shown to her');
  const audit = boshi(store.db, ['audit', 'list', '--user', 'yamada', '--limit', '100000']);
  assert.match(audit, /mynumber\.reveal.*本人からの届出内容の確認|本人からの届出内容の確認.*mynumber\.reveal/);
  assert.ok(!audit.includes(real), 'never in the access log');
  await ctx3.close();
});

test('a POST without the CSRF token, or after logout, changes nothing', async () => {
  /* an item to aim at: re-open nothing; use a fresh batch's item if none is open */
  const anyItem = sql(`SELECT id FROM review_items ORDER BY id LIMIT 1`)[0].id;
  const before = sql(`SELECT status, value, resolved_at FROM review_items WHERE id = ${anyItem}`)[0];
  const noToken = await page.request.post(`${server.url}/item/${anyItem}`, {
    form: { value: '999', act: 'auto' }, maxRedirects: 0,
  });
  assert.equal(noToken.status(), 403);
  /* the session's token, then log out with the menu's button */
  await page.goto(`${server.url}/queue`);
  const csrf = await page.locator('input[name=csrf]').first().inputValue();
  const cookie = (await context.cookies()).find((c) => c.name === 'boshi_sid').value;
  await page.locator('form[action="/logout"] button').focus();
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.equal(new URL(page.url()).pathname, '/login');
  const replay = await fetch(`${server.url}/item/${anyItem}`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `boshi_sid=${cookie}` },
    body: new URLSearchParams({ csrf, value: '999', act: 'auto' }),
  });
  assert.equal(replay.status, 401, 'the old session is gone on the server');
  const q = await fetch(`${server.url}/queue`, { redirect: 'manual', headers: { Cookie: `boshi_sid=${cookie}` } });
  assert.equal(q.status, 303);
  assert.deepEqual(sql(`SELECT status, value, resolved_at FROM review_items WHERE id = ${anyItem}`)[0], before);
});

test('a crafted next after the login stays on this site', async () => {
  const c2 = await browser.newContext({ locale: 'ja-JP' });
  const p2 = await c2.newPage();
  watch(p2);
  for (const next of ['/\t/evil.example/', '//evil.example/', '/\\evil.example/', '/%2f%2fevil.example/']) {
    await p2.goto(`${server.url}/login?next=${encodeURIComponent(next)}`);
    await p2.locator('input[name=login]').focus();
    await p2.keyboard.type('sato');
    await p2.keyboard.press('Tab');
    await p2.keyboard.type(PASSWORD);
    await Promise.all([p2.waitForNavigation(), p2.keyboard.press('Enter')]);
    const u = new URL(p2.url());
    assert.equal(u.origin, new URL(server.url).origin, `next ${JSON.stringify(next)} left the site: ${p2.url()}`);
    assert.equal(u.pathname, '/queue');
    await c2.clearCookies();
  }
  await c2.close();
});

test('a clerk (事務) has no queue', async () => {
  const p2 = await context.newPage();
  watch(p2);
  await login(p2, server.url, 'suzuki', PASSWORD);
  assert.doesNotMatch(await p2.locator('header nav').innerText().catch(() => ''), /確認待ち/);
  const r = await p2.goto(`${server.url}/queue`);
  assert.equal(r.status(), 403);
  await p2.close();
});

test('the access-log review: a 管理者 with audit.read sees it and marks a finding; a nurse does not', async () => {
  /* the 管理者 is given audit.read, as README "Access-log review" says */
  boshi(store.db, ['users', 'add', '--name', '加藤 久 (管理者)', '--role', '管理者', 'kato']);
  boshi(store.db, ['users', 'grant', 'kato', 'audit.read']);
  boshi(store.db, ['users', 'passwd', 'kato'], `${PASSWORD}\n`);
  /* the month of the views made above, in Japan time (the log's clock) */
  const month = new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 7);
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ja-JP' });
  const p = await ctx.newPage();
  watch(p);
  await login(p, server.url, 'kato', PASSWORD);
  assert.match(await p.locator('header nav').innerText(), /アクセス記録点検/);
  const r = await p.goto(`${server.url}/audit?month=${month}`);
  assert.equal(r.status(), 200);
  assert.equal(await p.locator('main').getAttribute('data-screen'), 'audit');
  const main = await p.locator('main').innerText();
  assert.match(main, /アクセス記録点検/);
  assert.match(main, /支援措置対象者の閲覧/);
  assert.doesNotMatch(main, /未接続/);
  /* yamada revealed a 個人番号 above: that is a finding, every time */
  const reveal = sql(`SELECT id FROM audit_findings WHERE month = '${month}' AND rule = 'reveal' AND user = 'yamada'`);
  assert.ok(reveal.length >= 1, 'the reveal is a finding');
  const id = reveal[0].id;
  const row = p.locator(`#finding-${id}`);
  assert.match(await row.innerText(), /個人番号の表示/);
  await row.locator('input[name=comment]').fill('係長が本人の届出を確認 (業務)');
  await Promise.all([p.waitForNavigation(), row.locator('button[type=submit]').click()]);
  assert.equal(new URL(p.url()).pathname, '/audit');
  assert.match(await p.locator(`#finding-${id}`).innerText(), /確認済/);
  assert.deepEqual(sql(`SELECT checked_by, comment FROM audit_findings WHERE id = ${id}`),
    [{ checked_by: 'kato', comment: '係長が本人の届出を確認 (業務)' }]);
  const audit = boshi(store.db, ['audit', 'list', '--user', 'kato', '--limit', '100000']);
  assert.match(audit, /audit\.review\.mark/);
  await ctx.close();
  /* a nurse (保健師, no audit.read): no link, and the screen is refused */
  const p2 = await context.newPage();
  watch(p2);
  await login(p2, server.url, 'tanaka', PASSWORD);
  assert.doesNotMatch(await p2.locator('header nav').innerText(), /アクセス記録点検/);
  const r2 = await p2.goto(`${server.url}/audit?month=${month}`);
  assert.equal(r2.status(), 403);
  assert.doesNotMatch(await p2.locator('main').innerText(), /個人番号の表示/);
  await p2.close();
});

test('no page raised a script error or a CSP violation', () => {
  assert.deepEqual(problems, []);
});
