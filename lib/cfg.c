/*
 * cfg.c - configuration file and environment (see cfg.h).
 *
 * Every key is one row of keys[]: section, name, type, where it lands in
 * struct cfg, its default and its bounds.  The environment variable name is
 * derived from the row, so the README's table and this one cannot drift.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cfg.h"
#include "cors.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

extern char **environ;

enum ktype { K_STR, K_LONG, K_SECRET };

struct key {
	const char	*section;
	const char	*name;
	enum ktype	 type;
	size_t		 off;		/* offsetof(struct cfg, field) */
	const char	*def;		/* default, as text; NULL = unset */
	long		 min, max;	/* K_LONG bounds */
};

#define S(f)	offsetof(struct cfg, f)

static const struct key keys[] = {
	{ "jwtauth", "secret_key", K_SECRET, S(secret_key), NULL, 0, 0 },
	{ "jwtauth", "access_token_lifetime", K_LONG, S(access_lifetime), "300", 1, 315360000 },
	{ "jwtauth", "refresh_token_lifetime", K_LONG, S(refresh_lifetime), "86400", 1, 315360000 },
	{ "jwtauth", "algorithm", K_STR, S(algorithm), "HS256", 0, 0 },
	{ "jwtauth", "password_reset_timeout", K_LONG, S(reset_timeout), "600", 1, 315360000 },
	{ "jwtauth", "time_zone", K_STR, S(time_zone), "Asia/Kolkata", 0, 0 },
	{ "jwtauth", "password_hash", K_STR, S(password_hash), "yescrypt", 0, 0 },
	{ "jwtauth", "password_hash_cost", K_LONG, S(password_hash_cost), "0", 0, 999999999 },
	{ "jwtauth", "max_body_size", K_LONG, S(max_body), "65536", 1024, 16777216 },
	{ "jwtauth", "log_level", K_STR, S(log_level), "info", 0, 0 },
	{ "jwtauth", "workers", K_LONG, S(workers), "1", 1, 64 },
	{ "jwtauth", "trusted_proxies", K_STR, S(trusted_proxies_raw), "", 0, 0 },
	{ "cors", "allowed_origins", K_STR, S(cors_origins_raw),
	    "http://localhost:3000 http://127.0.0.1:3000", 0, 0 },
	{ "db", "socket", K_STR, S(db_socket), "", 0, 0 },
	{ "db", "host", K_STR, S(db_host), "localhost", 0, 0 },
	{ "db", "port", K_LONG, S(db_port), "3306", 1, 65535 },
	{ "db", "name", K_STR, S(db_name), "jwtauth", 0, 0 },
	{ "db", "user", K_STR, S(db_user), "jwtauth", 0, 0 },
	{ "db", "password", K_SECRET, S(db_password), "", 0, 0 },
	{ "db", "connect_timeout", K_LONG, S(db_connect_timeout), "5", 1, 300 },
	{ "db", "retry_after", K_LONG, S(db_retry_after), "1", 1, 3600 },
	{ "db", "hosts", K_STR, S(db_hosts_raw), "", 0, 0 },
	{ "mail", "backend", K_STR, S(mail_backend_raw), "smtp", 0, 0 },
	{ "mail", "url", K_STR, S(mail_url), "smtp://smtp.gmail.com:587", 0, 0 },
	{ "mail", "user", K_STR, S(mail_user), "", 0, 0 },
	{ "mail", "password", K_SECRET, S(mail_password), "", 0, 0 },
	{ "mail", "from", K_STR, S(mail_from), "", 0, 0 },
	{ "mail", "ca_file", K_STR, S(mail_ca_file), "", 0, 0 },
	{ "mail", "dir", K_STR, S(mail_dir), "", 0, 0 },
	{ "mail", "connect_timeout", K_LONG, S(mail_connect_timeout), "10", 1, 300 },
	{ "mail", "timeout", K_LONG, S(mail_timeout), "30", 1, 600 },
	/* lib/throttle.h: a limit (0 turns it off) and its window in seconds. */
	{ "throttle", "login_account_limit", K_LONG, S(thr_login_account.limit), "5", 0, 1000000 },
	{ "throttle", "login_account_window", K_LONG, S(thr_login_account.window), "900", 1, 31536000 },
	{ "throttle", "login_client_limit", K_LONG, S(thr_login_client.limit), "100", 0, 1000000 },
	{ "throttle", "login_client_window", K_LONG, S(thr_login_client.window), "900", 1, 31536000 },
	{ "throttle", "reset_address_limit", K_LONG, S(thr_reset_address.limit), "1", 0, 1000000 },
	{ "throttle", "reset_address_window", K_LONG, S(thr_reset_address.window), "60", 1, 31536000 },
	{ "throttle", "reset_address_daily_limit", K_LONG, S(thr_reset_address_daily.limit), "5",
	    0, 1000000 },
	{ "throttle", "reset_address_daily_window", K_LONG, S(thr_reset_address_daily.window),
	    "86400", 1, 31536000 },
	{ "throttle", "reset_client_limit", K_LONG, S(thr_reset_client.limit), "100", 0, 1000000 },
	{ "throttle", "reset_client_window", K_LONG, S(thr_reset_client.window), "3600", 1, 31536000 },
	{ "throttle", "register_client_limit", K_LONG, S(thr_register_client.limit), "1000",
	    0, 1000000 },
	{ "throttle", "register_client_window", K_LONG, S(thr_register_client.window), "3600",
	    1, 31536000 },
	{ "audit", "enabled", K_LONG, S(audit_enabled), "1", 0, 1 },
	{ "audit", "user_agent_length", K_LONG, S(audit_ua_length), "255", 0, 255 },
	{ "audit", "retention_days", K_LONG, S(audit_retention_days), "90", 0, 36500 },
	{ "keys", "current", K_STR, S(keys_current), "", 0, 0 },
	{ "keys", "key1_id", K_STR, S(key_id[0]), "", 0, 0 },
	{ "keys", "key1_secret", K_SECRET, S(key_secret[0]), "", 0, 0 },
	{ "keys", "key1_legacy", K_LONG, S(key_legacy[0]), "0", 0, 1 },
	{ "keys", "key2_id", K_STR, S(key_id[1]), "", 0, 0 },
	{ "keys", "key2_secret", K_SECRET, S(key_secret[1]), "", 0, 0 },
	{ "keys", "key2_legacy", K_LONG, S(key_legacy[1]), "0", 0, 1 },
	{ "keys", "key3_id", K_STR, S(key_id[2]), "", 0, 0 },
	{ "keys", "key3_secret", K_SECRET, S(key_secret[2]), "", 0, 0 },
	{ "keys", "key3_legacy", K_LONG, S(key_legacy[2]), "0", 0, 1 },
	{ "keys", "key4_id", K_STR, S(key_id[3]), "", 0, 0 },
	{ "keys", "key4_secret", K_SECRET, S(key_secret[3]), "", 0, 0 },
	{ "keys", "key4_legacy", K_LONG, S(key_legacy[3]), "0", 0, 1 },
	{ "password", "min_length", K_LONG, S(pw_min_length), "0", 0, 128 },
	{ "password", "common_check", K_LONG, S(pw_common_check), "0", 0, 1 },
	{ "password", "require_current_password", K_LONG, S(pw_require_current), "0", 0, 1 },
	{ "password", "enforce_hash_cost", K_LONG, S(pw_enforce_hash_cost), "1", 0, 1 },
	{ "tokens", "rotate_refresh_tokens", K_LONG, S(rotate_refresh), "0", 0, 1 },
	{ "tokens", "blacklist_after_rotation", K_LONG, S(blacklist_after_rotation), "0", 0, 1 },
	{ "tokens", "reuse_grace_period", K_LONG, S(reuse_grace), "10", 0, 3600 },
	{ "tokens", "revoke_on_password_change", K_LONG, S(revoke_on_password_change), "1", 0, 1 },
	{ "tokens", "check_revoke_token", K_LONG, S(check_revoke_token), "0", 0, 1 },
};
_Static_assert(CFG_MAXKEYS == 4, "keys[] has four [keys] slots");

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

