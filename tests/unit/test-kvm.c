/*
 * The KVM accelerator end to end, without a machine: RAM and a test device
 * in the system address spaces, one x86 vCPU running small real-mode
 * programs.  Checks PIO and MMIO exits (both directions), an ioeventfd
 * caught by KVM, pause/resume of a running vCPU, a triple fault turning
 * into a reset request, a memslot added while the VM exists, dirty logging,
 * and IRQ lines, MSI routes and irqfds.
 * Skips when /dev/kvm is unusable.
 */
#include "core/osdep.h"
#include "accel/accel.h"
#include "accel/kvm/kvm.h"
#include "hw/core/machine.h"
#include "target/x86/cpu.h"
#include "unit.h"

#include <sys/eventfd.h>

#define PROG_ADDR 0x1000
#define COUNTER_ADDR 0x3000
#define MMIO_BASE 0xd0000

static QemuCond dev_cond;
static uint64_t pio_log[8], mmio_log[8];
static unsigned pio_n, mmio_n;
static bool done;
static const uint8_t *boot_prog;
static bool boot_pm;            /* 32-bit protected mode, flat, IDT limit 0 */
static size_t boot_len;
static MemoryRegion ram, pio_mr, mmio_mr;

static void pio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    if (pio_n < ARRAY_SIZE(pio_log)) {
        pio_log[pio_n++] = (addr << 32) | (size << 24) | val;
    }
    if (addr == 1) {
        done = true;
        qemu_cond_broadcast(&dev_cond);
    }
}

static uint64_t pio_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static const MemoryRegionOps pio_ops = {
    .read = pio_read, .write = pio_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

static void mmio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    if (mmio_n < ARRAY_SIZE(mmio_log)) {
        mmio_log[mmio_n++] = (addr << 32) | val;
    }
}

static uint64_t mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    return addr == 0x20 ? 0x5a : 0;
}

