/*
 * form.h - a request body as DRF's request.data sees it.
 *
 * DRF picks a parser by Content-Type (JSONParser, FormParser,
 * MultiPartParser); the serializers then look fields up by name.  Only the
 * top level matters to jwtauth's serializers, so a parsed body is a flat list
 * of (name, value) pairs plus the kind of the top-level JSON value.
 */
#ifndef JWTAUTH_FORM_H
#define JWTAUTH_FORM_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* The Python type a field value has after parsing. */
enum val_kind {
	V_ABSENT = 0,	/* no such key */
	V_NULL,		/* JSON null (None) */
	V_BOOL,		/* JSON true/false */
	V_INT,		/* JSON integer literal (Python int, any size) */
	V_FLOAT,	/* JSON number with fraction/exponent (Python float) */
	V_STR,		/* str */
	V_LIST,		/* JSON array */
	V_DICT,		/* JSON object */
	V_FILE,		/* multipart part with a filename (an UploadedFile) */
};

/*
 * One value.  For V_STR, s/len is the UTF-8 text (may contain NUL bytes;
 * s[len] == '\0').  surrogate is the first lone surrogate code point a JSON
 * \uXXXX escape produced (Python keeps lone surrogates in str; DRF then
 * rejects them), 0 when none; the text holds U+FFFD in its place.
 * For V_INT and V_FLOAT, s/len is str() of the Python number ("12",
 * "1.5", "1e+16", "inf") and num its value as a double (for BooleanField's
 * "1 == True" comparisons).  For V_BOOL, b is 0 or 1 (num too; s is
 * "True"/"False").  For V_NULL s is "None"; for V_LIST and V_DICT s is ""
 * (their contents are not kept); for V_FILE s is the file name as sent
 * (decoded, not sanitised).  s is never NULL in a parsed form.
 */
struct val {
	enum val_kind	 kind;
	const char	*s;
	size_t		 len;
	double		 num;
	int		 b;
	uint32_t	 surrogate;
};

struct form_kv {
	const char	*name;	/* UTF-8, NUL-terminated (may contain NULs before len) */
	size_t		 namelen;
	struct val	 v;
};

/*
 * A parsed body.  Zero-initialise, then form_parse(); form_free() releases
 * everything (all strings point into storage the form owns).
 */
struct form {
	enum val_kind	 top;	/* kind of the parsed top-level value; V_DICT for forms and empty bodies */
	int		 html;	/* parsed from a form/multipart QueryDict (DRF html.is_html_input) */
	size_t		 nkv;
	struct form_kv	*kv;
	void		*priv;	/* owned storage */
};

enum form_rc {
	FORM_OK = 0,
	FORM_UNSUPPORTED,	/* 415: no parser for the Content-Type */
	FORM_PARSE,		/* 400: msg holds DRF's detail ("JSON parse error - ...") */
	FORM_TOO_MANY,		/* 400: more than 1000 fields (DATA_UPLOAD_MAX_NUMBER_FIELDS);
				   also the rest of Django's SuspiciousOperation family the
				   parsers raise (more than 100 files, multipart fields over
				   DATA_UPLOAD_MAX_MEMORY_SIZE), which Django answers alike */
	FORM_NOMEM,		/* 500: out of memory.  Where the original crashed on
				   a client's input (JSON nested deeper than 938, a
				   Content-Type parse_header() chokes on, an unknown RFC
				   2231 charset in a part) jwtauth answers FORM_PARSE or
				   FORM_UNSUPPORTED instead */
};

struct ctype;

/*
 * Parse body (len bytes, never read past) sent with the Content-Type ct
 * (parsed once by mime_ctype_parse(); not changed, still the caller's).
 * Follows DRF's Request._parse: an empty body yields an empty form (html
 * set when the type is a form type) without looking for a parser;
 * otherwise the parser is the one ct selects and the body is decoded with
 * ct's codec (the charset parameter, default utf-8).  JSON is checked
 * against Python's json grammar (DRF strict: NaN/Infinity rejected) before
 * json-c builds the values; urlencoded follows QueryDict/parse_qsl;
 * multipart follows Django's MultiPartParser.  On FORM_PARSE, msg receives
 * the detail text.  body may be NULL when len is 0.  msg (may be NULL) is
 * always set: "" on success, UTF-8 text otherwise (FORM_UNSUPPORTED: DRF's
 * detail too), cut at a character boundary when msgsz is short.  f need
 * not be zeroed but must not hold a parsed form (it is overwritten); on
 * failure it is left empty (form_free() is still fine).
 */
enum form_rc form_parse_ct(struct form *f, const struct ctype *ct,
	    const char *body, size_t len, char *msg, size_t msgsz);

/*
 * form_parse_ct() with content_type (the Content-Type header's bytes, NULL
 * when absent) parsed for this one call.
 */
enum form_rc form_parse(struct form *f, const char *content_type,
	    const char *body, size_t len, char *msg, size_t msgsz);

/*
 * The value DRF's field.get_value() would read for name: the last value of
 * that key (QueryDict and json.loads both keep the last).  Returns a V_ABSENT
 * value when the key is missing or the top level is not a dict.
 */
struct val form_get(const struct form *f, const char *name);

void	 form_free(struct form *f);

/* Python type name of a kind, for "Expected a dictionary, but got list." */
const char *val_kind_pyname(enum val_kind k);

#endif
