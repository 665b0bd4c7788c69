/* bram.c: width/depth -> RAM block counts, as the vendors' aspect ratios allow. */
#include "bram.h"

typedef struct aspect {
    uint64_t depth;
    int width;
    int cost; /* in the unit counted: BRAM18 (a BRAM36 costs 2) or M20K */
} aspect;

static const aspect XILINX[] = {
    {16384, 1, 1}, {8192, 2, 1}, {4096, 4, 1}, {2048, 9, 1}, {1024, 18, 1}, {512, 36, 1},
    {32768, 1, 2}, {16384, 2, 2}, {8192, 4, 2}, {4096, 9, 2}, {2048, 18, 2}, {1024, 36, 2}, {512, 72, 2},
};
static const aspect INTEL[] = {
    {16384, 1, 1}, {8192, 2, 1}, {4096, 5, 1}, {2048, 10, 1}, {1024, 20, 1}, {512, 40, 1},
};

static int tile(const aspect *a, int n, int width, uint64_t depth)
{
    if (width <= 0 || depth == 0)
        return 0;
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < n; i++) {
        uint64_t c = ((depth + a[i].depth - 1) / a[i].depth) *
                     (uint64_t)((width + a[i].width - 1) / a[i].width) * (uint64_t)a[i].cost;
        if (c < best)
            best = c;
    }
    return best > (uint64_t)INT32_MAX ? INT32_MAX : (int)best;
}

int bram18_blocks(int width_bits, uint64_t depth)
{
    return tile(XILINX, (int)(sizeof XILINX / sizeof *XILINX), width_bits, depth);
}

int m20k_blocks(int width_bits, uint64_t depth)
{
    return tile(INTEL, (int)(sizeof INTEL / sizeof *INTEL), width_bits, depth);
}

int ram_blocks(mem_kind k, int width_bits, uint64_t depth)
{
    return k == MEM_M20K ? m20k_blocks(width_bits, depth) : bram18_blocks(width_bits, depth);
}

int ram_is_shallow(int width_bits, uint64_t depth)
{
    /* Vivado/HLS keep memories of <= 64 words, or under a quarter of a BRAM18, in LUTs. */
    return depth <= 64 || (uint64_t)width_bits * depth <= 4096;
}

long lutram_luts(int width_bits, uint64_t depth)
{
    return (long)width_bits * (long)((depth + 63) / 64);
}
