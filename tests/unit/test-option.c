/* Option strings: syntax, typed getters, strict number and size parsing. */
#include "core/osdep.h"
#include "core/option.h"
#include "tests/unit/unit.h"

static const OptDesc machine_desc[] = {
    { "type", OPT_STRING, "machine type", NULL },
    { "dumpdtb", OPT_STRING, "dump the device tree", NULL },
    { "usb", OPT_BOOL, "USB controller", "off" },
    { "mem-merge", OPT_BOOL, NULL, "on" },
    { "smp", OPT_NUMBER, NULL, NULL },
    { "size", OPT_SIZE, NULL, NULL },
    { NULL },
};
static const OptsList machine_list = { "machine", "type", false, machine_desc };
static const OptDesc empty_desc[] = { { NULL } };
static const OptsList any_list = { "device", "driver", false, empty_desc };
static const OptsList noimplied_list = { "object", NULL, false, empty_desc };

/* Parse and expect success. */
static Opts *parse_ok(const OptsList *list, const char *s)
{
    Error *err = NULL;
    Opts *o = opts_parse(list, s, &err);

    if (!o) {
        unit_fail(__FILE__, __LINE__, "'%s': %s", s, error_get_pretty(err));
    }
    return o;
}

/* Parse, expect failure with exactly this message. */
static void parse_fails(const OptsList *list, const char *s, const char *msg)
{
    Error *err = NULL;
    Opts *o = opts_parse(list, s, &err);

    if (o) {
        opts_free(o);
        unit_fail(__FILE__, __LINE__, "'%s' parsed but should fail", s);
    }
    if (!err || strcmp(error_get_pretty(err), msg)) {
        unit_fail(__FILE__, __LINE__, "'%s': got '%s', want '%s'", s,
                  err ? error_get_pretty(err) : "(no error)", msg);
    }
    error_free(err);
}

UNIT_TEST(option_implied_key_and_pairs)
{
    Opts *o = parse_ok(&machine_list, "virt,dumpdtb=/tmp/x.dtb,smp=4");

    CHECK_STREQ(opts_get(o, "type"), "virt");
    CHECK_STREQ(opts_get(o, "dumpdtb"), "/tmp/x.dtb");
    CHECK_EQ(opts_get_number(o, "smp", 1, NULL), 4);
    CHECK(opts_get(o, "usb") == NULL);
    CHECK(!opts_has(o, "usb"));
    CHECK_EQ(o->opts->len, 3);
    opts_free(o);

    /* An explicit first key is not an implied value. */
    o = parse_ok(&machine_list, "type=virt");
    CHECK_STREQ(opts_get(o, "type"), "virt");
    opts_free(o);

    /* Leading comma: no implied value at all. */
    o = parse_ok(&machine_list, ",usb=on");
    CHECK(!opts_has(o, "type"));
    CHECK(opts_get_bool(o, "usb", false, NULL));
    opts_free(o);

    o = parse_ok(&machine_list, "");
    CHECK_EQ(o->opts->len, 0);
    opts_free(o);
}

UNIT_TEST(option_comma_escape)
{
    Opts *o = parse_ok(&machine_list, "virt,dumpdtb=a,,b,,,,c,smp=2");

    CHECK_STREQ(opts_get(o, "dumpdtb"), "a,b,,c");
    CHECK_EQ(opts_get_number(o, "smp", 0, NULL), 2);
    opts_free(o);

    /* Escapes in the implied value too, and '=' inside a value is kept. */
    o = parse_ok(&any_list, "my,,dev,path=x=y");
    CHECK_STREQ(opts_get(o, "driver"), "my,dev");
    CHECK_STREQ(opts_get(o, "path"), "x=y");
    opts_free(o);
}

