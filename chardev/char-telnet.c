/*
 * Telnet framing for the socket backend.
 *
 * RFC 854 (the protocol): commands start with IAC (255); WILL/WONT/DO/DONT
 * take one option byte; SB ... IAC SE brackets a subnegotiation; IAC IAC is
 * a data byte 255; CR is followed by NUL or LF on the wire.
 * Options we announce: ECHO (RFC 857) so the client does not echo locally
 * (the guest does), SUPPRESS-GO-AHEAD (RFC 858) for character-at-a-time
 * input, BINARY (RFC 856) so all 8 bits pass.  Replies from the client are
 * consumed silently: a minimal server may ignore option negotiation answers.
 */
#include "core/osdep.h"
#include "chardev/char-telnet.h"

#define IAC   255
#define DONT  254
#define DO    253
#define WONT  252
#define WILL  251
#define SB    250
#define BRK   243
#define SE    240

#define OPT_BINARY 0
#define OPT_ECHO   1
#define OPT_SGA    3

enum {
    TS_DATA,
    TS_IAC,         /* after IAC */
    TS_OPTION,      /* after IAC WILL/WONT/DO/DONT: one option byte to skip */
    TS_SB,          /* inside a subnegotiation */
    TS_SB_IAC,      /* IAC inside a subnegotiation */
    TS_CR,          /* after CR: a NUL here is padding */
};

const uint8_t telnet_greeting[] = {
    IAC, WILL, OPT_ECHO,
    IAC, WILL, OPT_SGA,
    IAC, WILL, OPT_BINARY,
    IAC, DO, OPT_BINARY,
};
const size_t telnet_greeting_len = sizeof(telnet_greeting);

void telnet_reset(TelnetState *t)
{
    t->state = TS_DATA;
    t->got_break = false;
}

size_t telnet_filter_input(TelnetState *t, const uint8_t *in, size_t len, uint8_t *out)
{
    size_t n = 0;

    t->got_break = false;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = in[i];

        switch (t->state) {
        case TS_CR:
            t->state = TS_DATA;
            if (c == 0) {
                break;          /* CR NUL means a bare CR */
            }
            /* fall through */
        case TS_DATA:
            if (c == IAC) {
                t->state = TS_IAC;
            } else {
                out[n++] = c;
                if (c == '\r') {
                    t->state = TS_CR;
                }
            }
            break;
        case TS_IAC:
            t->state = TS_DATA;
            if (c == IAC) {
                out[n++] = c;   /* escaped data byte 255 */
            } else if (c >= WILL && c <= DONT) {
                t->state = TS_OPTION;
            } else if (c == SB) {
                t->state = TS_SB;
            } else if (c == BRK) {
                t->got_break = true;
            }
            /* NOP, AYT, GA and the rest carry nothing for the guest. */
            break;
        case TS_OPTION:
            t->state = TS_DATA;
            break;
        case TS_SB:
            if (c == IAC) {
                t->state = TS_SB_IAC;
            }
            break;
        case TS_SB_IAC:
            t->state = c == SE ? TS_DATA : TS_SB;
            break;
        }
    }
    return n;
}

GByteArray *telnet_escape_output(const uint8_t *buf, size_t len)
{
    GByteArray *a = g_byte_array_sized_new(len + 8);
    static const uint8_t iac = IAC;

    for (size_t i = 0; i < len; i++) {
        g_byte_array_append(a, &buf[i], 1);
        if (buf[i] == IAC) {
            g_byte_array_append(a, &iac, 1);
        }
    }
    return a;
}
