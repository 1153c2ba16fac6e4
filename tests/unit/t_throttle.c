/*
 * t_throttle.c - unit tests for the pure parts of lib/throttle.c: the wait
 * and DRF's Throttled text and Retry-After, the client and e-mail idents,
 * the scopes' configuration.  The counting itself runs against MariaDB in
 * tests/e2e/test_throttle.py.
 *
 * The vectors come from DRF 3.14 and Python, by tests/unit/gen_throttle.py:
 *	/usr/bin/python3 tests/unit/gen_throttle.py tests/unit/t_throttle.c
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "throttle.h"
#include "tap.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

struct wait_vec {
	long long	 end;		/* the window's end, milliseconds */
	double		 now;		/* the request's time, seconds */
	const char	*detail;	/* Throttled(wait).detail */
	const char	*retry_after;	/* exception_handler's Retry-After */
};

struct client_vec {
	const char	*client;
	const char	*want;
};

struct ident_vec {
	const char	*weight;
	size_t		 n;
	const char	*want;
};

/* BEGIN GENERATED waits by tests/unit/gen_throttle.py; do not edit */
static const struct wait_vec waits[] = {
	{ 1764460000001LL, 1764460000.0, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460000250LL, 1764460000.0, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460000500LL, 1764460000.0, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460000999LL, 1764460000.0, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460001000LL, 1764460000.0, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460001001LL, 1764460000.0, "Request was throttled. Expected available in 2 seconds.", "2" },
	{ 1764460001500LL, 1764460000.0, "Request was throttled. Expected available in 2 seconds.", "2" },
	{ 1764460002000LL, 1764460000.0, "Request was throttled. Expected available in 2 seconds.", "2" },
	{ 1764460059999LL, 1764460000.0, "Request was throttled. Expected available in 60 seconds.", "60" },
	{ 1764460060000LL, 1764460000.0, "Request was throttled. Expected available in 60 seconds.", "60" },
	{ 1764460060001LL, 1764460000.0, "Request was throttled. Expected available in 61 seconds.", "61" },
	{ 1764460899999LL, 1764460000.0, "Request was throttled. Expected available in 900 seconds.", "900" },
	{ 1764460900000LL, 1764460000.0, "Request was throttled. Expected available in 900 seconds.", "900" },
	{ 1764463600000LL, 1764460000.0, "Request was throttled. Expected available in 3600 seconds.", "3600" },
	{ 1764546399999LL, 1764460000.0, "Request was throttled. Expected available in 86400 seconds.", "86400" },
	{ 1764546400000LL, 1764460000.0, "Request was throttled. Expected available in 86400 seconds.", "86400" },
	{ 1764460000501LL, 1764460000.5, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460000750LL, 1764460000.5, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460001000LL, 1764460000.5, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460001499LL, 1764460000.5, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460001500LL, 1764460000.5, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460001501LL, 1764460000.5, "Request was throttled. Expected available in 2 seconds.", "2" },
	{ 1764460002000LL, 1764460000.5, "Request was throttled. Expected available in 2 seconds.", "2" },
	{ 1764460002500LL, 1764460000.5, "Request was throttled. Expected available in 2 seconds.", "2" },
	{ 1764460060499LL, 1764460000.5, "Request was throttled. Expected available in 60 seconds.", "60" },
	{ 1764460060500LL, 1764460000.5, "Request was throttled. Expected available in 60 seconds.", "60" },
	{ 1764460060501LL, 1764460000.5, "Request was throttled. Expected available in 61 seconds.", "61" },
	{ 1764460900499LL, 1764460000.5, "Request was throttled. Expected available in 900 seconds.", "900" },
	{ 1764460900500LL, 1764460000.5, "Request was throttled. Expected available in 900 seconds.", "900" },
	{ 1764463600500LL, 1764460000.5, "Request was throttled. Expected available in 3600 seconds.", "3600" },
	{ 1764546400499LL, 1764460000.5, "Request was throttled. Expected available in 86400 seconds.", "86400" },
	{ 1764546400500LL, 1764460000.5, "Request was throttled. Expected available in 86400 seconds.", "86400" },
	{ 1764460000251LL, 1764460000.25, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460000500LL, 1764460000.25, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460000750LL, 1764460000.25, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460001249LL, 1764460000.25, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460001250LL, 1764460000.25, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460001251LL, 1764460000.25, "Request was throttled. Expected available in 2 seconds.", "2" },
	{ 1764460001750LL, 1764460000.25, "Request was throttled. Expected available in 2 seconds.", "2" },
	{ 1764460002250LL, 1764460000.25, "Request was throttled. Expected available in 2 seconds.", "2" },
	{ 1764460060249LL, 1764460000.25, "Request was throttled. Expected available in 60 seconds.", "60" },
	{ 1764460060250LL, 1764460000.25, "Request was throttled. Expected available in 60 seconds.", "60" },
	{ 1764460060251LL, 1764460000.25, "Request was throttled. Expected available in 61 seconds.", "61" },
	{ 1764460900249LL, 1764460000.25, "Request was throttled. Expected available in 900 seconds.", "900" },
	{ 1764460900250LL, 1764460000.25, "Request was throttled. Expected available in 900 seconds.", "900" },
	{ 1764463600250LL, 1764460000.25, "Request was throttled. Expected available in 3600 seconds.", "3600" },
	{ 1764546400249LL, 1764460000.25, "Request was throttled. Expected available in 86400 seconds.", "86400" },
	{ 1764546400250LL, 1764460000.25, "Request was throttled. Expected available in 86400 seconds.", "86400" },
	{ 1764460000751LL, 1764460000.75, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460001000LL, 1764460000.75, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460001250LL, 1764460000.75, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460001749LL, 1764460000.75, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460001750LL, 1764460000.75, "Request was throttled. Expected available in 1 second.", "1" },
	{ 1764460001751LL, 1764460000.75, "Request was throttled. Expected available in 2 seconds.", "2" },
	{ 1764460002250LL, 1764460000.75, "Request was throttled. Expected available in 2 seconds.", "2" },
	{ 1764460002750LL, 1764460000.75, "Request was throttled. Expected available in 2 seconds.", "2" },
	{ 1764460060749LL, 1764460000.75, "Request was throttled. Expected available in 60 seconds.", "60" },
	{ 1764460060750LL, 1764460000.75, "Request was throttled. Expected available in 60 seconds.", "60" },
	{ 1764460060751LL, 1764460000.75, "Request was throttled. Expected available in 61 seconds.", "61" },
	{ 1764460900749LL, 1764460000.75, "Request was throttled. Expected available in 900 seconds.", "900" },
	{ 1764460900750LL, 1764460000.75, "Request was throttled. Expected available in 900 seconds.", "900" },
	{ 1764463600750LL, 1764460000.75, "Request was throttled. Expected available in 3600 seconds.", "3600" },
	{ 1764546400749LL, 1764460000.75, "Request was throttled. Expected available in 86400 seconds.", "86400" },
	{ 1764546400750LL, 1764460000.75, "Request was throttled. Expected available in 86400 seconds.", "86400" },
};
/* END GENERATED */

