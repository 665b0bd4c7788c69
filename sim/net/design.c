/* design.c: design points, their legality, canonical JSON, hash, and fold files. */
#include "design.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "config_path.h"
#include "json_config.h"

static const char *const SCHED_NAMES[SCHED__COUNT] = {
    [SCHED_MVAU] = "mvau", [SCHED_DSP6] = "dsp6", [SCHED_FP] = "fp", [SCHED_KP] = "kp"};

const char *arch_name(arch_kind a)
{
    return a == ARCH_ENGINE ? "engine" : "dataflow";
}

const char *schedule_name(schedule_kind s)
{
    return (s >= 0 && s < SCHED__COUNT) ? SCHED_NAMES[s] : "?";
}

int schedule_parse(const char *s, schedule_kind *out)
{
    for (int i = 0; i < SCHED__COUNT; i++)
        if (strcmp(s, SCHED_NAMES[i]) == 0) {
            *out = (schedule_kind)i;
            return 0;
        }
    return -1;
}

const char *target_name(build_target t)
{
    return t == TARGET_RTL ? "rtl" : "mixq-hls";
}

int target_parse(const char *s, build_target *out)
{
    if (strcmp(s, "mixq-hls") == 0)
        *out = TARGET_MIXQ_HLS;
    else if (strcmp(s, "rtl") == 0)
        *out = TARGET_RTL;
    else
        return -1;
    return 0;
}

int design_init(design *ds, const net *n, const device *dv, arch_kind arch, tf_err *e)
{
    memset(ds, 0, sizeof *ds);
    ds->arch = arch;
    ds->clock_mhz = dv->clock_mhz;
    ds->n_layers = n->n_layers;
    ds->fifo_depth = 128; /* iSmart/BJUT inter-layer FIFO depth */
    ds->target = TARGET_MIXQ_HLS;
    ds->fold = calloc((size_t)n->n_layers, sizeof(layer_fold));
    if (!ds->fold)
        return tf_errf(e, "out of memory");
    for (int i = 0; i < n->n_layers; i++)
        ds->fold[i] = (layer_fold){.simd = 1, .pe = 1, .sched = SCHED_MVAU, .kp = 1, .np = 1, .kpf = 1};
    return 0;
}

void design_free(design *ds)
{
    free(ds->fold);
    ds->fold = NULL;
}

int design_copy(design *dst, const design *src, tf_err *e)
{
    *dst = *src;
    dst->fold = malloc(sizeof(layer_fold) * (size_t)src->n_layers);
    if (!dst->fold)
        return tf_errf(e, "out of memory");
    memcpy(dst->fold, src->fold, sizeof(layer_fold) * (size_t)src->n_layers);
    return 0;
}

int fold_check(const layer_fold *f, const layer *l, tf_err *e)
{
    int kcin = l->k * layer_cin_per_group(l); /* SIMD runs over (kernel row, input channel) */
    if (l->op == OP_FC)
        kcin = layer_cin_per_group(l);
    int kpf = f->kpf > 0 ? f->kpf : 1;
    if (f->simd < 1 || f->pe < 1)
        return tf_errf(e, "layer %s: simd and pe must be >= 1 (got %d, %d)", l->name, f->simd, f->pe);
    if (kcin % (f->simd * kpf))
        return tf_errf(e, "layer %s: simd %d%s must divide K*Cin/groups = %d", l->name, f->simd,
                       kpf > 1 ? " x kpf" : "", kcin);
    int pe_unit = f->sched == SCHED_KP ? f->pe * f->kp : f->pe;
    if (l->cout % pe_unit)
        return tf_errf(e, "layer %s: pe %d%s must divide Cout = %d", l->name, f->pe,
                       f->sched == SCHED_KP ? " x kp" : "", l->cout);
    if (f->actp && (f->actp > fold_och_pf(f) || fold_och_pf(f) % f->actp))
        return tf_errf(e, "layer %s: actp %d must divide OCH_PF = %d (pe%s)", l->name, f->actp, fold_och_pf(f),
                       f->sched == SCHED_KP ? " x kp" : "");
    if (f->gb_set && f->sched != SCHED_FP && f->sched != SCHED_KP)
        return tf_errf(e, "layer %s: guard_bits applies to the packed schedules fp and kp (got %s)", l->name,
                       schedule_name(f->sched));
    if (f->pack_flag_set && f->pack_flag && f->sched != SCHED_KP) /* GEN sets PACK_FLAG on KP arrays only */
        return tf_errf(e, "layer %s: pack_flag true applies to schedule kp only (got %s; allowed: false)", l->name,
                       schedule_name(f->sched));
    switch (f->sched) {
    case SCHED_MVAU:
        break;
    case SCHED_DSP6:
        if (l->op != OP_CONV || l->k != 3 || l->stride != 1 || layer_is_depthwise(l))
            return tf_errf(e, "layer %s: schedule dsp6 needs a 3x3 stride-1 dense conv (iSmart); got %s k=%d stride=%d",
                           l->name, op_name(l->op), l->k, l->stride);
        break;
    case SCHED_FP:
    case SCHED_KP:
        if (l->op != OP_CONV || l->stride != 1)
            return tf_errf(e, "layer %s: schedule %s needs a stride-1 conv (MixQ templates)", l->name,
                           schedule_name(f->sched));
        if (f->kp < 1 || f->np < 1 || (f->sched == SCHED_FP && f->kp > l->k))
            return tf_errf(e, "layer %s: kp must be 1..%d and np >= 1 (got kp=%d np=%d)", l->name,
                           f->sched == SCHED_FP ? l->k : 64, f->kp, f->np);
        break;
    default:
        return tf_errf(e, "layer %s: unknown schedule", l->name);
    }
    return 0;
}

