/*
 * t_token.c - JWT issue and every rejection.  Tokens to reject are forged
 * here with OpenSSL's HMAC directly (not libjwt), and two tokens made by
 * PyJWT 2.6 (what simplejwt uses) must be accepted.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "buf.h"
#include "cfg.h"
#include "pyrt.h"
#include "tap.h"
#include "token.h"

#define KEY	"0123456789abcdef0123456789abcdef-unit"

/* PyJWT: jwt.encode({...user_id: 42, exp: 4102444800 ...}, KEY, "HS256") */
static const char pyjwt_access[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjo0MTAyNDQ0ODAwLCJp"
    "YXQiOjE3MDAwMDAwMDAsImp0aSI6IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIiwidXNlcl9pZCI6NDJ9."
    "0D9UmgyeqQHrHUZgBAhyg87S9ASV6Xpm68lII0Nf6OI";
static const char pyjwt_refresh[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6NDEwMjQ0NDgwMCwi"
    "aWF0IjoxNzAwMDAwMDAwLCJqdGkiOiJmZWRjYmE5ODc2NTQzMjEwZmVkY2JhOTg3NjU0MzIxMCIsInVzZXJfaWQiOjQyfQ."
    "swIzdaXsc0rJH7aDZAbDO6Y0nlwxKR4sxofIUs5ivw4";

/* header.payload.HMAC(key, alg) with base64url everywhere. */
static void
forge(struct buf *out, const char *header, const char *payload, const char *key, const char *alg)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	const EVP_MD	*md = strcmp(alg, "HS512") == 0 ? EVP_sha512() :
			    strcmp(alg, "HS384") == 0 ? EVP_sha384() : EVP_sha256();

	buf_reset(out);
	py_urlsafe_b64encode_nopad((const unsigned char *)header, strlen(header), out);
	buf_putc(out, '.');
	py_urlsafe_b64encode_nopad((const unsigned char *)payload, strlen(payload), out);
	if (strcmp(alg, "none") == 0) {
		buf_putc(out, '.');
		return;
	}
	HMAC(md, key, (int)strlen(key), (const unsigned char *)out->p, out->len, mac, &maclen);
	buf_putc(out, '.');
	py_urlsafe_b64encode_nopad(mac, maclen, out);
}

/* The template with every "%ld" replaced by now. */
static void
with_now(char *out, size_t outsz, const char *tmpl, long now)
{
	struct buf	 b = BUF_INIT;
	const char	*p;

	for (p = tmpl; *p != '\0'; p++) {
		if (strncmp(p, "%ld", 3) == 0) {
			buf_printf(&b, "%ld", now);
			p += 2;
		} else
			buf_putc(&b, *p);
	}
	(void)snprintf(out, outsz, "%s", buf_str(&b));
	buf_free(&b);
}

struct reject {
	const char	*name;
	const char	*header;
	const char	*payload;	/* %ld is replaced by now */
	const char	*alg;		/* signing */
	const char	*key;
	enum tok_type	 want;
	const char	*msg;
};

#define H256	"{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

static const struct reject rejects[] = {
	{ "alg none", "{\"alg\":\"none\",\"typ\":\"JWT\"}",
	  "{\"token_type\":\"access\",\"exp\":%ld9,\"jti\":\"x\",\"user_id\":1}", "none", KEY, TOK_ACCESS, TOK_MSG_INVALID },
	{ "HS512", "{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
	  "{\"token_type\":\"access\",\"exp\":%ld9,\"jti\":\"x\",\"user_id\":1}", "HS512", KEY, TOK_ACCESS, TOK_MSG_INVALID },
	{ "HS384", "{\"alg\":\"HS384\",\"typ\":\"JWT\"}",
	  "{\"token_type\":\"access\",\"exp\":%ld9,\"jti\":\"x\",\"user_id\":1}", "HS384", KEY, TOK_ACCESS, TOK_MSG_INVALID },
	{ "RS256 label", "{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
	  "{\"token_type\":\"access\",\"exp\":%ld9,\"jti\":\"x\",\"user_id\":1}", "HS256", KEY, TOK_ACCESS, TOK_MSG_INVALID },
	{ "no alg", "{\"typ\":\"JWT\"}",
	  "{\"token_type\":\"access\",\"exp\":%ld9,\"jti\":\"x\",\"user_id\":1}", "HS256", KEY, TOK_ACCESS, TOK_MSG_INVALID },
	{ "wrong key", H256, "{\"token_type\":\"access\",\"exp\":%ld9,\"jti\":\"x\",\"user_id\":1}", "HS256",
	  "another key of at least thirty-two bytes", TOK_ACCESS, TOK_MSG_INVALID },
	{ "expired", H256, "{\"token_type\":\"access\",\"exp\":%ld,\"jti\":\"x\",\"user_id\":1}", "HS256", KEY,
	  TOK_ACCESS, TOK_MSG_INVALID },
	{ "exp a string", H256, "{\"token_type\":\"access\",\"exp\":\"%ld9\",\"jti\":\"x\"}", "HS256", KEY,
	  TOK_ACCESS, TOK_MSG_INVALID },
	{ "exp false", H256, "{\"token_type\":\"access\",\"exp\":false,\"jti\":\"x\",\"x\":%ld}", "HS256", KEY,
	  TOK_ACCESS, TOK_MSG_INVALID },
	{ "iat in the future", H256, "{\"token_type\":\"access\",\"exp\":%ld9,\"iat\":99999999999,\"jti\":\"x\"}",
	  "HS256", KEY, TOK_ACCESS, TOK_MSG_INVALID },
	{ "iat null", H256, "{\"token_type\":\"access\",\"exp\":%ld9,\"iat\":null,\"jti\":\"x\"}",
	  "HS256", KEY, TOK_ACCESS, TOK_MSG_INVALID },
	{ "nbf in the future", H256, "{\"token_type\":\"access\",\"exp\":%ld9,\"nbf\":99999999999,\"jti\":\"x\"}",
	  "HS256", KEY, TOK_ACCESS, TOK_MSG_INVALID },
	{ "payload an array", H256, "[%ld]", "HS256", KEY, TOK_UNTYPED, TOK_MSG_INVALID },
	{ "payload not JSON", H256, "{%ld", "HS256", KEY, TOK_UNTYPED, TOK_MSG_INVALID },
	{ "no exp", H256, "{\"token_type\":\"access\",\"jti\":\"x\",\"iat\":%ld}", "HS256", KEY, TOK_ACCESS, TOK_MSG_NO_EXP },
	{ "no jti", H256, "{\"token_type\":\"access\",\"exp\":%ld9}", "HS256", KEY, TOK_ACCESS, TOK_MSG_NO_ID },
	{ "no type", H256, "{\"exp\":%ld9,\"jti\":\"x\"}", "HS256", KEY, TOK_ACCESS, TOK_MSG_NO_TYPE },
	{ "no type (verify)", H256, "{\"exp\":%ld9,\"jti\":\"x\"}", "HS256", KEY, TOK_UNTYPED, TOK_MSG_NO_TYPE },
	{ "refresh as access", H256, "{\"token_type\":\"refresh\",\"exp\":%ld9,\"jti\":\"x\"}", "HS256", KEY,
	  TOK_ACCESS, TOK_MSG_WRONG_TYPE },
	{ "access as refresh", H256, "{\"token_type\":\"access\",\"exp\":%ld9,\"jti\":\"x\"}", "HS256", KEY,
	  TOK_REFRESH, TOK_MSG_WRONG_TYPE },
	{ "type Access", H256, "{\"token_type\":\"Access\",\"exp\":%ld9,\"jti\":\"x\"}", "HS256", KEY,
	  TOK_ACCESS, TOK_MSG_WRONG_TYPE },
	{ "type number", H256, "{\"token_type\":7,\"exp\":%ld9,\"jti\":\"x\"}", "HS256", KEY,
	  TOK_ACCESS, TOK_MSG_WRONG_TYPE },
};

static const struct {
	const char	*payload;
	int		 rc;
	long long	 id;
} ids[] = {
	{ "\"user_id\":42", 1, 42 },
	{ "\"user_id\":\"42\"", 1, 42 },
	{ "\"user_id\":\" 4_2 \"", 1, 42 },
	{ "\"user_id\":42.9", 1, 42 },
	{ "\"user_id\":\"abc\"", -1, 0 },
	{ "\"user_id\":\"42.0\"", -1, 0 },
	{ "\"user_id\":null", -1, 0 },
	{ "\"user_id\":true", -1, 0 },
	{ "\"user_id\":[42]", -1, 0 },
	{ "\"user_id\":{}", -1, 0 },
	{ "\"user_id\":\"99999999999999999999\"", -1, 0 },
	{ "\"other\":1", 0, 0 },
};

int
main(void)
{
	struct cfg	 c;
	struct tok	 t;
	struct buf	 b = BUF_INIT;
	char		 err[256], payload[512], *r = NULL, *a = NULL, *a2 = NULL;
	const char	*msg;
	double		 now = (double)time(NULL);
	int64_t		 id;
	size_t		 i;
	int		 rc;
	json_object	*v;

	ok(cfg_load_text(&c, "secret_key = " KEY "\n", NULL, err, sizeof(err)) == 0, "config");

	/* The original's tokens are ours. */
	ok(tok_decode(&c, pyjwt_access, strlen(pyjwt_access), TOK_ACCESS, now, &t, &msg) == 0,
	    "PyJWT/simplejwt access token accepted");
	ok(tok_user_id(&t, &id) == 1 && id == 42, "its user_id");
	tok_free(&t);
	ok(tok_decode(&c, pyjwt_refresh, strlen(pyjwt_refresh), TOK_REFRESH, now, &t, &msg) == 0,
	    "PyJWT/simplejwt refresh token accepted");
	ok(tok_access_from_refresh(&c, &t, (time_t)now, &a2) == 0, "access from that refresh");
	tok_free(&t);
	ok(tok_decode(&c, a2, strlen(a2), TOK_ACCESS, now, &t, &msg) == 0, "decodes");
	ok(json_object_object_get_ex(t.payload, "iat", &v) && json_object_get_int64(v) == 1700000000,
	    "iat copied from the refresh token");
	ok(json_object_object_get_ex(t.payload, "exp", &v) && json_object_get_int64(v) == (int64_t)now + 300,
	    "exp = now + 300");
	ok(json_object_object_get_ex(t.payload, "jti", &v) &&
	    strcmp(json_object_get_string(v), "fedcba9876543210fedcba9876543210") != 0, "a new jti");
	tok_free(&t);
	tok_str_free(a2);
	ok(tok_decode(&c, pyjwt_access, strlen(pyjwt_access), TOK_ACCESS, 4102444800.0, &t, &msg) == -1 &&
	    strcmp(msg, TOK_MSG_INVALID) == 0, "rejected at exp exactly");
	ok(tok_decode(&c, pyjwt_access, strlen(pyjwt_access), TOK_ACCESS, 4102444799.5, &t, &msg) == 0,
	    "accepted half a second before exp");
	tok_free(&t);

	/* Our own pair. */
	ok(tok_issue_pair(&c, 7, (time_t)now, &r, &a) == 0, "issue a pair");
	ok(strncmp(a, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 37) == 0, "header {\"alg\":\"HS256\",\"typ\":\"JWT\"}");
	ok(tok_decode(&c, a, strlen(a), TOK_ACCESS, now, &t, &msg) == 0, "access decodes as access");
	ok(json_object_object_length(t.payload) == 5, "five claims");
	ok(json_object_object_get_ex(t.payload, "exp", &v) && json_object_get_int64(v) == (int64_t)now + 300, "exp");
	ok(json_object_object_get_ex(t.payload, "jti", &v) && json_object_get_string_len(v) == 32, "jti of 32 hex");
	ok(json_object_object_get_ex(t.payload, "user_id", &v) && json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) == 7, "user_id is a number");
	tok_free(&t);
	ok(tok_decode(&c, r, strlen(r), TOK_REFRESH, now, &t, &msg) == 0, "refresh decodes as refresh");
	ok(json_object_object_get_ex(t.payload, "exp", &v) && json_object_get_int64(v) == (int64_t)now + 86400, "refresh exp");
	tok_free(&t);
	ok(tok_decode(&c, r, strlen(r), TOK_UNTYPED, now, &t, &msg) == 0, "verify accepts a refresh token");
	tok_free(&t);
	ok(tok_decode(&c, r, strlen(r), TOK_ACCESS, now, &t, &msg) == -1 && strcmp(msg, TOK_MSG_WRONG_TYPE) == 0,
	    "refresh is not access");
	ok(tok_decode(&c, a, strlen(a) - 1, TOK_ACCESS, now, &t, &msg) == -1, "truncated signature");
	ok(tok_decode(&c, a, strlen(a), TOK_ACCESS, now + 301, &t, &msg) == -1, "expired after 300 s");
	ok(tok_decode(&c, "", 0, TOK_ACCESS, now, &t, &msg) == -1, "empty");
	ok(tok_decode(&c, "a.b.c", 5, TOK_ACCESS, now, &t, &msg) == -1, "a.b.c");
	ok(tok_decode(&c, "abc", 3, TOK_ACCESS, now, &t, &msg) == -1, "no dots");
	ok(tok_decode(&c, "a\0b.c.d", 7, TOK_ACCESS, now, &t, &msg) == -1, "NUL byte");
	tok_str_free(r);
	tok_str_free(a);

	for (i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		with_now(payload, sizeof(payload), rejects[i].payload, (long)now);
		forge(&b, rejects[i].header, payload, rejects[i].key, rejects[i].alg);
		msg = NULL;
		rc = tok_decode(&c, b.p, b.len, rejects[i].want, now, &t, &msg);
		ok(rc == -1 && msg != NULL && strcmp(msg, rejects[i].msg) == 0, "reject %s: %s",
		    rejects[i].name, rc == 0 ? "(accepted)" : msg ? msg : "(no message)");
		if (rc == 0)
			tok_free(&t);
	}
	/* The same forge, correctly: accepted (the forging is right). */
	(void)snprintf(payload, sizeof(payload), "{\"token_type\":\"access\",\"exp\":%ld9,\"jti\":\"x\"}", (long)now);
	forge(&b, H256, payload, KEY, "HS256");
	ok(tok_decode(&c, b.p, b.len, TOK_ACCESS, now, &t, &msg) == 0, "control: a well-formed forged token is accepted");
	ok(tok_user_id(&t, &id) == 0, "without user_id: 0");
	tok_free(&t);

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		(void)snprintf(payload, sizeof(payload),
		    "{\"token_type\":\"access\",\"exp\":%ld9,\"jti\":\"x\",%s}", (long)now, ids[i].payload);
		forge(&b, H256, payload, KEY, "HS256");
		id = 0;
		if (!ok(tok_decode(&c, b.p, b.len, TOK_ACCESS, now, &t, &msg) == 0, "decode %s", ids[i].payload))
			continue;
		ok(tok_user_id(&t, &id) == ids[i].rc && id == ids[i].id, "user_id %s -> %d %lld",
		    ids[i].payload, ids[i].rc, ids[i].id);
		tok_free(&t);
	}
	buf_free(&b);
	cfg_free(&c);
	return tap_done();
}
