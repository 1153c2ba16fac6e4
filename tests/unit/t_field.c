/*
 * t_field.c - DRF 3.14 field validation: body in, the serializer errors
 * DRF reports (rendered as json.dumps would) or the cleaned values out.
 * Expected outputs were taken from the original service's answers.
 */
#include "config.h"

#include <string.h>

#include "field.h"
#include "form.h"
#include "jout.h"
#include "tap.h"

enum { F_EMAIL, F_NAME, F_PASSWORD, F_TC, F__MAX };

static int	 taken_calls;

/* Stands in for UniqueValidator: "taken@example.com" exists (any case, like the collation). */
static int
taken(void *arg, const char *s, size_t n, enum err *e)
{
	(void)arg;
	(void)e;
	taken_calls++;
	return !(n == 17 && strncasecmp(s, "taken@example.com", n) == 0);
}

static const struct field_spec specs[F__MAX] = {
	[F_EMAIL] = { "email", FT_EMAIL, 30, taken, "user with this email already exists.", 0 },
	[F_NAME] = { "name", FT_CHAR, 5, NULL, NULL, 0 },
	[F_PASSWORD] = { "password", FT_CHAR, 0, NULL, NULL, 8 },
	[F_TC] = { "tc", FT_BOOL, 0, NULL, NULL, 0 },
};

static const struct {
	const char	*ctype;
	const char	*body;
	const char	*errors;	/* rendered verr, NULL when valid */
	const char	*values;	/* "email|name|password|tc" when valid */
} vec[] = {
	{ "application/json", "{\"email\":\"a@example.com\",\"name\":\"Al\",\"password\":\"pw\",\"tc\":true}",
	  NULL, "a@example.com|Al|pw|1" },
	{ "application/json", "{\"email\":\" a@example.com\\n\",\"name\":\"\\u3000Al \",\"password\":\" p w \",\"tc\":\"off\"}",
	  NULL, "a@example.com|Al|p w|0" },
	{ "application/json", "{\"email\":\"a@example.com\",\"name\":123,\"password\":1.5,\"tc\":1}",
	  NULL, "a@example.com|123|1.5|1" },
	{ "application/json", "{\"email\":\"a@example.com\",\"name\":1e16,\"password\":-0,\"tc\":0.0}",
	  NULL, "a@example.com|1e+16|0|0" },
	{ "application/json", "{}",
	  "{\"email\": [\"This field is required.\"], \"name\": [\"This field is required.\"], "
	  "\"password\": [\"This field is required.\"], \"tc\": [\"This field is required.\"]}", NULL },
	{ "application/json", "{\"email\":null,\"name\":null,\"password\":null,\"tc\":null}",
	  "{\"email\": [\"This field may not be null.\"], \"name\": [\"This field may not be null.\"], "
	  "\"password\": [\"This field may not be null.\"], \"tc\": [\"This field may not be null.\"]}", NULL },
	{ "application/json", "{\"email\":\"\",\"name\":\"  \",\"password\":\"\\t\",\"tc\":\"\"}",
	  "{\"email\": [\"This field may not be blank.\"], \"name\": [\"This field may not be blank.\"], "
	  "\"password\": [\"This field may not be blank.\"], \"tc\": [\"Must be a valid boolean.\"]}", NULL },
	{ "application/json", "{\"email\":true,\"name\":[],\"password\":{},\"tc\":[]}",
	  "{\"email\": [\"Enter a valid email address.\"], \"name\": [\"Not a valid string.\"], "
	  "\"password\": [\"Not a valid string.\"], \"tc\": [\"Must be a valid boolean.\"]}", NULL },
	{ "application/json", "{\"email\":\"TAKEN@example.com\",\"name\":\"toolong\",\"password\":\"123456789\",\"tc\":2}",
	  "{\"email\": [\"user with this email already exists.\"], "
	  "\"name\": [\"Ensure this field has no more than 5 characters.\"], "
	  "\"password\": [\"Ensure this field has no more than 8 bytes.\"], \"tc\": [\"Must be a valid boolean.\"]}", NULL },
	{ "application/json", "{\"email\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"name\":\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\","
	  "\"password\":\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\",\"tc\":\"yes\"}",
	  "{\"email\": [\"Ensure this field has no more than 30 characters.\", \"Enter a valid email address.\"], "
	  "\"password\": [\"Ensure this field has no more than 8 bytes.\"]}", NULL },
	{ "application/json", "{\"email\":\"a\\u0000@example.com\",\"name\":\"a\\ud800\",\"password\":\"x\",\"tc\":true}",
	  "{\"email\": [\"Null characters are not allowed.\", \"Enter a valid email address.\"], "
	  "\"name\": [\"Surrogate characters are not allowed: U+D800.\"]}", NULL },
	{ "application/json", "[1]",
	  "{\"non_field_errors\": [\"Invalid data. Expected a dictionary, but got list.\"]}", NULL },
	{ "application/json", "\"x\"",
	  "{\"non_field_errors\": [\"Invalid data. Expected a dictionary, but got str.\"]}", NULL },
	{ "application/json", "null", "{\"non_field_errors\": [\"No data provided\"]}", NULL },
	/* HTML forms: a missing checkbox is false, a missing text field is required. */
	{ "application/x-www-form-urlencoded", "email=a%40example.com&name=Al&password=pw",
	  NULL, "a@example.com|Al|pw|0" },
	{ "application/x-www-form-urlencoded", "email=x&email=a@example.com&name=Al&password=pw&tc=on",
	  NULL, "a@example.com|Al|pw|1" },
	{ "application/x-www-form-urlencoded", "",
	  "{\"email\": [\"This field is required.\"], \"name\": [\"This field is required.\"], "
	  "\"password\": [\"This field is required.\"]}", NULL },
	{ "application/x-www-form-urlencoded", "email=&name=+&password=%20&tc=",
	  "{\"email\": [\"This field may not be blank.\"], \"name\": [\"This field may not be blank.\"], "
	  "\"password\": [\"This field may not be blank.\"], \"tc\": [\"Must be a valid boolean.\"]}", NULL },
};

