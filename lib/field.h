/*
 * field.h - serializer fields as DRF 3.14 validates them.  An endpoint
 * declares its input as a table of struct field_spec indexed by an enum
 * with a __MAX sentinel; field_validate() runs the table over a parsed body
 * and yields either typed values or DRF's error dictionary.
 */
#ifndef JWTAUTH_FIELD_H
#define JWTAUTH_FIELD_H

#include <stddef.h>

#include "err.h"
#include "form.h"

enum field_type {
	FT_CHAR,	/* serializers.CharField (trim_whitespace, no blank, no null) */
	FT_EMAIL,	/* serializers.EmailField: CharField + EmailValidator */
	FT_BOOL,	/* serializers.BooleanField */
};

/*
 * Extra validator run before the built-in ones, as DRF's ModelSerializer
 * puts a model field's UniqueValidator first.  Returns 1 when the value
 * passes, 0 when it fails (the spec's message is added), -1 when it could
 * not be checked (the request fails with *e).
 */
typedef int (*field_check_fn)(void *arg, const char *s, size_t n, enum err *e);

struct field_spec {
	const char	*name;
	enum field_type	 type;
	size_t		 max_length;	/* code points; 0 = no limit */
	field_check_fn	 check;		/* may be NULL */
	const char	*check_msg;	/* message when check returns 0 */
	size_t		 max_bytes;	/* extra byte limit (crypt(3) passphrases); 0 = none */
};

/* A validated value: s is the stripped text (owned), b the boolean. */
struct field_value {
	char	*s;
	size_t	 len;
	int	 b;
};

/*
 * Validate f against specs[0..n-1] (DRF Serializer.to_internal_value): a
 * non-dict body gives non_field_errors ("Invalid data. Expected a
 * dictionary, but got list." / "No data provided"); otherwise every field
 * is checked in order and all errors are collected into v.  out[] gets
 * the values (free with field_free).  Returns ERR_OK, ERR_INVALID (v
 * filled), or what a check function reported.
 */
enum err field_validate(const struct field_spec *specs, size_t n, const struct form *f,
	    void *check_arg, struct field_value *out, struct verr *v);

/*
 * One FT_CHAR/FT_EMAIL value given as text (a terminal's line, a command's
 * argument) rather than in a body: the checks field_validate runs on a
 * string member, with the same messages, added to v under spec->name
 * (which v must not hold yet).
 * out gets the stripped value (free with field_free) unless ERR_INVALID.
 * Returns ERR_OK, ERR_INVALID (v filled), or what the check reported.
 */
enum err field_text(const struct field_spec *spec, const char *s, size_t n, void *check_arg,
	    struct field_value *out, struct verr *v);

/* BooleanField's strings ("yes", "false", "1", ...): 0 with *b set, or -1. */
int	 field_bool_text(const char *s, size_t n, int *b);

/* Free and wipe (values may be passwords) out[0..n-1]. */
void	 field_free(struct field_value *out, size_t n);

/* Constant-time equality of two validated values (passwords). */
int	 field_equal(const struct field_value *a, const struct field_value *b);

#endif
