#!/usr/bin/python3
# SPDX-License-Identifier: EUPL-1.2
"""An MTA stand-in for the inbound mail tests (python3-aiosmtpd).

Usage: tests/mta_pipe.py PORT LOG COMMAND [ARG...]

Listens on 127.0.0.1:PORT and delivers each message it receives the way
Postfix's pipe(8) transport does with `jawnosc_destination_recipient_limit
= 1` (docs/inbound.md): once per recipient, it runs

    COMMAND ARG... --from SENDER --to RECIPIENT

with the message on standard input, its lines ending in LF (Postfix keeps
queue files that way and pipe(8) writes them so), in the environment this
process was given. The SMTP answer follows the exit statuses as pipe(8)
reads them (sysexits.h): all 0 -> 250; 75 (EX_TEMPFAIL) or a signal for any
recipient -> 451 (the client keeps the message and tries again later,
every recipient); anything else -> 554 (bounced). The null sender is
passed as "MAILER-DAEMON", pipe(8)'s default. Each delivery is one line in
LOG: the recipient, the exit status and what the command wrote. Prints
"ready" once listening.
Run it with /usr/bin/python3: that is the Python that has aiosmtpd.
"""
import asyncio
import os
import subprocess
import sys

from aiosmtpd.smtp import SMTP


class PipeDelivery:
    def __init__(self, log, command):
        self.log = log
        self.command = command

    def _deliver(self, sender, recipient, data):
        p = subprocess.run(self.command + ["--from", sender, "--to", recipient],
                           input=data, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        with open(self.log, "a") as f:
            out = p.stdout.decode("utf-8", "replace").replace("\n", " | ")
            f.write(f"{recipient}\t{p.returncode}\t{out}\n")
        return p.returncode

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        data = raw.replace(b"\r\n", b"\n")
        sender = envelope.mail_from
        if sender in ("", "<>"):
            sender = "MAILER-DAEMON"
        codes = []
        for rcpt in envelope.rcpt_tos:
            codes.append(await asyncio.to_thread(self._deliver, sender, rcpt, data))
        if any(c == 75 or c < 0 for c in codes):
            return "451 4.3.0 temporary failure, try again later"
        if any(c != 0 for c in codes):
            return "554 5.3.0 delivery refused"
        return "250 OK delivered"


async def main(port, log, command):
    handler = PipeDelivery(log, command)
    loop = asyncio.get_running_loop()
    # hostname given: the default asks DNS for our FQDN, which can be slow.
    # data_size_limit: larger than mailin's own limit, so that mailin decides.
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="mta.test", enable_SMTPUTF8=True,
                     data_size_limit=64 * 1024 * 1024),
        host="127.0.0.1", port=port, reuse_address=True)
    os.write(1, b"ready\n")
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: mta_pipe.py PORT LOG COMMAND [ARG...]")
    try:
        asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3:]))
    except KeyboardInterrupt:
        pass
