/*
 * jwtauth-admin.c - the operator's command line (jwtauth-admin(8)): Django's
 * createsuperuser for the seed's User model, user management as Django
 * admin offers it, and a check of the configuration and the database.
 *
 * It reads the configuration the endpoint binaries read (cfg_load), and
 * validates input with their code: field.c (DRF's fields, the register
 * serializer's limits), email.c (EmailValidator, normalize_email), pw.c
 * (the hash), pwrules.c (the password rules of [password]).  All SQL is
 * db.c's.
 *
 * Exit status: 0 done, 1 failed, 2 usage.  Errors are one line on stderr,
 * prefixed "jwtauth-admin: ".
 */
#include "config.h"

#include <sys/random.h>

#include <dirent.h>
#include <fcntl.h>
#include <regex.h>

#include <crypt.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "cfg.h"
#include "db.h"
#include "email.h"
#include "field.h"
#include "jout.h"
#include "log.h"
#include "pw.h"
#include "pwrules.h"
#include "pycompat.h"

#define PROG		"jwtauth-admin"
#define ENV_SUPERUSER_PW "JWTAUTH_SUPERUSER_PASSWORD"
#define ENV_USER_PW	"JWTAUTH_USER_PASSWORD"
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

enum { ADM_OK = 0, ADM_FAIL = 1, ADM_USAGE = 2 };

/* Django's createsuperuser (3.2) texts; the email field's verbose_name is "email". */
#define MSG_TAKEN	"That email is already taken."
#define MSG_MISMATCH	"Your passwords didn't match."
#define MSG_BLANK_PW	"Blank passwords aren't allowed."

struct admin {
	struct cfg	 cfg;
	int		 loaded;	/* cfg holds a configuration */
	struct db	*db;		/* NULL until admin_open */
};

struct verb {
	const char	*group;		/* "users", or NULL */
	const char	*name;
	int		(*fn)(struct admin *, int, char **);
	const char	*usage;		/* the arguments after the verb */
	const char	*help;		/* what "VERB --help" adds */
};

/* The new-user form: the register serializer's limits (lib/ep_register.c). */
enum { U_EMAIL, U_NAME, U_PASSWORD, U__MAX };

/* The uniqueness check's argument: the handle, and the user being changed (0: none). */
struct unique_arg {
	struct db	*db;
	int64_t		 self;
};

static int	 email_unused(void *, const char *, size_t, enum err *);

static const struct field_spec specs[U__MAX] = {
	[U_EMAIL] =	{ "email", FT_EMAIL, 255, email_unused, MSG_TAKEN, 0 },
	[U_NAME] =	{ "name", FT_CHAR, 200, NULL, NULL, 0 },
	[U_PASSWORD] =	{ "password", FT_CHAR, 128, NULL, NULL, PW_MAX_BYTES },
};

static volatile sig_atomic_t	 interrupted;
static struct termios		 saved_tio;
static int			 echo_off;

/* ---------------------------------------------------------------- messages */

