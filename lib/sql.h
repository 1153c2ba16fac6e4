/*
 * sql.h - every SQL statement jwtauth runs, in one table.  All are
 * prepared with '?' placeholders; nothing from a request is ever formatted
 * into SQL text.  Columns follow Django's accounts_user (sql/migrations/0001_accounts_user.sql);
 * timestamps are stored in UTC as Django does with USE_TZ = True.
 */
#ifndef JWTAUTH_SQL_H
#define JWTAUTH_SQL_H

enum sql_id {
	SQL_USER_BY_EMAIL,	/* login, reset mail, uniqueness: email = ? under the column's collation */
	SQL_USER_BY_ID,		/* token user, reset uid */
	SQL_USER_INSERT,	/* register */
	SQL_USER_SET_PASSWORD,	/* change/reset: user.save() also bumps updated_at */
	SQL_USER_REHASH,	/* login upgrade: password only, and only if unchanged meanwhile */
	SQL_USER_RESET_PASSWORD,/* reset: only while the hash the token was made from is current */
	/* The administration (admin API, jwtauth-admin). */
	SQL_ADMIN_BY_ID,	/* one user as the admin shows it */
	SQL_ADMIN_BY_EMAIL,
	SQL_ADMIN_COUNT,	/* the list's count: search and filters */
	SQL_ADMIN_LIST_EMAIL,	/* the list's page: SQL_ADMIN_LIST_EMAIL + 2 * order + desc */
	SQL_ADMIN_LIST_EMAIL_DESC,
	SQL_ADMIN_LIST_ID,
	SQL_ADMIN_LIST_ID_DESC,
	SQL_ADMIN_LIST_NAME,
	SQL_ADMIN_LIST_NAME_DESC,
	SQL_ADMIN_LIST_CREATED_AT,
	SQL_ADMIN_LIST_CREATED_AT_DESC,
	SQL_ADMIN_INSERT,	/* add a user, admin or not */
	SQL_ADMIN_LOCK_USER,	/* in a transaction: the user changed or deleted, locked */
	SQL_ADMIN_LOCK_ADMINS,	/* in a transaction: the active admins, locked, counted */
	SQL_ADMIN_UPDATE,	/* change a user (not the password: SQL_USER_SET_PASSWORD) */
	SQL_ADMIN_DELETE,
	SQL_SCHEMA,		/* jwtauth-admin check: accounts_user's columns and unique keys */
	/* Schema migrations (jwtauth-admin migrate); the table is SQL_MIGRATIONS_TABLE. */
	SQL_MIGRATION_LIST,	/* the migrations applied, by name */
	SQL_MIGRATION_RECORD,	/* one more applied */
	/* The throttles (lib/throttle.c, table jwtauth_throttle: sql/migrations/0002). */
	SQL_THROTTLE_HIT,	/* count one event; the new count comes back as LAST_INSERT_ID */
	SQL_THROTTLE_END,	/* when a counter's window ends */
	SQL_THROTTLE_UNDO,	/* take back one event of a live window */
	SQL_THROTTLE_FORGET,	/* drop a counter (a successful login) */
	SQL_THROTTLE_PRUNE,	/* drop a bounded number of ended windows */
	SQL_EMAIL_WEIGHT,	/* an address as accounts_user.email compares it */
	/* The audit log (audit.c, jwtauth-admin audit). */
	SQL_AUDIT_INSERT,
	SQL_AUDIT_LIST,		/* SQL_AUDIT_LIST + (by user) + 2 * (by event) */
	SQL_AUDIT_LIST_USER,
	SQL_AUDIT_LIST_EVENT,
	SQL_AUDIT_LIST_USER_EVENT,
	SQL_AUDIT_PRUNE,	/* one batch of rows older than a time */
	/* Tokens (sql/migrations/0003_token_blacklist.sql, 0004_jwtauth_tokens.sql). */
	SQL_TOKEN_OUTSTAND,	/* OutstandingToken.objects.create() of a refresh token issued */
	SQL_TOKEN_OUTSTAND_GET,	/* blacklist()'s get_or_create of the outstanding row */
	SQL_TOKEN_STATE,	/* a refresh token: outstanding, blacklisted, its family and rotation */
	SQL_TOKEN_TEXT,		/* a token issued (a rotation's successor) and whether it is blacklisted */
	SQL_TOKEN_BLACKLIST,	/* BlacklistedToken get_or_create by jti */
	SQL_TOKEN_BLACKLIST_FAMILY,	/* every outstanding token of a family */
	SQL_TOKEN_ROTATE_CLAIM,	/* in a transaction: mark a refresh token rotated out, once */
	SQL_TOKEN_FAMILY_ADD,	/* in a transaction: the successor's family row */
	SQL_TOKEN_DETACH_USER,	/* in a transaction: user deleted: user_id = NULL (Django's SET_NULL) */
	SQL_USER_REVOKE,	/* tokens of a user issued at or before a time are refused */
	SQL_FLUSH_BLACKLISTED,	/* flushexpiredtokens, in one transaction: */
	SQL_FLUSH_OUTSTANDING,
	SQL_FLUSH_FAMILIES,
	SQL_FLUSH_REVOCATIONS,
	/* jwtauth-admin migrate's lock, one row (SQL_MIGRATE_LOCK_TABLE): cluster-wide under Galera. */
	SQL_MIGRATE_LOCK_EXPIRE,	/* drop the row of a holder that died */
	SQL_MIGRATE_LOCK_TAKE,		/* the row, or DB_DUP when another holds it */
	SQL_MIGRATE_LOCK_GIVE,		/* drop our row */
	SQL__MAX
};

