/*
 * store.c: opening and creating the store, the schema and its migrations,
 * the site key, transactions.  Not for: any table's own logic (see the
 * other files of records/).
 *
 * The site key lives in <db>.key (32 random bytes, mode 0600, outside the
 * database so that a copy of the database alone reveals no 個人番号).  A key
 * file readable by others, or writable by its group, is refused; readable by
 * its group (0640) only when that group is BOSHI_GROUP, the group of a
 * multi-user installation (`boshi init --shared`, README "Several OS users").
 *
 * A demo store is marked when it is created (`boshi init --demo`: meta row
 * demo = 1) and never afterwards: no command writes that row, so synthetic
 * data (demo activity, forms signed by the simulator) can only ever go into
 * a store that was made for it.
 */
#include "records/records-internal.h"
#include "records/store.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Each migration moves the schema from version i to i + 1. */
static const char *const migrations[] = {
    /* 1: foundation */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE users(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  login TEXT NOT NULL UNIQUE,\n"
    "  os_user TEXT UNIQUE,\n"
    "  display_name TEXT NOT NULL DEFAULT '',\n"
    "  disabled INTEGER NOT NULL DEFAULT 0,\n"
    "  pw_hash TEXT,\n"
    "  failed_logins INTEGER NOT NULL DEFAULT 0,\n"
    "  locked_until TEXT,\n"
    "  created_at TEXT NOT NULL);\n"
    "CREATE TABLE grants(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  user_id INTEGER NOT NULL REFERENCES users(id),\n"
    "  what TEXT NOT NULL,\n"               /* role name or permission name */
    "  valid_until TEXT NOT NULL,\n"        /* ISO date, inclusive */
    "  granted_by TEXT NOT NULL,\n"
    "  granted_at TEXT NOT NULL,\n"
    "  revoked_at TEXT,\n"
    "  revoked_by TEXT);\n"
    "CREATE INDEX grants_user ON grants(user_id);\n"
    "CREATE TABLE audit_log(\n"
    "  seq INTEGER PRIMARY KEY,\n"
    "  at TEXT NOT NULL,\n"
    "  user TEXT NOT NULL,\n"
    "  function TEXT NOT NULL,\n"
    "  person TEXT,\n"
    "  detail TEXT NOT NULL DEFAULT '',\n"
    "  mac TEXT NOT NULL);\n"
    "CREATE INDEX audit_person ON audit_log(person) WHERE person IS NOT NULL;\n"
    "CREATE INDEX audit_user ON audit_log(user, at);\n"
    "CREATE TABLE audit_head(id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL,\n"
    "  mac TEXT NOT NULL);\n"
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log\n"
    "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;\n"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log\n"
    "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;\n"
    "CREATE TABLE residents(\n"
    "  atena TEXT NOT NULL,\n"              /* 宛名番号, unique: residents_atena */
    "  setai TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  kana TEXT NOT NULL,\n"
    "  sex INTEGER NOT NULL,\n"
    "  birth TEXT NOT NULL,\n"              /* ISO date */
    "  zokugara TEXT NOT NULL DEFAULT '',\n"
    "  status INTEGER NOT NULL,\n"
    "  postal TEXT NOT NULL DEFAULT '',\n"
    "  address TEXT NOT NULL,\n"
    "  katagaki TEXT NOT NULL DEFAULT '',\n"
    "  idou_code TEXT NOT NULL,\n"
    "  idou_date TEXT NOT NULL,\n"
    "  todoke_date TEXT,\n"
    "  mynumber_enc BLOB,\n"
    "  mynumber_idx BLOB,\n"
    "  name_key TEXT NOT NULL,\n"
    "  kana_key TEXT NOT NULL,\n"
    "  addr_key TEXT NOT NULL,\n"
    "  import_id INTEGER NOT NULL);\n"
    "CREATE TABLE residents_history(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  atena TEXT NOT NULL,\n"
    "  replaced_at TEXT NOT NULL,\n"
    "  replaced_by_import INTEGER NOT NULL,\n"
    "  setai TEXT, name TEXT, kana TEXT, sex INTEGER, birth TEXT, zokugara TEXT,\n"
    "  status INTEGER, postal TEXT, address TEXT, katagaki TEXT, idou_code TEXT,\n"
    "  idou_date TEXT, todoke_date TEXT, mynumber_enc BLOB, mynumber_idx BLOB,\n"
    "  import_id INTEGER);\n"
    "CREATE INDEX residents_history_atena ON residents_history(atena);\n"
    "CREATE TABLE imports(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL,\n"
    "  file TEXT NOT NULL,\n"
    "  sha256 TEXT NOT NULL,\n"
    "  rows INTEGER NOT NULL,\n"
    "  by_user TEXT NOT NULL,\n"
    "  at TEXT NOT NULL);\n",
    /* 2: settings, print runs and the issue history (発行履歴), checkups */
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL, set_by TEXT NOT NULL,\n"
    "  set_at TEXT NOT NULL);\n"
    "CREATE TABLE print_runs(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL,\n"                /* forms / targets */
    "  form TEXT NOT NULL,\n"
    "  month TEXT,\n"                        /* YYYY-MM for a checkup run */
    "  checkup_date TEXT, venue TEXT,\n"
    "  file TEXT NOT NULL,\n"
    "  count INTEGER NOT NULL DEFAULT 0,\n"
    "  by_user TEXT NOT NULL,\n"
    "  at TEXT NOT NULL);\n"
    "CREATE TABLE issues_printed(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  issue_id TEXT NOT NULL UNIQUE,\n"     /* in the QR of every page issued */
    "  run_id INTEGER REFERENCES print_runs(id),\n"
    "  form TEXT NOT NULL,\n"
    "  version INTEGER NOT NULL,\n"
    "  person TEXT,\n"                       /* 宛名番号 of the subject; NULL: a blank copy */
    "  kind TEXT NOT NULL,\n"                /* form / letter / voucher */
    "  seq INTEGER,\n"                       /* voucher 回数 (1..14) */
    "  month TEXT,\n"
    "  checkup_date TEXT, venue TEXT, jushin_no TEXT,\n"
    "  pages INTEGER NOT NULL,\n"
    "  reissue_of TEXT,\n"
    "  printed_by TEXT NOT NULL,\n"
    "  printed_at TEXT NOT NULL,\n"
    "  returned_at TEXT);\n"
    "CREATE INDEX issues_person ON issues_printed(person, form);\n"
    "CREATE INDEX issues_month ON issues_printed(form, month);\n"
    "CREATE TABLE checkups(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  person TEXT NOT NULL,\n"
    "  form TEXT NOT NULL,\n"                /* nyuyoji_4m / nyuyoji_1y6m / nyuyoji_3y */
    "  exam_date TEXT,\n"                    /* NULL until the 健診票 page lands */
    "  issue_id TEXT,\n"
    "  created_by TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL);\n"
    "CREATE INDEX checkups_person ON checkups(person, form);\n",
    /* 3: intake - batches, pages, readings, the review queue, and what pages land as */
    "CREATE TABLE batches(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,\n"
    "  paths TEXT NOT NULL,\n"
    "  by_user TEXT NOT NULL,\n"
    "  started_at TEXT NOT NULL,\n"
    "  finished_at TEXT);\n"
    "CREATE TABLE scan_files(\n"
    "  sha256 TEXT PRIMARY KEY,\n"           /* of the file's bytes; kept content-addressed */
    "  name TEXT NOT NULL,\n"
    "  bytes INTEGER NOT NULL,\n"
    "  batch_id INTEGER NOT NULL REFERENCES batches(id));\n"
    "CREATE TABLE pages(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  sha256 TEXT NOT NULL UNIQUE,\n"       /* of the decoded page image */
    "  batch_id INTEGER NOT NULL REFERENCES batches(id),\n"
    "  file_sha TEXT NOT NULL REFERENCES scan_files(sha256),\n"
    "  file_page INTEGER NOT NULL,\n"
    "  source TEXT NOT NULL,\n"
    "  status TEXT NOT NULL CHECK (status IN ('landed', 'queued', 'rejected')),\n"
    "  reason TEXT,\n"
    "  form TEXT, version INTEGER, page_no INTEGER, pages INTEGER,\n"
    "  subject TEXT, issue_id TEXT,\n"
    "  dpi INTEGER, skew REAL, scale REAL, residual REAL, rotation INTEGER,\n"
    "  record_kind TEXT, record_id INTEGER,\n"
    "  read_at TEXT NOT NULL,\n"
    "  landed_at TEXT);\n"
    "CREATE INDEX pages_batch ON pages(batch_id, status);\n"
    "CREATE INDEX pages_issue ON pages(issue_id) WHERE issue_id IS NOT NULL;\n"
    "CREATE TABLE readings(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  page_id INTEGER NOT NULL REFERENCES pages(id),\n"
    "  field TEXT NOT NULL,\n"
    "  value TEXT,\n"                        /* canonical; corrected by review */
    "  read_value TEXT,\n"                   /* as read, kept after correction */
    "  confidence REAL,\n"
    "  decision TEXT NOT NULL CHECK (decision IN ('accepted', 'review', 'empty')),\n"
    "  reason TEXT,\n"
    "  box TEXT,\n"                          /* x,y,w,h in mm, for outlining */
    "  crop BLOB);\n"                        /* PNG */
    "CREATE INDEX readings_page ON readings(page_id);\n"
    "CREATE TABLE review_items(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  page_id INTEGER NOT NULL REFERENCES pages(id),\n"
    "  reading_id INTEGER REFERENCES readings(id),\n"
    "  field TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"                /* field / identity / rule / issue */
    "  reason TEXT NOT NULL,\n"
    "  risk INTEGER NOT NULL,\n"
    "  suggested TEXT,\n"
    "  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'corrected',\n"
    "    'rejected')),\n"
    "  value TEXT,\n"
    "  resolved_by TEXT, resolved_at TEXT,\n"
    "  created_at TEXT NOT NULL);\n"
    "CREATE INDEX review_open ON review_items(status, risk DESC, id);\n"
    "CREATE INDEX review_page ON review_items(page_id);\n"
    "CREATE TABLE review_log(\n"             /* every correction: who, when, before, after */
    "  id INTEGER PRIMARY KEY,\n"
    "  item_id INTEGER NOT NULL REFERENCES review_items(id),\n"
    "  action TEXT NOT NULL,\n"
    "  before TEXT, after TEXT,\n"
    "  by_user TEXT NOT NULL,\n"
    "  at TEXT NOT NULL);\n"
    "CREATE TABLE pregnancies(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  mother TEXT NOT NULL,\n"              /* 宛名番号 (or a 住登外 id) */
    "  todoke_date TEXT, weeks_at_todoke INTEGER, due_date TEXT,\n"
    "  diagnosed_by TEXT, std_tb_check TEXT, parity INTEGER, occupation TEXT,\n"
    "  mother_birth TEXT,\n"
    "  issue_id TEXT,\n"                     /* of the blank copy its pages share */
    "  page_id INTEGER REFERENCES pages(id),\n"
    "  created_at TEXT NOT NULL);\n"
    "CREATE INDEX pregnancies_mother ON pregnancies(mother);\n"
    "CREATE TABLE vouchers(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  issue_id TEXT NOT NULL,\n"            /* 受診券番号 printed in its QR */
    "  mother TEXT NOT NULL,\n"
    "  kai INTEGER,\n"
    "  used_date TEXT, weeks INTEGER, clinic_code TEXT, tests TEXT, amount_yen INTEGER,\n"
    "  page_id INTEGER REFERENCES pages(id),\n"
    "  created_at TEXT NOT NULL);\n"
    "CREATE INDEX vouchers_issue ON vouchers(issue_id);\n"
    "ALTER TABLE checkups ADD COLUMN height_cm REAL;\n"
    "ALTER TABLE checkups ADD COLUMN weight_kg REAL;\n"
    "ALTER TABLE checkups ADD COLUMN head_cm REAL;\n"
    "ALTER TABLE checkups ADD COLUMN chest_cm REAL;\n"
    "ALTER TABLE checkups ADD COLUMN findings TEXT;\n"
    "ALTER TABLE checkups ADD COLUMN dental_caries INTEGER;\n"
    "ALTER TABLE checkups ADD COLUMN dental_plaque TEXT;\n"
    "ALTER TABLE checkups ADD COLUMN dental_fluoride TEXT;\n"
    "ALTER TABLE checkups ADD COLUMN epds_score INTEGER;\n"
    "ALTER TABLE checkups ADD COLUMN result TEXT;\n"
    "ALTER TABLE checkups ADD COLUMN referral_targets TEXT;\n"
    "ALTER TABLE checkups ADD COLUMN page_id INTEGER REFERENCES pages(id);\n"
    "CREATE TABLE answers(\n"                /* questionnaire answers, by field name */
    "  owner TEXT NOT NULL,\n"               /* checkup / pregnancy */
    "  owner_id INTEGER NOT NULL,\n"
    "  field TEXT NOT NULL,\n"
    "  value TEXT,\n"
    "  PRIMARY KEY (owner, owner_id, field));\n"
    "CREATE TABLE referrals(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  checkup_id INTEGER NOT NULL REFERENCES checkups(id),\n"
    "  person TEXT NOT NULL,\n"
    "  targets TEXT,\n"
    "  issue_id TEXT,\n"                     /* the 精密検査依頼書 (reports issue) */
    "  result TEXT, result_date TEXT,\n"
    "  result_page_id INTEGER REFERENCES pages(id),\n"
    "  created_at TEXT NOT NULL,\n"
    "  closed_at TEXT);\n"
    "CREATE INDEX referrals_person ON referrals(person);\n",
    /* 4: hospitals (医療機関), referral tracking, voucher payment look-ups */
    "CREATE TABLE hospitals(\n"
    "  code TEXT PRIMARY KEY,\n"            /* 医療機関コード, 10 digits */
    "  name TEXT NOT NULL,\n"
    "  department TEXT NOT NULL DEFAULT '',\n"
    "  postal TEXT NOT NULL DEFAULT '',\n"
    "  address TEXT NOT NULL DEFAULT '',\n"
    "  phone TEXT NOT NULL DEFAULT '',\n"
    "  fax TEXT NOT NULL DEFAULT '',\n"
    "  import_id INTEGER REFERENCES imports(id),\n"
    "  updated_at TEXT NOT NULL);\n"
    "ALTER TABLE referrals ADD COLUMN hospital_code TEXT;\n"
    "ALTER TABLE referrals ADD COLUMN letter_issue_id TEXT;\n"   /* the 依頼書 page */
    "ALTER TABLE referrals ADD COLUMN referral_no TEXT;\n"       /* 依頼番号 printed on both */
    "ALTER TABLE referrals ADD COLUMN valid_until TEXT;\n"       /* ISO date, inclusive */
    "ALTER TABLE referrals ADD COLUMN created_by TEXT;\n"
    "CREATE UNIQUE INDEX referrals_checkup ON referrals(checkup_id);\n"
    "CREATE INDEX referrals_issue ON referrals(issue_id);\n"
    "CREATE INDEX referrals_open ON referrals(valid_until) WHERE closed_at IS NULL;\n"
    "CREATE INDEX checkups_result ON checkups(result, exam_date);\n"
    "CREATE INDEX vouchers_used ON vouchers(used_date);\n"
    "CREATE INDEX vouchers_mother ON vouchers(mother, kai);\n"
    /* a result landing from the return slip closes the referral, whoever sets it */
    "CREATE TRIGGER referrals_close AFTER UPDATE OF result ON referrals\n"
    "  WHEN NEW.result IS NOT NULL AND NEW.closed_at IS NULL\n"
    "  BEGIN UPDATE referrals SET closed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')\n"
    "  WHERE id = NEW.id; END;\n",
    /* 5: people not in the resident master (住登外), registered by a nurse's decision */
    "CREATE TABLE persons_unregistered(\n"
    "  id TEXT PRIMARY KEY,\n"               /* 'U' + 9 digits: never a 宛名番号 */
    "  name TEXT NOT NULL,\n"
    "  kana TEXT NOT NULL,\n"
    "  birth TEXT NOT NULL,\n"
    "  address TEXT NOT NULL DEFAULT '',\n"
    "  reason TEXT NOT NULL,\n"
    "  created_by TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL);\n",
    /* 6: the queue by the day its pages were taken in, and what was resolved since a time */
    "CREATE INDEX pages_read ON pages(read_at);\n"
    "CREATE INDEX review_resolved ON review_items(resolved_at, resolved_by)\n"
    "  WHERE resolved_at IS NOT NULL;\n",
    /* reopening a settled item (review_reopen): why, beside before and after */
    "ALTER TABLE review_log ADD COLUMN reason TEXT;\n",
    /* the registration of a page (mm -> px of the scan, "a b c d e f"), and the scan's size:
     * the page screen draws the outlines where the boxes are on the image */
    "ALTER TABLE pages ADD COLUMN map TEXT;\n"
    "ALTER TABLE pages ADD COLUMN width_px INTEGER;\n"
    "ALTER TABLE pages ADD COLUMN height_px INTEGER;\n",
    /* statistics of fiscal years frozen before a purge (records/stats.c, purge.c) */
    "CREATE TABLE IF NOT EXISTS stats_frozen(\n"
    "  fiscal_year INTEGER PRIMARY KEY,\n"
    "  cells TEXT NOT NULL,\n"              /* every cell, in stats.c's cells_each order */
    "  frozen_by TEXT NOT NULL,\n"
    "  frozen_at TEXT NOT NULL);\n",
    /* purged people, as a keyed hash of the 宛名番号, so a later master does not bring them back */
    "CREATE TABLE IF NOT EXISTS residents_purged(\n"
    "  atena_mac BLOB PRIMARY KEY,\n"
    "  purged_at TEXT NOT NULL);\n",
    /* 産婦健康診査受診券: the voucher's form (妊婦 or 産婦, paid apart), its 所見, and the
     * EPDS - every item (0-3) and the total as the clinic wrote it */
    "ALTER TABLE vouchers ADD COLUMN form TEXT NOT NULL DEFAULT 'ninpu_jushinken';\n"
    "ALTER TABLE vouchers ADD COLUMN findings TEXT;\n"
    "ALTER TABLE vouchers ADD COLUMN epds_1 INTEGER;\n"
    "ALTER TABLE vouchers ADD COLUMN epds_2 INTEGER;\n"
    "ALTER TABLE vouchers ADD COLUMN epds_3 INTEGER;\n"
    "ALTER TABLE vouchers ADD COLUMN epds_4 INTEGER;\n"
    "ALTER TABLE vouchers ADD COLUMN epds_5 INTEGER;\n"
    "ALTER TABLE vouchers ADD COLUMN epds_6 INTEGER;\n"
    "ALTER TABLE vouchers ADD COLUMN epds_7 INTEGER;\n"
    "ALTER TABLE vouchers ADD COLUMN epds_8 INTEGER;\n"
    "ALTER TABLE vouchers ADD COLUMN epds_9 INTEGER;\n"
    "ALTER TABLE vouchers ADD COLUMN epds_10 INTEGER;\n"
    "ALTER TABLE vouchers ADD COLUMN epds_total INTEGER;\n",
    /* EPDS safety alerts (intake/alerts.c): raised the day a page is read, listed apart
     * from the review queue, open until a nurse records the follow-up */
    "CREATE TABLE alerts(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  page_id INTEGER NOT NULL UNIQUE REFERENCES pages(id),\n"
    "  form TEXT NOT NULL,\n"
    "  person TEXT,\n"                      /* the page's subject once known */
    "  reason TEXT NOT NULL,\n"
    "  epds_total INTEGER,\n"               /* as read or settled; NULL unknown */
    "  item10 TEXT,\n"                      /* as read ('?' unreadable) */
    "  clinic_code TEXT,\n"
    "  reading_id INTEGER REFERENCES readings(id),\n"   /* the scanned item's crop */
    "  created_at TEXT NOT NULL,\n"
    "  contacted_at TEXT, contacted_by TEXT, plan TEXT,\n"   /* the follow-up (支援方針) */
    "  closed_by TEXT, closed_at TEXT);\n"
    "CREATE INDEX alerts_open ON alerts(created_at) WHERE closed_at IS NULL;\n",
    /* intake: entries of a scan folder not taken in (symlinks, FIFOs, unreadable), with why */
    "CREATE TABLE ignored_files(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  batch_id INTEGER NOT NULL REFERENCES batches(id),\n"
    "  path TEXT NOT NULL,\n"
    "  reason TEXT NOT NULL,\n"
    "  UNIQUE(batch_id, path));\n",
    /* access-log entries moved to signed archive files (audit-archive.c): each archive's
     * range and the mac of its last entry, the checkpoint the chain in the store goes on from */
    "CREATE TABLE audit_archives(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  first_seq INTEGER NOT NULL,\n"
    "  last_seq INTEGER NOT NULL UNIQUE,\n"
    "  prev_mac TEXT NOT NULL,\n"          /* the mac before first_seq ('' from the start) */
    "  last_mac TEXT NOT NULL,\n"
    "  entries INTEGER NOT NULL,\n"
    "  before_date TEXT NOT NULL,\n"
    "  file_sha256 TEXT NOT NULL,\n"
    "  archived_at TEXT NOT NULL,\n"
    "  archived_by TEXT NOT NULL);\n",
    /* 歯科健診 (1歳6か月・3歳): one row per checkup's 健診票 page with the dental items,
     * apart from the checkup row (intake/land.c fills it as the page lands) */
    "CREATE TABLE dental(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  checkup_id INTEGER NOT NULL UNIQUE REFERENCES checkups(id),\n"
    "  page_id INTEGER REFERENCES pages(id),\n"   /* the 健診票 page it was read from */
    "  person TEXT NOT NULL,\n"
    "  form TEXT NOT NULL,\n"                     /* nyuyoji_1y6m / nyuyoji_3y */
    "  exam_date TEXT,\n"
    "  caries INTEGER,\n"                         /* むし歯の本数 */
    "  caries_type TEXT,\n"                       /* o1 o2 a b c (1歳6か月) / o a b c1 c2 (3歳) */
    "  plaque TEXT,\n"                            /* 歯の汚れ */
    "  soft_tissue TEXT,\n"                       /* 軟組織異常 nashi / ari */
    "  occlusion TEXT,\n"                         /* 咬合異常 nashi / ari */
    "  fluoride TEXT,\n"                          /* フッ化物塗布 shita / shinai */
    "  guidance TEXT,\n"                          /* 要指導 nashi / ari */
    "  created_at TEXT NOT NULL);\n"
    "CREATE INDEX dental_person ON dental(person, form);\n",
    /* the monthly access-log review (records/auditreview.c): an account's own address (for
     * the rule "viewed someone at the operator's address"), and the findings with their
     * 確認済 marks, one row per (month, rule, operator, person, key) so a re-run keeps them */
    "ALTER TABLE users ADD COLUMN address TEXT;\n"
    "CREATE TABLE audit_findings(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  month TEXT NOT NULL,\n"                    /* YYYY-MM, Japan time */
    "  rule TEXT NOT NULL,\n"                     /* surname / address / reveal / hours ... */
    "  user TEXT NOT NULL,\n"                     /* the operator's login */
    "  person TEXT NOT NULL DEFAULT '',\n"        /* 宛名番号 viewed, '' for a per-operator rule */
    "  key TEXT NOT NULL DEFAULT '',\n"           /* seq of a reveal, JST day of an after-hours view */
    "  views INTEGER NOT NULL,\n"
    "  first_at TEXT NOT NULL, last_at TEXT NOT NULL,\n"   /* UTC ISO of the entries */
    "  first_seq INTEGER NOT NULL,\n"
    "  detail TEXT NOT NULL,\n"
    "  found_at TEXT NOT NULL,\n"
    "  checked_by TEXT, checked_at TEXT, comment TEXT,\n"
    "  UNIQUE(month, rule, user, person, key));\n",
    /* site key rotations (records/keys.c): from which access-log entry each key chains, the
     * key it replaced, and until when printed forms signed with that one are still taken in */
    "CREATE TABLE IF NOT EXISTS key_epochs(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  key_id TEXT NOT NULL UNIQUE,\n"         /* key_fingerprint() of the new key */
    "  prev_key_id TEXT NOT NULL,\n"
    "  from_seq INTEGER NOT NULL,\n"           /* first audit_log entry chained under it */
    "  rotated_at TEXT NOT NULL,\n"
    "  rotated_by TEXT NOT NULL,\n"
    "  old_qr_until TEXT NOT NULL);\n",
    /* 新生児聴覚検査費用助成券 (choukaku_jushinken): the test as the clinic wrote it, and
     * the baby a リファー was found to be (the mother's newest child) with the checkup row
     * whose referral (精密検査, 耳鼻咽喉科) follows it up (records/vouchers.c) */
    "ALTER TABLE vouchers ADD COLUMN hearing_kind TEXT;\n"      /* shokai / kakunin */
    "ALTER TABLE vouchers ADD COLUMN hearing_method TEXT;\n"    /* aabr / oae */
    "ALTER TABLE vouchers ADD COLUMN hearing_right TEXT;\n"     /* pass / refer */
    "ALTER TABLE vouchers ADD COLUMN hearing_left TEXT;\n"
    "ALTER TABLE vouchers ADD COLUMN child TEXT;\n"
    "ALTER TABLE vouchers ADD COLUMN followup_checkup_id INTEGER REFERENCES checkups(id);\n",
    /* 新生児訪問指導票 (shinseiji_houmon): one row per visit sheet, for the child it was
     * issued to; the mother's EPDS as the visitor scored it */
    "CREATE TABLE visits(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  issue_id TEXT,\n"                        /* the sheet's 発行番号 (boshi targets houmon) */
    "  person TEXT NOT NULL,\n"                 /* the child */
    "  form TEXT NOT NULL,\n"
    "  visit_date TEXT,\n"
    "  visitor TEXT,\n"                         /* hokenshi / josanshi */
    "  subjects TEXT,\n"                        /* shinseiji,mijukuji,sanpu */
    "  weight_g INTEGER,\n"
    "  feeding TEXT,\n"                         /* bonyu / kongo / jinko */
    "  result TEXT,\n"                          /* ijonashi / yokansatsu / yoseimitsu */
    "  findings TEXT,\n"                        /* the check items marked */
    "  epds_1 INTEGER, epds_2 INTEGER, epds_3 INTEGER, epds_4 INTEGER, epds_5 INTEGER,\n"
    "  epds_6 INTEGER, epds_7 INTEGER, epds_8 INTEGER, epds_9 INTEGER, epds_10 INTEGER,\n"
    "  epds_total INTEGER,\n"
    "  page_id INTEGER REFERENCES pages(id),\n"
    "  created_by TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL);\n"
    "CREATE INDEX visits_person ON visits(person);\n"
    "CREATE INDEX visits_issue ON visits(issue_id);\n",
    /* 支援措置 (住民票の閲覧制限: DV and similar): the flag from the resident master, kept in
     * its history like the other columns; the 管理者's releases that let a letter go to the
     * person's address (records/shien.c) */
    "ALTER TABLE residents ADD COLUMN shien INTEGER NOT NULL DEFAULT 0;\n"
    "ALTER TABLE residents_history ADD COLUMN shien INTEGER NOT NULL DEFAULT 0;\n"
    "CREATE TABLE shien_releases(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  atena TEXT NOT NULL,\n"                   /* 宛名番号 of the flagged person */
    "  reason TEXT NOT NULL,\n"
    "  valid_until TEXT,\n"                      /* ISO date, inclusive; NULL: no end */
    "  by_user TEXT NOT NULL,\n"
    "  at TEXT NOT NULL);\n"
    "CREATE INDEX shien_releases_atena ON shien_releases(atena);\n",
    /* web UI sessions in the store (records/web.c), so that several `boshi serve`
     * processes behind one proxy serve the same nurse: the cookie's hash, never the
     * cookie itself; the form (CSRF) token; last activity as Unix seconds */
    "CREATE TABLE web_sessions(\n"
    "  token_hash BLOB PRIMARY KEY,\n"
    "  login TEXT NOT NULL,\n"
    "  csrf TEXT NOT NULL,\n"
    "  created INTEGER NOT NULL,\n"
    "  last_seen INTEGER NOT NULL);\n"
    "CREATE INDEX web_sessions_seen ON web_sessions(last_seen);\n",
    /* which intake worker reads which scanned file (records/claims.c): several intake
     * processes take in one batch together; holder "host pid tag", until: Unix seconds */
    "CREATE TABLE intake_claims(\n"
    "  file_sha TEXT PRIMARY KEY,\n"
    "  holder TEXT NOT NULL,\n"
    "  until INTEGER NOT NULL,\n"
    "  finished INTEGER NOT NULL DEFAULT 0);\n",
};

/* Indexes on residents, dropped and rebuilt around a bulk first load. */
const char *const residents_index_sql =
    "CREATE UNIQUE INDEX IF NOT EXISTS residents_atena ON residents(atena);\n"
    "CREATE INDEX IF NOT EXISTS residents_kana ON residents(kana_key, birth);\n"
    "CREATE INDEX IF NOT EXISTS residents_name ON residents(name_key);\n"
    "CREATE INDEX IF NOT EXISTS residents_birth ON residents(birth);\n"
    "CREATE INDEX IF NOT EXISTS residents_addr ON residents(addr_key);\n"
    "CREATE INDEX IF NOT EXISTS residents_setai ON residents(setai);\n"
    "CREATE UNIQUE INDEX IF NOT EXISTS residents_mynumber ON residents(mynumber_idx)\n"
    "  WHERE mynumber_idx IS NOT NULL;\n";

#define N_MIGRATIONS (int)(sizeof(migrations) / sizeof(migrations[0]))

int db_exec(struct store *st, const char *sql, struct berr *e)
{
    char *msg = NULL;

    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        berr_set(e, BERR_FAIL, "データベースエラー: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return BERR_FAIL;
    }
    return 0;
}

int db_prepare(struct store *st, sqlite3_stmt **out, const char *sql, struct berr *e)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, out, NULL) != SQLITE_OK)
        return db_fail(st, "SQL", e);
    return 0;
}