/* One line on stderr: "jwtauth-admin: " and the message, control characters as '?'. */
static void __attribute__((format(printf, 1, 2)))
warnline(const char *fmt, ...)
{
	char	 line[1024], *p;
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (p = line; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	fprintf(stderr, "%s: %s\n", PROG, line);
}

/* The messages v holds for field, joined by "; " as Django joins them. */
static void
verr_join(const struct verr *v, const char *field, char *out, size_t sz)
{
	size_t	 i, j, len = 0;

	out[0] = '\0';
	for (i = 0; i < v->n; i++) {
		if (strcmp(v->f[i].field, field) != 0)
			continue;
		for (j = 0; j < v->f[i].nmsg; j++) {
			(void)snprintf(out + len, sz - len, "%s%s", len > 0 ? "; " : "",
			    v->f[i].msg[j]);
			len = strlen(out);
		}
	}
}

/* ---------------------------------------------------------------- set-up */

/* Load the configuration, check the hash method, make the database handle. */
static int
admin_open(struct admin *a)
{
	char	 err[512];

	if (a->db != NULL)
		return 0;
	if (!a->loaded) {
		if (cfg_load(&a->cfg, err, sizeof(err)) == -1) {
			warnline("configuration: %s", err);
			return -1;
		}
		a->loaded = 1;
	}
	if (pw_init(&a->cfg, err, sizeof(err)) == -1) {
		warnline("configuration: %s", err);
		return -1;
	}
	if ((a->db = db_new(&a->cfg)) == NULL) {
		warnline("out of memory");
		return -1;
	}
	return 0;
}

static void
admin_close(struct admin *a)
{
	db_free(a->db);
	a->db = NULL;
	if (a->loaded) {
		pw_done();
		cfg_free(&a->cfg);
	}
	a->loaded = 0;
}

/* The one-line error for a database answer nobody expected. */
static int
db_fail(enum db_rc rc)
{
	if (rc == DB_ERR)
		warnline("database unavailable (see the message above)");
	else
		warnline("unexpected database answer %d", (int)rc);
	return ADM_FAIL;
}

/*
 * The audit row of a verb that changed user target (or was refused):
 * client "cli", the operating-system account as the user agent, no
 * acting user (the operator has no account).
 */
static void
cli_audit(struct admin *a, const char *event, int64_t target, enum audit_outcome outcome)
{
	struct audit_rec	 r;
	struct timespec		 ts;
	struct passwd		*pw;
	char			 ua[128];

	clock_gettime(CLOCK_REALTIME, &ts);
	pw = getpwuid(getuid());
	(void)snprintf(ua, sizeof(ua), "%s (uid %lu%s%s)", PROG, (unsigned long)getuid(),
	    pw != NULL ? " " : "", pw != NULL ? pw->pw_name : "");
	r.when = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	r.event = event;
	r.user_id = 0;
	r.target_id = target;
	r.client = "cli";
	r.user_agent = ua;
	r.outcome = outcome;
	audit_write(a->db, &a->cfg, &r);
}

/* ---------------------------------------------------------------- the terminal */

static void
restore_echo(void)
{
	if (echo_off) {
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
		echo_off = 0;
	}
}

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Ctrl-C or end of input while prompting: Django's words, status 1. */
static void __attribute__((noreturn))
cancelled(struct admin *a)
{
	restore_echo();
	fprintf(stderr, "\nOperation cancelled.\n");
	admin_close(a);
	exit(ADM_FAIL);
}

/*
 * Print prompt on stdout and read one line from stdin, without echo when
 * secret (termios, as getpass does).  Returns the line without its newline
 * (free it with explicit_bzero + free), or NULL at end of input or on
 * Ctrl-C.
 */
static char *
ask(const char *prompt, int secret, size_t *len)
{
	struct termios	 t;
	char		*line = NULL;
	size_t		 cap = 0;
	ssize_t		 n;

	/* Echo goes off before the prompt shows, so nothing typed after it is echoed. */
	if (secret && tcgetattr(STDIN_FILENO, &saved_tio) == 0) {
		t = saved_tio;
		t.c_lflag &= ~(tcflag_t)ECHO;
		t.c_lflag |= ECHONL;
		if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
			echo_off = 1;
	}
	fputs(prompt, stdout);
	fflush(stdout);
	n = interrupted ? -1 : getline(&line, &cap, stdin);
	restore_echo();
	if (n == -1 || interrupted) {
		if (line != NULL) {
			explicit_bzero(line, cap);
			free(line);
		}
		return NULL;
	}
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	*len = (size_t)n;
	return line;
}

static void
wipe(char *s, size_t n)
{
	if (s != NULL) {
		explicit_bzero(s, n);
		free(s);
	}
}

/* ---------------------------------------------------------------- validation */

/* UniqueValidator on email, ignoring the user being changed. */
static int
email_unused(void *arg, const char *s, size_t n, enum err *e)
{
	struct unique_arg	*u = arg;
	struct db_user		 row;
	enum db_rc		 rc = db_user_by_email(u->db, s, n, &row);
	int64_t			 id = row.id;

	explicit_bzero(&row, sizeof(row));
	switch (rc) {
	case DB_NONE:
		return 1;
	case DB_OK:
		return id == u->self;
	default:
		*e = ERR_UNAVAILABLE;
		return -1;
	}
}

/*
 * Validate one text value against specs[f] (and, for the email, make it
 * normalize_email's).  1 valid (*out set; free with field_free), 0 invalid
 * (msg filled), -1 the database failed (reported).
 */
static int
check_value(struct admin *a, int f, int64_t self, const char *s, size_t n,
    struct field_value *out, char *msg, size_t msgsz)
{
	struct unique_arg	 ua = { a->db, self };
	struct verr		 v;
	struct buf		 norm = BUF_INIT;
	enum err		 e;

	memset(&v, 0, sizeof(v));
	if (!py_utf8_valid(s, n)) {
		(void)snprintf(msg, msgsz, "Not valid UTF-8 text.");
		return 0;
	}
	switch ((e = field_text(&specs[f], s, n, &ua, out, &v))) {
	case ERR_OK:
		break;
	case ERR_INVALID:
		verr_join(&v, specs[f].name, msg, msgsz);
		return 0;
	default:
		(void)db_fail(DB_ERR);
		return -1;
	}
	if (f == U_PASSWORD) {
		/* validate_password() with the rules of [password], as the API applies them. */
		switch (pwrules_check(&a->cfg, out->s, out->len, specs[f].name, &v)) {
		case 0:
			return 1;
		case -1:
			field_free(out, 1);
			warnline("out of memory");
			return -1;
		default:
			field_free(out, 1);
			verr_join(&v, specs[f].name, msg, msgsz);
			return 0;
		}
	}
	if (f != U_EMAIL)
		return 1;
	if (email_normalize(out->s, out->len, &norm) == -1 || !buf_ok(&norm)) {
		buf_free(&norm);
		field_free(out, 1);
		warnline("out of memory");
		return -1;
	}
	if (py_utf8_len(norm.p, norm.len) > 255) {
		/* str.lower() can lengthen a domain; the column holds 255 (as register). */
		buf_free(&norm);
		field_free(out, 1);
		(void)snprintf(msg, msgsz, "Ensure this field has no more than 255 characters.");
		return 0;
	}
	free(out->s);
	out->s = norm.p;	/* buf's storage is malloc'd and NUL-terminated */
	out->len = norm.len;
	return 1;
}

/* --tc, --tc yes, --tc=no: a BooleanField text.  0 or -1 (usage). */
static int
opt_bool(const char *opt, int argc, char **argv, int *b)
{
	const char	*v = optarg;

	if (v == NULL && optind < argc && field_bool_text(argv[optind],
	    strlen(argv[optind]), b) == 0) {
		optind++;
		return 0;
	}
	if (v == NULL) {
		*b = 1;
		return 0;
	}
	if (field_bool_text(v, strlen(v), b) == 0)
		return 0;
	warnline("--%s: expected yes or no, not \"%s\"", opt, v);
	return -1;
}

/* The same, for options whose value is required (--admin yes|no). */
static int
opt_yesno(const char *opt, const char *v, int *b)
{
	if (field_bool_text(v, strlen(v), b) == 0)
		return 0;
	warnline("--%s: expected yes or no, not \"%s\"", opt, v);
	return -1;
}

/*
 * Parse ID or EMAIL and fetch that user.  ADM_OK, or ADM_FAIL (reported:
 * no such user, database down).
 */
static int
find_user(struct admin *a, const char *arg, struct db_admin_user *u)
{
	struct buf	 norm = BUF_INIT;
	const char	*p;
	char		*end;
	long long	 id;
	enum db_rc	 rc;

	for (p = arg; *p >= '0' && *p <= '9'; p++)
		continue;
	if (*arg != '\0' && *p == '\0') {
		errno = 0;
		id = strtoll(arg, &end, 10);
		if (errno != 0 || id <= 0) {
			warnline("no user with id %s", arg);
			return ADM_FAIL;
		}
		rc = db_admin_get(a->db, (int64_t)id, u);
	} else if (!py_utf8_valid(arg, strlen(arg))) {
		rc = DB_NONE;	/* no stored email is other than UTF-8 */
	} else {
		if (email_normalize(arg, strlen(arg), &norm) == -1 || !buf_ok(&norm)) {
			buf_free(&norm);
			warnline("out of memory");
			return ADM_FAIL;
		}
		rc = db_admin_get_by_email(a->db, norm.p, norm.len, u);
		buf_free(&norm);
	}
	if (rc == DB_NONE) {
		warnline("no user %s %s", *p == '\0' ? "with id" : "with email", arg);
		return ADM_FAIL;
	}
	return rc == DB_OK ? ADM_OK : db_fail(rc);
}

/* ---------------------------------------------------------------- prompts */

/* Ask for specs[f] until it is valid (Django's get_input_data). 0, or -1 (reported). */
static int
prompt_value(struct admin *a, int f, const char *prompt, struct field_value *out)
{
	char	 msg[512], *line;
	size_t	 n;
	int	 rc;

	for (;;) {
		if ((line = ask(prompt, 0, &n)) == NULL)
			cancelled(a);
		rc = check_value(a, f, 0, line, n, out, msg, sizeof(msg));
		wipe(line, n);
		if (rc == 1)
			return 0;
		if (rc == -1)
			return -1;
		fprintf(stderr, "Error: %s\n", msg);
	}
}

static void
prompt_bool(struct admin *a, const char *prompt, int *b)
{
	char	*line;
	size_t	 n;
	int	 rc;

	for (;;) {
		if ((line = ask(prompt, 0, &n)) == NULL)
			cancelled(a);
		rc = field_bool_text(line, n, b);
		wipe(line, n);
		if (rc == 0)
			return;
		fprintf(stderr, "Error: Must be a valid boolean.\n");
	}
}

/* Password and Password (again) until they match and are valid. */
static void
prompt_password(struct admin *a, struct field_value *out)
{
	char	 msg[512], *p1, *p2;
	size_t	 n1, n2;
	int	 same, rc;

	for (;;) {
		if ((p1 = ask("Password: ", 1, &n1)) == NULL)
			cancelled(a);
		if ((p2 = ask("Password (again): ", 1, &n2)) == NULL) {
			wipe(p1, n1);
			cancelled(a);
		}
		same = py_compare_digest(p1, n1, p2, n2);
		wipe(p2, n2);
		if (!same) {
			wipe(p1, n1);
			fprintf(stderr, "Error: %s\n", MSG_MISMATCH);
			continue;
		}
		if (py_isblank(p1, n1)) {
			wipe(p1, n1);
			fprintf(stderr, "Error: %s\n", MSG_BLANK_PW);
			continue;
		}
		rc = check_value(a, U_PASSWORD, 0, p1, n1, out, msg, sizeof(msg));
		wipe(p1, n1);
		if (rc == 1)
			return;
		fprintf(stderr, "Error: %s\n", msg);
	}
}

/* A password from the environment (scripts).  1 set, 0 unset, -1 invalid (reported). */
static int
env_password(struct admin *a, const char *var, struct field_value *out)
{
	const char	*s = getenv(var);
	char		 msg[512];
	int		 rc;

	if (s == NULL)
		return 0;
	if ((rc = check_value(a, U_PASSWORD, 0, s, strlen(s), out, msg, sizeof(msg))) == 0)
		warnline("%s: %s", var, msg);
	return rc == 1 ? 1 : -1;
}

/*
 * Django's set_unusable_password(): "!" and 40 random letters and digits,
 * which no password verifies against.  0 or -1.
 */
static int
unusable_password(char *out, size_t sz)
{
	static const char	 abc[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char		 r;
	size_t			 i = 0;

	if (sz < 42)
		return -1;
	out[i++] = '!';
	while (i < 41) {
		if (getrandom(&r, 1, 0) != 1)
			return -1;
		if (r < 248)	/* 4 * 62: no bias */
			out[i++] = abc[r % 62];
	}
	out[i] = '\0';
	return 0;
}

/* Hash a validated password into out.  0, or -1 (reported). */
static int
hash_password(const struct field_value *pw, char *out, size_t sz)
{
	switch (pw_hash(pw->s, pw->len, out, sz)) {
	case PW_OK:
		return 0;
	case PW_TOO_LONG:
		warnline("password: Ensure this field has no more than %d bytes.", PW_MAX_BYTES);
		return -1;
	default:
		warnline("password hashing failed");
		return -1;
	}
}

/* ---------------------------------------------------------------- output */

/* A display value: control characters as '?' (a name is anyone's text). */
static void
put_clean(FILE *fp, const char *s, size_t n)
{
	size_t	 i, cp;

	for (i = 0; i < n; i++) {
		cp = (unsigned char)s[i];
		/* C1 controls are U+0080..U+009F: 0xC2 0x80..0x9F in UTF-8. */
		if (cp == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f) {
			fputc('?', fp);
			i++;
			continue;
		}
		fputc(cp < 0x20 || cp == 0x7f ? '?' : (int)cp, fp);
	}
}

/* "YYYY-MM-DD HH:MM:SS.ffffff" (UTC) as ISO 8601 with Z into out; "" stays "". */
static const char *
iso_utc(const char *db, char *out, size_t sz)
{
	size_t	 i;

	if (db[0] == '\0') {
		out[0] = '\0';
		return out;
	}
	(void)snprintf(out, sz, "%sZ", db);
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] == ' ')
			out[i] = 'T';
	return out;
}

/* The table's form of a timestamp: seconds, UTC; "-" for never. */
static const char *
short_time(const char *db, char *out, size_t sz)
{
	if (db[0] == '\0')
		return "-";
	(void)snprintf(out, sz, "%.19s", db);
	return out;
}

enum fmt { FMT_TABLE, FMT_JSON, FMT_CSV };

static int
parse_format(const char *s, enum fmt *f)
{
	if (strcmp(s, "table") == 0)
		*f = FMT_TABLE;
	else if (strcmp(s, "json") == 0)
		*f = FMT_JSON;
	else if (strcmp(s, "csv") == 0)
		*f = FMT_CSV;
	else {
		warnline("--format: expected table, json or csv, not \"%s\"", s);
		return -1;
	}
	return 0;
}

