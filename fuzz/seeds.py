#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed inputs of one fuzz target into a corpus directory.

Each seed is what a test builds, in the target's input encoding (see the
target's LLVMFuzzerTestOneInput): a legacy 4-level mapping and a
scalable-mode PASID entry for fuzz_walk (as kunit/fixture.c's kt_map4()
and kt_sm_env()), a driver's register sequence for fuzz_regfile (as
selftests/vtd_regs_test.c's guests), a table of IRTEs for fuzz_intremap.
Existing files are kept: the corpus grows across runs.
"""
import os
import struct
import sys


def u8(v):
    return struct.pack('<B', v & 0xff)


def u16(v):
    return struct.pack('<H', v & 0xffff)


def u64(v):
    return struct.pack('<Q', v & (2**64 - 1))


def page(i):
    return 0x100000 + 4096 * i


# fuzz_walk: entries are (page, index, value) written as "where" + value.
def ptr(p, i, to, flags):
    return u16((p << 9) | i) + u8(3) + u8(to) + u16(flags)


def raw(p, i, v):
    return u16((p << 9) | i) + u8(1) + u64(v)


def xlate(sid, page_nr, off=0):
    return u8(0) + u16(sid) + struct.pack('<Q', page_nr)[:5] + u16(off)


def walk_legacy():
    sid = 0x0301
    ents = [ptr(0, 3 * 2, 1, 1),                 # root entry, bus 3
            ptr(1, 1 * 2, 2, 1), raw(1, 1 * 2 + 1, 2 | (42 << 8)),
            ptr(2, 0, 3, 3), ptr(3, 0, 4, 3), ptr(4, 0, 5, 3),
            raw(5, 5, 0x7000 | 3), raw(5, 6, 0xfee00000 | 3)]
    cfg = u8(0x08) + u8(0x06) + u8(0x06) + u8(0)
    return (cfg + u8(len(ents)) + b''.join(ents) + xlate(sid, 5) + xlate(sid, 6) +
            xlate(sid, 7) + u8(5) + u16(sid) + u64(0) + u64(2**40))


def walk_scalable():
    sid = 0x0301
    ents = [ptr(0, 3 * 2, 1, 1),                 # lower context table
            ptr(1, 1 * 4, 2, 1 | 8),             # PASIDE, PDTS 0
            ptr(2, 0, 3, 1),                     # PASID directory entry 0
            ptr(3, 0, 4, (2 << 6) | (2 << 2) | 1), raw(3, 1, 42),   # PASID 0: SS
            raw(3, 8, (1 << 6) | 1), raw(3, 9, 7), ptr(3, 10, 9, 1),  # PASID 1: FS
            ptr(4, 0, 5, 3), ptr(5, 0, 6, 3), ptr(6, 0, 7, 3), raw(7, 5, 0x7000 | 3),
            ptr(9, 0, 10, 7), ptr(10, 0, 11, 7), ptr(11, 0, 12, 7), raw(12, 5, 0x9000 | 7)]
    cfg = u8(0x3f) + u8(0x46) + u8(0x06) + u8(0)
    pasid1 = u8(0x10) + u16(sid) + struct.pack('<I', 1)[:3] + struct.pack('<Q', 5)[:5] + u16(0)
    return (cfg + u8(len(ents)) + b''.join(ents) + xlate(sid, 5) + pasid1 +
            u8(6) + u16(sid) + struct.pack('<I', 0)[:3] + u16(100))


# fuzz_regfile: caps (1 + 5 * 8 bytes), then writes: op 0, offset, bias, len, data.
def reg_write(off, val, len8=True):
    return u8(0) + u16(off) + u8(1) + u8(1 if len8 else 0) + u64(val)


def regfile_driver():
    caps = u8(0x11) + bytes(5 * 8)       # scalable mode, interrupt remapping
    ops = [reg_write(0x20, 0x5000), reg_write(0x18, 1 << 30, False),
           reg_write(0x90, 0x6000 | (1 << 11)), reg_write(0x18, 1 << 26, False),
           reg_write(0x88, 0x20), reg_write(0x34, 0x10, False),
           reg_write(0xb8, 0x7000 | 0xf), reg_write(0x18, (1 << 24) | (1 << 25), False),
           reg_write(0xf0, 0x1000 | 3), reg_write(0xf8, (1 << 63) | (3 << 60)),
           u8(3) + u16(0) + u8(1) + u8(1) + u16(0x10) + u8(6) + u8(1) + u8(0) + u64(1 << 60),
           u8(8) + u16(0) + u8(0) + u8(0) + u64(0x36 | (5 << 32)) + u64(0x12345000 | 52)]
    return caps + b''.join(ops)


def intremap_table():
    irtes = b''
    for i in range(8):
        irtes += u16(i) + u8(0) + u8(0) + u8(0x40 + i) + u8(1) + u8(0) + u16(0x10) + u8(0)
    req = b''
    for i in range(8):
        req += u8(0) + u16(0x10) + u16(i) + u8(0x40 + i)
    return u8(0x70) + u8(8) + irtes + req + u8(2 | 0x10) + u16(3) + bytes(12) + req


SEEDS = {
    'fuzz_walk': {'legacy': walk_legacy, 'scalable': walk_scalable},
    'fuzz_regfile': {'driver': regfile_driver},
    'fuzz_intremap': {'table': intremap_table},
}

if __name__ == '__main__':
    target, corpus = sys.argv[1], sys.argv[2]
    os.makedirs(corpus, exist_ok=True)
    for name, fn in SEEDS[target].items():
        path = os.path.join(corpus, 'seed-' + name)
        if not os.path.exists(path):
            with open(path, 'wb') as f:
                f.write(fn())
