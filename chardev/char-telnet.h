/*
 * The telnet layer of the socket backend (telnet=on, "telnet:" shorthand):
 * just enough of RFC 854 for a terminal client to talk to a guest serial
 * line in character mode.
 */
#ifndef CHARDEV_CHAR_TELNET_H
#define CHARDEV_CHAR_TELNET_H

#include "core/osdep.h"

typedef struct TelnetState {
    int state;
    bool got_break;           /* IAC BRK seen in the last filtered chunk */
} TelnetState;

/* What the server says first: will echo, suppress go-ahead, binary both ways. */
extern const uint8_t telnet_greeting[];
extern const size_t telnet_greeting_len;

void telnet_reset(TelnetState *t);
/* Strip telnet commands from in[0..len) into out (at most len bytes); returns data bytes. */
size_t telnet_filter_input(TelnetState *t, const uint8_t *in, size_t len, uint8_t *out);
/* Double every 0xFF (IAC) of buf into a new array of at most 2*len bytes. */
GByteArray *telnet_escape_output(const uint8_t *buf, size_t len);

#endif