/* One user as the admin API shows it (no password hash). */
static void
json_user(struct jout *j, const struct db_admin_user *u)
{
	char	 t[40];

	jout_obj_open(j);
	jout_key(j, "id");
	jout_int(j, (long long)u->id);
	jout_key(j, "email");
	jout_str(j, u->email, u->email_len);
	jout_key(j, "name");
	jout_str(j, u->name, u->name_len);
	jout_key(j, "tc");
	jout_bool(j, u->tc);
	jout_key(j, "is_active");
	jout_bool(j, u->is_active);
	jout_key(j, "is_admin");
	jout_bool(j, u->is_admin);
	jout_key(j, "last_login");
	if (u->last_login[0] == '\0')
		jout_null(j);
	else
		jout_cstr(j, iso_utc(u->last_login, t, sizeof(t)));
	jout_kv(j, "created_at", iso_utc(u->created_at, t, sizeof(t)));
	jout_kv(j, "updated_at", iso_utc(u->updated_at, t, sizeof(t)));
	jout_obj_close(j);
}

/* One RFC 4180 field: quoted when it holds a comma, a quote, CR or LF. */
static void
csv_field(FILE *fp, const char *s, size_t n, int last)
{
	size_t	 i;

	if (strcspn(s, ",\"\r\n") < n || memchr(s, '\0', n) != NULL) {
		fputc('"', fp);
		for (i = 0; i < n; i++) {
			if (s[i] == '"')
				fputc('"', fp);
			fputc(s[i], fp);
		}
		fputc('"', fp);
	} else
		fwrite(s, 1, n, fp);
	fputs(last ? "\r\n" : ",", fp);
}

static const char *const csv_head[] = {
	"id", "email", "name", "tc", "is_active", "is_admin", "last_login",
	"created_at", "updated_at",
};

static void
csv_user(FILE *fp, const struct db_admin_user *u)
{
	char	 id[24], t[40];

	(void)snprintf(id, sizeof(id), "%" PRId64, u->id);
	csv_field(fp, id, strlen(id), 0);
	csv_field(fp, u->email, u->email_len, 0);
	csv_field(fp, u->name, u->name_len, 0);
	csv_field(fp, u->tc ? "1" : "0", 1, 0);
	csv_field(fp, u->is_active ? "1" : "0", 1, 0);
	csv_field(fp, u->is_admin ? "1" : "0", 1, 0);
	iso_utc(u->last_login, t, sizeof(t));
	csv_field(fp, t, strlen(t), 0);
	iso_utc(u->created_at, t, sizeof(t));
	csv_field(fp, t, strlen(t), 0);
	iso_utc(u->updated_at, t, sizeof(t));
	csv_field(fp, t, strlen(t), 1);
}

static void
csv_header(FILE *fp)
{
	size_t	 i;

	for (i = 0; i < NITEMS(csv_head); i++)
		csv_field(fp, csv_head[i], strlen(csv_head[i]), i + 1 == NITEMS(csv_head));
}

/* The table's columns of one user. */
#define NCOL	7
static const char *const table_head[NCOL] = {
	"ID", "EMAIL", "NAME", "TC", "ADMIN", "ACTIVE", "LAST LOGIN (UTC)"
};

/* One row of a table: NCOL cells (a user's, an audit row's). */
struct cells {
	const char	*v[NCOL];
	size_t		 len[NCOL];	/* bytes */
	size_t		 w[NCOL];	/* characters */
	char		 id[24], id2[24], t[40];
};

/* fill(rows, i, c): the cells of row i, c->len and c->w set. */
typedef void (*cells_fn)(const void *rows, size_t i, struct cells *c);

/*
 * Print n rows as a table under head, each column as wide as its widest
 * cell; the columns of bit k of right are aligned to the right.
 */
static void
print_table(const char *const *head, const void *rows, size_t n, cells_fn fill, unsigned right)
{
	struct cells	 c;
	size_t		 w[NCOL], i, k;

	for (k = 0; k < NCOL; k++)
		w[k] = strlen(head[k]);
	for (i = 0; i < n; i++) {
		fill(rows, i, &c);
		for (k = 0; k < NCOL; k++)
			if (c.w[k] > w[k])
				w[k] = c.w[k];
	}
	for (k = 0; k + 1 < NCOL; k++)
		printf("%-*s  ", (int)w[k], head[k]);
	printf("%s\n", head[NCOL - 1]);
	for (i = 0; i < n; i++) {
		fill(rows, i, &c);
		for (k = 0; k < NCOL; k++) {
			if (right & 1u << k)
				printf("%*s", (int)(w[k] - c.w[k]), "");
			put_clean(stdout, c.v[k], c.len[k]);
			if (k + 1 < NCOL)
				printf("%*s  ", right & 1u << k ? 0 : (int)(w[k] - c.w[k]), "");
		}
		printf("\n");
	}
}

static void
cells(const void *rows, size_t row, struct cells *c)
{
	const struct db_admin_user	*u = (const struct db_admin_user *)rows + row;
	size_t				 i;

	(void)snprintf(c->id, sizeof(c->id), "%" PRId64, u->id);
	c->v[0] = c->id;
	c->v[1] = u->email;
	c->len[1] = u->email_len;
	c->v[2] = u->name;
	c->len[2] = u->name_len;
	c->v[3] = u->tc ? "yes" : "no";
	c->v[4] = u->is_admin ? "yes" : "no";
	c->v[5] = u->is_active ? "yes" : "no";
	c->v[6] = short_time(u->last_login, c->t, sizeof(c->t));
	for (i = 0; i < NCOL; i++) {
		if (i != 1 && i != 2)
			c->len[i] = strlen(c->v[i]);
		c->w[i] = i == 1 || i == 2 ? py_utf8_len(c->v[i], c->len[i]) : c->len[i];
	}
}

/* Print users in fmt (one: a single user, not a list).  0, or -1 (reported). */
static int
print_users(const struct db_admin_user *u, size_t n, enum fmt fmt, int one)
{
	struct buf	 b = BUF_INIT;
	struct jout	 j;
	size_t		 i;
	char		 t[40];

	switch (fmt) {
	case FMT_JSON:
		jout_init(&j, &b, JOUT_DRF, 0);
		if (!one)
			jout_arr_open(&j);
		for (i = 0; i < n; i++)
			json_user(&j, &u[i]);
		if (!one)
			jout_arr_close(&j);
		if (!buf_ok(&b)) {
			buf_free(&b);
			warnline("out of memory");
			return -1;
		}
		printf("%s\n", buf_str(&b));
		buf_free(&b);
		return 0;
	case FMT_CSV:
		csv_header(stdout);
		for (i = 0; i < n; i++)
			csv_user(stdout, &u[i]);
		return 0;
	case FMT_TABLE:
		break;
	}
	if (one) {
		/* One user: a field per line. */
		printf("id:         %" PRId64 "\nemail:      ", u->id);
		put_clean(stdout, u->email, u->email_len);
		printf("\nname:       ");
		put_clean(stdout, u->name, u->name_len);
		printf("\ntc:         %s\nis_active:  %s\nis_admin:   %s\n",
		    u->tc ? "yes" : "no", u->is_active ? "yes" : "no", u->is_admin ? "yes" : "no");
		printf("last_login: %s\n", u->last_login[0] != '\0' ?
		    iso_utc(u->last_login, t, sizeof(t)) : "never");
		printf("created_at: %s\n", iso_utc(u->created_at, t, sizeof(t)));
		printf("updated_at: %s\n", iso_utc(u->updated_at, t, sizeof(t)));
		return 0;
	}
	print_table(table_head, u, n, cells, 1u);	/* the id to the right */
	return 0;
}

/* ---------------------------------------------------------------- option parsing */

/*
 * getopt_long over a verb's arguments (argv[0] is the verb).  Unknown
 * options and missing values are usage errors, reported here.
 */
static int
next_opt(const char *verb, int argc, char **argv, const struct option *lo)
{
	int	 ch;

	opterr = 0;
	ch = getopt_long(argc, argv, "h", lo, NULL);
	if (ch == '?' || ch == ':') {
		if (optopt != 0 && optopt != '?')
			warnline("%s: option needs a value or is unknown: -%c", verb, optopt);
		else
			warnline("%s: unknown option or missing value: %s", verb, argv[optind - 1]);
	}
	return ch;
}

static const struct verb	*find_verb(const char *, const char *);
static void			 verb_usage(FILE *, const struct verb *, int);

/* ---------------------------------------------------------------- createsuperuser, users add */

/*
 * Django's createsuperuser (superuser) and Django admin's add form: email,
 * name, tc and the password from flags or prompts; every value is
 * validated as register validates it.
 */
