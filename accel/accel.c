/*
 * The accelerator registry.  Each accelerator (accel/tcg, accel/kvm)
 * registers its AccelOps from a constructor; system/ looks one up by the
 * name given with -accel and keeps it in current_accel.
 */
#include "core/osdep.h"
#include "accel/accel.h"

/* Constructors run before main(): a small fixed table is enough. */
#define ACCEL_MAX 8

static const AccelOps *accels[ACCEL_MAX];
static unsigned n_accels;

const AccelOps *current_accel;

void accel_register(const AccelOps *ops)
{
    assert(ops && ops->name);
    assert(!accel_find(ops->name));
    assert(n_accels < ACCEL_MAX);
    accels[n_accels++] = ops;
}

const AccelOps *accel_find(const char *name)
{
    for (unsigned i = 0; i < n_accels; i++) {
        if (!strcmp(accels[i]->name, name)) {
            return accels[i];
        }
    }
    return NULL;
}

static int accel_cmp(const void *a, const void *b)
{
    const AccelOps *x = *(const AccelOps *const *)a, *y = *(const AccelOps *const *)b;

    return strcmp(x->name, y->name);
}

void accel_print_list(FILE *f)
{
    const AccelOps *sorted[ACCEL_MAX];

    memcpy(sorted, accels, n_accels * sizeof(sorted[0]));
    qsort(sorted, n_accels, sizeof(sorted[0]), accel_cmp);
    fprintf(f, "Accelerators supported in %s:\n", machina_prog_name);
    for (unsigned i = 0; i < n_accels; i++) {
        fprintf(f, "%-8s %s\n", sorted[i]->name, sorted[i]->desc ? sorted[i]->desc : "");
    }
}
