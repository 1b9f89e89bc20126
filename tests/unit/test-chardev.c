/* Chardev backends, the frontend API, the mux and option errors. */
#include "tests/unit/chardev-test.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
/* ---- tests ---- */

UNIT_TEST(ringbuf_keeps_newest_output)
{
    Chardev *chr = chardev_new_kv("rb0", "ringbuf", &error_abort, "size=16", NULL);
    Fe fe;
    char *s;

    CHECK_STREQ(chr->filename, "ringbuf");
    CHECK(qemu_chr_find("rb0") == chr);
    fe_attach(&fe, chr);
    CHECK_EQ(fe_write_str(&fe, "hello"), 5);
    s = ringbuf_take(chr);
    CHECK_STREQ(s, "hello");
    g_free(s);
    /* 26 bytes into 16: the oldest 10 are gone. */
    fe_write_str(&fe, "abcdefghijklmnopqrstuvwxyz");
    s = ringbuf_take(chr);
    CHECK_STREQ(s, "klmnopqrstuvwxyz");
    g_free(s);
    s = ringbuf_take(chr);
    CHECK_STREQ(s, "");
    g_free(s);
    /* ringbuf-write puts bytes in the ring too; memory is an alias. */
    CHECK(qemu_chr_ringbuf_write(chr, (const uint8_t *)"xy", 2, &error_abort));
    s = ringbuf_take(chr);
    CHECK_STREQ(s, "xy");
    g_free(s);
    /* A busy chardev cannot be removed; a free one can. */
    CHECK(!qemu_chr_delete("rb0", NULL));
    fe_detach(&fe, true);
    CHECK(qemu_chr_find("rb0") == NULL);

    chr = chardev_new_kv("mem0", "memory", &error_abort, NULL);
    CHECK(chr != NULL);
    CHECK(qemu_chr_delete("mem0", &error_abort));
}

UNIT_TEST(ringbuf_size_must_be_power_of_two)
{
    Error *err = NULL;
    char *msg = expect_error(chardev_new_kv("rb1", "ringbuf", &err, "size=1000", NULL),
                             &err);

    CHECK(strstr(msg, "power of two") != NULL);
    g_free(msg);
    CHECK(qemu_chr_find("rb1") == NULL);
}

UNIT_TEST(file_backend_writes_and_appends)
{
    char *path = tmp_path("out.txt"), *in = tmp_path("in.txt");
    char *arg = g_strdup_printf("path=%s", path);
    char *inarg = g_strdup_printf("in=%s", in);
    char *contents;
    Chardev *chr;
    Fe fe;

    CHECK(g_file_set_contents(path, "old", -1, NULL));
    chr = chardev_new_kv("f0", "file", &error_abort, arg, NULL);
    fe_attach(&fe, chr);
    CHECK_EQ(fe_write_str(&fe, "line 1\n"), 7);
    fe_detach(&fe, true);
    CHECK(g_file_get_contents(path, &contents, NULL, NULL));
    CHECK_STREQ(contents, "line 1\n");            /* truncated by default */
    g_free(contents);

    /* append=on keeps what is there; in= supplies input. */
    CHECK(g_file_set_contents(in, "typed", -1, NULL));
    chr = chardev_new_kv("f1", "file", &error_abort, arg, "append=on", inarg, NULL);
    CHECK(g_str_has_prefix(chr->filename, "file:"));
    fe_attach(&fe, chr);
    fe_write_str(&fe, "line 2\n");
    RUN_UNTIL(fe.in->len == 5, 2000);
    CHECK_STREQ(fe.in->str, "typed");
    fe_detach(&fe, true);
    CHECK(g_file_get_contents(path, &contents, NULL, NULL));
    CHECK_STREQ(contents, "line 1\nline 2\n");
    g_free(contents);
    unlink(path);
    unlink(in);
    g_free(path); g_free(in); g_free(arg); g_free(inarg);
}

UNIT_TEST(logfile_copies_output)
{
    char *log = tmp_path("log.txt");
    char *arg = g_strdup_printf("logfile=%s", log);
    char *contents;
    Fe fe;

    fe_attach(&fe, chardev_new_kv("n0", "null", &error_abort, arg, NULL));
    fe_write_str(&fe, "to the void");
    fe_detach(&fe, true);
    CHECK(g_file_get_contents(log, &contents, NULL, NULL));
    CHECK_STREQ(contents, "to the void");
    g_free(contents);
    unlink(log);
    g_free(log); g_free(arg);
}

