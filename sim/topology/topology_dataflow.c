/* topology_dataflow.c: the layer-pipelined topology (see topology_dataflow.h). */
#include "topology_dataflow.h"

#include <stdlib.h>
#include <string.h>

#include "blocks/adder.h"
#include "blocks/block.h"
#include "blocks/feature_loader.h"
#include "blocks/fifo.h"
#include "blocks/pe_array.h"
#include "blocks/scheduler.h"
#include "analytic/gen_stages.h"
#include "vcd.h"

typedef struct df_unit {
    int layer;                 /* -1: the input DMA */
    const char *name;
    scheduler sc;
    feature_loader fl;
    pe_array pe;
    adder ad;
    fifo **outs;
    int n_out;
    int *prods, n_prod;        /* unit indices feeding this one */
    int *cons, n_cons;
    uint64_t frame_pixels;
    sched_item next, run;
    bool have_next, exhausted, dirty;
    state_acc acc;
    uint64_t *done_t;                  /* per frame: cycle its last item completed */
    uint64_t (*snap)[BS__COUNT];       /* counters at those cycles */
    int frames_done;
    bool got_in, got_out;
    uint64_t first_in_t, first_out_t;
    int sig_state, sig_fifo;
} df_unit;

typedef struct df_sim {
    const net *n;
    const design *ds;
    int frames;
    int nu;
    df_unit *u;
    fifo *fifos;
    int *edge_from, *edge_to; /* per FIFO: producer and consumer layer (-1: input DMA) */
    int nf;
    int *stack, sp;
    uint64_t t, events;
    vcd *v;
} df_sim;

static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/* Channels per word on the stream leaving layer i (the nearest compute producer's PE),
 * as the analytical model counts it. */
static int stream_lanes(const net *n, const design *ds, int i)
{
    for (int j = i; j >= 0;) {
        const layer *l = &n->layers[j];
        if (layer_is_compute(l))
            return ds->fold[j].pe * (ds->fold[j].sched == SCHED_KP ? ds->fold[j].kp : 1);
        j = l->inputs[0];
    }
    return 1;
}

static void set_state(df_sim *S, df_unit *u, block_state s)
{
    if (u->acc.s == s)
        return;
    state_acc_set(&u->acc, s, S->t);
    if (S->v)
        vcd_change(S->v, u->sig_state, S->t, (uint64_t)s);
}

static void mark(df_sim *S, int ui)
{
    if (!S->u[ui].dirty) {
        S->u[ui].dirty = true;
        S->stack[S->sp++] = ui;
    }
}

static void complete(df_sim *S, df_unit *u)
{
    const sched_item *it = &u->run;
    adder_accept(&u->ad, it->outputs);
    feature_loader_free(&u->fl, (uint64_t)it->frame * u->frame_pixels + it->free_to);
    if (it->outputs && !u->got_out) {
        u->got_out = true;
        u->first_out_t = S->t;
    }
    if (it->last) {
        u->done_t[it->frame] = S->t;
        state_acc_read(&u->acc, S->t, u->snap[it->frame]);
        u->frames_done++;
    }
}

