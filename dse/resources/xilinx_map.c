/* xilinx_map.c: yosys 0.23 synth_xilinx's mapping of multiplies (mul2dsp.v) and memories
 * (memory_libmap with the Xilinx RAM libraries), reduced to the cases our RTL has. */
#include "xilinx_map.h"

#include <stddef.h>

static int imin(int a, int b) { return a < b ? a : b; }

static int bit_length(unsigned long v)
{
    int n = 0;
    for (; v; v >>= 1)
        n++;
    return n;
}

/* ---------------------------------------------------------------- multiplies */

/* The -D options synth_xilinx passes to techmap +/mul2dsp.v. */
typedef struct dsp_limits {
    int a_max;       /* DSP_A_MAXWIDTH: 27 (DSP48E2) or 25 (DSP48E1) */
    int b_max;       /* DSP_B_MAXWIDTH (= DSP_B_MAXWIDTH_PARTIAL): 18 */
    int a_partial;   /* DSP_A_MAXWIDTH_PARTIAL: 18 */
} dsp_limits;

/* DSP cells of one mul2dsp cell placed at bit `off` of the product, whose bits from `lim` up
 * are unused. `top` is the original $mul (mul2dsp converts unsigned and swaps operands only
 * there); the pieces it splits off ($__mul) come back without it. */
static int mul2dsp(const dsp_limits *L, int as, int bs, int aw, int bw, int yw, int top, int off,
                   int lim)
{
    if (off >= lim)                       /* no bit of it is used: opt_clean drops the cell */
        return 0;
    if (aw < 2 || bw < 2 || yw < 9)       /* DSP_{A,B,Y}_MINWIDTH: left to LUTs */
        return 0;
    if (top && !as && !bs)                /* DSP_SIGNEDONLY: zero-extend both by one bit */
        return mul2dsp(L, 1, 1, aw + 1, bw + 1, yw, 1, off, lim);
    if (top && aw < bw)                   /* A is made the wider operand */
        return mul2dsp(L, bs, as, bw, aw, yw, 1, off, lim);
    lim = imin(lim, off + yw);
    if (aw > L->a_max) {
        /* slices of a_partial-1 bits of A (with a zero sign bit) times all of B, shifted into
         * place and added, and the rest of A (signed as A) times B on top */
        int step = L->a_partial - 1;
        int n = (aw - L->a_max + step - 1) / step;
        int last = aw - n * step, d = 0;
        for (int i = 0; i < n; i++)
            d += mul2dsp(L, 1, bs, L->a_partial, bw, imin(yw, bw + L->a_partial), 0,
                         off + i * step, lim);
        return d + mul2dsp(L, as, bs, last, bw, bw + last, 0, off + n * step, lim);
    }
    if (bw > L->b_max) {
        /* the same on B, once A fits */
        int step = L->b_max - 1;
        int n = (bw - L->b_max + step - 1) / step;
        int last = bw - n * step, d = 0;
        for (int i = 0; i < n; i++)
            d += mul2dsp(L, as, 1, aw, L->b_max, imin(yw, aw + L->b_max), 0,
                         off + i * step, lim);
        return d + mul2dsp(L, as, bs, aw, last, aw + last, 0, off + n * step, lim);
    }
    return 1;
}

int xilinx_mul_dsps(xilinx_family f, int a_width, int a_signed, int b_width, int b_signed,
                    int y_width)
{
    const dsp_limits L = {f == XFAM_XC7 ? 25 : 27, 18, 18};
    if (a_width <= 0 || b_width <= 0 || y_width <= 0)
        return 0;
    /* Verilog multiplies signed by signed or unsigned by unsigned; a mixed product is written
     * with the unsigned operand zero-extended by a bit into a signed one */
    if (a_signed && !b_signed) {
        b_width++;
        b_signed = 1;
    } else if (!a_signed && b_signed) {
        a_width++;
        a_signed = 1;
    }
    /* wreduce (before DSP mapping) cuts the product to aw+bw bits; it leaves the operands
     * whole even where the result is narrower (pieces wholly above it are dropped later) */
    y_width = imin(y_width, a_width + b_width);
    return mul2dsp(&L, a_signed, b_signed, a_width, b_width, y_width, 1, 0, y_width);
}

int xilinx_mul_const_dsps(xilinx_family f, int a_width, unsigned long c, int y_width)
{
    if (c == 0)
        return 0;
    int tz = 0, cw;
    while (!(c & 1)) {
        c >>= 1;
        tz++;
    }
    if (c == 1)   /* a power of two: a shift */
        return 0;
    cw = bit_length(c);
    return xilinx_mul_dsps(f, a_width, 0, cw, 0, y_width - tz);
}

