/*
 * ACPI tables of the microvm machine for direct kernel boot: how a kernel
 * built without VIRTIO_MMIO_CMDLINE_DEVICES (Debian's, for one) finds the
 * virtio-mmio transports.  Hardware-reduced ACPI (ACPI 6.4 §4.1): RSDP,
 * RSDT/XSDT, FADT with HW_REDUCED_ACPI, a MADT of the LAPICs and the IOAPIC
 * (with the PIT's IRQ 0 -> GSI 2 override the MP table also states), and a
 * DSDT with one "LNRO0005" device per transport (the ID Linux's
 * virtio_mmio driver matches), its registers and its level, active-high
 * GSI, as QEMU's microvm describes them.
 *
 * The tables go to 0xf0000 (the BIOS area, reserved in the e820 map), where
 * the RSDP search looks (§5.2.5.1); with -bios the firmware owns that area
 * and brings its own tables, so none are built.
 */
#include "core/osdep.h"
#include "hw/x86/x86.h"
#include "hw/virtio/virtio-mmio.h"

#define ACPI_BASE 0xf0000ULL
#define ACPI_AREA 0x1000
#define HDR_LEN 36

/* The area as it is filled: each table 16-byte aligned. */
typedef struct AcpiBuf {
    uint8_t *base;
    size_t len;
} AcpiBuf;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, v);
    put32(p + 4, v >> 32);
}

static uint8_t acpi_checksum(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;

    while (n--) {
        sum += *p++;
    }
    return (uint8_t)-sum;
}

/* The common table header (§5.2.6); length and checksum set by table_end. */
static uint8_t *table_begin(AcpiBuf *b, const char *sig, uint8_t rev)
{
    uint8_t *t;

    b->len = QEMU_ALIGN_UP(b->len, 16);
    t = b->base + b->len;
    memcpy(t, sig, 4);
    t[8] = rev;
    memcpy(t + 10, "MACHNA", 6);
    memcpy(t + 16, "MICROVM ", 8);
    put32(t + 24, 1);
    memcpy(t + 28, "MCHN", 4);
    put32(t + 32, 1);
    b->len += HDR_LEN;
    return t;
}

static uint32_t table_end(AcpiBuf *b, uint8_t *t)
{
    uint32_t len = (uint32_t)(b->base + b->len - t);

    assert(b->len <= ACPI_AREA);
    put32(t + 4, len);
    t[9] = acpi_checksum(t, len);
    return (uint32_t)(ACPI_BASE + (t - b->base));
}

static uint8_t *grow(AcpiBuf *b, size_t n)
{
    uint8_t *p = b->base + b->len;

    b->len += n;
    assert(b->len <= ACPI_AREA);
    return p;
}

/*
 * AML (§20): PkgLength, the encoded length of a package including its own
 * bytes (§20.2.4): one byte up to 63, else a count of follow-on bytes in
 * bits 7:6 and the low nibble first.
 */
static size_t aml_pkglen(uint8_t *out, size_t body)
{
    if (body + 1 < 64) {
        out[0] = (uint8_t)(body + 1);
        return 1;
    }
    if (body + 2 < 4096) {
        size_t n = body + 2;

        out[0] = (uint8_t)(0x40 | (n & 0xf));
        out[1] = (uint8_t)(n >> 4);
        return 2;
    }
    assert(body + 3 < (1 << 20));
    {
        size_t n = body + 3;

        out[0] = (uint8_t)(0x80 | (n & 0xf));
        out[1] = (uint8_t)(n >> 4);
        out[2] = (uint8_t)(n >> 12);
        return 3;
    }
}

/* A growing byte string of AML. */
typedef GByteArray Aml;

static void aml_bytes(Aml *a, const void *p, size_t n)
{
    g_byte_array_append(a, p, (guint)n);
}

static void aml_byte(Aml *a, uint8_t v)
{
    aml_bytes(a, &v, 1);
}

