/*
 * t_mail.c - the reset message as Django's EmailMessage lays it out, the
 * file backend, and the address checks that keep CR/LF out of SMTP.
 */
#include "config.h"

#include <sys/resource.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "email.h"
#include "mail.h"
#include "tap.h"

/* Entries in dir but "." and "..", hidden ones (the backend's temporary files) included. */
static int
entries(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/*
 * The file backend when the write fails part-way (a full disk; here the
 * file-size limit, which fails write(2) with EFBIG the same way): -1 with
 * the reason, and no file left behind.
 */
static void
write_fails(const char *body)
{
	struct cfg	 c;
	struct rlimit	 old, lim;
	char		 dir[] = "/tmp/jwtauth-t_mail-full-XXXXXX", conf[256], err[256] = "", why[256] = "";
	int		 rc;

	if (mkdtemp(dir) == NULL) {
		ok(0, "temporary mail dir for the failing write");
		return;
	}
	(void)snprintf(conf, sizeof(conf), "secret_key = 0123456789abcdef0123456789abcdef\n"
	    "[mail]\nbackend = file\ndir = %s\n", dir);
	ok(cfg_load_text(&c, conf, NULL, err, sizeof(err)) == 0, "config (failing write)");
	(void)signal(SIGXFSZ, SIG_IGN);
	ok(getrlimit(RLIMIT_FSIZE, &old) == 0, "file-size limit read");
	lim = old;
	lim.rlim_cur = 100;	/* part of the message fits: a partial file is written first */
	ok(setrlimit(RLIMIT_FSIZE, &lim) == 0, "file-size limit of 100 bytes");
	rc = mail_send(&c, "user@example.com", "Reset Your Password", body, why, sizeof(why));
	(void)setrlimit(RLIMIT_FSIZE, &old);
	(void)signal(SIGXFSZ, SIG_DFL);
	ok(rc == -1 && strstr(why, "writing the mail file") != NULL, "a failing write is an error: %s", why);
	is_int(entries(dir), 0, "and leaves no file, temporary or not");
	why[0] = '\0';
	ok(mail_send(&c, "user@example.com", "Reset Your Password", body, why, sizeof(why)) == 0,
	    "with the limit lifted the mail is written: %s", why);
	is_int(entries(dir), 1, "one file then");
	cfg_free(&c);
	(void)snprintf(conf, sizeof(conf), "rm -rf '%s'", dir);
	ok(system(conf) == 0, "temporary mail dir removed");
}

static const struct {
	const char	*addr;
	int		 safe;
} addrs[] = {
	{ "user@example.com", 1 }, { "Mixed.Case+tag@example.org", 1 }, { "u@xn--exmple-cua.com", 1 },
	{ "u@ex\xc3\xa4mple.com", 1 },
	{ "user@example.com\r\nRCPT TO:<evil@x>", 0 }, { "user@example.com\n", 0 }, { "us\rer@example.com", 0 },
	{ "<user@example.com>", 0 }, { "user@exa>mple.com", 0 }, { "a b@example.com", 0 }, { "noat", 0 },
	{ "@example.com", 0 }, { "user@", 0 }, { "a@b@c", 0 }, { "user\x7f@example.com", 0 },
	{ "user\xc2\x85@example.com", 0 }, { "user\x85@example.com", 0 }, { "", 0 }, { "tab\t@example.com", 0 },
};

int
main(void)
{
	struct cfg	 c;
	struct buf	 m = BUF_INIT;
	char		 err[256] = "", why[256] = "", dir[] = "/tmp/jwtauth-t_mail-XXXXXX", path[512];
	const char	*head = "Content-Type: text/plain; charset=\"utf-8\"\r\nMIME-Version: 1.0\r\n"
			    "Content-Transfer-Encoding: 7bit\r\nSubject: Reset Your Password\r\n"
			    "From: jwtauth@example.org\r\nTo: Reset.Me@xn--exmple-cua.org\r\n"
			    "Date: Tue, 24 Nov 2026 04:00:15 -0000\r\nMessage-ID: <179549281500.";
	const char	*body = "line one\nuid:   NDI\ntoken: abc-def\n\nWarning: x.\n                ";
	struct dirent	*de;
	DIR		*d;
	FILE		*f;
	size_t		 i, n;
	int		 files = 0;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
		is_int(email_smtp_safe(addrs[i].addr, strlen(addrs[i].addr)), addrs[i].safe,
		    "smtp-safe %zu", i);

	ok(mkdtemp(dir) != NULL, "temporary mail dir");
	(void)snprintf(path, sizeof(path), "secret_key = 0123456789abcdef0123456789abcdef\n"
	    "[mail]\nbackend = file\ndir = %s\nfrom = jwtauth@example.org\n", dir);
	ok(cfg_load_text(&c, path, NULL, err, sizeof(err)) == 0, "config");
	ok(mail_check_config(&c, err, sizeof(err)) == 0, "file backend config is fine");

	ok(mail_format(&c, "Reset.Me@ex\xc3\xa4mple.org", "Reset Your Password", body, 1795492815, &m) == 0,
	    "format");
	ok(strncmp(m.p, head, strlen(head)) == 0, "Django's header order and values, IDN domain in punycode");
	ok(strstr(m.p, "\r\n\r\nline one\r\nuid:   NDI\r\ntoken: abc-def\r\n\r\nWarning: x.\r\n"
	    "                \r\n") != NULL, "body with CRLF line ends, ending with CRLF as SMTP DATA does");
	n = m.len;
	ok(m.p[n - 2] == '\r' && m.p[n - 1] == '\n', "ends with CRLF");

	ok(mail_send(&c, "user@example.com", "Reset Your Password", body, why, sizeof(why)) == 0,
	    "file backend writes: %s", why);
	ok(mail_send(&c, "user@example.com\r\nRCPT TO:<x@y>", "S", body, why, sizeof(why)) == -1,
	    "an unsafe address is refused before any I/O: %s", why);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			files++;
			ok(strlen(de->d_name) > 4 && strcmp(de->d_name + strlen(de->d_name) - 4, ".eml") == 0,
			    "one .eml file: %s", de->d_name);
			(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if ((f = fopen(path, "r")) != NULL) {
				char line[256];

				ok(fgets(line, sizeof(line), f) != NULL &&
				    strcmp(line, "Content-Type: text/plain; charset=\"utf-8\"\r\n") == 0, "file content");
				fclose(f);
			}
			unlink(path);
		}
		closedir(d);
	}
	is_int(files, 1, "exactly one message written");
	rmdir(dir);
	cfg_free(&c);

	ok(cfg_load_text(&c, "secret_key = 0123456789abcdef0123456789abcdef\n[mail]\nbackend = file\n"
	    "dir = /nonexistent/dir\n", NULL, err, sizeof(err)) == 0, "config 2");
	ok(mail_check_config(&c, err, sizeof(err)) == -1, "missing mail dir refused: %s", err);
	cfg_free(&c);
	ok(cfg_load_text(&c, "secret_key = 0123456789abcdef0123456789abcdef\n[mail]\n"
	    "url = http://smtp.example.org\n", NULL, err, sizeof(err)) == 0, "config 3");
	ok(mail_check_config(&c, err, sizeof(err)) == -1, "non-SMTP URL refused: %s", err);
	cfg_free(&c);
	ok(cfg_load_text(&c, "secret_key = 0123456789abcdef0123456789abcdef\n[mail]\n"
	    "from = evil@example.org\\r\\nBcc: x\n", NULL, err, sizeof(err)) == 0, "config 4");
	ok(mail_check_config(&c, err, sizeof(err)) == -1, "odd sender refused");
	cfg_free(&c);
	write_fails(body);
	buf_free(&m);
	return tap_done();
}
