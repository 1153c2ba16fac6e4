/*
 * form.c - request bodies as DRF's request.data sees them (see form.h).
 *
 * Three parsers, each a port of what the original ran:
 *  - JSON (rest_framework.parsers.JSONParser): a hand-written checker of
 *    CPython 3.11's json grammar and messages (Modules/_json.c), then json-c
 *    builds the values;
 *  - application/x-www-form-urlencoded (FormParser): django.http.QueryDict
 *    over urllib.parse.parse_qsl;
 *  - multipart/form-data (MultiPartParser): django.http.multipartparser,
 *    including the LazyStream/BoundaryIter bookkeeping that decides what a
 *    malformed body yields.
 * The charset parameter of the Content-Type picks the codec as Django's
 * HttpRequest does (codecs.lookup() must know it); glibc iconv(3) decodes.
 *
 * Where the original raised an exception that is not an HTTP error (Python's
 * RecursionError on deep JSON, LookupError on an unknown RFC 2231 charset),
 * it answered 500.  A client mistake is never a 500 here: such a
 * Content-Type is unsupported (415), such a body malformed (400).
 */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "buf.h"
#include "form.h"
#include "mime.h"
#include "pyrt.h"

#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)	((a) < (b) ? (a) : (b))

/* Django settings of the original (all defaults). */
#define MAX_FIELDS	1000		/* DATA_UPLOAD_MAX_NUMBER_FIELDS */
#define MAX_FILES	100		/* DATA_UPLOAD_MAX_NUMBER_FILES */
#define MAX_MEMORY	2621440		/* DATA_UPLOAD_MAX_MEMORY_SIZE */

/*
 * Nesting at which CPython's json scanner hit RecursionError in the original
 * (measured on every endpoint: 938 levels parse, 939 answer 500).
 */
#define JSON_MAXDEPTH	938
#define JSON_MAXDIGITS	4300		/* sys.get_int_max_str_digits() */

#define MP_CHUNK	65536		/* FileUploadHandler.chunk_size */
#define MP_MAXHEADER	1024		/* parse_boundary_stream(max_header_size) */
#define MP_MAXBOUNDARY	201		/* cgi.valid_boundary: ^[ -~]{0,200}[!-~]$ */

static const char U_FFFD[] = "\xef\xbf\xbd";

/* ------------------------------------------------------------------ storage */

struct fstr {
	struct fstr	*next;
	char		 s[];
};

struct fpriv {
	struct fstr	*strs;	/* every string the form hands out */
	size_t		 kvcap;
};

