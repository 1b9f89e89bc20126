/* Chardev socket (unix, tcp, telnet) and pty backends. */
#include "tests/unit/chardev-test.h"

#include <sys/socket.h>
#include <netinet/in.h>

UNIT_TEST(socket_unix_server_and_client)
{
    char *path = tmp_path("sock");
    char *arg = g_strdup_printf("path=%s", path);
    Chardev *srv, *cli, *cli2;
    Fe s, c, c2;

    srv = chardev_new_kv("srv", "socket", &error_abort, arg, "server=on", "wait=off",
                         NULL);
    CHECK(g_str_has_prefix(srv->filename, "disconnected:unix:"));
    fe_attach(&s, srv);
    CHECK(!qemu_chr_fe_backend_open(&s.be));
    CHECK_EQ(s.events[CHR_EVENT_OPENED], 0);

    cli = chardev_new_kv("cli", "socket", &error_abort, arg, NULL);
    fe_attach(&c, cli);
    CHECK_EQ(c.events[CHR_EVENT_OPENED], 1);        /* connected during open */
    RUN_UNTIL(s.events[CHR_EVENT_OPENED] == 1, 2000);
    CHECK(qemu_chr_fe_backend_open(&s.be));
    CHECK(strstr(srv->filename, "<->") != NULL);

    fe_write_str(&c, "ping");
    RUN_UNTIL(s.in->len == 4, 2000);
    CHECK_STREQ(s.in->str, "ping");
    fe_write_str(&s, "pong");
    RUN_UNTIL(c.in->len == 4, 2000);
    CHECK_STREQ(c.in->str, "pong");

    /* A second client waits: the server serves one at a time. */
    cli2 = chardev_new_kv("cli2", "socket", &error_abort, arg, NULL);
    fe_attach(&c2, cli2);
    fe_write_str(&c2, "second");
    run_for(50);
    CHECK_EQ(s.events[CHR_EVENT_OPENED], 1);
    CHECK_STREQ(s.in->str, "ping");

    /* The first leaves: CLOSED, then the waiting one is accepted. */
    fe_detach(&c, true);
    RUN_UNTIL(s.events[CHR_EVENT_CLOSED] == 1, 2000);
    RUN_UNTIL(s.events[CHR_EVENT_OPENED] == 2, 2000);
    RUN_UNTIL(s.in->len == 10, 2000);
    CHECK_STREQ(s.in->str, "pingsecond");

    fe_detach(&c2, true);
    RUN_UNTIL(s.events[CHR_EVENT_CLOSED] == 2, 2000);
    CHECK(g_str_has_prefix(srv->filename, "disconnected:"));
    /* Output with no peer is dropped, not an error. */
    CHECK_EQ(fe_write_str(&s, "nobody"), 6);
    fe_detach(&s, true);
    /* The server removes its socket file. */
    CHECK(access(path, F_OK) != 0);
    g_free(path); g_free(arg);
}

UNIT_TEST(socket_client_reconnects)
{
    char *path = tmp_path("resock");
    char *arg = g_strdup_printf("path=%s", path);
    Chardev *srv, *cli;
    Fe s, c;

    /* Nobody listens yet: with reconnect= that is not an error. */
    cli = chardev_new_kv("recli", "socket", &error_abort, arg, "reconnect=1", NULL);
    fe_attach(&c, cli);
    CHECK(!qemu_chr_fe_backend_open(&c.be));
    srv = chardev_new_kv("resrv", "socket", &error_abort, arg, "server=on", "wait=off",
                         NULL);
    fe_attach(&s, srv);
    RUN_UNTIL(c.events[CHR_EVENT_OPENED] == 1, 3000);
    RUN_UNTIL(s.events[CHR_EVENT_OPENED] == 1, 2000);
    fe_detach(&c, true);
    fe_detach(&s, true);
    g_free(path); g_free(arg);
}

