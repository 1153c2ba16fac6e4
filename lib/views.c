/*
 * views.c - what several endpoints share (see views.h).
 */
#include "config.h"

#include <crypt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "dtime.h"
#include "email.h"
#include "log.h"
#include "pw.h"
#include "pwrules.h"
#include "pycompat.h"
#include "token.h"
#include "views.h"

int
view_email_unused(void *arg, const char *s, size_t n, enum err *e)
{
	struct ctx	*c = arg;
	struct db_user	 u;
	enum db_rc	 rc = db_user_by_email(c->db, s, n, &u);
	int64_t		 id = u.id;

	explicit_bzero(&u, sizeof(u));
	switch (rc) {
	case DB_NONE:
		return 1;
	case DB_OK:
		return c->obj.id != 0 && id == c->obj.id;
	default:
		*e = view_db_error(c, rc);
		return -1;
	}
}

enum err
view_passwords_match(struct ctx *c, const struct field_value *pw, const struct field_value *pw2)
{
	if (field_equal(pw, pw2))
		return ERR_OK;
	verr_add(&c->err.verr, "non_field_errors", VIEW_MSG_MISMATCH);
	return errinfo_set(&c->err, ERR_INVALID, NULL);
}

/*
 * c->now moved past revoked_at's second: a token issued in that second
 * would be refused (its iat is at or before revoked_at).
 */
static void
wait_past(struct ctx *c, int64_t revoked_at)
{
	struct timespec	 ts;
	double		 d = (double)revoked_at + 1 - c->now;

	/* Hosts' clocks a little apart: wait up to two seconds, never more. */
	if (!c->cfg->revoke_on_password_change || d <= 0 || d > 2)
		return;
	d += 0.001;
	ts.tv_sec = (time_t)d;
	ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1)
		continue;
	clock_gettime(CLOCK_REALTIME, &ts);
	c->now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum err
view_token_outstand(struct ctx *c, int64_t id, const char *refresh)
{
	struct tok	 t = { NULL };
	const char	*msg, *jti;
	double		 exp;
	enum db_rc	 rc;
	enum err	 e = ERR_OK;

	/* The jti and exp of the token just made. */
	if (tok_decode(c->cfg, refresh, strlen(refresh), TOK_REFRESH, c->now, &t, &msg) == -1 ||
	    (jti = tok_claim_str(&t, "jti")) == NULL || !tok_claim_num(&t, "exp", &exp)) {
		log_err("cannot read back the refresh token issued");
		e = errinfo_set(&c->err, ERR_INTERNAL, NULL);
		goto out;
	}
	if ((rc = db_token_outstand(c->db, id, jti, refresh, c->now, (int64_t)exp)) != DB_OK)
		e = view_db_error(c, rc);
out:
	tok_free(&t);
	return e;
}

enum err
view_token_pair(struct ctx *c, int64_t id, const char *hash, int64_t revoked_at)
{
	char	*refresh = NULL, *access = NULL, claim[33];
	enum err e;

	wait_past(c, revoked_at);
	if (c->cfg->check_revoke_token && auth_password_claim(hash, claim) == -1)
		return errinfo_set(&c->err, ERR_INTERNAL, NULL);
	if (tok_issue_pair_claim(c->cfg, id, (time_t)c->now,
	    c->cfg->check_revoke_token ? AUTH_REVOKE_CLAIM : NULL, claim, &refresh, &access) == -1)
		return errinfo_set(&c->err, ERR_INTERNAL, NULL);
	if ((e = view_token_outstand(c, id, refresh)) != ERR_OK)
		goto out;
	jout_obj_open(&c->out);
	jout_kv(&c->out, "refresh", refresh);
	jout_kv(&c->out, "access", access);
	jout_obj_close(&c->out);
out:
	tok_str_free(refresh);
	tok_str_free(access);
	return e;
}