/* op [ext], PkgLength, then head (a NameString) and body. */
static void aml_package(Aml *a, const uint8_t *op, size_t oplen, const char *name,
                        Aml *body)
{
    uint8_t pl[3];
    size_t namelen = strlen(name);
    size_t n = aml_pkglen(pl, namelen + body->len);

    aml_bytes(a, op, oplen);
    aml_bytes(a, pl, n);
    aml_bytes(a, name, namelen);
    aml_bytes(a, body->data, body->len);
}

/* Name (NAME, "string") */
static void aml_name_string(Aml *a, const char *name, const char *s)
{
    aml_byte(a, 0x08);                      /* NameOp */
    aml_bytes(a, name, 4);
    aml_byte(a, 0x0d);                      /* StringPrefix */
    aml_bytes(a, s, strlen(s) + 1);
}

/* Name (NAME, byte) */
static void aml_name_byte(Aml *a, const char *name, uint8_t v)
{
    aml_byte(a, 0x08);
    aml_bytes(a, name, 4);
    if (v <= 1) {
        aml_byte(a, v);                     /* ZeroOp / OneOp */
    } else {
        aml_byte(a, 0x0a);                  /* BytePrefix */
        aml_byte(a, v);
    }
}

/*
 * Device (VRnn) { _HID "LNRO0005", _UID n, _CCA One, _CRS: the transport's
 * 512 bytes (Memory32Fixed, §6.4.3.4) and its GSI (Extended Interrupt
 * descriptor, §6.4.3.6: consumer, level, active high, exclusive) }.
 */
static void aml_virtio_mmio(Aml *scope, unsigned n, uint32_t base, uint32_t gsi)
{
    static const uint8_t device_op[] = { 0x5b, 0x82 };
    Aml *dev = g_byte_array_new();
    uint8_t res[12 + 9 + 2] = {
        0x86, 0x09, 0x00, 0x01,             /* Memory32Fixed, read-write */
        0, 0, 0, 0, 0, 0, 0, 0,
        0x89, 0x06, 0x00, 0x01, 0x01,       /* Interrupt, 1 entry */
        0, 0, 0, 0,
        0x79, 0x00,                         /* End tag (checksum 0: ignored) */
    };
    char name[5];
    uint8_t pl[3];
    size_t pln;

    put32(res + 4, base);
    put32(res + 8, VIRTIO_MMIO_SIZE);
    put32(res + 17, gsi);
    aml_name_string(dev, "_HID", "LNRO0005");
    aml_name_byte(dev, "_UID", (uint8_t)n);
    aml_name_byte(dev, "_CCA", 1);
    /* Name (_CRS, Buffer (size) { res }) */
    aml_byte(dev, 0x08);
    aml_bytes(dev, "_CRS", 4);
    aml_byte(dev, 0x11);                    /* BufferOp */
    pln = aml_pkglen(pl, 2 + sizeof(res));
    aml_bytes(dev, pl, pln);
    aml_byte(dev, 0x0a);                    /* BufferSize as a ByteConst */
    aml_byte(dev, sizeof(res));
    aml_bytes(dev, res, sizeof(res));
    assert(n < 100);
    name[0] = 'V';
    name[1] = 'R';
    name[2] = (char)('0' + n / 10);
    name[3] = (char)('0' + n % 10);
    name[4] = 0;
    aml_package(scope, device_op, 2, name, dev);
    g_byte_array_free(dev, true);
}

static uint32_t build_dsdt(AcpiBuf *b, unsigned count, hwaddr base, unsigned gsi_base)
{
    static const uint8_t scope_op[] = { 0x10 };
    uint8_t *t = table_begin(b, "DSDT", 2);
    Aml *top = g_byte_array_new(), *sb = g_byte_array_new();

    for (unsigned i = 0; i < count; i++) {
        aml_virtio_mmio(sb, i, (uint32_t)(base + i * VIRTIO_MMIO_SIZE),
                        gsi_base + i);
    }
    aml_package(top, scope_op, 1, "\\_SB_", sb);
    memcpy(grow(b, top->len), top->data, top->len);
    g_byte_array_free(top, true);
    g_byte_array_free(sb, true);
    return table_end(b, t);
}

