/*
 * HMP through a session (line editor, history, completion) and through
 * QMP's human-monitor-command (x/xp/print layouts, errors), and the
 * commands that move guest memory and ringbuf bytes (pmemsave, ringbuf-*).
 */
#include "core/osdep.h"
#include "hw/core/machine.h"
#include "memory/memory.h"
#include "tests/unit/qmp-test.h"

UNIT_TEST(qmp_memory_and_ringbuf_commands)
{
    MemoryRegion *ram = g_new0(MemoryRegion, 1);
    Chardev *rb = ringbuf_new("rb0");
    char *path = g_strdup_printf("%s/machina-pmemsave-%d.bin", g_get_tmp_dir(), getpid());
    char *req, *contents = NULL;
    gsize len = 0;
    uint8_t pattern[256];
    Session s;

    for (int i = 0; i < 256; i++) {
        pattern[i] = (uint8_t)(i * 7 + 1);
    }
    CHECK(memory_region_init_ram(ram, NULL, "save-ram", 64 * KiB, NULL));
    memory_region_add_subregion(get_system_memory(), 0x90000000, ram);
    address_space_write(get_address_space_memory(), 0x90000000, MEMTXATTRS_UNSPECIFIED,
                        pattern, sizeof(pattern));
    session_open(&s, "q12", true);
    negotiate(&s);

    /* pmemsave: the bytes, and zeroes for the hole past the RAM. */
    req = g_strdup_printf("{\"execute\":\"pmemsave\",\"arguments\":{\"val\":%llu,"
                          "\"size\":%d,\"filename\":\"%s\"}}",
                          0x90000000ULL + 64 * KiB - 128, 256, path);
    CHECK_ASK(&s, req, "{\"return\": {}}\r\n");
    g_free(req);
    CHECK(g_file_get_contents(path, &contents, &len, NULL));
    CHECK_EQ(len, 256);
    for (int i = 0; i < 256; i++) {
        CHECK_EQ((uint8_t)contents[i], 0);
    }
    g_free(contents);
    req = g_strdup_printf("{\"execute\":\"pmemsave\",\"arguments\":{\"val\":%llu,"
                          "\"size\":256,\"filename\":\"%s\"}}", 0x90000000ULL, path);
    CHECK_ASK(&s, req, "{\"return\": {}}\r\n");
    g_free(req);
    CHECK(g_file_get_contents(path, &contents, &len, NULL));
    CHECK_EQ(len, 256);
    CHECK(memcmp(contents, pattern, 256) == 0);
    g_free(contents);
    unlink(path);
    CHECK_ASK(&s, "{\"execute\":\"pmemsave\",\"arguments\":{\"val\":0,\"size\":1,"
                  "\"filename\":\"/nonexistent-dir/x\"}}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Could not open "
              "'/nonexistent-dir/x': No such file or directory\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"pmemsave\",\"arguments\":{\"val\":18446744073709551615,"
                  "\"size\":1,\"filename\":\"x\"}}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"Invalid parameter type for 'val', expected: integer\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"memsave\",\"arguments\":{\"val\":0,\"size\":1,"
                  "\"filename\":\"x\"}}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"Parameter 'cpu-index' expects a CPU number\"}}\r\n");

    /* ringbuf-write / ringbuf-read, text and base64. */
    CHECK_ASK(&s, "{\"execute\":\"ringbuf-write\",\"arguments\":{\"device\":\"rb0\","
                  "\"data\":\"hello\"}}", "{\"return\": {}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"ringbuf-read\",\"arguments\":{\"device\":\"rb0\","
                  "\"size\":3}}", "{\"return\": \"hel\"}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"ringbuf-read\",\"arguments\":{\"device\":\"rb0\","
                  "\"size\":10,\"format\":\"base64\"}}", "{\"return\": \"bG8=\"}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"ringbuf-write\",\"arguments\":{\"device\":\"rb0\","
                  "\"data\":\"/wA=\",\"format\":\"base64\"}}", "{\"return\": {}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"ringbuf-read\",\"arguments\":{\"device\":\"rb0\","
                  "\"size\":8}}", "{\"return\": \"\\uFFFD\\u0000\"}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"ringbuf-read\",\"arguments\":{\"device\":\"nope\","
                  "\"size\":8}}", "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                                   "\"Device 'nope' not found\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"ringbuf-read\",\"arguments\":{\"device\":\"rb0\","
                  "\"size\":0}}", "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                                   "\"size must be greater than zero\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"chardev-remove\",\"arguments\":{\"id\":\"q12\"}}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"Chardev 'q12' is busy\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"chardev-remove\",\"arguments\":{\"id\":\"rb0\"}}",
              "{\"return\": {}}\r\n");
    CHECK(qemu_chr_find("rb0") == NULL);
    (void)rb;
    session_close(&s);
    memory_region_del_subregion(get_system_memory(), ram);
    g_free(path);
}