/* last_login comes as a MYSQL_TIME, formatted by db.c (no DATE_FORMAT on the server). */
#define SQL_USER_COLUMNS \
	"id, password, last_login, email, name, tc, is_active"

/*
 * Each statement that loads a user (SQL_USER_BY_EMAIL, SQL_USER_BY_ID)
 * also reads, in the same query (a LEFT JOIN by primary key), the time before which the user's tokens
 * are refused (jwtauth_user_revocation; NULL when none).
 */
#define SQL_USER_FROM \
	", r.revoked_at, r.kept_iat FROM accounts_user " \
	"LEFT JOIN jwtauth_user_revocation r ON r.user_id = accounts_user.id"

/*
 * The admin's columns, and its list's filters: the search is a LIKE
 * pattern made by db_like_contains() ('%' alone when there is none), each
 * filter a pair (0, 1 for any; 0, 0 or 1, 1).  One WHERE for every
 * combination, so the statements are a fixed set; the order is one of
 * constant ORDER BY clauses chosen by index, never request text.
 */
#define SQL_ADMIN_COLUMNS \
	"id, email, name, tc, is_active, is_admin, last_login, created_at, updated_at"
#define SQL_ADMIN_WHERE \
	" FROM accounts_user WHERE email LIKE ? AND is_admin IN (?, ?) AND is_active IN (?, ?)"
#define SQL_ADMIN_PAGE \
	" LIMIT ? OFFSET ?"

/*
 * The audit log (sql/migrations/0006_audit.sql): the newest rows first, at
 * most LIMIT of them; the filters are a fixed set of statements.
 */
#define SQL_AUDIT_COLUMNS \
	"id, created_at, event, user_id, target_id, client, user_agent, outcome"
#define SQL_AUDIT_ORDER \
	" ORDER BY created_at DESC, id DESC LIMIT ?"

/*
 * Transactions (db.c's db_tx): READ COMMITTED, so that a locking read of
 * the active admins (no index on is_admin) locks the rows that match, not
 * every row it scans as REPEATABLE READ's next-key locks would.
 */
#define SQL_TX_ISOLATION \
	"SET TRANSACTION ISOLATION LEVEL READ COMMITTED"
#define SQL_TX_BEGIN \
	"START TRANSACTION"

/*
 * Schema migrations (db_migrate_*): sql/migrations/NNNN_name.sql files,
 * applied in order by jwtauth-admin migrate as the database's owner, each
 * recorded by name in a table of their own.  A lock (below) keeps two
 * migrating hosts from applying one file twice.  These run as plain
 * queries (DDL, a lock), not prepared.
 */
