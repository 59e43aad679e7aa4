/* dubstage: everything happens in the command table (cli/cli.c). */
#include "cli/cli.h"

#include <locale.h>

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");  /* files and JSON always use '.' */
	return cli_main(argc, argv, stdout, stderr);
}
