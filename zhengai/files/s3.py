"""Content-addressed file storage in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, OSS, COS …).

The same addresses as :class:`~zhengai.files.blobs.BlobFolder` (``ab/cdef…`` under an optional prefix):
a file streams into a temporary local file (hashed on the way, sniffed before it is kept) and is uploaded
to its address only once accepted; an object already at the address stays (the same content). Several
servers may share the bucket.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zhengai.files.blobs import SHA256_HEX, BlobWriter, Stored

#: Bytes read from the bucket per chunk of a download.
CHUNK = 256 * 1024


@dataclass(frozen=True)
class S3Settings:
    """Where 佐证材料 are kept in a bucket: ``endpoint`` (None: AWS's own), ``bucket``, an optional key
    ``prefix``, credentials (None: boto3's usual chain — environment, profile, instance role) and
    ``region``."""

    bucket: str
    endpoint: str | None = None
    access_key: str | None = None
    secret_key: str | None = None
    region: str | None = None
    prefix: str = ""

    def __repr__(self) -> str:  # the secret never reaches a log
        return (f"S3Settings(bucket={self.bucket!r}, endpoint={self.endpoint!r}, region={self.region!r}, "
                f"prefix={self.prefix!r})")

    def client(self) -> Any:
        """A boto3 S3 client for these settings (path-style addressing: works with every S3-compatible
        server)."""
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key, region_name=self.region,
                            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}))


class S3Blobs:
    """The bucket of files kept by content; incoming files wait in ``spool`` (a local folder) until kept."""

    def __init__(self, settings: S3Settings, spool: Path | None = None):
        self.settings = settings
        self.client = settings.client()
        self.spool = spool if spool is not None else Path(tempfile.gettempdir()) / "zhengai-uploads"

    def key_of(self, sha256: str) -> str:
        """The object key of the file with ``sha256`` (ValueError for a malformed address)."""
        if len(sha256) != SHA256_HEX or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 address: {sha256!r}")
        prefix = self.settings.prefix.strip("/")
        return f"{prefix + '/' if prefix else ''}{sha256[:2]}/{sha256[2:]}"

    def has(self, sha256: str) -> bool:
        """Whether the file with ``sha256`` is kept."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.settings.bucket, Key=self.key_of(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def writer(self, max_bytes: int) -> S3Writer:
        """A writer for one incoming file of at most ``max_bytes``."""
        self.spool.mkdir(parents=True, exist_ok=True)
        return S3Writer(self, self.spool / f"{uuid.uuid4().hex}.part", max_bytes)

    def open(self, sha256: str) -> tuple[int, Iterator[bytes]] | None:
        """The size and the chunks of the file with ``sha256`` (None when the bucket lacks it)."""
        from botocore.exceptions import ClientError

        try:
            got = self.client.get_object(Bucket=self.settings.bucket, Key=self.key_of(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        body = got["Body"]

        def chunks() -> Iterator[bytes]:
            try:
                yield from body.iter_chunks(CHUNK)
            finally:
                body.close()

        return int(got["ContentLength"]), chunks()


class S3Writer(BlobWriter):
    """One file streaming in to the spool; :meth:`keep` uploads it to its address in the bucket."""

    def __init__(self, blobs: S3Blobs, path: Path, max_bytes: int):
        super().__init__(blobs, path, max_bytes)  # type: ignore[arg-type]
        self.bucket = blobs

    def keep(self) -> Stored:
        """Upload the finished file to its address (an object already there stays) and return it."""
        self.finish()
        sha = self._hash.hexdigest()
        key = self.bucket.key_of(sha)
        try:
            if not self.bucket.has(sha):
                self.bucket.client.upload_file(str(self.path), self.bucket.settings.bucket, key)
        finally:
            self.path.unlink(missing_ok=True)
        return Stored(sha, self.size, Path(key))  # the object's key stands for its path
