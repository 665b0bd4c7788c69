/* regress.h: the RTL regression — layer cases run on the C side and on the RTL.
 *
 * Each case is one conv layer (geometry, folding, bits, MAC/SAC, packing, requant or raw)
 * with deterministic data (a seeded generator, or the iSmart UltraNet weights and feature
 * maps from ../shared/data/ultranet-ismart). For each case:
 *   - outputs: the bit-accurate C numerics (sim/numerics/numerics_mixq.h mixq_conv_acc and
 *     mixq_requant1 for MAC; the TF2 shift-accumulate rule of tf2-engine.md §2.3 in
 *     regress_golden.c for SAC) against the RTL, element by element;
 *   - cycles: the C cycle-level model (sim/topology/cycle.h cycle_simulate on a one-layer net of
 *     the case, dataflow topology, one frame: the cycle its last control word issues)
 *     plus the RTL's output pipeline (REGRESS_PIPE_DEPTH registers after the last control
 *     word), against the RTL's cycle counter; a closed form of the same timing
 *     (regress_expected_cycles) is computed beside it as a cross-check;
 *   - wall time of each side.
 * A case passes when every output is equal and the cycle counts differ by at most 1%. */
#ifndef TF2SIM_REGRESS_H
#define TF2SIM_REGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "../../rtl/cu_sim.h"
#include "net/error.h"

typedef enum regress_source {
    RG_RANDOM,          /* seeded uniform data in the case's bit ranges */
    RG_ULTRANET_CONV4,  /* iSmart weight_4a4w conv_4 + featuremap/conv4_in.bin */
    RG_ULTRANET_CONV8,  /* iSmart weight_4a4w conv_8 (raw head) + featuremap/conv8_in.bin */
    RG_ULTRANET_CONV2,  /* conv_2 + featuremap/conv2_in.bin (32x40x80) */
    RG_ULTRANET_CONV3,  /* conv_3 + featuremap/conv3_in.bin (64x20x40) */
} regress_source;

/* The iSmart layer index of an UltraNet case (-1 for random data). */
static inline int regress_ultranet_layer(regress_source s)
{
    return s == RG_ULTRANET_CONV2 ? 2 : s == RG_ULTRANET_CONV3 ? 3 : s == RG_ULTRANET_CONV4 ? 4
         : s == RG_ULTRANET_CONV8 ? 8 : -1;
}

/* Deliberate faults, for tests of the regression itself. */
typedef enum regress_fault {
    RG_FAULT_NONE,
    RG_FAULT_OUTPUT,    /* one reference output off by one */
    RG_FAULT_CYCLES,    /* the C cycle count off by 2% */
} regress_fault;

#define REGRESS_NAME_MAX 48

typedef struct regress_case {
    char name[REGRESS_NAME_MAX];
    cu_layer l;
    int wbits, abits;   /* data ranges (the RTL instance is 8 x 8 bits wide) */
    regress_source src;
    uint32_t seed;
    int lshift;         /* requant: T = wbits - 1 + abits + lshift (random data picks it) */
} regress_case;

/* The built-in matrix. */
int regress_case_count(void);
const regress_case *regress_case_at(int i);
int regress_case_find(const char *name); /* index or -1 */
/* The index-th constrained-random case of a seed: kernel 1/3/5, stride, padding,
 * depthwise, PE 1..8, SIMD 1..16, channels, size, bits 2..8, MAC/SAC, packing,
 * requant or raw; always legal for the instance. 0, or -1 if none found. */
int regress_random_case(uint32_t seed, int index, regress_case *c);

/* Registers between the last control word and the hand-over of the last output word:
 * RAM read, PE array, accumulator, BN multiply, clip (rtl/compute_unit.v), + 1 edge. */
#define REGRESS_PIPE_DEPTH 6