UNIT_TEST(pipe_backend_with_flow_control)
{
    char *base = tmp_path("fifo");
    char *pin = g_strdup_printf("%s.in", base), *pout = g_strdup_printf("%s.out", base);
    char *arg = g_strdup_printf("path=%s", base);
    char buf[32];
    int win, rout, pending = 0;
    Fe fe;

    CHECK(mkfifo(pin, 0600) == 0 && mkfifo(pout, 0600) == 0);
    fe_attach(&fe, chardev_new_kv("p0", "pipe", &error_abort, arg, NULL));
    win = open(pin, O_WRONLY | O_NONBLOCK);
    rout = open(pout, O_RDONLY | O_NONBLOCK);
    CHECK(win >= 0 && rout >= 0);

    /* Output reaches PATH.out. */
    fe_write_str(&fe, "out!");
    CHECK_EQ(read(rout, buf, sizeof(buf)), 4);
    CHECK(!memcmp(buf, "out!", 4));

    /* The frontend takes 3 bytes at a time. */
    fe.room = 3;
    CHECK_EQ(write(win, "abcdefg", 7), 7);
    RUN_UNTIL(fe.in->len == 7, 2000);
    CHECK_STREQ(fe.in->str, "abcdefg");

    /* Full frontend: the bytes stay in the pipe, not lost, not delivered. */
    fe.room = 0;
    CHECK_EQ(write(win, "xyz", 3), 3);
    run_for(60);
    CHECK_EQ(fe.in->len, 7);
    CHECK(ioctl(win, FIONREAD, &pending) == 0);
    CHECK_EQ(pending, 3);
    fe.room = 100;
    qemu_chr_fe_accept_input(&fe.be);
    RUN_UNTIL(fe.in->len == 10, 2000);
    CHECK_STREQ(fe.in->str, "abcdefgxyz");

    fe_detach(&fe, true);
    close(win);
    close(rout);
    unlink(pin); unlink(pout);
    g_free(base); g_free(pin); g_free(pout); g_free(arg);
}

