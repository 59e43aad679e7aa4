/*
 * atomic_file.h - replace a file's contents so that readers (and a crash or
 * power cut) see either the complete old file or the complete new one.
 *
 * How: the data goes to "<path>.tmp-XXXXXX" in the same folder (so the
 * rename stays on one file system), is fsync'd, the current file (if any) is
 * kept as "<path>.bak" (a hard link, so <path> itself never disappears;
 * a rename where the file system has no hard links), the temp file is
 * renamed over <path>, and the folder is fsync'd so the rename is durable.
 *
 * On any failure before the final rename, the temp file is removed and
 * <path> is left exactly as it was. A symbolic link at <path> is followed:
 * the file it names is replaced and the link is kept. The new file gets the
 * old file's permission bits, or 0666 minus the umask for a new file.
 *
 * Main thread (blocks on disk I/O); uses no global state.
 */
#ifndef DUBSTAGE_BASE_ATOMIC_FILE_H
#define DUBSTAGE_BASE_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* The suffix of the backup copy of the previous version. */
#define ATOMIC_FILE_BAK_SUFFIX ".bak"

/*
 * Writes size bytes of data (borrowed) to path as described above; with
 * keep_backup the previous file becomes path.bak (an older .bak is
 * replaced). Returns 0, ERR_IO (d names the file and the system error) or
 * ERR_NOMEM. d may be NULL.
 */
int atomic_file_write(const char *path, const void *data, size_t size,
    bool keep_backup, struct diag *d);

/* The parts, for writers that stream into their temp file themselves (the
 * bounce's WAV writer): */

/* Creates "<target>.tmp-XXXXXX" exclusively (read-write, mode minus the
 * umask) beside target; the name goes to *tmp_out (caller frees). Returns
 * the descriptor, or -1 with errno set. The name only has to be unique:
 * it never reaches the file's contents. */
int atomic_file_open_temp(const char *target, unsigned mode, char **tmp_out);

/* Makes the directory entry changes in dir durable (after a rename).
 * 0, or -1 with errno; file systems that cannot fsync a folder are fine. */
int atomic_file_sync_dir(const char *dir);

#endif
