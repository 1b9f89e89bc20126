/*
 * KVM memslots follow the system FlatView through a MemoryListener; port
 * and MMIO ioeventfds follow the I/O and memory views.
 *
 * api.rst §4.35 KVM_SET_USER_MEMORY_REGION: a slot maps a page-aligned guest
 * physical range onto host memory; slots may not overlap; a slot is changed
 * by deleting it (size 0) and adding it again, except that its flags
 * (dirty logging) may change in place.  §4.8 KVM_GET_DIRTY_LOG returns and
 * clears the slot's dirty bitmap.  §4.59 KVM_IOEVENTFD.
 */
#include "core/osdep.h"
#include "accel/kvm/kvm.h"
#include "hw/core/machine.h"

static uint64_t page_size(void)
{
    static uint64_t ps;

    if (!ps) {
        ps = (uint64_t)sysconf(_SC_PAGESIZE);
    }
    return ps;
}

/*
 * A memory map KVM refuses cannot be reported to anyone: listeners return
 * nothing, and a guest with a hole where its RAM should be would misbehave
 * silently.  The message is out; end the run with status 1.
 */
static NORETURN void kvm_memory_fatal(void)
{
    exit(1);
}

KVMSlot *kvm_lookup_slot(KVMState *s, hwaddr gpa)
{
    for (int i = 0; i < s->nr_slots; i++) {
        KVMSlot *k = &s->slots[i];

        if (k->used && gpa >= k->start_addr && gpa - k->start_addr < k->memory_size) {
            return k;
        }
    }
    return NULL;
}

static int kvm_set_user_memory(KVMState *s, KVMSlot *k, bool remove)
{
    struct kvm_userspace_memory_region r = {
        .slot = k->slot,
        .flags = k->flags,
        .guest_phys_addr = k->start_addr,
        .memory_size = remove ? 0 : k->memory_size,
        .userspace_addr = (uintptr_t)k->host,
    };

    return kvm_vm_ioctl(s, KVM_SET_USER_MEMORY_REGION, &r);
}

/* Page-aligned part of a section: KVM maps whole host pages only. */
static bool section_align(MemoryRegionSection *sec, hwaddr *start, uint64_t *size,
                          hwaddr *delta)
{
    uint64_t ps = page_size();
    hwaddr begin = sec->offset_within_address_space;
    uint64_t len = sec->size ? sec->size : UINT64_MAX;
    hwaddr aligned = QEMU_ALIGN_UP(begin, ps);

    if (aligned - begin >= len) {
        return false;
    }
    len -= aligned - begin;
    len = QEMU_ALIGN_DOWN(len, ps);
    if (!len) {
        return false;
    }
    *start = aligned;
    *size = len;
    *delta = aligned - begin;
    return true;
}

/* Only RAM that reads from host memory gets a slot; the rest exits. */
static bool section_is_slot_ram(MemoryRegionSection *sec)
{
    MemoryRegion *mr = sec->mr;

    if (!memory_region_is_ram(mr)) {
        return false;
    }
    if (mr->kind == MR_ROMD && !mr->romd_mode) {
        return false;     /* a flash in command mode: reads go to the device */
    }
    return memory_region_get_ram_ptr(mr) != NULL;
}

static uint32_t section_flags(MemoryRegionSection *sec)
{
    uint32_t flags = 0;
    MemoryRegion *mr = sec->mr;

    /* ROM and read-only RAM: writes exit as MMIO (and are dropped there). */
    if (sec->readonly || mr->readonly || mr->kind == MR_ROM || mr->kind == MR_ROMD) {
        flags |= KVM_MEM_READONLY;
    }
    /* The code client is the JIT's; KVM has no translated code to protect. */
    if ((mr->dirty_log_mask & ~(1u << DIRTY_MEMORY_CODE)) ||
        memory_global_dirty_log_active()) {
        flags |= KVM_MEM_LOG_DIRTY_PAGES;
    }
    return flags;
}

