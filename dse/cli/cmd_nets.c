/* cmd_nets.c: `tf2sim nets [FILE]` and `tf2sim devices` — the zoo and its figures. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "net/config_path.h"

static const char NETS_HELP[] =
    "usage: tf2sim nets [NET|FILE] [--format table|json|csv]\n"
    "  without an argument: every net of configs/nets/ with layers, MACs and weights\n"
    "  with a zoo name or a JSON file: validate it and print its layers\n";

/* Long uniform digit strings read better as "8 x58". */
static void compact_digits(char *s, size_t cap)
{
    size_t n = strlen(s);
    if (n <= 16 || strspn(s, (char[2]){s[0], 0}) != n)
        return;
    snprintf(s, cap, "%c x%zu", s[0], n);
}

static void net_row(out_table *t, const net *n)
{
    char bw[NET_MAX_LAYERS + 1], ba[NET_MAX_LAYERS + 1];
    net_bit_digits(n, bw, ba, sizeof bw);
    compact_digits(bw, sizeof bw);
    compact_digits(ba, sizeof ba);
    table_addf(t, "%s\t%d\t%d\t%llu\t%llu\t%dx%dx%d\t%s\t%s", n->name, n->n_layers, n->n_compute,
               (unsigned long long)n->macs, (unsigned long long)n->weights, n->in_c, n->in_h, n->in_w, bw, ba);
}

static json_t *net_json(const net *n, bool layers)
{
    char bw[NET_MAX_LAYERS + 1], ba[NET_MAX_LAYERS + 1];
    net_bit_digits(n, bw, ba, sizeof bw);
    json_t *j = json_pack("{s:s,s:i,s:i,s:I,s:I,s:[i,i,i],s:s,s:s}", "name", n->name, "layers", n->n_layers,
                          "compute_layers", n->n_compute, "macs", (json_int_t)n->macs, "weights",
                          (json_int_t)n->weights, "input", n->in_c, n->in_h, n->in_w, "bitw", bw, "bita", ba);
    if (layers) {
        json_t *arr = json_array();
        for (int i = 0; i < n->n_layers; i++) {
            const layer *l = &n->layers[i];
            json_t *jl = json_pack("{s:s,s:s,s:[i,i,i],s:[i,i,i],s:i,s:i,s:i,s:i,s:I,s:I}", "name", l->name,
                                   "op", op_name(l->op), "in", l->cin, l->hin, l->win, "out", l->cout, l->hout,
                                   l->wout, "k", l->k, "stride", l->stride, "pad", l->pad, "groups", l->groups,
                                   "macs", (json_int_t)l->macs, "weights", (json_int_t)l->weights);
            if (layer_is_compute(l)) {
                json_object_set_new(jl, "wbits", json_integer(l->wbits));
                json_object_set_new(jl, "abits", json_integer(l->abits));
            }
            json_array_append_new(arr, jl);
        }
        json_object_set_new(j, "layer_list", arr);
    }
    return j;
}

static int parse_format_only(int argc, char **argv, out_format *fmt, const char *help, int *optind_out)
{
    static const struct option opts[] = {{"format", required_argument, 0, 'f'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    *fmt = FMT_TABLE;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(help, stdout);
            return 1;
        }
        if (c == 'f' && cli_parse_format(optarg, fmt) == 0)
            continue;
        if (c == 'f')
            return cli_failf("--format: '%s' is not one of table, json, csv", optarg);
        fputs(help, stderr);
        return 2;
    }
    *optind_out = optind;
    return 0;
}

