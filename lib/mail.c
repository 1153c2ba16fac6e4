/*
 * mail.c - SMTP through libcurl, or a directory of .eml files (see mail.h).
 *
 * libcurl 7.88 passes CR/LF in an address straight into the SMTP dialogue,
 * so every address is checked with email_smtp_safe() first.  TLS is always
 * required: smtp:// upgrades with STARTTLS (CURLUSESSL_ALL, never falling
 * back to cleartext), smtps:// starts with TLS; certificates are verified.
 *
 * libcurl is loaded (dlopen) when the first mail goes out over SMTP, not
 * linked: only the reset-mail endpoint sends mail, and libcurl brings some
 * thirty shared objects (GnuTLS, Kerberos, LDAP, SSH, RTMP...) that every
 * other binary, and every start of a CGI process, would otherwise map.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/rand.h>

#include "email.h"
#include "idn.h"
#include "log.h"
#include "mail.h"

#define DEFAULT_FROM	"webmaster@localhost"	/* Django's DEFAULT_FROM_EMAIL */

static const char *
sender(const struct cfg *c)
{
	return c->mail_from[0] != '\0' ? c->mail_from : DEFAULT_FROM;
}

/*
 * The address as it goes on the wire: an internationalised domain in
 * punycode (Django's sanitize_address does the same).  Appends to out.
 */
