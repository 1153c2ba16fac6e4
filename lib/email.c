/*
 * email.c - e-mail addresses as the original (Django 3.2.25 on CPython
 * 3.11) checks and stores them.
 *
 * email_valid() is a hand-written port of django.core.validators.
 * EmailValidator and of the pieces of CPython it leans on: re with
 * IGNORECASE, ipaddress and the "idna" codec (IDNA 2003).  The regular
 * expressions are small enough to match by hand, which keeps them
 * independent of the C locale (<regex.h> is not used).
 *
 * The codec's nameprep + punycode step is delegated to libidn2's UTS #46
 * transitional processing, which was designed to be compatible with IDNA
 * 2003.  Where the two still differ in a way an address can see, this file
 * patches it up (hyphens, the ACE prefix, the bidi rule); what remains is
 * listed in tests/unit/t_email.c.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "email.h"
#include "idn.h"
#include "pycompat.h"

#define EMAIL_MAX_CHARS	 320	/* EmailValidator: len(value) > 320 */
#define LABEL_MAX	 63	/* domain_regex and the codec's ToASCII */
#define IPV6_MAX_CHARS	 39	/* django.utils.ipv6.MAX_IPV6_ADDRESS_LENGTH */
#define IDNA_FLAGS	 (IDN2_TRANSITIONAL | IDN2_NFC_INPUT)
#define CP_BAD		 0xffffffffU	/* not a code point; no class has it */
#define NITEMS(a)	 (sizeof(a) / sizeof((a)[0]))

struct range {
	uint32_t	 lo, hi;
};

/*
 * RFC 3454 table B.1 (mapped to nothing by nameprep): soft hyphen,
 * combining grapheme joiner, Mongolian free variation selectors, zero
 * width space/joiners, word joiner, variation selectors, BOM.
 */
static const struct range b1[] = {
	{ 0x00ad, 0x00ad }, { 0x034f, 0x034f }, { 0x1806, 0x1806 },
	{ 0x180b, 0x180d }, { 0x200b, 0x200d }, { 0x2060, 0x2060 },
	{ 0xfe00, 0xfe0f }, { 0xfeff, 0xfeff },
};

/* RFC 3454 table D.1: characters with bidi property R or AL (Unicode 3.2). */
static const struct range d1[] = {
	{ 0x05be, 0x05be }, { 0x05c0, 0x05c0 }, { 0x05c3, 0x05c3 },
	{ 0x05d0, 0x05ea }, { 0x05f0, 0x05f4 }, { 0x061b, 0x061b },
	{ 0x061f, 0x061f }, { 0x0621, 0x063a }, { 0x0640, 0x064a },
	{ 0x066d, 0x066f }, { 0x0671, 0x06d5 }, { 0x06dd, 0x06dd },
	{ 0x06e5, 0x06e6 }, { 0x06fa, 0x06fe }, { 0x0700, 0x070d },
	{ 0x0710, 0x0710 }, { 0x0712, 0x072c }, { 0x0780, 0x07a5 },
	{ 0x07b1, 0x07b1 }, { 0x200f, 0x200f }, { 0xfb1d, 0xfb1d },
	{ 0xfb1f, 0xfb28 }, { 0xfb2a, 0xfb36 }, { 0xfb38, 0xfb3c },
	{ 0xfb3e, 0xfb3e }, { 0xfb40, 0xfb41 }, { 0xfb43, 0xfb44 },
	{ 0xfb46, 0xfbb1 }, { 0xfbd3, 0xfd3d }, { 0xfd50, 0xfd8f },
	{ 0xfd92, 0xfdc7 }, { 0xfdf0, 0xfdfc }, { 0xfe70, 0xfe74 },
	{ 0xfe76, 0xfefc },
	{ 0x2135, 0x2138 },	/* not in D.1, but NFKC makes them Hebrew */
};

/*
 * Presentation forms in D.1 whose nameprep output ends in a combining
 * mark (not R/AL): they may not end a right-to-left label.
 */
static const struct range ral_nolast[] = {
	{ 0xfb1d, 0xfb1d }, { 0xfb1f, 0xfb1f }, { 0xfb2a, 0xfb36 },
	{ 0xfb38, 0xfb3c }, { 0xfb3e, 0xfb3e }, { 0xfb40, 0xfb41 },
	{ 0xfb43, 0xfb44 }, { 0xfb46, 0xfb4e }, { 0xfc5b, 0xfc63 },
	{ 0xfc90, 0xfc90 }, { 0xfcd9, 0xfcd9 }, { 0xfcf2, 0xfcf4 },
	{ 0xfd3c, 0xfd3d }, { 0xfe70, 0xfe72 }, { 0xfe74, 0xfe74 },
	{ 0xfe76, 0xfe7f },
};

