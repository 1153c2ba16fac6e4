/*
 * t_audit.c - the pure parts of lib/audit.c: the outcome of a status, the
 * cut of a text to a column's characters on a UTF-8 boundary (after
 * decoding with U+FFFD as Python's errors='replace' does), and
 * jwtauth-admin audit --since's times.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "audit.h"
#include "tap.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	int		 status;
	const char	*want;
} outcomes[] = {
	{ 200, "ok" }, { 201, "ok" }, { 204, "ok" }, { 301, "ok" },
	{ 400, "failed" }, { 401, "failed" }, { 403, "failed" }, { 404, "failed" },
	{ 405, "failed" }, { 413, "failed" }, { 415, "failed" },
	{ 429, "throttled" },
	{ 500, "error" }, { 503, "error" }, { 0, "error" }, { 100, "error" },
};

/* The prefix of in that has at most max characters. */
static const struct {
	const char	*in;
	size_t		 max;
	const char	*want;
} prefixes[] = {
	{ "", 0, "" },
	{ "", 5, "" },
	{ "abc", 0, "" },
	{ "abc", 2, "ab" },
	{ "abc", 3, "abc" },
	{ "abc", 10, "abc" },
	{ "\xc3\xa9t\xc3\xa9", 1, "\xc3\xa9" },			/* é is two bytes */
	{ "\xc3\xa9t\xc3\xa9", 2, "\xc3\xa9t" },
	{ "\xc3\xa9t\xc3\xa9", 3, "\xc3\xa9t\xc3\xa9" },
	{ "a\xe2\x82\xac", 1, "a" },				/* € is three */
	{ "a\xe2\x82\xac" "b", 2, "a\xe2\x82\xac" },
	{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 1, "\xf0\x9f\x98\x80" },	/* 😀 is four */
	{ "\xf0\x9f\x98\x80x", 0, "" },
};

/* audit_text: decoded with U+FFFD (EF BF BD), then cut. */
static const struct {
	const char	*in;
	size_t		 max;
	const char	*want;
} texts[] = {
	{ "Mozilla/5.0", 7, "Mozilla" },
	{ "Mozilla/5.0", 255, "Mozilla/5.0" },
	{ "caf\xe9", 10, "caf\xef\xbf\xbd" },			/* a Latin-1 byte */
	{ "caf\xe9 au lait", 4, "caf\xef\xbf\xbd" },
	{ "caf\xe9 au lait", 3, "caf" },
	{ "\xe2\x82", 5, "\xef\xbf\xbd" },			/* a cut sequence: one U+FFFD */
	{ "\xff\xfe", 5, "\xef\xbf\xbd\xef\xbf\xbd" },
	{ "\xff\xfe", 1, "\xef\xbf\xbd" },
	{ "x\xf0\x9f\x98\x80y", 2, "x\xf0\x9f\x98\x80" },
	{ "anything", 0, "" },
};

/* --since, against now = 2026-11-30 12:00:00 UTC (1796040000). */
#define NOW	((time_t)1796040000)
static const struct {
	const char	*in;
	long long	 want;		/* -1: refused */
} sinces[] = {
	{ "2026-11-30", 1795996800 },
	{ "2026-11-30 10:30", 1796034600 },
	{ "2026-11-30T10:30", 1796034600 },
	{ "2026-11-30 10:30:15", 1796034615 },
	{ "2026-11-30T10:30:15Z", 1796034615 },
	{ "2026-11-30Z", 1795996800 },
	{ "1970-01-01", 0 },
	{ "2024-02-29", 1709164800 },
	{ "30s", 1796040000 - 30 },
	{ "15m", 1796040000 - 900 },
	{ "2h", 1796040000 - 7200 },
	{ "7d", 1796040000 - 7 * 86400 },
	{ "0d", 1796040000 },
	{ "", -1 },
	{ "d", -1 },
	{ "7", -1 },
	{ "7w", -1 },
	{ "-7d", -1 },
	{ "7 d", -1 },
	{ "99999999d", -1 },
	{ "2026-13-01", -1 },
	{ "2026-02-30", -1 },
	{ "2023-02-29", -1 },
	{ "2026-11-30 24:00", -1 },
	{ "2026-11-30 10:60", -1 },
	{ "2026-11-30 10", -1 },
	{ "2026-11-30 10:30:1", -1 },
	{ "2026-11-30x10:30", -1 },
	{ "26-11-30", -1 },
	{ "1969-12-31", -1 },
	{ "yesterday", -1 },
};

int
main(void)
{
	struct buf	 b = BUF_INIT;
	time_t		 t;
	size_t		 i, n;
	int		 rc;

	for (i = 0; i < NITEMS(outcomes); i++)
		is_str(audit_outcome_name(audit_outcome(outcomes[i].status)), outcomes[i].want,
		    "status %d is %s", outcomes[i].status, outcomes[i].want);
	ok(audit_outcome_name(AUDIT__MAX) == NULL, "no name out of range");

	for (i = 0; i < NITEMS(prefixes); i++) {
		n = audit_utf8_prefix(prefixes[i].in, strlen(prefixes[i].in), prefixes[i].max);
		ok(n == strlen(prefixes[i].want) && memcmp(prefixes[i].in, prefixes[i].want, n) == 0,
		    "prefix %zu of %zu characters: %zu bytes", i, prefixes[i].max, n);
	}

	for (i = 0; i < NITEMS(texts); i++) {
		buf_reset(&b);
		rc = audit_text(texts[i].in, strlen(texts[i].in), texts[i].max, &b);
		ok(rc == 0 && b.len == strlen(texts[i].want) &&
		    memcmp(buf_str(&b), texts[i].want, b.len) == 0,
		    "text %zu cut to %zu characters", i, texts[i].max);
	}
	buf_free(&b);

	for (i = 0; i < NITEMS(sinces); i++) {
		t = 12345;
		rc = audit_parse_since(sinces[i].in, NOW, &t);
		if (sinces[i].want == -1)
			ok(rc == -1, "--since \"%s\" refused", sinces[i].in);
		else
			ok(rc == 0 && (long long)t == sinces[i].want, "--since \"%s\": %lld",
			    sinces[i].in, (long long)t);
	}
	return tap_done();
}