int cmd_nets(int argc, char **argv)
{
    out_format fmt;
    int first, rc = parse_format_only(argc, argv, &fmt, NETS_HELP, &first);
    if (rc)
        return rc == 1 ? 0 : rc;
    static const char *head[] = {"net", "layers", "compute", "macs", "weights", "input", "bitw", "bita"};
    tf_err e;
    if (first < argc) { /* one file: validate and show its layers */
        if (first + 1 < argc)
            return cli_failf("nets: give at most one net (got '%s' and '%s')", argv[first], argv[first + 1]);
        net n;
        if (net_load_named(&n, argv[first], &e))
            return cli_fail(&e);
        if (fmt == FMT_JSON) {
            json_t *j = net_json(&n, true);
            json_print(j, stdout);
            json_decref(j);
        } else {
            static const char *lh[] = {"#", "layer", "op", "inputs", "in (CxHxW)", "out (CxHxW)", "k/s/p/g", "macs", "weights", "w/a bits"};
            out_table t;
            table_init(&t, 10, lh);
            for (int i = 0; i < n.n_layers; i++) {
                const layer *l = &n.layers[i];
                char ins[256] = "";
                for (int k = 0; k < l->n_inputs; k++) {
                    if (k)
                        strncat(ins, "+", sizeof ins - strlen(ins) - 1);
                    strncat(ins, l->inputs[k] < 0 ? "input" : n.layers[l->inputs[k]].name, sizeof ins - strlen(ins) - 1);
                }
                char bits[16] = "";
                if (layer_is_compute(l))
                    snprintf(bits, sizeof bits, "%d/%d", l->wbits, l->abits);
                table_addf(&t, "%d\t%s\t%s\t%s\t%dx%dx%d\t%dx%dx%d\t%d/%d/%d/%d\t%llu\t%llu\t%s", i, l->name,
                           op_name(l->op), ins, l->cin, l->hin, l->win, l->cout, l->hout, l->wout, l->k,
                           l->stride, l->pad, l->groups, (unsigned long long)l->macs,
                           (unsigned long long)l->weights, bits);
            }
            if (fmt == FMT_TABLE)
                printf("net %s (%s): %d layers, %d compute, %llu MACs, %llu weights\n\n", n.name, n.path,
                       n.n_layers, n.n_compute, (unsigned long long)n.macs, (unsigned long long)n.weights);
            table_print(&t, fmt, stdout);
            table_free(&t);
        }
        net_free(&n);
        return 0;
    }
    char **names;
    int count = config_names("nets", &names);
    out_table t;
    table_init(&t, 8, head);
    json_t *arr = json_array();
    int bad = 0;
    for (int i = 0; i < count; i++) {
        net n;
        if (net_load_named(&n, names[i], &e)) {
            fprintf(stderr, "tf2sim: %s\n", e.msg);
            bad = 1;
        } else {
            net_row(&t, &n);
            json_array_append_new(arr, net_json(&n, false));
            net_free(&n);
        }
        free(names[i]);
    }
    free(names);
    if (fmt == FMT_JSON)
        json_print(arr, stdout);
    else
        table_print(&t, fmt, stdout);
    json_decref(arr);
    table_free(&t);
    return bad ? 1 : 0;
}

static const char DEVICES_HELP[] = "usage: tf2sim devices [--format table|json|csv]\n";

int cmd_devices(int argc, char **argv)
{
    out_format fmt;
    int first, rc = parse_format_only(argc, argv, &fmt, DEVICES_HELP, &first);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (first < argc)
        return cli_failf("devices: unexpected argument '%s'", argv[first]);
    static const char *head[] = {"device", "part", "dsp", "dsp_type", "ram", "ram_kind", "uram", "lut", "ff", "clock_mhz", "ddr_gbps"};
    char **names;
    int count = config_names("devices", &names);
    out_table t;
    table_init(&t, 11, head);
    json_t *arr = json_array();
    int bad = 0;
    tf_err e;
    for (int i = 0; i < count; i++) {
        device d;
        if (device_load_named(&d, names[i], &e)) {
            fprintf(stderr, "tf2sim: %s\n", e.msg);
            bad = 1;
        } else {
            table_addf(&t, "%s\t%s\t%d\t%s\t%d\t%s\t%d\t%ld\t%ld\t%g\t%g", d.name, d.part, d.dsp,
                       dsp_kind_name(d.dsp_type), d.mem_blocks, mem_kind_name(d.mem_type), d.uram, d.lut, d.ff,
                       d.clock_mhz, d.ddr_gbps);
            json_array_append_new(arr, json_pack("{s:s,s:s,s:i,s:s,s:i,s:s,s:i,s:I,s:I,s:f,s:f}", "name", d.name,
                                                 "part", d.part, "dsp", d.dsp, "dsp_type", dsp_kind_name(d.dsp_type),
                                                 "ram_blocks", d.mem_blocks, "ram_kind", mem_kind_name(d.mem_type),
                                                 "uram", d.uram, "lut", (json_int_t)d.lut, "ff", (json_int_t)d.ff,
                                                 "clock_mhz", d.clock_mhz, "ddr_gbps", d.ddr_gbps));
        }
        free(names[i]);
    }
    free(names);
    if (fmt == FMT_JSON)
        json_print(arr, stdout);
    else
        table_print(&t, fmt, stdout);
    json_decref(arr);
    table_free(&t);
    return bad ? 1 : 0;
}
