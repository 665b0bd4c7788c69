/* engine_plan.c: mapping a net onto the TF2 engine (see engine_plan.h). */
#include "engine_plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "feature_loader.h"

static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

void engine_plan_free(engine_plan *pl)
{
    free(pl->role);
    free(pl->geom);
    free(pl->slots);
    memset(pl, 0, sizeof *pl);
}

uint64_t engine_plan_load_cycles(const engine_params *g, const engine_plan *pl, const engine_slot *s)
{
    if (s->filter_words == 0)
        return 0;
    uint64_t beats = (uint64_t)ceil((double)pl->filter_word_bytes / g->ddr_bytes_per_cycle - 1e-9);
    if (beats < 1)
        beats = 1;
    return s->filter_words * (uint64_t)g->n_vector * beats;
}

/* Number of layers reading layer i's output. */
static int consumers(const net *n, int i, int *only)
{
    int c = 0;
    for (int j = 0; j < n->n_layers; j++)
        for (int k = 0; k < n->layers[j].n_inputs; k++)
            if (n->layers[j].inputs[k] == i) {
                c++;
                *only = j;
            }
    return c;
}

static int conv_geom(const net *n, const engine_params *g, int i, engine_layer_geom *lg, tf_err *e)
{
    const layer *l = &n->layers[i];
    memset(lg, 0, sizeof *lg);
    lg->n = l->cout;
    if (l->op == OP_FC) {
        lg->c = l->cin * l->hin * l->win;
        lg->h = lg->w = lg->fh = lg->fw = lg->oh = lg->ow = lg->stride = 1;
        lg->one_by_one = true;
        return 0;
    }
    if (l->inputs[0] < 0 && l->k == 7 && l->stride == 2) { /* TF2's first-layer rewrite */
        lg->c = l->cin * 9;
        lg->fh = lg->fw = 3;
        lg->stride = 1;
        lg->oh = l->hout;
        lg->ow = l->wout;
        lg->h = l->hout + 2;
        lg->w = l->wout + 2;
        lg->rewritten = true;
        return 0;
    }
    if (l->stride > 2)
        return tf_errf(e, "layer %s: conv stride %d; the engine runs stride 1 and 2 only (TF2's sequencer steps rows by "
                          "the stride and pool_tail drops odd columns); only a 7x7/2 first layer is rewritten",
                       l->name, l->stride);
    int opg = l->cout / l->groups;
    /* A PE group must stay inside one conv group (the array broadcasts one input to its PEs): a
     * grouped conv whose groups do not fill N_VECTOR (resnext, regnet) runs each group's filters
     * padded to whole PE groups, the extra PEs idle (an extension, like depthwise: TF2 has no
     * groups). */
    if (l->groups > 1 && !layer_is_depthwise(l) && opg % g->n_vector)
        lg->n = l->groups * (int)cdiv((uint64_t)opg, (uint64_t)g->n_vector) * g->n_vector;
    lg->c = layer_cin_per_group(l);
    lg->h = l->hin;
    lg->w = l->win;
    lg->fh = lg->fw = l->k;
    lg->stride = l->stride;
    lg->oh = l->hin + 2 * l->pad - l->k + 1;
    lg->ow = l->win + 2 * l->pad - l->k + 1;
    lg->one_by_one = l->k == 1;
    return 0;
}

