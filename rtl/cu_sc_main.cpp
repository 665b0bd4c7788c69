// cu_sc_main.cpp: SystemC testbench of the compute unit: a clock, a reset, the verilated
// RTL (Verilator --sc) and a testbench thread that plays one layer from a job file.
//   usage: tf2sim_rtl_sc [--vcd FILE] JOB RESULT [JOB RESULT ...]
//          (files from cu_job_save / read by cu_result_load); several jobs run back to back
//          in one simulation, the next job's filters loading while the current one runs.
// The thread drives the same cu_drive() sequence as the Verilator shim: inputs change
// after a rising edge, handshakes are sampled on the falling edge, so both backends see
// identical stimulus cycle for cycle. --vcd writes the testbench's view (clock, reset,
// every port of the compute unit) as a SystemC VCD trace of the whole run.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
#include <systemc.h>

#include "Vcu_sc.h"
#include "cu_driver.hpp"

SC_MODULE(CuTestbench) {
    sc_clock clk;
    sc_signal<bool> rst, start, in_valid, in_ready, wld_valid, wld_ready, bld_valid, out_valid, out_ready;
    sc_signal<bool> cfg_dw, cfg_mode, cfg_pack, cfg_requant, cfg_relu, busy, sched_busy;
    sc_signal<uint32_t> cfg_h, cfg_w, cfg_oh, cfg_ow, cfg_k, cfg_stride, cfg_pad, cfg_cfl, cfg_nf, cfg_p, cfg_linbits;
    sc_signal<uint32_t> cfg_shift, cfg_obit, cfg_nout, wld_addr, wld_pe, bld_addr, bld_pe, bld_inc, bld_bias, cycles;
    sc_signal<sc_bv<CU_CIN_MAX * CU_ABITS>> in_data;
    sc_signal<sc_bv<CU_SIMD_MAX * CU_WBITS>> wld_data;
    sc_signal<sc_bv<CU_PE_MAX * 32>> out_data;
    Vcu_sc dut;
    cu_job **jobs = nullptr;
    int n_jobs = 0;
    int rc = -1;
    char err[512] = "";

    SC_HAS_PROCESS(CuTestbench);
    explicit CuTestbench(sc_module_name n)
        : sc_module(n), clk("clk", 10, SC_NS, 0.5, 5, SC_NS, true), dut("cu")
    {
        dut.clk(clk); dut.rst(rst); dut.start(start);
        dut.cfg_h(cfg_h); dut.cfg_w(cfg_w); dut.cfg_oh(cfg_oh); dut.cfg_ow(cfg_ow); dut.cfg_k(cfg_k);
        dut.cfg_stride(cfg_stride); dut.cfg_pad(cfg_pad); dut.cfg_cfl(cfg_cfl);
        dut.cfg_nf(cfg_nf); dut.cfg_p(cfg_p); dut.cfg_linbits(cfg_linbits); dut.cfg_dw(cfg_dw); dut.cfg_mode(cfg_mode); dut.cfg_pack(cfg_pack);
        dut.cfg_requant(cfg_requant); dut.cfg_relu(cfg_relu); dut.cfg_shift(cfg_shift); dut.cfg_obit(cfg_obit);
        dut.cfg_nout(cfg_nout);
        dut.in_valid(in_valid); dut.in_ready(in_ready); dut.in_data(in_data);
        dut.wld_valid(wld_valid); dut.wld_ready(wld_ready); dut.wld_addr(wld_addr); dut.wld_pe(wld_pe);
        dut.wld_data(wld_data);
        dut.bld_valid(bld_valid); dut.bld_addr(bld_addr); dut.bld_pe(bld_pe); dut.bld_inc(bld_inc);
        dut.bld_bias(bld_bias);
        dut.out_valid(out_valid); dut.out_ready(out_ready); dut.out_data(out_data);
        dut.busy(busy); dut.sched_busy(sched_busy); dut.cycles(cycles);
        SC_THREAD(run);
    }

    // cu_drive adapter
    void set_cfg(const CuCfg &c)
    {
        cfg_h = c.h; cfg_w = c.w; cfg_oh = c.oh; cfg_ow = c.ow; cfg_k = c.k; cfg_stride = c.stride;
        cfg_pad = c.pad; cfg_cfl = c.cfl; cfg_nf = c.nf; cfg_p = c.p; cfg_linbits = c.linbits;
        cfg_dw = c.dw != 0;
        cfg_mode = c.mode != 0; cfg_pack = c.pack != 0; cfg_requant = c.requant != 0; cfg_relu = c.relu != 0;
        cfg_shift = c.shift; cfg_obit = c.obit; cfg_nout = c.nout;
    }
    void set_rst(bool v) { rst = v; }
    void set_start(bool v) { start = v; }
    void set_wld(bool v, uint32_t addr, uint32_t pe, const uint32_t *w)
    {
        wld_valid = v; wld_addr = addr; wld_pe = pe;
        sc_bv<CU_SIMD_MAX * CU_WBITS> b;
        for (int i = 0; i < CU_WLD_WORDS; i++) b.set_word(i, w[i]);
        wld_data = b;
    }
    void set_bld(bool v, uint32_t addr, uint32_t pe, uint32_t inc, uint32_t bias)
    {
        bld_valid = v; bld_addr = addr; bld_pe = pe; bld_inc = inc; bld_bias = bias;
    }
    void set_in(bool v, const uint32_t *w)
    {
        in_valid = v;
        sc_bv<CU_CIN_MAX * CU_ABITS> b;
        for (int i = 0; i < CU_IN_WORDS; i++) b.set_word(i, w[i]);
        in_data = b;
    }
    void set_out_ready(bool v) { out_ready = v; }
    void settle() { wait(clk.negedge_event()); }
    void edge() { wait(clk.posedge_event()); }
    bool in_ready_() const { return in_ready.read(); }
    bool out_valid_() const { return out_valid.read(); }
    void out_data_(uint32_t *w) const
    {
        sc_bv<CU_PE_MAX * 32> b = out_data.read();
        for (int i = 0; i < CU_OUT_WORDS; i++) w[i] = (uint32_t)b.get_word(i);
    }
    uint64_t cycles_() const { return cycles.read(); }

    void run();

    void trace(sc_trace_file *tf)
    {
        sc_trace(tf, clk, "clk"); sc_trace(tf, rst, "rst"); sc_trace(tf, start, "start");
        sc_trace(tf, in_valid, "in_valid"); sc_trace(tf, in_ready, "in_ready"); sc_trace(tf, in_data, "in_data");
        sc_trace(tf, wld_valid, "wld_valid"); sc_trace(tf, wld_addr, "wld_addr"); sc_trace(tf, wld_pe, "wld_pe");
        sc_trace(tf, wld_data, "wld_data"); sc_trace(tf, bld_valid, "bld_valid"); sc_trace(tf, bld_addr, "bld_addr");
        sc_trace(tf, bld_pe, "bld_pe"); sc_trace(tf, bld_inc, "bld_inc"); sc_trace(tf, bld_bias, "bld_bias");
        sc_trace(tf, out_valid, "out_valid"); sc_trace(tf, out_ready, "out_ready"); sc_trace(tf, out_data, "out_data");
        sc_trace(tf, busy, "busy"); sc_trace(tf, sched_busy, "sched_busy"); sc_trace(tf, cycles, "cycles");
        sc_trace(tf, cfg_h, "cfg_h"); sc_trace(tf, cfg_w, "cfg_w"); sc_trace(tf, cfg_k, "cfg_k");
        sc_trace(tf, cfg_nf, "cfg_nf"); sc_trace(tf, cfg_p, "cfg_p");
    }
};

