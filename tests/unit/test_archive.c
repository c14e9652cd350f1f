/* Unit tests: archive codes, base64/URI helpers, digests, keygen, the
 * streamed signature, the batch manifest, write + verify (the
 * zip reader has its own tests in test_zip.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive/archive.h"
#include "archive/crypto.h"
#include "archive/c14n.h"
#include "archive/signature.h"
#include "archive/uri.h"
#include "batch/manifest.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/varlist.h"
#include "util/xml.h"
#include "util/zip.h"

#define TMP_FIXTURE_NAME "archive"
#include "tmp_fixture.h"

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_archive_code(void **state)
{
	char code[FOLIO_ARCHIVE_CODE_MAX];
	folio_error err = {0};

	(void)state;
	assert_int_equal(folio_archive_code(code, "J012", "2024", "定期30年",
		1, &err), 0);
	assert_string_equal(code, "J012-2024-D30-0001");
	assert_int_equal(folio_archive_code(code, "J012", "2024", "永久",
		27, &err), 0);
	assert_string_equal(code, "J012-2024-Y-0027");
	assert_int_equal(folio_archive_code(code, "A1", "1999", "定期10年",
		12345, &err), 0);
	assert_string_equal(code, "A1-1999-D10-12345");
	assert_int_equal(folio_archive_code(code, "J012", "2024", "长期", 1,
		&err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "长期"));
	folio_error_clear(&err);
	assert_int_equal(folio_archive_code(code, "J012", "2024", "永久", 0,
		&err), FOLIO_ELIMIT);
	assert_null(folio_retention_code("短期"));
}

static void test_uri(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(folio_uri_encode(out, sizeof(out), "data/a b%.txt"),
		0);
	assert_string_equal(out, "data/a%20b%25.txt");
	assert_int_equal(folio_uri_decode(out, sizeof(out), out), 0);
	assert_string_equal(out, "data/a b%.txt");
	assert_int_equal(folio_uri_encode(out, sizeof(out), "档"), 0);
	assert_string_equal(out, "%E6%A1%A3");
	assert_int_equal(folio_uri_decode(out, sizeof(out), "a%zz"), -1);
	assert_int_equal(folio_uri_decode(out, sizeof(out), "a%00b"), -1);
	assert_int_equal(folio_uri_encode(out, 4, "abcdef"), -1);
}

static void test_base64_and_digest(void **state)
{
	folio_buf b = {0};
	unsigned char d[FOLIO_SHA256_LEN];
	char hex[2 * FOLIO_SHA256_LEN + 1];
	folio_error err = {0};

	(void)state;
	assert_int_equal(folio_base64_decode(&b, " aGVs\nbG8= ", 11), 0);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "hello", 5);
	folio_buf_reset(&b);
	assert_int_equal(folio_base64_decode(&b, "aG=Vs", 5), FOLIO_EINPUT);
	folio_buf_reset(&b);
	assert_int_equal(folio_base64_decode(&b, "a*bc", 4), FOLIO_EINPUT);
	folio_buf_reset(&b);
	assert_int_equal(folio_base64_append(&b, "hello", 5), 0);
	assert_string_equal(b.data, "aGVsbG8=");
	folio_buf_free(&b);
	/* FIPS 180-2 example. */
	assert_int_equal(folio_sha256(d, "abc", 3, &err), 0);
	folio_sha256_hex(hex, d);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
		"b00361a396177a9cb410ff61f20015ad");
}

