"""预警推送 settings: the channels of each unit and 分管领导, the mail server, the escalation delay.

They live in a YAML file named by ``ZHENGAI_NOTIFY_CONFIG`` (recipients are configuration, not graph data:
addresses and robot keys are secrets the dataset must not carry). The link-signing secret comes from
``ZHENGAI_NOTIFY_SECRET`` (or the file's ``secret``), the SMTP password from ``ZHENGAI_SMTP_PASSWORD``
(or ``smtp.password``).
"""

from __future__ import annotations

import os
import ssl
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

#: Environment variables of the settings.
CONFIG_ENV = "ZHENGAI_NOTIFY_CONFIG"
SECRET_ENV = "ZHENGAI_NOTIFY_SECRET"
PASSWORD_ENV = "ZHENGAI_SMTP_PASSWORD"


class NotifySettingsError(ValueError):
    """The settings file cannot be read or holds a bad value (its path and the field are named)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DingTalk(_Strict):
    """A 钉钉 group robot: its webhook and, with 加签 security, the secret (``SEC…``)."""

    url: str
    secret: str | None = None


class Channels(_Strict):
    """Where one unit's (or leader's) 预警简报 go: 企业微信 and 钉钉 robots, JSON webhooks, mail."""

    wecom: list[str] = Field(default_factory=list)  # 企业微信群机器人 webhook URLs
    wecom_format: Literal["markdown", "text"] = "markdown"
    dingtalk: list[DingTalk] = Field(default_factory=list)
    webhook: list[str] = Field(default_factory=list)  # generic JSON webhooks
    mail: list[str] = Field(default_factory=list)

    @field_validator("wecom", "webhook", "mail", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("dingtalk", mode="before")
    @classmethod
    def _one_or_many_robots(cls, value: object) -> object:
        if isinstance(value, str | dict):
            value = [value]
        return [{"url": v} if isinstance(v, str) else v for v in value] if isinstance(value, list) else value

    def targets(self) -> list[str]:
        """The channel names with at least one recipient (wecom, dingtalk, webhook, mail)."""
        return [name for name in ("wecom", "dingtalk", "webhook", "mail") if getattr(self, name)]


class Smtp(_Strict):
    """The mail server: plain, STARTTLS or SSL; a login when ``user`` is set."""

    host: str = "localhost"
    port: int = 25
    sender: str = "zhengai@localhost"
    user: str | None = None
    password: str | None = None
    security: Literal["none", "starttls", "ssl"] = "none"
    ca_file: str | None = None  # a PEM file of the CA to trust (a campus CA); default: the system's
    timeout: float = 30.0

    def tls(self) -> ssl.SSLContext:
        """The TLS context the server's certificate is checked with."""
        return ssl.create_default_context(cafile=self.ca_file)


class NotifySettings(_Strict):
    """预警推送: whether the scheduler runs, the service's public address (for acknowledgement links), the
    escalation delay, and the channels per unit id and per 分管领导 (the unit's ``leader``)."""

    enabled: bool = True
    base_url: str = "http://127.0.0.1:8000"
    secret: str | None = None
    escalate_after_hours: float = Field(48.0, ge=0)
    check_every_minutes: float = Field(10.0, gt=0)  # how often escalations are looked for
    min_severity: Literal["INFO", "YELLOW", "RED"] = "YELLOW"
    ack_link_days: float = Field(30.0, gt=0)  # how long an acknowledgement link stays valid
    max_listed: int = Field(20, ge=1)  # warnings listed in a chat message (mail lists them all)
    smtp: Smtp = Field(default_factory=Smtp)
    units: dict[str, Channels] = Field(default_factory=dict)
    leaders: dict[str, Channels] = Field(default_factory=dict)

    def signing_key(self) -> bytes:
        """The key acknowledgement links are signed with; NotifySettingsError without one."""
        secret = os.environ.get(SECRET_ENV) or self.secret
        if not secret:
            raise NotifySettingsError(f"预警推送 needs {SECRET_ENV} (or 'secret' in the settings) to sign "
                                      "acknowledgement links")
        return secret.encode()

    def smtp_password(self) -> str | None:
        """The SMTP password: ZHENGAI_SMTP_PASSWORD, else the file's."""
        return os.environ.get(PASSWORD_ENV) or self.smtp.password


def load_settings(path: str | Path) -> NotifySettings:
    """The settings of a YAML file; NotifySettingsError naming the file and the bad field."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise NotifySettingsError(f"{path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise NotifySettingsError(f"{path}: the settings must be a mapping, not {type(raw).__name__}")
    try:
        settings = NotifySettings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise NotifySettingsError(f"{path}: {where}: {first['msg']}") from exc
    settings.signing_key()  # refused at start, not at the first send
    return settings


def settings_from_env() -> NotifySettings | None:
    """The settings named by ZHENGAI_NOTIFY_CONFIG (None: 预警推送 is off)."""
    path = os.environ.get(CONFIG_ENV)
    return load_settings(path) if path else None
