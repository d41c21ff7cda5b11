/*
 * fixture.mjs: what the browser tests and the screenshot script stand on: a
 * store built by boshi itself from synthetic data (a generated town, a month's
 * 3〜4か月児 checkup forms printed, filled in and "scanned" by the simulator,
 * two 妊娠届出書 nobody printed a name on, taken in by `boshi intake`), nurse
 * and clerk accounts with web passwords, `boshi serve` on a free loopback
 * port, and Debian's Chromium driven by playwright-core.
 *
 * Exports: boshi(), buildStore(), startServer(), launchBrowser(), login().
 * Every store lives in its own temporary folder; nothing here touches real
 * people's data.  Not for: the Check tests of the handlers
 * (tests/test_review_web.c).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BOSHI = process.env.BOSHI_BIN || new URL('../../boshi', import.meta.url).pathname;
export const PASSWORD = 'correct-horse-1';

/* Runs boshi on the store db; returns its standard output. */
export function boshi(db, args, input) {
  return execFileSync(BOSHI, ['--db', db, ...args], {
    input: input ?? '',
    env: { ...process.env, OMP_THREAD_LIMIT: '1' },
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function isoDay(d) {
  return d.toISOString().slice(0, 10);
}

/*
 * A store with a review queue.  pages: how many checkup pages come back
 * (the 妊娠届出書 are two more).  Returns { dir, db, month, batch }.
 */
export function buildStore({ pages = 12, seed = 5, profile = 'office' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'boshi-e2e-'));
  const db = join(dir, 'boshi.db');
  const now = new Date();
  const yesterday = isoDay(new Date(now.getTime() - 86400e3));
  /* last month's checkup: its day is past, so what the nurses settle can land */
  const month = isoDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 10))).slice(0, 7);

  boshi(db, ['init', '--demo']);
  for (const [k, v] of [
    ['site.name', 'みどり市 保健センター'],
    ['site.address', '〒389-0100 みどり市本町1丁目1番1号'],
    ['site.contact', '母子保健係 電話 0120-000-000'],
    ['checkup.venue', 'みどり市保健センター 2階 集団健診室'],
  ])
    boshi(db, ['settings', 'set', k, v]);
  const town = join(dir, 'town.csv');
  boshi(db, ['demo', 'town', '--residents', '8000', '--as-of', yesterday, '-o', town]);
  boshi(db, ['residents', 'import', '--full', town]);
  const pdf = join(dir, `kenshin-${month}.pdf`);
  /* printed at the start of that month (a past checkup day is refused today; the 10th may be a
   * Sunday or a holiday, which needs --force) */
  boshi(db, ['targets', 'nyuyoji_4m', '--month', month, '--date', `${month}-10`, '--as-of',
    `${month}-01`, '--force', '--reason', '試験', '-o', pdf]);
  /* the forms come back filled in on the checkup day; the simulator's truth
   * (what was really written) is kept apart, as a scanner would not write it */
  const scans = join(dir, 'scans'), truth = join(dir, 'truth');
  boshi(db, ['demo', 'scan', '--store', '--from-issues', join(dir, `kenshin-${month}.csv`),
    '--forms', 'nyuyoji_4m', '--pages', String(pages), '--profile', profile,
    '--seed', String(seed), '--as-of', `${month}-10`, '-o', scans]);
  /* two blank 妊娠届出書 handed out at the counter, brought back filled in
   * by two mothers who are residents (they join the master by a 転入 before
   * the batch is taken in) */
  boshi(db, ['forms', 'print', 'ninshin_todoke', '--blank', '--copies', '2', '-o', join(dir, 'todoke.pdf')]);
  const blanks = execFileSync('sqlite3', [db, "SELECT printf('I%08d', id) FROM issues_printed WHERE kind = 'blank' ORDER BY id"],
    { encoding: 'utf8' }).trim().split('\n');
  writeFileSync(join(dir, 'todoke.csv'),
    `form,subject,issue,name,kana,birth\n${blanks.map((b) => `ninshin_todoke,,${b},,,`).join('\n')}\n`);
  boshi(db, ['demo', 'scan', '--store', '--from-issues', join(dir, 'todoke.csv'),
    '--pages', '4', '--profile', profile, '--seed', String(seed + 1), '--as-of', yesterday,
    '-o', join(scans, 'todoke')]);
  const moved = ['宛名番号,世帯番号,氏名,氏名カナ,性別,生年月日,続柄,住民状態,郵便番号,住所,方書,異動事由,異動日,届出日,個人番号'];
  for (const f of readdirSync(join(scans, 'todoke')).filter((x) => x.endsWith('.truth.json')).sort()) {
    const t = JSON.parse(readFileSync(join(scans, 'todoke', f), 'utf8'));
    if (t.page !== 1) continue;
    const v = (n) => t.fields.find((x) => x.name === n).value || '';
    const atena = String(1990000001 + moved.length);
    t.subject = atena;          /* who really wrote it, for the tests */
    writeFileSync(join(scans, 'todoke', f), JSON.stringify(t));
    const day = yesterday.replaceAll('-', '');
    moved.push([atena, atena, v('mother_name').replace(' ', '　'), v('mother_kana').replace(' ', '　'), 2,
      v('birth_date').replaceAll('-', ''), '世帯主', 1, '3890101', v('address') || 'みどり市本町1丁目1番1号', '',
      '03', day, day, v('mynumber')].join(','));
  }
  writeFileSync(join(dir, 'tennyu.csv'), moved.join('\n') + '\n');
  boshi(db, ['residents', 'import', join(dir, 'tennyu.csv')]);
  mkdirSync(truth);
  for (const d of [scans, join(scans, 'todoke')])
    for (const f of readdirSync(d))
      if (f.endsWith('.truth.json')) {
        const t = JSON.parse(readFileSync(join(d, f), 'utf8'));
        writeFileSync(join(truth, `${d === scans ? '' : 'todoke-'}${f}`), JSON.stringify(t));
        unlinkSync(join(d, f));
      }
  /* a clinic returns a mother's 産婦健康診査受診券 (産後2週間) with EPDS item 10
   * (自分自身を傷つけるという考え) marked 2: the same-day alert */
  const mother = execFileSync('sqlite3', [db, "SELECT atena FROM residents WHERE sex = 2 AND status = 1 " +
    "AND zokugara IN ('妻', '世帯主') AND birth BETWEEN '1985-01-01' AND '2000-12-31' ORDER BY atena LIMIT 1"],
  { encoding: 'utf8' }).trim();
  boshi(db, ['forms', 'print', 'ninpu_jushinken', '--person', mother, '-o', join(dir, 'vouchers.pdf')]);
  const sanpu = execFileSync('sqlite3', ['-csv', db, "SELECT i.form, i.person, i.issue_id, r.name, r.kana, " +
    "r.birth FROM issues_printed i JOIN residents r ON r.atena = i.person WHERE i.form = 'sanpu_jushinken' " +
    'AND i.seq = 1'], { encoding: 'utf8' }).trim();
  writeFileSync(join(dir, 'sanpu.csv'), `form,subject,issue,name,kana,birth\n${sanpu}\n`);
  const sets = [];
  for (let i = 1; i <= 9; i++) sets.push('--set', `epds_${i}=0:tick`);
  sets.push('--set', 'epds_10=2:tick', '--set', 'epds_total=2', '--set', 'shoken=ijonashi:tick');
  boshi(db, ['demo', 'scan', '--store', '--from-issues', join(dir, 'sanpu.csv'), '--pages', '1',
    '--profile', 'clean', '--seed', String(seed + 2), '--as-of', yesterday, ...sets,
    '-o', join(scans, 'sanpu')]);
  for (const f of readdirSync(join(scans, 'sanpu')))
    if (f.endsWith('.truth.json')) unlinkSync(join(scans, 'sanpu', f));
  const batch = `e2e-${month}`;
  boshi(db, ['intake', '--workers', '2', '--name', batch, scans]);

  boshi(db, ['users', 'add', '--name', '佐藤 花子 (保健師)', '--role', '保健師', 'sato']);
  boshi(db, ['users', 'passwd', 'sato'], `${PASSWORD}\n`);
  boshi(db, ['users', 'add', '--name', '鈴木 一郎 (事務)', '--role', '事務', 'suzuki']);
  boshi(db, ['users', 'passwd', 'suzuki'], `${PASSWORD}\n`);
  boshi(db, ['users', 'add', '--name', '田中 恵 (保健師)', '--role', '保健師', 'tanaka']);
  boshi(db, ['users', 'passwd', 'tanaka'], `${PASSWORD}\n`);
  /* the chief nurse may also see a 個人番号 (with a reason, logged) */
  boshi(db, ['users', 'add', '--name', '山田 洋子 (保健師・係長)', '--role', '保健師', 'yamada']);
  boshi(db, ['users', 'grant', 'yamada', 'mynumber.reveal']);
  boshi(db, ['users', 'passwd', 'yamada'], `${PASSWORD}\n`);
  return { dir, db, month, batch, scans, truth, mother };
}

