/* dsp_packing.h: how many low-bit products one DSP multiplier yields per cycle.
 *
 * For DSP48E2 (27x18) the factors are DeepBurning-MixQ's NAS cost tables
 * (AnyPackingNet dsp_packing.py, K-specific, bits 2..8; mixq-dataflow.md §2.4).
 * For other multipliers (DSP48E1 25x18, Arria 10 18x19) they are derived with the
 * filter-packing rules of the MixQ generator (§2.4): the best of both port
 * assignments of Kp weights x Np pixels with guard bits. */
#ifndef TF2SIM_DSP_PACKING_H
#define TF2SIM_DSP_PACKING_H

#include "net/device.h"

/* Products per DSP per cycle for a KxK conv (K=1 also for fc) at wbits x abits. */
double dsp_packing_factor(dsp_kind dk, int wbits, int abits, int k);

/* Filter-packing search on an a_port x b_port multiplier: best throughput
 * K*Np/ceil(K/Kp) (products per cycle) and the Kp, Np, guard bits that give it.
 * Returns 1.0 with kp = np = 1 when nothing packs. */
double dsp_fp_search(int a_port, int b_port, int wbits, int abits, int k, int *kp, int *np, int *gb);

#endif
