/* The object model: types, classes, casts, properties, composition tree. */
#include "core/osdep.h"
#include "core/object.h"
#include "tests/unit/unit.h"

#define TYPE_ANIMAL "test-animal"
#define TYPE_DOG "test-dog"
#define TYPE_PUPPY "test-puppy"
#define TYPE_CAT "test-cat"
#define TYPE_BACKEND "test-backend"

typedef struct AnimalClass {
    ObjectClass parent_class;
    int legs;
    const char *(*sound)(void);
} AnimalClass;

typedef struct Animal {
    Object parent_obj;
    bool tame;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    int32_t i32;
    int64_t i64;
    uint64_t size;
    char *name;
    char *nick;
    Object *backend;
    int init_seq;
} Animal;

typedef struct Dog {
    Animal parent_obj;
    int dog_init_seq;
    uint32_t bark_volume;
} Dog;

/* Records the order of init/finalize calls across the hierarchy. */
static char trace[256];

static void trace_add(const char *what)
{
    g_strlcat(trace, what, sizeof(trace));
    g_strlcat(trace, " ", sizeof(trace));
}

static const char *animal_sound(void)
{
    return "...";
}

static const char *dog_sound(void)
{
    return "woof";
}

static const Property animal_props[] = {
    DEFINE_PROP_BOOL("tame", Animal, tame, true),
    DEFINE_PROP_UINT8("u8", Animal, u8, 7),
    DEFINE_PROP_UINT16("u16", Animal, u16, 0x1234),
    DEFINE_PROP_UINT32("u32", Animal, u32, 100000),
    DEFINE_PROP_UINT64("u64", Animal, u64, 1ULL << 40),
    DEFINE_PROP_INT32("i32", Animal, i32, -5),
    DEFINE_PROP_INT64("i64", Animal, i64, -(1LL << 40)),
    DEFINE_PROP_SIZE("size", Animal, size, 64 * MiB),
    DEFINE_PROP_STRING("name", Animal, name),
    DEFINE_PROP("nick", Animal, nick, prop_info_string, char *, .set_default = true,
                .defval.s = "rex"),
    DEFINE_PROP_LINK("backend", Animal, backend, TYPE_BACKEND, Object *),
    DEFINE_PROP_END_OF_LIST(),
};

static const Property dog_props[] = {
    DEFINE_PROP_UINT32("bark-volume", Dog, bark_volume, 11),
    /* Overrides the parent's default for the same field. */
    DEFINE_PROP_UINT8("u8", Animal, u8, 9),
    DEFINE_PROP_END_OF_LIST(),
};

static void animal_class_init(ObjectClass *oc, void *data)
{
    AnimalClass *ac = (AnimalClass *)oc;

    ac->legs = 4;
    ac->sound = animal_sound;
    object_class_set_props(oc, animal_props);
}

static void dog_class_init(ObjectClass *oc, void *data)
{
    AnimalClass *ac = OBJECT_CLASS_CHECK(AnimalClass, oc, TYPE_ANIMAL);

    /* legs is inherited from the parent's class_init (copied class). */
    CHECK_EQ(ac->legs, 4);
    ac->sound = dog_sound;
    object_class_set_props(oc, dog_props);
}

static void puppy_class_init(ObjectClass *oc, void *data)
{
    ((AnimalClass *)oc)->legs = (int)(intptr_t)data;
}

static void animal_init(Object *obj)
{
    trace_add("animal_init");
    /* Defaults are applied after every instance_init. */
    ((Animal *)obj)->u32 = 1;
}

static void dog_init(Object *obj)
{
    trace_add("dog_init");
}

static void dog_post_init(Object *obj)
{
    /* Property defaults are already visible here. */
    CHECK_EQ(((Animal *)obj)->u32, 100000);
    trace_add("dog_post_init");
}

static void animal_finalize(Object *obj)
{
    trace_add("animal_fini");
}

static void dog_finalize(Object *obj)
{
    trace_add("dog_fini");
}

static bool backend_complete(Object *obj, Error **errp)
{
    Animal *a = (Animal *)obj;

    if (a->u32 == 13) {
        error_setg(errp, "unlucky backend");
        return false;
    }
    a->init_seq = 42;
    return true;
}

static void backend_class_init(ObjectClass *oc, void *data)
{
    oc->user_creatable = true;
    oc->complete = backend_complete;
    object_class_set_props(oc, animal_props);
}

