/*
 * field.c - DRF 3.14's CharField, EmailField and BooleanField (see field.h).
 *
 * The order of checks is DRF's: Field.get_value (HTML forms: a missing
 * boolean is False), CharField.run_validation's blank test, then
 * validate_empty_values (required, null), to_internal_value (type and
 * str() of numbers, strip), then every validator in order, all errors kept.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "email.h"
#include "field.h"
#include "pycompat.h"

#define MSG_REQUIRED	"This field is required."
#define MSG_NULL	"This field may not be null."
#define MSG_BLANK	"This field may not be blank."
#define MSG_NOT_STRING	"Not a valid string."
#define MSG_BAD_EMAIL	"Enter a valid email address."
#define MSG_BAD_BOOL	"Must be a valid boolean."
#define MSG_NUL		"Null characters are not allowed."

/* BooleanField.TRUE_VALUES / FALSE_VALUES, the string members. */
static const char *const true_strings[] = {
	"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
	"on", "On", "ON", "1", NULL
};
static const char *const false_strings[] = {
	"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE",
	"off", "Off", "OFF", "0", NULL
};

static int
in_list(const char *const *list, const char *s, size_t n)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == n && memcmp(*list, s, n) == 0)
			return 1;
	return 0;
}

/*
 * BooleanField.to_internal_value: 1/0 into *b, or -1 for "Must be a valid
 * boolean."  Python's set membership makes 1, 1.0 and True equal (and 0,
 * 0.0, -0.0 and False).
 */
static int
bool_value(const struct val *v, int *b)
{
	switch (v->kind) {
	case V_BOOL:
		*b = v->b;
		return 0;
	case V_INT:
	case V_FLOAT:
		if (v->num == 1.0) {
			*b = 1;
			return 0;
		}
		if (v->num == 0.0) {
			*b = 0;
			return 0;
		}
		return -1;
	case V_STR:
		if (in_list(true_strings, v->s, v->len)) {
			*b = 1;
			return 0;
		}
		if (in_list(false_strings, v->s, v->len)) {
			*b = 0;
			return 0;
		}
		return -1;
	default:
		return -1;
	}
}

/* One CharField/EmailField; errors go to v under spec->name. */
static enum err
char_field(const struct field_spec *spec, const struct val *val, void *arg,
    struct field_value *out, struct verr *v)
{
	const char	*invalid = spec->type == FT_EMAIL ? MSG_BAD_EMAIL : MSG_NOT_STRING;
	char		 msg[VERR_MSGLEN];
	size_t		 off, len;
	enum err	 e = ERR_OK;
	int		 rc;

	switch (val->kind) {
	case V_ABSENT:
		verr_add(v, spec->name, MSG_REQUIRED);
		return ERR_OK;
	case V_NULL:
		verr_add(v, spec->name, MSG_NULL);
		return ERR_OK;
	case V_STR:
		if (py_isblank(val->s, val->len)) {
			verr_add(v, spec->name, MSG_BLANK);
			return ERR_OK;
		}
		break;
	case V_INT:
	case V_FLOAT:
		break;	/* str(number), never blank */
	default:
		verr_add(v, spec->name, invalid);
		return ERR_OK;
	}
	py_strip(val->s, val->len, &off, &len);
	if ((out->s = malloc(len + 1)) == NULL)
		return ERR_INTERNAL;
	memcpy(out->s, val->s + off, len);
	out->s[len] = '\0';
	out->len = len;

