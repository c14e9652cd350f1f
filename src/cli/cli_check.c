/* folio check - validate sources and print their structure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "font/font.h"
#include "model/doc.h"
#include "import/source.h"
#include "util/buf.h"
#include "util/utf8.h"

#define MAX_UNCOVERED 4096

typedef struct check_stats {
	size_t paragraphs;
	size_t chars;
	uint32_t uncovered[MAX_UNCOVERED];
	size_t n_uncovered;
	int uncovered_truncated;
} check_stats;

static int cmd_check(int argc, char **argv);

enum { O_JSON, O_FONTS, O_META, O_ENCODING };

static const cli_opt check_opts[] = {
	[O_JSON] = {"json", 0, NULL, 0,
		"one JSON object per source, one per line"},
	[O_FONTS] = {"fonts", 0, "FONTS.xml", CLI_OPT_FILE,
		"font families to check coverage against (default: the "
		"installed fonts/fonts.xml)"},
	[O_META] = CLI_OPT_META,
	[O_ENCODING] = {"encoding", 0, "NAME", 0,
		"the encoding of text pages, when detection cannot tell"},
	{NULL, 0, NULL, 0, NULL}
};

const cli_command cli_cmd_check = {
	"check", cmd_check, "validate sources and print their structure",
	"[OPTIONS] SOURCE...",
	"Validates XML sources and pasted-text pages ('-': standard input)\n"
	"and prints each one's structure: title, date, heading tree,\n"
	"paragraph and character counts, and characters no configured font\n"
	"covers.\n"
	"\n"
	"Exit status 0 only if every source is valid; 1 when one is not, 2\n"
	"for usage or I/O trouble (the worst wins).",
	check_opts, "file"
};

static void note_text(check_stats *st, const folio_fontset *fs, const char *s,
	int counted)
{
	size_t n = strlen(s), off = 0, len, i;
	uint32_t cp;

	while (off < n) {
		len = folio_utf8_decode(s + off, n - off, &cp);
		off += len ? len : 1;
		if (folio_is_space(cp))
			continue;
		if (counted)
			st->chars++;
		if (fs == NULL || folio_fontset_covers(fs, cp))
			continue;
		for (i = 0; i < st->n_uncovered && st->uncovered[i] != cp; i++)
			;
		if (i < st->n_uncovered)
			continue;
		if (st->n_uncovered == MAX_UNCOVERED) {
			st->uncovered_truncated = 1;
			continue;
		}
		st->uncovered[st->n_uncovered++] = cp;
	}
}

static void walk_table(check_stats *st, const folio_fontset *fs,
	const folio_doc *doc, const folio_table *t, folio_buf *human,
	folio_buf *json, int *first_heading);

/* Walk blocks: count, collect uncovered characters, list headings. */
static void walk(check_stats *st, const folio_fontset *fs,
	const folio_doc *doc, const folio_block *b, folio_buf *human,
	folio_buf *json, int *first_heading)
{
	char number[64];
	int index = 0;

	for (; b != NULL; b = b->next) {
		switch (b->kind) {
		case FOLIO_BLOCK_PARA:
			st->paragraphs++;
			note_text(st, fs, b->text, 1);
			break;
		case FOLIO_BLOCK_LIST:
		case FOLIO_BLOCK_ARTICLE:
			walk(st, fs, doc, b->children, human, json,
				first_heading);
			break;
		case FOLIO_BLOCK_SECTION:
			number[0] = '\0';
			if (!b->unnumbered)
				folio_doc_number(number, sizeof(number), doc,
					b->kind, b->level, ++index);
			note_text(st, fs, b->text, 1);
			note_text(st, fs, number, 0);
			folio_buf_printf(human, "    %*s%s%s\n",
				2 * (b->level - 1), "", number, b->text);
			folio_buf_printf(json, "%s{\"level\":%d,\"number\":\"",
				*first_heading ? "" : ",", b->level);
			folio_buf_put_json(json, number);
			folio_buf_puts(json, "\",\"text\":\"");
			folio_buf_put_json(json, b->text);
			folio_buf_puts(json, "\"}");
			*first_heading = 0;
			walk(st, fs, doc, b->children, human, json,
				first_heading);
			break;
		case FOLIO_BLOCK_TABLE:
			walk_table(st, fs, doc, b->table, human, json,
				first_heading);
			break;
		case FOLIO_BLOCK_FIGURE:
			if (b->figure->caption)
				note_text(st, fs, b->figure->caption, 1);
			if (b->figure->alt)
				note_text(st, fs, b->figure->alt, 0);
			break;
		}
	}
}

