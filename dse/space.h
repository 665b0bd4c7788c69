/* space.h: the legal per-layer foldings of a net, each with its own cost.
 *
 * Because a dataflow design's interval is the max of per-layer cycles and its
 * resources are a per-layer sum, a layer's options can be costed once and the
 * search combines them. Options are sorted by cycles, slowest first. */
#ifndef TF2SIM_SPACE_H
#define TF2SIM_SPACE_H

#include "design.h"
#include "device.h"
#include "net.h"
#include "resources.h"

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

/* MVAU (SIMD, PE) options of every compute layer: SIMD | K*Cin/groups, PE | Cout. */
int space_build(space *sp, const net *n, const design *base, const device *dv, tf_err *e);
void space_free(space *sp);

#endif
