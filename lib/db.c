/*
 * db.c - MariaDB access (see db.h, and sql.h for the statements).
 *
 * mariadb-connector-c's own auto-reconnect is left off: it silently drops
 * prepared statements (error 1243) and open transactions.  Instead
 * db_run() reconnects, prepares again and retries once when the statement
 * is idempotent or provably did not run.  Inside a transaction (db_tx())
 * no statement is retried alone: the transaction is run again whole, or
 * not at all.
 *
 * A database that does not answer (stopped with SIGSTOP, a dead host) costs
 * one request one [db] connect_timeout at most: a connect or a statement
 * that ran into the timeout is never retried (it may have run), and every
 * later call of the same request fails at once (db_request() starts the
 * next).  A server that is down refuses at once: each request tries again.
 *
 * With [db] hosts (a list of servers), a connect tries them in list order
 * and keeps the first that answers; every connect starts again from the
 * top, so a first server back in service gets each worker back when its
 * connection is remade.  Failover happens only there, between statements:
 * the rules above decide, as for one server, whether the statement or the
 * transaction that met a lost connection runs again (on the server the new
 * connect finds) or fails.  A server that refuses costs nothing; one that
 * runs into the timeout during a connect costs it, and then the request
 * goes on down the list with one second per server (the connector's
 * smallest timeout: enough for a server that answers), so a frozen server
 * costs a request one connect_timeout, not one per server or per
 * statement.  When no server connects after one timed out, the request
 * fails at once from then on, as with one server.
 *
 * Under Galera (README: Scaling out) two nodes' conflicting writes meet at
 * certification: the loser's statement or COMMIT fails with
 * ER_LOCK_DEADLOCK (1213) and was rolled back whole, as an InnoDB deadlock
 * victim is.  So a deadlocked autocommit statement runs again, idempotent
 * or not, and db_tx() runs a deadlocked transaction again from its start,
 * COMMIT's deadlock included: DB_DEADLOCK_TRIES runs in all, after a short
 * random back-off (deadlock_pause()).  A statement inside a transaction is
 * never retried alone.  A node that is not part of the cluster's primary
 * component answers ER_UNKNOWN_COM_ERROR (1047, "WSREP has not yet prepared
 * node for application use") without running anything: treated as a server
 * that went away (lost()), so the worker connects again.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "db.h"
#include "log.h"
#include "sql.h"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Runs of a deadlocked autocommit statement or transaction, in all. */
#define DB_DEADLOCK_TRIES	10

