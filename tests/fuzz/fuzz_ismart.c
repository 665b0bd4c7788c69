/* fuzz_ismart.c: libFuzzer target for the iSmart weight-set loader (weights_ismart_load).
 * A real set (UltraNet weight_4a4w from ../shared) is copied once into a temp folder; each
 * input replaces one of its files: byte 0 picks the file, byte 1 bit 0 asks for the rest
 * to be fitted to the file's size (so the value checks — whole numbers, ranges, widths —
 * run, not only the size check), the remaining bytes are the content. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/net.h"
#include "numerics/weights_ismart.h"

static char g_dir[64];
static char g_files[64][32];
static long g_sizes[64];
static int g_nfiles;
static net g_net;

static int copy_file(const char *from, const char *to, long *size)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    int rc = (a && b) ? 0 : -1;
    char buf[65536];
    size_t n;
    *size = 0;
    while (!rc && (n = fread(buf, 1, sizeof buf, a)) > 0) {
        fwrite(buf, 1, n, b);
        *size += (long)n;
    }
    if (a)
        fclose(a);
    if (b)
        fclose(b);
    return rc;
}

static void cleanup(void)
{
    char p[1024];
    for (int i = 0; i < g_nfiles; i++) {
        snprintf(p, sizeof p, "%s/%s", g_dir, g_files[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/.orig", g_dir);
    unlink(p);
    rmdir(g_dir);
}

static void setup(void)
{
    const char *shared = getenv("TF2SIM_SHARED");
    char src[512];
    snprintf(src, sizeof src, "%s/data/ultranet-ismart/weight_4a4w", shared && shared[0] ? shared : TF2SIM_SHARED_DIR);
    tf_err e;
    if (net_load_named(&g_net, "ultranet", &e))
        abort(); /* run with TF2SIM_CONFIGS set */
    snprintf(g_dir, sizeof g_dir, "/tmp/tf2sim-fuzz-ismart-XXXXXX");
    if (!mkdtemp(g_dir))
        abort();
    DIR *d = opendir(src);
    if (!d)
        abort(); /* needs ../shared/data */
    struct dirent *de;
    while ((de = readdir(d)) && g_nfiles < 64) {
        if (de->d_name[0] == '.')
            continue;
        char a[1024], b[1024];
        snprintf(a, sizeof a, "%s/%s", src, de->d_name);
        snprintf(b, sizeof b, "%s/%s", g_dir, de->d_name);
        snprintf(g_files[g_nfiles], sizeof g_files[0], "%s", de->d_name);
        if (copy_file(a, b, &g_sizes[g_nfiles]) == 0)
            g_nfiles++;
    }
    closedir(d);
    if (!g_nfiles)
        abort();
    atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_nfiles)
        setup();
    if (size < 2)
        return 0;
    int k = data[0] % g_nfiles;
    bool fit = data[1] & 1;
    char path[1024], keep[1024];
    snprintf(path, sizeof path, "%s/%s", g_dir, g_files[k]);
    snprintf(keep, sizeof keep, "%s/.orig", g_dir);
    if (rename(path, keep))
        return 0;
    FILE *f = fopen(path, "wb");
    if (f) {
        size_t n = size - 2;
        fwrite(data + 2, 1, fit && (long)n > g_sizes[k] ? (size_t)g_sizes[k] : n, f);
        for (long pad = (long)n; fit && pad < g_sizes[k]; pad++) /* fitted: zero-padded to size */
            fputc(0, f);
        fclose(f);
    }
    net n;
    tf_err e;
    if (f && net_clone(&n, &g_net, &e) == 0) {
        mixq_weights mw;
        if (weights_ismart_load(&mw, &n, g_dir, ISMART_DEFAULT_LSHIFT, false, &e) == 0)
            mixq_weights_free(&mw);
        else if (strchr(e.msg, '\n'))
            abort(); /* errors are one line */
        net_free(&n);
    }
    rename(keep, path);
    return 0;
}
