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

enum cfg_mail_backend { MAIL_SMTP, MAIL_FILE };

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
