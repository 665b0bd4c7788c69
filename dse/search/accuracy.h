/* accuracy.h: the accuracy column of the results DB, cached per bit-width vector.
 *
 * Accuracy depends on the net and its per-layer bits (and pow2), not on the folding, so it
 * is computed once per (net, bitw, bita, pow2) and kept in the accuracy_cache table. Only
 * nets with committed float weights and a data set (fmnist_cnn: configs/models/fmnist_cnn/ and
 * Debian's Fashion-MNIST) get a value; for the others *acc is -1 and the column stays NULL. */
#ifndef TF2SIM_ACCURACY_H
#define TF2SIM_ACCURACY_H

#include <stdbool.h>

#include "net/net.h"
#include "store/store.h"

/* Looks up, or computes and caches, top-1 for n's current bits. s may be NULL (no cache). */
int accuracy_for_bits(store *s, const net *n, bool pow2, double *acc, tf_err *e);

#endif
