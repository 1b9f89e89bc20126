/*
 * chardev-echo: open one chardev from a -chardev style string and echo its
 * input back in upper case.  The functional tests drive it with socat while
 * no machine can run yet; it exercises the same path system/ uses
 * (opts_parse -> qemu_chardev_new -> frontend handlers in the main loop).
 *
 *   chardev-echo 'socket,id=s0,host=127.0.0.1,port=0,server=on,wait=off'
 *   chardev-echo help
 *
 * Prints "chardev FILENAME" once the chardev is open and "event opened" /
 * "event closed" as peers come and go, one line each, on stdout.
 */
#include "core/osdep.h"
#include "core/option.h"
#include "core/thread.h"
#include "chardev/char.h"

#include <signal.h>

static CharBackend echo_be;

static int echo_can_read(void *opaque)
{
    return 4096;
}

static void echo_read(void *opaque, const uint8_t *buf, int size)
{
    uint8_t *up = g_malloc(size);

    for (int i = 0; i < size; i++) {
        up[i] = g_ascii_toupper(buf[i]);
    }
    qemu_chr_fe_write_all(&echo_be, up, size);
    g_free(up);
}

static void echo_event(void *opaque, QEMUChrEvent event)
{
    if (event == CHR_EVENT_OPENED) {
        printf("event opened\n");
    } else if (event == CHR_EVENT_CLOSED) {
        printf("event closed\n");
    }
    fflush(stdout);
}

static void on_signal(int sig)
{
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
}

static const OptsList chardev_opts = {
    .name = "chardev",
    .implied_key = "backend",
    .desc = (const OptDesc[]){ { NULL } },
};

int main(int argc, char **argv)
{
    struct sigaction sa = { .sa_handler = on_signal };
    GPtrArray *keys, *values;
    char *id, *backend;
    Error *err = NULL;
    Chardev *chr;
    Opts *opts;

    machina_prog_name = "chardev-echo";
    if (argc != 2) {
        fprintf(stderr, "usage: chardev-echo BACKEND,id=ID[,key=value...] | help\n");
        return 2;
    }
    if (!strcmp(argv[1], "help")) {
        qemu_chr_print_backends(stdout);
        return 0;
    }
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    opts = opts_parse(&chardev_opts, argv[1], &err);
    if (!opts) {
        error_prepend(&err, "-chardev %s: ", argv[1]);
        error_report_err(err);
        return 1;
    }
    id = opts_take(opts, "id");
    backend = opts_take(opts, "backend");
    opts_to_arrays(opts, &keys, &values);

    bql_lock();
    main_loop_get();
    chr = qemu_chardev_new(id ? id : "echo0", backend, keys, values, &err);
    if (!chr) {
        error_prepend(&err, "-chardev %s: ", argv[1]);
        error_report_err(err);
        return 1;
    }
    qemu_chr_fe_init(&echo_be, chr, &error_abort);
    printf("chardev %s\n", chr->filename);
    fflush(stdout);
    qemu_chr_fe_set_handlers(&echo_be, echo_can_read, echo_read, echo_event, NULL,
                             NULL, true);

    while (qemu_shutdown_requested(NULL) == SHUTDOWN_CAUSE_NONE) {
        event_loop_run_once(main_loop_get(), true);
    }
    qemu_chr_fe_deinit(&echo_be, false);
    qemu_chr_cleanup();
    bql_unlock();
    g_ptr_array_free(keys, TRUE);
    g_ptr_array_free(values, TRUE);
    g_free(id);
    g_free(backend);
    opts_free(opts);
    return 0;
}
