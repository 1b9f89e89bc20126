/*
 * "info mtree" and "info mtree -f": the region trees of every address space
 * and their rendered FlatViews, in the text layout QEMU's monitor prints
 * (checked against Debian's qemu-system-riscv64 7.2), so scripts and eyes
 * used to one read the other.
 *
 * Tree view: address spaces sharing a root are listed together (names
 * sorted) above one tree; each line is "start-end (prio P, type): name",
 * indented two spaces per level, children in address order (higher
 * priority first at the same address).  Disabled regions are not shown.
 * Regions that aliases point into are printed afterwards, once each, as
 * "memory-region: name" trees.
 */
#include "memory/memory-internal.h"

#define MTREE_INDENT "  "

/* The type column: an alias shows what it points to. */
static const char *memory_region_type(const MemoryRegion *mr)
{
    while (mr->kind == MR_ALIAS && mr->alias) {
        mr = mr->alias;
    }
    if (mr->kind == MR_ROMD) {
        return mr->romd_mode ? "romd" : "i/o";
    }
    if (mr->kind == MR_ROM || (mr->kind == MR_RAM && mr->readonly)) {
        return "rom";
    }
    if (mr->kind == MR_RAM) {
        return "ram";
    }
    return "i/o";
}

static void queue_once(GPtrArray *queue, MemoryRegion *mr)
{
    unsigned i;

    for (i = 0; i < queue->len; i++) {
        if (g_ptr_array_index(queue, i) == mr) {
            return;
        }
    }
    g_ptr_array_add(queue, mr);
}

/* Address order; at one address, higher priority first; otherwise the
 * subregion list order (stable sort). */
static gint mtree_child_cmp(gconstpointer a, gconstpointer b)
{
    const MemoryRegion *x = *(MemoryRegion *const *)a;
    const MemoryRegion *y = *(MemoryRegion *const *)b;

    if (x->addr != y->addr) {
        return x->addr < y->addr ? -1 : 1;
    }
    if (x->priority != y->priority) {
        return x->priority > y->priority ? -1 : 1;
    }
    return 0;
}

static void mtree_print_mr(GString *out, MemoryRegion *mr, unsigned level,
                           hwaddr base, GPtrArray *alias_queue)
{
    hwaddr start = base + mr->addr;
    hwaddr end = start + mr_last_offset(mr->size);
    GPtrArray *children;
    unsigned i;

    if (mr->kind == MR_ALIAS && mr->alias) {
        /* The target is printed later even if this alias is disabled. */
        queue_once(alias_queue, mr->alias);
    }
    if (mr->enabled) {
        for (i = 0; i < level; i++) {
            g_string_append(out, MTREE_INDENT);
        }
        if (start < base || end < start) {
            g_string_append(out, "[DETECTED OVERFLOW!] ");
        }
        g_string_append_printf(out, "%016" PRIx64 "-%016" PRIx64 " (prio %d, %s): ",
                               start, end, mr->priority, memory_region_type(mr));
        if (mr->kind == MR_ALIAS && mr->alias) {
            g_string_append_printf(out, "alias %s @%s %016" PRIx64 "-%016" PRIx64 "\n",
                                   memory_region_name(mr),
                                   memory_region_name(mr->alias), mr->alias_offset,
                                   mr->alias_offset + mr_last_offset(mr->size));
        } else {
            g_string_append_printf(out, "%s\n", memory_region_name(mr));
        }
    }
    if (!mr->subregions || mr->subregions->len == 0) {
        return;
    }
    children = g_ptr_array_sized_new(mr->subregions->len);
    for (i = 0; i < mr->subregions->len; i++) {
        g_ptr_array_add(children, g_ptr_array_index(mr->subregions, i));
    }
    /* Insertion sort: stable, and child lists are short. */
    for (i = 1; i < children->len; i++) {
        MemoryRegion *key = g_ptr_array_index(children, i);
        unsigned j = i;
        while (j > 0 && mtree_child_cmp(&key, &g_ptr_array_index(children, j - 1)) < 0) {
            g_ptr_array_index(children, j) = g_ptr_array_index(children, j - 1);
            j--;
        }
        g_ptr_array_index(children, j) = key;
    }
    for (i = 0; i < children->len; i++) {
        mtree_print_mr(out, g_ptr_array_index(children, i), level + 1, start,
                       alias_queue);
    }
    g_ptr_array_free(children, true);
}

