/*
 * db.h - accounts_user in MariaDB through mariadb-connector-c prepared
 * statements.  One connection per process, opened on first use; on a lost
 * connection (2006/2013) or a lost statement (1243/2030) db.c reconnects,
 * prepares again and retries once, for idempotent statements only.
 */
#ifndef JWTAUTH_DB_H
#define JWTAUTH_DB_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

enum db_rc {
	DB_OK = 0,	/* done / row found */
	DB_NONE,	/* no such row */
	DB_DUP,		/* duplicate key (email taken) */
	DB_ERR,		/* database unavailable or failed: 503 */
	DB_LAST_ADMIN,	/* would leave no active admin: refused */
};

/* A row of accounts_user; text columns are NUL-terminated UTF-8. */
struct db_user {
	int64_t	 id;
	char	 password[516];		/* varchar(128) */
	char	 last_login[32];	/* "YYYY-MM-DD HH:MM:SS" (UTC), "" when NULL */
	char	 email[1024];		/* varchar(255) */
	size_t	 email_len;
	char	 name[804];		/* varchar(200) */
	size_t	 name_len;
	int	 tc;
	int	 is_active;
	int64_t	 revoked_at;		/* jwtauth_user_revocation: tokens whose iat is at
					   or before it are refused; 0 when none */
	int64_t	 kept_iat;		/* ... but for those with this iat (the session
					   that changed its password); 0 when none */
};

struct db;

/* Allocate the handle; nothing is connected yet.  NULL on allocation failure. */
struct db	*db_new(const struct cfg *cfg);
/* Close and free; db may be NULL. */
void		 db_free(struct db *db);
/*
 * A request starts: forget the last one's timeout (see db.c), and drop a
 * connection the server has closed meanwhile.
 */
void		 db_request(struct db *db);

enum db_rc	 db_user_by_email(struct db *db, const char *email, size_t len, struct db_user *u);
enum db_rc	 db_user_by_id(struct db *db, int64_t id, struct db_user *u);
/* Insert a user; *id receives the new id.  DB_DUP when the email is taken. */
enum db_rc	 db_user_insert(struct db *db, const char *email, size_t elen,
		    const char *name, size_t nlen, int tc, const char *hash, int64_t *id);
/*
 * Set the password (and updated_at).  DB_NONE when the user is gone.
 * kept_iat: the iat of the session that changed its own password, whose
 * tokens stay valid (db_user_revoke); 0 for any other change.
 */
enum db_rc	 db_user_set_password(struct db *db, int64_t id, const char *hash, int64_t kept_iat);
/*
 * Set the password (and updated_at) if it is still old_hash: a reset token
 * is made from the hash, so two uses of one token cannot both succeed.
 * DB_NONE when the password changed meanwhile or the user is gone.
 */
enum db_rc	 db_user_reset_password(struct db *db, int64_t id, const char *old_hash,
		    const char *new_hash);
/* Replace old_hash by new_hash unless the password changed meanwhile. */
enum db_rc	 db_user_rehash(struct db *db, int64_t id, const char *old_hash, const char *new_hash);
/*
 * (db_user_set_password and db_user_reset_password, and an admin's
 * deactivation in db_admin_update, also refuse the user's tokens issued
 * until now, in the same transaction, when [tokens]
 * revoke_on_password_change is on: db_user_revoke.)
 */
/*
 * Refuse the tokens of user id whose iat is at or before revoked_at (Unix
 * seconds), but those whose iat is kept_iat (0: none), the session that
 * changed its own password, as Django's update_session_auth_hash keeps it.
 */
enum db_rc	 db_user_revoke(struct db *db, int64_t id, int64_t revoked_at, int64_t kept_iat);

/*
 * Refresh tokens in simplejwt's token_blacklist tables and jwtauth's
 * families (sql/migrations/0003_token_blacklist.sql, 0004_jwtauth_tokens.sql).
 * jti are at most 255 characters (the columns); times are Unix seconds.
 */
