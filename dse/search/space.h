/* space.h: the legal per-layer foldings of a net, each with its own cost.
 *
 * Because a dataflow design's interval is the max of per-layer cycles and its
 * resources are a per-layer sum, a layer's options can be costed once and the
 * search combines them. Options are sorted by cycles, slowest first. */
#ifndef TF2SIM_SPACE_H
#define TF2SIM_SPACE_H

#include "net/design.h"
#include "net/device.h"
#include "net/net.h"
#include "resources/resources.h"

typedef struct fold_option {
    layer_fold f;
    uint64_t cycles;
    layer_res res;
} fold_option;

typedef struct layer_space {
    int layer;            /* index in the net */
    int n;
    fold_option *opt;
} layer_space;

typedef struct space {
    int n;                /* compute layers */
    layer_space *ls;
    double size;          /* number of designs (product of option counts) */
} space;

/* Schedules a space may use (bit mask of 1 << schedule_kind). */
#define SCHED_MASK_ALL ((1u << SCHED_MVAU) | (1u << SCHED_DSP6) | (1u << SCHED_FP) | (1u << SCHED_KP))

/* Every compute layer's options: (SIMD, PE) with SIMD | K*Cin/groups and PE | Cout, for
 * each schedule in the mask that the layer and its bits allow — DSP6, FP (Kp, Np) and KP
 * (Kp, Np) only where the packed fields provably fit the device's multiplier
 * (dsp_pack_check) — plus LUT multipliers for very low bits. Options another option of
 * the same layer beats on cycles and every resource are dropped. */
int space_build_sched(space *sp, const net *n, const design *base, const device *dv, unsigned sched_mask,
                      tf_err *e);
/* All schedules. */
int space_build(space *sp, const net *n, const design *base, const device *dv, tf_err *e);
/* Parses "mvau,dsp6,fp,kp" into a mask. */
int space_parse_schedules(const char *list, unsigned *mask, tf_err *e);
void space_free(space *sp);

#endif
