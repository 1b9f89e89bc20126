/*
 * The stdio backend: input from fd 0, output to fd 1.
 *
 * When stdin is a terminal it is put in raw mode (no line editing, no local
 * echo unless echo=on) so the guest sees every key.  With signal=on (the
 * default) Ctrl-C still raises SIGINT; signal=off passes it to the guest.
 * The original terminal settings come back on every way out: a normal exit
 * (atexit), qemu_chr_cleanup, a fatal signal (the handler restores, then
 * re-raises with the default action), and around job-control stops.
 */
#include "core/osdep.h"
#include "chardev/char-fd.h"
#include "chardev/char-internal.h"

#include <signal.h>
#include <termios.h>

static const OptDesc stdio_opts[] = {
    { "signal", OPT_BOOL, "Ctrl-C etc. raise signals (default on)" },
    { "echo", OPT_BOOL, "echo typed characters locally (default off)" },
    { NULL }
};

/* Only one stdio chardev can own the terminal. */
static bool stdio_in_use;
static bool tty_modified;
static struct termios tty_saved;
static struct termios tty_raw;

/* Async-signal safe: only tcsetattr. */
static void stdio_restore_tty(void)
{
    if (tty_modified) {
        tcsetattr(0, TCSANOW, &tty_saved);
    }
}

static void stdio_apply_raw(void)
{
    if (tty_modified) {
        tcsetattr(0, TCSANOW, &tty_raw);
    }
}

/* Signals that end the process: restore the terminal first. */
static const int fatal_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGABRT,
                                     SIGSEGV, SIGBUS, SIGILL, SIGFPE };

static void stdio_fatal_signal(int sig)
{
    struct sigaction sa = { .sa_handler = SIG_DFL };
    sigset_t set;

    stdio_restore_tty();
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
}

static void stdio_job_control(int sig)
{
    struct sigaction sa = { .sa_handler = SIG_DFL };
    int saved_errno = errno;

    if (sig == SIGTSTP) {
        /* Give the shell its cooked terminal back, then stop for real. */
        stdio_restore_tty();
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTSTP, &sa, NULL);
        raise(SIGTSTP);
    } else {
        /* SIGCONT: back in the foreground; raw again, re-arm the stop hook. */
        sa.sa_handler = stdio_job_control;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTSTP, &sa, NULL);
        stdio_apply_raw();
    }
    errno = saved_errno;
}

static void stdio_install_handlers(void)
{
    static bool installed;
    struct sigaction sa, old;

    if (installed) {
        return;
    }
    installed = true;
    atexit(stdio_restore_tty);
    for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++) {
        /* Leave alone whatever someone else (system/, a sanitizer) installed. */
        if (sigaction(fatal_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
            !(old.sa_flags & SA_SIGINFO)) {
            memset(&sa, 0, sizeof(sa));
            sa.sa_handler = stdio_fatal_signal;
            sigemptyset(&sa.sa_mask);
            sigaction(fatal_signals[i], &sa, NULL);
        }
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = stdio_job_control;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTSTP, &sa, NULL);
    sigaction(SIGCONT, &sa, NULL);
}

static void stdio_set_raw(bool echo, bool isig)
{
    if (!isatty(0) || tcgetattr(0, &tty_saved) < 0) {
        return;
    }
    tty_raw = tty_saved;
    /* POSIX termios: byte-at-a-time input, no translation, no local editing. */
    tty_raw.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    tty_raw.c_oflag |= OPOST;     /* keep "\n" -> "\r\n" so host output stays readable */
    tty_raw.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
    if (echo) {
        tty_raw.c_lflag |= ECHO;
    }
    if (isig) {
        tty_raw.c_lflag |= ISIG;
    }
    tty_raw.c_cflag &= ~(CSIZE | PARENB);
    tty_raw.c_cflag |= CS8;
    tty_raw.c_cc[VMIN] = 1;
    tty_raw.c_cc[VTIME] = 0;
    tty_modified = true;
    stdio_install_handlers();
    stdio_apply_raw();
}

static bool stdio_chr_open(Chardev *chr, ChardevOpts *opts, bool *be_opened,
                           Error **errp)
{
    if (stdio_in_use) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return false;
    }
    stdio_in_use = true;
    stdio_set_raw(chr_opt_get_bool(opts, "echo", false),
                  chr_opt_get_bool(opts, "signal", true));
    /*
     * fd 0 stays blocking: its file description is shared with the shell.
     * Input is read only after epoll reports it readable, so reads do not
     * block anyway.
     */
    fd_chr_set_fds(FD_CHARDEV(chr), 0, 1, false);
    chr_set_filename(chr, "stdio");
    return true;
}

static void stdio_chr_finalize(Object *obj)
{
    FDChardev *s = FD_CHARDEV(obj);

    if (s->fd_out == 1) {
        stdio_restore_tty();
        tty_modified = false;
        stdio_in_use = false;
    }
}

static void stdio_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    fd_chr_class_setup(cc);
    cc->backend_name = "stdio";
    cc->opts = stdio_opts;
    cc->open = stdio_chr_open;
}

static const TypeInfo stdio_chardev_info = {
    .name = "chardev-stdio",
    .parent = TYPE_CHARDEV_FD,
    .instance_size = sizeof(FDChardev),
    .desc = "standard input and output (raw terminal; signal=, echo=)",
    .class_init = stdio_chr_class_init,
    .instance_finalize = stdio_chr_finalize,
};

static void stdio_chardev_register_types(void)
{
    type_register_static(&stdio_chardev_info);
}

type_init(stdio_chardev_register_types)
