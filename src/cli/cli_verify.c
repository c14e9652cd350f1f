/* folio verify - check a signed archival ZIP. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "archive/archive.h"
#include "cli/cli.h"
#include "util/buf.h"

static void verify_usage(FILE *fp)
{
	fprintf(fp,
		"usage: folio verify ARCHIVE.zip [--trust CA.pem] [--json] "
		"[--list]\n"
		"\n"
		"Checks, trusting nothing in the archive, and names the\n"
		"first entry that fails: one reading of the ZIP container\n"
		"(one end record, local headers equal to the central\n"
		"directory, no unreferenced byte, plain files, no extra\n"
		"fields); mimetype first and stored; safe, unique paths;\n"
		"the XAdES signature, its SigningCertificateV2 and\n"
		"SigningTime; with --trust, the certificate chain; every\n"
		"entry signed exactly once (META-INF/manifest.xml too) and\n"
		"every digest; manifest.xml listing every file; the BagIt\n"
		"manifests and Payload-Oxum; every record.xml and the\n"
		"catalogue. --list prints \"SIZE NAME\" for every entry of\n"
		"a valid archive, as every unzip tool will extract it.\n"
		"Exit 0 valid, 1 invalid (tampered or incomplete), 2\n"
		"unreadable or usage.\n");
}

static void list_entry(void *ctx, const char *name, uint64_t size)
{
	(void)ctx;
	printf("%llu %s\n", (unsigned long long)size, name);
}

static void json_field(folio_buf *b, const char *key, const char *value,
	int comma)
{
	folio_buf_printf(b, "%s\"%s\":\"", comma ? "," : "", key);
	folio_buf_put_json(b, value ? value : "");
	folio_buf_putc(b, '"');
}

int cmd_verify(int argc, char **argv)
{
	const char *zip_path = NULL;
	folio_verify_options opts = {NULL};
	folio_verify_report rep;
	folio_error err = {0};
	struct timespec t0, t1;
	double secs;
	int i, rc, json = 0, status;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			verify_usage(stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "--trust") == 0 && i + 1 < argc) {
			opts.trust_path = argv[++i];
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--list") == 0) {
			opts.list = list_entry;
		} else if (argv[i][0] != '-' && zip_path == NULL) {
			zip_path = argv[i];
		} else {
			fprintf(stderr, "folio verify: unexpected '%s'\n",
				argv[i]);
			verify_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (zip_path == NULL) {
		verify_usage(stderr);
		return EXIT_USAGE;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = folio_archive_verify(&rep, zip_path, &opts, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	status = rc == 0 ? EXIT_OK : rc == FOLIO_EVERIFY ? EXIT_INVALID :
		EXIT_USAGE;
	if (json) {
		folio_buf b = {0};
		folio_buf_puts(&b, "{");
		json_field(&b, "archive", zip_path, 0);
		folio_buf_printf(&b, ",\"valid\":%s", rc == 0 ? "true" :
			"false");
		json_field(&b, "status", rc == 0 ? "valid" : rc ==
			FOLIO_EVERIFY ? "invalid" : "unreadable", 1);
		json_field(&b, "check", rep.check, 1);
		json_field(&b, "entry", rep.entry, 1);
		json_field(&b, "message", rc ? err.msg : "", 1);
		json_field(&b, "signer", rep.signer, 1);
		json_field(&b, "signing_time", rep.signing_time, 1);
		folio_buf_printf(&b, ",\"trusted\":%s,\"entries\":%zu,"
			"\"records\":%zu,\"seconds\":%.3f}\n",
			rep.trusted ? "true" : "false", rep.entries,
			rep.records, secs);
		fputs(b.data ? b.data : "{}\n", stdout);
		folio_buf_free(&b);
		return status;
	}
	if (rc != 0) {
		fprintf(stderr, "folio verify: %s\n", err.msg[0] ? err.msg :
			folio_error_name(rc));
		if (rep.entry[0])
			fprintf(stderr, "folio verify: first failing entry: "
				"%s (check: %s)\n", rep.entry, rep.check);
		printf("%s: %s\n", zip_path, rc == FOLIO_EVERIFY ? "INVALID" :
			"UNREADABLE");
		return status;
	}
	printf("%s: valid: %zu entries, %zu records, signed by %s at %s%s "
		"(%.2f s)\n", zip_path, rep.entries, rep.records, rep.signer,
		rep.signing_time, rep.trusted ? ", certificate trusted" :
		", certificate not checked against a trust anchor", secs);
	return EXIT_OK;
}
