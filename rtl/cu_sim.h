/* cu_sim.h: C interface to the RTL compute unit (rtl/compute_unit.v) — one conv layer.
 *
 * A job carries the layer geometry and folding, the integer weights, the input feature map
 * and the BN/bias words; a backend runs it through the RTL and fills the outputs and the
 * cycle count (clock edges from `start` to the hand-over of the last output word).
 * Backends: Verilator (cu_run_verilator, in the tf2sim_rtl static library) and SystemC
 * (the tf2sim_rtl_sc program, fed job files written by cu_job_save; several jobs run back
 * to back in one simulation, like cu_run_verilator_seq).
 * Arrays use the layouts of sim/net/tensor.h and sim/numerics/numerics_mixq.h: weights
 * [cout][cin/groups][k][k], input [cin][h][w], output [cout][oh][ow]. */
#ifndef TF2SIM_CU_SIM_H
#define TF2SIM_CU_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The instance the regression verilates (rtl/CMakeLists.txt passes the same numbers to
 * Verilator as -G parameters): run-time geometry must fit these. */
#define CU_PE_MAX 8
#define CU_SIMD_MAX 16
#define CU_WBITS 8
#define CU_ABITS 8
#define CU_K_MAX 5
#define CU_CIN_MAX 64  /* channels per input pixel word */
#define CU_W_MAX 128   /* input width */
#define CU_PDEPTH 1024 /* line buffer + input FIFO, pixels ((K+3)*128) */
#define CU_FIFO_PIX 128 /* input FIFO, pixels (the C model's fifo_depth: 128 pixel words) */
#define CU_CFW 6      /* channel folds <= 64 */
#define CU_NFW 6      /* output folds <= 64 */
#define CU_WDEPTH 8192 /* weight words per bank */
#define CU_LANES (CU_SIMD_MAX > CU_PE_MAX ? CU_SIMD_MAX : CU_PE_MAX)

typedef struct cu_layer {
    int cin, cout, h, w;     /* input and output channels, input height and width */
    int k, stride, pad;      /* square kernel, stride 1..2, zero padding */
    int depthwise;           /* groups = cin = cout */
    int oh, ow;              /* output size (filled by cu_layer_derive) */
    int simd, pe;            /* folding */
    int sac;                 /* 0: MAC (signed weights), 1: power-of-two codes (TF2 byte) */
    int pack;                /* pack two PEs' products per multiplier (MAC only) */
    int requant;             /* 1: clip((acc*inc + bias + 2^(T-1)) >> T, 0, 2^obit-1); 0: acc + bias */
    int relu;                /* raw mode only: max(0, .) after saturation */
    int shift, obit;         /* T and the output bits (requant) */
} cu_layer;

typedef struct cu_job {
    cu_layer l;
    const int32_t *w;        /* MAC: signed values; SAC: code bytes 0..255 */
    const int32_t *x;        /* unsigned activation codes */
    const int64_t *inc;      /* [cout], requant only */
    const int64_t *bias;     /* [cout] or NULL (zero) */
    int32_t *y;              /* [cout][oh][ow], filled by the backend */
    uint64_t cycles;         /* filled by the backend */
    double sim_seconds;      /* wall time of the simulation proper (no model construction) */
    /* back-pressure test: percentage of cycles the input is not valid / the output not
     * ready (pseudo-random from stall_seed); 0 = always valid / ready */
    int stall_in_pct, stall_out_pct;
    uint32_t stall_seed;
} cu_job;

typedef struct cu_trace {
    const char *path;        /* VCD file; NULL: no trace */
    uint64_t from, to;       /* window of cycles (relative to start) to dump */
} cu_trace;

/* Line-buffer rows of the feature loader (sim/topology_dataflow's rule): K + stride, or
 * the rows from the last window's first row to the end of the input if more, at most H.
 * Needs oh (cu_layer_derive). */
static inline int cu_linebuf_rows(const cu_layer *l)
{
    int rows = l->k + l->stride, tail = l->h - ((l->oh - 1) * l->stride - l->pad);
    if (tail > rows)
        rows = tail;
    return rows > l->h ? l->h : rows;
}

/* Pixels of the feature loader's buffer: the line buffer plus the input FIFO. */
static inline int cu_linebuf_pixels(const cu_layer *l) { return cu_linebuf_rows(l) * l->w + CU_FIFO_PIX; }


/* Fills oh/ow and checks the layer against the instance; 0 or -1 with a message.
 * (Inline: both the C side and the RTL harnesses use it, in different programs.) */
