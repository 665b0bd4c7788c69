/* config_path.c: zoo lookup by name, with the known names in the error. */
#include "config_path.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *tf2sim_config_dir(void)
{
    const char *env = getenv("TF2SIM_CONFIGS");
    return (env && env[0]) ? env : TF2SIM_CONFIG_DIR;
}

void config_model_dir(const char *net_name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/models/%s", tf2sim_config_dir(), net_name);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int config_names(const char *subdir, char ***names)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", tf2sim_config_dir(), subdir);
    *names = NULL;
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    int n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(dp))) {
        size_t len = strlen(de->d_name);
        if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(*names, sizeof(char *) * (size_t)cap);
            if (!nn)
                break;
            *names = nn;
        }
        (*names)[n] = strndup(de->d_name, len - 5);
        if ((*names)[n])
            n++;
    }
    closedir(dp);
    if (n)
        qsort(*names, (size_t)n, sizeof(char *), cmp_str);
    return n;
}

void config_list_names(const char *subdir, char *out, size_t cap)
{
    char **names;
    int n = config_names(subdir, &names);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strncat(out, ", ", cap - strlen(out) - 1);
        strncat(out, names[i], cap - strlen(out) - 1);
        free(names[i]);
    }
    free(names);
    if (!n)
        snprintf(out, cap, "none found in %s/%s", tf2sim_config_dir(), subdir);
}

int config_resolve(const char *subdir, const char *what, const char *name_or_path,
                   char *out, size_t cap, tf_err *e)
{
    if (!name_or_path || !name_or_path[0])
        return tf_errf(e, "empty %s name", what);
    if (strchr(name_or_path, '/') || strstr(name_or_path, ".json")) {
        if (access(name_or_path, R_OK) != 0)
            return tf_errf(e, "%s: no such %s file (or not readable)", name_or_path, what);
        snprintf(out, cap, "%s", name_or_path);
        return 0;
    }
    snprintf(out, cap, "%s/%s/%s.json", tf2sim_config_dir(), subdir, name_or_path);
    if (access(out, R_OK) == 0)
        return 0;
    char known[2048];
    config_list_names(subdir, known, sizeof known);
    return tf_errf(e, "unknown %s '%s' (known: %s; or give a path to a JSON file)", what,
                   name_or_path, known);
}