/* Registered child before parent: classes are built lazily. */
static const TypeInfo test_types[] = {
    { .name = TYPE_PUPPY, .parent = TYPE_DOG, .class_init = puppy_class_init,
      .class_data = (void *)(intptr_t)3 },
    { .name = TYPE_DOG, .parent = TYPE_ANIMAL, .instance_size = sizeof(Dog),
      .instance_init = dog_init, .instance_post_init = dog_post_init,
      .instance_finalize = dog_finalize, .class_init = dog_class_init },
    { .name = TYPE_ANIMAL, .parent = TYPE_OBJECT, .instance_size = sizeof(Animal),
      .class_size = sizeof(AnimalClass), .abstract = true, .desc = "an animal",
      .instance_init = animal_init, .instance_finalize = animal_finalize,
      .class_init = animal_class_init },
    { .name = TYPE_CAT, .parent = TYPE_ANIMAL },
    { .name = TYPE_BACKEND, .parent = TYPE_OBJECT, .instance_size = sizeof(Animal),
      .class_init = backend_class_init },
};

static void test_register_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(test_types); i++) {
        type_register_static(&test_types[i]);
    }
}

type_init(test_register_types)

UNIT_TEST(object_class_inheritance_and_casts)
{
    ObjectClass *dog = object_class_by_name(TYPE_DOG);
    ObjectClass *puppy = object_class_by_name(TYPE_PUPPY);
    ObjectClass *cat = object_class_by_name(TYPE_CAT);

    CHECK(dog && puppy && cat);
    CHECK(object_class_by_name("no-such-type") == NULL);
    CHECK_STREQ(object_class_get_name(object_class_get_parent(puppy)), TYPE_DOG);
    CHECK(object_class_is_abstract(object_class_by_name(TYPE_ANIMAL)));
    CHECK(!object_class_is_abstract(dog));
    CHECK_STREQ(object_class_get_desc(object_class_by_name(TYPE_ANIMAL)), "an animal");
    CHECK_EQ(((AnimalClass *)dog)->legs, 4);
    CHECK_STREQ(((AnimalClass *)dog)->sound(), "woof");
    /* puppy inherits dog's sound and overrides legs from class_data. */
    CHECK_STREQ(((AnimalClass *)puppy)->sound(), "woof");
    CHECK_EQ(((AnimalClass *)puppy)->legs, 3);
    CHECK_STREQ(((AnimalClass *)cat)->sound(), "...");
    CHECK(object_class_dynamic_cast(puppy, TYPE_ANIMAL) == puppy);
    CHECK(object_class_dynamic_cast(puppy, TYPE_OBJECT) == puppy);
    CHECK(object_class_dynamic_cast(cat, TYPE_DOG) == NULL);
    CHECK(object_class_dynamic_cast(dog, "no-such-type") == NULL);

    GSList *list = object_class_get_list_sorted(TYPE_ANIMAL, false);
    CHECK_EQ(g_slist_length(list), 3);
    CHECK_STREQ(object_class_get_name(list->data), TYPE_CAT);
    CHECK_STREQ(object_class_get_name(list->next->data), TYPE_DOG);
    CHECK_STREQ(object_class_get_name(list->next->next->data), TYPE_PUPPY);
    g_slist_free(list);
    list = object_class_get_list_sorted(TYPE_ANIMAL, true);
    CHECK_EQ(g_slist_length(list), 4);
    g_slist_free(list);
}

UNIT_TEST(object_init_order_defaults_and_finalize)
{
    trace[0] = 0;
    Object *o = object_new(TYPE_PUPPY);
    Animal *a = (Animal *)o;

    CHECK_STREQ(trace, "animal_init dog_init dog_post_init ");
    CHECK_STREQ(object_get_typename(o), TYPE_PUPPY);
    CHECK(object_dynamic_cast(o, TYPE_DOG) == o);
    CHECK(object_dynamic_cast(o, TYPE_CAT) == NULL);
    CHECK(OBJECT_CHECK(Dog, o, TYPE_DOG) == (Dog *)o);
    CHECK(a->tame);
    CHECK_EQ(a->u8, 9);                 /* dog's default overrides animal's */
    CHECK_EQ(a->u16, 0x1234);
    CHECK_EQ(a->u32, 100000);
    CHECK_EQ(a->u64, 1ULL << 40);
    CHECK_EQ(a->i32, -5);
    CHECK_EQ(a->i64, -(1LL << 40));
    CHECK_EQ(a->size, 64 * MiB);
    CHECK(a->name == NULL);
    CHECK_STREQ(a->nick, "rex");
    CHECK_EQ(((Dog *)o)->bark_volume, 11);

    object_ref(o);
    trace[0] = 0;
    object_unref(o);
    CHECK_STREQ(trace, "");
    object_unref(o);
    CHECK_STREQ(trace, "dog_fini animal_fini ");
}

