/* device.h: an FPGA board's budget and multiplier type (configs/devices/ JSON files). */
#ifndef TF2SIM_DEVICE_H
#define TF2SIM_DEVICE_H

#include "error.h"

typedef enum dsp_kind {
    DSP48E2,     /* UltraScale+: 27x18 signed multiplier */
    DSP48E1,     /* 7-series: 25x18 */
    DSP_ARRIA10, /* Intel Arria 10 variable-precision DSP: 18x19 (two per block) */
} dsp_kind;

typedef enum mem_kind { MEM_BRAM18, MEM_M20K } mem_kind;

typedef struct device {
    char name[64];
    char part[64];
    char board[96];
    char path[512];
    int dsp;             /* DSP blocks */
    dsp_kind dsp_type;
    int mult_a_bits;     /* wide multiplier port (27, 25 or 18) */
    int mult_b_bits;     /* narrow port (18 or 19) */
    mem_kind mem_type;
    int mem_blocks;      /* BRAM18 (Xilinx, a BRAM36 counts 2) or M20K (Intel) */
    int uram;            /* UltraRAM 288 Kb blocks (0 if none) */
    long lut;
    long ff;
    double clock_mhz;    /* default fabric clock for fps */
    double ddr_gbps;     /* DDR bandwidth, GB/s */
} device;

const char *dsp_kind_name(dsp_kind k);
const char *mem_kind_name(mem_kind k);
int device_load(device *dv, const char *path, tf_err *e);
/* The same from text in memory; `name` stands in for the file name in errors. */
int device_parse(device *dv, const char *name, const char *text, tf_err *e);
int device_load_named(device *dv, const char *name_or_path, tf_err *e);
/* DDR bytes per fabric cycle at `clock_mhz`. */
double device_ddr_bytes_per_cycle(const device *dv, double clock_mhz);

#endif
