/*
 * Errors as values.  A function that can fail takes `Error **errp` last and
 * returns false / NULL / negative on failure after error_setg(errp, ...).
 * The caller decides: pass it up, report it, or ignore it (errp == NULL).
 * Only system/ and tools print errors and exit (error_report_err,
 * &error_fatal).
 */
#ifndef CORE_ERROR_H
#define CORE_ERROR_H

#include "core/osdep.h"

typedef enum ErrorClass {
    ERROR_CLASS_GENERIC_ERROR = 0,
    ERROR_CLASS_COMMAND_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_ACTIVE,
    ERROR_CLASS_DEVICE_NOT_FOUND,
    ERROR_CLASS_KVM_MISSING_CAP,
} ErrorClass;

typedef struct Error Error;

/* Pass as errp to print the error and exit(1) (command line only). */
extern Error *error_fatal;
/* Pass as errp to print the error and abort() (cannot-happen cases). */
extern Error *error_abort;

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *fmt, ...) PRINTF_FMT(4, 5);
void error_setg_errno_internal(Error **errp, const char *src, int line, int os_errno,
                               const char *fmt, ...) PRINTF_FMT(5, 6);
#define error_setg(errp, ...) error_setg_internal(errp, __FILE__, __LINE__, __VA_ARGS__)
/* Appends ": strerror(os_errno)" to the message. */
#define error_setg_errno(errp, os_errno, ...)                              \
    error_setg_errno_internal(errp, __FILE__, __LINE__, os_errno, __VA_ARGS__)
void error_set_class(Error **errp, ErrorClass cls, const char *fmt, ...) PRINTF_FMT(3, 4);

const char *error_get_pretty(const Error *err);
ErrorClass error_get_class(const Error *err);
/* Add context in front: "-m 12Q: " + "invalid size '12Q'". */
void error_prepend(Error **errp, const char *fmt, ...) PRINTF_FMT(2, 3);
void error_append_hint(Error **errp, const char *fmt, ...) PRINTF_FMT(2, 3);
/* Move *src into dst (which may be NULL, &error_fatal, &error_abort). */
void error_propagate(Error **dst, Error *src);
void error_free(Error *err);
Error *error_copy(const Error *err);

/*
 * Print "prog: message" on stderr (one line).  These are the only printers
 * of user-facing errors; call them from system/ and tools only.
 */
void error_report(const char *fmt, ...) PRINTF_FMT(1, 2);
void warn_report(const char *fmt, ...) PRINTF_FMT(1, 2);
void error_report_err(Error *err);   /* prints and frees */

#endif
