/*
 * Address translation of the RISC-V hart on page tables the test builds in
 * a RAM region (privileged spec 1.12 §4.3-§4.4): Sv39/Sv48 with 4K, 2M and
 * 1G leaves, misaligned superpages, A/D updates in memory, U/S/SUM/MXR,
 * MPRV, and PMP (§3.7) TOR/NA4/NAPOT, priority, partial matches, locking,
 * page-walk checks and sub-page TLB granules.
 */
#include "core/osdep.h"
#include "core/error.h"
#include "target/riscv/internals.h"
#include "tests/unit/unit.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (8 * MiB)
#define ROOT (RAM_BASE + 0x100000)        /* Sv39 root */
#define L1 (RAM_BASE + 0x101000)
#define L0 (RAM_BASE + 0x102000)
#define ROOT48 (RAM_BASE + 0x103000)
#define DATA (RAM_BASE + 0x200000)        /* 4K data pages */

#define PTE_FLAGS_RWX (PTE_R | PTE_W | PTE_X)
#define LEAF(pa, f) ((((uint64_t)(pa) >> 12) << 10) | PTE_V | (f))
#define TABLE(pa) ((((uint64_t)(pa) >> 12) << 10) | PTE_V)

typedef struct Fixture {
    MemoryRegion sysmem, ram;
    AddressSpace as;
    RISCVCPU *cpu;
    CPURISCVState *env;
} Fixture;

static void pte_set(Fixture *f, hwaddr table, int idx, uint64_t pte)
{
    address_space_stq_le(&f->as, table + idx * 8, pte, MEMTXATTRS_UNSPECIFIED, NULL);
}

static uint64_t pte_get(Fixture *f, hwaddr table, int idx)
{
    return address_space_ldq_le(&f->as, table + idx * 8, MEMTXATTRS_UNSPECIFIED, NULL);
}

static void fixture_init(Fixture *f)
{
    Error *err = NULL;

    memset(f, 0, sizeof(*f));
    memory_region_init(&f->sysmem, NULL, "test-sysmem", UINT64_MAX);
    if (!memory_region_init_ram(&f->ram, NULL, "test-ram", RAM_SIZE, &err)) {
        unit_fail(__FILE__, __LINE__, "ram: %s", error_get_pretty(err));
    }
    memory_region_add_subregion(&f->sysmem, RAM_BASE, &f->ram);
    address_space_init(&f->as, &f->sysmem, "test-as");
    f->cpu = RISCV_CPU(object_new(TYPE_RISCV_CPU_RV64));
    CPU(f->cpu)->as = &f->as;
    if (!qdev_realize(DEVICE(f->cpu), NULL, &err)) {
        unit_fail(__FILE__, __LINE__, "cpu: %s", error_get_pretty(err));
    }
    CPU(f->cpu)->as = &f->as;
    f->env = &f->cpu->env;

    /* Sv39: VA 0x40000000.. (VPN2 = 1) -> L1 -> L0 4K pages */
    pte_set(f, ROOT, 1, TABLE(L1));
    pte_set(f, L1, 0, TABLE(L0));
    pte_set(f, L0, 0, LEAF(DATA, PTE_R | PTE_W | PTE_A | PTE_D));
    pte_set(f, L0, 1, LEAF(DATA + 0x1000, PTE_R | PTE_A));
    pte_set(f, L0, 2, LEAF(DATA + 0x2000, PTE_R | PTE_W));            /* A=D=0 */
    pte_set(f, L0, 3, LEAF(DATA + 0x3000, PTE_R | PTE_W | PTE_U | PTE_A | PTE_D));
    pte_set(f, L0, 4, LEAF(DATA + 0x4000, PTE_X | PTE_A));
    pte_set(f, L0, 5, LEAF(DATA + 0x5000, PTE_W | PTE_A));            /* W without R */
    pte_set(f, L0, 6, LEAF(DATA + 0x6000, PTE_R | PTE_A) | (1ULL << 60)); /* reserved */
    /* 2M leaves at VA 0x40200000 (aligned) and 0x40400000 (misaligned) */
    pte_set(f, L1, 1, LEAF(RAM_BASE + 0x200000, PTE_FLAGS_RWX | PTE_A | PTE_D));
    pte_set(f, L1, 2, LEAF(RAM_BASE + 0x201000, PTE_FLAGS_RWX | PTE_A | PTE_D));
    /* 1G leaf at VA 0xc0000000 -> 0x80000000; misaligned 1G at 0x100000000 */
    pte_set(f, ROOT, 3, LEAF(RAM_BASE, PTE_R | PTE_W | PTE_A | PTE_D));
    pte_set(f, ROOT, 4, LEAF(RAM_BASE + 0x200000, PTE_R | PTE_A));
    /* Sv48 root: entry 0 reuses the Sv39 root as its level 2 */
    pte_set(f, ROOT48, 0, TABLE(ROOT));

    f->env->satp = ((uint64_t)SATP_MODE_SV39 << 60) | (ROOT >> 12);
}

