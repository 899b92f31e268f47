/* hinterland command-line tool: dispatches to one file per command. */
#include "hl/core.h"
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "version") == 0) {
        printf("hinterland %s\n", hl_version());
        return 0;
    }
    fprintf(stderr, "usage: hinterland <command> [options]\n");
    return 2;
}
