/* test_compress.c: INQ power-of-two compression and the 4-bit packed file (sim/transform/compress.c).
 *
 * - TF2's rounding on hand-checked values (boundary 0.75*2^e, zero below 0.75*2^min_exp);
 * - the schedule freezes 30/30/20/10/10% and, without retraining, equals one-shot rounding;
 * - --levels shortens the range; the file decodes back to the same weights;
 * - fmnist_cnn (tests/data/fmnist_cnn.onnx) and UltraNet's iSmart 4-bit set (real weights). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transform/compress.h"
#include "net/config_path.h"
#include "numerics/numerics_tf2.h"
#include "transform/onnx_import.h"
#include "numerics/weights_ismart.h"

static const char ONE_FC[] = "{\"name\": \"one\", \"input\": {\"c\": 1, \"h\": 1, \"w\": 1}, \"layers\": ["
                             "{\"name\": \"fc\", \"op\": \"fc\", \"cout\": %d, \"bias\": true}]}";

static void one_fc(net *n, int cout)
{
    char text[256];
    tf_err e;
    snprintf(text, sizeof text, ONE_FC, cout);
    if (net_parse(n, "one", text, &e))
        fail_msg("%s", e.msg);
}

static void test_rounding(void **state)
{
    (void)state;
    float w[8] = {1.0f, 0.7f, 0.76f, -0.3f, 0.01f, 0.01171875f, -0.0117f, 0.5f};
    float want[8] = {1.0f, 0.5f, 1.0f, -0.25f, 0.0f, 0.015625f, 0.0f, 0.5f};
    net n;
    one_fc(&n, 8);
    float *wp[1] = {w}, bias[8] = {0.5f, 0, 0, 0, 0, 0, 0, -1};
    float *bp[1] = {bias};
    inq_result r;
    tf_err e;
    assert_int_equal(inq_compress(&n, wp, bp, 7, &r, &e), 0);
    assert_int_equal(r.l[0].max_exp, 0);
    assert_int_equal(r.l[0].min_exp, -6);
    for (int i = 0; i < 8; i++)
        if (r.l[0].q[i] != want[i])
            fail_msg("w[%d] = %g -> %g, want %g", i, (double)w[i], (double)r.l[0].q[i], (double)want[i]);
    assert_int_equal(r.l[0].zeros, 2);
    assert_int_equal(r.l[0].e_lo, -6);
    assert_int_equal(r.l[0].e_hi, 0);
    /* File: weight record (10 + 2 words of 4 codes) + bias record (10 + 8 floats). */
    assert_int_equal(r.file_len, 10 + 4 + 10 + 32);
    assert_int_equal((int8_t)r.file[0], -6);
    assert_int_equal(r.file[1], 0);
    assert_int_equal(r.file[2] | r.file[3] << 8, 8); /* N */
    assert_int_equal(r.file[4] | r.file[5] << 8, 1); /* C */
    /* First word: codes of 1.0 (+, idx 6 = 1110), 0.5 (1101), 1.0 (1110), -0.25 (0100), low nibble first. */
    assert_int_equal(r.file[10] | r.file[11] << 8, 0x4ede);
    assert_int_equal(r.file[14 + 1], 1); /* bias record type */
    float *dec[1];
    assert_int_equal(inq_read_file(&n, r.file, r.file_len, dec, &e), 0);
    assert_memory_equal(dec[0], r.l[0].q, sizeof want);
    free(dec[0]);
    assert_int_not_equal(inq_read_file(&n, r.file, r.file_len - 3, dec, &e), 0);
    assert_non_null(strstr(e.msg, "truncated"));
    inq_result_free(&r);

    /* The word count used for records is what tf2_pack_codes writes. */
    uint8_t codes[7 * 7 * 5];
    memset(codes, 7, sizeof codes);
    for (int k = 1; k <= 7; k++)
        for (int nf = 1; nf <= 5; nf++)
            assert_int_equal(inq_packed_words((size_t)nf, k), tf2_pack_codes(codes, nf, k, NULL));
    /* 3 levels: exponents -2..0 only. */
    assert_int_equal(inq_compress(&n, wp, NULL, 3, &r, &e), 0);
    assert_int_equal(r.l[0].min_exp, -2);
    assert_true(r.l[0].q[3] == -0.25f && r.l[0].q[5] == 0.0f && r.l[0].q[1] == 0.5f);
    inq_result_free(&r);
    assert_int_equal(inq_compress(&n, wp, NULL, 0, &r, &e), -1);
    assert_non_null(strstr(e.msg, "--levels: 0 is not 1..7"));
    assert_int_equal(inq_compress(&n, wp, NULL, 8, &r, &e), -1);
    net_free(&n);
}

static void test_schedule(void **state)
{
    (void)state;
    enum { N = 200 };
    float w[N];
    for (int i = 0; i < N; i++) /* distinct magnitudes, mixed signs */
        w[i] = (float)((i * 73) % N + 1) / N * ((i % 3) ? 1.0f : -1.0f) * 0.37f;
    net n;
    one_fc(&n, N);
    float *wp[1] = {w};
    inq_result r;
    tf_err e;
    assert_int_equal(inq_compress(&n, wp, NULL, 7, &r, &e), 0);
    size_t want[INQ_STEPS] = {60, 60, 40, 20, 20}, sum = 0;
    for (int s = 0; s < INQ_STEPS; s++) {
        assert_int_equal(r.l[0].frozen[s], want[s]);
        assert_int_equal(r.l[0].step_max_exp[s], r.l[0].max_exp);
        sum += r.l[0].frozen[s];
    }
    assert_int_equal(sum, N);
    float once[N];
    tf2_inq_quantize(w, N, tf2_inq_max_exp(w, N), once);
    assert_memory_equal(once, r.l[0].q, sizeof once);
    inq_result_free(&r);
    net_free(&n);
}

