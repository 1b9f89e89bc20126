/* machina-system-*: see system/vl.c for the machine's life cycle. */
#include "core/osdep.h"
#include "system/vl.h"

int main(int argc, char **argv)
{
    const char *slash = strrchr(argv[0], '/');

    machina_prog_name = slash ? slash + 1 : argv[0];
    return machina_main(argc, argv);
}