/* Cell text is body text: counted and checked like paragraphs. */
static void walk_table(check_stats *st, const folio_fontset *fs,
	const folio_doc *doc, const folio_table *t, folio_buf *human,
	folio_buf *json, int *first_heading)
{
	size_t r, i;

	for (r = 0; r < t->n_rows; r++)
		for (i = 0; i < t->rows[r].n_cells; i++)
			walk(st, fs, doc, t->rows[r].cells[i].paras, human,
				json, first_heading);
}

static void note_meta(check_stats *st, const folio_fontset *fs,
	const folio_doc *doc)
{
	const folio_meta *m = &doc->meta;
	const char *fields[] = {m->title, m->subtitle, m->issuer,
		m->doc_number, m->printed_by, doc->note};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i])
			note_text(st, fs, fields[i], 0);
	for (i = 0; i < m->recipients.count; i++)
		note_text(st, fs, m->recipients.items[i], 0);
	for (i = 0; i < m->cc.count; i++)
		note_text(st, fs, m->cc.items[i], 0);
	if (doc->has_closing && doc->closing.issuer)
		note_text(st, fs, doc->closing.issuer, 0);
}

static void json_field(folio_buf *j, const char *key, const char *value)
{
	folio_buf_printf(j, ",\"%s\":", key);
	if (value == NULL) {
		folio_buf_puts(j, "null");
		return;
	}
	folio_buf_putc(j, '"');
	folio_buf_put_json(j, value);
	folio_buf_putc(j, '"');
}