static void kvm_region_add(MemoryListener *l, MemoryRegionSection *sec)
{
    KVMState *s = container_of(l, KVMState, mem_listener);
    hwaddr start, delta;
    uint64_t size;
    KVMSlot *k = NULL;
    int ret;

    if (!section_is_slot_ram(sec) || !section_align(sec, &start, &size, &delta)) {
        return;
    }
    for (int i = 0; i < s->nr_slots; i++) {
        if (!s->slots[i].used) {
            k = &s->slots[i];
            break;
        }
    }
    if (!k) {
        /* A guest with more RAM ranges than slots cannot run correctly. */
        error_report("kvm: no free memory slot for %s at 0x%" HWADDR_PRIx,
                     memory_region_name(sec->mr), start);
        kvm_memory_fatal();
    }
    k->mr = sec->mr;
    k->offset_within_region = sec->offset_within_region + delta;
    k->host = (uint8_t *)memory_region_get_ram_ptr(sec->mr) + k->offset_within_region;
    k->start_addr = start;
    k->memory_size = size;
    k->flags = section_flags(sec);
    ret = kvm_set_user_memory(s, k, false);
    if (ret < 0) {
        error_report("kvm: KVM_SET_USER_MEMORY_REGION slot %u 0x%" HWADDR_PRIx
                     "+0x%" PRIx64 " failed: %s", k->slot, start, size, strerror(-ret));
        kvm_memory_fatal();
    }
    k->used = true;
}

/*
 * The slot region_add made for sec, or NULL if sec is not slot RAM.  At most
 * one used slot has a given range: KVM refuses overlapping slots (api.rst
 * §4.35), and region_add treats that refusal as fatal.
 */
static KVMSlot *kvm_slot_of_section(KVMState *s, MemoryRegionSection *sec)
{
    hwaddr start, delta;
    uint64_t size;

    if (!section_is_slot_ram(sec) || !section_align(sec, &start, &size, &delta)) {
        return NULL;
    }
    for (int i = 0; i < s->nr_slots; i++) {
        KVMSlot *k = &s->slots[i];

        if (k->used && k->start_addr == start && k->memory_size == size) {
            return k;
        }
    }
    return NULL;
}

static void kvm_region_del(MemoryListener *l, MemoryRegionSection *sec)
{
    KVMState *s = container_of(l, KVMState, mem_listener);
    KVMSlot *k = kvm_slot_of_section(s, sec);

    if (k) {
        kvm_set_user_memory(s, k, true);
        k->used = false;
    }
}

/* Fold KVM's dirty bitmap of every slot inside sec into memory/'s bitmaps. */
static void kvm_log_sync(MemoryListener *l, MemoryRegionSection *sec)
{
    KVMState *s = container_of(l, KVMState, mem_listener);
    hwaddr begin = sec->offset_within_address_space;
    hwaddr end = begin + (sec->size ? sec->size : UINT64_MAX);

    for (int i = 0; i < s->nr_slots; i++) {
        KVMSlot *k = &s->slots[i];
        uint64_t npages, words;
        struct kvm_dirty_log log = { .slot = k->slot };
        uint64_t *bitmap;
        ram_addr_t base;

        if (!k->used || !(k->flags & KVM_MEM_LOG_DIRTY_PAGES) ||
            k->start_addr >= end || k->start_addr + k->memory_size <= begin) {
            continue;
        }
        npages = k->memory_size / page_size();
        words = (npages + 63) / 64;
        bitmap = g_new0(uint64_t, words);
        log.dirty_bitmap = bitmap;
        if (kvm_vm_ioctl(s, KVM_GET_DIRTY_LOG, &log) == 0) {
            base = memory_region_get_ram_addr(k->mr) + k->offset_within_region;
            for (uint64_t w = 0; w < words; w++) {
                for (uint64_t b = bitmap[w]; b; b &= b - 1) {
                    uint64_t page = w * 64 + ctz64(b);

                    cpu_physical_memory_set_dirty_range(base + page * page_size(),
                                                        page_size());
                }
            }
        }
        g_free(bitmap);
    }
}

