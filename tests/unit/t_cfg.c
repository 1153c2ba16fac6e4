/*
 * t_cfg.c - configuration: defaults, the INI file, environment overrides
 * and every refusal.
 */
#include "config.h"

#include <string.h>

#include "cfg.h"
#include "tap.h"

#define KEY "0123456789abcdef0123456789abcdef"

static const struct {
	const char	*text;
	const char	*env[4];
	const char	*err;		/* substring of the error, NULL = success */
} bad[] = {
	{ "", { NULL }, "no signing key" },
	{ "secret_key = short\n", { NULL }, "at least 32" },
	{ "secret_key = " KEY "\n", { "JWTAUTH_SECRET_KEY=", NULL }, "no signing key" },
	{ "secret_key = " KEY "\nalgorithm = HS512\n", { NULL }, "only HS256" },
	{ "secret_key = " KEY "\nalgorithm = none\n", { NULL }, "only HS256" },
	{ "secret_key = " KEY "\nbogus = 1\n", { NULL }, "unknown key \"bogus\"" },
	{ "secret_key = " KEY "\n[nosuch]\n", { NULL }, "unknown section" },
	{ "secret_key = " KEY "\n[db\n", { NULL }, "malformed section" },
	{ "secret_key = " KEY "\njust words\n", { NULL }, "expected key = value" },
	{ "secret_key = " KEY "\naccess_token_lifetime = 0\n", { NULL }, "from 1 to" },
	{ "secret_key = " KEY "\naccess_token_lifetime = 5m\n", { NULL }, "integer" },
	{ "secret_key = " KEY "\n[db]\nport = 70000\n", { NULL }, "db.port" },
	{ "secret_key = " KEY "\npassword_hash = md5\n", { NULL }, "password_hash" },
	{ "secret_key = " KEY "\n[mail]\nbackend = sendmail\n", { NULL }, "mail.backend" },
	{ "secret_key = " KEY "\n", { "JWTAUTH_DB_PORT=x", NULL }, "JWTAUTH_DB_PORT" },
	{ "secret_key = " KEY "\nlog_level = loud\n", { NULL }, "log_level" },
	{ "secret_key = " KEY "\n[cors]\nallowed_origins = http://[::1\n", { NULL }, "not an origin" },
	{ "secret_key = " KEY "\n[cors]\nallowed_origins = localhost:3000\n", { NULL }, "not an origin" },
	{ "secret_key = " KEY "\n[tokens]\nrotate_refresh_tokens = yes\n", { NULL },
	    "tokens.rotate_refresh_tokens must be an integer from 0 to 1" },
	{ "secret_key = " KEY "\n[tokens]\nreuse_grace_period = 3601\n", { NULL },
	    "tokens.reuse_grace_period must be an integer from 0 to 3600" },
	{ "secret_key = " KEY "\n", { "JWTAUTH_TOKENS_CHECK_REVOKE_TOKEN=2", NULL },
	    "JWTAUTH_TOKENS_CHECK_REVOKE_TOKEN" },
};

