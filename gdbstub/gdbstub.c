/*
 * GDB Remote Serial Protocol stub (see gdbstub.h, docs/gdbstub.md).
 *
 * Packets are "$data#cs" with cs the modulo-256 sum of data in two hex
 * digits; the receiver answers '+' or '-' until QStartNoAckMode (GDB
 * manual, "Overview" and "Packet Acknowledgment").  A 0x03 byte outside a
 * packet is the interrupt request (Ctrl-C).  Everything here runs in the
 * main loop with the BQL held; the vCPUs are parked whenever gdb looks at
 * registers or memory, because gdb only does so while the target is
 * stopped (all-stop mode).
 */
#include "core/osdep.h"
#include <ctype.h>
#include "core/error.h"
#include "core/main-loop.h"
#include "accel/tcg/cpu.h"
#include "chardev/char.h"
#include "hw/core/machine.h"
#include "memory/memory.h"
#include "monitor/monitor-internal.h"
#include "gdbstub/gdbstub.h"

#define GDB_MAX_PACKET 4096         /* our PacketSize (qSupported) */

/* POSIX signal numbers gdb knows as stop reasons. */
#define GDB_SIGINT 2
#define GDB_SIGTRAP 5

typedef enum {
    RS_IDLE,            /* between packets */
    RS_DATA,            /* after '$' */
    RS_CSUM1,           /* after '#' */
    RS_CSUM2,
} RSState;

typedef struct GDBState {
    CharBackend chr;
    const GdbVMOps *vm;
    RSState rs;
    GString *line;
    uint8_t csum;       /* running sum of the packet data */
    uint8_t csum_rx;    /* checksum digits received */
    bool no_ack;
    bool connected;
    bool waiting;       /* the guest runs on gdb's behalf: report its stop */
    CPUState *g_cpu;    /* Hg: registers and memory */
    CPUState *c_cpu;    /* Hc: continue / step */
    QEMUBH *stop_bh;
    CPUState *volatile debug_cpu;   /* set by the vCPU thread on EXCP_DEBUG */
    GString *xfer;      /* scratch for qXfer replies */
} GDBState;

static GDBState *gdbserver;
static const GdbTargetOps *target_ops;

void gdb_register_target(const GdbTargetOps *ops)
{
    target_ops = ops;
}

/* ------------------------------------------------------------ output */

static const char hexchars[] = "0123456789abcdef";

