/* SPDX-License-Identifier: EUPL-1.2 */
/* IMAP, the transport half of the polling job (cases/imap.c): libcurl
 * connects (imap:// with STARTTLS when the server offers it, imaps://),
 * verifies the server's certificate, and logs in (CURLOPT_CONNECT_ONLY);
 * the commands then go over its connection with curl_easy_send/recv, and
 * their responses are framed and read by mail/imap_proto.h. libcurl's own
 * IMAP requests are not used because its fetch (BODY[]) sets \Seen: here
 * the message is read with BODY.PEEK[] and marked seen only after it was
 * stored. Knows nothing of cases or the database. */
#ifndef JAWNOSC_MAIL_IMAP_CLIENT_H
#define JAWNOSC_MAIL_IMAP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

enum imap_result {
	IMAP_OK,
	IMAP_REFUSED, /* the server answered the command NO or BAD (`err` says what) */
	IMAP_DOWN,    /* no connection, TLS or login refused, a timeout, the connection
	                 lost or a response we cannot read: try again later */
	IMAP_STOPPED, /* the server stops (jobs_stopping()) */
};

struct imap_conn;

struct imap_login {
	const char *url;      /* imap[s]://host[:port]/ (the mailbox is selected apart) */
	const char *user;
	const char *password;
	const char *ca;       /* "" or NULL: the system's store */
	size_t literal_max;   /* the largest literal accepted (a message's bytes) */
	long timeout_s;       /* without a byte from the server this long, IMAP_DOWN */
};

/* Connects and logs in: *out on IMAP_OK (close it with imap_close()). */
enum imap_result imap_open(const struct imap_login *l, struct imap_conn **out, char *err,
                           size_t errlen);

/* Sends `command` (without tag and CRLF; it must hold no CR or LF) and
 * reads until its tagged response: each untagged response goes to
 * `on_untagged` (may be NULL) as it comes, complete with its literals,
 * valid until the callback returns. IMAP_OK when the server answered OK,
 * IMAP_REFUSED for NO or BAD. After IMAP_DOWN or IMAP_STOPPED the
 * connection is unusable: close it. */
enum imap_result imap_command(struct imap_conn *c, const char *command,
                              void (*on_untagged)(void *ud, const char *resp, size_t len),
                              void *ud, char *err, size_t errlen);

/* LOGOUT (when still usable) and frees everything. NULL is fine. */
void imap_close(struct imap_conn *c);

#endif