UNIT_TEST(mux_focus_and_escapes)
{
    Chardev *mux = chardev_new_kv("m0", "ringbuf", &error_abort, "mux=on", NULL);
    Chardev *base = qemu_chr_find("m0-base");
    Fe a, b;
    int status = -1;
    char *out;
    uint8_t ctrl_a = 0x01;

    CHECK(base != NULL && mux != base);
    fe_attach(&a, mux);                 /* e.g. the monitor */
    fe_attach(&b, mux);                 /* e.g. the UART: newest has the focus */
    CHECK_EQ(a.events[CHR_EVENT_OPENED], 1);
    CHECK_EQ(b.events[CHR_EVENT_OPENED], 1);

    /* Input typed on the backend goes to the focused frontend only. */
    qemu_chr_be_write(base, (const uint8_t *)"ls\r", 3);
    CHECK_STREQ(b.in->str, "ls\r");
    CHECK_EQ(a.in->len, 0);

    /* C-a c: focus to the other frontend, with MUX_OUT/MUX_IN. */
    qemu_chr_be_write(base, (const uint8_t *)"\x01" "cinfo", 6);
    CHECK_EQ(b.events[CHR_EVENT_MUX_OUT], 1);
    CHECK_EQ(a.last_event, CHR_EVENT_MUX_IN);
    CHECK_STREQ(a.in->str, "info");
    CHECK_STREQ(b.in->str, "ls\r");

    /* C-a C-a is a literal C-a; an escape split across reads still works. */
    qemu_chr_be_write(base, &ctrl_a, 1);
    qemu_chr_be_write(base, &ctrl_a, 1);
    CHECK_EQ(a.in->len, 5);
    CHECK_EQ((uint8_t)a.in->str[4], 0x01);

    /* C-a b: a break for the focused frontend. */
    qemu_chr_be_write(base, (const uint8_t *)"\x01" "b", 2);
    CHECK_EQ(a.events[CHR_EVENT_BREAK], 1);
    CHECK_EQ(b.events[CHR_EVENT_BREAK], 0);

    /* Both frontends write to the backend. */
    fe_write_str(&a, "(qemu) ");
    fe_write_str(&b, "login: ");
    out = ringbuf_take(base);
    CHECK_STREQ(out, "(qemu) login: ");
    g_free(out);

    /* C-a h prints the help on the backend, nothing reaches a frontend. */
    qemu_chr_be_write(base, (const uint8_t *)"\x01h", 2);
    out = ringbuf_take(base);
    CHECK(strstr(out, "C-a x") != NULL && strstr(out, "C-a c") != NULL);
    g_free(out);
    CHECK_EQ(a.in->len, 5);

    /* A full frontend: input waits in the mux buffer until accept_input. */
    a.room = 0;
    qemu_chr_be_write(base, (const uint8_t *)"later", 5);
    CHECK_EQ(a.in->len, 5);
    a.room = 64;
    qemu_chr_fe_accept_input(&a.be);
    CHECK_EQ(a.in->len, 10);
    CHECK(g_str_has_suffix(a.in->str, "later"));

    /* C-a x: the terminated line and a shutdown request from the host UI. */
    qemu_chr_be_write(base, (const uint8_t *)"\x01x", 2);
    out = ringbuf_take(base);
    CHECK(strstr(out, "machina: terminated") != NULL);
    g_free(out);
    CHECK_EQ(qemu_shutdown_requested(&status), SHUTDOWN_CAUSE_HOST_UI);
    CHECK_EQ(status, 0);

    /* The base is held by the mux. */
    CHECK(!qemu_chr_delete("m0-base", NULL));
    fe_detach(&a, false);
    CHECK(qemu_chr_find("m0") != NULL);   /* b still attached */
    fe_detach(&b, true);
    CHECK(qemu_chr_find("m0") == NULL);
    CHECK(qemu_chr_delete("m0-base", &error_abort));
}

UNIT_TEST(mon_shorthand_makes_a_mux)
{
    Chardev *chr = qemu_chr_new("compat_monitor0", "mon:null", &error_abort);
    Fe fe;

    CHECK(chr != NULL);
    CHECK(qemu_chr_find("compat_monitor0-base") != NULL);
    fe_attach(&fe, chr);
    CHECK_EQ(fe_write_str(&fe, "x"), 1);
    fe_detach(&fe, true);
    CHECK(qemu_chr_delete("compat_monitor0-base", &error_abort));
}

UNIT_TEST(bad_options_give_errors)
{
    Error *err = NULL;
    char *msg;

    msg = expect_error(chardev_new_kv("b0", "null", &err, "foo=1", NULL), &err);
    CHECK_STREQ(msg, "Invalid parameter 'foo'");
    g_free(msg);
    err = NULL;
    msg = expect_error(chardev_new_kv("b0", "socket", &err, "path=/tmp/x",
                                      "server=maybe", NULL), &err);
    CHECK(strstr(msg, "'server'") != NULL);
    g_free(msg);
    err = NULL;
    msg = expect_error(chardev_new_kv("b0", "ringbuf", &err, "size=12k", NULL), &err);
    CHECK(strstr(msg, "'size'") != NULL);
    g_free(msg);
    err = NULL;
    msg = expect_error(chardev_new_kv("b0", "socket", &err, "path=/tmp/x",
                                      "reconnect=-1", NULL), &err);
    CHECK(strstr(msg, "'reconnect'") != NULL);
    g_free(msg);
    err = NULL;
    msg = expect_error(chardev_new_kv("b0", "serial-port", &err, NULL), &err);
    CHECK(strstr(msg, "serial-port") != NULL);
    g_free(msg);
    err = NULL;
    msg = expect_error(chardev_new_kv("b0", "file", &err, NULL), &err);
    CHECK(strstr(msg, "'path'") != NULL);
    g_free(msg);
    err = NULL;
    msg = expect_error(chardev_new_kv("0bad", "null", &err, NULL), &err);
    CHECK(strstr(msg, "'id'") != NULL);
    g_free(msg);
    err = NULL;
    msg = expect_error(chardev_new_kv("b0", "socket", &err, NULL), &err);
    CHECK(strstr(msg, "path=") != NULL);
    g_free(msg);
    err = NULL;
    msg = expect_error(chardev_new_kv("b0", "file", &err,
                                      "path=/nonexistent-dir/x", NULL), &err);
    CHECK(strstr(msg, "/nonexistent-dir/x") != NULL);
    g_free(msg);
    /* The mux itself is not a -chardev backend. */
    err = NULL;
    msg = expect_error(chardev_new_kv("b0", "mux", &err, NULL), &err);
    g_free(msg);

    /* Duplicate ids. */
    CHECK(chardev_new_kv("dup", "null", &error_abort, NULL) != NULL);
    err = NULL;
    msg = expect_error(chardev_new_kv("dup", "null", &err, NULL), &err);
    CHECK(strstr(msg, "Duplicate") != NULL);
    g_free(msg);
    CHECK(qemu_chr_delete("dup", &error_abort));

    /* Shorthands. */
    err = NULL;
    msg = expect_error(qemu_chr_new("s0", "bogus:thing", &err), &err);
    CHECK(strstr(msg, "bogus") != NULL);
    g_free(msg);
    err = NULL;
    msg = expect_error(qemu_chr_new("s0", "chardev:nothere", &err), &err);
    CHECK(strstr(msg, "nothere") != NULL);
    g_free(msg);
    err = NULL;
    CHECK(qemu_chr_new("s0", "none", &err) == NULL);
    CHECK(err == NULL);
    CHECK(qemu_chr_find("b0") == NULL && qemu_chr_find("s0") == NULL);
}