int db_fail(struct store *st, const char *what, struct berr *e)
{
    int code = sqlite3_errcode(st->db);

    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return berr_set(e, BERR_CONFLICT, "%s: 記録ストアが他の処理で使用中です (%s)", what,
                        sqlite3_errmsg(st->db));
    return berr_set(e, BERR_FAIL, "%s: データベースエラー (%s)", what, sqlite3_errmsg(st->db));
}

void db_bind_text(sqlite3_stmt *s, int i, const char *txt)
{
    if (txt == NULL)
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_text(s, i, txt, -1, SQLITE_TRANSIENT);
}

const char *db_col(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);

    return t ? (const char *)t : "";
}

void store_now_iso(char out[32])
{
    struct timeval tv;
    struct tm tm;

    char head[24];

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(head, sizeof(head), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 32, "%.19s.%03uZ", head, (unsigned)(tv.tv_usec / 1000) % 1000u);
}

void store_iso_at(time_t t, char out[32])
{
    struct tm tm;
    char head[24];

    gmtime_r(&t, &tm);
    strftime(head, sizeof(head), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 32, "%.19s.000Z", head);
}

static char *key_path(const char *db_path)
{
    return xasprintf("%s.key", db_path);
}

/*
 * Whether a key file's mode and group are acceptable: owner-only (0600,
 * 0400), or group-readable (0640, 0440) when the group is BOSHI_GROUP.
 * *shared = 1 for the latter.
 */