static int
create_user(struct admin *a, int argc, char **argv, int superuser)
{
	static const struct option lo[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "name", required_argument, NULL, 'n' },
		{ "tc", optional_argument, NULL, 't' },
		{ "admin", required_argument, NULL, 'a' },
		{ "noinput", no_argument, NULL, 'N' },
		{ "no-input", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char		*verb = superuser ? "createsuperuser" : "users add";
	const char		*envvar = superuser ? ENV_SUPERUSER_PW : ENV_USER_PW;
	const char		*email = NULL, *name = NULL;
	struct field_value	 v[U__MAX];
	char			 hash[CRYPT_OUTPUT_SIZE], msg[512];
	int			 ch, tc = 0, have_tc = 0, is_admin = superuser, noinput = 0;
	int			 rc = ADM_FAIL, r;
	struct sigaction	 sa;
	int64_t			 id = 0;
	enum db_rc		 dbrc;

	memset(v, 0, sizeof(v));
	while ((ch = next_opt(verb, argc, argv, lo)) != -1) {
		switch (ch) {
		case 'e':
			email = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 't':
			if (opt_bool("tc", argc, argv, &tc) == -1)
				return ADM_USAGE;
			have_tc = 1;
			break;
		case 'a':
			if (superuser) {
				warnline("%s: unknown option --admin", verb);
				return ADM_USAGE;
			}
			if (opt_yesno("admin", optarg, &is_admin) == -1)
				return ADM_USAGE;
			break;
		case 'N':
			noinput = 1;
			break;
		case 'h':
			verb_usage(stdout, find_verb(superuser ? NULL : "users",
			    superuser ? "createsuperuser" : "add"), 1);
			return ADM_OK;
		default:
			return ADM_USAGE;
		}
	}
	if (optind < argc) {
		warnline("%s: unexpected argument \"%s\"", verb, argv[optind]);
		return ADM_USAGE;
	}
	if (noinput && (email == NULL || name == NULL)) {
		warnline("You must use --%s with --noinput.", email == NULL ? "email" : "name");
		return ADM_USAGE;
	}
	if (!noinput && !isatty(STDIN_FILENO)) {
		warnline("%s: standard input is not a terminal: use --noinput", verb);
		return ADM_USAGE;
	}
	if (admin_open(a) == -1)
		return ADM_FAIL;

	/* Values given as flags are checked once; an invalid one ends the command. */
	if (email != NULL) {
		if ((r = check_value(a, U_EMAIL, 0, email, strlen(email), &v[U_EMAIL], msg,
		    sizeof(msg))) == 0)
			warnline("email: %s", msg);
		if (r != 1)
			goto out;
	}
	if (name != NULL) {
		if ((r = check_value(a, U_NAME, 0, name, strlen(name), &v[U_NAME], msg,
		    sizeof(msg))) == 0)
			warnline("name: %s", msg);
		if (r != 1)
			goto out;
	}
	if (noinput && env_password(a, envvar, &v[U_PASSWORD]) == -1)
		goto out;

	if (!noinput) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;	/* no SA_RESTART: the read returns */
		(void)sigaction(SIGINT, &sa, NULL);
		(void)sigaction(SIGTERM, &sa, NULL);
		if (v[U_EMAIL].s == NULL && prompt_value(a, U_EMAIL, "Email: ", &v[U_EMAIL]) == -1)
			goto out;
		if (v[U_NAME].s == NULL && prompt_value(a, U_NAME, "Name: ", &v[U_NAME]) == -1)
			goto out;
		if (!have_tc)
			prompt_bool(a, "Tc: ", &tc);
		prompt_password(a, &v[U_PASSWORD]);
	}
	if (v[U_PASSWORD].s != NULL) {
		if (hash_password(&v[U_PASSWORD], hash, sizeof(hash)) == -1)
			goto out;
	} else if (unusable_password(hash, sizeof(hash)) == -1) {
		warnline("no random numbers");
		goto out;
	}
	dbrc = db_admin_insert(a->db, v[U_EMAIL].s, v[U_EMAIL].len, v[U_NAME].s, v[U_NAME].len,
	    tc, is_admin, hash, &id);
	switch (dbrc) {
	case DB_OK:
		break;
	case DB_DUP:
		/* Taken between the check and the insert. */
		warnline("Error: %s", MSG_TAKEN);
		goto out;
	default:
		(void)db_fail(dbrc);
		goto out;
	}
	cli_audit(a, "admin_create", id, AUDIT_OK);
	if (superuser)
		printf("Superuser created successfully.\n");
	else
		printf("User created successfully (id %" PRId64 ").\n", id);
	rc = ADM_OK;
out:
	explicit_bzero(hash, sizeof(hash));
	field_free(v, U__MAX);
	return rc;
}

static int
cmd_createsuperuser(struct admin *a, int argc, char **argv)
{
	return create_user(a, argc, argv, 1);
}

static int
cmd_users_add(struct admin *a, int argc, char **argv)
{
	return create_user(a, argc, argv, 0);
}

/* ---------------------------------------------------------------- users list, show */

struct rows {
	struct db_admin_user	*u;
	size_t			 n, cap;
	int			 oom;
};

static int
collect(void *arg, const struct db_admin_user *u)
{
	struct rows		*r = arg;
	struct db_admin_user	*p;
	size_t			 cap;

	if (r->n == r->cap) {
		cap = r->cap == 0 ? 16 : r->cap * 2;
		if ((p = reallocarray(r->u, cap, sizeof(*p))) == NULL) {
			r->oom = 1;
			return -1;
		}
		r->u = p;
		r->cap = cap;
	}
	r->u[r->n++] = *u;
	return 0;
}

static int
cmd_users_list(struct admin *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "search", required_argument, NULL, 's' },
		{ "admin", required_argument, NULL, 'a' },
		{ "active", required_argument, NULL, 'A' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct db_user_query	 q;
	struct rows		 r = { NULL, 0, 0, 0 };
	enum fmt		 fmt = FMT_TABLE;
	enum db_rc		 dbrc;
	int			 ch, b, rc = ADM_FAIL;

	memset(&q, 0, sizeof(q));
	q.is_admin = q.is_active = -1;
	q.order = DB_ORDER_EMAIL;
	while ((ch = next_opt("users list", argc, argv, lo)) != -1) {
		switch (ch) {
		case 's':
			q.search = optarg;
			q.search_len = strlen(optarg);
			break;
		case 'a':
		case 'A':
			if (opt_yesno(ch == 'a' ? "admin" : "active", optarg, &b) == -1)
				return ADM_USAGE;
			*(ch == 'a' ? &q.is_admin : &q.is_active) = b;
			break;
		case 'f':
			if (parse_format(optarg, &fmt) == -1)
				return ADM_USAGE;
			break;
		case 'h':
			verb_usage(stdout, find_verb("users", "list"), 1);
			return ADM_OK;
		default:
			return ADM_USAGE;
		}
	}
	if (optind < argc) {
		warnline("users list: unexpected argument \"%s\"", argv[optind]);
		return ADM_USAGE;
	}
	if (admin_open(a) == -1)
		return ADM_FAIL;
	if ((dbrc = db_admin_list(a->db, &q, collect, &r)) != DB_OK) {
		(void)db_fail(dbrc);
		goto out;
	}
	if (r.oom)
		warnline("out of memory");
	else if (print_users(r.u, r.n, fmt, 0) == 0)
		rc = ADM_OK;
out:
	free(r.u);
	return rc;
}

/* Parse "VERB [--format F] ID|EMAIL" style arguments: the one positional argument. */
static int
one_user_arg(const char *verb, int argc, char **argv, const char **who)
{
	if (optind >= argc) {
		warnline("%s: which user? (ID or EMAIL)", verb);
		return -1;
	}
	if (optind + 1 < argc) {
		warnline("%s: unexpected argument \"%s\"", verb, argv[optind + 1]);
		return -1;
	}
	*who = argv[optind];
	return 0;
}

static int
cmd_users_show(struct admin *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct db_admin_user	 u;
	const char		*who;
	enum fmt		 fmt = FMT_TABLE;
	int			 ch, rc;

	while ((ch = next_opt("users show", argc, argv, lo)) != -1) {
		switch (ch) {
		case 'f':
			if (parse_format(optarg, &fmt) == -1)
				return ADM_USAGE;
			break;
		case 'h':
			verb_usage(stdout, find_verb("users", "show"), 1);
			return ADM_OK;
		default:
			return ADM_USAGE;
		}
	}
	if (one_user_arg("users show", argc, argv, &who) == -1)
		return ADM_USAGE;
	if (admin_open(a) == -1)
		return ADM_FAIL;
	if ((rc = find_user(a, who, &u)) != ADM_OK)
		return rc;
	return print_users(&u, 1, fmt, 1) == 0 ? ADM_OK : ADM_FAIL;
}

/* ---------------------------------------------------------------- users set, set-password, delete */

static void
last_admin(const struct db_admin_user *u, const char *what)
{
	warnline("refusing to %s %.*s (id %" PRId64 "): it is the last active admin",
	    what, (int)u->email_len, u->email, u->id);
}

