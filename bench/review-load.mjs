#!/usr/bin/env node
// bench/review-load.mjs - the load client of bench/review.sh: simulated
// nurses working the review queue of a running `boshi serve` over HTTP, as
// the browser does (a session each, keep-alive connections, the images of
// an item fetched side by side), for a number of seconds or while another
// process (an intake batch) runs.  Prints the phase's requests, items
// resolved, conflicts and latency per request kind (median, p95, p99), and
// writes the same as JSON; `--compare A.json B.json` prints B against A.
// Node 20 built-ins only.  Not for: checking the screens (tests/ do that).
//
//   node bench/review-load.mjs --port N --password PW [--nurses 20] [--prefix nurse]
//        (--seconds S | --while-pid PID) [--label L] [--json FILE] [--think-ms 2000-4000]
//   node bench/review-load.mjs --compare phase1.json phase2.json
//
// Exit status: 1 when any answer was an error a nurse would see (a 5xx, a
// page mentioning "locked" or "database", an unexpected status, a network
// error), else 0.

import http from "node:http";
import { readFileSync, writeFileSync } from "node:fs";

const KINDS = ["login", "queue", "next", "item", "crop", "page", "resolve"];

function parseArgs(argv) {
  const o = { host: "127.0.0.1", nurses: 20, prefix: "nurse", label: "phase", think: [2000, 4000],
              seed: 1, maxSeconds: 900 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => argv[++i];
    switch (a) {
      case "--port": o.port = Number(v()); break;
      case "--host": o.host = v(); break;
      case "--password": o.password = v(); break;
      case "--nurses": o.nurses = Number(v()); break;
      case "--prefix": o.prefix = v(); break;
      case "--seconds": o.seconds = Number(v()); break;
      case "--while-pid": o.whilePid = Number(v()); break;
      case "--label": o.label = v(); break;
      case "--json": o.json = v(); break;
      case "--seed": o.seed = Number(v()); break;
      case "--think-ms": o.think = v().split("-").map(Number); break;
      case "--compare": o.compare = [v(), v()]; break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  return o;
}

// A small deterministic generator (mulberry32), so runs are comparable.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function summary(ms) {
  const s = Float64Array.from(ms).sort();
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99),
           max: s.length ? s[s.length - 1] : NaN };
}

// What the phase saw, shared by its nurses.
class Tally {
  constructor() {
    this.ms = Object.fromEntries(KINDS.map((k) => [k, []]));
    this.requests = 0;
    this.resolved = 0;
    this.conflicts = 0;       // 409: another nurse resolved the item first
    this.refused = 0;         // 422: the value did not fit the field (the nurse then blanks it)
    this.errors = 0;
    this.samples = [];        // the first few errors, for the report
    this.counting = false;    // only requests of the phase itself are counted
  }
  error(what) {
    if (!this.counting) return;
    this.errors++;
    if (this.samples.length < 10) this.samples.push(what);
  }
}

class Nurse {
  constructor(o, login, tally, random) {
    this.o = o;
    this.login = login;
    this.tally = tally;
    this.random = random;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    this.cookies = new Map();
    this.csrf = "";
  }

