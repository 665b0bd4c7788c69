/* res_features.c: names of the LUT/FF features (the keys of the fit file). */
#include "res_features.h"

static const char *const NAMES[RF__COUNT] = {
    [RF_UNIT] = "unit",         [RF_LUTMUL_BITS] = "lutmul_bits", [RF_SUM_BITS] = "sum_bits",
    [RF_SAC_BITS] = "sac_bits", [RF_PACK_BITS] = "pack_bits",     [RF_PE] = "pe",
    [RF_MUX_BITS] = "mux_bits", [RF_MEM_MUX_BITS] = "mem_mux_bits",
};

const char *res_feature_name(res_feature f)
{
    return (unsigned)f < RF__COUNT ? NAMES[f] : "?";
}