static void test_fmnist(void **state)
{
    (void)state;
    char p[1024];
    snprintf(p, sizeof p, "%s/../tests/data/fmnist_cnn.onnx", tf2sim_config_dir());
    onnx_result m;
    tf_err e;
    if (onnx_import_file(p, "fmnist_cnn", &m, &e))
        fail_msg("%s", e.msg);
    float **w = calloc((size_t)m.n.n_layers, sizeof *w), **b = calloc((size_t)m.n.n_layers, sizeof *b);
    for (int i = 0; i < m.n.n_layers; i++)
        w[i] = m.fw.l[i].w, b[i] = m.fw.l[i].b;
    inq_result r, r2;
    assert_int_equal(inq_compress(&m.n, w, b, 7, &r, &e), 0);
    assert_int_equal(inq_compress(&m.n, w, b, 7, &r2, &e), 0);
    assert_int_equal(r.file_len, r2.file_len);
    assert_memory_equal(r.file, r2.file, r.file_len); /* deterministic */
    static const int max_exp[4] = {0, -1, -1, -2};
    size_t len = 0;
    int k = 0;
    for (int i = 0; i < m.n.n_layers; i++) {
        const layer *l = &m.n.layers[i];
        if (!layer_is_compute(l))
            continue;
        assert_int_equal(r.l[i].max_exp, max_exp[k++]);
        assert_true(r.l[i].zeros < r.l[i].n / 10);
        size_t nk = (size_t)l->cout * (l->op == OP_FC ? (size_t)l->cin * l->hin * l->win : (size_t)l->cin);
        len += 10 + 2 * inq_packed_words(nk, l->op == OP_FC ? 1 : l->k) + 10 + 4 * (size_t)l->cout;
    }
    assert_int_equal(r.file_len, len);
    float **dec = calloc((size_t)m.n.n_layers, sizeof *dec);
    assert_int_equal(inq_read_file(&m.n, r.file, r.file_len, dec, &e), 0);
    for (int i = 0; i < m.n.n_layers; i++)
        if (dec[i]) {
            assert_memory_equal(dec[i], r.l[i].q, sizeof(float) * r.l[i].n);
            free(dec[i]);
        }
    free(dec);
    free(w);
    free(b);
    inq_result_free(&r);
    inq_result_free(&r2);
    onnx_result_free(&m);
}

static void test_ultranet(void **state)
{
    (void)state;
    const char *sh = getenv("TF2SIM_SHARED");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/data/ultranet-ismart/weight_4a4w", sh ? sh : TF2SIM_SHARED_DIR);
    char probe[1100];
    snprintf(probe, sizeof probe, "%s/conv_0_w.bin", dir);
    if (access(probe, R_OK) != 0) {
        print_message("ultranet: SKIPPED (%s missing)\n", dir);
        return;
    }
    net n;
    tf_err e;
    assert_int_equal(net_load_named(&n, "ultranet", &e), 0);
    mixq_weights mw;
    if (weights_ismart_load(&mw, &n, dir, ISMART_DEFAULT_LSHIFT, false, &e))
        fail_msg("%s", e.msg);
    float **w = calloc((size_t)n.n_layers, sizeof *w);
    for (int i = 0; i < n.n_layers; i++)
        if (mw.l[i].w) {
            w[i] = malloc(sizeof(float) * mw.l[i].n_w);
            for (size_t k = 0; k < mw.l[i].n_w; k++)
                w[i][k] = (float)mw.l[i].w[k];
        }
    inq_result r;
    assert_int_equal(inq_compress(&n, w, NULL, 7, &r, &e), 0);
    /* 4-bit integers up to +-7: max_exp 3; 7,6 -> 8; 5,4,3 -> 4; 2 -> 2; 1 -> 1; 0 stays 0. */
    static const float map[8] = {0, 1, 2, 4, 4, 4, 8, 8};
    for (int i = 0; i < n.n_layers; i++) {
        if (!w[i])
            continue;
        size_t zeros = 0;
        float mx = 0;
        for (size_t k = 0; k < mw.l[i].n_w; k++)
            mx = fmaxf(mx, fabsf(w[i][k]));
        for (size_t k = 0; k < mw.l[i].n_w; k++) {
            int v = (int)w[i][k], a = v < 0 ? -v : v;
            zeros += v == 0;
            if (mx == 7 && a <= 7 && r.l[i].q[k] != (v < 0 ? -map[a] : map[a]))
                fail_msg("%s: %d -> %g", n.layers[i].name, v, (double)r.l[i].q[k]);
        }
        assert_int_equal(r.l[i].zeros, zeros);
        if (mx == 7) {
            assert_int_equal(r.l[i].max_exp, 3);
            assert_int_equal(r.l[i].e_hi, 3);
            assert_int_equal(r.l[i].e_lo, 0);
        }
        free(w[i]);
    }
    float **dec = calloc((size_t)n.n_layers, sizeof *dec);
    assert_int_equal(inq_read_file(&n, r.file, r.file_len, dec, &e), 0);
    for (int i = 0; i < n.n_layers; i++)
        if (dec[i]) {
            assert_memory_equal(dec[i], r.l[i].q, sizeof(float) * r.l[i].n);
            free(dec[i]);
        }
    free(dec);
    free(w);
    inq_result_free(&r);
    mixq_weights_free(&mw);
    net_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rounding),
        cmocka_unit_test(test_schedule),
        cmocka_unit_test(test_fmnist),
        cmocka_unit_test(test_ultranet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
