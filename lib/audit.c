/*
 * audit.c - the audit log's rows (see audit.h); the SQL is db.c's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "log.h"
#include "pycompat.h"

/* Characters of jwtauth_audit's columns (sql/migrations/0006_audit.sql). */
#define AUDIT_CLIENT_CHARS	45
#define AUDIT_UA_CHARS		255

static const char *const outcome_names[AUDIT__MAX] = {
	[AUDIT_OK] = "ok",
	[AUDIT_FAILED] = "failed",
	[AUDIT_THROTTLED] = "throttled",
	[AUDIT_ERROR] = "error",
};

enum audit_outcome
audit_outcome(int status)
{
	if (status == 429)
		return AUDIT_THROTTLED;
	if (status >= 200 && status < 400)
		return AUDIT_OK;
	if (status >= 400 && status < 500)
		return AUDIT_FAILED;
	return AUDIT_ERROR;
}

const char *
audit_outcome_name(enum audit_outcome o)
{
	return (unsigned)o < AUDIT__MAX ? outcome_names[o] : NULL;
}

size_t
audit_utf8_prefix(const char *s, size_t n, size_t max)
{
	size_t	 i, chars = 0;

	for (i = 0; i < n; i++) {
		/* A lead byte starts a character: the max + 1st ends the prefix. */
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == max)
			return i;
	}
	return n;
}

int
audit_text(const char *s, size_t n, size_t max, struct buf *out)
{
	struct buf	 dec = BUF_INIT;
	int		 rc;

	if (py_utf8_decode_replace(s, n, &dec) == -1 || !buf_ok(&dec)) {
		buf_free(&dec);
		return -1;
	}
	rc = buf_add(out, dec.p ? dec.p : "", audit_utf8_prefix(buf_str(&dec), dec.len, max));
	buf_free(&dec);
	return rc == -1 || !buf_ok(out) ? -1 : 0;
}

/* Digits s[0..n) as a number into *v; 0, or -1. */
static int
digits(const char *s, size_t n, int *v)
{
	size_t	 i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return n > 0 ? 0 : -1;
}

int
audit_parse_since(const char *s, time_t now, time_t *out)
{
	static const char	 units[] = "smhd";
	static const long	 secs[] = { 1, 60, 3600, 86400 };
	struct tm		 tm;
	const char		*u;
	size_t			 n = strlen(s);
	long long		 age;
	char			*end;
	int			 y, mo, d, h = 0, mi = 0, se = 0;
	time_t			 t;

	/* An age: digits and one unit. */
	if (n >= 2 && s[0] >= '0' && s[0] <= '9' &&
	    (u = strchr(units, s[n - 1])) != NULL && *u != '\0') {
		age = strtoll(s, &end, 10);
		if (end != s + n - 1 || age < 0 || age > 36500LL * 86400)
			return -1;
		age *= secs[u - units];
		if (age > 36500LL * 86400)
			return -1;
		*out = now - (time_t)age;
		return 0;
	}
	if (n > 0 && s[n - 1] == 'Z')
		n--;
	/* YYYY-MM-DD, then [ T]HH:MM, then :SS */
	if (n < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	if (n > 10) {
		if ((s[10] != ' ' && s[10] != 'T') || n < 16 || digits(s + 11, 2, &h) ||
		    s[13] != ':' || digits(s + 14, 2, &mi))
			return -1;
		if (n > 16 && (n != 19 || s[16] != ':' || digits(s + 17, 2, &se)))
			return -1;
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	/* timegm normalises 2024-02-31 to March: refuse a date that moved. */
	if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
		return -1;
	*out = t;
	return 0;
}

void
audit_write(struct db *db, const struct cfg *cfg, const struct audit_rec *r)
{
	struct buf	 ua = BUF_INIT, client = BUF_INIT;
	const char	*outcome = audit_outcome_name(r->outcome);
	size_t		 max;
	enum db_rc	 rc;

	if (!cfg->audit_enabled)
		return;
	max = (size_t)cfg->audit_ua_length < AUDIT_UA_CHARS ? (size_t)cfg->audit_ua_length :
	    AUDIT_UA_CHARS;
	if (r->user_agent != NULL && max > 0 &&
	    audit_text(r->user_agent, strlen(r->user_agent), max, &ua) == -1)
		goto oom;
	if (audit_text(r->client, strlen(r->client), AUDIT_CLIENT_CHARS, &client) == -1)
		goto oom;
	if (outcome == NULL)
		outcome = "error";
	if ((rc = db_audit_insert(db, r->when, r->event, r->user_id, r->target_id,
	    buf_str(&client), buf_str(&ua), ua.len, outcome)) != DB_OK)
		log_warn("audit row not written (event %s, user %lld, outcome %s): database %s",
		    r->event, (long long)r->user_id, outcome, rc == DB_ERR ? "error" : "refused");
	goto out;
oom:
	log_warn("audit row not written (event %s): out of memory", r->event);
out:
	buf_free(&ua);
	buf_free(&client);
}