/* FADT revision 5 (§5.2.9): hardware-reduced, so no PM blocks, no SCI. */
static uint32_t build_fadt(AcpiBuf *b, uint32_t dsdt)
{
    uint8_t *t = table_begin(b, "FACP", 5);

    grow(b, 268 - HDR_LEN);
    put32(t + 40, dsdt);
    put32(t + 112, 1u << 20);               /* HW_REDUCED_ACPI */
    put64(t + 140, dsdt);                   /* X_DSDT */
    return table_end(b, t);
}

/* MADT (§5.2.12): the LAPICs, the IOAPIC at GSI 0, IRQ 0 -> GSI 2, NMI on LINT1. */
static uint32_t build_madt(AcpiBuf *b, X86MachineState *x86ms)
{
    MachineState *ms = MACHINE(x86ms);
    uint8_t *t = table_begin(b, "APIC", 3), *p;
    uint8_t ioapic_id = 0;

    p = grow(b, 8);
    put32(p, APIC_DEFAULT_ADDRESS);
    put32(p + 4, 1);                        /* PCAT_COMPAT: the 8259s exist */
    for (unsigned i = 0; i < ms->smp.cpus; i++) {
        p = grow(b, 8);
        p[0] = 0;                           /* Processor Local APIC */
        p[1] = 8;
        p[2] = (uint8_t)i;                  /* ACPI processor UID */
        p[3] = (uint8_t)x86ms->cpus[i]->apic_id;
        put32(p + 4, 1);                    /* enabled */
        ioapic_id = MAX(ioapic_id, (uint8_t)(x86ms->cpus[i]->apic_id + 1));
    }
    p = grow(b, 12);
    p[0] = 1;                               /* I/O APIC, ID as in the MP table */
    p[1] = 12;
    p[2] = ioapic_id;
    put32(p + 4, (uint32_t)X86_IOAPIC_BASE);
    put32(p + 8, 0);
    p = grow(b, 10);
    p[0] = 2;                               /* Interrupt Source Override */
    p[1] = 10;
    p[2] = 0;                               /* ISA */
    p[3] = 0;                               /* IRQ 0 (PIT) */
    put32(p + 4, 2);                        /* GSI 2 */
    put16(p + 8, 0);                        /* conforms to the bus */
    p = grow(b, 6);
    p[0] = 4;                               /* Local APIC NMI */
    p[1] = 6;
    p[2] = 0xff;                            /* all processors */
    put16(p + 3, 0);
    p[5] = 1;                               /* LINT1 */
    return table_end(b, t);
}

void x86_acpi_microvm_build(X86MachineState *x86ms, unsigned count, hwaddr base,
                            unsigned gsi_base)
{
    AcpiBuf b = { .base = g_malloc0(ACPI_AREA), .len = 0 };
    uint8_t *rsdp, *p;
    uint32_t dsdt, fadt, madt, rsdt_addr, xsdt_addr;

    /* RSDP (§5.2.5.3) first: 36 bytes, revision 2 (XSDT). */
    rsdp = grow(&b, 36);
    dsdt = build_dsdt(&b, count, base, gsi_base);
    fadt = build_fadt(&b, dsdt);
    madt = build_madt(&b, x86ms);
    p = table_begin(&b, "RSDT", 1);
    put32(grow(&b, 4), fadt);
    put32(grow(&b, 4), madt);
    rsdt_addr = table_end(&b, p);
    p = table_begin(&b, "XSDT", 1);
    put64(grow(&b, 8), fadt);
    put64(grow(&b, 8), madt);
    xsdt_addr = table_end(&b, p);
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "MACHNA", 6);
    rsdp[15] = 2;
    put32(rsdp + 16, rsdt_addr);
    put32(rsdp + 20, 36);
    put64(rsdp + 24, xsdt_addr);
    rsdp[8] = acpi_checksum(rsdp, 20);
    rsdp[32] = acpi_checksum(rsdp, 36);
    x86_boot_blob_add(x86ms, ACPI_BASE, b.base, ACPI_AREA);
}