#define DB_JTI_MAX	255

/* What the database knows of one token (db_token_state). */
struct db_token_state {
	int64_t	 outstanding_id;	/* token_blacklist_outstandingtoken.id; 0: not recorded */
	int	 blacklisted;		/* a token_blacklist_blacklistedtoken row */
	char	 family[4 * DB_JTI_MAX + 1];	/* its family's first jti; "": no family row */
	double	 rotated_at;		/* when a rotation consumed it; 0: never */
	char	 replaced_by[4 * DB_JTI_MAX + 1];	/* that rotation's new jti, or "" */
};

/* The state of the token jti.  DB_OK (st filled, zero when unknown) or DB_ERR. */
enum db_rc	 db_token_state(struct db *db, const char *jti, struct db_token_state *st);
/*
 * OutstandingToken.objects.create(): a refresh token issued to user_id (0:
 * none) at created (with fraction), expiring at expires.
 */
enum db_rc	 db_token_outstand(struct db *db, int64_t user_id, const char *jti,
		    const char *token, double created, int64_t expires);
/*
 * BlacklistMixin.blacklist() at now: the outstanding row made when there
 * is none (token and expires, no user, as simplejwt's get_or_create), then
 * its blacklisted row; with a family (not NULL, not ""), every recorded
 * token of the family too.  Idempotent.
 */
enum db_rc	 db_token_blacklist(struct db *db, const char *jti, const char *token,
		    int64_t expires, const char *family, double now);
/*
 * The text of the token recorded as jti into out (outsz bytes) and whether
 * it is blacklisted.  DB_NONE when there is none, DB_ERR when it does not fit.
 */
enum db_rc	 db_token_text(struct db *db, const char *jti, char *out, size_t outsz,
		    int *blacklisted);

/* One rotation of a refresh token (db_token_rotate). */
struct db_rotation {
	const char	*old_jti;
	const char	*old_token;	/* its text, for the outstanding row blacklisting makes */
	int64_t		 old_exp;
	const char	*family;	/* old's family, or old_jti when it has none */
	int64_t		 user_id;	/* 0: the token names none */
	const char	*new_jti;
	const char	*new_token;
	int64_t		 new_exp;
	double		 now;
	int		 blacklist_old;	/* BLACKLIST_AFTER_ROTATION */
};

/*
 * In one transaction: mark old rotated out at now with its successor (only
 * if no rotation did before), record the new token (outstanding and its
 * family row) and, with blacklist_old, blacklist old.  DB_OK: rotated;
 * DB_NONE: another rotation consumed old first (nothing written).
 */
enum db_rc	 db_token_rotate(struct db *db, const struct db_rotation *r);
/*
 * flushexpiredtokens: delete the outstanding tokens (with their blacklisted
 * rows) and the family rows expired at now, and the revocation times
 * before revoked_before (no token issued before them is still valid).
 */
enum db_rc	 db_tokens_flush(struct db *db, double now, int64_t revoked_before);


/*
 * The administration (admin API, jwtauth-admin): a user as they show it,
 * never with the password hash.  Timestamps are UTC text
 * "YYYY-MM-DD HH:MM:SS.ffffff", "" for a NULL last_login.
 */
struct db_admin_user {
	int64_t	 id;
	char	 email[1024];		/* varchar(255) */
	size_t	 email_len;
	char	 name[804];		/* varchar(200) */
	size_t	 name_len;
	int	 tc;
	int	 is_active;
	int	 is_admin;
	char	 last_login[32];
	char	 created_at[32];
	char	 updated_at[32];
};

enum db_user_order {
	DB_ORDER_EMAIL,
	DB_ORDER_ID,
	DB_ORDER_NAME,
	DB_ORDER_CREATED_AT,
	DB_ORDER__MAX
};

