/* SPDX-License-Identifier: MIT */
/* sandbox.c - see sandbox.h */
#include "sandbox.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define SANDBOX_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SANDBOX_ARCH AUDIT_ARCH_AARCH64
#endif

/* LeakSanitizer stops the threads with ptrace(2) to scan them at exit. */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_UNDER_ASAN 1
#endif
#endif

static const int denied[] = {
	/* running programs */
	SYS_execve, SYS_execveat,
	/* other processes' memory */
#ifndef SANDBOX_UNDER_ASAN
	SYS_ptrace,
#endif
	SYS_process_vm_readv, SYS_process_vm_writev,
	/* mounts and namespaces */
	SYS_mount, SYS_umount2, SYS_pivot_root, SYS_chroot, SYS_unshare,
	SYS_setns, SYS_open_tree, SYS_move_mount, SYS_fsopen, SYS_fsconfig,
	SYS_fsmount, SYS_fspick, SYS_mount_setattr,
	/* the kernel itself */
	SYS_init_module, SYS_finit_module, SYS_delete_module, SYS_kexec_load,
	SYS_kexec_file_load, SYS_bpf, SYS_perf_event_open, SYS_userfaultfd,
	SYS_io_uring_setup, SYS_open_by_handle_at, SYS_name_to_handle_at,
	SYS_keyctl, SYS_add_key, SYS_request_key, SYS_syslog, SYS_quotactl,
	SYS_fanotify_init, SYS_acct,
	/* the machine */
	SYS_reboot, SYS_swapon, SYS_swapoff, SYS_settimeofday,
	SYS_clock_settime, SYS_clock_adjtime, SYS_adjtimex, SYS_sethostname,
	SYS_setdomainname, SYS_vhangup,
#if defined(__x86_64__)
	SYS_iopl, SYS_ioperm,
#endif
};

#define N_DENIED (sizeof(denied) / sizeof(denied[0]))

/* clone(2) flags that make namespaces, as unshare(2) would */
#define NAMESPACE_FLAGS                                                       \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |        \
	 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

#ifdef SANDBOX_ARCH
#define STMT(code, k) ((struct sock_filter)BPF_STMT(code, k))
#define JUMP(code, k, from, to_true, to_false)                               \
	((struct sock_filter)BPF_JUMP(code, k,                                \
				      (uint8_t)((to_true) - (from) - 1),      \
				      (uint8_t)((to_false) - (from) - 1)))
#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))
/* clone's flags are read as the low word of its first argument */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "sandbox.c reads clone flags little-endian");
#if defined(__x86_64__)
#define X32_CHECK 1
#else
#define X32_CHECK 0
#endif
#endif

/*
 * The program: another ABI (i386 on x86_64 numbers calls otherwise) is
 * killed; x32 calls (bit 30) and the listed ones get EPERM; clone3 gets
 * ENOSYS, so that glibc falls back to clone, whose flags a filter can see
 * (clone3 passes them in memory): clone with namespace flags gets EPERM.
 */
int sandbox_apply(void)
{
#ifdef SANDBOX_ARCH
	enum {
		first_test = 4 + X32_CHECK,
		deny_tests = first_test + 2,
		allow = deny_tests + N_DENIED,
		deny = allow + 1,
		no_clone3 = allow + 2,
		clone_flags = allow + 3,
		len = clone_flags + 4,
	};
	struct sock_filter prog[len];
	struct sock_fprog fprog = { .len = len, .filter = prog };
	size_t n = 0;

	prog[n++] = STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch));
	prog[n] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, n, n + 2, n + 1);
	n++;
	prog[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	prog[n++] = STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr));
#if X32_CHECK
	prog[n] = JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, n, deny, n + 1);
	n++;
#endif
	prog[n] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, n, no_clone3,
		       n + 1);
	n++;
	prog[n] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, n, clone_flags,
		       n + 1);
	n++;
	for (size_t i = 0; i < N_DENIED; i++, n++)
		prog[n] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)denied[i],
			       n, deny, n + 1);
	prog[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog[n++] = STMT(BPF_RET | BPF_K, RET_ERRNO(EPERM));
	prog[n++] = STMT(BPF_RET | BPF_K, RET_ERRNO(ENOSYS));
	/* clone: its flags are the low word of the first argument */
	prog[n++] = STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[0]));
	prog[n] = JUMP(BPF_JMP | BPF_JSET | BPF_K, NAMESPACE_FLAGS, n, n + 1,
		       n + 2);
	n++;
	prog[n++] = STMT(BPF_RET | BPF_K, RET_ERRNO(EPERM));
	prog[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (n != len)
		return -EINVAL;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_TSYNC, &fprog) != 0)
		return errno ? -errno : -EBUSY;
	return (int)N_DENIED + 2;
#else
	return -ENOSYS;
#endif
}
