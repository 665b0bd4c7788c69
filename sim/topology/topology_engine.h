/* topology_engine.h: the TF2 engine — layers in series on one array. */
#ifndef TF2SIM_TOPOLOGY_ENGINE_H
#define TF2SIM_TOPOLOGY_ENGINE_H

#include "cycle.h"

int topology_engine_run(const net *n, const design *ds, const cycle_opts *o, perf *p, cycle_info *ci, tf_err *e);

#endif