/* ---------------------------------------------------------------- HMP */

static char *hmp(Session *s, const char *line)
{
    json_object *args = json_object_new_object();
    char *req, *out;

    json_object_object_add(args, "command-line", json_object_new_string(line));
    req = g_strdup_printf("{\"execute\": \"human-monitor-command\", \"arguments\": %s}",
                          json_object_to_json_string(args));
    json_object_put(args);
    out = ask(s, req);
    g_free(req);
    return out;
}

#define CHECK_HMP(s, line, expected)                                       \
    do {                                                                   \
        char *out_ = hmp(s, line);                                         \
        CHECK_STREQ(out_, "{\"return\": \"" expected "\"}\r\n");           \
        g_free(out_);                                                      \
    } while (0)

UNIT_TEST(hmp_through_qmp)
{
    static const uint8_t bytes[16] = {
        0x97, 0x02, 0x00, 0x00, 0x13, 0x86, 0x82, 0x02,
        0x73, 0x25, 0x40, 0xf1, 0x83, 0xb5, 0x02, 0x02,
    };
    MemoryRegion *ram = g_new0(MemoryRegion, 1);
    Session s;

    CHECK(memory_region_init_ram(ram, NULL, "test-ram", 64 * KiB, NULL));
    memory_region_add_subregion(get_system_memory(), 0x80000000, ram);
    CHECK_EQ(address_space_write(get_address_space_memory(), 0x80000000,
                                 MEMTXATTRS_UNSPECIFIED, bytes, sizeof(bytes)), MEMTX_OK);

    monitor_set_vm_ops(&fake_ops);
    fake_running = false;
    session_open(&s, "q11", true);
    negotiate(&s);
    CHECK_HMP(&s, "info status", "VM status: paused\\r\\n");
    CHECK_HMP(&s, "print 0x10+3", "0x13\\r\\n");
    CHECK_HMP(&s, "p /d (7-10)*2", "-6\\r\\n");
    CHECK_HMP(&s, "p 1/0", "Error: division by zero\\r\\n");
    CHECK_HMP(&s, "xp /4xw 0x80000000",
              "0000000080000000: 0x00000297 0x02828613 0xf1402573 0x0202b583\\r\\n");
    CHECK_HMP(&s, "xp /3xb 0x80000000", "0000000080000000: 0x97 0x02 0x00\\r\\n");
    CHECK_HMP(&s, "xp /2xg 0x80000000",
              "0000000080000000: 0x0282861300000297 0x0202b583f1402573\\r\\n");
    CHECK_HMP(&s, "xp /5dh 0x80000000",
              "0000000080000000:   663     0 34323   642  9587\\r\\n");
    CHECK_HMP(&s, "xp /2ub 0x80000000", "0000000080000000: 151   2\\r\\n");
    CHECK_HMP(&s, "xp /2c 0x80000000", "0000000080000000: '\\\\x97' '\\\\x02'\\r\\n");
    CHECK_HMP(&s, "xp 0x80000000+4", "0000000080000004: 0x02828613\\r\\n");
    CHECK_HMP(&s, "xp /9xw 0x80000000",
              "0000000080000000: 0x00000297 0x02828613 0xf1402573 0x0202b583\\r\\n"
              "0000000080000010: 0x00000000 0x00000000 0x00000000 0x00000000\\r\\n"
              "0000000080000020: 0x00000000\\r\\n");
    CHECK_HMP(&s, "xp /4s 0x80000000",
              "invalid char in format: 's'\\r\\nTry \\\"help xp\\\" for more "
              "information\\r\\n");
    CHECK_HMP(&s, "xp /4xw 0x0", "Error: Cannot access memory at 0x0\\r\\n");
    CHECK_HMP(&s, "x /4xw 0x80000000", "Error: No CPU available\\r\\n");
    CHECK_HMP(&s, "foo", "unknown command: 'foo'\\r\\n");
    CHECK_HMP(&s, "info foo", "unknown command: 'info foo'\\r\\n");
    CHECK_HMP(&s, "device_del bar", "Error: Device 'bar' not found\\r\\n");
    CHECK_HMP(&s, "info kvm", "kvm support: not compiled\\r\\n");
    CHECK_HMP(&s, "help xp", "xp /fmt addr -- physical memory dump starting at 'addr'\\r\\n");
    {
        char *out = hmp(&s, "cont");

        CHECK(strstr(out, "\"event\": \"RESUME\"}\r\n{\"return\": \"\"}\r\n") != NULL);
        g_free(out);
    }
    CHECK_HMP(&s, "info status", "VM status: running\\r\\n");
    {
        char *out = hmp(&s, "stop");

        CHECK(strstr(out, "\"event\": \"STOP\"") != NULL);
        g_free(out);
    }
    {
        char *out = hmp(&s, "info mtree");

        CHECK(strstr(out, "0000000080000000-000000008000ffff (prio 0, ram): test-ram") != NULL);
        g_free(out);
    }
    session_close(&s);
    monitor_set_vm_ops(NULL);
    memory_region_del_subregion(get_system_memory(), ram);
}

