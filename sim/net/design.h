/* design.h: a design point — architecture, per-layer folding and schedule, clock.
 *
 * The design's identity is its canonical JSON (sorted keys, compact) over the net,
 * its bit vector, the device, the architecture and every layer's folding; its hash is
 * XXH3-128 of that text. The same JSON is the fold-file format (`--fold FILE`), so an
 * exported design loads back unchanged. */
#ifndef TF2SIM_DESIGN_H
#define TF2SIM_DESIGN_H

#include <jansson.h>
#include <stdbool.h>

#include "device.h"
#include "error.h"
#include "net.h"

typedef enum arch_kind { ARCH_DATAFLOW, ARCH_ENGINE } arch_kind;

/* What a dataflow design is built with, which decides its resources (dse/resources/resources.h):
 * the DeepBurning-MixQ HLS templates (every schedule) or tf2sim's own RTL compute unit
 * (rtl/, MVAU lanes with optional pair packing; calibrated against yosys). */
typedef enum build_target { TARGET_MIXQ_HLS, TARGET_RTL, TARGET__COUNT } build_target;

/* How a layer's lanes map to multipliers (mixq-dataflow.md §3.2). */
typedef enum schedule_kind {
    SCHED_MVAU, /* FINN/BJUT matrix-vector unit: SIMD x PE lanes, one MAC per lane per cycle */
    SCHED_DSP6, /* iSmart: each (PE, SIMD) DSP does 3 weights x 2 pixels */
    SCHED_FP,   /* MixQ filter packing: Kp weights of a kernel row x Np pixels per DSP */
    SCHED_KP,   /* MixQ kernel packing: Kp filters x Np pixels per DSP */
    SCHED__COUNT
} schedule_kind;

typedef struct layer_fold {
    int simd, pe;
    schedule_kind sched;
    int kp, np, kpf;    /* FP/KP packing parameters (1 when unused) */
    bool lut_mult;      /* multipliers built from LUTs instead of DSPs */
    /* GEN's per-layer configuration (its config.h fields). 0 / not `_set` = not given: the value
     * GEN's generator would choose (gen_layer.h, dse/resources/mixq_gen.h). Given values are part of
     * the design's identity; absent ones leave its hash as it was before these fields existed. */
    int actp;           /* ACTP: BN/activation units, a divisor of OCH_PF */
    int in_pe;          /* IN_PE: channels per word of the input stream */
    int obits;          /* OUT_BIT: output activation bits (32: the raw accumulator of a head) */
    int inc_bits;       /* INC_BIT: width of the BN multiplier */
    int bias_bits;      /* BIAS_BIT: width of the BN bias */
    bool gb_set;
    int guard_bits;     /* GUARD_BIT between packed fields (-1: fields overlap by one bit) */
    bool pack_flag_set;
    bool pack_flag;     /* PACK_FLAG (kp): activations (true) or weights (false) on the wide port */
} layer_fold;

/* Ranges of the GEN fields in a fold file. */
#define FOLD_ACTP_MAX 4096
#define FOLD_GB_MIN (-1)
#define FOLD_GB_MAX 32
#define FOLD_GEN_BITS_MAX 64

typedef struct engine_params {
    int n_vector, c_vector, ow_vector, fw_vector;
    long feature_cache_bytes, filter_cache_bytes;
    double ddr_bytes_per_cycle;
    char name[64];
} engine_params;

typedef struct design {
    arch_kind arch;
    double clock_mhz;
    bool clock_auto;     /* dataflow: fps at the clock the design is predicted to reach (the resource
                            model's period_ns), at most clock_mhz; false: at clock_mhz */
    int n_layers;        /* = net->n_layers; fold[i] is used for compute layers only */
    layer_fold *fold;
    int fifo_depth;      /* dataflow: words per inter-layer FIFO */
    build_target target; /* dataflow: how it is built (default TARGET_MIXQ_HLS) */
    engine_params eng;
} design;

const char *arch_name(arch_kind a);
const char *schedule_name(schedule_kind s);
const char *target_name(build_target t);
/* "mixq-hls" or "rtl"; -1 otherwise. */
int target_parse(const char *s, build_target *out);
int schedule_parse(const char *s, schedule_kind *out);

/* A design with every compute layer at (1, 1) MVAU, the device clock. */
int design_init(design *ds, const net *n, const device *dv, arch_kind arch, tf_err *e);
void design_free(design *ds);
int design_copy(design *dst, const design *src, tf_err *e);

/* Checks every compute layer's folding against the net: the MixQ rule
 * (SIMD divides K*Cin/groups, PE divides Cout) and the schedule's own constraints. */
int design_check(const design *ds, const net *n, tf_err *e);
int fold_check(const layer_fold *f, const layer *l, tf_err *e);
/* OCH_PF: output channels per array output word, PE (PE*Kp for kp). */
int fold_och_pf(const layer_fold *f);
/* A given OUT_BIT must be the bits the next compute layer reads (32 only on a net output). */
int fold_obits_check(const design *ds, const net *n, int i, tf_err *e);

/* Canonical JSON (new reference) and its 128-bit hash as 32 hex characters. */
json_t *design_to_json(const design *ds, const net *n, const device *dv);
char *design_canonical(const design *ds, const net *n, const device *dv); /* malloc'd */
void design_hash(const char *canonical, char hex[33]);

/* Loads a fold file into ds for net n (bits in the file are applied to n, which must
 * be a private copy). Checks the net name and every layer. */
int design_load_fold(design *ds, net *n, const device *dv, const char *name_or_path, tf_err *e);
/* The same from text in memory; `name` stands in for the file name in errors. */
int design_parse_fold(design *ds, net *n, const device *dv, const char *name, const char *text, tf_err *e);

struct json_doc;
/* Reads an engine parameter object (an engine file in configs/engines/, or a fold's "engine"). */
int engine_params_from_json(const struct json_doc *d, json_t *o, const char *path,
                            engine_params *g, tf_err *e);

#endif
