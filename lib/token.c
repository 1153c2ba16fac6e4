/*
 * token.c - JWTs as simplejwt 5.2.2 makes and checks them (see token.h).
 *
 * libjwt 1.10 verifies the signature only: it accepts every HS* algorithm
 * and looks at no claim.  After jwt_decode() this file requires HS256 and
 * then applies PyJWT 2.6's claim checks (iat, nbf, exp) and simplejwt's
 * (exp present, jti present, token_type present and right).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <openssl/rand.h>

#include "log.h"
#include "pyrt.h"
#include "token.h"

/* A JSON number that is not a boolean (json-c keeps them apart). */
static int
is_number(json_object *o)
{
	return json_object_is_type(o, json_type_int) ||
	    json_object_is_type(o, json_type_double);
}

/* Python int(x) of a JSON number: truncation toward zero, as a double. */
static double
py_trunc(json_object *o)
{
	if (json_object_is_type(o, json_type_int))
		return (double)json_object_get_int64(o);
	return trunc(json_object_get_double(o));
}

static double
num(json_object *o)
{
	if (json_object_is_type(o, json_type_int))
		return (double)json_object_get_int64(o);
	return json_object_get_double(o);
}

/* The payload libjwt verified, re-parsed with json-c; NULL if not an object. */
static json_object *
payload_of(jwt_t *jwt)
{
	struct json_tokener	*tk = NULL;
	json_object		*o = NULL;
	char			*s;
	size_t			 n;

	if ((s = jwt_get_grants_json(jwt, NULL)) == NULL)
		return NULL;
	n = strlen(s);
	if ((tk = json_tokener_new()) == NULL)
		goto out;
	json_tokener_set_flags(tk, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tk, s, (int)n);
	if (o == NULL || json_tokener_get_parse_end(tk) != n ||
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
out:
	if (tk != NULL)
		json_tokener_free(tk);
	free(s);
	return o;
}

/*
 * PyJWT's _validate_claims (leeway 0): iat not in the future, nbf reached,
 * exp not reached; each must be a number when present (SPEC_OVERRIDES: a
 * non-number is an invalid token, not a crash).  now_i is PyJWT's whole
 * seconds.
 */
static int
pyjwt_claims(json_object *p, double now_i)
{
	json_object	*v;

	if (json_object_object_get_ex(p, "iat", &v))
		if (!is_number(v) || num(v) > now_i)
			return -1;
	if (json_object_object_get_ex(p, "nbf", &v))
		if (!is_number(v) || py_trunc(v) > now_i)
			return -1;
	if (json_object_object_get_ex(p, "exp", &v))
		if (!is_number(v) || py_trunc(v) <= now_i)
			return -1;
	return 0;
}

int
tok_decode(const struct cfg *c, const char *raw, size_t n, enum tok_type want,
    double now, struct tok *t, const char **msg)
{
	jwt_t		*jwt = NULL;
	json_object	*p = NULL, *v;
	char		*s = NULL;
	const char	*type;
	int		 rc = -1;

	t->payload = NULL;
	*msg = TOK_MSG_INVALID;
	if (n == 0 || n > 8192 || memchr(raw, '\0', n) != NULL)
		goto out;
	if ((s = strndup(raw, n)) == NULL)
		goto out;
	if (jwt_decode(&jwt, s, (const unsigned char *)c->secret_key,
	    (int)c->secret_len) != 0 || jwt == NULL)
		goto out;
	if (jwt_get_alg(jwt) != JWT_ALG_HS256)
		goto out;
	if ((p = payload_of(jwt)) == NULL)
		goto out;
	if (pyjwt_claims(p, floor(now)) == -1)
		goto out;
	/* simplejwt Token.verify(). */
	if (!json_object_object_get_ex(p, "exp", &v)) {
		*msg = TOK_MSG_NO_EXP;
		goto out;
	}
	if (num(v) <= now) {
		*msg = TOK_MSG_EXPIRED;
		goto out;
	}
	if (!json_object_object_get_ex(p, "jti", NULL)) {
		*msg = TOK_MSG_NO_ID;
		goto out;
	}
	if (!json_object_object_get_ex(p, "token_type", &v)) {
		*msg = TOK_MSG_NO_TYPE;
		goto out;
	}
	if (want != TOK_UNTYPED) {
		type = want == TOK_ACCESS ? "access" : "refresh";
		if (!json_object_is_type(v, json_type_string) ||
		    strcmp(json_object_get_string(v), type) != 0 ||
		    (size_t)json_object_get_string_len(v) != strlen(type)) {
			*msg = TOK_MSG_WRONG_TYPE;
			goto out;
		}
	}
	t->payload = p;
	p = NULL;
	*msg = NULL;
	rc = 0;
out:
	json_object_put(p);
	if (jwt != NULL)
		jwt_free(jwt);
	if (s != NULL) {
		explicit_bzero(s, n);
		free(s);
	}
	return rc;
}

void
tok_free(struct tok *t)
{
	json_object_put(t->payload);
	t->payload = NULL;
}

int
tok_user_id(const struct tok *t, int64_t *id)
{
	json_object	*v;
	const char	*s;
	double		 d;

	if (!json_object_object_get_ex(t->payload, "user_id", &v))
		return 0;
	switch (json_object_get_type(v)) {
	case json_type_int:
		*id = json_object_get_int64(v);
		return 1;
	case json_type_double:
		/* Django's IntegerField: int(value) truncates. */
		d = trunc(json_object_get_double(v));
		if (!(d >= -9.2e18 && d <= 9.2e18))
			return -1;
		*id = (int64_t)d;
		return 1;
	case json_type_string:
		s = json_object_get_string(v);
		return py_int_parse(s, (size_t)json_object_get_string_len(v), id) == 0 ? 1 : -1;
	default:
		return -1;	/* null, bool, list, object: no such user */
	}
}

int
tok_claim_truthy(const struct tok *t, const char *claim)
{
	json_object	*v;

	if (!json_object_object_get_ex(t->payload, claim, &v) || v == NULL)
		return 0;
	switch (json_object_get_type(v)) {
	case json_type_boolean:
		return json_object_get_boolean(v);
	case json_type_int:
		return json_object_get_int64(v) != 0;
	case json_type_double:
		return json_object_get_double(v) != 0.0;
	case json_type_string:
		return json_object_get_string_len(v) > 0;
	case json_type_array:
		return json_object_array_length(v) > 0;
	case json_type_object:
		return json_object_object_length(v) > 0;
	default:
		return 0;
	}
}

/* uuid.uuid4().hex into out[33]. */
static int
new_jti(char out[33])
{
	unsigned char	 b[16];
	size_t		 i;

	if (RAND_bytes(b, sizeof(b)) != 1)
		return -1;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (i = 0; i < sizeof(b); i++)
		(void)snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

/*
 * A new token: token_type, exp = now + lifetime, iat = now, a fresh jti,
 * then extra (a JSON object text, may be NULL) merged over it.
 */
static char *
issue(const struct cfg *c, const char *type, long lifetime, time_t now,
    int64_t user_id, int with_user, const char *extra)
{
	jwt_t	*jwt = NULL;
	char	 jti[33], *out = NULL;

	if (new_jti(jti) == -1)
		return NULL;
	if (jwt_new(&jwt) != 0)
		return NULL;
	if (jwt_set_alg(jwt, JWT_ALG_HS256, (const unsigned char *)c->secret_key,
	    (int)c->secret_len) != 0 ||
	    jwt_add_grant(jwt, "token_type", type) != 0 ||
	    jwt_add_grant_int(jwt, "exp", (long)(now + lifetime)) != 0 ||
	    jwt_add_grant_int(jwt, "iat", (long)now) != 0 ||
	    jwt_add_grant(jwt, "jti", jti) != 0)
		goto out;
	if (with_user && jwt_add_grant_int(jwt, "user_id", (long)user_id) != 0)
		goto out;
	if (extra != NULL && jwt_add_grants_json(jwt, extra) != 0)
		goto out;
	out = jwt_encode_str(jwt);
out:
	if (out == NULL)
		log_err("libjwt could not build a %s token", type);
	jwt_free(jwt);
	return out;
}

int
tok_issue_pair(const struct cfg *c, int64_t user_id, time_t now, char **refresh,
    char **access)
{
	*refresh = issue(c, "refresh", c->refresh_lifetime, now, user_id, 1, NULL);
	*access = issue(c, "access", c->access_lifetime, now, user_id, 1, NULL);
	if (*refresh == NULL || *access == NULL) {
		tok_str_free(*refresh);
		tok_str_free(*access);
		*refresh = *access = NULL;
		return -1;
	}
	return 0;
}

int
tok_access_from_refresh(const struct cfg *c, const struct tok *refresh, time_t now,
    char **access)
{
	json_object	*copy = NULL;
	const char	*extra;
	int		 rc = -1;

	*access = NULL;
	if ((copy = json_object_new_object()) == NULL)
		return -1;
	json_object_object_foreach(refresh->payload, key, val) {
		if (strcmp(key, "token_type") == 0 || strcmp(key, "exp") == 0 ||
		    strcmp(key, "jti") == 0)
			continue;
		if (json_object_object_add(copy, key, json_object_get(val)) != 0)
			goto out;
	}
	if ((extra = json_object_to_json_string_ext(copy, JSON_C_TO_STRING_PLAIN)) == NULL)
		goto out;
	if ((*access = issue(c, "access", c->access_lifetime, now, 0, 0, extra)) == NULL)
		goto out;
	rc = 0;
out:
	json_object_put(copy);
	return rc;
}

void
tok_str_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}
