/*
 * pycompat.h - the few pieces of Python's runtime whose exact behaviour a client of
 * the original (Django/DRF on CPython 3.11) can observe: UTF-8 decoding,
 * str.strip(), str() of numbers, int() of strings, str.lower(), the lenient
 * base64 decoder (binascii.a2b_base64), ipaddress' address literals and
 * hmac.compare_digest.  Every module that needs one of them calls it here;
 * none keeps a copy.
 *
 * All functions are pure.  Strings are byte ranges (pointer + length), never
 * assumed NUL-terminated; they may contain NUL bytes.
 */
#ifndef JWTAUTH_PYCOMPAT_H
#define JWTAUTH_PYCOMPAT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * Decode one code point of UTF-8 at s[*i], advancing *i.  Strict like
 * Python's utf-8 codec: no overlong forms, no surrogates (ED A0..BF), nothing
 * above U+10FFFF.  Returns the code point, or -1 on an invalid sequence (then
 * *i is left unchanged).
 */
int32_t	 py_utf8_next(const char *s, size_t n, size_t *i);

/*
 * Append code point cp (at most U+10FFFF, not a surrogate) to out as
 * UTF-8.  Returns 0, or -1 when out has failed (see buf_ok()).
 */
int	 py_utf8_put(struct buf *out, uint32_t cp);

/* 1 when s is entirely valid UTF-8 by the rules above, else 0. */
int	 py_utf8_valid(const char *s, size_t n);

/*
 * Byte offset and reason of the first invalid sequence, for messages like
 * Python's "'utf-8' codec can't decode byte 0xe9 in position 9: invalid
 * continuation byte".  Returns 0 and fills *pos and *reason when s is invalid,
 * -1 when s is valid.  reason is a static string: "invalid start byte",
 * "invalid continuation byte" or "unexpected end of data".
 */
int	 py_utf8_error(const char *s, size_t n, size_t *pos, const char **reason);

/*
 * py_utf8_error(), and *len receives the length of the invalid sequence as
 * UnicodeDecodeError counts it (end - start): the rest of s for "unexpected
 * end of data", else the maximal invalid subpart (1 for a bad start byte).
 */
int	 py_utf8_error_span(const char *s, size_t n, size_t *pos, size_t *len,
	    const char **reason);

/*
 * Number of code points (Python len()) of valid UTF-8, counted as the bytes
 * that are not continuation bytes.
 */
size_t	 py_utf8_len(const char *s, size_t n);

/*
 * bytes.decode('utf-8', errors='replace'): append s to out, replacing each
 * maximal invalid subpart with U+FFFD exactly as CPython does.
 */
int	 py_utf8_decode_replace(const char *s, size_t n, struct buf *out);

/* bytes.decode('iso-8859-1'): append s to out as UTF-8. */
int	 py_latin1_to_utf8(const char *s, size_t n, struct buf *out);

/* str.isascii() / bytes.isascii(): 1 when no byte of s is above 0x7f. */
int	 py_isascii(const char *s, size_t n);

/* Python str.isspace() for one code point (Unicode White_Space + the C0 separators). */
int	 py_isspace(uint32_t cp);

/*
 * str.strip() with no arguments on valid UTF-8: *off and *len receive the
 * byte range of the stripped string within s.
 */
void	 py_strip(const char *s, size_t n, size_t *off, size_t *len);

/*
 * bytes.strip() with no arguments (ASCII space, \t, \n, \v, \f, \r):
 * *off and *len receive the byte range of the stripped bytes within s.
 */
void	 py_bytes_strip(const char *s, size_t n, size_t *off, size_t *len);

/* 1 when str.strip() of s is empty (s is all whitespace, or empty). */
int	 py_isblank(const char *s, size_t n);

/*
 * repr(float) / str(float): the shortest string that round-trips, in
 * Python's layout: "1.0", "0.1", "1e+16", "1.5e-07", "123456789.0", "inf",
 * "-inf", "nan", "-0.0".  Returns the length written (excluding NUL), or -1
 * when outsz is too small (32 bytes always suffice).
 */
int	 py_float_repr(double d, char *out, size_t outsz);

/*
 * str(int(text)) for a JSON integer literal (-?(0|[1-9][0-9]*)): the
 * canonical decimal text, e.g. "-0" -> "0".  Works for any length.
 * (Leading zeros are dropped too.)  Returns 0, or -1 when s is not
 * -?[0-9]+ or on allocation failure.  Note: CPython refuses int() of more
 * than 4300 digits (json.loads raises ValueError); this function does not.
 */
