/*
 * token.c - JWTs as simplejwt 5.2.2 makes and checks them (see token.h).
 *
 * Tokens are signed and verified here, without libjwt (jws_verify says
 * why): signed as PyJWT 2.6 encodes simplejwt's claims; checked: the
 * signature as PyJWT 2.6 checks it with the
 * algorithm pinned to HS256, then PyJWT's claim checks (iat, nbf, exp) and
 * simplejwt's (exp present, jti present, token_type present and right
 * except for the verify view's UntypedToken).
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "buf.h"
#include "hmac.h"
#include "jout.h"
#include "log.h"
#include "pycompat.h"
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

/*
 * PyJWT's base64url_decode: pad to a multiple of four, then
 * base64.urlsafe_b64decode, which skips characters outside the alphabet.
 */
static int
b64url_decode(const char *s, size_t n, struct buf *out)
{
	return py_a2b_base64(s, n, (4 - n % 4) % 4, PY_B64_URLSAFE, out);
}

/*
 * json.loads(b) for the decoded header or payload, when the result is an
 * object: strict JSON, valid UTF-8 (a UTF-8 BOM is skipped, as Python's
 * detect_encoding does), whitespace allowed around it.  NULL otherwise.
 * Not reproduced: Python's NaN/Infinity literals and UTF-16/32 input; only
 * the holder of the signing key can make such a token.
 */
