/*
 * bytes.h - big-endian integers in byte strings.
 *
 * Keys that util/extsort orders bytewise carry their numbers
 * big-endian, so that bytewise order is numeric order; image headers
 * (PNG) store theirs so too. Little-endian ZIP fields are zip_impl.h's.
 */
#ifndef FOLIO_UTIL_BYTES_H
#define FOLIO_UTIL_BYTES_H

#include <stdint.h>

static inline void folio_put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static inline uint32_t folio_get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static inline void folio_put_be64(unsigned char *p, uint64_t v)
{
	folio_put_be32(p, (uint32_t)(v >> 32));
	folio_put_be32(p + 4, (uint32_t)v);
}

static inline uint64_t folio_get_be64(const unsigned char *p)
{
	return (uint64_t)folio_get_be32(p) << 32 | folio_get_be32(p + 4);
}

#endif