static void fixture_fini(Fixture *f)
{
    object_unparent(OBJECT(f->cpu));
    address_space_destroy(&f->as);
    memory_region_del_subregion(&f->sysmem, &f->ram);
    memory_region_finalize(&f->ram);
    memory_region_finalize(&f->sysmem);
}

static RISCVTranslateResult xlate(Fixture *f, vaddr va, MMUAccessType t, int idx,
                                  RISCVTranslation *out)
{
    return riscv_cpu_translate(f->env, va, 8, t, idx, out);
}

UNIT_TEST(riscv_mmu_sv39_mappings)
{
    Fixture f;
    RISCVTranslation t;

    fixture_init(&f);
    CHECK_EQ(xlate(&f, 0x40000008, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t), TRANSLATE_SUCCESS);
    CHECK_EQ(t.paddr, DATA + 8);
    CHECK_EQ(t.page_size, 4096);
    CHECK_EQ(t.prot, PAGE_READ | PAGE_WRITE);

    CHECK_EQ(xlate(&f, 0x40212345, MMU_INST_FETCH, RISCV_MMU_IDX_S, &t), TRANSLATE_SUCCESS);
    CHECK_EQ(t.paddr, RAM_BASE + 0x212345);
    CHECK_EQ(t.page_size, 2 * MiB);

    CHECK_EQ(xlate(&f, 0xc0123456, MMU_DATA_STORE, RISCV_MMU_IDX_S, &t), TRANSLATE_SUCCESS);
    CHECK_EQ(t.paddr, RAM_BASE + 0x123456);
    CHECK_EQ(t.page_size, 1 * GiB);

    /* M-mode and Bare are untranslated */
    CHECK_EQ(xlate(&f, 0x40000008, MMU_DATA_LOAD, RISCV_MMU_IDX_M, &t), TRANSLATE_SUCCESS);
    CHECK_EQ(t.paddr, 0x40000008);
    fixture_fini(&f);
}

