/*
 * ui.h - what the program's main needs from the console layer.
 */
#ifndef DUBSTAGE_UI_UI_H
#define DUBSTAGE_UI_UI_H

#include "cli/cli.h"

extern const struct cli_command cmd_console;

#endif