/*
 * Part of RFC 3454 table D.2 (bidi property L): the Latin, Greek,
 * Cyrillic, kana, CJK, Hangul and full-width Latin letters.  The full
 * table has 360 ranges; a label that mixes right-to-left letters with
 * left-to-right letters of another script is not worth them.
 */
static const struct range d2_part[] = {
	{ 0x0041, 0x005a }, { 0x0061, 0x007a }, { 0x00aa, 0x00aa },
	{ 0x00b5, 0x00b5 }, { 0x00ba, 0x00ba }, { 0x00c0, 0x00d6 },
	{ 0x00d8, 0x00f6 }, { 0x00f8, 0x0220 }, { 0x0222, 0x0233 },
	{ 0x037a, 0x037a }, { 0x0386, 0x0386 }, { 0x0388, 0x038a },
	{ 0x038c, 0x038c }, { 0x038e, 0x03a1 }, { 0x03a3, 0x03ce },
	{ 0x03d0, 0x03f5 }, { 0x0400, 0x0482 }, { 0x048a, 0x04ce },
	{ 0x04d0, 0x04f5 }, { 0x04f8, 0x04f9 }, { 0x0500, 0x050f },
	{ 0x3041, 0x3096 }, { 0x309d, 0x309f }, { 0x30a1, 0x30fa },
	{ 0x30fc, 0x30ff }, { 0x4e00, 0x9fa5 }, { 0xac00, 0xd7a3 },
	{ 0xff21, 0xff3a }, { 0xff41, 0xff5a },
};

/* 1 when cp lies in one of the nr ranges of r. */
static int
in_ranges(uint32_t cp, const struct range *r, size_t nr)
{
	size_t	 i;

	for (i = 0; i < nr; i++)
		if (cp >= r[i].lo && cp <= r[i].hi)
			return 1;
	return 0;
}

/*
 * py_utf8_next() for callers that walk on: the code point at s[*i] (i < n),
 * or CP_BAD and a one-byte step on a malformed sequence.
 */
static uint32_t
utf8_next(const char *s, size_t n, size_t *i)
{
	int32_t	 cp;

	if ((cp = py_utf8_next(s, n, i)) < 0) {
		(*i)++;
		return CP_BAD;
	}
	return (uint32_t)cp;
}

/*
 * CPython's re with IGNORECASE on a str pattern lets a class holding the
 * ASCII letters also match these four code points, whose simple case
 * mappings land on an ASCII letter: U+0130 (i), U+0131 (I), U+017F (S),
 * U+212A (k).  Checked for every class below against all of Unicode by
 * tests/unit/gen_email.py.
 */
static int
ci_extra(uint32_t cp)
{
	return cp == 0x130 || cp == 0x131 || cp == 0x17f || cp == 0x212a;
}

/* [A-Z0-9] under IGNORECASE. */
static int
is_alnum(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
	    (cp >= 'a' && cp <= 'z') || ci_extra(cp);
}

/* [A-Z0-9-] under IGNORECASE. */
static int
is_ldh(uint32_t cp)
{
	return is_alnum(cp) || cp == '-';
}

/* The dot-atom class [-!#$%&'*+/=?^_`{}|~0-9A-Z] under IGNORECASE. */
static int
is_atext(uint32_t cp)
{
	return is_alnum(cp) ||
	    (cp != '\0' && cp < 0x80 && strchr("-!#$%&'*+/=?^_`{}|~", (int)cp));
}

/*
 * The quoted-string class [\001-\010\013\014\016-\037!#-\[\]-\177] under
 * IGNORECASE: every ASCII character but NUL, TAB, LF, CR, space, '"' and
 * '\\'.
 */
static int
is_qtext(uint32_t cp)
{
	if (ci_extra(cp))
		return 1;
	return cp >= 0x01 && cp <= 0x7f && cp != '\t' && cp != '\n' &&
	    cp != '\r' && cp != ' ' && cp != '"' && cp != '\\';
}

/* The class after a backslash, [\001-\011\013\014\016-\177], under IGNORECASE. */
static int
is_qpair(uint32_t cp)
{
	if (ci_extra(cp))
		return 1;
	return cp >= 0x01 && cp <= 0x7f && cp != '\n' && cp != '\r';
}