	/* Validators, in DRF's order; all of them run. */
	if (spec->check != NULL && val->surrogate == 0 &&
	    memchr(out->s, '\0', len) == NULL &&
	    (spec->max_length == 0 || py_utf8_len(out->s, len) <= spec->max_length)) {
		/* An over-long value or one with NUL/surrogates cannot be stored, so it cannot clash. */
		if ((rc = spec->check(arg, out->s, len, &e)) == -1)
			return e;
		if (rc == 0)
			verr_add(v, spec->name, spec->check_msg);
	}
	if (spec->max_length > 0 && py_utf8_len(out->s, len) > spec->max_length) {
		(void)snprintf(msg, sizeof(msg),
		    "Ensure this field has no more than %zu characters.", spec->max_length);
		verr_add(v, spec->name, msg);
	} else if (spec->max_bytes > 0 && len > spec->max_bytes) {
		(void)snprintf(msg, sizeof(msg),
		    "Ensure this field has no more than %zu bytes.", spec->max_bytes);
		verr_add(v, spec->name, msg);
	}
	if (memchr(out->s, '\0', len) != NULL)
		verr_add(v, spec->name, MSG_NUL);
	if (val->surrogate != 0) {
		(void)snprintf(msg, sizeof(msg),
		    "Surrogate characters are not allowed: U+%X.", (unsigned)val->surrogate);
		verr_add(v, spec->name, msg);
	}
	if (spec->type == FT_EMAIL && !email_valid(out->s, len))
		verr_add(v, spec->name, MSG_BAD_EMAIL);
	return ERR_OK;
}

/* One BooleanField. */
static void
bool_field(const struct field_spec *spec, const struct val *val, int html,
    struct field_value *out, struct verr *v)
{
	struct val	 f = *val;

	if (f.kind == V_ABSENT && html) {
		/* HTML forms do not send unchecked boxes: default_empty_html = False. */
		out->b = 0;
		return;
	}
	if (f.kind == V_ABSENT) {
		verr_add(v, spec->name, MSG_REQUIRED);
		return;
	}
	if (f.kind == V_NULL) {
		verr_add(v, spec->name, MSG_NULL);
		return;
	}
	if (bool_value(&f, &out->b) == -1)
		verr_add(v, spec->name, MSG_BAD_BOOL);
}

enum err
field_validate(const struct field_spec *specs, size_t n, const struct form *f,
    void *check_arg, struct field_value *out, struct verr *v)
{
	char		 msg[VERR_MSGLEN];
	struct val	 val;
	enum err	 e;
	size_t		 i;

	memset(out, 0, n * sizeof(*out));
	if (f->top == V_NULL) {
		verr_add(v, "non_field_errors", "No data provided");
		return ERR_INVALID;
	}
	if (f->top != V_DICT) {
		(void)snprintf(msg, sizeof(msg),
		    "Invalid data. Expected a dictionary, but got %s.", val_kind_pyname(f->top));
		verr_add(v, "non_field_errors", msg);
		return ERR_INVALID;
	}
	for (i = 0; i < n; i++) {
		val = form_get(f, specs[i].name);
		if (specs[i].type == FT_BOOL) {
			bool_field(&specs[i], &val, f->html, &out[i], v);
			continue;
		}
		if ((e = char_field(&specs[i], &val, check_arg, &out[i], v)) != ERR_OK) {
			field_free(out, n);
			return e;
		}
	}
	if (v->n > 0) {
		field_free(out, n);
		return ERR_INVALID;
	}
	return ERR_OK;
}

enum err
field_text(const struct field_spec *spec, const char *s, size_t n, void *check_arg,
    struct field_value *out, struct verr *v)
{
	struct val	 val;
	enum err	 e;

	memset(&val, 0, sizeof(val));
	val.kind = V_STR;
	val.s = s;
	val.len = n;
	memset(out, 0, sizeof(*out));
	if ((e = char_field(spec, &val, check_arg, out, v)) != ERR_OK) {
		field_free(out, 1);
		return e;
	}
	if (verr_has(v, spec->name)) {
		field_free(out, 1);
		return ERR_INVALID;
	}
	return ERR_OK;
}

int
field_bool_text(const char *s, size_t n, int *b)
{
	struct val	 val;

	memset(&val, 0, sizeof(val));
	val.kind = V_STR;
	val.s = s;
	val.len = n;
	return bool_value(&val, b);
}

void
field_free(struct field_value *out, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (out[i].s != NULL) {
			explicit_bzero(out[i].s, out[i].len);
			free(out[i].s);
		}
		out[i].s = NULL;
		out[i].len = 0;
	}
}

/* hmac.compare_digest of the two texts. */
int
field_equal(const struct field_value *a, const struct field_value *b)
{
	return py_compare_digest(a->s, a->len, b->s, b->len);
}
