/*
 * views.c - what several endpoints share (see views.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "pw.h"
#include "token.h"
#include "views.h"

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

enum err
view_token_pair(struct ctx *c, int64_t id)
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

enum err
view_hash_password(struct ctx *c, const struct field_value *pw, const char *field,
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
