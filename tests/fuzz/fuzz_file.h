/* fuzz_file.h: for readers that take a path, the fuzz input goes through one temp file
 * per process (in /dev/shm when there is one). */
#ifndef TF2SIM_FUZZ_FILE_H
#define TF2SIM_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

static const char *fuzz_file(const uint8_t *data, size_t size)
{
    static char path[96];
    if (!path[0])
        snprintf(path, sizeof path, "%s/tf2sim-fuzz-%ld", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
                 (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    fwrite(data, 1, size, f);
    fclose(f);
    return path;
}

#endif
