#include "util/xml.h"

#include "util/file.h"
#include "util/xml_impl.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "util/limits.h"
#include "util/paths.h"
#include "util/utf8.h"

/* libxml2 2.9 keeps its error callbacks per thread; a new thread starts
 * with the "thread default" ones, which init points at these. */
static void silent_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void silent_structured(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

static pthread_mutex_t xml_lock = PTHREAD_MUTEX_INITIALIZER;
static int xml_initialised;

#define SCHEMA_CACHE_MAX 8
static struct {
	char name[64];
	xmlRelaxNGPtr schema;
} schema_cache[SCHEMA_CACHE_MAX];

/* A mutex-guarded flag rather than pthread_once: init after cleanup
 * (unit tests do that) must initialise again. */
void folio_xml_init(void)
{
	pthread_mutex_lock(&xml_lock);
	if (!xml_initialised) {
		xmlInitParser();
		xmlThrDefSetGenericErrorFunc(NULL, silent_generic);
		xmlThrDefSetStructuredErrorFunc(NULL, silent_structured);
		xmlSetGenericErrorFunc(NULL, silent_generic);
		xmlSetStructuredErrorFunc(NULL, silent_structured);
		xml_initialised = 1;
	}
	pthread_mutex_unlock(&xml_lock);
}

void folio_xml_cleanup(void)
{
	int i;

	pthread_mutex_lock(&xml_lock);
	for (i = 0; i < SCHEMA_CACHE_MAX; i++) {
		if (schema_cache[i].schema != NULL)
			xmlRelaxNGFree(schema_cache[i].schema);
		schema_cache[i].schema = NULL;
		schema_cache[i].name[0] = '\0';
	}
	if (xml_initialised) {
		xmlCleanupParser();
		xml_initialised = 0;
	}
	pthread_mutex_unlock(&xml_lock);
}

/* Route this thread's global libxml2 error channels (used by code paths
 * that have no context, such as I/O and encoding errors) to `handler`
 * for the duration of one call; restored to silence afterwards. */
void xml_errors_to(void *data, xmlStructuredErrorFunc handler)
{
	xmlSetGenericErrorFunc(NULL, silent_generic);
	xmlSetStructuredErrorFunc(data, handler ? handler : silent_structured);
}

/* ---- positions ------------------------------------------------------ */

/* Element positions live in xmlNode._private (free for applications):
 * line in the high half, column in the low half. libxml2's own line
 * field saturates at 65535 and it keeps no column at all. */
#if UINTPTR_MAX > 0xFFFFFFFFu
static void *pack_position(unsigned line, unsigned col)
{
	return (void *)(((uintptr_t)line << 32) | (uintptr_t)col);
}
static void unpack_position(const void *p, unsigned *line, unsigned *col)
{
	uintptr_t v = (uintptr_t)p;
	*line = (unsigned)(v >> 32);
	*col = (unsigned)(v & 0xFFFFFFFFu);
}
#else
static void *pack_position(unsigned line, unsigned col)
{
	(void)col;
	return (void *)(uintptr_t)line;
}
static void unpack_position(const void *p, unsigned *line, unsigned *col)
{
	*line = (unsigned)(uintptr_t)p;
	*col = 1;
}
#endif

long folio_xml_node_line(const void *node)
{
	unsigned line, col;
	const xmlNode *n = node;

	if (n == NULL)
		return 0;
	if (n->type == XML_ELEMENT_NODE && n->_private != NULL) {
		unpack_position(n->_private, &line, &col);
		return (long)line;
	}
	return xmlGetLineNo(n);
}

unsigned folio_xml_node_col(const void *node)
{
	unsigned line, col;
	const xmlNode *n = node;

	if (n == NULL || n->type != XML_ELEMENT_NODE || n->_private == NULL)
		return 1;
	unpack_position(n->_private, &line, &col);
	return col ? col : 1;
}

/* ---- parsing -------------------------------------------------------- */

typedef struct parse_state {
	const char *name;
	const char *data;
	size_t len;
	int max_depth;
	folio_error *err;
	int failed;
	/* Forward-only cursor used to give every start tag its column. */
	size_t pos;
	unsigned line, col;
	startElementNsSAX2Func sax_start;
} parse_state;

static int fail(parse_state *st, int code, unsigned line, unsigned col,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(parse_state *st, int code, unsigned line, unsigned col,
	const char *fmt, ...)
{
	char text[FOLIO_ERROR_MSG_MAX];
	va_list ap;

	if (st->failed)
		return st->err ? st->err->code : code;
	st->failed = code;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return folio_error_set(st->err, code, "%s:%u:%u: %s", st->name,
		line ? line : 1, col ? col : 1, text);
}

/* Advance the cursor to byte `to`, counting lines and code points. */
static void advance(parse_state *st, size_t to)
{
	const unsigned char *s = (const unsigned char *)st->data;

	if (to > st->len)
		to = st->len;
	for (; st->pos < to; st->pos++) {
		if (s[st->pos] == '\n') {
			st->line++;
			st->col = 1;
		} else if ((s[st->pos] & 0xC0) != 0x80) {
			st->col++;
		}
	}
}

static void position_of(parse_state *st, size_t off, unsigned *line,
	unsigned *col)
{
	if (off < st->pos) {
		/* Not expected (start tags arrive in order); recount. */
		st->pos = 0;
		st->line = 1;
		st->col = 1;
	}
	advance(st, off);
	*line = st->line;
	*col = st->col;
}

static void on_start_element(void *ctx, const xmlChar *localname,
	const xmlChar *prefix, const xmlChar *uri, int nb_namespaces,
	const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
	const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = ctx;
	parse_state *st = ctxt->_private;
	long consumed = xmlByteConsumed(ctxt);
	size_t off;
	unsigned line = (unsigned)ctxt->input->line, col = 1;
	int depth = ctxt->nameNr + 1;

	/* The cursor sits at the end of the start tag; '<' cannot occur
	 * inside a tag, so the nearest one before it opens this element. */
	if (consumed > 0 && (size_t)consumed <= st->len) {
		off = (size_t)consumed;
		while (off > 0 && st->data[off - 1] != '<')
			off--;
		if (off > 0)
			position_of(st, off - 1, &line, &col);
	}
	if (depth > st->max_depth) {
		fail(st, FOLIO_ELIMIT, line, col,
			"<%s>: nesting limit exceeded: expected elements "
			"nested at most %d deep, found depth %d",
			(const char *)localname, st->max_depth, depth);
		xmlStopParser(ctxt);
		return;
	}
	st->sax_start(ctx, localname, prefix, uri, nb_namespaces, namespaces,
		nb_attributes, nb_defaulted, attributes);
	/* The new element is now ctxt->node (unless allocation failed and
	 * the parent, already marked, is still current). */
	if (ctxt->node != NULL && ctxt->node->_private == NULL)
		ctxt->node->_private = pack_position(line, col);
}

/* Backstop: the prolog scan refuses DOCTYPE first, but should anything
 * slip past it, stop before the DTD's content is read. */
static void on_internal_subset(void *ctx, const xmlChar *name,
	const xmlChar *external_id, const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	parse_state *st = ctxt->_private;

	(void)external_id;
	(void)system_id;
	fail(st, FOLIO_EINPUT, (unsigned)ctxt->input->line,
		(unsigned)ctxt->input->col,
		"expected no DTD (DOCTYPE is not allowed in folio sources), "
		"found <!DOCTYPE %s ...>", name ? (const char *)name : "");
	xmlStopParser(ctxt);
}

static const char *str_or(const char *s, const char *dflt)
{
	return s != NULL && s[0] != '\0' ? s : dflt;
}

/* libxml2 messages end in '\n'; copy without it. */
void xml_message_text(char *out, size_t outsz, const char *msg)
{
	size_t n;

	snprintf(out, outsz, "%s", msg ? msg : "unknown error");
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
}

static void on_parse_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = data;
	parse_state *st;
	char msg[512];
	unsigned line, col;
	const char *s1, *s2;

	if (ctxt == NULL || e == NULL || e->level < XML_ERR_ERROR)
		return;
	st = ctxt->_private;
	if (st == NULL || st->failed)
		return;
	line = e->line > 0 ? (unsigned)e->line : 1;
	col = e->int2 > 0 ? (unsigned)e->int2 : 1;
	s1 = str_or(e->str1, "?");
	s2 = str_or(e->str2, "?");
	xml_message_text(msg, sizeof(msg), e->message);
	switch (e->code) {
	case XML_ERR_TAG_NAME_MISMATCH:
		fail(st, FOLIO_EINPUT, line, col,
			"expected </%s> (closing <%s> from line %d), "
			"found </%s>", s1, s1, e->int1, s2);
		break;
	case XML_ERR_TAG_NOT_FINISHED:
		fail(st, FOLIO_EINPUT, line, col,
			"expected </%s> (closing <%s> from line %d), found the "
			"end of the file", s1, s1, e->int1);
		break;
	case XML_ERR_GT_REQUIRED:
		fail(st, FOLIO_EINPUT, line, col,
			"expected '>' ending the start tag <%s>, found "
			"something else", s1);
		break;
	case XML_ERR_ATTRIBUTE_NOT_STARTED:
		fail(st, FOLIO_EINPUT, line, col,
			"expected a quoted attribute value (\"...\" or '...'), "
			"found an unquoted value");
		break;
	case XML_ERR_LT_IN_ATTRIBUTE:
		fail(st, FOLIO_EINPUT, line, col,
			"expected a closing quote on the attribute value, "
			"found '<'");
		break;
	case XML_ERR_UNDECLARED_ENTITY:
	case XML_WAR_UNDECLARED_ENTITY:
		fail(st, FOLIO_EINPUT, line, col,
			"expected only &amp; &lt; &gt; &quot; &apos; or &#N; "
			"references, found &%s;", s1);
		break;
	case XML_ERR_DOCUMENT_EMPTY:
		fail(st, FOLIO_EINPUT, line, col,
			"expected an XML document, found no element");
		break;
	case XML_ERR_DOCUMENT_END:
		fail(st, FOLIO_EINPUT, line, col,
			"expected the end of the file after the root element, "
			"found more content");
		break;
	default:
		fail(st, FOLIO_EINPUT, line, col,
			"expected well-formed XML, found an error: %s", msg);
		break;
	}
}

/* Checks made on the raw bytes before libxml2 sees them, so the most
 * common mistakes get exact, actionable messages. Returns 0 or an error;
 * *body is set past a UTF-8 byte order mark. */
static int check_encoding(parse_state *st, size_t *body)
{
	const unsigned char *s = (const unsigned char *)st->data;
	size_t n = st->len, bad, i;
	unsigned line, col;

	*body = 0;
	if (n >= 4 && ((s[0] == 0xFF && s[1] == 0xFE && !s[2] && !s[3]) ||
	    (!s[0] && !s[1] && s[2] == 0xFE && s[3] == 0xFF)))
		return fail(st, FOLIO_EINPUT, 1, 1,
			"expected UTF-8, found UTF-32 (byte order mark)");
	if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) ||
	    (s[0] == 0xFE && s[1] == 0xFF)))
		return fail(st, FOLIO_EINPUT, 1, 1,
			"expected UTF-8, found UTF-16 (%s byte order mark)",
			s[0] == 0xFF ? "little-endian" : "big-endian");
	if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		*body = 3;
	/* Text in UTF-8 never starts with a NUL next to a non-NUL byte;
	 * UTF-16 without a byte order mark (or behind a UTF-8 one) does. */
	i = *body;
	if (n - i >= 2 && ((s[i] == 0) != (s[i + 1] == 0)))
		return fail(st, FOLIO_EINPUT, 1, 1,
			"expected UTF-8, found UTF-16 (%s, %s)",
			s[i] == 0 ? "big-endian" : "little-endian",
			*body ? "behind a UTF-8 byte order mark" :
			"no byte order mark");
	bad = folio_utf8_check(st->data, n);
	if (bad != n) {
		folio_utf8_position(st->data, bad, &line, &col);
		return fail(st, FOLIO_EINPUT, line, col,
			"invalid UTF-8 at byte %zu (expected UTF-8 text, found "
			"byte 0x%02X)", bad, s[bad]);
	}
	for (i = 0; i < n; i++) {
		if (s[i] == 0) {
			folio_utf8_position(st->data, i, &line, &col);
			return fail(st, FOLIO_EINPUT, line, col,
				"expected an XML character, found a NUL byte "
				"(byte %zu)", i);
		}
	}
	return 0;
}