UNIT_TEST(object_properties_parse_and_print)
{
    Object *o = object_new(TYPE_DOG);
    Animal *a = (Animal *)o;
    char *s;

    CHECK(object_property_parse(o, "tame", "off", NULL));
    CHECK(!a->tame);
    CHECK(object_property_parse(o, "tame", "yes", NULL));
    CHECK(a->tame);
    CHECK(object_property_parse(o, "u8", "255", NULL));
    CHECK_EQ(a->u8, 255);
    CHECK(object_property_parse(o, "u16", "0xbeef", NULL));
    CHECK_EQ(a->u16, 0xbeef);
    CHECK(object_property_parse(o, "u32", "4294967295", NULL));
    CHECK_EQ(a->u32, 0xffffffffu);
    CHECK(object_property_parse(o, "u64", "0xFFFFFFFFFFFFFFFF", NULL));
    CHECK_EQ(a->u64, UINT64_MAX);
    CHECK(object_property_parse(o, "i32", "-2147483648", NULL));
    CHECK_EQ(a->i32, INT32_MIN);
    CHECK(object_property_parse(o, "i64", "-9223372036854775808", NULL));
    CHECK_EQ(a->i64, INT64_MIN);
    CHECK(object_property_parse(o, "size", "1.5G", NULL));
    CHECK_EQ(a->size, 3 * GiB / 2);
    CHECK(object_property_parse(o, "name", "fido", NULL));
    CHECK_STREQ(a->name, "fido");
    CHECK(object_property_parse(o, "bark-volume", "010", NULL));
    CHECK_EQ(((Dog *)o)->bark_volume, 10);     /* decimal, not octal */

    s = object_property_print(o, "i32", NULL);
    CHECK_STREQ(s, "-2147483648");
    g_free(s);
    s = object_property_print(o, "tame", NULL);
    CHECK_STREQ(s, "on");
    g_free(s);
    s = object_property_print(o, "size", NULL);
    CHECK_STREQ(s, "1610612736");
    g_free(s);
    s = object_property_get_str(o, "name", NULL);
    CHECK_STREQ(s, "fido");
    g_free(s);

    CHECK(object_property_set_uint(o, "u16", 80, NULL));
    CHECK_EQ(object_property_get_uint(o, "u16", NULL), 80);
    CHECK(object_property_set_int(o, "i32", -7, NULL));
    CHECK_EQ(object_property_get_int(o, "i32", NULL), -7);
    CHECK(object_property_set_bool(o, "tame", false, NULL));
    CHECK(!object_property_get_bool(o, "tame", NULL));
    CHECK(object_property_set_str(o, "name", "rex", NULL));
    CHECK_STREQ(a->name, "rex");
    object_unref(o);
}

static void check_parse_error(Object *o, const char *name, const char *val,
                              const char *msg)
{
    Error *err = NULL;

    CHECK(!object_property_parse(o, name, val, &err));
    CHECK(err != NULL);
    CHECK_STREQ(error_get_pretty(err), msg);
    error_free(err);
}