static void
render(const struct verr *v, struct buf *b)
{
	struct jout	 j;
	size_t		 i, k;

	jout_init(&j, b, JOUT_PYTHON, 0);
	jout_obj_open(&j);
	for (i = 0; i < v->n; i++) {
		jout_key(&j, v->f[i].field);
		jout_arr_open(&j);
		for (k = 0; k < v->f[i].nmsg; k++)
			jout_cstr(&j, v->f[i].msg[k]);
		jout_arr_close(&j);
	}
	jout_obj_close(&j);
}

/* field_text: one value as text, the messages field_validate gives a body's string member. */
static const struct {
	int		 spec;
	const char	*text;
	const char	*errors;	/* rendered verr, NULL when valid */
	const char	*value;		/* the stripped value when valid */
} text_vec[] = {
	{ F_EMAIL, "  a@example.com ", NULL, "a@example.com" },
	{ F_EMAIL, "", "{\"email\": [\"This field may not be blank.\"]}", NULL },
	{ F_EMAIL, "not-an-email", "{\"email\": [\"Enter a valid email address.\"]}", NULL },
	{ F_EMAIL, "TAKEN@example.com", "{\"email\": [\"user with this email already exists.\"]}", NULL },
	{ F_NAME, " \t", "{\"name\": [\"This field may not be blank.\"]}", NULL },
	{ F_NAME, " abcde ", NULL, "abcde" },
	{ F_NAME, "abcdef", "{\"name\": [\"Ensure this field has no more than 5 characters.\"]}", NULL },
	{ F_NAME, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", NULL, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" },
	{ F_PASSWORD, "123456789", "{\"password\": [\"Ensure this field has no more than 8 bytes.\"]}", NULL },
	{ F_PASSWORD, " 12345678 ", NULL, "12345678" },
};

/* field_bool_text: BooleanField's strings. */
static const struct {
	const char	*text;
	int		 want;		/* 1, 0, or -1 (invalid) */
} bool_vec[] = {
	{ "yes", 1 }, { "True", 1 }, { "1", 1 }, { "on", 1 }, { "Y", 1 },
	{ "no", 0 }, { "FALSE", 0 }, { "0", 0 }, { "off", 0 }, { "n", 0 },
	{ "", -1 }, { "maybe", -1 }, { " yes", -1 }, { "yEs", -1 }, { "2", -1 },
};

int
main(void)
{
	struct field_value	 out[F__MAX];
	struct form		 f;
	struct verr		 v;
	struct buf		 b = BUF_INIT;
	struct field_value	 p1 = { (char *)"secret", 6, 0 }, p2 = { (char *)"secret", 6, 0 },
				 p3 = { (char *)"secreT", 6, 0 }, p4 = { (char *)"secret ", 7, 0 };
	char			 msg[256];
	enum err		 e;
	size_t			 i;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		memset(&f, 0, sizeof(f));
		memset(&v, 0, sizeof(v));
		if (!ok(form_parse(&f, vec[i].ctype, vec[i].body, strlen(vec[i].body), msg, sizeof(msg)) == FORM_OK,
		    "parse %zu: %s", i, msg))
			continue;
		e = field_validate(specs, F__MAX, &f, NULL, out, &v);
		buf_reset(&b);
		if (vec[i].errors != NULL) {
			is_int(e, ERR_INVALID, "vector %zu invalid", i);
			render(&v, &b);
			is_str(buf_str(&b), vec[i].errors, "vector %zu errors", i);
		} else {
			is_int(e, ERR_OK, "vector %zu valid", i);
			if (e == ERR_OK) {
				buf_printf(&b, "%s|%s|%s|%d", out[F_EMAIL].s, out[F_NAME].s,
				    out[F_PASSWORD].s, out[F_TC].b);
				is_str(buf_str(&b), vec[i].values, "vector %zu values", i);
				field_free(out, F__MAX);
			}
		}
		form_free(&f);
	}
	for (i = 0; i < sizeof(text_vec) / sizeof(text_vec[0]); i++) {
		struct field_value	 one;

		memset(&v, 0, sizeof(v));
		e = field_text(&specs[text_vec[i].spec], text_vec[i].text, strlen(text_vec[i].text),
		    NULL, &one, &v);
		buf_reset(&b);
		if (text_vec[i].errors != NULL) {
			is_int(e, ERR_INVALID, "text %zu invalid", i);
			render(&v, &b);
			is_str(buf_str(&b), text_vec[i].errors, "text %zu errors", i);
			ok(one.s == NULL, "text %zu: no value", i);
		} else {
			is_int(e, ERR_OK, "text %zu valid", i);
			is_str(one.s != NULL ? one.s : "(null)", text_vec[i].value, "text %zu value", i);
			field_free(&one, 1);
		}
	}
	for (i = 0; i < sizeof(bool_vec) / sizeof(bool_vec[0]); i++) {
		int	 bv = -1, rc;

		rc = field_bool_text(bool_vec[i].text, strlen(bool_vec[i].text), &bv);
		is_int(rc == -1 ? -1 : bv, bool_vec[i].want, "bool \"%s\"", bool_vec[i].text);
	}
	ok(taken_calls > 0, "the unique check ran");
	ok(field_equal(&p1, &p2), "equal passwords");
	ok(!field_equal(&p1, &p3), "case matters");
	ok(!field_equal(&p1, &p4), "length matters");
	buf_free(&b);
	return tap_done();
}