typedef struct regress_data {
    cu_job job;         /* inputs for the RTL (arrays owned here); job.y is the RTL output */
    int32_t *golden;    /* [cout][oh][ow] from the C numerics */
    uint64_t c_cycles;  /* C cycle-level model + REGRESS_PIPE_DEPTH */
    uint64_t closed_cycles; /* closed form (regress_expected_cycles) */
    double c_seconds;   /* wall time of the C side (numerics + cycle model) */
} regress_data;

/* Builds the data, the reference outputs and the C cycle count for a case. `shared_dir`
 * is ../shared (for the UltraNet cases). */
int regress_prepare(const regress_case *c, const char *shared_dir, regress_data *d, tf_err *e);
void regress_data_free(regress_data *d);

/* Closed form of the compute unit's cycles for one layer (see regress.c). */
uint64_t regress_expected_cycles(const cu_layer *l);

/* The same layer on the C cycle-level model (sim/topology/cycle.h); 0 if it fails (e filled). */
uint64_t regress_cmodel_cycles(const cu_layer *l, tf_err *e);

/* Reference outputs of a job (C numerics), into y[cout][oh][ow]. */
int regress_golden(const cu_job *j, int32_t *y, tf_err *e);

/* A backend runs a job on the RTL (fills j->y, j->cycles, j->sim_seconds). */
typedef int (*regress_backend)(cu_job *j, void *ctx, char *err, size_t cap);

typedef struct regress_result {
    char name[REGRESS_NAME_MAX];
    bool outputs_equal;
    long n_outputs, n_diff;
    long first_diff;            /* index of the first differing output, -1 if none */
    int32_t want, got;          /* values at first_diff */
    uint64_t c_cycles, rtl_cycles;
    uint64_t closed_cycles;     /* closed form, for reference */
    double cycle_diff_pct;      /* (rtl - c) / c * 100 */
    double c_seconds, rtl_seconds;
    bool pass;
    char error[256];            /* backend failure ("" if it ran) */
} regress_result;

/* Prepares, runs and compares one case. Returns 0 when it ran (pass or not), -1 when the
 * case could not be prepared (e filled). A backend failure is a failed case. */
int regress_run(const regress_case *c, const char *shared_dir, regress_backend be, void *ctx,
                regress_fault fault, regress_result *r, tf_err *e);
/* Same with back-pressure: the input is not valid and the output not ready on stall_pct %
 * of the cycles (pseudo-random, seeded by the case). Outputs must still be equal; the
 * cycle count then only has to be at least the C model's. */
int regress_run_stalled(const regress_case *c, const char *shared_dir, regress_backend be, void *ctx,
                        regress_fault fault, int stall_pct, regress_result *r, tf_err *e);

/* Runs j on the SystemC testbench program `exe` (tf2sim_rtl_sc JOB RESULT). */
int regress_run_systemc(const char *exe, cu_job *j, char *err, size_t cap);

/* A backend that runs several jobs back to back on one RTL instance (the next layer's
 * filters loading while the current one computes). */
typedef int (*regress_seq_backend)(cu_job **jobs, int n, void *ctx, char *err, size_t cap);

/* Runs cases back to back in one RTL session; each gets its own result (a backend
 * failure fails every case of the batch). rtl_seconds is the simulation time per case. */
int regress_run_batch(const regress_case *const *cs, int n, const char *shared_dir, regress_seq_backend be,
                      void *ctx, regress_fault fault, int stall_pct, regress_result *rs, tf_err *e);

/* SystemC testbench program with several jobs (tf2sim_rtl_sc JOB RESULT ...); with vcd
 * not NULL the testbench writes a port-level VCD of the whole run there. */
int regress_run_systemc_seq(const char *exe, cu_job **jobs, int n, const char *vcd, char *err, size_t cap);

struct store;
/* Writes a result row into the `regression` table (created if missing). */
int regress_store_put(struct store *s, int64_t run_id, const char *backend, const regress_case *c,
                      const regress_result *r, tf_err *e);

#endif