static const MemoryRegionOps mmio_ops = {
    .read = mmio_read, .write = mmio_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

/* Real mode at 0000:1000 running boot_prog (copied into RAM). */
static void boot_hook(X86CPU *cpu, void *opaque)
{
    if (!boot_prog) {
        return;                 /* the reset at realize: nothing loaded yet */
    }
    cpu->env.regs.rip = PROG_ADDR;
    cpu->env.sregs.cs.selector = 0;
    cpu->env.sregs.cs.base = 0;
    if (boot_pm) {
        struct kvm_segment flat = { .limit = 0xffffffff, .type = 3, .present = 1,
                                    .s = 1, .db = 1, .g = 1, .selector = 0x10 };

        cpu->env.sregs.ds = cpu->env.sregs.es = cpu->env.sregs.ss = flat;
        flat.type = 0xb;
        flat.selector = 0x8;
        cpu->env.sregs.cs = flat;
        cpu->env.sregs.cr0 = CR0_PE | CR0_ET;
        cpu->env.sregs.idt.limit = 0;
    }
    memset((uint8_t *)memory_region_get_ram_ptr(&ram) + PROG_ADDR, 0xf4, 0x100);
    memcpy((uint8_t *)memory_region_get_ram_ptr(&ram) + PROG_ADDR, boot_prog, boot_len);
}

static X86CPU *cpu0;

static void run_program(const uint8_t *prog, size_t len)
{
    const AccelOps *ops = current_accel;

    ops->pause_all_vcpus();
    boot_prog = prog;
    boot_len = len;
    device_cold_reset(DEVICE(cpu0));
    ops->post_reset();
    ops->resume_all_vcpus();
}

static bool wait_for(bool *flag, int ms)
{
    int64_t end = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + ms;

    while (!*flag) {
        if (qemu_clock_get_ms(QEMU_CLOCK_REALTIME) > end) {
            return false;
        }
        qemu_cond_timedwait_bql(&dev_cond, 20 * SCALE_MS);
    }
    return true;
}

static uint16_t counter(void)
{
    uint16_t v;

    memcpy(&v, (uint8_t *)memory_region_get_ram_ptr(&ram) + COUNTER_ADDR, 2);
    return v;
}

UNIT_TEST(kvm_end_to_end)
{
    static const uint8_t prog_io[] = {
        0xba, 0x00, 0x05,             /* mov dx,0x500 */
        0xb0, 0x42,                   /* mov al,0x42 */
        0xee,                         /* out dx,al */
        0xb8, 0x34, 0x12,             /* mov ax,0x1234 */
        0xef,                         /* out dx,ax */
        0xba, 0x10, 0x05,             /* mov dx,0x510 (ioeventfd) */
        0xee,                         /* out dx,al */
        0xbb, 0x00, 0xd0,             /* mov bx,0xd000 */
        0x8e, 0xdb,                   /* mov ds,bx */
        0xc6, 0x06, 0x10, 0x00, 0x77, /* mov byte [0x10],0x77 */
        0xa0, 0x20, 0x00,             /* mov al,[0x20] */
        0xba, 0x01, 0x05,             /* mov dx,0x501 */
        0xee,                         /* out dx,al */
        0xeb, 0xfe,                   /* jmp $ */
    };
    static const uint8_t prog_loop[] = {
        0x31, 0xc0,                   /* xor ax,ax */
        0x8e, 0xd8,                   /* mov ds,ax */
        0xff, 0x06, 0x00, 0x30,       /* inc word [0x3000] */
        0xeb, 0xfa,                   /* jmp inc */
    };
    static const uint8_t prog_triple[] = {
        0x0f, 0x0b,                   /* ud2 -> #UD -> #GP -> #DF -> shutdown */
        0xeb, 0xfe,
    };
    static const uint8_t prog_hi[] = {
        0xb8, 0x00, 0x80,             /* mov ax,0x8000 (0x80000: new slot) */
        0x8e, 0xd8,                   /* mov ds,ax */
        0xa0, 0x00, 0x00,             /* mov al,[0] */
        0xba, 0x01, 0x05,             /* mov dx,0x501 */
        0xee,                         /* out dx,al */
        0xeb, 0xfe,
    };
    const AccelOps *ops = accel_find("kvm");
    Error *err = NULL;
    MemoryRegion *hi = g_new0(MemoryRegion, 1);
    uint64_t ev = 0;
    uint16_t c1, c2;
    int efd;

    CHECK(ops);
    if (!ops->available(&err)) {
        error_free(err);
        unit_skip("/dev/kvm is not usable here");
    }
    bql_lock();
    qemu_cond_init(&dev_cond);
    CHECK(ops->init(NULL, NULL, &err));
    current_accel = ops;
    CHECK(kvm_enabled());

    CHECK(memory_region_init_ram(&ram, NULL, "test.ram", 0x80000, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    memory_region_init_io(&pio_mr, NULL, &pio_ops, NULL, "test.pio", 0x20);
    memory_region_add_subregion(get_system_io(), 0x500, &pio_mr);
    memory_region_init_io(&mmio_mr, NULL, &mmio_ops, NULL, "test.mmio", 0x1000);
    memory_region_add_subregion(get_system_memory(), MMIO_BASE, &mmio_mr);
    CHECK(kvm_lookup_slot(kvm_state, 0x1000));
    CHECK(!kvm_lookup_slot(kvm_state, MMIO_BASE));
    efd = eventfd(0, EFD_NONBLOCK);
    CHECK(efd >= 0);
    memory_region_add_eventfd(&pio_mr, 0x10, 1, false, 0, efd);

    cpu0 = X86_CPU(object_new("qemu64-x86_64-cpu"));
    cpu0->boot_hook = boot_hook;
    CHECK(qdev_realize(DEVICE(cpu0), NULL, &err));
    CHECK(ops->start_vcpus(NULL, &err));
    CHECK_EQ(kvm_vcpu(CPU(cpu0))->state, KVM_VCPU_PAUSED);

    /* PIO out (8 and 16 bit), ioeventfd, MMIO write and read. */
    run_program(prog_io, sizeof(prog_io));
    CHECK(wait_for(&done, 20000));
    CHECK_EQ(pio_n, 3);
    CHECK_EQ(pio_log[0], (1u << 24) | 0x42);
    CHECK_EQ(pio_log[1], (2u << 24) | 0x1234);
    CHECK_EQ(pio_log[2], (1ull << 32) | (1u << 24) | 0x5a);
    CHECK_EQ(mmio_n, 1);
    CHECK_EQ(mmio_log[0], (0x10ull << 32) | 0x77);
    CHECK_EQ(read(efd, &ev, sizeof(ev)), sizeof(ev));
    CHECK_EQ(ev, 1);

    /* Pause stops the guest; resume lets it go on. */
    run_program(prog_loop, sizeof(prog_loop));
    for (int i = 0; i < 500 && counter() < 100; i++) {
        qemu_cond_timedwait_bql(&dev_cond, 10 * SCALE_MS);
    }
    CHECK(counter() >= 100);
    ops->pause_all_vcpus();
    CHECK_EQ(kvm_vcpu(CPU(cpu0))->state, KVM_VCPU_PAUSED);
    c1 = counter();
    qemu_cond_timedwait_bql(&dev_cond, 50 * SCALE_MS);
    c2 = counter();
    CHECK_EQ(c1, c2);
    ops->resume_all_vcpus();
    for (int i = 0; i < 500 && counter() == c2; i++) {
        qemu_cond_timedwait_bql(&dev_cond, 10 * SCALE_MS);
    }
    CHECK(counter() != c2);

    /* A triple fault (32-bit protected mode, empty IDT) becomes a guest reset request; the vCPU parks. */
    boot_pm = true;
    run_program(prog_triple, sizeof(prog_triple));
    boot_pm = false;
    {
        ShutdownCause cause = SHUTDOWN_CAUSE_NONE;

        for (int i = 0; i < 1000 && cause == SHUTDOWN_CAUSE_NONE; i++) {
            qemu_cond_timedwait_bql(&dev_cond, 10 * SCALE_MS);
            cause = qemu_reset_requested();
        }
        if (cause != SHUTDOWN_CAUSE_GUEST_RESET) {
            ops->pause_all_vcpus();
            kvm_arch_dump_state(CPU(cpu0), stdout);
        }
        CHECK_EQ(cause, SHUTDOWN_CAUSE_GUEST_RESET);
    }
    CHECK(kvm_vcpu(CPU(cpu0))->wait_reset);

    /* RAM mapped while the VM exists gets a memslot the guest can read. */
    ops->pause_all_vcpus();
    CHECK(memory_region_init_ram(hi, NULL, "test.hi", 0x10000, &err));
    ((uint8_t *)memory_region_get_ram_ptr(hi))[0] = 0x9c;
    memory_region_add_subregion(get_system_memory(), 0x80000, hi);
    CHECK(kvm_lookup_slot(kvm_state, 0x80000));
    done = false;
    pio_n = 0;
    run_program(prog_hi, sizeof(prog_hi));
    CHECK(wait_for(&done, 20000));
    CHECK_EQ(pio_log[0], (1ull << 32) | (1u << 24) | 0x9c);
    ops->pause_all_vcpus();
    memory_region_del_subregion(get_system_memory(), hi);
    CHECK(!kvm_lookup_slot(kvm_state, 0x80000));

    /* Dirty logging: KVM's bitmap for the slot, folded in by a sync. */
    memory_global_dirty_log_start();
    CHECK(kvm_lookup_slot(kvm_state, 0x3000)->flags & KVM_MEM_LOG_DIRTY_PAGES);
    memory_region_reset_dirty(&ram, 0, memory_region_size(&ram), DIRTY_MEMORY_MIGRATION);
    CHECK(!memory_region_get_dirty(&ram, COUNTER_ADDR, 2, DIRTY_MEMORY_MIGRATION));
    run_program(prog_loop, sizeof(prog_loop));
    c1 = counter();
    for (int i = 0; i < 500 && counter() == c1; i++) {
        qemu_cond_timedwait_bql(&dev_cond, 10 * SCALE_MS);
    }
    ops->pause_all_vcpus();
    memory_global_dirty_log_sync();
    CHECK(memory_region_get_dirty(&ram, COUNTER_ADDR, 2, DIRTY_MEMORY_MIGRATION));
    CHECK(!memory_region_get_dirty(&ram, 0x50000, 0x1000, DIRTY_MEMORY_MIGRATION));
    memory_global_dirty_log_stop();
    CHECK(!(kvm_lookup_slot(kvm_state, 0x3000)->flags & KVM_MEM_LOG_DIRTY_PAGES));

    /* ISA IRQ lines reach the in-kernel PIC/IOAPIC. */
    CHECK_EQ(kvm_set_irq(kvm_state, 4, 1), 0);
    CHECK(kvm_set_irq(kvm_state, 4, 0) >= 0);
    /* An MSI route and an irqfd on it. */
    {
        int gsi = kvm_irqchip_add_msi_route(kvm_state, 0xfee00000, 0x30);
        int ifd = eventfd(0, 0);

        CHECK(gsi >= 24);
        CHECK_EQ(kvm_irqchip_commit_routes(kvm_state), 0);
        CHECK_EQ(kvm_irqchip_add_irqfd(kvm_state, ifd, -1, gsi), 0);
        CHECK_EQ(kvm_irqchip_remove_irqfd(kvm_state, ifd, gsi), 0);
        kvm_irqchip_release_virq(kvm_state, gsi);
        close(ifd);
    }
    bql_unlock();
}