/* The dot-atom branch of user_regex: atoms of atext joined by single dots. */
static int
dotatom_ok(const char *s, size_t n)
{
	size_t	 i = 0, atom = 0;
	uint32_t cp;

	while (i < n) {
		cp = utf8_next(s, n, &i);
		if (cp == '.') {
			if (atom == 0)
				return 0;
			atom = 0;
		} else if (is_atext(cp))
			atom++;
		else
			return 0;
	}
	return atom > 0;
}

/*
 * The quoted-string branch of user_regex: '"', then qtext or a backslash
 * followed by a qpair character, then '"' at the very end.  The choice
 * between the two alternatives is decided by the backslash, so one pass
 * from the left is the regex.
 */
static int
quoted_ok(const char *s, size_t n)
{
	size_t	 i = 1, end;
	uint32_t cp;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return 0;
	end = n - 1;
	while (i < end) {
		cp = utf8_next(s, end, &i);
		if (cp == '\\') {
			if (i >= end)
				return 0;
			if (!is_qpair(utf8_next(s, end, &i)))
				return 0;
		} else if (!is_qtext(cp))
			return 0;
	}
	return 1;
}

/* EmailValidator.user_regex.match(user_part). */
static int
user_ok(const char *s, size_t n)
{
	return dotatom_ok(s, n) || quoted_ok(s, n);
}

/*
 * One label of domain_regex, s[0..n) without dots.  Inner labels match
 * [A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?, i.e. 1..63 characters, alphanumeric
 * at both ends; the last label matches [A-Z0-9-]{2,63}(?<!-).
 */
static int
label_ok(const char *s, size_t n, int last)
{
	size_t	 i = 0, len = 0;
	uint32_t cp = 0, first = 0;

	while (i < n) {
		cp = utf8_next(s, n, &i);
		if (!is_ldh(cp))
			return 0;
		if (len++ == 0)
			first = cp;
	}
	if (last)
		return len >= 2 && len <= LABEL_MAX && cp != '-';
	return len >= 1 && len <= LABEL_MAX && first != '-' && cp != '-';
}

/*
 * EmailValidator.domain_regex.match(domain): at least two labels split
 * at '.', which no class contains, so the split is the regex's.
 */
static int
domain_re_ok(const char *s, size_t n)
{
	const char	*dot;
	size_t		 len;
	int		 labels = 0;

	for (;;) {
		dot = memchr(s, '.', n);
		len = dot != NULL ? (size_t)(dot - s) : n;
		if (!label_ok(s, len, dot == NULL))
			return 0;
		labels++;
		if (dot == NULL)
			break;
		s += len + 1;
		n -= len + 1;
	}
	return labels >= 2;
}

/*
 * literal_regex \[([A-f0-9:.]+)\]\Z (IGNORECASE) and validate_ipv46_address:
 * IPv4Address, else is_valid_ipv6_address (at most 39 characters, then
 * IPv6Address).  The class holds more than hex digits, ':' and '.', but
 * nothing else survives ipaddress except a scope ("%eth0"), and '%' is not
 * in the class; so the check is on the bytes between the brackets.
 */
static int
literal_ok(const char *s, size_t n)
{
	if (n < 3 || s[0] != '[' || s[n - 1] != ']')
		return 0;
	s++;
	n -= 2;
	if (memchr(s, '%', n) != NULL)
		return 0;
	return py_is_ipv4(s, n) || (n <= IPV6_MAX_CHARS && py_is_ipv6(s, n));
}

/* EmailValidator.validate_domain_part. */
static int
domain_part_ok(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	return domain_re_ok(s, n) || literal_ok(s, n);
}

/*
 * The bidi rule of nameprep (RFC 3454 section 6): when a label holds an
 * R/AL character it must hold no L character, and must begin and end with
 * R/AL.  Checked on the code points of the label rather than on its
 * nameprep output: the mapping drops table B.1, keeps R/AL letters R/AL
 * (ral_nolast and U+2135..U+2138 cover the exceptions) and L letters L.
 * Returns 1 when the label passes.
 */
static int
bidi_ok(const char *s, size_t n)
{
	size_t	 i = 0;
	uint32_t cp, first = CP_BAD, last = CP_BAD;
	int	 ral = 0, l = 0;

	while (i < n) {
		cp = utf8_next(s, n, &i);
		if (in_ranges(cp, b1, NITEMS(b1)))
			continue;
		if (first == CP_BAD)
			first = cp;
		last = cp;
		if (in_ranges(cp, d1, NITEMS(d1)))
			ral = 1;
		else if (in_ranges(cp, d2_part, NITEMS(d2_part)))
			l = 1;
	}
	if (!ral)
		return 1;
	return !l && in_ranges(first, d1, NITEMS(d1)) &&
	    in_ranges(last, d1, NITEMS(d1)) &&
	    !in_ranges(last, ral_nolast, NITEMS(ral_nolast));
}

