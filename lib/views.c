/*
 * views.c - what each endpoint does once its input is valid: the seed's
 * APIViews and simplejwt's TokenRefreshView / TokenVerifyView.
 *
 * Each handler returns ERR_OK with c->status and a body in c->out, or an
 * error with c->err filled; render.c does the rest.
 */
#include "config.h"

#include <crypt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "email.h"
#include "log.h"
#include "mail.h"
#include "pw.h"
#include "pyrt.h"
#include "resettoken.h"
#include "token.h"
#include "views.h"

#define MSG_MISMATCH	"Password and Confirm password doesn't match!"

int
view_email_unused(void *arg, const char *s, size_t n, enum err *e)
{
	struct ctx	*c = arg;
	struct db_user	 u;
	enum db_rc	 rc = db_user_by_email(c->db, s, n, &u);

	explicit_bzero(&u, sizeof(u));
	switch (rc) {
	case DB_NONE:
		return 1;
	case DB_OK:
		return 0;
	default:
		*e = errinfo_set(&c->err, ERR_UNAVAILABLE, NULL);
		return -1;
	}
}

/* {"refresh": ..., "access": ...} for a user, as get_tokens_for_user. */
static enum err
token_pair(struct ctx *c, int64_t id)
{
	char	*refresh = NULL, *access = NULL;

	if (tok_issue_pair(c->cfg, id, (time_t)c->now, &refresh, &access) == -1)
		return errinfo_set(&c->err, ERR_INTERNAL, NULL);
	jout_obj_open(&c->out);
	jout_kv(&c->out, "refresh", refresh);
	jout_kv(&c->out, "access", access);
	jout_obj_close(&c->out);
	tok_str_free(refresh);
	tok_str_free(access);
	return ERR_OK;
}