static int key_mode_check(const char *kp, const struct stat *sb, int *shared, struct berr *e)
{
    mode_t m = sb->st_mode & 07777;
    struct group *g;

    *shared = 0;
    if ((m & 0077) == 0)
        return 0;
    if ((m & 0077) == 040) {
        g = getgrgid(sb->st_gid);
        if (g != NULL && strcmp(g->gr_name, BOSHI_GROUP) == 0) {
            *shared = 1;
            return 0;
        }
        return berr_set(e, BERR_DENIED,
                        "%s: サイト鍵ファイルの権限が広すぎます: グループ「%s」が読めます。"
                        "複数の OS ユーザーで使うときグループで読めてよいのはグループ「%s」だけです "
                        "(chgrp %s または chmod 600)", kp, g ? g->gr_name : "?", BOSHI_GROUP,
                        BOSHI_GROUP);
    }
    return berr_set(e, BERR_DENIED,
                    "%s: サイト鍵ファイルの権限が広すぎます (権限 %04o: 0600、または複数の OS ユーザーで"
                    "使うときグループ「%s」で 0640 にしてください)", kp, (unsigned)m, BOSHI_GROUP);
}

static int key_load_file(const char *path, unsigned char out[32], int *shared, struct berr *e)
{
    char *kp = xstrdup(path);
    struct stat sb;
    int fd = -1, rc = 0;
    ssize_t n;

    fd = open(kp, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = berr_set(e, BERR_FAIL, "%s: サイト鍵ファイルを開けません (%s)", kp, strerror(errno));
        goto cleanup;
    }
    if (fstat(fd, &sb) < 0) {
        rc = berr_set(e, BERR_FAIL, "%s: サイト鍵ファイルを調べられません (%s)", kp, strerror(errno));
        goto cleanup;
    }
    rc = key_mode_check(kp, &sb, shared, e);
    if (rc < 0)
        goto cleanup;
    n = read(fd, out, 32);
    if (n != 32 || sb.st_size != 32) {
        rc = berr_set(e, BERR_FAIL, "%s: サイト鍵ファイルが壊れています (32バイトではありません)", kp);
        goto cleanup;
    }
cleanup:
    if (fd >= 0)
        close(fd);
    free(kp);
    return rc;
}

