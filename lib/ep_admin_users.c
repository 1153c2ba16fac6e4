/*
 * ep_admin_users.c - /api/admin/users/: the admin API's user list (GET,
 * as a DRF ListCreateAPIView with SearchFilter, django-filter's
 * BooleanFilter, OrderingFilter and PageNumberPagination) and the add form
 * (POST, register's validations).  Active admins only (require_admin).
 */
#include "config.h"

#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pw.h"
#include "pycompat.h"
#include "route.h"
#include "views.h"

#define PAGE_SIZE	100	/* Django admin's list_per_page */

/* The add serializer: register's fields and limits, with is_admin. */
enum { AU_EMAIL, AU_NAME, AU_TC, AU_IS_ADMIN, AU_PASSWORD, AU_PASSWORD2, AU__MAX };

static const struct field_spec fields[] = {
	[AU_EMAIL] =	 { "email", FT_EMAIL, 255, view_email_unused, VIEW_MSG_EMAIL_TAKEN, 0 },
	[AU_NAME] =	 { "name", FT_CHAR, 200, NULL, NULL, 0 },
	[AU_TC] =	 { "tc", FT_BOOL, 0, NULL, NULL, 0 },
	[AU_IS_ADMIN] =	 { "is_admin", FT_BOOL, 0, NULL, NULL, 0 },
	[AU_PASSWORD] =	 { "password", FT_CHAR, 128, NULL, NULL, PW_MAX_BYTES },
	[AU_PASSWORD2] = { "password2", FT_CHAR, 0, NULL, NULL, 0 },
};
_Static_assert(nitems(fields) == AU__MAX && AU__MAX <= EP_MAXFIELDS, "admin add fields");

/* ---------------------------------------------------------------- the list */

/* The ?ordering= fields, as enum db_user_order. */
static const char *const order_names[DB_ORDER__MAX] = {
	[DB_ORDER_EMAIL] = "email",
	[DB_ORDER_ID] = "id",
	[DB_ORDER_NAME] = "name",
	[DB_ORDER_CREATED_AT] = "created_at",
};

/* The query parameter name's last value as text, NULL when absent. */
static const struct val *
query_str(struct ctx *c, const char *name, struct val *v)
{
	*v = form_get(&c->query, name);
	return v->kind == V_STR ? v : NULL;
}

/*
 * django-filter's BooleanFilter (a NullBooleanField, NullBooleanSelect's
 * values): "true", "True", "2" filter on 1, "false", "False", "3" on 0;
 * anything else does not filter (-1), never an error.
 */
static int
bool_filter(struct ctx *c, const char *name)
{
	static const char *const yes[] = { "true", "True", "2" }, *const no[] = { "false", "False", "3" };
	const struct val	*v;
	struct val		 tmp;
	size_t			 i;

	if ((v = query_str(c, name, &tmp)) == NULL)
		return -1;
	for (i = 0; i < nitems(yes); i++) {
		if (v->len == strlen(yes[i]) && memcmp(v->s, yes[i], v->len) == 0)
			return 1;
		if (v->len == strlen(no[i]) && memcmp(v->s, no[i], v->len) == 0)
			return 0;
	}
	return -1;
}

/*
 * OrderingFilter.get_ordering: the comma-separated terms, each stripped,
 * "-" for descending; terms naming no ordering field are dropped; the
 * first remaining term orders (ties by id).  Default: email (then id).
 */
static void
ordering(struct ctx *c, struct db_user_query *q)
{
	const struct val	*v;
	struct val		 tmp;
	const char		*p, *end, *comma;
	size_t			 off, len, k;
	int			 desc;

	q->order = DB_ORDER_EMAIL;
	q->desc = 0;
	if ((v = query_str(c, "ordering", &tmp)) == NULL)
		return;
	for (p = v->s, end = v->s + v->len; p <= end; p = comma + 1) {
		if ((comma = memchr(p, ',', (size_t)(end - p))) == NULL)
			comma = end;
		py_strip(p, (size_t)(comma - p), &off, &len);
		desc = len > 0 && p[off] == '-';
		for (k = 0; k < DB_ORDER__MAX; k++)
			if (len - desc == strlen(order_names[k]) &&
			    memcmp(p + off + desc, order_names[k], len - desc) == 0) {
				q->order = (enum db_user_order)k;
				q->desc = desc;
				return;
			}
	}
}

