/*
 * pycompat.c - CPython 3.11 runtime behaviour a client can observe (see pycompat.h).
 *
 * Every function here is checked against /usr/bin/python3 (3.11.2) by
 * tests/unit/t_pycompat.c; the str.lower() tables in pycompat_lower.h are generated
 * from the same interpreter by tools/gen/gen_lower.py, the decimal digits in
 * pycompat_digits.h by tools/gen/gen_digits.py.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "buf.h"
#include "pycompat.h"
#include "pycompat_digits.h"
#include "pycompat_lower.h"

#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* CPython 3.11's default sys.get_int_max_str_digits(). */
#define INT_MAX_STR_DIGITS	4300

/* Outcome of decoding one UTF-8 sequence, in CPython's terms. */
enum u8st {
	U8_OK,		/* a code point */
	U8_START,	/* "invalid start byte" */
	U8_CONT,	/* "invalid continuation byte" */
	U8_EOD		/* "unexpected end of data" */
};

/*
 * Decode the sequence at s[i] (i < n), as CPython's utf-8 decoder does.
 * On U8_OK *cp is the code point; *len is always the number of bytes the
 * sequence (or, on error, the maximal invalid subpart CPython replaces with
 * one U+FFFD) covers.
 */
static enum u8st
utf8_scan(const unsigned char *s, size_t n, size_t i, uint32_t *cp,
    size_t *len)
{
	unsigned char	 c, b, lo, hi;
	size_t		 need, k;
	uint32_t	 v;

	c = s[i];
	*len = 1;
	if (c < 0x80) {
		*cp = c;
		return U8_OK;
	}
	if (c < 0xc2 || c > 0xf4)
		return U8_START;
	need = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	v = c & (need == 2 ? 0x1f : need == 3 ? 0x0f : 0x07);
	/* The second byte's range rules out overlongs, surrogates and
	 * anything above U+10FFFF. */
	lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
	hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
	for (k = 1; k < need; k++) {
		if (i + k >= n) {
			*len = n - i;
			return U8_EOD;
		}
		b = s[i + k];
		if (k == 1 ? (b < lo || b > hi) : (b & 0xc0) != 0x80) {
			*len = k;
			return U8_CONT;
		}
		v = (v << 6) | (b & 0x3f);
	}
	*cp = v;
	*len = need;
	return U8_OK;
}

/* utf8_scan() of one sequence; *i moves only past a valid one. */
int32_t
py_utf8_next(const char *s, size_t n, size_t *i)
{
	uint32_t	 cp;
	size_t		 len;

	if (*i >= n ||
	    utf8_scan((const unsigned char *)s, n, *i, &cp, &len) != U8_OK)
		return -1;
	*i += len;
	return (int32_t)cp;
}

/* Every sequence of s decodes. */
int
py_utf8_valid(const char *s, size_t n)
{
	size_t		 pos;
	const char	*why;

	return py_utf8_error(s, n, &pos, &why) == -1;
}

/* py_utf8_error_span() without the length. */
int
py_utf8_error(const char *s, size_t n, size_t *pos, const char **reason)
{
	size_t	 len;

	return py_utf8_error_span(s, n, pos, &len, reason);
}

/* The first sequence utf8_scan() refuses: where, how long and why. */
int
py_utf8_error_span(const char *s, size_t n, size_t *pos, size_t *len,
    const char **reason)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i;
	uint32_t		 cp;

	for (i = 0; i < n; i += *len) {
		switch (utf8_scan(u, n, i, &cp, len)) {
		case U8_OK:
			continue;
		case U8_START:
			*reason = "invalid start byte";
			break;
		case U8_CONT:
			*reason = "invalid continuation byte";
			break;
		case U8_EOD:
			*reason = "unexpected end of data";
			break;
		}
		*pos = i;
		return 0;
	}
	return -1;
}

/*
 * Code points in valid UTF-8 are its bytes that are not continuation
 * bytes; on invalid input this is merely an upper bound.
 */
size_t
py_utf8_len(const char *s, size_t n)
{
	size_t	 i, count = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			count++;
	return count;
}

/* The one UTF-8 encoder: cp as one to four bytes. */
int
py_utf8_put(struct buf *out, uint32_t cp)
{
	char	 b[4];
	size_t	 n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return buf_add(out, b, n);
}