UNIT_TEST(object_property_errors)
{
    Object *o = object_new(TYPE_DOG);
    Animal *a = (Animal *)o;
    Error *err = NULL;

    check_parse_error(o, "nope", "1", "Property 'test-dog.nope' not found");
    check_parse_error(o, "tame", "maybe", "Parameter 'tame' expects 'on' or 'off'");
    check_parse_error(o, "u8", "256", "Property 'test-dog.u8' doesn't take value '256' "
                      "(minimum: 0, maximum: 255)");
    check_parse_error(o, "u8", "-1", "Property 'test-dog.u8' doesn't take value '-1' "
                      "(minimum: 0, maximum: 255)");
    check_parse_error(o, "u32", "12abc",
                      "Property 'test-dog.u32' doesn't take value '12abc'");
    check_parse_error(o, "u32", "", "Property 'test-dog.u32' doesn't take value ''");
    check_parse_error(o, "u32", " 1", "Property 'test-dog.u32' doesn't take value ' 1'");
    check_parse_error(o, "u64", "18446744073709551616",
                      "Property 'test-dog.u64' doesn't take value '18446744073709551616'");
    check_parse_error(o, "i32", "2147483648",
                      "Property 'test-dog.i32' doesn't take value '2147483648' "
                      "(minimum: -2147483648, maximum: 2147483647)");
    check_parse_error(o, "size", "12Q", "Parameter 'size' expects a size value");
    check_parse_error(o, "size", "1.5", "Parameter 'size' expects a size value");
    check_parse_error(o, "backend", "ghost", "Property 'test-dog.backend' doesn't take "
                      "value 'ghost': no object with that id or path");
    /* Failed parses leave the old values. */
    CHECK_EQ(a->u8, 9);
    CHECK_EQ(a->u32, 100000);
    CHECK_EQ(a->size, 64 * MiB);

    CHECK(!object_property_set_uint(o, "u8", 300, &err));
    CHECK_STREQ(error_get_pretty(err), "Property 'test-dog.u8' doesn't take value '300' "
                "(minimum: 0, maximum: 255)");
    error_free(err);
    err = NULL;
    CHECK(!object_property_set_bool(o, "u8", true, &err));
    CHECK_STREQ(error_get_pretty(err), "Property 'test-dog.u8' is of type 'uint8', not 'bool'");
    error_free(err);
    err = NULL;
    CHECK(object_property_print(o, "nope", &err) == NULL);
    CHECK_STREQ(error_get_pretty(err), "Property 'test-dog.nope' not found");
    error_free(err);
    object_unref(o);
}

UNIT_TEST(object_parse_size_and_bool)
{
    uint64_t v;
    bool b;
    Error *err = NULL;

    CHECK(parse_size("512", &v, NULL));
    CHECK_EQ(v, 512);
    CHECK(parse_size("4K", &v, NULL));
    CHECK_EQ(v, 4096);
    CHECK(parse_size("4k", &v, NULL));
    CHECK_EQ(v, 4096);
    CHECK(parse_size("1.5G", &v, NULL));
    CHECK_EQ(v, 1536 * MiB);
    CHECK(parse_size("2T", &v, NULL));
    CHECK_EQ(v, 2 * TiB);
    CHECK(parse_size("1P", &v, NULL));
    CHECK_EQ(v, 1ULL << 50);
    CHECK(parse_size("15E", &v, NULL));
    CHECK_EQ(v, 15ULL << 60);
    CHECK(parse_size("0x1000", &v, NULL));
    CHECK_EQ(v, 4096);
    CHECK(parse_size("0.5M", &v, NULL));
    CHECK_EQ(v, 512 * KiB);
    CHECK(!parse_size("16E", &v, NULL));
    CHECK(!parse_size("1.5", &v, NULL));
    CHECK(!parse_size("", &v, NULL));
    CHECK(!parse_size("-1", &v, NULL));
    CHECK(!parse_size("1KB", &v, NULL));
    CHECK(!parse_size("1.G", &v, NULL));
    CHECK(!parse_size("12Q", &v, &err));
    CHECK_STREQ(error_get_pretty(err), "invalid size '12Q'");
    error_free(err);

    CHECK(parse_bool("on", &b) && b);
    CHECK(parse_bool("true", &b) && b);
    CHECK(parse_bool("yes", &b) && b);
    CHECK(parse_bool("off", &b) && !b);
    CHECK(parse_bool("false", &b) && !b);
    CHECK(parse_bool("no", &b) && !b);
    CHECK(!parse_bool("1", &b));
    CHECK(!parse_bool("On", &b));
    CHECK(id_wellformed("mem0"));
    CHECK(id_wellformed("a-b.c_d"));
    CHECK(!id_wellformed("0mem"));
    CHECK(!id_wellformed("a/b"));
    CHECK(!id_wellformed(""));
}