int xilinx_shiftmul_dsps(xilinx_family f, int x_width, unsigned long c, int y_width, int out_width)
{
    if (c & 1) {
        /* the product as wreduce leaves it must hold every x * c, and the slices must not
         * overlap: then shiftmul drops the multiply (an even c fails it: wreduce has moved its
         * low zeros into the shift, so the product no longer is the shift amount) */
        int prod = imin(y_width, x_width + bit_length(c));
        if (out_width <= (long)c && prod >= bit_length(c - 1) + x_width)
            return 0;
    }
    return xilinx_mul_const_dsps(f, x_width, c, y_width);
}

/* ---------------------------------------------------------------- memories */

/* One RAM of the library with one choice of its options, as memory_libmap sees it for our
 * port pattern (a synchronous write port and a registered read port with an enable).
 * Widths: dbits[i] is the data width of a cell 2^(abits-i) words deep (the per-port widths of
 * block RAM), or the one width of a LUTRAM option (nd = 1). */
typedef struct ram_opt {
    const char *name;
    xilinx_mem_impl impl;
    double cost, widthscale;  /* per cell; widthscale: part of the cost paid per bit used */
    int abits;
    int nd;
    int dbits[7];
    int byte;                 /* write-enable granularity (0: whole word) */
    int per_bit;              /* LUTRAM: mapped to one 1-bit primitive per bit used */
    int bram18;               /* BRAM18 equivalents per cell */
} ram_opt;

/* The candidates in memory_libmap's order (library files in the order synth_xilinx passes
 * them, RAMs in file order, options of a RAM last one first), which decides ties.
 * LUTRAMs that need the read and write address to be one (SP, 64X8SW) cannot hold our
 * memories; the xcu 32X16DR8 always costs more than SDP ABITS 5 (same 32 words, 7 bits a
 * cell instead of 14), so it is left out. */
static const ram_opt XCUP_RAMS[] = {
    /* lutrams_xcu.txt: cost 16, widthscale (= cost) */
    {"LUTRAM_DP ABITS8", XIMPL_LUTRAM, 16, 16, 8, 1, {1}, 0, 1, 0},   /* RAM256X1D per bit */
    {"LUTRAM_DP ABITS7", XIMPL_LUTRAM, 16, 16, 7, 1, {2}, 0, 1, 0},   /* RAM128X1D per bit */
    {"LUTRAM_DP ABITS6", XIMPL_LUTRAM, 16, 16, 6, 1, {4}, 0, 1, 0},   /* RAM64X1D per bit */
    {"LUTRAM_DP ABITS5", XIMPL_LUTRAM, 16, 16, 5, 1, {8}, 0, 0, 0},   /* RAM32M16 */
    {"LUTRAM_QP ABITS6", XIMPL_LUTRAM, 16, 16, 6, 1, {2}, 0, 0, 0},   /* RAM64M8 */
    {"LUTRAM_QP ABITS5", XIMPL_LUTRAM, 16, 16, 5, 1, {4}, 0, 0, 0},   /* RAM32M16 */
    {"LUTRAM_OP ABITS6", XIMPL_LUTRAM, 16, 16, 6, 1, {1}, 0, 0, 0},   /* RAM64M8 */
    {"LUTRAM_OP ABITS5", XIMPL_LUTRAM, 16, 16, 5, 1, {2}, 0, 0, 0},   /* RAM32M16 */
    {"LUTRAM_SDP ABITS6", XIMPL_LUTRAM, 16, 16, 6, 1, {7}, 0, 0, 0},  /* RAM64M8 */
    {"LUTRAM_SDP ABITS5", XIMPL_LUTRAM, 16, 16, 5, 1, {14}, 0, 0, 0}, /* RAM32M16 */
    /* brams_xc4v.txt with HAS_SIZE_36 (RAMB18E2 "HALF", RAMB36E2 "FULL") */
    {"BRAM_TDP FULL", XIMPL_BRAM, 257, 0, 15, 6, {1, 2, 4, 9, 18, 36}, 9, 0, 2},
    {"BRAM_TDP HALF", XIMPL_BRAM, 129, 0, 14, 5, {1, 2, 4, 9, 18}, 9, 0, 1},
    {"BRAM_SDP FULL", XIMPL_BRAM, 257, 0, 15, 7, {1, 2, 4, 9, 18, 36, 72}, 9, 0, 2},
    {"BRAM_SDP HALF", XIMPL_BRAM, 129, 0, 14, 6, {1, 2, 4, 9, 18, 36}, 9, 0, 1},
};

