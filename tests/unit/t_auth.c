/*
 * t_auth.c - the revocation rules of a token (auth_revoked: issue 11's
 * revocation on password change and simplejwt 5.3's CHECK_REVOKE_TOKEN)
 * and the hash_password claim (simplejwt 5.3's get_md5_hash_password:
 * hashlib.md5(password.encode()).hexdigest().upper(); the vectors are
 * Python's).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "cfg.h"
#include "tap.h"
#include "token.h"

#define KEY	"0123456789abcdef0123456789abcdef-unit"
#define YES	"$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o7ljqdBrmT8SjkhFHmhOGS5zuEmAX5dO1"
#define YES_MD5	"5D78942B3E9FD7534B8FAE7534888D53"

static const struct {
	const char	*hash;
	const char	*md5;
} claims[] = {
	{ YES, YES_MD5 },
	{ "pbkdf2_sha256$260000$salt$hash=", "4CC6C2BE72693774E6872A7A688D547B" },
	{ "", "D41D8CD98F00B204E9800998ECF8427E" },
};

static const struct {
	const char		*name;
	int			 revoke, check;	/* the two settings */
	long long		 revoked_at;	/* the user's; 0: none */
	long long		 kept_iat;	/* the session kept; 0: none */
	const char		*payload;	/* the token's claims */
	enum auth_revoked	 want;
} cases[] = {
	{ "no revocation time", 1, 0, 0, 0, "{\"iat\":100}", AUTH_VALID },
	{ "issued after the change", 1, 0, 100, 0, "{\"iat\":101}", AUTH_VALID },
	{ "issued in the second of the change", 1, 0, 100, 0, "{\"iat\":100}", AUTH_REVOKED },
	{ "issued before the change", 1, 0, 100, 0, "{\"iat\":99}", AUTH_REVOKED },
	{ "a fractional iat after", 1, 0, 100, 0, "{\"iat\":100.5}", AUTH_VALID },
	{ "no iat counts as older", 1, 0, 100, 0, "{\"exp\":1}", AUTH_REVOKED },
	{ "iat not a number", 1, 0, 100, 0, "{\"iat\":\"200\"}", AUTH_REVOKED },
	{ "the setting off", 0, 0, 100, 0, "{\"iat\":99}", AUTH_VALID },
	{ "hash_password right", 0, 1, 0, 0, "{\"hash_password\":\"" YES_MD5 "\"}", AUTH_VALID },
	{ "hash_password in lower case", 0, 1, 0, 0,
	  "{\"hash_password\":\"5d78942b3e9fd7534b8fae7534888d53\"}", AUTH_PASSWORD_CHANGED },
	{ "hash_password of another hash", 0, 1, 0, 0,
	  "{\"hash_password\":\"4CC6C2BE72693774E6872A7A688D547B\"}", AUTH_PASSWORD_CHANGED },
	{ "no hash_password", 0, 1, 0, 0, "{\"iat\":1}", AUTH_PASSWORD_CHANGED },
	{ "hash_password not a string", 0, 1, 0, 0, "{\"hash_password\":1}", AUTH_PASSWORD_CHANGED },
	{ "hash_password with the check off", 0, 0, 0, 0, "{\"hash_password\":\"x\"}", AUTH_VALID },
	{ "both: the time first", 1, 1, 100, 0, "{\"iat\":99,\"hash_password\":\"x\"}", AUTH_REVOKED },
	{ "both: then the claim", 1, 1, 100, 0, "{\"iat\":101,\"hash_password\":\"x\"}",
	  AUTH_PASSWORD_CHANGED },
	{ "the kept session, issued before", 1, 0, 100, 90, "{\"iat\":90}", AUTH_VALID },
	{ "the kept session, in the second", 1, 0, 100, 100, "{\"iat\":100}", AUTH_VALID },
	{ "another session than the kept one", 1, 0, 100, 90, "{\"iat\":89}", AUTH_REVOKED },
	{ "kept, fraction of the kept second", 1, 0, 100, 90, "{\"iat\":90.5}", AUTH_REVOKED },
	{ "kept, no iat", 1, 0, 100, 90, "{\"exp\":1}", AUTH_REVOKED },
	{ "kept, after the change", 1, 0, 100, 90, "{\"iat\":101}", AUTH_VALID },
	{ "both: valid", 1, 1, 100, 0, "{\"iat\":101,\"hash_password\":\"" YES_MD5 "\"}", AUTH_VALID },
};

int
main(void)
{
	struct cfg	 c;
	struct db_user	 u;
	struct tok	 t;
	char		 err[256] = "", out[33];
	size_t		 i;

	ok(cfg_load_text(&c, "secret_key = " KEY "\n", NULL, err, sizeof(err)) == 0, "config");
	for (i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
		ok(auth_password_claim(claims[i].hash, out) == 0, "md5 of \"%s\"", claims[i].hash);
		is_str(out, claims[i].md5, "get_md5_hash_password(\"%s\")", claims[i].hash);
	}
	memset(&u, 0, sizeof(u));
	(void)snprintf(u.password, sizeof(u.password), "%s", YES);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c.revoke_on_password_change = cases[i].revoke;
		c.check_revoke_token = cases[i].check;
		u.revoked_at = cases[i].revoked_at;
		u.kept_iat = cases[i].kept_iat;
		t.payload = json_tokener_parse(cases[i].payload);
		ok(t.payload != NULL, "%s: payload", cases[i].name);
		is_int(auth_revoked(&c, &t, &u), cases[i].want, "%s", cases[i].name);
		tok_free(&t);
	}
	cfg_free(&c);
	return tap_done();
}
