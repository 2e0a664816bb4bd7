/* SPDX-License-Identifier: EUPL-1.2 */
/* The IMAP polling job (cases/imap.c, docs/inbound.md "IMAP and the
 * e-Doręczenia inbox") against a real Dovecot: a private, unprivileged
 * instance on a free loopback port, its configuration written here
 * (passwd-file with one user, maildir in build/test-logs/imap/, ssl=no for
 * imap://), the real server process and its job "imap", the real
 * PostgreSQL.
 *
 * Messages are delivered as an MTA's local delivery agent would: a file
 * written into the maildir's tmp/ and renamed into new/ (unseen). The
 * mailbox's flags are read back over IMAP with libcurl.
 *
 * Covers: each message stored once, raw and byte for byte, and marked
 * \Seen only after; two server instances polling at once store each
 * message once; Dovecot stopped loses nothing (the job waits, says so in
 * /metrics) and what came meanwhile is stored once it is back; a message
 * stored but not marked seen (a failure between the commit and \Seen) is
 * a duplicate next time, not a second row; a message over the size limit
 * stays unseen, logged once; `serve` refuses malformed settings. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cases/inbound.h"
#include "core/strbuf.h"
#include "integration/cases_util.h"
#include "integration/harness.h"

#define DIR "build/test-logs/imap"
#define USER "urzad"
#define PASSWORD "tajne-haslo-imap"
#define NOW "2026-03-02T09:00:00Z"

static char top[1024];         /* the checkout, absolute */
static pid_t dovecot_pid;
static unsigned imap_port;
static uid_t mail_uid;
static gid_t mail_gid;
static char env_url[128];
static int delivered;          /* makes each message unique */

/* --- small helpers ------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long sql_int(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long long sql_int(const char *fmt, ...)
{
	char sql[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	PGconn *c = h_db();
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	long long v = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? atoll(PQgetvalue(r, 0, 0)) : -1;
	PQclear(r);
	PQfinish(c);
	return v;
}

static unsigned free_port(void)
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

static int run(const char *cmd)
{
	int rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "failed (%d): %s\n", rc, cmd);
	return rc;
}

/* --- Dovecot ------------------------------------------------------------------ */

/* The configuration of a private instance: everything under DIR, listening
 * on 127.0.0.1:imap_port only. As root, its services run as Debian's
 * dovecot/dovenull users and the mail as nobody (Dovecot refuses root for
 * mail and login processes); otherwise all of it as the current user. */
static void dovecot_configure(void)
{
	assert_non_null(getcwd(top, sizeof top));
	assert_int_equal(run("rm -rf " DIR " && mkdir -p " DIR "/mail/" USER "/new " DIR "/mail/" USER
	                     "/cur " DIR "/mail/" USER "/tmp " DIR "/home"),
	                 0);
	const char *internal, *login;
	char me[64];
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("nobody");
		assert_non_null(pw);
		mail_uid = pw->pw_uid;
		mail_gid = pw->pw_gid;
		internal = "dovecot";
		login = "dovenull";
		char cmd[256];
		snprintf(cmd, sizeof cmd, "chown -R %u:%u " DIR "/mail " DIR "/home", (unsigned)mail_uid,
		         (unsigned)mail_gid);
		assert_int_equal(run(cmd), 0);
		/* The mail user must reach its maildir through the tree. */
		assert_int_equal(run("chmod o+x build build/test-logs " DIR), 0);
	} else {
		struct passwd *pw = getpwuid(geteuid());
		assert_non_null(pw);
		snprintf(me, sizeof me, "%s", pw->pw_name);
		mail_uid = geteuid();
		mail_gid = getegid();
		internal = login = me;
	}
	char path[1200];
	snprintf(path, sizeof path, "%s/" DIR "/passwd", top);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, USER ":{PLAIN}" PASSWORD ":%u:%u::%s/" DIR "/home\n", (unsigned)mail_uid,
	        (unsigned)mail_gid, top);
	fclose(f);
	snprintf(path, sizeof path, "%s/" DIR "/dovecot.conf", top);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
	        "protocols = imap\n"
	        "listen = 127.0.0.1\n"
	        "base_dir = %1$s/" DIR "/run\n"
	        "state_dir = %1$s/" DIR "/state\n"
	        "log_path = %1$s/" DIR "/dovecot.log\n"
	        "ssl = no\n"
	        "disable_plaintext_auth = no\n"
	        "auth_mechanisms = plain login\n"
	        "default_internal_user = %2$s\n"
	        "default_internal_group = %4$s\n"
	        "default_login_user = %3$s\n"
	        "first_valid_uid = 1\n"
	        "mail_location = maildir:%1$s/" DIR "/mail/%%u\n"
	        "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN %1$s/" DIR "/passwd\n}\n"
	        "userdb {\n  driver = passwd-file\n  args = %1$s/" DIR "/passwd\n}\n"
	        "service imap-login {\n  chroot =\n"
	        "  inet_listener imap {\n    address = 127.0.0.1\n    port = %5$u\n  }\n"
	        "  inet_listener imaps {\n    port = 0\n  }\n}\n"
	        "service anvil {\n  chroot =\n}\n",
	        top, internal, login, geteuid() == 0 ? "dovecot" : internal, imap_port);
	fclose(f);
	if (geteuid() == 0)
		assert_int_equal(run("chmod 0644 " DIR "/passwd " DIR "/dovecot.conf"), 0);
}

