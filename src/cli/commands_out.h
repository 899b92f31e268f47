/* The output commands of the hinterland CLI: export and report. */
#ifndef HL_CLI_COMMANDS_OUT_H
#define HL_CLI_COMMANDS_OUT_H

/* `hinterland export OUT.gpkg --format F -o DIR|PG:conn ...`; argv[0] is "export".
 * Returns the process exit code. */
int hl_cmd_export(int argc, char **argv);
/* `hinterland report OUT.gpkg -o report.html [--lang en]`; argv[0] is "report".
 * Returns the process exit code. */
int hl_cmd_report(int argc, char **argv);

#endif
