#!/usr/bin/env python3
"""Write a 64 KiB x86 firmware image (-bios) that prints one line on COM1
and ends the run through isa-debug-exit (port 0xf4, value 0: exit status 1).

    make-tiny-bios.py OUT.bin [LINE [PORT]]     (PORT: UART base, default 0x3f8)

It measures what a VMM costs around the guest (process start, machine
setup, first instruction, teardown): the guest itself runs ~40 real-mode
instructions from the reset vector (SDM vol. 3 §9.1.4: F000:FFF0).
"""
import struct
import sys

out = sys.argv[1]
line = (sys.argv[2] if len(sys.argv) > 2 else 'GUEST-READY').encode() + b'\r\n\0'
port = int(sys.argv[3], 0) if len(sys.argv) > 3 else 0x3f8

MSG = 0x100                          # offset of the text in segment F000
code = b''.join([
    b'\x8c\xc8',                     # mov ax, cs
    b'\x8e\xd8',                     # mov ds, ax
    b'\xbe' + struct.pack('<H', MSG),  # mov si, MSG
    b'\xba' + struct.pack('<H', port),  # mov dx, port
    b'\xac',                         # next: lodsb
    b'\x84\xc0',                     # test al, al
    b'\x74\x03',                     # jz done
    b'\xee',                         # out dx, al
    b'\xeb\xf8',                     # jmp next
    b'\x31\xc0',                     # done: xor ax, ax
    b'\xe6\xf4',                     # out 0xf4, al
    b'\xfa',                         # cli
    b'\xf4',                         # halt: hlt
    b'\xeb\xfd',                     # jmp halt
])
img = bytearray(b'\xff' * 0x10000)
img[0:len(code)] = code
img[MSG:MSG + len(line)] = line
img[0xfff0:0xfff5] = b'\xea\x00\x00\x00\xf0'   # jmp far f000:0000
with open(out, 'wb') as f:
    f.write(img)