UNIT_TEST(hmp_session)
{
    Session s;
    char *out;

    session_open(&s, "h1", false);
    out = drain(&s);
    CHECK_STREQ(out, "Machina 0.1.0 monitor - type 'help' for more information\r\n(qemu) ");
    g_free(out);
    /* Typed characters echo; backspace erases; CR LF is one Enter. */
    CHECK_ASK(&s, "prj\x7fint 2*3\r\n", "prj\b \bint 2*3\r\n0x6\r\n(qemu) ");
    /* Other escape sequences (right arrow, F5) are not part of the line. */
    CHECK_ASK(&s, "p 1\x1b[C\x1b[15~\n", "p 1\r\n0x1\r\n(qemu) ");
    CHECK_ASK(&s, "\n", "\r\n(qemu) ");
    /* Up arrow: the previous line again (erasing what was typed). */
    CHECK_ASK(&s, "xy\x1b[A", "xy\b \b\b \bp 1");
    CHECK_ASK(&s, "\x1b[A", "\b \b\b \b\b \bprint 2*3");
    CHECK_ASK(&s, "\x1b[B\x1b[B", "\b \b\b \b\b \b\b \b\b \b\b \b\b \b\b \b\b \bp 1\b \b\b \b\b \b");
    CHECK_ASK(&s, "\x1b[A\r", "p 1\r\n0x1\r\n(qemu) ");
    /* Tab completes a unique command, lists several, completes info's words. */
    CHECK_ASK(&s, "system_r\t", "system_reset ");
    CHECK_ASK(&s, "\x03", "\r\n(qemu) ");
    CHECK_ASK(&s, "qom-\t", "qom-\r\nqom-list qom-get qom-set\r\n(qemu) qom-");
    CHECK_ASK(&s, "\x03info mt\t", "\r\n(qemu) info mtree ");
    CHECK_ASK(&s, "\x03info hist\t\r", "\r\n(qemu) info history \r\n0: 'print 2*3'\r\n"
                  "1: 'p 1'\r\n2: 'info history '\r\n(qemu) ");
    session_close(&s);
}
