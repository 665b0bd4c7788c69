/* cycle.c: dispatch of the cycle-level evaluator to its topology (see cycle.h). */
#include "cycle.h"

#include <string.h>

#include "topology_dataflow.h"
#include "topology_engine.h"

void cycle_opts_default(cycle_opts *o)
{
    memset(o, 0, sizeof *o);
    o->frames = 0; /* auto */
    o->trace_to = UINT64_MAX;
}

int cycle_simulate(const net *n, const design *ds, const cycle_opts *o, perf *p, cycle_info *ci, tf_err *e)
{
    cycle_opts d;
    if (!o) {
        cycle_opts_default(&d);
        o = &d;
    }
    if (o->frames < 0)
        return tf_errf(e, "--frames must be >= 1 (got %d)", o->frames);
    cycle_opts a = *o;
    if (a.frames == 0) /* the engine repeats exactly; a pipeline needs its buffers filled */
        a.frames = ds->arch == ARCH_ENGINE ? CYCLE_FRAMES_ENGINE : CYCLE_FRAMES_DATAFLOW;
    o = &a;
    cycle_info dummy;
    if (!ci)
        ci = &dummy;
    memset(ci, 0, sizeof *ci);
    if (ds->arch == ARCH_ENGINE)
        return topology_engine_run(n, ds, o, p, ci, e);
    return topology_dataflow_run(n, ds, o, p, ci, e);
}