static int is_space_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int starts(const char *s, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - s) >= n && memcmp(s, lit, n) == 0;
}

static const char *find(const char *s, const char *end, const char *lit)
{
	for (; s < end; s++)
		if (starts(s, end, lit))
			return s;
	return NULL;
}

/* The declared encoding (if any) must be UTF-8: libxml2 is told to
 * ignore it, so a file labelled GB2312 would otherwise be misread. */
static int check_declaration(parse_state *st, const char *p,
	const char *end)
{
	const char *decl_end = find(p, end, "?>"), *e, *q;
	char found[40];
	size_t n;
	unsigned line, col;

	if (decl_end == NULL)
		return 0; /* libxml2 reports the unterminated declaration */
	e = find(p, decl_end, "encoding");
	if (e == NULL)
		return 0;
	q = e + 8;
	while (q < decl_end && (is_space_byte(*q) || *q == '='))
		q++;
	if (q >= decl_end || (*q != '"' && *q != '\''))
		return 0;
	for (n = 0, q++; q + n < decl_end && q[n] != q[-1]; n++)
		;
	if ((n == 5 && strncasecmp(q, "UTF-8", 5) == 0) ||
	    (n == 4 && strncasecmp(q, "UTF8", 4) == 0))
		return 0;
	snprintf(found, sizeof(found), "%.*s", (int)(n < 32 ? n : 32), q);
	folio_utf8_position(st->data, (size_t)(e - st->data), &line, &col);
	return fail(st, FOLIO_EINPUT, line, col,
		"expected encoding=\"UTF-8\", found encoding=\"%s\" (save the "
		"file as UTF-8)", found);
}

