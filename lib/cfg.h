/*
 * cfg.h - configuration: one INI-style file read at start-up, each key
 * overridable by an environment variable (JWTAUTH_<KEY> for the [jwtauth]
 * section, JWTAUTH_<SECTION>_<KEY> for the others).  The file is
 * $JWTAUTH_CONFIG, else jwtauth.conf beside the running binary (shared
 * hosting: the binaries and their configuration in one cgi-bin folder),
 * else SYSCONFDIR/jwtauth/jwtauth.conf; a missing default file is not an
 * error (defaults and the environment apply).
 */
#ifndef JWTAUTH_CFG_H
#define JWTAUTH_CFG_H

#include <stddef.h>

#include "client.h"

#define CFG_MAXORIGINS	16
#define CFG_MAXKEYS	4	/* [keys] key1_* .. key4_* */
#define CFG_KIDMAX	64	/* longest key id */
#define CFG_MAXDBHOSTS	16	/* servers in [db] hosts */
#define CFG_HOSTMAX	255	/* longest host name in [db] hosts */

enum cfg_mail_backend { MAIL_SMTP, MAIL_FILE };

/* One throttle of [throttle] (lib/throttle.h): at most limit events per window. */
struct cfg_limit {
	long	 limit;			/* events; 0: the throttle is off */
	long	 window;		/* seconds */
};

/*
 * One server of [db] hosts ("HOST[:PORT]", IPv6 as "[ADDR]:PORT"): a name
 * or an address (IPv6 without its brackets) and a TCP port.
 */
struct cfg_dbhost {
	char		 host[CFG_HOSTMAX + 1];
	unsigned int	 port;		/* [db] port when the entry names none */
	int		 v6;		/* written in brackets */
};

/*
 * One HS256 key in use (struct cfg's keyring): its strings point into the
 * struct cfg that holds it and live as long as it.
 */
struct cfg_key {
	const char	*id;		/* the JWS "kid"; "" for secret_key alone */
	const char	*secret;
	size_t		 len;
	int		 legacy;	/* verifies tokens without "kid" */
};