int	 py_int_literal_str(const char *s, size_t n, struct buf *out);

/*
 * int(s) for a str s (valid UTF-8, base 10), as CPython 3.11 reads it:
 * each non-ASCII str.isspace() character counts as a space and each
 * Unicode decimal digit (str.isdecimal(), e.g. U+0661 ARABIC-INDIC DIGIT
 * ONE) as its ASCII digit; then optional whitespace (ASCII C-isspace only:
 * U+001C..U+001F make it fail), an optional sign, digits with single
 * underscores between them ("1_000"), optional whitespace.  Returns 0 and
 * sets *out; 1 when the text is a valid integer that does not fit in int64
 * (*out then saturates at INT64_MIN or INT64_MAX); -1 when int() would
 * raise ValueError (also for invalid UTF-8 and more than 4300 digits).
 */
int	 py_int_parse(const char *s, size_t n, int64_t *out);

/*
 * str.lower() on valid UTF-8, appended to out (full Unicode lower-casing as
 * CPython 3.11 does it, including U+0130 -> "i\u0307").
 */
int	 py_lower(const char *s, size_t n, struct buf *out);

/* The two alphabets of py_a2b_base64(). */
enum py_b64 {
	PY_B64_STD,	/* base64.b64decode: A-Z a-z 0-9 + / */
	PY_B64_URLSAFE	/* base64.urlsafe_b64decode: '-' and '_' are
			   translated to '+' and '/' first, so all 66 count */
};

/*
 * binascii.a2b_base64(s + b"=" * npad) in CPython 3.11's non-strict mode
 * (what base64.b64decode and urlsafe_b64decode use) with the alphabet
 * alpha: characters outside it are skipped, a complete pad sequence ends
 * the data, a partial quad left over fails.  Appends the decoded bytes to
 * out (NULL: only check) and returns 0, or -1 where Python raises
 * binascii.Error (Incorrect padding / invalid number of data characters);
 * on -1 nothing has been appended.  s is bytes.
 */
int	 py_a2b_base64(const char *s, size_t n, size_t npad, enum py_b64 alpha,
	    struct buf *out);

/*
 * django.utils.http.urlsafe_base64_decode(s): base64.urlsafe_b64decode of
 * s.ljust(len(s) + len(s) % 4, '='), i.e. py_a2b_base64(s, n, n % 4,
 * PY_B64_URLSAFE, out).
 */
int	 py_urlsafe_b64decode(const char *s, size_t n, struct buf *out);

/*
 * The name codecs.lookup() searches for: CPython 3.11's
 * encodings.normalize_encoding after lower-casing (ASCII letters
 * lower-cased, digits and '.' kept, every run of other bytes, non-ASCII
 * included, one '_' between them, none leading or trailing).  Returns 0,
 * or -1 when the result does not fit out, is empty, or s holds a NUL
 * (Python raises ValueError).
 */
int	 py_normalize_encoding(const char *s, size_t n, char *out, size_t outsz);

/* Value of one hex digit (urllib.parse's _hexdig), or -1. */
int	 py_hexdigit(int c);

/* base64.urlsafe_b64encode(s).rstrip(b'='), appended to out. */
int	 py_urlsafe_b64encode_nopad(const unsigned char *s, size_t n, struct buf *out);

/*
 * ipaddress.IPv4Address(s) succeeds (CPython 3.11): four dot-separated
 * decimal octets of one to three ASCII digits, no leading zero, at most
 * 255.  1 or 0.
 */
int	 py_is_ipv4(const char *s, size_t n);

/*
 * ipaddress.IPv6Address(s) succeeds (CPython 3.11): no '/', an optional
 * "%scope" suffix (not empty, no second '%'), then _BaseV6._ip_int_from_string's
 * rules (hextets of one to four hex digits, at most one "::", an IPv4
 * tail for the last two).  No length limit (Django's callers add theirs).
 * 1 or 0.
 */
int	 py_is_ipv6(const char *s, size_t n);

/*
 * hmac.compare_digest(a, b): 1 when the two byte strings are equal, else
 * 0; for equal lengths the time does not depend on the contents.  Every
 * comparison of a secret (MAC, hash, token) goes through here.
 */
int	 py_compare_digest(const void *a, size_t alen, const void *b, size_t blen);

#endif
