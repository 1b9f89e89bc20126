/*
 * The IR opcode list, one line per op:
 *   DEF(name, outputs, inputs, constant args, flags)
 * Included several times with different DEF definitions (enum, name
 * table, op definitions).  Every value is 64 bits wide (see tcg-op.h).
 */

/* Removed by the optimizer; never reaches a back end. */
DEF(nop, 0, 0, 0, TCG_OPF_NOT_PRESENT)

DEF(mov, 1, 1, 0, 0)

/* Binary arithmetic and logic. */
DEF(add, 1, 2, 0, 0)
DEF(sub, 1, 2, 0, 0)
DEF(mul, 1, 2, 0, 0)
DEF(mulsh, 1, 2, 0, 0)
DEF(muluh, 1, 2, 0, 0)
DEF(and, 1, 2, 0, 0)
DEF(or, 1, 2, 0, 0)
DEF(xor, 1, 2, 0, 0)
DEF(andc, 1, 2, 0, 0)
DEF(orc, 1, 2, 0, 0)
DEF(eqv, 1, 2, 0, 0)
DEF(shl, 1, 2, 0, 0)
DEF(shr, 1, 2, 0, 0)
DEF(sar, 1, 2, 0, 0)
DEF(rotl, 1, 2, 0, 0)
DEF(rotr, 1, 2, 0, 0)
DEF(div, 1, 2, 0, 0)
DEF(divu, 1, 2, 0, 0)
DEF(rem, 1, 2, 0, 0)
DEF(remu, 1, 2, 0, 0)

/* Unary. */
DEF(neg, 1, 1, 0, 0)
DEF(not, 1, 1, 0, 0)
DEF(clz, 1, 1, 0, 0)
DEF(ctz, 1, 1, 0, 0)
DEF(ctpop, 1, 1, 0, 0)
DEF(bswap64, 1, 1, 0, 0)
DEF(ext8s, 1, 1, 0, 0)
DEF(ext8u, 1, 1, 0, 0)
DEF(ext16s, 1, 1, 0, 0)
DEF(ext16u, 1, 1, 0, 0)
DEF(ext32s, 1, 1, 0, 0)
DEF(ext32u, 1, 1, 0, 0)

/* Bit fields: deposit ret,a,b,ofs,len; [s]extract ret,a,ofs,len. */
DEF(deposit, 1, 2, 2, 0)
DEF(extract, 1, 1, 2, 0)
DEF(sextract, 1, 1, 2, 0)

/* setcond ret,a,b,cond; movcond ret,c1,c2,v1,v2,cond */
DEF(setcond, 1, 2, 1, 0)
DEF(movcond, 1, 4, 1, 0)

/* Control flow: br label; brcond a,b,cond,label; set_label label. */
DEF(set_label, 0, 0, 1, TCG_OPF_BB_START | TCG_OPF_SIDE_EFFECTS)
DEF(br, 0, 0, 1, TCG_OPF_BB_END | TCG_OPF_SIDE_EFFECTS)
DEF(brcond, 0, 2, 2, TCG_OPF_BB_END | TCG_OPF_COND_BRANCH | TCG_OPF_SIDE_EFFECTS)

/* Host memory relative to a pointer: ld ret,base,ofs; st val,base,ofs. */
DEF(ld8u, 1, 1, 1, 0)
DEF(ld8s, 1, 1, 1, 0)
DEF(ld16u, 1, 1, 1, 0)
DEF(ld16s, 1, 1, 1, 0)
DEF(ld32u, 1, 1, 1, 0)
DEF(ld32s, 1, 1, 1, 0)
DEF(ld, 1, 1, 1, 0)
DEF(st8, 0, 2, 1, TCG_OPF_SIDE_EFFECTS)
DEF(st16, 0, 2, 1, TCG_OPF_SIDE_EFFECTS)
DEF(st32, 0, 2, 1, TCG_OPF_SIDE_EFFECTS)
DEF(st, 0, 2, 1, TCG_OPF_SIDE_EFFECTS)

/* Guest memory: qemu_ld val,addr,oi; qemu_st val,addr,oi (oi: make_memop_idx). */
DEF(qemu_ld, 1, 1, 1, TCG_OPF_SIDE_EFFECTS | TCG_OPF_SYNC_GLOBALS)
DEF(qemu_st, 0, 2, 1, TCG_OPF_SIDE_EFFECTS | TCG_OPF_SYNC_GLOBALS)

/*
 * call: variable arity, counts kept in the op; the last constant arg is
 * the TCGHelperInfo pointer.  Output count is 0 or 1.
 */
DEF(call, 0, 0, 1, TCG_OPF_CALL)

DEF(mb, 0, 0, 0, TCG_OPF_SIDE_EFFECTS)
/* insn_start pc,data1 (two constant args) */
DEF(insn_start, 0, 0, 2, TCG_OPF_SIDE_EFFECTS)

/* Block exits. */
DEF(goto_tb, 0, 0, 1, TCG_OPF_SIDE_EFFECTS | TCG_OPF_SYNC_GLOBALS)
DEF(exit_tb, 0, 0, 1, TCG_OPF_BB_END | TCG_OPF_SIDE_EFFECTS | TCG_OPF_SYNC_GLOBALS)
DEF(lookup_and_goto_ptr, 0, 0, 0,
    TCG_OPF_BB_END | TCG_OPF_SIDE_EFFECTS | TCG_OPF_SYNC_GLOBALS)
/* lookup_and_goto_pc pc, $flags: the same with the next pc and target flags
 * known at translation time (a back end may probe the jump cache inline). */
DEF(lookup_and_goto_pc, 0, 1, 1,
    TCG_OPF_BB_END | TCG_OPF_SIDE_EFFECTS | TCG_OPF_SYNC_GLOBALS)
