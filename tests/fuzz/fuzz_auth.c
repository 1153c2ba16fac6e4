/*
 * fuzz_auth.c - the Authorization header and JWT decoding: auth.c's
 * get_raw_token, then token.c's decoding and checks as auth_request() and
 * the token views run them (access, refresh, untyped), and on a token that
 * verifies, what the views read from it and make of it (user id, claims,
 * revocation, a new access token, rotation).  The keys are fixed here (the
 * unit tests' KEY with no "kid", KEY2 as "k2") so seeds from
 * tests/unit/t_token.c verify and the claims' checks are reached.
 * Input: the header's value; the whole input is also decoded as a bare
 * token (the refresh, verify and blacklist views' "token" field).
 */
#include "config.h"

#include <stdio.h>

#include "auth.h"
#include "log.h"
#include "token.h"
#include "fuzz.h"

#define KEY	"0123456789abcdef0123456789abcdef-unit"
#define KEY2	"0123456789abcdef0123456789abcdef-unit-2"
#define NOW	1795492815.25		/* 2026-11-24 */

static struct cfg	 cfg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_auth", LOG_ERR);
	fuzz_cfg(&cfg, "fuzz_auth", "[keys]\ncurrent = k1\n"
	    "key1_id = k1\nkey1_secret = " KEY "\nkey1_legacy = 1\n"
	    "key2_id = k2\nkey2_secret = " KEY2 "\n[tokens]\ncheck_revoke_token = 1\n");
	return 0;
}

/* What the views do with a token that verified. */
static void
use(const struct tok *t, enum tok_type type)
{
	struct db_user	 u;
	int64_t		 id;
	double		 d;
	char		*s = NULL;
	volatile size_t	 sink = 0;

	sink += (size_t)tok_user_id(t, &id);
	sink += (size_t)tok_claim_truthy(t, "jti");
	if (tok_claim_str(t, "jti") != NULL)
		sink++;
	sink += (size_t)tok_claim_num(t, "iat", &d);
	memset(&u, 0, sizeof(u));
	u.id = 1;
	u.is_active = 1;
	u.revoked_at = 1795492000;
	(void)snprintf(u.password, sizeof(u.password), "%s", "$y$j9T$salt$hash");
	sink += (size_t)auth_revoked(&cfg, t, &u);
	if (type == TOK_REFRESH) {
		if (tok_access_from_refresh(&cfg, t, (time_t)NOW, &s) == 0)
			sink += strlen(s);
		tok_str_free(s);
		s = NULL;
		if (tok_rotate(&cfg, t, (time_t)NOW, &s) == 0)
			sink += strlen(s);
		tok_str_free(s);
	}
	(void)sink;
}

static void
decode(const char *raw, size_t n)
{
	static const enum tok_type types[] = { TOK_ACCESS, TOK_REFRESH, TOK_UNTYPED };
	struct tok	 t;
	const char	*msg;
	size_t		 i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memset(&t, 0, sizeof(t));
		if (tok_decode(&cfg, raw, n, types[i], NOW, &t, &msg) == 0)
			use(&t, types[i]);
		tok_free(&t);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*hdr;
	const char	*tok;
	size_t		 toklen;

	if ((hdr = fuzz_strndup(data, size)) == NULL)
		return 0;
	if (auth_parse_header(hdr, &tok, &toklen) == AUTH_BEARER)
		decode(tok, toklen);
	else
		decode((const char *)data, size);
	free(hdr);
	return 0;
}