static json_object *
json_object_of(const char *s, size_t n)
{
	struct json_tokener	*tk;
	json_object		*o;
	size_t			 end;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		n -= 3;
	}
	if (n > INT_MAX || (tk = json_tokener_new()) == NULL)
		return NULL;
	json_tokener_set_flags(tk, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tk, s, (int)n);
	end = o != NULL ? json_tokener_get_parse_end(tk) : 0;
	json_tokener_free(tk);
	while (o != NULL && end < n && (s[end] == ' ' || s[end] == '\t' ||
	    s[end] == '\n' || s[end] == '\r'))
		end++;
	if (o == NULL || end != n || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* A member of a JSON object is exactly the string want (no NUL inside). */
static int
member_is(json_object *obj, const char *key, const char *want)
{
	json_object	*v;

	return json_object_object_get_ex(obj, key, &v) &&
	    json_object_is_type(v, json_type_string) &&
	    (size_t)json_object_get_string_len(v) == strlen(want) &&
	    memcmp(json_object_get_string(v), want, strlen(want)) == 0;
}

/*
 * The keys a token with JOSE header hdr may be signed with, into out (at
 * most CFG_MAXKEYS); returns their number.  secret_key alone: that key,
 * whatever the header says (PyJWT ignores "kid").  With [keys]: the key
 * whose id is the string "kid" (none for an unknown id or another type),
 * or, without "kid", the keys marked legacy, or the only key (it signs
 * without "kid").
 */
static size_t
keys_for(const struct cfg *c, json_object *hdr, const struct cfg_key **out)
{
	json_object	*kid;
	const char	*s;
	size_t		 i, n = 0, len;

	if (!c->keyed) {
		out[0] = &c->keyring[0];
		return 1;
	}
	if (json_object_object_get_ex(hdr, "kid", &kid)) {
		if (!json_object_is_type(kid, json_type_string))
			return 0;
		s = json_object_get_string(kid);
		len = (size_t)json_object_get_string_len(kid);
		for (i = 0; i < c->nkeys; i++)
			if (strlen(c->keyring[i].id) == len &&
			    memcmp(c->keyring[i].id, s, len) == 0) {
				out[0] = &c->keyring[i];
				return 1;
			}
		return 0;
	}
	for (i = 0; i < c->nkeys; i++)
		if (c->keyring[i].legacy || c->nkeys == 1)
			out[n++] = &c->keyring[i];
	return n;
}

/*
 * The payload of raw if it is a JWS that PyJWT 2.6's jwt.decode(raw, key,
 * algorithms=["HS256"]) accepts with a key keys_for() picks, else NULL.
 *
 * Why not libjwt 1.10's jwt_decode(): it refuses any JOSE "typ" but
 * "JWT" inside that call, and PyJWT accepts any "typ", none, and extra
 * members such as "kid".  So the JWS is checked here, as PyJWT's
 * api_jws._load and _verify_signature do it: the last '.' ends the signing
 * input and its first '.' ends the header (a payload segment may hold
 * more dots); each segment is base64url-decoded leniently; the header is a
 * JSON object whose "alg" is exactly "HS256" (pinned: no "none", no other
 * HS*) and whose "b64" is not false; the signature is HMAC-SHA256 of the
 * exact received signing input, compared in constant time.  (libjwt also
 * sorts the payload's keys when it signs, where PyJWT keeps simplejwt's
 * order; issue() signs here too.)
 */
static json_object *
jws_verify(const struct cfg *c, const char *raw, size_t n)
{
	struct buf	 b = BUF_INIT;
	json_object	*hdr = NULL, *v, *p = NULL;
	unsigned char	 mac[HMAC_SHA256_LEN];
	const struct cfg_key *keys[CFG_MAXKEYS];
	const char	*sig, *dot1;
	size_t		 signlen, nkeys, i;
	int		 good = 0;

	if ((sig = memrchr(raw, '.', n)) == NULL)
		return NULL;
	signlen = (size_t)(sig - raw);
	sig++;
	if ((dot1 = memchr(raw, '.', signlen)) == NULL)
		return NULL;
	/* Header. */
	if (b64url_decode(raw, (size_t)(dot1 - raw), &b) == -1 ||
	    (hdr = json_object_of(b.p, b.len)) == NULL)
		goto out;
	if (json_object_object_get_ex(hdr, "b64", &v) &&
	    json_object_is_type(v, json_type_boolean) && !json_object_get_boolean(v))
		goto out;	/* a detached payload, which simplejwt never passes */
	if (!member_is(hdr, "alg", "HS256"))
		goto out;
	if ((nkeys = keys_for(c, hdr, keys)) == 0)
		goto out;	/* an unknown or retired key id */
	/* Signature. */
	buf_reset(&b);
	if (b64url_decode(sig, n - signlen - 1, &b) == -1 || !buf_ok(&b))
		goto out;
	for (i = 0; i < nkeys && !good; i++) {
		hmac_sha256(keys[i]->secret, keys[i]->len, raw, signlen, mac);
		good = py_compare_digest(b.p, b.len, mac, sizeof(mac));
	}
	if (!good)
		goto out;
	/* Payload. */
	buf_reset(&b);
	if (b64url_decode(dot1 + 1, signlen - (size_t)(dot1 + 1 - raw), &b) == -1)
		goto out;
	p = json_object_of(b.p, b.len);
out:
	explicit_bzero(mac, sizeof(mac));
	buf_wipe(&b);
	json_object_put(hdr);
	return p;
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
	json_object	*p = NULL, *v;
	const char	*type;
	int		 rc = -1;

	t->payload = NULL;
	*msg = TOK_MSG_INVALID;
	if (n == 0 || n > 8192 || memchr(raw, '\0', n) != NULL)
		goto out;
	if ((p = jws_verify(c, raw, n)) == NULL)
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
	/* verify_token_type(); UntypedToken's does nothing. */
	if (want != TOK_UNTYPED) {
		type = want == TOK_ACCESS ? "access" : "refresh";
		if (!json_object_object_get_ex(p, "token_type", &v)) {
			*msg = TOK_MSG_NO_TYPE;
			goto out;
		}
		/* self.token_type != token_type: only the very string matches. */
		if (!member_is(p, "token_type", type)) {
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
	int64_t		 i;

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
		if (py_int_parse(s, (size_t)json_object_get_string_len(v), &i) != 0)
			return -1;
		*id = i;
		return 1;
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

	/* The kernel's CSPRNG, as os.urandom (uuid4) reads it; no OpenSSL DRBG to set up. */
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -1;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (i = 0; i < sizeof(b); i++)
		(void)snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

/* PyJWT 2.6's header for HS256, {"alg":"HS256","typ":"JWT"}, base64url-encoded. */
#define JWS_HEADER_B64	"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"

/*
 * The JOSE header of a new token, base64url-encoded, appended to out: the
 * original's with one key; with several, PyJWT 2.6's for
 * headers={"kid": id} (keys sorted, compact separators; an id needs no
 * JSON escape, cfg.c allows none that would).  0, or -1.
 */
static int
jws_header(const struct cfg *c, struct buf *out)
{
	char	 hdr[64 + CFG_KIDMAX];
	int	 n;

	if (c->nkeys < 2)
		return buf_puts(out, JWS_HEADER_B64);
	n = snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"kid\":\"%s\",\"typ\":\"JWT\"}",
	    c->keyring[c->signing].id);
	if (n < 0 || (size_t)n >= sizeof(hdr))
		return -1;
	return py_urlsafe_b64encode_nopad((const unsigned char *)hdr, (size_t)n, out);
}

/*
 * A claim's value as PyJWT's json.dumps writes what json.loads read: ints
 * as they were, floats by repr(), strings and containers in their order.
 * -1 past JOUT_MAXDEPTH (a token of ours never nests).
 */
static int
put_value(struct jout *j, json_object *v, int depth)
{
	char	 num[64];
	size_t	 i, n;

	if (depth >= JOUT_MAXDEPTH)
		return -1;
	switch (json_object_get_type(v)) {
	case json_type_null:
		jout_null(j);
		return 0;
	case json_type_boolean:
		jout_bool(j, json_object_get_boolean(v));
		return 0;
	case json_type_int:
		if (json_object_get_int64(v) == INT64_MAX)
			(void)snprintf(num, sizeof(num), "%llu",
			    (unsigned long long)json_object_get_uint64(v));
		else
			(void)snprintf(num, sizeof(num), "%lld",
			    (long long)json_object_get_int64(v));
		jout_number(j, num);
		return 0;
	case json_type_double:
		if (py_float_repr(json_object_get_double(v), num, sizeof(num)) == -1)
			return -1;
		jout_number(j, num);
		return 0;
	case json_type_string:
		jout_str(j, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		return 0;
	case json_type_array:
		jout_arr_open(j);
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			if (put_value(j, json_object_array_get_idx(v, i), depth + 1) == -1)
				return -1;
		jout_arr_close(j);
		return 0;
	case json_type_object:
		jout_obj_open(j);
		json_object_object_foreach(v, key, val) {
			jout_key(j, key);
			if (put_value(j, val, depth + 1) == -1)
				return -1;
		}
		jout_obj_close(j);
		return 0;
	}
	return -1;
}

/*
 * A new token, as simplejwt's Token() and PyJWT's encode() make it: the
 * claims token_type, exp = now + lifetime, iat = now, a fresh jti, in that
 * order; then user_id (with_user) or the claims of refresh but token_type,
 * exp and jti (an existing key keeps its place, as in a Python dict).  The
 * payload is compact ASCII JSON; the signature HMAC-SHA256 over
 * header.payload, both base64url without padding.
 */
static char *
issue(const struct cfg *c, const char *type, long lifetime, time_t now,
    int64_t user_id, int with_user, const struct tok *refresh)
{
	struct buf	 payload = BUF_INIT, out = BUF_INIT;
	struct jout	 j;
	unsigned char	 mac[HMAC_SHA256_LEN];
	char		 jti[33];
	json_object	*iat;

	if (new_jti(jti) == -1)
		return NULL;
	jout_init(&j, &payload, JOUT_PYJWT, 0);
	jout_obj_open(&j);
	jout_kv(&j, "token_type", type);
	jout_key(&j, "exp");
	jout_int(&j, (long long)now + lifetime);
	jout_key(&j, "iat");
	if (refresh != NULL && json_object_object_get_ex(refresh->payload, "iat", &iat)) {
		if (put_value(&j, iat, 1) == -1)
			goto fail;
	} else
		jout_int(&j, (long long)now);
	jout_kv(&j, "jti", jti);
	if (with_user) {
		jout_key(&j, "user_id");
		jout_int(&j, (long long)user_id);
	}
	if (refresh != NULL) {
		json_object_object_foreach(refresh->payload, key, val) {
			if (strcmp(key, "token_type") == 0 || strcmp(key, "exp") == 0 ||
			    strcmp(key, "jti") == 0 || strcmp(key, "iat") == 0)
				continue;
			jout_key(&j, key);
			if (put_value(&j, val, 1) == -1)
				goto fail;
		}
	}
	jout_obj_close(&j);

	if (jws_header(c, &out) == -1)
		goto fail;
	buf_putc(&out, '.');
	py_urlsafe_b64encode_nopad((const unsigned char *)payload.p, payload.len, &out);
	hmac_sha256(c->keyring[c->signing].secret, c->keyring[c->signing].len, out.p, out.len,
	    mac);
	buf_putc(&out, '.');
	py_urlsafe_b64encode_nopad(mac, sizeof(mac), &out);
	explicit_bzero(mac, sizeof(mac));
	if (!buf_ok(&payload) || !buf_ok(&out))
		goto fail;
	buf_free(&payload);
	return out.p;
fail:
	log_err("could not build a %s token", type);
	buf_free(&payload);
	buf_wipe(&out);
	return NULL;
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
	*access = issue(c, "access", c->access_lifetime, now, 0, 0, refresh);
	return *access != NULL ? 0 : -1;
}

void
tok_str_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

const char *
tok_claim_str(const struct tok *t, const char *claim)
{
	json_object	*v;
	const char	*s;

	if (t->payload == NULL || !json_object_object_get_ex(t->payload, claim, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	if (strlen(s) != (size_t)json_object_get_string_len(v))
		return NULL;
	return s;
}

int
tok_claim_num(const struct tok *t, const char *claim, double *v)
{
	json_object	*o;

	if (t->payload == NULL || !json_object_object_get_ex(t->payload, claim, &o) ||
	    !is_number(o))
		return 0;
	*v = num(o);
	return 1;
}

int
tok_issue_pair_claim(const struct cfg *c, int64_t user_id, time_t now, const char *claim,
    const char *value, char **refresh, char **access)
{
	struct tok	 base;
	int		 rc = -1;

	if (claim == NULL)
		return tok_issue_pair(c, user_id, now, refresh, access);
	*refresh = *access = NULL;
	/*
	 * for_user's claims after jti: user_id, then the extra one, copied
	 * into both tokens as issue() copies a refresh token's (the access
	 * token is refresh.access_token in simplejwt, with the same claims).
	 */
	if ((base.payload = json_object_new_object()) == NULL)
		return -1;
	if (json_object_object_add(base.payload, "user_id", json_object_new_int64(user_id)) != 0 ||
	    json_object_object_add(base.payload, claim, json_object_new_string(value)) != 0)
		goto out;
	*refresh = issue(c, "refresh", c->refresh_lifetime, now, 0, 0, &base);
	*access = issue(c, "access", c->access_lifetime, now, 0, 0, &base);
	if (*refresh == NULL || *access == NULL) {
		tok_str_free(*refresh);
		tok_str_free(*access);
		*refresh = *access = NULL;
		goto out;
	}
	rc = 0;
out:
	json_object_put(base.payload);
	return rc;
}

int
tok_rotate(const struct cfg *c, const struct tok *refresh, time_t now, char **out)
{
	struct tok	 copy = { NULL };

	*out = NULL;
	/* Without its iat, issue() writes iat = now in iat's place. */
	if (json_object_deep_copy(refresh->payload, &copy.payload, NULL) != 0)
		return -1;
	json_object_object_del(copy.payload, "iat");
	*out = issue(c, "refresh", c->refresh_lifetime, now, 0, 0, &copy);
	json_object_put(copy.payload);
	return *out != NULL ? 0 : -1;
}