static const ram_opt XC7_RAMS[] = {
    /* lutrams_xc5v.txt: DP and SDP cost 8, QP 7; SDP widthscale 7 */
    {"LUTRAM_DP ABITS7", XIMPL_LUTRAM, 8, 8, 7, 1, {1}, 0, 1, 0},     /* RAM128X1D per bit */
    {"LUTRAM_DP ABITS6", XIMPL_LUTRAM, 8, 8, 6, 1, {2}, 0, 1, 0},     /* RAM64X1D per bit */
    {"LUTRAM_DP ABITS5", XIMPL_LUTRAM, 8, 8, 5, 1, {4}, 0, 0, 0},     /* RAM32M */
    {"LUTRAM_QP ABITS6", XIMPL_LUTRAM, 7, 7, 6, 1, {1}, 0, 0, 0},     /* RAM64M */
    {"LUTRAM_QP ABITS5", XIMPL_LUTRAM, 7, 7, 5, 1, {2}, 0, 0, 0},     /* RAM32M */
    {"LUTRAM_SDP ABITS6", XIMPL_LUTRAM, 8, 7, 6, 1, {3}, 0, 0, 0},    /* RAM64M */
    {"LUTRAM_SDP ABITS5", XIMPL_LUTRAM, 8, 7, 5, 1, {6}, 0, 0, 0},    /* RAM32M */
    /* brams_xc4v.txt with HAS_SIZE_36 and HAS_CASCADE: CASCADE is two RAMB36E1 as 64K x 1
     * (its ports are 1 bit wide, so only the first width is usable) */
    {"BRAM_TDP CASCADE", XIMPL_BRAM, 513, 0, 16, 1, {1}, 9, 0, 4},
    {"BRAM_TDP FULL", XIMPL_BRAM, 257, 0, 15, 6, {1, 2, 4, 9, 18, 36}, 9, 0, 2},
    {"BRAM_TDP HALF", XIMPL_BRAM, 129, 0, 14, 5, {1, 2, 4, 9, 18}, 9, 0, 1},
    {"BRAM_SDP FULL", XIMPL_BRAM, 257, 0, 15, 7, {1, 2, 4, 9, 18, 36, 72}, 9, 0, 2},
    {"BRAM_SDP HALF", XIMPL_BRAM, 129, 0, 14, 6, {1, 2, 4, 9, 18, 36}, 9, 0, 1},
};

/* memory_libmap's emulation score for our pattern: 1 for a read port of its own (not shared
 * with the write port), weighted x2; nothing else needs emulating (the read register with its
 * enable is the RAM's own, or the LUTRAM's output flip-flops). */
#define EMU_COST 2.0

/* One geometry: the memory tiled with cells `unit` bits wide and `addrs` words deep. */
typedef struct geom {
    double cost;
    long mult_a;   /* cells needed along the address */
    long repl;     /* cells emitted */
} geom;

static geom price(const ram_opt *r, int wi, int width, long depth)
{
    geom g;
    int unit = r->dbits[wi];
    long addrs = 1L << (r->abits - wi);
    /* write enables are per `byte` bits: each address slice of the word is padded to them */
    int eb = (r->byte == 0 || r->byte > unit) ? unit : r->byte;
    long swz = (width + eb - 1) / eb * eb;
    g.mult_a = (depth - 1) / addrs + 1;
    /* address slices share cells where the padded word leaves room (byte-enabled columns) */
    g.repl = (g.mult_a * swz + unit - 1) / unit;
    g.cost = (r->cost - r->widthscale) * g.repl + r->widthscale * g.mult_a * width / unit;
    g.cost += 0.5 * (g.mult_a - 1) * width;              /* read mux over the slices */
    g.cost += g.mult_a > 1 ? 0.5 * g.mult_a : 0;         /* write-enable demux */
    g.cost += EMU_COST;
    return g;
}

void xilinx_mem_map(xilinx_family f, xilinx_mem_kind kind, int width, long depth, xilinx_mem *out)
{
    (void)kind;  /* the three patterns have the same ports (see xilinx_map.h) */
    out->bram18 = 0;
    out->lutram = 0;
    out->ff = 0;
    out->impl = XIMPL_NONE;
    out->cell = "";
    out->cost = 0;
    out->slices = 0;
    if (width <= 0 || depth <= 0)
        return;
    const ram_opt *rams = f == XFAM_XC7 ? XC7_RAMS : XCUP_RAMS;
    size_t n = f == XFAM_XC7 ? sizeof XC7_RAMS / sizeof *rams : sizeof XCUP_RAMS / sizeof *rams;
    /* soft logic costs 1 per bit; a RAM must be strictly cheaper (ties go to logic, and
     * among RAMs to the first) */
    double best = (double)width * depth;
    const ram_opt *pick = NULL;
    geom pg = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        for (int wi = 0; wi < rams[i].nd; wi++) {
            geom g = price(&rams[i], wi, width, depth);
            if (g.cost < best) {
                best = g.cost;
                pick = &rams[i];
                pg = g;
            }
        }
    }
    out->cost = best;
    if (!pick) {
        out->impl = XIMPL_LOGIC;
        out->ff = (long)width * depth;
        return;
    }
    out->impl = pick->impl;
    out->cell = pick->name;
    out->slices = pg.mult_a;
    if (pick->impl == XIMPL_BRAM)
        out->bram18 = (int)pg.repl * pick->bram18;
    else /* 1-bit primitives skip the padding bits; wider ones are one per cell */
        out->lutram = (int)(pick->per_bit ? pg.mult_a * width : pg.repl);
}
