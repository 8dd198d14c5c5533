"""The Content-Security-Policy middleware builds the settings' policy once per process, and
answers every response exactly as django-csp's own middleware would."""

import pytest
from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse

from core.middleware import ContentSecurityPolicyMiddleware


def plain(request):
    return HttpResponse("ok")


@csp_update({"style-src": [UNSAFE_INLINE]})
def decorated(request):
    return HttpResponse("ok")


def with_nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


def headers(middleware, view, request):
    response = middleware(view)(request)
    return {name: response.get(name) for name in ("Content-Security-Policy", "Content-Security-Policy-Report-Only")}


@pytest.mark.parametrize("view", [plain, decorated, with_nonce])
def test_each_response_gets_django_csps_own_policy(rf, view):
    ours = headers(ContentSecurityPolicyMiddleware, view, rf.get("/livros/"))
    theirs = headers(CSPMiddleware, view, rf.get("/livros/"))
    assert ours == theirs and ours["Content-Security-Policy"]
    if view is decorated:
        assert "'unsafe-inline'" in ours["Content-Security-Policy"]


def test_a_changed_setting_changes_the_policy(rf, settings):
    before = headers(ContentSecurityPolicyMiddleware, plain, rf.get("/"))
    assert "frame-ancestors 'none'" in before["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF], "object-src": [NONE]}}
    after = headers(ContentSecurityPolicyMiddleware, plain, rf.get("/"))
    assert after == headers(CSPMiddleware, plain, rf.get("/"))
    assert after["Content-Security-Policy"] is None
    assert "object-src 'none'" in after["Content-Security-Policy-Report-Only"]


def test_a_nonce_asked_for_after_the_response_is_refused(rf):
    from csp.exceptions import CSPNonceError

    request = rf.get("/")
    ContentSecurityPolicyMiddleware(plain)(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
