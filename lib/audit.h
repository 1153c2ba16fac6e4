/*
 * audit.h - the audit log: one row of jwtauth_audit per security event
 * (sql/migrations/0006_audit.sql).  app.c writes one after each request
 * to a handler with an event name (struct handler's audit), jwtauth-admin
 * one per verb that changes a user.  Rows never hold a password or a
 * token; a failed write is logged as a warning and fails nothing.
 */
#ifndef JWTAUTH_AUDIT_H
#define JWTAUTH_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "cfg.h"
#include "db.h"

enum audit_outcome {
	AUDIT_OK,		/* done (2xx) */
	AUDIT_FAILED,		/* refused: the client's mistake or no right (4xx) */
	AUDIT_THROTTLED,	/* refused by a throttle (429) */
	AUDIT_ERROR,		/* the server failed (5xx, or no answer) */
	AUDIT__MAX
};

/* The outcome of an answer with HTTP status (200 ok, 429 throttled, ...). */
enum audit_outcome audit_outcome(int status);

/* "ok", "failed", "throttled", "error"; NULL out of range. */
const char	*audit_outcome_name(enum audit_outcome o);

/*
 * The byte length of the longest prefix of s[0..n) that has at most max
 * code points and ends on a character boundary (s is valid UTF-8).
 */
size_t		 audit_utf8_prefix(const char *s, size_t n, size_t max);

/*
 * Text for a column of max characters: s[0..n) decoded as UTF-8 with
 * U+FFFD for each invalid sequence (bytes.decode(errors='replace')), cut to
 * max characters.  Appended to out; 0, or -1 when out failed.
 */
int		 audit_text(const char *s, size_t n, size_t max, struct buf *out);

/*
 * jwtauth-admin audit --since: s as an absolute UTC time ("YYYY-MM-DD",
 * "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM:SS", 'T' for the space, an
 * optional trailing 'Z') or an age before now ("30s", "15m", "2h", "7d").
 * 0 and *out, or -1.
 */
int		 audit_parse_since(const char *s, time_t now, time_t *out);

/* One event. */
struct audit_rec {
	double		 when;		/* seconds since the epoch (the host's clock) */
	const char	*event;		/* "login", ... (ASCII, at most 32) */
	int64_t		 user_id;	/* who acted; 0: nobody known (NULL) */
	int64_t		 target_id;	/* the user acted on, when another; 0: NULL */
	const char	*client;	/* the address, or "cli" */
	const char	*user_agent;	/* as the client sent it; NULL when none */
	enum audit_outcome outcome;
};

/*
 * Write r unless [audit] enabled is 0: one INSERT.  A failure is logged
 * (warning) and otherwise ignored.
 */
void		 audit_write(struct db *db, const struct cfg *cfg, const struct audit_rec *r);

#endif
