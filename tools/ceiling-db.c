/*
 * ceiling-db.c - the ceiling (ceiling.c) plus what any endpoint that reads
 * its user from MariaDB on every request must do at least: one prepared
 * SELECT of accounts_user by primary key (the columns jwtauth's
 * SQL_USER_BY_ID reads) over one connection per process, opened on the
 * first request.  Its answer is ceiling.c's constant body.  `./dev bench`
 * serves it at /bench-ceiling-db/?id=N beside the ceiling: profile can do
 * no better than this in the same run, so profile/ceiling-db is what is
 * left to gain in jwtauth itself, and ceiling-db/ceiling what a database
 * read per request costs.  As plain CGI it connects, reads and answers
 * once.  The database comes from the request's environment, which the
 * bench's web server block sets: CEILING_DB_SOCKET, CEILING_DB_NAME,
 * CEILING_DB_USER, CEILING_DB_PASSWORD.  Not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>
#include <mysql.h>

#define BODY	"{\"id\": 1, \"email\": \"ceiling@example.com\", \"name\": \"Ceiling\", \"tc\": true}"
#define SELECT	"SELECT id, password, last_login, email, name, tc, is_active " \
		"FROM accounts_user WHERE id = ?"
#define NCOLS	7

static const char ok_reply[] =
    "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: 72\r\n\r\n" BODY;
static const char fail_reply[] =
    "Status: 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\n"
    "no MySQL\n";
_Static_assert(sizeof(BODY) - 1 == 72, "Content-Length is the length of BODY");

static MYSQL		*db;
static MYSQL_STMT	*stmt;

/* Connect and prepare, reading the settings from env (a CGI or FastCGI environment). */
static int
open_db(char **env)
{
	const char	*sock = FCGX_GetParam("CEILING_DB_SOCKET", env);
	const char	*name = FCGX_GetParam("CEILING_DB_NAME", env);
	const char	*user = FCGX_GetParam("CEILING_DB_USER", env);
	const char	*pass = FCGX_GetParam("CEILING_DB_PASSWORD", env);

	if (sock == NULL || name == NULL || user == NULL || (db = mysql_init(NULL)) == NULL)
		return -1;
	if (mysql_real_connect(db, NULL, user, pass, name, 0, sock, 0) == NULL ||
	    (stmt = mysql_stmt_init(db)) == NULL ||
	    mysql_stmt_prepare(stmt, SELECT, sizeof(SELECT) - 1) != 0) {
		fprintf(stderr, "ceiling-db: %s\n", mysql_error(db));
		if (stmt != NULL)
			mysql_stmt_close(stmt);
		mysql_close(db);
		db = NULL;
		stmt = NULL;
		return -1;
	}
	return 0;
}

/* The row of ?id=N (QUERY_STRING), fetched into buffers as jwtauth's db.c does. */
static int
read_row(char **env)
{
	const char	*q = FCGX_GetParam("QUERY_STRING", env);
	long long	 id = q != NULL && strncmp(q, "id=", 3) == 0 ? atoll(q + 3) : 1;
	long long	 col_id = 0;
	signed char	 tc = 0, active = 0;
	char		 pw[516], email[1024], name[804];
	MYSQL_TIME	 last;
	MYSQL_BIND	 in, out[NCOLS];
	unsigned long	 len[NCOLS];
	my_bool		 null[NCOLS];
	int		 rc;

	if (db == NULL && open_db(env) == -1)
		return -1;
	memset(&in, 0, sizeof(in));
	in.buffer_type = MYSQL_TYPE_LONGLONG;
	in.buffer = &id;
	memset(out, 0, sizeof(out));
	out[0].buffer_type = MYSQL_TYPE_LONGLONG;
	out[0].buffer = &col_id;
	out[1].buffer_type = MYSQL_TYPE_STRING;
	out[1].buffer = pw;
	out[1].buffer_length = sizeof(pw);
	out[2].buffer_type = MYSQL_TYPE_DATETIME;
	out[2].buffer = &last;
	out[3].buffer_type = MYSQL_TYPE_STRING;
	out[3].buffer = email;
	out[3].buffer_length = sizeof(email);
	out[4].buffer_type = MYSQL_TYPE_STRING;
	out[4].buffer = name;
	out[4].buffer_length = sizeof(name);
	out[5].buffer_type = MYSQL_TYPE_TINY;
	out[5].buffer = &tc;
	out[6].buffer_type = MYSQL_TYPE_TINY;
	out[6].buffer = &active;
	for (rc = 0; rc < NCOLS; rc++) {
		out[rc].length = &len[rc];
		out[rc].is_null = &null[rc];
	}
	if (mysql_stmt_bind_param(stmt, &in) != 0 || mysql_stmt_execute(stmt) != 0 ||
	    mysql_stmt_bind_result(stmt, out) != 0)
		goto fail;
	rc = mysql_stmt_fetch(stmt);
	while (rc == 0 || rc == MYSQL_DATA_TRUNCATED)
		rc = mysql_stmt_fetch(stmt);
	if (rc == MYSQL_NO_DATA)
		return 0;
fail:
	/* Connect again on the next request. */
	mysql_stmt_close(stmt);
	mysql_close(db);
	stmt = NULL;
	db = NULL;
	return -1;
}

int
main(void)
{
	extern char	**environ;
	FCGX_Request	 rq;

	if (FCGX_IsCGI()) {
		if (read_row(environ) == -1)
			fwrite(fail_reply, 1, sizeof(fail_reply) - 1, stdout);
		else
			fwrite(ok_reply, 1, sizeof(ok_reply) - 1, stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (FCGX_Init() != 0 || FCGX_InitRequest(&rq, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&rq) >= 0) {
		if (read_row(rq.envp) == -1)
			FCGX_PutStr(fail_reply, (int)sizeof(fail_reply) - 1, rq.out);
		else
			FCGX_PutStr(ok_reply, (int)sizeof(ok_reply) - 1, rq.out);
		FCGX_Finish_r(&rq);
	}
	return 0;
}
