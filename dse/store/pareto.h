/* pareto.h: non-dominated sets over n points with m objectives (all minimised;
 * negate an objective to maximise it). */
#ifndef TF2SIM_PARETO_H
#define TF2SIM_PARETO_H

/* Sets on_front[i] = 1 for every point no other point dominates. Equal points are
 * all kept. 2 objectives: O(n log n); more: O(n^2 m). Returns the front size or -1. */
int pareto_mask(int n, int m, const double *vals, unsigned char *on_front);

/* 1 if a dominates b (no worse in every objective, better in one). */
int pareto_dominates(int m, const double *a, const double *b);

#endif
