/*
 * jout.h - JSON output, byte-identical to what the original's renderers
 * produce.  Hand-written because json-c's serializer differs in every
 * visible detail: the seed's UserRenderer calls Python's json.dumps(data)
 * (separators ", " and ": ", ensure_ascii: non-ASCII as \uXXXX), DRF's
 * JSONRenderer (token views) uses separators "," and ":", ensure_ascii off
 * but U+2028/U+2029 escaped, and ",\n" + indent when Accept asks for
 * indent=N.  json-c escapes "/" and spaces its objects differently.
 */
#ifndef JWTAUTH_JOUT_H
#define JWTAUTH_JOUT_H

#include <stddef.h>

#include "buf.h"

enum jout_style {
	JOUT_PYTHON,	/* json.dumps(data): ", " ": ", ensure_ascii=True */
	JOUT_DRF,	/* DRF JSONRenderer: compact, ensure_ascii=False, indent optional */
	JOUT_PYJWT,	/* PyJWT's json.dumps(separators=(",", ":")): compact, ensure_ascii=True */
};

#define JOUT_MAXDEPTH	16

struct jout {
	struct buf	*b;
	enum jout_style	 style;
	int		 indent;		/* JOUT_DRF only; 0 = compact */
	int		 depth;
	int		 count[JOUT_MAXDEPTH];	/* items written at each depth */
	int		 after_key;
};

void	 jout_init(struct jout *j, struct buf *b, enum jout_style style, int indent);
void	 jout_obj_open(struct jout *j);
void	 jout_obj_close(struct jout *j);
void	 jout_arr_open(struct jout *j);
void	 jout_arr_close(struct jout *j);
void	 jout_key(struct jout *j, const char *key);
/* A string value from UTF-8 bytes (invalid bytes are written as U+FFFD). */
void	 jout_str(struct jout *j, const char *s, size_t n);
void	 jout_cstr(struct jout *j, const char *s);
void	 jout_int(struct jout *j, long long v);
void	 jout_bool(struct jout *j, int v);
void	 jout_null(struct jout *j);
/* A number already written as JSON (py_float_repr's text, a big integer). */
void	 jout_number(struct jout *j, const char *text);
/* Shorthand: key and string value. */
void	 jout_kv(struct jout *j, const char *key, const char *value);

#endif