UNIT_TEST(riscv_mmu_faults)
{
    Fixture f;
    RISCVTranslation t;

    fixture_init(&f);
    CHECK_EQ(xlate(&f, 0x40001000, MMU_DATA_STORE, RISCV_MMU_IDX_S, &t), TRANSLATE_PAGE_FAULT);
    CHECK_EQ(xlate(&f, 0x40007000, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t), TRANSLATE_PAGE_FAULT);
    CHECK_EQ(xlate(&f, 0x40005000, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t), TRANSLATE_PAGE_FAULT);
    CHECK_EQ(xlate(&f, 0x40006000, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t), TRANSLATE_PAGE_FAULT);
    /* misaligned superpages */
    CHECK_EQ(xlate(&f, 0x40400000, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t), TRANSLATE_PAGE_FAULT);
    CHECK_EQ(xlate(&f, 0x100000000ULL, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t),
             TRANSLATE_PAGE_FAULT);
    /* VA not sign-extended from bit 38 */
    CHECK_EQ(xlate(&f, 0x8000000000ULL, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t),
             TRANSLATE_PAGE_FAULT);
    /* A fetch from a non-X page; a root outside RAM is an access fault */
    CHECK_EQ(xlate(&f, 0x40000000, MMU_INST_FETCH, RISCV_MMU_IDX_S, &t), TRANSLATE_PAGE_FAULT);
    f.env->satp = ((uint64_t)SATP_MODE_SV39 << 60) | (0x1000000ULL >> 12);
    CHECK_EQ(xlate(&f, 0x40000000, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t),
             TRANSLATE_ACCESS_FAULT);
    CHECK_EQ(riscv_translate_fault_cause(TRANSLATE_ACCESS_FAULT, MMU_DATA_LOAD),
             RISCV_EXCP_LOAD_ACCESS_FAULT);
    CHECK_EQ(riscv_translate_fault_cause(TRANSLATE_PAGE_FAULT, MMU_DATA_STORE),
             RISCV_EXCP_STORE_PAGE_FAULT);
    CHECK_EQ(riscv_translate_fault_cause(TRANSLATE_PAGE_FAULT, MMU_INST_FETCH),
             RISCV_EXCP_INST_PAGE_FAULT);
    fixture_fini(&f);
}

UNIT_TEST(riscv_mmu_accessed_dirty)
{
    Fixture f;
    RISCVTranslation t;

    fixture_init(&f);
    CHECK_EQ(xlate(&f, 0x40002000, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t), TRANSLATE_SUCCESS);
    CHECK(pte_get(&f, L0, 2) & PTE_A);
    CHECK_EQ(pte_get(&f, L0, 2) & PTE_D, 0);
    CHECK_EQ(t.prot & PAGE_WRITE, 0);          /* a store must walk again to set D */
    CHECK_EQ(xlate(&f, 0x40002000, MMU_DATA_STORE, RISCV_MMU_IDX_S, &t), TRANSLATE_SUCCESS);
    CHECK(pte_get(&f, L0, 2) & PTE_D);
    CHECK(t.prot & PAGE_WRITE);
    fixture_fini(&f);
}

UNIT_TEST(riscv_mmu_user_sum_mxr_mprv)
{
    Fixture f;
    RISCVTranslation t;

    fixture_init(&f);
    /* U page: U may use it, S only with SUM and never execute */
    CHECK_EQ(xlate(&f, 0x40003000, MMU_DATA_LOAD, RISCV_MMU_IDX_U, &t), TRANSLATE_SUCCESS);
    CHECK_EQ(xlate(&f, 0x40003000, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t), TRANSLATE_PAGE_FAULT);
    CHECK_EQ(xlate(&f, 0x40003000, MMU_DATA_LOAD, RISCV_MMU_IDX_S_SUM, &t),
             TRANSLATE_SUCCESS);
    CHECK_EQ(xlate(&f, 0x40003000, MMU_INST_FETCH, RISCV_MMU_IDX_S_SUM, &t),
             TRANSLATE_PAGE_FAULT);
    /* S page: U may not */
    CHECK_EQ(xlate(&f, 0x40000000, MMU_DATA_LOAD, RISCV_MMU_IDX_U, &t), TRANSLATE_PAGE_FAULT);

    /* X-only page is readable with MXR */
    CHECK_EQ(xlate(&f, 0x40004000, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t), TRANSLATE_PAGE_FAULT);
    f.env->mstatus |= MSTATUS_MXR;
    CHECK_EQ(xlate(&f, 0x40004000, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t), TRANSLATE_SUCCESS);
    f.env->mstatus &= ~MSTATUS_MXR;

    /* mmu_idx selection: MPRV uses MPP for data, SUM picks the S_SUM index */
    f.env->priv = PRV_M;
    CHECK_EQ(riscv_env_mmu_index(f.env, false), RISCV_MMU_IDX_M);
    f.env->mstatus |= MSTATUS_MPRV | MSTATUS_SUM;
    f.env->mstatus = deposit64(f.env->mstatus, 11, 2, PRV_S);
    CHECK_EQ(riscv_env_mmu_index(f.env, false), RISCV_MMU_IDX_S_SUM);
    CHECK_EQ(riscv_env_mmu_index(f.env, true), RISCV_MMU_IDX_M);
    f.env->mstatus = deposit64(f.env->mstatus, 11, 2, PRV_U);
    CHECK_EQ(riscv_env_mmu_index(f.env, false), RISCV_MMU_IDX_U);
    f.env->priv = PRV_S;
    CHECK_EQ(riscv_env_mmu_index(f.env, true), RISCV_MMU_IDX_S);
    fixture_fini(&f);
}

