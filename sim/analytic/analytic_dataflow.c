/* analytic_dataflow.c: closed-form cycles of the dataflow (layer-pipelined) topology. */
#include "analytic.h"
#include "blocks/pe_array.h"
#include "gen_stages.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static uint64_t ceil_div_u(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

uint64_t analytic_layer_cycles(const layer *l, const layer_fold *f)
{
    uint64_t oh = (uint64_t)l->hout, ow = (uint64_t)l->wout, k = (uint64_t)l->k;
    uint64_t cin_g = (uint64_t)layer_cin_per_group(l), cout = (uint64_t)l->cout;
    uint64_t simd = (uint64_t)f->simd, pe = (uint64_t)f->pe, kpf = (uint64_t)(f->kpf > 0 ? f->kpf : 1);
    if (l->op == OP_FC)
        return (cin_g / simd) * (cout / pe);
    switch (f->sched) {
    case SCHED_DSP6:
        return oh * (cout / pe) * ceil_div_u(ow + 2, 2) * (3 * cin_g / simd);
    case SCHED_FP: {
        uint64_t row_len = ((uint64_t)l->win + k - 2) / (uint64_t)f->np + 1;
        /* the FP/KP arrays walk every input row (GEN Opt_FP.hpp / Opt_KP.hpp: IN_H), which is
         * OH only for a same-padded conv; the cycle-level model counts IN_H rows */
        return (uint64_t)l->hin * (cout / pe) * ceil_div_u(k, (uint64_t)f->kp) * (k * cin_g / (simd * kpf)) * row_len;
    }
    case SCHED_KP: {
        uint64_t row_len = ((uint64_t)l->win + k - 2) / (uint64_t)f->np + 1;
        return (uint64_t)l->hin * (cout / ((uint64_t)f->kp * pe)) * k * (k * cin_g / (simd * kpf)) * row_len;
    }
    case SCHED_MVAU:
    default:
        return oh * ow * (k * k * cin_g / simd) * (cout / pe);
    }
}

uint64_t analytic_stream_cycles(const layer *l, int lanes)
{
    uint64_t per_pixel = ceil_div_u((uint64_t)l->cin, (uint64_t)(lanes > 0 ? lanes : 1));
    return (uint64_t)l->hin * (uint64_t)l->win * per_pixel;
}

/* First-frame wavefront of a layer's output: the cycle its first output row is complete
 * (t0), its last one (t1), and whether rows leave pixel by pixel (else all at once). */
typedef struct wave {
    double t0, t1;
    double period; /* rows leave every `period` cycles from t0 (the last one at t1) */
    bool pixel;
} wave;

static double dmax(double a, double b) { return a > b ? a : b; }

/* Output wave of layer l (cycles per frame, items in rows or pixels) fed by `in` (input
 * row r arrives at min(in->t0 + r in->period, in->t1)). A row of output can start when
 * the last input row its window needs is in (a pixel-grain unit fed pixel by pixel, when
 * the window's first pixels are in) and the previous row is done; so the first row ends
 * at A(first needed row) + R, the last at max(first + (rows-1) R, A(last row) + tail),
 * tail = the rows whose window reaches the last input row. */
static wave layer_wave(const layer *l, const layer_fold *f, uint64_t cycles, const wave *in)
{
    wave w;
    if (l->op == OP_FC || l->op == OP_GAP) {
        w.t0 = w.t1 = in->t1 + (double)cycles;
        w.period = 0;
        w.pixel = false;
        return w;
    }
    int k = 1, s = 1, pad = 0;
    if (l->op == OP_CONV || l->op == OP_MAXPOOL || l->op == OP_AVGPOOL) {
        k = l->k;
        s = l->stride;
        pad = l->pad;
    } else if (l->op == OP_REORG) {
        k = s = l->stride;
    }
    bool pixel = !(layer_is_compute(l) && f->sched != SCHED_MVAU);
    bool rows_in = layer_is_compute(l) && (f->sched == SCHED_FP || f->sched == SCHED_KP);
    double rows = (double)(rows_in ? l->hin : l->hout);
    double R = (double)cycles / rows;
    double item = pixel ? R / (double)l->wout : R;
    double period = in->period;
    int nr0 = k - pad - 1;
    if (nr0 < 0) nr0 = 0;
    if (nr0 > l->hin - 1) nr0 = l->hin - 1;
    double a0 = nr0 >= l->hin - 1 ? in->t1 : in->t0 + (double)nr0 * period; /* the first window's rows are in */
    if (a0 > in->t1)
        a0 = in->t1;
    double start = a0;
    if (pixel && in->pixel) { /* ... but its first pixels were in earlier */
        double frac = (double)(k - pad) / (double)l->win;
        start = a0 - period * (1.0 - (frac < 1.0 ? frac : 1.0));
    }
    w.t0 = pixel ? dmax(start + R, a0 + item) : a0 + R;
    /* rows that cannot finish before the last input pixel: from the first row whose
     * window reaches it, r* = ceil((H - K + pad) / s), to the end */
    int rstar = (l->hin - k + pad + s - 1) / s;
    if (rstar < 0) rstar = 0;
    if (rstar > l->hout - 1) rstar = l->hout - 1;
    double tail = pixel && in->pixel ? item + (double)(l->hout - 1 - rstar) * R : (double)(l->hout - rstar) * R;
    w.t1 = dmax(w.t0 + (rows - 1.0) * R, in->t1 + tail);
    w.period = dmax(R, period * (double)s);
    w.pixel = pixel;
    return w;
}

