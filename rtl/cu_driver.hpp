// cu_driver.hpp: host side of one layer on the RTL compute unit, shared by the Verilator
// shim and the SystemC testbench. The adapter A hides how ports are driven:
//   set_cfg(const CuCfg&), set_rst(bool), set_start(bool),
//   set_wld(bool, addr, pe, const uint32_t *words), set_bld(bool, addr, pe, inc, bias),
//   set_in(bool, const uint32_t *words), set_out_ready(bool),
//   settle()  - inputs applied, combinational outputs valid (before the clock edge),
//   edge()    - one rising clock edge,
//   in_ready(), out_valid(), out_data(uint32_t *words), cycles().
// A handshake fires at an edge when valid and ready were both high in settle().
#ifndef TF2SIM_CU_DRIVER_HPP
#define TF2SIM_CU_DRIVER_HPP

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "cu_sim.h"

struct CuCfg {
    uint32_t h, w, oh, ow, k, stride, pad, cfl, nf, p, linbits, dw, mode, pack, requant, relu, shift, obit, nout;
};

enum { CU_IN_WORDS = CU_CIN_MAX * CU_ABITS / 32, CU_WLD_WORDS = CU_SIMD_MAX * CU_WBITS / 32, CU_OUT_WORDS = CU_PE_MAX };

static inline void cu_put_lane(uint32_t *words, int lane, int bits, uint32_t v)
{
    int bit = lane * bits;
    words[bit / 32] |= (v & ((1u << bits) - 1u)) << (bit % 32);
}

// One weight-load beat: word `addr` of PE `pe` (SIMD lanes).
struct CuWBeat {
    uint32_t addr, pe;
    uint32_t words[CU_WLD_WORDS];
};

// Checks a job and derives its configuration and weight beats.
static inline int cu_prepare(cu_job *j, CuCfg &c, std::vector<CuWBeat> &beats, char *err, size_t cap)
{
    cu_layer &L = j->l;
    if (cu_layer_derive(&L, err, cap))
        return -1;
    const int lin = L.depthwise ? L.pe : L.simd;
    const int cf = L.cin / lin, cfl = L.depthwise ? 1 : cf, nf = L.cout / L.pe, kk = L.k * L.k;
    const int cin_g = L.depthwise ? 1 : L.cin;
    for (int o = 0; o < L.cout; o++) {
        int64_t inc = j->inc ? j->inc[o] : 0, bias = j->bias ? j->bias[o] : 0;
        if (inc != (int32_t)inc || bias != (int32_t)bias) {
            snprintf(err, cap, "channel %d: inc %lld / bias %lld do not fit 32 bits", o, (long long)inc, (long long)bias);
            return -1;
        }
    }
    c = CuCfg{};
    c.h = (uint32_t)L.h; c.w = (uint32_t)L.w; c.oh = (uint32_t)L.oh; c.ow = (uint32_t)L.ow;
    c.k = (uint32_t)L.k; c.stride = (uint32_t)L.stride; c.pad = (uint32_t)L.pad;
    c.cfl = (uint32_t)cfl; c.p = (uint32_t)cu_linebuf_pixels(&L); c.linbits = (uint32_t)(lin * CU_ABITS);
    c.nf = (uint32_t)nf; c.dw = (uint32_t)L.depthwise;
    c.mode = (uint32_t)L.sac; c.pack = (uint32_t)L.pack; c.requant = (uint32_t)L.requant;
    c.relu = (uint32_t)L.relu; c.shift = (uint32_t)(L.requant ? L.shift : 0); c.obit = (uint32_t)(L.requant ? L.obit : 1);
    c.nout = (uint32_t)(L.oh * L.ow * nf);
    // weights: word (nf, ky, kx, cf) of PE p holds SIMD lanes (input channels cf*SIMD + s)
    beats.clear();
    for (int f = 0; f < nf; f++)
        for (int ky = 0; ky < L.k; ky++)
            for (int kx = 0; kx < L.k; kx++)
                for (int q = 0; q < cfl; q++)
                    for (int p = 0; p < L.pe; p++) {
                        CuWBeat b{};
                        b.addr = (uint32_t)(((f * L.k + ky) * L.k + kx) * cfl + q);
                        b.pe = (uint32_t)p;
                        int o = f * L.pe + p;
                        for (int s = 0; s < (L.depthwise ? 1 : L.simd); s++) {
                            int ci = L.depthwise ? 0 : q * L.simd + s;
                            int32_t wv = j->w[((size_t)o * cin_g + ci) * kk + ky * L.k + kx];
                            cu_put_lane(b.words, s, CU_WBITS, (uint32_t)wv);
                        }
                        beats.push_back(b);
                    }
    return 0;
}

