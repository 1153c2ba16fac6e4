/*
 * t_pw.c - password hashing: libxcrypt round trips, the original's Django
 * formats (vectors made by Django 3.2's make_password and Python's hashlib
 * and crypt modules), rehash decisions and limits.
 *
 * The vectors marked "Django 3.2.25" were made with Debian 12's
 * python3-django and python3-argon2 (argon2-cffi 21.1), settings.configure()
 * with PBKDF2PasswordHasher, PBKDF2SHA1PasswordHasher and
 * Argon2PasswordHasher:
 *   PBKDF2PasswordHasher().encode(pw, salt, iterations)
 *   PBKDF2SHA1PasswordHasher().encode(pw, salt, 1000)
 *   Argon2PasswordHasher().encode(pw, salt)          (Django's parameters)
 *   "argon2" + argon2.low_level.hash_secret(pw, salt, time_cost=..,
 *       memory_cost=.., parallelism=.., hash_len=.., type=.., version=..)
 *       (cheap parameters; Django's format; check_password accepts them)
 *   crypt.crypt(pw, "$y$j9T$..."), "$2b$10$...", "$6$..." (libxcrypt)
 */
#include "config.h"

#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "pw.h"
#include "tap.h"

#define E10	"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
#define E100	E10 E10 E10 E10 E10 E10 E10 E10 E10 E10
#define LONG_PW	E100 E100 E100		/* "\u00e9" * 300: 600 bytes */

