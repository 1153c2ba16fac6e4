/*
 * ep_login.c - POST /api/user/login/ (the seed's UserLoginView).
 */
#include "config.h"

#include <crypt.h>
#include <string.h>

#include "log.h"
#include "pw.h"
#include "throttle.h"
#include "views.h"

/* UserLoginSerializer; password up to 255 (SPEC_OVERRIDES 4), not the model's 128. */
enum { LOGIN_EMAIL, LOGIN_PASSWORD, LOGIN__MAX };

static const struct field_spec fields[] = {
	[LOGIN_EMAIL] =	   { "email", FT_EMAIL, 255, NULL, NULL, 0 },
	[LOGIN_PASSWORD] = { "password", FT_CHAR, 255, NULL, NULL, 0 },
};
_Static_assert(nitems(fields) == LOGIN__MAX && LOGIN__MAX <= EP_MAXFIELDS, "login fields");

/*
 * authenticate(email, password): a token pair, or the seed's 404 for an
 * unknown e-mail, a wrong password or an inactive user alike.  A hash of
 * the original's (or an older method) is upgraded to ours.
 *
 * The throttles (throttle.h) count the attempt first, per client address
 * and per account (the e-mail as the lookup compares it, known or not),
 * before the user is looked up or any hash computed: a throttled login
 * (429) costs no hashing and reads the same for every address.  A login
 * that succeeds clears its account's failures and is given back to the
 * client's count; a failed one stays counted.
 */
static enum err
post(struct ctx *c)
{
	struct field_value	*in = c->in;
	struct db_user		 u;
	char			 hash[CRYPT_OUTPUT_SIZE];
	char			 client[THROTTLE_IDENTLEN], account[THROTTLE_IDENTLEN] = "";
	const char		*stored = u.password;	/* the hash stored now */
	int			 ok = 0, rehash = 0, counted = 0;
	enum db_rc		 rc;
	enum err		 e;

	memset(&u, 0, sizeof(u));
	memset(hash, 0, sizeof(hash));
	throttle_client_ident(c->client, client);
	if ((e = throttle_take(c->db, c->cfg, THR_LOGIN_CLIENT, client, c->now, &c->err)) != ERR_OK)
		return e;
	if (throttle_on(c->cfg, THR_LOGIN_ACCOUNT)) {
		if (throttle_email_ident(c->db, c->cfg, in[LOGIN_EMAIL].s, in[LOGIN_EMAIL].len,
		    account) != ERR_OK) {
			e = errinfo_set(&c->err, ERR_UNAVAILABLE, NULL);
			goto uncount;
		}
		if ((e = throttle_take(c->db, c->cfg, THR_LOGIN_ACCOUNT, account, c->now,
		    &c->err)) != ERR_OK) {
			/* Counted for the client all the same: a guess at a locked account. */
			if (e != ERR_THROTTLED)
				goto uncount;
			return e;
		}
		counted = 1;
	}
	switch ((rc = db_user_by_email(c->db, in[LOGIN_EMAIL].s, in[LOGIN_EMAIL].len, &u))) {
	case DB_OK:
		c->audit_user = u.id;
		ok = pw_verify(in[LOGIN_PASSWORD].s, in[LOGIN_PASSWORD].len, u.password, &rehash);
		break;
	case DB_NONE:
		/* ModelBackend hashes anyway so an unknown email takes as long. */
		pw_burn(in[LOGIN_PASSWORD].s, in[LOGIN_PASSWORD].len);
		break;
	default:
		e = view_db_error(c, rc);
		goto uncount;
	}
	if (!ok || !u.is_active) {
		if (rc != DB_OK)
			log_warn("login failed from %s: no such e-mail", c->client);
		else
			log_warn("login failed from %s: %s of user %lld", c->client,
			    !ok ? "wrong password" : "inactive account", (long long)u.id);
		e = errinfo_set(&c->err, ERR_LOGIN, NULL);
		goto out;
	}
	/* Not a failure: the account's count starts again, the client's forgets this one. */
	throttle_forget(c->db, c->cfg, THR_LOGIN_ACCOUNT, account);
	throttle_give_back(c->db, c->cfg, THR_LOGIN_CLIENT, client, c->now);
	if (rehash && pw_hash(in[LOGIN_PASSWORD].s, in[LOGIN_PASSWORD].len, hash,
	    sizeof(hash)) == PW_OK) {
		if (db_user_rehash(c->db, u.id, u.password, hash) == DB_OK) {
			log_info("user %lld: password hash upgraded", (long long)u.id);
			stored = hash;
		} else
			log_warn("user %lld: password hash not upgraded", (long long)u.id);
	}
	c->status = 200;
	e = view_token_pair(c, u.id, stored, u.revoked_at);
	goto out;
uncount:
	/* The database failed: no login was tried, none is counted. */
	if (counted)
		throttle_give_back(c->db, c->cfg, THR_LOGIN_ACCOUNT, account, c->now);
	throttle_give_back(c->db, c->cfg, THR_LOGIN_CLIENT, client, c->now);
out:
	explicit_bzero(hash, sizeof(hash));
	explicit_bzero(&u, sizeof(u));
	return e;
}

const struct endpoint ep_login = {
	.prog = "jwtauth-login",
	.path = "/api/user/login/",
	.view_name = "User Login",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.no_store = 1,
	.handlers = {
		[M_POST] = { .fn = post, .fields = fields, .nfields = LOGIN__MAX, .audit = "login" },
	},
};
