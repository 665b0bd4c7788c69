/* cmd_compress.c: `tf2sim compress` (in progress). */
#include "cli.h"

int cmd_compress(int argc, char **argv)
{
    return cli_failf("compress: not implemented yet");
}