static const struct {
	const char	*pw;
	const char	*stored;
	int		 match;
} vec[] = {
	/* django.contrib.auth.hashers.make_password('Secret-pass-1', salt='fixedSaltForTests01234') */
	{ "Secret-pass-1", "pbkdf2_sha256$260000$fixedSaltForTests01234$Z6AvzLngtCJQowfjVsrYwkgKUd4TMJ8F5M0l89dtlNk=", 1 },
	{ "Secret-pass-2", "pbkdf2_sha256$260000$fixedSaltForTests01234$Z6AvzLngtCJQowfjVsrYwkgKUd4TMJ8F5M0l89dtlNk=", 0 },
	{ "Old-django-pass", "pbkdf2_sha256$260000$abcdefghijklmnopqrstuv$dMBR+xzI5CekpfAiC4tnxQwj4qZ9b3At1ix0nJNBx5Q=", 1 },
	{ "p\xc3\xa4ssw\xc3\xb6rd \xf0\x9f\x98\x80", "pbkdf2_sha256$1000$Zm9vYmFy$YGiJLtF+/MlEyDgx+Ldj2X/jcW+sv27ZRjCMp/iguVU=", 1 },
	{ "passwrd", "pbkdf2_sha256$1000$Zm9vYmFy$YGiJLtF+/MlEyDgx+Ldj2X/jcW+sv27ZRjCMp/iguVU=", 0 },
	{ "sha1-pass", "pbkdf2_sha1$1000$salt1234$evkw0rtwrAfaNreGj/fM6e7Lju0=", 1 },
	{ "sha1-pasS", "pbkdf2_sha1$1000$salt1234$evkw0rtwrAfaNreGj/fM6e7Lju0=", 0 },
	{ "bcrypt-pass", "bcrypt_sha256$$2b$04$abcdefghijklmnopqrstuuMKD8sp9mOua0M7ulCc1XTkWeUstCjl2", 1 },
	{ "bcrypt-pasz", "bcrypt_sha256$$2b$04$abcdefghijklmnopqrstuuMKD8sp9mOua0M7ulCc1XTkWeUstCjl2", 0 },
	{ "plain-bcrypt", "bcrypt$$2b$04$abcdefghijklmnopqrstuuV2hk3fni7qJ7ncLH7q.0LeVCkEUFc2S", 1 },
	/* malformed or unusable rows never match */
	{ "x", "!unusablepasswordxxxxxxxxxxxxxxxxxxxxxxxxx", 0 },
	{ "x", "", 0 },
	{ "x", "pbkdf2_sha256$", 0 },
	{ "x", "pbkdf2_sha256$abc$salt$hash", 0 },
	{ "x", "pbkdf2_sha256$0$salt$hash", 0 },
	{ "x", "pbkdf2_sha256$99999999999$salt$hash", 0 },
	{ "x", "pbkdf2_sha256$1000$saltonly", 0 },
	{ "x", "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$hash", 0 },
	/* Django 3.2.25: pbkdf2_sha256 of several counts, pbkdf2_sha1 */
	{ "Django-pbkdf2-260k", "pbkdf2_sha256$260000$Ab3dEf6hIj9kLm2nOp5qRs$qOcdWsi5MJfqIvw2SC3u6Mn52dT2rL2eiLQQnpMagSg=", 1 },
	{ "Django-pbkdf2-100k", "pbkdf2_sha256$100000$Zy8xWv7uTs6rQp5oNm4lKj$5oYcRcJbux/Ahlx0VcIexYaxAkgrJuhKZtJRG5n2+Z0=", 1 },
	{ "Django-pbkdf2-1k", "pbkdf2_sha256$1000$q1W2e3R4t5Y6u7I8o9P0aS$+jfdampEP0aKZTZ6pj80f1Q2WXAMvUbMXQw/b3QCm8Y=", 1 },
	/* Django re-encodes the count with %d: a non-canonical one never matches */
	{ "Django-pbkdf2-1k", "pbkdf2_sha256$01000$q1W2e3R4t5Y6u7I8o9P0aS$+jfdampEP0aKZTZ6pj80f1Q2WXAMvUbMXQw/b3QCm8Y=", 0 },
	{ "Django-pbkdf2-1k", "pbkdf2_sha256$+1000$q1W2e3R4t5Y6u7I8o9P0aS$+jfdampEP0aKZTZ6pj80f1Q2WXAMvUbMXQw/b3QCm8Y=", 0 },
	{ "Django-pbkdf2-1k", "pbkdf2_sha256$1000$$+jfdampEP0aKZTZ6pj80f1Q2WXAMvUbMXQw/b3QCm8Y=", 0 },
	{ "Django-sha1", "pbkdf2_sha1$1000$saltSALTsalt0123456789$XPl88JuNH931h+HGVIhtaNeJkpc=", 1 },
	/* a 600-byte passphrase ("\u00e9" * 300) the original stored: matched, as Django does */
	{ LONG_PW, "pbkdf2_sha256$1000$longPassphraseSalt0123$ZY01CBSDaQwDx/Q2tbNlNrik7S+BBzOJRqjr/eHE2Gs=", 1 },
	/* Django 3.2.25 argon2: Django's own parameters, argon2id, argon2i, argon2d, Argon2 1.0 with and without "v=" */
	{ "Django-argon2id", "argon2$argon2id$v=19$m=102400,t=2,p=8$RGphbmdvQXJnb25TYWx0MDEyMzQ1Ng$LA1ZjOMm4+O6v3bt4KQ8IA", 1 },
	{ "Cheap-argon2id", "argon2$argon2id$v=19$m=64,t=1,p=2$Y2hlYXBTYWx0MDEyMzQ1Ng$nJFy+qsTK4i8U9+EoVg1bzq+P8ZbwKJ0ZLa43qlJejM", 1 },
	{ "Cheap-argon2iD", "argon2$argon2id$v=19$m=64,t=1,p=2$Y2hlYXBTYWx0MDEyMzQ1Ng$nJFy+qsTK4i8U9+EoVg1bzq+P8ZbwKJ0ZLa43qlJejM", 0 },
	{ "Cheap-argon2i", "argon2$argon2i$v=19$m=256,t=2,p=1$Y2hlYXBTYWx0MDEyMzQ1Ng$okmjvFBaprJVZ38SKBlrC3UfIPOTO9sILKjxhLCODho", 1 },
	{ "Cheap-argon2d", "argon2$argon2d$v=19$m=64,t=1,p=1$Y2hlYXBTYWx0MDEyMzQ1Ng$RM+AMTbV7+3r6i/JqYaMpY2s3BNNJRNw/Wn7LGr9wVU", 1 },
	{ "Old-argon2i", "argon2$argon2i$v=16$m=512,t=2,p=2$b2xkU2FsdDAxMjM0NTY3OA$x+cZRpdSwQBu3X6wRkDnBQ", 1 },
	{ "Old-argon2i", "argon2$argon2i$m=512,t=2,p=2$b2xkU2FsdDAxMjM0NTY3OA$x+cZRpdSwQBu3X6wRkDnBQ", 1 },
	/* the type is part of the hash: argon2i's hash read as argon2id does not match */
	{ "Cheap-argon2i", "argon2$argon2id$v=19$m=256,t=2,p=1$Y2hlYXBTYWx0MDEyMzQ1Ng$okmjvFBaprJVZ38SKBlrC3UfIPOTO9sILKjxhLCODho", 0 },
	/* above the caps (m 256 MiB, t 8, p 64): never computed, no match (a true hash for m=262145) */
	{ "Big-m", "argon2$argon2id$v=19$m=262145,t=1,p=1$Y2hlYXBTYWx0MDEyMzQ1Ng$Vq2WouHfFYT546fc0FcjUyCZLiPh900IH2Kl+U70aKo", 0 },
	{ "x", "argon2$argon2id$v=19$m=64,t=9,p=1$Y2hlYXBTYWx0MDEyMzQ1Ng$nJFy+qsTK4i8U9+EoVg1bzq+P8ZbwKJ0ZLa43qlJejM", 0 },
	{ "x", "argon2$argon2id$v=19$m=8192,t=1,p=65$Y2hlYXBTYWx0MDEyMzQ1Ng$nJFy+qsTK4i8U9+EoVg1bzq+P8ZbwKJ0ZLa43qlJejM", 0 },
	{ "x", "argon2$argon2id$v=19$m=99999999999,t=1,p=1$Y2hlYXBTYWx0MDEyMzQ1Ng$nJFy", 0 },
	/* malformed argon2 */
	{ "x", "argon2$argon2x$v=19$m=64,t=1,p=2$Y2hlYXBTYWx0MDEyMzQ1Ng$nJFy+qsTK4i8U9+EoVg1bzq+P8ZbwKJ0ZLa43qlJejM", 0 },
	{ "x", "argon2$argon2id$v=19$t=1,m=64,p=2$Y2hlYXBTYWx0MDEyMzQ1Ng$nJFy+qsTK4i8U9+EoVg1bzq+P8ZbwKJ0ZLa43qlJejM", 0 },
	{ "x", "argon2$argon2id$v=19$m=,t=1,p=2$Y2hlYXBTYWx0MDEyMzQ1Ng$nJFy", 0 },
	{ "x", "argon2$argon2id$v=19$m=64,t=1,p=2", 0 },
	/* refused by libargon2 (no lanes, an unknown version) */
	{ "Cheap-argon2id", "argon2$argon2id$v=19$m=64,t=1,p=0$Y2hlYXBTYWx0MDEyMzQ1Ng$nJFy+qsTK4i8U9+EoVg1bzq+P8ZbwKJ0ZLa43qlJejM", 0 },
	{ "Cheap-argon2id", "argon2$argon2id$v=20$m=64,t=1,p=2$Y2hlYXBTYWx0MDEyMzQ1Ng$nJFy+qsTK4i8U9+EoVg1bzq+P8ZbwKJ0ZLa43qlJejM", 0 },
	{ "x", "argon2$", 0 },
	{ "x", "argon2", 0 },
	{ "x", "$y$", 0 },
	{ "x", "*0", 0 },
};