static void update(df_sim *S, int ui)
{
    df_unit *u = &S->u[ui];
    for (;;) {
        bool progress = false;
        if (u->ad.pending && adder_step(&u->ad, S->t)) {
            progress = true;
            for (int k = 0; k < u->n_cons; k++)
                mark(S, u->cons[k]);
        }
        if (u->fl.n_in && feature_loader_step(&u->fl, S->t)) {
            progress = true;
            if (!u->got_in) {
                u->got_in = true;
                u->first_in_t = S->t;
            }
            for (int k = 0; k < u->n_prod; k++)
                mark(S, u->prods[k]);
        }
        if (!u->pe.busy && u->ad.pending == 0) {
            if (!u->have_next && !u->exhausted) {
                u->have_next = scheduler_next(&u->sc, &u->next);
                u->exhausted = !u->have_next;
            }
            if (u->have_next && feature_loader_has(&u->fl, (uint64_t)u->next.frame * u->frame_pixels + u->next.need)) {
                u->run = u->next;
                u->have_next = false;
                pe_array_start(&u->pe, S->t, u->run.cost);
                if (u->run.cost == 0) {
                    pe_array_step(&u->pe, S->t);
                    complete(S, u);
                    progress = true;
                }
            }
        }
        if (!progress)
            break;
    }
    block_state s;
    if (u->pe.busy)
        s = BS_BUSY;
    else if (u->ad.pending)
        s = BS_FIFO_FULL;
    else if (u->have_next && u->next.first)
        s = BS_FEATURE; /* filling the line buffer before the frame's first window */
    else
        s = BS_FIFO_EMPTY;
    set_state(S, u, s);
    if (S->v && u->fl.n_in)
        vcd_change(S->v, u->sig_fifo, S->t, u->fl.in[0]->count);
}

/* Line-buffer capacity (pixels per input) of a unit walking a window op. */
static uint64_t linebuf_pixels(const layer *l, int k, int s, int pad, pe_grain g)
{
    uint64_t fp = (uint64_t)l->hin * (uint64_t)l->win;
    if (g == PE_GRAIN_FRAME)
        return 2 * fp; /* whole input, double-buffered */
    /* the K rows of the current window plus the `s` rows of the next one, so the next
     * rows stream in while the current row computes ((K+1) rows for stride 1) */
    int rows = k + s;
    int tail = l->hin - ((l->hout - 1) * s - pad);
    if (tail > rows)
        rows = tail;
    if (rows > l->hin)
        rows = l->hin;
    return (uint64_t)rows * (uint64_t)l->win;
}

static int setup_unit(df_sim *S, int li, tf_err *e)
{
    const net *n = S->n;
    const design *ds = S->ds;
    df_unit *u = &S->u[li + 1];
    u->layer = li;
    sched_params sp = {0};
    if (li < 0) {
        u->name = "input";
        sp.grain = PE_GRAIN_ROW;
        sp.hin = sp.hout = n->in_h;
        sp.win = sp.wout = n->in_w;
        sp.items_per_frame = (uint64_t)n->in_h;
        sp.pe_cost = (uint64_t)n->in_w; /* one pixel per cycle */
        sp.no_input = true;
        sp.k = sp.stride = 1;
        memset(&u->pe, 0, sizeof u->pe);
        scheduler_init(&u->sc, &sp, S->frames);
        u->frame_pixels = 0;
        return 0;
    }
    const layer *l = &n->layers[li];
    u->name = l->name;
    sp.hin = l->hin;
    sp.win = l->win;
    sp.hout = l->hout;
    sp.wout = l->wout;
    sp.k = 1;
    sp.stride = 1;
    sp.pad = 0;
    if (layer_is_compute(l)) {
        pe_array_init_dataflow(&u->pe, l, &ds->fold[li]);
        sp.grain = u->pe.grain;
        sp.items_per_frame = u->pe.items_per_frame;
        sp.pe_cost = u->pe.cost_per_item;
        gen_stages gs;
        if (gen_stages_of(n, ds, li, &gs)) /* a GEN layer runs at its slowest stage's pace, row by row */
            sp.pe_cost = gs.per_row[gs.slowest];
        if (l->op == OP_CONV) {
            sp.k = l->k;
            sp.stride = l->stride;
            sp.pad = l->pad;
        }
    } else {
        memset(&u->pe, 0, sizeof u->pe);
        int lanes = l->inputs[0] >= 0 ? stream_lanes(n, ds, l->inputs[0]) : 1;
        sp.load_cost = cdiv((uint64_t)l->cin, (uint64_t)(lanes > 0 ? lanes : 1));
        if (gen_pool_pixel_cycles(n, ds, li, &sp.pe_cost)) /* GEN's max_pool2x2: per output pixel */
            sp.load_cost = 0;
        sp.grain = PE_GRAIN_PIXEL;
        sp.items_per_frame = (uint64_t)l->hout * (uint64_t)l->wout;
        switch (l->op) {
        case OP_MAXPOOL:
        case OP_AVGPOOL:
            sp.k = l->k;
            sp.stride = l->stride;
            sp.pad = l->pad;
            break;
        case OP_REORG:
            sp.k = sp.stride = l->stride;
            break;
        case OP_GAP:
            sp.grain = PE_GRAIN_FRAME;
            sp.items_per_frame = 1;
            break;
        default:
            break;
        }
    }
    if (sp.items_per_frame == 0)
        return tf_errf(e, "layer %s: empty output (%dx%d)", l->name, l->hout, l->wout);
    scheduler_init(&u->sc, &sp, S->frames);
    u->frame_pixels = scheduler_frame_pixels(&u->sc);
    u->pe.items_per_frame = sp.items_per_frame;
    return 0;
}

