/* resources_rtl.c: the RTL compute unit's multipliers, memories and logic (resources_rtl.h).
 * Every quantity mirrors a line of the rtl/ Verilog; the geometry follows compute_unit_fixed.v. */
#include "resources_rtl.h"

#include <string.h>

#define ACCW 32  /* partial-sum / accumulator width (compute_unit.v) */
#define FIFO 128 /* input FIFO pixels kept in the feature buffer (compute_unit_fixed.v) */

static int clog2(long v)
{
    int b = 0;
    for (long t = v - 1; t > 0; t >>= 1)
        b++;
    return b;
}

static int max1(int v) { return v < 1 ? 1 : v; }

xilinx_family rtl_family(const device *dv)
{
    return dv->dsp_type == DSP48E1 ? XFAM_XC7 : XFAM_XCUP;
}

void rtl_unit_resources(const rtl_unit *u, xilinx_family fam, rtl_unit_res *r)
{
    memset(r, 0, sizeof *r);
    int pad = u->k / 2;
    int oh = (u->h + 2 * pad - u->k) / u->stride + 1;
    int lin = u->dw ? u->pe : u->simd;       /* activation lanes per fold */
    int cf = u->cin / lin;                     /* feature folds per pixel */
    int tail = u->h - ((oh - 1) * u->stride - pad);
    int nr = tail > u->k + u->stride ? tail : u->k + u->stride;
    if (nr > u->h)
        nr = u->h;
    long p = (long)nr * u->w + (u->fifo_px ? u->fifo_px : FIFO); /* feature buffer pixels */
    int nf = u->cout / u->pe;
    long wdepth = (long)nf * u->k * u->k * (u->dw ? 1 : cf);
    int nfd = 1 << max1(clog2(nf));            /* BN table words (adder NFD = 2^NFW) */

    /* pe_array.v: which multiplies exist */
    bool mac = u->mode != 1;
    bool sac = u->mode != 0 && u->wbits == 8;
    int lanes = u->dw ? u->pe : u->pe * u->simd; /* depthwise: lane 0 of each PE only */
    int pairs = (mac && u->pack && !u->dw) ? u->pe / 2 : 0;
    int plain = mac ? lanes - 2 * pairs * u->simd : 0; /* multiplies not merged into a pair */
    int mw = u->wbits + u->abits + 1;          /* signed w x signed {0, a} */
    int s = u->wbits + u->abits + 1, pww = s + u->wbits + 1, ppw = pww + u->abits + 1;
    int d1 = xilinx_mul_dsps(fam, u->wbits, 1, u->abits + 1, 1, mw);
    int dp = xilinx_mul_dsps(fam, pww, 1, u->abits + 1, 1, ppw);
    r->lane_dsp = plain * d1 + pairs * u->simd * dp;
    /* adder.v: acc (32) x inc (32) -> 64 per PE, the re-quantise multiply (a raw head has none) */
    r->bn_dsp = u->raw ? 0 : u->pe * xilinx_mul_dsps(fam, ACCW, 1, 32, 1, 64);
    /* feature_loader.v: the fold's bit offset, fold * LIN*ABITS, a multiply by a constant */
    int cfw = max1(clog2(u->dw ? (cf > nf ? cf : nf) : cf));
    int bow = clog2((long)u->cin * u->abits) + 1;
    int lanes_max = u->simd > u->pe ? u->simd : u->pe;
    r->ctl_dsp = cf > 1 ? xilinx_shiftmul_dsps(fam, cfw, (unsigned long)lin * u->abits, cfw > bow ? cfw : bow,
                                                lanes_max * u->abits)
                        : 0;
    r->dsp = r->lane_dsp + r->bn_dsp + r->ctl_dsp;

    /* memories: weight banks per PE, the feature buffer, two BN tables per PE */
    xilinx_mem m;
    double mem_mux = 0;
    xilinx_mem_map(fam, XMEM_FILTER_BANKS, u->simd * u->wbits, 2 * wdepth, &m);
    mem_mux += (double)u->pe * u->simd * u->wbits * (m.slices > 1 ? m.slices - 1 : 0);
    r->weight_bram = u->pe * m.bram18;
    r->lutram += u->pe * m.lutram;
    r->mem_ff += u->pe * m.ff;
    xilinx_mem_map(fam, XMEM_FEATURE_BUFFER, u->cin * u->abits, p, &m);
    mem_mux += (double)u->cin * u->abits * (m.slices > 1 ? m.slices - 1 : 0);
    r->feature_bram = m.bram18;
    r->lutram += m.lutram;
    r->mem_ff += m.ff;
    int tables = u->raw ? 1 : 2; /* a raw head reads only the bias table; synthesis drops inc */
    xilinx_mem_map(fam, XMEM_BN_TABLE, 32, nfd, &m);
    mem_mux += (double)tables * u->pe * 32 * (m.slices > 1 ? m.slices - 1 : 0);
    r->bn_bram = tables * u->pe * m.bram18;
    r->lutram += tables * u->pe * m.lutram;
    r->mem_ff += (long)tables * u->pe * m.ff;
    r->bram18 = r->weight_bram + r->feature_bram + r->bn_bram;

    /* logic the LUT/FF fit sees */
    double *x = r->x.x;
    x[RF_UNIT] = 1;
    x[RF_LUTMUL_BITS] = (d1 == 0 ? (double)plain * u->wbits * (u->abits + 1) : 0) +
                        (dp == 0 ? (double)pairs * u->simd * pww * (u->abits + 1) : 0);
    x[RF_SUM_BITS] = (double)lanes * ACCW;
    x[RF_SAC_BITS] = sac ? (double)lanes * ACCW : 0;
    x[RF_PACK_BITS] = (double)pairs * u->simd * ppw;
    x[RF_PE] = u->pe;
    /* feature_loader.v shifts the pixel word by fold * LIN*ABITS: a barrel shifter over the
     * word, one stage per bit of that product that is not constant zero */
    int linbits = lin * u->abits, odd = linbits;
    while (odd % 2 == 0)
        odd /= 2;
    int stages = max1(clog2(cf)) + clog2(odd);
    x[RF_MUX_BITS] = cf > 1 ? (double)(u->cin + lanes_max) * u->abits * stages : 0;
    x[RF_MEM_MUX_BITS] = mem_mux;
}