int
main(void)
{
	struct cfg	 c;
	char		 err[512] = "";
	const char	*env[] = { "JWTAUTH_SECRET_KEY=" KEY "-from-env", "JWTAUTH_DB_NAME=other",
			    "JWTAUTH_CORS_ALLOWED_ORIGINS=https://a.example, https://b.example",
			    "JWTAUTH_MAIL_PASSWORD=app-password", "UNRELATED=1", NULL };
	size_t		 i;

	/* Defaults: the original's settings. */
	ok(cfg_load_text(&c, "secret_key = " KEY "\n", NULL, err, sizeof(err)) == 0, "minimal file");
	is_int(c.access_lifetime, 300, "access lifetime default");
	is_int(c.refresh_lifetime, 86400, "refresh lifetime default");
	is_int(c.reset_timeout, 600, "reset timeout default");
	is_str(c.time_zone, "Asia/Kolkata", "time zone default");
	is_str(c.algorithm, "HS256", "algorithm default");
	is_int(c.max_body, 65536, "body cap default");
	is_int((long long)c.ncors_origins, 2, "two default CORS origins");
	is_str(c.cors_origins[0], "http://localhost:3000", "CORS origin 1");
	is_str(c.cors_origins[1], "http://127.0.0.1:3000", "CORS origin 2");
	is_str(c.password_hash, "yescrypt", "yescrypt by default");
	is_int(c.mail_backend, MAIL_SMTP, "smtp mail by default");
	is_int((long long)c.secret_len, 32, "secret length");
	cfg_free(&c);

	/* A full file with comments, sections and quotes. */
	ok(cfg_load_text(&c,
	    "# comment\n; also a comment\n[jwtauth]\nsecret_key = \"" KEY "\"\n"
	    "access_token_lifetime = 60\n\n[db]\n  socket = /run/mysqld/mysqld.sock  \nname=accounts\n"
	    "[cors]\nallowed_origins = https://app.example\n[mail]\nbackend = file\ndir = /tmp/m\n",
	    NULL, err, sizeof(err)) == 0, "full file: %s", err);
	is_int(c.access_lifetime, 60, "lifetime from file");
	is_str(c.db_socket, "/run/mysqld/mysqld.sock", "trimmed value");
	is_str(c.db_name, "accounts", "key=value without spaces");
	is_int((long long)c.ncors_origins, 1, "one origin");
	is_int(c.mail_backend, MAIL_FILE, "file backend");
	cfg_free(&c);

	/* The environment wins over the file. */
	ok(cfg_load_text(&c, "secret_key = " KEY "\n[db]\nname = fromfile\n", env, err, sizeof(err)) == 0,
	    "env overrides: %s", err);
	is_str(c.secret_key, KEY "-from-env", "JWTAUTH_SECRET_KEY");
	is_str(c.db_name, "other", "JWTAUTH_DB_NAME");
	is_int((long long)c.ncors_origins, 2, "JWTAUTH_CORS_ALLOWED_ORIGINS split on , and space");
	is_str(c.cors_origins[1], "https://b.example", "second origin");
	is_str(c.mail_password, "app-password", "JWTAUTH_MAIL_PASSWORD");
	cfg_free(&c);

	/* [tokens]: simplejwt's defaults (no rotation), revocation on password change on. */
	ok(cfg_load_text(&c, "secret_key = " KEY "\n", NULL, err, sizeof(err)) == 0, "tokens defaults");
	is_int(c.rotate_refresh, 0, "ROTATE_REFRESH_TOKENS off by default");
	is_int(c.blacklist_after_rotation, 0, "BLACKLIST_AFTER_ROTATION off by default");
	is_int(c.reuse_grace, 10, "reuse grace 10 s by default");
	is_int(c.revoke_on_password_change, 1, "revocation on password change on by default");
	is_int(c.check_revoke_token, 0, "CHECK_REVOKE_TOKEN off by default");
	cfg_free(&c);
	{
		const char *tenv[] = { "JWTAUTH_TOKENS_CHECK_REVOKE_TOKEN=1", NULL };

		ok(cfg_load_text(&c, "secret_key = " KEY "\n[tokens]\nrotate_refresh_tokens = 1\n"
		    "blacklist_after_rotation = 1\nreuse_grace_period = 0\n"
		    "revoke_on_password_change = 0\n", tenv, err, sizeof(err)) == 0, "tokens: %s", err);
		is_int(c.rotate_refresh, 1, "rotate_refresh_tokens = 1");
		is_int(c.blacklist_after_rotation, 1, "blacklist_after_rotation = 1");
		is_int(c.reuse_grace, 0, "reuse_grace_period = 0");
		is_int(c.revoke_on_password_change, 0, "revoke_on_password_change = 0");
		is_int(c.check_revoke_token, 1, "JWTAUTH_TOKENS_CHECK_REVOKE_TOKEN");
		cfg_free(&c);
	}

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ok(cfg_load_text(&c, bad[i].text, bad[i].env, err, sizeof(err)) == -1 &&
		    strstr(err, bad[i].err) != NULL, "refused (%s): %s", bad[i].err, err);
		ok(strstr(err, KEY) == NULL, "the error does not echo the key (%zu)", i);
	}
	return tap_done();
}
