/* test_net.c: net loading, shape inference, MAC/weight counts, bit strings, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "net/config_path.h"
#include "net/net.h"
#include "unit/test_util.h"

static void load_zoo(const char *name, net *n)
{
    tf_err e;
    int rc = net_load_named(n, name, &e);
    if (rc)
        fail_msg("%s: %s", name, e.msg);
}

/* Published figures from the DeepBurning-MixQ models (issue 2 must-hold list). */
static void test_mixq_zoo_counts(void **state)
{
    static const struct { const char *name; uint64_t macs, weights; } want[] = {
        {"ultranet", 199526400, 210096},
        {"ultranet_bypass", 229017600, 357552},
        {"skynet", 401203200, 357243},
        {"skynetk5", 432332800, 0},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        net n;
        load_zoo(want[i].name, &n);
        assert_int_equal(n.macs, want[i].macs);
        if (want[i].weights)
            assert_int_equal(n.weights, want[i].weights);
        net_free(&n);
    }
}

/* ImageNet nets: our count within 1% of the published figure recorded in the file. */
static void test_imagenet_macs_match_published(void **state)
{
    static const char *nets[] = {"squeezenet1_0", "squeezenet1_1", "googlenet", "resnet50", "alexnet", "vgg16"};
    for (size_t i = 0; i < sizeof nets / sizeof *nets; i++) {
        net n;
        load_zoo(nets[i], &n);
        json_error_t je;
        json_t *root = json_load_file(n.path, 0, &je);
        assert_non_null(root);
        json_t *ref = json_object_get(json_object_get(root, "reference"), "macs");
        if (!json_is_integer(ref))
            fail_msg("%s: no reference.macs", nets[i]);
        double pub = (double)json_integer_value(ref);
        double rel = ((double)n.macs - pub) / pub;
        if (rel > 0.01 || rel < -0.01)
            fail_msg("%s: %llu MACs vs published %.0f (%.2f%%)", nets[i], (unsigned long long)n.macs, pub, rel * 100);
        json_decref(root);
        net_free(&n);
    }
}

static void test_ultranet_shapes_and_bits(void **state)
{
    net n;
    load_zoo("ultranet", &n);
    assert_int_equal(n.n_compute, 9);
    const layer *c0 = &n.layers[net_find(&n, "conv0")];
    assert_int_equal(c0->hout, 160);
    assert_int_equal(c0->wout, 320);
    assert_int_equal(c0->macs, 22118400);
    const layer *c8 = &n.layers[net_find(&n, "conv8")];
    assert_int_equal(c8->cin, 64);
    assert_int_equal(c8->hin, 10);
    assert_int_equal(c8->win, 20);
    assert_int_equal(c8->cout, 36);
    char bw[32], ba[32];
    tf_err e;
    assert_int_equal(net_apply_bit_digits(&n, "844444448", "844444444", &e), 0);
    net_bit_digits(&n, bw, ba, sizeof bw);
    assert_string_equal(bw, "844444448");
    assert_string_equal(ba, "844444444");
    assert_int_equal(net_out_bits(&n, net_find(&n, "conv0")), 4); /* through pool0 to conv1 */
    assert_int_equal(net_out_bits(&n, net_find(&n, "conv8")), 32); /* raw accumulator head */
    assert_int_not_equal(net_apply_bit_digits(&n, "84444444", NULL, &e), 0);
    assert_non_null(strstr(e.msg, "needs 9"));
    assert_int_not_equal(net_apply_bit_digits(&n, NULL, "844444494", &e), 0);
    assert_non_null(strstr(e.msg, "1..8"));
    net_free(&n);
}

static const char *SMALL =
    "{\n"
    "  \"name\": \"small\",\n"
    "  \"input\": {\"c\": 3, \"h\": 32, \"w\": 32},\n"
    "  \"layers\": [\n"
    "    {\"name\": \"c1\", \"op\": \"conv\", \"cout\": 16, \"k\": 3, \"stride\": 2, \"pad\": 1},\n"
    "    {\"name\": \"dw\", \"op\": \"conv\", \"depthwise\": true, \"k\": 3, \"pad\": 1},\n"
    "    {\"name\": \"p\", \"op\": \"maxpool\", \"k\": 3, \"stride\": 2, \"ceil_mode\": true},\n"
    "    {\"name\": \"r\", \"op\": \"reorg\", \"inputs\": \"dw\"},\n"
    "    {\"name\": \"c2\", \"op\": \"conv\", \"cout\": 64, \"k\": 1},\n"
    "    {\"name\": \"c3\", \"op\": \"conv\", \"inputs\": \"p\", \"cout\": 64, \"k\": 1},\n"
    "    {\"name\": \"sum\", \"op\": \"add\", \"inputs\": [\"c2\", \"c3\"]},\n"
    "    {\"name\": \"cat\", \"op\": \"concat\", \"inputs\": [\"sum\", \"c3\"]},\n"
    "    {\"name\": \"g\", \"op\": \"gap\"},\n"
    "    {\"name\": \"fc\", \"op\": \"fc\", \"cout\": 10}\n"
    "  ]\n"
    "}\n";