UNIT_TEST(riscv_mmu_sv48)
{
    Fixture f;
    RISCVTranslation t;

    fixture_init(&f);
    f.env->satp = ((uint64_t)SATP_MODE_SV48 << 60) | (ROOT48 >> 12);
    CHECK_EQ(xlate(&f, 0x40000010, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t), TRANSLATE_SUCCESS);
    CHECK_EQ(t.paddr, DATA + 0x10);
    /* canonical under Sv48 but unmapped, then non-canonical */
    CHECK_EQ(xlate(&f, 0x8000000000ULL, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t),
             TRANSLATE_PAGE_FAULT);
    CHECK_EQ(xlate(&f, 0x1000000000000ULL, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t),
             TRANSLATE_PAGE_FAULT);
    /* a 512G leaf at level 3 */
    pte_set(&f, ROOT48, 1, LEAF(0, PTE_R | PTE_A));
    CHECK_EQ(xlate(&f, 0x8080001000ULL, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t),
             TRANSLATE_SUCCESS);
    CHECK_EQ(t.paddr, 0x80001000ULL);
    fixture_fini(&f);
}

static void pmp_set(CPURISCVState *env, int i, uint8_t cfg, uint64_t addr)
{
    uint64_t reg = env->pmpcfg[i / 8];
    riscv_pmpaddr_write(env, i, addr);
    riscv_pmpcfg_write(env, (i / 8) * 2, deposit64(reg, (i % 8) * 8, 8, cfg));
}

