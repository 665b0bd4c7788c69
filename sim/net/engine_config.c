/* engine_config.c: loading configs/engines/ files (see engine_config.h). */
#include "engine_config.h"

#include <string.h>

#include "config_path.h"
#include "json_config.h"

int engine_params_load_named(engine_params *g, const char *name_or_path, tf_err *e)
{
    char path[1024];
    if (config_resolve("engines", "engine", name_or_path, path, sizeof path, e))
        return -1;
    json_doc d;
    if (json_doc_load(&d, path, e))
        return -1;
    memset(g, 0, sizeof *g);
    int rc = engine_params_from_json(&d, d.root, "", g, e);
    json_doc_free(&d);
    return rc;
}
