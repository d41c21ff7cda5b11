/*
 * screenshots.mjs: takes the screenshots in review/README.md with the same
 * store the browser tests use (fixture.mjs) and the same headless Chromium,
 * logged in as a nurse, each screen as she sees it (focus included).
 *   node tests/e2e/screenshots.mjs [OUT_DIR]     (default review/screenshots)
 * BOSHI_BIN names the boshi binary (default ./boshi).  Not a test: the
 * tests are review.test.mjs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildStore, launchBrowser, login, removeStore, startServer } from './fixture.mjs';

const out = resolve(process.argv[2] || new URL('../../review/screenshots', import.meta.url).pathname);
mkdirSync(out, { recursive: true });
const store = buildStore({ pages: 12, seed: 5, profile: 'office' });
const server = await startServer(store.db);
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1366, height: 860 }, locale: 'ja-JP' });

function one(q) {
  return execFileSync('sqlite3', ['-readonly', store.db, q], { encoding: 'utf8' }).trim().split('\n')[0];
}
async function shot(name) {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  console.log(`${name}.png`);
}
async function openItem(where) {
  const id = one(`SELECT r.id FROM review_items r JOIN pages p ON p.id = r.page_id WHERE r.status = 'open' AND ${where} ORDER BY r.risk DESC, r.id LIMIT 1`);
  await page.goto(`${server.url}/item/${id}`);
  return id;
}

try {
  await page.goto(`${server.url}/login`);
  await shot('login');
  await login(page, server.url);
  await shot('queue');
  await openItem(`r.kind = 'field' AND r.field = 'sogo_hantei'`);
  await shot('item');
  await openItem(`r.kind = 'field' AND r.field = 'height'`);
  await page.keyboard.type('53.7');
  await shot('item-typing');
  if (one(`SELECT count(*) FROM review_items WHERE status = 'open' AND field IN ('shoken', 'kosodate_kodo', 'seimitsu_target')`) !== '0') {
    await openItem(`r.kind = 'field' AND r.field IN ('shoken', 'kosodate_kodo', 'seimitsu_target')`);
    await shot('item-multi');
  }
  /* identity: the 妊娠届出書 of a mother, searched by what she wrote */
  const idItem = await openItem(`r.kind = 'identity' AND p.page_no = 1`);
  const kana = one(`SELECT kana FROM residents WHERE atena LIKE '199%' ORDER BY atena LIMIT 1`);
  const birth = one(`SELECT birth FROM residents WHERE atena LIKE '199%' ORDER BY atena LIMIT 1`);
  await page.goto(`${server.url}/item/${idItem}?kana=${encodeURIComponent(kana)}&birth=${birth}`);
  await shot('item-identity');
  const g = one(`SELECT r.field FROM review_items r JOIN pages p ON p.id = r.page_id WHERE r.status = 'open' AND p.form = 'nyuyoji_4m' AND r.kind = 'field' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`);
  await page.goto(`${server.url}/field?form=nyuyoji_4m&field=${g}`);
  await page.keyboard.press('Enter');                 /* the first reading is right */
  await page.keyboard.type('8.06');                   /* the second is corrected */
  await page.keyboard.press('Enter');
  await shot('field-grid');
  await page.goto(`${server.url}/field`);
  await shot('field-list');
  const pg = one(`SELECT p.id FROM pages p JOIN review_items r ON r.page_id = p.id WHERE r.status = 'open' AND p.form = 'nyuyoji_4m' GROUP BY p.id ORDER BY count(*) DESC LIMIT 1`);
  await page.goto(`${server.url}/page/${pg}`);
  await shot('page');
  /* changing a settled reading of the page, with a reason */
  const settled = one(`SELECT field FROM readings WHERE page_id = ${pg} AND decision = 'accepted' AND field NOT LIKE 'staff_%' ORDER BY field = 'sogo_hantei' DESC LIMIT 1`);
  if (settled) {
    await page.goto(`${server.url}/page/${pg}?edit=${settled}#edit`);
    await shot('page-edit');
  }
  /* a sheet taken in twice: both side by side, two choices */
  const dup = one(`SELECT id FROM review_items WHERE status = 'open' AND kind = 'issue' AND reason LIKE '二重提出%' LIMIT 1`);
  if (dup) {
    await page.goto(`${server.url}/item/${dup}`);
    await shot('item-duplicate');
  }
  /* a year of synthetic records, so that a person has a history to show */
  const fy = new Date().getMonth() < 3 ? new Date().getFullYear() - 1 : new Date().getFullYear();
  execFileSync(process.env.BOSHI_BIN || new URL('../../boshi', import.meta.url).pathname,
    ['--db', store.db, 'demo', 'activity', '--fiscal-year', String(fy - 1), '--seed', '1'],
    { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, stdio: 'ignore' });
  const person = one(`SELECT person FROM checkups GROUP BY person ORDER BY count(*) DESC, person LIMIT 1`);
  await page.goto(`${server.url}/person/${person}`);
  await shot('person-reason');
  await page.keyboard.press('1');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await shot('person');
  /* a second nurse sends an answer for an item already settled */
  const item = await openItem(`r.kind = 'field' AND p.form = 'nyuyoji_4m'`);
  execFileSync(process.env.BOSHI_BIN || new URL('../../boshi', import.meta.url).pathname,
    ['--db', store.db, 'review', 'reject', item], { env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
  await page.keyboard.press('F8');
  await page.waitForFunction(() => document.querySelector('main')?.dataset.screen === 'conflict');
  await shot('conflict');
} finally {
  await browser.close();
  await server.stop();
  removeStore(store);
}
