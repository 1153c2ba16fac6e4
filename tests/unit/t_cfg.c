/*
 * t_cfg.c - configuration: defaults, the INI file, environment overrides
 * and every refusal.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "tap.h"

#define KEY "0123456789abcdef0123456789abcdef"
#define KEY2 "fedcba9876543210fedcba9876543210"
#define ID65 "a234567890123456789012345678901234567890123456789012345678901234x"
#define TWO_KEYS "[keys]\nkey1_id = a\nkey1_secret = " KEY "\nkey2_id = b\nkey2_secret = " KEY2 "\n"

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
	{ "secret_key = " KEY "\n[db]\nretry_after = 0\n", { NULL }, "db.retry_after" },
	{ "secret_key = " KEY "\n[db]\nconnect_timeout = 0\n", { NULL }, "db.connect_timeout" },
	{ "secret_key = " KEY "\npassword_hash = md5\n", { NULL }, "password_hash" },
	{ "secret_key = " KEY "\n[mail]\nbackend = sendmail\n", { NULL }, "mail.backend" },
	{ "secret_key = " KEY "\n", { "JWTAUTH_DB_PORT=x", NULL }, "JWTAUTH_DB_PORT" },
	{ "secret_key = " KEY "\nlog_level = loud\n", { NULL }, "log_level" },
	{ "secret_key = " KEY "\n[cors]\nallowed_origins = http://[::1\n", { NULL }, "not an origin" },
	{ "secret_key = " KEY "\n[cors]\nallowed_origins = localhost:3000\n", { NULL }, "not an origin" },
	{ "secret_key = " KEY "\n[throttle]\nlogin_account_limit = -1\n", { NULL },
	    "throttle.login_account_limit" },
	{ "secret_key = " KEY "\n[throttle]\nlogin_account_window = 0\n", { NULL },
	    "throttle.login_account_window" },
	{ "secret_key = " KEY "\n", { "JWTAUTH_THROTTLE_REGISTER_CLIENT_LIMIT=many", NULL },
	    "JWTAUTH_THROTTLE_REGISTER_CLIENT_LIMIT" },
	{ "secret_key = " KEY "\n[throttle]\nlogin_limit = 5\n", { NULL }, "unknown key" },
	{ "secret_key = " KEY "\n[audit]\nenabled = yes\n", { NULL }, "audit.enabled" },
	{ "secret_key = " KEY "\n[audit]\nuser_agent_length = 256\n", { NULL }, "audit.user_agent_length" },
	{ "secret_key = " KEY "\n[audit]\nretention_days = -1\n", { NULL }, "audit.retention_days" },
	/* [keys] */
	{ "secret_key = " KEY "\n[keys]\nkey1_id = a\nkey1_secret = " KEY2 "\n", { NULL },
	  "secret_key and [keys] are both set" },
	{ "[keys]\nkey1_id = a\nkey1_secret = " KEY2 "\n", { "JWTAUTH_SECRET_KEY=" KEY, NULL },
	  "secret_key and [keys] are both set" },
	{ "[keys]\nkey1_secret = " KEY "\n", { NULL }, "keys.key1_secret is set, but keys.key1_id is empty" },
	{ "[keys]\nkey2_id = a\n", { NULL }, "keys.key2_id \"a\" has no keys.key2_secret" },
	{ "[keys]\nkey1_id = a\nkey1_secret = short\n", { NULL }, "keys.key1_secret is 5 bytes; at least 32" },
	{ "[keys]\nkey1_id = a b\nkey1_secret = " KEY "\n", { NULL }, "an id is 1 to 64 letters" },
	{ "[keys]\nkey1_id = a\"b\nkey1_secret = " KEY "\n", { NULL }, "an id is 1 to 64 letters" },
	{ "[keys]\nkey1_id = \xc3\xa9\nkey1_secret = " KEY "\n", { NULL }, "an id is 1 to 64 letters" },
	{ "[keys]\nkey1_id = " ID65 "\nkey1_secret = " KEY "\n", { NULL }, "an id is 1 to 64 letters" },
	{ "[keys]\nkey1_id = a\nkey1_secret = " KEY "\nkey4_id = a\nkey4_secret = " KEY2 "\n", { NULL },
	  "keys.key4_id \"a\" is also the id of another key" },
	{ TWO_KEYS, { NULL }, "keys.current is empty: with 2 keys" },
	{ TWO_KEYS "current = c\n", { NULL }, "keys.current \"c\" is the id of no key" },
	{ TWO_KEYS "current = A\n", { NULL }, "keys.current \"A\" is the id of no key" },
	{ "[keys]\ncurrent = a\n", { NULL }, "keys.current is set, but no key is" },
	{ TWO_KEYS "current = a\nkey3_legacy = 1\n", { NULL }, "keys.key3_legacy is set, but neither" },
	{ TWO_KEYS "current = a\nkey1_legacy = 2\n", { NULL }, "keys.key1_legacy must be an integer from 0 to 1" },
	{ "", { "JWTAUTH_KEYS_KEY1_ID=a", "JWTAUTH_KEYS_KEY1_SECRET=short-from-env", NULL },
	  "keys.key1_secret is 14 bytes" },
	/* [password] */
	{ "secret_key = " KEY "\n[password]\nmin_length = 129\n", { NULL },
	  "password.min_length must be an integer from 0 to 128" },
	{ "secret_key = " KEY "\n[password]\nmin_length = -1\n", { NULL }, "password.min_length" },
	{ "secret_key = " KEY "\n[password]\ncommon_check = yes\n", { NULL }, "password.common_check" },
	{ "secret_key = " KEY "\n", { "JWTAUTH_PASSWORD_REQUIRE_CURRENT_PASSWORD=2", NULL },
	  "JWTAUTH_PASSWORD_REQUIRE_CURRENT_PASSWORD" },
	/* Hash cost minimums. */
	{ "secret_key = " KEY "\npassword_hash_cost = 1\n", { NULL }, "below yescrypt's default, 5" },
	{ "secret_key = " KEY "\npassword_hash_cost = 4\n", { NULL }, "below yescrypt's default, 5" },
	{ "secret_key = " KEY "\npassword_hash = bcrypt\n", { NULL },
	  "password_hash_cost 0 is bcrypt's cost 5, below the minimum of 10" },
	{ "secret_key = " KEY "\npassword_hash = bcrypt\npassword_hash_cost = 9\n", { NULL },
	  "password_hash_cost 9 is below bcrypt's minimum of 10" },
	{ "secret_key = " KEY "\npassword_hash = sha512crypt\npassword_hash_cost = 1000\n", { NULL },
	  "password_hash_cost 1000 (sha512crypt rounds) is below 5000" },
	{ "secret_key = " KEY "\npassword_hash = sha512crypt\npassword_hash_cost = 4999\n", { NULL },
	  "below 5000" },
	{ "secret_key = " KEY "\npassword_hash = sha512crypt\npassword_hash_cost = 31\n", { NULL },
	  "below 5000" },
	{ "secret_key = " KEY "\npassword_hash_cost = 1000000000\n", { NULL },
	  "password_hash_cost must be an integer from 0 to 999999999" },
	{ "secret_key = " KEY "\n[tokens]\nrotate_refresh_tokens = yes\n", { NULL },
	    "tokens.rotate_refresh_tokens must be an integer from 0 to 1" },
	{ "secret_key = " KEY "\n[tokens]\nreuse_grace_period = 3601\n", { NULL },
	    "tokens.reuse_grace_period must be an integer from 0 to 3600" },
	{ "secret_key = " KEY "\n", { "JWTAUTH_TOKENS_CHECK_REVOKE_TOKEN=2", NULL },
	    "JWTAUTH_TOKENS_CHECK_REVOKE_TOKEN" },
	/* [db] hosts */
	{ "secret_key = " KEY "\n[db]\nhosts = a, b\nsocket = /run/mysqld/mysqld.sock\n", { NULL },
	    "db.hosts and db.socket are both set" },
	{ "secret_key = " KEY "\n", { "JWTAUTH_DB_HOSTS=a", "JWTAUTH_DB_SOCKET=/s", NULL },
	    "db.hosts and db.socket are both set" },
	{ "secret_key = " KEY "\n[db]\nhosts = a,,b\n", { NULL }, "an empty entry" },
	{ "secret_key = " KEY "\n[db]\nhosts = a, , b\n", { NULL }, "an empty entry" },
	{ "secret_key = " KEY "\n[db]\nhosts = a,\n", { NULL }, "an empty entry" },
	{ "secret_key = " KEY "\n[db]\nhosts = ,a\n", { NULL }, "an empty entry" },
	{ "secret_key = " KEY "\n[db]\nhosts = ,\n", { NULL }, "an empty entry" },
	{ "secret_key = " KEY "\n[db]\nhosts = a:0\n", { NULL }, "\"a:0\": a port must be" },
	{ "secret_key = " KEY "\n[db]\nhosts = a:65536\n", { NULL }, "a port must be" },
	{ "secret_key = " KEY "\n[db]\nhosts = a:123456\n", { NULL }, "a port must be" },
	{ "secret_key = " KEY "\n[db]\nhosts = a:\n", { NULL }, "a port must be" },
	{ "secret_key = " KEY "\n[db]\nhosts = a:33x\n", { NULL }, "a port must be" },
	{ "secret_key = " KEY "\n[db]\nhosts = a:-1\n", { NULL }, "a port must be" },
	{ "secret_key = " KEY "\n[db]\nhosts = a:+33\n", { NULL }, "a port must be" },
	{ "secret_key = " KEY "\n[db]\nhosts = :3306\n", { NULL }, "no host before the ':'" },
	{ "secret_key = " KEY "\n[db]\nhosts = [::1:3306\n", { NULL }, "an unbalanced '['" },
	{ "secret_key = " KEY "\n[db]\nhosts = ::1]:3306\n", { NULL }, "an unbalanced ']'" },
	{ "secret_key = " KEY "\n[db]\nhosts = [::1]]\n", { NULL }, "text after the ']'" },
	{ "secret_key = " KEY "\n[db]\nhosts = [::1]3306\n", { NULL }, "text after the ']'" },
	{ "secret_key = " KEY "\n[db]\nhosts = ::1\n", { NULL }, "must be in brackets" },
	{ "secret_key = " KEY "\n[db]\nhosts = fe80::1:3306\n", { NULL }, "must be in brackets" },
	{ "secret_key = " KEY "\n[db]\nhosts = []:3306\n", { NULL }, "not an IPv6 address" },
	{ "secret_key = " KEY "\n[db]\nhosts = [10.0.0.1]\n", { NULL }, "not an IPv6 address" },
	{ "secret_key = " KEY "\n[db]\nhosts = [db.example]\n", { NULL }, "not an IPv6 address" },
	{ "secret_key = " KEY "\n[db]\nhosts = [fe80::1%]\n", { NULL }, "not an IPv6 address" },
	{ "secret_key = " KEY "\n[db]\nhosts = [fe80::1%e/0]\n", { NULL }, "not an IPv6 address" },
	{ "secret_key = " KEY "\n[db]\nhosts = db/1\n", { NULL }, "not a host name or address" },
	{ "secret_key = " KEY "\n[db]\nhosts = a;b\n", { NULL }, "not a host name or address" },
	{ "secret_key = " KEY "\n[db]\nhosts = h\xc3\xa9\n", { NULL }, "not a host name or address" },
	{ "secret_key = " KEY "\n[db]\nhosts = a b c d e f g h i j k l m n o p q\n", { NULL },
	    "more than 16 servers" },
	{ "secret_key = " KEY "\n[db]\nhosts = "
	    "a123456789012345678901234567890123456789012345678901234567890123456789"
	    "a123456789012345678901234567890123456789012345678901234567890123456789"
	    "a123456789012345678901234567890123456789012345678901234567890123456789"
	    "a12345678901234567890123456789012345678901234567\n", { NULL },
	    "longer than 255" },
};