static void test_shape_inference(void **state)
{
    char path[64];
    tf_err e;
    net n;
    if (net_load(&n, write_temp(path, sizeof path, ".json", SMALL), &e))
        fail_msg("%s", e.msg);
    const layer *L = n.layers;
    assert_int_equal(L[0].hout, 16);                 /* (32+2-3)/2+1 */
    assert_int_equal(L[1].groups, 16);
    assert_true(layer_is_depthwise(&L[1]));
    assert_int_equal(L[1].macs, 16 * 16 * 16 * 9);
    assert_int_equal(L[2].hout, 8);                  /* ceil((16-3)/2)+1 = 8, last window inside */
    assert_int_equal(L[3].cout, 64);                 /* reorg 2x2 of dw */
    assert_int_equal(L[3].hout, 8);
    assert_int_equal(L[7].cout, 128);                /* concat */
    assert_int_equal(L[9].cin, 128);
    assert_int_equal(L[9].macs, 1280);
    assert_int_equal(n.n_compute, 5);
    net_free(&n);
    unlink(path);
}

/* Replaces the first occurrence of `from` in SMALL and loads it; returns the error. */
static const char *load_broken(const char *from, const char *to, tf_err *e)
{
    static char text[4096], path[64];
    const char *at = strstr(SMALL, from);
    assert_non_null(at);
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - SMALL), SMALL, to, at + strlen(from));
    net n;
    int rc = net_load(&n, write_temp(path, sizeof path, ".json", text), e);
    unlink(path);
    if (rc == 0) {
        net_free(&n);
        fail_msg("'%s' -> '%s' loaded without error", from, to);
    }
    return e->msg;
}

static void test_errors_name_file_line_column_and_field(void **state)
{
    tf_err e;
    /* Syntax error: jansson's line and column. */
    const char *m = load_broken("\"cout\": 16,", "\"cout\": 16,,", &e);
    assert_non_null(strstr(m, ":5:"));
    assert_non_null(strstr(m, "malformed JSON"));
    /* Wrong type: the path and where the value is. */
    m = load_broken("\"k\": 3, \"stride\": 2", "\"k\": \"3\", \"stride\": 2", &e);
    assert_non_null(strstr(m, ":5:51: layers[0].k: must be an integer"));
    m = load_broken("\"k\": 3, \"stride\": 2", "\"k\": 0, \"stride\": 2", &e);
    assert_non_null(strstr(m, "layers[0].k: must be in 1..15 (got 0)"));
    m = load_broken("\"op\": \"fc\"", "\"op\": \"lstm\"", &e);
    assert_non_null(strstr(m, "unknown op 'lstm'"));
    m = load_broken("\"inputs\": \"dw\"", "\"inputs\": \"c2\"", &e);
    assert_non_null(strstr(m, "cycle or forward reference"));
    m = load_broken("\"inputs\": \"dw\"", "\"inputs\": \"nosuch\"", &e);
    assert_non_null(strstr(m, "unknown layer 'nosuch'"));
    m = load_broken("\"inputs\": [\"c2\", \"c3\"]", "\"inputs\": [\"c2\", \"dw\"]", &e);
    assert_non_null(strstr(m, "equal shapes"));
    m = load_broken("\"cout\": 16, \"k\": 3", "\"cout\": 16, \"groups\": 5, \"k\": 3", &e);
    assert_non_null(strstr(m, "groups 5 must divide"));
    m = load_broken("\"cout\": 10", "\"cout\": 10, \"wbits\": 9", &e);
    assert_non_null(strstr(m, "wbits: must be in 1..8 (got 9)"));
    m = load_broken("\"cout\": 10", "\"cout\": 10, \"kernel\": 3", &e);
    assert_non_null(strstr(m, "unknown field"));
    m = load_broken("\"c\": 3,", "\"c\": -3,", &e);
    assert_non_null(strstr(m, "input.c: must be in 1..65536 (got -3)"));
}

static void test_unknown_zoo_name_lists_known(void **state)
{
    net n;
    tf_err e;
    assert_int_not_equal(net_load_named(&n, "nosuchnet", &e), 0);
    assert_non_null(strstr(e.msg, "unknown net 'nosuchnet'"));
    assert_non_null(strstr(e.msg, "ultranet"));
    char path[64];
    assert_int_not_equal(net_load(&n, write_temp(path, sizeof path, ".json", ""), &e), 0);
    assert_non_null(strstr(e.msg, "empty file"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mixq_zoo_counts),
        cmocka_unit_test(test_imagenet_macs_match_published),
        cmocka_unit_test(test_ultranet_shapes_and_bits),
        cmocka_unit_test(test_shape_inference),
        cmocka_unit_test(test_errors_name_file_line_column_and_field),
        cmocka_unit_test(test_unknown_zoo_name_lists_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