static int build(df_sim *S, tf_err *e)
{
    const net *n = S->n;
    const design *ds = S->ds;
    int nu = n->n_layers + 1;
    S->nu = nu;
    S->u = calloc((size_t)nu, sizeof(df_unit));
    S->stack = calloc((size_t)nu, sizeof(int));
    int n_edges = 0;
    for (int i = 0; i < n->n_layers; i++)
        n_edges += n->layers[i].n_inputs;
    S->fifos = calloc((size_t)(n_edges ? n_edges : 1), sizeof(fifo));
    S->edge_from = calloc((size_t)(n_edges ? n_edges : 1), sizeof(int));
    S->edge_to = calloc((size_t)(n_edges ? n_edges : 1), sizeof(int));
    if (!S->u || !S->stack || !S->fifos || !S->edge_from || !S->edge_to)
        return tf_errf(e, "out of memory");
    /* consumers per unit */
    int *ncons = calloc((size_t)nu, sizeof(int));
    if (!ncons)
        return tf_errf(e, "out of memory");
    for (int i = 0; i < n->n_layers; i++)
        for (int k = 0; k < n->layers[i].n_inputs; k++)
            ncons[n->layers[i].inputs[k] + 1]++;
    for (int ui = 0; ui < nu; ui++) {
        df_unit *u = &S->u[ui];
        u->outs = calloc((size_t)(ncons[ui] ? ncons[ui] : 1), sizeof(fifo *));
        u->cons = calloc((size_t)(ncons[ui] ? ncons[ui] : 1), sizeof(int));
        u->prods = calloc(LAYER_MAX_INPUTS, sizeof(int));
        u->done_t = calloc((size_t)S->frames, sizeof(uint64_t));
        u->snap = calloc((size_t)S->frames, sizeof *u->snap);
        if (!u->outs || !u->cons || !u->prods || !u->done_t || !u->snap) {
            free(ncons);
            return tf_errf(e, "out of memory");
        }
        if (setup_unit(S, ui - 1, e)) {
            free(ncons);
            return -1;
        }
    }
    free(ncons);
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        df_unit *u = &S->u[i + 1];
        fifo *ins[LAYER_MAX_INPUTS];
        for (int k = 0; k < l->n_inputs; k++) {
            int p = l->inputs[k];
            df_unit *pu = &S->u[p + 1];
            int ch = p < 0 ? n->in_c : n->layers[p].cout;
            int lanes = p < 0 ? n->in_c : stream_lanes(n, ds, p);
            uint64_t cap = cdiv((uint64_t)ds->fifo_depth * (uint64_t)lanes, (uint64_t)ch);
            if (l->n_inputs > 1) { /* a join (concat, add, mul): skip buffers of a whole frame */
                uint64_t frame = p < 0 ? (uint64_t)n->in_h * (uint64_t)n->in_w
                                       : (uint64_t)n->layers[p].hout * (uint64_t)n->layers[p].wout;
                if (cap < frame)
                    cap = frame;
            }
            S->edge_from[S->nf] = p;
            S->edge_to[S->nf] = i;
            fifo *q = &S->fifos[S->nf++];
            if (fifo_init(q, cap < 1 ? 1 : cap))
                return tf_errf(e, "fifo_depth must be >= 1 (got %d)", ds->fifo_depth);
            ins[k] = q;
            pu->outs[pu->n_out++] = q;
            pu->cons[pu->n_cons++] = i + 1;
            u->prods[u->n_prod++] = p + 1;
        }
        int k = 1, s = 1, pad = 0;
        if (l->op == OP_CONV || l->op == OP_MAXPOOL || l->op == OP_AVGPOOL) {
            k = l->k;
            s = l->stride;
            pad = l->pad;
        } else if (l->op == OP_REORG) {
            k = s = l->stride;
        }
        feature_loader_init(&u->fl, l->n_inputs, ins, linebuf_pixels(l, k, s, pad, u->sc.p.grain));
        if (l->op == OP_MUL && l->inputs[1] >= 0 && n->layers[l->inputs[1]].hout * n->layers[l->inputs[1]].wout == 1 &&
            l->hin * l->win > 1)
            feature_loader_side_input(&u->fl, 1, (uint64_t)l->hin * (uint64_t)l->win);
    }
    for (int ui = 0; ui < nu; ui++) {
        df_unit *u = &S->u[ui];
        adder_init(&u->ad, u->outs, u->n_out, u->pe.latency);
        state_acc_init(&u->acc, BS_FEATURE, 0);
    }
    return 0;
}