static int
cmd_users_set(struct admin *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "name", required_argument, NULL, 'n' },
		{ "tc", required_argument, NULL, 't' },
		{ "admin", required_argument, NULL, 'a' },
		{ "active", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct db_admin_user	 u;
	struct field_value	 v[U__MAX];
	const char		*who, *email = NULL, *name = NULL;
	char			 msg[512];
	int			 ch, tc = -1, adm = -1, act = -1, rc = ADM_FAIL, r;
	enum db_rc		 dbrc;

	memset(v, 0, sizeof(v));
	while ((ch = next_opt("users set", argc, argv, lo)) != -1) {
		switch (ch) {
		case 'e':
			email = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 't':
		case 'a':
		case 'A':
			if (opt_yesno(ch == 't' ? "tc" : ch == 'a' ? "admin" : "active", optarg,
			    ch == 't' ? &tc : ch == 'a' ? &adm : &act) == -1)
				return ADM_USAGE;
			break;
		case 'h':
			verb_usage(stdout, find_verb("users", "set"), 1);
			return ADM_OK;
		default:
			return ADM_USAGE;
		}
	}
	if (one_user_arg("users set", argc, argv, &who) == -1)
		return ADM_USAGE;
	if (email == NULL && name == NULL && tc == -1 && adm == -1 && act == -1) {
		warnline("users set: nothing to change (--email, --name, --tc, --admin, --active)");
		return ADM_USAGE;
	}
	if (admin_open(a) == -1)
		return ADM_FAIL;
	if ((rc = find_user(a, who, &u)) != ADM_OK)
		return rc;
	rc = ADM_FAIL;
	if (email != NULL) {
		if ((r = check_value(a, U_EMAIL, u.id, email, strlen(email), &v[U_EMAIL], msg,
		    sizeof(msg))) == 0)
			warnline("email: %s", msg);
		if (r != 1)
			goto out;
		memcpy(u.email, v[U_EMAIL].s, v[U_EMAIL].len + 1);
		u.email_len = v[U_EMAIL].len;
	}
	if (name != NULL) {
		if ((r = check_value(a, U_NAME, u.id, name, strlen(name), &v[U_NAME], msg,
		    sizeof(msg))) == 0)
			warnline("name: %s", msg);
		if (r != 1)
			goto out;
		memcpy(u.name, v[U_NAME].s, v[U_NAME].len + 1);
		u.name_len = v[U_NAME].len;
	}
	if (tc != -1)
		u.tc = tc;
	if (adm != -1)
		u.is_admin = adm;
	if (act != -1)
		u.is_active = act;
	switch ((dbrc = db_admin_update(a->db, &u))) {
	case DB_OK:
		cli_audit(a, "admin_update", u.id, AUDIT_OK);
		printf("User %" PRId64 " updated.\n", u.id);
		rc = ADM_OK;
		break;
	case DB_NONE:
		warnline("no user with id %" PRId64 " (deleted meanwhile)", u.id);
		break;
	case DB_DUP:
		warnline("email: %s", MSG_TAKEN);
		break;
	case DB_LAST_ADMIN:
		cli_audit(a, "admin_update", u.id, AUDIT_FAILED);
		last_admin(&u, adm == 0 ? "demote" : "deactivate");
		break;
	default:
		(void)db_fail(dbrc);
		break;
	}
out:
	field_free(v, U__MAX);
	return rc;
}

static int
cmd_users_set_password(struct admin *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "noinput", no_argument, NULL, 'N' },
		{ "no-input", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct db_admin_user	 u;
	struct field_value	 pw;
	struct sigaction	 sa;
	const char		*who;
	char			 hash[CRYPT_OUTPUT_SIZE];
	int			 ch, noinput = 0, rc;
	enum db_rc		 dbrc;

	memset(&pw, 0, sizeof(pw));
	while ((ch = next_opt("users set-password", argc, argv, lo)) != -1) {
		switch (ch) {
		case 'N':
			noinput = 1;
			break;
		case 'h':
			verb_usage(stdout, find_verb("users", "set-password"), 1);
			return ADM_OK;
		default:
			return ADM_USAGE;
		}
	}
	if (one_user_arg("users set-password", argc, argv, &who) == -1)
		return ADM_USAGE;
	if (noinput && getenv(ENV_USER_PW) == NULL) {
		warnline("users set-password: --noinput takes the password from " ENV_USER_PW);
		return ADM_USAGE;
	}
	if (!noinput && !isatty(STDIN_FILENO)) {
		warnline("users set-password: standard input is not a terminal: use --noinput");
		return ADM_USAGE;
	}
	if (admin_open(a) == -1)
		return ADM_FAIL;
	if ((rc = find_user(a, who, &u)) != ADM_OK)
		return rc;
	rc = ADM_FAIL;
	if (noinput) {
		if (env_password(a, ENV_USER_PW, &pw) != 1)
			goto out;
	} else {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		(void)sigaction(SIGINT, &sa, NULL);
		(void)sigaction(SIGTERM, &sa, NULL);
		printf("Changing password for user '");
		put_clean(stdout, u.email, u.email_len);
		printf("'\n");
		prompt_password(a, &pw);
	}
	if (hash_password(&pw, hash, sizeof(hash)) == -1)
		goto out;
	switch ((dbrc = db_user_set_password(a->db, u.id, hash, 0))) {
	case DB_OK:
		cli_audit(a, "admin_set_password", u.id, AUDIT_OK);
		printf("Password changed successfully for user '");
		put_clean(stdout, u.email, u.email_len);
		printf("'.\n");
		rc = ADM_OK;
		break;
	case DB_NONE:
		warnline("no user with id %" PRId64 " (deleted meanwhile)", u.id);
		break;
	default:
		(void)db_fail(dbrc);
		break;
	}
out:
	explicit_bzero(hash, sizeof(hash));
	field_free(&pw, 1);
	return rc;
}

static int
cmd_users_delete(struct admin *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct db_admin_user	 u;
	struct sigaction	 sa;
	const char		*who;
	char			*line;
	size_t			 n;
	int			 ch, yes = 0, rc, ok;
	enum db_rc		 dbrc;

	while ((ch = next_opt("users delete", argc, argv, lo)) != -1) {
		switch (ch) {
		case 'y':
			yes = 1;
			break;
		case 'h':
			verb_usage(stdout, find_verb("users", "delete"), 1);
			return ADM_OK;
		default:
			return ADM_USAGE;
		}
	}
	if (one_user_arg("users delete", argc, argv, &who) == -1)
		return ADM_USAGE;
	if (!yes && !isatty(STDIN_FILENO)) {
		warnline("users delete: standard input is not a terminal: confirm with --yes");
		return ADM_USAGE;
	}
	if (admin_open(a) == -1)
		return ADM_FAIL;
	if ((rc = find_user(a, who, &u)) != ADM_OK)
		return rc;
	if (!yes) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		(void)sigaction(SIGINT, &sa, NULL);
		printf("Delete user %" PRId64 " '", u.id);
		put_clean(stdout, u.email, u.email_len);
		printf("'? [y/N]: ");
		if ((line = ask("", 0, &n)) == NULL)
			cancelled(a);
		ok = (n == 1 && (line[0] == 'y' || line[0] == 'Y')) ||
		    strcasecmp(line, "yes") == 0;
		free(line);
		if (!ok) {
			warnline("not deleted");
			return ADM_FAIL;
		}
	}
	switch ((dbrc = db_admin_delete(a->db, u.id))) {
	case DB_OK:
		cli_audit(a, "admin_delete", u.id, AUDIT_OK);
		printf("User %" PRId64 " deleted.\n", u.id);
		return ADM_OK;
	case DB_NONE:
		warnline("no user with id %" PRId64 " (deleted meanwhile)", u.id);
		return ADM_FAIL;
	case DB_LAST_ADMIN:
		cli_audit(a, "admin_delete", u.id, AUDIT_FAILED);
		last_admin(&u, "delete");
		return ADM_FAIL;
	default:
		return db_fail(dbrc);
	}
}

/* ---------------------------------------------------------------- check */

/* accounts_user as sql/migrations/0001_accounts_user.sql (and the original's migration) makes it. */
static const struct {
	const char	*name;
	const char	*desc;	/* "type YES|NO[ extra]" as information_schema words it */
} want_cols[] = {
	{ "id", "bigint(20) NO auto_increment" },
	{ "password", "varchar(128) NO" },
	{ "last_login", "datetime(6) YES" },
	{ "email", "varchar(255) NO" },
	{ "name", "varchar(200) NO" },
	{ "tc", "tinyint(1) NO" },
	{ "is_active", "tinyint(1) NO" },
	{ "is_admin", "tinyint(1) NO" },
	{ "created_at", "datetime(6) NO" },
	{ "updated_at", "datetime(6) NO" },
};
#define WANT_KEYS	"PRIMARY(id) email(email)"

static void
report(int ok, const char *what, const char *detail)
{
	printf("%-24s %s%s%s\n", what, ok ? "ok" : "FAILED", detail[0] != '\0' ? ": " : "",
	    detail);
}

/* Compare the server's column list with want_cols; differences into out.  1 same, 0 not. */
static int
compare_columns(const char *found, char *out, size_t sz)
{
	char		 copy[4096], *p, *tok, *sp, *save = NULL;
	unsigned char	 seen[NITEMS(want_cols)];
	size_t		 i, len = 0;
	int		 same = 1;

	memset(seen, 0, sizeof(seen));
	out[0] = '\0';
	(void)snprintf(copy, sizeof(copy), "%s", found);
	for (p = copy; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL) {
		while (*tok == ' ')
			tok++;
		if ((sp = strchr(tok, ' ')) == NULL)
			continue;
		*sp++ = '\0';
		for (i = 0; i < NITEMS(want_cols); i++)
			if (strcmp(want_cols[i].name, tok) == 0)
				break;
		if (i == NITEMS(want_cols)) {
			(void)snprintf(out + len, sz - len, "%sunexpected column %s",
			    len ? "; " : "", tok);
		} else {
			seen[i] = 1;
			if (strcmp(want_cols[i].desc, sp) == 0)
				continue;
			(void)snprintf(out + len, sz - len, "%s%s is \"%s\", expected \"%s\"",
			    len ? "; " : "", tok, sp, want_cols[i].desc);
		}
		len = strlen(out);
		same = 0;
	}
	for (i = 0; i < NITEMS(want_cols); i++)
		if (!seen[i]) {
			(void)snprintf(out + len, sz - len, "%smissing column %s", len ? "; " : "",
			    want_cols[i].name);
			len = strlen(out);
			same = 0;
		}
	return same;
}

