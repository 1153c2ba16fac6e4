/*
 * pw.h - password hashing with libxcrypt (crypt_gensalt_ra/crypt_ra,
 * yescrypt by default) or in Django's pbkdf2_sha256 format (password_hash
 * = pbkdf2_sha256), and verification of the hashes the original stored
 * (Django's pbkdf2_sha256, pbkdf2_sha1, argon2, bcrypt_sha256, bcrypt).
 */
#ifndef JWTAUTH_PW_H
#define JWTAUTH_PW_H

#include <stddef.h>

#include "cfg.h"

/* libxcrypt refuses passphrases of CRYPT_MAX_PASSPHRASE_SIZE (512) bytes and more. */
#define PW_MAX_BYTES	511

/*
 * Check the configured method and cost and make the salt pw_burn() hashes
 * against (no hash is computed here).  0, or -1 with a reason in err (a
 * start-up failure).
 */
int	 pw_init(const struct cfg *c, char *err, size_t errsz);
void	 pw_done(void);

enum pw_rc {
	PW_OK = 0,
	PW_TOO_LONG,	/* over PW_MAX_BYTES: the client's 400, not a 500 */
	PW_ERR,		/* crypt(3) or the RNG failed */
};

/*
 * Hash pw (n bytes, no NUL inside) with the configured method into out
 * (CRYPT_OUTPUT_SIZE is enough for every method).  Over PW_MAX_BYTES is
 * PW_TOO_LONG whatever the method, so that the API answers the same and
 * a pbkdf2_sha256 hash can later be upgraded to a crypt(3) one.
 */
enum pw_rc pw_hash(const char *pw, size_t n, char *out, size_t outsz);

/*
 * 1 when pw matches stored, else 0 (also for unusable or unknown formats,
 * and for argon2 hashes above the caps in pw.c).  Comparison is
 * constant-time.  When rehash is not NULL it is set to 1 when pw matched a
 * hash that should be replaced by pw_hash(pw): with a crypt(3) method, any
 * hash not of the configured method and cost; with pbkdf2_sha256, only a
 * hash the original cannot read (a crypt(3) one, "$..."), never a Django
 * one (whatever its algorithm or count).
 */
int	 pw_verify(const char *pw, size_t n, const char *stored, int *rehash);

/*
 * Spend the time of a pw_verify against the configured method and cost
 * (pbkdf2_sha256: one PBKDF2 of the configured count); no result.
 */
void	 pw_burn(const char *pw, size_t n);

/*
 * Django's get_random_string(n): n characters of [a-zA-Z0-9] from
 * getrandom(2), without bias, into out[n + 1].  0, or -1 (errno set).
 */
int	 pw_random_string(char *out, size_t n);

/*
 * For the tests: the password hashes computed (crypt(3) or PBKDF2 runs)
 * since the last call, which sets the count back to 0.  setting (may be
 * NULL) receives the start of the last crypt(3) run's setting (method and
 * cost, e.g. "$y$j75$..."), or "pbkdf2", or "argon2".
 */
unsigned long pw_hashes_take(char *setting, size_t settingsz);

#endif
