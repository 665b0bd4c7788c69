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

int regress_run_systemc(const char *exe, cu_job *j, char *err, size_t cap)
{
    char dir[] = "/tmp/tf2sim_regress_XXXXXX";
    if (!mkdtemp(dir)) {
        snprintf(err, cap, "cannot create a temporary directory");
        return -1;
    }
    char job[64], res[64], log[64];
    snprintf(job, sizeof job, "%s/job", dir);
    snprintf(res, sizeof res, "%s/result", dir);
    snprintf(log, sizeof log, "%s/stderr", dir);
    int rc = -1;
    if (cu_job_save(job, j, err, cap) == 0) {
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        char *argv[] = {(char *)exe, job, res, NULL};
        pid_t pid;
        int st = 0;
        if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
            snprintf(err, cap, "cannot run %s", argv[0]);
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
            rc = cu_result_load(res, j, err, cap);
        }
        posix_spawn_file_actions_destroy(&fa);
    }
    unlink(job);
    unlink(res);
    unlink(log);
    rmdir(dir);
    return rc;
}
