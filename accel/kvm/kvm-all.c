/*
 * The KVM accelerator: opening /dev/kvm, creating the VM, the ioctl
 * wrappers and the AccelOps that system/ drives.
 *
 * Reference: Linux Documentation/virt/kvm/api.rst (§4.1 KVM_GET_API_VERSION,
 * §4.2 KVM_CREATE_VM, §4.4 KVM_CHECK_EXTENSION).
 */
#include "core/osdep.h"
#include "accel/accel.h"
#include "accel/kvm/kvm.h"
#include "hw/core/machine.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

/* api.rst §4.1: the only stable API version there has ever been. */
#define KVM_API_VERSION_EXPECTED 12
#define KVM_DEFAULT_DEVICE "/dev/kvm"

KVMState *kvm_state;

bool kvm_enabled(void)
{
    return kvm_state != NULL;
}

bool kvm_host_is_pvm(void)
{
    struct stat st;

    /* The kvm_pvm module (PVM: "Pagetable-based Virtual Machine") replaces
     * VT-x/SVM with a software hypervisor: ring 3 runs natively, ring 0 is
     * emulated instruction by instruction. */
    return stat("/sys/module/kvm_pvm", &st) == 0;
}

static int kvm_ioctl_va(int fd, unsigned long req, va_list ap)
{
    void *arg = va_arg(ap, void *);
    int ret;

    do {
        ret = ioctl(fd, req, arg);
    } while (ret < 0 && errno == EINTR && req != KVM_RUN);
    return ret < 0 ? -errno : ret;
}

int kvm_ioctl(KVMState *s, unsigned long req, ...)
{
    va_list ap;
    int ret;

    va_start(ap, req);
    ret = kvm_ioctl_va(s->fd, req, ap);
    va_end(ap);
    return ret;
}

int kvm_vm_ioctl(KVMState *s, unsigned long req, ...)
{
    va_list ap;
    int ret;

    va_start(ap, req);
    ret = kvm_ioctl_va(s->vmfd, req, ap);
    va_end(ap);
    return ret;
}

int kvm_vcpu_ioctl(CPUState *cpu, unsigned long req, ...)
{
    va_list ap;
    int ret;

    va_start(ap, req);
    ret = kvm_ioctl_va(kvm_vcpu(cpu)->fd, req, ap);
    va_end(ap);
    return ret;
}

int kvm_check_extension(KVMState *s, unsigned int cap)
{
    int fd = s->vmfd >= 0 ? s->vmfd : s->fd;
    int ret = ioctl(fd, KVM_CHECK_EXTENSION, (unsigned long)cap);

    return ret < 0 ? 0 : ret;
}

/* Open the device and check the API version: the "is KVM usable" test. */
static int kvm_open_device(const char *path, Error **errp)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    int ver;

    if (fd < 0) {
        /* One line: what, where, why (the usual case: no /dev/kvm here). */
        error_setg_errno(errp, errno, "Could not access KVM kernel module (%s)", path);
        return -1;
    }
    ver = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (ver != KVM_API_VERSION_EXPECTED) {
        error_setg(errp, "kvm version %d is not supported (expected %d)", ver,
                   KVM_API_VERSION_EXPECTED);
        close(fd);
        return -1;
    }
    return fd;
}

static bool kvm_available(Error **errp)
{
    int fd = kvm_open_device(KVM_DEFAULT_DEVICE, errp);

    if (fd < 0) {
        return false;
    }
    close(fd);
    return true;
}

static void kvm_state_free(KVMState *s)
{
    if (!s) {
        return;
    }
    kvm_irq_cleanup(s);
    if (s->vmfd >= 0) {
        close(s->vmfd);
    }
    if (s->fd >= 0) {
        close(s->fd);
    }
    g_free(s->slots);
    g_free(s);
}

