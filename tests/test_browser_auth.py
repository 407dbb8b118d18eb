"""The explorer's 登录令牌 in a real Chromium, against ``zhengai serve`` with authentication configured
(HS256, ZHENGAI_JWT_SECRET): the page asks for a token on the first 401, keeps it in sessionStorage
(not localStorage), sends it as ``Authorization: Bearer …`` with every request, shows who it names,
survives a reload, hands it to GraphiQL's headers editor, and forgets it on 退出. Without
authentication (development mode) none of it shows. Harness and skips as in tests/test_browser.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from tests.test_browser import AS_OF, Visit, chromium, serve_demo, server, visit  # noqa: F401 (fixtures)
from zhengai.security.tokens import AuthConfig, Role

SECRET = "browser-test-secret-of-at-least-32-bytes!"
AUTH = AuthConfig(secret=SECRET)
KEY = "zhengai.token"


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory) -> Iterator[str]:
    """``zhengai serve`` on the bundled demo with ZHENGAI_JWT_SECRET set, on a free loopback port."""
    yield from serve_demo(tmp_path_factory.mktemp("demo-state-auth"), ZHENGAI_JWT_SECRET=SECRET,
                          ZHENGAI_JWKS="", ZHENGAI_CORS_ORIGINS="")


def _authorizations(v: Visit) -> list[tuple[str, str | None]]:
    """(url, Authorization header) of every POST the page makes from now on."""
    seen: list[tuple[str, str | None]] = []
    v.page.on("request", lambda r: seen.append((r.url, r.headers.get("authorization")))
              if r.method == "POST" else None)
    return seen


def _page_errors(v: Visit) -> list[str]:
    """The page's errors except Chromium's console line for each refused (401) request."""
    return [e for e in v.errors if "status of 401" not in e]


def _storage(v: Visit) -> dict[str, Any]:
    """The token in sessionStorage, and every localStorage entry holding a JWT (there must be none)."""
    return v.page.evaluate("""k => ({session: sessionStorage.getItem(k),
        local: Object.entries(localStorage).filter(([, x]) => x.includes("eyJ")).map(([k]) => k)})""", KEY)


def _prompted(v: Visit, reason: str) -> None:
    v.page.wait_for_selector("[data-testid=auth-dialog][open]")
    v.page.wait_for_function("want => document.querySelector('[data-testid=auth-reason]').textContent"
                             ".includes(want)", arg=reason)


def _enter(v: Visit, token: str) -> None:
    v.page.fill("[data-testid=auth-token]", token)
    v.page.click("[data-testid=auth-submit]")


def test_explorer_asks_for_a_token_keeps_it_for_the_tab_and_forgets_it(visit, auth_server):  # noqa: F811
    page = visit.page
    posts = _authorizations(visit)
    page.goto(f"{auth_server}/#goal=S-FACULTY")

    # the first 401 opens the prompt; nothing is shown without a token
    _prompted(visit, "本服务已启用身份认证，请输入登录令牌")
    assert page.is_visible("[data-testid=auth]")
    assert page.inner_text("[data-testid=auth-user]") == "未登录"
    assert page.get_attribute("[data-testid=matrix]", "data-state") == "loading"
    assert posts and all(auth is None for _, auth in posts)
    page.wait_for_selector("[data-testid=status].error")
    assert "需要登录令牌" in page.inner_text("[data-testid=status]")
    visit.shot("auth-01-prompt.png")

    # not a JWT, an expired one: refused in the page; a forged one: refused by the service
    _enter(visit, "not-a-token")
    assert "不是有效的 JWT" in page.inner_text("[data-testid=auth-error]")
    _enter(visit, AUTH.issue(Role.LEADER, "leader-1", -60))
    assert "过期" in page.inner_text("[data-testid=auth-error]")
    forged = AuthConfig(secret="another-secret-of-at-least-32-bytes!!").issue(Role.ADMIN, "x", 3600)
    _enter(visit, forged)
    _prompted(visit, "登录令牌未被接受")
    assert "Signature verification failed" in page.inner_text("[data-testid=auth-reason]")
    assert _storage(visit)["session"] is None

    # a good token: the data loads (the deep link too), every request carries it
    token = AUTH.issue(Role.LEADER, "leader-1", 3600, name="王校长")
    _enter(visit, f"Bearer {token}\n")
    page.wait_for_selector("[data-testid=auth-dialog]", state="hidden")
    page.wait_for_selector("[data-testid=matrix][data-state=ready]")
    page.wait_for_selector("[data-testid=chain-graph][data-state=ready]")
    page.wait_for_selector("[data-testid=warnings][data-state=ready]")
    assert "双师" in page.inner_text("[data-testid=chain-title]")
    cells = httpx.post(f"{auth_server}/graphql", headers={"Authorization": f"Bearer {token}"}, json={
        "query": "query($asOf: Date) { qualityNetwork(asOf: $asOf) { cells { system level status } } }",
        "variables": {"asOf": AS_OF}}).json()["data"]["qualityNetwork"]["cells"]
    for c in cells:
        cell = f"[data-testid=cell-{c['system']}-{c['level']}]"
        assert page.get_attribute(cell, "data-status") == c["status"]
    user = page.locator("[data-testid=auth-user]")
    assert user.inner_text() == "王校长（leader-1） · 校领导"
    assert user.get_attribute("data-roles") == "LEADER"
    assert page.get_attribute("[data-testid=auth]", "data-state") == "signed-in"
    assert page.is_visible("[data-testid=auth-logout]")
    sent = [auth for url, auth in posts if auth == f"Bearer {token}"]
    assert sent and all(url == f"{auth_server}/graphql" for url, _ in posts)
    assert _storage(visit) == {"session": token, "local": []}
    visit.shot("auth-02-signed-in.png")

    # a reload keeps the token (sessionStorage) and asks nothing
    before = len(posts)
    page.reload()
    page.wait_for_selector("[data-testid=matrix][data-state=ready]")
    assert not page.is_visible("[data-testid=auth-dialog]")
    assert page.inner_text("[data-testid=auth-user]") == "王校长（leader-1） · 校领导"
    assert posts[before:] and all(auth == f"Bearer {token}" for _, auth in posts[before:])

    # GraphiQL in the same tab: its page is served, the token is in its headers editor
    page.click("[data-testid=playground-link]")
    page.wait_for_selector(".graphiql-container .graphiql-tab")
    before = len(posts)
    page.click(".graphiql-execute-button")
    response = page.locator(".graphiql-response .result-window")
    response.filter(has_text="决策指挥").wait_for()
    assert (f"{auth_server}/graphql", f"Bearer {token}") in posts[before:]
    assert _storage(visit) == {"session": token, "local": []}  # GraphiQL does not persist headers
    page.go_back()
    for panel in ("matrix", "chain-graph", "warnings"):  # nothing still in flight with the token
        page.wait_for_selector(f"[data-testid={panel}][data-state=ready]")

    # 退出: the token is gone, the page shows nothing and asks again
    before = len(posts)
    page.click("[data-testid=auth-logout]")
    _prompted(visit, "本服务已启用身份认证")
    assert _storage(visit)["session"] is None
    assert page.inner_text("[data-testid=auth-user]") == "未登录"
    assert page.get_attribute("[data-testid=matrix]", "data-state") == "loading"
    assert posts[before:] and all(auth is None for _, auth in posts[before:])
    page.click("[data-testid=auth-cancel]")
    assert page.is_visible("[data-testid=auth-login]") and not page.is_visible("[data-testid=auth-logout]")
    assert visit.foreign == [] and _page_errors(visit) == []


def test_an_expired_session_asks_for_a_new_token(visit, auth_server):  # noqa: F811
    page = visit.page
    short = AUTH.issue(Role.ADMIN, "admin-1", 5, name="质管办")
    expires = jwt.decode(short, options={"verify_signature": False})["exp"]
    page.goto(f"{auth_server}/")
    _prompted(visit, "请输入登录令牌")
    _enter(visit, short)
    page.wait_for_selector("[data-testid=matrix][data-state=ready]")
    assert page.inner_text("[data-testid=auth-user]") == "质管办（admin-1） · 管理员（质管办）"
    time.sleep(max(0.0, expires + 1.1 - time.time()))
    page.fill("[data-testid=as-of]", "2025-12-15")  # the next requests are refused: expired
    _prompted(visit, "登录令牌已过期")
    assert _storage(visit)["session"] is None
    assert visit.foreign == [] and _page_errors(visit) == []


def test_development_mode_shows_no_token_control(visit, server):  # noqa: F811
    page = visit.page
    posts = _authorizations(visit)
    page.goto(f"{server}/")
    page.wait_for_selector("[data-testid=matrix][data-state=ready]")
    assert not page.is_visible("[data-testid=auth]") and not page.is_visible("[data-testid=auth-dialog]")
    assert posts and all(auth is None for _, auth in posts)
    visit.assert_clean()