static int key_load(const char *db_path, unsigned char out[32], int *shared, struct berr *e)
{
    char *kp = key_path(db_path);
    int rc = key_load_file(kp, out, shared, e);

    free(kp);
    return rc;
}

static int key_create(const char *db_path, struct berr *e)
{
    char *kp = key_path(db_path);
    unsigned char key[32];
    int fd = -1, rc = 0;

    randombytes_buf(key, sizeof(key));
    fd = open(kp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = berr_set(e, BERR_CONFLICT, "%s: サイト鍵ファイルを作れません (%s)", kp, strerror(errno));
        goto cleanup;
    }
    if (write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) || fsync(fd) != 0) {
        rc = berr_set(e, BERR_FAIL, "%s: 書き込みに失敗しました (%s)", kp, strerror(errno));
        goto cleanup;
    }
cleanup:
    sodium_memzero(key, sizeof(key));
    if (fd >= 0)
        close(fd);
    free(kp);
    return rc;
}

void store_key(const struct store *st, enum store_key_purpose purpose, unsigned char out[32])
{
    key_derive(st->master, purpose, out);
}

void key_derive(const unsigned char master[32], enum store_key_purpose purpose, unsigned char out[32])
{
    crypto_kdf_derive_from_key(out, 32, (uint64_t)purpose, "boshikey", master);
}

