/* fuzz_net.c: libFuzzer target for the net JSON loader (net_parse). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    net n;
    tf_err e;
    if (net_parse(&n, "fuzz.json", text, &e) == 0) {
        /* A net that loads must be internally consistent. */
        for (int i = 0; i < n.n_layers; i++) {
            const layer *l = &n.layers[i];
            if (l->hout < 1 || l->wout < 1 || l->cout < 1 || l->n_inputs < 1)
                abort();
            for (int k = 0; k < l->n_inputs; k++)
                if (l->inputs[k] >= i)
                    abort();
            (void)net_out_bits(&n, i);
        }
        char bw[NET_MAX_LAYERS + 1], ba[NET_MAX_LAYERS + 1];
        net_bit_digits(&n, bw, ba, sizeof bw);
        net_free(&n);
    } else if (strchr(e.msg, '\n')) {
        abort(); /* errors are one line */
    }
    free(text);
    return 0;
}
