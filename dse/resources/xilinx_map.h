/* xilinx_map.h: how yosys 0.23 `synth_xilinx -family xcup|xc7` maps a multiply to DSP48 cells
 * and a memory to block RAM / LUTRAM / flip-flops, so that the resource model predicts the
 * DSP48 and BRAM18 counts of our RTL exactly (checked against configs/resources/yosys_micro.csv
 * by tests/unit/test_xilinx_map.c).
 *
 * Multiplies: techmap +/mul2dsp.v splits a $mul into 27x18 (xcup) or 25x18 (xc7) signed DSP
 *   pieces; see xilinx_mul_dsps.
 * Memories: memory_libmap prices every RAM of the library (lutrams_xcu.txt / lutrams_xc5v.txt,
 *   brams_xc4v.txt) and soft logic (1 per bit) and takes the cheapest; see xilinx_mem_map. */
#ifndef TF2SIM_XILINX_MAP_H
#define TF2SIM_XILINX_MAP_H

typedef enum xilinx_family { XFAM_XCUP, XFAM_XC7 } xilinx_family;

/* DSP cells yosys makes of one multiply: operand widths/signedness as the RTL declares them
 * (an unsigned operand zero-extended into a signed multiply, as `$signed({1'b0, u})`, may be
 * given either as width+1 signed or as width unsigned: both cost the same), result width y.
 * 0 = built in LUTs. */
int xilinx_mul_dsps(xilinx_family f, int a_width, int a_signed, int b_width, int b_signed,
                    int y_width);

/* DSP cells of an unsigned multiply of an `a_width`-bit operand by the constant c, result
 * y_width bits (the expression's width before optimisation). opt_expr makes a power of two a
 * shift; wreduce moves the constant's low zero bits into a shift of the product. */
int xilinx_mul_const_dsps(xilinx_family f, int a_width, unsigned long c, int y_width);

/* DSP cells of the shift amount in `word >> (x * c)` of which out_width bits are used (x
 * unsigned, x_width bits; the product y_width bits): peepopt's shiftmul makes the pair a mux
 * of c-bit slices, and no multiply is left, when c is odd, out_width <= c and the product
 * cannot wrap; otherwise as xilinx_mul_const_dsps. rtl/feature_loader.v's fold offset is one:
 * x = the fold (CFW bits), c = LINBITS = lanes in use * ABITS, y = max(CFW, BOW), out_width =
 * LANES*ABITS (LANES = max(SIMD, PE)). */
int xilinx_shiftmul_dsps(xilinx_family f, int x_width, unsigned long c, int y_width, int out_width);

/* The RTL's three memory patterns. All three are one synchronous write port and one
 * registered read port with an enable, on the same clock, separate addresses, read-old on
 * collision, so yosys maps them alike; the kind only documents which memory is meant.
 * The BN tables are two memories per PE (inc_mem, bias_mem; yosys does not merge them). */
typedef enum xilinx_mem_kind {
    XMEM_FILTER_BANKS,
    XMEM_FEATURE_BUFFER,
    XMEM_BN_TABLE
} xilinx_mem_kind;

/* What memory_libmap chose for one memory. */
typedef enum xilinx_mem_impl { XIMPL_NONE, XIMPL_LOGIC, XIMPL_LUTRAM, XIMPL_BRAM } xilinx_mem_impl;

typedef struct xilinx_mem {
    int bram18;        /* RAMB18 + 2*RAMB36 */
    int lutram;        /* LUTRAM cells (as scripts/synth.sh counts them) */
    long ff;           /* flip-flops holding the contents, if mapped to registers */
    xilinx_mem_impl impl;
    const char *cell;  /* the chosen library RAM and option, e.g. "BRAM_TDP FULL" ("" for logic) */
    double cost;       /* memory_libmap's cost of the choice */
    long slices;       /* cells along the address: the read port muxes this many words */
} xilinx_mem;

/* How yosys maps one memory of `width` bits x `depth` words of this pattern. */
void xilinx_mem_map(xilinx_family f, xilinx_mem_kind kind, int width, long depth, xilinx_mem *out);

#endif
