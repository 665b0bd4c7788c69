/* fuzz_npy.c: libFuzzer target for the NPY reader (npy_load_f32). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_file.h"
#include "io/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    if (!path)
        return 0;
    float *v = NULL;
    int ndim = 0, shape[NPY_MAX_DIMS] = {0};
    tf_err e;
    if (npy_load_f32(path, 0, NULL, &v, &ndim, shape, &e) == 0) {
        long n = 1;
        for (int i = 0; i < ndim; i++) {
            if (shape[i] < 0)
                abort();
            n *= shape[i];
        }
        volatile float sum = 0; /* touch every element: ASan checks the size */
        for (long i = 0; i < n; i++)
            sum += v[i];
        free(v);
    } else if (strchr(e.msg, '\n')) {
        abort();
    }
    return 0;
}