  // One request; resolves to { status, headers, body } (body a string, or a Buffer for images).
  request(kind, method, path, form, expect) {
    const headers = {};
    if (this.cookies.size)
      headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    let body = null;
    if (form) {
      body = new URLSearchParams(form).toString();
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      headers["Content-Length"] = Buffer.byteLength(body);
    }
    const t0 = process.hrtime.bigint();
    const counting = this.tally.counting;
    return new Promise((resolve) => {
      const req = http.request({ host: this.o.host, port: this.o.port, method, path, headers,
                                 agent: this.agent, timeout: 60000 }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          for (const c of res.headers["set-cookie"] || []) {
            const [pair, ...attrs] = c.split(";");
            const eq = pair.indexOf("=");
            const name = pair.slice(0, eq).trim(), value = pair.slice(eq + 1).trim();
            if (value === "" || attrs.some((x) => /max-age=0/i.test(x))) this.cookies.delete(name);
            else this.cookies.set(name, value);
          }
          const buf = Buffer.concat(chunks);
          const html = /^text\//.test(res.headers["content-type"] || "");
          const out = { status: res.statusCode, headers: res.headers, body: html ? buf.toString() : buf };
          if (counting) {
            this.tally.requests++;
            this.tally.ms[kind].push(ms);
          }
          if (res.statusCode >= 500)
            this.tally.error(`${method} ${path}: ${res.statusCode}`);
          else if (html && /locked|database/i.test(out.body))
            this.tally.error(`${method} ${path}: ${res.statusCode}, the page says ${out.body.match(/[^<>]*(locked|database)[^<>]*/i)[0].trim()}`);
          else if (!expect.includes(res.statusCode))
            this.tally.error(`${method} ${path}: ${res.statusCode} (expected ${expect.join(" or ")})`);
          resolve(out);
        });
        res.on("error", (e) => {
          this.tally.error(`${method} ${path}: ${e.message}`);
          resolve({ status: 0, headers: {}, body: "" });
        });
      });
      req.on("timeout", () => req.destroy(new Error("no answer in 60 s")));
      req.on("error", (e) => {
        this.tally.error(`${method} ${path}: ${e.message}`);
        resolve({ status: 0, headers: {}, body: "" });
      });
      if (body) req.write(body);
      req.end();
    });
  }

  think(range) {
    const [lo, hi] = range;
    return sleep(lo + this.random() * (hi - lo));
  }

  async logIn() {
    const f = await this.request("login", "GET", "/login", null, [200]);
    const csrf = /name="csrf" value="([0-9a-f]{64})"/.exec(f.body)?.[1] || "";
    const r = await this.request("login", "POST", "/login",
                                 { csrf, login: this.login, password: this.o.password, next: "" }, [303]);
    if (r.status !== 303) throw new Error(`${this.login}: login refused (${r.status})`);
  }

  // The id an /item/next answer sends to, or null (the queue is empty).
  async next(path) {
    const r = await this.request("next", "GET", path, null, [200, 303]);
    const m = /^\/item\/(\d+)/.exec(r.headers.location || "");
    return m ? Number(m[1]) : null;
  }

  // One resolution; returns the next item's id or null.
  async resolve(id, fields) {
    const r = await this.request("resolve", "POST", `/item/${id}`, { csrf: this.csrf, ...fields },
                                 [303, 409, 422]);
    if (r.status === 303) {
      if (this.tally.counting) this.tally.resolved++;
      return this.next(r.headers.location);
    }
    if (r.status === 409) {
      if (this.tally.counting) this.tally.conflicts++;
      const m = /href="(\/item\/next\?after=\d+&amp;risk=-?\d+)"/.exec(r.body);
      return m ? this.next(m[1].replace(/&amp;/g, "&")) : null;
    }
    if (r.status === 422) {
      if (this.tally.counting) this.tally.refused++;
      if (fields.act !== "reject") return this.resolve(id, { act: "reject" });
    }
    return null;
  }

  // Works the queue until done() says the phase is over.
  async work(done) {
    let id = null, sinceQueue = 0;
    while (!done()) {
      if (id === null || sinceQueue >= 5) {
        // the queue, and a row picked from its top (nurses do not all take the first)
        const q = await this.request("queue", "GET", "/queue", null, [200]);
        const ids = [...String(q.body).matchAll(/<tr data-href="\/item\/(\d+)"/g)].map((m) => Number(m[1]));
        sinceQueue = 0;
        if (ids.length === 0) {
          id = null;
          await this.think(this.o.think);
          continue;
        }
        id = ids[Math.floor(this.random() * Math.min(ids.length, 50))];
        await this.think([300, 800]);
      }
      const it = await this.request("item", "GET", `/item/${id}`, null, [200]);
      const html = String(it.body);
      this.csrf = /name="csrf" value="([0-9a-f]{64})"/.exec(html)?.[1] || this.csrf;
      const imgs = [...html.matchAll(/src="(\/img\/(crop|page)\/[^"]+)"/g)];
      await Promise.all(imgs.map((m) => this.request(m[2], "GET", m[1].replace(/&amp;/g, "&"), null, [200])));
      await this.think(this.o.think);
      sinceQueue++;
      if (!html.includes('id="resolve"')) {
        // resolved by someone while it was on the screen: on to the next
        const m = /href="(\/item\/next\?after=\d+&amp;risk=-?\d+)"/.exec(html);
        id = m ? await this.next(m[1].replace(/&amp;/g, "&")) : null;
        continue;
      }
      // Enter accepts what was read; an item with nothing read is blanked (F8)
      const accept = html.includes('id="accept">登録');
      id = await this.resolve(id, accept ? { act: "auto", value: "" } : { act: "reject" });
    }
  }
}

