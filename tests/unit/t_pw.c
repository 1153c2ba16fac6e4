/*
 * t_pw.c - password hashing: libxcrypt round trips, the original's Django
 * formats (vectors made by Django 3.2's make_password and Python's hashlib
 * and crypt modules), rehash decisions and limits.
 */
#include "config.h"

#include <crypt.h>
#include <string.h>

#include "cfg.h"
#include "pw.h"
#include "tap.h"

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
	return tap_done();
}