static void test_keygen(void **state)
{
	char dir[512], key[600], crt[600], dir2[512], key2[600];
	folio_cert *cert = NULL;
	folio_key_kind kind;
	folio_error err = {0};
	int64_t nb, na;
	struct stat st;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/rsa", tmp);
	snprintf(key, sizeof(key), "%s/signer.key", dir);
	snprintf(crt, sizeof(crt), "%s/signer.crt", dir);
	assert_int_equal(folio_keygen(dir, FOLIO_KEY_RSA, "测试单位",
		1587945600, 30, 0, &err), 0);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(folio_cert_load(&cert, crt, &err), 0);
	assert_int_equal(folio_cert_validity(&nb, &na, cert, &err), 0);
	assert_true(nb == 1587945600);
	assert_true(na > nb + (int64_t)29 * 365 * 86400);
	assert_int_equal(folio_key_check(&kind, key, cert, &err), 0);
	assert_int_equal(kind, FOLIO_KEY_RSA);
	assert_int_equal(folio_cert_verify_chain(cert, crt, nb + 10, &err), 0);
	/* Before notBefore the chain is not valid. */
	assert_int_equal(folio_cert_verify_chain(cert, crt, nb - 86400, &err),
		FOLIO_EVERIFY);
	folio_error_clear(&err);

	snprintf(dir2, sizeof(dir2), "%s/ec", tmp);
	snprintf(key2, sizeof(key2), "%s/signer.key", dir2);
	assert_int_equal(folio_keygen(dir2, FOLIO_KEY_EC, "测试单位",
		1587945600, 30, 0, &err), 0);
	assert_int_equal(folio_key_check(&kind, key2, NULL, &err), 0);
	assert_int_equal(kind, FOLIO_KEY_EC);
	/* The EC key does not belong to the RSA certificate. */
	assert_int_equal(folio_key_check(&kind, key2, cert, &err),
		FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "does not belong"));
	folio_cert_free(cert);
	cert = NULL;
	/* An existing pair is never overwritten by accident; with replace
	 * the old pair is kept as *.old. */
	{
		char old[700], *before = NULL, *after = NULL, *kept = NULL;
		size_t n;
		folio_error_clear(&err);
		assert_int_equal(folio_file_read(&before, &n, key2, 1 << 20,
			&err), 0);
		assert_int_equal(folio_keygen(dir2, FOLIO_KEY_EC, "测试单位",
			1587945600, 30, 0, &err), FOLIO_EUSAGE);
		assert_non_null(strstr(err.msg, "--force"));
		folio_error_clear(&err);
		assert_int_equal(folio_keygen(dir2, FOLIO_KEY_EC, "测试单位",
			1587945600, 30, 1, &err), 0);
		snprintf(old, sizeof(old), "%s.old", key2);
		assert_int_equal(folio_file_read(&kept, &n, old, 1 << 20,
			&err), 0);
		assert_int_equal(folio_file_read(&after, &n, key2, 1 << 20,
			&err), 0);
		assert_string_equal(kept, before);
		assert_string_not_equal(after, before);
		assert_int_equal(stat(old, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		free(before);
		free(after);
		free(kept);
	}
	/* A certificate file that is not one. */
	folio_error_clear(&err);
	write_text(tmp, "junk.crt", "not a certificate\n");
	snprintf(crt, sizeof(crt), "%s/junk.crt", tmp);
	assert_int_equal(folio_cert_load(&cert, crt, &err), FOLIO_EINPUT);
	assert_null(cert);
}

/* Three files to sign, one with a name that needs percent-encoding;
 * with `long_name`, a name too long for a URI. */
typedef struct sig_files {
	unsigned char sha[3][FOLIO_SHA256_LEN];
	int long_name;
	char big[FOLIO_ZIP_MAX_NAME + 200];
} sig_files;

static const char *sig_file(void *ctx, size_t i, const unsigned char **out)
{
	static const char *const names[] = {"META-INF/manifest.xml",
		"data/档 b.pdf", "data/records/x.xml"};
	sig_files *f = ctx;

	*out = f->sha[i];
	if (f->long_name && i == 2) {
		/* Each space is three characters of the URI. */
		memset(f->big, ' ', sizeof(f->big) - 1);
		f->big[sizeof(f->big) - 1] = '\0';
		return f->big;
	}
	return names[i];
}

typedef struct sig_read {
	const char *data;
	size_t len, off;
} sig_read;

static int pull_sig(void *ctx, char *buf, size_t len, size_t *out_n,
	folio_error *err)
{
	sig_read *r = ctx;
	size_t n = r->len - r->off < len ? r->len - r->off : len;

	(void)err;
	memcpy(buf, r->data + r->off, n);
	r->off += n;
	*out_n = n;
	return 0;
}

static int sha_sink(void *ctx, const void *p, size_t n)
{
	return folio_sha256_update(ctx, p, n, NULL);
}

/* Stream a written signature back as verify does: SignedInfo's
 * canonical digest, the value, the Reference URIs. */
static void read_signature(const char *data, size_t len,
	unsigned char digest[FOLIO_SHA256_LEN], folio_buf *value,
	char uris[8][256], int *n_uris)
{
	sig_read src = {data, len, 0};
	folio_xml_reader *r = NULL;
	folio_sha256_ctx *sha = NULL;
	folio_c14n *c = NULL;
	folio_buf text = {0};
	folio_error err = {0};
	folio_xml_item it;
	int in_value = 0, rc;
	size_t i;

	*n_uris = 0;
	assert_int_equal(folio_xml_reader_open(&r, pull_sig, &src, "sig",
		NULL, NULL, &err), 0);
	while ((rc = folio_xml_reader_next(&it, r, &err)) > 0) {
		if (it.kind == FOLIO_XML_START &&
		    strcmp(it.name, "SignedInfo") == 0) {
			assert_int_equal(folio_sha256_begin(&sha, &err), 0);
			assert_int_equal(folio_c14n_new(&c, sha_sink, sha, "sig",
				&err), 0);
		}
		if (c != NULL && folio_c14n_feed(c, &it, &err) == 1) {
			assert_int_equal(folio_sha256_end(digest, sha, &err),
				0);
			sha = NULL;
			folio_c14n_free(c);
			c = NULL;
		}
		if (it.kind == FOLIO_XML_START &&
		    strcmp(it.name, "Reference") == 0)
			for (i = 0; i < it.n_attrs; i++)
				if (strcmp(it.attrs[i].name, "URI") == 0 &&
				    *n_uris < 8)
					snprintf(uris[(*n_uris)++], 256, "%s",
						it.attrs[i].value);
		if (it.kind == FOLIO_XML_START)
			in_value = strcmp(it.name, "SignatureValue") == 0;
		else if (it.kind == FOLIO_XML_END)
			in_value = 0;
		else if (it.kind == FOLIO_XML_TEXT && in_value)
			assert_int_equal(folio_buf_append(&text, it.text,
				it.text_len), 0);
	}
	assert_int_equal(rc, 0);
	assert_null(c);
	assert_int_equal(folio_base64_decode(value, text.data, text.len), 0);
	folio_buf_free(&text);
	folio_xml_reader_free(r);
}

static int write_sig(char **out, size_t *out_len, const char *dir,
	folio_key_kind kind, folio_cert *cert, sig_files *files,
	folio_error *err)
{
	char key[600];
	folio_signature_input in = {sig_file, files, 3, key, kind, cert,
		1587945600};
	uint64_t len = 0;
	FILE *fp = tmpfile();
	int rc;

	snprintf(key, sizeof(key), "%s/%s/signer.key", tmp, dir);
	rc = folio_signature_write(&len, fp, &in, err);
	*out = NULL;
	*out_len = 0;
	if (rc == 0) {
		*out = malloc(len + 1);
		rewind(fp);
		assert_int_equal(fread(*out, 1, len, fp), len);
		(*out)[len] = '\0';
		*out_len = (size_t)len;
	}
	fclose(fp);
	return rc;
}

/* The streamed signature: its value verifies over the canonical form
 * of what was written, for both key kinds; RSA repeats byte for byte;
 * every file has its Reference (percent-encoded); what cannot be
 * written is refused. */
static void test_signature_stream(void **state)
{
	static const char *const dirs[] = {"rsa", "ec"};
	sig_files files;
	folio_error err = {0};
	int k;

	(void)state;
	memset(&files, 0, sizeof(files));
	for (k = 0; k < 3; k++)
		assert_int_equal(folio_sha256(files.sha[k], dirs[k % 2], 2,
			&err), 0);
	for (k = 0; k < 2; k++) {
		folio_key_kind kind = k ? FOLIO_KEY_EC : FOLIO_KEY_RSA;
		unsigned char digest[FOLIO_SHA256_LEN];
		char crt[600], uris[8][256], *a = NULL, *b = NULL;
		folio_cert *cert = NULL;
		folio_buf value = {0};
		size_t alen, blen;
		int n_uris;

		snprintf(crt, sizeof(crt), "%s/%s/signer.crt", tmp, dirs[k]);
		assert_int_equal(folio_cert_load(&cert, crt, &err), 0);
		assert_int_equal(write_sig(&a, &alen, dirs[k], kind, cert,
			&files, &err), 0);
		assert_int_equal(write_sig(&b, &blen, dirs[k], kind, cert,
			&files, &err), 0);
		if (kind == FOLIO_KEY_RSA) {
			assert_int_equal(alen, blen);
			assert_memory_equal(a, b, alen);
		}
		read_signature(a, alen, digest, &value, uris, &n_uris);
		assert_int_equal(value.len, kind == FOLIO_KEY_EC ? 64 : 256);
		assert_int_equal(folio_cert_verify_digest(cert, kind, digest,
			value.data, value.len, &err), 0);
		assert_int_equal(n_uris, 4);
		assert_string_equal(uris[0], "META-INF/manifest.xml");
		assert_string_equal(uris[1], "data/%E6%A1%A3%20b.pdf");
		assert_string_equal(uris[3], "#S0-SignedProperties");
		/* One byte of a digest changed: the value no longer fits. */
		digest[0] ^= 1;
		assert_int_equal(folio_cert_verify_digest(cert, kind, digest,
			value.data, value.len, &err), FOLIO_EVERIFY);
		folio_error_clear(&err);
		folio_buf_free(&value);
		free(a);
		free(b);

		/* A name too long for a URI, a key of the other kind. */
		files.long_name = 1;
		assert_int_equal(write_sig(&a, &alen, dirs[k], kind, cert,
			&files, &err), FOLIO_ELIMIT);
		assert_non_null(strstr(err.msg, "too long"));
		files.long_name = 0;
		folio_error_clear(&err);
		assert_int_equal(write_sig(&a, &alen, dirs[1 - k], kind, cert,
			&files, &err), FOLIO_EINPUT);
		folio_error_clear(&err);
		folio_cert_free(cert);
	}
}

/* Source i of m is rel, its path joined to the manifest's folder. */
static void assert_source(const folio_batch_manifest *m, size_t i,
	const char *rel)
{
	folio_batch_source src;
	folio_error err = {0};

	assert_int_equal(folio_batch_source_get(m, i, &src, &err), 0);
	assert_string_equal(src.rel, rel);
	assert_true(src.rel > src.path && src.rel[-1] == '/');
	assert_memory_equal(src.path, m->dir, strlen(m->dir));
}

static void test_manifest(void **state)
{
	char dir[512], path[600];
	folio_batch_manifest *m = NULL;
	folio_error err = {0};
	const char *head =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<batch xmlns=\"urn:folio:batch:1\">\n"
		"  <fonds><code>J012</code><name>江临市</name></fonds>\n"
		"  <year>2024</year><batch-id>B1</batch-id>\n"
		"  <defaults><retention>永久</retention>"
		"<security>公开</security></defaults>\n"
		"  <style><pdf>st/s.xml</pdf><epub-css>st/e.css</epub-css>"
		"</style>\n"
		"  <signer><key>k/signer.key</key>"
		"<certificate>/abs/signer.crt</certificate></signer>\n";
	char text[2048];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/m", tmp);
	mkdir(dir, 0755);
	write_text(dir, "b.xml", "x");
	write_text(dir, "a.xml", "x");
	write_text(dir, "c.txt", "x");
	write_text(dir, "skip.xml", "x");
	/* Style files must exist (beside the manifest, out of the glob). */
	snprintf(path, sizeof(path), "%s/st", dir);
	mkdir(path, 0755);
	write_text(dir, "st/s.xml", "x");
	write_text(dir, "st/e.css", "x");
	snprintf(text, sizeof(text), "%s  <sources>\n"
		"    <source>c.txt</source>\n"
		"    <source>*.xml</source>\n"
		"    <source>a.xml</source>\n"
		"    <exclude>batch.xml</exclude>\n"
		"    <exclude>skip.*</exclude>\n"
		"  </sources>\n</batch>\n", head);
	write_text(dir, "batch.xml", text);
	snprintf(path, sizeof(path), "%s/batch.xml", dir);
	assert_int_equal(folio_batch_manifest_read(&m, path, &err), 0);
	assert_string_equal(m->fonds_code, "J012");
	assert_string_equal(m->fonds_name, "江临市");
	assert_string_equal(m->retention, "永久");
	/* Order: as listed, glob matches sorted, first match wins,
	 * excludes removed. */
	assert_int_equal(m->n_sources, 3);
	assert_source(m, 0, "c.txt");
	assert_source(m, 1, "a.xml");
	assert_source(m, 2, "b.xml");
	assert_non_null(strstr(m->signer_key, "/m/k/signer.key"));
	assert_string_equal(m->signer_cert, "/abs/signer.crt");
	assert_non_null(strstr(m->style_pdf, "/m/st/s.xml"));
	assert_non_null(strstr(m->style_css, "/m/st/e.css"));
	folio_batch_manifest_free(m);

	/* A glob that matches nothing: file:line:col. */
	snprintf(text, sizeof(text), "%s  <sources>\n"
		"    <source>none-*.xml</source>\n"
		"  </sources>\n</batch>\n", head);
	write_text(dir, "batch.xml", text);
	assert_int_equal(folio_batch_manifest_read(&m, path, &err),
		FOLIO_EINPUT);
	assert_null(m);
	assert_non_null(strstr(err.msg, "batch.xml:9:5: expected files "
		"matching none-*.xml, found none"));
	folio_error_clear(&err);

	/* Leaving the folder is refused (by the schema or by us). */
	snprintf(text, sizeof(text), "%s  <sources>\n"
		"    <source>../etc/passwd</source>\n"
		"  </sources>\n</batch>\n", head);
	write_text(dir, "batch.xml", text);
	assert_int_equal(folio_batch_manifest_read(&m, path, &err),
		FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "batch.xml:9:"));
	folio_error_clear(&err);

	/* The files are looked at in batches on the workers; the first
	 * fault in manifest order is still the one named: a missing file
	 * before a glob that matches nothing, close by and far into a
	 * long list. */
	{
		static const char *const after[] = {"none-*.xml", NULL};
		folio_batch_source src;
		char *big;
		size_t i, n = 0;
		int k, workers;
		for (k = 0; k < 2; k++) {
			if (after[k] == NULL) {
				big = malloc(6000 * 40 + 2048);
				assert_non_null(big);
				n = (size_t)sprintf(big, "%s  <sources>\n", head);
				for (i = 0; i < 6000; i++) {
					char name[32];
					snprintf(name, sizeof(name),
						"many/%04zu.xml", i);
					if (i == 0) {
						snprintf(path, sizeof(path),
							"%s/many", dir);
						mkdir(path, 0755);
					}
					if (i != 4500)
						write_text(dir, name, "x");
					n += (size_t)sprintf(big + n, "    "
						"<source>%s</source>\n", name);
				}
				n += (size_t)sprintf(big + n, "    <source>"
					"none-*.xml</source>\n  </sources>\n"
					"</batch>\n");
				write_text(dir, "batch.xml", big);
				free(big);
			} else {
				snprintf(text, sizeof(text), "%s  <sources>\n"
					"    <source>a.xml</source>\n"
					"    <source>gone.xml</source>\n"
					"    <source>%s</source>\n"
					"  </sources>\n</batch>\n", head,
					after[k]);
				write_text(dir, "batch.xml", text);
			}
			snprintf(path, sizeof(path), "%s/batch.xml", dir);
			for (workers = 1; workers <= 3; workers += 2) {
				assert_int_equal(folio_batch_manifest_read_on(&m,
					path, workers, &err), FOLIO_EINPUT);
				assert_non_null(strstr(err.msg, after[k] ?
					"batch.xml:10:5: expected an existing "
					"file, found no gone.xml" :
					"batch.xml:4509:5: expected an existing "
					"file, found no many/4500.xml"));
				folio_error_clear(&err);
			}
		}
		/* Each source keeps the key of its file's stat, the same
		 * on any number of workers. */
		write_text(dir, "many/4500.xml", "x");
		snprintf(text, sizeof(text), "%s  <sources>\n"
			"    <source>many/*.xml</source>\n"
			"    <source>a.xml</source>\n"
			"  </sources>\n</batch>\n", head);
		write_text(dir, "batch.xml", text);
		for (workers = 1; workers <= 3; workers += 2) {
			assert_int_equal(folio_batch_manifest_read_on(&m, path,
				workers, &err), 0);
			assert_int_equal(m->n_sources, 6001);
			for (i = 0; i < m->n_sources; i++) {
				struct stat st;
				assert_int_equal(folio_batch_source_get(m, i,
					&src, &err), 0);
				assert_int_equal(stat(src.path, &st), 0);
				assert_true(src.stamp ==
					folio_batch_stamp_key(
					(uint64_t)st.st_ino,
					(uint64_t)st.st_size,
					(int64_t)st.st_mtim.tv_sec *
					1000000000LL + st.st_mtim.tv_nsec,
					(int64_t)st.st_ctim.tv_sec *
					1000000000LL + st.st_ctim.tv_nsec));
			}
			folio_batch_manifest_free(m);
			m = NULL;
		}
	}
}