static int
wire_address(const char *addr, struct buf *out)
{
	const char	*at = strrchr(addr, '@');
	char		*ace = NULL;
	int		 rc;

	if (at == NULL)
		return -1;
	buf_add(out, addr, (size_t)(at - addr) + 1);
	for (const char *p = at + 1; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			goto idn;
	return buf_puts(out, at + 1);
idn:
	if (idn2l_to_ascii(at + 1, &ace, IDN2_NFC_INPUT | IDN2_TRANSITIONAL) != IDN2_OK)
		return -1;
	rc = buf_puts(out, ace);
	idn2l_free(ace);
	return rc;
}

int
mail_format(const struct cfg *c, const char *to, const char *subject, const char *body,
    time_t now, struct buf *out)
{
	char		 date[64], host[256];
	unsigned char	 rnd[8];
	unsigned long long r = 0;
	struct tm	 tm;
	const char	*p;
	size_t		 i;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S -0000", &tm) == 0)
		return -1;
	if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0')
		(void)snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	for (i = 0; i < sizeof(rnd); i++)
		r = r << 8 | rnd[i];
	buf_puts(out, "Content-Type: text/plain; charset=\"utf-8\"\r\n"
	    "MIME-Version: 1.0\r\nContent-Transfer-Encoding: 7bit\r\n");
	buf_printf(out, "Subject: %s\r\nFrom: ", subject);
	if (wire_address(sender(c), out) == -1)
		return -1;
	buf_puts(out, "\r\nTo: ");
	if (wire_address(to, out) == -1)
		return -1;
	/* email.utils.make_msgid: <time*100.pid.random@host> */
	buf_printf(out, "\r\nDate: %s\r\nMessage-ID: <%lld.%ld.%llu@%s>\r\n\r\n", date,
	    (long long)now * 100, (long)getpid(), r, host);
	for (p = body; *p != '\0'; p++) {
		if (*p == '\n')
			buf_puts(out, "\r\n");
		else
			buf_putc(out, *p);
	}
	buf_puts(out, "\r\n");
	return buf_ok(out) ? 0 : -1;
}

/* The "file" backend: write to a temporary name, then rename into place. */
static int
send_file(const struct cfg *c, const struct buf *msg, char *why, size_t whysz)
{
	char		 tmp[4096], final[4096];
	struct timespec	 ts;
	unsigned char	 rnd[4];
	int		 fd = -1, rc = -1;
	ssize_t		 w;
	size_t		 off = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto out;
	if (snprintf(final, sizeof(final), "%s/%lld%09ld-%ld-%02x%02x%02x%02x.eml", c->mail_dir,
	    (long long)ts.tv_sec, ts.tv_nsec, (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3]) >=
	    (int)sizeof(final) ||
	    snprintf(tmp, sizeof(tmp), "%s/.tmp-%ld-%02x%02x%02x%02x", c->mail_dir, (long)getpid(),
	    rnd[0], rnd[1], rnd[2], rnd[3]) >= (int)sizeof(tmp)) {
		(void)snprintf(why, whysz, "mail.dir is too long");
		goto out;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) == -1) {
		(void)snprintf(why, whysz, "cannot create a file in mail.dir: %s", strerror(errno));
		goto out;
	}
	while (off < msg->len) {
		if ((w = write(fd, msg->p + off, msg->len - off)) <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			(void)snprintf(why, whysz, "writing the mail file: %s", strerror(errno));
			goto out;
		}
		off += (size_t)w;
	}
	/* A full disk may show only here (delayed allocation): the file is closed below. */
	if (fsync(fd) == -1) {
		(void)snprintf(why, whysz, "writing the mail file: %s", strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		(void)snprintf(why, whysz, "writing the mail file: %s", strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, final) == -1) {
		(void)snprintf(why, whysz, "renaming the mail file: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (rc == -1)
		(void)unlink(tmp);
	return rc;
}

struct upload {
	const char	*p;
	size_t		 left;
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload	*u = arg;
	size_t		 n = size * nmemb;

	if (n > u->left)
		n = u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* The progress callback: non-zero (stop) once the deadline (arg) has passed. */
static int
past_deadline(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	const struct timespec	*end = arg;
	struct timespec		 now;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > end->tv_sec ||
	    (now.tv_sec == end->tv_sec && now.tv_nsec >= end->tv_nsec);
}

/* libcurl's ABI name since 7.16; Debian's libcurl4 (OpenSSL flavour) ships it. */
#define LIBCURL_SONAME	"libcurl.so.4"

/* The libcurl calls send_smtp() makes, from the library loaded at first use. */
static struct {
	void			*h;
	CURL			*(*easy_init)(void);
	CURLcode		 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode		 (*easy_perform)(CURL *);
	CURLcode		 (*easy_getinfo)(CURL *, CURLINFO, ...);
	const char		*(*easy_strerror)(CURLcode);
	void			 (*easy_cleanup)(CURL *);
	struct curl_slist	*(*slist_append)(struct curl_slist *, const char *);
	void			 (*slist_free_all)(struct curl_slist *);
} cu;

/* Load libcurl and initialise it once.  0, or -1 with the reason in why. */
static int
curl_load(char *why, size_t whysz)
{
	CURLcode	(*global_init)(long);
	void		*h;
	const char	*e;

	if (cu.h != NULL)
		return 0;
	if ((h = dlopen(LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		(void)snprintf(why, whysz, "%s", e ? e : "cannot load " LIBCURL_SONAME);
		return -1;
	}
	global_init = (CURLcode (*)(long))dlsym(h, "curl_global_init");
	cu.easy_init = (CURL *(*)(void))dlsym(h, "curl_easy_init");
	cu.easy_setopt = (CURLcode (*)(CURL *, CURLoption, ...))dlsym(h, "curl_easy_setopt");
	cu.easy_perform = (CURLcode (*)(CURL *))dlsym(h, "curl_easy_perform");
	cu.easy_getinfo = (CURLcode (*)(CURL *, CURLINFO, ...))dlsym(h, "curl_easy_getinfo");
	cu.easy_strerror = (const char *(*)(CURLcode))dlsym(h, "curl_easy_strerror");
	cu.easy_cleanup = (void (*)(CURL *))dlsym(h, "curl_easy_cleanup");
	cu.slist_append = (struct curl_slist *(*)(struct curl_slist *, const char *))
	    dlsym(h, "curl_slist_append");
	cu.slist_free_all = (void (*)(struct curl_slist *))dlsym(h, "curl_slist_free_all");
	if (global_init == NULL || cu.easy_init == NULL || cu.easy_setopt == NULL ||
	    cu.easy_perform == NULL || cu.easy_getinfo == NULL || cu.easy_strerror == NULL ||
	    cu.easy_cleanup == NULL || cu.slist_append == NULL || cu.slist_free_all == NULL) {
		(void)snprintf(why, whysz, "%s lacks a function jwtauth needs", LIBCURL_SONAME);
		dlclose(h);
		return -1;
	}
	if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		(void)snprintf(why, whysz, "curl_global_init failed");
		dlclose(h);
		return -1;
	}
	cu.h = h;
	return 0;
}

/* SMTP with STARTTLS required (or implicit TLS), AUTH, verified certificates. */
static int
send_smtp(const struct cfg *c, const char *to, const struct buf *msg, char *why, size_t whysz)
{
	CURL			*curl = NULL;
	struct curl_slist	*rcpt = NULL;
	struct buf		 from = BUF_INIT, rcptaddr = BUF_INIT;
	struct upload		 up = { msg->p, msg->len };
	char			 errbuf[CURL_ERROR_SIZE] = "";
	struct timespec		 deadline;
	CURLcode		 cc;
	long			 code = 0;
	int			 rc = -1;

	if (curl_load(why, whysz) == -1)
		return -1;
	if ((curl = cu.easy_init()) == NULL) {
		(void)snprintf(why, whysz, "curl_easy_init failed");
		goto out;
	}
	buf_putc(&from, '<');
	buf_putc(&rcptaddr, '<');
	if (wire_address(sender(c), &from) == -1 || wire_address(to, &rcptaddr) == -1) {
		(void)snprintf(why, whysz, "an address cannot be encoded for SMTP");
		goto out;
	}
	buf_putc(&from, '>');
	buf_putc(&rcptaddr, '>');
	if (!buf_ok(&from) || !buf_ok(&rcptaddr) ||
	    (rcpt = cu.slist_append(NULL, rcptaddr.p)) == NULL) {
		(void)snprintf(why, whysz, "out of memory");
		goto out;
	}
	cu.easy_setopt(curl, CURLOPT_URL, c->mail_url);
	cu.easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	cu.easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	cu.easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	cu.easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->mail_ca_file[0] != '\0')
		cu.easy_setopt(curl, CURLOPT_CAINFO, c->mail_ca_file);
	if (c->mail_user[0] != '\0') {
		cu.easy_setopt(curl, CURLOPT_USERNAME, c->mail_user);
		cu.easy_setopt(curl, CURLOPT_PASSWORD, c->mail_password);
	}
	cu.easy_setopt(curl, CURLOPT_MAIL_FROM, from.p);
	cu.easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	cu.easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
	cu.easy_setopt(curl, CURLOPT_READDATA, &up);
	cu.easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	cu.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, c->mail_connect_timeout);
	cu.easy_setopt(curl, CURLOPT_TIMEOUT, c->mail_timeout);
	/*
	 * libcurl 7.88 does not apply CURLOPT_TIMEOUT while it waits for a reply
	 * (after DATA, say): that wait has a limit of its own, 120 s by default,
	 * and a connection kept after a timeout says QUIT and waits that long
	 * again.  So: that limit too, no connection kept, and mail.timeout
	 * checked by the progress callback, which runs during every wait.
	 */
	cu.easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, c->mail_timeout);
	cu.easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += c->mail_timeout;
	cu.easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, past_deadline);
	cu.easy_setopt(curl, CURLOPT_XFERINFODATA, &deadline);
	cu.easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	cu.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	cu.easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	if ((cc = cu.easy_perform(curl)) != CURLE_OK) {
		cu.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
		if (cc == CURLE_ABORTED_BY_CALLBACK)
			(void)snprintf(why, whysz, "SMTP: no answer within mail.timeout (%ld s)",
			    c->mail_timeout);
		else
			(void)snprintf(why, whysz, "SMTP: %s%s%s (server reply %ld)",
			    cu.easy_strerror(cc), errbuf[0] ? ": " : "", errbuf, code);
		goto out;
	}
	rc = 0;
out:
	if (rcpt != NULL)
		cu.slist_free_all(rcpt);
	if (curl != NULL)
		cu.easy_cleanup(curl);
	buf_free(&from);
	buf_free(&rcptaddr);
	return rc;
}

int
mail_send(const struct cfg *c, const char *to, const char *subject, const char *body,
    char *why, size_t whysz)
{
	struct buf	 msg = BUF_INIT;
	int		 rc = -1;

	if (!email_smtp_safe(to, strlen(to)) || !email_smtp_safe(sender(c), strlen(sender(c)))) {
		(void)snprintf(why, whysz, "an address is not safe for SMTP");
		goto out;
	}
	if (mail_format(c, to, subject, body, time(NULL), &msg) == -1) {
		(void)snprintf(why, whysz, "the message could not be built");
		goto out;
	}
	if (c->mail_backend == MAIL_FILE)
		rc = send_file(c, &msg, why, whysz);
	else
		rc = send_smtp(c, to, &msg, why, whysz);
out:
	buf_wipe(&msg);	/* holds a reset token */
	return rc;
}

int
mail_check_config(const struct cfg *c, char *err, size_t errsz)
{
	struct stat	 st;

	if (!email_smtp_safe(sender(c), strlen(sender(c)))) {
		(void)snprintf(err, errsz, "mail.from \"%s\" is not a plain address", sender(c));
		return -1;
	}
	if (c->mail_backend == MAIL_FILE) {
		if (c->mail_dir[0] == '\0' || stat(c->mail_dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
			(void)snprintf(err, errsz, "mail.dir \"%s\" is not a directory", c->mail_dir);
			return -1;
		}
		return 0;
	}
	if (strncmp(c->mail_url, "smtp://", 7) != 0 && strncmp(c->mail_url, "smtps://", 8) != 0) {
		(void)snprintf(err, errsz, "mail.url must start with smtp:// or smtps://");
		return -1;
	}
	return 0;
}
