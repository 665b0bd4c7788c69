/* topology_engine.c: the TF2 engine — layers in series on one array (tf2-engine.md §1.4).
 *
 * Blocks: the input reader (feature_loader) brings the image into the feature cache;
 * the filter loader fills the other page of the double-buffered filter caches from DDR
 * while the array computes; the sequencer (scheduler) walks the slots, issuing conv_cyc
 * control words per output-channel group; the PE array and the writer (adder) follow.
 * Per frame: input read, filter preload of slot 0, then for each slot j: start when the
 * array is free and slot j's filters are in; at start, slot j+1's load begins. So slot j
 * occupies max(conv_cyc(j), load(j+1)) — TF2's CONV_CYCLE — and a slower load shows as a
 * filter stall charged to slot j's layer. Frames run back to back. */
#include "topology_engine.h"

#include <stdlib.h>
#include <string.h>

#include "blocks/adder.h"
#include "blocks/block.h"
#include "blocks/ddr.h"
#include "blocks/engine_plan.h"
#include "blocks/feature_loader.h"
#include "blocks/filter_loader.h"
#include "blocks/pe_array.h"
#include "vcd.h"

enum phase { PH_READ, PH_PRELOAD, PH_CONV };

typedef struct eng_sim {
    const net *n;
    const engine_plan *pl;
    uint64_t t;
    int cur_layer;
    block_state cur_state;
    uint64_t since;
    uint64_t (*acc)[BS__COUNT]; /* per layer, current frame */
    vcd *v;
    int sig_layer, sig_state, sig_pe, sig_fl, sig_in;
} eng_sim;

static void charge(eng_sim *S, int li, block_state s)
{
    if (li == S->cur_layer && s == S->cur_state)
        return;
    if (S->cur_layer >= 0)
        S->acc[S->cur_layer][S->cur_state] += S->t - S->since;
    S->cur_layer = li;
    S->cur_state = s;
    S->since = S->t;
    if (S->v) {
        vcd_change(S->v, S->sig_layer, S->t, (uint64_t)li);
        vcd_change(S->v, S->sig_state, S->t, (uint64_t)s);
    }
}