/* Hash methods and costs the minimums let through (pw_init checks the upper bounds). */
static const char *const costs_ok[] = {
	"password_hash_cost = 0\n",
	"password_hash_cost = 5\n",
	"password_hash_cost = 11\n",
	"password_hash = bcrypt\npassword_hash_cost = 10\n",
	"password_hash = bcrypt\npassword_hash_cost = 12\n",
	"password_hash = sha512crypt\n",
	"password_hash = sha512crypt\npassword_hash_cost = 5000\n",
	"password_hash = sha512crypt\npassword_hash_cost = 656000\n",
	"password_hash_cost = 1\n[password]\nenforce_hash_cost = 0\n",
	"password_hash = bcrypt\npassword_hash_cost = 4\n[password]\nenforce_hash_cost = 0\n",
};

/*
 * Keyrings: the configuration, then what cfg_load makes of it: the keys'
 * ids in order with '*' after the legacy ones (".": secret_key alone),
 * the signing key's id, and its secret (what secret_key then holds).
 */
static const struct {
	const char	*text;
	const char	*env[6];
	const char	*ids;
	const char	*signing;
	const char	*secret;
} rings[] = {
	{ "secret_key = " KEY "\n", { NULL }, ".", "", KEY },
	{ "[keys]\nkey3_id = only\nkey3_secret = " KEY2 "\n", { NULL }, "only", "only", KEY2 },
	{ TWO_KEYS "current = b\nkey1_legacy = 1\n", { NULL }, "a* b", "b", KEY2 },
	{ TWO_KEYS "current = a\n", { NULL }, "a b", "a", KEY },
	{ "[keys]\nkey2_id = 2026-11_x.y\nkey2_secret = " KEY "\nkey4_id = Z\nkey4_secret = " KEY2
	  "\nkey4_legacy = 1\ncurrent = Z\n", { NULL }, "2026-11_x.y Z*", "Z", KEY2 },
	{ "", { "JWTAUTH_KEYS_KEY1_ID=e", "JWTAUTH_KEYS_KEY1_SECRET=" KEY2, "JWTAUTH_KEYS_KEY1_LEGACY=1",
	  NULL }, "e*", "e", KEY2 },
	/* An empty secret_key (JWTAUTH_SECRET_KEY=) is no key: [keys] alone. */
	{ TWO_KEYS "current = b\n", { "JWTAUTH_SECRET_KEY=", NULL }, "a b", "b", KEY2 },
};

