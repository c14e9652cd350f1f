/* folio verify - check a signed archival ZIP. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "archive/archive.h"
#include "cli/cli.h"
#include "util/buf.h"

static int cmd_verify(int argc, char **argv);

enum { O_TRUST, O_JSON, O_LIST };

static const cli_opt verify_opts[] = {
	[O_TRUST] = {"trust", 0, "CA.pem", CLI_OPT_FILE,
		"check the signer's certificate chain against this trust "
		"anchor"},
	[O_JSON] = {"json", 0, NULL, 0,
		"the verdict as one JSON object on stdout"},
	[O_LIST] = {"list", 0, NULL, 0,
		"print SIZE NAME for every entry of a valid archive, as "
		"every unzip tool will extract it"},
	{NULL, 0, NULL, 0, NULL}
};

const cli_command cli_cmd_verify = {
	"verify", cmd_verify, "check a signed archive, name what fails",
	"[OPTIONS] ARCHIVE.zip",
	"Checks, trusting nothing in the archive, and names the first\n"
	"entry that fails: one reading of the ZIP container (one end\n"
	"record, local headers equal to the central directory, no\n"
	"unreferenced byte, plain files, no extra fields); mimetype first\n"
	"and stored; safe, unique paths; the XAdES signature, its\n"
	"SigningCertificateV2 and SigningTime; with --trust, the\n"
	"certificate chain; every entry signed exactly once and every\n"
	"digest; manifest.xml listing every file; the BagIt manifests and\n"
	"Payload-Oxum; every record.xml and the catalogue.\n"
	"\n"
	"Exit status 0 valid, 1 invalid (tampered or incomplete), 2\n"
	"unreadable or usage.",
	verify_opts, "file"
};

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

static int cmd_verify(int argc, char **argv)
{
	const char *zip_path = NULL;
	folio_verify_options opts = {0};
	folio_verify_report rep;
	folio_error err = {0};
	struct timespec t0, t1;
	double secs;
	const char *v;
	cli_args args;
	int k, rc, json = 0, status;

	cli_args_init(&args, &cli_cmd_verify, argc, argv);
	while ((k = cli_next(&args, &v)) != CLI_END) {
		switch (k) {
		case O_TRUST: opts.trust_path = v; break;
		case O_JSON: json = 1; break;
		case O_LIST: opts.list = list_entry; break;
		case CLI_ARG:
			if (zip_path != NULL)
				return cli_usage_error(&cli_cmd_verify,
					"unexpected '%s'", v);
			zip_path = v;
			break;
		default:
			return cli_args_status(k);
		}
	}
	if (zip_path == NULL)
		return cli_usage_error(&cli_cmd_verify, "expected an "
			"ARCHIVE.zip");
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