UNIT_TEST(object_composition_tree_paths)
{
    Object *root = object_get_root();
    Object *box = object_container_get(root, "test-zoo/pen");
    Object *dog = object_new(TYPE_DOG);
    Object *cat = object_new(TYPE_CAT);
    char *path;

    CHECK(object_resolve_path("/") == root);
    CHECK(object_resolve_path("/test-zoo/pen") == box);
    CHECK(object_container_get(root, "test-zoo/pen") == box);
    object_property_add_child(box, "dog", dog);
    object_property_add_child(box, "cat[0]", cat);
    CHECK_EQ(dog->ref, 2);
    object_unref(dog);
    object_unref(cat);

    path = object_get_canonical_path(dog);
    CHECK_STREQ(path, "/test-zoo/pen/dog");
    g_free(path);
    CHECK(object_resolve_path("/test-zoo/pen/dog") == dog);
    CHECK(object_resolve_path("/test-zoo/pen/cat[0]") == cat);
    CHECK(object_resolve_path("/test-zoo/dog") == NULL);
    CHECK(object_resolve_path("/test-zoo/pen/dog/x") == NULL);
    /* Partial paths: unique suffixes anywhere in the tree. */
    CHECK(object_resolve_path("dog") == dog);
    CHECK(object_resolve_path("pen/cat[0]") == cat);
    CHECK(object_resolve_path("zoo/dog") == NULL);

    /* A second "dog" elsewhere makes the short name ambiguous. */
    Object *other = object_container_get(root, "test-zoo/yard");
    Object *dog2 = object_new(TYPE_DOG);
    object_property_add_child(other, "dog", dog2);
    object_unref(dog2);
    CHECK(object_resolve_path("dog") == NULL);
    CHECK(object_resolve_path("yard/dog") == dog2);

    /* An object outside the tree has no canonical path. */
    Object *loose = object_new(TYPE_CAT);
    CHECK(object_get_canonical_path(loose) == NULL);
    object_unref(loose);

    /* Unparenting the zoo finalizes everything in it, children first. */
    trace[0] = 0;
    object_unparent(object_resolve_path("/test-zoo"));
    CHECK_STREQ(trace, "dog_fini animal_fini animal_fini dog_fini animal_fini ");
    CHECK(object_resolve_path("/test-zoo") == NULL);
}

UNIT_TEST(object_placeholder_container_adopted)
{
    Object *root = object_get_root();
    Object *early = object_container_get(root, "test-machine/unattached");
    Object *dog = object_new(TYPE_DOG);

    /* The real object takes the placeholder's name and its children. */
    object_property_add_child(root, "test-machine", dog);
    CHECK(object_resolve_path("/test-machine") == dog);
    CHECK(object_resolve_path("/test-machine/unattached") == early);
    CHECK(early->parent == dog);
    object_unparent(dog);
    object_unref(dog);
}

UNIT_TEST(object_user_creatable_and_links)
{
    Error *err = NULL;
    GPtrArray *keys = g_ptr_array_new(), *vals = g_ptr_array_new();
    Object *be, *dog;
    char *s;

    g_ptr_array_add(keys, "u32");
    g_ptr_array_add(vals, "5");
    be = user_creatable_add(TYPE_BACKEND, "be0", keys, vals, &err);
    CHECK(err == NULL);
    CHECK(be != NULL);
    CHECK_EQ(((Animal *)be)->u32, 5);
    CHECK_EQ(((Animal *)be)->init_seq, 42);     /* complete() ran */
    CHECK(object_resolve_path("/objects/be0") == be);

    CHECK(user_creatable_add(TYPE_BACKEND, "be0", NULL, NULL, &err) == NULL);
    CHECK_STREQ(error_get_pretty(err), "attempt to add duplicate property 'be0' to "
                "object (type 'container')");
    error_free(err);
    err = NULL;
    CHECK(user_creatable_add(TYPE_DOG, "d", NULL, NULL, &err) == NULL);
    CHECK_STREQ(error_get_pretty(err), "object type 'test-dog' isn't supported by object-add");
    error_free(err);
    err = NULL;
    CHECK(user_creatable_add("bogus", "d", NULL, NULL, &err) == NULL);
    CHECK_STREQ(error_get_pretty(err), "invalid object type: bogus");
    error_free(err);
    err = NULL;
    CHECK(user_creatable_add(TYPE_BACKEND, "9x", NULL, NULL, &err) == NULL);
    CHECK_STREQ(error_get_pretty(err), "Parameter 'id' expects an identifier");
    error_free(err);
    err = NULL;
    g_ptr_array_index(vals, 0) = "13";
    CHECK(user_creatable_add(TYPE_BACKEND, "be1", keys, vals, &err) == NULL);
    CHECK_STREQ(error_get_pretty(err), "unlucky backend");
    CHECK(object_resolve_path("/objects/be1") == NULL);   /* removed again */
    error_free(err);
    err = NULL;
    g_ptr_array_index(keys, 0) = "colour";
    CHECK(user_creatable_add(TYPE_BACKEND, "be2", keys, vals, &err) == NULL);
    CHECK_STREQ(error_get_pretty(err), "Property 'test-backend.colour' not found");
    error_free(err);
    err = NULL;

    /* Links by id under /objects, by path, and the type check. */
    dog = object_new(TYPE_DOG);
    CHECK(object_property_parse(dog, "backend", "be0", NULL));
    CHECK(((Animal *)dog)->backend == be);
    CHECK_EQ(be->ref, 2);
    s = object_property_print(dog, "backend", NULL);
    CHECK_STREQ(s, "/objects/be0");
    g_free(s);
    CHECK(object_property_parse(dog, "backend", "/objects/be0", NULL));
    CHECK(object_property_get_link(dog, "backend", NULL) == be);
    check_parse_error(dog, "backend", "/objects",
                      "Property 'test-dog.backend' doesn't take value '/objects': "
                      "object of type 'container' is not a 'test-backend'");
    CHECK(object_property_set_link(dog, "backend", NULL, NULL));
    CHECK_EQ(be->ref, 1);
    CHECK(object_property_parse(dog, "backend", "be0", NULL));
    object_unref(dog);                  /* releases the link */
    CHECK_EQ(be->ref, 1);
    object_unparent(be);
    g_ptr_array_free(keys, true);
    g_ptr_array_free(vals, true);
}