UNIT_TEST(shorthands_and_help)
{
    char *path = tmp_path("short,file");
    /* ",," in a -serial value is a literal comma. */
    char *spec = g_strdup_printf("file:%s", path);
    GString *esc = g_string_new(NULL);
    char *help = NULL;
    size_t len;
    FILE *f;
    Chardev *chr;

    for (const char *p = spec; *p; p++) {
        g_string_append(esc, *p == ',' ? ",," : (char[]){ *p, 0 });
    }
    chr = qemu_chr_new("sh0", esc->str, &error_abort);
    CHECK(access(path, F_OK) == 0);
    CHECK(qemu_chr_new("sh1", "chardev:sh0", &error_abort) == chr);
    CHECK(qemu_chr_delete("sh0", &error_abort));
    unlink(path);

    f = open_memstream(&help, &len);
    qemu_chr_print_backends(f);
    fclose(f);
    CHECK(strstr(help, "socket") && strstr(help, "ringbuf") && strstr(help, "pty"));
    CHECK(strstr(help, "stdio") && strstr(help, "file") && strstr(help, "pipe"));
    CHECK(strstr(help, "  mux") == NULL);
    free(help);
    g_string_free(esc, TRUE);
    g_free(spec);
    g_free(path);
}

typedef struct Drain {
    int fd;
    size_t total;
    size_t want;
} Drain;

static void *drain_fifo(void *opaque)
{
    Drain *d = opaque;
    char buf[8192];

    g_usleep(20 * 1000);      /* let the writer block first */
    while (d->total < d->want) {
        ssize_t n = read(d->fd, buf, sizeof(buf));
        if (n > 0) {
            d->total += n;
        } else if (n < 0 && errno == EAGAIN) {
            g_usleep(1000);
        } else {
            break;
        }
    }
    return NULL;
}

UNIT_TEST(partial_writes_and_write_all)
{
    char *base = tmp_path("wfifo");
    char *arg = g_strdup_printf("path=%s", base);
    size_t big = 256 * 1024;
    uint8_t *data = g_malloc0(big);
    Drain d = { .want = 0 };
    pthread_t th;
    int n, total = 0;
    Fe fe;

    CHECK(mkfifo(base, 0600) == 0);
    fe_attach(&fe, chardev_new_kv("wp0", "pipe", &error_abort, arg, NULL));
    /* Non-blocking writes fill the pipe, then take less, then nothing. */
    while ((n = qemu_chr_fe_write(&fe.be, data, big)) > 0) {
        CHECK(n <= (int)big);
        total += n;
    }
    CHECK_EQ(n, (uint64_t)-1);
    CHECK_EQ(errno, EAGAIN);
    CHECK(total > 0 && total < (int)big);

    /* write_all waits for the reader and delivers everything. */
    d.fd = open(base, O_RDONLY | O_NONBLOCK);
    CHECK(d.fd >= 0);
    d.want = total + big;
    CHECK(pthread_create(&th, NULL, drain_fifo, &d) == 0);
    CHECK_EQ(qemu_chr_fe_write_all(&fe.be, data, big), big);
    pthread_join(th, NULL);
    CHECK_EQ(d.total, total + big);
    close(d.fd);
    fe_detach(&fe, true);
    unlink(base);
    g_free(base); g_free(arg); g_free(data);
}