UNIT_TEST(tcp_shorthand_and_refused_client)
{
    Chardev *srv = qemu_chr_new("tsrv", "tcp:127.0.0.1:0,server,nowait", &error_abort);
    const char *port;
    int portnum;
    char *addr;
    Error *err = NULL;
    char *msg;
    Chardev *cli;
    Fe s, c;

    /* port 0 became a real port, shown in the filename. */
    CHECK(g_str_has_prefix(srv->filename, "disconnected:tcp:127.0.0.1:"));
    port = srv->filename + strlen("disconnected:tcp:127.0.0.1:");
    portnum = atoi(port);
    CHECK(portnum > 0);
    addr = g_strdup_printf("tcp:127.0.0.1:%d,nodelay=on", portnum);
    fe_attach(&s, srv);
    cli = qemu_chr_new("tcli", addr, &error_abort);
    fe_attach(&c, cli);
    RUN_UNTIL(s.events[CHR_EVENT_OPENED] == 1, 2000);
    fe_write_str(&c, "over tcp");
    RUN_UNTIL(s.in->len == 8, 2000);
    fe_detach(&c, true);
    fe_detach(&s, true);

    /* The server is gone: a client without reconnect fails, naming the address. */
    g_free(addr);
    addr = g_strdup_printf("tcp:127.0.0.1:%d", portnum);
    msg = expect_error(qemu_chr_new("tcli2", addr, &err), &err);
    CHECK(strstr(msg, addr) != NULL);
    CHECK(strstr(msg, "refused") != NULL);
    g_free(msg);
    g_free(addr);
    CHECK(qemu_chr_find("tcli2") == NULL);
}

UNIT_TEST(pty_backend)
{
    Chardev *chr = chardev_new_kv("pty0", "pty", &error_abort, NULL);
    const char *slave;
    char buf[16];
    int fd;
    Fe fe;

    CHECK(g_str_has_prefix(chr->filename, "pty:/dev/pts/"));
    slave = chr->filename + 4;
    fe_attach(&fe, chr);
    CHECK(!qemu_chr_fe_backend_open(&fe.be));
    CHECK_EQ(fe_write_str(&fe, "dropped"), 7);     /* nobody on the line */
    fd = open(slave, O_RDWR | O_NOCTTY);
    CHECK(fd >= 0);
    RUN_UNTIL(fe.events[CHR_EVENT_OPENED] == 1, 3000);
    CHECK_EQ(write(fd, "hi", 2), 2);
    RUN_UNTIL(fe.in->len == 2, 2000);
    CHECK_STREQ(fe.in->str, "hi");
    fe_write_str(&fe, "yo");
    CHECK_EQ(read(fd, buf, sizeof(buf)), 2);
    CHECK(!memcmp(buf, "yo", 2));
    close(fd);
    RUN_UNTIL(fe.events[CHR_EVENT_CLOSED] == 1, 2000);
    fe_detach(&fe, true);
}

#include <arpa/inet.h>

static int tcp_connect_port(int port)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Read exactly len bytes (the test's side is blocking, with the loop run in between). */
static void read_exact(int fd, uint8_t *buf, int len)
{
    int got = 0;

    fcntl(fd, F_SETFL, O_NONBLOCK);
    RUN_UNTIL(({
        ssize_t n = read(fd, buf + got, len - got);
        if (n > 0) {
            got += n;
        }
        got == len;
    }), 2000);
}

UNIT_TEST(telnet_server_framing)
{
    Chardev *srv = qemu_chr_new("tn0", "telnet:127.0.0.1:0,server=on,wait=off",
                                &error_abort);
    static const uint8_t greeting[] = { 255, 251, 1, 255, 251, 3, 255, 251, 0,
                                        255, 253, 0 };
    static const uint8_t from_client[] = {
        'a', 255, 255, 'b', '\r', 0, 'c',          /* data, IAC IAC, CR NUL */
        255, 253, 1,                               /* DO ECHO: a reply, dropped */
        255, 250, 24, 0, 'x', 't', 255, 240,       /* SB TERMINAL-TYPE ... SE */
        255, 243,                                  /* BRK */
        '\r', '\n',
    };
    uint8_t buf[64];
    int port, fd;
    Fe fe;

    CHECK(g_str_has_prefix(srv->filename, "disconnected:telnet:127.0.0.1:"));
    port = atoi(srv->filename + strlen("disconnected:telnet:127.0.0.1:"));
    fe_attach(&fe, srv);
    fd = tcp_connect_port(port);
    CHECK(fd >= 0);
    RUN_UNTIL(fe.events[CHR_EVENT_OPENED] == 1, 2000);
    read_exact(fd, buf, sizeof(greeting));
    CHECK(!memcmp(buf, greeting, sizeof(greeting)));

    CHECK_EQ(write(fd, from_client, sizeof(from_client)), sizeof(from_client));
    RUN_UNTIL(fe.in->len == 7, 2000);
    CHECK(!memcmp(fe.in->str, "a\xff" "b\rc\r\n", 7));
    CHECK_EQ(fe.events[CHR_EVENT_BREAK], 1);

    /* Output: 0xFF doubled on the wire. */
    CHECK_EQ(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"x\xffy", 3), 3);
    read_exact(fd, buf, 4);
    CHECK(!memcmp(buf, "x\xff\xffy", 4));
    close(fd);
    RUN_UNTIL(fe.events[CHR_EVENT_CLOSED] == 1, 2000);
    fe_detach(&fe, true);
}