int rtl_unit_of_layer(const net *n, const design *ds, const device *dv, int i, rtl_unit *u, tf_err *e)
{
    const layer *l = &n->layers[i];
    const layer_fold *f = &ds->fold[i];
    memset(u, 0, sizeof *u);
    if (f->sched != SCHED_MVAU)
        return tf_errf(e, "layer %s: schedule %s is not built by the RTL compute unit (target rtl has mvau "
                       "lanes only; use target mixq-hls)", l->name, schedule_name(f->sched));
    if (f->lut_mult)
        return tf_errf(e, "layer %s: lut_mult is a mixq-hls choice; for target rtl synthesis decides "
                       "(products under 9 bits go to LUTs)", l->name);
    bool dw = layer_is_depthwise(l);
    if (l->op == OP_CONV && l->groups > 1 && !dw)
        return tf_errf(e, "layer %s: grouped convolution (groups %d) is not built by the RTL compute unit",
                       l->name, l->groups);
    int cin = l->op == OP_FC ? layer_cin_per_group(l) : l->cin;
    int lin = dw ? f->pe : f->simd;
    if (cin % lin || l->cout % f->pe)
        return tf_errf(e, "layer %s: the RTL needs %s (%d) to divide the input channels (%d) and PE (%d) the "
                       "output channels (%d)", l->name, dw ? "PE" : "SIMD", lin, cin, f->pe, l->cout);
    u->pe = f->pe;
    u->simd = dw ? 1 : f->simd;
    u->mode = l->pow2 ? 1 : 0;
    u->wbits = l->pow2 ? 8 : l->wbits; /* SAC reads TF2's 8-bit weight code */
    u->abits = l->abits;
    u->k = l->op == OP_FC ? 1 : l->k;
    u->cin = cin;
    u->cout = l->cout;
    u->h = l->op == OP_FC ? 1 : l->hin;
    u->w = l->op == OP_FC ? 1 : l->win;
    u->stride = l->op == OP_FC ? 1 : l->stride;
    u->dw = dw;
    int ob = net_out_bits(n, i);
    u->obit = ob < 32 ? ob : 32;
    u->raw = ob == 32;
    /* the input FIFO as the cycle model sizes it: fifo_depth words of the producer's stream
     * (the nearest compute producer's PE lanes), in pixels of the producer's channels */
    int p = l->inputs[0], q = p;
    while (q >= 0 && !layer_is_compute(&n->layers[q]))
        q = n->layers[q].inputs[0];
    long lanes = q < 0 ? n->in_c : ds->fold[q].pe, ch = p < 0 ? n->in_c : n->layers[p].cout;
    u->fifo_px = ((long)ds->fifo_depth * lanes + ch - 1) / ch;
    if (u->fifo_px < 1)
        u->fifo_px = 1;
    /* pair packing (two PEs share a multiplier) when it saves DSPs */
    if (!u->mode && !dw && u->pe > 1) {
        xilinx_family fam = rtl_family(dv);
        rtl_unit a = *u, b = *u;
        a.pack = 0;
        b.pack = 1;
        rtl_unit_res ra, rb;
        rtl_unit_resources(&a, fam, &ra);
        rtl_unit_resources(&b, fam, &rb);
        u->pack = rb.dsp < ra.dsp;
    }
    return 0;
}