struct db {
	const struct cfg	*cfg;
	MYSQL			*conn;
	MYSQL_STMT		*stmt[SQL__MAX];
	int			 in_tx;		/* inside db_tx(): no retry of one statement */
	int			 timed_out;	/* this request ran into the timeout: fail at once */
	unsigned int		 code;		/* the last failure's error number */
	uint64_t		 affected;	/* rows the last statement without a result changed */
	size_t			 server;	/* [db] hosts: the entry connected to last */
	size_t			 not_ready;	/* [db] hosts: 1 + an entry that answered 1047 */
	double			 not_ready_until;	/* skipped by db_connect() until then */
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

/* CLOCK_MONOTONIC in seconds. */
static double
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Whether a failure after started (mono()) was the timeout firing: a
 * server that is gone answers within milliseconds, one that does not
 * answer costs the whole timeout.  Then the request fails at once from now.
 */
static int
ran_into_timeout(struct db *db, double started)
{
	if (mono() - started < 0.8 * (double)db->cfg->db_connect_timeout)
		return 0;
	if (!db->timed_out)
		log_err("the database did not answer within %ld s: failing this request",
		    db->cfg->db_connect_timeout);
	db->timed_out = 1;
	return 1;
}

/* "host:port" of [db] hosts' entry h, IPv6 in brackets, into out. */
static void
db_host_name(const struct cfg_dbhost *h, char *out, size_t outsz)
{
	(void)snprintf(out, outsz, "%s%s%s:%u", h->v6 ? "[" : "", h->host,
	    h->v6 ? "]" : "", h->port);
}

/*
 * Open db->conn to host:port over TCP (tcp), or to host or the unix socket
 * sock as the connector picks, waiting at most wait seconds for the
 * server; name is for the log.  utf8mb4, no auto-reconnect.  0 or -1.
 */
static int
db_connect_to(struct db *db, const char *host, unsigned int port, const char *sock,
    int tcp, unsigned int wait, const char *name)
{
	const struct cfg	*c = db->cfg;
	unsigned int		 timeout = (unsigned int)c->db_connect_timeout;
	unsigned int		 proto = MYSQL_PROTOCOL_TCP;
	my_bool			 off = 0;

	if ((db->conn = mysql_init(NULL)) == NULL)
		return -1;
	mysql_options(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &wait);
	mysql_options(db->conn, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_options(db->conn, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_options(db->conn, MYSQL_OPT_RECONNECT, &off);
	mysql_options(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* "localhost" would mean the default unix socket. */
	if (tcp)
		mysql_options(db->conn, MYSQL_OPT_PROTOCOL, &proto);
	if (mysql_real_connect(db->conn, host, c->db_user, c->db_password, c->db_name,
	    port, sock, 0) == NULL) {
		log_err("connect to %s: %s", name, mysql_error(db->conn));
		mysql_close(db->conn);
		db->conn = NULL;
		return -1;
	}
	return 0;
}

/*
 * Connect to [db] socket or host, or to the first of [db] hosts that
 * answers (see the top of this file).  0 or -1.
 */
static int
db_connect(struct db *db)
{
	const struct cfg	*c = db->cfg;
	const char		*sock = c->db_socket[0] != '\0' ? c->db_socket : NULL;
	double			 started = mono();
	unsigned int		 wait = (unsigned int)c->db_connect_timeout;
	char			 name[CFG_HOSTMAX + 16];
	size_t			 i;
	int			 waited = 0;

	if (db->timed_out)
		return -1;
	if (c->ndb_hosts == 0) {
		if (db_connect_to(db, sock ? NULL : c->db_host, sock ? 0 : (unsigned int)c->db_port,
		    sock, 0, wait, sock ? sock : c->db_host) == 0)
			return 0;
		(void)ran_into_timeout(db, started);
		return -1;
	}
	for (i = 0; i < c->ndb_hosts; i++) {
		/* A Galera node not ready (not_ready_after()), unless it is the last. */
		if (db->not_ready == i + 1 && i + 1 < c->ndb_hosts && mono() < db->not_ready_until)
			continue;
		db_host_name(&c->db_hosts[i], name, sizeof(name));
		started = mono();
		if (db_connect_to(db, c->db_hosts[i].host, c->db_hosts[i].port, NULL, 1, wait,
		    name) == 0) {
			/* Once per change of server, not per request. */
			if (i != db->server && i > 0)
				log_warn("connected to %s, server %zu of [db] hosts: the ones "
				    "before it did not answer", name, i + 1);
			else if (i != db->server)
				log_info("connected to %s, the first server of [db] hosts, again",
				    name);
			db->server = i;
			return 0;
		}
		if (mono() - started >= 0.8 * (double)wait) {
			waited = 1;
			wait = 1;
		}
	}
	if (waited) {
		log_err("no server of [db] hosts answered, one within %ld s: failing this "
		    "request", c->db_connect_timeout);
		db->timed_out = 1;
	}
	return -1;
}

void
db_request(struct db *db)
{
	struct pollfd	 pfd;

	if (db == NULL)		/* a caller without a database (tests, fuzz_cgi) */
		return;
	db->timed_out = 0;
	if (db->conn == NULL)
		return;
	/*
	 * An idle connection has nothing to read: readable or hung up, the
	 * server closed it (restarted, KILL, wait_timeout).  Connect afresh
	 * now, so that a statement that is not run twice (an INSERT) does not
	 * meet the dead connection and fail.
	 */
	memset(&pfd, 0, sizeof(pfd));
	pfd.fd = (int)mysql_get_socket(db->conn);
	pfd.events = POLLIN;
	if (pfd.fd < 0 || poll(&pfd, 1, 0) != 0)
		db_disconnect(db);
}

/* Errors after which the connection or the statement handle is gone. */
static int
lost(unsigned int code)
{
	return code == CR_SERVER_GONE_ERROR || code == CR_SERVER_LOST ||
	    code == ER_UNKNOWN_STMT_HANDLER || code == CR_NO_PREPARE_STMT ||
	    code == CR_SERVER_LOST_EXTENDED || code == CR_CONN_HOST_ERROR ||
	    code == CR_CONNECTION_ERROR || code == ER_UNKNOWN_COM_ERROR;
}

/*
 * After a failure with code: a Galera node that is not ready (1047: not in
 * the primary component, or still joining) accepts connections, so the
 * next connect would find it first again; with [db] hosts it is skipped
 * for [db] retry_after seconds, and the worker goes on down the list.
 */
static void
not_ready_after(struct db *db, unsigned int code)
{
	if (code != ER_UNKNOWN_COM_ERROR || db->cfg->ndb_hosts < 2)
		return;
	if (db->not_ready != db->server + 1)
		log_warn("server %zu of [db] hosts is not ready (1047): skipped for %ld s",
		    db->server + 1, db->cfg->db_retry_after);
	db->not_ready = db->server + 1;
	db->not_ready_until = mono() + (double)db->cfg->db_retry_after;
}

/*
 * Before the run after the nth deadlock (n >= 1): a random pause of 1 to
 * 5 * 2^min(n, 5) ms (10, 20, 40, 80, then 160 ms), so that the two
 * writers that met do not meet again at once; nine pauses average 0.4 s.
 */
static void
deadlock_pause(int n)
{
	static unsigned int	 seed;
	struct timespec		 ts;
	long			 ms;

	if (seed == 0) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed = (unsigned int)ts.tv_nsec ^ (unsigned int)getpid() ^ 1u;
	}
	ms = 1 + (long)(rand_r(&seed) % (5 << (n > 5 ? 5 : n)));
	ts.tv_sec = 0;
	ts.tv_nsec = ms * 1000000L;
	while (nanosleep(&ts, &ts) == -1)
		continue;
}

/*
 * Execute statement id with params.  Without row, fetch at most one row
 * into result (NULL for statements without a result set); with row, fetch
 * every row into result, calling row(arg) after each until it returns
 * non-zero.  *insert_id receives the new id (NULL to ignore).  Returns
 * DB_OK, DB_NONE (no row / no row affected), DB_DUP or DB_ERR (db->code
 * holds the error number).
 */
static enum db_rc
db_exec(struct db *db, enum sql_id id, MYSQL_BIND *params, MYSQL_BIND *result,
    int64_t *insert_id, int (*row)(void *), void *arg)
{
	MYSQL_STMT	*st;
	unsigned int	 code = 0;
	int		 attempt, executed, rc, deadlocks = 0;
	enum db_rc	 out = DB_ERR;
	double		 started;

	db->code = 0;
	for (attempt = 0; attempt < 2; attempt++) {
		executed = 0;
		started = mono();
		if (db->conn == NULL && (db->in_tx || db_connect(db) == -1))
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
			db->affected = (uint64_t)mysql_stmt_affected_rows(st);
			out = db->affected > 0 ? DB_OK : DB_NONE;
			return out;
		}
		if (mysql_stmt_bind_result(st, result) != 0)
			goto fail_stmt;
		if (row != NULL) {
			/*
			 * A list: every row is read before the first is handed
			 * over, so nothing after this can fail on the connection
			 * and no row is ever handed over twice.
			 */
			if (mysql_stmt_store_result(st) != 0)
				goto fail_stmt;
			out = DB_OK;
			while ((rc = mysql_stmt_fetch(st)) != MYSQL_NO_DATA) {
				if (rc != 0) {
					log_err("%s: %s", sql_defs[id].text,
					    rc == MYSQL_DATA_TRUNCATED ?
					    "a column did not fit its buffer" : mysql_stmt_error(st));
					out = DB_ERR;
					break;
				}
				if (row(arg) != 0)
					break;
			}
			(void)mysql_stmt_free_result(st);
			return out;
		}
		rc = mysql_stmt_fetch(st);
		/*
		 * An error while reading the row (a lost connection; a deadlock
		 * for a locking read) is set on the connection, not on the
		 * statement; read it before free_result.
		 */
		if (rc == 1) {
			if ((code = mysql_stmt_errno(st)) != 0)
				log_err("statement %d: %u %s", (int)id, code, mysql_stmt_error(st));
			else {
				code = mysql_errno(db->conn);
				log_err("statement %d: %u %s", (int)id, code, mysql_error(db->conn));
			}
		}
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
			goto retry;
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
		db->code = code;
		not_ready_after(db, code);
		/*
		 * A deadlock (a Galera certification conflict) rolled the
		 * statement back: run it again, unless inside a transaction
		 * (db_tx() runs that again whole).  Not counted as an attempt.
		 */
		if (code == ER_LOCK_DEADLOCK && !db->in_tx &&
		    ++deadlocks < DB_DEADLOCK_TRIES) {
			deadlock_pause(deadlocks);
			attempt--;
			continue;
		}
		if (!lost(code))
			return DB_ERR;
		/* Waited the whole timeout: never again in this request. */
		if (ran_into_timeout(db, started)) {
			db_disconnect(db);
			return DB_ERR;
		}
		/* A transaction dies with its connection: db_tx() decides. */
		if (db->in_tx) {
			db_disconnect(db);
			return DB_ERR;
		}
		/*
		 * A lost statement handle (1243/2030) means the server never ran
		 * it, as does a node not ready (1047); a lost connection during
		 * execute might have run it.
		 */
		if (executed && !sql_defs[id].idempotent &&
		    code != ER_UNKNOWN_STMT_HANDLER && code != CR_NO_PREPARE_STMT &&
		    code != ER_UNKNOWN_COM_ERROR) {
			/* Not run again; the next statement connects afresh. */
			db_disconnect(db);
			return DB_ERR;
		}
		db_disconnect(db);
	}
	return DB_ERR;
}

/* db_exec() for a statement with at most one row. */
static enum db_rc
db_run(struct db *db, enum sql_id id, MYSQL_BIND *params, MYSQL_BIND *result,
    int64_t *insert_id)
{
	return db_exec(db, id, params, result, insert_id, NULL, NULL);
}

/*
 * Start a transaction (READ COMMITTED, see sql.h), connecting when there
 * is no connection.  0, or -1 with db->code set.
 */
static int
db_begin(struct db *db)
{
	static const char *const	 q[] = { SQL_TX_ISOLATION, SQL_TX_BEGIN };
	size_t				 i;
	double				 started;

	if (db->conn == NULL && db_connect(db) == -1) {
		db->code = CR_CONNECTION_ERROR;
		return -1;
	}
	for (i = 0; i < nitems(q); i++) {
		started = mono();
		if (mysql_real_query(db->conn, q[i], strlen(q[i])) != 0) {
			db->code = mysql_errno(db->conn);
			log_err("%s: %u %s", q[i], db->code, mysql_error(db->conn));
			not_ready_after(db, db->code);
			/* A timeout first: db_tx() must not connect again for it. */
			if (ran_into_timeout(db, started) || lost(db->code))
				db_disconnect(db);
			return -1;
		}
	}
	return 0;
}

/*
 * Run body(db, arg) in one transaction: committed when it returns DB_OK,
 * rolled back otherwise, its answer returned.  InnoDB ends a deadlock by
 * rolling back one transaction whole, and the server rolls back the
 * transaction of a connection that is lost: body never ran for good, so it
 * runs again from the start (three times at most after a lost connection,
 * DB_DEADLOCK_TRIES after deadlocks, a random pause before each).  Galera
 * fails a COMMIT that loses certification with a deadlock: rolled back, so
 * it runs again too.  A connection lost during COMMIT is DB_ERR, never
 * retried: the commit may have happened.
 */
static enum db_rc
db_tx(struct db *db, enum db_rc (*body)(struct db *, void *), void *arg)
{
	enum db_rc	 rc;
	int		 attempt, deadlocks = 0;
	double		 started;

	for (attempt = 0; attempt < 3; attempt++) {
		if (db->timed_out)
			return DB_ERR;
		if (deadlocks > 0)
			deadlock_pause(deadlocks);
		if (db_begin(db) == -1) {
			if (lost(db->code))
				continue;
			return DB_ERR;
		}
		db->in_tx = 1;
		rc = body(db, arg);
		db->in_tx = 0;
		if (rc != DB_OK) {
			if (db->conn != NULL && mysql_rollback(db->conn) != 0) {
				log_err("rollback: %s", mysql_error(db->conn));
				db_disconnect(db);
			}
			if (rc == DB_ERR && db->code == ER_LOCK_DEADLOCK &&
			    ++deadlocks < DB_DEADLOCK_TRIES) {
				attempt--;
				continue;
			}
			if (rc == DB_ERR && lost(db->code))
				continue;
			return rc;
		}
		started = mono();
		if (mysql_commit(db->conn) != 0) {
			db->code = mysql_errno(db->conn);
			log_err("commit: %u %s", db->code, mysql_error(db->conn));
			/* Certification failed: rolled back, never committed. */
			if (db->code == ER_LOCK_DEADLOCK && ++deadlocks < DB_DEADLOCK_TRIES) {
				(void)mysql_rollback(db->conn);
				attempt--;
				continue;
			}
			if (ran_into_timeout(db, started) || lost(db->code))
				db_disconnect(db);
			else
				(void)mysql_rollback(db->conn);
			return DB_ERR;
		}
		return DB_OK;
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

/* t (seconds since the epoch, with a fraction) as a UTC MYSQL_TIME. */
static void
utc_time(double t, MYSQL_TIME *out)
{
	struct tm	 tm;
	time_t		 sec = (time_t)t;
	long		 us = (long)((t - (double)sec) * 1e6);

	if (us < 0)
		us = 0;
	if (us > 999999)
		us = 999999;
	memset(out, 0, sizeof(*out));
	if (gmtime_r(&sec, &tm) == NULL)
		return;
	out->year = (unsigned int)tm.tm_year + 1900;
	out->month = (unsigned int)tm.tm_mon + 1;
	out->day = (unsigned int)tm.tm_mday;
	out->hour = (unsigned int)tm.tm_hour;
	out->minute = (unsigned int)tm.tm_min;
	out->second = (unsigned int)tm.tm_sec;
	out->second_part = (unsigned long)us;
	out->time_type = MYSQL_TIMESTAMP_DATETIME;
}

static void
bind_time(MYSQL_BIND *b, MYSQL_TIME *t)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_DATETIME;
	b->buffer = t;
	b->buffer_length = sizeof(*t);
}

/* An id, NULL when 0. */
static void
bind_id(MYSQL_BIND *b, int64_t *v, my_bool *isnull)
{
	bind_i64(b, v);
	*isnull = *v == 0;
	b->is_null = isnull;
}

/* A UTC DATETIME(6) as a Unix time with fraction. */
static double
mysql_to_time(const MYSQL_TIME *t)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)t->year - 1900;
	tm.tm_mon = (int)t->month - 1;
	tm.tm_mday = (int)t->day;
	tm.tm_hour = (int)t->hour;
	tm.tm_min = (int)t->minute;
	tm.tm_sec = (int)t->second;
	return (double)timegm(&tm) + (double)t->second_part / 1e6;
}

/* Fetch one user row for statement id with one bound parameter. */
static enum db_rc
fetch_user(struct db *db, enum sql_id id, MYSQL_BIND *param, struct db_user *u)
{
	MYSQL_BIND	 r[9];
	MYSQL_TIME	 last_login;
	unsigned long	 len[9];
	my_bool		 isnull[9], error[9];
	enum db_rc	 rc;
	size_t		 i;

	memset(u, 0, sizeof(*u));
	memset(r, 0, sizeof(r));
	/* The connector sets a column's error flag for strings, not for a DATETIME. */
	memset(error, 0, sizeof(error));
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
	bind_i64(&r[7], &u->revoked_at);
	bind_i64(&r[8], &u->kept_iat);
	for (i = 0; i < 9; i++) {
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
	if (isnull[7])
		u->revoked_at = 0;
	if (isnull[8])
		u->kept_iat = 0;
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

/* The web host's clock, whole seconds (what a token's iat holds). */
static int64_t
host_seconds(void)
{
	return (int64_t)time(NULL);
}

enum db_rc
db_user_revoke(struct db *db, int64_t id, int64_t revoked_at, int64_t kept_iat)
{
	MYSQL_BIND	 p[3];
	my_bool		 isnull;

	bind_i64(&p[0], &id);
	bind_i64(&p[1], &revoked_at);
	bind_id(&p[2], &kept_iat, &isnull);
	return db_run(db, SQL_USER_REVOKE, p, NULL, NULL);
}

/* A password change: the UPDATE, and the revocation when it is on. */
struct pw_change {
	enum sql_id	 stmt;		/* SQL_USER_SET_PASSWORD, SQL_USER_RESET_PASSWORD */
	int64_t		 id;
	const char	*old_hash;	/* SQL_USER_RESET_PASSWORD's condition */
	const char	*new_hash;
	int64_t		 kept_iat;	/* db_user_revoke's */
};

static enum db_rc
pw_change_run(struct db *db, const struct pw_change *ch)
{
	MYSQL_BIND	 p[3];
	unsigned long	 l[2];
	int64_t		 id = ch->id;

	bind_str(&p[0], ch->new_hash, strlen(ch->new_hash), &l[0]);
	bind_i64(&p[1], &id);
	if (ch->old_hash != NULL)
		bind_str(&p[2], ch->old_hash, strlen(ch->old_hash), &l[1]);
	return db_run(db, ch->stmt, p, NULL, NULL);
}

/* db_tx body: the change, then the user's tokens issued until now refused. */
static enum db_rc
pw_change_tx(struct db *db, void *arg)
{
	const struct pw_change	*ch = arg;
	enum db_rc		 rc;

	if ((rc = pw_change_run(db, ch)) != DB_OK)
		return rc;
	rc = db_user_revoke(db, ch->id, host_seconds(), ch->kept_iat);
	return rc == DB_NONE ? DB_OK : rc;	/* the same time again changes nothing */
}

static enum db_rc
pw_change(struct db *db, const struct pw_change *ch)
{
	if (!db->cfg->revoke_on_password_change)
		return pw_change_run(db, ch);
	return db_tx(db, pw_change_tx, (void *)(uintptr_t)ch);
}

enum db_rc
db_user_set_password(struct db *db, int64_t id, const char *hash, int64_t kept_iat)
{
	struct pw_change	 ch = { SQL_USER_SET_PASSWORD, id, NULL, hash, kept_iat };

	return pw_change(db, &ch);
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

/*
 * The connection was lost after the reset's UPDATE (or its COMMIT) was
 * sent: it may have taken effect.  The new hash has a salt of its own, so
 * the row holding it means it did (DB_OK); anything else is DB_ERR (a
 * 503: the client can send the same token again), never DB_NONE.
 */
static enum db_rc
reset_took_effect(struct db *db, int64_t id, const char *new_hash)
{
	struct db_user	 u;
	unsigned int	 code = db->code;
	enum db_rc	 rc = DB_ERR;

	if (db_user_by_id(db, id, &u) == DB_OK && strcmp(u.password, new_hash) == 0) {
		log_info("user %lld: the reset took effect before the connection was lost",
		    (long long)id);
		rc = DB_OK;
	} else
		db->code = code;
	explicit_bzero(&u, sizeof(u));
	return rc;
}

enum db_rc
db_user_reset_password(struct db *db, int64_t id, const char *old_hash, const char *new_hash)
{
	struct pw_change	 ch = { SQL_USER_RESET_PASSWORD, id, old_hash, new_hash, 0 };
	enum db_rc		 rc;

	if ((rc = pw_change(db, &ch)) == DB_ERR && lost(db->code))
		rc = reset_took_effect(db, id, new_hash);
	return rc;
}

enum db_rc
db_user_rehash(struct db *db, int64_t id, const char *old_hash, const char *new_hash)
{
	return replace_password(db, SQL_USER_REHASH, id, old_hash, new_hash);
}

/* ---------------------------------------------------------------- administration */

size_t
db_like_contains(const char *s, size_t n, char *out)
{
	size_t	 i, o = 0;

	out[o++] = '%';
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' || s[i] == '%' || s[i] == '_')
			out[o++] = '\\';
		out[o++] = s[i];
	}
	out[o++] = '%';
	out[o] = '\0';
	return o;
}

/* "YYYY-MM-DD HH:MM:SS.ffffff" of t into out (32 bytes), "" when isnull. */
static void
format_time(const MYSQL_TIME *t, my_bool isnull, char *out, size_t outsz)
{
	if (isnull) {
		out[0] = '\0';
		return;
	}
	(void)snprintf(out, outsz, "%04u-%02u-%02u %02u:%02u:%02u.%06lu",
	    t->year, t->month, t->day, t->hour, t->minute, t->second,
	    (unsigned long)t->second_part);
}

/* Result binding of SQL_ADMIN_COLUMNS into one struct db_admin_user. */
struct admin_row {
	struct db_admin_user	 u;
	MYSQL_BIND		 r[9];
	MYSQL_TIME		 t[3];
	unsigned long		 len[9];
	my_bool			 isnull[9], error[9];
	/* db_admin_list's callback */
	int			(*each)(void *, const struct db_admin_user *);
	void			*arg;
};

static void
admin_row_bind(struct admin_row *a)
{
	size_t	 i;

	memset(a->r, 0, sizeof(a->r));
	bind_i64(&a->r[0], &a->u.id);
	a->r[1].buffer_type = MYSQL_TYPE_STRING;
	a->r[1].buffer = a->u.email;
	a->r[1].buffer_length = sizeof(a->u.email) - 1;
	a->r[2].buffer_type = MYSQL_TYPE_STRING;
	a->r[2].buffer = a->u.name;
	a->r[2].buffer_length = sizeof(a->u.name) - 1;
	bind_int(&a->r[3], &a->u.tc);
	bind_int(&a->r[4], &a->u.is_active);
	bind_int(&a->r[5], &a->u.is_admin);
	for (i = 0; i < 3; i++) {
		a->r[6 + i].buffer_type = MYSQL_TYPE_DATETIME;
		a->r[6 + i].buffer = &a->t[i];
		a->r[6 + i].buffer_length = sizeof(a->t[i]);
	}
	for (i = 0; i < nitems(a->r); i++) {
		a->r[i].length = &a->len[i];
		a->r[i].is_null = &a->isnull[i];
		a->r[i].error = &a->error[i];
	}
}

/* Terminate and normalise the fetched row. */
static void
admin_row_finish(struct admin_row *a)
{
	struct db_admin_user	*u = &a->u;

	u->email_len = a->isnull[1] ? 0 : a->len[1];
	u->email[u->email_len] = '\0';
	u->name_len = a->isnull[2] ? 0 : a->len[2];
	u->name[u->name_len] = '\0';
	u->tc = u->tc != 0;
	u->is_active = u->is_active != 0;
	u->is_admin = u->is_admin != 0;
	format_time(&a->t[0], a->isnull[6], u->last_login, sizeof(u->last_login));
	format_time(&a->t[1], a->isnull[7], u->created_at, sizeof(u->created_at));
	format_time(&a->t[2], a->isnull[8], u->updated_at, sizeof(u->updated_at));
}

static enum db_rc
admin_fetch_one(struct db *db, enum sql_id id, MYSQL_BIND *param, struct db_admin_user *u)
{
	struct admin_row	 a;
	enum db_rc		 rc;

	memset(&a, 0, sizeof(a));
	admin_row_bind(&a);
	rc = db_run(db, id, param, a.r, NULL);
	if (rc == DB_OK) {
		admin_row_finish(&a);
		*u = a.u;
	}
	return rc;
}

enum db_rc
db_admin_get(struct db *db, int64_t id, struct db_admin_user *u)
{
	MYSQL_BIND	 p[1];

	bind_i64(&p[0], &id);
	return admin_fetch_one(db, SQL_ADMIN_BY_ID, p, u);
}

enum db_rc
db_admin_get_by_email(struct db *db, const char *email, size_t len, struct db_admin_user *u)
{
	MYSQL_BIND	 p[1];
	unsigned long	 l;

	bind_str(&p[0], email, len, &l);
	return admin_fetch_one(db, SQL_ADMIN_BY_EMAIL, p, u);
}

/* The values SQL_ADMIN_WHERE and SQL_ADMIN_PAGE are bound to. */
struct admin_filter {
	char		*pat;		/* the LIKE pattern; the caller frees it */
	unsigned long	 patlen;
	int		 admin[2], active[2];
	int64_t		 limit, offset;
};

/*
 * Bind the parameters of SQL_ADMIN_WHERE (and SQL_ADMIN_PAGE when page)
 * for q into p, their values in f.  -1 on allocation failure.
 */
static int
admin_filter_bind(const struct db_user_query *q, struct admin_filter *f, MYSQL_BIND *p,
    int page)
{
	size_t	 n = q->search != NULL ? q->search_len : 0;

	if ((f->pat = malloc(2 * n + 3)) == NULL)
		return -1;
	/* Without a search, "%%": every email (the column is NOT NULL). */
	f->patlen = (unsigned long)db_like_contains(q->search != NULL ? q->search : "", n, f->pat);
	f->admin[0] = q->is_admin == 1;
	f->admin[1] = q->is_admin != 0;
	f->active[0] = q->is_active == 1;
	f->active[1] = q->is_active != 0;
	bind_str(&p[0], f->pat, f->patlen, &f->patlen);
	bind_int(&p[1], &f->admin[0]);
	bind_int(&p[2], &f->admin[1]);
	bind_int(&p[3], &f->active[0]);
	bind_int(&p[4], &f->active[1]);
	if (page) {
		f->limit = q->limit > 0 ? q->limit : INT64_MAX;
		f->offset = q->offset > 0 ? q->offset : 0;
		bind_i64(&p[5], &f->limit);
		bind_i64(&p[6], &f->offset);
	}
	return 0;
}

enum db_rc
db_admin_count(struct db *db, const struct db_user_query *q, int64_t *n)
{
	struct admin_filter	 f;
	MYSQL_BIND		 p[5], r[1];
	enum db_rc		 rc;

	if (admin_filter_bind(q, &f, p, 0) == -1)
		return DB_ERR;
	memset(r, 0, sizeof(r));
	bind_i64(&r[0], n);
	rc = db_run(db, SQL_ADMIN_COUNT, p, r, NULL);
	free(f.pat);
	return rc == DB_NONE ? DB_ERR : rc;
}

/* db_exec's row callback of db_admin_list. */
static int
admin_list_row(void *arg)
{
	struct admin_row	*a = arg;

	admin_row_finish(a);
	return a->each(a->arg, &a->u);
}

enum db_rc
db_admin_list(struct db *db, const struct db_user_query *q,
    int (*each)(void *, const struct db_admin_user *), void *arg)
{
	struct admin_filter	 f;
	struct admin_row	*a;
	MYSQL_BIND		 p[7];
	enum sql_id		 id;
	enum db_rc		 rc;

	if ((unsigned)q->order >= DB_ORDER__MAX)
		return DB_ERR;
	/* One of the constant ORDER BY clauses, by index. */
	id = (enum sql_id)(SQL_ADMIN_LIST_EMAIL + 2 * (int)q->order + (q->desc != 0));
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return DB_ERR;
	if (admin_filter_bind(q, &f, p, 1) == -1) {
		free(a);
		return DB_ERR;
	}
	admin_row_bind(a);
	a->each = each;
	a->arg = arg;
	rc = db_exec(db, id, p, a->r, NULL, admin_list_row, a);
	free(f.pat);
	free(a);
	return rc;
}

_Static_assert(SQL_ADMIN_LIST_EMAIL + 2 * DB_ORDER_EMAIL == SQL_ADMIN_LIST_EMAIL &&
    SQL_ADMIN_LIST_EMAIL + 2 * DB_ORDER_ID + 1 == SQL_ADMIN_LIST_ID_DESC &&
    SQL_ADMIN_LIST_EMAIL + 2 * DB_ORDER_NAME + 1 == SQL_ADMIN_LIST_NAME_DESC &&
    SQL_ADMIN_LIST_EMAIL + 2 * DB_ORDER_CREATED_AT + 1 == SQL_ADMIN_LIST_CREATED_AT_DESC,
    "the list statements follow enum db_user_order, ascending then descending");

enum db_rc
db_admin_insert(struct db *db, const char *email, size_t elen, const char *name,
    size_t nlen, int tc, int is_admin, const char *hash, int64_t *id)
{
	MYSQL_BIND	 p[5];
	unsigned long	 l[3];

	tc = tc != 0;
	is_admin = is_admin != 0;
	bind_str(&p[0], hash, strlen(hash), &l[0]);
	bind_str(&p[1], email, elen, &l[1]);
	bind_str(&p[2], name, nlen, &l[2]);
	bind_int(&p[3], &tc);
	bind_int(&p[4], &is_admin);
	return db_run(db, SQL_ADMIN_INSERT, p, NULL, id);
}

/* A change of one user: u's fields, or its deletion (u NULL). */
struct admin_change {
	int64_t				 id;
	const struct db_admin_user	*u;
};

/*
 * The last-admin rule, in one transaction (db_tx): lock the user changed
 * (SELECT ... FOR UPDATE by primary key); if it is an active admin and the
 * change ends that (delete, is_admin or is_active false), lock and count
 * every active admin (a locking read: it sees the latest committed rows
 * and waits for rows another transaction is changing) and refuse unless
 * another one remains.  Two admins demoting each other at once: each
 * locks its target, then waits for the other's; InnoDB breaks the
 * deadlock by rolling one back, db_tx runs that one again, and it then
 * finds itself the last admin.  (A single conditional UPDATE could not
 * tell the caller why nothing changed: no such user, or the last admin.)
 */
static enum db_rc
admin_change_tx(struct db *db, void *arg)
{
	struct admin_change	*ch = arg;
	const struct db_admin_user *u = ch->u;
	MYSQL_BIND		 p[6], r[2];
	unsigned long		 l[2];
	int64_t			 id = ch->id, admins;
	int			 is_admin = 0, is_active = 0, tc, adm, act;
	enum db_rc		 rc;

	memset(r, 0, sizeof(r));
	bind_i64(&p[0], &id);
	bind_int(&r[0], &is_admin);
	bind_int(&r[1], &is_active);
	if ((rc = db_run(db, SQL_ADMIN_LOCK_USER, p, r, NULL)) != DB_OK)
		return rc;
	if (is_admin && is_active && (u == NULL || !u->is_admin || !u->is_active)) {
		memset(r, 0, sizeof(r));
		bind_i64(&r[0], &admins);
		if ((rc = db_run(db, SQL_ADMIN_LOCK_ADMINS, NULL, r, NULL)) != DB_OK)
			return DB_ERR;
		if (admins < 2)
			return DB_LAST_ADMIN;
	}
	if (u == NULL) {
		/*
		 * OutstandingToken.user is on_delete=SET_NULL, done by Django,
		 * not by the constraint: so here too.  jwtauth's own tables
		 * delete with the user (ON DELETE CASCADE).
		 */
		bind_i64(&p[0], &id);
		if ((rc = db_run(db, SQL_TOKEN_DETACH_USER, p, NULL, NULL)) == DB_ERR)
			return rc;
		bind_i64(&p[0], &id);
		rc = db_run(db, SQL_ADMIN_DELETE, p, NULL, NULL);
		return rc == DB_NONE ? DB_ERR : rc;	/* the row is locked: it is there */
	}
	tc = u->tc != 0;
	adm = u->is_admin != 0;
	act = u->is_active != 0;
	bind_str(&p[0], u->email, u->email_len, &l[0]);
	bind_str(&p[1], u->name, u->name_len, &l[1]);
	bind_int(&p[2], &tc);
	bind_int(&p[3], &adm);
	bind_int(&p[4], &act);
	bind_i64(&p[5], &id);
	rc = db_run(db, SQL_ADMIN_UPDATE, p, NULL, NULL);
	if (rc == DB_NONE)
		rc = DB_OK;	/* nothing differed */
	/* A deactivation refuses the tokens issued until now, for good. */
	if (rc == DB_OK && is_active && !act && db->cfg->revoke_on_password_change) {
		rc = db_user_revoke(db, id, host_seconds(), 0);
		if (rc == DB_NONE)
			rc = DB_OK;
	}
	return rc;
}

enum db_rc
db_admin_update(struct db *db, const struct db_admin_user *u)
{
	struct admin_change	 ch = { u->id, u };

	return db_tx(db, admin_change_tx, &ch);
}

enum db_rc
db_admin_delete(struct db *db, int64_t id)
{
	struct admin_change	 ch = { id, NULL };

	return db_tx(db, admin_change_tx, &ch);
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

/* ---------------------------------------------------------------- migrations */

/* Run one plain query on the connection, discarding what it returns.  0 or -1. */
static int
db_query(struct db *db, const char *q, size_t n, char *err, size_t errsz)
{
	MYSQL_RES	*res;
	int		 more;

	if (db->conn == NULL && db_connect(db) == -1) {
		(void)snprintf(err, errsz, "cannot connect (see the message above)");
		return -1;
	}
	if (mysql_real_query(db->conn, q, (unsigned long)n) != 0)
		goto fail;
	do {
		if ((res = mysql_store_result(db->conn)) != NULL)
			mysql_free_result(res);
		else if (mysql_field_count(db->conn) != 0)
			goto fail;
		if ((more = mysql_next_result(db->conn)) > 0)
			goto fail;
	} while (more == 0);
	return 0;
fail:
	db->code = mysql_errno(db->conn);
	(void)snprintf(err, errsz, "%u %s", db->code, mysql_error(db->conn));
	if (lost(db->code))
		db_disconnect(db);
	return -1;
}

/*
 * The migrate lock: a row of jwtauth_migrate_lock (sql.h), taken by an
 * INSERT, polled every 200 ms for wait seconds while another holds it.
 * holder names this run (host, pid, time), so that unlock drops ours only.
 */
static char	migrate_holder[128];

enum db_rc
db_migrate_lock(struct db *db, int wait)
{
	MYSQL_BIND	 p[1];
	unsigned long	 len;
	char		 host[64], err[512];
	struct timespec	 ts;
	double		 end = mono() + (double)wait;
	enum db_rc	 rc;

	if (db->conn == NULL && db_connect(db) == -1)
		return DB_ERR;
	/* Created only when missing: the service's user may migrate when there is nothing to do. */
	if (db_query(db, SQL_MIGRATE_LOCK_PROBE, strlen(SQL_MIGRATE_LOCK_PROBE), err,
	    sizeof(err)) == -1 && db_query(db, SQL_MIGRATE_LOCK_TABLE,
	    strlen(SQL_MIGRATE_LOCK_TABLE), err, sizeof(err)) == -1) {
		log_err("the migrate lock's table: %s", err);
		return DB_ERR;
	}
	if (gethostname(host, sizeof(host)) == -1)
		(void)snprintf(host, sizeof(host), "?");
	host[sizeof(host) - 1] = '\0';
	clock_gettime(CLOCK_REALTIME, &ts);
	(void)snprintf(migrate_holder, sizeof(migrate_holder), "%s %ld %lld.%09ld", host,
	    (long)getpid(), (long long)ts.tv_sec, ts.tv_nsec);
	for (;;) {
		if (db_run(db, SQL_MIGRATE_LOCK_EXPIRE, NULL, NULL, NULL) == DB_ERR)
			return DB_ERR;
		bind_str(&p[0], migrate_holder, strlen(migrate_holder), &len);
		if ((rc = db_run(db, SQL_MIGRATE_LOCK_TAKE, p, NULL, NULL)) == DB_OK)
			break;
		if (rc != DB_DUP)
			return DB_ERR;
		if (mono() >= end)
			return DB_NONE;
		ts.tv_sec = 0;
		ts.tv_nsec = 200000000L;
		while (nanosleep(&ts, &ts) == -1)
			continue;
	}
	/* Created only when missing: the service's user may migrate when there is nothing to do. */
	if (db_query(db, SQL_MIGRATIONS_PROBE, strlen(SQL_MIGRATIONS_PROBE), err,
	    sizeof(err)) == -1 && db_query(db, SQL_MIGRATIONS_TABLE,
	    strlen(SQL_MIGRATIONS_TABLE), err, sizeof(err)) == -1) {
		log_err("the migrations table: %s", err);
		db_migrate_unlock(db);
		return DB_ERR;
	}
	return DB_OK;
}

void
db_migrate_unlock(struct db *db)
{
	MYSQL_BIND	 p[1];
	unsigned long	 len;

	if (migrate_holder[0] == '\0')
		return;
	bind_str(&p[0], migrate_holder, strlen(migrate_holder), &len);
	if (db_run(db, SQL_MIGRATE_LOCK_GIVE, p, NULL, NULL) == DB_ERR)
		log_err("the migrate lock was not dropped: it expires in "
		    SQL_MIGRATE_LOCK_SECONDS " s");
	migrate_holder[0] = '\0';
}

struct migration_row {
	char		 name[256];
	MYSQL_TIME	 at;
	MYSQL_BIND	 r[2];
	unsigned long	 len[2];
	my_bool		 isnull[2], error[2];
	int		(*each)(void *, const char *, const char *);
	void		*arg;
};

static int
migration_row(void *arg)
{
	struct migration_row	*m = arg;
	char			 at[32];

	m->name[m->isnull[0] ? 0 : m->len[0]] = '\0';
	format_time(&m->at, m->isnull[1], at, sizeof(at));
	return m->each(m->arg, m->name, at);
}

enum db_rc
db_migrate_list(struct db *db, int (*each)(void *, const char *, const char *), void *arg)
{
	struct migration_row	 m;
	size_t			 i;

	memset(&m, 0, sizeof(m));
	m.r[0].buffer_type = MYSQL_TYPE_STRING;
	m.r[0].buffer = m.name;
	m.r[0].buffer_length = sizeof(m.name) - 1;
	m.r[1].buffer_type = MYSQL_TYPE_DATETIME;
	m.r[1].buffer = &m.at;
	m.r[1].buffer_length = sizeof(m.at);
	for (i = 0; i < 2; i++) {
		m.r[i].length = &m.len[i];
		m.r[i].is_null = &m.isnull[i];
		m.r[i].error = &m.error[i];
	}
	m.each = each;
	m.arg = arg;
	switch (db_exec(db, SQL_MIGRATION_LIST, NULL, m.r, NULL, migration_row, &m)) {
	case DB_OK:
	case DB_NONE:
		return DB_OK;
	default:
		/* No table yet: nothing applied (migrate --list before any migrate). */
		return db->code == ER_NO_SUCH_TABLE ? DB_OK : DB_ERR;
	}
}

enum db_rc
db_migrate_apply(struct db *db, const char *name, const char *text, size_t len,
    char *err, size_t errsz)
{
	MYSQL_BIND	 p[1];
	unsigned long	 nlen;
	int		 rc;

	if (db->conn == NULL && db_connect(db) == -1) {
		(void)snprintf(err, errsz, "cannot connect (see the message above)");
		return DB_ERR;
	}
	if (mysql_set_server_option(db->conn, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0) {
		(void)snprintf(err, errsz, "%s", mysql_error(db->conn));
		return DB_ERR;
	}
	rc = db_query(db, text, len, err, errsz);
	if (db->conn != NULL)
		(void)mysql_set_server_option(db->conn, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
	if (rc == -1)
		return DB_ERR;
	bind_str(&p[0], name, strlen(name), &nlen);
	if (db_run(db, SQL_MIGRATION_RECORD, p, NULL, NULL) != DB_OK) {
		(void)snprintf(err, errsz, "applied, but not recorded (%u)", db->code);
		return DB_ERR;
	}
	return DB_OK;
}

/* ---------------------------------------------------------------- throttles */

/* Bind scope and ident, the first two parameters of every throttle statement. */
static void
bind_counter(MYSQL_BIND *p, const char *scope, const char *ident, unsigned long *l)
{
	bind_str(&p[0], scope, strlen(scope), &l[0]);
	bind_str(&p[1], ident, strlen(ident), &l[1]);
}

enum db_rc
db_throttle_hit(struct db *db, const char *scope, const char *ident, int64_t now,
    int64_t end, int64_t cap, int64_t *hits, int *created)
{
	MYSQL_BIND	 p[6];
	unsigned long	 l[2];
	int64_t		 id = 0, now2 = now, now3 = now;
	enum db_rc	 rc;

	bind_counter(p, scope, ident, l);
	bind_i64(&p[2], &end);
	bind_i64(&p[3], &now2);
	bind_i64(&p[4], &cap);
	bind_i64(&p[5], &now3);
	/* DB_NONE: the row is at its cap already and nothing changed. */
	if ((rc = db_run(db, SQL_THROTTLE_HIT, p, NULL, &id)) == DB_NONE)
		rc = DB_OK;
	if (rc != DB_OK)
		return rc == DB_DUP ? DB_ERR : rc;
	/* LAST_INSERT_ID(expr) ran only on the update path. */
	*created = id == 0;
	*hits = id == 0 ? 1 : id;
	return DB_OK;
}

enum db_rc
db_throttle_end(struct db *db, const char *scope, const char *ident, int64_t *end)
{
	MYSQL_BIND	 p[2], r[1];
	unsigned long	 l[2];

	bind_counter(p, scope, ident, l);
	memset(r, 0, sizeof(r));
	bind_i64(&r[0], end);
	return db_run(db, SQL_THROTTLE_END, p, r, NULL);
}

enum db_rc
db_throttle_undo(struct db *db, const char *scope, const char *ident, int64_t now)
{
	MYSQL_BIND	 p[3];
	unsigned long	 l[2];

	bind_counter(p, scope, ident, l);
	bind_i64(&p[2], &now);
	return db_run(db, SQL_THROTTLE_UNDO, p, NULL, NULL);
}

enum db_rc
db_throttle_forget(struct db *db, const char *scope, const char *ident)
{
	MYSQL_BIND	 p[2];
	unsigned long	 l[2];

	bind_counter(p, scope, ident, l);
	return db_run(db, SQL_THROTTLE_FORGET, p, NULL, NULL);
}

enum db_rc
db_throttle_prune(struct db *db, int64_t now, int64_t n)
{
	MYSQL_BIND	 p[2];

	bind_i64(&p[0], &now);
	bind_i64(&p[1], &n);
	return db_run(db, SQL_THROTTLE_PRUNE, p, NULL, NULL);
}

enum db_rc
db_email_weight(struct db *db, const char *email, size_t len, unsigned char *out,
    size_t outsz, size_t *outlen)
{
	MYSQL_BIND	 p[1], r[1];
	unsigned long	 l, rlen = 0;
	my_bool		 isnull = 0, error = 0;
	enum db_rc	 rc;

	bind_str(&p[0], email, len, &l);
	memset(r, 0, sizeof(r));
	r[0].buffer_type = MYSQL_TYPE_BLOB;
	r[0].buffer = out;
	r[0].buffer_length = (unsigned long)outsz;
	r[0].length = &rlen;
	r[0].is_null = &isnull;
	r[0].error = &error;
	if ((rc = db_run(db, SQL_EMAIL_WEIGHT, p, r, NULL)) != DB_OK)
		return rc == DB_NONE ? DB_ERR : rc;
	if (isnull || rlen > outsz)
		return DB_ERR;
	*outlen = rlen;
	return DB_OK;
}

/* ---------------------------------------------------------------- the audit log */

enum db_rc
db_audit_insert(struct db *db, double when, const char *event, int64_t user_id,
    int64_t target_id, const char *client, const char *ua, size_t ualen, const char *outcome)
{
	MYSQL_BIND	 p[7];
	MYSQL_TIME	 t;
	unsigned long	 l[4];
	my_bool		 isnull[2];

	utc_time(when, &t);
	bind_time(&p[0], &t);
	bind_str(&p[1], event, strlen(event), &l[0]);
	bind_id(&p[2], &user_id, &isnull[0]);
	bind_id(&p[3], &target_id, &isnull[1]);
	bind_str(&p[4], client, strlen(client), &l[1]);
	bind_str(&p[5], ua, ualen, &l[2]);
	bind_str(&p[6], outcome, strlen(outcome), &l[3]);
	return db_run(db, SQL_AUDIT_INSERT, p, NULL, NULL);
}

/* Result binding of SQL_AUDIT_COLUMNS into one row. */
struct audit_row {
	struct db_audit_row	 r;
	MYSQL_BIND		 b[8];
	MYSQL_TIME		 t;
	unsigned long		 len[8];
	my_bool			 isnull[8], error[8];
	int			(*each)(void *, const struct db_audit_row *);
	void			*arg;
};

static void
bind_out_str(MYSQL_BIND *b, char *buf, size_t sz)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = buf;
	b->buffer_length = (unsigned long)sz - 1;
}

/* db_exec's row callback of db_audit_list: terminate, then hand over. */
static int
audit_list_row(void *arg)
{
	struct audit_row	*a = arg;
	struct db_audit_row	*r = &a->r;

	format_time(&a->t, a->isnull[1], r->created_at, sizeof(r->created_at));
	r->event[a->isnull[2] ? 0 : a->len[2]] = '\0';
	if (a->isnull[3])
		r->user_id = 0;
	if (a->isnull[4])
		r->target_id = 0;
	r->client[a->isnull[5] ? 0 : a->len[5]] = '\0';
	r->user_agent_len = a->isnull[6] ? 0 : a->len[6];
	r->user_agent[r->user_agent_len] = '\0';
	r->outcome[a->isnull[7] ? 0 : a->len[7]] = '\0';
	return a->each(a->arg, r);
}

enum db_rc
db_audit_list(struct db *db, const struct db_audit_query *q,
    int (*each)(void *, const struct db_audit_row *), void *arg)
{
	struct audit_row	*a;
	MYSQL_BIND		 p[5];
	MYSQL_TIME		 since;
	unsigned long		 elen;
	int64_t			 user = q->user, limit = q->limit > 0 ? q->limit : INT64_MAX;
	size_t			 np = 0, i;
	enum sql_id		 id;
	enum db_rc		 rc;

	/* One of the constant statements, by which filters are given. */
	id = (enum sql_id)(SQL_AUDIT_LIST + (q->user != 0) + 2 * (q->event != NULL));
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return DB_ERR;
	utc_time((double)q->since, &since);
	bind_time(&p[np++], &since);
	if (q->user != 0) {
		bind_i64(&p[np++], &user);
		bind_i64(&p[np++], &user);
	}
	if (q->event != NULL)
		bind_str(&p[np++], q->event, strlen(q->event), &elen);
	bind_i64(&p[np++], &limit);
	bind_i64(&a->b[0], &a->r.id);
	a->b[1].buffer_type = MYSQL_TYPE_DATETIME;
	a->b[1].buffer = &a->t;
	a->b[1].buffer_length = sizeof(a->t);
	bind_out_str(&a->b[2], a->r.event, sizeof(a->r.event));
	bind_i64(&a->b[3], &a->r.user_id);
	bind_i64(&a->b[4], &a->r.target_id);
	bind_out_str(&a->b[5], a->r.client, sizeof(a->r.client));
	bind_out_str(&a->b[6], a->r.user_agent, sizeof(a->r.user_agent));
	bind_out_str(&a->b[7], a->r.outcome, sizeof(a->r.outcome));
	for (i = 0; i < nitems(a->b); i++) {
		a->b[i].length = &a->len[i];
		a->b[i].is_null = &a->isnull[i];
		a->b[i].error = &a->error[i];
	}
	a->each = each;
	a->arg = arg;
	rc = db_exec(db, id, p, a->b, NULL, audit_list_row, a);
	free(a);
	return rc;
}

_Static_assert(SQL_AUDIT_LIST + 1 == SQL_AUDIT_LIST_USER &&
    SQL_AUDIT_LIST + 2 == SQL_AUDIT_LIST_EVENT && SQL_AUDIT_LIST + 3 == SQL_AUDIT_LIST_USER_EVENT,
    "the audit list statements: + 1 by user, + 2 by event");

/* Rows one DELETE of db_audit_prune removes at most. */
#define AUDIT_PRUNE_BATCH	5000

enum db_rc
db_audit_prune(struct db *db, int64_t before, uint64_t *n)
{
	MYSQL_BIND	 p[2];
	MYSQL_TIME	 t;
	int64_t		 batch = AUDIT_PRUNE_BATCH;
	enum db_rc	 rc;

	*n = 0;
	utc_time((double)before, &t);
	for (;;) {
		bind_time(&p[0], &t);
		bind_i64(&p[1], &batch);
		if ((rc = db_run(db, SQL_AUDIT_PRUNE, p, NULL, NULL)) == DB_NONE)
			return DB_OK;
		if (rc != DB_OK)
			return rc;
		*n += db->affected;
		if (db->affected < (uint64_t)batch)
			return DB_OK;
	}
}

/* ---------------------------------------------------------------- tokens */

static void
bind_cstr(MYSQL_BIND *b, const char *s, unsigned long *len)
{
	bind_str(b, s, strlen(s), len);
}

enum db_rc
db_token_state(struct db *db, const char *jti, struct db_token_state *st)
{
	MYSQL_BIND	 p[2], r[5];
	MYSQL_TIME	 rotated;
	unsigned long	 pl[2], len[5];
	my_bool		 isnull[5], error[5];
	int64_t		 blid = 0;
	enum db_rc	 rc;
	size_t		 i;

	memset(st, 0, sizeof(*st));
	bind_cstr(&p[0], jti, &pl[0]);
	bind_cstr(&p[1], jti, &pl[1]);
	memset(r, 0, sizeof(r));
	/* The connector sets a column's error flag for strings, not for a DATETIME. */
	memset(error, 0, sizeof(error));
	bind_i64(&r[0], &st->outstanding_id);
	bind_i64(&r[1], &blid);
	r[2].buffer_type = MYSQL_TYPE_STRING;
	r[2].buffer = st->family;
	r[2].buffer_length = sizeof(st->family) - 1;
	bind_time(&r[3], &rotated);
	r[4].buffer_type = MYSQL_TYPE_STRING;
	r[4].buffer = st->replaced_by;
	r[4].buffer_length = sizeof(st->replaced_by) - 1;
	for (i = 0; i < nitems(r); i++) {
		r[i].length = &len[i];
		r[i].is_null = &isnull[i];
		r[i].error = &error[i];
	}
	if ((rc = db_run(db, SQL_TOKEN_STATE, p, r, NULL)) != DB_OK) {
		memset(st, 0, sizeof(*st));
		return rc == DB_NONE ? DB_ERR : rc;	/* one row, always */
	}
	if (isnull[0])
		st->outstanding_id = 0;
	st->blacklisted = !isnull[1];
	st->family[isnull[2] ? 0 : len[2]] = '\0';
	st->rotated_at = isnull[3] ? 0 : mysql_to_time(&rotated);
	st->replaced_by[isnull[4] ? 0 : len[4]] = '\0';
	return DB_OK;
}

/* Insert one outstanding token (SQL_TOKEN_OUTSTAND). */
static enum db_rc
outstand(struct db *db, int64_t user_id, const char *jti, const char *token, double created,
    int64_t expires)
{
	MYSQL_BIND	 p[5];
	MYSQL_TIME	 c, e;
	unsigned long	 l[2];
	my_bool		 nouser;

	utc_time(created, &c);
	utc_time((double)expires, &e);
	bind_cstr(&p[0], token, &l[0]);
	bind_time(&p[1], &c);
	bind_time(&p[2], &e);
	bind_id(&p[3], &user_id, &nouser);
	bind_cstr(&p[4], jti, &l[1]);
	return db_run(db, SQL_TOKEN_OUTSTAND, p, NULL, NULL);
}

enum db_rc
db_token_outstand(struct db *db, int64_t user_id, const char *jti, const char *token,
    double created, int64_t expires)
{
	return outstand(db, user_id, jti, token, created, expires);
}

/* The outstanding row of jti made when there is none; then jti blacklisted at now. */
static enum db_rc
blacklist_one(struct db *db, const char *jti, const char *token, int64_t expires, double now)
{
	MYSQL_BIND	 p[3];
	MYSQL_TIME	 e, n;
	unsigned long	 l[2];
	enum db_rc	 rc;

	utc_time((double)expires, &e);
	bind_cstr(&p[0], token, &l[0]);
	bind_time(&p[1], &e);
	bind_cstr(&p[2], jti, &l[1]);
	if ((rc = db_run(db, SQL_TOKEN_OUTSTAND_GET, p, NULL, NULL)) == DB_ERR)
		return rc;
	utc_time(now, &n);
	bind_time(&p[0], &n);
	bind_cstr(&p[1], jti, &l[0]);
	rc = db_run(db, SQL_TOKEN_BLACKLIST, p, NULL, NULL);
	return rc == DB_NONE ? DB_OK : rc;	/* blacklisted before */
}

enum db_rc
db_token_blacklist(struct db *db, const char *jti, const char *token, int64_t expires,
    const char *family, double now)
{
	MYSQL_BIND	 p[2];
	MYSQL_TIME	 n;
	unsigned long	 l;
	enum db_rc	 rc;

	if ((rc = blacklist_one(db, jti, token, expires, now)) != DB_OK)
		return rc;
	if (family == NULL || *family == '\0')
		return DB_OK;
	utc_time(now, &n);
	bind_time(&p[0], &n);
	bind_cstr(&p[1], family, &l);
	rc = db_run(db, SQL_TOKEN_BLACKLIST_FAMILY, p, NULL, NULL);
	return rc == DB_NONE ? DB_OK : rc;
}

enum db_rc
db_token_text(struct db *db, const char *jti, char *out, size_t outsz, int *blacklisted)
{
	MYSQL_BIND	 p[1], r[2];
	unsigned long	 pl, len[2];
	my_bool		 isnull[2], error[2];
	int64_t		 blid = 0;
	enum db_rc	 rc;
	size_t		 i;

	if (outsz == 0)
		return DB_ERR;
	bind_cstr(&p[0], jti, &pl);
	memset(r, 0, sizeof(r));
	memset(error, 0, sizeof(error));
	r[0].buffer_type = MYSQL_TYPE_STRING;
	r[0].buffer = out;
	r[0].buffer_length = (unsigned long)outsz - 1;
	bind_i64(&r[1], &blid);
	for (i = 0; i < nitems(r); i++) {
		r[i].length = &len[i];
		r[i].is_null = &isnull[i];
		r[i].error = &error[i];
	}
	if ((rc = db_run(db, SQL_TOKEN_TEXT, p, r, NULL)) != DB_OK) {
		out[0] = '\0';
		return rc;
	}
	out[isnull[0] ? 0 : len[0]] = '\0';
	*blacklisted = !isnull[1];
	return DB_OK;
}

/* db_tx body of db_token_rotate. */
static enum db_rc
rotate_tx(struct db *db, void *arg)
{
	const struct db_rotation *r = arg;
	MYSQL_BIND		 p[6];
	MYSQL_TIME		 now, oexp, nexp;
	unsigned long		 l[3];
	my_bool			 nouser;
	int64_t			 uid = r->user_id;
	enum db_rc		 rc;

	utc_time(r->now, &now);
	utc_time((double)r->old_exp, &oexp);
	utc_time((double)r->new_exp, &nexp);
	bind_cstr(&p[0], r->old_jti, &l[0]);
	bind_cstr(&p[1], r->family, &l[1]);
	bind_id(&p[2], &uid, &nouser);
	bind_cstr(&p[3], r->new_jti, &l[2]);
	bind_time(&p[4], &now);
	bind_time(&p[5], &oexp);
	if ((rc = db_run(db, SQL_TOKEN_ROTATE_CLAIM, p, NULL, NULL)) != DB_OK)
		return rc;	/* DB_NONE: rotated before */
	if ((rc = outstand(db, r->user_id, r->new_jti, r->new_token, r->now, r->new_exp)) != DB_OK)
		return rc == DB_NONE ? DB_ERR : rc;
	bind_cstr(&p[0], r->new_jti, &l[0]);
	bind_cstr(&p[1], r->family, &l[1]);
	bind_id(&p[2], &uid, &nouser);
	bind_time(&p[3], &nexp);
	if ((rc = db_run(db, SQL_TOKEN_FAMILY_ADD, p, NULL, NULL)) != DB_OK)
		return rc == DB_NONE ? DB_ERR : rc;
	if (r->blacklist_old)
		return blacklist_one(db, r->old_jti, r->old_token, r->old_exp, r->now);
	return DB_OK;
}

enum db_rc
db_token_rotate(struct db *db, const struct db_rotation *r)
{
	return db_tx(db, rotate_tx, (void *)(uintptr_t)r);
}

/* db_tx body of db_tokens_flush. */
struct flush {
	double	 now;
	int64_t	 revoked_before;
};

static enum db_rc
flush_tx(struct db *db, void *arg)
{
	static const enum sql_id	 dated[] = {
		SQL_FLUSH_BLACKLISTED, SQL_FLUSH_OUTSTANDING, SQL_FLUSH_FAMILIES,
	};
	struct flush			*f = arg;
	MYSQL_BIND			 p[1];
	MYSQL_TIME			 now;
	enum db_rc			 rc;
	size_t				 i;

	utc_time(f->now, &now);
	for (i = 0; i < nitems(dated); i++) {
		bind_time(&p[0], &now);
		if ((rc = db_run(db, dated[i], p, NULL, NULL)) == DB_ERR)
			return rc;
	}
	bind_i64(&p[0], &f->revoked_before);
	rc = db_run(db, SQL_FLUSH_REVOCATIONS, p, NULL, NULL);
	return rc == DB_NONE ? DB_OK : rc;
}

enum db_rc
db_tokens_flush(struct db *db, double now, int64_t revoked_before)
{
	struct flush	 f = { now, revoked_before };

	return db_tx(db, flush_tx, &f);
}