int engine_plan_build(const net *n, const engine_params *g, engine_plan *pl, tf_err *e)
{
    memset(pl, 0, sizeof *pl);
    if (g->n_vector < 1 || g->c_vector < 1 || g->ow_vector < 1 || g->fw_vector < 1 || g->ddr_bytes_per_cycle <= 0)
        return tf_errf(e, "engine %s: n_vector, c_vector, ow_vector, fw_vector and ddr_bytes_per_cycle must be > 0",
                       g->name);
    pl->n_layers = n->n_layers;
    pl->role = calloc((size_t)n->n_layers, sizeof *pl->role);
    pl->geom = calloc((size_t)n->n_layers, sizeof *pl->geom);
    if (!pl->role || !pl->geom)
        return tf_errf(e, "out of memory");
    pl->filter_word_bytes = (uint64_t)g->fw_vector * (uint64_t)g->c_vector;
    pl->pages = 2;
    uint64_t wv = (uint64_t)(g->fw_vector + g->ow_vector - 1);
    int first = -1;
    long n_slots = 0;
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        engine_layer_geom *lg = &pl->geom[i];
        switch (l->op) {
        case OP_CONV:
        case OP_FC:
            if (conv_geom(n, g, i, lg, e))
                goto fail;
            pl->role[i] = ENG_CONV;
            n_slots += (long)cdiv((uint64_t)lg->n, (uint64_t)g->n_vector);
            if (first < 0)
                first = i;
            break;
        case OP_MAXPOOL:
        case OP_AVGPOOL: {
            bool global = l->op == OP_AVGPOOL && l->hout == 1 && l->wout == 1 && l->k >= l->hin && l->k >= l->win;
            if (global) {
                pl->role[i] = ENG_FREE;
                break;
            }
            /* TF2 pools max only; an average pool (inception, densenet) is our extension: the same
             * pool unit summing instead of comparing, the divide by k*k a constant multiply. */
            if (l->k > 3 || l->stride > 2)
                return engine_plan_free(pl), tf_errf(e, "layer %s: %dx%d/%d max pool; the engine's pool unit takes "
                                                        "windows up to 3 (POOL_WINDOW_MAX) and stride 1 or 2",
                                                     l->name, l->k, l->k, l->stride);
            int p = l->inputs[0], only = -1;
            if (p >= 0 && layer_is_compute(&n->layers[p]) && n->layers[p].op == OP_CONV && consumers(n, p, &only) == 1) {
                pl->role[i] = ENG_FUSED;
            } else {
                pl->role[i] = ENG_IPOOL;
                lg->c = l->cin;
                lg->n = l->cout;
                lg->h = l->hin;
                lg->w = l->win;
                lg->fh = lg->fw = l->k;
                lg->stride = l->stride;
                lg->oh = l->hout;
                lg->ow = l->win + 2 * l->pad - l->k + 1;
                lg->one_by_one = true;
                n_slots++;
            }
            break;
        }
        case OP_GAP:
        case OP_ADD:
        /* Done by the feature writer on the way out, pipelined with the array: a LUT activation,
         * a per-channel scale (BN, the squeeze-excite factor, read like an add's operand), and
         * channel routing by write address (slice, shuffle). */
        case OP_ACT:
        case OP_BN:
        case OP_MUL:
        case OP_SLICE:
        case OP_SHUFFLE:
            pl->role[i] = ENG_FREE;
            break;
        case OP_CONCAT:
            pl->role[i] = ENG_FREE;
            pl->pages = 3; /* branch input, branch intermediates, concat output (GoogLeNet's 3 pages) */
            break;
        case OP_REORG:
        default:
            return engine_plan_free(pl), tf_errf(e, "layer %s: %s; the engine's feature writer has no space-to-depth "
                                                    "(run this net on the dataflow topology)", l->name, op_name(l->op));
        }
    }
    if (first < 0)
        return engine_plan_free(pl), tf_errf(e, "net %s has no conv or fc layer for the engine", n->name);
    /* The image the input reader brings in (after the first-layer rewrite). */
    const engine_layer_geom *fg = &pl->geom[first];
    if (fg->rewritten) {
        pl->input_words = feature_loader_engine_words(g, fg->c, fg->h, fg->w);
        pl->page_bytes = feature_loader_engine_page_bytes(g, fg->c, fg->h, fg->w);
    } else {
        pl->input_words = feature_loader_engine_words(g, n->in_c, n->in_h, n->in_w);
        pl->page_bytes = feature_loader_engine_page_bytes(g, n->in_c, n->in_h, n->in_w);
    }
    int big = -1;
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        int only = -1;
        if (consumers(n, i, &only) == 1 && pl->role[only] == ENG_FUSED)
            continue; /* written after pooling */
        uint64_t pb = feature_loader_engine_page_bytes(g, l->cout, l->hout, l->wout);
        if (pb > pl->page_bytes) {
            pl->page_bytes = pb;
            big = i;
        }
    }
    (void)big;
    pl->feature_cache_needed = (uint64_t)pl->pages * pl->page_bytes;
    pl->slots = calloc((size_t)(n_slots ? n_slots : 1), sizeof *pl->slots);
    if (!pl->slots)
        return engine_plan_free(pl), tf_errf(e, "out of memory");
    uint64_t word_bytes_padded = (uint64_t)g->c_vector;
    {
        uint64_t p2 = 1;
        while (p2 < (uint64_t)g->fw_vector)
            p2 <<= 1;
        word_bytes_padded *= p2;
    }
    for (int i = 0; i < n->n_layers; i++) {
        const engine_layer_geom *lg = &pl->geom[i];
        if (pl->role[i] == ENG_CONV) {
            uint64_t words = pe_array_engine_filter_words(g, lg);
            if (2 * words * word_bytes_padded > pl->filter_cache_needed)
                pl->filter_cache_needed = 2 * words * word_bytes_padded;
            uint64_t cc = pe_array_engine_group_cycles(g, lg);
            uint64_t groups = cdiv((uint64_t)lg->n, (uint64_t)g->n_vector);
            for (uint64_t k = 0; k < groups; k++)
                pl->slots[pl->n_slots++] = (engine_slot){.layer = i, .conv_cycles = cc, .filter_words = words};
        } else if (pl->role[i] == ENG_IPOOL) {
            uint64_t cc = cdiv((uint64_t)lg->c, (uint64_t)g->n_vector) * (uint64_t)lg->oh * cdiv((uint64_t)lg->ow, wv);
            pl->slots[pl->n_slots++] = (engine_slot){.layer = i, .conv_cycles = cc, .filter_words = 0};
        }
    }
    pe_array pa;
    pe_array_init_engine(&pa, g);
    pl->pipe_latency = pa.latency + 3; /* relu -> pool -> pool_tail -> writer */
    return 0;
fail:
    engine_plan_free(pl);
    return -1;
}