static void destroy(df_sim *S)
{
    if (S->u)
        for (int ui = 0; ui < S->nu; ui++) {
            free(S->u[ui].outs);
            free(S->u[ui].cons);
            free(S->u[ui].prods);
            free(S->u[ui].done_t);
            free(S->u[ui].snap);
        }
    free(S->u);
    free(S->fifos);
    free(S->edge_from);
    free(S->edge_to);
    free(S->stack);
}

static int deadlock(df_sim *S, tf_err *e)
{
    const char *waiting = "?", *blocked = NULL;
    for (int ui = 1; ui < S->nu; ui++) {
        df_unit *u = &S->u[ui];
        if (u->frames_done < S->frames && !u->pe.busy && u->ad.pending == 0 && waiting[0] == '?')
            waiting = u->name;
        if (u->ad.pending && !blocked)
            blocked = u->name;
    }
    return tf_errf(e, "dataflow deadlock at cycle %llu: layer %s waits for input%s%s%s; raise fifo_depth (now %d)",
                   (unsigned long long)S->t, waiting, blocked ? " while layer " : "", blocked ? blocked : "",
                   blocked ? " cannot write (its FIFO is full)" : "", S->ds->fifo_depth);
}

static int run(df_sim *S, tf_err *e)
{
    for (int ui = 0; ui < S->nu; ui++)
        mark(S, ui);
    for (;;) {
        while (S->sp) {
            int ui = S->stack[--S->sp];
            S->u[ui].dirty = false;
            update(S, ui);
        }
        uint64_t next = BLOCK_NEVER;
        bool all_done = true;
        for (int ui = 0; ui < S->nu; ui++) {
            const df_unit *u = &S->u[ui];
            if (u->pe.busy && u->pe.done_at < next)
                next = u->pe.done_at;
            if (u->frames_done < S->frames)
                all_done = false;
        }
        if (all_done)
            return 0;
        if (next == BLOCK_NEVER)
            return deadlock(S, e);
        S->t = next;
        S->events++;
        for (int ui = 0; ui < S->nu; ui++) {
            df_unit *u = &S->u[ui];
            if (u->pe.busy && u->pe.done_at == next) {
                pe_array_step(&u->pe, next);
                complete(S, u);
                mark(S, ui);
            }
        }
    }
}