void key_fingerprint(const unsigned char master[32], char out[17])
{
    unsigned char h[8];

    /* public: names a key in the store and in messages, reveals nothing of it */
    crypto_generichash(h, sizeof(h), (const unsigned char *)"boshi key id", 12, master, 32);
    sodium_bin2hex(out, 17, h, sizeof(h));
}

/*
 * <db>.key.old: every key the site had before a rotation, 32 bytes each,
 * oldest first (records/keys.c).  Kept to verify the access log they chained
 * and to recognise forms and purge marks made under them.
 */
static int keyring_load(struct store *st, struct berr *e)
{
    char *kp = xasprintf("%s.key.old", st->path);
    unsigned char *buf = NULL;
    struct stat sb;
    int fd = open(kp, O_RDONLY | O_CLOEXEC), rc = 0, shared;

    if (fd < 0) {
        free(kp);
        return 0;
    }
    if (fstat(fd, &sb) < 0 || sb.st_size % 32 != 0 || sb.st_size > 32 * 1024) {
        rc = berr_set(e, BERR_FAIL, "%s: 旧サイト鍵ファイルが壊れています", kp);
        goto cleanup;
    }
    rc = key_mode_check(kp, &sb, &shared, e);
    if (rc < 0)
        goto cleanup;
    st->n_old = (size_t)sb.st_size / 32;
    st->old = sodium_malloc(st->n_old ? st->n_old * 32 : 32);
    if (st->old == NULL || (st->n_old && read(fd, st->old, st->n_old * 32) != (ssize_t)(st->n_old * 32)))
        rc = berr_set(e, BERR_FAIL, "%s: 旧サイト鍵ファイルを読めません", kp);
cleanup:
    free(buf);
    close(fd);
    free(kp);
    return rc;
}