static gint as_name_cmp(gconstpointer a, gconstpointer b)
{
    const AddressSpace *x = *(AddressSpace *const *)a;
    const AddressSpace *y = *(AddressSpace *const *)b;

    return g_strcmp0(x->name, y->name);
}

static void mtree_print_trees(GString *out)
{
    GPtrArray *alias_queue = g_ptr_array_new();
    GPtrArray *done = g_ptr_array_new();
    unsigned n = memory_address_spaces ? memory_address_spaces->len : 0;
    unsigned i, j;

    for (i = 0; i < n; i++) {
        AddressSpace *as = g_ptr_array_index(memory_address_spaces, i);
        GPtrArray *same;
        bool seen = false;

        for (j = 0; j < done->len; j++) {
            seen |= g_ptr_array_index(done, j) == as->root;
        }
        if (seen) {
            continue;
        }
        g_ptr_array_add(done, as->root);
        same = g_ptr_array_new();
        for (j = i; j < n; j++) {
            AddressSpace *other = g_ptr_array_index(memory_address_spaces, j);
            if (other->root == as->root) {
                g_ptr_array_add(same, other);
            }
        }
        g_ptr_array_sort(same, as_name_cmp);
        for (j = 0; j < same->len; j++) {
            g_string_append_printf(out, "address-space: %s\n",
                                   ((AddressSpace *)g_ptr_array_index(same, j))->name);
        }
        g_ptr_array_free(same, true);
        if (as->root) {
            mtree_print_mr(out, as->root, 1, 0, alias_queue);
        }
        g_string_append(out, "\n");
    }
    /* The queue grows while we print: aliases inside alias targets. */
    for (i = 0; i < alias_queue->len; i++) {
        MemoryRegion *mr = g_ptr_array_index(alias_queue, i);
        g_string_append_printf(out, "memory-region: %s\n", memory_region_name(mr));
        mtree_print_mr(out, mr, 1, 0, alias_queue);
        g_string_append(out, "\n");
    }
    g_ptr_array_free(done, true);
    g_ptr_array_free(alias_queue, true);
}

static void mtree_print_flatview(GString *out, unsigned index, FlatView *fv)
{
    unsigned n = memory_address_spaces->len;
    unsigned i;

    g_string_append_printf(out, "FlatView #%u\n", index);
    for (i = 0; i < n; i++) {
        AddressSpace *as = g_ptr_array_index(memory_address_spaces, i);
        if (as->current_map == fv) {
            g_string_append_printf(out, " AS \"%s\", root: %s\n", as->name,
                                   as->root ? memory_region_name(as->root) : "(none)");
        }
    }
    g_string_append_printf(out, " Root memory region: %s\n",
                           fv->root ? memory_region_name(fv->root) : "(none)");
    if (fv->nr == 0) {
        g_string_append(out, MTREE_INDENT "No rendered FlatView\n");
    }
    for (i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];
        uint64_t start = (uint64_t)fr->start;
        uint64_t last = start + (uint64_t)(fr->size - 1);

        g_string_append_printf(out, MTREE_INDENT "%016" PRIx64 "-%016" PRIx64
                               " (prio %d, %s): %s", start, last, fr->mr->priority,
                               fr->readonly ? "rom" : memory_region_type(fr->mr),
                               memory_region_name(fr->mr));
        if (fr->offset_in_region) {
            g_string_append_printf(out, " @%016" PRIx64, fr->offset_in_region);
        }
        g_string_append(out, "\n");
    }
    g_string_append(out, "\n");
}

/* One block per distinct FlatView, in the order address spaces were made. */
static void mtree_print_flatviews(GString *out)
{
    unsigned n = memory_address_spaces ? memory_address_spaces->len : 0;
    unsigned i, j, index = 0;

    for (i = 0; i < n; i++) {
        AddressSpace *as = g_ptr_array_index(memory_address_spaces, i);
        bool seen = false;

        for (j = 0; j < i; j++) {
            AddressSpace *prev = g_ptr_array_index(memory_address_spaces, j);
            seen |= prev->current_map == as->current_map;
        }
        if (!seen && as->current_map) {
            mtree_print_flatview(out, index++, as->current_map);
        }
    }
}

void mtree_info(GString *out, bool flatview)
{
    if (flatview) {
        mtree_print_flatviews(out);
    } else {
        mtree_print_trees(out);
    }
}
