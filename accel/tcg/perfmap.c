/* -perfmap: see perfmap.h. */
#include "accel/tcg/perfmap.h"

static FILE *perfmap;

bool perfmap_enable(Error **errp)
{
    g_autofree char *path = g_strdup_printf("/tmp/perf-%d.map", (int)getpid());

    if (perfmap) {
        return true;
    }
    perfmap = fopen(path, "w");
    if (!perfmap) {
        error_setg_errno(errp, errno, "cannot create %s", path);
        return false;
    }
    return true;
}

bool perfmap_enabled(void)
{
    return perfmap != NULL;
}

void perfmap_add(const void *start, size_t size, uint64_t guest_pc)
{
    /* Translation runs under tb_lock: one writer at a time.  stdio buffers
     * the lines; exit flushes them, and perf reads the file afterwards. */
    fprintf(perfmap, "%" PRIxPTR " %zx guest-0x%" PRIx64 "\n", (uintptr_t)start, size, guest_pc);
}