/* A change of logging clients: flags change in place (api.rst §4.35). */
static void kvm_log_update(MemoryListener *l, MemoryRegionSection *sec)
{
    KVMState *s = container_of(l, KVMState, mem_listener);
    KVMSlot *k = kvm_slot_of_section(s, sec);
    uint32_t flags;

    if (!k) {
        return;
    }
    flags = section_flags(sec);
    if (flags != k->flags) {
        if ((k->flags & KVM_MEM_LOG_DIRTY_PAGES) && !(flags & KVM_MEM_LOG_DIRTY_PAGES)) {
            /* Keep what was logged so far before KVM forgets it. */
            kvm_log_sync(l, sec);
        }
        k->flags = flags;
        kvm_set_user_memory(s, k, false);
    }
}

static void kvm_log_start(MemoryListener *l, MemoryRegionSection *sec, int old, int new)
{
    kvm_log_update(l, sec);
}

static void kvm_log_stop(MemoryListener *l, MemoryRegionSection *sec, int old, int new)
{
    kvm_log_update(l, sec);
}

static void kvm_log_global(MemoryListener *l)
{
    /* Each range also gets log_start/log_stop; nothing else to do here. */
}

static void kvm_ioeventfd(KVMState *s, MemoryRegionSection *sec, bool match_data,
                          uint64_t data, int fd, bool pio, bool assign)
{
    struct kvm_ioeventfd e = {
        .datamatch = match_data ? data : 0,
        .addr = sec->offset_within_address_space,
        .len = (uint32_t)sec->size,
        .fd = fd,
        .flags = (match_data ? KVM_IOEVENTFD_FLAG_DATAMATCH : 0) |
                 (pio ? KVM_IOEVENTFD_FLAG_PIO : 0) |
                 (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
    };
    int ret = kvm_vm_ioctl(s, KVM_IOEVENTFD, &e);

    if (ret < 0 && assign) {
        /* The memory core signals it on dispatch only when offload is off:
         * a lost ioeventfd would hang the device, so make it loud. */
        error_report("kvm: KVM_IOEVENTFD at %s 0x%" HWADDR_PRIx " failed: %s",
                     pio ? "port" : "addr", (hwaddr)e.addr, strerror(-ret));
        kvm_memory_fatal();
    }
}

/* The four listener callbacks differ only in which listener (memory or port
 * I/O) they are and in whether they assign or deassign. */
#define KVM_EVENTFD_CB(name, listener, pio, assign)                            \
    static void name(MemoryListener *l, MemoryRegionSection *sec,              \
                     bool match_data, uint64_t data, int fd)                   \
    {                                                                          \
        kvm_ioeventfd(container_of(l, KVMState, listener), sec, match_data,    \
                      data, fd, pio, assign);                                  \
    }

KVM_EVENTFD_CB(kvm_mem_eventfd_add, mem_listener, false, true)
KVM_EVENTFD_CB(kvm_mem_eventfd_del, mem_listener, false, false)
KVM_EVENTFD_CB(kvm_io_eventfd_add, io_listener, true, true)
KVM_EVENTFD_CB(kvm_io_eventfd_del, io_listener, true, false)

void kvm_memory_listeners_register(KVMState *s)
{
    s->mem_listener = (MemoryListener){
        .name = "kvm-memory",
        .priority = 10,
        .region_add = kvm_region_add,
        .region_del = kvm_region_del,
        .log_start = kvm_log_start,
        .log_stop = kvm_log_stop,
        .log_global_start = kvm_log_global,
        .log_global_stop = kvm_log_global,
        .log_sync = kvm_log_sync,
        .eventfd_add = kvm_mem_eventfd_add,
        .eventfd_del = kvm_mem_eventfd_del,
    };
    s->io_listener = (MemoryListener){
        .name = "kvm-io",
        .priority = 10,
        .eventfd_add = kvm_io_eventfd_add,
        .eventfd_del = kvm_io_eventfd_del,
    };
    /* From now on KVM catches ioeventfd writes; the dispatcher must not. */
    memory_set_ioeventfd_offload(true);
    memory_listener_register(&s->mem_listener, get_address_space_memory());
    memory_listener_register(&s->io_listener, get_address_space_io());
}