static int
cmd_check(struct admin *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char		 err[512], cols[4096], keys[1024], diff[2048];
	int		 ch, failed = 0;
	enum db_rc	 dbrc;

	while ((ch = next_opt("check", argc, argv, lo)) != -1) {
		switch (ch) {
		case 'h':
			verb_usage(stdout, find_verb(NULL, "check"), 1);
			return ADM_OK;
		default:
			return ADM_USAGE;
		}
	}
	if (optind < argc) {
		warnline("check: unexpected argument \"%s\"", argv[optind]);
		return ADM_USAGE;
	}
	if (cfg_load(&a->cfg, err, sizeof(err)) == -1) {
		report(0, "configuration", err);
		return ADM_FAIL;
	}
	a->loaded = 1;
	if (pw_init(&a->cfg, err, sizeof(err)) == -1) {
		report(0, "configuration", err);
		return ADM_FAIL;
	}
	report(1, "configuration", "");
	if ((a->db = db_new(&a->cfg)) == NULL) {
		warnline("out of memory");
		return ADM_FAIL;
	}
	(void)snprintf(diff, sizeof(diff), "database %s on %s", a->cfg.db_name,
	    a->cfg.ndb_hosts > 0 ? a->cfg.db_hosts_raw :
	    a->cfg.db_socket[0] != '\0' ? a->cfg.db_socket : a->cfg.db_host);
	if ((dbrc = db_schema(a->db, cols, sizeof(cols), keys, sizeof(keys))) != DB_OK) {
		report(0, "database", "cannot connect or query (see the message above)");
		return ADM_FAIL;
	}
	report(1, "database", diff);
	if (cols[0] == '\0') {
		report(0, "table accounts_user", "missing (load sql/migrations/0001_accounts_user.sql)");
		return ADM_FAIL;
	}
	report(1, "table accounts_user", "");
	if (compare_columns(cols, diff, sizeof(diff)))
		report(1, "columns", "");
	else {
		report(0, "columns", diff);
		failed = 1;
	}
	if (strcmp(keys, WANT_KEYS) == 0)
		report(1, "unique keys", WANT_KEYS);
	else {
		(void)snprintf(diff, sizeof(diff), "\"%s\", expected \"%s\"", keys, WANT_KEYS);
		report(0, "unique keys", diff);
		failed = 1;
	}
	return failed ? ADM_FAIL : ADM_OK;
}

/* ---------------------------------------------------------------- audit */

/* The newest rows the query selected, newest first (db_audit_list's order). */
struct audit_rows {
	struct db_audit_row	*r;
	size_t			 n, cap;
	int			 oom;
};

static int
audit_collect(void *arg, const struct db_audit_row *row)
{
	struct audit_rows	*a = arg;
	struct db_audit_row	*p;

	if (a->n == a->cap) {
		if ((p = reallocarray(a->r, a->cap ? a->cap * 2 : 64, sizeof(*p))) == NULL) {
			a->oom = 1;
			return -1;
		}
		a->r = p;
		a->cap = a->cap ? a->cap * 2 : 64;
	}
	a->r[a->n++] = *row;
	return 0;
}

static const char *const audit_head[NCOL] = {
	"TIME (UTC)", "EVENT", "OUTCOME", "USER", "TARGET", "CLIENT", "USER AGENT"
};
static const char *const audit_csv_head[] = {
	"id", "created_at", "event", "outcome", "user_id", "target_id", "client", "user_agent",
};

/* An id column: the number, or "-" for NULL. */
static const char *
id_text(int64_t id, char *out, size_t sz)
{
	if (id == 0)
		return "-";
	(void)snprintf(out, sz, "%" PRId64, id);
	return out;
}

/* Row i of the table: rows is newest first, the table oldest first. */
static void
audit_cells(const void *rows, size_t i, struct cells *c)
{
	const struct audit_rows		*a = rows;
	const struct db_audit_row	*r = &a->r[a->n - 1 - i];
	size_t				 k;

	c->v[0] = short_time(r->created_at, c->t, sizeof(c->t));
	c->v[1] = r->event;
	c->v[2] = r->outcome;
	c->v[3] = id_text(r->user_id, c->id, sizeof(c->id));
	c->v[4] = id_text(r->target_id, c->id2, sizeof(c->id2));
	c->v[5] = r->client;
	c->v[6] = r->user_agent;
	for (k = 0; k < NCOL; k++) {
		c->len[k] = k == 6 ? r->user_agent_len : strlen(c->v[k]);
		c->w[k] = py_utf8_len(c->v[k], c->len[k]);
	}
}

/* The rows in fmt, oldest first.  0, or -1 (reported). */
static int
print_audit(const struct audit_rows *a, enum fmt fmt)
{
	const struct db_audit_row	*r;
	struct buf			 b = BUF_INIT;
	struct jout			 j;
	char				 t[40], id[3][24];
	size_t				 i, k;

	switch (fmt) {
	case FMT_TABLE:
		print_table(audit_head, a, a->n, audit_cells, 1u << 3 | 1u << 4);
		return 0;
	case FMT_CSV:
		for (k = 0; k < NITEMS(audit_csv_head); k++)
			csv_field(stdout, audit_csv_head[k], strlen(audit_csv_head[k]),
			    k + 1 == NITEMS(audit_csv_head));
		for (i = a->n; i-- > 0;) {
			r = &a->r[i];
			(void)snprintf(id[0], sizeof(id[0]), "%" PRId64, r->id);
			(void)snprintf(id[1], sizeof(id[1]), "%" PRId64, r->user_id);
			(void)snprintf(id[2], sizeof(id[2]), "%" PRId64, r->target_id);
			iso_utc(r->created_at, t, sizeof(t));
			csv_field(stdout, id[0], strlen(id[0]), 0);
			csv_field(stdout, t, strlen(t), 0);
			csv_field(stdout, r->event, strlen(r->event), 0);
			csv_field(stdout, r->outcome, strlen(r->outcome), 0);
			/* NULL as an empty field */
			csv_field(stdout, id[1], r->user_id ? strlen(id[1]) : 0, 0);
			csv_field(stdout, id[2], r->target_id ? strlen(id[2]) : 0, 0);
			csv_field(stdout, r->client, strlen(r->client), 0);
			csv_field(stdout, r->user_agent, r->user_agent_len, 1);
		}
		return 0;
	case FMT_JSON:
		break;
	}
	jout_init(&j, &b, JOUT_DRF, 0);
	jout_arr_open(&j);
	for (i = a->n; i-- > 0;) {
		r = &a->r[i];
		jout_obj_open(&j);
		jout_key(&j, "id");
		jout_int(&j, (long long)r->id);
		jout_kv(&j, "created_at", iso_utc(r->created_at, t, sizeof(t)));
		jout_kv(&j, "event", r->event);
		jout_kv(&j, "outcome", r->outcome);
		jout_key(&j, "user_id");
		if (r->user_id != 0)
			jout_int(&j, (long long)r->user_id);
		else
			jout_null(&j);
		jout_key(&j, "target_id");
		if (r->target_id != 0)
			jout_int(&j, (long long)r->target_id);
		else
			jout_null(&j);
		jout_kv(&j, "client", r->client);
		jout_key(&j, "user_agent");
		jout_str(&j, r->user_agent, r->user_agent_len);
		jout_obj_close(&j);
	}
	jout_arr_close(&j);
	if (!buf_ok(&b)) {
		buf_free(&b);
		warnline("out of memory");
		return -1;
	}
	printf("%s\n", buf_str(&b));
	buf_free(&b);
	return 0;
}

/* A whole non-negative number of at most max; 0, or -1 (reported as opt's). */
static int
opt_count(const char *opt, const char *v, long long max, long long *out)
{
	char	*end;

	errno = 0;
	*out = strtoll(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || *out > max) {
		warnline("--%s: expected a whole number from 0 to %lld, not \"%s\"", opt, max, v);
		return -1;
	}
	return 0;
}

/* audit --prune: the rows older than days (the configured retention when -1). */
static int
audit_prune(struct admin *a, long long days)
{
	struct tm	 tm;
	uint64_t	 n;
	time_t		 before;
	char		 t[32];
	enum db_rc	 dbrc;

	if (days == -1)
		days = a->cfg.audit_retention_days;
	if (days == 0) {
		warnline("audit --prune: [audit] retention_days is 0 (keep every row); "
		    "give the age as --prune=DAYS");
		return ADM_FAIL;
	}
	before = time(NULL) - (time_t)days * 86400;
	if ((dbrc = db_audit_prune(a->db, (int64_t)before, &n)) != DB_OK)
		return db_fail(dbrc);
	(void)gmtime_r(&before, &tm);
	(void)strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", &tm);
	printf("Deleted %" PRIu64 " audit row%s older than %s UTC (%lld days).\n", n,
	    n == 1 ? "" : "s", t, days);
	return ADM_OK;
}

