/* SPDX-License-Identifier: EUPL-1.2 */
/* Configuration from environment variables, through one table (name, type,
 * default, description), as PgBouncer and Redis keep theirs. The values are
 * read once at start-up into `cfg` and are read-only afterwards. */
#ifndef JAWNOSC_CORE_CONFIG_H
#define JAWNOSC_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct config {
	const char *database_url;
	const char *listen;
	long threads;
	long max_body;
	long max_header;
	long conn_timeout;
	long max_connections;
	long max_per_ip;     /* connections from one address; 0: no limit */
	long header_timeout; /* seconds for a whole request head */
	long body_memory;    /* bytes of request bodies held at once, all requests */
	long shutdown_grace;
	const char *templates_dir;
	const char *migrations_dir;
	const char *access_log;
	const char *log_level;
	const char *search_dictionary; /* "auto" or "off" (jawnosc migrate) */
	const char *base_url;
	const char *smtp_url;
	const char *mail_from;
	const char *mail_dir;
	long mail_poll_ms;
	long mail_retry_base;
	long inbound_poll_ms; /* the inbound route job's period (cases/inbound_route.h) */
	long filing_rate;
	long search_rate;   /* uncached register searches and exports per address and minute */
	long integration_rate; /* staff API calls per integration token and minute */
	long sitemap_urls;  /* URLs in one part of the sitemap */
	long max_attachment;
	long letter_attachment_max;    /* one file attached to an outgoing letter */
	long letter_attachments_total; /* all the files of one outgoing letter */
	const char *signature_trust; /* PEM bundle or hashed directory (render/pdfsig.h) */
	long session_idle; /* minutes */
	long session_max;  /* hours */
	long remind_days;    /* working days before a due date to remind the assignee */
	long digest_hour;    /* Warsaw hour after which managers get the morning digest */
	long remind_poll_ms; /* how often the reminder job looks */
	long retention_poll_ms; /* how often the retention job looks (cases/privacy.h) */
	long page_cache_mb;  /* web/pcache.c */
	long page_cache_ttl;
	long db_prepare;     /* 1: statements prepared once per connection (db/db.c) */
	/* Operations (docs/operations.md) */
	const char *database_url_replica; /* read-only replica for public pages; "" = database_url */
	const char *security_contact;     /* RFC 9116 Contact of security.txt; "" = none */
	long metrics_public;               /* 1: /metrics answers every client, not only loopback */
	const char *trusted_proxy;         /* addresses whose X-Forwarded-For is believed */
	const char *default_org;           /* slug of the body for hosts no body lists; "" = none */
	/* e-Doręczenia (docs/edoreczenia.md); one set per deployment for now */
	const char *edor_url;         /* User Agent API base, ".../api/v1"; "" = off */
	const char *edor_token_url;   /* OAuth2 token endpoint */
	const char *edor_search_url;  /* BAE search engine (lookup contract) */
	const char *edor_address;     /* the body's AE:PL-… */
	const char *edor_system_name; /* <ADE>.SYSTEM.<name> */
	const char *edor_key;         /* PEM private key of the system's certificate */
	const char *edor_cert;        /* PEM client certificate */
	const char *edor_ca;          /* PEM CA bundle; "" = the system's */
	long edor_poll_ms;            /* the job's period */
	long edor_retry_base;         /* seconds before the first retry */
	long edor_check_s;            /* seconds between looks for new evidences */
	long edor_lookup_ttl;         /* seconds a BAE lookup's answer counts */
	long edor_inbox_poll_ms;      /* the inbox job's period; 0: the inbox is not read */
	/* The IMAP polling job (cases/imap.h, docs/inbound.md) */
	const char *imap_url;           /* imap[s]://host[:port]/MAILBOX; "" = off */
	const char *imap_user;
	const char *imap_password;
	const char *imap_password_file; /* the password's file, instead of imap_password */
	const char *imap_org;           /* slug of the organisation the mailbox is for; "" = by address */
	const char *imap_ca;            /* PEM bundle; "" = the system's */
	long imap_poll_ms;
	long imap_retry_base;           /* seconds before the first retry when the mailbox is down */
};

extern struct config cfg;

enum config_type { CONFIG_STRING, CONFIG_INT, CONFIG_BYTES };

struct config_entry {
	const char *env;
	enum config_type type;
	const char *def;
	long min, max; /* for CONFIG_INT and CONFIG_BYTES */
	size_t offset;
	const char *help;
};

/* The table itself, for README generation and `jawnosc config`. */
extern const struct config_entry config_table[];
extern const size_t config_table_len;

/* Reads every variable; on an invalid value fills `err` naming the variable
 * and returns false. Unset variables take their defaults. */
bool config_load(char *err, size_t errlen);
/* Prints NAME=value lines (secrets in URLs masked) with the descriptions. */
void config_print(FILE *out);

#endif
