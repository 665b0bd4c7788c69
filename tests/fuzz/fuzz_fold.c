/* fuzz_fold.c: libFuzzer target for fold files (design_parse_fold) against UltraNet;
 * a fold that loads must evaluate without error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analytic/analytic.h"
#include "net/design.h"

static net g_net;
static device g_dev;
static int g_ready;

static void setup(void)
{
    tf_err e;
    if (net_load_named(&g_net, "ultranet", &e) || device_load_named(&g_dev, "ultra96v2", &e))
        abort(); /* the zoo must be readable: run with TF2SIM_CONFIGS set */
    g_ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_ready)
        setup();
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    net n;
    tf_err e;
    if (net_clone(&n, &g_net, &e)) {
        free(text);
        return 0;
    }
    design ds;
    if (design_parse_fold(&ds, &n, &g_dev, "fuzz.json", text, &e) == 0) {
        perf p;
        if (ds.arch == ARCH_DATAFLOW) {
            if (analytic_dataflow(&n, &ds, &p, &e))
                abort(); /* loaded but not evaluable */
            perf_free(&p);
        }
        char *c = design_canonical(&ds, &n, &g_dev);
        free(c);
        design_free(&ds);
    } else if (strchr(e.msg, '\n')) {
        abort();
    }
    net_free(&n);
    free(text);
    return 0;
}