UNIT_TEST(option_flags)
{
    Opts *o = parse_ok(&machine_list, "virt,usb,nomem-merge");

    CHECK(opts_get_bool(o, "usb", false, NULL));
    CHECK(!opts_get_bool(o, "mem-merge", true, NULL));
    CHECK_STREQ(opts_get(o, "mem-merge"), "off");
    opts_free(o);

    /* A flag only works for bools. */
    parse_fails(&machine_list, "virt,smp", "Expected '=' after parameter 'smp'");
    parse_fails(&machine_list, "virt,nosmp", "Invalid parameter 'nosmp'");
    parse_fails(&machine_list, "virt,bogus", "Invalid parameter 'bogus'");

    /* Schema-less lists take any bare key as "on". */
    o = parse_ok(&any_list, "e1000,x-flag");
    CHECK_STREQ(opts_get(o, "x-flag"), "on");
    opts_free(o);
}

UNIT_TEST(option_unknown_and_bad_values)
{
    parse_fails(&machine_list, "virt,foo=1", "Invalid parameter 'foo'");
    parse_fails(&machine_list, "virt,smp=four", "Parameter 'smp' expects a number");
    parse_fails(&machine_list, "virt,smp=-1", "Parameter 'smp' expects a number");
    parse_fails(&machine_list, "virt,smp=", "Parameter 'smp' expects a number");
    parse_fails(&machine_list, "virt,usb=maybe", "Parameter 'usb' expects 'on' or 'off'");
    parse_fails(&machine_list, "virt,size=12Q", "Parameter 'size' expects a size");
    parse_fails(&machine_list, "virt,=3", "Invalid parameter ''");
}

UNIT_TEST(option_noimplied_bare_word_is_flag)
{
    /* Without an implied key and with an open schema, "bare" is bare=on. */
    Opts *o = parse_ok(&noimplied_list, "bare,x=1");

    CHECK_STREQ(opts_get(o, "bare"), "on");
    CHECK_STREQ(opts_get(o, "x"), "1");
    opts_free(o);
}

#define ID_MSG "Parameter 'id' expects an identifier (letters, digits, '-', '.', " \
    "'_', starting with a letter)"

UNIT_TEST(option_id)
{
    Opts *o = parse_ok(&any_list, "virtio-blk,id=disk0,drive=hd0");
    char *id;

    CHECK_STREQ(o->id, "disk0");
    CHECK_STREQ(opts_get(o, "id"), "disk0");
    /* id is not a property: it never reaches the key/value arrays. */
    CHECK_EQ(o->opts->len, 2);
    id = opts_take(o, "id");
    CHECK_STREQ(id, "disk0");
    g_free(id);
    CHECK(o->id == NULL);
    opts_free(o);

    parse_fails(&any_list, "x,id=0bad", ID_MSG);
    parse_fails(&any_list, "x,id=a b", ID_MSG);
    parse_fails(&any_list, "x,id=", ID_MSG);
    parse_fails(&any_list, "x,id=a,id=b", "Parameter 'id' given twice");
    /* id is accepted even by lists with a schema. */
    o = parse_ok(&machine_list, "virt,id=m1");
    CHECK_STREQ(o->id, "m1");
    opts_free(o);
}

UNIT_TEST(option_last_value_wins_and_take)
{
    Opts *o = parse_ok(&any_list, "dev,a=1,b=2,a=3");
    GPtrArray *keys, *vals;
    char *a;

    CHECK_STREQ(opts_get(o, "a"), "3");
    a = opts_take(o, "a");
    CHECK_STREQ(a, "3");
    g_free(a);
    CHECK(!opts_has(o, "a"));
    CHECK(opts_take(o, "a") == NULL);
    a = opts_take(o, "driver");
    CHECK_STREQ(a, "dev");
    g_free(a);
    opts_to_arrays(o, &keys, &vals);
    CHECK_EQ(keys->len, 1);
    CHECK_STREQ(g_ptr_array_index(keys, 0), "b");
    CHECK_STREQ(g_ptr_array_index(vals, 0), "2");
    g_ptr_array_unref(keys);
    g_ptr_array_unref(vals);
    opts_free(o);
}