UNIT_TEST(riscv_pmp_rules)
{
    Fixture f;
    CPURISCVState *env;
    int prot;

    fixture_init(&f);
    env = f.env;
    /* No active entry: everyone may access */
    CHECK(riscv_pmp_check(env, DATA, 8, MMU_DATA_STORE, PRV_U, &prot));

    pmp_set(env, 0, PMP_A_NA4 << 3, DATA >> 2);                               /* none */
    pmp_set(env, 1, (PMP_A_NAPOT << 3) | PMP_R, (DATA >> 2) | 0x1ff);           /* 4K R */
    pmp_set(env, 2, 0, (DATA + 0x1000) >> 2);
    pmp_set(env, 3, (PMP_A_TOR << 3) | PMP_R | PMP_W, (DATA + 0x3000) >> 2);    /* TOR */
    CHECK(!riscv_pmp_check(env, DATA, 4, MMU_DATA_LOAD, PRV_S, &prot));        /* NA4 */
    CHECK(!riscv_pmp_check(env, DATA + 2, 4, MMU_DATA_LOAD, PRV_S, &prot));    /* partial */
    CHECK(riscv_pmp_check(env, DATA + 4, 4, MMU_DATA_LOAD, PRV_S, &prot));
    CHECK_EQ(prot, PAGE_READ);
    CHECK(!riscv_pmp_check(env, DATA + 8, 8, MMU_DATA_STORE, PRV_S, &prot));
    CHECK(riscv_pmp_check(env, DATA + 0x1800, 8, MMU_DATA_STORE, PRV_U, &prot));
    CHECK(!riscv_pmp_check(env, DATA + 0x1800, 8, MMU_INST_FETCH, PRV_U, &prot));
    CHECK(!riscv_pmp_check(env, DATA + 0x2ffc, 8, MMU_DATA_LOAD, PRV_S, &prot)); /* straddles */
    /* No match with active entries: S/U denied, M allowed */
    CHECK(!riscv_pmp_check(env, DATA + 0x8000, 8, MMU_DATA_LOAD, PRV_S, &prot));
    CHECK(riscv_pmp_check(env, DATA + 0x8000, 8, MMU_DATA_LOAD, PRV_M, &prot));
    /* Unlocked entries do not bind M */
    CHECK(riscv_pmp_check(env, DATA, 4, MMU_DATA_STORE, PRV_M, &prot));

    /* TLB granule: the 4K NAPOT page is split by the NA4 entry */
    CHECK_EQ(riscv_pmp_tlb_size(env, DATA), 1);
    CHECK_EQ(riscv_pmp_tlb_size(env, DATA + 0x1000), TARGET_PAGE_SIZE);
    CHECK_EQ(riscv_pmp_tlb_size(env, DATA + 0x8000), TARGET_PAGE_SIZE);

    /* Locking: binds M, ignores writes; a locked TOR locks the address below */
    pmp_set(env, 0, (PMP_A_NA4 << 3) | PMP_L, DATA >> 2);
    CHECK(!riscv_pmp_check(env, DATA, 4, MMU_DATA_LOAD, PRV_M, &prot));
    pmp_set(env, 0, (PMP_A_NA4 << 3) | PMP_R, 0);
    CHECK_EQ(riscv_pmp_cfg(env, 0), (PMP_A_NA4 << 3) | PMP_L);
    CHECK_EQ(riscv_pmpaddr_read(env, 0), DATA >> 2);
    pmp_set(env, 3, (PMP_A_TOR << 3) | PMP_R | PMP_L, (DATA + 0x3000) >> 2);
    riscv_pmpaddr_write(env, 2, 0);
    CHECK_EQ(riscv_pmpaddr_read(env, 2), (DATA + 0x1000) >> 2);
    CHECK(!riscv_pmp_check(env, DATA + 0x1800, 8, MMU_DATA_STORE, PRV_M, &prot));
    fixture_fini(&f);
}

UNIT_TEST(riscv_pmp_in_translation)
{
    Fixture f;
    RISCVTranslation t;
    CPURISCVState *env;

    fixture_init(&f);
    env = f.env;
    /* Everything RWX except the page tables' page L0, readable only */
    pmp_set(env, 0, (PMP_A_NAPOT << 3) | PMP_R, (L0 >> 2) | 0x1ff);
    pmp_set(env, 1, (PMP_A_NAPOT << 3) | PMP_R | PMP_W | PMP_X, ~0ULL);
    /* Reading through the walk works; the A update of L0[2] needs a write */
    CHECK_EQ(xlate(&f, 0x40000000, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t), TRANSLATE_SUCCESS);
    CHECK_EQ(xlate(&f, 0x40002000, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t),
             TRANSLATE_ACCESS_FAULT);
    /* PMP on the final address narrows prot */
    pmp_set(env, 0, (PMP_A_NAPOT << 3) | PMP_R, (DATA >> 2) | 0x1ff);
    CHECK_EQ(xlate(&f, 0x40000000, MMU_DATA_LOAD, RISCV_MMU_IDX_S, &t), TRANSLATE_SUCCESS);
    CHECK_EQ(t.prot, PAGE_READ);
    CHECK_EQ(xlate(&f, 0x40000000, MMU_DATA_STORE, RISCV_MMU_IDX_S, &t),
             TRANSLATE_ACCESS_FAULT);
    /* M-mode Bare accesses outside every entry still pass */
    CHECK_EQ(xlate(&f, DATA, MMU_DATA_STORE, RISCV_MMU_IDX_M, &t), TRANSLATE_SUCCESS);
    fixture_fini(&f);
}
