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
};

struct db;

/* Allocate the handle; nothing is connected yet.  NULL on allocation failure. */
struct db	*db_new(const struct cfg *cfg);
/* Close and free; db may be NULL. */
void		 db_free(struct db *db);

enum db_rc	 db_user_by_email(struct db *db, const char *email, size_t len, struct db_user *u);
enum db_rc	 db_user_by_id(struct db *db, int64_t id, struct db_user *u);
/* Insert a user; *id receives the new id.  DB_DUP when the email is taken. */
enum db_rc	 db_user_insert(struct db *db, const char *email, size_t elen,
		    const char *name, size_t nlen, int tc, const char *hash, int64_t *id);
/* Set the password (and updated_at).  DB_NONE when the user is gone. */
enum db_rc	 db_user_set_password(struct db *db, int64_t id, const char *hash);
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
 * accounts_user as the server describes it (jwtauth-admin check): cols gets
 * "name type YES|NO[ extra]" per column joined by ", ", keys "index(column)"
 * per column of each unique key joined by " " (PRIMARY first); "" when the
 * table is missing.  DB_OK, or DB_ERR (unreachable, or a text too long).
 */
enum db_rc	 db_schema(struct db *db, char *cols, size_t colsz, char *keys, size_t keysz);

#endif
