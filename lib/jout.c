/*
 * jout.c - JSON writer matching Python's json.dumps and DRF's JSONRenderer
 * (see jout.h for why this is not json-c).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jout.h"
#include "pycompat.h"

void
jout_init(struct jout *j, struct buf *b, enum jout_style style, int indent)
{
	memset(j, 0, sizeof(*j));
	j->b = b;
	j->style = style;
	j->indent = style == JOUT_DRF ? indent : 0;
}

/* Separators "," and ":" (else ", " and ": "). */
static int
compact(const struct jout *j)
{
	return j->style != JOUT_PYTHON;
}

/* ensure_ascii: every non-ASCII character (and DEL) as \uXXXX. */
static int
ascii_only(const struct jout *j)
{
	return j->style != JOUT_DRF;
}

/* Newline and indentation before an item or a closing bracket (indent mode). */
static void
newline(struct jout *j, int depth)
{
	int	 i;

	buf_putc(j->b, '\n');
	for (i = 0; i < depth * j->indent; i++)
		buf_putc(j->b, ' ');
}

/* Separator before a value (or a key) at the current depth. */
static void
before_item(struct jout *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth == 0)
		return;
	if (j->count[j->depth - 1]++ > 0)
		buf_puts(j->b, compact(j) ? "," : ", ");
	if (j->indent)
		newline(j, j->depth);
}

static void
open_container(struct jout *j, char c)
{
	before_item(j);
	buf_putc(j->b, c);
	if (j->depth < JOUT_MAXDEPTH)
		j->count[j->depth] = 0;
	j->depth++;
}

static void
close_container(struct jout *j, char c)
{
	int	 had = j->depth > 0 && j->depth <= JOUT_MAXDEPTH ? j->count[j->depth - 1] : 0;

	j->depth--;
	if (j->indent && had)
		newline(j, j->depth);
	buf_putc(j->b, c);
}

void	 jout_obj_open(struct jout *j) { open_container(j, '{'); }
void	 jout_obj_close(struct jout *j) { close_container(j, '}'); }
void	 jout_arr_open(struct jout *j) { open_container(j, '['); }
void	 jout_arr_close(struct jout *j) { close_container(j, ']'); }

/* Write \uXXXX (lower-case hex, as Python does). */
static void
put_u(struct jout *j, unsigned v)
{
	buf_printf(j->b, "\\u%04x", v & 0xffffu);
}

/* The quoted string with the escaping rules of the style. */
static void
put_string(struct jout *j, const char *s, size_t n)
{
	size_t	 i = 0, start;
	int32_t	 cp;

	buf_putc(j->b, '"');
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':  buf_puts(j->b, "\\\""); i++; continue;
		case '\\': buf_puts(j->b, "\\\\"); i++; continue;
		case '\n': buf_puts(j->b, "\\n"); i++; continue;
		case '\r': buf_puts(j->b, "\\r"); i++; continue;
		case '\t': buf_puts(j->b, "\\t"); i++; continue;
		case '\b': buf_puts(j->b, "\\b"); i++; continue;
		case '\f': buf_puts(j->b, "\\f"); i++; continue;
		default:
			break;
		}
		if (c < 0x20) {
			put_u(j, c);
			i++;
			continue;
		}
		if (c < 0x80) {
			/* ensure_ascii also escapes DEL: its pattern is [^\ -~]. */
			if (c == 0x7f && ascii_only(j))
				put_u(j, c);
			else
				buf_putc(j->b, c);
			i++;
			continue;
		}
		start = i;
		if ((cp = py_utf8_next(s, n, &i)) < 0) {
			/* Not reachable with validated input; never emit broken UTF-8. */
			cp = 0xfffd;
			i = start + 1;
			if (j->style == JOUT_DRF) {
				buf_puts(j->b, "\xef\xbf\xbd");
				continue;
			}
		}
		if (ascii_only(j)) {
			if (cp >= 0x10000) {
				uint32_t v = (uint32_t)cp - 0x10000;

				put_u(j, 0xd800 | (v >> 10));
				put_u(j, 0xdc00 | (v & 0x3ff));
			} else
				put_u(j, (unsigned)cp);
		} else if (cp == 0x2028 || cp == 0x2029) {
			/* DRF's JSONRenderer escapes these for JavaScript's sake. */
			put_u(j, (unsigned)cp);
		} else
			buf_add(j->b, s + start, i - start);
	}
	buf_putc(j->b, '"');
}

void
jout_key(struct jout *j, const char *key)
{
	before_item(j);
	put_string(j, key, strlen(key));
	buf_puts(j->b, !compact(j) || j->indent ? ": " : ":");
	j->after_key = 1;
}

void
jout_str(struct jout *j, const char *s, size_t n)
{
	before_item(j);
	put_string(j, s, n);
}

void
jout_cstr(struct jout *j, const char *s)
{
	jout_str(j, s, strlen(s));
}

void
jout_int(struct jout *j, long long v)
{
	before_item(j);
	buf_printf(j->b, "%lld", v);
}

void
jout_bool(struct jout *j, int v)
{
	before_item(j);
	buf_puts(j->b, v ? "true" : "false");
}

void
jout_null(struct jout *j)
{
	before_item(j);
	buf_puts(j->b, "null");
}

void
jout_number(struct jout *j, const char *text)
{
	before_item(j);
	buf_puts(j->b, text);
}

void
jout_kv(struct jout *j, const char *key, const char *value)
{
	jout_key(j, key);
	jout_cstr(j, value);
}