static int open_trace(df_sim *S, const cycle_opts *o, tf_err *e)
{
    if (!o->trace_path)
        return 0;
    if (vcd_open(&S->v, o->trace_path, o->trace_from, o->trace_to, e))
        return -1;
    for (int ui = 0; ui < S->nu; ui++) {
        df_unit *u = &S->u[ui];
        u->sig_state = vcd_signal(S->v, u->name, "state", 3);
        u->sig_fifo = u->fl.n_in ? vcd_signal(S->v, u->name, "in_fifo_count", 32) : -1;
    }
    return 0;
}

int topology_dataflow_run(const net *n, const design *ds, const cycle_opts *o, perf *p, cycle_info *ci, tf_err *e)
{
    if (design_check(ds, n, e))
        return -1;
    df_sim S;
    memset(&S, 0, sizeof S);
    S.n = n;
    S.ds = ds;
    S.frames = o->frames;
    int rc = -1;
    if (build(&S, e) || open_trace(&S, o, e) || run(&S, e))
        goto out;
    if (perf_alloc(p, n->n_layers)) {
        tf_errf(e, "out of memory");
        goto out;
    }
    int F = S.frames;
    /* The measured frame: the next-to-last when there are 3+ frames, so that a frame
     * follows it and keeps the pipeline as full as in steady state. */
    int k = F >= 3 ? F - 2 : F - 1;
    uint64_t done_k = 0, done_prev = 0, done_first = 0, done_all = 0;
    for (int ui = 1; ui < S.nu; ui++) {
        const df_unit *u = &S.u[ui];
        if (u->n_cons)
            continue;
        if (u->done_t[k] > done_k)
            done_k = u->done_t[k];
        if (k >= 1 && u->done_t[k - 1] > done_prev)
            done_prev = u->done_t[k - 1];
        if (u->done_t[0] > done_first)
            done_first = u->done_t[0];
        if (u->done_t[F - 1] > done_all)
            done_all = u->done_t[F - 1];
    }
    p->latency_cycles = done_first;
    p->interval_cycles = k >= 1 ? done_k - done_prev : done_first;
    p->fps = p->interval_cycles ? ds->clock_mhz * 1e6 / (double)p->interval_cycles : 0.0;
    uint64_t worst = 0;
    for (int i = 0; i < n->n_layers; i++) {
        const df_unit *u = &S.u[i + 1];
        const layer *l = &n->layers[i];
        layer_perf *lp = &p->layers[i];
        uint64_t w[BS__COUNT];
        for (int s = 0; s < BS__COUNT; s++)
            w[s] = u->snap[k][s] - (k >= 1 ? u->snap[k - 1][s] : 0);
        lp->cycles = w[BS_BUSY];
        lp->stall_filter = w[BS_FILTER];
        lp->stall_feature = w[BS_FEATURE];
        lp->stall_fifo_full = w[BS_FIFO_FULL];
        lp->stall_fifo_empty = w[BS_FIFO_EMPTY];
        lp->fill_cycles = u->got_out && u->got_in ? u->first_out_t - u->first_in_t : 0;
        if (layer_is_compute(l)) {
            double cap = pe_array_products_per_cycle(l, &ds->fold[i]);
            lp->pe_util = lp->cycles ? (double)l->macs / (cap * (double)lp->cycles) : 0.0;
        } else {
            lp->pe_util = 1.0;
        }
        if (lp->cycles > worst) {
            worst = lp->cycles;
            p->slowest = i;
        }
    }
    ci->sim_cycles = done_all;
    if (o->fifos) {
        o->fifos->n = 0;
        o->fifos->f = calloc((size_t)(S.nf ? S.nf : 1), sizeof(fifo_report));
        if (!o->fifos->f) {
            perf_free(p);
            tf_errf(e, "out of memory");
            goto out;
        }
        for (int q = 0; q < S.nf; q++) {
            fifo_report *r = &o->fifos->f[o->fifos->n++];
            r->producer = S.edge_from[q];
            r->consumer = S.edge_to[q];
            fifo_stats_at(&S.fifos[q], S.t, &r->s);
        }
    }
    ci->events = S.events;
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
    destroy(&S);
    return rc;
}
