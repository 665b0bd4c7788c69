/* export.h: writing a stored design for other tools.
 *  json : the design's canonical JSON — the fold-file format, loadable by --fold.
 *  mixq : DeepBurning-MixQ's config_simd_pe.txt (header, then "SIMD PE" per conv) and the
 *         config.h GEN's generator writes (Accelerator_Template.write_hls_config): per conv
 *         CONV_n_ K, IN_CH, IN_H, IN_W, OUT_CH, IN_BIT, W_BIT, INC_BIT, BIAS_BIT, OUT_BIT, SIMD,
 *         PE, L_SHIFT, ACTP, Kp, Np, GUARD_BIT, KPF in that order, the fold's GEN fields or GEN's
 *         choices (dse/resources/mixq_gen.h); the raw-accumulator head has no INC_BIT/L_SHIFT. */
#ifndef TF2SIM_EXPORT_H
#define TF2SIM_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "net/error.h"
#include "store/store.h"

/* The canonical JSON of design `id` (malloc'd), and its net and device names. */
char *export_design_json(store *s, int64_t id, char *net_name, char *device_name, size_t cap, tf_err *e);

#include "net/design.h"
#include "net/device.h"
#include "net/net.h"

/* Writes config_simd_pe.txt to fs and config.h to fh for a dataflow design; `origin` goes on the
 * banner's Date line. Fails on a layer GEN's templates cannot build. */
int export_mixq_write(const net *n, const design *ds, const device *dv, const char *origin, FILE *fs, FILE *fh,
                      tf_err *e);

/* Writes config_simd_pe.txt and config.h for design `id` into dir. */
int export_mixq(store *s, int64_t id, const char *dir, tf_err *e);

#endif