/* Hash a new password; a passphrase crypt(3) cannot take is the client's 400. */
static enum err
hash_password(struct ctx *c, const struct field_value *pw, const char *field,
    char *out, size_t outsz)
{
	char	 msg[VERR_MSGLEN];

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
view_register(struct ctx *c)
{
	struct field_value	*in = c->in;
	struct buf		 email = BUF_INIT;
	char			 hash[CRYPT_OUTPUT_SIZE];
	int64_t			 id = 0;
	enum err		 e;

	if (!field_equal(&in[REG_PASSWORD], &in[REG_PASSWORD2])) {
		verr_add(&c->err.verr, "non_field_errors", MSG_MISMATCH);
		return errinfo_set(&c->err, ERR_INVALID, NULL);
	}
	if (email_normalize(in[REG_EMAIL].s, in[REG_EMAIL].len, &email) == -1 ||
	    !buf_ok(&email)) {
		e = errinfo_set(&c->err, ERR_INTERNAL, NULL);
		goto out;
	}
	if (py_utf8_len(email.p, email.len) > 255) {
		/* str.lower() can lengthen a domain ("İ" -> "i̇"); the column holds 255. */
		verr_add(&c->err.verr, "email", "Ensure this field has no more than 255 characters.");
		e = errinfo_set(&c->err, ERR_INVALID, NULL);
		goto out;
	}
	if ((e = hash_password(c, &in[REG_PASSWORD], "password", hash, sizeof(hash))) != ERR_OK)
		goto out;
	switch (db_user_insert(c->db, email.p, email.len, in[REG_NAME].s, in[REG_NAME].len,
	    in[REG_TC].b, hash, &id)) {
	case DB_OK:
		break;
	case DB_DUP:
		/* Lost a race with another registration of the same address. */
		verr_add(&c->err.verr, "email", VIEW_MSG_EMAIL_TAKEN);
		e = errinfo_set(&c->err, ERR_INVALID, NULL);
		goto out;
	default:
		e = errinfo_set(&c->err, ERR_UNAVAILABLE, NULL);
		goto out;
	}
	log_info("registered user %lld", (long long)id);
	c->status = 201;
	e = token_pair(c, id);
out:
	explicit_bzero(hash, sizeof(hash));
	buf_free(&email);
	return e;
}

enum err
view_login(struct ctx *c)
{
	struct field_value	*in = c->in;
	struct db_user		 u;
	char			 hash[CRYPT_OUTPUT_SIZE];
	int			 ok = 0, rehash = 0;
	enum err		 e;

	switch (db_user_by_email(c->db, in[LOGIN_EMAIL].s, in[LOGIN_EMAIL].len, &u)) {
	case DB_OK:
		ok = pw_verify(in[LOGIN_PASSWORD].s, in[LOGIN_PASSWORD].len, u.password, &rehash);
		break;
	case DB_NONE:
		/* ModelBackend hashes anyway so an unknown email takes as long. */
		pw_burn(in[LOGIN_PASSWORD].s, in[LOGIN_PASSWORD].len);
		break;
	default:
		return errinfo_set(&c->err, ERR_UNAVAILABLE, NULL);
	}
	if (!ok || !u.is_active) {
		e = errinfo_set(&c->err, ERR_LOGIN, NULL);
		goto out;
	}
	/* A hash from the original (or an older method): store ours now. */
	if (rehash && pw_hash(in[LOGIN_PASSWORD].s, in[LOGIN_PASSWORD].len, hash,
	    sizeof(hash)) == PW_OK) {
		if (db_user_rehash(c->db, u.id, u.password, hash) == DB_OK)
			log_info("user %lld: password hash upgraded", (long long)u.id);
		else
			log_warn("user %lld: password hash not upgraded", (long long)u.id);
	}
	c->status = 200;
	e = token_pair(c, u.id);
out:
	explicit_bzero(hash, sizeof(hash));
	explicit_bzero(&u, sizeof(u));
	return e;
}

enum err
view_profile(struct ctx *c)
{
	struct jout	*j = &c->out;

	jout_obj_open(j);
	jout_key(j, "id");
	jout_int(j, (long long)c->user.id);
	jout_key(j, "email");
	jout_str(j, c->user.email, c->user.email_len);
	jout_key(j, "name");
	jout_str(j, c->user.name, c->user.name_len);
	jout_key(j, "tc");
	jout_bool(j, c->user.tc);
	jout_obj_close(j);
	c->status = 200;
	return ERR_OK;
}

enum err
view_token_refresh(struct ctx *c)
{
	const struct field_value *raw = &c->in[REFRESH_REFRESH];
	struct tok		 t = { NULL };
	struct db_user		 u;
	const char		*msg;
	char			*access = NULL;
	int64_t			 id;
	enum err		 e;

	if (tok_decode(c->cfg, raw->s, raw->len, TOK_REFRESH, c->now, &t, &msg) == -1)
		return errinfo_set(&c->err, ERR_TOKEN_VIEW, "%s", msg);
	/* SPEC_OVERRIDES 5: a user who is gone or inactive gets no new access token. */
	if (tok_claim_truthy(&t, "user_id")) {
		if (tok_user_id(&t, &id) != 1) {
			e = errinfo_set(&c->err, ERR_NO_ACTIVE_ACCOUNT, NULL);
			goto out;
		}
		switch (db_user_by_id(c->db, id, &u)) {
		case DB_OK:
			break;
		case DB_NONE:
			e = errinfo_set(&c->err, ERR_NO_ACTIVE_ACCOUNT, NULL);
			goto out;
		default:
			e = errinfo_set(&c->err, ERR_UNAVAILABLE, NULL);
			goto out;
		}
		if (!u.is_active) {
			e = errinfo_set(&c->err, ERR_NO_ACTIVE_ACCOUNT, NULL);
			goto out;
		}
	}
	if (tok_access_from_refresh(c->cfg, &t, (time_t)c->now, &access) == -1) {
		e = errinfo_set(&c->err, ERR_INTERNAL, NULL);
		goto out;
	}
	jout_obj_open(&c->out);
	jout_kv(&c->out, "access", access);
	jout_obj_close(&c->out);
	c->status = 200;
	e = ERR_OK;
out:
	tok_str_free(access);
	tok_free(&t);
	return e;
}

enum err
view_token_verify(struct ctx *c)
{
	const struct field_value *raw = &c->in[VERIFY_TOKEN];
	struct tok		 t = { NULL };
	const char		*msg;

	if (tok_decode(c->cfg, raw->s, raw->len, TOK_UNTYPED, c->now, &t, &msg) == -1)
		return errinfo_set(&c->err, ERR_TOKEN_VIEW, "%s", msg);
	tok_free(&t);
	jout_obj_open(&c->out);
	jout_obj_close(&c->out);
	c->status = 200;
	return ERR_OK;
}

#define MSG_RESET_INVALID	"token may be expired or invalid!"

enum err
view_change_password(struct ctx *c)
{
	struct field_value	*in = c->in;
	char			 hash[CRYPT_OUTPUT_SIZE];
	enum err		 e;

	if (!field_equal(&in[CHANGE_PASSWORD], &in[CHANGE_PASSWORD2])) {
		verr_add(&c->err.verr, "non_field_errors", MSG_MISMATCH);
		return errinfo_set(&c->err, ERR_INVALID, NULL);
	}
	if ((e = hash_password(c, &in[CHANGE_PASSWORD], "password", hash, sizeof(hash))) != ERR_OK)
		goto out;
	switch (db_user_set_password(c->db, c->user.id, hash)) {
	case DB_OK:
		break;
	case DB_NONE:
		/* Deleted between authentication and now. */
		e = errinfo_set(&c->err, ERR_USER_NOT_FOUND, NULL);
		goto out;
	default:
		e = errinfo_set(&c->err, ERR_UNAVAILABLE, NULL);
		goto out;
	}
	log_info("user %lld changed the password", (long long)c->user.id);
	jout_obj_open(&c->out);
	jout_kv(&c->out, "success", "password changed successfully");
	jout_obj_close(&c->out);
	c->status = 200;
out:
	explicit_bzero(hash, sizeof(hash));
	return e;
}

enum err
view_send_reset_email(struct ctx *c)
{
	const struct field_value *email = &c->in[RESETMAIL_EMAIL];
	struct db_user		 u;
	struct buf		 uid = BUF_INIT, body = BUF_INIT;
	char			 token[64], why[512];
	enum err		 e = ERR_OK;

	switch (db_user_by_email(c->db, email->s, email->len, &u)) {
	case DB_OK:
		break;
	case DB_NONE:
		verr_add(&c->err.verr, "non_field_errors", "user is not registered");
		return errinfo_set(&c->err, ERR_INVALID, NULL);
	default:
		return errinfo_set(&c->err, ERR_UNAVAILABLE, NULL);
	}
	if (rt_uid_encode(u.id, &uid) == -1 ||
	    rt_make(c->cfg, &u, rt_timestamp((time_t)c->now), 0, token, sizeof(token)) == -1) {
		e = errinfo_set(&c->err, ERR_INTERNAL, NULL);
		goto out;
	}
	/* The seed's f-string, indentation of its closing quotes included. */
	buf_printf(&body, "To reset your password at JWTAuth enter the uid and token provided below:\n"
	    "uid:   %s\ntoken: %s\n\nWarning: Do not share your reset password credentials "
	    "i.e uid and token.\n                ", buf_str(&uid), token);
	if (!buf_ok(&body)) {
		e = errinfo_set(&c->err, ERR_INTERNAL, NULL);
		goto out;
	}
	if (mail_send(c->cfg, u.email, "Reset Your Password", body.p, why, sizeof(why)) == -1) {
		log_err("reset mail for user %lld not sent: %s", (long long)u.id, why);
		e = errinfo_set(&c->err, ERR_MAIL,
		    "The password reset email could not be sent. Try again later.");
		goto out;
	}
	log_info("reset mail sent for user %lld", (long long)u.id);
	jout_obj_open(&c->out);
	jout_kv(&c->out, "success", "password reset link sent successfully, please check your email.");
	jout_obj_close(&c->out);
	c->status = 200;
out:
	explicit_bzero(token, sizeof(token));
	buf_wipe(&body);
	buf_free(&uid);
	explicit_bzero(&u, sizeof(u));
	return e;
}

enum err
view_reset_password(struct ctx *c)
{
	struct field_value	*in = c->in;
	struct db_user		 u;
	char			 hash[CRYPT_OUTPUT_SIZE];
	int64_t			 id;
	enum err		 e;

	memset(&u, 0, sizeof(u));
	if (!field_equal(&in[RESET_PASSWORD], &in[RESET_PASSWORD2])) {
		verr_add(&c->err.verr, "non_field_errors", MSG_MISMATCH);
		return errinfo_set(&c->err, ERR_INVALID, NULL);
	}
	/* SPEC_OVERRIDES 1: any uid that names no user is an invalid token, never a 500. */
	if (rt_uid_decode(c->params[0], strlen(c->params[0]), &id) == -1)
		goto invalid;
	switch (db_user_by_id(c->db, id, &u)) {
	case DB_OK:
		break;
	case DB_NONE:
		goto invalid;
	default:
		return errinfo_set(&c->err, ERR_UNAVAILABLE, NULL);
	}
	if (!rt_check(c->cfg, &u, c->params[1], strlen(c->params[1]),
	    rt_timestamp((time_t)c->now)))
		goto invalid;
	if ((e = hash_password(c, &in[RESET_PASSWORD], "password", hash, sizeof(hash))) != ERR_OK)
		goto out;
	switch (db_user_reset_password(c->db, u.id, u.password, hash)) {
	case DB_OK:
		break;
	case DB_NONE:
		goto invalid;	/* the password changed meanwhile: the token is spent */
	default:
		e = errinfo_set(&c->err, ERR_UNAVAILABLE, NULL);
		goto out;
	}
	log_info("user %lld reset the password", (long long)u.id);
	jout_obj_open(&c->out);
	jout_kv(&c->out, "success", "password reset successfully.");
	jout_obj_close(&c->out);
	c->status = 200;
	e = ERR_OK;
	goto out;
invalid:
	verr_add(&c->err.verr, "non_field_errors", MSG_RESET_INVALID);
	e = errinfo_set(&c->err, ERR_INVALID, NULL);
out:
	explicit_bzero(hash, sizeof(hash));
	explicit_bzero(&u, sizeof(u));
	return e;
}
