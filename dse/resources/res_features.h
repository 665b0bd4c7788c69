/* res_features.h: the structural quantities a compute unit's LUT and FF counts are fitted to.
 *
 * Each resource target (our RTL, the MixQ HLS operator) describes a layer's unit by these
 * numbers; `tf2sim calibrate` fits one coefficient per feature (GSL least squares over the
 * yosys data set, configs/resources/) and the model's LUT/FF is their dot product.
 * LUTRAM cells are not a feature: the memory mapping counts them exactly. */
#ifndef TF2SIM_RES_FEATURES_H
#define TF2SIM_RES_FEATURES_H

typedef enum res_feature {
    RF_UNIT,        /* 1 per compute unit: control, loop counters, stream handshakes */
    RF_LUTMUL_BITS, /* multiplies built in LUTs: sum of a_width * b_width */
    RF_SUM_BITS,    /* adder-tree / accumulate inputs: products x partial-sum width */
    RF_SAC_BITS,    /* shift-accumulate lanes: lanes x shifted-operand width */
    RF_PACK_BITS,   /* packed-product split (guard/sign correction): packed multiplies x field width */
    RF_PE,          /* per output lane: accumulator, BN/re-quantise, clip */
    RF_MUX_BITS,    /* feature fold select / width converters: selected bits x inputs */
    RF_MEM_MUX_BITS,/* read muxes of memories deeper than one RAM cell: word bits x (cells along the address - 1) */
    RF__COUNT
} res_feature;

typedef struct res_features {
    double x[RF__COUNT];
} res_features;

const char *res_feature_name(res_feature f);

#endif