UNIT_TEST(option_help_detection)
{
    CHECK(opts_is_help("help"));
    CHECK(opts_is_help("?"));
    CHECK(opts_is_help("virtio-blk-device,help"));
    CHECK(opts_is_help("tcg,?"));
    CHECK(!opts_is_help("helper"));
    CHECK(!opts_is_help("virt,dumpdtb=help.dtb"));
    CHECK(!opts_is_help("a,,help"));     /* "a,help" is one escaped value */
    CHECK(!opts_is_help(""));
    CHECK(!opts_is_help(NULL));
}

UNIT_TEST(option_typed_getters)
{
    Opts *o = parse_ok(&any_list, "x,b=yes,n=0x10,s=1.5K,bad=zz,f=false");
    Error *err = NULL;

    CHECK(opts_get_bool(o, "b", false, NULL));
    CHECK(!opts_get_bool(o, "f", true, NULL));
    CHECK(opts_get_bool(o, "missing", true, NULL));
    CHECK_EQ(opts_get_number(o, "n", 0, NULL), 16);
    CHECK_EQ(opts_get_number(o, "missing", 77, NULL), 77);
    CHECK_EQ(opts_get_size(o, "s", 0, NULL), 1536);

    CHECK_EQ(opts_get_number(o, "bad", 5, &err), 5);
    CHECK_STREQ(error_get_pretty(err), "Parameter 'bad' expects a number");
    error_free(err);
    err = NULL;
    opts_get_bool(o, "bad", false, &err);
    CHECK_STREQ(error_get_pretty(err), "Parameter 'bad' expects 'on' or 'off'");
    error_free(err);
    err = NULL;
    opts_get_size(o, "bad", 0, &err);
    CHECK_STREQ(error_get_pretty(err), "Parameter 'bad' expects a size");
    error_free(err);
    opts_free(o);
}

UNIT_TEST(option_to_string_round_trip)
{
    Opts *o = parse_ok(&any_list, "dev,path=a,,b,id=d0");
    char *s = opts_to_string(o);
    Opts *o2 = parse_ok(&noimplied_list, s);

    CHECK_STREQ(s, "id=d0,driver=dev,path=a,,b");
    CHECK_STREQ(opts_get(o2, "path"), "a,b");
    CHECK_STREQ(o2->id, "d0");
    g_free(s);
    opts_free(o);
    opts_free(o2);
}

UNIT_TEST(parse_uint64_strict)
{
    uint64_t v = 0;
    Error *err = NULL;

    CHECK(parse_uint64("0", &v, NULL) && v == 0);
    CHECK(parse_uint64("18446744073709551615", &v, NULL) && v == UINT64_MAX);
    CHECK(parse_uint64("0x1F", &v, NULL) && v == 31);
    CHECK(parse_uint64("0XfFfFfFfFfFfFfFfF", &v, NULL) && v == UINT64_MAX);
    CHECK(parse_uint64("010", &v, NULL) && v == 10);   /* decimal, not octal */
    CHECK(!parse_uint64("18446744073709551616", &v, &err));
    CHECK_STREQ(error_get_pretty(err), "number '18446744073709551616' is out of range");
    error_free(err);
    err = NULL;
    CHECK(!parse_uint64("-1", &v, &err));
    CHECK_STREQ(error_get_pretty(err), "invalid number '-1'");
    error_free(err);
    CHECK(!parse_uint64("", &v, NULL));
    CHECK(!parse_uint64(" 1", &v, NULL));
    CHECK(!parse_uint64("1 ", &v, NULL));
    CHECK(!parse_uint64("+1", &v, NULL));
    CHECK(!parse_uint64("0x", &v, NULL));
    CHECK(!parse_uint64("0x1g", &v, NULL));
    CHECK(!parse_uint64("12abc", &v, NULL));
    CHECK(!parse_uint64("1.0", &v, NULL));
    CHECK(!parse_uint64(NULL, &v, NULL));
    /* Failure leaves the output alone. */
    v = 42;
    CHECK(!parse_uint64("x", &v, NULL));
    CHECK_EQ(v, 42);
}