/*
 * The login's two paths, (existing user: pw_verify against the user's hash
 * of the configured method and cost; unknown user: pw_burn) by passphrase
 * length: each computes exactly one hash, against a setting of the
 * configured method and cost, so that neither answers sooner (crypt(3)
 * refuses 512 bytes and more, and passphrases with a NUL inside).
 */
static const struct {
	int		 existing;
	size_t		 len;
	int		 nul;		/* a NUL byte in the middle */
} one_hash[] = {
	{ 1, 13, 0 }, { 0, 13, 0 },
	{ 1, PW_MAX_BYTES, 0 }, { 0, PW_MAX_BYTES, 0 },
	{ 1, PW_MAX_BYTES + 1, 0 }, { 0, PW_MAX_BYTES + 1, 0 },
	{ 1, 4096, 0 }, { 0, 4096, 0 },
	{ 1, 13, 1 }, { 0, 13, 1 },
	{ 1, 0, 0 }, { 0, 0, 0 },
};

/* The method and cost part of a crypt(3) hash: up to its third '$' ("$y$j75$"). */
static size_t
method_cost_len(const char *h)
{
	size_t	 i, dollars = 0;

	for (i = 0; h[i] != '\0'; i++)
		if (h[i] == '$' && ++dollars == 3)
			return i + 1;
	return i;
}

