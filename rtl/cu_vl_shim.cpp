// cu_vl_shim.cpp: extern "C" Verilator harness of the compute unit (see cu_sim.h).
#include <cstdio>
#include <memory>

#include "Vcu.h"
#include "cu_driver.hpp"
#include "verilated.h"
#if VM_TRACE
#include "verilated_vcd_c.h"
#endif

namespace {

struct VlAdapter {
    VerilatedContext *ctx;
    Vcu *t;
#if VM_TRACE
    VerilatedVcdC *vcd = nullptr;
#endif
    const cu_trace *tr = nullptr;
    uint64_t edges_since_start = 0;
    bool started = false;

    void dump()
    {
#if VM_TRACE
        if (vcd && started && edges_since_start >= tr->from && edges_since_start <= tr->to)
            vcd->dump(ctx->time());
#endif
    }
    void set_cfg(const CuCfg &c)
    {
        t->cfg_h = (uint16_t)c.h; t->cfg_w = (uint16_t)c.w; t->cfg_oh = (uint16_t)c.oh; t->cfg_ow = (uint16_t)c.ow;
        t->cfg_k = (uint8_t)c.k; t->cfg_stride = (uint8_t)c.stride; t->cfg_pad = (uint8_t)c.pad;
        t->cfg_cfl = (uint8_t)c.cfl; t->cfg_nf = (uint8_t)c.nf; t->cfg_p = (uint16_t)c.p;
        t->cfg_linbits = (uint16_t)c.linbits; t->cfg_dw = (uint8_t)c.dw;
        t->cfg_mode = (uint8_t)c.mode; t->cfg_pack = (uint8_t)c.pack; t->cfg_requant = (uint8_t)c.requant;
        t->cfg_relu = (uint8_t)c.relu; t->cfg_shift = (uint8_t)c.shift; t->cfg_obit = (uint8_t)c.obit;
        t->cfg_nout = c.nout;
    }
    void set_rst(bool v) { t->rst = v; }
    void set_start(bool v)
    {
        t->start = v;
        if (v) {
            started = true;
            edges_since_start = 0;
        }
    }
    void set_wld(bool v, uint32_t addr, uint32_t pe, const uint32_t *w)
    {
        t->wld_valid = v; t->wld_addr = (uint16_t)addr; t->wld_pe = (uint8_t)pe;
        for (int i = 0; i < CU_WLD_WORDS; i++) t->wld_data[i] = w[i];
    }
    void set_bld(bool v, uint32_t addr, uint32_t pe, uint32_t inc, uint32_t bias)
    {
        t->bld_valid = v; t->bld_addr = (uint8_t)addr; t->bld_pe = (uint8_t)pe; t->bld_inc = inc; t->bld_bias = bias;
    }
    void set_in(bool v, const uint32_t *w)
    {
        t->in_valid = v;
        for (int i = 0; i < CU_IN_WORDS; i++) t->in_data[i] = w[i];
    }
    void set_out_ready(bool v) { t->out_ready = v; }
    void settle()
    {
        t->clk = 0;
        t->eval();
        dump();
        ctx->timeInc(1);
    }
    void edge()
    {
        t->clk = 1;
        t->eval();
        if (started && !t->start) edges_since_start++;
        dump();
        ctx->timeInc(1);
    }
    bool in_ready() const { return t->in_ready; }
    bool out_valid() const { return t->out_valid; }
    void out_data(uint32_t *w) const
    {
        for (int i = 0; i < CU_OUT_WORDS; i++) w[i] = t->out_data[i];
    }
    uint64_t cycles() const { return t->cycles; }
};

} // namespace

extern "C" int cu_run_verilator_seq(cu_job **jobs, int n, const cu_trace *tr, char *err, size_t cap)
{
    std::unique_ptr<VerilatedContext> ctx(new VerilatedContext);
    ctx->debug(0);
    bool tracing = tr && tr->path;
#if VM_TRACE
    if (tracing) ctx->traceEverOn(true);
#else
    if (tracing) {
        snprintf(err, cap, "this build has no tracing (verilate with TRACE)");
        return -1;
    }
#endif
    std::unique_ptr<Vcu> top(new Vcu{ctx.get(), "cu"});
    VlAdapter a{ctx.get(), top.get()};
    a.tr = tr;
#if VM_TRACE
    std::unique_ptr<VerilatedVcdC> vcd;
    if (tracing) {
        vcd.reset(new VerilatedVcdC);
        top->trace(vcd.get(), 99);
        vcd->open(tr->path);
        if (!vcd->isOpen()) {
            snprintf(err, cap, "%s: cannot open the trace file", tr->path);
            return -1;
        }
        a.vcd = vcd.get();
    }
#endif
    int rc = cu_drive_seq(a, jobs, n, err, cap);
    top->final();
#if VM_TRACE
    if (vcd) vcd->close();
#endif
    return rc;
}

extern "C" int cu_run_verilator(cu_job *j, const cu_trace *tr, char *err, size_t cap)
{
    return cu_run_verilator_seq(&j, 1, tr, err, cap);
}