/* Whether Dovecot greets on its port. */
static bool dovecot_answers(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)imap_port)};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	bool ok = false;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
		struct timeval tv = {.tv_sec = 2};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		char buf[256];
		ssize_t n = read(fd, buf, sizeof buf - 1);
		ok = n > 4 && !strncmp(buf, "* OK", 4);
	}
	close(fd);
	return ok;
}

static void dovecot_start(void)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		dup2(devnull, STDOUT_FILENO);
		int logfd = open(DIR "/dovecot.stderr", O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (logfd >= 0)
			dup2(logfd, STDERR_FILENO);
		char conf[1200];
		snprintf(conf, sizeof conf, "%s/" DIR "/dovecot.conf", top);
		execl("/usr/sbin/dovecot", "dovecot", "-F", "-c", conf, (char *)NULL);
		_exit(127);
	}
	dovecot_pid = pid;
	for (double end = now_s() + 20; now_s() < end; usleep(50000))
		if (dovecot_answers())
			return;
	fail_msg("dovecot did not start: see " DIR "/dovecot.log and " DIR "/dovecot.stderr");
}

static void dovecot_stop(void)
{
	if (!dovecot_pid)
		return;
	kill(dovecot_pid, SIGTERM);
	waitpid(dovecot_pid, NULL, 0);
	dovecot_pid = 0;
}

/* Delivers a message into the maildir as a local delivery agent does:
 * written in tmp/, renamed into new/ (so: unseen). */