/* Environment variable name of k into out. */
static void
key_envname(const struct key *k, char *out, size_t outsz)
{
	char	*p;

	if (strcmp(k->section, "jwtauth") == 0)
		(void)snprintf(out, outsz, "JWTAUTH_%s", k->name);
	else
		(void)snprintf(out, outsz, "JWTAUTH_%s_%s", k->section, k->name);
	for (p = out; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
}

/* Free the string behind a K_STR/K_SECRET slot, wiping secrets. */
static void
slot_clear(struct cfg *c, const struct key *k)
{
	char	**slot = (char **)((char *)c + k->off);

	if (*slot == NULL)
		return;
	if (k->type == K_SECRET)
		explicit_bzero(*slot, strlen(*slot));
	free(*slot);
	*slot = NULL;
}

/*
 * Store value (len bytes) for key k.  Returns 0, or -1 with a reason in
 * err (never echoing a secret).
 */
static int
slot_set(struct cfg *c, const struct key *k, const char *value, size_t len,
    const char *origin, char *err, size_t errsz)
{
	char	*s, *end;
	long	 v;

	if (memchr(value, '\0', len) != NULL) {
		(void)snprintf(err, errsz, "%s: %s.%s contains a NUL byte",
		    origin, k->section, k->name);
		return -1;
	}
	if (k->type == K_LONG) {
		char	 tmp[32];

		if (len == 0 || len >= sizeof(tmp))
			goto badnum;
		memcpy(tmp, value, len);
		tmp[len] = '\0';
		errno = 0;
		v = strtol(tmp, &end, 10);
		if (errno != 0 || *end != '\0' || v < k->min || v > k->max)
			goto badnum;
		*(long *)((char *)c + k->off) = v;
		return 0;
	}
	if ((s = strndup(value, len)) == NULL) {
		(void)snprintf(err, errsz, "out of memory");
		return -1;
	}
	slot_clear(c, k);
	*(char **)((char *)c + k->off) = s;
	return 0;
badnum:
	(void)snprintf(err, errsz, "%s: %s.%s must be an integer from %ld to %ld",
	    origin, k->section, k->name, k->min, k->max);
	return -1;
}

static const struct key *
key_find(const char *section, size_t slen, const char *name, size_t nlen)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (strlen(keys[i].section) == slen &&
		    strncmp(keys[i].section, section, slen) == 0 &&
		    strlen(keys[i].name) == nlen &&
		    strncmp(keys[i].name, name, nlen) == 0)
			return &keys[i];
	return NULL;
}