/* A DOCTYPE may only appear in the prolog (after the declaration,
 * comments, processing instructions and white space): look there. */
static int check_prolog(parse_state *st, size_t body)
{
	const char *p = st->data + body, *end = st->data + st->len, *q;
	char shown[80];
	size_t i, n;
	unsigned line, col;
	int rc;

	while (p < end && is_space_byte(*p))
		p++;
	if (p == end)
		return fail(st, FOLIO_EINPUT, 1, 1, "expected an XML document, "
			"found %s", st->len ? "only white space" :
			"an empty file");
	if (starts(p, end, "<?xml") && p + 5 < end && is_space_byte(p[5]) &&
	    (rc = check_declaration(st, p, end)))
		return rc;
	for (;;) {
		while (p < end && is_space_byte(*p))
			p++;
		if (starts(p, end, "<!--")) {
			q = find(p + 4, end, "-->");
			if (q == NULL)
				return 0;
			p = q + 3;
		} else if (starts(p, end, "<?")) {
			q = find(p + 2, end, "?>");
			if (q == NULL)
				return 0;
			p = q + 2;
		} else {
			break;
		}
	}
	if (!starts(p, end, "<!DOCTYPE"))
		return 0;
	/* Show the declaration up to its subset or end, printable only. */
	for (i = n = 0; p + i < end && n + 1 < sizeof(shown) - 8; i++) {
		char c = p[i];
		if (c == '[' || c == '>')
			break;
		shown[n++] = is_space_byte(c) ? ' ' : c;
	}
	while (n > 0 && shown[n - 1] == ' ')
		n--;
	shown[n] = '\0';
	folio_utf8_position(st->data, (size_t)(p - st->data), &line, &col);
	return fail(st, FOLIO_EINPUT, line, col,
		"expected no DTD (DOCTYPE is not allowed in folio sources), "
		"found %s%s>", shown, p + i < end && p[i] == '[' ? " [...]" :
		"");
}

