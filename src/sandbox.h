/* SPDX-License-Identifier: MIT */
/*
 * sandbox.h - a seccomp filter on every thread, once the daemon is set
 * up: the system calls a network boot server never makes (running
 * programs, tracing or reading other processes, mounting, namespaces,
 * kernel modules, BPF, keyrings, the clock, rebooting) fail with EPERM.
 * A flaw in a parser of network input then cannot start a shell or reach
 * into the kernel through them, whether pxed runs as root or not.
 *
 * A deny list, not an allow list: the libraries pxed uses (SQLite,
 * libiso9660, glibc) may make calls that only a rare path
 * reaches, and an allow list missing one would take a server down in
 * production; nothing pxed or they do needs what is denied here.
 */
#ifndef PXED_SANDBOX_H
#define PXED_SANDBOX_H

/*
 * Sets no_new_privs and installs the filter on all threads of the process
 * (SECCOMP_FILTER_FLAG_TSYNC). Returns the number of system calls denied,
 * or a negative errno (-ENOSYS on an architecture it does not know).
 */
int sandbox_apply(void);

#endif
