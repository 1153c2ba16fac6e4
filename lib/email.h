/*
 * email.h - e-mail addresses as the original checks and stores them.
 */
#ifndef JWTAUTH_EMAIL_H
#define JWTAUTH_EMAIL_H

#include <stddef.h>

#include "buf.h"

/*
 * Django 3.2.25's django.core.validators.EmailValidator: 1 when valid, 0
 * when it raises ValidationError.  s is valid UTF-8 of n bytes (already
 * stripped by the caller, as DRF does); it may contain NUL bytes (then it is
 * invalid).  Includes the 320-character limit, the localhost allow-list, the
 * IP literal form and the IDNA (punycode) retry of the domain part.
 */
int	 email_valid(const char *s, size_t n);

/*
 * BaseUserManager.normalize_email: strip(), then lower-case the part after
 * the last '@' (str.lower()); text without '@' is returned as it was
 * (unstripped, as Django does).
 * Appends to out; returns 0, or -1 when out ran out of memory.
 */
int	 email_normalize(const char *s, size_t n, struct buf *out);

/*
 * 1 when addr is safe to hand to an SMTP envelope (libcurl passes CR/LF
 * straight into the dialogue): no control characters (C0, DEL, C1), no
 * '<' or '>', no spaces, exactly one '@' with text on both sides, and
 * valid UTF-8 (a stray 0x85 could be read as a Latin-1 control).
 */
int	 email_smtp_safe(const char *addr, size_t n);

#endif
