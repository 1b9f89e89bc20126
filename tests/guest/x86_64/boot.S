/*
 * The x86_64 test kernel's low-level part: the Multiboot 1 header, the
 * 32-bit entry (Multiboot §3.2 state), static identity page tables (so the
 * slow-to-emulate ring-0 setup is a handful of instructions), the switch
 * to long mode, the AP trampoline for INIT/SIPI, interrupt stubs and the
 * ring-3 entry/exit.
 *
 * Assembled into an ELF64 object and linked at 1 MiB, then converted to
 * ELF32 so QEMU's -kernel accepts it as a Multiboot image too.
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003          /* page-aligned modules, memory info */
#define KSTACK_SIZE 16384

#define SEL_CODE64 0x08
#define SEL_CODE32 0x10
#define SEL_DATA 0x18
#define SEL_UDATA 0x23               /* 0x20 | RPL 3 */
#define SEL_UCODE 0x2b               /* 0x28 | RPL 3 */

        .section .multiboot, "a"
        .p2align 2
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)

        .section .text
        .code32
        .globl _start
_start:
        /* EAX = 0x2BADB002, EBX = info; flat segments, paging off. */
        mov %eax, mb_magic
        mov %ebx, mb_info
        lgdt gdt_ptr
        mov $SEL_DATA, %cx
        mov %cx, %ds
        mov %cx, %es
        mov %cx, %ss
        mov $stack_top, %esp
        /* Long mode (SDM vol. 3 §9.8.5): PAE, CR3, EFER.LME, then PG. */
        mov %cr4, %eax
        or $0x20, %eax
        mov %eax, %cr4
        mov $pml4, %eax
        mov %eax, %cr3
        mov $0xC0000080, %ecx
        rdmsr
        or $0x100, %eax
        wrmsr
        mov %cr0, %eax
        or $0x80000001, %eax
        mov %eax, %cr0
        ljmp $SEL_CODE64, $lm64

        .code64
lm64:
        xor %eax, %eax
        mov %ax, %fs
        mov %ax, %gs
        mov $stack_top, %rsp
        lidt idt_ptr(%rip)
        call kmain
1:      cli
        hlt
        jmp 1b

/*
 * AP trampoline, copied to 0x8000 (SIPI vector 0x08): real mode with
 * CS = 0x0800, IP = 0.  Everything position-independent inside the page.
 */
        .code16
        .globl ap_tramp_start, ap_tramp_end
ap_tramp_start:
        cli
        mov %cs, %ax
        mov %ax, %ds
        lgdtl (tramp_gdt_ptr - ap_tramp_start)
        mov %cr0, %eax
        or $1, %eax
        mov %eax, %cr0
        /* ljmpl $SEL_CODE32, $ap_pm32 (absolute, in the kernel image) */
        .byte 0x66, 0xea
        .long ap_pm32
        .word SEL_CODE32
        .p2align 2
tramp_gdt_ptr:
        .word gdt_end - gdt - 1
        .long gdt
ap_tramp_end:

        .code32
ap_pm32:
        mov $SEL_DATA, %ax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %ss
        mov %cr4, %eax
        or $0x20, %eax
        mov %eax, %cr4
        mov $pml4, %eax
        mov %eax, %cr3
        mov $0xC0000080, %ecx
        rdmsr
        or $0x100, %eax
        wrmsr
        mov %cr0, %eax
        or $0x80000001, %eax
        mov %eax, %cr0
        ljmp $SEL_CODE64, $ap_lm64

        .code64
ap_lm64:
        /* Each AP takes its own stack: ap_stacks + (n + 1) * 4096. */
        mov $1, %eax
        lock xadd %eax, ap_next(%rip)
        inc %eax
        shl $12, %rax
        lea ap_stacks(%rip), %rsp
        add %rax, %rsp
        lidt idt_ptr(%rip)
        call ap_main
2:      cli
        hlt
        jmp 2b

/* ------------------------------------------------------------ ring 3 */

/* void enter_user(void (*fn)(void), void *user_stack): returns when the
 * user code makes system call 2 (exit). */
        .globl enter_user
enter_user:
        push %rbx
        push %rbp
        push %r12
        push %r13
        push %r14
        push %r15
        mov %rsp, saved_ksp(%rip)
        pushq $SEL_UDATA             /* ss */
        push %rsi                    /* rsp */
        pushq $0x2                   /* rflags: IF=0 */
        pushq $SEL_UCODE             /* cs */
        push %rdi                    /* rip */
        iretq

