/*
 * resettoken.c - Django's password reset tokens (see resettoken.h).
 * The HMAC is OpenSSL's; the rest follows django/contrib/auth/tokens.py
 * and django/utils/crypto.py (salted_hmac) of Django 3.2.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "pycompat.h"
#include "resettoken.h"

#define KEY_SALT	"django.contrib.auth.tokens.PasswordResetTokenGenerator"

long long
rt_timestamp(time_t now)
{
	struct tm	 tm;

	/* datetime.now() is naive local time; timegm() reads the fields as if UTC. */
	if (localtime_r(&now, &tm) == NULL)
		return -1;
	return (long long)timegm(&tm) - 978307200LL;	/* 2001-01-01T00:00:00 */
}

/* int_to_base36; i >= 0. */
static void
b36(long long i, char *out, size_t outsz)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char		 tmp[16];
	size_t		 n = 0;

	do {
		tmp[n++] = digits[i % 36];
		i /= 36;
	} while (i > 0 && n < sizeof(tmp));
	if (n >= outsz)
		n = outsz - 1;
	for (size_t k = 0; k < n; k++)
		out[k] = tmp[n - 1 - k];
	out[n] = '\0';
}

/* _make_token_with_timestamp(user, ts, secret) with secret the key k. */
static int
make_with(const struct cfg_key *k, const struct db_user *u, long long ts, int legacy,
    char *out, size_t outsz)
{
	const EVP_MD	*md = legacy ? EVP_sha1() : EVP_sha256();
	unsigned char	 key[EVP_MAX_MD_SIZE], mac[EVP_MAX_MD_SIZE];
	unsigned int	 keylen = 0, maclen = 0, i;
	struct buf	 msg = BUF_INIT;
	EVP_MD_CTX	*ctx = NULL;
	char		 ts36[16];
	size_t		 n;
	int		 rc = -1;

	if (ts < 0)
		return -1;
	/* salted_hmac: key = H(key_salt + secret). */
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, KEY_SALT, strlen(KEY_SALT)) != 1 ||
	    EVP_DigestUpdate(ctx, k->secret, k->len) != 1 ||
	    EVP_DigestFinal_ex(ctx, key, &keylen) != 1)
		goto out;
	/* _make_hash_value: f'{user.pk}{user.password}{login_timestamp}{timestamp}{email}' */
	buf_printf(&msg, "%lld%s%s%lld", (long long)u->id, u->password, u->last_login, ts);
	buf_add(&msg, u->email, u->email_len);
	if (!buf_ok(&msg))
		goto out;
	if (HMAC(md, key, (int)keylen, (const unsigned char *)msg.p, msg.len, mac, &maclen) == NULL)
		goto out;
	b36(ts, ts36, sizeof(ts36));
	/* hexdigest()[::2]: the high nibble of every byte. */
	n = strlen(ts36) + 1 + maclen;
	if (n + 1 > outsz)
		goto out;
	(void)snprintf(out, outsz, "%s-", ts36);
	for (i = 0; i < maclen; i++)
		out[strlen(ts36) + 1 + i] = "0123456789abcdef"[mac[i] >> 4];
	out[n] = '\0';
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	explicit_bzero(key, sizeof(key));
	buf_wipe(&msg);
	return rc;
}

int
rt_make(const struct cfg *c, const struct db_user *u, long long ts, int legacy,
    char *out, size_t outsz)
{
	return make_with(&c->keyring[c->signing], u, ts, legacy, out, outsz);
}

/*
 * The token made at ts with any key of the keyring, the signing key first
 * (Django 4.1's SECRET_KEY, then SECRET_KEY_FALLBACKS), SHA-256 then the
 * legacy SHA-1 for each: 1 when one equals token (constant-time), else 0.
 */
static int
made_by_a_key(const struct cfg *c, const struct db_user *u, long long ts, const char *token,
    size_t n)
{
	char	 want[64];
	size_t	 i, k;
	int	 legacy, ok = 0;

	for (i = 0; i < c->nkeys && !ok; i++) {
		k = (c->signing + i) % c->nkeys;
		for (legacy = 0; legacy <= 1 && !ok; legacy++) {
			if (make_with(&c->keyring[k], u, ts, legacy, want, sizeof(want)) == -1)
				break;
			ok = py_compare_digest(want, strlen(want), token, n);
		}
	}
	explicit_bzero(want, sizeof(want));
	return ok;
}

int
rt_check(const struct cfg *c, const struct db_user *u, const char *token, size_t n,
    long long now_ts)
{
	const char	*dash;
	long long	 ts = 0;
	size_t		 tslen, i;

	/* ts_b36, _ = token.split("-"): exactly one dash. */
	if ((dash = memchr(token, '-', n)) == NULL ||
	    memchr(dash + 1, '-', n - (size_t)(dash - token) - 1) != NULL)
		return 0;
	tslen = (size_t)(dash - token);
	/*
	 * base36_to_int accepts more spellings (case, sign, spaces), but only
	 * the canonical one can equal the token made from the value, so
	 * nothing else can pass the comparison below.
	 */
	if (tslen == 0 || tslen > 12)
		return 0;
	for (i = 0; i < tslen; i++) {
		const char *d = strchr("0123456789abcdefghijklmnopqrstuvwxyz", token[i]);

		if (d == NULL || token[i] == '\0')
			return 0;
		ts = ts * 36 + (d - "0123456789abcdefghijklmnopqrstuvwxyz");
	}
	/* RemovedInDjango40Warning: tokens of Django < 3.1 (SHA-1) too. */
	if (!made_by_a_key(c, u, ts, token, n))
		return 0;
	if (tslen < 4) {
		/* Legacy tokens count days; they expire like Django 3.2 reads them. */
		time_t		 t = time(NULL);
		struct tm	 tm;

		if (localtime_r(&t, &tm) == NULL)
			return 0;
		ts = ts * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	}
	return now_ts - ts <= c->reset_timeout;
}

int
rt_uid_encode(int64_t id, struct buf *out)
{
	char	 dec[32];
	int	 n = snprintf(dec, sizeof(dec), "%lld", (long long)id);

	if (n < 0 || (size_t)n >= sizeof(dec))
		return -1;
	return py_urlsafe_b64encode_nopad((const unsigned char *)dec, (size_t)n, out);
}

int
rt_uid_decode(const char *uid, size_t n, int64_t *id)
{
	struct buf	 dec = BUF_INIT;
	int64_t		 v;
	int		 rc = -1;

	if (py_urlsafe_b64decode(uid, n, &dec) == -1 || !buf_ok(&dec))
		goto out;
	/* smart_str(): the bytes must be UTF-8; then User.objects.get(id=...) runs int(). */
	if (!py_utf8_valid(dec.p ? dec.p : "", dec.len))
		goto out;
	if (memchr(dec.p ? dec.p : "", '\0', dec.len) != NULL)
		goto out;
	if (py_int_parse(dec.p ? dec.p : "", dec.len, &v) != 0)
		goto out;
	*id = v;
	rc = 0;
out:
	buf_free(&dec);
	return rc;
}