/* What the encoding and prolog checks leave to the guard: the number of
 * attributes on each start tag, and declarations past the prolog. */
static int check_markup(parse_state *st)
{
	xml_guard g;

	xml_guard_init(&g, FOLIO_MAX_ATTRIBUTES);
	if (xml_guard_feed(&g, st->data, st->len) < 0 ||
	    xml_guard_end(&g) < 0)
		return fail(st, g.failed, g.fail_line, g.fail_col, "%s",
			g.what);
	return 0;
}

static int resolve_limits(const folio_xml_limits *limits, size_t *max_bytes,
	int *max_depth)
{
	*max_bytes = limits && limits->max_bytes ? limits->max_bytes :
		FOLIO_MAX_SOURCE_BYTES;
	*max_depth = limits && limits->max_depth > 0 ? limits->max_depth :
		FOLIO_MAX_DEPTH;
	return 0;
}

int folio_xml_parse_memory(void **out, const char *data, size_t len,
	const char *name, const folio_xml_limits *limits, folio_error *err)
{
	parse_state st;
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	size_t max_bytes, body;
	int rc = 0, options;

	*out = NULL;
	memset(&st, 0, sizeof(st));
	st.name = name ? name : "-";
	st.data = data;
	st.len = len;
	st.err = err;
	st.line = 1;
	st.col = 1;
	resolve_limits(limits, &max_bytes, &st.max_depth);
	if (len > max_bytes)
		return fail(&st, FOLIO_ELIMIT, 1, 1,
			"size limit exceeded: expected at most %zu bytes, "
			"found %zu bytes", max_bytes, len);
	if (len > (size_t)INT_MAX)
		return fail(&st, FOLIO_ELIMIT, 1, 1, "size limit exceeded");
	if ((rc = check_encoding(&st, &body)) < 0 ||
	    (rc = check_prolog(&st, body)) < 0 ||
	    (rc = check_markup(&st)) < 0)
		return rc;

	folio_xml_init();
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory",
			st.name);
	ctxt->_private = &st;
	ctxt->sax->serror = on_parse_error;
	ctxt->sax->internalSubset = on_internal_subset;
	ctxt->sax->externalSubset = on_internal_subset;
	st.sax_start = ctxt->sax->startElementNs;
	ctxt->sax->startElementNs = on_start_element;
	xml_errors_to(ctxt, on_parse_error);
	/* No NOENT, DTDLOAD, DTDATTR or HUGE: nothing is fetched or
	 * expanded, and libxml2's own size limits stay on. */
	options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC |
		XML_PARSE_NOWARNING;
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, st.name, NULL, options);
	xml_errors_to(NULL, NULL);
	if (st.failed) {
		rc = st.failed;
		goto done;
	}
	if (doc == NULL || !ctxt->wellFormed || !ctxt->nsWellFormed) {
		rc = fail(&st, FOLIO_EINPUT, (unsigned)ctxt->input->line,
			(unsigned)ctxt->input->col,
			"expected well-formed XML, found an error");
		goto done;
	}
	*out = doc;
	doc = NULL;