static void deliver(const char *raw, size_t len)
{
	char tmp[512], fin[512];
	snprintf(tmp, sizeof tmp, DIR "/mail/" USER "/tmp/%ld.M%dP%d.test", (long)time(NULL),
	         ++delivered, (int)getpid());
	snprintf(fin, sizeof fin, DIR "/mail/" USER "/new/%ld.M%dP%d.test", (long)time(NULL),
	         delivered, (int)getpid());
	FILE *f = fopen(tmp, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(raw, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	if (geteuid() == 0)
		assert_int_equal(chown(tmp, mail_uid, mail_gid), 0);
	assert_int_equal(rename(tmp, fin), 0);
}

/* A message of its own (unique Message-ID and bytes) into `out`. */
static void message(strbuf_t *out, const char *subject)
{
	sb_reset(out);
	sb_printf(out,
	          "From: =?UTF-8?Q?Jan_Kowalski?= <jan.kowalski@example.pl>\r\n"
	          "To: sekretariat@mon.example\r\n"
	          "Subject: %s %d\r\n"
	          "Date: Mon, 2 Mar 2026 08:15:00 +0100\r\n"
	          "Message-ID: <imap-test-%d-%d@example.pl>\r\n"
	          "MIME-Version: 1.0\r\n"
	          "Content-Type: text/plain; charset=UTF-8\r\n"
	          "Content-Transfer-Encoding: 8bit\r\n"
	          "\r\n"
	          "Dzień dobry, proszę o udostępnienie rejestru umów za 2025 rok.\r\n"
	          "Z poważaniem\r\nJan Kowalski\r\n",
	          subject, delivered + 1, delivered + 1, (int)getpid());
}

static size_t curl_sink(char *p, size_t size, size_t n, void *ud)
{
	sb_append(ud, p, size * n);
	return size * n;
}

/* The unseen messages of the mailbox, as Dovecot says (SEARCH UNSEEN). */
static int unseen(void)
{
	CURL *h = curl_easy_init();
	strbuf_t out;
	sb_init(&out, NULL);
	sb_puts(&out, "");
	char url[128];
	snprintf(url, sizeof url, "imap://127.0.0.1:%u/INBOX", imap_port);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_USERNAME, USER);
	curl_easy_setopt(h, CURLOPT_PASSWORD, PASSWORD);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "SEARCH UNSEEN");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, curl_sink);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	CURLcode rc = curl_easy_perform(h);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK)
		fail_msg("SEARCH UNSEEN: %s", curl_easy_strerror(rc));
	int n = 0;
	const char *p = strstr(out.data, "* SEARCH");
	assert_non_null(p);
	for (p += 8; *p && *p != '\r' && *p != '\n'; p++)
		if (*p >= '0' && *p <= '9' && (p[-1] == ' '))
			n++;
	sb_free(&out);
	return n;
}

static long long stored(void)
{
	return sql_int("SELECT count(*) FROM inbound_messages WHERE source = 'imap'");
}

static bool wait_stored(long long want, double seconds)
{
	for (double end = now_s() + seconds; now_s() < end; usleep(100000))
		if (stored() >= want)
			return true;
	fprintf(stderr, "stored: %lld, wanted %lld\n", stored(), want);
	return false;
}

static bool wait_unseen(int want, double seconds)
{
	for (double end = now_s() + seconds; now_s() < end; usleep(100000))
		if (unseen() == want)
			return true;
	fprintf(stderr, "unseen: %d, wanted %d\n", unseen(), want);
	return false;
}

/* --- the server ----------------------------------------------------------------- */

/* With `org` false: no JAWNOSC_IMAP_ORG, the organisation recognised by
 * inbound_store() (the demo has one). */
static const char *const *server_env_org(bool org)
{
	static const char *env[16];
	snprintf(env_url, sizeof env_url, "JAWNOSC_IMAP_URL=imap://127.0.0.1:%u/INBOX", imap_port);
	size_t i = 0;
	env[i++] = "JAWNOSC_FAKE_NOW=" NOW;
	env[i++] = env_url;
	env[i++] = "JAWNOSC_IMAP_USER=" USER;
	env[i++] = "JAWNOSC_IMAP_PASSWORD_FILE=" DIR "/password";
	if (org)
		env[i++] = "JAWNOSC_IMAP_ORG=mon";
	env[i++] = "JAWNOSC_IMAP_POLL_MS=100";
	env[i++] = "JAWNOSC_IMAP_RETRY_BASE=1";
	env[i] = NULL;
	return env;
}

static const char *const *server_env(void)
{
	return server_env_org(true);
}

static int setup(void **state)
{
	(void)state;
	imap_port = free_port();
	dovecot_configure();
	assert_int_equal(run("printf '%s\\n' '" PASSWORD "' > " DIR "/password && chmod 600 " DIR
	                     "/password"),
	                 0);
	dovecot_start();
	h_server_start(server_env());
	return 0;
}

static int teardown(void **state)
{
	int rc = h_stop_server(state);
	dovecot_stop();
	return rc;
}

/* --- the tests -------------------------------------------------------------------- */

