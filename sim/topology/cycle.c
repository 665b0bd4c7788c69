/* cycle.c: dispatch of the cycle-level evaluator to its topology (see cycle.h). */
#include "cycle.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "topology_dataflow.h"
#include "topology_engine.h"

void cycle_fifos_free(cycle_fifos *f)
{
    if (!f)
        return;
    free(f->f);
    f->f = NULL;
    f->n = 0;
}

void cycle_opts_default(cycle_opts *o)
{
    memset(o, 0, sizeof *o);
    o->frames = 0; /* auto */
    o->trace_to = UINT64_MAX;
}

/* Every layer's cycles + stalls equal the interval. */
static bool perf_is_steady(const perf *p)
{
    for (int i = 0; i < p->n_layers; i++) {
        const layer_perf *lp = &p->layers[i];
        if (lp->cycles + lp->stall_filter + lp->stall_feature + lp->stall_fifo_full + lp->stall_fifo_empty !=
            p->interval_cycles)
            return false;
    }
    return true;
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
    bool auto_frames = a.frames == 0;
    if (a.frames == 0) /* the engine repeats exactly; a pipeline needs its buffers filled */
        a.frames = ds->arch == ARCH_ENGINE ? CYCLE_FRAMES_ENGINE : CYCLE_FRAMES_DATAFLOW;
    o = &a;
    cycle_info dummy;
    if (!ci)
        ci = &dummy;
    memset(ci, 0, sizeof *ci);
    if (ds->arch == ARCH_ENGINE) {
        int rc = topology_engine_run(n, ds, o, p, ci, e);
        ci->frames = o->frames;
        return rc;
    }
    /* Default frame count: double it until every layer's period equals the interval
     * (the buffers ahead of the bottleneck are full), up to CYCLE_FRAMES_MAX. */
    for (;;) {
        if (topology_dataflow_run(n, ds, o, p, ci, e))
            return -1;
        ci->frames = a.frames;
        if (!auto_frames || a.frames >= CYCLE_FRAMES_MAX || perf_is_steady(p))
            return 0;
        perf_free(p);
        cycle_fifos_free(a.fifos);
        a.frames *= 2;
    }
}
