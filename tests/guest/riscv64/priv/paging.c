/*
 * Sv39 and Sv48 translation (privileged spec 1.12 §4.3-§4.4): 4K pages,
 * 2M and 1G superpages, misaligned superpages, A/D updates, permission and
 * validity faults with stval/mtval, SUM, MXR, MPRV, sfence.vma.
 *
 * The test code runs in S-mode on a 1G identity superpage over DRAM; its
 * page faults trap to the M-mode handler of priv.h.
 */
#include "priv.h"

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define LEAF(pa, f) ((((uint64_t)(pa) >> 12) << 10) | PTE_V | (f))
#define TABLE(pa) ((((uint64_t)(pa) >> 12) << 10) | PTE_V)

#define VA_BASE 0x40000000UL          /* VPN2 = 1: the 4K test pages */
#define VA_2M 0x40200000UL            /* 2M superpage -> 0x80200000 */
#define VA_2M_BAD 0x40400000UL        /* misaligned 2M superpage */
#define VA_1G 0xc0000000UL            /* 1G superpage -> 0x80000000 */

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l0[512] __attribute__((aligned(4096)));
static uint64_t root48[512] __attribute__((aligned(4096)));
static uint8_t pages[6][4096] __attribute__((aligned(4096)));

static volatile uintptr_t target;
static volatile uint64_t value;

static void s_load(void)
{
    value = *(volatile uint64_t *)target;
}

static void s_store(void)
{
    *(volatile uint64_t *)target = value;
}

static void s_jump(void)
{
    ((void (*)(void))target)();
}

static void s_flush(void)
{
    __asm__ volatile("sfence.vma" ::: "memory");
}

