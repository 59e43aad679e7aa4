/*
 * dubstage: everything happens in the command table (src/cli/cli.c); the
 * console (ui/) adds its command here, so src/ never depends on ui/.
 * `dubstage SESSION` is short for `dubstage console SESSION`.
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ui/ui.h"

int
main(int argc, char **argv)
{
	static const struct cli_command *const ui_commands[] = { &cmd_console };
	struct stat st;

	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");  /* files and JSON always use '.' */
	cli_add_commands(ui_commands, 1);
	if (argc >= 2 && argv[1][0] != '-' && cli_find_command(argv[1]) == NULL &&
	    stat(argv[1], &st) == 0 && S_ISREG(st.st_mode)) {
		char **args = calloc((size_t)argc + 2, sizeof *args);

		if (args == NULL)
			return 1;
		args[0] = argv[0];
		args[1] = "console";
		int rc;

		memcpy(args + 2, argv + 1, (size_t)(argc - 1) * sizeof *args);
		rc = cli_main(argc + 1, args, stdout, stderr);
		free(args);
		return rc;
	}
	return cli_main(argc, argv, stdout, stderr);
}
