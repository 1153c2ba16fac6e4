/*
 * pw.c - password hashing and verification (see pw.h).
 *
 * New hashes come from libxcrypt; only crypt_gensalt_ra and crypt_ra are
 * used (the plain calls share static buffers).  Django's PBKDF2 format is
 * "pbkdf2_sha256$<iterations>$<salt>$<base64 of the derived key>"; its
 * derivation is OpenSSL's PKCS5_PBKDF2_HMAC, and the comparison is on the
 * base64 text, in constant time, as Django's constant_time_compare does.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <crypt.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "log.h"
#include "pw.h"
#include "pycompat.h"

/* Django never used more than a few hundred thousand; a huge count in a row would be a DoS. */
#define PBKDF2_MAX_ITERATIONS	10000000L

static char	 method_prefix[16];	/* "$y$", "$2b$", "$6$" */
static char	 setting_prefix[64];	/* the settings part of a fresh hash, e.g. "$y$j9T$" */
static unsigned long method_count;
static char	 dummy_setting[CRYPT_GENSALT_OUTPUT_SIZE];	/* a fresh salt of the configured method */

/* What pw_hashes_take() reports: hashes computed, and the start of the last setting. */
static unsigned long hashes;
static char	 last_setting[24];

/* Count one hash computation against setting (NULL: PBKDF2). */
static void
count_hash(const char *setting)
{
	hashes++;
	(void)snprintf(last_setting, sizeof(last_setting), "%s", setting != NULL ? setting : "pbkdf2");
}

unsigned long
pw_hashes_take(char *setting, size_t settingsz)
{
	unsigned long	 n = hashes;

	if (setting != NULL && settingsz > 0)
		(void)snprintf(setting, settingsz, "%s", last_setting);
	hashes = 0;
	last_setting[0] = '\0';
	return n;
}

/*
 * crypt_ra(pw, setting) into out; 0, or -1 (too long, or crypt failed).
 * pw is a byte range: it is copied so crypt(3) gets a terminated string.
 */
static int
do_crypt(const char *pw, size_t n, const char *setting, char *out, size_t outsz)
{
	char	 phrase[PW_MAX_BYTES + 1];
	void	*data = NULL;
	int	 size = 0, rc = -1;
	char	*h;

	if (n > PW_MAX_BYTES || memchr(pw, '\0', n) != NULL)
		return -1;
	memcpy(phrase, pw, n);
	phrase[n] = '\0';
	count_hash(setting);
	h = crypt_ra(phrase, setting, &data, &size);
	explicit_bzero(phrase, n);
	if (h == NULL || h[0] == '*')
		goto out;
	if (strlen(h) >= outsz)
		goto out;
	memcpy(out, h, strlen(h) + 1);
	rc = 0;
out:
	if (data != NULL) {
		explicit_bzero(data, (size_t)size);
		free(data);
	}
	return rc;
}

/*
 * What is hashed in place of a passphrase crypt(3) refuses (512 bytes and
 * more, a NUL inside): refused early, such a login would answer in well
 * under a millisecond for an existing e-mail and after a whole hash for an
 * unknown one.  Both paths hash something of the same cost instead.
 */
#define STAND_IN	"jwtauth: a passphrase crypt(3) refuses"

/* do_crypt(), or the stand-in's hash and -1 when crypt(3) would refuse pw. */
static int
do_crypt_or_stand_in(const char *pw, size_t n, const char *setting, char *out,
    size_t outsz)
{
	if (n <= PW_MAX_BYTES && memchr(pw, '\0', n) == NULL)
		return do_crypt(pw, n, setting, out, outsz);
	(void)do_crypt(STAND_IN, sizeof(STAND_IN) - 1, setting, out, outsz);
	explicit_bzero(out, outsz);
	return -1;
}

/* A fresh setting string for the configured method; NULL on failure. */
static char *
new_setting(void)
{
	return crypt_gensalt_ra(method_prefix, method_count, NULL, 0);
}

int
pw_init(const struct cfg *c, char *err, size_t errsz)
{
	char		*setting = NULL, *dollar;

	if (strcmp(c->password_hash, "yescrypt") == 0)
		(void)snprintf(method_prefix, sizeof(method_prefix), "$y$");
	else if (strcmp(c->password_hash, "bcrypt") == 0)
		(void)snprintf(method_prefix, sizeof(method_prefix), "$2b$");
	else
		(void)snprintf(method_prefix, sizeof(method_prefix), "$6$");
	method_count = (unsigned long)c->password_hash_cost;
	/*
	 * A setting is all crypt(3) needs to spend a hash's time: pw_burn()
	 * hashes against this one, so no hash is computed before a request
	 * needs one (a CGI process would pay it on every start).
	 */
	if ((setting = new_setting()) == NULL) {
		(void)snprintf(err, errsz, "password_hash %s with cost %ld: %s",
		    c->password_hash, c->password_hash_cost, strerror(errno));
		return -1;
	}
	if (strlen(setting) >= sizeof(dummy_setting)) {
		(void)snprintf(err, errsz, "password_hash %s: setting too long", c->password_hash);
		free(setting);
		return -1;
	}
	memcpy(dummy_setting, setting, strlen(setting) + 1);
	/* The settings part is everything up to the salt. */
	if (strcmp(method_prefix, "$2b$") == 0)
		(void)snprintf(setting_prefix, sizeof(setting_prefix), "%.7s", setting);
	else if ((dollar = strrchr(setting, '$')) != NULL)
		(void)snprintf(setting_prefix, sizeof(setting_prefix), "%.*s",
		    (int)(dollar - setting + 1), setting);
	free(setting);
	return 0;
}

