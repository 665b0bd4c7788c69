/* analytic_engine.c: the closed form of the TF2 engine (tf2-engine.md §1.4):
 *   conv_cyc(l) = ceil(OH/stride) ceil(OW/WOWV) ceil(C/C_VECTOR) FH ceil(FW/FW_VECTOR)
 *   load(l)     = kFilterLoadSize N_VECTOR ceil(FW_VECTOR C_VECTOR / DDR bytes per cycle)
 *   CONV_CYCLE(l) = sum over its groups of max(conv_cyc, load(next group)); the last group
 *                   of the last layer uses conv_cyc only
 *   frame       = INPUT_READER_CYCLE + FILTER_PRELOAD_CYCLE + sum CONV_CYCLE
 * interval = frame (frames run back to back), latency = frame + the array/writer depth.
 * Per layer: cycles = its groups' conv_cyc, stall_filter = the loads that outlast them;
 * the first layer also carries the input read (feature) and the preload (filter). */
#include "analytic.h"
#include "blocks/engine_plan.h"

int analytic_engine(const net *n, const design *ds, perf *p, tf_err *e)
{
    if (design_check(ds, n, e))
        return -1;
    engine_plan pl;
    if (engine_plan_build(n, &ds->eng, &pl, e))
        return -1;
    if (perf_alloc(p, n->n_layers)) {
        engine_plan_free(&pl);
        return tf_errf(e, "out of memory");
    }
    const engine_params *g = &ds->eng;
    int first = pl.slots[0].layer;
    p->layers[first].stall_feature = pl.input_words;
    p->layers[first].stall_filter = engine_plan_load_cycles(g, &pl, &pl.slots[0]);
    uint64_t frame = pl.input_words + p->layers[first].stall_filter;
    for (int j = 0; j < pl.n_slots; j++) {
        const engine_slot *s = &pl.slots[j];
        uint64_t c = s->conv_cycles;
        uint64_t ld = j + 1 < pl.n_slots ? engine_plan_load_cycles(g, &pl, &pl.slots[j + 1]) : 0;
        p->layers[s->layer].cycles += c;
        if (ld > c)
            p->layers[s->layer].stall_filter += ld - c;
        frame += ld > c ? ld : c;
    }
    uint64_t worst = 0;
    for (int i = 0; i < n->n_layers; i++) {
        layer_perf *lp = &p->layers[i];
        if (pl.role[i] == ENG_CONV && lp->cycles)
            lp->pe_util = (double)n->layers[i].macs /
                          (double)(pe_array_engine_lanes(g, pl.geom[i].one_by_one) * lp->cycles);
        else
            lp->pe_util = pl.role[i] == ENG_CONV ? 0.0 : 1.0;
        uint64_t tot = lp->cycles + lp->stall_filter + lp->stall_feature;
        if (tot > worst) {
            worst = tot;
            p->slowest = i;
        }
    }
    p->interval_cycles = frame;
    p->latency_cycles = frame + pl.pipe_latency;
    p->fps = frame ? ds->clock_mhz * 1e6 / (double)frame : 0.0;
    engine_plan_free(&pl);
    return 0;
}
