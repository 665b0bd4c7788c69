/* main.c: the tf2sim command — dispatches to one file per subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} subcommand;

static const subcommand COMMANDS[] = {
    {"sim", cmd_sim, "run one design through the cycle-level model: per-layer cycles, stalls, latency, fps"},
    {"sweep", cmd_sweep, "explore foldings under a budget, store every design, print and plot the front"},
    {"pareto", cmd_pareto, "print the non-dominated designs of a results database"},
    {"plot", cmd_plot, "draw designs and their Pareto front with gnuplot (PNG or SVG)"},
    {"merge", cmd_merge, "merge shard databases into one (idempotent)"},
    {"resources", cmd_resources, "per-layer DSP/BRAM18/LUT/FF of one design (a fold file)"},
    {"calibrate", cmd_calibrate, "fit the LUT/FF model to yosys counts of the RTL; held-out errors"},
    {"report", cmd_report, "write a Markdown report of a sweep run with its plots"},
    {"export", cmd_export, "write a stored design as a fold JSON or as DeepBurning-MixQ configs"},
    {"nets", cmd_nets, "list the net zoo, or validate and summarise one net file"},
    {"infer", cmd_infer, "run the bit-accurate model on one input; dump any layer in the reference layout"},
    {"accuracy", cmd_accuracy, "bit-accurate model on real data: detection IoU and FPGA agreement, or top-1 vs bits"},
    {"devices", cmd_devices, "list the device zoo (DSP, BRAM18, LUT, FF, clock, DDR)"},
    {"generate", cmd_generate, "a dataflow design as a synthesisable Verilog top (rtl/ blocks, ROM files)"},
    {"regress", cmd_regress, "run the layer regression on the C model and the RTL (Verilator/SystemC)"},
    {"import", cmd_import, "read an ONNX model into a net JSON and float weights (NPY)"},
    {"prune", cmd_prune, "L1-norm channel pruning of conv layers: a smaller net and its weights"},
    {"compress", cmd_compress, "INQ power-of-two weights: TF2's 4-bit packed file and exponent report"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: tf2sim COMMAND [OPTIONS]   (tf2sim COMMAND --help for its options)\n\ncommands:\n");
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
        fprintf(out, "  %-9s %s\n", COMMANDS[i].name, COMMANDS[i].help);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("tf2sim 0.1\n");
        return 0;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
        if (strcmp(argv[1], COMMANDS[i].name) == 0)
            return COMMANDS[i].run(argc - 1, argv + 1);
    char known[256] = "";
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++) {
        strncat(known, COMMANDS[i].name, sizeof known - strlen(known) - 1);
        if (i + 1 < sizeof COMMANDS / sizeof *COMMANDS)
            strncat(known, ", ", sizeof known - strlen(known) - 1);
    }
    fprintf(stderr, "tf2sim: unknown command '%s' (commands: %s; tf2sim --help)\n", argv[1], known);
    return 2;
}