/* Copy p/n into storage owned by f, NUL-terminated.  NULL when out of memory. */
static const char *
form_save(struct form *f, const char *p, size_t n)
{
	struct fpriv	*fp = f->priv;
	struct fstr	*s;

	if (n > SIZE_MAX - sizeof(*s) - 1)
		return NULL;
	if ((s = malloc(sizeof(*s) + n + 1)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(s->s, p, n);
	s->s[n] = '\0';
	s->next = fp->strs;
	fp->strs = s;
	return s->s;
}

/*
 * Append the pair (name, v) to f, copying name and v->s (v->s may be NULL for
 * an empty string).  Returns 0, or -1 when out of memory.
 */
static int
form_add(struct form *f, const char *name, size_t namelen,
    const struct val *v)
{
	struct fpriv	*fp = f->priv;
	struct form_kv	*kv, *nkv;
	size_t		 cap;

	if (f->nkv == fp->kvcap) {
		cap = fp->kvcap ? fp->kvcap * 2 : 16;
		if (cap > SIZE_MAX / sizeof(*nkv))
			return -1;
		if ((nkv = realloc(f->kv, cap * sizeof(*nkv))) == NULL)
			return -1;
		f->kv = nkv;
		fp->kvcap = cap;
	}
	kv = &f->kv[f->nkv];
	kv->v = *v;
	if ((kv->name = form_save(f, name, namelen)) == NULL)
		return -1;
	kv->namelen = namelen;
	if ((kv->v.s = form_save(f, v->s != NULL ? v->s : "", v->len)) == NULL)
		return -1;
	f->nkv++;
	return 0;
}

/* Add a str value (UTF-8 s/n) under name. */
static int
form_add_str(struct form *f, const char *name, size_t namelen,
    const char *s, size_t n, enum val_kind kind)
{
	struct val	 v;

	memset(&v, 0, sizeof(v));
	v.kind = kind;
	v.s = s;
	v.len = n;
	return form_add(f, name, namelen, &v);
}

/*
 * snprintf into msg, cutting a truncated result at a UTF-8 character
 * boundary so that the text stays valid.
 */
static void fmsg(char *msg, size_t msgsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* See the prototype above. */
static void
fmsg(char *msg, size_t msgsz, const char *fmt, ...)
{
	va_list		 ap;
	int		 rc;
	size_t		 len, lead, need;
	unsigned char	 c;

	if (msg == NULL || msgsz == 0)
		return;
	va_start(ap, fmt);
	rc = vsnprintf(msg, msgsz, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		msg[0] = '\0';
		return;
	}
	if ((size_t)rc < msgsz)
		return;
	/* Truncated: drop an incomplete last sequence. */
	len = msgsz - 1;
	lead = len;
	while (lead > 0 && len - lead < 4 &&
	    ((unsigned char)msg[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (lead == 0)
		return;
	c = (unsigned char)msg[lead - 1];
	need = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	if (lead - 1 + need > len)
		msg[lead - 1] = '\0';
}

/* ------------------------------------------------------------------ codecs */

enum cs_kind {
	CS_UTF8,	/* utf-8 (pyrt) */
	CS_UTF8SIG,	/* utf-8-sig: a leading BOM is dropped */
	CS_LATIN1,	/* latin-1 (pyrt) */
	CS_ASCII,	/* ascii */
	CS_UTF16,	/* utf-16: BOM picks the order, else little-endian */
	CS_UTF32,	/* utf-32: likewise */
	CS_ICONV,	/* glibc iconv under the name in iconv */
	CS_FALLBACK,	/* Python knows it, glibc does not: decoded as utf-8 */
};

/*
 * A text codec of CPython's encodings package.  keys lists the module name
 * (marked '=') and the encodings.aliases keys that lead to it, all in
 * normalised form.
 */
struct pycodec {
	const char	*name;		/* CodecInfo.name */
	enum cs_kind	 kind;
	const char	*iconv;
	const char	*keys;
};

/*
 * Single-byte tables of a few codecs differ from glibc's in a handful of
 * bytes (noted where so); those bytes decode as glibc says.
 */
static const struct pycodec pycodecs[] = {
/* BEGIN generated by tests/unit/gen_charsets.py */
	{ "ascii", CS_ASCII, NULL,
	    "=ascii 646 ansi_x3.4_1968 ansi_x3.4_1986 ansi_x3_4_1968 cp367 csascii ibm367 iso646_us iso_646.irv_1991 iso_ir_6 us us_ascii" },
	{ "big5", CS_ICONV, "BIG5",
	    "=big5 big5_tw csbig5 x_mac_trad_chinese" },
	{ "big5hkscs", CS_ICONV, "BIG5HKSCS",
	    "=big5hkscs big5_hkscs hkscs" },
	{ "charmap", CS_LATIN1, NULL,
	    "=charmap" },
	{ "cp037", CS_ICONV, "CP037",
	    "=cp037 037 csibm037 ebcdic_cp_ca ebcdic_cp_nl ebcdic_cp_us ebcdic_cp_wt ibm037 ibm039" },
	{ "cp1006", CS_FALLBACK, NULL,
	    "=cp1006" },
/* cp1026: 2 of 256 single bytes differ in iconv CP1026 */
	{ "cp1026", CS_ICONV, "CP1026",
	    "=cp1026 1026 csibm1026 ibm1026" },
	{ "cp1125", CS_ICONV, "CP1125",
	    "=cp1125 1125 cp866u ibm1125 ruscii" },
	{ "cp1140", CS_ICONV, "CP1140",
	    "=cp1140 1140 ibm1140" },
	{ "cp1250", CS_ICONV, "CP1250",
	    "=cp1250 1250 windows_1250" },
	{ "cp1251", CS_ICONV, "CP1251",
	    "=cp1251 1251 windows_1251" },
	{ "cp1252", CS_ICONV, "CP1252",
	    "=cp1252 1252 windows_1252" },
	{ "cp1253", CS_ICONV, "CP1253",
	    "=cp1253 1253 windows_1253" },
	{ "cp1254", CS_ICONV, "CP1254",
	    "=cp1254 1254 windows_1254" },
	{ "cp1255", CS_ICONV, "CP1255",
	    "=cp1255 1255 windows_1255" },
	{ "cp1256", CS_ICONV, "CP1256",
	    "=cp1256 1256 windows_1256" },
	{ "cp1257", CS_ICONV, "CP1257",
	    "=cp1257 1257 windows_1257" },
	{ "cp1258", CS_ICONV, "CP1258",
	    "=cp1258 1258 windows_1258" },
/* cp273: 1 of 256 single bytes differ in iconv CP273 */
	{ "cp273", CS_ICONV, "CP273",
	    "=cp273 273 csibm273 ibm273" },
/* cp424: 2 of 256 single bytes differ in iconv CP424 */
	{ "cp424", CS_ICONV, "CP424",
	    "=cp424 424 csibm424 ebcdic_cp_he ibm424" },
	{ "cp437", CS_ICONV, "CP437",
	    "=cp437 437 cspc8codepage437 ibm437" },
	{ "cp500", CS_ICONV, "CP500",
	    "=cp500 500 csibm500 ebcdic_cp_be ebcdic_cp_ch ibm500" },
	{ "cp720", CS_FALLBACK, NULL,
	    "=cp720" },
	{ "cp737", CS_ICONV, "CP737",
	    "=cp737" },
	{ "cp775", CS_ICONV, "CP775",
	    "=cp775 775 cspc775baltic ibm775" },
	{ "cp850", CS_ICONV, "CP850",
	    "=cp850 850 cspc850multilingual ibm850" },
	{ "cp852", CS_ICONV, "CP852",
	    "=cp852 852 cspcp852 ibm852" },
	{ "cp855", CS_ICONV, "CP855",
	    "=cp855 855 csibm855 ibm855" },
/* cp856: 5 of 256 single bytes differ in iconv CP856 */
	{ "cp856", CS_ICONV, "CP856",
	    "=cp856" },
	{ "cp857", CS_ICONV, "CP857",
	    "=cp857 857 csibm857 ibm857" },
	{ "cp858", CS_ICONV, "CP858",
	    "=cp858 858 csibm858 ibm858" },
	{ "cp860", CS_ICONV, "CP860",
	    "=cp860 860 csibm860 ibm860" },
	{ "cp861", CS_ICONV, "CP861",
	    "=cp861 861 cp_is csibm861 ibm861" },
	{ "cp862", CS_ICONV, "CP862",
	    "=cp862 862 cspc862latinhebrew ibm862" },
	{ "cp863", CS_ICONV, "CP863",
	    "=cp863 863 csibm863 ibm863" },
	{ "cp864", CS_ICONV, "CP864",
	    "=cp864 864 csibm864 ibm864" },
	{ "cp865", CS_ICONV, "CP865",
	    "=cp865 865 csibm865 ibm865" },
	{ "cp866", CS_ICONV, "CP866",
	    "=cp866 866 csibm866 ibm866" },
	{ "cp869", CS_ICONV, "CP869",
	    "=cp869 869 cp_gr csibm869 ibm869" },
	{ "cp874", CS_ICONV, "CP874",
	    "=cp874" },
/* cp875: 9 of 256 single bytes differ in iconv CP875 */
	{ "cp875", CS_ICONV, "CP875",
	    "=cp875" },
/* cp932: 5 of 256 single bytes differ in iconv CP932 */
	{ "cp932", CS_ICONV, "CP932",
	    "=cp932 932 ms932 ms_kanji mskanji" },
	{ "cp949", CS_ICONV, "CP949",
	    "=cp949 949 ms949 uhc" },
/* cp950: 1 of 256 single bytes differ in iconv CP950 */
	{ "cp950", CS_ICONV, "CP950",
	    "=cp950 950 ms950" },
	{ "euc_jis_2004", CS_ICONV, "EUC-JISX0213",
	    "=euc_jis_2004 euc_jis2004 eucjis2004 jisx0213" },
	{ "euc_jisx0213", CS_ICONV, "EUC-JISX0213",
	    "=euc_jisx0213 eucjisx0213" },
	{ "euc_jp", CS_ICONV, "EUC-JP",
	    "=euc_jp eucjp u_jis ujis" },
	{ "euc_kr", CS_ICONV, "EUC-KR",
	    "=euc_kr euckr korean ks_c_5601 ks_c_5601_1987 ks_x_1001 ksc5601 ksx1001 x_mac_korean" },
	{ "gb18030", CS_ICONV, "GB18030",
	    "=gb18030 gb18030_2000" },
	{ "gb2312", CS_ICONV, "GB2312",
	    "=gb2312 chinese csiso58gb231280 euc_cn euccn eucgb2312_cn gb2312_1980 gb2312_80 iso_ir_58 x_mac_simp_chinese" },
	{ "gbk", CS_ICONV, "GBK",
	    "=gbk 936 cp936 ms936" },
	{ "hp-roman8", CS_ICONV, "HP-ROMAN8",
	    "=hp_roman8 cp1051 ibm1051 r8 roman8" },
	{ "hz", CS_FALLBACK, NULL,
	    "=hz hz_gb hz_gb_2312 hzgb" },
	{ "idna", CS_FALLBACK, NULL,
	    "=idna" },
	{ "iso2022_jp", CS_ICONV, "ISO2022JP",
	    "=iso2022_jp csiso2022jp iso2022jp iso_2022_jp" },
	{ "iso2022_jp_1", CS_FALLBACK, NULL,
	    "=iso2022_jp_1 iso2022jp_1 iso_2022_jp_1" },
	{ "iso2022_jp_2", CS_ICONV, "ISO2022JP2",
	    "=iso2022_jp_2 iso2022jp_2 iso_2022_jp_2" },
	{ "iso2022_jp_2004", CS_ICONV, "ISO-2022-JP-3",
	    "=iso2022_jp_2004 iso2022jp_2004 iso_2022_jp_2004" },
	{ "iso2022_jp_3", CS_ICONV, "ISO-2022-JP-3",
	    "=iso2022_jp_3 iso2022jp_3 iso_2022_jp_3" },
	{ "iso2022_jp_ext", CS_FALLBACK, NULL,
	    "=iso2022_jp_ext iso2022jp_ext iso_2022_jp_ext" },
	{ "iso2022_kr", CS_ICONV, "ISO2022KR",
	    "=iso2022_kr csiso2022kr iso2022kr iso_2022_kr" },
	{ "iso8859-1", CS_ICONV, "ISO8859-1",
	    "=iso8859_1" },
	{ "iso8859-10", CS_ICONV, "ISO8859-10",
	    "=iso8859_10 csisolatin6 iso_8859_10 iso_8859_10_1992 iso_ir_157 l6 latin6" },
	{ "iso8859-11", CS_ICONV, "ISO8859-11",
	    "=iso8859_11 iso_8859_11 iso_8859_11_2001 thai" },
	{ "iso8859-13", CS_ICONV, "ISO8859-13",
	    "=iso8859_13 iso_8859_13 l7 latin7" },
	{ "iso8859-14", CS_ICONV, "ISO8859-14",
	    "=iso8859_14 iso_8859_14 iso_8859_14_1998 iso_celtic iso_ir_199 l8 latin8" },
	{ "iso8859-15", CS_ICONV, "ISO8859-15",
	    "=iso8859_15 iso_8859_15 l9 latin9" },
	{ "iso8859-16", CS_ICONV, "ISO8859-16",
	    "=iso8859_16 iso_8859_16 iso_8859_16_2001 iso_ir_226 l10 latin10" },
	{ "iso8859-2", CS_ICONV, "ISO8859-2",
	    "=iso8859_2 csisolatin2 iso_8859_2 iso_8859_2_1987 iso_ir_101 l2 latin2" },
	{ "iso8859-3", CS_ICONV, "ISO8859-3",
	    "=iso8859_3 csisolatin3 iso_8859_3 iso_8859_3_1988 iso_ir_109 l3 latin3" },
	{ "iso8859-4", CS_ICONV, "ISO8859-4",
	    "=iso8859_4 csisolatin4 iso_8859_4 iso_8859_4_1988 iso_ir_110 l4 latin4" },
	{ "iso8859-5", CS_ICONV, "ISO8859-5",
	    "=iso8859_5 csisolatincyrillic cyrillic iso_8859_5 iso_8859_5_1988 iso_ir_144" },
	{ "iso8859-6", CS_ICONV, "ISO8859-6",
	    "=iso8859_6 arabic asmo_708 csisolatinarabic ecma_114 iso_8859_6 iso_8859_6_1987 iso_ir_127" },
	{ "iso8859-7", CS_ICONV, "ISO8859-7",
	    "=iso8859_7 csisolatingreek ecma_118 elot_928 greek greek8 iso_8859_7 iso_8859_7_1987 iso_ir_126" },
	{ "iso8859-8", CS_ICONV, "ISO8859-8",
	    "=iso8859_8 csisolatinhebrew hebrew iso_8859_8 iso_8859_8_1988 iso_ir_138" },
	{ "iso8859-9", CS_ICONV, "ISO8859-9",
	    "=iso8859_9 csisolatin5 iso_8859_9 iso_8859_9_1989 iso_ir_148 l5 latin5" },
	{ "johab", CS_ICONV, "JOHAB",
	    "=johab cp1361 ms1361" },
	{ "koi8-r", CS_ICONV, "KOI8-R",
	    "=koi8_r cskoi8r" },
	{ "koi8-t", CS_ICONV, "KOI8-T",
	    "=koi8_t" },
	{ "koi8-u", CS_ICONV, "KOI8-U",
	    "=koi8_u" },
	{ "kz1048", CS_ICONV, "RK1048",
	    "=kz1048 kz_1048 rk1048 strk1048_2002" },
	{ "iso8859-1", CS_LATIN1, NULL,
	    "=latin_1 8859 cp819 csisolatin1 ibm819 iso8859 iso8859_1 iso_8859_1 iso_8859_1_1987 iso_ir_100 l1 latin latin1" },
	{ "mac-arabic", CS_FALLBACK, NULL,
	    "=mac_arabic" },
	{ "mac-croatian", CS_FALLBACK, NULL,
	    "=mac_croatian" },
/* mac_cyrillic: 1 of 256 single bytes differ in iconv MAC-CYRILLIC */
	{ "mac-cyrillic", CS_ICONV, "MAC-CYRILLIC",
	    "=mac_cyrillic maccyrillic" },
	{ "mac-farsi", CS_FALLBACK, NULL,
	    "=mac_farsi" },
	{ "mac-greek", CS_FALLBACK, NULL,
	    "=mac_greek macgreek" },
	{ "mac-iceland", CS_FALLBACK, NULL,
	    "=mac_iceland maciceland" },
	{ "mac-latin2", CS_FALLBACK, NULL,
	    "=mac_latin2 mac_centeuro maccentraleurope maclatin2" },
/* mac_roman: 2 of 256 single bytes differ in iconv MACINTOSH */
	{ "mac-roman", CS_ICONV, "MACINTOSH",
	    "=mac_roman macintosh macroman" },
	{ "mac-romanian", CS_FALLBACK, NULL,
	    "=mac_romanian" },
	{ "mac-turkish", CS_FALLBACK, NULL,
	    "=mac_turkish macturkish" },
	{ "palmos", CS_FALLBACK, NULL,
	    "=palmos" },
	{ "ptcp154", CS_ICONV, "PT154",
	    "=ptcp154 cp154 csptcp154 cyrillic_asian pt154" },
	{ "punycode", CS_FALLBACK, NULL,
	    "=punycode" },
	{ "raw-unicode-escape", CS_FALLBACK, NULL,
	    "=raw_unicode_escape" },
	{ "shift_jis", CS_ICONV, "SHIFT_JIS",
	    "=shift_jis csshiftjis s_jis shiftjis sjis x_mac_japanese" },
	{ "shift_jis_2004", CS_ICONV, "SHIFT_JISX0213",
	    "=shift_jis_2004 s_jis_2004 shiftjis2004 sjis_2004" },
	{ "shift_jisx0213", CS_ICONV, "SHIFT_JISX0213",
	    "=shift_jisx0213 s_jisx0213 shiftjisx0213 sjisx0213" },
/* tis_620: 32 of 256 single bytes differ in iconv TIS-620 */
	{ "tis-620", CS_ICONV, "TIS-620",
	    "=tis_620 iso_ir_166 tis620 tis_620_0 tis_620_2529_0 tis_620_2529_1" },
	{ "undefined", CS_FALLBACK, NULL,
	    "=undefined" },
	{ "unicode-escape", CS_FALLBACK, NULL,
	    "=unicode_escape" },
	{ "utf-16", CS_UTF16, NULL,
	    "=utf_16 u16 utf16" },
	{ "utf-16-be", CS_ICONV, "UTF16BE",
	    "=utf_16_be unicodebigunmarked utf_16be" },
	{ "utf-16-le", CS_ICONV, "UTF16LE",
	    "=utf_16_le unicodelittleunmarked utf_16le" },
	{ "utf-32", CS_UTF32, NULL,
	    "=utf_32 u32 utf32" },
	{ "utf-32-be", CS_ICONV, "UTF32BE",
	    "=utf_32_be utf_32be" },
	{ "utf-32-le", CS_ICONV, "UTF32LE",
	    "=utf_32_le utf_32le" },
	{ "utf-7", CS_ICONV, "UTF-7",
	    "=utf_7 u7 unicode_1_1_utf_7 utf7" },
	{ "utf-8", CS_UTF8, NULL,
	    "=utf_8 cp65001 u8 utf utf8 utf8_ucs2 utf8_ucs4" },
	{ "utf-8-sig", CS_UTF8SIG, NULL,
	    "=utf_8_sig" },
/* END generated by tests/unit/gen_charsets.py */
};

static const struct pycodec cs_utf8 = { "utf-8", CS_UTF8, NULL, "" };

/*
 * The codec whose keys hold key as an encodings.aliases key (module == 0)
 * or as its module name (module == 1), or NULL.
 */
static const struct pycodec *
cs_find(const char *key, int module)
{
	const char	*p, *tok;
	size_t		 i, len, klen = strlen(key);
	int		 ismod;

	for (i = 0; i < NELEMS(pycodecs); i++) {
		p = pycodecs[i].keys;
		while (*p != '\0') {
			ismod = *p == '=';
			if (ismod)
				p++;
			tok = p;
			while (*p != '\0' && *p != ' ')
				p++;
			len = (size_t)(p - tok);
			if (*p == ' ')
				p++;
			if (ismod == module && len == klen &&
			    memcmp(tok, key, len) == 0)
				return &pycodecs[i];
		}
	}
	return NULL;
}

/*
 * codecs.lookup(name) as CPython 3.11 resolves it: _Py_normalize_encoding
 * (each run of bytes other than ASCII letters, digits and '.' becomes one
 * '_', none leading or trailing, lower case), then encodings.search_function
 * (an alias, also with '.' replaced by '_', else a module of that name).
 * Returns NULL where Python raises LookupError.  Non-text codecs (hex,
 * base64, rot13, ...) count as unknown.
 */
static const struct pycodec *
cs_lookup(const char *name, size_t n)
{
	const struct pycodec	*c;
	char			 norm[64], alt[64];
	size_t			 i, o;

	if (py_normalize_encoding(name, n, norm, sizeof(norm)) == -1)
		return NULL;
	o = strlen(norm);
	if ((c = cs_find(norm, 0)) != NULL)
		return c;
	for (i = 0; i <= o; i++)
		alt[i] = norm[i] == '.' ? '_' : norm[i];
	if ((c = cs_find(alt, 0)) != NULL)
		return c;
	if (strchr(norm, '.') == NULL)
		return cs_find(norm, 1);
	return NULL;
}

enum dec_mode {
	DEC_STRICT,	/* bytes.decode(enc): any error fails */
	DEC_STREAM,	/* codecs.getreader(enc)(stream).read(): final=False,
			   so an incomplete sequence at the end is dropped */
	DEC_REPLACE,	/* bytes.decode(enc, 'replace') */
};

/* Where and why decoding failed, for UnicodeDecodeError's message. */
struct decerr {
	const char	*codec;
	size_t		 start, end;	/* the bytes [start, end) */
	unsigned char	 byte;		/* the byte at start */
	const char	*reason;
	const char	*raw;		/* a plain UnicodeError message instead */
};

/*
 * Length of the invalid UTF-8 subpart at s[pos] that CPython reports in a
 * UnicodeDecodeError (end - start).
 */
static size_t
utf8_badlen(const char *s, size_t n, size_t pos, const char *reason)
{
	const unsigned char	*u = (const unsigned char *)s + pos;
	size_t			 k, need, avail = n - pos;
	unsigned char		 lo, hi;

	if (strcmp(reason, "unexpected end of data") == 0)
		return avail;
	if (strcmp(reason, "invalid start byte") == 0 || avail < 2)
		return 1;
	need = u[0] < 0xe0 ? 2 : u[0] < 0xf0 ? 3 : 4;
	lo = u[0] == 0xe0 ? 0xa0 : u[0] == 0xf0 ? 0x90 : 0x80;
	hi = u[0] == 0xed ? 0x9f : u[0] == 0xf4 ? 0x8f : 0xbf;
	for (k = 1; k < need && k < avail; k++) {
		if (u[k] < lo || u[k] > hi)
			break;
		lo = 0x80;
		hi = 0xbf;
	}
	return k;
}

/* utf-8 in any mode (CPython's decoder, through pyrt). */
static int
dec_utf8(const char *s, size_t n, enum dec_mode mode, struct buf *out,
    struct decerr *e)
{
	const unsigned char	*u = (const unsigned char *)s;
	const char		*reason;
	size_t			 pos;

	if (mode == DEC_REPLACE)
		return py_utf8_decode_replace(s, n, out);
	if (py_utf8_error(s, n, &pos, &reason) == -1)
		return buf_add(out, s, n);
	if (mode == DEC_STREAM) {
		/*
		 * With final=False CPython keeps a truncated sequence for the
		 * next read, and a truncated surrogate (ED A0..BF) too.
		 */
		if (strcmp(reason, "unexpected end of data") == 0 ||
		    (n - pos == 2 && u[pos] == 0xed && u[pos + 1] >= 0xa0 &&
		    u[pos + 1] <= 0xbf))
			return buf_add(out, s, pos);
	}
	e->codec = "utf-8";
	e->byte = u[pos];
	e->start = pos;
	e->end = pos + utf8_badlen(s, n, pos, reason);
	e->reason = reason;
	return 1;
}

/* ascii: bytes above 0x7f fail, or become U+FFFD one by one. */
static int
dec_ascii(const char *s, size_t n, enum dec_mode mode, struct buf *out,
    struct decerr *e)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x80)
			buf_putc(out, s[i]);
		else if (mode == DEC_REPLACE)
			buf_puts(out, U_FFFD);
		else {
			e->codec = "ascii";
			e->byte = (unsigned char)s[i];
			e->start = i;
			e->end = i + 1;
			e->reason = "ordinal not in range(128)";
			return 1;
		}
	}
	return buf_add(out, "", 0);
}

/*
 * Decode with glibc's iconv under name.  An illegal sequence fails (or
 * becomes one U+FFFD per byte with DEC_REPLACE); an incomplete one at the
 * end is dropped with DEC_STREAM.
 */
static int
dec_iconv(const char *name, const char *pyname, const char *s, size_t n,
    enum dec_mode mode, struct buf *out, struct decerr *e)
{
	iconv_t		 cd;
	char		 tmp[1024], *in, *op;
	size_t		 inleft, oleft, r, unit = 1;
	int		 rc = -1, err;

	/* CPython replaces a bad UTF-16/32 code unit as a whole. */
	if (strncmp(name, "UTF-16", 6) == 0)
		unit = 2;
	else if (strncmp(name, "UTF-32", 6) == 0)
		unit = 4;

	if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
		return dec_utf8(s, n, mode, out, e);
	/* iconv(3) takes char **; it never writes through the input. */
	in = (char *)(uintptr_t)s;
	inleft = n;
	while (inleft > 0) {
		op = tmp;
		oleft = sizeof(tmp);
		r = iconv(cd, &in, &inleft, &op, &oleft);
		err = errno;
		if (buf_add(out, tmp, (size_t)(op - tmp)) == -1)
			goto out;
		if (r != (size_t)-1 || err == E2BIG)
			continue;
		if (err == EINVAL && mode == DEC_STREAM)
			break;
		if (mode == DEC_REPLACE) {
			/* A truncated sequence at the end is one U+FFFD. */
			buf_puts(out, U_FFFD);
			if (err == EINVAL)
				break;
			in += MIN(unit, inleft);
			inleft -= MIN(unit, inleft);
			(void)iconv(cd, NULL, NULL, NULL, NULL);
			continue;
		}
		e->codec = pyname;
		e->byte = (unsigned char)*in;
		e->start = (size_t)(in - s);
		e->end = e->start + 1;
		e->reason = err == EINVAL ? "truncated data" :
		    "illegal multibyte sequence";
		rc = 1;
		goto out;
	}
	/* Flush a shift state (ISO-2022 and the like). */
	op = tmp;
	oleft = sizeof(tmp);
	if (iconv(cd, NULL, NULL, &op, &oleft) != (size_t)-1)
		buf_add(out, tmp, (size_t)(op - tmp));
	rc = buf_ok(out) ? 0 : -1;
out:
	iconv_close(cd);
	return rc;
}

/*
 * Decode s/n with codec c into out (UTF-8) in the given mode.  Returns 0,
 * 1 on a decoding error (e says where), -1 when out of memory.
 */
static int
cs_decode(const struct pycodec *c, const char *s, size_t n,
    enum dec_mode mode, struct buf *out, struct decerr *e)
{
	static const char bom8[] = "\xef\xbb\xbf";
	const unsigned char *u = (const unsigned char *)s;
	const char	*name;

	e->raw = NULL;
	switch (c->kind) {
	case CS_LATIN1:
		return py_latin1_to_utf8(s, n, out);
	case CS_ASCII:
		return dec_ascii(s, n, mode, out, e);
	case CS_UTF8SIG:
		if (mode == DEC_STREAM && n < 3 && memcmp(s, bom8, n) == 0)
			return buf_add(out, "", 0);
		if (n >= 3 && memcmp(s, bom8, 3) == 0) {
			s += 3;
			n -= 3;
		}
		return dec_utf8(s, n, mode, out, e);
	case CS_UTF16:
		if (mode == DEC_STREAM && n < 2)
			return buf_add(out, "", 0);
		if (mode == DEC_STREAM && !((u[0] == 0xfe && u[1] == 0xff) ||
		    (u[0] == 0xff && u[1] == 0xfe))) {
			/* utf_16.StreamReader insists on a BOM. */
			e->raw = "UTF-16 stream does not start with BOM";
			return 1;
		}
		name = "UTF-16LE";
		if (n >= 2 && u[0] == 0xfe && u[1] == 0xff)
			name = "UTF-16BE";
		if (n >= 2 && ((u[0] == 0xfe && u[1] == 0xff) ||
		    (u[0] == 0xff && u[1] == 0xfe))) {
			s += 2;
			n -= 2;
		}
		return dec_iconv(name, strcmp(name, "UTF-16LE") == 0 ?
		    "utf-16-le" : "utf-16-be", s, n, mode, out, e);
	case CS_UTF32:
		if (mode == DEC_STREAM && n < 4)
			return buf_add(out, "", 0);
		if (mode == DEC_STREAM && memcmp(s, "\0\0\xfe\xff", 4) != 0 &&
		    memcmp(s, "\xff\xfe\0\0", 4) != 0) {
			e->raw = "UTF-32 stream does not start with BOM";
			return 1;
		}
		name = "UTF-32LE";
		if (n >= 4 && memcmp(s, "\0\0\xfe\xff", 4) == 0)
			name = "UTF-32BE";
		if (n >= 4 && (memcmp(s, "\0\0\xfe\xff", 4) == 0 ||
		    memcmp(s, "\xff\xfe\0\0", 4) == 0)) {
			s += 4;
			n -= 4;
		}
		return dec_iconv(name, strcmp(name, "UTF-32LE") == 0 ?
		    "utf-32-le" : "utf-32-be", s, n, mode, out, e);
	case CS_ICONV:
		return dec_iconv(c->iconv, c->name, s, n, mode, out, e);
	case CS_UTF8:
	case CS_FALLBACK:
		break;
	}
	return dec_utf8(s, n, mode, out, e);
}

/* prefix and str(UnicodeDecodeError) for e into msg. */
static void
dec_msg(const struct decerr *e, const char *prefix, char *msg, size_t msgsz)
{
	if (e->raw != NULL)
		fmsg(msg, msgsz, "%s%s", prefix, e->raw);
	else if (e->end - e->start == 1)
		fmsg(msg, msgsz, "%s'%s' codec can't decode byte 0x%02x in "
		    "position %zu: %s", prefix, e->codec, e->byte, e->start,
		    e->reason);
	else
		fmsg(msg, msgsz, "%s'%s' codec can't decode bytes in position "
		    "%zu-%zu: %s", prefix, e->codec, e->start, e->end - 1,
		    e->reason);
}

/* ------------------------------------------------------------ parse_header */

enum hmode {
	H_CGI,		/* cgi.parse_header on the latin-1 text (str) */
	H_DJANGO,	/* django.http.multipartparser.parse_header (bytes) */
};

/* One parameter a caller wants from a header line. */
struct hparam {
	const char	*want;	/* lower-case name */
	int		 found;
	int		 isstr;	/* RFC 2231 decoded (UTF-8 str), else raw bytes */
	struct buf	 val;
};

/* bytes.isspace() (H_DJANGO), or str.isspace() of a latin-1 char (H_CGI). */
static int
h_isspace(unsigned char c, enum hmode mode)
{
	if (c == ' ' || (c >= '\t' && c <= '\r'))
		return 1;
	return mode == H_CGI && ((c >= 0x1c && c <= 0x1f) || c == 0x85 ||
	    c == 0xa0);
}

/* strip() of s[*a, *b) in place. */
static void
h_strip(const char *s, size_t *a, size_t *b, enum hmode mode)
{
	while (*a < *b && h_isspace((unsigned char)s[*a], mode))
		(*a)++;
	while (*b > *a && h_isspace((unsigned char)s[*b - 1], mode))
		(*b)--;
}

/*
 * urllib.parse.unquote(s, encoding=c, errors='replace') on UTF-8 text s:
 * without '%' s is kept; otherwise each run of ASCII is percent-decoded to
 * bytes (a '%' not followed by two hex digits stays) and decoded with c,
 * and other characters are kept.  Appends to out; 0 or -1.
 */
static int
qs_unquote(const char *s, size_t n, const struct pycodec *c, struct buf *out)
{
	struct buf	 bytes = BUF_INIT;
	struct decerr	 e;
	size_t		 i = 0, j, k;
	int		 hi, lo, rc = -1;

	if (memchr(s, '%', n) == NULL)
		return buf_add(out, s, n);
	while (i < n) {
		j = i;
		if ((unsigned char)s[i] >= 0x80) {
			while (j < n && (unsigned char)s[j] >= 0x80)
				j++;
			if (buf_add(out, s + i, j - i) == -1)
				goto out;
			i = j;
			continue;
		}
		while (j < n && (unsigned char)s[j] < 0x80)
			j++;
		buf_reset(&bytes);
		for (k = i; k < j; k++) {
			if (s[k] == '%' && j - k >= 3 &&
			    (hi = py_hexdigit(s[k + 1])) >= 0 &&
			    (lo = py_hexdigit(s[k + 2])) >= 0) {
				buf_putc(&bytes, hi * 16 + lo);
				k += 2;
			} else
				buf_putc(&bytes, s[k]);
		}
		if (!buf_ok(&bytes) || cs_decode(c, bytes.p != NULL ?
		    bytes.p : "", bytes.len, DEC_REPLACE, out, &e) != 0)
			goto out;
		i = j;
	}
	rc = buf_ok(out) ? 0 : -1;
out:
	buf_free(&bytes);
	return rc;
}

/*
 * End of the segment that starts at pos: the next ';' outside double quotes
 * as _parse_header_params counts them (cgi's version does not count \").
 */
static size_t
h_segend(const char *s, size_t n, size_t pos, enum hmode mode)
{
	const char	*p;
	size_t		 end, i, scanned = pos, q = 0;

	p = memchr(s + pos, ';', n - pos);
	while (p != NULL && (end = (size_t)(p - s)) > pos) {
		for (i = scanned; i < end; i++)
			if (s[i] == '"' && !(mode == H_CGI && i > pos &&
			    s[i - 1] == '\\'))
				q++;
		scanned = end;
		if (q % 2 == 0)
			return end;
		p = end + 1 < n ? memchr(s + end + 1, ';', n - end - 1) : NULL;
	}
	return p != NULL ? (size_t)(p - s) : n;
}

/* 1 when s[a, b) lower-cased (ASCII) is want. */
static int
h_nameis(const char *s, size_t a, size_t b, const char *want)
{
	size_t	 i, len = strlen(want);
	char	 c;

	if (b - a != len)
		return 0;
	for (i = 0; i < len; i++) {
		c = s[a + i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c != want[i])
			return 0;
	}
	return 1;
}

/*
 * The value of an RFC 2231 parameter (name*=charset'lang'text) as Django
 * decodes it: split on the two quotes, text and charset must be UTF-8, then
 * unquote(text, encoding=charset).  Returns 0, 1 (ValueError), 2
 * (LookupError: unknown charset, only looked up when text has a '%'), -1.
 */
static int
h_rfc2231(const char *v, size_t n, struct buf *out)
{
	const struct pycodec	*c;
	const char		*q1, *q2;

	if ((q1 = memchr(v, '\'', n)) == NULL ||
	    (q2 = memchr(q1 + 1, '\'', (size_t)(v + n - q1 - 1))) == NULL ||
	    memchr(q2 + 1, '\'', (size_t)(v + n - q2 - 1)) != NULL)
		return 1;
	if (!py_utf8_valid(q2 + 1, (size_t)(v + n - q2 - 1)) ||
	    !py_utf8_valid(v, (size_t)(q1 - v)))
		return 1;
	if (memchr(q2 + 1, '%', (size_t)(v + n - q2 - 1)) == NULL)
		return buf_add(out, q2 + 1, (size_t)(v + n - q2 - 1));
	if ((c = cs_lookup(v, (size_t)(q1 - v))) == NULL)
		return 2;
	return qs_unquote(q2 + 1, (size_t)(v + n - q2 - 1), c, out);
}

/*
 * parse_header() of one header line s/n: H_CGI follows cgi.parse_header
 * (how Django's HttpRequest reads the charset), H_DJANGO follows
 * django.http.multipartparser.parse_header (boundary, part headers).  key
 * receives the first segment, lower-cased for H_DJANGO; each wanted
 * parameter receives its last value.  Returns 0; 1 where Django raises
 * ValueError (non-ASCII names, a malformed RFC 2231 value); 2 where it
 * raises LookupError (an RFC 2231 charset Python does not know); -1 when
 * out of memory.
 */
static int
hdr_parse(const char *s, size_t n, enum hmode mode, struct buf *key,
    struct hparam *want, size_t nwant)
{
	struct buf	 val = BUF_INIT, raw = BUF_INIT;
	const char	*eqp;
	size_t		 pos = 0, end, a, b, na, nb, va, vb, i, k, nq;
	int		 first = 1, rc = -1, hasenc, r;
	unsigned char	 c;

	for (k = 0; k < nwant; k++) {
		want[k].found = want[k].isstr = 0;
		buf_reset(&want[k].val);
	}
	buf_reset(key);
	for (;;) {
		end = h_segend(s, n, pos, mode);
		a = pos;
		b = end;
		h_strip(s, &a, &b, mode);
		if (first) {
			first = 0;
			for (i = a; i < b; i++) {
				c = (unsigned char)s[i];
				if (mode == H_DJANGO && c >= 0x80) {
					rc = 1;
					goto out;
				}
				if (mode == H_DJANGO && c >= 'A' && c <= 'Z')
					c = (unsigned char)(c + 32);
				buf_putc(key, c);
			}
		} else if ((eqp = memchr(s + a, '=', b - a)) != NULL) {
			na = a;
			nb = (size_t)(eqp - s);
			h_strip(s, &na, &nb, mode);
			for (i = na; mode == H_DJANGO && i < nb; i++)
				if ((unsigned char)s[i] >= 0x80) {
					rc = 1;
					goto out;
				}
			hasenc = 0;
			if (mode == H_DJANGO && nb > na && s[nb - 1] == '*') {
				nb--;
				for (nq = 0, i = a; i < b; i++)
					nq += s[i] == '\'';
				hasenc = nq == 2;
			}
			va = (size_t)(eqp - s) + 1;
			vb = b;
			h_strip(s, &va, &vb, mode);
			buf_reset(&val);
			buf_reset(&raw);
			if (vb - va >= 2 && s[va] == '"' && s[vb - 1] == '"') {
				/* .replace(b'\\\\', b'\\').replace(b'\\"', b'"') */
				for (i = va + 1; i < vb - 1; i++) {
					if (s[i] == '\\' && i + 1 < vb - 1 &&
					    s[i + 1] == '\\')
						i++;
					buf_putc(&raw, s[i]);
				}
				for (i = 0; i < raw.len; i++) {
					if (raw.p[i] == '\\' && i + 1 < raw.len &&
					    raw.p[i + 1] == '"')
						i++;
					buf_putc(&val, raw.p[i]);
				}
			} else
				buf_add(&val, s + va, vb - va);
			if (hasenc) {
				buf_reset(&raw);
				r = h_rfc2231(val.p != NULL ? val.p : "",
				    val.len, &raw);
				if (r != 0) {
					rc = r;
					goto out;
				}
				buf_reset(&val);
				buf_add(&val, raw.p != NULL ? raw.p : "",
				    raw.len);
			}
			for (k = 0; k < nwant; k++) {
				if (!h_nameis(s, na, nb, want[k].want))
					continue;
				want[k].found = 1;
				want[k].isstr = hasenc;
				buf_reset(&want[k].val);
				buf_add(&want[k].val, val.p != NULL ? val.p :
				    "", val.len);
			}
		}
		if (end >= n)
			break;
		pos = end + 1;
	}
	rc = 0;
	if (!buf_ok(key) || !buf_ok(&val) || !buf_ok(&raw))
		rc = -1;
	for (k = 0; k < nwant; k++)
		if (!buf_ok(&want[k].val))
			rc = -1;
out:
	buf_free(&val);
	buf_free(&raw);
	return rc;
}

/*
 * The codec of the request: the charset parameter of the Content-Type (read
 * with cgi.parse_header) when codecs.lookup() knows it, else utf-8.
 */
static const struct pycodec *
ct_charset(const char *ct)
{
	const struct pycodec	*c = NULL;
	struct buf		 key = BUF_INIT;
	struct hparam		 p;

	memset(&p, 0, sizeof(p));
	p.want = "charset";
	if (hdr_parse(ct, strlen(ct), H_CGI, &key, &p, 1) == 0 && p.found)
		c = cs_lookup(p.val.p != NULL ? p.val.p : "", p.val.len);
	buf_free(&key);
	buf_free(&p.val);
	return c != NULL ? c : &cs_utf8;
}

/* ---------------------------------------------------------------- urlencoded */

/* One name or value of parse_qsl: '+' -> ' ', then unquote() with cs. */
static int
qs_field(const char *s, size_t n, const struct pycodec *cs, struct buf *tmp,
    struct buf *out)
{
	size_t	 i;

	buf_reset(tmp);
	buf_reset(out);
	for (i = 0; i < n; i++)
		buf_putc(tmp, s[i] == '+' ? ' ' : s[i]);
	if (!buf_ok(tmp))
		return -1;
	return qs_unquote(tmp->p != NULL ? tmp->p : "", tmp->len, cs, out);
}

/*
 * FormParser: QueryDict(body, encoding=cs).  The body is decoded with cs,
 * or as latin-1 when that fails; then parse_qsl(keep_blank_values=True,
 * max_num_fields=1000): pieces split on '&' (empty ones skipped), name and
 * value split on the first '=' (none: value ''), each unquoted with cs.
 */
static enum form_rc
form_urlencoded(struct form *f, const struct pycodec *cs, const char *body,
    size_t len, char *msg, size_t msgsz)
{
	struct buf	 text = BUF_INIT, tmp = BUF_INIT;
	struct buf	 name = BUF_INIT, value = BUF_INIT;
	struct decerr	 e;
	const char	*t, *amp, *eq;
	size_t		 n, nf, i, j;
	enum form_rc	 rc = FORM_NOMEM;
	int		 r;

	f->html = 1;
	if ((r = cs_decode(cs, body, len, DEC_STRICT, &text, &e)) == -1)
		goto out;
	if (r == 1) {
		buf_reset(&text);
		if (py_latin1_to_utf8(body, len, &text) == -1)
			goto out;
	}
	t = text.p != NULL ? text.p : "";
	n = text.len;
	if (n > 0) {
		for (nf = 1, i = 0; i < n; i++)
			nf += t[i] == '&';
		if (nf > MAX_FIELDS) {
			fmsg(msg, msgsz, "The number of GET/POST parameters "
			    "exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.");
			rc = FORM_TOO_MANY;
			goto out;
		}
	}
	for (i = 0; i < n; i = j + 1) {
		amp = memchr(t + i, '&', n - i);
		j = amp != NULL ? (size_t)(amp - t) : n;
		if (j == i)
			continue;
		eq = memchr(t + i, '=', j - i);
		if (qs_field(t + i, eq != NULL ? (size_t)(eq - t) - i : j - i,
		    cs, &tmp, &name) == -1)
			goto out;
		if (eq != NULL && qs_field(eq + 1, (size_t)(t + j - eq - 1),
		    cs, &tmp, &value) == -1)
			goto out;
		if (eq == NULL)
			buf_reset(&value);
		if (form_add_str(f, buf_str(&name), name.len, buf_str(&value),
		    value.len, V_STR) == -1)
			goto out;
	}
	rc = FORM_OK;
out:
	buf_free(&text);
	buf_free(&tmp);
	buf_free(&name);
	buf_free(&value);
	return rc;
}

/* ---------------------------------------------------------------------- JSON */

/*
 * Why a hand-written checker in front of json-c: json-c 0.16 in strict mode
 * is laxer than CPython's json module (measured on this machine).  It takes
 * NaN/Infinity/-Infinity (DRF's strict_constant rejects them), single-quoted
 * strings, raw control characters inside strings, turns a lone surrogate
 * escape into U+FFFD (Python keeps it and DRF then rejects it), clamps
 * integers beyond 64 bits (Python keeps every digit), and truncates object
 * keys at an escaped NUL.  So this checker enforces Python's grammar and
 * produces its messages; json-c then builds the values.
 */

enum jerr {
	JE_OK = 0,
	JE_SYNTAX,	/* JSONDecodeError: emsg at epos */
	JE_CONSTANT,	/* NaN/Infinity/-Infinity: emsg is the constant */
	JE_DIGITS,	/* int() over the digit limit: edigits */
	JE_DEEP,	/* RecursionError: emsg is "object" or "array" */
	JE_NOMEM,
};

/* A member of the top-level object. */
struct jmember {
	size_t		 koff, klen;	/* the decoded key, in jscan.keys */
	size_t		 vs, ve;	/* the value's bytes in the text */
	uint32_t	 surrogate;	/* first lone surrogate of a string value */
};

struct jscan {
	const char	*t;		/* UTF-8 text */
	size_t		 n;
	size_t		 i;		/* read position */
	enum jerr	 err;
	const char	*emsg;
	size_t		 epos;		/* byte offset of a JE_SYNTAX error */
	size_t		 edigits;
	uint32_t	 sur;		/* first lone surrogate of the last string */
	struct buf	 keys;
	struct jmember	*m;
	size_t		 nm, mcap;
};

/* Record a JSONDecodeError; returns -1. */
static int
js_fail(struct jscan *js, const char *emsg, size_t pos)
{
	js->err = JE_SYNTAX;
	js->emsg = emsg;
	js->epos = pos;
	return -1;
}

/* Skip json's whitespace: space, \t, \n, \r only. */
static void
js_ws(struct jscan *js)
{
	while (js->i < js->n && (js->t[js->i] == ' ' || js->t[js->i] == '\t' ||
	    js->t[js->i] == '\n' || js->t[js->i] == '\r'))
		js->i++;
}

/* Four hex digits at s into *c; 0 or -1. */
static int
js_hex4(const char *s, uint32_t *c)
{
	size_t	 i;
	int	 d;

	*c = 0;
	for (i = 0; i < 4; i++) {
		if ((d = py_hexdigit(s[i])) < 0)
			return -1;
		*c = (*c << 4) | (uint32_t)d;
	}
	return 0;
}

/* Append code point cp (not a surrogate) to out as UTF-8. */
static void
put_cp(struct buf *out, uint32_t cp)
{
	char	 b[4];

	if (cp < 0x80) {
		b[0] = (char)cp;
		buf_add(out, b, 1);
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(out, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(out, b, 3);
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(out, b, 4);
	}
}

/*
 * scanstring_unicode(strict=True) for the string whose opening quote is at
 * js->i; js->i moves past the closing quote.  Decodes into out unless NULL
 * (a lone surrogate becomes U+FFFD; the first one is left in js->sur).
 * The checks on byte offsets match CPython's on code points because every
 * character they look at is ASCII.  Returns 0 or -1.
 */
static int
js_string(struct jscan *js, struct buf *out)
{
	const char	*t = js->t;
	size_t		 n = js->n, begin = js->i, end = js->i + 1, next;
	uint32_t	 c, c2;
	unsigned char	 d;

	js->sur = 0;
	for (;;) {
		for (next = end; next < n; next++) {
			d = (unsigned char)t[next];
			if (d == '"' || d == '\\')
				break;
			if (d <= 0x1f)
				return js_fail(js, "Invalid control character at",
				    next);
		}
		if (next >= n)
			return js_fail(js, "Unterminated string starting at",
			    begin);
		if (out != NULL)
			buf_add(out, t + end, next - end);
		if (t[next] == '"') {
			js->i = next + 1;
			return 0;
		}
		if (++next == n)
			return js_fail(js, "Unterminated string starting at",
			    begin);
		if (t[next] != 'u') {
			switch (t[next]) {
			case '"':
			case '\\':
			case '/':
				c = (unsigned char)t[next];
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			default:
				return js_fail(js, "Invalid \\escape", next - 1);
			}
			end = next + 1;
		} else {
			next++;
			if (next + 4 >= n || js_hex4(t + next, &c) == -1)
				return js_fail(js, "Invalid \\uXXXX escape",
				    next - 1);
			end = next + 4;
			if (c >= 0xd800 && c <= 0xdbff && end + 6 < n &&
			    t[end] == '\\' && t[end + 1] == 'u') {
				if (js_hex4(t + end + 2, &c2) == -1)
					return js_fail(js,
					    "Invalid \\uXXXX escape", end + 1);
				if (c2 >= 0xdc00 && c2 <= 0xdfff) {
					c = 0x10000 + ((c - 0xd800) << 10) +
					    (c2 - 0xdc00);
					end += 6;
				}
			}
			if (c >= 0xd800 && c <= 0xdfff) {
				if (js->sur == 0)
					js->sur = c;
				c = 0xfffd;
			}
		}
		if (out != NULL)
			put_cp(out, c);
	}
}

/*
 * _match_number_unicode at js->i: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?
 * Returns 0 and moves js->i past it (*isfloat when it has a fraction or an
 * exponent, *ndig its integer digits), or -1 when no number starts here.
 */
static int
js_number(struct jscan *js, int *isfloat, size_t *ndig)
{
	const char	*t = js->t;
	size_t		 n = js->n, i = js->i, j, d0;

	*isfloat = 0;
	if (t[i] == '-' && ++i >= n)
		return -1;
	d0 = i;
	if (t[i] >= '1' && t[i] <= '9') {
		for (i++; i < n && t[i] >= '0' && t[i] <= '9'; i++)
			;
	} else if (t[i] == '0')
		i++;
	else
		return -1;
	*ndig = i - d0;
	if (i + 1 < n && t[i] == '.' && t[i + 1] >= '0' && t[i + 1] <= '9') {
		*isfloat = 1;
		for (i += 2; i < n && t[i] >= '0' && t[i] <= '9'; i++)
			;
	}
	if (i + 1 < n && (t[i] == 'e' || t[i] == 'E')) {
		j = i + 1;
		if (j + 1 < n && (t[j] == '-' || t[j] == '+'))
			j++;
		while (j < n && t[j] >= '0' && t[j] <= '9')
			j++;
		if (t[j - 1] >= '0' && t[j - 1] <= '9') {
			*isfloat = 1;
			i = j;
		}
	}
	js->i = i;
	return 0;
}

/* 1 when the text at js->i starts with the literal s. */
static int
js_lit(const struct jscan *js, const char *s)
{
	size_t	 len = strlen(s);

	return js->n - js->i >= len && memcmp(js->t + js->i, s, len) == 0;
}

/* Remember a member of the top-level object; 0 or -1. */
static int
js_member(struct jscan *js, size_t koff, size_t klen, size_t vs)
{
	struct jmember	*m;
	size_t		 cap;

	if (js->nm == js->mcap) {
		cap = js->mcap ? js->mcap * 2 : 16;
		if (cap > SIZE_MAX / sizeof(*m))
			return -1;
		if ((m = realloc(js->m, cap * sizeof(*m))) == NULL)
			return -1;
		js->m = m;
		js->mcap = cap;
	}
	m = &js->m[js->nm++];
	m->koff = koff;
	m->klen = klen;
	m->vs = vs;
	m->ve = js->i;
	m->surrogate = js->t[vs] == '"' ? js->sur : 0;
	return 0;
}

enum jstate {
	JS_VALUE,	/* a value starts at js->i */
	JS_AFTER,	/* a value just ended */
	JS_KEY,		/* a key (or the end of an empty object) follows */
};

/*
 * json.loads() of the text as CPython's C scanner does it, iteratively with
 * an explicit stack: the same errors at the same positions, in the same
 * order, RecursionError at JSON_MAXDEPTH.  Members of a top-level object
 * are recorded (decoded key, value range).  Returns 0 or -1 (js->err).
 */
static int
js_scan(struct jscan *js)
{
	char		 stack[JSON_MAXDEPTH];
	size_t		 depth = 0, koff = 0, klen = 0, vs = 0, ndig;
	enum jstate	 st = JS_VALUE;
	int		 pending = 0, isfloat;
	char		 c;

	if (js_lit(js, "\xef\xbb\xbf"))
		return js_fail(js,
		    "Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
	js_ws(js);
	for (;;) {
		switch (st) {
		case JS_VALUE:
			if (depth == 1 && stack[0] == '{') {
				pending = 1;
				vs = js->i;
			}
			if (js->i >= js->n)
				return js_fail(js, "Expecting value", js->i);
			c = js->t[js->i];
			st = JS_AFTER;
			if (c == '"') {
				if (js_string(js, NULL) == -1)
					return -1;
				break;
			}
			if (c == '{' || c == '[') {
				if (depth == JSON_MAXDEPTH) {
					js->err = JE_DEEP;
					js->emsg = c == '{' ? "object" : "array";
					return -1;
				}
				stack[depth++] = c;
				js->i++;
				js_ws(js);
				if (js->i < js->n &&
				    js->t[js->i] == (c == '{' ? '}' : ']')) {
					js->i++;
					depth--;
				} else
					st = c == '{' ? JS_KEY : JS_VALUE;
				break;
			}
			if (js_lit(js, "null") || js_lit(js, "true")) {
				js->i += 4;
				break;
			}
			if (js_lit(js, "false")) {
				js->i += 5;
				break;
			}
			if (js_lit(js, "NaN") || js_lit(js, "Infinity") ||
			    js_lit(js, "-Infinity")) {
				js->err = JE_CONSTANT;
				js->emsg = c == 'N' ? "NaN" : c == 'I' ?
				    "Infinity" : "-Infinity";
				return -1;
			}
			if (js_number(js, &isfloat, &ndig) == -1)
				return js_fail(js, "Expecting value", js->i);
			if (!isfloat && ndig > JSON_MAXDIGITS) {
				js->err = JE_DIGITS;
				js->edigits = ndig;
				return -1;
			}
			break;
		case JS_AFTER:
			if (pending && depth == 1) {
				pending = 0;
				if (js_member(js, koff, klen, vs) == -1) {
					js->err = JE_NOMEM;
					return -1;
				}
			}
			js_ws(js);
			if (depth == 0) {
				if (js->i != js->n)
					return js_fail(js, "Extra data", js->i);
				return 0;
			}
			c = stack[depth - 1] == '{' ? '}' : ']';
			if (js->i < js->n && js->t[js->i] == c) {
				js->i++;
				depth--;
				break;
			}
			if (js->i >= js->n || js->t[js->i] != ',')
				return js_fail(js, "Expecting ',' delimiter",
				    js->i);
			js->i++;
			js_ws(js);
			st = c == '}' ? JS_KEY : JS_VALUE;
			break;
		case JS_KEY:
			if (js->i >= js->n || js->t[js->i] != '"')
				return js_fail(js, "Expecting property name "
				    "enclosed in double quotes", js->i);
			if (depth == 1) {
				koff = js->keys.len;
				if (js_string(js, &js->keys) == -1)
					return -1;
				klen = js->keys.len - koff;
			} else if (js_string(js, NULL) == -1)
				return -1;
			js_ws(js);
			if (js->i >= js->n || js->t[js->i] != ':')
				return js_fail(js, "Expecting ':' delimiter",
				    js->i);
			js->i++;
			js_ws(js);
			st = JS_VALUE;
			break;
		}
	}
}

/* The DRF detail for a failed js_scan(); returns the form_rc. */
static enum form_rc
js_error(const struct jscan *js, char *msg, size_t msgsz)
{
	size_t	 i, line = 1, col, chr = 0, lastnl = 0;
	int	 seen = 0;

	switch (js->err) {
	case JE_SYNTAX:
		/* JSONDecodeError counts code points, lines and columns. */
		for (i = 0; i < js->epos && i < js->n; i++) {
			if (((unsigned char)js->t[i] & 0xc0) == 0x80)
				continue;
			if (js->t[i] == '\n') {
				line++;
				lastnl = chr;
				seen = 1;
			}
			chr++;
		}
		col = seen ? chr - lastnl : chr + 1;
		fmsg(msg, msgsz, "JSON parse error - %s: line %zu column %zu "
		    "(char %zu)", js->emsg, line, col, chr);
		return FORM_PARSE;
	case JE_CONSTANT:
		fmsg(msg, msgsz, "JSON parse error - Out of range float values "
		    "are not JSON compliant: '%s'", js->emsg);
		return FORM_PARSE;
	case JE_DIGITS:
		fmsg(msg, msgsz, "JSON parse error - Exceeds the limit (%d "
		    "digits) for integer string conversion: value has %zu "
		    "digits; use sys.set_int_max_str_digits() to increase the "
		    "limit", JSON_MAXDIGITS, js->edigits);
		return FORM_PARSE;
	case JE_DEEP:
		fmsg(msg, msgsz, "JSON parse error - maximum recursion depth "
		    "exceeded while decoding a JSON %s from a unicode string", js->emsg);
		return FORM_PARSE;
	case JE_OK:
	case JE_NOMEM:
		break;
	}
	fmsg(msg, msgsz, "out of memory");
	return FORM_NOMEM;
}

/*
 * json-c over t[vs, ve) (strict, UTF-8 validated, explicit length).  A
 * number or literal at the very end needs the terminating NUL json-c waits
 * for; it is fed from a constant, never read from the text.  Returns 0
 * and the object in *obj (the caller puts it; NULL is also json null), -1
 * with *jerr when json-c rejects the text, -2 when out of memory.
 */
static int
jc_parse(const char *t, size_t vs, size_t ve, struct json_object **obj,
    enum json_tokener_error *jerr)
{
	struct json_tokener	*tok;
	struct json_object	*o;
	int			 rc = -1;

	*obj = NULL;
	*jerr = json_tokener_error_size;
	if (ve - vs > INT32_MAX)
		return -1;
	if ((tok = json_tokener_new_ex(JSON_MAXDEPTH + 2)) == NULL)
		return -2;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, t + vs, (int)(ve - vs));
	*jerr = json_tokener_get_error(tok);
	if (*jerr == json_tokener_success &&
	    json_tokener_get_parse_end(tok) != ve - vs) {
		*jerr = json_tokener_error_parse_unexpected;
		goto out;
	}
	if (*jerr == json_tokener_continue) {
		o = json_tokener_parse_ex(tok, "", 1);
		*jerr = json_tokener_get_error(tok);
	}
	if (*jerr != json_tokener_success)
		goto out;
	*obj = o;
	o = NULL;
	rc = 0;
out:
	json_object_put(o);
	json_tokener_free(tok);
	return rc;
}

/* The Python value of a top-level member: kind and str() of numbers. */
static int
js_value(struct form *f, const struct jscan *js, const struct jmember *m,
    char *msg, size_t msgsz)
{
	struct json_object	*o = NULL;
	enum json_tokener_error	 jerr;
	struct buf		 lit = BUF_INIT, str = BUF_INIT;
	struct val		 v;
	const char		*t = js->t + m->vs;
	size_t			 n = m->ve - m->vs;
	char			 fl[32];
	int			 rc = -1, len;

	memset(&v, 0, sizeof(v));
	switch (t[0]) {
	case '"':
		if ((rc = jc_parse(js->t, m->vs, m->ve, &o, &jerr)) == -2) {
			rc = -1;
			goto out;
		}
		if (rc == -1 || !json_object_is_type(o, json_type_string)) {
			fmsg(msg, msgsz, "JSON parse error - %s",
			    json_tokener_error_desc(jerr));
			rc = 1;
			goto out;
		}
		v.kind = V_STR;
		v.s = json_object_get_string(o);
		v.len = (size_t)json_object_get_string_len(o);
		v.surrogate = m->surrogate;
		break;
	case '{':
	case '[':
		v.kind = t[0] == '{' ? V_DICT : V_LIST;
		break;
	case 't':
	case 'f':
		v.kind = V_BOOL;
		v.b = t[0] == 't';
		v.num = v.b;
		v.s = v.b ? "True" : "False";
		v.len = strlen(v.s);
		break;
	case 'n':
		v.kind = V_NULL;
		v.s = "None";
		v.len = 4;
		break;
	default:
		/* A number: str() from the literal, as Python's int/float. */
		if (buf_add(&lit, t, n) == -1)
			goto out;
		v.num = strtod(lit.p, NULL);
		if (memchr(t, '.', n) != NULL || memchr(t, 'e', n) != NULL ||
		    memchr(t, 'E', n) != NULL) {
			v.kind = V_FLOAT;
			if ((len = py_float_repr(v.num, fl, sizeof(fl))) < 0)
				goto out;
			v.s = fl;
			v.len = (size_t)len;
		} else {
			v.kind = V_INT;
			if (py_int_literal_str(t, n, &str) == -1)
				goto out;
			v.s = str.p;
			v.len = str.len;
		}
		break;
	}
	rc = form_add(f, js->keys.p != NULL ? js->keys.p + m->koff : "",
	    m->klen, &v);
out:
	json_object_put(o);
	buf_free(&lit);
	buf_free(&str);
	return rc;
}

/*
 * JSONParser: codecs.getreader(cs)(body).read(), then json.load() with
 * DRF's strict_constant.  Decoding and syntax errors become "JSON parse
 * error - ..." (FORM_PARSE).
 */
static enum form_rc
form_json(struct form *f, const struct pycodec *cs, const char *body,
    size_t len, char *msg, size_t msgsz)
{
	struct jscan		 js;
	struct buf		 text = BUF_INIT;
	struct decerr		 e;
	struct json_object	*doc = NULL;
	enum json_tokener_error	 jerr;
	enum form_rc		 rc = FORM_NOMEM;
	size_t			 i;
	int			 r;

	memset(&js, 0, sizeof(js));
	if ((r = cs_decode(cs, body, len, DEC_STREAM, &text, &e)) == -1)
		goto out;
	if (r == 1) {
		dec_msg(&e, "JSON parse error - ", msg, msgsz);
		rc = FORM_PARSE;
		goto out;
	}
	js.t = text.p != NULL ? text.p : "";
	js.n = text.len;
	if (js_scan(&js) == -1) {
		rc = js_error(&js, msg, msgsz);
		goto out;
	}
	if (!buf_ok(&js.keys))
		goto out;

	/* json-c builds the document; it must agree with the checker. */
	if ((r = jc_parse(js.t, 0, js.n, &doc, &jerr)) != 0) {
		if (r == -2)
			goto out;
		fmsg(msg, msgsz, "JSON parse error - %s",
		    json_tokener_error_desc(jerr));
		rc = FORM_PARSE;
		goto out;
	}
	switch (json_object_get_type(doc)) {
	case json_type_null:
		f->top = V_NULL;
		break;
	case json_type_boolean:
		f->top = V_BOOL;
		break;
	case json_type_int:
		f->top = V_INT;
		break;
	case json_type_double:
		f->top = V_FLOAT;
		break;
	case json_type_string:
		f->top = V_STR;
		break;
	case json_type_array:
		f->top = V_LIST;
		break;
	case json_type_object:
		f->top = V_DICT;
		break;
	}
	/*
	 * json-c parses "1.0" and "1e2" as doubles and "1" as an int, as
	 * Python does; but the kind follows the literal in any case.
	 */
	if (f->top == V_INT || f->top == V_FLOAT) {
		for (i = 0; i < js.n; i++)
			if (js.t[i] == '.' || js.t[i] == 'e' || js.t[i] == 'E')
				break;
		f->top = i < js.n ? V_FLOAT : V_INT;
	}
	/*
	 * Members come from the checker's ranges, their values from json-c
	 * one by one: json-c's own object keys stop at an escaped NUL, which
	 * could merge distinct Python keys.
	 */
	for (i = 0; f->top == V_DICT && i < js.nm; i++)
		if ((r = js_value(f, &js, &js.m[i], msg, msgsz)) != 0) {
			rc = r == 1 ? FORM_PARSE : FORM_NOMEM;
			goto out;
		}
	rc = FORM_OK;
out:
	if (rc == FORM_NOMEM && msg != NULL && msgsz > 0 && msg[0] == '\0')
		fmsg(msg, msgsz, "out of memory");
	json_object_put(doc);
	buf_free(&text);
	buf_free(&js.keys);
	free(js.m);
	return rc;
}

/* ----------------------------------------------------------------- multipart */

/*
 * Django's MultiPartParser reads the body through a LazyStream over 64 KiB
 * chunks, one BoundaryIter per part and a LazyStream over that; pieces are
 * pushed back ("unget") and read again.  What a malformed body yields
 * depends on that bookkeeping, so it is simulated on offsets into the body.
 * A stream only ever pushes back the bytes it has just read, so its leftover
 * is always the bytes right before its producer's position: a stream is a
 * pair (pos, prod) with leftover d[pos, prod).
 */
struct mp {
	const char	*d;
	size_t		 n;
	size_t		 pos, prod;	/* the main LazyStream */
	const char	*sep;		/* b'--' + boundary */
	size_t		 seplen;
	size_t		 rollback;	/* BoundaryIter._rollback */
	int		 bdone;		/* the part's BoundaryIter is done */
	size_t		 spos, sprod;	/* the part's LazyStream */
};

enum mp_type {
	MP_RAW,		/* no Content-Disposition: skipped */
	MP_FIELD,
	MP_FILE,	/* Content-Disposition with a non-empty filename */
};

/* What parse_boundary_stream() read from a part's headers. */
struct mp_part {
	enum mp_type	 type;
	struct hparam	 cd[2];		/* name, filename */
	int		 has_cte;
	struct buf	 cte;		/* Content-Transfer-Encoding, stripped */
};

/* A file waiting for the next part to be completed (handle_file_complete). */
struct mp_file {
	char		*name;
	size_t		 namelen;
	char		*fn;
	size_t		 fnlen;
};

/* LazyStream.__next__ of the main stream; 0 at StopIteration. */
static int
mp_next(struct mp *m, size_t *a, size_t *b)
{
	if (m->pos < m->prod)
		*a = m->pos;
	else if (m->prod < m->n) {
		*a = m->prod;
		m->prod += MIN(MP_CHUNK, m->n - m->prod);
	} else
		return 0;
	*b = m->prod;
	m->pos = m->prod;
	return 1;
}

/*
 * BoundaryIter.__next__: read more than rollback bytes (or to the end); a
 * separator in them ends the part (its CR, LF or CRLF before it dropped),
 * else all but the last rollback bytes are part data.  0 at StopIteration.
 */
static int
mp_bnext(struct mp *m, size_t *a, size_t *b)
{
	const char	*p;
	size_t		 start = m->pos, got = 0, x, y, idx, end;

	if (m->bdone)
		return 0;
	for (;;) {
		if (!mp_next(m, &x, &y)) {
			m->bdone = 1;
			break;
		}
		got += y - x;
		if (got > m->rollback)
			break;
	}
	if (got == 0)
		return 0;
	*a = start;
	if ((p = memmem(m->d + start, got, m->sep, m->seplen)) != NULL) {
		idx = (size_t)(p - (m->d + start));
		end = idx;
		if (end > 0 && m->d[start + end - 1] == '\n')
			end--;
		if (end > 0 && m->d[start + end - 1] == '\r')
			end--;
		m->pos = start + idx + m->seplen;
		m->bdone = 1;
		*b = start + end;
	} else if (got <= m->rollback) {
		m->bdone = 1;
		*b = start + got;
	} else {
		m->pos = start + got - m->rollback;
		*b = m->pos;
	}
	return 1;
}

/* LazyStream.__next__ of the part's stream; 0 at StopIteration. */
static int
mp_snext(struct mp *m, size_t *a, size_t *b)
{
	if (m->spos < m->sprod) {
		*a = m->spos;
		*b = m->sprod;
	} else if (mp_bnext(m, a, b)) {
		/* BoundaryIter hands out consecutive pieces: *a == sprod. */
		m->sprod = *b;
	} else
		return 0;
	m->spos = *b;
	return 1;
}

/* LazyStream.read(size) of the part's stream: d[*a, *b). */
static void
mp_sread(struct mp *m, size_t size, size_t *a, size_t *b)
{
	size_t	 x, y, take;

	*a = m->spos;
	while (size > 0 && mp_snext(m, &x, &y)) {
		take = MIN(size, y - x);
		m->spos = x + take;
		size -= take;
	}
	*b = m->spos;
}

/*
 * parse_boundary_stream(stream, 1024): the headers must end with CRLFCRLF
 * within the first 1024 bytes of the part; lines split on CRLF; a line
 * parse_header() rejects is skipped.  Returns 0, 2 (LookupError), -1.
 */
static int
mp_headers(struct mp *m, struct mp_part *pt)
{
	struct buf	 key = BUF_INIT;
	const char	*he, *line, *eol, *colon;
	size_t		 ca, cb, hlen, a, b;
	int		 r, rc = -1;

	pt->type = MP_RAW;
	pt->has_cte = 0;
	pt->cd[0].found = pt->cd[1].found = 0;
	mp_sread(m, MP_MAXHEADER, &ca, &cb);
	if ((he = memmem(m->d + ca, cb - ca, "\r\n\r\n", 4)) == NULL) {
		m->spos = ca;
		return 0;
	}
	hlen = (size_t)(he - (m->d + ca));
	m->spos = ca + hlen + 4;
	for (line = m->d + ca; line <= he; line = eol + 2) {
		eol = memmem(line, (size_t)(he - line), "\r\n", 2);
		if (eol == NULL)
			eol = he;
		r = hdr_parse(line, (size_t)(eol - line), H_DJANGO, &key,
		    NULL, 0);
		if (r == -1 || r == 2) {
			rc = r;
			goto out;
		}
		if (r == 1 || (colon = memchr(buf_str(&key), ':',
		    key.len)) == NULL)
			continue;
		a = (size_t)(colon - buf_str(&key));
		if (a == 19 && memcmp(key.p, "content-disposition", 19) == 0) {
			/* Parsed again to keep this line's parameters. */
			if ((r = hdr_parse(line, (size_t)(eol - line),
			    H_DJANGO, &key, pt->cd, 2)) != 0) {
				rc = r;
				goto out;
			}
			pt->type = pt->cd[1].found && pt->cd[1].val.len > 0 ?
			    MP_FILE : MP_FIELD;
		} else if (a == 25 &&
		    memcmp(key.p, "content-transfer-encoding", 25) == 0) {
			/* str.strip() of an ASCII str */
			a++;
			b = key.len;
			while (a < b && (key.p[a] == ' ' ||
			    (key.p[a] >= '\t' && key.p[a] <= '\r') ||
			    (key.p[a] >= 0x1c && key.p[a] <= 0x1f)))
				a++;
			while (b > a && (key.p[b - 1] == ' ' ||
			    (key.p[b - 1] >= '\t' && key.p[b - 1] <= '\r') ||
			    (key.p[b - 1] >= 0x1c && key.p[b - 1] <= 0x1f)))
				b--;
			buf_reset(&pt->cte);
			buf_add(&pt->cte, key.p + a, b - a);
			pt->has_cte = 1;
		}
	}
	rc = buf_ok(&key) && buf_ok(&pt->cte) ? 0 : -1;
out:
	buf_free(&key);
	return rc;
}

/*
 * binascii.a2b_base64(s) in CPython 3.11's non-strict mode (what
 * base64.b64decode uses): characters outside the alphabet are skipped, a
 * complete pad sequence ends the data, a leftover partial quad fails.
 * Appends the bytes to out (may be NULL); 0, or -1 on binascii.Error.
 */
static int
b64_decode(const char *s, size_t n, struct buf *out)
{
	size_t		 i;
	int		 quad = 0, pads = 0, v;
	unsigned int	 left = 0;
	unsigned char	 c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '=') {
			if (quad >= 2 && quad + ++pads >= 4)
				return 0;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else
			continue;
		pads = 0;
		switch (quad) {
		case 0:
			left = (unsigned int)v;
			break;
		case 1:
			if (out != NULL)
				buf_putc(out, (int)((left << 2) | ((unsigned)v >> 4)));
			left = (unsigned int)v & 0x0f;
			break;
		case 2:
			if (out != NULL)
				buf_putc(out, (int)((left << 4) | ((unsigned)v >> 2)));
			left = (unsigned int)v & 0x03;
			break;
		case 3:
			if (out != NULL)
				buf_putc(out, (int)((left << 6) | (unsigned)v));
			break;
		}
		quad = (quad + 1) % 4;
	}
	return quad == 0 ? 0 : -1;
}

/*
 * Whether MultiPartParser.sanitize_file_name() keeps the (decoded) file
 * name s: html.unescape(), then the text after the last '/' or '\' must not
 * be '', '.' or '..'.  Only what can decide that is unescaped: numeric
 * references (some give nothing at all) and the named ones that give '.',
 * '/' or '\'; any other reference stays as written, which is just as
 * non-empty and harmless.
 */
static int
mp_filename_ok(const char *s, size_t n)
{
	struct buf	 u = BUF_INIT;
	size_t		 i = 0, j, k, seg;
	uint32_t	 num;
	int		 hex, d, ok = -1;

	while (i < n) {
		if (s[i] != '&') {
			buf_putc(&u, s[i++]);
			continue;
		}
		j = i + 1;
		if (j < n && s[j] == '#') {
			k = j + 1;
			hex = k + 1 < n && (s[k] == 'x' || s[k] == 'X') &&
			    py_hexdigit(s[k + 1]) >= 0;
			if (hex)
				k++;
			else if (k >= n || s[k] < '0' || s[k] > '9') {
				buf_putc(&u, s[i++]);
				continue;
			}
			for (num = 0; k < n; k++) {
				d = py_hexdigit(s[k]);
				if (d < 0 || (!hex && d > 9))
					break;
				if (num <= 0x10ffff)
					num = num * (hex ? 16 : 10) + (uint32_t)d;
			}
			if (k < n && s[k] == ';')
				k++;
			i = k;
			if (num == 0 || (num >= 0xd800 && num <= 0xdfff) ||
			    num > 0x10ffff)
				buf_puts(&u, U_FFFD);
			else if (num == 0x0d || (num >= 0x80 && num <= 0x9f))
				buf_putc(&u, 'x');	/* _invalid_charrefs */
			else if ((num >= 0x01 && num <= 0x08) || num == 0x0b ||
			    (num >= 0x0e && num <= 0x1f) || num == 0x7f ||
			    (num >= 0xfdd0 && num <= 0xfdef) ||
			    (num & 0xfffe) == 0xfffe)
				;			/* _invalid_codepoints */
			else
				put_cp(&u, num);
			continue;
		}
		for (k = j; k < n && k - j < 32 &&
		    strchr("\t\n\f <&#;", s[k]) == NULL && s[k] != '\0'; k++)
			;
		if (k < n && s[k] == ';' && k - j == 6 &&
		    memcmp(s + j, "period", 6) == 0)
			buf_putc(&u, '.');
		else if (k < n && s[k] == ';' && k - j == 3 &&
		    memcmp(s + j, "sol", 3) == 0)
			buf_putc(&u, '/');
		else if (k < n && s[k] == ';' && k - j == 4 &&
		    memcmp(s + j, "bsol", 4) == 0)
			buf_putc(&u, '\\');
		else {
			buf_putc(&u, s[i++]);
			continue;
		}
		i = k + 1;
	}
	if (!buf_ok(&u))
		goto out;
	for (seg = u.len; seg > 0 && u.p[seg - 1] != '/' &&
	    u.p[seg - 1] != '\\'; seg--)
		;
	ok = !(u.len - seg == 0 || (u.len - seg == 1 && u.p[seg] == '.') ||
	    (u.len - seg == 2 && u.p[seg] == '.' && u.p[seg + 1] == '.'));
out:
	buf_free(&u);
	return ok;
}

/*
 * force_str(value, cs, errors='replace') of a parameter: a str (RFC 2231)
 * is kept, bytes are decoded.  With strip, .strip() first (bytes.strip()
 * or str.strip()).
 */
static int
mp_pystr(const struct hparam *p, const struct pycodec *cs, int strip,
    struct buf *out)
{
	struct decerr	 e;
	const char	*s = buf_str(&p->val);
	size_t		 a = 0, b = p->val.len, off, len;

	buf_reset(out);
	if (p->isstr) {
		off = 0;
		len = b;
		if (strip)
			py_strip(s, b, &off, &len);
		return buf_add(out, s + off, len);
	}
	if (strip)
		h_strip(s, &a, &b, H_DJANGO);
	return cs_decode(cs, s + a, b - a, DEC_REPLACE, out, &e) == 0 ? 0 : -1;
}

/* cgi.valid_boundary(s): 1 when the boundary is acceptable. */
static int
mp_valid_boundary(const char *s, size_t n)
{
	size_t	 i;

	/* re.match('^[ -~]{0,200}[!-~]$'): '$' also matches before a final \n */
	if (n > 1 && s[n - 1] == '\n')
		n--;
	if (n == 0 || n > MP_MAXBOUNDARY || s[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < ' ' || (unsigned char)s[i] > '~')
			return 0;
	return 1;
}

/* Free the pending files. */
static void
mp_files_free(struct mp_file *fl, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(fl[i].name);
		free(fl[i].fn);
	}
	free(fl);
}

/* Copy s/n to a new NUL-terminated string; NULL when out of memory. */
static char *
memdup0(const char *s, size_t n)
{
	char	*p;

	if (n == SIZE_MAX || (p = malloc(n + 1)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * MultiPartParser(META, body, handlers, encoding=cs).parse() as DRF's
 * MultiPartParser calls it, then request.data: the fields, then the files
 * appended (MultiValueDict.update), so a file wins over a field of the
 * same name.
 */
static enum form_rc
form_multipart(struct form *f, const char *ct, const struct pycodec *cs,
    const char *body, size_t len, char *msg, size_t msgsz)
{
	struct mp	 m;
	struct mp_part	 pt;
	struct mp_file	*files = NULL, *nf;
	struct hparam	 bp;
	struct buf	 key = BUF_INIT, ctu = BUF_INIT, sep = BUF_INIT;
	struct buf	 name = BUF_INIT, fn = BUF_INIT, val = BUF_INIT;
	struct buf	 b64 = BUF_INIT;
	struct decerr	 e;
	const char	*data, *p;
	size_t		 ctlen = strlen(ct), nfiles = 0, filecap = 0, nkeys = 0;
	size_t		 nfile = 0, nread = 0, a, b, x, y, i, dlen;
	enum form_rc	 rc = FORM_NOMEM;
	int		 r, pending = 0, isb64;

	memset(&m, 0, sizeof(m));
	memset(&pt, 0, sizeof(pt));
	memset(&bp, 0, sizeof(bp));
	pt.cd[0].want = "name";
	pt.cd[1].want = "filename";
	bp.want = "boundary";
	f->html = 1;
	if (py_latin1_to_utf8(ct, ctlen, &ctu) == -1)
		goto out;
	if (strncmp(ct, "multipart/", 10) != 0) {
		fmsg(msg, msgsz, "Multipart form parse error - Invalid "
		    "Content-Type: %s", buf_str(&ctu));
		rc = FORM_PARSE;
		goto out;
	}
	for (i = 0; i < ctlen; i++)
		if ((unsigned char)ct[i] >= 0x80) {
			fmsg(msg, msgsz, "Multipart form parse error - Invalid "
			    "non-ASCII Content-Type in multipart: %s",
			    buf_str(&ctu));
			rc = FORM_PARSE;
			goto out;
		}
	if ((r = hdr_parse(ct, ctlen, H_DJANGO, &key, &bp, 1)) != 0) {
		/* Django lets these escape (the original answered 500): a malformed part. */
		if (r != -1) {
			fmsg(msg, msgsz, "Multipart form parse error - %s in the "
			    "Content-Type of a part", r == 2 ? "unknown charset" :
			    "malformed parameter");
			rc = FORM_PARSE;
		}
		goto out;
	}
	if (!bp.found || !mp_valid_boundary(buf_str(&bp.val), bp.val.len)) {
		fmsg(msg, msgsz, "Multipart form parse error - Invalid "
		    "boundary in multipart: %s", bp.found ?
		    buf_str(&bp.val) : "None");
		rc = FORM_PARSE;
		goto out;
	}
	buf_puts(&sep, "--");
	buf_add(&sep, bp.val.p, bp.val.len);
	if (!buf_ok(&sep))
		goto out;
	m.d = body;
	m.n = len;
	m.sep = sep.p;
	m.seplen = sep.len;
	m.rollback = sep.len + 6;

	for (;;) {
		/* InterBoundaryIter: BoundaryIter() reads one byte first. */
		if (m.pos == m.prod && m.prod == m.n)
			break;
		if (m.pos == m.prod)
			m.prod += MIN(MP_CHUNK, m.n - m.prod);
		m.bdone = 0;
		m.spos = m.sprod = m.pos;
		if ((r = mp_headers(&m, &pt)) != 0) {
			/* The original answered 500 (LookupError): a malformed part is a 400. */
			if (r == 2) {
				fmsg(msg, msgsz, "Multipart form parse error - unknown "
				    "charset in the headers of a part");
				rc = FORM_PARSE;
			}
			goto out;
		}
		if (pending) {
			pending = 0;
			nfiles++;
		}
		if (pt.type != MP_FILE && ++nkeys > MAX_FIELDS + 2) {
			fmsg(msg, msgsz, "The number of GET/POST parameters "
			    "exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.");
			rc = FORM_TOO_MANY;
			goto out;
		}
		if (pt.type == MP_RAW || !pt.cd[0].found)
			continue;
		if (mp_pystr(&pt.cd[0], cs, 1, &name) == -1)
			goto out;
		isb64 = pt.has_cte && pt.cte.len == 6 &&
		    memcmp(pt.cte.p, "base64", 6) == 0;

		if (pt.type == MP_FIELD) {
			mp_sread(&m, MAX_MEMORY - nread, &a, &b);
			nread += b - a;
			data = m.d + a;
			dlen = b - a;
			buf_reset(&b64);
			if (isb64 && b64_decode(data, dlen, &b64) == 0) {
				if (!buf_ok(&b64))
					goto out;
				data = buf_str(&b64);
				dlen = b64.len;
			}
			nread += py_utf8_len(buf_str(&name), name.len) + 2;
			if (nread > MAX_MEMORY) {
				fmsg(msg, msgsz, "Request body exceeded "
				    "settings.DATA_UPLOAD_MAX_MEMORY_SIZE.");
				rc = FORM_TOO_MANY;
				goto out;
			}
			buf_reset(&val);
			if (cs_decode(cs, data, dlen, DEC_REPLACE, &val,
			    &e) != 0)
				goto out;
			if (form_add_str(f, buf_str(&name), name.len,
			    buf_str(&val), val.len, V_STR) == -1)
				goto out;
			continue;
		}

		/* A file. */
		if (++nfile > MAX_FILES) {
			fmsg(msg, msgsz, "The number of files exceeded "
			    "settings.DATA_UPLOAD_MAX_NUMBER_FILES.");
			rc = FORM_TOO_MANY;
			goto out;
		}
		if (mp_pystr(&pt.cd[1], cs, 0, &fn) == -1 ||
		    (r = mp_filename_ok(buf_str(&fn), fn.len)) == -1)
			goto out;
		if (r == 0)
			continue;
		buf_reset(&b64);
		while (mp_snext(&m, &x, &y)) {
			if (!isb64)
				continue;
			/* Whitespace out, decoded by multiples of 4. */
			for (p = m.d + x; p < m.d + y; p++)
				if (!(*p == ' ' || (*p >= '\t' && *p <= '\r')))
					buf_putc(&b64, *p);
			if (!buf_ok(&b64))
				goto out;
			a = b64.len / 4 * 4;
			if (a == 0)
				continue;
			if (b64_decode(b64.p, a, NULL) == -1) {
				fmsg(msg, msgsz, "Multipart form parse error - "
				    "Could not decode base64 data.");
				rc = FORM_PARSE;
				goto out;
			}
			memmove(b64.p, b64.p + a, b64.len - a);
			b64.len -= a;
		}
		if (isb64 && b64.len > 0) {
			fmsg(msg, msgsz, "Multipart form parse error - Could "
			    "not decode base64 data.");
			rc = FORM_PARSE;
			goto out;
		}
		/*
		 * Completed (added to FILES) when the next part starts, and
		 * only under a name: "if old_field_name:".
		 */
		if (name.len == 0)
			continue;
		if (nfiles == filecap) {
			filecap = filecap ? filecap * 2 : 8;
			if ((nf = reallocarray(files, filecap,
			    sizeof(*files))) == NULL)
				goto out;
			files = nf;
		}
		files[nfiles].name = memdup0(buf_str(&name), name.len);
		files[nfiles].namelen = name.len;
		files[nfiles].fn = memdup0(buf_str(&fn), fn.len);
		files[nfiles].fnlen = fn.len;
		if (files[nfiles].name == NULL || files[nfiles].fn == NULL) {
			nfiles++;
			goto out;
		}
		pending = 1;
	}
	/* A file that no part followed was never completed: not in FILES. */
	for (i = 0; i < nfiles; i++)
		if (form_add_str(f, files[i].name, files[i].namelen,
		    files[i].fn, files[i].fnlen, V_FILE) == -1)
			goto out;
	rc = FORM_OK;
out:
	if (pending)
		nfiles++;
	mp_files_free(files, nfiles);
	buf_free(&key);
	buf_free(&ctu);
	buf_free(&sep);
	buf_free(&name);
	buf_free(&fn);
	buf_free(&val);
	buf_free(&b64);
	buf_free(&bp.val);
	buf_free(&pt.cd[0].val);
	buf_free(&pt.cd[1].val);
	buf_free(&pt.cte);
	return rc;
}

/* ----------------------------------------------------------------------- API */

/*
 * Whether DRF's parser selection raises on this Content-Type: _MediaType()
 * runs Django 3.2's parse_header() on the header's UTF-8, which fails on a
 * non-ASCII type or parameter name, a malformed RFC 2231 value or an RFC
 * 2231 charset Python does not know; the original answered 500.  Returns
 * 1 when it raises, 0 when not, -1 when out of memory.
 */
static int
ct_raises(const char *ct)
{
	struct buf	 u = BUF_INIT, key = BUF_INIT;
	int		 r = -1;

	if (py_latin1_to_utf8(ct, strlen(ct), &u) == 0)
		r = hdr_parse(buf_str(&u), u.len, H_DJANGO, &key, NULL, 0);
	buf_free(&u);
	buf_free(&key);
	return r == -1 ? -1 : r != 0;
}

/*
 * Request._parse(): no body, no parser; otherwise a Content-Type DRF's
 * parser selection chokes on (500), no parser (415), or the parser's result.
 */
enum form_rc
form_parse(struct form *f, const char *content_type, const char *body,
    size_t len, char *msg, size_t msgsz)
{
	const char		*ct = content_type != NULL ? content_type : "";
	const struct pycodec	*cs;
	struct buf		 ctu = BUF_INIT;
	enum form_rc		 rc = FORM_NOMEM;
	int			 r;

	memset(f, 0, sizeof(*f));
	if (msg != NULL && msgsz > 0)
		msg[0] = '\0';
	if ((f->priv = calloc(1, sizeof(struct fpriv))) == NULL)
		goto out;
	f->top = V_DICT;
	/* Request._parse: no content, no parser (and never a 415). */
	if (len == 0) {
		f->html = mime_is_form(ct);
		return FORM_OK;
	}
	if ((r = ct_raises(ct)) != 0) {
		/* The original answered 500; a Content-Type nobody can parse is unsupported. */
		if (r == 1 && py_latin1_to_utf8(ct, strlen(ct), &ctu) == 0) {
			fmsg(msg, msgsz, "Unsupported media type \"%s\" in request.",
			    buf_str(&ctu));
			rc = FORM_UNSUPPORTED;
		}
		goto out;
	}
	cs = ct_charset(ct);
	switch (mime_select_parser(ct)) {
	case MIME_PARSER_JSON:
		rc = form_json(f, cs, body, len, msg, msgsz);
		break;
	case MIME_PARSER_FORM:
		rc = form_urlencoded(f, cs, body, len, msg, msgsz);
		break;
	case MIME_PARSER_MULTIPART:
		rc = form_multipart(f, ct, cs, body, len, msg, msgsz);
		break;
	case MIME_PARSER_NONE:
	default:
		if (py_latin1_to_utf8(ct, strlen(ct), &ctu) == -1)
			goto out;
		fmsg(msg, msgsz, "Unsupported media type \"%s\" in request.",
		    buf_str(&ctu));
		rc = FORM_UNSUPPORTED;
		break;
	}
out:
	buf_free(&ctu);
	if (rc != FORM_OK) {
		if (rc == FORM_NOMEM && msg != NULL && msgsz > 0 &&
		    msg[0] == '\0')
			fmsg(msg, msgsz, "out of memory");
		form_free(f);
	}
	return rc;
}

/* The last value of name: QueryDict.__getitem__ and dict lookups agree. */
struct val
form_get(const struct form *f, const char *name)
{
	struct val	 v;
	size_t		 i, len = strlen(name);

	memset(&v, 0, sizeof(v));
	v.kind = V_ABSENT;
	v.s = "";
	if (f->top != V_DICT)
		return v;
	for (i = f->nkv; i > 0; i--)
		if (f->kv[i - 1].namelen == len &&
		    memcmp(f->kv[i - 1].name, name, len) == 0)
			return f->kv[i - 1].v;
	return v;
}

/* Release everything f owns; f is zeroed (a zeroed form is fine too). */
void
form_free(struct form *f)
{
	struct fpriv	*fp;
	struct fstr	*s, *next;

	if (f == NULL)
		return;
	if ((fp = f->priv) != NULL) {
		for (s = fp->strs; s != NULL; s = next) {
			next = s->next;
			free(s);
		}
		free(fp);
	}
	free(f->kv);
	memset(f, 0, sizeof(*f));
}

/* type(x).__name__ for a value of kind k. */
const char *
val_kind_pyname(enum val_kind k)
{
	switch (k) {
	case V_NULL:
		return "NoneType";
	case V_BOOL:
		return "bool";
	case V_INT:
		return "int";
	case V_FLOAT:
		return "float";
	case V_STR:
		return "str";
	case V_LIST:
		return "list";
	case V_DICT:
		return "dict";
	case V_FILE:
		return "InMemoryUploadedFile";
	case V_ABSENT:
		break;
	}
	return "NoneType";
}