/*
 * Fold cp the way nameprep would for the few comparisons idna_label makes
 * itself: ASCII and full-width Latin letters to ASCII lower case, and
 * U+FE63 and U+FF0D (which NFKC turns into it) to '-'.
 */
static uint32_t
nameprep_fold(uint32_t cp)
{
	if (cp == 0xfe63 || cp == 0xff0d)
		return '-';
	if (cp >= 0xff21 && cp <= 0xff3a)
		cp -= 0xff21 - 'a';
	else if (cp >= 0xff41 && cp <= 0xff5a)
		cp -= 0xff41 - 'a';
	else if (cp >= 'A' && cp <= 'Z')
		cp += 'a' - 'A';
	return cp;
}

/*
 * encodings.idna.ToASCII(label) for a label of n bytes, appended to out.
 * Returns 0, or -1 where Python raises UnicodeError (or out of memory).
 *
 * ASCII labels pass unchanged (1..63 characters).  Others go through
 * libidn2 (UTS #46 transitional: case folding, NFKC-like mapping, removal
 * of the B.1 characters, then punycode), after three repairs:
 * - UTS #46 rejects '-' at the start or end of a label and in positions 3
 *   and 4; nameprep does not.  Every hyphen (ASCII '-', and U+FE63 and
 *   U+FF0D, which map to it) is handed to libidn2 as 'q', the one ASCII
 *   letter that no canonical composition starts with and no hex digit.
 *   Punycode copies '-' and 'q' alike as basic code points, so the A-label
 *   has the same length as Python's and is valid exactly when it is.  If
 *   the label maps to plain ASCII instead, the first and last '-' are put
 *   back: they decide the domain regex, where an inner 'q' and '-' are
 *   equivalent, and neither survives ipaddress.
 * - Python raises when a non-ASCII nameprep result starts with "xn--".
 * - The nameprep bidi rule, which transitional processing skips.
 */
static int
idna_label(const char *s, size_t n, struct buf *out)
{
	char		 tmp[EMAIL_MAX_CHARS * 4 + 1];
	char		*r = NULL;
	uint32_t	 cp, f, sig[4] = { 0, 0, 0, 0 }, last = 0;
	size_t		 i = 0, k, w = 0, rlen, nsig = 0;
	int		 ret = -1, ace;

	if (py_isascii(s, n)) {
		if (n < 1 || n > LABEL_MAX)
			goto out;
		ret = buf_add(out, s, n);
		goto out;
	}
	if (n >= sizeof(tmp) || !bidi_ok(s, n))
		goto out;

	/*
	 * Copy with every hyphen as 'q'; note the first four and the last
	 * code point nameprep keeps.
	 */
	while (i < n) {
		k = i;
		if ((cp = utf8_next(s, n, &i)) == CP_BAD)
			goto out;
		f = nameprep_fold(cp);
		if (f == '-')
			tmp[w++] = 'q';
		else {
			memcpy(tmp + w, s + k, i - k);
			w += i - k;
		}
		if (in_ranges(cp, b1, NITEMS(b1)))
			continue;
		if (nsig < 4)
			sig[nsig] = f;
		nsig++;
		last = f;
	}
	tmp[w] = '\0';
	ace = nsig >= 4 && sig[0] == 'x' && sig[1] == 'n' && sig[2] == '-' &&
	    sig[3] == '-';

	if (idn2l_to_ascii(tmp, &r, IDNA_FLAGS) != IDN2_OK)
		goto out;
	rlen = strlen(r);
	if (rlen >= 4 && memcmp(r, "xn--", 4) == 0) {
		if (ace)
			goto out;
	} else if (rlen > 0) {
		if (sig[0] == '-')
			r[0] = '-';
		if (last == '-')
			r[rlen - 1] = '-';
	}
	if (rlen < 1 || rlen > LABEL_MAX)
		goto out;
	ret = buf_add(out, r, rlen);
out:
	idn2l_free(r);
	return ret;
}

/* 1 for the four full stops the idna codec splits labels at. */
static int
is_idna_dot(uint32_t cp)
{
	return cp == '.' || cp == 0x3002 || cp == 0xff0e || cp == 0xff61;
}