/*
 * Under valgrind (tests/unit/vgrun sets JWTAUTH_UNDER_VALGRIND) a PBKDF2 of
 * 100,000 iterations and more, or an argon2 of 100 MiB, takes 15 s: those
 * runs are skipped there; the same code runs on the cheap vectors.
 */
static int
costly(const char *stored)
{
	const char	*count;
	long		 n;

	if (getenv("JWTAUTH_UNDER_VALGRIND") == NULL)
		return 0;
	if (strstr(stored, "m=102400") != NULL)
		return 1;
	if ((count = strchr(stored, '$')) == NULL || strncmp(stored, "pbkdf2_", 7) != 0)
		return 0;
	n = strtol(count + 1, NULL, 10);
	return n >= 100000 && n <= 10000000;	/* above: refused without a run */
}

/* Stored formats of the rehash table: one password and hash each (cheap parameters). */
static const struct {
	const char	*name;
	const char	*pw;
	const char	*stored;
} fmt[] = {
	{ "pbkdf2_sha256", "Django-pbkdf2-1k", "pbkdf2_sha256$1000$q1W2e3R4t5Y6u7I8o9P0aS$+jfdampEP0aKZTZ6pj80f1Q2WXAMvUbMXQw/b3QCm8Y=" },
	{ "pbkdf2_sha1", "Django-sha1", "pbkdf2_sha1$1000$saltSALTsalt0123456789$XPl88JuNH931h+HGVIhtaNeJkpc=" },
	{ "bcrypt_sha256", "bcrypt-pass", "bcrypt_sha256$$2b$04$abcdefghijklmnopqrstuuMKD8sp9mOua0M7ulCc1XTkWeUstCjl2" },
	{ "bcrypt", "plain-bcrypt", "bcrypt$$2b$04$abcdefghijklmnopqrstuuV2hk3fni7qJ7ncLH7q.0LeVCkEUFc2S" },
	{ "argon2id", "Cheap-argon2id", "argon2$argon2id$v=19$m=64,t=1,p=2$Y2hlYXBTYWx0MDEyMzQ1Ng$nJFy+qsTK4i8U9+EoVg1bzq+P8ZbwKJ0ZLa43qlJejM" },
	{ "argon2i 1.0", "Old-argon2i", "argon2$argon2i$m=512,t=2,p=2$b2xkU2FsdDAxMjM0NTY3OA$x+cZRpdSwQBu3X6wRkDnBQ" },
	{ "$y$ (yescrypt 5)", "Yes-crypt", "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$/ohqO1Bc0ConMRFxxdecn09v/uUP6wJY94Zg0QAb4jB" },
	{ "$2b$10$", "Bee-crypt", "$2b$10$abcdefghijklmnopqrstuuGa1xngidFvqTQc2X.mHx0f0d.FA.zBa" },
	{ "$6$", "Sha-crypt", "$6$abcdefghijklmnop$a1tK3S0JZIVYWqwRTXKRS9QxfAWhTLvvJc/hw4EDW/KkrXm5J3GCXpSBVCEB.eUPvZcb3OQyfs4l2omN9q8NW0" },
};
#define NFMT	(sizeof(fmt) / sizeof(fmt[0]))