/* One U+FFFD for each maximal invalid subpart, as CPython replaces. */
int
py_utf8_decode_replace(const char *s, size_t n, struct buf *out)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i, len;
	uint32_t		 cp;

	for (i = 0; i < n; i += len) {
		if (utf8_scan(u, n, i, &cp, &len) == U8_OK)
			buf_add(out, s + i, len);
		else
			buf_add(out, "\xef\xbf\xbd", 3);
	}
	buf_add(out, "", 0);
	return buf_ok(out) ? 0 : -1;
}

/* Each byte one code point. */
int
py_latin1_to_utf8(const char *s, size_t n, struct buf *out)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		py_utf8_put(out, (unsigned char)s[i]);
	buf_add(out, "", 0);
	return buf_ok(out) ? 0 : -1;
}

/* Unicode White_Space plus U+001C..U+001F (Py_UNICODE_ISSPACE). */
int
py_isspace(uint32_t cp)
{
	switch (cp) {
	case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d:
	case 0x1c: case 0x1d: case 0x1e: case 0x1f: case 0x20:
	case 0x85: case 0xa0: case 0x1680:
	case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
		return 1;
	default:
		return cp >= 0x2000 && cp <= 0x200a;
	}
}

/*
 * Start of the code point that ends at s[end] (end > 0), or end itself
 * when the bytes before it are not one valid sequence.
 */
static size_t
utf8_prev(const char *s, size_t end)
{
	size_t	 i, j;

	for (i = end - 1; i > 0 && end - i < 4 &&
	    ((unsigned char)s[i] & 0xc0) == 0x80; i--)
		;
	j = i;
	if (py_utf8_next(s, end, &j) < 0 || j != end)
		return end;
	return i;
}

/* Whitespace code points off both ends; invalid UTF-8 stops the walk. */
void
py_strip(const char *s, size_t n, size_t *off, size_t *len)
{
	size_t		 i = 0, j, k, end = n;
	int32_t		 cp;

	while (i < end) {
		j = i;
		if ((cp = py_utf8_next(s, end, &j)) < 0 ||
		    !py_isspace((uint32_t)cp))
			break;
		i = j;
	}
	while (end > i) {
		j = k = utf8_prev(s, end);
		if (j == end || j < i ||
		    !py_isspace((uint32_t)py_utf8_next(s, end, &k)))
			break;
		end = j;
	}
	*off = i;
	*len = end - i;
}