#define SQL_MIGRATIONS_TABLE \
	"CREATE TABLE IF NOT EXISTS jwtauth_migrations (" \
	"name varchar(255) NOT NULL, applied_at datetime(6) NOT NULL, PRIMARY KEY (name)" \
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
#define SQL_MIGRATIONS_PROBE	"SELECT 1 FROM jwtauth_migrations LIMIT 0"
/*
 * GET_LOCK is local to one server: on a Galera cluster two hosts migrating
 * through two nodes would both hold it.  The lock is a row instead, made by
 * an INSERT under the primary key: on one server the second INSERT is a
 * duplicate; on two nodes certification fails one of them (a deadlock,
 * run again by db_exec: then a duplicate).  The row expires after
 * SQL_MIGRATE_LOCK_SECONDS, should its holder die without dropping it.
 * The table is made by db_migrate_lock() when missing, before any
 * migration (it is what makes them safe), as jwtauth_migrations is.
 */
#define SQL_MIGRATE_LOCK_SECONDS	"600"
#define SQL_MIGRATE_LOCK_TABLE \
	"CREATE TABLE IF NOT EXISTS jwtauth_migrate_lock (" \
	"name varchar(32) NOT NULL, holder varchar(128) NOT NULL, expires_at datetime(6) NOT NULL, " \
	"PRIMARY KEY (name)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
#define SQL_MIGRATE_LOCK_PROBE	"SELECT 1 FROM jwtauth_migrate_lock LIMIT 0"

/*
 * scan: 1 for a statement that reads every row by design, as Django
 * admin's changelist does: a substring search (LIKE '%text%') and the
 * filters on is_admin/is_active cannot use an index, nor can counting the
 * active admins.  An EXPLAIN without a key is expected for these.  So do
 * flushexpiredtokens' deletes (simplejwt's table has no index on
 * expires_at; the command runs from cron, as Django's does).
 */
struct sql_def {
	const char	*text;
	int		 idempotent;	/* safe to run again after a lost connection */
	int		 scan;		/* reads every row by design (see above) */
};

