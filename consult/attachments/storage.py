"""Where attachment files live: a folder (`CONSULT_UPLOADS_DIR`, default instance/uploads)
on one host, or an S3-compatible bucket (`CONSULT_S3_BUCKET`) when several app hosts
share the load. Files are written once under a random key and never changed or deleted."""
from __future__ import annotations

import os
from pathlib import Path

from flask import current_app


class StorageError(Exception):
    """The store could not be reached or refused the file."""


class FolderStorage:
    def __init__(self, root: str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, mime_type: str) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".part")
            temporary.write_bytes(data)
            os.replace(temporary, path)
        except OSError as error:
            raise StorageError(str(error)) from error

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except OSError as error:
            raise StorageError(str(error)) from error


class S3Storage:
    def __init__(self, bucket: str, endpoint_url: str | None, region: str):
        import boto3

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region)

    def put(self, key: str, data: bytes, mime_type: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=mime_type)
        except (BotoCoreError, ClientError) as error:
            raise StorageError(str(error)) from error

    def get(self, key: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except (BotoCoreError, ClientError) as error:
            raise StorageError(str(error)) from error


def storage() -> FolderStorage | S3Storage:
    config = current_app.config
    if config.get("CONSULT_S3_BUCKET"):
        cache = current_app.extensions.setdefault("consult_s3", {})
        settings = (config["CONSULT_S3_BUCKET"], config.get("CONSULT_S3_ENDPOINT_URL"),
                    config.get("CONSULT_S3_REGION", "eu-south-1"))
        if settings not in cache:
            cache[settings] = S3Storage(*settings)
        return cache[settings]
    return FolderStorage(config["CONSULT_UPLOADS_DIR"])