static void build_tables(void)
{
    root[2] = LEAF(0x80000000UL, PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    root[3] = LEAF(0x80000000UL, PTE_R | PTE_W | PTE_A | PTE_D);      /* VA_1G */
    root[1] = TABLE(l1);
    l1[0] = TABLE(l0);
    l1[1] = LEAF(0x80200000UL, PTE_R | PTE_W | PTE_A | PTE_D);        /* 2M */
    l1[2] = LEAF(0x80201000UL, PTE_R | PTE_W | PTE_A | PTE_D);        /* misaligned */
    l0[0] = LEAF(pages[0], PTE_R | PTE_W | PTE_A | PTE_D);
    l0[1] = LEAF(pages[1], PTE_R | PTE_A);                            /* read-only */
    l0[2] = LEAF(pages[2], PTE_R | PTE_W);                            /* A=D=0 */
    l0[3] = LEAF(pages[3], PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);    /* user */
    l0[4] = LEAF(pages[4], PTE_X | PTE_A);                            /* execute-only */
    l0[5] = 0;                                                         /* invalid */
    root48[0] = TABLE(root);
}

static void sv_load(uintptr_t va)
{
    target = va;
    value = ~0UL;
    priv_call(PRV_S, s_load);
}

static void sv_store(uintptr_t va, uint64_t v)
{
    target = va;
    value = v;
    priv_call(PRV_S, s_store);
}

static void test_basic_mappings(void)
{
    *(volatile uint64_t *)pages[0] = 0x1111;
    trap_reset();
    sv_load(VA_BASE);
    CHECK_NO_TRAP();
    CHECK_EQ(value, 0x1111);
    sv_store(VA_BASE + 8, 0x2222);
    CHECK_NO_TRAP();
    CHECK_EQ(*(volatile uint64_t *)(pages[0] + 8), 0x2222);

    /* 2M superpage: the low 21 bits come from the VA */
    *(volatile uint64_t *)(0x80200000UL + 0x12340) = 0x3333;
    sv_load(VA_2M + 0x12340);
    CHECK_NO_TRAP();
    CHECK_EQ(value, 0x3333);

    /* 1G superpage */
    sv_load(VA_1G + ((uintptr_t)pages[0] - 0x80000000UL));
    CHECK_NO_TRAP();
    CHECK_EQ(value, 0x1111);
}

static void test_faults(void)
{
    trap_reset();
    sv_store(VA_BASE + 0x1000, 1);                 /* read-only page */
    CHECK_TRAP(CAUSE_STORE_PAGE_FAULT);
    CHECK_EQ(last_trap.tval, VA_BASE + 0x1000);

    trap_reset();
    sv_load(VA_BASE + 0x5008);                     /* invalid PTE */
    CHECK_TRAP(CAUSE_LOAD_PAGE_FAULT);
    CHECK_EQ(last_trap.tval, VA_BASE + 0x5008);

    trap_reset();
    sv_load(VA_2M_BAD + 0x40);                     /* misaligned superpage */
    CHECK_TRAP(CAUSE_LOAD_PAGE_FAULT);
    CHECK_EQ(last_trap.tval, VA_2M_BAD + 0x40);

    trap_reset();
    sv_load(0x0000008000000000UL);                 /* not sign-extended (Sv39) */
    CHECK_TRAP(CAUSE_LOAD_PAGE_FAULT);

    trap_reset();
    target = VA_BASE + 0x5000;                     /* fetch from an invalid page */
    trap_resume_ra = 1;
    priv_call(PRV_S, s_jump);
    CHECK_TRAP(CAUSE_FETCH_PAGE_FAULT);
    CHECK_EQ(last_trap.tval, VA_BASE + 0x5000);
    CHECK_EQ(last_trap.epc, VA_BASE + 0x5000);

    trap_reset();
    target = VA_BASE;                              /* fetch from a non-X page */
    trap_resume_ra = 1;
    priv_call(PRV_S, s_jump);
    CHECK_TRAP(CAUSE_FETCH_PAGE_FAULT);
}

static void test_accessed_dirty(void)
{
    trap_reset();
    sv_load(VA_BASE + 0x2000);
    CHECK_NO_TRAP();
    CHECK(l0[2] & PTE_A);                          /* set in memory by the walk */
    CHECK_EQ(l0[2] & PTE_D, 0);
    sv_store(VA_BASE + 0x2000, 5);
    CHECK_NO_TRAP();
    CHECK(l0[2] & PTE_D);
    CHECK_EQ(*(volatile uint64_t *)pages[2], 5);
}

static void test_sum_mxr(void)
{
    /* S-mode may not touch U pages unless SUM */
    trap_reset();
    sv_load(VA_BASE + 0x3000);
    CHECK_TRAP(CAUSE_LOAD_PAGE_FAULT);
    csr_set(mstatus, MSTATUS_SUM);
    trap_reset();
    sv_load(VA_BASE + 0x3000);
    CHECK_NO_TRAP();
    csr_clear(mstatus, MSTATUS_SUM);

    /* Execute-only pages are readable only with MXR */
    *(volatile uint64_t *)pages[4] = 0x4444;
    trap_reset();
    sv_load(VA_BASE + 0x4000);
    CHECK_TRAP(CAUSE_LOAD_PAGE_FAULT);
    csr_set(mstatus, MSTATUS_MXR);
    trap_reset();
    sv_load(VA_BASE + 0x4000);
    CHECK_NO_TRAP();
    CHECK_EQ(value, 0x4444);
    csr_clear(mstatus, MSTATUS_MXR);
}

/* M-mode loads with MPRV=1 use MPP's privilege and translation */
static void test_mprv(void)
{
    uint64_t v;

    csr_clear(mstatus, MSTATUS_MPP);
    csr_set(mstatus, (uint64_t)PRV_S << 11);
    csr_set(mstatus, MSTATUS_MPRV);
    v = *(volatile uint64_t *)VA_BASE;
    csr_clear(mstatus, MSTATUS_MPRV);
    CHECK_EQ(v, 0x1111);
}

static void test_remap_and_sfence(void)
{
    sv_load(VA_BASE);
    CHECK_EQ(value, 0x1111);
    *(volatile uint64_t *)pages[5] = 0x5555;
    l0[0] = LEAF(pages[5], PTE_R | PTE_W | PTE_A | PTE_D);
    priv_call(PRV_S, s_flush);
    sv_load(VA_BASE);
    CHECK_EQ(value, 0x5555);
    l0[0] = LEAF(pages[0], PTE_R | PTE_W | PTE_A | PTE_D);
    priv_call(PRV_S, s_flush);
}

static void test_sv48(void)
{
    csr_write(satp, (9UL << 60) | ((uintptr_t)root48 >> 12));
    if ((csr_read(satp) >> 60) != 9) {
        test_printf("Sv48 not supported: skipped\n");
        return;
    }
    __asm__ volatile("sfence.vma" ::: "memory");
    trap_reset();
    sv_load(VA_BASE);
    CHECK_NO_TRAP();
    CHECK_EQ(value, 0x1111);
    /* canonical under Sv48, but root48[1] is invalid */
    trap_reset();
    sv_load(0x0000008000000000UL);
    CHECK_TRAP(CAUSE_LOAD_PAGE_FAULT);
    CHECK_EQ(last_trap.tval, 0x0000008000000000UL);
    trap_reset();
    sv_load(0x0001000000000000UL);                 /* not sign-extended (Sv48) */
    CHECK_TRAP(CAUSE_LOAD_PAGE_FAULT);
}

int main(void)
{
    pmp_allow_all();
    build_tables();
    csr_write(satp, (8UL << 60) | ((uintptr_t)root >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
    test_basic_mappings();
    test_faults();
    test_accessed_dirty();
    test_sum_mxr();
    test_mprv();
    test_remap_and_sfence();
    test_sv48();
    csr_write(satp, 0);
    return test_result();
}
