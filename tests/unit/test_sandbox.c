/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for sandbox.c, each in a child process (the filter cannot be
 * taken off again): denied calls fail with EPERM, on a thread that was
 * running before the filter too; ordinary ones still work. Every denied
 * call is made so that it would fail harmlessly (or run /bin/false) if
 * the filter were missing: these tests run as root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs fn in a child; returns its exit status (fn's return value). */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int denied_with_eperm(long r)
{
	return r == -1 && errno == EPERM;
}

/* Exits 1 if it runs, failing the test. */
static void exec_false(void)
{
	char *const argv[] = { "false", NULL };

	execv("/bin/false", argv);
}

static int exec_is_denied(void)
{
	if (sandbox_apply() <= 0)
		return 10;
	exec_false();
	return errno == EPERM ? 0 : 11;
}

static int mounts_and_namespaces_are_denied(void)
{
	if (sandbox_apply() <= 0)
		return 10;
	/* without the filter: ENOENT, the target does not exist */
	if (!denied_with_eperm(mount("none", "/nonexistent/pxed-test", "tmpfs",
				     0, NULL)))
		return 11;
	if (!denied_with_eperm(unshare(CLONE_NEWNET)))
		return 12;
	if (!denied_with_eperm(syscall(SYS_bpf, 0, NULL, 0)))
		return 13;
	if (!denied_with_eperm(syscall(SYS_init_module, NULL, 0, "")))
		return 14;
	return 0;
}

/* clone3 hides its flags from the filter: ENOSYS, and glibc falls back to
 * clone, which may not make namespaces; threads still start. */
static void *nothing(void *arg)
{
	return arg;
}

static int clone_without_namespaces(void)
{
	pthread_t t;
	long r;

	if (sandbox_apply() <= 0)
		return 10;
	r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0);
	if (r == 0)
		_exit(0);    /* a child: the filter let it through */
	if (r > 0) {
		waitpid((pid_t)r, NULL, 0);
		return 11;
	}
	if (errno != EPERM)
		return 12;
	if (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
		return 13;
	if (pthread_create(&t, NULL, nothing, NULL) || pthread_join(t, NULL))
		return 14;
	return 0;
}

static int ordinary_calls_work(void)
{
	int fd, s;

	if (sandbox_apply() <= 0)
		return 10;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || s < 0 || getpid() <= 0)
		return 11;
	close(fd);
	close(s);
	return 0;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int filtered;

static void *try_exec_later(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!filtered)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	exec_false();
	return (void *)(intptr_t)(errno == EPERM ? 0 : 21);
}

static int earlier_threads_are_filtered(void)
{
	pthread_t t;
	void *ret;

	if (pthread_create(&t, NULL, try_exec_later, NULL))
		return 20;
	if (sandbox_apply() <= 0)
		return 10;
	pthread_mutex_lock(&lock);
	filtered = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	pthread_join(t, &ret);
	return (int)(intptr_t)ret;
}

static void test_exec_denied(void **state)
{
	(void)state;
	assert_int_equal(in_child(exec_is_denied), 0);
}

static void test_mounts_and_kernel_denied(void **state)
{
	(void)state;
	assert_int_equal(in_child(mounts_and_namespaces_are_denied), 0);
}

static void test_clone_without_namespaces(void **state)
{
	(void)state;
	assert_int_equal(in_child(clone_without_namespaces), 0);
}

static void test_ordinary_calls(void **state)
{
	(void)state;
	assert_int_equal(in_child(ordinary_calls_work), 0);
}

static void test_earlier_threads(void **state)
{
	(void)state;
	assert_int_equal(in_child(earlier_threads_are_filtered), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_denied),
		cmocka_unit_test(test_mounts_and_kernel_denied),
		cmocka_unit_test(test_clone_without_namespaces),
		cmocka_unit_test(test_ordinary_calls),
		cmocka_unit_test(test_earlier_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
