/* fuzz_c14n.c - the streaming canonicalisation against libxml2's own:
 * for any document both accept (ours inside its profile, libxml2 able
 * to canonicalise), the root element's exclusive c14n must be the same
 * bytes. A difference aborts: a signature could then verify here and
 * not elsewhere, or the other way round. */
#include <stdlib.h>
#include <string.h>

#include <libxml/c14n.h>
#include <libxml/parser.h>

#include "fuzz.h"
#include "archive/c14n.h"
#include "util/buf.h"
#include "util/xml.h"

typedef struct src {
	const uint8_t *data;
	size_t len, at;
} src;

static int pull(void *ctx, char *buf, size_t len, size_t *out_n,
	folio_error *err)
{
	src *s = ctx;
	size_t n = s->len - s->at;

	(void)err;
	if (n > len)
		n = len;
	memcpy(buf, s->data + s->at, n);
	s->at += n;
	*out_n = n;
	return 0;
}

static int to_buf(void *ctx, const void *p, size_t n)
{
	return folio_buf_append(ctx, p, n);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	folio_xml_init();
	return 0;
}

static int ours(folio_buf *out, const uint8_t *data, size_t size)
{
	src s = {data, size, 0};
	folio_xml_reader *r = NULL;
	folio_c14n *c = NULL;
	folio_xml_item it;
	folio_error err = {0};
	int rc, on = 0;

	if (folio_xml_reader_open(&r, pull, &s, "f.xml", NULL, NULL, &err) < 0)
		return -1;
	if (folio_c14n_new(&c, to_buf, out, "f.xml", &err) < 0) {
		folio_xml_reader_free(r);
		return -1;
	}
	while ((rc = folio_xml_reader_next(&it, r, &err)) == 1) {
		if (it.kind == FOLIO_XML_START)
			on = 1;
		if (on && (rc = folio_c14n_feed(c, &it, &err)) != 0)
			break;
	}
	/* The whole document must read, not just the root's part. */
	if (rc == 1)
		while ((rc = folio_xml_reader_next(&it, r, &err)) == 1)
			;
	folio_c14n_free(c);
	folio_xml_reader_free(r);
	return rc == 0 && on ? 0 : -1;
}

static int in_root(void *user, xmlNodePtr node, xmlNodePtr parent)
{
	xmlNodePtr root = user, n = node;

	if (node->type == XML_NAMESPACE_DECL ||
	    node->type == XML_ATTRIBUTE_NODE)
		n = parent;
	for (; n != NULL; n = n->parent)
		if (n == root)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	folio_buf mine = {0};
	xmlDocPtr doc;
	xmlBufferPtr b;
	xmlOutputBufferPtr ob;
	int theirs_ok;

	if (size > 65536 || ours(&mine, data, size) < 0) {
		folio_buf_free(&mine);
		return 0;
	}
	doc = xmlReadMemory((const char *)data, (int)size, "f.xml", NULL,
		XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC |
		XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		folio_buf_free(&mine);
		return 0;
	}
	b = xmlBufferCreate();
	ob = xmlOutputBufferCreateBuffer(b, NULL);
	theirs_ok = xmlC14NExecute(doc, in_root, xmlDocGetRootElement(doc),
		XML_C14N_EXCLUSIVE_1_0, NULL, 0, ob) >= 0;
	xmlOutputBufferClose(ob);
	if (theirs_ok && (mine.len != (size_t)xmlBufferLength(b) ||
	    memcmp(mine.data ? mine.data : "", xmlBufferContent(b),
		mine.len) != 0))
		abort();
	xmlBufferFree(b);
	xmlFreeDoc(doc);
	folio_buf_free(&mine);
	return 0;
}
