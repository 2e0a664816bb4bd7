# SPDX-License-Identifier: EUPL-1.2
# Installation and the operations tests (docs/operations.md); included by
# the Makefile.
#
#   make install [PREFIX=/usr/local] [DESTDIR=] [SYSCONFDIR=/etc]
#     $(PREFIX)/bin/jawnosc, $(PREFIX)/sbin/jawnosc-ctl,
#     $(PREFIX)/share/jawnosc/{templates,migrations,backup,nginx},
#     $(PREFIX)/lib/systemd/system/jawnosc{,-backup}.{service,timer},
#     $(PREFIX)/share/doc/jawnosc/, and $(SYSCONFDIR)/jawnosc/jawnosc.env
#     only when there is none yet. Paths inside the installed files follow
#     PREFIX and SYSCONFDIR; DESTDIR only moves where the files are written.
#   make uninstall   removes all of it except the environment file and data
#   make test-cluster, make restore-drill, make test-install, make test-failover
PREFIX     ?= /usr/local
DESTDIR    ?=
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
JW_DATA    := $(PREFIX)/share/jawnosc
JW_DOC     := $(PREFIX)/share/doc/jawnosc
JW_ADAPT    = sed -e 's|/usr/local/|$(PREFIX)/|g' -e 's|/etc/jawnosc/|$(SYSCONFDIR)/jawnosc/|g'
JW_UNITS   := jawnosc.service jawnosc-backup.service jawnosc-backup.timer

.PHONY: install uninstall test-cluster restore-drill test-install test-failover

install: bin/jawnosc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(JW_DATA)/backup \
	  $(DESTDIR)$(JW_DATA)/nginx/snippets $(DESTDIR)$(JW_DOC) $(DESTDIR)$(UNITDIR)
	install -m 0755 bin/jawnosc $(DESTDIR)$(PREFIX)/bin/jawnosc
	$(JW_ADAPT) deploy/jawnosc-ctl > $(DESTDIR)$(PREFIX)/sbin/jawnosc-ctl
	chmod 0755 $(DESTDIR)$(PREFIX)/sbin/jawnosc-ctl
	rm -rf $(DESTDIR)$(JW_DATA)/templates $(DESTDIR)$(JW_DATA)/migrations
	cp -R templates migrations $(DESTDIR)$(JW_DATA)/
	chmod -R u=rwX,go=rX $(DESTDIR)$(JW_DATA)/templates $(DESTDIR)$(JW_DATA)/migrations
	install -m 0755 deploy/backup/*.sh $(DESTDIR)$(JW_DATA)/backup/
	for f in $(JW_UNITS); do $(JW_ADAPT) deploy/systemd/$$f > $(DESTDIR)$(UNITDIR)/$$f || exit 1; \
	  chmod 0644 $(DESTDIR)$(UNITDIR)/$$f; done
	$(JW_ADAPT) deploy/nginx/jawnosc.conf > $(DESTDIR)$(JW_DATA)/nginx/jawnosc.conf
	install -m 0644 deploy/nginx/snippets/*.conf $(DESTDIR)$(JW_DATA)/nginx/snippets/
	install -m 0644 README.md docs/operations.md docs/failover.md $(DESTDIR)$(JW_DOC)/
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/jawnosc
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/jawnosc/jawnosc.env ]; then \
	  echo "kept $(DESTDIR)$(SYSCONFDIR)/jawnosc/jawnosc.env (compare with deploy/jawnosc.env)"; \
	else \
	  $(JW_ADAPT) deploy/jawnosc.env > $(DESTDIR)$(SYSCONFDIR)/jawnosc/jawnosc.env && \
	  chmod 0600 $(DESTDIR)$(SYSCONFDIR)/jawnosc/jawnosc.env && \
	  echo "wrote $(DESTDIR)$(SYSCONFDIR)/jawnosc/jawnosc.env: edit it"; \
	fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/jawnosc $(DESTDIR)$(PREFIX)/sbin/jawnosc-ctl
	rm -rf $(DESTDIR)$(JW_DATA) $(DESTDIR)$(JW_DOC)
	for f in $(JW_UNITS); do rm -f $(DESTDIR)$(UNITDIR)/$$f; done
	@echo "kept $(DESTDIR)$(SYSCONFDIR)/jawnosc and /var/lib/jawnosc"

# Two instances behind nginx (and PgBouncer) against one database; the
# register read from a streaming replica.
test-cluster: deps
	@$(MAKE) --no-print-directory bin/jawnosc bin/jawnosc-asan
	@tests/cluster/run.sh && tests/cluster/replica.sh

# Dump the demo data, restore it into a new database, verify (pg_dump and
# base backup with WAL archiving).
restore-drill: deps
	@$(MAKE) --no-print-directory bin/jawnosc
	@tests/restore_drill.sh

# make install into a temporary DESTDIR; the installed server behind the
# production nginx configuration with a self-signed certificate.
test-install: deps
	@$(MAKE) --no-print-directory bin/jawnosc
	@tests/install_test.sh

# Three PostgreSQL nodes under Patroni, one etcd and HAProxy from deploy/ha/
# on loopback, two instances through HAProxy; the leader killed, then the
# standbys (tests/failover). About two and a half minutes: not part of check; CI runs
# it after check (.ci/run). As root.
test-failover: deps
	@$(MAKE) --no-print-directory bin/jawnosc
	@tests/failover/run.sh