#include <pty.h>
#include <sys/wait.h>
#include <termios.h>

/*
 * stdio in raw mode on a terminal, and the terminal restored however the
 * process ends: exit() (atexit) or a fatal signal.
 */
static void stdio_child(int slave, int how)
{
    struct termios t;
    Chardev *chr;

    dup2(slave, 0);
    chr = chardev_new_kv("st0", "stdio", NULL, how == 2 ? "signal=off" : "signal=on",
                         NULL);
    if (!chr || tcgetattr(0, &t) < 0 || (t.c_lflag & ICANON) ||
        !!(t.c_lflag & ISIG) != (how != 2)) {
        _exit(3);
    }
    /* A second stdio chardev is refused. */
    if (chardev_new_kv("st1", "stdio", NULL, NULL)) {
        _exit(4);
    }
    if (how == 1) {
        raise(SIGTERM);
    }
    exit(0);
}

UNIT_TEST(stdio_raw_terminal_restored)
{
    for (int how = 0; how < 3; how++) {
        struct termios before, after;
        int master, slave, status;
        pid_t pid;

        CHECK(openpty(&master, &slave, NULL, NULL, NULL) == 0);
        CHECK(tcgetattr(slave, &before) == 0);
        CHECK(before.c_lflag & ICANON);
        fflush(stdout);
        pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            stdio_child(slave, how);
        }
        CHECK(waitpid(pid, &status, 0) == pid);
        if (how == 1) {
            CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
        } else {
            CHECK(WIFEXITED(status));
            CHECK_EQ(WEXITSTATUS(status), 0);
        }
        CHECK(tcgetattr(slave, &after) == 0);
        CHECK_EQ(after.c_lflag, before.c_lflag);
        CHECK_EQ(after.c_iflag, before.c_iflag);
        close(master);
        close(slave);
    }
}

static void count_writable(void *opaque)
{
    (*(int *)opaque)++;
}

UNIT_TEST(write_watch_fires_when_writable)
{
    char *base = tmp_path("wwfifo");
    char *pin = g_strdup_printf("%s.in", base), *pout = g_strdup_printf("%s.out", base);
    char *arg = g_strdup_printf("path=%s", base);
    uint8_t data[4096] = { 0 };
    char sink[65536];
    int fired = 0, rd;
    Fe fe;

    /* Separate .in/.out: with one FIFO the chardev would read its own output. */
    CHECK(mkfifo(pin, 0600) == 0 && mkfifo(pout, 0600) == 0);
    fe_attach(&fe, chardev_new_kv("ww0", "pipe", &error_abort, arg, NULL));
    while (qemu_chr_fe_write(&fe.be, data, sizeof(data)) > 0) {
    }
    CHECK(qemu_chr_fe_add_write_watch(&fe.be, count_writable, &fired));
    run_for(30);
    CHECK_EQ(fired, 0);                 /* still full */
    rd = open(pout, O_RDONLY | O_NONBLOCK);
    CHECK(rd >= 0);
    CHECK(read(rd, sink, sizeof(sink)) > 0);
    RUN_UNTIL(fired == 1, 2000);
    run_for(30);
    CHECK_EQ(fired, 1);                 /* one-shot */
    CHECK(qemu_chr_fe_write(&fe.be, data, 16) == 16);

    /* Cancelled watches do not fire. */
    while (qemu_chr_fe_write(&fe.be, data, sizeof(data)) > 0) {
    }
    CHECK(qemu_chr_fe_add_write_watch(&fe.be, count_writable, &fired));
    CHECK(qemu_chr_fe_add_write_watch(&fe.be, NULL, NULL));
    while (read(rd, sink, sizeof(sink)) > 0) {
    }
    run_for(30);
    CHECK_EQ(fired, 1);
    fe_detach(&fe, true);
    close(rd);
    unlink(pin);
    unlink(pout);
    g_free(pin);
    g_free(pout);

    /* Backends that never block say so; a socket without a peer fires at once. */
    fe_attach(&fe, chardev_new_kv("ww1", "null", &error_abort, NULL));
    CHECK(!qemu_chr_fe_add_write_watch(&fe.be, count_writable, &fired));
    fe_detach(&fe, true);
    g_free(arg);
    arg = g_strdup_printf("path=%s", base);
    fe_attach(&fe, chardev_new_kv("ww2", "socket", &error_abort, arg, "server=on",
                                  "wait=off", NULL));
    CHECK(qemu_chr_fe_add_write_watch(&fe.be, count_writable, &fired));
    RUN_UNTIL(fired == 2, 2000);
    fe_detach(&fe, true);
    g_free(base); g_free(arg);
}

