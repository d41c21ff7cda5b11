/*
 * records/backup.h: encrypted backups of a whole store (database, site
 * keys, original scans) under a passphrase, and their restore: backup.c.
 *
 *   backup_write, backup_restore
 *
 * Ownership: reports are the caller's plain values; the passphrase is
 * borrowed for the call.
 */
#ifndef BOSHI_RECORDS_BACKUP_H
#define BOSHI_RECORDS_BACKUP_H

#include <stdint.h>

#include "records/accounts.h"

/* ---- backup and restore (backup.c) ----------------------------------- */

/*
 * A backup file: a 64-byte header in clear (magic "BOSHIBK1", the argon2id
 * cost, its salt, the secretstream header), then XChaCha20-Poly1305
 * secretstream messages of up to 64 KiB each (4-byte length + ciphertext),
 * the last tagged FINAL.  The key is derived from a passphrase
 * (crypto_pwhash, argon2id), never from the site key.  Inside: the
 * database copy, the site key (and the earlier keys of a rotation, for the
 * access log), and the original scans of <db>.scans/.
 */
#define BACKUP_PASSPHRASE_MIN 12     /* bytes */
struct backup_report {
    int64_t db_bytes;        /* the consistent copy of the database */
    int64_t file_bytes;      /* the encrypted file */
    long scans;              /* original scans carried */
    int64_t audit_seq;       /* last access-log entry in the copy */
    double seconds;
};
/*
 * Writes an encrypted backup of the open store to path: an online copy
 * (SQLite's backup API, in steps, inside one read snapshot: intake and the
 * web UI keep writing), written to path.tmp, fsynced and renamed, so a
 * killed backup never leaves a file under path.  Refuses an existing path.
 * Needs PERM_BACKUP; one audit entry (no personal data).  Must be called
 * outside a transaction.
 */
int backup_write(struct store *st, const struct actor *a, const char *path, const char *passphrase,
                 struct backup_report *rep, struct berr *e);
struct restore_report {
    int64_t db_bytes;
    long scans;              /* original scans written (the ones not there already) */
    int64_t audit_checked;   /* access-log entries whose link verified */
    double seconds;
};
/*
 * Restores backup file path as the store target (with target.key): decrypts
 * into target.tmp, checks the database and its access-log chain, and only
 * then renames.  A file that fails authentication (tampered, cut short,
 * wrong passphrase) or whose chain does not verify is refused and nothing
 * is left behind.  An existing store or key at target is refused unless
 * force.  os_user names the restore in the restored store's access log.
 */
int backup_restore(const char *path, const char *target, const char *passphrase, int force,
                   const char *os_user, struct restore_report *rep, struct berr *e);

#endif
