// bench_rtl.cpp: simulated cycles per second — C cycle-level model vs Verilator RTL vs
// SystemC RTL on the same layers (issue 5: the C model should be >= 100x faster).
//   usage: bench_rtl [CASE ...]   (regression case names; default: a fixed set)
// Prints a Markdown table (the benchmarks/RESULTS.md RTL section). The work is in
// dse/regress/regress_bench.c; this file only hands it the Verilator backend, which is C++.
#include <cstdlib>

extern "C" {
#include "regress/regress.h"
int regress_bench_main(int argc, char **argv, regress_backend verilator, const char *sc_exe, const char *shared_dir);
}

static int run_verilator(cu_job *j, void *, char *err, size_t cap) { return cu_run_verilator(j, nullptr, err, cap); }

int main(int argc, char **argv)
{
    const char *sc = std::getenv("TF2SIM_RTL_SC");
    const char *shared = std::getenv("TF2SIM_SHARED");
    return regress_bench_main(argc, argv, run_verilator, sc && *sc ? sc : TF2SIM_RTL_SC_EXE,
                              shared && *shared ? shared : TF2SIM_SHARED_DIR);
}