/*
 * Whether a login replaces the hash, by configured method (rows) and
 * stored format (columns, as fmt[]).  pbkdf2_sha256 keeps every hash the
 * original reads and replaces only the crypt(3) ones.
 */
static const struct {
	const char	*conf;
	int		 rehash[9];
} rehash_by_mode[] = {
	{ "password_hash = yescrypt\n",			{ 1, 1, 1, 1, 1, 1, 0, 1, 1 } },
	{ "password_hash = bcrypt\npassword_hash_cost = 10\n",	{ 1, 1, 1, 1, 1, 1, 1, 0, 1 } },
	{ "password_hash = sha512crypt\n",			{ 1, 1, 1, 1, 1, 1, 1, 1, 0 } },
	{ "password_hash = pbkdf2_sha256\n",			{ 0, 0, 0, 0, 0, 0, 1, 1, 1 } },
};
_Static_assert(NFMT == 9, "rehash_by_mode's columns are fmt[]");

static void
rehash_table(void)
{
	struct cfg	 c;
	char		 err[256] = "", conf[256];
	size_t		 m, f;
	int		 rehash, match;

	for (m = 0; m < sizeof(rehash_by_mode) / sizeof(rehash_by_mode[0]); m++) {
		(void)snprintf(conf, sizeof(conf), "secret_key = 0123456789abcdef0123456789abcdef\n%s",
		    rehash_by_mode[m].conf);
		if (!ok(cfg_load_text(&c, conf, NULL, err, sizeof(err)) == 0 &&
		    pw_init(&c, err, sizeof(err)) == 0, "mode %zu config: %s", m, err))
			continue;
		for (f = 0; f < NFMT; f++) {
			rehash = -1;
			match = pw_verify(fmt[f].pw, strlen(fmt[f].pw), fmt[f].stored, &rehash);
			ok(match == 1 && rehash == rehash_by_mode[m].rehash[f],
			    "%.*s, stored %s: matches, rehash %d (want %d)",
			    (int)strcspn(rehash_by_mode[m].conf, "\n"), rehash_by_mode[m].conf,
			    fmt[f].name, rehash, rehash_by_mode[m].rehash[f]);
		}
		pw_done();
		cfg_free(&c);
	}
}

/* The password_hash_cost values pbkdf2_sha256 takes or refuses at start-up. */
static const struct {
	const char	*conf;
	int		 load;		/* cfg_load_text's result */
	int		 init;		/* pw_init's (when loaded) */
	const char	*prefix;	/* of pw_hash's output (when both are 0), or NULL: not hashed */
} pbkdf2_cost[] = {
	{ "", 0, 0, "pbkdf2_sha256$260000$" },
	{ "password_hash_cost = 260000\n", 0, 0, NULL },
	{ "password_hash_cost = 300000\n", 0, 0, NULL },
	{ "password_hash_cost = 259999\n", -1, 0, NULL },
	{ "password_hash_cost = 1000\n", -1, 0, NULL },
	{ "password_hash_cost = 1000\n[password]\nenforce_hash_cost = 0\n", 0, 0, "pbkdf2_sha256$1000$" },
	{ "password_hash_cost = 10000001\n", 0, -1, NULL },
};

/* Whether every character of s is one of get_random_string's. */
static int
alnum_only(const char *s, size_t n)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == n;
}

