/* net_write.c: net IR -> net JSON, float weights -> NPY, staged all-or-nothing output. */
#include "net_write.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/npy.h"

static int window_floor(int in, int k, int s, int p)
{
    int span = in + 2 * p - k;
    return span < 0 ? 0 : span / s + 1;
}

/* Most common value of a per-layer field (compute layers only when `compute`). */
static int most_common(const net *n, int which, int fallback)
{
    int count[9] = {0}, best = fallback, bestc = 0;
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        int v = which == 0 ? l->wbits : l->abits;
        if (which == 0 && !layer_is_compute(l))
            continue;
        if (v >= 1 && v <= 8)
            count[v]++;
    }
    for (int v = 8; v >= 1; v--)
        if (count[v] > bestc) {
            bestc = count[v];
            best = v;
        }
    return best;
}

static int append(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t k = strlen(s);
    if (*len + k + 1 > *cap) {
        size_t nc = (*cap ? *cap * 2 : 4096);
        while (nc < *len + k + 1)
            nc *= 2;
        char *nb = realloc(*buf, nc);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = nc;
    }
    memcpy(*buf + *len, s, k + 1);
    *len += k;
    return 0;
}

static const char *in_name(const net *n, int src)
{
    return src < 0 ? "input" : n->layers[src].name;
}

static json_t *layer_json(const net *n, int i, int dw, int da, const net_text *t)
{
    const char *comment = t && t->comments ? t->comments[i] : NULL;
    const layer *l = &n->layers[i];
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(l->name));
    json_object_set_new(o, "op", json_string(op_name(l->op)));
    bool dflt_in = l->n_inputs == 1 && l->inputs[0] == i - 1;
    if (!dflt_in) {
        if (l->n_inputs == 1) {
            json_object_set_new(o, "inputs", json_string(in_name(n, l->inputs[0])));
        } else {
            json_t *a = json_array();
            for (int k = 0; k < l->n_inputs; k++)
                json_array_append_new(a, json_string(in_name(n, l->inputs[k])));
            json_object_set_new(o, "inputs", a);
        }
    }
    bool dw_conv = layer_is_depthwise(l);
    switch (l->op) {
    case OP_CONV:
        if (dw_conv)
            json_object_set_new(o, "depthwise", json_true());
        else
            json_object_set_new(o, "cout", json_integer(l->cout));
        json_object_set_new(o, "k", json_integer(l->k));
        if (l->stride != 1)
            json_object_set_new(o, "stride", json_integer(l->stride));
        if (l->pad)
            json_object_set_new(o, "pad", json_integer(l->pad));
        if (l->groups > 1 && !dw_conv)
            json_object_set_new(o, "groups", json_integer(l->groups));
        break;
    case OP_FC:
        json_object_set_new(o, "cout", json_integer(l->cout));
        break;
    case OP_MAXPOOL:
    case OP_AVGPOOL:
        json_object_set_new(o, "k", json_integer(l->k));
        if (l->stride != l->k)
            json_object_set_new(o, "stride", json_integer(l->stride));
        if (l->pad)
            json_object_set_new(o, "pad", json_integer(l->pad));
        if (t && t->ceil_mode ? t->ceil_mode[i]
                              : window_floor(l->hin, l->k, l->stride, l->pad) != l->hout ||
                                    window_floor(l->win, l->k, l->stride, l->pad) != l->wout)
            json_object_set_new(o, "ceil_mode", json_true());
        break;
    case OP_REORG:
        if (l->stride != 2)
            json_object_set_new(o, "stride", json_integer(l->stride));
        break;
    case OP_ACT:
        json_object_set_new(o, "act", json_string(act_name(l->act)));
        break;
    case OP_SLICE:
        json_object_set_new(o, "offset", json_integer(l->offset));
        json_object_set_new(o, "cout", json_integer(l->cout));
        break;
    case OP_SHUFFLE:
        json_object_set_new(o, "groups", json_integer(l->groups));
        break;
    default:
        break;
    }
    if (layer_is_compute(l) && l->wbits != dw)
        json_object_set_new(o, "wbits", json_integer(l->wbits));
    if (l->abits != da)
        json_object_set_new(o, "abits", json_integer(l->abits));
    if (l->bits_fixed)
        json_object_set_new(o, "bits_fixed", json_true());
    if (l->bn)
        json_object_set_new(o, "bn", json_true());
    if (l->relu)
        json_object_set_new(o, "relu", json_true());
    if (l->bias)
        json_object_set_new(o, "bias", json_true());
    if (l->pow2)
        json_object_set_new(o, "pow2", json_true());
    if (comment && comment[0])
        json_object_set_new(o, "comment", json_string(comment));
    return o;
}