static void test_each_message_is_stored_once_and_marked_seen_after(void **state)
{
	(void)state;
	long long before = stored();
	strbuf_t m[3];
	for (int i = 0; i < 3; i++) {
		sb_init(&m[i], NULL);
		message(&m[i], "Wniosek o informację publiczną");
		deliver(m[i].data, m[i].len);
	}
	assert_true(wait_stored(before + 3, 20));
	assert_true(wait_unseen(0, 20));
	/* More rounds change nothing. */
	usleep(600000);
	assert_int_equal(stored(), before + 3);
	for (int i = 0; i < 3; i++) {
		/* Byte for byte what was delivered, for the organisation of
		 * JAWNOSC_IMAP_ORG, on the frozen clock's date, with the UID. */
		PGconn *c = h_db();
		const char *p[] = {m[i].data};
		int fmt[] = {0};
		int len[] = {(int)m[i].len};
		PGresult *r = PQexecParams(
		    c,
		    "SELECT external_ref ~ '^[0-9]+:[0-9]+$', received_on::text, "
		    "org_id = (SELECT id FROM organisations WHERE slug = 'mon'), envelope_to "
		    "FROM inbound_messages WHERE raw = convert_to($1, 'UTF8') AND source = 'imap'",
		    1, NULL, p, len, fmt, 0);
		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		assert_int_equal(PQntuples(r), 1);
		assert_string_equal(PQgetvalue(r, 0, 0), "t");
		assert_string_equal(PQgetvalue(r, 0, 1), "2026-03-02");
		assert_string_equal(PQgetvalue(r, 0, 2), "t");
		PQclear(r);
		PQfinish(c);
		sb_free(&m[i]);
	}
	/* Three distinct UIDs of one UIDVALIDITY. */
	assert_int_equal(sql_int("SELECT count(DISTINCT external_ref) FROM inbound_messages WHERE "
	                         "source = 'imap'"),
	                 before + 3);
	assert_true(h_metric(h_port(), "jawnosc_imap_messages_total{result=\"stored\"}") >= 3);
	assert_int_equal((long)h_metric(h_port(), "jawnosc_imap_up"), 1);
}

static void test_two_instances_store_each_message_once(void **state)
{
	(void)state;
	unsigned other_port;
	pid_t other = h_server_start_other(server_env(), &other_port);
	long long before = stored();
	double dup_before = h_metric(h_port(), "jawnosc_imap_messages_total{result=\"duplicate\"}");
	double a_before = h_metric(h_port(), "jawnosc_imap_messages_total{result=\"stored\"}");
	strbuf_t m;
	sb_init(&m, NULL);
	for (int i = 0; i < 12; i++) {
		message(&m, "Dwie instancje");
		deliver(m.data, m.len);
	}
	sb_free(&m);
	assert_true(wait_unseen(0, 30));
	assert_true(wait_stored(before + 12, 10));
	usleep(600000);
	assert_int_equal(stored(), before + 12);
	/* Each instance counted what it did: together every message stored
	 * once (some maybe also seen by the other as a duplicate). */
	double a = h_metric(h_port(), "jawnosc_imap_messages_total{result=\"stored\"}");
	double b = h_metric(other_port, "jawnosc_imap_messages_total{result=\"stored\"}");
	assert_true(a_before >= 0 && b >= 0);
	assert_int_equal((long)(a - a_before + b), 12);
	fprintf(stderr, "instance 1 stored %.0f (in all), instance 2 stored %.0f; duplicates %.0f "
	        "then %.0f + %.0f\n",
	        a, b, dup_before, h_metric(h_port(), "jawnosc_imap_messages_total{result=\"duplicate\"}"),
	        h_metric(other_port, "jawnosc_imap_messages_total{result=\"duplicate\"}"));
	assert_int_equal(h_server_stop_other(other), 0);
}

static void test_dovecot_down_loses_nothing_and_stores_when_back(void **state)
{
	(void)state;
	long long before = stored();
	double failures = h_metric(h_port(), "jawnosc_imap_failures_total");
	dovecot_stop();
	strbuf_t m;
	sb_init(&m, NULL);
	for (int i = 0; i < 2; i++) {
		message(&m, "Gdy skrzynka nie działa");
		deliver(m.data, m.len);
	}
	sb_free(&m);
	/* The job tries, fails, waits (1 s, then 2 s): nothing stored. */
	bool down = false;
	for (double end = now_s() + 10; now_s() < end && !down; usleep(100000))
		down = h_metric(h_port(), "jawnosc_imap_up") == 0 &&
		       h_metric(h_port(), "jawnosc_imap_failures_total") >= failures + 2;
	assert_true(down);
	assert_int_equal(stored(), before);
	dovecot_start();
	assert_true(wait_stored(before + 2, 30));
	assert_true(wait_unseen(0, 10));
	assert_int_equal((long)h_metric(h_port(), "jawnosc_imap_up"), 1);
	usleep(300000);
	assert_int_equal(stored(), before + 2);
}