const unsigned char *store_key_by_id(const struct store *st, const char *id)
{
    char f[17];

    if (strcmp(st->key_id, id) == 0)
        return st->master;
    for (size_t i = 0; i < st->n_old; i++) {
        key_fingerprint(st->old[i], f);
        if (strcmp(f, id) == 0)
            return st->old[i];
    }
    return NULL;
}

int store_key_current(struct store *st, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT value FROM meta WHERE key = 'key_id'", e);

    if (rc < 0)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW && strcmp(db_col(s, 0), st->key_id) != 0)
        rc = berr_set(e, BERR_CONFLICT, "%s: サイト鍵が更新されました (boshi keys rotate)。"
                      "このコマンドを起動し直してください", st->path);
    sqlite3_finalize(s);
    return rc;
}

/*
 * A rotation commits the store and then renames <db>.key.new to <db>.key.
 * Killed between the two, the store names the new key: finish the rename.
 * Killed before the commit, <db>.key.new is a key nobody uses: remove it.
 */
static int key_settle(struct store *st, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char want[17] = "", got[17];
    char *kp = key_path(st->path), *np = xasprintf("%s.key.new", st->path);
    unsigned char k[32];
    int rc = db_prepare(st, &s, "SELECT value FROM meta WHERE key = 'key_id'", e), shared = 0;

    if (rc == 0 && sqlite3_step(s) == SQLITE_ROW)
        snprintf(want, sizeof(want), "%s", db_col(s, 0));
    sqlite3_finalize(s);
    if (rc < 0 || want[0] == '\0' || strcmp(want, st->key_id) == 0) {
        if (rc == 0 && access(np, F_OK) == 0 && want[0] != '\0')
            unlink(np);
        goto cleanup;
    }
    if (access(np, F_OK) == 0 && key_load_file(np, k, &shared, e) == 0) {
        key_fingerprint(k, got);
        if (strcmp(got, want) == 0 && rename(np, kp) == 0) {
            memcpy(st->master, k, 32);
            memcpy(st->key_id, got, sizeof(got));
            st->shared = shared;
            sodium_memzero(k, sizeof(k));
            goto cleanup;
        }
        sodium_memzero(k, sizeof(k));
    }
    rc = berr_set(e, BERR_FAIL, "%s: サイト鍵ファイルがこの記録ストアの鍵ではありません "
                  "(記録ストアの鍵ID %s、鍵ファイル %s)", kp, want, st->key_id);
cleanup:
    free(kp);
    free(np);
    return rc;
}

