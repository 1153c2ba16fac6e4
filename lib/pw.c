/*
 * pw.c - password hashing and verification (see pw.h).
 *
 * New hashes come from libxcrypt (yescrypt, bcrypt, sha512crypt); only
 * crypt_gensalt_ra and crypt_ra are used (the plain calls share static
 * buffers).  Or, with password_hash = pbkdf2_sha256, in Django 3.2's own
 * format, "pbkdf2_sha256$<iterations>$<salt>$<base64 of the derived key>",
 * so that the original reads every hash jwtauth writes; its derivation is
 * OpenSSL's PKCS5_PBKDF2_HMAC, and the comparison is on the base64 text, in
 * constant time, as Django's constant_time_compare does.  Django's argon2
 * hashes are checked by libargon2's argon2_verify, as argon2-cffi does.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/random.h>

#include <argon2.h>
#include <crypt.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "log.h"
#include "pw.h"
#include "pycompat.h"

/* Django never used more than a few hundred thousand; a huge count in a row would be a DoS. */
#define PBKDF2_MAX_ITERATIONS	10000000L

/*
 * Django 3.2's PBKDF2PasswordHasher: 260000 iterations, and a salt of
 * get_random_string(22) (salt_entropy 128 bits over 62 characters:
 * ceil(128 / log2(62)) = 22; a shorter salt makes Django's must_update()
 * rewrite the hash at the user's next login on the original).
 */
#define DJANGO_PBKDF2_ITERATIONS	260000L
#define DJANGO_SALT_LEN		22

/*
 * The most an argon2 hash read from a row may ask for: 256 MiB (Django
 * 3.2's default is 100 MiB: m=102400), 8 passes (default 2) and 64 lanes
 * (default 8).  A crafted row above these never matches, so one login
 * cannot cost gigabytes.
 */
#define ARGON2_MAX_M_KIB	262144UL
#define ARGON2_MAX_T		8UL
#define ARGON2_MAX_P		64UL

/* What new hashes are made with. */
static enum {
	MODE_CRYPT,	/* libxcrypt: method_prefix and method_count */
	MODE_PBKDF2	/* Django's pbkdf2_sha256, pbkdf2_iter iterations */
} mode;
static long	 pbkdf2_iter;

static char	 method_prefix[16];	/* "$y$", "$2b$", "$6$" */
static char	 setting_prefix[64];	/* the settings part of a fresh hash, e.g. "$y$j9T$" */
static unsigned long method_count;
static char	 dummy_setting[CRYPT_GENSALT_OUTPUT_SIZE];	/* a fresh salt of the configured method */

/* What pw_hashes_take() reports: hashes computed, and the start of the last setting. */
static unsigned long hashes;
static char	 last_setting[24];

