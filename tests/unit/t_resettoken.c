/*
 * t_resettoken.c - password reset tokens and uids against vectors made by
 * Django 3.2.25's own PasswordResetTokenGenerator (with _now() fixed at
 * 2026-11-24 09:30:15 Asia/Kolkata) and urlsafe_base64_encode.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cfg.h"
#include "db.h"
#include "resettoken.h"
#include "tap.h"

#define NOW_TS	817205415LL	/* _num_seconds(datetime(2026, 11, 24, 9, 30, 15)) */

static const struct {
	long long	 id;
	const char	*password, *last_login, *email;
	const char	*token, *legacy, *uid;
} vec[] = {
	{ 42, "pbkdf2_sha256$260000$abc$def=", "", "user@example.com",
	  "dijjqf-416d70979d0fc2cd708b840a86bb1e59", "dijjqf-706ef7acd22f5b32a84f", "NDI" },
	{ 7, "$y$j9T$salt$hash", "2026-01-02 03:04:05", "Mixed.Case@example.com",
	  "dijjqf-fe44abea30acf63503d4446acaf5ab53", "dijjqf-5c0c635965ee578bc9bc", "Nw" },
	{ 123456789012LL, "x", "", "p\xc3\xa9@xn--exmple-cua.com",
	  "dijjqf-5592797920302e5a4288c2f58322d84f", "dijjqf-749d2290868c3bd90e1a", "MTIzNDU2Nzg5MDEy" },
};

/*
 * Key rotation.  TOKEN_KEY2 is vec[0]'s token made by Django 3.2.25 the
 * same way with SECRET_KEY = KEY2; Django 4.1+ checks links against
 * SECRET_KEY then SECRET_KEY_FALLBACKS, as rt_check tries the keyring.
 */
#define KEY1		"0123456789abcdef0123456789abcdef-reset"
#define KEY2		"0123456789abcdef0123456789abcdef-reset2"
#define TOKEN_KEY2	"dijjqf-fd75b44660c40f9d7ebccac4542557f0"
#define TWO_KEYS	"[keys]\nkey1_id = old\nkey1_secret = " KEY1 "\nkey1_legacy = 1\n" \
			"key2_id = new\nkey2_secret = " KEY2 "\n"

static const struct {
	const char	*name;
	const char	*conf;
	const char	*made;		/* rt_make's token for vec[0] at NOW_TS */
	int		 old_ok;	/* rt_check of vec[0].token (made with KEY1) */
	int		 new_ok;	/* rt_check of TOKEN_KEY2 */
} rotations[] = {
	{ "secret_key alone", "secret_key = " KEY1 "\n", NULL, 1, 0 },
	{ "the old key signs, the new one added", TWO_KEYS "current = old\n", NULL, 1, 1 },
	{ "the new key signs, the old one a fallback", TWO_KEYS "current = new\n", TOKEN_KEY2, 1, 1 },
	{ "the old key not legacy still checks reset links",
	  "[keys]\nkey1_id = old\nkey1_secret = " KEY1 "\nkey2_id = new\nkey2_secret = " KEY2
	  "\ncurrent = new\n", TOKEN_KEY2, 1, 1 },
	{ "the old key retired", "[keys]\nkey2_id = new\nkey2_secret = " KEY2 "\n", TOKEN_KEY2, 0, 1 },
};

static const struct {
	const char	*uid;
	int		 rc;
	long long	 id;
} uids[] = {
	{ "NDI", 0, 42 }, { "Nw", 0, 7 }, { "MTIzNDU2Nzg5MDEy", 0, 123456789012LL },
	{ "NDI=", 0, 42 }, { "N-D_I", -1, 0 }, { "IDQy", 0, 42 },	/* " 42" */
	{ "NF8y", 0, 42 },						/* "4_2" */
	{ "!!!", -1, 0 }, { "A", -1, 0 }, { "abc", -1, 0 }, { "bm90LWEtbnVtYmVy", -1, 0 },
	{ "", -1, 0 }, { "_w", -1, 0 }, { "OTk5OTk5OTk5OTk5OTk5OTk5OTk5", -1, 0 },
	{ "NC4y", -1, 0 },						/* "4.2" */
};

static void
user(struct db_user *u, size_t i)
{
	memset(u, 0, sizeof(*u));
	u->id = vec[i].id;
	(void)snprintf(u->password, sizeof(u->password), "%s", vec[i].password);
	(void)snprintf(u->last_login, sizeof(u->last_login), "%s", vec[i].last_login);
	(void)snprintf(u->email, sizeof(u->email), "%s", vec[i].email);
	u->email_len = strlen(u->email);
}