/* BEGIN GENERATED clients by tests/unit/gen_throttle.py; do not edit */
static const struct client_vec clients[] = {
	{ "127.0.0.1", "127.0.0.1" },
	{ "203.0.113.7", "203.0.113.7" },
	{ "::1", "::/64" },
	{ "2001:db8::1", "2001:db8::/64" },
	{ "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64" },
	{ "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64" },
	{ "fe80::1", "fe80::/64" },
	{ "2001:db8:0:1::", "2001:db8:0:1::/64" },
	{ "::", "::/64" },
	{ "2001:db8:abcd:12::1", "2001:db8:abcd:12::/64" },
};
/* END GENERATED */

/* BEGIN GENERATED idents by tests/unit/gen_throttle.py; do not edit */
#define IDENT_KEY "0123456789abcdef0123456789abcdef-throttle"
static const struct ident_vec idents[] = {
	{ "", 0, "462127a1aee56a7234f91ec74b3ca5a9b7e6ab69b392f7e9b75d4b2042f76da9" },
	{ "\000J\000O\000H\000N\000@\000X\000.\000C\000O\000M", 20, "5eafc2df92d759c7235256626fc7ae46006265cf160676502dd1df86579b6135" },
	{ "\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A\000A", 510, "243542ec85677163d1189b92238d6c13ce3e3f3e16c4a65f93ca193530947aa9" },
};
/* END GENERATED */