/* Count one hash computation against setting (NULL: PBKDF2; "argon2"). */
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
pw_random_string(char *out, size_t n)
{
	static const char	 abc[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char		 r[64];
	size_t			 i = 0, j;

	while (i < n) {
		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return -1;
		for (j = 0; j < sizeof(r) && i < n; j++)
			if (r[j] < 248)	/* 4 * 62: no bias */
				out[i++] = abc[r[j] % 62];
	}
	out[n] = '\0';
	explicit_bzero(r, sizeof(r));
	return 0;
}

int
pw_init(const struct cfg *c, char *err, size_t errsz)
{
	char		*setting = NULL, *dollar;

	if (strcmp(c->password_hash, "pbkdf2_sha256") == 0) {
		mode = MODE_PBKDF2;
		pbkdf2_iter = c->password_hash_cost == 0 ? DJANGO_PBKDF2_ITERATIONS :
		    c->password_hash_cost;
		/* Above it pw_verify() would refuse the hashes pw_hash() writes. */
		if (pbkdf2_iter > PBKDF2_MAX_ITERATIONS) {
			(void)snprintf(err, errsz, "password_hash_cost %ld: pbkdf2_sha256 "
			    "iterations above %ld are refused", pbkdf2_iter, PBKDF2_MAX_ITERATIONS);
			return -1;
		}
		return 0;
	}
	mode = MODE_CRYPT;
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

/*
 * base64 of PBKDF2-HMAC-md(pw, salt, iter) into b64 (2 * EVP_MAX_MD_SIZE):
 * Django's pbkdf2() with dklen the digest's size, then b64encode.  0 or -1.
 */
static int
pbkdf2_b64(const char *pw, size_t n, const char *salt, size_t saltlen, long iter,
    const EVP_MD *md, char *b64)
{
	unsigned char	 dk[EVP_MAX_MD_SIZE];
	int		 dklen = EVP_MD_size(md), rc = -1;

	count_hash(NULL);
	if (n > INT_MAX || saltlen > INT_MAX)
		return -1;
	if (PKCS5_PBKDF2_HMAC(pw, (int)n, (const unsigned char *)salt, (int)saltlen,
	    (int)iter, md, dklen, dk) == 1 &&
	    EVP_EncodeBlock((unsigned char *)b64, dk, dklen) > 0)
		rc = 0;
	explicit_bzero(dk, sizeof(dk));
	return rc;
}

/* PBKDF2PasswordHasher.encode(pw, get_random_string(22)) into out. */
static enum pw_rc
hash_pbkdf2(const char *pw, size_t n, char *out, size_t outsz)
{
	char		 salt[DJANGO_SALT_LEN + 1], b64[2 * EVP_MAX_MD_SIZE];
	enum pw_rc	 rc = PW_ERR;
	int		 len;

	if (pw_random_string(salt, DJANGO_SALT_LEN) == -1) {
		log_err("getrandom: %s", strerror(errno));
		return PW_ERR;
	}
	if (pbkdf2_b64(pw, n, salt, DJANGO_SALT_LEN, pbkdf2_iter, EVP_sha256(), b64) == -1) {
		log_err("PKCS5_PBKDF2_HMAC failed");
		goto out;
	}
	len = snprintf(out, outsz, "pbkdf2_sha256$%ld$%s$%s", pbkdf2_iter, salt, b64);
	if (len < 0 || (size_t)len >= outsz) {
		log_err("pbkdf2_sha256 hash does not fit in %zu bytes", outsz);
		explicit_bzero(out, outsz);
		goto out;
	}
	rc = PW_OK;
out:
	explicit_bzero(b64, sizeof(b64));
	return rc;
}

enum pw_rc
pw_hash(const char *pw, size_t n, char *out, size_t outsz)
{
	char		*setting;
	enum pw_rc	 rc = PW_ERR;

	if (n > PW_MAX_BYTES)
		return PW_TOO_LONG;
	if (mode == MODE_PBKDF2)
		return hash_pbkdf2(pw, n, out, outsz);
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
 * part after "algorithm$": "<iterations>$<salt>$<b64>".  Django re-encodes
 * with "%d" and compares the whole string, so only a canonical count (no
 * sign, space or leading zero) can match.  Any length of pw is hashed, as
 * Django does: a hash the original wrote for a long passphrase matches.
 */
static int
verify_pbkdf2(const char *pw, size_t n, const char *rest, const EVP_MD *md)
{
	char		 b64[2 * EVP_MAX_MD_SIZE], *end;
	const char	*salt, *hash;
	long		 iter;
	int		 ok = 0;

	if (rest[0] < '1' || rest[0] > '9')
		return 0;
	errno = 0;
	iter = strtol(rest, &end, 10);
	if (errno != 0 || *end != '$' || iter < 1 || iter > PBKDF2_MAX_ITERATIONS)
		return 0;
	salt = end + 1;
	if ((hash = strchr(salt, '$')) == NULL || hash == salt)
		return 0;
	hash++;
	if (pbkdf2_b64(pw, n, salt, (size_t)(hash - 1 - salt), iter, md, b64) == 0)
		ok = str_equal(b64, hash);
	explicit_bzero(b64, sizeof(b64));
	return ok;
}

/*
 * A decimal number of at most 10 digits at *sp, no more than max, then the
 * character sep; *sp moves past sep.  0, or -1.
 */
static int
argon2_number(const char **sp, char sep, unsigned long max, unsigned long *v)
{
	const char	*s = *sp;
	size_t		 i;

	*v = 0;
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (i == 10)
			return -1;
		*v = *v * 10 + (unsigned long)(s[i] - '0');
	}
	if (i == 0 || s[i] != sep || *v > max)
		return -1;
	*sp = s + i + 1;
	return 0;
}

/*
 * Django's Argon2PasswordHasher.verify on the part after "argon2":
 * argon2-cffi's PasswordHasher().verify, i.e. libargon2's argon2_verify
 * with the type the hash names ("$argon2id$v=19$m=102400,t=2,p=8$salt$hash";
 * Django 1.10's "$argon2i$m=...", without a version, is Argon2 1.0, as
 * libargon2 reads it).  The memory, passes and lanes are checked against
 * the caps first; a hash above them does not match.
 */
static int
verify_argon2(const char *pw, size_t n, const char *rest)
{
	argon2_type	 type;
	const char	*s;
	unsigned long	 v, m, t, p;
	int		 rc;

	if (strncmp(rest, "$argon2id$", 10) == 0) {
		type = Argon2_id;
		s = rest + 10;
	} else if (strncmp(rest, "$argon2i$", 9) == 0) {
		type = Argon2_i;
		s = rest + 9;
	} else if (strncmp(rest, "$argon2d$", 9) == 0) {
		type = Argon2_d;
		s = rest + 9;
	} else
		return -1;
	if (strncmp(s, "v=", 2) == 0) {
		s += 2;
		if (argon2_number(&s, '$', 0xffffffffUL, &v) == -1)
			return -1;
	}
	if (strncmp(s, "m=", 2) != 0)
		return -1;
	s += 2;
	if (argon2_number(&s, ',', 0xffffffffUL, &m) == -1 || strncmp(s, "t=", 2) != 0)
		return -1;
	s += 2;
	if (argon2_number(&s, ',', 0xffffffffUL, &t) == -1 || strncmp(s, "p=", 2) != 0)
		return -1;
	s += 2;
	if (argon2_number(&s, '$', 0xffffffffUL, &p) == -1)
		return -1;
	if (m > ARGON2_MAX_M_KIB || t > ARGON2_MAX_T || p > ARGON2_MAX_P) {
		log_warn("an argon2 hash asks for m=%lu,t=%lu,p=%lu, above the caps "
		    "m=%lu,t=%lu,p=%lu: no match", m, t, p, ARGON2_MAX_M_KIB,
		    ARGON2_MAX_T, ARGON2_MAX_P);
		return -1;
	}
	count_hash("argon2");
	rc = argon2_verify(rest, pw, n, type);
	if (rc != ARGON2_OK && rc != ARGON2_VERIFY_MISMATCH && rc != ARGON2_DECODING_FAIL)
		log_warn("argon2_verify: %s", argon2_error_message(rc));
	return rc == ARGON2_OK;
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
	else if (strncmp(stored, "argon2$", 7) == 0) {
		/* A malformed one, or one above the caps, costs what an unknown user costs. */
		if ((ok = verify_argon2(pw, n, stored + 6)) == -1) {
			ok = 0;
			pw_burn(pw, n);
		}
	} else if (strncmp(stored, "bcrypt$", 7) == 0) {
		if (do_crypt_or_stand_in(pw, n, stored + 7, out, sizeof(out)) == 0)
			ok = str_equal(out, stored + 7);
	} else if (stored[0] == '$') {
		if (do_crypt_or_stand_in(pw, n, stored, out, sizeof(out)) == 0)
			ok = str_equal(out, stored);
	} else {
		/* Unusable ("!...") or a format we cannot check (e.g. scrypt): no match. */
		pw_burn(pw, n);
	}
	explicit_bzero(out, sizeof(out));
	if (ok && rehash != NULL) {
		/*
		 * pbkdf2_sha256 mode: only what the original cannot read (the
		 * crypt(3) formats, "$..."), so its sessions and reset links,
		 * whose HMACs cover the hash, survive a login on jwtauth.
		 */
		if (mode == MODE_PBKDF2)
			*rehash = stored[0] == '$';
		else
			*rehash = strncmp(stored, setting_prefix, strlen(setting_prefix)) != 0;
	}
	return ok;
}

/* The salt pw_burn() hashes with in pbkdf2_sha256 mode; its content does not matter. */
#define BURN_SALT	"jwtauthBurnSalt0123456"

void
pw_burn(const char *pw, size_t n)
{
	char	 out[CRYPT_OUTPUT_SIZE];

	if (mode == MODE_PBKDF2) {
		(void)pbkdf2_b64(pw, n, BURN_SALT, sizeof(BURN_SALT) - 1, pbkdf2_iter,
		    EVP_sha256(), out);
		explicit_bzero(out, sizeof(out));
		return;
	}
	(void)do_crypt_or_stand_in(pw, n, dummy_setting, out, sizeof(out));
	explicit_bzero(out, sizeof(out));
}
