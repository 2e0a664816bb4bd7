/* SPDX-License-Identifier: EUPL-1.2 */
/* The MTA stand-in of the inbound mail tests: tests/mta_pipe.py (an
 * aiosmtpd server that pipes each recipient's copy to `jawnosc mailin` as
 * Postfix's pipe(8) does) started on a free loopback port, and a message
 * sent to it over SMTP with libcurl. Include after <cmocka.h>. */
#ifndef JAWNOSC_TESTS_MTA_UTIL_H
#define JAWNOSC_TESTS_MTA_UTIL_H

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define MTA_LOGS "build/test-logs"

static inline unsigned mta_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	socklen_t sl = sizeof sa;
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

/* Starts tests/mta_pipe.py on `port`, delivering to bin/jawnosc-asan
 * mailin in this process's environment (DATABASE_URL, JAWNOSC_FAKE_NOW as
 * they are now); `database_url` (when not NULL) replaces the one its
 * children get. Waits until it listens; its errors go to
 * build/test-logs/mta_pipe.err, one line a delivery to `log`. */
static inline pid_t mta_start(unsigned port, const char *database_url, const char *log)
{
	mkdir(MTA_LOGS, 0755);
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int logfd = open(MTA_LOGS "/mta_pipe.err", O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(pipefd[1], STDOUT_FILENO);
		if (logfd >= 0)
			dup2(logfd, STDERR_FILENO);
		close(pipefd[0]);
		if (database_url)
			setenv("DATABASE_URL", database_url, 1);
		char p[16];
		snprintf(p, sizeof p, "%u", port);
		execl("/usr/bin/python3", "python3", "tests/mta_pipe.py", p, log, "bin/jawnosc-asan",
		      "mailin", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	char buf[64] = "";
	size_t n = 0;
	struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
	while (n < sizeof buf - 1 && !strstr(buf, "ready\n") && poll(&pfd, 1, 15000) > 0) {
		ssize_t r = read(pipefd[0], buf + n, sizeof buf - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
	}
	close(pipefd[0]);
	if (!strstr(buf, "ready\n"))
		fail_msg("mta_pipe.py did not start: see " MTA_LOGS "/mta_pipe.err");
	return pid;
}

static inline unsigned char *mta_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	unsigned char *b = malloc((size_t)n + 1);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return b;
}

struct mta_upload {
	const unsigned char *data;
	size_t len, pos;
};

static inline size_t mta_upload_read(char *buf, size_t size, size_t n, void *v)
{
	struct mta_upload *u = v;
	size_t k = size * n < u->len - u->pos ? size * n : u->len - u->pos;
	memcpy(buf, u->data + u->pos, k);
	u->pos += k;
	return k;
}

/* Sends the file over SMTP to the stand-in on `port` (`from` "" is the
 * null sender of a bounce); the server's last answer (250, 451, 554). */
static inline long smtp_send(unsigned port, const char *from, const char *rcpt, const char *path)
{
	size_t len;
	unsigned char *data = mta_read_file(path, &len);
	struct mta_upload u = {data, len, 0};
	CURL *h = curl_easy_init();
	char url[64];
	snprintf(url, sizeof url, "smtp://127.0.0.1:%u/client.test", port);
	struct curl_slist *to = curl_slist_append(NULL, rcpt);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, mta_upload_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(to);
	curl_easy_cleanup(h);
	free(data);
	return code;
}

#endif