// Runs jobs one after another on one RTL instance, as a layer sequence would: the first
// job's filters are loaded up front; while job i computes, job i+1's filters stream into
// the filter loader's shadow bank (one word per cycle, beside the input and output
// streams), and `start` swaps the banks. Each job's cycles run from its own `start`.
template <class A> int cu_drive_seq(A &a, cu_job **jobs, int n, char *err, size_t cap)
{
    std::vector<CuCfg> cfgs((size_t)n);
    std::vector<std::vector<CuWBeat>> beats((size_t)n);
    for (int i = 0; i < n; i++)
        if (cu_prepare(jobs[i], cfgs[(size_t)i], beats[(size_t)i], err, cap))
            return -1;
    uint32_t zero[CU_IN_WORDS > CU_OUT_WORDS ? CU_IN_WORDS : CU_OUT_WORDS] = {0};
    a.set_cfg(cfgs[0]);
    a.set_start(false); a.set_wld(false, 0, 0, zero); a.set_bld(false, 0, 0, 0, 0);
    a.set_in(false, zero); a.set_out_ready(false);
    a.set_rst(true);
    for (int i = 0; i < 3; i++) { a.settle(); a.edge(); }
    a.set_rst(false);
    for (const CuWBeat &b : beats[0]) {
        a.set_wld(true, b.addr, b.pe, b.words);
        a.settle(); a.edge();
    }
    a.set_wld(false, 0, 0, zero);

    for (int i = 0; i < n; i++) {
        cu_job *j = jobs[i];
        const cu_layer &L = j->l;
        const CuCfg &c = cfgs[(size_t)i];
        auto t0 = std::chrono::steady_clock::now();
        // configuration (held while idle, latched for the run) and this layer's BN words
        a.set_cfg(c);
        a.settle(); a.edge();
        for (uint32_t f = 0; f < c.nf; f++)
            for (int p = 0; p < L.pe; p++) {
                int o = (int)f * L.pe + p;
                a.set_bld(true, f, (uint32_t)p, (uint32_t)(int32_t)(j->inc ? j->inc[o] : 0),
                          (uint32_t)(int32_t)(j->bias ? j->bias[o] : 0));
                a.settle(); a.edge();
            }
        a.set_bld(false, 0, 0, 0, 0);

        a.set_start(true);
        a.settle(); a.edge(); // edge 0
        a.set_start(false);

        const int lin = L.depthwise ? L.pe : L.simd, cfl = (int)c.cfl, kk = L.k * L.k;
        (void)lin;
        const uint64_t n_in = (uint64_t)L.h * L.w, n_out = (uint64_t)L.oh * L.ow * c.nf;
        const uint64_t limit = 64 * (n_in + n_out * kk * cfl) + 10000;
        const std::vector<CuWBeat> *next = i + 1 < n ? &beats[(size_t)i + 1] : nullptr;
        size_t wb = 0;
        uint64_t ib = 0, ob = 0, edges = 0;
        uint32_t in_words[CU_IN_WORDS], out_words[CU_OUT_WORDS];
        uint32_t rng = j->stall_seed ? j->stall_seed : 0x9e3779b9u;
        auto roll = [&rng](int pct) {
            if (pct <= 0)
                return false;
            rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
            return (int)(rng % 100u) < pct;
        };
        while (ob < n_out) {
            bool iv = ib < n_in && !roll(j->stall_in_pct);
            bool ordy = !roll(j->stall_out_pct);
            a.set_out_ready(ordy);
            std::memset(in_words, 0, sizeof in_words);
            if (iv) { // one pixel, all channels
                int y = (int)(ib / (uint64_t)L.w), x = (int)(ib % (uint64_t)L.w);
                for (int ch = 0; ch < L.cin; ch++)
                    cu_put_lane(in_words, ch, CU_ABITS, (uint32_t)j->x[((size_t)ch * L.h + y) * L.w + x]);
            }
            a.set_in(iv, in_words);
            if (next && wb < next->size())
                a.set_wld(true, (*next)[wb].addr, (*next)[wb].pe, (*next)[wb].words);
            else
                a.set_wld(false, 0, 0, zero);
            a.settle();
            bool in_fire = iv && a.in_ready();
            bool out_fire = ordy && a.out_valid();
            if (out_fire)
                a.out_data(out_words);
            a.edge();
            edges++;
            if (next && wb < next->size())
                wb++;
            if (in_fire)
                ib++;
            if (out_fire) {
                uint64_t pix = ob / c.nf;
                int f = (int)(ob % c.nf), oy = (int)(pix / (uint64_t)L.ow), ox = (int)(pix % (uint64_t)L.ow);
                for (int p = 0; p < L.pe; p++)
                    j->y[((size_t)(f * L.pe + p) * L.oh + oy) * L.ow + ox] = (int32_t)out_words[p];
                ob++;
            }
            if (edges > limit) {
                snprintf(err, cap, "RTL hung: %llu of %llu inputs taken, %llu of %llu outputs after %llu cycles",
                         (unsigned long long)ib, (unsigned long long)n_in, (unsigned long long)ob,
                         (unsigned long long)n_out, (unsigned long long)edges);
                return -1;
            }
        }
        a.set_in(false, zero);
        a.set_out_ready(false);
        a.settle();
        j->cycles = a.cycles();
        if (j->cycles != edges) {
            snprintf(err, cap, "RTL cycle counter %llu disagrees with the harness (%llu edges)",
                     (unsigned long long)j->cycles, (unsigned long long)edges);
            return -1;
        }
        if (ib != n_in) {
            snprintf(err, cap, "RTL finished with %llu of %llu input pixels taken", (unsigned long long)ib,
                     (unsigned long long)n_in);
            return -1;
        }
        a.edge();
        // the rest of the next layer's filters, if this layer was too short to hide them
        if (next)
            for (; wb < next->size(); wb++) {
                a.set_wld(true, (*next)[wb].addr, (*next)[wb].pe, (*next)[wb].words);
                a.settle(); a.edge();
            }
        a.set_wld(false, 0, 0, zero);
        j->sim_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    return 0;
}

template <class A> int cu_drive(A &a, cu_job *j, char *err, size_t cap) { return cu_drive_seq(a, &j, 1, err, cap); }

#endif