static int schema_version(struct store *st, int *v, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "PRAGMA user_version", e);

    if (rc < 0)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW)
        *v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return 0;
}

static int migrate(struct store *st, struct berr *e)
{
    int v = 0, rc;

    rc = schema_version(st, &v, e);
    if (rc < 0)
        return rc;
    if (v > N_MIGRATIONS)
        return berr_set(e, BERR_FAIL,
                        "%s: 記録ストアの版 (%d) がこの boshi より新しいです (対応: %d)", st->path, v,
                        N_MIGRATIONS);
    if (v == N_MIGRATIONS)
        return 0;
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    /* Re-read under the write lock: another process may have migrated. */
    rc = schema_version(st, &v, e);
    for (; rc == 0 && v < N_MIGRATIONS; v++) {
        rc = db_exec(st, migrations[v], e);
        if (rc == 0 && v == 0)
            rc = db_exec(st, residents_index_sql, e);
        if (rc == 0) {
            char sql[64];
            snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
            rc = db_exec(st, sql, e);
        }
    }
    if (rc < 0) {
        store_rollback(st);
        return berr_prefix(e, "スキーマ移行に失敗しました: ");
    }
    return store_commit(st, e);
}

static int store_connect(const char *path, int create, struct store **out, struct berr *e)
{
    struct store *st = xcalloc(1, sizeof(*st));
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = 0;

    st->path = xstrdup(path);
    if (sodium_init() < 0) {
        rc = berr_set(e, BERR_FAIL, "libsodium を初期化できません");
        goto cleanup;
    }
    if (!create && access(path, F_OK) != 0) {
        rc = berr_set(e, BERR_NOTFOUND,
                      "%s: 記録ストアが見つかりません。--db か BOSHI_DB で既存の記録ストアを"
                      "指定してください (no store at this path)", path);
        goto cleanup;
    }
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        rc = berr_set(e, BERR_FAIL, "%s: 記録ストアを開けません (%s)", path,
                      st->db ? sqlite3_errmsg(st->db) : "?");
        goto cleanup;
    }
    sqlite3_busy_timeout(st->db, 10000);
    rc = db_exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                     "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;", e);
    if (rc < 0) {
        berr_prefix(e, "%s: ", path);
        goto cleanup;
    }
cleanup:
    if (rc < 0) {
        store_close(&st);
        return rc;
    }
    *out = st;
    return 0;
}

int store_open(const char *path, unsigned flags, struct store **out, struct berr *e)
{
    struct store *st = NULL;
    int rc;

    (void)flags;
    *out = NULL;
    rc = store_connect(path, 0, &st, e);
    if (rc < 0)
        return rc;
    rc = key_load(path, st->master, &st->shared, e);
    if (rc == 0) {
        key_fingerprint(st->master, st->key_id);
        rc = keyring_load(st, e);
    }
    if (rc == 0)
        rc = migrate(st, e);
    if (rc == 0)
        rc = key_settle(st, e);
    if (rc < 0) {
        store_close(&st);
        return rc;
    }
    *out = st;
    return 0;
}

void store_close(struct store **stp)
{
    struct store *st = stp ? *stp : NULL;

    if (st == NULL)
        return;
    if (st->db)
        sqlite3_close_v2(st->db);
    sodium_memzero(st->master, sizeof(st->master));
    if (st->old)
        sodium_free(st->old);
    free(st->path);
    free(st);
    *stp = NULL;
}

/*
 * Transactions nest: the outermost is BEGIN IMMEDIATE (take the write lock
 * before reading, so read-modify-write is safe across processes), inner
 * ones are savepoints, so a module function that runs its own transaction
 * can also be part of a caller's larger one.
 *
 * A function that reads and then writes (an audited view: read a row, then
 * audit_append) must begin before its first read.  Otherwise its read
 * holds a snapshot (an open SELECT is enough), the write has to upgrade it,
 * and an upgrade fails at once with SQLITE_BUSY while another connection
 * writes: the busy timeout only covers taking the lock before reading.
 */
