// dataflow_tb.cpp: Verilator harness of a generated dataflow_top (tf2sim generate).
//
//   Vdataflow_top FRAMES IN.bin OUT.bin RESULT.txt
// IN.bin: FRAMES x TB_IN_PIXELS pixel words, each ceil(TB_IN_BITS/32) little-endian
// 32-bit words. The harness offers one pixel per cycle (in_valid stays high while there
// are pixels) and is always ready for output. OUT.bin: the output pixel words, the same
// way. RESULT.txt: "frame F DONE" lines (the cycle of each frame's last output pixel,
// counted in clock edges after reset), then "fifo I FULL EMPTY" lines, "cycles N".
// Sizes come from the generated dataflow_tb.h.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "Vdataflow_top.h"
#include "dataflow_tb.h"
#include "verilated.h"

static const int IN_WORDS = (TB_IN_BITS + 31) / 32;
static const int OUT_WORDS = (TB_OUT_BITS + 31) / 32;

// Ports up to 64 bits are integers, wider ones VlWide arrays of 32-bit words.
template <typename T> static void put(T &port, const uint32_t *w, int n)
{
    uint64_t v = w[0];
    if (n > 1)
        v |= (uint64_t)w[1] << 32;
    port = (T)v;
}
template <std::size_t N> static void put(VlWide<N> &port, const uint32_t *w, int n)
{
    for (int i = 0; i < (int)N; i++)
        port[i] = i < n ? w[i] : 0;
}
template <typename T> static uint32_t get(const T &port, int i)
{
    return i == 0 ? (uint32_t)(uint64_t)port : i == 1 ? (uint32_t)((uint64_t)port >> 32) : 0;
}
template <std::size_t N> static uint32_t get(const VlWide<N> &port, int i) { return i < (int)N ? port[i] : 0; }

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s FRAMES IN.bin OUT.bin RESULT.txt\n", argv[0]);
        return 2;
    }
    long frames = atol(argv[1]);
    std::vector<uint32_t> in((size_t)frames * TB_IN_PIXELS * IN_WORDS);
    FILE *f = fopen(argv[2], "rb");
    if (!f || fread(in.data(), 4, in.size(), f) != in.size()) {
        fprintf(stderr, "%s: cannot read %zu words\n", argv[2], in.size());
        return 2;
    }
    fclose(f);
    VerilatedContext ctx;
    Vdataflow_top top(&ctx);
    top.clk = 0;
    top.rst = 1;
    top.in_valid = 0;
    top.out_ready = 1;
    for (int i = 0; i < 2; i++) {
        top.clk = 0;
        top.eval();
        top.clk = 1;
        top.eval();
    }
    top.rst = 0;
    std::vector<uint32_t> out((size_t)frames * TB_OUT_PIXELS * OUT_WORDS);
    std::vector<uint64_t> done((size_t)frames);
    size_t nin = 0, nout = 0, total_in = (size_t)frames * TB_IN_PIXELS, total_out = (size_t)frames * TB_OUT_PIXELS;
    uint64_t cyc = 0, last_progress = 0;
    while (nout < total_out) {
        top.clk = 0;
        top.in_valid = nin < total_in;
        if (nin < total_in)
            put(top.in_data, &in[nin * IN_WORDS], IN_WORDS);
        top.eval();
        bool in_fire = top.in_valid && top.in_ready;
        if (top.out_valid && top.out_ready) {
            for (int i = 0; i < OUT_WORDS; i++)
                out[nout * OUT_WORDS + i] = get(top.out_data, i);
            nout++;
            if (nout % TB_OUT_PIXELS == 0)
                done[nout / TB_OUT_PIXELS - 1] = cyc + 1;
            last_progress = cyc;
        }
        top.clk = 1;
        top.eval();
        cyc++;
        if (in_fire) {
            nin++;
            last_progress = cyc;
        }
        if (cyc - last_progress > 50000000ull) {
            fprintf(stderr, "dataflow_top: no progress for 50M cycles at cycle %llu (%zu of %zu input pixels taken, "
                    "%zu of %zu output pixels): deadlock\n", (unsigned long long)cyc, nin, total_in, nout, total_out);
            return 1;
        }
    }
    FILE *o = fopen(argv[3], "wb");
    if (!o || fwrite(out.data(), 4, out.size(), o) != out.size() || fclose(o)) {
        fprintf(stderr, "%s: cannot write\n", argv[3]);
        return 2;
    }
    FILE *r = fopen(argv[4], "w");
    if (!r) {
        fprintf(stderr, "%s: cannot write\n", argv[4]);
        return 2;
    }
    for (long i = 0; i < frames; i++)
        fprintf(r, "frame %ld %llu\n", i, (unsigned long long)done[(size_t)i]);
    for (int q = 0; q < TB_N_FIFOS; q++)
        fprintf(r, "fifo %d %u %u\n", q, get(top.fifo_full_cycles, q), get(top.fifo_empty_cycles, q));
    fprintf(r, "cycles %u\n", (unsigned)top.cycles);
    fclose(r);
    top.final();
    return 0;
}
