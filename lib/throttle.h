/*
 * throttle.h - limits on failed logins, reset mails and registrations,
 * counted in MariaDB (jwtauth_throttle, sql/migrations/0002_throttle.sql)
 * so that every web host on one database shares them.
 *
 * Each throttle allows [throttle] <scope>_limit events per window of
 * <scope>_window seconds, the window starting at the first event; past the
 * limit the answer is DRF's Throttled (429, "Expected available in N
 * seconds.", Retry-After: N) until the window ends.  A limit of 0 turns
 * the throttle off: nothing is stored.
 *
 * An event is counted before the work it guards (throttle_take: one atomic
 * upsert, so that parallel requests cannot all pass a check made before
 * any of them counted) and given back (throttle_give_back) when the
 * outcome shows it was not one of the events limited: a login that
 * succeeded, a mail that could not be sent, a registration that failed.
 */
#ifndef JWTAUTH_THROTTLE_H
#define JWTAUTH_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "db.h"
#include "err.h"

enum throttle_scope {
	THR_LOGIN_ACCOUNT,	/* failed logins per account (e-mail address) */
	THR_LOGIN_CLIENT,	/* failed logins per client address */
	THR_RESET_ADDRESS,	/* reset mails per e-mail address */
	THR_RESET_ADDRESS_DAILY,/* the same over a longer window */
	THR_RESET_CLIENT,	/* reset mail requests per client address */
	THR_REGISTER_CLIENT,	/* registrations per client address */
	THR__MAX
};

/* The longest ident: hex HMAC-SHA256 (64) or an address, with the NUL. */
#define THROTTLE_IDENTLEN	65

/* The scope's name: its rows' scope column and its [throttle] key prefix. */
const char	*throttle_scope_name(enum throttle_scope s);

/* The configured limit of s (cfg's [throttle] section). */
const struct cfg_limit *throttle_limit(const struct cfg *cfg, enum throttle_scope s);

/*
 * The wait before a window ending at end (milliseconds) is over at now
 * (seconds): whole seconds rounded up (DRF's math.ceil), at least 1.
 */
long	 throttle_wait(int64_t end, double now);

/*
 * DRF's Throttled detail tail for wait: "1 second", "N seconds" (the part
 * err.c's ERR_THROTTLED text takes).
 */
void	 throttle_wait_text(long wait, char *out, size_t outsz);

/*
 * The ident of a client address (struct ctx.client) into out
 * (THROTTLE_IDENTLEN bytes): an IPv4 address as it is, an IPv6 address by
 * its /64 ("2001:db8:1:2::/64", one subscriber's share), an IPv4-mapped
 * one as IPv4, anything else (a test's text) as it is, cut to fit.
 */
void	 throttle_client_ident(const char *client, char *out);

/* Is s on (its limit not 0)? */
int	 throttle_on(const struct cfg *cfg, enum throttle_scope s);

/*
 * The ident of an e-mail address from its collation weight (db_email_weight)
 * into out (THROTTLE_IDENTLEN bytes): hex HMAC-SHA256 under the signing
 * key, so the table holds no address and every spelling the user lookup
 * takes for one address counts as one.
 */
void	 throttle_weight_ident(const struct cfg *cfg, const unsigned char *weight, size_t n,
	    char *out);

/*
 * throttle_weight_ident of email, its weight asked of the database: ERR_OK,
 * or ERR_UNAVAILABLE when the database failed.
 */
enum err throttle_email_ident(struct db *db, const struct cfg *cfg, const char *email,
	    size_t len, char *out);

/*
 * Count one event of s for ident at now (struct ctx.now).  ERR_OK: within
 * the limit (or the throttle is off); ERR_THROTTLED: over it, with ei's
 * detail and retry_after set; ERR_UNAVAILABLE: the database failed.  A
 * counter created here makes expired rows go (a bounded prune).
 */
enum err throttle_take(struct db *db, const struct cfg *cfg, enum throttle_scope s,
	    const char *ident, double now, struct errinfo *ei);

/* Give back one event throttle_take counted.  Failures are logged only. */
void	 throttle_give_back(struct db *db, const struct cfg *cfg, enum throttle_scope s,
	    const char *ident, double now);

/* Forget every event of s for ident (a successful login clears its account's). */
void	 throttle_forget(struct db *db, const struct cfg *cfg, enum throttle_scope s,
	    const char *ident);

#endif