/* Every byte below 0x80. */
int
py_isascii(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* Python's bytes.isspace(): the six ASCII whitespace bytes. */
void
py_bytes_strip(const char *s, size_t n, size_t *off, size_t *len)
{
	size_t	 i = 0;

	while (i < n && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
		i++;
	while (n > i && (s[n - 1] == ' ' || (s[n - 1] >= '\t' && s[n - 1] <= '\r')))
		n--;
	*off = i;
	*len = n - i;
}

/* str.strip() leaves nothing. */
int
py_isblank(const char *s, size_t n)
{
	size_t	 off, len;

	py_strip(s, n, &off, &len);
	return len == 0;
}

/*
 * Shortest decimal digits that read back as x (finite, > 0), like
 * David Gay's dtoa mode 0 that CPython uses: digits[] receives the
 * significant digits (NUL-terminated), *exp10 the exponent of the first
 * digit.  glibc's printf rounds correctly, so the nearest string of each
 * length is tried, shortest first; only at a power of two, where the
 * doubles below are closer than those above, can the nearest one fail
 * while its upper neighbour reads back.
 */
static int
shortest_digits(double x, char *digits, size_t dsz, int *exp10)
{
	char	 tmp[64], cand[24], *e;
	int	 prec, k, ex;
	size_t	 nd;

	for (prec = 0; prec <= 16; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec, x);
		/* tmp is "d.ddde[+-]xx" (or "de[+-]xx" when prec == 0). */
		nd = 0;
		for (e = tmp; *e != 'e' && nd + 1 < sizeof(cand); e++)
			if (*e != '.')
				cand[nd++] = *e;
		cand[nd] = '\0';
		ex = atoi(e + 1);
		if (strtod(tmp, NULL) != x) {
			if (strtod(tmp, NULL) > x)
				continue;
			/* Try one unit up in the last digit. */
			for (k = (int)nd - 1; k >= 0 && cand[k] == '9'; k--)
				cand[k] = '0';
			if (k >= 0)
				cand[k]++;
			else {
				cand[0] = '1';
				ex++;
			}
			snprintf(tmp, sizeof(tmp), "%c.%se%d", cand[0],
			    cand + 1, ex);
			if (strtod(tmp, NULL) != x)
				continue;
		}
		/* Drop trailing zeros (the carry may have made some). */
		while (nd > 1 && cand[nd - 1] == '0')
			cand[--nd] = '\0';
		if (nd >= dsz)
			return -1;
		memcpy(digits, cand, nd + 1);
		*exp10 = ex;
		return 0;
	}
	/* Not reached: 17 significant digits always read back. */
	return -1;
}

/* float_repr_style "short": shortest_digits(), then Python's layout. */
int
py_float_repr(double d, char *out, size_t outsz)
{
	char	 digits[24], tmp[40];
	size_t	 nd, k, len = 0;
	int	 exp10, i, neg, w;

	neg = signbit(d) != 0;
	if (isnan(d))
		w = snprintf(tmp, sizeof(tmp), "nan");
	else if (isinf(d))
		w = snprintf(tmp, sizeof(tmp), "%sinf", neg ? "-" : "");
	else if (d == 0)
		w = snprintf(tmp, sizeof(tmp), "%s0.0", neg ? "-" : "");
	else {
		if (shortest_digits(fabs(d), digits, sizeof(digits),
		    &exp10) == -1)
			return -1;
		nd = strlen(digits);
		if (neg)
			tmp[len++] = '-';
		if (exp10 < -4 || exp10 >= 16) {
			/* "1e+16", "1.5e-07" */
			tmp[len++] = digits[0];
			if (nd > 1) {
				tmp[len++] = '.';
				memcpy(tmp + len, digits + 1, nd - 1);
				len += nd - 1;
			}
			snprintf(tmp + len, sizeof(tmp) - len, "e%c%02d",
			    exp10 < 0 ? '-' : '+', abs(exp10));
		} else if (exp10 < 0) {
			/* "0.0001" */
			tmp[len++] = '0';
			tmp[len++] = '.';
			for (i = -1; i > exp10; i--)
				tmp[len++] = '0';
			memcpy(tmp + len, digits, nd);
			tmp[len + nd] = '\0';
		} else if ((size_t)exp10 + 1 < nd) {
			/* "123.456" */
			k = (size_t)exp10 + 1;
			memcpy(tmp + len, digits, k);
			len += k;
			tmp[len++] = '.';
			memcpy(tmp + len, digits + k, nd - k);
			tmp[len + nd - k] = '\0';
		} else {
			/* "100.0" */
			memcpy(tmp + len, digits, nd);
			len += nd;
			for (i = (int)nd; i <= exp10; i++)
				tmp[len++] = '0';
			memcpy(tmp + len, ".0", 3);
		}
		w = (int)strlen(tmp);
	}
	if (w < 0 || (size_t)w >= outsz)
		return -1;
	memcpy(out, tmp, (size_t)w + 1);
	return w;
}

/* Sign kept unless the value is zero, leading zeros dropped. */
int
py_int_literal_str(const char *s, size_t n, struct buf *out)
{
	size_t	 i = 0, start;
	int	 neg = 0;

	if (n > 0 && s[0] == '-') {
		neg = 1;
		i++;
	}
	if (i == n)
		return -1;
	for (start = i; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	while (start + 1 < n && s[start] == '0')
		start++;
	if (neg && s[start] != '0')
		buf_putc(out, '-');
	buf_add(out, s + start, n - start);
	return buf_ok(out) ? 0 : -1;
}

/* The decimal value of code point cp as int() reads it, or -1. */
static int
py_decimal(uint32_t cp)
{
	size_t	 lo = 0, hi = NELEMS(dec_zeros), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (dec_zeros[mid] <= cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || cp - dec_zeros[lo - 1] > 9)
		return -1;
	return (int)(cp - dec_zeros[lo - 1]);
}

/*
 * _PyUnicode_TransformDecimalAndSpaceToASCII for one code point: ASCII
 * (below DEL) as it is, a space ' ', a decimal digit its ASCII digit, -1
 * for anything else (int() fails).
 */
static int
int_ascii(uint32_t cp)
{
	int	 d;

	if (cp < 0x7f)
		return (int)cp;
	if (py_isspace(cp))
		return ' ';
	if ((d = py_decimal(cp)) >= 0)
		return '0' + d;
	return -1;
}

/*
 * PyLong_FromUnicodeObject(s, 10): each code point made ASCII, then
 * PyLong_FromString's whitespace (C isspace only), sign, digits with
 * single underscores, whitespace.
 */
int
py_int_parse(const char *s, size_t n, int64_t *out)
{
	enum { LEAD, SIGN, DIGIT, UNDER, TRAIL } st = LEAD;
	size_t		 i = 0, ndigits = 0;
	int32_t		 cp;
	uint64_t	 v = 0, limit = INT64_MAX, d;
	int		 c, neg = 0, big = 0;

	while (i < n) {
		if ((cp = py_utf8_next(s, n, &i)) < 0 ||
		    (c = int_ascii((uint32_t)cp)) < 0)
			return -1;
		if (c == ' ' || (c >= '\t' && c <= '\r')) {
			if (st == LEAD || st == TRAIL)
				continue;
			if (st != DIGIT)
				return -1;
			st = TRAIL;
		} else if (c >= '0' && c <= '9') {
			if (st == TRAIL)
				return -1;
			st = DIGIT;
			ndigits++;
			d = (uint64_t)(c - '0');
			if (big || v > (limit - d) / 10)
				big = 1;
			else
				v = v * 10 + d;
		} else if (c == '_') {
			if (st != DIGIT)
				return -1;
			st = UNDER;
		} else if ((c == '+' || c == '-') && st == LEAD) {
			neg = c == '-';
			limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
			st = SIGN;
		} else
			return -1;
	}
	if ((st != DIGIT && st != TRAIL) || ndigits > INT_MAX_STR_DIGITS)
		return -1;
	if (big) {
		*out = neg ? INT64_MIN : INT64_MAX;
		return 1;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* 1 when cp lies in one of the sorted ranges r[0..n). */
static int
in_ranges(const struct cp_range *r, size_t n, uint32_t cp)
{
	size_t	 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* Append the lower-case form of cp (other than U+03A3) to out. */
static void
put_lower(struct buf *out, uint32_t cp)
{
	const struct lower_range	*r;
	size_t				 lo = 0, mid, k;
	size_t				 hi = NELEMS(lower_ranges);

	for (k = 0; k < NELEMS(lower_special); k++)
		if (lower_special[k].cp == cp) {
			for (mid = 0; mid < lower_special[k].n; mid++)
				py_utf8_put(out, lower_special[k].to[mid]);
			return;
		}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = &lower_ranges[mid];
		if (cp < r->lo)
			hi = mid;
		else if (cp > r->hi)
			lo = mid + 1;
		else {
			if ((cp - r->lo) % r->stride == 0)
				cp = (uint32_t)((int32_t)cp + r->delta);
			break;
		}
	}
	py_utf8_put(out, cp);
}

/*
 * CPython's handle_capital_sigma: U+03A3 at s[i..i+2) of valid UTF-8 is
 * final (lower-cases to U+03C2) when a cased code point precedes it and
 * none follows, case-ignorable code points between being skipped.
 */
static int
final_sigma(const char *s, size_t n, size_t i)
{
	size_t		 j, k;
	uint32_t	 cp;

	/* Back to the first code point that is not case-ignorable. */
	for (j = i; ; j = k) {
		if (j == 0 || (k = utf8_prev(s, j)) == j)
			return 0;
		j = k;
		cp = (uint32_t)py_utf8_next(s, n, &j);
		if (!in_ranges(case_ignorable, NELEMS(case_ignorable), cp))
			break;
	}
	if (!in_ranges(cased, NELEMS(cased), cp))
		return 0;
	/* Forward likewise: final unless a cased code point follows. */
	for (j = i + 2; j < n; ) {
		cp = (uint32_t)py_utf8_next(s, n, &j);
		if (!in_ranges(case_ignorable, NELEMS(case_ignorable), cp))
			return !in_ranges(cased, NELEMS(cased), cp);
	}
	return 1;
}

/* Code point by code point, final sigma by its context. */
int
py_lower(const char *s, size_t n, struct buf *out)
{
	size_t		 i, j;
	int32_t		 cp;

	if (!py_utf8_valid(s, n))
		return -1;
	for (i = 0; i < n; i = j) {
		j = i;
		cp = py_utf8_next(s, n, &j);
		if (cp == 0x3a3)
			py_utf8_put(out, final_sigma(s, n, i) ? 0x3c2 : 0x3c3);
		else
			put_lower(out, (uint32_t)cp);
	}
	buf_add(out, "", 0);
	return buf_ok(out) ? 0 : -1;
}

/*
 * Value of base64 character c in alphabet alpha, or -1 for a character
 * a2b_base64 skips.
 */
static int
b64_value(unsigned char c, enum py_b64 alpha)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || (c == '-' && alpha == PY_B64_URLSAFE))
		return 62;
	if (c == '/' || (c == '_' && alpha == PY_B64_URLSAFE))
		return 63;
	return -1;
}

/*
 * binascii_a2b_base64_impl (CPython 3.11, strict_mode false) over s
 * followed by npad '=' characters.  Appends to out unless it is NULL;
 * returns 0, or -1 where Python raises binascii.Error.
 */
static int
b64_decode(const char *s, size_t n, size_t npad, enum py_b64 alpha,
    struct buf *out)
{
	size_t		 i, total = n + npad;
	unsigned char	 c, leftchar = 0;
	int		 v, byte, quad_pos = 0, pads = 0;

	for (i = 0; i < total; i++) {
		c = i < n ? (unsigned char)s[i] : '=';
		if (c == '=') {
			/* Only a pad after two data characters counts; a
			 * complete pad sequence ends the input. */
			if (quad_pos >= 2 && quad_pos + ++pads >= 4)
				return 0;
			continue;
		}
		if ((v = b64_value(c, alpha)) < 0)
			continue;
		pads = 0;
		byte = -1;
		switch (quad_pos) {
		case 0:
			leftchar = (unsigned char)v;
			break;
		case 1:
			byte = ((leftchar << 2) | (v >> 4)) & 0xff;
			leftchar = v & 0x0f;
			break;
		case 2:
			byte = ((leftchar << 4) | (v >> 2)) & 0xff;
			leftchar = v & 0x03;
			break;
		default:
			byte = ((leftchar << 6) | v) & 0xff;
			leftchar = 0;
			break;
		}
		quad_pos = (quad_pos + 1) % 4;
		if (byte != -1 && out != NULL)
			buf_putc(out, byte);
	}
	/* quad_pos 1: "number of data characters cannot be 1 more than a
	 * multiple of 4"; 2 or 3: "Incorrect padding". */
	return quad_pos == 0 ? 0 : -1;
}

/* Checked first, so that nothing is appended on error. */
int
py_a2b_base64(const char *s, size_t n, size_t npad, enum py_b64 alpha,
    struct buf *out)
{
	if (b64_decode(s, n, npad, alpha, NULL) == -1)
		return -1;
	if (out == NULL)
		return 0;
	b64_decode(s, n, npad, alpha, out);
	buf_add(out, "", 0);
	return buf_ok(out) ? 0 : -1;
}

/* Django's padding: len(s) % 4 pads, whatever that makes of it. */
int
py_urlsafe_b64decode(const char *s, size_t n, struct buf *out)
{
	return py_a2b_base64(s, n, n % 4, PY_B64_URLSAFE, out);
}

/* Three bytes to four characters, the partial group unpadded. */
int
py_urlsafe_b64encode_nopad(const unsigned char *s, size_t n, struct buf *out)
{
	static const char	 alpha[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char			 q[4];
	size_t			 i;
	uint32_t		 v;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		q[0] = alpha[v >> 18];
		q[1] = alpha[(v >> 12) & 0x3f];
		q[2] = alpha[(v >> 6) & 0x3f];
		q[3] = alpha[v & 0x3f];
		buf_add(out, q, 4);
	}
	if (n - i == 1) {
		v = (uint32_t)s[i] << 16;
		q[0] = alpha[v >> 18];
		q[1] = alpha[(v >> 12) & 0x3f];
		buf_add(out, q, 2);
	} else if (n - i == 2) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
		q[0] = alpha[v >> 18];
		q[1] = alpha[(v >> 12) & 0x3f];
		q[2] = alpha[(v >> 6) & 0x3f];
		buf_add(out, q, 3);
	}
	buf_add(out, "", 0);
	return buf_ok(out) ? 0 : -1;
}

/* Runs of other bytes become one '_' between kept characters. */
int
py_normalize_encoding(const char *s, size_t n, char *out, size_t outsz)
{
	size_t		 i, o = 0;
	int		 punct = 0;
	unsigned char	 c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '\0')
			return -1;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || c == '.')) {
			punct = 1;
			continue;
		}
		if (o + (punct && o > 0) + 1 >= outsz)
			return -1;
		if (punct && o > 0)
			out[o++] = '_';
		out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		punct = 0;
	}
	if (o == 0 || outsz == 0)
		return -1;
	out[o] = '\0';
	return 0;
}