static int
cmd_audit(struct admin *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "event", required_argument, NULL, 'e' },
		{ "since", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "prune", optional_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct db_audit_query	 q;
	struct db_admin_user	 u;
	struct audit_rows	 r = { NULL, 0, 0, 0 };
	const char		*user = NULL, *p;
	time_t			 since;
	long long		 limit = 100, days = -2, uid;
	enum fmt		 fmt = FMT_TABLE;
	enum db_rc		 dbrc;
	int			 ch, filters = 0, rc = ADM_FAIL;

	memset(&q, 0, sizeof(q));
	while ((ch = next_opt("audit", argc, argv, lo)) != -1) {
		switch (ch) {
		case 'u':
			user = optarg;
			filters = 1;
			break;
		case 'e':
			for (p = optarg; (*p >= 'a' && *p <= 'z') || *p == '_'; p++)
				continue;
			if (*optarg == '\0' || *p != '\0' || p - optarg > 32) {
				warnline("--event: expected an event name (login, register, ...), "
				    "not \"%s\"", optarg);
				return ADM_USAGE;
			}
			q.event = optarg;
			filters = 1;
			break;
		case 's':
			if (audit_parse_since(optarg, time(NULL), &since) == -1) {
				warnline("--since: expected YYYY-MM-DD[ HH:MM[:SS]] (UTC) or an age "
				    "such as 30m, 12h, 7d, not \"%s\"", optarg);
				return ADM_USAGE;
			}
			q.since = (int64_t)since;
			filters = 1;
			break;
		case 'l':
			if (opt_count("limit", optarg, 1000000000LL, &limit) == -1)
				return ADM_USAGE;
			filters = 1;
			break;
		case 'f':
			if (parse_format(optarg, &fmt) == -1)
				return ADM_USAGE;
			filters = 1;
			break;
		case 'p':
			days = -1;
			/* --prune DAYS as well as --prune=DAYS */
			if (optarg == NULL && optind < argc && argv[optind][0] >= '0' &&
			    argv[optind][0] <= '9')
				optarg = argv[optind++];
			if (optarg != NULL && (opt_count("prune", optarg, 36500, &days) == -1 ||
			    days == 0)) {
				if (days == 0)
					warnline("--prune: the age in days must be at least 1");
				return ADM_USAGE;
			}
			break;
		case 'h':
			verb_usage(stdout, find_verb(NULL, "audit"), 1);
			return ADM_OK;
		default:
			return ADM_USAGE;
		}
	}
	if (optind < argc) {
		warnline("audit: unexpected argument \"%s\"", argv[optind]);
		return ADM_USAGE;
	}
	if (days != -2 && filters) {
		warnline("audit: --prune takes no other option");
		return ADM_USAGE;
	}
	if (admin_open(a) == -1)
		return ADM_FAIL;
	if (days != -2)
		return audit_prune(a, days);
	if (user != NULL) {
		/* An id as it is (rows outlive users); an email names a user who exists. */
		for (p = user; *p >= '0' && *p <= '9'; p++)
			continue;
		if (*user != '\0' && *p == '\0') {
			if (opt_count("user", user, INT64_MAX, &uid) == -1)
				return ADM_USAGE;
			if (uid == 0) {
				warnline("--user: ids start at 1");
				return ADM_USAGE;
			}
			q.user = (int64_t)uid;
		} else if ((rc = find_user(a, user, &u)) != ADM_OK)
			return rc;
		else
			q.user = u.id;
	}
	q.limit = (int64_t)limit;
	if ((dbrc = db_audit_list(a->db, &q, audit_collect, &r)) != DB_OK) {
		(void)db_fail(dbrc);
		goto out;
	}
	if (r.oom)
		warnline("out of memory");
	else if (print_audit(&r, fmt) == 0)
		rc = ADM_OK;
out:
	free(r.r);
	return rc;
}

/* ---------------------------------------------------------------- migrate */

#ifndef MIGRATIONSDIR
#define MIGRATIONSDIR	"/usr/local/share/jwtauth/sql/migrations"
#endif
#define MIGRATION_MAX	(1024 * 1024)	/* bytes of one file */

/* The applied migrations' names and times, as db_migrate_list gives them. */
struct applied {
	char	**name;
	char	**at;
	size_t	 n;
	int	 oom;
};

static int
collect_applied(void *arg, const char *name, const char *at)
{
	struct applied	*a = arg;
	char		**nn, **na;

	if ((nn = reallocarray(a->name, a->n + 1, sizeof(*nn))) != NULL)
		a->name = nn;
	if ((na = reallocarray(a->at, a->n + 1, sizeof(*na))) != NULL)
		a->at = na;
	if (nn == NULL || na == NULL ||
	    (a->name[a->n] = strdup(name)) == NULL) {
		a->oom = 1;
		return 1;
	}
	if ((a->at[a->n] = strdup(at)) == NULL) {
		free(a->name[a->n]);
		a->oom = 1;
		return 1;
	}
	a->n++;
	return 0;
}

/* When name was applied ("" when it was not). */
static const char *
applied_at(const struct applied *a, const char *name)
{
	size_t	 i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->name[i], name) == 0)
			return a->at[i];
	return "";
}

/* A migration's file name: NNNN_name.sql, letters, digits and '_'. */
static int
migration_file(const struct dirent *d)
{
	static regex_t	 re;
	static int	 compiled;

	if (!compiled) {
		if (regcomp(&re, "^[0-9]{4}_[A-Za-z0-9_]+\\.sql$", REG_EXTENDED | REG_NOSUB) != 0)
			return 0;
		compiled = 1;
	}
	return regexec(&re, d->d_name, 0, NULL, 0) == 0;
}