char *net_to_json(const net *n, const net_text *t, tf_err *e)
{
    char *buf = NULL, *s = NULL;
    size_t len = 0, cap = 0;
    int dw = most_common(n, 0, 8), da = most_common(n, 1, 8);
    json_t *head = json_object();
    json_object_set_new(head, "name", json_string(n->name));
    if (t && t->description)
        json_object_set_new(head, "description", json_string(t->description));
    if (t && t->source)
        json_object_set_new(head, "source", json_string(t->source));
    json_t *in = json_pack("{s:i,s:i,s:i,s:i}", "c", n->in_c, "h", n->in_h, "w", n->in_w, "bits", n->in_bits);
    json_t *defs = json_pack("{s:i,s:i}", "wbits", dw, "abits", da);
    int fail = !head || !in || !defs;
    /* Top-level keys one per line, layers one per line (the zoo's style). */
    fail = fail || append(&buf, &len, &cap, "{\n");
    const char *keys[] = {"name", "description", "source"};
    for (size_t k = 0; !fail && k < 3; k++) {
        json_t *v = json_object_get(head, keys[k]);
        if (!v)
            continue;
        s = json_dumps(v, JSON_ENCODE_ANY);
        fail = !s || append(&buf, &len, &cap, "  \"") || append(&buf, &len, &cap, keys[k]) ||
               append(&buf, &len, &cap, "\": ") || append(&buf, &len, &cap, s) || append(&buf, &len, &cap, ",\n");
        free(s);
        s = NULL;
    }
    if (!fail) {
        s = json_dumps(in, JSON_PRESERVE_ORDER);
        fail = !s || append(&buf, &len, &cap, "  \"input\": ") || append(&buf, &len, &cap, s) ||
               append(&buf, &len, &cap, ",\n");
        free(s);
        s = json_dumps(defs, JSON_PRESERVE_ORDER);
        fail = fail || !s || append(&buf, &len, &cap, "  \"defaults\": ") || append(&buf, &len, &cap, s) ||
               append(&buf, &len, &cap, ",\n  \"layers\": [\n");
        free(s);
        s = NULL;
    }
    for (int i = 0; !fail && i < n->n_layers; i++) {
        json_t *o = layer_json(n, i, dw, da, t);
        s = o ? json_dumps(o, JSON_PRESERVE_ORDER) : NULL;
        json_decref(o);
        fail = !s || append(&buf, &len, &cap, "    ") || append(&buf, &len, &cap, s) ||
               append(&buf, &len, &cap, i + 1 < n->n_layers ? ",\n" : "\n");
        free(s);
        s = NULL;
    }
    fail = fail || append(&buf, &len, &cap, "  ]\n}\n");
    json_decref(head);
    json_decref(in);
    json_decref(defs);
    if (fail) {
        free(buf);
        tf_errf(e, "%s: out of memory writing the net JSON", n->name);
        return NULL;
    }
    return buf;
}

void out_stage_init(out_stage *s)
{
    memset(s, 0, sizeof *s);
}

