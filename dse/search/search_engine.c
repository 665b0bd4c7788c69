/* search_engine.c: the engine (TF2) design space — one shared array, so a design is its
 * vector widths: N_VECTOR (PEs) x C_VECTOR (input channels) x OW_VECTOR (output columns),
 * FW_VECTOR taps. Every point of the grid is evaluated (the closed form is cheap); caches
 * are sized to what the net needs, DDR bandwidth comes from the device and clock. */
#include "blocks/engine_plan.h"
#include "search.h"

static const int N_VEC[] = {1, 2, 4, 8, 12, 16, 24, 32, 48, 64};
static const int C_VEC[] = {4, 8, 16, 32, 64};
static const int OW_VEC[] = {1, 2, 3, 4, 5, 6, 7, 8};

#define COUNT(a) ((int)(sizeof(a) / sizeof *(a)))

int search_engine_grid(search_ctx *c, tf_err *e)
{
    design ds;
    if (design_copy(&ds, c->base, e))
        return -1;
    ds.arch = ARCH_ENGINE;
    c->total += (long)COUNT(N_VEC) * COUNT(C_VEC) * COUNT(OW_VEC);
    int rc = 0;
    for (int a = 0; a < COUNT(N_VEC) && !rc; a++)
        for (int b = 0; b < COUNT(C_VEC) && !rc; b++)
            for (int k = 0; k < COUNT(OW_VEC) && !rc; k++) {
                engine_params *g = &ds.eng;
                g->n_vector = N_VEC[a];
                g->c_vector = C_VEC[b];
                g->ow_vector = OW_VEC[k];
                g->fw_vector = 3;
                /* Caches exactly as large as this net needs on this array. */
                engine_plan pl;
                g->feature_cache_bytes = 1024;
                g->filter_cache_bytes = 256;
                if (engine_plan_build(c->n, g, &pl, e)) {
                    rc = -1;
                    break;
                }
                if ((long)pl.feature_cache_needed > g->feature_cache_bytes)
                    g->feature_cache_bytes = (long)pl.feature_cache_needed;
                if ((long)pl.filter_cache_needed > g->filter_cache_bytes)
                    g->filter_cache_bytes = (long)pl.filter_cache_needed;
                engine_plan_free(&pl);
                evaluation ev;
                rc = search_eval_design(c, &ds, &ev, e);
                if (!rc)
                    evaluation_free(&ev);
            }
    design_free(&ds);
    return rc;
}