/* Which users, in which order: the admin list's search, filters and page. */
struct db_user_query {
	const char	*search;	/* email contains it (the column's collation:
					   case-insensitive, as Django's icontains on
					   MySQL); NULL: every user */
	size_t		 search_len;
	int		 is_admin;	/* -1 any, 0, 1 */
	int		 is_active;	/* -1 any, 0, 1 */
	enum db_user_order order;
	int		 desc;		/* descending; ties are by id, ascending */
	int64_t		 offset;
	int64_t		 limit;		/* 0: no limit */
};

/*
 * LIKE's "contains" pattern for s[0..n): '%', s with '\', '%' and '_'
 * escaped by '\' (MariaDB's default LIKE escape, as Django's
 * prep_for_like_query), '%'.  out must hold 2 * n + 3 bytes; the pattern is
 * NUL-terminated and its length returned.
 */
size_t		 db_like_contains(const char *s, size_t n, char *out);

/* The number of users q selects (offset and limit ignored). */
enum db_rc	 db_admin_count(struct db *db, const struct db_user_query *q, int64_t *n);
/*
 * Call each for every user q selects, in q's order; each returns 0 to go
 * on, else the walk stops (DB_OK).  u is valid during the call only.
 */
enum db_rc	 db_admin_list(struct db *db, const struct db_user_query *q,
		    int (*each)(void *arg, const struct db_admin_user *u), void *arg);
/* The user with id, DB_NONE when there is none. */
enum db_rc	 db_admin_get(struct db *db, int64_t id, struct db_admin_user *u);
/* The user whose email equals (under the column's collation), DB_NONE. */
enum db_rc	 db_admin_get_by_email(struct db *db, const char *email, size_t len,
		    struct db_admin_user *u);
/* Insert an active user; *id receives its id.  DB_DUP when the email is taken. */
enum db_rc	 db_admin_insert(struct db *db, const char *email, size_t elen,
		    const char *name, size_t nlen, int tc, int is_admin, const char *hash,
		    int64_t *id);
/*
 * Set email, name, tc, is_admin and is_active (and updated_at) of user
 * u->id.  DB_NONE: no such user; DB_DUP: the email is taken; DB_LAST_ADMIN:
 * u is the last active admin and would stop being one (nothing changed).
 */
enum db_rc	 db_admin_update(struct db *db, const struct db_admin_user *u);
/* Delete user id.  DB_NONE, DB_LAST_ADMIN as db_admin_update. */
enum db_rc	 db_admin_delete(struct db *db, int64_t id);
/*
 * accounts_user as the server describes it (jwtauth-admin check): cols gets
 * "name type YES|NO[ extra]" per column joined by ", ", keys "index(column)"
 * per column of each unique key joined by " " (PRIMARY first); "" when the
 * table is missing.  DB_OK, or DB_ERR (unreachable, or a text too long).
 */
enum db_rc	 db_schema(struct db *db, char *cols, size_t colsz, char *keys, size_t keysz);

/*
 * Schema migrations (jwtauth-admin migrate), as the database's owner.
 * db_migrate_lock takes the lock (a row of jwtauth_migrate_lock, made when
 * missing; waiting up to wait seconds) and
 * creates the migrations table if it is missing: DB_OK, DB_NONE when
 * another host held the lock all that time, DB_ERR.  db_migrate_list calls
 * each(arg, name, applied_at) per applied migration, by name; applied_at
 * is UTC "YYYY-MM-DD HH:MM:SS.ffffff".  db_migrate_apply runs the
 * statements of one file (text[0..len), ';'-separated) and records name:
 * DB_OK, or DB_ERR with the server's message in err (the statements before
 * the failing one stay applied: migrations are written to be run again).
 */
enum db_rc	 db_migrate_lock(struct db *db, int wait);
void		 db_migrate_unlock(struct db *db);
enum db_rc	 db_migrate_list(struct db *db,
		    int (*each)(void *arg, const char *name, const char *applied_at), void *arg);