UNIT_TEST(parse_int64_strict)
{
    int64_t v = 0;
    Error *err = NULL;

    CHECK(parse_int64("-1", &v, NULL) && v == -1);
    CHECK(parse_int64("9223372036854775807", &v, NULL) && v == INT64_MAX);
    CHECK(parse_int64("-9223372036854775808", &v, NULL) && v == INT64_MIN);
    CHECK(parse_int64("-0x10", &v, NULL) && v == -16);
    CHECK(!parse_int64("9223372036854775808", &v, &err));
    CHECK_STREQ(error_get_pretty(err), "number '9223372036854775808' is out of range");
    error_free(err);
    CHECK(!parse_int64("-9223372036854775809", &v, NULL));
    CHECK(!parse_int64("-", &v, NULL));
    CHECK(!parse_int64("--1", &v, NULL));
    CHECK(!parse_int64("1-", &v, NULL));
    CHECK(!parse_int64("", &v, NULL));
}

UNIT_TEST(parse_sizes)
{
    uint64_t v = 0;
    Error *err = NULL;

    CHECK(parse_size_unit("512", 1, &v, NULL) && v == 512);
    CHECK(parse_size_unit("4k", 1, &v, NULL) && v == 4096);
    CHECK(parse_size_unit("4K", 1, &v, NULL) && v == 4096);
    CHECK(parse_size_unit("1M", 1, &v, NULL) && v == MiB);
    CHECK(parse_size_unit("1.5G", 1, &v, NULL) && v == GiB + GiB / 2);
    CHECK(parse_size_unit("2T", 1, &v, NULL) && v == 2 * TiB);
    CHECK(parse_size_unit("1P", 1, &v, NULL) && v == 1024 * TiB);
    CHECK(parse_size_unit("15E", 1, &v, NULL) && v == 15ULL << 60);
    CHECK(parse_size_unit("100B", MiB, &v, NULL) && v == 100);
    CHECK(parse_size_unit("0.5K", 1, &v, NULL) && v == 512);
    CHECK(parse_size_unit(".5M", 1, &v, NULL) && v == 512 * KiB);
    /* -m style: no suffix means MiB. */
    CHECK(parse_size_unit("512", MiB, &v, NULL) && v == 512 * MiB);
    CHECK(parse_size_unit("1G", MiB, &v, NULL) && v == GiB);

    CHECK(!parse_size_unit("12Q", MiB, &v, &err));
    CHECK_STREQ(error_get_pretty(err), "invalid size '12Q'");
    error_free(err);
    err = NULL;
    CHECK(!parse_size_unit("16E", 1, &v, &err));
    CHECK_STREQ(error_get_pretty(err), "invalid size '16E': too large");
    error_free(err);
    err = NULL;
    CHECK(!parse_size_unit("1.5", 1, &v, &err));
    CHECK_STREQ(error_get_pretty(err), "invalid size '1.5': a fraction of a byte");
    error_free(err);
    CHECK(!parse_size_unit("99999999999999999999", 1, &v, NULL));
    CHECK(!parse_size_unit("", 1, &v, NULL));
    CHECK(!parse_size_unit("K", 1, &v, NULL));
    CHECK(!parse_size_unit("-1", 1, &v, NULL));
    CHECK(!parse_size_unit("1KB", 1, &v, NULL));
    CHECK(!parse_size_unit("1 K", 1, &v, NULL));
    CHECK(parse_size_unit("1.", 1, &v, NULL) && v == 1);
    CHECK(!parse_size_unit("0x10", 1, &v, NULL));
}

UNIT_TEST(option_help_text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    opts_print_help(&machine_list, f);
    fclose(f);
    CHECK(strstr(buf, "machine options:\n") == buf);
    CHECK(strstr(buf, "  usb=<bool>") != NULL);
    CHECK(strstr(buf, "(default: off)") != NULL);
    CHECK(strstr(buf, "  size=<size>") != NULL);
    free(buf);
}
