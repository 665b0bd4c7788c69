/* vcd.h: a minimal Value Change Dump writer (IEEE 1364 §18) for block activity.
 *
 * Signals are declared first, then values change in time order; only changes inside
 * the window [from, to] are written (the values at `from` open the dump), so a long run
 * can be traced over a short stretch. Viewable in GTKWave. */
#ifndef TF2SIM_VCD_H
#define TF2SIM_VCD_H

#include <stdint.h>

#include "net/error.h"

typedef struct vcd vcd;

int vcd_open(vcd **v, const char *path, uint64_t from, uint64_t to, tf_err *e);
/* Declares a signal (before the first change) in scope `scope`; returns its id. */
int vcd_signal(vcd *v, const char *scope, const char *name, int width);
void vcd_change(vcd *v, int id, uint64_t t, uint64_t value);
/* Ends the dump at cycle t_end (clipped to the window) and closes the file. */
int vcd_close(vcd *v, uint64_t t_end, tf_err *e);

#endif