/* Channels per cycle on the stream leaving layer i: the PE of the nearest compute producer. */
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

/* First-frame latency by a row recurrence over the graph, for graphs with joins, where
 * rows reach a join in bursts the wavefront cannot follow (no FIFO or backpressure
 * effects): output row r of a window op needs input row n(r) = min(H-1, r s - pad + K - 1)
 * (the last row for the frame's last output row) and the previous row done; it takes one
 * row time R = cycles / rows. A pixel-grain unit fed pixel by pixel starts a row once the
 * first K-pad pixels of row n(r) are in and ends no earlier than one item after the whole
 * row is in; fc and global pool wait for the whole input; a join's row is in when all
 * its inputs' are; the input DMA hands over row r at (r+1) W. O(rows). Returns the
 * completion of the last row of the graph's outputs; fill[i] = layer i's first row
 * after its input's first row; -1 when out of memory. */
static double row_latency(const net *n, const design *ds, const perf *p, double *fill)
{
    int nl = n->n_layers > 0 ? n->n_layers : 1;
    size_t rows = 0, in_rows = (size_t)n->in_h;
    for (int i = 0; i < n->n_layers; i++) {
        rows += (size_t)(n->layers[i].hout > 0 ? n->layers[i].hout : 1);
        if (n->layers[i].n_inputs > 1)
            in_rows += (size_t)n->layers[i].hin;
    }
    /* one block: row times of every layer, the input DMA's, joins' merged inputs, flags */
    double *buf = malloc(sizeof(double) * (rows + in_rows) + sizeof(double *) * (size_t)nl + 2 * (size_t)nl);
    if (!buf)
        return -1;
    double **done = (double **)(buf + rows + in_rows);
    unsigned char *pix = (unsigned char *)(done + nl), *consumed = pix + nl;
    memset(pix, 0, 2 * (size_t)nl);
    double *src = buf + rows, *scratch = src + n->in_h;
    for (int r = 0; r < n->in_h; r++)
        src[r] = (double)(r + 1) * (double)n->in_w;
    size_t off = 0;
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        const layer_fold *f = &ds->fold[i];
        int rows_out = l->hout > 0 ? l->hout : 1, H = l->hin;
        double *F = done[i] = buf + off;
        off += (size_t)rows_out;
        double cycles = (double)p->layers[i].cycles;
        bool in_pixel = true;
        const double *A; /* when each input row is complete */
        for (int k = 0; k < l->n_inputs; k++) {
            int q = l->inputs[k];
            in_pixel = in_pixel && q >= 0 && pix[q];
            if (q >= 0)
                consumed[q] = 1;
        }
        if (l->n_inputs == 1) {
            A = l->inputs[0] < 0 ? src : done[l->inputs[0]];
        } else {
            for (int r = 0; r < H; r++) {
                double t = 0;
                for (int k = 0; k < l->n_inputs; k++) {
                    double v = l->inputs[k] < 0 ? src[r] : done[l->inputs[k]][r];
                    t = v > t ? v : t;
                }
                scratch[r] = t;
            }
            A = scratch;
            scratch += H;
        }
        if (l->op == OP_FC || l->op == OP_GAP) {
            F[0] = A[H - 1] + cycles;
            fill[i] = cycles;
            continue;
        }
        int k = 1, s = 1, pad = 0;
        if (l->op == OP_CONV || l->op == OP_MAXPOOL || l->op == OP_AVGPOOL) {
            k = l->k;
            s = l->stride;
            pad = l->pad;
        } else if (l->op == OP_REORG) {
            k = s = l->stride;
        }
        bool pixel = !(layer_is_compute(l) && f->sched != SCHED_MVAU);
        bool rows_in = layer_is_compute(l) && (f->sched == SCHED_FP || f->sched == SCHED_KP);
        double R = cycles / (double)(rows_in ? l->hin : rows_out);
        double item = pixel ? R / (double)(l->wout > 0 ? l->wout : 1) : R;
        double frac = (double)(k - pad) / (double)(l->win > 0 ? l->win : 1);
        if (frac > 1.0)
            frac = 1.0;
        bool overlap = pixel && in_pixel; /* a row starts on the window's first pixels */
        double prev = 0;
        for (int r = 0; r < rows_out; r++) {
            int nr = r * s - pad + k - 1;
            if (nr < 0)
                nr = 0;
            if (nr > H - 1 || r == rows_out - 1)
                nr = H - 1;
            double full = A[nr], start = full;
            if (overlap) {
                double before = nr > 0 ? A[nr - 1] : 0.0;
                start = before + (full - before) * frac;
            }
            if (start < prev)
                start = prev;
            double d = start + R;
            if (pixel && full + item > d)
                d = full + item;
            F[r] = prev = d;
        }
        fill[i] = F[0] - A[0];
        pix[i] = pixel;
    }
    double lat = 0;
    for (int i = 0; i < n->n_layers; i++) {
        double d = done[i][(n->layers[i].hout > 0 ? n->layers[i].hout : 1) - 1];
        if (!consumed[i] && d > lat)
            lat = d;
    }
    free(buf);
    return lat;
}

