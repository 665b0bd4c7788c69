/* cosim.h: a whole generated design on Verilator against the C models.
 *
 * Generates the design (generate.h) into a staging folder, names it by the XXH3 hash of
 * every file generated (so a design, its weights and the rtl/ sources it copies are
 * verilated once), builds it with `verilator --cc --exe --build` under the cache folder,
 * streams N frames through it, and runs the same frames through the C integer model
 * (sim/numerics/infer.h: the last layer's outputs, bit for bit) and the C cycle-level
 * model (sim/topology/topology_dataflow.c: interval, latency, every FIFO's full and empty
 * cycles). */
#ifndef TF2SIM_COSIM_H
#define TF2SIM_COSIM_H

#include <stdbool.h>
#include <stdint.h>

#include "generate.h"
#include "task/box_decode.h"

typedef struct cosim_opts {
    const char *weights;   /* iSmart-layout weight folder, or NULL for a seeded random set */
    const char *images;    /* folder of .jpg frames (DAC-SDC resize), or NULL for random codes */
    int frames;            /* frames to stream (with images: at most the images found) */
    uint32_t seed;         /* random weights and inputs */
    const char *cache_dir; /* where verilated designs are kept */
    const char *fpga_boxes; /* with images named <id>.jpg: one "xmin xmax ymin ymax" line per id */
} cosim_opts;

/* One image's box: decoded from the RTL's head outputs, and the FPGA's for that id. */
typedef struct cosim_box {
    char image[64];
    int id;                          /* from the file name, -1 if not a number */
    int img_w, img_h;
    box rtl, fpga;
    bool have_fpga, equal;
} cosim_box;

typedef struct cosim_fifo {
    char name[GEN_NAME_MAX];
    long depth;                      /* pixels */
    bool in_rtl;                     /* a FIFO block in the RTL (else kept in the feature buffer) */
    uint64_t c_full, c_empty, rtl_full, rtl_empty;
} cosim_fifo;

typedef struct cosim_result {
    int frames;
    bool outputs_equal;
    long mismatches;                 /* output values that differ */
    long first_bad;                  /* index of the first (frame, c, y, x) that differs, -1 */
    uint64_t c_interval, c_latency, rtl_interval, rtl_latency;
    int n_fifos;
    cosim_fifo *fifos;
    char design_dir[1024];
    double rtl_seconds, c_seconds, build_seconds;
    bool cycles_equal;               /* interval, latency and every FIFO counter */
    int n_boxes, boxes_equal;        /* --images on a detection head: boxes decoded from the RTL */
    cosim_box *boxes;
} cosim_result;

void cosim_result_free(cosim_result *r);

/* Runs the co-simulation (refusing designs generate_check refuses). The weights are
 * loaded into n's layers as generate_load_weights does. */
int cosim_run(net *n, const design *ds, const device *dv, const cosim_opts *o, cosim_result *r, tf_err *e);

#endif