int out_stage_add(out_stage *s, const char *dst, char *tmp, size_t cap, tf_err *e)
{
    if (s->n == s->cap) {
        int nc = s->cap ? s->cap * 2 : 16;
        char **nd = realloc(s->dst, sizeof(char *) * (size_t)nc);
        if (nd)
            s->dst = nd;
        char **nt = nd ? realloc(s->tmp, sizeof(char *) * (size_t)nc) : NULL;
        if (!nd || !nt)
            return tf_errf(e, "out of memory");
        s->tmp = nt;
        s->cap = nc;
    }
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->dst[i], dst) == 0)
            return tf_errf(e, "%s: written twice (two layers with the same file name?)", dst);
    snprintf(tmp, cap, "%s.tmp%ld", dst, (long)getpid());
    s->dst[s->n] = strdup(dst);
    s->tmp[s->n] = strdup(tmp);
    if (!s->dst[s->n] || !s->tmp[s->n]) {
        free(s->dst[s->n]);
        free(s->tmp[s->n]);
        return tf_errf(e, "out of memory");
    }
    s->n++;
    return 0;
}

int out_stage_commit(out_stage *s, tf_err *e)
{
    for (int i = 0; i < s->n; i++)
        if (rename(s->tmp[i], s->dst[i]) != 0) {
            int err = errno;
            /* Earlier ones are in place already; take them back out too. */
            for (int k = 0; k < i; k++)
                unlink(s->dst[k]);
            return tf_errf(e, "%s: cannot write (%s)", s->dst[i], strerror(err));
        }
    for (int i = 0; i < s->n; i++) {
        free(s->tmp[i]);
        s->tmp[i] = NULL;
    }
    return 0;
}

void out_stage_free(out_stage *s)
{
    for (int i = 0; i < s->n; i++) {
        if (s->tmp[i]) {
            unlink(s->tmp[i]);
            free(s->tmp[i]);
        }
        free(s->dst[i]);
    }
    free(s->dst);
    free(s->tmp);
    memset(s, 0, sizeof *s);
}

int out_stage_text(out_stage *s, const char *dst, const char *text, tf_err *e)
{
    char tmp[1200];
    if (out_stage_add(s, dst, tmp, sizeof tmp, e))
        return -1;
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return tf_errf(e, "%s: cannot create (%s)", dst, strerror(errno));
    size_t k = strlen(text);
    size_t w = fwrite(text, 1, k, f);
    if (fclose(f) != 0 || w != k)
        return tf_errf(e, "%s: write failed", dst);
    return 0;
}

int out_stage_float_weights(out_stage *s, const net *n, const float_weights *fw, const char *dir, tf_err *e)
{
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        if (!layer_has_params(l))
            continue;
        if (i >= fw->n_layers || !fw->l[i].w || (l->bias && !fw->l[i].b))
            return tf_errf(e, "%s: no float weights to write", l->name);
        int shape[4], nd = layer_weight_shape(l, shape);
        char dst[1100], tmp[1200];
        snprintf(dst, sizeof dst, "%s/%s_w.npy", dir, l->name);
        if (out_stage_add(s, dst, tmp, sizeof tmp, e) || npy_save_f32(tmp, nd, shape, fw->l[i].w, e))
            return -1;
        if (l->bias) {
            int bs[1] = {l->cout};
            snprintf(dst, sizeof dst, "%s/%s_b.npy", dir, l->name);
            if (out_stage_add(s, dst, tmp, sizeof tmp, e) || npy_save_f32(tmp, 1, bs, fw->l[i].b, e))
                return -1;
        }
    }
    return 0;
}

int make_dirs(const char *dir, int *created, tf_err *e)
{
    if (created)
        *created = 0;
    char p[1024];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
        return tf_errf(e, "%s: path too long", dir);
    size_t len = strlen(p);
    while (len > 1 && p[len - 1] == '/')
        p[--len] = '\0';
    for (char *q = p + 1; *q; q++) {
        if (*q != '/')
            continue;
        *q = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            return tf_errf(e, "%s: cannot create directory %s (%s)", dir, p, strerror(errno));
        *q = '/';
    }
    if (mkdir(p, 0777) == 0) {
        if (created)
            *created = 1;
        return 0;
    }
    if (errno != EEXIST)
        return tf_errf(e, "%s: cannot create directory (%s)", dir, strerror(errno));
    struct stat st;
    if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
        return tf_errf(e, "%s: exists and is not a directory", dir);
    return 0;
}
