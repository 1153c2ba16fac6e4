/*
 * idn.h - libidn2's idn2_to_ascii_8z, loaded (dlopen) on first use.
 *
 * Only a domain with a non-ASCII character needs it: an e-mail address
 * being validated, or a reset mail's recipient.  Linked, libidn2 and the
 * libunistring it needs would be mapped by every process start (every
 * plain CGI request) for nothing; and Debian ships no static libunistring,
 * so a binary linked with --enable-static-programs could not hold it.
 */
#ifndef JWTAUTH_IDN_H
#define JWTAUTH_IDN_H

#include <idn2.h>

/*
 * idn2_to_ascii_8z(in, out, flags): IDN2_OK and *out (free with idn2l_free),
 * or libidn2's error code; IDN2_MALLOC (with a log line, once) when libidn2
 * cannot be loaded, so the caller refuses the name rather than guesses.
 */
int	 idn2l_to_ascii(const char *in, char **out, int flags);
void	 idn2l_free(char *s);

#endif
