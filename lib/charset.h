/*
 * charset.h - Python's text codecs as Django's request parsing meets them:
 * codecs.lookup() of a charset name (the Content-Type's charset, an RFC
 * 2231 parameter value), bytes.decode() in the three ways the parsers call
 * it, and urllib.parse.unquote(s, encoding=...).
 *
 * The table of codecs is CPython 3.11's encodings package, written by
 * tools/gen/gen_charsets.py; utf-8, latin-1 and ascii are decoded by pycompat,
 * the others by glibc iconv(3).
 */
#ifndef JWTAUTH_CHARSET_H
#define JWTAUTH_CHARSET_H

#include <stddef.h>

#include "buf.h"

/* One of CPython's text codecs (opaque; static storage, never freed). */
struct pycodec;

/*
 * codecs.lookup(name[0..n)) as CPython 3.11 resolves it (normalised, then
 * an alias or a module of the encodings package).  Returns the codec, or
 * NULL where Python raises LookupError (also for the codecs that are not
 * text encodings: hex, base64, rot13, ...).
 */
const struct pycodec *charset_lookup(const char *name, size_t n);

/* The utf-8 codec (Django's DEFAULT_CHARSET). */
const struct pycodec *charset_utf8(void);

/* How a parser decodes. */
enum charset_mode {
	CHARSET_STRICT,		/* bytes.decode(enc): any error fails */
	CHARSET_STREAM,		/* codecs.getreader(enc)(stream).read():
				   final=False, so an incomplete sequence at
				   the end is dropped */
	CHARSET_REPLACE,	/* bytes.decode(enc, 'replace') */
};

/* Where and why decoding failed, for UnicodeDecodeError's message. */
struct charset_err {
	const char	*codec;
	size_t		 start, end;	/* the bytes [start, end) */
	unsigned char	 byte;		/* the byte at start */
	const char	*reason;
	const char	*raw;		/* a plain UnicodeError message instead */
};

/*
 * Decode s[0..n) with codec c in the given mode, appending UTF-8 to out.
 * Returns 0; 1 on a decoding error (not with CHARSET_REPLACE; e says
 * where); -1 when out of memory.
 */
int	 charset_decode(const struct pycodec *c, const char *s, size_t n,
	    enum charset_mode mode, struct buf *out, struct charset_err *e);

/*
 * prefix followed by str() of the UnicodeDecodeError e, into msg (ASCII,
 * cut to msgsz).
 */
void	 charset_strerror(const struct charset_err *e, const char *prefix,
	    char *msg, size_t msgsz);

/*
 * urllib.parse.unquote(s, encoding=c, errors='replace') on the UTF-8 text
 * s[0..n), appended to out: without '%' s is kept; otherwise each run of
 * ASCII is percent-decoded to bytes (a '%' not followed by two hex digits
 * stays) and decoded with c, other characters are kept.  0, or -1 when out
 * of memory.
 */
int	 charset_unquote(const char *s, size_t n, const struct pycodec *c,
	    struct buf *out);

#endif
