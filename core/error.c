/* Errors as values: see error.h. */
#include "core/error.h"

const char *machina_prog_name = "machina";

struct Error {
    char *msg;
    GString *hint;
    ErrorClass cls;
    const char *src;
    int line;
};

/* Sentinels: their addresses are compared, never dereferenced. */
Error *error_fatal;
Error *error_abort;

static void error_handle(Error **errp, Error *err)
{
    if (errp == &error_abort) {
        fprintf(stderr, "%s: unexpected error at %s:%d: %s\n", machina_prog_name,
                err->src, err->line, err->msg);
        abort();
    }
    if (errp == &error_fatal) {
        error_report_err(err);
        exit(1);
    }
    if (!errp) {
        error_free(err);
        return;
    }
    assert(*errp == NULL);   /* an error must not overwrite another */
    *errp = err;
}

static void error_setv(Error **errp, const char *src, int line, ErrorClass cls,
                       const char *suffix, const char *fmt, va_list ap)
{
    Error *err = g_new0(Error, 1);
    char *msg = g_strdup_vprintf(fmt, ap);

    if (suffix) {
        err->msg = g_strconcat(msg, ": ", suffix, NULL);
        g_free(msg);
    } else {
        err->msg = msg;
    }
    err->cls = cls;
    err->src = src;
    err->line = line;
    error_handle(errp, err);
}

void error_setg_internal(Error **errp, const char *src, int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, src, line, ERROR_CLASS_GENERIC_ERROR, NULL, fmt, ap);
    va_end(ap);
}

void error_setg_errno_internal(Error **errp, const char *src, int line, int os_errno,
                               const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, src, line, ERROR_CLASS_GENERIC_ERROR,
               os_errno ? strerror(os_errno) : NULL, fmt, ap);
    va_end(ap);
}

void error_set_class(Error **errp, ErrorClass cls, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, "?", 0, cls, NULL, fmt, ap);
    va_end(ap);
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

ErrorClass error_get_class(const Error *err)
{
    return err->cls;
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;
    char *prefix, *msg;

    if (!errp || !*errp || errp == &error_fatal || errp == &error_abort) {
        return;
    }
    va_start(ap, fmt);
    prefix = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    msg = g_strconcat(prefix, (*errp)->msg, NULL);
    g_free(prefix);
    g_free((*errp)->msg);
    (*errp)->msg = msg;
}

void error_append_hint(Error **errp, const char *fmt, ...)
{
    va_list ap;

    if (!errp || !*errp || errp == &error_fatal || errp == &error_abort) {
        return;
    }
    if (!(*errp)->hint) {
        (*errp)->hint = g_string_new(NULL);
    }
    va_start(ap, fmt);
    g_string_append_vprintf((*errp)->hint, fmt, ap);
    va_end(ap);
}

void error_propagate(Error **dst, Error *src)
{
    if (!src) {
        return;
    }
    error_handle(dst, src);
}

void error_free(Error *err)
{
    if (err) {
        g_free(err->msg);
        if (err->hint) {
            g_string_free(err->hint, true);
        }
        g_free(err);
    }
}

Error *error_copy(const Error *err)
{
    Error *c = g_new0(Error, 1);

    *c = *err;
    c->msg = g_strdup(err->msg);
    c->hint = err->hint ? g_string_new(err->hint->str) : NULL;
    return c;
}

static void vreport(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: %s", machina_prog_name, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("warning: ", fmt, ap);
    va_end(ap);
}

void error_report_err(Error *err)
{
    error_report("%s", err->msg);
    if (err->hint) {
        fputs(err->hint->str, stderr);
    }
    error_free(err);
}