/* quote_plus(s) of urllib: unreserved bytes kept, ' ' as '+', the rest %XX. */
static void
quote_plus(const char *s, size_t n, struct buf *out)
{
	static const char	 unreserved[] = "_.-~";
	unsigned char		 ch;
	size_t			 i;

	for (i = 0; i < n; i++) {
		ch = (unsigned char)s[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || (ch != '\0' && strchr(unreserved, ch) != NULL))
			buf_putc(out, ch);
		else if (ch == ' ')
			buf_putc(out, '+');
		else
			buf_printf(out, "%%%02X", ch);
	}
}

/* unquote_plus(s, errors='replace'): '+' as ' ', %XX decoded, then UTF-8. */
static void
unquote_plus(const char *s, size_t n, struct buf *out)
{
	struct buf	 raw = BUF_INIT;
	size_t		 i;
	int		 hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			buf_putc(&raw, ' ');
		else if (s[i] == '%' && i + 2 < n &&
		    (hi = py_hexdigit((unsigned char)s[i + 1])) >= 0 &&
		    (lo = py_hexdigit((unsigned char)s[i + 2])) >= 0) {
			buf_putc(&raw, hi << 4 | lo);
			i += 2;
		} else
			buf_putc(&raw, s[i]);
	}
	(void)py_utf8_decode_replace(raw.p ? raw.p : "", raw.len, out);
	buf_free(&raw);
}

/* One name=value of the query, decoded. */
struct qparam {
	struct buf	 name, value;
	size_t		 seq;
};