/* A list past its budget lives in a file in $TMPDIR: the same sources
 * in the same order, files matched by several <source>s kept at their
 * first place, excludes out, every path and stamp right. */
static void test_manifest_list_on_disk(void **state)
{
	enum { N = 12000 };
	char dir[512], path[600], name[64], *text, old_tmp[600];
	const char *tmpdir = getenv("TMPDIR");
	folio_batch_manifest *m = NULL;
	folio_batch_source src;
	folio_error err = {0};
	size_t i, k = 0;

	(void)state;
	snprintf(old_tmp, sizeof(old_tmp), "%s", tmpdir ? tmpdir : "");
	snprintf(dir, sizeof(dir), "%s/big", tmp);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/d", dir);
	mkdir(path, 0755);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "d/%05zu.xml", i);
		write_text(dir, name, "x");
	}
	write_text(dir, "first.xml", "x");
	text = malloc(4096);
	assert_non_null(text);
	snprintf(text, 4096, "<?xml version=\"1.0\"?>\n"
		"<batch xmlns=\"urn:folio:batch:1\">\n"
		"  <fonds><code>J012</code><name>N</name></fonds>\n"
		"  <year>2024</year><batch-id>B1</batch-id>\n"
		"  <defaults><retention>永久</retention>"
		"<security>公开</security></defaults>\n"
		"  <signer><key>k</key><certificate>c</certificate></signer>\n"
		"  <sources>\n"
		"    <source>d/0050?.xml</source>\n"
		"    <source>first.xml</source>\n"
		"    <source>d/*.xml</source>\n"
		"    <source>first.xml</source>\n"
		"    <exclude>d/*7.xml</exclude>\n"
		"  </sources>\n</batch>\n");
	write_text(dir, "batch.xml", text);
	free(text);
	/* Its file goes to $TMPDIR: here, a folder of the test's. */
	snprintf(path, sizeof(path), "%s/spill", dir);
	mkdir(path, 0755);
	setenv("TMPDIR", path, 1);
	snprintf(path, sizeof(path), "%s/batch.xml", dir);
	if (folio_batch_manifest_read(&m, path, &err) != 0)
		fail_msg("%s", err.msg);
	assert_true(folio_varlist_on_disk(m->sources));
	/* 0050?: 10 files but 0050 7; first.xml; then the rest but those
	 * ending in 7 (a tenth), the 9 already listed skipped. */
	assert_int_equal(m->n_sources, 9 + 1 + (N - N / 10 - 9));
	for (i = 0; i < 10; i++) {
		if (i == 7)
			continue;
		snprintf(name, sizeof(name), "d/0050%zu.xml", i);
		assert_source(m, k++, name);
	}
	assert_source(m, k++, "first.xml");
	for (i = 0; i < N; i++) {
		struct stat st;
		if (i % 10 == 7 || (i >= 500 && i < 510))
			continue;
		snprintf(name, sizeof(name), "d/%05zu.xml", i);
		assert_int_equal(folio_batch_source_get(m, k++, &src, &err),
			0);
		assert_string_equal(src.rel, name);
		assert_int_equal(stat(src.path, &st), 0);
		assert_true(src.stamp == folio_batch_stamp_key(
			(uint64_t)st.st_ino, (uint64_t)st.st_size,
			(int64_t)st.st_mtim.tv_sec * 1000000000LL +
			st.st_mtim.tv_nsec, (int64_t)st.st_ctim.tv_sec *
			1000000000LL + st.st_ctim.tv_nsec));
	}
	assert_int_equal(k, m->n_sources);
	assert_int_equal(folio_batch_source_get(m, k, &src, &err),
		FOLIO_EUSAGE);
	folio_error_clear(&err);
	folio_batch_manifest_drop_sources(m);
	assert_int_equal(folio_batch_source_get(m, 0, &src, &err),
		FOLIO_EUSAGE);
	folio_error_clear(&err);
	folio_batch_manifest_free(m);
	if (old_tmp[0])
		setenv("TMPDIR", old_tmp, 1);
	else
		unsetenv("TMPDIR");
}

