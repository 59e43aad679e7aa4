/*
 * fuzz_aaf.c - libFuzzer harness for the AAF reader (the object layer and
 * the composition walk, on top of the compound-file reader): any input
 * either reads into a timeline or fails with ERR_PARSE / ERR_SEMANTIC /
 * ERR_NOMEM and a message, and every timeline dumps and frees cleanly.
 * Media is not searched for (no file system access beyond the input).
 * Build: see fuzz/README.md.
 */
#include <stdio.h>
#include <stdlib.h>

#include "interchange/aaf.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct aaf_options opt = { .no_media_search = true };
	struct aaf_timeline *t = NULL;
	struct diag d;
	int rc = aaf_read_memory(data, size, &opt, &t, &d);

	if (rc == 0) {
		FILE *null = fopen("/dev/null", "w");

		if (null != NULL) {
			aaf_dump(t, null);
			fclose(null);
		}
		aaf_timeline_free(t);
		return 0;
	}
	if (rc != ERR_PARSE && rc != ERR_SEMANTIC && rc != ERR_NOMEM &&
	    rc != ERR_IO)
		abort();       /* a failure outside the contract */
	if (d.message[0] == '\0')
		abort();       /* every failure says why */
	return 0;
}