static void
pbkdf2_mode(void)
{
	struct cfg	 c;
	char		 err[256] = "", conf[256], h1[CRYPT_OUTPUT_SIZE], h2[CRYPT_OUTPUT_SIZE];
	char		 big[600], setting[24], salt[23];
	const char	*s;
	size_t		 i, seen[62] = { 0 };
	int		 rehash, all;
	static const char abc[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

	for (i = 0; i < sizeof(pbkdf2_cost) / sizeof(pbkdf2_cost[0]); i++) {
		(void)snprintf(conf, sizeof(conf), "secret_key = 0123456789abcdef0123456789abcdef\n"
		    "password_hash = pbkdf2_sha256\n%s", pbkdf2_cost[i].conf);
		err[0] = '\0';
		if (!is_int(cfg_load_text(&c, conf, NULL, err, sizeof(err)), pbkdf2_cost[i].load,
		    "pbkdf2 cost row %zu: config (%s)", i, err) || pbkdf2_cost[i].load != 0)
			continue;
		if (is_int(pw_init(&c, err, sizeof(err)), pbkdf2_cost[i].init,
		    "pbkdf2 cost row %zu: pw_init (%s)", i, err) && pbkdf2_cost[i].init == 0) {
			if (pbkdf2_cost[i].prefix != NULL && costly(pbkdf2_cost[i].prefix))
				skip("pbkdf2 cost row %zu: %s under valgrind", i, pbkdf2_cost[i].prefix);
			else if (pbkdf2_cost[i].prefix != NULL)
				ok(pw_hash("pw", 2, h1, sizeof(h1)) == PW_OK &&
				    strncmp(h1, pbkdf2_cost[i].prefix, strlen(pbkdf2_cost[i].prefix)) == 0,
				    "pbkdf2 cost row %zu: %.30s", i, h1);
			pw_done();
		}
		cfg_free(&c);
	}

	ok(cfg_load_text(&c, "secret_key = 0123456789abcdef0123456789abcdef\n"
	    "password_hash = pbkdf2_sha256\n", NULL, err, sizeof(err)) == 0 &&
	    pw_init(&c, err, sizeof(err)) == 0, "pbkdf2_sha256 config: %s", err);
	if (costly("pbkdf2_sha256$260000$"))
		skip("Django's default count hashed and verified: under valgrind");
	else {
		(void)pw_hashes_take(NULL, 0);
		ok(pw_hash("Secret-pass-1", 13, h1, sizeof(h1)) == PW_OK, "pbkdf2 hash");
		is_int((int)pw_hashes_take(NULL, 0), 1, "one PBKDF2");
		/* "pbkdf2_sha256$260000$" + 22-character salt + "$" + base64 of 32 bytes */
		is_int((int)strlen(h1), 21 + 22 + 1 + 44, "Django's length: %s", h1);
		ok(strncmp(h1, "pbkdf2_sha256$260000$", 21) == 0 && alnum_only(h1 + 21, 22) &&
		    h1[43] == '$' && h1[87] == '=', "Django's format: %s", h1);
		ok(pw_verify("Secret-pass-1", 13, h1, &rehash) == 1 && rehash == 0, "own hash verifies, kept");
	}
	pw_done();
	cfg_free(&c);

	/* The rest at 1000 iterations: it runs under valgrind too. */
	ok(cfg_load_text(&c, "secret_key = 0123456789abcdef0123456789abcdef\n"
	    "password_hash = pbkdf2_sha256\npassword_hash_cost = 1000\n[password]\nenforce_hash_cost = 0\n",
	    NULL, err, sizeof(err)) == 0 && pw_init(&c, err, sizeof(err)) == 0, "pbkdf2_sha256 1000 config: %s", err);
	ok(pw_hash("Secret-pass-1", 13, h1, sizeof(h1)) == PW_OK && strncmp(h1, "pbkdf2_sha256$1000$", 19) == 0,
	    "pbkdf2 hash of 1000: %s", h1);
	ok(pw_verify("Secret-pass-2", 13, h1, &rehash) == 0, "wrong password");
	ok(pw_hash("Secret-pass-1", 13, h2, sizeof(h2)) == PW_OK && strcmp(h1, h2) != 0 &&
	    pw_verify("Secret-pass-1", 13, h2, &rehash) == 1 && rehash == 0, "salted: two hashes differ");
	ok(pw_hash("a\0b", 3, h2, sizeof(h2)) == PW_OK && pw_verify("a\0b", 3, h2, NULL) == 1 &&
	    pw_verify("a", 1, h2, NULL) == 0, "a NUL inside is hashed, as Django does");

	/* The cap on writing stays: the API answers alike in every mode. */
	memset(big, 'x', sizeof(big));
	ok(pw_hash(big, PW_MAX_BYTES, h2, sizeof(h2)) == PW_OK && pw_verify(big, PW_MAX_BYTES, h2, NULL) == 1,
	    "511 bytes: hashed and verified");
	ok(pw_hash(big, PW_MAX_BYTES + 1, h2, sizeof(h2)) == PW_TOO_LONG, "512 bytes: PW_TOO_LONG");

	/* A login costs one PBKDF2 of the configured count on both paths, whatever the length. */
	for (i = 0; i < sizeof(one_hash) / sizeof(one_hash[0]); i++) {
		char	 huge[4096];

		memset(huge, 'y', sizeof(huge));
		huge[6] = one_hash[i].nul ? '\0' : 'y';
		(void)pw_hashes_take(NULL, 0);
		if (one_hash[i].existing)
			(void)pw_verify(huge, one_hash[i].len, h1, NULL);
		else
			pw_burn(huge, one_hash[i].len);
		is_int((int)pw_hashes_take(setting, sizeof(setting)), 1,
		    "pbkdf2 row %zu: %s user, %zu bytes: one hash", i,
		    one_hash[i].existing ? "existing" : "unknown", one_hash[i].len);
		is_str(setting, "pbkdf2", "pbkdf2 row %zu: a PBKDF2", i);
	}
	/* An argon2 row above the caps costs what an unknown user costs, not an argon2 run. */
	(void)pw_hashes_take(NULL, 0);
	ok(pw_verify("Big-m", 5, "argon2$argon2id$v=19$m=262145,t=1,p=1$Y2hlYXBTYWx0MDEyMzQ1Ng$"
	    "Vq2WouHfFYT546fc0FcjUyCZLiPh900IH2Kl+U70aKo", NULL) == 0, "argon2 above the caps: no match");
	is_int((int)pw_hashes_take(setting, sizeof(setting)), 1, "one hash");
	is_str(setting, "pbkdf2", "the configured method's, not argon2");

	/* get_random_string(22): only its alphabet, and all of it turns up. */
	all = 1;
	for (i = 0; i < 200; i++) {
		if (pw_random_string(salt, 22) != 0 || strlen(salt) != 22 || !alnum_only(salt, 22))
			all = 0;
		for (s = salt; *s != '\0'; s++)
			if (strchr(abc, *s) != NULL)
				seen[strchr(abc, *s) - abc]++;
	}
	ok(all, "200 salts of 22 characters of [a-zA-Z0-9]");
	for (i = 0, all = 1; i < 62; i++)
		if (seen[i] == 0)
			all = 0;
	ok(all, "each of the 62 characters appears in 4400");
	pw_done();
	cfg_free(&c);
}

int
main(void)
{
	struct cfg	 c;
	char		 err[256] = "", h1[CRYPT_OUTPUT_SIZE], h2[CRYPT_OUTPUT_SIZE], big[600];
	char		 huge[4096], setting[24];
	unsigned long	 nh;
	size_t		 i;
	int		 rehash;

	ok(cfg_load_text(&c, "secret_key = 0123456789abcdef0123456789abcdef\npassword_hash_cost = 1\n"
	    "[password]\nenforce_hash_cost = 0\n",
	    NULL, err, sizeof(err)) == 0, "config");
	ok(pw_init(&c, err, sizeof(err)) == 0, "pw_init yescrypt: %s", err);

	ok(pw_hash("Secret-pass-1", 13, h1, sizeof(h1)) == PW_OK, "hash");
	ok(strncmp(h1, "$y$", 3) == 0, "yescrypt format: %.12s", h1);
	ok(strlen(h1) <= 128, "fits varchar(128)");
	ok(pw_hash("Secret-pass-1", 13, h2, sizeof(h2)) == PW_OK && strcmp(h1, h2) != 0, "salted: two hashes differ");
	ok(pw_verify("Secret-pass-1", 13, h1, &rehash) == 1 && rehash == 0, "verify own hash, no rehash");
	ok(pw_verify("Secret-pass-2", 13, h1, &rehash) == 0, "wrong password");
	ok(pw_verify("Secret-pass-", 12, h1, NULL) == 0, "prefix of the password");

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		if (costly(vec[i].stored)) {
			skip("vector %zu (%.20s): under valgrind", i, vec[i].stored);
			continue;
		}
		rehash = -1;
		is_int(pw_verify(vec[i].pw, strlen(vec[i].pw), vec[i].stored, &rehash), vec[i].match,
		    "vector %zu (%.20s)", i, vec[i].stored);
		if (vec[i].match)
			is_int(rehash, 1, "vector %zu: the original's hash is replaced on login", i);
	}

	memset(big, 'x', sizeof(big));
	ok(pw_hash(big, PW_MAX_BYTES, h2, sizeof(h2)) == PW_OK, "511 bytes hash");
	ok(pw_verify(big, PW_MAX_BYTES, h2, NULL) == 1, "511 bytes verify");
	ok(pw_hash(big, PW_MAX_BYTES + 1, h2, sizeof(h2)) == PW_TOO_LONG, "512 bytes: PW_TOO_LONG, not an error");
	ok(pw_verify(big, PW_MAX_BYTES + 1, h1, NULL) == 0, "512 bytes never match a crypt hash");
	/* Exercised for the sanitizers and valgrind: it has no result to check. */
	pw_burn("anything", 8);
	pw_burn(big, PW_MAX_BYTES + 1);

	memset(huge, 'y', sizeof(huge));
	for (i = 0; i < sizeof(one_hash) / sizeof(one_hash[0]); i++) {
		huge[6] = one_hash[i].nul ? '\0' : 'y';
		(void)pw_hashes_take(NULL, 0);
		if (one_hash[i].existing)
			is_int(pw_verify(huge, one_hash[i].len, h1, NULL), 0,
			    "row %zu: %zu bytes%s do not match", i, one_hash[i].len,
			    one_hash[i].nul ? " with a NUL" : "");
		else
			pw_burn(huge, one_hash[i].len);
		nh = pw_hashes_take(setting, sizeof(setting));
		is_int((int)nh, 1, "row %zu: %s user, %zu bytes%s: one hash", i,
		    one_hash[i].existing ? "existing" : "unknown", one_hash[i].len,
		    one_hash[i].nul ? " with a NUL" : "");
		ok(strncmp(setting, h1, method_cost_len(h1)) == 0,
		    "row %zu: of the configured method and cost (%.7s, want %.*s)", i, setting,
		    (int)method_cost_len(h1), h1);
	}
	pw_done();

	/* Another method and cost: an existing yescrypt hash must be upgraded. */
	cfg_free(&c);
	ok(cfg_load_text(&c, "secret_key = 0123456789abcdef0123456789abcdef\npassword_hash = bcrypt\n"
	    "password_hash_cost = 4\n[password]\nenforce_hash_cost = 0\n", NULL, err, sizeof(err)) == 0, "bcrypt config");
	ok(pw_init(&c, err, sizeof(err)) == 0, "pw_init bcrypt");
	ok(pw_hash("pw", 2, h2, sizeof(h2)) == PW_OK && strncmp(h2, "$2b$04$", 7) == 0, "bcrypt hash: %.10s", h2);
	ok(pw_verify("Secret-pass-1", 13, h1, &rehash) == 1 && rehash == 1, "yescrypt hash still verifies, marked for rehash");
	ok(pw_verify("pw", 2, h2, &rehash) == 1 && rehash == 0, "own bcrypt hash: no rehash");
	pw_done();
	cfg_free(&c);
	ok(cfg_load_text(&c, "secret_key = 0123456789abcdef0123456789abcdef\npassword_hash = bcrypt\n"
	    "password_hash_cost = 2\n[password]\nenforce_hash_cost = 0\n", NULL, err, sizeof(err)) == 0, "bcrypt cost 2 config");
	ok(pw_init(&c, err, sizeof(err)) == -1, "an impossible cost is a start-up error: %s", err);
	cfg_free(&c);

	rehash_table();
	pbkdf2_mode();
	return tap_done();
}
