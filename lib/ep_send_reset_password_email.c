/*
 * ep_send_reset_password_email.c - POST /api/user/send-reset-password-email/
 * (the seed's SendPasswordResetEmailView): mail the uid and token that
 * reset-password takes.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "mail.h"
#include "resettoken.h"
#include "throttle.h"
#include "views.h"

/* SendPasswordResetEmailSerializer */
enum { RESETMAIL_EMAIL, RESETMAIL__MAX };

static const struct field_spec fields[] = {
	[RESETMAIL_EMAIL] = { "email", FT_EMAIL, 255, NULL, NULL, 0 },
};
_Static_assert(nitems(fields) == RESETMAIL__MAX && RESETMAIL__MAX <= EP_MAXFIELDS, "reset mail fields");

/*
 * The throttles (throttle.h): every request that gets this far counts for
 * its client address, known address or not (the answer tells which); a
 * mail counts for its account's address, at most one a minute and five a
 * day by default.  A mail that could not be sent is given back.
 */
static enum err
post(struct ctx *c)
{
	const struct field_value *email = &c->in[RESETMAIL_EMAIL];
	struct db_user		 u;
	struct buf		 uid = BUF_INIT, body = BUF_INIT;
	char			 token[64], why[512];
	char			 client[THROTTLE_IDENTLEN], address[THROTTLE_IDENTLEN];
	int			 counted = 0;
	enum db_rc		 rc;
	enum err		 e = ERR_OK;

	memset(token, 0, sizeof(token));
	throttle_client_ident(c->client, client);
	if ((e = throttle_take(c->db, c->cfg, THR_RESET_CLIENT, client, c->now, &c->err)) != ERR_OK)
		return e;
	switch ((rc = db_user_by_email(c->db, email->s, email->len, &u))) {
	case DB_OK:
		c->audit_user = u.id;
		break;
	case DB_NONE:
		verr_add(&c->err.verr, "non_field_errors", "user is not registered");
		return errinfo_set(&c->err, ERR_INVALID, NULL);
	default:
		throttle_give_back(c->db, c->cfg, THR_RESET_CLIENT, client, c->now);
		return view_db_error(c, rc);
	}
	/* The account's address, by its id: the table holds no address. */
	(void)snprintf(address, sizeof(address), "user:%lld", (long long)u.id);
	if ((e = throttle_take(c->db, c->cfg, THR_RESET_ADDRESS, address, c->now,
	    &c->err)) != ERR_OK)
		goto out;
	if ((e = throttle_take(c->db, c->cfg, THR_RESET_ADDRESS_DAILY, address, c->now,
	    &c->err)) != ERR_OK) {
		throttle_give_back(c->db, c->cfg, THR_RESET_ADDRESS, address, c->now);
		goto out;
	}
	counted = 1;
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
		e = errinfo_set(&c->err, ERR_MAIL, NULL);
		goto out;
	}
	log_info("reset mail sent for user %lld", (long long)u.id);
	e = view_success(c, "password reset link sent successfully, please check your email.");
	counted = 0;
out:
	if (counted) {
		/* No mail went: nothing to count against the address or the client. */
		throttle_give_back(c->db, c->cfg, THR_RESET_ADDRESS, address, c->now);
		throttle_give_back(c->db, c->cfg, THR_RESET_ADDRESS_DAILY, address, c->now);
		throttle_give_back(c->db, c->cfg, THR_RESET_CLIENT, client, c->now);
	}
	explicit_bzero(token, sizeof(token));
	buf_wipe(&body);
	buf_free(&uid);
	explicit_bzero(&u, sizeof(u));
	return e;
}

const struct endpoint ep_send_reset_password_email = {
	.prog = "jwtauth-send-reset-password-email",
	.path = "/api/user/send-reset-password-email/",
	.view_name = "Send Password Reset Email",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.sends_mail = 1,
	.handlers = {
		[M_POST] = { .fn = post, .fields = fields, .nfields = RESETMAIL__MAX,
		    .audit = "reset_mail" },
	},
};
