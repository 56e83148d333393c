#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# cpu-state.py SOCKET SYSTEM_MAP [SAMPLES]
#
# Where a hung test VM's CPUs are: asks its QEMU monitor (a UNIX socket) for
# every vCPU's registers SAMPLES times, a second apart, and prints each
# RIP with the test kernel's symbol for it (or "not kernel text": a nested
# guest's code, or user space), then the first sample in full.  vm.sh runs
# it before it kills a VM that ran out of time.
import bisect
import re
import socket
import sys
import time


def monitor(path, cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    out = b""
    try:
        s.recv(65536)                   # the banner and prompt
        s.sendall(cmd.encode() + b"\n")
        s.settimeout(2)                 # the answer: until 2 s of silence
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except socket.timeout:
        pass
    s.close()
    out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out.decode(errors="replace"))
    return out[out.find("CPU#"):] if "CPU#" in out else out


def symbols(path):
    addrs, names = [], []
    with open(path) as f:
        for line in f:
            a, t, n = line.split()[:3]
            if t in "tTwW":
                addrs.append(int(a, 16))
                names.append(n)
    return addrs, names


def main():
    sock, smap = sys.argv[1], sys.argv[2]
    samples = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    addrs, names = symbols(smap)
    first = None
    for k in range(samples):
        regs = monitor(sock, "info registers -a")
        first = first or regs
        for cpu, rip, cpl in re.findall(r"CPU#(\d+).*?RIP=([0-9a-f]+).*?CPL=(\d)", regs, re.S):
            r = int(rip, 16)
            i = bisect.bisect_right(addrs, r) - 1
            where = "not kernel text"
            if i >= 0 and r >= 0xffffffff80000000 and r - addrs[i] < 0x100000:
                where = "%s+0x%x" % (names[i], r - addrs[i])
            print("sample %d: CPU %s RIP %s CPL %s: %s" % (k, cpu, rip, cpl, where))
        time.sleep(1)
    print(first or "no answer from the monitor")


if __name__ == "__main__":
    main()
