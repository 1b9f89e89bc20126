/*
 * The pipe backend: named pipes PATH.in (input) and PATH.out (output), or
 * a single PATH for both directions, as QEMU's -chardev pipe does.  They are
 * opened read-write so that opening does not block waiting for a peer and
 * the peer going away is not an end of file.
 */
#include "core/osdep.h"
#include "chardev/char-fd.h"
#include "chardev/char-internal.h"

#include <fcntl.h>

static const OptDesc pipe_opts[] = {
    { "path", OPT_STRING, "PATH.in/PATH.out, or PATH for both" },
    { NULL }
};

static bool pipe_chr_open(Chardev *chr, ChardevOpts *opts, bool *be_opened, Error **errp)
{
    const char *path = chr_opt_require(opts, "path", "pipe", errp);
    char *in_path, *out_path;
    int fd_in, fd_out;

    if (!path) {
        return false;
    }
    in_path = g_strdup_printf("%s.in", path);
    out_path = g_strdup_printf("%s.out", path);
    fd_in = open(in_path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
    fd_out = open(out_path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
    g_free(in_path);
    g_free(out_path);
    if (fd_in < 0 || fd_out < 0) {
        if (fd_in >= 0) {
            close(fd_in);
        }
        if (fd_out >= 0) {
            close(fd_out);
        }
        fd_in = fd_out = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
        if (fd_in < 0) {
            error_setg_errno(errp, errno, "Could not open '%s'", path);
            return false;
        }
    }
    fd_chr_set_fds(FD_CHARDEV(chr), fd_in, fd_out, true);
    chr_set_filename(chr, "pipe:%s", path);
    return true;
}

static void pipe_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    fd_chr_class_setup(cc);
    cc->backend_name = "pipe";
    cc->opts = pipe_opts;
    cc->open = pipe_chr_open;
}

static const TypeInfo pipe_chardev_info = {
    .name = "chardev-pipe",
    .parent = TYPE_CHARDEV_FD,
    .instance_size = sizeof(FDChardev),
    .desc = "named pipes PATH.in and PATH.out (or PATH)",
    .class_init = pipe_chr_class_init,
};

static void pipe_chardev_register_types(void)
{
    type_register_static(&pipe_chardev_info);
}

type_init(pipe_chardev_register_types)