static void count_prop(const Property *p, void *opaque)
{
    (*(int *)opaque)++;
}

UNIT_TEST(object_property_introspection)
{
    Object *o = object_new(TYPE_DOG);
    int n = 0;
    char *s;

    object_class_property_foreach(o->class, count_prop, &n);
    CHECK_EQ(n, 13);          /* 2 of dog, 11 of animal */
    CHECK(object_property_find(o, "bark-volume") != NULL);
    CHECK(object_property_find(o, "i64") != NULL);
    CHECK(object_property_find(o, "nope") == NULL);
    s = object_property_type_name(object_property_find(o, "backend"));
    CHECK_STREQ(s, "link<test-backend>");
    g_free(s);
    s = object_property_default_string(object_property_find(o, "u16"));
    CHECK_STREQ(s, "4660");
    g_free(s);
    s = object_property_default_string(object_property_find(o, "i32"));
    CHECK_STREQ(s, "-5");
    g_free(s);
    s = object_property_default_string(object_property_find(o, "nick"));
    CHECK_STREQ(s, "\"rex\"");
    g_free(s);
    CHECK(object_property_default_string(object_property_find(o, "name")) == NULL);
    object_unref(o);
}

UNIT_TEST(object_qom_tree_text)
{
    Object *box = object_container_get(object_get_root(), "test-qom/b");
    Object *dog = object_new(TYPE_DOG);
    GString *out = g_string_new("");
    Error *err = NULL;

    object_container_get(object_get_root(), "test-qom/a");
    object_property_add_child(box, "rex", dog);
    object_unref(dog);
    CHECK(qom_tree_info(out, "/test-qom", NULL));
    CHECK_STREQ(out->str, "/test-qom (container)\n"
                          "  /a (container)\n"
                          "  /b (container)\n"
                          "    /rex (test-dog)\n");
    CHECK(!qom_tree_info(out, "/nowhere", &err));
    CHECK_STREQ(error_get_pretty(err), "Path '/nowhere' could not be resolved");
    error_free(err);
    g_string_free(out, true);
    object_unparent(object_resolve_path("/test-qom"));
}

static void list_cb(const char *name, const char *type, void *opaque)
{
    g_string_append_printf(opaque, "%s:%s ", name, type);
}

UNIT_TEST(object_qom_list)
{
    Object *dog = object_new(TYPE_DOG);
    Object *cat = object_new(TYPE_CAT);
    GString *out = g_string_new("");
    char *s;

    object_property_add_child(dog, "kitten", cat);
    object_unref(cat);
    object_property_list(dog, list_cb, out);
    CHECK_STREQ(out->str, "type:string bark-volume:uint32 u8:uint8 tame:bool u16:uint16 "
                "u32:uint32 u64:uint64 i32:int32 i64:int64 size:size name:str nick:str "
                "backend:link<test-backend> kitten:child<test-cat> ");
    s = object_property_print(cat, "type", NULL);
    CHECK_STREQ(s, TYPE_CAT);
    g_free(s);
    g_string_free(out, true);
    object_unref(dog);
}
