/*
 * Run states and the main loop's handling of shutdown and reset requests,
 * with a fake accelerator that counts pause/resume calls.
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "core/thread.h"
#include "accel/accel.h"
#include "hw/core/qdev.h"
#include "system/runstate.h"
#include "tests/unit/unit.h"

static int pauses, resumes, post_resets, resets;
static bool vcpus_running;

static void fake_pause(void)
{
    CHECK(vcpus_running);           /* never paused twice */
    pauses++;
    vcpus_running = false;
}

static void fake_resume(void)
{
    CHECK(!vcpus_running);
    resumes++;
    vcpus_running = true;
}

static void fake_post_reset(void)
{
    post_resets++;
}

static const AccelOps fake_accel = {
    .name = "fake-runstate", .pause_all_vcpus = fake_pause,
    .resume_all_vcpus = fake_resume, .post_reset = fake_post_reset,
};

static void count_reset(void *opaque)
{
    CHECK(!vcpus_running);          /* reset happens with the vCPUs parked */
    resets++;
}

static void setup(void)
{
    static bool once;

    if (!once) {
        once = true;
        accel_register(&fake_accel);
        qemu_register_reset(count_reset, NULL);
        bql_lock();
    }
    current_accel = &fake_accel;
    runstate_set_no_reboot(false);
    runstate_set_no_shutdown(false);
}

UNIT_TEST(runstate_start_stop)
{
    setup();
    CHECK_EQ(runstate_get(), RUN_STATE_PRELAUNCH);
    CHECK_STREQ(runstate_name(runstate_get()), "prelaunch");
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, false);
    vm_start();
    CHECK(runstate_is_running());
    CHECK(qemu_clock_enabled(QEMU_CLOCK_VIRTUAL));
    CHECK_EQ(resumes, 1);
    vm_start();                     /* no-op while running */
    CHECK_EQ(resumes, 1);
    vm_stop(RUN_STATE_PAUSED);
    CHECK_STREQ(runstate_name(runstate_get()), "paused");
    CHECK(!qemu_clock_enabled(QEMU_CLOCK_VIRTUAL));
    CHECK_EQ(pauses, 1);
    vm_stop(RUN_STATE_PAUSED);      /* already stopped: nothing to pause */
    CHECK_EQ(pauses, 1);
    vm_start();
    CHECK(runstate_is_running());
}

UNIT_TEST(runstate_guest_shutdown_exits_with_status)
{
    setup();
    vm_start();
    qemu_system_shutdown_request_status(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, 7);
    CHECK_EQ(main_loop_run(), 7);
}

/* Runs inside the main loop after it handled the earlier request. */
static RunState seen_state;
static int seen_resets;

static void observe_then_quit(void *opaque)
{
    seen_state = runstate_get();
    seen_resets = resets;
    qemu_system_shutdown_request_status(SHUTDOWN_CAUSE_HOST_SIGNAL, 5);
}

UNIT_TEST(runstate_reset_resets_devices_and_continues)
{
    QEMUBH *bh = qemu_bh_new(observe_then_quit, NULL);
    int before = resets, posts = post_resets;

    setup();
    vm_start();
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    qemu_bh_schedule(bh);
    CHECK_EQ(main_loop_run(), 5);
    CHECK_EQ(seen_resets, before + 1);
    CHECK_EQ(post_resets, posts + 1);
    CHECK_EQ(seen_state, RUN_STATE_RUNNING);
    CHECK(vcpus_running);
    qemu_bh_delete(bh);
}

UNIT_TEST(runstate_reset_only)
{
    int before = resets;

    setup();
    vm_start();
    qemu_system_reset(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    CHECK_EQ(resets, before + 1);
    CHECK(vcpus_running);           /* resumed after the reset */
    CHECK(runstate_is_running());
}

UNIT_TEST(runstate_no_reboot_exits_on_reset)
{
    setup();
    runstate_set_no_reboot(true);
    vm_start();
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    CHECK_EQ(main_loop_run(), 0);
}

UNIT_TEST(runstate_no_shutdown_stops_instead)
{
    QEMUBH *bh = qemu_bh_new(observe_then_quit, NULL);

    setup();
    runstate_set_no_shutdown(true);
    vm_start();
    qemu_system_shutdown_request_status(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, 3);
    qemu_bh_schedule(bh);
    /* The guest's power-off only stops the VM; the host's request ends it. */
    CHECK_EQ(main_loop_run(), 5);
    CHECK_EQ(seen_state, RUN_STATE_SHUTDOWN);
    CHECK(!vcpus_running);
    CHECK(!qemu_clock_enabled(QEMU_CLOCK_VIRTUAL));
    qemu_bh_delete(bh);
}