done:
	if (doc != NULL)
		xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

int folio_xml_parse_file(void **out, const char *path,
	const folio_xml_limits *limits, folio_error *err)
{
	char *data = NULL;
	size_t max_bytes, n;
	int max_depth, rc;

	*out = NULL;
	resolve_limits(limits, &max_bytes, &max_depth);
	/* The size is checked before reading: a 100 MB file fails at once. */
	rc = folio_file_read(&data, &n, path, max_bytes, err);
	if (rc == 0)
		rc = folio_xml_parse_memory(out, data, n, path, limits, err);
	free(data);
	return rc;
}

void folio_xml_free(void *doc)
{
	if (doc != NULL)
		xmlFreeDoc(doc);
}

/* ---- RELAX NG validation -------------------------------------------- */

typedef struct valid_state {
	char msg[768];      /* first error, as "expected ..., found ..." */
	int have_msg;
	xmlNodePtr node;    /* where to point: first error with a node */
	int line;
} valid_state;

static void describe_found(char *out, size_t outsz, xmlNodePtr node)
{
	xmlNodePtr c;

	out[0] = '\0';
	if (node == NULL)
		return;
	for (c = node->children; c != NULL; c = c->next)
		if (c->type == XML_TEXT_NODE && c->content != NULL) {
			snprintf(out, outsz, "'%.60s'",
				(const char *)c->content);
			return;
		}
	snprintf(out, outsz, "an empty <%s>", (const char *)node->name);
}