enum err
view_token_state(struct ctx *c, const struct tok *t, struct db_token_state *st)
{
	const char	*jti = tok_claim_str(t, "jti");
	enum db_rc	 rc;

	memset(st, 0, sizeof(*st));
	/* Ours are 32 hex digits; a longer one was never recorded (the column holds 255). */
	if (jti == NULL || strlen(jti) > DB_JTI_MAX)
		return ERR_OK;
	if ((rc = db_token_state(c->db, jti, st)) != DB_OK)
		return view_db_error(c, rc);
	return ERR_OK;
}

enum err
view_token_blacklist(struct ctx *c, const struct tok *t, const struct field_value *raw,
    const char *jti, const struct db_token_state *st)
{
	double		 exp = 0;
	enum db_rc	 rc;

	(void)tok_claim_num(t, "exp", &exp);
	if ((rc = db_token_blacklist(c->db, jti, raw->s, (int64_t)exp, st->family,
	    c->now)) != DB_OK)
		return view_db_error(c, rc);
	return ERR_OK;
}

enum err
view_token_revoked(struct ctx *c, const struct tok *t, const struct db_user *u)
{
	switch (auth_revoked(c->cfg, t, u)) {
	case AUTH_REVOKED:
		return errinfo_set(&c->err, ERR_TOKEN_VIEW, "%s", TOK_MSG_INVALID);
	case AUTH_PASSWORD_CHANGED:
		return errinfo_set(&c->err, ERR_PASSWORD_CHANGED, NULL);
	default:
		return ERR_OK;
	}
}

enum err
view_hash_password(struct ctx *c, const struct field_value *pw, const char *field,
    char *out, size_t outsz)
{
	char	 msg[VERR_MSGLEN];
	int	 broken;

	/* validate_password() with the validators [password] turns on. */
	if ((broken = pwrules_check(c->cfg, pw->s, pw->len, field, &c->err.verr)) != 0)
		return errinfo_set(&c->err, broken > 0 ? ERR_INVALID : ERR_INTERNAL, NULL);
	switch (pw_hash(pw->s, pw->len, out, outsz)) {
	case PW_OK:
		return ERR_OK;
	case PW_TOO_LONG:
		(void)snprintf(msg, sizeof(msg),
		    "Ensure this field has no more than %d bytes.", PW_MAX_BYTES);
		verr_add(&c->err.verr, field, msg);
		return errinfo_set(&c->err, ERR_INVALID, NULL);
	default:
		return errinfo_set(&c->err, ERR_INTERNAL, NULL);
	}
}

enum err
view_set_password(struct ctx *c, const struct field_value *pw, const struct field_value *pw2,
    int64_t id, enum err gone)
{
	char		 hash[CRYPT_OUTPUT_SIZE];
	enum db_rc	 rc;
	enum err	 e;

	if ((e = view_passwords_match(c, pw, pw2)) != ERR_OK)
		return e;
	if ((e = view_hash_password(c, pw, "password", hash, sizeof(hash))) != ERR_OK)
		goto out;
	/* A user changing their own password stays logged in: this session's tokens are kept. */
	switch ((rc = db_user_set_password(c->db, id, hash,
	    c->authed && c->user.id == id ? c->auth_iat : 0))) {
	case DB_OK:
		break;
	case DB_NONE:
		e = errinfo_set(&c->err, gone, NULL);
		break;
	default:
		e = view_db_error(c, rc);
		break;
	}
out:
	explicit_bzero(hash, sizeof(hash));
	return e;
}

int
view_current_password(void *arg, const char *s, size_t n, enum err *e)
{
	struct ctx	*c = arg;

	(void)e;
	/* request.user.check_password(value); an unusable hash matches nothing. */
	return c->authed && pw_verify(s, n, c->user.password, NULL);
}

enum err
view_success(struct ctx *c, const char *msg)
{
	jout_obj_open(&c->out);
	jout_kv(&c->out, "success", msg);
	jout_obj_close(&c->out);
	c->status = 200;
	return ERR_OK;
}

