/*
 * The base of every backend that moves bytes through file descriptors
 * (stdio, file, pipe, pty, socket): input watched in the frontend's loop
 * with flow control, non-blocking output, a one-shot "writable again" watch.
 */
#ifndef CHARDEV_CHAR_FD_H
#define CHARDEV_CHAR_FD_H

#include "chardev/char.h"

#define TYPE_CHARDEV_FD "chardev-fd"

typedef struct FDChardev FDChardev;
struct FDChardev {
    Chardev parent_obj;
    int fd_in;                 /* -1: no input */
    int fd_out;                /* -1: output is dropped */
    bool close_fds;            /* ours to close at finalize */
    bool in_eof;               /* input ended: stop reading */
    bool in_full;              /* the frontend took nothing: input paused */
    /* What is registered with the loop now (see fd_chr_sync). */
    EventLoop *reg_loop;
    int reg_in, reg_out;
    bool reg_read, reg_write;
    QEMUTimer *retry_timer;    /* re-checks a full frontend (see char-fd.c) */
    EventLoop *retry_loop;
    ChrWritableFunc *out_cb;   /* pending qemu_chr_fe_add_write_watch */
    void *out_opaque;
    QEMUBH *out_bh;            /* fires out_cb when there is no fd to wait on */
    /* Rewrites input in place before delivery (telnet); returns the new length. */
    int (*input_filter)(FDChardev *s, uint8_t *buf, int len);
    /* EOF or read error on fd_in (after the watch is gone); NULL: just stop. */
    void (*input_closed)(FDChardev *s);
};

#define FD_CHARDEV(obj) OBJECT_CHECK(FDChardev, (obj), TYPE_CHARDEV_FD)

/* Every subclass's class_init calls this to get the fd data path. */
void fd_chr_class_setup(ChardevClass *cc);
/* Start using these fds (either may be -1); input watching follows the frontend. */
void fd_chr_set_fds(FDChardev *s, int fd_in, int fd_out, bool close_fds);
/* Bring the loop registrations in line with the current state. */
void fd_chr_sync(FDChardev *s);
void fd_chr_update_read_handler(Chardev *chr);
int fd_chr_write(Chardev *chr, const uint8_t *buf, int len);
void fd_chr_wait_writable(Chardev *chr);
/* Close fds we own and forget them. */
void fd_chr_close_fds(FDChardev *s);
bool fd_chr_set_nonblock(int fd, Error **errp);

#endif