static int
qparam_cmp(const void *a, const void *b)
{
	const struct qparam	*x = a, *y = b;
	size_t			 n = x->name.len < y->name.len ? x->name.len : y->name.len;
	int			 r;

	/* sorted(dict.items()): by name (UTF-8 bytes sort as code points), values in order. */
	if ((r = memcmp(x->name.p ? x->name.p : "", y->name.p ? y->name.p : "", n)) != 0)
		return r;
	if (x->name.len != y->name.len)
		return x->name.len < y->name.len ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * DRF's link to page (0: without the page parameter):
 * replace_query_param/remove_query_param(request.build_absolute_uri(), ...):
 * the URL Django builds (scheme, Host, path, iri_to_uri of the query),
 * split at '#', its query parsed as parse_qs(keep_blank_values=True), the
 * page set or dropped, then urlencode(sorted(items), doseq=True).
 */
static int
page_link(struct ctx *c, int64_t page, struct buf *out)
{
	struct http_io	*io = c->req->io;
	const char	*https = http_param(io, "HTTPS"), *host = http_param(io, "HTTP_HOST");
	const char	*sn, *sp, *q, *amp, *eq, *frag;
	struct buf	 iri = BUF_INIT;
	struct qparam	*ps = NULL, *tmp;
	size_t		 np = 0, i, qlen;
	int		 secure, rc = -1, first = 1;

	secure = https != NULL && (strcmp(https, "on") == 0 || strcmp(https, "yes") == 0 ||
	    strcmp(https, "1") == 0);
	buf_puts(out, secure ? "https://" : "http://");
	if (host != NULL && *host != '\0')
		buf_puts(out, host);
	else {
		sn = http_param(io, "SERVER_NAME");
		sp = http_param(io, "SERVER_PORT");
		buf_puts(out, sn ? sn : "");
		if (sp != NULL && strcmp(sp, secure ? "443" : "80") != 0)
			buf_printf(out, ":%s", sp);
	}
	buf_puts(out, c->ep->path);	/* request.path: the route matched it exactly */
	route_iri_query(c->req->query, &iri);
	if (!buf_ok(&iri))
		goto out;
	q = iri.p ? iri.p : "";
	frag = strchr(q, '#');
	qlen = frag ? (size_t)(frag - q) : strlen(q);
	for (i = 0; i < qlen; i = (size_t)(amp - q) + 1) {
		if ((amp = memchr(q + i, '&', qlen - i)) == NULL)
			amp = q + qlen;
		if (amp == q + i)
			continue;
		if ((tmp = reallocarray(ps, np + 1, sizeof(*ps))) == NULL)
			goto out;
		ps = tmp;
		memset(&ps[np], 0, sizeof(ps[np]));
		ps[np].seq = np;
		eq = memchr(q + i, '=', (size_t)(amp - (q + i)));
		unquote_plus(q + i, (size_t)((eq ? eq : amp) - (q + i)), &ps[np].name);
		if (eq != NULL)
			unquote_plus(eq + 1, (size_t)(amp - eq - 1), &ps[np].value);
		np++;
	}
	if (np > 1)	/* qsort(NULL, 0, ...) is undefined */
		qsort(ps, np, sizeof(*ps), qparam_cmp);
	for (i = 0; i <= np; i++) {
		/* "page" sorts among the others; its old values go. */
		if (page > 0 && (i == np || strcmp(buf_str(&ps[i].name), "page") >= 0)) {
			buf_puts(out, first ? "?" : "&");
			buf_printf(out, "page=%lld", (long long)page);
			first = 0;
			page = 0;
		}
		if (i == np)
			break;
		if (strcmp(buf_str(&ps[i].name), "page") == 0)
			continue;
		buf_puts(out, first ? "?" : "&");
		first = 0;
		quote_plus(ps[i].name.p ? ps[i].name.p : "", ps[i].name.len, out);
		buf_putc(out, '=');
		quote_plus(ps[i].value.p ? ps[i].value.p : "", ps[i].value.len, out);
	}
	if (frag != NULL && frag[1] != '\0')
		buf_puts(out, frag);
	rc = buf_ok(out) ? 0 : -1;
out:
	for (i = 0; i < np; i++) {
		buf_free(&ps[i].name);
		buf_free(&ps[i].value);
	}
	free(ps);
	buf_free(&iri);
	return rc;
}

/* The next/previous member: the link, or null. */
static enum err
page_member(struct ctx *c, const char *key, int64_t page, int exists)
{
	struct buf	 b = BUF_INIT;

	jout_key(&c->out, key);
	if (!exists) {
		jout_null(&c->out);
		return ERR_OK;
	}
	if (page_link(c, page, &b) == -1) {
		buf_free(&b);
		return errinfo_set(&c->err, ERR_INTERNAL, NULL);
	}
	jout_str(&c->out, b.p, b.len);
	buf_free(&b);
	return ERR_OK;
}

/* db_admin_list's callback: one result. */
static int
each_user(void *arg, const struct db_admin_user *u)
{
	struct ctx	*c = arg;

	return view_admin_user(c, u) != ERR_OK;
}

/*
 * GET: filter_queryset (search, is_admin, is_active, ordering), then
 * PageNumberPagination: ?page= as Django's Paginator.validate_number reads
 * it ("last" for the last page), 404 "Invalid page." otherwise.
 */
static enum err
get(struct ctx *c)
{
	struct db_user_query	 q;
	const struct val	*v;
	struct val		 tmp;
	struct buf		 search = BUF_INIT;
	int64_t			 count = 0, pages, page = 1;
	size_t			 i, off, len;
	enum db_rc		 rc;
	enum err		 e;

	if (c->query_rc != FORM_OK)
		return errinfo_set(&c->err, ERR_PARSE, "%s", c->query_msg);
	memset(&q, 0, sizeof(q));
	/* SearchFilter drops NUL characters; the stripped text is one substring. */
	if ((v = query_str(c, "search", &tmp)) != NULL) {
		for (i = 0; i < v->len; i++)
			if (v->s[i] != '\0')
				buf_putc(&search, v->s[i]);
		if (!buf_ok(&search)) {
			e = errinfo_set(&c->err, ERR_INTERNAL, NULL);
			goto out;
		}
		py_strip(buf_str(&search), search.len, &off, &len);
		if (len > 0) {
			q.search = buf_str(&search) + off;
			q.search_len = len;
		}
	}
	q.is_admin = bool_filter(c, "is_admin");
	q.is_active = bool_filter(c, "is_active");
	ordering(c, &q);
	if ((rc = db_admin_count(c->db, &q, &count)) != DB_OK) {
		e = view_db_error(c, rc);
		goto out;
	}
	pages = count <= PAGE_SIZE ? 1 : (count + PAGE_SIZE - 1) / PAGE_SIZE;
	if ((v = query_str(c, "page", &tmp)) != NULL) {
		if (v->len == 4 && memcmp(v->s, "last", 4) == 0)
			page = pages;
		else if (py_int_parse(v->s, v->len, &page) != 0 || page < 1 || page > pages) {
			e = errinfo_set(&c->err, ERR_INVALID_PAGE, NULL);
			goto out;
		}
	}
	q.offset = (page - 1) * PAGE_SIZE;
	q.limit = PAGE_SIZE;
	jout_obj_open(&c->out);
	jout_key(&c->out, "count");
	jout_int(&c->out, (long long)count);
	if ((e = page_member(c, "next", page + 1, page < pages)) != ERR_OK ||
	    (e = page_member(c, "previous", page - 1 == 1 ? 0 : page - 1, page > 1)) != ERR_OK)
		goto out;
	jout_key(&c->out, "results");
	jout_arr_open(&c->out);
	if ((rc = db_admin_list(c->db, &q, each_user, c)) != DB_OK) {
		e = view_db_error(c, rc);
		goto out;
	}
	if (c->err.code != ERR_OK) {
		e = c->err.code;
		goto out;
	}
	jout_arr_close(&c->out);
	jout_obj_close(&c->out);
	c->status = 200;
	e = ERR_OK;
out:
	buf_free(&search);
	return e;
}

/* ---------------------------------------------------------------- the add form */

/* POST: CreateModelMixin.create with register's checks; 201 with the user. */
static enum err
post(struct ctx *c)
{
	struct field_value	*in = c->in;
	struct db_admin_user	 u;
	struct buf		 email = BUF_INIT;
	char			 hash[CRYPT_OUTPUT_SIZE];
	int64_t			 id = 0;
	enum db_rc		 rc;
	enum err		 e;

	if ((e = view_passwords_match(c, &in[AU_PASSWORD], &in[AU_PASSWORD2])) != ERR_OK)
		return e;
	if ((e = view_normalize_email(c, &in[AU_EMAIL], &email)) != ERR_OK)
		goto out;
	if ((e = view_hash_password(c, &in[AU_PASSWORD], "password", hash, sizeof(hash))) != ERR_OK)
		goto out;
	switch ((rc = db_admin_insert(c->db, email.p, email.len, in[AU_NAME].s, in[AU_NAME].len,
	    in[AU_TC].b, (c->present & 1u << AU_IS_ADMIN) ? in[AU_IS_ADMIN].b : 0, hash, &id))) {
	case DB_OK:
		break;
	case DB_DUP:
		/* Lost a race with another addition of the same address. */
		verr_add(&c->err.verr, "email", VIEW_MSG_EMAIL_TAKEN);
		e = errinfo_set(&c->err, ERR_INVALID, NULL);
		goto out;
	default:
		e = view_db_error(c, rc);
		goto out;
	}
	c->audit_target = id;
	log_info("admin %lld added user %lld", (long long)c->user.id, (long long)id);
	if ((rc = db_admin_get(c->db, id, &u)) != DB_OK) {
		e = view_db_error(c, rc == DB_NONE ? DB_ERR : rc);
		goto out;
	}
	c->status = 201;
	e = view_admin_user(c, &u);
out:
	explicit_bzero(hash, sizeof(hash));
	buf_free(&email);
	return e;
}

const struct endpoint ep_admin_users = {
	.prog = "jwtauth-admin-users",
	.path = "/api/admin/users/",
	.view_name = "Admin User List",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.require_auth = 1,
	.require_admin = 1,
	.handlers = {
		[M_GET] = { .fn = get },
		[M_POST] = { .fn = post, .fields = fields, .nfields = AU__MAX,
		    .optional = 1u << AU_IS_ADMIN, .audit = "admin_create" },
	},
};
