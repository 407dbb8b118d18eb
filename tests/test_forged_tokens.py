"""The forged-token corpus: tokens of every kind an attacker (or a broken identity provider) sends —
wrong or ``none`` algorithm, tampered, expired, not yet valid, foreign audience or issuer, claims of the
wrong type, oversized, garbage — each refused with 401 and its reason, over HTTP, on the report download
and on websockets; never a 500, never a principal with more than the token says."""

from __future__ import annotations

import base64
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.conftest import WORKED
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import load_dataset
from zhengai.security.tokens import AuthConfig, AuthError, Role
from zhengai.stores import EmbeddedStore

SECRET = "forged-token-test-secret-of-32-bytes-or-more"
ISSUER = "zhengai-test"
AUTH = AuthConfig(secret=SECRET, issuer=ISSUER)
READ = '{ goal(id: "S") { id } }'
NOW = int(time.time())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def claims(**changes: Any) -> dict[str, Any]:
    # The corpus is minted at collection time: its good tokens stay valid for a day, however long the
    # suite takes to reach them.
    base = {"sub": "forger", "roles": ["ADMIN"], "aud": "zhengai", "iss": ISSUER, "iat": NOW,
            "exp": NOW + 86_400}
    return {k: v for k, v in {**base, **changes}.items() if v is not _DROP}


_DROP = object()


def signed(**changes: Any) -> str:
    return jwt.encode(claims(**changes), SECRET, algorithm="HS256")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def raw(header: Any, payload: Any, signature: bytes = b"") -> str:
    """A token assembled by hand (any header, any payload, no library checks)."""
    return ".".join([b64(json.dumps(header).encode()), b64(json.dumps(payload).encode()), b64(signature)])


def hs256_raw(header: dict[str, Any], payload: Any, digest: str = "sha256") -> str:
    """Signed with the service's secret by hand, whatever the header and payload (to reach the checks
    behind the signature)."""
    head = b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())
    return head + "." + b64(hmac.new(SECRET.encode(), head.encode(), digest).digest())


def tampered(token: str, part: int, change: Callable[[str], str]) -> str:
    parts = token.split(".")
    parts[part] = change(parts[part])
    return ".".join(parts)


GOOD = signed()
GOOD_PAYLOAD = json.loads(base64.urlsafe_b64decode(GOOD.split(".")[1] + "=="))