struct cfg {
	/* [jwtauth] */
	char	*secret_key;		/* >= 32 bytes; wiped by cfg_free */
	size_t	 secret_len;
	long	 access_lifetime;	/* seconds, default 300 */
	long	 refresh_lifetime;	/* seconds, default 86400 */
	char	*algorithm;		/* only "HS256" */
	long	 reset_timeout;		/* PASSWORD_RESET_TIMEOUT, default 600 */
	char	*time_zone;		/* default "Asia/Kolkata" */
	char	*password_hash;		/* "yescrypt" (default), "bcrypt", "sha512crypt" */
	long	 password_hash_cost;	/* crypt_gensalt count; 0 = the method's default */
	long	 max_body;		/* bytes, default 65536 */
	long	 workers;		/* FastCGI processes on one socket (spawn-fcgi), default 1 */
	char	*log_level;		/* error, warning, info, debug */
	char	*trusted_proxies_raw;	/* addresses or CIDR blocks, space/comma separated */
	struct client_net proxies[CLIENT_MAXPROXIES];
	size_t	 nproxies;
	/* [cors] */
	char	*cors_origins_raw;	/* space/comma separated */
	char	*cors_origins[CFG_MAXORIGINS];
	size_t	 ncors_origins;
	/* [db] */
	char	*db_socket;		/* unix socket path, used when set */
	char	*db_host;
	long	 db_port;
	char	*db_name;
	char	*db_user;
	char	*db_password;		/* wiped by cfg_free */
	long	 db_connect_timeout;	/* seconds */
	long	 db_retry_after;	/* seconds: Retry-After of a 503 for the database */
	char	*db_hosts_raw;		/* HOST[:PORT] list, spaces/commas; "" = host or socket */
	struct cfg_dbhost db_hosts[CFG_MAXDBHOSTS];	/* parsed, in list order */
	size_t	 ndb_hosts;		/* 0: connect to socket or host:port */
	/* [mail] */
	char	*mail_backend_raw;	/* "smtp" or "file" */
	enum cfg_mail_backend mail_backend;
	char	*mail_url;		/* smtp://host:587 (STARTTLS required) or smtps://host:465 */
	char	*mail_user;
	char	*mail_password;		/* wiped by cfg_free */
	char	*mail_from;
	char	*mail_ca_file;		/* CA bundle for the server certificate; empty = system store */
	char	*mail_dir;		/* file backend: one .eml per message */
	long	 mail_connect_timeout;	/* seconds */
	long	 mail_timeout;		/* seconds, whole transfer */
	/* [throttle] (lib/throttle.h) */
	struct cfg_limit thr_login_account;	/* failed logins per account */
	struct cfg_limit thr_login_client;	/* failed logins per client address */
	struct cfg_limit thr_reset_address;	/* reset mails per e-mail address */
	struct cfg_limit thr_reset_address_daily;	/* the same, over a day */
	struct cfg_limit thr_reset_client;	/* reset mail requests per client address */
	struct cfg_limit thr_register_client;	/* registrations per client address */
	/* [audit] */
	long	 audit_enabled;		/* 1: write jwtauth_audit rows (default), 0: none */
	long	 audit_ua_length;	/* characters of User-Agent kept, 0..255 (default 255) */
	long	 audit_retention_days;	/* jwtauth-admin audit --prune's age; 0: keep (default 90) */
	/* [keys]: key rotation; unused (all empty) means secret_key alone */
	char	*keys_current;		/* id of the key that signs */
	char	*key_id[CFG_MAXKEYS];
	char	*key_secret[CFG_MAXKEYS];	/* >= 32 bytes; wiped by cfg_free */
	long	 key_legacy[CFG_MAXKEYS];
	/*
	 * The keys in use, made by cfg_load: secret_key alone (keyed 0), or
	 * the [keys] slots that are set, in slot order (keyed 1: a token's
	 * "kid" picks its key).  keyring[signing] signs tokens and reset
	 * links; every key verifies reset links (Django's SECRET_KEY and
	 * SECRET_KEY_FALLBACKS).  Tokens carry "kid" when nkeys > 1.  With
	 * [keys], secret_key holds a copy of the signing key's secret.
	 */
	struct cfg_key keyring[CFG_MAXKEYS];
	size_t	 nkeys;
	size_t	 signing;
	int	 keyed;
	/* [password]: Django's validators and djoser's current_password, off by default */
	long	 pw_min_length;		/* MinimumLengthValidator; 0 = off */
	long	 pw_common_check;	/* CommonPasswordValidator */
	long	 pw_require_current;	/* changepassword needs current_password */
	long	 pw_enforce_hash_cost;	/* refuse hash costs below the minimums */
	/* [tokens] (README "Logout and revocation", "Revocation on password change") */
	long	 rotate_refresh;	/* ROTATE_REFRESH_TOKENS: refresh answers a new refresh token; 0 */
	long	 blacklist_after_rotation;	/* BLACKLIST_AFTER_ROTATION: blacklist the one consumed; 0 */
	long	 reuse_grace;		/* seconds a rotated-out token may still be used; 10 */
	long	 revoke_on_password_change;	/* refuse tokens issued before a change; 1 */
	long	 check_revoke_token;	/* simplejwt 5.3's CHECK_REVOKE_TOKEN (hash_password); 0 */
};

/*
 * Load defaults, then the file, then the environment, and check the
 * result.  On failure returns -1 with a one-line reason in err (for stderr);
 * the caller exits non-zero.  Secrets never appear in err.
 */
int	 cfg_load(struct cfg *c, char *err, size_t errsz);

/* Parse INI text (exposed for the unit tests); same contract as cfg_load. */
int	 cfg_load_text(struct cfg *c, const char *text, const char *const *env, char *err, size_t errsz);

void	 cfg_free(struct cfg *c);

#endif
