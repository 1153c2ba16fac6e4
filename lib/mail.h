/*
 * mail.h - the reset mail, sent with libcurl's SMTP (STARTTLS required, or
 * smtps://) or written as one .eml file per message (backend "file").
 */
#ifndef JWTAUTH_MAIL_H
#define JWTAUTH_MAIL_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "cfg.h"

/*
 * The message as Django's EmailMessage builds it (text/plain; utf-8,
 * 7bit, Subject, From, To, Date, Message-ID), CRLF line ends, ending with
 * CRLF as the SMTP DATA does.  to must already be email_smtp_safe().
 */
int	 mail_format(const struct cfg *c, const char *to, const char *subject,
	    const char *body, time_t now, struct buf *out);

/*
 * Send one message to to.  Returns 0, or -1 with a short reason in why
 * (no secrets; it is logged and may reach the client's 503 detail).
 */
int	 mail_send(const struct cfg *c, const char *to, const char *subject,
	    const char *body, char *why, size_t whysz);

/* Check the mail settings at start-up (binaries that send mail). 0 or -1 with err. */
int	 mail_check_config(const struct cfg *c, char *err, size_t errsz);

#endif