#: (name, token, what the 401 says)
CORPUS: list[tuple[str, str, str]] = [
    # algorithms
    ("alg none", jwt.encode(claims(), None, algorithm="none"), "invalid token"),
    ("alg none, signature kept", raw({"alg": "none", "typ": "JWT"}, claims(), b"x"), "invalid token"),
    ("alg NONE upper", raw({"alg": "NONE", "typ": "JWT"}, claims()), "invalid token"),
    ("alg HS384", hs256_raw({"alg": "HS384", "typ": "JWT"}, claims(), "sha384"), "invalid token"),
    ("alg HS512", hs256_raw({"alg": "HS512", "typ": "JWT"}, claims(), "sha512"), "invalid token"),
    ("alg RS256 own key", jwt.encode(claims(), RSA_KEY, algorithm="RS256"), "invalid token"),
    ("alg ES256 own key", jwt.encode(claims(), EC_KEY, algorithm="ES256"), "invalid token"),
    ("alg PS256 own key", jwt.encode(claims(), RSA_KEY, algorithm="PS256"), "invalid token"),
    ("alg missing", hs256_raw({"typ": "JWT"}, claims()), "invalid token"),
    ("alg unknown", raw({"alg": "XYZ", "typ": "JWT"}, claims(), b"sig"), "invalid token"),
    ("alg as a list", raw({"alg": ["HS256"], "typ": "JWT"}, claims(), b"sig"), "invalid token"),
    # signatures
    ("other secret", jwt.encode(claims(), "another-secret-of-at-least-32-bytes!!", algorithm="HS256"),
     "invalid token"),
    ("signature dropped", tampered(GOOD, 2, lambda s: ""), "invalid token"),
    ("signature flipped", tampered(GOOD, 2, lambda s: ("A" if s[0] != "A" else "B") + s[1:]),
     "invalid token"),
    ("signature truncated", tampered(GOOD, 2, lambda s: s[:-4]), "invalid token"),
    ("payload swapped to LEADER", tampered(GOOD, 1, lambda s: b64(json.dumps(
        {**GOOD_PAYLOAD, "roles": ["LEADER"]}).encode())), "invalid token"),
    ("payload extended", tampered(GOOD, 1, lambda s: s + "x"), "invalid token"),
    ("header changed", tampered(GOOD, 0, lambda s: b64(json.dumps(
        {"alg": "HS256", "typ": "JWT", "kid": "x"}).encode())), "invalid token"),
    ("secret as the key of a key id", jwt.encode(claims(), SECRET, algorithm="HS256",
                                                 headers={"jku": "http://evil.example/jwks"})[:-3] + "abc",
     "invalid token"),
    # time
    ("expired", signed(exp=NOW - 10), "token expired"),
    ("expired long ago", signed(exp=1), "token expired"),
    ("no exp", signed(exp=_DROP), "invalid token"),
    ("exp as a string", signed(exp="tomorrow"), "invalid token"),
    ("exp as null", hs256_raw({"alg": "HS256", "typ": "JWT"}, claims(exp=None)), "invalid token"),
    ("not yet valid (nbf)", signed(nbf=NOW + 3600), "invalid token"),
    ("nbf as a string", signed(nbf="soon"), "invalid token"),
    ("iat in the future as a string", signed(iat="now"), "invalid token"),
    # audience and issuer
    ("wrong audience", signed(aud="other"), "invalid token"),
    ("no audience", signed(aud=_DROP), "invalid token"),
    ("audience as a number", signed(aud=5), "invalid token"),
    ("wrong issuer", signed(iss="elsewhere"), "invalid token"),
    ("no issuer", signed(iss=_DROP), "invalid token"),
    # claims of the wrong type (correctly signed)
    ("roles null", signed(roles=None), "claim 'roles' must be a list of role names, not null"),
    ("roles a number", signed(roles=5), "claim 'roles' must be a list of role names, not a number"),
    ("roles an object", signed(roles={"ADMIN": 1}),
     "claim 'roles' must be a list of role names, not an object"),
    ("roles a string", signed(roles="ADMIN"), "claim 'roles' must be a list of role names, not a string"),
    ("roles of numbers", signed(roles=[1, 2]), "claim 'roles' must be a list of role names, not a list"),
    ("roles nested", signed(roles=[["ADMIN"]]), "claim 'roles' must be a list of role names"),
    ("roles unknown", signed(roles=["ROOT"]), "unknown role 'ROOT'"),
    ("roles lower case", signed(roles=["admin"]), "unknown role 'admin'"),
    ("roles too many", signed(roles=["LEADER"] * 100), "holds 100 roles"),
    ("subject a list", signed(roles=["STUDENT"], subject=["STU-001", "STU-002"]),
     "claim 'subject' must be a string, not a list of strings"),
    ("unit a number", signed(roles=["UNIT_HEAD"], unit=7), "claim 'unit' must be a string, not a number"),
    ("name an object", signed(name={"zh": "张"}), "claim 'name' must be a string, not an object"),
    ("sub a number", signed(sub=42), "invalid token"),
    ("sub empty", signed(sub=""), "invalid token"),
    ("no sub", signed(sub=_DROP), "invalid token"),
    ("payload a list", hs256_raw({"alg": "HS256", "typ": "JWT"}, ["ADMIN"]), "invalid token"),
    ("payload a string", hs256_raw({"alg": "HS256", "typ": "JWT"}, "ADMIN"), "invalid token"),
    ("kid a number", hs256_raw({"alg": "HS256", "typ": "JWT", "kid": 5}, claims()), "invalid token"),
    # size and shape
    ("oversized", signed(name="x" * 20_000), "bytes (at most 8192)"),
    ("garbage", "garbage", "invalid token"),
    ("two segments", "abc.def", "invalid token"),
    ("four segments", GOOD + ".extra", "invalid token"),
    ("not base64", "!!!.@@@.###", "invalid token"),
    ("header not JSON", b64(b"not json") + "." + GOOD.split(".", 1)[1], "invalid token"),
    ("payload not JSON", GOOD.split(".")[0] + "." + b64(b"{broken") + "." + GOOD.split(".")[2],
     "invalid token"),
    ("deeply nested payload", hs256_raw({"alg": "HS256", "typ": "JWT"},
                                        json.loads("[" * 500 + "]" * 500)), "invalid token"),
    ("unicode garbage", "令牌.令牌.令牌", "invalid token"),
]


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Engine(EmbeddedStore(load_dataset(WORKED))), auth=AUTH),
                      raise_server_exceptions=False)


def test_the_corpus_is_large_and_its_names_unique():
    assert len(CORPUS) >= 45 and len({name for name, _, _ in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(("name", "token", "reason"), CORPUS, ids=[c[0] for c in CORPUS])
def test_a_forged_token_is_refused_with_its_reason(client, name, token, reason):
    with pytest.raises(AuthError) as refused:
        AUTH.verify(token)
    assert reason in str(refused.value), (name, refused.value)
    header = {"Authorization": f"Bearer {token}".encode()}  # bytes: the unicode case goes as UTF-8
    response = client.post("/graphql", json={"query": READ}, headers=header)
    assert response.status_code == 401, (name, response.status_code, response.text[:300])
    assert response.text.startswith("authentication required: ") and reason in response.text
    report = client.get("/reports/S.md", headers=header)
    assert report.status_code == 401 and reason in report.text


@pytest.mark.parametrize(("name", "token", "reason"), CORPUS[::6], ids=[c[0] for c in CORPUS[::6]])
def test_a_forged_token_is_refused_on_websockets(client, name, token, reason):
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 4403


def test_the_good_token_of_the_corpus_passes(client):
    """The corpus is built from a token the service accepts: each case differs from it in one way."""
    response = client.post("/graphql", json={"query": READ}, headers={"Authorization": f"Bearer {GOOD}"})
    assert response.json() == {"data": {"goal": {"id": "S"}}}
    assert AUTH.verify(GOOD).roles == {Role.ADMIN}
