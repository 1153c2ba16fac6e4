/*
 * t_jout.c - the JSON writer against Python's json.dumps and DRF's
 * JSONRenderer output (expected strings produced by CPython 3.11).
 */
#include "config.h"

#include <string.h>

#include "jout.h"
#include "tap.h"

static const struct {
	const char	*in;		/* UTF-8 */
	size_t		 len;		/* 0: strlen */
	const char	*py;		/* json.dumps(s) */
	const char	*drf;		/* DRF JSONRenderer (ensure_ascii=False) */
} strs[] = {
	{ "plain", 0, "\"plain\"", "\"plain\"" },
	{ "", 0, "\"\"", "\"\"" },
	{ "q\"b\\s/", 0, "\"q\\\"b\\\\s/\"", "\"q\\\"b\\\\s/\"" },
	{ "\n\r\t\b\f", 0, "\"\\n\\r\\t\\b\\f\"", "\"\\n\\r\\t\\b\\f\"" },
	{ "\x01\x1f\x7f", 0, "\"\\u0001\\u001f\\u007f\"", "\"\\u0001\\u001f\x7f\"" },
	{ "a\0b", 3, "\"a\\u0000b\"", "\"a\\u0000b\"" },
	{ "Ren\xc3\xa9", 0, "\"Ren\\u00e9\"", "\"Ren\xc3\xa9\"" },
	{ "\xf0\x9f\x98\x80", 0, "\"\\ud83d\\ude00\"", "\"\xf0\x9f\x98\x80\"" },
	{ "\xe2\x80\xa8\xe2\x80\xa9", 0, "\"\\u2028\\u2029\"", "\"\\u2028\\u2029\"" },
	{ "\xef\xbf\xbd", 0, "\"\\ufffd\"", "\"\xef\xbf\xbd\"" },
	{ "\xe4\xb8\xad\xe6\x96\x87", 0, "\"\\u4e2d\\u6587\"", "\"\xe4\xb8\xad\xe6\x96\x87\"" },
};

/* {"a": [1, true, null], "b": {"c": "d"}, "e": {}, "f": []} */
static void
sample(struct jout *j)
{
	jout_obj_open(j);
	jout_key(j, "a");
	jout_arr_open(j);
	jout_int(j, 1);
	jout_bool(j, 1);
	jout_null(j);
	jout_arr_close(j);
	jout_key(j, "b");
	jout_obj_open(j);
	jout_kv(j, "c", "d");
	jout_obj_close(j);
	jout_key(j, "e");
	jout_obj_open(j);
	jout_obj_close(j);
	jout_key(j, "f");
	jout_arr_open(j);
	jout_arr_close(j);
	jout_key(j, "g");
	jout_int(j, -9223372036854775807LL - 1);
	jout_obj_close(j);
}

int
main(void)
{
	struct buf	 b = BUF_INIT;
	struct jout	 j;
	size_t		 i, n;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		n = strs[i].len ? strs[i].len : strlen(strs[i].in);
		buf_reset(&b);
		jout_init(&j, &b, JOUT_PYTHON, 0);
		jout_str(&j, strs[i].in, n);
		is_str(buf_str(&b), strs[i].py, "json.dumps string %zu", i);
		buf_reset(&b);
		jout_init(&j, &b, JOUT_DRF, 0);
		jout_str(&j, strs[i].in, n);
		is_str(buf_str(&b), strs[i].drf, "DRF string %zu", i);
	}
	buf_reset(&b);
	jout_init(&j, &b, JOUT_PYTHON, 0);
	sample(&j);
	is_str(buf_str(&b), "{\"a\": [1, true, null], \"b\": {\"c\": \"d\"}, \"e\": {}, \"f\": [], "
	    "\"g\": -9223372036854775808}", "json.dumps layout");
	buf_reset(&b);
	jout_init(&j, &b, JOUT_DRF, 0);
	sample(&j);
	is_str(buf_str(&b), "{\"a\":[1,true,null],\"b\":{\"c\":\"d\"},\"e\":{},\"f\":[],"
	    "\"g\":-9223372036854775808}", "DRF compact layout");
	buf_reset(&b);
	jout_init(&j, &b, JOUT_DRF, 2);
	sample(&j);
	/* json.dumps(..., indent=2, separators=(',', ': ')) */
	is_str(buf_str(&b), "{\n  \"a\": [\n    1,\n    true,\n    null\n  ],\n  \"b\": {\n"
	    "    \"c\": \"d\"\n  },\n  \"e\": {},\n  \"f\": [],\n  \"g\": -9223372036854775808\n}",
	    "DRF indent=2 layout");
	buf_reset(&b);
	jout_init(&j, &b, JOUT_PYTHON, 4);
	sample(&j);
	ok(strchr(buf_str(&b), '\n') == NULL, "indent is ignored by the seed's renderer");
	buf_free(&b);
	return tap_done();
}