static inline int cu_layer_derive(cu_layer *l, char *err, size_t cap)
{
    if (l->k < 1 || l->k > CU_K_MAX)
        return (snprintf(err, cap, "k %d outside 1..%d", l->k, CU_K_MAX), -1);
    if (l->stride < 1 || l->stride > 2)
        return (snprintf(err, cap, "stride %d outside 1..2", l->stride), -1);
    if (l->pad < 0 || l->pad > l->k / 2)
        return (snprintf(err, cap, "pad %d outside 0..k/2", l->pad), -1);
    if (l->h < 1 || l->w < 1 || l->w > CU_W_MAX || l->h > 65535)
        return (snprintf(err, cap, "input %dx%d outside 1..65535 x 1..%d", l->h, l->w, CU_W_MAX), -1);
    if (l->simd < 1 || l->simd > CU_SIMD_MAX || l->pe < 1 || l->pe > CU_PE_MAX)
        return (snprintf(err, cap, "folding SIMD %d PE %d outside 1..%d, 1..%d", l->simd, l->pe, CU_SIMD_MAX, CU_PE_MAX), -1);
    if (l->cout % l->pe)
        return (snprintf(err, cap, "PE %d does not divide cout %d", l->pe, l->cout), -1);
    int lin = l->depthwise ? l->pe : l->simd;
    if (l->cin > CU_CIN_MAX)
        return (snprintf(err, cap, "cin %d exceeds the input pixel word of %d channels", l->cin, CU_CIN_MAX), -1);
    if (l->cin < 1 || l->cin % lin)
        return (snprintf(err, cap, "%s %d does not divide cin %d", l->depthwise ? "PE" : "SIMD", lin, l->cin), -1);
    if (l->depthwise && (l->cin != l->cout || l->simd != 1))
        return (snprintf(err, cap, "depthwise needs cin == cout and SIMD 1"), -1);
    if (l->pack && (l->sac || l->depthwise))
        return (snprintf(err, cap, "packing applies to MAC, non-depthwise layers only"), -1);
    int cf = l->cin / lin, nf = l->cout / l->pe, cfl = l->depthwise ? 1 : cf;
    if (cf > (1 << CU_CFW) || nf > (1 << CU_NFW))
        return (snprintf(err, cap, "channel folds %d / output folds %d exceed %d", cf, nf, 1 << CU_CFW), -1);
    if ((long)nf * l->k * l->k * cfl > CU_WDEPTH)
        return (snprintf(err, cap, "%ld weight words exceed the bank of %d", (long)nf * l->k * l->k * cfl, CU_WDEPTH), -1);
    if (l->requant && (l->shift < 0 || l->shift > 62 || l->obit < 1 || l->obit > 31))
        return (snprintf(err, cap, "requant shift %d / obit %d outside 0..62 / 1..31", l->shift, l->obit), -1);
    l->oh = (l->h + 2 * l->pad - l->k) / l->stride + 1;
    l->ow = (l->w + 2 * l->pad - l->k) / l->stride + 1;
    if (l->oh < 1 || l->ow < 1)
        return (snprintf(err, cap, "output is empty"), -1);
    if (cu_linebuf_pixels(l) > CU_PDEPTH)
        return (snprintf(err, cap, "line buffer of %d pixels exceeds %d", cu_linebuf_pixels(l), CU_PDEPTH), -1);
    return 0;
}


/* Runs the job on the Verilator model. Returns 0, or -1 with a message in err. */
int cu_run_verilator(cu_job *j, const cu_trace *t, char *err, size_t cap);
/* Runs n jobs back to back on one model instance: job i+1's filters are loaded into the
 * filter loader's shadow bank while job i computes (the double buffer), then `start`
 * swaps the banks. Each job gets its own outputs, cycles and seconds. */
int cu_run_verilator_seq(cu_job **jobs, int n, const cu_trace *t, char *err, size_t cap);

/* Job files for the SystemC program (little-endian binary, private format). */
int cu_job_save(const char *path, const cu_job *j, char *err, size_t cap);
/* Loads a job (arrays malloc'd; cu_job_free releases them, y included). */
int cu_job_load(const char *path, cu_job *j, char *err, size_t cap);
void cu_job_free(cu_job *j);
/* Result file: cycles, seconds, then the outputs. */
int cu_result_save(const char *path, const cu_job *j, char *err, size_t cap);
int cu_result_load(const char *path, cu_job *j, char *err, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
