/*
 * pyrt.h - the few pieces of Python's runtime whose exact behaviour a client of
 * the original (Django/DRF on CPython 3.11) can observe: UTF-8 decoding,
 * str.strip(), str() of numbers, int() of strings, str.lower() and the lenient
 * base64 decoder behind django.utils.http.urlsafe_base64_decode.
 *
 * All functions are pure.  Strings are byte ranges (pointer + length), never
 * assumed NUL-terminated; they may contain NUL bytes.
 */
#ifndef JWTAUTH_PYRT_H
#define JWTAUTH_PYRT_H

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

/* Python str.isspace() for one code point (Unicode White_Space + the C0 separators). */
int	 py_isspace(uint32_t cp);

/*
 * str.strip() with no arguments on valid UTF-8: *off and *len receive the
 * byte range of the stripped string within s.
 */
void	 py_strip(const char *s, size_t n, size_t *off, size_t *len);

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
 * int(s) for a str s (base 10), restricted to ASCII digits: optional
 * surrounding whitespace (str.isspace), optional sign, digits with single
 * underscores between them ("1_000").  Returns 0 and sets *out on success;
 * 1 when the text is a valid integer that does not fit in int64 (*out
 * untouched); -1 when int() would raise ValueError.
 * As in CPython, int() skips only ASCII C-isspace and non-ASCII
 * str.isspace() characters (U+001C..U+001F make it fail) and refuses more
 * than 4300 digits; unlike it, non-ASCII decimal digits give -1.
 */
int	 py_int_parse(const char *s, size_t n, int64_t *out);

/*
 * str.lower() on valid UTF-8, appended to out (full Unicode lower-casing as
 * CPython 3.11 does it, including U+0130 -> "i\u0307").
 */
int	 py_lower(const char *s, size_t n, struct buf *out);

/*
 * base64.urlsafe_b64decode(s) with the padding Django's
 * urlsafe_base64_decode adds (s.ljust(len(s) + len(s) % 4, '=')), using
 * binascii.a2b_base64's non-strict rules: '-' and '_' stand for '+' and '/',
 * characters outside the alphabet are skipped, decoding stops at a complete
 * pad sequence.  s is bytes (the UTF-8 of the URL segment).  Appends the
 * decoded bytes to out and returns 0, or -1 where Python raises
 * binascii.Error (Incorrect padding / invalid number of data characters).
 */
int	 py_urlsafe_b64decode(const char *s, size_t n, struct buf *out);

/*
 * base64.urlsafe_b64decode(s + b"=" * npad), by the same rules: what
 * PyJWT's base64url_decode does with npad = (4 - len(s) % 4) % 4.
 */
int	 py_urlsafe_b64decode_padded(const char *s, size_t n, size_t npad, struct buf *out);

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

#endif
