/* folio keygen - a signing key and a self-signed certificate. */
#include <stdio.h>
#include <string.h>

#include "archive/archive.h"
#include "archive/crypto.h"
#include "cli/cli.h"

#define CERT_YEARS 30

static void keygen_usage(FILE *fp)
{
	fprintf(fp,
		"usage: folio keygen -o DIR [--ec] [--org NAME] [--force]\n"
		"\n"
		"Writes DIR/signer.key (private key, mode 0600) and\n"
		"DIR/signer.crt (self-signed X.509 certificate, CN and O =\n"
		"NAME, valid %d years from SOURCE_DATE_EPOCH when set, else\n"
		"from now). RSA-2048 by default; --ec makes an ECDSA P-256\n"
		"key. An existing key or certificate is never overwritten\n"
		"(exit 2) unless --force is given; the old pair is then kept\n"
		"as signer.key.old and signer.crt.old.\n", CERT_YEARS);
}

int cmd_keygen(int argc, char **argv)
{
	const char *dir = NULL, *org = "folio signer";
	folio_key_kind kind = FOLIO_KEY_RSA;
	folio_error err = {0};
	int64_t now;
	int i, rc, force = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			keygen_usage(stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strcmp(argv[i], "--org") == 0 && i + 1 < argc) {
			org = argv[++i];
		} else if (strcmp(argv[i], "--ec") == 0) {
			kind = FOLIO_KEY_EC;
		} else if (strcmp(argv[i], "--force") == 0) {
			force = 1;
		} else {
			fprintf(stderr, "folio keygen: unexpected '%s'\n",
				argv[i]);
			keygen_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (dir == NULL) {
		keygen_usage(stderr);
		return EXIT_USAGE;
	}
	if ((rc = folio_archive_now(&now, &err)) < 0 ||
	    (rc = folio_keygen(dir, kind, org, now, CERT_YEARS, force,
		&err)) < 0) {
		fprintf(stderr, "folio keygen: %s\n", err.msg);
		return EXIT_USAGE;
	}
	printf("%s/signer.key\n%s/signer.crt\n", dir, dir);
	return EXIT_OK;
}