static bool kvm_init(MachineState *ms, Opts *opts, Error **errp)
{
    const char *path = opts ? opts_get(opts, "device") : NULL;
    const char *irqchip = opts ? opts_get(opts, "kernel-irqchip") : NULL;
    bool want_irqchip = true;
    KVMState *s;
    int ret;

    if (irqchip && !parse_bool(irqchip, &want_irqchip)) {
        error_setg(errp, "Parameter 'kernel-irqchip' expects 'on' or 'off'");
        return false;
    }
    if (!want_irqchip) {
        /* Nothing in Machina emulates a PIC/IOAPIC/LAPIC in user space. */
        error_setg(errp, "kernel-irqchip=off is not supported: the PIC, IOAPIC and "
                   "LAPIC are only available in the kernel");
        return false;
    }
    s = g_new0(KVMState, 1);
    s->vmfd = -1;
    s->fd = kvm_open_device(path ? path : KVM_DEFAULT_DEVICE, errp);
    if (s->fd < 0) {
        goto fail;
    }
    s->pvm = kvm_host_is_pvm();
    do {
        ret = ioctl(s->fd, KVM_CREATE_VM, 0);   /* type 0: the default VM */
    } while (ret < 0 && errno == EINTR);
    if (ret < 0) {
        error_setg_errno(errp, errno, "ioctl(KVM_CREATE_VM) failed");
        goto fail;
    }
    s->vmfd = ret;
    s->vcpu_mmap_size = kvm_ioctl(s, KVM_GET_VCPU_MMAP_SIZE, NULL);
    if (s->vcpu_mmap_size < (int)sizeof(struct kvm_run)) {
        error_setg(errp, "KVM_GET_VCPU_MMAP_SIZE failed");
        goto fail;
    }
    /* api.rst §5 KVM_CAP_IMMEDIATE_EXIT: kicks without KVM_SET_SIGNAL_MASK. */
    s->immediate_exit = kvm_check_extension(s, KVM_CAP_IMMEDIATE_EXIT) > 0;
    if (!kvm_check_extension(s, KVM_CAP_USER_MEMORY)) {
        error_set_class(errp, ERROR_CLASS_KVM_MISSING_CAP,
                        "kvm does not support KVM_CAP_USER_MEMORY");
        goto fail;
    }
    s->nr_slots = kvm_check_extension(s, KVM_CAP_NR_MEMSLOTS);
    if (s->nr_slots <= 0) {
        s->nr_slots = 32;      /* api.rst: "at least 32" when the cap is absent */
    }
    if (s->nr_slots > 512) {
        s->nr_slots = 512;     /* a machine here has a handful of RAM ranges */
    }
    s->slots = g_new0(KVMSlot, s->nr_slots);
    for (int i = 0; i < s->nr_slots; i++) {
        s->slots[i].slot = i;
    }
    if (!kvm_arch_init(ms, s, errp)) {
        goto fail;
    }
    kvm_state = s;
    if (s->irqchip && !kvm_irqchip_init_routes(s, errp)) {
        kvm_state = NULL;
        goto fail;
    }
    kvm_memory_listeners_register(s);
    return true;

fail:
    kvm_state_free(s);
    return false;
}

static const OptDesc kvm_opts[] = {
    { "device", OPT_STRING, "path to the KVM device (default /dev/kvm)" },
    { "kernel-irqchip", OPT_BOOL, "in-kernel PIC/IOAPIC/LAPIC (only 'on')" },
    { NULL }
};

static AccelOps kvm_accel_ops = {
    .name = "kvm",
    .opts = kvm_opts,
    .available = kvm_available,
    .init = kvm_init,
    .start_vcpus = kvm_start_vcpus,
    .pause_all_vcpus = kvm_pause_all_vcpus,
    .resume_all_vcpus = kvm_resume_all_vcpus,
    .post_reset = kvm_post_reset,
};

static void __attribute__((constructor)) kvm_accel_register(void)
{
    /* -accel help tells the user what kind of KVM this host has. */
    kvm_accel_ops.desc = kvm_host_is_pvm()
        ? "Kernel-based Virtual Machine (host module: KVM-PVM; guest ring 0 is "
          "emulated, slow)"
        : "Kernel-based Virtual Machine";
    accel_register(&kvm_accel_ops);
}
