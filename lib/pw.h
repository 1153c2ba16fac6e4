/*
 * pw.h - password hashing with libxcrypt (crypt_gensalt_ra/crypt_ra,
 * yescrypt by default) and verification of the hashes the original
 * stored (Django's pbkdf2_sha256, pbkdf2_sha1, bcrypt_sha256, bcrypt).
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

/* Hash pw (n bytes, no NUL inside) with the configured method into out. */
enum pw_rc pw_hash(const char *pw, size_t n, char *out, size_t outsz);

/*
 * 1 when pw matches stored, else 0 (also for unusable or unknown formats).
 * Comparison is constant-time.  When rehash is not NULL it is set to 1
 * when pw matched a hash that is not of the configured method and cost,
 * so the caller can store pw_hash(pw) instead.
 */
int	 pw_verify(const char *pw, size_t n, const char *stored, int *rehash);

/* Spend the time of a pw_verify against the configured method; no result. */
void	 pw_burn(const char *pw, size_t n);

/*
 * For the tests: the password hashes computed (crypt(3) or PBKDF2 runs)
 * since the last call, which sets the count back to 0.  setting (may be
 * NULL) receives the start of the last crypt(3) run's setting (method and
 * cost, e.g. "$y$j75$..."), or "pbkdf2".
 */
unsigned long pw_hashes_take(char *setting, size_t settingsz);

#endif
