/*
 * throttle.c - limits counted in MariaDB (see throttle.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "hmac.h"
#include "log.h"
#include "throttle.h"

/* Expired counters one new counter deletes at most (SQL_THROTTLE_PRUNE). */
#define THROTTLE_PRUNE	100

/* The scopes: the scope column's value and where their limit is in struct cfg. */
static const struct {
	const char	*name;
	size_t		 off;
} scopes[THR__MAX] = {
	[THR_LOGIN_ACCOUNT] = { "login_account", offsetof(struct cfg, thr_login_account) },
	[THR_LOGIN_CLIENT] = { "login_client", offsetof(struct cfg, thr_login_client) },
	[THR_RESET_ADDRESS] = { "reset_address", offsetof(struct cfg, thr_reset_address) },
	[THR_RESET_ADDRESS_DAILY] = { "reset_address_daily",
	    offsetof(struct cfg, thr_reset_address_daily) },
	[THR_RESET_CLIENT] = { "reset_client", offsetof(struct cfg, thr_reset_client) },
	[THR_REGISTER_CLIENT] = { "register_client", offsetof(struct cfg, thr_register_client) },
};

const char *
throttle_scope_name(enum throttle_scope s)
{
	return (unsigned)s < THR__MAX ? scopes[s].name : "unknown";
}

const struct cfg_limit *
throttle_limit(const struct cfg *cfg, enum throttle_scope s)
{
	static const struct cfg_limit	 off = { 0, 1 };

	if ((unsigned)s >= THR__MAX)
		return &off;
	return (const struct cfg_limit *)(const void *)((const char *)cfg + scopes[s].off);
}

int
throttle_on(const struct cfg *cfg, enum throttle_scope s)
{
	return throttle_limit(cfg, s)->limit > 0;
}

long
throttle_wait(int64_t end, double now)
{
	double	 left = ((double)end - now * 1000.0) / 1000.0;
	long	 w;

	/* A window that ended meanwhile still shows as one second. */
	if (left <= 1.0)
		return 1;
	/* math.ceil, without libm. */
	w = (long)left;
	return (double)w < left ? w + 1 : w;
}

void
throttle_wait_text(long wait, char *out, size_t outsz)
{
	/* ngettext(singular, plural, wait) with English's rule: n == 1. */
	(void)snprintf(out, outsz, "%ld %s", wait, wait == 1 ? "second" : "seconds");
}

void
throttle_client_ident(const char *client, char *out)
{
	struct in6_addr	 a6;
	char		 text[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET6, client, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			if (inet_ntop(AF_INET, &a6.s6_addr[12], text, sizeof(text)) != NULL) {
				(void)snprintf(out, THROTTLE_IDENTLEN, "%s", text);
				return;
			}
		} else {
			/* One subscriber's /64: the interface half is theirs to vary. */
			memset(&a6.s6_addr[8], 0, 8);
			if (inet_ntop(AF_INET6, &a6, text, sizeof(text)) != NULL) {
				(void)snprintf(out, THROTTLE_IDENTLEN, "%s/64", text);
				return;
			}
		}
	}
	/* IPv4, or text that is no address: as it is (cut to fit). */
	(void)snprintf(out, THROTTLE_IDENTLEN, "%s", client);
}

void
throttle_weight_ident(const struct cfg *cfg, const unsigned char *weight, size_t n, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 mac[HMAC_SHA256_LEN];
	size_t			 i;

	hmac_sha256(cfg->secret_key, cfg->secret_len, weight, n, mac);
	for (i = 0; i < HMAC_SHA256_LEN; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 0xf];
	}
	out[2 * HMAC_SHA256_LEN] = '\0';
	explicit_bzero(mac, sizeof(mac));
}

enum err
throttle_email_ident(struct db *db, const struct cfg *cfg, const char *email, size_t len,
    char *out)
{
	unsigned char	 weight[2048];
	size_t		 n = 0;
	enum err	 e = ERR_OK;

	if (db_email_weight(db, email, len, weight, sizeof(weight), &n) != DB_OK)
		e = ERR_UNAVAILABLE;
	else
		throttle_weight_ident(cfg, weight, n, out);
	explicit_bzero(weight, sizeof(weight));
	return e;
}

/* Milliseconds of a request time in seconds. */
static int64_t
ms(double t)
{
	return (int64_t)(t * 1000.0);	/* t > 0: truncation is floor */
}

enum err
throttle_take(struct db *db, const struct cfg *cfg, enum throttle_scope s, const char *ident,
    double now, struct errinfo *ei)
{
	const struct cfg_limit	*l = throttle_limit(cfg, s);
	const char		*name = throttle_scope_name(s);
	char			 text[32];
	int64_t			 hits = 0, end = 0;
	int			 created = 0;
	long			 wait;

	if (l->limit <= 0)
		return ERR_OK;
	if (db_throttle_hit(db, name, ident, ms(now), ms(now) + (int64_t)l->window * 1000,
	    (int64_t)l->limit + 1, &hits, &created) != DB_OK)
		return errinfo_set(ei, ERR_UNAVAILABLE, NULL);
	if (created && db_throttle_prune(db, ms(now), THROTTLE_PRUNE) == DB_ERR)
		log_warn("throttle: expired counters not pruned");
	if (hits <= l->limit)
		return ERR_OK;
	/* Over: the window's end says how long (a row gone meanwhile: a second). */
	if (db_throttle_end(db, name, ident, &end) == DB_ERR)
		return errinfo_set(ei, ERR_UNAVAILABLE, NULL);
	wait = throttle_wait(end, now);
	log_info("throttle %s: %ld per %ld s reached, %ld s left", name, l->limit, l->window, wait);
	throttle_wait_text(wait, text, sizeof(text));
	ei->retry_after = wait;
	return errinfo_set(ei, ERR_THROTTLED, "%s", text);
}

void
throttle_give_back(struct db *db, const struct cfg *cfg, enum throttle_scope s,
    const char *ident, double now)
{
	if (!throttle_on(cfg, s))
		return;
	if (db_throttle_undo(db, throttle_scope_name(s), ident, ms(now)) == DB_ERR)
		log_warn("throttle %s: an event not given back", throttle_scope_name(s));
}

void
throttle_forget(struct db *db, const struct cfg *cfg, enum throttle_scope s, const char *ident)
{
	if (!throttle_on(cfg, s))
		return;
	if (db_throttle_forget(db, throttle_scope_name(s), ident) == DB_ERR)
		log_warn("throttle %s: a counter not cleared", throttle_scope_name(s));
}