enum db_rc	 db_migrate_apply(struct db *db, const char *name, const char *text, size_t len,
		    char *err, size_t errsz);

/*
 * The throttles' counters (jwtauth_throttle; lib/throttle.c decides what
 * they mean).  Times are milliseconds since the epoch by the web host's
 * clock; scope and ident are NUL-terminated ASCII.
 */
/*
 * Count one event of (scope, ident) at now: a counter whose window ended
 * (window_end <= now) or that does not exist starts at 1 with window_end
 * end; else it goes up by one, to cap at most.  *hits gets the new count,
 * *created 1 when the row was inserted.  DB_OK or DB_ERR.
 */
enum db_rc	 db_throttle_hit(struct db *db, const char *scope, const char *ident,
		    int64_t now, int64_t end, int64_t cap, int64_t *hits, int *created);
/* The counter's window_end into *end: DB_OK, DB_NONE (no counter), DB_ERR. */
enum db_rc	 db_throttle_end(struct db *db, const char *scope, const char *ident, int64_t *end);
/* One event fewer, if the counter's window is still open at now. */
enum db_rc	 db_throttle_undo(struct db *db, const char *scope, const char *ident, int64_t now);
/* Drop the counter: DB_OK, DB_NONE when there was none, DB_ERR. */
enum db_rc	 db_throttle_forget(struct db *db, const char *scope, const char *ident);
/* Delete at most n counters whose window ended by now (oldest first). */
enum db_rc	 db_throttle_prune(struct db *db, int64_t now, int64_t n);
/*
 * The collation weight of email (WEIGHT_STRING under accounts_user.email's
 * collation) into out (outsz bytes), its length into *outlen: equal for
 * every spelling the user lookup matches.  DB_OK or DB_ERR (also when it
 * would not fit).
 */
enum db_rc	 db_email_weight(struct db *db, const char *email, size_t len,
		    unsigned char *out, size_t outsz, size_t *outlen);

/*
 * The audit log (audit.c writes, jwtauth-admin audit reads and prunes).
 * Insert one row: when is seconds since the epoch (stored as UTC with
 * microseconds), user_id and target_id 0 for NULL, every text valid UTF-8
 * that fits its column.
 */
enum db_rc	 db_audit_insert(struct db *db, double when, const char *event, int64_t user_id,
		    int64_t target_id, const char *client, const char *ua, size_t ualen,
		    const char *outcome);

/* A row of jwtauth_audit; texts are NUL-terminated UTF-8. */
struct db_audit_row {
	int64_t	 id;
	char	 created_at[32];	/* "YYYY-MM-DD HH:MM:SS.ffffff" (UTC) */
	char	 event[132];		/* varchar(32) */
	int64_t	 user_id;		/* 0: NULL */
	int64_t	 target_id;		/* 0: NULL */
	char	 client[184];		/* varchar(45) */
	char	 user_agent[1024];	/* varchar(255) */
	size_t	 user_agent_len;
	char	 outcome[68];		/* varchar(16) */
};

/* Which rows: jwtauth-admin audit's filters. */
struct db_audit_query {
	int64_t		 user;		/* user_id or target_id; 0: any */
	const char	*event;		/* NULL: any */
	int64_t		 since;		/* created_at >= (seconds since the epoch) */
	int64_t		 limit;		/* the newest LIMIT rows; 0: all */
};

/*
 * Call each for the rows q selects, newest first; each returns 0 to go
 * on.  r is valid during the call only.
 */
enum db_rc	 db_audit_list(struct db *db, const struct db_audit_query *q,
		    int (*each)(void *arg, const struct db_audit_row *r), void *arg);
/*
 * Delete the rows older than before (seconds since the epoch), in batches
 * (one short transaction each, as a Galera cluster prefers); *n receives
 * the number deleted.
 */
enum db_rc	 db_audit_prune(struct db *db, int64_t before, uint64_t *n);

#endif