int store_begin(struct store *st, struct berr *e)
{
    char sql[32];

    if (st->depth == 0)
        snprintf(sql, sizeof(sql), "BEGIN IMMEDIATE");
    else
        snprintf(sql, sizeof(sql), "SAVEPOINT s%d", st->depth);
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(st, "トランザクション開始", e);
    st->depth++;
    return 0;
}

int store_commit(struct store *st, struct berr *e)
{
    char sql[32];

    assert(st->depth > 0);
    if (st->depth == 1)
        snprintf(sql, sizeof(sql), "COMMIT");
    else
        snprintf(sql, sizeof(sql), "RELEASE s%d", st->depth - 1);
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        int rc = db_fail(st, "コミット", e);
        store_rollback(st);
        return rc;
    }
    st->depth--;
    return 0;
}

void store_rollback(struct store *st)
{
    char sql[64];

    if (st->depth == 0)
        return;
    if (st->depth == 1)
        snprintf(sql, sizeof(sql), "ROLLBACK");
    else
        snprintf(sql, sizeof(sql), "ROLLBACK TO s%d; RELEASE s%d", st->depth - 1, st->depth - 1);
    sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    st->depth--;
}

void store_set_today(struct store *st, struct ymd d)
{
    st->today = d;
    st->today_set = 1;
}

struct ymd store_today(const struct store *st)
{
    return st->today_set ? st->today : ymd_today();
}


/* The directory of path must belong to BOSHI_GROUP, be group-writable and setgid. */
static int shared_dir_check(const char *path, gid_t *gid, struct berr *e)
{
    char *dir = xstrdup(path), *slash = strrchr(dir, '/');
    struct group *g = getgrnam(BOSHI_GROUP);
    struct stat sb;
    int rc = 0;

    if (slash == dir)
        dir[1] = '\0';
    else if (slash != NULL)
        *slash = '\0';
    else
        strcpy(dir, ".");
    if (g == NULL) {
        rc = berr_set(e, BERR_FAIL, "グループ「%s」がありません。先に groupadd %s で作ってください",
                      BOSHI_GROUP, BOSHI_GROUP);
        goto cleanup;
    }
    *gid = g->gr_gid;
    if (stat(dir, &sb) < 0 || sb.st_gid != g->gr_gid || (sb.st_mode & S_ISGID) == 0 ||
        (sb.st_mode & 070) != 070 || (sb.st_mode & 07) != 0) {
        rc = berr_set(e, BERR_FAIL,
                      "%s: 共用の記録ストアを置くフォルダは、グループ「%s」で権限 2770 にしてください "
                      "(chgrp %s %s; chmod 2770 %s)", dir, BOSHI_GROUP, BOSHI_GROUP, dir, dir);
        goto cleanup;
    }
cleanup:
    free(dir);
    return rc;
}

int store_create(const char *path, const char *os_user, struct berr *e)
{
    return store_create_with(path, os_user, 0, e);
}

int store_create_with(const char *path, const char *os_user, unsigned flags, struct berr *e)
{
    struct store *st = NULL;
    char *kp = key_path(path);
    gid_t gid = (gid_t)-1;
    int rc = 0;

    if (access(path, F_OK) == 0) {
        rc = berr_set(e, BERR_CONFLICT, "%s: 記録ストアは既にあります (already exists)", path);
        goto cleanup;
    }
    if (access(kp, F_OK) == 0) {
        rc = berr_set(e, BERR_CONFLICT,
                      "%s: サイト鍵ファイルが既にあります。別のストアの鍵を上書きしないよう中止しました", kp);
        goto cleanup;
    }
    if (flags & STORE_CREATE_SHARED)
        rc = shared_dir_check(path, &gid, e);
    if (rc == 0)
        rc = key_create(path, e);
    if (rc == 0 && (flags & STORE_CREATE_SHARED) &&
        (chown(kp, (uid_t)-1, gid) < 0 || chmod(kp, 0640) < 0))
        rc = berr_set(e, BERR_FAIL, "%s: グループ「%s」に渡せません (%s)", kp, BOSHI_GROUP,
                      strerror(errno));
    if (rc < 0)
        goto cleanup;
    rc = store_connect(path, 1, &st, e);
    if (rc == 0)
        rc = key_load(path, st->master, &st->shared, e);
    if (rc == 0)
        key_fingerprint(st->master, st->key_id);
    if (rc == 0)
        rc = migrate(st, e);
    if (rc == 0 && (flags & STORE_CREATE_DEMO))
        rc = db_exec(st, "INSERT INTO meta(key, value) VALUES ('demo', '1')", e);
    if (rc == 0)
        rc = users_bootstrap(st, os_user, e);
    if (rc == 0 && (flags & STORE_CREATE_SHARED) &&
        (chown(path, (uid_t)-1, gid) < 0 || chmod(path, 0660) < 0))
        rc = berr_set(e, BERR_FAIL, "%s: グループ「%s」に渡せません (%s)", path, BOSHI_GROUP,
                      strerror(errno));
    if (rc < 0) {
        store_close(&st);
        unlink(path);
        unlink(kp);
        goto cleanup;
    }
    if (!(flags & STORE_CREATE_SHARED))
        chmod(path, 0600);
cleanup:
    store_close(&st);
    free(kp);
    return rc;
}

int store_is_demo(struct store *st)
{
    sqlite3_stmt *s = NULL;
    int demo = 0;
    struct berr e;

    berr_clear(&e);
    if (db_prepare(st, &s, "SELECT value FROM meta WHERE key = 'demo'", &e) < 0)
        return 0;
    if (sqlite3_step(s) == SQLITE_ROW)
        demo = strcmp(db_col(s, 0), "1") == 0;
    sqlite3_finalize(s);
    return demo;
}

int store_require_demo(struct store *st, const char *what, struct berr *e)
{
    if (store_is_demo(st))
        return 0;
    return berr_set(e, BERR_DENIED,
                    "%s: 実運用の記録ストアです。「%s」は模擬データを書くため、"
                    "boshi init --demo で作った試験用のストアにしか使えません", st->path, what);
}

int store_shared(const struct store *st)
{
    return st->shared;
}
