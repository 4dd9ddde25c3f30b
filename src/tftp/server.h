/* SPDX-License-Identifier: MIT */
/*
 * tftp/server.h - the TFTP server: the listening socket on [tftp] port and
 * one socket (TID) per read transfer, all in the one event loop.
 *
 * Files come from the served namespace (fs/), which does all path
 * normalising and confinement. A transfer keeps its fs_file open to the
 * end, so a reload (new namespace) or a file replaced on disk never
 * changes what a transfer in progress sends.
 */
#ifndef PXED_TFTP_SERVER_H
#define PXED_TFTP_SERVER_H

struct config;
struct fs_namespace;
struct loop;
struct tftp_server;

/*
 * Bind the listening socket (do it before privileges are dropped: port
 * 69 is privileged). `config` and `ns` are borrowed and must outlive the
 * server or be replaced through tftp_server_reload() first.
 */
int tftp_server_new(struct loop *loop, const struct config *config,
		    const struct fs_namespace *ns, struct tftp_server **ret);

/*
 * New requests use the new config and namespace; transfers in flight go
 * on with the files they have open. The caller may free the old ones
 * after this returns. A changed port or address needs a restart.
 */
void tftp_server_reload(struct tftp_server *s, const struct config *config,
			const struct fs_namespace *ns);

/* Ends every transfer and closes the sockets. Takes NULL; returns NULL. */
struct tftp_server *tftp_server_free(struct tftp_server *s);

#endif
