/* prune.c: L1-norm filter pruning over the net IR and its float weights. */
#include "prune.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_write.h"

typedef struct norm_idx {
    double norm;
    int idx;
} norm_idx;

static int cmp_norm(const void *a, const void *b)
{
    const norm_idx *x = a, *y = b;
    if (x->norm != y->norm)
        return x->norm < y->norm ? -1 : 1;
    return x->idx - y->idx;
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

void prune_select(const float *w, int cout, size_t per, int keep, int *kept)
{
    norm_idx *v = malloc(sizeof *v * (size_t)cout);
    if (!v) { /* keep the first `keep`: callers check allocations before, this is a fallback */
        for (int o = 0; o < keep; o++)
            kept[o] = o;
        return;
    }
    for (int o = 0; o < cout; o++) {
        double s = 0;
        for (size_t i = 0; i < per; i++)
            s += fabs((double)w[(size_t)o * per + i]);
        v[o] = (norm_idx){s, o};
    }
    qsort(v, (size_t)cout, sizeof *v, cmp_norm);
    for (int k = 0; k < keep; k++)
        kept[k] = v[cout - keep + k].idx;
    qsort(kept, (size_t)keep, sizeof *kept, cmp_int);
    free(v);
}

/* Why the output channels of conv i cannot be cut ("" if they can). */
static void check_consumers(const net *n, int i, int from, char *why, size_t cap)
{
    int users = 0;
    for (int j = i + 1; j < n->n_layers && !why[0]; j++) {
        const layer *c = &n->layers[j];
        bool reads = false;
        for (int k = 0; k < c->n_inputs; k++)
            reads |= c->inputs[k] == i;
        if (!reads)
            continue;
        users++;
        switch (c->op) {
        case OP_MAXPOOL:
        case OP_AVGPOOL:
        case OP_GAP:
        case OP_ACT: /* channel-wise: they lose the same channels */
        case OP_BN:
        case OP_CONCAT: /* the cut channels sit at this input's offset in the concat */
            check_consumers(n, j, from, why, cap);
            break;
        case OP_CONV:
            if (layer_is_depthwise(c)) /* loses the same channels, and passes the cut on */
                check_consumers(n, j, from, why, cap);
            else if (c->groups != 1)
                snprintf(why, cap, "it feeds grouped conv '%s' (not handled)", c->name);
            break;
        case OP_FC:
            break;
        case OP_ADD:
            snprintf(why, cap, "it feeds add layer '%s' (the other operands would need the same cut; not handled)",
                     c->name);
            break;
        default:
            snprintf(why, cap, "it feeds %s layer '%s' (not handled)", op_name(c->op), c->name);
            break;
        }
    }
    if (!users && !why[0])
        snprintf(why, cap, "%s is a net output (no layer reads it)", i == from ? "its output" : n->layers[i].name);
}

void prune_result_free(prune_result *r)
{
    float_weights_free(&r->fw);
    if (r->info)
        for (int i = 0; i < r->n.n_layers; i++)
            free(r->info[i].kept);
    net_free(&r->n);
    free(r->info);
    r->info = NULL;
}

int prune_l1(const net *n, const float_weights *fw, double ratio, const char *layers, prune_result *r, tf_err *e)
{
    memset(r, 0, sizeof *r);
    if (!(ratio > 0 && ratio < 1))
        return tf_errf(e, "--ratio: %g must be greater than 0 and less than 1 (the fraction of filters removed)",
                       ratio);
    int L = n->n_layers, rc = -1;
    bool *want = calloc((size_t)L, sizeof *want);
    int **keep = calloc((size_t)L, sizeof *keep);  /* owned: pruned convs */
    const int **chan = calloc((size_t)L, sizeof *chan); /* kept output channels of each layer (NULL: all) */
    int **cat = calloc((size_t)L, sizeof *cat);         /* owned: the kept channels of a concat */
    r->info = calloc((size_t)L, sizeof *r->info);
    net tmp = {0};
    char *text = NULL;
    if (!want || !keep || !chan || !cat || !r->info) {
        tf_errf(e, "out of memory");
        goto out;
    }
    for (int i = 0; i < L; i++)
        r->info[i].cout_before = r->info[i].cout_after = n->layers[i].cout;
    bool explicit_list = layers && layers[0];
    if (explicit_list) {
        char *list = strdup(layers), *save = NULL;
        if (!list) {
            tf_errf(e, "out of memory");
            goto out;
        }
        for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            int i = net_find(n, tok);
            if (i < 0) {
                tf_errf(e, "--layers: '%s' is not a layer of %s", tok, n->name);
                free(list);
                goto out;
            }
            if (n->layers[i].op != OP_CONV) {
                tf_errf(e, "--layers: '%s' is a %s layer; only conv layers are pruned", tok, op_name(n->layers[i].op));
                free(list);
                goto out;
            }
            want[i] = true;
        }
        free(list);
    }
    for (int i = 0; i < L; i++) {
        const layer *l = &n->layers[i];
        if (l->op != OP_CONV || (explicit_list && !want[i]))
            continue;
        char why[160] = "";
        if (l->groups != 1)
            snprintf(why, sizeof why, "it is a grouped/depthwise conv (prune the conv before it instead)");
        else
            check_consumers(n, i, i, why, sizeof why);
        if (why[0]) {
            if (explicit_list) {
                tf_errf(e, "prune: layer '%s' cannot be pruned: %s", l->name, why);
                goto out;
            }
            snprintf(r->info[i].skipped, sizeof r->info[i].skipped, "%s", why);
            continue;
        }
        want[i] = true;
    }
    int n_want = 0, first_skip = -1;
    for (int i = 0; i < L; i++) {
        n_want += want[i];
        if (first_skip < 0 && r->info[i].skipped[0])
            first_skip = i;
    }
    if (!n_want) {
        if (first_skip >= 0)
            tf_errf(e, "prune: no conv layer of %s can be pruned (%s: %s)", n->name, n->layers[first_skip].name,
                    r->info[first_skip].skipped);
        else
            tf_errf(e, "prune: %s has no conv layer to prune", n->name);
        goto out;
    }
    /* Kept filters of each pruned conv, then the kept channels flowing through pools. */
    for (int i = 0; i < L; i++) {
        const layer *l = &n->layers[i];
        if (want[i]) {
            int cut = (int)floor(ratio * l->cout), k = l->cout - cut;
            if (k < 1)
                k = 1;
            if (!fw || i >= fw->n_layers || !fw->l[i].w) {
                tf_errf(e, "%s: no float weights loaded", l->name);
                goto out;
            }
            if (!(keep[i] = malloc(sizeof(int) * (size_t)l->cout))) {
                tf_errf(e, "out of memory");
                goto out;
            }
            prune_select(fw->l[i].w, l->cout, (size_t)layer_cin_per_group(l) * l->k * l->k, k, keep[i]);
            chan[i] = keep[i];
            r->info[i].pruned = true;
            r->info[i].cout_after = k;
        } else if ((l->op == OP_MAXPOOL || l->op == OP_AVGPOOL || l->op == OP_GAP || l->op == OP_ACT ||
                    l->op == OP_BN || layer_is_depthwise(l)) && l->inputs[0] >= 0) {
            chan[i] = chan[l->inputs[0]];
            if (chan[i])
                r->info[i].cout_after = r->info[l->inputs[0]].cout_after;
        } else if (l->op == OP_CONCAT) {
            bool cut = false;
            for (int k = 0; k < l->n_inputs; k++)
                cut |= l->inputs[k] >= 0 && chan[l->inputs[k]];
            if (!cut)
                continue;
            if (!(cat[i] = malloc(sizeof(int) * (size_t)l->cout))) {
                tf_errf(e, "out of memory");
                goto out;
            }
            int m = 0, off = 0;
            for (int k = 0; k < l->n_inputs; k++) {
                int src = l->inputs[k], c = src < 0 ? n->in_c : n->layers[src].cout;
                const int *kk = src >= 0 ? chan[src] : NULL;
                int cnt = kk ? r->info[src].cout_after : c;
                for (int j = 0; j < cnt; j++)
                    cat[i][m++] = off + (kk ? kk[j] : j);
                off += c;
            }
            chan[i] = cat[i];
            r->info[i].cout_after = m;
        }
    }
    /* The smaller net: new couts, shapes inferred again by the loader. */
    if (net_clone(&tmp, n, e))
        goto out;
    for (int i = 0; i < L; i++)
        if (want[i])
            tmp.layers[i].cout = r->info[i].cout_after;
    if (!(text = net_to_json(&tmp, NULL, e)))
        goto out;
    if (net_parse(&r->n, n->name, text, e)) {
        tf_err_prefix(e, "prune: the pruned net does not load");
        goto out;
    }
    snprintf(r->n.path, sizeof r->n.path, "%s", n->path);
    r->fw.n_layers = L;
    if (!(r->fw.l = calloc((size_t)L, sizeof *r->fw.l))) {
        tf_errf(e, "out of memory");
        goto out;
    }
    for (int i = 0; i < L; i++) {
        const layer *ol = &n->layers[i], *nl = &r->n.layers[i];
        if (!layer_has_params(ol))
            continue;
        if (!fw || i >= fw->n_layers || !fw->l[i].w || (ol->bias && !fw->l[i].b)) {
            tf_errf(e, "%s: no float weights loaded", ol->name);
            goto out;
        }
        if (ol->op == OP_BN) { /* the scale and shift of its kept channels */
            float *w = malloc(sizeof(float) * (size_t)nl->cout), *b = malloc(sizeof(float) * (size_t)nl->cout);
            r->fw.l[i].w = w;
            r->fw.l[i].b = b;
            if (!w || !b) {
                tf_errf(e, "out of memory");
                goto out;
            }
            for (int c2 = 0; c2 < nl->cout; c2++) {
                int c = chan[i] ? chan[i][c2] : c2;
                w[c2] = fw->l[i].w[c];
                b[c2] = fw->l[i].b[c];
            }
            continue;
        }
        /* A depthwise conv keeps the filters of its kept channels, one input channel each. */
        bool dw = layer_is_depthwise(ol);
        const int *ko = dw ? chan[i] : keep[i], *ki = !dw && ol->inputs[0] >= 0 ? chan[ol->inputs[0]] : NULL;
        size_t per = ol->op == OP_FC ? (size_t)ol->hin * ol->win : (size_t)ol->k * ol->k;
        int cin_old = ol->op == OP_FC ? ol->cin : layer_cin_per_group(ol);
        int cin_new = ol->op == OP_FC ? nl->cin : layer_cin_per_group(nl);
        float *w = malloc(sizeof(float) * (size_t)nl->weights);
        float *b = ol->bias ? malloc(sizeof(float) * (size_t)nl->cout) : NULL;
        r->fw.l[i].w = w;
        r->fw.l[i].b = b;
        r->fw.l[i].n_w = (size_t)nl->weights;
        if (!w || (ol->bias && !b)) {
            tf_errf(e, "out of memory");
            goto out;
        }
        for (int o2 = 0; o2 < nl->cout; o2++) {
            int o = ko ? ko[o2] : o2;
            for (int c2 = 0; c2 < cin_new; c2++) {
                int c = ki ? ki[c2] : c2;
                memcpy(w + ((size_t)o2 * cin_new + c2) * per, fw->l[i].w + ((size_t)o * cin_old + c) * per,
                       sizeof(float) * per);
            }
            if (b)
                b[o2] = fw->l[i].b[o];
        }
    }
    rc = 0;
out:
    if (keep)
        for (int i = 0; i < L; i++) {
            if (rc == 0 && r->info)
                r->info[i].kept = keep[i];
            else
                free(keep[i]);
        }
    free(keep);
    if (cat)
        for (int i = 0; i < L; i++)
            free(cat[i]);
    free(cat);
    free(chan);
    free(want);
    free(text);
    net_free(&tmp);
    if (rc)
        prune_result_free(r);
    return rc;
}