int
main(void)
{
	struct cfg	 c;
	struct db_user	 u;
	struct buf	 b = BUF_INIT;
	char		 err[256] = "", tok[64];
	int64_t		 id;
	size_t		 i;

	ok(cfg_load_text(&c, "secret_key = 0123456789abcdef0123456789abcdef-reset\n", NULL, err,
	    sizeof(err)) == 0, "config");
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	/* 2026-11-24 04:00:15 UTC is 09:30:15 in Kolkata. */
	is_int(rt_timestamp((time_t)1795492815), NOW_TS, "seconds since 2001 in naive local time");

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		user(&u, i);
		ok(rt_make(&c, &u, NOW_TS, 0, tok, sizeof(tok)) == 0, "make %zu", i);
		is_str(tok, vec[i].token, "token of user %lld as Django makes it", vec[i].id);
		ok(rt_make(&c, &u, NOW_TS, 1, tok, sizeof(tok)) == 0, "legacy make %zu", i);
		is_str(tok, vec[i].legacy, "legacy (SHA-1) token of user %lld", vec[i].id);
		is_int(rt_check(&c, &u, vec[i].token, strlen(vec[i].token), NOW_TS), 1, "valid now");
		is_int(rt_check(&c, &u, vec[i].token, strlen(vec[i].token), NOW_TS + 600), 1,
		    "valid at exactly the timeout (600 s)");
		is_int(rt_check(&c, &u, vec[i].token, strlen(vec[i].token), NOW_TS + 601), 0,
		    "dead one second later");
		is_int(rt_check(&c, &u, vec[i].legacy, strlen(vec[i].legacy), NOW_TS), 1,
		    "a Django < 3.1 (SHA-1) token still checks, as in Django 3.2");
		buf_reset(&b);
		ok(rt_uid_encode(u.id, &b) == 0, "uid %zu", i);
		is_str(buf_str(&b), vec[i].uid, "uid of %lld", vec[i].id);
	}
	user(&u, 0);
	/* The token dies when anything it was made from changes. */
	(void)snprintf(u.password, sizeof(u.password), "pbkdf2_sha256$260000$abc$NEW=");
	is_int(rt_check(&c, &u, vec[0].token, strlen(vec[0].token), NOW_TS), 0, "dead after a password change");
	user(&u, 0);
	(void)snprintf(u.last_login, sizeof(u.last_login), "2026-11-24 04:00:16");
	is_int(rt_check(&c, &u, vec[0].token, strlen(vec[0].token), NOW_TS), 0, "dead after a login");
	user(&u, 0);
	(void)snprintf(u.email, sizeof(u.email), "other@example.com");
	u.email_len = strlen(u.email);
	is_int(rt_check(&c, &u, vec[0].token, strlen(vec[0].token), NOW_TS), 0, "dead after an email change");
	user(&u, 1);
	is_int(rt_check(&c, &u, vec[0].token, strlen(vec[0].token), NOW_TS), 0, "another user's token");
	user(&u, 0);
	{
		static const char *const bad[] = {
			"garbage", "abc-def", "1-2-3", "-", "dijjqf-", "-416d70979d0fc2cd708b840a86bb1e59",
			"DIJJQF-416d70979d0fc2cd708b840a86bb1e59", "0dijjqf-416d70979d0fc2cd708b840a86bb1e59",
			"dijjqf-416d70979d0fc2cd708b840a86bb1e5", "dijjqf-416d70979d0fc2cd708b840a86bb1e590",
			"dijjqf-416D70979D0FC2CD708B840A86BB1E59", "zzzzzzzzzzzzzzzz-00", " dijjqf-416d70979d0fc2cd708b840a86bb1e59",
			"dijjqf-416d70979d0fc2cd708b840a86bb1e58",
		};
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			is_int(rt_check(&c, &u, bad[i], strlen(bad[i]), NOW_TS), 0, "malformed token %s", bad[i]);
		/* A token from the future (clock skew) is valid, as in Django. */
		ok(rt_make(&c, &u, NOW_TS + 100, 0, tok, sizeof(tok)) == 0 &&
		    rt_check(&c, &u, tok, strlen(tok), NOW_TS) == 1, "a token stamped 100 s ahead");
	}
	for (i = 0; i < sizeof(uids) / sizeof(uids[0]); i++) {
		id = 0;
		ok(rt_uid_decode(uids[i].uid, strlen(uids[i].uid), &id) == uids[i].rc && id == uids[i].id,
		    "uid \"%s\" -> %d %lld", uids[i].uid, uids[i].rc, uids[i].id);
	}
	ok(rt_uid_decode("\xff\xfe", 2, &id) == -1, "non-ASCII uid");
	buf_free(&b);
	cfg_free(&c);

	user(&u, 0);
	for (i = 0; i < sizeof(rotations) / sizeof(rotations[0]); i++) {
		const char	*made = rotations[i].made != NULL ? rotations[i].made : vec[0].token;

		if (!ok(cfg_load_text(&c, rotations[i].conf, NULL, err, sizeof(err)) == 0, "%s: config %s",
		    rotations[i].name, err))
			continue;
		ok(rt_make(&c, &u, NOW_TS, 0, tok, sizeof(tok)) == 0, "%s: make", rotations[i].name);
		is_str(tok, made, "%s: the link is made with the signing key", rotations[i].name);
		is_int(rt_check(&c, &u, vec[0].token, strlen(vec[0].token), NOW_TS), rotations[i].old_ok,
		    "%s: a link made with the old key %s", rotations[i].name,
		    rotations[i].old_ok ? "checks" : "is refused");
		is_int(rt_check(&c, &u, TOKEN_KEY2, strlen(TOKEN_KEY2), NOW_TS), rotations[i].new_ok,
		    "%s: a link made with the new key %s", rotations[i].name,
		    rotations[i].new_ok ? "checks" : "is refused");
		is_int(rt_check(&c, &u, vec[0].legacy, strlen(vec[0].legacy), NOW_TS), rotations[i].old_ok,
		    "%s: the old key's SHA-1 link too", rotations[i].name);
		cfg_free(&c);
	}
	return tap_done();
}
