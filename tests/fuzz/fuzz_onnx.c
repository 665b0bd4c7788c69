/* fuzz_onnx.c: libFuzzer target for the ONNX importer (onnx_import_buffer, in memory). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transform/net_write.h"
#include "transform/onnx_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    onnx_result r;
    tf_err e;
    if (onnx_import_buffer(data, size, "fuzz.onnx", "fuzz", &r, &e) == 0) {
        /* An imported net is consistent, has every weight, and survives its own JSON. */
        for (int i = 0; i < r.n.n_layers; i++) {
            const layer *l = &r.n.layers[i];
            if (l->hout < 1 || l->wout < 1 || l->cout < 1)
                abort();
            if (layer_is_compute(l) && (!r.fw.l[i].w || r.fw.l[i].n_w != l->weights || (l->bias && !r.fw.l[i].b)))
                abort();
            volatile float s = 0; /* touch every weight: ASan checks the sizes */
            for (size_t k = 0; layer_is_compute(l) && k < r.fw.l[i].n_w; k++)
                s += r.fw.l[i].w[k];
        }
        char *text = net_to_json(&r.n, NULL, &e);
        net back;
        if (!text || net_parse(&back, "fuzz.json", text, &e) != 0 || back.macs != r.n.macs)
            abort();
        net_free(&back);
        free(text);
        onnx_result_free(&r);
    } else if (strchr(e.msg, '\n')) {
        abort(); /* errors are one line */
    }
    return 0;
}