int analytic_dataflow(const net *n, const design *ds, perf *p, tf_err *e)
{
    if (design_check(ds, n, e))
        return -1;
    if (perf_alloc(p, n->n_layers))
        return tf_errf(e, "out of memory");
    wave *wv = malloc(sizeof(wave) * (size_t)(n->n_layers > 0 ? n->n_layers : 1));
    bool *consumed = calloc((size_t)(n->n_layers > 0 ? n->n_layers : 1), sizeof(bool));
    uint64_t *pool_px = calloc((size_t)(n->n_layers > 0 ? n->n_layers : 1), sizeof(uint64_t));
    if (!wv || !consumed || !pool_px) {
        free(wv);
        free(consumed);
        free(pool_px);
        perf_free(p);
        return tf_errf(e, "out of memory");
    }
    /* the input DMA hands over a row of W pixels every W cycles */
    const wave src = {.t0 = (double)n->in_w, .t1 = (double)n->in_h * (double)n->in_w, .period = (double)n->in_w,
                      .pixel = false};
    uint64_t worst = 0;
    double latency = 0;
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        layer_perf *lp = &p->layers[i];
        if (layer_is_compute(l)) {
            gen_stages gs;
            if (gen_stages_of(n, ds, i, &gs)) { /* a GEN layer: its slowest stage */
                lp->cycles = gs.frame[gs.slowest];
                if (gs.pool_layer >= 0)
                    pool_px[gs.pool_layer] = gs.pool_pixel;
            } else {
                lp->cycles = analytic_layer_cycles(l, &ds->fold[i]);
            }
            /* packed schedules do several products per lane (pe_array.h) */
            double cap = pe_array_products_per_cycle(l, &ds->fold[i]) * (double)lp->cycles;
            lp->pe_util = cap > 0 ? (double)l->macs / cap : 0.0;
        } else {
            if (pool_px[i]) /* GEN's fused max_pool2x2 (gen_pool_pixel_cycles) */
                lp->cycles = (uint64_t)l->hout * (uint64_t)l->wout * pool_px[i];
            else
                lp->cycles = analytic_stream_cycles(l, l->inputs[0] >= 0 ? stream_lanes(n, ds, l->inputs[0]) : 1);
            lp->pe_util = 1.0;
        }
        wave in = src;
        for (int k = 0; k < l->n_inputs; k++) { /* a join waits for its latest input */
            const wave *w = l->inputs[k] < 0 ? &src : &wv[l->inputs[k]];
            if (k == 0) {
                in = *w;
            } else {
                in.t0 = dmax(in.t0, w->t0);
                in.t1 = dmax(in.t1, w->t1);
                in.period = dmax(in.period, w->period);
                in.pixel = in.pixel && w->pixel;
            }
            if (l->inputs[k] >= 0)
                consumed[l->inputs[k]] = true;
        }
        wv[i] = layer_wave(l, &ds->fold[i], lp->cycles, &in);
        lp->fill_cycles = (uint64_t)(wv[i].t0 - in.t0 + 0.5);
        if (lp->cycles > worst) {
            worst = lp->cycles;
            p->slowest = i;
        }
    }
    for (int i = 0; i < n->n_layers; i++)
        if (!consumed[i] && wv[i].t1 > latency)
            latency = wv[i].t1;
    free(wv);
    free(consumed);
    free(pool_px);
    bool joins = false;
    for (int i = 0; i < n->n_layers && !joins; i++)
        joins = n->layers[i].n_inputs > 1;
    if (joins) { /* the wavefront is chains-only accurate: follow every row instead */
        double *fill = malloc(sizeof(double) * (size_t)(n->n_layers > 0 ? n->n_layers : 1));
        double lat = fill ? row_latency(n, ds, p, fill) : -1;
        if (lat < 0) {
            free(fill);
            perf_free(p);
            return tf_errf(e, "out of memory");
        }
        for (int i = 0; i < n->n_layers; i++)
            p->layers[i].fill_cycles = (uint64_t)(fill[i] > 0 ? fill[i] + 0.5 : 0);
        free(fill);
        latency = lat;
    }
    p->interval_cycles = worst;
    p->latency_cycles = (uint64_t)(latency + 0.5);
    p->fps = worst ? ds->clock_mhz * 1e6 / (double)worst : 0.0;
    return 0;
}
