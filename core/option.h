/*
 * QEMU-style option strings: "key=val,key=val" with an implied first key
 * ("-m 512" -> size=512, "-drive file=x.img,if=virtio"), ",," escaping a comma
 * inside a value, "help"/"?" requests, sizes with K/M/G/T suffixes and
 * booleans on/off/yes/no/true/false.  Also the "flag" form: a bare "key"
 * means key=on and "nokey" means key=off where the schema declares a bool.
 */
#ifndef CORE_OPTION_H
#define CORE_OPTION_H

#include "core/osdep.h"
#include "core/error.h"

typedef enum OptType {
    OPT_STRING = 0,
    OPT_BOOL,
    OPT_NUMBER,
    OPT_SIZE,
} OptType;

typedef struct OptDesc {
    const char *name;
    OptType type;
    const char *help;
    const char *def_value_str;
} OptDesc;

/* A list of accepted keys; an empty desc[] (first name NULL) accepts any key. */
typedef struct OptsList {
    const char *name;             /* "drive", "machine", ... (for messages) */
    const char *implied_key;      /* "size" for -m, "type" for -machine, NULL */
    bool merge_lists;             /* repeated -m merges into one Opts */
    const OptDesc *desc;          /* terminated by {NULL} */
} OptsList;

typedef struct Opt {
    char *name;
    char *str;
} Opt;

typedef struct Opts {
    const OptsList *list;
    char *id;                     /* value of "id=", if any */
    GPtrArray *opts;              /* Opt*, in order given */
} Opts;

/*
 * Parse params against list.  Errors name the offending key/value, e.g.
 * "Invalid parameter 'foo'", "Parameter 'size' expects a size", in a form
 * the caller prefixes with the option: "-m 12Q: invalid size '12Q'".
 */
Opts *opts_parse(const OptsList *list, const char *params, Error **errp);
void opts_free(Opts *opts);
/* "help" or "?" given as the implied value or as a key. */
bool opts_is_help(const char *params);

const char *opts_get(Opts *opts, const char *name);       /* last value, or NULL */
bool opts_get_bool(Opts *opts, const char *name, bool defval, Error **errp);
uint64_t opts_get_number(Opts *opts, const char *name, uint64_t defval, Error **errp);
uint64_t opts_get_size(Opts *opts, const char *name, uint64_t defval, Error **errp);
bool opts_has(Opts *opts, const char *name);
/* Remove and return (caller frees) a key, e.g. "id" before passing the rest on. */
char *opts_take(Opts *opts, const char *name);
/*
 * Every remaining key/value, for object properties (GPtrArray of char*,
 * owning their strings: release with g_ptr_array_unref).
 */
void opts_to_arrays(Opts *opts, GPtrArray **keys, GPtrArray **values);

/* Strict parsers used everywhere values come from the user. */
bool parse_uint64(const char *str, uint64_t *v, Error **errp);   /* dec, 0x hex */
bool parse_int64(const char *str, int64_t *v, Error **errp);
/*
 * A size such as "512", "4K", "1.5G", "2T".  A number without a suffix is
 * in units of default_unit (1 for bytes; MiB for -m, as QEMU does).
 * Suffixes B K M G T P E (either case) are powers of 1024.
 */
bool parse_size_unit(const char *str, uint64_t default_unit, uint64_t *v,
                     Error **errp);

/* Key/value pairs as "key=value,..." with ',' escaped as ",," (for messages). */
char *opts_to_string(Opts *opts);
/* The accepted keys of a list, one per line, for "NAME,help" output. */
void opts_print_help(const OptsList *list, FILE *f);

#endif
