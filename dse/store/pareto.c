/* pareto.c: non-dominated filtering. */
#include "pareto.h"

#include <stdlib.h>
#include <string.h>

int pareto_dominates(int m, const double *a, const double *b)
{
    int better = 0;
    for (int k = 0; k < m; k++) {
        if (a[k] > b[k])
            return 0;
        if (a[k] < b[k])
            better = 1;
    }
    return better;
}

static const double *g_vals; /* qsort has no context argument in C11 */

static int cmp2(const void *pa, const void *pb)
{
    const double *a = g_vals + 2 * *(const int *)pa, *b = g_vals + 2 * *(const int *)pb;
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    if (a[1] != b[1])
        return a[1] < b[1] ? -1 : 1;
    return 0;
}

int pareto_mask(int n, int m, const double *vals, unsigned char *on_front)
{
    memset(on_front, 0, (size_t)n);
    if (n <= 0)
        return 0;
    int count = 0;
    if (m == 2) {
        int *ord = malloc(sizeof(int) * (size_t)n);
        if (!ord)
            return -1;
        for (int i = 0; i < n; i++)
            ord[i] = i;
        g_vals = vals;
        qsort(ord, (size_t)n, sizeof(int), cmp2);
        /* Sorted by the first objective: a point is on the front iff its second
         * objective beats every point before it (ties with the last kept are kept). */
        double best1 = 0;
        const double *last = NULL;
        for (int j = 0; j < n; j++) {
            const double *v = vals + 2 * ord[j];
            if (!last || v[1] < best1 || (v[0] == last[0] && v[1] == last[1])) {
                on_front[ord[j]] = 1;
                count++;
                if (!last || v[1] < best1)
                    best1 = v[1];
                last = v;
            }
        }
        free(ord);
        return count;
    }
    for (int i = 0; i < n; i++) {
        int dom = 0;
        for (int j = 0; j < n && !dom; j++)
            if (j != i && pareto_dominates(m, vals + (size_t)m * j, vals + (size_t)m * i))
                dom = 1;
        if (!dom) {
            on_front[i] = 1;
            count++;
        }
    }
    return count;
}
