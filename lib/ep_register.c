/*
 * ep_register.c - POST /api/user/register/ (the seed's UserRegistrationView).
 */
#include "config.h"

#include <crypt.h>
#include <string.h>

#include "email.h"
#include "log.h"
#include "pw.h"
#include "pycompat.h"
#include "throttle.h"
#include "views.h"

/* UserRegistrationSerializer: Meta.fields order; limits from the model. */
enum { REG_EMAIL, REG_NAME, REG_PASSWORD, REG_PASSWORD2, REG_TC, REG__MAX };

static const struct field_spec fields[] = {
	[REG_EMAIL] =	  { "email", FT_EMAIL, 255, view_email_unused, VIEW_MSG_EMAIL_TAKEN, 0 },
	[REG_NAME] =	  { "name", FT_CHAR, 200, NULL, NULL, 0 },
	[REG_PASSWORD] =  { "password", FT_CHAR, 128, NULL, NULL, PW_MAX_BYTES },
	[REG_PASSWORD2] = { "password2", FT_CHAR, 0, NULL, NULL, 0 },
	[REG_TC] =	  { "tc", FT_BOOL, 0, NULL, NULL, 0 },
};
_Static_assert(nitems(fields) == REG__MAX && REG__MAX <= EP_MAXFIELDS, "register fields");

/*
 * serializer.save(): the user, then the pair get_tokens_for_user makes.
 * A valid registration counts for its client address (throttle.h) before
 * the password is hashed; one that fails after that is given back.
 */
static enum err
post(struct ctx *c)
{
	struct field_value	*in = c->in;
	struct buf		 email = BUF_INIT;
	char			 hash[CRYPT_OUTPUT_SIZE];
	char			 client[THROTTLE_IDENTLEN];
	int64_t			 id = 0;
	int			 counted = 0;
	enum db_rc		 rc;
	enum err		 e;

	memset(hash, 0, sizeof(hash));
	if ((e = view_passwords_match(c, &in[REG_PASSWORD], &in[REG_PASSWORD2])) != ERR_OK)
		return e;
	if ((e = view_normalize_email(c, &in[REG_EMAIL], &email)) != ERR_OK)
		goto out;
	throttle_client_ident(c->client, client);
	if ((e = throttle_take(c->db, c->cfg, THR_REGISTER_CLIENT, client, c->now,
	    &c->err)) != ERR_OK)
		goto out;
	counted = 1;
	if ((e = view_hash_password(c, &in[REG_PASSWORD], "password", hash, sizeof(hash))) != ERR_OK)
		goto out;
	switch ((rc = db_user_insert(c->db, email.p, email.len, in[REG_NAME].s, in[REG_NAME].len,
	    in[REG_TC].b, hash, &id))) {
	case DB_OK:
		break;
	case DB_DUP:
		/* Lost a race with another registration of the same address. */
		verr_add(&c->err.verr, "email", VIEW_MSG_EMAIL_TAKEN);
		e = errinfo_set(&c->err, ERR_INVALID, NULL);
		goto out;
	default:
		e = view_db_error(c, rc);
		goto out;
	}
	c->audit_user = id;
	log_info("registered user %lld", (long long)id);
	counted = 0;
	c->status = 201;
	e = view_token_pair(c, id, hash, 0);
out:
	if (counted)
		throttle_give_back(c->db, c->cfg, THR_REGISTER_CLIENT, client, c->now);
	explicit_bzero(hash, sizeof(hash));
	buf_free(&email);
	return e;
}

const struct endpoint ep_register = {
	.prog = "jwtauth-register",
	.path = "/api/user/register/",
	.view_name = "User Registration",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.no_store = 1,
	.handlers = {
		[M_POST] = { .fn = post, .fields = fields, .nfields = REG__MAX, .audit = "register" },
	},
};
