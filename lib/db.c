/*
 * db.c - MariaDB access (see db.h, and sql.h for the statements).
 *
 * mariadb-connector-c's own auto-reconnect is left off: it silently drops
 * prepared statements (error 1243) and open transactions.  Instead
 * db_run() reconnects, prepares again and retries once when the statement
 * is idempotent or provably did not run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "db.h"
#include "log.h"
#include "sql.h"

struct db {
	const struct cfg	*cfg;
	MYSQL			*conn;
	MYSQL_STMT		*stmt[SQL__MAX];
};

struct db *
db_new(const struct cfg *cfg)
{
	struct db	*db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	db->cfg = cfg;
	return db;
}

/* Drop the connection and every statement prepared on it. */
static void
db_disconnect(struct db *db)
{
	size_t	 i;

	for (i = 0; i < SQL__MAX; i++)
		if (db->stmt[i] != NULL) {
			mysql_stmt_close(db->stmt[i]);
			db->stmt[i] = NULL;
		}
	if (db->conn != NULL) {
		mysql_close(db->conn);
		db->conn = NULL;
	}
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db);
}

/* Connect with utf8mb4 and no auto-reconnect.  0 or -1. */
static int
db_connect(struct db *db)
{
	const struct cfg	*c = db->cfg;
	unsigned int		 timeout = (unsigned int)c->db_connect_timeout;
	my_bool			 off = 0;
	const char		*sock = c->db_socket[0] != '\0' ? c->db_socket : NULL;

	if ((db->conn = mysql_init(NULL)) == NULL)
		return -1;
	mysql_options(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(db->conn, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_options(db->conn, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_options(db->conn, MYSQL_OPT_RECONNECT, &off);
	mysql_options(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (mysql_real_connect(db->conn, sock ? NULL : c->db_host, c->db_user,
	    c->db_password, c->db_name, sock ? 0 : (unsigned int)c->db_port,
	    sock, 0) == NULL) {
		log_err("connect to %s: %s", sock ? sock : c->db_host, mysql_error(db->conn));
		mysql_close(db->conn);
		db->conn = NULL;
		return -1;
	}
	return 0;
}

/* Errors after which the connection or the statement handle is gone. */
static int
lost(unsigned int code)
{
	return code == CR_SERVER_GONE_ERROR || code == CR_SERVER_LOST ||
	    code == ER_UNKNOWN_STMT_HANDLER || code == CR_NO_PREPARE_STMT ||
	    code == CR_SERVER_LOST_EXTENDED || code == CR_CONN_HOST_ERROR ||
	    code == CR_CONNECTION_ERROR;
}

/*
 * Execute statement id with params, fetching at most one row into result
 * (NULL for statements without a result set).  *affected receives the
 * affected rows (NULL to ignore).  Returns DB_OK, DB_NONE (no row / no row
 * affected), DB_DUP or DB_ERR.
 */
static enum db_rc
db_run(struct db *db, enum sql_id id, MYSQL_BIND *params, MYSQL_BIND *result,
    int64_t *insert_id)
{
	MYSQL_STMT	*st;
	unsigned int	 code = 0;
	int		 attempt, executed, rc;
	enum db_rc	 out = DB_ERR;

	for (attempt = 0; attempt < 2; attempt++) {
		executed = 0;
		if (db->conn == NULL && db_connect(db) == -1)
			return DB_ERR;
		if ((st = db->stmt[id]) == NULL) {
			if ((st = mysql_stmt_init(db->conn)) == NULL)
				goto fail_conn;
			if (mysql_stmt_prepare(st, sql_defs[id].text,
			    strlen(sql_defs[id].text)) != 0) {
				code = mysql_stmt_errno(st);
				log_err("prepare %d: %u %s", (int)id, code, mysql_stmt_error(st));
				mysql_stmt_close(st);
				goto retry;
			}
			db->stmt[id] = st;
		}
		if (params != NULL && mysql_stmt_bind_param(st, params) != 0)
			goto fail_stmt;
		executed = 1;
		if (mysql_stmt_execute(st) != 0)
			goto fail_stmt;
		if (result == NULL) {
			if (insert_id != NULL)
				*insert_id = (int64_t)mysql_stmt_insert_id(st);
			out = mysql_stmt_affected_rows(st) > 0 ? DB_OK : DB_NONE;
			return out;
		}
		if (mysql_stmt_bind_result(st, result) != 0)
			goto fail_stmt;
		rc = mysql_stmt_fetch(st);
		/*
		 * Every SELECT names one row by a unique key.  free_result reads
		 * what is left of the answer; no mysql_stmt_reset(), which would
		 * cost a round trip to the server per query.
		 */
		(void)mysql_stmt_free_result(st);
		if (rc == MYSQL_NO_DATA)
			return DB_NONE;
		if (rc == MYSQL_DATA_TRUNCATED) {
			log_err("%s: a column did not fit its buffer", sql_defs[id].text);
			return DB_ERR;
		}
		if (rc != 0)
			goto fail_stmt;
		return DB_OK;
fail_stmt:
		code = mysql_stmt_errno(st);
		if (code == ER_DUP_ENTRY)
			return DB_DUP;
		log_err("statement %d: %u %s", (int)id, code, mysql_stmt_error(st));
		goto retry;
fail_conn:
		code = mysql_errno(db->conn);
		log_err("statement %d: %u %s", (int)id, code, mysql_error(db->conn));
retry:
		if (!lost(code))
			return DB_ERR;
		/*
		 * A lost statement handle (1243/2030) means the server never ran
		 * it; a lost connection during execute might have run it.
		 */
		if (executed && !sql_defs[id].idempotent &&
		    code != ER_UNKNOWN_STMT_HANDLER && code != CR_NO_PREPARE_STMT)
			return DB_ERR;
		db_disconnect(db);
	}
	return DB_ERR;
}

static void
bind_str(MYSQL_BIND *b, const char *s, size_t n, unsigned long *len)
{
	memset(b, 0, sizeof(*b));
	*len = (unsigned long)n;
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)(uintptr_t)s;
	b->buffer_length = (unsigned long)n;
	b->length = len;
}

static void
bind_i64(MYSQL_BIND *b, int64_t *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
}

static void
bind_int(MYSQL_BIND *b, int *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONG;
	b->buffer = v;
}

/* Fetch one user row for statement id with one bound parameter. */
static enum db_rc
fetch_user(struct db *db, enum sql_id id, MYSQL_BIND *param, struct db_user *u)
{
	MYSQL_BIND	 r[7];
	MYSQL_TIME	 last_login;
	unsigned long	 len[7];
	my_bool		 isnull[7], error[7];
	enum db_rc	 rc;
	size_t		 i;

	memset(u, 0, sizeof(*u));
	memset(r, 0, sizeof(r));
	bind_i64(&r[0], &u->id);
	r[1].buffer_type = MYSQL_TYPE_STRING;
	r[1].buffer = u->password;
	r[1].buffer_length = sizeof(u->password) - 1;
	r[2].buffer_type = MYSQL_TYPE_DATETIME;
	r[2].buffer = &last_login;
	r[2].buffer_length = sizeof(last_login);
	r[3].buffer_type = MYSQL_TYPE_STRING;
	r[3].buffer = u->email;
	r[3].buffer_length = sizeof(u->email) - 1;
	r[4].buffer_type = MYSQL_TYPE_STRING;
	r[4].buffer = u->name;
	r[4].buffer_length = sizeof(u->name) - 1;
	bind_int(&r[5], &u->tc);
	bind_int(&r[6], &u->is_active);
	for (i = 0; i < 7; i++) {
		r[i].length = &len[i];
		r[i].is_null = &isnull[i];
		r[i].error = &error[i];
	}
	if ((rc = db_run(db, id, param, r, NULL)) != DB_OK)
		return rc;
	/* Terminate the strings; a NULL column is an empty string. */
	u->password[isnull[1] ? 0 : len[1]] = '\0';
	if (isnull[2])
		u->last_login[0] = '\0';
	else
		(void)snprintf(u->last_login, sizeof(u->last_login), "%04u-%02u-%02u %02u:%02u:%02u",
		    last_login.year, last_login.month, last_login.day, last_login.hour,
		    last_login.minute, last_login.second);
	u->email_len = isnull[3] ? 0 : len[3];
	u->email[u->email_len] = '\0';
	u->name_len = isnull[4] ? 0 : len[4];
	u->name[u->name_len] = '\0';
	u->tc = u->tc != 0;
	u->is_active = u->is_active != 0;
	return DB_OK;
}

enum db_rc
db_user_by_email(struct db *db, const char *email, size_t n, struct db_user *u)
{
	MYSQL_BIND	 p[1];
	unsigned long	 l;

	bind_str(&p[0], email, n, &l);
	return fetch_user(db, SQL_USER_BY_EMAIL, p, u);
}

enum db_rc
db_user_by_id(struct db *db, int64_t id, struct db_user *u)
{
	MYSQL_BIND	 p[1];

	bind_i64(&p[0], &id);
	return fetch_user(db, SQL_USER_BY_ID, p, u);
}

enum db_rc
db_user_insert(struct db *db, const char *email, size_t elen, const char *name,
    size_t nlen, int tc, const char *hash, int64_t *id)
{
	MYSQL_BIND	 p[4];
	unsigned long	 l[3];

	bind_str(&p[0], hash, strlen(hash), &l[0]);
	bind_str(&p[1], email, elen, &l[1]);
	bind_str(&p[2], name, nlen, &l[2]);
	bind_int(&p[3], &tc);
	return db_run(db, SQL_USER_INSERT, p, NULL, id);
}

enum db_rc
db_user_set_password(struct db *db, int64_t id, const char *hash)
{
	MYSQL_BIND	 p[2];
	unsigned long	 l;

	bind_str(&p[0], hash, strlen(hash), &l);
	bind_i64(&p[1], &id);
	return db_run(db, SQL_USER_SET_PASSWORD, p, NULL, NULL);
}

/* UPDATE password = new WHERE id AND password = old, with or without updated_at. */
static enum db_rc
replace_password(struct db *db, enum sql_id stmt, int64_t id, const char *old_hash,
    const char *new_hash)
{
	MYSQL_BIND	 p[3];
	unsigned long	 l[2];

	bind_str(&p[0], new_hash, strlen(new_hash), &l[0]);
	bind_i64(&p[1], &id);
	bind_str(&p[2], old_hash, strlen(old_hash), &l[1]);
	return db_run(db, stmt, p, NULL, NULL);
}

enum db_rc
db_user_reset_password(struct db *db, int64_t id, const char *old_hash, const char *new_hash)
{
	return replace_password(db, SQL_USER_RESET_PASSWORD, id, old_hash, new_hash);
}

enum db_rc
db_user_rehash(struct db *db, int64_t id, const char *old_hash, const char *new_hash)
{
	return replace_password(db, SQL_USER_REHASH, id, old_hash, new_hash);
}

enum db_rc
db_schema(struct db *db, char *cols, size_t colsz, char *keys, size_t keysz)
{
	MYSQL_BIND	 r[2];
	unsigned long	 len[2];
	my_bool		 isnull[2], error[2];
	enum db_rc	 rc;
	size_t		 i;

	if (colsz == 0 || keysz == 0)
		return DB_ERR;
	memset(r, 0, sizeof(r));
	r[0].buffer_type = MYSQL_TYPE_STRING;
	r[0].buffer = cols;
	r[0].buffer_length = colsz - 1;
	r[1].buffer_type = MYSQL_TYPE_STRING;
	r[1].buffer = keys;
	r[1].buffer_length = keysz - 1;
	for (i = 0; i < 2; i++) {
		r[i].length = &len[i];
		r[i].is_null = &isnull[i];
		r[i].error = &error[i];
	}
	if ((rc = db_run(db, SQL_SCHEMA, NULL, r, NULL)) != DB_OK)
		return rc;
	cols[isnull[0] ? 0 : len[0]] = '\0';
	keys[isnull[1] ? 0 : len[1]] = '\0';
	return DB_OK;
}