int fold_och_pf(const layer_fold *f)
{
    return f->sched == SCHED_KP ? f->pe * f->kp : f->pe;
}

/* The input bits of the first compute layer reading layer i's output (through pass-through
 * ops); 0 when none does (a net output). */
static int next_reader_bits(const net *n, int i)
{
    for (int j = i + 1; j < n->n_layers; j++)
        for (int k = 0; k < n->layers[j].n_inputs; k++)
            if (n->layers[j].inputs[k] == i) {
                int b = layer_is_compute(&n->layers[j]) ? n->layers[j].abits : next_reader_bits(n, j);
                if (b)
                    return b;
            }
    return 0;
}

int fold_obits_check(const design *ds, const net *n, int i, tf_err *e)
{
    int ob = ds->fold[i].obits;
    if (!ob) /* the common case, checked on every evaluation: no walk */
        return 0;
    int next = next_reader_bits(n, i);
    if (next && ob != next)
        return tf_errf(e, "layer %s: obits %d, but the next layer reads %d-bit activations (allowed: %d)",
                       n->layers[i].name, ob, next, next);
    return 0;
}

int design_check(const design *ds, const net *n, tf_err *e)
{
    if (ds->n_layers != n->n_layers)
        return tf_errf(e, "design has %d layers, net %s has %d", ds->n_layers, n->name, n->n_layers);
    if (ds->clock_mhz <= 0)
        return tf_errf(e, "clock must be > 0 MHz (got %g)", ds->clock_mhz);
    if (ds->arch == ARCH_DATAFLOW) {
        if (ds->fifo_depth < 1)
            return tf_errf(e, "fifo_depth must be >= 1 (got %d)", ds->fifo_depth);
        for (int i = 0; i < n->n_layers; i++)
            if (layer_is_compute(&n->layers[i]) &&
                (fold_check(&ds->fold[i], &n->layers[i], e) || fold_obits_check(ds, n, i, e)))
                return -1;
    }
    return 0;
}

