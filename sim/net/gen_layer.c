/* gen_layer.c: GEN's per-layer template parameters (see gen_layer.h). */
#include "gen_layer.h"

#include <stdint.h>

int gen_consumers(const net *n, int i, int *first)
{
    int c = 0;
    *first = -1;
    for (int j = i + 1; j < n->n_layers; j++)
        for (int k = 0; k < n->layers[j].n_inputs; k++)
            if (n->layers[j].inputs[k] == i) {
                if (c++ == 0)
                    *first = j;
                break;
            }
    return c;
}

bool gen_is_pool2x2(const layer *l)
{
    return l->op == OP_MAXPOOL && l->k == 2 && l->stride == 2 && l->pad == 0;
}

/* The layer feeding layer i through 2x2 pools: a compute layer's index, -1 for the graph input,
 * -2 - j when layer j of another op feeds it. */
static int producer(const net *n, int i)
{
    int p = n->layers[i].inputs[0];
    while (p >= 0 && gen_is_pool2x2(&n->layers[p]))
        p = n->layers[p].inputs[0];
    if (p < 0 || layer_is_compute(&n->layers[p]))
        return p;
    return -2 - p;
}

static int check_shape(const layer *l, bool dw, tf_err *e)
{
    const char *nm = l->name;
    if (l->op != OP_CONV)
        return 0;
    if (l->stride != 1) /* GEN templates: stride 1 only (ConvOpt_* have no stride parameter) */
        return tf_errf(e, "mixq-hls: layer %s: stride %d; the MixQ templates build stride-1 convs only", nm,
                       l->stride);
    if (l->k != 1 && l->k != 3 && l->k != 5 && l->k != 7) /* GEN S2P_buffer.hpp: "K = 1, 3, 5, 7" */
        return tf_errf(e, "mixq-hls: layer %s: K = %d; the MixQ line buffer supports K = 1, 3, 5, 7", nm, l->k);
    if (l->pad != (l->k - 1) / 2) /* GEN S2P_buffer.hpp: PAD_LEN = (K-1)/2, same padding */
        return tf_errf(e, "mixq-hls: layer %s: pad %d; the MixQ line buffer pads (K-1)/2 = %d", nm, l->pad,
                       (l->k - 1) / 2);
    if (l->groups > 1 && !dw)
        return tf_errf(e, "mixq-hls: layer %s: grouped conv (groups %d); the MixQ templates build dense or "
                          "depthwise convs only", nm, l->groups);
    return 0;
}