export function removeStore(store) {
  if (store && !process.env.BOSHI_E2E_KEEP) rmSync(store.dir, { recursive: true, force: true });
}

/* `boshi serve` on a free loopback port; resolves to { url, stop() }. */
export function startServer(db) {
  return new Promise((resolve, reject) => {
    const p = spawn(BOSHI, ['--db', db, 'serve', '--listen', '127.0.0.1:0'], {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '', err = '';
    const timer = setTimeout(() => reject(new Error(`boshi serve did not start: ${err}`)), 15000);
    p.stderr.on('data', (d) => { err += d; });
    p.stdout.on('data', (d) => {
      out += d;
      const m = /listening on port (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: `http://127.0.0.1:${m[1]}`,
          stop: () => new Promise((done) => { p.once('exit', done); p.kill('SIGTERM'); }),
        });
      }
    });
    p.on('exit', (code) => reject(new Error(`boshi serve exited (${code}): ${err}`)));
  });
}

/* Debian's Chromium, headless, with a fresh profile and no background traffic. */
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'boshi-chromium-'));
  mkdirSync(profile, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
  const close = browser.close.bind(browser);
  browser.close = async () => { await close(); rmSync(profile, { recursive: true, force: true }); };
  return browser;
}

/* Logs in through the login screen with the keyboard; leaves the page on the first screen. */
export async function login(page, url, user = 'sato', password = PASSWORD) {
  await page.goto(`${url}/login`);
  await page.locator('input[name=login]').focus();
  await page.keyboard.type(user);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}