json_t *design_to_json(const design *ds, const net *n, const device *dv)
{
    json_t *root = json_object();
    json_object_set_new(root, "net", json_string(n->name));
    json_object_set_new(root, "net_macs", json_integer((json_int_t)n->macs));
    json_object_set_new(root, "device", json_string(dv->name));
    json_object_set_new(root, "arch", json_string(arch_name(ds->arch)));
    json_object_set_new(root, "clock_mhz", json_real(ds->clock_mhz));
    if (ds->clock_auto) /* left out when fixed, so designs stored before it keep their hash */
        json_object_set_new(root, "clock_auto", json_true());
    if (ds->arch == ARCH_DATAFLOW)
        json_object_set_new(root, "fifo_depth", json_integer(ds->fifo_depth));
    /* the default target is left out, so designs stored before targets existed keep their hash */
    if (ds->arch == ARCH_DATAFLOW && ds->target != TARGET_MIXQ_HLS)
        json_object_set_new(root, "target", json_string(target_name(ds->target)));
    if (ds->arch == ARCH_ENGINE) {
        const engine_params *g = &ds->eng;
        json_object_set_new(root, "engine", json_pack("{s:i,s:i,s:i,s:i,s:I,s:I,s:f}",
            "n_vector", g->n_vector, "c_vector", g->c_vector, "ow_vector", g->ow_vector,
            "fw_vector", g->fw_vector, "feature_cache_bytes", (json_int_t)g->feature_cache_bytes,
            "filter_cache_bytes", (json_int_t)g->filter_cache_bytes,
            "ddr_bytes_per_cycle", g->ddr_bytes_per_cycle));
    }
    json_t *layers = json_array();
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        if (!layer_is_compute(l))
            continue;
        const layer_fold *f = &ds->fold[i];
        json_t *jl = json_pack("{s:s,s:i,s:i}", "name", l->name, "wbits", l->wbits, "abits", l->abits);
        if (l->pow2)
            json_object_set_new(jl, "pow2", json_true());
        if (ds->arch == ARCH_DATAFLOW) {
            json_object_set_new(jl, "simd", json_integer(f->simd));
            json_object_set_new(jl, "pe", json_integer(f->pe));
            json_object_set_new(jl, "schedule", json_string(schedule_name(f->sched)));
            if (f->sched == SCHED_FP || f->sched == SCHED_KP) {
                json_object_set_new(jl, "kp", json_integer(f->kp));
                json_object_set_new(jl, "np", json_integer(f->np));
                json_object_set_new(jl, "kpf", json_integer(f->kpf));
            }
            if (f->lut_mult)
                json_object_set_new(jl, "lut_mult", json_true());
            /* GEN fields only when given, so folds without them keep their hash */
            const struct { const char *k; int v; } gen[] = {{"actp", f->actp}, {"in_pe", f->in_pe},
                {"obits", f->obits}, {"inc_bits", f->inc_bits}, {"bias_bits", f->bias_bits}};
            for (size_t g = 0; g < sizeof gen / sizeof *gen; g++)
                if (gen[g].v)
                    json_object_set_new(jl, gen[g].k, json_integer(gen[g].v));
            if (f->gb_set)
                json_object_set_new(jl, "guard_bits", json_integer(f->guard_bits));
            if (f->pack_flag_set)
                json_object_set_new(jl, "pack_flag", json_boolean(f->pack_flag));
        }
        json_array_append_new(layers, jl);
    }
    json_object_set_new(root, "layers", layers);
    return root;
}

char *design_canonical(const design *ds, const net *n, const device *dv)
{
    json_t *j = design_to_json(ds, n, dv);
    char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(j);
    return s;
}