/*
 * domain.encode('idna') for a non-ASCII domain, appended to out: labels
 * split at U+002E, U+3002, U+FF0E and U+FF61, a trailing empty label
 * dropped (its dot kept as '.'), each label through ToASCII, joined by
 * '.'.  Returns 0, or -1 where Python raises UnicodeError.
 */
static int
idna_domain(const char *s, size_t n, struct buf *out)
{
	size_t	 i = 0, k, start = 0, end, labels = 0;
	int	 dot;

	for (;;) {
		dot = 0;
		end = n;
		while (i < n) {
			k = i;
			if (is_idna_dot(utf8_next(s, n, &i))) {
				end = k;
				dot = 1;
				break;
			}
		}
		if (!dot && start == n && labels > 0)
			return buf_putc(out, '.');
		if (labels++ > 0 && buf_putc(out, '.') == -1)
			return -1;
		if (idna_label(s + start, end - start, out) == -1)
			return -1;
		if (!dot)
			return 0;
		start = i;
	}
}

/*
 * EmailValidator()(value) with value = s[0..n): 1 when it passes, 0 when
 * Django would raise ValidationError (and on malformed UTF-8 or when out
 * of memory).
 */
int
email_valid(const char *s, size_t n)
{
	struct buf	 puny = BUF_INIT;
	const char	*at, *dom;
	size_t		 i = 0, chars = 0, dlen;
	int		 ok = 0;

	if (s == NULL || n == 0)
		goto out;
	/* NUL is in no class and survives both nameprep and punycode. */
	if (memchr(s, '\0', n) != NULL)
		goto out;
	while (i < n) {
		if (utf8_next(s, n, &i) == CP_BAD)
			goto out;
		chars++;
	}
	if (chars > EMAIL_MAX_CHARS)
		goto out;
	if ((at = memrchr(s, '@', n)) == NULL)
		goto out;
	dom = at + 1;
	dlen = n - (size_t)(dom - s);

	if (!user_ok(s, (size_t)(at - s)))
		goto out;
	if ((dlen == 9 && memcmp(dom, "localhost", 9) == 0) ||
	    domain_part_ok(dom, dlen)) {
		ok = 1;
		goto out;
	}
	/*
	 * The IDN retry.  The codec returns an ASCII domain unchanged (or
	 * raises), so only a non-ASCII one can pass the second time.
	 */
	if (py_isascii(dom, dlen))
		goto out;
	if (idna_domain(dom, dlen, &puny) == -1 || !buf_ok(&puny))
		goto out;
	ok = domain_part_ok(puny.p, puny.len);
out:
	buf_free(&puny);
	return ok;
}

/*
 * BaseUserManager.normalize_email(s[0..n)) appended to out: the stripped
 * value with the part after its last '@' lower-cased, or the value as it
 * came (not stripped) when it has no '@'.  Returns 0, or -1 when out ran
 * out of memory.
 */
int
email_normalize(const char *s, size_t n, struct buf *out)
{
	const char	*p, *at;
	size_t		 off, len;

	py_strip(s, n, &off, &len);
	p = s + off;
	/* Without '@', rsplit raises and Django returns the value unstripped. */
	if (len == 0 || (at = memrchr(p, '@', len)) == NULL)
		return buf_add(out, s, n) == -1 ? -1 : 0;
	if (buf_add(out, p, (size_t)(at - p) + 1) == -1)
		return -1;
	if (py_lower(at + 1, len - (size_t)(at - p) - 1, out) == -1)
		return -1;
	return buf_ok(out) ? 0 : -1;
}

/*
 * 1 when addr[0..n) can go into an SMTP envelope as it is: well-formed
 * UTF-8 without C0, DEL, C1, space, '<' or '>', and exactly one '@' with
 * text on both sides.  0 otherwise.
 */
int
email_smtp_safe(const char *addr, size_t n)
{
	size_t	 i = 0, k, at = 0, ats = 0;
	uint32_t cp;

	if (addr == NULL)
		return 0;
	while (i < n) {
		k = i;
		cp = utf8_next(addr, n, &i);
		/* Malformed UTF-8 is refused too: it may read as Latin-1 C1. */
		if (cp == CP_BAD || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == ' ' || cp == '<' || cp == '>')
			return 0;
		if (cp == '@') {
			ats++;
			at = k;
		}
	}
	return ats == 1 && at > 0 && at + 1 < n;
}