// cu_drive calls in_ready()/out_valid()/out_data()/cycles(); those names are signals here.
struct ScAdapter {
    CuTestbench &t;
    void set_cfg(const CuCfg &c) { t.set_cfg(c); }
    void set_rst(bool v) { t.set_rst(v); }
    void set_start(bool v) { t.set_start(v); }
    void set_wld(bool v, uint32_t a, uint32_t p, const uint32_t *w) { t.set_wld(v, a, p, w); }
    void set_bld(bool v, uint32_t a, uint32_t p, uint32_t i, uint32_t b) { t.set_bld(v, a, p, i, b); }
    void set_in(bool v, const uint32_t *w) { t.set_in(v, w); }
    void set_out_ready(bool v) { t.set_out_ready(v); }
    void settle() { t.settle(); }
    void edge() { t.edge(); }
    bool in_ready() const { return t.in_ready_(); }
    bool out_valid() const { return t.out_valid_(); }
    void out_data(uint32_t *w) const { t.out_data_(w); }
    uint64_t cycles() const { return t.cycles_(); }
};

void CuTestbench::run()
{
    ScAdapter a{*this};
    rc = cu_drive_seq(a, jobs, n_jobs, err, sizeof err);
    sc_stop();
}

int sc_main(int argc, char **argv)
{
    const char *vcd = nullptr;
    if (argc >= 3 && std::strcmp(argv[1], "--vcd") == 0) {
        vcd = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc < 3 || (argc - 1) % 2) {
        fprintf(stderr, "usage: tf2sim_rtl_sc [--vcd FILE] JOB RESULT [JOB RESULT ...]\n");
        return 2;
    }
    char err[512];
    int n = (argc - 1) / 2, rc = 0;
    std::vector<cu_job> jobs((size_t)n);
    std::vector<cu_job *> ptrs((size_t)n);
    for (int i = 0; i < n; i++) {
        if (cu_job_load(argv[1 + 2 * i], &jobs[(size_t)i], err, sizeof err)) {
            fprintf(stderr, "tf2sim_rtl_sc: %s\n", err);
            for (int k = 0; k < i; k++)
                cu_job_free(&jobs[(size_t)k]);
            return 2;
        }
        ptrs[(size_t)i] = &jobs[(size_t)i];
    }
    sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", SC_DO_NOTHING);
    CuTestbench tb("tb");
    tb.jobs = ptrs.data();
    tb.n_jobs = n;
    sc_trace_file *tf = nullptr;
    if (vcd) {
        std::string base(vcd);
        if (base.size() > 4 && base.compare(base.size() - 4, 4, ".vcd") == 0)
            base.resize(base.size() - 4); // SystemC appends .vcd
        tf = sc_create_vcd_trace_file(base.c_str());
        tf->set_time_unit(1, SC_NS);
        tb.trace(tf);
    }
    sc_start();
    tb.dut.final();
    if (tf)
        sc_close_vcd_trace_file(tf);
    if (tb.rc) {
        fprintf(stderr, "tf2sim_rtl_sc: %s\n", tb.err);
        rc = 1;
    }
    for (int i = 0; i < n && !rc; i++)
        if (cu_result_save(argv[2 + 2 * i], &jobs[(size_t)i], err, sizeof err)) {
            fprintf(stderr, "tf2sim_rtl_sc: %s\n", err);
            rc = 1;
        }
    for (int i = 0; i < n; i++)
        cu_job_free(&jobs[(size_t)i]);
    return rc;
}
