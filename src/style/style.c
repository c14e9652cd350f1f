/*
 * style.c - grid geometry shared by the layout and its tests.
 */
#include "style/style.h"

/* Ideographic em box: the baseline is 0.12 em above its bottom. */
#define EM_BOX_DESCENT 0.12

double folio_style_line_pitch(const folio_style *s)
{
	return s->block_height / (double)(s->lines > 0 ? s->lines : 1);
}

double folio_style_char_pitch(const folio_style *s)
{
	return s->block_width / (double)(s->chars > 0 ? s->chars : 1);
}

double folio_style_band_baseline(const folio_style *s, int k, double size)
{
	double pitch = folio_style_line_pitch(s);

	return (double)k * pitch + (pitch + size) / 2 - EM_BOX_DESCENT * size;
}