void design_hash(const char *canonical, char hex[33])
{
    XXH128_hash_t h = XXH3_128bits(canonical, strlen(canonical));
    snprintf(hex, 33, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
}

static const char *const FOLD_KEYS[] = {"net", "net_macs", "device", "arch", "clock_mhz", "clock_auto",
                                        "fifo_depth", "target", "engine", "layers", "source", "comment", NULL};
static const char *const FOLD_LAYER_KEYS[] = {"name", "simd", "pe", "schedule", "kp", "np", "kpf", "lut_mult",
                                              "wbits", "abits", "pow2", "actp", "in_pe", "guard_bits", "obits",
                                              "inc_bits", "bias_bits", "pack_flag", "comment", NULL};
static const char *const ENGINE_KEYS[] = {"name", "n_vector", "c_vector", "ow_vector", "fw_vector",
                                          "feature_cache_bytes", "filter_cache_bytes",
                                          "ddr_bytes_per_cycle", "source", "comment", NULL};

int engine_params_from_json(const json_doc *d, json_t *o, const char *p, engine_params *g, tf_err *e)
{
    long nv, cv, ov, fv, feat, filt;
    double ddr;
    if (json_check_keys(d, o, p, ENGINE_KEYS, e) ||
        json_get_str(d, o, p, "name", "custom", false, g->name, sizeof g->name, e) ||
        json_get_int(d, o, p, "n_vector", 1, 1024, 16, false, &nv, e) ||
        json_get_int(d, o, p, "c_vector", 1, 1024, 16, false, &cv, e) ||
        json_get_int(d, o, p, "ow_vector", 1, 64, 5, false, &ov, e) ||
        json_get_int(d, o, p, "fw_vector", 1, 15, 3, false, &fv, e) ||
        json_get_int(d, o, p, "feature_cache_bytes", 1024, 1L << 34, 1835008, false, &feat, e) ||
        json_get_int(d, o, p, "filter_cache_bytes", 256, 1L << 30, 32768, false, &filt, e) ||
        json_get_num(d, o, p, "ddr_bytes_per_cycle", 0.01, 4096, 64, false, &ddr, e))
        return -1;
    g->n_vector = (int)nv;
    g->c_vector = (int)cv;
    g->ow_vector = (int)ov;
    g->fw_vector = (int)fv;
    g->feature_cache_bytes = feat;
    g->filter_cache_bytes = filt;
    g->ddr_bytes_per_cycle = ddr;
    return 0;
}

static int load_fold_layer(const json_doc *d, json_t *jl, int k, design *ds, net *n, bool *seen, tf_err *e)
{
    char p[64], name[NET_NAME_MAX], sched[16];
    snprintf(p, sizeof p, "layers[%d]", k);
    if (!json_is_object(jl))
        return json_doc_err(d, e, p, "must be an object");
    if (json_check_keys(d, jl, p, FOLD_LAYER_KEYS, e) ||
        json_get_str(d, jl, p, "name", NULL, true, name, sizeof name, e))
        return -1;
    int i = net_find(n, name);
    char pn[80];
    snprintf(pn, sizeof pn, "%s.name", p);
    if (i < 0 || !layer_is_compute(&n->layers[i]))
        return json_doc_err(d, e, pn, "'%s' is not a conv/fc layer of net %s", name, n->name);
    if (seen[i])
        return json_doc_err(d, e, pn, "layer '%s' given twice", name);
    seen[i] = true;
    layer *l = &n->layers[i];
    layer_fold *f = &ds->fold[i];
    long simd, pe, kp, np, kpf, wb, ab, actp, in_pe, gb, ob, incb, biasb;
    bool dsp_req = ds->arch == ARCH_DATAFLOW;
    f->gb_set = json_object_get(jl, "guard_bits") != NULL;
    f->pack_flag_set = json_object_get(jl, "pack_flag") != NULL;
    if (json_get_int(d, jl, p, "simd", 1, 65536, 1, dsp_req, &simd, e) ||
        json_get_int(d, jl, p, "pe", 1, 65536, 1, dsp_req, &pe, e) ||
        json_get_str(d, jl, p, "schedule", "mvau", false, sched, sizeof sched, e) ||
        json_get_int(d, jl, p, "kp", 1, 64, 1, false, &kp, e) ||
        json_get_int(d, jl, p, "np", 1, 64, 1, false, &np, e) ||
        json_get_int(d, jl, p, "kpf", 1, 64, 1, false, &kpf, e) ||
        json_get_bool(d, jl, p, "lut_mult", false, &f->lut_mult, e) ||
        json_get_int(d, jl, p, "wbits", 1, 8, l->wbits, false, &wb, e) ||
        json_get_int(d, jl, p, "abits", 1, 8, l->abits, false, &ab, e) ||
        json_get_bool(d, jl, p, "pow2", l->pow2, &l->pow2, e) ||
        json_get_int(d, jl, p, "actp", 1, FOLD_ACTP_MAX, 0, false, &actp, e) ||
        json_get_int(d, jl, p, "in_pe", 1, 65536, 0, false, &in_pe, e) ||
        json_get_int(d, jl, p, "guard_bits", FOLD_GB_MIN, FOLD_GB_MAX, 0, false, &gb, e) ||
        json_get_int(d, jl, p, "obits", 1, 32, 0, false, &ob, e) ||
        json_get_int(d, jl, p, "inc_bits", 2, FOLD_GEN_BITS_MAX, 0, false, &incb, e) ||
        json_get_int(d, jl, p, "bias_bits", 2, FOLD_GEN_BITS_MAX, 0, false, &biasb, e) ||
        json_get_bool(d, jl, p, "pack_flag", false, &f->pack_flag, e))
        return -1;
    f->actp = (int)actp;
    f->in_pe = (int)in_pe;
    f->guard_bits = (int)gb;
    f->obits = (int)ob;
    f->inc_bits = (int)incb;
    f->bias_bits = (int)biasb;
    char ps[80];
    snprintf(ps, sizeof ps, "%s.schedule", p);
    if (schedule_parse(sched, &f->sched))
        return json_doc_err(d, e, ps, "unknown schedule '%s' (allowed: mvau, dsp6, fp, kp)", sched);
    f->simd = (int)simd;
    f->pe = (int)pe;
    f->kp = (int)kp;
    f->np = (int)np;
    f->kpf = (int)kpf;
    l->wbits = (int)wb;
    l->abits = (int)ab;
    tf_err fe;
    if (ds->arch == ARCH_DATAFLOW && fold_check(f, l, &fe))
        return json_doc_err(d, e, p, "%s", fe.msg);
    return 0;
}

static int fold_from_doc(design *ds, net *n, const device *dv, const json_doc *d, tf_err *e)
{
    int rc = -1;
    bool *seen = NULL;
    json_t *r = d->root, *layers, *eng;
    char netname[NET_NAME_MAX], arch[16], target[16];
    double clk;
    long fifo;
    bool clk_auto;
    if (json_check_keys(d, r, "", FOLD_KEYS, e) ||
        json_get_bool(d, r, "", "clock_auto", false, &clk_auto, e) ||
        json_get_str(d, r, "", "net", NULL, true, netname, sizeof netname, e) ||
        json_get_str(d, r, "", "arch", "dataflow", false, arch, sizeof arch, e) ||
        json_get_num(d, r, "", "clock_mhz", 1, 2000, dv->clock_mhz, false, &clk, e) ||
        json_get_int(d, r, "", "fifo_depth", 1, 1 << 20, 128, false, &fifo, e) ||
        json_get_str(d, r, "", "target", "mixq-hls", false, target, sizeof target, e))
        goto out;
    if (strcmp(netname, n->name) != 0) {
        json_doc_err(d, e, "net", "fold is for net '%s' but the net is '%s'", netname, n->name);
        goto out;
    }
    if (strcmp(arch, "dataflow") && strcmp(arch, "engine")) {
        json_doc_err(d, e, "arch", "must be dataflow or engine (got '%s')", arch);
        goto out;
    }
    if (design_init(ds, n, dv, strcmp(arch, "engine") == 0 ? ARCH_ENGINE : ARCH_DATAFLOW, e))
        goto out;
    ds->clock_mhz = clk;
    ds->clock_auto = clk_auto && ds->arch == ARCH_DATAFLOW;
    ds->fifo_depth = (int)fifo;
    if (target_parse(target, &ds->target)) {
        json_doc_err(d, e, "target", "must be mixq-hls or rtl (got '%s')", target);
        goto out;
    }
    eng = json_object_get(r, "engine");
    if (eng && (!json_is_object(eng) ? json_doc_err(d, e, "engine", "must be an object")
                                     : engine_params_from_json(d, eng, "engine", &ds->eng, e)))
        goto out;
    layers = json_object_get(r, "layers");
    if (!layers || !json_is_array(layers)) {
        json_doc_err(d, e, "layers", "missing or not an array of per-layer foldings");
        goto out;
    }
    seen = calloc((size_t)n->n_layers, 1);
    if (!seen) {
        tf_errf(e, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < json_array_size(layers); k++)
        if (load_fold_layer(d, json_array_get(layers, k), (int)k, ds, n, seen, e))
            goto out;
    if (ds->arch == ARCH_DATAFLOW)
        for (int i = 0; i < n->n_layers; i++)
            if (layer_is_compute(&n->layers[i]) && !seen[i]) {
                json_doc_err(d, e, "layers", "no folding for layer '%s' (every conv/fc layer needs simd and pe)",
                             n->layers[i].name);
                goto out;
            }
    /* OUT_BIT against the next layer's bits, once every layer's bits are read */
    for (size_t k = 0; k < json_array_size(layers); k++) {
        int i = net_find(n, json_string_value(json_object_get(json_array_get(layers, k), "name")));
        tf_err oe;
        char p[64];
        snprintf(p, sizeof p, "layers[%zu].obits", k);
        if (i >= 0 && fold_obits_check(ds, n, i, &oe)) {
            json_doc_err(d, e, p, "%s", oe.msg);
            goto out;
        }
    }
    rc = 0;
out:
    free(seen);
    if (rc)
        design_free(ds);
    return rc;
}

typedef struct fold_target {
    design *ds;
    net *n;
    const device *dv;
} fold_target;

static int fold_build(void *ctx, const json_doc *d, tf_err *e)
{
    fold_target *t = ctx;
    return fold_from_doc(t->ds, t->n, t->dv, d, e);
}

int design_load_fold(design *ds, net *n, const device *dv, const char *name_or_path, tf_err *e)
{
    char path[1024];
    memset(ds, 0, sizeof *ds);
    if (config_resolve("folds", "fold", name_or_path, path, sizeof path, e))
        return -1;
    fold_target t = {ds, n, dv};
    return json_doc_with(path, NULL, fold_build, &t, e);
}

int design_parse_fold(design *ds, net *n, const device *dv, const char *name, const char *text, tf_err *e)
{
    memset(ds, 0, sizeof *ds);
    fold_target t = {ds, n, dv};
    return json_doc_with(name, text, fold_build, &t, e);
}