/* Read dir/file whole into b.  0, or -1 with a message printed. */
static int
read_migration(const char *dir, const char *file, struct buf *b)
{
	char	 path[4096], chunk[8192];
	ssize_t	 n;
	int	 fd;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		warnline("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (b->len + (size_t)n > MIGRATION_MAX || buf_add(b, chunk, (size_t)n) == -1) {
			warnline("%s: too large", path);
			close(fd);
			return -1;
		}
	close(fd);
	if (n == -1) {
		warnline("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Apply sql/migrations/NNNN_name.sql files not yet recorded in
 * jwtauth_migrations, in order, as Django's migrate does its migrations
 * (and print as it does); --list shows them as showmigrations.
 */
static int
cmd_migrate(struct admin *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "list", no_argument, NULL, 'l' },
		{ "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct applied	  ap = { NULL, NULL, 0, 0 };
	struct dirent	**files = NULL;
	struct buf	  text = BUF_INIT;
	const char	 *dir = MIGRATIONSDIR, *at;
	char		  name[256], err[1024], *end;
	long		  wait = 60;
	int		  ch, list = 0, nfiles = -1, i, rc = ADM_FAIL, locked = 0, done = 0;
	size_t		  j;
	enum db_rc	  dbrc;

	while ((ch = next_opt("migrate", argc, argv, lo)) != -1) {
		switch (ch) {
		case 'd':
			dir = optarg;
			break;
		case 'l':
			list = 1;
			break;
		case 'w':
			errno = 0;
			wait = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg || wait < 0 || wait > 86400) {
				warnline("migrate: --wait takes seconds, 0 to 86400");
				return ADM_USAGE;
			}
			break;
		case 'h':
			verb_usage(stdout, find_verb(NULL, "migrate"), 1);
			return ADM_OK;
		default:
			return ADM_USAGE;
		}
	}
	if (optind < argc) {
		warnline("migrate: unexpected argument \"%s\"", argv[optind]);
		return ADM_USAGE;
	}
	if ((nfiles = scandir(dir, &files, migration_file, alphasort)) == -1) {
		warnline("%s: %s", dir, strerror(errno));
		return ADM_FAIL;
	}
	if (admin_open(a) == -1)
		goto out;
	/* --list changes nothing: no lock, no table made (a missing one lists nothing applied). */
	switch (list ? DB_OK : (dbrc = db_migrate_lock(a->db, (int)wait))) {
	case DB_OK:
		locked = !list;
		break;
	case DB_NONE:
		warnline("migrate: another migrate held the lock for %ld seconds", wait);
		goto out;
	default:
		warnline("migrate: cannot take the lock or create jwtauth_migrations (see the "
		    "message above); run it as the database's owner");
		goto out;
	}
	if ((dbrc = db_migrate_list(a->db, collect_applied, &ap)) != DB_OK || ap.oom) {
		rc = ap.oom ? (warnline("out of memory"), ADM_FAIL) : db_fail(dbrc);
		goto out;
	}
	if (list) {
		for (i = 0; i < nfiles; i++) {
			(void)snprintf(name, sizeof(name), "%.*s",
			    (int)(strlen(files[i]->d_name) - 4), files[i]->d_name);
			at = applied_at(&ap, name);
			printf(" [%c] %s%s%s\n", at[0] != '\0' ? 'X' : ' ', name,
			    at[0] != '\0' ? "  applied " : "", at);
		}
		for (j = 0; j < ap.n; j++) {
			for (i = 0; i < nfiles; i++)
				if (strncmp(files[i]->d_name, ap.name[j], strlen(ap.name[j])) == 0 &&
				    strcmp(files[i]->d_name + strlen(ap.name[j]), ".sql") == 0)
					break;
			if (i == nfiles)
				printf(" [X] %s  applied %s (no file in %s)\n", ap.name[j],
				    ap.at[j], dir);
		}
		rc = ADM_OK;
		goto out;
	}
	printf("Operations to perform:\n  Apply all migrations: %s\nRunning migrations:\n", dir);
	for (i = 0; i < nfiles; i++) {
		(void)snprintf(name, sizeof(name), "%.*s",
		    (int)(strlen(files[i]->d_name) - 4), files[i]->d_name);
		if (applied_at(&ap, name)[0] != '\0')
			continue;
		printf("  Applying %s...", name);
		fflush(stdout);
		buf_reset(&text);
		if (read_migration(dir, files[i]->d_name, &text) == -1) {
			printf(" FAILED\n");
			goto out;
		}
		if (db_migrate_apply(a->db, name, buf_str(&text), text.len, err,
		    sizeof(err)) != DB_OK) {
			printf(" FAILED\n");
			warnline("migrate: %s: %s", name, err);
			goto out;
		}
		printf(" OK\n");
		done++;
	}
	if (done == 0)
		printf("  No migrations to apply.\n");
	rc = ADM_OK;
out:
	if (locked)
		db_migrate_unlock(a->db);
	for (j = 0; j < ap.n; j++) {
		free(ap.name[j]);
		free(ap.at[j]);
	}
	free(ap.name);
	free(ap.at);
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	buf_free(&text);
	return rc;
}

/* ---------------------------------------------------------------- tokens */

/*
 * simplejwt's flushexpiredtokens: the outstanding refresh tokens expired
 * now (with their blacklisted rows) and jwtauth's own expired token rows.
 * Silent on success, as Django's command.
 */
static int
cmd_flushexpiredtokens(struct admin *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct timespec	 ts;
	double		 now;
	long		 life;
	int		 ch;
	enum db_rc	 dbrc;

	while ((ch = next_opt("flushexpiredtokens", argc, argv, lo)) != -1) {
		switch (ch) {
		case 'h':
			verb_usage(stdout, find_verb(NULL, "flushexpiredtokens"), 1);
			return ADM_OK;
		default:
			return ADM_USAGE;
		}
	}
	if (optind < argc) {
		warnline("flushexpiredtokens: unexpected argument \"%s\"", argv[optind]);
		return ADM_USAGE;
	}
	if (admin_open(a) == -1)
		return ADM_FAIL;
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	/* A revocation time older than the longest lifetime refuses no live token. */
	life = a->cfg.refresh_lifetime > a->cfg.access_lifetime ?
	    a->cfg.refresh_lifetime : a->cfg.access_lifetime;
	if ((dbrc = db_tokens_flush(a->db, now, (int64_t)ts.tv_sec - life)) != DB_OK)
		return db_fail(dbrc);
	return ADM_OK;
}

/* ---------------------------------------------------------------- the verbs */

static const struct verb verbs[] = {
	{ NULL, "createsuperuser", cmd_createsuperuser,
	  "[--noinput] [--email EMAIL] [--name NAME] [--tc[=yes|no]]",
	  "Create an admin (is_admin = 1), prompting for what the options do not give:\n"
	  "Email, Name, Tc, Password and Password (again), with register's validations.\n"
	  "--noinput takes the password from " ENV_SUPERUSER_PW "; without it the\n"
	  "account gets an unusable password (as Django's createsuperuser does).\n" },
	{ "users", "list", cmd_users_list,
	  "[--search TEXT] [--admin yes|no] [--active yes|no] [--format table|json|csv]",
	  "List users ordered by email, then id.  --search matches part of the email,\n"
	  "ignoring case.  Times are UTC.\n" },
	{ "users", "show", cmd_users_show, "[--format table|json|csv] ID|EMAIL",
	  "Show one user.\n" },
	{ "users", "add", cmd_users_add,
	  "[--noinput] [--email EMAIL] [--name NAME] [--tc[=yes|no]] [--admin yes|no]",
	  "Add a user (not an admin unless --admin yes), prompting as createsuperuser.\n"
	  "--noinput takes the password from " ENV_USER_PW "; without it the account\n"
	  "gets an unusable password.\n" },
	{ "users", "set", cmd_users_set,
	  "[--email EMAIL] [--name NAME] [--tc yes|no] [--admin yes|no] [--active yes|no] ID|EMAIL",
	  "Change a user.  The last active admin cannot be demoted or deactivated.\n" },
	{ "users", "set-password", cmd_users_set_password, "[--noinput] ID|EMAIL",
	  "Set a user's password, prompted twice without echo; --noinput takes it from\n"
	  ENV_USER_PW ".\n" },
	{ "users", "delete", cmd_users_delete, "[--yes] ID|EMAIL",
	  "Delete a user, after a confirmation on the terminal unless --yes (required\n"
	  "when standard input is not a terminal).  The last active admin cannot be\n"
	  "deleted.\n" },
	{ NULL, "flushexpiredtokens", cmd_flushexpiredtokens, "",
	  "Delete the refresh tokens that have expired from simplejwt's outstanding and\n"
	  "blacklisted tables, and jwtauth's own expired token rows (simplejwt's\n"
	  "command of the same name; run it from cron).  Prints nothing when done.\n" },
	{ NULL, "audit", cmd_audit,
	  "[--user ID|EMAIL] [--event NAME] [--since TIME] [--limit N] [--format table|json|csv]\n"
	  "       " PROG " audit --prune[=DAYS]",
	  "Show the audit log (the table jwtauth_audit): the newest --limit rows (100;\n"
	  "0 for all) that match, oldest first.  --user matches the user who acted and\n"
	  "the user acted on (an id also finds the rows of a deleted user); --event one\n"
	  "event (register, login, refresh, password_change, reset_mail, reset_done,\n"
	  "admin_create, admin_update, admin_delete, admin_set_password, ...); --since\n"
	  "a UTC time (YYYY-MM-DD[ HH:MM[:SS]]) or an age (30m, 12h, 7d).  Times are UTC;\n"
	  "USER is who acted, TARGET the user acted on, \"-\" for none.\n"
	  "--prune deletes the rows older than DAYS, by default [audit] retention_days.\n" },
	{ NULL, "migrate", cmd_migrate, "[--list] [--dir DIR] [--wait SECONDS]",
	  "Apply the schema migrations (sql/migrations/NNNN_name.sql, installed in\n"
	  MIGRATIONSDIR ") that the database has not\n"
	  "recorded in jwtauth_migrations, in order, each recorded when done.  Run it\n"
	  "as the database's owner (JWTAUTH_DB_USER, JWTAUTH_DB_PASSWORD): the\n"
	  "service's own user needs no DDL rights.  A lock (a row of\n"
	  "jwtauth_migrate_lock, cluster-wide under Galera) makes a second\n"
	  "migrate wait up to --wait seconds (60).  --list shows each migration,\n"
	  "[X] when applied, and applies nothing.  accounts_user is never altered.\n" },
	{ NULL, "check", cmd_check, "",
	  "Check that the configuration loads, the database answers and accounts_user\n"
	  "has the columns and unique keys of sql/migrations/0001_accounts_user.sql.  One line per check.\n" },
};

static const struct verb *
find_verb(const char *group, const char *name)
{
	size_t	 i;

	for (i = 0; i < NITEMS(verbs); i++)
		if (((group == NULL && verbs[i].group == NULL) ||
		    (group != NULL && verbs[i].group != NULL &&
		    strcmp(group, verbs[i].group) == 0)) &&
		    strcmp(name, verbs[i].name) == 0)
			return &verbs[i];
	return NULL;
}

static void
verb_usage(FILE *fp, const struct verb *v, int full)
{
	fprintf(fp, "usage: %s %s%s%s%s%s\n", PROG, v->group ? v->group : "",
	    v->group ? " " : "", v->name, v->usage[0] != '\0' ? " " : "", v->usage);
	if (full)
		fprintf(fp, "\n%s", v->help);
}

/* Every verb's usage line; group limits it to one group. */
static void
usage(FILE *fp, const char *group)
{
	size_t	 i;

	for (i = 0; i < NITEMS(verbs); i++)
		if (group == NULL || (verbs[i].group != NULL && strcmp(group, verbs[i].group) == 0))
			verb_usage(fp, &verbs[i], 0);
	fprintf(fp, "Run \"%s VERB --help\" for one verb; exit status 0 ok, 1 failed, 2 usage.\n",
	    PROG);
}

int
main(int argc, char *argv[])
{
	struct admin		 a;
	const struct verb	*v = NULL;
	const char		*group = NULL;
	size_t			 i;
	int			 rc, skip;

	memset(&a, 0, sizeof(a));
	log_init(PROG, LOG_ERR);
	if (argc < 2) {
		usage(stderr, NULL);
		warnline("which verb?");
		return ADM_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout, NULL);
		return ADM_OK;
	}
	if ((v = find_verb(NULL, argv[1])) != NULL)
		skip = 1;
	else {
		group = argv[1];
		for (i = 0; i < NITEMS(verbs); i++)
			if (verbs[i].group != NULL && strcmp(verbs[i].group, group) == 0)
				break;
		if (i == NITEMS(verbs)) {
			warnline("unknown verb \"%s\" (see %s --help)", group, PROG);
			return ADM_USAGE;
		}
		if (argc < 3) {
			usage(stderr, group);
			warnline("%s: which verb?", group);
			return ADM_USAGE;
		}
		if (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0) {
			usage(stdout, group);
			return ADM_OK;
		}
		if ((v = find_verb(group, argv[2])) == NULL) {
			warnline("unknown verb \"%s %s\" (see %s --help)", group, argv[2], PROG);
			return ADM_USAGE;
		}
		skip = 2;
	}
	optind = 1;
	rc = v->fn(&a, argc - skip, argv + skip);
	fflush(stdout);
	admin_close(&a);
	return rc;
}
