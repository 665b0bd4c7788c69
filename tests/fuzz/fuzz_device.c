/* fuzz_device.c: libFuzzer target for the device JSON loader (device_parse). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/device.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    device d;
    tf_err e;
    if (device_parse(&d, "fuzz.json", text, &e) == 0) {
        if (d.dsp < 1 || d.mem_blocks < 1 || d.clock_mhz <= 0 || d.ddr_gbps <= 0)
            abort();
    } else if (strchr(e.msg, '\n')) {
        abort();
    }
    free(text);
    return 0;
}
