/* device.c: loading a device (board) description. */
#include "device.h"

#include <stdio.h>
#include <string.h>

#include "config_path.h"
#include "json_config.h"

static const char *const DEVICE_KEYS[] = {"name", "board", "part", "vendor", "family", "dsp",
                                          "dsp_type", "bram18", "m20k", "uram", "lut", "ff", "alm",
                                          "clock_mhz", "ddr_gbps", "source", "notes", NULL};

const char *dsp_kind_name(dsp_kind k)
{
    switch (k) {
    case DSP48E2: return "DSP48E2";
    case DSP48E1: return "DSP48E1";
    case DSP_ARRIA10: return "ARRIA10";
    }
    return "?";
}

const char *mem_kind_name(mem_kind k)
{
    return k == MEM_M20K ? "M20K" : "BRAM18";
}

static int device_from_doc(device *dv, const json_doc *d, const char *path, tf_err *e)
{
    json_t *r = d->root;
    long dsp, bram, m20k, uram, lut, ff;
    double clk, ddr;
    char type[32];
    int rc = -1;
    if (json_check_keys(d, r, "", DEVICE_KEYS, e) ||
        json_get_name(d, r, "", "name", false, dv->name, sizeof dv->name, e) ||
        json_get_str(d, r, "", "part", "?", false, dv->part, sizeof dv->part, e) ||
        json_get_str(d, r, "", "board", "?", false, dv->board, sizeof dv->board, e) ||
        json_get_int(d, r, "", "dsp", 1, 100000, 0, true, &dsp, e) ||
        json_get_str(d, r, "", "dsp_type", NULL, true, type, sizeof type, e) ||
        json_get_int(d, r, "", "bram18", 0, 1000000, 0, false, &bram, e) ||
        json_get_int(d, r, "", "m20k", 0, 1000000, 0, false, &m20k, e) ||
        json_get_int(d, r, "", "uram", 0, 100000, 0, false, &uram, e) ||
        json_get_int(d, r, "", "lut", 1, 100000000, 0, true, &lut, e) ||
        json_get_int(d, r, "", "ff", 1, 100000000, 0, true, &ff, e) ||
        json_get_num(d, r, "", "clock_mhz", 1, 2000, 0, true, &clk, e) ||
        json_get_num(d, r, "", "ddr_gbps", 0.01, 10000, 0, true, &ddr, e))
        goto out;
    if (strcmp(type, "DSP48E2") == 0) {
        dv->dsp_type = DSP48E2; dv->mult_a_bits = 27; dv->mult_b_bits = 18;
    } else if (strcmp(type, "DSP48E1") == 0) {
        dv->dsp_type = DSP48E1; dv->mult_a_bits = 25; dv->mult_b_bits = 18;
    } else if (strcmp(type, "ARRIA10") == 0) {
        dv->dsp_type = DSP_ARRIA10; dv->mult_a_bits = 18; dv->mult_b_bits = 19;
    } else {
        json_doc_err(d, e, "dsp_type", "unknown '%s' (allowed: DSP48E2, DSP48E1, ARRIA10)", type);
        goto out;
    }
    if ((bram > 0) == (m20k > 0)) {
        json_doc_err(d, e, "bram18", "give exactly one of bram18 (Xilinx) or m20k (Intel), > 0");
        goto out;
    }
    dv->mem_type = bram ? MEM_BRAM18 : MEM_M20K;
    dv->mem_blocks = (int)(bram ? bram : m20k);
    dv->dsp = (int)dsp;
    dv->uram = (int)uram;
    dv->lut = lut;
    dv->ff = ff;
    dv->clock_mhz = clk;
    dv->ddr_gbps = ddr;
    snprintf(dv->path, sizeof dv->path, "%s", path);
    rc = 0;
out:
    return rc;
}

static int device_build(void *ctx, const json_doc *d, tf_err *e)
{
    return device_from_doc(ctx, d, d->path, e);
}

int device_load(device *dv, const char *path, tf_err *e)
{
    memset(dv, 0, sizeof *dv);
    return json_doc_with(path, NULL, device_build, dv, e);
}

int device_parse(device *dv, const char *name, const char *text, tf_err *e)
{
    memset(dv, 0, sizeof *dv);
    return json_doc_with(name, text, device_build, dv, e);
}

int device_load_named(device *dv, const char *name_or_path, tf_err *e)
{
    char path[1024];
    if (config_resolve("devices", "device", name_or_path, path, sizeof path, e))
        return -1;
    return device_load(dv, path, e);
}

double device_ddr_bytes_per_cycle(const device *dv, double clock_mhz)
{
    return dv->ddr_gbps * 1e9 / (clock_mhz * 1e6);
}