void
pw_done(void)
{
	explicit_bzero(dummy_setting, sizeof(dummy_setting));
}

enum pw_rc
pw_hash(const char *pw, size_t n, char *out, size_t outsz)
{
	char		*setting;
	enum pw_rc	 rc = PW_ERR;

	if (n > PW_MAX_BYTES)
		return PW_TOO_LONG;
	if ((setting = new_setting()) == NULL) {
		log_err("crypt_gensalt_ra: %s", strerror(errno));
		return PW_ERR;
	}
	if (do_crypt(pw, n, setting, out, outsz) == 0)
		rc = PW_OK;
	else
		log_err("crypt_ra failed");
	free(setting);
	return rc;
}

/* Constant-time equality of two NUL-terminated strings (constant_time_compare). */
static int
str_equal(const char *a, const char *b)
{
	return py_compare_digest(a, strlen(a), b, strlen(b));
}

/*
 * Django's PBKDF2PasswordHasher / PBKDF2SHA1PasswordHasher.verify on the
 * part after "algorithm$": "<iterations>$<salt>$<b64>".
 */
static int
verify_pbkdf2(const char *pw, size_t n, const char *rest, const EVP_MD *md)
{
	unsigned char	 dk[EVP_MAX_MD_SIZE];
	char		 b64[2 * EVP_MAX_MD_SIZE], *end;
	const char	*salt, *hash;
	long		 iter;
	int		 dklen = EVP_MD_size(md), ok = 0;
	size_t		 saltlen;

	errno = 0;
	iter = strtol(rest, &end, 10);
	if (errno != 0 || end == rest || *end != '$' || iter < 1 || iter > PBKDF2_MAX_ITERATIONS)
		return 0;
	salt = end + 1;
	if ((hash = strchr(salt, '$')) == NULL)
		return 0;
	saltlen = (size_t)(hash - salt);
	hash++;
	count_hash(NULL);
	if (PKCS5_PBKDF2_HMAC(pw, (int)n, (const unsigned char *)salt, (int)saltlen,
	    (int)iter, md, dklen, dk) != 1)
		return 0;
	if (EVP_EncodeBlock((unsigned char *)b64, dk, dklen) <= 0)
		goto out;
	ok = str_equal(b64, hash);
out:
	explicit_bzero(dk, sizeof(dk));
	return ok;
}

/* Django's BCryptSHA256PasswordHasher: bcrypt of the hex SHA-256 of the password. */
static int
verify_bcrypt_sha256(const char *pw, size_t n, const char *rest)
{
	unsigned char	 md[SHA256_DIGEST_LENGTH];
	char		 hex[2 * SHA256_DIGEST_LENGTH + 1], out[CRYPT_OUTPUT_SIZE];
	size_t		 i;
	int		 ok = 0;

	SHA256((const unsigned char *)pw, n, md);
	for (i = 0; i < sizeof(md); i++)
		(void)snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (do_crypt(hex, strlen(hex), rest, out, sizeof(out)) == 0)
		ok = str_equal(out, rest);
	explicit_bzero(md, sizeof(md));
	explicit_bzero(hex, sizeof(hex));
	explicit_bzero(out, sizeof(out));
	return ok;
}

int
pw_verify(const char *pw, size_t n, const char *stored, int *rehash)
{
	char	 out[CRYPT_OUTPUT_SIZE];
	int	 ok = 0;

	if (rehash != NULL)
		*rehash = 0;
	if (strncmp(stored, "pbkdf2_sha256$", 14) == 0)
		ok = verify_pbkdf2(pw, n, stored + 14, EVP_sha256());
	else if (strncmp(stored, "pbkdf2_sha1$", 12) == 0)
		ok = verify_pbkdf2(pw, n, stored + 12, EVP_sha1());
	else if (strncmp(stored, "bcrypt_sha256$", 14) == 0)
		ok = verify_bcrypt_sha256(pw, n, stored + 14);
	else if (strncmp(stored, "bcrypt$", 7) == 0) {
		if (do_crypt_or_stand_in(pw, n, stored + 7, out, sizeof(out)) == 0)
			ok = str_equal(out, stored + 7);
	} else if (stored[0] == '$') {
		if (do_crypt_or_stand_in(pw, n, stored, out, sizeof(out)) == 0)
			ok = str_equal(out, stored);
	} else {
		/* Unusable ("!...") or a format we cannot check (e.g. argon2): no match. */
		pw_burn(pw, n);
	}
	explicit_bzero(out, sizeof(out));
	if (ok && rehash != NULL)
		*rehash = strncmp(stored, setting_prefix, strlen(setting_prefix)) != 0;
	return ok;
}

void
pw_burn(const char *pw, size_t n)
{
	char	 out[CRYPT_OUTPUT_SIZE];

	(void)do_crypt_or_stand_in(pw, n, dummy_setting, out, sizeof(out));
	explicit_bzero(out, sizeof(out));
}
