/*
 * GPIO lines of a device: named groups of inputs (IRQ lines the device
 * handles) and outputs (qemu_irq fields in the device's state).  Wiring an
 * output stores the target line into that field, so the device raises it
 * with a plain qemu_set_irq on its own field.  The unnamed group is the
 * default one (qdev_init_gpio_in / qdev_get_gpio_in).
 */
#include "core/osdep.h"
#include "hw/core/qdev.h"
#include "hw/core/qdev-internal.h"

static NORETURN PRINTF_FMT(1, 2) void gpio_die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "%s: gpio: ", machina_prog_name ? machina_prog_name : "machina");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static bool gpio_name_eq(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static NamedGPIOList *gpio_list_find(DeviceState *dev, const char *name)
{
    for (guint i = 0; i < dev->gpios->len; i++) {
        NamedGPIOList *l = g_ptr_array_index(dev->gpios, i);

        if (gpio_name_eq(l->name, name)) {
            return l;
        }
    }
    return NULL;
}

static NamedGPIOList *gpio_list_get(DeviceState *dev, const char *name)
{
    NamedGPIOList *l = gpio_list_find(dev, name);

    if (!l) {
        l = g_new0(NamedGPIOList, 1);
        l->name = g_strdup(name);
        g_ptr_array_add(dev->gpios, l);
    }
    return l;
}

void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler handler,
                             const char *name, int n)
{
    NamedGPIOList *l = gpio_list_get(dev, name);

    if (n < 0) {
        gpio_die("%s: negative GPIO count", object_get_typename(OBJECT(dev)));
    }
    /* Repeated calls append: line numbers continue where they stopped. */
    l->in = g_renew(qemu_irq, l->in, l->num_in + n);
    for (int i = 0; i < n; i++) {
        l->in[l->num_in + i] = qemu_allocate_irq(handler, dev, l->num_in + i);
    }
    l->num_in += n;
}

void qdev_init_gpio_in(DeviceState *dev, qemu_irq_handler handler, int n)
{
    qdev_init_gpio_in_named(dev, handler, NULL, n);
}

void qdev_init_gpio_out_named(DeviceState *dev, qemu_irq *pins, const char *name, int n)
{
    NamedGPIOList *l = gpio_list_get(dev, name);

    if (n < 0) {
        gpio_die("%s: negative GPIO count", object_get_typename(OBJECT(dev)));
    }
    l->out = g_renew(qemu_irq *, l->out, l->num_out + n);
    for (int i = 0; i < n; i++) {
        l->out[l->num_out + i] = &pins[i];
    }
    l->num_out += n;
}

void qdev_init_gpio_out(DeviceState *dev, qemu_irq *pins, int n)
{
    qdev_init_gpio_out_named(dev, pins, NULL, n);
}

qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n)
{
    NamedGPIOList *l = gpio_list_find(dev, name);

    if (!l || n < 0 || n >= l->num_in) {
        gpio_die("%s has no GPIO input '%s'[%d] (it has %d)",
                 object_get_typename(OBJECT(dev)), name ? name : "", n,
                 l ? l->num_in : 0);
    }
    return l->in[n];
}

qemu_irq qdev_get_gpio_in(DeviceState *dev, int n)
{
    return qdev_get_gpio_in_named(dev, NULL, n);
}

void qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n,
                                 qemu_irq pin)
{
    NamedGPIOList *l = gpio_list_find(dev, name);

    if (!l || n < 0 || n >= l->num_out) {
        gpio_die("%s has no GPIO output '%s'[%d] (it has %d)",
                 object_get_typename(OBJECT(dev)), name ? name : "", n,
                 l ? l->num_out : 0);
    }
    *l->out[n] = pin;
}

void qdev_connect_gpio_out(DeviceState *dev, int n, qemu_irq pin)
{
    qdev_connect_gpio_out_named(dev, NULL, n, pin);
}

void qdev_gpio_free(DeviceState *dev)
{
    for (guint i = 0; i < dev->gpios->len; i++) {
        NamedGPIOList *l = g_ptr_array_index(dev->gpios, i);

        for (int j = 0; j < l->num_in; j++) {
            qemu_free_irq(l->in[j]);
        }
        g_free(l->in);
        g_free(l->out);
        g_free(l->name);
        g_free(l);
    }
    g_ptr_array_free(dev->gpios, true);
    dev->gpios = NULL;
}