static int check_one(const char *path, const folio_source_options *opts,
	const folio_fontset *fs, int as_json)
{
	folio_buf human = {0}, json = {0};
	folio_error err = {0};
	folio_doc *doc = NULL;
	const folio_attachment *att;
	check_stats *st;
	int first = 1, rc;
	size_t i;

	rc = cli_read_source(&doc, path, opts->import, &err);
	if (rc < 0) {
		if (as_json) {
			folio_buf_puts(&json, "{\"file\":\"");
			folio_buf_put_json(&json, path);
			folio_buf_puts(&json, "\",\"valid\":false,\"error\":\"");
			folio_buf_put_json(&json, err.msg);
			folio_buf_puts(&json, "\"}");
			puts(json.data);
			folio_buf_free(&json);
		}
		return cli_report(&err);
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		folio_doc_free(doc);
		fprintf(stderr, "folio: out of memory\n");
		return EXIT_USAGE;
	}
	note_meta(st, fs, doc);
	folio_buf_puts(&json, "\"headings\":[");
	walk(st, fs, doc, doc->body, &human, &json, &first);
	for (att = doc->attachments; att != NULL; att = att->next) {
		note_text(st, fs, att->title, 1);
		walk(st, fs, doc, att->body, &human, &json, &first);
	}
	folio_buf_putc(&json, ']');

	if (as_json) {
		folio_buf j = {0};
		folio_buf_puts(&j, "{\"file\":\"");
		folio_buf_put_json(&j, path);
		folio_buf_puts(&j, "\",\"valid\":true");
		json_field(&j, "title", doc->meta.title);
		json_field(&j, "date", doc->meta.date);
		json_field(&j, "doc_number", doc->meta.doc_number);
		json_field(&j, "issuer", doc->meta.issuer);
		json_field(&j, "subject", doc->meta.subject);
		json_field(&j, "index_number", doc->meta.index_number);
		json_field(&j, "note", doc->note);
		folio_buf_printf(&j, ",%s,\"paragraphs\":%zu,\"chars\":%zu,"
			"\"uncovered\":[", json.data, st->paragraphs, st->chars);
		for (i = 0; i < st->n_uncovered; i++)
			folio_buf_printf(&j, "%s%u", i ? "," : "",
				st->uncovered[i]);
		folio_buf_puts(&j, "]}");
		puts(j.data);
		folio_buf_free(&j);
	} else {
		const folio_meta *m = &doc->meta;
		printf("%s: ok\n  title       %s\n  date        %s\n", path,
			m->title, m->date);
		printf("  issuer      %s\n", m->issuer);
		if (m->doc_number)
			printf("  doc number  %s\n", m->doc_number);
		if (m->index_number)
			printf("  index       %s\n", m->index_number);
		if (m->subject)
			printf("  subject     %s\n", m->subject);
		if (doc->note)
			printf("  note        %s\n", doc->note);
		printf("  headings\n%s", human.data ? human.data :
			"    (none)\n");
		printf("  paragraphs  %zu\n  characters  %zu\n",
			st->paragraphs, st->chars);
		printf("  uncovered   ");
		if (st->n_uncovered == 0)
			printf("none\n");
		for (i = 0; i < st->n_uncovered; i++) {
			char u8[5] = {0};
			folio_utf8_encode(u8, st->uncovered[i]);
			printf("U+%04X '%s'%s", st->uncovered[i], u8,
				i + 1 < st->n_uncovered ? ", " : "\n");
		}
	}
	folio_buf_free(&human);
	folio_buf_free(&json);
	free(st);
	folio_doc_free(doc);
	return EXIT_OK;
}

static int cmd_check(int argc, char **argv)
{
	folio_meta_override meta[CLI_MAX_META];
	folio_import_options import = {0};
	folio_source_options opts = {0};
	const char *fonts = NULL, *v;
	const char **files;
	folio_fontset *fs = NULL;
	folio_error err = {0};
	size_t n_meta = 0, n_files = 0, i;
	int k, as_json = 0, status = EXIT_OK, stdin_used = 0;
	cli_args args;

	files = calloc((size_t)argc, sizeof(*files));
	if (files == NULL) {
		fprintf(stderr, "folio: out of memory\n");
		return EXIT_USAGE;
	}
	cli_args_init(&args, &cli_cmd_check, argc, argv);
	while ((k = cli_next(&args, &v)) != CLI_END) {
		switch (k) {
		case O_JSON: as_json = 1; break;
		case O_FONTS: fonts = v; break;
		case O_ENCODING: import.encoding = v; break;
		case O_META:
			if (cli_parse_meta(meta, CLI_MAX_META, &n_meta, v) <
				0) {
				free(files);
				return EXIT_USAGE;
			}
			break;
		case CLI_ARG:
			if (strcmp(v, "-") == 0 && stdin_used++) {
				free(files);
				return cli_usage_error(&cli_cmd_check, "'-' "
					"(standard input) given twice");
			}
			files[n_files++] = v;
			break;
		default:
			free(files);
			return cli_args_status(k);
		}
	}
	if (n_files == 0) {
		free(files);
		return cli_usage_error(&cli_cmd_check, "expected at least "
			"one SOURCE");
	}
	if (folio_fontset_load(&fs, fonts, &err) < 0) {
		free(files);
		return cli_report(&err);
	}
	import.meta = meta;
	import.n_meta = n_meta;
	opts.import = &import;
	for (i = 0; i < n_files; i++) {
		int s = check_one(files[i], &opts, fs, as_json);
		/* Worst status wins: usage/IO trouble over invalid input. */
		if (s > status)
			status = s;
	}
	folio_fontset_free(fs);
	free(files);
	return status;
}