static void test_sha256_stream(void **state)
{
	unsigned char one[FOLIO_SHA256_LEN], parts[FOLIO_SHA256_LEN];
	folio_sha256_ctx *c = NULL;
	folio_error err = {0};
	char data[1000];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + 3);
	assert_int_equal(folio_sha256(one, data, sizeof(data), &err), 0);
	assert_int_equal(folio_sha256_begin(&c, &err), 0);
	for (i = 0; i < sizeof(data); i += 300)
		assert_int_equal(folio_sha256_update(c, data + i,
			sizeof(data) - i < 300 ? sizeof(data) - i : 300, &err),
			0);
	assert_int_equal(folio_sha256_end(parts, c, &err), 0);
	assert_memory_equal(one, parts, FOLIO_SHA256_LEN);
}

/* 1 when the two files hold the same bytes. */
static int same_bytes(const char *a, const char *b)
{
	char *x = NULL, *y = NULL;
	size_t nx = 0, ny = 0;
	int same;

	assert_int_equal(folio_file_read(&x, &nx, a, 1 << 26, NULL), 0);
	assert_int_equal(folio_file_read(&y, &ny, b, 1 << 26, NULL), 0);
	same = nx == ny && memcmp(x, y, nx) == 0;
	free(x);
	free(y);
	return same;
}