/* The job committed the message, and then could not mark it seen (the
 * connection lost, the process killed): the mailbox still has it unseen,
 * the database has it. Here the first half is done by the same
 * inbound_store() the job calls. */
static void test_stored_but_not_marked_seen_is_a_duplicate_not_a_second_row(void **state)
{
	(void)state;
	strbuf_t m;
	sb_init(&m, NULL);
	message(&m, "Zapisana, nieoznaczona");
	PGconn *c = h_db();
	long long id;
	bool dup;
	struct inbound_in in = {.raw = (const unsigned char *)m.data,
	                        .len = m.len,
	                        .source = "imap",
	                        .envelope_from = "",
	                        .envelope_to = "",
	                        .external_ref = "1:999",
	                        .org_id = 0};
	db_set_url(getenv("DATABASE_URL"));
	assert_int_equal(inbound_store(c, &in, &id, &dup), DB_OK);
	assert_false(dup);
	PQfinish(c);
	long long before = stored();
	double dups = h_metric(h_port(), "jawnosc_imap_messages_total{result=\"duplicate\"}");
	deliver(m.data, m.len);
	assert_true(wait_unseen(0, 20));
	for (double end = now_s() + 5; now_s() < end; usleep(100000))
		if (h_metric(h_port(), "jawnosc_imap_messages_total{result=\"duplicate\"}") > dups)
			break;
	assert_true(h_metric(h_port(), "jawnosc_imap_messages_total{result=\"duplicate\"}") >=
	            dups + 1);
	assert_int_equal(stored(), before);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM inbound_messages WHERE id = %lld", id);
	assert_int_equal(sql_int("%s", sql), 1);
	sb_free(&m);
}

/* The database refuses the message the job has just read (here a trigger
 * that fails every insert; in life a full disk, a lost connection between
 * the fetch and the commit): it must stay unseen, not marked read by the
 * fetch (BODY.PEEK[]) nor after the failed store, and be stored once the
 * database takes it. */
static void test_message_the_database_refuses_stays_unseen(void **state)
{
	(void)state;
	long long before = stored();
	h_sql("CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
	      "$$BEGIN RAISE EXCEPTION 'disk full (test)'; END$$; "
	      "CREATE TRIGGER test_refuse BEFORE INSERT ON inbound_messages "
	      "FOR EACH ROW EXECUTE FUNCTION test_refuse()");
	strbuf_t m;
	sb_init(&m, NULL);
	message(&m, "Gdy baza odmawia");
	deliver(m.data, m.len);
	sb_free(&m);
	/* Many rounds: fetched and refused each time, never seen. */
	sleep(2);
	assert_int_equal(unseen(), 1);
	assert_int_equal(stored(), before);
	h_sql("DROP TRIGGER test_refuse ON inbound_messages; DROP FUNCTION test_refuse()");
	assert_true(wait_stored(before + 1, 30));
	assert_true(wait_unseen(0, 10));
	usleep(300000);
	assert_int_equal(stored(), before + 1);
}

/* Over INBOUND_RAW_MAX: never fetched, left unseen, logged once however
 * many rounds see it; the messages after it still come in. */