static int
section_known(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (strlen(keys[i].section) == n && strncmp(keys[i].section, s, n) == 0)
			return 1;
	return 0;
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/*
 * Parse INI text: "[section]", "key = value", comments from '#' or ';' at
 * the start of a line.  A value may be wrapped in double quotes.  Unknown
 * sections and keys are errors, so typos do not pass silently.
 */
static int
parse_ini(struct cfg *c, const char *text, const char *fname, char *err, size_t errsz)
{
	const char	*line, *nl, *section = "jwtauth", *k, *v, *eq;
	size_t		 llen, slen = strlen("jwtauth"), klen, vlen;
	const struct key *key;
	char		 origin[512];
	unsigned	 lineno = 0;

	for (line = text; *line != '\0'; line = nl ? nl + 1 : line + llen) {
		nl = strchr(line, '\n');
		llen = nl ? (size_t)(nl - line) : strlen(line);
		lineno++;
		(void)snprintf(origin, sizeof(origin), "%s:%u", fname, lineno);
		k = line;
		klen = llen;
		trim(&k, &klen);
		if (klen == 0 || *k == '#' || *k == ';')
			goto next;
		if (*k == '[') {
			if (k[klen - 1] != ']') {
				(void)snprintf(err, errsz, "%s: malformed section header", origin);
				return -1;
			}
			section = k + 1;
			slen = klen - 2;
			trim(&section, &slen);
			if (!section_known(section, slen)) {
				(void)snprintf(err, errsz, "%s: unknown section [%.*s]",
				    origin, (int)slen, section);
				return -1;
			}
			goto next;
		}
		if ((eq = memchr(k, '=', klen)) == NULL) {
			(void)snprintf(err, errsz, "%s: expected key = value", origin);
			return -1;
		}
		v = eq + 1;
		vlen = klen - (size_t)(v - k);
		klen = (size_t)(eq - k);
		trim(&k, &klen);
		trim(&v, &vlen);
		if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
			v++;
			vlen -= 2;
		}
		if ((key = key_find(section, slen, k, klen)) == NULL) {
			(void)snprintf(err, errsz, "%s: unknown key \"%.*s\" in [%.*s]",
			    origin, (int)klen, k, (int)slen, section);
			return -1;
		}
		if (slot_set(c, key, v, vlen, origin, err, errsz) == -1)
			return -1;
next:
		if (nl == NULL)
			break;
	}
	return 0;
}

