/* Entry points of CLI commands implemented in their own files (cmd_*.c).
 * Each takes argv with argv[0] = the command name and returns the exit
 * code. */
#ifndef HL_CLI_COMMANDS_H
#define HL_CLI_COMMANDS_H

/* `hinterland info PATH...`: the layer inventory (src/cli/cmd_info.c). */
int hl_cmd_info(int argc, char **argv);

#endif