void xml_rng_message(char *m, size_t sz, const xmlError *e)
{
	const char *s1 = str_or(e->str1, "?"), *s2 = str_or(e->str2, "?");
	char raw[400], found[96];
	xmlNodePtr node = e->node;

	xml_message_text(raw, sizeof(raw), e->message);
	switch (e->code) {
	case XML_RELAXNG_ERR_NOELEM:
		if (e->str1 && e->str1[0])
			snprintf(m, sz, "<%s>: expected element <%s>, found "
				"none", node ? (const char *)node->name : "?",
				s1);
		else
			snprintf(m, sz, "<%s>: expected a required element, "
				"found none", node ? (const char *)node->name :
				"?");
		break;
	case XML_RELAXNG_ERR_ELEMNAME:
		snprintf(m, sz, "expected element <%s>, found <%s>", s1, s2);
		break;
	case XML_RELAXNG_ERR_ELEMWRONG:
		snprintf(m, sz, "<%s>: expected an element the schema allows "
			"here, found <%s>", node && node->parent ?
			(const char *)node->parent->name : "?", s1);
		break;
	case XML_RELAXNG_ERR_TEXTWRONG:
		snprintf(m, sz, "<%s>: expected elements only, found text",
			s1);
		break;
	case XML_RELAXNG_ERR_INVALIDATTR:
		snprintf(m, sz, "<%s>: expected only the attributes the schema "
			"allows, found attribute '%s'", s2, s1);
		break;
	case XML_RELAXNG_ERR_ELEMNONS:
		snprintf(m, sz, "<%s>: expected namespace "
			"urn:folio:document:1, found no namespace", s1);
		break;
	case XML_RELAXNG_ERR_ELEMWRONGNS:
		snprintf(m, sz, "<%s>: expected namespace %s, found %s", s1,
			s2, node && node->ns && node->ns->href ?
			(const char *)node->ns->href : "another namespace");
		break;
	case XML_RELAXNG_ERR_TYPEVAL:
		snprintf(m, sz, "<%s>: expected a valid %s, found '%s'",
			node ? (const char *)node->name : "?", s1, s2);
		break;
	case XML_RELAXNG_ERR_DATATYPE:
	case XML_RELAXNG_ERR_VALUE:
	case XML_RELAXNG_ERR_DATAELEM:
	case XML_RELAXNG_ERR_VALELEM:
		describe_found(found, sizeof(found), node);
		snprintf(m, sz, "<%s>: expected a value the schema allows, "
			"found %s", node ? (const char *)node->name : "?",
			found[0] ? found : "another value");
		break;
	case XML_RELAXNG_ERR_INTEREXTRA:
		snprintf(m, sz, "<%s>: expected at most one <%s> with a value "
			"the schema allows, found another", s1, s1);
		break;
	case XML_RELAXNG_ERR_EXTRACONTENT:
		snprintf(m, sz, "<%s>: expected no more content, found <%s>",
			s1, s2);
		break;
	default:
		snprintf(m, sz, "expected content valid under the schema, "
			"found an error: %s", raw);
		break;
	}
}

static void on_valid_error(void *data, xmlErrorPtr e)
{
	valid_state *vs = data;

	if (vs == NULL || e == NULL || e->level < XML_ERR_ERROR)
		return;
	if (!vs->have_msg) {
		xml_rng_message(vs->msg, sizeof(vs->msg), e);
		vs->have_msg = 1;
	}
	if (vs->node == NULL && e->node != NULL) {
		vs->node = e->node;
		/* A value error names the element that holds it. */
		if (vs->node->type != XML_ELEMENT_NODE && vs->node->parent)
			vs->node = vs->node->parent;
	}
	if (vs->line == 0 && e->line > 0)
		vs->line = e->line;
}

