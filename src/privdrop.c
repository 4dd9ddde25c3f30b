/* SPDX-License-Identifier: MIT */
/* privdrop.c - see privdrop.h */
#include "privdrop.h"

#include "log.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

int privdrop_lookup(const char *user, unsigned *ret_uid, unsigned *ret_gid)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		log_error("user '%s' does not exist (create it with: useradd "
			  "--system --no-create-home %s)", user, user);
		return errno ? -errno : -ENOENT;
	}
	*ret_uid = pw->pw_uid;
	*ret_gid = pw->pw_gid;
	return 0;
}

int privdrop_apply(unsigned uid, unsigned gid)
{
	cap_t caps;

	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0) {
		log_error("cannot drop privileges: %s", strerror(errno));
		return -errno;
	}
	/* setresuid() from root clears the capability sets; make sure. */
	caps = cap_init();
	if (!caps || cap_set_proc(caps) < 0) {
		cap_free(caps);
		log_error("cannot clear capabilities: %s", strerror(errno));
		return -EPERM;
	}
	cap_free(caps);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (uid != 0 && setuid(0) == 0) {
		log_error("privileges could be regained after dropping them");
		return -EPERM;
	}
	return 0;
}