int gen_layer_params(const net *n, const design *ds, int i, gen_layer *g, tf_err *e)
{
    const layer *l = &n->layers[i];
    const layer_fold *f = &ds->fold[i];
    const char *nm = l->name;
    *g = (gen_layer){0};
    if (fold_check(f, l, e))
        return tf_err_prefix(e, "mixq-hls");
    schedule_kind sc = f->sched;
    g->dw = layer_is_depthwise(l);
    g->gen = sc == SCHED_FP || sc == SCHED_KP;
    if (check_shape(l, g->dw, e))
        return -1;
    g->simd = f->simd, g->pe = f->pe, g->kpf = f->kpf > 0 ? f->kpf : 1;
    g->k = 1, g->cin = layer_cin_per_group(l), g->cout = l->cout, g->hin = 1, g->win = 1;
    if (l->op == OP_CONV)
        g->k = l->k, g->cin = l->cin, g->hin = l->hin, g->win = l->win;
    int K = g->k, cin = g->cin, simd = g->simd, kpf = g->kpf;
    bool dw = g->dw;

    /* Schedule constraints (GEN ConvOpt_*.reshape_buffer_constraints, weight_reorder asserts). */
    if (g->gen && kpf != 1 && kpf != K)
        return tf_errf(e, "mixq-hls: layer %s: kpf %d; the MixQ templates take kpf 1 or K = %d", nm, kpf, K);
    if (dw && sc == SCHED_KP) /* GEN Generate_HLS_DP.gen_opts_DP */
        return tf_errf(e, "mixq-hls: layer %s: kernel packing cannot build a depthwise conv (GEN raises the same)",
                       nm);
    if (dw && sc == SCHED_FP && simd != 1) /* GEN Pipeline_DP: simd_aval = [1] for depthwise */
        return tf_errf(e, "mixq-hls: layer %s: depthwise FP takes simd 1 (parallel channels are PE, kernel rows "
                          "KPF); got simd %d", nm, simd);
    if (!dw && (g->gen || sc == SCHED_DSP6) && cin % simd)
        return tf_errf(e, "mixq-hls: layer %s: simd %d must divide Cin = %d (the MixQ line buffer reads SIMD "
                          "channels of one kernel row)", nm, simd, cin);

    g->kp = 1, g->np = 1;
    if (g->gen)
        g->kp = f->kp, g->np = f->np;
    else if (sc == SCHED_DSP6)
        g->kp = 3, g->np = 2; /* iSmart conv2d_DSPopt: 3 weights x 2 pixels per DSP (MQ 3.1) */
    g->opf = fold_och_pf(f);

    /* IN_PE: the producer's OCH_PF (GEN write_hls_accel), the graph input's channels (input_quant) */
    int p = producer(n, i);
    if (p <= -2)
        return tf_errf(e, "mixq-hls: layer %s: fed by '%s' (%s); the MixQ pipeline is a chain of convs and 2x2 "
                          "max pools", nm, n->layers[-2 - p].name, op_name(n->layers[-2 - p].op));
    g->in_pe = p < 0 ? n->in_c : fold_och_pf(&ds->fold[p]);
    if (f->in_pe && p >= 0 && f->in_pe != g->in_pe)
        return tf_errf(e, "mixq-hls: layer %s: in_pe %d, but %s sends OCH_PF = %d channels per word (allowed: %d)",
                       nm, f->in_pe, n->layers[p].name, g->in_pe, g->in_pe);
    if (f->in_pe)
        g->in_pe = f->in_pe;

    int first;
    int ncons = gen_consumers(n, i, &first);
    if (ncons > 1)
        return tf_errf(e, "mixq-hls: layer %s: %d consumers; the MixQ pipeline has no stream fork", nm, ncons);
    g->pooled = ncons == 1 && gen_is_pool2x2(&n->layers[first]);
    g->pool_layer = g->pooled ? first : -1;
    g->obits = f->obits ? f->obits : net_out_bits(n, i);
    g->head = g->obits >= 32; /* raw accumulator out: GEN Conv1x1_Opt_Templates (Bias_Trim / Trim) */
    if (g->head)
        g->obits = 32;

    /* Loop structure: GEN ConvOpt_FP/KP/FP_DW.get_actp, gen_conv_array; iSmart/BJUT loop counts (MQ 3.2). */
    g->row_len = (g->win + K - 2) / g->np + 1; /* GEN: ceil((IN_W + K - 1) / Np) */
    switch (sc) {
    case SCHED_FP:
        g->knum = (K - 1) / g->kp + 1;
        g->infold = dw ? K / kpf : K * cin / (simd * kpf);
        break;
    case SCHED_KP:
        g->knum = K; /* KP_Array: K * INFOLD * ROW_LEN cycles per row and output fold */
        g->infold = K * cin / (simd * kpf);
        break;
    case SCHED_DSP6:
        g->knum = 1;
        g->infold = 3 * cin / simd;
        break;
    default: /* mvau: one pixel per K*K*Cin/SIMD cycles (BJUT matrix_vector_unit) */
        g->knum = 1;
        g->infold = K * K * (dw ? 1 : cin) / simd;
        break;
    }
    uint64_t out_pf = (uint64_t)g->np * (uint64_t)g->opf;
    g->min_actp = (int)(out_pf / ((uint64_t)g->knum * (uint64_t)(g->infold > 0 ? g->infold : 1)));
    if (g->head) { /* GEN Conv1x1_Opt_Templates.gen_operator asserts actp == pe * kp */
        if (f->actp && f->actp != g->opf)
            return tf_errf(e, "mixq-hls: layer %s: actp %d on a raw-accumulator head; GEN's head takes actp = "
                              "OCH_PF = %d", nm, f->actp, g->opf);
        g->actp = g->opf;
    } else if (f->actp) {
        g->actp = f->actp; /* GEN builds any divisor of OCH_PF; below min_actp the BN stage is the bottleneck */
    } else {
        /* GEN get_actp: the smallest divisor of OCH_PF that keeps up with the array */
        if (g->opf < g->min_actp)
            return tf_errf(e, "mixq-hls: layer %s: the array emits %llu values per %d cycles, more than OCH_PF = %d "
                              "BN units can take (GEN get_actp has no ACTP for this fold; give actp to build it "
                              "anyway)", nm, (unsigned long long)out_pf, g->knum * g->infold, g->opf);
        g->actp = g->opf;
        for (int d = 1; d <= g->opf; d++)
            if (g->opf % d == 0 && d >= g->min_actp) {
                g->actp = d;
                break;
            }
    }
    return 0;
}