/*
 * [db] hosts: the value (in a [db] section, [db] port 3307 unless the
 * row sets it), and the list it becomes, "host port" pairs separated by
 * "|", IPv6 hosts in brackets; "" for none.
 */
static const struct {
	const char	*text;
	const char	*env[2];
	const char	*list;
} dbhosts[] = {
	{ "", { NULL }, "" },
	{ "hosts =\n", { NULL }, "" },
	{ "hosts = \"  \"\n", { NULL }, "" },
	{ "hosts = db1\n", { NULL }, "db1 3307" },
	{ "hosts = 10.0.0.1:3306, 10.0.0.2, 10.0.0.3:3307\n", { NULL },
	    "10.0.0.1 3306|10.0.0.2 3307|10.0.0.3 3307" },
	{ "hosts = a b\tc\n", { NULL }, "a 3307|b 3307|c 3307" },
	{ "hosts = a ,b , c:1\n", { NULL }, "a 3307|b 3307|c 1" },
	{ "hosts = a,b,c:65535\n", { NULL }, "a 3307|b 3307|c 65535" },
	{ "hosts = [::1]:3306, [::1]\n", { NULL }, "[::1] 3306|[::1] 3307" },
	{ "hosts = [2001:db8::7]:3309 db-2.example_x:3310\n", { NULL },
	    "[2001:db8::7] 3309|db-2.example_x 3310" },
	{ "hosts = [fe80::1%eth0]:3306\n", { NULL }, "[fe80::1%eth0] 3306" },
	{ "hosts = [::ffff:10.0.0.1]:3306\n", { NULL }, "[::ffff:10.0.0.1] 3306" },
	{ "hosts = localhost:3306\nsocket =\n", { NULL }, "localhost 3306" },
	{ "hosts = a b c d e f g h i j k l m n o p\n", { NULL },
	    "a 3307|b 3307|c 3307|d 3307|e 3307|f 3307|g 3307|h 3307|i 3307|j 3307|k 3307|l 3307|"
	    "m 3307|n 3307|o 3307|p 3307" },
	{ "hosts = a\n", { "JWTAUTH_DB_HOSTS=x:1,y", NULL }, "x 1|y 3307" },
	{ "", { "JWTAUTH_DB_HOSTS=", NULL }, "" },
	/* [db] port after hosts in the file still applies to the entries without one. */
	{ "hosts = a\nport = 4000\n", { NULL }, "a 4000" },
};

