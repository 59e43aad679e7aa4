/*
 * views.c - the views in Tab order.
 */
#include <string.h>

#include "ui/view.h"

const struct view *const console_views[] = {
	&view_mixer, &view_timeline, &view_loudness, &view_help, NULL,
};

const struct view *
view_find(const char *name)
{
	for (size_t i = 0; console_views[i] != NULL; i++)
		if (strcmp(console_views[i]->name, name) == 0)
			return console_views[i];
	return NULL;
}