/* 0-9, a-f, A-F. */
int
py_hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ASCII hex digit (ipaddress' _HEX_DIGITS). */
static int
is_hex(unsigned char c)
{
	return py_hexdigit(c) >= 0;
}

/* IPv4Address._ip_int_from_string: four octets, each _parse_octet. */
int
py_is_ipv4(const char *s, size_t n)
{
	size_t	 i = 0, len, parts = 0;
	int	 v;

	for (;;) {
		for (len = 0, v = 0; i + len < n && s[i + len] != '.'; len++) {
			if (s[i + len] < '0' || s[i + len] > '9')
				return 0;
			if (len < 3)
				v = v * 10 + (s[i + len] - '0');
		}
		if (len == 0 || len > 3 || (len > 1 && s[i] == '0') || v > 255)
			return 0;
		parts++;
		i += len;
		if (i == n)
			break;
		i++;	/* the '.' */
	}
	return parts == 4;
}

/* _BaseV6._parse_hextet: 1-4 hex digits. */
static int
hextet_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > 4)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_hex((unsigned char)s[i]))
			return 0;
	return 1;
}

/* One piece of an IPv6 address between colons. */
struct hextet {
	size_t	 off, len;
	int	 v4;	/* half of an IPv4 suffix: present and valid */
};

/* IPv6Address(s): _split_scope_id, then _BaseV6._ip_int_from_string. */
int
py_is_ipv6(const char *s, size_t n)
{
	struct hextet	 p[10];
	const char	*pct;
	size_t		 np = 0, i, start, skip = 0, hi, lo;

	/* IPv6Address.__init__ refuses a '/' anywhere, scope included. */
	if (n == 0 || memchr(s, '/', n) != NULL)
		return 0;
	if ((pct = memchr(s, '%', n)) != NULL) {
		if ((size_t)(pct - s) + 1 == n ||
		    memchr(pct + 1, '%', n - (size_t)(pct - s) - 1) != NULL)
			return 0;
		n = (size_t)(pct - s);
	}
	if (n == 0)
		return 0;
	/* parts = ip_str.split(':'); more than 9 never do. */
	for (start = 0, i = 0; i <= n; i++) {
		if (i < n && s[i] != ':')
			continue;
		if (np == 9)
			return 0;
		p[np].off = start;
		p[np].len = i - start;
		p[np++].v4 = 0;
		start = i + 1;
	}
	if (np < 3)
		return 0;
	/* An IPv4 suffix stands for two hextets. */
	if (p[np - 1].len > 0 && memchr(s + p[np - 1].off, '.', p[np - 1].len) != NULL) {
		if (!py_is_ipv4(s + p[np - 1].off, p[np - 1].len))
			return 0;
		p[np - 1].v4 = 1;
		p[np].v4 = 1;
		p[np].off = p[np].len = 0;
		np++;
	}
	if (np > 9)
		return 0;
	/* One "::" at most: an empty part not at either end. */
	for (i = 1; i + 1 < np; i++) {
		if (p[i].v4 || p[i].len != 0)
			continue;
		if (skip != 0)
			return 0;
		skip = i;
	}
	if (skip != 0) {
		hi = skip;
		lo = np - skip - 1;
		if (!p[0].v4 && p[0].len == 0 && --hi != 0)
			return 0;	/* leading ':' only as part of "::" */
		if (!p[np - 1].v4 && p[np - 1].len == 0 && --lo != 0)
			return 0;	/* trailing ':' only as part of "::" */
		if (hi + lo >= 8)
			return 0;	/* "::" must stand for one hextet at least */
	} else {
		if (np != 8 || (!p[0].v4 && p[0].len == 0) ||
		    (!p[np - 1].v4 && p[np - 1].len == 0))
			return 0;
		hi = np;
		lo = 0;
	}
	for (i = 0; i < np; i++) {
		if ((i >= hi && i < np - lo) || p[i].v4)
			continue;
		if (!hextet_ok(s + p[i].off, p[i].len))
			return 0;
	}
	return 1;
}

/* _hashlib.compare_digest: lengths first, then CRYPTO_memcmp. */
int
py_compare_digest(const void *a, size_t alen, const void *b, size_t blen)
{
	if (alen != blen)
		return 0;
	return alen == 0 || CRYPTO_memcmp(a, b, alen) == 0;
}