/* The [throttle] limits, for the table below. */
#define THR_GET(f)							\
	static const struct cfg_limit *f(const struct cfg *c) { return &c->f; }
THR_GET(thr_login_account)
THR_GET(thr_login_client)
THR_GET(thr_reset_address)
THR_GET(thr_reset_address_daily)
THR_GET(thr_reset_client)
THR_GET(thr_register_client)

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
	is_int(c.audit_enabled, 1, "audit log on by default");
	is_int(c.audit_ua_length, 255, "audit user agent length default");
	is_int(c.audit_retention_days, 90, "audit retention default");
	cfg_free(&c);

	/* [throttle]: the defaults, the file, the environment, 0 for off. */
	{
		const struct {
			const char	*text;
			const char	*env[2];
			const struct cfg_limit *(*get)(const struct cfg *);
			long		 limit, window;
		} thr[] = {
			{ "", { NULL }, thr_login_account, 5, 900 },
			{ "", { NULL }, thr_login_client, 100, 900 },
			{ "", { NULL }, thr_reset_address, 1, 60 },
			{ "", { NULL }, thr_reset_address_daily, 5, 86400 },
			{ "", { NULL }, thr_reset_client, 100, 3600 },
			{ "", { NULL }, thr_register_client, 1000, 3600 },
			{ "[throttle]\nlogin_account_limit = 0\n", { NULL }, thr_login_account, 0, 900 },
			{ "[throttle]\nreset_client_limit = 20\nreset_client_window = 7200\n", { NULL },
			    thr_reset_client, 20, 7200 },
			{ "[throttle]\nregister_client_limit = 3\n",
			    { "JWTAUTH_THROTTLE_REGISTER_CLIENT_LIMIT=7", NULL }, thr_register_client, 7, 3600 },
		};
		char	 text[256];

		for (i = 0; i < sizeof(thr) / sizeof(thr[0]); i++) {
			(void)snprintf(text, sizeof(text), "secret_key = " KEY "\n%s", thr[i].text);
			ok(cfg_load_text(&c, text, thr[i].env, err, sizeof(err)) == 0, "throttle %zu: %s",
			    i, err);
			is_int(thr[i].get(&c)->limit, thr[i].limit, "throttle %zu: limit", i);
			is_int(thr[i].get(&c)->window, thr[i].window, "throttle %zu: window", i);
			cfg_free(&c);
		}
	}
	/* [audit] from the file and the environment. */
	{
		const char *aenv[] = { "JWTAUTH_AUDIT_RETENTION_DAYS=0", NULL };

		ok(cfg_load_text(&c, "secret_key = " KEY "\n[audit]\nenabled = 0\n"
		    "user_agent_length = 40\nretention_days = 30\n", aenv, err, sizeof(err)) == 0,
		    "[audit] section: %s", err);
		is_int(c.audit_enabled, 0, "audit.enabled = 0");
		is_int(c.audit_ua_length, 40, "audit.user_agent_length");
		is_int(c.audit_retention_days, 0, "JWTAUTH_AUDIT_RETENTION_DAYS wins over the file");
		cfg_free(&c);
	}

	/* [db] timeouts: the defaults, then from the file and the environment. */
	{
		const char *denv[] = { "JWTAUTH_DB_RETRY_AFTER=3", NULL };

		ok(cfg_load_text(&c, "secret_key = " KEY "\n", NULL, err, sizeof(err)) == 0,
		    "[db] defaults: %s", err);
		is_int(c.db_connect_timeout, 5, "db.connect_timeout default");
		is_int(c.db_retry_after, 1, "db.retry_after default");
		cfg_free(&c);
		ok(cfg_load_text(&c, "secret_key = " KEY "\n[db]\nconnect_timeout = 2\nretry_after = 2\n",
		    denv, err, sizeof(err)) == 0, "[db] timeouts: %s", err);
		is_int(c.db_connect_timeout, 2, "db.connect_timeout from the file");
		is_int(c.db_retry_after, 3, "JWTAUTH_DB_RETRY_AFTER wins over the file");
		cfg_free(&c);
	}

	/* [db] hosts: the list, in order, with [db] port for entries without one. */
	for (i = 0; i < sizeof(dbhosts) / sizeof(dbhosts[0]); i++) {
		char	 text[512], list[1024];
		size_t	 k;

		(void)snprintf(text, sizeof(text), "secret_key = %s\n[db]\nport = 3307\n%s", KEY,
		    dbhosts[i].text);
		err[0] = '\0';
		if (!ok(cfg_load_text(&c, text, dbhosts[i].env, err, sizeof(err)) == 0,
		    "db.hosts %zu loads: %s", i, err))
			continue;
		list[0] = '\0';
		for (k = 0; k < c.ndb_hosts; k++)
			(void)snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s%s%s %u",
			    k > 0 ? "|" : "", c.db_hosts[k].v6 ? "[" : "", c.db_hosts[k].host,
			    c.db_hosts[k].v6 ? "]" : "", c.db_hosts[k].port);
		is_str(list, dbhosts[i].list, "db.hosts %zu: %s", i, dbhosts[i].text);
		cfg_free(&c);
	}

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

	/* [password]: off by default (the original has no rules); the hash minimums on. */
	ok(cfg_load_text(&c, "secret_key = " KEY "\n", NULL, err, sizeof(err)) == 0, "password defaults");
	is_int(c.pw_min_length, 0, "min_length off");
	is_int(c.pw_common_check, 0, "common_check off");
	is_int(c.pw_require_current, 0, "require_current_password off");
	is_int(c.pw_enforce_hash_cost, 1, "enforce_hash_cost on");
	cfg_free(&c);
	ok(cfg_load_text(&c, "secret_key = " KEY "\n[password]\nmin_length = 12\ncommon_check = 1\n"
	    "require_current_password = 1\n", NULL, err, sizeof(err)) == 0, "[password]: %s", err);
	is_int(c.pw_min_length, 12, "min_length");
	is_int(c.pw_common_check, 1, "common_check");
	is_int(c.pw_require_current, 1, "require_current_password");
	cfg_free(&c);
	{
		const char *penv[] = { "JWTAUTH_PASSWORD_MIN_LENGTH=9", NULL };

		ok(cfg_load_text(&c, "secret_key = " KEY "\n[password]\nmin_length = 12\n", penv, err,
		    sizeof(err)) == 0 && c.pw_min_length == 9, "JWTAUTH_PASSWORD_MIN_LENGTH wins");
		cfg_free(&c);
	}
	for (i = 0; i < sizeof(costs_ok) / sizeof(costs_ok[0]); i++) {
		char	 text[256];

		(void)snprintf(text, sizeof(text), "secret_key = %s\n%s", KEY, costs_ok[i]);
		err[0] = '\0';
		ok(cfg_load_text(&c, text, NULL, err, sizeof(err)) == 0, "hash cost accepted: %s%s",
		    costs_ok[i], err);
		cfg_free(&c);
	}

	for (i = 0; i < sizeof(rings) / sizeof(rings[0]); i++) {
		char	 ids[256];
		size_t	 k;

		err[0] = '\0';
		if (!ok(cfg_load_text(&c, rings[i].text, rings[i].env, err, sizeof(err)) == 0,
		    "keyring %zu loads: %s", i, err))
			continue;
		ids[0] = '\0';
		for (k = 0; k < c.nkeys; k++)
			(void)snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%s%s",
			    k > 0 ? " " : "", c.keyed ? c.keyring[k].id : ".",
			    c.keyed && c.keyring[k].legacy ? "*" : "");
		is_str(ids, rings[i].ids, "keyring %zu: the keys", i);
		is_int(c.keyed, strcmp(rings[i].ids, ".") != 0, "keyring %zu: keyed", i);
		is_str(c.keyring[c.signing].id, rings[i].signing, "keyring %zu: the signing key", i);
		ok(c.keyring[c.signing].len == strlen(rings[i].secret) &&
		    memcmp(c.keyring[c.signing].secret, rings[i].secret, strlen(rings[i].secret)) == 0,
		    "keyring %zu: the signing secret", i);
		ok(c.secret_key != NULL && strcmp(c.secret_key, rings[i].secret) == 0 &&
		    c.secret_len == strlen(rings[i].secret), "keyring %zu: secret_key is the signing key", i);
		cfg_free(&c);
		is_int((long long)c.nkeys, 0, "keyring %zu: emptied by cfg_free", i);
	}

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
		ok(strstr(err, KEY) == NULL && strstr(err, KEY2) == NULL,
		    "the error does not echo the key (%zu)", i);
	}
	return tap_done();
}
