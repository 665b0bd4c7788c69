/* plot.c: gnuplot scatter + front plots, spawned without a shell. */
#include "plot.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int plot_run_gnuplot(const char *script, const char *const *args, int nargs, tf_err *e)
{
    const char *argv[16];
    int k = 0;
    argv[k++] = "gnuplot";
    argv[k++] = "-c";
    argv[k++] = script;
    for (int i = 0; i < nargs && k < 15; i++)
        argv[k++] = args[i];
    argv[k] = NULL;
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    /* gnuplot's own chatter stays off our stdout (results only there). */
    posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
    int rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return tf_errf(e, "cannot run gnuplot: %s (install gnuplot-nox: scripts/setup.sh)", strerror(rc));
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return tf_errf(e, "waiting for gnuplot: %s", strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return tf_errf(e, "gnuplot failed (status %d) drawing %s", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                       nargs > 0 ? args[0] : script);
    return 0;
}

static const char *terminal_for(const char *out)
{
    const char *dot = strrchr(out, '.');
    if (dot && strcmp(dot, ".png") == 0)
        return "pngcairo size 1000,650 enhanced font 'DejaVu Sans,11'";
    if (dot && strcmp(dot, ".svg") == 0)
        return "svg size 1000,650 enhanced font 'DejaVu Sans,11' background '#ffffff'";
    return NULL;
}

int plot_check_out(const char *out, tf_err *e)
{
    return terminal_for(out) ? 0 : tf_errf(e, "%s: plot output must end in .png or .svg", out);
}

/* The plot script is fixed text; data and output paths arrive as ARG1..ARG4. */
static const char *const FRONT_SCRIPT =
    "# tf2sim front plot: ARG1 output, ARG2 all points, ARG3 front, ARG4 terminal\n"
    "eval('set terminal '.ARG4)\n"
    "set output ARG1\n"
    "set grid\n"
    "set key bottom right\n"
    "set datafile separator '\\t'\n"
    "set title ARG5 noenhanced\n"
    "set xlabel ARG6 noenhanced\n"
    "set ylabel ARG7 noenhanced\n"
    "if (ARG8 ne '') { set cblabel ARG8 noenhanced; set palette rgbformulae 33,13,10 }\n"
    "pts = (ARG8 ne '') ? \"using 1:2:3 with points pt 7 ps 0.6 lc palette\" : \"using 1:2 with points pt 7 ps 0.5 lc rgb '#8080c0'\"\n"
    "plot ARG2 @pts title 'evaluated designs', \\\n"
    "     ARG3 using 1:2 with steps lw 2 lc rgb '#d02020' title 'Pareto front', \\\n"
    "     ARG3 using 1:2 with points pt 7 ps 0.9 lc rgb '#d02020' notitle\n";

static double display(const design_row *r, int col)
{
    double v = results_value(r, col);
    const char *nm = results_objective_name(col);
    return (strcmp(nm, "fps") == 0 || strcmp(nm, "accuracy") == 0) ? -v : v;
}

int plot_front(const design_rows *rows, const plot_spec *ps, tf_err *e)
{
    const char *term = terminal_for(ps->out);
    if (!term)
        return tf_errf(e, "%s: plot output must end in .png or .svg", ps->out);
    if (rows->n == 0)
        return tf_errf(e, "no designs to plot");
    char dir[] = "/tmp/tf2sim-plot-XXXXXX";
    if (!mkdtemp(dir))
        return tf_errf(e, "cannot create a temporary folder: %s", strerror(errno));
    char all[64], front[64], script[64];
    snprintf(all, sizeof all, "%s/all.tsv", dir);
    snprintf(front, sizeof front, "%s/front.tsv", dir);
    snprintf(script, sizeof script, "%s/plot.gp", dir);
    int rc = -1;
    unsigned char *mask = malloc((size_t)rows->n);
    int *ord = malloc(sizeof(int) * (size_t)rows->n);
    FILE *fa = fopen(all, "w"), *ff = fopen(front, "w"), *fs = fopen(script, "w");
    if (!mask || !ord || !fa || !ff || !fs) {
        tf_errf(e, "cannot write plot data in %s", dir);
        goto out;
    }
    int cols[2] = {ps->xcol, ps->ycol};
    results_front(rows, 2, cols, mask);
    int nf = 0;
    for (int i = 0; i < rows->n; i++) {
        fprintf(fa, "%.6g\t%.6g\t%.6g\n", display(&rows->rows[i], ps->xcol), display(&rows->rows[i], ps->ycol),
                ps->colour_col >= 0 ? display(&rows->rows[i], ps->colour_col) : 0.0);
        if (mask[i])
            ord[nf++] = i;
    }
    /* Front in order of x so the step line reads left to right. */
    for (int a = 1; a < nf; a++)
        for (int b = a; b > 0 && display(&rows->rows[ord[b]], ps->xcol) < display(&rows->rows[ord[b - 1]], ps->xcol); b--) {
            int t = ord[b]; ord[b] = ord[b - 1]; ord[b - 1] = t;
        }
    for (int i = 0; i < nf; i++)
        fprintf(ff, "%.6g\t%.6g\n", display(&rows->rows[ord[i]], ps->xcol), display(&rows->rows[ord[i]], ps->ycol));
    fputs(FRONT_SCRIPT, fs);
    if (fclose(fa) | fclose(ff) | fclose(fs)) {
        fa = ff = fs = NULL;
        tf_errf(e, "cannot write plot data in %s", dir);
        goto out;
    }
    fa = ff = fs = NULL;
    {
        char xl[64], yl[64];
        snprintf(xl, sizeof xl, "%s", results_objective_name(ps->xcol));
        snprintf(yl, sizeof yl, "%s", results_objective_name(ps->ycol));
        const char *args[] = {ps->out, all, front, term, ps->title ? ps->title : "", xl, yl,
                              ps->colour_col >= 0 ? results_objective_name(ps->colour_col) : ""};
        rc = plot_run_gnuplot(script, args, 8, e);
    }
out:
    if (fa) fclose(fa);
    if (ff) fclose(ff);
    if (fs) fclose(fs);
    unlink(all);
    unlink(front);
    unlink(script);
    rmdir(dir);
    free(mask);
    free(ord);
    return rc;
}

static const char *const LAYER_SCRIPT =
    "# tf2sim per-layer cycles: ARG1 output, ARG2 data, ARG3 terminal, ARG4 title\n"
    "eval('set terminal '.ARG3)\n"
    "set output ARG1\n"
    "set datafile separator '\\t'\n"
    "set title ARG4 noenhanced\n"
    "set style fill solid 0.8 border -1\n"
    "set boxwidth 0.7\n"
    "set grid ytics\n"
    "set ylabel 'cycles per frame'\n"
    "set xtics rotate by -60 noenhanced\n"
    "set yrange [0:*]\n"
    "plot ARG2 using 0:2:3:xtic(1) with boxes lc rgb variable notitle\n";

int plot_layers(const layer_bar *bars, int n, const char *out, const char *title, tf_err *e)
{
    const char *term = terminal_for(out);
    if (!term)
        return tf_errf(e, "%s: plot output must end in .png or .svg", out);
    if (n <= 0)
        return tf_errf(e, "no layers to plot");
    char dir[] = "/tmp/tf2sim-plot-XXXXXX";
    if (!mkdtemp(dir))
        return tf_errf(e, "cannot create a temporary folder: %s", strerror(errno));
    char data[64], script[64];
    snprintf(data, sizeof data, "%s/layers.tsv", dir);
    snprintf(script, sizeof script, "%s/layers.gp", dir);
    double worst = 0;
    for (int i = 0; i < n; i++)
        if (bars[i].cycles > worst)
            worst = bars[i].cycles;
    FILE *fd = fopen(data, "w"), *fs = fopen(script, "w");
    int rc = -1;
    if (fd && fs) {
        for (int i = 0; i < n; i++) {
            char name[64];
            snprintf(name, sizeof name, "%s", bars[i].name);
            for (char *p = name; *p; p++) /* a tab or newline would break the data columns */
                if (*p == '\t' || *p == '\n' || *p == '\r')
                    *p = ' ';
            fprintf(fd, "%s\t%.6g\t%d\n", name, bars[i].cycles, bars[i].cycles == worst ? 0xd02020 : 0x6080c0);
        }
        fputs(LAYER_SCRIPT, fs);
    }
    int bad = !fd || !fs;
    if (fd && fclose(fd))
        bad = 1;
    if (fs && fclose(fs))
        bad = 1;
    if (bad) {
        tf_errf(e, "cannot write plot data in %s", dir);
    } else {
        const char *args[] = {out, data, term, title ? title : ""};
        rc = plot_run_gnuplot(script, args, 4, e);
    }
    unlink(data);
    unlink(script);
    rmdir(dir);
    return rc;
}