enum err
view_db_error(struct ctx *c, enum db_rc rc)
{
	if (rc == DB_ERR)
		return errinfo_set(&c->err, ERR_UNAVAILABLE, NULL);
	log_err("unexpected database answer %d", (int)rc);
	return errinfo_set(&c->err, ERR_INTERNAL, NULL);
}

enum err
view_normalize_email(struct ctx *c, const struct field_value *email, struct buf *out)
{
	if (email_normalize(email->s, email->len, out) == -1 || !buf_ok(out))
		return errinfo_set(&c->err, ERR_INTERNAL, NULL);
	if (py_utf8_len(out->p, out->len) > 255) {
		/* str.lower() can lengthen a domain ("İ" -> "i̇"); the column holds 255. */
		verr_add(&c->err.verr, "email", "Ensure this field has no more than 255 characters.");
		return errinfo_set(&c->err, ERR_INVALID, NULL);
	}
	return ERR_OK;
}

/* A DateTimeField's value: its text, or null. */
static enum err
admin_time(struct ctx *c, const char *key, const char *utc)
{
	char	 iso[DT_ISO_MAX];

	jout_key(&c->out, key);
	if (utc[0] == '\0') {
		jout_null(&c->out);
		return ERR_OK;
	}
	if (dt_iso_local(utc, iso, sizeof(iso)) == -1) {
		log_err("cannot render the datetime \"%s\"", utc);
		return errinfo_set(&c->err, ERR_INTERNAL, NULL);
	}
	jout_cstr(&c->out, iso);
	return ERR_OK;
}

enum err
view_admin_user(struct ctx *c, const struct db_admin_user *u)
{
	struct jout	*j = &c->out;
	enum err	 e;

	jout_obj_open(j);
	jout_key(j, "id");
	jout_int(j, (long long)u->id);
	jout_key(j, "email");
	jout_str(j, u->email, u->email_len);
	jout_key(j, "name");
	jout_str(j, u->name, u->name_len);
	jout_key(j, "tc");
	jout_bool(j, u->tc);
	jout_key(j, "is_active");
	jout_bool(j, u->is_active);
	jout_key(j, "is_admin");
	jout_bool(j, u->is_admin);
	if ((e = admin_time(c, "last_login", u->last_login)) != ERR_OK ||
	    (e = admin_time(c, "created_at", u->created_at)) != ERR_OK ||
	    (e = admin_time(c, "updated_at", u->updated_at)) != ERR_OK)
		return e;
	jout_obj_close(j);
	return ERR_OK;
}

enum err
view_admin_object(struct ctx *c)
{
	const char	*p = c->params[0];
	int64_t		 id = 0;
	enum db_rc	 rc;

	if (p == NULL || *p == '\0')
		return errinfo_set(&c->err, ERR_OBJECT_NOT_FOUND, NULL);
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || id > (INT64_MAX - (*p - '0')) / 10)
			return errinfo_set(&c->err, ERR_OBJECT_NOT_FOUND, NULL);
		id = id * 10 + (*p - '0');
	}
	switch ((rc = db_admin_get(c->db, id, &c->obj))) {
	case DB_OK:
		return ERR_OK;
	case DB_NONE:
		memset(&c->obj, 0, sizeof(c->obj));
		return errinfo_set(&c->err, ERR_OBJECT_NOT_FOUND, NULL);
	default:
		memset(&c->obj, 0, sizeof(c->obj));
		return view_db_error(c, rc);
	}
}

void
view_audit(struct ctx *c, const char *event, int64_t user_id, int64_t target_id,
    enum audit_outcome outcome)
{
	struct audit_rec	 r;

	r.when = c->now;
	r.event = event;
	r.user_id = user_id;
	r.target_id = target_id;
	r.client = c->client;
	r.user_agent = c->req->user_agent;
	r.outcome = outcome;
	audit_write(c->db, c->cfg, &r);
}