/* err.c's ERR_THROTTLED text with its "%s" replaced, as render.c does. */
static void
detail(long wait, char *out, size_t outsz)
{
	const char	*t = err_def(ERR_THROTTLED)->detail, *p = strstr(t, "%s");
	char		 w[32];

	throttle_wait_text(wait, w, sizeof(w));
	(void)snprintf(out, outsz, "%.*s%s%s", (int)(p - t), t, w, p + 2);
}

int
main(void)
{
	struct cfg	 c;
	char		 out[1200], ra[32], err[256] = "";
	size_t		 i;
	long		 w;

	is_int(err_status(ERR_THROTTLED), 429, "ERR_THROTTLED is 429");
	ok(err_def(ERR_THROTTLED)->code == NULL, "DRF's Throttled body has no code");
	for (i = 0; i < NITEMS(waits); i++) {
		w = throttle_wait((int64_t)waits[i].end, waits[i].now);
		detail(w, out, sizeof(out));
		is_str(out, waits[i].detail, "detail, end %lld at %.2f", waits[i].end, waits[i].now);
		(void)snprintf(ra, sizeof(ra), "%ld", w);
		is_str(ra, waits[i].retry_after, "Retry-After, end %lld at %.2f", waits[i].end,
		    waits[i].now);
	}
	/* Not DRF's: a window that ended meanwhile still waits a second. */
	is_int(throttle_wait(1764460000000LL, 1764460000.0), 1, "ended now: 1");
	is_int(throttle_wait(1764460000000LL, 1764460005.0), 1, "ended 5 s ago: 1");

	for (i = 0; i < NITEMS(clients); i++) {
		throttle_client_ident(clients[i].client, out);
		is_str(out, clients[i].want, "client %s", clients[i].client);
	}
	/* Beyond Python's ipaddress: mapped IPv4, and text that is no address. */
	throttle_client_ident("::ffff:198.51.100.9", out);
	is_str(out, "198.51.100.9", "IPv4-mapped IPv6 counts as its IPv4");
	throttle_client_ident("unix:", out);
	is_str(out, "unix:", "not an address: as it is");
	throttle_client_ident("0123456789012345678901234567890123456789012345678901234567890123456789",
	    out);
	is_int((long long)strlen(out), THROTTLE_IDENTLEN - 1, "cut to the column");

	memset(&c, 0, sizeof(c));
	c.secret_key = (char *)IDENT_KEY;
	c.secret_len = strlen(IDENT_KEY);
	for (i = 0; i < NITEMS(idents); i++) {
		throttle_weight_ident(&c, (const unsigned char *)idents[i].weight, idents[i].n, out);
		is_str(out, idents[i].want, "ident of weight %zu", i);
	}

	/* The scopes: their names (the rows' scope column) and their [throttle] keys. */
	ok(cfg_load_text(&c, "secret_key = 0123456789abcdef0123456789abcdef\n[throttle]\n"
	    "login_account_limit = 7\nlogin_account_window = 60\nreset_client_limit = 0\n",
	    NULL, err, sizeof(err)) == 0, "configuration: %s", err);
	{
		static const struct {
			enum throttle_scope	 s;
			const char		*name;
			long			 limit, window;
		} sc[] = {
			{ THR_LOGIN_ACCOUNT, "login_account", 7, 60 },
			{ THR_LOGIN_CLIENT, "login_client", 100, 900 },
			{ THR_RESET_ADDRESS, "reset_address", 1, 60 },
			{ THR_RESET_ADDRESS_DAILY, "reset_address_daily", 5, 86400 },
			{ THR_RESET_CLIENT, "reset_client", 0, 3600 },
			{ THR_REGISTER_CLIENT, "register_client", 1000, 3600 },
		};
		_Static_assert(NITEMS(sc) == THR__MAX, "every scope");

		for (i = 0; i < NITEMS(sc); i++) {
			is_str(throttle_scope_name(sc[i].s), sc[i].name, "scope %zu's name", i);
			is_int(throttle_limit(&c, sc[i].s)->limit, sc[i].limit, "%s limit", sc[i].name);
			is_int(throttle_limit(&c, sc[i].s)->window, sc[i].window, "%s window",
			    sc[i].name);
			is_int(throttle_on(&c, sc[i].s), sc[i].limit > 0, "%s on", sc[i].name);
		}
	}
	is_int(throttle_on(&c, THR__MAX), 0, "no such scope: off");
	cfg_free(&c);
	return tap_done();
}
