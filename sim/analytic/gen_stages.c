/* gen_stages.c: the stage chain of a GEN layer (see gen_stages.h). */
#include "gen_stages.h"

#include "analytic.h"
#include "net/gen_layer.h"

static const char *const STAGE_NAMES[GEN_ST__COUNT] = {
    [GEN_ST_LINE_BUFFER] = "line_buffer", [GEN_ST_ARRAY] = "array",   [GEN_ST_DOWNSIZE] = "downsize",
    [GEN_ST_ACTIVATION] = "activation",   [GEN_ST_UPSIZE] = "upsize", [GEN_ST_MAX_POOL] = "max_pool"};

const char *gen_stage_name(gen_stage_kind k)
{
    return k >= 0 && k < GEN_ST__COUNT ? STAGE_NAMES[k] : "?";
}

static bool is_gen_layer(const net *n, const design *ds, int i, gen_layer *g)
{
    if (ds->arch != ARCH_DATAFLOW || ds->target != TARGET_MIXQ_HLS || i < 0 || i >= n->n_layers ||
        n->layers[i].op != OP_CONV || (ds->fold[i].sched != SCHED_FP && ds->fold[i].sched != SCHED_KP))
        return false;
    tf_err e;
    return gen_layer_params(n, ds, i, g, &e) == 0; /* a fold GEN cannot build keeps the array's form */
}

bool gen_stages_of(const net *n, const design *ds, int i, gen_stages *s)
{
    gen_layer g;
    if (!is_gen_layer(n, ds, i, &g))
        return false;
    uint64_t outpenum = (uint64_t)(g.cout / g.opf), row_len = (uint64_t)g.row_len, np = (uint64_t)g.np;
    uint64_t infold = (uint64_t)g.infold, per_act = (uint64_t)(g.opf / g.actp);
    uint64_t lb_in = (uint64_t)(g.cin / g.in_pe) * row_len * np, lb_out = outpenum * row_len * infold;
    *s = (gen_stages){.rows = (uint64_t)g.hin, .pool_layer = g.pool_layer,
                      .pool_pixel = g.pooled ? 2 * outpenum : 0};
    s->per_row[GEN_ST_LINE_BUFFER] = lb_in > lb_out ? lb_in : lb_out;
    s->per_row[GEN_ST_ARRAY] = outpenum * (uint64_t)g.knum * infold * row_len;
    s->per_row[GEN_ST_DOWNSIZE] = outpenum * row_len * np * per_act;
    s->per_row[GEN_ST_ACTIVATION] = outpenum * per_act * np * row_len;
    s->per_row[GEN_ST_UPSIZE] = outpenum * (uint64_t)g.win * per_act;
    s->per_row[GEN_ST_MAX_POOL] = g.pooled ? outpenum * (uint64_t)(g.win / 2) : 0;
    for (int k = 0; k < GEN_ST__COUNT; k++)
        s->frame[k] = s->per_row[k] * s->rows;
    s->slowest = GEN_ST_ARRAY; /* on a tie the array is named: the line buffer's output loop mirrors it */
    for (int k = 0; k < GEN_ST__COUNT; k++)
        if (s->frame[k] > s->frame[s->slowest])
            s->slowest = (gen_stage_kind)k;
    return true;
}

uint64_t gen_layer_cycles(const net *n, const design *ds, int i)
{
    gen_stages s;
    if (gen_stages_of(n, ds, i, &s))
        return s.frame[s.slowest];
    return analytic_layer_cycles(&n->layers[i], &ds->fold[i]);
}

/* The GEN layer a 2x2 pool is fused into, or -1. */
static int pool_owner(const net *n, const design *ds, int i, gen_layer *g)
{
    const layer *l = &n->layers[i];
    if (!gen_is_pool2x2(l) || l->n_inputs != 1)
        return -1;
    int p = l->inputs[0];
    return is_gen_layer(n, ds, p, g) && g->pooled ? p : -1;
}

bool gen_pool_pixel_cycles(const net *n, const design *ds, int i, uint64_t *cost)
{
    gen_layer g;
    if (pool_owner(n, ds, i, &g) < 0)
        return false;
    *cost = 2 * (uint64_t)(g.cout / g.opf); /* = gen_stages.pool_pixel */
    return true;
}

void gen_stages_json_add(json_t *jl, const net *n, const design *ds, int i)
{
    gen_stages s;
    if (!gen_stages_of(n, ds, i, &s))
        return;
    json_t *st = json_object();
    for (int k = 0; k < GEN_ST__COUNT; k++)
        if (s.per_row[k])
            json_object_set_new(st, gen_stage_name((gen_stage_kind)k), json_integer((json_int_t)s.frame[k]));
    json_object_set_new(jl, "stages", st);
    json_object_set_new(jl, "slowest_stage", json_string(gen_stage_name(s.slowest)));
}

const char *gen_bottleneck(const net *n, const design *ds, int slowest, int *at)
{
    *at = slowest;
    gen_layer g;
    gen_stages s;
    int owner = pool_owner(n, ds, slowest, &g);
    if (owner >= 0) {
        *at = owner;
        return gen_stage_name(GEN_ST_MAX_POOL);
    }
    if (gen_stages_of(n, ds, slowest, &s))
        return gen_stage_name(s.slowest);
    return NULL;
}

void gen_bottleneck_json_add(json_t *j, const net *n, const design *ds, int slowest, uint64_t cycles)
{
    if (slowest < 0 || slowest >= n->n_layers)
        return;
    int li;
    const char *stage = gen_bottleneck(n, ds, slowest, &li);
    if (!stage) /* not a GEN layer: the layer's whole unit */
        stage = op_name(n->layers[li].op);
    json_object_set_new(j, "bottleneck", json_pack("{s:s,s:s,s:I}", "layer", n->layers[li].name, "stage", stage,
                                                   "cycles", (json_int_t)cycles));
}
