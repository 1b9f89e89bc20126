/* machina-system-*: the command line and the machine's life cycle. */
#include "core/osdep.h"

int main(int argc, char **argv)
{
    const char *slash = strrchr(argv[0], '/');

    machina_prog_name = slash ? slash + 1 : argv[0];
    if (argc == 2 && (!strcmp(argv[1], "-version") || !strcmp(argv[1], "--version"))) {
        printf("%s version %s\n", machina_prog_name, MACHINA_VERSION);
        return 0;
    }
    fprintf(stderr, "%s: no machine can run yet\n", machina_prog_name);
    return 1;
}