static void put_hex_bytes(GString *out, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        g_string_append_c(out, hexchars[buf[i] >> 4]);
        g_string_append_c(out, hexchars[buf[i] & 15]);
    }
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Decode exactly len bytes of hex at p; false on a bad digit. */
static bool get_hex_bytes(const char *p, uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        int hi = hexval((unsigned char)p[2 * i]);
        int lo = hi < 0 ? -1 : hexval((unsigned char)p[2 * i + 1]);

        if (lo < 0) {
            return false;
        }
        buf[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* Send one packet; binary-safe ('}' escaping for the four special bytes). */
static void put_packet_len(GDBState *s, const char *data, size_t len)
{
    GString *pkt = g_string_sized_new(len + 8);
    uint8_t csum = 0;

    g_string_append_c(pkt, '$');
    for (size_t i = 0; i < len; i++) {
        char c = data[i];

        if (c == '$' || c == '#' || c == '}' || c == '*') {
            /* GDB manual, "Overview": escape as '}' then c ^ 0x20. */
            g_string_append_c(pkt, '}');
            csum += '}';
            c ^= 0x20;
        }
        g_string_append_c(pkt, c);
        csum += (uint8_t)c;
    }
    g_string_append_printf(pkt, "#%02x", csum);
    qemu_chr_fe_write_all(&s->chr, (const uint8_t *)pkt->str, (int)pkt->len);
    g_string_free(pkt, true);
}

static void put_packet(GDBState *s, const char *data)
{
    put_packet_len(s, data, strlen(data));
}

/* ------------------------------------------------------------ threads */

/* Thread ids are cpu_index + 1 (0 means "any" and -1 "all" in the protocol). */
static int cpu_thread_id(CPUState *cpu)
{
    return cpu->cpu_index + 1;
}

static CPUState *cpu_by_thread_id(long tid)
{
    CPUState *cpu;

    if (tid <= 0) {
        return first_cpu;
    }
    CPU_FOREACH(cpu) {
        if (cpu_thread_id(cpu) == tid) {
            return cpu;
        }
    }
    return NULL;
}

/* A thread-id: "-1", "0", hex, or "pPID.TID" (multiprocess syntax). */
static bool parse_thread_id(const char *p, long *tid, const char **end)
{
    char *e;

    if (*p == 'p') {
        p = strchr(p, '.');
        if (!p) {
            return false;
        }
        p++;
    }
    if (p[0] == '-' && p[1] == '1') {
        *tid = -1;
        *end = p + 2;
        return true;
    }
    errno = 0;
    *tid = strtol(p, &e, 16);
    if (e == p || errno) {
        return false;
    }
    *end = e;
    return true;
}

static void send_stop_reply(GDBState *s, int signal, CPUState *cpu)
{
    char buf[64];

    snprintf(buf, sizeof(buf), "T%02xthread:%02x;", signal, cpu_thread_id(cpu));
    put_packet(s, buf);
}

/* ------------------------------------------------------------ run control */

static void clear_single_step(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        cpu->singlestep_enabled = 0;
    }
}

/* Run the guest; step_cpu executes one instruction and stops (NULL: continue). */
static void gdb_resume(GDBState *s, CPUState *step_cpu)
{
    clear_single_step();
    if (step_cpu) {
        step_cpu->singlestep_enabled = 1;
    }
    s->waiting = true;
    s->vm->cont();
}

/* vCPU thread, BQL held, all CPUs parked: hand the stop to the main loop. */
static void gdb_debug_exit(CPUState *cpu)
{
    GDBState *s = gdbserver;

    if (s) {
        s->debug_cpu = cpu;
        qemu_bh_schedule(s->stop_bh);
    }
}

static void gdb_stop_bh(void *opaque)
{
    GDBState *s = opaque;
    CPUState *cpu = s->debug_cpu;

    if (!cpu) {
        return;
    }
    s->debug_cpu = NULL;
    s->vm->stop();
    clear_single_step();
    s->c_cpu = s->g_cpu = cpu;
    if (s->waiting && s->connected) {
        s->waiting = false;
        send_stop_reply(s, GDB_SIGTRAP, cpu);
    }
}

/* ------------------------------------------------------------ memory */

/* len bytes at guest virtual addr as g_cpu sees it (as QEMU's stub does). */
static bool gdb_memory_rw(GDBState *s, uint64_t addr, uint8_t *buf, size_t len,
                          bool is_write)
{
    AddressSpace *as = s->g_cpu->as ? s->g_cpu->as : get_address_space_memory();

    while (len) {
        uint64_t pa;
        size_t chunk = MIN(len, 4096 - (addr & 4095));
        MemTxResult r;

        if (!monitor_virt_to_phys(s->g_cpu, addr, &pa, NULL)) {
            return false;
        }
        if (is_write) {
            r = address_space_write(as, pa, MEMTXATTRS_UNSPECIFIED, buf, chunk);
        } else {
            r = address_space_read(as, pa, MEMTXATTRS_UNSPECIFIED, buf, chunk);
        }
        if (r != MEMTX_OK) {
            return false;
        }
        buf += chunk;
        addr += chunk;
        len -= chunk;
    }
    return true;
}

/* ------------------------------------------------------------ packets */

/* "ADDR,LEN" in hex; *end after LEN. */
static bool parse_addr_len(const char *p, uint64_t *addr, uint64_t *len, const char **end)
{
    char *e;

    errno = 0;
    *addr = strtoull(p, &e, 16);
    if (e == p || *e != ',' || errno) {
        return false;
    }
    p = e + 1;
    *len = strtoull(p, &e, 16);
    if (e == p || errno) {
        return false;
    }
    *end = e;
    return true;
}

static void handle_read_regs(GDBState *s)
{
    GByteArray *regs = g_byte_array_new();
    GString *out = g_string_new(NULL);

    for (int n = 0; n < target_ops->g_regs; n++) {
        target_ops->read_register(s->g_cpu, regs, n);
    }
    put_hex_bytes(out, regs->data, regs->len);
    put_packet(s, out->str);
    g_string_free(out, true);
    g_byte_array_free(regs, true);
}

static void handle_write_regs(GDBState *s, const char *p)
{
    size_t hexlen = strlen(p);
    size_t off = 0;
    g_autofree uint8_t *buf = g_malloc(hexlen / 2 + 1);

    if (hexlen & 1 || !get_hex_bytes(p, buf, hexlen / 2)) {
        put_packet(s, "E01");
        return;
    }
    for (int n = 0; n < target_ops->g_regs; n++) {
        size_t size = target_ops->register_size(n);

        if (off + size > hexlen / 2) {
            break;              /* a short 'G' sets the leading registers */
        }
        target_ops->write_register(s->g_cpu, buf + off, size, n);
        off += size;
    }
    put_packet(s, "OK");
}

static void handle_read_reg(GDBState *s, const char *p)
{
    char *e;
    long n = strtol(p, &e, 16);
    GByteArray *reg;
    GString *out;

    if (e == p || *e || n < 0 || n >= target_ops->num_regs()) {
        put_packet(s, "E14");
        return;
    }
    reg = g_byte_array_new();
    if (!target_ops->read_register(s->g_cpu, reg, (int)n)) {
        put_packet(s, "E14");
    } else {
        out = g_string_new(NULL);
        put_hex_bytes(out, reg->data, reg->len);
        put_packet(s, out->str);
        g_string_free(out, true);
    }
    g_byte_array_free(reg, true);
}

static void handle_write_reg(GDBState *s, const char *p)
{
    char *e;
    long n = strtol(p, &e, 16);
    size_t hexlen;
    g_autofree uint8_t *buf = NULL;

    if (e == p || *e != '=' || n < 0 || n >= target_ops->num_regs()) {
        put_packet(s, "E14");
        return;
    }
    p = e + 1;
    hexlen = strlen(p);
    buf = g_malloc(hexlen / 2 + 1);
    if (hexlen & 1 || !get_hex_bytes(p, buf, hexlen / 2) ||
        !target_ops->write_register(s->g_cpu, buf, hexlen / 2, (int)n)) {
        put_packet(s, "E14");
        return;
    }
    put_packet(s, "OK");
}

static void handle_read_mem(GDBState *s, const char *p)
{
    uint64_t addr, len;
    const char *e;
    g_autofree uint8_t *buf = NULL;
    GString *out;

    if (!parse_addr_len(p, &addr, &len, &e) || *e) {
        put_packet(s, "E22");
        return;
    }
    /* Never more than fits in one reply (two hex digits a byte). */
    len = MIN(len, (uint64_t)GDB_MAX_PACKET / 2);
    buf = g_malloc(len + 1);
    if (!gdb_memory_rw(s, addr, buf, len, false)) {
        put_packet(s, "E14");
        return;
    }
    out = g_string_new(NULL);
    put_hex_bytes(out, buf, len);
    put_packet(s, out->str);
    g_string_free(out, true);
}

static void handle_write_mem(GDBState *s, const char *p, bool binary, size_t pkt_len,
                             const char *pkt)
{
    uint64_t addr, len;
    const char *e;
    g_autofree uint8_t *buf = NULL;

    if (!parse_addr_len(p, &addr, &len, &e) || *e != ':' || len > GDB_MAX_PACKET) {
        put_packet(s, "E22");
        return;
    }
    e++;
    buf = g_malloc(len + 1);
    if (binary) {
        /* 'X': raw bytes after the colon (already unescaped). */
        if ((size_t)(e - pkt) + len != pkt_len) {
            put_packet(s, "E22");
            return;
        }
        memcpy(buf, e, len);
    } else if (strlen(e) != len * 2 || !get_hex_bytes(e, buf, len)) {
        put_packet(s, "E22");
        return;
    }
    if (!gdb_memory_rw(s, addr, buf, len, true)) {
        put_packet(s, "E14");
        return;
    }
    if (len) {
        /* The write may change code that is already translated. */
        tb_flush(NULL);
    }
    put_packet(s, "OK");
}

/* Z/z TYPE,ADDR,KIND: software (0) and hardware (1) breakpoints alike. */
static void handle_breakpoint(GDBState *s, const char *p, bool insert)
{
    char *e;
    long type = strtol(p, &e, 16);
    uint64_t addr;

    if (e == p || *e != ',') {
        put_packet(s, "E22");
        return;
    }
    if (type != 0 && type != 1) {
        put_packet(s, "");      /* watchpoints: not supported */
        return;
    }
    p = e + 1;
    errno = 0;
    addr = strtoull(p, &e, 16);
    if (e == p || *e != ',' || errno) {
        put_packet(s, "E22");
        return;
    }
    if (insert) {
        cpu_breakpoint_insert(addr);
    } else {
        cpu_breakpoint_remove(addr);
    }
    put_packet(s, "OK");
}

/* 'c [ADDR]' and 's [ADDR]': resume at ADDR if given (writes the pc). */
static void handle_resume(GDBState *s, const char *p, bool step)
{
    if (*p) {
        char *e;
        uint64_t addr = strtoull(p, &e, 16);
        uint8_t le[8];

        if (e == p || *e) {
            put_packet(s, "E22");
            return;
        }
        for (int i = 0; i < 8; i++) {
            le[i] = (uint8_t)(addr >> (8 * i));
        }
        /* The pc is the register right after the 'g' set's GPRs. */
        target_ops->write_register(s->c_cpu, le, target_ops->register_size(
                                   target_ops->g_regs - 1), target_ops->g_regs - 1);
    }
    gdb_resume(s, step ? s->c_cpu : NULL);
}

/* vCont;ACTION[:TID];...: a step action wins (all-stop: the rest just run). */
static void handle_vcont(GDBState *s, const char *p)
{
    CPUState *step = NULL;
    bool any = false;

    while (*p == ';') {
        char action = p[1];
        CPUState *cpu = s->c_cpu;

        p += 2;
        if (action == 'C' || action == 'S') {
            /* signal to deliver: ignored, as for a real machine */
            while (isxdigit((unsigned char)*p)) {
                p++;
            }
            action = action == 'C' ? 'c' : 's';
        } else if (action != 'c' && action != 's') {
            put_packet(s, "E22");
            return;
        }
        if (*p == ':') {
            long tid;
            const char *e;

            if (!parse_thread_id(p + 1, &tid, &e)) {
                put_packet(s, "E22");
                return;
            }
            p = e;
            cpu = tid > 0 ? cpu_by_thread_id(tid) : s->c_cpu;
            if (!cpu) {
                put_packet(s, "E22");
                return;
            }
        }
        if (action == 's' && !step) {
            step = cpu;
        }
        any = true;
    }
    if (!any || *p) {
        put_packet(s, "E22");
        return;
    }
    gdb_resume(s, step);
}

static void handle_set_thread(GDBState *s, const char *p)
{
    char op = *p++;
    long tid;
    const char *e;
    CPUState *cpu;

    if ((op != 'g' && op != 'c') || !parse_thread_id(p, &tid, &e) || *e) {
        put_packet(s, "E22");
        return;
    }
    cpu = cpu_by_thread_id(tid);
    if (!cpu) {
        put_packet(s, "E22");
        return;
    }
    if (op == 'g') {
        s->g_cpu = cpu;
    } else {
        s->c_cpu = cpu;
    }
    put_packet(s, "OK");
}

static void handle_thread_alive(GDBState *s, const char *p)
{
    long tid;
    const char *e;

    if (!parse_thread_id(p, &tid, &e) || *e || tid <= 0 || !cpu_by_thread_id(tid)) {
        put_packet(s, "E22");
        return;
    }
    put_packet(s, "OK");
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH (GDB manual, "General Query Packets"). */
static void handle_xfer_features(GDBState *s, const char *p)
{
    const char *colon = strchr(p, ':');
    g_autofree char *annex = NULL;
    const char *xml, *e;
    uint64_t off, len;
    size_t total;

    if (!colon) {
        put_packet(s, "E00");
        return;
    }
    annex = g_strndup(p, colon - p);
    if (!parse_addr_len(colon + 1, &off, &len, &e) || *e) {
        put_packet(s, "E00");
        return;
    }
    xml = target_ops->xml ? target_ops->xml(annex) : NULL;
    if (!xml) {
        put_packet(s, "E00");
        return;
    }
    total = strlen(xml);
    len = MIN(len, (uint64_t)GDB_MAX_PACKET - 8);
    if (off >= total) {
        put_packet(s, "l");
        return;
    }
    g_string_truncate(s->xfer, 0);
    /* 'm': more follows; 'l': this is the last piece. */
    g_string_append_c(s->xfer, off + len < total ? 'm' : 'l');
    g_string_append_len(s->xfer, xml + off, (gssize)MIN(len, total - off));
    put_packet_len(s, s->xfer->str, s->xfer->len);
}

static void handle_query(GDBState *s, const char *p)
{
    if (!strncmp(p, "qSupported", 10)) {
        char buf[128];

        snprintf(buf, sizeof(buf), "PacketSize=%x;qXfer:features:read+;"
                 "QStartNoAckMode+;vContSupported+", GDB_MAX_PACKET);
        put_packet(s, buf);
    } else if (!strcmp(p, "qAttached") || !strncmp(p, "qAttached:", 10)) {
        put_packet(s, "1");     /* attached to an existing process: detach on quit */
    } else if (!strcmp(p, "qC")) {
        char buf[32];

        snprintf(buf, sizeof(buf), "QC%x", cpu_thread_id(s->g_cpu));
        put_packet(s, buf);
    } else if (!strcmp(p, "qfThreadInfo")) {
        GString *out = g_string_new("m");
        CPUState *cpu;

        CPU_FOREACH(cpu) {
            g_string_append_printf(out, "%s%x", out->len > 1 ? "," : "",
                                   cpu_thread_id(cpu));
        }
        put_packet(s, out->str);
        g_string_free(out, true);
    } else if (!strcmp(p, "qsThreadInfo")) {
        put_packet(s, "l");     /* all threads fit in the first reply */
    } else if (!strncmp(p, "qThreadExtraInfo,", 17)) {
        long tid;
        const char *e;
        CPUState *cpu;
        char text[64];
        GString *out;

        if (!parse_thread_id(p + 17, &tid, &e) || !(cpu = cpu_by_thread_id(tid))) {
            put_packet(s, "E22");
            return;
        }
        snprintf(text, sizeof(text), "CPU#%d [%s]", cpu->cpu_index,
                 cpu->halted ? "halted" : "running");
        out = g_string_new(NULL);
        put_hex_bytes(out, (const uint8_t *)text, strlen(text));
        put_packet(s, out->str);
        g_string_free(out, true);
    } else if (!strncmp(p, "qXfer:features:read:", 20) && target_ops->xml) {
        handle_xfer_features(s, p + 20);
    } else {
        put_packet(s, "");      /* unknown query: not supported */
    }
}

static void gdb_detach(GDBState *s)
{
    cpu_breakpoint_remove_all();
    clear_single_step();
    s->waiting = false;
    s->vm->cont();
}

static void handle_packet(GDBState *s, const char *pkt, size_t len)
{
    const char *p = pkt + 1;

    if (!s->g_cpu) {
        s->g_cpu = s->c_cpu = first_cpu;
    }
    if (strchr("gGpPmMXZz", pkt[0]) && s->vm->is_running()) {
        /*
         * All-stop: gdb touches state only while the guest is stopped.  A
         * client that does not would race with the vCPUs (and a breakpoint
         * list change must not happen under a running translator): EBUSY.
         */
        put_packet(s, "E10");
        return;
    }
    switch (pkt[0]) {
    case '?':
        /* Why the target stopped: it is always a trap from gdb's view. */
        send_stop_reply(s, GDB_SIGTRAP, s->g_cpu);
        break;
    case 'g':
        handle_read_regs(s);
        break;
    case 'G':
        handle_write_regs(s, p);
        break;
    case 'p':
        handle_read_reg(s, p);
        break;
    case 'P':
        handle_write_reg(s, p);
        break;
    case 'm':
        handle_read_mem(s, p);
        break;
    case 'M':
        handle_write_mem(s, p, false, len, pkt);
        break;
    case 'X':
        handle_write_mem(s, p, true, len, pkt);
        break;
    case 'c':
        handle_resume(s, p, false);
        break;
    case 's':
        handle_resume(s, p, true);
        break;
    case 'Z':
        handle_breakpoint(s, p, true);
        break;
    case 'z':
        handle_breakpoint(s, p, false);
        break;
    case 'H':
        handle_set_thread(s, p);
        break;
    case 'T':
        handle_thread_alive(s, p);
        break;
    case 'k':
        /* As QEMU: kill ends the emulator (no reply is expected). */
        error_report("gdbstub: terminated via GDB");
        s->vm->quit();
        break;
    case 'D':
        put_packet(s, "OK");
        gdb_detach(s);
        break;
    case 'q':
        handle_query(s, pkt);
        break;
    case 'Q':
        if (!strcmp(pkt, "QStartNoAckMode")) {
            put_packet(s, "OK");
            s->no_ack = true;   /* after the '+' for this packet and our reply */
        } else {
            put_packet(s, "");
        }
        break;
    case 'v':
        if (!strcmp(pkt, "vCont?")) {
            put_packet(s, "vCont;c;C;s;S");
        } else if (!strncmp(pkt, "vCont;", 6)) {
            handle_vcont(s, pkt + 5);
        } else if (!strncmp(pkt, "vKill", 5)) {
            put_packet(s, "OK");
            error_report("gdbstub: terminated via GDB");
            s->vm->quit();
        } else {
            put_packet(s, "");  /* vMustReplyEmpty and anything unknown */
        }
        break;
    default:
        put_packet(s, "");      /* unknown packet: the empty reply */
        break;
    }
}

/* ------------------------------------------------------------ input */

static void gdb_interrupt(GDBState *s)
{
    if (s->vm->is_running()) {
        CPUState *cpu = s->c_cpu ? s->c_cpu : first_cpu;

        s->vm->stop();
        clear_single_step();
        s->debug_cpu = NULL;    /* a breakpoint racing with us: this reply wins */
        if (s->waiting) {
            s->waiting = false;
            send_stop_reply(s, GDB_SIGINT, cpu);
        }
    }
}

static void gdb_read_byte(GDBState *s, uint8_t ch)
{
    switch (s->rs) {
    case RS_IDLE:
        if (ch == '$') {
            g_string_truncate(s->line, 0);
            s->csum = 0;
            s->rs = RS_DATA;
        } else if (ch == 0x03) {
            gdb_interrupt(s);
        }
        /* '+', '-' and noise between packets are ignored. */
        break;
    case RS_DATA:
        if (ch == '#') {
            s->rs = RS_CSUM1;
        } else if (s->line->len >= GDB_MAX_PACKET * 2) {
            /* Overlong: drop it and ask again. */
            s->rs = RS_IDLE;
            if (!s->no_ack) {
                qemu_chr_fe_write_all(&s->chr, (const uint8_t *)"-", 1);
            }
        } else {
            s->csum += ch;
            g_string_append_c(s->line, (char)ch);
        }
        break;
    case RS_CSUM1: {
        int v = hexval(ch);

        s->csum_rx = (uint8_t)((v < 0 ? 0 : v) << 4);
        s->rs = v < 0 ? RS_IDLE : RS_CSUM2;
        if (v < 0 && !s->no_ack) {
            qemu_chr_fe_write_all(&s->chr, (const uint8_t *)"-", 1);
        }
        break;
    }
    case RS_CSUM2: {
        int v = hexval(ch);
        GString *data;

        s->rs = RS_IDLE;
        if (v < 0 || (uint8_t)(s->csum_rx | v) != s->csum) {
            if (!s->no_ack) {
                qemu_chr_fe_write_all(&s->chr, (const uint8_t *)"-", 1);
            }
            break;
        }
        if (!s->no_ack) {
            qemu_chr_fe_write_all(&s->chr, (const uint8_t *)"+", 1);
        }
        /* Undo '}' escapes (binary data of 'X'). */
        data = g_string_sized_new(s->line->len);
        for (size_t i = 0; i < s->line->len; i++) {
            char c = s->line->str[i];

            if (c == '}' && i + 1 < s->line->len) {
                c = s->line->str[++i] ^ 0x20;
            }
            g_string_append_c(data, c);
        }
        if (data->len) {
            handle_packet(s, data->str, data->len);
        } else {
            put_packet(s, "");
        }
        g_string_free(data, true);
        break;
    }
    }
}

static int gdb_chr_can_read(void *opaque)
{
    return GDB_MAX_PACKET;
}

static void gdb_chr_read(void *opaque, const uint8_t *buf, int size)
{
    GDBState *s = opaque;

    for (int i = 0; i < size; i++) {
        gdb_read_byte(s, buf[i]);
    }
}

static void gdb_chr_event(void *opaque, QEMUChrEvent event)
{
    GDBState *s = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        /* A new debugger: a running guest stops for it, as with QEMU
         * (one that never started, -S, stays "prelaunch"). */
        s->connected = true;
        s->no_ack = false;
        s->rs = RS_IDLE;
        s->waiting = false;
        s->g_cpu = s->c_cpu = first_cpu;
        if (s->vm->is_running()) {
            s->vm->stop();
        }
        break;
    case CHR_EVENT_CLOSED:
        /* The debugger went away: forget its breakpoints and let the guest run. */
        s->connected = false;
        cpu_breakpoint_remove_all();
        clear_single_step();
        s->waiting = false;
        if (s->vm->is_debug()) {
            s->vm->cont();      /* a guest stopped by gdb only (not -S or "stop") */
        }
        break;
    default:
        break;
    }
}

bool gdbserver_start(const char *dev, const GdbVMOps *vm, Error **errp)
{
    GDBState *s;
    Chardev *chr;
    g_autofree char *spec = NULL;

    if (!strcmp(dev, "none")) {
        return true;
    }
    if (gdbserver) {
        error_setg(errp, "only one gdbstub is supported");
        return false;
    }
    if (!target_ops) {
        error_setg(errp, "the gdbstub is not available for this target");
        return false;
    }
    if (!strncmp(dev, "tcp:", 4) || !strncmp(dev, "unix:", 5)) {
        /* A listening socket that does not hold up the start (-S waits anyway). */
        spec = g_strdup_printf("%s%s%s", dev, strstr(dev, "server") ? "" : ",server=on",
                               strstr(dev, "wait") ? "" : ",wait=off");
    } else if (!strncmp(dev, "chardev:", 8) || !strcmp(dev, "stdio") ||
               !strncmp(dev, "pipe:", 5)) {
        spec = g_strdup(dev);
    } else {
        error_setg(errp, "'%s' is not a gdbstub device (tcp::PORT, unix:PATH, chardev:ID, "
                   "none)", dev);
        return false;
    }
    chr = qemu_chr_new("gdb", spec, errp);
    if (!chr) {
        return false;
    }
    s = g_new0(GDBState, 1);
    s->vm = vm;
    s->line = g_string_new(NULL);
    s->xfer = g_string_new(NULL);
    s->stop_bh = qemu_bh_new(gdb_stop_bh, s);
    if (!qemu_chr_fe_init(&s->chr, chr, errp)) {
        g_string_free(s->line, true);
        g_string_free(s->xfer, true);
        g_free(s);
        return false;
    }
    gdbserver = s;
    cpu_set_debug_handler(gdb_debug_exit);
    qemu_chr_fe_set_handlers(&s->chr, gdb_chr_can_read, gdb_chr_read, gdb_chr_event, s,
                             NULL, true);
    return true;
}
