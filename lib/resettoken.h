/*
 * resettoken.h - Django 3.2's PasswordResetTokenGenerator (algorithm
 * sha256) and the uid encoding of the original's reset mails, so reset
 * links mailed by the original keep working after a switch and vice versa.
 */
#ifndef JWTAUTH_RESETTOKEN_H
#define JWTAUTH_RESETTOKEN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "cfg.h"
#include "db.h"

/*
 * _num_seconds(_now()): whole seconds from 2001-01-01 00:00 to now as the
 * naive local time of the process time zone (TZ is set from time_zone at
 * start-up; Django sets it from TIME_ZONE the same way).
 */
long long rt_timestamp(time_t now);

/*
 * _make_token_with_timestamp(user, ts): "<base36 ts>-<every second hex
 * digit of HMAC-SHA256>" (legacy: HMAC-SHA1, Django < 3.1).  The HMAC key
 * is SHA-256 (SHA-1) of the key salt followed by the signing key (the
 * keyring's signing key, Django's SECRET_KEY); the message is id,
 * password hash, last login ("" when NULL), ts and email.
 */
int	 rt_make(const struct cfg *c, const struct db_user *u, long long ts, int legacy,
	    char *out, size_t outsz);

/*
 * check_token(user, token) at now_ts: 1 when valid, 0 otherwise.  A token
 * lives PASSWORD_RESET_TIMEOUT seconds (the configured reset_timeout) and
 * dies when the password, the last login or the email changes.  Every key
 * of the keyring is tried, the signing key first (Django 4.1's SECRET_KEY
 * and SECRET_KEY_FALLBACKS), so links mailed before a key rotation keep
 * working while the old key is configured.  Comparison is constant-time.
 */
int	 rt_check(const struct cfg *c, const struct db_user *u, const char *token, size_t n,
	    long long now_ts);

/* urlsafe_base64_encode(force_bytes(id)): the uid of a reset mail. */
int	 rt_uid_encode(int64_t id, struct buf *out);

/*
 * The user id a uid names (urlsafe_base64_decode, smart_str, int()):
 * 0 and *id set, or -1 when the uid names no possible user.
 */
int	 rt_uid_decode(const char *uid, size_t n, int64_t *id);

#endif