/* Entries of dir (without . and ..): what a failed write left. */
static size_t count_entries(const char *dir)
{
	struct dirent *de;
	size_t n = 0;
	DIR *dp = opendir(dir);

	assert_non_null(dp);
	while ((de = readdir(dp)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

static void test_write_and_verify(void **state)
{
	char dir[512], path[600], pdf[600], zip[600], text[4096];
	char key[600], crt[600], path2[600];
	folio_archive_batch batch = {"T1", "测试全宗", "2024", "T1-2024-B1",
		NULL};
	folio_archive_record rec[2];
	folio_archive_options opts;
	folio_archive_stats st;
	folio_verify_report rep;
	folio_error err = {0};
	unsigned char wrong[32] = {0};
	FILE *fp;
	long size;
	char *bytes;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/w", tmp);
	mkdir(dir, 0755);
	write_text(dir, "one.xml",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<document xmlns=\"urn:folio:document:1\"><meta>"
		"<title>关于测试的通知</title><issuer>测试办公室</issuer>"
		"<date>2024-05-06</date><retention>定期10年</retention>"
		"</meta><body><p>正文。</p></body></document>\n");
	write_text(dir, "one.pdf", "%PDF-1.4 stand-in");
	snprintf(path, sizeof(path), "%s/one.xml", dir);
	snprintf(pdf, sizeof(pdf), "%s/one.pdf", dir);
	snprintf(zip, sizeof(zip), "%s/out.zip", tmp);
	(void)text;
	/* The writer keeps the 档号 and 件号 it is given (a record of a
	 * partial archive is not renumbered). */
	memset(rec, 0, sizeof(rec));
	rec[0].code = "T1-2024-D10-0005";
	rec[0].number = 5;
	rec[0].title = "关于测试的通知";
	rec[0].issuer = "测试办公室";
	rec[0].date = "2024-05-06";
	rec[0].security = "公开";
	rec[0].retention = "定期10年";
	rec[0].pages = 1;
	rec[0].source_path = path;
	rec[0].pdf_path = pdf;
	memset(&opts, 0, sizeof(opts));
	snprintf(key, sizeof(key), "%s/rsa/signer.key", tmp);
	snprintf(crt, sizeof(crt), "%s/rsa/signer.crt", tmp);
	opts.key_path = key;
	opts.cert_path = crt;
	opts.time = 1700000000;
	if (folio_archive_write(&st, &batch, rec, 1, zip, &opts, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.pdfs, 1);
	assert_int_equal(st.epubs, 0);
	if (folio_archive_verify(&rep, zip, NULL, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(rep.records, 1);
	assert_string_equal(rep.signing_time, "2023-11-14T22:13:20Z");

	/* Refused before anything is written: a source that changed since
	 * its outputs were made, a named output that is missing, records
	 * out of 件号 order, a record without its title. */
	snprintf(text, sizeof(text), "%s/refused.zip", tmp);
	rec[0].source_sha256 = wrong;
	folio_error_clear(&err);
	assert_int_equal(folio_archive_write(&st, &batch, rec, 1, text, &opts,
		&err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "the source changed since"));
	rec[0].source_sha256 = NULL;
	rec[0].epub_path = "/nonexistent/one.epub";
	folio_error_clear(&err);
	assert_int_equal(folio_archive_write(&st, &batch, rec, 1, text, &opts,
		&err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "record T1-2024-D10-0005: expected "
		"its epub at /nonexistent/one.epub"));
	rec[0].epub_path = NULL;
	rec[1] = rec[0];
	rec[1].code = "T1-2024-D10-0004";
	rec[1].number = 4;
	folio_error_clear(&err);
	assert_int_equal(folio_archive_write(&st, &batch, rec, 2, text, &opts,
		&err), FOLIO_EUSAGE);
	assert_non_null(strstr(err.msg, "件号 above 5"));
	rec[1].number = 6;
	rec[1].title = NULL;
	folio_error_clear(&err);
	assert_int_equal(folio_archive_write(&st, &batch, rec, 2, text, &opts,
		&err), FOLIO_EUSAGE);
	assert_non_null(strstr(err.msg, "题名"));
	assert_int_equal(access(text, F_OK), -1);

	/* One record at a time: a record out of 件号 order fails the add,
	 * the writer refuses anything more, and giving up leaves nothing
	 * beside the archive (its temporary files gone). An archive of no
	 * record is refused at the end, nothing written. */
	{
		folio_archive_writer *w = NULL;
		size_t before = count_entries(tmp);
		rec[1].title = rec[0].title;
		rec[1].number = 4;
		folio_error_clear(&err);
		assert_int_equal(folio_archive_begin(&w, &batch, text, &opts,
			&err), 0);
		assert_true(count_entries(tmp) > before);
		assert_int_equal(folio_archive_add(w, &rec[0], &err), 0);
		assert_int_equal(folio_archive_add(w, &rec[1], &err),
			FOLIO_EUSAGE);
		assert_non_null(strstr(err.msg, "件号 above 5"));
		rec[1].number = 6;
		folio_error_clear(&err);
		assert_int_equal(folio_archive_add(w, &rec[1], &err),
			FOLIO_EUSAGE);
		assert_non_null(strstr(err.msg, "already failed"));
		folio_archive_abort(w);
		assert_int_equal(count_entries(tmp), before);
		assert_int_equal(folio_archive_begin(&w, &batch, text, &opts,
			&err), 0);
		folio_error_clear(&err);
		assert_int_equal(folio_archive_end(&st, w, &err), FOLIO_EUSAGE);
		assert_non_null(strstr(err.msg, "found none"));
		assert_int_equal(count_entries(tmp), before);
		/* Added one by one, the archive is the one written whole. */
		snprintf(path2, sizeof(path2), "%s/streamed.zip", tmp);
		assert_int_equal(folio_archive_begin(&w, &batch, path2, &opts,
			&err), 0);
		assert_int_equal(folio_archive_add(w, &rec[0], &err), 0);
		if (folio_archive_end(&st, w, &err) != 0)
			fail_msg("%s", err.msg);
		assert_int_equal(st.records, 1);
		assert_true(same_bytes(zip, path2));
		unlink(path2);
	}

	/* Flip a byte of the stored mimetype's content: its data starts
	 * after the 30-byte local header and the 8-byte name. */
	fp = fopen(zip, "r+b");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	bytes = malloc((size_t)size);
	fseek(fp, 0, SEEK_SET);
	assert_int_equal(fread(bytes, 1, (size_t)size, fp), (size_t)size);
	bytes[30 + 8] ^= 0x01;
	fseek(fp, 0, SEEK_SET);
	fwrite(bytes, 1, (size_t)size, fp);
	fclose(fp);
	free(bytes);
	folio_error_clear(&err);
	assert_int_equal(folio_archive_verify(&rep, zip, NULL, &err),
		FOLIO_EVERIFY);
	assert_string_equal(rep.entry, "mimetype");

	/* Not a ZIP at all: unreadable, not "invalid". */
	write_text(tmp, "junk.zip", "junk");
	snprintf(zip, sizeof(zip), "%s/junk.zip", tmp);
	folio_error_clear(&err);
	assert_int_not_equal(folio_archive_verify(&rep, zip, NULL, &err), 0);
	assert_int_not_equal(err.code, FOLIO_EVERIFY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_archive_code),
		cmocka_unit_test(test_uri),
		cmocka_unit_test(test_base64_and_digest),
		cmocka_unit_test(test_keygen),
		cmocka_unit_test(test_signature_stream),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_manifest_list_on_disk),
		cmocka_unit_test(test_write_and_verify),
		cmocka_unit_test(test_sha256_stream),
	};
	int rc;

	folio_xml_init();
	rc = cmocka_run_group_tests(tests, tmp_setup, tmp_teardown);
	folio_xml_cleanup();
	return rc;
}
