/* perf.c: allocation of per-layer timing results. */
#include "perf.h"

#include <stdlib.h>
#include <string.h>

int perf_alloc(perf *p, int n_layers)
{
    memset(p, 0, sizeof *p);
    p->layers = calloc((size_t)(n_layers > 0 ? n_layers : 1), sizeof(layer_perf));
    p->n_layers = n_layers;
    return p->layers ? 0 : -1;
}

void perf_free(perf *p)
{
    free(p->layers);
    p->layers = NULL;
}
