/*
 * The file backend: output to path= (truncated, or appended with
 * append=on); optional input read from in= until its end.
 */
#include "core/osdep.h"
#include "chardev/char-fd.h"
#include "chardev/char-internal.h"

#include <fcntl.h>

static const OptDesc file_opts[] = {
    { "path", OPT_STRING, "file that receives the output" },
    { "append", OPT_BOOL, "append instead of truncating (default off)" },
    { "in", OPT_STRING, "file the frontend reads input from" },
    { NULL }
};

static bool file_chr_open(Chardev *chr, ChardevOpts *opts, bool *be_opened, Error **errp)
{
    const char *path = chr_opt_require(opts, "path", "file", errp);
    const char *in = chr_opt_get(opts, "in");
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
    int fd_out, fd_in = -1;

    if (!path) {
        return false;
    }
    flags |= chr_opt_get_bool(opts, "append", false) ? O_APPEND : O_TRUNC;
    fd_out = open(path, flags, 0666);
    if (fd_out < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", path);
        return false;
    }
    if (in) {
        fd_in = open(in, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd_in < 0) {
            error_setg_errno(errp, errno, "Could not open '%s'", in);
            close(fd_out);
            return false;
        }
    }
    fd_chr_set_fds(FD_CHARDEV(chr), fd_in, fd_out, true);
    chr_set_filename(chr, "file:%s", path);
    return true;
}

static void file_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    fd_chr_class_setup(cc);
    cc->backend_name = "file";
    cc->opts = file_opts;
    cc->open = file_chr_open;
}

static const TypeInfo file_chardev_info = {
    .name = "chardev-file",
    .parent = TYPE_CHARDEV_FD,
    .instance_size = sizeof(FDChardev),
    .desc = "write output to a file (path=, append=, in=)",
    .class_init = file_chr_class_init,
};

static void file_chardev_register_types(void)
{
    type_register_static(&file_chardev_info);
}

type_init(file_chardev_register_types)
