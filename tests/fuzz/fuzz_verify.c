/* fuzz_verify.c - folio verify on a ZIP image: the strict container
 * reading, the streamed signature, the digests, the bag and records. */
#include "fuzz.h"
#include "archive/archive.h"
#include "util/xml.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	folio_xml_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	folio_verify_report rep;
	folio_error err = {0};

	folio_archive_verify(&rep, fuzz_memfile(data, size), NULL, &err);
	return 0;
}
