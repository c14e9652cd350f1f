/* folio keygen - a signing key and a self-signed certificate. */
#include <stdio.h>
#include <string.h>

#include "archive/archive.h"
#include "archive/crypto.h"
#include "cli/cli.h"

#define CERT_YEARS 30

static int cmd_keygen(int argc, char **argv);

enum { O_OUTPUT, O_EC, O_ORG, O_FORCE };

static const cli_opt keygen_opts[] = {
	[O_OUTPUT] = {"output", 'o', "DIR", CLI_OPT_DIR,
		"the folder for signer.key and signer.crt"},
	[O_EC] = {"ec", 0, NULL, 0,
		"an ECDSA P-256 key (default: RSA-2048)"},
	[O_ORG] = {"org", 0, "NAME", 0,
		"the certificate's CN and O (default: folio signer)"},
	[O_FORCE] = {"force", 0, NULL, 0,
		"replace an existing pair, keeping it as signer.key.old and "
		"signer.crt.old"},
	{NULL, 0, NULL, 0, NULL}
};

const cli_command cli_cmd_keygen = {
	"keygen", cmd_keygen, "make a signing key and certificate",
	"[OPTIONS] -o DIR",
	"Writes DIR/signer.key (private key, mode 0600) and DIR/signer.crt\n"
	"(self-signed X.509 certificate, valid 30 years from\n"
	"SOURCE_DATE_EPOCH when set, else from now). An existing key or\n"
	"certificate is never overwritten (exit 2) unless --force is given.\n"
	"\n"
	"Exit status 0 written, 2 usage or I/O trouble.",
	keygen_opts, NULL
};

static int cmd_keygen(int argc, char **argv)
{
	const char *dir = NULL, *org = "folio signer";
	folio_key_kind kind = FOLIO_KEY_RSA;
	folio_error err = {0};
	int64_t now;
	const char *v;
	cli_args args;
	int k, rc, force = 0;

	cli_args_init(&args, &cli_cmd_keygen, argc, argv);
	while ((k = cli_next(&args, &v)) != CLI_END) {
		switch (k) {
		case O_OUTPUT: dir = v; break;
		case O_ORG: org = v; break;
		case O_EC: kind = FOLIO_KEY_EC; break;
		case O_FORCE: force = 1; break;
		case CLI_ARG:
			return cli_usage_error(&cli_cmd_keygen, "unexpected "
				"'%s'", v);
		default:
			return cli_args_status(k);
		}
	}
	if (dir == NULL)
		return cli_usage_error(&cli_cmd_keygen, "expected -o DIR");
	if ((rc = folio_archive_now(&now, &err)) < 0 ||
	    (rc = folio_keygen(dir, kind, org, now, CERT_YEARS, force,
		&err)) < 0) {
		fprintf(stderr, "folio keygen: %s\n", err.msg);
		return EXIT_USAGE;
	}
	printf("%s/signer.key\n%s/signer.crt\n", dir, dir);
	return EXIT_OK;
}
