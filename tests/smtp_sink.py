#!/usr/bin/python3
# SPDX-License-Identifier: EUPL-1.2
"""A tiny SMTP server for the mail tests (python3-aiosmtpd).

Usage: tests/smtp_sink.py PORT DIR

Listens on 127.0.0.1:PORT and writes each message it receives, the raw bytes
of DATA as delivered, to DIR/<n>.eml (n counts on from the files already
there, so a restarted sink never overwrites one), and the envelope to
DIR/<n>.env ("MAIL FROM" address, then one line per recipient). Files are
written under a temporary name and renamed. Recipients at the domain
reject.test are refused for good (550), as a real server refuses an unknown
mailbox. Prints "ready" once listening.
Run it with /usr/bin/python3: that is the Python that has aiosmtpd.
"""
import asyncio
import os
import re
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.directory = directory
        numbers = [int(m.group(1)) for f in os.listdir(directory)
                   if (m := re.fullmatch(r"(\d+)\.eml", f))]
        self.next = max(numbers, default=0) + 1

    def _write(self, name, data):
        tmp = os.path.join(self.directory, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.directory, name))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith("@reject.test"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = self.next
        self.next += 1
        raw = envelope.original_content or envelope.content
        env = "\n".join([envelope.mail_from] + list(envelope.rcpt_tos)) + "\n"
        self._write(f"{n}.env", env.encode())
        self._write(f"{n}.eml", raw)
        return "250 OK queued"


async def main(port, directory):
    sink = Sink(directory)
    loop = asyncio.get_running_loop()
    # hostname given: the default asks DNS for our FQDN, which can be slow.
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="sink.test", enable_SMTPUTF8=True),
        host="127.0.0.1", port=port, reuse_address=True)
    # One write: the test closes the pipe as soon as it has read the line.
    os.write(1, b"ready\n")
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: smtp_sink.py PORT DIR")
    os.makedirs(sys.argv[2], exist_ok=True)
    try:
        asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
    except KeyboardInterrupt:
        pass