function pad(n, w) {
  return String(n).padStart(w, "0");
}

function fmt(x) {
  return Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : "-";
}

function printPhase(r) {
  console.log(`-- ${r.label}: ${r.nurses} nurses, ${r.seconds.toFixed(0)} s: ${r.requests} requests ` +
              `(${(r.requests / r.seconds).toFixed(1)}/s), ${r.resolved} items resolved, ` +
              `${r.conflicts} conflicts (409), ${r.refused} refused (422), ${r.errors} errors`);
  console.log("   request        n   median      p95      p99      max  (ms)");
  for (const k of [...KINDS.filter((k) => k !== "login"), "all"]) {
    const s = k === "all" ? r.all : r.kinds[k];
    if (!s || s.n === 0) continue;
    console.log(`   ${k.padEnd(8)} ${String(s.n).padStart(6)} ${fmt(s.p50).padStart(8)} ${fmt(s.p95).padStart(8)} ` +
                `${fmt(s.p99).padStart(8)} ${fmt(s.max).padStart(8)}`);
  }
  for (const e of r.samples) console.log(`   error: ${e}`);
}

function compare(a, b) {
  console.log(`-- ${b.label} against ${a.label} (latency ratio, median and p99)`);
  for (const k of [...KINDS.filter((k) => k !== "login"), "all"]) {
    const x = k === "all" ? a.all : a.kinds[k], y = k === "all" ? b.all : b.kinds[k];
    if (!x || !y || !x.n || !y.n) continue;
    console.log(`   ${k.padEnd(8)} median ${fmt(x.p50)} -> ${fmt(y.p50)} ms (${(y.p50 / x.p50).toFixed(2)}x), ` +
                `p99 ${fmt(x.p99)} -> ${fmt(y.p99)} ms (${(y.p99 / x.p99).toFixed(2)}x)`);
  }
  console.log(`   items resolved per minute: ${(a.resolved * 60 / a.seconds).toFixed(0)} -> ` +
              `${(b.resolved * 60 / b.seconds).toFixed(0)}`);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.compare) {
    const [a, b] = o.compare.map((f) => JSON.parse(readFileSync(f, "utf8")));
    compare(a, b);
    return a.errors + b.errors > 0 ? 1 : 0;
  }
  if (!o.port || !o.password || (!o.seconds && !o.whilePid))
    throw new Error("usage: --port N --password PW (--seconds S | --while-pid PID)");
  const tally = new Tally();
  const random = rng(o.seed);
  const nurses = Array.from({ length: o.nurses },
                            (_, i) => new Nurse(o, `${o.prefix}${pad(i + 1, 2)}`, tally, rng(o.seed * 1000 + i)));
  // log in first (not part of the phase: argon2 takes its time on purpose)
  for (const n of nurses) await n.logIn();
  let running = true;
  let alive = true;
  const t0 = Date.now();
  const poll = setInterval(() => {
    if (o.whilePid) {
      try { process.kill(o.whilePid, 0); } catch { alive = false; }
    }
  }, 200);
  const done = () => !running || (o.seconds ? Date.now() - t0 > o.seconds * 1000 : !alive) ||
                     Date.now() - t0 > o.maxSeconds * 1000;
  tally.counting = true;
  // the nurses do not all arrive in the same millisecond
  await Promise.all(nurses.map(async (n) => {
    await sleep(random() * 1000);
    await n.work(done);
  }));
  running = false;
  clearInterval(poll);
  const seconds = (Date.now() - t0) / 1000;
  for (const n of nurses) n.agent.destroy();
  const all = [].concat(...KINDS.filter((k) => k !== "login").map((k) => tally.ms[k]));
  const r = {
    label: o.label, nurses: o.nurses, seconds, requests: tally.requests, resolved: tally.resolved,
    conflicts: tally.conflicts, refused: tally.refused, errors: tally.errors, samples: tally.samples,
    kinds: Object.fromEntries(KINDS.map((k) => [k, summary(tally.ms[k])])), all: summary(all),
  };
  printPhase(r);
  if (o.json) writeFileSync(o.json, JSON.stringify(r, null, 1));
  return r.errors > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`review-load: ${e.message}`);
  process.exit(2);
});
