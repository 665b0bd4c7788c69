/* fuzz_idx.c: libFuzzer target for the IDX reader (idx_load_u8, plain or gzip). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_file.h"
#include "io/idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    if (!path)
        return 0;
    idx_u8 x;
    tf_err e;
    if (idx_load_u8(&x, path, &e) == 0) {
        long n = 1;
        for (int i = 0; i < x.ndim; i++)
            n *= x.dims[i];
        volatile unsigned sum = 0; /* touch every byte: ASan checks the size */
        for (long i = 0; i < n; i++)
            sum += x.data[i];
        idx_free(&x);
    } else if (strchr(e.msg, '\n')) {
        abort();
    }
    return 0;
}
