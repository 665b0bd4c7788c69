/* cmd_prune.c: `tf2sim prune` (in progress). */
#include "cli.h"

int cmd_prune(int argc, char **argv)
{
    return cli_failf("prune: not implemented yet");
}
