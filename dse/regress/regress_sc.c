/* regress_sc.c: running a layer job on the SystemC testbench program (tf2sim_rtl_sc):
 * job file out, the program run as a child process, result file in. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "regress.h"

extern char **environ;

int regress_run_systemc_seq(const char *exe, cu_job **jobs, int n, const char *vcd, char *err, size_t cap)
{
    char dir[] = "/tmp/tf2sim_regress_XXXXXX";
    if (!mkdtemp(dir)) {
        snprintf(err, cap, "cannot create a temporary directory");
        return -1;
    }
    char log[64];
    snprintf(log, sizeof log, "%s/stderr", dir);
    char **argv = calloc((size_t)(2 * n + 4), sizeof *argv);
    char **files = argv ? argv + (vcd ? 3 : 1) : NULL; /* JOB RESULT pairs */
    int rc = -1, made = 0;
    if (!argv) {
        snprintf(err, cap, "out of memory");
        goto out;
    }
    argv[0] = (char *)exe;
    if (vcd) {
        argv[1] = (char *)"--vcd";
        argv[2] = (char *)vcd;
    }
    for (int i = 0; i < n; i++) {
        files[2 * i] = malloc(64);
        files[2 * i + 1] = malloc(64);
        made = i + 1;
        if (!files[2 * i] || !files[2 * i + 1]) {
            snprintf(err, cap, "out of memory");
            goto out;
        }
        snprintf(files[2 * i], 64, "%s/job%d", dir, i);
        snprintf(files[2 * i + 1], 64, "%s/result%d", dir, i);
        if (cu_job_save(files[2 * i], jobs[i], err, cap))
            goto out;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int st = 0;
    if (posix_spawn(&pid, exe, &fa, NULL, argv, environ) != 0) {
        snprintf(err, cap, "cannot run %s", exe);
    } else if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        FILE *f = fopen(log, "r");
        char line[200] = "";
        if (f) {
            if (!fgets(line, sizeof line, f))
                line[0] = 0;
            fclose(f);
        }
        line[strcspn(line, "\n")] = 0;
        snprintf(err, cap, "SystemC testbench failed: %s", line[0] ? line : "no message");
    } else {
        rc = 0;
        for (int i = 0; i < n && rc == 0; i++)
            rc = cu_result_load(files[2 * i + 1], jobs[i], err, cap);
    }
    posix_spawn_file_actions_destroy(&fa);
out:
    if (files)
        for (int i = 0; i < made; i++)
            for (int k = 0; k < 2; k++)
                if (files[2 * i + k]) {
                    unlink(files[2 * i + k]);
                    free(files[2 * i + k]);
                }
    free(argv);
    unlink(log);
    rmdir(dir);
    return rc;
}

int regress_run_systemc(const char *exe, cu_job *j, char *err, size_t cap)
{
    return regress_run_systemc_seq(exe, &j, 1, NULL, err, cap);
}