UNIT_TEST(mux_frontends_each_keep_their_write_watch)
{
    char *base = tmp_path("muxww");
    char *pin = g_strdup_printf("%s.in", base), *pout = g_strdup_printf("%s.out", base);
    char *arg = g_strdup_printf("path=%s", base);
    uint8_t data[4096] = { 0 };
    char sink[65536];
    int fired_a = 0, fired_b = 0, rd;
    Chardev *mux;
    Fe a, b;

    /*
     * The UART and the monitor behind one full terminal: both wait for it.
     * One frontend's watch must not replace or cancel the other's, or that
     * frontend would wait forever (its output stops for good).
     */
    CHECK(mkfifo(pin, 0600) == 0 && mkfifo(pout, 0600) == 0);
    mux = chardev_new_kv("mww0", "pipe", &error_abort, arg, "mux=on", NULL);
    fe_attach(&a, mux);
    fe_attach(&b, mux);
    while (qemu_chr_fe_write(&a.be, data, sizeof(data)) > 0) {
    }
    CHECK(qemu_chr_fe_add_write_watch(&a.be, count_writable, &fired_a));
    CHECK(qemu_chr_fe_add_write_watch(&b.be, count_writable, &fired_b));
    rd = open(pout, O_RDONLY | O_NONBLOCK);
    CHECK(rd >= 0);
    CHECK(read(rd, sink, sizeof(sink)) > 0);
    RUN_UNTIL(fired_a == 1 && fired_b == 1, 2000);
    run_for(30);
    CHECK_EQ(fired_a, 1);               /* one-shot for each */
    CHECK_EQ(fired_b, 1);

    /* Cancelling one leaves the other armed. */
    while (qemu_chr_fe_write(&a.be, data, sizeof(data)) > 0) {
    }
    CHECK(qemu_chr_fe_add_write_watch(&a.be, count_writable, &fired_a));
    CHECK(qemu_chr_fe_add_write_watch(&b.be, count_writable, &fired_b));
    CHECK(qemu_chr_fe_add_write_watch(&b.be, NULL, NULL));
    while (read(rd, sink, sizeof(sink)) > 0) {
    }
    RUN_UNTIL(fired_a == 2, 2000);
    run_for(30);
    CHECK_EQ(fired_b, 1);
    fe_detach(&a, false);
    fe_detach(&b, true);
    CHECK(qemu_chr_delete("mww0-base", &error_abort));
    close(rd);
    unlink(pin);
    unlink(pout);
    g_free(pin);
    g_free(pout);
    g_free(base);
    g_free(arg);
}