int topology_engine_run(const net *n, const design *ds, const cycle_opts *o, perf *p, cycle_info *ci, tf_err *e)
{
    if (design_check(ds, n, e))
        return -1;
    const engine_params *g = &ds->eng;
    engine_plan pl;
    if (engine_plan_build(n, g, &pl, e))
        return -1;
    eng_sim S;
    memset(&S, 0, sizeof S);
    S.n = n;
    S.pl = &pl;
    S.cur_layer = -1;
    S.acc = calloc((size_t)n->n_layers, sizeof *S.acc);
    uint64_t *frame_end = calloc((size_t)o->frames, sizeof *frame_end);
    int rc = -1;
    if (!S.acc || !frame_end) {
        tf_errf(e, "out of memory");
        goto out;
    }
    if (o->trace_path) {
        if (vcd_open(&S.v, o->trace_path, o->trace_from, o->trace_to, e))
            goto out;
        S.sig_layer = vcd_signal(S.v, "sequencer", "layer", 16);
        S.sig_state = vcd_signal(S.v, "sequencer", "state", 3);
        S.sig_pe = vcd_signal(S.v, "pe_array", "busy", 1);
        S.sig_fl = vcd_signal(S.v, "filter_loader", "busy", 1);
        S.sig_in = vcd_signal(S.v, "input_reader", "busy", 1);
    }

    ddr mem;
    ddr_init(&mem, g->ddr_bytes_per_cycle, 0);
    filter_loader fl;
    filter_loader_init(&fl, &mem, pl.filter_word_bytes, g->n_vector);
    pe_array pa;
    pe_array_init_engine(&pa, g);
    pe_array reader; /* the input reader as a timed unit: one word per cycle */
    memset(&reader, 0, sizeof reader);
    adder wr;
    adder_init(&wr, NULL, 0, 3);
    uint64_t events = 0;
    const int first_layer = pl.slots[0].layer;
    for (int f = 0; f < o->frames; f++) {
        memset(S.acc, 0, sizeof *S.acc * (size_t)n->n_layers);
        S.since = S.t;
        /* input read */
        charge(&S, first_layer, BS_FEATURE);
        pe_array_start(&reader, S.t, pl.input_words);
        if (S.v)
            vcd_change(S.v, S.sig_in, S.t, 1);
        S.t = pe_array_next_event(&reader);
        pe_array_step(&reader, S.t);
        events++;
        if (S.v)
            vcd_change(S.v, S.sig_in, S.t, 0);
        /* filter preload of slot 0 */
        charge(&S, first_layer, BS_FILTER);
        long loaded = -1;
        filter_loader_start(&fl, S.t, 0, pl.slots[0].filter_words);
        if (S.v)
            vcd_change(S.v, S.sig_fl, S.t, fl.loading);
        if (fl.loading) {
            S.t = filter_loader_next_event(&fl);
            events++;
        }
        filter_loader_step(&fl, S.t);
        loaded = 0;
        if (S.v)
            vcd_change(S.v, S.sig_fl, S.t, 0);
        /* slots */
        for (int j = 0; j < pl.n_slots; j++) {
            const engine_slot *sl = &pl.slots[j];
            if (loaded < j) { /* filter stall, charged to the previous slot's layer */
                charge(&S, j > 0 ? pl.slots[j - 1].layer : first_layer, BS_FILTER);
                S.t = filter_loader_next_event(&fl);
                events++;
                filter_loader_step(&fl, S.t);
                loaded = j;
                if (S.v)
                    vcd_change(S.v, S.sig_fl, S.t, 0);
            }
            charge(&S, sl->layer, BS_BUSY);
            pe_array_start(&pa, S.t, sl->conv_cycles);
            if (S.v)
                vcd_change(S.v, S.sig_pe, S.t, 1);
            if (j + 1 < pl.n_slots) {
                filter_loader_start(&fl, S.t, j + 1, pl.slots[j + 1].filter_words);
                if (!fl.loading)
                    loaded = j + 1;
                else if (S.v)
                    vcd_change(S.v, S.sig_fl, S.t, 1);
            }
            /* next event: the array finishing or the load finishing, whichever first */
            uint64_t te = pe_array_next_event(&pa), tl = filter_loader_next_event(&fl);
            if (tl < te) {
                S.t = tl;
                events++;
                filter_loader_step(&fl, S.t);
                loaded = j + 1;
                if (S.v)
                    vcd_change(S.v, S.sig_fl, S.t, 0);
            }
            S.t = te;
            events++;
            pe_array_step(&pa, S.t);
            if (S.v)
                vcd_change(S.v, S.sig_pe, S.t, 0);
            if (filter_loader_step(&fl, S.t)) {
                loaded = j + 1;
                if (S.v)
                    vcd_change(S.v, S.sig_fl, S.t, 0);
            }
            adder_accept(&wr, 1);
            adder_step(&wr, S.t);
        }
        charge(&S, -1, BS_BUSY); /* close the frame's books */
        S.cur_layer = -1;
        frame_end[f] = S.t;
    }
    if (perf_alloc(p, n->n_layers)) {
        tf_errf(e, "out of memory");
        goto out;
    }
    int F = o->frames;
    p->interval_cycles = F >= 2 ? frame_end[F - 1] - frame_end[F - 2] : frame_end[0];
    p->latency_cycles = frame_end[0] + pl.pipe_latency;
    p->fps = p->interval_cycles ? ds->clock_mhz * 1e6 / (double)p->interval_cycles : 0.0;
    uint64_t worst = 0;
    for (int i = 0; i < n->n_layers; i++) {
        layer_perf *lp = &p->layers[i];
        const uint64_t *a = S.acc[i];
        lp->cycles = a[BS_BUSY];
        lp->stall_filter = a[BS_FILTER];
        lp->stall_feature = a[BS_FEATURE];
        lp->stall_fifo_full = a[BS_FIFO_FULL];
        lp->stall_fifo_empty = a[BS_FIFO_EMPTY];
        lp->fill_cycles = 0;
        const layer *l = &n->layers[i];
        if (pl.role[i] == ENG_CONV && lp->cycles) {
            uint64_t lanes = pe_array_engine_lanes(g, pl.geom[i].one_by_one);
            lp->pe_util = (double)l->macs / (double)(lanes * lp->cycles);
        } else {
            lp->pe_util = pl.role[i] == ENG_CONV ? 0.0 : 1.0;
        }
        uint64_t tot = lp->cycles + lp->stall_filter + lp->stall_feature;
        if (tot > worst) {
            worst = tot;
            p->slowest = i;
        }
    }
    ci->sim_cycles = frame_end[F - 1];
    ci->events = events;
    rc = 0;
out:
    if (S.v) {
        tf_err ve;
        if (vcd_close(S.v, S.t, &ve) && rc == 0) {
            *e = ve;
            perf_free(p);
            rc = -1;
        }
    }
    free(frame_end);
    free(S.acc);
    engine_plan_free(&pl);
    return rc;
}