static void on_schema_error(void *data, xmlErrorPtr e)
{
	valid_state *vs = data;
	char raw[400];

	if (vs == NULL || e == NULL || e->level < XML_ERR_ERROR ||
	    vs->have_msg)
		return;
	xml_message_text(raw, sizeof(raw), e->message);
	snprintf(vs->msg, sizeof(vs->msg), "%s", raw);
	vs->line = e->line;
	vs->have_msg = 1;
}

/* Compile once per process; the mutex also serialises first use by
 * parallel batch workers. Validation contexts are per call. */
int xml_cached_schema(xmlRelaxNGPtr *out, const char *schema_name,
	folio_error *err)
{
	char rel[128], path[4096];
	valid_state vs;
	xmlRelaxNGParserCtxtPtr pctxt = NULL;
	xmlRelaxNGPtr schema = NULL;
	int i, slot = -1, rc = 0;

	*out = NULL;
	if (strlen(schema_name) >= sizeof(schema_cache[0].name))
		return folio_error_set(err, FOLIO_EUSAGE,
			"schema name too long: %s", schema_name);
	pthread_mutex_lock(&xml_lock);
	for (i = 0; i < SCHEMA_CACHE_MAX; i++) {
		if (schema_cache[i].schema != NULL &&
		    strcmp(schema_cache[i].name, schema_name) == 0) {
			*out = schema_cache[i].schema;
			goto done;
		}
		if (schema_cache[i].schema == NULL && slot < 0)
			slot = i;
	}
	if (slot < 0) {
		rc = folio_error_set(err, FOLIO_ELIMIT,
			"too many schemas (%d cached)", SCHEMA_CACHE_MAX);
		goto done;
	}
	snprintf(rel, sizeof(rel), "schemas/%s.rng", schema_name);
	if ((rc = folio_data_path(path, sizeof(path), rel, err)) < 0)
		goto done;
	memset(&vs, 0, sizeof(vs));
	xml_errors_to(&vs, on_schema_error);
	pctxt = xmlRelaxNGNewParserCtxt(path);
	if (pctxt != NULL) {
		xmlRelaxNGSetParserStructuredErrors(pctxt, on_schema_error,
			&vs);
		schema = xmlRelaxNGParse(pctxt);
		xmlRelaxNGFreeParserCtxt(pctxt);
	}
	xml_errors_to(NULL, NULL);
	if (schema == NULL) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"%s:%d: cannot compile the schema: %s", path, vs.line,
			vs.have_msg ? vs.msg : "unknown error");
		goto done;
	}
	snprintf(schema_cache[slot].name, sizeof(schema_cache[slot].name),
		"%s", schema_name);
	schema_cache[slot].schema = schema;
	*out = schema;
done:
	pthread_mutex_unlock(&xml_lock);
	return rc;
}

int folio_xml_validate(void *doc, const char *schema_name, const char *name,
	folio_error *err)
{
	xmlRelaxNGPtr schema;
	xmlRelaxNGValidCtxtPtr vctxt;
	valid_state vs;
	unsigned line, col;
	int rc, r;

	folio_xml_init();
	if ((rc = xml_cached_schema(&schema, schema_name, err)) < 0)
		return rc;
	vctxt = xmlRelaxNGNewValidCtxt(schema);
	if (vctxt == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory",
			name);
	memset(&vs, 0, sizeof(vs));
	xmlRelaxNGSetValidStructuredErrors(vctxt, on_valid_error, &vs);
	xml_errors_to(&vs, on_valid_error);
	r = xmlRelaxNGValidateDoc(vctxt, doc);
	xml_errors_to(NULL, NULL);
	xmlRelaxNGFreeValidCtxt(vctxt);
	if (r == 0)
		return 0;
	if (vs.node != NULL) {
		line = (unsigned)folio_xml_node_line(vs.node);
		col = folio_xml_node_col(vs.node);
	} else {
		line = vs.line > 0 ? (unsigned)vs.line : 1;
		col = 1;
	}
	if (r < 0 && !vs.have_msg)
		return folio_error_set(err, FOLIO_ELIB,
			"%s: the schema validator failed internally", name);
	return folio_error_set(err, FOLIO_EINPUT, "%s:%u:%u: %s", name,
		line ? line : 1, col, vs.have_msg ? vs.msg :
		"expected content valid under the schema, found an error");
}
