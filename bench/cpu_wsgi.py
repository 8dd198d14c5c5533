"""The site's WSGI application, noting each request's CPU time while the bench asks for it.

While the directory BENCH_CPU_LOG exists (bench/capacity.py makes one per step), each worker
appends a line per request to its own file there: the page, who asked (anonymous or signed
in), the page cache's answer (`X-Page-Cache`: hit or miss; "-" for a page rendered for one
reader) and the CPU milliseconds the worker spent on it, `close()` included (Django's
request_finished work). A sync worker serves one request at a time, so its process CPU time is
the request's. Otherwise the site runs untouched but for one `stat` per request.
"""

import os
import time

from cgbookstore.wsgi import application as site

LOG_DIR = os.environ.get("BENCH_CPU_LOG", "")


def page_of(path: str, query: str) -> str:
    """The name Locust gives the page (bench/locustfile.py)."""
    parts = path.strip("/").split("/")
    if path == "/":
        return "home"
    if parts[0] == "livros":
        return "book" if len(parts) == 2 and not query else "catalog search"
    if parts[0] == "debates":
        return "topic" if len(parts) == 2 else "debates list"
    if parts[0] == "leitores" and len(parts) == 2:
        return "profile"
    return "other"


def application(environ, start_response):
    if not LOG_DIR or not os.path.isdir(LOG_DIR):
        return site(environ, start_response)
    answer = {}

    def start(status, headers, exc_info=None):
        answer["cache"] = next((value for name, value in headers if name == "X-Page-Cache"), "-")
        return start_response(status, headers, exc_info)

    began = time.process_time()
    response = site(environ, start)
    try:
        body = b"".join(response)
    finally:
        if hasattr(response, "close"):
            response.close()
    spent = (time.process_time() - began) * 1000
    who = "logged in" if "sessionid=" in environ.get("HTTP_COOKIE", "") else "anonymous"
    page = page_of(environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
    try:  # opened per request: the bench removes and makes the directory again between steps
        with open(f"{LOG_DIR}/cpu-{os.getpid()}.log", "a") as log:
            log.write(f"{page}\t{who}\t{answer.get('cache', '-')}\t{spent:.3f}\n")
    except OSError:  # the step ended meanwhile
        pass
    return [body]
