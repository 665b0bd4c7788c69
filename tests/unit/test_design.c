/* test_design.c: canonical JSON identity, hashes, and fold files round-tripping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "net/design.h"
#include "unit/test_util.h"

/* N, DV, setup, teardown: UltraNet on the Ultra96-V2 (unit/test_util.h). */
ULTRANET_FIXTURE

static void hash_of(const design *ds, const net *n, char hex[33])
{
    char *c = design_canonical(ds, n, &DV);
    assert_non_null(c);
    design_hash(c, hex);
    free(c);
}

static void test_hash_is_identity(void **state)
{
    tf_err e;
    design a, b;
    assert_int_equal(design_init(&a, &N, &DV, ARCH_DATAFLOW, &e), 0);
    assert_int_equal(design_copy(&b, &a, &e), 0);
    char ha[33], hb[33];
    hash_of(&a, &N, ha);
    hash_of(&b, &N, hb);
    assert_string_equal(ha, hb);
    assert_int_equal(strlen(ha), 32);
    b.fold[net_find(&N, "conv3")].pe = 2;
    hash_of(&b, &N, hb);
    assert_string_not_equal(ha, hb);
    /* Bits are part of the identity too. */
    net m;
    assert_int_equal(net_clone(&m, &N, &e), 0);
    assert_int_equal(net_apply_bits(&m, 2, 0, &e), 0);
    hash_of(&a, &m, hb);
    assert_string_not_equal(ha, hb);
    net_free(&m);
    design_free(&a);
    design_free(&b);
}

static void test_fold_file_round_trip(void **state)
{
    tf_err e;
    design a;
    assert_int_equal(design_init(&a, &N, &DV, ARCH_DATAFLOW, &e), 0);
    a.fold[net_find(&N, "conv0")] = (layer_fold){.simd = 9, .pe = 16, .sched = SCHED_MVAU, .kp = 1, .np = 1, .kpf = 1};
    a.fold[net_find(&N, "conv1")] = (layer_fold){.simd = 16, .pe = 4, .sched = SCHED_DSP6, .kp = 1, .np = 1, .kpf = 1};
    a.fold[net_find(&N, "conv2")] = (layer_fold){.simd = 32, .pe = 2, .sched = SCHED_FP, .kp = 3, .np = 4, .kpf = 1};
    a.clock_mhz = 100;
    char *text = design_canonical(&a, &N, &DV);
    char path[64];
    write_temp(path, sizeof path, ".json", text);
    net m;
    assert_int_equal(net_clone(&m, &N, &e), 0);
    design b;
    if (design_load_fold(&b, &m, &DV, path, &e))
        fail_msg("%s", e.msg);
    char *text2 = design_canonical(&b, &m, &DV);
    assert_string_equal(text, text2);
    free(text);
    free(text2);
    design_free(&b);
    net_free(&m);
    unlink(path);
    design_free(&a);
}

static void test_fold_file_errors(void **state)
{
    static const struct { const char *text, *want; } bad[] = {
        {"{\"net\":\"ultranet\",\"layers\":[{\"name\":\"conv1\",\"simd\":5,\"pe\":4}]}", "must divide K*Cin/groups = 48"},
        {"{\"net\":\"skynet\",\"layers\":[]}", "fold is for net 'skynet'"},
        {"{\"net\":\"ultranet\",\"layers\":[{\"name\":\"pool0\",\"simd\":1,\"pe\":1}]}", "not a conv/fc layer"},
        {"{\"net\":\"ultranet\",\"fifo_depth\":0,\"layers\":[]}", "fifo_depth: must be in 1.."},
        {"{\"net\":\"ultranet\",\"layers\":[{\"name\":\"conv8\",\"simd\":4,\"pe\":2,\"schedule\":\"dsp6\"}]}", "dsp6 needs a 3x3"},
        {"{\"net\":\"ultranet\",\"layers\":[{\"name\":\"conv0\",\"simd\":3,\"pe\":16}]}", "no folding for layer 'conv1'"},
        {"{\"net\":\"ultranet\",\"layers\":[{\"name\":\"conv0\",\"simd\":3,\"pe\":16,\"schedule\":\"magic\"}]}", "unknown schedule 'magic'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char path[64];
        write_temp(path, sizeof path, ".json", bad[i].text);
        net m;
        tf_err e;
        assert_int_equal(net_clone(&m, &N, &e), 0);
        design d;
        int rc = design_load_fold(&d, &m, &DV, path, &e);
        unlink(path);
        net_free(&m);
        if (rc == 0)
            fail_msg("case %zu loaded", i);
        if (!strstr(e.msg, bad[i].want))
            fail_msg("case %zu: '%s' lacks '%s'", i, e.msg, bad[i].want);
        assert_non_null(strstr(e.msg, path)); /* names the file */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_is_identity),
        cmocka_unit_test(test_fold_file_round_trip),
        cmocka_unit_test(test_fold_file_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
