"""Fetching a feed: one conditional request over verified TLS, with a timeout, a size limit and no
redirect to another host unless the feed allows it; or a file read from a path."""

from __future__ import annotations

import hashlib
import http.client
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..base import hardening
from .feedconfig import LOOPBACK, Feed

CHUNK = 64 * 1024


class FeedError(Exception):
    """A feed could not be fetched or read; `hint` says what to do."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass
class Fetched:
    """What a fetch brought: nothing new (`body` None), or the file and its validators."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None
    digest: str | None = None


def fetch(feed: Feed, state: dict) -> Fetched:
    """Return the feed's file, or Fetched(None) when it is unchanged since `state` (its last fetch)."""
    fetched = _read_path(feed) if feed.path is not None else _request(feed, state)
    if fetched.body is not None:
        fetched.digest = hashlib.sha256(fetched.body).hexdigest()
        if fetched.digest == state.get("digest"):  # a server without validators, or a file touched
            fetched.body = None
    return fetched


def _read_path(feed: Feed) -> Fetched:
    """Return a feed file read from disk, within the size limit."""
    try:
        with open(feed.path, "rb") as file:
            body = file.read(feed.max_bytes + 1)
    except OSError as exc:
        raise FeedError(f"cannot read {feed.path}: {exc.strerror or exc}",
                        "check that the file is there and readable") from None
    _limit(feed, len(body))
    return Fetched(body)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only within the feed's host (or to a host it allows), never down to http."""

    def __init__(self, feed: Feed):
        self.feed = feed
        self.host = urlsplit(feed.url).hostname

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        """Refuse a redirect off the host, or from https to http."""
        parts = urlsplit(newurl)
        if parts.hostname != self.host and parts.hostname not in self.feed.allow_hosts:
            raise FeedError(f"the server redirected to another host, {parts.hostname}; refused",
                            f"if {parts.hostname} is the publisher's, add it to the feed's allow_hosts, or "
                            f"point the url at it")
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK):
            raise FeedError(f"the server redirected to {parts.scheme}://, not https; refused",
                            "point the url at the https address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _request(feed: Feed, state: dict) -> Fetched:
    """Return the body of a conditional GET, or Fetched(None) on 304 Not Modified."""
    host = urlsplit(feed.url).hostname
    proxy = None if host in LOOPBACK else urllib.request.getproxies().get(urlsplit(feed.url).scheme)
    hosts = {host, *feed.allow_hosts, *([urlsplit(proxy).hostname] if proxy else [])}
    try:
        with hardening.fetching(hosts):  # factsheets refuses every other use of the network
            return _get(feed, state)
    except OSError as exc:  # only a host name that cannot be resolved: _get turns the rest into FeedError
        raise FeedError(f"cannot find the host {host}: {exc.strerror or exc}",
                        "the next run tries again; check the url") from None


def _get(feed: Feed, state: dict) -> Fetched:
    """Send the conditional GET (the hosts allowed) and read the answer; FeedError for any failure."""
    headers = {"User-Agent": "factsheets-update", "Accept-Encoding": "identity"}
    if state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    context = ssl.create_default_context()  # verifies the certificate and the host name
    handlers = [urllib.request.HTTPSHandler(context=context), _Redirects(feed)]
    if urlsplit(feed.url).hostname in LOOPBACK:
        handlers.append(urllib.request.ProxyHandler({}))  # this machine is never reached through a proxy
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(feed.url, headers=headers)
    try:
        with opener.open(request, timeout=feed.timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit():
                _limit(feed, int(length))
            body = _read(response, feed)
            if length and length.isdigit() and len(body) != int(length):
                raise FeedError(f"the file was cut short: {len(body):,} of {int(length):,} bytes arrived",
                                "the next run fetches it again")
            return Fetched(body, response.headers.get("ETag"), response.headers.get("Last-Modified"))
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(None, state.get("etag"), state.get("last_modified"))
        raise FeedError(f"the server answered {exc.code} {exc.reason}",
                        "the next run tries again; if it persists, check the url with the publisher") from None
    except FeedError:
        raise
    except http.client.IncompleteRead as exc:
        raise FeedError(f"the file was cut short: {len(exc.partial):,} bytes arrived",
                        "the next run fetches it again") from None
    except TimeoutError:
        raise FeedError(f"no answer within {feed.timeout:g} seconds",
                        "the next run tries again; raise the feed's timeout if the server is slow") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, FeedError):
            raise reason from None
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise FeedError(f"no answer within {feed.timeout:g} seconds",
                            "the next run tries again; raise the feed's timeout if the server is slow") from None
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise FeedError(f"the server's certificate is not valid: {reason.verify_message}",
                            "figures are fetched over verified TLS only; tell the publisher") from None
        raise FeedError(f"cannot reach {urlsplit(feed.url).hostname}: {getattr(reason, 'strerror', None) or reason}",
                        "the next run tries again") from None
    except (OSError, http.client.HTTPException) as exc:
        raise FeedError(f"the download failed: {exc}", "the next run tries again") from None


def _read(response, feed: Feed) -> bytes:
    """Read the response body in pieces, refusing more than the feed's size limit."""
    parts, size = [], 0
    while True:
        chunk = response.read(CHUNK)
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        _limit(feed, size)
        parts.append(chunk)


def _limit(feed: Feed, size: int) -> None:
    """Refuse a file over the feed's size limit."""
    if size > feed.max_bytes:
        raise FeedError(f"the file is larger than the feed's limit of {feed.max_bytes:,} bytes",
                        "raise the feed's max_bytes if the publication really grew")
