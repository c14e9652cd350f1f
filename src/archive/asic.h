/*
 * asic.h - the names the signer and the verifier must agree on: XML
 * namespaces, algorithm URIs and entry names of the ASiC-E container
 * (ETSI EN 319 162), the XAdES signature (ETSI EN 319 132) and the
 * OpenDocument manifest. Private to src/archive/.
 */
#ifndef FOLIO_ARCHIVE_ASIC_H
#define FOLIO_ARCHIVE_ASIC_H

#define NS_ASIC "http://uri.etsi.org/02918/v1.2.1#"
#define NS_DS "http://www.w3.org/2000/09/xmldsig#"
#define NS_XADES "http://uri.etsi.org/01903/v1.3.2#"
#define NS_ODF "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
#define ALG_EXC_C14N "http://www.w3.org/2001/10/xml-exc-c14n#"
#define ALG_SHA256 "http://www.w3.org/2001/04/xmlenc#sha256"
#define ALG_RSA_SHA256 "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
#define ALG_ECDSA_SHA256 \
	"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
#define TYPE_SIGNED_PROPS "http://uri.etsi.org/01903#SignedProperties"
#define SIGNATURE_ENTRY "META-INF/signatures0.xml"
#define MANIFEST_ENTRY "META-INF/manifest.xml"

#endif
