/*
 * The code buffer of the JIT, W^X by dual mapping: one memfd mapped twice,
 * a read-write view where blocks (and their TranslationBlock headers) are
 * written and a read-execute view where the host runs them.  No page is
 * ever writable and executable at once, and no mprotect flips are needed
 * when blocks are added or chain jumps are patched (patches go through the
 * RW view; x86 keeps instruction fetch coherent with stores to the same
 * physical page, SDM vol. 3 section 8.1.3).
 *
 * Back ends that do not execute their output (the interpreter) get plain
 * heap memory and a zero delta.
 */
#include "tcg/tcg-backend.h"
#include <sys/mman.h>

ptrdiff_t tcg_code_rx_delta;
uint8_t *tcg_code_stub_area;
unsigned tcg_code_buffer_generation;
static bool buffer_mapped;

void *tcg_code_buffer_alloc(size_t size, bool executable, Error **errp)
{
    void *rw, *rx;
    int fd;

    tcg_code_buffer_generation++;
    if (!executable) {
        tcg_code_rx_delta = 0;
        tcg_code_stub_area = NULL;
        buffer_mapped = false;
        return g_malloc(size);
    }
    size += TCG_CODE_STUB_AREA;
    fd = memfd_create("machina-jit", MFD_CLOEXEC);
    if (fd < 0) {
        error_setg_errno(errp, errno, "cannot create the JIT code buffer (memfd)");
        return NULL;
    }
    if (ftruncate(fd, (off_t)size) < 0) {
        error_setg_errno(errp, errno, "cannot size the JIT code buffer to %zu bytes", size);
        close(fd);
        return NULL;
    }
    rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    rx = rw == MAP_FAILED ? MAP_FAILED
                          : mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    close(fd);
    if (rx == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot map the JIT code buffer");
        if (rw != MAP_FAILED) {
            munmap(rw, size);
        }
        return NULL;
    }
    tcg_code_rx_delta = (char *)rx - (char *)rw;
    tcg_code_stub_area = (uint8_t *)rw + size - TCG_CODE_STUB_AREA;
    buffer_mapped = true;
    return rw;
}

void tcg_code_buffer_prefault(void *rw, size_t len)
{
#if defined(MADV_POPULATE_WRITE) && defined(MADV_POPULATE_READ)
    if (!buffer_mapped || len == 0) {
        return;
    }
    /*
     * Both views of fresh code pages would otherwise fault one 4K page at a
     * time (the write through RW, then the first run through RX); one call
     * per view maps a whole chunk.  Best effort: on a kernel without these
     * advices the pages simply fault in as before.
     */
    if (madvise(rw, len, MADV_POPULATE_WRITE) == 0) {
        madvise((char *)rw + tcg_code_rx_delta, len, MADV_POPULATE_READ);
    }
#endif
}

void tcg_code_buffer_free(void *buf, size_t size)
{
    if (!buf) {
        return;
    }
    if (buffer_mapped) {
        size += TCG_CODE_STUB_AREA;
        munmap((char *)buf + tcg_code_rx_delta, size);
        munmap(buf, size);
        tcg_code_stub_area = NULL;
    } else {
        g_free(buf);
    }
    tcg_code_rx_delta = 0;
    buffer_mapped = false;
}
