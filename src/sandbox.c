/* SPDX-License-Identifier: MIT */
/* sandbox.c - see sandbox.h */
#include "sandbox.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
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

int sandbox_apply(void)
{
#ifdef SANDBOX_ARCH
	/* arch check, nr load, [x32 check], one test per call, allow, deny */
	struct sock_filter prog[2 + 2 + 1 + N_DENIED + 2];
	struct sock_fprog fprog = { .filter = prog };
	size_t n = 0;

	/* Another ABI (i386 on x86_64) numbers calls otherwise: kill. */
	prog[n++] = (struct sock_filter)BPF_STMT(
		BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						 SANDBOX_ARCH, 1, 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						 SECCOMP_RET_KILL_PROCESS);
	prog[n++] = (struct sock_filter)BPF_STMT(
		BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#if defined(__x86_64__)
	/* x32 calls: the same numbers with bit 30 set */
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
						 0x40000000u,
						 (uint8_t)(N_DENIED + 1), 0);
#endif
	for (size_t i = 0; i < N_DENIED; i++)
		prog[n++] = (struct sock_filter)BPF_JUMP(
			BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)denied[i],
			(uint8_t)(N_DENIED - i), 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						 SECCOMP_RET_ALLOW);
	prog[n++] = (struct sock_filter)BPF_STMT(
		BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
	fprog.len = (unsigned short)n;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_TSYNC, &fprog) != 0)
		return errno ? -errno : -EBUSY;
	return (int)N_DENIED;
#else
	return -ENOSYS;
#endif
}
