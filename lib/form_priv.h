/*
 * form_priv.h - what the body parsers (form_json.c, form_urlencoded.c,
 * form_multipart.c) share with form.c, which owns struct form's storage
 * and picks the parser.  Not for other modules: they use form.h.
 */
#ifndef JWTAUTH_FORM_PRIV_H
#define JWTAUTH_FORM_PRIV_H

#include <stddef.h>

#include "form.h"

struct ctype;
struct pycodec;

/* Django settings of the original (all defaults). */
#define FORM_MAX_FIELDS	1000		/* DATA_UPLOAD_MAX_NUMBER_FIELDS */
#define FORM_MAX_FILES	100		/* DATA_UPLOAD_MAX_NUMBER_FILES */
#define FORM_MAX_MEMORY	2621440		/* DATA_UPLOAD_MAX_MEMORY_SIZE */

/*
 * Append the pair (name, v) to f, copying name and v->s into storage f
 * owns (v->s may be NULL for an empty string).  Returns 0, or -1 when out
 * of memory.
 */
int	 form_add(struct form *f, const char *name, size_t namelen,
	    const struct val *v);

/* form_add() of a value of kind kind whose text is s[0..n) (UTF-8). */
int	 form_add_str(struct form *f, const char *name, size_t namelen,
	    const char *s, size_t n, enum val_kind kind);

/*
 * snprintf into msg (may be NULL), cutting a truncated result at a UTF-8
 * character boundary so that the text stays valid.
 */
void	 form_msg(char *msg, size_t msgsz, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * The parsers, each filling an empty f from body[0..len) decoded with the
 * request's codec cs (see form_parse() for the return values and msg).
 */
enum form_rc form_json(struct form *f, const struct pycodec *cs,
	    const char *body, size_t len, char *msg, size_t msgsz);
enum form_rc form_urlencoded(struct form *f, const struct pycodec *cs,
	    const char *body, size_t len, char *msg, size_t msgsz);
/* ct is the request's Content-Type (the boundary is one of its parameters). */
enum form_rc form_multipart(struct form *f, const struct ctype *ct,
	    const char *body, size_t len, char *msg, size_t msgsz);

#endif
