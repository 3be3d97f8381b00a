r"""A seccomp filter for the sandbox, assembled as classic BPF without libseccomp.

The filter runs in the kernel on every system call of the sandboxed process and its children.
It denies, with ``EPERM``/``EACCES``:

- ``socket()`` for IP, IPv6 and raw packet families, so a submission cannot open a network
  connection even where a network namespace is missing (Unix sockets stay allowed; the
  sandbox's own namespace has none to reach);
- calls a submission never needs and that widen the attack surface: ``ptrace``,
  ``process_vm_readv/writev``, ``mount``/``umount2``/``pivot_root``, ``unshare``/``setns``,
  ``bpf``, ``perf_event_open``, ``keyctl``/``add_key``/``request_key``, ``userfaultfd``,
  ``io_uring_*``, kernel modules, ``kexec``, ``reboot``, ``swapon``.

Any other architecture than the one the filter was built for is killed (a 32-bit syscall
table would bypass the numbers below). bubblewrap loads the program with ``--seccomp FD``
just before it executes the sandboxed command, after its own mounts.

Each instruction is ``struct sock_filter {u16 code; u8 jt; u8 jf; u32 k}``; jumps count
instructions forward from the next one.
"""

from __future__ import annotations

import errno
import os
import platform
import struct

# BPF opcodes
LD_W_ABS = 0x20   # A = seccomp_data[k]
JEQ_K = 0x15      # if A == k
JGE_K = 0x35      # if A >= k
RET_K = 0x06      # return k

RET_ALLOW = 0x7FFF0000
RET_KILL_PROCESS = 0x80000000


def RET_ERRNO(e: int) -> int:
    return 0x00050000 | e


# seccomp_data layout: nr (u32), arch (u32), instruction pointer (u64), args[6] (u64 each)
OFF_NR, OFF_ARCH, OFF_ARG0_LOW = 0, 4, 16

AF_INET, AF_INET6, AF_PACKET = 2, 10, 17

ARCHES = {
    # machine: (AUDIT_ARCH, socket nr, {denied name: nr}, x32 bit or None)
    "x86_64": (0xC000003E, 41, {
        "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "mount": 165,
        "umount2": 166, "pivot_root": 155, "unshare": 272, "setns": 308, "bpf": 321,
        "perf_event_open": 298, "keyctl": 250, "add_key": 248, "request_key": 249,
        "userfaultfd": 323, "io_uring_setup": 425, "io_uring_enter": 426,
        "io_uring_register": 427, "init_module": 175, "finit_module": 313,
        "delete_module": 176, "kexec_load": 246, "kexec_file_load": 320, "reboot": 169,
        "swapon": 167, "swapoff": 168,
    }, 0x40000000),
    "aarch64": (0xC00000B7, 198, {
        "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "mount": 40,
        "umount2": 39, "pivot_root": 41, "unshare": 97, "setns": 268, "bpf": 280,
        "perf_event_open": 241, "keyctl": 219, "add_key": 217, "request_key": 218,
        "userfaultfd": 282, "io_uring_setup": 425, "io_uring_enter": 426,
        "io_uring_register": 427, "init_module": 105, "finit_module": 273,
        "delete_module": 106, "kexec_load": 104, "kexec_file_load": 294, "reboot": 142,
        "swapon": 224, "swapoff": 225,
    }, None),
}


def supported() -> bool:
    """Whether a filter can be built for this machine's architecture."""
    return platform.machine() in ARCHES


def build_filter(machine: str | None = None) -> bytes:
    """The filter program for ``machine`` (default: this one) as bytes for ``--seccomp``."""
    arch, socket_nr, denied, x32_bit = ARCHES[machine or platform.machine()]
    prog: list[tuple[int, int, int, int]] = []

    def emit(code: int, k: int, jt: int = 0, jf: int = 0) -> None:
        prog.append((code, jt, jf, k))

    emit(LD_W_ABS, OFF_ARCH)
    emit(JEQ_K, arch, jt=1, jf=0)
    emit(RET_K, RET_KILL_PROCESS)
    emit(LD_W_ABS, OFF_NR)
    if x32_bit is not None:
        emit(JGE_K, x32_bit, jt=0, jf=1)
        emit(RET_K, RET_ERRNO(errno.EPERM))
    for nr in sorted(denied.values()):
        emit(JEQ_K, nr, jt=0, jf=1)
        emit(RET_K, RET_ERRNO(errno.EPERM))
    emit(JEQ_K, socket_nr, jt=1, jf=0)
    emit(RET_K, RET_ALLOW)
    emit(LD_W_ABS, OFF_ARG0_LOW)
    for family in (AF_INET, AF_INET6, AF_PACKET):
        emit(JEQ_K, family, jt=0, jf=1)
        emit(RET_K, RET_ERRNO(errno.EACCES))
    emit(RET_K, RET_ALLOW)
    return b"".join(struct.pack("<HBBI", code, jt, jf, k) for code, jt, jf, k in prog)


def filter_fd() -> int:
    """A file descriptor holding the filter, positioned at its start (for bwrap --seccomp)."""
    fd = os.memfd_create("mlmath-seccomp", 0)
    os.write(fd, build_filter())
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
