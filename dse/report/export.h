/* export.h: writing a stored design for other tools.
 *  json : the design's canonical JSON — the fold-file format, loadable by --fold.
 *  mixq : DeepBurning-MixQ's config_simd_pe.txt (header, then "SIMD PE" per conv) and
 *         a config.h with the per-layer CONV_n_* fields its HLS templates read
 *         (mixq-dataflow.md §2.1-2.2). */
#ifndef TF2SIM_EXPORT_H
#define TF2SIM_EXPORT_H

#include <stdint.h>

#include "net/error.h"
#include "store/store.h"

/* The canonical JSON of design `id` (malloc'd), and its net and device names. */
char *export_design_json(store *s, int64_t id, char *net_name, char *device_name, size_t cap, tf_err *e);

/* Writes config_simd_pe.txt and config.h for design `id` into dir. */
int export_mixq(store *s, int64_t id, const char *dir, tf_err *e);

#endif