UNIT_TEST(frontend_attach_rules)
{
    Chardev *chr = chardev_new_kv("fa0", "ringbuf", &error_abort, NULL);
    Chardev *mux;
    CharBackend other, none, many[4];
    Error *err = NULL;
    Fe a, b;

    /* One frontend per plain backend. */
    fe_attach(&a, chr);
    CHECK(!qemu_chr_fe_init(&other, chr, &err));
    CHECK(strstr(error_get_pretty(err), "'fa0'") && strstr(error_get_pretty(err), "in use"));
    error_free(err);
    err = NULL;
    fe_detach(&a, true);

    /* A backend-less frontend: writes vanish, nothing is open. */
    CHECK(qemu_chr_fe_init(&none, NULL, &error_abort));
    CHECK(!qemu_chr_fe_backend_connected(&none));
    CHECK_EQ(qemu_chr_fe_write_all(&none, (const uint8_t *)"x", 1), 1);
    qemu_chr_fe_deinit(&none, false);

    /* A mux takes up to four; focus moves on request and on detach. */
    mux = chardev_new_kv("fa1", "ringbuf", &error_abort, "mux=on", NULL);
    fe_attach(&a, mux);
    fe_attach(&b, mux);
    qemu_chr_fe_take_focus(&a.be);
    CHECK_EQ(a.last_event, CHR_EVENT_MUX_IN);
    CHECK_EQ(b.last_event, CHR_EVENT_MUX_OUT);
    fe_detach(&a, false);
    CHECK_EQ(b.last_event, CHR_EVENT_MUX_IN);
    for (int i = 0; i < 3; i++) {
        CHECK(qemu_chr_fe_init(&many[i], mux, &error_abort));
    }
    /* a's slot was reused: b plus three makes four, the limit. */
    CHECK_EQ(many[0].tag, 0);
    CHECK(!qemu_chr_fe_init(&many[3], mux, &err));
    CHECK(strstr(error_get_pretty(err), "fa1") != NULL);
    error_free(err);
    for (int i = 0; i < 3; i++) {
        qemu_chr_fe_deinit(&many[i], false);
    }
    fe_detach(&b, false);
    CHECK(qemu_chr_delete("fa1", &error_abort));
    CHECK(qemu_chr_delete("fa1-base", &error_abort));
}

UNIT_TEST(handlers_run_in_the_frontends_loop)
{
    char *base = tmp_path("lfifo");
    char *pin = g_strdup_printf("%s.in", base), *pout = g_strdup_printf("%s.out", base);
    char *arg = g_strdup_printf("path=%s", base);
    EventLoop *io = event_loop_new(&error_abort);
    int64_t end;
    int win;
    Fe fe;

    CHECK(mkfifo(pin, 0600) == 0 && mkfifo(pout, 0600) == 0);
    fe_attach(&fe, chardev_new_kv("lp0", "pipe", &error_abort, arg, NULL));
    /* Move the handlers to another loop (an iothread's). */
    qemu_chr_fe_set_handlers(&fe.be, fe_can_read, fe_read, fe_event, &fe, io, false);
    win = open(pin, O_WRONLY | O_NONBLOCK);
    CHECK(win >= 0);
    CHECK_EQ(write(win, "io", 2), 2);
    run_for(30);                        /* the main loop does not read it */
    CHECK_EQ(fe.in->len, 0);
    end = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + 2000;
    while (fe.in->len < 2 && qemu_clock_get_ms(QEMU_CLOCK_REALTIME) < end) {
        event_loop_run_once(io, true);
    }
    CHECK_STREQ(fe.in->str, "io");
    /* And back to the main loop. */
    qemu_chr_fe_set_handlers(&fe.be, fe_can_read, fe_read, fe_event, &fe, NULL, false);
    CHECK_EQ(write(win, "main", 4), 4);
    RUN_UNTIL(fe.in->len == 6, 2000);
    fe_detach(&fe, true);
    event_loop_free(io);
    close(win);
    unlink(pin);
    unlink(pout);
    g_free(base); g_free(pin); g_free(pout); g_free(arg);
}

static void count_chr(Chardev *chr, void *opaque)
{
    (*(int *)opaque)++;
}

UNIT_TEST(foreach_and_cleanup)
{
    int n = 0;

    chardev_new_kv("c1", "null", &error_abort, NULL);
    chardev_new_kv("c2", "ringbuf", &error_abort, "mux=on", NULL);
    qemu_chr_foreach(count_chr, &n);
    CHECK_EQ(n, 3);             /* c1, c2-base, c2 */
    qemu_chr_cleanup();
    n = 0;
    qemu_chr_foreach(count_chr, &n);
    CHECK_EQ(n, 0);
}