static const struct sql_def sql_defs[SQL__MAX] = {
	[SQL_USER_BY_EMAIL] = {
	    "SELECT " SQL_USER_COLUMNS SQL_USER_FROM " WHERE email = ?", 1 },
	[SQL_USER_BY_ID] = {
	    "SELECT " SQL_USER_COLUMNS SQL_USER_FROM " WHERE id = ?", 1 },
	[SQL_USER_INSERT] = {
	    "INSERT INTO accounts_user (password, last_login, email, name, tc, "
	    "is_active, is_admin, created_at, updated_at) "
	    "VALUES (?, NULL, ?, ?, ?, 1, 0, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))", 0 },
	[SQL_USER_SET_PASSWORD] = {
	    "UPDATE accounts_user SET password = ?, updated_at = UTC_TIMESTAMP(6) "
	    "WHERE id = ?", 1 },
	[SQL_USER_REHASH] = {
	    "UPDATE accounts_user SET password = ? WHERE id = ? AND password = ?", 1 },
	/*
	 * Not idempotent: run again after a lost answer, it finds the new hash
	 * and changes nothing (the first run took effect: "token invalid"
	 * would be wrong).  db_user_reset_password() reads the row instead.
	 */
	[SQL_USER_RESET_PASSWORD] = {
	    "UPDATE accounts_user SET password = ?, updated_at = UTC_TIMESTAMP(6) "
	    "WHERE id = ? AND password = ?", 0 },
	[SQL_ADMIN_BY_ID] = {
	    "SELECT " SQL_ADMIN_COLUMNS " FROM accounts_user WHERE id = ?", 1, 0 },
	[SQL_ADMIN_BY_EMAIL] = {
	    "SELECT " SQL_ADMIN_COLUMNS " FROM accounts_user WHERE email = ?", 1, 0 },
	[SQL_ADMIN_COUNT] = {
	    "SELECT COUNT(*)" SQL_ADMIN_WHERE, 1, 1 },
	[SQL_ADMIN_LIST_EMAIL] = {
	    "SELECT " SQL_ADMIN_COLUMNS SQL_ADMIN_WHERE " ORDER BY email, id" SQL_ADMIN_PAGE, 1, 1 },
	[SQL_ADMIN_LIST_EMAIL_DESC] = {
	    "SELECT " SQL_ADMIN_COLUMNS SQL_ADMIN_WHERE " ORDER BY email DESC, id" SQL_ADMIN_PAGE,
	    1, 1 },
	[SQL_ADMIN_LIST_ID] = {
	    "SELECT " SQL_ADMIN_COLUMNS SQL_ADMIN_WHERE " ORDER BY id" SQL_ADMIN_PAGE, 1, 1 },
	[SQL_ADMIN_LIST_ID_DESC] = {
	    "SELECT " SQL_ADMIN_COLUMNS SQL_ADMIN_WHERE " ORDER BY id DESC" SQL_ADMIN_PAGE, 1, 1 },
	[SQL_ADMIN_LIST_NAME] = {
	    "SELECT " SQL_ADMIN_COLUMNS SQL_ADMIN_WHERE " ORDER BY name, id" SQL_ADMIN_PAGE, 1, 1 },
	[SQL_ADMIN_LIST_NAME_DESC] = {
	    "SELECT " SQL_ADMIN_COLUMNS SQL_ADMIN_WHERE " ORDER BY name DESC, id" SQL_ADMIN_PAGE,
	    1, 1 },
	[SQL_ADMIN_LIST_CREATED_AT] = {
	    "SELECT " SQL_ADMIN_COLUMNS SQL_ADMIN_WHERE " ORDER BY created_at, id" SQL_ADMIN_PAGE,
	    1, 1 },
	[SQL_ADMIN_LIST_CREATED_AT_DESC] = {
	    "SELECT " SQL_ADMIN_COLUMNS SQL_ADMIN_WHERE " ORDER BY created_at DESC, id"
	    SQL_ADMIN_PAGE, 1, 1 },
	[SQL_ADMIN_INSERT] = {
	    "INSERT INTO accounts_user (password, last_login, email, name, tc, "
	    "is_active, is_admin, created_at, updated_at) "
	    "VALUES (?, NULL, ?, ?, ?, 1, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))", 0, 0 },
	[SQL_ADMIN_LOCK_USER] = {
	    "SELECT is_admin, is_active FROM accounts_user WHERE id = ? FOR UPDATE", 1, 0 },
	[SQL_ADMIN_LOCK_ADMINS] = {
	    "SELECT COUNT(*) FROM accounts_user WHERE is_admin = 1 AND is_active = 1 FOR UPDATE",
	    1, 1 },
	[SQL_ADMIN_UPDATE] = {
	    "UPDATE accounts_user SET email = ?, name = ?, tc = ?, is_admin = ?, is_active = ?, "
	    "updated_at = UTC_TIMESTAMP(6) WHERE id = ?", 0, 0 },
	[SQL_ADMIN_DELETE] = {
	    "DELETE FROM accounts_user WHERE id = ?", 0, 0 },
	[SQL_MIGRATION_LIST] = {
	    "SELECT name, applied_at FROM jwtauth_migrations ORDER BY name", 1, 1 },
	[SQL_MIGRATION_RECORD] = {
	    "INSERT INTO jwtauth_migrations (name, applied_at) VALUES (?, UTC_TIMESTAMP(6))", 0, 0 },
	/* One row: "name type NULL-ability[ extra]" per column, "index(column)" per unique key. */
	[SQL_SCHEMA] = {
	    "SELECT (SELECT GROUP_CONCAT(CONCAT_WS(' ', column_name, column_type, is_nullable, "
	    "NULLIF(extra, '')) ORDER BY ordinal_position SEPARATOR ', ') "
	    "FROM information_schema.columns "
	    "WHERE table_schema = DATABASE() AND table_name = 'accounts_user'), "
	    "(SELECT GROUP_CONCAT(CONCAT(index_name, '(', column_name, ')') "
	    "ORDER BY index_name = 'PRIMARY' DESC, index_name, seq_in_index SEPARATOR ' ') "
	    "FROM information_schema.statistics "
	    "WHERE table_schema = DATABASE() AND table_name = 'accounts_user' AND non_unique = 0)", 1, 0 },
	/*
	 * One statement, atomic on any number of web hosts: a new counter
	 * starts at 1 (LAST_INSERT_ID stays 0); an ended window starts again
	 * at 1; else one more, capped at the limit + 1 so that refused events
	 * pile up nowhere.  hits is assigned first, so both IF()s read the
	 * old window_end.  Parameters: scope, ident, now + window, now, cap,
	 * now (milliseconds).  Run again after a lost connection (marked
	 * idempotent): it may then count one event twice, which errs on the
	 * side a throttle should.
	 */
	[SQL_THROTTLE_HIT] = {
	    "INSERT INTO jwtauth_throttle (scope, ident, hits, window_end) VALUES (?, ?, 1, ?) "
	    "ON DUPLICATE KEY UPDATE "
	    "hits = LAST_INSERT_ID(IF(window_end <= ?, 1, LEAST(hits + 1, ?))), "
	    "window_end = IF(window_end <= ?, VALUES(window_end), window_end)", 1, 0 },
	[SQL_THROTTLE_END] = {
	    "SELECT window_end FROM jwtauth_throttle WHERE scope = ? AND ident = ?", 1, 0 },
	[SQL_THROTTLE_UNDO] = {
	    "UPDATE jwtauth_throttle SET hits = hits - 1 "
	    "WHERE scope = ? AND ident = ? AND hits > 0 AND window_end > ?", 0, 0 },
	[SQL_THROTTLE_FORGET] = {
	    "DELETE FROM jwtauth_throttle WHERE scope = ? AND ident = ?", 1, 0 },
	/* By the window_end index; LIMIT keeps one request's share of the work small. */
	[SQL_THROTTLE_PRUNE] = {
	    "DELETE FROM jwtauth_throttle WHERE window_end <= ? ORDER BY window_end LIMIT ?", 1, 0 },
	/*
	 * WEIGHT_STRING under accounts_user.email's collation (0001: utf8mb4_general_ci):
	 * two addresses the login's lookup takes for one have one weight (case
	 * and accents folded as the server folds them).
	 */
	[SQL_EMAIL_WEIGHT] = {
	    "SELECT WEIGHT_STRING(CONVERT(? USING utf8mb4) COLLATE utf8mb4_general_ci)", 1, 0 },
	[SQL_AUDIT_INSERT] = {
	    "INSERT INTO jwtauth_audit (created_at, event, user_id, target_id, client, user_agent, "
	    "outcome) VALUES (?, ?, ?, ?, ?, ?, ?)", 0, 0 },
	[SQL_AUDIT_LIST] = {
	    "SELECT " SQL_AUDIT_COLUMNS " FROM jwtauth_audit WHERE created_at >= ?"
	    SQL_AUDIT_ORDER, 1, 0 },
	[SQL_AUDIT_LIST_USER] = {
	    "SELECT " SQL_AUDIT_COLUMNS " FROM jwtauth_audit WHERE created_at >= ? "
	    "AND (user_id = ? OR target_id = ?)" SQL_AUDIT_ORDER, 1, 0 },
	[SQL_AUDIT_LIST_EVENT] = {
	    "SELECT " SQL_AUDIT_COLUMNS " FROM jwtauth_audit WHERE created_at >= ? "
	    "AND event = ?" SQL_AUDIT_ORDER, 1, 0 },
	[SQL_AUDIT_LIST_USER_EVENT] = {
	    "SELECT " SQL_AUDIT_COLUMNS " FROM jwtauth_audit WHERE created_at >= ? "
	    "AND (user_id = ? OR target_id = ?) AND event = ?" SQL_AUDIT_ORDER, 1, 0 },
	[SQL_AUDIT_PRUNE] = {
	    "DELETE FROM jwtauth_audit WHERE created_at < ? LIMIT ?", 1, 0 },
	[SQL_TOKEN_OUTSTAND] = {
	    "INSERT INTO token_blacklist_outstandingtoken (token, created_at, expires_at, user_id, jti) "
	    "VALUES (?, ?, ?, ?, ?)", 0, 0 },
	[SQL_TOKEN_OUTSTAND_GET] = {
	    "INSERT INTO token_blacklist_outstandingtoken (token, created_at, expires_at, user_id, jti) "
	    "VALUES (?, NULL, ?, NULL, ?) ON DUPLICATE KEY UPDATE id = id", 1, 0 },
	/* One row whatever exists: each column NULL when its row is missing. */
	[SQL_TOKEN_STATE] = {
	    "SELECT o.id, b.id, r.family, r.rotated_at, r.replaced_by FROM (SELECT 1) one "
	    "LEFT JOIN token_blacklist_outstandingtoken o ON o.jti = ? "
	    "LEFT JOIN token_blacklist_blacklistedtoken b ON b.token_id = o.id "
	    "LEFT JOIN jwtauth_refresh_token r ON r.jti = ?", 1, 0 },
	[SQL_TOKEN_TEXT] = {
	    "SELECT o.token, b.id FROM token_blacklist_outstandingtoken o "
	    "LEFT JOIN token_blacklist_blacklistedtoken b ON b.token_id = o.id WHERE o.jti = ?", 1, 0 },
	[SQL_TOKEN_BLACKLIST] = {
	    "INSERT INTO token_blacklist_blacklistedtoken (blacklisted_at, token_id) "
	    "SELECT ?, id FROM token_blacklist_outstandingtoken WHERE jti = ? "
	    "ON DUPLICATE KEY UPDATE blacklisted_at = blacklisted_at", 1, 0 },
	[SQL_TOKEN_BLACKLIST_FAMILY] = {
	    "INSERT INTO token_blacklist_blacklistedtoken (blacklisted_at, token_id) "
	    "SELECT ?, o.id FROM jwtauth_refresh_token r "
	    "JOIN token_blacklist_outstandingtoken o ON o.jti = r.jti WHERE r.family = ? "
	    "ON DUPLICATE KEY UPDATE blacklisted_at = blacklisted_at", 1, 0 },
	/*
	 * Affected rows: 1 (the row made, rotated), 2 (rotated now), 0 (it
	 * was rotated before: the caller lost).  replaced_by is set first,
	 * while rotated_at still says whether this rotation is the first.
	 */
	[SQL_TOKEN_ROTATE_CLAIM] = {
	    "INSERT INTO jwtauth_refresh_token (jti, family, user_id, replaced_by, rotated_at, "
	    "expires_at) VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
	    "replaced_by = IF(rotated_at IS NULL, VALUES(replaced_by), replaced_by), "
	    "rotated_at = IF(rotated_at IS NULL, VALUES(rotated_at), rotated_at)", 0, 0 },
	[SQL_TOKEN_FAMILY_ADD] = {
	    "INSERT INTO jwtauth_refresh_token (jti, family, user_id, replaced_by, rotated_at, "
	    "expires_at) VALUES (?, ?, ?, NULL, NULL, ?)", 0, 0 },
	[SQL_TOKEN_DETACH_USER] = {
	    "UPDATE token_blacklist_outstandingtoken SET user_id = NULL WHERE user_id = ?", 1, 0 },
	[SQL_USER_REVOKE] = {
	    "INSERT INTO jwtauth_user_revocation (user_id, revoked_at, kept_iat) VALUES (?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE "
	    "kept_iat = IF(VALUES(revoked_at) >= revoked_at, VALUES(kept_iat), kept_iat), "
	    "revoked_at = GREATEST(revoked_at, VALUES(revoked_at))", 1, 0 },
	[SQL_FLUSH_BLACKLISTED] = {
	    "DELETE b FROM token_blacklist_blacklistedtoken b "
	    "JOIN token_blacklist_outstandingtoken o ON o.id = b.token_id WHERE o.expires_at <= ?", 1, 1 },
	[SQL_FLUSH_OUTSTANDING] = {
	    "DELETE FROM token_blacklist_outstandingtoken WHERE expires_at <= ?", 1, 1 },
	[SQL_FLUSH_FAMILIES] = {
	    "DELETE FROM jwtauth_refresh_token WHERE expires_at <= ?", 1, 0 },
	[SQL_FLUSH_REVOCATIONS] = {
	    "DELETE FROM jwtauth_user_revocation WHERE revoked_at < ?", 1, 1 },
	[SQL_MIGRATE_LOCK_EXPIRE] = {
	    "DELETE FROM jwtauth_migrate_lock WHERE name = 'migrate' "
	    "AND expires_at < UTC_TIMESTAMP(6)", 1, 0 },
	[SQL_MIGRATE_LOCK_TAKE] = {
	    "INSERT INTO jwtauth_migrate_lock (name, holder, expires_at) VALUES ('migrate', ?, "
	    "UTC_TIMESTAMP(6) + INTERVAL " SQL_MIGRATE_LOCK_SECONDS " SECOND)", 0, 0 },
	[SQL_MIGRATE_LOCK_GIVE] = {
	    "DELETE FROM jwtauth_migrate_lock WHERE name = 'migrate' AND holder = ?", 1, 0 },
};

#endif