/*
 * Split the CORS origin list on spaces and commas.  Each entry must be an
 * origin urlsplit() accepts (else django-cors-headers fails on every
 * request with an Origin) or "null".
 */
static int
split_origins(struct cfg *c, char *err, size_t errsz)
{
	char		*p = c->cors_origins_raw, *tok;
	const char	*self[1];

	c->ncors_origins = 0;
	while ((tok = strsep(&p, " \t,")) != NULL) {
		if (*tok == '\0')
			continue;
		if (c->ncors_origins == CFG_MAXORIGINS) {
			(void)snprintf(err, errsz, "cors.allowed_origins: more than %d origins",
			    CFG_MAXORIGINS);
			return -1;
		}
		self[0] = tok;
		if (strcmp(tok, "null") != 0 && (strstr(tok, "://") == NULL ||
		    !cors_origin_allowed(tok, self, 1))) {
			(void)snprintf(err, errsz, "cors.allowed_origins: \"%s\" is not an "
			    "origin like https://app.example.com", tok);
			return -1;
		}
		c->cors_origins[c->ncors_origins++] = tok;
	}
	return 0;
}

/*
 * The trusted proxies: addresses or CIDR blocks separated by spaces or
 * commas (parsed from a copy; the raw text stays for messages).
 */
static int
split_proxies(struct cfg *c, char *err, size_t errsz)
{
	char	*copy, *p, *tok;
	int	 rc = 0;

	c->nproxies = 0;
	if ((copy = p = strdup(c->trusted_proxies_raw)) == NULL) {
		(void)snprintf(err, errsz, "out of memory");
		return -1;
	}
	while (rc == 0 && (tok = strsep(&p, " \t,")) != NULL) {
		if (*tok == '\0')
			continue;
		if (c->nproxies == CLIENT_MAXPROXIES) {
			(void)snprintf(err, errsz, "trusted_proxies: more than %d entries",
			    CLIENT_MAXPROXIES);
			rc = -1;
		} else if (client_net_parse(tok, &c->proxies[c->nproxies++]) == -1) {
			(void)snprintf(err, errsz, "trusted_proxies: \"%s\" is not an address "
			    "or a block like 10.0.0.0/8", tok);
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

/*
 * One entry of [db] hosts (len bytes at s, no separator in it) into h:
 * "HOST", "HOST:PORT", "[IPV6]" or "[IPV6]:PORT".  A name or an IPv4
 * address is letters, digits, '.', '-' and '_'; an IPv6 address hex
 * digits, ':' and '.' (a "%zone" may follow).  Returns NULL, or why not.
 */
static const char *
dbhost_parse(const char *s, size_t len, long defport, struct cfg_dbhost *h)
{
	const char	*host, *end = s + len, *p, *close, *colon, *zone;
	size_t		 hlen, alen;
	long		 port = defport;

	memset(h, 0, sizeof(*h));
	if (s[0] == '[') {
		if ((close = memchr(s, ']', len)) == NULL)
			return "an unbalanced '['";
		host = s + 1;
		hlen = (size_t)(close - host);
		p = close + 1;
		zone = memchr(host, '%', hlen);
		alen = zone != NULL ? (size_t)(zone - host) : hlen;
		if (alen == 0 || memchr(host, ':', alen) == NULL ||
		    strspn(host, "0123456789abcdefABCDEF:.") < alen)
			return "not an IPv6 address in brackets";
		if (zone != NULL && (hlen - alen < 2 || strspn(zone + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_-") < hlen - alen - 1))
			return "not an IPv6 address in brackets";	/* a bad %zone */
		if (p < end && *p != ':')
			return "text after the ']' that is not :PORT";
		h->v6 = 1;
	} else {
		if (memchr(s, ']', len) != NULL)
			return "an unbalanced ']'";
		colon = memchr(s, ':', len);
		if (colon != NULL && memchr(colon + 1, ':', (size_t)(end - colon - 1)) != NULL)
			return "an IPv6 address must be in brackets, as [::1]:3306";
		host = s;
		hlen = colon != NULL ? (size_t)(colon - s) : len;
		p = host + hlen;
		if (hlen == 0)
			return "no host before the ':'";
		if (strspn(host, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789.-_") < hlen)
			return "not a host name or address";
	}
	if (hlen > CFG_HOSTMAX)
		return "a host name longer than 255 characters";
	if (p < end) {
		if (*p != ':' || p + 1 == end || (size_t)(end - p - 1) > 5 ||
		    strspn(p + 1, "0123456789") < (size_t)(end - p - 1))
			return "a port must be a number from 1 to 65535";
		for (port = 0, p++; p < end; p++)
			port = port * 10 + (*p - '0');
		if (port < 1 || port > 65535)
			return "a port must be a number from 1 to 65535";
	}
	memcpy(h->host, host, hlen);
	h->host[hlen] = '\0';
	h->port = (unsigned int)port;
	return NULL;
}

/*
 * [db] hosts: entries separated by commas and/or spaces, in order, at
 * most CFG_MAXDBHOSTS; an empty entry (two commas, a comma at an end) is
 * refused, as is a list beside [db] socket (the list is TCP only).
 */
static int
split_dbhosts(struct cfg *c, char *err, size_t errsz)
{
	const char	*p = c->db_hosts_raw, *piece, *tok, *why;
	size_t		 plen, tlen;
	int		 last;

	c->ndb_hosts = 0;
	if (strspn(p, " \t") == strlen(p))
		return 0;
	do {
		piece = p;
		plen = strcspn(p, ",");
		last = p[plen] == '\0';
		p += plen + 1;
		trim(&piece, &plen);
		if (plen == 0) {
			(void)snprintf(err, errsz, "db.hosts \"%.200s\": an empty entry (two commas, "
			    "or a comma at an end)", c->db_hosts_raw);
			return -1;
		}
		while (plen > 0) {
			tok = piece;
			tlen = 0;
			while (tlen < plen && !isspace((unsigned char)tok[tlen]))
				tlen++;
			piece += tlen;
			plen -= tlen;
			trim(&piece, &plen);
			if (c->ndb_hosts == CFG_MAXDBHOSTS) {
				(void)snprintf(err, errsz, "db.hosts: more than %d servers",
				    CFG_MAXDBHOSTS);
				return -1;
			}
			if ((why = dbhost_parse(tok, tlen, c->db_port,
			    &c->db_hosts[c->ndb_hosts])) != NULL) {
				(void)snprintf(err, errsz, "db.hosts: \"%.*s\": %s (expected "
				    "HOST[:PORT] or [IPV6]:PORT)", (int)(tlen > 200 ? 200 : tlen),
				    tok, why);
				return -1;
			}
			c->ndb_hosts++;
		}
	} while (!last);
	if (c->db_socket[0] != '\0') {
		(void)snprintf(err, errsz, "db.hosts and db.socket are both set: a list of "
		    "servers is reached over TCP; remove socket (or hosts)");
		return -1;
	}
	return 0;
}

/* A key id: 1 to CFG_KIDMAX letters, digits, '.', '_' or '-' (a JWS "kid" as is). */
static int
kid_valid(const char *s)
{
	size_t	 n = strlen(s);

	return n > 0 && n <= CFG_KIDMAX && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* The original's one key: secret_key, at least 32 bytes; it signs, and verifies any token. */
static int
check_secret_key(struct cfg *c, char *err, size_t errsz)
{
	if (c->secret_key == NULL || c->secret_key[0] == '\0') {
		(void)snprintf(err, errsz, "no signing key: set JWTAUTH_SECRET_KEY or "
		    "secret_key in the configuration file");
		return -1;
	}
	c->secret_len = strlen(c->secret_key);
	if (c->secret_len < 32) {
		(void)snprintf(err, errsz, "the signing key is %zu bytes; at least 32 "
		    "are required", c->secret_len);
		return -1;
	}
	c->keyring[0].id = "";
	c->keyring[0].secret = c->secret_key;
	c->keyring[0].len = c->secret_len;
	c->keyring[0].legacy = 1;
	c->nkeys = 1;
	c->signing = 0;
	c->keyed = 0;
	return 0;
}

/*
 * The keyring (cfg.h): secret_key alone when nothing in [keys] is set,
 * else the [keys] slots that are, each with a valid unique id and a
 * secret of at least 32 bytes, and keys.current naming the one that
 * signs (it may be left empty with one key).  The two ways exclude each
 * other, so no key is in use that the operator did not name.
 */
static int
check_keys(struct cfg *c, char *err, size_t errsz)
{
	struct cfg_key	*k;
	const char	*id, *sec;
	size_t		 i, j, n;
	int		 used = c->keys_current[0] != '\0';

	for (i = 0; i < CFG_MAXKEYS; i++)
		if (c->key_id[i][0] != '\0' || c->key_secret[i][0] != '\0' ||
		    c->key_legacy[i] != 0)
			used = 1;
	if (!used)
		return check_secret_key(c, err, errsz);
	if (c->secret_key != NULL && c->secret_key[0] != '\0') {
		(void)snprintf(err, errsz, "secret_key and [keys] are both set: with [keys], "
		    "put the old secret_key in a keyN_secret with keyN_legacy = 1 and remove "
		    "secret_key (and JWTAUTH_SECRET_KEY)");
		return -1;
	}
	c->nkeys = 0;
	for (i = 0; i < CFG_MAXKEYS; i++) {
		id = c->key_id[i];
		sec = c->key_secret[i];
		n = strlen(sec);
		if (id[0] == '\0' && sec[0] == '\0') {
			if (c->key_legacy[i] == 0)
				continue;	/* an unused slot */
			(void)snprintf(err, errsz, "keys.key%zu_legacy is set, but neither "
			    "keys.key%zu_id nor keys.key%zu_secret is", i + 1, i + 1, i + 1);
			return -1;
		}
		if (id[0] == '\0') {
			(void)snprintf(err, errsz, "keys.key%zu_secret is set, but keys.key%zu_id "
			    "is empty", i + 1, i + 1);
			return -1;
		}
		if (!kid_valid(id)) {
			(void)snprintf(err, errsz, "keys.key%zu_id \"%.80s\": an id is 1 to %d "
			    "letters, digits, '.', '_' or '-'", i + 1, id, CFG_KIDMAX);
			return -1;
		}
		if (n == 0) {
			(void)snprintf(err, errsz, "keys.key%zu_id \"%s\" has no keys.key%zu_secret",
			    i + 1, id, i + 1);
			return -1;
		}
		if (n < 32) {
			(void)snprintf(err, errsz, "keys.key%zu_secret is %zu bytes; at least 32 "
			    "are required", i + 1, n);
			return -1;
		}
		for (j = 0; j < c->nkeys; j++)
			if (strcmp(c->keyring[j].id, id) == 0) {
				(void)snprintf(err, errsz, "keys.key%zu_id \"%s\" is also the id "
				    "of another key", i + 1, id);
				return -1;
			}
		k = &c->keyring[c->nkeys++];
		k->id = id;
		k->secret = sec;
		k->len = n;
		k->legacy = c->key_legacy[i] != 0;
	}
	c->keyed = 1;
	c->signing = c->nkeys;
	if (c->nkeys == 0) {
		(void)snprintf(err, errsz, "keys.current is set, but no key is: set "
		    "keys.key1_id and keys.key1_secret");
		return -1;
	}
	if (c->keys_current[0] == '\0' && c->nkeys == 1)
		c->signing = 0;
	for (j = 0; c->keys_current[0] != '\0' && j < c->nkeys; j++)
		if (strcmp(c->keyring[j].id, c->keys_current) == 0)
			c->signing = j;
	if (c->signing == c->nkeys) {
		if (c->keys_current[0] == '\0')
			(void)snprintf(err, errsz, "keys.current is empty: with %zu keys, name "
			    "the one that signs", c->nkeys);
		else
			(void)snprintf(err, errsz, "keys.current \"%.80s\" is the id of no key "
			    "in [keys]", c->keys_current);
		return -1;
	}
	/* secret_key stays "the key that signs" (Django's SECRET_KEY) for any reader. */
	free(c->secret_key);
	if ((c->secret_key = strdup(c->keyring[c->signing].secret)) == NULL) {
		(void)snprintf(err, errsz, "out of memory");
		return -1;
	}
	c->secret_len = c->keyring[c->signing].len;
	return 0;
}

/*
 * The hash cost minimums, unless [password] enforce_hash_cost = 0.
 * password_hash_cost is crypt_gensalt's count: yescrypt 1 to 11 (0: its
 * default, 5), bcrypt 4 to 31 (0: libxcrypt's 5), sha512crypt the rounds
 * (0: 5000; 1 to 999 give 1000).
 */
static int
check_hash_cost(const struct cfg *c, char *err, size_t errsz)
{
	long	 cost = c->password_hash_cost;

	if (!c->pw_enforce_hash_cost)
		return 0;
	if (strcmp(c->password_hash, "yescrypt") == 0) {
		if (cost == 0 || cost >= 5)
			return 0;
		(void)snprintf(err, errsz, "password_hash_cost %ld is below yescrypt's default, "
		    "5: use 0 (the default) or 5 to 11", cost);
	} else if (strcmp(c->password_hash, "bcrypt") == 0) {
		if (cost >= 10)
			return 0;
		if (cost == 0)
			(void)snprintf(err, errsz, "password_hash_cost 0 is bcrypt's cost 5, below "
			    "the minimum of 10: set password_hash_cost = 12 (10 to 31)");
		else
			(void)snprintf(err, errsz, "password_hash_cost %ld is below bcrypt's "
			    "minimum of 10: use 12 (10 to 31)", cost);
	} else {
		if (cost == 0 || cost >= 5000)
			return 0;
		(void)snprintf(err, errsz, "password_hash_cost %ld (sha512crypt rounds) is below "
		    "5000: use 0 (5000 rounds) or 5000 and more", cost);
	}
	return -1;
}

/* Checks that need several keys or a closed set of values. */
static int
check(struct cfg *c, char *err, size_t errsz)
{
	if (check_keys(c, err, errsz) == -1)
		return -1;
	if (strcmp(c->algorithm, "HS256") != 0) {
		(void)snprintf(err, errsz, "algorithm \"%s\" is not supported; only HS256",
		    c->algorithm);
		return -1;
	}
	if (strcmp(c->password_hash, "yescrypt") != 0 &&
	    strcmp(c->password_hash, "bcrypt") != 0 &&
	    strcmp(c->password_hash, "sha512crypt") != 0) {
		(void)snprintf(err, errsz, "password_hash \"%s\": expected yescrypt, "
		    "bcrypt or sha512crypt", c->password_hash);
		return -1;
	}
	if (check_hash_cost(c, err, errsz) == -1)
		return -1;
	if (strcmp(c->log_level, "error") != 0 && strcmp(c->log_level, "warning") != 0 &&
	    strcmp(c->log_level, "info") != 0 && strcmp(c->log_level, "debug") != 0) {
		(void)snprintf(err, errsz, "log_level \"%s\": expected error, warning, "
		    "info or debug", c->log_level);
		return -1;
	}
	if (strcmp(c->mail_backend_raw, "smtp") == 0)
		c->mail_backend = MAIL_SMTP;
	else if (strcmp(c->mail_backend_raw, "file") == 0)
		c->mail_backend = MAIL_FILE;
	else {
		(void)snprintf(err, errsz, "mail.backend \"%s\": expected smtp or file",
		    c->mail_backend_raw);
		return -1;
	}
	if (c->db_name[0] == '\0') {
		(void)snprintf(err, errsz, "db.name is empty");
		return -1;
	}
	if (split_proxies(c, err, errsz) == -1)
		return -1;
	if (split_dbhosts(c, err, errsz) == -1)
		return -1;
	return split_origins(c, err, errsz);
}

int
cfg_load_text(struct cfg *c, const char *text, const char *const *env,
    char *err, size_t errsz)
{
	char		 name[96];
	const char	*const *e;
	size_t		 i, nlen;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NKEYS; i++)
		if (keys[i].def != NULL &&
		    slot_set(c, &keys[i], keys[i].def, strlen(keys[i].def),
		    "default", err, errsz) == -1)
			goto err;
	if (text != NULL && parse_ini(c, text, "config", err, errsz) == -1)
		goto err;
	for (i = 0; env != NULL && i < NKEYS; i++) {
		key_envname(&keys[i], name, sizeof(name));
		nlen = strlen(name);
		for (e = env; *e != NULL; e++)
			if (strncmp(*e, name, nlen) == 0 && (*e)[nlen] == '=')
				break;
		if (*e != NULL && slot_set(c, &keys[i], *e + nlen + 1,
		    strlen(*e + nlen + 1), name, err, errsz) == -1)
			goto err;
	}
	if (check(c, err, errsz) == -1)
		goto err;
	return 0;
err:
	cfg_free(c);
	return -1;
}

/* "jwtauth.conf" in the directory of the running binary into out; 0 or -1. */
static int
beside_binary(char *out, size_t outsz)
{
	char	 exe[4096], *slash;
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return -1;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return -1;
	*slash = '\0';
	if (snprintf(out, outsz, "%s/jwtauth.conf", exe) >= (int)outsz)
		return -1;
	return 0;
}

int
cfg_load(struct cfg *c, char *err, size_t errsz)
{
	const char	*path = getenv("JWTAUTH_CONFIG");
	int		 explicit = path != NULL && *path != '\0';
	struct buf	 text = BUF_INIT;
	FILE		*f = NULL;
	char		 chunk[4096], beside[4096];
	size_t		 n;
	int		 rc = -1;

	if (!explicit) {
		path = SYSCONFDIR "/jwtauth/jwtauth.conf";
		if (beside_binary(beside, sizeof(beside)) == 0 && access(beside, F_OK) == 0)
			path = beside;
	}
	if ((f = fopen(path, "r")) == NULL) {
		if (explicit || errno != ENOENT) {
			(void)snprintf(err, errsz, "%s: %s", path, strerror(errno));
			goto out;
		}
	} else {
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			if (text.len + n > 1024 * 1024 || buf_add(&text, chunk, n) == -1) {
				(void)snprintf(err, errsz, "%s: too large", path);
				goto out;
			}
		if (ferror(f)) {
			(void)snprintf(err, errsz, "%s: read error", path);
			goto out;
		}
	}
	if (cfg_load_text(c, f != NULL ? buf_str(&text) : NULL,
	    (const char *const *)environ, err, errsz) == -1) {
		/* Prefix the file name so the operator knows where to look. */
		if (f != NULL && strncmp(err, "config:", 7) == 0) {
			struct buf named = BUF_INIT;

			buf_printf(&named, "%s%s", path, err + 6);
			if (buf_ok(&named))
				(void)snprintf(err, errsz, "%s", named.p);
			buf_free(&named);
		}
		goto out;
	}
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	buf_wipe(&text);
	return rc;
}

void
cfg_free(struct cfg *c)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].type != K_LONG)
			slot_clear(c, &keys[i]);
	c->secret_len = 0;
	memset(c->keyring, 0, sizeof(c->keyring));
	c->nkeys = 0;
	c->ncors_origins = 0;
	c->nproxies = 0;
	c->ndb_hosts = 0;
}
