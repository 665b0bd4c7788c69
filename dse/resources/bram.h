/* bram.h: mapping a memory (width x depth) to on-chip RAM blocks.
 *
 * Xilinx BRAM18 aspect ratios: 16Kx1, 8Kx2, 4Kx4, 2Kx9, 1Kx18, 512x36 (simple dual
 * port); a BRAM36 (counted as 2 BRAM18) adds 512x72. The count is the cheapest
 * tiling, as the synthesis tools choose. Shallow memories go to LUTRAM/SRL. */
#ifndef TF2SIM_BRAM_H
#define TF2SIM_BRAM_H

#include <stdint.h>

#include "net/device.h"

/* BRAM18 blocks for a width x depth memory (0 if either is 0). */
int bram18_blocks(int width_bits, uint64_t depth);
/* Intel M20K blocks (512x40, 1Kx20, 2Kx10, 4Kx5, 8Kx2, 16Kx1). */
int m20k_blocks(int width_bits, uint64_t depth);
/* Blocks of the device's RAM kind. */
int ram_blocks(mem_kind k, int width_bits, uint64_t depth);

/* True when a memory this size is better built from LUTs (LUTRAM / SRL). */
int ram_is_shallow(int width_bits, uint64_t depth);
/* LUTs of a LUTRAM/ROM of this size (64x1 per LUT6). */
long lutram_luts(int width_bits, uint64_t depth);

#endif
