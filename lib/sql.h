/*
 * sql.h - every SQL statement jwtauth runs, in one table.  All are
 * prepared with '?' placeholders; nothing from a request is ever formatted
 * into SQL text.  Columns follow Django's accounts_user (sql/schema.sql);
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
	SQL_SCHEMA,		/* jwtauth-admin check: accounts_user's columns and unique keys */
	SQL__MAX
};

/* last_login comes as a MYSQL_TIME, formatted by db.c (no DATE_FORMAT on the server). */
#define SQL_USER_COLUMNS \
	"id, password, last_login, email, name, tc, is_active"

struct sql_def {
	const char	*text;
	int		 idempotent;	/* safe to run again after a lost connection */
};

static const struct sql_def sql_defs[SQL__MAX] = {
	[SQL_USER_BY_EMAIL] = {
	    "SELECT " SQL_USER_COLUMNS " FROM accounts_user WHERE email = ?", 1 },
	[SQL_USER_BY_ID] = {
	    "SELECT " SQL_USER_COLUMNS " FROM accounts_user WHERE id = ?", 1 },
	[SQL_USER_INSERT] = {
	    "INSERT INTO accounts_user (password, last_login, email, name, tc, "
	    "is_active, is_admin, created_at, updated_at) "
	    "VALUES (?, NULL, ?, ?, ?, 1, 0, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))", 0 },
	[SQL_USER_SET_PASSWORD] = {
	    "UPDATE accounts_user SET password = ?, updated_at = UTC_TIMESTAMP(6) "
	    "WHERE id = ?", 1 },
	[SQL_USER_REHASH] = {
	    "UPDATE accounts_user SET password = ? WHERE id = ? AND password = ?", 1 },
	[SQL_USER_RESET_PASSWORD] = {
	    "UPDATE accounts_user SET password = ?, updated_at = UTC_TIMESTAMP(6) "
	    "WHERE id = ? AND password = ?", 1 },
	/* One row: "name type NULL-ability[ extra]" per column, "index(column)" per unique key. */
	[SQL_SCHEMA] = {
	    "SELECT (SELECT GROUP_CONCAT(CONCAT_WS(' ', column_name, column_type, is_nullable, "
	    "NULLIF(extra, '')) ORDER BY ordinal_position SEPARATOR ', ') "
	    "FROM information_schema.columns "
	    "WHERE table_schema = DATABASE() AND table_name = 'accounts_user'), "
	    "(SELECT GROUP_CONCAT(CONCAT(index_name, '(', column_name, ')') "
	    "ORDER BY index_name = 'PRIMARY' DESC, index_name, seq_in_index SEPARATOR ' ') "
	    "FROM information_schema.statistics "
	    "WHERE table_schema = DATABASE() AND table_name = 'accounts_user' AND non_unique = 0)", 1 },
};

#endif
