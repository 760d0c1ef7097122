#!/usr/bin/env python3
"""A real SMTP server for Vigil's tests, built on aiosmtpd.

It listens on 127.0.0.1 (port 0 picks a free one; the first line printed is
"listening on PORT"), and stores every accepted message as one JSON file in --dir,
with the envelope, the raw message and its decoded parts, so that tests can read what
a mail client would show. Written atomically (temporary name, then rename).

Recipients whose address starts with "reject-" are refused with 550 (a permanent
failure); "later-" gets 451 (temporary). --delay makes each DATA take that long, to
stop Vigil in the middle of a delivery. --tls-cert/--tls-key offer STARTTLS and
require it before MAIL FROM.
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import ssl
import time
import uuid

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory, delay):
        self.directory = directory
        self.delay = delay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local.startswith("reject-"):
            return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
        if local.startswith("later-"):
            return "451 4.3.0 <%s>: Temporary failure, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        text, html = "", ""
        for part in message.walk():
            kind = part.get_content_type()
            if kind == "text/plain" and not text:
                text = part.get_content()
            elif kind == "text/html" and not html:
                html = part.get_content()
        queue_id = uuid.uuid4().hex[:12]
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "headers": [[k, str(v)] for k, v in message.items()],
            "subject": str(message.get("Subject", "")),
            "to": str(message.get("To", "")),
            "message_id": str(message.get("Message-ID", "")),
            "text": text,
            "html": html,
            "raw": raw.decode("utf-8", "replace"),
            "tls": session.ssl is not None,
            "received_at": time.time(),
            "queue_id": queue_id,
        }
        name = "%d-%s.json" % (time.time_ns(), queue_id)
        temporary = os.path.join(self.directory, "." + name)
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(temporary, os.path.join(self.directory, name))
        return "250 2.0.0 Ok: queued as %s" % queue_id


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    handler = Sink(args.dir, args.delay)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(
            handler,
            hostname="sink.vigil.test",
            ident="Vigil test SMTP sink",
            tls_context=context,
            require_starttls=context is not None,
            decode_data=False,
        ),
        host="127.0.0.1",
        port=args.port,
    )
    port = server.sockets[0].getsockname()[1]
    print("listening on %d" % port, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