static void test_message_over_the_limit_stays_unseen_and_is_logged_once(void **state)
{
	(void)state;
	long long before = stored();
	strbuf_t big;
	sb_init(&big, NULL);
	message(&big, "Za duża");
	sb_puts(&big, "Załącznik:\r\n");
	char line[78];
	memset(line, 'A', 76);
	line[76] = '\r';
	line[77] = '\n';
	while (big.len <= (size_t)INBOUND_RAW_MAX + 1000)
		sb_append(&big, line, sizeof line);
	deliver(big.data, big.len);
	sb_free(&big);
	strbuf_t m;
	sb_init(&m, NULL);
	message(&m, "Po dużej");
	deliver(m.data, m.len);
	sb_free(&m);
	assert_true(wait_stored(before + 1, 20));
	/* Many rounds later: still one row, the big one unseen, one log line. */
	sleep(2);
	assert_int_equal(stored(), before + 1);
	assert_int_equal(unseen(), 1);
	assert_int_equal((long)h_metric(h_port(), "jawnosc_imap_messages_total{result=\"too_large\"}"),
	                 1);
	/* The first server's log (tests/integration/harness.c names it). */
	char path[200], text[4096];
	snprintf(path, sizeof path, "build/test-logs/jawnosc_t_imap_%d-1.log", (int)getpid());
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	int said = 0;
	while (fgets(text, sizeof text, f))
		said += strstr(text, "over the limit") != NULL;
	fclose(f);
	assert_int_equal(said, 1);
}

/* `serve` checks the settings before it starts and names what is wrong. */
static void test_serve_refuses_malformed_settings(void **state)
{
	(void)state;
	static const struct {
		const char *url, *user, *password, *says;
	} cases[] = {
	    {"http://127.0.0.1/INBOX", USER, PASSWORD, "the scheme must be imaps://"},
	    {"imaps://127.0.0.1/", USER, PASSWORD, "the path must name the mailbox"},
	    {"imaps://jan:secret@127.0.0.1/INBOX", USER, PASSWORD, "must not hold credentials"},
	    {"imaps://127.0.0.1/INBOX;UID=4", USER, PASSWORD, "without IMAP URL parameters"},
	    {"imaps://127.0.0.1/INBOX", "", PASSWORD, "JAWNOSC_IMAP_USER is required"},
	    {"imaps://127.0.0.1/INBOX", USER, "", "exactly one of"},
	    {"not a url at all", USER, PASSWORD, "is not a URL"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		setenv("JAWNOSC_IMAP_URL", cases[i].url, 1);
		setenv("JAWNOSC_IMAP_USER", cases[i].user, 1);
		setenv("JAWNOSC_IMAP_PASSWORD", cases[i].password, 1);
		setenv("JAWNOSC_LISTEN", "127.0.0.1:0", 1);
		char *out = NULL;
		const char *args[] = {"serve", NULL};
		int rc = h_cli(&out, args);
		if (rc == 0 || !out || !strstr(out, cases[i].says))
			fail_msg("%s: exit %d, said: %s", cases[i].url, rc, out ? out : "");
		free(out);
	}
	/* `jawnosc config` never prints the password. */
	char *out = NULL;
	const char *args[] = {"config", NULL};
	assert_int_equal(h_cli(&out, args), 0);
	assert_non_null(strstr(out, "JAWNOSC_IMAP_PASSWORD=***"));
	assert_null(strstr(out, PASSWORD));
	free(out);
	unsetenv("JAWNOSC_IMAP_URL");
	unsetenv("JAWNOSC_IMAP_USER");
	unsetenv("JAWNOSC_IMAP_PASSWORD");
	unsetenv("JAWNOSC_LISTEN");
}

int main(void)
{
	if (access("/usr/sbin/dovecot", X_OK) != 0) {
		fprintf(stderr, "\n*** test_imap: dovecot-imapd is not installed (deploy/deps.sh "
		                "installs it)\n\n");
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	h_setup_db("imap");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_message_is_stored_once_and_marked_seen_after),
	    cmocka_unit_test(test_two_instances_store_each_message_once),
	    cmocka_unit_test(test_dovecot_down_loses_nothing_and_stores_when_back),
	    cmocka_unit_test(test_stored_but_not_marked_seen_is_a_duplicate_not_a_second_row),
	    cmocka_unit_test(test_message_the_database_refuses_stays_unseen),
	    cmocka_unit_test(test_message_over_the_limit_stays_unseen_and_is_logged_once),
	    cmocka_unit_test(test_serve_refuses_malformed_settings),
	};
	int failed = cmocka_run_group_tests_name("imap", tests, setup, teardown);
	h_teardown();
	curl_global_cleanup();
	return failed;
}