user_exit:
        mov saved_ksp(%rip), %rsp
        pop %r15
        pop %r14
        pop %r13
        pop %r12
        pop %rbp
        pop %rbx
        ret

/* ------------------------------------------------------- interrupts */

/* One stub per vector used: push (error code or 0) and the vector. */
.macro ISR n, has_err=0
        .globl isr_\n
isr_\n:
        .if \has_err == 0
        pushq $0
        .endif
        pushq $\n
        jmp isr_common
.endm

        ISR 0
        ISR 3
        ISR 8, 1
        ISR 13, 1
        ISR 14, 1
        ISR 0x40
        ISR 0x44
        ISR 0x50
        ISR 0x60
        ISR 0x61
        ISR 0x62
        ISR 0x63
        ISR 0x64
        ISR 0x65
        ISR 0xff

isr_common:
        push %rax
        push %rcx
        push %rdx
        push %rsi
        push %rdi
        push %r8
        push %r9
        push %r10
        push %r11
        mov %rsp, %rdi               /* struct frame * */
        call isr_handler
        pop %r11
        pop %r10
        pop %r9
        pop %r8
        pop %rdi
        pop %rsi
        pop %rdx
        pop %rcx
        pop %rax
        add $16, %rsp                /* vector, error code */
        iretq

/*
 * System calls from ring 3 are UD2 with rax = number, rdi = argument:
 * rax = 1 report(rdi), rax = 2 exit to the kernel.  An exception is the
 * one user->kernel transition that behaves the same on VT-x/SVM and on
 * KVM-PVM hosts: there, "int $n" from user mode raises #UD and SYSCALL
 * enters a PVM-specific kernel mode where port I/O faults.
 */
        .globl isr_6
isr_6:
        testb $3, 8(%rsp)            /* CS of the frame: from user mode? */
        jz 1f
        cmp $2, %rax
        je user_exit
        push %rcx
        push %rdx
        push %rsi
        push %rdi
        push %r8
        push %r9
        push %r10
        push %r11
        push %rax
        mov %rax, %rsi
        call syscall_handler         /* (arg in rdi, number in rsi) */
        pop %rax
        pop %r11
        pop %r10
        pop %r9
        pop %r8
        pop %rdi
        pop %rsi
        pop %rdx
        pop %rcx
        addq $2, (%rsp)              /* past the UD2 */
        iretq
1:      pushq $0
        pushq $6
        jmp isr_common

/* --------------------------------------------------------------- data */

        .section .data
        .p2align 3
        .globl gdt, tss
gdt:
        .quad 0
        .quad 0x00af9a000000ffff     /* 0x08 code64 */
        .quad 0x00cf9a000000ffff     /* 0x10 code32 */
        .quad 0x00cf92000000ffff     /* 0x18 data */
        .quad 0x00cff2000000ffff     /* 0x20 user data */
        .quad 0x00affa000000ffff     /* 0x28 user code64 */
tss_desc:                            /* 0x30: 64-bit TSS (filled by kmain) */
        .quad 0
        .quad 0
gdt_end:
gdt_ptr:
        .word gdt_end - gdt - 1
        .quad gdt

        .p2align 3
        .globl idt
idt:
        .fill 256 * 16, 1, 0
idt_ptr:
        .word 256 * 16 - 1
        .quad idt

        .p2align 3
tss:
        .fill 104, 1, 0

        .globl mb_magic, mb_info, ap_next
mb_magic: .long 0
mb_info: .long 0
ap_next: .long 0
saved_ksp: .quad 0

/* Identity map of the first 4 GiB with 2 MiB pages, built by the assembler. */
        .p2align 12
pml4:
        .quad pdpt + 0x7
        .fill 511, 8, 0
pdpt:
        .quad pd + 0x7
        .quad pd + 0x1000 + 0x7
        .quad pd + 0x2000 + 0x7
        .quad pd + 0x3000 + 0x7
        .fill 508, 8, 0
pd:
        .set pgaddr, 0
        .rept 2048
        .quad pgaddr + 0x87          /* 2 MiB, user, RW, present */
        .set pgaddr, pgaddr + 0x200000
        .endr

        .section .bss
        .p2align 12
        .globl ap_stacks, istack_top
stack:
        .skip KSTACK_SIZE
stack_top:
istack:
        .skip KSTACK_SIZE
istack_top:
ap_stacks:
        .skip 4096 * 65              /* kmain starts at most 64 APs */
        .section .note.GNU-stack, "", @progbits
